/* Incremental updates: objects written as PDF syntax (ISO 32000-1 7.3),
 * the cross-reference section as a table (7.5.4) or a stream (7.5.8), the
 * trailer (7.5.5), appended after the file (7.5.6). */
#include "pdfread/pdfupdate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* ---- the buffer ------------------------------------------------------ */

void pb_wbuf_put(pb_wbuf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = pb_xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
}

void pb_wbuf_str(pb_wbuf *b, const char *s)
{
    pb_wbuf_put(b, s, strlen(s));
}

void pb_wbuf_int(pb_wbuf *b, long long v)
{
    char d[24];
    int n = 0;
    unsigned long long u = v < 0 ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v;
    do {
        d[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        pb_wbuf_put(b, "-", 1);
    while (n)
        pb_wbuf_put(b, &d[--n], 1);
}

void pb_wbuf_free(pb_wbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* A regular character of a name (not white space, a delimiter or '#'). */
static bool name_char(unsigned char c)
{
    return c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", c);
}

void pb_wbuf_name(pb_wbuf *b, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    pb_wbuf_put(b, "/", 1);
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        if (name_char(*s)) {
            pb_wbuf_put(b, s, 1);
        } else {
            char e[3] = {'#', hex[*s >> 4], hex[*s & 15]};
            pb_wbuf_put(b, e, 3);
        }
    }
}

void pb_wbuf_hex(pb_wbuf *b, const void *data, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *d = data;
    pb_wbuf_put(b, "<", 1);
    for (size_t i = 0; i < n; i++) {
        char e[2] = {hex[d[i] >> 4], hex[d[i] & 15]};
        pb_wbuf_put(b, e, 2);
    }
    pb_wbuf_put(b, ">", 1);
}

void pb_wbuf_text(pb_wbuf *b, const char *s)
{
    size_t len = strlen(s);
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            ascii = false;
    if (ascii) {
        pb_wbuf_put(b, "(", 1);
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '(' || s[i] == ')' || s[i] == '\\')
                pb_wbuf_put(b, "\\", 1);
            pb_wbuf_put(b, &s[i], 1);
        }
        pb_wbuf_put(b, ")", 1);
        return;
    }
    unsigned char *u = pb_xmalloc(2 + 2 * len);
    size_t n = pb_utf8_to_utf16be(s, len, u);
    pb_wbuf_hex(b, u, n);
    free(u);
}

void pb_wbuf_ref(pb_wbuf *b, long long num, int gen)
{
    pb_wbuf_int(b, num);
    pb_wbuf_put(b, " ", 1);
    pb_wbuf_int(b, gen);
    pb_wbuf_str(b, " R");
}

