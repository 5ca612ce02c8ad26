/* The archival PDF (PDF/A-3, PDF/UA-1) end to end: no validator for
 * either is packaged for Debian, so the clauses are checked one by one
 * with real readers:
 *   pdfinfo -meta  the XMP metadata: PDF/A and PDF/UA identification, the
 *                  same title, author, dates and producer as Info;
 *   pdfinfo -struct-text
 *                  the structure tree read in order gives every text and
 *                  table cell of the report in order, and nothing twice
 *                  (page numbers, repeated headers are artifacts);
 *   qpdf --json    the objects: /ID, /Lang, /MarkInfo, the output intent
 *                  with its ICC profile, /ViewerPreferences; the content
 *                  streams: every painting operator inside marked content
 *                  or an artifact, every MCID in the page's ParentTree
 *                  entry and in its element's /K; the tables' rows and
 *                  spans make a full grid;
 *   transicc       (Little CMS) the ICC profile is sRGB;
 *   and two renders are byte-identical.
 * usage: test_archival PAIBAN REPORT.json WORKDIR
 *        [--table KEY SPEC]... [--headers KEY SPEC]... [--one-table-pages N]
 *        [--links N] [--cell-links N]
 * --table checks cells of the table that has a cell KEY: SPEC is
 * "TEXT|ROLE|SCOPE|ROWSPAN|COLSPAN" (SCOPE "-" for none); --headers KEY
 * "TEXT|HEADER,…": the value cell TEXT lists those header cells.
 * --one-table-pages: the document's one Table has cells on N pages.
 * --links N: N link annotations, each tied to a Link element;
 * --cell-links N: N of them in table cells (the Link inside the TD).
 * --seal PNG: the report's signatures get this seal image (a Figure).
 * --signed KEYDIR: the PDF is signed as it is rendered (KEYDIR/rsa.key,
 * rsa.pem and ca.pem, made by tests/sign/make-keys.sh): it starts with the
 * bytes of the unsigned PDF (an incremental update), keeps every check
 * above, and its signature field is a printed, locked widget with /TU, in
 * the AcroForm with /SigFlags 3, tied by an object reference to a Form
 * element, over the seal when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/diag.h"
#include "base/fsio.h"
#include "input/input.h"
#include "layout/table.h"
#include "qpdfjson.h"

static const char *paiban, *report, *work;
static char render_extra[4096]; /* --seal and --signed */
static bool is_signed, has_seal;

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
              strstr(x, "<pdfaid:conformance>A</pdfaid:conformance>"),
          "XMP: PDF/A-3 level A");
    CHECK(strstr(x, "<pdfuaid:part>1</pdfuaid:part>"), "XMP: PDF/UA-1");
    /* pdfuaid is not predefined by PDF/A: its extension schema is there */
    CHECK(strstr(x, "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/"
                    "</pdfaSchema:namespaceURI>") &&
              strstr(x, "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"),
          "XMP: the PDF/UA extension schema is described");
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
    /* a signed file's second identifier is that of its signed version */
    CHECK(cJSON_GetArraySize(id) == 2 && cJSON_IsString(cJSON_GetArrayItem(id, 0)) &&
              strlen(cJSON_GetArrayItem(id, 0)->valuestring) == 2 + 32 &&
              cJSON_IsString(cJSON_GetArrayItem(id, 1)) &&
              strlen(cJSON_GetArrayItem(id, 1)->valuestring) == 2 + 32 &&
              (strcmp(cJSON_GetArrayItem(id, 0)->valuestring,
                      cJSON_GetArrayItem(id, 1)->valuestring) == 0) != is_signed,
          "trailer: /ID of two 16-byte strings, equal unless the file was signed");
    CHECK(!qj_key(q, trailer, "/Encrypt"), "no encryption");

    cJSON *root = qj_key(q, trailer, "/Root");
    const char *lang = qj_text(qj_key(q, root, "/Lang"));
    CHECK(lang && strcmp(lang, "zh-CN") == 0, "catalog: /Lang (zh-CN)");
    CHECK(cJSON_IsTrue(qj_key(q, qj_key(q, root, "/MarkInfo"), "/Marked")),
          "catalog: /MarkInfo /Marked true");
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


/* ---- reading order: the structure tree gives the report's text --------- */

typedef struct strlist {
    char **items;
    int n, cap;
} strlist;

static void sl_add(strlist *l, const char *s, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->items = test_realloc(l->items, (size_t)l->cap * sizeof *l->items);
    }
    char *c = test_realloc(NULL, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\n')
            c[o++] = s[i];
    c[o] = 0;
    l->items[l->n++] = c;
}

/* The report's texts in reading order, from the input stage's model: the
 * blocks' texts, and each table's caption and cells row by row. */
