#include "layout/table.h"

#include "base/call.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- grid ----------------------------------------------------------- */

typedef struct grid_builder {
    const pb_table_template *tpl;
    pb_arena *arena;
    pb_diag *diag;
    pb_table_cell *cells;
    int ncells, cap;
    int nheader;
    const pb_value_slot *slots;
    int nslots, next_slot;
    const pb_value *values;
    int nvalues;
    const char **row_path;
    bool ok;
} grid_builder;

static void internal(grid_builder *b, const char *path, const char *what)
{
    pb_diag_error(b->diag, PB_ERR_INTERNAL, b->tpl->source, path, "table grid: %s", what);
    b->ok = false;
}

static pb_table_cell *add_cell(grid_builder *b, pb_cell_kind kind, int row, int col,
                               int rowspan, int colspan, const char *text, const char *path)
{
    if (b->ncells == b->cap) {
        int cap = b->cap ? 2 * b->cap : 32;
        b->cells = pb_arena_grow(b->arena, b->cells, (size_t)b->ncells, (size_t)cap,
                                 sizeof *b->cells);
        b->cap = cap;
    }
    pb_table_cell *c = &b->cells[b->ncells++];
    *c = (pb_table_cell){
        .row = row,
        .col = col,
        .rowspan = rowspan,
        .colspan = colspan,
        .kind = kind,
        .text = text ? text : "",
        .align = PB_ALIGN_CENTER,
        .slot = -1,
        .path = path,
        .file = b->tpl->source,
    };
    return c;
}

static int header_depth(const pb_header_node *n, int count)
{
    int d = 0;
    for (int i = 0; i < count; i++) {
        int k = 1 + header_depth(n[i].children, n[i].nchildren);
        if (k > d)
            d = k;
    }
    return d;
}

/* Places a header node and returns its first and last column. */
static void place_header(grid_builder *b, const pb_header_node *n, int depth, int *first,
                         int *last)
{
    int ncols = b->tpl->ncolumns;
    if (n->nchildren == 0) {
        if (n->col < b->tpl->nlabel_columns || n->col >= ncols) {
            internal(b, n->path, "header leaf outside the value columns");
            *first = *last = -1;
            return;
        }
        *first = *last = n->col;
        pb_table_cell *c = add_cell(b, PB_CELL_HEADER, depth, n->col, b->nheader - depth, 1,
                                    n->text, n->path);
        c->bold = b->tpl->style.header_bold;
        c->breaks = n->text_breaks;
        return;
    }
    int lo = ncols, hi = -1;
    for (int i = 0; i < n->nchildren; i++) {
        int f, l;
        place_header(b, &n->children[i], depth + 1, &f, &l);
        if (f < 0)
            continue;
        if (f < lo)
            lo = f;
        if (l > hi)
            hi = l;
    }
    *first = hi < 0 ? -1 : lo;
    *last = hi;
    if (hi < 0)
        return;
    /* a node whose leaves are not adjacent leaves a hole or an overlap,
       which the coverage check reports */
    pb_table_cell *c = add_cell(b, PB_CELL_HEADER, depth, lo, 1, hi - lo + 1, n->text, n->path);
    c->bold = b->tpl->style.header_bold;
    c->breaks = n->text_breaks;
}

static int body_rows(const pb_row_node *n, int count)
{
    int r = 0;
    for (int i = 0; i < count; i++)
        r += n[i].kind == PB_ROW_GROUP ? body_rows(n[i].children, n[i].nchildren) : 1;
    return r;
}

static void place_values(grid_builder *b, const pb_row_node *n, int row)
{
    const pb_table_template *tpl = b->tpl;
    while (b->next_slot < b->nslots && b->slots[b->next_slot].row == n) {
        int si = b->next_slot++;
        const pb_value_slot *s = &b->slots[si];
        const pb_value *v = b->nvalues > 0 ? &b->values[si] : NULL;
        bool blank = !v || v->kind == PB_VALUE_BLANK || !v->text;
        const char *path = v && v->path ? v->path : n->path;
        pb_table_cell *c = add_cell(b, PB_CELL_VALUE, row, s->col, 1, s->colspan,
                                    blank ? "" : v->text, path);
        c->slot = si;
        int align = s->col >= 0 && s->col < tpl->ncolumns ? tpl->columns[s->col].align : 0;
        /* a value is never justified: unset (0) means the default, centre */
        c->align = align == PB_ALIGN_JUSTIFY ? PB_ALIGN_CENTER : align;
        c->nowrap = v && (v->has_number || v->kind == PB_VALUE_INTEGER ||
                          v->kind == PB_VALUE_DECIMAL);
    }
}

static void place_row(grid_builder *b, const pb_row_node *n, int depth, int *row)
{
    const pb_table_template *tpl = b->tpl;
    int L = tpl->nlabel_columns, ncols = tpl->ncolumns;
    pb_table_cell *c;
    switch (n->kind) {
    case PB_ROW_GROUP: {
        int start = *row;
        for (int i = 0; i < n->nchildren; i++)
            place_row(b, &n->children[i], depth + 1, row);
        if (*row == start) {
            internal(b, n->path, "a row group has no rows");
            return;
        }
        if (depth >= L) {
            internal(b, n->path, "the row tree is deeper than the label columns");
            return;
        }
        c = add_cell(b, PB_CELL_GROUP, start, depth, *row - start, 1, n->label, n->path);
        c->align = PB_ALIGN_LEFT;
        c->breaks = n->label_breaks;
        return;
    }
    case PB_ROW_DATA:
        b->row_path[*row] = n->path;
        if (L > 0) {
            if (depth >= L) {
                internal(b, n->path, "the row tree is deeper than the label columns");
            } else {
                c = add_cell(b, PB_CELL_LABEL, *row, depth, 1, L - depth, n->label, n->path);
                c->align = PB_ALIGN_LEFT;
                c->breaks = n->label_breaks;
            }
        }
        place_values(b, n, *row);
        break;
    case PB_ROW_BAND:
        b->row_path[*row] = n->path;
        c = add_cell(b, PB_CELL_BAND, *row, depth, 1, ncols - depth, n->label, n->path);
        c->align = PB_ALIGN_LEFT;
        c->breaks = n->label_breaks;
        break;
    case PB_ROW_HEADING: {
        b->row_path[*row] = n->path;
        int col = depth;
        for (int i = 0; i < n->ncells; i++) {
            const pb_row_cell *rc = &n->cells[i];
            int span = rc->colspan > 0 ? rc->colspan : 1;
            c = add_cell(b, PB_CELL_HEADING, *row, col, 1, span, rc->text,
                         rc->path ? rc->path : n->path);
            c->breaks = rc->text_breaks;
            col += span;
        }
        break;
    }
    default:
        internal(b, n->path, "unknown row kind");
        break;
    }
    (*row)++;
}

static int cell_order(const void *pa, const void *pb)
{
    const pb_table_cell *a = pa, *b = pb;
    if (a->row != b->row)
        return a->row < b->row ? -1 : 1;
    return (a->col > b->col) - (a->col < b->col);
}

