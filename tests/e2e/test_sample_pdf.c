/* End to end on a rendered report, read back with real PDF tools:
 *   pdftotext   every text of the report comes back, in order;
 *   pdffonts    every font embedded, subset, with a Unicode map;
 *   qpdf        --check is clean;
 *   pdfinfo     A4 and the report's title;
 *   and two renders are byte-identical.
 * usage: test_sample_pdf PAIBAN REPORT.json WORKDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/fsio.h"
#include "input/input.h"
#include "../testutil.h"

/* Removes whitespace, and the page-number lines ("— 3 —"), from text. */
static void strip(char *s)
{
    char *out = s;
    char *line = s;
    while (*line) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        /* a page number line: dashes around digits only */
        char tmp[64] = "";
        size_t t = 0;
        for (size_t i = 0; i < len && t + 1 < sizeof tmp; i++)
            if (line[i] != ' ' && line[i] != '\f')
                tmp[t++] = line[i];
        tmp[t] = 0;
        bool pageno = t > 6 && strncmp(tmp, "—", 3) == 0 &&
                      strcmp(tmp + t - 3, "—") == 0 &&
                      strspn(tmp + 3, "0123456789") == t - 6;
        if (!pageno)
            for (size_t i = 0; i < len; i++)
                if (line[i] != ' ' && line[i] != '\f' && line[i] != '\t' && line[i] != '\r')
                    *out++ = line[i];
        line = end ? end + 1 : line + len;
    }
    *out = 0;
}

static char *plain(const pb_text *t)
{
    size_t n = 0;
    for (int i = 0; i < t->nruns; i++)
        n += t->runs[i].len;
    char *s = pb_xmalloc(n + 1), *p = s;
    for (int i = 0; i < t->nruns; i++) {
        memcpy(p, t->runs[i].text, t->runs[i].len);
        p += t->runs[i].len;
    }
    *p = 0;
    strip(s);
    return s;
}

static bool same_file(const char *a, const char *b)
{
    pb_diag d;
    pb_diag_init(&d);
    char *x, *y;
    size_t nx, ny;
    bool ok = pb_read_file(a, 1u << 30, PB_ERR_IO, &x, &nx, &d) &&
              pb_read_file(b, 1u << 30, PB_ERR_IO, &y, &ny, &d);
    bool same = ok && nx == ny && memcmp(x, y, nx) == 0;
    if (ok) {
        free(x);
        free(y);
    }
    pb_diag_free(&d);
    return same;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PAIBAN REPORT.json WORKDIR\n", argv[0]);
        return 2;
    }
    const char *paiban = argv[1], *report_path = argv[2], *work = argv[3];
    char cmd[4096], pdf1[1024], pdf2[1024];
    int st;
    snprintf(pdf1, sizeof pdf1, "%s/e2e-1.pdf", work);
    snprintf(pdf2, sizeof pdf2, "%s/e2e-2.pdf", work);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && '%s' render '%s' -o '%s' 2>&1", work, paiban,
             report_path, pdf1);
    free(test_run(cmd, &st));
    CHECK(st == 0, "first render exits 0 (got %d)", st);
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' 2>&1", paiban, report_path, pdf2);
    free(test_run(cmd, &st));
    CHECK(st == 0, "second render exits 0 (got %d)", st);
    CHECK(same_file(pdf1, pdf2), "two renders are byte-identical");

    pb_diag diag;
    pb_diag_init(&diag);
    pb_arena *arena = pb_arena_new();
    pb_report *report = pb_input_report_file(report_path, arena, &diag);
    CHECK(report != NULL, "report parses");
    if (!report) {
        pb_diag_print(&diag, stdout);
        return 1;
    }
    /* bound to its layout, the text shows the cells it refers to ({{t.r.c}}) */
    pb_input_paths paths = {.data_dir = test_data_dir()};
    const pb_layout *layout = pb_input_layout(report->layout ? report->layout : PB_DEFAULT_LAYOUT,
                                              report->dir, &paths, arena, &diag);
    CHECK(layout && pb_input_bind_tables(report, layout, arena, &diag),
          "the report's tables bind to its layout");

    /* pdftotext: every text, in order. */
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf1);
    char *text = test_run(cmd, &st);
    CHECK(st == 0, "pdftotext exits 0");
    strip(text);
    const char *at = text;
    int texts = 0;
    for (int b = 0; b < report->nblocks; b++) {
        const pb_block *bl = &report->blocks[b];
        for (int t = 0; t < bl->ntexts; t++) {
            char *want = plain(&bl->texts[t]);
            const char *hit = strstr(at, want);
            CHECK(hit != NULL, "%s: text comes back in order: %.60s…", bl->texts[t].path,
                  want);
            if (hit)
                at = hit + strlen(want);
            texts++;
            free(want);
        }
    }
    CHECK(texts > 0, "the report has texts");
    free(text);

    /* pdffonts: every font embedded, subset, with a ToUnicode map. */
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf1);
    char *fonts = test_run(cmd, &st);
    CHECK(st == 0, "pdffonts exits 0");
    /* Each row ends "emb sub uni object-number generation"; names may be
     * wider than their column, so read the row from the right. */
    int nfonts = 0;
    char *rows = strstr(fonts, "\n---");
    char *line = rows ? strchr(rows + 1, '\n') : NULL;
    CHECK(line != NULL, "pdffonts prints a table");
    while (line && line[1]) {
        line++;
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        char *tok[64];
        int nt = 0;
        char *copy = pb_xstrdup(line);
        for (char *t = strtok(copy, " "); t && nt < 64; t = strtok(NULL, " "))
            tok[nt++] = t;
        CHECK(nt >= 7, "pdffonts row has its columns: %s", line);
        if (nt >= 7) {
            nfonts++;
            CHECK(!strcmp(tok[nt - 5], "yes") && !strcmp(tok[nt - 4], "yes") &&
                      !strcmp(tok[nt - 3], "yes"),
                  "font embedded, subset, unicode: %s", line);
            CHECK(strlen(tok[0]) > 7 && tok[0][6] == '+', "subset tag on %s", tok[0]);
        }
        free(copy);
        line = end;
    }
    CHECK(nfonts > 0, "the PDF has fonts");
    free(fonts);

    /* qpdf --check */
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", pdf1);
    char *q = test_run(cmd, &st);
    CHECK(st == 0 && strstr(q, "No syntax or stream encoding errors found"),
          "qpdf --check is clean: %s", q);
    free(q);

    /* pdfinfo: A4 and the title */
    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 '%s'", pdf1);
    char *info = test_run(cmd, &st);
    CHECK(st == 0, "pdfinfo exits 0");
    CHECK(strstr(info, "(A4)") != NULL, "page size is A4: %s", info);
    char *title = strstr(info, "Title:");
    char got[1024] = "";
    if (title) {
        title += strlen("Title:");
        title += strspn(title, " ");
        size_t n = strcspn(title, "\n");
        snprintf(got, sizeof got, "%.*s", (int)n, title);
    }
    CHECK(!strcmp(got, report->meta.title), "title is \"%s\" (got \"%s\")",
          report->meta.title, got);
    free(info);

    pb_arena_free(arena);
    pb_diag_free(&diag);
    return test_summary();
}
