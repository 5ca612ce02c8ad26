/* paiban verify: every signature of PDFs checked, and what was signed, by
 * whom and when.  The work is pb_verify's; this file reads the command
 * line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban verify [OPTION]... FILE.pdf...\n"
    "\n"
    "Checks every signature of each PDF: that it covers the whole file but the\n"
    "signature itself (else the document changed after it was signed), the\n"
    "digest of those bytes, the signature with the signer's certificate, the\n"
    "certificate's validity at the signing time and, with --ca, its chain; and\n"
    "says what was signed, by whom and when.\n"
    "\n"
    "      --ca=CA.pem         trust this certificate authority (PEM or DER;\n"
    "                          repeatable); without it the chain is not checked\n"
    "      --format=text|json  the report as text (the default) or JSON\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 every signature is valid and covers the whole file (and is\n"
    "trusted, with --ca), 2 usage, 3 not a PDF or damaged, 5 a file could not be\n"
    "read, 9 a signature is not valid, the file changed after it was signed, a\n"
    "certificate is not trusted, or the file has no signature, 10 libcrypto\n"
    "cannot be loaded.\n";

enum { OPT_CA = 256, OPT_FORMAT };

static const struct option options[] = {
    {"ca", required_argument, NULL, OPT_CA},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_verify(int argc, char **argv)
{
    const char **cas = cli_xmalloc(((size_t)argc + 1) * sizeof *cas);
    int ncas = 0, c;
    pb_verify_format format = PB_VERIFY_TEXT;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case OPT_CA:
            cas[ncas++] = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text")) {
                format = PB_VERIFY_TEXT;
            } else if (!strcmp(optarg, "json")) {
                format = PB_VERIFY_JSON;
            } else {
                free(cas);
                return cli_usage_error("verify", "--format takes text or json, got '%s'",
                                       optarg);
            }
            break;
        case 'h':
            free(cas);
            return cli_help(help);
        default:
            free(cas);
            return cli_option_error("verify", c, argv);
        }
    }
    if (optind >= argc) {
        free(cas);
        return cli_usage_error("verify", "no PDF given");
    }
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine) {
        free(cas);
        return cli_engine_status;
    }
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        char *report = NULL;
        size_t len = 0;
        pb_status st = pb_verify(engine, argv[i], cas, ncas, format, &report, &len);
        if (report)
            cli_write_stdout(report, len);
        pb_free(report);
        if (st != PB_OK && rc == 0)
            rc = (int)st;
    }
    if (ncas == 0 && rc == 0)
        fprintf(stderr, "paiban: warning: the signers' certificates were not checked against "
                        "a certificate authority (give it with --ca)\n");
    pb_engine_free(engine);
    free(cas);
    return rc;
}
