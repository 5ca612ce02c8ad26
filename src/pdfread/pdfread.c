/* PDF reader: lexer, objects, cross-reference sections, object streams,
 * stream filters.  ISO 32000-1 7.2 (lexical conventions), 7.3 (objects),
 * 7.5 (file structure), 7.4.4 (FlateDecode and predictors). */
#include "pdfread/pdfread.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/flate.h"
#include "base/utf8.h"

/* ---- the reader ------------------------------------------------------ */

typedef struct xent {
    unsigned char type;   /* 0: none/free, 1: at offset, 2: in an object stream */
    long long a;          /* 1: byte offset; 2: the object stream's number */
    long long b;          /* 1: generation; 2: index in the stream */
} xent;

typedef enum { SLOT_NEW = 0, SLOT_LOADING, SLOT_DONE } slot_state;

typedef struct objstm {
    long long num;        /* the object stream */
    unsigned char *data;  /* decoded */
    size_t len;
    long long *nums;      /* N objects: number and offset (from First) */
    size_t *offs;
    int n;
    size_t first;
} objstm;

struct pb_pdf {
    const unsigned char *data;
    size_t len;
    const char *name;
    pb_arena *arena;
    pb_diag *diag;
    xent *xref;           /* by object number */
    long long size;
    const pb_pobj *trailer;
    const pb_pobj **objs; /* parsed objects, by number */
    unsigned char *state; /* slot_state by number */
    objstm *stms;         /* decoded object streams */
    int nstms, stms_cap;
    size_t decoded;       /* stream bytes decoded so far */
    bool reported;        /* one broken-object message is enough */
    size_t seen_n;        /* entries of the "seen" flags while sections are read */
    size_t newest_at;     /* where the newest cross-reference section is */
    bool newest_stream;   /* ... and whether it is a stream */
};

/* All decoded stream data of one file together. */
#define MAX_DECODED ((size_t)256 << 20)

static bool fail(pb_pdf *p, size_t at, const char *what)
{
    if (!p->reported)
        pb_diag_error(p->diag, PB_ERR_INPUT, p->name, NULL, "damaged PDF: %s (at byte %zu)",
                      what, at);
    p->reported = true;
    return false;
}

/* ---- lexer ------------------------------------------------------------ */

typedef struct lexer {
    pb_pdf *pdf;
    const unsigned char *d;
    size_t len, at;
    int depth;
    bool bad;
} lexer;

static bool is_ws(int c)
{
    return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

static bool is_delim(int c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}

static void skip_ws(lexer *l)
{
    while (l->at < l->len) {
        int c = l->d[l->at];
        if (is_ws(c)) {
            l->at++;
        } else if (c == '%') {
            while (l->at < l->len && l->d[l->at] != '\n' && l->d[l->at] != '\r')
                l->at++;
        } else {
            break;
        }
    }
}

static bool lex_error(lexer *l, const char *what)
{
    l->bad = true;
    return fail(l->pdf, l->at, what);
}

/* A bare word (keyword or number) at the position; its length. */
static size_t word_len(const lexer *l)
{
    size_t n = 0;
    while (l->at + n < l->len && !is_ws(l->d[l->at + n]) && !is_delim(l->d[l->at + n]))
        n++;
    return n;
}

static bool at_word(lexer *l, const char *w)
{
    skip_ws(l);
    size_t n = strlen(w);
    return word_len(l) == n && memcmp(l->d + l->at, w, n) == 0;
}

static bool take_word(lexer *l, const char *w)
{
    if (!at_word(l, w))
        return false;
    l->at += strlen(w);
    return true;
}

/* A non-negative integer word; false (nothing taken) if there is none. */
static bool take_uint(lexer *l, long long *v)
{
    skip_ws(l);
    size_t n = word_len(l);
    if (n == 0 || n > 18)
        return false;
    long long x = 0;
    for (size_t i = 0; i < n; i++) {
        int c = l->d[l->at + i];
        if (c < '0' || c > '9')
            return false;
        x = x * 10 + (c - '0');
    }
    l->at += n;
    *v = x;
    return true;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static pb_pobj *new_obj(lexer *l, pb_pobj_kind kind)
{
    pb_pobj *o = pb_arena_alloc(l->pdf->arena, sizeof *o);
    o->kind = kind;
    return o;
}

static pb_pobj *parse_literal(lexer *l)
{
    /* the decoded string is never longer than its source: find where the
     * source ends first (a buffer as long as the rest of the file for
     * every string made reading a big file quadratic in memory) */
    size_t start = ++l->at, end = start;
    for (int d = 1; end < l->len; end++) {
        unsigned char c = l->d[end];
        if (c == '\\')
            end++;
        else if (c == '(')
            d++;
        else if (c == ')' && --d == 0)
            break;
    }
    char *out = pb_arena_alloc(l->pdf->arena, (end < l->len ? end : l->len) - start + 1);
    size_t n = 0;
    int depth = 1;
    while (l->at < l->len) {
        int c = l->d[l->at++];
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                break;
        } else if (c == '\\') {
            if (l->at >= l->len)
                break;
            c = l->d[l->at++];
            switch (c) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case '\r':
                if (l->at < l->len && l->d[l->at] == '\n')
                    l->at++;
                continue; /* a line continuation */
            case '\n':
                continue;
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int k = 0; k < 2 && l->at < l->len && l->d[l->at] >= '0' &&
                                    l->d[l->at] <= '7';
                         k++)
                        v = v * 8 + (l->d[l->at++] - '0');
                    c = v & 0xFF;
                }
                break;
            }
        } else if (c == '\r') {
            /* an end of line in a string is a line feed */
            if (l->at < l->len && l->d[l->at] == '\n')
                l->at++;
            c = '\n';
        }
        out[n++] = (char)c;
    }
    if (depth != 0) {
        lex_error(l, "a string is not closed");
        return NULL;
    }
    out[n] = 0;
    pb_pobj *o = new_obj(l, PB_POBJ_STRING);
    o->s = out;
    o->len = n;
    return o;
}

