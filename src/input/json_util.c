#include "input/json_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/call.h"
#include "base/fsio.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "input/invisible.h"

/* ---- lexer: what cJSON does not check or does not say --------------- */

/* One pass over the bytes before cJSON sees them: nesting depth (cJSON's
 * own limit is 1000), unbalanced brackets and unterminated strings with
 * their position, and which strings hold a \u0000 escape (cJSON silently
 * cuts them there).  Run again up to cJSON's failure position, it gives
 * the context that turns that position into a useful message. */
typedef struct lexer {
    const char *s;
    size_t len;
    const char *err; /* first structural problem, or NULL */
    char errbuf[160];
    size_t err_pos;
    int depth;
    char stack[JSON_MAX_DEPTH];
    size_t open_at[JSON_MAX_DEPTH];
    bool colon[JSON_MAX_DEPTH]; /* object: ':' seen since the last ',' */
    char prev;                  /* last token: { [ : , " } ] v(alue) or 0 */
    bool in_string;             /* stopped inside a string */
    long nstrings;              /* strings (keys included) seen so far */
    long *nul;                  /* owned: indices of strings with \u0000 */
    int nnul, capnul;
} lexer;

static void line_col(const char *s, size_t pos, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void lex_fail(lexer *L, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lex_fail(lexer *L, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->errbuf, sizeof L->errbuf, fmt, ap);
    va_end(ap);
    L->err = L->errbuf;
    L->err_pos = pos;
}

static void note_nul(lexer *L, long index)
{
    if (L->nnul > 0 && L->nul[L->nnul - 1] == index)
        return;
    if (L->nnul == L->capnul) {
        L->capnul = L->capnul ? L->capnul * 2 : 8;
        L->nul = pb_xrealloc(L->nul, (size_t)L->capnul * sizeof *L->nul);
    }
    L->nul[L->nnul++] = index;
}

/* Scans s[0..stop); false at the first structural problem. */
/* The bytes lex looks at inside a string; it skips the others in a run. */
static const unsigned char string_special[256] = {
    [0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, ['\\'] = 1};

static bool lex(lexer *L, size_t stop)
{
    const char *s = L->s;
    if (stop > L->len)
        stop = L->len;
    for (size_t i = 0; i < stop; i++) {
        char c = s[i];
        switch (c) {
        case ' ': case '\t': case '\n': case '\r':
            break;
        case '"': {
            long index = L->nstrings++;
            size_t j = i + 1;
            for (;; j++) {
                while (j < stop && !string_special[(unsigned char)s[j]])
                    j++;
                if (j >= stop) {
                    if (stop < L->len) {
                        L->in_string = true;
                        return true;
                    }
                    lex_fail(L, i, "unterminated string");
                    return false;
                }
                if (s[j] == '"')
                    break;
                if (s[j] == '\n' || s[j] == '\r') {
                    lex_fail(L, j, "line break inside a string (missing closing quote?)");
                    return false;
                }
                if (s[j] == 0)
                    note_nul(L, index); /* cJSON would cut the string here */
                if (s[j] == '\\' && j + 1 < L->len) {
                    if (s[j + 1] == 'u' && j + 5 < L->len && memcmp(s + j + 2, "0000", 4) == 0)
                        note_nul(L, index);
                    j++;
                }
            }
            i = j;
            L->prev = '"';
            break;
        }
        case '{': case '[':
            if (L->depth == JSON_MAX_DEPTH) {
                lex_fail(L, i, "nesting deeper than %d levels", JSON_MAX_DEPTH);
                return false;
            }
            L->stack[L->depth] = c;
            L->open_at[L->depth] = i;
            L->colon[L->depth] = false;
            L->depth++;
            L->prev = c;
            break;
        case '}': case ']': {
            char open = c == '}' ? '{' : '[';
            if (L->depth == 0) {
                lex_fail(L, i, "unexpected '%c'", c);
                return false;
            }
            if (L->stack[L->depth - 1] != open) {
                long line, col;
                line_col(s, L->open_at[L->depth - 1], &line, &col);
                lex_fail(L, i, "'%c' does not close the '%c' at line %ld, column %ld", c,
                         L->stack[L->depth - 1], line, col);
                return false;
            }
            L->depth--;
            L->prev = c;
            break;
        }
        case ':':
            if (L->depth > 0)
                L->colon[L->depth - 1] = true;
            L->prev = c;
            break;
        case ',':
            if (L->depth > 0)
                L->colon[L->depth - 1] = false;
            L->prev = c;
            break;
        default:
            L->prev = 'v';
            break;
        }
    }
    if (stop == L->len && L->depth > 0) {
        lex_fail(L, L->open_at[L->depth - 1], "'%c' is never closed",
                 L->stack[L->depth - 1]);
        return false;
    }
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Turns cJSON's failure position into words, from the tokens before it. */
static const char *explain(const lexer *L, size_t pos, char *buf, size_t size)
{
    const char *s = L->s;
    if (L->in_string) {
        if (pos < L->len && s[pos] == '\\' && pos + 1 < L->len) {
            char e = s[pos + 1];
            if (e == '*')
                return "invalid escape '\\*' (a literal asterisk is written \\\\*)";
            if (e != 'u') {
                if (e > ' ' && e < 0x7F)
                    snprintf(buf, size, "invalid escape '\\%c' (a backslash is written \\\\)",
                             e);
                else
                    snprintf(buf, size, "invalid escape (a backslash is written \\\\)");
                return buf;
            }
            if (pos + 5 < L->len && is_hex(s[pos + 2]) && is_hex(s[pos + 3]) &&
                is_hex(s[pos + 4]) && is_hex(s[pos + 5])) {
                unsigned v = (unsigned)strtoul((char[5]){s[pos + 2], s[pos + 3], s[pos + 4],
                                                         s[pos + 5], 0},
                                               NULL, 16);
                if (v >= 0xD800 && v <= 0xDFFF) {
                    snprintf(buf, size,
                             "invalid \\u escape: unpaired surrogate U+%04X is not a character",
                             v);
                    return buf;
                }
            }
            return "invalid \\u escape (it needs four hex digits)";
        }
        return "invalid string";
    }
    char top = L->depth > 0 ? L->stack[L->depth - 1] : 0;
    bool colon = L->depth > 0 && L->colon[L->depth - 1];
    char c = pos < L->len ? s[pos] : 0;
    if (L->prev == ',' && (c == '}' || c == ']')) {
        snprintf(buf, size, "comma before '%c' (trailing commas are not allowed)", c);
        return buf;
    }
    if (top == '{' && (L->prev == '{' || L->prev == ','))
        return "expected a key in double quotes";
    if (top == '{' && L->prev == '"' && !colon)
        return "expected ':' after the key";
    if (L->prev == 0 || L->prev == ':' || L->prev == '[' || L->prev == ',') {
        if (c == '\'')
            return "invalid value (strings need double quotes)";
        return "invalid value (expected a string, number, object, array, true, false or null)";
    }
    if (top == '{')
        return "expected ',' or '}'";
    if (top == '[')
        return "expected ',' or ']'";
    return "syntax error";
}

/* A few characters from pos, printable, for "near '...'". */
static void near_text(const char *s, size_t len, size_t pos, char *out, size_t size)
{
    size_t o = 0;
    int chars = 0;
    size_t i = pos;
    while (i < len && chars < 12 && o + 8 < size) {
        unsigned char b = (unsigned char)s[i];
        if (b == '\n' || b == '\r')
            break;
        size_t k = i;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == 0xFFFD && k == i + 1 && b >= 0x80) {
            out[o++] = '?';
        } else if (cp == '\t') {
            out[o++] = ' ';
        } else if (pb_char_invisible(cp)) {
            out[o++] = '?';
        } else {
            memcpy(out + o, s + i, k - i);
            o += k - i;
        }
        i = k;
        chars++;
    }
    out[o] = 0;
}

static void syntax_error(jctx *c, const char *s, size_t len, size_t pos, const char *what)
{
    long line, col;
    line_col(s, pos, &line, &col);
    char near[128];
    near_text(s, len, pos, near, sizeof near);
    if (pos >= len)
        pb_diag_error(c->diag, c->status, c->file, NULL,
                      "line %ld, column %ld: %s (at end of input)", line, col, what);
    else if (!near[0])
        pb_diag_error(c->diag, c->status, c->file, NULL,
                      "line %ld, column %ld: %s (at end of line)", line, col, what);
    else
        pb_diag_error(c->diag, c->status, c->file, NULL,
                      "line %ld, column %ld: %s (near '%s')", line, col, what, near);
}

/* ---- paths and messages --------------------------------------------- */

/* A path kept on the stack while walking a tree; turned into a string
 * only when there is something to report. */
typedef struct pseg {
    const struct pseg *up;
    const char *key; /* or NULL: index */
    int index;
} pseg;

static const char *pseg_str(jctx *c, const pseg *p)
{
    if (!p)
        return "";
    const char *up = pseg_str(c, p->up);
    return p->key ? jpath_key(c, up, p->key) : jpath_index(c, up, p->index);
}

/* A key that can be printed as it is in a path. */
static bool plain_key(const char *key)
{
    size_t len = strlen(key);
    if (!len || pb_utf8_invalid_at(key, len) >= 0 || strpbrk(key, ".[]\"\\ "))
        return false;
    for (size_t i = 0; i < len;)
        if (pb_char_invisible(pb_utf8_next(key, len, &i)))
            return false;
    return true;
}

/* parent, sep and tail joined in the arena: a path is made for every
   value read, and printf would cost several times as much */
static const char *path_join(jctx *c, const char *parent, char sep, const char *tail,
                             size_t tail_len)
{
    size_t n = parent ? strlen(parent) : 0;
    char *s = pb_arena_alloc(c->arena, n + 1 + tail_len + 1);
    if (n)
        memcpy(s, parent, n);
    s[n] = sep;
    memcpy(s + n + 1, tail, tail_len);
    return s;
}

const char *jpath_key(jctx *c, const char *parent, const char *key)
{
    if (!plain_key(key))
        return pb_arena_printf(c->arena, "%s[%s]", parent ? parent : "", jquote(c, key, 30));
    if (!parent || !*parent)
        return pb_arena_strdup(c->arena, key);
    return path_join(c, parent, '.', key, strlen(key));
}

const char *jpath_index(jctx *c, const char *parent, int index)
{
    if (index < 0)
        return pb_arena_printf(c->arena, "%s[%d]", parent ? parent : "", index);
    char digits[16], *d = digits + sizeof digits;
    *--d = ']';
    do
        *--d = (char)('0' + index % 10);
    while (index /= 10);
    return path_join(c, parent, '[', d, (size_t)(digits + sizeof digits - d));
}

struct jdeleted {
    const cJSON *obj;
    char *key; /* in the origin's work arena */
    const char *file;
};

static const char *origin_of(const jorigin *o, const cJSON *node);

const char *jfile_of(jctx *c, const cJSON *node)
{
    const char *file = node && c->origin ? origin_of(c->origin, node) : NULL;
    return file ? file : c->file;
}

void jerror(jctx *c, const cJSON *node, const char *path, const char *fmt, ...)
{
    char body[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    pb_diag_error(c->diag, c->status, jfile_of(c, node), path, "%s", body);
}

const char *jquote(jctx *c, const char *s, int max)
{
    size_t len = strlen(s);
    char *out = pb_arena_alloc(c->arena, (size_t)max * 6 + 8);
    size_t o = 0, i = 0;
    int chars = 0;
    out[o++] = '"';
    while (i < len) {
        if (chars == max) {
            memcpy(out + o, "…", 3); /* U+2026 */
            o += 3;
            break;
        }
        size_t k = i;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == 0xFFFD && k == i + 1 && (unsigned char)s[i] >= 0x80)
            o += (size_t)sprintf(out + o, "\\x%02X", (unsigned char)s[i]);
        else if (pb_char_invisible(cp))
            o += (size_t)sprintf(out + o, "\\u%04X", (unsigned)cp);
        else if (cp == '"' || cp == '\\')
            o += (size_t)sprintf(out + o, "\\%c", (char)cp);
        else {
            memcpy(out + o, s + i, k - i);
            o += k - i;
        }
        i = k;
        chars++;
    }
    out[o++] = '"';
    out[o] = 0;
    return out;
}

static const char *fmt_number(jctx *c, double v)
{
    if (!isfinite(v))
        return "a number out of range";
    /* the fewest digits that read back as v: 15 can show a number above a
     * limit as one below it (9007199254740993 as 9.00719925474099e+15) */
    char *s = NULL;
    for (int digits = 15; digits <= 17; digits++) {
        s = pb_arena_printf(c->arena, "%.*g", digits, v);
        if (strtod(s, NULL) == v)
            break;
    }
    return s;
}

const char *jdescribe(jctx *c, const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsString(v))
        return jquote(c, v->valuestring, 20);
    if (cJSON_IsNumber(v))
        return fmt_number(c, v->valuedouble);
    if (cJSON_IsTrue(v))
        return "true";
    if (cJSON_IsFalse(v))
        return "false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an unknown value";
}

const char *jsuggest(const char *word, const char *const *names, int n)
{
    return pb_suggest(word, names, n);
}

/* ---- typed access ----------------------------------------------------- */

const cJSON *jmember(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

void jcheck_keys(jctx *c, const cJSON *obj, const char *path, const char *const *known)
{
    int n = 0;
    while (known[n])
        n++;
    for (const cJSON *m = obj->child; m; m = m->next) {
        bool found = false;
        for (int i = 0; i < n && !found; i++)
            found = strcmp(m->string, known[i]) == 0;
        if (found)
            continue;
        const char *hint = jsuggest(m->string, known, n);
        if (hint)
            jerror(c, m, path, "unknown key %s (did you mean \"%s\"?)", jquote(c, m->string, 30),
                   hint);
        else
            jerror(c, m, path, "unknown key %s", jquote(c, m->string, 30));
    }
}

const char *jfile_missing(jctx *c, const cJSON *obj, const char *key)
{
    for (int i = 0; c->origin && i < c->origin->ndeleted; i++)
        if (c->origin->deleted[i].obj == obj && strcmp(c->origin->deleted[i].key, key) == 0)
            return c->origin->deleted[i].file;
    return jfile_of(c, obj);
}

const cJSON *jrequire(jctx *c, const cJSON *obj, const char *path, const char *key)
{
    const cJSON *m = jmember(obj, key);
    if (!m)
        pb_diag_error(c->diag, c->status, jfile_missing(c, obj, key), path,
                      "missing required key \"%s\"", key);
    return m;
}

bool jis_object(jctx *c, const cJSON *v, const char *path)
{
    if (cJSON_IsObject(v))
        return true;
    jerror(c, v, path, "expected an object, got %s", jdescribe(c, v));
    return false;
}

bool jis_array(jctx *c, const cJSON *v, const char *path, bool nonempty)
{
    if (!cJSON_IsArray(v)) {
        jerror(c, v, path, "expected an array, got %s", jdescribe(c, v));
        return false;
    }
    if (nonempty && !v->child) {
        jerror(c, v, path, "must not be empty");
        return false;
    }
    return true;
}

bool jstring(jctx *c, const cJSON *v, const char *path, bool nonempty, const char **out)
{
    if (!cJSON_IsString(v)) {
        jerror(c, v, path, "expected a string, got %s", jdescribe(c, v));
        return false;
    }
    if (nonempty && !v->valuestring[0]) {
        jerror(c, v, path, "must not be empty");
        return false;
    }
    *out = pb_arena_strdup(c->arena, v->valuestring);
    return true;
}

static bool in_range(jctx *c, const cJSON *v, const char *path, double x, double min,
                     double max)
{
    if (!isfinite(x)) {
        jerror(c, v, path, "number out of range");
        return false;
    }
    if (x < min || x > max) {
        jerror(c, v, path, "must be between %g and %g, got %s", min, max, fmt_number(c, x));
        return false;
    }
    return true;
}

bool jnumber(jctx *c, const cJSON *v, const char *path, double min, double max, double *out)
{
    if (!cJSON_IsNumber(v)) {
        jerror(c, v, path, "expected a number, got %s", jdescribe(c, v));
        return false;
    }
    if (!in_range(c, v, path, v->valuedouble, min, max))
        return false;
    *out = v->valuedouble;
    return true;
}

bool jint(jctx *c, const cJSON *v, const char *path, int min, int max, int *out)
{
    if (!cJSON_IsNumber(v)) {
        jerror(c, v, path, "expected an integer, got %s", jdescribe(c, v));
        return false;
    }
    double x = v->valuedouble;
    if (isfinite(x) && x != floor(x)) {
        jerror(c, v, path, "expected an integer, got %s", fmt_number(c, x));
        return false;
    }
    if (!in_range(c, v, path, x, min, max))
        return false;
    *out = (int)x;
    return true;
}

bool jbool(jctx *c, const cJSON *v, const char *path, bool *out)
{
    if (!cJSON_IsBool(v)) {
        jerror(c, v, path, "expected true or false, got %s", jdescribe(c, v));
        return false;
    }
    *out = cJSON_IsTrue(v);
    return true;
}

int jenum(jctx *c, const cJSON *v, const char *path, const char *const *names, int n)
{
    if (cJSON_IsString(v)) {
        for (int i = 0; i < n; i++)
            if (strcmp(v->valuestring, names[i]) == 0)
                return i;
    }
    char list[512];
    size_t o = 0;
    for (int i = 0; i < n && o + 40 < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s\"%s\"",
                              i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
    const char *hint = cJSON_IsString(v) ? jsuggest(v->valuestring, names, n) : NULL;
    if (hint)
        jerror(c, v, path, "expected %s, got %s (did you mean \"%s\"?)", list,
               jdescribe(c, v), hint);
    else
        jerror(c, v, path, "expected %s, got %s", list, jdescribe(c, v));
    return -1;
}

bool jopt_number(jctx *c, const cJSON *obj, const char *path, const char *key, double min,
                 double max, double *out)
{
    const cJSON *v = jmember(obj, key);
    return !v || jnumber(c, v, jpath_key(c, path, key), min, max, out);
}

bool jopt_int(jctx *c, const cJSON *obj, const char *path, const char *key, int min, int max,
              int *out)
{
    const cJSON *v = jmember(obj, key);
    return !v || jint(c, v, jpath_key(c, path, key), min, max, out);
}

bool jopt_bool(jctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
    const cJSON *v = jmember(obj, key);
    return !v || jbool(c, v, jpath_key(c, path, key), out);
}

bool jopt_string(jctx *c, const cJSON *obj, const char *path, const char *key, bool nonempty,
                 const char **out)
{
    const cJSON *v = jmember(obj, key);
    return !v || jstring(c, v, jpath_key(c, path, key), nonempty, out);
}

/* ---- origins ---------------------------------------------------------- */

static size_t slot_of(const jorigin *o, const cJSON *node)
{
    uint64_t h = (uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (o->cap - 1);
}

static void origin_put(jorigin *o, const cJSON *node, const char *file)
{
    if ((o->count + 1) * 2 > o->cap) {
        jorigin old = *o;
        o->cap = old.cap ? old.cap * 2 : 256;
        o->nodes = pb_arena_calloc(o->work, o->cap, sizeof *o->nodes);
        o->files = pb_arena_calloc(o->work, o->cap, sizeof *o->files);
        o->count = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.nodes[i])
                origin_put(o, old.nodes[i], old.files[i]);
    }
    size_t i = slot_of(o, node);
    while (o->nodes[i] && o->nodes[i] != node)
        i = (i + 1) & (o->cap - 1);
    if (!o->nodes[i])
        o->count++;
    o->nodes[i] = node;
    o->files[i] = file;
}

static const char *origin_of(const jorigin *o, const cJSON *node)
{
    if (!o->cap)
        return NULL;
    for (size_t i = slot_of(o, node); o->nodes[i]; i = (i + 1) & (o->cap - 1))
        if (o->nodes[i] == node)
            return o->files[i];
    return NULL;
}

void jorigin_add_tree(jorigin *o, const cJSON *root, const char *file)
{
    origin_put(o, root, file);
    for (const cJSON *m = root->child; m; m = m->next)
        jorigin_add_tree(o, m, file);
}

const char *jorigin_file(const jorigin *o, const cJSON *node)
{
    return origin_of(o, node);
}

void jorigin_deleted(jorigin *o, const cJSON *obj, const char *key, const char *file)
{
    if (o->ndeleted == o->capdeleted) {
        int cap = o->capdeleted ? o->capdeleted * 2 : 8;
        o->deleted = pb_arena_grow(o->work, o->deleted, (size_t)o->capdeleted, (size_t)cap,
                                   sizeof *o->deleted);
        o->capdeleted = cap;
    }
    o->deleted[o->ndeleted++] = (struct jdeleted){obj, pb_arena_strdup(o->work, key), file};
}

/* ---- checks every file gets ------------------------------------------ */

typedef struct walk {
    jctx *c;
    const lexer *L;
    long next_string; /* index of the next string, in document order */
    int next_nul;     /* cursor into L->nul */
    int removals_told;  /* strings whose removed characters were reported */
    long removals_more; /* strings with removed characters not reported */
    struct keyidx *keys; /* arena: an object's keys, sorted (check_duplicates) */
    bool *dup;           /* arena: which of them repeat one before */
    int keys_cap;
} walk;

/* Strings of one file whose removed characters get a warning of their
 * own; beyond that they are counted (one pasted document can have a soft
 * hyphen in every paragraph). */
#define REMOVAL_WARNINGS 20

static bool has_nul(walk *w, long index)
{
    while (w->next_nul < w->L->nnul && w->L->nul[w->next_nul] < index)
        w->next_nul++;
    return w->next_nul < w->L->nnul && w->L->nul[w->next_nul] == index;
}

/* A character removed from a string: the first place and how often. */
typedef struct removal {
    uint32_t cp;
    const char *what;
    long first, count;
} removal;

/* Removes the characters pb_char_use_in_text says to remove from s (in
 * place: the string only shrinks) with a warning naming each, and where. */
static void remove_invisible(walk *w, const pseg *p, const cJSON *node, char *s, size_t len)
{
    jctx *c = w->c;
    removal found[8];
    int nfound = 0;
    long chars = 0, other = 0;
    size_t o = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(s, len, &i);
        chars++;
        const char *what;
        if (pb_char_use_in_text(cp, prev, &what) == PB_CHAR_REMOVE) {
            int k = 0;
            while (k < nfound && found[k].cp != cp)
                k++;
            if (k == nfound && nfound < (int)(sizeof found / sizeof *found))
                found[nfound++] = (removal){cp, what, chars, 0};
            if (k < nfound)
                found[k].count++;
            else
                other++;
        } else {
            memmove(s + o, s + at, i - at);
            o += i - at;
        }
        prev = cp;
    }
    s[o] = 0;
    if (nfound == 0)
        return;
    if (w->removals_told == REMOVAL_WARNINGS) {
        w->removals_more++;
        return;
    }
    w->removals_told++;
    const char *path = pseg_str(c, p);
    for (int k = 0; k < nfound; k++) {
        const removal *r = &found[k];
        if (r->count == 1)
            pb_diag_warning(c->diag, jfile_of(c, node), path,
                            "%s U+%04X removed (character %ld)", r->what, (unsigned)r->cp,
                            r->first);
        else
            pb_diag_warning(c->diag, jfile_of(c, node), path,
                            "%s U+%04X removed (%ld times, first at character %ld)", r->what,
                            (unsigned)r->cp, r->count, r->first);
    }
    if (other)
        pb_diag_warning(c->diag, jfile_of(c, node), path,
                        "%ld more invisible characters removed", other);
}

static void check_string(walk *w, const pseg *p, const cJSON *node, const char *s, bool nul,
                         bool key)
{
    jctx *c = w->c;
    const char *in = key ? "in a key: " : "";
    if (nul) {
        jerror(c, node, pseg_str(c, p), "%scontrol character U+0000 (NUL) is not allowed", in);
        return;
    }
    size_t len = strlen(s);
    long bad = pb_utf8_invalid_at(s, len);
    if (bad >= 0) {
        jerror(c, node, pseg_str(c, p),
               "%sinvalid UTF-8 (unpaired surrogate or bad byte) at byte %ld", in, bad);
        return;
    }
    long chars = 0;
    bool removable = false;
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        /* valid UTF-8 from here: one-byte and three-byte characters (ASCII,
           all of CJK) are decoded in place, the common ones let through */
        const unsigned char *u = (const unsigned char *)s + i;
        uint32_t cp;
        if (u[0] < 0x80) {
            cp = u[0];
            i++;
        } else if ((u[0] & 0xF0) == 0xE0) {
            cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
            i += 3;
        } else {
            cp = pb_utf8_next(s, len, &i);
        }
        chars++;
        if (pb_char_common_plain(cp)) {
            prev = cp;
            continue;
        }
        const char *why;
        pb_char_use use = pb_char_use_in_text(cp, prev, &why);
        if (key && use == PB_CHAR_PLAIN && pb_char_invisible(cp)) {
            use = PB_CHAR_REFUSE;
            why = "invisible character";
        }
        if (use == PB_CHAR_REFUSE || (key && use == PB_CHAR_REMOVE)) {
            jerror(c, node, pseg_str(c, p), "%s%s U+%04X is not allowed (character %ld)", in,
                   why, (unsigned)cp, chars);
            return;
        }
        removable |= use == PB_CHAR_REMOVE;
        prev = cp;
    }
    /* the tree belongs to the parse: its strings may be changed in place */
    if (removable)
        remove_invisible(w, p, node, (char *)s, len);
}

typedef struct keyidx {
    const char *key;
    int index;
} keyidx;

static int cmp_keyidx(const void *a, const void *b)
{
    const keyidx *x = a, *y = b;
    int d = strcmp(x->key, y->key);
    return d ? d : (x->index > y->index) - (x->index < y->index);
}

static void check_duplicates(walk *w, const cJSON *obj, const pseg *p)
{
    int n = 0;
    for (const cJSON *m = obj->child; m; m = m->next)
        n++;
    if (n < 2)
        return;
    /* one buffer for every object, in the arena: an object's keys are
       checked before its members are walked, and memory running out while
       a duplicate is reported leaves nothing behind */
    if (n > w->keys_cap) {
        w->keys_cap = n > 2 * w->keys_cap ? n : 2 * w->keys_cap;
        w->keys = pb_arena_calloc(w->c->arena, (size_t)w->keys_cap, sizeof *w->keys);
        w->dup = pb_arena_calloc(w->c->arena, (size_t)w->keys_cap, sizeof *w->dup);
    }
    keyidx *k = w->keys;
    bool *dup = w->dup;
    memset(dup, 0, (size_t)n * sizeof *dup);
    int i = 0;
    for (const cJSON *m = obj->child; m; m = m->next, i++)
        k[i] = (keyidx){m->string, i};
    qsort(k, (size_t)n, sizeof *k, cmp_keyidx);
    for (i = 1; i < n; i++)
        if (strcmp(k[i].key, k[i - 1].key) == 0)
            dup[k[i].index] = true;
    i = 0;
    for (const cJSON *m = obj->child; m; m = m->next, i++)
        if (dup[i])
            jerror(w->c, m, pseg_str(w->c, p), "duplicate key %s", jquote(w->c, m->string, 30));
}

static void check_node(walk *w, const cJSON *n, const pseg *p)
{
    if (cJSON_IsString(n)) {
        long index = w->next_string++;
        check_string(w, p, n, n->valuestring, has_nul(w, index), false);
    } else if (cJSON_IsArray(n)) {
        int i = 0;
        for (const cJSON *m = n->child; m; m = m->next, i++) {
            pseg q = {p, NULL, i};
            check_node(w, m, &q);
        }
    } else if (cJSON_IsObject(n)) {
        check_duplicates(w, n, p);
        for (const cJSON *m = n->child; m; m = m->next) {
            long index = w->next_string++;
            check_string(w, p, m, m->string, has_nul(w, index), true);
            pseg q = {p, m->string, 0};
            check_node(w, m, &q);
        }
    }
}

static bool only_space(const char *s, size_t from, size_t len)
{
    for (size_t i = from; i < len; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

/* ---- telling a syntax error from a failed allocation --------------------
 *
 * cJSON answers NULL both for bad syntax and when an allocation fails.
 * This recognizer allocates nothing and accepts exactly what cJSON 1.7
 * parses (RFC 8259, with cJSON's own limits: a number is at most 63
 * characters, an escaped surrogate must be a pair): when it accepts a text
 * cJSON failed on, memory ran out. */

typedef struct recognizer {
    const char *s;
    size_t len, i;
} recognizer;

static void skip_blanks(recognizer *r)
{
    while (r->i < r->len && is_space(r->s[r->i]))
        r->i++;
}

static bool take(recognizer *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->i < n || memcmp(r->s + r->i, word, n) != 0)
        return false;
    r->i += n;
    return true;
}

static long hex4(recognizer *r)
{
    if (r->len - r->i < 4)
        return -1;
    long v = 0;
    for (int k = 0; k < 4; k++) {
        char c = r->s[r->i++];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool recognize_string(recognizer *r)
{
    r->i++; /* the opening quote */
    while (r->i < r->len) {
        unsigned char c = (unsigned char)r->s[r->i++];
        if (c == '"')
            return true;
        if (c != '\\')
            continue; /* cJSON takes control characters and any bytes */
        if (r->i >= r->len)
            return false;
        c = (unsigned char)r->s[r->i++];
        if (c == 'u') {
            long u = hex4(r);
            if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
                return false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                long low = take(r, "\\u") ? hex4(r) : -1;
                if (low < 0xDC00 || low > 0xDFFF)
                    return false;
            }
        } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
            return false;
        }
    }
    return false;
}

static bool recognize_number(recognizer *r)
{
    size_t start = r->i;
    if (r->i < r->len && r->s[r->i] == '-')
        r->i++;
    if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9')
        return false;
    if (r->s[r->i] == '0')
        r->i++;
    else
        while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9')
            r->i++;
    if (r->i < r->len && r->s[r->i] == '.') {
        r->i++;
        if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9')
            return false;
        while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9')
            r->i++;
    }
    if (r->i < r->len && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
        r->i++;
        if (r->i < r->len && (r->s[r->i] == '+' || r->s[r->i] == '-'))
            r->i++;
        if (r->i >= r->len || r->s[r->i] < '0' || r->s[r->i] > '9')
            return false;
        while (r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9')
            r->i++;
    }
    return r->i - start <= 63;
}

static bool recognize_value(recognizer *r, int depth)
{
    skip_blanks(r);
    if (r->i >= r->len || depth > 1000) /* cJSON's nesting limit */
        return false;
    char c = r->s[r->i];
    if (c == '"')
        return recognize_string(r);
    if (c == 't')
        return take(r, "true");
    if (c == 'f')
        return take(r, "false");
    if (c == 'n')
        return take(r, "null");
    if (c == '-' || (c >= '0' && c <= '9'))
        return recognize_number(r);
    if (c != '[' && c != '{')
        return false;
    char close = c == '[' ? ']' : '}';
    r->i++;
    skip_blanks(r);
    if (r->i < r->len && r->s[r->i] == close) {
        r->i++;
        return true;
    }
    for (;;) {
        if (close == '}') {
            skip_blanks(r);
            if (r->i >= r->len || r->s[r->i] != '"' || !recognize_string(r))
                return false;
            skip_blanks(r);
            if (!take(r, ":"))
                return false;
        }
        if (!recognize_value(r, depth + 1))
            return false;
        skip_blanks(r);
        if (r->i < r->len && r->s[r->i] == close) {
            r->i++;
            return true;
        }
        if (!take(r, ","))
            return false;
    }
}

/* Whether bytes hold one JSON value cJSON would parse, blanks around it. */
static bool json_recognized(const char *bytes, size_t len)
{
    recognizer r = {bytes, len, 0};
    if (!recognize_value(&r, 1))
        return false;
    skip_blanks(&r);
    return r.i == len;
}

cJSON *json_parse(jctx *c, const char *bytes, size_t len)
{
    if (len > pb_limit_input_bytes()) {
        pb_diag_error(c->diag, c->status, c->file, NULL,
                      "file is larger than the limit of %zu bytes", pb_limit_input_bytes());
        return NULL;
    }
    if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
        bytes += 3;
        len -= 3;
    }
    if (only_space(bytes, 0, len)) {
        pb_diag_error(c->diag, c->status, c->file, NULL, "the file is empty");
        return NULL;
    }
    lexer L = {.s = bytes, .len = len};
    if (!lex(&L, len)) {
        syntax_error(c, bytes, len, L.err_pos, L.err);
        free(L.nul);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(bytes, len, &end, false);
    if (!root && json_recognized(bytes, len)) {
        /* the text is valid: cJSON ran out of memory */
        free(L.nul);
        pb_diag_out_of_memory(c->diag);
        return NULL;
    }
    if (!root) {
        size_t pos = end && end >= bytes ? (size_t)(end - bytes) : 0;
        lexer K = {.s = bytes, .len = len};
        if (pos > 0) {
            /* cJSON reports a key that does not start with '"' one byte
             * late ("{'a': 1}" fails at a): move back onto it */
            lex(&K, pos - 1);
            char b = bytes[pos - 1];
            if (!K.in_string && K.depth > 0 && K.stack[K.depth - 1] == '{' &&
                (K.prev == '{' || K.prev == ',') && b != '"' && !is_space(b)) {
                pos--;
            } else {
                free(K.nul);
                K = (lexer){.s = bytes, .len = len};
                lex(&K, pos);
            }
        } else {
            lex(&K, pos);
        }
        char buf[160];
        syntax_error(c, bytes, len, pos, explain(&K, pos, buf, sizeof buf));
        free(K.nul);
        free(L.nul);
        return NULL;
    }
    size_t after = (size_t)(end - bytes);
    if (!only_space(bytes, after, len)) {
        while (is_space(bytes[after]))
            after++;
        syntax_error(c, bytes, len, after, "unexpected text after the JSON value");
        cJSON_Delete(root);
        free(L.nul);
        return NULL;
    }
    walk w = {.c = c, .L = &L};
    check_node(&w, root, NULL);
    if (w.removals_more)
        pb_diag_warning(c->diag, c->file, NULL,
                        "invisible characters removed from %ld more strings", w.removals_more);
    free(L.nul);
    return root;
}
