/* Web pages, as portals publish these reports: libxml2's HTML parser,
 * never the network.
 *
 * The page's <article> or <main> is read, else its <body> without the
 * navigation, header, footer and forms around the report.  <h1> is the
 * title, <h2>-<h5> headings of levels 1-4; <p>, <div>, <li> and the like
 * are paragraphs; <b>, <strong> and font-weight are bold; text-align and
 * align give the alignment; <br> breaks a line; <table> with colspan and
 * rowspan is a table, <thead> or a first row of <th> its header. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/xml_lib.h"

#include "base/limits.h"
#include "import/import.h"
#include "import/import_text.h"

/* Elements nested deeper than this are refused: the walk recurses. */
#define MAX_DEPTH 200

typedef struct hctx {
    im_doc *doc;
    pb_diag *diag;
    tbuf para;            /* the paragraph being collected */
    int para_align;
    int para_outline;
    bool para_title;
    int para_size;
    long para_line;
    bool body_root;       /* reading <body>: skip the page's chrome */
    int tables;
    bool failed;
} hctx;

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcasecmp((const char *)n->name, name);
}

static bool is_any(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (is(n, *names))
            return true;
    return false;
}

static const char *const skipped[] = {"script", "style", "noscript", "template", "head",
                                      "form", "button", "select", "textarea", "iframe",
                                      "object", "embed", "svg", "math", "input", NULL};
static const char *const chrome[] = {"nav", "header", "footer", "aside", NULL};
static const char *const blocks[] = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li",
                                     "blockquote", "pre", "address", "center", "dd", "dt",
                                     "section", "article", "main", "ul", "ol", "dl", "body",
                                     "hr", "figure", "figcaption", NULL};

/* A style attribute's value for one property, lowercased, or NULL. */
static char *style_value(const xmlNode *n, const char *prop, char *buf, size_t cap)
{
    xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
    if (!st)
        return NULL;
    char *res = NULL;
    size_t plen = strlen(prop);
    for (char *p = (char *)st; *p; p++) {
        if (strncasecmp(p, prop, plen) != 0 || (p > (char *)st && (p[-1] == '-' ||
                                                                    (p[-1] >= 'a' && p[-1] <= 'z'))))
            continue;
        char *q = p + plen;
        while (*q == ' ')
            q++;
        if (*q != ':')
            continue;
        q++;
        while (*q == ' ')
            q++;
        size_t k = 0;
        while (q[k] && q[k] != ';' && k + 1 < cap) {
            buf[k] = (char)(q[k] >= 'A' && q[k] <= 'Z' ? q[k] + 32 : q[k]);
            k++;
        }
        while (k > 0 && buf[k - 1] == ' ')
            k--;
        buf[k] = 0;
        res = buf;
        break;
    }
    xmlFree(st);
    return res;
}

static int align_of(const xmlNode *n, int inherited)
{
    char buf[32];
    const char *v = style_value(n, "text-align", buf, sizeof buf);
    xmlChar *a = NULL;
    if (!v) {
        a = xmlGetProp(n, (const xmlChar *)"align");
        v = (const char *)a;
    }
    if (is(n, "center"))
        v = "center";
    int r = inherited;
    if (v) {
        if (!strncasecmp(v, "center", 6))
            r = PB_ALIGN_CENTER;
        else if (!strncasecmp(v, "right", 5) || !strncasecmp(v, "end", 3))
            r = PB_ALIGN_RIGHT;
        else if (!strncasecmp(v, "justify", 7))
            r = PB_ALIGN_JUSTIFY;
        else if (!strncasecmp(v, "left", 4) || !strncasecmp(v, "start", 5))
            r = PB_ALIGN_LEFT;
    }
    if (a)
        xmlFree(a);
    return r;
}

static bool bold_of(const xmlNode *n, bool inherited)
{
    if (is(n, "b") || is(n, "strong"))
        return true;
    char buf[32];
    const char *v = style_value(n, "font-weight", buf, sizeof buf);
    if (!v)
        return inherited;
    if (!strcmp(v, "bold") || !strcmp(v, "bolder") || atoi(v) >= 600)
        return true;
    if (!strcmp(v, "normal") || !strcmp(v, "lighter") || (atoi(v) > 0 && atoi(v) < 600))
        return false;
    return inherited;
}

/* font-size in half points (22pt -> 44, 29px -> 43), 0 if not given */
static int size_of(const xmlNode *n, int inherited)
{
    char buf[32];
    const char *v = style_value(n, "font-size", buf, sizeof buf);
    if (!v)
        return inherited;
    double x = atof(v);
    if (x <= 0)
        return inherited;
    if (strstr(v, "px"))
        x = x * 0.75;
    else if (strstr(v, "em"))
        x = x * 12;
    else if (!strstr(v, "pt"))
        return inherited;
    return x > 400 ? 800 : (int)(x * 2 + 0.5);
}

