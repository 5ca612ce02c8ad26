/* A summary (model/summary.h) written as report data: a report whose
 * table blocks hold the summed values, with the meta and text of a base
 * report when one is given.  Written with cJSON, whose formatting is fixed,
 * so the same input gives the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "check/expr.h"
#include "input/input.h"
#include "input/json_util.h"

/* "row": [v, ...] for each data row (null when the whole row is blank):
 * integers as numbers, decimals as strings keeping their places. */
static cJSON *values_json(pb_arena *a, const pb_summary_table *st)
{
    int n = st->nvalues;
    pb_value_slot *slots = pb_arena_calloc(a, (size_t)n + 1, sizeof *slots);
    pb_table_value_slots(st->t, slots);
    cJSON *obj = cJSON_CreateObject();
    for (int i = 0; i < n;) {
        int end = i;
        bool blank = true;
        while (end < n && slots[end].row == slots[i].row) {
            blank &= st->values[end].kind == PB_VALUE_BLANK;
            end++;
        }
        cJSON *row = blank ? cJSON_CreateNull() : cJSON_CreateArray();
        for (int k = i; k < end && !blank; k++) {
            const pb_value *v = &st->values[k];
            char buf[24];
            cJSON *item = v->kind == PB_VALUE_BLANK     ? cJSON_CreateNull()
                          : v->kind == PB_VALUE_DECIMAL ? cJSON_CreateString(
                                                              pb_dec_format((pb_dec){v->number,
                                                                                     v->scale},
                                                                            buf))
                                                        : cJSON_CreateNumber((double)v->number);
            cJSON_AddItemToArray(row, item);
        }
        cJSON_AddItemToObject(obj, slots[i].row->id, row);
        i = end;
    }
    return obj;
}

static cJSON *summary_report(pb_arena *a, const pb_summary *s, const char *layout_ref)
{
    cJSON *root = cJSON_CreateObject();
    if (layout_ref)
        cJSON_AddStringToObject(root, "layout", layout_ref);
    cJSON *meta = cJSON_AddObjectToObject(root, "meta");
    cJSON_AddStringToObject(meta, "title",
                            s->year ? pb_arena_printf(a, "%d年汇总（%d份报告）", s->year,
                                                      s->nmembers)
                                    : pb_arena_printf(a, "汇总（%d份报告）", s->nmembers));
    if (s->year)
        cJSON_AddNumberToObject(meta, "year", s->year);
    cJSON *body = cJSON_AddArrayToObject(root, "body");
    for (int k = 0; k < s->ntables; k++) {
        cJSON *blk = cJSON_CreateObject();
        cJSON_AddStringToObject(blk, "type", "table");
        cJSON_AddStringToObject(blk, "table", s->tables[k].t->id);
        cJSON_AddItemToObject(blk, "values", values_json(a, &s->tables[k]));
        cJSON_AddItemToArray(body, blk);
    }
    return root;
}

/* The base report with the summary's values in its table blocks; NULL
 * after errors (its tables are not the summary's). */
static cJSON *based_report(jctx *c, const pb_summary *s, const pb_report *base,
                           const char *bytes, size_t len)
{
    cJSON *root = json_parse(c, bytes, len);
    cJSON *body = root ? cJSON_GetObjectItemCaseSensitive(root, "body") : NULL;
    int ntables = 0;
    for (int b = 0; b < base->nblocks; b++)
        ntables += base->blocks[b].kind == PB_BLOCK_TABLE;
    if (!cJSON_IsArray(body) || cJSON_GetArraySize(body) != base->nblocks) {
        cJSON_Delete(root);
        return NULL; /* the report was read from these bytes: cannot happen */
    }
    if (ntables != s->ntables) {
        jerror(c, NULL, "body", "%d table%s, the members have %d: a base report has the "
               "members' tables, in their order", ntables, ntables == 1 ? "" : "s",
               s->ntables);
        cJSON_Delete(root);
        return NULL;
    }
    int k = 0, before = c->diag->errors;
    cJSON *item = body->child;
    for (int b = 0; b < base->nblocks; b++, item = item->next) {
        const pb_block *blk = &base->blocks[b];
        if (blk->kind != PB_BLOCK_TABLE)
            continue;
        const pb_summary_table *st = &s->tables[k++];
        if (blk->table != st->t) {
            jerror(c, NULL, jpath_key(c, blk->path, blk->table_ref ? "table" : "template"),
                   "%s \"%s\", the members' table %d is \"%s\": a base report has the "
                   "members' tables, in their order",
                   blk->table_ref ? "table" : "a template of its own, not", blk->table->id, k,
                   st->t->id);
            continue;
        }
        cJSON *values = values_json(c->arena, st);
        if (cJSON_GetObjectItemCaseSensitive(item, "values"))
            cJSON_ReplaceItemInObjectCaseSensitive(item, "values", values);
        else
            cJSON_AddItemToObject(item, "values", values);
    }
    if (c->diag->errors > before) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

bool pb_input_summary_json(const pb_summary *s, const char *layout_ref, const pb_report *base,
                           const char *base_bytes, size_t base_len, char **out, size_t *out_len,
                           pb_arena *arena, pb_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    jctx c = {.arena = arena, .diag = diag, .status = PB_ERR_INPUT,
              .file = base ? base->file : NULL};
    cJSON *root = base ? based_report(&c, s, base, base_bytes, base_len)
                       : summary_report(arena, s, layout_ref);
    if (!root)
        return false;
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        pb_diag_out_of_memory(diag);
        return false;
    }
    size_t n = strlen(text);
    *out = pb_xmalloc(n + 2);
    memcpy(*out, text, n);
    (*out)[n] = '\n';
    (*out)[n + 1] = 0;
    *out_len = n + 1;
    free(text);
    return true;
}
