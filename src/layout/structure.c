#include "layout/structure.h"

#include <string.h>

#include "layout/table.h"

const char *const pb_srole_names[PB_SR_COUNT] = {
    [PB_SR_NONE] = "NonStruct", [PB_SR_DOCUMENT] = "Document", [PB_SR_TITLE] = "Title",
    [PB_SR_H1] = "H1",          [PB_SR_H2] = "H2",             [PB_SR_H3] = "H3",
    [PB_SR_H4] = "H4",          [PB_SR_P] = "P",               [PB_SR_SPAN] = "Span",
    [PB_SR_SIGNATURE] = "Signature", [PB_SR_TABLE] = "Table",  [PB_SR_CAPTION] = "Caption",
    [PB_SR_THEAD] = "THead",    [PB_SR_TBODY] = "TBody",       [PB_SR_TR] = "TR",
    [PB_SR_TH] = "TH",          [PB_SR_TD] = "TD",             [PB_SR_LINK] = "Link",
    [PB_SR_FIGURE] = "Figure",
};

void pb_structure_init(pb_structure *s, pb_arena *arena)
{
    memset(s, 0, sizeof *s);
    s->arena = arena;
    s->count = 1; /* id 0: no element */
    s->cap = 64;
    s->elems = pb_xcalloc((size_t)s->cap, sizeof *s->elems);
    pb_structure_add(s, PB_SR_DOCUMENT, 0);
}

void pb_structure_done(pb_structure *s)
{
    pb_arena_adopt(s->arena, s->elems);
}

/* Room for n elements. */
static void reserve(pb_structure *s, int n)
{
    s->elems = pb_xrealloc(s->elems, (size_t)n * sizeof *s->elems);
    s->cap = n;
}

int pb_structure_add(pb_structure *s, pb_srole role, int parent)
{
    if (s->count == s->cap)
        reserve(s, s->cap * 2);
    int id = s->count++;
    s->elems[id] = (pb_selem){.role = role, .parent = parent, .rowspan = 1, .colspan = 1};
    return id;
}

static bool is_header_cell(const pb_table_cell *c)
{
    return c->kind == PB_CELL_HEADER || c->kind == PB_CELL_GROUP || c->kind == PB_CELL_LABEL ||
           c->kind == PB_CELL_BAND || c->kind == PB_CELL_HEADING;
}

static pb_scope scope_of(const pb_table_cell *c)
{
    return c->kind == PB_CELL_GROUP || c->kind == PB_CELL_LABEL ? PB_SCOPE_ROW : PB_SCOPE_COLUMN;
}

/* A short list of element ids without repeats. */
typedef struct idlist {
    int *ids;
    int n, cap;
} idlist;

static void add_id(pb_arena *a, idlist *l, int id)
{
    for (int i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        l->ids = pb_arena_grow(a, l->ids, (size_t)l->n, (size_t)cap, sizeof *l->ids);
        l->cap = cap;
    }
    l->ids[l->n++] = id;
}

void pb_structure_add_table(pb_structure *s, int table_elem, const pb_table_grid *g,
                            int *cell_elem)
{
    /* room for the table's elements at once */
    int need = s->count + 2 + g->nrows + g->ncells;
    if (need > s->cap)
        reserve(s, need);
    int head = g->nheader > 0 ? pb_structure_add(s, PB_SR_THEAD, table_elem) : 0;
    int body = g->nrows > g->nheader ? pb_structure_add(s, PB_SR_TBODY, table_elem) : 0;
    /* cells are row-major by their top-left position: each row's TR, then
     * the cells that start in it */
    int ci = 0;
    for (int r = 0; r < g->nrows; r++) {
        int tr = pb_structure_add(s, PB_SR_TR, r < g->nheader ? head : body);
        for (; ci < g->ncells && g->cells[ci].row == r; ci++) {
            const pb_table_cell *c = &g->cells[ci];
            bool th = is_header_cell(c);
            int e = pb_structure_add(s, th ? PB_SR_TH : PB_SR_TD, tr);
            pb_selem *el = &s->elems[e];
            el->rowspan = c->rowspan;
            el->colspan = c->colspan;
            el->scope = th ? scope_of(c) : PB_SCOPE_NONE;
            cell_elem[ci] = e;
        }
    }
    /* Headers of the value cells.  By the scopes alone a cell is headed
     * by every column header above it and every row header left of it;
     * but a band or a heading row inside the body heads only the section
     * below it, up to the next one.  Walking down the rows, each column
     * keeps the nearest band and heading cell above and how many such
     * cells are above at all; a value cell with more above it than the
     * nearest ones lists its true headers. */
    int *band = pb_arena_calloc(s->arena, (size_t)g->ncols + 1, sizeof *band);
    int *heading = pb_arena_calloc(s->arena, (size_t)g->ncols + 1, sizeof *heading);
    int *above = pb_arena_calloc(s->arena, (size_t)g->ncols + 1, sizeof *above);
    for (int c = 0; c < g->ncols; c++)
        band[c] = heading[c] = -1;
    ci = 0;
    for (int r = 0; r < g->nrows; r++) {
        int first = ci;
        for (; ci < g->ncells && g->cells[ci].row == r; ci++) {
            const pb_table_cell *c = &g->cells[ci];
            if (c->kind != PB_CELL_VALUE || r < g->nheader)
                continue;
            bool differs = false;
            for (int k = c->col; k < c->col + c->colspan; k++)
                if (above[k] > (band[k] >= 0) + (heading[k] >= 0))
                    differs = true;
            if (!differs)
                continue;
            idlist l = {0};
            for (int hr = 0; hr < g->nheader; hr++)
                for (int k = c->col; k < c->col + c->colspan; k++) {
                    const pb_table_cell *h = &g->cells[g->owner[hr * g->ncols + k]];
                    if (is_header_cell(h))
                        add_id(s->arena, &l, cell_elem[h - g->cells]);
                }
            for (int k = c->col; k < c->col + c->colspan; k++) {
                if (band[k] >= 0)
                    add_id(s->arena, &l, cell_elem[band[k]]);
                if (heading[k] >= 0)
                    add_id(s->arena, &l, cell_elem[heading[k]]);
            }
            for (int rr = c->row; rr < c->row + c->rowspan; rr++)
                for (int k = 0; k < c->col; k++) {
                    const pb_table_cell *h = &g->cells[g->owner[rr * g->ncols + k]];
                    if (is_header_cell(h) && scope_of(h) == PB_SCOPE_ROW)
                        add_id(s->arena, &l, cell_elem[h - g->cells]);
                }
            for (int i = 0; i < l.n; i++)
                s->elems[l.ids[i]].referenced = true;
            s->elems[cell_elem[ci]].headers = l.ids;
            s->elems[cell_elem[ci]].nheaders = l.n;
        }
        /* the bands and heading rows of this row head what follows */
        for (int i = first; i < ci; i++) {
            const pb_table_cell *c = &g->cells[i];
            if (r < g->nheader || (c->kind != PB_CELL_BAND && c->kind != PB_CELL_HEADING))
                continue;
            for (int k = c->col; k < c->col + c->colspan; k++) {
                above[k]++;
                if (c->kind == PB_CELL_BAND) {
                    band[k] = i;
                    heading[k] = -1; /* a new section */
                } else {
                    heading[k] = i;
                }
            }
        }
    }
}
