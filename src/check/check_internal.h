/* Compiled rules (private to src/check): each check of each rule with its
 * names resolved, per scope instance, to cells of the template. */
#ifndef PB_CHECK_INTERNAL_H
#define PB_CHECK_INTERNAL_H

#include "check/check.h"

/* The cells one reference stands for in one instance. */
typedef struct cref {
    int *slots;              /* indices into the template's value slots */
    int n;
} cref;

/* One application of a check: a column, a row, or the only one. */
typedef struct cinst {
    const char *scope;       /* the column or row id, or NULL */
    const pb_row_node *row;  /* per-row scope: the row */
    cref *refs;              /* one per reference of the assertion */
} cinst;

typedef struct ccheck {
    const pb_rule_check *src;
    pb_assertion *as;
    cinst *inst;
    int ninst;
} ccheck;

/* A template's value cells and their labels (labels.c). */
typedef struct tlabels {
    const pb_table_template *t;
    pb_value_slot *slots;     /* the template's value cells, in value order */
    int nslots;
    const char **row_short;   /* per slot: the fewest trailing parts of the row
                                 label that no other row shares, or "" */
    const char **column_short;/* per slot: the same of the column label */
} tlabels;

typedef struct crule {
    const pb_table_rule *rule;
    const pb_table_template *t;
    const tlabels *tl;
    ccheck *checks;
    int nchecks;
} crule;

struct pb_ruleset {
    const pb_layout *layout;
    crule *rules;
    int nrules;
    tlabels **tables;         /* one per template of the layout, same order */
};

/* Labels of a cell for messages: its row (with the groups above it) and
 * its column (the header path, or the heading row above it). */
const char *check_row_label(pb_arena *a, const pb_table_template *t, const pb_row_node *row);
const char *check_column_label(pb_arena *a, const pb_table_template *t,
                               const pb_value_slot *slot);
/* The slots and short labels of a template. */
tlabels *check_labels(pb_arena *a, const pb_table_template *t);
/* "（七）总计 × 自然人": short row label × short column label (the column
 * alone in a table without row labels). */
const char *check_cell_label(pb_arena *a, const tlabels *tl, int slot);

/* The closest name to word, or NULL. */
const char *check_suggest(const char *word, const char *const *names, int n);

#endif
