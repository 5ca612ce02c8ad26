/* The PDF stage's record of the glyphs the pages use (output/pdf_font.h:
 * pdf_fonts_note, pdf_fonts_lookup): random uses of a face's glyphs,
 * some past its glyph count, against a plain list of what was noted; its
 * sort (pdf_sort_keyed) against qsort, on keys of every shape it sorts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/pdf_font.h"
#include "../testutil.h"

enum { FACE_GLYPHS = 500, MAX_GID = 700, USES = 20000 };

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint32_t next(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* The reference order: by key, then by index (the input's order: equal
 * keys keep it). */
static int cmp_keyed(const void *a, const void *b)
{
    const pdf_keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static void check_sort(void)
{
    static const size_t sizes[] = {0, 1, 2, 3, 17, 256, 600, 5000};
    int bad = 0;
    for (int shape = 0; shape < 7; shape++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            size_t n = sizes[s];
            pdf_keyed *a = malloc((n + 1) * sizeof *a), *want = malloc((n + 1) * sizeof *a);
            for (size_t i = 0; i < n; i++) {
                uint64_t r = (uint64_t)next(1u << 31) << 33 ^ (uint64_t)next(1u << 31) << 2 ^ next(4);
                uint64_t key = shape == 0   ? r % 65536                     /* glyph ids */
                               : shape == 1 ? (r % 20902 + 0x4E00) << 32 | (r >> 40) % 30000
                               : shape == 2 ? (uint32_t)(int)(r % 2001 - 1000) ^ 0x80000000u
                               : shape == 3 ? r % 7                         /* many equal */
                               : shape == 4 ? r                             /* every byte */
                               : shape == 5 ? (r & 1) << 15 | (r & 2) << 62 /* top bits only */
                                            : UINT64_MAX - i;               /* descending */
                a[i] = (pdf_keyed){key, (uint32_t)i};
            }
            memcpy(want, a, n * sizeof *a);
            qsort(want, n, sizeof *want, cmp_keyed);
            pdf_sort_keyed(a, n);
            for (size_t i = 0; i < n; i++)
                if (a[i].key != want[i].key || a[i].index != want[i].index) {
                    if (bad++ < 5)
                        CHECK(false, "keys of shape %d, %zu of them: item %zu is %llu (index %u), "
                              "want %llu (index %u)", shape, n, i,
                              (unsigned long long)a[i].key, a[i].index,
                              (unsigned long long)want[i].key, want[i].index);
                    break;
                }
            free(a);
            free(want);
        }
    CHECK(bad == 0, "%d sorts differ from qsort's", bad);
}

int main(void)
{
    check_sort();

    /* a face with what the record needs of it: a glyph count and fonts */
    pb_face face = {.upem = 1000, .nglyphs = FACE_GLYPHS};
    face.hb_face = hb_face_get_empty();
    face.hb_font = hb_font_get_empty();
    pdf_fonts fs;
    pdf_fonts_init(&fs, NULL);
    fs.count = 2;
    fs.fonts = pb_xcalloc(2, sizeof *fs.fonts);
    fs.fonts[1].face = &face;

    static const char text[] = "abcdefghij";
    /* the reference: per gid, noted or not, and the text of its first use
       that had one */
    static int noted[MAX_GID];
    static int text_at[MAX_GID];
    int count = 0;
    for (int i = 0; i < USES; i++) {
        /* most uses among few glyphs, as text repeats its characters */
        uint32_t gid = i % 3 ? next(40) : next(MAX_GID);
        bool with_text = next(2);
        pb_pglyph g = {.gid = gid, .face = 1, .text_off = next(10), .text_len = with_text};
        CHECK(pdf_fonts_note(&fs, &g, text), "glyph %u not noted", gid);
        if (!noted[gid]) {
            noted[gid] = 1;
            text_at[gid] = -1;
            count++;
        }
        if (text_at[gid] < 0 && with_text)
            text_at[gid] = (int)g.text_off;
    }
    pb_pglyph other = {.gid = 1, .face = 2};
    CHECK(!pdf_fonts_note(&fs, &other, text), "a glyph of face 2 (of 2 faces) noted");

    CHECK(fs.fonts[1].nglyphs == count, "%d glyphs recorded, %d noted", fs.fonts[1].nglyphs,
          count);
    int wrong = 0;
    for (uint32_t gid = 0; gid < MAX_GID + 100; gid++) {
        const pdf_glyph *pg = pdf_fonts_lookup(&fs, 1, gid);
        bool want = gid < MAX_GID && noted[gid];
        if (!want) {
            if (pg && wrong++ < 5)
                CHECK(false, "glyph %u found, never noted", gid);
            continue;
        }
        if (!pg || pg->gid != gid) {
            if (wrong++ < 5)
                CHECK(false, "glyph %u: found %s", gid, pg ? "another glyph" : "nothing");
            continue;
        }
        const char *want_text = text_at[gid] < 0 ? NULL : text + text_at[gid];
        if (pg->text != want_text && wrong++ < 5)
            CHECK(false, "glyph %u: the text of another use", gid);
    }
    CHECK(wrong == 0, "%d glyphs looked up wrongly", wrong);
    CHECK(pdf_fonts_lookup(&fs, 0, 1) == NULL, "a glyph of an unused face found");
    CHECK(pdf_fonts_lookup(&fs, 5, 1) == NULL, "a glyph of face 5 (of 2 faces) found");
    CHECK(pdf_fonts_lookup(&fs, -1, 1) == NULL, "a glyph of face -1 found");

    pdf_fonts_free(&fs);
    return test_summary();
}
