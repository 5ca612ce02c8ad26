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
    if (U_FAILURE(err))
        return NULL;
    if (c) {
        c->breaker = bi;
        c->free_breaker = close_iterator;
    } else {
        *own = true;
    }
    return bi;
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

    UChar *u16 = pb_xmalloc(len * sizeof *u16);
    int32_t n16 = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = pb_utf8_next(utf8, len, &i);
        U16_APPEND_UNSAFE(u16, n16, cp);
    }

    UErrorCode err = U_ZERO_ERROR;
    bool own;
    UBreakIterator *bi = call_iterator(&own);
    if (bi)
        ubrk_setText(bi, u16, n16, &err);
    if (!bi || U_FAILURE(err)) {
        if (bi && own)
            ubrk_close(bi);
        free(u16);
        return false;
    }

    /* Boundaries come in increasing order, so walk the UTF-8 text in step
     * with them instead of keeping a UTF-16 -> byte table. */
    int32_t q = 0;   /* UTF-16 index of the code point at byte b */
    size_t b = 0;
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
        while (q < p && b < len) {
            uint32_t cp = pb_utf8_next(utf8, len, &b);
            q += U16_LENGTH(cp);
        }
        if (q != p || b >= len)
            continue; /* the end of the text (already mandatory) */
        int32_t st = ubrk_getRuleStatus(bi);
        brk[b] = (st >= UBRK_LINE_HARD && st < UBRK_LINE_HARD_LIMIT)
                     ? PB_BRK_MANDATORY : PB_BRK_ALLOW;
    }
    ubrk_setText(bi, NULL, 0, &err); /* drop the pointer to u16 */
    if (own)
        ubrk_close(bi);
    free(u16);
    return true;
}

static bool is_combining(uint32_t cp)
{
    if (cp < 0x300)
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

/* Web addresses: ICU allows breaks only after "/" inside them, which leaves
 * a long address with a line of wide gaps.  Allow the breaks typographers
 * use (Chicago Manual of Style 7.42): after "//" and before ".", a single
 * "/", "?", "#", "%", "~", "_", "-", "=" and "&".  Never in the first or
 * last three characters of the address. */
static void url_breaks(const char *s, size_t len, uint8_t *brk)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i + 3 < len) {
        size_t start;
        if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
            start = i;
            while (start > 0 && is_alpha(u[start - 1]))
                start--;
            if (start == i) {
                i++;
                continue;
            }
        } else if ((i == 0 || !is_url_char(u[i - 1])) && len - i > 4 &&
                   !memcmp(s + i, "www.", 4)) {
            start = i;
        } else {
            i++;
            continue;
        }
        size_t end = i;
        while (end < len && is_url_char(u[end]))
            end++;
        /* a sentence's full stop or comma after the address is not part of it */
        while (end > start && strchr(".,;:!?)", u[end - 1]))
            end--;
        for (size_t b = start + 3; b + 3 <= end; b++) {
            unsigned char c = u[b], p = u[b - 1];
            bool before = strchr(".?#%~_-=&", c) != NULL ||
                          (c == '/' && p != '/' && u[b + 1] != '/');
            bool after_slashes = p == '/' && u[b - 2] == '/' && c != '/';
            if ((before && !strchr(".?#%~_-=&/:", p)) || after_slashes)
                brk[b] = PB_BRK_ALLOW;
        }
        i = end > i ? end : i + 1;
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
        if (!have_prev || !is_combining(cp)) {
            prev = cp;
            have_prev = true;
        }
    }
    url_breaks(utf8, len, brk);
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

static pb_fx to_half(const pb_lb_unit *u)
{
    return u->width - u->em / 2;
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
} fitter;

/* clreq 3.1.5: two adjacent marks take 1.5 em; the closing/stop mark
 * loses its blank half, or the second of two opening marks does. */
static pb_fx comp_trail(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    if (!f->p->compress_punct || i + 1 >= f->n)
        return 0;
    if ((u->cls == PB_CC_STOP || u->cls == PB_CC_CLOSE) && full_width(u) &&
        is_mark(f->u[i + 1].cls) && full_width(&f->u[i + 1]))
        return -to_half(u);
    return 0;
}

