/* Table model: a template (columns, header tree, row tree, bands, corner
 * cell, widths, formats, style) declared in a layout or inline in a
 * report, and the values a report gives for it, keyed by row id x cell id.
 * Produced by the input stage; read by the table solver and the checks. */
#ifndef PB_TABLE_MODEL_H
#define PB_TABLE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/fx.h"



/* Where a text of a table prefers its lines to end: the byte offsets
 * between the pieces a layout gave it as (["三、本年度", "办理结果"]).  A
 * line breaks inside a piece only when the piece is wider than the cell. */
typedef struct pb_breaks {
    const uint32_t *at;   /* ascending, inside the text */
    int n;
} pb_breaks;

/* What a value column accepts. */
typedef enum pb_value_format {
    PB_FMT_INTEGER = 0, /* non-negative integers; a string "22（其中修订16件）"
                           (a number and a bracketed note) prints as written */
    PB_FMT_DECIMAL,     /* numbers; the digits given are kept (1944.0495) */
    PB_FMT_TEXT,        /* any text */
} pb_value_format;

typedef enum pb_value_kind {
    PB_VALUE_BLANK = 0, /* null or absent: prints empty, is not 0 */
    PB_VALUE_INTEGER,
    PB_VALUE_DECIMAL,
    PB_VALUE_TEXT,
} pb_value_kind;

typedef struct pb_value {
    pb_value_kind kind;
    const char *text;   /* as printed; NULL when blank */
    bool has_number;    /* integers, decimals, and text with a leading number */
    int64_t number;     /* exact value = number / 10^scale */
    int scale;          /* digits after the decimal point */
    const char *path;   /* JSON path in the report (or NULL when absent) */
} pb_value;

typedef struct pb_table_column {
    const char *id;
    bool label;         /* a row-label column (label columns come first) */
    pb_fx width;        /* fixed width, or 0 */
    int share;          /* or a share of the text block in 1/1000, or 0;
                           neither: solved from the content */
    int align;          /* pb_align of its value cells (default centre) */
    pb_value_format format;
    const char *path;
} pb_table_column;

/* A node of the column header tree: spans its children's columns; a leaf
 * heads one value column and spans down to the last header row. */
typedef struct pb_header_node {
    const char *id;          /* optional: names a column group for rules */
    const char *text;
    pb_breaks text_breaks;   /* preferred line ends in text */
    const char *column;      /* leaves: the value column's id */
    int col;                 /* leaves: index of that column */
    struct pb_header_node *children;
    int nchildren;
    const char *path;
} pb_header_node;

typedef enum pb_row_kind {
    PB_ROW_DATA = 0,    /* a row of values, with its label */
    PB_ROW_GROUP,       /* a label spanning its children's rows */
    PB_ROW_BAND,        /* full-width text row (第二十条第（一）项) */
    PB_ROW_HEADING,     /* a row of fixed cells inside the body (the
                           "信息内容 | 本年制发件数 …" rows of table 二) */
} pb_row_kind;

/* A cell of a data row or a heading row.  Data rows: one value cell each;
 * default one per value column.  Heading rows: fixed text. */
typedef struct pb_row_cell {
    const char *id;     /* data rows: the value key (default: the column id) */
    const char *text;   /* heading rows: the text */
    pb_breaks text_breaks; /* preferred line ends in text */
    int colspan;        /* grid columns it covers (>= 1) */
    int format;         /* data rows: a pb_value_format, or -1: the column's */
    const char *path;
} pb_row_cell;

typedef struct pb_row_node {
    pb_row_kind kind;
    const char *id;     /* data rows: key of the row's values; groups:
                           optional, names the group for rules */
    const char *label;  /* data and group rows: the label; bands: the text */
    pb_breaks label_breaks; /* preferred line ends in label */
    struct pb_row_node *children;
    int nchildren;
    pb_row_cell *cells; /* data rows (NULL: one per value column) and
                           heading rows */
    int ncells;
    const char *path;
} pb_row_node;

typedef struct pb_table_style {
    const char *role;   /* font role */
    pb_fx size;         /* preferred type size */
    pb_fx min_size;     /* floor when numbers do not fit */
    pb_fx line_pitch;   /* baseline to baseline inside cells; 0: 1.25 × size */
    pb_fx pad_x, pad_y; /* cell padding */
    pb_fx pad_y_min, pad_y_max; /* the vertical padding may be set anywhere
                           in this range, so the table ends on a line of the
                           page's grid or fits one page ("padding_range") */
    pb_fx outer_rule;   /* border weight */
    pb_fx inner_rule;   /* inner rules */
    bool header_bold;
    const char *caption_role; /* caption line above the table */
    pb_fx caption_size;
    bool caption_bold;
    const char *continued; /* a line above each continuation of the table
                              on a new page ("续表"), or NULL */
    int continued_align;  /* pb_align of that line */
} pb_table_style;

typedef struct pb_table_template {
    const char *id;
    const char *caption;     /* printed above the table, or NULL */
    pb_table_column *columns;
    int ncolumns;
    int nlabel_columns;
    pb_header_node *header;  /* top-level nodes over the value columns */
    int nheader;
    const char *corner;      /* text of the corner cell (label columns x
                                header rows), or NULL */
    pb_breaks corner_breaks; /* preferred line ends in corner */
    pb_row_node *rows;       /* the body, top to bottom */
    int nrows;
    pb_table_style style;
    const char *path;        /* JSON path of the template */
    const char *source;      /* the file that declared it */
} pb_table_template;

/* The value cells of a template in body order (rows top to bottom, then
 * cells left to right); a report's values are stored in this order. */
typedef struct pb_value_slot {
    const pb_row_node *row;
    const pb_row_cell *cell; /* NULL: the default cell of column `col` */
    int col;                 /* first grid column */
    int colspan;
    const char *cell_id;     /* the value key: cell id, else the column id */
    pb_value_format format;  /* the cell's, else the column's */
} pb_value_slot;

/* Counts and lists the value cells (slots may be NULL to count only). */
int pb_table_value_slots(const pb_table_template *t, pb_value_slot *slots);

#endif
