/* Fonts are untrusted input: the checks of a face's tables, of its glyphs
 * as they are used, and of the subset embedded in the PDF.
 *
 * HarfBuzz and FreeType never crash on a damaged font, but they answer
 * it quietly: a table that fails their sanity checks is treated as empty,
 * so a zeroed glyf prints blank glyphs, a zeroed hmtx stacks every glyph
 * on the one before, a cmap entry past the last glyph shapes to a glyph
 * the subsetter drops.  These checks turn each of those into a fault that
 * names the table and what is wrong, before anything is printed with it
 * (OpenType 1.9: "head", "maxp", "hhea", "hmtx", "cmap", "loca", "glyf";
 * Adobe TN 5176 for CFF). */
#include "fonts/font_check.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

#include <hb.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/utf8.h"
#include "fonts/cff_read.h"

/* ---- reading the bytes ------------------------------------------------ */

typedef pb_cff_bytes bytes;

static bool has(bytes b, uint64_t off, uint64_t n)
{
    return off <= b.len && n <= b.len - off;
}

static uint32_t u8(bytes b, size_t off)
{
    return b.p[off];
}

static uint32_t u16(bytes b, size_t off)
{
    return (uint32_t)b.p[off] << 8 | b.p[off + 1];
}

static uint32_t u32(bytes b, size_t off)
{
    return (uint32_t)b.p[off] << 24 | (uint32_t)b.p[off + 1] << 16 |
           (uint32_t)b.p[off + 2] << 8 | b.p[off + 3];
}

/* A big-endian word read as it is in memory. */
static inline uint32_t be32(uint32_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return w;
#else
    return __builtin_bswap32(w);
#endif
}

/* An offset of `size` bytes (1..4), big-endian. */
static uint32_t uoff(bytes b, size_t off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | b.p[off + i];
    return v;
}

static bytes sub(bytes b, size_t off, size_t len)
{
    return (bytes){b.p + off, len};
}

#define FAULT(...) (snprintf(why, whylen, __VA_ARGS__), false)

/* ---- the table directory ---------------------------------------------- */

typedef struct sfnt {
    bytes file;
    size_t dir;           /* offset of the face's table directory */
    uint32_t ntables;
} sfnt;

static bool read_directory(bytes f, int index, sfnt *s, char *why, size_t whylen)
{
    size_t off = 0;
    if (f.len < 12)
        return FAULT("not an OpenType or TrueType font (too short)");
    if (memcmp(f.p, "ttcf", 4) == 0) {
        uint32_t n = u32(f, 8);
        if (n == 0 || !has(f, 12, 4 * (uint64_t)n))
            return FAULT("truncated or damaged collection header");
        if (index < 0 || (uint32_t)index >= n)
            return FAULT("the file has %u face%s, there is no face %d", n, n == 1 ? "" : "s",
                         index);
        off = u32(f, 12 + 4 * (size_t)index);
    }
    if (!has(f, off, 12))
        return FAULT("truncated: the table directory is past the end of the file");
    uint32_t version = u32(f, off);
    if (version != 0x00010000 && version != 0x4F54544F /* OTTO */ &&
        version != 0x74727565 /* true */)
        return FAULT("not an OpenType or TrueType font");
    s->file = f;
    s->dir = off;
    s->ntables = u16(f, off + 4);
    if (!has(f, off + 12, 16 * (uint64_t)s->ntables))
        return FAULT("truncated: the table directory is past the end of the file");
    for (uint32_t t = 0; t < s->ntables; t++) {
        size_t r = off + 12 + 16 * (size_t)t;
        uint64_t end = (uint64_t)u32(f, r + 8) + u32(f, r + 12);
        if (end > f.len)
            return FAULT("truncated or damaged: table '%c%c%c%c' ends at byte %llu, "
                         "the file has %zu bytes",
                         f.p[r] >= 0x20 && f.p[r] < 0x7F ? f.p[r] : '?',
                         f.p[r + 1] >= 0x20 && f.p[r + 1] < 0x7F ? f.p[r + 1] : '?',
                         f.p[r + 2] >= 0x20 && f.p[r + 2] < 0x7F ? f.p[r + 2] : '?',
                         f.p[r + 3] >= 0x20 && f.p[r + 3] < 0x7F ? f.p[r + 3] : '?',
                         (unsigned long long)end, f.len);
    }
    return true;
}

/* The table `tag`, or an empty one. */
static bytes table(const sfnt *s, const char *tag)
{
    for (uint32_t t = 0; t < s->ntables; t++) {
        size_t r = s->dir + 12 + 16 * (size_t)t;
        if (memcmp(s->file.p + r, tag, 4) == 0)
            return sub(s->file, u32(s->file, r + 8), u32(s->file, r + 12));
    }
    return (bytes){NULL, 0};
}

/* ---- head, maxp, hhea, hmtx ------------------------------------------- */

typedef struct face_facts {
    uint32_t nglyphs;     /* maxp.numGlyphs */
    int loca_format;      /* head.indexToLocFormat */
} face_facts;

static bool check_metrics(const sfnt *s, face_facts *ff, char *why, size_t whylen)
{
    bytes head = table(s, "head"), maxp = table(s, "maxp"), hhea = table(s, "hhea"),
          hmtx = table(s, "hmtx");
    if (!head.len)
        return FAULT("it has no 'head' table");
    if (head.len < 54 || u32(head, 12) != 0x5F0F3CF5)
        return FAULT("its 'head' table is damaged");
    uint32_t upem = u16(head, 18);
    if (upem < 16 || upem > 16384)
        return FAULT("its 'head' table gives %u units per em (16 to 16384 are valid)", upem);
    ff->loca_format = (int16_t)u16(head, 50);
    if (!maxp.len)
        return FAULT("it has no 'maxp' table");
    uint32_t maxp_version = maxp.len >= 4 ? u32(maxp, 0) : 0;
    if (maxp.len < 6 || (maxp_version != 0x00005000 && maxp_version != 0x00010000) ||
        (maxp_version == 0x00010000 && maxp.len < 32))
        return FAULT("its 'maxp' table is damaged");
    ff->nglyphs = u16(maxp, 4);
    if (ff->nglyphs == 0)
        return FAULT("it has no glyphs ('maxp' counts none)");
    if (!hhea.len)
        return FAULT("it has no 'hhea' table");
    if (hhea.len < 36)
        return FAULT("its 'hhea' table is damaged");
    uint32_t nmetrics = u16(hhea, 34);
    if (nmetrics == 0)
        return FAULT("its 'hhea' table gives no glyph advances");
    if (!hmtx.len)
        return FAULT("it has no 'hmtx' table (glyph advances)");
    uint32_t need = nmetrics < ff->nglyphs ? nmetrics : ff->nglyphs;
    if (hmtx.len < 4 * (uint64_t)need)
        return FAULT("its 'hmtx' table has %zu bytes, too short for the %u advances 'hhea' "
                     "announces",
                     hmtx.len, need);
    return true;
}

/* ---- TrueType outlines: loca and glyf ---------------------------------- */

