/* Diagnostics: every problem paiban reports is one message that names the
 * file and the JSON path it concerns ("report.json: body[3].text: ...").
 * Stages add messages and carry on where they can, so one run reports all
 * problems of an input; the first error decides the exit status. */
#ifndef PB_DIAG_H
#define PB_DIAG_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses of the program, documented in README.md. */
typedef enum pb_status {
    PB_OK = 0,
    PB_ERR_INTERNAL = 1, /* a bug or a library failure paiban cannot explain */
    PB_ERR_USAGE = 2,    /* wrong command line */
    PB_ERR_INPUT = 3,    /* the report data is invalid */
    PB_ERR_LAYOUT = 4,   /* the layout is invalid, or a font is missing/broken */
    PB_ERR_IO = 5,       /* a file could not be read or written */
    PB_ERR_CHECK = 6,    /* the numbers do not add up (a rule of the layout) */
    PB_ERR_MEMORY = 7,   /* out of memory */
} pb_status;

typedef enum pb_severity { PB_WARNING, PB_ERROR } pb_severity;

typedef struct pb_message {
    pb_severity severity;
    pb_status status; /* the class of an error; PB_OK for warnings */
    char *text;       /* owned: "file: path: what" */
} pb_message;

typedef struct pb_diag {
    pb_message *messages; /* owned */
    int count, cap;
    int errors;
    pb_status status;     /* class of the first error; PB_OK if none */
    FILE *echo;           /* borrowed: if set, messages are printed as added */
    int limit;            /* stop storing after this many errors (0: 100) */
} pb_diag;

void pb_diag_init(pb_diag *d);
void pb_diag_free(pb_diag *d);

/* file and path may be NULL or "" and are then left out of the message. */
void pb_diag_error(pb_diag *d, pb_status status, const char *file,
                   const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void pb_diag_warning(pb_diag *d, const char *file, const char *path,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

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

/* Writes every message, one a line, "paiban: error: ..." / "paiban: warning: ...". */
void pb_diag_print(const pb_diag *d, FILE *f);

#endif
