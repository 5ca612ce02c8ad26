/* PDF stage: the document, its pages' content streams, the outline and
 * the info dictionary.  Fonts are in pdf_font.c.
 *
 * Content streams are written as bytes into each page's stream: libharu's
 * text operators can show neither glyph ids nor kerned TJ arrays, and
 * writing every operator here keeps the number format in one place.
 * Nothing depends on the clock or on random data, so the same pages give
 * the same bytes. */
#include "output/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/utf8.h"
#include "output/pdf_font.h"
#include "output/pdf_pack.h"
#include "output/pdf_parts.h"
#include "output/pdf_seal.h"

/* Deflate levels (libdeflate's 1-12) of the page content and of the
 * object streams and cross-reference stream.  Past 6 they cost more than
 * they save: levels 9 and 12 save 0.1% and 0.2% of the sample and take 2x
 * and 10x the time on a 1,000-row table, whose pages are most of it. */
#define CONTENT_DEFLATE_LEVEL 6
#define PACK_DEFLATE_LEVEL 6

#ifndef PAIBAN_VERSION
#define PAIBAN_VERSION "unknown"
#endif

typedef struct ctx {
    HPDF_Doc pdf;
    pb_diag *diag;
    int page;             /* 1-based page being written; 0: the document */
    const char *what;     /* what was being written, for messages */
    HPDF_STATUS err, detail; /* first error seen by the handler */
    pdf_seals *seals;     /* owned: the seals' shared objects */
    pb_deflater *content_z; /* owned: compresses every page's content */
    struct page_state *page_state; /* owned: the page being written */
} ctx;

static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    ctx *c = user;
    if (!c->err) {
        c->err = error_no;
        c->detail = detail_no;
    }
}

static const char *hpdf_error_text(HPDF_STATUS e)
{
    switch (e) {
    case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
    case HPDF_PAGE_INVALID_SIZE: return "page size out of range (3 to 14400 pt)";
    case HPDF_INVALID_PARAMETER: return "invalid parameter";
    case HPDF_REAL_OUT_OF_RANGE: return "number out of range";
    case HPDF_ARRAY_COUNT_ERR: return "array too long";
    case HPDF_DICT_COUNT_ERR: return "dictionary too long";
    default: return "failed";
    }
}

/* libharu's object functions set the (sticky) error without calling the
 * handler, so check both and clear them. */
static bool hpdf_ok(ctx *c)
{
    HPDF_STATUS e = c->err, d = c->detail;
    if (!e && c->pdf) {
        e = HPDF_GetError(c->pdf);
        d = HPDF_GetErrorDetail(c->pdf);
    }
    if (!e)
        return true;
    if (e == HPDF_FAILD_TO_ALLOC_MEM || (e == HPDF_ZLIB_ERROR && (int)d == -4 /* Z_MEM_ERROR */))
        pb_diag_out_of_memory(c->diag); /* status 7, not a bug */
    else if (c->page > 0)
        pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL,
                      "PDF: page %d: %s: %s (libharu error 0x%04X, detail %u)", c->page,
                      c->what, hpdf_error_text(e), (unsigned)e, (unsigned)d);
    else
        pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL,
                      "PDF: %s: %s (libharu error 0x%04X, detail %u)", c->what,
                      hpdf_error_text(e), (unsigned)e, (unsigned)d);
    c->err = c->detail = 0;
    if (c->pdf)
        HPDF_ResetError(c->pdf);
    return false;
}

