/* Object streams and a cross-reference stream for the PDF libharu wrote
 * (see pdf_pack.h).  ISO 32000-1 7.5.7: every object but streams may go
 * into an object stream (nothing here is encrypted, every generation is
 * 0); 7.5.8: the cross-reference stream, which also carries the trailer's
 * entries. */
#include "output/pdf_pack.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/flate.h"
#include "output/pdf_font.h"
#include "pdfread/pdfread.h"

/* Objects per object stream: a reader decodes a whole stream to get one
 * of its objects, so not all in one; 100 as qpdf writes them. */
enum { OBJS_PER_STREAM = 100 };

typedef struct packer {
    pb_pdf *pdf;
    long long size;       /* object numbers of the input: [0, size) */
    bool *written;        /* by number: written (not free, not a length) */
    bool *length_only;    /* an integer object that only gives a stream's /Length */
    const pdf_extras *x;  /* paiban's own objects, or NULL */
    size_t stream_len;    /* the /Length of the stream being written */
    /* working memory, given back however the packing ends (pdf_pack) */
    pb_arena *arena;
    pdf_buf objs, head, dict, out;
    unsigned char *z;     /* a stream compressed, until it is written */
} packer;

/* ---- writing objects compactly ----------------------------------------- */

/* Neither white space nor a delimiter (ISO 32000-1 7.2.2), nor NUL: asked
 * of every token written, so a switch rather than a search. */
static inline bool regular(unsigned char c)
{
    switch (c) {
    case 0: case ' ': case '\t': case '\r': case '\n': case '\f':
    case '(': case ')': case '<': case '>': case '[': case ']': case '{': case '}':
    case '/': case '%':
        return false;
    default:
        return true;
    }
}

/* A token starting with a regular character needs a space after one that
 * ended with one ("0 R", "/Type/Page" needs none). */
static void sep(pdf_buf *b)
{
    if (b->len > 0 && regular((unsigned char)b->p[b->len - 1]))
        pdf_buf_put(b, " ", 1);
}

/* The shortest decimal that reads back as r (libharu writes at most a few
 * decimals), without the C library's locale. */
static void put_real(pdf_buf *b, double r)
{
    long long scale = 1;
    for (int d = 0; d <= 10; d++, scale *= 10) {
        double v = nearbyint(r * (double)scale);
        if (fabs(v) < 9e15 && v / (double)scale == r) {
            pdf_buf_dec(b, (long long)v, scale, d);
            return;
        }
    }
    pdf_buf_dec(b, (long long)nearbyint(r * 1e10), 10000000000LL, 10);
}

/* Plain characters go in runs, one put each: the structure tree's
 * strings and names are most of its bytes. */
void pdf_obj_string(pdf_buf *b, const unsigned char *s, size_t len)
{
    size_t escaped = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] > 0x7E)
            escaped++;
    if (len + 3 * escaped > 2 * len) {
        static const char hex[] = "0123456789ABCDEF";
        char h[128];
        pdf_buf_put(b, "<", 1);
        for (size_t i = 0; i < len;) {
            size_t n = 0;
            for (; i < len && n < sizeof h; i++) {
                h[n++] = hex[s[i] >> 4];
                h[n++] = hex[s[i] & 15];
            }
            pdf_buf_put(b, h, n);
        }
        pdf_buf_put(b, ">", 1);
        return;
    }
    pdf_buf_put(b, "(", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c == '(' || c == ')' || c == '\\') {
            pdf_buf_put(b, s + run, i - run);
            char e[2] = {'\\', (char)c};
            pdf_buf_put(b, e, 2);
            run = i + 1;
        } else if (c < 0x20 || c > 0x7E) {
            pdf_buf_put(b, s + run, i - run);
            char e[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
                         (char)('0' + (c & 7))};
            pdf_buf_put(b, e, 4);
            run = i + 1;
        }
    }
    pdf_buf_put(b, s + run, len - run);
    pdf_buf_put(b, ")", 1);
}

void pdf_obj_name(pdf_buf *b, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    pdf_buf_put(b, "/", 1);
    const unsigned char *p = (const unsigned char *)name, *run = p;
    for (; *p; p++) {
        if (*p >= 0x21 && *p <= 0x7E && *p != '#' && regular(*p))
            continue;
        pdf_buf_put(b, run, (size_t)(p - run));
        char e[3] = {'#', hex[*p >> 4], hex[*p & 15]};
        pdf_buf_put(b, e, 3);
        run = p + 1;
    }
    pdf_buf_put(b, run, (size_t)(p - run));
}

