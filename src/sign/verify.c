/* Verifying the signatures of a PDF (paiban's, or any PAdES or
 * adbe.pkcs7.detached signature): the byte range, the digest, the CMS
 * signature, the signing certificate, its validity at the signing time
 * and its chain to the certificate authorities given.
 *
 * A signature covers the whole file but its own /Contents when its
 * /ByteRange is [0 a b c] with a the offset of the "<" of the hex string
 * that is the signature dictionary's /Contents, b the offset after its
 * ">", and b + c the file's length; the bytes between a and b then are
 * nothing but that hex string.  Bytes after b + c are a later change of
 * the document (another revision), which the signature does not cover. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sign/crypto_lib.h"

#include "base/arena.h"
#include "base/utf8.h"
#include "pdfread/pdfread.h"
#include "sign/sign.h"

#define MAX_FIELDS 1000
#define MAX_PROBLEMS 8

typedef enum chain_state { CHAIN_NOT_CHECKED, CHAIN_TRUSTED, CHAIN_UNTRUSTED } chain_state;

/* What one signature is and what holds of it. */
typedef struct sig_result {
    const char *field;    /* the field's name (/T) */
    const char *sub_filter;
    long long range[4];
    bool range_ok;        /* four numbers around the signature's /Contents */
    bool whole;           /* ... reaching the end of the file */
    size_t after;         /* bytes of the file after the signed part */
    const char *time;     /* the signing time the signer gave (/M), ISO 8601 */
    long long when;       /* the same in seconds, or -1 */
    const char *reason, *location, *name;
    const char *signer;   /* the certificate's subject */
    const char *issuer;
    const char *serial;
    const char *not_before, *not_after;
    const char *algorithm;
    bool ess;             /* signing-certificate(-v2) present and matching */
    chain_state chain;
    const char *chain_detail;
    const char *problems[MAX_PROBLEMS];
    int nproblems;
} sig_result;

typedef struct verifier {
    pb_pdf *pdf;
    const unsigned char *data;
    size_t len;
    const char *name;
    pb_arena *arena;
    const pb_verify_params *params;
    sig_result *sigs;
    int nsigs, cap;
    int fields_seen;
} verifier;

static void problem(verifier *v, sig_result *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(verifier *v, sig_result *r, const char *fmt, ...)
{
    if (r->nproblems == MAX_PROBLEMS)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) {
        /* a long name from the file: cut at a whole character (the
         * report stays UTF-8), and say it was cut */
        size_t at = sizeof buf - sizeof "…";
        while (at > 0 && ((unsigned char)buf[at] & 0xC0) == 0x80)
            at--;
        memcpy(buf + at, "…", sizeof "…");
    }
    r->problems[r->nproblems++] = pb_arena_strdup(v->arena, buf);
}

/* Text from the file or a certificate as printable UTF-8: other bytes and
 * control characters become "?". */
static const char *clean(verifier *v, const char *s, size_t n)
{
    char *out = pb_arena_alloc(v->arena, n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(s, n, &i);
        bool bad = cp == 0xFFFD || cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
                   (cp >= 0x2028 && cp <= 0x2029);
        if (bad) {
            out[o++] = '?';
        } else {
            memcpy(out + o, s + at, i - at);
            o += i - at;
        }
    }
    out[o] = 0;
    return out;
}

/* A text string of the file; one in UTF-8 (PDF 2.0 marks it with a byte
 * order mark; some programs write it without) is taken as UTF-8, where
 * PDFDocEncoding would make nonsense of it. */
static const char *pdf_text(verifier *v, const pb_pobj *o)
{
    o = pb_pdf_resolve(v->pdf, o);
    if (o && o->kind == PB_POBJ_STRING && !(o->len >= 2 && (unsigned char)o->s[0] == 0xFE &&
                                           (unsigned char)o->s[1] == 0xFF)) {
        const char *s = o->s;
        size_t n = o->len;
        if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
            s += 3;
            n -= 3;
        }
        bool high = false;
        for (size_t i = 0; i < n; i++)
            high |= (unsigned char)s[i] >= 0x80;
        if (high && pb_utf8_invalid_at(s, n) < 0)
            return clean(v, s, n);
    }
    const char *t = pb_pdf_text(v->pdf, o);
    return t ? clean(v, t, strlen(t)) : NULL;
}

/* ---- dates -------------------------------------------------------------- */

static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* A PDF date, "D:YYYYMMDDHHmmSS" with an optional zone (Z, +HH'mm'),
 * in seconds since the epoch; -1 when it is not one. */