/* a / b rounded half away from zero (b > 0). */
static long long div_round(long long a, long long b)
{
    return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

/* One byte, and four hex digits, written in place when the buffer has
 * room: the TJ arrays are a few bytes per glyph. */
static inline void put_byte(pdf_buf *b, char c)
{
    if (b->len < b->cap)
        b->p[b->len++] = c;
    else
        pdf_buf_put(b, &c, 1);
}

static inline void put_hex4(pdf_buf *b, unsigned v)
{
    static const char hex[] = "0123456789ABCDEF";
    if (b->cap - b->len < 4) {
        pdf_buf_hex4(b, v);
        return;
    }
    char *p = b->p + b->len;
    p[0] = hex[(v >> 12) & 15];
    p[1] = hex[(v >> 8) & 15];
    p[2] = hex[(v >> 4) & 15];
    p[3] = hex[v & 15];
    b->len += 4;
}

static void put_fx(pdf_buf *b, long long v)
{
    pdf_buf_dec(b, v, PB_FX_ONE, 6); /* 1/64 is exact in 6 decimals */
}

/* ---- text strings (info, outline) ---------------------------------- */

/* ASCII stays a literal string; anything else becomes UTF-16BE with a
 * byte order mark.  libharu's UTF-8 encoder turns characters above U+FFFF
 * into spaces, so it is not used. */
void *pdf_text_string(HPDF_Doc pdf, const char *s, int max_chars)
{
    size_t len = strlen(s);
    char *cut = NULL;
    size_t at = 0;
    for (int n = 0; at < len && (max_chars <= 0 || n < max_chars); n++)
        pb_utf8_next(s, len, &at);
    if (at < len) {
        cut = pb_xmalloc(at + 4);
        memcpy(cut, s, at);
        memcpy(cut + at, "…", 4); /* U+2026 and the NUL */
        s = cut;
        len = at + 3;
    }
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            ascii = false;
    if (ascii) {
        void *obj = HPDF_String_New(pdf->mmgr, s, NULL);
        free(cut);
        return obj;
    }
    unsigned char *u = pb_xmalloc(2 + 2 * len);
    size_t n = pb_utf8_to_utf16be(s, len, u);
    void *obj = HPDF_Binary_New(pdf->mmgr, u, (HPDF_UINT)n);
    free(u);
    free(cut);
    return obj;
}

static void set_info(ctx *c, const char *key, const char *value)
{
    if (value && *value)
        HPDF_Dict_Add(c->pdf->info, key, pdf_text_string(c->pdf, value, 0));
}

/* The Info dictionary; *info gets the same values for the XMP metadata
 * (its strings live as long as opt and prod). */
static bool write_info(ctx *c, const pb_pdf_options *opt, char prod[128], pdf_doc_info *info)
{
    c->what = "document information";
    const char *creator = "paiban " PAIBAN_VERSION;
    /* creates the info dictionary if libharu has not */
    HPDF_SetInfoAttr(c->pdf, HPDF_INFO_CREATOR, creator);
    if (!hpdf_ok(c))
        return false;
    snprintf(prod, 128, "%s (libharu %s, HarfBuzz %s)", creator, HPDF_GetVersion(),
             hb_version_string());
    set_info(c, "Producer", prod);
    *info = (pdf_doc_info){.creator = creator, .producer = prod, .time = opt->creation_time};
    if (opt->meta) {
        set_info(c, "Title", opt->meta->title);
        set_info(c, "Author", opt->meta->issuer);
        set_info(c, "Subject", opt->meta->subject);
        set_info(c, "Keywords", opt->meta->keywords);
        info->title = opt->meta->title;
        info->author = opt->meta->issuer;
        info->subject = opt->meta->subject;
        info->keywords = opt->meta->keywords;
    }
    if (opt->creation_time >= 0) {
        time_t t = (time_t)opt->creation_time;
        struct tm tm;
        if (!gmtime_r(&t, &tm)) {
            pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL,
                          "PDF: creation time %lld is out of range", opt->creation_time);
            return false;
        }
        HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec, 'Z', 0, 0};
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, d);
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_MOD_DATE, d);
    }
    return hpdf_ok(c);
}

/* ---- page content ------------------------------------------------- */

/* What the content being written is, for tagged PDF: a structure
 * element's marked content, or an artifact (ISO 32000-1 14.8.2.2). */
typedef enum mark_kind {
    MARK_NONE = 0,
    MARK_ELEM,            /* content of element `elem` */
    MARK_PAGE_NUMBER,     /* pagination artifact: the footer */
    MARK_REPEATED,        /* pagination artifact: shown again on this page */
    MARK_LAYOUT,          /* layout artifact: rules */
} mark_kind;

typedef struct mark {
    mark_kind kind;
    int elem;
} mark;

typedef struct page_state {
    pdf_tagger *tag;      /* NULL: a plain PDF, nothing is marked */
    int **link_elem;      /* per placed line: the Link element of each of
                             its links (tagged PDF); nrows of them */
    int nrows;
    int page_index;       /* 0-based */
    mark cur;             /* the marked sequence open, if any */
    pdf_buf b;
    const char **font_names; /* per face id: resource name on this page */
    int face;             /* current Tf font, -1: none */
    pb_fx size;
    bool bold;            /* text render mode 2 */
    long long line_w;     /* current line width in 1/10000 pt, -1: default */
    bool caps;            /* projecting caps set */
    bool round_join;      /* round joins set */
    long long tc;         /* character spacing (Tc) set, in 1/6,400,000 pt
                             (fx of room x 100000); it outlives BT/ET */
    bool line_set;        /* a text line's start was set in this BT */
    long long line_x, line_y; /* that start (fx) */
    const pdf_glyph **pg; /* owned: the line's glyphs' embedded forms
                             (NULL: not embedded), looked up once */
    int pg_cap;
} page_state;

/* Frees what a page's state holds (NULL: nothing). */
static void page_state_free(page_state *s)
{
    if (!s)
        return;
    for (int i = 0; s->link_elem && i < s->nrows; i++)
        free(s->link_elem[i]);
    free(s->link_elem);
    free(s->b.p);
    free(s->pg);
    free(s->font_names);
    memset(s, 0, sizeof *s);
}

/* Ends the marked sequence open (and the text object inside it) and
 * begins one for m. */
