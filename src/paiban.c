/* The pipeline, readable in one function (render_report): input -> check
 * -> fonts -> flow (shape, line breaking) -> paginate -> pdf, plus the
 * dump; the engine that keeps what documents share; and the public API of
 * include/paiban.h on top. */
#define _GNU_SOURCE /* dladdr */
#include "engine.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/fsio.h"
#include "check/check.h"
#include "fonts/fonts.h"
#include "input/input.h"
#include "layout/flow.h"
#include "layout/paginate.h"
#include "output/dump.h"
#include "output/pdf.h"
#include "summary/summary.h"
#include "pdfread/report_data.h"

#ifndef PAIBAN_INSTALL_DATADIR
#define PAIBAN_INSTALL_DATADIR "/usr/local/share/paiban"
#endif
/* From the folder of libpaiban.so to the data folder, as installed. */
#ifndef PAIBAN_LIB_TO_DATA
#define PAIBAN_LIB_TO_DATA "../share/paiban"
#endif

#define DEFAULT_ERROR_LIMIT 100
#define MOST_ERRORS 100000

/* ---- options ---------------------------------------------------------- */

struct pb_options {
    char *data_dir;           /* owned; NULL: the installed one */
    char **font_dirs;         /* owned */
    int nfont_dirs;
    bool system_fonts;
    char *cache_dir;          /* owned, may be NULL */
    long long creation_time;  /* PB_TIME_NONE: the report's meta.date */
    bool verbose;
    pb_call_limits limits;
    int error_limit;
    pb_message_fn message;
    void *message_user;
};

/* Runs fn(arg) inside an out-of-memory scope: false when memory ran out
 * (what fn changed lives in *arg, which outlives the jump).  The caller
 * has opened a call (pb_call_begin). */
static bool protect(void (*fn)(void *arg), void *arg)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        return false;
    }
    fn(arg);
    pb_oom_leave(&scope);
    return true;
}

/* The same as a call of its own, for the setters and pb_engine_new, which
 * allocate outside the calls that render. */
static bool protect_call(void (*fn)(void *arg), void *arg)
{
    pb_call call;
    pb_call_begin(&call, NULL);
    bool ok = protect(fn, arg);
    pb_call_end(&call);
    return ok;
}

typedef struct string_copy {
    const char *from;
    char *to;
} string_copy;

static void copy_string(void *arg)
{
    string_copy *c = arg;
    c->to = pb_xstrdup(c->from);
}

/* A copy of s (NULL stays NULL) into *slot, replacing what was there. */
static pb_status set_string(char **slot, const char *s)
{
    string_copy c = {s, NULL};
    if (s && !protect_call(copy_string, &c))
        return PB_ERR_MEMORY;
    free(*slot);
    *slot = c.to;
    return PB_OK;
}

pb_options *pb_options_new(void)
{
    pb_options *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->system_fonts = true;
    o->creation_time = PB_TIME_NONE;
    o->limits = (pb_call_limits){PB_MAX_INPUT_BYTES, PB_MAX_PAGES};
    o->error_limit = DEFAULT_ERROR_LIMIT;
    return o;
}

void pb_options_free(pb_options *o)
{
    if (!o)
        return;
    free(o->data_dir);
    for (int i = 0; i < o->nfont_dirs; i++)
        free(o->font_dirs[i]);
    free(o->font_dirs);
    free(o->cache_dir);
    free(o);
}

pb_status pb_options_set_data_dir(pb_options *o, const char *dir)
{
    return set_string(&o->data_dir, dir);
}

pb_status pb_options_add_font_dir(pb_options *o, const char *dir)
{
    if (!dir || !*dir)
        return PB_ERR_USAGE;
    char **dirs = realloc(o->font_dirs, ((size_t)o->nfont_dirs + 1) * sizeof *dirs);
    if (!dirs)
        return PB_ERR_MEMORY;
    o->font_dirs = dirs;
    dirs[o->nfont_dirs] = NULL;
    pb_status st = set_string(&dirs[o->nfont_dirs], dir);
    if (st == PB_OK)
        o->nfont_dirs++;
    return st;
}

void pb_options_set_system_fonts(pb_options *o, int use)
{
    o->system_fonts = use != 0;
}

pb_status pb_options_set_cache_dir(pb_options *o, const char *dir)
{
    return set_string(&o->cache_dir, dir && *dir ? dir : NULL);
}

pb_status pb_options_set_creation_time(pb_options *o, long long seconds)
{
    /* the PDF date format holds years up to 9999 */
    if (seconds != PB_TIME_NONE && (seconds < 0 || seconds > 253402300799LL))
        return PB_ERR_USAGE;
    o->creation_time = seconds;
    return PB_OK;
}

void pb_options_set_verbose(pb_options *o, int verbose)
{
    o->verbose = verbose != 0;
}

pb_status pb_options_set_limit(pb_options *o, pb_limit limit, long long value)
{
    if (value < 1)
        return PB_ERR_USAGE;
    switch (limit) {
    case PB_LIMIT_INPUT_BYTES:
        if (value > PB_MAX_INPUT_BYTES)
            return PB_ERR_USAGE;
        o->limits.input_bytes = (size_t)value;
        return PB_OK;
    case PB_LIMIT_PAGES:
        if (value > PB_MAX_PAGES)
            return PB_ERR_USAGE;
        o->limits.pages = (int)value;
        return PB_OK;
    case PB_LIMIT_ERRORS:
        if (value > MOST_ERRORS)
            return PB_ERR_USAGE;
        o->error_limit = (int)value;
        return PB_OK;
    }
    return PB_ERR_USAGE;
}

void pb_options_set_message_callback(pb_options *o, pb_message_fn fn, void *user)
{
    o->message = fn;
    o->message_user = user;
}

/* ---- the engine: layouts and fonts shared by documents ---------------- */

typedef struct layout_entry {
    char *ref, *base_dir;     /* owned: what the layout was asked for as */
    pb_arena *arena;          /* owned: holds the layout and its rules */
    pb_layout *layout;
    pb_ruleset *rules;        /* owned: the layout's rules and claims, compiled
                                 when it is read */
} layout_entry;

typedef struct fonts_entry {
    char *key;                /* owned: what decides the fonts (font_key) */
    pb_fontset *fonts;        /* owned */
} fonts_entry;

struct pb_engine {
    char *data_dir;           /* owned */
    char **font_dirs;         /* owned */
    int nfont_dirs;
    bool system_fonts;
    char *cache_dir;          /* owned, may be NULL */
    long long creation_time;
    bool verbose;
    pb_call_limits limits;
    int error_limit;
    pb_message_fn message;
    void *message_user;
    pthread_mutex_t lock;     /* guards the caches; loading happens under it
                                 so a layout or font set is loaded once */
    layout_entry *layouts;    /* owned */
    int nlayouts, layouts_cap;
    fonts_entry *fontsets;    /* owned */
    int nfontsets, fontsets_cap;
};

