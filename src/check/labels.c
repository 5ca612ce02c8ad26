/* Labels of table cells for messages, as the table prints them: the full
 * row label (with the groups above it) and column label (the header path,
 * or the heading row above), and the short form a clerk reads, "（七）总计
 * × 自然人": of each the fewest trailing parts that no other row (column)
 * of the table shares. */
#include <stdlib.h>
#include <string.h>

#include "check/check_internal.h"

#define MAX_DEPTH 64 /* JSON nesting allows no deeper row or header trees */

/* ---- full labels ------------------------------------------------------------ */

/* The chain of rows from the top of the body down to `row`. */
static bool row_chain(const pb_row_node *rows, int n, const pb_row_node *row,
                      const pb_row_node **chain, int depth, int *len)
{
    for (int i = 0; i < n && depth < MAX_DEPTH; i++) {
        chain[depth] = &rows[i];
        if (&rows[i] == row) {
            *len = depth + 1;
            return true;
        }
        if (row_chain(rows[i].children, rows[i].nchildren, row, chain, depth + 1, len))
            return true;
    }
    return false;
}

/* The labels of the chain of `row`, top first; returns their count. */
static int row_parts(const pb_table_template *t, const pb_row_node *row, const char **parts)
{
    const pb_row_node *chain[MAX_DEPTH];
    int len = 0, n = 0;
    if (!row_chain(t->rows, t->nrows, row, chain, 0, &len))
        return 0;
    for (int i = 0; i < len; i++)
        if (chain[i]->label)
            parts[n++] = chain[i]->label;
    return n;
}

static bool header_chain(const pb_header_node *h, int n, int col, const char **texts,
                         int depth, int *len)
{
    for (int i = 0; i < n && depth < MAX_DEPTH; i++) {
        texts[depth] = h[i].text;
        if (!h[i].nchildren && h[i].col == col) {
            *len = depth + 1;
            return true;
        }
        if (header_chain(h[i].children, h[i].nchildren, col, texts, depth + 1, len))
            return true;
    }
    return false;
}

/* The top-level row holding `row` (itself or a group above it). */
static int top_index(const pb_table_template *t, const pb_row_node *row)
{
    const pb_row_node *chain[MAX_DEPTH];
    int len = 0;
    if (!row_chain(t->rows, t->nrows, row, chain, 0, &len))
        return -1;
    return (int)(chain[0] - t->rows);
}

/* The header texts above column `col`, top first; 0 when the table has no
 * header for it. */
static int column_parts(const pb_table_template *t, int col, const char **parts)
{
    const char *texts[MAX_DEPTH];
    int len = 0, n = 0;
    if (!header_chain(t->header, t->nheader, col, texts, 0, &len))
        return 0;
    for (int i = 0; i < len; i++)
        if (texts[i])
            parts[n++] = texts[i];
    return n;
}

/* No header: the heading row above names the columns (table 二). */
static const char *heading_label(const pb_table_template *t, const pb_value_slot *slot)
{
    for (int i = top_index(t, slot->row) - 1; i >= 0; i--) {
        const pb_row_node *h = &t->rows[i];
        if (h->kind != PB_ROW_HEADING)
            continue;
        int col = 0;
        for (int k = 0; k < h->ncells; k++) {
            if (slot->col >= col && slot->col < col + h->cells[k].colspan && h->cells[k].text)
                return h->cells[k].text;
            col += h->cells[k].colspan;
        }
        break;
    }
    return slot->cell_id;
}

static const char *join(pb_arena *a, const char *const *parts, int n)
{
    const char *s = "";
    for (int i = 0; i < n; i++)
        s = pb_arena_printf(a, "%s%s%s", s, *s ? " / " : "", parts[i]);
    return s;
}

const char *check_row_label(pb_arena *a, const pb_table_template *t, const pb_row_node *row)
{
    const char *parts[MAX_DEPTH];
    return join(a, parts, row_parts(t, row, parts));
}

const char *check_column_label(pb_arena *a, const pb_table_template *t,
                               const pb_value_slot *slot)
{
    const char *parts[MAX_DEPTH];
    int n = column_parts(t, slot->col, parts);
    return n ? join(a, parts, n) : heading_label(t, slot);
}

/* ---- short labels --------------------------------------------------------------- */

/* Label chains of n things (rows or columns): each gets the join of its
 * fewest trailing parts that no other chain ends with, or all its parts. */
typedef struct chain {
    const char **parts;
    int n;
    const char *key;  /* the candidate being compared */
    int index;
} chain;

