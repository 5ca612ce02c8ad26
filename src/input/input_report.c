/* Report data: JSON -> pb_report, with inline markup turned into runs. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "base/call.h"
#include "base/fsio.h"
#include "base/limits.h"
#include "input/input.h"
#include "input/input_table.h"
#include "input/json_util.h"

typedef struct runbuf {
    pb_run *runs; /* in the arena */
    int n, cap;
} runbuf;

static void push_run(jctx *c, runbuf *b, pb_run r)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 4;
        b->runs = pb_arena_grow(c->arena, b->runs, (size_t)b->n, (size_t)cap, sizeof *b->runs);
        b->cap = cap;
    }
    b->runs[b->n++] = r;
}

static long chars_in(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Splits s into runs at "**" (bold between a pair); "\*" is a literal
 * asterisk.  The runs point into one arena copy of s in which a NUL ends
 * every run, so each run is also a C string. */
static void markup(jctx *c, const cJSON *node, const char *s, const char *path, int8_t bold,
                   int style, runbuf *b)
{
    size_t len = strlen(s);
    char *out = pb_arena_alloc(c->arena, len + 1); /* markup only shrinks text */
    size_t o = 0, start = 0;
    bool in_bold = false;
    long opened_at = 0;
    long chars = 0;      /* characters of s before byte `counted` */
    size_t counted = 0;
    for (size_t i = 0; i < len;) {
        /* the text up to the next \ or * is copied as it is */
        size_t plain = strcspn(s + i, "\\*");
        memcpy(out + o, s + i, plain);
        o += plain;
        i += plain;
        if (i == len)
            break;
        if (s[i] == '\\' && s[i + 1] == '*') {
            out[o++] = '*';
            i += 2;
            continue;
        }
        if (s[i] == '*' && s[i + 1] == '*') {
            if (o > start)
                push_run(c, b, (pb_run){out + start, o - start, style,
                                        in_bold ? 1 : bold, path});
            out[o++] = 0;
            start = o;
            in_bold = !in_bold;
            chars += chars_in(s + counted, i - counted);
            counted = i;
            opened_at = chars + 1;
            i += 2;
            continue;
        }
        out[o++] = s[i++];
    }
    if (o > start)
        push_run(c, b, (pb_run){out + start, o - start, style, in_bold ? 1 : bold, path});
    out[o] = 0;
    if (in_bold)
        jerror(c, node, path,
               "unclosed \"**\" (opened at character %ld; write \\\\* for a literal asterisk)",
               opened_at);
}

static const char *const run_keys[] = {"text", "bold", "style", NULL};

static void parse_run(jctx *c, const cJSON *v, const char *path, runbuf *b)
{
    jcheck_keys(c, v, path, run_keys);
    int8_t bold = -1;
    int style = -1;
    const cJSON *bv = jmember(v, "bold");
    bool flag;
    if (bv && jbool(c, bv, jpath_key(c, path, "bold"), &flag))
        bold = flag;
    const cJSON *sv = jmember(v, "style");
    if (sv)
        style = jenum(c, sv, jpath_key(c, path, "style"), pb_style_names, PB_STYLE_COUNT);
    const cJSON *tv = jrequire(c, v, path, "text");
    if (!tv)
        return;
    const char *tpath = jpath_key(c, path, "text");
    if (!cJSON_IsString(tv))
        jerror(c, tv, tpath, "expected a string, got %s", jdescribe(c, tv));
    else if (!tv->valuestring[0])
        jerror(c, tv, tpath, "empty text");
    else
        markup(c, tv, tv->valuestring, tpath, bold, style < 0 ? -1 : style, b);
}

/* TEXT: a string, or an array of strings and run objects. */
static void parse_text(jctx *c, const cJSON *v, const char *path, pb_text *out)
{
    runbuf b = {0};
    int before = c->diag->errors;
    out->path = path;
    if (cJSON_IsString(v)) {
        if (v->valuestring[0])
            markup(c, v, v->valuestring, path, -1, -1, &b);
    } else if (cJSON_IsArray(v)) {
        int i = 0;
        for (const cJSON *m = v->child; m; m = m->next, i++) {
            const char *ipath = jpath_index(c, path, i);
            if (cJSON_IsString(m)) {
                if (!m->valuestring[0])
                    jerror(c, m, ipath, "empty text");
                else
                    markup(c, m, m->valuestring, ipath, -1, -1, &b);
            } else if (cJSON_IsObject(m)) {
                parse_run(c, m, ipath, &b);
            } else {
                jerror(c, m, ipath, "expected a string or a run object, got %s",
                       jdescribe(c, m));
            }
        }
    } else {
        jerror(c, v, path, "expected a string or an array of strings and runs, got %s",
               jdescribe(c, v));
        return;
    }
    if (c->diag->errors == before && b.n == 0)
        jerror(c, v, path, "empty text");
    long chars = 0;
    for (int i = 0; i < b.n; i++)
        for (size_t k = 0; k < b.runs[i].len; k++)
            chars += ((unsigned char)b.runs[i].text[k] & 0xC0) != 0x80;
    if (chars > PB_MAX_TEXT_CHARS)
        jerror(c, v, path, "text of %ld characters, more than the limit of %d", chars,
               PB_MAX_TEXT_CHARS);
    else if (b.n > PB_MAX_TEXT_RUNS)
        jerror(c, v, path, "text in %d pieces (runs and \"**\" marks), more than the limit "
               "of %d", b.n, PB_MAX_TEXT_RUNS);
    out->runs = b.runs;
    out->nruns = b.n;
}

/* ---- blocks ---------------------------------------------------------- */

static const char *const block_types[] = {"title", "heading", "paragraph", "signature",
                                          "page_break", "table"};
enum { T_TITLE, T_HEADING, T_PARAGRAPH, T_SIGNATURE, T_PAGE_BREAK, T_TABLE, T_COUNT };

static const char *const *const block_keys[T_COUNT] = {
    [T_TITLE] = (const char *const[]){"type", "text", NULL},
    [T_HEADING] = (const char *const[]){"type", "level", "text", NULL},
    [T_PARAGRAPH] = (const char *const[]){"type", "text", NULL},
    [T_SIGNATURE] = (const char *const[]){"type", "lines", "seal", NULL},
    [T_PAGE_BREAK] = (const char *const[]){"type", NULL},
};

static void parse_title(jctx *c, const cJSON *blk, const char *path, pb_block *out)
{
    const cJSON *t = jrequire(c, blk, path, "text");
    if (!t)
        return;
    const char *tpath = jpath_key(c, path, "text");
    if (cJSON_IsString(t)) {
        out->texts = pb_arena_calloc(c->arena, 1, sizeof *out->texts);
        out->ntexts = 1;
        parse_text(c, t, tpath, &out->texts[0]);
        return;
    }
    if (!cJSON_IsArray(t) || !t->child) {
        jerror(c, t, tpath, "expected a string or a non-empty array of strings (one per line), "
               "got %s", cJSON_IsArray(t) ? "an empty array" : jdescribe(c, t));
        return;
    }
    int n = cJSON_GetArraySize(t), i = 0;
    out->texts = pb_arena_calloc(c->arena, (size_t)n, sizeof *out->texts);
    out->ntexts = n;
    for (const cJSON *m = t->child; m; m = m->next, i++) {
        const char *ipath = jpath_index(c, tpath, i);
        if (!cJSON_IsString(m))
            jerror(c, m, ipath, "expected a string (one title line), got %s", jdescribe(c, m));
        else
            parse_text(c, m, ipath, &out->texts[i]);
    }
}

static void parse_one_text(jctx *c, const cJSON *blk, const char *path, pb_block *out)
{
    const cJSON *t = jrequire(c, blk, path, "text");
    if (!t)
        return;
    out->texts = pb_arena_calloc(c->arena, 1, sizeof *out->texts);
    out->ntexts = 1;
    parse_text(c, t, jpath_key(c, path, "text"), &out->texts[0]);
}

static bool layout_ref_allowed(const char *ref);

static void parse_signature(jctx *c, const cJSON *blk, const char *path, pb_block *out)
{
    /* the seal image: like a layout, a file beside the report */
    const cJSON *sv = jmember(blk, "seal");
    if (sv) {
        const char *spath = jpath_key(c, path, "seal");
        if (jstring(c, sv, spath, true, &out->seal_file) && !layout_ref_allowed(out->seal_file))
            jerror(c, sv, spath, "must be a path inside the report's folder, got %s",
                   jdescribe(c, sv));
    }
    const cJSON *l = jrequire(c, blk, path, "lines");
    const char *lpath = jpath_key(c, path, "lines");
    if (!l || !jis_array(c, l, lpath, true))
        return;
    int n = cJSON_GetArraySize(l), i = 0;
    out->texts = pb_arena_calloc(c->arena, (size_t)n, sizeof *out->texts);
    out->ntexts = n;
    for (const cJSON *m = l->child; m; m = m->next, i++)
        parse_text(c, m, jpath_index(c, lpath, i), &out->texts[i]);
}

static void parse_block(jctx *c, const cJSON *blk, const char *path, pb_block *out)
{
    out->path = path;
    if (!jis_object(c, blk, path))
        return;
    const cJSON *tv = jrequire(c, blk, path, "type");
    if (!tv)
        return;
    const char *tpath = jpath_key(c, path, "type");
    if (!cJSON_IsString(tv)) {
        jerror(c, tv, tpath, "expected a string, got %s", jdescribe(c, tv));
        return;
    }
    int type = -1;
    for (int i = 0; i < T_COUNT; i++)
        if (strcmp(tv->valuestring, block_types[i]) == 0)
            type = i;
    if (type < 0) {
        const char *hint = jsuggest(tv->valuestring, block_types, T_COUNT);
        jerror(c, tv, tpath, "unknown block type %s (%s%s%s)", jdescribe(c, tv),
               hint ? "did you mean \""
                    : "expected title, heading, paragraph, signature, page_break or table",
               hint ? hint : "", hint ? "\"?" : "");
        return;
    }
    if (type == T_TABLE) {
        input_table_block(c, blk, path, out);
        return;
    }
    jcheck_keys(c, blk, path, block_keys[type]);
    switch (type) {
    case T_TITLE:
        out->kind = PB_BLOCK_TITLE;
        parse_title(c, blk, path, out);
        break;
    case T_HEADING: {
        out->kind = PB_BLOCK_HEADING;
        const cJSON *lv = jrequire(c, blk, path, "level");
        if (lv)
            jint(c, lv, jpath_key(c, path, "level"), 1, 4, &out->level);
        parse_one_text(c, blk, path, out);
        break;
    }
    case T_PARAGRAPH:
        out->kind = PB_BLOCK_PARAGRAPH;
        parse_one_text(c, blk, path, out);
        break;
    case T_SIGNATURE:
        out->kind = PB_BLOCK_SIGNATURE;
        parse_signature(c, blk, path, out);
        break;
    case T_PAGE_BREAK:
        out->kind = PB_BLOCK_PAGE_BREAK;
        break;
    }
}

/* ---- meta ------------------------------------------------------------ */

static bool date_shaped(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* A date that exists: 2022-02-30 has the shape but not the day. */
static bool valid_date(const char *s)
{
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static long count_chars(const char *s)
{
    long n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* PDF strings hold at most 65,535 bytes: meta texts are kept well below. */
static bool meta_length(jctx *c, const cJSON *m, const char *path, const char *key,
                        const char *s)
{
    long n = s ? count_chars(s) : 0;
    if (n <= PB_MAX_META_CHARS)
        return true;
    jerror(c, jmember(m, key), jpath_key(c, path, key),
           "%ld characters, more than the limit of %d", n, PB_MAX_META_CHARS);
    return false;
}

static const char *const meta_keys[] = {"title", "issuer", "year", "date",
                                        "subject", "keywords", NULL};

static void parse_meta(jctx *c, const cJSON *m, const char *path, pb_meta *out)
{
    if (!jis_object(c, m, path))
        return;
    jcheck_keys(c, m, path, meta_keys);
    const cJSON *t = jrequire(c, m, path, "title");
    if (t)
        jstring(c, t, jpath_key(c, path, "title"), true, &out->title);
    jopt_string(c, m, path, "issuer", false, &out->issuer);
    jopt_string(c, m, path, "subject", false, &out->subject);
    meta_length(c, m, path, "title", out->title);
    meta_length(c, m, path, "issuer", out->issuer);
    meta_length(c, m, path, "subject", out->subject);
    if (out->issuer && !*out->issuer)
        out->issuer = NULL;
    if (out->subject && !*out->subject)
        out->subject = NULL;
    jopt_int(c, m, path, "year", 1900, 2999, &out->year);
    const cJSON *d = jmember(m, "date");
    if (d) {
        const char *dpath = jpath_key(c, path, "date");
        if (!cJSON_IsString(d) || !date_shaped(d->valuestring))
            jerror(c, d, dpath, "expected a date as YYYY-MM-DD, got %s", jdescribe(c, d));
        else if (!valid_date(d->valuestring))
            jerror(c, d, dpath, "no such date: %s (years 1900 to 2999)", jdescribe(c, d));
        else
            out->date = pb_arena_strdup(c->arena, d->valuestring);
    }
    const cJSON *k = jmember(m, "keywords");
    const char *kpath = jpath_key(c, path, "keywords");
    if (k && jis_array(c, k, kpath, false)) {
        size_t len = 0;
        int i = 0;
        bool ok = true;
        for (const cJSON *w = k->child; w; w = w->next, i++) {
            const char *s;
            if (jstring(c, w, jpath_index(c, kpath, i), true, &s))
                len += strlen(s) + 3; /* "；" is 3 bytes */
            else
                ok = false;
        }
        if (ok && k->child) {
            char *joined = pb_arena_alloc(c->arena, len + 1), *end = joined;
            for (const cJSON *w = k->child; w; w = w->next) {
                if (w != k->child)
                    end = stpcpy(end, "；");
                end = stpcpy(end, w->valuestring);
            }
            if (meta_length(c, m, path, "keywords", joined))
                out->keywords = joined;
        }
    }
}

/* ---- report ---------------------------------------------------------- */

/* A report comes from whoever fills in the forms, so the layout it names
 * must be one of paiban's (a name) or a file beside it: never an absolute
 * path or one that climbs out of its folder, which would let a report make
 * paiban read (and quote in an error) any file. */
static bool layout_ref_allowed(const char *ref)
{
    if (ref[0] == '/' || strchr(ref, '\\'))
        return false;
    for (const char *p = ref; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

static const char *const report_keys[] = {"layout", "meta", "body", NULL};

pb_report *pb_input_report(const char *name, const char *bytes, size_t len, pb_arena *arena,
                           pb_diag *diag)
{
    if (!name)
        name = "report";
    jctx c = {.arena = arena, .diag = diag, .status = PB_ERR_INPUT, .file = name};
    int before = diag->errors;
    cJSON *root = json_parse(&c, bytes, len);
    if (!root)
        return NULL;
    pb_report *r = pb_arena_calloc(arena, 1, sizeof *r);
    r->file = pb_arena_strdup(arena, name);
    r->dir = pb_arena_dirname(arena, name);
    if (jis_object(&c, root, "")) {
        jcheck_keys(&c, root, "", report_keys);
        jopt_string(&c, root, "", "layout", true, &r->layout);
        if (r->layout && !layout_ref_allowed(r->layout))
            jerror(&c, jmember(root, "layout"), "layout",
                   "must be a layout name or a path inside the report's folder, got %s",
                   jdescribe(&c, jmember(root, "layout")));
        const cJSON *meta = jrequire(&c, root, "", "meta");
        if (meta)
            parse_meta(&c, meta, "meta", &r->meta);
        const cJSON *body = jrequire(&c, root, "", "body");
        int nblocks = cJSON_IsArray(body) ? cJSON_GetArraySize(body) : 0;
        if (nblocks > PB_MAX_BLOCKS) {
            jerror(&c, body, "body", "%d blocks, more than the limit of %d", nblocks,
                   PB_MAX_BLOCKS);
        } else if (body && jis_array(&c, body, "body", true)) {
            int n = cJSON_GetArraySize(body), i = 0;
            r->blocks = pb_arena_calloc(arena, (size_t)n, sizeof *r->blocks);
            r->nblocks = n;
            for (const cJSON *b = body->child; b; b = b->next, i++)
                parse_block(&c, b, jpath_index(&c, "body", i), &r->blocks[i]);
        }
    }
    cJSON_Delete(root);
    return diag->errors > before ? NULL : r;
}

pb_report *pb_input_report_file(const char *path, pb_arena *arena, pb_diag *diag)
{
    char *data;
    size_t len;
    if (!pb_read_file(path, PB_MAX_INPUT_BYTES, PB_ERR_INPUT, &data, &len, diag))
        return NULL;
    /* the file's bytes are given back however the reading ends, memory
       running out included */
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        free(data);
        pb_oom_rethrow();
    }
    pb_report *r = pb_input_report(path, data, len, arena, diag);
    pb_oom_leave(&scope);
    free(data);
    return r;
}