void pdf_obj_int(pdf_buf *b, long long v)
{
    sep(b);
    pdf_buf_int(b, v);
}

void pdf_obj_ref(pdf_buf *b, long long num)
{
    sep(b);
    pdf_buf_int(b, num);
    pdf_buf_put(b, " 0 R", 4);
}

void pdf_obj_raw(pdf_buf *b, const char *s)
{
    pdf_buf_str(b, s);
}

void pdf_extras_begin(pdf_extras *x)
{
    if (x->count + 2 > x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->off = pb_xrealloc(x->off, (size_t)x->cap * sizeof *x->off);
    }
    x->off[x->count++] = x->data.len;
}

void pdf_extras_free(pdf_extras *x)
{
    free(x->data.p);
    free(x->off);
    for (int i = 0; i < x->noutside; i++)
        free(x->outside[i].data);
    free(x->outside);
    memset(x, 0, sizeof *x);
}

void pdf_extras_room(pdf_extras *x)
{
    if (x->noutside == x->outside_cap) {
        int cap = x->outside_cap ? 2 * x->outside_cap : 8;
        x->outside = pb_xrealloc(x->outside, (size_t)cap * sizeof *x->outside);
        x->outside_cap = cap;
    }
}

void pdf_extras_keep_stream(pdf_extras *x, long long num, unsigned char *data, size_t len)
{
    pdf_extras_room(x);
    x->outside[x->noutside++] = (struct pdf_outside){num, data, len};
}

/* The data x keeps for libharu's stream object num, or NULL. */
static const struct pdf_outside *outside_of(const pdf_extras *x, long long num)
{
    for (int i = 0; x && i < x->noutside; i++)
        if (x->outside[i].num == num)
            return &x->outside[i];
    return NULL;
}

static void put_obj(packer *k, pdf_buf *b, const pb_pobj *o, bool stream_dict);

static void put_ref(packer *k, pdf_buf *b, const pb_pobj *o)
{
    long long n = o->i;
    if ((n > 0 && n < k->size && k->written[n]) ||
        (k->x && n >= k->x->first && n < k->x->first + k->x->count)) {
        pdf_obj_ref(b, n);
        return;
    }
    /* not written (a length folded into its stream): its value here */
    const pb_pobj *v = n > 0 && n < k->size ? pb_pdf_object(k->pdf, n) : NULL;
    if (v && v->kind != PB_POBJ_REF && v->kind != PB_POBJ_STREAM) {
        put_obj(k, b, v, false);
        return;
    }
    sep(b);
    pdf_buf_str(b, "null");
}

static void put_obj(packer *k, pdf_buf *b, const pb_pobj *o, bool stream_dict)
{
    switch (o->kind) {
    case PB_POBJ_NULL:
        sep(b);
        pdf_buf_str(b, "null");
        break;
    case PB_POBJ_BOOL:
        sep(b);
        pdf_buf_str(b, o->b ? "true" : "false");
        break;
    case PB_POBJ_INT:
        sep(b);
        pdf_buf_int(b, o->i);
        break;
    case PB_POBJ_REAL:
        sep(b);
        put_real(b, o->r);
        break;
    case PB_POBJ_STRING:
        pdf_obj_string(b, (const unsigned char *)o->s, o->len);
        break;
    case PB_POBJ_NAME:
        pdf_obj_name(b, o->s);
        break;
    case PB_POBJ_ARRAY:
        pdf_buf_put(b, "[", 1);
        for (int i = 0; i < o->n; i++)
            put_obj(k, b, o->items[i], false);
        pdf_buf_put(b, "]", 1);
        break;
    case PB_POBJ_DICT:
    case PB_POBJ_STREAM:
        pdf_buf_str(b, "<<");
        for (int i = 0; i < o->n; i++) {
            pdf_obj_name(b, o->keys[i]);
            if (stream_dict && !strcmp(o->keys[i], "Length")) {
                sep(b);
                pdf_buf_int(b, (long long)k->stream_len);
            } else {
                put_obj(k, b, o->items[i], false);
            }
        }
        pdf_buf_str(b, ">>");
        break;
    case PB_POBJ_REF:
        put_ref(k, b, o);
        break;
    }
}

/* ---- the file ------------------------------------------------------------ */

