/* paiban 排版 — typesets Chinese official filings: report data (JSON) and a
 * layout (JSON) in, a print-ready PDF out (GB/T 9704-2012 pages, Chinese
 * line breaking, multi-level tables whose numbers are checked).
 *
 * The whole public interface of libpaiban; C99 or later, C++ too.  Every
 * name starts with pb_ or PB_; every type behind a pointer is opaque.
 *
 *     pb_options *o = pb_options_new();
 *     pb_options_set_message_callback(o, print_message, NULL);
 *     pb_engine *e;
 *     if (pb_engine_new(o, &e) != PB_OK) ...
 *     pb_options_free(o);                     (the engine keeps a copy)
 *     pb_request *r = pb_request_new();
 *     pb_request_set_report_bytes(r, "report.json", json, json_len);
 *     unsigned char *pdf;
 *     size_t pdf_len;
 *     pb_status st = pb_render_bytes(e, r, &pdf, &pdf_len, NULL, NULL);
 *     ...
 *     pb_free(pdf);
 *     pb_request_free(r);
 *     pb_engine_free(e);
 *
 * Building against it: `pkg-config --cflags --libs paiban`, or in CMake
 * `find_package(paiban)` and `target_link_libraries(app paiban::paiban)`.
 *
 * Threads.  An engine keeps what documents share (layouts, loaded fonts)
 * and may be used by any number of threads at once: pb_render,
 * pb_render_bytes and pb_check are thread-safe on one engine.  Free it
 * only when no call on it is running.  Options and requests belong to one
 * thread while they are being set; the calls only read a request, so one
 * request may serve several calls at once as long as nobody changes it.
 *
 * Ownership.  Strings and bytes given to pb_options_* and pb_request_*
 * are copied: the caller may free them when the setter returns.  Memory
 * handed back by pb_render_bytes and pb_check belongs to the caller and is
 * freed with pb_free.  Messages live only during the callback.
 *
 * What the library never does: exit or abort the process (running out of
 * memory is the status PB_ERR_MEMORY), read environment variables, change
 * the umask, the locale or signal handlers, install exit handlers, write
 * to standard output or standard error.  The program around it decides:
 * it passes folders, dates and limits in through pb_options.  Fonts are
 * found through fontconfig, which reads its own configuration (and its
 * environment: HOME, XDG_*, FONTCONFIG_FILE) when the system's fonts are
 * used, and may itself report a broken configuration on standard error.
 */
#ifndef PAIBAN_H
#define PAIBAN_H

#include <stddef.h>

#define PB_VERSION_MAJOR 0
#define PB_VERSION_MINOR 2
#define PB_VERSION_PATCH 0

#if defined(__GNUC__) || defined(__clang__)
#define PB_API __attribute__((visibility("default")))
#else
#define PB_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The result of every call, and the exit status of the paiban program. */
typedef enum pb_status {
    PB_OK = 0,
    PB_ERR_INTERNAL = 1, /* a bug or a library failure paiban cannot explain */
    PB_ERR_USAGE = 2,    /* wrong use: a missing argument, a value out of range */
    PB_ERR_INPUT = 3,    /* the report data is invalid or over a limit */
    PB_ERR_LAYOUT = 4,   /* the layout is invalid or over a limit, or a font is
                            missing, broken or lacks a character */
    PB_ERR_IO = 5,       /* a file or folder could not be read or written */
    PB_ERR_CHECK = 6,    /* the numbers do not add up (a rule of the layout) */
    PB_ERR_MEMORY = 7,   /* out of memory */
    PB_ERR_SIGN = 8,     /* signing: the key, certificate or chain cannot sign
                            (does not match, expired, not yet valid, not for
                            signing, encrypted without a passphrase), or the
                            signature does not fit the space reserved */
    PB_ERR_VERIFY = 9,   /* verifying: a signature is not valid, the file
                            changed after it was signed, a certificate is not
                            trusted, or the file has no signature */
    PB_ERR_LIBRARY = 10  /* a library that only some calls load when they
                            first need it (libcrypto for signing and
                            verifying, libxml2 and libzip for importing) is
                            not installed or too old */
} pb_status;

