/* A reader of PDF files: the objects of a file as it stands after all its
 * updates — classic cross-reference tables and cross-reference streams
 * (PDF 1.5), object streams, the trailer chain through /Prev and
 * /XRefStm — and the decoded data of its streams (FlateDecode with PNG
 * and TIFF predictors).  Objects are parsed when first asked for.
 *
 * It reads untrusted files, so everything is bounded: the file is never
 * read past its end, nesting is at most PB_PDF_MAX_DEPTH, references are
 * followed at most PB_PDF_MAX_HOPS deep, decoded streams are limited, the
 * trailer chain is at most PB_PDF_MAX_UPDATES long and loops are caught.
 * A broken file is an error (PB_ERR_INPUT) naming the file and the byte
 * offset, never a crash.  It uses only the arena it is given. */
#ifndef PB_PDFREAD_H
#define PB_PDFREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"

enum {
    PB_PDF_MAX_DEPTH = 100,        /* arrays and dictionaries inside each other */
    PB_PDF_MAX_HOPS = 32,          /* references followed in one lookup */
    PB_PDF_MAX_UPDATES = 64,       /* cross-reference sections in the chain */
    PB_PDF_MAX_OBJECTS = 8388607,  /* the highest object number (ISO 32000) */
};

typedef enum pb_pobj_kind {
    PB_POBJ_NULL = 0,
    PB_POBJ_BOOL,
    PB_POBJ_INT,
    PB_POBJ_REAL,
    PB_POBJ_STRING,       /* bytes, escapes decoded */
    PB_POBJ_NAME,         /* without the slash, #xx decoded, NUL-terminated */
    PB_POBJ_ARRAY,
    PB_POBJ_DICT,
    PB_POBJ_STREAM,       /* a dictionary with data */
    PB_POBJ_REF,
} pb_pobj_kind;

typedef struct pb_pobj pb_pobj;
struct pb_pobj {
    pb_pobj_kind kind;
    bool b;
    long long i;          /* INT; REF: the object number */
    int gen;              /* REF: the generation */
    double r;
    const char *s;        /* STRING, NAME: arena, NUL-terminated */
    size_t len;           /* STRING: bytes */
    pb_pobj **items;      /* ARRAY: items; DICT, STREAM: values */
    const char **keys;    /* DICT, STREAM: keys (names without the slash) */
    int n;                /* ARRAY: items; DICT, STREAM: entries */
    size_t data_off, data_len; /* STREAM: the raw data in the file */
};

typedef struct pb_pdf pb_pdf;

/* Opens data (borrowed: it must outlive the reader) named `name` in
 * messages: checks the header, reads the cross-reference chain from the
 * end of the file.  NULL after an error. */
pb_pdf *pb_pdf_open(const unsigned char *data, size_t len, const char *name, pb_arena *arena,
                    pb_diag *diag);

/* The trailer dictionary (of the newest section; for a cross-reference
 * stream, its dictionary). */
const pb_pobj *pb_pdf_trailer(const pb_pdf *pdf);

/* Object `num` (NULL when free, missing or broken: a broken object is
 * reported once in diag). */
const pb_pobj *pb_pdf_object(pb_pdf *pdf, long long num);

/* o, or the object it refers to (through at most PB_PDF_MAX_HOPS
 * references); NULL for NULL or a dangling reference. */
const pb_pobj *pb_pdf_resolve(pb_pdf *pdf, const pb_pobj *o);

/* The value of `key` in a dictionary or stream, resolved; NULL if absent
 * or not a dictionary. */
const pb_pobj *pb_pdf_get(pb_pdf *pdf, const pb_pobj *dict, const char *key);

/* The raw entry (references not followed). */
const pb_pobj *pb_pdf_get_raw(const pb_pobj *dict, const char *key);

/* Is o the name `name`? */
bool pb_pdf_is_name(const pb_pobj *o, const char *name);

/* A stream's data with its filters applied (FlateDecode, with predictors;
 * no filter), at most max_len bytes, NUL-terminated, in the arena.  False
 * with an error for another filter, corrupt data or too much of it. */
bool pb_pdf_stream_data(pb_pdf *pdf, const pb_pobj *stream, size_t max_len,
                        unsigned char **out, size_t *out_len);

/* A text string (PDFDocEncoding or UTF-16BE with a byte order mark) as
 * UTF-8, in the arena; NULL unless o is a string. */
const char *pb_pdf_text(pb_pdf *pdf, const pb_pobj *o);

/* How many object numbers the cross-reference chain names. */
long long pb_pdf_size(const pb_pdf *pdf);

/* The offset of the newest cross-reference section (what startxref
 * says), and whether it is a cross-reference stream (else a table). */
size_t pb_pdf_startxref(const pb_pdf *pdf);
bool pb_pdf_xref_is_stream(const pb_pdf *pdf);

/* The generation of object num (0 for one in an object stream). */
int pb_pdf_generation(const pb_pdf *pdf, long long num);

#endif
