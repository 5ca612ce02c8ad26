/* Flow stage: report blocks -> galley lines.
 *
 * Each text (a paragraph, a heading, a title line, a signature line) is
 * shaped once, cut into clusters that become line-breaking units, broken
 * into lines for the text block's measure, and its glyphs placed on the
 * line with the breaker's compression and justification.  Every line sits
 * on the layout's line grid (GB/T 9704: 22 lines a page), with the em box
 * centred in the line box. */
#include "layout/flow.h"

#include <stdlib.h>
#include <string.h>

#include "base/call.h"
#include "base/limits.h"
#include "image/image.h"
#include "layout/seal.h"
#include "layout/setter.h"
#include "layout/table_set.h"

typedef struct flow {
    const pb_report *report;
    const pb_layout *layout;
    const pb_fontset *fonts;
    pb_arena *arena;
    pb_arena *scratch; /* what a text needs only while it is set (its
                          shaping, break opportunities and line breaks):
                          released after its lines are placed; NULL: the
                          arena */
    pb_diag *diag;
    pb_gline *lines;   /* pb_flow: owned until handed to the arena */
    int nlines, cap;
    bool own_lines;    /* lines grow with realloc (their pages reused as
                          they grow), not as arena copies */
    pb_table_set **tables; /* per block: the layout's tables, set beforehand */
    bool *table_failed;    /* per block: setting it failed (reported) */
    bool ok;
    pb_structure *structure; /* NULL: no elements are made */
} flow;

/* At most this many lines are reserved before a report is set (12 MB of
 * address space); a longer report grows its lines as tables' rows do. */
enum { MOST_RESERVED = 1 << 16 };

/* Room for the lines of a report, reserved at once so that they are not
 * copied as they grow: a line for each character of its texts' lengths in
 * bytes (a Chinese character takes three), two spaces and a break a block;
 * tables' rows, not counted, grow it (with realloc).  Pages reserved but
 * not written are never touched. */
static void reserve_lines(flow *f)
{
    const pb_layout *L = f->layout;
    size_t per_line = L->chars_per_line > 0 ? (size_t)L->chars_per_line : 20, n = 16;
    for (int bi = 0; bi < f->report->nblocks; bi++) {
        const pb_block *b = &f->report->blocks[bi];
        n += 3;
        for (int i = 0; i < b->ntexts; i++) {
            size_t len = 0;
            for (int r = 0; r < b->texts[i].nruns; r++)
                len += b->texts[i].runs[r].len;
            n += 1 + len / per_line;
        }
    }
    if (n > MOST_RESERVED)
        n = MOST_RESERVED;
    f->lines = pb_xrealloc(f->lines, n * sizeof *f->lines);
    f->cap = (int)n;
}

static pb_gline *new_line(flow *f)
{
    if (f->nlines == f->cap) {
        int cap = f->cap ? f->cap * 2 : 256;
        f->lines = f->own_lines ? pb_xrealloc(f->lines, (size_t)cap * sizeof *f->lines)
                                : pb_arena_grow(f->arena, f->lines, (size_t)f->nlines,
                                                (size_t)cap, sizeof *f->lines);
        f->cap = cap;
    }
    pb_gline *l = &f->lines[f->nlines++];
    memset(l, 0, sizeof *l);
    return l;
}

static void add_space(flow *f, pb_fx height, int block)
{
    if (height <= 0)
        return;
    bool keep = f->nlines > 0 && f->lines[f->nlines - 1].keep_with_next;
    pb_gline *l = new_line(f);
    l->kind = PB_GLINE_SPACE;
    l->height = height;
    l->keep_with_next = keep; /* a keep chain runs through spaces */
    l->block = block;
}

static pb_fx line_pitch(const pb_layout *layout, const pb_style *st)
{
    return st->line_pitch > 0 ? st->line_pitch : layout->line_pitch;
}

/* One character of a style: the grid pitch when it is on the grid. */
static pb_fx char_width(const pb_layout *layout, const pb_style *st)
{
    return st->char_grid && layout->char_pitch > 0 ? layout->char_pitch : st->size;
}

/* A text with its runs joined into one buffer and one span per run. */
typedef struct joined {
    char *text;
    size_t len;
    pb_span *spans;
    int nspans;
} joined;

/* The text goes in the flow's arena (the lines' glyphs index it), the
 * spans, read only while it is shaped, in `spans_arena`. */
static bool join_runs(flow *f, const pb_text *t, const pb_style *block_style,
                      pb_arena *spans_arena, joined *out)
{
    size_t len = 0;
    for (int i = 0; i < t->nruns; i++)
        len += t->runs[i].len;
    out->text = pb_arena_alloc(f->arena, len + 1);
    out->spans = pb_arena_calloc(spans_arena, (size_t)(t->nruns > 0 ? t->nruns : 1),
                                 sizeof *out->spans);
    out->len = 0;
    out->nspans = 0;
    bool ok = true;
    for (int i = 0; i < t->nruns; i++) {
        const pb_run *r = &t->runs[i];
        if (r->len == 0)
            continue;
        const pb_style *st =
            r->style >= 0 ? &f->layout->styles[r->style] : block_style;
        int role = pb_fonts_role(f->fonts, st->role);
        if (role < 0) {
            pb_diag_error(f->diag, PB_ERR_LAYOUT, f->layout->file, st->path,
                          "font role \"%s\" is not loaded", st->role);
            ok = false;
            continue;
        }
        memcpy(out->text + out->len, r->text, r->len);
        pb_span *sp = &out->spans[out->nspans++];
        sp->start = (uint32_t)out->len;
        out->len += r->len;
        sp->end = (uint32_t)out->len;
        sp->role = role;
        sp->size = st->size;
        sp->bold = r->bold >= 0 ? r->bold != 0 : st->bold;
        sp->tracking_to = st->char_grid ? f->layout->char_pitch : 0;
        sp->path = r->path ? r->path : t->path;
        sp->file = f->report ? f->report->file : NULL;
    }
    out->text[out->len] = 0;
    return ok;
}

