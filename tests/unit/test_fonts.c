/* Fonts stage against the Debian fonts: Fandol (CFF .otf), Noto CJK (CFF
 * collection), AR PL UMing (TrueType collection), LXGW WenKai (TrueType),
 * plus broken files made in a temporary folder: faces opened only when a
 * role needs them, each file mapped once, broken faces passed over with a
 * warning and an error only when no face of the role serves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb-subset.h>

#include "fonts/cff_subset.h"
#include "fonts/fc_config.h"
#include "fonts/cff_read.h"
#include "fonts/font_check.h"
#include "fonts/fonts.h"
#include "fonts/programs.h"
#include "../testutil.h"

#define FANDOL "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
#define NOTO "/usr/share/fonts/opentype/noto"
#define ARPHIC "/usr/share/fonts/truetype/arphic"
#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai"

/* The fonts fontconfig knows, with paiban's fonts/fonts.conf (Fandol). */
static const pb_font_dirs sys = {.system_fonts = true,
                                 .config = PAIBAN_SOURCE_DIR "/fonts/fonts.conf"};

static pb_font_candidate cand(const char *family, const char *file, int index,
                              const char *path)
{
    return (pb_font_candidate){family, file, index, path, "test-layout.json"};
}

static pb_font_role role(const char *name, pb_font_candidate *c, int n)
{
    return (pb_font_role){name, c, n, "fonts", "test-layout.json"};
}

static pb_layout layout_of(pb_font_role *roles, int n)
{
    pb_layout l;
    memset(&l, 0, sizeof l);
    l.name = "test";
    l.file = "test-layout.json";
    l.roles = roles;
    l.nroles = n;
    return l;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The role's first usable face, opened. */
static const pb_face *primary(const pb_fontset *fs, const char *name)
{
    return pb_fonts_first(fs, pb_fonts_role(fs, name));
}

/* How many mappings of files whose name ends with `name` the process has. */
static int mappings_of(const char *name)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];
    int n = 0;
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        n += ends_with(line, name);
    }
    if (f)
        fclose(f);
    return n;
}

static bool any_message(const pb_diag *d, pb_severity sev, const char *needle)
{
    for (int i = 0; i < d->count; i++)
        if (d->messages[i].severity == sev && strstr(d->messages[i].text, needle))
            return true;
    return false;
}

static void print_messages(const pb_diag *d)
{
    for (int i = 0; i < d->count; i++)
        printf("  message: %s\n", d->messages[i].text);
}

/* FandolFang alone, as the role "fangsong": its face, and the set in *fs
 * and its messages in d to free after; NULL when it does not load (a
 * failed check, the messages printed and everything freed). */
static const pb_face *load_fang(pb_diag *d, pb_fontset **fs)
{
    pb_font_candidate fang[] = {cand("FandolFang", "FandolFang-Regular.otf", 0, "fonts.fangsong[0]")};
    pb_font_role roles[] = {role("fangsong", fang, 1)};
    pb_layout l = layout_of(roles, 1);
    pb_diag_init(d);
    *fs = pb_fonts_load(&l, &sys, d);
    const pb_face *f = *fs ? primary(*fs, "fangsong") : NULL;
    if (!CHECK(f != NULL, "FandolFang does not load")) {
        print_messages(d);
        pb_fonts_free(*fs);
        pb_diag_free(d);
        *fs = NULL;
    }
    return f;
}

static bool copy_prefix(const char *from, const char *to, long bytes)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    bool ok = in && out;
    char buf[65536];
    while (ok && bytes > 0) {
        size_t n = fread(buf, 1, bytes < (long)sizeof buf ? (size_t)bytes : sizeof buf, in);
        if (n == 0)
            break;
        ok = fwrite(buf, 1, n, out) == n;
        bytes -= (long)n;
    }
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return ok;
}

/* What --verbose shows: the information lines of pb_fonts_describe. */
static char *describe(const pb_fontset *fs)
{
    pb_diag d;
    pb_diag_init(&d);
    pb_fonts_describe(fs, &d);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    pb_diag_print(&d, mem);
    fclose(mem);
    pb_diag_free(&d);
    return text;
}