bool pb_table_grid_build(const pb_table_template *tpl, const pb_value *values, int nvalues,
                         pb_arena *arena, pb_table_grid *out, pb_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->tpl = tpl;
    grid_builder b = {.tpl = tpl, .arena = arena, .diag = diag, .ok = true};
    int ncols = tpl->ncolumns, L = tpl->nlabel_columns;
    if (ncols <= 0 || L < 0 || L > ncols) {
        internal(&b, tpl->path, "bad column count");
        return false;
    }
    int H = header_depth(tpl->header, tpl->nheader);
    int nrows = H + body_rows(tpl->rows, tpl->nrows);
    b.nheader = H;
    b.row_path = pb_arena_calloc(arena, (size_t)nrows + 1, sizeof *b.row_path);

    b.nslots = pb_table_value_slots(tpl, NULL);
    pb_value_slot *slots = pb_arena_calloc(arena, (size_t)b.nslots + 1, sizeof *slots);
    pb_table_value_slots(tpl, slots);
    b.slots = slots;
    if (nvalues != 0 && nvalues != b.nslots) {
        /* values == NULL with nvalues == 0 shows the template with blanks */
        pb_diag_error(diag, PB_ERR_INTERNAL, tpl->source, tpl->path,
                      "table grid: %d values for %d value cells", nvalues, b.nslots);
        return false;
    }
    b.values = values;
    b.nvalues = nvalues;
    /* a cell covers one grid position at least: room for all at once */
    b.cap = nrows * ncols + 1;
    b.cells = pb_arena_calloc(arena, (size_t)b.cap, sizeof *b.cells);

    if (H > 0) {
        const char *hpath = pb_arena_printf(arena, "%s.header", tpl->path ? tpl->path : "");
        for (int r = 0; r < H; r++)
            b.row_path[r] = hpath;
        if (L > 0) {
            const char *cpath =
                tpl->corner ? pb_arena_printf(arena, "%s.corner", tpl->path ? tpl->path : "")
                            : hpath;
            pb_table_cell *c = add_cell(&b, PB_CELL_CORNER, 0, 0, H, L, tpl->corner, cpath);
            c->bold = tpl->style.header_bold;
            c->breaks = tpl->corner_breaks;
        }
        for (int i = 0; i < tpl->nheader; i++) {
            int f, l;
            place_header(&b, &tpl->header[i], 0, &f, &l);
        }
    }
    int row = H;
    for (int i = 0; i < tpl->nrows; i++)
        place_row(&b, &tpl->rows[i], 0, &row);
    if (b.next_slot != b.nslots)
        internal(&b, tpl->path, "the value cells do not follow the rows");
    if (!b.ok)
        return false;

    if (b.ncells > 1)
        qsort(b.cells, (size_t)b.ncells, sizeof *b.cells, cell_order);
    int *owner = pb_arena_alloc(arena, ((size_t)nrows * (size_t)ncols + 1) * sizeof *owner);
    for (int i = 0; i < nrows * ncols; i++)
        owner[i] = -1;
    for (int i = 0; i < b.ncells && b.ok; i++) {
        const pb_table_cell *c = &b.cells[i];
        if (c->rowspan < 1 || c->colspan < 1 || c->row < 0 || c->col < 0 ||
            c->row + c->rowspan > nrows || c->col + c->colspan > ncols) {
            internal(&b, c->path, "a cell reaches outside the table");
            break;
        }
        for (int r = c->row; r < c->row + c->rowspan && b.ok; r++)
            for (int k = c->col; k < c->col + c->colspan; k++) {
                if (owner[r * ncols + k] >= 0) {
                    char *m = pb_arena_printf(arena, "two cells cover row %d, column %d",
                                              r + 1, k + 1);
                    internal(&b, c->path, m);
                    break;
                }
                owner[r * ncols + k] = i;
            }
    }
    for (int i = 0; i < nrows * ncols && b.ok; i++)
        if (owner[i] < 0) {
            char *m = pb_arena_printf(arena, "no cell covers row %d, column %d",
                                      i / ncols + 1, i % ncols + 1);
            internal(&b, b.row_path[i / ncols], m);
        }
    if (!b.ok)
        return false;

    out->nrows = nrows;
    out->ncols = ncols;
    out->nheader = H;
    out->cells = b.cells;
    out->ncells = b.ncells;
    out->owner = owner;
    out->row_path = b.row_path;
    return true;
}

/* ---- columns and rows ----------------------------------------------- */

enum { NEED_HARD, NEED_SOFT, NEED_MAX, NEED_KINDS };

/* Per cell, what it needs across its columns at one size: hard, the width
 * below which it cannot be set at all (a number on one line; one character
 * of text, which the line breaker may break anywhere); soft, its widest
 * piece between break opportunities; max, all on one line. */
typedef struct cell_need {
    pb_fx need[NEED_KINDS];
} cell_need;

static pb_fx span_width(const pb_fx *col_x, int col, int span)
{
    return col_x[col + span] - col_x[col];
}

/* Raises the auto columns under a spanning cell by what the cell needs
 * beyond their current sum, in proportion to their current widths. */
static void spread(pb_fx *w, const bool *fixed, const pb_fx *fixw, int col, int span,
                   pb_fx need)
{
    int64_t cur = 0, auto_sum = 0;
    int nauto = 0, last = -1;
    for (int k = col; k < col + span; k++) {
        if (fixed[k]) {
            cur += fixw[k];
        } else {
            cur += w[k];
            auto_sum += w[k];
            nauto++;
            last = k;
        }
    }
    int64_t excess = need - cur;
    if (excess <= 0 || nauto == 0)
        return;
    int64_t given = 0;
    for (int k = col; k < col + span; k++) {
        if (fixed[k])
            continue;
        int64_t add = auto_sum > 0 ? excess * w[k] / auto_sum : excess / nauto;
        w[k] += (pb_fx)add;
        given += add;
    }
    w[last] += (pb_fx)(excess - given);
}

typedef struct keyed {
    int key, idx;
} keyed;

static int cmp_int(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return (a > b) - (a < b);
}

