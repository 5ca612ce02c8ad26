/* The template matcher: a table of the source -> a template of the layout
 * and its values by row id x cell id, or, when no template fits, an inline
 * table of the source's own structure.
 *
 * Real reports differ from the official wording: full- and half-width
 * brackets, spaces, "1、" for "1.", quotes, line breaks inside labels, a
 * word more or less ("规范性文件" for "行政规范性文件").  Labels are compared
 * reduced (im_label_key) and by their longest common subsequence; the
 * numbering is compared on its own.  A row whose label matches no row, or
 * two rows equally, is reported with the source position and the nearest
 * candidates, never guessed silently. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "import/import.h"
#include "import/import_text.h"

/* Below these a label, a caption or a template does not match. */
#define ROW_THRESHOLD 0.70
#define TEXT_THRESHOLD 0.70
#define TABLE_THRESHOLD 0.45
/* Two candidates closer than this are ambiguous. */
#define AMBIGUOUS_MARGIN 0.03
/* Labels looked at when scoring a template (bounds the time). */
#define MAX_SCORED_TEXTS 400

/* ---- a label with its reduced key ------------------------------------------- */

typedef struct label {
    const char *text;     /* as written */
    char *key;
    int level, value;     /* its numbering */
    int cell;             /* source rows: the cell it is in (its index in the
                             row), -1 for a label of a row above */
} label;

static label make_label(pb_arena *a, const char *text)
{
    label l = {text, NULL, 0, 0, -1};
    l.key = im_label_key(a, text, strlen(text), &l.level, &l.value);
    return l;
}

static double label_sim(const label *a, const label *b)
{
    return im_label_similarity(a->key, a->level, a->value, b->key, b->level, b->value);
}

/* ---- the template's side ------------------------------------------------------ */

typedef struct trow {
    const pb_row_node *node;
    int parent;           /* index of the group above, -1 */
    bool data;
    label lab;
    int first_slot, nslots;
    int matched;          /* source row index that filled it, -1 */
    const pb_row_node *heading; /* the heading row above it, or NULL */
} trow;

typedef struct tinfo {
    const pb_table_template *t;
    trow *rows;           /* data rows and groups, top to bottom */
    int nrows;
    pb_value_slot *slots;
    int nslots;
    label *texts;         /* every fixed text: caption, corner, header, bands, headings */
    double *weights;
    int ntexts;
    label *bands;
    int nbands;
    label **headings;     /* heading rows: their cells */
    int *nheading_cells;
    int nheadings;
    label *head;          /* the texts of the header and the corner */
    int nhead, headcap;
    label *colpath;       /* value columns: the header texts above them, joined */
    int nvalue_cols;
    int ndata;
} tinfo;

static void add_text(pb_arena *a, tinfo *ti, int *cap, const char *text, double w)
{
    if (!text || !*text)
        return;
    if (ti->ntexts == *cap) {
        int nc = *cap ? *cap * 2 : 32;
        ti->texts = pb_arena_grow(a, ti->texts, (size_t)ti->ntexts, (size_t)nc, sizeof *ti->texts);
        ti->weights = pb_arena_grow(a, ti->weights, (size_t)ti->ntexts, (size_t)nc,
                                    sizeof *ti->weights);
        *cap = nc;
    }
    ti->weights[ti->ntexts] = w;
    ti->texts[ti->ntexts++] = make_label(a, text);
}

static int count_rows(const pb_row_node *rows, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += 1 + count_rows(rows[i].children, rows[i].nchildren);
    return c;
}

typedef struct tbuild {
    pb_arena *a;
    tinfo *ti;
    int textcap, bandcap, headcap;
    int slot;             /* next slot while walking */
    const pb_row_node *heading; /* the last heading row walked */
} tbuild;

static void walk_rows(tbuild *b, const pb_row_node *rows, int n, int parent)
{
    tinfo *ti = b->ti;
    for (int i = 0; i < n; i++) {
        const pb_row_node *r = &rows[i];
        switch (r->kind) {
        case PB_ROW_DATA:
        case PB_ROW_GROUP: {
            int me = ti->nrows++;
            trow *tr = &ti->rows[me];
            tr->node = r;
            tr->parent = parent;
            tr->data = r->kind == PB_ROW_DATA;
            tr->lab = make_label(b->a, r->label ? r->label : "");
            tr->matched = -1;
            tr->heading = b->heading;
            if (tr->data) {
                tr->first_slot = b->slot;
                while (b->slot < ti->nslots && ti->slots[b->slot].row == r)
                    b->slot++;
                tr->nslots = b->slot - tr->first_slot;
                ti->ndata++;
                add_text(b->a, ti, &b->textcap, r->label, 2.0);
            } else {
                add_text(b->a, ti, &b->textcap, r->label, 1.0);
                walk_rows(b, r->children, r->nchildren, me);
            }
            break;
        }
        case PB_ROW_BAND:
            add_text(b->a, ti, &b->textcap, r->label, 1.0);
            if (ti->nbands == b->bandcap) {
                int nc = b->bandcap ? b->bandcap * 2 : 8;
                ti->bands = pb_arena_grow(b->a, ti->bands, (size_t)ti->nbands, (size_t)nc,
                                          sizeof *ti->bands);
                b->bandcap = nc;
            }
            ti->bands[ti->nbands++] = make_label(b->a, r->label);
            break;
        case PB_ROW_HEADING: {
            b->heading = r;
            if (ti->nheadings == b->headcap) {
                int nc = b->headcap ? b->headcap * 2 : 8;
                ti->headings = pb_arena_grow(b->a, ti->headings, (size_t)ti->nheadings,
                                             (size_t)nc, sizeof *ti->headings);
                ti->nheading_cells = pb_arena_grow(b->a, ti->nheading_cells,
                                                   (size_t)ti->nheadings, (size_t)nc,
                                                   sizeof *ti->nheading_cells);
                b->headcap = nc;
            }
            label *cells = pb_arena_calloc(b->a, (size_t)r->ncells, sizeof *cells);
            for (int k = 0; k < r->ncells; k++) {
                cells[k] = make_label(b->a, r->cells[k].text ? r->cells[k].text : "");
                add_text(b->a, ti, &b->textcap, r->cells[k].text, 0.5);
            }
            ti->headings[ti->nheadings] = cells;
            ti->nheading_cells[ti->nheadings++] = r->ncells;
            break;
        }
        }
    }
}

