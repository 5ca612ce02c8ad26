/* The signer's key and certificates (OpenSSL), and the CMS SignedData
 * built as DER here: OpenSSL's CMS_sign adds a signing-time attribute
 * from the clock, which PAdES leaves out (ETSI EN 319 142-1 5.2: the time
 * is the signature dictionary's /M) and which would make the output
 * depend on the clock.  Built here, the same key, time and document give
 * the same bytes (RSA PKCS #1 v1.5 is deterministic; ECDSA and SM2 draw a
 * random number for every signature).
 *
 * RFC 5652 (CMS), RFC 5035 (signing-certificate-v2), RFC 5754 (SHA-2
 * algorithm identifiers), X.690 (DER: a SET OF in the order of its
 * members' encodings). */
#include "sign/keys.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sign/crypto_lib.h"

#include "base/arena.h"

struct pb_keys {
    EVP_PKEY *key;        /* owned */
    X509 *cert;           /* owned */
    STACK_OF(X509) *chain; /* owned, may be empty */
    const EVP_MD *md;     /* SHA-256 or SM3 */
    const char *md_oid;   /* the digest's object identifier */
    const char *sig_oid;  /* the signature algorithm's */
    bool sig_null;        /* its parameters are NULL (RSA) */
    bool sm2;             /* the SM2 signature takes the default ID */
    char alg[160];
};

/* ---- loading ----------------------------------------------------------- */

typedef struct pass_ctx {
    const char *pass;
    size_t len;
    bool asked;
} pass_ctx;

static int pass_cb(char *buf, int size, int rwflag, void *user)
{
    (void)rwflag;
    pass_ctx *p = user;
    p->asked = true;
    if (!p->pass)
        return -1; /* never a prompt on a terminal: the caller gives it */
    int n = p->len < (size_t)size ? (int)p->len : size;
    memcpy(buf, p->pass, (size_t)n);
    return n;
}

/* "2021-01-01" */
static void asn1_date(const ASN1_TIME *t, char out[64])
{
    struct tm tm;
    if (t && ASN1_TIME_to_tm(t, &tm))
        snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    else
        snprintf(out, 64, "an unreadable date");
}

static EVP_PKEY *load_key(const pb_sign_params *p, pb_diag *diag)
{
    const pb_sign_file *f = &p->key;
    BIO *bio = BIO_new_mem_buf(f->data, (int)f->len);
    pass_ctx pc = {p->passphrase, p->passphrase_len, false};
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &pc) : NULL;
    BIO_free(bio);
    if (!key && !pc.asked) {
        /* a DER key (PKCS #8, unencrypted) */
        const unsigned char *d = f->data;
        key = d2i_AutoPrivateKey(NULL, &d, (long)f->len);
    }
    ERR_clear_error();
    if (key)
        return key;
    if (pc.asked && !p->passphrase)
        pb_diag_error(diag, PB_ERR_SIGN, f->name, NULL,
                      "the private key is encrypted: give its passphrase with --pass-in "
                      "(env:VAR, file:PATH or fd:N)");
    else if (pc.asked)
        pb_diag_error(diag, PB_ERR_SIGN, f->name, NULL,
                      "the passphrase does not open the private key");
    else
        pb_diag_error(diag, PB_ERR_SIGN, f->name, NULL,
                      "not a private key (expected PEM, \"-----BEGIN PRIVATE KEY-----\", or DER)");
    return NULL;
}

static X509 *load_cert(const pb_sign_file *f, pb_diag *diag)
{
    BIO *bio = BIO_new_mem_buf(f->data, (int)f->len);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!x) {
        const unsigned char *d = f->data;
        x = d2i_X509(NULL, &d, (long)f->len);
    }
    ERR_clear_error();
    if (!x)
        pb_diag_error(diag, PB_ERR_SIGN, f->name, NULL,
                      "not a certificate (expected PEM, \"-----BEGIN CERTIFICATE-----\", or DER)");
    return x;
}

