/* The "rules" of a layout (read here, parsed as expressions by the check
 * stage), the {{table.row.cell}} references in a report's text, and the
 * numbers the text ties to the tables itself ({{2 = ...}}, {{5 | skip
 * CLAIM: reason}}), split here and checked by the check stage. */
#include "input/input_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_keys[] = {"table",    "description", "per_column", "per_row",
                                        "check",    "tolerance",   NULL};

/* " (did you mean \"x\"?)" or "" */
static const char *hint_text(jctx *c, const char *word, const char *const *names, int n)
{
    if (pb_diag_full(c->diag))
        return ""; /* the message will not be shown */
    const char *hint = jsuggest(word, names, n);
    return hint ? pb_arena_printf(c->arena, " (did you mean \"%s\"?)", hint) : "";
}

/* ---- rules ----------------------------------------------------------------- */

/* digits[.digits], at most 18 digits */
static bool parse_decimal(const char *s, int64_t *v, int *scale)
{
    int digits = 0, frac = -1;
    int64_t x = 0;
    size_t i = 0;
    for (;; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 18)
                return false;
            x = x * 10 + (s[i] - '0');
            if (frac >= 0)
                frac++;
        } else if (s[i] == '.' && frac < 0 && i > 0 && s[i + 1] >= '0' && s[i + 1] <= '9') {
            frac = 0;
        } else {
            break;
        }
    }
    if (s[i] || digits == 0)
        return false;
    *v = x;
    *scale = frac < 0 ? 0 : frac;
    return true;
}

/* The shortest decimal that reads back as x (0.01 is 1/10^2), exactly. */
static bool exact_number(double x, int64_t *v, int *scale)
{
    char e[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    char *mark = strchr(e, 'e');
    if (!mark)
        return false;
    int exp10 = atoi(mark + 1);
    int64_t m = 0;
    int nd = 0;
    for (const char *q = e; q < mark; q++) {
        if (*q >= '0' && *q <= '9') {
            m = m * 10 + (*q - '0');
            nd++;
        }
    }
    int sc = (nd - 1) - exp10; /* x = m / 10^sc */
    for (; sc < 0; sc++) {
        if (m > INT64_MAX / 10)
            return false;
        m *= 10;
    }
    while (sc > 0 && m % 10 == 0) {
        m /= 10;
        sc--;
    }
    if (sc > 18)
        return false;
    *v = m;
    *scale = sc;
    return true;
}

static void parse_tolerance(jctx *c, const cJSON *t, const char *path, pb_table_rule *r)
{
    if (cJSON_IsNumber(t) && t->valuedouble >= 0 &&
        exact_number(t->valuedouble, &r->tolerance, &r->tolerance_scale))
        return;
    if (cJSON_IsString(t) && parse_decimal(t->valuestring, &r->tolerance, &r->tolerance_scale))
        return;
    jerror(c, t, path, "expected a non-negative number such as 0.01 or \"0.0001\" (at most 18 "
           "digits), got %s", jdescribe(c, t));
}

/* "all", or a non-empty array of non-empty strings */
static void parse_targets(jctx *c, const cJSON *v, const char *path, const char *what,
                          pb_table_rule *r)
{
    r->scope_path = path;
    r->scope_file = jfile_of(c, v);
    if (cJSON_IsString(v) && !strcmp(v->valuestring, "all"))
        return;
    if (!cJSON_IsArray(v) || !v->child) {
        jerror(c, v, path, "expected \"all\" or a non-empty array of %s, got %s", what,
               cJSON_IsArray(v) ? "an empty array" : jdescribe(c, v));
        return;
    }
    int n = cJSON_GetArraySize(v), i = 0;
    r->targets = pb_arena_calloc(c->arena, (size_t)n, sizeof *r->targets);
    r->target_paths = pb_arena_calloc(c->arena, (size_t)n, sizeof *r->target_paths);
    r->ntargets = n;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        r->target_paths[i] = jpath_index(c, path, i);
        jstring(c, m, r->target_paths[i], true, &r->targets[i]);
    }
}

