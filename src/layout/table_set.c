#include "layout/table_set.h"

#include "base/call.h"
#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>

/* Measurement for the solver: each cell's text is prepared (shaped, with
 * its break opportunities) once, at the first size asked for, and scaled
 * to the other sizes tried (pb_prepared_rescale), then broken at whatever
 * width the solver asks about. */
typedef struct measure_ctx {
    const pb_fontset *fonts;
    const pb_table_grid *grid;
    int role;
    pb_arena *arena;
    pb_diag *diag;
    pb_prepared *base;    /* per cell: shaped once (shared by the builds of
                             one table, see pb_table_set_build) */
    pb_fx *base_size;     /* the size each was shaped at; 0: not yet */
    pb_prepared *prep;    /* per cell, at prep_size: the base or its scale */
    pb_fx *prep_size;     /* the size each was prepared at; 0: none */
    pb_lb_unit **hinted;  /* per cell with break hints: its units with
                             opportunities only where the layout prefers */
    int *hinted_n;        /* how many units each hinted array holds */
    const int *same;      /* per cell: the first cell set like it */
    const int *kind;      /* per cell: its kind, the index into the arrays
                             above (cells set alike are one kind) */
    pb_fx *hinted_min;    /* the widest piece between those */
    bool *greedy;         /* per kind: its lines never grow in number with
                             the width (see prepared) */
    bool *spans_hold;     /* per kind: held spans apply (see broken_at) */
    struct lines_memo {   /* texts broken, per kind, size and width */
        struct lines_slot {
            int kind;     /* -1: empty */
            pb_fx size, width;
            int lines;
            pb_fx widest; /* the widest line's width as set */
            bool lone;    /* a line holds one character alone */
        } *slots;
        int n, cap;       /* cap: a power of two */
    } memo;
    struct held {         /* per kind: the widths at which a text broken
                             at `hi` breaks the same way (see broken_at) */
        struct held_span {
            pb_fx size, lo, hi;
            struct lines_slot got;
        } *v;
        int n, cap;
    } *held;              /* owned, with each v */
    int nheld;
    bool push_in;         /* marks in cells may be squeezed to fit a line */
    pb_arena *scratch;    /* owned: the line breaks of measurements */
    pb_arena *tmp;        /* owned: the line breaks of the cells as set */
    int scratch_uses;
    bool failed;
} measure_ctx;

/* An arena for a measurement's line breaks, renewed now and then: the
 * solver breaks each text many times and keeps none of it. */
static pb_arena *scratch(measure_ctx *m)
{
    if (!m->scratch || ++m->scratch_uses > 256) {
        pb_arena_free(m->scratch);
        m->scratch = NULL;
        m->scratch = pb_arena_new();
        m->scratch_uses = 0;
    }
    return m->scratch;
}

static const pb_prepared *prepared(measure_ctx *m, const pb_table_cell *c, pb_fx size)
{
    int i = m->kind[c - m->grid->cells];
    c = &m->grid->cells[m->same[c - m->grid->cells]];
    if (m->prep_size[i] == size)
        return &m->prep[i];
    size_t len = strlen(c->text);
    if (len == 0) {
        memset(&m->prep[i], 0, sizeof m->prep[i]);
        m->prep_size[i] = size;
        return &m->prep[i];
    }
    if (m->base_size[i] == size) {
        m->prep[i] = m->base[i];
    } else if (!m->base_size[i] ||
               !pb_prepared_rescale(&m->base[i], m->fonts, size, m->arena, &m->prep[i])) {
        /* the shaped text borrows its spans: keep the span in the arena */
        pb_span *span = pb_arena_alloc(m->arena, sizeof *span);
        *span = (pb_span){
            .start = 0,
            .end = (uint32_t)len,
            .role = m->role,
            .size = size,
            .bold = c->bold,
            .path = c->path,
            .file = c->file,
        };
        if (!pb_prepare(m->fonts, c->text, len, span, 1, m->arena, &m->prep[i], m->diag)) {
            m->failed = true;
            memset(&m->prep[i], 0, sizeof m->prep[i]);
        }
        if (!m->base_size[i] && !m->failed) {
            m->base[i] = m->prep[i];
            m->base_size[i] = size;
        }
    }
    const pb_prepared *p = &m->prep[i];
    if (c->breaks.n > 0 && p->nunits > 0) {
        /* a line may end only where the layout says (and clreq allows);
         * the units' copy is made once and rewritten at each size */
        pb_lb_unit *u = m->hinted[i];
        if (!u || m->hinted_n[i] != p->nunits) {
            u = pb_arena_calloc(m->arena, (size_t)p->nunits, sizeof *u);
            m->hinted_n[i] = p->nunits;
        }
        memcpy(u, p->units, (size_t)p->nunits * sizeof *u);
        for (int k = 0, h = 0; k < p->nunits; k++) {
            uint32_t at = p->cstart[k + 1];
            while (h < c->breaks.n && c->breaks.at[h] < at)
                h++;
            bool hint = h < c->breaks.n && c->breaks.at[h] == at;
            if (u[k].brk == PB_BRK_ALLOW && !hint)
                u[k].brk = PB_BRK_NONE;
        }
        pb_fx mx;
        pb_linebreak_extent(u, p->nunits, &m->hinted_min[i], &mx);
        m->hinted[i] = u;
    } else {
        m->hinted[i] = NULL;
    }
    /* pb_linebreak fits greedily: each line takes the most units whose
     * narrowest width fits, a sum of the units' own narrowest widths, which
     * are not negative when their advances are not; so a wider measure
     * never ends a line earlier and never needs more lines, as long as
     * the units stay the same (units_at changes them at hinted_min). */
    bool greedy = true, drawn = true;
    for (int k = 0; k < p->nunits && greedy; k++) {
        greedy = p->units[k].width >= 0 && p->units[k].em >= 0;
        drawn = drawn && p->units[k].width > 0;
    }
    m->greedy[i] = greedy;
    /* a unit of no width (a zero-width space) is passed over when a lone
     * last character pulls the one before it down, which may then end a
     * line elsewhere at a narrower width, with as many lines */
    m->spans_hold[i] = greedy && drawn;
    m->prep_size[i] = size;
    return &m->prep[i];
}

