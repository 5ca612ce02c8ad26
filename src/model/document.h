/* The document model: what the input stage produces from the report data
 * and the layout, and what every later stage reads (never writes).
 * All strings and arrays are allocated in the input stage's arena.
 * Every node keeps the JSON path it came from, for messages. */
#ifndef PB_DOCUMENT_H
#define PB_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/fx.h"
#include "model/rules.h"
#include "model/table.h"

/* ---- layout -------------------------------------------------------- */

typedef enum pb_align {
    PB_ALIGN_JUSTIFY = 0, /* full measure; last line of a paragraph left */
    PB_ALIGN_LEFT,
    PB_ALIGN_CENTER,
    PB_ALIGN_RIGHT,
} pb_align;

/* Named styles of a layout; the JSON keys are given in pb_style_names. */
typedef enum pb_style_id {
    PB_STYLE_TITLE = 0,
    PB_STYLE_HEADING1,
    PB_STYLE_HEADING2,
    PB_STYLE_HEADING3,
    PB_STYLE_HEADING4,
    PB_STYLE_BODY,
    PB_STYLE_SIGNATURE,
    PB_STYLE_PAGE_NUMBER,
    PB_STYLE_COUNT
} pb_style_id;

/* "title", "heading1" ... "heading4", "body", "signature", "page_number" */
extern const char *const pb_style_names[PB_STYLE_COUNT];

typedef struct pb_style {
    const char *role;     /* font role name; a key of pb_layout.roles */
    pb_fx size;           /* type size */
    bool bold;            /* synthetic emboldening when the face is regular */
    bool char_grid;       /* full-width glyphs advance by the layout's
                             character pitch (GB/T 9704 28-per-line grid) */
    int indent_chars;     /* first-line indent, in characters of this size
                             (or of the grid pitch when char_grid) */
    int right_indent_chars; /* space kept at the right end (signature date) */
    pb_align align;
    pb_fx space_before;   /* vertical space, discarded at the top of a page */
    pb_fx space_after;
    pb_fx line_pitch;     /* baseline-to-baseline; 0 = the layout's grid pitch */
    const char *path;     /* JSON path of the style object */
} pb_style;

typedef struct pb_font_candidate {
    const char *family;   /* family name as in the font's name table, any
                             language ("仿宋_GB2312", "FandolFang"); or NULL */
    const char *file;     /* a file name without folders ("simfang.ttf"); or NULL */
    int index;            /* face index inside a .ttc collection */
    const char *path;     /* JSON path, in `source` */
    const char *source;   /* the file (layout or catalog) that named it */
} pb_font_candidate;

typedef struct pb_font_role {
    const char *name;     /* "title", "fangsong", "hei", "kai", "song", ... */
    pb_font_candidate *candidates; /* in order of preference, catalog
                                      references already expanded */
    int ncandidates;
    const char *path;
    const char *source;
} pb_font_role;

typedef struct pb_page_number {
    const char *format;   /* "— {n} —": {n} is replaced by the page number */
    pb_fx below_text;     /* baseline distance below the text block */
    bool outside;         /* odd pages right, even pages left (GB/T 9704) */
    int side_indent_chars;/* space between the number and the text block edge */
    bool first_page;      /* number the first page too */
} pb_page_number;

/* The document a layout is for ("outline"): its title and its chapters
 * in order, each with the tables of the layout it holds.  paiban new makes
 * a report skeleton of it. */
typedef struct pb_outline_chapter {
    const char *heading;  /* "一、总体情况" */
    const char **tables;  /* ids of templates of the layout, in order */
    int ntables;
    const char *path;
} pb_outline_chapter;

typedef struct pb_outline {
    const char *title;    /* with {issuer} and {year}, or NULL */
    pb_outline_chapter *chapters;
    int nchapters;        /* 0: the layout has no outline */
} pb_outline;

/* The seal over the signature (GB/T 9704 7.3.5.1): its size, and the seal
 * paiban draws itself (a ring, a five-pointed star and the issuing body's
 * name on an arc) for drafts when the report names no image ("seal"). */
typedef struct pb_seal_style {
    pb_fx diameter;       /* the seal's width on the page; an image keeps
                             its proportions */
    bool vector;          /* draw a seal when the report names none */
    const char *role;     /* font role of the drawn seal's text */
    unsigned char rgb[3]; /* the drawn seal's colour */
    const char *path;     /* JSON path of the "seal" object, or NULL */
} pb_seal_style;

