/* Line breaking: opportunities from ICU (zh, lb=strict) narrowed by the
 * clreq prohibition rules, then greedy fitting with punctuation
 * compression, push-in shrinking and exact justification.
 * Tailorings are listed in tests/linebreak-tailorings.md. */
#include "text/linebreak.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

#include "base/call.h"
#include "base/utf8.h"

/* ---- break opportunities ------------------------------------------- */

/* One line-break iterator per call of the library, kept in the call's
 * context (base/call.h) and closed when the call ends: opening one costs
 * more than finding the breaks of a table cell, and a document has
 * hundreds of texts.  Outside a call (the conformance test) each text
 * opens its own. */
static void close_iterator(void *bi)
{
    ubrk_close(bi);
}

static UBreakIterator *call_iterator(bool *own)
{
    pb_call *c = pb_call_current();
    *own = false;
    if (c && c->breaker)
        return c->breaker;
    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_LINE, "zh@lb=strict", NULL, 0, &err);
    if (U_FAILURE(err)) {
        ubrk_close(bi);
        pb_oom_if(err == U_MEMORY_ALLOCATION_ERROR);
        return NULL;
    }
    if (c) {
        c->breaker = bi;
        c->free_breaker = close_iterator;
    } else {
        *own = true;
    }
    return bi;
}

/* CJK Unified Ideographs (UAX #14 class ID, every one of them): between
 * two of them a line may always break (LB31), and no rule looks across
 * such a pair -- the rules that read further than two characters (LB14-17
 * over spaces, LB21a, LB25, LB30a) need other classes on both sides of
 * it.  So the text is cut there, each of these breaks is set without
 * ICU, and ICU reads only the pieces between them that hold anything
 * else.  tests/unit/test_uax14.c compares the result with ICU's on whole
 * texts. */
static bool is_unified_ideograph(uint32_t cp)
{
    return cp >= 0x4E00 && cp <= 0x9FFF;
}

/* ICU's boundaries inside the piece of units [a, b) of u16, which starts
 * at byte a8 of utf8; false when ICU fails (*err says why). */
static bool piece_breaks(UBreakIterator *bi, const UChar *u16, int32_t a, int32_t b,
                         const char *utf8, size_t len, size_t a8, uint8_t *brk,
                         UErrorCode *err)
{
    ubrk_setText(bi, u16 + a, b - a, err);
    if (U_FAILURE(*err))
        return false;
    /* Boundaries come in increasing order, so walk the UTF-8 text in step
     * with them instead of keeping a UTF-16 -> byte table. */
    int32_t q = 0;   /* UTF-16 index (in the piece) of the code point at byte pos */
    size_t pos = a8;
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE && p < b - a; p = ubrk_next(bi)) {
        while (q < p && pos < len) {
            uint32_t cp = pb_utf8_next(utf8, len, &pos);
            q += U16_LENGTH(cp);
        }
        if (q != p || pos >= len)
            continue;
        int32_t st = ubrk_getRuleStatus(bi);
        brk[pos] = (st >= UBRK_LINE_HARD && st < UBRK_LINE_HARD_LIMIT)
                       ? PB_BRK_MANDATORY : PB_BRK_ALLOW;
    }
    return true;
}

bool pb_break_icu(const char *utf8, size_t len, uint8_t *brk)
{
    memset(brk, PB_BRK_NONE, len + 1);
    brk[len] = PB_BRK_MANDATORY;
    if (len == 0)
        return true;
    /* ICU indexes UTF-16 with int32_t; a UTF-8 text never has more UTF-16
     * units than bytes. */
    if (len > INT32_MAX)
        return false;

    bool own;
    UBreakIterator *bi = call_iterator(&own);
    if (!bi)
        return false;
    UChar *u16 = pb_xmalloc(len * sizeof *u16);
    int32_t n16 = 0, a = 0; /* the piece being read starts at unit a, byte a8 */
    size_t a8 = 0;
    bool ok = true, han = false;
    int chars = 0;          /* in the piece */
    UErrorCode err = U_ZERO_ERROR;
    for (size_t i = 0; i < len && ok;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(utf8, len, &i);
        bool next_han = is_unified_ideograph(cp);
        if (han && next_han) {
            if (chars > 1)
                ok = piece_breaks(bi, u16, a, n16, utf8, len, a8, brk, &err);
            brk[at] = PB_BRK_ALLOW;
            a = n16;
            a8 = at;
            chars = 0;
        }
        han = next_han;
        chars++;
        U16_APPEND_UNSAFE(u16, n16, cp);
    }
    if (ok && chars > 1)
        ok = piece_breaks(bi, u16, a, n16, utf8, len, a8, brk, &err);
    UErrorCode drop = U_ZERO_ERROR;
    ubrk_setText(bi, NULL, 0, &drop); /* drop the pointer to u16 */
    if (own)
        ubrk_close(bi);
    free(u16);
    pb_oom_if(err == U_MEMORY_ALLOCATION_ERROR);
    return ok;
}

bool pb_lb_combining(uint32_t cp)
{
    /* below the combining diacritics, and CJK Unified Ideographs (with
       Extension A): no mark, and no property lookup for most characters */
    if (cp < 0x300 || (cp >= 0x3400 && cp <= 0x9FFF))
        return false;
    int lb = u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK);
    return lb == U_LB_COMBINING_MARK || lb == U_LB_ZWJ;
}

static bool is_url_char(unsigned char c)
{
    /* ASCII graphic characters except the delimiters RFC 3986 excludes */
    return c > 0x20 && c < 0x7F && c != '<' && c != '>' && c != '"' && c != '`' &&
           c != '{' && c != '}' && c != '|' && c != '\\' && c != '^';
}

static bool is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_host_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '.';
}

/* The end of a web address from i: URL characters, without a sentence's
 * closing punctuation after it. */
static size_t web_end(const unsigned char *u, size_t len, size_t start, size_t i)
{
    size_t end = i;
    while (end < len && is_url_char(u[end]))
        end++;
    while (end > start && strchr(".,;:!?)'", u[end - 1]))
        end--;
    return end;
}