/* The runs of a text that are set apart (bold, or in another style such
 * as a run-in heading) become Span elements under elem; their bytes in
 * the joined text (runs joined as join_runs does) go to *out. */
static int span_elems(flow *f, const pb_text *t, const pb_style *block_style, int elem,
                      const pb_sspan **out)
{
    pb_sspan *spans = pb_arena_calloc(f->arena, (size_t)t->nruns + 1, sizeof *spans);
    int n = 0;
    uint32_t at = 0;
    for (int i = 0; i < t->nruns; i++) {
        const pb_run *r = &t->runs[i];
        if (r->len == 0)
            continue;
        bool apart = r->style >= 0 || (r->bold >= 0 && (r->bold != 0) != block_style->bold);
        if (apart)
            spans[n++] = (pb_sspan){at, at + (uint32_t)r->len,
                                    pb_structure_add(f->structure, PB_SR_SPAN, elem)};
        at += (uint32_t)r->len;
    }
    *out = spans;
    return n;
}

typedef struct text_opts {
    int elem;             /* the text's structure element; 0: none */
    const pb_style *style;
    pb_fx measure;        /* available width (text block) */
    pb_align align;
    pb_fx first_indent, right_indent;
    int block;
    const char *path;
    int outline_level;
    const char *outline_title;
    bool keep_together;   /* no break inside (headings, titles, signatures) */
} text_opts;

static int place_text(flow *f, pb_arena *tmp, const joined *j, const pb_prepared *pp,
                      const text_opts *o, const pb_sspan *sspans, int nsspans,
                      pb_fx *first_width);

/* Shapes, breaks and places one text; appends its lines.  Returns the
 * index of its first line, or -1 on error.  What the lines keep (the
 * text, glyphs, links, spans, outline title) is in the flow's arena;
 * the shaping, break opportunities and line breaks are in the scratch
 * arena, given back when the lines are placed. */
static int set_text(flow *f, const pb_text *t, const text_opts *o, pb_fx *first_width)
{
    pb_arena *tmp = f->scratch ? f->scratch : f->arena;
    pb_arena_pos mark = pb_arena_mark(tmp);
    joined j;
    int first = -1;
    if (join_runs(f, t, o->style, tmp, &j) && j.len > 0) {
        const pb_sspan *sspans = NULL;
        int nsspans = 0;
        if (o->elem > 0 && f->structure)
            nsspans = span_elems(f, t, o->style, o->elem, &sspans);
        pb_prepared pp;
        if (pb_prepare(f->fonts, j.text, j.len, j.spans, j.nspans, tmp, &pp, f->diag))
            first = place_text(f, tmp, &j, &pp, o, sspans, nsspans, first_width);
    }
    if (f->scratch)
        pb_arena_release(tmp, mark);
    return first;
}

/* Breaks a prepared text into lines (in tmp, set_text's scratch) and
 * places them. */
static int place_text(flow *f, pb_arena *tmp, const joined *j, const pb_prepared *pp,
                      const text_opts *o, const pb_sspan *sspans, int nsspans,
                      pb_fx *first_width)
{
    pb_lb_params p = {
        .measure = o->measure,
        .first_indent = o->first_indent,
        .right_indent = o->right_indent,
        .align = o->align,
        .compress_punct = true,
        .avoid_single_last = o->align == PB_ALIGN_JUSTIFY,
        .grid = o->style->char_grid ? f->layout->char_pitch : 0,
    };
    pb_lb_result res;
    pb_linebreak(pp->units, pp->nunits, &p, tmp, &res);

    const pb_style *st = o->style;
    pb_fx pitch = line_pitch(f->layout, st);
    int first_line = f->nlines;
    for (int li = 0; li < res.nlines; li++) {
        pb_gline *l = new_line(f);
        l->kind = PB_GLINE_TEXT;
        l->height = pitch;
        l->baseline = pb_baseline_in_box(pitch, st->size);
        l->text = j->text;
        l->elem = o->elem;
        l->sspans = sspans;
        l->nsspans = nsspans;
        l->block = o->block;
        l->line_in_block = li;
        l->path = o->path;
        l->table_row = -1;
        pb_fx pen = pb_prepared_place(pp, f->fonts, &res, li, f->arena, &l->glyphs,
                                      &l->nglyphs);
        l->width = pen;
        pb_prepared_links(pp, &res, li, l->glyphs, l->nglyphs, 0, pitch, f->arena, &l->links,
                          &l->nlinks);
        pb_fx indent = li == 0 ? o->first_indent : 0;
        pb_fx avail = o->measure - indent - o->right_indent;
        /* a right-to-left paragraph starts at the right: its indent is on
           the right, "left" and "right" (start and end) change sides */
        pb_fx start = indent, end = o->right_indent;
        bool rtl = pb_prepared_rtl(pp);
        switch (o->align) {
        case PB_ALIGN_CENTER:
            l->x = (rtl ? end : start) + (avail - pen) / 2;
            break;
        case PB_ALIGN_RIGHT:
            l->x = rtl ? end : o->measure - end - pen;
            break;
        default:
            l->x = rtl ? o->measure - start - pen : start;
            break;
        }
        if (li == 0 && first_width)
            *first_width = pen;
        if (o->keep_together && li + 1 < res.nlines)
            l->keep_with_next = true;
    }
    int n = res.nlines;
    if (n >= 2) {
        /* Orphan: never the first line alone at the foot of a page.
         * Widow: never the last line alone at the head of one. */
        f->lines[first_line].keep_with_next = true;
        f->lines[first_line + n - 2].keep_with_next = true;
    }
    if (n > 0 && o->outline_level > 0) {
        f->lines[first_line].outline_level = o->outline_level;
        f->lines[first_line].outline_title = o->outline_title;
    }
    return n > 0 ? first_line : -1;
}

