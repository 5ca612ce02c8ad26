/* Fonts stage: the layout's font roles -> faces (FreeType for names and
 * metrics, HarfBuzz for shaping and subsetting) and per-role fallback
 * chains.  A fontset is shared by threads rendering different documents:
 * faces are opened on first use, once, under the set's lock, and never
 * change after; what a document finds out about them is kept in its own
 * view (pb_fonts_view). */
#ifndef PB_FONTS_H
#define PB_FONTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <hb.h>

#include "base/arena.h"
#include "base/diag.h"
#include "model/document.h"

/* A face of a font file.  Its file, index and family are known once the
 * set is loaded; the rest is filled when the face is first needed (see
 * pb_fonts_pick), and only for a face that opened and passed its checks. */
typedef struct pb_face {
    int id;               /* index in the fontset */
    char *file;           /* owned: full path of the font file */
    int index;            /* face index in a collection */
    char *family;         /* owned: English family name (name ID 1/16) */
    char *postscript_name;/* owned: name ID 6, sanitised for PDF names */
    bool is_cff;          /* CFF outlines (OpenType/CFF): FontFile3 */
    bool is_bold;         /* the face itself is bold (no synthetic bold) */
    int upem;
    unsigned nglyphs;     /* glyph count (maxp) */
    /* metrics in font units, for the PDF FontDescriptor */
    int ascender, descender, cap_height, italic_angle, weight;
    int bbox[4];          /* xMin yMin xMax yMax */
    bool fixed_pitch, serif;
    hb_face_t *hb_face;   /* owned */
    hb_font_t *hb_font;   /* owned: scale = upem (unscaled font units) */
    void *facts;          /* owned: what is known of each glyph (font_check.c) */
    void *programs;       /* owned: font programs made from it (programs.h) */
    void *outlines;       /* owned, may be NULL: its CFF charstrings (font_check.h) */
} pb_face;

/* Where fonts are found: paiban's folders, in order, then (with
 * system_fonts) the fonts fontconfig's own configuration lists. */
typedef struct pb_font_dirs {
    const char **dirs;    /* borrowed */
    int count;
    const bool *flat;     /* borrowed, may be NULL: flat[i] searches dirs[i]
                             without its subfolders (a report's folder may
                             be a large home folder) */
    bool system_fonts;    /* also the system's and the user's fonts */
    const char *config;   /* a fontconfig file read after the system's
                             configuration (fonts/fonts.conf), or NULL */
    const char *cache_dir; /* where fontconfig may keep its scans of
                             paiban's folders, or NULL: nowhere */
} pb_font_dirs;

typedef struct pb_fontset pb_fontset;

/* Resolves every role of the layout through fontconfig to its candidate
 * faces: for each candidate, a font file named `file` in the best-ranked
 * folder that has one, else a face one of whose names (family in any
 * language, or full name) is `family`.  A role none of whose candidates
 * is found is an error (PB_ERR_LAYOUT) naming the role and what was tried;
 * a file named like a font beside the report or the layout that fontconfig
 * cannot read is skipped with a warning.  No face is opened here. */
pb_fontset *pb_fonts_load(const pb_layout *layout, const pb_font_dirs *dirs,
                          pb_diag *diag);
void pb_fonts_free(pb_fontset *fs);

/* One document's view of a loaded set (shared by any number of threads):
 * the same faces, opened on first use for all views, and what this
 * document found out: faces it must not use (pb_fonts_reject), the faces
 * that served each role (--verbose), and its messages, which go to diag.
 * It lives in the arena (pb_fonts_free leaves it alone). */
pb_fontset *pb_fonts_view(const pb_fontset *set, pb_diag *diag, pb_arena *arena);

int pb_fonts_face_count(const pb_fontset *fs);
/* Face `id`, opened or not (pb_fonts_pick hands out only usable ones). */
const pb_face *pb_fonts_face(const pb_fontset *fs, int id);

/* Role index by name, or -1. */
int pb_fonts_role(const pb_fontset *fs, const char *name);
const char *pb_fonts_role_name(const pb_fontset *fs, int role);

/* The role's candidate faces, in order of preference (not opened). */
int pb_fonts_role_face_count(const pb_fontset *fs, int role);
const pb_face *pb_fonts_role_face(const pb_fontset *fs, int role, int i);

/* The first face of the role's chain that can print cp, or NULL; faces
 * are opened (and checked) as the chain is walked, once for all views.
 * A face that is not a usable font, or whose glyph for cp is damaged, is
 * passed over with a warning naming the file and the fault; when every
 * face of the role is unusable, each is an error (PB_ERR_LAYOUT) naming
 * the file, the fault and the layout's JSON path, given once. */
const pb_face *pb_fonts_pick(const pb_fontset *fs, int role, uint32_t cp);

/* The role's first usable face (for characters that need none of their
 * own, such as variation selectors), or NULL. */
const pb_face *pb_fonts_first(const pb_fontset *fs, int role);

/* Why a face was passed over in this view (not a usable font, or rejected
 * in it), or NULL. */
const char *pb_fonts_fault(const pb_fontset *fs, int id);

/* Nominal glyph of cp in face, 0 if none. */
uint32_t pb_fonts_glyph(const pb_face *face, uint32_t cp);

/* The font files directly in dir (those a flat folder gives), one path a
 * line: what the folder changes in a font set ("" when it has none). */
char *pb_fonts_folder_key(const char *dir, pb_arena *a);

/* A fault found in a face after it was picked (a shaped glyph, the
 * subset): the view stops using it (with a warning naming the file and
 * the fault when another face serves instead), and what was made with the
 * view must be made again. */
void pb_fonts_reject(const pb_fontset *view, int id, const char *why);

/* How many faces the view rejected so far. */
int pb_fonts_rejected(const pb_fontset *view);

/* "--verbose": which file served each role in this view, one information
 * message per role and face. */
void pb_fonts_describe(const pb_fontset *fs, pb_diag *diag);

#endif