/* A bare host name ending in a common top-level domain (harbin.gov.cn). */
static bool known_tld(const unsigned char *u, size_t a, size_t b)
{
    static const char *const tld[] = {"cn", "com", "net", "org", "gov", "edu", "int", "info"};
    for (size_t k = 0; k < sizeof tld / sizeof *tld; k++) {
        size_t n = strlen(tld[k]);
        if (b - a == n) {
            bool same = true;
            for (size_t i = 0; i < n; i++)
                same = same && (u[a + i] | 0x20) == tld[k][i];
            if (same)
                return true;
        }
    }
    return false;
}

int pb_find_addresses(const char *s, size_t len, pb_address *out, int max)
{
    const unsigned char *u = (const unsigned char *)s;
    int n = 0;
    size_t i = 0;
    while (i < len) {
        if (u[i] >= 0x80) { /* no address starts at a byte of a non-ASCII character */
            while (++i < len && u[i] >= 0x80)
                ;
            continue;
        }
        bool token_start = i == 0 || !is_url_char(u[i - 1]);
        size_t start = i, end = 0;
        bool email = false;
        if (i + 3 <= len && u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/' && i > 0 &&
            is_alpha(u[i - 1])) {
            /* scheme://… */
            while (start > 0 && (is_alnum(u[start - 1]) || u[start - 1] == '+' ||
                                 u[start - 1] == '.' || u[start - 1] == '-'))
                start--;
            while (start < i && !is_alpha(u[start]))
                start++;
            end = web_end(u, len, start, i + 3);
        } else if (token_start && is_alnum(u[i])) {
            /* www.…, a host with a known top-level domain, or an e-mail */
            size_t h = i;
            while (h < len && (is_host_char(u[h]) || u[h] == '_' || u[h] == '%' ||
                               u[h] == '+'))
                h++;
            if (h < len && u[h] == '@') {
                size_t d = h + 1, de = d;
                while (de < len && is_host_char(u[de]))
                    de++;
                while (de > d && (u[de - 1] == '.' || u[de - 1] == '-'))
                    de--;
                bool dot = false;
                for (size_t k = d; k < de; k++)
                    dot = dot || u[k] == '.';
                if (dot && de > d && h > i) {
                    end = de;
                    email = true;
                }
            } else if (len - i > 4 && !memcmp(s + i, "www.", 4)) {
                end = web_end(u, len, start, i + 4);
            } else {
                size_t he = i;
                while (he < len && is_host_char(u[he]))
                    he++;
                while (he > i && (u[he - 1] == '.' || u[he - 1] == '-'))
                    he--;
                size_t last = he;
                while (last > i && u[last - 1] != '.')
                    last--;
                bool letters = last > i + 1;
                for (size_t k = i; k < he && letters; k++)
                    letters = u[k] != '.' || (k > i && u[k - 1] != '.');
                if (letters && known_tld(u, last, he) && (he == len || !is_url_char(u[he]) ||
                                                          u[he] == '/' || u[he] == ':'))
                    end = u[he] == '/' || u[he] == ':' ? web_end(u, len, start, he) : he;
            }
        }
        if (end > start) {
            if (n < max)
                out[n] = (pb_address){start, end, email};
            n++;
            i = end;
        } else {
            i++;
        }
    }
    return n;
}

/* Inside an address a line breaks only after "/" (not between the two of
 * "//") or before "?", "&" and "#", never inside the host name, and an
 * e-mail address never breaks: what ICU allows there (after a hyphen, say)
 * is taken away.  A host longer than the line is still broken where the
 * line ends, by the fitter's emergency rule. */
static void address_breaks(const char *s, size_t len, uint8_t *brk)
{
    enum { MAX_ADDRESSES = 64 };
    pb_address a[MAX_ADDRESSES];
    const unsigned char *u = (const unsigned char *)s;
    for (size_t from = 0; from < len;) {
        int n = pb_find_addresses(s + from, len - from, a, MAX_ADDRESSES);
        int got = n < MAX_ADDRESSES ? n : MAX_ADDRESSES;
        for (int k = 0; k < got; k++) {
            size_t st = from + a[k].start, end = from + a[k].end;
            for (size_t b = st + 1; b < end; b++) {
                bool allow = !a[k].email &&
                             ((u[b - 1] == '/' && u[b] != '/') || strchr("?&#", u[b]));
                if (brk[b] != PB_BRK_MANDATORY)
                    brk[b] = allow ? PB_BRK_ALLOW : PB_BRK_NONE;
            }
        }
        if (n <= MAX_ADDRESSES || got == 0)
            break;
        from += a[got - 1].end;
    }
}

bool pb_break_opportunities(const char *utf8, size_t len, uint8_t *brk)
{
    if (!pb_break_icu(utf8, len, brk))
        return false;
    /* prev is the last base character before b: a variation selector or a
     * combining mark after a bracket does not hide it. */
    uint32_t prev = 0;
    bool have_prev = false;
    for (size_t i = 0; i < len;) {
        size_t b = i;
        uint32_t cp = pb_utf8_next(utf8, len, &i);
        if (have_prev && brk[b] == PB_BRK_ALLOW &&
            (pb_no_line_start(cp) || pb_no_line_end(prev)))
            brk[b] = PB_BRK_NONE;
        if (!have_prev || !pb_lb_combining(cp)) {
            prev = cp;
            have_prev = true;
        }
    }
    address_breaks(utf8, len, brk);
    return true;
}

/* ---- character classes (clreq 3.1.7 and 3.2) ------------------------ */

bool pb_no_line_start(uint32_t cp)
{
    switch (cp) {
    /* pause and stop marks */
    case 0x3001: case 0xFF0C: case 0xFF1B: case 0xFF1A: case 0x3002:
    case 0xFF0E: case 0xFF01: case 0xFF1F: case 0x203C: case 0x2047:
    case 0x2048: case 0x2049:
    /* closing quotation marks and brackets */
    case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09:
    case 0x300B: case 0x3009: case 0x3011: case 0x3017: case 0x3015:
    case 0xFF3D: case 0xFF5D: case 0x3019: case 0x301B: case 0xFF60:
    /* connectors, hyphens, dashes, interpuncts, ellipsis */
    case 0xFF5E: case 0x301C: case 0x2013: case 0x002D: case 0x2010:
    case 0x2014: case 0x2015: case 0x2E3A: case 0x2E3B: case 0x00B7:
    case 0x30FB: case 0xFF65: case 0x2027: case 0x2026: case 0x22EF:
        return true;
    default:
        return false;
    }
}

