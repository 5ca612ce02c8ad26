/* paiban check: the numbers of a report against the rules of its layout,
 * without typesetting anything.  Findings go to standard output, problems
 * with the input to standard error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban check [OPTION]... REPORT.json\n"
    "\n"
    "Checks the numbers of a report against the rules of its layout (the sums\n"
    "of its tables, the numbers its text quotes, last year's figures) without\n"
    "typesetting it.  The findings go to standard output.  REPORT.json '-' is\n"
    "read from standard input.\n"
    "\n"
    "  -l, --layout=LAYOUT     a layout name (e.g. gbt9704) or a .json path;\n"
    "                          default: the layout the report names, else gbt9704\n"
    "      --previous=PREV.json\n"
    "                          last year's report, for the rules that name prev.\n"
    "      --format=text|json  how the findings are written (default text)\n"
    "      --strict            every blank cell a rule reads is a finding and fails\n"
    "                          the check (without it, a check whose cells are all\n"
    "                          blank is not reported, and a blank cell beside\n"
    "                          filled ones reads as 0)\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 the rules hold, 6 a rule is violated (or, with --strict, one\n"
    "reads a blank cell), 2 usage, 3 invalid report, 4 invalid layout,\n"
    "5 a file could not be read or written.\n";

enum { OPT_PREVIOUS = 256, OPT_FORMAT, OPT_STRICT };

static const struct option options[] = {
    {"layout", required_argument, NULL, 'l'},
    {"previous", required_argument, NULL, OPT_PREVIOUS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_check(int argc, char **argv)
{
    const char *layout = NULL, *previous = NULL;
    pb_check_format format = PB_CHECK_TEXT;
    bool strict = false;
    int c;
    while ((c = getopt_long(argc, argv, ":l:h", options, NULL)) != -1) {
        switch (c) {
        case 'l':
            layout = optarg;
            break;
        case OPT_PREVIOUS:
            previous = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                format = PB_CHECK_TEXT;
            else if (!strcmp(optarg, "json"))
                format = PB_CHECK_JSON;
            else
                return cli_usage_error("check", "--format takes text or json, got '%s'",
                                       optarg);
            break;
        case OPT_STRICT:
            strict = true;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("check", c, argv);
        }
    }
    int usage = 0;
    const char *report = cli_one_operand("check", "report", "", argc, argv, &usage);
    if (!report)
        return usage;

    pb_request *req = pb_request_new();
    pb_status st = req ? PB_OK : PB_ERR_MEMORY;
    if (st == PB_OK && !strcmp(report, "-")) {
        size_t len;
        char *input = cli_read_stdin(CLI_MAX_INPUT_BYTES, &len);
        if (!input) {
            pb_request_free(req);
            return PB_ERR_IO;
        }
        st = pb_request_set_report_bytes(req, "standard input", input, len);
        free(input);
    } else if (st == PB_OK) {
        st = pb_request_set_report_file(req, report);
    }
    if (st == PB_OK && layout)
        st = pb_request_set_layout(req, layout);
    if (st == PB_OK && previous)
        st = pb_request_set_previous_file(req, previous);
    if (st != PB_OK) {
        pb_request_free(req);
        return cli_failed(st);
    }
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine) {
        pb_request_free(req);
        return cli_engine_status;
    }
    char *text = NULL;
    size_t len = 0;
    st = pb_check(engine, req, format, strict, &text, &len);
    if (text)
        cli_write_stdout(text, len);
    pb_free(text);
    pb_engine_free(engine);
    pb_request_free(req);
    return (int)st;
}