/* Where the memo keeps (kind, size, width), or where it would. */
static struct lines_slot *memo_slot(struct lines_memo *mo, int kind, pb_fx size, pb_fx width)
{
    if (2 * (mo->n + 1) > mo->cap) {
        struct lines_slot *old = mo->slots;
        int ocap = mo->cap;
        mo->cap = ocap ? 2 * ocap : 256;
        mo->slots = pb_xmalloc((size_t)mo->cap * sizeof *mo->slots);
        for (int k = 0; k < mo->cap; k++)
            mo->slots[k].kind = -1;
        for (int k = 0; k < ocap; k++)
            if (old[k].kind >= 0)
                *memo_slot(mo, old[k].kind, old[k].size, old[k].width) = old[k];
        free(old);
    }
    uint32_t h = (uint32_t)kind * 2654435761u ^ (uint32_t)width * 2246822519u ^
                 (uint32_t)size * 3266489917u;
    uint32_t mask = (uint32_t)mo->cap - 1, k = h & mask;
    while (mo->slots[k].kind >= 0 &&
           (mo->slots[k].kind != kind || mo->slots[k].size != size ||
            mo->slots[k].width != width))
        k = (k + 1) & mask;
    return &mo->slots[k];
}

/* The units to break a cell at a width: the layout's pieces when the
 * widest of them fits, else every opportunity. */
static const pb_lb_unit *units_at(const measure_ctx *m, const pb_table_cell *c,
                                  const pb_prepared *p, pb_fx width)
{
    int i = m->kind[c - m->grid->cells];
    return m->hinted[i] && width >= m->hinted_min[i] ? m->hinted[i] : p->units;
}

static void measure_extent(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx *min,
                           pb_fx *max)
{
    const pb_prepared *p = prepared(ctx, c, size);
    if (p->nunits == 0) {
        *min = *max = 0;
        return;
    }
    pb_prepared_extent(p, min, max);
    if (c->nowrap)
        *min = *max; /* numbers never wrap */
}

static pb_lb_params cell_params(const pb_table_cell *c, pb_fx width, bool push_in)
{
    return (pb_lb_params){
        .measure = width,
        .align = (pb_align)c->align,
        .compress_punct = true,
        /* a comma squeezed to fit a cell reads as "," and is narrower
         * than the one in the next cell: the solver gives the column the
         * width, or the text wraps (push-in only for a table that fits
         * its page no other way, see pb_table_set_build) */
        .marks_whole = !push_in,
        .avoid_single_last = true, /* no "度" alone under "结转下年" */
    };
}

/* Is cp one of the characters of set? */
static bool strchr_cp(const char *set, uint32_t cp)
{
    for (size_t i = 0, n = strlen(set); i < n;)
        if (pb_utf8_next(set, n, &i) == cp)
            return true;
    return false;
}

/* Does a line of these hold a single character (or one Latin word) of a
 * text that has more? */
static bool lone_line(const pb_prepared *p, const pb_lb_result *res)
{
    if (res->nlines < 2)
        return false;
    for (int l = 0; l < res->nlines; l++) {
        const pb_lb_line *ln = &res->lines[l];
        int words = 0;
        bool bracket = false, numeral = false;
        for (int k = ln->first; k < ln->first + ln->count; k++) {
            const pb_lb_unit *u = &p->units[k];
            bool latin = u->cls == PB_CC_LATIN;
            if (u->cls == PB_CC_HAN || (latin && (k == ln->first || p->units[k - 1].cls != PB_CC_LATIN)))
                words++;
            bracket = bracket || u->cls == PB_CC_OPEN;
            /* the "、" first: most characters are not followed by one */
            numeral = numeral || (u->cls == PB_CC_HAN && k + 1 < p->nunits &&
                                  p->units[k + 1].cp == 0x3001 &&
                                  strchr_cp("一二三四五六七八九十", u->cp));
        }
        /* an enumerator on a line of its own ("（三）", "三、") is not alone */
        if (words == 1 && !bracket && !numeral)
            return true;
    }
    return false;
}

