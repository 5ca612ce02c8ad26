/* Paginate stage: cuts the galley into pages of the text block's height.
 *
 * A page takes lines while they fit; when the next line does not fit, the
 * page ends after the last line that allows a break (keep_with_next is
 * false), so headings stay with what follows and paragraphs keep their
 * widow/orphan constraints.  When no line of the page allows a break, the
 * constraint gives way and the page is filled.  Vertical space at the top
 * of a page is dropped. */
#include "layout/paginate.h"

#include <stdio.h>
#include <string.h>

#include "base/call.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "layout/flow.h"
#include "layout/table_set.h"
#include "text/shape.h"

typedef struct pager {
    pb_arena *arena;
    pb_page *pages;
    int npages, cap;
    pb_outline_entry *outline;
    int noutline, outline_cap;
} pager;

static pb_page *new_page(pager *p)
{
    if (p->npages == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        p->pages = pb_arena_grow(p->arena, p->pages, (size_t)p->npages, (size_t)cap,
                                 sizeof *p->pages);
        p->cap = cap;
    }
    pb_page *pg = &p->pages[p->npages++];
    pg->number = p->npages;
    return pg;
}

static void add_outline(pager *p, const pb_gline *l, int page, pb_fx y)
{
    if (p->noutline == p->outline_cap) {
        int cap = p->outline_cap ? p->outline_cap * 2 : 32;
        p->outline = pb_arena_grow(p->arena, p->outline, (size_t)p->noutline,
                                   (size_t)cap, sizeof *p->outline);
        p->outline_cap = cap;
    }
    p->outline[p->noutline++] = (pb_outline_entry){
        .level = l->outline_level, .title = l->outline_title, .page = page, .y = y};
}

static bool same_table(const pb_galley *g, int i, int j)
{
    return j >= 0 && j < g->nlines && g->lines[i].kind == PB_GLINE_TABLE_ROW &&
           g->lines[j].kind == PB_GLINE_TABLE_ROW && g->lines[i].table == g->lines[j].table;
}

/* Walking the lines of a page from its top: where each goes and how far
 * down the page is filled after it.  Consecutive rows of a table are one
 * piece of it, whose height is the piece's own (the header rows a
 * continuation repeats, its "续表" line, merged cells cut by the page
 * made tall enough for their text); after the table's last row the text
 * returns to the line grid (GB/T 9704 text sits on its 22 lines whatever
 * stands between). */
typedef struct walker {
    const pb_galley *g;
    const pb_layout *layout;
    pb_fx y;              /* where the text block continues */
    bool top;             /* nothing placed yet: spaces are dropped */
    int run;              /* first line of the table run on this page, -1 */
    pb_fx run_y;          /* where that run starts */
} walker;

/* The table piece that galley lines [first, last] of one table show. */
static pb_table_span piece_of(const pb_galley *g, int first, int last)
{
    const pb_table_set *ts = g->lines[first].table;
    pb_table_span rp = {ts->grid.nheader, 0, ts->grid.nheader, -1,
                        g->lines[first].table_row >= 0 && same_table(g, first, first - 1)};
    int body = g->lines[first].table_row >= 0 ? first : first + 1;
    if (body <= last) {
        const pb_gline *a = &g->lines[body], *e = &g->lines[last];
        rp.r0 = a->table_row;
        rp.l0 = a->nslices > 0 ? a->slice : 0;
        rp.r1 = e->table_row + 1;
        rp.l1 = e->nslices > 0 ? e->slice + 1 : -1;
    } else {
        rp.l1 = 0;
    }
    return rp;
}

/* How the piece that galley lines [first, last] of a table show is set,
 * `top` down the page: on the page's line grid like the text around it
 * (GB/T 9704 text keeps its 22 lines).  A piece that ends its page (the
 * table goes on) reaches down to the page's last line; a table's last
 * piece, or the whole table, ends on a line of the grid, so the text after
 * it loses none.  Only the padding of the piece's rows changes, within
 * the table's padding_range (flow chose a whole table's). */
static pb_table_fit piece_fit(const walker *w, int first, int last, pb_fx top)
{
    const pb_galley *g = w->g;
    pb_table_span sp = piece_of(g, first, last);
    return pb_table_set_grid_fit(g->lines[first].table, &sp, top, w->layout->line_pitch,
                                 w->layout->text_height, same_table(g, last, last + 1));
}

/* Places line i after the lines before it on the page; returns how far
 * down the page is filled if the page ends after it, and where line i
 * goes (its top) in *at. */
