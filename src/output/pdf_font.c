/* Type0 font embedding: paiban's CFF subsetter and HarfBuzz's, libharu
 * object API.
 *
 * CFF faces are subset by src/fonts/cff_subset.c with renumbered glyph
 * ids into a bare CID-keyed CFF with an identity charset (CID = new gid in
 * every reader), FontFile3 /Subtype /CIDFontType0C (PDF 1.3), as
 * CIDFontType0.  TrueType faces are subset by HarfBuzz with renumbered
 * glyph ids (CID = new gid, CIDToGIDMap /Identity, FontFile2).  A CFF face
 * paiban's subsetter refuses (seac accents, arithmetic in charstrings,
 * anything unusual) is subset by HarfBuzz into FontFile3 /Subtype
 * /OpenType (PDF 1.6); CID-keyed ones are renumbered too and given an
 * identity charset (see cff_identity_charset), others keep their glyph
 * ids so that CID = GID in every reader. */
#include "output/pdf_font.h"

#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/flate.h"
#include "base/utf8.h"
#include "fonts/cff_read.h"
#include "fonts/cff_subset.h"
#include "fonts/font_check.h"
#include "fonts/programs.h"
#include "output/pdf_pack.h"
#include "output/pdf_parts.h"

/* ---- buffer -------------------------------------------------------- */

void pdf_buf_reserve(pdf_buf *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->p = pb_xrealloc(b->p, cap);
        b->cap = cap;
    }
}

/* The decimal digits of v, at least min_digits of them (leading zeros),
 * written backwards ending at end, two at a time; returns where they
 * start.  Numbers are formatted into a small array and put in one piece:
 * the content streams hold a few per glyph. */
static char *digits_before(char *end, unsigned long long v, int min_digits)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char *p = end;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, pairs + 2 * d, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    while (end - p < min_digits)
        *--p = '0';
    return p;
}

void pdf_buf_int(pdf_buf *b, long long v)
{
    char s[24];
    char *end = s + sizeof s;
    bool neg = v < 0;
    char *p = digits_before(end, neg ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v, 1);
    if (neg)
        *--p = '-';
    pdf_buf_put(b, p, (size_t)(end - p));
}

void pdf_buf_dec(pdf_buf *b, long long num, long long den, int decimals)
{
    static const unsigned long long pow10[] = {
        1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
        100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
        10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
        100000000000000000ULL, 1000000000000000000ULL};
    if (den < 0) {
        num = -num;
        den = -den;
    }
    bool neg = num < 0;
    unsigned long long a = neg ? (unsigned long long)-(num + 1) + 1 : (unsigned long long)num;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 18)
        decimals = 18; /* 10^19 is past 64 bits */
    unsigned long long scale = pow10[decimals];
    unsigned long long q = (a * scale + (unsigned long long)den / 2) / (unsigned long long)den;
    unsigned long long ip = q / scale, fp = q % scale;
    int digits = decimals;
    while (digits > 0 && fp % 10 == 0) {
        fp /= 10;
        digits--;
    }
    char s[48]; /* sign, 20 integer digits, point, 18 decimals */
    char *end = s + sizeof s, *p = end;
    if (digits > 0) {
        p = digits_before(p, fp, digits);
        *--p = '.';
    }
    p = digits_before(p, ip, 1);
    if (neg && q != 0)
        *--p = '-';
    pdf_buf_put(b, p, (size_t)(end - p));
}

