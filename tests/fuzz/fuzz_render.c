/* Fuzz target for the whole pipeline: any bytes as report data, rendered
 * to a PDF in memory (input, fonts, shaping, line breaking, tables,
 * pagination, PDF).  The report names its layout as usual; fonts are
 * loaded once by the engine and shared by all runs, as in a batch. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"

static pb_engine *engine;
static char dir[64] = "/tmp/paiban-fuzz-XXXXXX";
static char name[96];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cleanup(void)
{
    pb_engine_free(engine);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* an empty folder as the report's: it is searched for fonts and
     * relative layout paths, and must not change between runs */
    if (!mkdtemp(dir))
        fuzz_fail("cannot make a temporary folder", NULL);
    snprintf(name, sizeof name, "%s/report.json", dir);
    engine = fuzz_engine();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_diag d;
    pb_diag_init(&d);
    unsigned char *pdf = NULL;
    size_t len = 0;
    pb_job job = {.report_path = name, .report_bytes = (const char *)data, .report_len = size,
                  .pdf = &pdf, .pdf_len = &len};
    pb_status st = pb_engine_render(engine, &job, &d);
    fuzz_check_diag(&d, st);
    if (st == PB_OK) {
        if (!pdf || len < 16 || memcmp(pdf, "%PDF-", 5) != 0)
            fuzz_fail("success without a PDF", &d);
        /* the file ends with the trailer's %%EOF (and a line break) */
        bool eof = false;
        for (size_t i = len - 8; i + 5 <= len && !eof; i++)
            eof = memcmp(pdf + i, "%%EOF", 5) == 0;
        if (!eof)
            fuzz_fail("the PDF does not end with %%EOF", &d);
    } else if (pdf) {
        fuzz_fail("a PDF was handed back by a failed run", &d);
    }
    free(pdf);
    pb_diag_free(&d);
    return 0;
}
