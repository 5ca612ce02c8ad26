#include "base/flate.h"

#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <zlib.h>

#include "base/arena.h"
#include "base/call.h"

/* libdeflate or zlib could not allocate: inside a call this is the call's
 * out-of-memory jump, as for paiban's own allocations (base/call.h). */
static void library_out_of_memory(void)
{
    if (pb_oom_armed())
        pb_oom_rethrow();
}

/* libdeflate compresses a whole buffer at once, faster than zlib and a
 * little smaller at the same level (fonts: half the time).  Its
 * compressor keeps nothing from one buffer to the next. */
struct pb_deflater {
    struct libdeflate_compressor *c;
};

pb_deflater *pb_deflater_new(int level)
{
    struct libdeflate_compressor *c =
        libdeflate_alloc_compressor(level < 1 ? 1 : level > 12 ? 12 : level);
    if (!c) {
        library_out_of_memory();
        return NULL;
    }
    pb_deflater *d = malloc(sizeof *d);
    if (!d) {
        libdeflate_free_compressor(c);
        library_out_of_memory();
        return NULL;
    }
    d->c = c;
    return d;
}

bool pb_deflater_run(pb_deflater *d, const void *data, size_t len, unsigned char **out,
                     size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    size_t bound = libdeflate_zlib_compress_bound(d->c, len);
    unsigned char *z = pb_xmalloc(bound ? bound : 1);
    size_t zlen = libdeflate_zlib_compress(d->c, data, len, z, bound);
    if (zlen == 0) {
        free(z);
        return false;
    }
    *out = z;
    *out_len = zlen;
    return true;
}

void pb_deflater_free(pb_deflater *d)
{
    if (!d)
        return;
    libdeflate_free_compressor(d->c);
    free(d);
}

bool pb_deflate(const void *data, size_t len, int level, unsigned char **out,
                size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    pb_deflater *d = pb_deflater_new(level);
    if (!d)
        return false;
    /* the compressor is given back however the run ends */
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        pb_deflater_free(d);
        pb_oom_rethrow();
    }
    bool ok = pb_deflater_run(d, data, len, out, out_len);
    pb_oom_leave(&scope);
    pb_deflater_free(d);
    return ok;
}

pb_inflate_result pb_inflate(const void *data, size_t len, size_t max_out,
                             unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int init = inflateInit(&zs);
    if (init == Z_MEM_ERROR)
        library_out_of_memory();
    if (init != Z_OK)
        return PB_INFLATE_CORRUPT;
    size_t cap = len < 4096 ? 4096 : len * 4;
    if (cap > max_out + 1)
        cap = max_out + 1;
    unsigned char *buf = pb_xmalloc(cap + 1);
    size_t have = 0;
    const unsigned char *in = data;
    size_t in_left = len;
    pb_inflate_result res = PB_INFLATE_CORRUPT;
    for (;;) {
        /* zlib counts in uInt: feed and drain in pieces */
        uInt in_chunk = in_left > 1u << 30 ? 1u << 30 : (uInt)in_left;
        zs.next_in = (Bytef *)in;
        zs.avail_in = in_chunk;
        size_t room = cap - have;
        uInt out_chunk = room > 1u << 30 ? 1u << 30 : (uInt)room;
        zs.next_out = buf + have;
        zs.avail_out = out_chunk;
        int r = inflate(&zs, Z_NO_FLUSH);
        size_t used = in_chunk - zs.avail_in, made = out_chunk - zs.avail_out;
        in += used;
        in_left -= used;
        have += made;
        if (have > max_out) {
            res = PB_INFLATE_TOO_BIG;
            break;
        }
        if (r == Z_STREAM_END) {
            res = PB_INFLATE_OK;
            break;
        }
        if (r == Z_MEM_ERROR) {
            inflateEnd(&zs);
            free(buf);
            library_out_of_memory();
        }
        if (r != Z_OK && r != Z_BUF_ERROR)
            break;
        if (have == cap) {
            if (cap > max_out) {
                res = PB_INFLATE_TOO_BIG;
                break;
            }
            cap = cap * 2 > max_out + 1 ? max_out + 1 : cap * 2;
            buf = pb_xrealloc(buf, cap + 1);
            continue;
        }
        if (made == 0 && used == 0)
            break; /* input ended before the stream did */
    }
    inflateEnd(&zs);
    if (res != PB_INFLATE_OK) {
        free(buf);
        return res;
    }
    buf[have] = 0;
    *out = buf;
    *out_len = have;
    return PB_INFLATE_OK;
}
