/* Setting one piece of text: shaping, break opportunities, line breaking
 * and placing the glyphs of each line.  Used by flow (paragraphs,
 * headings) and by the table stage (cell text): a text is prepared once
 * (shaped, cut into line-breaking units) and can then be broken at any
 * width, which the table solver does many times. */
#ifndef PB_SETTER_H
#define PB_SETTER_H

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/galley.h"
#include "text/linebreak.h"
#include "text/shape.h"

typedef struct pb_prepared {
    const char *text;     /* arena copy */
    size_t len;
    pb_shaped shaped;
    pb_lb_unit *units;    /* one per cluster */
    int *gstart;          /* units + 1 entries: first glyph of each unit */
    uint32_t *cstart;     /* units + 1 entries: first byte of each unit */
    int nunits;
    pb_address *addresses;/* web and e-mail addresses in the text */
    int naddresses;
} pb_prepared;

/* Shapes text covered by spans and finds its break opportunities.
 * Returns false after reporting errors (missing characters). */
bool pb_prepare(const pb_fontset *fonts, const char *text, size_t len,
                const pb_span *spans, int nspans, pb_arena *arena, pb_prepared *out,
                pb_diag *diag);

/* The text of `from` at another type size, without shaping it again: its
 * glyphs' font-unit positions scaled as pb_shape scales them, so `out` is
 * what pb_prepare would give at `size`.  Only for a text set at one size
 * without tracking (table cells); false (nothing done) for others.  out:
 * zeroed, or filled by an earlier call from the same `from`, whose arrays
 * are then rewritten (they stay valid until then). */
bool pb_prepared_rescale(const pb_prepared *from, const pb_fontset *fonts, pb_fx size,
                         pb_arena *arena, pb_prepared *out);

/* Whether the text is a right-to-left paragraph (UAX #9: its first strong
 * character is): its lines start at the right, so its indent and its
 * left and right alignments are mirrored. */
static inline bool pb_prepared_rtl(const pb_prepared *p)
{
    return p->shaped.base_level & 1;
}

/* Widest unbreakable piece and the whole text on one line. */
void pb_prepared_extent(const pb_prepared *p, pb_fx *min_width, pb_fx *max_width);

/* Places the glyphs of line `li` of a break result: pen positions from the
 * line's start, with the breaker's compression and justification.  Fills
 * glyphs (arena) and returns the set width. */
pb_fx pb_prepared_place(const pb_prepared *p, const pb_fontset *fonts,
                        const pb_lb_result *res, int li, pb_arena *arena,
                        pb_pglyph **glyphs, int *nglyphs);

/* The links of line `li` as pb_prepared_place set it (its glyphs): one
 * per address, or part of one, on the line, from `top` to `bottom` of the
 * line box.  Fills links (arena). */
void pb_prepared_links(const pb_prepared *p, const pb_lb_result *res, int li,
                       const pb_pglyph *glyphs, int nglyphs, pb_fx top, pb_fx bottom,
                       pb_arena *arena, pb_link **links, int *nlinks);

/* Ideographic em box centred in a line box of `pitch`: its top is 0.88 em
 * above the baseline (the embox of Noto CJK, Fandol and the office fonts). */
pb_fx pb_baseline_in_box(pb_fx pitch, pb_fx size);

#endif
