/* libcrypto (OpenSSL 3), loaded on first use: only signing and verifying
 * need it.  keys.c and verify.c include this header instead of OpenSSL's,
 * and call OpenSSL by its names, which this header turns into the
 * pointers of a table filled by dlsym (base/dynlib.h). */
#ifndef PB_SIGN_CRYPTO_LIB_H
#define PB_SIGN_CRYPTO_LIB_H

#include <stdbool.h>

/* OpenSSL's allocation macros would put the calling file's path into the
 * library (and an installed library must not name the build tree) */
#define OPENSSL_NO_FILENAMES
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/diag.h"

/* Every symbol of the library paiban uses; `nm -D --undefined-only` on
 * libpaiban.so names none of them (it is linked with --no-undefined). */
#define PB_CRYPTO_SYMBOLS(X)           \
    X(ASN1_INTEGER_to_BN)              \
    X(ASN1_OBJECT_free)                \
    X(ASN1_STRING_free)                \
    X(ASN1_STRING_get0_data)           \
    X(ASN1_STRING_length)              \
    X(ASN1_STRING_new)                 \
    X(ASN1_STRING_set)                 \
    X(ASN1_STRING_to_UTF8)             \
    X(ASN1_TIME_to_tm)                 \
    X(BIO_ctrl)                        \
    X(BIO_free)                        \
    X(BIO_new)                         \
    X(BIO_new_mem_buf)                 \
    X(BIO_s_mem)                       \
    X(BN_bn2hex)                       \
    X(BN_free)                         \
    X(CMS_ContentInfo_free)            \
    X(CMS_SignerInfo_cert_cmp)         \
    X(CMS_SignerInfo_get0_algs)        \
    X(CMS_SignerInfo_get0_signature)   \
    X(CMS_SignerInfo_set1_signer_cert) \
    X(CMS_SignerInfo_verify)           \
    X(CMS_get0_SignerInfos)            \
    X(CMS_get0_content)                \
    X(CMS_get0_type)                   \
    X(CMS_get1_certs)                  \
    X(CMS_signed_get0_data_by_OBJ)     \
    X(CMS_signed_get_attr)             \
    X(CMS_signed_get_attr_count)       \
    X(CRYPTO_free)                     \
    X(ERR_clear_error)                 \
    X(ESS_SIGNING_CERT_V2_free)        \
    X(ESS_SIGNING_CERT_free)           \
    X(EVP_Digest)                      \
    X(EVP_DigestFinal_ex)              \
    X(EVP_DigestInit_ex)               \
    X(EVP_DigestSign)                  \
    X(EVP_DigestSignInit)              \
    X(EVP_DigestUpdate)                \
    X(EVP_DigestVerify)                \
    X(EVP_DigestVerifyInit)            \
    X(EVP_MD_CTX_free)                 \
    X(EVP_MD_CTX_new)                  \
    X(EVP_MD_get0_name)                \
    X(EVP_MD_get_size)                 \
    X(EVP_PKEY_CTX_set1_id)            \
    X(EVP_PKEY_free)                   \
    X(EVP_PKEY_get0_type_name)         \
    X(EVP_PKEY_get_bits)               \
    X(EVP_PKEY_get_size)               \
    X(EVP_PKEY_get_utf8_string_param)  \
    X(EVP_PKEY_is_a)                   \
    X(EVP_get_digestbyname)            \
    X(EVP_sha256)                      \
    X(EVP_sha384)                      \
    X(EVP_sha512)                      \
    X(EVP_sm3)                         \
    X(OBJ_nid2obj)                     \
    X(OBJ_nid2sn)                      \
    X(OBJ_obj2nid)                     \
    X(OBJ_txt2obj)                     \
    X(OPENSSL_sk_free)                 \
    X(OPENSSL_sk_new_null)             \
    X(OPENSSL_sk_num)                  \
    X(OPENSSL_sk_pop_free)             \
    X(OPENSSL_sk_push)                 \
    X(OPENSSL_sk_value)                \
    X(OSSL_ESS_check_signing_certs)    \
    X(PEM_read_bio_PrivateKey)         \
    X(PEM_read_bio_X509)               \
    X(X509_NAME_ENTRY_get_data)        \
    X(X509_NAME_get_entry)             \
    X(X509_NAME_get_index_by_NID)      \
    X(X509_NAME_oneline)               \
    X(X509_NAME_print_ex)              \
    X(X509_STORE_CTX_free)             \
    X(X509_STORE_CTX_get0_chain)       \
    X(X509_STORE_CTX_get_error)        \
    X(X509_STORE_CTX_init)             \
    X(X509_STORE_CTX_new)              \
    X(X509_STORE_CTX_set_flags)        \
    X(X509_STORE_CTX_set_time)         \
    X(X509_STORE_add_cert)             \
    X(X509_STORE_free)                 \
    X(X509_STORE_new)                  \
    X(X509_check_private_key)          \
    X(X509_cmp)                        \
    X(X509_cmp_time)                   \
    X(X509_free)                       \
    X(X509_get0_notAfter)              \
    X(X509_get0_notBefore)             \
    X(X509_get0_pubkey)                \
    X(X509_get0_serialNumber)          \
    X(X509_get_issuer_name)            \
    X(X509_get_key_usage)              \
    X(X509_get_subject_name)           \
    X(X509_verify_cert)                \
    X(X509_verify_cert_error_string)   \
    X(d2i_AutoPrivateKey)              \
    X(d2i_CMS_ContentInfo)             \
    X(d2i_ESS_SIGNING_CERT)            \
    X(d2i_ESS_SIGNING_CERT_V2)         \
    X(d2i_X509)                        \
    X(i2d_ASN1_INTEGER)                \
    X(i2d_ASN1_OBJECT)                 \
    X(i2d_X509)                        \
    X(i2d_X509_ATTRIBUTE)              \
    X(i2d_X509_NAME)

