/* The pipeline, readable in one function: input -> check -> fonts -> flow
 * (shape, line breaking) -> paginate -> pdf, plus the dump. */
#include "paiban.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>

#include "base/arena.h"
#include "base/fsio.h"
#include "check/check.h"
#include "fonts/fonts.h"
#include "input/input.h"
#include "layout/flow.h"
#include "layout/paginate.h"
#include "output/dump.h"
#include "output/pdf.h"

const char *pb_data_dir(void)
{
    const char *env = getenv("PAIBAN_DATA_DIR");
    return env && *env ? env : PAIBAN_DATA_DIR;
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

long long pb_creation_time(const char *meta_date)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (*end == 0 && v >= 0)
            return v;
    }
    int y, m, d;
    if (meta_date && sscanf(meta_date, "%4d-%2d-%2d", &y, &m, &d) == 3)
        return days_from_civil(y, m, d) * 86400;
    return -1;
}

/* ---- the engine: layouts and fonts shared by documents ---------------- */

typedef struct layout_entry {
    char *ref, *base_dir;     /* owned: what the layout was asked for as */
    pb_arena *arena;          /* owned: holds the layout and its rules */
    pb_layout *layout;
    pb_ruleset *rules;        /* the layout's rules, compiled when it is read */
} layout_entry;

typedef struct fonts_entry {
    const pb_layout *layout;  /* borrowed from a layout entry */
    char *report_dir;         /* owned */
    pb_fontset *fonts;        /* owned */
} fonts_entry;

struct pb_engine {
    char *data_dir;           /* owned */
    const char **font_dirs;   /* borrowed */
    int nfont_dirs;
    FILE *verbose;
    pthread_mutex_t lock;     /* guards the caches; loading happens under it
                                 so a layout or font set is loaded once */
    layout_entry *layouts;
    int nlayouts, layouts_cap;
    fonts_entry *fontsets;
    int nfontsets, fontsets_cap;
};

pb_engine *pb_engine_new(const pb_engine_options *opt)
{
    pb_engine *e = pb_xcalloc(1, sizeof *e);
    e->data_dir = pb_xstrdup(opt && opt->data_dir ? opt->data_dir : pb_data_dir());
    if (opt) {
        e->font_dirs = opt->font_dirs;
        e->nfont_dirs = opt->nfont_dirs;
        e->verbose = opt->verbose;
    }
    pthread_mutex_init(&e->lock, NULL);
    return e;
}

void pb_engine_free(pb_engine *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nfontsets; i++) {
        pb_fonts_free(e->fontsets[i].fonts);
        free(e->fontsets[i].report_dir);
    }
    for (int i = 0; i < e->nlayouts; i++) {
        pb_arena_free(e->layouts[i].arena);
        free(e->layouts[i].ref);
        free(e->layouts[i].base_dir);
    }
    free(e->fontsets);
    free(e->layouts);
    pthread_mutex_destroy(&e->lock);
    free(e->data_dir);
    free(e);
}

/* The layout `ref` (relative to base_dir) and its compiled rules, read
 * once; NULL after errors (which are not cached: every report that asks
 * gets the messages). */
static const pb_layout *engine_layout(pb_engine *e, const char *ref, const char *base_dir,
                                      const pb_input_paths *paths, const pb_ruleset **rules,
                                      pb_diag *diag)
{
    pthread_mutex_lock(&e->lock);
    for (int i = 0; i < e->nlayouts; i++) {
        layout_entry *le = &e->layouts[i];
        if (!strcmp(le->ref, ref) && !strcmp(le->base_dir, base_dir)) {
            pthread_mutex_unlock(&e->lock);
            *rules = le->rules;
            return le->layout;
        }
    }
    pb_arena *arena = pb_arena_new();
    pb_layout *layout = pb_input_layout(ref, base_dir, paths, arena, diag);
    /* the rules' expressions are layout errors too: found before any report
       is checked, and the compiled rules are shared read-only like the layout */
    pb_ruleset *rs = layout ? pb_check_compile(layout, arena, diag) : NULL;
    if (!layout || !rs) {
        pb_arena_free(arena);
        pthread_mutex_unlock(&e->lock);
        return NULL;
    }
    if (e->nlayouts == e->layouts_cap) {
        e->layouts_cap = e->layouts_cap ? e->layouts_cap * 2 : 4;
        e->layouts = pb_xrealloc(e->layouts, (size_t)e->layouts_cap * sizeof *e->layouts);
    }
    e->layouts[e->nlayouts++] =
        (layout_entry){pb_xstrdup(ref), pb_xstrdup(base_dir), arena, layout, rs};
    pthread_mutex_unlock(&e->lock);
    *rules = rs;
    return layout;
}

/* Font folders in search order: the report's and the layout's folders,
 * paiban's fonts/, each --font-dir, then the user's and the system's. */
