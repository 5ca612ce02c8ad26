/* Helpers the commands share: usage errors, getopt's answers, standard
 * input and output, folders. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paiban.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paiban: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'paiban%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
    return PB_ERR_USAGE;
}

int cli_option_error(const char *cmd, int c, char **argv)
{
    /* the word getopt stopped at: "--name=value" is shown as "--name" */
    const char *word = optind > 0 ? argv[optind - 1] : "";
    int len = (int)strcspn(word, "=");
    if (c == ':') {
        if (optopt && optopt < 256 && word[0] == '-' && word[1] != '-')
            return cli_usage_error(cmd, "option -%c needs a value", optopt);
        return cli_usage_error(cmd, "option %.*s needs a value", len, word);
    }
    if (optopt && word[0] == '-' && word[1] == '-' && word[len] == '=')
        return cli_usage_error(cmd, "option %.*s takes no value", len, word);
    if (optopt && optopt < 256)
        return cli_usage_error(cmd, "unknown option -%c", optopt);
    /* getopt_long takes unambiguous abbreviations (--out for --output) */
    return cli_usage_error(cmd, "unknown or ambiguous option %.*s", len, word);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paiban: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_help(const char *text)
{
    fputs(text, stdout);
    return 0;
}

void cli_getopt_reset(void)
{
    optind = 1;
    opterr = 0;
}

bool cli_parse_jobs(const char *cmd, const char *arg, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > 1024) {
        cli_usage_error(cmd, "-j needs a number of jobs from 1 to 1024, got '%s'", arg);
        return false;
    }
    *jobs = (int)v;
    return true;
}

char *cli_read_stdin(size_t max, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max)
                break;
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = cli_xrealloc(buf, cap + 1);
        }
        size_t r = fread(buf + n, 1, cap - n, stdin);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(stdin)) {
        cli_error("standard input: cannot read: %s", strerror(errno));
        free(buf);
        return NULL;
    }
    if (n > max) {
        cli_error("standard input: larger than the limit of %zu bytes", max);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

void cli_write_stdout(const void *data, size_t len)
{
    fwrite(data, 1, len, stdout);
}

bool cli_is_folder(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cli_make_folders(const char *path)
{
    char *p = cli_xstrdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    /* each parent in turn, from the top; an existing one is fine */
    for (char *s = p + 1;; s++) {
        bool last = *s == 0;
        if (*s == '/' || last) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                cli_error("%s: cannot create the output folder: %s", p, strerror(errno));
                free(p);
                return false;
            }
            if (!cli_is_folder(p)) {
                cli_error("%s: cannot create the output folder: %s", p, strerror(ENOTDIR));
                free(p);
                return false;
            }
            *s = c;
        }
        if (last)
            break;
    }
    free(p);
    return true;
}

static void *checked(void *p)
{
    if (!p) {
        fputs("paiban: error: out of memory\n", stderr);
        exit(PB_ERR_MEMORY);
    }
    return p;
}

void *cli_xmalloc(size_t size)
{
    return checked(malloc(size ? size : 1));
}

void *cli_xrealloc(void *p, size_t size)
{
    return checked(realloc(p, size ? size : 1));
}

char *cli_xstrdup(const char *s)
{
    return checked(strdup(s));
}
