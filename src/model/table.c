#include "model/table.h"

#include <stddef.h>

static int row_slots(const pb_table_template *t, const pb_row_node *r, pb_value_slot *slots,
                     int n)
{
    if (r->kind == PB_ROW_GROUP) {
        for (int i = 0; i < r->nchildren; i++)
            n = row_slots(t, &r->children[i], slots, n);
        return n;
    }
    if (r->kind != PB_ROW_DATA)
        return n;
    if (!r->cells) {
        for (int col = t->nlabel_columns; col < t->ncolumns; col++, n++)
            if (slots)
                slots[n] = (pb_value_slot){r, NULL, col, 1, t->columns[col].id,
                                           t->columns[col].format};
        return n;
    }
    int col = t->nlabel_columns;
    for (int i = 0; i < r->ncells; i++, n++) {
        const pb_row_cell *cell = &r->cells[i];
        /* the input stage guarantees that the cells fit; stay inside anyway */
        const pb_table_column *c = col < t->ncolumns ? &t->columns[col] : NULL;
        if (slots) {
            slots[n] = (pb_value_slot){
                .row = r,
                .cell = cell,
                .col = col,
                .colspan = cell->colspan,
                .cell_id = cell->id ? cell->id : c ? c->id : NULL,
                .format = cell->format >= 0 ? (pb_value_format)cell->format
                          : c               ? c->format
                                            : PB_FMT_INTEGER,
            };
        }
        col += cell->colspan;
    }
    return n;
}

int pb_table_value_slots(const pb_table_template *t, pb_value_slot *slots)
{
    int n = 0;
    for (int i = 0; i < t->nrows; i++)
        n = row_slots(t, &t->rows[i], slots, n);
    return n;
}