static STACK_OF(X509) *load_chain(const pb_sign_file *f, pb_diag *diag)
{
    STACK_OF(X509) *chain = sk_X509_new_null();
    if (!chain || !f->data)
        return chain;
    BIO *bio = BIO_new_mem_buf(f->data, (int)f->len);
    X509 *x;
    while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
        if (!sk_X509_push(chain, x))
            X509_free(x);
    BIO_free(bio);
    ERR_clear_error();
    if (sk_X509_num(chain) == 0)
        pb_diag_error(diag, PB_ERR_SIGN, f->name, NULL,
                      "holds no certificate (expected PEM, \"-----BEGIN CERTIFICATE-----\")");
    return chain;
}

void pb_keys_free(pb_keys *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->key);
    X509_free(k->cert);
    sk_X509_pop_free(k->chain, X509_free);
    free(k);
}

/* What the key signs with; false for a kind paiban does not sign with. */
static bool choose_algorithm(pb_keys *k, const char *key_name, pb_diag *diag)
{
    int bits = EVP_PKEY_get_bits(k->key);
    if (EVP_PKEY_is_a(k->key, "SM2")) {
        k->md = EVP_sm3();
        k->md_oid = "1.2.156.10197.1.401";
        k->sig_oid = "1.2.156.10197.1.501"; /* SM2-with-SM3 */
        k->sm2 = true;
        snprintf(k->alg, sizeof k->alg, "SM2 with SM3");
    } else if (EVP_PKEY_is_a(k->key, "RSA")) {
        if (bits < 2048) {
            pb_diag_error(diag, PB_ERR_SIGN, key_name, NULL,
                          "the RSA key has %d bits: a signature needs at least 2048", bits);
            return false;
        }
        k->md = EVP_sha256();
        k->md_oid = "2.16.840.1.101.3.4.2.1";
        k->sig_oid = "1.2.840.113549.1.1.1"; /* rsaEncryption: PKCS #1 v1.5 */
        k->sig_null = true;
        snprintf(k->alg, sizeof k->alg, "RSA %d bits with SHA-256", bits);
    } else if (EVP_PKEY_is_a(k->key, "EC")) {
        char curve[64] = "";
        size_t n = 0;
        EVP_PKEY_get_utf8_string_param(k->key, "group", curve, sizeof curve, &n);
        if (!strcmp(curve, "SM2")) {
            pb_diag_error(diag, PB_ERR_SIGN, key_name, NULL,
                          "an EC key on the SM2 curve that OpenSSL does not take for SM2");
            return false;
        }
        k->md = EVP_sha256();
        k->md_oid = "2.16.840.1.101.3.4.2.1";
        k->sig_oid = "1.2.840.10045.4.3.2"; /* ecdsa-with-SHA256 */
        snprintf(k->alg, sizeof k->alg, "ECDSA %s with SHA-256",
                 !strcmp(curve, "prime256v1") ? "P-256" : curve);
    } else {
        pb_diag_error(diag, PB_ERR_SIGN, key_name, NULL,
                      "a %s key: paiban signs with RSA, ECDSA or SM2 keys",
                      EVP_PKEY_get0_type_name(k->key) ? EVP_PKEY_get0_type_name(k->key) : "unknown");
        return false;
    }
    return true;
}

pb_keys *pb_keys_load(const pb_sign_params *p, pb_diag *diag)
{
    if (!pb_crypto_load("signing", NULL, diag))
        return NULL;
    int before = diag->errors;
    pb_keys *k = pb_xcalloc(1, sizeof *k);
    k->key = load_key(p, diag);
    k->cert = load_cert(&p->cert, diag);
    k->chain = load_chain(&p->chain, diag);
    if (k->key && !choose_algorithm(k, p->key.name, diag)) {
        pb_keys_free(k);
        return NULL;
    }
    if (k->key && k->cert && X509_check_private_key(k->cert, k->key) != 1)
        pb_diag_error(diag, PB_ERR_SIGN, p->key.name, NULL,
                      "the private key does not match the certificate %s", p->cert.name);
    ERR_clear_error();
    if (k->cert) {
        time_t t = (time_t)p->time;
        char when[64], date[64];
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (X509_cmp_time(X509_get0_notAfter(k->cert), &t) < 0) {
            asn1_date(X509_get0_notAfter(k->cert), date);
            pb_diag_error(diag, PB_ERR_SIGN, p->cert.name, NULL,
                          "the certificate expired on %s, before the signing time %s", date,
                          when);
        } else if (X509_cmp_time(X509_get0_notBefore(k->cert), &t) > 0) {
            asn1_date(X509_get0_notBefore(k->cert), date);
            pb_diag_error(diag, PB_ERR_SIGN, p->cert.name, NULL,
                          "the certificate is valid only from %s, after the signing time %s",
                          date, when);
        }
        uint32_t ku = X509_get_key_usage(k->cert);
        if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
            pb_diag_error(diag, PB_ERR_SIGN, p->cert.name, NULL,
                          "the certificate is not for signing: its key usage has neither "
                          "digitalSignature nor nonRepudiation");
    }
    ERR_clear_error();
    if (diag->errors > before) {
        pb_keys_free(k);
        return NULL;
    }
    return k;
}