static void set_mark(page_state *s, mark m, bool *in_text)
{
    if (!s->tag || (s->cur.kind == m.kind && s->cur.elem == m.elem))
        return;
    if (in_text && *in_text) {
        pdf_buf_str(&s->b, "ET\n");
        *in_text = false;
    }
    if (s->cur.kind != MARK_NONE)
        pdf_buf_str(&s->b, "EMC\n");
    s->cur = m;
    switch (m.kind) {
    case MARK_NONE:
        break;
    case MARK_ELEM:
        pdf_buf_str(&s->b, "/");
        pdf_buf_str(&s->b, pdf_tag_type(s->tag, m.elem));
        pdf_buf_str(&s->b, " <</MCID ");
        pdf_buf_int(&s->b, pdf_tag_mcid(s->tag, s->page_index, m.elem));
        pdf_buf_str(&s->b, ">> BDC\n");
        break;
    case MARK_PAGE_NUMBER:
        pdf_buf_str(&s->b, "/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n");
        break;
    case MARK_REPEATED:
        pdf_buf_str(&s->b, "/Artifact <</Type /Pagination>> BDC\n");
        break;
    case MARK_LAYOUT:
        pdf_buf_str(&s->b, "/Artifact <</Type /Layout>> BDC\n");
        break;
    }
}

/* Is glyph k of a line inside link i: its origin in the link's box? */
static bool in_link(const pb_gline *l, int k, int i)
{
    const pb_pglyph *g = &l->glyphs[k];
    const pb_link *ln = &l->links[i];
    pb_fx y = l->baseline + g->y;
    return g->x >= ln->x0 && g->x < ln->x1 && y >= ln->y0 && y < ln->y1;
}

/* What glyph k of a placed line is: *box is a cursor over the line's
 * cell boxes (glyphs are in box order; a table piece's glyphs outside its
 * cells are pagination). */
static mark glyph_mark(const pb_gline *l, const int *links, int k, int *box)
{
    if (l->artifact)
        return (mark){MARK_PAGE_NUMBER, 0};
    /* an address: its Link element */
    for (int i = 0; links && i < l->nlinks; i++)
        if (in_link(l, k, i))
            return (mark){MARK_ELEM, links[i]};
    if (l->nboxes > 0) {
        while (*box < l->nboxes && k >= l->boxes[*box].glyph0 + l->boxes[*box].nglyphs)
            (*box)++;
        if (*box < l->nboxes && k >= l->boxes[*box].glyph0) {
            const pb_cell_box *b = &l->boxes[*box];
            return b->repeated ? (mark){MARK_REPEATED, 0} : (mark){MARK_ELEM, b->elem};
        }
        /* outside every cell: the "续表" line over a continuation */
        return (mark){MARK_REPEATED, 0};
    }
    uint32_t at = l->glyphs[k].text_off;
    for (int i = 0; i < l->nsspans; i++)
        if (at >= l->sspans[i].start && at < l->sspans[i].end)
            return (mark){MARK_ELEM, l->sspans[i].elem};
    return (mark){MARK_ELEM, l->elem};
}

static void set_line_width(page_state *s, long long w10000)
{
    if (s->line_w == w10000)
        return;
    pdf_buf_dec(&s->b, w10000, 10000, 4);
    pdf_buf_str(&s->b, " w\n");
    s->line_w = w10000;
}

static void write_rules(page_state *s, const pb_placed_line *pl, pb_fx page_h)
{
    const pb_gline *l = pl->line;
    for (int i = 0; i < l->nrules; i++) {
        const pb_rule *r = &l->rules[i];
        if (r->width <= 0)
            continue;
        set_mark(s, (mark){MARK_LAYOUT, 0}, NULL);
        if (!s->caps) {
            /* projecting caps: rules meeting at a corner close it */
            pdf_buf_str(&s->b, "2 J\n");
            s->caps = true;
        }
        set_line_width(s, div_round((long long)r->width * 10000, PB_FX_ONE));
        put_fx(&s->b, (long long)pl->x + r->x0);
        pdf_buf_put(&s->b, " ", 1);
        put_fx(&s->b, (long long)page_h - pl->y - r->y0);
        pdf_buf_str(&s->b, " m ");
        put_fx(&s->b, (long long)pl->x + r->x1);
        pdf_buf_put(&s->b, " ", 1);
        put_fx(&s->b, (long long)page_h - pl->y - r->y1);
        pdf_buf_str(&s->b, " l S\n");
    }
}

static bool same_run(const pb_pglyph *a, const pb_pglyph *b)
{
    return a->face == b->face && a->size == b->size && a->flags == b->flags && a->y == b->y;
}

/* A space set too narrow for poppler to see a word space in it (a space
 * typed between Chinese and Latin text, set as the gap between the
 * scripts) keeps its text through an ActualText over it and the glyph
 * before it: a reader takes the span's text whole, space included, where
 * a space of its own would only end a word.  Glyph k starts such a span.
 * The span holds the element's marked content rather than sitting inside
 * it: poppler's structure reader ends an element's text at the first
 * nested sequence without an MCID. */
static bool starts_tight_span(const pb_gline *l, int k)
{
    return k + 1 < l->nglyphs && l->text && l->glyphs[k].text_len > 0 &&
           !(l->glyphs[k].flags & PB_PG_TIGHT_SPACE) &&
           (l->glyphs[k + 1].flags & PB_PG_TIGHT_SPACE);
}

/* Opens the span that glyph k starts (its text and that of the spaces
 * after it, as UTF-16BE); returns its last glyph. */