static strlist expected_texts(void)
{
    strlist l = {0};
    pb_diag diag;
    pb_diag_init(&diag);
    pb_arena *arena = pb_arena_new();
    pb_report *r = pb_input_report_file(report, arena, &diag);
    pb_input_paths paths = {.data_dir = test_data_dir()};
    const pb_layout *layout =
        r ? pb_input_layout(r->layout ? r->layout : PB_DEFAULT_LAYOUT, r->dir, &paths, arena,
                            &diag)
          : NULL;
    if (!CHECK(layout && pb_input_bind_tables(r, layout, arena, &diag), "report and layout read"))
        return l;
    for (int b = 0; b < r->nblocks; b++) {
        const pb_block *bl = &r->blocks[b];
        for (int t = 0; t < bl->ntexts; t++) {
            size_t n = 0;
            for (int k = 0; k < bl->texts[t].nruns; k++)
                n += bl->texts[t].runs[k].len;
            char *buf = test_realloc(NULL, n + 1), *p = buf;
            for (int k = 0; k < bl->texts[t].nruns; k++) {
                memcpy(p, bl->texts[t].runs[k].text, bl->texts[t].runs[k].len);
                p += bl->texts[t].runs[k].len;
            }
            sl_add(&l, buf, n);
            free(buf);
        }
        if (bl->kind == PB_BLOCK_TABLE && bl->table) {
            const char *cap = bl->caption ? bl->caption : bl->table->caption;
            if (cap && *cap)
                sl_add(&l, cap, strlen(cap));
            pb_table_grid g;
            if (CHECK(pb_table_grid_build(bl->table, bl->values, bl->nvalues, arena, &g, &diag),
                      "grid of %s", bl->path))
                for (int c = 0; c < g.ncells; c++)
                    if (g.cells[c].text[0])
                        sl_add(&l, g.cells[c].text, strlen(g.cells[c].text));
        }
    }
    pb_arena_free(arena);
    pb_diag_free(&diag);
    return l;
}

/* pdfinfo -struct-text: the quoted texts of the tree, in its order,
 * joined; every expected text is found in order and nothing is left over. */
static void check_struct_text(const char *pdf, const strlist *want)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdfinfo -struct-text '%s' 2>&1", pdf);
    int st;
    char *out = test_run(cmd, &st);
    CHECK(st == 0 && strncmp(out, "Document\n", 9) == 0, "pdfinfo -struct-text: a Document:\n%.300s",
          out);
    size_t cap = strlen(out) + 1, n = 0;
    char *all = test_realloc(NULL, cap);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        line += strspn(line, " ");
        size_t len = strlen(line);
        if (len >= 2 && line[0] == '"' && line[len - 1] == '"')
            for (size_t i = 1; i + 1 < len; i++)
                if (line[i] != ' ')
                    all[n++] = line[i];
    }
    all[n] = 0;
    const char *at = all;
    size_t total = 0;
    int found = 0;
    for (int i = 0; i < want->n; i++) {
        const char *hit = strstr(at, want->items[i]);
        if (CHECK(hit != NULL, "struct tree, in order: text %d: %.80s", i, want->items[i])) {
            at = hit + strlen(want->items[i]);
            found++;
        }
        total += strlen(want->items[i]);
    }
    CHECK(found > 0 && n == total,
          "the tree holds the report's text once, nothing more: %zu bytes, the report %zu", n,
          total);
    free(all);
    free(out);
}

/* ---- marked content ------------------------------------------------- */

/* A content stream token: kind 'n' number, '/' name, 's' string, 'o'
 * operator, '<' dict start, '>' dict end, '[' ']'. */
typedef struct tok {
    char kind;
    char text[64];
} tok;

static const unsigned char *next_tok(const unsigned char *p, const unsigned char *end, tok *t)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == '\f' || *p == 0))
        p++;
    if (p >= end)
        return NULL;
    size_t n = 0;
    t->text[0] = 0;
    if (*p == '(') {
        int depth = 0;
        for (; p < end; p++) {
            if (*p == '\\') {
                p++;
                continue;
            }
            if (*p == '(')
                depth++;
            if (*p == ')' && --depth == 0)
                break;
        }
        t->kind = 's';
        return p + 1;
    }
    if (*p == '<' && p + 1 < end && p[1] == '<') {
        t->kind = '<';
        return p + 2;
    }
    if (*p == '>' && p + 1 < end && p[1] == '>') {
        t->kind = '>';
        return p + 2;
    }
    if (*p == '<') {
        while (p < end && *p != '>')
            p++;
        t->kind = 's';
        return p + 1;
    }
    if (*p == '[' || *p == ']') {
        t->kind = (char)*p;
        return p + 1;
    }
    t->kind = *p == '/' ? '/' : (*p == '-' || *p == '.' || (*p >= '0' && *p <= '9')) ? 'n' : 'o';
    if (*p == '/')
        p++;
    while (p < end && !strchr(" \n\r\t\f/[]<>()", *p)) {
        if (n + 1 < sizeof t->text)
            t->text[n++] = (char)*p;
        p++;
    }
    t->text[n] = 0;
    return p;
}

