/* Out of memory through the public API: the library's objects are linked
 * with malloc, calloc and realloc wrapped (-Wl,--wrap, see
 * tests/CMakeLists.txt), and every allocation paiban makes during a call
 * is made to fail in turn.  Each call must then end with PB_ERR_MEMORY and
 * an "out of memory" message (or PB_OK with a whole PDF when the failing
 * allocation came after the last one), never abort or crash, and the
 * engine must render normally afterwards: locks released, caches intact.
 * Memory that third-party objects held at the moment of failure is not
 * given back (README), so leak checking is off for this test; free is
 * wrapped too, and a check or a render (to a PDF or a dump) that fails
 * leaves no block of paiban's own allocated (third-party libraries allocate with
 * the real malloc and are not counted).  What a render may legitimately
 * keep (a layout read, a font opened, a program made) stays in the
 * engine's caches: those are warmed by a render first, or the engine is
 * freed before its blocks are counted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paiban.h"
#include "../testutil.h"

/* ---- failing allocations ------------------------------------------------- */

static long allocations; /* counted while armed */
static long fail_at;     /* the allocation that fails (1-based); 0: none */
static int armed;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __real_free(void *p);
void __wrap_free(void *p);

/* The blocks allocated while a window is open and not freed since. */
#define WINDOW_CAP (1 << 16)
#define GONE ((void *)1)
static void *window[WINDOW_CAP];
static long window_live, window_used;
static int window_open, window_overflow;

static unsigned long slot_of(const void *p)
{
    return (unsigned long)(((uintptr_t)p >> 4) * 2654435761u) & (WINDOW_CAP - 1);
}

static void window_add(void *p)
{
    if (!window_open || !p)
        return;
    if (window_used >= WINDOW_CAP / 2) { /* too many to follow: not counted */
        window_overflow = 1;
        return;
    }
    unsigned long h = slot_of(p);
    while (window[h] && window[h] != GONE)
        h = (h + 1) & (WINDOW_CAP - 1);
    window[h] = p;
    window_used++;
    window_live++;
}

static void window_del(void *p)
{
    if (!window_open || !p)
        return;
    for (unsigned long h = slot_of(p); window[h]; h = (h + 1) & (WINDOW_CAP - 1))
        if (window[h] == p) {
            window[h] = GONE;
            window_live--;
            return;
        }
}

static void window_start(void)
{
    memset(window, 0, sizeof window);
    window_live = window_used = 0;
    window_overflow = 0;
    window_open = 1;
}

/* How many blocks of the window are left. */
static long window_end(void)
{
    window_open = 0;
    return window_live;
}

static int should_fail(void)
{
    if (!armed)
        return 0;
    allocations++;
    return allocations == fail_at;
}

void *__wrap_malloc(size_t size)
{
    void *q = should_fail() ? NULL : __real_malloc(size);
    window_add(q);
    return q;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *q = should_fail() ? NULL : __real_calloc(n, size);
    window_add(q);
    return q;
}

void *__wrap_realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    void *q = __real_realloc(p, size);
    if (q) {
        window_del(p);
        window_add(q);
    }
    return q;
}

void __wrap_free(void *p)
{
    window_del(p);
    __real_free(p);
}

static void arm(long at)
{
    allocations = 0;
    fail_at = at;
    armed = 1;
}

static long disarm(void)
{
    armed = 0;
    return allocations;
}

/* ---- messages ------------------------------------------------------------ */

typedef struct seen {
    int errors;
    int out_of_memory; /* "out of memory" messages */
    char first[512];
} seen;

static void on_message(void *user, const pb_message *m)
{
    seen *s = user;
    if (!s || m->severity != PB_ERROR)
        return;
    if (s->errors++ == 0)
        snprintf(s->first, sizeof s->first, "%s", m->line);
    if (!strcmp(m->text, "out of memory") && m->status == PB_ERR_MEMORY)
        s->out_of_memory++;
}

static char cache_dir[64] = "/tmp/pb-test-oom-XXXXXX";

/* An engine on the source tree's data; with system_fonts 0 it finds the
 * fonts only in the Fandol and Noto folders, through a cache of its own
 * (fast to make again and again). */
static int engine_verbose; /* new engines describe their fonts */

