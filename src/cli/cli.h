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

#include "paiban.h"

/* "paiban: <message>" and "Try 'paiban CMD --help'." on standard error;
 * returns the status of a wrong command line (2).  cmd may be NULL. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The one operand a command takes, argv[optind]; NULL after the usage
 * error ("no WHAT given" and hint, or "CMD takes one WHAT"), whose status
 * goes to *rc. */
const char *cli_one_operand(const char *cmd, const char *what, const char *hint, int argc,
                            char **argv, int *rc);

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

/* Options for an engine as the environment and the command line decide:
 * the data folder (PAIBAN_DATA_DIR, else share/paiban beside the folder
 * of the program), the creation date (SOURCE_DATE_EPOCH), the cache
 * folder (XDG_CACHE_HOME or ~/.cache), and messages printed to standard
 * error.  NULL only when out of memory. */
pb_options *cli_options(void);

/* An engine made with cli_options() and the font folders given (messages
 * to on_message, NULL: printed at once); NULL
 * after its messages were printed, with the status in cli_engine_status. */
pb_engine *cli_engine(const char *const *font_dirs, int nfont_dirs, bool verbose,
                      pb_message_fn on_message);
extern int cli_engine_status;

/* The status of a failed pb_options_* or pb_request_* call, with its
 * message ("out of memory"). */
int cli_failed(pb_status st);

/* Prints a message as paiban does: "paiban: error: file: path: text",
 * information lines as they are.  A pb_message_fn; user is ignored. */
void cli_print_message(void *user, const pb_message *m);

/* The largest report read from standard input. */
#define CLI_MAX_INPUT_BYTES (16u * 1024u * 1024u)

/* Allocation that ends the program with the out-of-memory status when it
 * fails (the command line may exit; the library never does). */
void *cli_xmalloc(size_t size);
void *cli_xrealloc(void *p, size_t size);
char *cli_xstrdup(const char *s);

/* ---- signing options (cli_sign.c), shared by render and sign ---- */

enum {
    CLI_OPT_KEY = 1000, CLI_OPT_CERT, CLI_OPT_CHAIN, CLI_OPT_PASS_IN, CLI_OPT_REASON,
    CLI_OPT_LOCATION, CLI_OPT_NAME, CLI_OPT_CONTACT, CLI_OPT_RESERVE
};

/* The getopt_long entries of the signing options. */
#define CLI_SIGN_OPTIONS                                         \
    {"key", required_argument, NULL, CLI_OPT_KEY},               \
    {"cert", required_argument, NULL, CLI_OPT_CERT},             \
    {"chain", required_argument, NULL, CLI_OPT_CHAIN},           \
    {"pass-in", required_argument, NULL, CLI_OPT_PASS_IN},       \
    {"reason", required_argument, NULL, CLI_OPT_REASON},         \
    {"location", required_argument, NULL, CLI_OPT_LOCATION},     \
    {"name", required_argument, NULL, CLI_OPT_NAME},             \
    {"contact", required_argument, NULL, CLI_OPT_CONTACT},       \
    {"reserve", required_argument, NULL, CLI_OPT_RESERVE}

/* Their help text. */
#define CLI_SIGN_HELP                                                                   \
    "      --key=KEY.pem       sign with this private key (PEM or DER; RSA, ECDSA or\n"  \
    "                          SM2)\n"                                                   \
    "      --cert=CERT.pem     the key's certificate\n"                                  \
    "      --chain=CHAIN.pem   the certificates up to the root, put in the signature\n"  \
    "      --pass-in=SOURCE    the passphrase of an encrypted key: env:VAR,\n"           \
    "                          file:PATH, fd:N or pass:TEXT\n"                           \
    "      --reason=TEXT       why the document is signed\n"                             \
    "      --location=TEXT     where it is signed\n"                                     \
    "      --name=TEXT         the signer's name (default: the certificate's)\n"         \
    "      --contact=TEXT      how to reach the signer\n"                                \
    "      --reserve=BYTES     bytes kept for the signature (default: what it takes)\n"

typedef struct cli_sign_args {
    const char *key, *cert, *chain, *pass_in, *reason, *location, *name, *contact;
    size_t reserve;
} cli_sign_args;

/* Takes getopt's answer c if it is a signing option (true); *rc gets a
 * usage error's status. */
bool cli_sign_option(int c, const char *arg, cli_sign_args *a, const char *cmd, int *rc);
/* Whether any signing option was given. */
bool cli_sign_wanted(const cli_sign_args *a);
/* 0, or the status of a usage error: a key without a certificate... */
int cli_sign_check(const cli_sign_args *a, const char *cmd);
/* The signer of the options (the passphrase read from its source); NULL
 * with *rc set after an error. */
pb_signer *cli_signer(const cli_sign_args *a, int *rc);

int cmd_render(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sum(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
