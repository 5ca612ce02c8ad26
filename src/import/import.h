/* Import stage: documents clerks already have (Word .docx, web pages,
 * plain text) -> report data (JSON) for a layout.
 *
 *   reader (import_docx.c, import_html.c, import_txt.c)
 *       source bytes -> im_doc: paragraphs with bold runs, alignment and
 *       the source's own style hints, and tables with their merged cells
 *   structure (import_structure.c)
 *       im_doc -> ob_report: title, headings by numbering and style,
 *       run-in headings, signature, meta
 *   matcher (import_match.c)
 *       each source table -> a template of the layout with its values, or
 *       an inline table of its own structure
 *   writer (import_write.c)
 *       ob_report -> report JSON, read back by the input stage
 *
 * The only module that includes libzip, libxml2 and ICU's charset
 * detection and conversion.  Every message names the source file and a
 * position in it as the user sees it ("line 12", "paragraph 7",
 * "table 2, row 3, column 4"). */
#ifndef PB_IMPORT_H
#define PB_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/document.h"

/* ---- what the readers produce ------------------------------------------ */

/* Text with a bold flag per byte: what every reader hands over, so that
 * cleaning and splitting keep each character's emphasis. */
typedef struct im_text {
    char *s;              /* UTF-8, NUL-terminated; in the doc's arena */
    unsigned char *bold;  /* one flag per byte of s */
    size_t len;
} im_text;

typedef struct im_para {
    im_text text;
    int align;            /* a pb_align, or -1: the source does not say */
    int outline;          /* heading level the source's style gives (1..9), 0: none */
    bool title_style;     /* the source calls it a title (Word's Title, <h1>) */
    int size_half_pt;     /* type size of most of its text in half points, 0: unknown */
    const char *where;    /* "line 12", "paragraph 7" */
} im_para;

typedef struct im_cell {
    im_text text;         /* the cell's paragraphs joined */
    int row, col;         /* grid position of its top left corner */
    int rowspan, colspan;
} im_cell;

typedef struct im_table {
    im_cell *cells;
    int ncells;
    int nrows, ncols;
    bool flattened;       /* tab-separated lines of a text: the columns of a
                             line are not reliable, merged cells are gone */
    int nheader_rows;     /* rows the source marks as header (thead,
                             Word's repeated header rows); 0: not marked */
    const char *caption;  /* <caption>, or NULL */
    const char *where;    /* "table 2", "lines 40-62" */
    const char **row_where; /* per row: "line 43", "table 2, row 5" */
} im_table;

typedef enum im_kind { IM_PARA, IM_TABLE, IM_PAGE_BREAK } im_kind;

typedef struct im_block {
    im_kind kind;
    im_para para;
    im_table table;
} im_block;

typedef struct im_doc {
    pb_arena *arena;      /* borrowed */
    const char *file;     /* the source, as named in messages */
    im_block *blocks;
    int nblocks, cap;
    const char *html_title; /* <title> of a web page, or NULL */
    int dropped_page_numbers, dropped_running_heads;
    const char *encoding; /* what the source was decoded from ("GB18030") */
} im_doc;

/* Adds a block (zeroed) and returns it. */
im_block *im_doc_add(im_doc *d, im_kind kind);

/* Decodes a text source (plain text, a web page) to UTF-8 (*out
 * malloc'ed): a byte-order mark, else valid UTF-8, else the charset the
 * source declares (`declared`, may be NULL), else ICU's detector, which
 * must find GB18030 (GBK, GB2312), Big5, UTF-16 or UTF-32.  *encoding is
 * set to what was used. */
bool pb_import_decode(const char *file, const char *bytes, size_t len, const char *declared,
                      char **out, size_t *out_len, const char **encoding, pb_diag *diag);

/* The import of a source held in memory on an engine, with the messages
 * kept in diag (for the fuzz target and tests; pb_import_bytes is the
 * public face).  *json malloc'ed, NULL on failure. */
typedef struct pb_engine pb_engine;
pb_status pb_import_engine(pb_engine *e, const char *name, const char *bytes, size_t len,
                           const char *layout, char **json, size_t *json_len, pb_diag *diag);

/* Readers.  Each fills doc from the bytes of one file, or reports why it
 * cannot (class PB_ERR_INPUT: corrupt, hostile or over a limit). */
bool pb_import_read_txt(im_doc *doc, const char *bytes, size_t len, pb_diag *diag);
bool pb_import_read_html(im_doc *doc, const char *bytes, size_t len, pb_diag *diag);
bool pb_import_read_docx(im_doc *doc, const char *bytes, size_t len, pb_diag *diag);

/* ---- what the structure recognition produces --------------------------- */

