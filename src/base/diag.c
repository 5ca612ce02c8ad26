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
        free(d->messages[i].text);
    free(d->messages);
    memset(d, 0, sizeof *d);
}

/* Messages quote input and file names, which may hold anything: bytes that
 * are not UTF-8 become \xNN and control characters \uNNNN, so one line
 * stays one line and no escape sequence reaches the terminal. */
static char *printable(const char *s)
{
    size_t len = strlen(s), o = 0;
    char *out = pb_xmalloc(len * 6 + 1);
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
    return out;
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
    size_t n = strlen(body) + (file ? strlen(file) : 0) + (path ? strlen(path) : 0) + 8;
    char *text = pb_xmalloc(n);
    text[0] = 0;
    if (file && *file) {
        strcat(text, file);
        strcat(text, ": ");
    }
    if (path && *path) {
        strcat(text, path);
        strcat(text, ": ");
    }
    strcat(text, body);
    char *clean = printable(text);
    free(text);
    text = clean;
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->messages = pb_xrealloc(d->messages, (size_t)d->cap * sizeof *d->messages);
    }
    d->messages[d->count++] = (pb_message){sev, sev == PB_ERROR ? status : PB_OK, text};
    if (d->echo)
        fprintf(d->echo, "paiban: %s: %s\n", sev == PB_ERROR ? "error" : "warning", text);
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

void pb_diag_print(const pb_diag *d, FILE *f)
{
    for (int i = 0; i < d->count; i++)
        fprintf(f, "paiban: %s: %s\n",
                d->messages[i].severity == PB_ERROR ? "error" : "warning",
                d->messages[i].text);
    int limit = d->limit > 0 ? d->limit : 100;
    if (d->errors > limit)
        fprintf(f, "paiban: error: %d more errors not shown\n", d->errors - limit);
}