static void add_head(pb_arena *a, tinfo *ti, const char *text)
{
    if (!text || !*text)
        return;
    if (ti->nhead == ti->headcap) {
        int nc = ti->headcap ? ti->headcap * 2 : 16;
        ti->head = pb_arena_grow(a, ti->head, (size_t)ti->nhead, (size_t)nc, sizeof *ti->head);
        ti->headcap = nc;
    }
    ti->head[ti->nhead++] = make_label(a, text);
}

static void walk_header(tbuild *b, const pb_header_node *nodes, int n, const char *above)
{
    tinfo *ti = b->ti;
    for (int i = 0; i < n; i++) {
        const pb_header_node *h = &nodes[i];
        add_text(b->a, ti, &b->textcap, h->text, 1.0);
        add_head(b->a, ti, h->text);
        const char *path = pb_arena_printf(b->a, "%s%s", above, h->text);
        if (h->column) {
            int v = h->col - ti->t->nlabel_columns;
            if (v >= 0 && v < ti->nvalue_cols)
                ti->colpath[v] = make_label(b->a, path);
        } else {
            walk_header(b, h->children, h->nchildren, path);
        }
    }
}

static void template_info(pb_arena *a, const pb_table_template *t, tinfo *ti)
{
    memset(ti, 0, sizeof *ti);
    ti->t = t;
    ti->nslots = pb_table_value_slots(t, NULL);
    ti->slots = pb_arena_calloc(a, (size_t)ti->nslots + 1, sizeof *ti->slots);
    pb_table_value_slots(t, ti->slots);
    ti->rows = pb_arena_calloc(a, (size_t)count_rows(t->rows, t->nrows) + 1, sizeof *ti->rows);
    tbuild b = {.a = a, .ti = ti};
    add_text(a, ti, &b.textcap, t->caption, 1.0);
    add_text(a, ti, &b.textcap, t->corner, 1.0);
    add_head(a, ti, t->corner);
    ti->nvalue_cols = t->ncolumns - t->nlabel_columns;
    ti->colpath = pb_arena_calloc(a, (size_t)ti->nvalue_cols + 1, sizeof *ti->colpath);
    walk_header(&b, t->header, t->nheader, "");
    walk_rows(&b, t->rows, t->nrows, -1);
}

/* ---- the source's side --------------------------------------------------------- */

typedef struct scell {
    const char *text;     /* cleaned */
    int col, colspan;
    bool from_above;      /* a merged cell that started in a row above */
} scell;

typedef struct srow {
    int r;
    const char *where;
    scell *cells;         /* every cell covering the row, left to right */
    int ncells;
    label *labels;        /* label path: groups (inherited) then its own labels */
    int nlabels;
    int own_from;         /* index of the first label of this row's own */
    scell *vals;          /* cells of the value part */
    int nvals;
    bool has_number;      /* a value cell holds a number */
    int nonempty;         /* non-empty cells of its own */
    int ntext;            /* non-empty cells that are not numbers */
} srow;

typedef struct mctx {
    const im_doc *doc;
    const im_table *t;
    pb_arena *a;
    pb_diag *diag;
    int *grid;            /* structured tables: cell index per row x column, -1 */
    srow *rows;
    int nrows;
    int label_cols;       /* structured: label columns of the source */
    bool failed;
    bool *column_reported; /* structured: source value columns already
                              reported as matching no template column */
} mctx;

static bool value_like(const char *s)
{
    return !*s || im_number_like(s) || im_placeholder(s);
}

/* "line 43, column 3" or "table 2, row 5, column 3" */
static const char *where_cell(mctx *m, int r, int col)
{
    return pb_arena_printf(m->a, "%s, column %d", m->t->row_where[r], col + 1);
}

static void push_label(mctx *m, srow *s, const char *text, int cell, int *cap)
{
    if (s->nlabels == *cap) {
        int nc = *cap ? *cap * 2 : 4;
        s->labels = pb_arena_grow(m->a, s->labels, (size_t)s->nlabels, (size_t)nc,
                                  sizeof *s->labels);
        *cap = nc;
    }
    s->labels[s->nlabels] = make_label(m->a, text);
    s->labels[s->nlabels++].cell = cell;
}

