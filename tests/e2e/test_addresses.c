/* Web and e-mail addresses in running text, read back from the PDF
 * (`mutool convert -F stext` for the glyphs, `mutool show` for the link
 * annotations) of tests/fixtures/addresses.json:
 *
 *  - a line ends inside an address only after "/" (not between the two of
 *    "//") or before "?", "&" or "#": never inside the host name, never
 *    inside an e-mail address;
 *  - no letter-spacing inside addresses and Latin words: each letter starts
 *    where the previous one's advance ends (less at most the 0.11 pt a
 *    half-width digit is tracked to half a grid cell);
 *  - each address is a link (a URI link annotation over each of its line
 *    pieces), and there is one URI per address;
 *  - the same for the addresses in the cells of a table (their characters
 *    read in the order of the content stream, cell by cell).
 *
 * usage: test_addresses PAIBAN FIXTURE.json WORKDIR */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/utf8.h"
#include "../testutil.h"
#include "stext.h"

static const struct {
    const char *text, *uri;
    const char *before; /* what precedes it, to find it */
} addresses[] = {
    {"http://ngqxxgk.harbin.gov.cn/col/col126585/index.html",
     "http://ngqxxgk.harbin.gov.cn/col/col126585/index.html", NULL},
    {"https://www.example.gov.cn/xxgk/2021/zfxxgkndbg/index.html?id=3&page=2#top",
     "https://www.example.gov.cn/xxgk/2021/zfxxgkndbg/index.html?id=3&page=2#top", NULL},
    {"xxgk-office@harbin.gov.cn", "mailto:xxgk-office@harbin.gov.cn", NULL},
    {"harbin.gov.cn", "http://harbin.gov.cn", "服务网"},
    {"www.nangang.gov.cn/xxgk/", "http://www.nangang.gov.cn/xxgk/", NULL},
    {"ngcgj2021@163.com", "mailto:ngcgj2021@163.com", NULL},
    {"http://www.hrbng.gov.cn/col/col4021/zwgk/xxgkml/index.html",
     "http://www.hrbng.gov.cn/col/col4021/zwgk/xxgkml/index.html", NULL},
    {"ngzwgk@hrbng.gov.cn", "mailto:ngzwgk@hrbng.gov.cn", NULL},
    {"https://zwfw.hlj.gov.cn/hrb/ng/index.html?type=apply&year=2021",
     "https://zwfw.hlj.gov.cn/hrb/ng/index.html?type=apply&year=2021", NULL},
    {"zwfw-ng@163.com", "mailto:zwfw-ng@163.com", NULL},
    {"www.hrbng.gov.cn", "http://www.hrbng.gov.cn", "登录"},
};
enum { NBODY = 6 }; /* the first six in running text, the others in table cells */
enum { NADDR = sizeof addresses / sizeof *addresses };

static const char *words[] = {"Open", "Government", "Data", "Portal"};

/* The body text as one stream of characters, each with its line. */
typedef struct item {
    const ch *c;
    int line;
} item;

typedef struct link {
    int page;
    double x0, y0, x1, y1;
    char uri[512];
} link;

/* The link annotations of every page, from `mutool show`. */
static int read_links(const doc *d, link *out, int max)
{
    int n = 0;
    for (int p = 1; p <= d->npages; p++) {
        char cmd[2048];
        int st;
        snprintf(cmd, sizeof cmd, "mutool show '%s' 'pages/%d/Annots/*/Rect' 2>/dev/null", d->pdf,
                 p);
        char *rects = test_run(cmd, &st);
        snprintf(cmd, sizeof cmd, "mutool show '%s' 'pages/%d/Annots/*/A/URI' 2>/dev/null",
                 d->pdf, p);
        char *uris = test_run(cmd, &st);
        char *r = rects, *u = uris;
        while (n < max) {
            r = strchr(r, '[');
            u = strchr(u, '(');
            if (!r || !u)
                break;
            link *l = &out[n];
            l->page = p;
            if (sscanf(r + 1, "%lf %lf %lf %lf", &l->x0, &l->y0, &l->x1, &l->y1) != 4)
                break;
            char *e = strchr(u, ')');
            if (!e)
                break;
            snprintf(l->uri, sizeof l->uri, "%.*s", (int)(e - u - 1), u + 1);
            n++;
            r++;
            u = e;
        }
        free(rects);
        free(uris);
    }
    return n;
}

/* Where the characters of text begin in the stream, or -1. */
static int find(const item *it, int n, const char *text, int *len)
{
    uint32_t cps[256];
    int k = 0;
    for (size_t at = 0, tl = strlen(text); at < tl && k < 256;)
        cps[k++] = pb_utf8_next(text, tl, &at);
    *len = k;
    for (int i = 0; i + k <= n; i++) {
        int j = 0;
        while (j < k && it[i + j].c->cp == cps[j])
            j++;
        if (j == k)
            return i;
    }
    return -1;
}

