/* A source table that matches no template of the layout becomes an inline
 * table of its own structure: label columns with their groups (row
 * labels merged over several rows), value columns under a header tree
 * made from the merged header cells, bands (a row of one cell across the
 * table), and the values as written.  What the table model cannot hold is
 * said in a warning: header cells that do not nest become heading rows,
 * and a value merged over rows is given to its first row. */
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "import/import_text.h"

typedef struct ictx {
    const im_doc *doc;
    const im_table *t;
    pb_arena *a;
    pb_diag *diag;
    int *grid;            /* cell index per row x column, -1 */
    int nrows, ncols;
    int H, L;             /* header rows, label columns */
} ictx;

static int at(const ictx *x, int r, int c)
{
    return x->grid[(size_t)r * x->ncols + c];
}

static const im_cell *cell_at(const ictx *x, int r, int c)
{
    int i = at(x, r, c);
    return i < 0 ? NULL : &x->t->cells[i];
}

static const char *text_at(const ictx *x, int r, int c)
{
    const im_cell *cell = cell_at(x, r, c);
    return cell ? cell->text.s : "";
}

static void build_grid(ictx *x)
{
    const im_table *t = x->t;
    x->nrows = t->nrows;
    x->ncols = t->ncols;
    size_t n = (size_t)t->nrows * (size_t)t->ncols;
    x->grid = pb_arena_alloc(x->a, (n ? n : 1) * sizeof *x->grid);
    for (size_t i = 0; i < n; i++)
        x->grid[i] = -1;
    for (int c = 0; c < t->ncells; c++) {
        const im_cell *cell = &t->cells[c];
        for (int r = cell->row; r < cell->row + cell->rowspan && r < t->nrows; r++)
            for (int k = cell->col; k < cell->col + cell->colspan && k < t->ncols; k++)
                if (x->grid[(size_t)r * t->ncols + k] < 0)
                    x->grid[(size_t)r * t->ncols + k] = c;
    }
}

static bool row_empty(const ictx *x, int r)
{
    for (int c = 0; c < x->ncols; c++) {
        const im_cell *cell = cell_at(x, r, c);
        if (cell && cell->row == r && cell->text.len)
            return false;
    }
    return true;
}

static bool row_has_number(const ictx *x, int r)
{
    for (int c = 0; c < x->ncols; c++) {
        const im_cell *cell = cell_at(x, r, c);
        if (cell && cell->row == r && im_number_like(cell->text.s))
            return true;
    }
    return false;
}

/* One cell across the whole row, with text. */
static bool is_band(const ictx *x, int r)
{
    const im_cell *cell = cell_at(x, r, 0);
    return x->ncols > 1 && cell && cell->row == r && cell->col == 0 && cell->text.len &&
           cell->colspan >= x->ncols && cell->rowspan == 1;
}

/* Rows on top that are headings: what the source marks, else the rows of
 * texts above the first row with a number; without numbers, the first row
 * when the table has more. */
static int header_rows(const ictx *x)
{
    if (x->t->nheader_rows > 0 && x->t->nheader_rows < x->nrows)
        return x->t->nheader_rows;
    int first_num = -1;
    for (int r = 0; r < x->nrows && first_num < 0; r++)
        if (row_has_number(x, r))
            first_num = r;
    int h = first_num >= 0 ? first_num : (x->nrows > 1 ? 1 : 0);
    /* a merged cell reaching below the header is body */
    while (h > 0) {
        bool crosses = false;
        for (int c = 0; c < x->ncols && !crosses; c++) {
            const im_cell *cell = cell_at(x, h - 1, c);
            crosses = cell && cell->row + cell->rowspan > h;
        }
        if (!crosses)
            break;
        h--;
    }
    while (h > 0 && is_band(x, h - 1))
        h--;
    return h;
}

/* Whether the first L columns hold a tree of row labels: in every body
 * row, groups (one column wide, merged over rows) then the row's own label
 * reaching to column L - 1, and no numbers. */