void pdf_buf_hex4(pdf_buf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    char s[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    pdf_buf_put(b, s, 4);
}

/* ---- pass 1: what the pages use ----------------------------------- */

void pdf_fonts_init(pdf_fonts *fs, const pb_fontset *set)
{
    memset(fs, 0, sizeof *fs);
    fs->set = set;
    fs->count = set ? pb_fonts_face_count(set) : 0;
    if (fs->count > 0)
        fs->fonts = pb_xcalloc((size_t)fs->count, sizeof *fs->fonts);
}

void pdf_fonts_free(pdf_fonts *fs)
{
    pb_program_free(&fs->held);
    free(fs->cmap.p);
    for (int i = 0; i < fs->count; i++) {
        free(fs->fonts[i].slot);
        free(fs->fonts[i].glyphs);
    }
    free(fs->fonts);
    memset(fs, 0, sizeof *fs);
}

/* The slot of gid in f, made when past the face's glyph count (the embed
 * pass rejects such a glyph with a message). */
static int *slot_of(pdf_font *f, uint32_t gid)
{
    if (gid >= f->nslots) {
        uint32_t n = gid + 1;
        f->slot = pb_xrealloc(f->slot, (size_t)n * sizeof *f->slot);
        memset(f->slot + f->nslots, 0, (size_t)(n - f->nslots) * sizeof *f->slot);
        f->nslots = n;
    }
    return &f->slot[gid];
}

bool pdf_fonts_note_more(pdf_fonts *fs, const pb_pglyph *g, const char *text)
{
    if (g->face >= fs->count)
        return false;
    pdf_font *f = &fs->fonts[g->face];
    if (!f->face) {
        f->face = pb_fonts_face(fs->set, g->face);
        if (!f->face || !f->face->hb_face || !f->face->hb_font || f->face->upem <= 0) {
            f->face = NULL;
            return false;
        }
    }
    if (!f->slot) {
        f->nslots = f->face->nglyphs > 0 ? f->face->nglyphs : 1;
        f->slot = pb_xcalloc(f->nslots, sizeof *f->slot);
    }
    const char *t = text && g->text_len ? text + g->text_off : NULL;
    int *slot = slot_of(f, g->gid);
    if (*slot > 0) {
        pdf_glyph *pg = &f->glyphs[*slot - 1];
        if (!pg->text && t) {
            pg->text = t;
            pg->text_len = g->text_len;
            pg->rtl = g->flags & PB_PG_RTL;
        }
        return true;
    }
    if (f->nglyphs == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->glyphs = pb_xrealloc(f->glyphs, (size_t)f->cap * sizeof *f->glyphs);
    }
    f->glyphs[f->nglyphs] =
        (pdf_glyph){g->gid, 0, 0, t, t ? g->text_len : 0, t && (g->flags & PB_PG_RTL)};
    *slot = ++f->nglyphs;
    return true;
}

/* ---- pass 2: subset and write ------------------------------------- */

void pdf_sort_keyed(pdf_keyed *a, size_t n)
{
    if (n < 2)
        return;
    uint64_t differ = 0;
    for (size_t i = 1; i < n; i++)
        differ |= a[i].key ^ a[0].key;
    pdf_keyed *from = a, *to = NULL;
    for (int shift = 0; shift < 64; shift += 8) {
        if (!((differ >> shift) & 0xFF))
            continue; /* every key has the same byte here */
        if (!to)
            to = pb_xmalloc(n * sizeof *to);
        size_t at[256] = {0};
        for (size_t i = 0; i < n; i++)
            at[(from[i].key >> shift) & 0xFF]++;
        size_t sum = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = at[d];
            at[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            to[at[(from[i].key >> shift) & 0xFF]++] = from[i];
        pdf_keyed *t = from;
        from = to;
        to = t;
    }
    if (from != a)
        memcpy(a, from, n * sizeof *a);
    free(from != a ? from : to);
}

/* f's glyphs in the order of their gid (by_cid false) or cid. */
static void sort_glyphs(pdf_font *f, bool by_cid)
{
    size_t n = (size_t)f->nglyphs;
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    pdf_keyed *k = pb_arena_alloc(work, (n ? n : 1) * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (pdf_keyed){by_cid ? f->glyphs[i].cid : f->glyphs[i].gid, (uint32_t)i};
    pdf_sort_keyed(k, n);
    pdf_glyph *g = pb_arena_alloc(work, (n ? n : 1) * sizeof *g);
    for (size_t i = 0; i < n; i++)
        g[i] = f->glyphs[k[i].index];
    memcpy(f->glyphs, g, n * sizeof *g);
    pb_scratch_end(&scratch);
}

/* Font units -> 1/1000 em, rounded half away from zero. */
static int em1000(int v, int upem)
{
    long long p = (long long)v * 1000;
    return (int)(p >= 0 ? (p + upem / 2) / upem : (p - upem / 2) / upem);
}

static const char *const drop_tables[] = {
    /* layout: shaping is done */
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "morx", "mort", "kerx",
    "kern", "feat", "trak",
    /* vertical metrics: text is set horizontally (Identity-H) */
    "vhea", "vmtx", "VORG",
    /* hinting and device tables: PDF viewers scale outlines */
    "cvt ", "fpgm", "prep", "gasp", "hdmx", "LTSH", "VDMX", "PCLT",
    /* bitmaps and colour: print uses the outlines */
    "EBDT", "EBLC", "EBSC", "CBDT", "CBLC", "sbix", "SVG ", "COLR", "CPAL",
    /* variations, signatures, metadata */
    "fvar", "avar", "gvar", "HVAR", "VVAR", "MVAR", "cvar", "STAT", "DSIG",
    "meta",
    /* character maps and names: the PDF maps codes to glyphs itself */
    "cmap", "name", "post",
};

/* ---- CFF charset ---------------------------------------------------
 *
 * In a CID-keyed CFF the charset maps glyph ids to CIDs, and PDF readers
 * disagree on what a CIDFontType0 code is: MuPDF 1.21 looks it up in the
 * charset, poppler 22.12 uses it as the glyph id of the OpenType font.
 * Subsetting with retained glyph ids makes the two agree but costs 4-7
 * bytes for every glyph of the original font (140 KB more for Noto CJK
 * after compression); instead the renumbered subset gets an identity
 * charset, so CID = new glyph id for both. */

typedef struct cff_top {
    bool cid_keyed;       /* Top DICT has ROS */
    long charset;         /* offset, or -1 */
    long charstrings;     /* offset, or -1 */
} cff_top;

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The Top DICT's entries the charset rewrite follows; false when the
 * table is not CFF 1 or its Name or Top DICT INDEX or the DICT is
 * damaged. */
static bool cff_parse_top(const unsigned char *c, size_t len, cff_top *top)
{
    *top = (cff_top){false, -1, -1};
    pb_cff_bytes cff = {c, len};
    pb_cff_index names, tops;
    pb_cff_bytes dict;
    if (len < 4 || c[0] != 1 || !pb_cff_index_read(cff, c[2], &names) ||
        !pb_cff_index_read(cff, names.end, &tops) || !pb_cff_index_item(cff, &tops, 0, &dict))
        return false;
    pb_cff_dict_op o;
    size_t pos = 0;
    int r;
    while ((r = pb_cff_dict_next(dict, &pos, &o)) == 1) {
        if (o.op == PB_CFF_OP_ROS)
            top->cid_keyed = true;
        else if (o.op == PB_CFF_OP_CHARSET && o.n == 1)
            top->charset = o.v[0];
        else if (o.op == PB_CFF_OP_CHARSTRINGS && o.n == 1)
            top->charstrings = o.v[0];
    }
    return r == 0;
}

static bool cff_is_cid_keyed(hb_face_t *face)
{
    hb_blob_t *blob = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const unsigned char *c = (const unsigned char *)hb_blob_get_data(blob, &len);
    cff_top top;
    bool cid = c && cff_parse_top(c, len, &top) && top.cid_keyed;
    hb_blob_destroy(blob);
    return cid;
}

/* Sum of the big-endian 32-bit words of p[0..len), zero-padded. */
static uint32_t sfnt_checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += be32(p + i);
    if (i < len) {
        unsigned char tail[4] = {0};
        memcpy(tail, p + i, len - i);
        sum += be32(tail);
    }
    return sum;
}

/* Makes CID = GID in the CID-keyed CFF of the OpenType font in place
 * (always fits: no charset is shorter than the identity one in its own
 * format) and fixes the checksums. */
static bool cff_identity_charset(unsigned char *font, size_t len)
{
    if (len < 12)
        return false;
    uint32_t ntables = be16(font + 4);
    size_t cff_rec = 0, head_rec = 0;
    for (uint32_t t = 0; t < ntables; t++) {
        size_t r = 12 + (size_t)t * 16;
        if (r + 16 > len)
            return false;
        if (memcmp(font + r, "CFF ", 4) == 0)
            cff_rec = r;
        else if (memcmp(font + r, "head", 4) == 0)
            head_rec = r;
    }
    if (!cff_rec)
        return false;
    size_t off = be32(font + cff_rec + 8), clen = be32(font + cff_rec + 12);
    if (off > len || clen > len - off)
        return false;
    unsigned char *c = font + off;
    cff_top top;
    if (!cff_parse_top(c, clen, &top) || !top.cid_keyed || top.charset <= 2 ||
        top.charstrings <= 0 || (size_t)top.charset >= clen)
        return false;
    pb_cff_index glyphs;
    if (!pb_cff_index_read((pb_cff_bytes){c, clen}, (size_t)top.charstrings, &glyphs) ||
        glyphs.count < 1)
        return false;
    uint32_t n = glyphs.count;
    size_t q = (size_t)top.charset;
    unsigned fmt = c[q];
    uint32_t covered = 0;
    size_t p = q + 1;
    if (fmt == 0) {
        if (p + 2 * ((size_t)n - 1) > clen)
            return false;
        for (uint32_t g = 1; g < n; g++)
            put_be16(c + p + 2 * (size_t)(g - 1), g);
    } else if (fmt == 1 || fmt == 2) {
        size_t rsize = fmt == 1 ? 3 : 4;
        while (covered < n - 1) {
            if (p + rsize > clen)
                return false;
            covered += 1 + (fmt == 1 ? c[p + 2] : be16(c + p + 2));
            p += rsize;
        }
        uint32_t maxrun = fmt == 1 ? 256 : 65536;
        size_t w = q + 1;
        for (uint32_t g = 1; g < n;) {
            uint32_t run = n - g < maxrun ? n - g : maxrun;
            if (w + rsize > p)
                return false;
            put_be16(c + w, g);
            if (fmt == 1)
                c[w + 2] = (unsigned char)(run - 1);
            else
                put_be16(c + w + 2, run - 1);
            w += rsize;
            g += run;
        }
    } else {
        return false;
    }
    put_be32(font + cff_rec + 4, sfnt_checksum(c, clen));
    if (head_rec) {
        size_t hoff = be32(font + head_rec + 8);
        if (hoff + 12 > len)
            return false;
        put_be32(font + hoff + 8, 0);
        put_be32(font + head_rec + 4, sfnt_checksum(font + hoff, be32(font + head_rec + 12)));
        put_be32(font + hoff + 8, 0xB1B0AFBAu - sfnt_checksum(font, len));
    }
    return true;
}

/* ---- subsetting ----------------------------------------------------- */

/* The face's tables but its character map, for the subsetter.  Given
 * glyph ids, HarfBuzz (6.0) reads the whole cmap to find the characters
 * of those glyphs (12 ms for Noto CJK's 65,535 glyphs, a third of a
 * render) only to write a cmap and the OS/2 character ranges, which a PDF
 * font program does not use: the cmap is dropped, the ranges come out
 * empty. */
static hb_blob_t *table_but_cmap(hb_face_t *face, hb_tag_t tag, void *user)
{
    (void)face;
    if (tag == HB_TAG('c', 'm', 'a', 'p'))
        return hb_blob_get_empty();
    return hb_face_reference_table(user, tag);
}

static void destroy_face(void *user)
{
    hb_face_destroy(user);
}

static hb_face_t *face_without_cmap(hb_face_t *face)
{
    hb_face_t *f = hb_face_create_for_tables(table_but_cmap, hb_face_reference(face),
                                             destroy_face);
    if (f == hb_face_get_empty())
        return NULL;
    hb_face_set_upem(f, hb_face_get_upem(face));
    hb_face_set_glyph_count(f, hb_face_get_glyph_count(face));
    return f;
}

/* Runs the subsetter and sets the glyphs' cids: the new glyph ids, or the
 * original ones when `retain`.  Returns the font program (malloc'ed). */
static unsigned char *subset_face(pdf_font *f, bool retain, size_t *out_len, char *why,
                                  size_t whylen, pb_diag *diag)
{
    const pb_face *face = f->face;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) {
        pb_diag_out_of_memory(diag);
        return NULL;
    }
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (int i = 0; i < f->nglyphs; i++)
        hb_set_add(gs, f->glyphs[i].gid);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop_tables / sizeof drop_tables[0]; i++)
        hb_set_add(drop, hb_tag_from_string(drop_tables[i], 4));
    /* CFF: inlining the subroutines is faster and the result no larger
     * (Fandol has none; Noto CJK subsets come out smaller) */
    unsigned flags = HB_SUBSET_FLAGS_NO_HINTING;
    if (face->is_cff)
        flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
    if (retain)
        flags |= HB_SUBSET_FLAGS_RETAIN_GIDS;
    hb_subset_input_set_flags(in, flags);

    unsigned char *font = NULL;
    hb_face_t *planned = face_without_cmap(face->hb_face);
    hb_subset_plan_t *plan = planned ? hb_subset_plan_create_or_fail(planned, in) : NULL;
    hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
    const char *fault = NULL;
    if (sub) {
        const hb_map_t *o2n = hb_subset_plan_old_to_new_glyph_mapping(plan);
        for (int i = 0; i < f->nglyphs && !fault; i++) {
            pdf_glyph *g = &f->glyphs[i];
            hb_codepoint_t cid = retain ? g->gid : hb_map_get(o2n, g->gid);
            if (cid == HB_MAP_VALUE_INVALID || cid > 0xFFFF) {
                snprintf(why, whylen, "glyph %u is missing from its subset", g->gid);
                fault = why;
            }
            g->cid = cid;
        }
        hb_blob_t *blob = hb_face_reference_blob(sub);
        unsigned len = 0;
        const char *data = hb_blob_get_data(blob, &len);
        if (!fault && len == 0)
            fault = "its subset is empty";
        if (!fault) {
            font = pb_xmalloc(len);
            memcpy(font, data, len);
            *out_len = len;
        }
        hb_blob_destroy(blob);
    } else {
        fault = "HarfBuzz cannot make a subset of it";
    }
    /* HarfBuzz fails the same way for a damaged font and for want of
       memory: the font is to blame only when memory can be had */
    hb_blob_t *whole = hb_face_reference_blob(face->hb_face);
    size_t size = hb_blob_get_length(whole);
    hb_blob_destroy(whole);
    if (fault && pb_memory_short(2 * size + (32u << 20)))
        pb_diag_out_of_memory(diag);
    else if (fault && fault != why)
        snprintf(why, whylen, "%s", fault);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_face_destroy(planned);
    hb_subset_input_destroy(in);
    return font;
}