/* A cell's text broken at a width, each (kind, size, width) once: the
 * solver asks again (each step's search starts from the narrowest width,
 * cells set alike ask alike, and the search for a poorly set cell's width
 * asks about widths the steps have broken at, and the other way round).
 * And a text whose lines never grow with the width, of units that all
 * take room, breaks the same way at every width from its widest line
 * as set up to the width it was
 * broken at (greedy fitting: each line still fits, and no more than it
 * held did; tests/unit/test_table.c checks pb_linebreak for it): a width
 * in such a span is answered from it, which is what a search's guess is
 * (see measure_lines_guess). */
static const struct lines_slot *broken_at(measure_ctx *m, const pb_table_cell *c,
                                          const pb_prepared *p, pb_fx size, pb_fx width)
{
    int i = m->kind[c - m->grid->cells];
    struct lines_slot *sl = memo_slot(&m->memo, i, size, width);
    if (sl->kind >= 0)
        return sl;
    struct held *hd = &m->held[i];
    for (int k = 0; m->spans_hold[i] && k < hd->n; k++) {
        const struct held_span *h = &hd->v[k];
        if (h->size == size && h->lo <= width && width <= h->hi) {
            *sl = h->got;
            sl->width = width;
            m->memo.n++;
            return sl;
        }
    }
    pb_lb_params lp = cell_params(c, width, m->push_in);
    pb_lb_result res;
    pb_linebreak(units_at(m, c, p, width), p->nunits, &lp, scratch(m), &res);
    /* the guess: the widest line as set, marks at its end compressed
     * (its natural width would be wider by the half em a trailing "。"
     * gives up, a range the solver would have to search) */
    pb_fx widest = 0;
    for (int l = 0; l < res.nlines; l++) {
        pb_fx w = res.lines[l].width < res.lines[l].natural ? res.lines[l].width
                                                            : res.lines[l].natural;
        if (w > widest)
            widest = w;
    }
    *sl = (struct lines_slot){i, size, width, res.nlines, widest, lone_line(p, &res)};
    m->memo.n++;
    /* the span holds on the side of the layout's pieces it was broken on
     * (units_at), and not below a line one unit too wide for the width */
    pb_fx lo = m->hinted[i] && width >= m->hinted_min[i] && widest < m->hinted_min[i]
                   ? m->hinted_min[i]
                   : widest;
    if (m->spans_hold[i] && lo < width && lo >= 1) {
        if (hd->n == hd->cap) {
            hd->cap = hd->cap ? 2 * hd->cap : 8;
            hd->v = pb_xrealloc(hd->v, (size_t)hd->cap * sizeof *hd->v);
        }
        hd->v[hd->n++] = (struct held_span){size, lo, width - 1, *sl};
    }
    return sl;
}

/* The lines of a cell at a width.  *guess: for a cell whose lines never
 * grow with the width (on either side of *split, where the layout's
 * pieces take over), its widest line (the same count may hold down to
 * there), else 0. */
static int measure_lines_guess(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width,
                               pb_fx *guess, pb_fx *split)
{
    measure_ctx *m = ctx;
    const pb_prepared *p = prepared(m, c, size);
    *guess = *split = 0;
    if (p->nunits == 0)
        return 0;
    int i = m->kind[c - m->grid->cells];
    const struct lines_slot *sl = broken_at(m, c, p, size, width);
    if (m->greedy[i]) {
        *guess = sl->widest;
        *split = m->hinted[i] ? m->hinted_min[i] : 0;
    }
    return sl->lines;
}

static int measure_lines(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    pb_fx guess, split;
    return measure_lines_guess(ctx, c, size, width, &guess, &split);
}

/* Is the text poorly set in `width`: a line ending inside one of the
 * layout's pieces, or a line holding a single character (or one Latin
 * word) of a text that has more? */
static bool measure_poor(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    measure_ctx *m = ctx;
    const pb_prepared *p = prepared(m, c, size);
    if (p->nunits == 0)
        return false;
    int i = m->kind[c - m->grid->cells];
    if (m->hinted[i] && width < m->hinted_min[i])
        return true;
    return broken_at(m, c, p, size, width)->lone;
}

static int measure_same(void *ctx, const pb_table_cell *c)
{
    const measure_ctx *m = ctx;
    return m->same[c - m->grid->cells];
}

/* Cells that are set alike: the same text, boldness, alignment, wrapping
 * and preferred breaks (the table's font and size are the same for all). */
