/* Compiling a layout's rules: parse each check, then resolve its names in
 * the rule's table for every column, row or single application of the
 * rule, so that evaluating a report is only adding up cells. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/suggest.h"
#include "check/check_internal.h"

typedef struct names {
    const char **v;
    int n, cap;
} names;

typedef struct comp {
    pb_arena *a;
    pb_diag *diag;
    const pb_table_rule *rule;
    const pb_table_template *t;
    const tlabels *tl;
    const pb_value_slot *slots; /* tl's */
    int nslots;
    pb_rule_scope scope;
    /* where a name that does not resolve is reported */
    pb_status status;
    const char *err_file, *err_path;
    const char *err_prefix;   /* "{{2 = ...}}: " for the text's, or "" */
    int err_offset;           /* characters before the expression */
} comp;

static void add_name(pb_arena *a, names *ns, const char *s)
{
    for (int i = 0; i < ns->n; i++)
        if (!strcmp(ns->v[i], s))
            return;
    if (ns->n == ns->cap) {
        int cap = ns->cap ? ns->cap * 2 : 16;
        ns->v = pb_arena_grow(a, ns->v, (size_t)ns->n, (size_t)cap, sizeof *ns->v);
        ns->cap = cap;
    }
    ns->v[ns->n++] = s;
}

/* ---- suggestions ----------------------------------------------------------- */

const char *check_suggest(const char *word, const char *const *list, int n)
{
    return pb_suggest(word, list, n);
}

static const char *hint(pb_arena *a, const char *word, const names *ns)
{
    const char *h = check_suggest(word, ns->v, ns->n);
    return h ? pb_arena_printf(a, " (did you mean \"%s\"?)", h) : "";
}

/* ---- the template ------------------------------------------------------------ */

static const pb_row_node *find_row(const pb_row_node *rows, int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (rows[i].kind != PB_ROW_BAND && rows[i].kind != PB_ROW_HEADING && rows[i].id &&
            !strcmp(rows[i].id, id))
            return &rows[i];
        const pb_row_node *r = find_row(rows[i].children, rows[i].nchildren, id);
        if (r)
            return r;
    }
    return NULL;
}

static void data_rows(pb_arena *a, const pb_row_node *r, const pb_row_node ***out, int *n,
                      int *cap)
{
    if (r->kind == PB_ROW_GROUP) {
        for (int i = 0; i < r->nchildren; i++)
            data_rows(a, &r->children[i], out, n, cap);
        return;
    }
    if (r->kind != PB_ROW_DATA)
        return;
    if (*n == *cap) {
        int c = *cap ? *cap * 2 : 16;
        *out = pb_arena_grow(a, *out, (size_t)*n, (size_t)c, sizeof **out);
        *cap = c;
    }
    (*out)[(*n)++] = r;
}

static void row_names(pb_arena *a, const pb_row_node *rows, int n, names *ns)
{
    for (int i = 0; i < n; i++) {
        if ((rows[i].kind == PB_ROW_DATA || rows[i].kind == PB_ROW_GROUP) && rows[i].id)
            add_name(a, ns, rows[i].id);
        row_names(a, rows[i].children, rows[i].nchildren, ns);
    }
}

static const pb_header_node *find_group(const pb_header_node *h, int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (h[i].id && !strcmp(h[i].id, id))
            return &h[i];
        const pb_header_node *g = find_group(h[i].children, h[i].nchildren, id);
        if (g)
            return g;
    }
    return NULL;
}

static void group_names(pb_arena *a, const pb_header_node *h, int n, names *ns)
{
    for (int i = 0; i < n; i++) {
        if (h[i].id)
            add_name(a, ns, h[i].id);
        group_names(a, h[i].children, h[i].nchildren, ns);
    }
}