static void parse_checks(jctx *c, const cJSON *v, const char *path, pb_table_rule *r)
{
    if (cJSON_IsString(v)) {
        r->checks = pb_arena_calloc(c->arena, 1, sizeof *r->checks);
        r->nchecks = 1;
        r->checks[0].path = path;
        r->checks[0].file = jfile_of(c, v);
        jstring(c, v, path, true, &r->checks[0].source);
        return;
    }
    if (!cJSON_IsArray(v) || !v->child) {
        jerror(c, v, path, "expected a check such as \"total = a + b\", or a non-empty array "
               "of them, got %s", cJSON_IsArray(v) ? "an empty array" : jdescribe(c, v));
        return;
    }
    int n = cJSON_GetArraySize(v), i = 0;
    r->checks = pb_arena_calloc(c->arena, (size_t)n, sizeof *r->checks);
    r->nchecks = n;
    for (const cJSON *m = v->child; m; m = m->next, i++) {
        r->checks[i].path = jpath_index(c, path, i);
        r->checks[i].file = jfile_of(c, m);
        jstring(c, m, r->checks[i].path, true, &r->checks[i].source);
    }
}

static void parse_rule(jctx *c, const cJSON *m, const char *path, const pb_layout *L,
                       const char *const *tables, pb_table_rule *r)
{
    *r = (pb_table_rule){.id = pb_arena_strdup(c->arena, m->string), .path = path,
                   .source = jfile_of(c, m)};
    if (!jis_object(c, m, path))
        return;
    jcheck_keys(c, m, path, rule_keys);
    const cJSON *t = jrequire(c, m, path, "table");
    const char *tpath = jpath_key(c, path, "table");
    if (t && jstring(c, t, tpath, true, &r->table)) {
        bool found = false;
        for (int i = 0; i < L->ntables && !found; i++)
            found = L->tables[i].id && !strcmp(L->tables[i].id, r->table);
        if (!found && L->ntables == 0)
            jerror(c, t, tpath, "no table \"%s\": the layout has no tables", r->table);
        else if (!found)
            jerror(c, t, tpath, "no table \"%s\" in \"tables\"%s", r->table,
                   hint_text(c, r->table, tables, L->ntables));
    }
    const cJSON *d = jrequire(c, m, path, "description");
    if (d)
        jstring(c, d, jpath_key(c, path, "description"), true, &r->description);
    const cJSON *pc = jmember(m, "per_column"), *pr = jmember(m, "per_row");
    if (pc && pr) {
        jerror(c, pr, path, "give \"per_column\" or \"per_row\", not both");
    } else if (pc) {
        r->scope = PB_SCOPE_COLUMNS;
        parse_targets(c, pc, jpath_key(c, path, "per_column"), "column ids and column groups",
                      r);
    } else if (pr) {
        r->scope = PB_SCOPE_ROWS;
        parse_targets(c, pr, jpath_key(c, path, "per_row"), "row ids and row groups", r);
    }
    const cJSON *ck = jrequire(c, m, path, "check");
    if (ck)
        parse_checks(c, ck, jpath_key(c, path, "check"), r);
    const cJSON *tol = jmember(m, "tolerance");
    if (tol)
        parse_tolerance(c, tol, jpath_key(c, path, "tolerance"), r);
}

void input_rules(jctx *c, const cJSON *rules, const char *path, pb_layout *L)
{
    int n = cJSON_GetArraySize(rules), i = 0;
    const char **tables = pb_arena_calloc(c->arena, (size_t)L->ntables + 1, sizeof *tables);
    for (int k = 0; k < L->ntables; k++)
        tables[k] = L->tables[k].id;
    L->rules = pb_arena_calloc(c->arena, (size_t)n + 1, sizeof *L->rules);
    for (const cJSON *m = rules->child; m; m = m->next) {
        if (!m->string[0]) {
            jerror(c, m, path, "a rule id must not be empty");
            continue;
        }
        parse_rule(c, m, jpath_key(c, path, m->string), L, tables, &L->rules[i++]);
    }
    L->nrules = i;
}

/* ---- claims ------------------------------------------------------------------ */

static const char *const claim_keys[] = {"description", "pattern", "value", NULL};

static bool is_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