typedef struct xref_entry {
    unsigned char type;   /* 1: at offset; 2: in object stream */
    long long a, b;       /* offset, 0 / stream number, index */
} xref_entry;

static void put_be(unsigned char *p, long long v, int w)
{
    for (int i = w - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xFF);
}

/* Deflated at level, or copied as it is with level 0. */
static bool compress(int level, const void *data, size_t len, unsigned char **out,
                     size_t *out_len)
{
    if (level > 0)
        return pb_deflate(data, len, level, out, out_len);
    *out = pb_xmalloc(len ? len : 1);
    memcpy(*out, data, len);
    *out_len = len;
    return true;
}

/* "N 0 obj\n<<dict>>\nstream\n" data "\nendstream\nendobj\n" */
static void put_stream(pdf_buf *out, long long num, const char *dict, size_t dict_len,
                       const void *data, size_t len)
{
    pdf_buf_int(out, num);
    pdf_buf_str(out, " 0 obj\n");
    pdf_buf_put(out, dict, dict_len);
    pdf_buf_str(out, "\nstream\n");
    pdf_buf_put(out, data, len);
    pdf_buf_str(out, "\nendstream\nendobj\n");
}

static bool pack(packer *k, const unsigned char *in, size_t in_len, int level, pdf_buf *out,
                 pb_diag *diag)
{
    pb_pdf *pdf = k->pdf;
    const pb_pobj *trailer = pb_pdf_trailer(pdf);
    /* the integers libharu writes for stream lengths are folded in */
    for (long long n = 1; n < k->size; n++) {
        const pb_pobj *o = pb_pdf_object(pdf, n);
        const pb_pobj *len = o && o->kind == PB_POBJ_STREAM ? pb_pdf_get_raw(o, "Length") : NULL;
        if (len && len->kind == PB_POBJ_REF && len->i > 0 && len->i < k->size) {
            const pb_pobj *v = pb_pdf_object(pdf, len->i);
            if (v && v->kind == PB_POBJ_INT)
                k->length_only[len->i] = true;
        }
    }
    /* libharu's objects keep their numbers, the extras follow them */
    long long nplain = 0, top = k->size;
    for (long long n = 1; n < k->size; n++) {
        const pb_pobj *o = pb_pdf_object(pdf, n);
        if (!o || k->length_only[n])
            continue;
        k->written[n] = true;
        if (o->kind != PB_POBJ_STREAM)
            nplain++;
    }
    int nextras = k->x ? k->x->count : 0;
    if (nextras > 0) {
        if (k->x->first < k->size) {
            pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL,
                          "PDF: libharu wrote object %lld, which paiban's own objects take",
                          k->size - 1);
            return false;
        }
        nplain += nextras;
        top = k->x->first + nextras;
    }
    long long nstreams_obj = (nplain + OBJS_PER_STREAM - 1) / OBJS_PER_STREAM;
    long long first_objstm = top, xref_num = top + nstreams_obj, total = xref_num + 1;
    xref_entry *xr = pb_arena_calloc(k->arena, (size_t)total + 1, sizeof *xr);

    /* header: the version libharu wrote, at least 1.5 */
    int minor = in_len > 8 && in[5] == '1' && in[7] >= '0' && in[7] <= '9' ? in[7] - '0' : 7;
    pdf_buf_str(out, "%PDF-1.");
    pdf_buf_int(out, minor < 5 ? 5 : minor);
    pdf_buf_str(out, "\n%\xE2\xE3\xCF\xD3\n");

    /* streams where they come, the other objects into object streams */
    pdf_buf *objs = &k->objs, *head = &k->head, *dict = &k->dict;
    int in_stm = 0;
    long long stm_num = first_objstm;
    bool ok = true;
    long long plain_left = nplain;
    for (long long n = 1; n < k->size + nextras && ok; n++) {
        bool extra = n >= k->size;
        long long num = extra ? k->x->first + (n - k->size) : n;
        if (!extra && !k->written[n])
            continue;
        const pb_pobj *o = extra ? NULL : pb_pdf_object(pdf, n);
        if (o && o->kind == PB_POBJ_STREAM) {
            if (o->data_off > in_len || o->data_len > in_len - o->data_off) {
                ok = false;
                break;
            }
            const struct pdf_outside *kept = outside_of(k->x, num);
            const unsigned char *data = kept ? kept->data : in + o->data_off;
            k->stream_len = kept ? kept->len : o->data_len;
            dict->len = 0;
            put_obj(k, dict, o, true);
            xr[num] = (xref_entry){1, (long long)out->len, 0};
            put_stream(out, num, dict->p, dict->len, data, k->stream_len);
            continue;
        }
        if (in_stm > 0) {
            pdf_buf_put(head, " ", 1);
            pdf_buf_put(objs, "\n", 1);
        }
        pdf_buf_int(head, num);
        pdf_buf_put(head, " ", 1);
        pdf_buf_int(head, (long long)objs->len);
        if (extra) {
            int e = (int)(n - k->size);
            size_t end = e + 1 < k->x->count ? k->x->off[e + 1] : k->x->data.len;
            pdf_buf_put(objs, k->x->data.p + k->x->off[e], end - k->x->off[e]);
        } else {
            put_obj(k, objs, o, false);
        }
        xr[num] = (xref_entry){2, stm_num, in_stm};
        /* written when full, and after the last one */
        plain_left--;
        if (++in_stm == OBJS_PER_STREAM || plain_left == 0) {
            pdf_buf_put(head, "\n", 1);
            size_t first = head->len;
            pdf_buf_put(head, objs->p, objs->len);
            size_t zlen = 0;
            if (!compress(level, head->p, head->len, &k->z, &zlen)) {
                ok = false;
                break;
            }
            dict->len = 0;
            pdf_buf_str(dict, "<</Type/ObjStm/N ");
            pdf_buf_int(dict, in_stm);
            pdf_buf_str(dict, "/First ");
            pdf_buf_int(dict, (long long)first);
            pdf_buf_str(dict, level > 0 ? "/Filter/FlateDecode/Length " : "/Length ");
            pdf_buf_int(dict, (long long)zlen);
            pdf_buf_str(dict, ">>");
            xr[stm_num] = (xref_entry){1, (long long)out->len, 0};
            put_stream(out, stm_num, dict->p, dict->len, k->z, zlen);
            free(k->z);
            k->z = NULL;
            stm_num++;
            in_stm = 0;
            head->len = objs->len = 0;
        }
    }

    /* the cross-reference stream: rows of type, offset or object stream,
     * index, each row as the difference from the one above (PNG "Up") */
    xr[xref_num] = (xref_entry){1, (long long)out->len, 0};
    long long most = 0;
    for (long long n = 0; n < total; n++)
        if (xr[n].a > most)
            most = xr[n].a;
    int w2 = 1;
    while (w2 < 8 && most >> (8 * w2))
        w2++;
    int row = 1 + w2 + 2;
    size_t rows_len = (size_t)total * (size_t)(level > 0 ? row + 1 : row);
    unsigned char *rows = pb_arena_calloc(k->arena, rows_len, 1);
    unsigned char *prev = pb_arena_calloc(k->arena, (size_t)row, 1);
    unsigned char *cur = pb_arena_calloc(k->arena, (size_t)row, 1);
    for (long long n = 0; n < total; n++) {
        cur[0] = xr[n].type;
        put_be(cur + 1, xr[n].a, w2);
        put_be(cur + 1 + w2, n == 0 ? 65535 : xr[n].b, 2);
        if (level > 0) {
            unsigned char *r = rows + (size_t)n * (size_t)(row + 1);
            r[0] = 2; /* PNG Up */
            for (int i = 0; i < row; i++)
                r[1 + i] = (unsigned char)(cur[i] - prev[i]);
        } else {
            memcpy(rows + (size_t)n * (size_t)row, cur, (size_t)row);
        }
        memcpy(prev, cur, (size_t)row);
    }
    size_t zlen = 0;
    ok = ok && compress(level, rows, rows_len, &k->z, &zlen);
    if (ok) {
        dict->len = 0;
        pdf_buf_str(dict, "<</Type/XRef/Size ");
        pdf_buf_int(dict, total);
        pdf_buf_str(dict, "/W[1 ");
        pdf_buf_int(dict, w2);
        pdf_buf_str(dict, " 2]");
        const char *keys[] = {"Root", "Info"};
        for (int i = 0; i < 2; i++) {
            const pb_pobj *v = pb_pdf_get_raw(trailer, keys[i]);
            if (v) {
                pdf_obj_name(dict, keys[i]);
                put_obj(k, dict, v, false);
            }
        }
        const pb_pobj *id = pb_pdf_get_raw(trailer, "ID");
        if (id && id->kind == PB_POBJ_ARRAY && id->n == 2 &&
            id->items[0]->kind == PB_POBJ_STRING && id->items[1]->kind == PB_POBJ_STRING) {
            /* as libharu writes it, for pdf_archive_set_id */
            static const char hex[] = "0123456789ABCDEF";
            pdf_buf_str(dict, "/ID [ ");
            for (int i = 0; i < 2; i++) {
                pdf_buf_put(dict, "<", 1);
                for (size_t c = 0; c < id->items[i]->len; c++) {
                    unsigned char ch = (unsigned char)id->items[i]->s[c];
                    char h[2] = {hex[ch >> 4], hex[ch & 15]};
                    pdf_buf_put(dict, h, 2);
                }
                pdf_buf_str(dict, "> ");
            }
            pdf_buf_str(dict, "]");
        }
        if (level > 0) {
            pdf_buf_str(dict, "/Filter/FlateDecode/DecodeParms<</Columns ");
            pdf_buf_int(dict, row);
            pdf_buf_str(dict, "/Predictor 12>>");
        }
        pdf_buf_str(dict, "/Length ");
        pdf_buf_int(dict, (long long)zlen);
        pdf_buf_str(dict, ">>");
        put_stream(out, xref_num, dict->p, dict->len, k->z, zlen);
        pdf_buf_str(out, "startxref\n");
        pdf_buf_int(out, xr[xref_num].a);
        pdf_buf_str(out, "\n%%EOF\n");
    }
    if (!ok)
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL, "PDF: the objects could not be packed");
    return ok;
}

