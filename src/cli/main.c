/* paiban command line: the commands, --help and --version, and the check
 * of standard output when it is closed (a full disk or a closed pipe is an
 * error, exit 5, not a silent loss). */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "paiban.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

/* A new command: a file cmd_NAME.c, its function in cli.h, a line here. */
static const command commands[] = {
    {"render", cmd_render, "typeset reports into PDF files"},
    {"check", cmd_check, "check the numbers of a report against its layout's rules"},
    {"sum", cmd_sum, "sum the tables of member reports into a summary report"},
    {"extract", cmd_extract, "get back the report data a PDF made by paiban carries"},
    {"import", cmd_import, "report data from a Word document, web page or plain text"},
    {"new", cmd_new, "a report skeleton for a layout, ready to fill"},
    {"sign", cmd_sign, "sign a PDF made by paiban (PAdES)"},
    {"verify", cmd_verify, "check the signatures of a PDF"},
};
#define NCOMMANDS (int)(sizeof commands / sizeof *commands)

static int usage(void)
{
    printf("usage: paiban COMMAND [OPTION]... [ARGUMENT]...\n"
           "       paiban --help | --version\n"
           "\n"
           "Typesets reports (JSON data) with a layout (JSON) into PDF files for\n"
           "Chinese official filings, and checks their numbers.\n"
           "\n"
           "commands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    printf("\n"
           "'paiban COMMAND --help' shows the options of a command; man paiban\n"
           "describes them all, man 5 paiban the input formats.\n"
           "\n"
           "environment:\n"
           "  PAIBAN_DATA_DIR      the folder of layouts/, fonts/ and samples/ (default:\n"
           "                       share/paiban beside the folder of the program)\n"
           "  XDG_CACHE_HOME       paiban/ in it (default ~/.cache/paiban) keeps\n"
           "                       fontconfig's scans of the font folders\n"
           "  SOURCE_DATE_EPOCH    the PDF creation date and signing time, in seconds\n"
           "                       since 1970\n"
           "\n"
           "exit status: 0 success, 1 internal error, 2 usage, 3 invalid report data,\n"
           "4 layout or font problem, 5 file could not be read or written, 6 the numbers\n"
           "do not add up, 7 out of memory, 8 cannot sign with the key or certificate,\n"
           "9 a signature is not valid, 10 a library loaded on first use (libcrypto,\n"
           "libxml2, libzip) cannot be loaded\n");
    return 0;
}

/* What gnulib's close_stdout does: output that could not be written is
 * an error even when every printf "succeeded" into the buffer. */
static int close_output(int rc)
{
    int err = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        err = errno ? errno : EIO;
    if (fclose(stdout) != 0 && !err)
        err = errno ? errno : EIO;
    if (err) {
        fprintf(stderr, "paiban: error: standard output: cannot write: %s\n", strerror(err));
        if (rc == 0)
            rc = PB_ERR_IO;
    }
    if ((fflush(stderr) != 0 || ferror(stderr)) && rc == 0)
        rc = PB_ERR_IO;
    return rc;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error(NULL, "no command given");
    const char *a = argv[1];
    if (!strcmp(a, "--help") || !strcmp(a, "-h"))
        return usage();
    if (!strcmp(a, "--version")) {
        printf("paiban %s\n", PAIBAN_VERSION);
        return 0;
    }
    if (!strcmp(a, "help") && argc == 2)
        return usage();
    if (!strcmp(a, "help")) {
        /* "paiban help render" is "paiban render --help" */
        char *help_argv[] = {argv[2], "--help", NULL};
        cli_getopt_reset();
        for (int i = 0; i < NCOMMANDS; i++)
            if (!strcmp(argv[2], commands[i].name))
                return commands[i].run(2, help_argv);
        return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(a, commands[i].name)) {
            cli_getopt_reset();
            return commands[i].run(argc - 1, argv + 1);
        }
    if (a[0] == '-')
        return cli_usage_error(NULL, "unknown option %s (options follow the command)", a);
    return cli_usage_error(NULL, "unknown command '%s'", a);
}

int main(int argc, char **argv)
{
    /* glibc's malloc gives freed memory back to the system (a large block
       at once, the top of the heap past 128 KB) and takes fresh pages
       again for the next allocation: every page so taken costs a page
       fault.  A render lives for milliseconds and a batch reuses the same
       amounts report after report, so freed memory is kept for reuse:
       the sample takes 230 fewer page faults (1,880 -> 1,650). */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    return close_output(run(argc, argv));
}
