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

/* cp is not plainly visible (refused, removed or kept invisible): messages
 * show it as \uXXXX. */
bool pb_char_invisible(uint32_t cp);

#endif