static long long parse_pdf_date(const char *s)
{
    if (!s)
        return -1;
    if (!strncmp(s, "D:", 2))
        s += 2;
    int f[6] = {0, 1, 1, 0, 0, 0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    int i = 0;
    for (; i < 6; i++) {
        int v = 0, k = 0;
        for (; k < width[i] && s[k] >= '0' && s[k] <= '9'; k++)
            v = v * 10 + (s[k] - '0');
        if (k == 0)
            break;
        if (k != width[i])
            return -1;
        f[i] = v;
        s += k;
    }
    if (i == 0 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 ||
        f[5] > 60)
        return -1;
    long long t = days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
    if (*s == '+' || *s == '-') {
        int sign = *s == '+' ? 1 : -1, hh = 0, mm = 0;
        if (sscanf(s + 1, "%2d'%2d", &hh, &mm) < 1)
            return -1;
        t -= sign * (hh * 3600 + mm * 60);
    }
    return t;
}

static const char *iso_time(verifier *v, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t < 0 || !gmtime_r(&tt, &tm))
        return NULL;
    return pb_arena_printf(v->arena, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *asn1_time(verifier *v, const ASN1_TIME *a)
{
    struct tm tm;
    if (!a || !ASN1_TIME_to_tm(a, &tm))
        return NULL;
    return pb_arena_printf(v->arena, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900,
                           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- certificates ---------------------------------------------------------- */

static const char *x509_name(verifier *v, const X509_NAME *n)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return "?";
    X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *p;
    long len = BIO_get_mem_data(b, &p);
    const char *s = clean(v, p, len > 0 ? (size_t)len : 0);
    BIO_free(b);
    return s;
}

static const char *serial_hex(verifier *v, const X509 *x)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    const char *s = pb_arena_strdup(v->arena, hex ? hex : "?");
    OPENSSL_free(hex);
    BN_free(bn);
    return s;
}

static const char *key_algorithm(verifier *v, X509 *x, const EVP_MD *md)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    const char *mdn = md == EVP_sha256()   ? "SHA-256"
                      : md == EVP_sha384() ? "SHA-384"
                      : md == EVP_sha512() ? "SHA-512"
                      : md == EVP_sm3()    ? "SM3"
                      : md ? EVP_MD_get0_name(md)
                           : "an unknown digest";
    if (!k)
        return pb_arena_printf(v->arena, "an unknown key with %s", mdn);
    if (EVP_PKEY_is_a(k, "SM2"))
        return pb_arena_printf(v->arena, "SM2 with %s", mdn);
    if (EVP_PKEY_is_a(k, "RSA"))
        return pb_arena_printf(v->arena, "RSA %d bits with %s", EVP_PKEY_get_bits(k), mdn);
    if (EVP_PKEY_is_a(k, "EC")) {
        char curve[64] = "";
        size_t n = 0;
        EVP_PKEY_get_utf8_string_param(k, "group", curve, sizeof curve, &n);
        return pb_arena_printf(v->arena, "ECDSA %s with %s",
                               !strcmp(curve, "prime256v1") ? "P-256" : curve, mdn);
    }
    return pb_arena_printf(v->arena, "a %s key with %s",
                           EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "?", mdn);
}

/* The certificates of the authorities given, one store. */
static X509_STORE *ca_store(const pb_verify_params *p, pb_diag *diag)
{
    X509_STORE *store = X509_STORE_new();
    for (int i = 0; store && i < p->ncas; i++) {
        BIO *b = BIO_new_mem_buf(p->cas[i].data, (int)p->cas[i].len);
        X509 *x;
        int n = 0;
        while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
            X509_STORE_add_cert(store, x);
            X509_free(x);
            n++;
        }
        BIO_free(b);
        if (n == 0) {
            const unsigned char *d = p->cas[i].data;
            x = d2i_X509(NULL, &d, (long)p->cas[i].len);
            if (x) {
                X509_STORE_add_cert(store, x);
                X509_free(x);
                n++;
            }
        }
        ERR_clear_error();
        if (n == 0)
            pb_diag_error(diag, PB_ERR_INPUT, p->cas[i].name, NULL,
                          "holds no certificate (expected PEM, \"-----BEGIN CERTIFICATE-----\", "
                          "or DER)");
    }
    return store;
}