static bool labels_fit(const ictx *x, int L)
{
    for (int r = x->H; r < x->nrows; r++) {
        if (row_empty(x, r) || is_band(x, r))
            continue;
        int c = 0;
        while (c < L) {
            const im_cell *cell = cell_at(x, r, c);
            if (!cell || !cell->text.len || im_number_like(cell->text.s))
                return false;
            if (cell->col != c)
                return false;
            if (cell->col + cell->colspan >= L) {
                /* the row's own label */
                if (cell->col + cell->colspan != L || cell->row != r || cell->rowspan != 1)
                    return false;
                break;
            }
            if (cell->colspan != 1 || cell->rowspan < 2 || cell->row < x->H)
                return false;
            c++;
        }
    }
    return true;
}

static int label_columns(const ictx *x)
{
    int max = x->ncols - 1 < 3 ? x->ncols - 1 : 3;
    for (int L = max; L >= 1; L--)
        if (labels_fit(x, L))
            return L;
    return 0;
}

/* ---- the header tree ----------------------------------------------------------- */

static bool header_node(ictx *x, const im_cell *cell, ob_inline_head *out, int depth)
{
    if (!cell->text.len || depth > 8)
        return false;
    out->text = cell->text.s;
    out->first = cell->col;
    out->last = cell->col + cell->colspan - 1;
    out->col = -1;
    int below = cell->row + cell->rowspan;
    if (below >= x->H) {
        if (cell->colspan != 1)
            return false;
        out->col = cell->col;
        return true;
    }
    /* children: the cells starting in the row below, across its columns */
    int n = 0;
    for (int c = out->first; c <= out->last;) {
        const im_cell *ch = cell_at(x, below, c);
        if (!ch || ch->row != below || ch->col != c || ch->col + ch->colspan - 1 > out->last)
            return false;
        n++;
        c += ch->colspan;
    }
    out->children = pb_arena_calloc(x->a, (size_t)n, sizeof *out->children);
    for (int c = out->first; c <= out->last;) {
        const im_cell *ch = cell_at(x, below, c);
        if (!header_node(x, ch, &out->children[out->nchildren++], depth + 1))
            return false;
        c += ch->colspan;
    }
    return true;
}

static bool header_tree(ictx *x, ob_inline *out)
{
    int n = 0;
    for (int c = x->L; c < x->ncols;) {
        const im_cell *cell = cell_at(x, 0, c);
        if (!cell || cell->row != 0 || cell->col != c)
            return false;
        n++;
        c += cell->colspan;
    }
    ob_inline_head *h = pb_arena_calloc(x->a, (size_t)n, sizeof *h);
    int k = 0;
    for (int c = x->L; c < x->ncols;) {
        const im_cell *cell = cell_at(x, 0, c);
        if (!header_node(x, cell, &h[k++], 0))
            return false;
        c += cell->colspan;
    }
    out->header = h;
    out->nheader = n;
    return true;
}

/* The corner: the cells over the label columns in the header rows. */
static const char *corner_text(ictx *x)
{
    const char *s = NULL;
    int prev = -2;
    for (int r = 0; r < x->H; r++)
        for (int c = 0; c < x->L; c++) {
            int i = at(x, r, c);
            if (i < 0 || i == prev || x->t->cells[i].row != r || !x->t->cells[i].text.len)
                continue;
            prev = i;
            const char *t = x->t->cells[i].text.s;
            s = s ? pb_arena_printf(x->a, "%s／%s", s, t) : t;
        }
    return s;
}

/* ---- rows ----------------------------------------------------------------------- */

typedef struct rowlist {
    ob_inline_row *rows;
    int n, cap;
} rowlist;

static ob_inline_row *push_row(pb_arena *a, rowlist *l)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 16;
        l->rows = pb_arena_grow(a, l->rows, (size_t)l->n, (size_t)nc, sizeof *l->rows);
        l->cap = nc;
    }
    ob_inline_row *r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    return r;
}

/* A heading row of the cells of source row r (the header rows, when they
 * do not form a tree). */