static int keyed_order(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Orders cell indices by colspan (or rowspan), then by position, so that
 * narrower spans are settled before the wider ones that contain them. */
static void sort_indices(int *idx, int n, const pb_table_cell *cells, bool rows)
{
    if (n < 2)
        return;
    keyed *k = pb_xcalloc((size_t)n, sizeof *k);
    for (int i = 0; i < n; i++)
        k[i] = (keyed){rows ? cells[idx[i]].rowspan : cells[idx[i]].colspan, idx[i]};
    qsort(k, (size_t)n, sizeof *k, keyed_order);
    for (int i = 0; i < n; i++)
        idx[i] = k[i].idx;
    free(k);
}

/* Shares `avail` among the auto columns: base + weight * num / den (base
 * NULL: 0), the rounding leftover to the last auto column. */
static void share_out(pb_fx *width, const bool *fixed, int ncols, const pb_fx *base,
                      const pb_fx *weight, int64_t num, int64_t den, pb_fx avail)
{
    int64_t used = 0;
    int last = -1;
    for (int k = 0; k < ncols; k++) {
        if (fixed[k])
            continue;
        width[k] = (base ? base[k] : 0) + (pb_fx)((int64_t)weight[k] * num / den);
        used += width[k];
        last = k;
    }
    if (last >= 0)
        width[last] += (pb_fx)(avail - used);
}

/* ---- measuring each kind of cell once ----------------------------------- */

/* The first cell measuring like each cell (pb_table_measurer.same), or
 * each cell itself. */
static int *same_cells(const pb_table_grid *g, const pb_table_measurer *m, pb_arena *work)
{
    int *same = pb_arena_calloc(work, (size_t)g->ncells + 1, sizeof *same);
    for (int i = 0; i < g->ncells; i++) {
        int k = m->same ? m->same(m->ctx, &g->cells[i]) : i;
        same[i] = k >= 0 && k <= i ? k : i;
    }
    return same;
}

/* Answers already given for (first alike cell, width): an open-addressed
 * hash, so a table's many cells of one kind at one width ask once. */
typedef struct memo {
    struct memo_slot {
        int cell;         /* -1: empty */
        pb_fx w;
        int value;
    } *slots;
    int n, cap;           /* cap: a power of two */
    pb_arena *work;       /* where the slots are (a solver's scratch) */
} memo;

static struct memo_slot *memo_find(memo *mo, int cell, pb_fx w)
{
    if (2 * (mo->n + 1) > mo->cap) {
        struct memo_slot *old = mo->slots;
        int ocap = mo->cap;
        mo->cap = ocap ? ocap * 2 : 256;
        mo->slots = pb_arena_alloc(mo->work, (size_t)mo->cap * sizeof *mo->slots);
        for (int k = 0; k < mo->cap; k++)
            mo->slots[k].cell = -1;
        mo->n = 0;
        for (int k = 0; k < ocap; k++)
            if (old[k].cell >= 0) {
                struct memo_slot *d = memo_find(mo, old[k].cell, old[k].w);
                *d = old[k];
                mo->n++;
            }
    }
    uint32_t h = ((uint32_t)cell * 2654435761u) ^ ((uint32_t)w * 2246822519u);
    int mask = mo->cap - 1, k = (int)(h & (uint32_t)mask);
    while (mo->slots[k].cell >= 0 && (mo->slots[k].cell != cell || mo->slots[k].w != w))
        k = (k + 1) & mask;
    return &mo->slots[k];
}

/* The value memoised for (cell, w), or -1 with *slot where to put it. */
static int memo_get(memo *mo, int cell, pb_fx w, struct memo_slot **slot)
{
    struct memo_slot *s = memo_find(mo, cell, w);
    *slot = s;
    return s->cell >= 0 ? s->value : -1;
}

static void memo_put(memo *mo, struct memo_slot *s, int cell, pb_fx w, int value)
{
    s->cell = cell;
    s->w = w;
    s->value = value;
    mo->n++;
}

/* ---- the shortest table -------------------------------------------------
 *
 * From the widths every cell needs at least (its widest unbreakable
 * piece), width goes first to the cells that would be poorly set (a
 * character alone on a line, a line ending inside one of the pieces the
 * layout gave a label), as far as the text width allows; then where it
 * makes the table shortest: each cell's lines are a step function of its
 * span's width; a move widens the columns of the cells that decide a
 * row's height (all of them, so a header row of several tall cells can
 * shrink too) just enough to take a line off each, and the move that
 * saves the most height per point of width is made, until none saves
 * any.  What is left goes to the label columns, so value columns are only
 * as wide as their widest value and header. */

/* The lines a cell needs as a function of its span's width: at[k] is the
 * narrowest width (padding included) at which it needs n[k] lines; at[]
 * grows and n[] falls with k.  No text: count 0. */
typedef struct steps {
    pb_fx *at;
    int *n;
    int count;
} steps;

static int steps_lines(const steps *s, pb_fx w)
{
    if (s->count == 0)
        return 0;
    int k = s->count - 1;
    while (k > 0 && s->at[k] > w)
        k--;
    return s->n[k];
}

typedef struct solver {
    const pb_table_grid *g;
    const pb_table_measurer *m;
    pb_fx size, pitch, pad_x, pad_y;
    pb_fx page_h;         /* the text block's height, 0: unknown */
    steps *st;            /* per cell */
    int *by_rowspan;      /* cells with rowspan > 1, narrower spans first */
    int nspan;
    pb_fx *row_base;      /* per row: its height from the cells of one row
                             whose lines no width changes (numbers, text
                             of one step), which height_at starts from */
    int *varying;         /* the other cells, and the poor ones (whose
                             span widths cost_at reads) */
    int nvarying;
    pb_fx *row_h;         /* scratch, nrows */
    pb_fx *cell_h;        /* scratch, per cell (those not varying: set once,
                             in both sets) */
    pb_fx *span_w;        /* scratch, per cell */
    pb_fx *spare[3];      /* the same for a trial, so the current widths'
                             stay as they are */
    pb_arena *work;       /* all of the above, for the solver's run */
} solver;

/* Swaps the scratch arrays with the spare ones. */
static void swap_scratch(solver *s)
{
    pb_fx **a[3] = {&s->row_h, &s->cell_h, &s->span_w};
    for (int k = 0; k < 3; k++) {
        pb_fx *t = *a[k];
        *a[k] = s->spare[k];
        s->spare[k] = t;
    }
}

static int cell_lines(const solver *s, const pb_table_cell *c, pb_fx w)
{
    pb_fx inner = w - 2 * s->pad_x;
    return s->m->lines(s->m->ctx, c, s->size, inner < 1 ? 1 : inner);
}

/* The same with the measurer's guess and split (span widths, 0: none;
 * a split at or below the narrowest width a cell is measured at is none). */
static int cell_lines_guess(const solver *s, const pb_table_cell *c, pb_fx w, pb_fx *guess,
                            pb_fx *split)
{
    pb_fx inner = w - 2 * s->pad_x, g = 0, at = 0;
    if (inner < 1)
        inner = 1;
    int n = s->m->lines_guess(s->m->ctx, c, s->size, inner, &g, &at);
    *guess = g > 0 ? g + 2 * s->pad_x : 0;
    if (split)
        *split = at > 1 ? at + 2 * s->pad_x : 0;
    return n;
}

/* The narrowest width in (a, b] that needs no more than n lines, where a
 * needs more and b (whose guess is g) no more, for a cell whose lines
 * never grow with the width: there is one such width, so trying the
 * guesses (and the width just below b, which is the answer when b is the
 * widest line) finds what halving finds, in fewer measurements. */
static pb_fx narrowest(const solver *s, const pb_table_cell *c, pb_fx a, pb_fx b, int n,
                       pb_fx g)
{
    /* a few tries, then halving: a bounded search whatever the guesses */
    for (int tries = 0; b - a > 1; tries++) {
        pb_fx x = a + (b - a) / 2;
        if (tries < 6 && g > a && g < b)
            x = g;
        else if (tries < 6)
            x = b - 1;
        pb_fx gx;
        if (cell_lines_guess(s, c, x, &gx, NULL) <= n) {
            b = x;
            g = gx;
        } else {
            a = x;
            tries = 6; /* the guesses were too narrow: halve from now on */
        }
    }
    return b;
}

/* What halving (a, b] finds, where a needs more than n lines and b (whose
 * guess is g) no more, for a cell whose lines never grow with the width
 * on either side of split (a < split <= b) but may grow at split: on each
 * side the narrowest width that needs no more is found from the guesses,
 * and the halving is then followed without measuring, so it ends where it
 * would have ended measuring each width it looks at. */
static pb_fx halving_split(const solver *s, const pb_table_cell *c, pb_fx a, pb_fx b, int n,
                           pb_fx g, pb_fx split)
{
    /* from split on: the narrowest width at or above it with n lines or less */
    pb_fx g1, upper = split;
    if (cell_lines_guess(s, c, split, &g1, NULL) > n)
        upper = narrowest(s, c, split, b, n, g);
    /* below split: the same, or none (lower = split) */
    pb_fx lower = split;
    if (split - 1 > a && cell_lines_guess(s, c, split - 1, &g1, NULL) <= n)
        lower = narrowest(s, c, a, split - 1, n, g1);
    while (b - a > 1) {
        pb_fx mid = a + (b - a) / 2;
        if (mid < split ? mid >= lower : mid >= upper)
            b = mid;
        else
            a = mid;
    }
    return b;
}

/* The steps of cell c between lo and hi (its soft and max widths), from
 * hi down to the first at or below `least` (the narrowest its span
 * starts at: widths only grow, and the steps below are never asked). */
static void cell_steps(const solver *s, const pb_table_cell *c, pb_fx lo, pb_fx hi, pb_fx least,
                       steps *out)
{
    memset(out, 0, sizeof *out);
    if (!c->text[0])
        return;
    if (c->nowrap || hi <= lo) {
        out->at = pb_arena_alloc(s->work, sizeof *out->at);
        out->n = pb_arena_alloc(s->work, sizeof *out->n);
        out->at[0] = lo;
        out->n[0] = 1;
        out->count = 1;
        return;
    }
    int cap = 8;
    out->at = pb_arena_alloc(s->work, (size_t)cap * sizeof *out->at);
    out->n = pb_arena_alloc(s->work, (size_t)cap * sizeof *out->n);
    pb_fx w = hi, g = 0, split = 0;
    int n = s->m->lines_guess ? cell_lines_guess(s, c, w, &g, &split) : cell_lines(s, c, w);
    bool guessed = g > 0; /* lines never grow with the width (beside split) */
    for (;;) {
        /* the narrowest width in [lo, w] that still needs no more than n */
        pb_fx a = lo, b = w;
        if (cell_lines(s, c, a) <= n) {
            b = a;
        } else if (guessed && (split <= a || split > b)) {
            b = narrowest(s, c, a, b, n, g);
        } else if (guessed) {
            b = halving_split(s, c, a, b, n, g, split);
        } else {
            while (b - a > 1) {
                pb_fx mid = a + (b - a) / 2;
                if (cell_lines(s, c, mid) <= n)
                    b = mid;
                else
                    a = mid;
            }
        }
        if (out->count == cap) {
            out->at = pb_arena_grow(s->work, out->at, (size_t)cap, 2 * (size_t)cap,
                                    sizeof *out->at);
            out->n = pb_arena_grow(s->work, out->n, (size_t)cap, 2 * (size_t)cap, sizeof *out->n);
            cap *= 2;
        }
        out->at[out->count] = b;
        out->n[out->count++] = n;
        if (b <= lo || b <= least)
            break;
        w = b - 1;
        int more = guessed ? cell_lines_guess(s, c, w, &g, NULL) : cell_lines(s, c, w);
        n = more > n ? more : n + 1;
    }
    /* collected narrowing: turn into growing widths */
    for (int i = 0, j = out->count - 1; i < j; i++, j--) {
        pb_fx t = out->at[i];
        out->at[i] = out->at[j];
        out->at[j] = t;
        int u = out->n[i];
        out->n[i] = out->n[j];
        out->n[j] = u;
    }
}

static pb_fx cell_height(const solver *s, int lines)
{
    return (pb_fx)(lines > 1 ? lines : 1) * s->pitch + 2 * s->pad_y;
}

static pb_fx span_of(const pb_table_cell *c, const pb_fx *width)
{
    pb_fx w = 0;
    for (int k = c->col; k < c->col + c->colspan; k++)
        w += width[k];
    return w;
}

/* Splits the cells into those whose height no width changes, which make
 * up s->row_base and are set in both sets of s->cell_h now, and the
 * varying ones, which height_at measures at each width (in a long table
 * most cells are numbers: the moves cost what its labels take). */
static void split_varying(solver *s)
{
    const pb_table_grid *g = s->g;
    for (int r = 0; r < g->nrows; r++)
        s->row_base[r] = cell_height(s, 1);
    s->nvarying = 0;
    for (int i = 0; i < g->ncells; i++) {
        const pb_table_cell *c = &g->cells[i];
        if (s->st[i].count > 1) {
            s->varying[s->nvarying++] = i;
            continue;
        }
        pb_fx h = cell_height(s, steps_lines(&s->st[i], 0)); /* one step: any width */
        s->cell_h[i] = s->spare[1][i] = h;
        if (c->rowspan == 1 && h > s->row_base[c->row])
            s->row_base[c->row] = h;
    }
}

/* The table's height with these column widths (row heights in s->row_h,
 * each varying cell's need in s->cell_h and its span's width in
 * s->span_w).  A row is as tall as its tallest cell of one row, whichever
 * order they are taken in: the steady ones were taken once. */
static int64_t height_at(solver *s, const pb_fx *width)
{
    const pb_table_grid *g = s->g;
    memcpy(s->row_h, s->row_base, (size_t)g->nrows * sizeof *s->row_h);
    for (int v = 0; v < s->nvarying; v++) {
        int i = s->varying[v];
        const pb_table_cell *c = &g->cells[i];
        pb_fx w = span_of(c, width);
        s->span_w[i] = w;
        s->cell_h[i] = cell_height(s, steps_lines(&s->st[i], w));
        if (c->rowspan == 1 && s->cell_h[i] > s->row_h[c->row])
            s->row_h[c->row] = s->cell_h[i];
    }
    for (int j = 0; j < s->nspan; j++) {
        const pb_table_cell *c = &g->cells[s->by_rowspan[j]];
        pb_fx have = 0;
        for (int r = c->row; r < c->row + c->rowspan; r++)
            have += s->row_h[r];
        pb_fx h = s->cell_h[s->by_rowspan[j]];
        if (h > have)
            s->row_h[c->row + c->rowspan - 1] += h - have;
    }
    int64_t total = 0;
    for (int r = 0; r < g->nrows; r++)
        total += s->row_h[r];
    return total;
}

/* Adds what cell c needs to reach span width `to` to inc[], spread over
 * its auto columns in proportion to their widths.  False: it has none. */
static bool widen_cell(const pb_table_cell *c, const bool *fixed, const pb_fx *width,
                       pb_fx to, pb_fx cur, pb_fx *inc)
{
    int64_t sum = 0;
    int last = -1;
    for (int k = c->col; k < c->col + c->colspan; k++)
        if (!fixed[k]) {
            sum += width[k];
            last = k;
        }
    if (last < 0)
        return false;
    int64_t more = to - cur, given = 0;
    for (int k = c->col; k < c->col + c->colspan; k++) {
        if (fixed[k])
            continue;
        int64_t add = k == last ? more - given : sum > 0 ? more * width[k] / sum : 0;
        given += add;
        if (add > inc[k])
            inc[k] = (pb_fx)add;
    }
    return true;
}

/* The narrowest step of cell i wider than its span now with fewer lines. */
static pb_fx next_step(const solver *s, int i)
{
    const steps *st = &s->st[i];
    int n = steps_lines(st, s->span_w[i]);
    for (int k = 0; k < st->count; k++)
        if (st->n[k] < n && st->at[k] > s->span_w[i])
            return st->at[k];
    return 0;
}

enum { MAX_MOVES = 64 };

/* What a poorly set cell costs, in lines of the table's height. */
enum { POOR_LINES = 2 };

/* The table's height plus what its poorly set cells cost: those of `poor`
 * narrower than the width `fix` that sets them well. */
static int64_t cost_at(solver *s, const pb_fx *width, const int *poor, int npoor,
                       const pb_fx *fix)
{
    int64_t h = height_at(s, width);
    /* the header rows repeat on every page the table takes */
    int64_t head = 0;
    for (int r = 0; r < s->g->nheader; r++)
        head += s->row_h[r];
    if (s->page_h > head + s->pitch) {
        int64_t pages = (h - head) / (s->page_h - head);
        h += pages * head;
    }
    for (int k = 0; k < npoor; k++)
        if (s->span_w[poor[k]] < fix[k])
            h += POOR_LINES * s->pitch;
    return h;
}

static void shortest(const pb_table_grid *g, const pb_table_measurer *m, const int *same,
                     pb_fx size, pb_fx pitch, pb_fx pad_x, pb_fx pad_y, pb_fx page_h,
                     const bool *fixed, const pb_fx *soft, const pb_fx *max,
                     const cell_need *need, pb_fx avail, pb_fx *width)
{
    int ncols = g->ncols, ncells = g->ncells;
    /* the solver's tables, given back however it ends */
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    solver s = {.g = g, .m = m, .size = size, .pitch = pitch, .pad_x = pad_x, .pad_y = pad_y,
                .page_h = page_h, .work = work};
    s.st = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.st);
    s.by_rowspan = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.by_rowspan);
    s.row_base = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *s.row_base);
    s.varying = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.varying);
    s.row_h = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *s.row_h);
    s.cell_h = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.cell_h);
    s.span_w = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.span_w);
    s.spare[0] = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *s.spare[0]);
    s.spare[1] = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.spare[1]);
    s.spare[2] = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *s.spare[2]);
    pb_fx *inc = pb_arena_calloc(work, (size_t)ncols, sizeof *inc);
    pb_fx *best_inc = pb_arena_calloc(work, (size_t)ncols, sizeof *best_inc);
    pb_fx *tried = pb_arena_calloc(work, (size_t)MAX_MOVES * (size_t)ncols, sizeof *tried);
    pb_fx *trial = pb_arena_calloc(work, (size_t)ncols, sizeof *trial);
    int *rows = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *rows);
    int *lines_of = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *lines_of);
    int *poor = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *poor), npoor = 0;
    pb_fx *fix = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *fix);
    keyed *order = pb_arena_calloc(work, (size_t)g->nrows + 1, sizeof *order);
    /* the cells whose last row is r: ending[ending_at[r] .. ending_at[r + 1]),
     * in cell order, so a move looks at its row's cells only */
    int *ending_at = pb_arena_calloc(work, (size_t)g->nrows + 2, sizeof *ending_at);
    int *ending = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *ending);
    for (int i = 0; i < ncells; i++)
        ending_at[g->cells[i].row + g->cells[i].rowspan]++;
    for (int r = 0; r < g->nrows; r++)
        ending_at[r + 1] += ending_at[r];
    for (int i = 0; i < ncells; i++)
        ending[ending_at[g->cells[i].row + g->cells[i].rowspan - 1]++] = i;
    for (int r = g->nrows; r > 0; r--)
        ending_at[r] = ending_at[r - 1];
    ending_at[0] = 0;

    /* the columns start at their soft widths and only grow: below the
     * narrowest span a kind of cell starts at, its steps are not asked */
    for (int c = 0; c < ncols; c++)
        if (!fixed[c])
            width[c] = soft[c];
    pb_fx *least = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *least);
    for (int i = 0; i < ncells; i++) {
        pb_fx w = span_of(&g->cells[i], width);
        if (same[i] == i || w < least[same[i]])
            least[same[i]] = w;
    }
    for (int i = 0; i < ncells; i++) {
        if (g->cells[i].rowspan > 1)
            s.by_rowspan[s.nspan++] = i;
        if (same[i] < i)
            s.st[i] = s.st[same[i]]; /* shared */
        else
            cell_steps(&s, &g->cells[i], need[i].need[NEED_SOFT], need[i].need[NEED_MAX],
                       least[i], &s.st[i]);
    }
    sort_indices(s.by_rowspan, s.nspan, g->cells, true);
    split_varying(&s);

    int64_t left = avail;
    for (int c = 0; c < ncols; c++)
        if (!fixed[c])
            left -= soft[c];

    /* the cells set poorly at these widths, and the narrowest width that
     * sets each well: no line holds one character alone ("自/然/人" in a
     * column one character wide), lines end where the layout's pieces do
     * ("三、/本年度/办理/结果") */
    memo fix_at = {.work = work}; /* per first alike cell and width: the fix, 0: none */
    for (int i = 0; m->poor && i < ncells; i++) {
        const pb_table_cell *c = &g->cells[i];
        const steps *st = &s.st[i];
        pb_fx lo = span_of(c, width), now = lo;
        if (c->nowrap || st->count == 0)
            continue;
        struct memo_slot *slot;
        int found = memo_get(&fix_at, same[i], lo, &slot);
        if (found < 0) {
            /* the fix of a cell set alike in a span as wide is this one's */
            found = 0;
            pb_fx hi = st->at[st->count - 1];
            if (m->poor(m->ctx, c, size, lo - 2 * pad_x) && hi > lo &&
                !m->poor(m->ctx, c, size, hi - 2 * pad_x)) {
                while (hi - lo > 1) {
                    pb_fx mid = lo + (hi - lo) / 2;
                    if (m->poor(m->ctx, c, size, mid - 2 * pad_x))
                        lo = mid;
                    else
                        hi = mid;
                }
                found = hi;
            }
            memo_put(&fix_at, slot, same[i], now, found);
        }
        if (found > 0) {
            poor[npoor] = i;
            fix[npoor++] = found;
            /* cost_at reads its span's width (a poor cell has steps:
             * it is varying already, unless that changes) */
            if (s.st[i].count <= 1)
                s.varying[s.nvarying++] = i;
        }
    }

    /* Moves: take a line off a row (widen every cell that decides its
     * height), or set a poor cell well; the move that saves the most
     * height (a poor cell counts as POOR_LINES lines) per point of width */
    for (;;) {
        int64_t h0 = cost_at(&s, width, poor, npoor, fix);
        /* the rows of more than one line, the tallest first (in table
         * order among equals) */
        int nrows = 0;
        for (int r = 0; r < g->nrows; r++) {
            lines_of[r] = (int)((s.row_h[r] - 2 * pad_y) / (pitch > 0 ? pitch : 1));
            if (lines_of[r] > 1)
                order[nrows++] = (keyed){-lines_of[r], r};
        }
        qsort(order, (size_t)nrows, sizeof *order, keyed_order);
        for (int k = 0; k < nrows; k++)
            rows[k] = order[k].idx;
        int ntried = 0;
        int64_t best_save = 0, best_cost = 1;
        for (int k = 0; k < nrows + npoor && ntried < MAX_MOVES; k++) {
            memset(inc, 0, (size_t)ncols * sizeof *inc);
            bool possible = true, any = false;
            if (k < nrows) {
                int r = rows[k];
                for (int e = ending_at[r]; e < ending_at[r + 1] && possible; e++) {
                    int i = ending[e];
                    const pb_table_cell *c = &g->cells[i];
                    pb_fx above = 0;
                    for (int q = c->row; q < r; q++)
                        above += s.row_h[q];
                    if (s.cell_h[i] - above < s.row_h[r])
                        continue; /* not what decides the row's height */
                    pb_fx to = next_step(&s, i);
                    possible = to > 0 && widen_cell(c, fixed, width, to, s.span_w[i], inc);
                    any = true;
                }
            } else {
                int i = poor[k - nrows];
                if (s.span_w[i] >= fix[k - nrows])
                    continue;
                any = widen_cell(&g->cells[i], fixed, width, fix[k - nrows], s.span_w[i], inc);
            }
            if (!possible || !any)
                continue;
            int64_t cost = 0;
            for (int c = 0; c < ncols; c++)
                cost += inc[c];
            if (cost <= 0 || cost > left)
                continue;
            bool seen = false;
            for (int t = 0; t < ntried && !seen; t++)
                seen = !memcmp(&tried[(size_t)t * (size_t)ncols], inc,
                               (size_t)ncols * sizeof *inc);
            if (seen)
                continue;
            memcpy(&tried[(size_t)ntried++ * (size_t)ncols], inc, (size_t)ncols * sizeof *inc);
            for (int c = 0; c < ncols; c++)
                trial[c] = width[c] + inc[c];
            swap_scratch(&s); /* the current widths' rows stay for the next move */
            int64_t save = h0 - cost_at(&s, trial, poor, npoor, fix);
            swap_scratch(&s);
            /* the most per point; on a tie, the cheaper move */
            if (save > 0 && (save * best_cost > best_save * cost ||
                             (save * best_cost == best_save * cost && cost < best_cost))) {
                best_save = save;
                best_cost = cost;
                memcpy(best_inc, inc, (size_t)ncols * sizeof *inc);
            }
        }
        if (best_save == 0)
            break;
        for (int c = 0; c < ncols; c++)
            width[c] += best_inc[c];
        left -= best_cost;
    }

    /* the rest: to the label columns, or, when every cell is on one line
     * or there are none, to all columns, in proportion to their widths */
    if (left > 0) {
        bool one_line = true, labels = false;
        for (int c = 0; c < ncols; c++) {
            if (fixed[c])
                continue;
            one_line = one_line && width[c] >= max[c];
            labels = labels || g->tpl->columns[c].label;
        }
        bool to_labels = labels && !one_line;
        int64_t sum = 0, given = 0;
        int last = -1;
        for (int c = 0; c < ncols; c++)
            if (!fixed[c] && (!to_labels || g->tpl->columns[c].label)) {
                sum += width[c];
                last = c;
            }
        for (int c = 0; c <= last; c++) {
            if (fixed[c] || (to_labels && !g->tpl->columns[c].label))
                continue;
            int64_t add = c == last ? left - given : sum > 0 ? left * width[c] / sum : 0;
            width[c] += (pb_fx)add;
            given += add;
        }
    }

    pb_scratch_end(&scratch);
}

