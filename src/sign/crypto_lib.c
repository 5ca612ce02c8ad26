/* libcrypto loaded on first use, see crypto_lib.h. */
#define PB_SIGN_CRYPTO_LIB_LOADER
#include "sign/crypto_lib.h"

#include "base/dynlib.h"

pb_crypto_table pb_crypto;

#define PB_DYNLIB_TABLE pb_crypto
PB_DYNLIB_DEFINE(PB_CRYPTO_SYMBOLS, "libcrypto.so.3", "OpenSSL 3, in the Debian package libssl3",
                 NULL, pb_crypto_load)
