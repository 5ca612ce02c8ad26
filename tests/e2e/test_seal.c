/* The seal over the signature (GB/T 9704 7.3.5), measured in the PDF as
 * readers see it: the seal's box from `mutool trace` (the image's
 * transform, or the drawn seal's ring), the glyphs of the issuer and the
 * date from `mutool convert -F stext`, the colours from page images made
 * by poppler (`pdftoppm`) and by MuPDF (`mutool draw`), the tags from
 * `qpdf --json`.  Never the dump.
 *
 * On the default layout (text block 156 x 225 mm at 28 mm from the left
 * and 37 mm from the top, 22 lines of 28 characters):
 *  - sealed (7.3.5.1): the seal centred within 1 mm on the issuer and the
 *    date, both baselines below its centre, its top below the text above
 *    and within one line of it, inside the text block, on the page of the
 *    signature, which holds text above it (lines move from the page
 *    before when the block does not fit); the date's right edge four
 *    characters in from the text block's right edge; swept over reports
 *    whose body ends at every line of a page, and after a page break;
 *  - unsealed (7.3.5.2): the date's right edge two characters in, and the
 *    issuer starting two characters left of the date (the date is longer);
 *  - the image keeps its colour and its transparency in both renderers:
 *    the ring is red, the date's glyphs under the seal are as dark as
 *    without a seal, also under a seal saved on white without
 *    transparency; PNG images of every colour type give the same picture;
 *  - the drawn seal (layout "seal": {"vector": true}) the same way, and
 *    its ring in the seal's colour;
 *  - tagged: a Figure with /Alt "印章：某某市某某局" and a /BBox, inside the
 *    signature's Div.
 * usage: test_seal PAIBAN WORKDIR */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "../testutil.h"
#include "stext.h"
#include "qpdfjson.h"

#define MM (72.0 / 25.4)
#define BLOCK_LEFT (28 * MM)
#define BLOCK_TOP (37 * MM)
#define BLOCK_RIGHT ((28 + 156) * MM)
#define BLOCK_BOTTOM ((37 + 225) * MM)
#define PITCH (225 * MM / 22)
#define CHAR (156 * MM / 28)
#define DPI 150

static const char *paiban, *work;
static const char *const ISSUER = "某某市某某局", *const DATE = "2022年1月20日";

/* ---- the reports ------------------------------------------------------- */

/* A report: a title, `paras` paragraphs of two full lines each, an
 * optional page break, and the signature with the seal file named. */
static void write_report(const char *path, int paras, bool page_break, const char *seal)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "{\"meta\": {\"title\": \"盖章测试\", \"issuer\": \"某某市某某局\", "
               "\"date\": \"2022-01-20\"},\n \"body\": [\n"
               "  {\"type\": \"title\", \"text\": \"关于印章位置的测试报告\"}");
    /* 26 characters after the indent, then 28: two full lines */
    for (int i = 0; i < paras; i++)
        fprintf(f, ",\n  {\"type\": \"paragraph\", \"text\": \"第%02d段。政府信息公开工作是一项长期任务需要持续推进"
                   "不断完善做到应公开尽公开方便群众查阅接受社会监督。\"}",
                i + 1);
    if (page_break)
        fprintf(f, ",\n  {\"type\": \"page_break\"}");
    fprintf(f, ",\n  {\"type\": \"signature\", \"lines\": [\"%s\", \"%s\"]%s%s%s}\n ]}\n", ISSUER,
            DATE, seal ? ", \"seal\": \"" : "", seal ? seal : "", seal ? "\"" : "");
    fclose(f);
}

static char messages[8192]; /* of the last render */

static bool render(const char *report, const char *pdf, const char *extra)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' render '%s' -o '%s' %s 2>&1", work, paiban, report,
             pdf, extra ? extra : "");
    int st;
    char *msg = test_run(cmd, &st);
    bool ok = CHECK(st == 0, "render %s %s: exit %d: %s", report, extra ? extra : "", st, msg);
    snprintf(messages, sizeof messages, "%s", msg);
    free(msg);
    return ok;
}

/* ---- the seal's box, from mutool trace ---------------------------------- */

typedef struct box {
    int page;
    double x0, y0, x1, y1; /* y-down, points */
} box;

static double tattr(const char *tag, const char *name)
{
    return attr(tag, name);
}

