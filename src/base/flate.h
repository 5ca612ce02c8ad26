/* Deflate and inflate (zlib format, the PDF FlateDecode filter).  The only
 * user of libdeflate and zlib: the PDF writer compresses with libdeflate,
 * the PDF reader decompresses untrusted data with zlib (streamed, with a
 * bound on the output). */
#ifndef PB_FLATE_H
#define PB_FLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Compresses len bytes at level 1 (fastest) to 12 (smallest; libdeflate's
 * levels, 1-9 as zlib's) into a malloc'ed buffer.  The compressor failing
 * for want of memory is, inside a call, the call's out-of-memory jump
 * (base/call.h); outside one, false. */
bool pb_deflate(const void *data, size_t len, int level, unsigned char **out,
                size_t *out_len);

/* A compressor kept for many buffers at one level (a document's page
 * contents): its tables are allocated once, and each buffer compresses to
 * the same bytes pb_deflate gives.  NULL for want of memory (inside a
 * call, the call's out-of-memory jump). */
typedef struct pb_deflater pb_deflater;
pb_deflater *pb_deflater_new(int level);
bool pb_deflater_run(pb_deflater *d, const void *data, size_t len, unsigned char **out,
                     size_t *out_len);
void pb_deflater_free(pb_deflater *d);

typedef enum pb_inflate_result {
    PB_INFLATE_OK = 0,
    PB_INFLATE_TOO_BIG,   /* the output would exceed max_out */
    PB_INFLATE_CORRUPT,   /* not zlib data, or cut short */
} pb_inflate_result;

/* Decompresses zlib data into a malloc'ed, NUL-terminated buffer of at
 * most max_out bytes (*out is NULL unless the result is PB_INFLATE_OK).
 * Data after the end of the zlib stream is ignored. */
pb_inflate_result pb_inflate(const void *data, size_t len, size_t max_out,
                             unsigned char **out, size_t *out_len);

#endif
