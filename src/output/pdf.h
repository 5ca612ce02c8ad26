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
    /* The default is an archival, accessible PDF: PDF/A-3a and PDF/UA-1
     * (tagged, XMP metadata, sRGB output intent, /Lang, a file identifier
     * from the content) with the report data embedded.  plain: none of it,
     * the PDF as it was before. */
    bool plain;
    const char *lang;     /* the document's language, "zh-CN"; NULL: none */
    /* The report data, embedded as the document's source (PDF/A-3 /AF);
     * NULL: none.  Borrowed. */
    const unsigned char *data;
    size_t data_len;
    const char *data_name;    /* its file name, "nangang-2021.json" */
    const char *layout_name;  /* the layout it was set with */
    const char *layout_sha256;/* hash of the layout's files, hex */
} pb_pdf_options;

/* On success *out is a malloc'ed buffer the caller frees. */
bool pb_pdf_write(const pb_pages *pages, const pb_fontset *fonts,
                  const pb_pdf_options *opt, unsigned char **out,
                  size_t *out_len, pb_diag *diag);

#endif