/* ---- one signature ------------------------------------------------------------ */

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Is the file's range [a, b) exactly the hex string `contents`? */
static bool gap_is_contents(verifier *v, size_t a, size_t b, const pb_pobj *contents)
{
    if (b - a < 2 || v->data[a] != '<' || v->data[b - 1] != '>' || (b - a - 2) % 2)
        return false;
    if (!contents || contents->kind != PB_POBJ_STRING || contents->len * 2 != b - a - 2)
        return false;
    for (size_t i = a + 1, k = 0; i + 1 < b; i += 2, k++) {
        if (!is_hex(v->data[i]) || !is_hex(v->data[i + 1]))
            return false;
        unsigned char byte = (unsigned char)(hexval(v->data[i]) << 4 | hexval(v->data[i + 1]));
        if (byte != (unsigned char)contents->s[k])
            return false;
    }
    return true;
}

static void check_range(verifier *v, const pb_pobj *sig, sig_result *r)
{
    const pb_pobj *br = pb_pdf_get(v->pdf, sig, "ByteRange");
    bool four = br && br->kind == PB_POBJ_ARRAY && br->n == 4;
    for (int i = 0; four && i < 4; i++) {
        const pb_pobj *n = pb_pdf_resolve(v->pdf, br->items[i]);
        if (!n || n->kind != PB_POBJ_INT || n->i < 0 || (unsigned long long)n->i > v->len)
            four = false;
        else
            r->range[i] = n->i;
    }
    if (!four) {
        problem(v, r, "its /ByteRange is not four offsets inside the file");
        return;
    }
    long long a = r->range[1], b = r->range[2], end = r->range[2] + r->range[3];
    if (r->range[0] != 0 || a <= 0 || b <= a || (unsigned long long)end > v->len) {
        problem(v, r, "its /ByteRange [%lld %lld %lld %lld] is not the file around the "
                      "signature", r->range[0], r->range[1], r->range[2], r->range[3]);
        return;
    }
    if (!gap_is_contents(v, (size_t)a, (size_t)b, pb_pdf_get(v->pdf, sig, "Contents"))) {
        problem(v, r, "its /ByteRange [%lld %lld %lld %lld] does not leave out exactly its "
                      "/Contents: bytes it does not cover hold something else",
                r->range[0], r->range[1], r->range[2], r->range[3]);
        return;
    }
    r->range_ok = true;
    r->after = v->len - (size_t)end;
    r->whole = r->after == 0;
}

/* signing-certificate-v2 (or v1): it names the signer's certificate. */
static bool check_ess(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *certs, bool *present)
{
    STACK_OF(X509) *chain = sk_X509_new_null();
    sk_X509_push(chain, signer);
    for (int i = 0; i < sk_X509_num(certs); i++)
        if (sk_X509_value(certs, i) != signer)
            sk_X509_push(chain, sk_X509_value(certs, i));
    ESS_SIGNING_CERT_V2 *v2 = NULL;
    ESS_SIGNING_CERT *v1 = NULL;
    ASN1_STRING *s = CMS_signed_get0_data_by_OBJ(
        si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
    if (s) {
        const unsigned char *p = ASN1_STRING_get0_data(s);
        v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(s));
    }
    s = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3,
                                    V_ASN1_SEQUENCE);
    if (s) {
        const unsigned char *p = ASN1_STRING_get0_data(s);
        v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(s));
    }
    *present = v1 || v2;
    bool ok = *present && OSSL_ESS_check_signing_certs(v1, v2, chain, 0) > 0;
    ESS_SIGNING_CERT_V2_free(v2);
    ESS_SIGNING_CERT_free(v1);
    sk_X509_free(chain);
    ERR_clear_error();
    return ok;
}

