#include "layout/setter.h"

#include <ctype.h>
#include <string.h>

#include "base/utf8.h"
#include "fonts/font_check.h"
#include "text/bidi.h"

#define EMBOX_TOP_NUM 88
#define EMBOX_TOP_DEN 100

pb_fx pb_baseline_in_box(pb_fx pitch, pb_fx size)
{
    return (pitch - size) / 2 + pb_fx_muldiv(size, EMBOX_TOP_NUM, EMBOX_TOP_DEN);
}

/* A mark is set by where the font draws it, not by its code point alone:
 * a closing or stop mark whose ink reaches well into the right half of
 * its cell (FandolFang's and FandolHei's "？", drawn in the middle) has no
 * blank half to give up, nor can it stand against the text before it, and
 * an opening mark with ink in its left half none to give before it: such
 * marks are set whole, like "·" (two of them are not compressed as a pair,
 * where the ink would collide). */
static void marks_by_ink(pb_prepared *p, const pb_fontset *fonts)
{
    const pb_shaped *sh = &p->shaped;
    for (int k = 0; k < p->nunits; k++) {
        pb_lb_unit *u = &p->units[k];
        if ((u->cls != PB_CC_OPEN && u->cls != PB_CC_CLOSE && u->cls != PB_CC_STOP) ||
            p->gstart[k + 1] - p->gstart[k] != 1)
            continue;
        const pb_glyph *g = &sh->glyphs[p->gstart[k]];
        int32_t left, right, adv = g->fu_advance;
        if (g->level & 1)
            continue; /* mirrored in a right-to-left run: the other way round */
        if (adv <= 0 || !pb_glyph_ink_x(pb_fonts_face(fonts, g->face), g->gid, &left, &right))
            continue;
        bool centred = u->cls == PB_CC_OPEN ? (int64_t)left * 20 < (int64_t)adv * 9
                                            : (int64_t)right * 20 > (int64_t)adv * 11;
        if (centred)
            u->cls = PB_CC_MIDDLE;
    }
}

bool pb_prepare(const pb_fontset *fonts, const char *text, size_t len,
                const pb_span *spans, int nspans, pb_arena *arena, pb_prepared *out,
                pb_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->text = text;
    out->len = len;
    if (!pb_shape(fonts, text, len, spans, nspans, arena, &out->shaped, diag))
        return false;
    uint8_t *brk = pb_arena_alloc(arena, len + 1);
    if (!pb_break_opportunities(text, len, brk)) {
        pb_diag_error(diag, PB_ERR_INTERNAL, nspans ? spans[0].file : NULL,
                      nspans ? spans[0].path : NULL, "line-break analysis failed");
        return false;
    }
    /* One unit per cluster: unit k covers glyphs [gstart[k], gstart[k+1])
     * and bytes [cstart[k], cstart[k+1]). */
    const pb_shaped *sh = &out->shaped;
    int n = 0;
    for (int g = 0; g < sh->nglyphs; g++)
        if (g == 0 || sh->glyphs[g].cluster != sh->glyphs[g - 1].cluster)
            n++;
    out->units = pb_arena_calloc(arena, (size_t)n + 1, sizeof *out->units);
    out->gstart = pb_arena_calloc(arena, (size_t)n + 1, sizeof *out->gstart);
    out->cstart = pb_arena_calloc(arena, (size_t)n + 1, sizeof *out->cstart);
    out->nunits = n;
    int k = -1;
    for (int g = 0; g < sh->nglyphs; g++) {
        const pb_glyph *gl = &sh->glyphs[g];
        if (g == 0 || gl->cluster != sh->glyphs[g - 1].cluster) {
            k++;
            out->gstart[k] = g;
            out->cstart[k] = gl->cluster;
            size_t i = gl->cluster;
            uint32_t cp = pb_utf8_next(text, len, &i);
            out->units[k].cp = cp;
            out->units[k].em = sh->spans[gl->span].size;
            out->units[k].cls = (uint8_t)pb_char_class_of(cp);
        }
        out->units[k].width += gl->advance;
    }
    out->gstart[n] = sh->nglyphs;
    out->cstart[n] = (uint32_t)len;
    for (k = 0; k < n; k++)
        out->units[k].brk = brk[out->cstart[k + 1]];
    marks_by_ink(out, fonts);
    /* most texts have no address or a few: one search for those */
    pb_address few[16];
    int na = pb_find_addresses(text, len, few, 16);
    if (na > 0) {
        out->addresses = pb_arena_calloc(arena, (size_t)na, sizeof *out->addresses);
        if (na <= 16)
            memcpy(out->addresses, few, (size_t)na * sizeof *few);
        else
            na = pb_find_addresses(text, len, out->addresses, na);
        out->naddresses = na;
    }
    return true;
}

