/* Font programs kept with the face they were made from (private to
 * src/fonts and the PDF stage).
 *
 * Making a font program for a PDF (subsetting, reading the subset back,
 * deflating it) is the costliest part of a render.  The documents of a
 * batch share their faces, and often the glyphs they print with a face:
 * headings of the same template, reports that differ only in figures.  A
 * face keeps the last few programs made from it, each for one set of
 * glyphs at one deflate level, so the next document that prints exactly
 * those glyphs takes the program as it is: the same bytes it would have
 * made.  Safe to use from several threads at once. */
#ifndef PB_FONT_PROGRAMS_H
#define PB_FONT_PROGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts/fonts.h"

/* A font program and the codes its glyphs have in it. */
typedef struct pb_program {
    unsigned char *data;  /* owned: as it goes into the PDF (deflated at
                             the level, or as made with level 0) */
    size_t len;
    size_t made_len;      /* its length before deflating */
    uint32_t *cids;       /* owned: the code of each glyph of the key */
    bool bare_cff;        /* a bare CFF (FontFile3 /CIDFontType0C), not an
                             OpenType or TrueType font */
} pb_program;

/* The program kept for these glyphs (gids ascending, n of them) at this
 * deflate level, copied into *out (free with pb_program_free); false when
 * none is kept.  Memory running out is the call's out-of-memory jump
 * (base/call.h), as for the copy pb_face_program_keep makes. */
bool pb_face_program_find(const pb_face *face, const uint32_t *gids, int n, int level,
                          pb_program *out);

/* Keeps a copy of *p for these glyphs at this level, in place of the
 * program used longest ago when the face keeps as many as it may. */
void pb_face_program_keep(const pb_face *face, const uint32_t *gids, int n, int level,
                          const pb_program *p);

void pb_program_free(pb_program *p);

/* For fonts.c: the store of a face opened (NULL when memory is short) and
 * given back. */
void *pb_face_programs_new(void);
void pb_face_programs_free(void *programs);

#endif