static void check_chain(verifier *v, X509_STORE *store, X509 *signer, STACK_OF(X509) *certs,
                        sig_result *r)
{
    if (!store || v->params->ncas == 0) {
        r->chain = CHAIN_NOT_CHECKED;
        return;
    }
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!ctx || !X509_STORE_CTX_init(ctx, store, signer, certs)) {
        X509_STORE_CTX_free(ctx);
        r->chain = CHAIN_UNTRUSTED;
        r->chain_detail = "OpenSSL could not check the chain";
        return;
    }
    /* at the signing time the signer gave; without one, not against a clock */
    if (r->when >= 0)
        X509_STORE_CTX_set_time(ctx, 0, (time_t)r->when);
    else
        X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
    if (X509_verify_cert(ctx) == 1) {
        r->chain = CHAIN_TRUSTED;
        STACK_OF(X509) *path = X509_STORE_CTX_get0_chain(ctx);
        const char *s = "";
        for (int i = 1; i < sk_X509_num(path); i++)
            s = pb_arena_printf(v->arena, "%s%s%s", s, i > 1 ? " ← " : "",
                                x509_name(v, X509_get_subject_name(sk_X509_value(path, i))));
        r->chain_detail = *s ? s : "the signer's certificate is a trusted one itself";
    } else {
        r->chain = CHAIN_UNTRUSTED;
        r->chain_detail = pb_arena_strdup(
            v->arena, X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
}

static int der_order(const void *pa, const void *pb)
{
    const ASN1_STRING *const *a = pa, *const *b = pb;
    int la = ASN1_STRING_length(*a), lb = ASN1_STRING_length(*b);
    int c = memcmp(ASN1_STRING_get0_data(*a), ASN1_STRING_get0_data(*b),
                   (size_t)(la < lb ? la : lb));
    return c ? c : (la > lb) - (la < lb);
}

/* An SM2 signature over the signed attributes.  OpenSSL's CMS verifies
 * SM2 with an empty signer ID; GB/T 35276 (and paiban) sign with the
 * default one, 1234567812345678: both are tried.  The attributes are
 * encoded again as a DER SET, in the order of their encodings. */
static bool verify_sm2(CMS_SignerInfo *si, X509 *signer, const EVP_MD *md)
{
    int n = CMS_signed_get_attr_count(si);
    if (n <= 0 || n > 64)
        return false;
    ASN1_STRING *enc[64];
    size_t total = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        unsigned char *der = NULL;
        int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
        if (len <= 0)
            break;
        enc[k] = ASN1_STRING_new();
        ASN1_STRING_set(enc[k], der, len);
        OPENSSL_free(der);
        total += (size_t)len;
        k++;
    }
    bool ok = false;
    if (k == n) {
        qsort(enc, (size_t)k, sizeof *enc, der_order);
        /* SET OF: tag, length, members */
        unsigned char head[6];
        size_t h = 0;
        head[h++] = 0x31;
        if (total < 128) {
            head[h++] = (unsigned char)total;
        } else {
            int m = total > 0xFFFFFF ? 4 : total > 0xFFFF ? 3 : total > 0xFF ? 2 : 1;
            head[h++] = (unsigned char)(0x80 | m);
            for (int i = m - 1; i >= 0; i--)
                head[h++] = (unsigned char)(total >> (8 * i));
        }
        unsigned char *tbs = pb_xmalloc(h + total);
        memcpy(tbs, head, h);
        size_t at = h;
        for (int i = 0; i < k; i++) {
            memcpy(tbs + at, ASN1_STRING_get0_data(enc[i]), (size_t)ASN1_STRING_length(enc[i]));
            at += (size_t)ASN1_STRING_length(enc[i]);
        }
        ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
        for (int with_id = 1; with_id >= 0 && !ok; with_id--) {
            EVP_MD_CTX *c = EVP_MD_CTX_new();
            EVP_PKEY_CTX *pc = NULL;
            ok = c && EVP_DigestVerifyInit(c, &pc, md, NULL, X509_get0_pubkey(signer)) == 1 &&
                 (!with_id || EVP_PKEY_CTX_set1_id(pc, "1234567812345678", 16) == 1) &&
                 EVP_DigestVerify(c, ASN1_STRING_get0_data(sig),
                                  (size_t)ASN1_STRING_length(sig), tbs, at) == 1;
            EVP_MD_CTX_free(c);
        }
        free(tbs);
    }
    for (int i = 0; i < k; i++)
        ASN1_STRING_free(enc[i]);
    ERR_clear_error();
    return ok;
}

