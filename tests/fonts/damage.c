/* Makes a damaged copy of a font, the way files are damaged in the wild
 * (a cut download, a disk error, a bad converter) and the way an attacker
 * would craft one.  Face INDEX of a collection is the one damaged; the
 * rest of the file is copied as it is.
 *
 * usage: damage FONT INDEX KIND OUT     writes the damaged copy to OUT
 *        damage --list                  lists the kinds: name, tab, what it does
 *
 * A kind that does not apply to the font (a glyf damage of a CFF font)
 * exits 3 without writing anything. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *font;
static size_t flen;
static size_t dir;        /* the face's table directory */
static unsigned ntables;

static uint32_t get16(size_t o)
{
    return (uint32_t)font[o] << 8 | font[o + 1];
}

static uint32_t get32(size_t o)
{
    return (uint32_t)font[o] << 24 | (uint32_t)font[o + 1] << 16 | (uint32_t)font[o + 2] << 8 |
           font[o + 3];
}

static void put16(size_t o, uint32_t v)
{
    font[o] = (unsigned char)(v >> 8);
    font[o + 1] = (unsigned char)v;
}

static void put32(size_t o, uint32_t v)
{
    font[o] = (unsigned char)(v >> 24);
    font[o + 1] = (unsigned char)(v >> 16);
    font[o + 2] = (unsigned char)(v >> 8);
    font[o + 3] = (unsigned char)v;
}

/* The directory record of table tag, or 0. */
static size_t record(const char *tag)
{
    for (unsigned t = 0; t < ntables; t++)
        if (memcmp(font + dir + 12 + 16 * t, tag, 4) == 0)
            return dir + 12 + 16 * t;
    return 0;
}

static size_t table_off(const char *tag)
{
    size_t r = record(tag);
    return r ? get32(r + 8) : 0;
}

static size_t table_len(const char *tag)
{
    size_t r = record(tag);
    return r ? get32(r + 12) : 0;
}

static int nglyphs(void)
{
    return (int)get16(table_off("maxp") + 4);
}

/* The glyph cmap gives cp (formats 4 and 12 of the Unicode subtables). */
static uint32_t glyph_of(uint32_t cp)
{
    size_t cmap = table_off("cmap");
    unsigned n = get16(cmap + 2);
    for (unsigned i = 0; i < n; i++) {
        size_t r = cmap + 4 + 8 * i, t = cmap + get32(r + 4);
        unsigned format = get16(t);
        if (format == 12) {
            uint32_t groups = get32(t + 12);
            for (uint32_t g = 0; g < groups; g++) {
                size_t p = t + 16 + 12 * g;
                if (cp >= get32(p) && cp <= get32(p + 4))
                    return get32(p + 8) + (cp - get32(p));
            }
        } else if (format == 4 && cp < 0x10000) {
            unsigned segs = get16(t + 6) / 2;
            size_t ends = t + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs,
                   ranges = deltas + 2 * segs;
            for (unsigned s = 0; s < segs; s++) {
                uint32_t end = get16(ends + 2 * s), start = get16(starts + 2 * s);
                if (cp < start || cp > end)
                    continue;
                uint32_t delta = get16(deltas + 2 * s), ro = get16(ranges + 2 * s);
                if (ro == 0)
                    return (cp + delta) & 0xFFFF;
                uint32_t g = get16(ranges + 2 * s + ro + 2 * (cp - start));
                return g ? (g + delta) & 0xFFFF : 0;
            }
        }
    }
    return 0;
}

/* The characters whose glyphs the targeted damages break: characters of
 * the test report that paiban does not try when it opens a font, so the
 * damage shows only when the text uses them. */
static const uint32_t targets[] = {0x62A5 /* 报 */, 0x544A /* 告 */, 0x6761 /* 条 */,
                                   0x0033 /* 3 */, 0x0079 /* y */};

static void zero_table(const char *tag)
{
    memset(font + table_off(tag), 0, table_len(tag));
}

/* The byte range of glyph g in glyf. */
static void glyf_range(uint32_t g, size_t *start, size_t *end)
{
    size_t loca = table_off("loca"), glyf = table_off("glyf");
    bool longf = get16(table_off("head") + 50) == 1;
    *start = glyf + (longf ? get32(loca + 4 * g) : 2 * get16(loca + 2 * g));
    *end = glyf + (longf ? get32(loca + 4 * g + 4) : 2 * get16(loca + 2 * g + 2));
}

