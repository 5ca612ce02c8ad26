/* Summary stage (paiban sum): sums the tables of the reports of a
 * summary's members cell by cell into the summary model
 * (model/summary.h).  Includes no third-party library. */
#ifndef PB_SUMMARY_H
#define PB_SUMMARY_H

#include "base/arena.h"
#include "base/diag.h"
#include "model/summary.h"

/* Sums the tables of members[0..n) (bound to layout).  Errors have class
 * PB_ERR_INPUT and name the member's file and JSON path; NULL after
 * errors.  Allocated in arena. */
pb_summary *pb_summarize(pb_report *const *members, int n, const pb_layout *layout,
                         pb_arena *arena, pb_diag *diag);

#endif