static pb_fx walk(walker *w, int i, pb_fx *at)
{
    const pb_galley *g = w->g;
    const pb_gline *l = &g->lines[i];
    *at = w->y;
    switch (l->kind) {
    case PB_GLINE_PAGE_BREAK:
        return w->y;
    case PB_GLINE_SPACE:
        if (!w->top)
            w->y += l->height;
        return w->y;
    case PB_GLINE_TEXT:
        if (w->y < l->reach_above) {
            /* a seal never reaches above the text block: the line moves
             * down, on the grid */
            pb_fx pitch = w->layout->line_pitch > 0 ? w->layout->line_pitch : 1;
            w->y = (l->reach_above + pitch - 1) / pitch * pitch;
            *at = w->y;
        }
        w->top = false;
        w->y += l->height;
        return w->y + l->reach_below;
    case PB_GLINE_TABLE_ROW:
        break;
    }
    w->top = false;
    if (w->run < 0 || !same_table(g, i, i - 1)) {
        w->run = i;
        w->run_y = w->y;
    }
    pb_table_span rp = piece_of(g, w->run, i);
    bool ends_table = !same_table(g, i, i + 1);
    /* the table's last piece as it will be set on the grid (a piece that
     * ends the page only grows into what the page has left) */
    pb_table_fit fit = {-1, 0, false};
    if (ends_table)
        fit = piece_fit(w, w->run, i, w->run_y);
    pb_fx bottom = w->run_y + pb_table_set_piece_height(l->table, &rp, &fit);
    *at = w->run_y;
    w->y = bottom;
    if (ends_table) {
        pb_fx pitch = w->layout->line_pitch;
        w->y = (bottom + pitch - 1) / pitch * pitch;
        w->run = -1;
    }
    return bottom;
}

/* Places galley lines [from, to) on a new page, skipping spaces at its top;
 * consecutive rows of a table become one piece of it. */
static bool fill_page(pager *p, const pb_galley *g, const pb_layout *layout, int from,
                      int to, int extra)
{
    pb_page *pg = new_page(p);
    pg->lines = pb_arena_calloc(p->arena, (size_t)(to - from + extra + 1),
                                sizeof *pg->lines);
    walker w = {g, layout, 0, true, -1, 0};
    for (int i = from; i < to; i++) {
        const pb_gline *l = &g->lines[i];
        pb_fx at;
        walk(&w, i, &at);
        if (l->kind == PB_GLINE_TABLE_ROW) {
            int j = i + 1;
            while (j < to && same_table(g, i, j))
                walk(&w, j++, &at);
            pb_table_span rp = piece_of(g, i, j - 1);
            pb_table_fit fit = piece_fit(&w, i, j - 1, at);
            pb_gline *piece = pb_arena_alloc(p->arena, sizeof *piece);
            if (!pb_table_set_piece(l->table, &rp, &fit, p->arena, piece))
                return false;
            piece->block = l->block;
            pb_placed_line *pl = &pg->lines[pg->nlines++];
            pl->line = piece;
            pl->x = layout->margin_left;
            pl->y = layout->margin_top + at;
            i = j - 1;
            continue;
        }
        if (l->kind == PB_GLINE_TEXT) {
            pb_placed_line *pl = &pg->lines[pg->nlines++];
            pl->line = l;
            pl->x = layout->margin_left + l->x;
            pl->y = layout->margin_top + at;
            if (l->outline_level > 0)
                add_outline(p, l, pg->number, pl->y);
        }
    }
    return true;
}

/* The middle of the ink of the first dash of a line, from its baseline
 * (y-down: negative above it); 0 when the line has no dash. */
static pb_fx dash_centre(const pb_gline *l, const pb_fontset *fonts)
{
    for (int i = 0; i < l->nglyphs; i++) {
        const pb_pglyph *g = &l->glyphs[i];
        if (g->text_len == 0)
            continue;
        size_t at = g->text_off;
        uint32_t cp = pb_utf8_next(l->text, strlen(l->text), &at);
        pb_fx top, bottom;
        if ((cp == 0x2014 || cp == 0x2015 || cp == 0x2013 || cp == 0x2012 || cp == '-' ||
             cp == 0x2500) &&
            pb_glyph_ink(pb_fonts_face(fonts, g->face), g->gid, g->size, &top, &bottom))
            return g->y + (top + bottom) / 2;
    }
    return 0;
}