static pb_pobj *parse_hex(lexer *l)
{
    size_t start = ++l->at;
    const unsigned char *close = memchr(l->d + start, '>', l->len - start);
    size_t span = close ? (size_t)(close - (l->d + start)) : l->len - start;
    char *out = pb_arena_alloc(l->pdf->arena, span / 2 + 2);
    size_t n = 0;
    int hi = -1;
    while (l->at < l->len && l->d[l->at] != '>') {
        int c = l->d[l->at++];
        if (is_ws(c))
            continue;
        int v = hexval(c);
        if (v < 0) {
            lex_error(l, "a hex string holds a character that is not a hex digit");
            return NULL;
        }
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (char)(hi << 4 | v);
            hi = -1;
        }
    }
    if (l->at >= l->len) {
        lex_error(l, "a hex string is not closed");
        return NULL;
    }
    l->at++;
    if (hi >= 0)
        out[n++] = (char)(hi << 4); /* an odd last digit is followed by 0 */
    out[n] = 0;
    pb_pobj *o = new_obj(l, PB_POBJ_STRING);
    o->s = out;
    o->len = n;
    return o;
}

static const char *parse_name_text(lexer *l)
{
    size_t start = ++l->at;
    size_t n = word_len(l);
    char *out = pb_arena_alloc(l->pdf->arena, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = l->d[start + i];
        if (c == '#' && i + 2 < n && hexval(l->d[start + i + 1]) >= 0 &&
            hexval(l->d[start + i + 2]) >= 0) {
            c = hexval(l->d[start + i + 1]) << 4 | hexval(l->d[start + i + 2]);
            i += 2;
        }
        out[o++] = (char)c;
    }
    out[o] = 0;
    l->at = start + n;
    return out;
}

static pb_pobj *parse_object(lexer *l);

/* A number, or "N G R": a reference. */
static pb_pobj *parse_number(lexer *l)
{
    size_t n = word_len(l);
    const unsigned char *s = l->d + l->at;
    bool real = false, ok = n > 0 && n <= 40;
    for (size_t i = 0; i < n && ok; i++) {
        if (s[i] == '.')
            real = true;
        else if (!((s[i] >= '0' && s[i] <= '9') || ((s[i] == '-' || s[i] == '+') && i == 0)))
            ok = false;
    }
    if (!ok) {
        lex_error(l, "an unknown word");
        return NULL;
    }
    char buf[48];
    memcpy(buf, s, n);
    buf[n] = 0;
    l->at += n;
    if (real) {
        pb_pobj *o = new_obj(l, PB_POBJ_REAL);
        o->r = strtod(buf, NULL);
        return o;
    }
    char *end;
    long long v = n <= 18 ? strtoll(buf, &end, 10) : 0;
    pb_pobj *o = new_obj(l, n <= 18 ? PB_POBJ_INT : PB_POBJ_REAL);
    if (n > 18)
        o->r = strtod(buf, NULL);
    o->i = v;
    /* a reference: two non-negative integers and R */
    if (o->kind == PB_POBJ_INT && v >= 0) {
        size_t save = l->at;
        long long gen;
        if (take_uint(l, &gen) && take_word(l, "R")) {
            o->kind = PB_POBJ_REF;
            o->gen = gen > 65535 ? 65535 : (int)gen;
            return o;
        }
        l->at = save;
    }
    return o;
}