static bool check_glyf(const sfnt *s, const face_facts *ff, char *why, size_t whylen)
{
    bytes loca = table(s, "loca"), glyf = table(s, "glyf");
    if (!loca.len)
        return FAULT("it has a 'glyf' table but no 'loca' table");
    if (ff->loca_format != 0 && ff->loca_format != 1)
        return FAULT("its 'head' table gives an unknown 'loca' format (%d)", ff->loca_format);
    unsigned size = ff->loca_format ? 4 : 2;
    uint64_t n = (uint64_t)ff->nglyphs + 1;
    if (loca.len < n * size)
        return FAULT("its 'loca' table has %zu bytes, too short for the %u glyphs 'maxp' "
                     "counts",
                     loca.len, ff->nglyphs);
    uint32_t prev = 0;
    for (uint32_t g = 0; g < n; g++) {
        uint32_t at = ff->loca_format ? u32(loca, 4 * (size_t)g) : 2 * u16(loca, 2 * (size_t)g);
        if (at > glyf.len)
            return FAULT("its 'loca' table puts glyph %u at byte %u, past the end of 'glyf' "
                         "(%zu bytes)",
                         g ? g - 1 : 0, at, glyf.len);
        if (g > 0 && at < prev)
            return FAULT("its 'loca' table is out of order at glyph %u", g - 1);
        if (g > 0 && at > prev) {
            /* the glyph's header, and the components of a composite */
            uint32_t gid = g - 1;
            bytes gl = sub(glyf, prev, at - prev);
            if (gl.len < 10)
                return FAULT("glyph %u of its 'glyf' table is damaged (%zu bytes)", gid,
                             gl.len);
            int contours = (int16_t)u16(gl, 0);
            if (contours >= 0) {
                if (!has(gl, 10, 2 * (uint64_t)contours + 2))
                    return FAULT("glyph %u of its 'glyf' table is damaged (%d contours in "
                                 "%zu bytes)",
                                 gid, contours, gl.len);
            } else {
                size_t p = 10;
                for (uint32_t flags = 0x20; flags & 0x20;) {
                    if (!has(gl, p, 4))
                        return FAULT("composite glyph %u of its 'glyf' table is damaged", gid);
                    flags = u16(gl, p);
                    uint32_t comp = u16(gl, p + 2);
                    if (comp >= ff->nglyphs)
                        return FAULT("composite glyph %u of its 'glyf' table uses glyph %u, "
                                     "the font has %u",
                                     gid, comp, ff->nglyphs);
                    p += 4 + ((flags & 1) ? 4 : 2);
                    p += (flags & 8) ? 2 : (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0;
                    if (p > gl.len)
                        return FAULT("composite glyph %u of its 'glyf' table is damaged", gid);
                }
            }
        }
        prev = at;
    }
    return true;
}

/* ---- CFF outlines --------------------------------------------------------
 *
 * Every INDEX the font program has (Name, Top DICT, String, Global Subrs,
 * CharStrings, local Subrs, FDArray) must lie inside the table with its
 * offsets in order, and the DICTs must point inside it. */

typedef pb_cff_index cff_index;

/* The offsets 0..count of an INDEX (size bytes each, at p), each at least
 * the one before: the first one below the one before it, or count + 1.
 * A loop per size: a CJK font's CharStrings have 65,536 offsets. */
static uint32_t offsets_in_order(const unsigned char *p, uint32_t count, unsigned size)
{
    uint32_t prev = 0, word;
    uint32_t i = 0, n = count + 1; /* count < 65,536 */
#define SCAN(end, value)                                                                       \
    for (; i < (end); i++, p += size) {                                                        \
        uint32_t o = (value);                                                                  \
        if (o < prev)                                                                          \
            return i;                                                                          \
        prev = o;                                                                              \
    }
    switch (size) {
    case 1: SCAN(n, p[0]) break;
    case 2: SCAN(n, (uint32_t)p[0] << 8 | p[1]) break;
    case 3: /* four bytes read at a time, but for the last offset */
        SCAN(n - 1, (memcpy(&word, p, 4), be32(word) >> 8))
        SCAN(n, (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2])
        break;
    default: SCAN(n, (memcpy(&word, p, 4), be32(word))) break;
    }
#undef SCAN
    return count + 1;
}

static bool read_index(bytes c, size_t at, const char *what, cff_index *ix, char *why,
                       size_t whylen)
{
    if (!has(c, at, 2))
        return FAULT("its 'CFF ' table is damaged: the %s INDEX is past its end", what);
    ix->count = u16(c, at);
    if (ix->count == 0) {
        ix->end = at + 2;
        ix->osize = 0;
        return true;
    }
    if (!has(c, at, 3))
        return FAULT("its 'CFF ' table is damaged: the %s INDEX is past its end", what);
    ix->osize = u8(c, at + 2);
    if (ix->osize < 1 || ix->osize > 4)
        return FAULT("its 'CFF ' table is damaged: the %s INDEX has offsets of %u bytes", what,
                     ix->osize);
    ix->offsets = at + 3;
    uint64_t arr = ((uint64_t)ix->count + 1) * ix->osize;
    if (!has(c, ix->offsets, arr))
        return FAULT("its 'CFF ' table is damaged: the %s INDEX is past its end", what);
    ix->data = ix->offsets + (size_t)arr - 1;
    uint32_t first = uoff(c, ix->offsets, ix->osize);
    if (first != 1)
        return FAULT("its 'CFF ' table is damaged: the %s INDEX's first offset is %u, not 1",
                     what, first);
    uint32_t i = offsets_in_order(c.p + ix->offsets, ix->count, ix->osize);
    if (i <= ix->count)
        return FAULT("its 'CFF ' table is damaged: the offsets of the %s INDEX are out of "
                     "order at item %u",
                     what, i - 1);
    uint32_t prev = uoff(c, ix->offsets + (size_t)ix->count * ix->osize, ix->osize);
    if (!has(c, ix->data, prev))
        return FAULT("its 'CFF ' table is damaged: the %s INDEX ends at byte %llu, the table "
                     "has %zu",
                     what, (unsigned long long)ix->data + prev, c.len);
    ix->end = ix->data + prev;
    return true;
}

/* Item i of an INDEX read by read_index. */
static bytes index_item(bytes c, const cff_index *ix, uint32_t i)
{
    uint32_t a = uoff(c, ix->offsets + (size_t)i * ix->osize, ix->osize);
    uint32_t b = uoff(c, ix->offsets + (size_t)(i + 1) * ix->osize, ix->osize);
    return sub(c, ix->data + a, b - a);
}

/* The operators of a DICT that paiban follows, with their operands. */
typedef struct cff_dict {
    bool ros;             /* 12 30: CID-keyed */
    long charstrings;     /* 17 */
    long charset;         /* 15 */
    long private_size, private_off; /* 18 */
    long fdarray;         /* 12 36 */
    long fdselect;        /* 12 37 */
    long subrs;           /* 19, in a Private DICT */
} cff_dict;

static bool read_dict(bytes d, cff_dict *out)
{
    *out = (cff_dict){false, -1, -1, -1, -1, -1, -1, -1};
    long stack[48];
    int sp = 0;
    for (size_t i = 0; i < d.len;) {
        uint32_t b = u8(d, i);
        if (b <= 21) {
            uint32_t op = b;
            if (b == 12) {
                if (i + 1 >= d.len)
                    return false;
                op = 1200 + u8(d, i + 1);
                i += 2;
            } else {
                i++;
            }
            switch (op) {
            case 1230: out->ros = true; break;
            case 17: if (sp >= 1) out->charstrings = stack[sp - 1]; break;
            case 15: if (sp >= 1) out->charset = stack[sp - 1]; break;
            case 18:
                if (sp >= 2) {
                    out->private_size = stack[sp - 2];
                    out->private_off = stack[sp - 1];
                }
                break;
            case 1236: if (sp >= 1) out->fdarray = stack[sp - 1]; break;
            case 1237: if (sp >= 1) out->fdselect = stack[sp - 1]; break;
            case 19: if (sp >= 1) out->subrs = stack[sp - 1]; break;
            default: break;
            }
            sp = 0;
            continue;
        }
        long v;
        if (!pb_cff_dict_operand(d, &i, &v))
            return false;
        if (sp < 48)
            stack[sp++] = v;
    }
    return true;
}

/* A Private DICT at (size, off) of the table, and its local Subrs. */
static bool check_private(bytes c, long size, long off, const char *owner, char *why,
                          size_t whylen)
{
    if (size < 0 || off < 0)
        return FAULT("its 'CFF ' table is damaged: the %s has no Private DICT", owner);
    if (!has(c, (uint64_t)off, (uint64_t)size))
        return FAULT("its 'CFF ' table is damaged: the Private DICT of the %s is past its end",
                     owner);
    cff_dict p;
    if (!read_dict(sub(c, (size_t)off, (size_t)size), &p))
        return FAULT("its 'CFF ' table is damaged: the Private DICT of the %s cannot be read",
                     owner);
    if (p.subrs >= 0) {
        if (p.subrs == 0 || (uint64_t)off + (uint64_t)p.subrs >= c.len)
            return FAULT("its 'CFF ' table is damaged: the local Subrs of the %s are past its "
                         "end",
                         owner);
        cff_index ix;
        if (!read_index(c, (size_t)off + (size_t)p.subrs, "local Subrs", &ix, why, whylen))
            return false;
    }
    return true;
}

static bool check_cff(bytes c, const face_facts *ff, char *why, size_t whylen)
{
    if (c.len < 4 || u8(c, 0) != 1)
        return FAULT("its 'CFF ' table is damaged (not CFF version 1)");
    uint32_t hdr = u8(c, 2);
    if (hdr < 4 || hdr > c.len)
        return FAULT("its 'CFF ' table is damaged (header)");
    cff_index names, tops, strings, gsubrs, glyphs;
    if (!read_index(c, hdr, "Name", &names, why, whylen) ||
        !read_index(c, names.end, "Top DICT", &tops, why, whylen) ||
        !read_index(c, tops.end, "String", &strings, why, whylen) ||
        !read_index(c, strings.end, "Global Subrs", &gsubrs, why, whylen))
        return false;
    if (tops.count < 1)
        return FAULT("its 'CFF ' table is damaged: it has no Top DICT");
    cff_dict top;
    if (!read_dict(index_item(c, &tops, 0), &top))
        return FAULT("its 'CFF ' table is damaged: its Top DICT cannot be read");
    if (top.charstrings <= 0 || (uint64_t)top.charstrings >= c.len)
        return FAULT("its 'CFF ' table is damaged: the CharStrings are past its end");
    if (!read_index(c, (size_t)top.charstrings, "CharStrings", &glyphs, why, whylen))
        return false;
    if (glyphs.count != ff->nglyphs)
        return FAULT("its 'CFF ' table has %u glyphs, its 'maxp' table counts %u", glyphs.count,
                     ff->nglyphs);
    if (top.charset > 2 && (uint64_t)top.charset >= c.len)
        return FAULT("its 'CFF ' table is damaged: the charset is past its end");
    if (!top.ros)
        return check_private(c, top.private_size, top.private_off, "font", why, whylen);

    /* CID-keyed: a Private DICT per Font DICT, and a valid FDSelect */
    if (top.fdarray <= 0 || (uint64_t)top.fdarray >= c.len || top.fdselect <= 0 ||
        (uint64_t)top.fdselect >= c.len)
        return FAULT("its 'CFF ' table is damaged: a CID font without FDArray or FDSelect");
    cff_index fds;
    if (!read_index(c, (size_t)top.fdarray, "FDArray", &fds, why, whylen))
        return false;
    if (fds.count == 0)
        return FAULT("its 'CFF ' table is damaged: the FDArray is empty");
    for (uint32_t i = 0; i < fds.count; i++) {
        cff_dict fd;
        char owner[40];
        snprintf(owner, sizeof owner, "Font DICT %u", i);
        if (!read_dict(index_item(c, &fds, i), &fd))
            return FAULT("its 'CFF ' table is damaged: %s cannot be read", owner);
        if (!check_private(c, fd.private_size, fd.private_off, owner, why, whylen))
            return false;
    }
    size_t at = (size_t)top.fdselect;
    uint32_t format = u8(c, at);
    if (format == 0) {
        if (!has(c, at + 1, ff->nglyphs))
            return FAULT("its 'CFF ' table is damaged: the FDSelect is past its end");
        for (uint32_t g = 0; g < ff->nglyphs; g++)
            if (u8(c, at + 1 + g) >= fds.count)
                return FAULT("its 'CFF ' table is damaged: glyph %u selects Font DICT %u of "
                             "%u",
                             g, u8(c, at + 1 + g), fds.count);
    } else if (format == 3) {
        if (!has(c, at + 1, 2))
            return FAULT("its 'CFF ' table is damaged: the FDSelect is past its end");
        uint32_t nranges = u16(c, at + 1);
        if (nranges == 0 || !has(c, at + 3, 3 * (uint64_t)nranges + 2))
            return FAULT("its 'CFF ' table is damaged: the FDSelect is past its end");
        uint32_t prev = 0;
        for (uint32_t r = 0; r < nranges; r++) {
            size_t p = at + 3 + 3 * (size_t)r;
            uint32_t first = u16(c, p), fd = u8(c, p + 2);
            if ((r == 0 && first != 0) || (r > 0 && first <= prev) || fd >= fds.count)
                return FAULT("its 'CFF ' table is damaged: FDSelect range %u is invalid", r);
            prev = first;
        }
        uint32_t sentinel = u16(c, at + 3 + 3 * (size_t)nranges);
        if (sentinel != ff->nglyphs || sentinel <= prev)
            return FAULT("its 'CFF ' table is damaged: the FDSelect covers %u glyphs, not %u",
                         sentinel, ff->nglyphs);
    } else {
        return FAULT("its 'CFF ' table is damaged: FDSelect format %u", format);
    }
    return true;
}

/* ---- cmap ------------------------------------------------------------------
 *
 * Every glyph id a Unicode subtable gives must be a glyph of the font:
 * HarfBuzz shapes to whatever id the cmap says, and a glyph past the last
 * one has no outline, no advance and no place in a subset. */

static bool gid_fault(uint32_t cp, uint32_t gid, uint32_t nglyphs, char *why, size_t whylen)
{
    return FAULT("its 'cmap' table maps U+%04X to glyph %u, the font has %u", cp, gid, nglyphs);
}

static bool check_cmap_4(bytes t, uint32_t n, char *why, size_t whylen)
{
    if (t.len < 14)
        return FAULT("its 'cmap' table is damaged (format 4 subtable)");
    uint32_t segs = u16(t, 6) / 2;
    size_t ends = 14, starts = ends + 2 * (size_t)segs + 2, deltas = starts + 2 * (size_t)segs,
           ranges = deltas + 2 * (size_t)segs;
    if (!has(t, ranges, 2 * (uint64_t)segs))
        return FAULT("its 'cmap' table is damaged (format 4 subtable with %u segments in %zu "
                     "bytes)",
                     segs, t.len);
    for (uint32_t s = 0; s < segs; s++) {
        uint32_t end = u16(t, ends + 2 * s), start = u16(t, starts + 2 * s);
        uint32_t delta = u16(t, deltas + 2 * s), ro = u16(t, ranges + 2 * s);
        if (start > end)
            continue; /* an empty segment maps nothing */
        if (ro == 0) {
            /* c + delta over the segment: one range of ids, or two when it
               wraps past 0xFFFF (U+FFFF itself maps to nothing) */
            uint32_t last = end < 0xFFFF ? end : 0xFFFE;
            if (start > last)
                continue;
            uint32_t lo = (start + delta) & 0xFFFF, span = last - start;
            if (lo + span <= 0xFFFF ? lo + span < n : false)
                continue;
        }
        if (ro == 0) {
            for (uint32_t c = start; c <= end; c++) {
                uint32_t g = (c + delta) & 0xFFFF;
                if (g >= n && c != 0xFFFF)
                    return gid_fault(c, g, n, why, whylen);
            }
            continue;
        }
        /* the glyph ids of the segment's characters, an array from `at`:
           those inside the subtable checked in one loop, then the first
           one past it (if any) named */
        size_t at = ranges + 2 * (size_t)s + ro;
        uint32_t inside = at < t.len ? (uint32_t)((t.len - at) / 2) : 0;
        uint32_t count = end - start + 1, upto = inside < count ? inside : count;
        const unsigned char *ids = t.p + at;
        for (uint32_t k = 0; k < upto; k++) {
            uint32_t g = (uint32_t)ids[2 * k] << 8 | ids[2 * k + 1];
            if (g)
                g = (g + delta) & 0xFFFF;
            if (g >= n && start + k != 0xFFFF)
                return gid_fault(start + k, g, n, why, whylen);
        }
        if (upto < count)
            return FAULT("its 'cmap' table is damaged (format 4: U+%04X is past the subtable)",
                         start + upto);
    }
    return true;
}

static bool check_cmap_12(bytes t, uint32_t n, bool format13, char *why, size_t whylen)
{
    if (t.len < 16)
        return FAULT("its 'cmap' table is damaged (format %d subtable)", format13 ? 13 : 12);
    uint32_t groups = u32(t, 12);
    if (!has(t, 16, 12 * (uint64_t)groups))
        return FAULT("its 'cmap' table is damaged (format %d subtable with %u groups in %zu "
                     "bytes)",
                     format13 ? 13 : 12, groups, t.len);
    const unsigned char *group = t.p + 16;
    for (uint32_t i = 0; i < groups; i++, group += 12) {
        uint32_t start, end, g;
        memcpy(&start, group, 4);
        memcpy(&end, group + 4, 4);
        memcpy(&g, group + 8, 4);
        start = be32(start);
        end = be32(end);
        g = be32(g);
        if (start > end || end > 0x10FFFF)
            return FAULT("its 'cmap' table is damaged (format %d group U+%04X..U+%04X)",
                         format13 ? 13 : 12, start, end);
        uint64_t last = format13 ? g : (uint64_t)g + (end - start);
        if (last >= n)
            return gid_fault(format13 ? start : (g >= n ? start : start + (n - g)),
                             (uint32_t)(g >= n || format13 ? g : n), n, why, whylen);
    }
    return true;
}

/* Formats 0 and 6: a byte or a 16-bit id per code. */
static bool check_cmap_array(bytes t, uint32_t n, int format, char *why, size_t whylen)
{
    uint32_t first = 0, count = 256;
    size_t at = 6;
    if (format == 6) {
        if (t.len < 10)
            return FAULT("its 'cmap' table is damaged (format 6 subtable)");
        first = u16(t, 6);
        count = u16(t, 8);
        at = 10;
    }
    if (!has(t, at, (uint64_t)count * (format == 0 ? 1 : 2)))
        return FAULT("its 'cmap' table is damaged (format %d subtable)", format);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t g = format == 0 ? u8(t, at + i) : u16(t, at + 2 * (size_t)i);
        if (g >= n)
            return gid_fault(first + i, g, n, why, whylen);
    }
    return true;
}