/* The CFF CharStrings INDEX: where its offsets and data start. */
static bool charstrings(size_t *count, size_t *osize, size_t *offsets, size_t *data)
{
    size_t cff = table_off("CFF ");
    if (!cff)
        return false;
    /* Top DICT INDEX, after the header and the Name INDEX */
    size_t p = cff + font[cff + 2];
    for (int k = 0; k < 2; k++) {
        unsigned n = get16(p), os = font[p + 2];
        size_t offs = p + 3;
        uint32_t last = 0;
        for (unsigned b = 0; b < os; b++)
            last = last << 8 | font[offs + n * os + b];
        if (k == 1) {
            /* the Top DICT: find operator 17 (CharStrings) */
            uint32_t first = 0;
            for (unsigned b = 0; b < os; b++)
                first = first << 8 | font[offs + b];
            size_t d = offs + (n + 1) * os - 1;
            size_t s = d + first, e = d + last;
            long stack = 0;
            for (size_t i = s; i < e;) {
                unsigned c = font[i];
                if (c == 28) {
                    stack = (int16_t)get16(i + 1);
                    i += 3;
                } else if (c == 29) {
                    stack = (int32_t)get32(i + 1);
                    i += 5;
                } else if (c == 30) {
                    for (i++; (font[i] & 0xF) != 0xF && (font[i] >> 4) != 0xF; i++)
                        ;
                    i++;
                } else if (c >= 32 && c <= 246) {
                    stack = (long)c - 139;
                    i++;
                } else if (c >= 247 && c <= 250) {
                    stack = ((long)c - 247) * 256 + font[i + 1] + 108;
                    i += 2;
                } else if (c >= 251 && c <= 254) {
                    stack = -((long)c - 251) * 256 - font[i + 1] - 108;
                    i += 2;
                } else if (c == 12) {
                    i += 2;
                } else {
                    if (c == 17) {
                        size_t cs = cff + (size_t)stack;
                        *count = get16(cs);
                        *osize = font[cs + 2];
                        *offsets = cs + 3;
                        *data = cs + 3 + (*count + 1) * *osize - 1;
                        return true;
                    }
                    i++;
                }
            }
            return false;
        }
        p = offs + (n + 1) * os - 1 + last;
    }
    return false;
}

static uint32_t get_off(size_t at, size_t size)
{
    uint32_t v = 0;
    for (size_t b = 0; b < size; b++)
        v = v << 8 | font[at + b];
    return v;
}

/* Where the CFF table's Top DICT data runs: [*start, *end), past the
 * header and the Name INDEX. */
static void top_dict(size_t *start, size_t *end)
{
    size_t c = table_off("CFF ");
    size_t p = c + font[c + 2];
    unsigned n = get16(p), os = font[p + 2];
    size_t names_end = p + 3 + (n + 1) * os - 1 + get_off(p + 3 + n * os, os);
    unsigned tn = get16(names_end), tos = font[names_end + 2];
    size_t toffs = names_end + 3, tdata = toffs + (tn + 1) * tos - 1;
    *start = tdata + get_off(toffs, tos);
    *end = tdata + get_off(toffs + tos, tos);
}

static void put_off(size_t at, size_t size, uint32_t v)
{
    for (size_t b = size; b-- > 0; v >>= 8)
        font[at + b] = (unsigned char)v;
}

