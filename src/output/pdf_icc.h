/* The sRGB ICC profile of the PDF/A output intent (private to
 * src/output/pdf*.c). */
#ifndef PB_PDF_ICC_H
#define PB_PDF_ICC_H

#include <stddef.h>

/* An ICC version 2.1 display profile of sRGB (IEC 61966-2.1): D50-adapted
 * primaries and the sRGB tone curve sampled at 1024 points.  Built with
 * integer arithmetic only, so it is the same bytes on every machine.
 * Returns a malloc'ed buffer. */
unsigned char *pdf_srgb_icc(size_t *len);

#endif