static void heading_row(ictx *x, int r, rowlist *out)
{
    ob_inline_row *row = push_row(x->a, out);
    row->kind = PB_ROW_HEADING;
    row->cells = pb_arena_calloc(x->a, (size_t)x->ncols, sizeof *row->cells);
    for (int c = 0; c < x->ncols;) {
        const im_cell *cell = cell_at(x, r, c);
        int span = 1;
        const char *text = "";
        if (cell) {
            span = cell->col + cell->colspan - c;
            if (c + span > x->ncols)
                span = x->ncols - c;
            text = cell->row == r ? cell->text.s : "";
        }
        row->cells[row->ncells++] = (ob_inline_cell){text, {OB_BLANK, NULL}, span};
        c += span;
    }
}

static ob_value value_of(ictx *x, const char *text, pb_value_format fmt)
{
    ob_value v = {OB_BLANK, NULL};
    if (!*text)
        return v;
    if (fmt == PB_FMT_INTEGER) {
        char *d = im_plain_number(x->a, text, false, false);
        if (d) {
            v.kind = OB_NUMBER;
            v.text = im_strip_zeros(d);
            return v;
        }
    } else if (fmt == PB_FMT_DECIMAL) {
        char *d = im_plain_number(x->a, text, true, true);
        if (d) {
            v.kind = OB_STRING; /* digits as written */
            v.text = im_strip_zeros(d);
            return v;
        }
    }
    v.kind = OB_STRING;
    v.text = text;
    return v;
}

static bool is_integer(ictx *x, const char *s)
{
    char *d = im_plain_number(x->a, s, false, false);
    return d && strlen(im_strip_zeros(d)) <= 15;
}

static bool is_decimal(ictx *x, const char *s)
{
    char *d = im_plain_number(x->a, s, true, true);
    if (!d)
        return false;
    int sig = 0;
    for (const char *p = d; *p; p++)
        sig += *p >= '0' && *p <= '9';
    return sig <= 18;
}

/* A value column takes integers when all its values are integers, numbers
 * when all are numbers, else text. */
static pb_value_format column_format(ictx *x, int c)
{
    bool ints = true, decs = true, any = false;
    for (int r = x->H; r < x->nrows; r++) {
        const im_cell *cell = cell_at(x, r, c);
        if (!cell || cell->row != r || cell->col != c || !cell->text.len || is_band(x, r))
            continue;
        any = true;
        ints = ints && cell->colspan == 1 && is_integer(x, cell->text.s);
        decs = decs && cell->colspan == 1 && is_decimal(x, cell->text.s);
    }
    if (!any)
        return PB_FMT_TEXT;
    return ints ? PB_FMT_INTEGER : decs ? PB_FMT_DECIMAL : PB_FMT_TEXT;
}

static void data_row(ictx *x, int r, ob_inline_row *row, const ob_inline *inl)
{
    row->kind = PB_ROW_DATA;
    row->id = pb_arena_printf(x->a, "r%d", r + 1);
    if (x->L > 0) {
        const im_cell *own = cell_at(x, r, x->L - 1);
        row->label = own ? own->text.s : "";
    }
    row->cells = pb_arena_calloc(x->a, (size_t)(x->ncols - x->L) + 1, sizeof *row->cells);
    for (int c = x->L; c < x->ncols;) {
        const im_cell *cell = cell_at(x, r, c);
        int span = 1;
        const char *text = "";
        if (cell) {
            span = cell->col + cell->colspan - c;
            if (c + span > x->ncols)
                span = x->ncols - c;
            if (cell->row == r) {
                text = cell->text.s;
            } else if (cell->text.len && c == cell->col) {
                pb_diag_warning(x->diag, x->doc->file,
                                pb_arena_printf(x->a, "%s, row %d, column %d", x->t->where,
                                                r + 1, c + 1),
                                "the value \"%s\" merged over several rows is given to its "
                                "first row only",
                                cell->text.s);
            }
        }
        if (span > 1)
            row->custom_cells = true;
        pb_value_format fmt = span == 1 ? inl->cols[c].format
                              : is_integer(x, text) || !*text ? PB_FMT_INTEGER
                                                              : PB_FMT_TEXT;
        row->cells[row->ncells++] = (ob_inline_cell){NULL, value_of(x, text, fmt), span};
        c += span;
    }
}

