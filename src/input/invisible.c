#include "input/invisible.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>

static bool is_format_or_ignorable(UChar32 c)
{
    return u_charType(c) == U_FORMAT_CHAR ||
           u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

static bool is_mongolian(UChar32 c)
{
    UErrorCode err = U_ZERO_ERROR;
    return c > 0 && uscript_getScript(c, &err) == USCRIPT_MONGOLIAN && U_SUCCESS(err) &&
           !is_format_or_ignorable(c);
}

/* Refused whatever comes before: controls, separators, zero-width and
 * bidirectional characters, and every invisible character not let
 * through below. */
static pb_char_use refuse(const char **what, const char *kind)
{
    *what = kind;
    return PB_CHAR_REFUSE;
}

pb_char_use pb_char_use_in_text(uint32_t cp, uint32_t prev, const char **what)
{
    UChar32 c = (UChar32)cp;
    *what = NULL;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return refuse(what, "control character");
    if (cp < 0xAD || pb_char_common_plain(cp)) /* nothing else below U+00AD */
        return PB_CHAR_PLAIN;
    if (cp == 0x2028)
        return refuse(what, "line separator");
    if (cp == 0x2029)
        return refuse(what, "paragraph separator");
    if (!is_format_or_ignorable(c))
        return PB_CHAR_PLAIN;

    /* Visible marks that Unicode files as format characters: the Arabic
     * number signs (U+0600..U+0605, U+06DD, U+08E2), Syriac abbreviation,
     * Kaithi number sign; they print, spanning the digits after them. */
    if (u_hasBinaryProperty(c, UCHAR_PREPENDED_CONCATENATION_MARK))
        return PB_CHAR_PLAIN;
    if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF)
        return refuse(what, "zero-width character");
    if (u_hasBinaryProperty(c, UCHAR_BIDI_CONTROL))
        return refuse(what, "bidirectional control");
    if (u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR)) {
        /* After a CJK ideograph a variation selector chooses a registered
         * form of it (an ideographic variation sequence, U+E0100..U+E01EF,
         * for the exact glyph of a name; U+FE00.. for the standardized
         * variants of compatibility ideographs): kept.  Mongolian's own
         * selectors (U+180B..U+180D, U+180F) are part of its spelling. */
        bool mongolian_fvs = cp >= 0x1800 && cp <= 0x18AF;
        if (mongolian_fvs ? is_mongolian((UChar32)prev)
                          : prev && u_hasBinaryProperty((UChar32)prev, UCHAR_IDEOGRAPHIC))
            return PB_CHAR_PLAIN;
        /* After anything else (an emoji's U+FE0F, a stray one) it selects
         * nothing paiban prints: the character's only form is its text
         * form. */
        *what = "variation selector";
        return PB_CHAR_REMOVE;
    }
    if (cp == 0x180E && is_mongolian((UChar32)prev))
        return PB_CHAR_PLAIN; /* Mongolian vowel separator, inside a word */
    if (cp == 0x00AD) {
        /* a hyphenation hint; paiban breaks no word with a hyphen */
        *what = "soft hyphen";
        return PB_CHAR_REMOVE;
    }
    if (u_charType(c) == U_FORMAT_CHAR && u_hasBinaryProperty(c, UCHAR_MATH)) {
        /* U+2061..U+2064: function application, invisible times,
         * separator and plus carry meaning for math software only */
        *what = "invisible operator";
        return PB_CHAR_REMOVE;
    }
    if (ublock_getCode(c) == UBLOCK_TAGS && u_charType(c) != U_UNASSIGNED) {
        /* language tags (deprecated) and the tags of emoji flags */
        *what = "tag character";
        return PB_CHAR_REMOVE;
    }
    if (ublock_getCode(c) == UBLOCK_SPECIALS && u_charType(c) == U_FORMAT_CHAR)
        /* U+FFF9..U+FFFB mark ruby: without them the annotation would
         * print as body text */
        return refuse(what, "interlinear annotation character");
    if (u_charType(c) == U_UNASSIGNED)
        return refuse(what, "reserved invisible code point");
    /* the rest: Hangul fillers, the combining grapheme joiner, Khmer
     * inherent vowels, deprecated format characters (U+206A..U+206F),
     * shorthand, musical and hieroglyph format controls */
    return refuse(what, u_charType(c) == U_FORMAT_CHAR ? "format character"
                                                       : "invisible character");
}

bool pb_char_invisible(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
        return true;
    return cp >= 0xAD && !pb_char_common_plain(cp) && is_format_or_ignorable((UChar32)cp) &&
           !u_hasBinaryProperty((UChar32)cp, UCHAR_PREPENDED_CONCATENATION_MARK);
}
