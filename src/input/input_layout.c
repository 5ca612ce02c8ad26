/* Layouts: find the file, follow "extends", merge, check, derive the
 * text block and the grid. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/call.h"
#include "base/fsio.h"
#include "base/sha256.h"
#include "input/input.h"
#include "input/input_fonts.h"
#include "input/input_rules.h"
#include "input/input_table.h"
#include "input/json_util.h"

#define MAX_EXTENDS 8

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static const char *join(pb_arena *a, const char *dir, const char *name)
{
    return pb_arena_printf(a, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", name);
}

/* A path (it has a '/' or ends in ".json") is tried in base_dir, then in
 * the current folder; a name is <data_dir>/layouts/<name>.json.  When
 * nothing exists, the first candidate is returned so that reading it
 * reports the error. */
static const char *resolve(pb_arena *a, const char *ref, const char *base_dir,
                           const char *data_dir)
{
    if (!strchr(ref, '/') && !ends_with(ref, ".json"))
        return pb_arena_printf(a, "%s/%s.json", join(a, data_dir, "layouts"), ref);
    if (ref[0] == '/' || !base_dir || !*base_dir || strcmp(base_dir, ".") == 0)
        return ref;
    const char *in_base = join(a, base_dir, ref);
    if (access(in_base, F_OK) != 0 && access(ref, F_OK) == 0)
        return ref;
    return in_base;
}

/* ---- merging ---------------------------------------------------------- */

/* null removes a key (as in JSON Merge Patch), so an extending layout can
 * drop e.g. grid.lines_per_page to give grid.line_pitch instead. */
static void strip_nulls(jorigin *o, cJSON *obj)
{
    if (!cJSON_IsObject(obj))
        return;
    cJSON *m = obj->child;
    while (m) {
        cJSON *next = m->next;
        if (cJSON_IsNull(m)) {
            jorigin_deleted(o, obj, m->string, jorigin_file(o, m));
            cJSON_Delete(cJSON_DetachItemViaPointer(obj, m));
        } else {
            strip_nulls(o, m);
        }
        m = next;
    }
}

/* Objects merge key by key, over wins; arrays and scalars are replaced.
 * Nodes move from over into base, so they keep their origin. */
static void merge_into(jorigin *o, cJSON *base, cJSON *over)
{
    cJSON *m = over->child;
    while (m) {
        cJSON *next = m->next;
        cJSON *b = cJSON_GetObjectItemCaseSensitive(base, m->string);
        if (cJSON_IsNull(m)) {
            if (b)
                cJSON_Delete(cJSON_DetachItemViaPointer(base, b));
            jorigin_deleted(o, base, m->string, jorigin_file(o, m));
        } else if (cJSON_IsObject(b) && cJSON_IsObject(m)) {
            merge_into(o, b, m);
        } else {
            cJSON *item = cJSON_DetachItemViaPointer(over, m);
            strip_nulls(o, item);
            if (b)
                cJSON_ReplaceItemViaPointer(base, b, item);
            else
                cJSON_AddItemToArray(base, item); /* keeps item->string */
        }
        m = next;
    }
}

/* ---- checks ----------------------------------------------------------- */

static const char *const layout_keys[] = {"name", "extends", "page", "margins", "grid",
                                          "fonts", "styles", "page_number", "tables",
                                          "rules", "claims", "pdf", "outline", "seal", NULL};
static const char *const pdf_names[] = {"archival", "plain"};
static const char *const page_keys[] = {"width", "height", NULL};
static const char *const margin_keys[] = {"top", "bottom", "left", "right", NULL};
static const char *const grid_keys[] = {"lines_per_page", "chars_per_line", "line_pitch", NULL};
static const char *const style_keys[] = {"font", "size", "bold", "align", "char_grid",
                                         "indent", "right_indent", "space_before",
                                         "space_after", "line_pitch", NULL};
static const char *const page_number_keys[] = {"format", "below_text", "placement",
                                               "side_indent", "first_page", NULL};
