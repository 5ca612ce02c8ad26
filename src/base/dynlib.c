/* Libraries loaded on first use, see dynlib.h. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include "base/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* The tests' replacements (a few libraries). */
static struct {
    const char *soname, *replacement;
} test_replaced[4];

void pb_dynlib_test_replace(const char *soname, const char *replacement)
{
    for (size_t i = 0; i < sizeof test_replaced / sizeof *test_replaced; i++)
        if (!test_replaced[i].soname || !strcmp(test_replaced[i].soname, soname)) {
            test_replaced[i].soname = soname;
            test_replaced[i].replacement = replacement;
            return;
        }
}

static const char *test_replacement(const char *soname)
{
    for (size_t i = 0; i < sizeof test_replaced / sizeof *test_replaced; i++)
        if (test_replaced[i].soname && !strcmp(test_replaced[i].soname, soname))
            return test_replaced[i].replacement;
    return NULL;
}

/* Every symbol from the process's global scope; false (nothing kept)
 * unless all are there, so a different build of the library that a host
 * loaded (another major version lacking some) is not mixed in. */
static bool from_process(pb_dynlib *lib)
{
    for (size_t i = 0; i < lib->count; i++) {
        lib->addresses[i] = dlsym(RTLD_DEFAULT, lib->names[i]);
        if (!lib->addresses[i]) {
            memset(lib->addresses, 0, lib->count * sizeof *lib->addresses);
            return false;
        }
    }
    return true;
}

void pb_dynlib_resolve(pb_dynlib *lib)
{
    const char *soname = lib->soname;
    bool replaced = test_replacement(soname) != NULL;
    if (replaced)
        soname = test_replacement(soname);
    else if (from_process(lib)) {
        lib->loaded = true;
        return;
    }
    /* never closed: the pointers are used for the life of the process, and
       libcrypto registers handlers at exit */
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(lib->error, sizeof lib->error, "cannot be loaded (%s)",
                 why ? why : "no reason given");
        return;
    }
    for (size_t i = 0; i < lib->count; i++) {
        dlerror();
        lib->addresses[i] = dlsym(h, lib->names[i]);
        if (!lib->addresses[i]) {
            snprintf(lib->error, sizeof lib->error, "lacks %s (%s)", lib->names[i],
                     replaced ? soname : "a version older than paiban needs");
            memset(lib->addresses, 0, lib->count * sizeof *lib->addresses);
            dlclose(h);
            return;
        }
    }
    lib->loaded = true;
}

bool pb_dynlib_load(pb_dynlib *lib, const char *what, const char *file, pb_diag *diag)
{
    pthread_once(&lib->once, lib->resolve_once);
    if (lib->loaded)
        return true;
    pb_diag_error(diag, PB_ERR_LIBRARY, file, NULL,
                  "%s needs %s (%s), which %s", what, lib->soname, lib->description,
                  lib->error);
    return false;
}
