/* Tables: templates (in a layout's "tables" or inline in a report), the
 * table blocks of reports, and binding their values to the templates. */
#include "input/input_table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "input/input.h"
#include "input/input_rules.h"

static const char *const template_keys[] = {"caption", "style", "columns", "corner",
                                             "header", "rows", NULL};
static const char *const style_keys[] = {"font", "size", "min_size", "line_pitch",
                                         "padding", "padding_range", "outer_rule",
                                         "inner_rule", "header_bold", "caption_font",
                                         "caption_size", "caption_bold", "continued",
                                         "continued_align", NULL};
static const char *const continued_aligns[] = {"left", "center", "right"};
static const char *const column_keys[] = {"id", "label", "width", "format", "align", NULL};
static const char *const node_keys[] = {"id", "text", "column", "children", NULL};
static const char *const band_keys[] = {"band", NULL};
static const char *const heading_keys[] = {"heading", NULL};
static const char *const group_keys[] = {"id", "label", "children", NULL};
static const char *const data_keys[] = {"id", "label", "cells", NULL};
static const char *const cell_keys[] = {"id", "colspan", "format", NULL};
static const char *const heading_cell_keys[] = {"text", "colspan", NULL};
static const char *const block_keys[] = {"type", "table", "template", "caption", "values",
                                         NULL};
static const char *const format_names[] = {"integer", "decimal", "text"};

/* A text of a table: a string, or an array of strings, the pieces a line
 * may end between (["三、本年度", "办理结果"]), joined, with where they
 * join. */
static bool table_text(jctx *c, const cJSON *v, const char *path, bool nonempty,
                       const char **text, pb_breaks *breaks)
{
    *breaks = (pb_breaks){NULL, 0};
    if (cJSON_IsString(v))
        return jstring(c, v, path, nonempty, text);
    if (!cJSON_IsArray(v)) {
        jerror(c, v, path, "expected a string or an array of strings, got %s", jdescribe(c, v));
        return false;
    }
    int n = cJSON_GetArraySize(v), i = 0;
    if (n == 0) {
        jerror(c, v, path, "expected a string or an array of strings, got an empty array");
        return false;
    }
    const char **parts = pb_arena_calloc(c->arena, (size_t)n, sizeof *parts);
    size_t len = 0;
    bool ok = true;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        if (jstring(c, m, jpath_index(c, path, i), true, &parts[i]))
            len += strlen(parts[i]);
        else
            ok = false;
    }
    if (!ok)
        return false;
    char *joined = pb_arena_alloc(c->arena, len + 1);
    uint32_t *at = pb_arena_calloc(c->arena, (size_t)n, sizeof *at);
    size_t o = 0;
    for (i = 0; i < n; i++) {
        if (i > 0)
            at[i - 1] = (uint32_t)o;
        size_t k = strlen(parts[i]);
        memcpy(joined + o, parts[i], k);
        o += k;
    }
    joined[o] = 0;
    *text = joined;
    *breaks = (pb_breaks){at, n - 1};
    return true;
}
static const char *const align_names[] = {"left", "center", "right"};
static const pb_align align_values[] = {PB_ALIGN_LEFT, PB_ALIGN_CENTER, PB_ALIGN_RIGHT};

#define DEFAULT_FONT "fangsong"
#define DEFAULT_CAPTION_FONT "hei"
#define MAX_NUMBER 9007199254740991.0 /* 2^53 - 1: every integer below is exact */
#define MAX_DIGITS 18                 /* fits an int64_t */

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* " (did you mean \"x\"?)" or "". */
static const char *hint_text(jctx *c, const char *word, const char *const *names, int n)
{
    if (pb_diag_full(c->diag))
        return ""; /* the message will not be shown */
    const char *hint = jsuggest(word, names, n);
    return hint ? pb_arena_printf(c->arena, " (did you mean \"%s\"?)", hint) : "";
}

/* "\"a\", \"b\" and \"c\"" */
static const char *name_list(jctx *c, const char *const *names, int n)
{
    const char *s = "";
    for (int i = 0; i < n; i++)
        s = pb_arena_printf(c->arena, "%s%s\"%s\"", s,
                            i == 0 ? "" : i == n - 1 ? " and " : ", ", names[i]);
    return s;
}

/* Millimetres from 1/64 pt, to 0.01 mm, without trailing zeros. */
static const char *mm_text(jctx *c, pb_fx v)
{
    char *s = pb_arena_printf(c->arena, "%.2f", pb_fx_to_pt(v) * 25.4 / 72.0);
    char *end = s + strlen(s);
    while (end[-1] == '0')
        *--end = 0;
    if (end[-1] == '.')
        end[-1] = 0;
    return s;
}

/* ---- templates -------------------------------------------------------- */

typedef struct idref {
    const char *id;
    const char *path;
} idref;

/* What checking a template against its layout needs besides the model. */
typedef struct tinfo {
    /* nodes name the file in messages (layouts merge several); all NULL
       once the tree is gone */
    const cJSON *node, *font, *caption_font, *columns;
    bool font_given, caption_font_given;
    bool columns_ok;           /* widths were read: the sum can be checked */
} tinfo;

typedef struct tparse {
    jctx *c;
    pb_table_template *t;
    bool cols_known;  /* "columns" was a non-empty array: L is known */
    bool cols_ok;     /* ids and label flags all valid: coverage can be checked */
    int L, V;         /* label and value columns */
    bool *headed;     /* per column: a header leaf names it */
    const char **headed_at;
    int next_leaf;    /* the column the next leaf should name */
    bool leaf_errors; /* then missing leaves are not reported as well */
    idref *ids;       /* row ids seen so far */
    int nids, capids;
    int *id_slots;    /* open-addressed hash of ids: index + 1, 0 empty */
    int nslots;       /* a power of two, more than twice nids */
} tparse;

/* path relative to the template, for "(also rows[2])" */
static const char *rel(const tparse *p, const char *path)
{
    size_t n = strlen(p->t->path);
    if (n && strncmp(path, p->t->path, n) == 0 && path[n] == '.')
        return path + n + 1;
    return path;
}

static bool percent_shaped(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return false;
    if (s[i] == '.') {
        size_t f = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f)
            return false;
    }
    return s[i] == '%' && s[i + 1] == 0;
}

static bool parse_width(jctx *c, const cJSON *v, const char *path, pb_table_column *col)
{
    if (cJSON_IsNumber(v)) {
        double mm;
        if (!jnumber(c, v, path, 1, 1000, &mm))
            return false;
        col->width = pb_fx_from_mm(mm);
        return true;
    }
    if (cJSON_IsString(v) && percent_shaped(v->valuestring)) {
        double pc = strtod(v->valuestring, NULL);
        if (pc < 1 || pc > 100) {
            jerror(c, v, path, "must be between 1%% and 100%%, got %s", jdescribe(c, v));
            return false;
        }
        col->share = (int)lround(pc * 10);
        return true;
    }
    jerror(c, v, path,
           "expected a width in mm or a percentage of the text block such as \"12%%\", got %s",
           jdescribe(c, v));
    return false;
}

