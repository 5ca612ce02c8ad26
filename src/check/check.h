/* Check stage: the arithmetic rules a layout declares for its tables,
 * evaluated on a bound report (and, for rules that name "prev.", on the
 * previous year's report), and the narrative references to blank cells.
 * Consumes the input stage's model, produces findings; includes no
 * third-party library.
 *
 * A finding is a violation (a check that evaluates false, blank cells
 * beside filled ones read as 0), a missing value (a reference in the text
 * to a blank cell; with --strict, any blank cell a check reads), or a
 * check not reported (every cell it reads is blank). */
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

/* "（七）总计 × 自然人": value cell `slot` (pb_table_value_slots order) of
 * template t as a clerk names it: the fewest last parts of its row label
 * and of its column label that no other row (column) shares.  In a. */
const char *pb_check_cell_label(pb_arena *a, const pb_table_template *t, int slot);

/* Closes what the ruleset holds outside its arena (the claims' compiled
 * regular expressions); the arena is the caller's.  NULL is fine. */
void pb_check_free(pb_ruleset *rules);

typedef enum pb_finding_level {
    PB_FINDING_VIOLATION, /* a check that does not hold */
    PB_FINDING_MISSING,   /* a value that is needed and blank */
    PB_FINDING_BLANK,     /* not reported: every cell a check reads is blank */
    PB_FINDING_SKIPPED,   /* a claim the report skips at one place, with a reason */
} pb_finding_level;

typedef struct pb_finding_cell {
    const char *name;         /* "new_requests.total", "prev.carried_forward.natural" */
    const char *table;        /* the ids: of the table's template, */
    const char *row, *cell;   /* of the row and of the cell */
    const char *short_name;   /* relative to the scope: "total" in a per-row check */
    const char *row_label;    /* labels of the row and its groups, " / " between */
    const char *column_label; /* header texts (or the heading row's), " / " between */
    const char *label;        /* as a clerk reads it: "（七）总计 × 自然人" */
    const char *row_short;    /* "（七）总计" (may be "": no row labels) */
    const char *column_short; /* "自然人" */
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
    const char *scope_label;  /* its label as printed ("（七）总计", "自然人") */
    const char *file, *path;  /* where to look: the first cell of the left side,
                                 the first blank cell, or the text's string */
    const char *reference;    /* text references: "{{t.r.c}}" as written */
    const char *note;         /* why no cells: "... has no table ..." */
    const pb_claim *claim;    /* a claim of the layout matched in the text */
    int pattern;              /* the claim's first pattern that matched there */
    const char *reason;       /* a skipped claim: why, as the report says */
    const char *assertion;    /* an inline assertion: "{{2 = ...}}" as written */
    const char *sentence;     /* the text's: the sentence around the number */
    const char *written;      /* the text's: the number as written, "1,234" */
    const char *blank_note;   /* a violation whose one side is all blank, in the
                                 words of the report: "总计为空，其各项之和为 11" */
    int nblank;               /* blank cells read as 0 (violations, --strict) */
    bool all_blank;           /* every cell the check reads is blank */
    pb_cmp op;
    pb_dec tolerance;
    pb_dec expected, actual;  /* violations: the right and the left side */
    bool overflow;            /* violations: too large to compute exactly */
    pb_finding_cell *cells;   /* violations: every cell; missing: the blank ones;
                                 not reported: none */
    int ncells;
} pb_finding;

/* A number of the text that was compared, whatever the outcome. */
typedef struct pb_text_check {
    const pb_claim *claim;    /* or NULL: an inline assertion */
    int pattern;              /* the claim's first pattern that matched */
    const char *assertion;    /* "{{...}}" as written, or NULL */
    const char *file, *path;  /* the string */
    const char *written;      /* the number as written */
    const char *sentence;
    pb_dec value;             /* the tables' */
    bool overflow;
    pb_finding_level level;   /* of its finding; PB_FINDING_BLANK: it holds */
    pb_finding_cell *cells;   /* the cells it reads */
    int ncells;
} pb_text_check;

typedef struct pb_findings {
    const char *report;       /* the report's file */
    const char *previous;     /* last year's, or NULL */
    pb_finding *items;
    int count;
    int checks;               /* checks evaluated (each scope and table once) */
    int violations, missing;
    int blank;                /* checks not reported: all their cells blank */
    int text_checks;          /* numbers of the text compared (also in checks) */
    int skipped;              /* claims the report skips, with a reason */
    pb_text_check *text;      /* every number of the text compared or skipped */
    int ntext;
} pb_findings;

/* How blank cells count.  A check whose cells are all blank is not
 * reported (a finding of level PB_FINDING_BLANK); one with blank and
 * filled cells reads the blanks as 0.  With strict, every blank cell a
 * check reads is a missing value. */
typedef struct pb_check_options {
    bool strict;
} pb_check_options;

/* Evaluates the rules on report (tables bound) and previous (may be NULL:
 * then checks that name "prev." are skipped), and the numbers of the text:
 * the inline assertions of the report.  Reads only; findings are
 * allocated in arena.  What the report's text gets wrong (an assertion
 * that does not parse, a name that is not a cell) is an error of class
 * PB_ERR_INPUT in diag, and then false is returned. */
bool pb_check_run(const pb_ruleset *rules, const pb_report *report,
                  const pb_report *previous, const pb_check_options *opt, pb_arena *arena,
                  pb_findings *out, pb_diag *diag);

/* Every finding with its cells and labels, then a summary line. */
void pb_check_write_text(const pb_findings *f, FILE *out);
/* The same facts as one JSON object. */
void pb_check_write_json(const pb_findings *f, FILE *out);

/* One message per finding for render: violations and references to blank
 * cells are errors of class PB_ERR_CHECK (warnings when force), other
 * missing values are warnings, checks not reported are left out.  Returns
 * the number of errors added. */
int pb_check_to_diag(const pb_findings *f, bool force, pb_diag *diag);

#endif