typedef struct grow {
    pb_pobj **items;
    const char **keys;
    int n, cap;
} grow;

static void grow_add(pb_arena *a, grow *g, const char *key, pb_pobj *v)
{
    if (g->n == g->cap) {
        int cap = g->cap ? g->cap * 2 : 8;
        g->items = pb_arena_grow(a, g->items, (size_t)g->n, (size_t)cap, sizeof *g->items);
        g->keys = pb_arena_grow(a, g->keys, (size_t)g->n, (size_t)cap, sizeof *g->keys);
        g->cap = cap;
    }
    g->keys[g->n] = key;
    g->items[g->n++] = v;
}

static pb_pobj *parse_object(lexer *l)
{
    skip_ws(l);
    if (l->at >= l->len) {
        lex_error(l, "the file ends inside an object");
        return NULL;
    }
    int c = l->d[l->at];
    if (c == '(')
        return parse_literal(l);
    if (c == '/') {
        pb_pobj *o = new_obj(l, PB_POBJ_NAME);
        o->s = parse_name_text(l);
        o->len = strlen(o->s);
        return o;
    }
    if (c == '[' || (c == '<' && l->at + 1 < l->len && l->d[l->at + 1] == '<')) {
        bool dict = c == '<';
        if (++l->depth > PB_PDF_MAX_DEPTH) {
            lex_error(l, "arrays and dictionaries nested too deep");
            return NULL;
        }
        l->at += dict ? 2 : 1;
        grow g = {0};
        for (;;) {
            skip_ws(l);
            if (l->at >= l->len) {
                lex_error(l, dict ? "a dictionary is not closed" : "an array is not closed");
                return NULL;
            }
            if (!dict && l->d[l->at] == ']') {
                l->at++;
                break;
            }
            if (dict && l->d[l->at] == '>' && l->at + 1 < l->len && l->d[l->at + 1] == '>') {
                l->at += 2;
                break;
            }
            const char *key = NULL;
            if (dict) {
                if (l->d[l->at] != '/') {
                    lex_error(l, "a dictionary key is not a name");
                    return NULL;
                }
                key = parse_name_text(l);
            }
            pb_pobj *v = parse_object(l);
            if (!v)
                return NULL;
            grow_add(l->pdf->arena, &g, key, v);
        }
        l->depth--;
        pb_pobj *o = new_obj(l, dict ? PB_POBJ_DICT : PB_POBJ_ARRAY);
        o->items = g.items;
        o->keys = dict ? g.keys : NULL;
        o->n = g.n;
        return o;
    }
    if (c == '<')
        return parse_hex(l);
    if (c == ')' || c == '>' || c == ']' || c == '{' || c == '}') {
        lex_error(l, "an unexpected delimiter");
        return NULL;
    }
    if (take_word(l, "true") || take_word(l, "false")) {
        pb_pobj *o = new_obj(l, PB_POBJ_BOOL);
        o->b = l->d[l->at - 1] == 'e' && l->d[l->at - 2] == 'u';
        return o;
    }
    if (take_word(l, "null"))
        return new_obj(l, PB_POBJ_NULL);
    return parse_number(l);
}

/* ---- objects ------------------------------------------------------------ */

const pb_pobj *pb_pdf_get_raw(const pb_pobj *dict, const char *key)
{
    if (!dict || (dict->kind != PB_POBJ_DICT && dict->kind != PB_POBJ_STREAM))
        return NULL;
    /* the last of duplicate keys wins, as in most readers */
    for (int i = dict->n - 1; i >= 0; i--)
        if (!strcmp(dict->keys[i], key))
            return dict->items[i];
    return NULL;
}

bool pb_pdf_is_name(const pb_pobj *o, const char *name)
{
    return o && o->kind == PB_POBJ_NAME && !strcmp(o->s, name);
}

static const pb_pobj *load(pb_pdf *p, long long num);

const pb_pobj *pb_pdf_resolve(pb_pdf *p, const pb_pobj *o)
{
    for (int hops = 0; o && o->kind == PB_POBJ_REF; hops++) {
        if (hops == PB_PDF_MAX_HOPS) {
            fail(p, 0, "a chain of references is too long");
            return NULL;
        }
        o = load(p, o->i);
    }
    return o && o->kind == PB_POBJ_NULL ? NULL : o;
}