/* Plain text of a pb_text, for outline titles. */
static const char *plain_text(flow *f, const pb_text *t)
{
    size_t len = 0;
    for (int i = 0; i < t->nruns; i++)
        len += t->runs[i].len;
    char *s = pb_arena_alloc(f->arena, len + 1), *p = s;
    for (int i = 0; i < t->nruns; i++) {
        memcpy(p, t->runs[i].text, t->runs[i].len);
        p += t->runs[i].len;
    }
    *p = 0;
    return s;
}

static text_opts opts_for(flow *f, const pb_style *st, int block, const char *path)
{
    pb_fx cw = char_width(f->layout, st);
    /* a style on the character grid measures whole cells: the text block
     * less what rounding the pitch down left over (under 1/64 pt a cell) */
    pb_fx measure = f->layout->text_width;
    if (st->char_grid && f->layout->char_pitch > 0 && f->layout->chars_per_line > 0)
        measure = f->layout->char_pitch * f->layout->chars_per_line;
    return (text_opts){
        .style = st,
        .measure = measure,
        .align = st->align,
        .first_indent = cw * st->indent_chars,
        .right_indent = cw * st->right_indent_chars,
        .block = block,
        .path = path,
    };
}

/* A paragraph whose first run is set in a heading style (a run-in heading
 * such as "（一）主动公开情况。") gets an outline entry for that run. */
static int run_in_heading_level(const pb_text *t)
{
    if (t->nruns > 0 && t->runs[0].style >= PB_STYLE_HEADING1 &&
        t->runs[0].style <= PB_STYLE_HEADING4)
        return t->runs[0].style - PB_STYLE_HEADING1 + 1;
    return 0;
}

/* What the text above a signature block leaves below its ink: the last
 * line that is not space (*found false when there is none, or a page
 * break), the space after it, and how far its ink ends above the bottom
 * of its box (a text line's characters end 1/8 em below the baseline; a
 * table ends at its box). */
static pb_fx space_above(const flow *f, pb_fx *ink_gap, bool *found)
{
    pb_fx space = 0;
    *ink_gap = 0;
    *found = false;
    for (int k = f->nlines - 1; k >= 0; k--) {
        const pb_gline *l = &f->lines[k];
        if (l->kind == PB_GLINE_SPACE) {
            space += l->height;
            continue;
        }
        if (l->kind == PB_GLINE_TEXT) {
            pb_fx size = l->nglyphs > 0 ? l->glyphs[0].size : 0;
            *ink_gap = l->height - l->baseline - size / 8;
            if (*ink_gap < 0)
                *ink_gap = 0;
            *found = true;
        } else if (l->kind == PB_GLINE_TABLE_ROW) {
            *found = true;
        }
        break;
    }
    return space;
}

/* The issuing body's name as the seal shows it: the signature's lines
 * above the date, else meta.issuer. */
static const char *issuer_text(flow *f, const pb_block *b)
{
    if (b->ntexts < 2)
        return f->report->meta.issuer;
    const char *s = "";
    for (int i = 0; i + 1 < b->ntexts; i++)
        s = pb_arena_printf(f->arena, "%s%s", s, plain_text(f, &b->texts[i]));
    return s;
}

/* The signature block (落款), GB/T 9704 7.3.5: its last line is the date
 * (成文日期), the lines above it the issuing body (发文机关署名).
 * - With a seal (7.3.5.1): the date right-aligned with the style's
 *   right_indent (four characters); the issuer centred on the date; the
 *   seal centred on the date, its centre 5/8 em above the baseline of the
 *   issuer's last line, so that the issuer and the date sit below its
 *   centre; above the block as few blank lines as keep the seal off the
 *   text above, so that its top is within one line of that text.
 * - Without (7.3.5.2): the style's space_before (one blank line), the
 *   issuer right-aligned with two characters of space, the date below
 *   starting two characters right of the issuer's start; a date too long
 *   for that is right-aligned with two characters of space and the issuer
 *   starts two characters left of it. */