char *pb_keys_signer_name(const pb_keys *k)
{
    X509_NAME *subj = X509_get_subject_name(k->cert);
    int i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
    unsigned char *utf8 = NULL;
    int n = -1;
    if (i >= 0)
        n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i)));
    if (n >= 0) {
        char *s = pb_xmalloc((size_t)n + 1);
        memcpy(s, utf8, (size_t)n);
        s[n] = 0;
        OPENSSL_free(utf8);
        return s;
    }
    char *line = X509_NAME_oneline(subj, NULL, 0);
    char *s = pb_xstrdup(line ? line : "");
    OPENSSL_free(line);
    return s;
}

const char *pb_keys_algorithm(const pb_keys *k)
{
    return k->alg;
}

size_t pb_keys_digest(const pb_keys *k, const unsigned char *data, size_t r0, size_t n0,
                      size_t r1, size_t n1, unsigned char *out)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int len = 0;
    bool ok = c && EVP_DigestInit_ex(c, k->md, NULL) && EVP_DigestUpdate(c, data + r0, n0) &&
              EVP_DigestUpdate(c, data + r1, n1) && EVP_DigestFinal_ex(c, out, &len);
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return ok ? len : 0;
}

/* ---- DER ------------------------------------------------------------------ */

static void der_len(pb_wbuf *b, size_t n)
{
    unsigned char l[9];
    int k = 0;
    if (n < 128) {
        l[k++] = (unsigned char)n;
    } else {
        unsigned char d[8];
        int m = 0;
        for (size_t v = n; v; v >>= 8)
            d[m++] = (unsigned char)v;
        l[k++] = (unsigned char)(0x80 | m);
        while (m)
            l[k++] = d[--m];
    }
    pb_wbuf_put(b, l, (size_t)k);
}

/* tag, length, content */
static void tlv(pb_wbuf *b, unsigned char tag, const void *content, size_t n)
{
    pb_wbuf_put(b, &tag, 1);
    der_len(b, n);
    pb_wbuf_put(b, content, n);
}

/* Wraps b's content in tag (b becomes the whole TLV). */
static void wrap(pb_wbuf *b, unsigned char tag)
{
    pb_wbuf t = {0};
    tlv(&t, tag, b->p, b->len);
    pb_wbuf_free(b);
    *b = t;
}

static void oid(pb_wbuf *b, const char *dotted)
{
    ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
    unsigned char *der = NULL;
    int n = o ? i2d_ASN1_OBJECT(o, &der) : -1;
    if (n > 0)
        pb_wbuf_put(b, der, (size_t)n);
    OPENSSL_free(der);
    ASN1_OBJECT_free(o);
}

static void alg_id(pb_wbuf *b, const char *dotted, bool null_params)
{
    pb_wbuf a = {0};
    oid(&a, dotted);
    if (null_params)
        pb_wbuf_put(&a, "\x05\x00", 2);
    tlv(b, 0x30, a.p, a.len);
    pb_wbuf_free(&a);
}

/* An OpenSSL object as DER, appended. */
#define PUT_DER(b, i2d, obj)                           \
    do {                                               \
        unsigned char *der_ = NULL;                    \
        int n_ = i2d(obj, &der_);                      \
        if (n_ > 0)                                    \
            pb_wbuf_put((b), der_, (size_t)n_);        \
        OPENSSL_free(der_);                            \
    } while (0)