const pb_pobj *pb_pdf_get(pb_pdf *p, const pb_pobj *dict, const char *key)
{
    return pb_pdf_resolve(p, pb_pdf_get_raw(pb_pdf_resolve(p, dict), key));
}

static bool int_value(pb_pdf *p, const pb_pobj *dict, const char *key, long long *v)
{
    const pb_pobj *o = pb_pdf_get(p, dict, key);
    if (!o || o->kind != PB_POBJ_INT)
        return false;
    *v = o->i;
    return true;
}

/* "N G obj" at `at`, then the object, then a stream's data. */
static const pb_pobj *parse_indirect(pb_pdf *p, size_t at, long long want)
{
    lexer l = {.pdf = p, .d = p->data, .len = p->len, .at = at};
    long long num, gen;
    if (!take_uint(&l, &num) || !take_uint(&l, &gen) || !take_word(&l, "obj")) {
        fail(p, at, "no object where the cross-reference table says one is");
        return NULL;
    }
    if (want >= 0 && num != want) {
        fail(p, at, "the object there is not the one the cross-reference table names");
        return NULL;
    }
    pb_pobj *o = parse_object(&l);
    if (!o)
        return NULL;
    skip_ws(&l);
    if (o->kind == PB_POBJ_DICT && take_word(&l, "stream")) {
        /* the data starts after CRLF or LF */
        if (l.at < l.len && l.d[l.at] == '\r')
            l.at++;
        if (l.at < l.len && l.d[l.at] == '\n')
            l.at++;
        o->kind = PB_POBJ_STREAM;
        o->data_off = l.at;
        long long n;
        /* the object is not yet in place: an indirect /Length of this very
         * object would loop, which load() catches */
        if (!int_value(p, o, "Length", &n) || n < 0 || (size_t)n > l.len - l.at) {
            fail(p, l.at, "a stream's /Length is missing or beyond the end of the file");
            return NULL;
        }
        o->data_len = (size_t)n;
    }
    return o;
}

static objstm *object_stream(pb_pdf *p, long long num)
{
    for (int i = 0; i < p->nstms; i++)
        if (p->stms[i].num == num)
            return &p->stms[i];
    const pb_pobj *s = load(p, num);
    if (!s || s->kind != PB_POBJ_STREAM || !pb_pdf_is_name(pb_pdf_get(p, s, "Type"), "ObjStm")) {
        fail(p, 0, "an object stream is missing");
        return NULL;
    }
    long long n, first;
    unsigned char *data;
    size_t len;
    if (!int_value(p, s, "N", &n) || !int_value(p, s, "First", &first) || n < 0 ||
        first < 0 || !pb_pdf_stream_data(p, s, MAX_DECODED, &data, &len) ||
        (size_t)first > len || (size_t)n > len / 2 + 1) {
        fail(p, s->data_off, "an object stream's /N or /First is wrong");
        return NULL;
    }
    objstm st = {.num = num, .data = data, .len = len, .n = (int)n, .first = (size_t)first};
    st.nums = pb_arena_calloc(p->arena, (size_t)n + 1, sizeof *st.nums);
    st.offs = pb_arena_calloc(p->arena, (size_t)n + 1, sizeof *st.offs);
    lexer l = {.pdf = p, .d = data, .len = (size_t)first};
    for (long long i = 0; i < n; i++) {
        long long on, off;
        if (!take_uint(&l, &on) || !take_uint(&l, &off) || (size_t)off > len - (size_t)first) {
            fail(p, s->data_off, "an object stream's table is broken");
            return NULL;
        }
        st.nums[i] = on;
        st.offs[i] = (size_t)off;
    }
    if (p->nstms == p->stms_cap) {
        int cap = p->stms_cap ? p->stms_cap * 2 : 8;
        p->stms = pb_arena_grow(p->arena, p->stms, (size_t)p->nstms, (size_t)cap,
                                sizeof *p->stms);
        p->stms_cap = cap;
    }
    p->stms[p->nstms] = st;
    return &p->stms[p->nstms++];
}