int pb_engine_font_sets(pb_engine *e)
{
    pthread_mutex_lock(&e->lock);
    int n = e->nfontsets;
    pthread_mutex_unlock(&e->lock);
    return n;
}

const char *pb_engine_data_dir(const pb_engine *e)
{
    return e->data_dir;
}

long long pb_engine_creation_time(const pb_engine *e)
{
    return e->creation_time;
}

static void engine_free(pb_engine *e)
{
    for (int i = 0; i < e->nfontsets; i++) {
        pb_fonts_free(e->fontsets[i].fonts);
        free(e->fontsets[i].key);
    }
    for (int i = 0; i < e->nlayouts; i++) {
        pb_check_free(e->layouts[i].rules);
        pb_arena_free(e->layouts[i].arena);
        free(e->layouts[i].ref);
        free(e->layouts[i].base_dir);
    }
    free(e->fontsets);
    free(e->layouts);
    for (int i = 0; i < e->nfont_dirs; i++)
        free(e->font_dirs[i]);
    free(e->font_dirs);
    free(e->cache_dir);
    free(e->data_dir);
    free(e);
}

void pb_engine_free(pb_engine *e)
{
    if (!e)
        return;
    pthread_mutex_destroy(&e->lock);
    engine_free(e);
}

/* Checks a folder the host named; false with a message. */
static bool check_folder(const char *dir, const char *what, pb_diag *diag)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        pb_diag_error(diag, PB_ERR_IO, dir, NULL, "cannot read the %s: %s", what,
                      strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        pb_diag_error(diag, PB_ERR_IO, dir, NULL, "cannot read the %s: %s", what,
                      strerror(ENOTDIR));
        return false;
    }
    return true;
}

/* The data folder installed with this library: beside the shared library
 * as installed (so a moved tree keeps working), else the one it was built
 * for.  A static library is part of a program, whose folder says nothing,
 * so it takes the one it was built for. */
static char *installed_data_dir(void)
{
    Dl_info info;
    const char *lib = dladdr((void *)pb_version, &info) ? info.dli_fname : NULL;
    const char *slash = lib ? strrchr(lib, '/') : NULL;
    if (slash && strstr(slash, "libpaiban.so")) {
        char *dir = pb_xmalloc((size_t)(slash - lib) + sizeof "/" PAIBAN_LIB_TO_DATA);
        sprintf(dir, "%.*s/%s", (int)(slash - lib), lib, PAIBAN_LIB_TO_DATA);
        char *real = realpath(dir, NULL);
        free(dir);
        struct stat st;
        if (real && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
            char *copy = pb_xstrdup(real);
            free(real);
            return copy;
        }
        free(real);
    }
    return pb_xstrdup(PAIBAN_INSTALL_DATADIR);
}

typedef struct engine_make {
    const pb_options *o;
    pb_engine *e;
    pb_diag *diag;
} engine_make;

static void make_engine(void *arg)
{
    static const pb_options defaults = {
        .system_fonts = true,
        .creation_time = PB_TIME_NONE,
        .limits = {PB_MAX_INPUT_BYTES, PB_MAX_PAGES},
        .error_limit = DEFAULT_ERROR_LIMIT,
    };
    engine_make *m = arg;
    const pb_options *o = m->o ? m->o : &defaults;
    pb_engine *e = m->e;
    e->system_fonts = o->system_fonts;
    e->creation_time = o->creation_time;
    e->verbose = o->verbose;
    e->limits = o->limits;
    e->error_limit = o->error_limit;
    e->message = o->message;
    e->message_user = o->message_user;
    e->data_dir = o->data_dir ? pb_xstrdup(o->data_dir) : installed_data_dir();
    e->cache_dir = o->cache_dir ? pb_xstrdup(o->cache_dir) : NULL;
    e->font_dirs = pb_xcalloc((size_t)o->nfont_dirs + 1, sizeof *e->font_dirs);
    for (int i = 0; i < o->nfont_dirs; i++) {
        e->font_dirs[i] = pb_xstrdup(o->font_dirs[i]);
        e->nfont_dirs = i + 1;
    }
    check_folder(e->data_dir, "data folder", m->diag);
    for (int i = 0; i < e->nfont_dirs; i++)
        check_folder(e->font_dirs[i], "font folder", m->diag);
}

pb_status pb_engine_new(const pb_options *o, pb_engine **out)
{
    *out = NULL;
    pb_engine *e = calloc(1, sizeof *e);
    if (!e)
        return PB_ERR_MEMORY;
    pb_diag diag;
    pb_diag_init(&diag);
    engine_make m = {o, e, &diag};
    if (!protect_call(make_engine, &m))
        pb_diag_out_of_memory(&diag);
    pb_status st = diag.errors ? diag.status : PB_OK;
    if (o)
        pb_diag_deliver(&diag, o->message, o->message_user);
    pb_diag_free(&diag);
    if (st == PB_OK && pthread_mutex_init(&e->lock, NULL) != 0)
        st = PB_ERR_INTERNAL;
    if (st != PB_OK) {
        engine_free(e);
        return st;
    }
    *out = e;
    return PB_OK;
}

/* ---- what the engine loads once --------------------------------------- */

/* Runs fn(arg) under the engine's lock.  Running out of memory inside
 * calls undo(arg), releases the lock and passes the jump on. */
static void under_lock(pb_engine *e, void (*fn)(void *), void (*undo)(void *), void *arg)
{
    pb_oom_scope scope;
    pthread_mutex_lock(&e->lock);
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        undo(arg);
        pthread_mutex_unlock(&e->lock);
        pb_oom_rethrow();
    }
    fn(arg);
    pb_oom_leave(&scope);
    pthread_mutex_unlock(&e->lock);
}

typedef struct layout_load {
    pb_engine *e;
    const char *ref, *base_dir;
    const pb_input_paths *paths;
    pb_diag *diag;
    pb_arena *arena;          /* owned: the layout being read */
    const pb_layout *layout;
    const pb_ruleset *rules;
    char *ref_copy;       /* the cache's copy of ref, until it is the cache's */
} layout_load;

/* Under the lock: the layout and its rules from the cache, or read now. */
static void load_layout_locked(void *arg)
{
    layout_load *L = arg;
    pb_engine *e = L->e;
    for (int i = 0; i < e->nlayouts; i++) {
        layout_entry *le = &e->layouts[i];
        if (!strcmp(le->ref, L->ref) && !strcmp(le->base_dir, L->base_dir)) {
            L->layout = le->layout;
            L->rules = le->rules;
            return;
        }
    }
    L->arena = pb_arena_new();
    pb_layout *layout = pb_input_layout(L->ref, L->base_dir, L->paths, L->arena, L->diag);
    /* the rules' expressions are layout errors too: found before any report
       is checked, and the compiled rules are shared read-only like the layout */
    pb_ruleset *rs = layout ? pb_check_compile(layout, L->arena, L->diag) : NULL;
    if (!layout || !rs) {
        pb_arena_free(L->arena);
        L->arena = NULL;
        return;
    }
    if (e->nlayouts == e->layouts_cap) {
        int cap = e->layouts_cap ? e->layouts_cap * 2 : 4;
        e->layouts = pb_xrealloc(e->layouts, (size_t)cap * sizeof *e->layouts);
        e->layouts_cap = cap;
    }
    L->ref_copy = pb_xstrdup(L->ref); /* freed by undo_layout if the next runs out */
    layout_entry le = {L->ref_copy, NULL, L->arena, layout, rs};
    le.base_dir = pb_xstrdup(L->base_dir);
    L->ref_copy = NULL;
    e->layouts[e->nlayouts++] = le;
    L->arena = NULL; /* the cache's now */
    L->layout = layout;
    L->rules = rs;
}

