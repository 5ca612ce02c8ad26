/* Images: the seal an office stamps its documents with, as a PNG file
 * decoded to 8-bit sRGB samples and an alpha channel.  The only module
 * that includes libpng. */
#ifndef PB_IMAGE_H
#define PB_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"

/* Limits of an image file (README "Limits"): a seal scanned at 1200 dpi
 * is about 2000 pixels across. */
#define PB_MAX_IMAGE_BYTES (8u * 1024u * 1024u)
#define PB_MAX_IMAGE_SIDE 4000

typedef struct pb_image {
    const char *file;     /* the file it came from, for messages */
    int width, height;    /* pixels */
    const unsigned char *rgb;   /* arena: width * height * 3 samples, sRGB */
    const unsigned char *alpha; /* arena: width * height opacities, or NULL
                                   when every pixel is opaque */
} pb_image;

/* Is this a PNG file (its signature)? */
bool pb_image_is_png(const void *data, size_t len);

/* Decodes a PNG held in memory (any colour type and depth, palette with
 * transparency, interlaced; gamma and colour chunks are applied to give
 * sRGB samples).  Errors (PB_ERR_INPUT) name `name`: not a PNG, damaged,
 * or over PB_MAX_IMAGE_SIDE. */
bool pb_image_read_png(const unsigned char *data, size_t len, const char *name,
                       pb_arena *arena, pb_image *out, pb_diag *diag);

#endif
