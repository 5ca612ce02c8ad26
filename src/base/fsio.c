/* O_TMPFILE, flock and linkat's AT_EMPTY_PATH are Linux's (GNU) names. */
#define _GNU_SOURCE
#include "base/fsio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>
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

char *pb_arena_dirname(pb_arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return pb_arena_strdup(a, ".");
    if (slash == path)
        return pb_arena_strdup(a, "/");
    return pb_arena_strndup(a, path, (size_t)(slash - path));
}

/* ---- writing ---------------------------------------------------------
 *
 * Nothing here allocates: paths live in PATH_MAX buffers on the stack, so
 * an out-of-memory jump can never strand a descriptor or a temporary
 * file, and a path too long for them is ENAMETOOLONG like anywhere else. */

/* Splits path into its folder and its last name (both into PATH_MAX
 * buffers); false when it does not fit. */
static bool split_path(const char *path, char *dir, char *base)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    int n = !slash ? snprintf(dir, PATH_MAX, ".")
            : slash == path ? snprintf(dir, PATH_MAX, "/")
                            : snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
    return n < PATH_MAX && snprintf(base, PATH_MAX, "%s", name) < PATH_MAX;
}

/* What an output path names, symbolic links followed. */
typedef enum out_kind {
    OUT_NEW,    /* nothing yet: a file is created */
    OUT_FILE,   /* a regular file: replaced, keeping its mode */
    OUT_DIRECT, /* a device, FIFO or socket, or an open descriptor
                 * (/dev/stdout, /dev/fd/N, /proc/self/fd/N): written as it is */
} out_kind;

typedef struct out_target {
    out_kind kind;
    char path[PATH_MAX]; /* the name created, replaced or opened */
    bool via_link;       /* reached through a symbolic link */
    bool dangling;       /* a link to a name that does not exist */
    bool planted;        /* a link someone else left in a shared folder */
    struct stat st;      /* OUT_FILE: the file being replaced */
} out_target;

/* The symbolic links of a process's descriptors (/proc/PID/fd/N, which
 * /dev/stdout and /dev/fd/N lead to) live on procfs; what they point at is
 * an open file, pipe or terminal, not a name to replace. */
static bool on_procfs(const char *path)
{
    char dir[PATH_MAX], base[PATH_MAX];
    struct statfs fs;
    return split_path(path, dir, base) && statfs(dir, &fs) == 0 &&
           fs.f_type == 0x9fa0 /* PROC_SUPER_MAGIC */;
}

/* A link in a shared folder (sticky and writable by all, like /tmp) that
 * belongs neither to this user nor to the folder's owner: someone else
 * put it there, and following it would write where they chose.  The
 * kernel's fs.protected_symlinks rule, applied whatever the sysctl says
 * (paiban follows links itself, one hop at a time). */
static bool planted(const char *link, const struct stat *st)
{
    char dir[PATH_MAX], base[PATH_MAX];
    struct stat d;
    if (!split_path(link, dir, base) || stat(dir, &d) != 0)
        return false;
    return (d.st_mode & S_ISVTX) && (d.st_mode & S_IWOTH) && st->st_uid != geteuid() &&
           st->st_uid != d.st_uid;
}

/* Follows path's symbolic links one at a time to what they name.  A link
 * to a file that does not exist is refused (ENOENT with t->dangling set)
 * rather than followed into creating it, as cp does: a link planted in a
 * shared folder must not decide where paiban creates files.  Returns 0 or
 * an errno. */
static int resolve(const char *path, out_target *t)
{
    char link[PATH_MAX], next[PATH_MAX];
    memset(t, 0, sizeof *t);
    if (snprintf(t->path, PATH_MAX, "%s", path) >= PATH_MAX)
        return ENAMETOOLONG;
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(t->path, &st) != 0) {
            if (errno == ENOENT && hops == 0) {
                t->kind = OUT_NEW;
                return 0;
            }
            t->dangling = errno == ENOENT;
            return errno;
        }
        if (!S_ISLNK(st.st_mode)) {
            if (S_ISDIR(st.st_mode))
                return EISDIR;
            t->kind = S_ISREG(st.st_mode) ? OUT_FILE : OUT_DIRECT;
            t->st = st;
            return 0;
        }
        t->via_link = true;
        if (planted(t->path, &st)) {
            t->planted = true;
            return EACCES;
        }
        if (on_procfs(t->path)) {
            t->kind = OUT_DIRECT;
            return 0;
        }
        if (hops == 40) /* the kernel's own limit */
            return ELOOP;
        ssize_t n = readlink(t->path, link, sizeof link - 1);
        if (n < 0)
            return errno;
        if ((size_t)n == sizeof link - 1)
            return ENAMETOOLONG;
        link[n] = 0;
        /* a relative target is relative to the link's folder */
        char dir[PATH_MAX], base[PATH_MAX];
        if (link[0] == '/' || !strchr(t->path, '/'))
            n = snprintf(next, PATH_MAX, "%s", link);
        else if (split_path(t->path, dir, base))
            n = snprintf(next, PATH_MAX, "%s/%s", dir, link);
        else
            return ENAMETOOLONG;
        if (n >= PATH_MAX)
            return ENAMETOOLONG;
        memcpy(t->path, next, (size_t)n + 1);
    }
}

