/* What paiban accepts, in one place (README "Limits").  Each limit keeps
 * the time and memory of a run bounded whatever the input, is far above
 * what a real filing needs, and is reported as an error naming the file,
 * the JSON path and the limit when it is hit. */
#ifndef PB_LIMITS_H
#define PB_LIMITS_H

/* Size of one input file: report, layout or font catalog. */
#define PB_MAX_INPUT_BYTES (16u * 1024u * 1024u)

/* A PDF read for the report data it carries (paiban extract, a PDF as
 * last year's report). */
#define PB_MAX_PDF_BYTES (512u * 1024u * 1024u)

/* Nesting of JSON arrays and objects. */
#define PB_MAX_JSON_DEPTH 64

/* Blocks in a report's body. */
#define PB_MAX_BLOCKS 20000

/* Characters of one text: a paragraph, a heading, a title or signature
 * line (about 160 pages of body text). */
#define PB_MAX_TEXT_CHARS 100000

/* Runs of one text after "**" markup: a glyph keeps its run in 16 bits. */
#define PB_MAX_TEXT_RUNS 10000

/* Characters of each of meta.title, meta.issuer, meta.subject and of the
 * keywords together: PDF strings are limited to 65,535 bytes. */
#define PB_MAX_META_CHARS 1000

/* Pages of one document. */
#define PB_MAX_PAGES 2000

/* Rows of one table (data rows, bands and heading rows; groups count the
 * rows they hold) and its grid columns (label and value columns). */
#define PB_MAX_TABLE_ROWS 5000
#define PB_MAX_TABLE_COLUMNS 100

/* Value cells of all the tables of one report together (a table is
 * laid out whole, at about 6 KB a cell). */
#define PB_MAX_TABLE_CELLS 100000

/* Characters of one check of a layout's rules: the parser and the
 * evaluation recurse once per operator and bracket. */
#define PB_MAX_CHECK_CHARS 2000

/* Font roles of a layout, and candidates of one role once "catalog" is
 * expanded. */
#define PB_MAX_FONT_ROLES 32
#define PB_MAX_FONT_CANDIDATES 32

/* paiban import: the file of a Word document, each of its parts once
 * expanded (a zip bomb is stopped at this size, whatever its directory
 * says), and the entries of its zip archive. */
#define PB_MAX_DOCX_BYTES (64u * 1024u * 1024u)
#define PB_MAX_DOCX_PART_BYTES (32u * 1024u * 1024u)
#define PB_MAX_DOCX_ENTRIES 10000

#endif
