/* The page as a reader measures it: glyph positions from `mutool convert
 * -F stext` and ink from page images (`pdftoppm`), never the dump.
 *
 * Against the GB/T 9704 page of the default layout (text block 156 x 225
 * mm at 28 mm from the left and 37 mm from the top, 28 characters of 22
 * lines), over the reports given:
 *
 *  - the grid: of the full body lines (16 pt lines whose text reaches the
 *    last column), at least 85 % set every full-width character exactly
 *    in one of the 28 columns (a closing mark hanging past the edge is
 *    allowed); every other full line is explained by a rule the test
 *    names (a line-start or line-end prohibition that pushed a character
 *    down, an adjacent pair of marks compressed, a number or word that
 *    cannot be split moved down whole, Latin text at the line's edge, a
 *    lone last character avoided);
 *  - "，" inside body lines advances by at most 2 distinct amounts;
 *  - a mark next to Latin text stands against it ("100%。", "（1）");
 *  - run-in headings (a line starting with "（" set in the heading font):
 *    their first ink lies within 0.5 pt of each other;
 *  - the page number's dash (一字线) is 7 ± 0.3 mm below the text block;
 *  - every 16 pt line, after a table too, stands on the 22-line grid;
 *  - a table (or its last piece) ends on the grid line the text after it
 *    stands on, so no line is lost, and a page that ends inside a table
 *    has the table's bottom rule on the grid's last line (page images);
 *  - no page but the last is filled less than a third;
 *  - with --pages N: the first report has at most N pages; with
 *    --one-page TEXT TEXT2: both texts are on the same page (a table kept
 *    whole).
 *
 * usage: test_page_geometry PAIBAN WORKDIR [--pages N] [--one-page A B]
 *                           REPORT.json... */
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

#define MM (72.0 / 25.4)
#define BLOCK_LEFT (28 * MM)
#define BLOCK_TOP (37 * MM)
#define BLOCK_W (156 * MM)
#define BLOCK_H (225 * MM)
#define COLUMNS 28
#define LINES 22
#define PN_SIZE 14.0
#define DPI 720 /* page images at 10 pixels a point */

static double grid_pitch, line_pitch;

/* ---- characters ------------------------------------------------------ */

static bool full_width(uint32_t cp)
{
    return cp >= 0x2E80 || cp == 0x2014 || cp == 0x2026 || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x201C || cp == 0x201D || cp == 0x00B7;
}

static bool latin(uint32_t cp)
{
    return cp > 0x20 && cp < 0x7F;
}

/* clreq: never at the start of a line */
static bool no_start(uint32_t cp)
{
    static const uint32_t set[] = {0x3001, 0xFF0C, 0xFF1B, 0xFF1A, 0x3002, 0xFF0E, 0xFF01,
                                   0xFF1F, 0x201D, 0x2019, 0x300D, 0x300F, 0xFF09, 0x300B,
                                   0x3009, 0x3011, 0x3017, 0x3015, 0xFF3D, 0xFF5D, 0xFF5E,
                                   0x2014, 0x2026, 0x00B7, 0x30FB};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (set[i] == cp)
            return true;
    return false;
}

/* clreq: never at the end of a line */
static bool no_end(uint32_t cp)
{
    static const uint32_t set[] = {0x201C, 0x2018, 0x300C, 0x300E, 0xFF08, 0x300A,
                                   0x3008, 0x3010, 0x3016, 0x3014, 0xFF3B, 0xFF5B};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (set[i] == cp)
            return true;
    return false;
}

static bool is_mark(uint32_t cp)
{
    return no_start(cp) || no_end(cp);
}

/* Column of x, or -1 when x is not on a column. */
static int column_of(double x)
{
    double k = (x - BLOCK_LEFT) / grid_pitch;
    long r = lround(k);
    return fabs(BLOCK_LEFT + r * grid_pitch - x) <= 0.05 ? (int)r : -1;
}