static bool is_painting(const char *op)
{
    static const char *const ops[] = {"Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B",
                                      "B*", "b", "b*", "sh", "Do", "BI", NULL};
    for (int i = 0; ops[i]; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

typedef struct page_mc {
    int count;            /* MCIDs on the page */
    int max;              /* highest MCID + 1 */
    bool *seen;
} page_mc;

/* Does element e's /K name MCID mcid on page pg (pg_ref "N 0 R")? */
static bool k_has(const qj *q, cJSON *e, const char *pg_ref, int mcid)
{
    cJSON *pg = qj_raw(q, e, "/Pg");
    cJSON *k = qj_key(q, e, "/K");
    int nk = cJSON_IsArray(k) ? cJSON_GetArraySize(k) : 1;
    for (int i = 0; i < nk; i++) {
        cJSON *it = cJSON_IsArray(k) ? qj_get(q, cJSON_GetArrayItem(k, i)) : k;
        if (cJSON_IsNumber(it) && it->valueint == mcid && cJSON_IsString(pg) &&
            !strcmp(pg->valuestring, pg_ref))
            return true;
        if (cJSON_IsObject(it) && qj_is_name(qj_key(q, it, "/Type"), "/MCR")) {
            cJSON *ipg = qj_raw(q, it, "/Pg");
            cJSON *im = qj_key(q, it, "/MCID");
            if (cJSON_IsNumber(im) && im->valueint == mcid && cJSON_IsString(ipg) &&
                !strcmp(ipg->valuestring, pg_ref))
                return true;
        }
    }
    return false;
}

static int repeat_pages; /* pages with a repeated part (not the footer) */

static void check_marked_content(const qj *q)
{
    cJSON *root = qj_key(q, qj_trailer(q), "/Root");
    cJSON *tree = qj_key(q, root, "/StructTreeRoot");
    if (!CHECK(tree && qj_is_name(qj_key(q, tree, "/Type"), "/StructTreeRoot"),
               "catalog: /StructTreeRoot"))
        return;
    cJSON *nums = qj_key(q, qj_key(q, tree, "/ParentTree"), "/Nums");
    cJSON *kids = qj_key(q, qj_key(q, root, "/Pages"), "/Kids");
    int npages = cJSON_GetArraySize(kids), painted_outside = 0, mcids = 0, artifacts = 0;
    for (int p = 0; p < npages; p++) {
        cJSON *pref = cJSON_GetArrayItem(kids, p);
        cJSON *page = qj_get(q, pref);
        cJSON *sp = qj_key(q, page, "/StructParents");
        if (!CHECK(cJSON_IsNumber(sp), "page %d: /StructParents", p + 1))
            continue;
        /* its ParentTree entry */
        cJSON *entry = NULL;
        for (int i = 0; i + 1 < cJSON_GetArraySize(nums); i += 2)
            if (cJSON_GetArrayItem(nums, i)->valueint == sp->valueint)
                entry = qj_get(q, cJSON_GetArrayItem(nums, i + 1));
        CHECK(cJSON_IsArray(entry), "page %d: a ParentTree entry for key %d", p + 1,
              sp->valueint);
        size_t len = 0;
        unsigned char *data = qj_stream(q, qj_raw(q, page, "/Contents"), &len);
        if (!CHECK(data != NULL, "page %d: content stream", p + 1))
            continue;
        tok prev[4] = {{0}}, t;
        int depth = 0, page_mcids = 0;
        bool pagination = false, footer = false, repeated = false;
        char last_name[64] = "";
        const unsigned char *at = data, *end = data + len;
        while ((at = next_tok(at, end, &t))) {
            if (t.kind == 'o') {
                if (!strcmp(t.text, "BDC") || !strcmp(t.text, "BMC")) {
                    depth++;
                    if (!strcmp(last_name, "Artifact"))
                        artifacts++;
                    if (!strcmp(last_name, "Artifact") && pagination && !footer)
                        repeated = true;
                } else if (!strcmp(t.text, "EMC")) {
                    depth--;
                } else if (is_painting(t.text) && depth <= 0) {
                    painted_outside++;
                }
                if (!strcmp(t.text, "BDC") && prev[0].kind == '>' && prev[2].kind == '/' &&
                    !strcmp(prev[2].text, "MCID")) {
                    int m = atoi(prev[1].text);
                    page_mcids++;
                    mcids++;
                    cJSON *e = qj_get(q, cJSON_GetArrayItem(entry, m));
                    CHECK(e && k_has(q, e, pref->valuestring, m),
                          "page %d: MCID %d: its ParentTree element lists it in /K", p + 1, m);
                }
            }
            /* the tag of BDC/BMC: the first name after the last operator */
            if (t.kind == 'o') {
                last_name[0] = 0;
                pagination = footer = false;
            } else if (t.kind == '/' && !last_name[0]) {
                snprintf(last_name, sizeof last_name, "%s", t.text);
            }
            if (t.kind == '/' && !strcmp(t.text, "Pagination"))
                pagination = true;
            if (t.kind == '/' && !strcmp(t.text, "Footer"))
                footer = true;
            prev[3] = prev[2];
            prev[2] = prev[1];
            prev[1] = prev[0];
            prev[0] = t;
        }
        CHECK(depth == 0, "page %d: marked content is closed", p + 1);
        repeat_pages += repeated;
        CHECK(cJSON_GetArraySize(entry) == page_mcids,
              "page %d: ParentTree entry has %d elements for %d MCIDs", p + 1,
              cJSON_GetArraySize(entry), page_mcids);
        free(data);
    }
    CHECK(painted_outside == 0, "no painting operator outside marked content (%d found)",
          painted_outside);
    CHECK(mcids > 0 && artifacts > 0, "%d marked sequences of content, %d artifacts", mcids,
          artifacts);
}

/* Link annotations: printed (/F 4, PDF/A), an alternate text (/Contents)
 * and a /StructParent whose ParentTree entry is a Link element holding an
 * object reference to the annotation and the address's marked content
 * (PDF/UA); *in_cells: how many of those Link elements are inside a table
 * cell (TD or TH). */
static int check_annotations(const qj *q, int *in_cells)
{
    *in_cells = 0;
    cJSON *root = qj_key(q, qj_trailer(q), "/Root");
    cJSON *tree = qj_key(q, root, "/StructTreeRoot");
    cJSON *nums = qj_key(q, qj_key(q, tree, "/ParentTree"), "/Nums");
    cJSON *kids = qj_key(q, qj_key(q, root, "/Pages"), "/Kids");
    int links = 0;
    for (int p = 0; p < cJSON_GetArraySize(kids); p++) {
        cJSON *annots = qj_key(q, cJSON_GetArrayItem(kids, p), "/Annots");
        for (int a = 0; a < cJSON_GetArraySize(annots); a++) {
            cJSON *ref = cJSON_GetArrayItem(annots, a);
            cJSON *an = qj_get(q, ref);
            if (!qj_is_name(qj_key(q, an, "/Subtype"), "/Link"))
                continue;
            links++;
            cJSON *f = qj_key(q, an, "/F"), *sp = qj_key(q, an, "/StructParent");
            CHECK(cJSON_IsNumber(f) && (f->valueint & 4) && qj_text(qj_key(q, an, "/Contents")),
                  "page %d: a link annotation is printed and has /Contents", p + 1);
            cJSON *elem = NULL;
            for (int i = 0; cJSON_IsNumber(sp) && i + 1 < cJSON_GetArraySize(nums); i += 2)
                if (cJSON_GetArrayItem(nums, i)->valueint == sp->valueint)
                    elem = qj_get(q, cJSON_GetArrayItem(nums, i + 1));
            bool objr = false, content = false;
            cJSON *k = qj_key(q, elem, "/K");
            int nk = cJSON_IsArray(k) ? cJSON_GetArraySize(k) : 1;
            for (int i = 0; i < nk; i++) {
                cJSON *it = cJSON_IsArray(k) ? qj_get(q, cJSON_GetArrayItem(k, i)) : k;
                cJSON *obj = qj_raw(q, it, "/Obj");
                if (qj_is_name(qj_key(q, it, "/Type"), "/OBJR") && cJSON_IsString(obj) &&
                    cJSON_IsString(ref) && !strcmp(obj->valuestring, ref->valuestring))
                    objr = true;
                if (cJSON_IsNumber(it) || cJSON_IsNumber(qj_key(q, it, "/MCID")))
                    content = true;
            }
            CHECK(qj_is_name(qj_key(q, elem, "/S"), "/Link") && objr,
                  "page %d: a link annotation belongs to a Link element", p + 1);
            CHECK(content, "page %d: the Link element holds the address's text", p + 1);
            cJSON *parent = qj_key(q, qj_key(q, elem, "/P"), "/S");
            if (qj_is_name(parent, "/TD") || qj_is_name(parent, "/TH"))
                (*in_cells)++;
        }
    }
    return links;
}

/* A signed file: the signature field, its widget and its tags. */
static void check_signature_field(const qj *q)
{
    cJSON *root = qj_key(q, qj_trailer(q), "/Root");
    cJSON *form = qj_key(q, root, "/AcroForm");
    cJSON *fields = qj_key(q, form, "/Fields");
    cJSON *sf = qj_key(q, form, "/SigFlags");
    if (!CHECK(cJSON_GetArraySize(fields) == 1 && cJSON_IsNumber(sf) && sf->valueint == 3,
               "signed: an /AcroForm with one field and /SigFlags 3"))
        return;
    cJSON *ref = cJSON_GetArrayItem(fields, 0);
    cJSON *w = qj_get(q, ref);
    cJSON *f = qj_key(q, w, "/F");
    cJSON *v = qj_key(q, w, "/V");
    CHECK(qj_is_name(qj_key(q, w, "/FT"), "/Sig") && qj_is_name(qj_key(q, w, "/Subtype"), "/Widget") &&
              cJSON_IsNumber(f) && f->valueint == 132 && qj_text(qj_key(q, w, "/TU")),
          "signed: the field is a widget, printed and locked (/F 132), with /TU");
    CHECK(qj_is_name(qj_key(q, v, "/SubFilter"), "/ETSI.CAdES.detached") &&
              qj_is_name(qj_key(q, v, "/Type"), "/Sig") && cJSON_GetArraySize(qj_key(q, v, "/ByteRange")) == 4,
          "signed: a /Sig value, ETSI.CAdES.detached, with a /ByteRange");
    cJSON *n = qj_key(q, qj_key(q, w, "/AP"), "/N");
    CHECK(qj_is_stream(n), "signed: the widget has an appearance stream (PDF/A)");
    cJSON *rect = qj_key(q, w, "/Rect");
    double area = 0;
    if (cJSON_GetArraySize(rect) == 4)
        area = (cJSON_GetArrayItem(rect, 2)->valuedouble - cJSON_GetArrayItem(rect, 0)->valuedouble) *
               (cJSON_GetArrayItem(rect, 3)->valuedouble - cJSON_GetArrayItem(rect, 1)->valuedouble);
    CHECK(has_seal ? area > 100 * 100 : area == 0,
          "signed: the widget is %s (area %.0f)", has_seal ? "over the seal" : "invisible", area);
    /* on its page's /Annots, tied to a Form element by an OBJR */
    cJSON *page = qj_key(q, w, "/P");
    cJSON *annots = qj_key(q, page, "/Annots");
    bool listed = false;
    for (int i = 0; i < cJSON_GetArraySize(annots); i++)
        listed |= cJSON_IsString(cJSON_GetArrayItem(annots, i)) &&
                  !strcmp(cJSON_GetArrayItem(annots, i)->valuestring, ref->valuestring);
    CHECK(listed, "signed: the widget is in its page's /Annots");
    cJSON *sp = qj_key(q, w, "/StructParent");
    cJSON *nums = qj_key(q, qj_key(q, qj_key(q, root, "/StructTreeRoot"), "/ParentTree"), "/Nums");
    cJSON *elem = NULL;
    for (int i = 0; cJSON_IsNumber(sp) && i + 1 < cJSON_GetArraySize(nums); i += 2)
        if (cJSON_GetArrayItem(nums, i)->valueint == sp->valueint)
            elem = qj_get(q, cJSON_GetArrayItem(nums, i + 1));
    cJSON *k = qj_key(q, elem, "/K");
    cJSON *obj = qj_raw(q, k, "/Obj");
    CHECK(qj_is_name(qj_key(q, elem, "/S"), "/Form") && qj_is_name(qj_key(q, k, "/Type"), "/OBJR") &&
              cJSON_IsString(obj) && !strcmp(obj->valuestring, ref->valuestring),
          "signed: the widget's /StructParent is a Form element holding an OBJR to it");
    cJSON *parent = qj_key(q, elem, "/P");
    CHECK(qj_is_name(qj_key(q, parent, "/S"), has_seal ? "/Signature" : "/Document"),
          "signed: the Form element is in the %s element", has_seal ? "signature's" : "document's");
    cJSON *next = qj_key(q, qj_key(q, root, "/StructTreeRoot"), "/ParentTreeNextKey");
    CHECK(cJSON_IsNumber(next) && cJSON_IsNumber(sp) && next->valueint == sp->valueint + 1,
          "signed: /ParentTreeNextKey follows the widget's key");
}

/* ---- tables ------------------------------------------------------------ */

/* An element of pdfinfo -struct-text: its type, attributes and text. */
typedef struct node {
    int indent;
    char type[32];
    int rowspan, colspan;
    char scope[16];
    char text[512];
    char id[32];          /* TH <id>: */
    char headers[512];    /* /Headers [(id) (id)] */
    int parent;
} node;

static node *parse_struct_text(const char *pdf, int *count)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdfinfo -struct-text '%s' 2>&1", pdf);
    int st;
    char *out = test_run(cmd, &st);
    int cap = 1024, n = 0;
    node *v = test_realloc(NULL, (size_t)cap * sizeof *v);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        int ind = (int)strspn(line, " ");
        char *s = line + ind;
        if (*s == '"') {
            if (n > 0) {
                size_t have = strlen(v[n - 1].text), add = strlen(s);
                if (have + add < sizeof v[n - 1].text)
                    strcat(v[n - 1].text, s);
            }
            continue;
        }
        if (*s == '/') {
            if (n > 0 && !strncmp(s, "/Scope /", 8))
                snprintf(v[n - 1].scope, sizeof v[n - 1].scope, "%s", s + 8);
            if (n > 0 && !strncmp(s, "/RowSpan ", 9))
                v[n - 1].rowspan = atoi(s + 9);
            if (n > 0 && !strncmp(s, "/ColSpan ", 9))
                v[n - 1].colspan = atoi(s + 9);
            if (n > 0 && !strncmp(s, "/Headers ", 9))
                snprintf(v[n - 1].headers, sizeof v[n - 1].headers, "%s", s + 9);
            continue;
        }
        if (n == cap)
            v = test_realloc(v, (size_t)(cap *= 2) * sizeof *v);
        node *x = &v[n];
        memset(x, 0, sizeof *x);
        x->indent = ind;
        x->rowspan = x->colspan = 1;
        size_t tl = strcspn(s, " :");
        snprintf(x->type, sizeof x->type, "%.*s", (int)tl, s);
        const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
        if (lt && gt && gt - lt < (long)sizeof x->id)
            snprintf(x->id, sizeof x->id, "%.*s", (int)(gt - lt - 1), lt + 1);
        x->parent = -1;
        for (int k = n - 1; k >= 0; k--)
            if (v[k].indent < ind) {
                x->parent = k;
                break;
            }
        n++;
    }
    free(out);
    *count = n;
    return v;
}