static void check_cms(verifier *v, const pb_pobj *sig, X509_STORE *store, sig_result *r)
{
    const pb_pobj *contents = pb_pdf_get(v->pdf, sig, "Contents");
    if (!contents || contents->kind != PB_POBJ_STRING || contents->len == 0) {
        problem(v, r, "it has no /Contents");
        return;
    }
    const unsigned char *p = (const unsigned char *)contents->s;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)contents->len);
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        problem(v, r, "its /Contents is not a CMS SignedData");
        CMS_ContentInfo_free(cms);
        ERR_clear_error();
        return;
    }
    ASN1_OCTET_STRING **content = CMS_get0_content(cms);
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    STACK_OF(X509) *certs = CMS_get1_certs(cms);
    if (content && *content)
        problem(v, r, "the CMS SignedData is not detached: it holds content of its own");
    if (sk_CMS_SignerInfo_num(sis) != 1) {
        problem(v, r, "the CMS SignedData has %d signers, not one", sk_CMS_SignerInfo_num(sis));
        goto done;
    }
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    X509 *signer = NULL;
    for (int i = 0; i < sk_X509_num(certs) && !signer; i++)
        if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
            signer = sk_X509_value(certs, i);
    X509_ALGOR *dig = NULL, *sigalg = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sigalg);
    const EVP_MD *md = dig ? EVP_get_digestbyobj(dig->algorithm) : NULL;
    if (!signer) {
        problem(v, r, "the signer's certificate is not in the signature");
        goto done;
    }
    r->signer = x509_name(v, X509_get_subject_name(signer));
    r->issuer = x509_name(v, X509_get_issuer_name(signer));
    r->serial = serial_hex(v, signer);
    r->not_before = asn1_time(v, X509_get0_notBefore(signer));
    r->not_after = asn1_time(v, X509_get0_notAfter(signer));
    r->algorithm = key_algorithm(v, signer, md);
    if (!md) {
        problem(v, r, "its digest algorithm is unknown");
        goto done;
    }
    if (EVP_MD_get_size(md) < 32) {
        problem(v, r, "its digest algorithm %s is too weak", EVP_MD_get0_name(md));
        goto done;
    }
    /* the digest of the signed bytes against the signed one */
    if (r->range_ok) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned int dl = 0;
        EVP_MD_CTX *c = EVP_MD_CTX_new();
        bool ok = c && EVP_DigestInit_ex(c, md, NULL) &&
                  EVP_DigestUpdate(c, v->data, (size_t)r->range[1]) &&
                  EVP_DigestUpdate(c, v->data + r->range[2], (size_t)r->range[3]) &&
                  EVP_DigestFinal_ex(c, d, &dl);
        EVP_MD_CTX_free(c);
        ASN1_OCTET_STRING *signed_digest = CMS_signed_get0_data_by_OBJ(
            si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
        if (!signed_digest)
            problem(v, r, "the signature has no message-digest attribute");
        else if (!ok || (unsigned)ASN1_STRING_length(signed_digest) != dl ||
                 memcmp(ASN1_STRING_get0_data(signed_digest), d, dl) != 0)
            problem(v, r, "the signed bytes were changed: their digest is not the one signed");
    }
    CMS_SignerInfo_set1_signer_cert(si, signer);
    bool verified = EVP_PKEY_is_a(X509_get0_pubkey(signer), "SM2")
                        ? verify_sm2(si, signer, md)
                        : CMS_SignerInfo_verify(si) == 1;
    if (!verified)
        problem(v, r, "the CMS signature does not verify with the signer's certificate");
    ERR_clear_error();
    bool ess_present = false;
    r->ess = check_ess(si, signer, certs, &ess_present);
    if (ess_present && !r->ess)
        problem(v, r, "its signing-certificate attribute names another certificate");
    else if (!ess_present && r->sub_filter && !strcmp(r->sub_filter, "ETSI.CAdES.detached"))
        problem(v, r, "a CAdES signature without a signing-certificate-v2 attribute (PAdES "
                      "wants one)");
    /* the certificate at the signing time */
    if (r->when >= 0) {
        time_t t = (time_t)r->when;
        if (X509_cmp_time(X509_get0_notAfter(signer), &t) < 0)
            problem(v, r, "the signer's certificate had expired at the signing time (valid to "
                          "%s)", r->not_after ? r->not_after : "?");
        else if (X509_cmp_time(X509_get0_notBefore(signer), &t) > 0)
            problem(v, r, "the signer's certificate was not yet valid at the signing time "
                          "(valid from %s)", r->not_before ? r->not_before : "?");
    }
    check_chain(v, store, signer, certs, r);
done:
    sk_X509_pop_free(certs, X509_free);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
}

static void check_signature(verifier *v, const char *field, const pb_pobj *sig,
                            X509_STORE *store)
{
    if (v->nsigs == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->sigs = pb_arena_grow(v->arena, v->sigs, (size_t)v->nsigs, (size_t)v->cap,
                                sizeof *v->sigs);
    }
    sig_result *r = &v->sigs[v->nsigs++];
    memset(r, 0, sizeof *r);
    r->field = field;
    const pb_pobj *sf = pb_pdf_get(v->pdf, sig, "SubFilter");
    r->sub_filter = sf && sf->kind == PB_POBJ_NAME ? clean(v, sf->s, strlen(sf->s)) : NULL;
    const char *m = pb_pdf_text(v->pdf, pb_pdf_get(v->pdf, sig, "M"));
    r->when = parse_pdf_date(m);
    r->time = iso_time(v, r->when);
    r->reason = pdf_text(v, pb_pdf_get(v->pdf, sig, "Reason"));
    r->location = pdf_text(v, pb_pdf_get(v->pdf, sig, "Location"));
    r->name = pdf_text(v, pb_pdf_get(v->pdf, sig, "Name"));
    if (!r->sub_filter || (strcmp(r->sub_filter, "ETSI.CAdES.detached") != 0 &&
                           strcmp(r->sub_filter, "adbe.pkcs7.detached") != 0)) {
        problem(v, r, "its /SubFilter %s is not ETSI.CAdES.detached or adbe.pkcs7.detached",
                r->sub_filter ? r->sub_filter : "is missing:");
        return;
    }
    check_range(v, sig, r);
    check_cms(v, sig, store, r);
}

