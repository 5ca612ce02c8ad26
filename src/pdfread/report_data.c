#include "pdfread/report_data.h"

#include <string.h>

#include "pdfread/pdfread.h"

bool pb_is_pdf(const void *bytes, size_t len)
{
    return len >= 5 && memcmp(bytes, "%PDF-", 5) == 0;
}

bool pb_report_data_read(const unsigned char *bytes, size_t len, const char *pdf_name,
                         size_t max_len, pb_arena *arena, pb_report_data *out, pb_diag *diag)
{
    memset(out, 0, sizeof *out);
    int errors = diag->errors;
    pb_pdf *p = pb_pdf_open(bytes, len, pdf_name, arena, diag);
    if (!p)
        return false;
    const pb_pobj *trailer = pb_pdf_trailer(p);
    const pb_pobj *root = pb_pdf_get(p, trailer, "Root");
    const char *creator = pb_pdf_text(p, pb_pdf_get(p, pb_pdf_get(p, trailer, "Info"), "Creator"));
    bool by_paiban = creator && strncmp(creator, "paiban ", 7) == 0;
    const pb_pobj *af = pb_pdf_get(p, root, "AF");
    for (int i = 0; af && af->kind == PB_POBJ_ARRAY && i < af->n; i++) {
        const pb_pobj *spec = pb_pdf_resolve(p, af->items[i]);
        if (!pb_pdf_is_name(pb_pdf_get(p, spec, "AFRelationship"), "Source"))
            continue;
        const pb_pobj *ef = pb_pdf_get(p, spec, "EF");
        const pb_pobj *file = pb_pdf_get(p, ef, "UF");
        if (!file)
            file = pb_pdf_get(p, ef, "F");
        if (!file || file->kind != PB_POBJ_STREAM ||
            !pb_pdf_is_name(pb_pdf_get(p, file, "Subtype"), "application/json"))
            continue;
        if (!by_paiban)
            break;
        unsigned char *data;
        size_t dlen;
        if (!pb_pdf_stream_data(p, file, max_len, &data, &dlen))
            return false;
        const pb_pobj *size = pb_pdf_get(p, pb_pdf_get(p, file, "Params"), "Size");
        if (size && (size->kind != PB_POBJ_INT || size->i < 0 || (size_t)size->i != dlen)) {
            pb_diag_error(diag, PB_ERR_INPUT, pdf_name, NULL,
                          "damaged PDF: the report data is %zu bytes, its /Size says %lld",
                          dlen, size->kind == PB_POBJ_INT ? size->i : -1LL);
            return false;
        }
        const char *name = pb_pdf_text(p, pb_pdf_get(p, spec, "UF"));
        if (!name)
            name = pb_pdf_text(p, pb_pdf_get(p, spec, "F"));
        /* only the file's own name: never a folder */
        if (name && strrchr(name, '/'))
            name = strrchr(name, '/') + 1;
        if (diag->errors > errors)
            return false; /* damage on the way: the data is not trusted */
        out->data = data;
        out->len = dlen;
        out->name = name && *name ? name : "report.json";
        return true;
    }
    if (diag->errors > errors)
        return false; /* a damaged object on the way */
    if (!by_paiban)
        pb_diag_error(diag, PB_ERR_INPUT, pdf_name, NULL,
                      "holds no report data: it was not made by paiban%s%s%s",
                      creator ? " (it was made by \"" : "", creator ? creator : "",
                      creator ? "\")" : "");
    else
        pb_diag_error(diag, PB_ERR_INPUT, pdf_name, NULL,
                      "holds no report data: it was made by paiban as a plain PDF "
                      "(--pdf plain), which does not carry it");
    return false;
}
