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

#include "layout/flow.h"

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

/* Places galley lines [from, to) on a new page, skipping spaces at its top. */
static void fill_page(pager *p, const pb_galley *g, const pb_layout *layout, int from,
                      int to, int extra)
{
    pb_page *pg = new_page(p);
    pg->lines = pb_arena_calloc(p->arena, (size_t)(to - from + extra + 1),
                                sizeof *pg->lines);
    pb_fx y = 0;
    bool top = true;
    for (int i = from; i < to; i++) {
        const pb_gline *l = &g->lines[i];
        if (l->kind == PB_GLINE_PAGE_BREAK || (top && l->kind == PB_GLINE_SPACE))
            continue;
        top = false;
        if (l->kind == PB_GLINE_TEXT) {
            pb_placed_line *pl = &pg->lines[pg->nlines++];
            pl->line = l;
            pl->x = layout->margin_left + l->x;
            pl->y = layout->margin_top + y;
            if (l->outline_level > 0)
                add_outline(p, l, pg->number, pl->y);
        }
        y += l->height;
    }
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
        /* The baseline sits below_text under the text block. */
        pl->y = layout->margin_top + layout->text_height + pn->below_text - l->baseline;
    }
    return true;
}

bool pb_paginate(const pb_galley *g, const pb_layout *layout, const pb_fontset *fonts,
                 pb_arena *arena, pb_pages *out, pb_diag *diag)
{
    pager p = {.arena = arena};
    const pb_fx avail = layout->text_height;
    int start = 0;
    while (start < g->nlines) {
        /* Skip what would vanish at the top of a page anyway. */
        while (start < g->nlines && (g->lines[start].kind == PB_GLINE_SPACE ||
                                     g->lines[start].kind == PB_GLINE_PAGE_BREAK))
            start++;
        if (start >= g->nlines)
            break;
        pb_fx y = 0;
        int i = start, end = -1;
        for (; i < g->nlines; i++) {
            const pb_gline *l = &g->lines[i];
            if (l->kind == PB_GLINE_PAGE_BREAK) {
                end = i + 1;
                break;
            }
            if (y + l->height > avail && i > start)
                break;
            y += l->height;
        }
        if (end < 0) {
            if (i >= g->nlines) {
                end = g->nlines;
            } else {
                /* Line i does not fit: end after the last breakable line. */
                end = -1;
                for (int k = i - 1; k >= start; k--) {
                    if (!g->lines[k].keep_with_next) {
                        end = k + 1;
                        break;
                    }
                }
                if (end < 0)
                    end = i; /* nothing breakable: constraints give way */
            }
        }
        fill_page(&p, g, layout, start, end, 1);
        start = end;
    }
    if (p.npages == 0)
        fill_page(&p, g, layout, 0, 0, 1);
    bool ok = add_page_numbers(&p, layout, fonts, diag);
    out->width = layout->page_width;
    out->height = layout->page_height;
    out->pages = p.pages;
    out->npages = p.npages;
    out->outline = p.outline;
    out->noutline = p.noutline;
    return ok;
}
