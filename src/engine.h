/* The engine inside the library: one document's pipeline (input -> check
 * -> fonts -> flow -> paginate -> pdf, plus the dump) and what documents
 * share.  include/paiban.h is its public face; the programs and tests in
 * this tree that link the library's objects directly (unit tests, fuzz
 * targets) may also call these, with a pb_diag of their own. */
#ifndef PB_ENGINE_H
#define PB_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "paiban.h"

/* One document and what to make of it.  Every pointer is borrowed. */
typedef struct pb_job {
    const char *report_path;    /* the report file, or its name in messages
                                   when report_bytes is set */
    const char *report_bytes;   /* the report held in memory, or NULL */
    size_t report_len;
    const char *layout_ref;     /* layout name or path (or the name of
                                   layout_bytes); NULL: the report's, else
                                   the default */
    const char *layout_bytes;   /* the layout held in memory, or NULL */
    size_t layout_len;
    const char *previous_path;  /* last year's report: rules that name
                                   "prev." are checked too; NULL: skipped */
    const char *previous_bytes; /* last year's report in memory, or NULL */
    size_t previous_len;
    bool force;                 /* write even when a rule does not hold (its
                                   messages become warnings) */
    pb_pdf_kind pdf_kind;       /* archival (default from the layout) or plain */
    const char *seal_path;      /* the seal image for every signature block
                                   (or the name of seal_bytes); NULL: each
                                   block's own "seal" */
    const char *seal_bytes;     /* the seal image held in memory, or NULL */
    size_t seal_len;
    const pb_signer *signer;    /* sign the PDF as the last step, or NULL */
    const char *out_path;       /* the PDF file; NULL: none */
    const char *dump_path;      /* the dump file; NULL: none */
    unsigned char **pdf;        /* the PDF in memory (malloc'ed), or NULL */
    size_t *pdf_len;
    char **dump;                /* the dump in memory (malloc'ed), or NULL */
    size_t *dump_len;
} pb_job;

/* Renders one document; thread-safe.  Messages go to diag.  The rules of
 * the layout are checked first: a violation, or a reference in the text
 * to a blank cell, stops the run with PB_ERR_CHECK unless job->force;
 * blank cells that rules need are warnings.  Runs inside a call context
 * (base/call.h) of its own, so running out of memory gives PB_ERR_MEMORY. */
pb_status pb_engine_render(pb_engine *e, const pb_job *job, pb_diag *diag);

/* Checks the numbers of the job's report (and previous report) against
 * the rules of its layout; the findings go to *out (malloc'ed, NUL-
 * terminated; NULL after bad input).  PB_OK, PB_ERR_CHECK, or the status
 * of bad input. */
pb_status pb_engine_check(pb_engine *e, const pb_job *job, pb_check_format format,
                          bool strict, char **out, size_t *out_len, pb_diag *diag);

/* paiban sum: the member reports (files) summed table by table into a
 * summary report, written as report data to *out (malloc'ed, NUL-
 * terminated; out may be NULL) and to out_path when set (written whole or
 * not at all).  Every pointer is borrowed. */
typedef struct pb_sum_job {
    const char *const *members;
    int nmembers;
    const char *layout_ref;     /* NULL: the one layout the members name */
    const char *base_path;      /* the summary's meta and text, or NULL */
    const char *out_path;       /* or NULL */
} pb_sum_job;

pb_status pb_engine_sum(pb_engine *e, const pb_sum_job *job, char **out, size_t *out_len,
                        pb_diag *diag);

/* How many font sets the engine has loaded (for tests). */
int pb_engine_font_sets(pb_engine *e);

/* The engine's data folder. */
const char *pb_engine_data_dir(const pb_engine *e);

/* The creation time the options gave, or PB_TIME_NONE. */
long long pb_engine_creation_time(const pb_engine *e);

/* Signs pdf (named `name` in messages) with signer inside the current call
 * (src/paiban_sign.c): the signer's files are read, the signing time is
 * the signer's, else doc_time (the document's date, -1: none), else the
 * signer's fallback time.  *out is malloc'ed. */
bool pb_engine_sign(pb_engine *e, const pb_signer *signer, const char *name,
                    const unsigned char *pdf, size_t len, long long doc_time, pb_arena *arena,
                    unsigned char **out, size_t *out_len, pb_diag *diag);

/* A copy of a signer (for a request), NULL when out of memory. */
pb_signer *pb_signer_copy(const pb_signer *signer);

/* A layout named on the command line (a name, or a path from the current
 * folder) with its compiled rules, read once by the engine and shared
 * read-only, as render reads it (for src/import); NULL after errors. */
typedef struct pb_layout pb_layout;
typedef struct pb_ruleset pb_ruleset;
const pb_layout *pb_engine_layout(pb_engine *e, const char *ref, const pb_ruleset **rules,
                                  pb_diag *diag);

/* Runs fn(arg, arena, diag) as one call of the engine, for the commands
 * whose stages live outside this file (src/import): a call context with
 * the engine's limits (input_bytes replaced by `input_bytes` when it is
 * not 0), an arena freed afterwards, and running out of memory ending the
 * call with PB_ERR_MEMORY.  Returns the status of diag. */
pb_status pb_engine_run(pb_engine *e, size_t input_bytes,
                        void (*fn)(void *arg, pb_arena *arena, pb_diag *diag), void *arg,
                        pb_diag *diag);

/* Hands diag's messages to the engine's message callback (with the
 * options' user) and frees them. */
void pb_engine_deliver(const pb_engine *e, pb_diag *diag);

#endif