/* The right end of a line's text: a full-width character fills its cell. */
static double right_end(const line *l)
{
    const ch *c = &l->c[l->n - 1];
    return full_width(c->cp) ? c->x + grid_pitch : c->x1;
}

static bool is_full(const line *l)
{
    return right_end(l) >= BLOCK_LEFT + (COLUMNS - 0.5) * grid_pitch;
}

static bool on_grid(const line *l)
{
    for (int i = 0; i < l->n; i++) {
        const ch *c = &l->c[i];
        if (!full_width(c->cp))
            continue;
        int k = column_of(c->x);
        bool hanging = i == l->n - 1 && k == COLUMNS && no_start(c->cp);
        if (k < 0 || (k >= COLUMNS && !hanging))
            return false;
    }
    return true;
}

/* ---- the grid -------------------------------------------------------- */

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* The most frequent value of xs (rounded to 1/1000), the pitch the PDF uses. */
static double mode(double *xs, int n)
{
    if (n == 0)
        return 0;
    for (int i = 0; i < n; i++)
        xs[i] = round(xs[i] * 1000) / 1000;
    qsort(xs, (size_t)n, sizeof *xs, cmp_double);
    double best = xs[0];
    int run = 0, best_run = 0;
    for (int i = 0; i < n; i++) {
        run = i > 0 && xs[i] == xs[i - 1] ? run + 1 : 1;
        if (run > best_run) {
            best_run = run;
            best = xs[i];
        }
    }
    return best;
}

static void measure_pitches(doc *docs, int ndocs)
{
    int cap = 1024, n = 0, nv = 0;
    double *dx = pb_xcalloc((size_t)cap, sizeof *dx), *dy = pb_xcalloc((size_t)cap, sizeof *dy);
    for (int d = 0; d < ndocs; d++) {
        for (int i = 0; i < docs[d].nlines; i++) {
            const line *l = &docs[d].lines[i];
            for (int k = 0; k + 1 < l->n; k++) {
                if (l->c[k].cp < 0x4E00 || l->c[k + 1].cp < 0x4E00)
                    continue;
                if (n == cap) {
                    cap *= 2;
                    dx = pb_xrealloc(dx, (size_t)cap * sizeof *dx);
                    dy = pb_xrealloc(dy, (size_t)cap * sizeof *dy);
                }
                dx[n++] = l->c[k + 1].x - l->c[k].x;
            }
            if (i > 0 && docs[d].lines[i - 1].page == l->page && nv < cap)
                dy[nv++] = l->y - docs[d].lines[i - 1].y;
        }
    }
    grid_pitch = mode(dx, n);
    line_pitch = mode(dy, nv);
    free(dx);
    free(dy);
}

/* ---- page images ----------------------------------------------------- */

/* A gray image of a box of a page (points), 10 pixels a point. */
typedef struct image {
    int w, h;
    unsigned char *px;
    double x0, y0; /* the box's corner on the page, points */
} image;

static bool render_box(const char *pdf, const char *work, int page, double x0, double y0,
                       double w, double h, image *img)
{
    char cmd[4096], prefix[1024], path[1100];
    snprintf(prefix, sizeof prefix, "%s/crop", work);
    snprintf(path, sizeof path, "%s.pgm", prefix);
    double s = DPI / 72.0;
    snprintf(cmd, sizeof cmd,
             "pdftoppm -f %d -l %d -r %d -x %ld -y %ld -W %ld -H %ld -gray -singlefile '%s' '%s'",
             page, page, DPI, lround(x0 * s), lround(y0 * s), lround(w * s), lround(h * s), pdf,
             prefix);
    int st;
    free(test_run(cmd, &st));
    FILE *f = fopen(path, "rb");
    if (st != 0 || !f) {
        if (f)
            fclose(f);
        return false;
    }
    int maxval = 0;
    img->px = NULL;
    bool ok = fscanf(f, "P5 %d %d %d", &img->w, &img->h, &maxval) == 3 && maxval == 255 &&
              fgetc(f) != EOF;
    if (ok) {
        img->px = pb_xmalloc((size_t)img->w * (size_t)img->h + 1);
        ok = fread(img->px, 1, (size_t)img->w * (size_t)img->h, f) ==
             (size_t)img->w * (size_t)img->h;
    }
    fclose(f);
    if (!ok && img->px) {
        free(img->px);
        img->px = NULL;
    }
    img->x0 = lround(x0 * s) / s;
    img->y0 = lround(y0 * s) / s;
    return ok;
}

