/* Helpers the commands share: usage errors, getopt's answers, standard
 * input and output, folders. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paiban.h"

#ifndef PAIBAN_INSTALL_DATADIR
#define PAIBAN_INSTALL_DATADIR "/usr/local/share/paiban"
#endif

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

const char *cli_one_operand(const char *cmd, const char *what, const char *hint, int argc,
                            char **argv, int *rc)
{
    if (optind >= argc)
        *rc = cli_usage_error(cmd, "no %s given%s", what, hint);
    else if (argc - optind > 1)
        *rc = cli_usage_error(cmd, "%s takes one %s (got '%s' and '%s')", cmd, what, argv[optind],
                              argv[optind + 1]);
    else
        return argv[optind];
    return NULL;
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

void cli_print_message(void *user, const pb_message *m)
{
    (void)user;
    if (m->severity == PB_INFO)
        fprintf(stderr, "%s\n", m->line);
    else
        fprintf(stderr, "paiban: %s: %s\n", m->severity == PB_ERROR ? "error" : "warning",
                m->line);
}

/* PREFIX/share/paiban for the program PREFIX/bin/paiban, wherever PREFIX
 * is (the installed tree may be moved; the build tree has the same shape),
 * as a real path; NULL when there is none. */
static char *data_dir_beside_program(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = 0;
    for (int up = 0; up < 2; up++) { /* .../bin/paiban -> ... */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return NULL;
        *slash = 0;
    }
    size_t len = strlen(exe) + sizeof "/share/paiban";
    char *dir = cli_xmalloc(len);
    snprintf(dir, len, "%s/share/paiban", exe);
    char *real = realpath(dir, NULL);
    free(dir);
    if (real && !cli_is_folder(real)) {
        free(real);
        real = NULL;
    }
    return real;
}

pb_options *cli_options(void)
{
    pb_options *o = pb_options_new();
    if (!o)
        return NULL;
    pb_status st = PB_OK;
    const char *env = getenv("PAIBAN_DATA_DIR");
    if (env && *env) {
        st = pb_options_set_data_dir(o, env);
    } else {
        char *beside = data_dir_beside_program();
        st = pb_options_set_data_dir(o, beside ? beside : PAIBAN_INSTALL_DATADIR);
        free(beside);
    }
    /* SOURCE_DATE_EPOCH (reproducible-builds.org): a number of seconds */
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (st == PB_OK && sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (!errno && !*end && v >= 0)
            pb_options_set_creation_time(o, v);
    }
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char cache[4096] = "";
    if (xdg && *xdg == '/')
        snprintf(cache, sizeof cache, "%s/paiban", xdg);
    else if (home && *home == '/')
        snprintf(cache, sizeof cache, "%s/.cache/paiban", home);
    if (st == PB_OK && *cache)
        st = pb_options_set_cache_dir(o, cache);
    pb_options_set_message_callback(o, cli_print_message, NULL);
    if (st != PB_OK) {
        pb_options_free(o);
        return NULL;
    }
    return o;
}

int cli_engine_status;

pb_engine *cli_engine(const char *const *font_dirs, int nfont_dirs, bool verbose,
                      pb_message_fn on_message)
{
    pb_options *o = cli_options();
    pb_status st = o ? PB_OK : PB_ERR_MEMORY;
    for (int i = 0; st == PB_OK && i < nfont_dirs; i++)
        st = pb_options_add_font_dir(o, font_dirs[i]);
    if (st != PB_OK) {
        pb_options_free(o);
        cli_engine_status = cli_failed(st);
        return NULL;
    }
    pb_options_set_verbose(o, verbose);
    if (on_message)
        pb_options_set_message_callback(o, on_message, NULL);
    pb_engine *e = NULL;
    cli_engine_status = (int)pb_engine_new(o, &e); /* its messages are printed */
    pb_options_free(o);
    return e;
}

int cli_failed(pb_status st)
{
    cli_error("%s", pb_status_text(st));
    return (int)st;
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
