/* Font embedding for the PDF stage (private to src/output/pdf*.c).
 *
 * Pass 1 notes every glyph the pages use (pdf_fonts_note); pass 2
 * (pdf_fonts_embed) subsets each used face with HarfBuzz and writes a
 * Type0 font with Identity-H encoding, exact widths and a ToUnicode CMap.
 * After that, pdf_fonts_lookup gives the CID and /W width the content
 * stream must use for a glyph. */
#ifndef PB_PDF_FONT_H
#define PB_PDF_FONT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <hb.h>
#include <hpdf.h>

#include "base/diag.h"
#include "base/flate.h"
#include "fonts/fonts.h"
#include "fonts/programs.h"
#include "layout/galley.h"

/* A growable byte buffer for content streams and CMaps.  Numbers are
 * formatted without printf, so no locale can change a byte. */
typedef struct pdf_buf {
    char *p;              /* owned */
    size_t len, cap;
} pdf_buf;

/* Room for n more bytes (doubling the buffer). */
void pdf_buf_reserve(pdf_buf *b, size_t n);

/* Inline: a page's content is some ten pieces a glyph, mostly of a few
 * bytes, and most find room. */
static inline void pdf_buf_put(pdf_buf *b, const void *s, size_t n)
{
    if (b->cap - b->len < n)
        pdf_buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void pdf_buf_str(pdf_buf *b, const char *s)
{
    pdf_buf_put(b, s, strlen(s));
}

void pdf_buf_int(pdf_buf *b, long long v);
/* num/den rounded half away from zero to `decimals` places (0 to 18),
 * trailing zeros dropped ("12.5", "-3", "0.015625"). */
void pdf_buf_dec(pdf_buf *b, long long num, long long den, int decimals);
/* Four upper-case hex digits. */
void pdf_buf_hex4(pdf_buf *b, unsigned v);

typedef struct pdf_glyph {
    uint32_t gid;         /* in the original font */
    uint32_t cid;         /* code in the content stream (set by embed) */
    int width;            /* advance in 1/1000 em, as written to /W */
    const char *text;     /* borrowed: Unicode text (UTF-8) or NULL */
    uint16_t text_len;
    bool rtl;             /* the text was shown right to left */
} pdf_glyph;

typedef struct pdf_font {
    const pb_face *face;  /* borrowed; NULL when the face id is unused */
    int *slot;            /* owned: by gid, 1 + its index in glyphs (0: not
                             used); a flat array, looked up for every glyph
                             of every page twice */
    uint32_t nslots;
    pdf_glyph *glyphs;    /* owned, in first-use order until embed sorts */
    int nglyphs, cap;
    HPDF_Dict dict;       /* the Type0 font (owned by the HPDF_Doc) */
} pdf_font;

typedef struct pdf_fonts {
    const pb_fontset *set; /* borrowed */
    pdf_font *fonts;      /* owned: one per face id of the fontset */
    int count;
    /* what embedding one font holds while it works (owned, freed with
       the rest if memory runs out): its program and a buffer for its
       ToUnicode CMap */
    pb_program held;
    pdf_buf cmap;
} pdf_fonts;

void pdf_fonts_init(pdf_fonts *fs, const pb_fontset *set);
void pdf_fonts_free(pdf_fonts *fs);

/* Records a use of glyph g whose cluster text is text (may be NULL).
 * False when g names no face of the fontset.  Inline for a glyph seen
 * before (most of a page); pdf_fonts_note_more records the rest. */
bool pdf_fonts_note_more(pdf_fonts *fs, const pb_pglyph *g, const char *text);

static inline bool pdf_fonts_note(pdf_fonts *fs, const pb_pglyph *g, const char *text)
{
    if (g->face < fs->count) {
        const pdf_font *f = &fs->fonts[g->face];
        if (g->gid < f->nslots && f->slot[g->gid] > 0 &&
            (f->glyphs[f->slot[g->gid] - 1].text || !text || !g->text_len))
            return true; /* known, and its text too */
    }
    return pdf_fonts_note_more(fs, g, text);
}

struct pdf_extras;

/* Subsets and writes every used font into pdf.  Sets *need_pdf16 when a
 * CFF font went in as an OpenType font (FontFile3 /OpenType: one paiban's
 * CFF subsetter refused).  With `outside` (pdf_pack.h)
 * and compress, the font programs are kept there for pdf_pack instead of
 * going through libharu. */
bool pdf_fonts_embed(pdf_fonts *fs, HPDF_Doc pdf, bool compress,
                     struct pdf_extras *outside, bool *need_pdf16, pb_diag *diag);

/* A new indirect stream object holding data, Flate-compressed by paiban
 * at `level` (1-12, src/base/flate.c), or stored as it is with level 0. */
HPDF_Dict pdf_new_stream(HPDF_Doc pdf, int level, const void *data, size_t len);

/* Writes data into stream object s Flate-compressed at `level` by paiban
 * (not by libharu, whose level is fixed), with its /Filter. */
bool pdf_stream_put_deflated(HPDF_Dict s, int level, const void *data, size_t len);
/* The same with a compressor the caller keeps for many streams, the
 * compressed data kept in `outside` for pdf_pack to write (libharu writes
 * the stream empty). */
bool pdf_stream_keep_deflated(HPDF_Dict s, pb_deflater *d, const void *data, size_t len,
                              struct pdf_extras *outside);

/* A key and what it sorts (an index). */
typedef struct pdf_keyed {
    uint64_t key;
    uint32_t index;
} pdf_keyed;

/* Sorts a[0, n) by key, ascending; equal keys keep their order.  A radix
 * sort, a pass for each byte in which the keys differ (glyph ids: two):
 * qsort's comparisons through a function pointer were most of the cost of
 * ordering a font's glyphs. */
void pdf_sort_keyed(pdf_keyed *a, size_t n);

/* The noted glyph gid of face, or NULL.  Inline: asked for every glyph
 * of every page. */
static inline const pdf_glyph *pdf_fonts_lookup(const pdf_fonts *fs, int face, uint32_t gid)
{
    if (face < 0 || face >= fs->count)
        return NULL;
    const pdf_font *f = &fs->fonts[face];
    int k = gid < f->nslots ? f->slot[gid] : 0;
    return k > 0 ? &f->glyphs[k - 1] : NULL;
}

#endif
