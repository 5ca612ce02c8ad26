/* The seals of a report's signatures (GB/T 9704 7.3.5.1): the PNG image
 * each signature block names, or the one the caller gives for all of them
 * (--seal), read and decoded once.  A seal should have a transparent
 * background; one without gets a warning. */
#include <stdlib.h>
#include <string.h>

#include "base/fsio.h"
#include "image/image.h"
#include "input/input.h"

typedef struct seal_cache {
    const char *file;
    const pb_image *image;
} seal_cache;

static const pb_image *decode(const char *name, const char *bytes, size_t len, pb_arena *arena,
                              pb_diag *diag)
{
    pb_image *img = pb_arena_calloc(arena, 1, sizeof *img);
    if (!pb_image_read_png((const unsigned char *)bytes, len, name, arena, img, diag))
        return NULL;
    if (!img->alpha)
        pb_diag_warning(diag, name, NULL,
                        "the seal has no transparent pixels: its background is printed "
                        "too (save it with a transparent background)");
    return img;
}

static const pb_image *load(const char *path, pb_arena *arena, pb_diag *diag)
{
    char *data;
    size_t len;
    if (!pb_read_file(path, PB_MAX_IMAGE_BYTES, PB_ERR_INPUT, &data, &len, diag))
        return NULL;
    const pb_image *img = decode(path, data, len, arena, diag);
    free(data);
    return img;
}

bool pb_input_seals(pb_report *r, const char *file, const char *bytes, size_t len,
                    pb_arena *arena, pb_diag *diag)
{
    int before = diag->errors;
    const pb_image *given = NULL;
    bool any = false;
    for (int i = 0; i < r->nblocks; i++)
        any |= r->blocks[i].kind == PB_BLOCK_SIGNATURE;
    if (file) {
        given = bytes ? decode(file, bytes, len, arena, diag) : load(file, arena, diag);
        if (given && !any)
            pb_diag_warning(diag, file, NULL, "not used: %s has no signature block",
                            r->file);
        if (!given)
            return false;
    }
    seal_cache *seen = pb_arena_calloc(arena, (size_t)r->nblocks + 1, sizeof *seen);
    int nseen = 0;
    for (int i = 0; i < r->nblocks; i++) {
        pb_block *b = &r->blocks[i];
        if (b->kind != PB_BLOCK_SIGNATURE)
            continue;
        if (given) {
            b->seal = given;
            continue;
        }
        if (!b->seal_file)
            continue;
        const char *path = strcmp(r->dir, ".") == 0
                               ? b->seal_file
                               : pb_arena_printf(arena, "%s/%s", r->dir, b->seal_file);
        for (int k = 0; k < nseen && !b->seal; k++)
            if (!strcmp(seen[k].file, path))
                b->seal = seen[k].image;
        if (!b->seal) {
            b->seal = load(path, arena, diag);
            seen[nseen++] = (seal_cache){path, b->seal};
        }
    }
    return diag->errors == before;
}
