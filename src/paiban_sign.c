/* The public API of signing and verifying (include/paiban.h): the signer's
 * settings, pb_sign, pb_verify, and the signing step of a render.  The
 * work is src/sign/'s. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/fsio.h"
#include "engine.h"
#include "sign/sign.h"

/* Key, certificate and chain files are small; a larger one is a mistake. */
#define MAX_KEY_FILE_BYTES (1u << 20)

typedef struct sfile {
    char *path;           /* owned: the file, or the name of bytes */
    unsigned char *bytes; /* owned, or NULL: read the file */
    size_t len;
} sfile;

struct pb_signer {
    sfile key, cert, chain;
    char *pass;           /* owned, or NULL */
    size_t pass_len;
    char *reason, *location, *name, *contact; /* owned, or NULL */
    long long time, fallback;
    size_t reserve;
};

pb_signer *pb_signer_new(void)
{
    pb_signer *s = calloc(1, sizeof *s);
    if (s)
        s->time = s->fallback = PB_TIME_NONE;
    return s;
}

static void sfile_free(sfile *f)
{
    free(f->path);
    free(f->bytes);
    memset(f, 0, sizeof *f);
}

void pb_signer_free(pb_signer *s)
{
    if (!s)
        return;
    sfile_free(&s->key);
    sfile_free(&s->cert);
    sfile_free(&s->chain);
    if (s->pass)
        memset(s->pass, 0, s->pass_len); /* no passphrase left in freed memory */
    free(s->pass);
    free(s->reason);
    free(s->location);
    free(s->name);
    free(s->contact);
    free(s);
}

static pb_status set_sfile(sfile *f, const char *path, const void *bytes, size_t len)
{
    if (!path || !*path || (!bytes && len))
        return PB_ERR_USAGE;
    char *p = strdup(path);
    unsigned char *b = bytes ? malloc(len ? len : 1) : NULL;
    if (!p || (bytes && !b)) {
        free(p);
        free(b);
        return PB_ERR_MEMORY;
    }
    if (bytes && len)
        memcpy(b, bytes, len);
    sfile_free(f);
    *f = (sfile){p, b, bytes ? len : 0};
    return PB_OK;
}

pb_status pb_signer_set_key_file(pb_signer *s, const char *path)
{
    return set_sfile(&s->key, path, NULL, 0);
}

pb_status pb_signer_set_key_bytes(pb_signer *s, const char *name, const void *bytes, size_t len)
{
    return set_sfile(&s->key, name, bytes ? bytes : "", len);
}

pb_status pb_signer_set_cert_file(pb_signer *s, const char *path)
{
    return set_sfile(&s->cert, path, NULL, 0);
}

pb_status pb_signer_set_cert_bytes(pb_signer *s, const char *name, const void *bytes, size_t len)
{
    return set_sfile(&s->cert, name, bytes ? bytes : "", len);
}

pb_status pb_signer_set_chain_file(pb_signer *s, const char *path)
{
    if (!path) {
        sfile_free(&s->chain);
        return PB_OK;
    }
    return set_sfile(&s->chain, path, NULL, 0);
}

pb_status pb_signer_set_chain_bytes(pb_signer *s, const char *name, const void *bytes,
                                    size_t len)
{
    return set_sfile(&s->chain, name, bytes ? bytes : "", len);
}

pb_status pb_signer_set_passphrase(pb_signer *s, const void *pass, size_t len)
{
    char *copy = NULL;
    if (pass) {
        copy = malloc(len ? len : 1);
        if (!copy)
            return PB_ERR_MEMORY;
        memcpy(copy, pass, len);
    }
    if (s->pass)
        memset(s->pass, 0, s->pass_len);
    free(s->pass);
    s->pass = copy;
    s->pass_len = pass ? len : 0;
    return PB_OK;
}

static pb_status set_text(char **slot, const char *text)
{
    char *copy = NULL;
    if (text && *text && !(copy = strdup(text)))
        return PB_ERR_MEMORY;
    free(*slot);
    *slot = copy;
    return PB_OK;
}

pb_status pb_signer_set_reason(pb_signer *s, const char *text)
{
    return set_text(&s->reason, text);
}

pb_status pb_signer_set_location(pb_signer *s, const char *text)
{
    return set_text(&s->location, text);
}

pb_status pb_signer_set_name(pb_signer *s, const char *text)
{
    return set_text(&s->name, text);
}

pb_status pb_signer_set_contact(pb_signer *s, const char *text)
{
    return set_text(&s->contact, text);
}

/* PDF dates hold years up to 9999 */
static bool time_ok(long long t)
{
    return t == PB_TIME_NONE || (t >= 0 && t <= 253402300799LL);
}