static const char *const seal_keys[] = {"diameter", "vector", "font", "color", NULL};
static const char *const align_names[] = {"justify", "left", "center", "right"};
static const char *const placement_names[] = {"outside", "center"};

static const char *const *style_name_list(void)
{
    static const char *names[PB_STYLE_COUNT + 1];
    for (int i = 0; i < PB_STYLE_COUNT; i++)
        names[i] = pb_style_names[i];
    return names;
}

/* Reads obj.key as millimetres; false if missing or invalid. */
static bool get_mm(jctx *c, const cJSON *obj, const char *path, const char *key, double min,
                   double max, double *out)
{
    const cJSON *v = jrequire(c, obj, path, key);
    return v && jnumber(c, v, jpath_key(c, path, key), min, max, out);
}

typedef struct geometry {
    bool page_ok, grid_ok;
    bool has_chars; /* grid.chars_per_line given */
} geometry;

static void parse_page(jctx *c, const cJSON *root, pb_layout *L, geometry *g)
{
    double w = 0, h = 0, t = 0, b = 0, l = 0, r = 0;
    bool ok = true;
    const cJSON *page = jrequire(c, root, "", "page");
    if (page && jis_object(c, page, "page")) {
        jcheck_keys(c, page, "page", page_keys);
        ok &= get_mm(c, page, "page", "width", 10, 2000, &w);
        ok &= get_mm(c, page, "page", "height", 10, 2000, &h);
    } else {
        ok = false;
    }
    const cJSON *mar = jrequire(c, root, "", "margins");
    if (mar && jis_object(c, mar, "margins")) {
        jcheck_keys(c, mar, "margins", margin_keys);
        ok &= get_mm(c, mar, "margins", "top", 0, 2000, &t);
        ok &= get_mm(c, mar, "margins", "bottom", 0, 2000, &b);
        ok &= get_mm(c, mar, "margins", "left", 0, 2000, &l);
        ok &= get_mm(c, mar, "margins", "right", 0, 2000, &r);
    } else {
        ok = false;
    }
    if (!ok)
        return;
    if (w - l - r <= 0) {
        jerror(c, NULL, "margins",
               "the text block has no width: page.width %g - margins.left %g - "
               "margins.right %g = %g mm", w, l, r, w - l - r);
        ok = false;
    }
    if (h - t - b <= 0) {
        jerror(c, NULL, "margins",
               "the text block has no height: page.height %g - margins.top %g - "
               "margins.bottom %g = %g mm", h, t, b, h - t - b);
        ok = false;
    }
    if (!ok)
        return;
    L->page_width = pb_fx_from_mm(w);
    L->page_height = pb_fx_from_mm(h);
    L->margin_top = pb_fx_from_mm(t);
    L->margin_bottom = pb_fx_from_mm(b);
    L->margin_left = pb_fx_from_mm(l);
    L->margin_right = pb_fx_from_mm(r);
    /* from millimetres, so the block is not off by the margins' rounding */
    L->text_width = pb_fx_from_mm(w - l - r);
    L->text_height = pb_fx_from_mm(h - t - b);
    g->page_ok = true;
}

static void parse_grid(jctx *c, const cJSON *root, pb_layout *L, geometry *g)
{
    const cJSON *grid = jrequire(c, root, "", "grid");
    if (!grid || !jis_object(c, grid, "grid"))
        return;
    jcheck_keys(c, grid, "grid", grid_keys);
    const cJSON *lines = jmember(grid, "lines_per_page");
    const cJSON *pitch = jmember(grid, "line_pitch");
    bool ok = true;
    if (lines && pitch) {
        jerror(c, pitch, "grid", "give lines_per_page or line_pitch, not both");
        ok = false;
    } else if (!lines && !pitch) {
        pb_diag_error(c->diag, c->status, jfile_missing(c, grid, "lines_per_page"), "grid",
                      "missing required key \"lines_per_page\" (or \"line_pitch\")");
        ok = false;
    } else if (lines) {
        ok &= jint(c, lines, "grid.lines_per_page", 1, 200, &L->lines_per_page);
        if (ok && g->page_ok)
            /* rounded down, so that all the lines fit in the text block */
            L->line_pitch = L->text_height / L->lines_per_page;
    } else {
        double pt;
        ok &= jnumber(c, pitch, "grid.line_pitch", 4, 400, &pt);
        if (ok)
            L->line_pitch = pb_fx_from_pt(pt);
    }
    const cJSON *chars = jmember(grid, "chars_per_line");
    if (chars) {
        g->has_chars = true;
        if (jint(c, chars, "grid.chars_per_line", 1, 200, &L->chars_per_line)) {
            if (g->page_ok)
                /* rounded down: 28 characters at a pitch rounded up would
                 * be wider than the text block and the line would hold 27 */
                L->char_pitch = L->text_width / L->chars_per_line;
        } else {
            ok = false;
        }
    }
    g->grid_ok = ok && g->page_ok;
}