/* The order of a subset's glyphs: by the character each shows first, so
 * that characters of one radical, which Unicode keeps together and which
 * share strokes, sit together in the program where deflate finds their
 * repeats (the sample's font programs: 970 bytes smaller than in glyph id
 * order); glyphs that show no character last, by glyph id. */
typedef struct glyph_order {
    uint32_t cp, gid;
    int index;            /* in f->glyphs */
} glyph_order;

/* A CFF face's glyphs subset by paiban's own subsetter into a bare CFF,
 * .notdef first and the rest in the order above, their cids set to their
 * new gids; NULL when it refuses the face.  Its charstrings are copied,
 * not interpreted: a few million instructions for the body font's subset
 * where HarfBuzz (6.0) takes fifty, and no OpenType wrapper (head, hhea,
 * hmtx, maxp, OS/2: some 400 bytes a font after deflating) that a PDF
 * reader does not use. */
static unsigned char *own_cff_program(pdf_font *f, size_t *len)
{
    hb_blob_t *blob = hb_face_reference_table(f->face->hb_face, HB_TAG('C', 'F', 'F', ' '));
    unsigned tlen = 0;
    const unsigned char *cff = (const unsigned char *)hb_blob_get_data(blob, &tlen);
    /* (the blob is the face's table, kept by the face: a reference that
       running out of memory strands is only a count) */
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    glyph_order *order = pb_arena_alloc(work, ((size_t)f->nglyphs + 1) * sizeof *order);
    uint32_t *gids = pb_arena_alloc(work, ((size_t)f->nglyphs + 1) * sizeof *gids);
    int n = 0;
    for (int i = 0; i < f->nglyphs; i++) {
        const pdf_glyph *g = &f->glyphs[i];
        if (g->gid == 0)
            continue;
        size_t k = 0;
        uint32_t cp = g->text && g->text_len ? pb_utf8_next(g->text, g->text_len, &k) : UINT32_MAX;
        order[n++] = (glyph_order){cp, g->gid, i};
    }
    /* by character, then glyph id */
    pdf_keyed *keys = pb_arena_alloc(work, ((size_t)n + 1) * sizeof *keys);
    for (int i = 0; i < n; i++)
        keys[i] = (pdf_keyed){(uint64_t)order[i].cp << 32 | order[i].gid, (uint32_t)i};
    pdf_sort_keyed(keys, (size_t)n);
    glyph_order *sorted = pb_arena_alloc(work, ((size_t)n + 1) * sizeof *sorted);
    for (int i = 0; i < n; i++)
        sorted[i] = order[keys[i].index];
    order = sorted;
    gids[0] = 0;
    for (int i = 0; i < n; i++)
        gids[i + 1] = order[i].gid;
    unsigned char *prog = NULL;
    char why[200];
    bool ok = tlen && pb_cff_subset(cff, tlen, gids, n + 1, &prog, len, why, sizeof why);
    hb_blob_destroy(blob);
    if (ok) {
        for (int i = 0; i < f->nglyphs; i++)
            if (f->glyphs[i].gid == 0)
                f->glyphs[i].cid = 0;
        for (int i = 0; i < n; i++)
            f->glyphs[order[i].index].cid = (uint32_t)i + 1;
    }
    pb_scratch_end(&scratch);
    return ok ? prog : NULL;
}