static int column_index(const pb_table_template *t, const char *id)
{
    for (int i = 0; i < t->ncolumns; i++)
        if (t->columns[i].id && strcmp(t->columns[i].id, id) == 0)
            return i;
    return -1;
}

static void parse_columns(tparse *p, const cJSON *arr, const char *path, tinfo *info)
{
    jctx *c = p->c;
    pb_table_template *t = p->t;
    int n = cJSON_GetArraySize(arr), i = 0;
    t->columns = pb_arena_calloc(c->arena, (size_t)n, sizeof *t->columns);
    t->ncolumns = n;
    p->cols_known = true;
    p->cols_ok = true;
    bool seen_value = false;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        pb_table_column *col = &t->columns[i];
        const char *cpath = jpath_index(c, path, i);
        *col = (pb_table_column){.align = PB_ALIGN_CENTER, .format = PB_FMT_INTEGER,
                                 .path = cpath};
        if (!jis_object(c, m, cpath)) {
            p->cols_ok = false;
            continue;
        }
        jcheck_keys(c, m, cpath, column_keys);
        const cJSON *id = jrequire(c, m, cpath, "id");
        const char *idpath = jpath_key(c, cpath, "id");
        if (!id || !jstring(c, id, idpath, true, &col->id)) {
            p->cols_ok = false;
        } else {
            for (int j = 0; j < i; j++) {
                if (t->columns[j].id && strcmp(t->columns[j].id, col->id) == 0) {
                    jerror(c, id, idpath, "duplicate column id %s (also %s)", jdescribe(c, id),
                           rel(p, t->columns[j].path));
                    p->cols_ok = false;
                    break;
                }
            }
        }
        const cJSON *lab = jmember(m, "label");
        const char *lpath = jpath_key(c, cpath, "label");
        if (lab && !jbool(c, lab, lpath, &col->label))
            p->cols_ok = false;
        if (col->label) {
            if (seen_value) {
                jerror(c, lab, lpath, "label columns must come before the value columns");
                p->cols_ok = false;
            }
            t->nlabel_columns++;
        } else {
            seen_value = true;
        }
        const cJSON *w = jmember(m, "width");
        if (w && !parse_width(c, w, jpath_key(c, cpath, "width"), col))
            info->columns_ok = false;
        const cJSON *f = jmember(m, "format");
        const cJSON *a = jmember(m, "align");
        if (col->label && (f || a)) {
            const cJSON *which = f ? f : a;
            jerror(c, which, jpath_key(c, cpath, which->string),
                   "a label column holds the row labels: \"%s\" is for value columns",
                   which->string);
            continue;
        }
        if (f) {
            int k = jenum(c, f, jpath_key(c, cpath, "format"), format_names, 3);
            if (k >= 0)
                col->format = (pb_value_format)k;
        }
        if (a) {
            int k = jenum(c, a, jpath_key(c, cpath, "align"), align_names, 3);
            if (k >= 0)
                col->align = (int)align_values[k];
        }
    }
    p->L = t->nlabel_columns;
    p->V = n - p->L;
    if (p->cols_ok && p->V == 0) {
        jerror(c, arr, path, "no value column (one without \"label\": true)");
        p->cols_ok = false;
    }
}

static void header_leaf(tparse *p, const cJSON *v, const char *path, const char *npath,
                        pb_header_node *h)
{
    jctx *c = p->c;
    const pb_table_template *t = p->t;
    if (!jstring(c, v, path, true, &h->column)) {
        p->leaf_errors = true;
        return;
    }
    if (!p->cols_ok)
        return;
    int j = column_index(t, h->column);
    if (j < 0) {
        const char **names = pb_arena_calloc(c->arena, (size_t)p->V, sizeof *names);
        for (int k = 0; k < p->V; k++)
            names[k] = t->columns[p->L + k].id;
        jerror(c, v, path, "no column %s%s", jdescribe(c, v),
               hint_text(c, h->column, names, p->V));
        p->leaf_errors = true;
        return;
    }
    h->col = j;
    if (t->columns[j].label) {
        jerror(c, v, path, "%s is a label column: header leaves name value columns",
               jdescribe(c, v));
        p->leaf_errors = true;
    } else if (p->headed[j]) {
        jerror(c, v, path, "column %s already has a header leaf (%s)", jdescribe(c, v),
               rel(p, p->headed_at[j]));
        p->leaf_errors = true;
    } else if (j != p->next_leaf && !p->leaf_errors) {
        if (p->next_leaf < t->ncolumns)
            jerror(c, v, path,
                   "expected column \"%s\" here (the leaves name the value columns in "
                   "column order), got %s",
                   t->columns[p->next_leaf].id, jdescribe(c, v));
        else
            jerror(c, v, path, "the leaves must name the value columns in column order");
        p->leaf_errors = true;
    }
    if (!t->columns[j].label && !p->headed[j]) {
        p->headed[j] = true;
        p->headed_at[j] = npath;
    }
    if (j >= p->next_leaf)
        p->next_leaf = j + 1;
}

static void parse_header(tparse *p, const cJSON *arr, const char *path, pb_header_node **out,
                         int *nout)
{
    jctx *c = p->c;
    int n = cJSON_GetArraySize(arr), i = 0;
    pb_header_node *nodes = pb_arena_calloc(c->arena, (size_t)n, sizeof *nodes);
    *out = nodes;
    *nout = n;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        pb_header_node *h = &nodes[i];
        const char *npath = jpath_index(c, path, i);
        *h = (pb_header_node){.col = -1, .path = npath};
        if (!jis_object(c, m, npath)) {
            p->leaf_errors = true;
            continue;
        }
        jcheck_keys(c, m, npath, node_keys);
        jopt_string(c, m, npath, "id", true, &h->id); /* a column group, for rules */
        const cJSON *tx = jrequire(c, m, npath, "text");
        if (tx)
            table_text(c, tx, jpath_key(c, npath, "text"), true, &h->text, &h->text_breaks);
        const cJSON *ch = jmember(m, "children"), *co = jmember(m, "column");
        if (ch && co) {
            jerror(c, co, npath, "give \"column\" (a leaf) or \"children\", not both");
            p->leaf_errors = true;
        } else if (!ch && !co) {
            pb_diag_error(c->diag, c->status, jfile_missing(c, m, "column"), npath,
                          "missing required key \"column\" (or \"children\")");
            p->leaf_errors = true;
        } else if (ch) {
            const char *cpath = jpath_key(c, npath, "children");
            if (jis_array(c, ch, cpath, true))
                parse_header(p, ch, cpath, &h->children, &h->nchildren);
            else
                p->leaf_errors = true;
        } else {
            header_leaf(p, co, jpath_key(c, npath, "column"), npath, h);
        }
    }
}

