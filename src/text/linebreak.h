/* Line breaking: break opportunities (ICU, zh, lb=strict) with the clreq
 * adjustments, then fitting units into lines of a given measure with
 * punctuation compression and justification.  Font-free: it works on
 * units (one per grapheme cluster) that carry a width and a class, so it
 * can be tested with a fixed-advance fake font.  Finding opportunities is
 * done once per paragraph; fitting is a pure function of the widths. */
#ifndef PB_LINEBREAK_H
#define PB_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/fx.h"
#include "model/document.h"

typedef enum pb_brk {
    PB_BRK_NONE = 0,      /* no break */
    PB_BRK_ALLOW = 1,     /* a line may end here */
    PB_BRK_MANDATORY = 2, /* a line must end here (hard line break) */
} pb_brk;

/* brk has len+1 entries; brk[b] is the opportunity before byte b (so
 * brk[len] is the end of the text: mandatory).  Entries inside a UTF-8
 * sequence are PB_BRK_NONE.  pb_break_icu gives ICU's answer alone (for
 * the conformance test); pb_break_opportunities adds the clreq rules. */
bool pb_break_icu(const char *utf8, size_t len, uint8_t *brk);
bool pb_break_opportunities(const char *utf8, size_t len, uint8_t *brk);

/* A web or e-mail address in a text: bytes [start, end).  Web addresses
 * are scheme://…, www.… and host names ending in a common top-level domain
 * (harbin.gov.cn/…); e-mail addresses local@host.domain. */
typedef struct pb_address {
    size_t start, end;
    bool email;
} pb_address;

/* Finds the addresses of a text, in order; fills at most max of them and
 * returns how many there are. */
int pb_find_addresses(const char *utf8, size_t len, pb_address *out, int max);

/* Classes that decide compression and justification (clreq). */
typedef enum pb_char_class {
    PB_CC_HAN = 0,  /* ideographs, kana, other full-width characters */
    PB_CC_OPEN,     /* （“‘《〈【〖〔［｛「『: ink in the right half */
    PB_CC_CLOSE,    /* ）”’》〉】〗〕］｝」』: ink in the left half */
    PB_CC_STOP,     /* 、，。．；：！？: ink in the left half (zh-Hans) */
    PB_CC_MIDDLE,   /* ·・：in the middle; not compressed */
    PB_CC_DASH,     /* — … (never split, never stretched inside) */
    PB_CC_LATIN,    /* letters, digits, proportional symbols */
    PB_CC_SPACE,    /* Western spaces */
} pb_char_class;

pb_char_class pb_char_class_of(uint32_t cp);
/* The same from the rules alone, without the shortcuts for the common
 * characters (tests compare the two). */
pb_char_class pb_char_class_by_rules(uint32_t cp);

/* Whether cp is a combining mark or ZWJ for line breaking (UAX #14 CM,
 * ZWJ): it attaches to the character before it. */
bool pb_lb_combining(uint32_t cp);

/* clreq: characters that must not start / end a line. */
bool pb_no_line_start(uint32_t cp);
bool pb_no_line_end(uint32_t cp);

typedef struct pb_lb_unit {
    uint32_t cp;          /* first code point of the cluster */
    pb_fx width;          /* natural advance */
    pb_fx em;             /* type size of the unit's font */
    uint8_t cls;          /* pb_char_class */
    uint8_t brk;          /* pb_brk: may a line end after this unit? */
} pb_lb_unit;

/* Space to add (>0) or remove (<0) before and after a unit's glyphs. */
typedef struct pb_lb_adjust {
    pb_fx lead, trail;
} pb_lb_adjust;

typedef struct pb_lb_line {
    int first, count;     /* units */
    pb_fx natural;        /* sum of widths before adjustment */
    pb_fx width;          /* sum of widths and adjustments (a hanging mark
                             included) */
    bool last;            /* last line of the paragraph (not justified) */
    bool hang;            /* grid lines: the last visible unit, a closing or
                             stop mark, hangs past the measure */
} pb_lb_line;

typedef struct pb_lb_params {
    pb_fx measure;        /* line width */
    pb_fx first_indent;   /* the first line is this much narrower */
    pb_fx right_indent;   /* every line is this much narrower */
    pb_align align;       /* justify: all lines but the last fill measure */
    bool compress_punct;  /* clreq punctuation compression */
    bool marks_whole;     /* no mark is squeezed inside a line to make it
                             fit (clreq push-in of brackets and ，、；):
                             only pairs of marks and a mark ending a line
                             are compressed; the text wraps instead */
    bool avoid_single_last; /* pull a character down rather than leave one alone */
    pb_fx grid;           /* > 0: the character grid's pitch.  Units exactly
                             this wide (full-width characters and marks, as
                             the shaper tracks them) take one cell each on
                             every line: marks are compressed only in
                             adjacent pairs, never to fit a line; a closing or
                             stop mark that would start a line hangs past the
                             measure instead; runs of Latin letters and
                             digits between cells are padded to whole cells;
                             what a justified line still lacks is spread over
                             its CJK and CJK-Latin gaps. */
} pb_lb_params;

typedef struct pb_lb_result {
    pb_lb_line *lines;    /* arena */
    int nlines;
    pb_lb_adjust *adjust; /* arena, one per unit */
} pb_lb_result;

/* Breaks n units into lines.  Never fails: a segment wider than the
 * measure with no opportunity inside is broken at the last unit that fits
 * (and a unit wider than the measure sits alone on a line). */
void pb_linebreak(const pb_lb_unit *units, int n, const pb_lb_params *p,
                  pb_arena *arena, pb_lb_result *out);

/* Content widths for table columns: the widest piece between two
 * opportunities (min) and the whole text on one line (max). */
void pb_linebreak_extent(const pb_lb_unit *units, int n, pb_fx *min_width,
                         pb_fx *max_width);

#endif