static bool dark(const image *img, int x, int y)
{
    return img->px[(size_t)y * (size_t)img->w + (size_t)x] < 128;
}

/* ---- the checks ------------------------------------------------------ */

typedef struct tally {
    int full, gridded;
    int why[8];
} tally;

enum { WHY_START, WHY_END, WHY_PAIR, WHY_WHOLE, WHY_EDGE, WHY_LONE, WHY_AGAINST, WHY_COUNT };
static const char *why_name[WHY_COUNT] = {
    "a line-start prohibition pushed a character down (the next line's second character "
    "may not start a line)",
    "a line-end prohibition moved an opening mark down (the next line starts with it)",
    "an adjacent pair of marks is compressed",
    "a number or word that cannot be split moved down whole",
    "Latin text at the line's start or end, not a whole number of cells",
    "a lone last character avoided (the paragraph's last line holds two)",
    "marks set against the Latin text they close or open (\"100%。\", \"（1）\"), the "
    "other characters in their columns",
};

/* Is every full-width character of the line in its column but marks that
 * stand against Latin text: closing and stop marks after it, opening marks
 * before it (through a run of such marks)? */
static bool marks_against_latin(const line *l)
{
    bool any = false;
    for (int i = 0; i < l->n; i++) {
        const ch *c = &l->c[i];
        if (!full_width(c->cp))
            continue;
        int k = column_of(c->x);
        if (k >= 0 && (k < COLUMNS || (i == l->n - 1 && no_start(c->cp))))
            continue;
        int j = i;
        if (no_start(c->cp))
            while (j > 0 && no_start(l->c[j].cp))
                j--;
        else if (no_end(c->cp))
            while (j + 1 < l->n && no_end(l->c[j].cp))
                j++;
        else
            return false;
        if (!latin(l->c[j].cp))
            return false;
        any = true;
    }
    return any;
}

static bool has_pair(const line *l)
{
    for (int i = 0; i + 1 < l->n; i++)
        if (is_mark(l->c[i].cp) && is_mark(l->c[i + 1].cp) &&
            fabs(l->c[i + 1].x - l->c[i].x - grid_pitch / 2) < 0.05)
            return true;
    return false;
}

static int count_chars(const line *l)
{
    int n = 0;
    for (int i = 0; i < l->n; i++)
        n += !is_mark(l->c[i].cp);
    return n;
}

/* Why is full line i off the grid?  -1: no rule explains it. */
static int explain(const doc *d, int i)
{
    const line *l = &d->lines[i], *nx = i + 1 < d->nlines ? &d->lines[i + 1] : NULL;
    if (nx && nx->n >= 2 && no_start(nx->c[1].cp))
        return WHY_START;
    if (nx && no_end(nx->c[0].cp))
        return WHY_END;
    if (has_pair(l))
        return WHY_PAIR;
    if (nx && latin(nx->c[0].cp) && !latin(l->c[l->n - 1].cp))
        return WHY_WHOLE;
    int first = 0;
    if (latin(l->c[first].cp) || latin(l->c[l->n - 1].cp))
        return WHY_EDGE;
    if (nx && !is_full(nx) && count_chars(nx) <= 2)
        return WHY_LONE;
    if (marks_against_latin(l))
        return WHY_AGAINST;
    return -1;
}

