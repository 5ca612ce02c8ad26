/* Libraries loaded on first use (dlopen), for the few commands that need
 * them: libcrypto for signing and verifying, libxml2 and libzip for
 * importing.  A render never loads them, so it does not pay for their
 * relocation and constructors at start-up.
 *
 * Each library's module keeps a pb_dynlib and a table of pointers (a
 * struct of `__typeof__(fn) *fn;` members, see sign/crypto_lib.h); the
 * symbols are looked for first among those already in the process (a
 * program linked with libpaiban.a and the library itself, or a host that
 * loaded it), so the library is never loaded twice, and only then in the
 * library loaded by its soname. */
#ifndef PB_DYNLIB_H
#define PB_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef struct pb_dynlib {
    const char *soname;       /* "libcrypto.so.3" */
    const char *description;  /* "OpenSSL 3, in the Debian package libssl3" */
    const char *const *names; /* the symbols, in the table's order */
    size_t count;
    void **addresses;         /* count of them, filled by the load */
    pthread_once_t once;
    void (*resolve_once)(void); /* the module's: pb_dynlib_resolve, then its
                                   table from the addresses */
    bool loaded;
    char error[320];          /* why it could not be loaded */
} pb_dynlib;

/* Fills lib->addresses, or lib->error; called by the module's
 * resolve_once only. */
void pb_dynlib_resolve(pb_dynlib *lib);

/* Loads lib once (thread-safe).  False with an error (PB_ERR_LIBRARY) in
 * diag, naming file (may be NULL), the library and what needed it
 * ("signing"), when the library cannot be loaded or lacks a symbol. */
bool pb_dynlib_load(pb_dynlib *lib, const char *what, const char *file, pb_diag *diag);

/* What every loader module defines (import/zip_lib.c): with
 * PB_DYNLIB_TABLE defined as the module's table of pointers, the names of
 * the symbols of the X-macro `list`, the pb_dynlib of `soname`, the
 * resolve_once that fills the table (then calls `then`, NULL or a
 * function run once after), and `bool load_fn(what, file, diag)`, which
 * pb_dynlib_load's. */
#define PB_DYNLIB_NAME_OF(sym) #sym,
#define PB_DYNLIB_FILL_ONE(sym) \
    PB_DYNLIB_TABLE.sym = (__typeof__(PB_DYNLIB_TABLE.sym))addresses[i++];
#define PB_DYNLIB_DEFINE(list, soname_, description_, then, load_fn)                \
    static const char *const names[] = {list(PB_DYNLIB_NAME_OF)};                   \
    static void *addresses[sizeof names / sizeof *names];                           \
    static void resolve_once(void);                                                 \
    static pb_dynlib lib = {.soname = soname_,                                      \
                            .description = description_,                            \
                            .names = names,                                         \
                            .count = sizeof names / sizeof *names,                  \
                            .addresses = addresses,                                 \
                            .once = PTHREAD_ONCE_INIT,                              \
                            .resolve_once = resolve_once};                          \
    static void resolve_once(void)                                                  \
    {                                                                               \
        pb_dynlib_resolve(&lib);                                                    \
        if (!lib.loaded)                                                            \
            return;                                                                 \
        size_t i = 0;                                                               \
        list(PB_DYNLIB_FILL_ONE)                                                    \
        void (*then_)(void) = then;                                                 \
        if (then_)                                                                  \
            then_();                                                                \
    }                                                                               \
    bool load_fn(const char *what, const char *file, pb_diag *diag)                 \
    {                                                                               \
        return pb_dynlib_load(&lib, what, file, diag);                              \
    }

/* For tests only, before the first load of that library: loads
 * replacement in the place of soname (one that does not exist, or lacks
 * the symbols), without looking among the symbols already in the process.
 * Up to four libraries; not thread-safe. */
void pb_dynlib_test_replace(const char *soname, const char *replacement);

#endif
