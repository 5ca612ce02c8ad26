/* Writing output files: new files get the umask's mode, existing ones keep
 * theirs, symbolic links are followed to an existing target (and refused
 * when it does not exist), devices, FIFOs and descriptors are written
 * directly, and a writer killed with SIGKILL in the middle of a write
 * leaves the earlier file intact and nothing that the next write of the
 * same output does not remove -- both with O_TMPFILE and the named way
 * used where the file system lacks it.
 * usage: test_fsio WORKDIR */
#define _GNU_SOURCE /* O_TMPFILE, inotify */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/fsio.h"
#include "../testutil.h"

static char work[4096];
static bool have_tmpfile; /* the work folder's file system has O_TMPFILE */

static char *at(const char *name)
{
    static char buf[4][4096 + 300];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", work, name);
    return b;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The file's content, at most 255 bytes ("" when it cannot be read). */
static const char *content(const char *path)
{
    static char buf[256];
    buf[0] = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        close(fd);
    }
    return buf;
}

static int mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* The names in the work folder other than those listed (NULL-ended), one
 * line each; "" when there are none. */
static const char *others(const char *const *keep)
{
    static char buf[4096];
    buf[0] = 0;
    DIR *d = opendir(work);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        bool kept = false;
        for (int i = 0; keep[i] && !kept; i++)
            kept = !strcmp(keep[i], e->d_name);
        if (!kept && strlen(buf) + strlen(e->d_name) + 2 < sizeof buf) {
            strcat(buf, e->d_name);
            strcat(buf, "\n");
        }
    }
    if (d)
        closedir(d);
    return buf;
}

static void clean(void)
{
    DIR *d = opendir(work);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(at(e->d_name));
    if (d)
        closedir(d);
}

static bool write_text(const char *path, const char *text, bool anonymous, pb_diag *d)
{
    return pb_write_file_how(path, text, strlen(text), anonymous, d);
}

static const char *first_message(const pb_diag *d)
{
    return d->count ? d->messages[0].text : "(none)";
}

/* ---- modes and links, both ways ---------------------------------------- */