/* Structured tables: the grid of cell indices, merged cells clipped to it. */
static void build_grid(mctx *m)
{
    const im_table *t = m->t;
    size_t n = (size_t)t->nrows * (size_t)t->ncols;
    m->grid = pb_arena_alloc(m->a, (n ? n : 1) * sizeof *m->grid);
    for (size_t i = 0; i < n; i++)
        m->grid[i] = -1;
    for (int c = 0; c < t->ncells; c++) {
        const im_cell *cell = &t->cells[c];
        for (int r = cell->row; r < cell->row + cell->rowspan && r < t->nrows; r++)
            for (int k = cell->col; k < cell->col + cell->colspan && k < t->ncols; k++)
                if (m->grid[(size_t)r * t->ncols + k] < 0)
                    m->grid[(size_t)r * t->ncols + k] = c;
    }
}

static void build_rows(mctx *m)
{
    const im_table *t = m->t;
    m->nrows = t->nrows;
    m->rows = pb_arena_calloc(m->a, (size_t)t->nrows + 1, sizeof *m->rows);
    if (!t->flattened) {
        build_grid(m);
        /* label columns: left of the first column where a number appears */
        int first_num = t->ncols;
        for (int c = 0; c < t->ncells; c++)
            if (im_number_like(t->cells[c].text.s) && t->cells[c].col < first_num)
                first_num = t->cells[c].col;
        m->label_cols = first_num == t->ncols ? (t->ncols > 1 ? 1 : 0) : first_num;
    }
    int c = 0; /* flattened: cells are in row order */
    const char **ctx = pb_arena_calloc(m->a, (size_t)t->ncols + 1, sizeof *ctx);
    for (int r = 0; r < t->nrows; r++) {
        srow *s = &m->rows[r];
        s->r = r;
        s->where = t->row_where[r];
        int labcap = 0;
        if (t->flattened) {
            int first = c;
            while (c < t->ncells && t->cells[c].row == r)
                c++;
            s->ncells = c - first;
            s->cells = pb_arena_calloc(m->a, (size_t)s->ncells + 1, sizeof *s->cells);
            int last_text = -1;
            for (int k = 0; k < s->ncells; k++) {
                const im_cell *cell = &t->cells[first + k];
                s->cells[k] = (scell){cell->text.s, cell->col, 1, false};
                if (*cell->text.s) {
                    s->nonempty++;
                    if (!value_like(cell->text.s)) {
                        s->ntext++;
                        last_text = k;
                    }
                }
            }
            /* labels: the text cells up to the last one; the rest are values.
               Empty cells in front are merged labels of the rows above. */
            int own = -1;
            for (int k = 0; k <= last_text; k++)
                if (*s->cells[k].text) {
                    own = k;
                    break;
                }
            if (own >= 0) {
                for (int k = 0; k < own && k < t->ncols; k++)
                    if (ctx[k])
                        push_label(m, s, ctx[k], -1, &labcap);
                s->own_from = s->nlabels;
                for (int k = own; k <= last_text; k++)
                    if (*s->cells[k].text) {
                        push_label(m, s, s->cells[k].text, k, &labcap);
                        ctx[k] = s->cells[k].text;
                        for (int j = k + 1; j < t->ncols; j++)
                            ctx[j] = NULL;
                    }
            }
            s->vals = s->cells + last_text + 1;
            s->nvals = s->ncells - last_text - 1;
        } else {
            int cap = 0;
            int prev = -2;
            for (int k = 0; k < t->ncols; k++) {
                int ci = m->grid[(size_t)r * t->ncols + k];
                if (ci == prev)
                    continue;
                prev = ci;
                if (ci < 0)
                    continue;
                const im_cell *cell = &t->cells[ci];
                if (s->ncells == cap) {
                    int nc = cap ? cap * 2 : 8;
                    s->cells = pb_arena_grow(m->a, s->cells, (size_t)s->ncells, (size_t)nc,
                                             sizeof *s->cells);
                    cap = nc;
                }
                s->cells[s->ncells++] = (scell){cell->text.s, cell->col, cell->colspan,
                                                cell->row < r};
            }
            s->own_from = -1;
            int v = 0;
            for (int k = 0; k < s->ncells; k++) {
                scell *sc = &s->cells[k];
                if (!sc->from_above && *sc->text) {
                    s->nonempty++;
                    if (!value_like(sc->text))
                        s->ntext++;
                }
                if (sc->col < m->label_cols) {
                    if (*sc->text) {
                        if (!sc->from_above && s->own_from < 0)
                            s->own_from = s->nlabels;
                        push_label(m, s, sc->text, sc->from_above ? -1 : k, &labcap);
                    }
                    v = k + 1;
                }
            }
            if (s->own_from < 0)
                s->own_from = s->nlabels;
            /* a row without cells (an empty <tr>) has no values */
            s->vals = s->cells ? s->cells + v : NULL;
            s->nvals = s->ncells - v;
        }
        for (int k = 0; k < s->nvals; k++)
            if (!s->vals[k].from_above && im_number_like(s->vals[k].text))
                s->has_number = true;
    }
}

/* ---- choosing a template ---------------------------------------------------------- */