static bool page_break_before(const xmlNode *n)
{
    char buf[32];
    const char *v = style_value(n, "page-break-before", buf, sizeof buf);
    if (v && !strcmp(v, "always"))
        return true;
    v = style_value(n, "break-before", buf, sizeof buf);
    return v && !strcmp(v, "page");
}

static void flush(hctx *x)
{
    if (x->para.len == 0)
        return;
    /* only spaces: nothing */
    bool any = false;
    for (size_t i = 0; i < x->para.len && !any; i++)
        any = x->para.s[i] != ' ' && x->para.s[i] != '\n' && x->para.s[i] != '\t' &&
              x->para.s[i] != '\r';
    if (any) {
        im_block *b = im_doc_add(x->doc, IM_PARA);
        b->para.text = tbuf_finish(&x->para, x->doc->arena);
        b->para.align = x->para_align;
        b->para.outline = x->para_outline;
        b->para.title_style = x->para_title;
        b->para.size_half_pt = x->para_size;
        b->para.where = pb_arena_printf(x->doc->arena, "line %ld", x->para_line);
    }
    x->para.len = 0;
    x->para_outline = 0;
    x->para_title = false;
    x->para_size = 0;
    x->para_line = 0;
}

/* Text of a node: runs of white space are one space, as a browser shows. */
static void put_text(hctx *x, const char *s, bool bold)
{
    for (; *s; s++) {
        char c = *s;
        if (c == '\n' || c == '\r' || c == '\t' || c == '\f')
            c = ' ';
        if (c == ' ' && (x->para.len == 0 || x->para.s[x->para.len - 1] == ' ' ||
                         x->para.s[x->para.len - 1] == '\n'))
            continue;
        tbuf_put(&x->para, &c, 1, bold);
    }
}

/* ---- tables ------------------------------------------------------------- */

typedef struct hcell {
    const xmlNode *node;
    int row, col, rowspan, colspan;
    bool th;
} hcell;

static int span_attr(const xmlNode *n, const char *name, int max)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return 1;
    long k = strtol((const char *)v, NULL, 10);
    xmlFree(v);
    /* HTML: rowspan="0" reaches the end of the table section */
    if (k <= 0)
        return k == 0 && !strcmp(name, "rowspan") ? max : 1;
    return k > max ? max : (int)k;
}

/* The text of a cell, its paragraphs joined (a label broken over lines in
 * a cell is one label). */
static void cell_text(hctx *x, const xmlNode *n, tbuf *b, bool bold, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            for (const char *s = (const char *)c->content; s && *s; s++) {
                char ch = *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s;
                tbuf_put(b, &ch, 1, bold);
            }
        } else if (c->type == XML_ELEMENT_NODE && !is_any(c, skipped)) {
            if (is(c, "br") || is_any(c, blocks))
                tbuf_put(b, " ", 1, bold);
            cell_text(x, c, b, bold_of(c, bold), depth + 1);
        }
    }
}

static void collect_rows(const xmlNode *n, const xmlNode **rows, int *nrows, int max,
                         int *head_rows, bool in_head, int depth)
{
    for (const xmlNode *c = n->children; c && *nrows < max; c = c->next) {
        if (is(c, "tr")) {
            if (in_head)
                (*head_rows)++;
            rows[(*nrows)++] = c;
        } else if ((is(c, "thead") || is(c, "tbody") || is(c, "tfoot")) && depth < 2) {
            collect_rows(c, rows, nrows, max, head_rows, is(c, "thead"), depth + 1);
        }
    }
}