/* A piece of a text block: a run-in heading (style >= 0) or text whose
 * bold spans are kept as flags. */
typedef struct ob_piece {
    im_text text;
    int style;            /* a pb_style_id, or -1: the block's own */
} ob_piece;

typedef enum ob_kind {
    OB_TITLE, OB_HEADING, OB_PARAGRAPH, OB_SIGNATURE, OB_PAGE_BREAK, OB_TABLE
} ob_kind;

/* An imported value cell, as it will be written. */
typedef enum ob_value_kind { OB_BLANK, OB_NUMBER, OB_STRING } ob_value_kind;
typedef struct ob_value {
    ob_value_kind kind;
    const char *text;     /* the digits of a number, or the string */
} ob_value;

/* A table of the source's own structure (no template matched). */
typedef struct ob_inline_col {
    const char *id;
    bool label;
    pb_value_format format;
} ob_inline_col;

typedef struct ob_inline_head {   /* a node of the header tree */
    const char *text;
    int col;              /* leaves: the value column (grid index), else -1 */
    int first, last;      /* grid columns it spans */
    struct ob_inline_head *children;
    int nchildren;
} ob_inline_head;

typedef struct ob_inline_cell {
    const char *text;     /* data rows: the value; heading rows: the text */
    ob_value value;
    int colspan;
} ob_inline_cell;

typedef struct ob_inline_row {
    int kind;             /* a pb_row_kind */
    const char *id;
    const char *label;    /* data rows and groups; bands: the text */
    struct ob_inline_row *children;
    int nchildren;
    ob_inline_cell *cells;
    int ncells;
    bool custom_cells;    /* a data row whose cells span several columns */
} ob_inline_row;

typedef struct ob_inline {
    ob_inline_col *cols;
    int ncols, nlabel;
    const char *corner;
    ob_inline_head *header;
    int nheader;
    ob_inline_row *rows;
    int nrows;
} ob_inline;

typedef struct ob_block {
    ob_kind kind;
    int level;            /* headings */
    ob_piece *pieces;     /* headings, paragraphs */
    int npieces;
    im_text *lines;       /* title and signature lines */
    int nlines;
    /* tables */
    const pb_table_template *tpl; /* the layout's template, or NULL: inline */
    ob_value *values;     /* tpl: one per pb_table_value_slots slot */
    int nvalues;
    ob_inline *inl;
    const char *caption;  /* inline tables: the source's caption */
    const char *where;    /* source position */
    int cells_filled;     /* for the summary: non-blank value cells */
} ob_block;

typedef struct ob_report {
    const char *layout_ref; /* written as "layout", or NULL */
    const char *title;
    const char *issuer, *subject, *date;
    int year;
    ob_block *blocks;
    int nblocks, cap;
    /* for the summary */
    int headings[5];      /* by level */
    int runins, paragraphs, tables_matched, tables_inline, warnings;
} ob_report;

ob_block *ob_report_add(ob_report *r, pb_arena *a, ob_kind kind);

/* Recognizes the structure of doc (tables are handed to the matcher with
 * the layout's templates).  Returns false after errors. */
bool pb_import_structure(const im_doc *doc, const pb_layout *layout, ob_report *out,
                         pb_diag *diag);

/* A title too wide for one line of the layout's title style, broken by
 * meaning: after the year, before "关于", before "政府信息公开", else where
 * the line is full.  Fills lines (at least 3) and returns how many. */
int pb_import_title_lines(pb_arena *a, const pb_layout *layout, im_text title, im_text *lines);

/* The layout reference a report written to out_path can carry: a name as
 * it is, a path only when the report's folder holds the layout; NULL when
 * the report cannot name it. */
const char *pb_import_layout_ref(const char *ref, const char *out_path, pb_arena *a);

/* Matches one source table to the layout's templates (ntemplates may be
 * 0) and fills a table block: template values, or an inline table.
 * Returns false after errors (values that do not fit their cells, rows
 * that match ambiguously). */
bool pb_import_match_table(const im_doc *doc, const im_table *t, const pb_layout *layout,
                           ob_block *out, pb_diag *diag);

/* The table as an inline table of its own structure. */
bool pb_import_inline_table(const im_doc *doc, const im_table *t, ob_block *out,
                            pb_diag *diag);

/* How well a source table matches each template of the layout: the best
 * template's score (0..1) and index, for choosing a layout. */
double pb_import_table_score(const im_doc *doc, const im_table *t, const pb_layout *layout,
                             int *best);

/* Writes the report as JSON (malloc'ed, NUL-terminated). */
char *pb_import_write_json(const ob_report *r, size_t *len);

#endif