static double fx_mm(pb_fx v)
{
    return (double)v / PB_FX_ONE * 25.4 / 72.0;
}

bool pb_table_solve(const pb_table_grid *grid, const pb_table_style *style,
                    pb_fx text_width, const pb_table_measurer *m, pb_arena *arena,
                    pb_table_geometry *out, pb_diag *diag)
{
    return pb_table_solve_at(grid, style, style->size, text_width, 0, m, arena, out, diag);
}

bool pb_table_solve_at(const pb_table_grid *grid, const pb_table_style *style, pb_fx start,
                       pb_fx text_width, pb_fx text_height, const pb_table_measurer *m,
                       pb_arena *arena, pb_table_geometry *out, pb_diag *diag)
{
    memset(out, 0, sizeof *out);
    const pb_table_template *tpl = grid->tpl;
    int ncols = grid->ncols, nrows = grid->nrows, ncells = grid->ncells;
    const pb_table_cell *cells = grid->cells;
    pb_fx pad_x = style->pad_x, pad_y = style->pad_y;
    if (style->size <= 0 || ncols <= 0) {
        pb_diag_error(diag, PB_ERR_INTERNAL, tpl->source, tpl->path,
                      "table solver: no type size or no columns");
        return false;
    }
    pb_fx floor_size = style->min_size > 0 && style->min_size < style->size ? style->min_size
                                                                            : style->size;

    /* the solver's tables, given back however it ends */
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    bool *fixed = pb_arena_calloc(work, (size_t)ncols, sizeof *fixed);
    pb_fx *fixw = pb_arena_calloc(work, (size_t)ncols, sizeof *fixw);
    pb_fx *colw[NEED_KINDS];
    for (int k = 0; k < NEED_KINDS; k++)
        colw[k] = pb_arena_calloc(work, (size_t)ncols, sizeof *colw[k]);
    pb_fx *width = pb_arena_calloc(work, (size_t)ncols, sizeof *width);
    pb_fx *wt = pb_arena_calloc(work, (size_t)ncols, sizeof *wt);
    cell_need *need = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *need);
    int *order = pb_arena_calloc(work, (size_t)ncells + 1, sizeof *order);
    int *same = same_cells(grid, m, work);
    pb_fx *col_x = pb_arena_calloc(arena, (size_t)ncols + 1, sizeof *col_x);
    bool ok = false;

    int64_t fixed_sum = 0;
    int nauto = 0;
    for (int k = 0; k < ncols; k++) {
        const pb_table_column *col = &tpl->columns[k];
        if (col->width > 0) {
            fixed[k] = true;
            fixw[k] = col->width;
        } else if (col->share > 0) {
            fixed[k] = true;
            fixw[k] = pb_fx_muldiv(text_width, col->share, 1000);
        } else {
            nauto++;
        }
        if (fixed[k])
            fixed_sum += fixw[k];
    }
    /* widths that add up to the text width in mm or % may exceed it by
       the rounding of each to 1/64 pt: take that off the last ones */
    int nfixed = ncols - nauto;
    if (fixed_sum > text_width && fixed_sum - text_width <= nfixed) {
        for (int k = ncols - 1; k >= 0 && fixed_sum > text_width; k--)
            if (fixed[k] && fixw[k] > 0) {
                fixw[k]--;
                fixed_sum--;
            }
    }
    if (fixed_sum > text_width) {
        pb_diag_error(diag, PB_ERR_LAYOUT, tpl->source, tpl->path,
                      "the fixed column widths (%.2f mm) exceed the text width (%.2f mm)",
                      fx_mm((pb_fx)fixed_sum), fx_mm(text_width));
        goto done;
    }
    pb_fx avail = text_width - (pb_fx)fixed_sum;

    int nspan = 0;
    for (int i = 0; i < ncells; i++)
        if (cells[i].colspan > 1)
            order[nspan++] = i;
    sort_indices(order, nspan, cells, false);

    pb_fx size = start > 0 && start < style->size ? start : style->size;
    if (size < floor_size)
        size = floor_size;
    for (;;) {
        /* what every cell needs at this size */
        for (int i = 0; i < ncells; i++) {
            const pb_table_cell *c = &cells[i];
            if (same[i] < i) {
                need[i] = need[same[i]];
                continue;
            }
            pb_fx mn = 0, mx = 0;
            m->extent(m->ctx, c, size, &mn, &mx);
            if (mx < mn)
                mx = mn;
            pb_fx *nd = need[i].need;
            nd[NEED_MAX] = mx + 2 * pad_x;
            if (c->nowrap) {
                nd[NEED_HARD] = nd[NEED_SOFT] = nd[NEED_MAX];
            } else {
                nd[NEED_SOFT] = mn + 2 * pad_x;
                nd[NEED_HARD] = (mn < size ? mn : size) + 2 * pad_x;
            }
        }
        for (int k = 0; k < NEED_KINDS; k++) {
            memset(colw[k], 0, (size_t)ncols * sizeof *colw[k]);
            for (int i = 0; i < ncells; i++) {
                const pb_table_cell *c = &cells[i];
                if (c->colspan == 1 && !fixed[c->col] && need[i].need[k] > colw[k][c->col])
                    colw[k][c->col] = need[i].need[k];
            }
            for (int j = 0; j < nspan; j++) {
                const pb_table_cell *c = &cells[order[j]];
                spread(colw[k], fixed, fixw, c->col, c->colspan, need[order[j]].need[k]);
            }
        }
        int64_t sum[NEED_KINDS] = {0, 0, 0};
        for (int c = 0; c < ncols; c++) {
            if (fixed[c])
                continue;
            if (colw[NEED_SOFT][c] < colw[NEED_HARD][c])
                colw[NEED_SOFT][c] = colw[NEED_HARD][c];
            if (colw[NEED_MAX][c] < colw[NEED_SOFT][c])
                colw[NEED_MAX][c] = colw[NEED_SOFT][c];
            for (int k = 0; k < NEED_KINDS; k++)
                sum[k] += colw[k][c];
        }

        for (int c = 0; c < ncols; c++)
            width[c] = fixed[c] ? fixw[c] : 0;
        pb_fx *lo = colw[NEED_HARD], *mid = colw[NEED_SOFT], *hi = colw[NEED_MAX];
        if (nauto == 0) {
            /* every width is given: what is left of the text width goes to
               the last column, so the table still fills the measure */
            width[ncols - 1] += avail;
        } else if (sum[NEED_MAX] == 0) {
            for (int c = 0; c < ncols; c++)
                wt[c] = 1;
            share_out(width, fixed, ncols, NULL, wt, avail, nauto, avail);
        } else if (sum[NEED_SOFT] <= avail) {
            /* every cell's widest piece fits: the widths that make the
             * table shortest */
            pb_fx pitch = style->line_pitch > 0 ? style->line_pitch : pb_fx_muldiv(size, 5, 4);
            shortest(grid, m, same, size, pitch, pad_x, pad_y, text_height, fixed, mid, hi, need,
                     avail, width);
        } else if (sum[NEED_HARD] <= avail) {
            /* text gets less than its widest piece and is broken inside it */
            for (int c = 0; c < ncols; c++)
                wt[c] = mid[c] - lo[c];
            share_out(width, fixed, ncols, lo, wt, avail - sum[NEED_HARD],
                      sum[NEED_SOFT] - sum[NEED_HARD], avail);
        } else {
            /* cannot fit: scale the hard widths down, to find who suffers */
            share_out(width, fixed, ncols, NULL, lo, avail, sum[NEED_HARD], avail);
        }
        col_x[0] = 0;
        for (int c = 0; c < ncols; c++)
            col_x[c + 1] = col_x[c] + width[c];

        /* the cell that lacks the most of what it cannot do without */
        int worst = -1;
        pb_fx worst_lack = 0;
        for (int i = 0; i < ncells; i++) {
            const pb_table_cell *c = &cells[i];
            pb_fx lack = need[i].need[NEED_HARD] - span_width(col_x, c->col, c->colspan);
            if (lack <= 0)
                continue;
            /* a number that does not fit comes before text that does not */
            bool better = worst < 0 || (c->nowrap && !cells[worst].nowrap) ||
                          (c->nowrap == cells[worst].nowrap && lack > worst_lack);
            if (better) {
                worst = i;
                worst_lack = lack;
            }
        }
        if (worst < 0)
            break;
        if (size > floor_size) {
            size -= PB_FX_ONE / 2;
            if (size < floor_size)
                size = floor_size;
            continue;
        }
        const pb_table_cell *c = &cells[worst];
        pb_diag_error(diag, PB_ERR_INPUT, c->file, c->path,
                      "cell does not fit in the table at the smallest size %g pt: "
                      "needs %.1f mm, has %.1f mm",
                      pb_fx_to_pt(size), fx_mm(need[worst].need[NEED_HARD]),
                      fx_mm(span_width(col_x, c->col, c->colspan)));
        goto done;
    }

    /* rows */
    pb_fx pitch = style->line_pitch > 0 ? style->line_pitch : pb_fx_muldiv(size, 5, 4);
    pb_fx *row_h = pb_arena_calloc(arena, (size_t)nrows + 1, sizeof *row_h);
    int *lines = pb_arena_calloc(arena, (size_t)ncells + 1, sizeof *lines);
    memo lines_at = {.work = work};
    for (int i = 0; i < ncells; i++) {
        const pb_table_cell *c = &cells[i];
        pb_fx inner = span_width(col_x, c->col, c->colspan) - 2 * pad_x;
        if (inner < 1)
            inner = 1;
        struct memo_slot *slot;
        int n = memo_get(&lines_at, same[i], inner, &slot);
        if (n < 0) {
            n = m->lines(m->ctx, c, size, inner);
            n = n > 0 ? n : 0;
            memo_put(&lines_at, slot, same[i], inner, n);
        }
        lines[i] = n;
    }
    out->line_pitch = pitch;
    out->row_h = row_h;
    out->lines = lines;
    pb_table_rows(grid, out, pad_y);

    out->size = size;
    out->width = col_x[ncols];
    out->col_x = col_x;
    ok = true;