static pb_engine *new_engine(seen *s, int system_fonts)
{
    pb_options *o = pb_options_new();
    pb_options_set_verbose(o, engine_verbose);
    pb_options_set_data_dir(o, test_data_dir());
    pb_options_set_system_fonts(o, system_fonts);
    if (!system_fonts) {
        pb_options_add_font_dir(o, "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol");
        pb_options_add_font_dir(o, "/usr/share/fonts/opentype/noto");
        pb_options_set_cache_dir(o, cache_dir);
    }
    pb_options_set_message_callback(o, on_message, s);
    pb_engine *e = NULL;
    pb_status st = pb_engine_new(o, &e);
    pb_options_free(o);
    CHECK(st == PB_OK, "engine: status %d", st);
    return e;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

/* Failing renders to a PDF counted, and those that left blocks of
 * paiban's allocated (there must be none). */
static long pdf_leaky, pdf_counted;

/* One render of request r to a PDF with allocation `at` failing; checks
 * the result and returns the number of allocations the call made.  With
 * `count`, the engine's caches are warm already (it rendered r before),
 * and a failing call that leaves blocks of paiban's is counted. */
static long render_failing(pb_engine *e, pb_request *r, long at, int count, int line)
{
    seen s = {0};
    pb_request_set_message_user(r, &s);
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (count)
        window_start();
    arm(at);
    pb_status st = pb_render_bytes(e, r, &pdf, &len, NULL, NULL);
    long made = disarm();
    if (at > 0 && at <= made) {
        CHECK_LINE(st == PB_ERR_MEMORY, line, "allocation %ld of %ld failed: status %d (%s)",
                   at, made, st, s.first);
        CHECK_LINE(s.out_of_memory == 1 && !pdf, line,
                   "allocation %ld: %d out-of-memory messages, pdf %p", at, s.out_of_memory,
                   (void *)pdf);
    } else {
        CHECK_LINE(st == PB_OK && pdf && len > 1000 && !memcmp(pdf, "%PDF-", 5), line,
                   "no failure (%ld of %ld): status %d (%s)", at, made, st, s.first);
    }
    pb_free(pdf);
    if (count) {
        long left = window_end();
        pdf_counted++;
        pdf_leaky += left > 0 || window_overflow;
        CHECK_LINE(left == 0 && !window_overflow, line,
                   "PDF, allocation %ld of %ld: %ld of paiban's blocks left allocated%s", at,
                   made, left, window_overflow ? " (too many allocations to follow)" : "");
    }
    return made;
}

/* One render of request r to a PDF and a dump at once, allocation `at`
 * failing: status 7 (or a whole PDF and dump past the last allocation),
 * and with `count` (the engine's caches warm) no block of paiban's left.
 * Returns the allocations made. */
static long both_failing(pb_engine *e, pb_request *r, long at, int count, int line)
{
    seen s = {0};
    pb_request_set_message_user(r, &s);
    unsigned char *pdf = NULL;
    char *dump = NULL;
    size_t len = 0, dlen = 0;
    window_start();
    arm(at);
    pb_status st = pb_render_bytes(e, r, &pdf, &len, &dump, &dlen);
    long made = disarm();
    if (at > 0 && at <= made)
        CHECK_LINE(st == PB_ERR_MEMORY && !pdf && !dump, line,
                   "PDF and dump, allocation %ld of %ld: status %d (%s)", at, made, st, s.first);
    else
        CHECK_LINE(st == PB_OK && pdf && dump, line, "PDF and dump without failure: status %d (%s)",
                   st, s.first);
    pb_free(pdf);
    pb_free(dump);
    long left = window_end();
    if (count)
        CHECK_LINE(left == 0 && !window_overflow, line,
                   "PDF and dump, allocation %ld of %ld: %ld of paiban's blocks left allocated%s",
                   at, made, left, window_overflow ? " (too many allocations to follow)" : "");
    return made;
}

/* Fails each allocation of renders from `first` to `last` (every step-th)
 * on one engine, then renders normally with it. */
static void sweep(pb_engine *e, pb_request *r, long first, long last, long step, int line)
{
    for (long at = first; at <= last; at += step)
        render_failing(e, r, at, 1, line);
    render_failing(e, r, 0, 1, line); /* the engine still works */
}

/* One render of `report` to a dump alone with allocation `at` failing, on
 * an engine that rendered it before: everything but the PDF writer. */
static long dump_failing(pb_engine *e, pb_request *r, long at, int count, int line)
{
    seen s = {0};
    pb_request_set_message_user(r, &s);
    char *dump = NULL;
    size_t len = 0;
    if (count)
        window_start();
    arm(at);
    pb_status st = pb_render_bytes(e, r, NULL, NULL, &dump, &len);
    long made = disarm();
    if (at > 0 && at <= made)
        CHECK_LINE(st == PB_ERR_MEMORY && s.out_of_memory == 1 && !dump, line,
                   "dump, allocation %ld of %ld: status %d (%s)", at, made, st, s.first);
    else
        CHECK_LINE(st == PB_OK && dump && len > 100, line, "dump without failure: status %d (%s)",
                   st, s.first);
    pb_free(dump);
    if (count) {
        long left = window_end();
        CHECK_LINE(left == 0 && !window_overflow, line,
                   "dump, allocation %ld of %ld: %ld of paiban's blocks left allocated%s", at,
                   made, left, window_overflow ? " (too many allocations to follow)" : "");
    }
    return made;
}

/* A new engine's first render to a dump with allocation `at` failing,
 * then a normal one: what the failed render loaded (or not) stays in the
 * engine's caches, and freeing the engine must give back every block of
 * paiban's that the engine and both renders allocated. */
static void engine_failing(pb_request *r, long at, int system_fonts, int line)
{
    seen s0 = {0};
    window_start();
    pb_engine *e = new_engine(&s0, system_fonts);
    dump_failing(e, r, at, 0, line);
    dump_failing(e, r, 0, 0, line);
    pb_engine_free(e);
    long left = window_end();
    CHECK_LINE(left == 0 && !window_overflow, line,
               "engine with first render failing at allocation %ld: %ld of paiban's blocks "
               "left allocated%s", at, left,
               window_overflow ? " (too many allocations to follow)" : "");
}

/* The first render of an engine loads the layout and the fonts under the
 * engine's lock: every failure there must leave the lock free and the
 * caches as they were. */
static void test_first_render(const char *report, size_t len)
{
    seen s0 = {0};
    pb_engine *e = new_engine(&s0, 1);
    pb_request *r = pb_request_new();
    pb_request_set_report_bytes(r, "features.json", report, len);
    long total = render_failing(e, r, 0, 0, __LINE__);
    pb_engine_free(e);
    printf("first render of features.json, system fonts: %ld allocations\n", total);
    CHECK(total > 100, "allocations were counted (%ld): is malloc wrapped?", total);
    for (long at = 1; at <= total; at += total / 40 + 1) {
        e = new_engine(&s0, 1);
        render_failing(e, r, at, 0, __LINE__);
        render_failing(e, r, 0, 0, __LINE__);
        pb_engine_free(e);
        engine_failing(r, at, 1, __LINE__);
    }
    /* every allocation, with the fonts of two folders and a cache */
    e = new_engine(&s0, 0);
    total = render_failing(e, r, 0, 0, __LINE__);
    pb_engine_free(e);
    printf("first render of features.json, font folders: %ld allocations\n", total);
    long step = total / 1000 + 1; /* every one, as long as there are few */
    for (long at = 1; at <= total; at += step) {
        e = new_engine(&s0, 0);
        render_failing(e, r, at, 0, __LINE__);
        render_failing(e, r, 0, 0, __LINE__);
        pb_engine_free(e);
        engine_failing(r, at, 0, __LINE__);
    }
    pb_request_free(r);
}

/* Later renders reuse the layout and fonts: every allocation in turn. */
static void test_later_renders(const char *report, size_t len)
{
    seen s0 = {0};
    pb_engine *e = new_engine(&s0, 1);
    pb_request *r = pb_request_new();
    pb_request_set_report_bytes(r, "features.json", report, len);
    render_failing(e, r, 0, 0, __LINE__);
    long total = render_failing(e, r, 0, 0, __LINE__);
    printf("later render of features.json: %ld allocations\n", total);
    sweep(e, r, 1, total + 1, 1, __LINE__);
    printf("later render of features.json to a PDF: %ld of %ld failing renders left blocks of "
           "paiban's allocated\n", pdf_leaky, pdf_counted);
    /* to a PDF and a dump at once on an engine that describes its fonts
       (verbose): the fonts are described, the dump made and both handed
       out after the PDF is made */
    engine_verbose = 1;
    pb_engine *ev = new_engine(&s0, 1);
    engine_verbose = 0;
    both_failing(ev, r, 0, 0, __LINE__); /* the caches warm */
    long both = both_failing(ev, r, 0, 1, __LINE__);
    for (long at = 1; at <= both + 1; at++)
        both_failing(ev, r, at, 1, __LINE__);
    pb_engine_free(ev);
    pb_request_free(r);
    pb_engine_free(e);
}

/* Later renders of a report to a dump, every allocation failing in turn,
 * each on an engine whose caches that report warmed: no block of paiban's
 * may be left.  The report is given as bytes (named with its path, so its
 * layout and fonts are found alike). */
static void test_dump_renders(const char *rel)
{
    seen s0 = {0};
    pb_engine *e = new_engine(&s0, 1);
    pb_request *r = pb_request_new();
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", test_data_dir(), rel);
    size_t len = 0;
    char *report = read_all(path, &len);
    if (!CHECK(report != NULL, "cannot read %s", path))
        return;
    pb_request_set_report_bytes(r, path, report, len);
    free(report);
    dump_failing(e, r, 0, 0, __LINE__); /* the caches warm */
    long total = dump_failing(e, r, 0, 1, __LINE__);
    printf("later render of %s to a dump: %ld allocations\n", rel, total);
    for (long at = 1; at <= total + 1; at++)
        dump_failing(e, r, at, 1, __LINE__);
    pb_request_free(r);
    pb_engine_free(e);
}

/* pb_check and the options and engine calls. */
static void test_check_and_setup(void)
{
    seen s0 = {0};
    pb_engine *e = new_engine(&s0, 0);
    pb_request *r = pb_request_new();
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/check/r1.json", test_data_dir());
    pb_request_set_report_file(r, path);
    arm(0);
    char *text = NULL;
    size_t len = 0;
    pb_status st = pb_check(e, r, PB_CHECK_TEXT, 0, &text, &len);
    long total = disarm();
    CHECK(st == PB_ERR_CHECK && text && strstr(text, "R1"), "check: %d", st);
    pb_free(text);
    for (long at = 1; at <= total + 1; at++) {
        seen s = {0};
        pb_request_set_message_user(r, &s);
        window_start();
        arm(at);
        st = pb_check(e, r, PB_CHECK_TEXT, 0, &text, &len);
        long made = disarm();
        if (at <= made)
            CHECK(st == PB_ERR_MEMORY && !text && s.out_of_memory == 1,
                  "check, allocation %ld of %ld: status %d", at, made, st);
        else
            CHECK(st == PB_ERR_CHECK && text, "check without failure: status %d", st);
        pb_free(text);
        long left = window_end();
        CHECK(left == 0 && !window_overflow,
              "check, allocation %ld of %ld: %ld of paiban's blocks left allocated%s", at, made,
              left, window_overflow ? " (too many allocations to follow)" : "");
    }
    printf("check of r1.json: %ld allocations\n", total);
    pb_request_free(r);
    pb_engine_free(e);

    /* making options and an engine */
    for (long at = 1; at < 40; at++) {
        arm(at);
        pb_options *o = pb_options_new();
        pb_status a = o ? pb_options_set_data_dir(o, test_data_dir()) : PB_ERR_MEMORY;
        pb_status b = o ? pb_options_add_font_dir(o, test_data_dir()) : PB_ERR_MEMORY;
        pb_engine *e2 = NULL;
        pb_status c = o && a == PB_OK && b == PB_OK ? pb_engine_new(o, &e2) : PB_ERR_MEMORY;
        long made = disarm();
        CHECK((a == PB_OK || a == PB_ERR_MEMORY) && (b == PB_OK || b == PB_ERR_MEMORY) &&
                  (c == PB_OK || c == PB_ERR_MEMORY) && (c == PB_OK) == (e2 != NULL),
              "setup, allocation %ld: %d %d %d", at, a, b, c);
        if (at > made)
            CHECK(o && a == PB_OK && b == PB_OK && c == PB_OK, "setup without failure");
        pb_engine_free(e2);
        pb_options_free(o);
    }
}

int main(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/fixtures/features.json", test_data_dir());
    size_t len = 0;
    char *report = read_all(path, &len);
    if (!mkdtemp(cache_dir))
        return 1;
    if (!CHECK(report != NULL, "cannot read %s", path))
        return test_summary();
    test_dump_renders("samples/nangang-2021.json");
    test_dump_renders("samples/long-table.json");
    test_dump_renders("tests/fixtures/table-across.json");
    test_dump_renders("tests/fixtures/uyghur.json");
    test_dump_renders("tests/fixtures/addresses.json");
    test_dump_renders("tests/fixtures/grid.json");
    test_dump_renders("tests/fixtures/features.json");
    test_dump_renders("tests/check/claims/tables.json");
    test_dump_renders("tests/fuzz/corpus/render/seed-hostile.json");
    test_later_renders(report, len);
    test_first_render(report, len);
    test_check_and_setup();
    free(report);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache_dir);
    int st;
    free(test_run(cmd, &st));
    return test_summary();
}