static int open_tight_span(page_state *s, const pb_gline *l, int k)
{
    int end = k + 1;
    while (end + 1 < l->nglyphs && (l->glyphs[end + 1].flags & PB_PG_TIGHT_SPACE))
        end++;
    pdf_buf_str(&s->b, "/Span <</ActualText <FEFF");
    for (int g = k; g <= end; g++) {
        const char *t = l->text + l->glyphs[g].text_off;
        for (size_t at = 0; at < l->glyphs[g].text_len;) {
            uint32_t cp = pb_utf8_next(t, l->glyphs[g].text_len, &at);
            if (cp >= 0x10000) {
                pdf_buf_hex4(&s->b, 0xD800 + ((cp - 0x10000) >> 10));
                pdf_buf_hex4(&s->b, 0xDC00 + (cp & 0x3FF));
            } else {
                pdf_buf_hex4(&s->b, cp);
            }
        }
    }
    pdf_buf_str(&s->b, ">>> BDC\n");
    return end;
}

/* Character spacing in page_state.tc units: fx x 100000, so 1/TC_DEN pt. */
#define TC_DEN ((long long)PB_FX_ONE * 100000)

/* The room glyph k-1 of a line leaves after its advance up to glyph k,
 * in fx x 100000 (exact). */
static long long room_after(const pb_gline *l, const pdf_glyph *const *pgs, int k)
{
    const pb_pglyph *a = &l->glyphs[k - 1];
    const pdf_glyph *pg = pgs[k - 1];
    return (long long)(l->glyphs[k].x - a->x) * 100000 -
           (pg ? (long long)pg->width * 100 * a->size : 0);
}

/* The character spacing for glyphs [i, j) of a line (one face and size):
 * the room most of them leave (a majority, found by Boyer and Moore's
 * vote), else the one set now or none, whichever more of them leave.
 * Only a room Tc can say exactly in 8 decimals of a point is taken. */
static long long run_spacing(const pb_gline *l, const pdf_glyph *const *pgs, int i, int j,
                             long long now)
{
    int n = j - i - 1;
    if (n < 2)
        return now;
    long long cand = 0;
    int votes = 0;
    for (int k = i + 1; k < j; k++) {
        long long room = room_after(l, pgs, k);
        if (votes == 0)
            cand = room;
        votes += room == cand ? 1 : -1;
    }
    int hits = 0, hits_now = 0, hits_none = 0;
    for (int k = i + 1; k < j; k++) {
        long long room = room_after(l, pgs, k);
        hits += room == cand;
        hits_now += room == now;
        hits_none += room == 0;
    }
    /* 8 decimals of TC_DEN's 2^11 x 5^5 are exact for multiples of 8; a
       room of more than 1,000 pt is no spacing */
    if (2 * hits > n && cand % 8 == 0 && cand > -TC_DEN * 1000 && cand < TC_DEN * 1000)
        return cand;
    return hits_none > hits_now ? 0 : now;
}

