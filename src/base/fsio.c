#include "base/fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"

bool pb_read_file(const char *path, size_t max_bytes, pb_status too_big_status,
                  char **data, size_t *len, pb_diag *diag)
{
    *data = NULL;
    *len = 0;
    /* Non-blocking: a path in the data may name a FIFO without a writer or
     * a terminal, and reading it must not wait forever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s",
                      S_ISDIR(st.st_mode) ? "is a folder" : strerror(errno));
        close(fd);
        return false;
    }
    /* A pipe (`paiban render /dev/stdin < …`) is read to its end; a FIFO
     * nobody writes to reads as empty. */
    if (S_ISFIFO(st.st_mode))
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
    if (cap > max_bytes + 1)
        cap = max_bytes + 1;
    char *buf = pb_xmalloc(cap + 1);
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes)
                break;
            cap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
            buf = pb_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot read: %s", strerror(errno));
            free(buf);
            close(fd);
            return false;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max_bytes) {
        pb_diag_error(diag, too_big_status, path, NULL,
                      "file is larger than the limit of %zu bytes", max_bytes);
        free(buf);
        return false;
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
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

/* The umask can only be read by setting it, which races with threads that
 * create files; read it once, before main runs. */
static mode_t process_umask = 022;

__attribute__((constructor)) static void read_umask(void)
{
    process_umask = umask(0);
    umask(process_umask);
}

bool pb_write_file_atomic(const char *path, const void *data, size_t len, pb_diag *diag)
{
    if (strcmp(path, "-") == 0) {
        if (!write_all(STDOUT_FILENO, data, len)) {
            pb_diag_error(diag, PB_ERR_IO, "standard output", NULL, "cannot write: %s",
                          strerror(errno));
            return false;
        }
        return true;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device such as /dev/full or /dev/stdout: write it directly,
         * there is no file to replace. */
        int fd = open(path, O_WRONLY);
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
    char *dir = pb_dirname(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(dir) + strlen(base) + 16;
    char *tmp = pb_xmalloc(n);
    snprintf(tmp, n, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(tmp);
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
        /* Keep the usual permissions of a new file (mkstemp makes 0600). */
        chmod(tmp, 0666 & ~process_umask);
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