static double score_template(mctx *m, const tinfo *ti)
{
    /* the source's texts */
    label *src = pb_arena_calloc(m->a, MAX_SCORED_TEXTS, sizeof *src);
    int nsrc = 0;
    int numeric_rows_ok = 0;
    for (int r = 0; r < m->nrows; r++) {
        const srow *s = &m->rows[r];
        for (int k = 0; k < s->ncells && nsrc < MAX_SCORED_TEXTS; k++)
            if (!s->cells[k].from_above && *s->cells[k].text && !value_like(s->cells[k].text))
                src[nsrc++] = make_label(m->a, s->cells[k].text);
        if (s->ntext == 0 && s->has_number && s->nvals == ti->nvalue_cols)
            numeric_rows_ok++;
    }
    double got = 0, total = 0;
    for (int i = 0; i < ti->ntexts; i++) {
        double best = 0;
        for (int k = 0; k < nsrc && best < 1.0; k++) {
            double s = label_sim(&ti->texts[i], &src[k]);
            if (s > best)
                best = s;
        }
        total += ti->weights[i];
        if (best >= TEXT_THRESHOLD)
            got += ti->weights[i] * best;
    }
    double score = total > 0 ? got / total : 0;
    /* a part of a table (a clerk's copy of a few rows): most of its labels
       are the template's */
    if (nsrc >= 4) {
        int hits = 0;
        for (int k = 0; k < nsrc; k++)
            for (int i = 0; i < ti->ntexts; i++)
                if (label_sim(&src[k], &ti->texts[i]) >= TEXT_THRESHOLD) {
                    hits++;
                    break;
                }
        double precision = (double)hits / nsrc - 0.15;
        if (precision > score)
            score = precision;
    }
    /* a table without row labels is known by its numbers too */
    if (ti->t->nlabel_columns == 0 && numeric_rows_ok == 0)
        score *= 0.5;
    return score;
}

double pb_import_table_score(const im_doc *doc, const im_table *t, const pb_layout *layout,
                             int *best)
{
    pb_diag quiet;
    pb_diag_init(&quiet);
    mctx m = {.doc = doc, .t = t, .a = doc->arena, .diag = &quiet};
    build_rows(&m);
    double top = 0;
    *best = -1;
    for (int i = 0; i < layout->ntables; i++) {
        tinfo ti;
        template_info(m.a, &layout->tables[i], &ti);
        double s = score_template(&m, &ti);
        if (s > top) {
            top = s;
            *best = i;
        }
    }
    pb_diag_free(&quiet);
    return top;
}

/* ---- values ------------------------------------------------------------------------ */

static const char *const format_names[] = {"a whole number (0 or more)", "a number", "text"};

/* Reads one source cell for a cell of format fmt.  Errors name the source
 * position and the template cell. */
static bool parse_value(mctx *m, const char *text, pb_value_format fmt, const char *where,
                        const char *cell_name, ob_value *out)
{
    out->kind = OB_BLANK;
    out->text = NULL;
    if (!*text)
        return true;
    if (fmt == PB_FMT_TEXT) {
        out->kind = OB_STRING;
        out->text = text;
        return true;
    }
    if (im_placeholder(text)) {
        pb_diag_warning(m->diag, m->doc->file, where,
                        "\"%s\" in %s is taken as a blank cell (a blank cell is not 0)", text,
                        cell_name);
        return true;
    }
    if (fmt == PB_FMT_INTEGER) {
        char *d = im_plain_number(m->a, text, false, false);
        if (d) {
            im_strip_zeros(d);
            if (strlen(d) > 16 || (strlen(d) == 16 && strcmp(d, "9007199254740991") > 0)) {
                pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where,
                              "%s: the number %s is larger than 9007199254740991", cell_name, text);
                return false;
            }
            out->kind = OB_NUMBER;
            out->text = d;
            return true;
        }
        /* text in a numeric cell, "22（其中修订16件）": kept as text */
        char *digits = NULL;
        {
            /* full-width digits in front of the note become ASCII */
            size_t len = strlen(text), i = 0, o = 0;
            digits = pb_arena_alloc(m->a, len + 1);
            bool lead = true;
            while (i < len) {
                size_t k = i;
                uint32_t cp = pb_utf8_next(text, len, &k);
                if (lead && cp >= 0xFF10 && cp <= 0xFF19) {
                    digits[o++] = (char)('0' + (cp - 0xFF10));
                } else {
                    lead = lead && cp >= '0' && cp <= '9';
                    memcpy(digits + o, text + i, k - i);
                    o += k - i;
                }
                i = k;
            }
            digits[o] = 0;
        }
        if (im_noted_integer(digits)) {
            out->kind = OB_STRING;
            out->text = digits;
            return true;
        }
    } else { /* decimal */
        char *d = im_plain_number(m->a, text, true, true);
        if (d) {
            im_strip_zeros(d);
            int sig = 0;
            for (const char *p = d; *p; p++)
                sig += *p >= '0' && *p <= '9';
            if (sig > 18) {
                pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where,
                              "%s: %s has more than 18 digits", cell_name, text);
                return false;
            }
            /* a JSON number keeps these digits only without trailing zeros
               after the point and within 15 digits; else a string */
            const char *pt = strchr(d, '.');
            size_t dl = strlen(d);
            bool as_number = sig <= 15 && (!pt || d[dl - 1] != '0');
            out->kind = as_number ? OB_NUMBER : OB_STRING;
            out->text = d;
            return true;
        }
    }
    pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where,
                  "%s takes %s, got \"%s\" (write a number, a number with a bracketed note "
                  "such as \"22（其中修订16件）\", or leave it blank)",
                  cell_name, format_names[fmt], text);
    return false;
}

/* ---- rows -------------------------------------------------------------------------- */

static const char *row_name(const tinfo *ti, int i)
{
    const trow *tr = &ti->rows[i];
    return tr->node->label ? tr->node->label : tr->node->id;
}