bool pb_no_line_end(uint32_t cp)
{
    switch (cp) {
    case 0x201C: case 0x2018: case 0x300C: case 0x300E: case 0xFF08:
    case 0x300A: case 0x3008: case 0x3010: case 0x3016: case 0x3014:
    case 0xFF3B: case 0xFF5B: case 0x3018: case 0x301A: case 0xFF5F:
        return true;
    default:
        return false;
    }
}

pb_char_class pb_char_class_of(uint32_t cp)
{
    /* most of the text: CJK ideographs, ASCII letters and digits */
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return PB_CC_HAN;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
        return PB_CC_LATIN;
    return pb_char_class_by_rules(cp);
}

pb_char_class pb_char_class_by_rules(uint32_t cp)
{
    if (pb_no_line_end(cp))
        return PB_CC_OPEN;
    switch (cp) {
    case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09:
    case 0x300B: case 0x3009: case 0x3011: case 0x3017: case 0x3015:
    case 0xFF3D: case 0xFF5D: case 0x3019: case 0x301B: case 0xFF60:
        return PB_CC_CLOSE;
    /* zh-Hans sets ：and ；in the left half like the other stops. */
    case 0x3001: case 0xFF0C: case 0x3002: case 0xFF0E: case 0xFF1B:
    case 0xFF1A: case 0xFF01: case 0xFF1F:
        return PB_CC_STOP;
    case 0x00B7: case 0x30FB: case 0x2027: case 0xFF65:
        return PB_CC_MIDDLE;
    case 0x2014: case 0x2015: case 0x2026: case 0x22EF: case 0x2E3A:
    case 0x2E3B:
        return PB_CC_DASH;
    case 0x0020: case 0x00A0:
        return PB_CC_SPACE;
    default:
        break;
    }
    int ea = u_getIntPropertyValue((UChar32)cp, UCHAR_EAST_ASIAN_WIDTH);
    return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? PB_CC_HAN : PB_CC_LATIN;
}

/* ---- fitting -------------------------------------------------------- */

enum shrink_kind { SHRINK_NONE, SHRINK_SPACE, SHRINK_BRACKET, SHRINK_COMMA };

/* A mark is compressible only if its glyph fills most of an em; a
 * proportional quote in a Latin font has no blank half to remove. */
static bool full_width(const pb_lb_unit *u)
{
    return (int64_t)u->width * 4 > (int64_t)u->em * 3;
}

static bool is_mark(int cls)
{
    return cls == PB_CC_OPEN || cls == PB_CC_CLOSE || cls == PB_CC_STOP;
}

static bool is_comma(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B;
}

typedef struct fitter {
    const pb_lb_unit *u;
    int n;
    const pb_lb_params *p;
    int64_t *pmin;        /* owned: prefix sums of interior minimum widths */
    const bool *collapsed;/* spaces typed between the scripts, or NULL */
    /* per unit, worked out once (the fitting loops ask for them again and
       again): owned, in the block of pmin */
    pb_fx *lead, *trail;  /* comp_lead, comp_trail */
    int64_t *emin;        /* end_min */
    bool *cell;           /* is_cell */
} fitter;

static bool is_collapsed(const fitter *f, int i)
{
    return f->collapsed && f->collapsed[i];
}

/* On the grid: a unit that takes one cell, a full-width character or
 * mark the shaper set to the grid's pitch. */
static bool cell_of(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    return f->p->grid > 0 && u->width == f->p->grid && u->cls != PB_CC_LATIN &&
           u->cls != PB_CC_SPACE;
}

/* ---- spaces typed between the scripts -------------------------------
 *
 * clreq 3.2.1 and JIS X 4051 practice: a space typed between a Chinese
 * character (or mark) and Latin letters or digits ("每区 25 个部门") is
 * taken as the gap between the two scripts, not added to it, so the text
 * is set as it would be without the space.  The space stays in the text
 * (it is drawn, at the width the gap gets, and copies out of the PDF):
 * the fitter sees it as zero wide, and its own width is taken off its
 * trail when the line is set. */

/* A full-width character or mark: the Chinese side of a gap.  Not a dash:
 * the spaces of "— 1 —" (GB/T 9704 7.5's page number) are its design. */
static bool chinese_side(const pb_lb_unit *u)
{
    return u->cls != PB_CC_LATIN && u->cls != PB_CC_SPACE && u->cls != PB_CC_DASH &&
           full_width(u);
}

/* A letter, digit or symbol of a left-to-right script: the Latin side.
 * Arabic-script words inside Chinese text keep their spaces (their gaps
 * are no inter-script spacing of clreq's). */
static bool latin_side(const pb_lb_unit *u)
{
    if (u->cls != PB_CC_LATIN)
        return false;
    int d = u_charDirection((UChar32)u->cp);
    return d != U_RIGHT_TO_LEFT && d != U_RIGHT_TO_LEFT_ARABIC;
}

/* Marks the U+0020 spaces of units that lie between a Chinese and a Latin
 * unit of the same line segment; returns how many. */
static int collapsed_spaces(const pb_lb_unit *u, int n, bool *out)
{
    int count = 0;
    for (int i = 0; i < n;) {
        out[i] = false;
        if (u[i].cp != 0x20) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < n && u[j + 1].cp == 0x20 && u[j].brk != PB_BRK_MANDATORY)
            j++;
        bool joined = i > 0 && j + 1 < n && u[i - 1].brk != PB_BRK_MANDATORY &&
                      u[j].brk != PB_BRK_MANDATORY;
        bool collapse = joined && ((chinese_side(&u[i - 1]) && latin_side(&u[j + 1])) ||
                                   (latin_side(&u[i - 1]) && chinese_side(&u[j + 1])));
        for (int k = i; k <= j; k++)
            out[k] = collapse;
        count += collapse ? j - i + 1 : 0;
        i = j + 1;
    }
    return count;
}

/* The units as the fitter sees them: collapsed spaces zero wide.  Returns
 * `units` itself when there are none, else a copy in `scratch`; *collapsed
 * (in `scratch` too, or NULL) marks them. */