static void flow_signature(flow *f, const pb_block *b, int bi)
{
    const pb_style *st = &f->layout->styles[PB_STYLE_SIGNATURE];
    const pb_layout *L = f->layout;
    if (f->nlines > 0)
        f->lines[f->nlines - 1].keep_with_next = true; /* never alone on a page */
    int n = b->ntexts;
    if (n == 0)
        return;
    pb_fx cw = char_width(L, st), pitch = line_pitch(L, st);
    bool sealed = b->seal || L->seal.vector;

    /* measure: each text's galley lines and its first line's width */
    int *nl = pb_arena_calloc(f->arena, (size_t)n, sizeof *nl);
    pb_fx *w = pb_arena_calloc(f->arena, (size_t)n, sizeof *w);
    pb_fx measure = 0;
    for (int i = 0; i < n; i++) {
        text_opts o = opts_for(f, st, bi, b->texts[i].path);
        o.first_indent = o.right_indent = 0;
        o.align = PB_ALIGN_LEFT;
        measure = o.measure;
        int save = f->nlines;
        if (set_text(f, &b->texts[i], &o, &w[i]) < 0)
            return;
        nl[i] = f->nlines - save;
        f->nlines = save;
    }

    /* where the date and the issuer's lines start */
    pb_fx date_x, issuer_x = 0, widest = 0;
    for (int i = 0; i + 1 < n; i++)
        if (w[i] > widest)
            widest = w[i];
    if (sealed) {
        date_x = measure - cw * st->right_indent_chars - w[n - 1];
    } else {
        pb_fx two = 2 * cw;
        issuer_x = measure - two - widest;
        date_x = n > 1 ? issuer_x + two : measure - two - w[n - 1];
        if (date_x + w[n - 1] > measure - two) {
            date_x = measure - two - w[n - 1];
            issuer_x = date_x - two;
        }
    }
    if (date_x < 0)
        date_x = 0;
    if (issuer_x < 0)
        issuer_x = 0;
    pb_fx centre = date_x + w[n - 1] / 2;

    /* the seal: its box from the top of the issuer's last line (the date's
     * line when there is no issuer line) */
    pb_seal_mark *seal = NULL;
    int anchor = n >= 2 ? n - 2 : n - 1; /* the text the seal goes with */
    int before_anchor = 0;               /* galley lines of the block above it */
    for (int i = 0; i < anchor; i++)
        before_anchor += nl[i];
    before_anchor += nl[anchor] - 1;
    int sig = f->structure ? pb_structure_add(f->structure, PB_SR_SIGNATURE, 1) : 0;
    if (sealed) {
        const char *issuer = issuer_text(f, b);
        seal = pb_arena_calloc(f->arena, 1, sizeof *seal);
        if (b->seal) {
            seal->image = b->seal;
            seal->w = L->seal.diameter;
            seal->h = (pb_fx)((int64_t)seal->w * b->seal->height / b->seal->width);
        } else if (!issuer || !*issuer) {
            pb_diag_error(f->diag, PB_ERR_INPUT, f->report->file, b->path,
                          "the drawn seal shows the issuing body: give it on a line above "
                          "the date, or as meta.issuer");
            return;
        } else if (!pb_seal_draw(L, f->fonts, issuer, f->report->file, b->texts[0].path,
                                 f->arena, seal, f->diag)) {
            return;
        }
        seal->x = centre - seal->w / 2;
        if (seal->x + seal->w > L->text_width)
            seal->x = L->text_width - seal->w;
        if (seal->x < 0)
            seal->x = seal->w <= L->text_width ? 0 : (L->text_width - seal->w) / 2;
        seal->y = pb_baseline_in_box(pitch, st->size) - st->size * 5 / 8 - seal->h / 2;
        if (f->structure) {
            seal->elem = pb_structure_add(f->structure, PB_SR_FIGURE, sig);
            f->structure->elems[seal->elem].alt =
                issuer && *issuer ? pb_arena_printf(f->arena, "印章：%s", issuer) : "印章";
        }
        /* the fewest blank lines (at least one) that keep the seal's top
         * below the ink of the text above */
        pb_fx gap, space = space_above(f, &gap, &(bool){false});
        pb_fx need = -gap - space - before_anchor * pitch - seal->y;
        int lines = need > 0 ? (need + pitch - 1) / pitch : 0;
        add_space(f, (lines < 1 ? 1 : lines) * pitch, bi);
    } else {
        add_space(f, st->space_before, bi);
    }

    int first_of_block = f->nlines;
    for (int i = 0; i < n; i++) {
        bool is_date = i == n - 1;
        text_opts o = opts_for(f, st, bi, b->texts[i].path);
        o.first_indent = o.right_indent = 0;
        o.align = PB_ALIGN_LEFT;
        o.keep_together = true;
        o.elem = sig ? pb_structure_add(f->structure, PB_SR_P, sig) : 0;
        pb_fx lw = 0;
        int first = set_text(f, &b->texts[i], &o, &lw);
        if (first < 0)
            continue;
        pb_fx x = is_date ? date_x : sealed ? centre - lw / 2 : issuer_x;
        if (x + lw > measure)
            x = measure - lw;
        if (x < 0)
            x = 0;
        f->lines[first].x = x;
        for (int k = first; k < f->nlines; k++)
            f->lines[k].keep_with_next = !is_date || k + 1 < f->nlines;
        if (i == anchor && seal) {
            pb_gline *a = &f->lines[f->nlines - 1];
            a->seal = seal;
            a->reach_above = seal->y < 0 ? -seal->y : 0;
        }
    }
    if (seal && f->nlines > first_of_block) {
        /* the seal's bottom below the block's last line */
        pb_fx below = seal->y + seal->h;
        for (int k = first_of_block + before_anchor; k < f->nlines; k++)
            below -= f->lines[k].height;
        f->lines[f->nlines - 1].reach_below = below > 0 ? below : 0;
    }
    add_space(f, st->space_after, bi);
}

