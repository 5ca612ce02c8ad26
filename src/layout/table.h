/* Table stage: a table template and its values -> a grid of cells with
 * row and column spans, column widths, row heights, the rows where a page
 * may break, and the geometry of the piece of a table that one page shows
 * (with the header rows repeated and the labels of row groups cut by the
 * break shown again).
 *
 * Font-free: text is measured through callbacks, so the solver is tested
 * with a fixed-advance fake font.  Lengths are 1/64 pt, y-down. */
#ifndef PB_TABLE_H
#define PB_TABLE_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/fx.h"
#include "layout/galley.h"
#include "model/document.h"
#include "model/table.h"

typedef enum pb_cell_kind {
    PB_CELL_CORNER,   /* label columns x header rows */
    PB_CELL_HEADER,   /* a node of the column header tree */
    PB_CELL_GROUP,    /* a row group's label, spanning its rows */
    PB_CELL_LABEL,    /* a data row's label */
    PB_CELL_BAND,     /* a full-width band row */
    PB_CELL_HEADING,  /* a fixed cell of a heading row inside the body */
    PB_CELL_VALUE,    /* a value */
} pb_cell_kind;

typedef struct pb_table_cell {
    int row, col;         /* grid position; header rows come first */
    int rowspan, colspan;
    pb_cell_kind kind;
    const char *text;     /* NUL-terminated; "" for a blank value */
    pb_breaks breaks;     /* where the layout prefers its lines to end */
    int align;            /* pb_align: labels left, values centre, headers centre */
    bool bold;
    bool nowrap;          /* numbers: never wrapped */
    int slot;             /* value cells: index into the values, else -1 */
    const char *path;     /* JSON path of what the cell shows (template node
                             or value), for messages */
    const char *file;     /* the file that path is in */
} pb_table_cell;

typedef struct pb_table_grid {
    const pb_table_template *tpl;
    int nrows, ncols;
    int nheader;          /* header rows at the top (0: none) */
    pb_table_cell *cells; /* row-major by (row, col) of their top-left */
    int ncells;
    int *owner;           /* nrows x ncols: index of the cell covering each
                             grid position (every position is covered once) */
    const char **row_path;/* per grid row: JSON path of its row node (for
                             messages about a row); header rows: the header */
} pb_table_grid;

/* Builds the grid from the trees: a header node spans its children's
 * columns and a leaf reaches down to the last header row; a group label
 * spans its children's rows; a data row's label spans the label columns to
 * its right that it has no children in; bands span the full width.  Value
 * cells show the values formatted as given (blank: ""). */
bool pb_table_grid_build(const pb_table_template *tpl, const pb_value *values, int nvalues,
                         pb_arena *arena, pb_table_grid *out, pb_diag *diag);

/* Text measurement, supplied by the caller (shaping + line breaking in the
 * program, a fixed-advance fake font in the tests). */
typedef struct pb_table_measurer {
    void *ctx;
    /* min: widest piece that cannot be broken; max: the text on one line */
    void (*extent)(void *ctx, const pb_table_cell *cell, pb_fx size, pb_fx *min,
                   pb_fx *max);
    /* lines needed to set the text in `width` (>= its min) */
    int (*lines)(void *ctx, const pb_table_cell *cell, pb_fx size, pb_fx width);
    /* optional: is the text poorly set in `width`: a line holding one
     * character alone (of a text of more), or a line ending inside one of
     * the pieces the layout gave the text?  NULL: never */
    bool (*poor)(void *ctx, const pb_table_cell *cell, pb_fx size, pb_fx width);
    /* optional: the index of the first cell that measures exactly like
     * this one at every size and width (the same text, set the same way),
     * else the cell's own index: such cells are measured once (a long
     * table's values repeat).  NULL: every cell is its own */
    int (*same)(void *ctx, const pb_table_cell *cell);
    /* optional: lines() with what the solver may use to find, for each
     * count, the narrowest width that needs no more lines.  *guess > 0:
     * the lines never grow in number as the width grows (greedy fitting),
     * on each side of *split (> 0: the width from which the text is broken
     * otherwise, like a label broken only at the layout's pieces when the
     * widest of them fits); *guess is a narrower width, on the same side,
     * that may still need no more lines (the widest line set at `width`),
     * which the solver tries before halving.  *guess = 0: the lines may
     * grow with the width anywhere (the solver then halves alone, and what
     * it finds depends on where it looks).  NULL: no guesses */
    int (*lines_guess)(void *ctx, const pb_table_cell *cell, pb_fx size, pb_fx width,
                       pb_fx *guess, pb_fx *split);
} pb_table_measurer;

typedef struct pb_table_geometry {
    pb_fx size;           /* the type size used (stepped down when needed) */
    pb_fx line_pitch;     /* baseline to baseline inside a cell */
    pb_fx width;          /* whole table (<= the text width) */
    pb_fx *col_x;         /* ncols + 1 column edges from the table's left */
    pb_fx *row_h;         /* nrows row heights */
    int *lines;           /* ncells: lines of text of each cell */
} pb_table_geometry;

