/* The sRGB ICC profile of the PDF/A output intent (private to
 * src/output/pdf*.c). */
#ifndef PB_PDF_ICC_H
#define PB_PDF_ICC_H

#include <stddef.h>

/* An ICC version 4.2 display profile of sRGB (IEC 61966-2.1): D50-adapted
 * primaries, the Bradford adaptation from D65, and the sRGB tone curve as
 * a parametric curve.  The same bytes every time.  Returns a malloc'ed
 * buffer. */
unsigned char *pdf_srgb_icc(size_t *len);

#endif