static void undo_layout(void *arg)
{
    layout_load *L = arg;
    pb_arena_free(L->arena);
    L->arena = NULL;
    free(L->ref_copy);
    L->ref_copy = NULL;
}

/* The layout `ref` (relative to base_dir) and its compiled rules, read
 * once; NULL after errors (which are not cached: every report that asks
 * gets the messages). */
static const pb_layout *engine_layout(pb_engine *e, const char *ref, const char *base_dir,
                                      const pb_input_paths *paths, const pb_ruleset **rules,
                                      pb_diag *diag)
{
    layout_load L = {e, ref, base_dir, paths, diag, NULL, NULL, NULL, NULL};
    under_lock(e, load_layout_locked, undo_layout, &L);
    *rules = L.rules;
    return L.layout;
}

const pb_layout *pb_engine_layout(pb_engine *e, const char *ref, const pb_ruleset **rules,
                                  pb_diag *diag)
{
    pb_input_paths paths = {.data_dir = e->data_dir, .ref_file = "--layout"};
    return engine_layout(e, ref, ".", &paths, rules, diag);
}

/* paiban's font folders in search order: the report's and the layout's
 * folders (only the files beside them: a report's folder may be a large
 * home folder), the data folder's fonts/, then each font folder of the
 * options; after them come the fonts fontconfig knows, when the options
 * want the system's fonts. */
static int font_dirs(const pb_engine *e, const char *report_dir, const pb_layout *l,
                     pb_arena *a, const char ***out, bool **flat_out)
{
    int cap = 4 + e->nfont_dirs, n = 0;
    const char **d = pb_arena_calloc(a, (size_t)cap, sizeof *d);
    bool *flat = pb_arena_calloc(a, (size_t)cap, sizeof *flat);
    flat[n] = true;
    d[n++] = report_dir;
    if (l->dir && strcmp(l->dir, report_dir) != 0) {
        flat[n] = true;
        d[n++] = l->dir;
    }
    d[n++] = pb_arena_printf(a, "%s/fonts", e->data_dir);
    for (int i = 0; i < e->nfont_dirs; i++)
        d[n++] = e->font_dirs[i];
    *out = d;
    *flat_out = flat;
    return n;
}

/* What decides a layout's fonts: its roles and candidates, and the font
 * files beside the report and beside the layout (not the folders: reports
 * in a thousand folders without fonts share one font set, so a service
 * that writes each report to a folder of its own does not load the fonts
 * each time).  Layouts that agree share one font set. */
static char *font_key(const pb_layout *l, const char *report_dir, pb_arena *a)
{
    pb_arena_text k = {0};
    pb_arena_text_printf(a, &k, "%s--\n", pb_fonts_folder_key(report_dir, a));
    if (l->dir && strcmp(l->dir, report_dir) != 0)
        pb_arena_text_printf(a, &k, "%s--\n", pb_fonts_folder_key(l->dir, a));
    for (int r = 0; r < l->nroles; r++) {
        const pb_font_role *role = &l->roles[r];
        pb_arena_text_printf(a, &k, "%s:", role->name ? role->name : "");
        for (int i = 0; i < role->ncandidates; i++) {
            const pb_font_candidate *c = &role->candidates[i];
            pb_arena_text_printf(a, &k, "[%s|%s|%d]", c->family ? c->family : "",
                                 c->file ? c->file : "", c->index);
        }
        pb_arena_text_printf(a, &k, "\n");
    }
    return k.p;
}

typedef struct fonts_load {
    pb_engine *e;
    const pb_layout *layout;
    const char *report_dir;
    pb_diag *diag;
    pb_arena *scratch;
    const pb_fontset *fonts;
    char *owned_key;      /* the cache's copy of the key, until it is the cache's */
} fonts_load;

static void load_fonts_locked(void *arg)
{
    fonts_load *F = arg;
    pb_engine *e = F->e;
    char *key = font_key(F->layout, F->report_dir, F->scratch);
    for (int i = 0; i < e->nfontsets; i++)
        if (!strcmp(e->fontsets[i].key, key)) {
            F->fonts = e->fontsets[i].fonts;
            return;
        }
    const char **dirs;
    bool *flat;
    int ndirs = font_dirs(e, F->report_dir, F->layout, F->scratch, &dirs, &flat);
    char *conf = pb_arena_printf(F->scratch, "%s/fonts/fonts.conf", e->data_dir);
    struct stat st;
    pb_font_dirs fd = {.dirs = dirs, .flat = flat, .count = ndirs,
                       .system_fonts = e->system_fonts,
                       .config = stat(conf, &st) == 0 ? conf : NULL,
                       .cache_dir = e->cache_dir};
    if (e->nfontsets == e->fontsets_cap) {
        int cap = e->fontsets_cap ? e->fontsets_cap * 2 : 4;
        e->fontsets = pb_xrealloc(e->fontsets, (size_t)cap * sizeof *e->fontsets);
        e->fontsets_cap = cap;
    }
    F->owned_key = pb_xstrdup(key); /* freed by undo_fonts if loading runs out of memory */
    pb_fontset *fonts = pb_fonts_load(F->layout, &fd, F->diag);
    if (!fonts) {
        free(F->owned_key);
        F->owned_key = NULL;
        return;
    }
    e->fontsets[e->nfontsets++] = (fonts_entry){F->owned_key, fonts};
    F->owned_key = NULL;
    F->fonts = fonts;
}

static void undo_fonts(void *arg)
{
    /* pb_fonts_load frees its own half-made set */
    fonts_load *F = arg;
    free(F->owned_key);
    F->owned_key = NULL;
}

/* The fonts of a layout for reports in report_dir, loaded once. */
static const pb_fontset *engine_fonts(pb_engine *e, const pb_layout *layout,
                                      const char *report_dir, pb_arena *scratch,
                                      pb_diag *diag)
{
    fonts_load F = {e, layout, report_dir, diag, scratch, NULL, NULL};
    under_lock(e, load_fonts_locked, undo_fonts, &F);
    return F.fonts;
}

/* ---- one document ----------------------------------------------------- */

/* Text written by fn(arg, FILE) into a malloc'ed buffer (NUL-terminated);
 * NULL when the memory stream fails, which only running out of memory
 * does. */
