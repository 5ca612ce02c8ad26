/* Font roles of a layout (private to src/input). */
#ifndef PB_INPUT_FONTS_H
#define PB_INPUT_FONTS_H

#include "input/json_util.h"
#include "model/document.h"

/* Parses the "fonts" object of a merged layout into roles, replacing
 * "catalog" / "catalog:ROLE" entries with the candidates of
 * <data_dir>/fonts/catalog.json (read only when needed).  Roles whose
 * candidates have errors are still returned, so styles can be checked
 * against every role name. */
void input_font_roles(jctx *c, const cJSON *fonts, const char *path, const char *data_dir,
                      pb_font_role **roles, int *nroles);

#endif