/* The text of node i without quotes (its text lines joined). */
static void node_text(const node *x, char *out, size_t n)
{
    size_t o = 0;
    for (const char *s = x->text; *s && o + 1 < n; s++)
        if (*s != '"')
            out[o++] = *s;
    out[o] = 0;
}

static bool under(const node *v, int i, int anc)
{
    for (int p = v[i].parent; p >= 0; p = v[p].parent)
        if (p == anc)
            return true;
    return false;
}

/* Every table's rows, with the spans, tile a full grid. */
static void check_table_grids(const node *v, int n)
{
    int tables = 0;
    for (int t = 0; t < n; t++) {
        if (strcmp(v[t].type, "Table"))
            continue;
        tables++;
        enum { MAXC = 128, MAXR = 6000 };
        static unsigned char used[MAXR][MAXC];
        memset(used, 0, sizeof used);
        int row = -1, width = -1, rows = 0;
        bool ok = true;
        for (int i = t + 1; i < n && under(v, i, t); i++) {
            if (!strcmp(v[i].type, "TR")) {
                if (row >= 0 && width < 0)
                    for (width = 0; width < MAXC && used[row][width]; width++)
                        ;
                row++;
                rows++;
                continue;
            }
            if (strcmp(v[i].type, "TH") && strcmp(v[i].type, "TD"))
                continue;
            if (row < 0 || row >= MAXR) {
                ok = false;
                break;
            }
            int c = 0;
            while (c < MAXC && used[row][c])
                c++;
            for (int r = row; r < row + v[i].rowspan && r < MAXR; r++)
                for (int k = c; k < c + v[i].colspan && k < MAXC; k++) {
                    if (used[r][k])
                        ok = false;
                    used[r][k] = 1;
                }
        }
        if (width < 0)
            for (width = 0; width < MAXC && row >= 0 && used[row][width]; width++)
                ;
        for (int r = 0; r < rows && ok; r++)
            for (int c = 0; c < MAXC; c++)
                if ((c < width) != (used[r][c] != 0))
                    ok = false;
        CHECK(ok && rows > 0 && width > 0,
              "table %d: its %d rows tile a grid %d columns wide with their spans", tables,
              rows, width);
    }
}