static char *capture(void (*fn)(const void *arg, FILE *out), const void *arg, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    if (!mem)
        return NULL;
    /* the stream and its buffer are given back however fn ends, memory
       running out included */
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        fclose(mem);
        free(buf);
        pb_oom_rethrow();
    }
    fn(arg, mem);
    pb_oom_leave(&scope);
    bool ok = !ferror(mem);
    if (fclose(mem) != 0 || !ok) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

typedef struct dump_args {
    const pb_pages *pages;
    const pb_fontset *fonts;
} dump_args;

static void dump_to(const void *arg, FILE *out)
{
    const dump_args *d = arg;
    pb_dump(d->pages, d->fonts, out);
}

/* Does the file start like a PDF?  (A missing file is left to the
 * reader that reports it.) */
static bool file_is_pdf(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char head[5];
    bool pdf = fread(head, 1, 5, f) == 5 && pb_is_pdf(head, 5);
    fclose(f);
    return pdf;
}

/* A report's bytes while they are read: from a file (malloc'ed, given
 * back however the reading ends, memory running out included) or given. */
typedef struct report_bytes {
    const char *path;
    const char *bytes;
    size_t len;
    char *owned;          /* the file's bytes, or NULL */
    pb_arena *arena;
    pb_diag *diag;
    pb_report *report;    /* what the reading made */
    char *copy;           /* read_report: the bytes in arena, NUL-terminated */
} report_bytes;

static void free_report_bytes(void *arg)
{
    report_bytes *rb = arg;
    free(rb->owned);
    rb->owned = NULL;
}

/* Runs read(rb) on the report's bytes, read from rb->path (at most `most`
 * of them) when none are given.  False when the file cannot be read
 * (diag says why). */
static bool with_report_bytes(report_bytes *rb, size_t most, void (*read)(void *rb))
{
    if (!rb->bytes) {
        if (!pb_read_file(rb->path, most, PB_ERR_INPUT, &rb->owned, &rb->len, rb->diag))
            return false;
        rb->bytes = rb->owned;
    }
    pb_oom_guard(read, free_report_bytes, rb);
    free_report_bytes(rb);
    return true;
}

/* The report a paiban PDF carries (rb->bytes), parsed; its messages name
 * the PDF and the embedded file ("LAST.pdf (nangang-2021.json): body[3]: …"). */
static void read_report_in_pdf(void *arg)
{
    report_bytes *rb = arg;
    pb_report_data rd;
    if (!pb_report_data_read((const unsigned char *)rb->bytes, rb->len, rb->path,
                             pb_limit_input_bytes(), rb->arena, &rd, rb->diag))
        return;
    const char *name = pb_arena_printf(rb->arena, "%s (%s)", rb->path, rd.name);
    rb->report = pb_input_report(name, (const char *)rd.data, rd.len, rb->arena, rb->diag);
    if (rb->report) /* layouts and fonts are looked up beside the PDF */
        rb->report->dir = pb_arena_dirname(rb->arena, rb->path);
}

static pb_report *report_in_pdf(const char *path, const char *bytes, size_t len,
                                pb_arena *arena, pb_diag *diag)
{
    report_bytes rb = {.path = path, .bytes = bytes, .len = len, .arena = arena, .diag = diag};
    with_report_bytes(&rb, PB_MAX_PDF_BYTES, read_report_in_pdf);
    return rb.report;
}

/* The report's bytes copied into the arena, for the PDF to carry. */
static void copy_report_bytes(void *arg)
{
    report_bytes *rb = arg;
    rb->copy = pb_arena_alloc(rb->arena, rb->len + 1);
    memcpy(rb->copy, rb->bytes, rb->len);
}

/* The job's report (or previous report), from its file or its bytes.
 * pdf_ok: a PDF made by paiban stands for the report it carries; else a
 * PDF is refused with a hint.  *raw and *raw_len (when raw is not NULL)
 * get the report's bytes, for the PDF to carry. */
static pb_report *read_report(const char *path, const char *bytes, size_t len, bool pdf_ok,
                              pb_arena *arena, const char **raw, size_t *raw_len,
                              pb_diag *diag)
{
    if (bytes ? pb_is_pdf(bytes, len) : file_is_pdf(path)) {
        if (pdf_ok)
            return report_in_pdf(path, bytes, len, arena, diag);
        pb_diag_error(diag, PB_ERR_INPUT, path, NULL,
                      "is a PDF, not report data; to render the report a PDF made by "
                      "paiban carries, get it with: paiban extract %s -o REPORT.json",
                      path);
        return NULL;
    }
    if (!raw)
        return bytes ? pb_input_report(path, bytes, len, arena, diag)
                     : pb_input_report_file(path, arena, diag);
    report_bytes rb = {.path = path, .bytes = bytes, .len = len, .arena = arena, .diag = diag};
    if (!with_report_bytes(&rb, pb_limit_input_bytes(), copy_report_bytes))
        return NULL;
    *raw = rb.copy;
    *raw_len = rb.len;
    return pb_input_report(path, rb.copy, rb.len, arena, diag);
}

/* The input stage's last steps and the check stage: the report's layout,
 * its tables bound (and last year's report read and bound with the same
 * layout when the job names it), then the rules evaluated into *findings.
 * NULL after errors. */