static const pb_pobj *load(pb_pdf *p, long long num)
{
    /* while the cross-reference sections are read, no object is */
    if (!p->state || num < 0 || num >= p->size)
        return NULL;
    if (p->state[num] == SLOT_DONE)
        return p->objs[num];
    if (p->state[num] == SLOT_LOADING) {
        fail(p, 0, "an object refers to itself while it is read");
        return NULL;
    }
    p->state[num] = SLOT_LOADING;
    const pb_pobj *o = NULL;
    const xent *e = &p->xref[num];
    if (e->type == 1) {
        if (e->a >= 0 && (size_t)e->a < p->len)
            o = parse_indirect(p, (size_t)e->a, num);
        else
            fail(p, 0, "an object's offset is beyond the end of the file");
    } else if (e->type == 2 && e->a != num) {
        objstm *st = object_stream(p, e->a);
        if (st && e->b >= 0 && e->b < st->n && st->nums[e->b] == num) {
            lexer l = {.pdf = p, .d = st->data, .len = st->len,
                       .at = st->first + st->offs[e->b]};
            o = parse_object(&l);
            if (o && o->kind == PB_POBJ_STREAM)
                o = NULL; /* streams are never in object streams */
        } else if (st) {
            fail(p, 0, "an object is not where the cross-reference stream says");
        }
    }
    p->objs[num] = o;
    p->state[num] = SLOT_DONE;
    return o;
}

const pb_pobj *pb_pdf_object(pb_pdf *p, long long num)
{
    return load(p, num);
}

/* ---- filters ------------------------------------------------------------- */

/* PNG (10-15) and TIFF (2) predictors of FlateDecode (ISO 32000-1
 * 7.4.4.4), in place: out gets the rows without their tag bytes. */
static bool unpredict(pb_pdf *p, const pb_pobj *parms, unsigned char *data, size_t *len)
{
    long long pred = 1, colors = 1, bpc = 8, cols = 1;
    int_value(p, parms, "Predictor", &pred);
    if (pred <= 1)
        return true;
    int_value(p, parms, "Colors", &colors);
    int_value(p, parms, "BitsPerComponent", &bpc);
    int_value(p, parms, "Columns", &cols);
    if (colors < 1 || colors > 32 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 &&
                                      bpc != 16) || cols < 1 || cols > (1 << 24))
        return false;
    size_t bpp = (size_t)((colors * bpc + 7) / 8);
    size_t row = (size_t)((colors * bpc * cols + 7) / 8);
    if (pred == 2) {
        if (bpc != 8)
            return false;
        for (size_t r = 0; r + row <= *len; r += row)
            for (size_t i = bpp; i < row; i++)
                data[r + i] = (unsigned char)(data[r + i] + data[r + i - bpp]);
        return true;
    }
    if (pred < 10)
        return false;
    size_t in = 0, out = 0;
    unsigned char *prev = NULL;
    while (in + 1 + row <= *len) {
        int type = data[in];
        unsigned char *src = data + in + 1, *dst = data + out;
        for (size_t i = 0; i < row; i++) {
            int a = i >= bpp ? dst[i - bpp] : 0;
            int b = prev ? prev[i] : 0;
            int c = prev && i >= bpp ? prev[i - bpp] : 0;
            int x = src[i], v;
            switch (type) {
            case 0: v = x; break;
            case 1: v = x + a; break;
            case 2: v = x + b; break;
            case 3: v = x + (a + b) / 2; break;
            case 4: {
                int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
                v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                break;
            }
            default:
                return false;
            }
            dst[i] = (unsigned char)v;
        }
        prev = dst;
        in += 1 + row;
        out += row;
    }
    *len = out;
    data[out] = 0;
    return true;
}

bool pb_pdf_stream_data(pb_pdf *p, const pb_pobj *s, size_t max_len, unsigned char **out,
                        size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!s || s->kind != PB_POBJ_STREAM)
        return false;
    const pb_pobj *filter = pb_pdf_get(p, s, "Filter");
    const pb_pobj *parms = pb_pdf_get(p, s, "DecodeParms");
    if (filter && filter->kind == PB_POBJ_ARRAY) {
        if (filter->n > 1)
            return fail(p, s->data_off, "a stream has more than one filter");
        filter = filter->n == 1 ? pb_pdf_resolve(p, filter->items[0]) : NULL;
        if (parms && parms->kind == PB_POBJ_ARRAY)
            parms = parms->n == 1 ? pb_pdf_resolve(p, parms->items[0]) : NULL;
    }
    size_t budget = MAX_DECODED - p->decoded;
    if (max_len > budget)
        max_len = budget;
    const unsigned char *raw = p->data + s->data_off;
    if (!filter) {
        if (s->data_len > max_len)
            return fail(p, s->data_off, "a stream is too long");
        unsigned char *copy = pb_arena_alloc(p->arena, s->data_len + 1);
        memcpy(copy, raw, s->data_len);
        p->decoded += s->data_len;
        *out = copy;
        *out_len = s->data_len;
        return true;
    }
    if (!pb_pdf_is_name(filter, "FlateDecode"))
        return fail(p, s->data_off, "a stream has a filter paiban does not read");
    unsigned char *z;
    size_t zlen;
    pb_inflate_result r = pb_inflate(raw, s->data_len, max_len, &z, &zlen);
    if (r == PB_INFLATE_TOO_BIG)
        return fail(p, s->data_off, "a stream decompresses to more than paiban reads");
    if (r != PB_INFLATE_OK)
        return fail(p, s->data_off, "a stream's compressed data is corrupt");
    unsigned char *copy = pb_arena_alloc(p->arena, zlen + 1);
    memcpy(copy, z, zlen);
    free(z);
    p->decoded += zlen;
    if (parms && !unpredict(p, parms, copy, &zlen))
        return fail(p, s->data_off, "a stream's predictor is broken");
    *out = copy;
    *out_len = zlen;
    return true;
}

