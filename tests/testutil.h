/* Pass/fail bookkeeping shared by the C test programs (header only).
 *
 *   CHECK(cond, fmt, ...)   counts a check; on failure prints
 *                           "FAIL file:line: message" with this line
 *   CHECK_LINE(cond, line, fmt, ...)
 *                           the same, reported at `line` (for helpers
 *                           whose callers pass __LINE__)
 *   test_check_at(ok, file, line, fmt, ...)
 *                           the same, reported at any file and line (a
 *                           line of a data file the test reads)
 *   test_summary()          prints "N passed, M failed" and returns the
 *                           exit status: 0 if nothing failed, else 1
 *   test_run(cmd, &status)  runs a shell command and returns its standard
 *                           output (malloc'ed); status is its exit status,
 *                           -1 if it could not run or did not exit
 *
 *   test_data_dir()         the data folder (layouts/, fonts/): PAIBAN_DATA_DIR,
 *                           else the source tree
 *
 * Every check is an expression with the value of its condition, so
 * `if (CHECK(p != NULL, "...")) use(p);` works. */
#ifndef PAIBAN_TESTUTIL_H
#define PAIBAN_TESTUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static int test_passed, test_failed;

static inline bool test_check_at(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Counts a check; on failure prints "FAIL file:line: message", file
 * without its folders. */
static inline bool test_check_at(bool ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        test_passed++;
        return true;
    }
    test_failed++;
    const char *base = strrchr(file, '/');
    printf("FAIL %s:%d: ", base ? base + 1 : file, line);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return false;
}

#define CHECK(cond, ...) test_check_at((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_LINE(cond, line, ...) \
    test_check_at((cond) ? true : false, __FILE__, (line), __VA_ARGS__)

#ifndef PAIBAN_SOURCE_DIR
#define PAIBAN_SOURCE_DIR "."
#endif

static inline const char *test_data_dir(void)
{
    const char *env = getenv("PAIBAN_DATA_DIR");
    return env && *env ? env : PAIBAN_SOURCE_DIR;
}

static inline int test_summary(void)
{
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed ? 1 : 0;
}

static inline void *test_realloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static inline char *test_run(const char *cmd, int *status)
{
    size_t cap = 65536, n = 0, r;
    char *buf = test_realloc(NULL, cap);
    buf[0] = 0;
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p) {
        *status = -1;
        return buf;
    }
    while ((r = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += r;
        if (cap - n < 4096)
            buf = test_realloc(buf, cap *= 2);
    }
    buf[n] = 0;
    int st = pclose(p);
    *status = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

#endif
