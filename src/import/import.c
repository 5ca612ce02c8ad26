/* paiban import: a source document -> report data, in one function:
 * read (by format) -> layout (given, or the one whose tables match) ->
 * structure and tables -> JSON -> read back through the input stage and
 * checked against the layout's rules, as a hand-written report is. */
/* realpath */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/call.h"
#include "base/fsio.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "check/check.h"
#include "import/import.h"
#include "import/import_text.h"
#include "input/input.h"
#include "engine.h"

typedef enum src_format { SRC_TXT, SRC_HTML, SRC_DOCX } src_format;

static const char *const format_names[] = {"plain text", "web page", "Word document"};

static bool ends_with_ci(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcasecmp(s + n - k, tail);
}

/* The format by the name, else by the bytes.  Formats paiban cannot read
 * are named, with what to do instead. */
static bool detect_format(const char *name, const char *b, size_t len, src_format *f,
                          pb_diag *diag)
{
    bool zip = len >= 4 && !memcmp(b, "PK\x03\x04", 4);
    bool ole = len >= 8 && !memcmp(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    if (len >= 5 && !memcmp(b, "%PDF-", 5)) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL,
                      "a PDF file: import the Word document or web page it was made from, or "
                      "its text (pdftotext FILE.pdf FILE.txt)");
        return false;
    }
    if (ole) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL,
                      "an old Word or WPS document (.doc, .wps): save it as .docx (Word 2007 "
                      "or later) and import that");
        return false;
    }
    if (ends_with_ci(name, ".docx") || ends_with_ci(name, ".docm")) {
        *f = SRC_DOCX;
        return true;
    }
    if (ends_with_ci(name, ".html") || ends_with_ci(name, ".htm") ||
        ends_with_ci(name, ".xhtml") || ends_with_ci(name, ".shtml")) {
        *f = SRC_HTML;
        return true;
    }
    if (ends_with_ci(name, ".txt") || ends_with_ci(name, ".text")) {
        *f = SRC_TXT;
        return true;
    }
    if (zip) {
        *f = SRC_DOCX;
        return true;
    }
    /* markup at the start: a web page */
    size_t i = 0;
    if (len >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i + 5 <= len && b[i] == '<' &&
        (!strncasecmp(b + i, "<html", 5) || !strncasecmp(b + i, "<!doc", 5) ||
         !strncasecmp(b + i, "<head", 5) || !strncasecmp(b + i, "<body", 5) ||
         !strncasecmp(b + i, "<meta", 5) || !strncasecmp(b + i, "<?xml", 5))) {
        *f = SRC_HTML;
        return true;
    }
    *f = SRC_TXT;
    return true;
}

/* ---- the layout -------------------------------------------------------------------- */

typedef struct chosen_layout {
    const pb_layout *layout;  /* the engine's, shared */
    const char *ref;          /* what the report's "layout" says, or NULL */
    const pb_ruleset *rules;  /* the engine's */
} chosen_layout;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Without -l: the layout of the data folder whose templates the source's
 * tables match best (the first by name when they match equally), else the
 * default.  Layouts are read once by the engine. */
