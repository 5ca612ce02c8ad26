/* Compares the ink of a page rendered with a damaged font with the same
 * page rendered with the undamaged one (both grey PGM images of the same
 * size, from pdftoppm -gray).  The text lines are the bands of rows with
 * ink in the undamaged page; in each, the damaged page must have ink of
 * its own (not blank glyphs) spread over the line (not glyphs stacked on
 * one another).  Another font of the role may have printed the text, so
 * the shapes differ: the measures are the amount of ink and the columns
 * it covers, within generous bounds.
 * usage: inkcmp GOOD.pgm DAMAGED.pgm     exit 0 when alike, 1 when not */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct image {
    int w, h;
    unsigned char *px;
} image;

static bool read_pgm(const char *path, image *im)
{
    FILE *f = fopen(path, "rb");
    int maxval;
    if (!f || fscanf(f, "P5 %d %d %d", &im->w, &im->h, &maxval) != 3 || maxval != 255) {
        fprintf(stderr, "inkcmp: %s: not an 8-bit grey PGM\n", path);
        return false;
    }
    fgetc(f);
    im->px = malloc((size_t)im->w * (size_t)im->h);
    bool ok = im->px && fread(im->px, 1, (size_t)im->w * (size_t)im->h, f) ==
                            (size_t)im->w * (size_t)im->h;
    fclose(f);
    return ok;
}

static bool ink(const image *im, int x, int y)
{
    return im->px[(size_t)y * (size_t)im->w + (size_t)x] < 128;
}

/* Ink pixels and ink columns of rows [y0, y1). */
static void measure(const image *im, int y0, int y1, long *pixels, long *columns)
{
    *pixels = *columns = 0;
    for (int x = 0; x < im->w; x++) {
        bool any = false;
        for (int y = y0; y < y1; y++)
            if (ink(im, x, y)) {
                (*pixels)++;
                any = true;
            }
        *columns += any;
    }
}

int main(int argc, char **argv)
{
    image good, bad;
    if (argc != 3 || !read_pgm(argv[1], &good) || !read_pgm(argv[2], &bad))
        return 2;
    if (good.w != bad.w || good.h != bad.h) {
        printf("the pages differ in size: %dx%d and %dx%d\n", good.w, good.h, bad.w, bad.h);
        return 1;
    }
    int failed = 0, bands = 0;
    long good_total = 0, bad_inside = 0, bad_total = 0;
    for (int y = 0; y < bad.h; y++)
        for (int x = 0; x < bad.w; x++)
            bad_total += ink(&bad, x, y);
    for (int y = 0; y < good.h;) {
        bool row = false;
        for (int x = 0; x < good.w && !row; x++)
            row = ink(&good, x, y);
        if (!row) {
            y++;
            continue;
        }
        int y0 = y;
        while (y < good.h) {
            bool r = false;
            for (int x = 0; x < good.w && !r; x++)
                r = ink(&good, x, y);
            if (!r)
                break;
            y++;
        }
        /* a band with a row of margin: another font sits a little higher
           or lower */
        int a = y0 > 0 ? y0 - 1 : 0, b = y < good.h ? y + 1 : good.h;
        long gp, gc, bp, bc;
        measure(&good, a, b, &gp, &gc);
        measure(&bad, a, b, &bp, &bc);
        good_total += gp;
        bad_inside += bp;
        bands++;
        if (gp >= 8 && (bp * 10 < gp * 4 || bc * 10 < gc * 6 || bp > gp * 3)) {
            printf("rows %d-%d: %ld ink pixels in %ld columns, the undamaged font %ld in %ld\n",
                   y0, y, bp, bc, gp, gc);
            failed++;
        }
    }
    if (bad_total - bad_inside > good_total / 4 + 16) {
        printf("%ld ink pixels outside the lines of text\n", bad_total - bad_inside);
        failed++;
    }
    if (bands == 0) {
        printf("the undamaged page has no ink\n");
        failed++;
    }
    free(good.px);
    free(bad.px);
    return failed ? 1 : 0;
}