static uint32_t id_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The hash slot of id: where it is, or the empty one where it would go. */
static int id_slot(const tparse *p, const char *id)
{
    int mask = p->nslots - 1, k = (int)(id_hash(id) & (uint32_t)mask);
    while (p->id_slots[k] && strcmp(p->ids[p->id_slots[k] - 1].id, id) != 0)
        k = (k + 1) & mask;
    return k;
}

/* Notes a row id, or reports it taken: a hash of the ids seen, so long
 * tables are checked in linear time. */
static void note_row_id(tparse *p, const cJSON *v, const char *path, const char *id)
{
    jctx *c = p->c;
    if (2 * (p->nids + 1) >= p->nslots) {
        int n = p->nslots ? p->nslots * 2 : 64;
        p->id_slots = pb_arena_calloc(c->arena, (size_t)n, sizeof *p->id_slots);
        p->nslots = n;
        for (int i = 0; i < p->nids; i++)
            p->id_slots[id_slot(p, p->ids[i].id)] = i + 1;
    }
    int k = id_slot(p, id);
    if (p->id_slots[k]) {
        jerror(c, v, path, "duplicate row id %s (also %s)", jdescribe(c, v),
               rel(p, p->ids[p->id_slots[k] - 1].path));
        return;
    }
    if (p->nids == p->capids) {
        int cap = p->capids ? p->capids * 2 : 16;
        p->ids = pb_arena_grow(c->arena, p->ids, (size_t)p->nids, (size_t)cap, sizeof *p->ids);
        p->capids = cap;
    }
    p->ids[p->nids++] = (idref){id, path};
    p->id_slots[k] = p->nids;
}

static void row_label(tparse *p, const cJSON *m, const char *rpath, pb_row_node *r)
{
    jctx *c = p->c;
    const char *lpath = jpath_key(c, rpath, "label");
    if (!p->cols_known) {
        const cJSON *l = jmember(m, "label");
        if (l)
            table_text(c, l, lpath, true, &r->label, &r->label_breaks);
    } else if (p->L > 0) {
        const cJSON *l = jrequire(c, m, rpath, "label");
        if (l)
            table_text(c, l, lpath, true, &r->label, &r->label_breaks);
    } else {
        const cJSON *l = jmember(m, "label");
        if (l)
            jerror(c, l, lpath, "the table has no label columns, so its rows have no labels");
    }
}

static void parse_cells(tparse *p, const cJSON *arr, const char *path, pb_row_node *r)
{
    jctx *c = p->c;
    const pb_table_template *t = p->t;
    int n = cJSON_GetArraySize(arr), i = 0, at = 0;
    bool ok = true;
    r->cells = pb_arena_calloc(c->arena, (size_t)n, sizeof *r->cells);
    r->ncells = n;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        pb_row_cell *cell = &r->cells[i];
        const char *cpath = jpath_index(c, path, i);
        *cell = (pb_row_cell){.colspan = 1, .format = -1, .path = cpath};
        if (!jis_object(c, m, cpath)) {
            ok = false;
            continue;
        }
        jcheck_keys(c, m, cpath, cell_keys);
        const cJSON *id = jmember(m, "id");
        if (id && !jstring(c, id, jpath_key(c, cpath, "id"), true, &cell->id))
            ok = false;
        if (!jopt_int(c, m, cpath, "colspan", 1, 1000, &cell->colspan))
            ok = false;
        const cJSON *f = jmember(m, "format");
        if (f)
            cell->format = jenum(c, f, jpath_key(c, cpath, "format"), format_names, 3);
        if (!id && p->cols_ok && at < p->V)
            cell->id = t->columns[p->L + at].id;
        at += cell->colspan;
        for (int j = 0; j < i && cell->id; j++) {
            if (r->cells[j].id && strcmp(r->cells[j].id, cell->id) == 0) {
                jerror(c, id ? id : m, id ? jpath_key(c, cpath, "id") : cpath,
                       "duplicate cell id \"%s\" in this row (also %s)%s", cell->id,
                       rel(p, r->cells[j].path), id ? "" : "; give this cell an \"id\"");
                break;
            }
        }
    }
    if (ok && p->cols_ok && at != p->V)
        jerror(c, arr, path, "the cells cover %d value column%s, the table has %d", at,
               plural(at), p->V);
}

static void parse_heading(tparse *p, const cJSON *arr, const char *path, pb_row_node *r)
{
    jctx *c = p->c;
    int n = cJSON_GetArraySize(arr), i = 0, at = 0;
    bool ok = true;
    r->cells = pb_arena_calloc(c->arena, (size_t)n, sizeof *r->cells);
    r->ncells = n;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        pb_row_cell *cell = &r->cells[i];
        const char *cpath = jpath_index(c, path, i);
        *cell = (pb_row_cell){.colspan = 1, .format = -1, .path = cpath};
        if (cJSON_IsString(m)) {
            jstring(c, m, cpath, false, &cell->text);
        } else if (cJSON_IsObject(m)) {
            jcheck_keys(c, m, cpath, heading_cell_keys);
            const cJSON *tx = jrequire(c, m, cpath, "text");
            if (tx)
                table_text(c, tx, jpath_key(c, cpath, "text"), false, &cell->text,
                           &cell->text_breaks);
            if (!jopt_int(c, m, cpath, "colspan", 1, 1000, &cell->colspan))
                ok = false;
        } else {
            jerror(c, m, cpath, "expected a string or {\"text\": …, \"colspan\": …}, got %s",
                   jdescribe(c, m));
            ok = false;
        }
        at += cell->colspan;
    }
    if (ok && p->cols_ok && at != p->t->ncolumns)
        jerror(c, arr, path, "the cells cover %d column%s, the table has %d", at, plural(at),
               p->t->ncolumns);
}

/* level: 1 for the rows of the body; deep: the nesting was already
 * reported above this level. */
