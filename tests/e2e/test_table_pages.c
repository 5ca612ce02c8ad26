/* Tables and the page, read back from the PDF (`mutool convert -F stext`)
 * with the cell boxes of the dump:
 *
 *  - no cell's last line holds one character alone (of a text of more);
 *  - all the table text of a report is one size;
 *  - every full-width mark inside a cell's line (not at its end, not
 *    next to another mark) takes a whole em between its neighbours: no
 *    comma squeezed to fit a cell, where it would read as "," and differ
 *    from the one in the next cell; with --push-in the report's table
 *    fits its page only with the marks squeezed, and they are counted;
 *  - with --one-page A B: the texts A and B (the first and the last label
 *    of a table) are on the same page;
 *  - with --pieces N (the table's header rows): the first page of the
 *    table shows at least two of its body rows, the last at least two;
 *    no page ends with one row of a group that goes on, and no page
 *    starts with one row of a group unless the group has three; every
 *    continuation page starts with "续表" above the header.
 *
 * usage: test_table_pages PAIBAN WORKDIR REPORT.json [--one-page A B]
 *                         [--pieces N] [--push-in] [REPORT.json [options]]... */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "../testutil.h"
#include "stext.h"

typedef struct cell {
    int page, row, col, rowspan, colspan;
    double x, y, w, h;
    bool cut_top, cut_bottom;
    char text[512];
} cell;

typedef struct cells {
    cell *c;
    int n;
} cells;

/* The table cells of the dump. */
static bool read_cells(const char *path, cells *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[4096];
    int page = 0, cap = 256;
    out->c = pb_xcalloc((size_t)cap, sizeof *out->c);
    out->n = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "page ", 5)) {
            page = atoi(line + 5);
            continue;
        }
        if (strncmp(line, "  cell r", 8))
            continue;
        if (out->n == cap)
            out->c = pb_xrealloc(out->c, (size_t)(cap *= 2) * sizeof *out->c);
        cell *c = &out->c[out->n];
        memset(c, 0, sizeof *c);
        c->page = page;
        if (sscanf(line, "  cell r%d c%d %dx%d x=%lf y=%lf w=%lf h=%lf", &c->row, &c->col,
                   &c->rowspan, &c->colspan, &c->x, &c->y, &c->w, &c->h) != 8)
            continue;
        c->cut_top = strstr(line, " cut-top") != NULL;
        c->cut_bottom = strstr(line, " cut-bottom") != NULL;
        const char *q = strchr(line, '"');
        if (q) {
            size_t k = 0;
            for (q++; *q && *q != '"' && k + 1 < sizeof c->text; q++) {
                if (*q == '\\' && q[1])
                    q++;
                c->text[k++] = *q;
            }
            c->text[k] = 0;
        }
        out->n++;
    }
    fclose(f);
    return true;
}

static bool punct(uint32_t cp)
{
    return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || cp == 0x201C || cp == 0x201D || cp == 0xFF5E ||
           cp == 0x2014 || cp == 0x2026 || (cp < 0x80 && !((cp >= '0' && cp <= '9') ||
                                                         ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')));
}

/* Characters of a line, a Latin word or number counting as one. */
static int words(const ch *const *c, int n)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        if (punct(c[i]->cp))
            continue;
        bool latin = c[i]->cp < 0x80;
        if (latin && i > 0 && c[i - 1]->cp < 0x80 && !punct(c[i - 1]->cp))
            continue;
        w++;
    }
    return w;
}

/* Full-width marks that push-in could squeeze (clreq): stops, commas
 * and brackets. */
static bool squeezable(uint32_t cp)
{
    static const uint32_t marks[] = {0xFF0C, 0x3001, 0xFF1B, 0xFF1A, 0x3002, 0xFF01, 0xFF1F,
                                     0xFF08, 0xFF09, 0x300A, 0x300B, 0x3010, 0x3011};
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (cp == marks[k])
            return true;
    return false;
}

/* The marks of one cell line c[0..n) squeezed: a mark between two
 * characters that are not marks has less than an em between them. */