static void check_grid(const doc *d, tally *t)
{
    for (int i = 0; i < d->nlines; i++) {
        const line *l = &d->lines[i];
        if (!is_full(l))
            continue;
        t->full++;
        if (on_grid(l)) {
            t->gridded++;
            continue;
        }
        int why = explain(d, i);
        if (why >= 0) {
            t->why[why]++;
            continue;
        }
        char text[512];
        size_t o = 0;
        for (int k = 0; k < l->n && o + 8 < sizeof text; k++)
            o += (size_t)pb_utf8_encode(l->c[k].cp, text + o);
        text[o] = 0;
        CHECK(false, "%s page %d: full line off the grid, no rule explains it: %s", d->name,
              l->page, text);
        for (int k = 0; k < l->n; k++)
            if (full_width(l->c[k].cp) && column_of(l->c[k].x) < 0) {
                printf("    first character off a column: %d at x=%.3f (column %.3f)\n", k,
                       l->c[k].x, (l->c[k].x - BLOCK_LEFT) / grid_pitch);
                break;
            }
    }
}

static void check_commas(const doc *docs, int ndocs)
{
    double adv[64];
    int nadv = 0, n = 0;
    for (int d = 0; d < ndocs; d++)
        for (int i = 0; i < docs[d].nlines; i++) {
            const line *l = &docs[d].lines[i];
            for (int k = 0; k + 1 < l->n; k++) {
                if (l->c[k].cp != 0xFF0C)
                    continue;
                double a = round((l->c[k + 1].x - l->c[k].x) * 100) / 100;
                n++;
                bool seen = false;
                for (int m = 0; m < nadv; m++)
                    seen = seen || adv[m] == a;
                if (!seen && nadv < 64)
                    adv[nadv++] = a;
            }
        }
    printf("  %d commas inside body lines advance by", n);
    for (int m = 0; m < nadv; m++)
        printf(" %.2f", adv[m]);
    printf(" pt\n");
    CHECK(n > 0 && nadv <= 2, "\"，\" advances by at most 2 amounts in body text (%d)", nadv);
}

/* Marks next to Latin text stand against it: a closing or stop mark
 * after a letter or digit starts where the letter's advance ends ("100%。",
 * not "100% 。"), an opening mark before one ends where it starts. */
static void check_against(const doc *docs, int ndocs)
{
    int n = 0, bad = 0;
    for (int d = 0; d < ndocs; d++)
        for (int i = 0; i < docs[d].nlines; i++) {
            const line *l = &docs[d].lines[i];
            for (int k = 0; k + 1 < l->n; k++) {
                const ch *a = &l->c[k], *b = &l->c[k + 1];
                bool closing = latin(a->cp) && full_width(b->cp) && no_start(b->cp);
                bool opening = full_width(a->cp) && no_end(a->cp) && latin(b->cp);
                if (!closing && !opening)
                    continue;
                n++;
                /* a mark takes its cell; a digit is tracked to half a cell,
                 * up to 0.11 pt less than its advance in the font */
                double gap = b->x - (full_width(a->cp) ? a->x + grid_pitch : a->x1);
                if ((gap > 0.05 || gap < -0.12) && bad++ < 5)
                    CHECK(false, "%s page %d: \"%c\" and the mark %s it %.2f pt apart",
                          docs[d].name, l->page, (char)(closing ? a->cp : b->cp),
                          closing ? "after" : "before", gap);
            }
        }
    printf("  %d marks next to Latin text\n", n);
    CHECK(n > 0 && bad == 0, "marks stand against the Latin text next to them (%d of %d apart)",
          bad, n);
}

/* Run-in headings: lines that start at the indent with "（" in the heading
 * font (not the body's).  Their first ink, from the page image. */
