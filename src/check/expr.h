/* The rule language of the check stage: exact decimals, and the parser
 * of one comparison ("total = natural + sum(organizations)") into a tree
 * whose names are resolved later, per scope, by compile.c.
 *
 *   check   = expr OP expr
 *   OP      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">="
 *   expr    = term { ("+" | "-") term }
 *   term    = unary { "*" unary }
 *   unary   = "-" unary | primary
 *   primary = NUMBER | "(" expr ")" | "sum" "(" ref ")" | ref
 *   ref     = [ "prev" "." ] NAME [ "." NAME ]
 *   NAME    = [A-Za-z_][A-Za-z0-9_]*, except "sum" and "prev"
 *   NUMBER  = DIGITS [ "." DIGITS ]   (at most 18 digits)
 *
 * The text's expressions (inline assertions and the claims of a layout)
 * are one expr, without a comparison, whose references name their table:
 *
 *   ref     = NAME "." NAME "." NAME   (TABLE.ROW.CELL; no "prev.")
 *
 * No floating point anywhere: a value is an integer and a count of
 * decimal places, as pb_value keeps it. */
#ifndef PB_CHECK_EXPR_H
#define PB_CHECK_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

#define PB_DEC_MAX_SCALE 18

/* value = v / 10^scale, 0 <= scale <= PB_DEC_MAX_SCALE */
typedef struct pb_dec {
    int64_t v;
    int scale;
} pb_dec;

/* false on overflow (the result is then undefined) */
bool pb_dec_add(pb_dec a, pb_dec b, pb_dec *out);
bool pb_dec_sub(pb_dec a, pb_dec b, pb_dec *out);
bool pb_dec_mul(pb_dec a, pb_dec b, pb_dec *out);
/* -1, 0 or 1; values within `tol` of each other compare equal.  false on
 * overflow. */
bool pb_dec_cmp(pb_dec a, pb_dec b, pb_dec tol, int *out);
/* "-12.0500": every decimal place kept; buf needs 24 bytes */
const char *pb_dec_format(pb_dec a, char *buf);

typedef enum pb_cmp {
    PB_CMP_EQ = 0,
    PB_CMP_NE,
    PB_CMP_LT,
    PB_CMP_LE,
    PB_CMP_GT,
    PB_CMP_GE,
} pb_cmp;

extern const char *const pb_cmp_names[]; /* "=", "!=", "<", "<=", ">", ">=" */

typedef enum pb_expr_kind {
    PB_EX_NUMBER,
    PB_EX_REF,   /* a cell, or (inside sum) a set of cells */
    PB_EX_SUM,   /* sum(ref): a = the ref */
    PB_EX_NEG,
    PB_EX_ADD,
    PB_EX_SUB,
    PB_EX_MUL,
} pb_expr_kind;

typedef struct pb_expr {
    pb_expr_kind kind;
    pb_dec number;            /* PB_EX_NUMBER */
    bool prev;                /* PB_EX_REF: "prev.": last year's report */
    const char *table;        /* PB_EX_REF in the text's expressions: the table */
    const char *name1, *name2;/* PB_EX_REF: name2 NULL for a one-part name */
    const char *text;         /* PB_EX_REF: as written, "prev.carried_forward" */
    bool in_sum;              /* PB_EX_REF: the argument of sum() */
    int index;                /* PB_EX_REF: 0, 1, ... in source order */
    int pos;                  /* character position in the source, from 1 */
    struct pb_expr *a, *b;
} pb_expr;

typedef struct pb_assertion {
    pb_expr *left, *right;
    pb_cmp op;
    pb_expr **refs;           /* every PB_EX_REF, in source order */
    int nrefs;
    bool uses_prev;
} pb_assertion;

/* Parses one check.  On a syntax error returns NULL and sets *err (in the
 * arena) and *err_pos (character position from 1). */
pb_assertion *pb_expr_parse(const char *src, pb_arena *arena, const char **err,
                            int *err_pos);

/* Parses one expression of the text (TABLE.ROW.CELL references, no
 * comparison) into as->right; as->left is NULL.  Errors as above. */
pb_assertion *pb_expr_parse_value(const char *src, pb_arena *arena, const char **err,
                                  int *err_pos);

/* The comparison at s and its length in bytes, or -1. */
int pb_cmp_parse(const char *s, size_t *len);

/* The value of a reference in one evaluation: the sum of its cells. */
typedef bool (*pb_ref_value_fn)(void *ctx, const pb_expr *ref, pb_dec *out);

/* Evaluates e; false on overflow. */
bool pb_expr_eval(const pb_expr *e, pb_ref_value_fn value, void *ctx, pb_dec *out);

/* Whether `cmp` (from pb_dec_cmp) satisfies op. */
bool pb_cmp_holds(pb_cmp op, int cmp);

#endif