/* Format 14: the glyphs of variation sequences (UVS mappings). */
static bool check_cmap_14(bytes t, uint32_t n, char *why, size_t whylen)
{
    if (t.len < 10)
        return FAULT("its 'cmap' table is damaged (format 14 subtable)");
    uint32_t nrec = u32(t, 6);
    if (!has(t, 10, 11 * (uint64_t)nrec))
        return FAULT("its 'cmap' table is damaged (format 14 subtable)");
    for (uint32_t i = 0; i < nrec; i++) {
        size_t r = 10 + 11 * (size_t)i;
        uint32_t def = u32(t, r + 3), nondef = u32(t, r + 7);
        if (def && (!has(t, def, 4) || !has(t, def + 4, 4 * (uint64_t)u32(t, def))))
            return FAULT("its 'cmap' table is damaged (format 14 default variations)");
        if (!nondef)
            continue;
        if (!has(t, nondef, 4))
            return FAULT("its 'cmap' table is damaged (format 14 variations)");
        uint32_t m = u32(t, nondef);
        if (!has(t, nondef + 4, 5 * (uint64_t)m))
            return FAULT("its 'cmap' table is damaged (format 14 variations)");
        for (uint32_t k = 0; k < m; k++) {
            size_t p = nondef + 4 + 5 * (size_t)k;
            uint32_t cp = (uint32_t)u16(t, p) << 8 | u8(t, p + 2), g = u16(t, p + 3);
            if (g >= n)
                return gid_fault(cp, g, n, why, whylen);
        }
    }
    return true;
}

