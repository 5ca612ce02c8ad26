/* paiban new: a report skeleton for a layout, ready to fill.  Only the
 * command line is read here; the work is pb_new. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban new -l LAYOUT [--year=N] [--issuer=NAME] -o REPORT.json\n"
    "\n"
    "Writes a report skeleton for a layout, ready to fill: the title with the\n"
    "issuer and the year, the layout's chapter headings, every table of the\n"
    "layout with all cells blank, placeholder paragraphs and the signature.\n"
    "\n"
    "  -l, --layout=LAYOUT     a layout name (e.g. gov-info-annual-2021) or a\n"
    "                          .json path\n"
    "      --year=N            the year reported on (1900-2999)\n"
    "      --issuer=NAME       the issuing body\n"
    "  -o, --output=FILE       the report to write ('-': standard output)\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 the skeleton was written, 2 usage, 4 invalid layout, 5 a\n"
    "file could not be written.\n";

enum { OPT_YEAR = 256, OPT_ISSUER };

static const struct option options[] = {
    {"layout", required_argument, NULL, 'l'},
    {"year", required_argument, NULL, OPT_YEAR},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_new(int argc, char **argv)
{
    const char *layout = NULL, *issuer = NULL, *out = NULL;
    int year = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":l:o:h", options, NULL)) != -1) {
        switch (c) {
        case 'l':
            layout = optarg;
            break;
        case OPT_YEAR: {
            char *end;
            errno = 0;
            long y = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || y < 1900 || y > 2999)
                return cli_usage_error("new", "--year takes a year from 1900 to 2999, got '%s'",
                                       optarg);
            year = (int)y;
            break;
        }
        case OPT_ISSUER:
            issuer = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("new", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("new", "new takes no operand (got '%s')", argv[optind]);
    if (!layout)
        return cli_usage_error("new", "no layout given: -l LAYOUT");
    if (!out)
        return cli_usage_error("new", "no output given: -o REPORT.json ('-' for standard output)");
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine)
        return cli_engine_status;
    bool to_stdout = !strcmp(out, "-");
    char *json = NULL;
    size_t len = 0;
    pb_status st = pb_new(engine, layout, year, issuer, to_stdout ? NULL : out,
                          to_stdout ? &json : NULL, &len);
    if (st == PB_OK && json)
        cli_write_stdout(json, len);
    pb_free(json);
    pb_engine_free(engine);
    return (int)st;
}
