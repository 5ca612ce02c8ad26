/* The floor of a render: what any program that embeds the same font
 * subsets in a PDF must do at the least, with nothing of paiban's own
 * work (no input, layout, checks or pages).  For each font of a plan it
 * maps the font file, subsets it to the plan's glyphs with the options
 * paiban uses (src/output/pdf_font.c: the same dropped tables and flags),
 * deflates the subset as paiban does, and writes the streams to a file.
 * bench/run.sh times it beside `paiban render` of the same report, so the
 * distance to the floor is measured, not guessed.
 *
 *   floor --plan STEXT FONT#INDEX...   reads the characters each font shows
 *                                      in a PDF (MuPDF's structured text,
 *                                      `mutool draw -F stext`), finds each
 *                                      font among the FONT files by its
 *                                      PostScript name and prints the plan:
 *                                      one line "FONT#INDEX GID..." a font
 *   floor [--subsetter=WHICH] PLAN OUT the timed part: subset, deflate, write;
 *                                      WHICH is paiban (the default: CFF
 *                                      fonts by paiban's own subsetter into
 *                                      bare CFF, TrueType by HarfBuzz, as
 *                                      paiban embeds them) or harfbuzz
 *                                      (every font by HarfBuzz's subsetter,
 *                                      the floor of paiban's earlier
 *                                      design)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hb.h>
#include <libdeflate.h>

#include "fonts/cff_subset.h"

/* ---- the plan ------------------------------------------------------- */

typedef struct font_chars {
    char name[128];   /* PostScript name, subset tag removed */
    uint32_t *cps;
    size_t n, cap;
} font_chars;

static void add_cp(font_chars *f, uint32_t cp)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->cps[i] == cp)
            return;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->cps = realloc(f->cps, f->cap * sizeof *f->cps);
        if (!f->cps) {
            perror("floor");
            exit(1);
        }
    }
    f->cps[f->n++] = cp;
}

/* The code point of an XML attribute value: a character reference, one of
 * the five named entities, or one UTF-8 character. */
static uint32_t xml_char(const char *s)
{
    if (s[0] == '&') {
        if (s[1] == '#')
            return (uint32_t)(s[2] == 'x' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10));
        static const struct { const char *name; uint32_t cp; } ents[] = {
            {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (!strncmp(s + 1, ents[i].name, strlen(ents[i].name)))
                return ents[i].cp;
        return '&';
    }
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return u[0];
    int len = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : 2;
    uint32_t cp = u[0] & (0x3F >> (len - 1));
    for (int i = 1; i < len && u[i]; i++)
        cp = cp << 6 | (u[i] & 0x3F);
    return cp;
}

static char *postscript_name(hb_face_t *face)
{
    static char buf[128];
    unsigned len = sizeof buf;
    if (!hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, buf))
        buf[0] = 0;
    return buf;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int make_plan(const char *stext, char **fonts, int nfonts)
{
    FILE *in = fopen(stext, "r");
    if (!in) {
        perror(stext);
        return 1;
    }
    font_chars *fc = NULL;
    size_t nfc = 0;
    font_chars *cur = NULL;
    char line[4096];
    while (fgets(line, sizeof line, in)) {
        const char *p;
        if ((p = strstr(line, "<font name=\""))) {
            p += 12;
            const char *plus = strchr(p, '+'), *end = strchr(p, '"');
            if (!end)
                continue;
            if (plus && plus < end && plus - p == 6)
                p = plus + 1;
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(end - p), p);
            cur = NULL;
            for (size_t i = 0; i < nfc; i++)
                if (!strcmp(fc[i].name, name))
                    cur = &fc[i];
            if (!cur) {
                fc = realloc(fc, (nfc + 1) * sizeof *fc);
                cur = &fc[nfc++];
                memset(cur, 0, sizeof *cur);
                snprintf(cur->name, sizeof cur->name, "%s", name);
            }
        } else if (cur && (p = strstr(line, " c=\""))) {
            add_cp(cur, xml_char(p + 4));
        }
    }
    fclose(in);
    int status = 0;
    for (size_t i = 0; i < nfc; i++) {
        bool found = false;
        for (int k = 0; k < nfonts && !found; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s", fonts[k]);
            char *hash = strrchr(path, '#');
            unsigned index = 0;
            if (hash) {
                index = (unsigned)atoi(hash + 1);
                *hash = 0;
            }
            hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
            if (!blob)
                continue;
            hb_face_t *face = hb_face_create(blob, index);
            if (!strcmp(postscript_name(face), fc[i].name)) {
                found = true;
                hb_font_t *font = hb_font_create(face);
                uint32_t *gids = malloc((fc[i].n + 1) * sizeof *gids);
                size_t n = 0;
                gids[n++] = 0;
                for (size_t c = 0; c < fc[i].n; c++) {
                    hb_codepoint_t g;
                    if (hb_font_get_nominal_glyph(font, fc[i].cps[c], &g))
                        gids[n++] = g;
                }
                qsort(gids, n, sizeof *gids, cmp_u32);
                printf("%s#%u", path, index);
                for (size_t c = 0; c < n; c++)
                    if (c == 0 || gids[c] != gids[c - 1])
                        printf(" %u", gids[c]);
                printf("\n");
                free(gids);
                hb_font_destroy(font);
            }
            hb_face_destroy(face);
            hb_blob_destroy(blob);
        }
        if (!found) {
            fprintf(stderr, "floor: no font file given is %s\n", fc[i].name);
            status = 1;
        }
        free(fc[i].cps);
    }
    free(fc);
    return status;
}