static void read_table(hctx *x, const xmlNode *n)
{
    im_doc *d = x->doc;
    x->tables++;
    long line = xmlGetLineNo(n);
    const char *where = pb_arena_printf(d->arena, "table %d (line %ld)", x->tables, line);
    /* its rows: direct, or in thead/tbody/tfoot */
    int cap = PB_MAX_TABLE_ROWS + 1, nrows = 0, head = 0;
    const xmlNode **rows = pb_xmalloc((size_t)cap * sizeof *rows);
    collect_rows(n, rows, &nrows, cap, &head, false, 0);
    if (nrows > PB_MAX_TABLE_ROWS) {
        pb_diag_error(x->diag, PB_ERR_INPUT, d->file, where,
                      "a table of more than %d rows, the limit", PB_MAX_TABLE_ROWS);
        x->failed = true;
        free(rows);
        return;
    }
    /* place the cells: a cell goes to the first column its row has free */
    int ncells = 0, capcells = 64, ncols = 0;
    hcell *cells = pb_xmalloc((size_t)capcells * sizeof *cells);
    /* occupancy: per row, the columns taken by cells from rows above */
    unsigned char *taken = pb_xcalloc((size_t)(nrows ? nrows : 1) * PB_MAX_TABLE_COLUMNS, 1);
    for (int r = 0; r < nrows && !x->failed; r++) {
        int col = 0;
        for (const xmlNode *c = rows[r]->children; c; c = c->next) {
            if (!is(c, "td") && !is(c, "th"))
                continue;
            while (col < PB_MAX_TABLE_COLUMNS && taken[(size_t)r * PB_MAX_TABLE_COLUMNS + col])
                col++;
            int cs = span_attr(c, "colspan", PB_MAX_TABLE_COLUMNS);
            int rs = span_attr(c, "rowspan", nrows - r);
            if (col + cs > PB_MAX_TABLE_COLUMNS) {
                pb_diag_error(x->diag, PB_ERR_INPUT, d->file,
                              pb_arena_printf(d->arena, "table %d, row %d (line %ld)",
                                              x->tables, r + 1, xmlGetLineNo(rows[r])),
                              "a table of more than %d columns, the limit",
                              PB_MAX_TABLE_COLUMNS);
                x->failed = true;
                break;
            }
            if (rs > nrows - r)
                rs = nrows - r;
            for (int rr = r; rr < r + rs; rr++)
                memset(taken + (size_t)rr * PB_MAX_TABLE_COLUMNS + col, 1, (size_t)cs);
            if (ncells == capcells) {
                capcells *= 2;
                cells = pb_xrealloc(cells, (size_t)capcells * sizeof *cells);
            }
            cells[ncells++] = (hcell){c, r, col, rs, cs, is(c, "th")};
            col += cs;
            if (col > ncols)
                ncols = col;
        }
    }
    free(taken);
    if (x->failed) {
        free(cells);
        free(rows);
        return;
    }
    im_block *b = im_doc_add(d, IM_TABLE);
    im_table *t = &b->table;
    t->where = where;
    t->nrows = nrows;
    t->ncols = ncols;
    t->row_where = pb_arena_calloc(d->arena, (size_t)nrows + 1, sizeof *t->row_where);
    for (int r = 0; r < nrows; r++)
        t->row_where[r] = pb_arena_printf(d->arena, "table %d, row %d (line %ld)", x->tables,
                                          r + 1, xmlGetLineNo(rows[r]));
    t->cells = pb_arena_calloc(d->arena, (size_t)ncells + 1, sizeof *t->cells);
    tbuf tb = {0};
    for (int i = 0; i < ncells; i++) {
        cell_text(x, cells[i].node, &tb, false, 0);
        im_text raw = tbuf_finish(&tb, d->arena);
        im_cell *c = &t->cells[t->ncells++];
        c->text = im_clean_warned(d->arena, raw, x->diag, d->file, t->row_where[cells[i].row]);
        c->row = cells[i].row;
        c->col = cells[i].col;
        c->rowspan = cells[i].rowspan;
        c->colspan = cells[i].colspan;
    }
    tbuf_free(&tb);
    /* the header: <thead>, else the first rows whose cells are all <th> */
    if (head == 0) {
        for (int r = 0; r < nrows; r++) {
            bool all_th = false, any = false;
            for (int i = 0; i < ncells; i++)
                if (cells[i].row == r) {
                    all_th = any ? all_th && cells[i].th : cells[i].th;
                    any = true;
                }
            if (!any || !all_th)
                break;
            head = r + 1;
        }
    }
    t->nheader_rows = head < nrows ? head : 0;
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is(c, "caption")) {
            cell_text(x, c, &tb, false, 0);
            im_text cap_text = im_clean(d->arena, tbuf_finish(&tb, d->arena), NULL);
            tbuf_free(&tb);
            if (cap_text.len)
                t->caption = cap_text.s;
        }
    free(cells);
    free(rows);
}

/* ---- the walk ------------------------------------------------------------- */

