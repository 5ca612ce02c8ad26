/* Check stage: the arithmetic rules a layout declares for its tables,
 * evaluated on a bound report (and, for rules that name "prev.", on the
 * previous year's report), and the narrative references to blank cells.
 * Consumes the input stage's model, produces findings; includes no
 * third-party library.
 *
 * A finding is a violation (a check that evaluates false on the cells it
 * has) or a missing value (a check that cannot be decided because a cell
 * it needs is blank, or a reference in the text to a blank cell). */
#ifndef PB_CHECK_H
#define PB_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/diag.h"
#include "check/expr.h"
#include "model/document.h"

/* A layout's rules, parsed and resolved against its templates.  Read-only
 * once made: documents on any number of threads share it. */
typedef struct pb_ruleset pb_ruleset;

/* Parses every check of the layout's rules and resolves its names in the
 * rule's table and scope.  Errors have class PB_ERR_LAYOUT and name the
 * rule's file and JSON path; returns NULL after errors.  Allocated in
 * arena (the layout's). */
pb_ruleset *pb_check_compile(const pb_layout *layout, pb_arena *arena, pb_diag *diag);

typedef enum pb_finding_level { PB_FINDING_VIOLATION, PB_FINDING_MISSING } pb_finding_level;

typedef struct pb_finding_cell {
    const char *name;         /* "new_requests.total", "prev.carried_forward.natural" */
    const char *row, *cell;   /* the ids */
    const char *short_name;   /* relative to the scope: "total" in a per-row check */
    const char *row_label;    /* labels of the row and its groups, " / " between */
    const char *column_label; /* header texts (or the heading row's), " / " between */
    const pb_value *value;    /* borrowed; NULL: the report has no such table */
    const char *file;         /* the report the value is in */
    const char *path;         /* its JSON path (where it would go when blank) */
    bool previous;            /* last year's report */
} pb_finding_cell;

typedef struct pb_finding {
    pb_finding_level level;
    const pb_table_rule *rule;      /* NULL for a reference in the text */
    const char *check;        /* the check's source, or NULL */
    const char *check_path;   /* its JSON path in the layout */
    const char *layout;       /* the layout file the check (or rule) came from */
    const char *scope_kind;   /* "row", "column", or NULL (once) */
    const char *scope;        /* the row or column id */
    const char *file, *path;  /* where to look: the first cell of the left side,
                                 the first blank cell, or the text's string */
    const char *reference;    /* text references: "{{t.r.c}}" as written */
    const char *note;         /* why no cells: "... has no table ..." */
    pb_cmp op;
    pb_dec tolerance;
    pb_dec expected, actual;  /* violations: the right and the left side */
    bool overflow;            /* violations: too large to compute exactly */
    pb_finding_cell *cells;   /* violations: every cell; missing: the blank ones */
    int ncells;
} pb_finding;

typedef struct pb_findings {
    const char *report;       /* the report's file */
    const char *previous;     /* last year's, or NULL */
    pb_finding *items;
    int count;
    int checks;               /* checks evaluated (each scope and table once) */
    int violations, missing;
} pb_findings;

/* Evaluates the rules on report (tables bound) and previous (may be NULL:
 * then checks that name "prev." are skipped).  Reads only; findings are
 * allocated in arena. */
void pb_check_run(const pb_ruleset *rules, const pb_report *report,
                  const pb_report *previous, pb_arena *arena, pb_findings *out);

/* Every finding with its cells and labels, then a summary line. */
void pb_check_write_text(const pb_findings *f, FILE *out);
/* The same facts as one JSON object. */
void pb_check_write_json(const pb_findings *f, FILE *out);

/* One message per finding for render: violations and references to blank
 * cells are errors of class PB_ERR_CHECK (warnings when force), other
 * missing values are warnings.  Returns the number of errors added. */
int pb_check_to_diag(const pb_findings *f, bool force, pb_diag *diag);

#endif
