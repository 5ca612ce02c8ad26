#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"

void pb_diag_init(pb_diag *d)
{
    memset(d, 0, sizeof *d);
}

void pb_diag_free(pb_diag *d)
{
    for (int i = 0; i < d->count; i++)
        free(d->messages[i].text); /* the parts share its block */
    free(d->messages);
    free(d->warned);
    memset(d, 0, sizeof *d);
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3u;
    return (h ^ 0xFF) * 0x100000001B3u; /* a separator: ("ab", "c") != ("a", "bc") */
}

/* True the first time this warning is seen (64-bit hashes of file, path
 * and text: a collision would drop one warning in 2^64). */
static bool first_warning(pb_diag *d, const char *file, const char *path, const char *body)
{
    uint64_t h = fnv1a(fnv1a(fnv1a(0xCBF29CE484222325u, file), path), body);
    if (h == 0)
        h = 1;
    if (2 * (d->nwarned + 1) > d->capwarned) {
        size_t cap = d->capwarned ? d->capwarned * 2 : 64;
        uint64_t *t = pb_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < d->capwarned; i++) {
            uint64_t v = d->warned[i];
            if (!v)
                continue;
            size_t j = (size_t)v & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = v;
        }
        free(d->warned);
        d->warned = t;
        d->capwarned = cap;
    }
    size_t j = (size_t)h & (d->capwarned - 1);
    for (; d->warned[j]; j = (j + 1) & (d->capwarned - 1))
        if (d->warned[j] == h)
            return false;
    d->warned[j] = h;
    d->nwarned++;
    return true;
}

/* Messages quote input and file names, which may hold anything: bytes that
 * are not UTF-8 become \xNN and control characters \uNNNN, so one line
 * stays one line and no escape sequence reaches the terminal.  Writes at
 * most 6 bytes per input byte to out; returns the length written. */
static size_t printable(const char *s, char *out)
{
    size_t len = strlen(s), o = 0;
    for (size_t i = 0; i < len;) {
        size_t k = i;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == 0xFFFD && k == i + 1)
            o += (size_t)sprintf(out + o, "\\x%02X", (unsigned char)s[i]);
        else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
        else {
            memcpy(out + o, s + i, k - i);
            o += k - i;
        }
        i = k;
    }
    out[o] = 0;
    return o;
}

static void add(pb_diag *d, pb_severity sev, pb_status status, const char *file,
                const char *path, const char *fmt, va_list ap)
{
    int limit = d->limit > 0 ? d->limit : 100;
    if (sev == PB_ERROR) {
        if (d->errors == 0)
            d->status = status;
        d->errors++;
        if (d->errors > limit)
            return; /* counted, not stored: one broken input can't flood */
    }
    char body[1024];
    if (vsnprintf(body, sizeof body, fmt, ap) >= (int)sizeof body) {
        /* cut before a character the limit split */
        size_t e = strlen(body), st = e;
        while (st > 0 && ((unsigned char)body[st - 1] & 0xC0) == 0x80)
            st--;
        if (st > 0 && pb_utf8_invalid_at(body + st - 1, e - st + 1) >= 0)
            body[st - 1] = 0;
    }
    if (file && !*file)
        file = NULL;
    if (path && !*path)
        path = NULL;
    if (sev == PB_WARNING && !first_warning(d, file, path, body))
        return;
    size_t fl = file ? strlen(file) : 0, pl = path ? strlen(path) : 0, bl = strlen(body);
    /* one block: the line, then the parts */
    size_t need = 2 * 6 * (fl + pl + bl) + 16;
    if (d->count == d->cap) {
        int cap = d->cap ? d->cap * 2 : 16;
        d->messages = pb_xrealloc(d->messages, (size_t)cap * sizeof *d->messages);
        d->cap = cap;
    }
    char *block = pb_xmalloc(need), *p = block;
    pb_diag_message m = {sev, sev == PB_ERROR ? status : PB_OK, block, NULL, NULL, NULL};
    if (file) {
        p += printable(file, p);
        p += sprintf(p, ": ");
    }
    if (path) {
        p += printable(path, p);
        p += sprintf(p, ": ");
    }
    p += printable(body, p) + 1;
    if (file) {
        m.file = p;
        p += printable(file, p) + 1;
    }
    if (path) {
        m.path = p;
        p += printable(path, p) + 1;
    }
    m.what = p;
    printable(body, p);
    d->messages[d->count++] = m;
}

void pb_diag_error(pb_diag *d, pb_status status, const char *file, const char *path,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, PB_ERROR, status, file, path, fmt, ap);
    va_end(ap);
}

void pb_diag_warning(pb_diag *d, const char *file, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, PB_WARNING, PB_OK, file, path, fmt, ap);
    va_end(ap);
}

void pb_diag_info(pb_diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, PB_INFO, PB_OK, NULL, NULL, fmt, ap);
    va_end(ap);
}

void pb_diag_out_of_memory(pb_diag *d)
{
    d->out_of_memory = true;
    d->status = PB_ERR_MEMORY; /* the run was cut short: this decides */
    d->errors++;
}

void pb_diag_deliver(const pb_diag *d, pb_message_fn fn, void *user)
{
    if (!fn)
        return;
    for (int i = 0; i < d->count; i++) {
        const pb_diag_message *m = &d->messages[i];
        pb_message msg = {m->severity, m->status, m->file, m->path, m->what, m->text};
        fn(user, &msg);
    }
    int limit = d->limit > 0 ? d->limit : 100;
    int stored = d->errors - (d->out_of_memory ? 1 : 0);
    if (stored > limit) {
        char text[64];
        snprintf(text, sizeof text, "%d more errors not shown", stored - limit);
        pb_message msg = {PB_ERROR, d->status, NULL, NULL, text, text};
        fn(user, &msg);
    }
    if (d->out_of_memory) {
        pb_message msg = {PB_ERROR, PB_ERR_MEMORY, NULL, NULL, "out of memory",
                          "out of memory"};
        fn(user, &msg);
    }
}

static void print_one(void *user, const pb_message *m)
{
    FILE *f = user;
    if (m->severity == PB_INFO)
        fprintf(f, "%s\n", m->line);
    else
        fprintf(f, "paiban: %s: %s\n", m->severity == PB_ERROR ? "error" : "warning",
                m->line);
}

void pb_diag_print(const pb_diag *d, FILE *f)
{
    pb_diag_deliver(d, print_one, f);
}