/* CFF: paiban's subsetter, a bare CFF (*bare_cff set).  TrueType, and
 * CID-keyed CFF it refuses: HarfBuzz, renumbered glyphs, CID = new gid.
 * Other CFF fonts it refuses keep their glyph ids.  NULL when the face
 * cannot be subset (it is rejected, or memory ran out: see diag). */
static unsigned char *font_program(pdf_font *f, size_t *len, bool *bare_cff, char *why,
                                   size_t whylen, pb_diag *diag)
{
    *bare_cff = false;
    if (!f->face->is_cff)
        return subset_face(f, false, len, why, whylen, diag);
    unsigned char *own = own_cff_program(f, len);
    if (own) {
        *bare_cff = true;
        return own;
    }
    if (cff_is_cid_keyed(f->face->hb_face)) {
        unsigned char *font = subset_face(f, false, len, why, whylen, diag);
        if (!font || cff_identity_charset(font, *len))
            return font;
        free(font);
    }
    return subset_face(f, true, len, why, whylen, diag);
}

/* The font program read back as a PDF reader will (font_check.c): each
 * used glyph there at its CID, with its advance and outline. */
static pb_font_verdict check_program(const pdf_font *f, const unsigned char *prog,
                                     size_t len, char *why, size_t whylen)
{
    pb_scratch scratch;
    pb_subset_glyph *sg =
        pb_arena_alloc(pb_scratch_begin(&scratch), (size_t)f->nglyphs * sizeof *sg);
    for (int i = 0; i < f->nglyphs; i++) {
        const pdf_glyph *g = &f->glyphs[i];
        size_t k = 0;
        uint32_t cp = g->text && g->text_len ? pb_utf8_next(g->text, g->text_len, &k) : 0;
        sg[i] = (pb_subset_glyph){g->gid, g->cid, cp};
    }
    pb_font_verdict v = pb_font_check_subset(f->face, prog, len, sg, f->nglyphs, why, whylen);
    pb_scratch_end(&scratch);
    return v;
}