static void parse_claim(jctx *c, const cJSON *m, const char *path, pb_claim *cl)
{
    *cl = (pb_claim){.id = pb_arena_strdup(c->arena, m->string), .path = path,
                     .source = jfile_of(c, m)};
    if (!jis_object(c, m, path))
        return;
    jcheck_keys(c, m, path, claim_keys);
    const cJSON *d = jrequire(c, m, path, "description");
    if (d)
        jstring(c, d, jpath_key(c, path, "description"), true, &cl->description);
    const cJSON *v = jrequire(c, m, path, "value");
    cl->value_path = jpath_key(c, path, "value");
    if (v)
        jstring(c, v, cl->value_path, true, &cl->value);
    const cJSON *p = jrequire(c, m, path, "pattern");
    const char *ppath = jpath_key(c, path, "pattern");
    if (!p)
        return;
    if (cJSON_IsString(p)) {
        cl->patterns = pb_arena_calloc(c->arena, 1, sizeof *cl->patterns);
        cl->pattern_paths = pb_arena_calloc(c->arena, 1, sizeof *cl->pattern_paths);
        cl->npatterns = 1;
        cl->pattern_paths[0] = ppath;
        jstring(c, p, ppath, true, &cl->patterns[0]);
        return;
    }
    if (!cJSON_IsArray(p) || !p->child) {
        jerror(c, p, ppath, "expected a pattern such as \"予以公开{NUM}{UNIT}\", or a non-empty "
               "array of them, got %s", cJSON_IsArray(p) ? "an empty array" : jdescribe(c, p));
        return;
    }
    int n = cJSON_GetArraySize(p), i = 0;
    cl->patterns = pb_arena_calloc(c->arena, (size_t)n, sizeof *cl->patterns);
    cl->pattern_paths = pb_arena_calloc(c->arena, (size_t)n, sizeof *cl->pattern_paths);
    cl->npatterns = n;
    for (const cJSON *e = p->child; e; e = e->next, i++) {
        cl->pattern_paths[i] = jpath_index(c, ppath, i);
        jstring(c, e, cl->pattern_paths[i], true, &cl->patterns[i]);
    }
}

void input_claims(jctx *c, const cJSON *claims, const char *path, pb_layout *L)
{
    int n = cJSON_GetArraySize(claims), i = 0;
    L->claims = pb_arena_calloc(c->arena, (size_t)n + 1, sizeof *L->claims);
    for (const cJSON *m = claims->child; m; m = m->next) {
        /* a report names a claim in {{N | skip CLAIM: reason}} */
        if (!is_name(m->string)) {
            jerror(c, m, path, "a claim id is a name ([A-Za-z_][A-Za-z0-9_]*), got \"%s\"",
                   m->string);
            continue;
        }
        parse_claim(c, m, jpath_key(c, path, m->string), &L->claims[i++]);
    }
    L->nclaims = i;
}

/* ---- column groups ---------------------------------------------------------- */

typedef struct seen_ids {
    const char **v;
    int n, cap;
} seen_ids;

static void group_ids(jctx *c, const cJSON *arr, const char *path, const pb_table_template *t,
                      seen_ids *seen)
{
    int i = 0;
    for (const cJSON *m = arr->child; m; m = m->next, i++) {
        const char *npath = jpath_index(c, path, i);
        const cJSON *id = jmember(m, "id");
        if (cJSON_IsString(id) && id->valuestring[0]) {
            const char *s = id->valuestring;
            const char *ipath = jpath_key(c, npath, "id");
            bool dup = false, column = false;
            for (int k = 0; k < seen->n && !dup; k++)
                dup = !strcmp(seen->v[k], s);
            for (int k = 0; k < t->ncolumns && !column; k++)
                column = t->columns[k].id && !strcmp(t->columns[k].id, s);
            if (dup)
                jerror(c, id, ipath, "duplicate column group id \"%s\"", s);
            else if (column)
                jerror(c, id, ipath, "\"%s\" is a column id: a column group needs an id of "
                       "its own", s);
            if (seen->n == seen->cap) {
                int cap = seen->cap ? seen->cap * 2 : 8;
                seen->v = pb_arena_grow(c->arena, seen->v, (size_t)seen->n, (size_t)cap,
                                        sizeof *seen->v);
                seen->cap = cap;
            }
            seen->v[seen->n++] = s;
        }
        const cJSON *ch = jmember(m, "children");
        if (cJSON_IsArray(ch))
            group_ids(c, ch, jpath_key(c, npath, "children"), t, seen);
    }
}

