/* Incremental updates of a PDF (ISO 32000-1 7.5.6): new and changed
 * objects appended to the file as it is, with a cross-reference section of
 * the form of the file's last one (a table, or a cross-reference stream)
 * and a trailer whose /Prev names it, so the bytes before stay as they
 * were (what a signature over them needs).  Objects are written as PDF
 * syntax from the reader's objects (pdfread.h) or built by the caller.
 * No third-party library. */
#ifndef PB_PDFUPDATE_H
#define PB_PDFUPDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "pdfread/pdfread.h"

/* A growing byte buffer (malloc'ed; running out of memory jumps as the
 * arenas do).  Numbers are written without printf, so no locale changes a
 * byte. */
typedef struct pb_wbuf {
    unsigned char *p;     /* owned */
    size_t len, cap;
} pb_wbuf;

void pb_wbuf_put(pb_wbuf *b, const void *data, size_t n);
void pb_wbuf_str(pb_wbuf *b, const char *s);
void pb_wbuf_int(pb_wbuf *b, long long v);
void pb_wbuf_free(pb_wbuf *b);
/* A name, "/Name", with #xx for the bytes that need it. */
void pb_wbuf_name(pb_wbuf *b, const char *name);
/* A string as hex, "<…>". */
void pb_wbuf_hex(pb_wbuf *b, const void *data, size_t n);
/* A text string: ASCII as a literal string, anything else as UTF-16BE with
 * a byte order mark (in hex). */
void pb_wbuf_text(pb_wbuf *b, const char *utf8);
/* "N G R" */
void pb_wbuf_ref(pb_wbuf *b, long long num, int gen);
/* An object as the reader gave it (references stay references); a stream
 * is written as its dictionary only.  Entries of a dictionary named in
 * `skip` (NULL-terminated, may be NULL) are left out, so the caller can
 * write them anew before the closing ">>": the dictionary is then left
 * open when `open` is true. */
void pb_wbuf_object(pb_wbuf *b, const pb_pobj *o, const char *const *skip, bool open);

typedef struct pb_pdf_update pb_pdf_update;

/* An update of the file base (len bytes) that pdf was opened from. */
pb_pdf_update *pb_pdf_update_begin(pb_pdf *pdf, const unsigned char *base, size_t len,
                                   pb_arena *arena);

/* A new object number. */
long long pb_pdf_update_new(pb_pdf_update *u);

/* The buffer the body of object num (new, or a changed one of the file)
 * is written into, without "N G obj" and "endobj". */
pb_wbuf *pb_pdf_update_object(pb_pdf_update *u, long long num);

/* Appends the objects, the cross-reference section and the trailer (the
 * base's /Root and /Info, /Prev, /Size, and an /ID: the base's first
 * identifier and a second one left as 32 zeros at *id_at, for the caller
 * to fill in) to the base; the whole file goes to *out (malloc'ed).  The
 * offsets of the objects' bodies in it: pb_pdf_update_offset. */
bool pb_pdf_update_finish(pb_pdf_update *u, unsigned char **out, size_t *out_len,
                          size_t *id_at);

/* Where the body of object num starts in the finished file. */
size_t pb_pdf_update_offset(const pb_pdf_update *u, long long num);

/* Frees the update's buffers (the arena holds the rest). */
void pb_pdf_update_free(pb_pdf_update *u);

#endif
