/* Fuzz target for paiban's CFF subsetter: the first byte says how many
 * glyphs to keep (1 to 32, the first ones), the rest is a CFF table.  A
 * refusal must give a reason; a subset must be one FreeType opens, and
 * subsetting it again to all its glyphs must give the same bytes (it has
 * no hints or subroutines left to drop, the same DICTs). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include "fonts/cff_subset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FT_Library ft;

static void fuzz_fail(const char *why, const char *reason)
{
    fprintf(stderr, "fuzz check failed: %s%s%s\n", why, reason ? ": " : "", reason ? reason : "");
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (FT_Init_FreeType(&ft))
        fuzz_fail("FreeType does not start", NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!ft)
        LLVMFuzzerInitialize(NULL, NULL);
    uint32_t gids[32];
    int n = 1 + data[0] % 32;
    for (int i = 0; i < n; i++)
        gids[i] = (uint32_t)i;
    unsigned char *out = NULL, *again = NULL;
    size_t out_len = 0, again_len = 0;
    char why[200] = "";
    if (!pb_cff_subset(data + 1, size - 1, gids, n, &out, &out_len, why, sizeof why)) {
        if (!why[0])
            fuzz_fail("a refusal without a reason", NULL);
        return 0;
    }
    FT_Face f;
    if (FT_New_Memory_Face(ft, out, (FT_Long)out_len, 0, &f) != 0)
        fuzz_fail("FreeType cannot open the subset", NULL);
    if (f->num_glyphs != n)
        fuzz_fail("the subset has another number of glyphs", NULL);
    for (int i = 0; i < n; i++)
        FT_Load_Glyph(f, (FT_UInt)i, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING);
    FT_Done_Face(f);
    if (!pb_cff_subset(out, out_len, gids, n, &again, &again_len, why, sizeof why))
        fuzz_fail("the subset cannot be subset again", why);
    if (again_len != out_len || memcmp(again, out, out_len) != 0)
        fuzz_fail("the subset subset again differs", NULL);
    free(again);
    free(out);
    return 0;
}
