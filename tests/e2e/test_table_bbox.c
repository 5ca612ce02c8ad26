/* End to end on tables: every cell of every table, as the dump places it,
 * must show its text in the PDF: `pdftotext -bbox-layout` must find
 * exactly the cell's text inside the cell's box (words are matched to the
 * box their centre falls in).  With --header-rows N, every page that shows
 * table cells must start with the N header rows of the first page.
 * usage: test_table_bbox PAIBAN REPORT.json WORKDIR [--header-rows N] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "../testutil.h"

typedef struct cell {
    int page, row, col;
    double x, y, w, h;
    char *text;   /* without whitespace */
    char *found;  /* words found inside, concatenated */
} cell;

typedef struct word {
    int page;
    double x0, y0, x1, y1;
    char *text;
} word;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = pb_xmalloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static void strip_ws(char *s)
{
    char *o = s;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n')
            *o++ = *s;
    *o = 0;
}

/* Undoes the XML escapes pdftotext writes. */
static void unescape(char *s)
{
    static const char *ent[][2] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
                                   {"&quot;", "\""}, {"&apos;", "'"}};
    char *o = s;
    while (*s) {
        bool done = false;
        for (size_t k = 0; k < sizeof ent / sizeof *ent && !done; k++) {
            size_t n = strlen(ent[k][0]);
            if (!strncmp(s, ent[k][0], n)) {
                *o++ = ent[k][1][0];
                s += n;
                done = true;
            }
        }
        if (!done)
            *o++ = *s++;
    }
    *o = 0;
}

static double attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, "%s=\"", name);
    const char *p = strstr(tag, key);
    return p ? atof(p + strlen(key)) : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PAIBAN REPORT.json WORKDIR [--header-rows N]\n", argv[0]);
        return 2;
    }
    const char *paiban = argv[1], *report = argv[2], *work = argv[3];
    int header_rows = argc > 5 && !strcmp(argv[4], "--header-rows") ? atoi(argv[5]) : 0;
    char cmd[4096], pdf[1024], dump[1024], html[1024];
    snprintf(pdf, sizeof pdf, "%s/t.pdf", work);
    snprintf(dump, sizeof dump, "%s/t.dump", work);
    snprintf(html, sizeof html, "%s/t.html", work);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && '%s' render '%s' -o '%s' --dump '%s'", work,
             paiban, report, pdf, dump);
    CHECK(system(cmd) == 0, "render %s", report);
    snprintf(cmd, sizeof cmd, "pdftotext -bbox-layout -enc UTF-8 '%s' '%s'", pdf, html);
    CHECK(system(cmd) == 0, "pdftotext -bbox-layout");

    /* cells from the dump */
    cell *cells = NULL;
    int ncells = 0, cap = 0, page = 0;
    char *d = slurp(dump);
    CHECK(d != NULL, "dump readable");
    for (char *line = d ? strtok(d, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        if (!strncmp(line, "page ", 5)) {
            page = atoi(line + 5);
            continue;
        }
        cell c = {.page = page};
        int off = 0;
        if (sscanf(line, "  cell r%d c%d %*dx%*d x=%lf y=%lf w=%lf h=%lf%n", &c.row, &c.col,
                   &c.x, &c.y, &c.w, &c.h, &off) != 6)
            continue;
        char *q = strchr(line + off, '"');
        if (!q)
            continue;
        c.text = pb_xstrdup(q + 1);
        c.text[strlen(c.text) - 1] = 0; /* closing quote */
        strip_ws(c.text);
        c.found = pb_xcalloc(1, 4096);
        if (ncells == cap)
            cells = pb_xrealloc(cells, (size_t)(cap = cap ? cap * 2 : 256) * sizeof *cells);
        cells[ncells++] = c;
    }
    CHECK(ncells > 0, "the dump lists table cells");

    /* words from pdftotext, in reading order */
    char *h = slurp(html);
    CHECK(h != NULL, "bbox output readable");
    int wpage = 0, nwords = 0, outside = 0;
    for (char *p = h; p && *p;) {
        char *pg = strstr(p, "<page "), *wd = strstr(p, "<word ");
        if (pg && (!wd || pg < wd)) {
            wpage++;
            p = pg + 6;
            continue;
        }
        if (!wd)
            break;
        char *gt = strchr(wd, '>'), *end = gt ? strstr(gt, "</word>") : NULL;
        if (!end)
            break;
        *end = 0;
        word w = {wpage, attr(wd, "xMin"), attr(wd, "yMin"), attr(wd, "xMax"),
                  attr(wd, "yMax"), gt + 1};
        unescape(w.text);
        nwords++;
        double cx = (w.x0 + w.x1) / 2, cy = (w.y0 + w.y1) / 2;
        for (int i = 0; i < ncells; i++) {
            cell *c = &cells[i];
            if (c->page == w.page && cx > c->x && cx < c->x + c->w && cy > c->y &&
                cy < c->y + c->h) {
                /* a bracket compressed at the start or end of a line keeps
                 * its ink inside but its em box may reach half an em out */
                double tol = (w.y1 - w.y0) / 2 + 1;
                if (w.x0 < c->x - tol || w.x1 > c->x + c->w + tol || w.y0 < c->y - 1 ||
                    w.y1 > c->y + c->h + 1) {
                    outside++;
                    printf("page %d: \"%s\" [%.1f %.1f %.1f %.1f] sticks out of cell r%d c%d "
                           "[%.1f %.1f %.1f %.1f]\n",
                           w.page, w.text, w.x0, w.y0, w.x1, w.y1, c->row, c->col, c->x, c->y,
                           c->x + c->w, c->y + c->h);
                }
                if (strlen(c->found) + strlen(w.text) < 4000)
                    strcat(c->found, w.text);
                break;
            }
        }
        p = end + 7;
    }
    CHECK(nwords > 0, "pdftotext found words");
    CHECK(outside == 0, "%d words stick out of their cell box", outside);
    int shown = 0;
    for (int i = 0; i < ncells; i++) {
        cell *c = &cells[i];
        strip_ws(c->found);
        CHECK(!strcmp(c->text, c->found),
              "page %d cell r%d c%d: expected \"%s\", the PDF shows \"%s\" there", c->page,
              c->row, c->col, c->text, c->found);
        shown += c->text[0] != 0;
    }
    CHECK(shown > 0, "cells with text");

    /* Every page with table cells starts with the header rows. */
    if (header_rows > 0) {
        int first_page = ncells ? cells[0].page : 0;
        for (int p = first_page + 1; ncells && p <= cells[ncells - 1].page; p++) {
            double top_body = 1e9, bottom_header = -1;
            int headers = 0, want = 0;
            for (int i = 0; i < ncells; i++) {
                if (cells[i].page == first_page && cells[i].row < header_rows)
                    want++;
                if (cells[i].page != p)
                    continue;
                if (cells[i].row < header_rows) {
                    headers++;
                    if (cells[i].y + cells[i].h > bottom_header)
                        bottom_header = cells[i].y + cells[i].h;
                } else if (cells[i].y < top_body) {
                    top_body = cells[i].y;
                }
            }
            CHECK(headers == want && bottom_header <= top_body + 0.01,
                  "page %d starts with the %d header cells (found %d)", p, want, headers);
        }
    }
    printf("%d cells checked, %d words\n", ncells, nwords);
    for (int i = 0; i < ncells; i++) {
        free(cells[i].text);
        free(cells[i].found);
    }
    free(cells);
    free(d);
    free(h);
    return test_summary();
}