static int squeezed_marks(const ch *const *c, int n, int *checked)
{
    int squeezed = 0;
    for (int i = 1; i + 1 < n; i++) {
        if (!squeezable(c[i]->cp) || punct(c[i - 1]->cp) || punct(c[i + 1]->cp))
            continue;
        ++*checked;
        if (c[i + 1]->x - c[i - 1]->x1 < c[i]->size - 0.01)
            squeezed++;
    }
    return squeezed;
}

static int cmp_line(const void *pa, const void *pb)
{
    const ch *a = *(const ch *const *)pa, *b = *(const ch *const *)pb;
    if (fabs(a->y - b->y) > 0.5)
        return a->y < b->y ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

/* Marks found inside cell lines where none may be squeezed, over all the
 * reports: the check must have had something to look at. */
static int marks_whole;

static void check_cells(const doc *d, const cells *cs, bool push_in)
{
    const ch **in = pb_xcalloc((size_t)d->nchars + 1, sizeof *in);
    double size[16];
    int sizes = 0, lone = 0, checked = 0, marks = 0, squeezed = 0;
    for (int k = 0; k < cs->n; k++) {
        const cell *c = &cs->c[k];
        int n = 0;
        for (int i = 0; i < d->nchars; i++) {
            const ch *x = &d->chars[i];
            double cx = (x->x + x->x1) / 2;
            if (x->page == c->page && cx > c->x && cx < c->x + c->w && x->y > c->y &&
                x->y < c->y + c->h)
                in[n++] = x;
        }
        if (n == 0)
            continue;
        for (int i = 0; i < n; i++) {
            bool seen = false;
            for (int s = 0; s < sizes && !seen; s++)
                seen = fabs(size[s] - in[i]->size) <= 0.01;
            if (!seen && sizes < 16)
                size[sizes++] = in[i]->size;
        }
        qsort(in, (size_t)n, sizeof *in, cmp_line);
        int last = n - 1;
        while (last > 0 && fabs(in[last - 1]->y - in[n - 1]->y) <= 0.5)
            last--;
        checked++;
        for (int l0 = 0, l1; l0 < n; l0 = l1) {
            for (l1 = l0 + 1; l1 < n && fabs(in[l1]->y - in[l0]->y) <= 0.5; l1++)
                ;
            int sq = squeezed_marks(in + l0, l1 - l0, &marks);
            squeezed += sq;
            if (!push_in)
                CHECK(sq == 0, "%s page %d: cell r%d c%d \"%s\": %d mark(s) squeezed", d->name,
                      c->page, c->row, c->col, c->text, sq);
        }
        int all = words(in, n), end = words(in + last, n - last);
        if (all >= 2 && end == 1 && last > 0) {
            lone++;
            CHECK(false, "%s page %d: cell r%d c%d \"%s\": its last line holds one character",
                  d->name, c->page, c->row, c->col, c->text);
        }
    }
    CHECK(checked > 0, "%s: table cells found in the PDF", d->name);
    printf("  %s: %d cells read back, %d with a lone last character; %d marks inside "
           "lines, %d squeezed%s\n",
           d->name, checked, lone, marks, squeezed, push_in ? " (push-in allowed)" : "");
    if (!push_in)
        marks_whole += marks;
    CHECK(sizes == 1, "%s: all table text is one size (%d sizes: %.2f…)", d->name, sizes,
          sizes ? size[0] : 0.0);
    free(in);
}

static int page_of(const doc *d, const char *text)
{
    uint32_t cps[128];
    int n = 0;
    for (size_t at = 0, len = strlen(text); at < len && n < 128;)
        cps[n++] = pb_utf8_next(text, len, &at);
    /* cell text runs over lines: look in each page's reading order */
    for (int i = 0; i + n <= d->nchars; i++) {
        int k = 0;
        while (k < n && d->chars[i + k].cp == cps[k] && d->chars[i + k].page == d->chars[i].page)
            k++;
        if (k == n)
            return d->chars[i].page;
    }
    return 0;
}

/* The pieces of the table on each page, from the dump's cells. */
static void check_pieces(const doc *d, const cells *cs, int header)
{
    int first = 0, last = 0;
    for (int k = 0; k < cs->n; k++) {
        if (!first || cs->c[k].page < first)
            first = cs->c[k].page;
        if (cs->c[k].page > last)
            last = cs->c[k].page;
    }
    CHECK(last > first, "%s: the table crosses pages (%d to %d)", d->name, first, last);
    for (int p = first; p <= last; p++) {
        int lo = 1 << 30, hi = -1;
        for (int k = 0; k < cs->n; k++) {
            const cell *c = &cs->c[k];
            if (c->page != p || c->rowspan != 1 || c->row < header)
                continue;
            lo = c->row < lo ? c->row : lo;
            hi = c->row > hi ? c->row : hi;
        }
        int rows = hi - lo + 1;
        if (p == first)
            CHECK(rows >= 2, "%s page %d: the table's first page shows %d rows (2 at least)",
                  d->name, p, rows);
        if (p == last)
            CHECK(rows >= 2, "%s page %d: the table's last page shows %d rows (2 at least)",
                  d->name, p, rows);
        for (int k = 0; k < cs->n; k++) {
            const cell *c = &cs->c[k];
            if (c->page != p || c->rowspan < 2 || c->row < header)
                continue;
            int a = c->row > lo ? c->row : lo, b = c->row + c->rowspan - 1 < hi
                                                          ? c->row + c->rowspan - 1
                                                          : hi;
            int shown = b - a + 1;
            if (c->cut_bottom)
                CHECK(shown >= 2, "%s page %d: the page ends with %d row(s) of group \"%s\"",
                      d->name, p, shown, c->text);
            if (c->cut_top)
                CHECK(shown >= 2 || c->rowspan == 3,
                      "%s page %d: the page starts with %d row(s) of group \"%s\"", d->name, p,
                      shown, c->text);
        }
        if (p > first) {
            /* "续表" above the repeated header */
            bool cont = false;
            double top = 1e9;
            for (int k = 0; k < cs->n; k++)
                if (cs->c[k].page == p && cs->c[k].y < top)
                    top = cs->c[k].y;
            for (int i = 0; i + 1 < d->nchars && !cont; i++)
                cont = d->chars[i].page == p && d->chars[i].cp == 0x7EED &&
                       d->chars[i + 1].cp == 0x8868 && d->chars[i].y < top;
            CHECK(cont, "%s page %d: \"续表\" above the continued table", d->name, p);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: %s PAIBAN WORKDIR REPORT.json [--one-page A B] [--pieces N] "
                "[--push-in]...\n",
                argv[0]);
        return 2;
    }
    const char *paiban = argv[1], *work = argv[2];
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", work);
    if (system(cmd) != 0)
        return 2;
    for (int a = 3; a < argc;) {
        const char *report = argv[a++];
        const char *one[2] = {NULL, NULL};
        int pieces = -1;
        bool push_in = false;
        for (;;) {
            if (a + 2 < argc && !strcmp(argv[a], "--one-page")) {
                one[0] = argv[a + 1];
                one[1] = argv[a + 2];
                a += 3;
            } else if (a < argc && !strcmp(argv[a], "--push-in")) {
                push_in = true;
                a++;
            } else if (a + 1 < argc && !strcmp(argv[a], "--pieces")) {
                pieces = atoi(argv[a + 1]);
                a += 2;
            } else {
                break;
            }
        }
        doc d;
        memset(&d, 0, sizeof d);
        if (!load(&d, paiban, report, work))
            continue;
        char dump[1100];
        snprintf(dump, sizeof dump, "%s.dump", d.pdf);
        snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' --force --dump '%s' 2>/dev/null",
                 paiban, report, d.pdf, dump);
        int st;
        free(test_run(cmd, &st));
        cells cs = {NULL, 0};
        if (!CHECK(st == 0 && read_cells(dump, &cs), "%s: the dump lists the cells", d.name)) {
            free(cs.c);
            doc_free(&d);
            continue;
        }
        check_cells(&d, &cs, push_in);
        if (one[0]) {
            int p0 = page_of(&d, one[0]), p1 = page_of(&d, one[1]);
            CHECK(p0 && p0 == p1, "%s: \"%s\" (page %d) and \"%s\" (page %d) on one page",
                  d.name, one[0], p0, one[1], p1);
        }
        if (pieces >= 0)
            check_pieces(&d, &cs, pieces);
        free(cs.c);
        doc_free(&d);
    }
    CHECK(marks_whole > 0, "marks inside cell lines checked (%d)", marks_whole);
    return test_summary();
}
