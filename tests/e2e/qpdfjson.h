/* A PDF as qpdf shows it (`qpdf --json`, version 2, streams decoded and
 * inline), for tests that check the objects of a PDF with a reader that is
 * not paiban's own.  Header only.
 *
 *   qj_load(path)          runs qpdf and parses its JSON; NULL on failure
 *   qj_trailer(q)          the trailer dictionary
 *   qj_get(q, v)           v itself, or the object v refers to ("12 0 R")
 *   qj_key(q, dict, "/K")  an entry of a dictionary (of a stream's too),
 *                          references followed
 *   qj_stream(q, v, &len)  the decoded data of a stream (malloc'ed)
 *   qj_is_name(v, "/P")    v is that name
 *   qj_text(v)             a string's text ("u:…" strings), else NULL
 *
 * qpdf writes names as "/Name", references as "N 0 R", text strings as
 * "u:…" and byte strings as "b:hex". */
#ifndef PAIBAN_QPDFJSON_H
#define PAIBAN_QPDFJSON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../testutil.h"

typedef struct qj {
    cJSON *root;
    cJSON *objects;       /* "obj:N 0 R" -> {"value": …} or {"stream": …} */
    cJSON **by_num;       /* the same, by object number */
    int nnum;
} qj;

static inline void qj_free(qj *q)
{
    if (q) {
        cJSON_Delete(q->root);
        free(q->by_num);
        free(q);
    }
}

static inline qj *qj_load(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "qpdf --json --json-key=qpdf --json-stream-data=inline "
             "--decode-level=generalized '%s' 2>/dev/null",
             path);
    int st;
    char *out = test_run(cmd, &st);
    cJSON *root = st == 0 || st == 3 ? cJSON_Parse(out) : NULL;
    free(out);
    if (!root)
        return NULL;
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "qpdf");
    cJSON *objs = cJSON_GetArrayItem(arr, 1);
    if (!objs) {
        cJSON_Delete(root);
        return NULL;
    }
    qj *q = test_realloc(NULL, sizeof *q);
    q->root = root;
    q->objects = objs;
    q->nnum = 0;
    for (cJSON *o = objs->child; o; o = o->next)
        if (!strncmp(o->string, "obj:", 4) && atoi(o->string + 4) >= q->nnum)
            q->nnum = atoi(o->string + 4) + 1;
    q->by_num = calloc((size_t)q->nnum + 1, sizeof *q->by_num);
    for (cJSON *o = objs->child; o; o = o->next)
        if (!strncmp(o->string, "obj:", 4) && atoi(o->string + 4) >= 0)
            q->by_num[atoi(o->string + 4)] = o;
    return q;
}

static inline bool qj_is_ref(const cJSON *v)
{
    if (!cJSON_IsString(v))
        return false;
    size_t n = strlen(v->valuestring);
    return n > 4 && strcmp(v->valuestring + n - 4, " 0 R") == 0 &&
           v->valuestring[0] >= '0' && v->valuestring[0] <= '9';
}

/* The object entry ({"value"} or {"stream"}) a reference names. */
static inline cJSON *qj_entry(const qj *q, const char *ref)
{
    int num = atoi(ref);
    return num >= 0 && num < q->nnum ? q->by_num[num] : NULL;
}

/* A value with references followed: a dictionary, array, number, …, or
 * for a stream its {"dict", "data"} object. */
static inline cJSON *qj_get(const qj *q, cJSON *v)
{
    for (int hops = 0; v && qj_is_ref(v) && hops < 16; hops++) {
        cJSON *e = qj_entry(q, v->valuestring);
        if (!e)
            return NULL;
        cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "value");
        v = val ? val : cJSON_GetObjectItemCaseSensitive(e, "stream");
    }
    return v;
}

static inline cJSON *qj_trailer(const qj *q)
{
    cJSON *t = cJSON_GetObjectItemCaseSensitive(q->objects, "trailer");
    return t ? cJSON_GetObjectItemCaseSensitive(t, "value") : NULL;
}

static inline bool qj_is_stream(const cJSON *v)
{
    return v && cJSON_GetObjectItemCaseSensitive(v, "dict") &&
           cJSON_HasObjectItem(v, "data");
}

static inline cJSON *qj_key(const qj *q, cJSON *dict, const char *key)
{
    dict = qj_get(q, dict);
    if (qj_is_stream(dict))
        dict = cJSON_GetObjectItemCaseSensitive(dict, "dict");
    if (!cJSON_IsObject(dict))
        return NULL;
    return qj_get(q, cJSON_GetObjectItemCaseSensitive(dict, key));
}

/* The entry without following a reference (to compare references). */
static inline cJSON *qj_raw(const qj *q, cJSON *dict, const char *key)
{
    dict = qj_get(q, dict);
    if (qj_is_stream(dict))
        dict = cJSON_GetObjectItemCaseSensitive(dict, "dict");
    return cJSON_IsObject(dict) ? cJSON_GetObjectItemCaseSensitive(dict, key) : NULL;
}

static inline bool qj_is_name(const cJSON *v, const char *name)
{
    return cJSON_IsString(v) && strcmp(v->valuestring, name) == 0;
}

static inline const char *qj_text(const cJSON *v)
{
    return cJSON_IsString(v) && strncmp(v->valuestring, "u:", 2) == 0 ? v->valuestring + 2
                                                                        : NULL;
}

static inline int qj_b64(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* A stream's decoded data (NUL-terminated, malloc'ed), or NULL. */
static inline unsigned char *qj_stream(const qj *q, cJSON *v, size_t *len)
{
    v = qj_get(q, v);
    cJSON *data = v ? cJSON_GetObjectItemCaseSensitive(v, "data") : NULL;
    if (!cJSON_IsString(data))
        return NULL;
    const char *s = data->valuestring;
    size_t n = strlen(s);
    unsigned char *out = test_realloc(NULL, n / 4 * 3 + 4);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int d = qj_b64((unsigned char)s[i]);
        if (d < 0)
            continue;
        acc = acc << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    out[o] = 0;
    *len = o;
    return out;
}

#endif
