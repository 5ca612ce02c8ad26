/* The drawn seal's geometry.  Proportions of a round official seal: the
 * ring about 1/30 of the diameter, the name's characters about 1/6 of it
 * tall, just inside the ring, spread over the upper arc (at most 250
 * degrees, smaller characters when a long name needs it), the star about
 * a third of the radius.  Angles need trigonometry: the positions are
 * computed in floating point and rounded to 1/64 pt and 1/1000 degree. */
#include "layout/seal.h"

#include <math.h>
#include <string.h>

#include "text/shape.h"

#define PI 3.14159265358979323846

bool pb_seal_draw(const pb_layout *layout, const pb_fontset *fonts, const char *text,
                  const char *file, const char *path, pb_arena *arena, pb_seal_mark *out,
                  pb_diag *diag)
{
    const pb_seal_style *st = &layout->seal;
    int role = pb_fonts_role(fonts, st->role);
    if (role < 0) {
        pb_diag_error(diag, PB_ERR_LAYOUT, layout->file, st->path ? st->path : "seal",
                      "font role \"%s\" of the drawn seal is not loaded", st->role);
        return false;
    }
    double d = pb_fx_to_pt(st->diameter), r = d / 2;
    double ring = d / 30, gap = d / 40;
    double size = d / 6;
    pb_span span = {.start = 0, .end = (uint32_t)strlen(text), .role = role,
                    .size = pb_fx_from_pt(size), .path = path, .file = file};
    pb_shaped sh;
    if (!pb_shape(fonts, text, strlen(text), &span, 1, arena, &sh, diag))
        return false;
    /* each glyph's advance per point of size */
    double per_pt = 0;
    for (int i = 0; i < sh.nglyphs; i++) {
        const pb_face *f = pb_fonts_face(fonts, sh.glyphs[i].face);
        per_pt += (double)sh.glyphs[i].fu_advance / (f ? f->upem : 1000);
    }
    /* the characters' tops just inside the ring; their middles on r_mid */
    const double max_span = 250 * PI / 180;
    double r_base = 0, r_mid = 0, natural = 0;
    for (int k = 0; k < 8; k++) {
        r_base = r - ring - gap - 0.88 * size;
        r_mid = r_base + 0.38 * size;
        natural = per_pt * size / r_mid;
        if (natural <= max_span * 0.92 || size < d / 40)
            break;
        size *= max_span * 0.92 / natural;
    }
    int n = sh.nglyphs;
    double span_angle = natural * 1.35;
    if (span_angle < natural + (n - 1) * 35 * PI / 180)
        span_angle = natural + (n - 1) * 35 * PI / 180;
    if (span_angle > max_span)
        span_angle = max_span > natural ? max_span : natural;
    double spare = n > 0 ? (span_angle - natural) / n : 0;

    pb_seal_glyph *g = pb_arena_calloc(arena, (size_t)n + 1, sizeof *g);
    double at = -span_angle / 2;
    for (int i = 0; i < n; i++) {
        const pb_face *f = pb_fonts_face(fonts, sh.glyphs[i].face);
        double adv = (double)sh.glyphs[i].fu_advance / (f ? f->upem : 1000) * size;
        double theta = at + spare / 2 + adv / (2 * r_mid);
        at += adv / r_mid + spare;
        /* y-down: the baseline's middle, and the baseline's direction */
        double cx = r_base * sin(theta), cy = -r_base * cos(theta);
        double tx = cos(theta), ty = sin(theta);
        g[i] = (pb_seal_glyph){
            .gid = sh.glyphs[i].gid,
            .face = sh.glyphs[i].face,
            .size = pb_fx_from_pt(size),
            .x = pb_fx_from_pt(cx - tx * adv / 2),
            .y = pb_fx_from_pt(cy - ty * adv / 2),
            .angle = (int32_t)lround(theta * 180 / PI * 1000),
        };
    }
    out->w = out->h = st->diameter;
    out->image = NULL;
    memcpy(out->rgb, st->rgb, 3);
    out->ring = pb_fx_from_pt(ring);
    out->star = pb_fx_from_pt(r * 0.34);
    out->glyphs = g;
    out->nglyphs = n;
    out->text = pb_arena_strdup(arena, text);
    return true;
}
