/* The PDF stage's record of the glyphs the pages use (output/pdf_font.h:
 * pdf_fonts_note, pdf_fonts_lookup): random uses of a face's glyphs,
 * some past its glyph count, against a plain list of what was noted. */
#include <stdint.h>
#include <stdio.h>
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

int main(void)
{
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
