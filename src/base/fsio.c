#include "base/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/call.h"

/* An open file being read; outlives an out-of-memory jump so the file
 * is closed and the buffer freed on the way out. */
typedef struct reading {
    int fd;
    char *buf;   /* owned */
    size_t n, cap, max;
    int err;     /* errno of a failed read, or 0 */
} reading;

static void read_all(reading *r)
{
    r->buf = pb_xmalloc(r->cap + 1);
    for (;;) {
        if (r->n == r->cap) {
            if (r->cap > r->max)
                break;
            size_t cap = r->cap * 2 > r->max + 1 ? r->max + 1 : r->cap * 2;
            r->buf = pb_xrealloc(r->buf, cap + 1);
            r->cap = cap;
        }
        ssize_t got = read(r->fd, r->buf + r->n, r->cap - r->n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            r->err = errno;
            return;
        }
        if (got == 0)
            break;
        r->n += (size_t)got;
    }
}

static void read_guarded(reading *r)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        close(r->fd);
        free(r->buf);
        pb_oom_rethrow();
    }
    read_all(r);
    pb_oom_leave(&scope);
}

bool pb_read_file(const char *path, size_t max_bytes, pb_status too_big_status,
                  char **data, size_t *len, pb_diag *diag)
{
    *data = NULL;
    *len = 0;
    if (max_bytes > pb_limit_input_bytes())
        max_bytes = pb_limit_input_bytes(); /* the host's limit (pb_options_set_limit) */
    /* Non-blocking: a path in the data may name a FIFO without a writer or
     * a terminal, and reading it must not wait forever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
        close(fd);
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s",
                      err == EISDIR ? "is a folder" : strerror(err));
        return false;
    }
    /* A pipe (`paiban render /dev/stdin < …`) is read to its end; a FIFO
     * nobody writes to reads as empty. */
    if (S_ISFIFO(st.st_mode))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    if (cap > max_bytes + 1)
        cap = max_bytes + 1;
    reading r = {fd, NULL, 0, cap, max_bytes, 0};
    read_guarded(&r);
    close(fd);
    if (r.err) {
        free(r.buf);
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s", strerror(r.err));
        return false;
    }
    if (r.n > max_bytes) {
        free(r.buf);
        pb_diag_error(diag, too_big_status, path, NULL,
                      "file is larger than the limit of %zu bytes", max_bytes);
        return false;
    }
    r.buf[r.n] = 0;
    *data = r.buf;
    *len = r.n;
    return true;
}

static bool write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return true;
}

char *pb_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pb_xstrdup(".");
    if (slash == path)
        return pb_xstrdup("/");
    size_t n = (size_t)(slash - path);
    char *d = pb_xmalloc(n + 1);
    memcpy(d, path, n);
    d[n] = 0;
    return d;
}

/* A new file beside path, named .BASE.XXXXXX, created with mode 0666 so
 * the process's umask applies as it does for any new file (mkstemp would
 * make it 0600, and reading the umask means changing it).  Returns the
 * descriptor and the name in *tmp (malloc'ed), or -1 with errno. */
static int create_temporary(const char *path, char **tmp)
{
    char *dir = pb_dirname(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(dir) + strlen(base) + 16;
    *tmp = pb_xmalloc(n);
    static const char letters[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            /* no entropy yet (early boot): the address and the attempt */
            uintptr_t x = (uintptr_t)tmp ^ (uintptr_t)attempt * 0x9E3779B97F4A7C15u;
            for (int i = 0; i < 6; i++, x >>= 8)
                r[i] = (unsigned char)x;
        }
        char suffix[7];
        for (int i = 0; i < 6; i++)
            suffix[i] = letters[r[i] % (sizeof letters - 1)];
        suffix[6] = 0;
        snprintf(*tmp, n, "%s/.%s.%s", dir, base, suffix);
        fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    free(dir);
    return fd;
}

bool pb_write_file_atomic(const char *path, const void *data, size_t len, pb_diag *diag)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device such as /dev/full or /dev/stdout: write it directly,
         * there is no file to replace. */
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = fd >= 0 && write_all(fd, data, len);
        int err = errno;
        if (fd >= 0 && close(fd) != 0 && ok) {
            ok = false;
            err = errno;
        }
        if (!ok)
            pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write: %s", strerror(err));
        return ok;
    }
    char *tmp;
    int fd = create_temporary(path, &tmp);
    if (fd < 0) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write: %s", strerror(errno));
        free(tmp);
        return false;
    }
    /* No fsync: the rename makes a run's result all or nothing for every
     * reader, and syncing each file would make a batch of hundreds wait on
     * the disk (ext4 and XFS flush a file replaced by rename on their own). */
    bool ok = write_all(fd, data, len);
    int err = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (ok) {
        if (rename(tmp, path) != 0) {
            ok = false;
            err = errno;
        }
    }
    if (!ok) {
        unlink(tmp);
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write: %s", strerror(err));
    }
    free(tmp);
    return ok;
}
