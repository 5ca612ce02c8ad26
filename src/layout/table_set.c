#include "layout/table_set.h"

#include <string.h>

/* Measurement for the solver: each cell's text is prepared (shaped, with
 * its break opportunities) once per type size and then broken at whatever
 * width the solver asks about. */
typedef struct measure_ctx {
    const pb_fontset *fonts;
    const pb_table_grid *grid;
    int role;
    pb_arena *arena;
    pb_diag *diag;
    pb_prepared *prep;    /* per cell */
    pb_fx *prep_size;     /* the size each was prepared at; 0: none */
    bool failed;
} measure_ctx;

static const pb_prepared *prepared(measure_ctx *m, const pb_table_cell *c, pb_fx size)
{
    int i = (int)(c - m->grid->cells);
    if (m->prep_size[i] == size)
        return &m->prep[i];
    size_t len = strlen(c->text);
    if (len == 0) {
        memset(&m->prep[i], 0, sizeof m->prep[i]);
        m->prep_size[i] = size;
        return &m->prep[i];
    }
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
    m->prep_size[i] = size;
    return &m->prep[i];
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

static pb_lb_params cell_params(const pb_table_cell *c, pb_fx width)
{
    return (pb_lb_params){
        .measure = width,
        .align = (pb_align)c->align,
        .compress_punct = true,
    };
}

static int measure_lines(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    measure_ctx *m = ctx;
    const pb_prepared *p = prepared(m, c, size);
    if (p->nunits == 0)
        return 0;
    pb_lb_params lp = cell_params(c, width);
    pb_lb_result res;
    pb_linebreak(p->units, p->nunits, &lp, m->arena, &res);
    return res.nlines;
}

bool pb_table_set_build(const pb_block *block, const pb_layout *layout,
                        const pb_fontset *fonts, pb_arena *arena, pb_table_set **out,
                        pb_diag *diag)
{
    const pb_table_template *tpl = block->table;
    pb_table_set *ts = pb_arena_alloc(arena, sizeof *ts);
    ts->style = &tpl->style;
    ts->file = tpl->source;
    ts->path = block->path;
    if (!pb_table_grid_build(tpl, block->values, block->nvalues, arena, &ts->grid, diag))
        return false;
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
        .prep = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *m.prep),
        .prep_size = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *m.prep_size),
    };
    pb_table_measurer mr = {.ctx = &m, .extent = measure_extent, .lines = measure_lines};
    if (!pb_table_solve(g, &tpl->style, layout->text_width, &mr, arena, &ts->geo, diag) ||
        m.failed)
        return false;

    /* Set every cell at the chosen size in its column span's text width. */
    const pb_table_geometry *geo = &ts->geo;
    ts->cells = pb_arena_calloc(arena, (size_t)g->ncells + 1, sizeof *ts->cells);
    for (int i = 0; i < g->ncells; i++) {
        const pb_table_cell *c = &g->cells[i];
        pb_cell_text *ct = &ts->cells[i];
        ct->text = c->text;
        const pb_prepared *p = prepared(&m, c, geo->size);
        if (m.failed)
            return false;
        if (p->nunits == 0)
            continue;
        pb_fx inner = geo->col_x[c->col + c->colspan] - geo->col_x[c->col] -
                      2 * tpl->style.pad_x;
        pb_lb_params lp = cell_params(c, inner);
        pb_lb_result res;
        pb_linebreak(p->units, p->nunits, &lp, arena, &res);
        ct->nlines = res.nlines;
        ct->lines = pb_arena_calloc(arena, (size_t)res.nlines + 1, sizeof *ct->lines);
        for (int li = 0; li < res.nlines; li++) {
            pb_cell_line *cl = &ct->lines[li];
            pb_fx w = pb_prepared_place(p, fonts, &res, li, arena, &cl->glyphs, &cl->nglyphs);
            if (c->align == PB_ALIGN_CENTER)
                cl->x = (inner - w) / 2;
            else if (c->align == PB_ALIGN_RIGHT)
                cl->x = inner - w;
        }
    }
    for (int r = 0; r < g->nheader; r++)
        ts->header_height += geo->row_h[r];
    *out = ts;
    return true;
}

bool pb_table_set_piece(const pb_table_set *ts, int r0, int l0, int r1, int l1,
                        pb_arena *arena, pb_gline *out)
{
    const pb_table_grid *g = &ts->grid;
    const pb_table_geometry *geo = &ts->geo;
    pb_table_piece piece;
    if (!pb_table_piece_make(g, geo, ts->style, g->nheader > 0, r0, l0, r1, l1, arena,
                             &piece))
        return false;
    memset(out, 0, sizeof *out);
    out->kind = PB_GLINE_TEXT;
    out->height = piece.height;
    out->width = piece.width;
    out->path = ts->path;
    out->table_row = -1;
    out->rules = piece.rules;
    out->nrules = piece.nrules;
    out->nboxes = piece.nboxes;
    out->boxes = pb_arena_calloc(arena, (size_t)piece.nboxes + 1, sizeof *out->boxes);

    /* One text buffer for the piece: glyphs index their cluster text in it. */
    size_t text_len = 0;
    int nglyphs = 0;
    for (int b = 0; b < piece.nboxes; b++) {
        const pb_cell_text *ct = &ts->cells[piece.boxes[b].cell];
        text_len += strlen(ct->text);
        for (int li = 0; li < ct->nlines; li++)
            nglyphs += ct->lines[li].nglyphs;
    }
    char *text = pb_arena_alloc(arena, text_len + 1);
    out->text = text;
    out->glyphs = pb_arena_calloc(arena, (size_t)nglyphs + 1, sizeof *out->glyphs);
    size_t toff = 0;
    const pb_fx pitch = geo->line_pitch;
    for (int b = 0; b < piece.nboxes; b++) {
        const pb_table_box *bx = &piece.boxes[b];
        const pb_table_cell *c = &g->cells[bx->cell];
        const pb_cell_text *ct = &ts->cells[bx->cell];
        size_t len = strlen(ct->text);
        memcpy(text + toff, ct->text, len);
        out->boxes[b] = (pb_cell_box){
            .x = bx->x, .y = bx->y, .w = bx->w, .h = bx->h,
            .row = c->row, .col = c->col, .rowspan = c->rowspan, .colspan = c->colspan,
            .cut_top = bx->cut_top, .cut_bottom = bx->cut_bottom,
            .text = ct->text,
        };
        /* Text centred vertically in the box as the page shows it; in a
         * split row, the lines this piece shows from the top of the box
         * (the rest continue on the next page). */
        int first = 0, end = ct->nlines;
        pb_fx top = bx->y + (bx->h - ct->nlines * pitch) / 2;
        if (bx->split) {
            first = bx->l0 < ct->nlines ? bx->l0 : ct->nlines;
            end = bx->l1 < ct->nlines ? bx->l1 : ct->nlines;
            top = bx->y + ts->style->pad_y - first * pitch;
        }
        for (int li = first; li < end; li++) {
            const pb_cell_line *cl = &ct->lines[li];
            pb_fx base = top + li * pitch + pb_baseline_in_box(pitch, geo->size);
            pb_fx x = bx->x + ts->style->pad_x + cl->x;
            for (int k = 0; k < cl->nglyphs; k++) {
                pb_pglyph pg = cl->glyphs[k];
                pg.x += x;
                pg.y += base;
                pg.text_off += (uint32_t)toff;
                out->glyphs[out->nglyphs++] = pg;
            }
        }
        toff += len;
    }
    text[toff] = 0;
    return true;
}