static bool write_text(ctx *c, page_state *s, HPDF_Page page, const pdf_fonts *fonts,
                       const pb_placed_line *pl, const int *links, pb_fx page_h)
{
    const pb_gline *l = pl->line;
    bool in_text = false;
    int box = 0, box_j = 0, span_end = -1;
    if (l->nglyphs > s->pg_cap) {
        s->pg_cap = l->nglyphs > 2 * s->pg_cap ? l->nglyphs : 2 * s->pg_cap;
        s->pg = pb_xrealloc(s->pg, (size_t)s->pg_cap * sizeof *s->pg);
    }
    for (int k = 0; k < l->nglyphs; k++)
        s->pg[k] = pdf_fonts_lookup(fonts, l->glyphs[k].face, l->glyphs[k].gid);
    for (int i = 0; i < l->nglyphs;) {
        const pb_pglyph *g = &l->glyphs[i];
        mark m = s->tag ? glyph_mark(l, links, i, &box) : (mark){MARK_NONE, 0};
        int j = i + 1;
        box_j = box;
        while (j < l->nglyphs && same_run(g, &l->glyphs[j]) && !starts_tight_span(l, j)) {
            if (s->tag) {
                mark mj = glyph_mark(l, links, j, &box_j);
                if (mj.kind != m.kind || mj.elem != m.elem)
                    break;
            }
            j++;
        }
        if (g->size <= 0) {
            i = j;
            continue;
        }
        /* a span holds the content of one element */
        bool span = span_end < 0 && starts_tight_span(l, i) && (!s->tag || m.kind == MARK_ELEM);
        for (int k = i + 1, b = box;
             span && s->tag && k < l->nglyphs && (l->glyphs[k].flags & PB_PG_TIGHT_SPACE); k++) {
            mark mk = glyph_mark(l, links, k, &b);
            span = mk.kind == m.kind && mk.elem == m.elem;
        }
        if (span) {
            if (in_text)
                pdf_buf_str(&s->b, "ET\n");
            in_text = false;
            set_mark(s, (mark){MARK_NONE, 0}, NULL);
            span_end = open_tight_span(s, l, i);
        }
        set_mark(s, m, &in_text);
        const pdf_font *f = &fonts->fonts[g->face];
        if (!s->font_names[g->face]) {
            s->font_names[g->face] = HPDF_Page_GetLocalFontName(page, f->dict);
            if (!s->font_names[g->face]) {
                c->what = "font resource";
                hpdf_ok(c);
                return false;
            }
        }
        if (!in_text) {
            pdf_buf_str(&s->b, "BT\n");
            in_text = true;
            s->line_set = false;
        }
        if (s->face != g->face || s->size != g->size) {
            pdf_buf_str(&s->b, "/");
            pdf_buf_str(&s->b, s->font_names[g->face]);
            pdf_buf_put(&s->b, " ", 1);
            put_fx(&s->b, g->size);
            pdf_buf_str(&s->b, " Tf\n");
            s->face = g->face;
            s->size = g->size;
        }
        bool bold = g->flags & PB_PG_SYNTH_BOLD;
        if (bold) {
            if (!s->round_join) {
                /* miter joins would put spikes on sharp stroke ends */
                pdf_buf_str(&s->b, "1 j\n");
                s->round_join = true;
            }
            if (!s->bold)
                pdf_buf_str(&s->b, "2 Tr\n");
            /* stroke width 0.03 em */
            set_line_width(s, div_round((long long)g->size * 300, PB_FX_ONE));
        } else if (s->bold) {
            pdf_buf_str(&s->b, "0 Tr\n");
        }
        s->bold = bold;

        /* the room between glyphs that most of the run has (the character
           grid's, a justified line's) is set once as character spacing,
           and the TJ array holds only the exceptions */
        long long tc = run_spacing(l, s->pg, i, j, s->tc);
        if (tc != s->tc) {
            pdf_buf_dec(&s->b, tc, TC_DEN, 8);
            pdf_buf_str(&s->b, " Tc\n");
            s->tc = tc;
        }
        /* the run's start: a Td from the last one in this text object (the
           line pitch repeats, so it deflates better than a Tm's place) */
        long long x = (long long)pl->x + g->x, y = (long long)page_h - pl->y - l->baseline - g->y;
        if (s->line_set) {
            put_fx(&s->b, x - s->line_x);
            pdf_buf_put(&s->b, " ", 1);
            put_fx(&s->b, y - s->line_y);
            pdf_buf_str(&s->b, " Td\n[");
        } else {
            pdf_buf_str(&s->b, "1 0 0 1 ");
            put_fx(&s->b, x);
            pdf_buf_put(&s->b, " ", 1);
            put_fx(&s->b, y);
            pdf_buf_str(&s->b, " Tm\n[");
        }
        s->line_set = true;
        s->line_x = x;
        s->line_y = y;
        /* the pen where a reader has it, in fx x 100000 (exact); TJ numbers
           move it in 1/100000 em, two decimals of their thousandths */
        long long pen = 0;
        bool hex = false;
        for (int k = i; k < j; k++) {
            const pb_pglyph *gk = &l->glyphs[k];
            const pdf_glyph *pg = s->pg[k];
            if (!pg) {
                pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, l->path,
                              "PDF: page %d: glyph %u of face %d was not embedded", c->page,
                              gk->gid, gk->face);
                return false;
            }
            if (k > i) {
                long long adj = div_round(pen - (long long)(gk->x - g->x) * 100000, g->size);
                if (adj != 0) {
                    if (hex)
                        put_byte(&s->b, '>');
                    hex = false;
                    pdf_buf_dec(&s->b, adj, 100, 2);
                    pen -= adj * g->size;
                }
            }
            if (!hex)
                put_byte(&s->b, '<');
            hex = true;
            put_hex4(&s->b, pg->cid);
            pen += (long long)pg->width * 100 * g->size + tc;
        }
        if (hex)
            pdf_buf_put(&s->b, ">", 1);
        pdf_buf_str(&s->b, "]TJ\n");
        if (span_end >= 0 && j > span_end) {
            pdf_buf_str(&s->b, "ET\n");
            in_text = false;
            set_mark(s, (mark){MARK_NONE, 0}, NULL);
            pdf_buf_str(&s->b, "EMC\n");
            span_end = -1;
        }
        i = j;
    }
    if (in_text)
        pdf_buf_str(&s->b, "ET\n");
    return true;
}

/* Addresses in the text open in a reader: a URI link annotation over each
 * line's part of an address, without a border.  PDF/A (ISO 19005-3 6.3.2):
 * printed (/F 4); PDF/UA (ISO 14289-1 7.18.5): the address as /Contents,
 * tied to its Link element. */
static bool write_links(ctx *c, HPDF_Page page, const pb_page *pg, page_state *s,
                        pb_fx page_h)
{
    c->what = "link";
    for (int i = 0; i < pg->nlines; i++) {
        const pb_placed_line *pl = &pg->lines[i];
        const pb_gline *l = pl->line;
        for (int k = 0; l && k < l->nlinks; k++) {
            const pb_link *ln = &l->links[k];
            HPDF_Rect r = {(HPDF_REAL)pb_fx_to_pt(pl->x + ln->x0),
                           (HPDF_REAL)pb_fx_to_pt(page_h - pl->y - ln->y1),
                           (HPDF_REAL)pb_fx_to_pt(pl->x + ln->x1),
                           (HPDF_REAL)pb_fx_to_pt(page_h - pl->y - ln->y0)};
            HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(page, r, ln->uri);
            if (!a || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) != HPDF_OK)
                return hpdf_ok(c) && false;
            if (s->tag) {
                HPDF_Dict_AddNumber(a, "F", 4);
                HPDF_Dict_Add(a, "Contents", pdf_text_string(c->pdf, ln->uri, 2000));
                HPDF_Dict_AddNumber(a, "StructParent",
                                    pdf_tag_annot(s->tag, s->page_index, s->link_elem[i][k], a));
            }
        }
    }
    return hpdf_ok(c);
}

