/* The logical structure of a document, for tagged PDF (PDF/UA): a tree of
 * elements in reading order — the document, its title, headings,
 * paragraphs and their spans, the signature, tables with their rows and
 * cells — built by flow beside the galley.  Placed content names the
 * element it belongs to (pb_gline.elem, pb_sspan, pb_cell_box.elem) or is
 * an artifact (page numbers, rules, what a page repeats); the PDF writer
 * turns the two into marked content and a structure tree. */
#ifndef PB_STRUCTURE_H
#define PB_STRUCTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

typedef enum pb_srole {
    PB_SR_NONE = 0,
    PB_SR_DOCUMENT,
    PB_SR_TITLE,          /* the document's title (role-mapped to H1) */
    PB_SR_H1, PB_SR_H2, PB_SR_H3, PB_SR_H4,
    PB_SR_P,
    PB_SR_SPAN,           /* a run set apart: bold, a run-in heading */
    PB_SR_SIGNATURE,      /* 落款 (role-mapped to Div); its lines are P */
    PB_SR_TABLE,
    PB_SR_CAPTION,
    PB_SR_THEAD, PB_SR_TBODY, PB_SR_TR, PB_SR_TH, PB_SR_TD,
    PB_SR_LINK,
    PB_SR_FIGURE,         /* a seal, with its alternate text */
    PB_SR_COUNT
} pb_srole;

/* PDF structure type names: "Document", "Title", "H1", … */
extern const char *const pb_srole_names[PB_SR_COUNT];

typedef enum pb_scope { PB_SCOPE_NONE = 0, PB_SCOPE_ROW, PB_SCOPE_COLUMN } pb_scope;

typedef struct pb_selem {
    pb_srole role;
    int parent;           /* element id; 0 for the document itself */
    /* table cells */
    int rowspan, colspan; /* 1 unless merged */
    pb_scope scope;       /* TH: the cells it heads, right of it or below it */
    const int *headers;   /* TD: the TH elements that head it, where Scope
                             alone would name others (headings inside the
                             body); NULL: as Scope says */
    int nheaders;
    bool referenced;      /* TH: named in some TD's headers */
    const char *alt;      /* alternate text (a Figure's), or NULL */
} pb_selem;

/* Element ids are indexes into elems; 0 is no element, 1 the document. */
typedef struct pb_structure {
    pb_selem *elems;      /* owned while elements are added (grown with
                             realloc, its pages reused as it grows), then
                             the arena's (pb_structure_done) */
    int count, cap;
    pb_arena *arena;      /* borrowed */
} pb_structure;

/* Starts a structure with its document element (id 1). */
void pb_structure_init(pb_structure *s, pb_arena *arena);

/* No more elements: the arena takes the elements' memory. */
void pb_structure_done(pb_structure *s);

/* Appends an element; elements are appended in reading order, parents
 * before their children.  Returns its id. */
int pb_structure_add(pb_structure *s, pb_srole role, int parent);

struct pb_table_grid; /* layout/table.h */

/* The rows and cells of a table under its Table element table_elem: a
 * THead with the header rows, a TBody with the body rows, a TR per grid
 * row, a TH or TD per cell (in the TR of its first row) with its spans.
 * Header-tree nodes, heading rows inside the body and bands are TH with
 * Scope Column; row labels and group labels TH with Scope Row; values and
 * the corner note TD.  A TD whose headers are not what the scopes say
 * (the cells under a heading row or band inside the body) lists them.
 * cell_elem[i] gets the element of grid cell i. */
void pb_structure_add_table(pb_structure *s, int table_elem, const struct pb_table_grid *g,
                            int *cell_elem);

#endif