static void parse_rows(tparse *p, const cJSON *arr, const char *path, int level, bool deep,
                       pb_row_node **out, int *nout)
{
    jctx *c = p->c;
    int n = cJSON_GetArraySize(arr), i = 0;
    pb_row_node *rows = pb_arena_calloc(c->arena, (size_t)n, sizeof *rows);
    *out = rows;
    *nout = n;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        pb_row_node *r = &rows[i];
        const char *rpath = jpath_index(c, path, i);
        r->path = rpath;
        if (!jis_object(c, m, rpath))
            continue;
        if (jmember(m, "band") || jmember(m, "heading")) {
            bool band = jmember(m, "band") != NULL;
            const char *key = band ? "band" : "heading";
            r->kind = band ? PB_ROW_BAND : PB_ROW_HEADING;
            jcheck_keys(c, m, rpath, band ? band_keys : heading_keys);
            if (level > 1)
                jerror(c, m, rpath, "%s rows span the whole table: they belong in \"rows\", "
                       "not inside a group", key);
            const cJSON *v = jmember(m, key);
            const char *vpath = jpath_key(c, rpath, key);
            if (band)
                table_text(c, v, vpath, true, &r->label, &r->label_breaks);
            else if (jis_array(c, v, vpath, true))
                parse_heading(p, v, vpath, r);
            continue;
        }
        bool group = jmember(m, "children") != NULL;
        r->kind = group ? PB_ROW_GROUP : PB_ROW_DATA;
        jcheck_keys(c, m, rpath, group ? group_keys : data_keys);
        const cJSON *id = group ? jmember(m, "id") : jrequire(c, m, rpath, "id");
        const char *idpath = jpath_key(c, rpath, "id");
        if (id && jstring(c, id, idpath, true, &r->id))
            note_row_id(p, id, idpath, r->id);
        bool deeper = deep;
        if (group && p->cols_known && p->L == 0) {
            jerror(c, m, rpath, "row groups need label columns (the table has none)");
            deeper = true;
        } else {
            row_label(p, m, rpath, r);
        }
        if (group) {
            const char *cpath = jpath_key(c, rpath, "children");
            const cJSON *ch = jmember(m, "children");
            /* a row at level k spans label columns k-1 ... L-1 */
            if (p->cols_known && p->L > 0 && level + 1 > p->L && !deeper) {
                jerror(c, ch, cpath, "rows nested %d levels deep need %d label columns, the "
                       "table has %d", level + 1, level + 1, p->L);
                deeper = true;
            }
            if (jis_array(c, ch, cpath, true))
                parse_rows(p, ch, cpath, level + 1, deeper, &r->children, &r->nchildren);
        } else {
            const cJSON *cells = jmember(m, "cells");
            const char *cpath = jpath_key(c, rpath, "cells");
            if (cells && jis_array(c, cells, cpath, true))
                parse_cells(p, cells, cpath, r);
        }
    }
}

static bool style_size(jctx *c, const cJSON *st, const char *path, const char *key,
                       pb_fx *out)
{
    double pt;
    const cJSON *v = jmember(st, key);
    if (!v)
        return true;
    if (!jnumber(c, v, jpath_key(c, path, key), 4, 72, &pt))
        return false;
    *out = pb_fx_from_pt(pt);
    return true;
}

static void parse_style(jctx *c, const cJSON *st, const char *path, pb_table_style *s,
                        tinfo *info)
{
    double pt, pad[2] = {1.5, 1}, range[2] = {-1, -1}, outer = 1.0, inner = 0.5;
    const cJSON *rv = NULL;
    const char *rpath = NULL;
    *s = (pb_table_style){.role = DEFAULT_FONT, .size = pb_fx_from_pt(12),
                          .caption_role = DEFAULT_CAPTION_FONT,
                          .caption_size = pb_fx_from_pt(16)};
    bool min_given = false;
    if (st && jis_object(c, st, path)) {
        jcheck_keys(c, st, path, style_keys);
        /* an invalid name is reported here, not again as an unknown role */
        const cJSON *f = info->font = jmember(st, "font");
        info->font_given = f != NULL;
        if (f && !jstring(c, f, jpath_key(c, path, "font"), true, &s->role))
            s->role = NULL;
        f = info->caption_font = jmember(st, "caption_font");
        info->caption_font_given = f != NULL;
        if (f && !jstring(c, f, jpath_key(c, path, "caption_font"), true, &s->caption_role))
            s->caption_role = NULL;
        bool size_ok = style_size(c, st, path, "size", &s->size);
        const cJSON *mv = jmember(st, "min_size");
        const char *mpath = jpath_key(c, path, "min_size");
        if (mv && jnumber(c, mv, mpath, 4, 72, &pt)) {
            min_given = true;
            s->min_size = pb_fx_from_pt(pt);
            if (size_ok && s->min_size > s->size)
                jerror(c, mv, mpath, "must not be larger than style.size (%g), got %s",
                       pb_fx_to_pt(s->size), jdescribe(c, mv));
        }
        const cJSON *lp = jmember(st, "line_pitch");
        const char *lppath = jpath_key(c, path, "line_pitch");
        if (lp && jnumber(c, lp, lppath, 0, 400, &pt)) {
            if (pt > 0 && pt < 4)
                jerror(c, lp, lppath,
                       "must be 0 (1.25 × the size) or between 4 and 400, got %s",
                       jdescribe(c, lp));
            else
                s->line_pitch = pb_fx_from_pt(pt);
        }
        const cJSON *pv = jmember(st, "padding");
        const char *ppath = jpath_key(c, path, "padding");
        if (pv) {
            if (!cJSON_IsArray(pv) || cJSON_GetArraySize(pv) != 2) {
                jerror(c, pv, ppath, "expected [horizontal, vertical] in mm, got %s",
                       cJSON_IsArray(pv) ? pb_arena_printf(c->arena, "an array of %d",
                                                           cJSON_GetArraySize(pv))
                                         : jdescribe(c, pv));
            } else {
                jnumber(c, pv->child, jpath_index(c, ppath, 0), 0, 20, &pad[0]);
                jnumber(c, pv->child->next, jpath_index(c, ppath, 1), 0, 20, &pad[1]);
            }
        }
        rv = jmember(st, "padding_range");
        rpath = jpath_key(c, path, "padding_range");
        if (rv) {
            if (!cJSON_IsArray(rv) || cJSON_GetArraySize(rv) != 2) {
                jerror(c, rv, rpath, "expected [least, most] vertical padding in mm, got %s",
                       cJSON_IsArray(rv) ? pb_arena_printf(c->arena, "an array of %d",
                                                           cJSON_GetArraySize(rv))
                                         : jdescribe(c, rv));
                rv = NULL;
            } else if (!jnumber(c, rv->child, jpath_index(c, rpath, 0), 0, 20, &range[0]) ||
                       !jnumber(c, rv->child->next, jpath_index(c, rpath, 1), 0, 20,
                                &range[1])) {
                rv = NULL;
            }
        }
        const cJSON *cv = jmember(st, "continued");
        if (cv)
            jstring(c, cv, jpath_key(c, path, "continued"), true, &s->continued);
        const cJSON *av = jmember(st, "continued_align");
        if (av) {
            int k = jenum(c, av, jpath_key(c, path, "continued_align"), continued_aligns, 3);
            if (k >= 0)
                s->continued_align = k == 0 ? PB_ALIGN_LEFT : k == 1 ? PB_ALIGN_CENTER
                                                                  : PB_ALIGN_RIGHT;
        }
        jopt_number(c, st, path, "outer_rule", 0, 5, &outer);
        jopt_number(c, st, path, "inner_rule", 0, 5, &inner);
        jopt_bool(c, st, path, "header_bold", &s->header_bold);
        style_size(c, st, path, "caption_size", &s->caption_size);
        jopt_bool(c, st, path, "caption_bold", &s->caption_bold);
    }
    /* a small table size brings the floor down with it */
    if (!min_given)
        s->min_size = s->size < pb_fx_from_pt(9) ? s->size : pb_fx_from_pt(9);
    s->pad_x = pb_fx_from_mm(pad[0]);
    s->pad_y = pb_fx_from_mm(pad[1]);
    s->pad_y_min = s->pad_y_max = s->pad_y;
    if (rv) {
        if (range[0] > pad[1] || range[1] < pad[1])
            jerror(c, rv, rpath, "must hold the vertical padding (%g mm), got [%g, %g]", pad[1],
                   range[0], range[1]);
        else {
            s->pad_y_min = pb_fx_from_mm(range[0]);
            s->pad_y_max = pb_fx_from_mm(range[1]);
        }
    }
    if (!s->continued_align)
        s->continued_align = PB_ALIGN_LEFT;
    s->outer_rule = pb_fx_from_pt(outer);
    s->inner_rule = pb_fx_from_pt(inner);
}

