/* Bidirectional text (Unicode's UAX #9, with ICU's ubidi): the embedding
 * level of every character of a paragraph, for shaping (each run in its
 * direction), and the visual order of a line's pieces, for placing them.
 * A paragraph takes the direction of its first strong character (rules P2
 * and P3): a paragraph that starts in Chinese is left to right with its
 * Uyghur (Arabic-script) runs right to left inside it; one that starts in
 * Uyghur is right to left. */
#ifndef PB_BIDI_H
#define PB_BIDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

/* Whether the text has a character that is strong right to left (Hebrew,
 * Arabic, Syriac, Thaana, N'Ko, ...): without one, every level is 0. */
bool pb_bidi_any_rtl(const char *text, size_t len);

/* levels[b] for every byte b of the text (valid UTF-8): the embedding
 * level of the character b belongs to; *base the paragraph's level (0 left
 * to right, 1 right to left).  False only when ICU fails for another
 * reason than memory (memory is the call's out-of-memory jump). */
bool pb_bidi_levels(const char *text, size_t len, pb_arena *arena, uint8_t **levels,
                    uint8_t *base);

/* Rule L2: order[v] is the logical index of the piece shown at visual
 * position v (left to right), for n pieces with the given levels (rule L1,
 * trailing blanks at the paragraph's level, already applied by the
 * caller). */
void pb_bidi_visual_order(const uint8_t *levels, int n, int *order);

#endif