done:
    pb_scratch_end(&scratch);
    return ok;
}

/* Grows [*lo, *hi) until no merged cell reaches out of it: a cell that
 * overlaps the rows only in part covers its first or its last row. */
static void close_under_spans(const pb_table_grid *grid, int *lo, int *hi)
{
    int ncols = grid->ncols;
    for (bool grown = true; grown && *lo < *hi;) {
        grown = false;
        for (int e = 0; e < 2; e++) {
            int r = e == 0 ? *lo : *hi - 1;
            for (int c = 0; c < ncols; c++) {
                const pb_table_cell *cell = &grid->cells[grid->owner[r * ncols + c]];
                if (cell->row < *lo) {
                    *lo = cell->row;
                    grown = true;
                }
                if (cell->row + cell->rowspan > *hi) {
                    *hi = cell->row + cell->rowspan;
                    grown = true;
                }
            }
        }
    }
}

/* Row heights of rows [lo, hi), which no merged cell reaches out of, from
 * the cells that start in them. */
static void rows_of(const pb_table_grid *grid, const pb_table_geometry *geo, pb_fx pad_y,
                    int lo, int hi, pb_fx *row_h)
{
    int ncols = grid->ncols, nspan = 0;
    const pb_table_cell *cells = grid->cells;
    pb_fx pitch = geo->line_pitch;
    pb_scratch scratch;
    int *order = pb_arena_calloc(pb_scratch_begin(&scratch), (size_t)(hi - lo) * (size_t)ncols + 1,
                                 sizeof *order);
    for (int r = lo; r < hi; r++)
        row_h[r] = pitch + 2 * pad_y;
    for (int r = lo; r < hi; r++)
        for (int c = 0; c < ncols; c++) {
            int i = grid->owner[r * ncols + c];
            const pb_table_cell *cell = &cells[i];
            if (cell->row != r || cell->col != c)
                continue;
            pb_fx h = (pb_fx)(geo->lines[i] > 1 ? geo->lines[i] : 1) * pitch + 2 * pad_y;
            if (cell->rowspan > 1)
                order[nspan++] = i;
            else if (h > row_h[r])
                row_h[r] = h;
        }
    sort_indices(order, nspan, cells, true);
    for (int j = 0; j < nspan; j++) {
        const pb_table_cell *c = &cells[order[j]];
        pb_fx have = 0;
        for (int r = c->row; r < c->row + c->rowspan; r++)
            have += row_h[r];
        pb_fx h = (pb_fx)(geo->lines[order[j]] > 1 ? geo->lines[order[j]] : 1) * pitch +
                  2 * pad_y;
        if (h > have)
            row_h[c->row + c->rowspan - 1] += h - have;
    }
    pb_scratch_end(&scratch);
}