static void test_formats(void)
{
    pb_font_candidate fang[] = {cand("FandolFang", "FandolFang-Regular.otf", 0, "fonts.fangsong[0]")};
    pb_font_candidate serif[] = {cand(NULL, "NotoSerifCJK-Regular.ttc", 2, "fonts.song[0]")};
    pb_font_candidate ming[] = {cand(NULL, "uming.ttc", 0, "fonts.ming[0]")};
    pb_font_candidate kai[] = {cand(NULL, "LXGWWenKai-Regular.ttf", 0, "fonts.kai[0]")};
    pb_font_role roles[] = {role("fangsong", fang, 1), role("song", serif, 1),
                            role("ming", ming, 1), role("kai", kai, 1)};
    pb_layout l = layout_of(roles, 4);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    CHECK(fs && d.errors == 0, "load failed");
    if (!fs) {
        print_messages(&d);
        pb_diag_free(&d);
        return;
    }
    CHECK(pb_fonts_face_count(fs) == 4, "%d faces", pb_fonts_face_count(fs));

    const pb_face *f = primary(fs, "fangsong");
    CHECK(f && ends_with(f->file, "/FandolFang-Regular.otf"), "%s", f ? f->file : "-");
    CHECK(f && f->is_cff && !f->is_bold && f->upem == 1000, "cff %d", f && f->is_cff);
    CHECK(f && strcmp(f->family, "FandolFang") == 0, "%s", f ? f->family : "-");
    CHECK(f && strcmp(f->postscript_name, "FandolFang-Regular") == 0, "%s",
          f ? f->postscript_name : "-");
    CHECK(f && f->ascender == 880 && f->descender == -120, "%d %d", f ? f->ascender : 0,
          f ? f->descender : 0);
    CHECK(f && f->weight == 400 && f->cap_height > 0 && f->bbox[2] > f->bbox[0],
          "weight %d", f ? f->weight : 0);
    CHECK(f && f->hb_font && f->hb_face && f->facts && f->nglyphs > 7000, "handles");

    f = primary(fs, "song");
    CHECK(f && ends_with(f->file, "/NotoSerifCJK-Regular.ttc") && f->index == 2, "%s#%d",
          f ? f->file : "-", f ? f->index : -1);
    CHECK(f && f->is_cff && strcmp(f->family, "Noto Serif CJK SC") == 0, "%s",
          f ? f->family : "-");
    CHECK(f && strcmp(f->postscript_name, "NotoSerifCJKsc-Regular") == 0, "%s",
          f ? f->postscript_name : "-");

    f = primary(fs, "ming");
    CHECK(f && !f->is_cff && f->index == 0 && strcmp(f->family, "AR PL UMing CN") == 0,
          "%s", f ? f->family : "-");
    CHECK(f && f->upem == 1024, "%d", f ? f->upem : 0);

    f = primary(fs, "kai");
    CHECK(f && !f->is_cff && strcmp(f->family, "LXGW WenKai") == 0, "%s",
          f ? f->family : "-");

    CHECK(pb_fonts_role(fs, "kai") == 3 && pb_fonts_role(fs, "nope") == -1, "role index");
    CHECK(strcmp(pb_fonts_role_name(fs, 1), "song") == 0, "role name");
    CHECK(pb_fonts_glyph(primary(fs, "fangsong"), 0x653F /* 政 */) != 0, "glyph 政");
    CHECK(pb_fonts_glyph(primary(fs, "fangsong"), 0x20000) == 0, "no glyph U+20000");

    char *text = describe(fs);
    CHECK(strstr(text, "fangsong: " FANDOL "/FandolFang-Regular.otf#0 (FandolFang, CFF)\n"),
          "%s", text);
    CHECK(strstr(text, "song: " NOTO "/NotoSerifCJK-Regular.ttc#2 (Noto Serif CJK SC, CFF)\n"),
          "%s", text);
    CHECK(strstr(text, "ming: " ARPHIC "/uming.ttc#0 (AR PL UMing CN, TrueType)\n"), "%s", text);
    free(text);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

static void test_families(void)
{
    pb_font_candidate zh[] = {cand("霞鹜文楷", NULL, 0, "fonts.kai[0]")};
    pb_font_candidate en[] = {cand("noto sans cjk sc", NULL, 0, "fonts.hei[0]")};
    pb_font_candidate full[] = {cand("Noto Serif CJK SC Bold", NULL, 0, "fonts.title[0]")};
    pb_font_candidate in_file[] = {cand("Noto Sans CJK SC", "NotoSansCJK-Regular.ttc", 0,
                                        "fonts.sans[0]")};
    pb_font_candidate folded[] = {cand(NULL, "fandolkai-REGULAR.OTF", 0, "fonts.k[0]")};
    pb_font_candidate fallback[] = {cand("No Such Family", "nosuchfile.ttf", 0, "fonts.f[0]"),
                                    cand("FandolSong", NULL, 0, "fonts.f[1]")};
    pb_font_role roles[] = {role("kai", zh, 1),        role("hei", en, 1),
                            role("title", full, 1),    role("sans", in_file, 1),
                            role("k", folded, 1),      role("f", fallback, 2)};
    pb_layout l = layout_of(roles, 6);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    CHECK(fs && d.errors == 0, "load failed");
    if (!fs) {
        print_messages(&d);
        pb_diag_free(&d);
        return;
    }
    const pb_face *f = primary(fs, "kai");
    CHECK(f && ends_with(f->file, "/LXGWWenKai-Regular.ttf"), "霞鹜文楷 -> %s",
          f ? f->file : "-");
    f = primary(fs, "hei");
    CHECK(f && ends_with(f->file, "/NotoSansCJK-Regular.ttc") && f->index == 2,
          "noto sans cjk sc -> %s#%d", f ? f->file : "-", f ? f->index : -1);
    f = primary(fs, "title");
    CHECK(f && ends_with(f->file, "/NotoSerifCJK-Bold.ttc") && f->index == 2 && f->is_bold,
          "full name -> %s#%d", f ? f->file : "-", f ? f->index : -1);
    f = primary(fs, "sans");
    CHECK(f && f->index == 2 && pb_fonts_role_face(fs, 3, 0) == primary(fs, "hei"),
          "family picks the face of a collection: #%d", f ? f->index : -1);
    f = primary(fs, "k");
    CHECK(f && ends_with(f->file, "/FandolKai-Regular.otf"), "case-insensitive file: %s",
          f ? f->file : "-");
    f = primary(fs, "f");
    CHECK(f && ends_with(f->file, "/FandolSong-Regular.otf") && !f->is_bold,
          "regular member of the family: %s", f ? f->file : "-");
    CHECK(pb_fonts_role_face_count(fs, pb_fonts_role(fs, "f")) == 1, "one face");
    CHECK(pb_fonts_face_count(fs) == 5, "shared faces: %d", pb_fonts_face_count(fs));
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

static void test_chain(void)
{
    pb_font_candidate fang[] = {cand(NULL, "FandolFang-Regular.otf", 0, "fonts.fangsong[0]"),
                                cand(NULL, "NotoSerifCJK-Regular.ttc", 2, "fonts.fangsong[1]"),
                                cand(NULL, "uming.ttc", 0, "fonts.fangsong[2]"),
                                cand("FandolFang", NULL, 0, "fonts.fangsong[3]")};
    pb_font_candidate song[] = {cand("Noto Serif CJK SC", "NotoSerifCJK-Regular.ttc", 2,
                                     "fonts.song[0]")};
    pb_font_role roles[] = {role("fangsong", fang, 4), role("song", song, 1)};
    pb_layout l = layout_of(roles, 2);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    CHECK(fs != NULL, "load failed");
    if (!fs) {
        print_messages(&d);
        pb_diag_free(&d);
        return;
    }
    int r = pb_fonts_role(fs, "fangsong");
    CHECK(pb_fonts_role_face_count(fs, r) == 3, "duplicate candidate kept once: %d",
          pb_fonts_role_face_count(fs, r));
    CHECK(pb_fonts_face_count(fs) == 3, "faces shared between roles: %d",
          pb_fonts_face_count(fs));
    const pb_face *fang0 = pb_fonts_role_face(fs, r, 0);
    const pb_face *noto = pb_fonts_role_face(fs, r, 1);
    const pb_face *ming = pb_fonts_role_face(fs, r, 2);
    CHECK(!fang0->hb_font && !noto->hb_font && !ming->hb_font, "nothing opened by loading");
    CHECK(mappings_of("/FandolFang-Regular.otf") == 0 && mappings_of("/uming.ttc") == 0,
          "nothing mapped by loading");
    CHECK(primary(fs, "song") == noto, "same file and index = same face");
    CHECK(pb_fonts_pick(fs, r, 0x653F) == fang0 && !ming->hb_font,
          "政 from FandolFang, UMing still closed");
    CHECK(pb_fonts_pick(fs, r, 0x653F) == fang0, "政 from FandolFang");
    CHECK(pb_fonts_pick(fs, r, 0x4E1F) == noto, "丟 falls back to Noto");
    CHECK(pb_fonts_pick(fs, r, 0x20BB7) == noto, "𠮷 (Extension B) from Noto");
    CHECK(pb_fonts_pick(fs, r, 0x201D1) == ming, "U+201D1 only in UMing");
    CHECK(mappings_of("/FandolFang-Regular.otf") == 1 && mappings_of("/uming.ttc") == 1 &&
              mappings_of("/NotoSerifCJK-Regular.ttc") == 1,
          "each file mapped once");
    CHECK(pb_fonts_pick(fs, r, 0x20000) == NULL, "U+20000 in no font");
    CHECK(pb_fonts_pick(fs, 7, 0x653F) == NULL, "bad role");

    char *text = describe(fs);
    CHECK(strstr(text, "fangsong: fallback " ARPHIC "/uming.ttc#0 (AR PL UMing CN, TrueType)"),
          "%s", text);
    free(text);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* A face rejected in one document's view is passed over there, with a
 * warning, and only there. */
static void test_views(void)
{
    pb_font_candidate fang[] = {cand(NULL, "FandolFang-Regular.otf", 0, "fonts.fangsong[0]"),
                                cand(NULL, "NotoSerifCJK-Regular.ttc", 2, "fonts.fangsong[1]")};
    pb_font_role roles[] = {role("fangsong", fang, 2)};
    pb_layout l = layout_of(roles, 1);
    pb_diag d, d1, d2;
    pb_diag_init(&d);
    pb_diag_init(&d1);
    pb_diag_init(&d2);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    pb_arena *a = pb_arena_new();
    pb_fontset *v1 = fs ? pb_fonts_view(fs, &d1, a) : NULL;
    pb_fontset *v2 = fs ? pb_fonts_view(fs, &d2, a) : NULL;
    if (!CHECK(v1 && v2, "views")) {
        pb_arena_free(a);
        return;
    }
    const pb_face *fang0 = pb_fonts_pick(v1, 0, 0x653F);
    CHECK(fang0 && ends_with(fang0->file, "/FandolFang-Regular.otf"), "政 from FandolFang");
    CHECK(pb_fonts_rejected(v1) == 0, "nothing rejected yet");
    pb_fonts_reject(v1, fang0->id, "a test fault");
    CHECK(pb_fonts_rejected(v1) == 1 && pb_fonts_rejected(v2) == 0, "rejected in one view");
    const pb_face *f = pb_fonts_pick(v1, 0, 0x653F);
    CHECK(f && ends_with(f->file, "/NotoSerifCJK-Regular.ttc"), "the next face serves");
    CHECK(d1.count == 1 && d1.messages[0].severity == PB_WARNING &&
              strcmp(d1.messages[0].what, "a test fault; skipped") == 0 &&
              strcmp(d1.messages[0].file, fang0->file) == 0,
          "warning: %s", d1.count ? d1.messages[0].text : "none");
    CHECK(pb_fonts_pick(v2, 0, 0x653F) == fang0 && d2.count == 0, "the other view unchanged");
    CHECK(pb_fonts_fault(v1, fang0->id) && !pb_fonts_fault(v2, fang0->id), "fault per view");
    pb_diag dd;
    pb_diag_init(&dd);
    pb_fonts_describe(v1, &dd);
    CHECK(dd.count == 1 && strstr(dd.messages[0].text, "fangsong: " NOTO), "%s",
          dd.count ? dd.messages[0].text : "nothing described");
    pb_diag_free(&dd);
    pb_arena_free(a);
    pb_fonts_free(fs);
    pb_diag_free(&d);
    pb_diag_free(&d1);
    pb_diag_free(&d2);
}

static void test_missing_role(void)
{
    pb_font_candidate kai[] = {cand("楷体_GB2312", "KAITI_GB2312.TTF", 0, "fonts.kai[0]"),
                               cand(NULL, "nosuch.ttf", 3, "fonts.kai[1]")};
    pb_font_candidate ok[] = {cand(NULL, "FandolFang-Regular.otf", 0, "fonts.fangsong[0]")};
    pb_font_role roles[] = {role("fangsong", ok, 1), role("kai", kai, 2),
                            role("empty", NULL, 0)};
    pb_layout l = layout_of(roles, 3);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    CHECK(fs == NULL, "load should fail");
    CHECK(d.status == PB_ERR_LAYOUT && d.errors == 2, "status %d errors %d", d.status,
          d.errors);
    const char *want = "test-layout.json: fonts.kai[0]: font role \"kai\": none of its fonts "
                       "was found (tried: KAITI_GB2312.TTF or \"楷体_GB2312\", nosuch.ttf#3; "
                       "searched: the fonts fontconfig knows)";
    CHECK(d.count >= 1 && strcmp(d.messages[0].text, want) == 0, "got: %s",
          d.count ? d.messages[0].text : "nothing");
    CHECK(any_message(&d, PB_ERROR, "test-layout.json: fonts: font role \"empty\""),
          "role without candidates");
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* Without the system's fonts only paiban's folders count. */
static void test_no_system_fonts(void)
{
    pb_font_candidate c[] = {cand("Noto Serif CJK SC", "NotoSerifCJK-Regular.ttc", 2,
                                  "fonts.song[0]")};
    pb_font_role roles[] = {role("song", c, 1)};
    pb_layout l = layout_of(roles, 1);
    const char *dirs[] = {FANDOL};
    pb_font_dirs fd = {.dirs = dirs, .count = 1};
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &fd, &d);
    CHECK(!fs && d.count == 1 && strstr(d.messages[0].text, "searched: " FANDOL ")"),
          "%s", d.count ? d.messages[0].text : "nothing");
    pb_diag_free(&d);
    fd.system_fonts = true;
    pb_diag_init(&d);
    fs = pb_fonts_load(&l, &fd, &d);
    CHECK(fs && ends_with(primary(fs, "song")->file, "/NotoSerifCJK-Regular.ttc"),
          "with the system's fonts");
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

static char tmp[64];

static void make_bad_fonts(void)
{
    char p[256], q[256];
    snprintf(tmp, sizeof tmp, "/tmp/pb-test-fonts-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(p, sizeof p, "%s/bad", tmp);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/bad/bogus.ttf", tmp);
    FILE *f = fopen(p, "w");
    fputs("this is not a font\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/bad/cut.otf", tmp);
    copy_prefix(FANDOL "/FandolFang-Regular.otf", p, 300000);
    snprintf(p, sizeof p, "%s/bad/cut.ttf", tmp);
    copy_prefix(WENKAI "/LXGWWenKai-Regular.ttf", p, 2000000);
    snprintf(p, sizeof p, "%s/loop", tmp);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/loop/sub", tmp);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/loop/sub/again", tmp);
    if (symlink("..", p) != 0)
        perror("symlink");
    snprintf(p, sizeof p, "%s/loop/sub/linked.otf", tmp);
    if (symlink(FANDOL "/FandolHei-Regular.otf", p) != 0)
        perror("symlink");
    snprintf(q, sizeof q, "%s/loop/self", tmp);
    if (symlink(".", q) != 0)
        perror("symlink");
}

static void remove_bad_fonts(void)
{
    static const char *const files[] = {"bad/bogus.ttf", "bad/cut.otf", "bad/cut.ttf",
                                        "bad",           "loop/sub/again",
                                        "loop/sub/linked.otf", "loop/sub", "loop/self",
                                        "loop",          ""};
    char p[256];
    for (int i = 0; files[i][0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, files[i]);
        if (unlink(p) != 0)
            rmdir(p);
    }
    rmdir(tmp);
}

/* A broken file named first: the next candidate serves, with a warning
 * naming the file and the fault; named alone, it is an error naming the
 * layout's JSON path, the file and the fault. */
static void expect_broken(const char *file, const char *needle)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/bad", tmp);
    const char *dirs[] = {dir, FANDOL};
    pb_font_dirs fd = {.dirs = dirs, .count = 2};
    pb_font_candidate c[] = {cand(NULL, file, 0, "fonts.fangsong[0]"),
                             cand(NULL, "FandolFang-Regular.otf", 0, "fonts.fangsong[1]")};
    for (int alone = 0; alone < 2; alone++) {
        pb_font_role roles[] = {role("fangsong", c, alone ? 1 : 2)};
        pb_layout l = layout_of(roles, 1);
        pb_diag d;
        pb_diag_init(&d);
        pb_fontset *fs = pb_fonts_load(&l, &fd, &d);
        CHECK(fs && d.errors == 0, "%s: loading opens nothing", file);
        pb_arena *a = pb_arena_new();
        pb_fontset *v = fs ? pb_fonts_view(fs, &d, a) : NULL;
        const pb_face *f = v ? pb_fonts_pick(v, 0, 0x653F) : NULL;
        char want[300];
        if (alone) {
            CHECK(!f && d.status == PB_ERR_LAYOUT, "%s alone should be an error", file);
            snprintf(want, sizeof want, "test-layout.json: fonts.fangsong[0]: %s/%s: %s", dir,
                     file, needle);
        } else {
            CHECK(f && ends_with(f->file, "/FandolFang-Regular.otf") && d.errors == 0,
                  "%s: the next candidate serves", file);
            snprintf(want, sizeof want, "%s/%s: %s", dir, file, needle);
        }
        CHECK(d.count == 1 && strncmp(d.messages[0].text, want, strlen(want)) == 0 &&
                  d.messages[0].severity == (alone ? PB_ERROR : PB_WARNING),
              "want %s...\n  got %s", want, d.count ? d.messages[0].text : "nothing");
        CHECK(!v || pb_fonts_pick(v, 0, 0x653F) == f, "asked again");
        CHECK(d.count == 1, "%s: told once, not %d times", file, d.count);
        pb_fonts_free(v);
        pb_arena_free(a);
        pb_fonts_free(fs);
        pb_diag_free(&d);
    }
}

static void test_bad_files(void)
{
    expect_broken("bogus.ttf", "not a usable font file (not an OpenType or TrueType font)");
    expect_broken("cut.otf", "not a usable font file (truncated or damaged: table 'BASE' "
                             "ends at byte 6961376, the file has 300000 bytes)");
    expect_broken("cut.ttf", "not a usable font file (truncated or damaged: table '");

    /* beside a report (a flat folder), files named like fonts that are
       none are skipped with a warning, and a damaged font that a family
       finds is skipped for the next */
    char dir[128];
    snprintf(dir, sizeof dir, "%s/bad", tmp);
    const char *dirs[] = {dir, FANDOL};
    const bool flat[] = {true, false};
    pb_font_dirs fd = {.dirs = dirs, .count = 2, .flat = flat};
    pb_font_candidate c[] = {cand("FandolFang", NULL, 0, "fonts.fangsong[0]")};
    pb_font_role roles[] = {role("fangsong", c, 1)};
    pb_layout l = layout_of(roles, 1);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &fd, &d);
    CHECK(fs && d.errors == 0 && ends_with(primary(fs, "fangsong")->file,
                                          FANDOL "/FandolFang-Regular.otf"),
          "family found past broken files");
    CHECK(any_message(&d, PB_WARNING, "/bad/bogus.ttf: not an OpenType or TrueType font; "
                                      "skipped"),
          "warning for bogus.ttf");
    CHECK(any_message(&d, PB_WARNING, "/bad/cut.otf: truncated or damaged: table '"),
          "warning for cut.otf");
    if (!CHECK(d.count == 2, "2 warnings"))
        print_messages(&d);
    pb_fonts_free(fs);
    pb_diag_free(&d);

    /* symlink loops end; files behind symlinks are found */
    char loop[128];
    snprintf(loop, sizeof loop, "%s/loop", tmp);
    const char *ldirs[] = {loop};
    pb_font_dirs ld = {.dirs = ldirs, .count = 1};
    pb_font_candidate lc[] = {cand(NULL, "linked.otf", 0, "fonts.hei[0]")};
    pb_font_candidate lf[] = {cand("FandolHei", NULL, 0, "fonts.x[0]")};
    pb_font_role lroles[] = {role("hei", lc, 1), role("x", lf, 1)};
    l = layout_of(lroles, 2);
    pb_diag_init(&d);
    fs = pb_fonts_load(&l, &ld, &d);
    CHECK(fs && pb_fonts_face_count(fs) == 1 &&
              ends_with(primary(fs, "hei")->file, "/loop/sub/linked.otf"),
          "file through a symlink");
    pb_fonts_free(fs);
    pb_diag_free(&d);

    /* an index past the faces of a collection */
    const char *adirs[] = {ARPHIC};
    pb_font_dirs ad = {.dirs = adirs, .count = 1};
    pb_font_candidate ac[] = {cand(NULL, "uming.ttc", 9, "fonts.song[0]")};
    pb_font_role aroles[] = {role("song", ac, 1)};
    l = layout_of(aroles, 1);
    pb_diag_init(&d);
    fs = pb_fonts_load(&l, &ad, &d);
    pb_arena *a = pb_arena_new();
    pb_fontset *v = fs ? pb_fonts_view(fs, &d, a) : NULL;
    CHECK(v && !pb_fonts_pick(v, 0, 0x653F) && d.count == 1 &&
              strstr(d.messages[0].text, "test-layout.json: fonts.song[0]: " ARPHIC
                                         "/uming.ttc: the file has 4 faces, there is no face 9"),
          "%s", d.count ? d.messages[0].text : "nothing");
    pb_arena_free(a);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* ---- the check of a subset ------------------------------------------------ */

/* Big-endian fields of a font's bytes. */
static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The offset of table `tag` in a font without a collection header. */
static size_t table_at(const unsigned char *font, const char *tag)
{
    for (uint32_t t = 0; t < get16(font + 4); t++)
        if (memcmp(font + 12 + 16 * t, tag, 4) == 0)
            return get32(font + 12 + 16 * t + 8);
    return 0;
}

/* Where glyph g's charstring starts in a subset's CFF table, and its
 * length (its CharStrings INDEX is the one whose count is the number of
 * glyphs). */
static size_t charstring_at(const unsigned char *font, size_t len, uint32_t nglyphs,
                            uint32_t g, size_t *cslen)
{
    size_t cff = table_at(font, "CFF ");
    for (size_t at = cff + 4; at + 3 < len; at++) {
        unsigned osize = font[at + 2];
        if (get16(font + at) != nglyphs || osize < 1 || osize > 4)
            continue;
        uint32_t first = 0, o = 0, next = 0;
        for (unsigned k = 0; k < osize; k++) {
            first = first << 8 | font[at + 3 + k];
            o = o << 8 | font[at + 3 + g * osize + k];
            next = next << 8 | font[at + 3 + (g + 1) * osize + k];
        }
        if (first == 1 && next > o) {
            *cslen = next - o;
            return at + 3 + (size_t)(nglyphs + 1) * osize - 1 + o;
        }
    }
    return 0;
}

/* Rewrites a charstring of len bytes (at least 3) in place as one that only
 * moves (0 0 rmoveto, 0 hmoveto ... endchar): a well-formed glyph without
 * an outline. */
static void only_moves(unsigned char *cs, size_t len)
{
    size_t k = 0;
    for (size_t left = len - 1; left > 0;) {
        static const unsigned char r[] = {139, 139, 21}, h[] = {139, 22};
        const unsigned char *m = left % 2 ? r : h;
        size_t n = left % 2 ? 3 : 2;
        memcpy(cs + k, m, n);
        k += n;
        left -= n;
    }
    cs[k] = 14; /* endchar */
}

/* The characters the subset tests below embed: 报告年度政府信息. */
static const uint32_t subset_text[] = {0x62A5, 0x544A, 0x5E74, 0x5EA6,
                                       0x653F, 0x5E9C, 0x4FE1, 0x606F};

/* FandolFang's subset of 报告年度政府信息, made the way the PDF stage makes it
 * (desubroutinized, no hints), read back by pb_font_check_subset: good as
 * HarfBuzz makes it, and each damage found and named. */
static void test_subset_check(void)
{
    pb_diag d;
    pb_fontset *fs;
    const pb_face *f = load_fang(&d, &fs);
    if (!f)
        return;
    const uint32_t *text = subset_text;
    enum { N = sizeof subset_text / sizeof *subset_text };
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    pb_subset_glyph glyphs[N];
    for (int i = 0; i < N; i++) {
        glyphs[i] = (pb_subset_glyph){pb_fonts_glyph(f, text[i]), 0, text[i]};
        hb_set_add(gs, glyphs[i].gid);
    }
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_DESUBROUTINIZE);
    hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(f->hb_face, in);
    hb_face_t *sub = hb_subset_plan_execute_or_fail(plan);
    const hb_map_t *o2n = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (int i = 0; i < N; i++)
        glyphs[i].new_gid = hb_map_get(o2n, glyphs[i].gid);
    hb_blob_t *blob = hb_face_reference_blob(sub);
    unsigned len = 0;
    const unsigned char *made = (const unsigned char *)hb_blob_get_data(blob, &len);
    unsigned char *font = malloc(len);
    memcpy(font, made, len);
    uint32_t nglyphs = get16(font + table_at(font, "maxp") + 4);
    char why[512];

    why[0] = 0;
    pb_font_verdict v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_GOOD, "the subset as made: verdict %d (%s)", v, why);

    /* FandolFang's charstrings are plain: the read-back takes the face's
       reading of the same bytes, and must read a charstring that differs */
    for (int i = 0; i < N; i++)
        CHECK(pb_font_glyph_facts(f, glyphs[i].gid) & PB_GLYPH_PLAIN,
              "U+%04X: the face's charstring was not read as plain", text[i]);

    /* 告's charstring only moves (0 0 rmoveto, 0 hmoveto ... endchar): a
       well-formed glyph without an outline, as long as the face's */
    size_t cslen = 0;
    size_t cs = charstring_at(font, len, nglyphs, glyphs[1].new_gid, &cslen);
    if (CHECK(cs && cslen >= 3, "告's charstring not found")) {
        unsigned char *was = malloc(cslen);
        memcpy(was, font + cs, cslen);
        only_moves(font + cs, cslen);
        why[0] = 0;
        v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
        CHECK(v == PB_FONT_FAULT && strstr(why, "U+544A \"告\" is damaged") &&
                  strstr(why, "no outline"),
              "a charstring that only moves: verdict %d (%s)", v, why);
        /* the same charstring cut before its endchar */
        font[cs + cslen - 1] = 139;
        v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
        CHECK(v == PB_FONT_FAULT && strstr(why, "U+544A \"告\" is damaged"),
              "a charstring without endchar: verdict %d (%s)", v, why);
        memcpy(font + cs, was, cslen);
        free(was);
    }

    /* 年's advance in the subset's hmtx differs from the font's (Fandol
       gives few advances: the last one serves the glyphs after it) */
    size_t hmtx = table_at(font, "hmtx");
    uint32_t nmetrics = get16(font + table_at(font, "hhea") + 34);
    uint32_t g = glyphs[2].new_gid < nmetrics ? glyphs[2].new_gid : nmetrics - 1;
    unsigned char *adv = font + hmtx + 4 * g;
    unsigned char was[2] = {adv[0], adv[1]};
    adv[0] ^= 0x01;
    why[0] = 0;
    v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_FAULT && strstr(why, "units in the subset for the PDF, 1000 in the font"),
          "another advance: verdict %d (%s)", v, why);
    memcpy(adv, was, 2);

    /* a glyph past the subset's last one */
    pb_subset_glyph past[N];
    memcpy(past, glyphs, sizeof past);
    past[3].new_gid = nglyphs + 5;
    why[0] = 0;
    v = pb_font_check_subset(f, font, len, past, N, why, sizeof why);
    CHECK(v == PB_FONT_FAULT && strstr(why, "glyphs, it needs"), "a glyph past the last: "
          "verdict %d (%s)", v, why);

    /* the file cut short */
    why[0] = 0;
    v = pb_font_check_subset(f, font, len / 2, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_FAULT && why[0], "half the subset: verdict %d (%s)", v, why);

    /* the check is the same after all that: the bytes are as made */
    CHECK(memcmp(font, made, len) == 0, "the subset's bytes were not restored");
    v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_GOOD, "the subset again: verdict %d (%s)", v, why);

    free(font);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* The same glyphs subset by paiban's own subsetter into a bare CFF (the
 * PDF's FontFile3 /CIDFontType0C), read back: good as made, a glyph
 * without its outline, one past the last and the file cut short found. */
