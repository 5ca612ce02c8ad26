/* paiban sum: the tables of a summary report (全市汇总) from the reports of
 * its members, cell by cell.  The work is the library's (pb_sum); this
 * file reads the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban sum [OPTION]... MEMBER.json... -o SUMMARY.json\n"
    "\n"
    "Sums the tables of the members' reports, cell by cell, into the report\n"
    "data of a summary report: integers and decimals exactly, a blank cell\n"
    "adds nothing (blank + blank stays blank).  The members have one layout and\n"
    "the same tables; a text cell or a number with a note is an error naming\n"
    "the member and the cell.  The summary is written whole or not at all.\n"
    "\n"
    "  -o, --output=SUMMARY.json\n"
    "                          the summary to write ('-': standard output)\n"
    "      --base=REPORT.json  a report whose meta and text the summary keeps,\n"
    "                          with the sums in its tables; without it the\n"
    "                          summary holds the tables alone\n"
    "  -l, --layout=LAYOUT     the members' layout (default: the one they name)\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 written, 2 usage, 3 invalid member or base report (or one\n"
    "that cannot be summed), 4 invalid layout, 5 a file could not be read or\n"
    "written.\n";

enum { OPT_BASE = 256 };

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"base", required_argument, NULL, OPT_BASE},
    {"layout", required_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_sum(int argc, char **argv)
{
    const char *out = NULL, *base = NULL, *layout = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":o:l:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case OPT_BASE:
            base = optarg;
            break;
        case 'l':
            layout = optarg;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("sum", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("sum", "no member report given");
    if (!out)
        return cli_usage_error("sum", "no output given (-o SUMMARY.json)");
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-"))
            return cli_usage_error("sum", "members are files ('-' is not one)");

    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine)
        return cli_engine_status;
    bool to_stdout = !strcmp(out, "-");
    char *json = NULL;
    size_t len = 0;
    pb_status st = pb_sum(engine, (const char *const *)argv + optind, argc - optind, layout,
                          base, to_stdout ? NULL : out, to_stdout ? &json : NULL,
                          to_stdout ? &len : NULL);
    if (json)
        cli_write_stdout(json, len);
    pb_free(json);
    pb_engine_free(engine);
    return (int)st;
}
