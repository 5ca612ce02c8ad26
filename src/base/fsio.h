/* File input and output with the guarantees README promises: reads are
 * bounded; writes go to a temporary file in the destination folder that is
 * renamed over the target only when complete, so a failed run never leaves
 * a partial file and never damages an existing one. */
#ifndef PB_FSIO_H
#define PB_FSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/limits.h" /* PB_MAX_INPUT_BYTES: largest input file */

/* Reads a whole file into a malloc'ed, NUL-terminated buffer.  Errors
 * (class PB_ERR_IO, or `too_big_status` when over max_bytes or the call's
 * limit, whichever is lower) name the file. */
bool pb_read_file(const char *path, size_t max_bytes, pb_status too_big_status,
                  char **data, size_t *len, pb_diag *diag);

/* Writes data to path atomically: a temporary file beside it, renamed over
 * it when complete (a device such as /dev/stdout is written directly). */
bool pb_write_file_atomic(const char *path, const void *data, size_t len, pb_diag *diag);

/* The folder part of a path ("." when there is none); malloc'ed. */
char *pb_dirname(const char *path);

#endif