static void modes_and_links(bool anonymous)
{
    const char *how = anonymous ? "O_TMPFILE" : "named";
    clean();
    pb_diag d;
    pb_diag_init(&d);

    umask(027);
    CHECK(write_text(at("new.pdf"), "new", anonymous, &d), "%s: new file: %s", how,
          first_message(&d));
    CHECK(mode_of(at("new.pdf")) == 0640, "%s: a new file under umask 027 is %o, want 640",
          how, mode_of(at("new.pdf")));
    umask(002);
    write_text(at("new2.pdf"), "new", anonymous, &d);
    CHECK(mode_of(at("new2.pdf")) == 0664, "%s: a new file under umask 002 is %o, want 664",
          how, mode_of(at("new2.pdf")));
    umask(022);

    put(at("private.pdf"), "old");
    chmod(at("private.pdf"), 0600);
    CHECK(write_text(at("private.pdf"), "replaced", anonymous, &d), "%s: %s", how,
          first_message(&d));
    CHECK(!strcmp(content(at("private.pdf")), "replaced"), "%s: not replaced", how);
    CHECK(mode_of(at("private.pdf")) == 0600, "%s: a 0600 file became %o", how,
          mode_of(at("private.pdf")));
    put(at("shared.pdf"), "old");
    chmod(at("shared.pdf"), 0664);
    write_text(at("shared.pdf"), "replaced", anonymous, &d);
    CHECK(mode_of(at("shared.pdf")) == 0664, "%s: a 0664 file became %o", how,
          mode_of(at("shared.pdf")));

    /* a link (relative, two hops) to an existing file: the target is
     * replaced in its own folder and the links stay links */
    mkdir(at("sub"), 0755);
    put(at("sub/target.pdf"), "old");
    chmod(at("sub/target.pdf"), 0640);
    symlink("sub/target.pdf", at("hop.pdf"));
    symlink("hop.pdf", at("link.pdf"));
    CHECK(write_text(at("link.pdf"), "through", anonymous, &d), "%s: link: %s", how,
          first_message(&d));
    CHECK(!strcmp(content(at("sub/target.pdf")), "through"), "%s: the target was not written",
          how);
    CHECK(mode_of(at("sub/target.pdf")) == 0640, "%s: the target's mode became %o", how,
          mode_of(at("sub/target.pdf")));
    struct stat st;
    CHECK(lstat(at("link.pdf"), &st) == 0 && S_ISLNK(st.st_mode), "%s: the link was replaced",
          how);
    CHECK(lstat(at("hop.pdf"), &st) == 0 && S_ISLNK(st.st_mode), "%s: the hop was replaced",
          how);
    DIR *sub = opendir(at("sub"));
    int entries = 0;
    for (struct dirent *e; sub && (e = readdir(sub)) != NULL;)
        entries++;
    if (sub)
        closedir(sub);
    CHECK(entries == 3, "%s: the target's folder has %d entries, want target.pdf alone", how,
          entries - 2);
    unlink(at("sub/target.pdf"));

    /* a link to nothing is refused and stays as it is */
    pb_diag_free(&d);
    pb_diag_init(&d);
    symlink("nowhere.pdf", at("dangling.pdf"));
    CHECK(!write_text(at("dangling.pdf"), "x", anonymous, &d), "%s: wrote through a dangling "
          "link", how);
    char want[5000];
    snprintf(want, sizeof want,
             "%s: cannot write: it is a symbolic link to %s, which does not exist",
             at("dangling.pdf"), at("nowhere.pdf"));
    CHECK(!strcmp(first_message(&d), want), "%s: message\n  want: %s\n  got:  %s", how, want,
          first_message(&d));
    CHECK(d.status == PB_ERR_IO, "%s: status %d", how, d.status);
    CHECK(access(at("nowhere.pdf"), F_OK) != 0, "%s: the link's target was created", how);
    CHECK(lstat(at("dangling.pdf"), &st) == 0 && S_ISLNK(st.st_mode),
          "%s: the dangling link was replaced", how);

    /* a link to a device: written directly, the link stays */
    pb_diag_free(&d);
    pb_diag_init(&d);
    symlink("/dev/null", at("null.pdf"));
    CHECK(write_text(at("null.pdf"), "x", anonymous, &d), "%s: /dev/null: %s", how,
          first_message(&d));
    CHECK(lstat(at("null.pdf"), &st) == 0 && S_ISLNK(st.st_mode), "%s: the link to /dev/null "
          "was replaced", how);
    symlink("/dev/full", at("full.pdf"));
    CHECK(!write_text(at("full.pdf"), "x", anonymous, &d), "%s: /dev/full took the data", how);
    snprintf(want, sizeof want, "%s: cannot write: No space left on device", at("full.pdf"));
    CHECK(!strcmp(first_message(&d), want), "%s: message\n  want: %s\n  got:  %s", how, want,
          first_message(&d));

    /* a folder is not replaced */
    pb_diag_free(&d);
    pb_diag_init(&d);
    CHECK(!write_text(at("sub"), "x", anonymous, &d), "%s: replaced a folder", how);
    snprintf(want, sizeof want, "%s: cannot write: it is a folder", at("sub"));
    CHECK(!strcmp(first_message(&d), want), "%s: message\n  want: %s\n  got:  %s", how, want,
          first_message(&d));
    rmdir(at("sub"));

    const char *keep[] = {"new.pdf", "new2.pdf", "private.pdf", "shared.pdf", "hop.pdf",
                          "link.pdf", "dangling.pdf", "null.pdf", "full.pdf", NULL};
    const char *left = others(keep);
    CHECK(!*left, "%s: left behind:\n%s", how, left);
    pb_diag_free(&d);
}

/* ---- FIFOs and descriptors ----------------------------------------------- */