/* Signature fields with a value, through /Kids. */
static void find_fields(verifier *v, const pb_pobj *fields, const char *prefix, bool sig_type,
                        X509_STORE *store, int depth)
{
    for (int i = 0; fields && fields->kind == PB_POBJ_ARRAY && i < fields->n; i++) {
        const pb_pobj *f = pb_pdf_resolve(v->pdf, fields->items[i]);
        if (!f || f->kind != PB_POBJ_DICT || ++v->fields_seen > MAX_FIELDS)
            continue;
        const char *t = pdf_text(v, pb_pdf_get(v->pdf, f, "T"));
        const char *name = t ? (*prefix ? pb_arena_printf(v->arena, "%s.%s", prefix, t) : t)
                             : prefix;
        const pb_pobj *ft = pb_pdf_get(v->pdf, f, "FT");
        bool is_sig = ft ? pb_pdf_is_name(ft, "Sig") : sig_type;
        const pb_pobj *val = pb_pdf_get(v->pdf, f, "V");
        if (is_sig && val && val->kind == PB_POBJ_DICT)
            check_signature(v, *name ? name : "(no name)", val, store);
        if (depth < 8)
            find_fields(v, pb_pdf_get(v->pdf, f, "Kids"), name, is_sig, store, depth + 1);
    }
}

/* ---- the report ------------------------------------------------------------------ */

static void json_str(pb_wbuf *b, const char *s)
{
    if (!s) {
        pb_wbuf_str(b, "null");
        return;
    }
    pb_wbuf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            pb_wbuf_put(b, "\\", 1);
            pb_wbuf_put(b, s, 1);
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            pb_wbuf_str(b, e);
        } else {
            pb_wbuf_put(b, s, 1);
        }
    }
    pb_wbuf_put(b, "\"", 1);
}

static bool sig_ok(const verifier *v, const sig_result *r)
{
    return r->nproblems == 0 && r->whole &&
           (v->params->ncas == 0 || r->chain == CHAIN_TRUSTED);
}

typedef struct doc_info {
    const char *title, *creator, *data_name;
    long long pages;
} doc_info;

static doc_info document(verifier *v)
{
    doc_info d = {.pages = -1};
    const pb_pobj *t = pb_pdf_trailer(v->pdf);
    const pb_pobj *info = pb_pdf_get(v->pdf, t, "Info");
    d.title = pdf_text(v, pb_pdf_get(v->pdf, info, "Title"));
    d.creator = pdf_text(v, pb_pdf_get(v->pdf, info, "Creator"));
    const pb_pobj *root = pb_pdf_get(v->pdf, t, "Root");
    const pb_pobj *count = pb_pdf_get(v->pdf, pb_pdf_get(v->pdf, root, "Pages"), "Count");
    if (count && count->kind == PB_POBJ_INT)
        d.pages = count->i;
    const pb_pobj *af = pb_pdf_get(v->pdf, root, "AF");
    for (int i = 0; af && af->kind == PB_POBJ_ARRAY && i < af->n && !d.data_name; i++) {
        const pb_pobj *spec = pb_pdf_resolve(v->pdf, af->items[i]);
        if (pb_pdf_is_name(pb_pdf_get(v->pdf, spec, "AFRelationship"), "Source"))
            d.data_name = pdf_text(v, pb_pdf_get(v->pdf, spec, "UF"));
    }
    return d;
}

static const char *chain_text(const verifier *v, const sig_result *r)
{
    switch (r->chain) {
    case CHAIN_TRUSTED: return "trusted";
    case CHAIN_UNTRUSTED: return "not trusted";
    case CHAIN_NOT_CHECKED: break;
    }
    return v->params->ncas ? "not checked" : "not checked (no --ca)";
}

