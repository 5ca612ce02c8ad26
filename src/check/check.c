/* Running the compiled rules on a report: every check in every column or
 * row it applies to, on every table block of its template.  A blank cell
 * is never taken as 0: the check is then undecided and its blank cells are
 * reported as missing. */
#include <string.h>

#include "check/check_internal.h"

#define MAX_DEPTH 64 /* JSON nesting allows no deeper row or header trees */

/* ---- labels ------------------------------------------------------------------ */

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

const char *check_row_label(pb_arena *a, const pb_table_template *t, const pb_row_node *row)
{
    const pb_row_node *chain[MAX_DEPTH];
    int len = 0;
    if (!row_chain(t->rows, t->nrows, row, chain, 0, &len))
        return "";
    const char *s = "";
    for (int i = 0; i < len; i++)
        if (chain[i]->label)
            s = pb_arena_printf(a, "%s%s%s", s, *s ? " / " : "", chain[i]->label);
    return s;
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

const char *check_column_label(pb_arena *a, const pb_table_template *t,
                               const pb_value_slot *slot)
{
    const char *texts[MAX_DEPTH];
    int len = 0;
    if (header_chain(t->header, t->nheader, slot->col, texts, 0, &len)) {
        const char *s = "";
        for (int i = 0; i < len; i++)
            if (texts[i])
                s = pb_arena_printf(a, "%s%s%s", s, *s ? " / " : "", texts[i]);
        return s;
    }
    /* no header: the heading row above names the columns (table 二) */
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

/* ---- evaluation ---------------------------------------------------------------- */

typedef struct run {
    pb_arena *a;
    pb_findings *out;
    int cap;
    const pb_report *report, *previous;
    const crule *r;
    const pb_block *blk, *pblk;
} run;

typedef struct eval {
    const cinst *in;
    const pb_block *blk, *pblk;
} eval;

static bool ref_value(void *ctx, const pb_expr *ref, pb_dec *out)
{
    const eval *x = ctx;
    const cref *cr = &x->in->refs[ref->index];
    const pb_block *b = ref->prev ? x->pblk : x->blk;
    pb_dec sum = {0, 0};
    for (int i = 0; i < cr->n; i++) {
        const pb_value *v = &b->values[cr->slots[i]];
        if (!pb_dec_add(sum, (pb_dec){v->number, v->scale}, &sum))
            return false;
    }
    *out = sum;
    return true;
}

static pb_finding *add_finding(run *x, pb_finding f)
{
    pb_findings *o = x->out;
    if (o->count == x->cap) {
        int cap = x->cap ? x->cap * 2 : 16;
        o->items = pb_arena_grow(x->a, o->items, (size_t)o->count, (size_t)cap,
                                 sizeof *o->items);
        x->cap = cap;
    }
    if (f.level == PB_FINDING_VIOLATION)
        o->violations++;
    else
        o->missing++;
    o->items[o->count] = f;
    return &o->items[o->count++];
}

static pb_finding_cell make_cell(run *x, const pb_report *rep, const pb_block *blk,
                                 const pb_table_template *t, const pb_value_slot *slots,
                                 int s, bool prev, const cinst *in)
{
    const pb_value_slot *sl = &slots[s];
    const pb_value *v = &blk->values[s];
    const char *pre = prev ? "prev." : "";
    const char *name = pb_arena_printf(x->a, "%s%s.%s", pre, sl->row->id, sl->cell_id);
    const char *short_name = name;
    if (in && in->row && sl->row == in->row)
        short_name = pb_arena_printf(x->a, "%s%s", pre, sl->cell_id);
    else if (in && !in->row && in->scope && !strcmp(sl->cell_id, in->scope))
        short_name = pb_arena_printf(x->a, "%s%s", pre, sl->row->id);
    return (pb_finding_cell){
        .name = name,
        .row = sl->row->id,
        .cell = sl->cell_id,
        .short_name = short_name,
        .row_label = check_row_label(x->a, t, sl->row),
        .column_label = check_column_label(x->a, t, sl),
        .value = v,
        .file = rep->file,
        .path = v->path ? v->path
                        : pb_arena_printf(x->a, "%s.values.%s.%s", blk->path, sl->row->id,
                                          sl->cell_id),
        .previous = prev,
    };
}

static void push_cell(run *x, pb_finding *f, int *cap, pb_finding_cell c)
{
    if (f->ncells == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        f->cells = pb_arena_grow(x->a, f->cells, (size_t)f->ncells, (size_t)nc,
                                 sizeof *f->cells);
        *cap = nc;
    }
    f->cells[f->ncells++] = c;
}

/* Adds the cells of the instance to f: all of them, or only the blank
 * ones; each cell once. */
static void collect_cells(run *x, const ccheck *cc, const cinst *in, pb_finding *f,
                          bool only_blank)
{
    const crule *r = x->r;
    int n = 0;
    for (int j = 0; j < cc->as->nrefs; j++)
        n += in->refs[j].n;
    int *seen = pb_arena_calloc(x->a, (size_t)n + 1, sizeof *seen);
    int nseen = 0, cap = 0;
    for (int j = 0; j < cc->as->nrefs; j++) {
        bool prev = cc->as->refs[j]->prev;
        const pb_block *b = prev ? x->pblk : x->blk;
        for (int k = 0; k < in->refs[j].n; k++) {
            int s = in->refs[j].slots[k];
            int key = prev ? -1 - s : s;
            bool dup = false;
            for (int i = 0; i < nseen && !dup; i++)
                dup = seen[i] == key;
            if (dup)
                continue;
            seen[nseen++] = key;
            if (only_blank && b->values[s].kind != PB_VALUE_BLANK)
                continue;
            push_cell(x, f, &cap,
                      make_cell(x, prev ? x->previous : x->report, b, r->t, r->slots, s, prev,
                                in));
        }
    }
}

static void check_instance(run *x, const ccheck *cc, const cinst *in)
{
    const pb_table_rule *rule = x->r->rule;
    pb_finding f = {
        .rule = rule,
        .check = cc->src->source,
        .check_path = cc->src->path,
        .layout = cc->src->file,
        .scope_kind = rule->scope == PB_SCOPE_COLUMNS ? "column"
                      : rule->scope == PB_SCOPE_ROWS  ? "row"
                                                      : NULL,
        .scope = in->scope,
        .file = x->report->file,
        .op = cc->as->op,
        .tolerance = {rule->tolerance, rule->tolerance_scale},
    };
    bool blank = false;
    for (int j = 0; j < cc->as->nrefs && !blank; j++) {
        const pb_block *b = cc->as->refs[j]->prev ? x->pblk : x->blk;
        for (int k = 0; k < in->refs[j].n && !blank; k++)
            blank = b->values[in->refs[j].slots[k]].kind == PB_VALUE_BLANK;
    }
    if (blank) {
        f.level = PB_FINDING_MISSING;
        collect_cells(x, cc, in, &f, true);
        f.file = f.cells[0].file;
        f.path = f.cells[0].path;
        add_finding(x, f);
        return;
    }
    eval ev = {in, x->blk, x->pblk};
    int cmp = 0;
    bool ok = pb_expr_eval(cc->as->left, ref_value, &ev, &f.actual) &&
              pb_expr_eval(cc->as->right, ref_value, &ev, &f.expected) &&
              pb_dec_cmp(f.actual, f.expected, f.tolerance, &cmp);
    if (ok && pb_cmp_holds(cc->as->op, cmp))
        return;
    f.level = PB_FINDING_VIOLATION;
    f.overflow = !ok;
    collect_cells(x, cc, in, &f, false);
    /* the first cell named: on the left side, where a total usually is */
    if (f.ncells) {
        f.file = f.cells[0].file;
        f.path = f.cells[0].path;
    }
    add_finding(x, f);
}

static const pb_block *first_table(const pb_report *rep, const crule *r)
{
    for (int b = 0; rep && b < rep->nblocks; b++) {
        const pb_block *blk = &rep->blocks[b];
        if (blk->kind == PB_BLOCK_TABLE && blk->table == r->t && blk->values)
            return blk;
    }
    return NULL;
}

static void check_block(run *x)
{
    const crule *r = x->r;
    bool noted = false;
    x->pblk = first_table(x->previous, r);
    for (int k = 0; k < r->nchecks; k++) {
        const ccheck *cc = &r->checks[k];
        if (!cc->as)
            continue;
        if (cc->as->uses_prev && !x->previous)
            continue;
        if (cc->as->uses_prev && !x->pblk) {
            if (!noted)
                add_finding(x, (pb_finding){
                                   .level = PB_FINDING_MISSING,
                                   .rule = r->rule,
                                   .layout = r->rule->source,
                                   .file = x->previous->file,
                                   .note = pb_arena_printf(x->a, "the previous year's report "
                                                           "has no table \"%s\"", r->t->id),
                               });
            noted = true;
            continue;
        }
        for (int i = 0; i < cc->ninst; i++) {
            x->out->checks++;
            check_instance(x, cc, &cc->inst[i]);
        }
    }
}

static bool applies(const crule *r, const pb_report *previous)
{
    for (int k = 0; k < r->nchecks; k++)
        if (r->checks[k].as && (previous || !r->checks[k].as->uses_prev))
            return true;
    return false;
}

void pb_check_run(const pb_ruleset *rules, const pb_report *report, const pb_report *previous,
                  pb_arena *arena, pb_findings *out)
{
    *out = (pb_findings){.report = report->file, .previous = previous ? previous->file : NULL};
    run x = {.a = arena, .out = out, .report = report, .previous = previous};
    for (int i = 0; rules && i < rules->nrules; i++) {
        x.r = &rules->rules[i];
        if (!applies(x.r, previous))
            continue;
        /* rules apply to the tables a report has: a report may use the
           layout's page design with tables of its own */
        for (int b = 0; b < report->nblocks; b++) {
            const pb_block *blk = &report->blocks[b];
            if (blk->kind != PB_BLOCK_TABLE || blk->table != x.r->t || !blk->values)
                continue;
            x.blk = blk;
            check_block(&x);
        }
    }
    /* references in the text to blank cells */
    for (int i = 0; i < report->nrefs; i++) {
        const pb_cell_ref *ref = &report->refs[i];
        const pb_block *blk = &report->blocks[ref->block];
        if (blk->values[ref->slot].kind != PB_VALUE_BLANK)
            continue;
        const pb_table_template *t = blk->table;
        int n = pb_table_value_slots(t, NULL);
        pb_value_slot *slots = pb_arena_calloc(arena, (size_t)n + 1, sizeof *slots);
        pb_table_value_slots(t, slots);
        pb_finding f = {
            .level = PB_FINDING_MISSING,
            .reference = ref->text,
            .file = report->file,
            .path = ref->path,
        };
        int cap = 0;
        push_cell(&x, &f, &cap, make_cell(&x, report, blk, t, slots, ref->slot, false, NULL));
        add_finding(&x, f);
    }
}