static const pb_layout *bind_and_check(pb_engine *e, pb_report *report, const pb_job *job,
                                       const pb_check_options *opt, pb_arena *arena,
                                       pb_findings *findings, pb_diag *diag)
{
    pb_input_paths paths = {.data_dir = e->data_dir};
    const char *ref = job->layout_ref ? job->layout_ref
                      : report->layout ? report->layout
                                       : PB_DEFAULT_LAYOUT;
    const char *base_dir = job->layout_ref ? "." : report->dir;
    if (job->layout_ref)
        paths.ref_file = "--layout";
    else if (report->layout) {
        paths.ref_file = report->file;
        paths.ref_path = "layout";
    }
    const pb_ruleset *rules = NULL;
    pb_ruleset *own_rules = NULL; /* a layout of this call only: freed here */
    const pb_layout *layout;
    if (job->layout_bytes) {
        /* a layout held in memory is the call's own: read, not cached */
        paths.bytes = job->layout_bytes;
        paths.len = job->layout_len;
        paths.ref_file = NULL;
        ref = job->layout_ref ? job->layout_ref : "layout.json";
        base_dir = pb_arena_dirname(arena, ref);
        pb_layout *l = pb_input_layout(ref, base_dir, &paths, arena, diag);
        layout = l;
        own_rules = l ? pb_check_compile(l, arena, diag) : NULL;
        rules = own_rules;
        if (!rules)
            return NULL;
    } else {
        layout = engine_layout(e, ref, base_dir, &paths, &rules, diag);
    }
    if (!layout)
        return NULL;
    bool ok = pb_input_bind_tables(report, layout, arena, diag);
    pb_report *prev = NULL;
    if (job->previous_path || job->previous_bytes) {
        prev = read_report(job->previous_path ? job->previous_path : "previous.json",
                           job->previous_bytes, job->previous_len, true, arena, NULL, NULL,
                           diag);
        ok = prev && pb_input_bind_tables(prev, layout, arena, diag) && ok;
    }
    if (ok && prev && report->meta.year && prev->meta.year &&
        prev->meta.year != report->meta.year - 1)
        pb_diag_warning(diag, prev->file, "meta.year",
                        "the previous year's report is for %d, %s is for %d",
                        prev->meta.year, report->file, report->meta.year);
    ok = ok && pb_check_run(rules, report, prev, opt, arena, findings, diag);
    pb_check_free(own_rules);
    return ok ? layout : NULL;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The PDF's creation time: the host's if it gave one, else the report's
 * meta.date (midnight UTC), else -1 (no date: output never depends on the
 * clock). */
static long long creation_time(const pb_engine *e, const char *meta_date)
{
    if (e->creation_time != PB_TIME_NONE)
        return e->creation_time;
    int y, m, d;
    if (meta_date && sscanf(meta_date, "%4d-%2d-%2d", &y, &m, &d) == 3)
        return days_from_civil(y, m, d) * 86400;
    return -1;
}

typedef struct render_tail {
    pb_engine *e;
    const pb_job *job;
    const pb_report *report;
    pb_arena *arena;
    pb_diag *diag;
    const pb_pages *pages;
    const pb_fontset *fonts;
    unsigned char *pdf;   /* owned until handed out */
    size_t pdf_len;
    char *dump;           /* owned until handed out */
    size_t dump_len;
    bool ok;
} render_tail;

static void free_render_tail(void *arg)
{
    render_tail *t = arg;
    free(t->pdf);
    free(t->dump);
    t->pdf = NULL;
    t->dump = NULL;
}

/* A render's last steps: the fonts described (verbose), signing, the
 * dump, the files written or the bytes handed out. */
static void finish_render(void *arg)
{
    render_tail *t = arg;
    pb_engine *e = t->e;
    const pb_job *job = t->job;
    const pb_report *report = t->report;
    pb_arena *arena = t->arena;
    pb_diag *diag = t->diag;
    if (e->verbose)
        pb_fonts_describe(t->fonts, diag);
    if (pb_diag_failed(diag))
        return;
    if (t->pdf && job->signer) {
        /* signing is the last step: the file is written signed or not at all */
        unsigned char *signed_pdf;
        size_t signed_len;
        const char *name = job->out_path ? job->out_path : "the rendered PDF";
        bool ok = pb_engine_sign(e, job->signer, name, t->pdf, t->pdf_len,
                                 creation_time(e, report->meta.date), arena, &signed_pdf,
                                 &signed_len, diag);
        free(t->pdf);
        t->pdf = NULL;
        if (!ok)
            return;
        t->pdf = signed_pdf;
        t->pdf_len = signed_len;
    }
    if (job->dump_path || job->dump) {
        dump_args da = {t->pages, t->fonts};
        t->dump = capture(dump_to, &da, &t->dump_len);
        if (!t->dump) {
            pb_diag_out_of_memory(diag);
            return;
        }
    }
    /* the dump after the PDF: when no PDF can be made, the old dump stays too */
    bool ok = (!job->out_path || pb_write_file_atomic(job->out_path, t->pdf, t->pdf_len, diag)) &&
              (!job->dump_path || pb_write_file_atomic(job->dump_path, t->dump, t->dump_len, diag));
    if (ok && job->pdf) {
        *job->pdf = t->pdf;
        *job->pdf_len = t->pdf_len;
        t->pdf = NULL;
    }
    if (ok && job->dump) {
        *job->dump = t->dump;
        *job->dump_len = t->dump_len;
        t->dump = NULL;
    }
    t->ok = ok;
}

/* The whole pipeline for one parsed report; writes and hands back what
 * the job asks for. */
static bool render_report(pb_engine *e, pb_report *report, const char *raw, size_t raw_len,
                          const pb_job *job, pb_arena *arena, pb_diag *diag)
{
    pb_findings findings;
    const pb_layout *layout = bind_and_check(e, report, job, NULL, arena, &findings, diag);
    if (!layout || pb_check_to_diag(&findings, job->force, diag) > 0)
        return false;
    if (!pb_input_seals(report, job->seal_path, job->seal_bytes, job->seal_len, arena, diag))
        return false;
    const pb_fontset *shared = engine_fonts(e, layout, report->dir, arena, diag);
    if (!shared)
        return false;

    /* A face found faulty once it is used (a damaged glyph, a subset that
     * does not read back) is rejected for this document, which is then
     * laid out again with the role's next font: each round rejects one
     * face more, so the rounds end. */
    const pb_fontset *fonts = pb_fonts_view(shared, diag, arena);
    pb_galley galley;
    pb_pages pages;
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    for (;;) {
        int rejected = pb_fonts_rejected(fonts);
        bool made = pb_flow(report, layout, fonts, arena, &galley, diag) &&
                    pb_fonts_rejected(fonts) == rejected &&
                    pb_paginate(&galley, layout, fonts, arena, &pages, diag) &&
                    pb_fonts_rejected(fonts) == rejected;
        if (made && (job->out_path || job->pdf)) {
            /* the embedded file's name: the report's, "report.json" for
             * bytes without a file name */
            const char *base = strrchr(job->report_path, '/');
            base = base ? base + 1 : job->report_path;
            size_t bl = strlen(base);
            if (bl <= 5 || strcmp(base + bl - 5, ".json") != 0)
                base = "report.json";
            pb_pdf_options po = {
                .meta = &report->meta,
                .creation_time = creation_time(e, report->meta.date),
                .compress = 1,
                .plain = job->pdf_kind == PB_PDF_PLAIN ||
                         (job->pdf_kind == PB_PDF_LAYOUT && layout->pdf_plain),
                .lang = "zh-CN",
                .data = (const unsigned char *)raw,
                .data_len = raw_len,
                .data_name = base,
                .layout_name = layout->name,
                .layout_sha256 = layout->sha256,
            };
            made = pb_pdf_write(&pages, fonts, &po, &pdf, &pdf_len, diag);
        }
        if (pb_fonts_rejected(fonts) != rejected && !pb_diag_failed(diag)) {
            free(pdf);
            pdf = NULL;
            continue;
        }
        break;
    }
    /* the PDF (and the dump) are given back if memory runs out from here */
    render_tail t = {e, job, report, arena, diag, &pages, fonts, pdf, pdf_len, NULL, 0, false};
    pb_oom_guard(finish_render, free_render_tail, &t);
    free_render_tail(&t);
    return t.ok;
}

static pb_status status_of(const pb_diag *diag)
{
    if (pb_diag_failed(diag))
        return diag->status != PB_OK ? diag->status : PB_ERR_INTERNAL;
    return PB_OK;
}

/* One call's work with its arena, inside the call's out-of-memory scope:
 * running out of memory lands here with the arena freed. */
typedef struct job_run job_run;
struct job_run {
    pb_engine *e;
    const pb_job *job;
    pb_diag *diag;
    pb_arena *arena;
    /* check only */
    pb_check_format format;
    bool strict;
    char **out;
    size_t *out_len;
    pb_status check_status;
    /* sum only */
    const pb_sum_job *sum;
    /* extract only */
    const char *pdf_path, *extract_out;
    unsigned char **data;
    size_t *data_len;
    char **data_name;
    void (*fn)(job_run *r);
};


static void run_render(job_run *r)
{
    const char *raw = NULL;
    size_t raw_len = 0;
    pb_report *report = read_report(r->job->report_path, r->job->report_bytes,
                                    r->job->report_len, false, r->arena, &raw, &raw_len,
                                    r->diag);
    if (report)
        render_report(r->e, report, raw, raw_len, r->job, r->arena, r->diag);
}

typedef struct findings_args {
    const pb_findings *findings;
    pb_check_format format;
} findings_args;

static void findings_to(const void *arg, FILE *out)
{
    const findings_args *f = arg;
    if (f->format == PB_CHECK_JSON)
        pb_check_write_json(f->findings, out);
    else
        pb_check_write_text(f->findings, out);
}

static void run_check(job_run *r)
{
    pb_report *report = read_report(r->job->report_path, r->job->report_bytes,
                                    r->job->report_len, true, r->arena, NULL, NULL, r->diag);
    pb_findings findings;
    pb_check_options opt = {.strict = r->strict};
    if (!report || !bind_and_check(r->e, report, r->job, &opt, r->arena, &findings, r->diag))
        return;
    findings_args fa = {&findings, r->format};
    *r->out = capture(findings_to, &fa, r->out_len);
    if (!*r->out) {
        pb_diag_out_of_memory(r->diag);
        return;
    }
    if (findings.violations > 0 || (r->strict && findings.missing > 0))
        r->check_status = PB_ERR_CHECK;
}

/* Whether two layout files are one (named by different paths). */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!strcmp(a, b))
        return true;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* paiban sum: the members read and bound to their one layout, summed,
 * written as report data (into the base report when there is one). */