static bool choose_layout(const im_doc *doc, const char *ref, pb_engine *e, pb_arena *a,
                          chosen_layout *out, pb_diag *diag)
{
    if (ref) {
        out->layout = pb_engine_layout(e, ref, &out->rules, diag);
        out->ref = ref;
        return out->layout != NULL;
    }
    int ntables = 0;
    for (int i = 0; i < doc->nblocks; i++)
        ntables += doc->blocks[i].kind == IM_TABLE;
    const pb_layout *best = NULL;
    const pb_ruleset *best_rules = NULL;
    const char *best_name = NULL;
    double best_score = 0;
    char *dirpath = pb_arena_printf(a, "%s/layouts", pb_engine_data_dir(e));
    DIR *dir = ntables ? opendir(dirpath) : NULL;
    char **names = NULL;
    int nnames = 0, cap = 0;
    struct dirent *ent;
    while (dir && (ent = readdir(dir))) {
        size_t n = strlen(ent->d_name);
        if (n <= 5 || strcmp(ent->d_name + n - 5, ".json") || ent->d_name[0] == '.')
            continue;
        if (nnames == cap) {
            cap = cap ? cap * 2 : 16;
            names = pb_arena_grow(a, names, (size_t)nnames, (size_t)cap, sizeof *names);
        }
        names[nnames++] = pb_arena_strndup(a, ent->d_name, n - 5);
    }
    if (dir)
        closedir(dir);
    if (nnames)
        qsort(names, (size_t)nnames, sizeof *names, cmp_str);
    for (int k = 0; k < nnames; k++) {
        /* a broken layout in the data folder is not the source's problem */
        pb_diag quiet;
        pb_diag_init(&quiet);
        const pb_ruleset *rules = NULL;
        const pb_layout *l = pb_engine_layout(e, names[k], &rules, &quiet);
        pb_diag_free(&quiet);
        if (!l || l->ntables == 0)
            continue;
        double total = 0;
        for (int i = 0; i < doc->nblocks; i++) {
            if (doc->blocks[i].kind != IM_TABLE)
                continue;
            int which;
            double s = pb_import_table_score(doc, &doc->blocks[i].table, l, &which);
            if (s >= 0.45)
                total += s;
        }
        if (total > best_score) {
            best_score = total;
            best = l;
            best_rules = rules;
            best_name = names[k];
        }
    }
    if (best) {
        out->layout = best;
        out->rules = best_rules;
        out->ref = best_name;
        return true;
    }
    out->layout = pb_engine_layout(e, PB_DEFAULT_LAYOUT, &out->rules, diag);
    out->ref = NULL;
    return out->layout != NULL;
}

/* ---- limits --------------------------------------------------------------------------- */

static bool text_over(const im_text *t, const char *file, const char *where, pb_diag *diag)
{
    size_t chars = im_chars(t->s, t->len);
    if (chars <= PB_MAX_TEXT_CHARS)
        return false;
    pb_diag_error(diag, PB_ERR_INPUT, file, where,
                  "a paragraph of %zu characters, more than the limit of %d", chars,
                  PB_MAX_TEXT_CHARS);
    return true;
}

static bool check_limits(const ob_report *r, const char *file, pb_diag *diag)
{
    bool ok = true;
    if (r->nblocks > PB_MAX_BLOCKS) {
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                      "%d paragraphs, headings and tables, more than the limit of %d",
                      r->nblocks, PB_MAX_BLOCKS);
        return false;
    }
    for (int i = 0; i < r->nblocks; i++) {
        const ob_block *b = &r->blocks[i];
        for (int k = 0; k < b->npieces; k++)
            ok = !text_over(&b->pieces[k].text, file, b->where, diag) && ok;
        for (int k = 0; k < b->nlines; k++)
            ok = !text_over(&b->lines[k], file, b->where, diag) && ok;
    }
    if (r->title && im_chars(r->title, strlen(r->title)) > PB_MAX_META_CHARS) {
        pb_diag_error(diag, PB_ERR_INPUT, file, NULL,
                      "a title of %zu characters, more than the limit of %d",
                      im_chars(r->title, strlen(r->title)), PB_MAX_META_CHARS);
        ok = false;
    }
    return ok;
}

/* ---- the summary ----------------------------------------------------------------------- */