bool pb_prepared_rescale(const pb_prepared *from, const pb_fontset *fonts, pb_fx size,
                         pb_arena *arena, pb_prepared *out)
{
    const pb_shaped *sh = &from->shaped;
    for (int i = 0; i < sh->nspans; i++)
        if (sh->spans[i].tracking_to > 0 || sh->spans[i].size != sh->spans[0].size)
            return false;
    bool reuse = out->text == from->text && out->shaped.glyphs &&
                 out->shaped.glyphs != sh->glyphs &&
                 out->shaped.nglyphs == sh->nglyphs && out->nunits == from->nunits &&
                 out->shaped.nspans == sh->nspans;
    pb_glyph *glyphs = reuse ? out->shaped.glyphs
                             : pb_arena_calloc(arena, (size_t)sh->nglyphs + 1, sizeof *glyphs);
    pb_lb_unit *units = reuse ? out->units
                              : pb_arena_calloc(arena, (size_t)from->nunits + 1, sizeof *units);
    /* the spans were allocated here when reused */
    pb_span *spans = reuse ? (pb_span *)out->shaped.spans
                           : pb_arena_calloc(arena, (size_t)sh->nspans + 1, sizeof *spans);
    for (int i = 0; i < sh->nspans; i++) {
        spans[i] = sh->spans[i];
        spans[i].size = size;
    }
    int upem = 0, face_id = -1;
    for (int g = 0; g < sh->nglyphs; g++) {
        const pb_glyph *a = &sh->glyphs[g];
        if (a->face != face_id) {
            face_id = a->face;
            upem = pb_fonts_face(fonts, face_id)->upem;
        }
        pb_glyph *o = &glyphs[g];
        *o = *a;
        o->advance = pb_fx_muldiv(a->fu_advance, size, upem);
        o->x_offset = pb_fx_muldiv(a->fu_x_offset, size, upem);
        o->y_offset = pb_fx_muldiv(a->fu_y_offset, size, upem);
    }
    for (int k = 0; k < from->nunits; k++) {
        units[k] = from->units[k];
        units[k].em = size;
        units[k].width = 0;
        for (int g = from->gstart[k]; g < from->gstart[k + 1]; g++)
            units[k].width += glyphs[g].advance;
    }
    *out = *from;
    out->shaped.glyphs = glyphs;
    out->shaped.spans = spans;
    out->units = units;
    return true;
}

/* What a reader opens for an address: web addresses without a scheme get
 * http://, e-mail addresses mailto:. */
static const char *address_uri(const pb_prepared *p, const pb_address *a, pb_arena *arena)
{
    int n = (int)(a->end - a->start);
    const char *s = p->text + a->start;
    if (a->email)
        return pb_arena_printf(arena, "mailto:%.*s", n, s);
    /* scheme: letters, digits, "+", "-", "." before "://" */
    int i = 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    bool scheme = i > 0 && i + 3 <= n && !memcmp(s + i, "://", 3);
    return pb_arena_printf(arena, "%s%.*s", scheme ? "" : "http://", n, s);
}

