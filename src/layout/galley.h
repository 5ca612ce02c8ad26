/* The galley: all content of a document as one long column of lines, laid
 * out for the text block's width (the same on every page), with the keep
 * constraints that pagination must honour.  Produced by flow, cut into
 * pages by paginate.  Coordinates are y-down, 1/64 pt. */
#ifndef PB_GALLEY_H
#define PB_GALLEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/fx.h"
#include "layout/structure.h"

enum {
    PB_PG_SYNTH_BOLD = 1,
    PB_PG_RTL = 2,        /* in a right-to-left run: the characters of its
                             text are shown right to left (see pdf_font.c) */
    PB_PG_TIGHT_SPACE = 4,/* a space set too narrow for text extraction to
                             see a word space in it (typed between Chinese
                             and Latin text, set as the gap between the
                             scripts): the PDF keeps its text with the
                             glyph before it in an ActualText */
};

/* A glyph placed on a line. */
typedef struct pb_pglyph {
    uint32_t gid;         /* glyph id in the original font */
    uint16_t face;        /* fontset face id */
    uint16_t flags;       /* PB_PG_* */
    pb_fx size;
    pb_fx x;              /* pen position from the line's left edge */
    pb_fx y;              /* offset from the baseline, y-down */
    pb_fx advance;        /* advance as set (after compression/justification) */
    uint32_t text_off;    /* this glyph's cluster text in pb_gline.text */
    uint16_t text_len;    /* 0 for the second and later glyphs of a cluster */
} pb_pglyph;

/* A straight rule (tables, separators), relative to the line box. */
typedef struct pb_rule {
    pb_fx x0, y0, x1, y1;
    pb_fx width;
} pb_rule;

/* A link on a line: the box of the text it covers, from the line box's
 * left edge and top (a line of text: its extent over the box's height; a
 * table piece: one line of a cell); the URI it opens (a web or e-mail
 * address in the text). */
typedef struct pb_link {
    pb_fx x0, x1;
    pb_fx y0, y1;
    const char *uri;      /* arena */
} pb_link;

/* A table cell as placed, for the dump and the tests: the box (relative
 * to the line box) and the text it shows. */
typedef struct pb_cell_box {
    pb_fx x, y, w, h;
    int row, col, rowspan, colspan; /* grid position of the cell */
    bool cut_top, cut_bottom;       /* continues on the previous/next page */
    const char *text;               /* borrowed */
    /* tagged PDF */
    int elem;                       /* the cell's structure element (TH/TD) */
    int glyph0, nglyphs;            /* its glyphs in the piece's line */
    bool repeated;                  /* shown again (a header row or a cut
                                       label on a continuation page): an
                                       artifact, not read twice */
} pb_cell_box;

/* Part of a text that is its own structure element (a Span): bytes
 * [start, end) of pb_gline.text. */
typedef struct pb_sspan {
    uint32_t start, end;
    int elem;
} pb_sspan;

/* A glyph of a drawn seal's text, set on an arc. */
typedef struct pb_seal_glyph {
    uint32_t gid;
    uint16_t face;        /* fontset face id */
    pb_fx size;
    pb_fx x, y;           /* pen position from the seal's centre, y-down */
    int32_t angle;        /* the baseline turned clockwise, 1/1000 degree */
} pb_seal_glyph;

struct pb_image; /* image/image.h */

/* The seal over a signature (GB/T 9704 7.3.5.1), placed with one line of
 * it: its box, x from the text block's left edge and y from the top of
 * that line's box (it reaches above and below the line).  Drawn after the page's text, as ink is stamped over
 * the print. */
typedef struct pb_seal_mark {
    pb_fx x, y, w, h;
    const struct pb_image *image; /* borrowed: a stamped seal; NULL: drawn */
    /* a drawn seal: a ring, a five-pointed star and the issuing body's
     * name on an arc, in one colour */
    unsigned char rgb[3];
    pb_fx ring;           /* the ring's width */
    pb_fx star;           /* the star's outer radius */
    const pb_seal_glyph *glyphs;
    int nglyphs;
    const char *text;     /* the name it shows (drawn) */
    int elem;             /* its Figure element (tagged PDF), 0: none */
} pb_seal_mark;

typedef enum pb_gline_kind {
    PB_GLINE_TEXT,        /* a line of text, or a placed piece of a table */
    PB_GLINE_SPACE,       /* vertical space; dropped at the top of a page */
    PB_GLINE_PAGE_BREAK,  /* an explicit page break */
    PB_GLINE_TABLE_ROW,   /* one body row of a table (or its header rows):
                             paginate turns runs of them into pieces */
} pb_gline_kind;

struct pb_table_set; /* layout/table_set.h: a table laid out with its text */

typedef struct pb_gline {
    pb_gline_kind kind;
    pb_fx height;         /* how far the galley advances past this line */
    pb_fx baseline;       /* baseline distance from the top of the line box */
    pb_fx x;              /* left edge of the line from the text block's left */
    pb_fx width;          /* set width of the line */
    const char *text;     /* borrowed: the paragraph text the glyphs index */
    pb_pglyph *glyphs;
    int nglyphs;
    pb_rule *rules;
    int nrules;
    bool keep_with_next;  /* no page break between this line and the next */
    bool keep_whole;      /* ...only to keep a table on one page: the keep
                             gives way when the page would otherwise be
                             filled less than a third */
    int block;            /* index of the report block it came from */
    int line_in_block;    /* 0-based line number inside its paragraph */
    const char *path;     /* JSON path of the source text */
    int outline_level;    /* > 0: a heading line that starts an outline entry */
    const char *outline_title; /* the entry's text (whole heading) */
    pb_cell_box *boxes;   /* table pieces: the cells shown */
    int nboxes;
    const struct pb_table_set *table; /* PB_GLINE_TABLE_ROW: the table */
    int table_row;        /* its grid row; -1: the header rows */
    int slice, nslices;   /* a row too tall for a page, split between its
                             lines: line `slice` of its `nslices` (0: whole) */
    pb_link *links;       /* addresses on the line, clickable */
    int nlinks;
    /* tagged PDF (layout/structure.h) */
    int elem;             /* the structure element of the line's text; 0:
                             none (the document's) */
    const pb_sspan *sspans; /* parts of the text in child elements */
    int nsspans;
    bool artifact;        /* not content but pagination (page numbers) */
    const pb_seal_mark *seal; /* a seal placed with this line, or NULL */
    pb_fx reach_above;    /* how far what is placed with the line (a seal)
                             reaches above the top of its box ... */
    pb_fx reach_below;    /* ... and below its bottom: paginate keeps it
                             inside the text block */
} pb_gline;

typedef struct pb_galley {
    pb_gline *lines;      /* arena */
    int nlines;
    const char *file;     /* borrowed: the report, for messages */
    pb_structure structure; /* the document's logical structure */
} pb_galley;

#endif