static void report_json(verifier *v, const doc_info *d, bool all_ok, pb_wbuf *b)
{
    pb_wbuf_str(b, "{\n  \"file\": ");
    json_str(b, clean(v, v->name, strlen(v->name)));
    pb_wbuf_str(b, ",\n  \"valid\": ");
    pb_wbuf_str(b, all_ok ? "true" : "false");
    pb_wbuf_str(b, ",\n  \"document\": {\"title\": ");
    json_str(b, d->title);
    pb_wbuf_str(b, ", \"pages\": ");
    if (d->pages >= 0)
        pb_wbuf_int(b, d->pages);
    else
        pb_wbuf_str(b, "null");
    pb_wbuf_str(b, ", \"creator\": ");
    json_str(b, d->creator);
    pb_wbuf_str(b, ", \"report_data\": ");
    json_str(b, d->data_name);
    pb_wbuf_str(b, ", \"bytes\": ");
    pb_wbuf_int(b, (long long)v->len);
    pb_wbuf_str(b, "},\n  \"signatures\": [");
    for (int i = 0; i < v->nsigs; i++) {
        const sig_result *r = &v->sigs[i];
        pb_wbuf_str(b, i ? ",\n    {" : "\n    {");
        pb_wbuf_str(b, "\"field\": ");
        json_str(b, r->field);
        pb_wbuf_str(b, ", \"valid\": ");
        pb_wbuf_str(b, sig_ok(v, r) ? "true" : "false");
        pb_wbuf_str(b, ", \"whole_file\": ");
        pb_wbuf_str(b, r->whole ? "true" : "false");
        pb_wbuf_str(b, ", \"bytes_after\": ");
        pb_wbuf_int(b, (long long)r->after);
        pb_wbuf_str(b, ",\n     \"byte_range\": [");
        for (int k = 0; k < 4; k++) {
            if (k)
                pb_wbuf_str(b, ", ");
            pb_wbuf_int(b, r->range[k]);
        }
        pb_wbuf_str(b, "], \"sub_filter\": ");
        json_str(b, r->sub_filter);
        pb_wbuf_str(b, ", \"algorithm\": ");
        json_str(b, r->algorithm);
        pb_wbuf_str(b, ",\n     \"signer\": ");
        json_str(b, r->signer);
        pb_wbuf_str(b, ", \"issuer\": ");
        json_str(b, r->issuer);
        pb_wbuf_str(b, ", \"serial\": ");
        json_str(b, r->serial);
        pb_wbuf_str(b, ", \"valid_from\": ");
        json_str(b, r->not_before);
        pb_wbuf_str(b, ", \"valid_to\": ");
        json_str(b, r->not_after);
        pb_wbuf_str(b, ",\n     \"signing_time\": ");
        json_str(b, r->time);
        pb_wbuf_str(b, ", \"name\": ");
        json_str(b, r->name);
        pb_wbuf_str(b, ", \"reason\": ");
        json_str(b, r->reason);
        pb_wbuf_str(b, ", \"location\": ");
        json_str(b, r->location);
        pb_wbuf_str(b, ",\n     \"signing_certificate_attribute\": ");
        pb_wbuf_str(b, r->ess ? "true" : "false");
        pb_wbuf_str(b, ", \"chain\": ");
        json_str(b, r->chain == CHAIN_TRUSTED     ? "trusted"
                    : r->chain == CHAIN_UNTRUSTED ? "not trusted"
                                                  : "not checked");
        pb_wbuf_str(b, ", \"chain_detail\": ");
        json_str(b, r->chain_detail);
        pb_wbuf_str(b, ",\n     \"problems\": [");
        for (int k = 0; k < r->nproblems; k++) {
            if (k)
                pb_wbuf_str(b, ", ");
            json_str(b, r->problems[k]);
        }
        pb_wbuf_str(b, "]}");
    }
    pb_wbuf_str(b, v->nsigs ? "\n  ]\n}\n" : "]\n}\n");
}

static void line(pb_wbuf *b, const char *label, const char *value)
{
    if (!value)
        return;
    pb_wbuf_str(b, "  ");
    pb_wbuf_str(b, label);
    pb_wbuf_str(b, ": ");
    pb_wbuf_str(b, value);
    pb_wbuf_str(b, "\n");
}

