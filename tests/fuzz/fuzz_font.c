/* Fuzz target for fonts as untrusted input: any bytes as a font file,
 * through the whole pipeline (found by fontconfig, opened and checked,
 * shaping, line breaking, subsetting, the subset read back, the PDF).
 * The layout gives every role the fuzzed file first and two valid fonts
 * after it (seeds of the corpus), so a damaged font is passed over for
 * them, rejected after use, or refused when none can serve; whatever it
 * is, the run never crashes, never fails as a bug (status 1), and a
 * rendered run has a complete PDF.  Each run has an engine of its own:
 * an engine keeps the faces it opened.  With PAIBAN_FUZZ_KEEP=FOLDER a run
 * prints its messages and leaves its PDF there. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "fuzz_font.h"

static char dir[64] = "/tmp/paiban-fuzz-font-XXXXXX";
static char font[128], report[128], layout[128], fallback_han[128], fallback_arabic[128];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        fuzz_fail("cannot write into the temporary folder", NULL);
}

static void copy_seed(const char *seed, const char *to)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/font/%s", PAIBAN_SOURCE_DIR, seed);
    FILE *f = fopen(path, "rb");
    if (!f)
        fuzz_fail("a seed of the corpus is missing", NULL);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    put(to, buf, n);
}

static void cleanup(void)
{
    const char *files[] = {font, report, layout, fallback_han, fallback_arabic};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(files[i]);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        fuzz_fail("cannot make a temporary folder", NULL);
    snprintf(font, sizeof font, "%s/fuzz.ttf", dir);
    snprintf(report, sizeof report, "%s/report.json", dir);
    snprintf(layout, sizeof layout, "%s/fuzz-layout.json", dir);
    snprintf(fallback_han, sizeof fallback_han, "%s/fallback-han.otf", dir);
    snprintf(fallback_arabic, sizeof fallback_arabic, "%s/fallback-arabic.ttf", dir);
    copy_seed("seed-fandol-fang.otf", fallback_han);
    copy_seed("seed-naskh-arabic.ttf", fallback_arabic);
    const char *l =
        "{\"extends\": \"gbt9704\", \"fonts\": {"
        "\"title\": [{\"file\": \"fuzz.ttf\"}, {\"file\": \"fallback-han.otf\"}],"
        "\"hei\": [{\"file\": \"fuzz.ttf\"}, {\"file\": \"fallback-han.otf\"}],"
        "\"kai\": [{\"file\": \"fuzz.ttf\"}, {\"file\": \"fallback-han.otf\"}],"
        "\"song\": [{\"file\": \"fuzz.ttf\"}, {\"file\": \"fallback-han.otf\"}],"
        "\"fangsong\": [{\"file\": \"fuzz.ttf\"}, {\"file\": \"fallback-han.otf\"},"
        " {\"file\": \"fallback-arabic.ttf\"}]}}\n";
    put(layout, l, strlen(l));
    const char *r =
        "{\"layout\": \"fuzz-layout.json\", \"meta\": {\"title\": \"政府信息公开年度报告\"},"
        " \"body\": ["
        "{\"type\": \"title\", \"text\": \"政府信息公开年度报告\"},"
        "{\"type\": \"heading\", \"level\": 1, \"text\": \"一、总体情况\"},"
        "{\"type\": \"paragraph\", \"text\": \"本年度主动公开政府信息1,234条（ABC xyz）。"
        "ئۇيغۇر تىلى، 2021-0.5\"}]}\n";
    put(report, r, strlen(r));
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    put(font, data, size);
    pb_options *o = pb_options_new();
    pb_engine *e = NULL;
    if (!o || pb_options_set_data_dir(o, fuzz_data_dir()) != PB_OK)
        fuzz_fail("cannot make the options", NULL);
    pb_options_set_system_fonts(o, 0);
    if (pb_engine_new(o, &e) != PB_OK)
        fuzz_fail("cannot make an engine", NULL);
    pb_options_free(o);

    pb_diag d;
    pb_diag_init(&d);
    unsigned char *pdf = NULL;
    size_t len = 0;
    pb_job job = {.report_path = report, .pdf = &pdf, .pdf_len = &len};
    pb_status st = pb_engine_render(e, &job, &d);
    const char *keep = getenv("PAIBAN_FUZZ_KEEP"); /* a folder: what a run made */
    if (keep) {
        pb_diag_print(&d, stderr);
        fprintf(stderr, "status %d, PDF of %zu bytes\n", (int)st, len);
        char path[512];
        snprintf(path, sizeof path, "%s/fuzz-font.pdf", keep);
        if (pdf)
            put(path, pdf, len);
    }
    fuzz_check_diag(&d, st);
    if (st == PB_OK) {
        if (!pdf || len < 16 || memcmp(pdf, "%PDF-", 5) != 0)
            fuzz_fail("success without a PDF", &d);
        bool eof = false;
        for (size_t i = len - 8; i + 5 <= len && !eof; i++)
            eof = memcmp(pdf + i, "%%EOF", 5) == 0;
        if (!eof)
            fuzz_fail("the PDF does not end with %%EOF", &d);
    } else if (st != PB_ERR_LAYOUT) {
        /* a font problem is status 4, whatever the bytes */
        fuzz_fail("a font made the run fail with another status than 4", &d);
    } else if (pdf) {
        fuzz_fail("a PDF was handed back by a failed run", &d);
    }
    free(pdf);
    pb_diag_free(&d);
    pb_engine_free(e);
    return 0;
}