/* The template cell a value goes to, as the user sees it: the row's
 * label x the column's heading (of the header, or of the heading row
 * above the row). */
static const char *cell_name(mctx *m, const tinfo *ti, const trow *tr, int slot)
{
    const pb_value_slot *vs = &ti->slots[slot];
    const char *col = NULL;
    int v = vs->col - ti->t->nlabel_columns;
    if (v >= 0 && v < ti->nvalue_cols && ti->colpath[v].text && vs->colspan == 1)
        col = ti->colpath[v].text;
    if (!col && tr->heading) {
        int c = 0;
        for (int k = 0; k < tr->heading->ncells; k++) {
            if (c == vs->col && tr->heading->cells[k].text && *tr->heading->cells[k].text)
                col = tr->heading->cells[k].text;
            c += tr->heading->cells[k].colspan;
        }
    }
    const char *row = tr->node->label ? tr->node->label : tr->node->id;
    return col ? pb_arena_printf(m->a, "the cell %s × %s", row, col)
               : pb_arena_printf(m->a, "the cell %s.%s", row, vs->cell_id);
}

typedef struct cand {
    int index;
    double score;
} cand;

/* The best and second best data row (or group) for a source row's label. */
static void rank_rows(const tinfo *ti, const srow *s, const label *leaf, int after,
                      bool want_data, cand *best, cand *second)
{
    best->index = second->index = -1;
    best->score = second->score = 0;
    for (int i = 0; i < ti->nrows; i++) {
        const trow *tr = &ti->rows[i];
        if (tr->data != want_data)
            continue;
        double sc = label_sim(leaf, &tr->lab);
        if (sc < 0.3)
            continue;
        /* the groups above count: （六）其他处理 / 3.其他 */
        int bonus = 0;
        for (int p = tr->parent; p >= 0 && bonus < 2; p = ti->rows[p].parent)
            for (int k = 0; k < s->nlabels; k++)
                if (&s->labels[k] != leaf && label_sim(&s->labels[k], &ti->rows[p].lab) >= 0.8) {
                    bonus++;
                    break;
                }
        sc += 0.05 * bonus;
        /* the order of the rows: the next rows after the last one matched */
        if (i > after && i <= after + 3)
            sc += 0.02;
        if (tr->matched >= 0)
            sc -= 0.3;
        if (sc > best->score) {
            *second = *best;
            best->index = i;
            best->score = sc;
        } else if (sc > second->score) {
            second->index = i;
            second->score = sc;
        }
    }
}

static const char *candidates_text(mctx *m, const tinfo *ti, const cand *a, const cand *b)
{
    if (a->index < 0)
        return "no row is near";
    if (b->index < 0 || b->score < 0.4)
        return pb_arena_printf(m->a, "nearest: \"%s\"", row_name(ti, a->index));
    return pb_arena_printf(m->a, "nearest: \"%s\", \"%s\"", row_name(ti, a->index),
                           row_name(ti, b->index));
}

static int best_band(const tinfo *ti, const label *l, double *score)
{
    int best = -1;
    *score = 0;
    for (int i = 0; i < ti->nbands; i++) {
        double s = label_sim(l, &ti->bands[i]);
        if (s > *score) {
            *score = s;
            best = i;
        }
    }
    return best;
}

/* A row of texts that is one of the template's heading rows. */
static double heading_score(mctx *m, const tinfo *ti, const srow *s)
{
    double best = 0;
    for (int h = 0; h < ti->nheadings; h++) {
        int n = 0;
        double sum = 0;
        for (int k = 0; k < s->ncells; k++) {
            if (!*s->cells[k].text || s->cells[k].from_above)
                continue;
            label l = make_label(m->a, s->cells[k].text);
            double top = 0;
            for (int j = 0; j < ti->nheading_cells[h]; j++) {
                double sc = label_sim(&l, &ti->headings[h][j]);
                if (sc > top)
                    top = sc;
            }
            sum += top;
            n++;
        }
        int want = 0;
        for (int j = 0; j < ti->nheading_cells[h]; j++)
            want += ti->headings[h][j].key[0] != 0 || ti->headings[h][j].level;
        if (n > 0 && n >= want - 1 && sum / n > best)
            best = sum / n;
    }
    return best;
}

/* The share of a row's texts that are the template's column headings or
 * pieces of them (a copy breaks "商业企业" into "商业" and "企业"). */
static double header_coverage(mctx *m, const tinfo *ti, const srow *s)
{
    int n = 0, hits = 0;
    for (int k = 0; k < s->ncells; k++) {
        const scell *c = &s->cells[k];
        if (c->from_above || !*c->text || value_like(c->text))
            continue;
        label l = make_label(m->a, c->text);
        n++;
        for (int h = 0; h < ti->nhead; h++)
            if (l.key[0] && im_containment(l.key, ti->head[h].key) >= 0.8) {
                hits++;
                break;
            }
    }
    return n ? (double)hits / n : 0;
}

/* ---- columns (structured tables with a header) ------------------------------------- */

