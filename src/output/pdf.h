/* PDF stage: pages -> PDF bytes in memory.  The only module that includes
 * hpdf.h.  Fonts are embedded as Type0/CID fonts built with libharu's
 * object API: true subsets made by HarfBuzz, exact /W, a ToUnicode CMap
 * from the shaped clusters; TrueType as FontFile2, CFF as FontFile3. */
#ifndef PB_PDF_H
#define PB_PDF_H

#include <stddef.h>

#include "base/diag.h"
#include "fonts/fonts.h"
#include "layout/paginate.h"
#include "model/document.h"

typedef struct pb_pdf_options {
    const pb_meta *meta;  /* Title, Author, Subject, Keywords */
    long long creation_time; /* seconds since the epoch (UTC), or -1: none */
    int compress;         /* 1: Flate-compress streams (default) */
} pb_pdf_options;

/* On success *out is a malloc'ed buffer the caller frees. */
bool pb_pdf_write(const pb_pages *pages, const pb_fontset *fonts,
                  const pb_pdf_options *opt, unsigned char **out,
                  size_t *out_len, pb_diag *diag);

#endif