static const pb_lb_unit *fitted_units(const pb_lb_unit *units, int n, pb_arena *scratch,
                                      bool **collapsed)
{
    pb_arena_pos none = pb_arena_mark(scratch);
    bool *c = pb_arena_alloc(scratch, (size_t)n * sizeof *c);
    if (collapsed_spaces(units, n, c) == 0) {
        pb_arena_release(scratch, none);
        *collapsed = NULL;
        return units;
    }
    pb_lb_unit *w = pb_arena_alloc(scratch, (size_t)n * sizeof *w);
    memcpy(w, units, (size_t)n * sizeof *w);
    for (int i = 0; i < n; i++)
        if (c[i])
            w[i].width = 0;
    *collapsed = c;
    return w;
}

/* What setting a full-width mark half width takes off it: half an em, or
 * half a cell on the grid (so a compressed pair takes 1.5 cells). */
static pb_fx to_half(const fitter *f, const pb_lb_unit *u)
{
    if (f->p->grid > 0 && u->width == f->p->grid)
        return u->width - u->width / 2;
    return u->width - u->em / 2;
}

/* clreq 3.1.5: two adjacent marks take 1.5 em; the closing/stop mark
 * loses its blank half, or the second of two opening marks does. */
static pb_fx trail_of(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    if (!f->p->compress_punct || i + 1 >= f->n)
        return 0;
    if ((u->cls == PB_CC_STOP || u->cls == PB_CC_CLOSE) && full_width(u) &&
        is_mark(f->u[i + 1].cls) && full_width(&f->u[i + 1]))
        return -to_half(f, u);
    return 0;
}

static pb_fx lead_of(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    if (!f->p->compress_punct || i == 0)
        return 0;
    if (u->cls == PB_CC_OPEN && full_width(u) && f->u[i - 1].cls == PB_CC_OPEN &&
        full_width(&f->u[i - 1]))
        return -to_half(f, u);
    return 0;
}

/* How much a unit, currently set with lead/trail, may still shrink, and
 * which of the clreq shrink steps it belongs to. */
static pb_fx shrink_cap(const fitter *f, int i, pb_fx lead, pb_fx trail, int *kind)
{
    const pb_lb_unit *u = &f->u[i];
    pb_fx cur = u->width + lead + trail, least;
    *kind = SHRINK_NONE;
    if (u->cls == PB_CC_SPACE) {
        *kind = SHRINK_SPACE;
        least = u->em / 4; /* clreq: Western spaces down to 1/4 em */
    } else if (f->p->marks_whole) {
        return 0;
    } else if (f->p->compress_punct && full_width(u) &&
               (u->cls == PB_CC_OPEN || u->cls == PB_CC_CLOSE)) {
        *kind = SHRINK_BRACKET;
        least = u->em / 2;
    } else if (f->p->compress_punct && full_width(u) && is_comma(u->cp)) {
        *kind = SHRINK_COMMA;
        least = u->em / 2;
    } else {
        return 0;
    }
    return cur > least ? cur - least : 0;
}

static int64_t interior_min(const fitter *f, int i)
{
    pb_fx lead = f->lead[i], trail = f->trail[i];
    int kind;
    return (int64_t)f->u[i].width + lead + trail - shrink_cap(f, i, lead, trail, &kind);
}

/* clreq 3.1.5: a full-width stop or closing mark at line end is set half
 * width, before any justification. */
static bool trimmed_at_end(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    return f->p->compress_punct && full_width(u) &&
           (u->cls == PB_CC_STOP || u->cls == PB_CC_CLOSE);
}

static int64_t end_min_of(const fitter *f, int i)
{
    if (trimmed_at_end(f, i))
        return (int64_t)f->u[i].width - to_half(f, &f->u[i]) + f->lead[i];
    return f->pmin[i + 1] - f->pmin[i]; /* its interior minimum */
}

/* The per-unit answers above, as worked out when the fitter was made. */
static bool is_cell(const fitter *f, int i)
{
    return f->cell[i];
}

static pb_fx comp_trail(const fitter *f, int i)
{
    return f->trail[i];
}

static pb_fx comp_lead(const fitter *f, int i)
{
    return f->lead[i];
}

/* Narrowest width of units s..e set as one line, where e is the last unit
 * that is not a trailing space (trailing spaces take no width). */
static int64_t line_min(const fitter *f, int s, int e)
{
    if (e < s)
        return 0;
    /* pmin[e + 1] - pmin[e] is e's interior minimum, which its end
       minimum replaces */
    return f->pmin[e] - f->pmin[s] + f->emin[e];
}

static int last_visible(const fitter *f, int s, int t)
{
    while (t >= s && f->u[t].cls == PB_CC_SPACE)
        t--;
    return t;
}

static int64_t avail_of(const pb_lb_params *p, int line)
{
    return (int64_t)p->measure - p->right_indent - (line == 0 ? p->first_indent : 0);
}

static bool ends_segment(const fitter *f, int t)
{
    return t == f->n - 1 || f->u[t].brk == PB_BRK_MANDATORY;
}

/* Takes `take` (<= the kind's total capacity) from the units of one
 * shrink kind in s..e, in proportion to their capacity; the units left by
 * rounding go to the first units with room, so the result is exact. */
static void shrink_kind(const fitter *f, int s, int e, int want, int64_t take,
                        pb_lb_adjust *adj)
{
    int64_t total = 0, given = 0;
    int kind;
    for (int i = s; i <= e; i++) {
        pb_fx c = shrink_cap(f, i, adj[i].lead, adj[i].trail, &kind);
        if (kind == want)
            total += c;
    }
    if (total == 0 || take <= 0)
        return;
    for (int i = s; i <= e; i++) {
        pb_fx c = shrink_cap(f, i, adj[i].lead, adj[i].trail, &kind);
        if (kind == want)
            given += take * c / total;
    }
    int64_t rest = take - given;
    for (int i = s; i <= e; i++) {
        pb_fx c = shrink_cap(f, i, adj[i].lead, adj[i].trail, &kind);
        if (kind != want || c == 0)
            continue;
        int64_t share = take * c / total;
        if (rest > 0 && share < c) {
            share++;
            rest--;
        }
        if (f->u[i].cls == PB_CC_OPEN)
            adj[i].lead -= (pb_fx)share; /* ink in the right half */
        else
            adj[i].trail -= (pb_fx)share;
    }
}

