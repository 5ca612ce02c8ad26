/* paiban sign: a PAdES signature added to a PDF made by paiban.  The work
 * is pb_sign's; this file reads the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban sign [OPTION]... IN.pdf --key KEY.pem --cert CERT.pem -o OUT.pdf\n"
    "\n"
    "Signs a PDF made by paiban: an incremental update adds a signature field\n"
    "(over the seal, when the document has one) and a PAdES signature\n"
    "(ETSI.CAdES.detached, SHA-256 with RSA or ECDSA, SM3 with SM2) over the\n"
    "whole file, keeping its PDF/A-3 and PDF/UA-1 claims.  The signing time is\n"
    "SOURCE_DATE_EPOCH when set, else now.  IN.pdf '-' is read from standard\n"
    "input.\n"
    "\n"
    "  -o, --output=OUT.pdf    the signed PDF ('-': standard output); written whole\n"
    "                          or not at all\n"
    CLI_SIGN_HELP
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 signed, 2 usage, 3 not a PDF, damaged, not made by paiban or\n"
    "signed already, 5 a file could not be read or written, 8 the key,\n"
    "certificate or chain cannot sign, 10 libcrypto cannot be loaded.\n";

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    CLI_SIGN_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_sign(int argc, char **argv)
{
    const char *out = NULL;
    cli_sign_args sa = {0};
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        if (cli_sign_option(c, optarg, &sa, "sign", &rc)) {
            if (rc)
                return rc;
            continue;
        }
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("sign", c, argv);
        }
    }
    const char *in = cli_one_operand("sign", "PDF", "", argc, argv, &rc);
    if (!in)
        return rc;
    if (!out)
        return cli_usage_error("sign", "no output given (-o OUT.pdf)");
    if ((rc = cli_sign_check(&sa, "sign")) != 0)
        return rc;
    bool from_stdin = !strcmp(in, "-");
    bool to_stdout = !strcmp(out, "-") || !strcmp(out, "/dev/stdout");
    pb_signer *signer = cli_signer(&sa, &rc);
    if (!signer)
        return rc;
    char *input = NULL;
    size_t input_len = 0;
    if (from_stdin && !(input = cli_read_stdin(512u << 20, &input_len))) {
        pb_signer_free(signer);
        return PB_ERR_IO;
    }
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine) {
        free(input);
        pb_signer_free(signer);
        return cli_engine_status;
    }
    unsigned char *pdf = NULL;
    size_t len = 0;
    pb_status st = pb_sign(engine, signer, from_stdin ? "standard input" : in, input, input_len,
                           to_stdout ? NULL : out, to_stdout ? &pdf : NULL,
                           to_stdout ? &len : NULL);
    if (st == PB_OK && to_stdout)
        cli_write_stdout(pdf, len);
    pb_free(pdf);
    free(input);
    pb_engine_free(engine);
    pb_signer_free(signer);
    return (int)st;
}