/* The Table that has a cell (or caption) whose text is key. */
static int find_table(const node *v, int n, const char *key)
{
    char buf[600];
    for (int i = 0; i < n; i++) {
        node_text(&v[i], buf, sizeof buf);
        if (strcmp(buf, key) || v[i].type[0] == 0)
            continue;
        for (int p = v[i].parent; p >= 0; p = v[p].parent)
            if (!strcmp(v[p].type, "Table"))
                return p;
    }
    return -1;
}

/* --table KEY "TEXT|ROLE|SCOPE|ROWSPAN|COLSPAN" (KEY: a cell of the table) */
static void check_table_cell(const node *v, int n, const char *caption, const char *spec)
{
    char text[256], role[8], scope[16];
    int rs, cs;
    if (!CHECK(sscanf(spec, "%255[^|]|%7[^|]|%15[^|]|%d|%d", text, role, scope, &rs, &cs) == 5,
               "spec %s", spec))
        return;
    char buf[600];
    int table = find_table(v, n, caption);
    if (!CHECK(table >= 0, "a Table with a cell %s", caption))
        return;
    int hits = 0;
    for (int i = table + 1; i < n && under(v, i, table); i++) {
        node_text(&v[i], buf, sizeof buf);
        if (strcmp(buf, text) || (strcmp(v[i].type, "TH") && strcmp(v[i].type, "TD")))
            continue;
        hits++;
        CHECK(!strcmp(v[i].type, role) && !strcmp(v[i].scope, strcmp(scope, "-") ? scope : "") &&
                  v[i].rowspan == rs && v[i].colspan == cs,
              "%s: cell %s is %s scope %s rowspan %d colspan %d; want %s", caption, text,
              v[i].type, v[i].scope, v[i].rowspan, v[i].colspan, spec);
    }
    CHECK(hits == 1, "%s: one cell %s (found %d)", caption, text, hits);
}