bool pb_import_inline_table(const im_doc *doc, const im_table *t, ob_block *out,
                            pb_diag *diag)
{
    ictx x = {.doc = doc, .t = t, .a = doc->arena, .diag = diag};
    build_grid(&x);
    out->where = t->where;
    out->caption = t->caption;
    ob_inline *inl = pb_arena_calloc(x.a, 1, sizeof *inl);
    out->inl = inl;
    if (x.ncols == 0 || x.nrows == 0)
        return true;
    x.H = header_rows(&x);
    x.L = label_columns(&x);
    inl->nlabel = x.L;
    inl->ncols = x.ncols;
    inl->cols = pb_arena_calloc(x.a, (size_t)x.ncols, sizeof *inl->cols);
    for (int c = 0; c < x.ncols; c++) {
        inl->cols[c].label = c < x.L;
        inl->cols[c].id = c < x.L ? pb_arena_printf(x.a, "l%d", c + 1)
                                  : pb_arena_printf(x.a, "c%d", c - x.L + 1);
        inl->cols[c].format = c < x.L ? PB_FMT_TEXT : column_format(&x, c);
    }
    rowlist top = {0};
    if (x.H > 0 && !header_tree(&x, inl)) {
        inl->header = NULL;
        inl->nheader = 0;
        pb_diag_warning(diag, doc->file, t->where,
                        "the heading cells of the table do not nest as a header tree: they "
                        "are set as rows of fixed text, merged over columns only");
        for (int r = 0; r < x.H; r++)
            heading_row(&x, r, &top);
    } else if (x.H > 0 && x.L > 0) {
        inl->corner = corner_text(&x);
    }
    /* groups: the open ones, by depth */
    ob_inline_row *open[4] = {0};
    int open_cell[4] = {-1, -1, -1, -1};
    rowlist kids[4] = {{0}};
    int depth_open = 0;
    for (int r = x.H; r < x.nrows; r++) {
        if (row_empty(&x, r))
            continue;
        if (is_band(&x, r)) {
            /* a band closes the groups (it spans the label columns) */
            depth_open = 0;
            ob_inline_row *b = push_row(x.a, &top);
            b->kind = PB_ROW_BAND;
            b->label = text_at(&x, r, 0);
            continue;
        }
        int depth = 0;
        for (int c = 0; c + 1 < x.L; c++) {
            int ci = at(&x, r, c);
            const im_cell *cell = &t->cells[ci];
            if (cell->col + cell->colspan >= x.L)
                break;
            if (depth < depth_open && open_cell[depth] == ci) {
                depth++;
                continue;
            }
            /* a new group at this depth */
            depth_open = depth;
            rowlist *parent = depth == 0 ? &top : &kids[depth - 1];
            ob_inline_row *g = push_row(x.a, parent);
            g->kind = PB_ROW_GROUP;
            g->label = cell->text.s;
            open[depth] = g;
            open_cell[depth] = ci;
            kids[depth] = (rowlist){0};
            depth++;
            depth_open = depth;
        }
        depth_open = depth;
        rowlist *parent = depth == 0 ? &top : &kids[depth - 1];
        ob_inline_row *row = push_row(x.a, parent);
        data_row(&x, r, row, inl);
        /* the open groups hold their children's lists, which may have
           moved as they grew; each open group is the last row of its parent */
        for (int d = 0; d < depth; d++) {
            open[d] = d == 0 ? &top.rows[top.n - 1] : &kids[d - 1].rows[kids[d - 1].n - 1];
            open[d]->children = kids[d].rows;
            open[d]->nchildren = kids[d].n;
        }
    }
    inl->rows = top.rows;
    inl->nrows = top.n;
    out->inl = inl;
    return true;
}