void pb_table_rows(const pb_table_grid *grid, pb_table_geometry *geo, pb_fx pad_y)
{
    rows_of(grid, geo, pad_y, 0, grid->nrows, geo->row_h);
}

void pb_table_rows_part(const pb_table_grid *grid, const pb_table_geometry *geo, pb_fx pad_y,
                        int r0, int r1, bool header, pb_fx *row_h)
{
    if (header && grid->nheader > 0)
        rows_of(grid, geo, pad_y, 0, grid->nheader, row_h);
    else
        for (int r = 0; r < grid->nheader; r++)
            row_h[r] = geo->row_h[r];
    if (r0 < grid->nheader)
        r0 = grid->nheader;
    if (r1 > grid->nrows)
        r1 = grid->nrows;
    if (r0 >= r1)
        return;
    close_under_spans(grid, &r0, &r1);
    rows_of(grid, geo, pad_y, r0, r1, row_h);
}

/* ---- pages ------------------------------------------------------------ */

bool pb_table_break_allowed(const pb_table_grid *grid, int r)
{
    if (r <= grid->nheader || r >= grid->nrows)
        return false;
    /* bands and heading rows cover the last column, like every row */
    const pb_table_cell *above = &grid->cells[grid->owner[(r - 1) * grid->ncols + grid->ncols - 1]];
    if (above->row == r - 1 && above->rowspan == 1 &&
        (above->kind == PB_CELL_BAND || above->kind == PB_CELL_HEADING))
        return false;
    return true;
}

