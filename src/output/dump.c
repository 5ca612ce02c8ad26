/* Dump: one line per placed line, in page order:
 *
 *   page 1 595.28x841.89
 *   line y=101.49 base=122.04 x=124.22 w=442.20 body[1].text
 *     FandolFang-Regular 16.00 x=0.00 "本年度报告依据…"
 *     link x=28.23 w=318.84 http://…
 *
 * (a link in a table cell: "link x=… w=… y=… h=…", its line of the cell,
 * from the top of the table's piece).
 * Positions are in points with two decimals, computed from the integer
 * 1/64 pt values, so the text is identical on every platform. */
#include "output/dump.h"

#include <stdlib.h>

#include "image/image.h"

/* Prints v (1/64 pt) as points with two decimals, rounded half away from 0. */
static void put_pt(FILE *out, pb_fx v)
{
    long long c = ((long long)llabs((long long)v) * 100 + 32) / 64;
    fprintf(out, "%s%lld.%02lld", v < 0 ? "-" : "", c / 100, c % 100);
}

static void put_text(FILE *out, const pb_gline *l, int from, int to)
{
    fputc('"', out);
    for (int i = from; i < to; i++) {
        const pb_pglyph *g = &l->glyphs[i];
        for (int k = 0; k < g->text_len; k++) {
            char c = l->text[g->text_off + (uint32_t)k];
            if (c == '"' || c == '\\')
                fputc('\\', out);
            fputc(c, out);
        }
    }
    fputc('"', out);
}

static void dump_line(FILE *out, const pb_placed_line *pl, const pb_fontset *fonts)
{
    const pb_gline *l = pl->line;
    fputs("line y=", out);
    put_pt(out, pl->y);
    fputs(" base=", out);
    put_pt(out, pl->y + l->baseline);
    fputs(" x=", out);
    put_pt(out, pl->x);
    fputs(" w=", out);
    put_pt(out, l->width);
    if (l->path)
        fprintf(out, " %s", l->path);
    if (l->outline_level)
        fprintf(out, " outline=%d", l->outline_level);
    fputc('\n', out);
    /* One row per run of glyphs with the same face, size and boldness
     * (table pieces list their cells instead). */
    for (int i = 0; l->nboxes == 0 && i < l->nglyphs;) {
        const pb_pglyph *g = &l->glyphs[i];
        int j = i + 1;
        while (j < l->nglyphs && l->glyphs[j].face == g->face &&
               l->glyphs[j].size == g->size && l->glyphs[j].flags == g->flags)
            j++;
        const pb_face *face = pb_fonts_face(fonts, g->face);
        fprintf(out, "  %s ", face ? face->postscript_name : "?");
        put_pt(out, g->size);
        if (g->flags & PB_PG_SYNTH_BOLD)
            fputs(" bold", out);
        fputs(" x=", out);
        put_pt(out, g->x);
        fputc(' ', out);
        put_text(out, l, i, j);
        fputc('\n', out);
        i = j;
    }
    /* Table cells: the box on the page, the grid position and the text. */
    for (int b = 0; b < l->nboxes; b++) {
        const pb_cell_box *bx = &l->boxes[b];
        fprintf(out, "  cell r%d c%d %dx%d x=", bx->row, bx->col, bx->rowspan, bx->colspan);
        put_pt(out, pl->x + bx->x);
        fputs(" y=", out);
        put_pt(out, pl->y + bx->y);
        fputs(" w=", out);
        put_pt(out, bx->w);
        fputs(" h=", out);
        put_pt(out, bx->h);
        if (bx->cut_top)
            fputs(" cut-top", out);
        if (bx->cut_bottom)
            fputs(" cut-bottom", out);
        fputs(" \"", out);
        for (const char *c = bx->text; c && *c; c++) {
            if (*c == '"' || *c == '\\')
                fputc('\\', out);
            fputc(*c, out);
        }
        fputs("\"\n", out);
    }
    for (int k = 0; k < l->nlinks; k++) {
        const pb_link *ln = &l->links[k];
        fputs("  link x=", out);
        put_pt(out, ln->x0);
        fputs(" w=", out);
        put_pt(out, ln->x1 - ln->x0);
        if (ln->y0 != 0 || ln->y1 != l->height) {
            /* a line of a table cell */
            fputs(" y=", out);
            put_pt(out, ln->y0);
            fputs(" h=", out);
            put_pt(out, ln->y1 - ln->y0);
        }
        fprintf(out, " %s\n", ln->uri);
    }
    if (l->seal) {
        /* the seal's box on the page (x from the text block's edge) */
        const pb_seal_mark *s = l->seal;
        fputs("  seal x=", out);
        put_pt(out, pl->x - l->x + s->x);
        fputs(" y=", out);
        put_pt(out, pl->y + s->y);
        fputs(" w=", out);
        put_pt(out, s->w);
        fputs(" h=", out);
        put_pt(out, s->h);
        if (s->image)
            fprintf(out, " image %dx%d\n", s->image->width, s->image->height);
        else
            fprintf(out, " drawn \"%s\"\n", s->text ? s->text : "");
    }
    for (int r = 0; r < l->nrules; r++) {
        const pb_rule *ru = &l->rules[r];
        fputs("  rule ", out);
        put_pt(out, ru->x0);
        fputc(',', out);
        put_pt(out, ru->y0);
        fputs(" - ", out);
        put_pt(out, ru->x1);
        fputc(',', out);
        put_pt(out, ru->y1);
        fputs(" w=", out);
        put_pt(out, ru->width);
        fputc('\n', out);
    }
}

void pb_dump(const pb_pages *pages, const pb_fontset *fonts, FILE *out)
{
    for (int p = 0; p < pages->npages; p++) {
        const pb_page *pg = &pages->pages[p];
        fprintf(out, "page %d ", pg->number);
        put_pt(out, pages->width);
        fputc('x', out);
        put_pt(out, pages->height);
        fputc('\n', out);
        for (int i = 0; i < pg->nlines; i++)
            dump_line(out, &pg->lines[i], fonts);
    }
    for (int i = 0; i < pages->noutline; i++) {
        const pb_outline_entry *e = &pages->outline[i];
        fprintf(out, "outline %d page=%d y=", e->level, e->page);
        put_pt(out, e->y);
        fprintf(out, " \"%s\"\n", e->title ? e->title : "");
    }
}
