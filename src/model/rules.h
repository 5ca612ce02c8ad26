/* Rules model: the arithmetic rules a layout declares for its tables (its
 * "rules" object) as the input stage reads them, and the {{table.row.cell}}
 * references of a report's text once they are bound to table cells.
 * The expressions stay source strings here: the check stage parses them
 * (src/check/), so the input stage needs no knowledge of the language.
 * All strings and arrays live in the input stage's arena. */
#ifndef PB_RULES_MODEL_H
#define PB_RULES_MODEL_H

#include <stdint.h>

typedef enum pb_rule_scope {
    PB_SCOPE_ONCE = 0, /* evaluated once: every cell is named as row.cell */
    PB_SCOPE_COLUMNS,  /* once per value column ("per_column") */
    PB_SCOPE_ROWS,     /* once per data row ("per_row") */
} pb_rule_scope;

/* One comparison of a rule, as written ("total = natural + sum(orgs)"). */
typedef struct pb_rule_check {
    const char *source;
    const char *path;        /* JSON path of the string: "rules.R4.check[1]" */
    const char *file;        /* the layout file it came from ("extends" merges) */
} pb_rule_check;

typedef struct pb_table_rule {
    const char *id;          /* the key in "rules": "R1" */
    const char *description; /* what the rule says, printed with its findings */
    const char *table;       /* the id of a template of the layout */
    pb_rule_scope scope;
    const char **targets;    /* column ids and column groups (per_column), or row
                                ids and row groups (per_row); NULL: "all" */
    const char **target_paths;
    int ntargets;
    const char *scope_path;  /* JSON path of "per_column"/"per_row", or NULL */
    const char *scope_file;  /* the layout file that gave it */
    pb_rule_check *checks;   /* at least one */
    int nchecks;
    int64_t tolerance;       /* tolerance = tolerance / 10^tolerance_scale; */
    int tolerance_scale;     /* 0 / 0: exact */
    const char *path;        /* "rules.R1" */
    const char *source;      /* the layout file that declared the rule */
} pb_table_rule;

/* A claim of a layout: how reports phrase a figure of their tables in the
 * text ("予以公开{NUM}{UNIT}"), and the expression over the tables the
 * number must equal.  The patterns and the expression stay source strings:
 * the check stage compiles them. */
typedef struct pb_claim {
    const char *id;          /* the key in "claims" */
    const char *description; /* what the figure is */
    const char **patterns;   /* ICU regular expressions with one {NUM} */
    const char **pattern_paths;
    int npatterns;
    const char *value;       /* "applications.disclosed.total" */
    const char *value_path;
    const char *path;        /* "claims.disclosed" */
    const char *source;      /* the layout file that declared it */
} pb_claim;

/* A {{table.row.cell}} reference in a report's text, bound to its cell. */
typedef struct pb_cell_ref {
    const char *text;        /* as written, "{{applications.new_requests.total}}" */
    const char *path;        /* JSON path of the string that holds it */
    int block;               /* index of the table block in report->blocks */
    int slot;                /* index of the cell in that block's values */
} pb_cell_ref;

/* A number the text prints itself and ties to the tables: an inline
 * assertion {{2 = applications.disclosed.total + ...}} (the text shows
 * "2", the check stage compares), or {{5 | skip CLAIM: reason}} (the text
 * shows "5", and the claim CLAIM of the layout is not checked there).  The
 * input stage only splits what is written; the check stage parses it. */
typedef enum pb_text_mark_kind {
    PB_MARK_ASSERT,
    PB_MARK_SKIP,
} pb_text_mark_kind;

typedef struct pb_text_mark {
    pb_text_mark_kind kind;
    const char *written;     /* "{{2 = ...}}" as written */
    const char *number;      /* "2": what the text prints, as written */
    const char *source;      /* ASSERT: the comparison and the expression after
                                the number, "= applications..."; SKIP: the
                                claim's id */
    int source_char;         /* where source starts in written, from 1 */
    const char *reason;      /* SKIP: why the claim does not apply here */
    const char *path;        /* JSON path of the string that holds it */
    int block, text, run;    /* where the number is printed: report->blocks
                                [block].texts[text].runs[run] */
    size_t offset, len;      /* its bytes in that run's text */
} pb_text_mark;

#endif
