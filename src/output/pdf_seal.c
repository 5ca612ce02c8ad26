/* The seal over a signature (GB/T 9704 7.3.5.1) in the page content: a
 * stamped seal is an image XObject (8-bit DeviceRGB, its transparency a
 * soft mask, both Flate-compressed: PDF/A-3 allows both), a drawn seal
 * is painted with paths (a ring, a star, its text's glyph outlines).
 * Either is painted with the blend mode Multiply, as ink on paper: the
 * print under the seal stays dark where the seal's colour lies over it,
 * and a white background left in an image does not hide it. */
#include "output/pdf_seal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "image/image.h"
#include "text/shape.h"

#define PI 3.14159265358979323846

typedef struct image_obj {
    const pb_image *image;
    HPDF_Dict xobject;
} image_obj;

struct pdf_seals {
    image_obj *images;    /* owned array; the objects are the document's */
    int nimages, cap;
    HPDF_ExtGState multiply;
};

pdf_seals *pdf_seals_new(void)
{
    return pb_xcalloc(1, sizeof(pdf_seals));
}

void pdf_seals_free(pdf_seals *s)
{
    if (!s)
        return;
    free(s->images);
    free(s);
}

static void put_real(pdf_buf *b, double v)
{
    pdf_buf_dec(b, llround(v * 10000), 10000, 4);
}

static void put_pt(pdf_buf *b, pb_fx v)
{
    pdf_buf_dec(b, v, PB_FX_ONE, 6);
}

static HPDF_Dict image_stream(HPDF_Doc pdf, const unsigned char *samples, int w, int h,
                              int channels)
{
    HPDF_Dict s = pdf_new_stream(pdf, 6, samples, (size_t)w * (size_t)h * (size_t)channels);
    if (!s)
        return NULL;
    HPDF_Dict_AddName(s, "Type", "XObject");
    HPDF_Dict_AddName(s, "Subtype", "Image");
    HPDF_Dict_AddNumber(s, "Width", w);
    HPDF_Dict_AddNumber(s, "Height", h);
    HPDF_Dict_AddName(s, "ColorSpace", channels == 3 ? "DeviceRGB" : "DeviceGray");
    HPDF_Dict_AddNumber(s, "BitsPerComponent", 8);
    return s;
}

/* The image's XObject, written once per document. */
static HPDF_Dict image_xobject(HPDF_Doc pdf, pdf_seals *ss, const pb_image *img)
{
    for (int i = 0; i < ss->nimages; i++)
        if (ss->images[i].image == img)
            return ss->images[i].xobject;
    HPDF_Dict x = image_stream(pdf, img->rgb, img->width, img->height, 3);
    if (!x)
        return NULL;
    if (img->alpha) {
        HPDF_Dict mask = image_stream(pdf, img->alpha, img->width, img->height, 1);
        if (!mask)
            return NULL;
        HPDF_Dict_Add(x, "SMask", mask);
    }
    if (ss->nimages == ss->cap) {
        ss->cap = ss->cap ? ss->cap * 2 : 4;
        ss->images = pb_xrealloc(ss->images, (size_t)ss->cap * sizeof *ss->images);
    }
    ss->images[ss->nimages++] = (image_obj){img, x};
    return x;
}

/* A circle of radius r around (cx, cy) as four Bézier arcs. */
static void circle(pdf_buf *b, double cx, double cy, double r)
{
    const double k = 0.5522847498 * r;
    static const int sx[4] = {1, 0, -1, 0}, sy[4] = {0, 1, 0, -1};
    put_real(b, cx + r);
    pdf_buf_str(b, " ");
    put_real(b, cy);
    pdf_buf_str(b, " m\n");
    for (int q = 0; q < 4; q++) {
        int n = (q + 1) % 4;
        double x0 = cx + r * sx[q], y0 = cy + r * sy[q];
        double x1 = cx + r * sx[n], y1 = cy + r * sy[n];
        double pts[6] = {x0 - k * sy[q], y0 + k * sx[q], x1 + k * sy[n], y1 - k * sx[n], x1, y1};
        for (int i = 0; i < 6; i++) {
            put_real(b, pts[i]);
            pdf_buf_str(b, " ");
        }
        pdf_buf_str(b, "c\n");
    }
}

/* A five-pointed star around (cx, cy), one point up. */
static void star(pdf_buf *b, double cx, double cy, double r)
{
    double inner = r * 0.381966; /* sin 18° / sin 54°: the points' edges are in line */
    for (int i = 0; i < 10; i++) {
        double a = PI / 2 + i * PI / 5, rr = i % 2 ? inner : r;
        put_real(b, cx + rr * cos(a));
        pdf_buf_str(b, " ");
        put_real(b, cy + rr * sin(a));
        pdf_buf_str(b, i ? " l\n" : " m\n");
    }
    pdf_buf_str(b, "h f\n");
}