static void test_bare_subset_check(void)
{
    pb_diag d;
    pb_fontset *fs;
    const pb_face *f = load_fang(&d, &fs);
    if (!f)
        return;
    /* in glyph order as the PDF stage gives them */
    const uint32_t *text = subset_text;
    enum { N = sizeof subset_text / sizeof *subset_text };
    pb_subset_glyph glyphs[N];
    for (int i = 0; i < N; i++)
        glyphs[i] = (pb_subset_glyph){pb_fonts_glyph(f, text[i]), 0, text[i]};
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            if (glyphs[j].gid < glyphs[i].gid) {
                pb_subset_glyph t = glyphs[i];
                glyphs[i] = glyphs[j];
                glyphs[j] = t;
            }
    uint32_t gids[N + 1] = {0};
    for (int i = 0; i < N; i++) {
        gids[i + 1] = glyphs[i].gid;
        glyphs[i].new_gid = (uint32_t)i + 1;
    }
    hb_blob_t *table = hb_face_reference_table(f->hb_face, HB_TAG('C', 'F', 'F', ' '));
    unsigned tlen = 0;
    const unsigned char *cff = (const unsigned char *)hb_blob_get_data(table, &tlen);
    unsigned char *font = NULL;
    size_t len = 0;
    char why[512] = "";
    bool made = pb_cff_subset(cff, tlen, gids, N + 1, &font, &len, why, sizeof why);
    hb_blob_destroy(table);
    if (!CHECK(made, "the bare subset is made: %s", why)) {
        pb_fonts_free(fs);
        pb_diag_free(&d);
        return;
    }
    pb_font_verdict v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_GOOD, "the bare subset as made: verdict %d (%s)", v, why);

    /* 告's charstring only moves: no outline */
    int k_gao = 0;
    for (int i = 0; i < N; i++)
        if (glyphs[i].cp == 0x544A)
            k_gao = i;
    size_t cslen = 0;
    size_t cs = charstring_at(font, len, N + 1, glyphs[k_gao].new_gid, &cslen);
    if (CHECK(cs && cslen >= 3, "告's charstring not found in the bare subset")) {
        unsigned char *was = malloc(cslen);
        memcpy(was, font + cs, cslen);
        only_moves(font + cs, cslen);
        why[0] = 0;
        v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
        CHECK(v == PB_FONT_FAULT && strstr(why, "U+544A \"告\" is damaged") &&
                  strstr(why, "no outline"),
              "bare: a charstring that only moves: verdict %d (%s)", v, why);
        memcpy(font + cs, was, cslen);
        free(was);
    }

    pb_subset_glyph past[N];
    memcpy(past, glyphs, sizeof past);
    past[3].new_gid = N + 6;
    why[0] = 0;
    v = pb_font_check_subset(f, font, len, past, N, why, sizeof why);
    CHECK(v == PB_FONT_FAULT && strstr(why, "glyphs, it needs"),
          "bare: a glyph past the last: verdict %d (%s)", v, why);

    why[0] = 0;
    v = pb_font_check_subset(f, font, len / 2, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_FAULT && why[0], "bare: half the subset: verdict %d (%s)", v, why);

    v = pb_font_check_subset(f, font, len, glyphs, N, why, sizeof why);
    CHECK(v == PB_FONT_GOOD, "the bare subset again: verdict %d (%s)", v, why);
    free(font);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* The offsets of a CFF font's CharStrings INDEX are checked in order: one
 * below the one before it at the second offset, in the middle, at the
 * last but one and at the last, and a first offset that is not 1, each
 * named, in fonts whose offsets have 3 and 4 bytes. */
