/* Invisible characters in input strings: what paiban does with each
 * character Unicode calls default-ignorable or format
 * (Default_Ignorable_Code_Point, General_Category Cf), with controls and
 * line and paragraph separators.  The sets come from ICU's character
 * properties; README "What may be in a text" gives the decisions and why.
 * This file is the input stage's only user of ICU. */
#ifndef PB_INPUT_INVISIBLE_H
#define PB_INPUT_INVISIBLE_H

#include <stdbool.h>
#include <stdint.h>

typedef enum pb_char_use {
    PB_CHAR_PLAIN,  /* a visible character (or one of the kept invisible ones
                     * below, when `prev` allows it) */
    PB_CHAR_REMOVE, /* removed with a warning: the print is the same without it */
    PB_CHAR_REFUSE, /* an error: the author must decide what was meant */
} pb_char_use;

/* What to do with cp in a text value, after prev (0 at the start).  For
 * REMOVE and REFUSE, *what names the kind ("soft hyphen"). */
pb_char_use pb_char_use_in_text(uint32_t cp, uint32_t prev, const char **what);

/* The characters texts are mostly made of: printable ASCII, the dashes,
 * quotes and ellipsis of U+2010..U+2027, CJK symbols and punctuation
 * (U+3000..U+303F), CJK Unified Ideographs (U+4E00..U+9FFF) and the
 * full-width forms U+FF01..U+FF5E.  None is a control, separator, format or
 * default-ignorable character, so each is PB_CHAR_PLAIN after any prev and
 * not pb_char_invisible: a shortcut that spares the lookups of Unicode's
 * properties for them. */
static inline bool pb_char_common_plain(uint32_t cp)
{
    return (cp >= 0x20 && cp < 0x7F) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF5E) ||
           (cp >= 0x2010 && cp <= 0x2027);
}

/* cp is not plainly visible (refused, removed or kept invisible): messages
 * show it as \uXXXX. */
bool pb_char_invisible(uint32_t cp);

#endif
