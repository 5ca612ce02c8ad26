#define _GNU_SOURCE /* memmem */
/* Signing and verifying through the public API, as a host uses the shared
 * library: a signer from files and from bytes, copied by a request that
 * signs the render, pb_sign from a file and from bytes to memory and to a
 * file, pb_verify as text and JSON, the signing time (the signer's, the
 * options' creation time, the report's date, the fallback; none: a usage
 * error), and the statuses and messages of refused keys, PDFs and misuse.
 * Keys are made by tests/sign/make-keys.sh in WORKDIR.
 * usage: test_sign_api WORKDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paiban.h"
#include "../testutil.h"

static char work[2048];
static char last_error[1024];
static pb_status last_status;

static void on_message(void *user, const pb_message *m)
{
    (void)user;
    if (m->severity == PB_ERROR && !last_error[0]) {
        snprintf(last_error, sizeof last_error, "%s", m->line);
        last_status = m->status;
    }
}

static void clear(void)
{
    last_error[0] = 0;
    last_status = PB_OK;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *d = malloc((size_t)n + 1);
    if (d && fread(d, 1, (size_t)n, f) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(f);
    if (d)
        d[n] = 0;
    *len = (size_t)n;
    return d;
}

static const char *at(const char *name)
{
    static char buf[8][2200];
    static int slot;
    char *b = buf[slot++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", work, name);
    return b;
}

static pb_engine *engine(long long creation_time)
{
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, test_data_dir());
    pb_options_set_message_callback(o, on_message, NULL);
    if (creation_time != PB_TIME_NONE)
        pb_options_set_creation_time(o, creation_time);
    pb_engine *e = NULL;
    pb_engine_new(o, &e);
    pb_options_free(o);
    return e;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_sign_api WORKDIR\n");
        return 2;
    }
    snprintf(work, sizeof work, "%s", argv[1]);
    mkdir(work, 0777);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "sh '%s/tests/sign/make-keys.sh' '%s/keys' > /dev/null 2>&1",
             PAIBAN_SOURCE_DIR, work);
    int st;
    free(test_run(cmd, &st));
    if (!CHECK(st == 0, "make-keys.sh"))
        return test_summary();
    const long long date = 1642636800; /* 2022-01-20, in the certificates' years */
    char sample[2048];
    snprintf(sample, sizeof sample, "%s/samples/nangang-2021.json", test_data_dir());

    /* a signer from files, on a request: the render is signed */
    pb_engine *e = engine(date);
    if (!CHECK(e != NULL, "an engine"))
        return test_summary();
    pb_signer *s = pb_signer_new();
    CHECK(pb_signer_set_key_file(s, at("keys/rsa.key")) == PB_OK &&
              pb_signer_set_cert_file(s, at("keys/rsa.pem")) == PB_OK &&
              pb_signer_set_chain_file(s, at("keys/ca.pem")) == PB_OK &&
              pb_signer_set_reason(s, "依法主动公开") == PB_OK,
          "the signer's setters");
    pb_request *r = pb_request_new();
    pb_request_set_report_file(r, sample);
    CHECK(pb_request_set_signer(r, s) == PB_OK, "pb_request_set_signer");
    pb_signer_set_reason(s, "changed after the request copied the signer");
    unsigned char *pdf = NULL;
    size_t pdf_len = 0;
    clear();
    st = pb_render_bytes(e, r, &pdf, &pdf_len, NULL, NULL);
    CHECK(st == PB_OK && pdf && pdf_len > 1000, "a signed render to memory (%d: %s)", st,
          last_error);
    char *report = NULL;
    size_t rlen = 0;
    if (pdf) {
        FILE *f = fopen(at("rendered.pdf"), "wb");
        fwrite(pdf, 1, pdf_len, f);
        fclose(f);
        const char *cas[] = {at("keys/ca.pem")};
        st = pb_verify(e, at("rendered.pdf"), cas, 1, PB_VERIFY_TEXT, &report, &rlen);
        CHECK(st == PB_OK && report && strstr(report, "signature 1 (field Signature1): valid") &&
                  strstr(report, "reason: 依法主动公开"),
              "pb_verify: valid, with the reason the request copied (%d)\n%s", st,
              report ? report : "");
        pb_free(report);
        st = pb_verify(e, at("rendered.pdf"), cas, 1, PB_VERIFY_JSON, &report, &rlen);
        CHECK(st == PB_OK && report && strstr(report, "\"valid\": true") &&
                  strlen(report) == rlen,
              "pb_verify as JSON");
        pb_free(report);
        /* pb_sign refuses what is signed already */
        clear();
        unsigned char *again = NULL;
        size_t again_len = 0;
        st = pb_sign(e, s, "rendered.pdf", pdf, pdf_len, NULL, &again, &again_len);
        CHECK(st == PB_ERR_INPUT && !again && strstr(last_error, "is signed already"),
              "pb_sign: a signed PDF is refused (%d: %s)", st, last_error);
    }
    pb_free(pdf);
    pb_request_free(r);
    pb_signer_free(s);

    /* a signer from bytes; pb_sign from a file to a file */
    pb_request *plain = pb_request_new();
    pb_request_set_report_file(plain, sample);
    pb_request_set_output_file(plain, at("unsigned.pdf"));
    CHECK(pb_render(e, plain) == PB_OK, "an unsigned render");
    pb_request_free(plain);
    size_t kl, cl;
    char *key = slurp(at("keys/ec.key"), &kl), *cert = slurp(at("keys/ec.pem"), &cl);
    s = pb_signer_new();
    CHECK(key && cert && pb_signer_set_key_bytes(s, "ec.key", key, kl) == PB_OK &&
              pb_signer_set_cert_bytes(s, "ec.pem", cert, cl) == PB_OK,
          "a signer from bytes");
    clear();
    st = pb_sign(e, s, at("unsigned.pdf"), NULL, 0, at("signed.pdf"), NULL, NULL);
    CHECK(st == PB_OK, "pb_sign from a file to a file (%d: %s)", st, last_error);
    const char *cas[] = {at("keys/ca.pem")};
    st = pb_verify(e, at("signed.pdf"), cas, 1, PB_VERIFY_TEXT, &report, &rlen);
    CHECK(st == PB_OK && strstr(report, "signing time: 2022-01-20 00:00:00 UTC") &&
              strstr(report, "ECDSA P-256"),
          "the options' creation time is the signing time (%d)", st);
    pb_free(report);
    st = pb_verify(e, at("unsigned.pdf"), NULL, 0, PB_VERIFY_TEXT, &report, &rlen);
    CHECK(st == PB_ERR_VERIFY && report && strstr(report, "not signed"),
          "an unsigned PDF: PB_ERR_VERIFY");
    pb_free(report);
    pb_engine_free(e);

    /* the signing time without a creation time: the signer's, the
     * report's date, the fallback, else a usage error */
    e = engine(PB_TIME_NONE);
    size_t ul;
    char *unsigned_pdf = slurp(at("unsigned.pdf"), &ul);
    clear();
    st = pb_sign(e, s, "unsigned.pdf", unsigned_pdf, ul, NULL, &pdf, &pdf_len);
    CHECK(st == PB_ERR_USAGE && !pdf && strstr(last_error, "no signing time"),
          "no time at all: PB_ERR_USAGE (%d: %s)", st, last_error);
    pb_signer_set_fallback_time(s, date + 86400);
    st = pb_sign(e, s, "unsigned.pdf", unsigned_pdf, ul, NULL, &pdf, &pdf_len);
    CHECK(st == PB_OK && pdf && memmem(pdf, pdf_len, "/M (D:20220121000000Z)", 22),
          "the fallback time");
    pb_free(pdf);
    pb_signer_set_time(s, date + 2 * 86400);
    st = pb_sign(e, s, "unsigned.pdf", unsigned_pdf, ul, NULL, &pdf, &pdf_len);
    CHECK(st == PB_OK && pdf && memmem(pdf, pdf_len, "/M (D:20220122000000Z)", 22),
          "the signer's time wins over the fallback");
    pb_free(pdf);
    pb_signer_set_time(s, PB_TIME_NONE);
    r = pb_request_new();
    char features[2048];
    snprintf(features, sizeof features, "%s/tests/fixtures/features.json", PAIBAN_SOURCE_DIR);
    pb_request_set_report_file(r, features);
    pb_request_set_signer(r, s);
    st = pb_render_bytes(e, r, &pdf, &pdf_len, NULL, NULL);
    /* its meta.date is 2022-01-20, before the fallback time */
    CHECK(st == PB_OK && pdf && memmem(pdf, pdf_len, "/M (D:20220120000000Z)", 22),
          "a render's signing time is the report's date (%d)", st);
    pb_free(pdf);
    pb_request_free(r);
    free(unsigned_pdf);

    /* refused keys, and misuse */
    pb_signer *bad = pb_signer_new();
    pb_signer_set_key_file(bad, at("keys/rsa-enc.key"));
    pb_signer_set_cert_file(bad, at("keys/rsa.pem"));
    pb_signer_set_fallback_time(bad, date);
    clear();
    st = pb_sign(e, bad, at("unsigned.pdf"), NULL, 0, NULL, &pdf, &pdf_len);
    CHECK(st == PB_ERR_SIGN && last_status == PB_ERR_SIGN &&
              strstr(last_error, "the private key is encrypted"),
          "an encrypted key without a passphrase: PB_ERR_SIGN (%d: %s)", st, last_error);
    pb_signer_set_passphrase(bad, "口令 s3cret", strlen("口令 s3cret"));
    st = pb_sign(e, bad, at("unsigned.pdf"), NULL, 0, NULL, &pdf, &pdf_len);
    CHECK(st == PB_OK, "with its passphrase (%d)", st);
    pb_free(pdf);
    CHECK(pb_signer_set_reserve(bad, 2u << 20) == PB_ERR_USAGE && pb_signer_set_time(bad, -5) ==
                                                                       PB_ERR_USAGE,
          "setters refuse values out of range");
    clear();
    CHECK(pb_sign(e, bad, at("unsigned.pdf"), NULL, 0, NULL, NULL, NULL) == PB_ERR_USAGE &&
              last_error[0],
          "pb_sign without an output is misuse, with a message");
    CHECK(pb_verify(e, at("signed.pdf"), NULL, 0, (pb_verify_format)7, &report, &rlen) ==
              PB_ERR_USAGE,
          "pb_verify with an unknown format");
    pb_signer *empty = pb_signer_new();
    pb_signer_set_fallback_time(empty, date);
    clear();
    st = pb_sign(e, empty, at("unsigned.pdf"), NULL, 0, NULL, &pdf, &pdf_len);
    CHECK(st == PB_ERR_USAGE && strstr(last_error, "no private key to sign with"),
          "a signer without a key (%d: %s)", st, last_error);
    CHECK(!strcmp(pb_status_text(PB_ERR_SIGN), "cannot sign with this key or certificate") &&
              !strcmp(pb_status_text(PB_ERR_VERIFY), "a signature is not valid"),
          "the new statuses' texts");
    pb_signer_free(empty);
    pb_signer_free(bad);
    pb_signer_free(s);
    free(key);
    free(cert);
    pb_engine_free(e);
    return test_summary();
}
