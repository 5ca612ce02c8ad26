#define _GNU_SOURCE /* memmem */
/* The public API (include/paiban.h) as a host uses it: options (data and
 * font folders, system fonts, creation time, limits, verbose), requests
 * (report, layout and previous report as files or bytes, force, output
 * files), the calls and their statuses, messages with their parts and the
 * request's user, and font sets shared by reports in folders without
 * fonts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paiban.h"
#include "../testutil.h"

typedef struct seen {
    int count, errors, warnings, infos;
    char lines[64][600];
    char file[256], path[256], text[600];  /* of the first error */
    pb_status status;                      /* of the first error */
} seen;

static void on_message(void *user, const pb_message *m)
{
    seen *s = user;
    if (!s)
        return;
    if (s->count < 64)
        snprintf(s->lines[s->count], sizeof s->lines[0], "%s", m->line);
    s->count++;
    if (m->severity == PB_INFO)
        s->infos++;
    else if (m->severity == PB_WARNING)
        s->warnings++;
    else if (s->errors++ == 0) {
        snprintf(s->file, sizeof s->file, "%s", m->file ? m->file : "");
        snprintf(s->path, sizeof s->path, "%s", m->path ? m->path : "");
        snprintf(s->text, sizeof s->text, "%s", m->text);
        s->status = m->status;
    }
}

static bool has_line(const seen *s, const char *needle)
{
    for (int i = 0; i < s->count && i < 64; i++)
        if (strstr(s->lines[i], needle))
            return true;
    return false;
}

static bool same_lines(const seen *a, const seen *b)
{
    if (a->count != b->count)
        return false;
    for (int i = 0; i < a->count && i < 64; i++)
        if (strcmp(a->lines[i], b->lines[i]) != 0)
            return false;
    return true;
}

static pb_options *options(seen *s)
{
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, test_data_dir());
    pb_options_set_message_callback(o, on_message, s);
    return o;
}

static pb_engine *engine_of(pb_options *o)
{
    pb_engine *e = NULL;
    pb_status st = pb_engine_new(o, &e);
    pb_options_free(o);
    CHECK(st == PB_OK && e, "engine: %d", st);
    return e;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = 0;
    fclose(f);
    return b;
}

static char *data_path(const char *rel)
{
    static char buf[8][4096];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", test_data_dir(), rel);
    return p;
}

static char tmp[64] = "/tmp/pb-test-api-XXXXXX";

/* ---- engines and their folders ------------------------------------------ */

static void test_engine_folders(void)
{
    seen s = {0};
    pb_options *o = options(&s);
    pb_options_set_data_dir(o, "/no/such/paiban");
    pb_engine *e = (void *)1;
    CHECK(pb_engine_new(o, &e) == PB_ERR_IO && e == NULL, "a missing data folder");
    CHECK(s.errors == 1 && !strcmp(s.file, "/no/such/paiban") &&
              !strcmp(s.text, "cannot read the data folder: No such file or directory"),
          "%s: %s", s.file, s.text);
    pb_options_free(o);

    seen t = {0};
    o = options(&t);
    CHECK(pb_options_add_font_dir(o, "/no/such/fonts") == PB_OK, "font folder set");
    CHECK(pb_engine_new(o, &e) == PB_ERR_IO && t.status == PB_ERR_IO &&
              !strcmp(t.text, "cannot read the font folder: No such file or directory"),
          "a missing font folder: %s", t.text);
    pb_options_free(o);

    o = pb_options_new();
    CHECK(pb_options_add_font_dir(o, "") == PB_ERR_USAGE, "an empty font folder");
    CHECK(pb_options_set_limit(o, PB_LIMIT_PAGES, 0) == PB_ERR_USAGE &&
              pb_options_set_limit(o, PB_LIMIT_PAGES, 2001) == PB_ERR_USAGE &&
              pb_options_set_limit(o, PB_LIMIT_INPUT_BYTES, 16 * 1024 * 1024 + 1) ==
                  PB_ERR_USAGE &&
              pb_options_set_limit(o, (pb_limit)9, 1) == PB_ERR_USAGE,
          "limits can only be lowered");
    CHECK(pb_options_set_creation_time(o, -5) == PB_ERR_USAGE &&
              pb_options_set_creation_time(o, 253402300800LL) == PB_ERR_USAGE &&
              pb_options_set_creation_time(o, PB_TIME_NONE) == PB_OK,
          "creation time range");
    pb_options_free(o);
    CHECK(!strcmp(pb_status_text(PB_ERR_MEMORY), "out of memory") &&
              !strcmp(pb_version(), PAIBAN_TEST_VERSION),
          "version %s, status text", pb_version());
}

