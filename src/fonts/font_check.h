/* Fonts are untrusted input (private to src/fonts and its users).
 *
 * A font file is checked three times: its tables when a face is opened
 * (pb_font_check_tables: what shaping and embedding rely on is present,
 * inside the file and consistent), its glyphs as they are used (a glyph
 * for a character that has ink must have an outline, one for a spacing
 * character an advance), and the subset made for the PDF (read back as
 * FreeType, the renderer poppler uses, reads it: every used glyph there,
 * with its advance and its outline).  A fault is described in `why` in words a
 * user can act on ("table 'hmtx' is shorter than ..."). */
#ifndef PB_FONT_CHECK_H
#define PB_FONT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts/fonts.h"

/* The table directory of face `index` of the file's bytes and the tables
 * paiban uses: head, maxp, hhea and hmtx, cmap (every glyph id in range),
 * glyf and loca or CFF (every INDEX inside the table, one charstring per
 * glyph).  False with the fault in why. */
bool pb_font_check_tables(const unsigned char *data, size_t len, int index, char *why,
                          size_t whylen);

/* A few common characters the face maps (Han, Latin, digits, Arabic) must
 * have an outline and an advance: a font whose glyf, CFF or hmtx is
 * zeroed fails here, when it is opened.  False with the fault in why. */
bool pb_font_check_probes(pb_face *face, char *why, size_t whylen);

/* What the checks keep of a face's CFF outlines, to measure its glyphs
 * (pb_face.outlines; free()), made from the file's bytes when it is
 * opened; NULL when it has none (running out of memory is the call's
 * out-of-memory jump). */
void *pb_font_outlines_new(const unsigned char *data, size_t len, int index);

/* What paiban found about a glyph, computed once per glyph and face. */
enum {
    PB_GLYPH_KNOWN = 1,
    PB_GLYPH_INK = 2,       /* has an outline with an extent */
    PB_GLYPH_ADVANCE = 4,   /* its advance is above zero */
    PB_GLYPH_OVERWIDE = 8,  /* its advance is wider than its ink by 2 em
                               or more: a damaged hmtx */
    PB_GLYPH_MISSING = 16,  /* past the face's last glyph */
    PB_GLYPH_PLAIN = 32,    /* its CFF charstring is plain, its hint masks
                               before its path: read here, not by HarfBuzz
                               (and the same path in a subset need not be
                               read again) */
};
unsigned pb_font_glyph_facts(const pb_face *face, uint32_t gid);

/* Where a glyph's ink begins and ends across (font units, rounded as
 * HarfBuzz rounds its extents), read from a plain CFF charstring: 1 with
 * *left and *right, 0 when it has no horizontal extent, -1 when this
 * reader cannot tell (not CFF, subroutines, anything unusual): ask
 * HarfBuzz then. */
int pb_font_quick_ink_x(const pb_face *face, uint32_t gid, int32_t *left, int32_t *right);

/* HarfBuzz's general category of a character, answered without a lookup
 * for CJK Unified Ideographs and ASCII letters and digits (shaping and
 * the font checks ask for every character). */
hb_unicode_general_category_t pb_char_general_category(uint32_t cp);

/* Whether the character prints ink (letters, digits, punctuation,
 * symbols, marks, but not the few that are blank by design) and whether
 * it takes room on the line (those and spaces, but not marks). */
bool pb_char_has_ink(uint32_t cp);
bool pb_char_advances(uint32_t cp);

/* One shaped cluster (the text of `cp` ... and its glyphs): false with the
 * fault when a glyph is past the face's last one, or advances far more
 * than it is wide, and, unless `joined`, when no glyph of a cluster that
 * should print ink has an outline, or the glyphs of a cluster that should
 * take room have no advance.  joined: a script whose fonts draw a letter
 * as parts of its neighbours' glyphs (Arabic: Noto Naskh's lam-alef is a
 * lam that holds the alef, and an alef part with no advance). */
bool pb_font_check_cluster(const pb_face *face, const uint32_t *cps, int ncps,
                           const uint32_t *gids, int ngids, bool joined, char *why,
                           size_t whylen);

/* Whether the glyphs of a cluster pass pb_font_check_cluster whatever its
 * text: none is missing or overwide, and together they have ink and an
 * advance (the common case, told without decoding the text). */
bool pb_font_glyphs_print(const pb_face *face, const uint32_t *gids, int ngids);

/* Whether a CFF charstring (cs, len bytes) reads as the face's charstring
 * face_cs reads, given that face_cs is plain (PB_GLYPH_PLAIN): it is the
 * same bytes, or the same without the hints, as a subset leaves them out
 * (the width a hint carried moved before the first operator left).  Then
 * it draws the same outline, and need not be read again. */
bool pb_font_charstring_reads_as(const unsigned char *face_cs, size_t face_len,
                                 const unsigned char *cs, size_t len);

/* A glyph of a subset: its id in the face and in the subset, and the
 * character it prints (for messages; 0 if none). */
typedef struct pb_subset_glyph {
    uint32_t gid, new_gid;
    uint32_t cp;
} pb_subset_glyph;

typedef enum pb_font_verdict {
    PB_FONT_GOOD,
    PB_FONT_FAULT,        /* why says what is wrong with the font */
    PB_FONT_NO_MEMORY,    /* memory ran out while checking */
} pb_font_verdict;

/* The subset (its bytes: an OpenType or TrueType font, or a bare CFF)
 * read back: a valid font with more glyphs than the highest new id, each
 * glyph loadable with, where the face has ink, an outline, and in an
 * OpenType or TrueType subset the face's advance (a bare CFF's advances
 * are not what a PDF reader uses: /W gives them).  CFF charstrings that
 * are plain paths are read here; every other glyph is loaded with
 * FreeType. */
pb_font_verdict pb_font_check_subset(const pb_face *face, const unsigned char *data, size_t len,
                          const pb_subset_glyph *glyphs, int n, char *why, size_t whylen);

#endif
