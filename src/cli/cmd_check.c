/* paiban check: the numbers of a report against the rules of its layout,
 * without typesetting anything.  Findings go to standard output, problems
 * with the input to standard error. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "paiban.h"

int cmd_check(int argc, char **argv)
{
    const char *report = NULL, *layout = NULL, *previous = NULL;
    pb_check_format format = PB_CHECK_TEXT;
    bool strict = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "-l") || !strcmp(a, "--layout") || !strcmp(a, "--previous") ||
                     !strcmp(a, "--format");
        if (takes && i + 1 >= argc)
            return cli_usage_error("option %s needs a value", a);
        if (!strcmp(a, "-l") || !strcmp(a, "--layout")) {
            layout = argv[++i];
        } else if (!strcmp(a, "--previous")) {
            previous = argv[++i];
        } else if (!strcmp(a, "--format")) {
            const char *f = argv[++i];
            if (!strcmp(f, "text"))
                format = PB_CHECK_TEXT;
            else if (!strcmp(f, "json"))
                format = PB_CHECK_JSON;
            else
                return cli_usage_error("--format takes text or json, got '%s'", f);
        } else if (!strcmp(a, "--strict")) {
            strict = true;
        } else if (a[0] == '-' && a[1] != 0) {
            return cli_usage_error("unknown option %s", a);
        } else if (report) {
            return cli_usage_error("check takes one report (got '%s' and '%s')", report, a);
        } else {
            report = a;
        }
    }
    if (!report)
        return cli_usage_error("no report given");
    pb_engine *engine = pb_engine_new(NULL);
    pb_diag diag;
    pb_diag_init(&diag);
    pb_job job = {.report_path = report, .layout_ref = layout, .previous_path = previous};
    pb_status st = pb_engine_check(engine, &job, format, strict, stdout, &diag);
    fflush(stdout);
    pb_diag_print(&diag, stderr);
    pb_diag_free(&diag);
    pb_engine_free(engine);
    return (int)st;
}