static bool check_cmap(const sfnt *s, uint32_t n, char *why, size_t whylen)
{
    bytes cmap = table(s, "cmap");
    if (!cmap.len)
        return FAULT("it has no 'cmap' table (character map)");
    if (cmap.len < 4)
        return FAULT("its 'cmap' table is damaged");
    uint32_t nrec = u16(cmap, 2);
    if (!has(cmap, 4, 8 * (uint64_t)nrec))
        return FAULT("its 'cmap' table is damaged (%u subtables in %zu bytes)", nrec, cmap.len);
    bool unicode = false;
    for (uint32_t i = 0; i < nrec; i++) {
        size_t r = 4 + 8 * (size_t)i;
        uint32_t platform = u16(cmap, r), encoding = u16(cmap, r + 2), off = u32(cmap, r + 4);
        /* the subtables a Unicode lookup may use: Unicode, and Windows
           symbol, BMP and full repertoire */
        if (platform != 0 && !(platform == 3 && (encoding <= 1 || encoding == 10)))
            continue;
        if (!has(cmap, off, 4))
            return FAULT("its 'cmap' table is damaged (subtable %u is past its end)", i);
        uint32_t format = u16(cmap, off);
        uint64_t len = format >= 8 && format != 14 ? (has(cmap, off, 8) ? u32(cmap, off + 4) : 0)
                       : format == 14             ? (has(cmap, off, 6) ? u32(cmap, off + 2) : 0)
                                                  : u16(cmap, off + 2);
        if (format == 4 && !has(cmap, off, len))
            len = cmap.len - off; /* some fonts give a length past the table for format 4 */
        if (len < 4 || !has(cmap, off, len))
            return FAULT("its 'cmap' table is damaged (subtable %u of format %u has %llu bytes, "
                         "past its end)",
                         i, format, (unsigned long long)len);
        bytes t = sub(cmap, off, (size_t)len);
        bool ok = true;
        switch (format) {
        case 0:
        case 6: ok = check_cmap_array(t, n, (int)format, why, whylen); break;
        case 4: ok = check_cmap_4(t, n, why, whylen); break;
        case 12: ok = check_cmap_12(t, n, false, why, whylen); break;
        case 13: ok = check_cmap_12(t, n, true, why, whylen); break;
        case 14: ok = check_cmap_14(t, n, why, whylen); break;
        default: break; /* 2, 8, 10: not for Unicode */
        }
        if (!ok)
            return false;
        unicode |= format != 14;
    }
    if (!unicode)
        return FAULT("it has no Unicode character map");
    return true;
}

bool pb_font_check_tables(const unsigned char *data, size_t len, int index, char *why,
                          size_t whylen)
{
    sfnt s;
    face_facts ff;
    if (!read_directory((bytes){data, len}, index, &s, why, whylen) ||
        !check_metrics(&s, &ff, why, whylen))
        return false;
    bytes cff = table(&s, "CFF "), glyf = table(&s, "glyf");
    if (!cff.len && table(&s, "CFF2").len)
        return FAULT("it has CFF2 outlines (a variable font), which PDF cannot embed");
    if (!cff.len && !glyf.len)
        return FAULT("it has no outlines (a bitmap-only font)");
    if (cff.len ? !check_cff(cff, &ff, why, whylen) : !check_glyf(&s, &ff, why, whylen))
        return false;
    return check_cmap(&s, ff.nglyphs, why, whylen);
}

/* ---- outlines read without an interpreter's cost ----------------------------
 *
 * HarfBuzz measuring a glyph of a CFF font and FreeType drawing it each
 * cost tens of thousands of instructions a glyph (a dense CJK charstring
 * runs through a general interpreter).  The plain charstrings of fonts
 * without subroutines (Fandol) and of desubroutinized subsets are read
 * here instead, point by point; whatever is not plain is left to them. */

/* What the quick reading makes of a glyph. */
typedef enum quick_verdict {
    QUICK_DOUBT,          /* FreeType must decide */
    QUICK_GOOD,           /* FreeType draws it, with ink if it has any */
} quick_verdict;

/* The subset's tables the quick reading uses. */
typedef struct subset_view {
    bytes cff;            /* the CFF table */
    cff_index glyphs;     /* its CharStrings */
    bytes hmtx;           /* empty for a bare CFF */
    uint32_t nmetrics;    /* hhea.numberOfHMetrics */
    uint32_t nglyphs;
    bool bare;            /* a bare CFF, not an OpenType font: advances
                             are the PDF's /W, not the program's */
} subset_view;

/* A bare CFF (FontFile3 /CIDFontType0C) starts with its major version, 1;
 * an OpenType font with its version tag. */
static bool is_bare_cff(const unsigned char *data, size_t len)
{
    return len >= 4 && data[0] == 1;
}

/* The subset's tables, each inside the file and agreeing with the others
 * (the checks a face passes when it is opened); false when it has no CFF
 * outlines or any of them fails: FreeType then reads it all. */
