/* paiban command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "paiban.h"

static const char usage[] =
    "usage: paiban render REPORT.json [-l LAYOUT] -o OUT.pdf [options]\n"
    "       paiban --help | --version\n"
    "\n"
    "Typesets a report (JSON data) with a layout (JSON) into a PDF.\n"
    "\n"
    "render options:\n"
    "  -o, --output FILE    the PDF to write (written whole or not at all)\n"
    "  -l, --layout LAYOUT  a layout name (e.g. gbt9704) or a .json path; default:\n"
    "                       the layout the report names, else gbt9704\n"
    "  --font-dir DIR       also look for fonts in DIR (may be repeated)\n"
    "  --dump FILE|-        write every placed line (page, position, font, size,\n"
    "                       text) as text\n"
    "  --verbose            print which font file serves each font role\n"
    "\n"
    "exit status: 0 success, 1 internal error, 2 usage, 3 invalid report data,\n"
    "4 layout or font problem, 5 file could not be read or written\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("paiban: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'paiban --help'.\n", stderr);
    return PB_ERR_USAGE;
}

static int cmd_render(int argc, char **argv)
{
    pb_render_options opt = {0};
    const char **dirs = pb_xcalloc((size_t)argc, sizeof *dirs);
    int ndirs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-l") ||
                     !strcmp(a, "--layout") || !strcmp(a, "--font-dir") ||
                     !strcmp(a, "--dump");
        if (takes && !next) {
            free(dirs);
            return usage_error("option %s needs a value", a);
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            opt.out_path = argv[++i];
        else if (!strcmp(a, "-l") || !strcmp(a, "--layout"))
            opt.layout_ref = argv[++i];
        else if (!strcmp(a, "--font-dir"))
            dirs[ndirs++] = argv[++i];
        else if (!strcmp(a, "--dump"))
            opt.dump_path = argv[++i];
        else if (!strcmp(a, "--verbose"))
            opt.verbose = stderr;
        else if (a[0] == '-' && a[1] != 0) {
            free(dirs);
            return usage_error("unknown option %s", a);
        } else if (!opt.report_path)
            opt.report_path = a;
        else {
            free(dirs);
            return usage_error("more than one report given (%s)", a);
        }
    }
    if (!opt.report_path) {
        free(dirs);
        return usage_error("%s", "no report given");
    }
    if (!opt.out_path && !opt.dump_path) {
        free(dirs);
        return usage_error("%s", "no output given (-o OUT.pdf or --dump FILE)");
    }
    opt.font_dirs = dirs;
    opt.nfont_dirs = ndirs;
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_render(&opt, &diag);
    pb_diag_print(&diag, stderr);
    pb_diag_free(&diag);
    free(dirs);
    return (int)st;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command given");
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
    return usage_error("unknown command '%s'", argv[1]);
}