/* The version of the library actually loaded, "0.2.0". */
PB_API const char *pb_version(void);

/* What a status means, in a few words ("out of memory"). */
PB_API const char *pb_status_text(pb_status status);

/* ---- messages ----------------------------------------------------------- */

typedef enum pb_severity {
    PB_INFO = 0,    /* what paiban chose (pb_options_set_verbose) */
    PB_WARNING = 1, /* a problem that did not stop the call */
    PB_ERROR = 2    /* a problem that makes the call fail */
} pb_severity;

typedef struct pb_message {
    pb_severity severity;
    pb_status status; /* of an error: the status it gives; PB_OK otherwise */
    const char *file; /* the file concerned, as it was named; or NULL */
    const char *path; /* the place in it: a JSON path ("body[3].text") or
                         "line:column"; or NULL */
    const char *text; /* what is wrong, in one line */
    const char *line; /* file, path and text joined as paiban prints them:
                         "report.json: body[3].text: unknown key ..." */
} pb_message;

/* Receives every message of a call, in order, on the thread that made the
 * call and before the call returns; never while paiban holds a lock, so it
 * may call paiban.  `user` is the request's message user (see
 * pb_request_set_message_user), else the options'.  Messages never hold
 * control characters or bytes that are not UTF-8. */
typedef void (*pb_message_fn)(void *user, const pb_message *message);

/* ---- options: what the program around paiban decides ----------------------- */

typedef struct pb_options pb_options;

/* Options with the defaults below; NULL when out of memory. */
PB_API pb_options *pb_options_new(void);
PB_API void pb_options_free(pb_options *options);

/* The folder holding layouts/ and fonts/ (catalog.json, and fonts.conf:
 * what paiban adds to fontconfig's configuration).
 * Default: the data folder paiban was installed with (PREFIX/share/paiban). */
PB_API pb_status pb_options_set_data_dir(pb_options *options, const char *dir);

/* Adds a folder (and its subfolders) to search for fonts, after the
 * report's and the layout's folders and the data folder's fonts/, before
 * the fonts of the system.  It must exist when the engine is made. */
PB_API pb_status pb_options_add_font_dir(pb_options *options, const char *dir);

/* Whether the fonts fontconfig knows (the system's and the user's, by its
 * own configuration) are used; default 1.  With 0 only the folders given
 * to paiban are searched. */
PB_API void pb_options_set_system_fonts(pb_options *options, int use);

/* A folder where fontconfig may keep what it learnt from scanning the
 * font folders paiban adds, so later engines start faster; NULL (the
 * default) keeps nothing. */
PB_API pb_status pb_options_set_cache_dir(pb_options *options, const char *dir);

/* The PDFs' creation date, in seconds since 1970-01-01 UTC (what
 * SOURCE_DATE_EPOCH holds).  PB_TIME_NONE (the default): each report's
 * meta.date, or no date.  paiban never reads the clock. */
#define PB_TIME_NONE (-1LL)
PB_API pb_status pb_options_set_creation_time(pb_options *options, long long seconds);

/* With 1, every font set loaded sends one PB_INFO message per role and
 * font: "fangsong: /usr/share/fonts/.../FandolFang-Regular.otf#0 (FandolFang, CFF)". */
PB_API void pb_options_set_verbose(pb_options *options, int verbose);

typedef enum pb_limit {
    PB_LIMIT_INPUT_BYTES = 0, /* one input file (report, layout, catalog);
                                 default and largest 16 MiB */
    PB_LIMIT_PAGES = 1,       /* pages of one document; default and most 2000 */
    PB_LIMIT_ERRORS = 2       /* error messages of one call; more are only
                                 counted; default 100, most 100000 */
} pb_limit;

