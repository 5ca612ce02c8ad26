/* Summing the tables of members cell by cell (see summary.h). */
#include "summary/summary.h"

#include <string.h>

#include "check/check.h"

/* JSON numbers hold integers exactly up to here; a report's integer
 * cells are at most this (README "Table blocks in a report"). */
#define MAX_INTEGER 9007199254740991LL

/* The table blocks of a report, in order. */
static int tables_of(const pb_report *r, const pb_block **out)
{
    int n = 0;
    for (int b = 0; b < r->nblocks; b++)
        if (r->blocks[b].kind == PB_BLOCK_TABLE) {
            if (out)
                out[n] = &r->blocks[b];
            n++;
        }
    return n;
}

static const char *cell_where(pb_arena *a, const pb_block *blk, const pb_value_slot *s, int k)
{
    const pb_value *v = &blk->values[k];
    return v->path ? v->path
                   : pb_arena_printf(a, "%s.values.%s.%s", blk->path, s->row->id, s->cell_id);
}

/* Adds member value v (of cell k of blk) to *sum; false after an error. */
static bool add_value(pb_arena *a, pb_diag *diag, const pb_report *m, const pb_block *blk,
                      const pb_value_slot *slot, int k, pb_value *sum)
{
    const pb_value *v = &blk->values[k];
    if (v->kind == PB_VALUE_BLANK)
        return true; /* blank + n = n, blank + blank = blank */
    const char *label = pb_check_cell_label(a, blk->table, k);
    if (v->kind == PB_VALUE_TEXT && slot->format == PB_FMT_INTEGER) {
        pb_diag_error(diag, PB_ERR_INPUT, m->file, cell_where(a, blk, slot, k),
                      "%s is \"%s\": a number with a note, which a summary cannot add up "
                      "(give the number alone)", label, v->text);
        return false;
    }
    if (v->kind == PB_VALUE_TEXT) {
        pb_diag_error(diag, PB_ERR_INPUT, m->file, cell_where(a, blk, slot, k),
                      "%s is a text cell (\"%s\"), which a summary cannot add up", label,
                      v->text ? v->text : "");
        return false;
    }
    pb_dec total = {sum->number, sum->scale};
    if (sum->kind == PB_VALUE_BLANK) {
        *sum = *v;
        sum->path = NULL;
        sum->text = NULL;
        return true;
    }
    if (!pb_dec_add(total, (pb_dec){v->number, v->scale}, &total) ||
        (v->kind == PB_VALUE_INTEGER && total.v > MAX_INTEGER)) {
        pb_diag_error(diag, PB_ERR_INPUT, m->file, cell_where(a, blk, slot, k),
                      "%s: the sum up to this member is too large to hold exactly", label);
        return false;
    }
    sum->number = total.v;
    sum->scale = total.scale;
    if (v->kind == PB_VALUE_DECIMAL)
        sum->kind = PB_VALUE_DECIMAL;
    return true;
}

pb_summary *pb_summarize(pb_report *const *members, int n, const pb_layout *layout,
                         pb_arena *arena, pb_diag *diag)
{
    int before = diag->errors;
    const pb_report *first = members[0];
    int ntables = tables_of(first, NULL);
    const pb_block **ref = pb_arena_calloc(arena, (size_t)ntables + 1, sizeof *ref);
    tables_of(first, ref);
    /* every member has the first one's tables, in order, of the layout */
    for (int i = 0; i < n; i++) {
        const pb_report *m = members[i];
        int nt = tables_of(m, NULL);
        const pb_block **blks = pb_arena_calloc(arena, (size_t)nt + 1, sizeof *blks);
        tables_of(m, blks);
        for (int k = 0; k < nt; k++)
            if (!blks[k]->table_ref)
                pb_diag_error(diag, PB_ERR_INPUT, m->file,
                              pb_arena_printf(arena, "%s.template", blks[k]->path),
                              "a table with a template of its own cannot be summed: members "
                              "are summed table by table of their layout's templates");
        if (i == 0)
            continue;
        if (nt != ntables) {
            pb_diag_error(diag, PB_ERR_INPUT, m->file, "body",
                          "%d table%s, %s has %d: the members of a summary have the same "
                          "tables", nt, nt == 1 ? "" : "s", first->file, ntables);
            continue;
        }
        for (int k = 0; k < nt; k++)
            if (blks[k]->table != ref[k]->table && blks[k]->table_ref && ref[k]->table_ref)
                pb_diag_error(diag, PB_ERR_INPUT, m->file,
                              pb_arena_printf(arena, "%s.table", blks[k]->path),
                              "table %d is \"%s\", %s's is \"%s\" (%s): the members of a "
                              "summary have the same tables in the same order", k + 1,
                              blks[k]->table_ref, first->file, ref[k]->table_ref,
                              ref[k]->path);
    }
    if (diag->errors > before)
        return NULL;

    pb_summary *s = pb_arena_calloc(arena, 1, sizeof *s);
    s->layout = layout;
    s->nmembers = n;
    s->year = first->meta.year;
    for (int i = 1; i < n; i++)
        if (members[i]->meta.year != s->year)
            s->year = 0;
    s->ntables = ntables;
    s->tables = pb_arena_calloc(arena, (size_t)ntables + 1, sizeof *s->tables);
    for (int k = 0; k < ntables; k++) {
        const pb_table_template *t = ref[k]->table;
        int nslots = pb_table_value_slots(t, NULL);
        pb_value_slot *slots = pb_arena_calloc(arena, (size_t)nslots + 1, sizeof *slots);
        pb_table_value_slots(t, slots);
        pb_summary_table *st = &s->tables[k];
        st->t = t;
        st->nvalues = nslots;
        st->values = pb_arena_calloc(arena, (size_t)nslots + 1, sizeof *st->values);
        for (int i = 0; i < n; i++) {
            const pb_block **blks = pb_arena_calloc(arena, (size_t)ntables + 1, sizeof *blks);
            tables_of(members[i], blks);
            for (int c = 0; c < nslots; c++)
                add_value(arena, diag, members[i], blks[k], &slots[c], c, &st->values[c]);
        }
    }
    return diag->errors > before ? NULL : s;
}