static void write_summary(FILE *f, const char *source, const char *out_path, const im_doc *doc,
                          src_format fmt, const ob_report *r, const chosen_layout *cl,
                          const pb_findings *findings, int warnings)
{
    if (!f)
        return;
    fprintf(f, "%s: %s", source, format_names[fmt]);
    if (fmt != SRC_DOCX && doc->encoding)
        fprintf(f, " (%s)", doc->encoding);
    fprintf(f, " -> %s, layout %s\n",
            out_path ? out_path : "standard output", cl->layout->name);
    fprintf(f, "  title: %s\n", r->title ? r->title : "(none)");
    int headings = 0;
    for (int l = 1; l <= 4; l++)
        headings += r->headings[l];
    fprintf(f, "  headings: %d", headings);
    if (headings) {
        const char *sep = " (";
        for (int l = 1; l <= 4; l++)
            if (r->headings[l]) {
                fprintf(f, "%slevel %d: %d", sep, l, r->headings[l]);
                sep = ", ";
            }
        fputs(")", f);
    }
    fprintf(f, "; run-in headings: %d\n", r->runins);
    fprintf(f, "  paragraphs: %d\n", r->paragraphs);
    fprintf(f, "  tables: %d matched, %d of their own\n", r->tables_matched, r->tables_inline);
    for (int i = 0; i < r->nblocks; i++) {
        const ob_block *b = &r->blocks[i];
        if (b->kind != OB_TABLE)
            continue;
        if (b->tpl)
            fprintf(f, "    %s -> %s: %d of %d cells filled\n", b->where, b->tpl->id,
                    b->cells_filled, b->nvalues);
        else
            fprintf(f, "    %s -> a table of its own\n", b->where);
    }
    const ob_block *sig = r->nblocks ? &r->blocks[r->nblocks - 1] : NULL;
    if (sig && sig->kind == OB_SIGNATURE)
        fprintf(f, "  signature: %s%s%s\n", r->issuer ? r->issuer : "",
                r->issuer ? ", " : "", r->date ? r->date : "");
    else
        fputs("  signature: none\n", f);
    if (doc->dropped_page_numbers || doc->dropped_running_heads)
        fprintf(f, "  dropped: %d page-number lines, %d running heads\n",
                doc->dropped_page_numbers, doc->dropped_running_heads);
    if (findings)
        fprintf(f, "  numbers: %d checks (%d in the text), %d violations, %d missing values\n",
                findings->checks, findings->text_checks, findings->violations,
                findings->missing);
    fprintf(f, "  warnings: %d\n", warnings);
}

/* ---- the whole import ----------------------------------------------------------------- */

static int count_warnings(const pb_diag *d)
{
    int n = 0;
    for (int i = 0; i < d->count; i++)
        n += d->messages[i].severity == PB_WARNING;
    return n;
}

const char *pb_import_layout_ref(const char *ref, const char *out_path, pb_arena *a)
{
    if (!ref)
        return NULL;
    if (!strchr(ref, '/') && !ends_with_ci(ref, ".json"))
        return ref;
    if (!out_path)
        return NULL;
    char *dir = pb_dirname(out_path);
    char *rd = realpath(dir, NULL);
    char *rl = realpath(ref, NULL);
    const char *res = NULL;
    if (rd && rl) {
        size_t n = strlen(rd);
        if (!strncmp(rl, rd, n) && rl[n] == '/')
            res = pb_arena_strdup(a, rl + n + 1);
    }
    free(dir);
    free(rd);
    free(rl);
    return res;
}

/* One import: the source (a file, or bytes named `name`), what to make of
 * it, and where the results go. */
typedef struct import_args {
    pb_engine *e;
    const char *name;         /* the source file, or the name of bytes */
    const char *bytes;        /* the source in memory, or NULL: read name */
    size_t len;
    const char *layout_ref;   /* NULL: the layout whose tables match best */
    const char *out_path;     /* the report file to write, or NULL */
    char **json;              /* the report in memory (malloc'ed), or NULL */
    size_t *json_len;
    char **summary;           /* what was found (malloc'ed), or NULL */
    size_t *summary_len;
    const char *misuse;       /* a wrong use of the call, reported as such */
} import_args;

/* The report of a recognized document: written as JSON, read back as any
 * report is and its numbers checked (*json malloc'ed); NULL after errors. */