void input_group_ids(jctx *c, const cJSON *header, const char *path,
                     const pb_table_template *t)
{
    seen_ids seen = {0};
    group_ids(c, header, path, t, &seen);
}

/* ---- references in the text --------------------------------------------------- */

typedef struct strbuf {
    char *s; /* in the arena */
    size_t len, cap;
} strbuf;

static void put(jctx *c, strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        b->s = pb_arena_grow(c->arena, b->s, b->len, cap, 1);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static const pb_row_node *find_row(const pb_row_node *rows, int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (rows[i].id && !strcmp(rows[i].id, id))
            return &rows[i];
        const pb_row_node *r = find_row(rows[i].children, rows[i].nchildren, id);
        if (r)
            return r;
    }
    return NULL;
}

typedef struct refctx {
    jctx *c;
    pb_report *report;
    const pb_layout *layout;
    int cap, mark_cap;
    int block, text, run;    /* the run being bound */
} refctx;

static bool id_char(char ch)
{
    return ch != '.' && ch != '{' && ch != '}' && ch != ' ';
}

/* The cell `inner` ("table.row.cell") names: its block and slot, or an
 * error at `path`. */
static bool resolve(refctx *x, const char *inner, const char *written, const char *path,
                    int *block, int *slot)
{
    jctx *c = x->c;
    const char *parts[3] = {0};
    int np = 0;
    const char *p = inner;
    bool ok = true;
    while (np < 3) {
        const char *start = p;
        while (*p && id_char(*p))
            p++;
        if (p == start)
            ok = false;
        parts[np++] = pb_arena_strndup(c->arena, start, (size_t)(p - start));
        if (*p != '.')
            break;
        p++;
    }
    if (!ok || np != 3 || *p) {
        jerror(c, NULL, path, "%s: expected {{TABLE.ROW.CELL}} (ids of a table of the layout, "
               "one of its rows and a cell of that row)", written);
        return false;
    }
    const pb_layout *L = x->layout;
    const pb_table_template *t = NULL;
    for (int i = 0; i < L->ntables && !t; i++)
        if (!strcmp(L->tables[i].id, parts[0]))
            t = &L->tables[i];
    if (!t) {
        const char **ids = pb_arena_calloc(c->arena, (size_t)L->ntables + 1, sizeof *ids);
        for (int i = 0; i < L->ntables; i++)
            ids[i] = L->tables[i].id;
        if (L->ntables == 0)
            jerror(c, NULL, path, "%s: no table \"%s\": the layout %s has no tables", written,
                   parts[0], L->file);
        else
            jerror(c, NULL, path, "%s: no table \"%s\" in the layout %s%s", written, parts[0],
                   L->file, hint_text(c, parts[0], ids, L->ntables));
        return false;
    }
    int found = -1;
    for (int b = 0; b < x->report->nblocks; b++) {
        const pb_block *blk = &x->report->blocks[b];
        if (blk->kind != PB_BLOCK_TABLE || !blk->table_ref || strcmp(blk->table_ref, parts[0]))
            continue;
        if (found >= 0) {
            jerror(c, NULL, path, "%s: the report has table \"%s\" twice (%s and %s), so the "
                   "reference is ambiguous", written, parts[0],
                   x->report->blocks[found].path, blk->path);
            return false;
        }
        found = b;
    }
    if (found < 0) {
        jerror(c, NULL, path, "%s: the report has no table \"%s\" (a block {\"type\": "
               "\"table\", \"table\": \"%s\"})", written, parts[0], parts[0]);
        return false;
    }
    const pb_block *blk = &x->report->blocks[found];
    if (!blk->values || blk->table != t)
        return false; /* the table's own errors are reported already */
    int n = pb_table_value_slots(t, NULL);
    pb_value_slot *slots = pb_arena_calloc(c->arena, (size_t)n + 1, sizeof *slots);
    pb_table_value_slots(t, slots);
    int first = -1, count = 0;
    for (int i = 0; i < n; i++) {
        if (!strcmp(slots[i].row->id, parts[1])) {
            if (first < 0)
                first = i;
            count++;
        }
    }
    if (first < 0) {
        const pb_row_node *other = find_row(t->rows, t->nrows, parts[1]);
        if (other) {
            jerror(c, NULL, path, "%s: \"%s\" is a row group of table \"%s\": name one of its "
                   "rows", written, parts[1], t->id);
            return false;
        }
        const char **names = pb_arena_calloc(c->arena, (size_t)n + 1, sizeof *names);
        int k = 0;
        for (int i = 0; i < n; i++)
            if (i == 0 || slots[i].row != slots[i - 1].row)
                names[k++] = slots[i].row->id;
        jerror(c, NULL, path, "%s: no row \"%s\" in table \"%s\"%s", written, parts[1], t->id,
               hint_text(c, parts[1], names, k));
        return false;
    }
    for (int i = first; i < first + count; i++) {
        if (!strcmp(slots[i].cell_id, parts[2])) {
            *block = found;
            *slot = i;
            return true;
        }
    }
    const char **names = pb_arena_calloc(c->arena, (size_t)count + 1, sizeof *names);
    for (int i = 0; i < count; i++)
        names[i] = slots[first + i].cell_id;
    jerror(c, NULL, path, "%s: no cell \"%s\" in row \"%s\"%s", written, parts[2], parts[1],
           hint_text(c, parts[2], names, count));
    return false;
}

