/* Reading a PDF back as a reader does, for the end-to-end tests (header
 * only): `mutool convert -F stext` gives every glyph with its font, size,
 * origin and advance box; characters are sorted into lines by page and
 * baseline.  Needs testutil.h, base/arena.h and base/utf8.h first. */
#ifndef PAIBAN_STEXT_H
#define PAIBAN_STEXT_H

#include <math.h>

#define BODY_SIZE 16.0

typedef struct ch {
    int page;
    double x, y, x1; /* origin, baseline, right end of the advance box */
    double size;
    uint32_t cp;
    char font[64];
} ch;

typedef struct line {
    int page;
    double y;
    ch *c;   /* borrowed from the sorted characters */
    int n;
} line;

typedef struct doc {
    const char *name, *pdf;
    ch *chars;    /* sorted by page, baseline and x */
    int nchars;
    ch *stream;   /* the same in the order of the content streams */
    line *lines; /* 16 pt lines in reading order */
    int nlines;
    int npages;
    double page_h;  /* the first page's height */
} doc;

static double attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    return p ? atof(p + strlen(key)) : NAN;
}

static uint32_t attr_char(const char *tag)
{
    const char *p = strstr(tag, " c=\"");
    if (!p)
        return 0;
    p += 4;
    if (!strncmp(p, "&#x", 3))
        return (uint32_t)strtoul(p + 3, NULL, 16);
    if (!strncmp(p, "&amp;", 5))
        return '&';
    if (!strncmp(p, "&lt;", 4))
        return '<';
    if (!strncmp(p, "&gt;", 4))
        return '>';
    if (!strncmp(p, "&quot;", 6))
        return '"';
    if (!strncmp(p, "&apos;", 6))
        return '\'';
    size_t i = 0, len = strlen(p);
    return pb_utf8_next(p, len, &i);
}

static int by_position(const void *pa, const void *pb)
{
    const ch *a = pa, *b = pb;
    if (a->page != b->page)
        return a->page - b->page;
    if (fabs(a->y - b->y) > 0.01)
        return a->y < b->y ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

static inline bool load_pdf(doc *d, const char *name, const char *pdf);

/* Renders report into work and reads its characters; lines: the 16 pt
 * lines that start inside the GB/T 9704 text block (28 mm from the left
 * edge), trailing spaces left out. */
static inline bool load(doc *d, const char *paiban, const char *report, const char *work)
{
    char cmd[4096];
    static char pdf[64][1024];
    static int slot;
    const char *base = strrchr(report, '/');
    base = base ? base + 1 : report;
    d->name = base;
    char *out = pdf[slot++ % 64];
    snprintf(out, 1024, "%s/%.*s.pdf", work, (int)(strcspn(base, ".")), base);
    d->pdf = out;
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' --force 2>/dev/null", paiban, report, out);
    int st;
    free(test_run(cmd, &st));
    if (!CHECK(st == 0, "%s: render exits 0 (got %d)", base, st))
        return false;
    return load_pdf(d, base, out);
}

/* Reads the characters of a PDF made elsewhere (named `name` in messages;
 * pdf must outlive d). */
static inline bool load_pdf(doc *d, const char *name, const char *pdf)
{
    char cmd[4096];
    const char *base = name, *out = pdf;
    int st;
    d->name = name;
    d->pdf = pdf;
    /* inhibit-spaces: the glyphs only, no spaces guessed from gaps */
    snprintf(cmd, sizeof cmd,
             "mutool convert -F stext -O inhibit-spaces -o '%s.stext' '%s' >/dev/null 2>&1 && "
             "cat '%s.stext'",
             out, out, out);
    char *xml = test_run(cmd, &st);
    if (!CHECK(st == 0 && strstr(xml, "<page"), "%s: mutool draw -F stext", base)) {
        free(xml);
        return false;
    }
    int cap = 4096, page = 0;
    d->chars = pb_xcalloc((size_t)cap, sizeof *d->chars);
    char font[64] = "";
    double size = 0;
    for (char *p = xml; (p = strchr(p, '<'));) {
        char *e = strchr(p, '>');
        if (!e)
            break;
        *e = 0;
        if (!strncmp(p, "<page ", 6)) {
            if (page++ == 0)
                d->page_h = attr(p, "height");
        } else if (!strncmp(p, "<font ", 6)) {
            const char *n = strstr(p, "name=\"");
            size_t k = 0;
            if (n)
                for (n += 6; *n && *n != '"' && k + 1 < sizeof font; n++)
                    font[k++] = *n;
            font[k] = 0;
            size = attr(p, "size");
        } else if (!strncmp(p, "<char ", 6)) {
            if (d->nchars == cap)
                d->chars = pb_xrealloc(d->chars, (size_t)(cap *= 2) * sizeof *d->chars);
            ch *c = &d->chars[d->nchars++];
            memset(c, 0, sizeof *c);
            c->page = page;
            c->x = attr(p, "x");
            c->y = attr(p, "y");
            const char *q = strstr(p, " quad=\"");
            double qx[4] = {0};
            if (q)
                sscanf(q + 7, "%lf %*f %lf %*f %lf %*f %lf", &qx[0], &qx[1], &qx[2], &qx[3]);
            c->x1 = qx[1];
            c->size = size;
            c->cp = attr_char(p);
            snprintf(c->font, sizeof c->font, "%s", font);
        }
        p = e + 1;
    }
    free(xml);
    d->npages = page;
    d->stream = pb_xcalloc((size_t)d->nchars + 1, sizeof *d->stream);
    memcpy(d->stream, d->chars, (size_t)d->nchars * sizeof *d->chars);
    qsort(d->chars, (size_t)d->nchars, sizeof *d->chars, by_position);
    d->lines = pb_xcalloc((size_t)d->nchars + 1, sizeof *d->lines);
    for (int i = 0; i < d->nchars;) {
        int j = i + 1;
        while (j < d->nchars && d->chars[j].page == d->chars[i].page &&
               fabs(d->chars[j].y - d->chars[i].y) <= 0.01)
            j++;
        /* a body line: 16 pt characters inside the text block's width */
        int n16 = 0;
        for (int k = i; k < j; k++)
            n16 += fabs(d->chars[k].size - BODY_SIZE) < 0.01;
        int end = j; /* spaces at the end hang: not part of the line */
        while (end > i && d->chars[end - 1].cp == ' ')
            end--;
        if (n16 == j - i && end > i && d->chars[i].x >= 28 * 72.0 / 25.4 - 0.5)
            d->lines[d->nlines++] = (line){d->chars[i].page, d->chars[i].y, &d->chars[i], end - i};
        i = j;
    }
    return true;
}

static void doc_free(doc *d)
{
    free(d->chars);
    free(d->stream);
    free(d->lines);
    d->chars = NULL;
    d->stream = NULL;
    d->lines = NULL;
}

#endif