static void glyph(pdf_buf *b, const pb_fontset *fonts, const pb_seal_glyph *g, double cx,
                  double cy, pb_arena *scratch)
{
    const pb_face *face = pb_fonts_face(fonts, g->face);
    pb_outline_op *ops;
    int n = face ? pb_glyph_outline(face, g->gid, scratch, &ops) : 0;
    if (n <= 0)
        return;
    double th = g->angle / 1000.0 * PI / 180, k = pb_fx_to_pt(g->size) / face->upem;
    /* the glyph's x axis along the arc (clockwise), its y axis outwards */
    double m[6] = {cos(th) * k, -sin(th) * k, sin(th) * k, cos(th) * k,
                   cx + pb_fx_to_pt(g->x), cy - pb_fx_to_pt(g->y)};
    pdf_buf_str(b, "q ");
    for (int i = 0; i < 6; i++) {
        put_real(b, m[i]);
        pdf_buf_str(b, " ");
    }
    pdf_buf_str(b, "cm\n");
    for (int i = 0; i < n; i++) {
        const pb_outline_op *o = &ops[i];
        int npts = o->op == 'C' ? 3 : o->op == 'Z' ? 0 : 1;
        for (int p = 0; p < npts; p++) {
            pdf_buf_dec(b, lroundf(o->x[p] * 10), 10, 1);
            pdf_buf_str(b, " ");
            pdf_buf_dec(b, lroundf(o->y[p] * 10), 10, 1);
            pdf_buf_str(b, " ");
        }
        pdf_buf_str(b, o->op == 'M' ? "m\n" : o->op == 'L' ? "l\n" : o->op == 'C' ? "c\n" : "h\n");
    }
    pdf_buf_str(b, "f Q\n");
}

bool pdf_seal_write(HPDF_Doc pdf, pdf_seals *ss, HPDF_Page page, const pb_fontset *fonts,
                    const pb_seal_mark *s, pb_fx left, pb_fx top, pb_fx page_h, pdf_buf *b,
                    double bbox[4])
{
    if (!ss->multiply) {
        ss->multiply = HPDF_CreateExtGState(pdf);
        if (!ss->multiply || HPDF_ExtGState_SetBlendMode(ss->multiply, HPDF_BM_MULTIPLY) != HPDF_OK)
            return false;
    }
    const char *gs = HPDF_Page_GetExtGStateName(page, ss->multiply);
    if (!gs)
        return false;
    pb_fx bottom = page_h - top - s->h;
    bbox[0] = pb_fx_to_pt(left);
    bbox[1] = pb_fx_to_pt(bottom);
    bbox[2] = pb_fx_to_pt(left + s->w);
    bbox[3] = pb_fx_to_pt(bottom + s->h);
    pdf_buf_str(b, "q /");
    pdf_buf_str(b, gs);
    pdf_buf_str(b, " gs\n");
    if (s->image) {
        HPDF_Dict x = image_xobject(pdf, ss, s->image);
        const char *name = x ? HPDF_Page_GetXObjectName(page, x) : NULL;
        if (!name)
            return false;
        put_pt(b, s->w);
        pdf_buf_str(b, " 0 0 ");
        put_pt(b, s->h);
        pdf_buf_str(b, " ");
        put_pt(b, left);
        pdf_buf_str(b, " ");
        put_pt(b, bottom);
        pdf_buf_str(b, " cm /");
        pdf_buf_str(b, name);
        pdf_buf_str(b, " Do\nQ\n");
        return true;
    }
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 3; k++) {
            pdf_buf_dec(b, s->rgb[k], 255, 4);
            pdf_buf_str(b, " ");
        }
        pdf_buf_str(b, i ? "RG\n" : "rg\n");
    }
    double cx = pb_fx_to_pt(left + s->w / 2), cy = pb_fx_to_pt(bottom + s->h / 2);
    double r = pb_fx_to_pt(s->w) / 2, ring = pb_fx_to_pt(s->ring);
    put_real(b, ring);
    pdf_buf_str(b, " w\n");
    circle(b, cx, cy, r - ring / 2);
    pdf_buf_str(b, "S\n");
    star(b, cx, cy, pb_fx_to_pt(s->star));
    pb_arena *scratch = pb_arena_new();
    for (int i = 0; i < s->nglyphs; i++)
        glyph(b, fonts, &s->glyphs[i], cx, cy, scratch);
    pb_arena_free(scratch);
    pdf_buf_str(b, "Q\n");
    return true;
}