static bool write_page(ctx *c, const pb_pages *pages, const pb_page *pg, const pdf_fonts *fonts,
                       pdf_tagger *tag, int page_index, pdf_extras *outside, HPDF_Page *out)
{
    c->what = "page setup";
    HPDF_Page page = HPDF_AddPage(c->pdf);
    if (!page) {
        hpdf_ok(c);
        return false;
    }
    HPDF_Page_SetWidth(page, (HPDF_REAL)pb_fx_to_pt(pages->width));
    HPDF_Page_SetHeight(page, (HPDF_REAL)pb_fx_to_pt(pages->height));
    if (!hpdf_ok(c))
        return false;
    *out = page;

    /* the document's page state (on the heap: its buffers are freed from
       there if memory runs out) */
    page_state *s = c->page_state;
    *s = (page_state){.tag = tag, .page_index = page_index};
    s->font_names =
        pb_xcalloc((size_t)(fonts->count > 0 ? fonts->count : 1), sizeof *s->font_names);
    s->face = -1;
    s->line_w = -1;
    bool ok = true;
    /* tagged: a Link element for each address, under the element of its
     * first character, before the text is marked */
    s->link_elem = pb_xcalloc((size_t)pg->nlines + 1, sizeof *s->link_elem);
    s->nrows = pg->nlines;
    for (int i = 0; tag && i < pg->nlines; i++) {
        const pb_gline *l = pg->lines[i].line;
        if (!l || l->nlinks == 0)
            continue;
        s->link_elem[i] = pb_xcalloc((size_t)l->nlinks, sizeof **s->link_elem);
        for (int k = 0; k < l->nlinks; k++) {
            int parent = l->elem, box = 0;
            for (int g = 0; g < l->nglyphs; g++)
                if (in_link(l, g, k)) {
                    mark m = glyph_mark(l, NULL, g, &box);
                    if (m.kind == MARK_ELEM)
                        parent = m.elem;
                    break;
                }
            s->link_elem[i][k] = pdf_tag_add(tag, PB_SR_LINK, parent);
        }
    }
    for (int i = 0; i < pg->nlines && ok; i++) {
        const pb_placed_line *pl = &pg->lines[i];
        if (!pl->line)
            continue;
        write_rules(s, pl, pages->height);
        ok = write_text(c, s, page, fonts, pl, s->link_elem[i], pages->height);
    }
    /* seals last: stamped over the print (GB/T 9704 7.3.5.1) */
    for (int i = 0; i < pg->nlines && ok; i++) {
        const pb_placed_line *pl = &pg->lines[i];
        const pb_seal_mark *sm = pl->line ? pl->line->seal : NULL;
        if (!sm)
            continue;
        c->what = "seal";
        set_mark(s, sm->elem ? (mark){MARK_ELEM, sm->elem} : (mark){MARK_LAYOUT, 0}, NULL);
        double bbox[4];
        ok = pdf_seal_write(c->pdf, c->seals, page, fonts->set, sm,
                            pl->x - pl->line->x + sm->x, pl->y + sm->y, pages->height, &s->b,
                            bbox);
        ok = hpdf_ok(c) && ok;
        if (ok && tag && sm->elem)
            pdf_tag_set_bbox(tag, sm->elem, bbox);
    }
    set_mark(s, (mark){MARK_NONE, 0}, NULL);
    if (ok && s->b.len) {
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        c->what = "page content";
        if (attr->contents->filter & HPDF_STREAM_FILTER_FLATE_DECODE) {
            if (!c->content_z)
                c->content_z = pb_deflater_new(CONTENT_DEFLATE_LEVEL);
            /* kept out of libharu, which would copy it byte by byte three
               times: pdf_pack writes it */
            ok = c->content_z && pdf_stream_keep_deflated(attr->contents, c->content_z, s->b.p,
                                                          s->b.len, outside);
        }
        else if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)s->b.p, (HPDF_UINT)s->b.len) !=
                 HPDF_OK)
            ok = false;
        ok = hpdf_ok(c) && ok;
    }
    ok = ok && write_links(c, page, pg, s, pages->height);
    page_state_free(s);
    return ok;
}

/* ---- outline ------------------------------------------------------ */

enum { MAX_OUTLINE_DEPTH = 16 };

