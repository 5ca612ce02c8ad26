/* Paginate stage: galley + page geometry -> pages of positioned lines,
 * page numbers and outline entries.  Page coordinates: origin at the top
 * left corner of the page, y-down, 1/64 pt. */
#ifndef PB_PAGINATE_H
#define PB_PAGINATE_H

#include "base/arena.h"
#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/galley.h"
#include "model/document.h"

typedef struct pb_placed_line {
    const pb_gline *line; /* borrowed from the galley (or the page number) */
    pb_fx x;              /* left edge of the line on the page */
    pb_fx y;              /* top of the line box on the page */
} pb_placed_line;

typedef struct pb_page {
    int number;           /* 1-based */
    pb_placed_line *lines;
    int nlines;
} pb_page;

typedef struct pb_outline_entry {
    int level;            /* 1 = top */
    const char *title;
    int page;             /* 1-based */
    pb_fx y;              /* top of the heading line on that page */
} pb_outline_entry;

typedef struct pb_pages {
    pb_fx width, height;
    pb_page *pages;
    int npages;
    pb_outline_entry *outline;
    int noutline;
    const pb_structure *structure; /* borrowed from the galley; NULL: none */
} pb_pages;

bool pb_paginate(const pb_galley *galley, const pb_layout *layout,
                 const pb_fontset *fonts, pb_arena *arena, pb_pages *out,
                 pb_diag *diag);

#endif
