/* Input stage: JSON bytes of report data and layouts -> the validated
 * document model (model/document.h).  The only module that includes cJSON.
 *
 * Validation reports every problem of a file in one run, each with the
 * file and the JSON path; unknown keys are errors (they catch typos).
 * Syntax errors give line:column. */
#ifndef PB_INPUT_H
#define PB_INPUT_H

#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/document.h"
#include "model/summary.h"

/* Where layouts and the font catalog are looked up by name. */
typedef struct pb_input_paths {
    const char *data_dir;  /* holds layouts/ and fonts/catalog.json */
    const char *ref_file;  /* where the layout reference came from, for */
    const char *ref_path;  /* messages ("report.json", "layout"); may be NULL */
    const char *bytes;     /* the layout itself held in memory (named by the */
    size_t len;            /* reference in messages), or NULL: read the file */
} pb_input_paths;

/* Parses report data.  `name` is the file name used in messages and to
 * derive report->dir.  Returns NULL (with errors in diag, class
 * PB_ERR_INPUT) if the data is invalid. */
pb_report *pb_input_report(const char *name, const char *bytes, size_t len,
                           pb_arena *arena, pb_diag *diag);

/* Reads and parses a report file (PB_ERR_IO if it cannot be read). */
pb_report *pb_input_report_file(const char *path, pb_arena *arena, pb_diag *diag);

/* Loads a layout: `ref` is a path to a .json file, or a bare name
 * ("gbt9704") looked up as <data_dir>/layouts/<name>.json, and relative
 * paths are tried against `base_dir` (the report's folder) first.
 * Follows "extends" chains (objects merge key by key, the extending
 * layout wins; cycles are errors), expands "catalog" font candidates from
 * <data_dir>/fonts/catalog.json, checks everything and derives the text
 * block and the grid.  Errors have class PB_ERR_LAYOUT. */
pb_layout *pb_input_layout(const char *ref, const char *base_dir,
                           const pb_input_paths *paths, pb_arena *arena,
                           pb_diag *diag);

/* Binds the report's table blocks to the layout (the last step of the
 * input stage, once both are read): a "table" reference must name a
 * template of the layout; every row id and cell id of the values must
 * exist in the template, and every value must fit its cell's format.
 * Fills block->table and block->values (pb_table_value_slots order; cells
 * without a value are PB_VALUE_BLANK), then replaces each {{table.row.cell}}
 * in the text by that cell's printed value and lists them in report->refs.
 * Errors have class PB_ERR_INPUT and name the report file and the JSON path
 * of the value or the string. */
bool pb_input_bind_tables(pb_report *report, const pb_layout *layout, pb_arena *arena,
                          pb_diag *diag);

/* Reads and decodes the seal image of each signature block that names one
 * ("seal", a PNG beside the report), or, when `file` is given, that image
 * (a file, or `bytes` named `file`) for every signature block instead.
 * Sets block->seal.  Errors: the file cannot be read (PB_ERR_IO), is not
 * a PNG, is damaged or too large (PB_ERR_INPUT); a seal without
 * transparency is a warning. */
bool pb_input_seals(pb_report *report, const char *file, const char *bytes, size_t len,
                    pb_arena *arena, pb_diag *diag);

/* A summary (paiban sum) as report data, JSON in cJSON's fixed format
 * (the same input gives the same bytes) with a final newline, into *out
 * (malloc'ed).  With a base report (`base`, read and bound from
 * base_bytes), the base is kept whole and the values of its table blocks
 * are the summary's: it must have the summary's tables in their order
 * (errors of class PB_ERR_INPUT naming the base).  Without one, a report
 * of the summary's tables alone, naming layout_ref (may be NULL). */
bool pb_input_summary_json(const pb_summary *s, const char *layout_ref, const pb_report *base,
                           const char *base_bytes, size_t base_len, char **out, size_t *out_len,
                           pb_arena *arena, pb_diag *diag);

/* The layout used when neither the command line nor the report names one. */
#define PB_DEFAULT_LAYOUT "gbt9704"

#endif
