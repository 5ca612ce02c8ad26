/* Summary model (paiban sum): the tables of a summary report (全市汇总)
 * made from the reports of its members, cell by cell, by the summary
 * stage (src/summary/), which consumes bound reports of one layout; the
 * input stage, which owns the JSON library, writes it as report data.
 *
 * Every member has the same tables, in the same order, each with a
 * template of the layout.  Integers and decimals add up exactly; blank +
 * blank is blank, blank + n is n (a blank cell gives no number); a text
 * cell, or a number with a note ("3（其中补正1件）"), cannot be added and
 * is an error naming the member and the cell. */
#ifndef PB_SUMMARY_MODEL_H
#define PB_SUMMARY_MODEL_H

#include "model/document.h"

typedef struct pb_summary_table {
    const pb_table_template *t;  /* a template of the layout */
    pb_value *values;            /* summed, in pb_table_value_slots order;
                                    decimals keep the most places any member
                                    wrote; text NULL */
    int nvalues;
} pb_summary_table;

typedef struct pb_summary {
    const pb_layout *layout;
    int nmembers;
    int year;                    /* the members' meta.year when they agree, else 0 */
    pb_summary_table *tables;
    int ntables;
} pb_summary;

#endif