static uint32_t cell_hash(const pb_table_cell *c)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *t = c->text; *t; t++)
        h = (h ^ (unsigned char)*t) * 16777619u;
    h = (h ^ (uint32_t)c->bold) * 16777619u;
    h = (h ^ (uint32_t)c->nowrap) * 16777619u;
    h = (h ^ (uint32_t)c->align) * 16777619u;
    for (int k = 0; k < c->breaks.n; k++)
        h = (h ^ c->breaks.at[k]) * 16777619u;
    return h;
}

static bool cells_alike(const pb_table_cell *a, const pb_table_cell *b)
{
    return a->bold == b->bold && a->nowrap == b->nowrap && a->align == b->align &&
           a->breaks.n == b->breaks.n && !strcmp(a->text, b->text) &&
           (a->breaks.n == 0 ||
            !memcmp(a->breaks.at, b->breaks.at, (size_t)a->breaks.n * sizeof *a->breaks.at));
}

/* Per cell: the first cell of the grid set like it (itself if none), and
 * its kind (the kinds numbered from 0 in the order of their first cells);
 * returns the number of kinds. */
static int alike_cells(const pb_table_grid *g, pb_arena *arena, int **same_out, int **kind_out)
{
    int *same = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *same);
    int *kind = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *kind);
    int nkinds = 0;
    int cap = 64;
    while (cap < 2 * g->ncells)
        cap *= 2;
    int *slot = pb_xcalloc((size_t)cap, sizeof *slot); /* first cell + 1; 0: empty */
    for (int i = 0; i < g->ncells; i++) {
        const pb_table_cell *c = &g->cells[i];
        int k = (int)(cell_hash(c) & (uint32_t)(cap - 1));
        while (slot[k] && !cells_alike(&g->cells[slot[k] - 1], c))
            k = (k + 1) & (cap - 1);
        if (!slot[k]) {
            slot[k] = i + 1;
            kind[i] = nkinds++;
        }
        same[i] = slot[k] - 1;
        kind[i] = kind[same[i]];
    }
    free(slot);
    *same_out = same;
    *kind_out = kind;
    return nkinds;
}

/* What measuring holds: given back after the solve, and however the
 * build ends (memory running out included). */
static void measure_free(measure_ctx *m)
{
    pb_arena_free(m->scratch);
    m->scratch = NULL;
    free(m->memo.slots);
    m->memo.slots = NULL;
    for (int k = 0; k < m->nheld; k++)
        free(m->held[k].v);
    free(m->held);
    m->held = NULL;
    m->nheld = 0;
    pb_arena_free(m->tmp);
    m->tmp = NULL;
}

/* Measures the cells, solves the table's widths and sets each cell's
 * lines; what it holds meanwhile is in m (measure_free). */
