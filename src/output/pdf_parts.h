/* Parts of the PDF stage shared between its files (private to
 * src/output/pdf*.c): text strings, and the archival parts of the document
 * (PDF/A-3 and PDF/UA-1: XMP metadata, output intent, catalog entries,
 * the embedded report data, the file identifier) in pdf_archive.c. */
#ifndef PB_PDF_PARTS_H
#define PB_PDF_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include <hpdf.h>

#include "base/diag.h"
#include "output/pdf.h"

/* libharu's number of one of its indirect objects (the flags are above
 * its 24 bits). */
static inline long long pdf_obj_num(const void *obj)
{
    return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF;
}

/* A PDF text string: ASCII as a literal string, anything else UTF-16BE
 * with a byte order mark (characters above U+FFFF as surrogate pairs).
 * Cut after max_chars characters with "…" (0: never cut). */
void *pdf_text_string(HPDF_Doc pdf, const char *s, int max_chars);

/* What the Info dictionary says, for the XMP metadata to say the same. */
typedef struct pdf_doc_info {
    const char *title, *author, *subject, *keywords; /* NULL or "": none */
    const char *creator, *producer;
    long long time;       /* creation = modification time, or -1: none */
} pdf_doc_info;

/* The catalog's archival entries: /Metadata (XMP), /OutputIntents (sRGB),
 * /Lang, /ViewerPreferences, and the report data as an associated file
 * (/AF, /Names /EmbeddedFiles) when opt->data is set.  tagged: the page
 * content is tagged (a structure tree): /MarkInfo, and the XMP claims
 * PDF/A-3a and PDF/UA-1; else PDF/A-3b. */
bool pdf_archive_write(HPDF_Doc pdf, const pb_pdf_options *opt, const pdf_doc_info *info,
                       bool tagged, pb_diag *diag);

/* The file identifier: a placeholder /ID goes into the trailer before
 * saving; pdf_archive_set_id then replaces it in the saved bytes with a
 * hash of the whole file, so the same content has the same /ID. */
bool pdf_archive_add_id(HPDF_Doc pdf);
bool pdf_archive_set_id(unsigned char *bytes, size_t len);

#endif

/* ---- tagging (pdf_tag.c) ---------------------------------------------- */

#include "layout/structure.h"
#include "output/pdf_pack.h"

/* Marked content and the structure tree of a tagged PDF (ISO 32000-1
 * 14.7, 14.8).  Page content is marked as it is written: each marked
 * sequence gets an MCID on its page, tied to a structure element; then
 * pdf_tag_write writes the tree, the ParentTree and each page's
 * /StructParents. */
typedef struct pdf_tagger pdf_tagger;

/* s may be NULL: the tree is then the document element alone. */
pdf_tagger *pdf_tag_new(const pb_structure *s, int npages);
void pdf_tag_free(pdf_tagger *t);

/* A new MCID on page (0-based) for element elem (0: the document). */
int pdf_tag_mcid(pdf_tagger *t, int page, int elem);

/* An element the writer adds (a Link under the element of its text);
 * returns its id. */
int pdf_tag_add(pdf_tagger *t, pb_srole role, int parent);

/* Ties an annotation on page (0-based) to element elem (its /K gets an
 * object reference); returns the annotation's /StructParent key. */
int pdf_tag_annot(pdf_tagger *t, int page, int elem, HPDF_Annotation annot);

/* The box of elem's content on its page (x0 y0 x1 y1 in points), written
 * as its layout attribute /BBox (a Figure's). */
void pdf_tag_set_bbox(pdf_tagger *t, int elem, const double bbox[4]);

/* The structure type of elem, for the tag of its marked content. */
const char *pdf_tag_type(const pdf_tagger *t, int elem);

/* The StructTreeRoot with every element, the ParentTree, the RoleMap and
 * the IDTree, written by paiban as extras (*out, pdf_pack.h) numbered
 * after libharu's objects: so it comes after every other object is made;
 * the catalog refers to the root.  /StructParents and /Tabs on every
 * page. */
bool pdf_tag_write(pdf_tagger *t, HPDF_Doc pdf, HPDF_Page *pages, int npages,
                   pdf_extras *out);
