/* Flow stage: report blocks -> one galley.  Styles come from the layout;
 * each text is shaped, broken into lines and placed on the line grid;
 * headings are kept with what follows, paragraphs get widow/orphan
 * constraints. */
#ifndef PB_FLOW_H
#define PB_FLOW_H

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/galley.h"
#include "model/document.h"

bool pb_flow(const pb_report *report, const pb_layout *layout,
             const pb_fontset *fonts, pb_arena *arena, pb_galley *out,
             pb_diag *diag);

/* Sets one line of plain text in a style (no breaking): page numbers. */
bool pb_flow_single_line(const char *text, const pb_style *style,
                         const pb_layout *layout, const pb_fontset *fonts,
                         pb_arena *arena, pb_gline *out, pb_diag *diag);

#endif