pb_status pb_signer_set_time(pb_signer *s, long long seconds)
{
    if (!time_ok(seconds))
        return PB_ERR_USAGE;
    s->time = seconds;
    return PB_OK;
}

pb_status pb_signer_set_fallback_time(pb_signer *s, long long seconds)
{
    if (!time_ok(seconds))
        return PB_ERR_USAGE;
    s->fallback = seconds;
    return PB_OK;
}

pb_status pb_signer_set_reserve(pb_signer *s, size_t bytes)
{
    /* a signature of any use fits in 1 MiB; /Contents doubles it in hex */
    if (bytes > (1u << 20))
        return PB_ERR_USAGE;
    s->reserve = bytes;
    return PB_OK;
}

static bool copy_sfile(sfile *to, const sfile *from)
{
    if (!from->path)
        return true;
    return set_sfile(to, from->path, from->bytes, from->len) == PB_OK;
}

pb_signer *pb_signer_copy(const pb_signer *s)
{
    pb_signer *c = pb_signer_new();
    if (!c)
        return NULL;
    bool ok = copy_sfile(&c->key, &s->key) && copy_sfile(&c->cert, &s->cert) &&
              copy_sfile(&c->chain, &s->chain) &&
              (!s->pass || pb_signer_set_passphrase(c, s->pass, s->pass_len) == PB_OK) &&
              set_text(&c->reason, s->reason) == PB_OK &&
              set_text(&c->location, s->location) == PB_OK &&
              set_text(&c->name, s->name) == PB_OK && set_text(&c->contact, s->contact) == PB_OK;
    c->time = s->time;
    c->fallback = s->fallback;
    c->reserve = s->reserve;
    if (!ok) {
        pb_signer_free(c);
        return NULL;
    }
    return c;
}

/* ---- inside a call ------------------------------------------------------- */

/* A signer's file as bytes (read now when it is a file; the buffer goes
 * to *owned). */
static bool file_bytes(const sfile *f, const char *what, pb_sign_file *out, char **owned,
                       pb_diag *diag)
{
    *owned = NULL;
    memset(out, 0, sizeof *out);
    if (!f->path) {
        pb_diag_error(diag, PB_ERR_USAGE, NULL, NULL, "no %s to sign with", what);
        return false;
    }
    out->name = f->path;
    if (f->bytes) {
        out->data = f->bytes;
        out->len = f->len;
        return true;
    }
    size_t len;
    if (!pb_read_file(f->path, MAX_KEY_FILE_BYTES, PB_ERR_SIGN, owned, &len, diag))
        return false;
    out->data = (const unsigned char *)*owned;
    out->len = len;
    return true;
}

bool pb_engine_sign(pb_engine *e, const pb_signer *s, const char *name, const unsigned char *pdf,
                    size_t len, long long doc_time, pb_arena *arena, unsigned char **out,
                    size_t *out_len, pb_diag *diag)
{
    (void)e;
    *out = NULL;
    *out_len = 0;
    pb_sign_params p = {
        .passphrase = s->pass,
        .passphrase_len = s->pass_len,
        .reason = s->reason,
        .location = s->location,
        .name = s->name,
        .contact = s->contact,
        .reserve = s->reserve,
    };
    p.time = s->time != PB_TIME_NONE ? s->time : doc_time >= 0 ? doc_time : s->fallback;
    if (p.time == PB_TIME_NONE) {
        pb_diag_error(diag, PB_ERR_USAGE, NULL, NULL,
                      "no signing time: the document has no date and none was given");
        return false;
    }
    char *k = NULL, *c = NULL, *ch = NULL;
    bool ok = file_bytes(&s->key, "private key", &p.key, &k, diag);
    ok = file_bytes(&s->cert, "certificate", &p.cert, &c, diag) && ok;
    if (s->chain.path)
        ok = file_bytes(&s->chain, "chain", &p.chain, &ch, diag) && ok;
    ok = ok && pb_sign_pdf(pdf, len, name, &p, arena, out, out_len, diag);
    free(k);
    free(c);
    free(ch);
    return ok;
}

/* ---- pb_sign ------------------------------------------------------------------ */

typedef struct sign_call {
    pb_engine *e;
    const pb_signer *signer;
    const char *pdf_path, *out_path;
    const void *bytes;
    size_t bytes_len;
    unsigned char **pdf;
    size_t *len;
} sign_call;