/* colmap[v] = the template value column of source value column v, -1 */
static int *map_columns(mctx *m, const tinfo *ti, int header_rows)
{
    const im_table *t = m->t;
    int L = m->label_cols, nsrc = t->ncols - L;
    if (nsrc <= 0)
        return NULL;
    int *map = pb_arena_calloc(m->a, (size_t)nsrc, sizeof *map);
    m->column_reported = pb_arena_calloc(m->a, (size_t)nsrc, sizeof *m->column_reported);
    bool have_header = header_rows > 0 && ti->t->nheader > 0;
    if (!have_header || t->flattened) {
        for (int v = 0; v < nsrc; v++)
            map[v] = v < ti->nvalue_cols ? v : -1;
        return map;
    }
    label *src = pb_arena_calloc(m->a, (size_t)nsrc, sizeof *src);
    for (int v = 0; v < nsrc; v++) {
        int col = L + v, prev = -2;
        const char *path = "";
        for (int r = 0; r < header_rows; r++) {
            int ci = m->grid[(size_t)r * t->ncols + col];
            if (ci < 0 || ci == prev)
                continue;
            prev = ci;
            /* a cell over the label columns too is the corner, not a
               heading; one across the table is its caption */
            if (t->cells[ci].col < L || t->cells[ci].colspan >= t->ncols)
                continue;
            path = pb_arena_printf(m->a, "%s%s", path, t->cells[ci].text.s);
        }
        src[v] = make_label(m->a, path);
    }
    double *sim = pb_arena_calloc(m->a, (size_t)nsrc * (size_t)(ti->nvalue_cols + 1),
                                  sizeof *sim);
    for (int v = 0; v < nsrc; v++)
        for (int k = 0; k < ti->nvalue_cols; k++)
            sim[(size_t)v * ti->nvalue_cols + k] =
                ti->colpath[k].key ? im_similarity(src[v].key, ti->colpath[k].key) : 0;
    /* in order when every column is where its heading says */
    bool in_order = nsrc == ti->nvalue_cols;
    for (int v = 0; v < nsrc && in_order; v++) {
        double own = sim[(size_t)v * ti->nvalue_cols + v], top = 0;
        for (int k = 0; k < ti->nvalue_cols; k++)
            if (sim[(size_t)v * ti->nvalue_cols + k] > top)
                top = sim[(size_t)v * ti->nvalue_cols + k];
        if (own + 0.05 < top)
            in_order = false;
    }
    if (in_order) {
        for (int v = 0; v < nsrc; v++)
            map[v] = v;
        return map;
    }
    bool *taken = pb_arena_calloc(m->a, (size_t)ti->nvalue_cols + 1, 1);
    for (int v = 0; v < nsrc; v++) {
        int best = -1, second = -1;
        for (int k = 0; k < ti->nvalue_cols; k++) {
            double s = sim[(size_t)v * ti->nvalue_cols + k];
            if (taken[k])
                continue;
            if (best < 0 || s > sim[(size_t)v * ti->nvalue_cols + best]) {
                second = best;
                best = k;
            } else if (second < 0 || s > sim[(size_t)v * ti->nvalue_cols + second]) {
                second = k;
            }
        }
        double bs = best >= 0 ? sim[(size_t)v * ti->nvalue_cols + best] : 0;
        double ss = second >= 0 ? sim[(size_t)v * ti->nvalue_cols + second] : 0;
        const char *where = pb_arena_printf(m->a, "%s, column %d", m->t->where, L + v + 1);
        if (bs < ROW_THRESHOLD) {
            pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where,
                          "the column \"%s\" matches no column of table \"%s\"%s%s%s",
                          src[v].text, ti->t->id, best >= 0 ? " (nearest: \"" : "",
                          best >= 0 ? ti->colpath[best].text : "", best >= 0 ? "\")" : "");
            m->failed = true;
            m->column_reported[v] = true;
            map[v] = -1;
        } else if (bs - ss < AMBIGUOUS_MARGIN) {
            pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where,
                          "the column \"%s\" matches two columns of table \"%s\" equally: "
                          "\"%s\" and \"%s\"",
                          src[v].text, ti->t->id, ti->colpath[best].text,
                          ti->colpath[second].text);
            m->failed = true;
            m->column_reported[v] = true;
            map[v] = -1;
        } else {
            map[v] = best;
            taken[best] = true;
        }
    }
    return map;
}

/* ---- filling a template ------------------------------------------------------------- */