static int font_dirs(const pb_engine *e, const char *report_dir, const pb_layout *l,
                     pb_arena *a, const char ***out, bool **flat_out)
{
    static const char *system_dirs[] = {
        "/usr/share/fonts", "/usr/local/share/fonts",
        "/usr/share/texlive/texmf-dist/fonts/opentype",
    };
    int cap = 8 + e->nfont_dirs, n = 0;
    const char **d = pb_arena_calloc(a, (size_t)cap, sizeof *d);
    bool *flat = pb_arena_calloc(a, (size_t)cap, sizeof *flat);
    /* the report's and the layout's own folders: only the files beside them */
    flat[n] = true;
    d[n++] = report_dir;
    if (l->dir && strcmp(l->dir, report_dir) != 0) {
        flat[n] = true;
        d[n++] = l->dir;
    }
    d[n++] = pb_arena_printf(a, "%s/fonts", e->data_dir);
    for (int i = 0; i < e->nfont_dirs; i++)
        d[n++] = e->font_dirs[i];
    const char *home = getenv("HOME");
    if (home && *home) {
        d[n++] = pb_arena_printf(a, "%s/.local/share/fonts", home);
        d[n++] = pb_arena_printf(a, "%s/.fonts", home);
    }
    for (size_t i = 0; i < sizeof system_dirs / sizeof *system_dirs; i++)
        d[n++] = system_dirs[i];
    *out = d;
    *flat_out = flat;
    return n;
}

/* The fonts of a layout for reports in report_dir, loaded once. */
static const pb_fontset *engine_fonts(pb_engine *e, const pb_layout *layout,
                                      const char *report_dir, pb_diag *diag)
{
    pthread_mutex_lock(&e->lock);
    for (int i = 0; i < e->nfontsets; i++) {
        fonts_entry *fe = &e->fontsets[i];
        if (fe->layout == layout && !strcmp(fe->report_dir, report_dir)) {
            pthread_mutex_unlock(&e->lock);
            return fe->fonts;
        }
    }
    pb_arena *scratch = pb_arena_new();
    const char **dirs;
    bool *flat;
    int ndirs = font_dirs(e, report_dir, layout, scratch, &dirs, &flat);
    pb_font_dirs fd = {.dirs = dirs, .flat = flat, .count = ndirs};
    pb_fontset *fonts = pb_fonts_load(layout, &fd, diag);
    pb_arena_free(scratch);
    if (!fonts) {
        pthread_mutex_unlock(&e->lock);
        return NULL;
    }
    if (e->verbose)
        pb_fonts_describe(fonts, e->verbose);
    if (e->nfontsets == e->fontsets_cap) {
        e->fontsets_cap = e->fontsets_cap ? e->fontsets_cap * 2 : 4;
        e->fontsets = pb_xrealloc(e->fontsets, (size_t)e->fontsets_cap * sizeof *e->fontsets);
    }
    e->fontsets[e->nfontsets++] = (fonts_entry){layout, pb_xstrdup(report_dir), fonts};
    pthread_mutex_unlock(&e->lock);
    return fonts;
}

static bool write_dump(const char *path, const pb_pages *pages, const pb_fontset *fonts,
                       pb_diag *diag)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write the dump");
        return false;
    }
    pb_dump(pages, fonts, mem);
    fclose(mem);
    bool ok = pb_write_file_atomic(path, buf, len, diag);
    free(buf);
    return ok;
}

/* ---- one document ----------------------------------------------------- */

/* The input stage's last steps and the check stage: the report's layout,
 * its tables bound (and last year's report read and bound with the same
 * layout when the job names it), then the rules evaluated into *findings.
 * NULL after errors. */
static const pb_layout *bind_and_check(pb_engine *e, pb_report *report, const pb_job *job,
                                       pb_arena *arena, pb_findings *findings, pb_diag *diag)
{
    pb_input_paths paths = {.data_dir = e->data_dir};
    const char *ref = job->layout_ref ? job->layout_ref
                      : report->layout ? report->layout
                                       : PB_DEFAULT_LAYOUT;
    if (job->layout_ref)
        paths.ref_file = "--layout";
    else if (report->layout) {
        paths.ref_file = report->file;
        paths.ref_path = "layout";
    }
    const pb_ruleset *rules = NULL;
    const pb_layout *layout =
        engine_layout(e, ref, job->layout_ref ? "." : report->dir, &paths, &rules, diag);
    if (!layout)
        return NULL;
    bool ok = pb_input_bind_tables(report, layout, arena, diag);
    pb_report *prev = NULL;
    if (job->previous_path) {
        prev = pb_input_report_file(job->previous_path, arena, diag);
        ok = prev && pb_input_bind_tables(prev, layout, arena, diag) && ok;
    }
    if (!ok)
        return NULL;
    if (prev && report->meta.year && prev->meta.year &&
        prev->meta.year != report->meta.year - 1)
        pb_diag_warning(diag, prev->file, "meta.year",
                        "the previous year's report is for %d, %s is for %d",
                        prev->meta.year, report->file, report->meta.year);
    pb_check_run(rules, report, prev, arena, findings);
    return layout;
}