int pb_table_row_lines(const pb_table_geometry *geo, const pb_table_style *style, int r)
{
    pb_fx text = geo->row_h[r] - 2 * style->pad_y, pitch = geo->line_pitch;
    int n = pitch > 0 ? (int)((text + pitch - 1) / pitch) : 1;
    return n > 1 ? n : 1;
}

/* The first line takes the top padding, the last the rest of the row. */
static pb_fx line_top(const pb_table_geometry *geo, const pb_table_style *style, int r,
                      int l, int n)
{
    if (l <= 0)
        return 0;
    if (l >= n)
        return geo->row_h[r];
    return style->pad_y + l * geo->line_pitch;
}

pb_fx pb_table_line_top(const pb_table_geometry *geo, const pb_table_style *style, int r,
                        int l)
{
    return line_top(geo, style, r, l, pb_table_row_lines(geo, style, r));
}

pb_fx pb_table_row_part(const pb_table_geometry *geo, const pb_table_style *style, int r,
                        int l0, int l1)
{
    int n = pb_table_row_lines(geo, style, r);
    pb_fx h = line_top(geo, style, r, l1, n) - line_top(geo, style, r, l0, n);
    if (l0 > 0)
        h += style->pad_y;
    if (l1 < n)
        h += style->pad_y;
    return h;
}

typedef struct rule_list {
    pb_rule *rules;
    int n, cap;
    pb_arena *arena;
} rule_list;

static void add_rule(rule_list *l, pb_fx x0, pb_fx y0, pb_fx x1, pb_fx y1, pb_fx w)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 32;
        l->rules = pb_arena_grow(l->arena, l->rules, (size_t)l->n, (size_t)cap, sizeof *l->rules);
        l->cap = cap;
    }
    l->rules[l->n++] = (pb_rule){x0, y0, x1, y1, w};
}

/* Rules run from grid line to grid line: the PDF writer strokes them with
 * projecting square caps (half the width past each end), which closes the
 * corners and makes an inner rule end inside the rule it meets. */
/* Checks and normalises a piece's rows: the header rows when `header`,
 * then body rows [r0, r1) from line l0 of r0 to line l1 of r1 - 1 (-1: its
 * end).  False when they are not a piece. */
static bool piece_bounds(const pb_table_grid *grid, const pb_table_geometry *geo,
                         const pb_table_style *style, bool header, int *r0, int *l0, int r1,
                         int *l1, int *n1)
{
    if (header && *r0 < grid->nheader) {
        *r0 = grid->nheader;
        *l0 = 0;
    }
    if (*r0 < 0 || r1 > grid->nrows || *r0 > r1)
        return false;
    *n1 = 0;
    if (*r0 < r1) {
        int n0 = pb_table_row_lines(geo, style, *r0);
        *n1 = pb_table_row_lines(geo, style, r1 - 1);
        if (*l1 < 0)
            *l1 = *n1;
        if (*l0 < 0 || *l0 >= n0 || *l1 > *n1 || *l1 < 1 || (r1 - 1 == *r0 && *l1 <= *l0))
            return false;
    } else {
        *l0 = *l1 = 0;
    }
    return true;
}

/* Where a piece showing the header rows [0, H) and body rows [r0, r1)
 * shows grid row r, top to bottom; -1: not at all. */
static int shown_at(int H, int r0, int r1, int r)
{
    if (r < H)
        return r;
    return r >= r0 && r < r1 ? H + r - r0 : -1;
}

/* The rows a piece shows, top to bottom (show[], nshow = H + r1 - r0), and
 * the tops of the shown rows (y[], nshow + 1 entries, the last the piece's
 * height).  A merged cell cut by the piece's edge is shown again whole
 * with its text, so the part of it the piece shows must hold the text:
 * what it lacks is added to its last shown row.  The work is in the rows
 * shown, whatever the table's length. */