/* The seals of a PDF: each image drawn (its transform) and each drawn
 * seal's ring (the stroked path in a Multiply group), y-down. */
static int seal_boxes(const char *pdf, box *out, int max)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mutool trace '%s' 2>/dev/null", pdf);
    int st, n = 0, page = 0;
    char *t = test_run(cmd, &st);
    bool multiply = false, in_ring = false;
    double lw = 0, ph = 0;
    box ring = {0};
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        line += strspn(line, " ");
        if (!strncmp(line, "<page ", 6)) {
            page++;
            double mb[4] = {0};
            const char *m = strstr(line, "mediabox=\"");
            if (m)
                sscanf(m + 10, "%lf %lf %lf %lf", &mb[0], &mb[1], &mb[2], &mb[3]);
            ph = mb[3];
        } else if (!strncmp(line, "<group ", 7)) {
            multiply = strstr(line, "blendmode=\"Multiply\"") != NULL;
        } else if (!strncmp(line, "<fill_image ", 12) && n < max) {
            const char *tr = strstr(line, "transform=\"");
            double m[6];
            if (tr && sscanf(tr + 11, "%lf %lf %lf %lf %lf %lf", &m[0], &m[1], &m[2], &m[3],
                             &m[4], &m[5]) == 6)
                out[n++] = (box){page, m[4], m[5], m[4] + m[0], m[5] + m[3]};
        } else if (!strncmp(line, "<stroke_path ", 13) && multiply) {
            in_ring = true;
            lw = tattr(line, "linewidth");
            ring = (box){page, 1e9, 1e9, -1e9, -1e9};
        } else if (in_ring && (!strncmp(line, "<moveto ", 8) || !strncmp(line, "<curveto ", 9))) {
            double x = !strncmp(line, "<moveto", 7) ? tattr(line, "x") : tattr(line, "x3");
            double y = !strncmp(line, "<moveto", 7) ? tattr(line, "y") : tattr(line, "y3");
            y = ph - y; /* the path is in PDF space under [1 0 0 -1 0 h] */
            ring.x0 = fmin(ring.x0, x);
            ring.x1 = fmax(ring.x1, x);
            ring.y0 = fmin(ring.y0, y);
            ring.y1 = fmax(ring.y1, y);
        } else if (in_ring && !strncmp(line, "</stroke_path", 13)) {
            in_ring = false;
            if (n < max)
                out[n++] = (box){page, ring.x0 - lw / 2, ring.y0 - lw / 2, ring.x1 + lw / 2,
                                 ring.y1 + lw / 2};
        }
    }
    free(t);
    return n;
}

/* ---- the signature's glyphs ------------------------------------------------ */

typedef struct text_line {
    int page;
    double baseline, x0, x1; /* x1: the right end of the last advance box */
    const ch *c;
    int n;
} text_line;