static int by_key(const void *a, const void *b)
{
    const chain *x = *(const chain *const *)a, *y = *(const chain *const *)b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->index - y->index;
}

static void shortest_unique(pb_arena *a, chain *ch, int n, const char **out)
{
    int depth = 0;
    for (int i = 0; i < n; i++) {
        out[i] = NULL;
        if (ch[i].n > depth)
            depth = ch[i].n;
    }
    chain **order = pb_arena_calloc(a, (size_t)n + 1, sizeof *order);
    /* k trailing parts at a time: sorting finds the keys that are shared */
    for (int k = 1; k <= depth; k++) {
        for (int i = 0; i < n; i++) {
            int take = ch[i].n < k ? ch[i].n : k;
            ch[i].key = join(a, ch[i].parts + ch[i].n - take, take);
            order[i] = &ch[i];
        }
        qsort(order, (size_t)n, sizeof *order, by_key);
        for (int i = 0; i < n; i++) {
            bool shared = (i > 0 && !strcmp(order[i - 1]->key, order[i]->key)) ||
                          (i + 1 < n && !strcmp(order[i + 1]->key, order[i]->key));
            int x = order[i]->index;
            if (!out[x] && (!shared || ch[x].n <= k))
                out[x] = ch[x].key;
        }
    }
    for (int i = 0; i < n; i++)
        if (!out[i])
            out[i] = "";
}

tlabels *check_labels(pb_arena *a, const pb_table_template *t)
{
    tlabels *tl = pb_arena_calloc(a, 1, sizeof *tl);
    tl->t = t;
    tl->nslots = pb_table_value_slots(t, NULL);
    tl->slots = pb_arena_calloc(a, (size_t)tl->nslots + 1, sizeof *tl->slots);
    pb_table_value_slots(t, tl->slots);
    int n = tl->nslots;
    tl->row_short = pb_arena_calloc(a, (size_t)n + 1, sizeof *tl->row_short);
    tl->column_short = pb_arena_calloc(a, (size_t)n + 1, sizeof *tl->column_short);

    /* rows: one chain per data row (slots of a row are adjacent) */
    chain *rows = pb_arena_calloc(a, (size_t)n + 1, sizeof *rows);
    int nrows = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && tl->slots[i].row == tl->slots[i - 1].row)
            continue;
        const char *parts[MAX_DEPTH];
        int np = row_parts(t, tl->slots[i].row, parts);
        rows[nrows].parts = pb_arena_calloc(a, (size_t)np + 1, sizeof(char *));
        memcpy(rows[nrows].parts, parts, (size_t)np * sizeof(char *));
        rows[nrows].n = np;
        rows[nrows].index = nrows;
        nrows++;
    }
    const char **row_out = pb_arena_calloc(a, (size_t)nrows + 1, sizeof *row_out);
    shortest_unique(a, rows, nrows, row_out);

    /* columns: one chain per value column with a header */
    int ncols = t->ncolumns;
    chain *cols = pb_arena_calloc(a, (size_t)ncols + 1, sizeof *cols);
    for (int c = 0; c < ncols; c++) {
        const char *parts[MAX_DEPTH];
        int np = c >= t->nlabel_columns ? column_parts(t, c, parts) : 0;
        cols[c].parts = pb_arena_calloc(a, (size_t)np + 1, sizeof(char *));
        memcpy(cols[c].parts, parts, (size_t)np * sizeof(char *));
        cols[c].n = np;
        cols[c].index = c;
    }
    const char **col_out = pb_arena_calloc(a, (size_t)ncols + 1, sizeof *col_out);
    shortest_unique(a, cols, ncols, col_out);

    for (int i = 0, r = -1; i < n; i++) {
        if (i == 0 || tl->slots[i].row != tl->slots[i - 1].row)
            r++;
        const pb_value_slot *s = &tl->slots[i];
        tl->row_short[i] = row_out[r];
        tl->column_short[i] = s->col < ncols && cols[s->col].n ? col_out[s->col]
                                                               : heading_label(t, s);
    }
    return tl;
}

const char *check_cell_label(pb_arena *a, const tlabels *tl, int slot)
{
    const char *r = tl->row_short[slot], *c = tl->column_short[slot];
    if (!*r)
        return c;
    return pb_arena_printf(a, "%s × %s", r, c);
}

const char *pb_check_cell_label(pb_arena *a, const pb_table_template *t, int slot)
{
    return check_cell_label(a, check_labels(a, t), slot);
}