static bool add_page_numbers(pager *p, const pb_layout *layout, const pb_fontset *fonts,
                             pb_diag *diag)
{
    const pb_page_number *pn = &layout->page_number;
    const pb_style *st = &layout->styles[PB_STYLE_PAGE_NUMBER];
    if (!pn->format)
        return true;
    for (int i = 0; i < p->npages; i++) {
        pb_page *pg = &p->pages[i];
        if (pg->number == 1 && !pn->first_page)
            continue;
        /* Replace each "{n}" of the format with the number. */
        char num[16], text[256];
        snprintf(num, sizeof num, "%d", pg->number);
        size_t o = 0;
        for (const char *s = pn->format; *s && o + 16 < sizeof text;) {
            if (strncmp(s, "{n}", 3) == 0) {
                o += (size_t)snprintf(text + o, sizeof text - o, "%s", num);
                s += 3;
            } else {
                text[o++] = *s++;
            }
        }
        text[o] = 0;
        pb_gline *l = pb_arena_alloc(p->arena, sizeof *l);
        if (!pb_flow_single_line(text, st, layout, fonts, p->arena, l, diag))
            return false;
        l->artifact = true;
        pb_fx side = st->size * pn->side_indent_chars;
        pb_fx x;
        if (!pn->outside)
            x = (layout->text_width - l->width) / 2;
        else if (pg->number % 2 == 1) /* GB/T 9704: odd pages on the right */
            x = layout->text_width - side - l->width;
        else
            x = side;
        pb_placed_line *pl = &pg->lines[pg->nlines++];
        pl->line = l;
        pl->x = layout->margin_left + x;
        /* GB/T 9704 7.5: the dashes (一字线) beside the number lie
         * below_text under the text block; without a dash, the baseline */
        pl->y = layout->margin_top + layout->text_height + pn->below_text -
                dash_centre(l, fonts) - l->baseline;
    }
    return true;
}

bool pb_paginate(const pb_galley *g, const pb_layout *layout, const pb_fontset *fonts,
                 pb_arena *arena, pb_pages *out, pb_diag *diag)
{
    pager p = {.arena = arena};
    const pb_fx avail = layout->text_height;
    bool ok = true;
    int start = 0;
    pb_fx *ys = pb_arena_calloc(arena, (size_t)g->nlines + 1, sizeof *ys);
    while (start < g->nlines) {
        /* Skip what would vanish at the top of a page anyway. */
        while (start < g->nlines && (g->lines[start].kind == PB_GLINE_SPACE ||
                                     g->lines[start].kind == PB_GLINE_PAGE_BREAK))
            start++;
        if (start >= g->nlines)
            break;
        /* Lines go on the page while they fit; ys[i]: how far down the page
         * is filled when it ends after line i. */
        walker w = {g, layout, 0, true, -1, 0};
        int i = start, end = -1;
        for (; i < g->nlines; i++) {
            const pb_gline *l = &g->lines[i];
            if (l->kind == PB_GLINE_PAGE_BREAK) {
                end = i + 1;
                break;
            }
            pb_fx at, bottom = walk(&w, i, &at);
            ys[i - start] = bottom;
            if (bottom > avail) {
                if (i > start)
                    break;
                if (l->kind == PB_GLINE_TABLE_ROW) {
                    /* a row taller than a page that flow could not split
                     * between its lines would be cut by the page's edge:
                     * refuse rather than lose text */
                    pb_diag_error(diag, PB_ERR_INPUT, l->table->file, l->path,
                                  "table row is taller than a page (%.1f mm, the text "
                                  "block is %.1f mm)",
                                  pb_fx_to_pt(bottom) * 25.4 / 72,
                                  pb_fx_to_pt(avail) * 25.4 / 72);
                    ok = false;
                }
            }
        }
        if (end < 0) {
            if (i >= g->nlines) {
                end = g->nlines;
            } else {
                /* Line i does not fit: end after the last line that allows
                 * a break.  A table kept whole on one page gives way when
                 * keeping it would leave this page less than a third full. */
                int hard = -1, soft = -1;
                for (int k = i - 1; k >= start && hard < 0; k--) {
                    const pb_gline *l = &g->lines[k];
                    if (!l->keep_with_next)
                        hard = k;
                    else if (l->keep_whole && soft < 0)
                        soft = k;
                }
                if (hard >= 0 && (ys[hard - start] * 3 >= avail || soft < 0))
                    end = hard + 1;
                else if (soft >= 0)
                    end = soft + 1;
                else
                    end = i; /* nothing breakable: constraints give way */
            }
        }
        if (!ok)
            break;
        if (p.npages == pb_limit_pages()) {
            pb_diag_error(diag, PB_ERR_INPUT, g->file, g->lines[start].path,
                          "the document is longer than the limit of %d pages", pb_limit_pages());
            ok = false;
            break;
        }
        if (!fill_page(&p, g, layout, start, end, 1)) {
            ok = false;
            break;
        }
        start = end;
    }
    if (!ok)
        return false;
    if (p.npages == 0)
        fill_page(&p, g, layout, 0, 0, 1);
    ok = add_page_numbers(&p, layout, fonts, diag);
    out->width = layout->page_width;
    out->height = layout->page_height;
    out->pages = p.pages;
    out->npages = p.npages;
    out->outline = p.outline;
    out->noutline = p.noutline;
    out->structure = &g->structure;
    return ok;
}