/* X.690 11.6: the members of a SET OF in the order of their encodings,
 * the shorter padded with zeros at the end. */
static int der_cmp(const void *pa, const void *pb)
{
    const pb_wbuf *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    if (c)
        return c;
    const pb_wbuf *longer = a->len > b->len ? a : b;
    for (size_t i = n; i < longer->len; i++)
        if (longer->p[i])
            return a == longer ? 1 : -1;
    return 0;
}

static void set_of(pb_wbuf *b, unsigned char tag, pb_wbuf *members, int n)
{
    qsort(members, (size_t)n, sizeof *members, der_cmp);
    pb_wbuf c = {0};
    for (int i = 0; i < n; i++)
        pb_wbuf_put(&c, members[i].p, members[i].len);
    tlv(b, tag, c.p, c.len);
    pb_wbuf_free(&c);
}

/* Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } */
static void attribute(pb_wbuf *b, const char *type, const pb_wbuf *value)
{
    pb_wbuf a = {0};
    oid(&a, type);
    tlv(&a, 0x31, value->p, value->len);
    tlv(b, 0x30, a.p, a.len);
    pb_wbuf_free(&a);
}

/* The signed attributes, each DER-encoded (unsorted). */
static void signed_attributes(const pb_keys *k, const unsigned char *digest, size_t dlen,
                              pb_wbuf attrs[3])
{
    pb_wbuf v = {0};
    /* content-type: id-data */
    oid(&v, "1.2.840.113549.1.7.1");
    attribute(&attrs[0], "1.2.840.113549.1.9.3", &v);
    pb_wbuf_free(&v);
    /* message-digest */
    tlv(&v, 0x04, digest, dlen);
    attribute(&attrs[1], "1.2.840.113549.1.9.4", &v);
    pb_wbuf_free(&v);
    /* signing-certificate-v2: SEQUENCE { SEQUENCE OF ESSCertIDv2 }, an
     * ESSCertIDv2 being SEQUENCE { hashAlgorithm DEFAULT sha256, certHash } */
    unsigned char *der = NULL;
    int n = i2d_X509(k->cert, &der);
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int hl = 0;
    if (n > 0)
        EVP_Digest(der, (size_t)n, h, &hl, k->md, NULL);
    OPENSSL_free(der);
    pb_wbuf id = {0};
    if (k->md != EVP_sha256())
        alg_id(&id, k->md_oid, false);
    tlv(&id, 0x04, h, hl);
    wrap(&id, 0x30); /* ESSCertIDv2 */
    wrap(&id, 0x30); /* SEQUENCE OF */
    wrap(&id, 0x30); /* SigningCertificateV2 */
    attribute(&attrs[2], "1.2.840.113549.1.9.16.2.47", &id);
    pb_wbuf_free(&id);
}

static bool sign_bytes(const pb_keys *k, const unsigned char *tbs, size_t n, pb_wbuf *sig)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    size_t len = 0;
    bool ok = c && EVP_DigestSignInit(c, &pc, k->md, NULL, k->key) == 1;
    /* GB/T 35276: the signer's ID, by default 1234567812345678 */
    if (ok && k->sm2)
        ok = EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) == 1;
    ok = ok && EVP_DigestSign(c, NULL, &len, tbs, n) == 1;
    unsigned char *buf = ok ? pb_xmalloc(len) : NULL;
    ok = ok && EVP_DigestSign(c, buf, &len, tbs, n) == 1;
    if (ok)
        pb_wbuf_put(sig, buf, len);
    free(buf);
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return ok;
}

/* The CMS over digest; with a signature of max_sig zeros instead of a
 * real one when max_sig is not 0. */