static void run_sign(void *arg, pb_arena *arena, pb_diag *diag)
{
    sign_call *c = arg;
    char *owned = NULL;
    const unsigned char *data = c->bytes;
    size_t len = c->bytes_len;
    if (!data) {
        if (!pb_read_file(c->pdf_path, PB_MAX_PDF_BYTES, PB_ERR_INPUT, &owned, &len, diag))
            return;
        data = (const unsigned char *)owned;
    }
    long long doc_time = pb_engine_creation_time(c->e);
    unsigned char *out = NULL;
    size_t out_len = 0;
    bool ok = pb_engine_sign(c->e, c->signer, c->pdf_path, data, len,
                             doc_time == PB_TIME_NONE ? -1 : doc_time, arena, &out, &out_len,
                             diag);
    free(owned);
    if (ok && c->out_path)
        ok = pb_write_file_atomic(c->out_path, out, out_len, diag);
    if (ok && c->pdf) {
        *c->pdf = out;
        *c->len = out_len;
        out = NULL;
    }
    free(out);
}

static pb_status deliver(pb_engine *e, pb_diag *diag, pb_status st)
{
    pb_engine_deliver(e, diag);
    return st;
}

static pb_status api_misuse(pb_engine *e, const char *what)
{
    pb_diag diag;
    pb_diag_init(&diag);
    pb_call call;
    pb_call_begin(&call, NULL);
    pb_diag_error(&diag, PB_ERR_USAGE, NULL, NULL, "%s", what);
    pb_call_end(&call);
    if (e)
        return deliver(e, &diag, PB_ERR_USAGE);
    pb_diag_free(&diag);
    return PB_ERR_USAGE;
}

pb_status pb_sign(pb_engine *e, const pb_signer *signer, const char *pdf_path, const void *bytes,
                  size_t bytes_len, const char *out_path, unsigned char **pdf, size_t *len)
{
    if (pdf)
        *pdf = NULL;
    if (len)
        *len = 0;
    if (!e || !signer || !pdf_path)
        return api_misuse(e, "pb_sign: no engine, signer or PDF");
    if ((pdf && !len) || (!pdf && !out_path))
        return api_misuse(e, pdf ? "pb_sign: a pointer without its length"
                                 : "pb_sign: neither an output file nor a place for the PDF");
    sign_call c = {e, signer, pdf_path, out_path, bytes, bytes_len, pdf, len};
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_run(e, PB_MAX_PDF_BYTES, run_sign, &c, &diag);
    if (st != PB_OK && pdf && *pdf) {
        free(*pdf);
        *pdf = NULL;
        *len = 0;
    }
    return deliver(e, &diag, st);
}

/* ---- pb_verify ---------------------------------------------------------------- */

typedef struct verify_call {
    const char *pdf_path;
    const char *const *cas;
    int nca;
    pb_verify_format format;
    char **report;
    size_t *len;
    pb_status result;
} verify_call;

static void run_verify(void *arg, pb_arena *arena, pb_diag *diag)
{
    verify_call *c = arg;
    pb_sign_file *cas = pb_arena_calloc(arena, (size_t)c->nca + 1, sizeof *cas);
    char **owned = pb_arena_calloc(arena, (size_t)c->nca + 2, sizeof *owned);
    bool ok = true;
    for (int i = 0; i < c->nca; i++) {
        size_t n;
        if (pb_read_file(c->cas[i], MAX_KEY_FILE_BYTES, PB_ERR_INPUT, &owned[i], &n, diag))
            cas[i] = (pb_sign_file){c->cas[i], (const unsigned char *)owned[i], n};
        else
            ok = false;
    }
    size_t len;
    char *pdf = NULL;
    ok = pb_read_file(c->pdf_path, PB_MAX_PDF_BYTES, PB_ERR_INPUT, &pdf, &len, diag) && ok;
    if (ok) {
        pb_verify_params p = {cas, c->nca, c->format == PB_VERIFY_JSON};
        char *report;
        size_t rlen;
        c->result = pb_verify_pdf((const unsigned char *)pdf, len, c->pdf_path, &p, arena, &report,
                                  &rlen, diag);
        *c->report = report;
        *c->len = rlen;
    }
    free(pdf);
    for (int i = 0; i < c->nca; i++)
        free(owned[i]);
}

pb_status pb_verify(pb_engine *e, const char *pdf_path, const char *const *ca_files, int nca,
                    pb_verify_format format, char **report, size_t *len)
{
    if (report)
        *report = NULL;
    if (len)
        *len = 0;
    if (!e || !pdf_path || !report || !len || nca < 0 || (nca > 0 && !ca_files))
        return api_misuse(e, "pb_verify: no engine, PDF or place for the report");
    if (format != PB_VERIFY_TEXT && format != PB_VERIFY_JSON)
        return api_misuse(e, "pb_verify: unknown format");
    verify_call c = {pdf_path, ca_files, nca, format, report, len, PB_OK};
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_run(e, PB_MAX_PDF_BYTES, run_verify, &c, &diag);
    if (st != PB_OK) {
        free(*report);
        *report = NULL;
        *len = 0;
        return deliver(e, &diag, st);
    }
    return deliver(e, &diag, c.result);
}
