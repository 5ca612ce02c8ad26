/* Rules of a layout and {{table.row.cell}} references of a report
 * (private to src/input). */
#ifndef PB_INPUT_RULES_H
#define PB_INPUT_RULES_H

#include "input/json_util.h"
#include "model/document.h"

/* Parses the "rules" object of a merged layout into L->rules; L->tables
 * must be parsed already (a rule names one of them).  The expressions are
 * kept as source strings: the check stage parses them. */
void input_rules(jctx *c, const cJSON *rules, const char *path, pb_layout *L);

/* Parses the "claims" object of a merged layout into L->claims.  The
 * patterns and the expressions are kept as source strings: the check
 * stage compiles them. */
void input_claims(jctx *c, const cJSON *claims, const char *path, pb_layout *L);

/* Parses the "outline" object of a merged layout into L->outline: the
 * title (with {issuer} and {year}) and the chapters with the ids of the
 * templates each holds; L->tables must be parsed already. */
void input_outline(jctx *c, const cJSON *outline, const char *path, pb_layout *L);

/* Checks the "id"s of a template's header nodes (column groups for
 * rules): unique, and none the id of a column.  header is the template's
 * "header" array. */
void input_group_ids(jctx *c, const cJSON *header, const char *path,
                     const pb_table_template *t);

/* Replaces every {{table.row.cell}} in the report's text by the printed
 * value of that cell and lists the references in report->refs; "\{{" is
 * a literal "{{".  Needs the table values bound.  Errors (class of c)
 * name the string's JSON path. */
void input_bind_refs(jctx *c, pb_report *report, const pb_layout *layout);

#endif