static bool measure_and_set(measure_ctx *m, pb_table_set *ts, const pb_table_template *tpl,
                            const pb_layout *layout, pb_fx size)
{
    const pb_table_grid *g = m->grid;
    const pb_fontset *fonts = m->fonts;
    pb_arena *arena = m->arena;
    pb_diag *diag = m->diag;
    bool push_in = m->push_in;
    int role = m->role;
    size_t nk = (size_t)ts->nkinds + 1;
    m->held = pb_xcalloc(nk, sizeof *m->held);
    m->nheld = (int)nk;
    pb_table_measurer mr = {.ctx = m, .extent = measure_extent, .lines = measure_lines,
                            .poor = measure_poor, .lines_guess = measure_lines_guess,
                            .same = measure_same};
    bool solved = pb_table_solve_at(g, &tpl->style, size > 0 ? size : tpl->style.size,
                                    layout->text_width, layout->text_height, &mr, arena,
                                    &ts->geo, diag);
    measure_free(m); /* the measurements are over: nothing may break lines in it */
    if (!solved || m->failed)
        return false;

    /* Set every cell at the chosen size in its column span's text width;
     * its line breaks are needed only until its lines are placed. */
    const pb_table_geometry *geo = &ts->geo;
    ts->cells = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *ts->cells);
    pb_arena *tmp = m->tmp = pb_arena_new();
    pb_arena_pos empty = pb_arena_mark(tmp);
    for (int i = 0; i < g->ncells; i++) {
        pb_arena_release(tmp, empty);
        const pb_table_cell *c = &g->cells[i];
        pb_cell_text *ct = &ts->cells[i];
        ct->text = c->text;
        const pb_prepared *p = prepared(m, c, geo->size);
        if (m->failed)
            return false;
        if (p->nunits == 0)
            continue;
        pb_fx inner = geo->col_x[c->col + c->colspan] - geo->col_x[c->col] -
                      2 * tpl->style.pad_x;
        /* a cell set like an earlier one in a span as wide shows its lines
         * (they are read-only once set) */
        const pb_table_cell *first = &g->cells[ts->same[i]];
        if (ts->same[i] < i && first->colspan == c->colspan &&
            geo->col_x[first->col + first->colspan] - geo->col_x[first->col] ==
                geo->col_x[c->col + c->colspan] - geo->col_x[c->col]) {
            ct->lines = ts->cells[ts->same[i]].lines;
            ct->nlines = ts->cells[ts->same[i]].nlines;
            continue;
        }
        pb_lb_params lp = cell_params(c, inner, push_in);
        pb_lb_result res;
        pb_linebreak(units_at(m, c, p, inner), p->nunits, &lp, tmp, &res);
        ct->nlines = res.nlines;
        ct->lines = pb_arena_calloc(arena, (size_t)res.nlines + 1, sizeof *ct->lines);
        for (int li = 0; li < res.nlines; li++) {
            pb_cell_line *cl = &ct->lines[li];
            pb_fx w = pb_prepared_place(p, fonts, &res, li, arena, &cl->glyphs, &cl->nglyphs);
            pb_prepared_links(p, &res, li, cl->glyphs, cl->nglyphs, 0, 0, arena, &cl->links,
                              &cl->nlinks);
            /* right-to-left text (Uyghur) starts at the cell's right */
            bool rtl = pb_prepared_rtl(p);
            if (c->align == PB_ALIGN_CENTER)
                cl->x = (inner - w) / 2;
            else if ((c->align == PB_ALIGN_RIGHT) != rtl)
                cl->x = inner - w;
        }
    }
    for (int r = 0; r < g->nheader; r++)
        ts->header_height += geo->row_h[r];

    /* "续表": one line of the table's type above each continuation, set
     * like a cell's text, on the table's line pitch and padding */
    const char *cont = tpl->style.continued;
    pb_arena_release(tmp, empty);
    if (cont && *cont) {
        pb_table_cell cc = {.text = cont, .align = tpl->style.continued_align, .slot = -1,
                            .path = tpl->path, .file = tpl->source};
        pb_span *span = pb_arena_alloc(tmp, sizeof *span);
        *span = (pb_span){.start = 0, .end = (uint32_t)strlen(cont), .role = role,
                          .size = geo->size, .path = tpl->path, .file = tpl->source};
        pb_prepared p;
        if (!pb_prepare(fonts, cont, strlen(cont), span, 1, tmp, &p, diag))
            return false;
        pb_lb_params lp = cell_params(&cc, geo->width, push_in);
        lp.align = PB_ALIGN_LEFT;
        pb_lb_result res;
        pb_linebreak(p.units, p.nunits, &lp, tmp, &res);
        pb_fx w = pb_prepared_place(&p, fonts, &res, 0, arena, &ts->continued.glyphs,
                                    &ts->continued.nglyphs);
        ts->continued.x = cc.align == PB_ALIGN_CENTER  ? (geo->width - w) / 2
                          : cc.align == PB_ALIGN_RIGHT ? geo->width - w
                                                       : 0;
        ts->continued_text = cont;
    }
    pb_table_set_pad(ts, ts->style->pad_y);
    return true;
}

typedef struct set_run {
    measure_ctx *m;
    pb_table_set *ts;
    const pb_table_template *tpl;
    const pb_layout *layout;
    pb_fx size;
    bool ok;
} set_run;

static void run_set(void *arg)
{
    set_run *r = arg;
    r->ok = measure_and_set(r->m, r->ts, r->tpl, r->layout, r->size);
}

static void undo_set(void *arg)
{
    measure_free(((set_run *)arg)->m);
}

bool pb_table_set_build(const pb_block *block, const pb_layout *layout,
                        const pb_fontset *fonts, pb_fx size, bool push_in,
                        const pb_table_set *like, pb_arena *arena, pb_table_set **out,
                        pb_diag *diag)
{
    const pb_table_template *tpl = block->table;
    pb_table_set *ts = pb_arena_alloc(arena, sizeof *ts);
    ts->own_style = tpl->style;
    ts->style = &ts->own_style;
    ts->file = tpl->source;
    ts->path = block->path;
    ts->push_in = push_in;
    if (like) {
        ts->grid = like->grid; /* read-only once built */
    } else if (!pb_table_grid_build(tpl, block->values, block->nvalues, arena, &ts->grid,
                                    diag)) {
        return false;
    }
    int role = pb_fonts_role(fonts, tpl->style.role);
    if (role < 0) {
        pb_diag_error(diag, PB_ERR_LAYOUT, tpl->source, tpl->path,
                      "font role \"%s\" is not loaded", tpl->style.role);
        return false;
    }
    const pb_table_grid *g = &ts->grid;
    measure_ctx m = {
        .fonts = fonts,
        .grid = g,
        .role = role,
        .arena = arena,
        .diag = diag,
        .push_in = push_in,
    };
    if (like) {
        ts->same = like->same;
        ts->kind = like->kind;
        ts->nkinds = like->nkinds;
    } else {
        ts->nkinds = alike_cells(g, arena, &ts->same, &ts->kind);
    }
    size_t nk = (size_t)ts->nkinds + 1;
    m.same = ts->same;
    m.kind = ts->kind;
    m.base = like ? like->base : pb_arena_calloc(arena, nk, sizeof *m.base);
    m.base_size = like ? like->base_size : pb_arena_calloc(arena, nk, sizeof *m.base_size);
    m.prep = pb_arena_calloc(arena, nk, sizeof *m.prep);
    m.prep_size = pb_arena_calloc(arena, nk, sizeof *m.prep_size);
    m.hinted = pb_arena_calloc(arena, nk, sizeof *m.hinted);
    m.hinted_n = pb_arena_calloc(arena, nk, sizeof *m.hinted_n);
    m.hinted_min = pb_arena_calloc(arena, nk, sizeof *m.hinted_min);
    m.greedy = pb_arena_calloc(arena, nk, sizeof *m.greedy);
    m.spans_hold = pb_arena_calloc(arena, nk, sizeof *m.spans_hold);
    ts->base = m.base;
    ts->base_size = m.base_size;
    set_run r = {&m, ts, tpl, layout, size, false};
    pb_oom_guard(run_set, undo_set, &r);
    measure_free(&m);
    if (r.ok)
        *out = ts;
    return r.ok;
}

