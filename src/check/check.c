/* Running the compiled rules on a report: every check in every column or
 * row it applies to, on every table block of its template.
 *
 * Blank cells: blank is never printed as 0, and a blank cell is a number
 * the report does not give.  A check whose cells are all blank is "not
 * reported" (rows a body leaves empty, such as （五）3 of table 三, are
 * common and not an error).  A check with blank and filled cells reads the
 * blanks as 0, so a blank total beside parts that add up to 11 is a
 * violation, and organisation columns left blank for "none" pass when the
 * total equals the filled parts.  --strict makes every blank cell a check
 * reads a finding. */
#include <string.h>

#include "check/check_internal.h"

typedef struct eval {
    const cinst *in;
    const pb_block *blk, *pblk;
} eval;

static bool is_blank(const pb_value *v)
{
    return v->kind == PB_VALUE_BLANK;
}

/* The sum of the cells of a reference, blank cells read as 0. */
static bool ref_value(void *ctx, const pb_expr *ref, pb_dec *out)
{
    const eval *x = ctx;
    const cref *cr = &x->in->refs[ref->index];
    const pb_block *b = ref->prev ? x->pblk : x->blk;
    pb_dec sum = {0, 0};
    for (int i = 0; i < cr->n; i++) {
        const pb_value *v = &b->values[cr->slots[i]];
        if (!is_blank(v) && !pb_dec_add(sum, (pb_dec){v->number, v->scale}, &sum))
            return false;
    }
    *out = sum;
    return true;
}

pb_finding *check_add_finding(run *x, pb_finding f)
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
    else if (f.level == PB_FINDING_MISSING)
        o->missing++;
    else if (f.level == PB_FINDING_BLANK)
        o->blank++;
    o->items[o->count] = f;
    return &o->items[o->count++];
}

/* The labels of slot s of tl's template, made once per run. */
static const cell_labels *labels_of(run *x, const tlabels *tl, int s)
{
    label_cache *c = x->labels;
    while (c && c->t != tl->t)
        c = c->next;
    if (!c) {
        c = pb_arena_calloc(x->a, 1, sizeof *c);
        c->t = tl->t;
        c->cells = pb_arena_calloc(x->a, (size_t)tl->nslots + 1, sizeof *c->cells);
        c->next = x->labels;
        x->labels = c;
    }
    cell_labels *l = &c->cells[s];
    if (!l->made) {
        const pb_value_slot *sl = &tl->slots[s];
        l->row = check_row_label(x->a, tl->t, sl->row);
        l->column = check_column_label(x->a, tl->t, sl);
        l->label = check_cell_label(x->a, tl, s);
        l->made = true;
    }
    return l;
}

pb_finding_cell check_make_cell(run *x, const pb_report *rep, const pb_block *blk,
                                const tlabels *tl, int s, bool prev, const cinst *in)
{
    const pb_value_slot *sl = &tl->slots[s];
    const pb_value *v = &blk->values[s];
    const char *pre = prev ? "prev." : "";
    const char *name = pb_arena_printf(x->a, "%s%s.%s", pre, sl->row->id, sl->cell_id);
    const char *short_name = name;
    const cell_labels *labels = labels_of(x, tl, s);
    if (in && in->row && sl->row == in->row)
        short_name = pb_arena_printf(x->a, "%s%s", pre, sl->cell_id);
    else if (in && !in->row && in->scope && !strcmp(sl->cell_id, in->scope))
        short_name = pb_arena_printf(x->a, "%s%s", pre, sl->row->id);
    return (pb_finding_cell){
        .name = name,
        .table = tl->t->id,
        .row = sl->row->id,
        .cell = sl->cell_id,
        .short_name = short_name,
        .row_label = labels->row,
        .column_label = labels->column,
        .label = labels->label,
        .row_short = tl->row_short[s],
        .column_short = tl->column_short[s],
        .value = v,
        .file = rep->file,
        .path = v->path ? v->path
                        : pb_arena_printf(x->a, "%s.values.%s.%s", blk->path, sl->row->id,
                                          sl->cell_id),
        .previous = prev,
    };
}

