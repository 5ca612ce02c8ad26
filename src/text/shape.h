/* Shape stage: styled text -> glyphs, with HarfBuzz (language zh-Hans),
 * itemized by font coverage along each role's fallback chain. */
#ifndef PB_SHAPE_H
#define PB_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/fx.h"
#include "fonts/fonts.h"

/* A styled piece of one paragraph's text. */
typedef struct pb_span {
    uint32_t start, end;  /* byte range in the paragraph text */
    int role;             /* fontset role index */
    pb_fx size;
    bool bold;            /* wanted bold: synthetic if the face is regular */
    pb_fx tracking_to;    /* if > 0: full-width glyphs advance exactly this
                             much (the character grid pitch), half-width
                             ones (digits of CJK fonts) half of it */
    const char *path;     /* JSON path, for messages */
    const char *file;     /* report file, for messages */
} pb_span;

typedef struct pb_glyph {
    uint32_t gid;
    pb_fx advance;        /* at the span's size, tracking applied */
    pb_fx x_offset, y_offset;
    uint32_t cluster;     /* byte offset of its cluster in the text */
    uint16_t face;        /* fontset face id */
    uint16_t span;        /* index into the spans */
    int32_t fu_advance, fu_x_offset, fu_y_offset; /* as HarfBuzz gave them, in
                             font units: the same text at another size is a
                             scale of these (pb_prepared_rescale) */
    uint8_t level;        /* bidi embedding level (UAX #9): odd is right to
                             left */
} pb_glyph;

typedef struct pb_shaped {
    const char *text;     /* borrowed */
    size_t len;
    const pb_span *spans; /* borrowed */
    int nspans;
    pb_glyph *glyphs;     /* arena; in logical order, right-to-left runs too */
    int nglyphs;
    uint8_t base_level;   /* the paragraph's direction: 1 right to left */
} pb_shaped;

/* Shapes text (valid UTF-8) covered completely and in order by spans.  A
 * character that no face of its role has is an error (PB_ERR_LAYOUT)
 * naming U+XXXX, the character, the role and the span's JSON path; the
 * function then returns false. */
bool pb_shape(const pb_fontset *fs, const char *text, size_t len,
              const pb_span *spans, int nspans, pb_arena *arena,
              pb_shaped *out, pb_diag *diag);

/* The ink of a glyph of face at a size, y-down from the baseline: its top
 * and bottom (top < bottom; above the baseline is negative).  False for a
 * glyph without ink. */
bool pb_glyph_ink(const pb_face *face, uint32_t gid, pb_fx size, pb_fx *top,
                  pb_fx *bottom);

/* HarfBuzz's script of a character, answered without a lookup for CJK
 * Unified Ideographs and ASCII (itemizing asks for every character; its
 * general category: pb_char_general_category, fonts/font_check.h). */
hb_script_t pb_char_script(uint32_t cp);

/* The ink of a glyph across, in font units from its origin: its left and
 * right edges.  False for a glyph without ink. */
bool pb_glyph_ink_x(const pb_face *face, uint32_t gid, int32_t *left, int32_t *right);

/* One step of a glyph's outline, in font units, y-up as the font has it:
 * 'M' move, 'L' line, 'C' cubic curve (quadratic ones are given as
 * cubic), 'Z' close; x and y hold the 1 or 3 points the step takes. */
typedef struct pb_outline_op {
    char op;
    float x[3], y[3];
} pb_outline_op;

/* The outline of a glyph (a drawn seal's text is painted as shapes, not
 * text): the number of steps, 0 for a glyph without ink, -1 when memory
 * ran out outside paiban's allocator. */
int pb_glyph_outline(const pb_face *face, uint32_t gid, pb_arena *arena, pb_outline_op **out);

#endif