/* Six upper-case letters from a hash of the face and its glyph set, so the
 * same input always gives the same name and different subsets differ. */
static void subset_tag(const pdf_font *f, char tag[7])
{
    uint64_t h = 0xcbf29ce484222325u;
#define MIX(byte) (h = (h ^ (uint8_t)(byte)) * 0x100000001b3u)
    const char *ps = f->face->postscript_name ? f->face->postscript_name : "";
    for (const char *p = ps; *p; p++)
        MIX(*p);
    MIX(f->face->index);
    for (int i = 0; i < f->nglyphs; i++)
        for (int k = 0; k < 4; k++)
            MIX(f->glyphs[i].gid >> (8 * k));
#undef MIX
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h /= 26;
    }
    tag[6] = 0;
}

/* "ABCDEF+PostScriptName", keeping only characters that are regular in PDF
 * names and PostScript names. */
static void base_font_name(const pdf_font *f, char *out, size_t size)
{
    char tag[7];
    subset_tag(f, tag);
    size_t n = 0;
    memcpy(out, tag, 6);
    out[6] = '+';
    n = 7;
    const char *ps = f->face->postscript_name;
    for (const char *p = ps ? ps : ""; *p && n + 1 < size && n < 7 + 63; p++) {
        unsigned char c = (unsigned char)*p;
        if (c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", c))
            out[n++] = (char)c;
    }
    if (n == 7) {
        const char *fallback = "Font";
        memcpy(out + n, fallback, 4);
        n += 4;
    }
    out[n] = 0;
}

static void append_utf16(pdf_buf *b, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        pdf_buf_hex4(b, 0xD800 + (cp >> 10));
        pdf_buf_hex4(b, 0xDC00 + (cp & 0x3FF));
    } else {
        pdf_buf_hex4(b, cp);
    }
}

/* The characters glyph g shows, as a CMap destination string. */
static void tounicode_text(pdf_buf *b, const pdf_glyph *g)
{
    pdf_buf_put(b, "<", 1);
    /* a destination string holds at most 512 bytes */
    uint32_t cps[120];
    int ncps = 0;
    for (size_t k = 0; k < g->text_len && ncps < 120;)
        cps[ncps++] = pb_utf8_next(g->text, g->text_len, &k);
    /* a glyph that shows several characters right to left (a lam-alef
     * ligature) maps to them in the order they are shown: readers
     * (poppler) take a glyph's characters left to right and put
     * right-to-left runs back into reading order themselves */
    for (int i = 0, units = 0; i < ncps && units < 120; i++) {
        uint32_t cp = cps[g->rtl ? ncps - 1 - i : i];
        append_utf16(b, cp);
        units += cp >= 0x10000 ? 2 : 1;
    }
    pdf_buf_put(b, ">", 1);
}

/* How many glyphs from i on have text and consecutive cids that differ
 * only in the low byte: one bfrange entry holds them (CMap spec, Adobe
 * TN 5014 1.4.3: a range's codes differ only in their last byte). */
static int tounicode_run(const pdf_font *f, int i)
{
    int n = 1;
    while (i + n < f->nglyphs && f->glyphs[i + n].text &&
           f->glyphs[i + n].cid == f->glyphs[i].cid + (uint32_t)n &&
           f->glyphs[i + n].cid >> 8 == f->glyphs[i].cid >> 8)
        n++;
    return n;
}

/* Glyphs in cid order; a run of consecutive cids is one bfrange entry with
 * an array of destinations (PDF 9.10.3), which is half the size of a
 * bfchar line per glyph; single glyphs are bfchar lines.  At most 100
 * entries a block (TN 5014). */
static void tounicode_cmap(const pdf_font *f, pdf_buf *b)
{
    pdf_buf_str(b,
                "/CIDInit /ProcSet findresource begin\n"
                "12 dict begin\n"
                "begincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n"
                "/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (int i = 0; i < f->nglyphs;) {
        /* the next block: up to 100 entries all runs or all single glyphs */
        while (i < f->nglyphs && !f->glyphs[i].text)
            i++;
        if (i == f->nglyphs)
            break;
        bool ranges = tounicode_run(f, i) > 1;
        int entries = 0, end = i;
        while (end < f->nglyphs && entries < 100) {
            if (!f->glyphs[end].text) {
                end++;
                continue;
            }
            int run = tounicode_run(f, end);
            if ((run > 1) != ranges)
                break;
            end += run;
            entries++;
        }
        pdf_buf_int(b, entries);
        pdf_buf_str(b, ranges ? " beginbfrange\n" : " beginbfchar\n");
        while (i < end) {
            if (!f->glyphs[i].text) {
                i++;
                continue;
            }
            int run = tounicode_run(f, i);
            pdf_buf_put(b, "<", 1);
            pdf_buf_hex4(b, f->glyphs[i].cid);
            if (ranges) {
                pdf_buf_put(b, "> <", 3);
                pdf_buf_hex4(b, f->glyphs[i + run - 1].cid);
                pdf_buf_put(b, "> [", 3);
                for (int k = 0; k < run; k++) {
                    if (k)
                        pdf_buf_put(b, " ", 1);
                    tounicode_text(b, &f->glyphs[i + k]);
                }
                pdf_buf_str(b, "]\n");
            } else {
                pdf_buf_put(b, "> ", 2);
                tounicode_text(b, &f->glyphs[i]);
                pdf_buf_put(b, "\n", 1);
            }
            i += run;
        }
        pdf_buf_str(b, ranges ? "endbfrange\n" : "endbfchar\n");
    }
    pdf_buf_str(b,
                "endcmap\n"
                "CMapName currentdict /CMap defineresource pop\n"
                "end\n"
                "end\n");
}