void check_push_cell(run *x, pb_finding *f, int *cap, pb_finding_cell c)
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
            if (only_blank && !is_blank(&b->values[s]))
                continue;
            check_push_cell(x, f, &cap,
                      check_make_cell(x, prev ? x->previous : x->report, b, r->tl, s, prev, in));
        }
    }
}

/* Marks the references under e (by index). */
static void mark_refs(const pb_expr *e, bool *mark)
{
    if (!e)
        return;
    if (e->kind == PB_EX_REF) {
        mark[e->index] = true;
        return;
    }
    mark_refs(e->a, mark);
    mark_refs(e->b, mark);
}

/* How a cell is named in a sentence about its check: by the label that
 * varies in the rule's scope (the column in a per-row rule, the row in a
 * per-column rule), else by both; last year's cells say so. */
static const char *scoped_label(run *x, const pb_finding_cell *c)
{
    const char *l = x->r->rule->scope == PB_SCOPE_ROWS && *c->column_short ? c->column_short
                    : x->r->rule->scope == PB_SCOPE_COLUMNS && *c->row_short ? c->row_short
                                                                            : c->label;
    return c->previous ? pb_arena_printf(x->a, "上年报告的%s", l) : l;
}

/* The blank side of a violation in the words of the report: "总计为空，
 * 其各项之和为 11".  NULL unless one side is all blank and the other not. */
static const char *blank_note(run *x, const ccheck *cc, const cinst *in, const pb_finding *f)
{
    const pb_assertion *as = cc->as;
    bool *left = pb_arena_calloc(x->a, (size_t)as->nrefs + 1, sizeof *left);
    mark_refs(as->left, left);
    int cells[2] = {0, 0}, blanks[2] = {0, 0};
    const char *names[2] = {"", ""};
    for (int j = 0; j < as->nrefs; j++) {
        int side = left[j] ? 0 : 1;
        const pb_block *b = as->refs[j]->prev ? x->pblk : x->blk;
        for (int k = 0; k < in->refs[j].n; k++) {
            int s = in->refs[j].slots[k];
            cells[side]++;
            blanks[side] += is_blank(&b->values[s]);
            if (names[side][0] && side == 1)
                continue; /* the right side is named only when it is one cell */
            pb_finding_cell c = check_make_cell(x, as->refs[j]->prev ? x->previous : x->report, b,
                                          x->r->tl, s, as->refs[j]->prev, in);
            names[side] = pb_arena_printf(x->a, "%s%s%s", names[side], *names[side] ? "、" : "",
                                          scoped_label(x, &c));
        }
    }
    char e[24], g[24];
    pb_dec_format(f->expected, e);
    pb_dec_format(f->actual, g);
    bool one_left = cells[0] == 1, one_right = as->right->kind == PB_EX_REF && cells[1] == 1;
    if (cells[0] && blanks[0] == cells[0] && blanks[1] < cells[1]) {
        if (!one_left)
            return pb_arena_printf(x->a, "%s均为空，其和应为 %s", names[0], e);
        return one_right ? pb_arena_printf(x->a, "%s为空，%s为 %s", names[0], names[1], e)
                         : pb_arena_printf(x->a, "%s为空，其各项之和为 %s", names[0], e);
    }
    if (cells[1] && blanks[1] == cells[1] && blanks[0] < cells[0]) {
        if (one_right)
            return pb_arena_printf(x->a, "%s为空，%s为 %s", names[1], names[0], g);
        return one_left ? pb_arena_printf(x->a, "%s为 %s，其各项均为空", names[0], g)
                        : pb_arena_printf(x->a, "%s之和为 %s，等式右边各项均为空", names[0], g);
    }
    return NULL;
}

