/* paiban's own CFF subsetter: see cff_subset.h.
 *
 * References: Adobe TN 5176 (The Compact Font Format Specification) for
 * the tables, Adobe TN 5177 (The Type 2 Charstring Format) for the
 * charstrings.  The input is untrusted: every offset, count and length is
 * checked before it is followed. */
#include "fonts/cff_subset.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/call.h"
#include "fonts/cff_read.h"

/* ---- reading ------------------------------------------------------------ */

typedef pb_cff_bytes span;

typedef struct failure {
    char *why;
    size_t whylen;
} failure;

static bool fail(failure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(failure *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (f->whylen)
        vsnprintf(f->why, f->whylen, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- writing -------------------------------------------------------------- */

typedef struct buf {
    unsigned char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const void *s, size_t n)
{
    if (n == 0) /* s may be NULL (an empty buffer) */
        return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n)
            cap *= 2;
        b->p = pb_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void put8(buf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(b, &c, 1);
}

static void put16(buf *b, uint32_t v)
{
    unsigned char c[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    put(b, c, 2);
}

static void put_offset(buf *b, uint32_t v, unsigned size)
{
    for (unsigned i = size; i-- > 0;)
        put8(b, v >> (8 * i));
}

/* A DICT integer in its shortest form. */
static void put_dict_int(buf *b, long v)
{
    if (v >= -107 && v <= 107) {
        put8(b, (unsigned)(v + 139));
    } else if (v >= 108 && v <= 1131) {
        v -= 108;
        put8(b, (unsigned)(v / 256 + 247));
        put8(b, (unsigned)(v % 256));
    } else if (v >= -1131 && v <= -108) {
        v = -v - 108;
        put8(b, (unsigned)(v / 256 + 251));
        put8(b, (unsigned)(v % 256));
    } else if (v >= -32768 && v <= 32767) {
        put8(b, 28);
        put16(b, (uint32_t)v & 0xFFFF);
    } else {
        put8(b, 29);
        put_offset(b, (uint32_t)v, 4);
    }
}

/* A DICT offset, always five bytes, so the layout is known before the
 * offsets are. */
static void put_dict_offset(buf *b, uint32_t v)
{
    put8(b, 29);
    put_offset(b, v, 4);
}

static void put_dict_op(buf *b, uint32_t op)
{
    if (op >= 1200) {
        put8(b, 12);
        put8(b, op - 1200);
    } else {
        put8(b, op);
    }
}

/* The smallest offset size for offsets up to v. */
static unsigned offset_size(size_t v)
{
    return v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
}

/* An INDEX of n items whose data is `data` and whose item i ends at
 * ends[i] (relative to data). */
static void put_index(buf *b, const unsigned char *data, const size_t *ends, uint32_t n)
{
    put16(b, n);
    if (n == 0)
        return;
    size_t total = ends[n - 1];
    unsigned os = offset_size(total + 1);
    put8(b, os);
    put_offset(b, 1, os);
    for (uint32_t i = 0; i < n; i++)
        put_offset(b, (uint32_t)ends[i] + 1, os);
    put(b, data, total);
}

static size_t index_size(uint32_t n, size_t total)
{
    return n == 0 ? 2 : 3 + ((size_t)n + 1) * offset_size(total + 1) + total;
}

/* ---- charstrings (TN 5177) ------------------------------------------------ */

/* Subroutines nest at most 10 deep (TN 5177, Appendix B), and the
 * operand stack holds 48 numbers. */
enum { MAX_DEPTH = 10, MAX_STACK = 48 };

/* Bytes read for one glyph, subroutines counted each time they are run:
 * a hostile font could make calls nest into an exponential expansion. */
#define GLYPH_BUDGET (1u << 20)

/* An operand: where its bytes are in the charstring or subroutine (its
 * length is told by its first byte, pb_cff_number_length). */
typedef struct operand {
    const unsigned char *p;
} operand;

/* An operand's value, 16.16 (read only for subroutine numbers). */
static int32_t operand_value(const operand *o)
{
    const unsigned char *p = o->p;
    if (p[0] == 28)
        return (int32_t)(int16_t)pb_cff_get16(p + 1) * 65536;
    if (p[0] <= 246)
        return ((int32_t)p[0] - 139) * 65536;
    if (p[0] <= 250)
        return (((int32_t)p[0] - 247) * 256 + p[1] + 108) * 65536;
    if (p[0] <= 254)
        return (-((int32_t)p[0] - 251) * 256 - p[1] - 108) * 65536;
    return (int32_t)pb_cff_get_off(p + 1, 4);
}

/* The subroutines of one Font DICT: its local ones and the global ones. */
typedef struct subrs {
    span c;               /* the CFF table */
    pb_cff_index global, local;
    int32_t gbias, lbias;
} subrs;

typedef struct cs_state {
    const subrs *s;
    operand st[MAX_STACK];
    int sp;
    bool contiguous;      /* the operands are one run of bytes */
    bool cleared;         /* a stack-clearing operator was seen: no width after it */
    bool moved;           /* a moveto was seen */
    bool have_width;      /* a dropped hint operator carried the width */
    operand width;
    unsigned stems;       /* declared so far, for the length of hint masks */
    size_t budget;
    buf *out;
    failure *f;
    uint32_t gid;
} cs_state;

/* TN 5177 section 4.7: the bias added to a subroutine number. */
static int32_t subr_bias(uint32_t count)
{
    return count < 1240 ? 107 : count < 33900 ? 1131 : 32768;
}

static void emit_operand(cs_state *st, const operand *o)
{
    put(st->out, o->p, pb_cff_number_length[o->p[0]]);
}

/* A kept operator: the width a dropped hint operator carried, the
 * operands as they were written, the operator; in one copy when the
 * operands come right before it (no subroutine call or dropped hint
 * between them), as they nearly always do. */
static void emit_op(cs_state *st, const unsigned char *op, unsigned oplen)
{
    if (st->have_width) {
        emit_operand(st, &st->width);
        st->have_width = false;
    }
    if (st->sp == 0) {
        put(st->out, op, oplen);
    } else if (st->contiguous &&
               st->st[st->sp - 1].p + pb_cff_number_length[st->st[st->sp - 1].p[0]] == op) {
        put(st->out, st->st[0].p, (size_t)(op + oplen - st->st[0].p));
    } else {
        for (int i = 0; i < st->sp; i++)
            emit_operand(st, &st->st[i]);
        put(st->out, op, oplen);
    }
    st->sp = 0;
}

/* The width before the operands of the first stack-clearing operator:
 * taken off the stack when there is one more operand than the operator
 * takes (`extra` odd: one left over). */
static bool take_width(cs_state *st, bool extra)
{
    bool first = !st->cleared;
    st->cleared = true;
    return first && extra;
}

/* The stem hints on the stack (pairs of numbers, after a width on the
 * first stack-clearing operator) counted, for the length of hint masks,
 * and dropped, the width kept for the next operator that stays. */
static bool drop_stems(cs_state *st)
{
    int n = st->sp;
    if (take_width(st, n % 2)) {
        st->width = st->st[0];
        st->have_width = true;
        n--;
    }
    if (n % 2)
        return fail(st->f, "glyph %u: a stem hint has an odd number of operands", st->gid);
    st->stems += (unsigned)n / 2;
    st->sp = 0;
    return true;
}

enum { RUN_RETURN, RUN_ENDCHAR, RUN_FAIL };

static int run(cs_state *st, span cs, int depth)
{
    if (cs.len > st->budget)
        return fail(st->f, "glyph %u is too large with its subroutines inlined", st->gid),
               RUN_FAIL;
    st->budget -= cs.len;
    for (size_t i = 0; i < cs.len;) {
        unsigned b = cs.p[i];
        unsigned len = pb_cff_number_length[b];
        if (len) { /* a run of numbers, read in one go */
            int sp = st->sp;
            const unsigned char *last = sp ? st->st[sp - 1].p : NULL;
            st->contiguous =
                !last || (st->contiguous && last + pb_cff_number_length[*last] == cs.p + i);
            do {
                if (len > cs.len - i)
                    return fail(st->f, "glyph %u: a number is cut off", st->gid), RUN_FAIL;
                if (sp == MAX_STACK)
                    return fail(st->f, "glyph %u overflows the operand stack", st->gid),
                           RUN_FAIL;
                st->st[sp++].p = cs.p + i;
                i += len;
            } while (i < cs.len && (len = pb_cff_number_length[cs.p[i]]) != 0);
            st->sp = sp;
            continue;
        }
        const unsigned char *opp = cs.p + i;
        unsigned op = b, oplen = 1;
        if (b == 12) {
            if (!pb_cff_fits(cs, i, 2))
                return fail(st->f, "glyph %u: an operator is cut off", st->gid), RUN_FAIL;
            op = 1200 + cs.p[i + 1];
            oplen = 2;
        }
        i += oplen;
        int n = st->sp;
        switch (op) {
        case 1: case 3: case 18: case 23: /* hstem vstem hstemhm vstemhm: dropped */
            if (!drop_stems(st))
                return RUN_FAIL;
            break;
        case 19: case 20: { /* hintmask cntrmask: implied vstems, then the mask; dropped */
            if (!drop_stems(st))
                return RUN_FAIL;
            size_t mask = (st->stems + 7) / 8;
            if (!pb_cff_fits(cs, i, mask))
                return fail(st->f, "glyph %u: a hint mask is cut off", st->gid), RUN_FAIL;
            i += mask;
            break;
        }
        case 1200: /* dotsection: deprecated, no effect (TN 5177 Appendix B) */
            st->sp = 0;
            break;
        case 21: case 22: case 4: /* rmoveto hmoveto vmoveto */
            take_width(st, n == (op == 21 ? 3 : 2));
            if (st->have_width && st->sp != (op == 21 ? 2 : 1))
                return fail(st->f, "glyph %u has a width both before a hint and before its "
                            "first moveto", st->gid), RUN_FAIL;
            st->moved = true;
            emit_op(st, opp, oplen);
            break;
        case 14: { /* endchar */
            bool w = take_width(st, n == 1 || n == 5);
            if (n - w == 4)
                return fail(st->f, "glyph %u is an accented character made of two (seac)",
                            st->gid), RUN_FAIL;
            if (n - w != 0)
                return fail(st->f, "glyph %u: endchar has %d operands", st->gid, n), RUN_FAIL;
            emit_op(st, opp, oplen);
            return RUN_ENDCHAR;
        }
        case 5: case 6: case 7: case 8: case 24: case 25: case 26: case 27: case 30: case 31:
        case 1234: case 1235: case 1236: case 1237: /* lines, curves and flexes */
            if (!st->moved)
                return fail(st->f, "glyph %u draws before its first moveto", st->gid),
                       RUN_FAIL;
            st->cleared = true;
            emit_op(st, opp, oplen);
            break;
        case 10: case 29: { /* callsubr callgsubr */
            if (st->sp < 1)
                return fail(st->f, "glyph %u calls a subroutine without its number",
                            st->gid), RUN_FAIL;
            int32_t num = operand_value(&st->st[--st->sp]);
            const pb_cff_index *ix = op == 10 ? &st->s->local : &st->s->global;
            int64_t k = (int64_t)(num / 65536) + (op == 10 ? st->s->lbias : st->s->gbias);
            span sub;
            if ((num & 0xFFFF) || k < 0 || k >= ix->count ||
                !pb_cff_index_item(st->s->c, ix, (uint32_t)k, &sub))
                return fail(st->f, "glyph %u calls a %s subroutine that does not exist",
                            st->gid, op == 10 ? "local" : "global"), RUN_FAIL;
            if (depth >= MAX_DEPTH)
                return fail(st->f, "glyph %u nests subroutines more than %d deep", st->gid,
                            MAX_DEPTH), RUN_FAIL;
            int r = run(st, sub, depth + 1);
            if (r != RUN_RETURN)
                return r;
            break;
        }
        case 11: /* return */
            if (depth == 0)
                return fail(st->f, "glyph %u returns from no subroutine", st->gid), RUN_FAIL;
            return RUN_RETURN;
        default:
            if (op >= 1203 && op <= 1230)
                return fail(st->f, "glyph %u uses an arithmetic or storage operator (12 %u)",
                            st->gid, op - 1200), RUN_FAIL;
            return fail(st->f, "glyph %u uses a reserved operator (%s%u)", st->gid,
                        op >= 1200 ? "12 " : "", op >= 1200 ? op - 1200 : op), RUN_FAIL;
        }
    }
    if (depth == 0)
        return fail(st->f, "glyph %u does not end with endchar", st->gid), RUN_FAIL;
    return RUN_RETURN; /* the end of a subroutine without return */
}

/* A charstring that calls no subroutine, copied as run() copies it (its
 * hints, their masks and dotsection left out, the width a hint carried
 * put before the next operator's operands) in runs of bytes between its
 * hints: true with it appended to out; false, out as it was, when it has
 * a subroutine call or anything run() refuses or does otherwise, which
 * run() then reads.  Each operator that stays keeps its operands as they
 * are written, so the bytes between two hints are the output's. */
static bool copy_plain(buf *out, span cs)
{
    const unsigned char *p = cs.p;
    size_t was = out->len, i = 0;
    size_t run = 0;       /* where the operands of the next operator start */
    size_t kept = 0;      /* cs[kept, run) goes to out, not yet copied */
    size_t width = 0, width_len = 0; /* the width a hint carried */
    unsigned stems = 0;
    bool cleared = false, moved = false;
    if (cs.len > GLYPH_BUDGET)
        return false;
    while (i < cs.len) {
        unsigned n = 0, len;
        while (i < cs.len && (len = pb_cff_number_length[p[i]]) != 0) {
            i += len;
            n++;
        }
        if (i >= cs.len || n > MAX_STACK)
            break; /* a number cut off, no endchar, the stack overflowed */
        unsigned b = p[i];
        size_t end = i + (b == 12 ? 2 : 1);
        if (end > cs.len)
            break;
        unsigned op = b == 12 ? 1200u + p[i + 1] : b;
        bool first = !cleared, keep = true;
        switch (op) {
        case 1: case 3: case 18: case 23: case 19: case 20: /* hints: dropped */
            if (first && n % 2) {
                width = run;
                width_len = pb_cff_number_length[p[run]];
                n--;
            }
            if (n % 2)
                goto refuse;
            stems += n / 2;
            if (op == 19 || op == 20) {
                size_t mask = (stems + 7) / 8;
                if (mask > cs.len - end)
                    goto refuse;
                end += mask;
            }
            keep = false;
            break;
        case 21: case 22: case 4: /* rmoveto hmoveto vmoveto */
            if (width_len && n != (op == 21 ? 2u : 1u))
                goto refuse;
            moved = true;
            break;
        case 14: /* endchar */
            if (n != 0 && !(first && n == 1))
                goto refuse;
            break;
        case 5: case 6: case 7: case 8: case 24: case 25: case 26: case 27: case 30: case 31:
        case 1234: case 1235: case 1236: case 1237: /* lines, curves and flexes */
            if (!moved)
                goto refuse;
            break;
        default: /* subroutines, dotsection, arithmetic, reserved: run() */
            goto refuse;
        }
        cleared = true;
        if (!keep || width_len) {
            put(out, p + kept, run - kept);
            kept = keep ? run : end;
        }
        if (keep && width_len) {
            put(out, p + width, width_len);
            width_len = 0;
        }
        if (op == 14) {
            put(out, p + kept, end - kept);
            return true;
        }
        i = run = end;
    }
refuse:
    out->len = was;
    return false;
}

/* ---- the font --------------------------------------------------------------- */

/* A Font DICT of the input: its copied entries, its Private DICT and
 * subroutines. */
typedef struct font_dict {
    span fd;              /* the Font DICT (empty for a name-keyed font) */
    span priv;            /* its Private DICT */
    subrs s;
    int new_index;        /* -1: not used */
    size_t new_priv_off;  /* where its Private DICT goes */
    size_t new_priv_len;
} font_dict;

typedef struct input {
    span c;
    span name;            /* the font's name (Name INDEX item 0) */
    span top;
    pb_cff_index gsubrs, glyphs;
    bool cid;
    long fdselect;
    uint32_t nfds;
    font_dict *fds;       /* owned */
} input;

/* The Private DICT at (size, off) and its local subroutines. */
static bool read_private(failure *f, input *in, long size, long off, font_dict *fd,
                         const char *owner)
{
    if (size < 0 || off < 0 || !pb_cff_fits(in->c, (size_t)off, (size_t)size))
        return fail(f, "the Private DICT of the %s is past the end of the table", owner);
    fd->priv = (span){in->c.p + off, (size_t)size};
    fd->s.c = in->c;
    fd->s.global = in->gsubrs;
    fd->s.gbias = subr_bias(in->gsubrs.count);
    fd->s.local = (pb_cff_index){0, 0, 0, 0, 0};
    size_t pos = 0;
    pb_cff_dict_op o;
    int r;
    while ((r = pb_cff_dict_next(fd->priv, &pos, &o)) == 1) {
        if (o.op != PB_CFF_OP_SUBRS)
            continue;
        if (o.n != 1 || o.v[0] <= 0 || (uint64_t)off + (uint64_t)o.v[0] >= in->c.len ||
            !pb_cff_index_read(in->c, (size_t)off + (size_t)o.v[0], &fd->s.local))
            return fail(f, "the local subroutines of the %s are damaged", owner);
    }
    if (r < 0)
        return fail(f, "the Private DICT of the %s is damaged", owner);
    fd->s.lbias = subr_bias(fd->s.local.count);
    return true;
}

static bool read_input(failure *f, span c, input *in)
{
    memset(in, 0, sizeof *in);
    in->c = c;
    in->fdselect = -1;
    if (c.len >= 4 && c.p[0] == 2)
        return fail(f, "it has CFF2 outlines");
    if (c.len < 4 || c.p[0] != 1 || c.p[2] < 4 || c.p[2] > c.len)
        return fail(f, "its CFF header is damaged");
    pb_cff_index names, tops, strings;
    if (!pb_cff_index_read(c, c.p[2], &names) || !pb_cff_index_read(c, names.end, &tops) ||
        !pb_cff_index_read(c, tops.end, &strings) ||
        !pb_cff_index_read(c, strings.end, &in->gsubrs))
        return fail(f, "an INDEX of its CFF table is damaged");
    if (names.count < 1 || tops.count < 1 || !pb_cff_index_item(c, &names, 0, &in->name) ||
        !pb_cff_index_item(c, &tops, 0, &in->top))
        return fail(f, "its CFF table has no font in it");
    long charstrings = -1, priv_size = -1, priv_off = -1, fdarray = -1;
    size_t pos = 0;
    pb_cff_dict_op o;
    int r;
    while ((r = pb_cff_dict_next(in->top, &pos, &o)) == 1) {
        switch (o.op) {
        case PB_CFF_OP_ROS: in->cid = true; break;
        case PB_CFF_OP_CHARSTRINGS: charstrings = o.n == 1 ? o.v[0] : -1; break;
        case PB_CFF_OP_PRIVATE:
            if (o.n == 2) {
                priv_size = o.v[0];
                priv_off = o.v[1];
            }
            break;
        case PB_CFF_OP_FDARRAY: fdarray = o.n == 1 ? o.v[0] : -1; break;
        case PB_CFF_OP_FDSELECT: in->fdselect = o.n == 1 ? o.v[0] : -1; break;
        case PB_CFF_OP_CHARSTRING_TYPE:
            if (o.n != 1 || o.v[0] != 2)
                return fail(f, "its charstrings are not of Type 2");
            break;
        default: break;
        }
    }
    if (r < 0)
        return fail(f, "its Top DICT is damaged");
    if (charstrings <= 0 || (uint64_t)charstrings >= c.len ||
        !pb_cff_index_read(c, (size_t)charstrings, &in->glyphs) || in->glyphs.count == 0)
        return fail(f, "its CharStrings INDEX is damaged");
    if (!in->cid) {
        in->nfds = 1;
        in->fds = pb_xcalloc(1, sizeof *in->fds);
        return read_private(f, in, priv_size, priv_off, &in->fds[0], "font");
    }
    pb_cff_index fda;
    if (fdarray <= 0 || (uint64_t)fdarray >= c.len ||
        !pb_cff_index_read(c, (size_t)fdarray, &fda) ||
        fda.count == 0 || fda.count > 256)
        return fail(f, "its FDArray is damaged");
    if (in->fdselect <= 0 || (uint64_t)in->fdselect >= c.len)
        return fail(f, "its FDSelect is damaged");
    in->nfds = fda.count;
    in->fds = pb_xcalloc(fda.count, sizeof *in->fds);
    for (uint32_t i = 0; i < fda.count; i++) {
        font_dict *fd = &in->fds[i];
        char owner[32];
        snprintf(owner, sizeof owner, "Font DICT %u", i);
        if (!pb_cff_index_item(c, &fda, i, &fd->fd))
            return fail(f, "its FDArray is damaged");
        long ps = -1, po = -1;
        pos = 0;
        while ((r = pb_cff_dict_next(fd->fd, &pos, &o)) == 1)
            if (o.op == PB_CFF_OP_PRIVATE && o.n == 2) {
                ps = o.v[0];
                po = o.v[1];
            }
        if (r < 0)
            return fail(f, "%s is damaged", owner);
        if (!read_private(f, in, ps, po, fd, owner))
            return false;
    }
    return true;
}

/* The Font DICT of glyph gid (FDSelect formats 0 and 3), -1 if none. */
static int fd_of(const input *in, uint32_t gid)
{
    if (!in->cid)
        return 0;
    span c = in->c;
    size_t at = (size_t)in->fdselect;
    unsigned format = c.p[at];
    uint32_t fd;
    if (format == 0) {
        if (!pb_cff_fits(c, at + 1 + gid, 1))
            return -1;
        fd = c.p[at + 1 + gid];
    } else if (format == 3) {
        if (!pb_cff_fits(c, at + 1, 2))
            return -1;
        uint32_t nranges = pb_cff_get16(c.p + at + 1);
        if (nranges == 0 || !pb_cff_fits(c, at + 3, 3 * (size_t)nranges + 2))
            return -1;
        /* binary search for the last range whose first glyph is <= gid */
        uint32_t lo = 0, hi = nranges;
        while (hi - lo > 1) {
            uint32_t mid = (lo + hi) / 2;
            if (pb_cff_get16(c.p + at + 3 + 3 * (size_t)mid) <= gid)
                lo = mid;
            else
                hi = mid;
        }
        size_t r = at + 3 + 3 * (size_t)lo;
        uint32_t first = pb_cff_get16(c.p + r), next = pb_cff_get16(c.p + r + 3);
        if (first > gid || gid >= next)
            return -1;
        fd = c.p[r + 2];
    } else {
        return -1;
    }
    return fd < in->nfds ? (int)fd : -1;
}

/* How many operands an entry of a Top DICT, Font DICT or Private DICT
 * takes (TN 5176 Tables 9, 10 and 23): -1 for the delta arrays, which
 * take any number.  A reader refuses a font whose entry has another
 * count (FreeType does), so such a font is refused here. */
static int operands_of(uint32_t op)
{
    switch (op) {
    case 5: return 4;              /* FontBBox */
    case 1207: return 6;           /* FontMatrix */
    case 6: case 7: case 8: case 9: case 1212: case 1213:
        return -1;                 /* BlueValues ... StemSnapV */
    default: return 1;
    }
}

/* The entries of a Top DICT or Font DICT that are copied: numbers that
 * describe the font and need no strings or offsets (TN 5176 Table 9). */
static bool copied_font_entry(uint32_t op)
{
    switch (op) {
    case 5:    /* FontBBox */
    case 1201: /* isFixedPitch */
    case 1202: /* ItalicAngle */
    case 1203: /* UnderlinePosition */
    case 1204: /* UnderlineThickness */
    case 1205: /* PaintType */
    case 1207: /* FontMatrix */
    case 1208: /* StrokeWidth */
    case 1231: /* CIDFontVersion */
    case 1232: /* CIDFontRevision */
    case 1233: /* CIDFontType */
        return true;
    default:
        return false;
    }
}

/* A Private DICT keeps all but its Subrs: the charstrings call none. */
static bool copied_private_entry(uint32_t op)
{
    return op != PB_CFF_OP_SUBRS;
}

/* The entries of d that pass `keep`, operands and operator as written;
 * false when one of them has the wrong number of operands. */
static bool copy_entries(buf *b, span d, bool (*keep)(uint32_t op))
{
    size_t pos = 0;
    pb_cff_dict_op o;
    while (pb_cff_dict_next(d, &pos, &o) == 1) {
        if (!keep(o.op))
            continue;
        int want = operands_of(o.op);
        if (want >= 0 && o.n != want)
            return false;
        put(b, d.p + o.start, pos - o.start);
    }
    return true;
}

/* The standard strings are SIDs 0-390 (TN 5176 Appendix A); the String
 * INDEX of the subset holds the two of ROS. */
enum { SID_ADOBE = 391, SID_IDENTITY = 392 };

/* The parts of the subset before they are laid out. */
typedef struct parts {
    int n;                /* glyphs */
    buf cs;               /* the charstrings, one after the other */
    size_t *cs_end;       /* where each ends in cs */
    unsigned char *fdsel; /* each glyph's new Font DICT */
    uint32_t nused;       /* Font DICTs used */
    buf fds;              /* the new Font DICTs */
    size_t *fd_end;
    size_t *fd_private_at;/* where each one's Private operands are, in fds */
    buf privs;            /* their Private DICTs */
    buf top, sel;         /* the Top DICT, the FDSelect */
    size_t top_offsets[4];/* where the Top DICT's four offsets are */
} parts;

static void parts_free(parts *p)
{
    free(p->cs.p);
    free(p->cs_end);
    free(p->fdsel);
    free(p->fds.p);
    free(p->fd_end);
    free(p->fd_private_at);
    free(p->privs.p);
    free(p->top.p);
    free(p->sel.p);
}

/* The charstrings of the glyphs, without hints and subroutine calls, and
 * the Font DICT of each (the used ones get new_index >= 0). */
static bool make_charstrings(failure *f, input *in, const uint32_t *gids, parts *p)
{
    p->cs_end = pb_xmalloc((size_t)p->n * sizeof *p->cs_end);
    p->fdsel = pb_xmalloc((size_t)p->n);
    for (uint32_t k = 0; k < in->nfds; k++)
        in->fds[k].new_index = -1;
    /* room for the charstrings as they are (hints make up for the
       subroutines inlined in fonts that have them) */
    size_t room = 0;
    for (int i = 0; i < p->n; i++) {
        span cstr;
        if (gids[i] < in->glyphs.count && pb_cff_index_item(in->c, &in->glyphs, gids[i], &cstr))
            room += cstr.len;
    }
    p->cs.p = pb_xmalloc(room + 64);
    p->cs.cap = room + 64;
    cs_state st;
    for (int i = 0; i < p->n; i++) {
        uint32_t g = gids[i];
        span cstr;
        int fd;
        if (g >= in->glyphs.count)
            return fail(f, "glyph %u is not in the font", g);
        if (!pb_cff_index_item(in->c, &in->glyphs, g, &cstr))
            return fail(f, "the charstring of glyph %u is past the end of the table", g);
        if ((fd = fd_of(in, g)) < 0)
            return fail(f, "glyph %u has no Font DICT", g);
        memset(&st, 0, sizeof st);
        st.s = &in->fds[fd].s;
        st.budget = GLYPH_BUDGET;
        st.out = &p->cs;
        st.f = f;
        st.gid = g;
        if (!copy_plain(&p->cs, cstr) && run(&st, cstr, 0) != RUN_ENDCHAR)
            return false;
        p->cs_end[i] = p->cs.len;
        p->fdsel[i] = (unsigned char)fd;
        in->fds[fd].new_index = 0;
    }
    /* the Font DICTs used, renumbered in their order */
    for (uint32_t k = 0; k < in->nfds; k++)
        if (in->fds[k].new_index == 0)
            in->fds[k].new_index = (int)p->nused++;
    for (int i = 0; i < p->n; i++)
        p->fdsel[i] = (unsigned char)in->fds[p->fdsel[i]].new_index;
    return true;
}

/* The Font DICTs used (their copied entries and a Private entry with two
 * five-byte operands, set when the layout is known) and their Private
 * DICTs (all but Subrs: the charstrings call none). */
static bool make_font_dicts(failure *f, input *in, parts *p)
{
    p->fd_end = pb_xmalloc((p->nused ? p->nused : 1) * sizeof *p->fd_end);
    p->fd_private_at = pb_xmalloc((p->nused ? p->nused : 1) * sizeof *p->fd_private_at);
    for (uint32_t k = 0, u = 0; k < in->nfds; k++) {
        font_dict *fd = &in->fds[k];
        if (fd->new_index < 0)
            continue;
        if (!copy_entries(&p->fds, fd->fd, copied_font_entry))
            return fail(f, "Font DICT %u has an entry with the wrong number of operands", k);
        p->fd_private_at[u] = p->fds.len;
        put_dict_offset(&p->fds, 0);
        put_dict_offset(&p->fds, 0);
        put_dict_op(&p->fds, PB_CFF_OP_PRIVATE);
        p->fd_end[u++] = p->fds.len;
        fd->new_priv_off = p->privs.len;
        if (!copy_entries(&p->privs, fd->priv, copied_private_entry))
            return fail(f, "the Private DICT of Font DICT %u has an entry with the wrong "
                        "number of operands", k);
        fd->new_priv_len = p->privs.len - fd->new_priv_off;
    }
    return true;
}

/* The Top DICT: ROS first (TN 5176 section 18), the copied entries,
 * CIDCount, then charset, CharStrings, FDArray and FDSelect with
 * five-byte offsets set when the layout is known. */
static const uint32_t offset_ops[4] = {PB_CFF_OP_CHARSET, PB_CFF_OP_CHARSTRINGS,
                                       PB_CFF_OP_FDARRAY, PB_CFF_OP_FDSELECT};

static bool make_top(failure *f, const input *in, parts *p)
{
    put_dict_int(&p->top, SID_ADOBE);
    put_dict_int(&p->top, SID_IDENTITY);
    put_dict_int(&p->top, 0);
    put_dict_op(&p->top, PB_CFF_OP_ROS);
    if (!copy_entries(&p->top, in->top, copied_font_entry))
        return fail(f, "its Top DICT has an entry with the wrong number of operands");
    put_dict_int(&p->top, p->n);
    put_dict_op(&p->top, PB_CFF_OP_CIDCOUNT);
    for (int k = 0; k < 4; k++) {
        p->top_offsets[k] = p->top.len;
        put_dict_offset(&p->top, 0);
        put_dict_op(&p->top, offset_ops[k]);
    }
    return true;
}

/* FDSelect format 3: runs of glyphs with the same Font DICT. */
static void make_fdselect(parts *p)
{
    uint32_t nranges = 0;
    for (int i = 0; i < p->n; i++)
        nranges += i == 0 || p->fdsel[i] != p->fdsel[i - 1];
    put8(&p->sel, 3);
    put16(&p->sel, nranges);
    for (int i = 0; i < p->n; i++)
        if (i == 0 || p->fdsel[i] != p->fdsel[i - 1]) {
            put16(&p->sel, (uint32_t)i);
            put8(&p->sel, p->fdsel[i]);
        }
    put16(&p->sel, (uint32_t)p->n);
}

static void set_offset5(unsigned char *p, size_t v)
{
    for (int j = 0; j < 4; j++)
        p[1 + j] = (unsigned char)(v >> (24 - 8 * j));
}

/* Header, Name, Top DICT, String and Global Subrs INDEXes, charset,
 * FDSelect, CharStrings, FDArray, Private DICTs, in this order. */
static bool assemble(failure *f, const input *in, parts *p, buf *res)
{
    static const unsigned char fallback_name[] = "Font";
    span name = in->name;
    if (name.len == 0)
        name = (span){fallback_name, 4};
    if (name.len > 127) /* TN 5176 section 7: at most 127 bytes */
        name.len = 127;
    static const unsigned char strings[] = "AdobeIdentity";
    static const size_t string_ends[2] = {5, 13};
    size_t charset_len = p->n > 1 ? 5 : 1;
    size_t at_charset = 4 + index_size(1, name.len) + index_size(1, p->top.len) +
                        index_size(2, string_ends[1]) + 2;
    size_t at_fdselect = at_charset + charset_len;
    size_t at_charstrings = at_fdselect + p->sel.len;
    size_t at_fdarray = at_charstrings + index_size((uint32_t)p->n, p->cs.len);
    size_t at_privates = at_fdarray + index_size(p->nused, p->fds.len);
    size_t total = at_privates + p->privs.len;
    if (total > INT32_MAX)
        return fail(f, "the subset would be larger than 2 GB");
    size_t offs[4] = {at_charset, at_charstrings, at_fdarray, at_fdselect};
    for (int k = 0; k < 4; k++)
        set_offset5(p->top.p + p->top_offsets[k], offs[k]);
    for (uint32_t k = 0; k < in->nfds; k++) {
        const font_dict *fd = &in->fds[k];
        if (fd->new_index < 0)
            continue;
        unsigned char *q = p->fds.p + p->fd_private_at[fd->new_index];
        set_offset5(q, fd->new_priv_len);
        set_offset5(q + 5, at_privates + fd->new_priv_off);
    }

    static const unsigned char header[4] = {1, 0, 4, 4}; /* CFF 1.0, 4-byte offsets */
    put(res, header, 4);
    put_index(res, name.p, &name.len, 1);
    put_index(res, p->top.p, &p->top.len, 1);
    put_index(res, strings, string_ends, 2);
    put16(res, 0); /* no global subroutines */
    if (p->n > 1) { /* charset format 2, one range: CIDs 1 to n - 1 */
        put8(res, 2);
        put16(res, 1);
        put16(res, (uint32_t)p->n - 2);
    } else {
        put8(res, 0);
    }
    put(res, p->sel.p, p->sel.len);
    put_index(res, p->cs.p, p->cs_end, (uint32_t)p->n);
    put_index(res, p->fds.p, p->fd_end, p->nused);
    put(res, p->privs.p, p->privs.len);
    if (res->len != total)
        return fail(f, "the subset has %zu bytes, %zu were planned", res->len, total);
    return true;
}

/* A subset being made: what it holds outlives an out-of-memory jump, to
 * be freed on the way out. */
typedef struct subsetting {
    failure *f;
    span cff;
    const uint32_t *gids;
    input in;             /* owns fds */
    parts p;              /* owned (parts_free) */
    buf res;              /* owned until handed out */
    bool ok;
} subsetting;

static void subset_run(void *arg)
{
    subsetting *s = arg;
    bool ok = read_input(s->f, s->cff, &s->in) && make_charstrings(s->f, &s->in, s->gids, &s->p);
    ok = ok && make_font_dicts(s->f, &s->in, &s->p) && make_top(s->f, &s->in, &s->p);
    if (ok) {
        make_fdselect(&s->p);
        ok = assemble(s->f, &s->in, &s->p, &s->res);
    }
    s->ok = ok;
}

static void subset_free(void *arg)
{
    subsetting *s = arg;
    parts_free(&s->p);
    free(s->in.fds);
    s->in.fds = NULL;
    if (!s->ok) {
        free(s->res.p);
        s->res.p = NULL;
    }
}

bool pb_cff_subset(const unsigned char *cff, size_t len, const uint32_t *gids, int n,
                   unsigned char **out, size_t *out_len, char *why, size_t whylen)
{
    failure f = {why, whylen};
    *out = NULL;
    *out_len = 0;
    if (n < 1 || n > 65535 || gids[0] != 0)
        return fail(&f, "a subset must have from 1 to 65535 glyphs, .notdef first");
    subsetting s;
    memset(&s, 0, sizeof s);
    s.f = &f;
    s.cff = (span){cff, len};
    s.gids = gids;
    s.p.n = n;
    pb_oom_guard(subset_run, subset_free, &s);
    subset_free(&s);
    if (!s.ok)
        return false;
    *out = s.res.p;
    *out_len = s.res.len;
    return true;
}