/* A real as the reader kept it: at most 6 decimals, never an exponent. */
static void put_real(pb_wbuf *b, double r)
{
    if (!isfinite(r) || fabs(r) > 1e15)
        r = 0;
    long long scaled = llround(r * 1e6);
    if (scaled < 0) {
        pb_wbuf_put(b, "-", 1);
        scaled = -scaled;
    }
    pb_wbuf_int(b, scaled / 1000000);
    long long frac = scaled % 1000000;
    if (frac) {
        char d[8];
        int n = 6;
        while (frac % 10 == 0) {
            frac /= 10;
            n--;
        }
        for (int i = n - 1; i >= 0; i--) {
            d[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        pb_wbuf_put(b, ".", 1);
        pb_wbuf_put(b, d, (size_t)n);
    }
}

static void put_object(pb_wbuf *b, const pb_pobj *o, const char *const *skip, bool open,
                       int depth)
{
    if (!o || depth > PB_PDF_MAX_DEPTH) {
        pb_wbuf_str(b, "null");
        return;
    }
    switch (o->kind) {
    case PB_POBJ_NULL:
        pb_wbuf_str(b, "null");
        break;
    case PB_POBJ_BOOL:
        pb_wbuf_str(b, o->b ? "true" : "false");
        break;
    case PB_POBJ_INT:
        pb_wbuf_int(b, o->i);
        break;
    case PB_POBJ_REAL:
        put_real(b, o->r);
        break;
    case PB_POBJ_STRING:
        pb_wbuf_hex(b, o->s, o->len);
        break;
    case PB_POBJ_NAME:
        pb_wbuf_name(b, o->s);
        break;
    case PB_POBJ_REF:
        pb_wbuf_ref(b, o->i, o->gen);
        break;
    case PB_POBJ_ARRAY:
        pb_wbuf_put(b, "[", 1);
        for (int i = 0; i < o->n; i++) {
            if (i)
                pb_wbuf_put(b, " ", 1);
            put_object(b, o->items[i], NULL, false, depth + 1);
        }
        pb_wbuf_put(b, "]", 1);
        break;
    case PB_POBJ_DICT:
    case PB_POBJ_STREAM:
        pb_wbuf_put(b, "<<", 2);
        for (int i = 0; i < o->n; i++) {
            bool skipped = false;
            for (int k = 0; skip && skip[k] && !skipped; k++)
                skipped = !strcmp(skip[k], o->keys[i]);
            /* a later duplicate key wins in the reader: keep only the last */
            for (int k = i + 1; k < o->n && !skipped; k++)
                skipped = !strcmp(o->keys[k], o->keys[i]);
            if (skipped)
                continue;
            pb_wbuf_name(b, o->keys[i]);
            pb_wbuf_put(b, " ", 1);
            put_object(b, o->items[i], NULL, false, depth + 1);
            pb_wbuf_put(b, "\n", 1);
        }
        if (!open)
            pb_wbuf_put(b, ">>", 2);
        break;
    }
}

void pb_wbuf_object(pb_wbuf *b, const pb_pobj *o, const char *const *skip, bool open)
{
    put_object(b, o, skip, open, 0);
}

/* ---- the update -------------------------------------------------------- */

typedef struct upd_obj {
    long long num;
    int gen;
    pb_wbuf body;
    size_t head;          /* offset of "N G obj" in the finished file */
    size_t at;            /* offset of the body */
} upd_obj;

struct pb_pdf_update {
    pb_pdf *pdf;
    const unsigned char *base;
    size_t len;
    pb_arena *arena;
    upd_obj *objs;        /* owned array */
    int n, cap;
    long long next;       /* the next new object number */
};

pb_pdf_update *pb_pdf_update_begin(pb_pdf *pdf, const unsigned char *base, size_t len,
                                   pb_arena *arena)
{
    pb_pdf_update *u = pb_arena_calloc(arena, 1, sizeof *u);
    u->pdf = pdf;
    u->base = base;
    u->len = len;
    u->arena = arena;
    const pb_pobj *size = pb_pdf_get(pdf, pb_pdf_trailer(pdf), "Size");
    u->next = size && size->kind == PB_POBJ_INT && size->i > 0 ? size->i : pb_pdf_size(pdf);
    if (u->next < pb_pdf_size(pdf))
        u->next = pb_pdf_size(pdf);
    return u;
}

long long pb_pdf_update_new(pb_pdf_update *u)
{
    return u->next++;
}

pb_wbuf *pb_pdf_update_object(pb_pdf_update *u, long long num)
{
    for (int i = 0; i < u->n; i++)
        if (u->objs[i].num == num)
            return &u->objs[i].body;
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 16;
        u->objs = pb_xrealloc(u->objs, (size_t)u->cap * sizeof *u->objs);
    }
    upd_obj *o = &u->objs[u->n++];
    memset(o, 0, sizeof *o);
    o->num = num;
    o->gen = pb_pdf_generation(u->pdf, num);
    return &o->body;
}

size_t pb_pdf_update_offset(const pb_pdf_update *u, long long num)
{
    for (int i = 0; i < u->n; i++)
        if (u->objs[i].num == num)
            return u->objs[i].at;
    return 0;
}

void pb_pdf_update_free(pb_pdf_update *u)
{
    if (!u)
        return;
    for (int i = 0; i < u->n; i++)
        pb_wbuf_free(&u->objs[i].body);
    free(u->objs);
    u->objs = NULL;
    u->n = u->cap = 0;
}

static int by_num(const void *a, const void *b)
{
    const upd_obj *x = a, *y = b;
    return (x->num > y->num) - (x->num < y->num);
}

/* The trailer's entries after /Size: /Root, /Info, /ID, /Prev. */
static void trailer_entries(pb_pdf_update *u, pb_wbuf *b, size_t *id_hole)
{
    const pb_pobj *t = pb_pdf_trailer(u->pdf);
    const pb_pobj *root = pb_pdf_get_raw(t, "Root"), *info = pb_pdf_get_raw(t, "Info");
    if (root) {
        pb_wbuf_str(b, "/Root ");
        pb_wbuf_object(b, root, NULL, false);
        pb_wbuf_str(b, "\n");
    }
    if (info) {
        pb_wbuf_str(b, "/Info ");
        pb_wbuf_object(b, info, NULL, false);
        pb_wbuf_str(b, "\n");
    }
    /* the first identifier stays (it names the document); the second is
     * the caller's: a hash of this version */
    const pb_pobj *id = pb_pdf_get(u->pdf, t, "ID");
    const pb_pobj *first = id && id->kind == PB_POBJ_ARRAY && id->n == 2
                               ? pb_pdf_resolve(u->pdf, id->items[0])
                               : NULL;
    pb_wbuf_str(b, "/ID [");
    if (first && first->kind == PB_POBJ_STRING)
        pb_wbuf_hex(b, first->s, first->len);
    else
        pb_wbuf_str(b, "<00000000000000000000000000000000>");
    pb_wbuf_str(b, " <");
    *id_hole = b->len;
    pb_wbuf_str(b, "00000000000000000000000000000000>]\n/Prev ");
    pb_wbuf_int(b, (long long)pb_pdf_startxref(u->pdf));
    pb_wbuf_str(b, "\n");
}

/* Ten digits, zero-padded. */
static void put_padded(pb_wbuf *b, unsigned long long v, int width)
{
    char d[24];
    for (int i = width - 1; i >= 0; i--) {
        d[i] = (char)('0' + v % 10);
        v /= 10;
    }
    pb_wbuf_put(b, d, (size_t)width);
}

/* Runs of consecutive object numbers: "start count" pairs. */
static int runs(const upd_obj *objs, int n, long long *starts, int *counts)
{
    int r = 0;
    for (int i = 0; i < n; i++) {
        if (r > 0 && objs[i].num == starts[r - 1] + counts[r - 1]) {
            counts[r - 1]++;
        } else {
            starts[r] = objs[i].num;
            counts[r++] = 1;
        }
    }
    return r;
}

bool pb_pdf_update_finish(pb_pdf_update *u, unsigned char **out, size_t *out_len,
                          size_t *id_at)
{
    *out = NULL;
    *out_len = 0;
    bool stream = pb_pdf_xref_is_stream(u->pdf);
    long long xref_num = stream ? pb_pdf_update_new(u) : -1;
    pb_wbuf f = {0};
    pb_wbuf_put(&f, u->base, u->len);
    if (u->len && u->base[u->len - 1] != '\n' && u->base[u->len - 1] != '\r')
        pb_wbuf_put(&f, "\n", 1);
    qsort(u->objs, (size_t)u->n, sizeof *u->objs, by_num);
    for (int i = 0; i < u->n; i++) {
        upd_obj *o = &u->objs[i];
        o->head = f.len;
        pb_wbuf_int(&f, o->num);
        pb_wbuf_put(&f, " ", 1);
        pb_wbuf_int(&f, o->gen);
        pb_wbuf_str(&f, " obj\n");
        o->at = f.len;
        pb_wbuf_put(&f, o->body.p, o->body.len);
        pb_wbuf_str(&f, "\nendobj\n");
    }
    size_t xref_at = f.len;
    long long size = u->next;
    size_t hole;
    if (!stream) {
        long long *starts = pb_xcalloc((size_t)u->n + 1, sizeof *starts);
        int *counts = pb_xcalloc((size_t)u->n + 1, sizeof *counts);
        int nr = runs(u->objs, u->n, starts, counts);
        pb_wbuf_str(&f, "xref\n");
        for (int r = 0, i = 0; r < nr; r++) {
            pb_wbuf_int(&f, starts[r]);
            pb_wbuf_put(&f, " ", 1);
            pb_wbuf_int(&f, counts[r]);
            pb_wbuf_put(&f, "\n", 1);
            for (int k = 0; k < counts[r]; k++, i++) {
                const upd_obj *o = &u->objs[i];
                put_padded(&f, o->head, 10);
                pb_wbuf_put(&f, " ", 1);
                put_padded(&f, (unsigned long long)o->gen, 5);
                pb_wbuf_str(&f, " n\r\n");
            }
        }
        free(starts);
        free(counts);
        pb_wbuf_str(&f, "trailer\n<</Size ");
        pb_wbuf_int(&f, size);
        pb_wbuf_str(&f, "\n");
        size_t base_at = f.len;
        pb_wbuf t = {0};
        trailer_entries(u, &t, &hole);
        pb_wbuf_put(&f, t.p, t.len);
        pb_wbuf_free(&t);
        hole += base_at;
        pb_wbuf_str(&f, ">>\n");
    } else {
        /* the stream's own entry too; 4-byte offsets reach 4 GiB */
        upd_obj self = {.num = xref_num, .gen = 0, .head = xref_at, .at = xref_at};
        if (u->n == u->cap) {
            u->cap = u->cap ? u->cap * 2 : 16;
            u->objs = pb_xrealloc(u->objs, (size_t)u->cap * sizeof *u->objs);
        }
        u->objs[u->n++] = self;
        long long *starts = pb_xcalloc((size_t)u->n + 1, sizeof *starts);
        int *counts = pb_xcalloc((size_t)u->n + 1, sizeof *counts);
        int nr = runs(u->objs, u->n, starts, counts);
        int ow = xref_at > 0xFFFFFFFFu ? 8 : 4;
        pb_wbuf data = {0};
        for (int i = 0; i < u->n; i++) {
            size_t head = u->objs[i].head;
            unsigned char rec[11];
            rec[0] = 1;
            for (int k = 0; k < ow; k++)
                rec[1 + k] = (unsigned char)(head >> (8 * (ow - 1 - k)));
            rec[1 + ow] = (unsigned char)(u->objs[i].gen >> 8);
            rec[2 + ow] = (unsigned char)u->objs[i].gen;
            pb_wbuf_put(&data, rec, (size_t)(3 + ow));
        }
        pb_wbuf_int(&f, xref_num);
        pb_wbuf_str(&f, " 0 obj\n<</Type /XRef\n/Size ");
        pb_wbuf_int(&f, size);
        pb_wbuf_str(&f, "\n/W [1 ");
        pb_wbuf_int(&f, ow);
        pb_wbuf_str(&f, " 2]\n/Index [");
        for (int r = 0; r < nr; r++) {
            if (r)
                pb_wbuf_put(&f, " ", 1);
            pb_wbuf_int(&f, starts[r]);
            pb_wbuf_put(&f, " ", 1);
            pb_wbuf_int(&f, counts[r]);
        }
        pb_wbuf_str(&f, "]\n/Length ");
        pb_wbuf_int(&f, (long long)data.len);
        pb_wbuf_str(&f, "\n");
        size_t base_at = f.len;
        pb_wbuf t = {0};
        trailer_entries(u, &t, &hole);
        pb_wbuf_put(&f, t.p, t.len);
        pb_wbuf_free(&t);
        hole += base_at;
        pb_wbuf_str(&f, ">>\nstream\n");
        pb_wbuf_put(&f, data.p, data.len);
        pb_wbuf_str(&f, "\nendstream\nendobj\n");
        pb_wbuf_free(&data);
        free(starts);
        free(counts);
        u->n--; /* the stream is not an object the caller wrote */
    }
    pb_wbuf_str(&f, "startxref\n");
    pb_wbuf_int(&f, (long long)xref_at);
    pb_wbuf_str(&f, "\n%%EOF\n");
    *out = f.p;
    *out_len = f.len;
    *id_at = hole;
    return true;
}