/* Column widths: fixed (mm or share) columns first, the others from their
 * cells' min/max content widths (spanning cells spread over their
 * columns) to fill the text width exactly.  If a cell that must not wrap
 * (a number) cannot fit, the type size steps down (by 0.5 pt) to the
 * style's floor; below that it is an error naming the cell.  Row heights:
 * each cell needs lines x pitch + padding; a spanning cell that needs more
 * than its rows have gives the extra to its last row. */
bool pb_table_solve(const pb_table_grid *grid, const pb_table_style *style,
                    pb_fx text_width, const pb_table_measurer *m, pb_arena *arena,
                    pb_table_geometry *out, pb_diag *diag);
/* The same, starting from `size` (no larger than the style's) instead of
 * the style's size, so the tables of a report share one size; with the
 * text block's height (0: unknown), header rows count once for every page
 * the table takes. */
bool pb_table_solve_at(const pb_table_grid *grid, const pb_table_style *style, pb_fx size,
                       pb_fx text_width, pb_fx text_height, const pb_table_measurer *m,
                       pb_arena *arena, pb_table_geometry *out, pb_diag *diag);

/* Row heights from the cells' lines (geo->lines) and line pitch, with
 * vertical padding pad_y: each cell needs lines x pitch + padding; a
 * spanning cell that needs more than its rows have gives the extra to its
 * last row.  pb_table_solve calls it; the table's padding can be changed
 * afterwards (within the style's padding_range) by calling it again. */
void pb_table_rows(const pb_table_grid *grid, pb_table_geometry *geo, pb_fx pad_y);
/* The same for body rows [r0, r1) only (and the rows of the merged cells
 * among them, which decide their heights), and for the header rows with
 * `header` (else they are copied from geo), written into row_h (nrows
 * entries; the others are left as they are): a piece of the table set
 * with a padding of its own, at the cost of its rows. */
void pb_table_rows_part(const pb_table_grid *grid, const pb_table_geometry *geo, pb_fx pad_y,
                        int r0, int r1, bool header, pb_fx *row_h);

/* May a page end between body rows r-1 and r (grid row indices)?  Never
 * after a band or a heading row (they stay with the row below them). */
bool pb_table_break_allowed(const pb_table_grid *grid, int r);

/* A row too tall for a page is split between its lines: lines [l0, l1)
 * of body row r as a piece shows them.  A row has
 * pb_table_row_lines() lines; its height is shared out as pad_y + the
 * pitch per line + pad_y (the last line takes what a spanning cell added),
 * and a piece cut inside the row gets pad_y at the cut too. */
int pb_table_row_lines(const pb_table_geometry *geo, const pb_table_style *style, int r);
pb_fx pb_table_row_part(const pb_table_geometry *geo, const pb_table_style *style, int r,
                        int l0, int l1);
/* Where line l of row r starts, from the row's top (l = lines: its height). */
pb_fx pb_table_line_top(const pb_table_geometry *geo, const pb_table_style *style, int r,
                        int l);

/* A cell as one page shows it. */
typedef struct pb_table_box {
    int cell;             /* index into grid->cells */
    pb_fx x, y, w, h;     /* the box on the piece, clipped to its rows */
    bool cut_top, cut_bottom; /* the cell continues on the previous/next page */
    bool split;           /* in a split row: lines [l0, l1) of the cell's text,
                             set from the top of the box */
    int l0, l1;
} pb_table_box;

/* The part of a table that one page shows: the header rows (when
 * `header`), then body rows [r0, r1), of which row r0 from its line l0 and
 * row r1 - 1 up to its line l1 (-1: to its end).  A cell spanning rows
 * outside the range is clipped to it and its text shown again; the cells
 * of a row cut between its lines show the lines of their text in the
 * piece; a merged cell cut by the piece's edge is shown whole again, and
 * when the part of it the piece shows is too short for its text, its last
 * shown row is made taller.  Rules: a heavy
 * border around the piece (also where the table is cut by a page break),
 * light inner rules, never through a merged cell; collinear segments are
 * joined so rules meet cleanly. */
typedef struct pb_table_piece {
    pb_fx width, height;
    pb_table_box *boxes;
    int nboxes;
    pb_rule *rules;       /* layout/galley.h */
    int nrules;
} pb_table_piece;

/* The height pb_table_piece_make gives that piece (0: not a piece). */
pb_fx pb_table_piece_height(const pb_table_grid *grid, const pb_table_geometry *geo,
                            const pb_table_style *style, bool header, int r0, int l0, int r1,
                            int l1);

bool pb_table_piece_make(const pb_table_grid *grid, const pb_table_geometry *geo,
                         const pb_table_style *style, bool header, int r0, int l0,
                         int r1, int l1, pb_arena *arena, pb_table_piece *out);

#endif