static void run_sum(job_run *r)
{
    const pb_sum_job *sj = r->sum;
    pb_arena *arena = r->arena;
    pb_diag *diag = r->diag;
    pb_report **members = pb_arena_calloc(arena, (size_t)sj->nmembers + 1, sizeof *members);
    int n = 0;
    const pb_layout *layout = NULL;
    const char *layout_ref = NULL, *first = NULL;
    for (int i = 0; i < sj->nmembers; i++) {
        pb_report *m = pb_input_report_file(sj->members[i], arena, diag);
        if (!m)
            continue;
        pb_input_paths paths = {.data_dir = r->e->data_dir};
        const char *ref = sj->layout_ref ? sj->layout_ref
                          : m->layout    ? m->layout
                                         : PB_DEFAULT_LAYOUT;
        if (sj->layout_ref)
            paths.ref_file = "--layout";
        else if (m->layout) {
            paths.ref_file = m->file;
            paths.ref_path = "layout";
        }
        const pb_ruleset *rules;
        const pb_layout *l =
            engine_layout(r->e, ref, sj->layout_ref ? "." : m->dir, &paths, &rules, diag);
        if (!l)
            continue;
        if (!layout) {
            layout = l;
            layout_ref = sj->layout_ref ? sj->layout_ref : m->layout;
            first = m->file;
        } else if (!same_file(l->file, layout->file)) {
            pb_diag_error(diag, PB_ERR_INPUT, m->file, m->layout ? "layout" : NULL,
                          "the layout is %s, %s's is %s: the members of a summary have one "
                          "layout", l->file, first, layout->file);
            continue;
        }
        /* bound to the first member's copy: one template, one table */
        if (pb_input_bind_tables(m, layout, arena, diag))
            members[n++] = m;
    }
    if (pb_diag_failed(diag) || !n)
        return;
    const pb_summary *s = pb_summarize(members, n, layout, arena, diag);
    if (!s)
        return;
    pb_report *base = NULL;
    char *bytes = NULL;
    size_t len = 0;
    if (sj->base_path) {
        if (!pb_read_file(sj->base_path, pb_limit_input_bytes(), PB_ERR_INPUT, &bytes, &len,
                          diag))
            return;
        base = pb_input_report(sj->base_path, bytes, len, arena, diag);
        if (!base || !pb_input_bind_tables(base, layout, arena, diag)) {
            free(bytes);
            return;
        }
    }
    char *json;
    size_t json_len;
    bool ok = pb_input_summary_json(s, layout_ref, base, bytes, len, &json, &json_len, arena,
                                    diag);
    free(bytes);
    if (!ok)
        return;
    if (sj->out_path && !pb_write_file_atomic(sj->out_path, json, json_len, diag)) {
        free(json);
        return;
    }
    if (r->out) {
        *r->out = json;
        *r->out_len = json_len;
    } else {
        free(json);
    }
}

static void run_extract(job_run *r)
{
    char *bytes;
    size_t len;
    if (!pb_read_file(r->pdf_path, PB_MAX_PDF_BYTES, PB_ERR_INPUT, &bytes, &len, r->diag))
        return;
    pb_report_data rd;
    bool ok = pb_report_data_read((const unsigned char *)bytes, len, r->pdf_path,
                                  pb_limit_input_bytes(), r->arena, &rd, r->diag);
    free(bytes);
    if (!ok || (r->extract_out && !pb_write_file_atomic(r->extract_out, rd.data, rd.len, r->diag)))
        return;
    if (r->data) {
        *r->data = pb_xmalloc(rd.len + 1);
        memcpy(*r->data, rd.data, rd.len);
        (*r->data)[rd.len] = 0;
        *r->data_len = rd.len;
    }
    if (r->data_name)
        *r->data_name = pb_xstrdup(rd.name);
}

static void run_in_arena(void *arg)
{
    job_run *r = arg;
    r->arena = pb_arena_new();
    r->fn(r);
}

/* One call: its context, its limits, its arena; running out of memory
 * anywhere inside ends here with the arena freed. */
static void run_job(job_run *r)
{
    if (r->diag->limit == 0)
        r->diag->limit = r->e->error_limit;
    pb_call call;
    pb_call_begin(&call, &r->e->limits);
    if (!protect(run_in_arena, r))
        pb_diag_out_of_memory(r->diag);
    pb_arena_free(r->arena);
    r->arena = NULL;
    pb_call_end(&call);
}

pb_status pb_engine_render(pb_engine *e, const pb_job *job, pb_diag *diag)
{
    if (job->pdf) {
        *job->pdf = NULL;
        *job->pdf_len = 0;
    }
    if (job->dump) {
        *job->dump = NULL;
        *job->dump_len = 0;
    }
    job_run r = {.e = e, .job = job, .diag = diag, .fn = run_render};
    run_job(&r);
    pb_status st = status_of(diag);
    if (st != PB_OK) {
        if (job->pdf) {
            free(*job->pdf);
            *job->pdf = NULL;
            *job->pdf_len = 0;
        }
        if (job->dump) {
            free(*job->dump);
            *job->dump = NULL;
            *job->dump_len = 0;
        }
    }
    return st;
}

