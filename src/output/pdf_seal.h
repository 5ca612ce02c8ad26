/* Seals in the page content (private to src/output/pdf*.c). */
#ifndef PB_PDF_SEAL_H
#define PB_PDF_SEAL_H

#include <stdbool.h>

#include <hpdf.h>

#include "fonts/fonts.h"
#include "layout/galley.h"
#include "output/pdf_font.h"

/* What the seals of one document share: each image written once, the
 * graphics state of the blend mode. */
typedef struct pdf_seals pdf_seals;

pdf_seals *pdf_seals_new(void);
void pdf_seals_free(pdf_seals *s);

/* Appends the painting of seal s, whose box's top left corner is at
 * (left, top) on the page (y-down), to the page content b; registers the
 * resources it uses on page; bbox gets the box in PDF coordinates (x0 y0
 * x1 y1, points) for the structure tree.  False after a libharu error. */
bool pdf_seal_write(HPDF_Doc pdf, pdf_seals *ss, HPDF_Page page, const pb_fontset *fonts,
                    const pb_seal_mark *s, pb_fx left, pb_fx top, pb_fx page_h, pdf_buf *b,
                    double bbox[4]);

#endif
