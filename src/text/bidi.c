/* Bidirectional text: ICU's ubidi for the levels (UAX #9 rules P to I),
 * rule L2 for a line's order done here on the line's pieces (clusters),
 * whose widths the line breaker has already fixed. */
#include "text/bidi.h"

#include <string.h>

#include <unicode/ubidi.h>
#include <unicode/uchar.h>

#include "base/call.h"
#include "base/utf8.h"

bool pb_bidi_any_rtl(const char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0xD6) { /* below U+0590: Latin, Greek, Cyrillic, Armenian */
            i += c < 0x80 ? 1 : 2;
            continue;
        }
        if (c >= 0xE3 && c <= 0xE9) { /* U+3000-U+9FFF: CJK, no right-to-left */
            i += 3;
            continue;
        }
        uint32_t cp = pb_utf8_next(text, len, &i);
        UCharDirection d = u_charDirection((UChar32)cp);
        if (d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC ||
            d == U_RIGHT_TO_LEFT_EMBEDDING || d == U_RIGHT_TO_LEFT_OVERRIDE ||
            d == U_RIGHT_TO_LEFT_ISOLATE)
            return true;
    }
    return false;
}

bool pb_bidi_levels(const char *text, size_t len, pb_arena *arena, uint8_t **levels,
                    uint8_t *base)
{
    *levels = pb_arena_calloc(arena, len + 1, 1);
    *base = 0;
    if (len == 0 || len > INT32_MAX / 2)
        return len == 0;
    /* ICU works in UTF-16: each unit remembers the byte it starts at */
    UChar *u16 = pb_arena_alloc(arena, len * sizeof *u16);
    size_t *byte = pb_arena_alloc(arena, (len + 1) * sizeof *byte);
    int32_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(text, len, &i);
        byte[n] = at;
        if (cp >= 0x10000)
            byte[n + 1] = at;
        U16_APPEND_UNSAFE(u16, n, cp);
    }
    byte[n] = len;
    UErrorCode err = U_ZERO_ERROR;
    UBiDi *bidi = ubidi_openSized(n, 0, &err);
    if (bidi)
        ubidi_setPara(bidi, u16, n, UBIDI_DEFAULT_LTR, NULL, &err);
    const UBiDiLevel *lv = U_SUCCESS(err) ? ubidi_getLevels(bidi, &err) : NULL;
    if (U_FAILURE(err) || !lv) {
        ubidi_close(bidi);
        pb_oom_if(err == U_MEMORY_ALLOCATION_ERROR);
        return false;
    }
    *base = ubidi_getParaLevel(bidi) & 1;
    for (int32_t k = 0; k < n; k++)
        for (size_t b = byte[k]; b < byte[k + 1]; b++)
            (*levels)[b] = lv[k];
    ubidi_close(bidi);
    return true;
}

void pb_bidi_visual_order(const uint8_t *levels, int n, int *order)
{
    uint8_t high = 0, low_odd = 0xFF;
    for (int i = 0; i < n; i++) {
        order[i] = i;
        if (levels[i] > high)
            high = levels[i];
        if ((levels[i] & 1) && levels[i] < low_odd)
            low_odd = levels[i];
    }
    /* L2: from the highest level down to the lowest odd one, reverse every
       run of pieces at that level or above */
    for (int lv = high; lv >= low_odd && lv > 0; lv--) {
        for (int i = 0; i < n;) {
            if (levels[order[i]] < lv) {
                i++;
                continue;
            }
            int j = i;
            while (j < n && levels[order[j]] >= lv)
                j++;
            for (int a = i, b = j - 1; a < b; a++, b--) {
                int t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
            i = j;
        }
    }
}