static void piece_rows(const pb_table_grid *grid, const pb_table_geometry *geo,
                       const pb_table_style *style, int H, int r0, int l0, int r1, int l1,
                       int *show, pb_fx *y)
{
    int nshow = H + (r1 - r0), d = 0;
    for (int r = 0; r < H; r++)
        show[d++] = r;
    for (int r = r0; r < r1; r++)
        show[d++] = r;
    y[0] = 0;
    for (int i = 0; i < nshow; i++) {
        int r = show[i];
        pb_fx h = geo->row_h[r];
        if (r >= r0 && (r == r0 || r == r1 - 1))
            h = pb_table_row_part(geo, style, r, r == r0 ? l0 : 0,
                                  r == r1 - 1 ? l1 : pb_table_row_lines(geo, style, r));
        y[i + 1] = y[i] + h;
    }
    if (r0 >= r1)
        return;
    /* the merged cells at the piece's top and bottom rows, narrower first */
    int ncols = grid->ncols, n = 0;
    pb_scratch scratch;
    int *cut = pb_arena_calloc(pb_scratch_begin(&scratch), 2 * (size_t)ncols + 1, sizeof *cut);
    for (int e = 0; e < 2; e++) {
        int r = e == 0 ? r0 : r1 - 1;
        for (int c = 0; c < ncols; c++) {
            int i = grid->owner[r * ncols + c];
            if (grid->cells[i].rowspan < 2)
                continue;
            bool seen = false;
            for (int k = 0; k < n && !seen; k++)
                seen = cut[k] == i;
            if (!seen)
                cut[n++] = i;
        }
    }
    sort_indices(cut, n, grid->cells, true);
    for (int k = 0; k < n; k++) {
        const pb_table_cell *c = &grid->cells[cut[k]];
        int first = c->row > r0 ? c->row : r0;
        int last = c->row + c->rowspan - 1 < r1 - 1 ? c->row + c->rowspan - 1 : r1 - 1;
        int lines = geo->lines[cut[k]] > 1 ? geo->lines[cut[k]] : 1;
        pb_fx need = lines * geo->line_pitch + 2 * style->pad_y;
        int a = shown_at(H, r0, r1, first), z = shown_at(H, r0, r1, last);
        pb_fx shown = y[z + 1] - y[a];
        if (need > shown)
            for (int i = z + 1; i <= nshow; i++)
                y[i] += need - shown;
    }
    pb_scratch_end(&scratch);
}

pb_fx pb_table_piece_height(const pb_table_grid *grid, const pb_table_geometry *geo,
                            const pb_table_style *style, bool header, int r0, int l0, int r1,
                            int l1)
{
    int n1, H = header ? grid->nheader : 0;
    if (!piece_bounds(grid, geo, style, header, &r0, &l0, r1, &l1, &n1))
        return 0;
    int nshow = H + (r1 - r0);
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    int *show = pb_arena_calloc(work, (size_t)nshow + 1, sizeof *show);
    pb_fx *y = pb_arena_calloc(work, (size_t)nshow + 1, sizeof *y);
    piece_rows(grid, geo, style, H, r0, l0, r1, l1, show, y);
    pb_fx h = y[nshow];
    pb_scratch_end(&scratch);
    return h;
}

bool pb_table_piece_make(const pb_table_grid *grid, const pb_table_geometry *geo,
                         const pb_table_style *style, bool header, int r0, int l0,
                         int r1, int l1, pb_arena *arena, pb_table_piece *out)
{
    memset(out, 0, sizeof *out);
    int ncols = grid->ncols, H = header ? grid->nheader : 0, n1;
    if (!piece_bounds(grid, geo, style, header, &r0, &l0, r1, &l1, &n1))
        return false;

    /* the rows shown, top to bottom, and where each grid row is shown */
    int nshow = H + (r1 - r0);
    int *show = pb_arena_calloc(arena, (size_t)nshow + 1, sizeof *show);
    pb_fx *y = pb_arena_calloc(arena, (size_t)nshow + 1, sizeof *y);
    piece_rows(grid, geo, style, H, r0, l0, r1, l1, show, y);
    bool split_top = r0 < r1 && l0 > 0, split_bottom = r0 < r1 && l1 < n1;
    out->width = geo->col_x[ncols];
    out->height = y[nshow];

    /* boxes: each cell with a shown row once, clipped to its shown rows,
     * in the grid's cell order; found through the shown rows (a cell is
     * new where the shown row above it has another), so a long table's
     * pages do not each look at every cell of the table */
    pb_scratch scratch;
    int *found = pb_arena_calloc(pb_scratch_begin(&scratch), (size_t)nshow * (size_t)ncols + 1,
                                 sizeof *found);
    int nfound = 0;
    for (int i = 0; i < nshow; i++)
        for (int c = 0; c < ncols; c++) {
            int cell = grid->owner[show[i] * ncols + c];
            if (grid->cells[cell].col == c &&
                (i == 0 || grid->owner[show[i - 1] * ncols + c] != cell))
                found[nfound++] = cell;
        }
    qsort(found, (size_t)nfound, sizeof *found, cmp_int);
    out->boxes = pb_arena_calloc(arena, (size_t)nfound + 1, sizeof *out->boxes);
    for (int f = 0; f < nfound; f++) {
        int i = found[f];
        if (f > 0 && found[f - 1] == i)
            continue; /* shown again below a break in the shown rows */
        const pb_table_cell *c = &grid->cells[i];
        int first = -1, last = -1;
        for (int r = c->row; r < c->row + c->rowspan; r++) {
            if (shown_at(H, r0, r1, r) < 0)
                continue;
            if (first < 0)
                first = r;
            last = r;
        }
        pb_table_box *b = &out->boxes[out->nboxes++];
        b->cell = i;
        b->x = geo->col_x[c->col];
        b->w = geo->col_x[c->col + c->colspan] - b->x;
        b->y = y[shown_at(H, r0, r1, first)];
        b->h = y[shown_at(H, r0, r1, last) + 1] - b->y;
        b->cut_top = first > c->row || (first == r0 && split_top);
        b->cut_bottom = last < c->row + c->rowspan - 1 || (last == r1 - 1 && split_bottom);
        b->l0 = 0;
        b->l1 = geo->lines[i];
        if (c->rowspan == 1 && ((c->row == r0 && split_top) || (c->row == r1 - 1 && split_bottom))) {
            /* the lines of the split row shown here; a cell whose text has
             * run out shows none */
            b->split = true;
            int a = c->row == r0 ? l0 : 0, e = c->row == r1 - 1 ? l1 : geo->lines[i];
            b->l0 = a < geo->lines[i] ? a : geo->lines[i];
            b->l1 = e < geo->lines[i] ? e : geo->lines[i];
        }
    }
    pb_scratch_end(&scratch);

    /* who owns each shown position: a cell cut by the page is one box */
    rule_list rl = {.arena = arena};
    const int *own = grid->owner;
    pb_fx inner = style->inner_rule, outer = style->outer_rule;
    if (nshow > 0) {
        /* horizontal inner lines between shown rows, joined along the line */
        for (int i = 1; i < nshow; i++) {
            const int *up = &own[show[i - 1] * ncols], *dn = &own[show[i] * ncols];
            for (int c = 0; c < ncols;) {
                if (up[c] == dn[c]) {
                    c++;
                    continue;
                }
                int e = c;
                while (e < ncols && up[e] != dn[e])
                    e++;
                add_rule(&rl, geo->col_x[c], y[i], geo->col_x[e], y[i], inner);
                c = e;
            }
        }
        /* vertical inner lines between columns, joined down the line */
        for (int c = 1; c < ncols; c++) {
            for (int i = 0; i < nshow;) {
                const int *row = &own[show[i] * ncols];
                if (row[c - 1] == row[c]) {
                    i++;
                    continue;
                }
                int e = i;
                while (e < nshow && own[show[e] * ncols + c - 1] != own[show[e] * ncols + c])
                    e++;
                add_rule(&rl, geo->col_x[c], y[i], geo->col_x[c], y[e], inner);
                i = e;
            }
        }
        /* the border, also where a page break cuts the table */
        add_rule(&rl, 0, 0, out->width, 0, outer);
        add_rule(&rl, 0, out->height, out->width, out->height, outer);
        add_rule(&rl, 0, 0, 0, out->height, outer);
        add_rule(&rl, out->width, 0, out->width, out->height, outer);
    }
    out->rules = rl.rules;
    out->nrules = rl.n;
    return true;
}