static void check_run_in(const doc *docs, int ndocs, const char *work)
{
    double lo = 1e9, hi = -1e9;
    int n = 0;
    for (int d = 0; d < ndocs; d++)
        for (int i = 0; i < docs[d].nlines; i++) {
            const line *l = &docs[d].lines[i];
            const ch *c = &l->c[0];
            if (c->cp != 0xFF08 || !strstr(c->font, "Kai") || l->n < 2 ||
                strstr(l->c[l->n - 1].font, "Kai"))
                continue; /* a heading line of its own is not run in */
            image img;
            if (!CHECK(render_box(docs[d].pdf, work, l->page, c->x - 4, l->y - BODY_SIZE,
                                  grid_pitch + 8, BODY_SIZE + 4, &img),
                       "%s page %d: page image of a run-in heading", docs[d].name, l->page))
                continue;
            int first = -1;
            for (int x = 0; x < img.w && first < 0; x++)
                for (int y = 0; y < img.h && first < 0; y++)
                    if (dark(&img, x, y))
                        first = x;
            free(img.px);
            if (!CHECK(first >= 0, "%s page %d: a run-in heading's bracket has ink",
                       docs[d].name, l->page))
                continue;
            double ink = img.x0 + first * 72.0 / DPI;
            printf("  run-in heading on page %d of %s: first ink at %.2f pt\n", l->page,
                   docs[d].name, ink);
            lo = ink < lo ? ink : lo;
            hi = ink > hi ? ink : hi;
            n++;
        }
    CHECK(n >= 2 && hi - lo <= 0.5,
          "run-in headings' first ink within 0.5 pt of each other (%d, spread %.2f pt)", n,
          n ? hi - lo : 0.0);
}

/* The page number's dash: the middle of its ink, from the page image. */
static void check_dash(const doc *d, const char *work)
{
    int found = 0;
    for (int i = 0; i < d->nchars; i++) {
        const ch *c = &d->chars[i];
        if (c->cp != 0x2014 || fabs(c->size - PN_SIZE) > 0.01 || c->y < BLOCK_TOP + BLOCK_H)
            continue;
        if (i > 0 && d->chars[i - 1].page == c->page && d->chars[i - 1].cp == 0x2014 &&
            fabs(d->chars[i - 1].y - c->y) < 0.01)
            continue; /* the first dash of the number is enough */
        bool seen = false;
        for (int k = i - 1; k >= 0 && d->chars[k].page == c->page && !seen; k--)
            seen = d->chars[k].cp == 0x2014 && fabs(d->chars[k].size - PN_SIZE) < 0.01;
        if (seen)
            continue;
        image img;
        if (!CHECK(render_box(d->pdf, work, c->page, c->x + 1, c->y - PN_SIZE, c->x1 - c->x - 2,
                              PN_SIZE + 4, &img),
                   "%s page %d: page image of the page number", d->name, c->page))
            continue;
        int top = -1, bottom = -1;
        for (int y = 0; y < img.h; y++)
            for (int x = 0; x < img.w; x++)
                if (dark(&img, x, y)) {
                    if (top < 0)
                        top = y;
                    bottom = y;
                }
        free(img.px);
        if (!CHECK(top >= 0, "%s page %d: the page number's dash has ink", d->name, c->page))
            continue;
        double mid = img.y0 + (top + bottom + 1) / 2.0 * 72.0 / DPI;
        double mm = (mid - (BLOCK_TOP + BLOCK_H)) / MM;
        CHECK(fabs(mm - 7) <= 0.3, "%s page %d: page number dash %.2f mm below the text block",
              d->name, c->page, mm);
        found++;
    }
    CHECK(found == d->npages, "%s: a page number with a dash on each of its %d pages (%d)",
          d->name, d->npages, found);
}

/* Is line i the first line after a table: text under smaller (table)
 * text on its page, with no body line between? */
static bool first_after_table(const doc *d, int i)
{
    const line *l = &d->lines[i];
    int under = -1;
    for (int c = 0; c < d->nchars; c++)
        if (d->chars[c].page == l->page && d->chars[c].size < 13 && d->chars[c].size > 8 &&
            d->chars[c].y < l->y)
            under = c;
    if (under < 0)
        return false;
    return i == 0 || d->lines[i - 1].page != l->page || d->lines[i - 1].y < d->chars[under].y;
}

/* Every 16 pt line on the 22-line grid; the first line after a table
 * named in the message. */