static void fill_row(mctx *m, tinfo *ti, trow *tr, const srow *s, const int *colmap,
                     ob_value *values)
{
    int k = tr->nslots;
    const scell *v = s->vals;
    int n = s->nvals;
    const char *rowlabel = tr->node->label ? tr->node->label : tr->node->id;
    bool default_cells = tr->node->cells == NULL;
    if (!m->t->flattened && colmap && default_cells) {
        /* by column */
        for (int i = 0; i < n; i++) {
            const scell *c = &v[i];
            if (c->from_above) {
                if (*c->text)
                    pb_diag_warning(m->diag, m->doc->file, where_cell(m, s->r, c->col),
                                    "a cell merged over several rows: its value \"%s\" is "
                                    "given to the first row only",
                                    c->text);
                continue;
            }
            int sv = c->col - m->label_cols;
            int tv = sv >= 0 && sv < m->t->ncols - m->label_cols ? colmap[sv] : -1;
            if (tv < 0) {
                if (*c->text) {
                    m->failed = true;
                    bool *seen = sv >= 0 && m->column_reported ? &m->column_reported[sv] : NULL;
                    if (!seen || !*seen)
                        pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file,
                                      where_cell(m, s->r, c->col),
                                      "the value \"%s\" is in a column that table \"%s\" "
                                      "does not have (it has %d value columns)",
                                      c->text, ti->t->id, ti->nvalue_cols);
                    if (seen)
                        *seen = true;
                }
                continue;
            }
            if (c->colspan > 1 && *c->text) {
                pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, where_cell(m, s->r, c->col),
                              "a value cell of row \"%s\" spans %d columns, the template's "
                              "row has one cell per column",
                              rowlabel, c->colspan);
                m->failed = true;
                continue;
            }
            int slot = tr->first_slot + tv;
            if (tv >= k)
                continue;
            parse_value(m, c->text, ti->slots[slot].format, where_cell(m, s->r, c->col),
                        cell_name(m, ti, tr, slot), &values[slot]) || (m->failed = true);
        }
        return;
    }
    /* in order: the row's cells as the template's row has them */
    int lo = 0, hi = n;
    while (hi - lo > k && !*v[lo].text)
        lo++;
    while (hi - lo > k && !*v[hi - 1].text)
        hi--;
    if (hi - lo > k) {
        pb_diag_error(m->diag, PB_ERR_INPUT, m->doc->file, s->where,
                      "row \"%s\" has %d values, the row \"%s\" of table \"%s\" has %d "
                      "cell%s",
                      s->nlabels ? s->labels[s->nlabels - 1].text : "", hi - lo, rowlabel,
                      ti->t->id, k, k == 1 ? "" : "s");
        m->failed = true;
        return;
    }
    if (hi - lo < k && hi - lo > 0)
        pb_diag_warning(m->diag, m->doc->file, s->where,
                        "%d value%s for the %d cells of row \"%s\" of table \"%s\": the last "
                        "%d %s left blank",
                        hi - lo, hi - lo == 1 ? "" : "s", k, rowlabel, ti->t->id,
                        k - (hi - lo), k - (hi - lo) == 1 ? "is" : "are");
    for (int i = lo; i < hi; i++) {
        int slot = tr->first_slot + (i - lo);
        const char *where = where_cell(m, s->r, v[i].col);
        if (!parse_value(m, v[i].text, ti->slots[slot].format, where,
                         cell_name(m, ti, tr, slot), &values[slot]))
            m->failed = true;
    }
}