static bool is_punct(int cls)
{
    return cls == PB_CC_OPEN || cls == PB_CC_CLOSE || cls == PB_CC_STOP ||
           cls == PB_CC_MIDDLE || cls == PB_CC_DASH;
}

/* May justification add space between units i and i+1?  clreq 3.8: never
 * inside ——/……, and never between the letters of a Latin word or the
 * digits of a number (the word would read as spaced out).  On the grid a
 * gap touches a cell, and marks keep their fixed spacing (a comma
 * advances one cell, or half in a pair, on every line) unless the line
 * has no other gap. */
static bool stretchable_gap(const fitter *f, int i, bool marks_too)
{
    /* collapsed spaces and the characters around them make one gap, taken
     * after the spaces, between the characters they stand between */
    if (is_collapsed(f, i + 1))
        return false;
    int h = i;
    while (h > 0 && is_collapsed(f, h))
        h--;
    const pb_lb_unit *a = &f->u[h], *b = &f->u[i + 1];
    if (a->cls == PB_CC_DASH && b->cls == PB_CC_DASH && a->cp == b->cp)
        return false;
    if (f->p->grid > 0)
        return (is_cell(f, h) || is_cell(f, i + 1)) &&
               (marks_too || (!is_punct(a->cls) && !is_punct(b->cls)));
    return !(a->cls == PB_CC_LATIN && b->cls == PB_CC_LATIN);
}

/* Adds `need` to the trail of the units of s..e selected by `pick`, evenly,
 * the remainder to the first ones.  Returns how much was given. */
static int64_t spread_even(const fitter *f, int s, int e, int64_t need, pb_lb_adjust *adj,
                           bool (*pick)(const fitter *, int, int))
{
    int n = 0;
    for (int i = s; i <= e; i++)
        n += pick(f, i, e);
    if (n == 0 || need <= 0)
        return 0;
    int64_t each = need / n, extra = need % n;
    for (int i = s; i <= e; i++) {
        if (!pick(f, i, e))
            continue;
        adj[i].trail += (pb_fx)(each + (extra > 0));
        if (extra > 0)
            extra--;
    }
    return need;
}

static bool pick_gap(const fitter *f, int i, int e)
{
    return i < e && stretchable_gap(f, i, false);
}

static bool pick_any_gap(const fitter *f, int i, int e)
{
    return i < e && stretchable_gap(f, i, true);
}

static bool pick_space(const fitter *f, int i, int e)
{
    (void)e;
    return f->u[i].cls == PB_CC_SPACE && !is_collapsed(f, i);
}

static void stretch(const fitter *f, int s, int e, int64_t need, pb_lb_adjust *adj)
{
    /* Western spaces first, up to 1/2 em more each. */
    int64_t cap = 0;
    for (int i = s; i <= e; i++)
        if (pick_space(f, i, e))
            cap += f->u[i].em / 2;
    if (cap > 0) {
        int64_t take = need < cap ? need : cap, given = 0;
        for (int i = s; i <= e; i++)
            if (pick_space(f, i, e))
                given += take * (f->u[i].em / 2) / cap;
        int64_t rest = take - given;
        for (int i = s; i <= e; i++) {
            if (!pick_space(f, i, e))
                continue;
            int64_t share = take * (f->u[i].em / 2) / cap;
            if (rest > 0 && share < f->u[i].em / 2) {
                share++;
                rest--;
            }
            adj[i].trail += (pb_fx)share;
        }
        need -= take;
    }
    if (need <= 0)
        return;
    /* Then the CJK and CJK-Latin gaps equally; a line of Latin words
     * alone widens its spaces; a line with neither (a long address or
     * number) stays short rather than spaced out. */
    if (spread_even(f, s, e, need, adj, pick_gap) == 0)
        spread_even(f, s, e, need, adj, pick_space);
}

/* ---- the character grid (pb_lb_params.grid) --------------------------
 *
 * Full-width characters and marks take one cell each, the same on every
 * line, so the columns of a page line up (GB/T 9704: 28 a line).  The only
 * compression is that of adjacent marks (clreq 3.1.5, "。”" "），"), which
 * does not depend on where the line breaks.  A run of Latin letters,
 * digits and spaces between two cells is padded to whole cells, half of
 * the padding on each side (clreq's optional Han-Latin space), so the
 * cells after it stay in their columns.  When a line cannot be filled
 * with whole cells -- a character pushed to the next line by a
 * prohibition, a compressed pair, a run at the line's edge -- the
 * shortfall is spread over the line's gaps.  A closing or stop mark that
 * would otherwise start the next line hangs past the measure, as Word and
 * WPS set it, so the line keeps its characters in their columns. */

static int64_t whole_cells(int64_t w, pb_fx grid)
{
    return (w + grid - 1) / grid * grid;
}

/* The width of a candidate grid line s..j, built one unit at a time. */
typedef struct grid_scan {
    int s;
    int64_t done;         /* units before the open run; closed runs padded */
    int run;              /* first unit of the open run of non-cells, or -1 */
    int64_t run_w;        /* its width */
    int64_t vis;          /* the line's width through its last visible unit */
} grid_scan;

static int pad_before(const fitter *f, int a, int s);

/* The gap before a run of non-cells a..b that ends a line: the one it
 * would have inside the line (half its padding to whole cells), since the
 * gap between the scripts belongs there whether or not the line ends
 * after the run; only the gap after it is dropped.  None after a mark
 * whose blank half faces the run ("：", "（"): that half is the gap. */
static pb_fx end_run_lead(const fitter *f, int s, int a, int64_t w)
{
    if (a <= s || pad_before(f, a, s) != a)
        return 0;
    int l = f->u[a - 1].cls;
    if (l == PB_CC_STOP || l == PB_CC_CLOSE)
        return 0;
    return (pb_fx)((whole_cells(w, f->p->grid) - w) / 2);
}

