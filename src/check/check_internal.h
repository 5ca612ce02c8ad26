/* Compiled rules (private to src/check): each check of each rule with its
 * names resolved, per scope instance, to cells of the template. */
#ifndef PB_CHECK_INTERNAL_H
#define PB_CHECK_INTERNAL_H

#include <stdint.h>

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

/* An expression of the text (an inline assertion's, a claim's) with its
 * TABLE.ROW.CELL references resolved in the layout's templates. */
typedef struct ctext {
    pb_assertion *as;
    const tlabels **tables;   /* per reference: its template */
    cinst in;                 /* per reference: its slots */
} ctext;

/* Where the names of a text expression are reported when they do not
 * resolve: "FILE: PATH: PREFIXcharacter N+OFFSET: ...". */
typedef struct text_where {
    pb_status status;
    const char *file, *path;
    const char *prefix;
    int offset;
} text_where;

/* A claim's pattern with its placeholders expanded, compiled once when
 * the layout is read; each report matches with a clone of it (a regular
 * expression holds its matching state; clones share the compiled pattern
 * and may be used on any thread). */
#define CHECK_MAX_LITERALS 8

typedef struct cpattern {
    void *regex;              /* owned: URegularExpression, closed by pb_check_free */
    /* text every match contains (check_regex_literals), longest first */
    const char *literals[CHECK_MAX_LITERALS];
    int nliterals;
    int literal_ids[CHECK_MAX_LITERALS]; /* each literal's index in the ruleset's */
} cpattern;

/* The literals of a ruleset by their first character, to find which of
 * them a text holds in one pass over it (literals.c). */
typedef struct literal_index {
    uint32_t *keys;           /* per slot: a first character's bytes, 0 for none */
    int *from, *count;        /* per slot: its literals, in ids */
    int *ids;                 /* literal ids, grouped by first character */
    size_t *lens;             /* per literal id: its length in bytes */
    uint32_t mask;            /* slots - 1 */
    int shift;                /* 32 - log2(slots) */
    uint64_t filter[16];      /* a bit per hash of a first character */
    int *odd;                 /* literals not starting with a whole character */
    int nodd;
    int n;                    /* literals */
} literal_index;

typedef struct cclaim {
    const pb_claim *claim;
    cpattern **patterns;      /* NULL where a pattern had errors */
    int npatterns;
    ctext value;
    bool ok;                  /* the value compiled */
} cclaim;

struct pb_ruleset {
    const pb_layout *layout;
    crule *rules;
    int nrules;
    tlabels **tables;         /* one per template of the layout, same order */
    cclaim *claims;
    int nclaims;
    const char **literals;    /* the patterns' literals, each once */
    int nliterals;
    literal_index literal_index;
};

bool check_compile_text(const pb_ruleset *rs, pb_assertion *as, pb_arena *a, pb_diag *diag,
                        const text_where *w, ctext *out);

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

/* A number as the text writes it ("1,234", "１２３", "1944.0495", "二十三"),
 * exactly; false when s[0..len) is not one. */
bool check_number(const char *s, size_t len, pb_dec *out);

/* The labels of the cells of one template, made when a finding first
 * names a cell (check_make_cell): a cell is named by every check it is in
 * and every sentence that quotes it. */
typedef struct cell_labels {
    const char *row, *column, *label;
    bool made;
} cell_labels;

typedef struct label_cache {
    const pb_table_template *t;
    cell_labels *cells;       /* per value slot */
    struct label_cache *next;
} label_cache;

/* One evaluation of the rules and the text on a report. */
typedef struct run {
    pb_arena *a;
    pb_findings *out;
    int cap, text_cap;
    const pb_report *report, *previous;
    const pb_check_options *opt;
    const pb_ruleset *rules;
    const crule *r;
    const pb_block *blk, *pblk;
    label_cache *labels;      /* per template the run has named cells of */
} run;

pb_finding *check_add_finding(run *x, pb_finding f);
/* A cell of the finding: its names, labels, value and path. */
pb_finding_cell check_make_cell(run *x, const pb_report *rep, const pb_block *blk,
                                const tlabels *tl, int s, bool prev, const cinst *in);
void check_push_cell(run *x, pb_finding *f, int *cap, pb_finding_cell c);
/* The labels of a template (the layout's are made with its rules). */
const tlabels *check_labels_of(const pb_ruleset *rules, const pb_table_template *t,
                               pb_arena *a);
/* The numbers the text prints itself: inline assertions and the claims
 * of the layout; errors in what the report wrote go to diag.  False
 * after errors. */
bool check_text(run *x, pb_diag *diag);

/* The runs of one text one after another, for matching and sentences. */
typedef struct text_flat {
    char *s;
    size_t len;
    size_t *starts;           /* byte where each run starts in s */
} text_flat;

text_flat check_flatten(pb_arena *a, const pb_text *t);
/* The sentence around s[at..at+len), cut to about 40 characters a side. */
const char *check_sentence(pb_arena *a, const text_flat *f, size_t at, size_t len);
/* The report's table block for each reference of ct; NULL when a template
 * has none (*missing) or two (*twice). */
const pb_block **check_blocks_of(run *x, const ctext *ct, const pb_table_template **missing,
                                 const pb_block **twice);
/* Compares a number of the text with ct's value and adds the finding, if
 * any, made from f (blank cells read as 0; all blank: missing). */
void check_compare(run *x, const ctext *ct, const pb_block **blocks, pb_dec number, pb_cmp op,
                   pb_finding f);
/* Adds f, a claim the report skips here, with its cells and their value. */
void check_skip(run *x, const ctext *ct, const pb_block **blocks, pb_dec number, pb_finding f);

/* Compiles the claims of rs's layout (patterns and values) into rs;
 * errors are layout errors.  False after errors. */
bool check_compile_claims(pb_ruleset *rs, pb_arena *a, pb_diag *diag);
/* Every match of every claim in the report's text, compared. */
void check_claims(run *x, pb_diag *diag);
/* Pattern k of cl with its placeholders expanded, compiled (errors are
 * layout errors); NULL after errors.  check_pattern_free closes it. */
cpattern *check_compile_pattern(pb_arena *a, pb_diag *diag, const pb_claim *cl, int k);
void check_pattern_free(cpattern *cp);

/* The runs of plain characters that every match of the ICU regular
 * expression re must contain (UTF-8, longest first, at most max of them,
 * in a); 0 where the pattern's syntax leaves any doubt (literals.c). */
int check_regex_literals(pb_arena *a, const char *re, const char **out, int max);

/* Indexes the n literals (check_find_literals reads the index). */
void check_index_literals(pb_arena *a, const char *const *lits, int n, literal_index *out);
/* Which of the indexed literals s[0..len) holds: found[id] becomes 1 for
 * each literal the text contains, 2 for each it does not. */
void check_find_literals(const literal_index *ix, const char *const *lits, const char *s,
                         size_t len, unsigned char *found);

/* The closest name to word, or NULL. */
const char *check_suggest(const char *word, const char *const *names, int n);

#endif