static void walk(hctx *x, const xmlNode *n, int align, bool bold, int size, int depth)
{
    if (x->failed)
        return;
    if (depth > MAX_DEPTH) {
        pb_diag_error(x->diag, PB_ERR_INPUT, x->doc->file,
                                pb_arena_printf(x->doc->arena, "line %ld", xmlGetLineNo(n)),
                      "elements nested more than %d deep", MAX_DEPTH);
        x->failed = true;
        return;
    }
    for (const xmlNode *c = n->children; c && !x->failed; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!c->content)
                continue;
            if (x->para.len == 0) {
                x->para_line = xmlGetLineNo(c);
                x->para_align = align;
                x->para_size = size;
            }
            put_text(x, (const char *)c->content, bold);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || is_any(c, skipped) ||
            (x->body_root && is_any(c, chrome)))
            continue;
        if (page_break_before(c)) {
            flush(x);
            im_doc_add(x->doc, IM_PAGE_BREAK);
        }
        if (is(c, "br")) {
            tbuf_put(&x->para, "\n", 1, false);
            continue;
        }
        if (is(c, "table")) {
            flush(x);
            read_table(x, c);
            continue;
        }
        int a = align_of(c, align);
        bool bo = bold_of(c, bold);
        int sz = size_of(c, size);
        if (is_any(c, blocks)) {
            flush(x);
            walk(x, c, a, bo, sz, depth + 1);
            /* headings: <h1> the title, <h2>..<h5> levels 1-4 */
            if (x->para.len > 0 && c->name[0] == 'h' && c->name[1] >= '1' && c->name[1] <= '6' &&
                !c->name[2]) {
                int level = c->name[1] - '0';
                x->para_title = level == 1;
                x->para_outline = level == 1 ? 0 : level - 1;
                x->para_align = a;
            }
            if (x->para.len > 0) {
                x->para_align = a;
                if (!x->para_size)
                    x->para_size = sz;
            }
            flush(x);
        } else {
            walk(x, c, a, bo, sz, depth + 1);
        }
    }
}

/* The charset a page declares in its first 4 KB: <meta charset=...> or
 * <meta http-equiv="Content-Type" content="text/html; charset=...">. */
static const char *declared_charset(const char *b, size_t len, char *buf, size_t cap)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(b + i, "charset", 7) != 0)
            continue;
        size_t k = i + 7;
        while (k < n && (b[k] == ' ' || b[k] == '='))
            k++;
        while (k < n && (b[k] == '"' || b[k] == '\''))
            k++;
        size_t o = 0;
        while (k < n && o + 1 < cap &&
               ((b[k] >= 'a' && b[k] <= 'z') || (b[k] >= 'A' && b[k] <= 'Z') ||
                (b[k] >= '0' && b[k] <= '9') || b[k] == '-' || b[k] == '_'))
            buf[o++] = b[k++];
        buf[o] = 0;
        if (o > 0)
            return buf;
    }
    return NULL;
}

bool pb_import_read_html(im_doc *d, const char *bytes, size_t len, pb_diag *diag)
{
    if (!pb_xml_load("importing a web page", d->file, diag))
        return false;
    char cs[40];
    const char *declared = declared_charset(bytes, len, cs, sizeof cs);
    char *text = NULL;
    size_t tlen = 0;
    const char *enc = NULL;
    if (!pb_import_decode(d->file, bytes, len, declared, &text, &tlen, &enc, diag))
        return false;
    d->encoding = enc;
    /* entity declarations: a web page has none; an XML parser would expand
       them (billion laughs) or fetch them (external entities) */
    for (size_t i = 0; i + 8 <= tlen; i++)
        if (text[i] == '<' && !strncasecmp(text + i, "<!ENTITY", 8)) {
            long line = 1;
            for (size_t k = 0; k < i; k++)
                line += text[k] == '\n';
            pb_diag_error(diag, PB_ERR_INPUT, d->file,
                          pb_arena_printf(d->arena, "line %ld", line),
                          "the page declares entities (<!ENTITY): web pages never do, and "
                          "such a page is refused");
            free(text);
            return false;
        }
    if (tlen > INT32_MAX) {
        free(text);
        return false;
    }
    /* no network, no error printing: problems of the markup are repaired
       the way browsers repair them */
    htmlDocPtr doc = htmlReadMemory(text, (int)tlen, NULL, "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC);
    free(text);
    if (!doc) {
        pb_diag_error(diag, PB_ERR_INPUT, d->file, NULL, "not a web page that can be read");
        return false;
    }
    hctx x = {.doc = d, .diag = diag, .para_align = -1};
    const xmlNode *root = xmlDocGetRootElement(doc);
    /* the page's title, for a report without one */
    const xmlNode *found = NULL, *body = NULL;
    for (const xmlNode *n = root; n && !found;) {
        if (is(n, "title") && !d->html_title) {
            tbuf tb = {0};
            cell_text(&x, n, &tb, false, 0);
            im_text t = im_clean(d->arena, tbuf_finish(&tb, d->arena), NULL);
            tbuf_free(&tb);
            if (t.len)
                d->html_title = t.s;
        }
        if (is(n, "article") || is(n, "main"))
            found = n;
        if (is(n, "body") && !body)
            body = n;
        /* depth-first, without recursion */
        if (n->children && n->type == XML_ELEMENT_NODE && !is_any(n, skipped) &&
            !is(n, "title")) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
    if (!found) {
        found = body ? body : root;
        x.body_root = true;
    }
    if (found) {
        walk(&x, found, align_of(found, -1), bold_of(found, false), size_of(found, 0), 0);
        flush(&x);
    }
    tbuf_free(&x.para);
    xmlFreeDoc(doc);
    return !x.failed;
}