static void scan_add(const fitter *f, grid_scan *g, int j)
{
    const pb_lb_unit *u = &f->u[j];
    if (is_cell(f, j)) {
        if (g->run >= 0) {
            /* a run between two cells takes whole cells; one that starts
             * the line keeps its width (the line's shortfall is spread) */
            g->done += g->run > g->s ? whole_cells(g->run_w, f->p->grid) : g->run_w;
            g->run = -1;
            g->run_w = 0;
        }
        if (j > g->s && is_cell(f, j - 1))
            g->done += comp_trail(f, j - 1) + comp_lead(f, j);
        g->done += u->width;
        g->vis = g->done;
        return;
    }
    if (g->run < 0) {
        g->run = j;
        g->run_w = 0;
    }
    g->run_w += u->width;
    if (u->cls != PB_CC_SPACE)
        g->vis = g->done + end_run_lead(f, g->s, g->run, g->run_w) + g->run_w;
}

/* The measure in whole cells: a grid line never ends between columns. */
static int64_t grid_avail(const fitter *f, int64_t avail)
{
    pb_fx grid = f->p->grid;
    return avail >= grid ? avail / grid * grid : avail;
}

/* A closing or stop mark may hang past the measure of a justified or
 * left-aligned line. */
static bool can_hang(const fitter *f, int j)
{
    int c = f->u[j].cls;
    return (f->p->align == PB_ALIGN_JUSTIFY || f->p->align == PB_ALIGN_LEFT) &&
           (c == PB_CC_STOP || c == PB_CC_CLOSE) && is_cell(f, j);
}

/* After a hanging mark j, the unit a line may end with: j itself or the
 * spaces after it, up to an opportunity; -1 if there is none. */
static int hang_end(const fitter *f, int j)
{
    int k = j;
    while (!ends_segment(f, k) && f->u[k].brk == PB_BRK_NONE && k + 1 < f->n &&
           f->u[k + 1].cls == PB_CC_SPACE)
        k++;
    return ends_segment(f, k) || f->u[k].brk != PB_BRK_NONE ? k : -1;
}

/* Does s..t fit as a grid line (hanging its last mark if need be)? */
static bool grid_fits(const fitter *f, int s, int t, int64_t avail, bool *hang)
{
    int e = last_visible(f, s, t);
    grid_scan g = {.s = s, .run = -1};
    int64_t before = 0;
    for (int i = s; i <= e; i++) {
        before = g.vis;
        scan_add(f, &g, i);
    }
    *hang = false;
    if (g.vis <= avail)
        return true;
    if (e > s && before <= avail && can_hang(f, e)) {
        *hang = true;
        return true;
    }
    return false;
}

/* Latest unit s..n-1 a grid line starting at s may end after. */
static int fit_line_grid(const fitter *f, int s, int64_t avail, bool *hang)
{
    grid_scan g = {.s = s, .run = -1};
    int best = -1, j;
    *hang = false;
    avail = grid_avail(f, avail);
    for (j = s; j < f->n; j++) {
        int64_t before = g.vis;
        scan_add(f, &g, j);
        if (g.vis > avail) {
            int k = j > s && before <= avail && can_hang(f, j) ? hang_end(f, j) : -1;
            if (k >= 0) {
                *hang = true;
                return k;
            }
            break;
        }
        if (ends_segment(f, j))
            return j;
        if (f->u[j].brk != PB_BRK_NONE)
            best = j;
    }
    if (best >= 0)
        return best;
    return j > s ? j - 1 : s;
}

/* Of the padding of run a..b, what goes before it: half, unless the
 * space a neighbouring mark has of its own faces the run on one side only
 * -- the blank half after "：" or "，", before "（" -- and then all of it
 * goes to the other side ("电话：0451-53675221 ）", "（共 3 件"). */
static pb_fx pad_left(const fitter *f, int a, int b, int64_t pad)
{
    int l = f->u[a - 1].cls, r = f->u[b + 1].cls;
    bool sl = l == PB_CC_STOP || l == PB_CC_CLOSE, sr = r == PB_CC_OPEN;
    if (sl != sr)
        return (pb_fx)(sl ? 0 : pad);
    return (pb_fx)(pad / 2);
}

/* Where the padding of run a..b goes: marks whose ink faces the run --
 * closing and stop marks after it (their ink in the left half of the
 * cell), opening marks before it (in the right half) -- are set against
 * it, as in "100%。", "0451-53675221）" and "（1）", and the padding goes
 * outside them, where their blank halves already are, rather than
 * between ("100% 。", "（ 1 ）").  pad_after: the unit whose trail takes
 * the padding after the run (up to ce); pad_before: the unit whose lead
 * takes the padding before it (from s). */
static int pad_after(const fitter *f, int b, int ce)
{
    int m = b;
    while (m + 1 <= ce && is_cell(f, m + 1) &&
           (f->u[m + 1].cls == PB_CC_STOP || f->u[m + 1].cls == PB_CC_CLOSE))
        m++;
    return m;
}

static int pad_before(const fitter *f, int a, int s)
{
    int m = a;
    while (m - 1 >= s && is_cell(f, m - 1) && f->u[m - 1].cls == PB_CC_OPEN)
        m--;
    return m;
}

/* The next run of non-cell units of s..ce that has a cell on each side,
 * from unit *i on: its first and last unit and its width. */
static bool next_run(const fitter *f, int *i, int s, int ce, int *a, int *b, int64_t *w)
{
    while (*i <= ce) {
        if (is_cell(f, *i)) {
            (*i)++;
            continue;
        }
        *a = *i;
        *w = 0;
        while (*i <= ce && !is_cell(f, *i))
            *w += f->u[(*i)++].width;
        *b = *i - 1;
        if (*a > s && *i <= ce)
            return true;
    }
    return false;
}