/* Lowers a limit (PB_ERR_USAGE if value is below 1 or above the most). */
PB_API pb_status pb_options_set_limit(pb_options *options, pb_limit limit, long long value);

/* Where messages go (fn NULL: nowhere), with user passed to fn. */
PB_API void pb_options_set_message_callback(pb_options *options, pb_message_fn fn, void *user);

/* ---- the engine ----------------------------------------------------------- */

typedef struct pb_engine pb_engine;

/* Makes an engine with a copy of the options (NULL: the defaults).
 * Checks the data folder and the font folders (PB_ERR_IO naming the
 * folder, through the options' message callback); *engine is NULL on
 * failure. */
PB_API pb_status pb_engine_new(const pb_options *options, pb_engine **engine);
PB_API void pb_engine_free(pb_engine *engine);

/* ---- requests: one report and what to make of it --------------------------- */

typedef struct pb_request pb_request;

/* An empty request; NULL when out of memory. */
PB_API pb_request *pb_request_new(void);
PB_API void pb_request_free(pb_request *request);

/* The report: a file, or bytes named `name` in messages (its folder, the
 * folder of `name`, is where relative layout paths and the report's own
 * fonts are looked up).  Setting one replaces the other. */
PB_API pb_status pb_request_set_report_file(pb_request *request, const char *path);
PB_API pb_status pb_request_set_report_bytes(pb_request *request, const char *name,
                                             const void *bytes, size_t len);

/* The layout: a name ("gbt9704", from the data folder's layouts/) or a
 * path; or bytes named `name` (its "extends" are looked up from the folder
 * of `name`).  Default: the layout the report names, else gbt9704. */
PB_API pb_status pb_request_set_layout(pb_request *request, const char *name_or_path);
PB_API pb_status pb_request_set_layout_bytes(pb_request *request, const char *name,
                                             const void *bytes, size_t len);

/* Last year's report, for the rules that compare years; default none. */
PB_API pb_status pb_request_set_previous_file(pb_request *request, const char *path);
PB_API pb_status pb_request_set_previous_bytes(pb_request *request, const char *name,
                                               const void *bytes, size_t len);

/* The seal set over every signature of the report (GB/T 9704 7.3.5.1): a
 * PNG image, best a round red seal on a transparent background, drawn as
 * wide as the layout's seal diameter (default 42 mm).  A file, or bytes
 * named `name` in messages; NULL path: each signature block's own
 * "seal", if any (the default). */
PB_API pb_status pb_request_set_seal_file(pb_request *request, const char *path);
PB_API pb_status pb_request_set_seal_bytes(pb_request *request, const char *name,
                                           const void *bytes, size_t len);

/* With 1, the PDF is made even when a rule of the layout does not hold
 * (those messages become warnings); default 0: PB_ERR_CHECK. */
PB_API void pb_request_set_force(pb_request *request, int force);

/* Files pb_render writes: the PDF (written to a temporary file in the
 * same folder and renamed over the path only when complete, so a failed
 * call never leaves a partial file or damages an existing one) and the
 * dump (every placed line: page, position, font, size, text).  NULL: none. */
PB_API pb_status pb_request_set_output_file(pb_request *request, const char *pdf_path);
PB_API pb_status pb_request_set_dump_file(pb_request *request, const char *dump_path);

/* What kind of PDF to make. */
typedef enum pb_pdf_kind {
    PB_PDF_LAYOUT = 0,   /* as the layout's "pdf" says (default: archival) */
    PB_PDF_ARCHIVAL = 1, /* PDF/A-3a and PDF/UA-1: tagged, with XMP metadata,
                            an sRGB output intent and the report data
                            embedded (pb_extract gets it back) */
    PB_PDF_PLAIN = 2     /* none of that: a smaller, untagged PDF */
} pb_pdf_kind;

