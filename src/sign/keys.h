/* Keys, certificates and CMS SignedData (private to src/sign/). */
#ifndef PB_SIGN_KEYS_H
#define PB_SIGN_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "pdfread/pdfupdate.h"
#include "sign/sign.h"

/* The signer: a private key, its certificate, the chain, and what they
 * sign with (SHA-256 with RSA or ECDSA, SM3 with SM2). */
typedef struct pb_keys pb_keys;

/* Reads and checks the key, certificate and chain of params for a
 * signature at params->time; NULL after errors (PB_ERR_SIGN, naming the
 * files). */
pb_keys *pb_keys_load(const pb_sign_params *params, pb_diag *diag);
void pb_keys_free(pb_keys *k);

/* The certificate's subject common name (or its whole subject), UTF-8,
 * malloc'ed. */
char *pb_keys_signer_name(const pb_keys *k);

/* "RSA 2048 bits with SHA-256", for messages. */
const char *pb_keys_algorithm(const pb_keys *k);

/* The digest the signature covers, of the byte ranges [r0, r0+n0) and
 * [r1, r1+n1) of data; out holds 64 bytes; its length is returned (0 on a
 * failure of the library). */
size_t pb_keys_digest(const pb_keys *k, const unsigned char *data, size_t r0, size_t n0,
                      size_t r1, size_t n1, unsigned char *out);

/* A detached CMS SignedData (DER) over a document with that digest:
 * content-type, message-digest and signing-certificate-v2 as signed
 * attributes, the certificate and the chain.  False after an error. */
bool pb_keys_cms(const pb_keys *k, const unsigned char *digest, size_t digest_len,
                 pb_wbuf *out, pb_diag *diag);

/* The length of that CMS with the longest signature the key can make (an
 * ECDSA or SM2 signature varies by a few bytes): the space to reserve. */
size_t pb_keys_cms_size(const pb_keys *k, size_t digest_len);

#endif