static void report_text(verifier *v, const doc_info *d, bool all_ok, pb_wbuf *b)
{
    const char *name = clean(v, v->name, strlen(v->name));
    if (v->nsigs == 0) {
        pb_wbuf_str(b, name);
        pb_wbuf_str(b, ": not signed: the file has no signature\n");
        return;
    }
    pb_wbuf_str(b, pb_arena_printf(v->arena, "%s: %d signature%s, %s\n", name, v->nsigs,
                                   v->nsigs == 1 ? "" : "s",
                                   all_ok ? "valid" : "NOT VALID"));
    const char *doc = pb_arena_printf(
        v->arena, "%s%s%s%s%s%s%s", d->title ? "\"" : "", d->title ? d->title : "(no title)",
        d->title ? "\"" : "",
        d->pages >= 0 ? pb_arena_printf(v->arena, ", %lld page%s", d->pages,
                                        d->pages == 1 ? "" : "s")
                      : "",
        d->data_name ? ", report data " : "", d->data_name ? d->data_name : "",
        d->creator ? pb_arena_printf(v->arena, " (made by %s)", d->creator) : "");
    for (int i = 0; i < v->nsigs; i++) {
        const sig_result *r = &v->sigs[i];
        bool ok = sig_ok(v, r);
        pb_wbuf_str(b, pb_arena_printf(v->arena, "signature %d (field %s): %s\n", i + 1,
                                       r->field, ok ? "valid" : "NOT VALID"));
        for (int k = 0; k < r->nproblems; k++)
            line(b, "problem", r->problems[k]);
        if (r->range_ok && !r->whole)
            line(b, "problem",
                 pb_arena_printf(v->arena, "the document changed after it was signed: %zu "
                                 "byte%s added after the signed part (a later version the "
                                 "signature does not cover)", r->after,
                                 r->after == 1 ? " was" : "s were"));
        line(b, "signed by", r->signer);
        if (r->name && (!r->signer || !strstr(r->signer, r->name)))
            line(b, "name", r->name);
        if (r->issuer)
            line(b, "certificate",
                 pb_arena_printf(v->arena, "issued by %s, serial %s, valid %s to %s",
                                 r->issuer, r->serial ? r->serial : "?",
                                 r->not_before ? r->not_before : "?",
                                 r->not_after ? r->not_after : "?"));
        if (r->signer)
            line(b, "certificate chain",
                 r->chain_detail ? pb_arena_printf(v->arena, "%s: %s", chain_text(v, r),
                                                   r->chain_detail)
                                 : chain_text(v, r));
        line(b, "signing time",
             r->time ? pb_arena_printf(v->arena, "%s (as the signer gave it)", r->time)
                     : "none given");
        line(b, "reason", r->reason);
        line(b, "location", r->location);
        if (r->algorithm)
            line(b, "algorithm",
                 pb_arena_printf(v->arena, "%s, %s%s", r->algorithm,
                                 r->sub_filter ? r->sub_filter : "?",
                                 r->ess ? " with signing-certificate-v2" : ""));
        if (r->range_ok)
            line(b, "signed",
                 pb_arena_printf(v->arena, "bytes 0-%lld and %lld-%lld of %zu: %s", r->range[1],
                                 r->range[2], r->range[2] + r->range[3], v->len,
                                 r->whole ? "the whole file but the signature itself"
                                          : "an earlier version of the file"));
        line(b, "document", r->whole ? pb_arena_printf(v->arena, "%s, not changed since it "
                                                                  "was signed", doc)
                                     : doc);
    }
}

pb_status pb_verify_pdf(const unsigned char *data, size_t len, const char *name,
                        const pb_verify_params *params, pb_arena *arena, char **report,
                        size_t *report_len, pb_diag *diag)
{
    *report = NULL;
    *report_len = 0;
    if (!pb_crypto_load("verifying signatures", name, diag))
        return PB_ERR_LIBRARY;
    int before = diag->errors;
    X509_STORE *store = params->ncas ? ca_store(params, diag) : NULL;
    verifier v = {.data = data, .len = len, .name = name, .arena = arena, .params = params};
    v.pdf = pb_pdf_open(data, len, name, arena, diag);
    if (!v.pdf || diag->errors > before) {
        X509_STORE_free(store);
        return diag->errors > before ? diag->status : PB_ERR_INPUT;
    }
    const pb_pobj *root = pb_pdf_get(v.pdf, pb_pdf_trailer(v.pdf), "Root");
    const pb_pobj *form = pb_pdf_get(v.pdf, root, "AcroForm");
    find_fields(&v, pb_pdf_get(v.pdf, form, "Fields"), "", false, store, 0);
    X509_STORE_free(store);
    if (diag->errors > before)
        return diag->status;
    bool all_ok = v.nsigs > 0;
    for (int i = 0; i < v.nsigs; i++)
        all_ok &= sig_ok(&v, &v.sigs[i]);
    doc_info d = document(&v);
    pb_wbuf b = {0};
    if (params->json)
        report_json(&v, &d, all_ok, &b);
    else
        report_text(&v, &d, all_ok, &b);
    *report = (char *)b.p;
    *report_len = b.len;
    return all_ok ? PB_OK : PB_ERR_VERIFY;
}
