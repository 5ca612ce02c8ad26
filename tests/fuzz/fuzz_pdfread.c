/* Fuzz target for the PDF reader: any bytes as a PDF.  The report data is
 * looked for as paiban extract does; then every object the file names is
 * read and every stream decoded, so the whole reader (lexer, xref tables
 * and streams, object streams, predictors, the update chain) sees the
 * input.  A failure must have a message of the input class (3). */
#include <stdint.h>

#include "fuzz_common.h"
#include "pdfread/pdfread.h"
#include "pdfread/report_data.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    pb_report_data rd;
    bool ok = pb_report_data_read(data, size, "fuzz.pdf", 1 << 20, a, &rd, &d);
    fuzz_check_diag(&d, ok ? PB_OK : d.status ? d.status : PB_ERR_INTERNAL);
    if (!ok && d.status != PB_ERR_INPUT)
        fuzz_fail("a bad PDF must be an input error (exit status 3)", &d);
    if (ok && rd.len > (1 << 20))
        fuzz_fail("the report data is over its bound", &d);
    pb_diag_free(&d);

    pb_diag_init(&d);
    pb_pdf *p = pb_pdf_open(data, size, "fuzz.pdf", a, &d);
    long long n = p ? pb_pdf_size(p) : 0;
    for (long long i = 0; i < n && i < 20000; i++) {
        const pb_pobj *o = pb_pdf_object(p, i);
        unsigned char *s;
        size_t len;
        if (o && o->kind == PB_POBJ_STREAM && pb_pdf_stream_data(p, o, 1 << 20, &s, &len) &&
            len > (1 << 20))
            fuzz_fail("a stream is over its bound", &d);
        if (o && o->kind == PB_POBJ_STRING)
            (void)pb_pdf_text(p, o);
    }
    if (!p && d.errors == 0)
        fuzz_fail("a PDF that cannot be opened has no message", &d);
    pb_diag_free(&d);
    pb_arena_free(a);
    return 0;
}
