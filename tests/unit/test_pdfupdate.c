/* The PDF reader across incremental updates, and the writer of updates.
 *
 * Reader: in a file with an update, the update's objects win over the
 * older ones, also when the update's cross-reference table has several
 * subsections and names more objects than the base (the flags of the
 * entries read first must survive the table's growth).
 *
 * Writer (pdfupdate): objects written back from the reader's parse come
 * back the same; an update appended to a file with a cross-reference table
 * gets a table, one appended to a file with a cross-reference stream gets
 * a stream; both read back with the update's objects winning, the older
 * ones still there, /Prev naming the older section, and the base bytes
 * untouched; names, text strings and numbers are written as PDF syntax.
 * usage: test_pdfupdate */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "pdfread/pdfread.h"
#include "pdfread/pdfupdate.h"
#include "../testutil.h"

/* A PDF of numbered objects (bodies given), a classic xref table. */
static size_t make_pdf(char *out, size_t cap, const char *const *bodies, int n,
                       const char *trailer_extra)
{
    size_t len = (size_t)snprintf(out, cap, "%%PDF-1.7\n");
    size_t offs[16];
    for (int i = 0; i < n; i++) {
        offs[i] = len;
        len += (size_t)snprintf(out + len, cap - len, "%d 0 obj\n%s\nendobj\n", i + 1, bodies[i]);
    }
    size_t x = len;
    len += (size_t)snprintf(out + len, cap - len, "xref\n0 %d\n0000000000 65535 f\r\n", n + 1);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%010zu 00000 n\r\n", offs[i]);
    len += (size_t)snprintf(out + len, cap - len,
                            "trailer\n<</Size %d /Root 1 0 R%s>>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                            trailer_extra, x);
    return len;
}

static const char *title_of(pb_pdf *p, long long num)
{
    return pb_pdf_text(p, pb_pdf_get(p, pb_pdf_object(p, num), "Title"));
}

static void test_reader_update(void)
{
    static const char *const base[] = {"<</Type /Catalog /Pages 2 0 R>>",
                                       "<</Type /Pages /Kids [] /Count 0>>",
                                       "<</Title (old three)>>", "<</Title (old four)>>"};
    char buf[8192];
    size_t len = make_pdf(buf, sizeof buf, base, 4, "");
    size_t prev = 0;
    sscanf(strstr(buf, "startxref\n") + 10, "%zu", &prev);
    /* the update: objects 3 and 5 new, in two subsections, Size 6 */
    size_t o3 = len;
    len += (size_t)snprintf(buf + len, sizeof buf - len, "3 0 obj\n<</Title (new three)>>\nendobj\n");
    size_t o5 = len;
    len += (size_t)snprintf(buf + len, sizeof buf - len, "5 0 obj\n<</Title (new five)>>\nendobj\n");
    size_t x = len;
    len += (size_t)snprintf(buf + len, sizeof buf - len,
                            "xref\n3 1\n%010zu 00000 n\r\n5 1\n%010zu 00000 n\r\n"
                            "trailer\n<</Size 6 /Root 1 0 R /Prev %zu>>\nstartxref\n%zu\n%%%%EOF\n",
                            o3, o5, prev, x);
    pb_diag d;
    pb_diag_init(&d);
    pb_arena *a = pb_arena_new();
    pb_pdf *p = pb_pdf_open((const unsigned char *)buf, len, "update.pdf", a, &d);
    if (CHECK(p != NULL, "an updated file opens")) {
        const char *t3 = title_of(p, 3), *t4 = title_of(p, 4), *t5 = title_of(p, 5);
        CHECK(t3 && !strcmp(t3, "new three"), "the update's object 3 wins (%s)", t3 ? t3 : "-");
        CHECK(t4 && !strcmp(t4, "old four"), "object 4 comes from the base (%s)", t4 ? t4 : "-");
        CHECK(t5 && !strcmp(t5, "new five"), "the update's new object 5 (%s)", t5 ? t5 : "-");
        CHECK(!pb_pdf_xref_is_stream(p) && pb_pdf_startxref(p) == x,
              "the newest section: a table at %zu", x);
    }
    CHECK(d.errors == 0, "no errors");
    pb_diag_free(&d);
    pb_arena_free(a);
}

/* ---- the writer ------------------------------------------------------------ */

static bool wrote(pb_wbuf *b, const char *want)
{
    bool ok = b->len == strlen(want) && memcmp(b->p, want, b->len) == 0;
    if (!ok)
        printf("  wrote \"%.*s\", want \"%s\"\n", (int)b->len, b->p ? (char *)b->p : "", want);
    pb_wbuf_free(b);
    return ok;
}

static void test_syntax(void)
{
    pb_wbuf b = {0};
    pb_wbuf_name(&b, "A b#(c)/é");
    CHECK(wrote(&b, "/A#20b#23#28c#29#2F#C3#A9"), "names escape what they must");
    pb_wbuf_text(&b, "plain (x)\\");
    CHECK(wrote(&b, "(plain \\(x\\)\\\\)"), "ASCII text is a literal string");
    pb_wbuf_text(&b, "印章𠀀");
    CHECK(wrote(&b, "<FEFF53707AE0D840DC00>"), "other text is UTF-16BE, surrogates above U+FFFF");
    pb_wbuf_int(&b, -1234567890123LL);
    CHECK(wrote(&b, "-1234567890123"), "integers");

    /* objects as parsed come back as PDF syntax */
    static const char src[] = "%PDF-1.7\n1 0 obj\n<</A [1 -2.5 0.125 /N (s) true null 3 0 R] "
                              "/B <</C 4>>>>\nendobj\nxref\n0 2\n0000000000 65535 f\r\n"
                              "0000000009 00000 n\r\ntrailer\n<</Size 2 /Root 1 0 R>>\n"
                              "startxref\n80\n%%EOF\n";
    char copy[sizeof src];
    memcpy(copy, src, sizeof src);
    size_t xref = (size_t)(strstr(copy, "xref") - copy);
    snprintf(strstr(copy, "startxref\n") + 10, 16, "%zu\n%%%%EOF\n", xref);
    pb_diag d;
    pb_diag_init(&d);
    pb_arena *a = pb_arena_new();
    pb_pdf *p = pb_pdf_open((const unsigned char *)copy, strlen(copy), "s.pdf", a, &d);
    const pb_pobj *o = p ? pb_pdf_object(p, 1) : NULL;
    if (CHECK(o != NULL, "the syntax file reads")) {
        pb_wbuf_object(&b, o, NULL, false);
        CHECK(wrote(&b, "<</A [1 -2.5 0.125 /N <73> true null 3 0 R]\n/B <</C 4\n>>\n>>"),
              "an object written back");
        static const char *const skip[] = {"A", NULL};
        pb_wbuf_object(&b, o, skip, true);
        CHECK(wrote(&b, "<</B <</C 4\n>>\n"), "an entry skipped, the dictionary left open");
    }
    pb_diag_free(&d);
    pb_arena_free(a);
}

/* An update of base: object 3 changed, a new object; read back. */
static void update_and_read(const unsigned char *base, size_t len, bool want_stream,
                            const char *what)
{
    pb_diag d;
    pb_diag_init(&d);
    pb_arena *a = pb_arena_new();
    pb_pdf *p = pb_pdf_open(base, len, what, a, &d);
    if (!CHECK(p != NULL, "%s: the base opens", what)) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        pb_arena_free(a);
        return;
    }
    CHECK(pb_pdf_xref_is_stream(p) == want_stream, "%s: the base's section is a %s", what,
          want_stream ? "stream" : "table");
    pb_pdf_update *u = pb_pdf_update_begin(p, base, len, a);
    long long n = pb_pdf_update_new(u);
    pb_wbuf_str(pb_pdf_update_object(u, n), "<</Title (added)>>");
    pb_wbuf *b = pb_pdf_update_object(u, 3);
    pb_wbuf_object(b, pb_pdf_object(p, 3), (const char *const[]){"Title", NULL}, true);
    pb_wbuf_str(b, "/Title ");
    pb_wbuf_text(b, "改过的");
    pb_wbuf_str(b, ">>");
    unsigned char *out;
    size_t out_len, id_at;
    bool ok = pb_pdf_update_finish(u, &out, &out_len, &id_at);
    pb_pdf_update_free(u);
    if (!CHECK(ok, "%s: the update is written", what)) {
        pb_arena_free(a);
        pb_diag_free(&d);
        return;
    }
    CHECK(out_len > len && memcmp(out, base, len) == 0, "%s: the base's bytes are untouched", what);
    CHECK(id_at > len && id_at + 33 <= out_len && !memcmp(out + id_at, "00000000000000000000000000000000>", 33),
          "%s: the second identifier is left as zeros for the caller", what);
    const char *tail = (const char *)out + len;
    bool has_table = strstr(tail, "\nxref\n") != NULL;
    bool has_stream = strstr(tail, "/Type /XRef") != NULL;
    CHECK(has_table != want_stream && has_stream == want_stream,
          "%s: the update's section is a %s", what, want_stream ? "stream" : "table");
    pb_arena *a2 = pb_arena_new();
    pb_diag d2;
    pb_diag_init(&d2);
    pb_pdf *q = pb_pdf_open(out, out_len, what, a2, &d2);
    if (CHECK(q != NULL, "%s: the updated file opens", what)) {
        const char *t3 = title_of(q, 3), *tn = title_of(q, n), *t4 = title_of(q, 4);
        CHECK(t3 && !strcmp(t3, "改过的"), "%s: the changed object wins (%s)", what, t3 ? t3 : "-");
        CHECK(tn && !strcmp(tn, "added"), "%s: the new object is there", what);
        CHECK(t4 && !strcmp(t4, "four"), "%s: an unchanged object is read from the base", what);
        const pb_pobj *prev = pb_pdf_get(q, pb_pdf_trailer(q), "Prev");
        CHECK(prev && prev->kind == PB_POBJ_INT && (size_t)prev->i == pb_pdf_startxref(p),
              "%s: /Prev names the base's section", what);
        const pb_pobj *root = pb_pdf_get(q, pb_pdf_trailer(q), "Root");
        CHECK(pb_pdf_is_name(pb_pdf_get(q, root, "Type"), "Catalog"), "%s: /Root kept", what);
    }
    CHECK(d2.errors == 0, "%s: read back without errors", what);
    pb_diag_print(&d2, stdout);
    pb_diag_free(&d2);
    pb_arena_free(a2);
    free(out);
    pb_diag_free(&d);
    pb_arena_free(a);
}