static void add_ref(refctx *x, pb_cell_ref ref)
{
    pb_report *r = x->report;
    if (r->nrefs == x->cap) {
        int cap = x->cap ? x->cap * 2 : 8;
        r->refs = pb_arena_grow(x->c->arena, r->refs, (size_t)r->nrefs, (size_t)cap,
                                sizeof *r->refs);
        x->cap = cap;
    }
    r->refs[r->nrefs++] = ref;
}

static void add_mark(refctx *x, pb_text_mark m)
{
    pb_report *r = x->report;
    if (r->nmarks == x->mark_cap) {
        int cap = x->mark_cap ? x->mark_cap * 2 : 8;
        r->marks = pb_arena_grow(x->c->arena, r->marks, (size_t)r->nmarks, (size_t)cap,
                                 sizeof *r->marks);
        x->mark_cap = cap;
    }
    r->marks[r->nmarks++] = m;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* s[0..n) without the spaces at its ends; *skipped: the bytes cut at the
 * start */
static const char *trimmed(jctx *c, const char *s, size_t n, size_t *skipped)
{
    size_t a = 0;
    while (a < n && s[a] == ' ')
        a++;
    while (n > a && s[n - 1] == ' ')
        n--;
    if (skipped)
        *skipped = a;
    return pb_arena_strndup(c->arena, s + a, n - a);
}

/* What a "{{...}}" holds: a number the text prints and a comparison
 * ({{2 = t.r.c + t.r.c}}), a number and a claim to skip there ({{5 |
 * skip CLAIM: reason}}), or else a reference (NULL is returned).  The
 * printed number goes into *mark; errors name the string's path. */
static bool split_mark(refctx *x, const char *inner, const char *written, const char *path,
                       pb_text_mark *mark)
{
    jctx *c = x->c;
    const char *bar = strchr(inner, '|');
    size_t k = strcspn(inner, "=<>!");
    if (!bar && !inner[k])
        return false;
    *mark = (pb_text_mark){.written = written, .path = path, .block = x->block,
                           .text = x->text, .run = x->run};
    if (bar) {
        mark->kind = PB_MARK_SKIP;
        mark->number = trimmed(c, inner, (size_t)(bar - inner), NULL);
        const char *p = bar + 1;
        while (*p == ' ')
            p++;
        bool word = !strncmp(p, "skip ", 5);
        p += word ? 5 : 0;
        while (*p == ' ')
            p++;
        const char *colon = strchr(p, ':'), *wide = strstr(p, "：");
        size_t clen = 1;
        if (!colon || (wide && wide < colon)) {
            colon = wide;
            clen = strlen("：");
        }
        if (!word || !colon) {
            jerror(c, NULL, path, "%s: expected {{NUMBER | skip CLAIM: REASON}} (the number the "
                   "text prints, the id of a claim of the layout, and why it does not apply "
                   "here)", written);
            return true;
        }
        mark->source = trimmed(c, p, (size_t)(colon - p), NULL);
        mark->source_char = (int)count_chars(inner, (size_t)(p - inner)) + 3;
        mark->reason = trimmed(c, colon + clen, strlen(colon + clen), NULL);
        if (!*mark->source || !*mark->reason) {
            jerror(c, NULL, path, "%s: %s (write {{NUMBER | skip CLAIM: REASON}})", written,
                   *mark->source ? "the reason is missing: say why the claim does not apply "
                                   "here"
                                 : "the claim's id is missing");
            return true;
        }
    } else {
        mark->kind = PB_MARK_ASSERT;
        mark->number = trimmed(c, inner, k, NULL);
        mark->source = inner + k;
        mark->source_char = (int)count_chars(inner, k) + 3;
    }
    if (!*mark->number) {
        jerror(c, NULL, path, "%s: expected the number the text prints before \"%s\"", written,
               mark->kind == PB_MARK_SKIP ? "|" : pb_arena_strndup(c->arena, inner + k,
                                                                  inner[k + 1] == '=' ? 2 : 1));
        return true;
    }
    mark->len = strlen(mark->number);
    add_mark(x, *mark);
    return true;
}

static void bind_run(refctx *x, pb_run *run)
{
    jctx *c = x->c;
    const char *s = run->text;
    size_t len = run->len;
    if (!memchr(s, '{', len))
        return;
    strbuf b = {0};
    put(c, &b, "", 0);
    size_t i = 0;
    bool changed = false;
    while (i < len) {
        if (s[i] == '\\' && i + 2 < len && s[i + 1] == '{' && s[i + 2] == '{') {
            put(c, &b, "{{", 2);
            i += 3;
            changed = true;
            continue;
        }
        if (s[i] != '{' || i + 1 >= len || s[i + 1] != '{') {
            put(c, &b, s + i, 1);
            i++;
            continue;
        }
        const char *end = NULL;
        for (size_t k = i + 2; k + 1 < len && !end; k++)
            if (s[k] == '}' && s[k + 1] == '}')
                end = s + k;
        if (!end) {
            jerror(c, NULL, run->path, "\"{{\" without a closing \"}}\" (a reference is "
                   "{{TABLE.ROW.CELL}}; write \\\\{{ for literal braces)");
            return;
        }
        const char *inner = pb_arena_strndup(c->arena, s + i + 2, (size_t)(end - (s + i + 2)));
        const char *written = pb_arena_strndup(c->arena, s + i, (size_t)(end + 2 - (s + i)));
        int block, slot, nmarks = x->report->nmarks;
        pb_text_mark mark;
        if (split_mark(x, inner, written, run->path, &mark)) {
            if (x->report->nmarks > nmarks) {
                /* the text keeps its number; the check stage compares */
                x->report->marks[nmarks].offset = b.len;
                put(c, &b, mark.number, mark.len);
            }
        } else if (resolve(x, inner, written, run->path, &block, &slot)) {
            const pb_value *v = &x->report->blocks[block].values[slot];
            if (v->text)
                put(c, &b, v->text, strlen(v->text));
            add_ref(x, (pb_cell_ref){written, run->path, block, slot});
        }
        i = (size_t)(end + 2 - s);
        changed = true;
    }
    if (changed) {
        run->text = b.s;
        run->len = b.len;
    }
}

void input_bind_refs(jctx *c, pb_report *report, const pb_layout *layout)
{
    refctx x = {.c = c, .report = report, .layout = layout};
    for (int b = 0; b < report->nblocks; b++) {
        pb_block *blk = &report->blocks[b];
        for (int t = 0; t < blk->ntexts; t++)
            for (int r = 0; r < blk->texts[t].nruns; r++) {
                x.block = b;
                x.text = t;
                x.run = r;
                bind_run(&x, &blk->texts[t].runs[r]);
            }
    }
}
