/* File input and output with the guarantees README promises: reads are
 * bounded; writes go to a temporary file in the destination folder that
 * becomes the target only when complete, so a failed or killed run never
 * leaves a partial file and never damages an existing one. */
#ifndef PB_FSIO_H
#define PB_FSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/limits.h" /* PB_MAX_INPUT_BYTES: largest input file */

/* Reads a whole file into a malloc'ed, NUL-terminated buffer.  Errors
 * (class PB_ERR_IO, or `too_big_status` when over max_bytes or the call's
 * limit, whichever is lower) name the file. */
bool pb_read_file(const char *path, size_t max_bytes, pb_status too_big_status,
                  char **data, size_t *len, pb_diag *diag);

/* Writes data to path atomically, or not at all:
 * - a new file is written unnamed (O_TMPFILE) in path's folder and linked
 *   as path when complete, with the mode the umask gives;
 * - an existing regular file is replaced by a rename in its folder and
 *   keeps its mode (and its owner and group where allowed);
 * - a symbolic link is followed to its target, which is replaced in the
 *   target's folder (the link stays); a link to nothing is refused;
 * - a device, FIFO or socket, and an open descriptor (/dev/stdout,
 *   /dev/fd/N, /proc/self/fd/N), are written directly.
 * Where O_TMPFILE is not supported the temporary file is named
 * .paiban-tmp.NAME.XXXXXX and locked while written; the next write of the
 * same output removes such files whose writer is gone. */
bool pb_write_file_atomic(const char *path, const void *data, size_t len, pb_diag *diag);

/* The same; anonymous false skips O_TMPFILE (the tests of the named way). */
bool pb_write_file_how(const char *path, const void *data, size_t len, bool anonymous,
                       pb_diag *diag);

/* The folder part of a path ("." when there is none); malloc'ed. */
char *pb_dirname(const char *path);
/* The same in an arena (nothing malloc'ed to strand when memory runs out). */
char *pb_arena_dirname(pb_arena *a, const char *path);

#endif
