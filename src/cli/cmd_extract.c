/* paiban extract: the report data an archival PDF made by paiban carries,
 * byte for byte, to a file or standard output.  The work is pb_extract's;
 * this file only reads the command line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban extract [OPTION]... FILE.pdf\n"
    "\n"
    "Writes the report data (JSON) that a PDF made by paiban carries, byte for\n"
    "byte as it was rendered.  Plain PDFs (--pdf plain) and PDFs made by other\n"
    "programs carry none.\n"
    "\n"
    "  -o, --output=REPORT.json  where to write it ('-', the default: standard\n"
    "                            output); a file is written whole or not at all\n"
    "  -h, --help                show this help and exit\n"
    "\n"
    "exit status: 0 written, 2 usage, 3 not a PDF, damaged, or no report data in\n"
    "it, 5 a file could not be read or written.\n";

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_extract(int argc, char **argv)
{
    const char *out = "-";
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("extract", c, argv);
        }
    }
    int usage = 0;
    const char *pdf = cli_one_operand("extract", "PDF", "", argc, argv, &usage);
    if (!pdf)
        return usage;
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine)
        return cli_engine_status;
    bool to_stdout = !strcmp(out, "-");
    unsigned char *data = NULL;
    size_t len = 0;
    pb_status st = pb_extract(engine, pdf, to_stdout ? NULL : out,
                              to_stdout ? &data : NULL, to_stdout ? &len : NULL, NULL);
    if (st == PB_OK && to_stdout)
        cli_write_stdout(data, len);
    pb_free(data);
    pb_engine_free(engine);
    return (int)st;
}