/* May a page break before body row r?  Not after a band or heading row;
 * inside a row group only where two of its rows at least stay above the
 * break and two go below it (one, when the group has three rows), so no
 * page ends or starts with a lone row of a group.  The group's label is
 * shown again on the next page, each part of it made tall enough for the
 * label's text (layout/table.c). */
static bool table_break_fits(const pb_table_set *ts, int r)
{
    const pb_table_grid *g = &ts->grid;
    if (!pb_table_break_allowed(g, r))
        return false;
    for (int c = 0; c < g->ncols; c++) {
        const pb_table_cell *cell = &g->cells[g->owner[r * g->ncols + c]];
        if (cell->row >= r || cell->col != c || cell->rowspan < 2)
            continue; /* not cut at r, or seen in its first column */
        int above = r - cell->row, below = cell->row + cell->rowspan - r;
        if (above < 2 || (below < 2 && !(cell->rowspan == 3 && below == 1)))
            return false;
    }
    return true;
}

/* A row of values (not a band or a heading row: those cover the last
 * column with a cell of their own kind). */
static bool data_row(const pb_table_grid *g, int r)
{
    return g->cells[g->owner[r * g->ncols + g->ncols - 1]].kind == PB_CELL_VALUE;
}

/* What the lines kept with the table's start take of its page: the
 * heading and the caption before it, which no page break may separate
 * from its first rows. */
static pb_fx kept_before(const flow *f)
{
    pb_fx h = 0;
    for (int k = f->nlines - 1; k >= 0 && f->lines[k].keep_with_next; k--)
        h += f->lines[k].height;
    return h;
}

/* The largest padding in [lo, hi] at which the table is no taller than
 * `most`, or -1. */