/* No space added between consecutive characters on one line. */
static bool tight(const item *it, int at, int len, double *worst)
{
    bool ok = true;
    for (int i = at; i + 1 < at + len; i++) {
        if (it[i].line != it[i + 1].line)
            continue;
        double gap = it[i + 1].c->x - it[i].c->x1;
        if (gap > 0.01 || gap < -0.11)
            ok = false;
        if (fabs(gap) > fabs(*worst))
            *worst = gap;
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PAIBAN FIXTURE.json WORKDIR\n", argv[0]);
        return 2;
    }
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", argv[3]);
    if (system(cmd) != 0)
        return 2;
    doc d;
    memset(&d, 0, sizeof d);
    if (!load(&d, argv[1], argv[2], argv[3]))
        return test_summary();

    int n = 0, nc = 0;
    item *it = pb_xcalloc((size_t)d.nchars + 1, sizeof *it);
    for (int l = 0; l < d.nlines; l++)
        for (int k = 0; k < d.lines[l].n; k++)
            it[n++] = (item){&d.lines[l].c[k], l};
    /* the table's text in the order it was written, cell by cell: a new
     * line where the baseline changes */
    item *cells = pb_xcalloc((size_t)d.nchars + 1, sizeof *cells);
    for (int i = 0, line = 0; i < d.nchars; i++) {
        const ch *c = &d.stream[i];
        if (c->size > 12 || c->size < 8 || c->cp == ' ')
            continue;
        if (nc > 0 && (cells[nc - 1].c->page != c->page || fabs(cells[nc - 1].c->y - c->y) > 0.01))
            line++;
        cells[nc++] = (item){c, line};
    }

    link links[256];
    int nlinks = read_links(&d, links, 256);
    int breaks_seen = 0;
    int cell_breaks = 0;
    for (int a = 0; a < NADDR; a++) {
        const char *t = addresses[a].text, *before = addresses[a].before;
        char key[512];
        snprintf(key, sizeof key, "%s%s", before ? before : "", t);
        const item *in = a < NBODY ? it : cells;
        int len, at = find(in, a < NBODY ? n : nc, key, &len);
        if (!CHECK(at >= 0, "address %s is in the %s", t, a < NBODY ? "text" : "table"))
            continue;
        int skip = 0;
        for (size_t k = 0, bl = before ? strlen(before) : 0; k < bl;) {
            pb_utf8_next(before, bl, &k);
            skip++;
        }
        at += skip;
        len -= skip;
        /* where lines end inside it */
        const char *host = strstr(t, "://");
        host = host ? host + 3 : t;
        size_t host_start = (size_t)(host - t), host_end = strcspn(host, "/?#") + host_start;
        bool email = strchr(t, '@') != NULL;
        for (int i = at + 1; i < at + len; i++) {
            if (in[i].line == in[i - 1].line)
                continue;
            breaks_seen++;
            cell_breaks += a >= NBODY;
            int pos = i - at; /* t is ASCII: characters are bytes */
            bool after_slash = t[pos - 1] == '/' && t[pos] != '/';
            bool before_query = strchr("?&#", t[pos]) != NULL;
            CHECK(!email && (after_slash || before_query) &&
                      ((size_t)pos <= host_start || (size_t)pos >= host_end),
                  "%s: a line ends only after \"/\" or before \"?&#\", not in the host: "
                  "\"%.*s|%s\"",
                  t, pos, t, t + pos);
        }
        double worst = 0;
        CHECK(tight(in, at, len, &worst), "%s: no space between its letters (worst %.3f pt)", t,
              worst);
        /* every character under a link to its URI */
        int covered = 0;
        for (int i = at; i < at + len; i++) {
            const ch *c = in[i].c;
            double y = d.page_h - c->y, mid = (c->x + c->x1) / 2;
            for (int k = 0; k < nlinks; k++) {
                const link *l = &links[k];
                if (l->page == c->page && mid >= l->x0 && mid <= l->x1 && y >= l->y0 &&
                    y <= l->y1 && !strcmp(l->uri, addresses[a].uri)) {
                    covered++;
                    break;
                }
            }
        }
        CHECK(covered == len, "%s: a link to %s over all its %d characters (%d)", t,
              addresses[a].uri, len, covered);
    }
    CHECK(breaks_seen >= 2, "the fixture breaks lines inside addresses (%d)", breaks_seen);
    CHECK(cell_breaks >= 2, "the fixture breaks lines inside addresses in table cells (%d)",
          cell_breaks);

    /* one URI per address, no other links */
    int distinct = 0;
    for (int k = 0; k < nlinks; k++) {
        bool seen = false;
        for (int j = 0; j < k; j++)
            seen = seen || !strcmp(links[j].uri, links[k].uri);
        distinct += !seen;
        bool known = false;
        for (int a = 0; a < NADDR; a++)
            known = known || !strcmp(links[k].uri, addresses[a].uri);
        CHECK(known, "link to %s is an address of the text", links[k].uri);
    }
    CHECK(distinct == NADDR, "one URI per address (%d URIs for %d addresses, %d annotations)",
          distinct, NADDR, nlinks);

    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        int len, from = 0, found = 0;
        for (;;) {
            int at = find(it + from, n - from, words[w], &len);
            if (at < 0)
                break;
            at += from;
            double worst = 0;
            CHECK(tight(it, at, len, &worst), "\"%s\" at line %d: not spaced out (worst %.3f pt)",
                  words[w], it[at].line + 1, worst);
            found++;
            from = at + len;
        }
        CHECK(found > 0, "\"%s\" is in the text", words[w]);
    }
    free(it);
    free(cells);
    doc_free(&d);
    return test_summary();
}