static bool read_subset(const unsigned char *data, size_t len, int index, subset_view *v)
{
    char why[256];
    sfnt s;
    face_facts ff;
    v->bare = is_bare_cff(data, len);
    if (v->bare) {
        /* as many glyphs as it has charstrings: check_cff checks the rest */
        bytes c = {data, len};
        cff_index names, tops, strings, glyphs;
        cff_dict top;
        bytes top_dict;
        /* its offsets are checked before they are followed: nothing of a
           subset is trusted before check_cff */
        if (!pb_cff_index_read(c, u8(c, 2), &names) || !pb_cff_index_read(c, names.end, &tops) ||
            !pb_cff_index_read(c, tops.end, &strings) ||
            !pb_cff_index_item(c, &tops, 0, &top_dict) || !read_dict(top_dict, &top) ||
            top.charstrings <= 0 ||
            (uint64_t)top.charstrings >= c.len ||
            !pb_cff_index_read(c, (size_t)top.charstrings, &glyphs))
            return false;
        ff = (face_facts){glyphs.count, 0};
        v->cff = c;
        if (!check_cff(v->cff, &ff, why, sizeof why))
            return false;
    } else {
        if (!read_directory((bytes){data, len}, index, &s, why, sizeof why) ||
            !check_metrics(&s, &ff, why, sizeof why))
            return false;
        v->cff = table(&s, "CFF ");
        if (!v->cff.len || !check_cff(v->cff, &ff, why, sizeof why))
            return false;
    }
    bytes c = v->cff;
    uint32_t hdr = u8(c, 2);
    cff_index names, tops, strings, gsubrs;
    cff_dict top;
    if (!read_index(c, hdr, "Name", &names, why, sizeof why) ||
        !read_index(c, names.end, "Top DICT", &tops, why, sizeof why) ||
        !read_index(c, tops.end, "String", &strings, why, sizeof why) ||
        !read_index(c, strings.end, "Global Subrs", &gsubrs, why, sizeof why) ||
        !read_dict(index_item(c, &tops, 0), &top) ||
        !read_index(c, (size_t)top.charstrings, "CharStrings", &v->glyphs, why, sizeof why))
        return false;
    v->hmtx = v->bare ? (bytes){NULL, 0} : table(&s, "hmtx");
    v->nmetrics = v->bare ? 0 : u16(table(&s, "hhea"), 34);
    v->nglyphs = ff.nglyphs;
    return true;
}

/* The CFF table and CharStrings of a face that passed pb_font_check_tables
 * (nothing checked again); false when it has no CFF outlines. */
static bool read_cff_view(const unsigned char *data, size_t len, int index, subset_view *v)
{
    char why[256];
    sfnt s;
    face_facts ff;
    if (!read_directory((bytes){data, len}, index, &s, why, sizeof why) ||
        !check_metrics(&s, &ff, why, sizeof why))
        return false;
    bytes c = table(&s, "CFF ");
    if (c.len < 4)
        return false;
    cff_index names, tops, strings;
    cff_dict top;
    if (!pb_cff_index_read(c, u8(c, 2), &names) || !pb_cff_index_read(c, names.end, &tops) ||
        !pb_cff_index_read(c, tops.end, &strings) || tops.count < 1 ||
        !read_dict(index_item(c, &tops, 0), &top) || top.charstrings <= 0 ||
        (uint64_t)top.charstrings >= c.len ||
        !pb_cff_index_read(c, (size_t)top.charstrings, &v->glyphs) || v->glyphs.count != ff.nglyphs)
        return false;
    v->cff = c;
    v->hmtx = table(&s, "hmtx");
    v->nmetrics = u16(table(&s, "hhea"), 34);
    v->nglyphs = ff.nglyphs;
    return true;
}

/* The advance of glyph g in the subset's hmtx (the last one repeats). */
static uint32_t subset_advance(const subset_view *v, uint32_t g)
{
    uint32_t m = v->nmetrics < v->nglyphs ? v->nmetrics : v->nglyphs;
    return u16(v->hmtx, 4 * (size_t)(g < m ? g : m - 1));
}

/* The box of a glyph's outline, in 16.16 font units: every point of its
 * lines and curves, control points included (as HarfBuzz measures). */
typedef struct outline_box {
    int64_t x0, y0, x1, y1;
    bool any;             /* a line or a curve was drawn */
} outline_box;

typedef struct pen {
    int64_t x, y;
    bool open;            /* the path's first point is in the box */
    outline_box *box;
} pen;

static inline void box_add(outline_box *b, int64_t x, int64_t y)
{
    b->x0 = x < b->x0 ? x : b->x0;
    b->x1 = x > b->x1 ? x : b->x1;
    b->y0 = y < b->y0 ? y : b->y0;
    b->y1 = y > b->y1 ? y : b->y1;
}

static inline void pen_move(pen *p, int64_t dx, int64_t dy)
{
    p->x += dx;
    p->y += dy;
    p->open = false;
}

static inline void pen_line(pen *p, int64_t dx, int64_t dy)
{
    if (!p->open) {
        box_add(p->box, p->x, p->y);
        p->open = true;
    }
    p->x += dx;
    p->y += dy;
    box_add(p->box, p->x, p->y);
    p->box->any = true;
}

static inline void pen_curve(pen *p, int64_t dxa, int64_t dya, int64_t dxb, int64_t dyb, int64_t dxc,
                      int64_t dyc)
{
    pen_line(p, dxa, dya);
    /* the path is open now: its other points only go in the box */
    p->x += dxb;
    p->y += dyb;
    box_add(p->box, p->x, p->y);
    p->x += dxc;
    p->y += dyc;
    box_add(p->box, p->x, p->y);
}

/* A Type 2 charstring (Adobe TN 5177) read as a renderer reads it, its
 * points put in *box: QUICK_GOOD only for plain charstrings (numbers and
 * path and hint operators, within the operand stack, each operator with
 * the operands it takes, a moveto before the path and an endchar at the
 * end), which are what FreeType and HarfBuzz draw alike; subroutines,
 * arithmetic, an accented character made of two (seac) and anything odd
 * are QUICK_DOUBT. */
