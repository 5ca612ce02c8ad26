/* PNG decoding with libpng's simplified API (png_image_*): it takes every
 * colour type, bit depth, palette transparency (tRNS) and interlacing,
 * applies gAMA/cHRM/sRGB/iCCP information and gives 8-bit sRGB RGBA
 * samples, not premultiplied. */
#include "image/image.h"

#include <string.h>

#include <png.h>

bool pb_image_is_png(const void *data, size_t len)
{
    return len >= 8 && png_sig_cmp((png_const_bytep)data, 0, 8) == 0;
}

/* libpng's message ("IDAT: incorrect data check") with its first letter
 * kept: it names the chunk. */
static void png_failed(pb_diag *diag, const char *name, const png_image *img)
{
    pb_diag_error(diag, PB_ERR_INPUT, name, NULL, "damaged PNG image: %s",
                  img->message[0] ? img->message : "libpng gave no reason");
}

bool pb_image_read_png(const unsigned char *data, size_t len, const char *name,
                       pb_arena *arena, pb_image *out, pb_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (!pb_image_is_png(data, len)) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL,
                      "not a PNG image (a seal is a PNG file, best with a transparent "
                      "background)");
        return false;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, data, len)) {
        png_failed(diag, name, &img);
        png_image_free(&img);
        return false;
    }
    if (img.width > PB_MAX_IMAGE_SIDE || img.height > PB_MAX_IMAGE_SIDE) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL,
                      "the image is %u × %u pixels, more than the limit of %d on a side",
                      (unsigned)img.width, (unsigned)img.height, PB_MAX_IMAGE_SIDE);
        png_image_free(&img);
        return false;
    }
    bool has_alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    img.format = PNG_FORMAT_RGBA;
    size_t w = img.width, h = img.height;
    unsigned char *rgba = pb_arena_alloc(arena, w * h * 4);
    if (!png_image_finish_read(&img, NULL, rgba, (png_int_32)(w * 4), NULL)) {
        png_failed(diag, name, &img);
        png_image_free(&img);
        return false;
    }
    png_image_free(&img);
    unsigned char *rgb = pb_arena_alloc(arena, w * h * 3);
    unsigned char *alpha = pb_arena_alloc(arena, w * h);
    bool translucent = false;
    for (size_t i = 0; i < w * h; i++) {
        memcpy(rgb + 3 * i, rgba + 4 * i, 3);
        alpha[i] = rgba[4 * i + 3];
        translucent |= alpha[i] != 255;
    }
    out->file = name;
    out->width = (int)w;
    out->height = (int)h;
    out->rgb = rgb;
    /* an alpha channel that is opaque everywhere is no transparency */
    out->alpha = has_alpha && translucent ? alpha : NULL;
    return true;
}