/* Everything about a template that does not need the layout. */
/* Rows of a row tree as the grid has them: a group counts its rows. */
static long count_rows(const cJSON *arr)
{
    long n = 0;
    for (const cJSON *m = arr->child; m; m = m->next) {
        const cJSON *ch = jmember(m, "children");
        n += cJSON_IsArray(ch) ? count_rows(ch) : 1;
    }
    return n;
}

static bool within_limit(jctx *c, const cJSON *v, const char *path, long n, int limit,
                         const char *what)
{
    if (n <= limit)
        return true;
    jerror(c, v, path, "%ld %s, more than the limit of %d", n, what, limit);
    return false;
}

static void parse_template(jctx *c, const cJSON *v, const char *path, const char *id,
                           pb_table_template *t, tinfo *info)
{
    *t = (pb_table_template){.id = id, .path = path, .source = jfile_of(c, v)};
    *info = (tinfo){.node = v, .columns_ok = true};
    tparse p = {.c = c, .t = t};
    if (!jis_object(c, v, path)) {
        info->columns_ok = false;
        return;
    }
    jcheck_keys(c, v, path, template_keys);
    jopt_string(c, v, path, "caption", true, &t->caption);
    parse_style(c, jmember(v, "style"), jpath_key(c, path, "style"), &t->style, info);

    const cJSON *cols = jrequire(c, v, path, "columns");
    const char *cpath = jpath_key(c, path, "columns");
    info->columns = cols;
    if (cJSON_IsArray(cols) && !within_limit(c, cols, cpath, cJSON_GetArraySize(cols),
                                             PB_MAX_TABLE_COLUMNS, "columns")) {
        info->columns_ok = false;
        return;
    }
    if (cols && jis_array(c, cols, cpath, true))
        parse_columns(&p, cols, cpath, info);
    else
        info->columns_ok = false;

    const cJSON *hd = jmember(v, "header");
    const char *hpath = jpath_key(c, path, "header");
    if (hd && jis_array(c, hd, hpath, true)) {
        p.headed = pb_arena_calloc(c->arena, (size_t)t->ncolumns + 1, sizeof *p.headed);
        p.headed_at = pb_arena_calloc(c->arena, (size_t)t->ncolumns + 1, sizeof *p.headed_at);
        p.next_leaf = p.L;
        parse_header(&p, hd, hpath, &t->header, &t->nheader);
        input_group_ids(c, hd, hpath, t);
        for (int j = p.L; p.cols_ok && !p.leaf_errors && j < t->ncolumns; j++)
            if (!p.headed[j])
                jerror(c, hd, hpath, "no header leaf names column \"%s\"", t->columns[j].id);
    }

    const cJSON *corner = jmember(v, "corner");
    const char *kpath = jpath_key(c, path, "corner");
    if (corner && table_text(c, corner, kpath, true, &t->corner, &t->corner_breaks)) {
        if (p.cols_known && p.L == 0)
            jerror(c, corner, kpath, "the corner cell needs label columns (the table has none)");
        else if (!hd)
            jerror(c, corner, kpath,
                   "the corner cell needs a \"header\" (it spans the header rows)");
    }

    const cJSON *rows = jrequire(c, v, path, "rows");
    const char *rpath = jpath_key(c, path, "rows");
    if (rows && jis_array(c, rows, rpath, true) &&
        within_limit(c, rows, rpath, count_rows(rows), PB_MAX_TABLE_ROWS, "rows"))
        parse_rows(&p, rows, rpath, 1, false, &t->rows, &t->nrows);
}

/* ---- checks that need the layout ---------------------------------------- */

static void check_role(jctx *c, const cJSON *node, const char *path, const char *role,
                       bool given, const char *where, const char *const *roles, int nroles)
{
    if (!role)
        return;
    for (int i = 0; i < nroles; i++)
        if (strcmp(roles[i], role) == 0)
            return;
    jerror(c, node, path, "no font role \"%s\"%s in %s%s", role, given ? "" : " (the default)",
           where, hint_text(c, role, roles, nroles));
}

/* where: how messages name the layout's fonts; node: for the file. */
static void check_with_layout(jctx *c, const pb_table_template *t, const tinfo *info,
                              const char *where, const char *const *roles, int nroles,
                              bool roles_ok, pb_fx text_width)
{
    const char *spath = jpath_key(c, t->path, "style");
    if (roles_ok) {
        check_role(c, info->font ? info->font : info->node, jpath_key(c, spath, "font"),
                   t->style.role, info->font_given, where, roles, nroles);
        check_role(c, info->caption_font ? info->caption_font : info->node,
                   jpath_key(c, spath, "caption_font"), t->style.caption_role,
                   info->caption_font_given, where, roles, nroles);
    }
    if (!info->columns_ok || text_width <= 0)
        return;
    int64_t fixed = 0;
    for (int i = 0; i < t->ncolumns; i++)
        fixed += t->columns[i].width + pb_fx_muldiv(text_width, t->columns[i].share, 1000);
    /* each width was rounded to 1/64 pt on its own: 15 x 10.4 mm is 156 mm */
    if (fixed - text_width > t->ncolumns)
        jerror(c, info->columns, jpath_key(c, t->path, "columns"),
               "the fixed column widths add up to %s mm, more than the text block's %s mm",
               mm_text(c, (pb_fx)fixed), mm_text(c, text_width));
}