static void check_lines(const doc *d)
{
    int off = 0, after = 0;
    for (int i = 0; i < d->nlines; i++) {
        const line *l = &d->lines[i];
        double k = (l->y - d->lines[0].y) / line_pitch;
        bool ok = fabs(k - round(k)) * line_pitch <= 0.05;
        if (first_after_table(d, i)) {
            after++;
            CHECK(ok, "%s page %d: text after a table on the grid (%.2f pt off)", d->name,
                  l->page, (k - round(k)) * line_pitch);
        } else if (!ok) {
            off++;
        }
    }
    CHECK(off == 0, "%s: every 16 pt line on the %d-line grid (%d off)", d->name, LINES, off);
    printf("  %s: %d lines after a table\n", d->name, after);
}

/* The lowest horizontal rule across the text block between y0 and y1
 * (points down the page), from the page image: the middle of the lowest
 * band of pixel rows dark over 80 % of the block's width; NAN: none. */
static double rule_between(const doc *d, const char *work, int page, double y0, double y1)
{
    image img;
    if (!render_box(d->pdf, work, page, BLOCK_LEFT + 3, y0, BLOCK_W - 6, y1 - y0, &img))
        return NAN;
    int bottom = -1, top = -1;
    for (int y = img.h - 1; y >= 0; y--) {
        int n = 0;
        for (int x = 0; x < img.w; x++)
            n += dark(&img, x, y);
        bool rule = n * 5 >= img.w * 4;
        if (rule && bottom < 0)
            bottom = y;
        if (bottom >= 0) {
            if (!rule)
                break;
            top = y;
        }
    }
    free(img.px);
    return bottom < 0 ? NAN : img.y0 + (top + bottom + 1) / 2.0 * 72.0 / DPI;
}

/* Tables on the grid, from the page images: the table's bottom rule lies
 * on the grid line the first line after it stands on (its rows were
 * padded to end there, so no line is lost), and a page that ends inside a
 * table (the next page goes on with "续表") has the table's bottom rule
 * on the last line of the grid. */
static void check_table_ends(const doc *d, const char *work)
{
    /* a line's box starts this far above its baseline */
    double b0 = fmod(d->lines[0].y - BLOCK_TOP, line_pitch);
    int after = 0, feet = 0;
    for (int i = 0; i < d->nlines; i++) {
        if (!first_after_table(d, i))
            continue;
        const line *l = &d->lines[i];
        double top = l->y - b0, rule = rule_between(d, work, l->page, top - 12, top + 3);
        after++;
        CHECK(!isnan(rule) && fabs(rule - top) <= 0.15,
              "%s page %d: the table above the line at %.2f pt ends on its grid line "
              "(%.2f pt; rule at %.2f pt)", d->name, l->page, l->y, top, rule);
    }
    double foot = BLOCK_TOP + LINES * line_pitch;
    for (int p = 1; p < d->npages; p++) {
        bool cont = false;
        for (int i = 0; i + 1 < d->nchars && !cont; i++)
            cont = d->chars[i].page == p + 1 && d->chars[i].cp == 0x7EED &&
                   d->chars[i + 1].cp == 0x8868 && d->chars[i].size < 13;
        if (!cont)
            continue;
        double rule = rule_between(d, work, p, foot - 12, foot + 3);
        feet++;
        CHECK(!isnan(rule) && fabs(rule - foot) <= 0.15,
              "%s page %d: the table going on to the next page ends on the grid's last "
              "line (%.2f pt; rule at %.2f pt)", d->name, p, foot, rule);
    }
    printf("  %s: %d tables' ends before text, %d at the foot of a page\n", d->name, after,
           feet);
}

