/* Diagnostics: every problem paiban reports is one message that names the
 * file and the JSON path it concerns ("report.json: body[3].text: ...").
 * Stages add messages and carry on where they can, so one run reports all
 * problems of an input; the first error decides the status.  A call of the
 * public API collects its messages here and hands them to the host's
 * callback when its work is done (pb_diag_deliver). */
#ifndef PB_DIAG_H
#define PB_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "paiban.h" /* pb_status, pb_severity, pb_message */

typedef struct pb_diag_message {
    pb_severity severity;
    pb_status status; /* the class of an error; PB_OK otherwise */
    char *text;       /* owned: "file: path: what", the whole line */
    char *file;       /* owned, may be NULL: the parts of text */
    char *path;       /* owned, may be NULL */
    char *what;       /* owned */
} pb_diag_message;

typedef struct pb_diag {
    pb_diag_message *messages; /* owned */
    int count, cap;
    int errors;
    pb_status status;     /* class of the first error; PB_OK if none */
    int limit;            /* stop storing after this many errors (0: 100) */
    bool out_of_memory;   /* memory ran out: the status is PB_ERR_MEMORY */
    uint64_t *warned;     /* owned: hashes of the warnings given (open
                             addressing, 0 = free), so each is given once */
    size_t nwarned, capwarned;
} pb_diag;

void pb_diag_init(pb_diag *d);
void pb_diag_free(pb_diag *d);

/* file and path may be NULL or "" and are then left out of the message. */
void pb_diag_error(pb_diag *d, pb_status status, const char *file,
                   const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A warning identical to one already given (a text set twice, to measure
 * it and to place it) is not repeated. */
void pb_diag_warning(pb_diag *d, const char *file, const char *path,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* What paiban chose (--verbose), no file or path. */
void pb_diag_info(pb_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Memory ran out: marks the run failed with PB_ERR_MEMORY without
 * allocating anything; the message comes from pb_diag_deliver. */
void pb_diag_out_of_memory(pb_diag *d);

static inline bool pb_diag_failed(const pb_diag *d)
{
    return d->errors > 0;
}

/* True once further errors are only counted, not stored: work that only
 * improves a message (suggestions) can be skipped. */
static inline bool pb_diag_full(const pb_diag *d)
{
    return d->errors >= (d->limit > 0 ? d->limit : 100);
}

/* Hands every message to fn in order, then "N more errors not shown" and
 * "out of memory" when they apply.  fn may be NULL. */
void pb_diag_deliver(const pb_diag *d, pb_message_fn fn, void *user);

/* Writes every message, one a line, "paiban: error: ..." / "paiban: warning: ..."
 * (information lines as they are). */
void pb_diag_print(const pb_diag *d, FILE *f);

#endif
