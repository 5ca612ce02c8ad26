/* Fuzz target for the seal image decoder: any bytes as a PNG file.  A
 * failure must have a message of the input class (3); a success gives an
 * image of at most PB_MAX_IMAGE_SIDE pixels a side whose samples can all
 * be read. */
#include <stdint.h>

#include "fuzz_common.h"
#include "image/image.h"

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
    pb_image img;
    bool ok = pb_image_read_png(data, size, "fuzz.png", a, &img, &d);
    fuzz_check_diag(&d, ok ? PB_OK : d.status ? d.status : PB_ERR_INTERNAL);
    if (!ok && d.status != PB_ERR_INPUT)
        fuzz_fail("a bad PNG must be an input error (exit status 3)", &d);
    if (ok) {
        if (img.width < 1 || img.height < 1 || img.width > PB_MAX_IMAGE_SIDE ||
            img.height > PB_MAX_IMAGE_SIDE)
            fuzz_fail("the image's size is out of its bounds", &d);
        unsigned sum = 0;
        for (size_t i = 0; i < (size_t)img.width * (size_t)img.height; i++)
            sum += img.rgb[3 * i] + (img.alpha ? img.alpha[i] : 0u);
        if (sum == 0xFFFFFFFFu)
            fuzz_fail("unreachable", &d);
    }
    pb_diag_free(&d);
    pb_arena_free(a);
    return 0;
}