/* The kind of PDF (PB_ERR_USAGE for an unknown kind). */
PB_API pb_status pb_request_set_pdf(pb_request *request, pb_pdf_kind kind);

/* The `user` argument of the message callback for calls with this
 * request (default: the options' user). */
PB_API void pb_request_set_message_user(pb_request *request, void *user);

/* ---- calls ------------------------------------------------------------------ */

/* Renders the request's report and writes the files it names (at least
 * one, else PB_ERR_USAGE).  The rules of the layout are checked first: a
 * violated rule stops the call with PB_ERR_CHECK unless forced. */
PB_API pb_status pb_render(pb_engine *engine, const pb_request *request);

/* Renders to memory: the PDF into *pdf and *pdf_len, the dump into *dump
 * and *dump_len (a pointer pair may be NULL: not wanted; the dump is text
 * with a terminating NUL not counted in *dump_len).  Files the request
 * names are written too.  On failure the pointers are set to NULL.  Free
 * with pb_free. */
PB_API pb_status pb_render_bytes(pb_engine *engine, const pb_request *request,
                                 unsigned char **pdf, size_t *pdf_len, char **dump,
                                 size_t *dump_len);

typedef enum pb_check_format {
    PB_CHECK_TEXT = 0, /* one finding a line, as paiban check prints */
    PB_CHECK_JSON = 1  /* {"violations": [...], "missing": [...], ...} */
} pb_check_format;

/* Checks the numbers of the request's report (and its previous report)
 * against the rules of its layout, without typesetting.  The findings go
 * to *text and *len (NUL-terminated; free with pb_free).  PB_OK when no
 * rule is violated (and, when strict, no value a rule needs is blank),
 * PB_ERR_CHECK when one is, or the status of bad input (then *text is
 * NULL). */
PB_API pb_status pb_check(pb_engine *engine, const pb_request *request,
                          pb_check_format format, int strict, char **text, size_t *len);

/* Sums the tables of member reports (files) into the report data of a
 * summary report (全市汇总), cell by cell: integers and decimals exactly,
 * a blank cell adds nothing (blank + blank stays blank).  The members have
 * one layout (`layout`, a name or path; NULL: the one each member names)
 * and the same tables in the same order.  With `base` (a report file) the
 * summary is that report with the sums in its tables; without, a report of
 * the tables alone.  The JSON goes to out_path (written whole or not at
 * all; NULL: no file) and to *json and *len (NUL-terminated, free with
 * pb_free; json NULL: not wanted).  Messages go to the options' callback.
 * PB_OK, or the status of bad input: PB_ERR_INPUT for a text cell, a
 * number with a note, or members whose tables differ. */
PB_API pb_status pb_sum(pb_engine *engine, const char *const *members, int nmembers,
                        const char *layout, const char *base, const char *out_path,
                        char **json, size_t *len);
/* The report data an archival PDF made by paiban carries, byte for byte
 * as it was rendered: written to out_path when it is not NULL (atomically,
 * as pb_render writes), handed back in *data and *len when data is not
 * NULL (free with pb_free), and its file name ("nangang-2021.json") in
 * *name when name is not NULL (free with pb_free).  PB_ERR_INPUT when the
 * file is not a PDF, is damaged, or carries no report data (made by
 * another program, or a plain PDF); PB_ERR_IO when a file cannot be read
 * or written.  Messages go to the engine's callback.  Wherever a call
 * takes last year's report, and for pb_check's report, a PDF made by
 * paiban stands for the report it carries. */
PB_API pb_status pb_extract(pb_engine *engine, const char *pdf_path, const char *out_path,
                            unsigned char **data, size_t *len, char **name);
/* ---- import: report data from the documents clerks already have ------------ */

