/* The report data a paiban PDF carries: the report's JSON, embedded byte
 * for byte as the document's source (a PDF/A-3 associated file with
 * /AFRelationship /Source, MIME type application/json). */
#ifndef PB_REPORT_DATA_H
#define PB_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/diag.h"

typedef struct pb_report_data {
    const unsigned char *data; /* arena */
    size_t len;
    const char *name;     /* the embedded file's name, "nangang-2021.json" */
} pb_report_data;

/* Is this a PDF (its first bytes say so)? */
bool pb_is_pdf(const void *bytes, size_t len);

/* Finds the report data in the PDF `pdf` (named pdf_name in messages).
 * Errors (PB_ERR_INPUT): not a PDF, damaged, not made by paiban, or made
 * by paiban without the data (a plain PDF). */
bool pb_report_data_read(const unsigned char *pdf, size_t len, const char *pdf_name,
                         size_t max_len, pb_arena *arena, pb_report_data *out, pb_diag *diag);

#endif
