/* A layout's "outline": the document it is for, as paiban new writes its
 * skeleton — the title with {issuer} and {year}, and the chapters in
 * order, each naming the tables of the layout it holds. */
#include <string.h>

#include "input/input_rules.h"

static const char *const outline_keys[] = {"title", "chapters", NULL};
static const char *const chapter_keys[] = {"heading", "tables", NULL};

/* Only {issuer} and {year} may be in braces. */
static void check_title(jctx *c, const cJSON *v, const char *path, const char *s)
{
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
        if (!strncmp(p, "{issuer}", 8) || !strncmp(p, "{year}", 6))
            continue;
        const char *end = strchr(p, '}');
        jerror(c, v, path, "unknown placeholder %s in the title (it may hold {issuer} and {year})",
               jquote(c, end ? pb_arena_strndup(c->arena, p, (size_t)(end - p + 1)) : p, 40));
        return;
    }
}

void input_outline(jctx *c, const cJSON *outline, const char *path, pb_layout *L)
{
    jcheck_keys(c, outline, path, outline_keys);
    pb_outline *o = &L->outline;
    const cJSON *t = jmember(outline, "title");
    const char *tpath = jpath_key(c, path, "title");
    if (t && jstring(c, t, tpath, true, &o->title))
        check_title(c, t, tpath, o->title);
    const char *cpath = jpath_key(c, path, "chapters");
    const cJSON *chapters = jrequire(c, outline, path, "chapters");
    if (!chapters || !jis_array(c, chapters, cpath, true))
        return;
    int n = cJSON_GetArraySize(chapters);
    o->chapters = pb_arena_calloc(c->arena, (size_t)n, sizeof *o->chapters);
    const char **ids = pb_arena_calloc(c->arena, (size_t)L->ntables + 1, sizeof *ids);
    for (int i = 0; i < L->ntables; i++)
        ids[i] = L->tables[i].id;
    /* which chapter holds each table, to find one named twice */
    const char **holder = pb_arena_calloc(c->arena, (size_t)L->ntables + 1, sizeof *holder);
    int k = 0;
    for (const cJSON *ch = chapters->child; ch; ch = ch->next, k++) {
        const char *chpath = jpath_index(c, cpath, k);
        pb_outline_chapter *oc = &o->chapters[o->nchapters];
        oc->path = chpath;
        if (!jis_object(c, ch, chpath))
            continue;
        jcheck_keys(c, ch, chpath, chapter_keys);
        const cJSON *h = jrequire(c, ch, chpath, "heading");
        if (!h || !jstring(c, h, jpath_key(c, chpath, "heading"), true, &oc->heading))
            continue;
        const cJSON *tables = jmember(ch, "tables");
        const char *tlpath = jpath_key(c, chpath, "tables");
        if (tables && jis_array(c, tables, tlpath, false)) {
            int nt = cJSON_GetArraySize(tables);
            oc->tables = pb_arena_calloc(c->arena, (size_t)nt + 1, sizeof *oc->tables);
            int j = 0;
            for (const cJSON *id = tables->child; id; id = id->next, j++) {
                const char *ipath = jpath_index(c, tlpath, j);
                const char *s;
                if (!jstring(c, id, ipath, true, &s))
                    continue;
                int which = -1;
                for (int q = 0; q < L->ntables; q++)
                    if (!strcmp(L->tables[q].id, s))
                        which = q;
                if (which < 0) {
                    const char *near = jsuggest(s, ids, L->ntables);
                    jerror(c, id, ipath, "no table %s in the layout%s%s%s", jquote(c, s, 60),
                           near ? " (did you mean \"" : "", near ? near : "",
                           near ? "\"?)" : "");
                    continue;
                }
                if (holder[which]) {
                    jerror(c, id, ipath, "the table \"%s\" is in the outline twice (also at %s)",
                           s, holder[which]);
                    continue;
                }
                holder[which] = ipath;
                oc->tables[oc->ntables++] = L->tables[which].id;
            }
        }
        o->nchapters++;
    }
}