/* The kinds: name, what it does. */
static const char *const kinds[][2] = {
    {"truncated-half", "the file cut in half"},
    {"truncated-directory", "the file cut inside the table directory"},
    {"truncated-outlines", "the file cut in the middle of glyf or CFF"},
    {"zero-head", "head zeroed"},
    {"zero-hhea", "hhea zeroed"},
    {"zero-hmtx", "hmtx zeroed: every advance 0"},
    {"zero-maxp", "maxp zeroed: no glyphs"},
    {"zero-cmap", "cmap zeroed"},
    {"zero-loca", "loca zeroed: every glyph empty"},
    {"zero-glyf", "glyf zeroed"},
    {"zero-cff", "CFF zeroed"},
    {"zero-name", "name zeroed"},
    {"zero-os2", "OS/2 zeroed"},
    {"zero-post", "post zeroed"},
    {"zero-gsub", "GSUB zeroed"},
    {"swap-hmtx-loca", "the directory entries of hmtx and loca swapped"},
    {"swap-cmap-glyf", "the directory entries of cmap and glyf (or CFF) swapped"},
    {"swap-head-hhea", "the directory entries of head and hhea swapped"},
    {"cmap-past-glyphs", "cmap maps common characters to glyphs past the last one"},
    {"cmap-glyph-65535", "cmap maps 报 to glyph 65535"},
    {"huge-table-length", "the outline table's length is 2 GB"},
    {"huge-table-offset", "hmtx's offset is past the end of the file"},
    {"huge-glyph-count", "maxp counts 65535 glyphs"},
    {"huge-metric-count", "hhea announces 65535 advances"},
    {"zero-metric-count", "hhea announces no advances"},
    {"zero-advances", "every advance in hmtx 0, the rest intact"},
    {"huge-advances", "every advance in hmtx 30000 units"},
    {"zero-advance-one", "the advance of 报's glyph 0"},
    {"empty-outlines", "the glyphs of 报告条3y empty"},
    {"garbled-outlines", "the glyphs of 报告条3y keep their extent, their points garbled"},
    {"bad-upem", "head's units per em 0"},
    {"bad-loca-format", "head's loca format flipped"},
    {"loca-out-of-order", "loca's offset of 报's glyph before the one before it"},
    {"cff-index-offset-order", "CharStrings INDEX offsets out of order"},
    {"cff-index-offset-past", "the last CharStrings INDEX offset past the table"},
    {"cff-index-offsize", "CharStrings INDEX offset size 7"},
    {"cff-index-count", "CharStrings INDEX count one less than the glyphs"},
    {"cff-top-dict", "the CFF Top DICT's bytes reserved operators"},
    {"cff-bbox-operands", "the CFF Top DICT's FontBBox given more than four operands (readers "
                          "take the first four; paiban's CFF subsetter refuses it)"},
    {"noise-outlines", "one byte in 50 of glyf or CFF flipped (fixed seed)"},
    {"noise-cmap", "one byte in 20 of cmap flipped (fixed seed)"},
    {"noise-directory", "the table directory's bytes flipped (fixed seed)"},
};

static bool swap(const char *a, const char *b)
{
    size_t ra = record(a), rb = record(b);
    if (!ra || !rb)
        return false;
    unsigned char tmp[8];
    memcpy(tmp, font + ra + 8, 8);
    memmove(font + ra + 8, font + rb + 8, 8);
    memcpy(font + rb + 8, tmp, 8);
    return true;
}

static void noise(size_t off, size_t len, unsigned every)
{
    uint32_t x = 2463534242u; /* xorshift32, fixed seed: the same damage every time */
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (x % every == 0)
            font[off + i] ^= (unsigned char)(1 + (x >> 8) % 255);
    }
}

