/* What the engine shares between calls: font sets are loaded once for
 * every report whose folder holds no fonts, wherever the folder is (a
 * service writing each report to a folder of its own must not load the
 * fonts each time), and again for a folder with a font of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "../testutil.h"

static char tmp[64] = "/tmp/pb-test-engine-XXXXXX";

static int render_in(pb_engine *e, const char *dir, const char *report, size_t len)
{
    char name[256];
    snprintf(name, sizeof name, "%s/report.json", dir);
    pb_request *r = pb_request_new();
    pb_request_set_report_bytes(r, name, report, len);
    pb_status st = pb_render_bytes(e, r, NULL, NULL, NULL, NULL);
    pb_request_free(r);
    return st;
}

int main(void)
{
    if (!mkdtemp(tmp))
        return 1;
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, test_data_dir());
    pb_engine *e = NULL;
    CHECK(pb_engine_new(o, &e) == PB_OK, "engine");
    pb_options_free(o);
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/features.json", test_data_dir());
    FILE *f = fopen(path, "rb");
    char *report = malloc(1 << 16);
    size_t len = f ? fread(report, 1, 1 << 16, f) : 0;
    if (f)
        fclose(f);
    char a[128], b[128], c[128], cmd[512];
    snprintf(a, sizeof a, "%s/a", tmp);
    snprintf(b, sizeof b, "%s/b", tmp);
    snprintf(c, sizeof c, "%s/c", tmp);
    mkdir(a, 0700);
    mkdir(b, 0700);
    mkdir(c, 0700);
    snprintf(cmd, sizeof cmd,
             "cp /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"
             "FandolFang-Regular.otf %s/ && printf 'a note' > %s/notes.txt",
             c, b);
    int st;
    free(test_run(cmd, &st));

    CHECK(render_in(e, a, report, len) == PB_OK && pb_engine_font_sets(e) == 1,
          "the first report loads a font set");
    CHECK(render_in(e, b, report, len) == PB_OK && pb_engine_font_sets(e) == 1,
          "a report in another folder without fonts shares it (%d sets)",
          pb_engine_font_sets(e));
    CHECK(render_in(e, c, report, len) == PB_OK && pb_engine_font_sets(e) == 2,
          "a folder with a font of its own gets a set of its own");
    CHECK(render_in(e, c, report, len) == PB_OK && pb_engine_font_sets(e) == 2, "once");
    CHECK(render_in(e, ".", report, len) == PB_OK && pb_engine_font_sets(e) == 2,
          "the current folder, without fonts, shares the first");

    pb_engine_free(e);
    free(report);
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    free(test_run(cmd, &st));
    return test_summary();
}
