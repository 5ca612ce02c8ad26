/* The seal paiban draws itself (layout "seal": {"vector": true}), for
 * drafts and tests when the report names no seal image: a ring, a
 * five-pointed star in the middle and the issuing body's name set on the
 * upper arc, each character turned to face the centre, in the seal's
 * colour.  Its text is painted as outlines, not as text: a seal is a
 * picture (a Figure with alternate text), not words of the document. */
#ifndef PB_SEAL_H
#define PB_SEAL_H

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/galley.h"
#include "model/document.h"

/* Fills out's drawing (w, h, colour, ring, star, glyphs, text) for a seal
 * of the layout's diameter showing `text`; out's place is the caller's.
 * file and path name the text for messages (a character the seal's font
 * lacks).  False after errors. */
bool pb_seal_draw(const pb_layout *layout, const pb_fontset *fonts, const char *text,
                  const char *file, const char *path, pb_arena *arena, pb_seal_mark *out,
                  pb_diag *diag);

#endif