static char *write_report(const import_args *x, const im_doc *doc, src_format fmt,
                          ob_report *rep, const chosen_layout *cl, pb_arena *a,
                          size_t *json_len, FILE *summary, pb_diag *diag)
{
    const char *name = x->name;
    if (!rep->title) {
        /* a title is required: the file's name stands in */
        const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
        const char *dot = strrchr(base, '.');
        rep->title = pb_arena_strndup(a, base, dot && dot > base ? (size_t)(dot - base)
                                                                   : strlen(base));
        im_text t = im_clean(a, im_text_make(a, rep->title, strlen(rep->title), false), NULL);
        rep->title = t.len ? t.s : "report";
        pb_diag_warning(diag, name, NULL,
                        "no title found: meta.title is \"%s\", from the file's name; edit it",
                        rep->title);
    }
    if (!check_limits(rep, name, diag))
        return NULL;
    rep->layout_ref = pb_import_layout_ref(cl->ref, x->out_path, a);
    if (cl->ref && !rep->layout_ref)
        pb_diag_warning(diag, name, NULL,
                        "the layout %s is outside the report's folder, so the report does "
                        "not name it: render it with -l %s",
                        cl->ref, cl->ref);
    char *json = pb_import_write_json(rep, json_len);
    if (*json_len > PB_MAX_INPUT_BYTES) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL,
                      "the report would be larger than the limit of %u bytes",
                      PB_MAX_INPUT_BYTES);
        free(json);
        return NULL;
    }
    const char *rname = x->out_path ? x->out_path : "report.json";
    pb_report *report = pb_input_report(rname, json, *json_len, a, diag);
    pb_findings findings;
    pb_check_options copt = {.strict = false};
    if (report && pb_input_bind_tables(report, cl->layout, a, diag) &&
        pb_check_run(cl->rules, report, NULL, &copt, a, &findings, diag)) {
        /* violations are warnings: the clerk fixes the numbers in the report */
        pb_findings v = findings;
        v.items = pb_arena_calloc(a, (size_t)findings.count + 1, sizeof *v.items);
        v.count = 0;
        for (int i = 0; i < findings.count; i++)
            if (findings.items[i].level == PB_FINDING_VIOLATION)
                v.items[v.count++] = findings.items[i];
        pb_check_to_diag(&v, true, diag);
    }
    if (pb_diag_failed(diag)) {
        free(json);
        return NULL;
    }
    write_summary(summary, name, x->out_path, doc, fmt, rep, cl, &findings,
                  count_warnings(diag));
    return json;
}

/* The report data of a source, *json malloc'ed; NULL after errors. */
static char *import_source(const import_args *x, const char *bytes, size_t len, pb_arena *a,
                           size_t *json_len, FILE *summary, pb_diag *diag)
{
    const char *name = x->name;
    src_format fmt;
    if (!detect_format(name, bytes, len, &fmt, diag))
        return NULL;
    im_doc doc = {.arena = a, .file = name};
    bool ok = fmt == SRC_DOCX   ? pb_import_read_docx(&doc, bytes, len, diag)
              : fmt == SRC_HTML ? pb_import_read_html(&doc, bytes, len, diag)
                                : pb_import_read_txt(&doc, bytes, len, diag);
    chosen_layout cl = {0};
    if (!ok || !choose_layout(&doc, x->layout_ref, x->e, a, &cl, diag))
        return NULL;
    ob_report rep = {0};
    if (!pb_import_structure(&doc, cl.layout, &rep, diag))
        return NULL;
    return write_report(x, &doc, fmt, &rep, &cl, a, json_len, summary, diag);
}

