/* JSON helpers of the input stage (private to src/input): parsing with
 * line:column syntax errors and the checks every file gets (size, depth,
 * duplicate keys, string content), JSON paths, and typed getters that
 * report a problem and let the caller carry on, so one run reports all
 * problems of a file. */
#ifndef PB_INPUT_JSON_UTIL_H
#define PB_INPUT_JSON_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/limits.h"

#define JSON_MAX_DEPTH PB_MAX_JSON_DEPTH

/* Which file each node of a merged tree came from (layout "extends").
 * Its tables are in `work`, a scratch arena (base/call.h) its user opens
 * for it and gives back when done, memory running out included. */
typedef struct jorigin {
    pb_arena *work;
    const cJSON **nodes; /* in work; open addressing, NULL = free slot */
    const char **files;  /* in work; the strings are borrowed */
    size_t cap, count;
    struct jdeleted *deleted; /* in work: keys removed with null */
    int ndeleted, capdeleted;
} jorigin;

void jorigin_add_tree(jorigin *o, const cJSON *root, const char *file);
/* The file that a node (registered with jorigin_add_tree) came from. */
const char *jorigin_file(const jorigin *o, const cJSON *node);
/* Notes that `file` removed obj.key with null. */
void jorigin_deleted(jorigin *o, const cJSON *obj, const char *key, const char *file);

typedef struct jctx {
    pb_arena *arena;        /* borrowed: paths and model strings */
    pb_diag *diag;          /* borrowed */
    pb_status status;       /* class of the errors: PB_ERR_INPUT or PB_ERR_LAYOUT */
    const char *file;       /* named in messages */
    const jorigin *origin;  /* borrowed, optional: overrides `file` per node */
} jctx;

/* Parses bytes (a UTF-8 BOM is skipped) and checks size, nesting depth,
 * duplicate keys and every string and key (valid UTF-8, no NUL, control,
 * zero-width or bidi characters).  Returns NULL after a syntax error; after
 * other problems returns the tree (errors already reported) so validation
 * can go on.  The caller frees the tree with cJSON_Delete. */
cJSON *json_parse(jctx *c, const char *bytes, size_t len);

/* The file `node` came from (c->file when unknown or node is NULL). */
const char *jfile_of(jctx *c, const cJSON *node);

/* Error about `node` (may be NULL) at `path`. */
void jerror(jctx *c, const cJSON *node, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

const char *jpath_key(jctx *c, const char *parent, const char *key);
const char *jpath_index(jctx *c, const char *parent, int index);

/* A short, printable description of a value: "3条" (quoted, truncated),
 * 2.5, true, null, an object, an array. */
const char *jdescribe(jctx *c, const cJSON *v);
/* s quoted, made printable and cut to about max characters. */
const char *jquote(jctx *c, const char *s, int max);

/* The closest of names to word, or NULL if none is close. */
const char *jsuggest(const char *word, const char *const *names, int n);

/* Member lookup (case-sensitive); NULL if absent. */
const cJSON *jmember(const cJSON *obj, const char *key);
/* Reports every key of obj not in known (NULL-terminated). */
void jcheck_keys(jctx *c, const cJSON *obj, const char *path, const char *const *known);
/* The file to blame for a missing obj.key: the one that removed it with
 * null, else the one the object came from. */
const char *jfile_missing(jctx *c, const cJSON *obj, const char *key);
/* The member, or NULL after reporting it missing. */
const cJSON *jrequire(jctx *c, const cJSON *obj, const char *path, const char *key);

/* Type checks: false after reporting "expected ..., got ...". */
bool jis_object(jctx *c, const cJSON *v, const char *path);
bool jis_array(jctx *c, const cJSON *v, const char *path, bool nonempty);
bool jstring(jctx *c, const cJSON *v, const char *path, bool nonempty, const char **out);
bool jnumber(jctx *c, const cJSON *v, const char *path, double min, double max,
             double *out);
bool jint(jctx *c, const cJSON *v, const char *path, int min, int max, int *out);
bool jbool(jctx *c, const cJSON *v, const char *path, bool *out);
/* Index of the string value in names, or -1 after reporting. */
int jenum(jctx *c, const cJSON *v, const char *path, const char *const *names, int n);

/* Optional members: absent leaves *out as it is (the default). */
bool jopt_number(jctx *c, const cJSON *obj, const char *path, const char *key,
                 double min, double max, double *out);
bool jopt_int(jctx *c, const cJSON *obj, const char *path, const char *key, int min,
              int max, int *out);
bool jopt_bool(jctx *c, const cJSON *obj, const char *path, const char *key, bool *out);
bool jopt_string(jctx *c, const cJSON *obj, const char *path, const char *key,
                 bool nonempty, const char **out);

#endif