/* A device, a FIFO or a descriptor: written directly, there is no file
 * to replace.  A regular file reached through a descriptor link
 * (`-o /dev/fd/3 3> x.pdf`) is written from its start, as the shell's
 * `>` would. */
static int write_direct(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0 || (S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0) ||
        !write_all(fd, data, len))
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

/* Temporary files are named TEMP_PREFIX + the output's name (its first
 * TEMP_STEM_MAX bytes) + "." + 6 random letters: hidden, never ending in
 * the output's extension, and each tied to one output.  The writer holds
 * an flock on it until it has become the output, so a temporary file
 * nobody holds is a killed run's leftover, which the next write of the
 * same output removes. */
#define TEMP_PREFIX ".paiban-tmp."
#define TEMP_STEM_MAX 200
#define TEMP_RANDOM 6

/* False when the name would not fit in PATH_MAX bytes. */
static bool temp_name(char *out, const char *dir, const char *stem, unsigned attempt)
{
    static const char letters[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[TEMP_RANDOM];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        /* no entropy yet (early boot): the address and the attempt */
        uintptr_t x = (uintptr_t)out ^ (uintptr_t)attempt * 0x9E3779B97F4A7C15u;
        for (int i = 0; i < TEMP_RANDOM; i++, x >>= 8)
            r[i] = (unsigned char)x;
    }
    char suffix[TEMP_RANDOM + 1];
    for (int i = 0; i < TEMP_RANDOM; i++)
        suffix[i] = letters[r[i] % (sizeof letters - 1)];
    suffix[TEMP_RANDOM] = 0;
    int n = snprintf(out, PATH_MAX, "%s/" TEMP_PREFIX "%.*s.%s", dir, TEMP_STEM_MAX, stem,
                     suffix);
    return n > 0 && n < PATH_MAX;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Removes the temporary files of this output that no writer holds any
 * more (a run killed before it finished).  Best effort: what cannot be
 * opened or locked is left alone. */
static void sweep_leftovers(const char *dir, const char *stem)
{
    char prefix[TEMP_STEM_MAX + 32];
    int plen = snprintf(prefix, sizeof prefix, TEMP_PREFIX "%.*s.", TEMP_STEM_MAX, stem);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)plen) != 0 ||
            strlen(e->d_name) != (size_t)plen + TEMP_RANDOM)
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat held, named;
        /* locked: its writer is gone; still the same file under that
         * name: not already renamed into place by a writer just done */
        if (fstat(fd, &held) == 0 && S_ISREG(held.st_mode) &&
            flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            fstatat(dfd, e->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 && same_file(&held, &named))
            unlinkat(dfd, e->d_name, 0);
        close(fd);
    }
    closedir(d);
}

/* A new named temporary file in dir, locked; its name in tmp.  The file
 * is created with mode 0666 so the umask applies as for any new file.
 * Returns the descriptor or -1 with errno. */
static int create_named_temporary(const char *dir, const char *stem, char *tmp)
{
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        if (!temp_name(tmp, dir, stem, attempt)) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            return -1;
        }
        /* between the creation and the lock another run's sweep may have
         * taken it for a leftover: then it is not ours any more (a file
         * system without locks: no sweep can take it either) */
        struct stat held, named;
        bool locked = flock(fd, LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK;
        if (locked && fstat(fd, &held) == 0 && stat(tmp, &named) == 0 &&
            same_file(&held, &named))
            return fd;
        close(fd);
    }
    errno = EEXIST;
    return -1;
}

/* Gives an anonymous (O_TMPFILE) file a name; 0 or an errno. */
static int link_anonymous(int fd, const char *name)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    int err = errno;
    /* without /proc: AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH */
    if (err == ENOENT && linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0)
        return 0;
    return err;
}