/* Font data is compressed here (libdeflate, src/base/flate.c) rather than
 * by libharu, whose deflate level is fixed.  CFF charstrings are dense:
 * the sample's font programs, 234,583 bytes at level 1, are 0.9% smaller
 * at level 9 for 1.3 ms more; levels 10 to 12 take 0.9% more off at two
 * and a half to three times level 9's time (FandolFang's program: 3.1 ms
 * at level 9, 8 ms at 10, 10 ms at 12). */
#define FONT_DEFLATE_LEVEL 9
/* ToUnicode maps are a few KB of text: level 9 makes them 5% smaller than
 * level 1 (the sample: 150 bytes) for a few tens of microseconds */
#define TOUNICODE_DEFLATE_LEVEL 9

/* libharu drops a /Filter it did not apply itself; write_fn adds entries
 * after the dictionary's own, so the key is written there. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
    (void)dict;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Stream s holds bytes paiban deflated: libharu writes its /Filter and
 * does not deflate them again. */
static void mark_deflated(HPDF_Dict s)
{
    s->filter = HPDF_STREAM_FILTER_NONE;
    s->write_fn = write_flate_filter;
}

/* Writes the compressed bytes z (freed here) into s, with its /Filter. */
static bool put_compressed(HPDF_Dict s, unsigned char *z, size_t zlen)
{
    mark_deflated(s);
    bool ok = HPDF_Stream_Write(s->stream, z, (HPDF_UINT)zlen) == HPDF_OK;
    free(z);
    return ok;
}

/* The compressed bytes z (malloc'ed) are stream s's data, kept in
 * `outside` for pdf_pack instead of written through libharu. */
static void keep_compressed(HPDF_Dict s, struct pdf_extras *outside, unsigned char *z,
                            size_t zlen)
{
    mark_deflated(s);
    pdf_extras_keep_stream(outside, pdf_obj_num(s), z, zlen);
}

bool pdf_stream_put_deflated(HPDF_Dict s, int level, const void *data, size_t len)
{
    unsigned char *z;
    size_t zlen;
    return pb_deflate(data, len, level, &z, &zlen) && put_compressed(s, z, zlen);
}

bool pdf_stream_keep_deflated(HPDF_Dict s, pb_deflater *d, const void *data, size_t len,
                              struct pdf_extras *outside)
{
    unsigned char *z;
    size_t zlen;
    /* the room first: from the run on, outside holds the data */
    pdf_extras_room(outside);
    if (!pb_deflater_run(d, data, len, &z, &zlen))
        return false;
    keep_compressed(s, outside, z, zlen);
    /* kept until the file is packed: the room made for the worst case
     * (more than the input) goes back to the heap, where the next page's
     * buffers take it instead of fresh pages */
    struct pdf_outside *kept = &outside->outside[outside->noutside - 1];
    kept->data = pb_xrealloc(kept->data, zlen);
    return true;
}

HPDF_Dict pdf_new_stream(HPDF_Doc pdf, int level, const void *data, size_t len)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!s)
        return NULL;
    if (level > 0 && len)
        return pdf_stream_put_deflated(s, level, data, len) ? s : NULL;
    if (len && HPDF_Stream_Write(s->stream, data, (HPDF_UINT)len) != HPDF_OK)
        return NULL;
    return s;
}

static HPDF_Dict new_indirect_dict(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
        return NULL;
    return d;
}

/* Default width: the commonest one (full-width CJK glyphs). */
static int default_width(const pdf_font *f)
{
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    pdf_keyed *k = pb_arena_alloc(work, (size_t)f->nglyphs * sizeof *k);
    for (int i = 0; i < f->nglyphs; i++) /* signed order: the sign bit flipped */
        k[i] = (pdf_keyed){(uint32_t)f->glyphs[i].width ^ 0x80000000u, 0};
    pdf_sort_keyed(k, (size_t)f->nglyphs);
    int *w = pb_arena_alloc(work, (size_t)f->nglyphs * sizeof *w);
    for (int i = 0; i < f->nglyphs; i++)
        w[i] = (int)(uint32_t)(k[i].key ^ 0x80000000u);
    int best = w[0], best_n = 0;
    for (int i = 0; i < f->nglyphs;) {
        int j = i;
        while (j < f->nglyphs && w[j] == w[i])
            j++;
        if (j - i > best_n) {
            best = w[i];
            best_n = j - i;
        }
        i = j;
    }
    pb_scratch_end(&scratch);
    return best;
}

/* /W: runs of consecutive CIDs whose width differs from /DW. */
static HPDF_Array widths_array(HPDF_Doc pdf, const pdf_font *f, int dw)
{
    HPDF_Array w = HPDF_Array_New(pdf->mmgr);
    if (!w)
        return NULL;
    for (int i = 0; i < f->nglyphs;) {
        if (f->glyphs[i].width == dw) {
            i++;
            continue;
        }
        HPDF_Array run = HPDF_Array_New(pdf->mmgr);
        if (!run || HPDF_Array_AddNumber(w, (HPDF_INT32)f->glyphs[i].cid) != HPDF_OK ||
            HPDF_Array_Add(w, run) != HPDF_OK)
            return NULL;
        int j = i;
        do {
            if (HPDF_Array_AddNumber(run, f->glyphs[j].width) != HPDF_OK)
                return NULL;
            j++;
        } while (j < f->nglyphs && f->glyphs[j].width != dw &&
                 f->glyphs[j].cid == f->glyphs[j - 1].cid + 1 && j - i < 4096);
        i = j;
    }
    return w;
}