typedef struct pack_job {
    const unsigned char *in;
    size_t in_len;
    int level;
    pb_diag *diag;
    pb_diag rd;           /* the reader's messages */
    packer k;
    bool ok;
} pack_job;

/* What packing holds, given back (idempotent). */
static void pack_free(void *arg)
{
    pack_job *j = arg;
    packer *k = &j->k;
    free(k->objs.p);
    free(k->head.p);
    free(k->dict.p);
    free(k->out.p);
    free(k->z);
    k->objs = k->head = k->dict = k->out = (pdf_buf){0};
    k->z = NULL;
    pb_arena_free(k->arena);
    k->arena = NULL;
    pb_diag_free(&j->rd);
}

static void pack_run(void *arg)
{
    pack_job *j = arg;
    packer *k = &j->k;
    pb_diag *diag = j->diag;
    const pdf_extras *x = k->x;
    k->arena = pb_arena_new();
    k->pdf = pb_pdf_open(j->in, j->in_len, "PDF", k->arena, &j->rd);
    bool ok = k->pdf != NULL;
    if (ok) {
        k->size = pb_pdf_size(k->pdf);
        k->written = pb_arena_calloc(k->arena, (size_t)k->size + 1, sizeof *k->written);
        k->length_only = pb_arena_calloc(k->arena, (size_t)k->size + 1, sizeof *k->length_only);
        for (long long n = 1; n < k->size && ok; n++)
            ok = pb_pdf_object(k->pdf, n) != NULL || j->rd.errors == 0;
        ok = ok && j->rd.errors == 0;
    }
    if (!ok) {
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL, "PDF: reading back what libharu wrote: %s",
                      j->rd.count > 0 ? j->rd.messages[0].text : "failed");
    } else {
        /* room for what comes out at most, less what compresses: libharu's
           file, the extras and the streams kept outside it */
        size_t most = j->in_len + (x ? x->data.len : 0) + 4096;
        for (int i = 0; x && i < x->noutside; i++)
            most += x->outside[i].len;
        pdf_buf_reserve(&k->out, most);
        ok = pack(k, j->in, j->in_len, j->level, &k->out, diag);
    }
    j->ok = ok;
}

bool pdf_pack(const unsigned char *in, size_t in_len, const pdf_extras *x, int level,
              unsigned char **out, size_t *out_len, pb_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    pack_job j = {.in = in, .in_len = in_len, .level = level, .diag = diag, .k = {.x = x}};
    pb_diag_init(&j.rd);
    pb_oom_guard(pack_run, pack_free, &j);
    if (j.ok) {
        *out = (unsigned char *)j.k.out.p;
        *out_len = j.k.out.len;
        j.k.out = (pdf_buf){0};
    }
    pack_free(&j);
    return j.ok;
}
