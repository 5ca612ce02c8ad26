/* paiban: report data + layout -> PDF.  The whole pipeline in one call;
 * each stage lives in its own module (see DESIGN notes in README). */
#ifndef PAIBAN_H
#define PAIBAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/diag.h"

typedef struct pb_render_options {
    const char *report_path;  /* report data file */
    const char *layout_ref;   /* layout name or path; NULL: the report's, else default */
    const char *out_path;     /* PDF file; NULL: render without writing */
    const char **font_dirs;   /* extra folders searched for fonts (--font-dir) */
    int nfont_dirs;
    const char *dump_path;    /* "--dump": a file, "-" for standard output, or NULL */
    FILE *verbose;            /* if set, prints which font serves each role */
    const char *data_dir;     /* holds layouts/ and fonts/; NULL: pb_data_dir() */
    const char *previous_path;/* last year's report, for rules across years; or NULL */
    bool force;               /* write the PDF even when a rule does not hold */
} pb_render_options;

/* An engine renders many reports, from any number of threads at once.  It
 * keeps what documents share: each layout is read once, and each set of
 * fonts (per layout and report folder) is loaded once; both are read-only
 * after loading. */
typedef struct pb_engine pb_engine;

typedef struct pb_engine_options {
    const char *data_dir;     /* NULL: pb_data_dir() */
    const char **font_dirs;   /* extra font folders (--font-dir), borrowed */
    int nfont_dirs;
    FILE *verbose;            /* if set: which font serves each role, per font set */
} pb_engine_options;

typedef struct pb_job {
    const char *report_path;  /* the report file, or its name in messages when
                                 report_bytes is set */
    const char *report_bytes; /* the report held in memory, or NULL */
    size_t report_len;
    const char *layout_ref;   /* NULL: the report's, else the default */
    const char *out_path;     /* PDF; NULL: no PDF */
    unsigned char **pdf;      /* the PDF in memory (malloc'ed), or NULL */
    size_t *pdf_len;
    const char *dump_path;    /* or NULL */
    const char *previous_path;/* last year's report: rules that name "prev." are
                                 checked too; NULL: they are skipped */
    bool force;               /* write even when a rule does not hold (its
                                 messages become warnings) */
} pb_job;

pb_engine *pb_engine_new(const pb_engine_options *opt);
void pb_engine_free(pb_engine *e);

/* Renders one report; thread-safe.  Messages go to diag (one per thread).
 * The rules of the layout are checked first: a violation, or a reference
 * in the text to a blank cell, stops the run with PB_ERR_CHECK unless
 * job->force; blank cells that rules need are warnings. */
pb_status pb_engine_render(pb_engine *e, const pb_job *job, pb_diag *diag);

typedef enum pb_check_format { PB_CHECK_TEXT = 0, PB_CHECK_JSON } pb_check_format;

/* Checks the numbers of job->report_path (and job->previous_path) against
 * the rules of its layout and writes the findings to out.  Returns PB_OK
 * when no rule is violated (and, when strict, no value is missing),
 * PB_ERR_CHECK when one is, or the status of bad input (messages in diag;
 * then nothing is written to out).  Thread-safe. */
pb_status pb_engine_check(pb_engine *e, const pb_job *job, pb_check_format format,
                          bool strict, FILE *out, pb_diag *diag);

/* Renders report data held in memory (named `name` in messages) to a PDF
 * in memory (*pdf, malloc'ed; NULL on failure).  Writes no file. */
pb_status pb_engine_render_bytes(pb_engine *e, const char *name, const char *bytes,
                                 size_t len, const char *layout_ref, unsigned char **pdf,
                                 size_t *pdf_len, pb_diag *diag);

/* PAIBAN_DATA_DIR from the environment, else the folder paiban was built from. */
const char *pb_data_dir(void);

/* Renders one report.  All messages go to diag; returns the exit status. */
pb_status pb_render(const pb_render_options *opt, pb_diag *diag);

/* Creation time for the PDF: SOURCE_DATE_EPOCH if set, else the report's
 * meta.date (midnight UTC), else -1 (no date: output never depends on the
 * clock). */
long long pb_creation_time(const char *meta_date);

#endif
