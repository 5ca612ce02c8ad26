/* Shared by the fuzz targets: the checks every run must pass, whatever
 * the bytes were.  A failed check aborts, which libFuzzer reports as a
 * crash with the input that caused it. */
#ifndef PB_FUZZ_COMMON_H
#define PB_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/utf8.h"
#include "engine.h"

#ifndef PAIBAN_SOURCE_DIR
#define PAIBAN_SOURCE_DIR "."
#endif

/* The data folder of the source tree (PAIBAN_DATA_DIR overrides). */
static inline const char *fuzz_data_dir(void)
{
    const char *env = getenv("PAIBAN_DATA_DIR");
    return env && *env ? env : PAIBAN_SOURCE_DIR;
}

static void fuzz_fail(const char *why, const pb_diag *d)
{
    fprintf(stderr, "fuzz check failed: %s\n", why);
    if (d)
        pb_diag_print(d, stderr);
    abort();
}

/* A failed run has a reason; every message is one line of valid UTF-8
 * with no control characters (messages quote the input, and a terminal
 * must not receive escape sequences from it). */
static void fuzz_check_diag(const pb_diag *d, pb_status st)
{
    if (st != PB_OK && d->errors == 0)
        fuzz_fail("failed without an error message", d);
    if (st == PB_OK && d->errors > 0)
        fuzz_fail("errors reported but the run succeeded", d);
    if (st == PB_ERR_INTERNAL)
        fuzz_fail("internal error", d);
    for (int i = 0; i < d->count; i++) {
        const char *t = d->messages[i].text;
        size_t len = strlen(t);
        if (len == 0)
            fuzz_fail("empty message", d);
        if (pb_utf8_invalid_at(t, len) >= 0)
            fuzz_fail("message is not valid UTF-8", d);
        for (size_t k = 0; k < len; k++)
            if ((unsigned char)t[k] < 0x20 || t[k] == 0x7F)
                fuzz_fail("control character in a message", d);
    }
}

/* An engine on the source tree's data, or the run fails. */
static inline pb_engine *fuzz_engine(void)
{
    pb_options *o = pb_options_new();
    pb_engine *e = NULL;
    if (!o || pb_options_set_data_dir(o, fuzz_data_dir()) != PB_OK ||
        pb_engine_new(o, &e) != PB_OK)
        fuzz_fail("cannot make an engine", NULL);
    pb_options_free(o);
    return e;
}

#endif
