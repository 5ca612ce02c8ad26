/* Digital signatures of paiban's PDFs (PAdES baseline B-B, ETSI EN
 * 319 142-1): an incremental update adds a signature field, tagged as a
 * Form element so the PDF/UA and PDF/A-3 claims stay true, and a
 * signature dictionary with /SubFilter /ETSI.CAdES.detached whose
 * /ByteRange covers the whole file but the signature, which is a detached
 * CMS SignedData (RFC 5652) with the signing-certificate-v2 attribute
 * (RFC 5035).  Keys: RSA (PKCS #1 v1.5) and ECDSA with SHA-256, SM2 with
 * SM3.  And the other way: every signature of a file checked.  The only
 * module that includes OpenSSL. */
#ifndef PB_SIGN_H
#define PB_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"
#include "pdfread/pdfupdate.h"

/* A file given to the signer: its name for messages, and its bytes. */
typedef struct pb_sign_file {
    const char *name;
    const unsigned char *data;
    size_t len;
} pb_sign_file;

typedef struct pb_sign_params {
    pb_sign_file key;     /* the private key, PEM (PKCS #8 or traditional,
                             possibly encrypted) */
    pb_sign_file cert;    /* its certificate, PEM or DER */
    pb_sign_file chain;   /* certificates up to the root (PEM), or none
                             (data NULL) */
    const char *passphrase; /* for an encrypted key, or NULL */
    size_t passphrase_len;
    const char *reason, *location, *name, *contact; /* or NULL; name: the
                             certificate's common name when NULL */
    long long time;       /* the signing time, seconds since the epoch */
    size_t reserve;       /* bytes kept for the signature; 0: what it takes */
} pb_sign_params;

/* The signed file: pdf (len bytes, named pdf_name in messages, made by
 * paiban and not signed yet) with an incremental update holding the
 * signature, into *out (malloc'ed).  Errors: the key, certificate or
 * chain cannot sign at that time (PB_ERR_SIGN: unreadable as a key, an
 * encrypted key without its passphrase, a key that does not match the
 * certificate, a certificate expired or not yet valid or not for
 * signing), the PDF is damaged, not paiban's or already signed
 * (PB_ERR_INPUT), the signature does not fit the space reserved
 * (PB_ERR_SIGN). */
bool pb_sign_pdf(const unsigned char *pdf, size_t len, const char *pdf_name,
                 const pb_sign_params *params, pb_arena *arena, unsigned char **out,
                 size_t *out_len, pb_diag *diag);

/* ---- verification ------------------------------------------------------ */

typedef struct pb_verify_params {
    const pb_sign_file *cas; /* certificate authorities to trust (PEM, one
                                or more certificates each); none: the
                                chains are not checked */
    int ncas;
    bool json;            /* the report as JSON, else text */
} pb_verify_params;

/* Checks every signature of pdf: that its /ByteRange covers the whole
 * file but its /Contents (else: the document changed after signing), the
 * digest of those bytes against the signed one, the CMS signature with
 * the signer's certificate, the signing-certificate-v2 attribute, the
 * certificate's validity at the signing time and, with cas, its chain.
 * The report (what was signed, by whom, when, what holds and what does
 * not) goes to *report (malloc'ed, NUL-terminated).  Returns PB_OK when
 * every signature is valid and covers the whole file, PB_ERR_VERIFY when
 * one is not or the file has none, or the status of an error in diag (a
 * file that is not a PDF or is damaged: PB_ERR_INPUT). */
pb_status pb_verify_pdf(const unsigned char *pdf, size_t len, const char *pdf_name,
                        const pb_verify_params *params, pb_arena *arena, char **report,
                        size_t *report_len, pb_diag *diag);

#endif