/* --headers KEY "TEXT|HEADER,HEADER,...": the cell TEXT of the table
 * lists exactly those header cells (by their text) in /Headers. */
static void check_headers(const node *v, int n, const char *caption, const char *spec)
{
    char text[256], list[1024], buf[600];
    if (!CHECK(sscanf(spec, "%255[^|]|%1023[^\n]", text, list) == 2, "spec %s", spec))
        return;
    int table = find_table(v, n, caption);
    if (!CHECK(table >= 0, "a Table with a cell %s", caption))
        return;
    int cell = -1;
    for (int i = table + 1; i < n && under(v, i, table); i++) {
        node_text(&v[i], buf, sizeof buf);
        if (!strcmp(buf, text) && !strcmp(v[i].type, "TD"))
            cell = i;
    }
    if (!CHECK(cell >= 0 && v[cell].headers[0], "%s: cell %s has /Headers", caption, text))
        return;
    /* the texts of the headers it names, in order */
    char got[1024] = "";
    for (const char *p = v[cell].headers; (p = strchr(p, '(')); p++) {
        const char *e = strchr(p, ')');
        if (!e)
            break;
        char id[32];
        snprintf(id, sizeof id, "%.*s", (int)(e - p - 1), p + 1);
        for (int i = table + 1; i < n && under(v, i, table); i++)
            if (!strcmp(v[i].id, id) && !strcmp(v[i].type, "TH")) {
                node_text(&v[i], buf, sizeof buf);
                if (got[0])
                    strncat(got, ",", sizeof got - strlen(got) - 1);
                strncat(got, buf, sizeof got - strlen(got) - 1);
            }
    }
    CHECK(!strcmp(got, list), "%s: cell %s is headed by %s, want %s", caption, text, got, list);
}