static quick_verdict read_charstring(bytes cs, outline_box *box)
{
    int64_t v[48];               /* operands, 16.16 */
    int sp = 0;
    bool cleared = false;        /* a stack-clearing operator was seen (the width is before it) */
    unsigned stems = 0;
    pen p = {0, 0, false, box};
    bool moved = false;
    *box = (outline_box){INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN, false};
    for (size_t i = 0; i < cs.len;) {
        uint32_t b = u8(cs, i);
        if (b >= 32 && b <= 246) { /* most numbers: one byte */
            if (sp == 48)
                return QUICK_DOUBT;
            v[sp++] = ((int64_t)b - 139) * 65536;
            i++;
            continue;
        }
        if (b >= 32 || b == 28) {
            int64_t x;
            size_t n = b == 28 ? 3 : b <= 246 ? 1 : b <= 254 ? 2 : 5;
            if (!has(cs, i, n) || sp == 48)
                return QUICK_DOUBT;
            if (b == 28)
                x = (int64_t)(int16_t)u16(cs, i + 1) * 65536;
            else if (b <= 246)
                x = ((int64_t)b - 139) * 65536;
            else if (b <= 250)
                x = (((int64_t)b - 247) * 256 + u8(cs, i + 1) + 108) * 65536;
            else if (b <= 254)
                x = (-((int64_t)b - 251) * 256 - u8(cs, i + 1) - 108) * 65536;
            else
                x = (int32_t)u32(cs, i + 1);
            v[sp++] = x;
            i += n;
            continue;
        }
        uint32_t op = b;
        if (b == 12) {
            if (!has(cs, i, 2))
                return QUICK_DOUBT;
            op = 1200 + u8(cs, i + 1);
            i += 2;
        } else {
            i++;
        }
        /* the first stack-clearing operator may have the width before
           its operands */
        int n = sp, at = 0;
        bool first = !cleared;
        switch (op) {
        case 1: case 3: case 18: case 23: /* hstem vstem hstemhm vstemhm */
            if (first && n % 2)
                n--;
            if (n < 2 || n % 2)
                return QUICK_DOUBT;
            stems += (unsigned)n / 2;
            break;
        case 19: case 20: /* hintmask cntrmask: the implied vstems, then the mask */
            if (first && n % 2)
                n--;
            if (n % 2)
                return QUICK_DOUBT;
            stems += (unsigned)n / 2;
            if (!has(cs, i, (stems + 7) / 8))
                return QUICK_DOUBT;
            i += (stems + 7) / 8;
            break;
        case 21: /* rmoveto */
            if (first && n == 3)
                at = 1;
            if (n - at != 2)
                return QUICK_DOUBT;
            pen_move(&p, v[at], v[at + 1]);
            moved = true;
            break;
        case 4: case 22: /* vmoveto hmoveto */
            if (first && n == 2)
                at = 1;
            if (n - at != 1)
                return QUICK_DOUBT;
            pen_move(&p, op == 22 ? v[at] : 0, op == 4 ? v[at] : 0);
            moved = true;
            break;
        case 5: /* rlineto */
            if (!moved || n < 2 || n % 2)
                return QUICK_DOUBT;
            for (; at < n; at += 2)
                pen_line(&p, v[at], v[at + 1]);
            break;
        case 6: case 7: /* hlineto vlineto: alternate */
            if (!moved || n < 1)
                return QUICK_DOUBT;
            for (bool h = op == 6; at < n; at++, h = !h)
                pen_line(&p, h ? v[at] : 0, h ? 0 : v[at]);
            break;
        case 8: /* rrcurveto */
            if (!moved || n < 6 || n % 6)
                return QUICK_DOUBT;
            for (; at < n; at += 6)
                pen_curve(&p, v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5]);
            break;
        case 24: /* rcurveline */
            if (!moved || n < 8 || (n - 2) % 6)
                return QUICK_DOUBT;
            for (; at < n - 2; at += 6)
                pen_curve(&p, v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5]);
            pen_line(&p, v[at], v[at + 1]);
            break;
        case 25: /* rlinecurve */
            if (!moved || n < 8 || (n - 6) % 2)
                return QUICK_DOUBT;
            for (; at < n - 6; at += 2)
                pen_line(&p, v[at], v[at + 1]);
            pen_curve(&p, v[at], v[at + 1], v[at + 2], v[at + 3], v[at + 4], v[at + 5]);
            break;
        case 26: case 27: { /* vvcurveto hhcurveto: an odd operand first */
            if (!moved || n < 4 || (n % 4 != 0 && n % 4 != 1))
                return QUICK_DOUBT;
            int64_t d1 = n % 4 ? v[at++] : 0;
            for (; at < n; at += 4, d1 = 0) {
                if (op == 27)
                    pen_curve(&p, v[at], d1, v[at + 1], v[at + 2], v[at + 3], 0);
                else
                    pen_curve(&p, d1, v[at], v[at + 1], v[at + 2], 0, v[at + 3]);
            }
            break;
        }
        case 30: case 31: /* vhcurveto hvcurveto: alternate, an odd operand last */
            if (!moved || n < 4 || (n % 4 != 0 && n % 4 != 1))
                return QUICK_DOUBT;
            for (bool h = op == 31; n - at >= 4; at += 4, h = !h) {
                int64_t last = n - at == 5 ? v[at + 4] : 0;
                if (h)
                    pen_curve(&p, v[at], 0, v[at + 1], v[at + 2], last, v[at + 3]);
                else
                    pen_curve(&p, 0, v[at], v[at + 1], v[at + 2], v[at + 3], last);
            }
            break;
        case 1235: /* flex */
            if (!moved || n != 13)
                return QUICK_DOUBT;
            pen_curve(&p, v[0], v[1], v[2], v[3], v[4], v[5]);
            pen_curve(&p, v[6], v[7], v[8], v[9], v[10], v[11]);
            break;
        case 1234: /* hflex */
            if (!moved || n != 7)
                return QUICK_DOUBT;
            pen_curve(&p, v[0], 0, v[1], v[2], v[3], 0);
            pen_curve(&p, v[4], 0, v[5], -v[2], v[6], 0);
            break;
        case 1236: /* hflex1 */
            if (!moved || n != 9)
                return QUICK_DOUBT;
            pen_curve(&p, v[0], v[1], v[2], v[3], v[4], 0);
            pen_curve(&p, v[5], 0, v[6], v[7], v[8], -(v[1] + v[3] + v[7]));
            break;
        case 1237: { /* flex1: the last point's other coordinate returns */
            if (!moved || n != 11)
                return QUICK_DOUBT;
            int64_t dx = v[0] + v[2] + v[4] + v[6] + v[8], dy = v[1] + v[3] + v[5] + v[7] + v[9];
            bool horizontal = (dx < 0 ? -dx : dx) > (dy < 0 ? -dy : dy);
            pen_curve(&p, v[0], v[1], v[2], v[3], v[4], v[5]);
            pen_curve(&p, v[6], v[7], v[8], v[9], horizontal ? v[10] : -dx,
                      horizontal ? -dy : v[10]);
            break;
        }
        case 14: /* endchar: the end, with nothing after it */
            if (first && n == 1)
                n--;
            return n == 0 && i == cs.len ? QUICK_GOOD : QUICK_DOUBT;
        default: /* subroutines, arithmetic, reserved operators */
            return QUICK_DOUBT;
        }
        cleared = true;
        sp = 0;
    }
    return QUICK_DOUBT; /* no endchar */
}

/* Whether the box has an extent, as HarfBuzz's extents do (rounded to
 * font units), and its width. */
static bool box_ink(const outline_box *b, int64_t *width)
{
    *width = 0;
    if (!b->any)
        return false;
    int64_t x0 = (b->x0 + 32768) >> 16, x1 = (b->x1 + 32768) >> 16;
    int64_t y0 = (b->y0 + 32768) >> 16, y1 = (b->y1 + 32768) >> 16;
    *width = x1 - x0;
    return x1 != x0 || y1 != y0;
}

/* HarfBuzz rounds extents half away from zero (roundf). */
static int64_t round_16_16(int64_t v)
{
    return v >= 0 ? (v + 32768) >> 16 : -((-v + 32768) >> 16);
}

/* A face's CFF outlines (pb_face.outlines) and the ink of the glyphs
 * measured last: the line breaker asks for the same punctuation marks'
 * ink in every paragraph.  Each slot holds one answer in one word (bit 63:
 * filled; bits 48-49: the answer + 1; 32-47: the glyph; 16-31 and 0-15:
 * right and left), written whole, so threads sharing the face at worst
 * measure a glyph twice. */
enum { INK_SLOTS = 256 };
typedef struct face_outlines {
    subset_view v;        /* first: face->outlines is also a subset_view */
    _Atomic uint64_t ink[INK_SLOTS];
} face_outlines;

static int quick_ink_x(const subset_view *cff, uint32_t gid, int32_t *left, int32_t *right)
{
    outline_box box;
    if (gid >= cff->glyphs.count ||
        read_charstring(index_item(cff->cff, &cff->glyphs, gid), &box) != QUICK_GOOD)
        return -1;
    /* as HarfBuzz: no extent when nothing was drawn or it has no width */
    if (!box.any || box.x0 >= box.x1)
        return 0;
    int64_t x0 = round_16_16(box.x0), x1 = round_16_16(box.x1);
    if (x1 == x0 || x0 < INT32_MIN || x1 > INT32_MAX)
        return x1 == x0 ? 0 : -1;
    *left = (int32_t)x0;
    *right = (int32_t)x1;
    return 1;
}

int pb_font_quick_ink_x(const pb_face *face, uint32_t gid, int32_t *left, int32_t *right)
{
    face_outlines *fo = face ? face->outlines : NULL;
    if (!fo)
        return -1;
    _Atomic uint64_t *slot = &fo->ink[gid % INK_SLOTS];
    uint64_t e = atomic_load_explicit(slot, memory_order_relaxed);
    if ((e >> 63) && ((e >> 32) & 0xFFFF) == gid) {
        int answer = (int)((e >> 48) & 3) - 1;
        if (answer == 1) {
            *left = (int16_t)(uint16_t)e;
            *right = (int16_t)(uint16_t)(e >> 16);
        }
        return answer;
    }
    int32_t l = 0, r = 0;
    int answer = quick_ink_x(&fo->v, gid, &l, &r);
    /* kept when the glyph id and the ink fit the slot (they do in CFF) */
    if (gid <= 0xFFFF && l >= INT16_MIN && l <= INT16_MAX && r >= INT16_MIN && r <= INT16_MAX)
        atomic_store_explicit(slot,
                              1ull << 63 | (uint64_t)(answer + 1) << 48 | (uint64_t)gid << 32 |
                                  (uint64_t)(uint16_t)(int16_t)r << 16 |
                                  (uint64_t)(uint16_t)(int16_t)l,
                              memory_order_relaxed);
    if (answer == 1) {
        *left = l;
        *right = r;
    }
    return answer;
}

/* ---- glyphs as they are used ------------------------------------------------ */

hb_unicode_general_category_t pb_char_general_category(uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FEF) /* assigned to U+9FEF since Unicode 11 */
        return HB_UNICODE_GENERAL_CATEGORY_OTHER_LETTER;
    if (cp >= 'a' && cp <= 'z')
        return HB_UNICODE_GENERAL_CATEGORY_LOWERCASE_LETTER;
    if (cp >= 'A' && cp <= 'Z')
        return HB_UNICODE_GENERAL_CATEGORY_UPPERCASE_LETTER;
    if (cp >= '0' && cp <= '9')
        return HB_UNICODE_GENERAL_CATEGORY_DECIMAL_NUMBER;
    return hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
}

