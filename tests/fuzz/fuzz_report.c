/* Fuzz target for the input stage: any bytes as report data.  A report
 * that parses is also bound to the tables of the official layout, which
 * checks every table reference and value. */
#include <stdint.h>

#include "fuzz_common.h"
#include "input/input.h"

static pb_arena *layout_arena;
static const pb_layout *layout;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pb_diag d;
    pb_diag_init(&d);
    layout_arena = pb_arena_new();
    pb_input_paths paths = {.data_dir = fuzz_data_dir()};
    layout = pb_input_layout("gov-info-annual-2021", ".", &paths, layout_arena, &d);
    if (!layout)
        fuzz_fail("cannot load the layout gov-info-annual-2021", &d);
    pb_diag_free(&d);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    pb_report *r = pb_input_report("report.json", (const char *)data, size, a, &d);
    bool ok = r && pb_input_bind_tables(r, layout, a, &d);
    fuzz_check_diag(&d, ok ? PB_OK : d.status ? d.status : PB_ERR_INTERNAL);
    if (!ok && d.status != PB_ERR_INPUT)
        fuzz_fail("a bad report must be a report error (exit status 3)", &d);
    pb_diag_free(&d);
    pb_arena_free(a);
    return 0;
}