pb_status pb_engine_check(pb_engine *e, const pb_job *job, pb_check_format format,
                          bool strict, char **out, size_t *out_len, pb_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    job_run r = {.e = e, .job = job, .diag = diag, .format = format, .strict = strict,
                 .out = out, .out_len = out_len, .check_status = PB_OK, .fn = run_check};
    run_job(&r);
    if (pb_diag_failed(diag)) {
        free(*out);
        *out = NULL;
        *out_len = 0;
        return status_of(diag);
    }
    return r.check_status;
}

pb_status pb_engine_sum(pb_engine *e, const pb_sum_job *job, char **out, size_t *out_len,
                        pb_diag *diag)
{
    if (out) {
        *out = NULL;
        *out_len = 0;
    }
    job_run r = {.e = e, .diag = diag, .sum = job, .out = out, .out_len = out_len,
                 .fn = run_sum};
    run_job(&r);
    pb_status st = status_of(diag);
    if (st != PB_OK && out) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return st;
}

typedef struct engine_run {
    void (*fn)(void *arg, pb_arena *arena, pb_diag *diag);
    void *arg;
    pb_diag *diag;
    pb_arena *arena;
} engine_run;

static void run_fn_in_arena(void *arg)
{
    engine_run *r = arg;
    r->arena = pb_arena_new();
    r->fn(r->arg, r->arena, r->diag);
}

pb_status pb_engine_run(pb_engine *e, size_t input_bytes,
                        void (*fn)(void *arg, pb_arena *arena, pb_diag *diag), void *arg,
                        pb_diag *diag)
{
    if (diag->limit == 0)
        diag->limit = e->error_limit;
    pb_call_limits limits = e->limits;
    if (input_bytes)
        limits.input_bytes = input_bytes;
    engine_run r = {fn, arg, diag, NULL};
    pb_call call;
    pb_call_begin(&call, &limits);
    if (!protect(run_fn_in_arena, &r))
        pb_diag_out_of_memory(diag);
    pb_arena_free(r.arena);
    pb_call_end(&call);
    return status_of(diag);
}

void pb_engine_deliver(const pb_engine *e, pb_diag *diag)
{
    pb_diag_deliver(diag, e->message, e->message_user);
    pb_diag_free(diag);
}

/* ---- requests ----------------------------------------------------------- */

typedef struct source {
    char *path;               /* owned: the file, or the name of the bytes */
    char *bytes;              /* owned, or NULL: read the file */
    size_t len;
} source;

struct pb_request {
    source report, layout, previous, seal;
    pb_signer *signer;        /* owned copy, or NULL */
    bool force;
    pb_pdf_kind pdf_kind;
    char *out_path, *dump_path; /* owned */
    void *message_user;
    bool has_message_user;
};

pb_request *pb_request_new(void)
{
    return calloc(1, sizeof(pb_request));
}

static void source_free(source *s)
{
    free(s->path);
    free(s->bytes);
    memset(s, 0, sizeof *s);
}

void pb_request_free(pb_request *r)
{
    if (!r)
        return;
    source_free(&r->report);
    source_free(&r->layout);
    source_free(&r->previous);
    source_free(&r->seal);
    pb_signer_free(r->signer);
    free(r->out_path);
    free(r->dump_path);
    free(r);
}

static pb_status set_source(source *s, const char *path, const void *bytes, size_t len)
{
    if (!path || !*path)
        return PB_ERR_USAGE;
    char *p = strdup(path);
    char *b = NULL;
    if (p && bytes) {
        b = malloc(len + 1);
        if (b) {
            memcpy(b, bytes, len);
            b[len] = 0;
        }
    }
    if (!p || (bytes && !b)) {
        free(p);
        free(b);
        return PB_ERR_MEMORY;
    }
    source_free(s);
    *s = (source){p, b, bytes ? len : 0};
    return PB_OK;
}

pb_status pb_request_set_report_file(pb_request *r, const char *path)
{
    return set_source(&r->report, path, NULL, 0);
}

pb_status pb_request_set_report_bytes(pb_request *r, const char *name, const void *bytes,
                                      size_t len)
{
    if (!bytes && len)
        return PB_ERR_USAGE;
    return set_source(&r->report, name, bytes ? bytes : "", len);
}

pb_status pb_request_set_layout(pb_request *r, const char *name_or_path)
{
    if (!name_or_path) {
        source_free(&r->layout);
        return PB_OK;
    }
    return set_source(&r->layout, name_or_path, NULL, 0);
}

pb_status pb_request_set_layout_bytes(pb_request *r, const char *name, const void *bytes,
                                      size_t len)
{
    if (!bytes && len)
        return PB_ERR_USAGE;
    return set_source(&r->layout, name, bytes ? bytes : "", len);
}

pb_status pb_request_set_previous_file(pb_request *r, const char *path)
{
    if (!path) {
        source_free(&r->previous);
        return PB_OK;
    }
    return set_source(&r->previous, path, NULL, 0);
}

pb_status pb_request_set_previous_bytes(pb_request *r, const char *name, const void *bytes,
                                        size_t len)
{
    if (!bytes && len)
        return PB_ERR_USAGE;
    return set_source(&r->previous, name, bytes ? bytes : "", len);
}

pb_status pb_request_set_seal_file(pb_request *r, const char *path)
{
    if (!path) {
        source_free(&r->seal);
        return PB_OK;
    }
    return set_source(&r->seal, path, NULL, 0);
}

pb_status pb_request_set_seal_bytes(pb_request *r, const char *name, const void *bytes,
                                    size_t len)
{
    if (!bytes && len)
        return PB_ERR_USAGE;
    return set_source(&r->seal, name, bytes ? bytes : "", len);
}

pb_status pb_request_set_signer(pb_request *r, const pb_signer *signer)
{
    pb_signer *copy = NULL;
    if (signer && !(copy = pb_signer_copy(signer)))
        return PB_ERR_MEMORY;
    pb_signer_free(r->signer);
    r->signer = copy;
    return PB_OK;
}

void pb_request_set_force(pb_request *r, int force)
{
    r->force = force != 0;
}

pb_status pb_request_set_pdf(pb_request *r, pb_pdf_kind kind)
{
    if (kind != PB_PDF_LAYOUT && kind != PB_PDF_ARCHIVAL && kind != PB_PDF_PLAIN)
        return PB_ERR_USAGE;
    r->pdf_kind = kind;
    return PB_OK;
}

static pb_status set_optional(char **slot, const char *s)
{
    char *copy = NULL;
    if (s && *s && !(copy = strdup(s)))
        return PB_ERR_MEMORY;
    free(*slot);
    *slot = copy;
    return PB_OK;
}

pb_status pb_request_set_output_file(pb_request *r, const char *pdf_path)
{
    return set_optional(&r->out_path, pdf_path);
}