/* ---- cross-reference sections --------------------------------------------- */

static bool set_size(pb_pdf *p, long long size)
{
    if (size <= p->size)
        return true;
    if (size > PB_PDF_MAX_OBJECTS + 1)
        return fail(p, 0, "more objects than a PDF may have");
    /* every object takes at least a few bytes of the file (or of an
     * object stream, itself in the file) */
    if ((size_t)size > p->len + 16)
        return fail(p, 0, "the cross-reference section names more objects than the file holds");
    p->xref = pb_arena_grow(p->arena, p->xref, (size_t)p->size, (size_t)size, sizeof *p->xref);
    p->size = size;
    return true;
}

/* The flags of the entries set so far, grown to the size: newer sections
 * are read first, and what they set must survive the growth. */
static unsigned char *grow_seen(pb_pdf *p, unsigned char *seen)
{
    if ((size_t)p->size <= p->seen_n && seen)
        return seen;
    seen = pb_arena_grow(p->arena, seen, p->seen_n, (size_t)p->size, 1);
    p->seen_n = (size_t)p->size;
    return seen;
}

/* An entry of a newer section wins over an older one. */
static void put_entry(pb_pdf *p, long long num, xent e, unsigned char *seen)
{
    if (num < 0 || num >= p->size || seen[num])
        return;
    seen[num] = 1;
    p->xref[num] = e;
}

/* "xref" table at l.at, then its trailer; sets *trailer. */
static bool read_table(pb_pdf *p, lexer *l, unsigned char **seen, const pb_pobj **trailer)
{
    for (;;) {
        long long start, count;
        skip_ws(l);
        if (at_word(l, "trailer"))
            break;
        if (!take_uint(l, &start) || !take_uint(l, &count))
            return fail(p, l->at, "a cross-reference subsection has no start and count");
        if (count > PB_PDF_MAX_OBJECTS || start > PB_PDF_MAX_OBJECTS ||
            (size_t)count > (p->len - l->at) / 18 + 1)
            return fail(p, l->at, "a cross-reference subsection is too long");
        if (!set_size(p, start + count))
            return false;
        *seen = grow_seen(p, *seen);
        for (long long i = 0; i < count; i++) {
            long long off, gen;
            if (!take_uint(l, &off) || !take_uint(l, &gen))
                return fail(p, l->at, "a cross-reference entry is broken");
            skip_ws(l);
            int t = l->at < l->len ? l->d[l->at++] : 0;
            if (t != 'n' && t != 'f')
                return fail(p, l->at, "a cross-reference entry is neither n nor f");
            xent e = {(unsigned char)(t == 'n' ? 1 : 0), off, gen};
            put_entry(p, start + i, e, *seen);
        }
    }
    take_word(l, "trailer");
    const pb_pobj *t = parse_object(l);
    if (!t || t->kind != PB_POBJ_DICT)
        return fail(p, l->at, "the trailer is not a dictionary");
    *trailer = t;
    return true;
}

static long long field(const unsigned char *b, int w, long long dflt)
{
    if (w == 0)
        return dflt;
    unsigned long long v = 0;
    for (int i = 0; i < w; i++)
        v = v << 8 | b[i];
    /* 8-byte fields may not fit: such offsets are beyond any file anyway */
    return v > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)v;
}