/* ---- requests and calls ---------------------------------------------------- */

static void test_render_forms(void)
{
    seen s = {0};
    pb_engine *e = engine_of(options(&s));
    size_t len;
    char *report = slurp(data_path("tests/fixtures/features.json"), &len);
    pb_request *r = pb_request_new();

    /* no report, no output */
    CHECK(pb_render(e, r) == PB_ERR_USAGE && s.errors == 1, "no report: usage");
    pb_request_set_report_bytes(r, "features.json", report, len);
    memset(&s, 0, sizeof s);
    CHECK(pb_render(e, r) == PB_ERR_USAGE && strstr(s.text, "no output file"),
          "pb_render without an output file: %s", s.text);

    /* bytes to bytes, and the same from the file */
    unsigned char *pdf = NULL, *pdf2 = NULL;
    size_t n = 0, n2 = 0;
    char *dump = NULL;
    size_t dump_len = 0;
    CHECK(pb_render_bytes(e, r, &pdf, &n, &dump, &dump_len) == PB_OK && pdf && n > 1000 &&
              !memcmp(pdf, "%PDF-", 5) && dump && strlen(dump) == dump_len &&
              !strncmp(dump, "page 1 ", 7),
          "bytes to bytes, with the dump");
    pb_request *f = pb_request_new();
    pb_request_set_report_file(f, data_path("tests/fixtures/features.json"));
    CHECK(pb_render_bytes(e, f, &pdf2, &n2, NULL, NULL) == PB_OK && n2 == n &&
              !memcmp(pdf, pdf2, n),
          "a file gives the same PDF as its bytes");
    pb_free(pdf2);

    /* to files */
    char out[128], dmp[128];
    snprintf(out, sizeof out, "%s/out.pdf", tmp);
    snprintf(dmp, sizeof dmp, "%s/out.dump", tmp);
    pb_request_set_output_file(f, out);
    pb_request_set_dump_file(f, dmp);
    CHECK(pb_render(e, f) == PB_OK, "to files");
    size_t fl = 0, dl = 0;
    char *written = slurp(out, &fl), *wdump = slurp(dmp, &dl);
    CHECK(written && fl == n && !memcmp(written, pdf, n) && wdump && dl == dump_len &&
              !memcmp(wdump, dump, dl),
          "the files hold what the bytes do");
    free(written);
    free(wdump);
    pb_free(pdf);
    pb_free(dump);

    /* a layout as bytes, named: its extends are found from its folder */
    const char *layout = "{\"extends\": \"gbt9704\", \"grid\": {\"chars_per_line\": 20}}";
    pb_request_set_layout_bytes(r, "mine/narrow.json", layout, strlen(layout));
    CHECK(pb_render_bytes(e, r, NULL, NULL, &dump, &dump_len) == PB_OK && dump,
          "a layout as bytes");
    pb_free(dump);
    const char *broken = "{\"extends\": \"gbt9704\", \"grid\": {\"chars_per_lin\": 20}}";
    pb_request_set_layout_bytes(r, "mine/broken.json", broken, strlen(broken));
    memset(&s, 0, sizeof s);
    CHECK(pb_render_bytes(e, r, NULL, NULL, &dump, &dump_len) == PB_ERR_LAYOUT && !dump &&
              !strcmp(s.file, "mine/broken.json") && !strcmp(s.path, "grid") &&
              strstr(s.text, "unknown key \"chars_per_lin\""),
          "a broken layout's messages name it: %s: %s: %s", s.file, s.path, s.text);
    pb_request_set_layout(r, NULL);

    /* the request's user tells the calls apart */
    seen mine = {0};
    const char *bad = "{\"meta\": {}, \"body\": []}";
    pb_request *b = pb_request_new();
    pb_request_set_report_bytes(b, "bad.json", bad, strlen(bad));
    pb_request_set_message_user(b, &mine);
    memset(&s, 0, sizeof s);
    CHECK(pb_render_bytes(e, b, &pdf, &n, NULL, NULL) == PB_ERR_INPUT && !pdf && n == 0,
          "bad report: status 3, no PDF");
    CHECK(mine.errors >= 1 && s.count == 0 && !strcmp(mine.file, "bad.json") &&
              !strcmp(mine.path, "meta") && mine.status == PB_ERR_INPUT &&
              !strcmp(mine.text, "missing required key \"title\""),
          "messages to the request's user: %s: %s: %s", mine.file, mine.path, mine.text);
    CHECK(has_line(&mine, "bad.json: meta: missing required key \"title\""), "the whole line");
    pb_request_free(b);
    pb_request_free(f);
    pb_request_free(r);
    free(report);
    pb_engine_free(e);
}