static void run_import(void *arg, pb_arena *a, pb_diag *diag)
{
    import_args *x = arg;
    if (x->misuse) {
        pb_diag_error(diag, PB_ERR_USAGE, NULL, NULL, "%s", x->misuse);
        return;
    }
    char *owned = NULL;
    const char *bytes = x->bytes;
    size_t len = x->len;
    size_t max = pb_limit_input_bytes(); /* raised for a .docx, see source_limit */
    if (!bytes) {
        if (!pb_read_file(x->name, max, PB_ERR_INPUT, &owned, &len, diag))
            return;
        bytes = owned;
    } else if (len > max) {
        pb_diag_error(diag, PB_ERR_INPUT, x->name, NULL, "larger than the limit of %zu bytes",
                      max);
        return;
    }
    char *sbuf = NULL;
    size_t slen = 0;
    FILE *summary = x->summary ? open_memstream(&sbuf, &slen) : NULL;
    size_t json_len = 0;
    char *json = import_source(x, bytes, len, a, &json_len, summary, diag);
    if (!json && !pb_diag_failed(diag))
        pb_diag_error(diag, PB_ERR_INTERNAL, x->name, NULL,
                      "the import stopped without saying why: please report this with the "
                      "document");
    free(owned);
    if (summary && fclose(summary) != 0) {
        free(sbuf);
        sbuf = NULL;
    }
    if (json && x->out_path && !pb_write_file_atomic(x->out_path, json, json_len, diag)) {
        free(json);
        json = NULL;
    }
    if (json && x->json) {
        *x->json = json;
        *x->json_len = json_len;
        json = NULL;
    }
    if (x->summary && sbuf && !pb_diag_failed(diag)) {
        *x->summary = sbuf;
        *x->summary_len = slen;
        sbuf = NULL;
    }
    free(json);
    free(sbuf);
}

/* The input limit of a source: a Word document holds pictures too. */
static size_t source_limit(const char *name)
{
    return ends_with_ci(name, ".docx") ? PB_MAX_DOCX_BYTES : 0;
}

pb_status pb_import(pb_engine *e, const char *source_path, const char *layout,
                    const char *out_path, char **summary, size_t *summary_len)
{
    if (summary)
        *summary = NULL;
    if (summary_len)
        *summary_len = 0;
    if (!e)
        return PB_ERR_USAGE;
    import_args x = {.e = e, .name = source_path, .layout_ref = layout, .out_path = out_path,
                     .summary = summary_len ? summary : NULL, .summary_len = summary_len};
    if (!source_path || !*source_path)
        x.misuse = "pb_import: no source";
    else if (!out_path || !*out_path)
        x.misuse = "pb_import: no report file to write";
    else if (summary && !summary_len)
        x.misuse = "pb_import: a summary pointer without its length";
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st =
        pb_engine_run(e, source_path ? source_limit(source_path) : 0, run_import, &x, &diag);
    pb_engine_deliver(e, &diag);
    return st;
}

pb_status pb_import_engine(pb_engine *e, const char *name, const char *bytes, size_t len,
                           const char *layout, char **json, size_t *json_len, pb_diag *diag)
{
    *json = NULL;
    *json_len = 0;
    import_args x = {.e = e, .name = name, .bytes = bytes ? bytes : "", .len = len,
                     .layout_ref = layout, .json = json, .json_len = json_len};
    return pb_engine_run(e, source_limit(name), run_import, &x, diag);
}

pb_status pb_import_bytes(pb_engine *e, const char *name, const void *bytes, size_t len,
                          const char *layout, const char *out_path, char **json,
                          size_t *json_len, char **summary, size_t *summary_len)
{
    if (json)
        *json = NULL;
    if (json_len)
        *json_len = 0;
    if (summary)
        *summary = NULL;
    if (summary_len)
        *summary_len = 0;
    if (!e)
        return PB_ERR_USAGE;
    import_args x = {.e = e, .name = name, .bytes = bytes ? bytes : "", .len = len,
                     .layout_ref = layout, .out_path = out_path && *out_path ? out_path : NULL,
                     .json = json_len ? json : NULL, .json_len = json_len,
                     .summary = summary_len ? summary : NULL, .summary_len = summary_len};
    if (!name || !*name)
        x.misuse = "pb_import_bytes: the source has no name";
    else if (!bytes && len)
        x.misuse = "pb_import_bytes: no bytes";
    else if (!x.out_path && !x.json)
        x.misuse = "pb_import_bytes: neither a report file to write nor a place for the report";
    else if ((json && !json_len) || (summary && !summary_len))
        x.misuse = "pb_import_bytes: a pointer without its length";
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_run(e, name ? source_limit(name) : 0, run_import, &x, &diag);
    pb_engine_deliver(e, &diag);
    return st;
}