/* The anonymous way: an O_TMPFILE file that gets a name only when it is
 * complete, so a run killed before that leaves nothing.  A new output is
 * linked in place; an existing one is replaced by a rename from a
 * temporary name that exists only for that moment.  Returns 0, an errno,
 * or -1 when the file system (or a missing /proc) does not allow it. */
static int replace_anonymous(const out_target *t, const char *dir, const char *stem,
                             const void *data, size_t len)
{
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0)
        return errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ? -1 : errno;
    /* locked before it has a name, so no sweep ever takes it */
    (void)flock(fd, LOCK_EX);
    int err = 0;
    if (!write_all(fd, data, len))
        err = errno;
    if (!err && t->kind == OUT_FILE) {
        /* the file replaced keeps its owner (where allowed) and mode */
        if (t->st.st_uid != geteuid() || t->st.st_gid != getegid())
            (void)!fchown(fd, t->st.st_uid, t->st.st_gid);
        if (fchmod(fd, t->st.st_mode & 07777) != 0)
            err = errno;
    }
    char tmp[PATH_MAX] = "";
    if (!err && t->kind == OUT_NEW)
        err = link_anonymous(fd, t->path);
    if ((!err && t->kind == OUT_FILE) || err == EEXIST) {
        /* replacing, or the output appeared meanwhile */
        err = EEXIST;
        for (unsigned attempt = 0; attempt < 100 && err == EEXIST; attempt++) {
            err = temp_name(tmp, dir, stem, attempt) ? link_anonymous(fd, tmp) : ENAMETOOLONG;
        }
        if (!err && rename(tmp, t->path) != 0) {
            err = errno;
            unlink(tmp);
        }
    }
    if (close(fd) != 0 && !err)
        err = errno;
    /* no /proc and no privilege to link without it: the named way */
    return err == ENOENT && access("/proc/self/fd", F_OK) != 0 ? -1 : err;
}

/* The named way, for file systems without O_TMPFILE: a locked temporary
 * file renamed over the output when complete.  0 or an errno. */
static int replace_named(const out_target *t, const char *dir, const char *stem,
                         const void *data, size_t len)
{
    char tmp[PATH_MAX];
    int fd = create_named_temporary(dir, stem, tmp);
    if (fd < 0)
        return errno;
    int err = 0;
    if (!write_all(fd, data, len))
        err = errno;
    if (!err && t->kind == OUT_FILE) {
        if (t->st.st_uid != geteuid() || t->st.st_gid != getegid())
            (void)!fchown(fd, t->st.st_uid, t->st.st_gid);
        if (fchmod(fd, t->st.st_mode & 07777) != 0)
            err = errno;
    }
    if (!err && rename(tmp, t->path) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    /* the lock goes with the descriptor, after the rename */
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

static int replace_file(const out_target *t, const void *data, size_t len, bool anonymous)
{
    char dir[PATH_MAX], stem[PATH_MAX];
    if (!split_path(t->path, dir, stem))
        return ENAMETOOLONG;
    sweep_leftovers(dir, stem);
    /* No fsync: the rename makes a run's result all or nothing for every
     * reader, and syncing each file would make a batch of hundreds wait on
     * the disk (ext4 and XFS flush a file replaced by rename on their own). */
    int err = anonymous ? replace_anonymous(t, dir, stem, data, len) : -1;
    return err == -1 ? replace_named(t, dir, stem, data, len) : err;
}

bool pb_write_file_how(const char *path, const void *data, size_t len, bool anonymous,
                       pb_diag *diag)
{
    out_target t;
    int err = resolve(path, &t);
    if (t.dangling) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL,
                      "cannot write: it is a symbolic link to %s, which does not exist", t.path);
        return false;
    }
    if (t.planted) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL,
                      "cannot write: it is a symbolic link that another user left in a "
                      "shared folder (%s)", t.path);
        return false;
    }
    if (err) {
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write: %s",
                      err == EISDIR ? "it is a folder" : strerror(err));
        return false;
    }
    /* a device or descriptor is opened by the name given: the kernel
     * follows the links (and /proc/self/fd/N leads to the open file) */
    err = t.kind == OUT_DIRECT ? write_direct(path, data, len)
                               : replace_file(&t, data, len, anonymous);
    if (!err)
        return true;
    if (t.via_link && t.kind != OUT_DIRECT)
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write its target %s: %s", t.path,
                      strerror(err));
    else
        pb_diag_error(diag, PB_ERR_IO, path, NULL, "cannot write: %s", strerror(err));
    return false;
}

bool pb_write_file_atomic(const char *path, const void *data, size_t len, pb_diag *diag)
{
    return pb_write_file_how(path, data, len, true, diag);
}