static void check_fill(const doc *d)
{
    for (int p = 1; p < d->npages; p++) {
        double low = BLOCK_TOP;
        for (int i = 0; i < d->nchars; i++)
            if (d->chars[i].page == p && d->chars[i].y < BLOCK_TOP + BLOCK_H &&
                d->chars[i].y > low)
                low = d->chars[i].y;
        CHECK(low - BLOCK_TOP >= BLOCK_H / 3, "%s page %d: filled %.0f %% of the text block",
              d->name, p, (low - BLOCK_TOP) / BLOCK_H * 100);
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: %s PAIBAN WORKDIR [--pages N] [--one-page A B] REPORT.json...\n",
                argv[0]);
        return 2;
    }
    const char *paiban = argv[1], *work = argv[2];
    int pages = 0, a = 3;
    const char *same[2] = {NULL, NULL};
    for (;;) {
        if (a + 1 < argc && !strcmp(argv[a], "--pages")) {
            pages = atoi(argv[a + 1]);
            a += 2;
        } else if (a + 2 < argc && !strcmp(argv[a], "--one-page")) {
            same[0] = argv[a + 1];
            same[1] = argv[a + 2];
            a += 3;
        } else {
            break;
        }
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", work);
    if (system(cmd) != 0)
        return 2;
    int ndocs = argc - a;
    doc *docs = pb_xcalloc((size_t)ndocs + 1, sizeof *docs);
    for (int i = 0; i < ndocs; i++)
        if (!load(&docs[i], paiban, argv[a + i], work)) {
            for (int k = 0; k <= i; k++)
                doc_free(&docs[k]);
            free(docs);
            return test_summary();
        }

    measure_pitches(docs, ndocs);
    printf("  grid: columns every %.3f pt, lines every %.3f pt\n", grid_pitch, line_pitch);
    CHECK(fabs(grid_pitch - BLOCK_W / COLUMNS) < 1.0 / 64,
          "columns 156 mm / 28 apart (%.3f pt)", grid_pitch);
    CHECK(fabs(line_pitch - BLOCK_H / LINES) < 1.0 / 64, "lines 225 mm / 22 apart (%.3f pt)",
          line_pitch);

    tally t = {0};
    for (int i = 0; i < ndocs; i++) {
        tally one = {0};
        check_grid(&docs[i], &one);
        printf("  %s: %d of %d full lines on the grid\n", docs[i].name, one.gridded, one.full);
        t.full += one.full;
        t.gridded += one.gridded;
        for (int k = 0; k < WHY_COUNT; k++) {
            t.why[k] += one.why[k];
            if (one.why[k])
                printf("    %d: %s\n", one.why[k], why_name[k]);
        }
    }
    CHECK(t.full > 0 && t.gridded * 100 >= t.full * 85,
          "%d of %d full lines (%.0f %%) keep every character in its column", t.gridded,
          t.full, t.full ? 100.0 * t.gridded / t.full : 0.0);
    check_commas(docs, ndocs);
    check_against(docs, ndocs);
    check_run_in(docs, ndocs, work);
    for (int i = 0; i < ndocs; i++) {
        check_dash(&docs[i], work);
        check_lines(&docs[i]);
        check_table_ends(&docs[i], work);
        check_fill(&docs[i]);
    }
    if (pages > 0)
        CHECK(docs[0].npages <= pages, "%s has at most %d pages (%d)", docs[0].name, pages,
              docs[0].npages);
    if (same[0]) {
        /* the page each text is on: where its characters follow each other */
        int page[2] = {0, 0};
        for (int s = 0; s < 2; s++) {
            uint32_t cps[64];
            int n = 0;
            for (size_t at = 0, len = strlen(same[s]); at < len && n < 64;)
                cps[n++] = pb_utf8_next(same[s], len, &at);
            for (int i = 0; i + n <= docs[0].nchars && !page[s]; i++) {
                int k = 0;
                while (k < n && docs[0].chars[i + k].cp == cps[k])
                    k++;
                if (k == n)
                    page[s] = docs[0].chars[i].page;
            }
        }
        CHECK(page[0] && page[0] == page[1], "%s: \"%s\" (page %d) and \"%s\" (page %d) on one page",
              docs[0].name, same[0], page[0], same[1], page[1]);
    }
    for (int i = 0; i < ndocs; i++)
        doc_free(&docs[i]);
    free(docs);
    return test_summary();
}
