/* The libraries loaded on first use (libcrypto, libxml2, libzip; see
 * src/base/dynlib.h), through the public API as a host calls it:
 *
 *   test_lazy_libs absent WORKDIR   the three cannot be loaded: signing,
 *                                   verifying and importing a web page or a
 *                                   Word document fail with status 10 and a
 *                                   message naming the library and what
 *                                   needed it; a text file still imports
 *   test_lazy_libs lacking          libzip is a library without libzip's
 *                                   functions: a Word document fails with
 *                                   status 10 naming the missing function;
 *                                   libxml2, loaded for real, reads a web page
 *   test_lazy_libs process WORKDIR  (built with libcrypto.a and its symbols
 *                                   exported) libcrypto's symbols already in
 *                                   the program are used: every pointer of
 *                                   the table is the program's own, and
 *                                   libcrypto.so.3 is never loaded
 *
 * Each mode runs in a process of its own: a library is loaded once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paiban.h"
#include "base/dynlib.h"
#include "../testutil.h"

#ifdef TEST_LAZY_STATIC_CRYPTO
#define PB_SIGN_CRYPTO_LIB_LOADER /* OpenSSL's own names, and the table */
#include "sign/crypto_lib.h"
#endif

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

static pb_engine *engine(void)
{
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, test_data_dir());
    pb_options_set_message_callback(o, on_message, NULL);
    pb_engine *e = NULL;
    pb_status st = pb_engine_new(o, &e);
    pb_options_free(o);
    CHECK(st == PB_OK && e, "engine: %d", st);
    return e;
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    static char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!CHECK(f != NULL, "cannot write %s", path))
        return path;
    fputs(text, f);
    fclose(f);
    return path;
}

static const char page[] = "<html><body><h1>2021年政府信息公开工作年度报告</h1>"
                           "<p>一、总体情况</p></body></html>";
/* the first bytes of a zip archive: enough to need libzip */
static const char docx[] = "PK\x03\x04 not really a Word document";

static pb_status import(pb_engine *e, const char *name, const char *bytes, size_t len)
{
    char *json = NULL;
    size_t json_len = 0;
    clear();
    pb_status st = pb_import_bytes(e, name, bytes, len, NULL, NULL, &json, &json_len, NULL, NULL);
    pb_free(json);
    return st;
}

static pb_status verify(pb_engine *e, const char *pdf)
{
    char *report = NULL;
    size_t len = 0;
    clear();
    pb_status st = pb_verify(e, pdf, NULL, 0, PB_VERIFY_TEXT, &report, &len);
    pb_free(report);
    return st;
}

