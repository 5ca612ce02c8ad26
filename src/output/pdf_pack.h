/* Packing the PDF libharu wrote (private to src/output/pdf*.c): its
 * objects other than streams go into object streams, its cross-reference
 * table becomes a cross-reference stream (ISO 32000-1 7.5.7, 7.5.8; PDF
 * 1.5), which libharu 2.3.0 cannot write.  The file is read back with the
 * PDF reader (src/pdfread/), objects keep their numbers, the integer
 * objects libharu writes for stream lengths are folded into the streams,
 * and dictionaries are written without the spaces libharu puts between
 * tokens.  Streams are copied as they are.  The same input gives
 * the same bytes. */
#ifndef PB_PDF_PACK_H
#define PB_PDF_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "output/pdf_font.h"

/* Objects paiban writes itself, past libharu (the structure tree: libharu
 * took some 14 KB for each table row's elements as its own objects):
 * object k is number first + k, numbered after every object libharu has
 * when they are made, and is the bytes from data.p + off[k] to the next
 * object's (the last: to data.len) written with the pdf_obj_* functions
 * below. */
typedef struct pdf_extras {
    long long first;
    pdf_buf data;         /* owned */
    size_t *off;          /* owned: where each object starts in data */
    int count, cap;
    /* streams of libharu's objects whose data paiban keeps here instead
       of writing it through libharu, which copies a stream byte by byte
       three times (the font programs): libharu writes them empty */
    struct pdf_outside {
        long long num;    /* libharu's object */
        unsigned char *data; /* owned */
        size_t len;
    } *outside;
    int noutside, outside_cap;
} pdf_extras;

void pdf_extras_begin(pdf_extras *x);  /* starts object first + count */
void pdf_extras_free(pdf_extras *x);
/* Takes data (malloc'ed) as the data of libharu's stream object num;
 * it allocates nothing (and so cannot run out of memory) after
 * pdf_extras_room. */
void pdf_extras_keep_stream(pdf_extras *x, long long num, unsigned char *data, size_t len);
/* Room for one more stream kept. */
void pdf_extras_room(pdf_extras *x);

/* Tokens of an object, with a space only where the syntax needs one. */
void pdf_obj_name(pdf_buf *b, const char *name);
void pdf_obj_int(pdf_buf *b, long long v);
void pdf_obj_ref(pdf_buf *b, long long num);
void pdf_obj_string(pdf_buf *b, const unsigned char *s, size_t len);
void pdf_obj_raw(pdf_buf *b, const char *s); /* "<<", ">>", "[", "]" */

/* Rewrites in[0, in_len) into *out (malloc'ed), with libharu's objects
 * under their numbers (the integers it writes for stream lengths folded
 * into the streams; the data x keeps for a stream in place of libharu's)
 * and the extras (x may be NULL) after them, deflating
 * the object streams and the cross-reference stream at `level`
 * (src/base/flate.c; 0: not compressed).  A trailer /ID is written as
 * libharu writes it ("/ID [ <hex> <hex> ]"), so pdf_archive_set_id finds
 * it in the packed file.  False after an error (an internal one: the
 * input is paiban's own). */
bool pdf_pack(const unsigned char *in, size_t in_len, const pdf_extras *x, int level,
              unsigned char **out, size_t *out_len, pb_diag *diag);

#endif