static void test_updates(void)
{
    static const char *const base[] = {"<</Type /Catalog /Pages 2 0 R>>",
                                       "<</Type /Pages /Kids [] /Count 0>>",
                                       "<</Title (three) /Other 1>>", "<</Title (four)>>"};
    char buf[8192];
    size_t len = make_pdf(buf, sizeof buf, base, 4, " /ID [<00112233445566778899AABBCCDDEEFF> "
                                                    "<00112233445566778899AABBCCDDEEFF>]");
    update_and_read((const unsigned char *)buf, len, false, "a file with a table");

    /* the same objects with a cross-reference stream (uncompressed, W [1 2 1]) */
    char s[8192];
    size_t n = (size_t)snprintf(s, sizeof s, "%%PDF-1.7\n");
    size_t offs[6];
    for (int i = 0; i < 4; i++) {
        offs[i + 1] = n;
        n += (size_t)snprintf(s + n, sizeof s - n, "%d 0 obj\n%s\nendobj\n", i + 1, base[i]);
    }
    offs[5] = n;
    unsigned char rec[6][4];
    memset(rec, 0, sizeof rec);
    rec[0][0] = 0;
    rec[0][3] = 255;
    for (int i = 1; i <= 5; i++) {
        rec[i][0] = 1;
        rec[i][1] = (unsigned char)(offs[i] >> 8);
        rec[i][2] = (unsigned char)offs[i];
    }
    n += (size_t)snprintf(s + n, sizeof s - n,
                          "5 0 obj\n<</Type /XRef /Size 6 /W [1 2 1] /Root 1 0 R /Length 24>>\n"
                          "stream\n");
    memcpy(s + n, rec, 24);
    n += 24;
    n += (size_t)snprintf(s + n, sizeof s - n, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n",
                          offs[5]);
    update_and_read((const unsigned char *)s, n, true, "a file with a cross-reference stream");
}

int main(void)
{
    test_reader_update();
    test_syntax();
    test_updates();
    return test_summary();
}