static void parse_style(jctx *c, const cJSON *v, const char *path, const pb_layout *L,
                        const geometry *g, const char *const *roles, int nroles,
                        bool roles_ok, pb_style *st)
{
    *st = (pb_style){.align = PB_ALIGN_JUSTIFY, .path = path};
    if (!jis_object(c, v, path))
        return;
    jcheck_keys(c, v, path, style_keys);
    const cJSON *font = jrequire(c, v, path, "font");
    const char *fpath = jpath_key(c, path, "font");
    if (font && jstring(c, font, fpath, true, &st->role) && roles_ok) {
        bool found = false;
        for (int i = 0; i < nroles && !found; i++)
            found = strcmp(roles[i], st->role) == 0;
        if (!found) {
            const char *hint = jsuggest(st->role, roles, nroles);
            jerror(c, font, fpath, "no font role %s in \"fonts\"%s%s%s", jdescribe(c, font),
                   hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
        }
    }
    const cJSON *size = jrequire(c, v, path, "size");
    double pt;
    if (size && jnumber(c, size, jpath_key(c, path, "size"), 4, 200, &pt))
        st->size = pb_fx_from_pt(pt);
    jopt_bool(c, v, path, "bold", &st->bold);
    const cJSON *grid = jmember(v, "char_grid");
    if (grid && jbool(c, grid, jpath_key(c, path, "char_grid"), &st->char_grid) &&
        st->char_grid && !g->has_chars)
        jerror(c, grid, jpath_key(c, path, "char_grid"),
               "the character grid needs grid.chars_per_line");
    jopt_int(c, v, path, "indent", 0, 50, &st->indent_chars);
    jopt_int(c, v, path, "right_indent", 0, 50, &st->right_indent_chars);
    const cJSON *align = jmember(v, "align");
    if (align) {
        int a = jenum(c, align, jpath_key(c, path, "align"), align_names, 4);
        if (a >= 0)
            st->align = (pb_align)a;
    }
    double lines;
    const cJSON *sb = jmember(v, "space_before"), *sa = jmember(v, "space_after");
    if (sb && jnumber(c, sb, jpath_key(c, path, "space_before"), 0, 100, &lines))
        st->space_before = pb_fx_from_pt(lines * pb_fx_to_pt(L->line_pitch));
    if (sa && jnumber(c, sa, jpath_key(c, path, "space_after"), 0, 100, &lines))
        st->space_after = pb_fx_from_pt(lines * pb_fx_to_pt(L->line_pitch));
    const cJSON *lp = jmember(v, "line_pitch");
    const char *lppath = jpath_key(c, path, "line_pitch");
    if (lp && jnumber(c, lp, lppath, 0, 400, &pt)) {
        if (pt > 0 && pt < 4)
            jerror(c, lp, lppath, "must be 0 (the grid's pitch) or between 4 and 400, got %g",
                   pt);
        else
            st->line_pitch = pb_fx_from_pt(pt);
    }
}

static void parse_page_number(jctx *c, const cJSON *root, pb_layout *L)
{
    pb_page_number *pn = &L->page_number;
    double below = 7;
    int placement = 0;
    *pn = (pb_page_number){.format = "— {n} —", .outside = true, .side_indent_chars = 1,
                           .first_page = true};
    const cJSON *v = jmember(root, "page_number");
    if (v && jis_object(c, v, "page_number")) {
        jcheck_keys(c, v, "page_number", page_number_keys);
        const cJSON *f = jmember(v, "format");
        if (f && jstring(c, f, "page_number.format", true, &pn->format) &&
            !strstr(pn->format, "{n}"))
            jerror(c, f, "page_number.format", "must contain {n} (the page number), got %s",
                   jdescribe(c, f));
        jopt_number(c, v, "page_number", "below_text", 0, 100, &below);
        const cJSON *p = jmember(v, "placement");
        if (p)
            placement = jenum(c, p, "page_number.placement", placement_names, 2);
        jopt_int(c, v, "page_number", "side_indent", 0, 50, &pn->side_indent_chars);
        jopt_bool(c, v, "page_number", "first_page", &pn->first_page);
    }
    pn->below_text = pb_fx_from_mm(below);
    pn->outside = placement == 0;
}

/* "#RRGGBB" */
static bool parse_color(const char *s, unsigned char rgb[3])
{
    if (strlen(s) != 7 || s[0] != '#')
        return false;
    for (int i = 0; i < 3; i++) {
        int v = 0;
        for (int k = 1; k <= 2; k++) {
            char ch = s[1 + 2 * i + k - 1];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        rgb[i] = (unsigned char)v;
    }
    return true;
}

/* "seal": GB/T 9704 7.3.5.1, the seal over the signature. */
static void parse_seal(jctx *c, const cJSON *root, pb_layout *L, const char *const *roles,
                       int nroles, bool roles_ok)
{
    pb_seal_style *s = &L->seal;
    /* a state organ's seal is 42 mm across (the most common size) */
    double diameter = 42;
    *s = (pb_seal_style){.role = "title", .rgb = {0xE6, 0x00, 0x12}};
    const cJSON *v = jmember(root, "seal");
    if (v && jis_object(c, v, "seal")) {
        s->path = "seal";
        jcheck_keys(c, v, "seal", seal_keys);
        jopt_number(c, v, "seal", "diameter", 10, 100, &diameter);
        jopt_bool(c, v, "seal", "vector", &s->vector);
        const cJSON *font = jmember(v, "font");
        if (font)
            jstring(c, font, "seal.font", true, &s->role);
        const cJSON *color = jmember(v, "color");
        const char *cs;
        if (color && jstring(c, color, "seal.color", true, &cs) && !parse_color(cs, s->rgb))
            jerror(c, color, "seal.color", "expected a colour as \"#RRGGBB\", got %s",
                   jdescribe(c, color));
        bool found = false;
        for (int i = 0; i < nroles && !found; i++)
            found = strcmp(roles[i], s->role) == 0;
        if (roles_ok && !found && (font || s->vector)) {
            const char *hint = jsuggest(s->role, roles, nroles);
            jerror(c, font ? font : v, font ? "seal.font" : "seal",
                   "no font role \"%s\" in \"fonts\" for the drawn seal%s%s%s", s->role,
                   hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
        }
    }
    s->diameter = pb_fx_from_mm(diameter);
}

static void parse_layout(jctx *c, const cJSON *root, const char *data_dir, pb_layout *L)
{
    geometry g = {0};
    if (!jis_object(c, root, ""))
        return;
    jcheck_keys(c, root, "", layout_keys);
    jopt_string(c, root, "", "name", true, &L->name);
    parse_page(c, root, L, &g);
    parse_grid(c, root, L, &g);

    const cJSON *fonts = jrequire(c, root, "", "fonts");
    bool roles_ok = false;
    if (fonts && jis_object(c, fonts, "fonts")) {
        if (!fonts->child) {
            jerror(c, fonts, "fonts", "must not be empty");
        } else {
            input_font_roles(c, fonts, "fonts", data_dir, &L->roles, &L->nroles);
            roles_ok = true;
        }
    }
    const char **role_names = pb_arena_calloc(c->arena, (size_t)L->nroles + 1,
                                              sizeof *role_names);
    for (int i = 0; i < L->nroles; i++)
        role_names[i] = L->roles[i].name;

    const cJSON *styles = jrequire(c, root, "", "styles");
    if (styles && jis_object(c, styles, "styles")) {
        jcheck_keys(c, styles, "styles", style_name_list());
        for (int i = 0; i < PB_STYLE_COUNT; i++) {
            const cJSON *s = jrequire(c, styles, "styles", pb_style_names[i]);
            if (s)
                parse_style(c, s, jpath_key(c, "styles", pb_style_names[i]), L, &g,
                            role_names, L->nroles, roles_ok, &L->styles[i]);
        }
    }
    parse_page_number(c, root, L);
    parse_seal(c, root, L, role_names, L->nroles, roles_ok);
    const cJSON *pdf = jmember(root, "pdf");
    if (pdf)
        L->pdf_plain = jenum(c, pdf, "pdf", pdf_names, 2) == 1;

    const cJSON *tables = jmember(root, "tables");
    if (tables && jis_object(c, tables, "tables"))
        input_table_templates(c, tables, "tables", role_names, L->nroles, roles_ok,
                              g.page_ok ? L->text_width : 0, &L->tables, &L->ntables);
    const cJSON *rules = jmember(root, "rules");
    if (rules && jis_object(c, rules, "rules"))
        input_rules(c, rules, "rules", L);
    const cJSON *claims = jmember(root, "claims");
    if (claims && jis_object(c, claims, "claims"))
        input_claims(c, claims, "claims", L);
    const cJSON *outline = jmember(root, "outline");
    if (outline && jis_object(c, outline, "outline"))
        input_outline(c, outline, "outline", L);
}

/* ---- loading ---------------------------------------------------------- */

typedef struct lfile {
    const char *path; /* as resolved, in the arena */
    cJSON *root;      /* owned */
    dev_t dev;        /* identity of the file, to find cycles */
    ino_t ino;
} lfile;

/* "a.json → b.json → a.json" */
static const char *cycle_text(pb_arena *a, const lfile *files, int from, int n,
                              const char *again)
{
    const char *s = "";
    for (int i = from; i < n; i++)
        s = pb_arena_printf(a, "%s%s → ", s, files[i].path);
    return pb_arena_printf(a, "%s%s", s, again);
}

/* Reads the chain top -> base; returns its length, 0 after an error. */
static int load_chain(jctx *top, const char *ref, const char *base_dir, const char *data_dir,
                      const pb_input_paths *paths, lfile *files, pb_sha256_ctx *hash)
{
    const char *top_ref_file = paths ? paths->ref_file : NULL;
    const char *top_ref_path = paths ? paths->ref_path : NULL;
    int n = 0;
    jctx fc = *top;
    for (;;) {
        char *data;
        size_t len;
        if (n == 0 && paths && paths->bytes) {
            /* the top layout is held in memory, named ref; its "extends"
               are looked up from base_dir */
            const char *path = pb_arena_strdup(top->arena, ref);
            fc.file = path;
            pb_sha256_update(hash, paths->bytes, paths->len);
            cJSON *root = json_parse(&fc, paths->bytes, paths->len);
            files[n++] = (lfile){path, root, 0, 0};
            if (!root || !jis_object(&fc, root, ""))
                return -n;
            const cJSON *ext = jmember(root, "extends");
            if (!ext)
                return n;
            if (!cJSON_IsString(ext) || !ext->valuestring[0]) {
                jerror(&fc, ext, "extends", "expected a layout name or path, got %s",
                       jdescribe(&fc, ext));
                return -n;
            }
            ref = pb_arena_strdup(top->arena, ext->valuestring);
            continue;
        }
        const char *path = resolve(top->arena, ref, base_dir, data_dir);
        if (access(path, F_OK) != 0 && errno == ENOENT) {
            /* name the file and key that asked for the layout, not the
             * file that is not there */
            if (n == 0)
                pb_diag_error(top->diag, PB_ERR_LAYOUT, top_ref_file, top_ref_path,
                              "no layout \"%s\" (no file %s)", ref, path);
            else
                jerror(&fc, NULL, "extends", "no layout \"%s\" (no file %s)", ref, path);
            return n ? -n : 0;
        }
        if (!pb_read_file(path, PB_MAX_INPUT_BYTES, PB_ERR_LAYOUT, &data, &len, top->diag))
            return n ? -n : 0;
        struct stat st;
        bool known = stat(path, &st) == 0;
        for (int i = 0; i < n && known; i++) {
            if (files[i].dev == st.st_dev && files[i].ino == st.st_ino) {
                jerror(&fc, NULL, "extends", "\"extends\" makes a cycle: %s",
                       cycle_text(top->arena, files, i, n, path));
                free(data);
                return -n;
            }
        }
        fc.file = path;
        pb_sha256_update(hash, data, len);
        cJSON *root = json_parse(&fc, data, len);
        free(data);
        files[n++] = (lfile){path, root, known ? st.st_dev : 0, known ? st.st_ino : 0};
        if (!root)
            return -n;
        if (!jis_object(&fc, root, ""))
            return -n;
        const cJSON *ext = jmember(root, "extends");
        if (!ext)
            return n;
        if (!cJSON_IsString(ext) || !ext->valuestring[0]) {
            jerror(&fc, ext, "extends", "expected a layout name or path, got %s",
                   jdescribe(&fc, ext));
            return -n;
        }
        if (n > MAX_EXTENDS) {
            jerror(&fc, ext, "extends", "more than %d levels of \"extends\"", MAX_EXTENDS);
            return -n;
        }
        ref = pb_arena_strdup(top->arena, ext->valuestring);
        base_dir = pb_arena_dirname(top->arena, path);
    }
}

pb_layout *pb_input_layout(const char *ref, const char *base_dir, const pb_input_paths *paths,
                           pb_arena *arena, pb_diag *diag)
{
    const char *data_dir = paths && paths->data_dir ? paths->data_dir : ".";
    if (!ref || !*ref)
        ref = PB_DEFAULT_LAYOUT;
    int before = diag->errors;
    jctx c = {.arena = arena, .diag = diag, .status = PB_ERR_LAYOUT, .file = ref};
    lfile files[MAX_EXTENDS + 1] = {{0}};
    /* the layout's identity: a hash of the bytes of its files, top first */
    pb_sha256_ctx hash;
    pb_sha256_init(&hash);
    int n = load_chain(&c, ref, base_dir, data_dir, paths, files, &hash);
    pb_layout *L = NULL;
    if (n > 0) {
        /* the origins are given back however the reading ends */
        pb_scratch work;
        jorigin origin = {.work = pb_scratch_begin(&work)};
        for (int i = 0; i < n; i++)
            jorigin_add_tree(&origin, files[i].root, files[i].path);
        cJSON *merged = files[n - 1].root;
        strip_nulls(&origin, merged);
        for (int i = n - 2; i >= 0; i--)
            merge_into(&origin, merged, files[i].root);

        L = pb_arena_calloc(arena, 1, sizeof *L);
        L->file = files[0].path;
        unsigned char digest[32];
        char *hex = pb_arena_alloc(arena, 65);
        pb_sha256_final(&hash, digest);
        pb_hex(digest, 32, hex);
        L->sha256 = hex;
        L->dir = pb_arena_dirname(arena, L->file);
        c.file = L->file;
        c.origin = &origin;
        parse_layout(&c, merged, data_dir, L);
        if (!L->name) {
            const char *base = strrchr(L->file, '/');
            base = base ? base + 1 : L->file;
            size_t len = strlen(base);
            L->name = pb_arena_strndup(arena, base, ends_with(base, ".json") ? len - 5 : len);
        }
        pb_scratch_end(&work);
    }
    for (int i = 0; i < (n < 0 ? -n : n); i++)
        cJSON_Delete(files[i].root);
    return diag->errors > before ? NULL : L;
}