static void fifo_and_descriptor(void)
{
    clean();
    pb_diag d;
    pb_diag_init(&d);
    CHECK(mkfifo(at("pipe.pdf"), 0644) == 0, "mkfifo: %s", strerror(errno));
    pid_t reader = fork();
    if (reader == 0) {
        /* the reader copies what comes through into got.pdf */
        int in = open(at("pipe.pdf"), O_RDONLY);
        int out = open(at("got.pdf"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char buf[256];
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0)
            (void)!write(out, buf, (size_t)n);
        _exit(0);
    }
    CHECK(write_text(at("pipe.pdf"), "through a pipe", true, &d), "FIFO: %s",
          first_message(&d));
    waitpid(reader, NULL, 0);
    struct stat st;
    CHECK(lstat(at("pipe.pdf"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");
    CHECK(!strcmp(content(at("got.pdf")), "through a pipe"), "the FIFO's reader got \"%s\"",
          content(at("got.pdf")));

    /* /dev/fd/N and a link to /proc/self/fd/N: the open file itself, the
     * name it was opened by is not replaced */
    put(at("opened.pdf"), "an earlier, longer content");
    int fd = open(at("opened.pdf"), O_WRONLY);
    char name[64];
    snprintf(name, sizeof name, "/dev/fd/%d", fd);
    CHECK(write_text(name, "by descriptor", true, &d), "%s: %s", name, first_message(&d));
    CHECK(!strcmp(content(at("opened.pdf")), "by descriptor"), "%s wrote \"%s\"", name,
          content(at("opened.pdf")));
    struct stat before, after;
    fstat(fd, &before);
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
    symlink(name, at("so.pdf"));
    CHECK(write_text(at("so.pdf"), "by a link to it", true, &d), "link to %s: %s", name,
          first_message(&d));
    CHECK(!strcmp(content(at("opened.pdf")), "by a link to it"), "link to %s wrote \"%s\"",
          name, content(at("opened.pdf")));
    CHECK(stat(at("opened.pdf"), &after) == 0 && after.st_ino == before.st_ino,
          "the open file was replaced by another");
    CHECK(lstat(at("so.pdf"), &st) == 0 && S_ISLNK(st.st_mode), "the link was replaced");
    close(fd);
    pb_diag_free(&d);
}

/* ---- leftovers of killed writers ----------------------------------------- */

/* A temporary file of out.pdf as a writer makes it, held (flock) by a
 * child process until the child is killed; returns the child. */
static pid_t hold(const char *name, int ready[2])
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(at(name), O_WRONLY | O_CREAT | O_EXCL, 0644);
        flock(fd, LOCK_EX);
        (void)!write(ready[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    (void)!read(ready[0], &c, 1);
    return pid;
}

static void leftovers(void)
{
    clean();
    pb_diag d;
    pb_diag_init(&d);
    int ready[2];
    if (pipe(ready) != 0)
        return;
    /* one writer killed, one still at work */
    pid_t killed = hold(".paiban-tmp.out.pdf.Killed", ready);
    pid_t alive = hold(".paiban-tmp.out.pdf.AtWork", ready);
    kill(killed, SIGKILL);
    waitpid(killed, NULL, 0);
    /* not this output's, or not the pattern: never touched */
    put(at(".paiban-tmp.other.pdf.Abcdef"), "");
    put(at(".paiban-tmp.out.pdf.Abcdefg"), "");
    put(at(".out.pdf.Abcdef"), "");
    put(at("out.pdf"), "old");
    for (int anonymous = 1; anonymous >= 0; anonymous--) {
        CHECK(write_text(at("out.pdf"), "new", anonymous, &d), "%s", first_message(&d));
        const char *keep[] = {"out.pdf", ".paiban-tmp.out.pdf.AtWork",
                              ".paiban-tmp.other.pdf.Abcdef", ".paiban-tmp.out.pdf.Abcdefg",
                              ".out.pdf.Abcdef", NULL};
        const char *left = others(keep);
        CHECK(!*left, "%s: left behind:\n%s", anonymous ? "O_TMPFILE" : "named", left);
        CHECK(access(at(".paiban-tmp.out.pdf.AtWork"), F_OK) == 0,
              "the file of a writer at work was removed");
    }
    kill(alive, SIGKILL);
    waitpid(alive, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    pb_diag_free(&d);
}

/* Kills a child writing a large file (64 MiB) into out.pdf with SIGKILL as
 * soon as its temporary file exists: the named one by inotify, the
 * O_TMPFILE one by the child's open descriptors.  out.pdf must be the
 * earlier file, and after the next write only out.pdf may be there. */
static void kill_during_write(bool anonymous)
{
    const char *how = anonymous ? "O_TMPFILE" : "named";
    const size_t big = 64u << 20;
    const char *data = mmap(NULL, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED)
        return;
    bool caught = false;
    for (int attempt = 0; attempt < 5 && !caught; attempt++) {
        clean();
        put(at("out.pdf"), "earlier");
        int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        inotify_add_watch(in, work, IN_CREATE);
        pid_t pid = fork();
        if (pid == 0) {
            pb_diag d;
            pb_diag_init(&d);
            pb_write_file_how(at("out.pdf"), data, big, anonymous, &d);
            _exit(0);
        }
        char fddir[64];
        snprintf(fddir, sizeof fddir, "/proc/%d/fd", (int)pid);
        for (int polls = 0; polls < 200000 && !caught; polls++) {
            if (anonymous) {
                /* an O_TMPFILE file shows as "WORK/#INODE (deleted)" */
                DIR *fds = opendir(fddir);
                struct dirent *e;
                while (fds && (e = readdir(fds)) != NULL && !caught) {
                    char link[64 + 300], target[4200];
                    snprintf(link, sizeof link, "%s/%s", fddir, e->d_name);
                    ssize_t n = readlink(link, target, sizeof target - 1);
                    if (n > 0) {
                        target[n] = 0;
                        caught = !strncmp(target, work, strlen(work)) && strstr(target, "/#");
                    }
                }
                if (fds)
                    closedir(fds);
                if (!fds)
                    break;
            } else {
                struct pollfd pfd = {in, POLLIN, 0};
                if (poll(&pfd, 1, 10000) != 1)
                    break;
                char ev[4096];
                ssize_t n = read(in, ev, sizeof ev);
                for (char *p = ev; n > 0 && p < ev + n && !caught;) {
                    struct inotify_event *e = (struct inotify_event *)p;
                    caught = e->len && !strncmp(e->name, ".paiban-tmp.out.pdf.", 20);
                    p += sizeof *e + e->len;
                }
                if (n <= 0)
                    break;
            }
        }
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(in);
        if (!caught || strcmp(content(at("out.pdf")), "earlier") != 0)
            continue; /* finished before the kill: try again */
        const char *keep[] = {"out.pdf", NULL};
        const char *left = others(keep);
        if (anonymous)
            CHECK(!*left, "%s: a killed writer left:\n%s", how, left);
        else
            CHECK(!strncmp(left, ".paiban-tmp.out.pdf.", 20) && strlen(left) == 27,
                  "%s: a killed writer left:\n%s", how, left);
        pb_diag d;
        pb_diag_init(&d);
        CHECK(write_text(at("out.pdf"), "next", anonymous, &d), "%s", first_message(&d));
        left = others(keep);
        CHECK(!*left, "%s: the next write left:\n%s", how, left);
        CHECK(!strcmp(content(at("out.pdf")), "next"), "%s: the next write gave \"%s\"", how,
              content(at("out.pdf")));
        pb_diag_free(&d);
    }
    CHECK(caught, "%s: the writer was never caught in the middle of its write", how);
    munmap((void *)data, big);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_fsio WORKDIR\n");
        return 2;
    }
    mkdir(argv[1], 0755);
    if (!realpath(argv[1], work)) {
        perror(argv[1]);
        return 2;
    }
    int probe = open(work, O_TMPFILE | O_WRONLY, 0600);
    have_tmpfile = probe >= 0;
    if (probe >= 0)
        close(probe);
    else
        printf("note: %s has no O_TMPFILE; both runs take the named way\n", work);
    modes_and_links(true);
    modes_and_links(false);
    fifo_and_descriptor();
    leftovers();
    if (have_tmpfile)
        kill_during_write(true);
    kill_during_write(false);
    clean();
    return test_summary();
}