static const char *scope_label(run *x, const cinst *in)
{
    const tlabels *tl = x->r->tl;
    if (x->r->rule->scope == PB_SCOPE_ROWS) {
        /* a row without a label: its place among the data rows, and nothing
           when it is the only one (table 四) */
        int nth = 0, rows = 0;
        const char *label = NULL;
        for (int i = 0; i < tl->nslots; i++) {
            if (i > 0 && tl->slots[i].row == tl->slots[i - 1].row)
                continue;
            rows++;
            if (tl->slots[i].row == in->row) {
                nth = rows;
                label = tl->row_short[i];
            }
        }
        if (label && *label)
            return label;
        return rows > 1 ? pb_arena_printf(x->a, "%d", nth) : NULL;
    } else if (x->r->rule->scope == PB_SCOPE_COLUMNS) {
        for (int i = 0; i < tl->nslots; i++)
            if (!strcmp(tl->slots[i].cell_id, in->scope) &&
                !strcmp(tl->t->columns[tl->slots[i].col].id, in->scope))
                return tl->column_short[i];
    }
    return in->scope;
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
        .scope_label = in->scope ? scope_label(x, in) : NULL,
        .file = x->report->file,
        .op = cc->as->op,
        .tolerance = {rule->tolerance, rule->tolerance_scale},
    };
    int cells = 0, blanks = 0;
    for (int j = 0; j < cc->as->nrefs; j++) {
        const pb_block *b = cc->as->refs[j]->prev ? x->pblk : x->blk;
        for (int k = 0; k < in->refs[j].n; k++) {
            cells++;
            blanks += is_blank(&b->values[in->refs[j].slots[k]]);
        }
    }
    f.nblank = blanks;
    f.all_blank = blanks == cells;
    if (blanks && blanks == cells && !x->opt->strict) {
        /* nothing reported: one line in check, silence in render */
        f.level = PB_FINDING_BLANK;
        collect_cells(x, cc, in, &f, true);
        f.file = f.cells[0].file;
        f.path = f.cells[0].path;
        f.cells = NULL;
        f.ncells = 0;
        check_add_finding(x, f);
        return;
    }
    eval ev = {in, x->blk, x->pblk};
    int cmp = 0;
    bool ok = pb_expr_eval(cc->as->left, ref_value, &ev, &f.actual) &&
              pb_expr_eval(cc->as->right, ref_value, &ev, &f.expected) &&
              pb_dec_cmp(f.actual, f.expected, f.tolerance, &cmp);
    if (ok && pb_cmp_holds(cc->as->op, cmp)) {
        if (!blanks || !x->opt->strict)
            return;
        f.level = PB_FINDING_MISSING;
        collect_cells(x, cc, in, &f, true);
        f.file = f.cells[0].file;
        f.path = f.cells[0].path;
        check_add_finding(x, f);
        return;
    }
    f.level = PB_FINDING_VIOLATION;
    f.overflow = !ok;
    if (ok && blanks)
        f.blank_note = blank_note(x, cc, in, &f);
    collect_cells(x, cc, in, &f, false);
    /* the first cell named: on the left side, where a total usually is */
    if (f.ncells) {
        f.file = f.cells[0].file;
        f.path = f.cells[0].path;
    }
    check_add_finding(x, f);
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
                check_add_finding(x, (pb_finding){
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

/* The labels of a template: the layout's are made once with the rules. */
const tlabels *check_labels_of(const pb_ruleset *rules, const pb_table_template *t,
                               pb_arena *a)
{
    for (int i = 0; rules && i < rules->layout->ntables; i++)
        if (&rules->layout->tables[i] == t)
            return rules->tables[i];
    return check_labels(a, t);
}

bool pb_check_run(const pb_ruleset *rules, const pb_report *report, const pb_report *previous,
                  const pb_check_options *opt, pb_arena *arena, pb_findings *out,
                  pb_diag *diag)
{
    static const pb_check_options defaults = {0};
    *out = (pb_findings){.report = report->file, .previous = previous ? previous->file : NULL};
    run x = {.a = arena, .out = out, .report = report, .previous = previous,
             .opt = opt ? opt : &defaults, .rules = rules};
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
        if (!is_blank(&blk->values[ref->slot]))
            continue;
        pb_finding f = {
            .level = PB_FINDING_MISSING,
            .reference = ref->text,
            .file = report->file,
            .path = ref->path,
        };
        int cap = 0;
        check_push_cell(&x, &f, &cap,
                        check_make_cell(&x, report, blk,
                                        check_labels_of(rules, blk->table, arena), ref->slot,
                                        false, NULL));
        check_add_finding(&x, f);
    }
    /* the numbers the text prints itself */
    return check_text(&x, diag);
}