static bool write_outline(ctx *c, const pb_pages *pages, HPDF_Page *page_objs)
{
    c->what = "outline";
    c->page = 0;
    HPDF_Outline parents[MAX_OUTLINE_DEPTH];
    int depth = 0;
    for (int i = 0; i < pages->noutline; i++) {
        const pb_outline_entry *e = &pages->outline[i];
        if (e->page < 1 || e->page > pages->npages) {
            pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL,
                          "PDF: outline entry \"%s\" is on page %d of %d",
                          e->title ? e->title : "", e->page, pages->npages);
            return false;
        }
        /* a level deeper than the one above plus one nests under it */
        int level = e->level < 1 ? 1 : e->level;
        if (level > depth + 1)
            level = depth + 1;
        if (level > MAX_OUTLINE_DEPTH)
            level = MAX_OUTLINE_DEPTH;
        HPDF_Outline parent = level > 1 ? parents[level - 2] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(c->pdf, parent, "", NULL);
        if (!o) {
            hpdf_ok(c);
            return false;
        }
        /* PDF strings end at 65,535 bytes (libharu fails beyond): a heading
         * that long is cut in its bookmark */
        HPDF_Dict_Add(o, "Title", pdf_text_string(c->pdf, e->title ? e->title : "", 2000));

        /* [page /XYZ 0 top null]: null keeps the reader's zoom */
        HPDF_Page page = page_objs[e->page - 1];
        HPDF_Destination dst = HPDF_Page_CreateDestination(page);
        if (!dst) {
            hpdf_ok(c);
            return false;
        }
        HPDF_Array_Clear(dst);
        HPDF_Array_Add(dst, page);
        HPDF_Array_AddName(dst, "XYZ");
        HPDF_Array_AddReal(dst, 0);
        HPDF_Array_AddReal(dst, (HPDF_REAL)pb_fx_to_pt(pages->height - e->y));
        HPDF_Array_Add(dst, HPDF_Null_New(c->pdf->mmgr));
        HPDF_Outline_SetDestination(o, dst);
        HPDF_Outline_SetOpened(o, level == 1 ? HPDF_TRUE : HPDF_FALSE);
        if (!hpdf_ok(c))
            return false;
        parents[level - 1] = o;
        depth = level;
    }
    if (pages->noutline > 0)
        HPDF_SetPageMode(c->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return hpdf_ok(c);
}

/* ---- document ----------------------------------------------------- */

static bool collect_glyphs(ctx *c, const pb_pages *pages, pdf_fonts *fonts)
{
    for (int p = 0; p < pages->npages; p++) {
        const pb_page *pg = &pages->pages[p];
        for (int i = 0; i < pg->nlines; i++) {
            const pb_gline *l = pg->lines[i].line;
            if (!l)
                continue;
            for (int k = 0; k < l->nglyphs; k++) {
                const pb_pglyph *g = &l->glyphs[k];
                if (!pdf_fonts_note(fonts, g, l->text)) {
                    pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, l->path,
                                  "PDF: page %d: glyph %u uses face %d, which is not loaded",
                                  pg->number, g->gid, g->face);
                    return false;
                }
            }
        }
    }
    return true;
}

static bool save(ctx *c, unsigned char **out, size_t *out_len)
{
    c->what = "saving";
    c->page = 0;
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK) {
        if (hpdf_ok(c))
            pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL, "PDF: saving failed");
        return false;
    }
    if (!hpdf_ok(c))
        return false;
    HPDF_UINT32 size = HPDF_GetStreamSize(c->pdf);
    if (size == 0) {
        pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL, "PDF: libharu wrote nothing");
        return false;
    }
    /* copied from the memory stream's blocks (HPDF_ReadFromStream copies a
       byte at a time) */
    unsigned char *buf = pb_xmalloc(size);
    HPDF_Stream stream = c->pdf->stream;
    HPDF_UINT nblocks = HPDF_MemStream_GetBufCount(stream);
    size_t got = 0;
    for (HPDF_UINT i = 0; i < nblocks; i++) {
        HPDF_UINT n = 0;
        const HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(stream, i, &n);
        if (!p || n > size - got)
            break;
        memcpy(buf + got, p, n);
        got += n;
    }
    if (got != size) {
        free(buf);
        if (hpdf_ok(c))
            pb_diag_error(c->diag, PB_ERR_INTERNAL, NULL, NULL,
                          "PDF: read %zu of %u bytes back", got, (unsigned)size);
        return false;
    }
    *out = buf;
    *out_len = size;
    return true;
}

/* What writing one document holds; all of it is given back when memory
 * runs out on the way (writer_free), as when it ends. */
typedef struct writer {
    const pb_pages *pages;
    const pb_fontset *fontset;
    const pb_pdf_options *opt;
    pb_diag *diag;
    ctx c;                /* c.pdf, c.seals, c.content_z, c.page_state owned */
    pdf_fonts fonts;      /* owned once fonts_made */
    bool fonts_made;
    HPDF_Page *page_objs; /* owned */
    pdf_tagger *tag;      /* owned */
    pdf_extras extras;    /* owned */
    unsigned char *file;  /* owned until handed out: libharu's file, then packed */
    size_t file_len;
    bool ok;
} writer;