/* pb_char_has_ink for a character of general category gc. */
static bool has_ink(uint32_t cp, hb_unicode_general_category_t gc)
{
    /* blank by design though letters or symbols: Braille's blank pattern,
       the Hangul fillers, Khmer's inherent vowels */
    if (cp == 0x2800 || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 ||
        cp == 0x17B4 || cp == 0x17B5)
        return false;
    switch (gc) {
    case HB_UNICODE_GENERAL_CATEGORY_UPPERCASE_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_LOWERCASE_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_TITLECASE_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_MODIFIER_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_DECIMAL_NUMBER:
    case HB_UNICODE_GENERAL_CATEGORY_LETTER_NUMBER:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_NUMBER:
    case HB_UNICODE_GENERAL_CATEGORY_CONNECT_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_DASH_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_OPEN_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_CLOSE_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_INITIAL_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_FINAL_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_MATH_SYMBOL:
    case HB_UNICODE_GENERAL_CATEGORY_CURRENCY_SYMBOL:
    case HB_UNICODE_GENERAL_CATEGORY_MODIFIER_SYMBOL:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_SYMBOL:
    case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
        return true;
    default:
        return false;
    }
}

bool pb_char_has_ink(uint32_t cp)
{
    return has_ink(cp, pb_char_general_category(cp));
}

bool pb_char_advances(uint32_t cp)
{
    hb_unicode_general_category_t gc = pb_char_general_category(cp);
    if (gc == HB_UNICODE_GENERAL_CATEGORY_SPACE_SEPARATOR)
        return true;
    return gc != HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK && has_ink(cp, gc);
}

unsigned pb_font_glyph_facts(const pb_face *face, uint32_t gid)
{
    _Atomic unsigned char *facts = face->facts;
    if (gid >= face->nglyphs)
        return PB_GLYPH_KNOWN | PB_GLYPH_MISSING;
    unsigned f = facts ? atomic_load_explicit(&facts[gid], memory_order_relaxed) : 0;
    if (f & PB_GLYPH_KNOWN)
        return f;
    f = PB_GLYPH_KNOWN;
    hb_glyph_extents_t ext;
    int64_t ink_width = 0;
    const subset_view *cff = face->outlines;
    outline_box box;
    /* a plain charstring is measured here, as HarfBuzz would measure it
       but without its interpreter's cost; others by HarfBuzz */
    if (cff && gid < cff->glyphs.count &&
        read_charstring(index_item(cff->cff, &cff->glyphs, gid), &box) == QUICK_GOOD) {
        f |= PB_GLYPH_PLAIN;
        if (box_ink(&box, &ink_width))
            f |= PB_GLYPH_INK;
        ink_width = ink_width < 0 ? -ink_width : ink_width;
    } else if (hb_font_get_glyph_extents(face->hb_font, gid, &ext) &&
               (ext.width != 0 || ext.height != 0)) {
        f |= PB_GLYPH_INK;
        ink_width = ext.width < 0 ? -(int64_t)ext.width : ext.width;
    }
    int64_t adv = hb_font_get_glyph_h_advance(face->hb_font, gid);
    if (adv > 0)
        f |= PB_GLYPH_ADVANCE;
    if (adv > ink_width + 2 * (int64_t)face->upem)
        f |= PB_GLYPH_OVERWIDE;
    /* the same answer whoever computes it first: a relaxed store is enough */
    if (facts)
        atomic_store_explicit(&facts[gid], (unsigned char)f, memory_order_relaxed);
    return f;
}

static void char_text(uint32_t cp, char out[8])
{
    out[pb_utf8_encode(cp, out)] = 0;
}

bool pb_font_check_cluster(const pb_face *face, const uint32_t *cps, int ncps,
                           const uint32_t *gids, int ngids, bool joined, char *why,
                           size_t whylen)
{
    bool ink = false, advance = false;
    unsigned any_ink = 0, any_advance = 0;
    for (int i = 0; i < ngids; i++) {
        unsigned f = pb_font_glyph_facts(face, gids[i]);
        if (f & PB_GLYPH_MISSING)
            return FAULT("it shapes U+%04X to glyph %u, the font has %u", ncps ? cps[0] : 0,
                         gids[i], face->nglyphs);
        any_ink |= f & PB_GLYPH_INK;
        any_advance |= f & PB_GLYPH_ADVANCE;
        if (f & PB_GLYPH_OVERWIDE) {
            char ch[8];
            char_text(ncps ? cps[0] : 0, ch);
            return FAULT("the glyph of U+%04X \"%s\" advances %d units, far more than it is "
                         "wide (damaged 'hmtx')",
                         ncps ? cps[0] : 0, ch,
                         (int)hb_font_get_glyph_h_advance(face->hb_font, gids[i]));
        }
    }
    int need_ink = -1, need_advance = -1;
    for (int i = 0; i < ncps && !joined; i++) {
        if (!ink && pb_char_has_ink(cps[i])) {
            ink = true;
            need_ink = i;
        }
        if (!advance && pb_char_advances(cps[i])) {
            advance = true;
            need_advance = i;
        }
    }
    char ch[8];
    if (ink && !any_ink) {
        char_text(cps[need_ink], ch);
        return FAULT("the glyph of U+%04X \"%s\" has no outline", cps[need_ink], ch);
    }
    if (advance && !any_advance) {
        char_text(cps[need_advance], ch);
        return FAULT("the glyph of U+%04X \"%s\" has no advance (damaged 'hmtx')",
                     cps[need_advance], ch);
    }
    return true;
}

bool pb_font_glyphs_print(const pb_face *face, const uint32_t *gids, int ngids)
{
    unsigned any = 0;
    for (int i = 0; i < ngids; i++) {
        unsigned f = pb_font_glyph_facts(face, gids[i]);
        if (f & (PB_GLYPH_MISSING | PB_GLYPH_OVERWIDE))
            return false;
        any |= f;
    }
    return (any & PB_GLYPH_INK) && (any & PB_GLYPH_ADVANCE);
}

bool pb_font_check_probes(pb_face *face, char *why, size_t whylen)
{
    /* the commonest characters of Chinese text, Latin letters and digits,
       and Arabic letters (for the fonts that serve Uyghur) */
    static const uint32_t probes[] = {
        0x7684 /* 的 */, 0x4E00 /* 一 */, 0x56FD /* 国 */, 0x5E74 /* 年 */, 0x4EBA /* 人 */,
        0x653F /* 政 */, 0x516C /* 公 */, 0x5F00 /* 开 */, 0x3002 /* 。 */, 0xFF0C /* ， */,
        'A', 'H', 'a', 'e', 'x', '0', '1', '2', '8',
        0x0627 /* ا */, 0x0628 /* ب */, 0x064A /* ي */, 0x06D5 /* ە */,
    };
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(face->hb_font, probes[i], &g) || g == 0)
            continue;
        uint32_t gid = g;
        if (!pb_font_check_cluster(face, &probes[i], 1, &gid, 1, false, why, whylen))
            return false;
    }
    return true;
}

/* ---- the subset ------------------------------------------------------------
 *
 * The subset HarfBuzz made is read back the way a PDF reader's renderer
 * (FreeType, in poppler and MuPDF) will read it.  Loading every glyph with
 * FreeType costs more than making the subset (some 100,000 instructions a
 * glyph of a dense CFF font), so each glyph is first read here: a plain
 * charstring (numbers and path operators only, well formed, within the
 * operand stack, a moveto before the path and an endchar at its end) with
 * the face's advance in the subset's hmtx is what FreeType draws, and has
 * an outline when it draws a line or a curve.  Whatever this reading cannot
 * vouch for (subroutine calls, arithmetic, hints in odd places, an accented
 * character made of two, TrueType outlines, a glyph without ink where the
 * face has ink) is loaded with FreeType, which gives the verdict.  A
 * charstring that is the face's, hints aside, is not read again: the
 * face's was read when its glyph was first measured. */

/* Why s reads as f when it is f without its hints: every operator of a
 * plain charstring clears the stack, so each one left keeps its own
 * operands; the hints change nothing of the outline, and a hint mask's
 * length, the only thing the stems' count decides, goes with them (TN
 * 5177 4.3: the width goes with the first stack-clearing operator, in s
 * the first one left, a moveto or endchar, which takes it as f's did).
 * f is walked number by number, without reading a point, and compared in
 * runs between its hints. */