static HPDF_Array box_array(HPDF_Doc pdf, const pb_face *face)
{
    HPDF_Array a = HPDF_Array_New(pdf->mmgr);
    if (!a)
        return NULL;
    for (int i = 0; i < 4; i++)
        if (HPDF_Array_AddNumber(a, em1000(face->bbox[i], face->upem)) != HPDF_OK)
            return NULL;
    return a;
}

/* A stream object holding data already deflated (with its /Filter). */
static HPDF_Dict deflated_stream(HPDF_Doc pdf, const void *z, size_t zlen)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!s)
        return NULL;
    mark_deflated(s);
    return HPDF_Stream_Write(s->stream, z, (HPDF_UINT)zlen) == HPDF_OK ? s : NULL;
}

/* prog: the font program as it goes into the PDF (deflated when compress);
 * with `outside` its data is taken there (pdf_pack writes it). */
static bool write_font(pdf_font *f, HPDF_Doc pdf, bool compress, pb_program *prog,
                       struct pdf_extras *outside, pdf_buf *cmap)
{
    const pb_face *face = f->face;
    char name[80];
    base_font_name(f, name, sizeof name);
    HPDF_STATUS r = HPDF_OK;

    /* font program */
    HPDF_Dict file;
    if (compress && outside) {
        file = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
        if (file) {
            keep_compressed(file, outside, prog->data, prog->len);
            prog->data = NULL;
        }
    } else {
        file = compress ? deflated_stream(pdf, prog->data, prog->len)
                        : pdf_new_stream(pdf, 0, prog->data, prog->len);
    }
    if (!file)
        return false;
    if (face->is_cff)
        r |= HPDF_Dict_AddName(file, "Subtype", prog->bare_cff ? "CIDFontType0C" : "OpenType");
    else
        r |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)prog->made_len);

    /* CIDSet: one bit per CID present, the first CID in the high bit */
    uint32_t maxcid = 0;
    for (int i = 0; i < f->nglyphs; i++)
        if (f->glyphs[i].cid > maxcid)
            maxcid = f->glyphs[i].cid;
    size_t nbytes = maxcid / 8 + 1;
    pb_scratch scratch;
    unsigned char *bits = pb_arena_calloc(pb_scratch_begin(&scratch), nbytes, 1);
    bits[0] |= 0x80; /* .notdef */
    for (int i = 0; i < f->nglyphs; i++)
        bits[f->glyphs[i].cid / 8] |= (unsigned char)(0x80 >> (f->glyphs[i].cid % 8));
    HPDF_Dict cidset = pdf_new_stream(pdf, compress ? FONT_DEFLATE_LEVEL : 0, bits, nbytes);
    pb_scratch_end(&scratch);
    if (!cidset)
        return false;

    /* descriptor */
    HPDF_Dict fd = new_indirect_dict(pdf);
    if (!fd)
        return false;
    int flags = 4; /* symbolic: glyphs outside the standard Latin set */
    if (face->fixed_pitch)
        flags |= 1;
    if (face->serif)
        flags |= 2;
    if (face->italic_angle != 0)
        flags |= 64;
    int upem = face->upem;
    int cap = face->cap_height ? face->cap_height : face->ascender;
    /* StemV is not stored in OpenType; estimate it from the weight class,
       which is 1 to 1000 (OpenType OS/2 usWeightClass; a damaged font's
       larger value counts as 1000) */
    int weight = face->weight <= 0 ? 400 : face->weight < 1000 ? face->weight : 1000;
    int stemv = 50 + weight * weight / 4225;
    r |= HPDF_Dict_AddName(fd, "Type", "FontDescriptor");
    r |= HPDF_Dict_AddName(fd, "FontName", name);
    r |= HPDF_Dict_AddNumber(fd, "Flags", flags);
    r |= HPDF_Dict_Add(fd, "FontBBox", box_array(pdf, face));
    r |= HPDF_Dict_AddNumber(fd, "ItalicAngle", face->italic_angle);
    r |= HPDF_Dict_AddNumber(fd, "Ascent", em1000(face->ascender, upem));
    r |= HPDF_Dict_AddNumber(fd, "Descent", em1000(face->descender, upem));
    r |= HPDF_Dict_AddNumber(fd, "CapHeight", em1000(cap, upem));
    r |= HPDF_Dict_AddNumber(fd, "StemV", stemv);
    r |= HPDF_Dict_Add(fd, face->is_cff ? "FontFile3" : "FontFile2", file);
    r |= HPDF_Dict_Add(fd, "CIDSet", cidset);

    /* descendant CIDFont */
    HPDF_Dict cid = new_indirect_dict(pdf);
    HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
    if (!cid || !info)
        return false;
    r |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
    r |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
    r |= HPDF_Dict_AddNumber(info, "Supplement", 0);
    int dw = default_width(f);
    r |= HPDF_Dict_AddName(cid, "Type", "Font");
    r |= HPDF_Dict_AddName(cid, "Subtype", face->is_cff ? "CIDFontType0" : "CIDFontType2");
    r |= HPDF_Dict_AddName(cid, "BaseFont", name);
    r |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    r |= HPDF_Dict_Add(cid, "FontDescriptor", fd);
    r |= HPDF_Dict_AddNumber(cid, "DW", dw);
    HPDF_Array w = widths_array(pdf, f, dw);
    if (!w)
        return false;
    if (HPDF_Array_Items(w) > 0)
        r |= HPDF_Dict_Add(cid, "W", w);
    else
        HPDF_Array_Free(w);
    if (!face->is_cff)
        r |= HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");

    /* ToUnicode */
    cmap->len = 0;
    tounicode_cmap(f, cmap);
    HPDF_Dict tu = pdf_new_stream(pdf, compress ? TOUNICODE_DEFLATE_LEVEL : 0, cmap->p, cmap->len);
    if (!tu)
        return false;

    /* Type0; for a CFF descendant the spec asks for "name-CMap" */
    HPDF_Dict t0 = new_indirect_dict(pdf);
    HPDF_Array desc = HPDF_Array_New(pdf->mmgr);
    if (!t0 || !desc)
        return false;
    char t0name[96];
    size_t nl = strlen(name);
    memcpy(t0name, name, nl + 1);
    if (face->is_cff)
        memcpy(t0name + nl, "-Identity-H", sizeof "-Identity-H");
    r |= HPDF_Array_Add(desc, cid);
    r |= HPDF_Dict_AddName(t0, "Type", "Font");
    r |= HPDF_Dict_AddName(t0, "Subtype", "Type0");
    r |= HPDF_Dict_AddName(t0, "BaseFont", t0name);
    r |= HPDF_Dict_AddName(t0, "Encoding", "Identity-H");
    r |= HPDF_Dict_Add(t0, "DescendantFonts", desc);
    r |= HPDF_Dict_Add(t0, "ToUnicode", tu);
    if (r != HPDF_OK)
        return false;
    f->dict = t0;
    return true;
}

