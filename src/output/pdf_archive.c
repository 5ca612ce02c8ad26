/* The archival parts of the document: what PDF/A-3 (ISO 19005-3) level A
 * and PDF/UA-1 (ISO 14289-1) ask of the catalog and the trailer beyond a
 * tagged page content (pdf_tag.c).
 *
 * - XMP metadata (ISO 19005-3 6.6), saying what the Info dictionary says,
 *   with the PDF/A and PDF/UA identification and the extension schemas
 *   that describe the properties PDF/A does not predefine;
 * - an output intent with an sRGB profile (6.2.3), so the device colours
 *   of the page mean something;
 * - /Lang, /MarkInfo /Marked, /ViewerPreferences /DisplayDocTitle
 *   (ISO 14289-1 7.1, 7.2);
 * - the report data as an associated file (ISO 19005-3 6.8), so the
 *   numbers travel with the PDF;
 * - a file identifier derived from the bytes (ISO 19005-3 6.1.3). */
#include "output/pdf_parts.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/utf8.h"
#include "output/pdf_font.h"
#include "output/pdf_icc.h"

/* ---- XMP ------------------------------------------------------------ */

/* XML character data: & < > and quotes escaped. */
static void put_xml(pdf_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': pdf_buf_str(b, "&amp;"); break;
        case '<': pdf_buf_str(b, "&lt;"); break;
        case '>': pdf_buf_str(b, "&gt;"); break;
        case '"': pdf_buf_str(b, "&quot;"); break;
        case '\'': pdf_buf_str(b, "&apos;"); break;
        default: pdf_buf_put(b, s, 1); break;
        }
    }
}

static void put_elem_at(pdf_buf *b, int indent, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    for (int i = 0; i < indent; i++)
        pdf_buf_put(b, " ", 1);
    pdf_buf_str(b, "<");
    pdf_buf_str(b, name);
    pdf_buf_str(b, ">");
    put_xml(b, value);
    pdf_buf_str(b, "</");
    pdf_buf_str(b, name);
    pdf_buf_str(b, ">\n");
}

static void put_elem(pdf_buf *b, const char *name, const char *value)
{
    put_elem_at(b, 3, name, value);
}

/* A language alternative (dc:title, dc:description) with one default. */
static void put_alt(pdf_buf *b, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    pdf_buf_str(b, "   <");
    pdf_buf_str(b, name);
    pdf_buf_str(b, "><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    put_xml(b, value);
    pdf_buf_str(b, "</rdf:li></rdf:Alt></");
    pdf_buf_str(b, name);
    pdf_buf_str(b, ">\n");
}

static void begin_desc(pdf_buf *b, const char *prefix, const char *uri)
{
    pdf_buf_str(b, "  <rdf:Description rdf:about=\"\" xmlns:");
    pdf_buf_str(b, prefix);
    pdf_buf_str(b, "=\"");
    pdf_buf_str(b, uri);
    pdf_buf_str(b, "\">\n");
}

static void end_desc(pdf_buf *b)
{
    pdf_buf_str(b, "  </rdf:Description>\n");
}

/* One schema of the PDF/A extension schema container (ISO 19005-1
 * 6.7.8, kept by 19005-3): text properties described for validators. */
typedef struct ext_prop {
    const char *name, *type, *description;
} ext_prop;

static void put_ext_schema(pdf_buf *b, const char *schema, const char *uri, const char *prefix,
                           const ext_prop *props, int nprops)
{
    pdf_buf_str(b, "     <rdf:li rdf:parseType=\"Resource\">\n");
    put_elem_at(b, 6, "pdfaSchema:schema", schema);
    put_elem_at(b, 6, "pdfaSchema:namespaceURI", uri);
    put_elem_at(b, 6, "pdfaSchema:prefix", prefix);
    pdf_buf_str(b, "      <pdfaSchema:property><rdf:Seq>\n");
    for (int i = 0; i < nprops; i++) {
        pdf_buf_str(b, "       <rdf:li rdf:parseType=\"Resource\">\n");
        put_elem_at(b, 8, "pdfaProperty:name", props[i].name);
        put_elem_at(b, 8, "pdfaProperty:valueType", props[i].type);
        put_elem_at(b, 8, "pdfaProperty:category", "internal");
        put_elem_at(b, 8, "pdfaProperty:description", props[i].description);
        pdf_buf_str(b, "       </rdf:li>\n");
    }
    pdf_buf_str(b, "      </rdf:Seq></pdfaSchema:property>\n");
    pdf_buf_str(b, "     </rdf:li>\n");
}

#define PAIBAN_NS "urn:paiban:ns:report:1.0#"

/* "2022-01-20T00:00:00Z", the XMP form of the Info dates. */
static bool xmp_date(long long t, char out[64], size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t < 0 || !gmtime_r(&tt, &tm))
        return false;
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
    return true;
}