typedef struct pb_layout {
    const char *name;     /* the layout's "name" */
    const char *file;     /* the file it was read from (for messages) */
    const char *dir;      /* that file's folder: searched for fonts */

    pb_fx page_width, page_height;
    pb_fx margin_top, margin_bottom, margin_left, margin_right;
    pb_fx text_width, text_height; /* derived: the text block (版心) */

    int lines_per_page;   /* 0 when line_pitch was given explicitly */
    int chars_per_line;   /* 0 when no character grid */
    pb_fx line_pitch;     /* text_height / lines_per_page, or explicit */
    pb_fx char_pitch;     /* text_width / chars_per_line, or 0 */

    pb_font_role *roles;
    int nroles;

    pb_style styles[PB_STYLE_COUNT];
    pb_page_number page_number;

    pb_table_template *tables; /* table templates the layout declares */
    int ntables;

    pb_table_rule *rules; /* arithmetic rules over the tables ("rules") */
    int nrules;

    pb_claim *claims;     /* the figures the text states ("claims") */
    int nclaims;

    bool pdf_plain;       /* "pdf": "plain": no tagging, PDF/A metadata or
                             embedded data (default "archival") */
    const char *sha256;   /* hex SHA-256 of the bytes of the layout's files
                             (the top one, then each it extends) */

    pb_outline outline;   /* the document's chapters ("outline") */

    pb_seal_style seal;   /* "seal" */
} pb_layout;

/* ---- report data --------------------------------------------------- */

/* A run of text with one appearance.  Inline markup ("**bold**") has
 * already been turned into runs by the input stage. */
typedef struct pb_run {
    const char *text;     /* valid UTF-8 without NUL or control characters */
    size_t len;           /* bytes */
    int style;            /* a pb_style_id whose font and boldness the run
                             takes (run-in headings), or -1: the block's */
    int8_t bold;          /* -1: as the style says; 0: regular; 1: bold */
    const char *path;     /* JSON path of the string the run came from */
} pb_run;

/* One piece of running text: a paragraph, a heading, one title line. */
typedef struct pb_text {
    pb_run *runs;
    int nruns;
    const char *path;
} pb_text;

typedef enum pb_block_kind {
    PB_BLOCK_TITLE,       /* texts: one per title line (titles are broken by
                             meaning, so the author gives the lines) */
    PB_BLOCK_HEADING,     /* level 1..4; texts[0] */
    PB_BLOCK_PARAGRAPH,   /* texts[0] */
    PB_BLOCK_SIGNATURE,   /* 落款: texts = lines; the last is the date */
    PB_BLOCK_PAGE_BREAK,
    PB_BLOCK_TABLE,       /* reserved for disclosure tables */
} pb_block_kind;

typedef struct pb_block {
    pb_block_kind kind;
    int level;            /* headings: 1..4 */
    pb_text *texts;
    int ntexts;
    const char *path;     /* "body[12]" */

    /* tables */
    const char *table_ref;          /* "table": a template id of the layout */
    const char *caption;            /* "caption": overrides the template's */
    const pb_table_template *table; /* the template, inline or the layout's
                                       (set when bound to the layout) */
    pb_value *values;               /* in pb_table_value_slots order */
    int nvalues;
    const void *pending;            /* input stage only: values before binding */

    /* signatures */
    const char *seal_file;          /* "seal": the seal image the report names
                                       (a path from the report's folder), or NULL */
    const struct pb_image *seal;    /* the seal to set over the signature,
                                       decoded (pb_input_seals), or NULL */
} pb_block;

typedef struct pb_meta {
    const char *title;    /* document title (PDF Title); required */
    const char *issuer;   /* issuing body (PDF Author) */
    const char *subject;
    const char *keywords; /* joined with "；" for the PDF Keywords */
    int year;             /* the year reported on; 0 if not given */
    const char *date;     /* "YYYY-MM-DD" or NULL: the PDF creation date */
} pb_meta;

typedef struct pb_report {
    const char *file;     /* the file it was read from */
    const char *dir;      /* that file's folder: searched for fonts/layouts */
    const char *layout;   /* the layout the report asks for (a name such as
                             "gbt9704" or a path relative to dir), or NULL */
    pb_meta meta;
    pb_block *blocks;
    int nblocks;

    pb_cell_ref *refs;    /* {{table.row.cell}} in the text (set when the
                             tables are bound; the text already shows the
                             cells' values) */
    int nrefs;
    pb_text_mark *marks;  /* {{2 = ...}} and {{5 | skip ...}}: numbers the
                             text prints itself (set with refs) */
    int nmarks;
} pb_report;

#endif