static bool build_cms(const pb_keys *k, const unsigned char *digest, size_t dlen,
                      size_t max_sig, pb_wbuf *out, pb_diag *diag)
{
    pb_wbuf attrs[3] = {{0}};
    signed_attributes(k, digest, dlen, attrs);
    pb_wbuf to_sign = {0};
    set_of(&to_sign, 0x31, attrs, 3); /* signed as a SET (RFC 5652 5.4) */
    pb_wbuf sig = {0};
    bool ok = true;
    if (max_sig) {
        unsigned char *zeros = pb_xcalloc(max_sig, 1);
        pb_wbuf_put(&sig, zeros, max_sig);
        free(zeros);
    } else {
        ok = sign_bytes(k, to_sign.p, to_sign.len, &sig);
    }
    if (!ok) {
        if (diag)
            pb_diag_error(diag, PB_ERR_SIGN, NULL, NULL,
                          "OpenSSL could not sign with the key (%s)", k->alg);
    } else {
        /* SignerInfo */
        pb_wbuf si = {0}, sid = {0};
        pb_wbuf_put(&si, "\x02\x01\x01", 3); /* version 1: issuerAndSerialNumber */
        PUT_DER(&sid, i2d_X509_NAME, X509_get_issuer_name(k->cert));
        PUT_DER(&sid, i2d_ASN1_INTEGER, X509_get0_serialNumber(k->cert));
        tlv(&si, 0x30, sid.p, sid.len);
        alg_id(&si, k->md_oid, false);
        pb_wbuf_put(&si, "\xA0", 1); /* [0] IMPLICIT: the same SET, retagged */
        pb_wbuf_put(&si, to_sign.p + 1, to_sign.len - 1);
        alg_id(&si, k->sig_oid, k->sig_null);
        tlv(&si, 0x04, sig.p, sig.len);
        wrap(&si, 0x30);
        /* SignedData */
        pb_wbuf sd = {0};
        pb_wbuf_put(&sd, "\x02\x01\x01", 3); /* version 1 */
        pb_wbuf algs = {0};
        alg_id(&algs, k->md_oid, false);
        tlv(&sd, 0x31, algs.p, algs.len);
        pb_wbuf eci = {0};
        oid(&eci, "1.2.840.113549.1.7.1"); /* id-data, detached: no content */
        tlv(&sd, 0x30, eci.p, eci.len);
        int nchain = sk_X509_num(k->chain);
        pb_wbuf *certs = pb_xcalloc((size_t)nchain + 1, sizeof *certs);
        int nc = 0;
        PUT_DER(&certs[nc], i2d_X509, k->cert);
        nc++;
        for (int i = 0; i < nchain; i++) {
            X509 *x = sk_X509_value(k->chain, i);
            if (X509_cmp(x, k->cert) == 0)
                continue;
            PUT_DER(&certs[nc], i2d_X509, x);
            nc++;
        }
        set_of(&sd, 0xA0, certs, nc); /* certificates [0] IMPLICIT */
        tlv(&sd, 0x31, si.p, si.len);
        wrap(&sd, 0x30);
        wrap(&sd, 0xA0); /* [0] EXPLICIT */
        /* ContentInfo */
        oid(out, "1.2.840.113549.1.7.2"); /* id-signedData */
        pb_wbuf_put(out, sd.p, sd.len);
        wrap(out, 0x30);
        for (int i = 0; i < nc; i++)
            pb_wbuf_free(&certs[i]);
        free(certs);
        pb_wbuf_free(&sd);
        pb_wbuf_free(&algs);
        pb_wbuf_free(&eci);
        pb_wbuf_free(&sid);
        pb_wbuf_free(&si);
    }
    for (int i = 0; i < 3; i++)
        pb_wbuf_free(&attrs[i]);
    pb_wbuf_free(&to_sign);
    pb_wbuf_free(&sig);
    return ok;
}

bool pb_keys_cms(const pb_keys *k, const unsigned char *digest, size_t dlen, pb_wbuf *out,
                 pb_diag *diag)
{
    return build_cms(k, digest, dlen, 0, out, diag);
}

size_t pb_keys_cms_size(const pb_keys *k, size_t dlen)
{
    unsigned char digest[EVP_MAX_MD_SIZE] = {0};
    pb_wbuf cms = {0};
    int max = EVP_PKEY_get_size(k->key);
    size_t n = build_cms(k, digest, dlen, max > 0 ? (size_t)max : 512, &cms, NULL) ? cms.len : 0;
    pb_wbuf_free(&cms);
    return n;
}
