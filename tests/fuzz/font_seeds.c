/* Makes the seeds of the font fuzz target (tests/fuzz/corpus/font/seed-*):
 * the free fonts the catalog uses, cut by HarfBuzz's subsetter to the
 * characters of the target's report, so that each seed is a few kilobytes
 * and every kind of font paiban reads is there: CID-keyed CFF (Fandol,
 * Noto CJK), TrueType (LXGW WenKai, AR PL UMing, also as a collection),
 * and TrueType with the layout tables Arabic shaping needs (Noto Naskh
 * Arabic).  Run by hand when the seeds should change:
 *   build/tests/fuzz/font_seeds tests/fuzz/corpus/font */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hb.h>

#include "fuzz_font.h"

static hb_blob_t *subset(const char *path, unsigned index, const char *text, bool layout)
{
    hb_blob_t *file = hb_blob_create_from_file_or_fail(path);
    if (!file) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    hb_face_t *face = hb_face_create(file, index);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_t *u = hb_subset_input_unicode_set(in);
    for (const char *s = text; *s;) {
        /* UTF-8 by hand: the seed text is well-formed */
        unsigned char c = (unsigned char)*s;
        uint32_t cp;
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cp = n == 1 ? c : c & (0x7F >> n);
        for (int i = 1; i < n; i++)
            cp = cp << 6 | ((unsigned char)s[i] & 0x3F);
        hb_set_add(u, cp);
        s += n;
    }
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    if (!layout) {
        hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
        const char *tags[] = {"GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG", "DSIG"};
        for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
            hb_set_add(drop, hb_tag_from_string(tags[i], 4));
    }
    hb_face_t *sub = hb_subset_or_fail(face, in);
    if (!sub) {
        fprintf(stderr, "cannot subset %s\n", path);
        exit(1);
    }
    hb_blob_t *b = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(file);
    return b;
}

static void write(const char *dir, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    printf("%s: %zu bytes\n", path, len);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The font as face 0 of a collection: a TTC header, then the font with
 * its table offsets moved past the header. */
static void write_collection(const char *dir, const char *name, hb_blob_t *font)
{
    unsigned len;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(font, &len);
    size_t head = 16;
    unsigned char *out = calloc(head + len, 1);
    memcpy(out, "ttcf", 4);
    put32(out + 4, 0x00010000);
    put32(out + 8, 1);
    put32(out + 12, (uint32_t)head);
    memcpy(out + head, d, len);
    unsigned ntables = (unsigned)d[4] << 8 | d[5];
    for (unsigned t = 0; t < ntables; t++) {
        unsigned char *r = out + head + 12 + 16 * t;
        uint32_t off = (uint32_t)r[8] << 24 | (uint32_t)r[9] << 16 | (uint32_t)r[10] << 8 | r[11];
        put32(r + 8, off + (uint32_t)head);
    }
    write(dir, name, out, head + len);
    free(out);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    const char *fandol = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol";
    const char *noto = "/usr/share/fonts/opentype/noto";
    char path[512];
    hb_blob_t *b;
    unsigned len;

    snprintf(path, sizeof path, "%s/FandolFang-Regular.otf", fandol);
    b = subset(path, 0, FUZZ_FONT_HAN FUZZ_FONT_LATIN, false);
    write(dir, "seed-fandol-fang.otf", hb_blob_get_data(b, &len), hb_blob_get_length(b));
    hb_blob_destroy(b);

    snprintf(path, sizeof path, "%s/NotoSerifCJK-Regular.ttc", noto);
    b = subset(path, 2, FUZZ_FONT_HAN FUZZ_FONT_LATIN, false);
    write(dir, "seed-noto-serif-cjk.otf", hb_blob_get_data(b, &len), hb_blob_get_length(b));
    hb_blob_destroy(b);

    b = subset("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", 0,
               FUZZ_FONT_HAN FUZZ_FONT_LATIN, false);
    write(dir, "seed-wenkai.ttf", hb_blob_get_data(b, &len), hb_blob_get_length(b));
    hb_blob_destroy(b);

    b = subset("/usr/share/fonts/truetype/arphic/uming.ttc", 0, FUZZ_FONT_HAN FUZZ_FONT_LATIN,
               false);
    write(dir, "seed-uming.ttf", hb_blob_get_data(b, &len), hb_blob_get_length(b));
    write_collection(dir, "seed-uming-collection.ttc", b);
    hb_blob_destroy(b);

    b = subset("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf", 0,
               FUZZ_FONT_ARABIC FUZZ_FONT_LATIN, true);
    write(dir, "seed-naskh-arabic.ttf", hb_blob_get_data(b, &len), hb_blob_get_length(b));
    hb_blob_destroy(b);
    return 0;
}