/* The line on any page whose characters spell `want` (spaces skipped). */
static bool find_line(const doc *d, const char *want, text_line *out)
{
    for (int i = 0; i < d->nchars;) {
        int j = i + 1;
        while (j < d->nchars && d->chars[j].page == d->chars[i].page &&
               fabs(d->chars[j].y - d->chars[i].y) <= 0.01)
            j++;
        char buf[512];
        size_t o = 0;
        for (int k = i; k < j && o + 5 < sizeof buf; k++) {
            uint32_t cp = d->chars[k].cp;
            if (cp == ' ')
                continue;
            if (cp < 0x80) {
                buf[o++] = (char)cp;
            } else if (cp < 0x800) {
                buf[o++] = (char)(0xC0 | cp >> 6);
                buf[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
                buf[o++] = (char)(0xE0 | cp >> 12);
                buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                buf[o++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        buf[o] = 0;
        if (!strcmp(buf, want)) {
            int first = i, last = j - 1;
            while (last > first && d->chars[last].cp == ' ')
                last--;
            *out = (text_line){d->chars[i].page, d->chars[i].y, d->chars[first].x,
                               d->chars[last].x1, &d->chars[i], j - i};
            return true;
        }
        i = j;
    }
    return false;
}

/* The baseline of the lowest text above y on the page (-1: none). */
static double text_above(const doc *d, int page, double y)
{
    double best = -1;
    for (int i = 0; i < d->nchars; i++)
        if (d->chars[i].page == page && d->chars[i].y < y - 1 && d->chars[i].y > best)
            best = d->chars[i].y;
    return best;
}

/* ---- the placement -------------------------------------------------------- */

typedef struct placed {
    doc d;                /* owned: the characters the lines point into */
    box seal;
    text_line issuer, date;
    bool ok;
} placed;

static void placed_free(placed *p)
{
    doc_free(&p->d);
}

/* GB/T 9704 7.3.5.1, for the one seal of pdf; `what` names the case. */
static placed check_sealed(const char *pdf, const char *what)
{
    placed p = {.ok = false};
    doc *dp = &p.d;
    if (!load_pdf(dp, what, pdf))
        return p;
    const doc d = *dp;
    box seals[4];
    int ns = seal_boxes(pdf, seals, 4);
    bool found = CHECK(ns == 1, "%s: one seal in the PDF (%d)", what, ns) &&
                 CHECK(find_line(&d, ISSUER, &p.issuer), "%s: the issuer's line", what) &&
                 CHECK(find_line(&d, DATE, &p.date), "%s: the date's line", what);
    if (!found)
        return p;
    p.seal = seals[0];
    const box *s = &p.seal;
    double cx = (s->x0 + s->x1) / 2, cy = (s->y0 + s->y1) / 2;
    double pair = (fmin(p.issuer.x0, p.date.x0) + fmax(p.issuer.x1, p.date.x1)) / 2;
    bool ok = true;
    ok &= CHECK(s->page == p.issuer.page && s->page == p.date.page,
                "%s: the seal (page %d) is on the page of the issuer (%d) and the date (%d)",
                what, s->page, p.issuer.page, p.date.page);
    ok &= CHECK(fabs(cx - pair) <= 1 * MM,
                "%s: the seal is centred on the issuer and the date within 1 mm (%.2f pt off)",
                what, cx - pair);
    ok &= CHECK(fabs((p.issuer.x0 + p.issuer.x1) / 2 - (p.date.x0 + p.date.x1) / 2) <= 1 * MM,
                "%s: the issuer is centred on the date", what);
    ok &= CHECK(p.issuer.baseline > cy && p.date.baseline > cy,
                "%s: both baselines (%.2f, %.2f) below the seal's centre (%.2f)", what,
                p.issuer.baseline, p.date.baseline, cy);
    ok &= CHECK(p.date.baseline - p.issuer.baseline > PITCH - 0.5 &&
                    p.date.baseline - p.issuer.baseline < PITCH + 0.5,
                "%s: the date one line below the issuer", what);
    ok &= CHECK(fabs(BLOCK_RIGHT - p.date.x1 - 4 * CHAR) <= 1,
                "%s: the date's right edge four characters (%.2f pt) in from the text "
                "block's edge (%.2f pt)", what, 4 * CHAR, BLOCK_RIGHT - p.date.x1);
    ok &= CHECK(s->y0 >= BLOCK_TOP - 0.5 && s->y1 <= BLOCK_BOTTOM + 0.5 &&
                    s->x0 >= BLOCK_LEFT - 0.5 && s->x1 <= BLOCK_RIGHT + 0.5,
                "%s: the seal [%.1f %.1f %.1f %.1f] inside the text block", what, s->x0, s->y0,
                s->x1, s->y1);
    double above = text_above(&d, s->page, p.issuer.baseline);
    if (above >= 0) {
        ok &= CHECK(s->y0 > above && s->y0 - above <= PITCH + 0.5,
                    "%s: the seal's top (%.2f) below the text above (baseline %.2f) and within "
                    "one line (%.2f) of it", what, s->y0, above, PITCH);
    }
    p.ok = ok;
    return p;
}

/* GB/T 9704 7.3.5.2: without a seal. */
static void check_unsealed(const char *pdf)
{
    doc d = {0};
    if (!load_pdf(&d, "unsealed", pdf))
        return;
    text_line is, dt;
    box seals[2];
    CHECK(seal_boxes(pdf, seals, 2) == 0, "unsealed: no seal");
    if (CHECK(find_line(&d, ISSUER, &is) && find_line(&d, DATE, &dt), "unsealed: both lines")) {
        CHECK(fabs(BLOCK_RIGHT - dt.x1 - 2 * CHAR) <= 1,
              "unsealed: the date's right edge two characters in (%.2f pt)", BLOCK_RIGHT - dt.x1);
        CHECK(fabs(dt.x0 - is.x0 - 2 * CHAR) <= 1,
              "unsealed: the date starts two characters right of the issuer (%.2f pt)",
              dt.x0 - is.x0);
        double above = text_above(&d, is.page, is.baseline);
        CHECK(above >= 0 && fabs(is.baseline - above - 2 * PITCH) <= 0.5,
              "unsealed: one blank line above the issuer (%.2f pt between baselines)",
              is.baseline - above);
    }
    doc_free(&d);
}

/* ---- page images -------------------------------------------------------- */

typedef struct image {
    int w, h;
    unsigned char *rgb;
} image;

static bool read_ppm(const char *path, image *img)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    int maxval;
    bool ok = fscanf(f, "P6 %d %d %d", &img->w, &img->h, &maxval) == 3 && maxval == 255 &&
              fgetc(f) != EOF;
    if (ok) {
        size_t n = (size_t)img->w * (size_t)img->h * 3;
        img->rgb = test_realloc(NULL, n);
        ok = fread(img->rgb, 1, n, f) == n;
    }
    fclose(f);
    return ok;
}

/* Page `page` of pdf as an RGB image at DPI, by poppler or MuPDF. */
static bool rasterize(const char *pdf, int page, bool mupdf, image *img)
{
    char cmd[4096], out[2048];
    snprintf(out, sizeof out, "%s.%d.%s.ppm", pdf, page, mupdf ? "mu" : "pop");
    if (mupdf)
        snprintf(cmd, sizeof cmd, "mutool draw -q -r %d -c rgb -o '%s' '%s' %d 2>/dev/null", DPI,
                 out, pdf, page);
    else
        snprintf(cmd, sizeof cmd, "pdftoppm -f %d -l %d -r %d -singlefile '%s' '%.*s'", page, page,
                 DPI, pdf, (int)(strlen(out) - 4), out);
    int st;
    free(test_run(cmd, &st));
    return CHECK(st == 0 && read_ppm(out, img), "%s page %d rendered by %s", pdf, page,
                 mupdf ? "mutool draw" : "pdftoppm");
}

static const unsigned char *px(const image *img, double x, double y)
{
    int ix = (int)(x * DPI / 72), iy = (int)(y * DPI / 72);
    if (ix < 0 || iy < 0 || ix >= img->w || iy >= img->h)
        return NULL;
    return img->rgb + ((size_t)iy * (size_t)img->w + (size_t)ix) * 3;
}

/* Dark pixels (every channel under 100: black ink, not red) in the
 * advance box of character k of a line. */
static int dark_in(const image *img, const text_line *l, int k)
{
    const ch *c = &l->c[k];
    int n = 0;
    for (double y = c->y - 0.9 * c->size; y < c->y + 0.2 * c->size; y += 72.0 / DPI)
        for (double x = c->x; x < c->x1; x += 72.0 / DPI) {
            const unsigned char *p = px(img, x, y);
            n += p && p[0] < 100 && p[1] < 100 && p[2] < 100;
        }
    return n;
}

/* The average colour around (x, y), 2 pt across. */
static void colour_at(const image *img, double x, double y, double rgb[3])
{
    int n = 0;
    rgb[0] = rgb[1] = rgb[2] = 0;
    for (double dy = -1; dy <= 1; dy += 0.5)
        for (double dx = -1; dx <= 1; dx += 0.5) {
            const unsigned char *p = px(img, x + dx, y + dy);
            if (!p)
                continue;
            for (int i = 0; i < 3; i++)
                rgb[i] += p[i];
            n++;
        }
    for (int i = 0; i < 3 && n; i++)
        rgb[i] /= n;
}

/* The seal's ring is in colour `want` (±40 a channel), and the date's
 * glyphs under it as dark as in the unsealed reference (per character,
 * at least 70 % of the dark pixels), in both renderers.  ring_at: the
 * ring's middle as a share of the radius. */
static void check_colours(const char *pdf, const placed *p, const char *ref_pdf,
                          const unsigned char want[3], double ring_at, const char *what)
{
    doc rd = {0};
    text_line ref_date;
    if (!load_pdf(&rd, "reference", ref_pdf) || !find_line(&rd, DATE, &ref_date)) {
        CHECK(false, "%s: the reference's date", what);
        doc_free(&rd);
        return;
    }
    for (int m = 0; m < 2; m++) {
        const char *who = m ? "mutool draw" : "pdftoppm";
        image img = {0}, ref = {0};
        if (!rasterize(pdf, p->seal.page, m, &img) || !rasterize(ref_pdf, ref_date.page, m, &ref)) {
            free(img.rgb);
            free(ref.rgb);
            continue;
        }
        double cx = (p->seal.x0 + p->seal.x1) / 2, cy = (p->seal.y0 + p->seal.y1) / 2;
        double r = (p->seal.x1 - p->seal.x0) / 2, rgb[3];
        /* the bottom of the ring: nothing else is drawn there */
        colour_at(&img, cx, cy + r * ring_at, rgb);
        CHECK(fabs(rgb[0] - want[0]) <= 40 && fabs(rgb[1] - want[1]) <= 40 &&
                  fabs(rgb[2] - want[2]) <= 40,
              "%s, %s: the ring is %d,%d,%d (%.0f,%.0f,%.0f)", what, who, want[0], want[1],
              want[2], rgb[0], rgb[1], rgb[2]);
        /* inside the ring, away from the glyphs: the paper shows */
        colour_at(&img, cx, cy + r * 0.85, rgb);
        CHECK(rgb[0] > 235 && rgb[1] > 235 && rgb[2] > 235,
              "%s, %s: the page shows through the seal's background (%.0f,%.0f,%.0f)", what,
              who, rgb[0], rgb[1], rgb[2]);
        int under = 0;
        for (int k = 0; k < p->date.n && k < ref_date.n; k++) {
            const ch *c = &p->date.c[k];
            if (c->cp == ' ' || hypot((c->x + c->x1) / 2 - cx, c->y - c->size / 3 - cy) > r * 0.85)
                continue;
            under++;
            int got = dark_in(&img, &p->date, k), base = dark_in(&ref, &ref_date, k);
            CHECK(base > 0 && got * 10 >= base * 7,
                  "%s, %s: the date's character %d under the seal is dark (%d dark pixels, "
                  "%d without the seal)", what, who, k, got, base);
        }
        CHECK(under >= 4, "%s, %s: %d characters of the date under the seal", what, who, under);
        free(img.rgb);
        free(ref.rgb);
    }
    doc_free(&rd);
}

/* ---- the tags -------------------------------------------------------------- */

static void check_figure(const char *pdf)
{
    qj *q = qj_load(pdf);
    if (!CHECK(q != NULL, "qpdf --json %s", pdf))
        return;
    int figures = 0;
    cJSON *root = qj_key(q, qj_trailer(q), "/Root");
    cJSON *doc = qj_key(q, qj_key(q, root, "/StructTreeRoot"), "/K");
    /* Document -> Signature (Div) -> Figure */
    cJSON *kids = qj_key(q, doc, "/K");
    for (int i = 0; i < cJSON_GetArraySize(kids); i++) {
        cJSON *el = qj_get(q, cJSON_GetArrayItem(kids, i));
        if (!qj_is_name(qj_key(q, el, "/S"), "/Signature"))
            continue;
        cJSON *k2 = qj_key(q, el, "/K");
        for (int j = 0; j < cJSON_GetArraySize(k2); j++) {
            cJSON *f = qj_get(q, cJSON_GetArrayItem(k2, j));
            if (!qj_is_name(qj_key(q, f, "/S"), "/Figure"))
                continue;
            figures++;
            const char *alt = qj_text(qj_key(q, f, "/Alt"));
            CHECK(alt && !strcmp(alt, "印章：某某市某某局"), "the Figure's /Alt: %s",
                  alt ? alt : "(none)");
            cJSON *bb = qj_key(q, qj_key(q, f, "/A"), "/BBox");
            CHECK(cJSON_GetArraySize(bb) == 4, "the Figure has a /BBox");
        }
    }
    CHECK(figures == 1, "one Figure in the signature's element (%d)", figures);
    qj_free(q);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_seal PAIBAN WORKDIR\n");
        return 2;
    }
    paiban = argv[1];
    work = argv[2];
    mkdir(work, 0777);
    char cmd[4096], path[2048], pdf[2048], ref[2048];
    int st;
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/seal/make-seals.py' '%s' 2>&1", PAIBAN_SOURCE_DIR,
             work);
    char *msg = test_run(cmd, &st);
    if (!CHECK(st == 0, "make-seals.py: %s", msg))
        return test_summary();
    free(msg);

    /* the unsealed reference, and its arrangement */
    snprintf(path, sizeof path, "%s/plain.json", work);
    write_report(path, 3, false, NULL);
    snprintf(ref, sizeof ref, "%s/plain.pdf", work);
    if (render("plain.json", ref, NULL))
        check_unsealed(ref);

    /* a stamped seal: placement, colours, tags */
    snprintf(path, sizeof path, "%s/sealed.json", work);
    write_report(path, 3, false, "seal.png");
    snprintf(pdf, sizeof pdf, "%s/sealed.pdf", work);
    if (render("sealed.json", pdf, NULL)) {
        CHECK(!messages[0], "a seal with transparency: no message (%s)", messages);
        placed p = check_sealed(pdf, "sealed");
        static const unsigned char red[3] = {230, 0, 18};
        if (p.ok)
            check_colours(pdf, &p, ref, red, 0.94, "sealed");
        placed_free(&p);
        check_figure(pdf);
    }
    /* saved on white without transparency: the print under it still shows */
    snprintf(pdf, sizeof pdf, "%s/opaque.pdf", work);
    if (render("sealed.json", pdf, "--seal seal-opaque.png")) {
        CHECK(!strcmp(messages, "paiban: warning: seal-opaque.png: the seal has no transparent "
                                "pixels: its background is printed too (save it with a "
                                "transparent background)\n"),
              "a seal without transparency: a warning (%s)", messages);
        placed p = check_sealed(pdf, "opaque");
        static const unsigned char red[3] = {230, 0, 18};
        if (p.ok)
            check_colours(pdf, &p, ref, red, 0.94, "opaque seal");
        placed_free(&p);
    }
    /* every colour type of PNG gives the picture of seal.png */
    static const char *const kinds[] = {"seal-palette.png", "seal-gray16.png",
                                        "seal-interlaced.png"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char extra[256];
        snprintf(extra, sizeof extra, "--seal %s", kinds[i]);
        snprintf(pdf, sizeof pdf, "%s/kind%zu.pdf", work, i);
        if (render("sealed.json", pdf, extra)) {
            placed p = check_sealed(pdf, kinds[i]);
            placed_free(&p);
        }
    }

    /* the drawn seal */
    snprintf(path, sizeof path, "%s/draft.json", work);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("{\"extends\": \"gbt9704\", \"name\": \"draft\", \"seal\": {\"vector\": true}}\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/drawn.json", work);
    write_report(path, 3, false, NULL);
    snprintf(pdf, sizeof pdf, "%s/drawn.pdf", work);
    if (render("drawn.json", pdf, "-l ./draft.json")) {
        placed p = check_sealed(pdf, "drawn");
        static const unsigned char red[3] = {0xE6, 0x00, 0x12};
        if (p.ok)
            check_colours(pdf, &p, ref, red, 1 - 1.0 / 30, "drawn");
        placed_free(&p);
        check_figure(pdf);
    }

    /* the body ending at every line of a page: the block, its seal and
     * lines from the page before stay together inside the text block */
    int moved = 0;
    for (int paras = 1; paras <= 12; paras++) {
        char name[64];
        snprintf(name, sizeof name, "sweep%02d.json", paras);
        snprintf(path, sizeof path, "%s/%s", work, name);
        write_report(path, paras, false, "seal.png");
        snprintf(pdf, sizeof pdf, "%s/sweep%02d.pdf", work, paras);
        if (!render(name, pdf, NULL))
            continue;
        placed p = check_sealed(pdf, name);
        if (p.ok && p.seal.page > 1) {
            moved++;
            CHECK(text_above(&p.d, p.seal.page, p.issuer.baseline) >= 0,
                  "%s: the signature's page %d holds text above it", name, p.seal.page);
        }
        placed_free(&p);
    }
    CHECK(moved >= 3, "the sweep puts the signature on the next page %d times", moved);

    /* after a page break: nothing above, the seal still inside the block */
    snprintf(path, sizeof path, "%s/after-break.json", work);
    write_report(path, 1, true, "seal.png");
    snprintf(pdf, sizeof pdf, "%s/after-break.pdf", work);
    if (render("after-break.json", pdf, NULL)) {
        placed p = check_sealed(pdf, "after a page break");
        CHECK(!p.ok || p.seal.page == 2, "after a page break: the seal on page 2");
        placed_free(&p);
    }
    return test_summary();
}
