/* Font roles and candidates of a layout, and the shared font catalog. */
#include "input/input_fonts.h"

#include <stdlib.h>
#include <string.h>

#include "base/fsio.h"
#include "base/limits.h"

typedef struct catalog {
    bool tried;           /* read once, even when it failed */
    bool ok;
    const char *file;
    pb_font_role *roles;  /* in the arena */
    int nroles;
} catalog;

typedef struct candbuf {
    pb_font_candidate *items;
    int n, cap;
} candbuf;

static void push_candidate(jctx *c, candbuf *b, pb_font_candidate cand)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 4;
        b->items = pb_arena_grow(c->arena, b->items, (size_t)b->n, (size_t)cap,
                                 sizeof *b->items);
        b->cap = cap;
    }
    b->items[b->n++] = cand;
}

static const char *const candidate_keys[] = {"family", "file", "index", NULL};

static bool parse_candidate(jctx *c, const cJSON *v, const char *path, pb_font_candidate *out)
{
    int before = c->diag->errors;
    *out = (pb_font_candidate){.path = path, .source = jfile_of(c, v)};
    jcheck_keys(c, v, path, candidate_keys);
    jopt_string(c, v, path, "family", true, &out->family);
    const cJSON *f = jmember(v, "file");
    /* a name only: fonts are looked up inside the font folders, so a
     * layout cannot make paiban open a file anywhere else */
    if (f && jstring(c, f, jpath_key(c, path, "file"), true, &out->file) &&
        (strpbrk(out->file, "/\\") || !strcmp(out->file, ".") || !strcmp(out->file, "..")))
        jerror(c, f, jpath_key(c, path, "file"),
               "expected a file name without folders, got %s (add folders with --font-dir)",
               jdescribe(c, f));
    jopt_int(c, v, path, "index", 0, 65535, &out->index);
    if (!jmember(v, "family") && !f)
        jerror(c, v, path, "give \"family\" or \"file\" (or both)");
    return c->diag->errors == before;
}

static const char *const catalog_keys[] = {"roles", NULL};

static void load_catalog(catalog *cat, jctx *lc, const char *data_dir)
{
    cat->tried = true;
    cat->file = pb_arena_printf(lc->arena, "%s%sfonts/catalog.json", data_dir,
                                *data_dir && data_dir[strlen(data_dir) - 1] == '/' ? "" : "/");
    char *data;
    size_t len;
    if (!pb_read_file(cat->file, PB_MAX_INPUT_BYTES, PB_ERR_LAYOUT, &data, &len, lc->diag))
        return;
    jctx c = {.arena = lc->arena, .diag = lc->diag, .status = PB_ERR_LAYOUT,
              .file = cat->file};
    int before = c.diag->errors;
    cJSON *root = json_parse(&c, data, len);
    free(data);
    if (!root)
        return;
    if (jis_object(&c, root, "")) {
        jcheck_keys(&c, root, "", catalog_keys);
        const cJSON *roles = jrequire(&c, root, "", "roles");
        if (roles && jis_object(&c, roles, "roles")) {
            int n = cJSON_GetArraySize(roles), i = 0;
            cat->roles = pb_arena_calloc(c.arena, (size_t)n, sizeof *cat->roles);
            for (const cJSON *r = roles->child; r; r = r->next, i++) {
                const char *rpath = jpath_key(&c, "roles", r->string);
                pb_font_role *role = &cat->roles[i];
                *role = (pb_font_role){.name = pb_arena_strdup(c.arena, r->string),
                                       .path = rpath, .source = cat->file};
                if (!jis_array(&c, r, rpath, true))
                    continue;
                candbuf b = {0};
                int k = 0;
                for (const cJSON *m = r->child; m; m = m->next, k++) {
                    const char *mpath = jpath_index(&c, rpath, k);
                    pb_font_candidate cand;
                    if (!cJSON_IsObject(m))
                        jerror(&c, m, mpath, "expected a font object, got %s", jdescribe(&c, m));
                    else if (parse_candidate(&c, m, mpath, &cand))
                        push_candidate(&c, &b, cand);
                }
                role->candidates = b.items;
                role->ncandidates = b.n;
            }
            cat->nroles = n;
        }
    }
    cJSON_Delete(root);
    cat->ok = c.diag->errors == before;
}

static void expand_catalog(jctx *c, catalog *cat, const cJSON *v, const char *path,
                           const char *role, const char *data_dir, candbuf *b)
{
    if (!cat->tried)
        load_catalog(cat, c, data_dir);
    if (!cat->ok)
        return; /* already reported */
    for (int i = 0; i < cat->nroles; i++) {
        if (strcmp(cat->roles[i].name, role) == 0) {
            for (int k = 0; k < cat->roles[i].ncandidates; k++)
                push_candidate(c, b, cat->roles[i].candidates[k]);
            return;
        }
    }
    jerror(c, v, path, "the font catalog %s has no role %s", cat->file, jquote(c, role, 30));
}

void input_font_roles(jctx *c, const cJSON *fonts, const char *path, const char *data_dir,
                      pb_font_role **roles, int *nroles)
{
    catalog cat = {0};
    int n = cJSON_GetArraySize(fonts), i = 0;
    if (n > PB_MAX_FONT_ROLES) { /* named at the first role too many */
        const cJSON *r = cJSON_GetArrayItem(fonts, PB_MAX_FONT_ROLES);
        jerror(c, r, jpath_key(c, path, r->string), "%d font roles, more than the limit of %d",
               n, PB_MAX_FONT_ROLES);
    }
    *roles = pb_arena_calloc(c->arena, (size_t)n, sizeof **roles);
    *nroles = n;
    for (const cJSON *r = fonts->child; r; r = r->next, i++) {
        const char *rpath = jpath_key(c, path, r->string);
        pb_font_role *role = &(*roles)[i];
        *role = (pb_font_role){.name = pb_arena_strdup(c->arena, r->string), .path = rpath,
                               .source = jfile_of(c, r)};
        if (!jis_array(c, r, rpath, true))
            continue;
        candbuf b = {0};
        int k = 0;
        for (const cJSON *m = r->child; m; m = m->next, k++) {
            const char *mpath = jpath_index(c, rpath, k);
            pb_font_candidate cand;
            if (cJSON_IsObject(m)) {
                if (parse_candidate(c, m, mpath, &cand))
                    push_candidate(c, &b, cand);
            } else if (cJSON_IsString(m) && strcmp(m->valuestring, "catalog") == 0) {
                expand_catalog(c, &cat, m, mpath, r->string, data_dir, &b);
            } else if (cJSON_IsString(m) && strncmp(m->valuestring, "catalog:", 8) == 0 &&
                       m->valuestring[8]) {
                expand_catalog(c, &cat, m, mpath, m->valuestring + 8, data_dir, &b);
            } else {
                jerror(c, m, mpath,
                       "expected a font object, \"catalog\" or \"catalog:ROLE\", got %s",
                       jdescribe(c, m));
            }
        }
        if (b.n > PB_MAX_FONT_CANDIDATES)
            jerror(c, r, rpath, "%d font candidates, more than the limit of %d", b.n,
                   PB_MAX_FONT_CANDIDATES);
        role->candidates = b.items;
        role->ncandidates = b.n;
    }
}