#define PB_DYNLIB_MEMBER(sym) __typeof__(sym) *sym;
typedef struct pb_crypto_table {
    PB_CRYPTO_SYMBOLS(PB_DYNLIB_MEMBER)
} pb_crypto_table;
#undef PB_DYNLIB_MEMBER

extern pb_crypto_table pb_crypto;

/* Loads libcrypto once; false with an error (PB_ERR_LIBRARY) naming file
 * (may be NULL), the library and what needed it ("signing") when it cannot
 * be loaded. */
bool pb_crypto_load(const char *what, const char *file, pb_diag *diag);

/* Each name is the table's pointer from here on (the library's own macros
 * expand to these names too); the loader itself sees the names. */
#ifndef PB_SIGN_CRYPTO_LIB_LOADER
#define ASN1_INTEGER_to_BN (pb_crypto.ASN1_INTEGER_to_BN)
#define ASN1_OBJECT_free (pb_crypto.ASN1_OBJECT_free)
#define ASN1_STRING_free (pb_crypto.ASN1_STRING_free)
#define ASN1_STRING_get0_data (pb_crypto.ASN1_STRING_get0_data)
#define ASN1_STRING_length (pb_crypto.ASN1_STRING_length)
#define ASN1_STRING_new (pb_crypto.ASN1_STRING_new)
#define ASN1_STRING_set (pb_crypto.ASN1_STRING_set)
#define ASN1_STRING_to_UTF8 (pb_crypto.ASN1_STRING_to_UTF8)
#define ASN1_TIME_to_tm (pb_crypto.ASN1_TIME_to_tm)
#define BIO_ctrl (pb_crypto.BIO_ctrl)
#define BIO_free (pb_crypto.BIO_free)
#define BIO_new (pb_crypto.BIO_new)
#define BIO_new_mem_buf (pb_crypto.BIO_new_mem_buf)
#define BIO_s_mem (pb_crypto.BIO_s_mem)
#define BN_bn2hex (pb_crypto.BN_bn2hex)
#define BN_free (pb_crypto.BN_free)
#define CMS_ContentInfo_free (pb_crypto.CMS_ContentInfo_free)
#define CMS_SignerInfo_cert_cmp (pb_crypto.CMS_SignerInfo_cert_cmp)
#define CMS_SignerInfo_get0_algs (pb_crypto.CMS_SignerInfo_get0_algs)
#define CMS_SignerInfo_get0_signature (pb_crypto.CMS_SignerInfo_get0_signature)
#define CMS_SignerInfo_set1_signer_cert (pb_crypto.CMS_SignerInfo_set1_signer_cert)
#define CMS_SignerInfo_verify (pb_crypto.CMS_SignerInfo_verify)
#define CMS_get0_SignerInfos (pb_crypto.CMS_get0_SignerInfos)
#define CMS_get0_content (pb_crypto.CMS_get0_content)
#define CMS_get0_type (pb_crypto.CMS_get0_type)
#define CMS_get1_certs (pb_crypto.CMS_get1_certs)
#define CMS_signed_get0_data_by_OBJ (pb_crypto.CMS_signed_get0_data_by_OBJ)
#define CMS_signed_get_attr (pb_crypto.CMS_signed_get_attr)
#define CMS_signed_get_attr_count (pb_crypto.CMS_signed_get_attr_count)
#define CRYPTO_free (pb_crypto.CRYPTO_free)
#define ERR_clear_error (pb_crypto.ERR_clear_error)
#define ESS_SIGNING_CERT_V2_free (pb_crypto.ESS_SIGNING_CERT_V2_free)
#define ESS_SIGNING_CERT_free (pb_crypto.ESS_SIGNING_CERT_free)
#define EVP_Digest (pb_crypto.EVP_Digest)
#define EVP_DigestFinal_ex (pb_crypto.EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (pb_crypto.EVP_DigestInit_ex)
#define EVP_DigestSign (pb_crypto.EVP_DigestSign)
#define EVP_DigestSignInit (pb_crypto.EVP_DigestSignInit)
#define EVP_DigestUpdate (pb_crypto.EVP_DigestUpdate)
#define EVP_DigestVerify (pb_crypto.EVP_DigestVerify)
#define EVP_DigestVerifyInit (pb_crypto.EVP_DigestVerifyInit)
#define EVP_MD_CTX_free (pb_crypto.EVP_MD_CTX_free)
#define EVP_MD_CTX_new (pb_crypto.EVP_MD_CTX_new)
#define EVP_MD_get0_name (pb_crypto.EVP_MD_get0_name)
#define EVP_MD_get_size (pb_crypto.EVP_MD_get_size)
#define EVP_PKEY_CTX_set1_id (pb_crypto.EVP_PKEY_CTX_set1_id)
#define EVP_PKEY_free (pb_crypto.EVP_PKEY_free)
#define EVP_PKEY_get0_type_name (pb_crypto.EVP_PKEY_get0_type_name)
#define EVP_PKEY_get_bits (pb_crypto.EVP_PKEY_get_bits)
#define EVP_PKEY_get_size (pb_crypto.EVP_PKEY_get_size)
#define EVP_PKEY_get_utf8_string_param (pb_crypto.EVP_PKEY_get_utf8_string_param)
#define EVP_PKEY_is_a (pb_crypto.EVP_PKEY_is_a)
#define EVP_get_digestbyname (pb_crypto.EVP_get_digestbyname)
#define EVP_sha256 (pb_crypto.EVP_sha256)
#define EVP_sha384 (pb_crypto.EVP_sha384)
#define EVP_sha512 (pb_crypto.EVP_sha512)
#define EVP_sm3 (pb_crypto.EVP_sm3)
#define OBJ_nid2obj (pb_crypto.OBJ_nid2obj)
#define OBJ_nid2sn (pb_crypto.OBJ_nid2sn)
#define OBJ_obj2nid (pb_crypto.OBJ_obj2nid)
#define OBJ_txt2obj (pb_crypto.OBJ_txt2obj)
#define OPENSSL_sk_free (pb_crypto.OPENSSL_sk_free)
#define OPENSSL_sk_new_null (pb_crypto.OPENSSL_sk_new_null)
#define OPENSSL_sk_num (pb_crypto.OPENSSL_sk_num)
#define OPENSSL_sk_pop_free (pb_crypto.OPENSSL_sk_pop_free)
#define OPENSSL_sk_push (pb_crypto.OPENSSL_sk_push)
#define OPENSSL_sk_value (pb_crypto.OPENSSL_sk_value)
#define OSSL_ESS_check_signing_certs (pb_crypto.OSSL_ESS_check_signing_certs)
#define PEM_read_bio_PrivateKey (pb_crypto.PEM_read_bio_PrivateKey)
#define PEM_read_bio_X509 (pb_crypto.PEM_read_bio_X509)
#define X509_NAME_ENTRY_get_data (pb_crypto.X509_NAME_ENTRY_get_data)
#define X509_NAME_get_entry (pb_crypto.X509_NAME_get_entry)
#define X509_NAME_get_index_by_NID (pb_crypto.X509_NAME_get_index_by_NID)
#define X509_NAME_oneline (pb_crypto.X509_NAME_oneline)
#define X509_NAME_print_ex (pb_crypto.X509_NAME_print_ex)
#define X509_STORE_CTX_free (pb_crypto.X509_STORE_CTX_free)
#define X509_STORE_CTX_get0_chain (pb_crypto.X509_STORE_CTX_get0_chain)
#define X509_STORE_CTX_get_error (pb_crypto.X509_STORE_CTX_get_error)
#define X509_STORE_CTX_init (pb_crypto.X509_STORE_CTX_init)
#define X509_STORE_CTX_new (pb_crypto.X509_STORE_CTX_new)
#define X509_STORE_CTX_set_flags (pb_crypto.X509_STORE_CTX_set_flags)
#define X509_STORE_CTX_set_time (pb_crypto.X509_STORE_CTX_set_time)
#define X509_STORE_add_cert (pb_crypto.X509_STORE_add_cert)
#define X509_STORE_free (pb_crypto.X509_STORE_free)
#define X509_STORE_new (pb_crypto.X509_STORE_new)
#define X509_check_private_key (pb_crypto.X509_check_private_key)
#define X509_cmp (pb_crypto.X509_cmp)
#define X509_cmp_time (pb_crypto.X509_cmp_time)
#define X509_free (pb_crypto.X509_free)
#define X509_get0_notAfter (pb_crypto.X509_get0_notAfter)
#define X509_get0_notBefore (pb_crypto.X509_get0_notBefore)
#define X509_get0_pubkey (pb_crypto.X509_get0_pubkey)
#define X509_get0_serialNumber (pb_crypto.X509_get0_serialNumber)
#define X509_get_issuer_name (pb_crypto.X509_get_issuer_name)
#define X509_get_key_usage (pb_crypto.X509_get_key_usage)
#define X509_get_subject_name (pb_crypto.X509_get_subject_name)
#define X509_verify_cert (pb_crypto.X509_verify_cert)
#define X509_verify_cert_error_string (pb_crypto.X509_verify_cert_error_string)
#define d2i_AutoPrivateKey (pb_crypto.d2i_AutoPrivateKey)
#define d2i_CMS_ContentInfo (pb_crypto.d2i_CMS_ContentInfo)
#define d2i_ESS_SIGNING_CERT (pb_crypto.d2i_ESS_SIGNING_CERT)
#define d2i_ESS_SIGNING_CERT_V2 (pb_crypto.d2i_ESS_SIGNING_CERT_V2)
#define d2i_X509 (pb_crypto.d2i_X509)
#define i2d_ASN1_INTEGER (pb_crypto.i2d_ASN1_INTEGER)
#define i2d_ASN1_OBJECT (pb_crypto.i2d_ASN1_OBJECT)
#define i2d_X509 (pb_crypto.i2d_X509)
#define i2d_X509_ATTRIBUTE (pb_crypto.i2d_X509_ATTRIBUTE)
#define i2d_X509_NAME (pb_crypto.i2d_X509_NAME)
#endif

#endif
