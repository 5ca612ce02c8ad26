/* The pipeline, readable in one function: input -> fonts -> flow (shape,
 * line breaking) -> paginate -> pdf, plus the dump. */
#include "paiban.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/fsio.h"
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

/* Font folders in search order: the report's and the layout's folders,
 * paiban's fonts/, each --font-dir, then the system's. */
static int font_dirs(const pb_render_options *opt, const pb_report *r, const pb_layout *l,
                     const char *data_dir, pb_arena *a, const char ***out, bool **flat_out)
{
    static const char *system_dirs[] = {
        "/usr/share/fonts", "/usr/local/share/fonts",
        "/usr/share/texlive/texmf-dist/fonts/opentype",
    };
    int cap = 8 + opt->nfont_dirs, n = 0;
    const char **d = pb_arena_calloc(a, (size_t)cap, sizeof *d);
    bool *flat = pb_arena_calloc(a, (size_t)cap, sizeof *flat);
    /* the report's and the layout's own folders: only the files beside them */
    flat[n] = true;
    d[n++] = r->dir;
    if (l->dir && strcmp(l->dir, r->dir) != 0) {
        flat[n] = true;
        d[n++] = l->dir;
    }
    d[n++] = pb_arena_printf(a, "%s/fonts", data_dir);
    for (int i = 0; i < opt->nfont_dirs; i++)
        d[n++] = opt->font_dirs[i];
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

pb_status pb_render(const pb_render_options *opt, pb_diag *diag)
{
    const char *data_dir = opt->data_dir ? opt->data_dir : pb_data_dir();
    pb_input_paths paths = {.data_dir = data_dir};
    pb_arena *arena = pb_arena_new();
    pb_fontset *fonts = NULL;
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;

    pb_report *report = pb_input_report_file(opt->report_path, arena, diag);
    if (!report)
        goto done;
    const char *ref = opt->layout_ref ? opt->layout_ref
                      : report->layout ? report->layout
                                       : PB_DEFAULT_LAYOUT;
    if (!opt->layout_ref && report->layout) {
        paths.ref_file = report->file;
        paths.ref_path = "layout";
    } else if (opt->layout_ref) {
        paths.ref_file = "--layout";
    }
    pb_layout *layout = pb_input_layout(ref, opt->layout_ref ? "." : report->dir, &paths,
                                        arena, diag);
    if (!layout)
        goto done;
    if (!pb_input_bind_tables(report, layout, arena, diag))
        goto done;

    const char **dirs;
    bool *flat;
    int ndirs = font_dirs(opt, report, layout, data_dir, arena, &dirs, &flat);
    pb_font_dirs fd = {.dirs = dirs, .flat = flat, .count = ndirs};
    fonts = pb_fonts_load(layout, &fd, diag);
    if (!fonts)
        goto done;
    if (opt->verbose)
        pb_fonts_describe(fonts, opt->verbose);

    pb_galley galley;
    if (!pb_flow(report, layout, fonts, arena, &galley, diag))
        goto done;
    pb_pages pages;
    if (!pb_paginate(&galley, layout, fonts, arena, &pages, diag))
        goto done;
    if (opt->dump_path && !write_dump(opt->dump_path, &pages, fonts, diag))
        goto done;
    if (opt->out_path) {
        pb_pdf_options po = {
            .meta = &report->meta,
            .creation_time = pb_creation_time(report->meta.date),
            .compress = 1,
        };
        if (!pb_pdf_write(&pages, fonts, &po, &pdf, &pdf_len, diag))
            goto done;
        pb_write_file_atomic(opt->out_path, pdf, pdf_len, diag);
    }
done:
    free(pdf);
    if (fonts)
        pb_fonts_free(fonts);
    pb_arena_free(arena);
    if (pb_diag_failed(diag))
        return diag->status != PB_OK ? diag->status : PB_ERR_INTERNAL;
    return PB_OK;
}