static void absent(const char *work)
{
    pb_dynlib_test_replace("libcrypto.so.3", "libpaiban-test-absent.so.0");
    pb_dynlib_test_replace("libxml2.so.2", "libpaiban-test-absent.so.0");
    pb_dynlib_test_replace("libzip.so.4", "libpaiban-test-absent.so.0");
    pb_engine *e = engine();
    if (!e)
        return;

    const char *pdf = write_file(work, "signed.pdf", "%PDF-1.7\n");
    pb_status st = verify(e, pdf);
    CHECK(st == PB_ERR_LIBRARY && last_status == PB_ERR_LIBRARY &&
              strstr(last_error, "signed.pdf: verifying signatures needs libcrypto.so.3 "
                                 "(OpenSSL 3, in the Debian package libssl3), which cannot "
                                 "be loaded (libpaiban-test-absent.so.0: cannot open"),
          "verify: %d %s", st, last_error);

    pb_signer *s = pb_signer_new();
    pb_signer_set_key_bytes(s, "key.pem", "-----BEGIN PRIVATE KEY-----\n", 28);
    pb_signer_set_cert_bytes(s, "cert.pem", "-----BEGIN CERTIFICATE-----\n", 28);
    pb_signer_set_time(s, 1700000000);
    unsigned char *out = NULL;
    size_t out_len = 0;
    clear();
    st = pb_sign(e, s, "report.pdf", "%PDF-1.7\n", 9, NULL, &out, &out_len);
    CHECK(st == PB_ERR_LIBRARY && out == NULL &&
              strstr(last_error, "signing needs libcrypto.so.3 (OpenSSL 3, in the Debian "
                                 "package libssl3), which cannot be loaded"),
          "sign: %d %s", st, last_error);
    pb_free(out);
    pb_signer_free(s);

    st = import(e, "report.html", page, sizeof page - 1);
    CHECK(st == PB_ERR_LIBRARY &&
              strstr(last_error, "report.html: importing a web page needs libxml2.so.2 (in "
                                 "the Debian package libxml2), which cannot be loaded"),
          "html: %d %s", st, last_error);
    st = import(e, "report.docx", docx, sizeof docx - 1);
    CHECK(st == PB_ERR_LIBRARY &&
              strstr(last_error, "report.docx: importing a Word document needs libzip.so.4 "
                                 "(in the Debian package libzip4), which cannot be loaded"),
          "docx: %d %s", st, last_error);
    /* the load is tried once; a second call gives the same answer */
    st = import(e, "again.docx", docx, sizeof docx - 1);
    CHECK(st == PB_ERR_LIBRARY && strstr(last_error, "again.docx: importing a Word document "
                                                     "needs libzip.so.4"),
          "docx again: %d %s", st, last_error);
    CHECK(!strcmp(pb_status_text(PB_ERR_LIBRARY), "a library this call needs cannot be loaded"),
          "status text: %s", pb_status_text(PB_ERR_LIBRARY));

    /* a text file needs none of them */
    const char text[] = "2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本机关依法公开政府信息。\n";
    st = import(e, "report.txt", text, sizeof text - 1);
    CHECK(st == PB_OK, "text: %d %s", st, last_error);
    pb_engine_free(e);
}

static void lacking(void)
{
    pb_dynlib_test_replace("libzip.so.4", "libz.so.1");
    pb_engine *e = engine();
    if (!e)
        return;
    pb_status st = import(e, "report.docx", docx, sizeof docx - 1);
    CHECK(st == PB_ERR_LIBRARY &&
              strstr(last_error, "report.docx: importing a Word document needs libzip.so.4 "
                                 "(in the Debian package libzip4), which lacks zip_") &&
              strstr(last_error, "(libz.so.1)"),
          "docx: %d %s", st, last_error);
    st = import(e, "report.html", page, sizeof page - 1);
    CHECK(st == PB_OK, "html with libxml2 loaded on first use: %d %s", st, last_error);
    pb_engine_free(e);
}

#ifdef TEST_LAZY_STATIC_CRYPTO
static bool maps_name(const char *what)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    bool found = false;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, what) != NULL;
    if (f)
        fclose(f);
    return found;
}

/* The program's own copies: taking their addresses links them in from
   libcrypto.a (and -rdynamic puts them in the dynamic symbol table). */
#define OWN_ADDRESS(sym) (void *)&sym,
static void *const own[] = {PB_CRYPTO_SYMBOLS(OWN_ADDRESS)};

static void process(const char *work)
{
    pb_engine *e = engine();
    if (!e)
        return;
    const char *pdf = write_file(work, "not-a.pdf", "not a PDF\n");
    pb_status st = verify(e, pdf);
    CHECK(st == PB_ERR_INPUT, "verify a file that is not a PDF: %d %s", st, last_error);
    size_t i = 0, same = 0;
#define SAME_ADDRESS(sym) same += (void *)pb_crypto.sym == own[i++];
    PB_CRYPTO_SYMBOLS(SAME_ADDRESS)
    CHECK(same == sizeof own / sizeof *own, "%zu of %zu functions are the program's own", same,
          sizeof own / sizeof *own);
    CHECK(!maps_name("libcrypto.so"), "libcrypto.so.3 was loaded beside the program's own");
    pb_engine_free(e);
}
#endif

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *work = argc > 2 ? argv[2] : ".";
    if (!strcmp(mode, "absent"))
        absent(work);
    else if (!strcmp(mode, "lacking"))
        lacking();
#ifdef TEST_LAZY_STATIC_CRYPTO
    else if (!strcmp(mode, "process"))
        process(work);
#endif
    else {
        fprintf(stderr, "usage: test_lazy_libs absent|lacking|process [WORKDIR]\n");
        return 2;
    }
    return test_summary();
}