static void test_check_and_force(void)
{
    seen s = {0};
    pb_engine *e = engine_of(options(&s));
    size_t len;
    char *r1 = slurp(data_path("tests/check/r1.json"), &len);
    pb_request *r = pb_request_new();
    pb_request_set_report_bytes(r, data_path("tests/check/r1.json"), r1, len);
    char *text = NULL;
    size_t tl = 0;
    CHECK(pb_check(e, r, PB_CHECK_TEXT, 0, &text, &tl) == PB_ERR_CHECK && text &&
              strstr(text, "violation") && strlen(text) == tl,
          "check finds the violation");
    pb_free(text);
    CHECK(pb_check(e, r, PB_CHECK_JSON, 0, &text, &tl) == PB_ERR_CHECK && text &&
              text[0] == '{',
          "check as JSON");
    pb_free(text);
    CHECK(pb_check(e, r, (pb_check_format)7, 0, &text, &tl) == PB_ERR_USAGE && !text,
          "an unknown format");
    unsigned char *pdf = NULL;
    size_t n = 0;
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_ERR_CHECK && !pdf,
          "render refuses numbers that do not add up");
    pb_request_set_force(r, 1);
    memset(&s, 0, sizeof s);
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_OK && pdf && s.warnings > 0,
          "force renders, with warnings");
    pb_free(pdf);

    /* last year's report as bytes */
    char *good = slurp(data_path("tests/check/good.json"), &len);
    size_t pl;
    char *prev = slurp(data_path("tests/check/prev-bad.json"), &pl);
    pb_request *g = pb_request_new();
    pb_request_set_report_bytes(g, data_path("tests/check/good.json"), good, len);
    CHECK(pb_check(e, g, PB_CHECK_TEXT, 0, &text, &tl) == PB_OK, "good alone holds");
    pb_free(text);
    pb_request_set_previous_bytes(g, "last-year.json", prev, pl);
    CHECK(pb_check(e, g, PB_CHECK_TEXT, 0, &text, &tl) == PB_ERR_CHECK && text &&
              strstr(text, "last-year.json"),
          "with last year's report as bytes, the rules across years fail");
    pb_free(text);
    pb_request_free(g);
    pb_request_free(r);
    free(good);
    free(prev);
    free(r1);
    pb_engine_free(e);
}

/* ---- options that change the result ----------------------------------------- */

static void test_limits_and_time(void)
{
    size_t len;
    char *sample = slurp(data_path("samples/nangang-2021.json"), &len);

    seen s = {0};
    pb_options *o = options(&s);
    pb_options_set_limit(o, PB_LIMIT_INPUT_BYTES, 1000);
    pb_engine *e = engine_of(o);
    pb_request *r = pb_request_new();
    pb_request_set_report_file(r, data_path("samples/nangang-2021.json"));
    unsigned char *pdf = NULL;
    size_t n = 0;
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_ERR_INPUT &&
              !strcmp(s.text, "file is larger than the limit of 1000 bytes"),
          "input limit: %s", s.text);
    pb_engine_free(e);

    memset(&s, 0, sizeof s);
    o = options(&s);
    pb_options_set_limit(o, PB_LIMIT_PAGES, 2);
    e = engine_of(o);
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_ERR_INPUT &&
              strstr(s.text, "longer than the limit of 2 pages"),
          "page limit: %s", s.text);
    pb_engine_free(e);

    memset(&s, 0, sizeof s);
    o = options(&s);
    pb_options_set_limit(o, PB_LIMIT_ERRORS, 2);
    e = engine_of(o);
    const char *bad = "{\"meta\": {\"title\": \"x\", \"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4},"
                      " \"body\": [{\"type\": \"paragraph\", \"text\": \"x\"}]}";
    pb_request *b = pb_request_new();
    pb_request_set_report_bytes(b, "many.json", bad, strlen(bad));
    CHECK(pb_render_bytes(e, b, &pdf, &n, NULL, NULL) == PB_ERR_INPUT && s.errors == 3 &&
              has_line(&s, "2 more errors not shown"),
          "error limit: %d errors", s.errors);
    pb_request_free(b);
    pb_engine_free(e);

    /* the creation date: the host's, else meta.date (features.json has
       2022-01-20), else none (the sample has no date) */
    pb_request_set_report_file(r, data_path("tests/fixtures/features.json"));
    memset(&s, 0, sizeof s);
    o = options(&s);
    pb_options_set_creation_time(o, 1700000000); /* 2023-11-14 22:13:20 UTC */
    e = engine_of(o);
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_OK && pdf &&
              memmem(pdf, n, "D:20231114221320", 16),
          "the host's creation time");
    pb_free(pdf);
    pb_engine_free(e);
    e = engine_of(options(&s));
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_OK && pdf &&
              memmem(pdf, n, "D:20220120", 10) && !memmem(pdf, n, "D:20231114", 10),
          "meta.date without it");
    pb_free(pdf);
    pb_request_set_report_file(r, data_path("samples/nangang-2021.json"));
    CHECK(pb_render_bytes(e, r, &pdf, &n, NULL, NULL) == PB_OK && pdf &&
              !memmem(pdf, n, "/CreationDate", 13),
          "no date at all without either");
    pb_free(pdf);
    pb_engine_free(e);
    pb_request_free(r);
    free(sample);
}