/* libharu's part: everything but the file's bytes.  Idempotent. */
static void writer_free_objects(writer *w)
{
    free(w->page_objs);
    w->page_objs = NULL;
    page_state_free(w->c.page_state);
    free(w->c.page_state);
    w->c.page_state = NULL;
    pdf_seals_free(w->c.seals);
    w->c.seals = NULL;
    pb_deflater_free(w->c.content_z);
    w->c.content_z = NULL;
    pdf_tag_free(w->tag);
    w->tag = NULL;
    if (w->fonts_made)
        pdf_fonts_free(&w->fonts);
    w->fonts_made = false;
    if (w->c.pdf)
        HPDF_Free(w->c.pdf);
    w->c.pdf = NULL;
}

static void writer_free(void *arg)
{
    writer *w = arg;
    writer_free_objects(w);
    pdf_extras_free(&w->extras);
    free(w->file);
    w->file = NULL;
}

static void write_all(void *arg)
{
    writer *w = arg;
    const pb_pages *pages = w->pages;
    const pb_pdf_options *opt = w->opt;
    pb_diag *diag = w->diag;
    ctx *c = &w->c;
    *c = (ctx){.diag = diag, .what = "creating the document"};
    c->pdf = HPDF_New(on_error, c);
    if (!c->pdf) { /* only an allocation can fail */
        pb_diag_out_of_memory(diag);
        return;
    }
    c->seals = pdf_seals_new();
    pdf_fonts_init(&w->fonts, w->fontset);
    w->fonts_made = true;
    pdf_fonts *fonts = &w->fonts;
    w->page_objs = pb_xcalloc((size_t)pages->npages, sizeof *w->page_objs);
    c->page_state = pb_xcalloc(1, sizeof *c->page_state);
    bool need_pdf16 = false;
    bool ok = true;
    /* the archival PDF is tagged: every page's content marked */
    w->tag = opt->plain ? NULL : pdf_tag_new(pages->structure, pages->npages);

    if (opt->compress)
        HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL);
    ok = hpdf_ok(c) && collect_glyphs(c, pages, fonts);
    if (ok) {
        c->what = "fonts";
        ok = pdf_fonts_embed(fonts, c->pdf, opt->compress, &w->extras, &need_pdf16, diag);
        ok = hpdf_ok(c) && ok;
    }
    for (int p = 0; ok && p < pages->npages; p++) {
        c->page = pages->pages[p].number > 0 ? pages->pages[p].number : p + 1;
        ok = write_page(c, pages, &pages->pages[p], fonts, w->tag, p, &w->extras,
                        &w->page_objs[p]);
    }
    c->page = 0;
    char prod[128];
    pdf_doc_info info;
    ok = ok && write_outline(c, pages, w->page_objs) && write_info(c, opt, prod, &info);
    if (ok && need_pdf16 && c->pdf->pdf_version < HPDF_VER_16)
        c->pdf->pdf_version = HPDF_VER_16;
    if (ok && !opt->plain) {
        /* PDF/A-3 is PDF 1.7 */
        c->pdf->pdf_version = HPDF_VER_17;
        c->what = "archival metadata";
        ok = pdf_archive_write(c->pdf, opt, &info, true, diag) && pdf_archive_add_id(c->pdf);
        /* last: its objects are numbered after libharu's */
        c->what = "structure tree";
        ok = ok && pdf_tag_write(w->tag, c->pdf, w->page_objs, pages->npages, &w->extras);
        ok = hpdf_ok(c) && ok;
    }
    ok = ok && save(c, &w->file, &w->file_len);
    /* libharu's objects are done with: freed before the file is packed,
     * which holds the file's objects again */
    writer_free_objects(w);
    if (ok && (opt->compress || w->extras.count > 0)) {
        /* object streams and a cross-reference stream (libharu writes
         * neither): the dictionaries compressed together, with the
         * structure tree that paiban wrote itself */
        unsigned char *packed;
        size_t packed_len;
        ok = pdf_pack(w->file, w->file_len, &w->extras, opt->compress ? PACK_DEFLATE_LEVEL : 0,
                      &packed, &packed_len, diag);
        free(w->file);
        w->file = ok ? packed : NULL;
        w->file_len = ok ? packed_len : 0;
    }
    pdf_extras_free(&w->extras);
    if (ok && !opt->plain && !pdf_archive_set_id(w->file, w->file_len)) {
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL,
                      "PDF: the file identifier was not written");
        ok = false;
    }
    w->ok = ok;
}

bool pb_pdf_write(const pb_pages *pages, const pb_fontset *fontset, const pb_pdf_options *opts,
                  unsigned char **out, size_t *out_len, pb_diag *diag)
{
    const pb_pdf_options defaults = {.creation_time = -1, .compress = 1};
    const pb_pdf_options *opt = opts ? opts : &defaults;
    *out = NULL;
    *out_len = 0;
    if (pages->npages < 1) {
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL, "PDF: the document has no pages");
        return false;
    }
    writer w = {.pages = pages, .fontset = fontset, .opt = opt, .diag = diag};
    pb_oom_guard(write_all, writer_free, &w);
    if (!w.ok) {
        writer_free(&w);
        return false;
    }
    *out = w.file;
    *out_len = w.file_len;
    return true;
}