/* Applies kind; false when it does not apply to this font. */
static bool apply(const char *kind)
{
    bool cff = record("CFF ") != 0;
    const char *outlines = cff ? "CFF " : "glyf";
    size_t count, osize, offsets, data;
    if (!strcmp(kind, "truncated-half")) {
        flen /= 2;
    } else if (!strcmp(kind, "truncated-directory")) {
        flen = dir + 12 + 16 * (ntables / 2) + 5;
    } else if (!strcmp(kind, "truncated-outlines")) {
        flen = table_off(outlines) + table_len(outlines) / 2;
    } else if (!strncmp(kind, "zero-", 5) && strcmp(kind, "zero-advances") &&
               strcmp(kind, "zero-advance-one") && strcmp(kind, "zero-metric-count")) {
        static const char *const map[][2] = {
            {"head", "head"}, {"hhea", "hhea"}, {"hmtx", "hmtx"}, {"maxp", "maxp"},
            {"cmap", "cmap"}, {"loca", "loca"}, {"glyf", "glyf"}, {"cff", "CFF "},
            {"name", "name"}, {"os2", "OS/2"}, {"post", "post"}, {"gsub", "GSUB"}};
        for (size_t i = 0; i < sizeof map / sizeof *map; i++)
            if (!strcmp(kind + 5, map[i][0])) {
                if (!record(map[i][1]))
                    return false;
                zero_table(map[i][1]);
                return true;
            }
        return false;
    } else if (!strcmp(kind, "swap-hmtx-loca")) {
        return swap("hmtx", "loca");
    } else if (!strcmp(kind, "swap-cmap-glyf")) {
        return swap("cmap", outlines);
    } else if (!strcmp(kind, "swap-head-hhea")) {
        return swap("head", "hhea");
    } else if (!strcmp(kind, "cmap-past-glyphs") || !strcmp(kind, "cmap-glyph-65535")) {
        /* rewrite the segment or group of each target so it maps past the
           last glyph: format 4 through its delta, format 12 its start */
        size_t cmap = table_off("cmap");
        unsigned n = get16(cmap + 2);
        bool done = false;
        for (unsigned i = 0; i < n; i++) {
            size_t t = cmap + get32(cmap + 4 + 8 * i + 4);
            unsigned format = get16(t);
            for (size_t k = 0; k < (kind[5] == 'g' ? 1 : sizeof targets / sizeof *targets); k++) {
                uint32_t cp = targets[k];
                uint32_t want = kind[5] == 'g' ? 65535 : (uint32_t)nglyphs() + 100 + (uint32_t)k;
                if (format == 12) {
                    uint32_t groups = get32(t + 12);
                    for (uint32_t g = 0; g < groups; g++) {
                        size_t p = t + 16 + 12 * g;
                        if (cp >= get32(p) && cp <= get32(p + 4)) {
                            put32(p + 8, want - (cp - get32(p)));
                            done = true;
                        }
                    }
                } else if (format == 4) {
                    unsigned segs = get16(t + 6) / 2;
                    size_t ends = t + 14, starts = ends + 2 * segs + 2,
                           deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
                    for (unsigned s = 0; s < segs; s++)
                        if (cp >= get16(starts + 2 * s) && cp <= get16(ends + 2 * s) &&
                            get16(ranges + 2 * s) == 0) {
                            put16(deltas + 2 * s, (want - cp) & 0xFFFF);
                            done = true;
                        }
                }
            }
        }
        return done;
    } else if (!strcmp(kind, "huge-table-length")) {
        put32(record(outlines) + 12, 0x7FFFFFFF);
    } else if (!strcmp(kind, "huge-table-offset")) {
        put32(record("hmtx") + 8, (uint32_t)flen + 4096);
    } else if (!strcmp(kind, "huge-glyph-count")) {
        put16(table_off("maxp") + 4, 65535);
    } else if (!strcmp(kind, "huge-metric-count")) {
        put16(table_off("hhea") + 34, 65535);
    } else if (!strcmp(kind, "zero-metric-count")) {
        put16(table_off("hhea") + 34, 0);
    } else if (!strcmp(kind, "zero-advances") || !strcmp(kind, "huge-advances")) {
        unsigned m = get16(table_off("hhea") + 34);
        size_t h = table_off("hmtx");
        for (unsigned i = 0; i < m; i++)
            put16(h + 4 * i, kind[0] == 'z' ? 0 : 30000);
    } else if (!strcmp(kind, "zero-advance-one")) {
        uint32_t g = glyph_of(0x62A5);
        unsigned m = get16(table_off("hhea") + 34);
        if (!g || g >= m)
            return false; /* monospaced tail: no advance of its own */
        put16(table_off("hmtx") + 4 * g, 0);
    } else if (!strcmp(kind, "empty-outlines")) {
        for (size_t k = 0; k < sizeof targets / sizeof *targets; k++) {
            uint32_t g = glyph_of(targets[k]);
            if (!g)
                continue;
            if (cff) {
                /* the charstring ends at once: "endchar", the rest unused */
                if (!charstrings(&count, &osize, &offsets, &data))
                    return false;
                uint32_t at = get_off(offsets + g * osize, osize);
                font[data + at] = 14;
            } else {
                size_t s, e;
                glyf_range(g, &s, &e);
                if (e > s + 10)
                    memset(font + s, 0, 10); /* no contours, no extent */
            }
        }
    } else if (!strcmp(kind, "garbled-outlines")) {
        for (size_t k = 0; k < sizeof targets / sizeof *targets; k++) {
            uint32_t g = glyph_of(targets[k]);
            if (!g)
                continue;
            if (cff) {
                /* a charstring that draws, then calls a subroutine that
                   is not there: "0 0 rmoveto 100 100 rlineto 32000 callsubr" */
                if (!charstrings(&count, &osize, &offsets, &data))
                    return false;
                uint32_t at = get_off(offsets + g * osize, osize);
                uint32_t end = get_off(offsets + (g + 1) * osize, osize);
                static const unsigned char cs[] = {139, 139, 21, 239, 239, 5, 28, 0x7D, 0, 10};
                if (end - at < sizeof cs)
                    continue;
                memcpy(font + data + at, cs, sizeof cs);
            } else {
                size_t s, e;
                glyf_range(g, &s, &e);
                if (e < s + 14 || (int16_t)get16(s) <= 0)
                    continue;
                /* the last contour ends at point 65000: far past the data */
                put16(s + 10 + 2 * (get16(s) - 1), 65000);
            }
        }
    } else if (!strcmp(kind, "bad-upem")) {
        put16(table_off("head") + 18, 0);
    } else if (!strcmp(kind, "bad-loca-format")) {
        if (cff)
            return false;
        put16(table_off("head") + 50, get16(table_off("head") + 50) ^ 1);
    } else if (!strcmp(kind, "loca-out-of-order")) {
        uint32_t g = glyph_of(0x62A5);
        if (cff || !g)
            return false;
        size_t loca = table_off("loca");
        if (get16(table_off("head") + 50) == 1)
            put32(loca + 4 * g, get32(loca + 4 * (g - 1)) > 4 ? get32(loca + 4 * (g - 1)) - 4 : 0);
        else
            put16(loca + 2 * g, get16(loca + 2 * (g - 1)) > 2 ? get16(loca + 2 * (g - 1)) - 2 : 0);
    } else if (!strncmp(kind, "cff-index-", 10)) {
        if (!cff || !charstrings(&count, &osize, &offsets, &data))
            return false;
        if (!strcmp(kind, "cff-index-offset-order")) {
            uint32_t g = glyph_of(0x62A5);
            put_off(offsets + (g + 1) * osize, osize, get_off(offsets + g * osize, osize) - 1);
        } else if (!strcmp(kind, "cff-index-offset-past")) {
            put_off(offsets + count * osize, osize, (uint32_t)table_len("CFF ") + 1000);
        } else if (!strcmp(kind, "cff-index-offsize")) {
            font[offsets - 1] = 7;
        } else if (!strcmp(kind, "cff-index-count")) {
            put16(offsets - 3, (uint32_t)count - 1);
        } else {
            return false;
        }
    } else if (!strcmp(kind, "cff-top-dict")) {
        if (!cff)
            return false;
        /* the Top DICT's data: fill it with a reserved operator */
        size_t a, b;
        top_dict(&a, &b);
        memset(font + a, 255, b - a);
    } else if (!strcmp(kind, "cff-bbox-operands")) {
        if (!cff)
            return false;
        size_t i, e;
        top_dict(&i, &e);
        /* FontBBox (5): its operands' bytes, five or more, made as many
           zeros */
        bool done = false;
        for (size_t start = i; i < e && !done;) {
            unsigned b = font[i];
            if (b == 5) {
                if (i - start >= 5) {
                    memset(font + start, 139, i - start);
                    done = true;
                }
                start = ++i;
            } else if (b == 12) {
                start = i += 2;
            } else if (b < 22) {
                start = ++i;
            } else if (b == 30) { /* a real number: nibbles up to 0xF */
                for (i++; i < e && (font[i] & 0xF) != 0xF && (font[i] >> 4) != 0xF; i++)
                    ;
                i++;
            } else {
                i += b == 28 ? 3 : b == 29 ? 5 : b >= 247 && b <= 254 ? 2 : 1;
            }
        }
        return done;
    } else if (!strcmp(kind, "noise-outlines")) {
        noise(table_off(outlines), table_len(outlines), 50);
    } else if (!strcmp(kind, "noise-cmap")) {
        noise(table_off("cmap"), table_len("cmap"), 20);
    } else if (!strcmp(kind, "noise-directory")) {
        noise(dir + 12, 16 * (size_t)ntables, 8);
    } else {
        fprintf(stderr, "damage: unknown kind %s\n", kind);
        exit(2);
    }
    return true;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
            printf("%s\t%s\n", kinds[i][0], kinds[i][1]);
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: damage FONT INDEX KIND OUT | damage --list\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    flen = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    font = malloc(flen);
    if (!font || fread(font, 1, flen, f) != flen) {
        perror(argv[1]);
        return 2;
    }
    fclose(f);
    int index = atoi(argv[2]);
    dir = memcmp(font, "ttcf", 4) == 0 ? get32(12 + 4 * (size_t)index) : 0;
    ntables = get16(dir + 4);
    if (!apply(argv[3]))
        return 3;
    f = fopen(argv[4], "wb");
    if (!f || fwrite(font, 1, flen, f) != flen || fclose(f) != 0) {
        perror(argv[4]);
        return 2;
    }
    free(font);
    return 0;
}