static pb_fx comp_lead(const fitter *f, int i)
{
    const pb_lb_unit *u = &f->u[i];
    if (!f->p->compress_punct || i == 0)
        return 0;
    if (u->cls == PB_CC_OPEN && full_width(u) && f->u[i - 1].cls == PB_CC_OPEN &&
        full_width(&f->u[i - 1]))
        return -to_half(u);
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
    pb_fx lead = comp_lead(f, i), trail = comp_trail(f, i);
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

static int64_t end_min(const fitter *f, int i)
{
    if (trimmed_at_end(f, i))
        return (int64_t)f->u[i].width - to_half(&f->u[i]) + comp_lead(f, i);
    return interior_min(f, i);
}

/* Narrowest width of units s..e set as one line, where e is the last unit
 * that is not a trailing space (trailing spaces take no width). */
static int64_t line_min(const fitter *f, int s, int e)
{
    if (e < s)
        return 0;
    return f->pmin[e + 1] - f->pmin[s] - interior_min(f, e) + end_min(f, e);
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

/* clreq 3.8: no space is added inside ——/……; Latin words and numbers are
 * letter-spaced only when the other gaps would open wider than 1/2 em. */
static int gap_rank(const fitter *f, int i)
{
    const pb_lb_unit *a = &f->u[i], *b = &f->u[i + 1];
    if (a->cls == PB_CC_DASH && b->cls == PB_CC_DASH && a->cp == b->cp)
        return 0;
    if (a->cls == PB_CC_LATIN && b->cls == PB_CC_LATIN)
        return 1;
    return 2;
}

static void stretch(const fitter *f, int s, int e, int64_t need, pb_lb_adjust *adj)
{
    /* Western spaces first, up to 1/2 em more each. */
    int64_t cap = 0;
    for (int i = s; i <= e; i++)
        if (f->u[i].cls == PB_CC_SPACE)
            cap += f->u[i].em / 2;
    if (cap > 0) {
        int64_t take = need < cap ? need : cap, given = 0;
        for (int i = s; i <= e; i++)
            if (f->u[i].cls == PB_CC_SPACE)
                given += take * (f->u[i].em / 2) / cap;
        int64_t rest = take - given;
        for (int i = s; i <= e; i++) {
            if (f->u[i].cls != PB_CC_SPACE)
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
    /* Then every gap between units equally, the remainder to the first. */
    int n2 = 0, n1 = 0;
    for (int i = s; i < e; i++) {
        int r = gap_rank(f, i);
        n2 += r == 2;
        n1 += r >= 1;
    }
    bool wide = need > (int64_t)n2 * (f->u[s].em / 2);
    int min_rank = n2 > 0 && !wide ? 2 : 1, ngaps = min_rank == 2 ? n2 : n1;
    if (ngaps == 0)
        return;
    int64_t each = need / ngaps, extra = need % ngaps;
    for (int i = s; i < e; i++) {
        if (gap_rank(f, i) < min_rank)
            continue;
        adj[i].trail += (pb_fx)(each + (extra > 0));
        if (extra > 0)
            extra--;
    }
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
        adj[e].trail = -to_half(&f->u[e]);

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

    fitter f = {units, n, p, pb_xmalloc(((size_t)n + 1) * sizeof(int64_t))};
    f.pmin[0] = 0;
    for (int i = 0; i < n; i++)
        f.pmin[i + 1] = f.pmin[i] + interior_min(&f, i);

    /* Greedy: each line takes the most units that fit after shrinking. */
    int *ends = NULL, nl = 0, cap = 0;
    for (int s = 0; s < n; nl++) {
        if (nl == cap) {
            cap = cap ? cap * 2 : 16;
            ends = pb_xrealloc(ends, (size_t)cap * sizeof *ends);
        }
        ends[nl] = fit_line(&f, s, avail_of(p, nl));
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
            if (line_min(&f, o + 1, last_visible(&f, o + 1, t)) <= avail_of(p, l))
                ends[l - 1] = o;
        }
    }

    out->lines = pb_arena_calloc(arena, (size_t)nl, sizeof *out->lines);
    out->nlines = nl;
    for (int l = 0, s = 0; l < nl; s = ends[l] + 1, l++) {
        int t = ends[l];
        bool justify = p->align == PB_ALIGN_JUSTIFY && !ends_segment(&f, t);
        set_line(&f, s, t, avail_of(p, l), justify, out->adjust, &out->lines[l]);
    }
    out->lines[nl - 1].last = true;
    free(ends);
    free(f.pmin);
}

void pb_linebreak_extent(const pb_lb_unit *units, int n, pb_fx *min_width,
                         pb_fx *max_width)
{
    int64_t mn = 0, mx = 0, run = 0, seg = 0, spaces = 0;
    for (int i = 0; i < n; i++) {
        pb_fx w = units[i].width;
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
    *min_width = (pb_fx)(mn > INT32_MAX ? INT32_MAX : mn);
    *max_width = (pb_fx)(mx > INT32_MAX ? INT32_MAX : mx);
}
