/* libzip loaded on first use, see zip_lib.h. */
#define PB_IMPORT_ZIP_LIB_LOADER
#include "import/zip_lib.h"

#include "base/dynlib.h"

pb_zip_table pb_zip;

#define PB_DYNLIB_NAME(sym) #sym,
static const char *const names[] = {PB_ZIP_SYMBOLS(PB_DYNLIB_NAME)};
static void *addresses[sizeof names / sizeof *names];

static void resolve_once(void);

static pb_dynlib lib = {
    .soname = "libzip.so.4",
    .description = "in the Debian package libzip4",
    .names = names,
    .count = sizeof names / sizeof *names,
    .addresses = addresses,
    .once = PTHREAD_ONCE_INIT,
    .resolve_once = resolve_once,
};

static void resolve_once(void)
{
    pb_dynlib_resolve(&lib);
    if (!lib.loaded)
        return;
    size_t i = 0;
#define PB_DYNLIB_FILL(sym) pb_zip.sym = (__typeof__(pb_zip.sym))addresses[i++];
    PB_ZIP_SYMBOLS(PB_DYNLIB_FILL)
}

bool pb_zip_load(const char *what, const char *file, pb_diag *diag)
{
    return pb_dynlib_load(&lib, what, file, diag);
}