/* A cross-reference stream at l.at (PDF 1.5). */
static bool read_xref_stream(pb_pdf *p, size_t at, unsigned char **seen, const pb_pobj **trailer)
{
    const pb_pobj *s = parse_indirect(p, at, -1);
    if (!s || s->kind != PB_POBJ_STREAM || !pb_pdf_is_name(pb_pdf_get_raw(s, "Type"), "XRef"))
        return fail(p, at, "no cross-reference table or stream at startxref");
    const pb_pobj *w = pb_pdf_get_raw(s, "W"), *index = pb_pdf_get_raw(s, "Index");
    const pb_pobj *size = pb_pdf_get_raw(s, "Size");
    if (!w || w->kind != PB_POBJ_ARRAY || w->n != 3 || !size || size->kind != PB_POBJ_INT)
        return fail(p, at, "a cross-reference stream's /W or /Size is missing");
    int ws[3], rec = 0;
    for (int i = 0; i < 3; i++) {
        if (w->items[i]->kind != PB_POBJ_INT || w->items[i]->i < 0 || w->items[i]->i > 8)
            return fail(p, at, "a cross-reference stream's /W is out of range");
        ws[i] = (int)w->items[i]->i;
        rec += ws[i];
    }
    if (rec == 0 || !set_size(p, size->i))
        return rec ? false : fail(p, at, "a cross-reference stream's /W is empty");
    *seen = grow_seen(p, *seen);
    unsigned char *data;
    size_t len;
    /* direct values only: the stream is read before any object can be */
    const pb_pobj *filter = pb_pdf_get_raw(s, "Filter");
    if (filter && filter->kind == PB_POBJ_REF)
        return fail(p, at, "a cross-reference stream's /Filter is indirect");
    /* a PNG predictor adds a tag byte to each row */
    if (!pb_pdf_stream_data(p, s, (size_t)p->size * (size_t)(rec + 1) + 64, &data, &len))
        return false;
    size_t pos = 0;
    int nsub = index && index->kind == PB_POBJ_ARRAY ? index->n / 2 : 1;
    for (int k = 0; k < nsub; k++) {
        long long start = 0, count = size->i;
        if (index && index->kind == PB_POBJ_ARRAY) {
            const pb_pobj *a = index->items[2 * k], *b = index->items[2 * k + 1];
            if (a->kind != PB_POBJ_INT || b->kind != PB_POBJ_INT || a->i < 0 || b->i < 0)
                return fail(p, at, "a cross-reference stream's /Index is broken");
            start = a->i;
            count = b->i;
        }
        if (start + count > p->size && !set_size(p, start + count))
            return false;
        *seen = grow_seen(p, *seen);
        for (long long i = 0; i < count; i++) {
            if (pos + (size_t)rec > len)
                return fail(p, at, "a cross-reference stream is shorter than its /Index says");
            const unsigned char *r = data + pos;
            long long type = field(r, ws[0], 1);
            xent e = {0, field(r + ws[0], ws[1], 0), field(r + ws[0] + ws[1], ws[2], 0)};
            e.type = type == 1 ? 1 : type == 2 ? 2 : 0;
            put_entry(p, start + i, e, *seen);
            pos += (size_t)rec;
        }
    }
    *trailer = s;
    return true;
}

/* The offset after the last "startxref". */
static bool find_startxref(pb_pdf *p, size_t *off)
{
    static const char key[] = "startxref";
    size_t n = sizeof key - 1, from = p->len > 4096 ? p->len - 4096 : 0;
    for (size_t i = p->len >= n ? p->len - n + 1 : 0; i-- > from;) {
        if (memcmp(p->data + i, key, n) == 0) {
            lexer l = {.pdf = p, .d = p->data, .len = p->len, .at = i + n};
            long long v;
            if (!take_uint(&l, &v) || (size_t)v >= p->len)
                return fail(p, i, "startxref does not give an offset inside the file");
            *off = (size_t)v;
            return true;
        }
    }
    return fail(p, p->len, "no startxref near the end of the file");
}