void input_table_templates(jctx *c, const cJSON *tables, const char *path,
                           const char *const *roles, int nroles, bool roles_ok,
                           pb_fx text_width, pb_table_template **out, int *nout)
{
    int n = cJSON_GetArraySize(tables), i = 0;
    pb_table_template *t = pb_arena_calloc(c->arena, (size_t)n, sizeof *t);
    for (const cJSON *m = tables->child; m; m = m->next, i++) {
        if (!m->string[0]) {
            jerror(c, m, path, "a table id must not be empty");
            continue;
        }
        tinfo info;
        parse_template(c, m, jpath_key(c, path, m->string),
                       pb_arena_strdup(c->arena, m->string), &t[i], &info);
        if (cJSON_IsObject(m))
            check_with_layout(c, &t[i], &info, "\"fonts\"", roles, nroles, roles_ok,
                              text_width);
    }
    *out = t;
    *nout = n;
}

/* ---- table blocks ------------------------------------------------------- */

/* A value as the report gave it, kept until the template is known. */
typedef enum pv_type { PV_NULL, PV_NUMBER, PV_STRING, PV_OTHER } pv_type;

typedef struct pvalue {
    const char *key;    /* cell id; NULL in an array */
    pv_type type;
    double number;
    const char *string;
    const char *desc;   /* as messages show it */
    const char *path;
} pvalue;

typedef struct prow {
    const char *id;
    bool blank;         /* null: the whole row blank */
    bool array;         /* values in cell order */
    pvalue *values;
    int nvalues;
    const char *path;
} prow;

typedef struct ptable {
    prow *rows;
    int nrows;
    tinfo info;         /* inline templates: checked against the layout when bound */
} ptable;

static void keep_value(jctx *c, const cJSON *v, const char *key, const char *path,
                       pvalue *out)
{
    *out = (pvalue){.key = key, .desc = jdescribe(c, v), .path = path};
    if (cJSON_IsNull(v)) {
        out->type = PV_NULL;
    } else if (cJSON_IsNumber(v)) {
        out->type = PV_NUMBER;
        out->number = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        out->type = PV_STRING;
        out->string = pb_arena_strdup(c->arena, v->valuestring);
    } else {
        out->type = PV_OTHER;
    }
}

static void parse_values(jctx *c, const cJSON *v, const char *path, ptable *pt)
{
    if (!jis_object(c, v, path) ||
        !within_limit(c, v, path, cJSON_GetArraySize(v), PB_MAX_TABLE_ROWS, "rows"))
        return;
    int n = cJSON_GetArraySize(v), i = 0;
    pt->rows = pb_arena_calloc(c->arena, (size_t)n, sizeof *pt->rows);
    pt->nrows = n;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        prow *r = &pt->rows[i];
        r->id = pb_arena_strdup(c->arena, m->string);
        r->path = jpath_key(c, path, m->string);
        if (cJSON_IsNull(m)) {
            r->blank = true;
        } else if (!within_limit(c, m, r->path, cJSON_GetArraySize(m),
                                 PB_MAX_TABLE_COLUMNS, "values")) {
            r->blank = true;
        } else if (cJSON_IsObject(m) || cJSON_IsArray(m)) {
            r->array = cJSON_IsArray(m);
            r->nvalues = cJSON_GetArraySize(m);
            r->values = pb_arena_calloc(c->arena, (size_t)r->nvalues, sizeof *r->values);
            int k = 0;
            for (const cJSON *e = m->child; e; e = e->next, k++) {
                const char *key = r->array ? NULL : pb_arena_strdup(c->arena, e->string);
                keep_value(c, e, key,
                           r->array ? jpath_index(c, r->path, k) : jpath_key(c, r->path, key),
                           &r->values[k]);
            }
        } else {
            r->blank = true;
            jerror(c, m, r->path,
                   "expected an object (cell id: value) or an array of values, got %s",
                   jdescribe(c, m));
        }
    }
}

void input_table_block(jctx *c, const cJSON *blk, const char *path, pb_block *out)
{
    out->kind = PB_BLOCK_TABLE;
    jcheck_keys(c, blk, path, block_keys);
    ptable *pt = pb_arena_calloc(c->arena, 1, sizeof *pt);
    const cJSON *ref = jmember(blk, "table"), *tpl = jmember(blk, "template");
    if (ref && tpl) {
        jerror(c, tpl, path, "give \"table\" (a template of the layout) or \"template\", "
               "not both");
    } else if (!ref && !tpl) {
        jerror(c, blk, path, "missing required key \"table\" (or \"template\")");
    } else if (ref) {
        jstring(c, ref, jpath_key(c, path, "table"), true, &out->table_ref);
    } else {
        pb_table_template *t = pb_arena_calloc(c->arena, 1, sizeof *t);
        parse_template(c, tpl, jpath_key(c, path, "template"), NULL, t, &pt->info);
        /* the tree is gone by the time the block is bound */
        pt->info.node = pt->info.font = pt->info.caption_font = pt->info.columns = NULL;
        out->table = t;
    }
    jopt_string(c, blk, path, "caption", true, &out->caption);
    const cJSON *vals = jrequire(c, blk, path, "values");
    if (vals)
        parse_values(c, vals, jpath_key(c, path, "values"), pt);
    out->pending = pt;
}

/* ---- values ------------------------------------------------------------- */

/* The shortest decimal digits that read back as x (so 0.1 is "0.1", not
 * 0.1000000000000000055), written out without an exponent.  False if
 * that needs more than MAX_DIGITS digits. */
static bool shortest_decimal(jctx *c, double x, const char **text, int64_t *num, int *scale)
{
    if (x == 0) {
        *text = "0";
        *num = 0;
        *scale = 0;
        return true;
    }
    char e[40];
    double ax = fabs(x);
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, ax);
        if (strtod(e, NULL) == ax)
            break;
    }
    char digits[24];
    int nd = 0;
    const char *q = e;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    int exp10 = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int shift = exp10 - (nd - 1); /* x = digits * 10^shift */
    if (shift >= 0 ? nd + shift > MAX_DIGITS : -shift > MAX_DIGITS)
        return false;
    char buf[64];
    size_t o = 0;
    if (x < 0)
        buf[o++] = '-';
    int64_t v = 0;
    for (int i = 0; i < nd; i++)
        v = v * 10 + (digits[i] - '0');
    if (shift >= 0) {
        memcpy(buf + o, digits, (size_t)nd);
        o += (size_t)nd;
        for (int i = 0; i < shift; i++, v *= 10)
            buf[o++] = '0';
        *scale = 0;
    } else {
        int sc = -shift;
        if (nd > sc) {
            memcpy(buf + o, digits, (size_t)(nd - sc));
            o += (size_t)(nd - sc);
            buf[o++] = '.';
            memcpy(buf + o, digits + nd - sc, (size_t)sc);
            o += (size_t)sc;
        } else {
            buf[o++] = '0';
            buf[o++] = '.';
            for (int i = nd; i < sc; i++)
                buf[o++] = '0';
            memcpy(buf + o, digits, (size_t)nd);
            o += (size_t)nd;
        }
        *scale = sc;
    }
    buf[o] = 0;
    *text = pb_arena_strdup(c->arena, buf);
    *num = x < 0 ? -v : v;
    return true;
}

