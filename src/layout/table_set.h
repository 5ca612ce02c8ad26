/* A table laid out with its text: the grid and geometry from the table
 * solver, and every cell's text shaped and broken at its column width.
 * Built by flow for each table block; paginate asks it for the piece of
 * the table each page shows (header rows repeated, cut group labels shown
 * again). */
#ifndef PB_TABLE_SET_H
#define PB_TABLE_SET_H

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/galley.h"
#include "layout/setter.h"
#include "layout/table.h"
#include "model/document.h"

typedef struct pb_cell_line {
    pb_pglyph *glyphs;    /* pen positions from the line's start */
    int nglyphs;
    pb_fx x;              /* offset inside the cell's text area (alignment) */
    pb_link *links;       /* addresses on the line, from its start (their
                             y: 0, placed with the line) */
    int nlinks;
} pb_cell_line;

typedef struct pb_cell_text {
    const char *text;     /* the cell's text (borrowed from the grid) */
    pb_cell_line *lines;
    int nlines;
} pb_cell_text;

typedef struct pb_table_set {
    pb_table_grid grid;
    pb_table_geometry geo;
    const pb_table_style *style; /* points to own_style */
    pb_table_style own_style; /* the template's, with the padding chosen */
    pb_cell_text *cells;  /* one per grid cell */
    pb_fx header_height;  /* the header rows together */
    pb_cell_line continued; /* the line above a continuation ("续表"), set
                               in the table's font at its size */
    const char *continued_text; /* its text, or NULL */
    pb_fx continued_height; /* its height; 0: none */
    const char *file;     /* for messages */
    const char *path;     /* the table block's JSON path */
    int *cell_elem;       /* per grid cell: its structure element, or NULL */
    int *same;            /* per cell: the first cell set like it (same
                             text and setting), which is measured for it */
    int *kind;            /* per cell: its kind (cells set alike), 0 .. */
    int nkinds;
    pb_prepared *base;    /* per kind: its text shaped once, shared with the
                             other builds of the block (pb_table_set_build) */
    pb_fx *base_size;     /* the size each was shaped at; 0: not yet */
    bool push_in;         /* its cells' marks may be squeezed to fit a line */
} pb_table_set;

/* Lays out a table block; size > 0: start from that type size rather than
 * the template's (no larger), so the tables of a report share one.
 * push_in: the marks in its cells may be squeezed to fit a line (the
 * clreq push-in); otherwise they keep their full width in a line (only a
 * mark ending a line and two marks together are compressed), as a
 * comma squeezed in one cell and not in the next reads as ",".  like:
 * NULL, or an earlier build of the same block in the same arena, whose
 * grid and shaped cell text this one reuses (another size is a scale of
 * the same shaping, not a new one). */
bool pb_table_set_build(const pb_block *block, const pb_layout *layout,
                        const pb_fontset *fonts, pb_fx size, bool push_in,
                        const pb_table_set *like, pb_arena *arena, pb_table_set **out,
                        pb_diag *diag);

/* Sets the table's rows with another vertical padding (within the
 * style's padding_range): row heights and the header's height change. */
void pb_table_set_pad(pb_table_set *ts, pb_fx pad_y);

/* The height of the table's rows together. */
pb_fx pb_table_set_height(const pb_table_set *ts);

/* A piece of a table: body rows [r0, r1) from line l0 of r0 to line l1
 * of r1 - 1 (-1: its end; see pb_table_piece_make), after the header
 * rows; `continued`: it continues the table on a new page. */
typedef struct pb_table_span {
    int r0, l0, r1, l1;
    bool continued;
} pb_table_span;

/* How a piece's rows are set: with vertical padding pad_y, and `stretch`
 * taller together, in proportion (less than one more step of padding
 * would add), so the piece ends exactly on a line of the page's grid.
 * The header rows keep the table's padding, so a repeated header looks
 * the same on every page, unless `header`: when the body rows alone
 * cannot reach a grid line. */
typedef struct pb_table_fit {
    pb_fx pad_y;
    pb_fx stretch;
    bool header;
} pb_table_fit;

/* The piece of the table one page shows, as one galley line with the
 * glyphs of every cell, the rules and the cell boxes; a piece that
 * continues the table on a new page is headed by the style's continued
 * line ("续表").  fit: NULL, the table's padding. */
bool pb_table_set_piece(const pb_table_set *ts, const pb_table_span *span,
                        const pb_table_fit *fit, pb_arena *arena, pb_gline *out);

/* The height of that piece, without setting it. */
pb_fx pb_table_set_piece_height(const pb_table_set *ts, const pb_table_span *span,
                                const pb_table_fit *fit);

/* How to set that piece, within the style's padding_range, `top` below
 * the top of a grid of lines `pitch` apart on a page filled down to
 * `most` at the most: with `fill` (the page ends inside the table), it
 * ends on the page's last grid line when its rows can reach it; else on
 * the grid line above its end at the table's padding or on the one below,
 * whichever takes less change (the text after it then loses no line); when
 * neither can be reached, as near the one below as the padding goes.  The
 * body rows are padded alone when that reaches a line. */
pb_table_fit pb_table_set_grid_fit(const pb_table_set *ts, const pb_table_span *span, pb_fx top,
                                   pb_fx pitch, pb_fx most, bool fill);

#endif