/* ---- the timed part -------------------------------------------------- */

/* As src/output/pdf_font.c: tables a PDF font program does not need. */
static const char *const drop_tables[] = {
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "morx", "mort", "kerx", "kern", "feat",
    "trak", "vhea", "vmtx", "VORG", "cvt ", "fpgm", "prep", "gasp", "hdmx", "LTSH", "VDMX",
    "PCLT", "EBDT", "EBLC", "EBSC", "CBDT", "CBLC", "sbix", "SVG ", "COLR", "CPAL", "fvar",
    "avar", "gvar", "HVAR", "VVAR", "MVAR", "cvar", "STAT", "DSIG", "meta", "cmap", "name",
    "post",
};

/* As src/output/pdf_font.c: the deflate level of font programs
 * (libdeflate's, through src/base/flate.c). */
#define FONT_DEFLATE_LEVEL 9

/* As src/output/pdf_font.c: the subsetter plans without the cmap, which it
 * would otherwise read whole to find the characters of the glyphs. */
static hb_blob_t *table_but_cmap(hb_face_t *face, hb_tag_t tag, void *user)
{
    (void)face;
    if (tag == HB_TAG('c', 'm', 'a', 'p'))
        return hb_blob_get_empty();
    return hb_face_reference_table(user, tag);
}

static void destroy_face(void *user)
{
    hb_face_destroy(user);
}

/* Deflates data as paiban does and writes it. */
static bool deflate_write(const void *data, size_t len, FILE *out)
{
    struct libdeflate_compressor *z = libdeflate_alloc_compressor(FONT_DEFLATE_LEVEL);
    size_t bound = libdeflate_zlib_compress_bound(z, len);
    unsigned char *zbuf = malloc(bound);
    size_t zlen = zbuf ? libdeflate_zlib_compress(z, data, len, zbuf, bound) : 0;
    libdeflate_free_compressor(z);
    bool ok = zlen > 0 && fwrite(zbuf, 1, zlen, out) == zlen;
    free(zbuf);
    return ok;
}

/* As src/output/pdf_font.c: a CFF font subset by paiban's own subsetter
 * into a bare CFF; false when it refuses the font (HarfBuzz then). */