typedef enum { DEC_BAD, DEC_OK, DEC_LONG } dec_result;

/* ^-?[0-9]+(\.[0-9]+)?$, read exactly. */
static dec_result decimal_string(const char *s, int64_t *num, int *scale)
{
    size_t i = s[0] == '-';
    int64_t v = 0;
    int sig = 0, frac = -1;
    size_t start = i;
    for (;; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (v || s[i] != '0')
                sig++;
            if (sig > MAX_DIGITS)
                return DEC_LONG;
            v = v * 10 + (s[i] - '0');
            if (frac >= 0)
                frac++;
        } else if (s[i] == '.' && frac < 0 && i > start && s[i + 1] >= '0' &&
                   s[i + 1] <= '9') {
            frac = 0;
        } else {
            break;
        }
    }
    if (s[i] || i == start)
        return DEC_BAD;
    if (frac > MAX_DIGITS)
        return DEC_LONG;
    *num = s[0] == '-' ? -v : v;
    *scale = frac < 0 ? 0 : frac;
    return DEC_OK;
}

static bool starts_with(const char *s, const char *head)
{
    return strncmp(s, head, strlen(head)) == 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* "22（其中修订16件）": digits, then a bracketed note to the end. */
static bool noted_integer(const char *s, int64_t *num)
{
    size_t i = 0;
    int64_t v = 0;
    int sig = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (v || s[i] != '0')
            sig++;
        if (sig > 15)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (i == 0)
        return false;
    const char *rest = s + i;
    size_t n = strlen(rest);
    bool ok = (starts_with(rest, "（") && n > 6 && ends_with(rest, "）")) ||
              (rest[0] == '(' && n > 2 && rest[n - 1] == ')');
    if (ok)
        *num = v;
    return ok;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static void integer_value(jctx *c, const pvalue *pv, pb_value *out)
{
    if (pv->type == PV_NUMBER) {
        double x = pv->number;
        if (!isfinite(x))
            jerror(c, NULL, pv->path, "number out of range");
        else if (x < 0)
            jerror(c, NULL, pv->path, "expected a non-negative integer, got %s", pv->desc);
        else if (x != floor(x))
            jerror(c, NULL, pv->path, "expected an integer, got %s", pv->desc);
        else if (x > MAX_NUMBER)
            jerror(c, NULL, pv->path, "must be at most %.0f, got %s", MAX_NUMBER, pv->desc);
        else {
            out->kind = PB_VALUE_INTEGER;
            out->number = (int64_t)x;
            out->has_number = true;
            out->text = pb_arena_printf(c->arena, "%lld", (long long)out->number);
        }
        return;
    }
    if (pv->type == PV_STRING && noted_integer(pv->string, &out->number)) {
        out->kind = PB_VALUE_TEXT;
        out->has_number = true;
        out->text = pv->string;
        return;
    }
    if (pv->type == PV_STRING && all_digits(pv->string))
        jerror(c, NULL, pv->path, "expected an integer, got %s (write numbers without quotes)",
               pv->desc);
    else
        jerror(c, NULL, pv->path, "expected an integer, got %s", pv->desc);
}

static void decimal_value(jctx *c, const pvalue *pv, pb_value *out)
{
    if (pv->type == PV_NUMBER) {
        if (!isfinite(pv->number))
            jerror(c, NULL, pv->path, "number out of range");
        else if (!shortest_decimal(c, pv->number, &out->text, &out->number, &out->scale))
            jerror(c, NULL, pv->path, "expected a number of at most %d digits, got %s",
                   MAX_DIGITS, pv->desc);
        else {
            out->kind = PB_VALUE_DECIMAL;
            out->has_number = true;
        }
        return;
    }
    if (pv->type == PV_STRING) {
        dec_result r = decimal_string(pv->string, &out->number, &out->scale);
        if (r == DEC_OK) {
            out->kind = PB_VALUE_DECIMAL;
            out->has_number = true;
            out->text = pv->string;
            return;
        }
        if (r == DEC_LONG) {
            jerror(c, NULL, pv->path, "expected a number of at most %d digits, got %s",
                   MAX_DIGITS, pv->desc);
            return;
        }
    }
    jerror(c, NULL, pv->path, "expected a number, got %s", pv->desc);
}

static void text_value(jctx *c, const pvalue *pv, pb_value *out)
{
    if (pv->type == PV_STRING) {
        out->kind = PB_VALUE_TEXT;
        out->text = pv->string;
        return;
    }
    if (pv->type == PV_NUMBER && isfinite(pv->number)) {
        out->kind = PB_VALUE_TEXT;
        if (shortest_decimal(c, pv->number, &out->text, &out->number, &out->scale))
            out->has_number = true;
        else
            out->text = pv->desc;
        return;
    }
    if (pv->type == PV_NUMBER)
        jerror(c, NULL, pv->path, "number out of range");
    else
        jerror(c, NULL, pv->path, "expected a string or a number, got %s", pv->desc);
}

static void bind_value(jctx *c, const pvalue *pv, pb_value_format format, pb_value *out)
{
    *out = (pb_value){.kind = PB_VALUE_BLANK, .path = pv->path};
    if (pv->type == PV_NULL)
        return;
    pb_value v = *out;
    if (format == PB_FMT_INTEGER)
        integer_value(c, pv, &v);
    else if (format == PB_FMT_DECIMAL)
        decimal_value(c, pv, &v);
    else
        text_value(c, pv, &v);
    if (v.text)
        *out = v;
}

/* A group or other non-data row with this id, for a clearer message. */
static const pb_row_node *find_row(const pb_row_node *rows, int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (rows[i].id && strcmp(rows[i].id, id) == 0)
            return &rows[i];
        const pb_row_node *r = find_row(rows[i].children, rows[i].nchildren, id);
        if (r)
            return r;
    }
    return NULL;
}

static const char *table_name(jctx *c, const pb_table_template *t)
{
    return t->id ? pb_arena_printf(c->arena, "table \"%s\"", t->id) : "the table";
}

/* The slots of one data row (they are consecutive), sorted by row id so a
 * row's values are found without scanning the table: long tables bind in
 * n log n, not n squared. */
typedef struct slot_rows {
    const char *id;
    int first, count;
} slot_rows;

static int cmp_slot_rows(const void *a, const void *b)
{
    return strcmp(((const slot_rows *)a)->id, ((const slot_rows *)b)->id);
}

static slot_rows *index_slots(pb_arena *arena, const pb_value_slot *slots, int nslots,
                              int *nout)
{
    slot_rows *ix = pb_arena_calloc(arena, (size_t)nslots + 1, sizeof *ix);
    int n = 0;
    for (int i = 0; i < nslots; i++) {
        if (!slots[i].row->id)
            continue;
        if (n > 0 && slots[i - 1].row == slots[i].row)
            ix[n - 1].count++;
        else
            ix[n++] = (slot_rows){slots[i].row->id, i, 1};
    }
    qsort(ix, (size_t)n, sizeof *ix, cmp_slot_rows);
    *nout = n;
    return ix;
}

static void bind_row(jctx *c, const pb_table_template *t, const prow *r,
                     const pb_value_slot *slots, int nslots, const slot_rows *ix, int nix,
                     pb_value *values)
{
    slot_rows key = {.id = r->id};
    const slot_rows *hit = bsearch(&key, ix, (size_t)nix, sizeof *ix, cmp_slot_rows);
    int first = hit ? hit->first : -1, count = hit ? hit->count : 0;
    if (first < 0) {
        const pb_row_node *other = find_row(t->rows, t->nrows, r->id);
        if (other) {
            jerror(c, NULL, r->path, "\"%s\" is a row group of %s: give the values of its "
                   "rows", r->id, table_name(c, t));
            return;
        }
        const char **names = NULL;
        int n = 0;
        if (!pb_diag_full(c->diag)) {
            names = pb_arena_calloc(c->arena, (size_t)nslots + 1, sizeof *names);
            for (int i = 0; i < nslots; i++)
                if (i == 0 || slots[i].row != slots[i - 1].row)
                    names[n++] = slots[i].row->id;
        }
        jerror(c, NULL, r->path, "no row \"%s\" in %s%s", r->id, table_name(c, t),
               hint_text(c, r->id, names, n));
        return;
    }
    if (r->blank)
        return;
    if (r->array) {
        if (r->nvalues != count) {
            jerror(c, NULL, r->path, "expected %d value%s (the cells of row \"%s\"), got %d",
                   count, plural(count), r->id, r->nvalues);
            return;
        }
        for (int i = 0; i < count; i++)
            bind_value(c, &r->values[i], slots[first + i].format, &values[first + i]);
        return;
    }
    for (int k = 0; k < r->nvalues; k++) {
        const pvalue *pv = &r->values[k];
        int s = -1;
        for (int i = first; i < first + count && s < 0; i++)
            if (strcmp(slots[i].cell_id, pv->key) == 0)
                s = i;
        if (s >= 0) {
            bind_value(c, pv, slots[s].format, &values[s]);
            continue;
        }
        if (pb_diag_full(c->diag)) { /* counted only: skip the lists */
            jerror(c, NULL, pv->path, "no cell \"%s\" in row \"%s\"", pv->key, r->id);
            continue;
        }
        const char **names = pb_arena_calloc(c->arena, (size_t)count, sizeof *names);
        for (int i = 0; i < count; i++)
            names[i] = slots[first + i].cell_id;
        const char *hint = hint_text(c, pv->key, names, count);
        jerror(c, NULL, pv->path, "no cell \"%s\" in row \"%s\"%s", pv->key, r->id,
               *hint ? hint
                     : pb_arena_printf(c->arena, " (its cells: %s)", name_list(c, names, count)));
    }
}

bool pb_input_bind_tables(pb_report *report, const pb_layout *layout, pb_arena *arena,
                          pb_diag *diag)
{
    jctx c = {.arena = arena, .diag = diag, .status = PB_ERR_INPUT, .file = report->file};
    int before = diag->errors;
    const char **roles = pb_arena_calloc(arena, (size_t)layout->nroles + 1, sizeof *roles);
    for (int i = 0; i < layout->nroles; i++)
        roles[i] = layout->roles[i].name;
    const char **ids = pb_arena_calloc(arena, (size_t)layout->ntables + 1, sizeof *ids);
    for (int i = 0; i < layout->ntables; i++)
        ids[i] = layout->tables[i].id;
    /* the file, not the name: "extends" passes the base's name on */
    const char *where = pb_arena_printf(arena, "the fonts of %s", layout->file);
    long cells = 0;

    for (int b = 0; b < report->nblocks; b++) {
        pb_block *blk = &report->blocks[b];
        const ptable *pt = blk->pending;
        if (blk->kind != PB_BLOCK_TABLE || !pt)
            continue;
        const char *rpath = jpath_key(&c, blk->path, "table");
        if (blk->table_ref) {
            blk->table = NULL;
            for (int i = 0; i < layout->ntables && !blk->table; i++)
                if (strcmp(layout->tables[i].id, blk->table_ref) == 0)
                    blk->table = &layout->tables[i];
            if (!blk->table) {
                if (layout->ntables == 0)
                    jerror(&c, NULL, rpath, "no table \"%s\": the layout %s has no tables",
                           blk->table_ref, layout->file);
                else
                    jerror(&c, NULL, rpath, "no table \"%s\" in the layout %s%s; its tables: %s",
                           blk->table_ref, layout->file,
                           hint_text(&c, blk->table_ref, ids, layout->ntables),
                           name_list(&c, ids, layout->ntables));
                continue;
            }
        } else if (blk->table) {
            int errors = diag->errors;
            check_with_layout(&c, blk->table, &pt->info, where, roles, layout->nroles, true,
                              layout->text_width);
            if (diag->errors > errors)
                continue;
        } else {
            continue;
        }
        const pb_table_template *t = blk->table;
        int n = pb_table_value_slots(t, NULL);
        cells += n;
        if (cells > PB_MAX_TABLE_CELLS) {
            jerror(&c, NULL, blk->path, "the tables up to here have %ld value cells, more "
                   "than the limit of %d", cells, PB_MAX_TABLE_CELLS);
            break;
        }
        pb_value_slot *slots = pb_arena_calloc(arena, (size_t)n + 1, sizeof *slots);
        pb_table_value_slots(t, slots);
        pb_value *values = pb_arena_calloc(arena, (size_t)n + 1, sizeof *values);
        int nix;
        const slot_rows *ix = index_slots(arena, slots, n, &nix);
        for (int i = 0; i < pt->nrows; i++)
            bind_row(&c, t, &pt->rows[i], slots, n, ix, nix, values);
        blk->values = values;
        blk->nvalues = n;
        blk->pending = NULL;
    }
    input_bind_refs(&c, report, layout);
    return diag->errors == before;
}
