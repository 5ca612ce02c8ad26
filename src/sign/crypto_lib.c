/* libcrypto loaded on first use, see crypto_lib.h. */
#define PB_SIGN_CRYPTO_LIB_LOADER
#include "sign/crypto_lib.h"

#include "base/dynlib.h"

pb_crypto_table pb_crypto;

#define PB_DYNLIB_NAME(sym) #sym,
static const char *const names[] = {PB_CRYPTO_SYMBOLS(PB_DYNLIB_NAME)};
static void *addresses[sizeof names / sizeof *names];

static void resolve_once(void);

static pb_dynlib lib = {
    .soname = "libcrypto.so.3",
    .description = "OpenSSL 3, in the Debian package libssl3",
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
#define PB_DYNLIB_FILL(sym) pb_crypto.sym = (__typeof__(pb_crypto.sym))addresses[i++];
    PB_CRYPTO_SYMBOLS(PB_DYNLIB_FILL)
}

bool pb_crypto_load(const char *what, const char *file, pb_diag *diag)
{
    return pb_dynlib_load(&lib, what, file, diag);
}