static void set_line_grid(const fitter *f, int s, int t, int64_t avail, bool justify,
                          bool hang, pb_lb_adjust *adj, pb_lb_line *line)
{
    pb_fx grid = f->p->grid;
    int e = last_visible(f, s, t);
    int ce = hang && e > s ? e - 1 : e; /* the content that fills the measure */
    int64_t natural = 0;
    for (int i = s; i <= t; i++) {
        natural += f->u[i].width;
        adj[i].lead = adj[i].trail = 0;
    }
    for (int i = s + 1; i <= e; i++) {
        if (is_cell(f, i - 1) && is_cell(f, i)) {
            adj[i - 1].trail += comp_trail(f, i - 1);
            adj[i].lead += comp_lead(f, i);
        }
    }
    for (int i = e + 1; i <= t; i++)
        adj[i].trail = -f->u[i].width; /* trailing spaces hang */

    /* runs between two cells of the content, and what padding them to
     * whole cells takes */
    int64_t w = 0, slack = 0;
    for (int i = s; i <= ce; i++)
        w += f->u[i].width + adj[i].lead + adj[i].trail;
    int a, b;
    int64_t rw;
    for (int i = s; next_run(f, &i, s, ce, &a, &b, &rw);)
        slack += whole_cells(rw, grid) - rw;
    /* a run that ends the content: the gap before it alone */
    int ta = ce, lead_at = -1;
    int64_t tw = 0;
    while (ta >= s && !is_cell(f, ta))
        tw += f->u[ta--].width;
    pb_fx tlead = ta < ce ? end_run_lead(f, s, ta + 1, tw) : 0;
    if (tlead > 0) {
        lead_at = pad_before(f, ta + 1, s);
        slack += tlead;
    }
    int64_t target = justify ? grid_avail(f, avail) : avail;
    int64_t room = target - w;
    if (slack > 0 && room > 0) {
        /* all of it when it fits, else shares in proportion, the
         * rounding leftover one unit each to the first runs */
        int64_t give = room < slack ? room : slack, given = 0;
        for (int pass = 0; pass < 2 && given < give; pass++) {
            for (int i = s; next_run(f, &i, s, ce, &a, &b, &rw);) {
                int64_t sl = whole_cells(rw, grid) - rw, share = sl * give / slack;
                if (pass == 0) {
                    /* an opening mark that starts the line stays at its
                     * start (a heading's "（1）" at the indent) */
                    int before = pad_before(f, a, s);
                    pb_fx left = before == s ? 0 : pad_left(f, a, b, share);
                    if (is_collapsed(f, before))
                        adj[before].trail += left; /* the space spans its gap */
                    else
                        adj[before].lead += left;
                    adj[pad_after(f, b, ce)].trail += (pb_fx)(share - left);
                    given += share;
                } else if (share < sl && given < give) {
                    adj[pad_after(f, b, ce)].trail += 1;
                    given++;
                }
            }
            if (lead_at >= 0 && pass == 0) {
                pb_fx share = (pb_fx)(tlead * give / slack);
                if (is_collapsed(f, lead_at))
                    adj[lead_at].trail += share;
                else
                    adj[lead_at].lead += share;
                given += share;
            }
        }
        w += given;
    }
    if (justify && target > w) {
        /* between characters, not around marks, unless the line has no
         * other gap; a line that would open its gaps wider than a quarter
         * of a cell (a long address at its end) is left short instead,
         * its characters in their columns */
        int64_t need = target - w;
        bool (*pick[])(const fitter *, int, int) = {pick_gap, pick_any_gap, pick_space};
        for (size_t k = 0; k < sizeof pick / sizeof *pick; k++) {
            int ngaps = 0;
            for (int i = s; i <= ce; i++)
                ngaps += pick[k](f, i, ce);
            if (ngaps == 0)
                continue;
            if (need <= (int64_t)ngaps * (grid / 4))
                spread_even(f, s, ce, need, adj, pick[k]);
            break;
        }
    }
    int64_t total = 0;
    for (int i = s; i <= t; i++)
        total += f->u[i].width + adj[i].lead + adj[i].trail;
    line->first = s;
    line->count = t - s + 1;
    line->natural = (pb_fx)natural;
    line->width = (pb_fx)total;
    line->last = false;
    line->hang = hang && e > s;
}

static void set_line(const fitter *f, int s, int t, int64_t avail, bool justify,
                     pb_lb_adjust *adj, pb_lb_line *line)
{
    int e = last_visible(f, s, t);
    int64_t natural = 0;
    for (int i = s; i <= t; i++) {
        natural += f->u[i].width;
        adj[i].lead = comp_lead(f, i);
        adj[i].trail = comp_trail(f, i);
    }
    for (int i = e + 1; i <= t; i++) {
        adj[i].lead = 0;
        adj[i].trail = -f->u[i].width; /* trailing spaces hang */
    }
    if (e >= s && trimmed_at_end(f, e))
        adj[e].trail = -to_half(f, &f->u[e]);

    int64_t w = 0;
    for (int i = s; i <= t; i++)
        w += f->u[i].width + adj[i].lead + adj[i].trail;
    if (w > avail) {
        /* clreq 3.8 shrink order: spaces, brackets, then ，、； */
        static const int order[] = {SHRINK_SPACE, SHRINK_BRACKET, SHRINK_COMMA};
        for (size_t k = 0; k < sizeof order / sizeof order[0] && w > avail; k++) {
            int64_t cap = 0;
            int kind;
            for (int i = s; i <= e; i++) {
                pb_fx c = shrink_cap(f, i, adj[i].lead, adj[i].trail, &kind);
                if (kind == order[k])
                    cap += c;
            }
            int64_t take = w - avail < cap ? w - avail : cap;
            shrink_kind(f, s, e, order[k], take, adj);
            w -= take;
        }
    } else if (w < avail && justify && e > s) {
        stretch(f, s, e, avail - w, adj);
        w = 0;
        for (int i = s; i <= t; i++)
            w += f->u[i].width + adj[i].lead + adj[i].trail;
    }
    line->first = s;
    line->count = t - s + 1;
    line->natural = (pb_fx)natural;
    line->width = (pb_fx)w;
    line->last = false;
}

/* Latest unit s..n-1 the line starting at s may end after. */
static int fit_line(const fitter *f, int s, int64_t avail)
{
    int best = -1, e = s - 1, j;
    for (j = s; j < f->n; j++) {
        if (f->u[j].cls != PB_CC_SPACE)
            e = j;
        if (line_min(f, s, e) > avail)
            break;
        if (ends_segment(f, j))
            return j;
        if (f->u[j].brk != PB_BRK_NONE)
            best = j;
    }
    if (best >= 0)
        return best;
    /* No legal break fits: break after the last unit that does (a unit
     * wider than the line sits alone). */
    return j > s ? j - 1 : s;
}