void pb_table_set_pad(pb_table_set *ts, pb_fx pad_y)
{
    ts->own_style.pad_y = pad_y;
    pb_table_rows(&ts->grid, &ts->geo, pad_y);
    ts->header_height = 0;
    for (int r = 0; r < ts->grid.nheader; r++)
        ts->header_height += ts->geo.row_h[r];
    ts->continued_height = ts->continued_text ? ts->geo.line_pitch + 2 * pad_y : 0;
}

pb_fx pb_table_set_height(const pb_table_set *ts)
{
    pb_fx h = 0;
    for (int r = 0; r < ts->grid.nrows; r++)
        h += ts->geo.row_h[r];
    return h;
}

/* A piece's rows set with a padding of their own: the table's geometry
 * and style with row heights of that padding for the piece's rows (the
 * others are not read). */
typedef struct padded {
    pb_table_geometry geo;
    pb_table_style style;
    pb_fx *row_h;         /* in the caller's scratch */
} padded;

static void pad_piece(const pb_table_set *ts, const pb_table_span *sp, pb_fx pad_y, bool header,
                      pb_arena *scratch, padded *p)
{
    p->geo = ts->geo;
    p->style = *ts->style;
    p->row_h = NULL;
    if (pad_y < 0 || pad_y == ts->style->pad_y)
        return;
    p->style.pad_y = pad_y;
    p->row_h = pb_arena_alloc(scratch, ((size_t)ts->grid.nrows + 1) * sizeof *p->row_h);
    p->geo.row_h = p->row_h;
    pb_table_rows_part(&ts->grid, &ts->geo, pad_y, sp->r0, sp->r1, header, p->row_h);
}

/* A piece being fitted to the grid: its rows, whether its header rows
 * are padded with them, and where it starts. */
typedef struct fitting {
    const pb_table_set *ts;
    const pb_table_span *sp;
    bool header;
    pb_fx top;
} fitting;

/* Where the piece ends at padding pad_y (< 0: the table's). */
static pb_fx end_at(const fitting *f, pb_fx pad_y)
{
    const pb_table_grid *g = &f->ts->grid;
    const pb_table_span *sp = f->sp;
    padded p;
    pb_scratch scratch;
    pad_piece(f->ts, sp, pad_y, f->header, pb_scratch_begin(&scratch), &p);
    pb_fx h = pb_table_piece_height(g, &p.geo, &p.style, g->nheader > 0, sp->r0, sp->l0, sp->r1,
                                    sp->l1) +
              (sp->continued ? f->ts->continued_height : 0);
    pb_scratch_end(&scratch);
    return f->top + h;
}

pb_fx pb_table_set_piece_height(const pb_table_set *ts, const pb_table_span *sp,
                                const pb_table_fit *fit)
{
    fitting f = {ts, sp, fit && fit->header, 0};
    return fit ? end_at(&f, fit->pad_y) + fit->stretch : end_at(&f, -1);
}

/* The largest padding in [lo, hi] at which the piece ends no lower than
 * `line`, or -1. */