/* Reads a document a clerk already has — a Word document (.docx), a web
 * page (.html) or a plain text (.txt: UTF-8, UTF-16 or GB18030) — and
 * writes it as report data (JSON) to out_path, whole or not at all.  The
 * title, headings, run-in headings, paragraphs with their bold, the
 * signature and meta are recognized, and each table is matched to a
 * template of `layout` (a name or path; NULL: the layout of the data
 * folder whose tables match best, else gbt9704) and its values placed by
 * row and cell, or kept as a table of its own.  The report is read back
 * and its numbers checked before it is written; a violated rule is a
 * warning.  What was found (title, headings, paragraphs, tables and their
 * cells, warnings) goes to *summary (NUL-terminated; free with pb_free)
 * when summary is not NULL.  Messages go to the engine's callback and name
 * the source and the place in it ("line 12", "table 2, row 3, column 4").
 * A web page needs libxml2, a Word document libxml2 and libzip, loaded on
 * the first such call: PB_ERR_LIBRARY when they cannot be.
 * Thread-safe on one engine. */
PB_API pb_status pb_import(pb_engine *engine, const char *source_path, const char *layout,
                           const char *out_path, char **summary, size_t *summary_len);

/* The same for a source held in memory, named `name` in messages (its
 * extension, else its first bytes, tell the format): the report is
 * written to out_path when it is not NULL, and handed back in *json and
 * *json_len (free with pb_free) when json is not NULL; at least one. */
PB_API pb_status pb_import_bytes(pb_engine *engine, const char *name, const void *bytes,
                                 size_t len, const char *layout, const char *out_path,
                                 char **json, size_t *json_len, char **summary,
                                 size_t *summary_len);

/* paiban new: a report skeleton for `layout` (a name or path; NULL:
 * gbt9704), ready to fill — the title of the layout's outline with the
 * issuer and the year (year 0, issuer NULL: placeholders), its chapter
 * headings, every table of the layout with all cells blank, a placeholder
 * paragraph where text goes, and the signature block.  It is written to
 * out_path when it is not NULL and handed back in *json and *json_len
 * (free with pb_free) when json is not NULL; at least one.  A year outside
 * 1900-2999 is PB_ERR_USAGE. */
PB_API pb_status pb_new(pb_engine *engine, const char *layout, int year, const char *issuer,
                        const char *out_path, char **json, size_t *json_len);

/* ---- signing: PAdES signatures of the PDFs paiban makes -------------------- */

/* Who signs and how: a private key, its certificate and the chain, the
 * texts of the signature.  Set on a request (pb_request_set_signer) the
 * rendered PDF is signed as the last step; pb_sign signs a PDF made
 * earlier.  Strings and bytes are copied. */
typedef struct pb_signer pb_signer;

/* An empty signer; NULL when out of memory. */
PB_API pb_signer *pb_signer_new(void);
PB_API void pb_signer_free(pb_signer *signer);

/* The private key: PEM (PKCS #8 or traditional, possibly encrypted) or
 * DER; RSA of 2048 bits or more (PKCS #1 v1.5 with SHA-256), ECDSA (with
 * SHA-256) or SM2 (with SM3).  A file, or bytes named `name`. */
PB_API pb_status pb_signer_set_key_file(pb_signer *signer, const char *path);
PB_API pb_status pb_signer_set_key_bytes(pb_signer *signer, const char *name,
                                         const void *bytes, size_t len);
/* The key's certificate, PEM or DER. */
PB_API pb_status pb_signer_set_cert_file(pb_signer *signer, const char *path);
PB_API pb_status pb_signer_set_cert_bytes(pb_signer *signer, const char *name,
                                          const void *bytes, size_t len);
/* Certificates up to the root, PEM, put in the signature for verifiers
 * (optional; NULL path removes them). */
PB_API pb_status pb_signer_set_chain_file(pb_signer *signer, const char *path);
PB_API pb_status pb_signer_set_chain_bytes(pb_signer *signer, const char *name,
                                           const void *bytes, size_t len);