static bool single_last(const fitter *f, int s, int t)
{
    int i = s;
    while (i <= t && f->u[i].width == 0)
        i++;
    if (i > t)
        return false;
    int c = f->u[i].cls;
    if (c != PB_CC_HAN && c != PB_CC_LATIN)
        return false;
    for (i++; i <= t; i++) {
        c = f->u[i].cls;
        if (f->u[i].width != 0 && c != PB_CC_STOP && c != PB_CC_CLOSE &&
            c != PB_CC_SPACE)
            return false;
    }
    return true;
}

void pb_linebreak(const pb_lb_unit *units, int n, const pb_lb_params *p,
                  pb_arena *arena, pb_lb_result *out)
{
    out->lines = NULL;
    out->nlines = 0;
    out->adjust = pb_arena_calloc(arena, n > 0 ? (size_t)n : 1, sizeof *out->adjust);
    if (n <= 0)
        return;

    /* the working arrays, given back however the breaking ends */
    pb_scratch work;
    pb_arena *scratch = pb_scratch_begin(&work);
    bool *collapsed;
    const pb_lb_unit *fu = fitted_units(units, n, scratch, &collapsed);
    /* one block: pmin and emin (n + 1 and n of int64_t), lead and trail
       (n of pb_fx), cell (n of bool) */
    size_t un = (size_t)n;
    char *block =
        pb_arena_alloc(scratch, (2 * un + 1) * sizeof(int64_t) + 2 * un * sizeof(pb_fx) + un);
    fitter f = {fu, n, p, (int64_t *)block, collapsed, NULL, NULL, NULL, NULL};
    f.emin = f.pmin + un + 1;
    f.lead = (pb_fx *)(f.emin + un);
    f.trail = f.lead + un;
    f.cell = (bool *)(f.trail + un);
    f.pmin[0] = 0;
    for (int i = 0; i < n; i++) {
        f.lead[i] = lead_of(&f, i);
        f.trail[i] = trail_of(&f, i);
        f.cell[i] = cell_of(&f, i);
        f.pmin[i + 1] = f.pmin[i] + interior_min(&f, i);
        f.emin[i] = end_min_of(&f, i);
    }

    /* Greedy: each line takes the most units that fit (after shrinking,
     * off the grid). */
    bool grid = p->grid > 0;
    int *ends = NULL, nl = 0, cap = 0;
    bool *hang = NULL;
    for (int s = 0; s < n; nl++) {
        if (nl == cap) {
            int grown = cap ? cap * 2 : 16;
            ends = pb_arena_grow(scratch, ends, (size_t)cap, (size_t)grown, sizeof *ends);
            hang = pb_arena_grow(scratch, hang, (size_t)cap, (size_t)grown, sizeof *hang);
            cap = grown;
        }
        hang[nl] = false;
        ends[nl] = grid ? fit_line_grid(&f, s, avail_of(p, nl), &hang[nl])
                        : fit_line(&f, s, avail_of(p, nl));
        s = ends[nl] + 1;
    }

    /* Pull a lone last character's neighbour down (clreq 3.7), per
     * segment ended by the paragraph end or a mandatory break. */
    if (p->avoid_single_last) {
        for (int l = 1; l < nl; l++) {
            int t = ends[l], ps = l >= 2 ? ends[l - 2] + 1 : 0, s = ends[l - 1] + 1;
            if (!ends_segment(&f, t) || ends_segment(&f, ends[l - 1]) ||
                !single_last(&f, s, t))
                continue;
            int o = ends[l - 1] - 1;
            while (o >= ps && units[o].brk == PB_BRK_NONE)
                o--;
            if (o < ps)
                continue;
            bool h = false;
            if (grid ? grid_fits(&f, o + 1, t, grid_avail(&f, avail_of(p, l)), &h)
                     : line_min(&f, o + 1, last_visible(&f, o + 1, t)) <= avail_of(p, l)) {
                ends[l - 1] = o;
                hang[l - 1] = false; /* it ends before its old end, which fitted */
                hang[l] = h;
            }
        }
    }

    out->lines = pb_arena_calloc(arena, (size_t)nl, sizeof *out->lines);
    out->nlines = nl;
    for (int l = 0, s = 0; l < nl; s = ends[l] + 1, l++) {
        int t = ends[l];
        bool justify = p->align == PB_ALIGN_JUSTIFY && !ends_segment(&f, t);
        if (grid)
            set_line_grid(&f, s, t, avail_of(p, l), justify, hang[l], out->adjust,
                          &out->lines[l]);
        else
            set_line(&f, s, t, avail_of(p, l), justify, out->adjust, &out->lines[l]);
    }
    out->lines[nl - 1].last = true;
    /* a collapsed space is drawn with the width its gap got */
    for (int i = 0; collapsed && i < n; i++)
        if (collapsed[i])
            out->adjust[i].trail -= units[i].width;
    pb_scratch_end(&work);
}

void pb_linebreak_extent(const pb_lb_unit *units, int n, pb_fx *min_width,
                         pb_fx *max_width)
{
    int64_t mn = 0, mx = 0, run = 0, seg = 0, spaces = 0;
    bool *collapsed = NULL;
    if (n > 0) {
        collapsed = pb_xmalloc((size_t)n * sizeof *collapsed);
        collapsed_spaces(units, n, collapsed);
    }
    for (int i = 0; i < n; i++) {
        pb_fx w = collapsed[i] ? 0 : units[i].width;
        seg += w;
        if (units[i].cls == PB_CC_SPACE) {
            spaces += w; /* hangs at line end */
        } else {
            run += spaces + w;
            spaces = 0;
        }
        bool end = i == n - 1 || units[i].brk == PB_BRK_MANDATORY;
        if (end || units[i].brk != PB_BRK_NONE) {
            if (run > mn)
                mn = run;
            run = spaces = 0;
        }
        if (end) {
            if (seg > mx)
                mx = seg;
            seg = 0;
        }
    }
    free(collapsed);
    *min_width = (pb_fx)(mn > INT32_MAX ? INT32_MAX : mn);
    *max_width = (pb_fx)(mx > INT32_MAX ? INT32_MAX : mx);
}
