/* Packing the PDF libharu wrote (private to src/output/pdf*.c): its
 * objects other than streams go into object streams, its cross-reference
 * table becomes a cross-reference stream (ISO 32000-1 7.5.7, 7.5.8; PDF
 * 1.5), which libharu 2.3.0 cannot write.  The file is read back with the
 * PDF reader (src/pdfread/), objects are renumbered in their order, the
 * integer objects libharu writes for stream lengths are folded into the
 * streams, and dictionaries are written without the spaces libharu puts
 * between tokens.  Streams are copied as they are.  The same input gives
 * the same bytes. */
#ifndef PB_PDF_PACK_H
#define PB_PDF_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "pdfread/pdfread.h"

/* Object numbers from here on in libharu's file are extras: objects that
 * paiban made itself (pdf_parts.h), extra k being PDF_EXTRA_BASE + k. */
#define PDF_EXTRA_BASE 0x800000

/* Rewrites in[0, in_len) into *out (malloc'ed), with extras[0, nextras)
 * (NULL entries skipped) after libharu's objects, deflating the object
 * streams and the cross-reference stream at `level` (src/base/flate.c;
 * 0: not compressed).  A trailer /ID is written as libharu writes it
 * ("/ID [ <hex> <hex> ]"), so pdf_archive_set_id finds it in the packed
 * file.  False after an error (an internal one: the input is paiban's
 * own). */
bool pdf_pack(const unsigned char *in, size_t in_len, const pb_pobj *const *extras,
              int nextras, int level, unsigned char **out, size_t *out_len, pb_diag *diag);

#endif