/* A font file's bytes in memory the test may damage (malloc), or NULL
 * with a failed check. */
static unsigned char *writable_copy(const char *file, unsigned *len)
{
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(file);
    if (!CHECK(blob != NULL, "%s cannot be read", file))
        return NULL;
    const char *data = hb_blob_get_data(blob, len);
    unsigned char *font = malloc(*len);
    memcpy(font, data, *len);
    hb_blob_destroy(blob);
    return font;
}

static void index_order_in(const char *file, int index)
{
    unsigned len = 0;
    unsigned char *font = writable_copy(file, &len);
    if (!font)
        return;
    size_t dir = memcmp(font, "ttcf", 4) == 0 ? get32(font + 12 + 4 * (size_t)index) : 0;
    size_t cff = 0, cff_len = 0;
    for (uint32_t t = 0; t < get16(font + dir + 4); t++)
        if (memcmp(font + dir + 12 + 16 * t, "CFF ", 4) == 0) {
            cff = get32(font + dir + 12 + 16 * t + 8);
            cff_len = get32(font + dir + 12 + 16 * t + 12);
        }
    pb_cff_bytes c = {font + cff, cff_len}, top = {NULL, 0};
    pb_cff_index names, tops, glyphs = {0};
    long at = -1;
    if (cff && pb_cff_index_read(c, c.p[2], &names) && pb_cff_index_read(c, names.end, &tops) &&
        pb_cff_index_item(c, &tops, 0, &top)) {
        pb_cff_dict_op o;
        for (size_t pos = 0; pb_cff_dict_next(top, &pos, &o) == 1;)
            if (o.op == PB_CFF_OP_CHARSTRINGS && o.n == 1)
                at = o.v[0];
    }
    if (!CHECK(at > 0 && pb_cff_index_read(c, (size_t)at, &glyphs) && glyphs.count > 4,
               "%s: its CharStrings INDEX is not found", file)) {
        free(font);
        return;
    }
    char why[300] = "";
    CHECK(pb_font_check_tables(font, len, index, why, sizeof why), "%s as it is: %s", file, why);
    unsigned size = glyphs.osize;
    unsigned char *offsets = font + cff + glyphs.offsets;
    uint32_t items[] = {1, glyphs.count / 2, glyphs.count - 1, glyphs.count};
    for (size_t k = 0; k < sizeof items / sizeof *items; k++) {
        unsigned char *o = offsets + (size_t)items[k] * size, was[4];
        memcpy(was, o, size);
        uint32_t v = pb_cff_get_off(o - size, size) - 1;
        for (unsigned b = 0; b < size; b++)
            o[b] = (unsigned char)(v >> 8 * (size - 1 - b));
        char want[80];
        snprintf(want, sizeof want, "the offsets of the CharStrings INDEX are out of order at "
                 "item %u", items[k] - 1);
        why[0] = 0;
        bool ok = pb_font_check_tables(font, len, index, why, sizeof why);
        CHECK(!ok && strstr(why, want), "%s, offsets of %u bytes, offset %u below the one "
              "before: %s", file, size, items[k], why);
        memcpy(o, was, size);
    }
    offsets[size - 1] = 2;
    why[0] = 0;
    CHECK(!pb_font_check_tables(font, len, index, why, sizeof why) &&
              strstr(why, "the CharStrings INDEX's first offset is 2, not 1"),
          "%s: a first offset of 2: %s", file, why);
    offsets[size - 1] = 1;
    CHECK(pb_font_check_tables(font, len, index, why, sizeof why), "%s restored: %s", file, why);
    free(font);
}