/* Lays out a parsed report and writes what the job asks for; the PDF is
 * also handed back in *pdf when pdf is not NULL (the caller frees it). */
static bool render_report(pb_engine *e, pb_report *report, const pb_job *job, pb_arena *arena,
                          unsigned char **pdf, size_t *pdf_len, pb_diag *diag)
{
    pb_findings findings;
    const pb_layout *layout = bind_and_check(e, report, job, arena, &findings, diag);
    if (!layout || pb_check_to_diag(&findings, job->force, diag) > 0)
        return false;
    const pb_fontset *fonts = engine_fonts(e, layout, report->dir, diag);
    if (!fonts)
        return false;

    pb_galley galley;
    if (!pb_flow(report, layout, fonts, arena, &galley, diag))
        return false;
    pb_pages pages;
    if (!pb_paginate(&galley, layout, fonts, arena, &pages, diag))
        return false;
    if (!pdf && job->pdf) {
        pdf = job->pdf;
        pdf_len = job->pdf_len;
    }
    if (!job->out_path && !pdf)
        return !job->dump_path || write_dump(job->dump_path, &pages, fonts, diag);
    pb_pdf_options po = {
        .meta = &report->meta,
        .creation_time = pb_creation_time(report->meta.date),
        .compress = 1,
    };
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (!pb_pdf_write(&pages, fonts, &po, &bytes, &len, diag))
        return false;
    /* the dump after the PDF: when no PDF can be made, the old dump stays too */
    bool ok = (!job->out_path || pb_write_file_atomic(job->out_path, bytes, len, diag)) &&
              (!job->dump_path || write_dump(job->dump_path, &pages, fonts, diag));
    if (ok && pdf) {
        *pdf = bytes;
        *pdf_len = len;
    } else {
        free(bytes);
    }
    return ok;
}

static pb_status status_of(const pb_diag *diag)
{
    if (pb_diag_failed(diag))
        return diag->status != PB_OK ? diag->status : PB_ERR_INTERNAL;
    return PB_OK;
}

/* The job's report, from its file or its bytes. */
static pb_report *job_report(const pb_job *job, pb_arena *arena, pb_diag *diag)
{
    if (job->report_bytes)
        return pb_input_report(job->report_path, job->report_bytes, job->report_len, arena,
                               diag);
    return pb_input_report_file(job->report_path, arena, diag);
}

pb_status pb_engine_render(pb_engine *e, const pb_job *job, pb_diag *diag)
{
    if (job->pdf) {
        *job->pdf = NULL;
        *job->pdf_len = 0;
    }
    pb_arena *arena = pb_arena_new();
    pb_report *report = job_report(job, arena, diag);
    if (report)
        render_report(e, report, job, arena, NULL, NULL, diag);
    pb_arena_free(arena);
    return status_of(diag);
}

pb_status pb_engine_check(pb_engine *e, const pb_job *job, pb_check_format format,
                          bool strict, FILE *out, pb_diag *diag)
{
    pb_arena *arena = pb_arena_new();
    pb_report *report = job_report(job, arena, diag);
    pb_findings findings;
    pb_status st = PB_OK;
    if (report && bind_and_check(e, report, job, arena, &findings, diag)) {
        if (format == PB_CHECK_JSON)
            pb_check_write_json(&findings, out);
        else
            pb_check_write_text(&findings, out);
        if (findings.violations > 0 || (strict && findings.missing > 0))
            st = PB_ERR_CHECK;
    }
    pb_arena_free(arena);
    return pb_diag_failed(diag) ? status_of(diag) : st;
}

pb_status pb_engine_render_bytes(pb_engine *e, const char *name, const char *bytes,
                                 size_t len, const char *layout_ref, unsigned char **pdf,
                                 size_t *pdf_len, pb_diag *diag)
{
    *pdf = NULL;
    *pdf_len = 0;
    pb_arena *arena = pb_arena_new();
    pb_report *report = pb_input_report(name, bytes, len, arena, diag);
    pb_job job = {.report_path = name, .layout_ref = layout_ref};
    if (report)
        render_report(e, report, &job, arena, pdf, pdf_len, diag);
    pb_arena_free(arena);
    return status_of(diag);
}

pb_status pb_render(const pb_render_options *opt, pb_diag *diag)
{
    pb_engine_options eo = {
        .data_dir = opt->data_dir,
        .font_dirs = opt->font_dirs,
        .nfont_dirs = opt->nfont_dirs,
        .verbose = opt->verbose,
    };
    pb_engine *e = pb_engine_new(&eo);
    pb_job job = {
        .report_path = opt->report_path,
        .layout_ref = opt->layout_ref,
        .out_path = opt->out_path,
        .dump_path = opt->dump_path,
        .previous_path = opt->previous_path,
        .force = opt->force,
    };
    pb_status st = pb_engine_render(e, &job, diag);
    pb_engine_free(e);
    return st;
}