void pb_prepared_links(const pb_prepared *p, const pb_lb_result *res, int li,
                       const pb_pglyph *glyphs, int nglyphs, pb_fx top, pb_fx bottom,
                       pb_arena *arena, pb_link **links, int *nlinks)
{
    *links = NULL;
    *nlinks = 0;
    const pb_lb_line *ll = &res->lines[li];
    uint32_t b0 = p->cstart[ll->first], b1 = p->cstart[ll->first + ll->count];
    for (int k = 0; k < p->naddresses; k++) {
        const pb_address *a = &p->addresses[k];
        if (a->end <= b0 || a->start >= b1)
            continue;
        /* the glyphs of the address on this line (trailing spaces take no room) */
        pb_fx x0 = 0, x1 = 0;
        bool any = false;
        for (int g = 0; g < nglyphs; g++) {
            uint32_t at = glyphs[g].text_off;
            if (glyphs[g].text_len == 0 || at < a->start || at >= a->end)
                continue;
            pb_fx l = glyphs[g].x, r = glyphs[g].x + glyphs[g].advance;
            x0 = any && x0 < l ? x0 : l;
            x1 = any && x1 > r ? x1 : r;
            any = true;
        }
        if (!any)
            continue;
        if (*nlinks == 0)
            *links = pb_arena_calloc(arena, (size_t)p->naddresses, sizeof **links);
        (*links)[(*nlinks)++] = (pb_link){x0, x1, top, bottom, address_uri(p, a, arena)};
    }
}

void pb_prepared_extent(const pb_prepared *p, pb_fx *min_width, pb_fx *max_width)
{
    pb_linebreak_extent(p->units, p->nunits, min_width, max_width);
}

/* One unit's glyphs placed from pen on: right-to-left units in the order
 * HarfBuzz gave them, their logical order reversed.  out is indexed in
 * logical order: glyph g goes to out[g - base].  Returns the pen after. */
static pb_fx place_unit(const pb_prepared *p, const pb_fontset *fonts, int k, bool rtl,
                        pb_fx pen, pb_pglyph *out, int base)
{
    const pb_shaped *sh = &p->shaped;
    int g0 = p->gstart[k], g1 = p->gstart[k + 1];
    for (int i = 0; i < g1 - g0; i++) {
        int g = rtl ? g1 - 1 - i : g0 + i;
        const pb_glyph *gl = &sh->glyphs[g];
        const pb_face *face = pb_fonts_face(fonts, gl->face);
        pb_pglyph *pg = &out[g - base];
        pg->gid = gl->gid;
        pg->face = gl->face;
        pg->size = sh->spans[gl->span].size;
        pg->flags = (sh->spans[gl->span].bold && !face->is_bold ? PB_PG_SYNTH_BOLD : 0) |
                    (rtl ? PB_PG_RTL : 0);
        pg->x = pen + gl->x_offset;
        pg->y = -gl->y_offset; /* HarfBuzz is y-up, the galley y-down */
        pg->advance = gl->advance;
        /* the cluster's text goes with its first glyph in logical order */
        if (g == g0) {
            pg->text_off = p->cstart[k];
            pg->text_len = (uint16_t)(p->cstart[k + 1] - p->cstart[k]);
        }
        pen += gl->advance;
    }
    return pen;
}

/* Whether unit k is a letter (not a mark) of its own cluster. */
static bool zero_width_letter(const pb_prepared *p, int k)
{
    uint32_t cp = p->units[k].cp;
    return p->units[k].cls != PB_CC_SPACE && pb_char_advances(cp);
}

/* The unit's bidi level on a line: rule L1 puts the blanks that end a line
 * at the paragraph's level. */
static uint8_t unit_level(const pb_prepared *p, int k, bool trailing)
{
    const pb_shaped *sh = &p->shaped;
    if (trailing)
        return sh->base_level;
    return p->gstart[k] < p->gstart[k + 1] ? sh->glyphs[p->gstart[k]].level : sh->base_level;
}