static pb_fx padding_to(const fitting *f, pb_fx lo, pb_fx hi, pb_fx line)
{
    if (end_at(f, lo) > line)
        return -1;
    while (lo < hi) {
        pb_fx mid = lo + (hi - lo + 1) / 2;
        if (end_at(f, mid) <= line)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The piece at padding p reaches `line` when one more step of padding
 * would take it past: its rows then make up the difference together. */
static bool reaches(const fitting *f, pb_fx p, pb_fx hi, pb_fx line, pb_table_fit *fit)
{
    pb_fx end = end_at(f, p);
    if (end < line && (p >= hi || end_at(f, p + 1) <= line))
        return false;
    *fit = (pb_table_fit){p, line - end, f->header};
    return true;
}

/* The fit of pb_table_set_grid_fit with or without the header rows;
 * false when the piece reaches no grid line (*fit: as near the line below
 * its end as the padding goes). */
static bool fit_to_grid(const fitting *f, pb_fx pitch, pb_fx most, bool fill, pb_table_fit *fit)
{
    const pb_table_style *tpl = &f->ts->grid.tpl->style;
    pb_fx nom = f->ts->style->pad_y, lo = tpl->pad_y_min, hi = tpl->pad_y_max;
    if (lo > nom)
        lo = nom;
    if (hi < nom)
        hi = nom;
    *fit = (pb_table_fit){nom, 0, false};
    pb_fx end = end_at(f, nom);
    if (pitch <= 0 || end > most || end % pitch == 0)
        return true;
    pb_fx foot = most / pitch * pitch, p;
    /* the page's last line, when the rows can reach it */
    if (fill && end < foot && (p = padding_to(f, nom, hi, foot)) >= 0 &&
        reaches(f, p, hi, foot, fit))
        return true;
    /* the grid line above the piece's end and the one below it (no lower
     * than the foot): whichever the piece can end on with less change */
    pb_fx line[2] = {end / pitch * pitch, end / pitch * pitch + pitch};
    pb_fx best_change = -1;
    for (int k = 0; k < 2; k++) {
        if (line[k] <= f->top || line[k] > foot)
            continue;
        p = k == 0 ? padding_to(f, lo, nom, line[k]) : padding_to(f, nom, hi, line[k]);
        pb_table_fit got;
        if (p < 0 || !reaches(f, p, k == 0 ? nom : hi, line[k], &got))
            continue;
        pb_fx change = p > nom ? p - nom : nom - p;
        if (best_change < 0 || change < best_change) {
            *fit = got;
            best_change = change;
        }
    }
    if (best_change >= 0)
        return true;
    if (line[1] <= foot && (p = padding_to(f, nom, hi, line[1])) >= 0)
        *fit = (pb_table_fit){p, 0, f->header};
    return false;
}

pb_table_fit pb_table_set_grid_fit(const pb_table_set *ts, const pb_table_span *sp, pb_fx top,
                                   pb_fx pitch, pb_fx most, bool fill)
{
    /* the body rows alone, so a repeated header looks the same on every
     * page; the header rows too when that is what it takes */
    pb_table_fit fit;
    fitting f = {ts, sp, false, top};
    if (fit_to_grid(&f, pitch, most, fill, &fit) || ts->grid.nheader == 0)
        return fit;
    f.header = true;
    fit_to_grid(&f, pitch, most, fill, &fit);
    return fit;
}

/* Where y of a piece goes when the rows below its header (from `top`
 * down to `height`) are made `by` taller in proportion: a step of
 * padding too small to see. */
static pb_fx stretched(pb_fx y, pb_fx top, pb_fx height, pb_fx by)
{
    if (y <= top || height <= top)
        return y;
    return y + (pb_fx)((int64_t)by * (y - top) / (height - top));
}

static void stretch_piece(pb_table_piece *piece, pb_fx header, pb_fx by)
{
    if (by <= 0)
        return;
    pb_fx h = piece->height;
    for (int b = 0; b < piece->nboxes; b++) {
        pb_table_box *bx = &piece->boxes[b];
        pb_fx y1 = stretched(bx->y + bx->h, header, h, by);
        bx->y = stretched(bx->y, header, h, by);
        bx->h = y1 - bx->y;
    }
    for (int k = 0; k < piece->nrules; k++) {
        piece->rules[k].y0 = stretched(piece->rules[k].y0, header, h, by);
        piece->rules[k].y1 = stretched(piece->rules[k].y1, header, h, by);
    }
    piece->height += by;
}

bool pb_table_set_piece(const pb_table_set *ts, const pb_table_span *sp,
                        const pb_table_fit *fit, pb_arena *arena, pb_gline *out)
{
    const pb_table_grid *g = &ts->grid;
    padded pd;
    pb_scratch scratch;
    pad_piece(ts, sp, fit ? fit->pad_y : -1, fit && fit->header, pb_scratch_begin(&scratch), &pd);
    const pb_table_style *style = &pd.style;
    pb_table_piece piece;
    bool made = pb_table_piece_make(g, &pd.geo, style, g->nheader > 0, sp->r0, sp->l0, sp->r1,
                                    sp->l1, arena, &piece);
    pb_scratch_end(&scratch); /* the piece keeps positions, not the rows */
    if (!made)
        return false;
    if (fit)
        stretch_piece(&piece, fit->header ? 0 : ts->header_height, fit->stretch);
    const pb_table_geometry *geo = &ts->geo; /* size, pitch: alike at every padding */
    bool continued = sp->continued;
    /* a continuation: the continued line first, the table below it */
    pb_fx shift = continued ? ts->continued_height : 0;
    for (int k = 0; k < piece.nrules; k++) {
        piece.rules[k].y0 += shift;
        piece.rules[k].y1 += shift;
    }
    memset(out, 0, sizeof *out);
    out->kind = PB_GLINE_TEXT;
    out->height = piece.height + shift;
    out->width = piece.width;
    out->path = ts->path;
    out->table_row = -1;
    out->rules = piece.rules;
    out->nrules = piece.nrules;
    out->nboxes = piece.nboxes;
    out->boxes = pb_arena_calloc(arena, (size_t)piece.nboxes + 1, sizeof *out->boxes);

    /* One text buffer for the piece: glyphs index their cluster text in it. */
    const char *cont = shift > 0 ? ts->continued_text : NULL;
    size_t text_len = cont ? strlen(cont) : 0;
    int nglyphs = cont ? ts->continued.nglyphs : 0, nlinks = 0;
    for (int b = 0; b < piece.nboxes; b++) {
        const pb_cell_text *ct = &ts->cells[piece.boxes[b].cell];
        text_len += strlen(ct->text);
        for (int li = 0; li < ct->nlines; li++) {
            nglyphs += ct->lines[li].nglyphs;
            nlinks += ct->lines[li].nlinks;
        }
    }
    if (nlinks > 0)
        out->links = pb_arena_calloc(arena, (size_t)nlinks, sizeof *out->links);
    char *text = pb_arena_alloc(arena, text_len + 1);
    out->text = text;
    out->glyphs = pb_arena_calloc(arena, (size_t)nglyphs + 1, sizeof *out->glyphs);
    size_t toff = 0;
    const pb_fx pitch = geo->line_pitch;
    if (cont) {
        size_t len = strlen(cont);
        memcpy(text, cont, len);
        pb_fx base = ts->style->pad_y + pb_baseline_in_box(pitch, geo->size);
        for (int k = 0; k < ts->continued.nglyphs; k++) {
            pb_pglyph pg = ts->continued.glyphs[k];
            pg.x += ts->continued.x;
            pg.y += base;
            out->glyphs[out->nglyphs++] = pg;
        }
        toff = len;
    }
    for (int b = 0; b < piece.nboxes; b++) {
        const pb_table_box *bx = &piece.boxes[b];
        const pb_table_cell *c = &g->cells[bx->cell];
        const pb_cell_text *ct = &ts->cells[bx->cell];
        size_t len = strlen(ct->text);
        memcpy(text + toff, ct->text, len);
        out->boxes[b] = (pb_cell_box){
            .x = bx->x, .y = bx->y + shift, .w = bx->w, .h = bx->h,
            .row = c->row, .col = c->col, .rowspan = c->rowspan, .colspan = c->colspan,
            .cut_top = bx->cut_top, .cut_bottom = bx->cut_bottom,
            .text = ct->text,
            .elem = ts->cell_elem ? ts->cell_elem[bx->cell] : 0,
            .glyph0 = out->nglyphs,
            /* a merged cell cut by the page shows its text again, and a
             * continuation its header rows */
            .repeated = (bx->cut_top && !bx->split) || (continued && c->row < g->nheader),
        };
        /* Text centred vertically in the box as the page shows it; in a
         * split row, the lines this piece shows from the top of the box
         * (the rest continue on the next page). */
        int first = 0, end = ct->nlines;
        pb_fx top = shift + bx->y + (bx->h - ct->nlines * pitch) / 2;
        if (bx->split) {
            first = bx->l0 < ct->nlines ? bx->l0 : ct->nlines;
            end = bx->l1 < ct->nlines ? bx->l1 : ct->nlines;
            top = shift + bx->y + style->pad_y - first * pitch;
        }
        for (int li = first; li < end; li++) {
            const pb_cell_line *cl = &ct->lines[li];
            pb_fx base = top + li * pitch + pb_baseline_in_box(pitch, geo->size);
            pb_fx x = bx->x + style->pad_x + cl->x;
            for (int k = 0; k < cl->nglyphs; k++) {
                pb_pglyph pg = cl->glyphs[k];
                pg.x += x;
                pg.y += base;
                pg.text_off += (uint32_t)toff;
                out->glyphs[out->nglyphs++] = pg;
            }
            /* addresses are links where the text is read, not where it is
             * shown again (an artifact) */
            for (int k = 0; k < cl->nlinks && !out->boxes[b].repeated; k++) {
                pb_link ln = cl->links[k];
                ln.x0 += x;
                ln.x1 += x;
                ln.y0 = top + li * pitch;
                ln.y1 = ln.y0 + pitch;
                out->links[out->nlinks++] = ln;
            }
        }
        out->boxes[b].nglyphs = out->nglyphs - out->boxes[b].glyph0;
        toff += len;
    }
    text[toff] = 0;
    return true;
}