static pb_fx padding_for(pb_table_set *ts, pb_fx lo, pb_fx hi, pb_fx most)
{
    pb_table_set_pad(ts, lo);
    if (pb_table_set_height(ts) > most)
        return -1;
    while (lo < hi) {
        pb_fx mid = lo + (hi - lo + 1) / 2;
        pb_table_set_pad(ts, mid);
        if (pb_table_set_height(ts) <= most)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The table's vertical padding, within the style's padding_range: the
 * text after the table lands on a line of the page's grid with no line
 * lost (the rows shrink to the grid line above, or grow to the one below,
 * whichever ends nearer a grid line with less change), and a table that
 * fits one page only with less padding gets it.  Returns whether the
 * table, with what is kept before it, fits one page: it is then kept
 * whole. */
static bool choose_padding(flow *f, pb_table_set *ts, pb_fx kept)
{
    const pb_table_style *tpl = &ts->grid.tpl->style;
    pb_fx nom = tpl->pad_y, lo = tpl->pad_y_min, hi = tpl->pad_y_max;
    pb_fx page = f->layout->text_height, pitch = f->layout->line_pitch;
    if (lo > nom)
        lo = nom;
    if (hi < nom)
        hi = nom;
    pb_table_set_pad(ts, nom);
    pb_fx h = pb_table_set_height(ts);
    if (kept + h > page) {
        pb_fx most = kept < page ? (page - kept) / pitch * pitch : 0;
        pb_fx p = padding_for(ts, lo, nom, most);
        if (p < 0)
            p = padding_for(ts, lo, nom, page - kept);
        pb_table_set_pad(ts, p >= 0 ? p : nom);
        return p >= 0;
    }
    if (h % pitch == 0 || pitch <= 0)
        return true;
    pb_fx down = h / pitch * pitch, up = down + pitch;
    if (kept + up > page)
        up = (page - kept) / pitch * pitch;
    pb_fx pd = padding_for(ts, lo, nom, down), pu = padding_for(ts, nom, hi, up);
    pb_fx rd = -1, ru = -1;
    if (pd >= 0) {
        pb_table_set_pad(ts, pd);
        rd = down - pb_table_set_height(ts);
    }
    if (pu >= 0) {
        pb_table_set_pad(ts, pu);
        ru = up - pb_table_set_height(ts);
    }
    pb_fx best = nom, rest = pitch - h % pitch;
    if (pd >= 0 && rd < rest) {
        best = pd;
        rest = rd;
    }
    if (pu >= 0 && (ru < rest || (ru == rest && pu - nom < nom - best))) {
        best = pu;
        rest = ru;
    }
    pb_table_set_pad(ts, best);
    return true;
}

/* Do the merged cells (rowspan > 1) beside row r hold their text: with
 * l < 0, each in `room`; else on both sides of a cut at line l of r. */
static bool spanning_cells_ok(const pb_table_set *ts, int r, int l, pb_fx room)
{
    const pb_table_grid *g = &ts->grid;
    const pb_table_geometry *geo = &ts->geo;
    pb_fx pad = ts->style->pad_y;
    for (int c = 0; c < g->ncols; c++) {
        const pb_table_cell *cell = &g->cells[g->owner[r * g->ncols + c]];
        if (cell->rowspan == 1 || cell->col != c)
            continue;
        pb_fx need = geo->lines[cell - g->cells] * geo->line_pitch + 2 * pad;
        if (l < 0) {
            /* splitting the row: the cell is shown again on each page */
            if (need > room)
                return false;
            continue;
        }
        /* a cut at line l: the parts above and below must hold the text */
        pb_fx top = pb_table_line_top(geo, ts->style, r, l);
        pb_fx above = top + pad, below = geo->row_h[r] - top + pad;
        for (int k = cell->row; k < r; k++)
            above += geo->row_h[k];
        for (int k = r + 1; k < cell->row + cell->rowspan; k++)
            below += geo->row_h[k];
        if (above < need || below < need)
            return false;
    }
    return true;
}

/* Is body row r split between its lines?  Only when it cannot fit on a
 * page below the header rows, and only when splitting helps: a line with
 * the padding at both cuts fits there, and a merged cell beside the row,
 * shown again on each page, leaves room for a line of the row. */
static bool table_row_splits(const pb_table_set *ts, pb_fx text_height, int r)
{
    pb_fx room = text_height - ts->header_height;
    const pb_table_geometry *geo = &ts->geo;
    if (geo->row_h[r] <= room || pb_table_row_lines(geo, ts->style, r) < 2)
        return false;
    if (geo->line_pitch + 2 * ts->style->pad_y > room)
        return false;
    return spanning_cells_ok(ts, r, -1, room - geo->line_pitch);
}

/* A table: its caption, then a galley line for the header rows and one
 * for each body row; paginate cuts them into pieces.  The header stays
 * with the first row, a band or heading row with the row below it. */
static void flow_table(flow *f, const pb_block *b, int bi)
{
    if (!b->table)
        return; /* not bound: the input stage has reported why */
    pb_table_set *ts = f->tables ? f->tables[bi] : NULL;
    if (f->table_failed && f->table_failed[bi])
        return;
    if (!ts && !pb_table_set_build(b, f->layout, f->fonts, 0, false, NULL, f->arena, &ts,
                                   f->diag))
        return;
    int table = f->structure ? pb_structure_add(f->structure, PB_SR_TABLE, 1) : 0;
    const pb_table_style *ts_style = &b->table->style;
    const char *caption = b->caption ? b->caption : b->table->caption;
    if (caption && *caption) {
        pb_style st = f->layout->styles[PB_STYLE_BODY];
        st.role = ts_style->caption_role ? ts_style->caption_role : st.role;
        st.size = ts_style->caption_size > 0 ? ts_style->caption_size : st.size;
        st.bold = ts_style->caption_bold;
        st.align = PB_ALIGN_CENTER;
        st.indent_chars = st.right_indent_chars = 0;
        st.char_grid = false;
        st.path = b->table->path;
        pb_run run = {.text = caption, .len = strlen(caption), .style = -1, .bold = -1,
                      .path = b->path};
        pb_text t = {.runs = &run, .nruns = 1, .path = b->path};
        text_opts o = opts_for(f, &st, bi, b->path);
        o.keep_together = true;
        o.elem = table ? pb_structure_add(f->structure, PB_SR_CAPTION, table) : 0;
        set_text(f, &t, &o, NULL);
        if (f->nlines > 0)
            f->lines[f->nlines - 1].keep_with_next = true;
    }
    const pb_table_grid *g = &ts->grid;
    bool whole = choose_padding(f, ts, kept_before(f));
    int first = f->nlines;
    if (table) {
        ts->cell_elem = pb_arena_calloc(f->arena, (size_t)g->ncells + 1, sizeof *ts->cell_elem);
        pb_structure_add_table(f->structure, table, g, ts->cell_elem);
    }
    if (g->nheader > 0) {
        pb_gline *l = new_line(f);
        l->kind = PB_GLINE_TABLE_ROW;
        l->height = ts->header_height;
        l->table = ts;
        l->table_row = -1;
        l->block = bi;
        l->path = b->path;
        l->keep_with_next = true;
    }
    /* no page ends with fewer than two rows of a table that goes on, and
     * no page goes on with fewer than two of its rows of values: from the
     * second last of those, the rows stay together */
    int tail = g->nrows, data_rows = 0;
    for (int r = g->nrows - 1; r >= g->nheader && data_rows < 2; r--)
        if (data_row(g, r)) {
            tail = r;
            data_rows++;
        }
    for (int r = g->nheader; r < g->nrows; r++) {
        bool last_break = r + 1 < g->nrows && (!table_break_fits(ts, r + 1) ||
                                               r == g->nheader || r + 1 > tail);
        if (table_row_splits(ts, f->layout->text_height, r)) {
            /* one galley line per line of the row: the page may end after
             * any of them; paginate adds the padding at the cut */
            int n = pb_table_row_lines(&ts->geo, ts->style, r);
            for (int k = 0; k < n; k++) {
                pb_gline *l = new_line(f);
                l->kind = PB_GLINE_TABLE_ROW;
                l->height = pb_table_line_top(&ts->geo, ts->style, r, k + 1) -
                            pb_table_line_top(&ts->geo, ts->style, r, k);
                l->table = ts;
                l->table_row = r;
                l->slice = k;
                l->nslices = n;
                l->block = bi;
                l->path = g->row_path[r];
                l->keep_with_next = k + 1 < n ? !spanning_cells_ok(ts, r, k + 1, 0)
                                              : last_break && r != g->nheader;
            }
            continue;
        }
        pb_gline *l = new_line(f);
        l->kind = PB_GLINE_TABLE_ROW;
        l->height = ts->geo.row_h[r];
        l->table = ts;
        l->table_row = r;
        l->block = bi;
        l->path = g->row_path[r];
        l->keep_with_next = last_break;
    }
    /* a table that fits one page is kept on one, unless that would leave
     * the page before it less than a third full (paginate) */
    for (int k = first; whole && k + 1 < f->nlines; k++)
        if (!f->lines[k].keep_with_next) {
            f->lines[k].keep_with_next = true;
            f->lines[k].keep_whole = true;
        }
}

static bool layout_template(const pb_layout *layout, const pb_table_template *t)
{
    return layout->ntables > 0 && t >= layout->tables && t < layout->tables + layout->ntables;
}

/* What the lines kept before table block bi will take of its page, as
 * far as can be told before they are set: a heading just before it (one
 * line) and the table's caption. */
static pb_fx kept_estimate(const flow *f, int bi)
{
    const pb_block *b = &f->report->blocks[bi];
    pb_fx h = 0;
    if (bi > 0 && f->report->blocks[bi - 1].kind == PB_BLOCK_HEADING) {
        const pb_style *st = &f->layout->styles[PB_STYLE_HEADING1 +
                                                (f->report->blocks[bi - 1].level - 1)];
        h += (st->line_pitch > 0 ? st->line_pitch : f->layout->line_pitch) + st->space_before +
             st->space_after;
    }
    const char *caption = b->caption ? b->caption : b->table->caption;
    if (caption && *caption)
        h += f->layout->line_pitch;
    return h;
}

/* Does the table fit `room` at the least padding? */
static bool fits_room(pb_table_set *ts, const pb_table_style *style, pb_fx room)
{
    pb_table_set_pad(ts, style->pad_y_min);
    bool fits = pb_table_set_height(ts) <= room;
    pb_table_set_pad(ts, style->pad_y);
    return fits;
}

/* The size table block bi needs: the largest at which its numbers fit its
 * width and, when it can fit one page at all (at the template's floor and
 * the least padding), at which it does.  Only a table that fits no other
 * way has the marks in its cells squeezed to fit their lines (push-in), at
 * the floor: f->tables[bi] is then that build. */
static pb_fx needed_size(flow *f, int bi)
{
    const pb_block *b = &f->report->blocks[bi];
    const pb_table_style *style = &b->table->style;
    pb_table_set *ts = f->tables[bi];
    pb_fx room = f->layout->text_height - kept_estimate(f, bi);
    pb_fx floor_size = style->min_size;
    pb_fx size = ts->geo.size, fit = size;
    for (;;) {
        if (fits_room(ts, style, room))
            return size;
        if (size <= floor_size)
            break;
        size -= PB_FX_ONE / 2;
        if (size < floor_size)
            size = floor_size;
        pb_table_set *smaller;
        if (!pb_table_set_build(b, f->layout, f->fonts, size, false, ts, f->arena, &smaller,
                                f->diag))
            return fit;
        ts = smaller;
    }
    pb_table_set *pushed;
    if (pb_table_set_build(b, f->layout, f->fonts, size, true, ts, f->arena, &pushed,
                           f->diag) &&
        fits_room(pushed, style, room)) {
        f->tables[bi] = pushed;
        return pushed->geo.size;
    }
    return fit;
}

/* The tables a report takes from its layout's templates (the official
 * tables) share one type size: each steps down from its template's size
 * when its numbers do not fit the width, or when it fits one page only at
 * a smaller size (the official table 三 on one page), never below its
 * floor; the others follow it down. */
static void set_layout_tables(flow *f)
{
    const pb_report *r = f->report;
    f->tables = pb_arena_calloc(f->arena, (size_t)r->nblocks + 1, sizeof *f->tables);
    f->table_failed = pb_arena_calloc(f->arena, (size_t)r->nblocks + 1, sizeof *f->table_failed);
    pb_fx common = 0;
    for (int bi = 0; bi < r->nblocks; bi++) {
        const pb_block *b = &r->blocks[bi];
        if (b->kind != PB_BLOCK_TABLE || !b->table || !layout_template(f->layout, b->table))
            continue;
        if (!pb_table_set_build(b, f->layout, f->fonts, 0, false, NULL, f->arena,
                                &f->tables[bi], f->diag)) {
            f->tables[bi] = NULL;
            f->table_failed[bi] = true;
            continue;
        }
        pb_fx need = needed_size(f, bi);
        if (common == 0 || need < common)
            common = need;
    }
    for (int bi = 0; bi < r->nblocks; bi++) {
        const pb_block *b = &r->blocks[bi];
        if (!f->tables[bi] || f->tables[bi]->geo.size <= common)
            continue;
        if (!pb_table_set_build(b, f->layout, f->fonts, common, f->tables[bi]->push_in,
                                f->tables[bi], f->arena, &f->tables[bi], f->diag)) {
            f->tables[bi] = NULL;
            f->table_failed[bi] = true;
        }
    }
}

static void flow_blocks(flow *f, pb_galley *out);

bool pb_flow(const pb_report *report, const pb_layout *layout, const pb_fontset *fonts,
             pb_arena *arena, pb_galley *out, pb_diag *diag)
{
    flow f = {.report = report, .layout = layout, .fonts = fonts, .arena = arena,
              .diag = diag, .ok = true, .structure = &out->structure, .own_lines = true};
    int errors_before = diag->errors;
    /* the scratch arena, the lines and the structure's elements are the
     * flow's until it ends (then the last two are the arena's) */
    memset(f.structure, 0, sizeof *f.structure);
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        pb_arena_free(f.scratch);
        free(f.lines);
        free(f.structure->elems);
        pb_oom_rethrow();
    }
    f.scratch = pb_arena_new();
    pb_structure_init(f.structure, arena);
    flow_blocks(&f, out);
    pb_arena_adopt(arena, f.lines); /* the galley's lines */
    pb_structure_done(f.structure);
    pb_oom_leave(&scope);
    pb_arena_free(f.scratch);
    return diag->errors == errors_before;
}

/* The report's blocks, one after the other, into the galley. */
static void flow_blocks(flow *f, pb_galley *out)
{
    const pb_report *report = f->report;
    const pb_layout *layout = f->layout;
    pb_arena *arena = f->arena;
    pb_diag *diag = f->diag;
    reserve_lines(f);
    set_layout_tables(f);
    bool keep_next = false; /* the previous block was a heading */
    /* lines and rows fill pages at best: more than the page limit of them
     * is reported before the rest of the document is set */
    int64_t content = 0, most = (int64_t)pb_limit_pages() * layout->text_height;
    int counted = 0;
    for (int bi = 0; bi < report->nblocks; bi++) {
        for (; counted < f->nlines; counted++)
            if (f->lines[counted].kind == PB_GLINE_TEXT ||
                f->lines[counted].kind == PB_GLINE_TABLE_ROW)
                content += f->lines[counted].height;
        if (content > most) {
            pb_diag_error(diag, PB_ERR_INPUT, report->file, report->blocks[bi - 1].path,
                          "the document is longer than the limit of %d pages", pb_limit_pages());
            break;
        }
        const pb_block *b = &report->blocks[bi];
        const pb_style *st;
        int first = -1, before = f->nlines, elem;
        switch (b->kind) {
        case PB_BLOCK_TITLE:
            st = &layout->styles[PB_STYLE_TITLE];
            add_space(f, st->space_before, bi);
            elem = pb_structure_add(f->structure, PB_SR_TITLE, 1);
            for (int i = 0; i < b->ntexts; i++) {
                text_opts o = opts_for(f, st, bi, b->texts[i].path);
                o.keep_together = true;
                o.elem = elem;
                int k = set_text(f, &b->texts[i], &o, NULL);
                if (k >= 0 && first < 0)
                    first = k;
                if (f->nlines > 0)
                    f->lines[f->nlines - 1].keep_with_next = true;
            }
            add_space(f, st->space_after, bi);
            keep_next = true;
            break;
        case PB_BLOCK_HEADING:
            st = &layout->styles[PB_STYLE_HEADING1 + (b->level - 1)];
            add_space(f, st->space_before, bi);
            if (b->ntexts > 0) {
                text_opts o = opts_for(f, st, bi, b->texts[0].path);
                o.keep_together = true;
                o.elem = pb_structure_add(f->structure, PB_SR_H1 + (b->level - 1), 1);
                o.outline_level = b->level;
                o.outline_title = plain_text(f, &b->texts[0]);
                first = set_text(f, &b->texts[0], &o, NULL);
                if (f->nlines > before)
                    f->lines[f->nlines - 1].keep_with_next = true;
            }
            add_space(f, st->space_after, bi);
            keep_next = true;
            continue;
        case PB_BLOCK_PARAGRAPH:
            st = &layout->styles[PB_STYLE_BODY];
            add_space(f, st->space_before, bi);
            if (b->ntexts > 0) {
                text_opts o = opts_for(f, st, bi, b->texts[0].path);
                o.elem = pb_structure_add(f->structure, PB_SR_P, 1);
                int lvl = run_in_heading_level(&b->texts[0]);
                if (lvl > 0) {
                    o.outline_level = lvl;
                    o.outline_title = pb_arena_strndup(arena, b->texts[0].runs[0].text,
                                                       b->texts[0].runs[0].len);
                }
                first = set_text(f, &b->texts[0], &o, NULL);
            }
            add_space(f, st->space_after, bi);
            break;
        case PB_BLOCK_SIGNATURE:
            flow_signature(f, b, bi);
            break;
        case PB_BLOCK_PAGE_BREAK: {
            pb_gline *l = new_line(f);
            l->kind = PB_GLINE_PAGE_BREAK;
            l->block = bi;
            l->path = b->path;
            break;
        }
        case PB_BLOCK_TABLE:
            flow_table(f, b, bi);
            break;
        }
        (void)first;
        keep_next = false;
    }
    (void)keep_next;
    out->lines = f->lines;
    out->nlines = f->nlines;
    out->file = report->file;
}

bool pb_flow_single_line(const char *text, const pb_style *style, const pb_layout *layout,
                         const pb_fontset *fonts, pb_arena *arena, pb_gline *out,
                         pb_diag *diag)
{
    flow f = {.layout = layout, .fonts = fonts, .arena = arena, .diag = diag};
    /* room for the one line (a page number on each page of a long table
     * took a flow's first 256) */
    f.cap = 2;
    f.lines = pb_arena_calloc(arena, (size_t)f.cap, sizeof *f.lines);
    pb_run run = {.text = text, .len = strlen(text), .style = -1, .bold = -1,
                  .path = style->path};
    pb_text t = {.runs = &run, .nruns = 1, .path = style->path};
    text_opts o = opts_for(&f, style, -1, style->path);
    o.align = PB_ALIGN_LEFT;
    o.first_indent = o.right_indent = 0;
    o.measure = layout->page_width; /* never broken: a page number is short */
    if (set_text(&f, &t, &o, NULL) < 0 || f.nlines != 1)
        return false;
    *out = f.lines[0];
    out->keep_with_next = false;
    return true;
}