/* ---- font sets --------------------------------------------------------------- */

static int render_in(pb_engine *e, const char *dir, const char *report, size_t len,
                     seen *s)
{
    char name[256];
    snprintf(name, sizeof name, "%s/report.json", dir);
    pb_request *r = pb_request_new();
    pb_request_set_report_bytes(r, name, report, len);
    pb_request_set_message_user(r, s);
    memset(s, 0, sizeof *s);
    pb_status st = pb_render_bytes(e, r, NULL, NULL, NULL, NULL);
    pb_request_free(r);
    return st;
}

/* Reports whose folders hold no fonts share one font set, wherever they
 * are; a folder with a font of its own gets a set of its own. */
static void test_font_sets(void)
{
    seen s = {0};
    pb_options *o = options(NULL);
    pb_options_set_verbose(o, 1);
    pb_engine *e = engine_of(o);
    size_t len;
    char *report = slurp(data_path("tests/fixtures/features.json"), &len);
    char a[128], b[128], c[128], cmd[512];
    snprintf(a, sizeof a, "%s/a", tmp);
    snprintf(b, sizeof b, "%s/b", tmp);
    snprintf(c, sizeof c, "%s/c", tmp);
    mkdir(a, 0700);
    mkdir(b, 0700);
    mkdir(c, 0700);
    snprintf(cmd, sizeof cmd,
             "cp /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"
             "FandolFang-Regular.otf %s/",
             c);
    int st;
    free(test_run(cmd, &st));
    /* --verbose names, for each report, the files that served it */
    CHECK(render_in(e, a, report, len, &s) == PB_OK && s.infos > 0,
          "the first report names the fonts that served it (%d lines)", s.infos);
    seen first = s;
    CHECK(render_in(e, b, report, len, &s) == PB_OK && s.infos == first.infos &&
              same_lines(&s, &first),
          "a report in another folder without fonts is served by the same files");
    CHECK(render_in(e, c, report, len, &s) == PB_OK && s.infos > 0 &&
              has_line(&s, "/c/FandolFang-Regular.otf#0 (FandolFang, CFF)"),
          "a folder with a font of its own gets its own set, with that font");
    CHECK(render_in(e, c, report, len, &s) == PB_OK &&
              has_line(&s, "/c/FandolFang-Regular.otf#0 (FandolFang, CFF)"),
          "and keeps it for the next report there");
    CHECK(render_in(e, b, report, len, &s) == PB_OK && same_lines(&s, &first),
          "while the folder without fonts keeps the shared set");

    /* without the system's fonts */
    seen t = {0};
    o = options(&t);
    pb_options_set_system_fonts(o, 0);
    pb_engine *bare = engine_of(o);
    CHECK(render_in(bare, a, report, len, &t) == PB_ERR_LAYOUT &&
              has_line(&t, "none of its fonts was found"),
          "no system fonts: the catalog's fonts are not found");
    CHECK(render_in(bare, c, report, len, &t) == PB_ERR_LAYOUT, "one font is not all roles");
    pb_engine_free(bare);
    pb_engine_free(e);
    free(report);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    free(test_run(cmd, &st));
}

int main(void)
{
    if (!mkdtemp(tmp))
        return 1;
    test_engine_folders();
    test_render_forms();
    test_check_and_force();
    test_limits_and_time();
    test_font_sets();
    return test_summary();
}