/* the ids of the value columns under a header node, left to right */
static void group_columns(pb_arena *a, const pb_table_template *t, const pb_header_node *h,
                          names *ns)
{
    if (!h->nchildren) {
        if (h->col >= 0 && h->col < t->ncolumns)
            add_name(a, ns, t->columns[h->col].id);
        return;
    }
    for (int i = 0; i < h->nchildren; i++)
        group_columns(a, t, &h->children[i], ns);
}

static int column_of(const pb_table_template *t, const char *id)
{
    for (int i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].id, id))
            return i;
    return -1;
}

static int slot_of(const comp *c, const pb_row_node *row, const char *cell)
{
    for (int i = 0; i < c->nslots; i++)
        if (c->slots[i].row == row && !strcmp(c->slots[i].cell_id, cell))
            return i;
    return -1;
}

static void cell_names(const comp *c, const pb_row_node *row, names *ns)
{
    for (int i = 0; i < c->nslots; i++)
        if (c->slots[i].row == row)
            add_name(c->a, ns, c->slots[i].cell_id);
}

/* ---- resolving names ----------------------------------------------------------- */

/* Errors of one check: "character N: ...", at the check's path (for the
 * text's expressions: at the string's, after what is written). */
static void ref_error(comp *c, const pb_expr *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ref_error(comp *c, const pb_expr *e, const char *fmt, ...)
{
    char body[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    pb_diag_error(c->diag, c->status, c->err_file, c->err_path, "%scharacter %d: %s",
                  c->err_prefix, c->err_offset + e->pos, body);
}

/* The data rows a row name stands for; NULL after an error. */
static const pb_row_node **rows_named(comp *c, const pb_expr *e,
                                      const char *name, int *n)
{
    const pb_row_node *r = find_row(c->t->rows, c->t->nrows, name);
    *n = 0;
    if (!r) {
        names ns = {0};
        row_names(c->a, c->t->rows, c->t->nrows, &ns);
        const char *also = "";
        if (column_of(c->t, name) >= 0 || find_group(c->t->header, c->t->nheader, name))
            also = pb_arena_printf(c->a, " (\"%s\" is a column%s: name the row first, "
                                   "ROW.%s)", name,
                                   column_of(c->t, name) >= 0 ? "" : " group", name);
        ref_error(c, e, "no row \"%s\" in table \"%s\"%s", name, c->t->id,
                  *also ? also : hint(c->a, name, &ns));
        return NULL;
    }
    if (r->kind == PB_ROW_GROUP && !e->in_sum) {
        ref_error(c, e, "\"%s\" is a row group: write sum(%s) for the sum of its rows",
                  name, e->text);
        return NULL;
    }
    const pb_row_node **out = NULL;
    int cap = 0;
    data_rows(c->a, r, &out, n, &cap);
    return out;
}

/* The cell ids a cell name stands for in `row`; NULL after an error. */
static const char **cells_named(comp *c, const pb_expr *e,
                                const pb_row_node *row, const char *name, int *n)
{
    *n = 0;
    names ns = {0};
    if (slot_of(c, row, name) >= 0) {
        add_name(c->a, &ns, name);
    } else {
        const pb_header_node *g = find_group(c->t->header, c->t->nheader, name);
        if (!g) {
            names known = {0};
            cell_names(c, row, &known);
            group_names(c->a, c->t->header, c->t->nheader, &known);
            const pb_row_node *r = find_row(c->t->rows, c->t->nrows, name);
            const char *also =
                !r ? hint(c->a, name, &known)
                : r->kind == PB_ROW_GROUP
                    ? pb_arena_printf(c->a, " (\"%s\" is a row group: sum(%s.CELL))", name, name)
                    : pb_arena_printf(c->a, " (\"%s\" is a row: name it first, %s.CELL)", name,
                                      name);
            ref_error(c, e, "row \"%s\" has no cell \"%s\"%s", row->id, name, also);
            return NULL;
        }
        if (!e->in_sum) {
            ref_error(c, e, "\"%s\" is a column group: write sum(%s) for the sum of its "
                      "cells", name, e->text);
            return NULL;
        }
        group_columns(c->a, c->t, g, &ns);
        for (int i = 0; i < ns.n; i++) {
            if (slot_of(c, row, ns.v[i]) < 0) {
                ref_error(c, e, "row \"%s\" has no cell \"%s\" (a column of group "
                          "\"%s\")", row->id, ns.v[i], name);
                return NULL;
            }
        }
    }
    *n = ns.n;
    return ns.v;
}

static bool add_slot(comp *c, const pb_expr *e, cref *out,
                     const pb_row_node *row, const char *cell, int *cap)
{
    int s = slot_of(c, row, cell);
    if (s < 0) {
        ref_error(c, e, "row \"%s\" has no cell \"%s\"", row->id, cell);
        return false;
    }
    if (c->slots[s].format == PB_FMT_TEXT) {
        ref_error(c, e, "%s.%s is a text cell: rules add up numbers", row->id, cell);
        return false;
    }
    if (out->n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        out->slots = pb_arena_grow(c->a, out->slots, (size_t)out->n, (size_t)nc,
                                   sizeof *out->slots);
        *cap = nc;
    }
    out->slots[out->n++] = s;
    return true;
}

/* Resolves one reference in one instance; false after an error. */
static bool resolve(comp *c, const pb_expr *e, const cinst *in,
                    cref *out)
{
    int cap = 0;
    *out = (cref){0};
    if (e->name2) {
        int nr, nc;
        const pb_row_node **rows = rows_named(c, e, e->name1, &nr);
        if (!rows)
            return false;
        for (int i = 0; i < nr; i++) {
            const char **cells = cells_named(c, e, rows[i], e->name2, &nc);
            if (!cells)
                return false;
            for (int k = 0; k < nc; k++)
                if (!add_slot(c, e, out, rows[i], cells[k], &cap))
                    return false;
        }
        return true;
    }
    if (c->scope == PB_SCOPE_ONCE) {
        ref_error(c, e, "\"%s\" needs its row and cell, ROW.CELL (the rule has no "
                  "\"per_column\" or \"per_row\")", e->text);
        return false;
    }
    if (c->scope == PB_SCOPE_COLUMNS) {
        int nr;
        const pb_row_node **rows = rows_named(c, e, e->name1, &nr);
        if (!rows)
            return false;
        for (int i = 0; i < nr; i++) {
            if (slot_of(c, rows[i], in->scope) < 0) {
                ref_error(c, e, "row \"%s\" has no cell \"%s\" (the rule applies to "
                          "column \"%s\")", rows[i]->id, in->scope, in->scope);
                return false;
            }
            if (!add_slot(c, e, out, rows[i], in->scope, &cap))
                return false;
        }
        return true;
    }
    int nc;
    const char **cells = cells_named(c, e, in->row, e->name1, &nc);
    if (!cells)
        return false;
    for (int k = 0; k < nc; k++)
        if (!add_slot(c, e, out, in->row, cells[k], &cap))
            return false;
    return true;
}

/* ---- scopes ---------------------------------------------------------------------- */

static void target_error(comp *c, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void target_error(comp *c, int i, const char *fmt, ...)
{
    char body[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    pb_diag_error(c->diag, PB_ERR_LAYOUT, c->rule->scope_file, c->rule->target_paths[i], "%s",
                  body);
}

/* The instances of the rule: its columns, its rows, or one. */
static cinst *instances(comp *c, int *n)
{
    const pb_table_rule *r = c->rule;
    const pb_table_template *t = c->t;
    *n = 0;
    if (r->scope == PB_SCOPE_ONCE) {
        *n = 1;
        return pb_arena_calloc(c->a, 1, sizeof(cinst));
    }
    bool ok = true;
    if (r->scope == PB_SCOPE_COLUMNS) {
        names cols = {0};
        if (!r->targets) {
            for (int i = t->nlabel_columns; i < t->ncolumns; i++)
                add_name(c->a, &cols, t->columns[i].id);
        }
        for (int i = 0; i < r->ntargets; i++) {
            const char *id = r->targets[i];
            int k = id ? column_of(t, id) : -1;
            const pb_header_node *g = id ? find_group(t->header, t->nheader, id) : NULL;
            if (!id) {
                ok = false;
            } else if (k >= 0 && t->columns[k].label) {
                target_error(c, i, "\"%s\" is a label column: rules apply to value columns",
                             id);
                ok = false;
            } else if (k >= 0) {
                add_name(c->a, &cols, id);
            } else if (g) {
                group_columns(c->a, t, g, &cols);
            } else {
                names known = {0};
                for (int j = t->nlabel_columns; j < t->ncolumns; j++)
                    add_name(c->a, &known, t->columns[j].id);
                group_names(c->a, t->header, t->nheader, &known);
                target_error(c, i, "no column or column group \"%s\" in table \"%s\"%s", id,
                             t->id, hint(c->a, id, &known));
                ok = false;
            }
        }
        if (!ok)
            return NULL;
        cinst *in = pb_arena_calloc(c->a, (size_t)cols.n + 1, sizeof *in);
        for (int i = 0; i < cols.n; i++)
            in[i].scope = cols.v[i];
        *n = cols.n;
        return in;
    }
    const pb_row_node **rows = NULL;
    int nrows = 0, cap = 0;
    if (!r->targets)
        for (int i = 0; i < t->nrows; i++)
            data_rows(c->a, &t->rows[i], &rows, &nrows, &cap);
    for (int i = 0; i < r->ntargets; i++) {
        const char *id = r->targets[i];
        const pb_row_node *row = id ? find_row(t->rows, t->nrows, id) : NULL;
        if (!id) {
            ok = false;
        } else if (!row) {
            names known = {0};
            row_names(c->a, t->rows, t->nrows, &known);
            target_error(c, i, "no row or row group \"%s\" in table \"%s\"%s", id, t->id,
                         hint(c->a, id, &known));
            ok = false;
        } else {
            const pb_row_node **more = NULL;
            int nmore = 0, capmore = 0;
            data_rows(c->a, row, &more, &nmore, &capmore);
            /* a row listed twice (or inside a group listed too) counts once */
            for (int k = 0; k < nmore; k++) {
                bool seen = false;
                for (int j = 0; j < nrows && !seen; j++)
                    seen = rows[j] == more[k];
                if (!seen)
                    data_rows(c->a, more[k], &rows, &nrows, &cap);
            }
        }
    }
    if (!ok)
        return NULL;
    cinst *in = pb_arena_calloc(c->a, (size_t)nrows + 1, sizeof *in);
    for (int i = 0; i < nrows; i++) {
        in[i].scope = rows[i]->id;
        in[i].row = rows[i];
    }
    *n = nrows;
    return in;
}

static const pb_table_template *template_of(const pb_layout *L, const char *id)
{
    for (int i = 0; i < L->ntables; i++)
        if (id && !strcmp(L->tables[i].id, id))
            return &L->tables[i];
    return NULL;
}

static void compile_rule(comp *c, crule *out)
{
    const pb_table_rule *r = c->rule;
    *out = (crule){.rule = r, .t = c->t, .tl = c->tl};
    int ninst;
    cinst *proto = instances(c, &ninst);
    out->checks = pb_arena_calloc(c->a, (size_t)r->nchecks + 1, sizeof *out->checks);
    out->nchecks = r->nchecks;
    for (int k = 0; k < r->nchecks; k++) {
        const pb_rule_check *ck = &r->checks[k];
        ccheck *cc = &out->checks[k];
        cc->src = ck;
        if (!ck->source)
            continue;
        const char *err;
        int pos;
        c->err_file = ck->file;
        c->err_path = ck->path;
        cc->as = pb_expr_parse(ck->source, c->a, &err, &pos);
        if (!cc->as) {
            pb_diag_error(c->diag, PB_ERR_LAYOUT, ck->file, ck->path, "character %d: %s", pos,
                          err);
            continue;
        }
        if (!proto)
            continue;
        cc->inst = pb_arena_calloc(c->a, (size_t)ninst + 1, sizeof *cc->inst);
        cc->ninst = ninst;
        /* a name that fails is reported once, not for every column */
        bool *failed = pb_arena_calloc(c->a, (size_t)cc->as->nrefs + 1, sizeof *failed);
        for (int i = 0; i < ninst; i++) {
            cc->inst[i] = proto[i];
            cc->inst[i].refs = pb_arena_calloc(c->a, (size_t)cc->as->nrefs + 1, sizeof(cref));
            for (int j = 0; j < cc->as->nrefs; j++)
                if (!failed[j] && !resolve(c, cc->as->refs[j], &cc->inst[i],
                                           &cc->inst[i].refs[j]))
                    failed[j] = true;
        }
    }
}

pb_ruleset *pb_check_compile(const pb_layout *layout, pb_arena *arena, pb_diag *diag)
{
    int before = diag->errors;
    pb_ruleset *rs = pb_arena_calloc(arena, 1, sizeof *rs);
    rs->layout = layout;
    rs->rules = pb_arena_calloc(arena, (size_t)layout->nrules + 1, sizeof *rs->rules);
    rs->tables = pb_arena_calloc(arena, (size_t)layout->ntables + 1, sizeof *rs->tables);
    for (int i = 0; i < layout->ntables; i++)
        rs->tables[i] = check_labels(arena, &layout->tables[i]);
    for (int i = 0; i < layout->nrules; i++) {
        const pb_table_rule *r = &layout->rules[i];
        const pb_table_template *t = template_of(layout, r->table);
        if (!t)
            continue; /* the input stage has said so */
        const tlabels *tl = rs->tables[t - layout->tables];
        comp c = {.a = arena, .diag = diag, .rule = r, .t = t, .tl = tl, .slots = tl->slots,
                  .nslots = tl->nslots, .scope = r->scope, .status = PB_ERR_LAYOUT,
                  .err_prefix = ""};
        compile_rule(&c, &rs->rules[rs->nrules++]);
    }
    check_compile_claims(rs, arena, diag);
    if (diag->errors > before) {
        pb_check_free(rs);
        return NULL;
    }
    return rs;
}

/* ---- the text's expressions ------------------------------------------------------ */

bool check_compile_text(const pb_ruleset *rs, pb_assertion *as, pb_arena *a, pb_diag *diag,
                        const text_where *w, ctext *out)
{
    const pb_layout *L = rs->layout;
    *out = (ctext){.as = as};
    out->tables = pb_arena_calloc(a, (size_t)as->nrefs + 1, sizeof *out->tables);
    out->in.refs = pb_arena_calloc(a, (size_t)as->nrefs + 1, sizeof(cref));
    bool ok = true;
    for (int j = 0; j < as->nrefs; j++) {
        const pb_expr *e = as->refs[j];
        const pb_table_template *t = template_of(L, e->table);
        comp c = {.a = a, .diag = diag, .scope = PB_SCOPE_ONCE, .status = w->status,
                  .err_file = w->file, .err_path = w->path, .err_prefix = w->prefix,
                  .err_offset = w->offset};
        if (!t) {
            names ns = {0};
            for (int i = 0; i < L->ntables; i++)
                add_name(a, &ns, L->tables[i].id);
            ref_error(&c, e, "no table \"%s\" in the layout %s%s", e->table, L->file,
                      hint(a, e->table, &ns));
            ok = false;
            continue;
        }
        const tlabels *tl = rs->tables[t - L->tables];
        c.t = t;
        c.tl = tl;
        c.slots = tl->slots;
        c.nslots = tl->nslots;
        out->tables[j] = tl;
        ok = resolve(&c, e, &out->in, &out->in.refs[j]) && ok;
    }
    return ok;
}