pb_status pb_request_set_dump_file(pb_request *r, const char *dump_path)
{
    return set_optional(&r->dump_path, dump_path);
}

void pb_request_set_message_user(pb_request *r, void *user)
{
    r->message_user = user;
    r->has_message_user = true;
}

/* ---- calls ---------------------------------------------------------------- */

static pb_job job_of(const pb_request *r)
{
    return (pb_job){
        .report_path = r->report.path,
        .report_bytes = r->report.bytes,
        .report_len = r->report.len,
        .layout_ref = r->layout.path,
        .layout_bytes = r->layout.bytes,
        .layout_len = r->layout.len,
        .previous_path = r->previous.path,
        .previous_bytes = r->previous.bytes,
        .previous_len = r->previous.len,
        .seal_path = r->seal.path,
        .seal_bytes = r->seal.bytes,
        .seal_len = r->seal.len,
        .signer = r->signer,
        .force = r->force,
        .pdf_kind = r->pdf_kind,
        .out_path = r->out_path,
        .dump_path = r->dump_path,
    };
}

typedef struct misuse_args {
    pb_diag *diag;
    const char *what;
} misuse_args;

static void add_misuse(void *arg)
{
    misuse_args *m = arg;
    pb_diag_error(m->diag, PB_ERR_USAGE, NULL, NULL, "%s", m->what);
}

/* A wrong use of a call, reported like any other problem. */
static pb_status misuse(const pb_engine *e, const pb_request *r, const char *what)
{
    pb_diag diag;
    pb_diag_init(&diag);
    misuse_args m = {&diag, what};
    if (!protect_call(add_misuse, &m))
        pb_diag_out_of_memory(&diag);
    pb_status st = diag.status;
    if (e)
        pb_diag_deliver(&diag, e->message,
                        r && r->has_message_user ? r->message_user : e->message_user);
    pb_diag_free(&diag);
    return st;
}

static pb_status finish(const pb_engine *e, const pb_request *r, pb_diag *diag, pb_status st)
{
    pb_diag_deliver(diag, e->message, r->has_message_user ? r->message_user : e->message_user);
    pb_diag_free(diag);
    return st;
}

pb_status pb_render(pb_engine *e, const pb_request *r)
{
    if (!e || !r || !r->report.path)
        return misuse(e, r, "pb_render: the request names no report");
    if (!r->out_path && !r->dump_path)
        return misuse(e, r, "pb_render: the request names no output file "
                            "(pb_request_set_output_file)");
    pb_job job = job_of(r);
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_render(e, &job, &diag);
    return finish(e, r, &diag, st);
}

pb_status pb_render_bytes(pb_engine *e, const pb_request *r, unsigned char **pdf,
                          size_t *pdf_len, char **dump, size_t *dump_len)
{
    if (pdf)
        *pdf = NULL;
    if (pdf_len)
        *pdf_len = 0;
    if (dump)
        *dump = NULL;
    if (dump_len)
        *dump_len = 0;
    if (!e || !r || !r->report.path)
        return misuse(e, r, "pb_render_bytes: the request names no report");
    if ((pdf && !pdf_len) || (dump && !dump_len))
        return misuse(e, r, "pb_render_bytes: a pointer without its length");
    pb_job job = job_of(r);
    job.pdf = pdf;
    job.pdf_len = pdf_len;
    job.dump = dump;
    job.dump_len = dump_len;
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_render(e, &job, &diag);
    return finish(e, r, &diag, st);
}

pb_status pb_check(pb_engine *e, const pb_request *r, pb_check_format format, int strict,
                   char **text, size_t *len)
{
    if (text)
        *text = NULL;
    if (len)
        *len = 0;
    if (!e || !r || !r->report.path)
        return misuse(e, r, "pb_check: the request names no report");
    if (!text || !len)
        return misuse(e, r, "pb_check: no place for the findings");
    if (format != PB_CHECK_TEXT && format != PB_CHECK_JSON)
        return misuse(e, r, "pb_check: unknown format");
    pb_job job = job_of(r);
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_check(e, &job, format, strict != 0, text, len, &diag);
    return finish(e, r, &diag, st);
}

pb_status pb_sum(pb_engine *e, const char *const *members, int nmembers, const char *layout,
                 const char *base, const char *out_path, char **json, size_t *len)
{
    if (json)
        *json = NULL;
    if (len)
        *len = 0;
    if (!e || !members || nmembers < 1)
        return misuse(e, NULL, "pb_sum: no member report");
    for (int i = 0; i < nmembers; i++)
        if (!members[i] || !*members[i])
            return misuse(e, NULL, "pb_sum: a member without a file name");
    if ((json && !len) || (!json && !out_path))
        return misuse(e, NULL, json ? "pb_sum: a pointer without its length"
                                    : "pb_sum: neither an output file nor a place for the JSON");
    pb_sum_job job = {members, nmembers, layout, base, out_path};
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_sum(e, &job, json, len, &diag);
    pb_diag_deliver(&diag, e->message, e->message_user);
    pb_diag_free(&diag);
    return st;
}

pb_status pb_extract(pb_engine *e, const char *pdf_path, const char *out_path,
                     unsigned char **data, size_t *len, char **name)
{
    if (data)
        *data = NULL;
    if (len)
        *len = 0;
    if (name)
        *name = NULL;
    if (!e || !pdf_path)
        return misuse(e, NULL, "pb_extract: no PDF given");
    if (data && !len)
        return misuse(e, NULL, "pb_extract: a pointer without its length");
    pb_diag diag;
    pb_diag_init(&diag);
    job_run r = {.e = e, .diag = &diag, .fn = run_extract, .pdf_path = pdf_path,
                 .extract_out = out_path, .data = data, .data_len = len, .data_name = name};
    run_job(&r);
    pb_status st = status_of(&diag);
    if (st != PB_OK) {
        if (data && *data) {
            free(*data);
            *data = NULL;
            *len = 0;
        }
        if (name && *name) {
            free(*name);
            *name = NULL;
        }
    }
    pb_diag_deliver(&diag, e->message, e->message_user);
    pb_diag_free(&diag);
    return st;
}

void pb_free(void *p)
{
    free(p);
}

const char *pb_version(void)
{
    return PAIBAN_VERSION;
}

const char *pb_status_text(pb_status st)
{
    switch (st) {
    case PB_OK: return "success";
    case PB_ERR_INTERNAL: return "internal error";
    case PB_ERR_USAGE: return "wrong use";
    case PB_ERR_INPUT: return "invalid report data";
    case PB_ERR_LAYOUT: return "invalid layout or font";
    case PB_ERR_IO: return "a file could not be read or written";
    case PB_ERR_CHECK: return "the numbers do not add up";
    case PB_ERR_MEMORY: return "out of memory";
    case PB_ERR_SIGN: return "cannot sign with this key or certificate";
    case PB_ERR_VERIFY: return "a signature is not valid";
    case PB_ERR_LIBRARY: return "a library this call needs cannot be loaded";
    }
    return "unknown status";
}
