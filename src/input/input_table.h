/* Table templates and table blocks (private to src/input). */
#ifndef PB_INPUT_TABLE_H
#define PB_INPUT_TABLE_H

#include "input/json_util.h"
#include "model/document.h"

/* Parses the "tables" object of a merged layout.  roles (nroles names) are
 * the layout's font roles, checked only when roles_ok; text_width is the
 * text block, or 0 when unknown (then widths are not checked against it). */
void input_table_templates(jctx *c, const cJSON *tables, const char *path,
                           const char *const *roles, int nroles, bool roles_ok,
                           pb_fx text_width, pb_table_template **out, int *nout);

/* Parses a {"type": "table", ...} block of a report: an inline template is
 * checked here (except what needs the layout), the values are kept in
 * out->pending until pb_input_bind_tables. */
void input_table_block(jctx *c, const cJSON *blk, const char *path, pb_block *out);

#endif