static void test_index_order(void)
{
    index_order_in("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"
                   "FandolFang-Regular.otf", 0);
    index_order_in("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0);
    index_order_in("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2);
}

/* Format 4 of 'cmap' gives the glyphs of a segment of characters by an
 * array of ids: an id past the last glyph is named with its character,
 * and so is the first character whose id is past the end of the subtable
 * (FandolFang's Windows Unicode subtable, its middle segment given by an
 * array). */
static void test_cmap_format4(void)
{
    const char *file = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"
                       "FandolFang-Regular.otf";
    unsigned len = 0;
    unsigned char *font = writable_copy(file, &len);
    if (!font)
        return;
    uint32_t nglyphs = get16(font + table_at(font, "maxp") + 4);
    unsigned char *cmap = font + table_at(font, "cmap"), *t = NULL;
    for (uint32_t i = 0; i < get16(cmap + 2); i++)
        if (get16(cmap + 4 + 8 * i) == 3 && get16(cmap + 4 + 8 * i + 2) == 1 &&
            get16(cmap + get32(cmap + 4 + 8 * i + 4)) == 4)
            t = cmap + get32(cmap + 4 + 8 * i + 4);
    if (!CHECK(t != NULL, "FandolFang has no format 4 subtable")) {
        free(font);
        return;
    }
    uint32_t segs = get16(t + 6) / 2, with_array[64], n = 0;
    unsigned char *ends = t + 14, *starts = ends + 2 * segs + 2, *deltas = starts + 2 * segs,
                  *ranges = deltas + 2 * segs;
    for (uint32_t s = 0; s < segs && n < 64; s++)
        if (get16(ranges + 2 * s) && get16(ends + 2 * s) - get16(starts + 2 * s) >= 2)
            with_array[n++] = s;
    if (!CHECK(n > 0, "FandolFang's format 4 subtable has no segment given by an array")) {
        free(font);
        return;
    }
    uint32_t s = with_array[n / 2], start = get16(starts + 2 * s), end = get16(ends + 2 * s);
    uint32_t k = (end - start) / 2, delta = get16(deltas + 2 * s);
    unsigned char *id = ranges + 2 * s + get16(ranges + 2 * s) + 2 * k, was[2] = {id[0], id[1]};
    char why[300] = "", want[120];
    CHECK(pb_font_check_tables(font, len, 0, why, sizeof why), "FandolFang as it is: %s", why);

    uint32_t g = (nglyphs - delta) & 0xFFFF; /* the id that gives glyph nglyphs */
    id[0] = (unsigned char)(g >> 8);
    id[1] = (unsigned char)g;
    snprintf(want, sizeof want, "its 'cmap' table maps U+%04X to glyph %u, the font has %u",
             start + k, nglyphs, nglyphs);
    CHECK(!pb_font_check_tables(font, len, 0, why, sizeof why) && strcmp(why, want) == 0,
          "an id past the last glyph: %s", why);
    memcpy(id, was, 2);

    /* the subtable cut inside that id: the first character whose id is
       past its end, in this segment or an earlier one, is named */
    uint32_t cut = (uint32_t)(id - t) + 1, first = 0;
    for (uint32_t e = 0; e < segs && !first; e++) {
        uint32_t ro = get16(ranges + 2 * e), a = get16(starts + 2 * e), b = get16(ends + 2 * e);
        for (uint32_t c = a; ro && c <= b && !first; c++)
            if ((size_t)(ranges + 2 * e + ro + 2 * (c - a) - t) + 2 > cut)
                first = c;
    }
    unsigned char old_len[2] = {t[2], t[3]};
    t[2] = (unsigned char)(cut >> 8);
    t[3] = (unsigned char)cut;
    snprintf(want, sizeof want, "its 'cmap' table is damaged (format 4: U+%04X is past the "
             "subtable)", first);
    CHECK(first != 0 && !pb_font_check_tables(font, len, 0, why, sizeof why) &&
              strcmp(why, want) == 0,
          "the subtable cut at byte %u: %s (U+%04X expected)", cut, why, first);
    memcpy(t + 2, old_len, 2);
    CHECK(pb_font_check_tables(font, len, 0, why, sizeof why), "FandolFang restored: %s", why);
    free(font);
}

/* A subset's charstring reads as the face's when it is the face's bytes,
 * or those without the hints (and their masks), the width a hint carried
 * moved before the first operator left; anything else is read again.
 * Numbers are written as TN 5177 gives them: v + 139 for -107..107. */
#define N(v) (unsigned char)((v) + 139)
static void test_charstring_reads_as(void)
{
    enum { HSTEM = 1, VSTEM = 3, HSTEMHM = 18, HINTMASK = 19, RMOVETO = 21, RLINETO = 5,
           ENDCHAR = 14 };
    struct {
        int line;
        const unsigned char *face, *cs;
        size_t face_len, len;
        bool same;
    } cases[] = {
#define CASE(same, face, ...)                                                                  \
    {__LINE__, face, (const unsigned char[]){__VA_ARGS__}, sizeof face,                        \
     sizeof((const unsigned char[]){__VA_ARGS__}), same}
/* a width (50) on the first hint, a hint mask before the path and one in
   it (2 stems: masks of one byte, here the bytes of endchar and rmoveto) */
#define HINTED                                                                                 \
    (const unsigned char[]){N(50), N(10), N(20), HSTEMHM, N(30), N(5), HINTMASK, ENDCHAR,     \
                            N(1),  N(2),  RMOVETO, N(3), N(4), RLINETO, HINTMASK, RMOVETO,     \
                            N(5),  N(6),  RLINETO, ENDCHAR}
        CASE(true, HINTED, N(50), N(10), N(20), HSTEMHM, N(30), N(5), HINTMASK, ENDCHAR, N(1),
             N(2), RMOVETO, N(3), N(4), RLINETO, HINTMASK, RMOVETO, N(5), N(6), RLINETO,
             ENDCHAR),
        CASE(true, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(6), RLINETO,
             ENDCHAR),
        /* the width lost, another, or put after the operands */
        CASE(false, HINTED, N(51), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(6), RLINETO,
             ENDCHAR),
        CASE(false, HINTED, N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(6), RLINETO,
             ENDCHAR),
        CASE(false, HINTED, N(1), N(2), N(50), RMOVETO, N(3), N(4), RLINETO, N(5), N(6),
             RLINETO, ENDCHAR),
        /* the mask in the path kept */
        CASE(false, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, HINTMASK, RMOVETO,
             N(5), N(6), RLINETO, ENDCHAR),
        /* a point moved before the mask or after it, the end cut off, a
           byte more */
        CASE(false, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(5), RLINETO, N(5), N(6), RLINETO,
             ENDCHAR),
        CASE(false, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(7), RLINETO,
             ENDCHAR),
        CASE(false, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(6),
             RLINETO),
        CASE(false, HINTED, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, N(5), N(6), RLINETO,
             ENDCHAR, ENDCHAR),
#define NO_WIDTH (const unsigned char[]){N(10), N(20), HSTEM, N(30), N(5), VSTEM, N(1), N(2),  \
                                         RMOVETO, N(3), N(4), RLINETO, ENDCHAR}
        /* hints without a width: their first number is not one */
        CASE(true, NO_WIDTH, N(1), N(2), RMOVETO, N(3), N(4), RLINETO, ENDCHAR),
        CASE(false, NO_WIDTH, N(10), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, ENDCHAR),
#define NO_HINTS (const unsigned char[]){N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, ENDCHAR}
        CASE(true, NO_HINTS, N(50), N(1), N(2), RMOVETO, N(3), N(4), RLINETO, ENDCHAR),
        CASE(false, NO_HINTS, N(1), N(2), RMOVETO, N(3), N(4), RLINETO, ENDCHAR),
        CASE(false, NO_HINTS, N(50), N(1), N(2), RMOVETO, N(3), N(5), RLINETO, ENDCHAR),
/* nine stems (a mask of two bytes, the second endchar's) and numbers of
   every length, one of whose bytes is hintmask's */
#define LONG_MASK                                                                              \
    (const unsigned char[]){N(1), N(1), N(1), N(1), N(1), N(1), N(1), N(1), N(1), N(1), N(1),  \
                            N(1), N(1), N(1), N(1), N(1), N(1), N(1), HSTEMHM, HINTMASK, 0xFF, \
                            ENDCHAR, 28, 0x01, HINTMASK, 247, HINTMASK, RMOVETO, 255, 0, 1,    \
                            HINTMASK, 0, N(4), RLINETO, ENDCHAR}
        CASE(true, LONG_MASK, 28, 0x01, HINTMASK, 247, HINTMASK, RMOVETO, 255, 0, 1, HINTMASK,
             0, N(4), RLINETO, ENDCHAR),
        CASE(false, LONG_MASK, ENDCHAR, 28, 0x01, HINTMASK, 247, HINTMASK, RMOVETO, 255, 0, 1,
             HINTMASK, 0, N(4), RLINETO, ENDCHAR),
#undef CASE
#undef HINTED
#undef NO_WIDTH
#undef NO_HINTS
#undef LONG_MASK
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_LINE(pb_font_charstring_reads_as(cases[i].face, cases[i].face_len, cases[i].cs,
                                               cases[i].len) == cases[i].same,
                   cases[i].line, "the charstring %s the face's", cases[i].same ? "reads as"
                                                                                : "differs from");
}
#undef N

/* A program kept with the face: found again only for the same glyphs at
 * the same level, as kept; the face keeps two, the one used longest ago
 * goes. */
static void test_kept_programs(void)
{
    pb_diag d;
    pb_fontset *fs;
    const pb_face *f = load_fang(&d, &fs);
    if (!f)
        return;
    uint32_t a[] = {3, 17, 200}, b[] = {3, 17}, c[] = {5, 6, 7};
    uint32_t cids[] = {1, 2, 3};
    unsigned char bytes[] = "program a";
    pb_program pa = {bytes, sizeof bytes, 900, cids, true}, got;
    CHECK(!pb_face_program_find(f, a, 3, 1, &got), "found before it was kept");
    pb_face_program_keep(f, a, 3, 1, &pa);
    bool found = pb_face_program_find(f, a, 3, 1, &got);
    CHECK(found && got.len == sizeof bytes && !memcmp(got.data, bytes, sizeof bytes) &&
              got.made_len == 900 && got.cids[2] == 3 && got.data != bytes && got.bare_cff,
          "the kept program is not found as it was kept");
    if (found)
        pb_program_free(&got);
    CHECK(!pb_face_program_find(f, b, 2, 1, &got), "found for fewer glyphs");
    CHECK(!pb_face_program_find(f, a, 3, 12, &got), "found at another level");
    unsigned char bytes_b[] = "program b", bytes_c[] = "program c";
    pb_program pb_ = {bytes_b, sizeof bytes_b, 10, cids, false},
               pc = {bytes_c, sizeof bytes_c, 10, cids, false};
    pb_face_program_keep(f, b, 2, 1, &pb_);
    /* finding a makes it newer than b */
    if (pb_face_program_find(f, a, 3, 1, &got))
        pb_program_free(&got);
    pb_face_program_keep(f, c, 3, 1, &pc);
    found = pb_face_program_find(f, a, 3, 1, &got);
    CHECK(found, "the program used last went");
    if (found)
        pb_program_free(&got);
    CHECK(!pb_face_program_find(f, b, 2, 1, &got), "the program used longest ago stayed");
    found = pb_face_program_find(f, c, 3, 1, &got);
    CHECK(found && !memcmp(got.data, bytes_c, sizeof bytes_c), "the newest program is not kept");
    if (found)
        pb_program_free(&got);
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* The glyphs of a face measured without HarfBuzz's interpreter (Fandol's
 * plain charstrings) have an outline exactly where HarfBuzz finds an
 * extent: every glyph of the first 2,000. */
static void test_glyph_facts(void)
{
    pb_diag d;
    pb_fontset *fs;
    const pb_face *f = load_fang(&d, &fs);
    if (!f)
        return;
    if (CHECK(f->outlines != NULL, "FandolFang's outlines are not read")) {
        int ink = 0, differ = 0;
        for (uint32_t g = 0; g < 2000 && g < f->nglyphs; g++) {
            unsigned facts = pb_font_glyph_facts(f, g);
            hb_glyph_extents_t e;
            bool hb = hb_font_get_glyph_extents(f->hb_font, g, &e) && (e.width || e.height);
            ink += hb;
            if (!CHECK(!!(facts & PB_GLYPH_INK) == hb && !(facts & PB_GLYPH_OVERWIDE),
                       "glyph %u: facts %#x, HarfBuzz's extent %d x %d", g, facts, e.width,
                       e.height) && ++differ > 5)
                break;
        }
        CHECK(ink > 1900, "%d glyphs with ink", ink);
    }
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* The ink across a glyph read from its plain charstring is HarfBuzz's
 * extent, to the font unit, for every glyph of FandolFang and FandolHei
 * (where HarfBuzz finds none, neither does the quick reader), read or
 * remembered. */
static void test_quick_ink(void)
{
    pb_font_candidate fang[] = {cand("FandolFang", "FandolFang-Regular.otf", 0, "fonts.fangsong[0]")},
                      hei[] = {cand("FandolHei", "FandolHei-Regular.otf", 0, "fonts.heiti[0]")};
    pb_font_role roles[] = {role("fangsong", fang, 1), role("heiti", hei, 1)};
    pb_layout l = layout_of(roles, 2);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    const char *names[] = {"fangsong", "heiti"};
    for (int r = 0; r < 2; r++) {
        const pb_face *f = fs ? primary(fs, names[r]) : NULL;
        if (!CHECK(f != NULL && f->outlines != NULL, "%s: outlines are not read", names[r]))
            continue;
        /* each glyph twice in a row (the second from the face's cache of
           answers), then all again backwards (slots taken by others) */
        int quick = 0, differ = 0;
        for (uint32_t k = 0; k < 4 * f->nglyphs && differ <= 5; k++) {
            uint32_t g = k < 2 * f->nglyphs ? k / 2 : 4 * f->nglyphs - 1 - k;
            int32_t left = 0, right = 0;
            int q = pb_font_quick_ink_x(f, g, &left, &right);
            if (q < 0)
                continue;
            quick += k % 2 == 0 && k < 2 * f->nglyphs;
            hb_glyph_extents_t e;
            bool hb = hb_font_get_glyph_extents(f->hb_font, g, &e) && e.width != 0;
            if (!CHECK(q == hb && (!hb || (left == e.x_bearing && right == e.x_bearing + e.width)),
                       "%s glyph %u: quick %d [%d, %d], HarfBuzz %d [%d, %d]", names[r], g, q,
                       left, right, hb, e.x_bearing, e.x_bearing + e.width))
                differ++;
        }
        CHECK(quick > 6000, "%s: only %d glyphs read by the quick reader", names[r], quick);
    }
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* A cluster whose glyphs pb_font_glyphs_print passes passes the full
 * check whatever its text, for every glyph of FandolFang and FandolHei
 * alone and with the next one, under characters of every kind (letters,
 * a space, a mark, a format character, a blank Hangul filler). */
static void test_glyphs_print(void)
{
    pb_font_candidate fang[] = {cand("FandolFang", "FandolFang-Regular.otf", 0, "fonts.fangsong[0]")},
                      hei[] = {cand("FandolHei", "FandolHei-Regular.otf", 0, "fonts.heiti[0]")};
    pb_font_role roles[] = {role("fangsong", fang, 1), role("heiti", hei, 1)};
    pb_layout l = layout_of(roles, 2);
    pb_diag d;
    pb_diag_init(&d);
    pb_fontset *fs = pb_fonts_load(&l, &sys, &d);
    const char *names[] = {"fangsong", "heiti"};
    static const uint32_t texts[][2] = {{0x4E2D, 0}, {'A', 0}, {' ', 0}, {0x3000, 0},
                                        {0x0301, 0}, {0x200B, 0}, {0x3164, 0}, {'e', 0x0301},
                                        {0x7F, 0}};
    for (int r = 0; r < 2; r++) {
        const pb_face *f = fs ? primary(fs, names[r]) : NULL;
        if (!CHECK(f != NULL, "%s: no face", names[r]))
            continue;
        int pass = 0, doubt = 0, differ = 0;
        for (uint32_t g = 0; g < f->nglyphs + 2 && differ <= 5; g++)
            for (int n = 1; n <= 2; n++) {
                uint32_t gids[2] = {g, g + 1};
                if (!pb_font_glyphs_print(f, gids, n)) {
                    doubt++;
                    continue;
                }
                pass++;
                for (size_t t = 0; t < sizeof texts / sizeof *texts; t++)
                    for (int joined = 0; joined < 2; joined++) {
                        char why[240];
                        int ncps = texts[t][1] ? 2 : 1;
                        if (!CHECK(pb_font_check_cluster(f, texts[t], ncps, gids, n, joined, why,
                                                         sizeof why),
                                   "%s glyphs %u (%d) pass the quick test, not the check "
                                   "of U+%04X: %s", names[r], g, n, texts[t][0], why))
                            differ++;
                    }
            }
        CHECK(pass > 12000 && doubt > 4, "%s: %d clusters passed quickly, %d not", names[r],
              pass, doubt);
    }
    pb_fonts_free(fs);
    pb_diag_free(&d);
}

/* ---- the system's fontconfig configuration ------------------------------------------ */

/* "file#index" of each font of config's system set, in order, one a line
 * (malloc'ed). */
static char *font_list(FcConfig *config)
{
    FcConfigBuildFonts(config);
    FcFontSet *set = FcConfigGetFonts(config, FcSetSystem);
    size_t len = 0, cap = 1 << 16;
    char *out = malloc(cap);
    out[0] = 0;
    for (int i = 0; set && i < set->nfont; i++) {
        FcChar8 *file = NULL;
        int index = 0;
        FcPatternGetString(set->fonts[i], FC_FILE, 0, &file);
        FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &index);
        size_t need = strlen(file ? (char *)file : "") + 16;
        if (len + need + 1 > cap)
            out = realloc(out, cap = 2 * (len + need + 1));
        len += (size_t)sprintf(out + len, "%s#%d\n", file ? (char *)file : "", index);
    }
    return out;
}

/* The strings of list, one a line (malloc'ed); the list is consumed. */
static char *str_list(FcStrList *list)
{
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    out[0] = 0;
    for (FcChar8 *s; list && (s = FcStrListNext(list));) {
        size_t n = strlen((char *)s);
        if (len + n + 2 > cap)
            out = realloc(out, cap = 2 * (len + n + 2));
        memcpy(out + len, s, n);
        len += n;
        out[len++] = '\n';
        out[len] = 0;
    }
    if (list)
        FcStrListDone(list);
    return out;
}

/* How many configuration files config describes, and how many of them it
 * did not load (read only to describe them). */
static int described_files(FcConfig *config, int *not_loaded)
{
    FcConfigFileInfoIter it;
    int n = 0;
    *not_loaded = 0;
    FcConfigFileInfoIterInit(config, &it);
    do {
        FcChar8 *name = NULL, *description = NULL;
        FcBool enabled = FcFalse;
        if (!FcConfigFileInfoIterGet(config, &it, &name, &description, &enabled))
            break;
        n++;
        *not_loaded += !enabled;
        FcStrFree(name);
        FcStrFree(description);
    } while (FcConfigFileInfoIterNext(config, &it));
    return n;
}

/* pb_fc_load_config() and FcInitLoadConfig() agree on everything that
 * decides the fonts: the same fonts in the same order, the same files
 * loaded, the same font and cache folders. */
static void same_as_fontconfig(const char *what, int line)
{
    FcConfig *theirs = FcInitLoadConfig(), *ours = pb_fc_load_config();
    if (!CHECK_LINE(theirs && ours, line, "%s: a configuration", what))
        goto out;
    char *a = font_list(theirs), *b = font_list(ours);
    CHECK_LINE(strcmp(a, b) == 0, line, "%s: the same fonts (%zu and %zu bytes of names)", what,
               strlen(a), strlen(b));
    CHECK_LINE(a[0] != 0, line, "%s: some fonts", what);
    free(a);
    free(b);
    const struct {
        const char *name;
        FcStrList *(*get)(FcConfig *);
    } lists[] = {{"configuration files", FcConfigGetConfigFiles},
                 {"font folders", FcConfigGetFontDirs},
                 {"cache folders", FcConfigGetCacheDirs}};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        a = str_list(lists[i].get(theirs));
        b = str_list(lists[i].get(ours));
        CHECK_LINE(strcmp(a, b) == 0, line, "%s: the same %s:\n%s---\n%s", what, lists[i].name,
                   a, b);
        free(a);
        free(b);
    }
out:
    if (theirs)
        FcConfigDestroy(theirs);
    if (ours)
        FcConfigDestroy(ours);
}

static void test_system_config(void)
{
    same_as_fontconfig("the system's configuration", __LINE__);

    /* the files of fontconfig's template folder that are not loaded are
       read by FcInitLoadConfig only to describe them: paiban skips them */
    FcConfig *theirs = FcInitLoadConfig(), *ours = pb_fc_load_config();
    int theirs_not_loaded, ours_not_loaded;
    int theirs_n = described_files(theirs, &theirs_not_loaded);
    int ours_n = described_files(ours, &ours_not_loaded);
    CHECK(theirs_not_loaded > 0, "fontconfig describes files it does not load (%d of %d)",
          theirs_not_loaded, theirs_n);
    CHECK(ours_not_loaded == 0 && ours_n == theirs_n - theirs_not_loaded,
          "paiban reads only the files it loads (%d not loaded, %d of %d)", ours_not_loaded,
          ours_n, theirs_n);
    FcConfigDestroy(theirs);
    FcConfigDestroy(ours);

    /* where FcInitLoadConfig does more than load, the same result */
    const char *saved = getenv("FONTCONFIG_FILE");
    char *keep = saved ? strdup(saved) : NULL;
    char conf[] = "/tmp/paiban-fc-XXXXXX";
    int fd = mkstemp(conf);
    const char *xml = "<?xml version=\"1.0\"?>\n<fontconfig>\n"
                      "  <dir>/usr/share/fonts/opentype/noto</dir>\n</fontconfig>\n";
    CHECK(fd >= 0 && write(fd, xml, strlen(xml)) == (ssize_t)strlen(xml),
          "a configuration without <cachedir>");
    if (fd >= 0)
        close(fd);
    setenv("FONTCONFIG_FILE", conf, 1);
    same_as_fontconfig("a configuration without <cachedir>", __LINE__);
    ours = pb_fc_load_config();
    char *dirs = str_list(FcConfigGetCacheDirs(ours));
    CHECK(dirs[0] != 0, "fontconfig's cache folders added to a configuration without any");
    free(dirs);
    FcConfigDestroy(ours);
    setenv("FONTCONFIG_FILE", "/nonexistent/paiban-fonts.conf", 1);
    same_as_fontconfig("no configuration file (fontconfig's built-in one)", __LINE__);
    unlink(conf);
    if (keep)
        setenv("FONTCONFIG_FILE", keep, 1);
    else
        unsetenv("FONTCONFIG_FILE");
    free(keep);
}

int main(void)
{
    make_bad_fonts();
    test_formats();
    test_families();
    test_chain();
    test_views();
    test_missing_role();
    test_no_system_fonts();
    test_bad_files();
    test_index_order();
    test_cmap_format4();
    test_charstring_reads_as();
    test_subset_check();
    test_bare_subset_check();
    test_kept_programs();
    test_glyph_facts();
    test_quick_ink();
    test_glyphs_print();
    test_system_config();
    remove_bad_fonts();
    return test_summary();
}
