/* Fuzz target for paiban verify: any bytes as a signed PDF.  Every
 * signature is looked for and checked (byte range, CMS parsed by OpenSSL,
 * digest, certificates); a failure must be an input error (3) with a
 * message, a result PB_OK or PB_ERR_VERIFY with a report that is valid
 * UTF-8 without control characters but line breaks. */
#include <stdint.h>

#include "fuzz_common.h"
#include "sign/sign.h"

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
    for (int json = 0; json < 2; json++) {
        pb_arena *a = pb_arena_new();
        pb_diag d;
        pb_diag_init(&d);
        pb_verify_params p = {NULL, 0, json != 0};
        char *report = NULL;
        size_t len = 0;
        pb_status st = pb_verify_pdf(data, size, "fuzz.pdf", &p, a, &report, &len, &d);
        if (st == PB_ERR_INPUT || st == PB_OK) {
            fuzz_check_diag(&d, st);
        } else if (st != PB_ERR_VERIFY) {
            fuzz_fail("verify ends with a status other than 0, 3 and 9", &d);
        }
        if (st != PB_ERR_INPUT) {
            if (!report)
                fuzz_fail("a PDF read has no report", &d);
            if (pb_utf8_invalid_at(report, len) >= 0)
                fuzz_fail("the report is not UTF-8", &d);
            for (size_t i = 0; i < len; i++)
                if ((unsigned char)report[i] < 0x20 && report[i] != '\n')
                    fuzz_fail("the report holds a control character", &d);
        }
        free(report);
        pb_diag_free(&d);
        pb_arena_free(a);
    }
    return 0;
}