/* The passphrase of an encrypted key (bytes, not NUL-terminated; NULL
 * removes it).  An encrypted key without one is an error (PB_ERR_SIGN),
 * never a prompt. */
PB_API pb_status pb_signer_set_passphrase(pb_signer *signer, const void *pass, size_t len);
/* The texts of the signature, each optional (NULL or ""): the reason, the
 * location, the signer's name (default: the certificate's common name)
 * and how to reach the signer. */
PB_API pb_status pb_signer_set_reason(pb_signer *signer, const char *text);
PB_API pb_status pb_signer_set_location(pb_signer *signer, const char *text);
PB_API pb_status pb_signer_set_name(pb_signer *signer, const char *text);
PB_API pb_status pb_signer_set_contact(pb_signer *signer, const char *text);
/* The signing time, in seconds since 1970-01-01 UTC.  Without it
 * (PB_TIME_NONE): the options' creation time, else (for a render) the
 * report's meta.date, else the fallback time; with none of them the call
 * fails (PB_ERR_USAGE).  paiban never reads the clock: a program that
 * signs now gives the current time as the fallback. */
PB_API pb_status pb_signer_set_time(pb_signer *signer, long long seconds);
PB_API pb_status pb_signer_set_fallback_time(pb_signer *signer, long long seconds);
/* The bytes kept for the signature in the file (0, the default: what it
 * takes, measured); a signature that does not fit is PB_ERR_SIGN. */
PB_API pb_status pb_signer_set_reserve(pb_signer *signer, size_t bytes);

/* Signs the PDF the request renders as its last step (a copy of the
 * signer is kept; NULL: not signed, the default). */
PB_API pb_status pb_request_set_signer(pb_request *request, const pb_signer *signer);

/* Signs a PDF made by paiban (a file, or `bytes` named `pdf_path` when
 * bytes is not NULL): an incremental update adds a signature field and a
 * PAdES signature (ETSI.CAdES.detached) over the whole file, keeping the
 * PDF/A-3 and PDF/UA-1 claims (the field is tagged).  Written to out_path
 * (atomically, as pb_render writes) and/or handed back in *pdf and *len
 * (free with pb_free).  Errors: PB_ERR_SIGN (the key, certificate or
 * chain), PB_ERR_LIBRARY (libcrypto, loaded on the first signature,
 * cannot be), PB_ERR_INPUT (not a PDF, damaged, not made by paiban, signed
 * already), PB_ERR_IO. */
PB_API pb_status pb_sign(pb_engine *engine, const pb_signer *signer, const char *pdf_path,
                         const void *bytes, size_t bytes_len, const char *out_path,
                         unsigned char **pdf, size_t *len);

typedef enum pb_verify_format {
    PB_VERIFY_TEXT = 0, /* what paiban verify prints */
    PB_VERIFY_JSON = 1  /* {"valid": ..., "signatures": [...], ...} */
} pb_verify_format;

/* Checks every signature of a PDF: the byte range (the whole file but the
 * signature), the digest, the CMS signature, the signing certificate at
 * the signing time and, with ca_files (PEM or DER certificates of the
 * authorities to trust; nca may be 0), its chain.  The report (what was
 * signed, by whom, when, and whether the document changed since) goes to
 * *report and *len (NUL-terminated, free with pb_free).  PB_OK when every
 * signature is valid, covers the whole file and, with ca_files, is
 * trusted; PB_ERR_VERIFY otherwise, also for a file without signatures;
 * PB_ERR_INPUT for a file that is not a PDF or is damaged; PB_ERR_IO;
 * PB_ERR_LIBRARY when libcrypto, loaded on the first call, cannot be. */
PB_API pb_status pb_verify(pb_engine *engine, const char *pdf_path,
                           const char *const *ca_files, int nca, pb_verify_format format,
                           char **report, size_t *len);

/* Frees memory paiban handed back (NULL is fine). */
PB_API void pb_free(void *memory);

#ifdef __cplusplus
}
#endif

#endif
