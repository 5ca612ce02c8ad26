/* The archival PDF (PDF/A-3, PDF/UA-1) end to end: no validator for
 * either is packaged for Debian, so the clauses are checked one by one
 * with real readers:
 *   pdfinfo -meta  the XMP metadata: PDF/A and PDF/UA identification, the
 *                  same title, author, dates and producer as Info;
 *   qpdf --json    the objects: /ID, /Lang, the output intent with its
 *                  ICC profile, /ViewerPreferences;
 *   transicc       (Little CMS) the ICC profile is sRGB;
 *   and two renders are byte-identical, with an /ID that follows the
 *   content.
 * usage: test_archival PAIBAN REPORT.json WORKDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/fsio.h"
#include "qpdfjson.h"

static const char *paiban, *report, *work;

static char *slurp(const char *path, size_t *len)
{
    pb_diag d;
    pb_diag_init(&d);
    char *data = NULL;
    if (!pb_read_file(path, 1u << 30, PB_ERR_IO, &data, len, &d))
        data = NULL;
    pb_diag_free(&d);
    return data;
}

static bool render(const char *in, const char *out, const char *extra)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "SOURCE_DATE_EPOCH=1642636800 '%s' render '%s' -o '%s' %s 2>&1 >/dev/null | "
             "grep -v ': warning: '",
             paiban, in, out, extra ? extra : "");
    int st;
    char *msg = test_run(cmd, &st);
    bool ok = CHECK(msg[0] == 0, "render %s: %s", in, msg);
    free(msg);
    struct stat sb;
    return ok && stat(out, &sb) == 0;
}

/* The XMP packet as pdfinfo shows it. */
static void check_xmp(const char *pdf)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdfinfo -meta '%s' 2>&1", pdf);
    int st;
    char *x = test_run(cmd, &st);
    CHECK(st == 0 && strstr(x, "<?xpacket begin=\"\xEF\xBB\xBF\""),
          "pdfinfo -meta shows an XMP packet:\n%s", x);
    CHECK(strstr(x, "<pdfaid:part>3</pdfaid:part>") &&
              strstr(x, "<pdfaid:conformance>B</pdfaid:conformance>"),
          "XMP: PDF/A-3 level B");
    free(x);

    /* the XMP says what Info says */
    snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 -isodates '%s' 2>&1", pdf);
    char *info = test_run(cmd, &st);
    snprintf(cmd, sizeof cmd, "pdfinfo -meta '%s' 2>&1", pdf);
    x = test_run(cmd, &st);
    static const char *const pairs[][3] = {
        {"Title:", "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">", "</rdf:li>"},
        {"Author:", "<dc:creator><rdf:Seq><rdf:li>", "</rdf:li>"},
        {"Subject:", "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">", "</rdf:li>"},
        {"Keywords:", "<pdf:Keywords>", "</pdf:Keywords>"},
        {"Creator:", "<xmp:CreatorTool>", "</xmp:CreatorTool>"},
        {"Producer:", "<pdf:Producer>", "</pdf:Producer>"},
        {"CreationDate:", "<xmp:CreateDate>", "</xmp:CreateDate>"},
        {"ModDate:", "<xmp:ModifyDate>", "</xmp:ModifyDate>"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        char *line = strstr(info, pairs[i][0]);
        char want[1024] = "";
        if (line) {
            line += strlen(pairs[i][0]);
            line += strspn(line, " ");
            size_t n = strcspn(line, "\n");
            snprintf(want, sizeof want, "%s%.*s%s", pairs[i][1], (int)n, line, pairs[i][2]);
        }
        CHECK(line && strstr(x, want), "XMP has %s as Info says: %s", pairs[i][0], want);
    }
    free(info);
    free(x);
}

/* The trailer and the catalog as qpdf reads them. */
static void check_objects(const char *pdf)
{
    qj *q = qj_load(pdf);
    if (!CHECK(q != NULL, "qpdf --json reads %s", pdf))
        return;
    cJSON *trailer = qj_trailer(q);
    cJSON *id = qj_key(q, trailer, "/ID");
    CHECK(cJSON_GetArraySize(id) == 2 && cJSON_IsString(cJSON_GetArrayItem(id, 0)) &&
              strlen(cJSON_GetArrayItem(id, 0)->valuestring) == 2 + 32 &&
              strcmp(cJSON_GetArrayItem(id, 0)->valuestring,
                     cJSON_GetArrayItem(id, 1)->valuestring) == 0,
          "trailer: /ID of two equal 16-byte strings");
    CHECK(!qj_key(q, trailer, "/Encrypt"), "no encryption");

    cJSON *root = qj_key(q, trailer, "/Root");
    const char *lang = qj_text(qj_key(q, root, "/Lang"));
    CHECK(lang && strcmp(lang, "zh-CN") == 0, "catalog: /Lang (zh-CN)");
    CHECK(cJSON_IsTrue(qj_key(q, qj_key(q, root, "/ViewerPreferences"), "/DisplayDocTitle")),
          "catalog: /ViewerPreferences /DisplayDocTitle true");
    cJSON *meta = qj_key(q, root, "/Metadata");
    CHECK(qj_is_stream(meta) && qj_is_name(qj_key(q, meta, "/Subtype"), "/XML") &&
              !qj_key(q, meta, "/Filter"),
          "catalog: /Metadata, an XML stream without a filter");

    cJSON *intents = qj_key(q, root, "/OutputIntents");
    cJSON *oi = qj_get(q, cJSON_GetArrayItem(intents, 0));
    CHECK(cJSON_GetArraySize(intents) == 1 && qj_is_name(qj_key(q, oi, "/S"), "/GTS_PDFA1") &&
              qj_is_name(qj_key(q, oi, "/Type"), "/OutputIntent"),
          "catalog: one output intent, GTS_PDFA1");
    const char *cond = qj_text(qj_key(q, oi, "/OutputConditionIdentifier"));
    CHECK(cond && strcmp(cond, "sRGB IEC61966-2.1") == 0, "output condition: sRGB");
    cJSON *prof = qj_key(q, oi, "/DestOutputProfile");
    cJSON *n = qj_key(q, prof, "/N");
    size_t icc_len = 0;
    unsigned char *icc = qj_stream(q, prof, &icc_len);
    CHECK(cJSON_IsNumber(n) && n->valueint == 3 && icc && icc_len > 128 &&
              memcmp(icc + 36, "acsp", 4) == 0 && memcmp(icc + 12, "mntr", 4) == 0 &&
              memcmp(icc + 16, "RGB ", 4) == 0 &&
              ((size_t)icc[0] << 24 | (size_t)icc[1] << 16 | (size_t)icc[2] << 8 | icc[3]) ==
                  icc_len,
          "output intent: an RGB display ICC profile of its stated size, /N 3");
    if (icc) {
        /* Little CMS reads it, and it converts like its built-in sRGB */
        char path[512], cmd[1024];
        snprintf(path, sizeof path, "%s/srgb.icc", work);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(icc, 1, icc_len, f);
            fclose(f);
        }
        const char *rgb = "255 0 0\\n0 255 0\\n0 0 255\\n128 128 128\\n255 255 255\\n";
        int st1, st2;
        snprintf(cmd, sizeof cmd, "printf '%s' | transicc -n -i '%s' -o '*Lab' 2>&1", rgb, path);
        char *ours = test_run(cmd, &st1);
        snprintf(cmd, sizeof cmd, "printf '%s' | transicc -n -i '*sRGB' -o '*Lab' 2>&1", rgb);
        char *ref = test_run(cmd, &st2);
        /* compare the Lab numbers: within 0.1 of the built-in sRGB */
        double va[16], vb[16];
        int na = 0, nb = 0;
        for (char *l = strtok(ours, "\n"); l && na < 15; l = strtok(NULL, "\n"))
            if (sscanf(l, "%lf %lf %lf", &va[na], &va[na + 1], &va[na + 2]) == 3)
                na += 3;
        for (char *l = strtok(ref, "\n"); l && nb < 15; l = strtok(NULL, "\n"))
            if (sscanf(l, "%lf %lf %lf", &vb[nb], &vb[nb + 1], &vb[nb + 2]) == 3)
                nb += 3;
        bool close = st1 == 0 && st2 == 0 && na == 15 && nb == 15;
        for (int i = 0; close && i < 15; i++)
            if (va[i] - vb[i] > 0.1 || vb[i] - va[i] > 0.1)
                close = false;
        CHECK(close, "the profile converts like sRGB (Little CMS transicc):\n%s\nsRGB:\n%s",
              ours, ref);
        free(ours);
        free(ref);
    }
    free(icc);
    qj_free(q);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_archival PAIBAN REPORT.json WORKDIR\n");
        return 2;
    }
    paiban = argv[1];
    report = argv[2];
    work = argv[3];
    mkdir(work, 0777);
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/a.pdf", work);
    snprintf(b, sizeof b, "%s/b.pdf", work);
    if (!render(report, a, NULL) || !render(report, b, NULL))
        return test_summary();

    size_t la, lb;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    CHECK(da && db && la == lb && memcmp(da, db, la) == 0, "two renders are byte-identical");
    CHECK(da && la > 8 && memcmp(da, "%PDF-1.7\n", 9) == 0, "PDF 1.7 (PDF/A-3)");
    free(da);
    free(db);

    check_xmp(a);
    check_objects(a);
    return test_summary();
}