pb_pdf *pb_pdf_open(const unsigned char *data, size_t len, const char *name, pb_arena *arena,
                    pb_diag *diag)
{
    pb_pdf *p = pb_arena_alloc(arena, sizeof *p);
    p->data = data;
    p->len = len;
    p->name = name;
    p->arena = arena;
    p->diag = diag;
    size_t hdr = len < 1024 ? len : 1024;
    bool is_pdf = false;
    for (size_t i = 0; i + 5 <= hdr; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0) {
            is_pdf = true;
            break;
        }
    if (!is_pdf) {
        pb_diag_error(diag, PB_ERR_INPUT, name, NULL, "not a PDF file (no %%PDF- header)");
        return NULL;
    }
    size_t at;
    if (!find_startxref(p, &at))
        return NULL;
    unsigned char *seen = NULL;
    size_t visited[PB_PDF_MAX_UPDATES];
    int nvisited = 0;
    const pb_pobj *newest = NULL;
    /* newest section first; /Prev to older ones, /XRefStm for the streams
     * of a hybrid file */
    size_t pending[PB_PDF_MAX_UPDATES];
    int npending = 0;
    pending[npending++] = at;
    while (npending > 0) {
        at = pending[--npending];
        for (int i = 0; i < nvisited; i++)
            if (visited[i] == at) {
                fail(p, at, "the cross-reference sections form a loop");
                return NULL;
            }
        if (nvisited == PB_PDF_MAX_UPDATES) {
            fail(p, at, "too many cross-reference sections");
            return NULL;
        }
        visited[nvisited++] = at;
        lexer l = {.pdf = p, .d = data, .len = len, .at = at};
        const pb_pobj *trailer = NULL;
        bool table = take_word(&l, "xref");
        bool ok = table ? read_table(p, &l, &seen, &trailer)
                        : read_xref_stream(p, at, &seen, &trailer);
        if (!ok)
            return NULL;
        if (!newest) {
            newest = trailer;
            p->newest_at = at;
            p->newest_stream = !table;
        }
        const pb_pobj *prev = pb_pdf_get_raw(trailer, "Prev");
        const pb_pobj *stm = pb_pdf_get_raw(trailer, "XRefStm");
        if (prev && prev->kind == PB_POBJ_INT && prev->i >= 0 && (size_t)prev->i < len)
            pending[npending++] = (size_t)prev->i;
        if (stm && stm->kind == PB_POBJ_INT && stm->i >= 0 && (size_t)stm->i < len &&
            npending < PB_PDF_MAX_UPDATES)
            pending[npending++] = (size_t)stm->i; /* read before /Prev: it is newer */
    }
    const pb_pobj *size = pb_pdf_get_raw(newest, "Size");
    if (size && size->kind == PB_POBJ_INT && size->i > 0 && size->i < p->size)
        p->size = size->i; /* entries beyond /Size do not exist */
    p->trailer = newest;
    p->objs = pb_arena_calloc(arena, (size_t)p->size + 1, sizeof *p->objs);
    p->state = pb_arena_calloc(arena, (size_t)p->size + 1, 1);
    return p;
}

const pb_pobj *pb_pdf_trailer(const pb_pdf *p)
{
    return p->trailer;
}

long long pb_pdf_size(const pb_pdf *p)
{
    return p->size;
}

size_t pb_pdf_startxref(const pb_pdf *p)
{
    return p->newest_at;
}

bool pb_pdf_xref_is_stream(const pb_pdf *p)
{
    return p->newest_stream;
}

int pb_pdf_generation(const pb_pdf *p, long long num)
{
    if (num < 0 || num >= p->size || p->xref[num].type != 1)
        return 0;
    return p->xref[num].b > 65535 ? 65535 : (int)p->xref[num].b;
}

/* PDFDocEncoding 0x80-0xAD differs from Latin-1 (ISO 32000-1 D.2). */
static const uint16_t pdfdoc_high[0x2E] = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
    0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
    0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD, 0x20AC,
    0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x00AA, 0x00AB,
    0x00AC, 0xFFFD,
};

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

const char *pb_pdf_text(pb_pdf *p, const pb_pobj *o)
{
    o = pb_pdf_resolve(p, o);
    if (!o || o->kind != PB_POBJ_STRING)
        return NULL;
    const unsigned char *s = (const unsigned char *)o->s;
    char *out = pb_arena_alloc(p->arena, o->len * 3 + 1);
    size_t n = 0;
    if (o->len >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        for (size_t i = 2; i + 1 < o->len; i += 2) {
            uint32_t u = (uint32_t)s[i] << 8 | s[i + 1];
            if (u >= 0xD800 && u < 0xDC00 && i + 3 < o->len) {
                uint32_t lo = (uint32_t)s[i + 2] << 8 | s[i + 3];
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            if (u >= 0xD800 && u < 0xE000)
                u = 0xFFFD;
            n += put_utf8(out + n, u);
        }
    } else {
        for (size_t i = 0; i < o->len; i++) {
            uint32_t u = s[i];
            if (u >= 0x80 && u < 0x80 + 0x2E)
                u = pdfdoc_high[u - 0x80];
            n += put_utf8(out + n, u);
        }
    }
    out[n] = 0;
    return out;
}