static void build_xmp(pdf_buf *b, const pb_pdf_options *opt, const pdf_doc_info *info,
                      bool tagged)
{
    /* the packet header's begin attribute is a byte order mark */
    pdf_buf_str(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");

    begin_desc(b, "dc", "http://purl.org/dc/elements/1.1/");
    put_elem(b, "dc:format", "application/pdf");
    put_alt(b, "dc:title", info->title);
    if (info->author && *info->author) {
        pdf_buf_str(b, "   <dc:creator><rdf:Seq><rdf:li>");
        put_xml(b, info->author);
        pdf_buf_str(b, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    put_alt(b, "dc:description", info->subject);
    if (opt->lang && *opt->lang) {
        pdf_buf_str(b, "   <dc:language><rdf:Bag><rdf:li>");
        put_xml(b, opt->lang);
        pdf_buf_str(b, "</rdf:li></rdf:Bag></dc:language>\n");
    }
    end_desc(b);

    begin_desc(b, "pdf", "http://ns.adobe.com/pdf/1.3/");
    put_elem(b, "pdf:Producer", info->producer);
    put_elem(b, "pdf:Keywords", info->keywords);
    end_desc(b);

    begin_desc(b, "xmp", "http://ns.adobe.com/xap/1.0/");
    put_elem(b, "xmp:CreatorTool", info->creator);
    char date[64];
    if (xmp_date(info->time, date, sizeof date)) {
        put_elem(b, "xmp:CreateDate", date);
        put_elem(b, "xmp:ModifyDate", date);
        put_elem(b, "xmp:MetadataDate", date);
    }
    end_desc(b);

    begin_desc(b, "pdfaid", "http://www.aiim.org/pdfa/ns/id/");
    put_elem(b, "pdfaid:part", "3");
    /* level A and PDF/UA need the page content tagged */
    put_elem(b, "pdfaid:conformance", tagged ? "A" : "B");
    end_desc(b);

    if (tagged) {
        begin_desc(b, "pdfuaid", "http://www.aiim.org/pdfua/ns/id/");
        put_elem(b, "pdfuaid:part", "1");
        end_desc(b);
    }

    if (opt->data) {
        begin_desc(b, "paiban", PAIBAN_NS);
        put_elem(b, "paiban:reportFile", opt->data_name);
        put_elem(b, "paiban:layout", opt->layout_name);
        put_elem(b, "paiban:layoutSHA256", opt->layout_sha256);
        end_desc(b);
    }

    /* pdfuaid and paiban are not predefined by PDF/A: describe them */
    pdf_buf_str(b, "  <rdf:Description rdf:about=\"\""
                   " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
                   " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
                   " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
                   "   <pdfaExtension:schemas>\n    <rdf:Bag>\n");
    static const ext_prop ua[] = {
        {"part", "Integer", "Indicates, which part of ISO 14289 standard is followed"},
    };
    if (tagged)
        put_ext_schema(b, "PDF/UA Universal Accessibility Schema",
                       "http://www.aiim.org/pdfua/ns/id/", "pdfuaid", ua, 1);
    if (opt->data) {
        static const ext_prop pb[] = {
            {"reportFile", "Text", "The embedded file that holds the report data"},
            {"layout", "Text", "The name of the layout the report was set with"},
            {"layoutSHA256", "Text", "SHA-256 of the layout's files, in hex"},
        };
        put_ext_schema(b, "paiban report data", PAIBAN_NS, "paiban", pb, 3);
    }
    pdf_buf_str(b, "    </rdf:Bag>\n   </pdfaExtension:schemas>\n  </rdf:Description>\n");

    pdf_buf_str(b, " </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

/* ---- the catalog ---------------------------------------------------- */

static HPDF_Dict new_dict(HPDF_Doc pdf, bool indirect)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && indirect && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
        return NULL;
    return d;
}

/* "D:20220120000000Z": a PDF date. */
static void pdf_date(long long t, char out[64], size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        out[0] = 0;
        return;
    }
    snprintf(out, n, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
}

/* The report data: an embedded file stream, its file specification with
 * /AFRelationship /Source (the data the document was made from), listed
 * in the catalog's /AF and in the EmbeddedFiles name tree, where readers
 * show attachments. */
static bool embed_data(HPDF_Doc pdf, HPDF_Dict catalog, const pb_pdf_options *opt)
{
    HPDF_Dict ef = pdf_new_stream(pdf, opt->compress ? 9 : 0, opt->data, opt->data_len);
    if (!ef)
        return false;
    HPDF_Dict_AddName(ef, "Type", "EmbeddedFile");
    HPDF_Dict_AddName(ef, "Subtype", "application/json"); /* written escaped: #2F */
    HPDF_Dict params = new_dict(pdf, false);
    if (!params) /* libharu's setters dereference a NULL container */
        return false;
    HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)opt->data_len);
    if (opt->creation_time >= 0) {
        char d[64];
        pdf_date(opt->creation_time, d, sizeof d);
        HPDF_Dict_Add(params, "ModDate", HPDF_String_New(pdf->mmgr, d, NULL));
    }
    HPDF_Dict_Add(ef, "Params", params);

    const char *name = opt->data_name && *opt->data_name ? opt->data_name : "report.json";
    bool ascii = true;
    for (const char *s = name; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            ascii = false;
    HPDF_Dict spec = new_dict(pdf, true);
    if (!spec)
        return false;
    HPDF_Dict_AddName(spec, "Type", "Filespec");
    /* /F is bytes for old readers; /UF the name as text */
    HPDF_Dict_Add(spec, "F", HPDF_String_New(pdf->mmgr, ascii ? name : "report.json", NULL));
    HPDF_Dict_Add(spec, "UF", pdf_text_string(pdf, name, 0));
    HPDF_Dict efd = new_dict(pdf, false);
    if (!efd)
        return false;
    HPDF_Dict_Add(efd, "F", ef);
    HPDF_Dict_Add(efd, "UF", ef);
    HPDF_Dict_Add(spec, "EF", efd);
    HPDF_Dict_AddName(spec, "AFRelationship", "Source");
    char desc[256];
    snprintf(desc, sizeof desc, "Report data (paiban): layout %s",
             opt->layout_name ? opt->layout_name : "");
    HPDF_Dict_Add(spec, "Desc", pdf_text_string(pdf, desc, 0));

    HPDF_Array af = HPDF_Array_New(pdf->mmgr);
    if (!af)
        return false;
    HPDF_Array_Add(af, spec);
    HPDF_Dict_Add(catalog, "AF", af);

    HPDF_Array names = HPDF_Array_New(pdf->mmgr);
    if (!names)
        return false;
    HPDF_Array_Add(names, pdf_text_string(pdf, name, 0));
    HPDF_Array_Add(names, spec);
    HPDF_Dict tree = new_dict(pdf, false);
    if (!tree)
        return false;
    HPDF_Dict_Add(tree, "Names", names);
    HPDF_Dict nd = new_dict(pdf, false);
    if (!nd)
        return false;
    HPDF_Dict_Add(nd, "EmbeddedFiles", tree);
    HPDF_Dict_Add(catalog, "Names", nd);
    return true;
}

/* The XMP text and the ICC profile while they are written: given back if
 * memory runs out on the way. */
typedef struct archive_work {
    HPDF_Doc pdf;
    const pb_pdf_options *opt;
    const pdf_doc_info *info;
    bool tagged;
    pdf_buf xmp;
    unsigned char *icc;
    bool ok;
} archive_work;

static void archive_work_free(void *arg)
{
    archive_work *w = arg;
    free(w->xmp.p);
    free(w->icc);
    w->xmp = (pdf_buf){0};
    w->icc = NULL;
}

static bool write_archive(archive_work *w);

static void archive_run(void *arg)
{
    archive_work *w = arg;
    w->ok = write_archive(w);
}

bool pdf_archive_write(HPDF_Doc pdf, const pb_pdf_options *opt, const pdf_doc_info *info,
                       bool tagged, pb_diag *diag)
{
    (void)diag;
    archive_work w = {pdf, opt, info, tagged, {0}, NULL, false};
    pb_oom_guard(archive_run, archive_work_free, &w);
    archive_work_free(&w);
    return w.ok;
}

static bool write_archive(archive_work *w)
{
    HPDF_Doc pdf = w->pdf;
    const pb_pdf_options *opt = w->opt;
    const pdf_doc_info *info = w->info;
    bool tagged = w->tagged;
    HPDF_Dict catalog = pdf->catalog;

    /* XMP: never compressed (ISO 19005-3 6.6.2.1: no /Filter) */
    build_xmp(&w->xmp, opt, info, tagged);
    HPDF_Dict meta = pdf_new_stream(pdf, 0, w->xmp.p, w->xmp.len);
    if (!meta)
        return false;
    HPDF_Dict_AddName(meta, "Type", "Metadata");
    HPDF_Dict_AddName(meta, "Subtype", "XML");
    HPDF_Dict_Add(catalog, "Metadata", meta);

    size_t icc_len;
    w->icc = pdf_srgb_icc(&icc_len);
    HPDF_Dict profile = pdf_new_stream(pdf, opt->compress ? 9 : 0, w->icc, icc_len);
    if (!profile)
        return false;
    HPDF_Dict_AddNumber(profile, "N", 3);
    HPDF_Dict intent = new_dict(pdf, true);
    if (!intent) /* libharu's setters dereference a NULL container */
        return false;
    HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    HPDF_Dict_Add(intent, "OutputConditionIdentifier",
                  HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(intent, "DestOutputProfile", profile);
    HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
    if (!intents)
        return false;
    HPDF_Array_Add(intents, intent);
    HPDF_Dict_Add(catalog, "OutputIntents", intents);

    if (opt->lang && *opt->lang)
        HPDF_Dict_Add(catalog, "Lang", HPDF_String_New(pdf->mmgr, opt->lang, NULL));
    if (tagged) {
        HPDF_Dict mark = new_dict(pdf, false);
        if (!mark)
            return false;
        HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE);
        HPDF_Dict_Add(catalog, "MarkInfo", mark);
    }
    HPDF_Dict vp = new_dict(pdf, false);
    if (!vp)
        return false;
    HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
    HPDF_Dict_Add(catalog, "ViewerPreferences", vp);

    if (opt->data && !embed_data(pdf, catalog, opt))
        return false;
    return HPDF_GetError(pdf) == HPDF_OK;
}

/* ---- the file identifier -------------------------------------------- */

enum { ID_LEN = 16 };

bool pdf_archive_add_id(HPDF_Doc pdf)
{
    unsigned char zero[ID_LEN] = {0};
    HPDF_Array id = HPDF_Array_New(pdf->mmgr);
    if (!id)
        return false;
    HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, zero, ID_LEN));
    HPDF_Array_Add(id, HPDF_Binary_New(pdf->mmgr, zero, ID_LEN));
    return HPDF_Dict_Add(pdf->trailer, "ID", id) == HPDF_OK;
}

/* Written out, which compilers turn into one load (the whole file is
 * read 8 bytes at a time). */
static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static uint64_t rotl64(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* 128 bits from the bytes, in the manner of MurmurHash3 (x64, 128-bit):
 * ISO 32000-1 14.4 asks of the identifier only that it tell files apart,
 * and SHA-256 of the whole file cost as much as subsetting a font. */
static void id_digest(const unsigned char *p, size_t len, unsigned char out[ID_LEN])
{
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    uint64_t h1 = 0x9E3779B97F4A7C15ULL, h2 = 0xC2B2AE3D27D4EB4FULL;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        h1 ^= rotl64(le64(p + i) * c1, 31) * c2;
        h1 = (rotl64(h1, 27) + h2) * 5 + 0x52dce729;
        h2 ^= rotl64(le64(p + i + 8) * c2, 33) * c1;
        h2 = (rotl64(h2, 31) + h1) * 5 + 0x38495ab5;
    }
    unsigned char tail[16] = {0};
    memcpy(tail, p + i, len - i);
    h1 ^= rotl64(le64(tail) * c1, 31) * c2;
    h2 ^= rotl64(le64(tail + 8) * c2, 33) * c1;
    h1 ^= (uint64_t)len;
    h2 ^= (uint64_t)len;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    h2 += h1;
    for (int k = 0; k < 8; k++) {
        out[k] = (unsigned char)(h1 >> (56 - 8 * k));
        out[8 + k] = (unsigned char)(h2 >> (56 - 8 * k));
    }
}

bool pdf_archive_set_id(unsigned char *bytes, size_t len)
{
    /* libharu writes the array as "[ <hex> <hex> ]" in the trailer */
    static const char hole[] = "/ID [ <00000000000000000000000000000000> "
                               "<00000000000000000000000000000000> ]";
    size_t n = sizeof hole - 1;
    unsigned char *at = NULL;
    for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;) {
        if (bytes[i] == '/' && memcmp(bytes + i, hole, n) == 0) {
            at = bytes + i;
            break;
        }
    }
    if (!at)
        return false;
    unsigned char digest[ID_LEN];
    id_digest(bytes, len, digest);
    static const char hex[] = "0123456789ABCDEF";
    for (int k = 0; k < 2; k++) {
        unsigned char *h = at + 7 + (size_t)k * (2 * ID_LEN + 3);
        for (int i = 0; i < ID_LEN; i++) {
            h[2 * i] = (unsigned char)hex[digest[i] >> 4];
            h[2 * i + 1] = (unsigned char)hex[digest[i] & 15];
        }
    }
    return true;
}