pb_fx pb_prepared_place(const pb_prepared *p, const pb_fontset *fonts,
                        const pb_lb_result *res, int li, pb_arena *arena,
                        pb_pglyph **glyphs, int *nglyphs)
{
    const pb_lb_line *ll = &res->lines[li];
    int g0 = p->gstart[ll->first], g1 = p->gstart[ll->first + ll->count];
    *nglyphs = g1 - g0;
    *glyphs = pb_arena_calloc(arena, (size_t)(g1 > g0 ? g1 - g0 : 1), sizeof **glyphs);
    int n = ll->count;
    bool mixed = p->shaped.base_level != 0;
    for (int k = ll->first; k < ll->first + n && !mixed; k++)
        mixed = unit_level(p, k, false) != 0;
    /* the units from left to right: logical order unless the line holds
     * right-to-left text (UAX #9 L1, L2) */
    int *order = NULL;
    if (mixed) {
        uint8_t *lv = pb_arena_alloc(arena, (size_t)n + 1);
        order = pb_arena_calloc(arena, (size_t)n + 1, sizeof *order);
        bool trailing = true;
        for (int i = n - 1; i >= 0; i--) {
            int k = ll->first + i;
            trailing = trailing && p->units[k].cls == PB_CC_SPACE;
            lv[i] = unit_level(p, k, trailing);
        }
        pb_bidi_visual_order(lv, n, order);
    }
    /* glyphs stay in logical order (the order PDF show strings take, ISO
       32000-2 14.8.2.3.3), each at its place in the visual line */
    int base = g0;
    pb_fx pen = 0;
    for (int v = 0; v < n; v++) {
        int k = ll->first + (order ? order[v] : v);
        bool rtl = unit_level(p, k, false) & 1;
        /* the breaker's space before and after a unit, in reading order:
           on its right and left when it reads right to left */
        pen += rtl ? res->adjust[k].trail : res->adjust[k].lead;
        pen = place_unit(p, fonts, k, rtl, pen, *glyphs, base);
        pen += rtl ? res->adjust[k].lead : res->adjust[k].trail;
        if (order)
            order[v] = p->units[k].width == 0 && rtl && zero_width_letter(p, k) ? -1 - k : k;
    }
    /* A space set narrower than an eighth of an em inside the line (a space
     * typed between the scripts, set as their gap): readers that find
     * word spaces by the gaps between glyphs (poppler) would lose it. */
    for (int i = 0, seen = 0; i < n; i++) {
        int k = ll->first + n - 1 - i;
        const pb_lb_unit *u = &p->units[k];
        pb_fx set = u->width + res->adjust[k].lead + res->adjust[k].trail;
        if (u->cls != PB_CC_SPACE) {
            seen = 1;
        } else if (seen && u->cp == 0x20 && (int64_t)set * 8 < u->em) {
            for (int g = p->gstart[k]; g < p->gstart[k + 1]; g++)
                (*glyphs)[g - base].flags |= PB_PG_TIGHT_SPACE;
        }
    }
    /* A letter of a right-to-left run drawn with no advance of its own (the
     * alef of Noto Naskh's lam-alef is a part laid over the lam) would sit
     * at the same place as its neighbour, where a reader cannot tell their
     * order: its text goes with the glyph on its right, the character
     * before it in reading order. */
    pb_pglyph *right = NULL;
    for (int v = n - 1; order && v >= 0; v--) {
        int k = order[v] < 0 ? -1 - order[v] : order[v];
        pb_pglyph *mine = &(*glyphs)[p->gstart[k] - base];
        if (p->gstart[k] == p->gstart[k + 1] || !mine->text_len)
            mine = NULL;
        if (order[v] < 0 && mine && right &&
            right->text_off + right->text_len == mine->text_off) {
            right->text_len = (uint16_t)(right->text_len + mine->text_len);
            mine->text_len = 0;
            continue;
        }
        right = mine;
    }
    return pen;
}
