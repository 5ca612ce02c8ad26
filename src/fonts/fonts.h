/* Fonts stage: the layout's font roles -> loaded faces (FreeType for
 * identification and coverage, HarfBuzz for shaping and subsetting) and
 * per-role fallback chains.  Read-only once loaded, so a fontset can be
 * shared by threads rendering different documents. */
#ifndef PB_FONTS_H
#define PB_FONTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <hb.h>

#include "base/diag.h"
#include "model/document.h"

typedef struct pb_face {
    int id;               /* index in the fontset */
    char *file;           /* owned: full path of the font file */
    int index;            /* face index in a collection */
    char *family;         /* owned: English family name (name ID 1/16) */
    char *postscript_name;/* owned: name ID 6, sanitised for PDF names */
    bool is_cff;          /* CFF outlines (OpenType/CFF): FontFile3 */
    bool is_bold;         /* the face itself is bold (no synthetic bold) */
    int upem;
    /* metrics in font units, for the PDF FontDescriptor */
    int ascender, descender, cap_height, italic_angle, weight;
    int bbox[4];          /* xMin yMin xMax yMax */
    bool fixed_pitch, serif;
    hb_face_t *hb_face;   /* owned */
    hb_font_t *hb_font;   /* owned: scale = upem (unscaled font units) */
    void *ft_face;        /* owned: FT_Face (fonts.c only) */
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

/* Resolves every role of the layout through fontconfig: for each
 * candidate, a font file named `file` in the best-ranked folder that has
 * one, else a face one of whose names (family in any language, or full
 * name) is `family`.  A role whose candidates are all missing is an error
 * (PB_ERR_LAYOUT) naming the role and what was tried.  A file named by
 * `file` that is not a usable font is an error; one found by family is
 * skipped with a warning, as is a file named like a font beside the
 * report or the layout that fontconfig cannot read. */
pb_fontset *pb_fonts_load(const pb_layout *layout, const pb_font_dirs *dirs,
                          pb_diag *diag);
void pb_fonts_free(pb_fontset *fs);

int pb_fonts_face_count(const pb_fontset *fs);
const pb_face *pb_fonts_face(const pb_fontset *fs, int id);

/* Role index by name, or -1. */
int pb_fonts_role(const pb_fontset *fs, const char *name);
const char *pb_fonts_role_name(const pb_fontset *fs, int role);

/* The role's fallback chain: faces in order of preference, primary first. */
int pb_fonts_role_face_count(const pb_fontset *fs, int role);
const pb_face *pb_fonts_role_face(const pb_fontset *fs, int role, int i);

/* The first face of the role's chain that has a glyph for cp, or NULL. */
const pb_face *pb_fonts_pick(const pb_fontset *fs, int role, uint32_t cp);

/* Nominal glyph of cp in face, 0 if none. */
uint32_t pb_fonts_glyph(const pb_face *face, uint32_t cp);

/* "--verbose": which file serves each role, one information message per
 * role and face. */
void pb_fonts_describe(const pb_fontset *fs, pb_diag *diag);

#endif