static bool own_cff_subset(hb_face_t *face, hb_set_t *glyphs, FILE *out, bool *written)
{
    *written = false;
    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len = 0;
    const unsigned char *data = (const unsigned char *)hb_blob_get_data(cff, &len);
    uint32_t *gids = malloc((hb_set_get_population(glyphs) + 1) * sizeof *gids);
    int n = 0;
    gids[n++] = 0;
    for (hb_codepoint_t g = HB_SET_VALUE_INVALID; hb_set_next(glyphs, &g);)
        if (g != 0)
            gids[n++] = g;
    unsigned char *prog = NULL;
    size_t plen = 0;
    char why[200];
    bool made = len && gids && pb_cff_subset(data, len, gids, n, &prog, &plen, why, sizeof why);
    hb_blob_destroy(cff);
    free(gids);
    if (!made)
        return false;
    *written = deflate_write(prog, plen, out);
    free(prog);
    return true;
}

static bool subset_one(const char *path, unsigned index, hb_set_t *glyphs, bool own_cff,
                       FILE *out)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) {
        fprintf(stderr, "floor: cannot read %s\n", path);
        return false;
    }
    hb_face_t *face = hb_face_create(blob, index);
    bool written;
    if (own_cff && own_cff_subset(face, glyphs, out, &written)) {
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        return written;
    }
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_union(hb_subset_input_glyph_set(in), glyphs);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop_tables / sizeof drop_tables[0]; i++)
        hb_set_add(drop, hb_tag_from_string(drop_tables[i], 4));
    unsigned flags = HB_SUBSET_FLAGS_NO_HINTING;
    hb_blob_t *cff = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
    if (hb_blob_get_length(cff) > 0)
        flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
    hb_blob_destroy(cff);
    hb_subset_input_set_flags(in, flags);
    hb_face_t *planned = hb_face_create_for_tables(table_but_cmap, hb_face_reference(face),
                                                   destroy_face);
    hb_face_set_upem(planned, hb_face_get_upem(face));
    hb_face_set_glyph_count(planned, hb_face_get_glyph_count(face));
    hb_face_t *sub = hb_subset_or_fail(planned, in);
    hb_face_destroy(planned);
    bool ok = sub != NULL;
    if (sub) {
        hb_blob_t *sb = hb_face_reference_blob(sub);
        unsigned len;
        const char *data = hb_blob_get_data(sb, &len);
        ok = deflate_write(data, len, out);
        hb_blob_destroy(sb);
        hb_face_destroy(sub);
    } else {
        fprintf(stderr, "floor: cannot subset %s#%u\n", path, index);
    }
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return ok;
}

static int run_plan(const char *plan, const char *outpath, bool own_cff)
{
    FILE *in = fopen(plan, "r");
    if (!in) {
        perror(plan);
        return 1;
    }
    FILE *out = fopen(outpath, "wb");
    if (!out) {
        perror(outpath);
        fclose(in);
        return 1;
    }
    static char line[1 << 20];
    bool ok = true;
    while (ok && fgets(line, sizeof line, in)) {
        char *save = NULL, *font = strtok_r(line, " \n", &save);
        if (!font)
            continue;
        char *hash = strrchr(font, '#');
        unsigned index = 0;
        if (hash) {
            index = (unsigned)atoi(hash + 1);
            *hash = 0;
        }
        hb_set_t *glyphs = hb_set_create();
        for (char *t; (t = strtok_r(NULL, " \n", &save));)
            hb_set_add(glyphs, (hb_codepoint_t)strtoul(t, NULL, 10));
        ok = subset_one(font, index, glyphs, own_cff, out);
        hb_set_destroy(glyphs);
    }
    fclose(in);
    if (fclose(out) != 0) {
        perror(outpath);
        ok = false;
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--plan"))
        return make_plan(argv[2], argv + 3, argc - 3);
    if (argc == 3)
        return run_plan(argv[1], argv[2], true);
    if (argc == 4 && !strcmp(argv[1], "--subsetter=paiban"))
        return run_plan(argv[2], argv[3], true);
    if (argc == 4 && !strcmp(argv[1], "--subsetter=harfbuzz"))
        return run_plan(argv[2], argv[3], false);
    fprintf(stderr, "usage: floor --plan STEXT FONT#INDEX...\n"
                    "       floor [--subsetter=paiban|harfbuzz] PLAN OUT\n");
    return 2;
}