static void fill_template(mctx *m, tinfo *ti, ob_block *out)
{
    ob_value *values = pb_arena_calloc(m->a, (size_t)ti->nslots + 1, sizeof *values);
    const pb_table_template *t = ti->t;
    const char *file = m->doc->file;
    /* header rows: the rows of texts above the first data row */
    int header_rows = 0;
    int last = -1;        /* the template row matched last */
    int next_plain = 0;   /* tables without row labels: rows in order */
    bool data_seen = false;
    const char *caption_key = t->caption ? im_label_key(m->a, t->caption, strlen(t->caption),
                                                        NULL, NULL) : NULL;
    int *colmap = NULL;
    for (int r = 0; r < m->nrows; r++) {
        srow *s = &m->rows[r];
        if (s->nonempty == 0)
            continue;
        const label *leaf = s->nlabels > s->own_from ? &s->labels[s->nlabels - 1] : NULL;
        bool no_values = !s->has_number;
        /* one text: the caption, a band, a group */
        if (no_values && s->ntext == 1 && leaf) {
            if (caption_key && im_similarity(leaf->key, caption_key) >= 0.8 && !data_seen)
                continue;
            double bs;
            if (best_band(ti, leaf, &bs) >= 0 && bs >= TEXT_THRESHOLD)
                continue;
        }
        if (no_values && s->ntext >= 2 && ti->nheadings > 0 &&
            heading_score(m, ti, s) >= TEXT_THRESHOLD)
            continue;
        /* above the data: the column headings (or pieces of them) */
        if (!data_seen && !s->has_number && s->ntext > 0 && header_coverage(m, ti, s) >= 0.6) {
            header_rows = r + 1;
            continue;
        }
        if (t->nlabel_columns == 0) {
            /* no row labels: the rows of numbers are the data rows in order */
            if (s->ntext > 0 && !s->has_number) {
                if (!data_seen)
                    header_rows = r + 1;
                continue;
            }
            while (next_plain < ti->nrows && !ti->rows[next_plain].data)
                next_plain++;
            if (next_plain >= ti->nrows) {
                pb_diag_error(m->diag, PB_ERR_INPUT, file, s->where,
                              "a row of values more than table \"%s\" has (%d)", t->id,
                              ti->ndata);
                m->failed = true;
                continue;
            }
            if (!data_seen && !m->t->flattened)
                colmap = map_columns(m, ti, header_rows);
            data_seen = true;
            trow *tr = &ti->rows[next_plain++];
            tr->matched = r;
            fill_row(m, ti, tr, s, colmap, values);
            continue;
        }
        if (!leaf) {
            if (s->has_number) {
                pb_diag_error(m->diag, PB_ERR_INPUT, file, s->where,
                              "a row of values without a label: no row of table \"%s\" to "
                              "put them in",
                              t->id);
                m->failed = true;
            }
            continue;
        }
        cand best, second;
        rank_rows(ti, s, leaf, last, true, &best, &second);
        if ((best.index < 0 || best.score < ROW_THRESHOLD) && m->t->flattened) {
            /* text in a value cell ("3条") looks like a label in a copy:
               an earlier label of the row may be the row's */
            for (int j = s->nlabels - 2; j >= s->own_from; j--) {
                cand b2, s2;
                rank_rows(ti, s, &s->labels[j], last, true, &b2, &s2);
                if (b2.index < 0 || b2.score < ROW_THRESHOLD)
                    continue;
                best = b2;
                second = s2;
                leaf = &s->labels[j];
                s->vals = s->cells + leaf->cell + 1;
                s->nvals = s->ncells - leaf->cell - 1;
                break;
            }
        }
        cand gbest, gsecond;
        rank_rows(ti, s, leaf, last, false, &gbest, &gsecond);
        bool has_values = false;
        for (int k = 0; k < s->nvals; k++)
            has_values = has_values || (*s->vals[k].text && !s->vals[k].from_above);
        /* a label alone that is a group's: the rows below belong to it */
        if (!has_values && gbest.index >= 0 && gbest.score >= ROW_THRESHOLD &&
            gbest.score >= best.score)
            continue;
        if (best.index < 0 || best.score < ROW_THRESHOLD) {
            if (!data_seen && !s->has_number) {
                header_rows = r + 1; /* the column headings */
                continue;
            }
            if (has_values) {
                pb_diag_error(m->diag, PB_ERR_INPUT, file, s->where,
                              "the row \"%s\" matches no row of table \"%s\" (%s)", leaf->text,
                              t->id, candidates_text(m, ti, &best, &second));
                m->failed = true;
            } else {
                pb_diag_warning(m->diag, file, s->where,
                                "the row \"%s\" matches no row of table \"%s\" and is left "
                                "out (%s)",
                                leaf->text, t->id, candidates_text(m, ti, &best, &second));
            }
            continue;
        }
        if (second.index >= 0 && best.score - second.score < AMBIGUOUS_MARGIN) {
            pb_diag_error(m->diag, PB_ERR_INPUT, file, s->where,
                          "the row \"%s\" matches two rows of table \"%s\" equally: \"%s\" "
                          "and \"%s\"",
                          leaf->text, t->id, row_name(ti, best.index),
                          row_name(ti, second.index));
            m->failed = true;
            continue;
        }
        trow *tr = &ti->rows[best.index];
        if (tr->matched >= 0) {
            pb_diag_error(m->diag, PB_ERR_INPUT, file, s->where,
                          "the row \"%s\" is the row \"%s\" of table \"%s\" again (first at "
                          "%s)",
                          leaf->text, row_name(ti, best.index), t->id,
                          m->t->row_where[tr->matched]);
            m->failed = true;
            continue;
        }
        if (!data_seen && !m->t->flattened)
            colmap = map_columns(m, ti, header_rows);
        data_seen = true;
        tr->matched = r;
        last = best.index;
        fill_row(m, ti, tr, s, colmap, values);
    }
    /* rows of the template the source does not have, in one message */
    const char *missing = NULL;
    int nmissing = 0;
    for (int i = 0; i < ti->nrows; i++) {
        const trow *tr = &ti->rows[i];
        if (!tr->data || tr->matched >= 0)
            continue;
        if (++nmissing <= 6)
            missing = missing ? pb_arena_printf(m->a, "%s, \"%s\"", missing, row_name(ti, i))
                              : pb_arena_printf(m->a, "\"%s\"", row_name(ti, i));
    }
    if (nmissing)
        pb_diag_warning(m->diag, file, m->t->where,
                        "%d row%s of table \"%s\" %s not in the source, %s cells are left "
                        "blank: %s%s",
                        nmissing, nmissing == 1 ? "" : "s", t->id,
                        nmissing == 1 ? "is" : "are", nmissing == 1 ? "its" : "their", missing,
                        nmissing > 6 ? pb_arena_printf(m->a, " and %d more", nmissing - 6)
                                     : "");
    out->tpl = t;
    out->values = values;
    out->nvalues = ti->nslots;
    for (int i = 0; i < ti->nslots; i++)
        out->cells_filled += values[i].kind != OB_BLANK;
}

bool pb_import_match_table(const im_doc *doc, const im_table *t, const pb_layout *layout,
                           ob_block *out, pb_diag *diag)
{
    mctx m = {.doc = doc, .t = t, .a = doc->arena, .diag = diag};
    out->where = t->where;
    build_rows(&m);
    double top = 0, next = 0;
    int best = -1, second = -1;
    tinfo *infos = pb_arena_calloc(m.a, (size_t)layout->ntables + 1, sizeof *infos);
    for (int i = 0; i < layout->ntables; i++) {
        template_info(m.a, &layout->tables[i], &infos[i]);
        double s = score_template(&m, &infos[i]);
        if (s > top) {
            next = top;
            second = best;
            top = s;
            best = i;
        } else if (s > next) {
            next = s;
            second = i;
        }
    }
    if (best >= 0 && top >= TABLE_THRESHOLD) {
        if (second >= 0 && next >= TABLE_THRESHOLD && top - next < 0.05)
            pb_diag_warning(diag, doc->file, t->where,
                            "the table could be \"%s\" or \"%s\" of the layout; taken as "
                            "\"%s\"",
                            layout->tables[best].id, layout->tables[second].id,
                            layout->tables[best].id);
        fill_template(&m, &infos[best], out);
        return !m.failed;
    }
    bool near = best >= 0 && top >= 0.25;
    if (layout->ntables > 0)
        pb_diag_warning(diag, doc->file, t->where,
                        "the table matches no table of the layout%s%s%s: it is imported as a "
                        "table of its own",
                        near ? " (nearest: \"" : "", near ? layout->tables[best].id : "",
                        near ? "\")" : "");
    return pb_import_inline_table(doc, t, out, diag);
}