bool pb_font_charstring_reads_as(const unsigned char *face_cs, size_t face_len,
                                 const unsigned char *cs, size_t len)
{
    bytes f = {face_cs, face_len}, s = {cs, len};
    if (f.len == s.len) /* f without hints is shorter than f */
        return memcmp(f.p, s.p, s.len) == 0;
    const unsigned char *p = f.p;
    size_t i = 0;
    size_t run = 0;       /* where the operands of the next operator start */
    size_t kept = 0;      /* f[kept, run) is in s at `at`, not yet compared */
    size_t at = 0;
    size_t width = 0;     /* f[0, width): the width a hint carried */
    unsigned stems = 0;
    bool first = true;
    for (;;) {
        size_t len;
        while (i < f.len && (len = pb_cff_number_length[p[i]]) != 0)
            i += len;
        if (i >= f.len)
            break;
        uint32_t b = p[i];
        size_t op = i;
        i += b == 12 ? 2 : 1;
        if (b == 1 || b == 3 || b == 18 || b == 23 || b == 19 || b == 20) {
            /* the hint, its operands and its mask are left out */
            if (run - kept > s.len - at || memcmp(s.p + at, p + kept, run - kept) != 0)
                return false;
            at += run - kept;
            unsigned n = 0;
            for (size_t k = run; k < op; k += pb_cff_number_length[p[k]])
                n++;
            if (first && n % 2) {
                width = pb_cff_number_length[p[0]]; /* the first operand */
                n--;
            }
            stems += n / 2;
            if (b == 19 || b == 20)
                i += (stems + 7) / 8;
            kept = i;
        } else if (width) {
            /* the first operator left: the width before its operands
               (kept == run: nothing was left between the hint and it) */
            if (width > s.len - at || memcmp(s.p + at, p, width) != 0)
                return false;
            at += width;
            width = 0;
        }
        first = false;
        run = i;
    }
    return kept <= f.len && f.len - kept == s.len - at &&
           memcmp(s.p + at, p + kept, f.len - kept) == 0;
}

/* One used glyph of the subset read quickly: in the subset, with the face's
 * advance, a plain charstring with ink where the face has ink. */
static quick_verdict quick_glyph(const subset_view *v, const pb_face *face,
                                 const pb_subset_glyph *g)
{
    if (g->new_gid >= v->nglyphs || g->new_gid >= v->glyphs.count)
        return QUICK_DOUBT;
    if (!v->bare && (long)subset_advance(v, g->new_gid) !=
                        (long)hb_font_get_glyph_h_advance(face->hb_font, g->gid))
        return QUICK_DOUBT;
    unsigned facts = pb_font_glyph_facts(face, g->gid);
    bytes cs = index_item(v->cff, &v->glyphs, g->new_gid);
    /* read_charstring depends on the bytes alone: the face's bytes, read
       plain when its facts were found, read the same here, with the same
       ink (the subset's index and advance are still the subset's own) */
    if (facts & PB_GLYPH_PLAIN) {
        const subset_view *fv = face->outlines;
        bytes was = index_item(fv->cff, &fv->glyphs, g->gid);
        if (pb_font_charstring_reads_as(was.p, was.len, cs.p, cs.len))
            return QUICK_GOOD;
    }
    outline_box box;
    int64_t width;
    if (read_charstring(cs, &box) != QUICK_GOOD)
        return QUICK_DOUBT;
    bool ink = box_ink(&box, &width);
    if (!ink && (facts & PB_GLYPH_INK))
        return QUICK_DOUBT;
    return QUICK_GOOD;
}

/* The glyphs loaded with FreeType from the subset: each there, with the
 * face's advance (in an OpenType subset: a bare CFF's advances are the
 * PDF's /W) and, where the face has ink, an outline. */
static pb_font_verdict freetype_check(const pb_face *face, const unsigned char *data,
                                      size_t len, const pb_subset_glyph *glyphs, int n,
                                      char *why, size_t whylen)
{
    bool bare = is_bare_cff(data, len);
    FT_Library lib;
    FT_Error e = FT_Init_FreeType(&lib);
    if (e == FT_Err_Out_Of_Memory)
        return PB_FONT_NO_MEMORY;
    if (e) {
        snprintf(why, whylen, "FreeType cannot start (error 0x%02X)", (unsigned)e);
        return PB_FONT_FAULT;
    }
    pb_font_verdict v = PB_FONT_GOOD;
    FT_Face ft = NULL;
    e = FT_New_Memory_Face(lib, data, (FT_Long)len, 0, &ft);
    uint32_t most = 0;
    for (int i = 0; i < n; i++)
        if (glyphs[i].new_gid > most)
            most = glyphs[i].new_gid;
    if (e == FT_Err_Out_Of_Memory) {
        v = PB_FONT_NO_MEMORY;
    } else if (e) {
        v = PB_FONT_FAULT;
        snprintf(why, whylen, "its subset for the PDF cannot be read back (FreeType error 0x%02X)",
                 (unsigned)e);
    } else if ((uint64_t)ft->num_glyphs <= most) {
        v = PB_FONT_FAULT;
        snprintf(why, whylen, "its subset for the PDF has %ld glyphs, it needs %u",
                 (long)ft->num_glyphs, most + 1);
    }
    for (int i = 0; i < n && v == PB_FONT_GOOD; i++) {
        const pb_subset_glyph *g = &glyphs[i];
        e = FT_Load_Glyph(ft, g->new_gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING |
                                              FT_LOAD_NO_BITMAP | FT_LOAD_IGNORE_TRANSFORM);
        if (e == FT_Err_Out_Of_Memory) {
            v = PB_FONT_NO_MEMORY;
            break;
        }
        unsigned facts = pb_font_glyph_facts(face, g->gid);
        long want = hb_font_get_glyph_h_advance(face->hb_font, g->gid);
        char what[64], ch[8];
        char_text(g->cp, ch);
        if (g->cp)
            snprintf(what, sizeof what, "the glyph of U+%04X \"%s\"", g->cp, ch);
        else
            snprintf(what, sizeof what, "glyph %u", g->gid);
        if (e) {
            snprintf(why, whylen, "%s is damaged: read back from the subset for the PDF, "
                     "FreeType cannot draw it (error 0x%02X)", what, (unsigned)e);
            v = PB_FONT_FAULT;
        } else if (!bare && ft->glyph->metrics.horiAdvance != want) {
            snprintf(why, whylen, "%s advances %ld units in the subset for the PDF, %ld in "
                     "the font", what, (long)ft->glyph->metrics.horiAdvance, want);
            v = PB_FONT_FAULT;
        } else if ((facts & PB_GLYPH_INK) && ft->glyph->format == FT_GLYPH_FORMAT_OUTLINE &&
                   ft->glyph->outline.n_points == 0) {
            snprintf(why, whylen, "%s is damaged: it has an extent but, read back from the "
                     "subset for the PDF, no outline", what);
            v = PB_FONT_FAULT;
        }
    }
    if (ft)
        FT_Done_Face(ft);
    FT_Done_FreeType(lib);
    /* FreeType reports some failed allocations as damaged tables: the
       subset is to blame only when memory can be had */
    if (v == PB_FONT_FAULT && pb_memory_short(4 * len + (16u << 20)))
        v = PB_FONT_NO_MEMORY;
    return v;
}

pb_font_verdict pb_font_check_subset(const pb_face *face, const unsigned char *data,
                                     size_t len, const pb_subset_glyph *glyphs, int n,
                                     char *why, size_t whylen)
{
    subset_view v;
    if (!read_subset(data, len, 0, &v))
        return freetype_check(face, data, len, glyphs, n, why, whylen);
    /* the glyphs the quick reading doubts, for FreeType */
    pb_subset_glyph *doubt = malloc((size_t)(n > 0 ? n : 1) * sizeof *doubt);
    if (!doubt)
        return PB_FONT_NO_MEMORY;
    int ndoubt = 0;
    for (int i = 0; i < n; i++)
        if (quick_glyph(&v, face, &glyphs[i]) != QUICK_GOOD)
            doubt[ndoubt++] = glyphs[i];
    pb_font_verdict verdict =
        ndoubt ? freetype_check(face, data, len, doubt, ndoubt, why, whylen) : PB_FONT_GOOD;
    free(doubt);
    return verdict;
}

void *pb_font_outlines_new(const unsigned char *data, size_t len, int index)
{
    subset_view v;
    if (!read_cff_view(data, len, index, &v))
        return NULL;
    face_outlines *out = pb_xmalloc(sizeof *out);
    out->v = v;
    for (int i = 0; i < INK_SLOTS; i++)
        atomic_init(&out->ink[i], 0);
    return out;
}
