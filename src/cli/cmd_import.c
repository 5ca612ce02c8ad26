/* paiban import: a Word document, web page or plain text -> report data
 * (JSON).  Only the command line is read here; the work is pb_import. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paiban.h"

static const char help[] =
    "usage: paiban import [OPTION]... SOURCE -o REPORT.json\n"
    "\n"
    "Reads a document a clerk already has and writes it as report data: a Word\n"
    "document (.docx), a web page (.html) or a plain text (.txt, in UTF-8,\n"
    "UTF-16 or GB18030).  The title, headings, paragraphs, bold, the signature\n"
    "and the tables are recognized; each table is matched to a table of the\n"
    "layout and its values placed by row and column.  A summary of what was\n"
    "found goes to standard output.  SOURCE '-' is read from standard input.\n"
    "\n"
    "  -o, --output=FILE       the report to write, whole or not at all ('-':\n"
    "                          standard output, and the summary to standard error)\n"
    "  -l, --layout=LAYOUT     the layout whose tables the source's tables are\n"
    "                          matched to, a name or a .json path; default: the\n"
    "                          layout whose tables match best, else gbt9704\n"
    "  -q, --quiet             no summary\n"
    "  -h, --help              show this help and exit\n"
    "\n"
    "exit status: 0 the report was written, 2 usage, 3 the source cannot be read\n"
    "as a document (corrupt, hostile, over a limit) or a table does not fit the\n"
    "layout, 4 invalid layout, 5 a file could not be read or written, 10 libxml2\n"
    "(a web page, a Word document) or libzip (a Word document) cannot be loaded.\n";

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"layout", required_argument, NULL, 'l'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* A Word document may be this large (pictures); the library says so when
 * a source is larger than its limit, so one byte more is read. */
#define MAX_SOURCE_BYTES (64u * 1024u * 1024u)

/* The source file whole (one byte over the limit at most), for a report
 * written to standard output; NULL after a message. */
static char *read_source(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > MAX_SOURCE_BYTES)
                break;
            cap = cap * 2 > MAX_SOURCE_BYTES + 1 ? MAX_SOURCE_BYTES + 1 : cap * 2;
            buf = cli_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    int err = errno;
    fclose(f);
    if (bad) {
        cli_error("%s: cannot read: %s", path, strerror(err));
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int cmd_import(int argc, char **argv)
{
    const char *out = NULL, *layout = NULL;
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, ":o:l:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'l':
            layout = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            return cli_help(help);
        default:
            return cli_option_error("import", c, argv);
        }
    }
    int usage = 0;
    const char *source = cli_one_operand("import", "source", " (a .docx, .html or .txt file)",
                                         argc, argv, &usage);
    if (!source)
        return usage;
    if (!out)
        return cli_usage_error("import",
                               "no output given: -o REPORT.json ('-' for standard output)");
    pb_engine *engine = cli_engine(NULL, 0, false, NULL);
    if (!engine)
        return cli_engine_status;
    bool from_stdin = !strcmp(source, "-"), to_stdout = !strcmp(out, "-");
    char *summary = NULL, *json = NULL;
    size_t summary_len = 0, json_len = 0;
    pb_status st;
    if (!from_stdin && !to_stdout) {
        st = pb_import(engine, source, layout, out, quiet ? NULL : &summary, &summary_len);
    } else {
        size_t len = 0;
        char *bytes = from_stdin ? cli_read_stdin(MAX_SOURCE_BYTES, &len)
                                 : read_source(source, &len);
        if (!bytes) {
            pb_engine_free(engine);
            return PB_ERR_IO;
        }
        st = pb_import_bytes(engine, from_stdin ? "standard input" : source, bytes, len,
                             layout, to_stdout ? NULL : out, to_stdout ? &json : NULL,
                             &json_len, quiet ? NULL : &summary, &summary_len);
        free(bytes);
    }
    if (st == PB_OK && json)
        cli_write_stdout(json, json_len);
    if (st == PB_OK && summary) {
        if (to_stdout)
            fputs(summary, stderr);
        else
            cli_write_stdout(summary, summary_len);
    }
    pb_free(json);
    pb_free(summary);
    pb_engine_free(engine);
    return (int)st;
}
