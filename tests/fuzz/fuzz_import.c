/* Fuzz target for the import stage: any bytes as a document to import.
 * The first byte chooses the format ('t' plain text, 'h' web page, 'd'
 * Word document; others by their value), the rest is the document.  The
 * tables are matched to the official layout's templates; a report that is
 * imported has been read back and checked by the input stage. */
#include <stdint.h>

#include "fuzz_common.h"
#include "import/import.h"

static pb_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cleanup(void)
{
    pb_engine_free(engine);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    engine = fuzz_engine();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char *const names[] = {"report.txt", "report.html", "report.docx"};
    int f = data[0] == 't' ? 0 : data[0] == 'h' ? 1 : data[0] == 'd' ? 2 : data[0] % 3;
    pb_diag d;
    pb_diag_init(&d);
    char *json = NULL;
    size_t len = 0;
    pb_status st = pb_import_engine(engine, names[f], (const char *)data + 1, size - 1,
                                    "gov-info-annual-2021", &json, &len, &d);
    fuzz_check_diag(&d, st);
    if (st == PB_OK && (!json || len == 0 || json[0] != '{'))
        fuzz_fail("success without a report", &d);
    if (st != PB_OK && json)
        fuzz_fail("a report was handed back by a failed run", &d);
    /* a document that cannot be imported is bad input (or too large) */
    if (st != PB_OK && st != PB_ERR_INPUT && st != PB_ERR_MEMORY)
        fuzz_fail("a bad document must be an input error (exit status 3)", &d);
    free(json);
    pb_diag_free(&d);
    return 0;
}
