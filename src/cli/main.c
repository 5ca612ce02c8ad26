/* paiban command line: dispatch, --help and --version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "paiban.h"

static const char usage[] =
    "usage: paiban render REPORT.json... [-l LAYOUT] -o OUT.pdf|OUTDIR/ [options]\n"
    "       paiban check REPORT.json [-l LAYOUT] [--previous PREV.json]\n"
    "                    [--format text|json] [--strict]\n"
    "       paiban --help | --version\n"
    "\n"
    "Typesets reports (JSON data) with a layout (JSON) into PDF files.\n"
    "\n"
    "render options:\n"
    "  -o, --output PATH    the PDF to write, or with several reports a folder for\n"
    "                       them (OUTDIR/NAME.pdf for NAME.json); a PDF is written\n"
    "                       whole or not at all\n"
    "  -l, --layout LAYOUT  a layout name (e.g. gbt9704) or a .json path; default:\n"
    "                       the layout each report names, else gbt9704\n"
    "  --batch LISTFILE     also render the reports listed in LISTFILE, one path a\n"
    "                       line ('-': standard input)\n"
    "  -j, --jobs N         render N reports at a time (default: one per core)\n"
    "  --quiet              no progress line\n"
    "  --font-dir DIR       also look for fonts in DIR (may be repeated)\n"
    "  --dump FILE|-        write every placed line (page, position, font, size,\n"
    "                       text) as text (one report only)\n"
    "  --verbose            print which font file serves each font role\n"
    "  --previous PREV.json\n"
    "                       last year's report: also check the rules across years\n"
    "  --force              write the PDF even when the numbers do not add up (the\n"
    "                       findings are printed as warnings)\n"
    "\n"
    "check options (the layout's rules over the tables; nothing is typeset):\n"
    "  -l, --layout LAYOUT  as for render\n"
    "  --previous PREV.json\n"
    "                       last year's report, for the rules that name prev.\n"
    "  --format text|json   how the findings are written (default text)\n"
    "  --strict             a blank cell that a rule needs fails the check too\n"
    "\n"
    "exit status: 0 success, 1 internal error, 2 usage, 3 invalid report data,\n"
    "4 layout or font problem, 5 file could not be read or written, 6 the numbers\n"
    "do not add up\n";

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("paiban: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'paiban --help'.\n", stderr);
    va_end(ap);
    return PB_ERR_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("no command given");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("paiban %s\n", PAIBAN_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "render"))
        return cmd_render(argc - 2, argv + 2);
    if (!strcmp(argv[1], "check"))
        return cmd_check(argc - 2, argv + 2);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