/* The font program of font fi (its glyphs sorted by gid), deflated when
 * compress, in fs->held, and its glyphs' cids set: the one the face keeps
 * for these glyphs (a batch's earlier document made it), or one made,
 * checked and kept now.  False after a fault (the face rejected) or for
 * want of memory (diag says so).  What it makes is held in fs until it is
 * done with, so running out of memory strands none of it. */
static bool make_or_find(pdf_fonts *fs, int fi, int level, const uint32_t *gids,
                         pb_diag *diag);

static bool made_program(pdf_fonts *fs, int fi, bool compress, pb_diag *diag)
{
    pdf_font *f = &fs->fonts[fi];
    int level = compress ? FONT_DEFLATE_LEVEL : 0;
    pb_scratch scratch;
    uint32_t *gids =
        pb_arena_alloc(pb_scratch_begin(&scratch), (size_t)f->nglyphs * sizeof *gids);
    for (int i = 0; i < f->nglyphs; i++)
        gids[i] = f->glyphs[i].gid;
    bool ok = make_or_find(fs, fi, level, gids, diag);
    pb_scratch_end(&scratch);
    return ok;
}

/* made_program's work, with the glyph ids the face keeps programs under. */
static bool make_or_find(pdf_fonts *fs, int fi, int level, const uint32_t *gids, pb_diag *diag)
{
    pdf_font *f = &fs->fonts[fi];
    pb_program *out = &fs->held;
    if (pb_face_program_find(f->face, gids, f->nglyphs, level, out)) {
        for (int i = 0; i < f->nglyphs; i++)
            f->glyphs[i].cid = out->cids[i];
        return true;
    }
    char why[300] = "";
    size_t plen = 0;
    bool bare_cff = false;
    unsigned char *prog = font_program(f, &plen, &bare_cff, why, sizeof why, diag);
    if (!prog) {
        if (why[0] && !diag->out_of_memory)
            pb_fonts_reject(fs->set, fi, why);
        return false;
    }
    *out = (pb_program){prog, plen, plen, NULL, bare_cff};
    pb_font_verdict v = check_program(f, prog, plen, why, sizeof why);
    if (v != PB_FONT_GOOD) {
        pb_program_free(out);
        if (v == PB_FONT_NO_MEMORY)
            pb_diag_out_of_memory(diag);
        else
            pb_fonts_reject(fs->set, fi, why);
        return false;
    }
    if (level > 0) {
        unsigned char *z;
        size_t zlen;
        bool ok = pb_deflate(prog, plen, level, &z, &zlen);
        if (!ok) {
            pb_program_free(out);
            pb_diag_out_of_memory(diag);
            return false;
        }
        free(prog);
        out->data = z;
        out->len = zlen;
    }
    out->cids = pb_xmalloc((size_t)f->nglyphs * sizeof *out->cids);
    for (int i = 0; i < f->nglyphs; i++)
        out->cids[i] = f->glyphs[i].cid;
    pb_face_program_keep(f->face, gids, f->nglyphs, level, out);
    return true;
}

bool pdf_fonts_embed(pdf_fonts *fs, HPDF_Doc pdf, bool compress,
                     struct pdf_extras *outside, bool *need_pdf16, pb_diag *diag)
{
    *need_pdf16 = false;
    for (int fi = 0; fi < fs->count; fi++) {
        pdf_font *f = &fs->fonts[fi];
        if (!f->face || f->nglyphs == 0)
            continue;
        unsigned nglyphs = f->face->nglyphs;
        char why[300] = "";
        sort_glyphs(f, false);
        for (int i = 0; i < f->nglyphs; i++) {
            pdf_glyph *g = &f->glyphs[i];
            if (g->gid >= nglyphs) { /* the shape stage rejects such a face first */
                snprintf(why, sizeof why, "glyph %u is past its last glyph (%u)", g->gid,
                         nglyphs);
                pb_fonts_reject(fs->set, fi, why);
                return false;
            }
            g->width = em1000(hb_font_get_glyph_h_advance(f->face->hb_font, g->gid), f->face->upem);
        }
        if (!made_program(fs, fi, compress, diag))
            return false;
        /* /W and the CMap go in cid order (paiban's CFF subsets order
         * their glyphs by character, others by glyph id) */
        sort_glyphs(f, true);
        for (int i = 0; i < f->nglyphs; i++)
            f->slot[f->glyphs[i].gid] = i + 1;
        bool ok = write_font(f, pdf, compress, &fs->held, outside, &fs->cmap);
        bool opentype_cff = f->face->is_cff && !fs->held.bare_cff;
        pb_program_free(&fs->held);
        if (!ok) {
            if (HPDF_GetError(pdf) == HPDF_OK)
                pb_diag_error(diag, PB_ERR_INTERNAL, f->face->file, NULL,
                              "PDF: could not write the font objects");
            return false;
        }
        if (opentype_cff) /* FontFile3 /OpenType is PDF 1.6 */
            *need_pdf16 = true;
    }
    return true;
}
