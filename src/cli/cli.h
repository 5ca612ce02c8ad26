/* The command line.  One file per command (cmd_NAME.c) with a function
 * `int cmd_NAME(int argc, char **argv)` listed in main.c's table: argv[0]
 * is the command's name, the options are parsed with getopt_long (GNU
 * conventions: -j2, --jobs=2, --output=F, abbreviations, `--`, options
 * after operands), `-h`/`--help` prints the command's help to standard
 * output.  Standard output is checked when it is closed (main.c), so a
 * command only writes to it.  What commands share is here. */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <stdbool.h>
#include <stddef.h>

/* "paiban: <message>" and "Try 'paiban CMD --help'." on standard error;
 * returns the status of a wrong command line (2).  cmd may be NULL. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage error for getopt_long's answer `c` ('?' or ':', with opterr 0
 * and an optstring that starts with ':'). */
int cli_option_error(const char *cmd, int c, char **argv);

/* "paiban: error: <message>" on standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a command's help text to standard output; returns 0. */
int cli_help(const char *text);

/* Resets getopt for a command's argv (argv[0] is the command). */
void cli_getopt_reset(void);

/* -j N: a number of jobs, 1 to 1024; false after a usage error. */
bool cli_parse_jobs(const char *cmd, const char *arg, int *jobs);

/* Reads standard input whole (at most max bytes); NULL with a message on
 * failure or when it is larger. */
char *cli_read_stdin(size_t max, size_t *len);

/* Writes bytes to standard output (errors are found when it is closed). */
void cli_write_stdout(const void *data, size_t len);

/* Creates a folder and its missing parents (mkdir -p); false with a
 * message naming it on failure. */
bool cli_make_folders(const char *path);

/* Whether path is an existing folder. */
bool cli_is_folder(const char *path);

/* Allocation that ends the program with the out-of-memory status when it
 * fails (the command line may exit; the library never does). */
void *cli_xmalloc(size_t size);
void *cli_xrealloc(void *p, size_t size);
char *cli_xstrdup(const char *s);

int cmd_render(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