/* The pages an element's subtree has content on. */
static void subtree_pages(const qj *q, cJSON *e, char pages[][32], int *np, int depth)
{
    if (depth > 64)
        return;
    cJSON *pg = qj_raw(q, e, "/Pg");
    if (cJSON_IsString(pg)) {
        int k;
        for (k = 0; k < *np && strcmp(pages[k], pg->valuestring); k++)
            ;
        if (k == *np && *np < 4000)
            snprintf(pages[(*np)++], 32, "%s", pg->valuestring);
    }
    cJSON *kk = qj_key(q, e, "/K");
    int nk = cJSON_IsArray(kk) ? cJSON_GetArraySize(kk) : 1;
    for (int i = 0; i < nk; i++) {
        cJSON *it = cJSON_IsArray(kk) ? qj_get(q, cJSON_GetArrayItem(kk, i)) : kk;
        if (cJSON_IsObject(it))
            subtree_pages(q, it, pages, np, depth + 1);
    }
}

static void check_one_table(const qj *q, int want_pages)
{
    cJSON *root = qj_key(q, qj_trailer(q), "/Root");
    cJSON *doc = qj_key(q, qj_key(q, root, "/StructTreeRoot"), "/K");
    cJSON *k = qj_key(q, doc, "/K");
    int tables = 0;
    static char pages[4000][32];
    int np = 0;
    for (int i = 0; i < cJSON_GetArraySize(k); i++) {
        cJSON *e = qj_get(q, cJSON_GetArrayItem(k, i));
        if (qj_is_name(qj_key(q, e, "/S"), "/Table")) {
            tables++;
            subtree_pages(q, e, pages, &np, 0);
        }
    }
    CHECK(tables == 1 && np == want_pages, "one Table element (%d) with content on %d pages (%d)",
          tables, want_pages, np);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_archival PAIBAN REPORT.json WORKDIR [options]\n");
        return 2;
    }
    paiban = argv[1];
    report = argv[2];
    work = argv[3];
    mkdir(work, 0777);
    char a[512], b[512], u[512];
    snprintf(a, sizeof a, "%s/a.pdf", work);
    snprintf(b, sizeof b, "%s/b.pdf", work);
    snprintf(u, sizeof u, "%s/unsigned.pdf", work);
    for (int i = 4; i < argc; i++) {
        size_t at = strlen(render_extra);
        if (!strcmp(argv[i], "--seal") && i + 1 < argc) {
            snprintf(render_extra + at, sizeof render_extra - at, " --seal '%s'", argv[++i]);
            has_seal = true;
        } else if (!strcmp(argv[i], "--signed") && i + 1 < argc) {
            const char *k = argv[++i];
            snprintf(render_extra + at, sizeof render_extra - at,
                     " --key '%s/rsa.key' --cert '%s/rsa.pem' --chain '%s/ca.pem'", k, k, k);
            is_signed = true;
        }
    }
    if (!render(report, a, render_extra) || !render(report, b, render_extra))
        return test_summary();

    size_t la, lb;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    CHECK(da && db && la == lb && memcmp(da, db, la) == 0, "two renders are byte-identical");
    CHECK(da && la > 8 && memcmp(da, "%PDF-1.7\n", 9) == 0, "PDF 1.7 (PDF/A-3)");
    if (is_signed) {
        /* signing appends: the unsigned file is the signed one's start */
        char extra[4096];
        snprintf(extra, sizeof extra, "%s", render_extra);
        char *cut = strstr(extra, " --key");
        if (cut)
            *cut = 0;
        size_t lu = 0;
        char *du = render(report, u, extra) ? slurp(u, &lu) : NULL;
        CHECK(du && da && lu < la && memcmp(du, da, lu) == 0,
              "signed: the file starts with the unsigned PDF's %zu bytes (an incremental "
              "update)", lu);
        free(du);
    }
    free(da);
    free(db);

    check_xmp(a);
    check_objects(a);
    strlist want = expected_texts();
    check_struct_text(a, &want);
    for (int i = 0; i < want.n; i++)
        free(want.items[i]);
    free(want.items);
    qj *q = qj_load(a);
    if (CHECK(q != NULL, "qpdf --json")) {
        check_marked_content(q);
        if (is_signed)
            check_signature_field(q);
        int in_cells, links = check_annotations(q, &in_cells);
        for (int i = 4; i < argc; i++) {
            if (!strcmp(argv[i], "--links") && i + 1 < argc)
                CHECK(links == atoi(argv[i + 1]), "%d link annotations (%d)", atoi(argv[i + 1]),
                      links);
            if (!strcmp(argv[i], "--cell-links") && i + 1 < argc)
                CHECK(in_cells == atoi(argv[i + 1]),
                      "%d link annotations in table cells, their Link under the cell's "
                      "TD (%d)", atoi(argv[i + 1]), in_cells);
        }
    }
    int nn;
    node *v = parse_struct_text(a, &nn);
    check_table_grids(v, nn);
    for (int i = 4; i < argc; i++) {
        if (!strcmp(argv[i], "--table") && i + 2 < argc) {
            check_table_cell(v, nn, argv[i + 1], argv[i + 2]);
            i += 2;
        } else if ((!strcmp(argv[i], "--links") || !strcmp(argv[i], "--cell-links")) &&
                   i + 1 < argc) {
            i++; /* checked above */
        } else if (!strcmp(argv[i], "--headers") && i + 2 < argc) {
            check_headers(v, nn, argv[i + 1], argv[i + 2]);
            i += 2;
        } else if ((!strcmp(argv[i], "--seal") || !strcmp(argv[i], "--signed")) && i + 1 < argc) {
            i++; /* used above */
        } else if (!strcmp(argv[i], "--one-table-pages") && i + 1 < argc && q) {
            int want = atoi(argv[++i]);
            check_one_table(q, want);
            /* every page after the first shows the header again, as artifact */
            CHECK(repeat_pages == want - 1, "%d pages show repeated header rows as artifacts (%d)",
                  want - 1, repeat_pages);
        } else {
            CHECK(false, "unknown option %s", argv[i]);
        }
    }
    free(v);
    qj_free(q);
    return test_summary();
}
