/* Plain text: a report saved as text, or copied out of a published PDF.
 *
 * Lines with tabs between their pieces are table rows (a PDF copy or a
 * spreadsheet flattens a table to tab-separated lines); other lines are
 * paragraphs.  A copy of a PDF breaks paragraphs into lines of the page's
 * width and splits them at page ends; those lines are joined back, page
 * numbers ("— 3 —", "第3页") are dropped, and so are running heads (the
 * same short line at every page boundary).  "**" pairs are bold, as in
 * report text. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "import/import.h"
#include "import/import_text.h"

typedef enum line_kind { L_BLANK, L_TEXT, L_TABLE, L_PAGE_NUMBER, L_PAGE_BREAK } line_kind;

typedef struct line {
    const char *s;        /* the line without its end and leading space */
    size_t len;
    int number;           /* 1-based */
    line_kind kind;
    int indent;           /* width of the leading space, half-width units */
    size_t indent_bytes_back; /* bytes of that space in front of s */
    int width;            /* display width of the rest */
    bool running_head;
} line;

/* "— 3 —", "- 3 -", "3", "第 3 页", "第3页 共12页", "3/12", "· 3 ·" */
static bool is_page_number(const char *s, size_t len)
{
    size_t i = 0;
    int digits = 0, other = 0;
    bool di = false, ye = false;
    while (i < len) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        if (cp >= '0' && cp <= '9')
            digits++;
        else if (cp == 0x7B2C) /* 第 */
            di = true;
        else if (cp == 0x9875) /* 页 */
            ye = true;
        else if (cp == 0x5171) /* 共 */
            ;
        else if (cp == '-' || cp == 0x2014 || cp == 0x2013 || cp == 0xFF0D || cp == 0x2212 ||
                 cp == '/' || cp == 0x00B7 || cp == '.' || im_is_space(cp) || cp == 0x2015 ||
                 cp == 0x2500 || cp == '|')
            ;
        else if (cp == 'P' || cp == 'p' || cp == 'a' || cp == 'g' || cp == 'e' || cp == 'o' ||
                 cp == 'f')
            other++; /* "Page 3 of 12" */
        else
            return false;
    }
    if (digits == 0 || digits > 8 || other > 8)
        return false;
    return (di && ye) || (!di && !ye);
}

/* A line that holds a table row: a tab between or after its pieces.  Tabs
 * only in front of one long text are a paragraph's indent. */
static bool is_table_line(const char *s, size_t len)
{
    const char *tab = memchr(s, '\t', len);
    if (!tab)
        return false;
    size_t i = 0;
    while (i < len && (s[i] == '\t' || s[i] == ' '))
        i++;
    if (!memchr(s + i, '\t', len - i))
        return im_chars(s + i, len - i) < 30; /* "\t\t其他" is a row; "\t本年度…" a paragraph */
    return true;
}

static size_t leading_space(const char *s, size_t len, int *width)
{
    size_t i = 0;
    *width = 0;
    while (i < len) {
        size_t k = i;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == '\t')
            *width += 4;
        else if (cp == 0x3000)
            *width += 2;
        else if (im_is_space(cp))
            *width += 1;
        else
            break;
        i = k;
    }
    return i;
}

static size_t trailing_trim(const char *s, size_t len)
{
    while (len > 0) {
        size_t st = len - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        size_t k = st;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == '\t' || !im_is_space(cp))
            break;
        len = st;
    }
    return len;
}

static const char *where_line(im_doc *d, int n)
{
    return pb_arena_printf(d->arena, "line %d", n);
}

/* ---- running heads ------------------------------------------------------- */

/* The same short line three or more times, each time next to a page
 * boundary (a form feed, a page-number line, the start or end), is a
 * running head or foot of the pages the text was copied from. */
static void mark_running_heads(line *ls, int n)
{
    bool *near = calloc((size_t)n + 1, 1);
    if (!near)
        return;
    for (int i = 0; i < n; i++) {
        if (ls[i].kind != L_PAGE_BREAK && ls[i].kind != L_PAGE_NUMBER)
            continue;
        /* the nearest two non-blank lines on each side */
        for (int dir = -1; dir <= 1; dir += 2) {
            int seen = 0;
            for (int k = i + dir; k >= 0 && k < n && seen < 2; k += dir) {
                if (ls[k].kind == L_BLANK)
                    continue;
                if (ls[k].kind == L_TEXT)
                    near[k] = true;
                seen++;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        if (!near[i] || ls[i].running_head || ls[i].width > 60)
            continue;
        int count = 0;
        for (int k = 0; k < n; k++)
            if (near[k] && ls[k].len == ls[i].len && !memcmp(ls[k].s, ls[i].s, ls[i].len))
                count++;
        if (count >= 3)
            for (int k = 0; k < n; k++)
                if (near[k] && ls[k].len == ls[i].len && !memcmp(ls[k].s, ls[i].s, ls[i].len))
                    ls[k].running_head = true;
    }
    free(near);
}

/* ---- bold ---------------------------------------------------------------- */

/* "**" pairs become bold; an unpaired "**" stays as written. */
static im_text markup(im_doc *d, const char *s, size_t len, const char *where, pb_diag *diag)
{
    int pairs = 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '*' && s[i + 1] == '*') {
            pairs++;
            i++;
        }
    if (pairs == 0)
        return im_text_make(d->arena, s, len, false);
    if (pairs % 2) {
        pb_diag_warning(diag, d->file, where,
                        "an unpaired \"**\" is kept as two asterisks (pairs of \"**\" mark "
                        "bold text)");
        return im_text_make(d->arena, s, len, false);
    }
    tbuf b = {0};
    bool bold = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '*' && i + 1 < len && s[i + 1] == '*') {
            bold = !bold;
            i++;
            continue;
        }
        tbuf_put(&b, s + i, 1, bold);
    }
    im_text t = tbuf_finish(&b, d->arena);
    tbuf_free(&b);
    return t;
}

/* ---- paragraphs ------------------------------------------------------- */

static bool starts_numbered(const line *l)
{
    int level, value;
    return im_numbering(l->s, l->len, &level, &value) > 0;
}

/* The last character of a line. */
static uint32_t last_char(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t st = len - 1;
    while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
        st--;
    return pb_utf8_next(s, len, &st);
}

static bool ends_mid_sentence(const char *s, size_t len)
{
    uint32_t c = last_char(s, len);
    return c == 0xFF0C || c == 0x3001 || c == ',' || c == 0xFF1B || c == 0x2014;
}

typedef struct para_acc {
    tbuf text;            /* the lines joined */
    int first_line;
    int indent, width;    /* of the first line */
    int lines;
    int last_width;
    bool open;
} para_acc;

static void flush_para(im_doc *d, para_acc *p, int wrap, pb_diag *diag)
{
    if (!p->open)
        return;
    const char *where = where_line(d, p->first_line);
    im_text t = markup(d, p->text.s, p->text.len, where, diag);
    im_block *b = im_doc_add(d, IM_PARA);
    b->para.text = t;
    b->para.where = where;
    b->para.align = -1;
    /* a copy that keeps the page layout shows centred and right-aligned
       lines by their leading space */
    if (p->lines == 1 && wrap >= 20 && p->indent >= 8) {
        if (p->indent + p->width >= wrap - 4)
            b->para.align = PB_ALIGN_RIGHT;
        else if (abs(2 * p->indent + p->width - wrap) <= 8)
            b->para.align = PB_ALIGN_CENTER;
    }
    p->text.len = 0;
    p->open = false;
    p->lines = 0;
}

static bool ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void add_line(para_acc *p, const line *l)
{
    if (!p->open) {
        p->open = true;
        p->first_line = l->number;
        p->indent = l->indent;
        p->width = l->width;
    } else if (p->text.len > 0 && ascii_letter(p->text.s[p->text.len - 1]) &&
               ascii_letter(l->s[0])) {
        /* words broken between lines; a number or an address broken
           between lines is joined without a space */
        tbuf_put(&p->text, " ", 1, false);
    }
    tbuf_put(&p->text, l->s, l->len, false);
    p->lines++;
    p->last_width = l->width;
}

/* ---- tables -------------------------------------------------------------- */

static bool flush_table(im_doc *d, line *ls, int *rows, int nrows, pb_diag *diag)
{
    if (nrows == 0)
        return true;
    if (nrows > PB_MAX_TABLE_ROWS) {
        pb_diag_error(diag, PB_ERR_INPUT, d->file,
                      pb_arena_printf(d->arena, "lines %d-%d", ls[rows[0]].number,
                                      ls[rows[nrows - 1]].number),
                      "a table of %d rows, more than the limit of %d", nrows,
                      PB_MAX_TABLE_ROWS);
        return false;
    }
    im_block *b = im_doc_add(d, IM_TABLE);
    im_table *t = &b->table;
    t->flattened = true;
    t->where = pb_arena_printf(d->arena, "lines %d-%d", ls[rows[0]].number,
                               ls[rows[nrows - 1]].number);
    t->row_where = pb_arena_calloc(d->arena, (size_t)nrows, sizeof *t->row_where);
    t->nrows = nrows;
    int ncells = 0;
    for (int r = 0; r < nrows; r++) {
        const line *l = &ls[rows[r]];
        int cells = 1;
        const char *raw = l->s - l->indent_bytes_back;
        for (size_t i = 0; i < l->len + l->indent_bytes_back; i++)
            cells += raw[i] == '\t';
        if (cells > PB_MAX_TABLE_COLUMNS) {
            pb_diag_error(diag, PB_ERR_INPUT, d->file, where_line(d, l->number),
                          "a table row of %d cells, more than the limit of %d", cells,
                          PB_MAX_TABLE_COLUMNS);
            return false;
        }
        ncells += cells;
    }
    t->cells = pb_arena_calloc(d->arena, (size_t)ncells, sizeof *t->cells);
    for (int r = 0; r < nrows; r++) {
        const line *l = &ls[rows[r]];
        t->row_where[r] = where_line(d, l->number);
        /* the line as read, with its leading tabs: they are empty cells */
        const char *s = l->s - l->indent_bytes_back;
        size_t len = l->len + l->indent_bytes_back;
        int col = 0;
        size_t start = 0;
        for (size_t i = 0; i <= len; i++) {
            if (i < len && s[i] != '\t')
                continue;
            im_cell *c = &t->cells[t->ncells++];
            im_text raw = markup(d, s + start, i - start, t->row_where[r], diag);
            c->text = im_clean_warned(d->arena, raw, diag, d->file, t->row_where[r]);
            c->row = r;
            c->col = col++;
            c->rowspan = c->colspan = 1;
            start = i + 1;
        }
        if (col > t->ncols)
            t->ncols = col;
    }
    return true;
}

bool pb_import_read_txt(im_doc *d, const char *bytes, size_t len, pb_diag *diag)
{
    char *text = NULL;
    size_t tlen = 0;
    const char *enc = NULL;
    if (!pb_import_decode(d->file, bytes, len, NULL, &text, &tlen, &enc, diag))
        return false;
    d->encoding = enc;
    /* split into lines */
    int cap = 256, n = 0;
    line *ls = pb_xmalloc((size_t)cap * sizeof *ls);
    size_t i = 0;
    int number = 1;
    while (i < tlen) {
        size_t st = i;
        while (i < tlen && text[i] != '\n' && text[i] != '\r' && text[i] != '\f')
            i++;
        size_t end = i;
        char term = i < tlen ? text[i] : '\n';
        if (i < tlen) {
            if (text[i] == '\r' && i + 1 < tlen && text[i + 1] == '\n')
                i++;
            i++;
        }
        if (n + 2 >= cap) {
            cap *= 2;
            ls = pb_xrealloc(ls, (size_t)cap * sizeof *ls);
        }
        line *l = &ls[n++];
        memset(l, 0, sizeof *l);
        l->number = number;
        int indent;
        size_t lead = leading_space(text + st, end - st, &indent);
        l->s = text + st + lead;
        l->len = trailing_trim(l->s, end - st - lead);
        l->indent = indent;
        l->indent_bytes_back = lead;
        l->width = im_width(l->s, l->len);
        if (l->len == 0)
            l->kind = L_BLANK;
        else if (is_table_line(text + st, end - st))
            l->kind = L_TABLE;
        else if (is_page_number(l->s, l->len))
            l->kind = L_PAGE_NUMBER;
        else
            l->kind = L_TEXT;
        if (term == '\f') {
            /* a form feed ends a page (pdftotext writes one per page) */
            line *p = &ls[n++];
            memset(p, 0, sizeof *p);
            p->number = number;
            p->kind = L_PAGE_BREAK;
        } else {
            number++;
        }
    }
    mark_running_heads(ls, n);

    /* The width lines are wrapped at: the widest width that three or more
       lines running on into another line reach (within two characters);
       0 when the text is not wrapped. */
    int wrap = 0;
    for (int k = 0; k + 1 < n; k++) {
        if (ls[k].kind != L_TEXT || ls[k + 1].kind != L_TEXT || ls[k].width <= wrap ||
            ls[k].width < 20)
            continue;
        int near = 0;
        for (int j = 0; j + 1 < n; j++)
            near += ls[j].kind == L_TEXT && ls[j + 1].kind == L_TEXT &&
                    ls[j].width <= ls[k].width && ls[j].width >= ls[k].width - 4;
        if (near >= 3)
            wrap = ls[k].width;
    }

    para_acc p = {0};
    int *rows = pb_xmalloc((size_t)(n + 1) * sizeof *rows);
    int nrows = 0;
    bool ok = true;
    bool boundary = false; /* a blank line, page break or dropped line since the last text */
    for (int k = 0; k < n && ok; k++) {
        line *l = &ls[k];
        if (l->kind == L_PAGE_NUMBER || l->running_head) {
            if (l->kind == L_PAGE_NUMBER)
                d->dropped_page_numbers++;
            else
                d->dropped_running_heads++;
            boundary = true;
            continue;
        }
        if (l->kind == L_BLANK || l->kind == L_PAGE_BREAK) {
            boundary = true;
            continue;
        }
        if (l->kind == L_TABLE) {
            flush_para(d, &p, wrap, diag);
            rows[nrows++] = k;
            boundary = false;
            continue;
        }
        /* a text line */
        if (nrows > 0) {
            ok = flush_table(d, ls, rows, nrows, diag);
            nrows = 0;
        }
        if (p.open) {
            bool numbered = starts_numbered(l);
            bool join;
            if (!boundary) {
                /* a line of the page's full width runs on; so does one that
                   stops after a comma */
                bool full = wrap > 0 && p.last_width >= wrap - 6;
                join = !numbered && l->indent < 2 &&
                       (full || ends_mid_sentence(p.text.s, p.text.len));
            } else {
                /* across a page break or a blank line: only a sentence that
                   visibly goes on (a paragraph cut at the page end) */
                uint32_t c = last_char(p.text.s, p.text.len);
                join = !numbered &&
                       (ends_mid_sentence(p.text.s, p.text.len) ||
                        ((im_is_cjk(c) && c >= 0x4E00 && c <= 0x9FFF) &&
                         im_width(p.text.s, p.text.len) >= 80));
            }
            if (!join)
                flush_para(d, &p, wrap, diag);
        }
        add_line(&p, l);
        boundary = false;
        if (d->nblocks > PB_MAX_BLOCKS) {
            pb_diag_error(diag, PB_ERR_INPUT, d->file, where_line(d, l->number),
                          "more than %d paragraphs and tables, the limit of a report",
                          PB_MAX_BLOCKS);
            ok = false;
        }
    }
    if (ok && nrows > 0)
        ok = flush_table(d, ls, rows, nrows, diag);
    if (ok)
        flush_para(d, &p, wrap, diag);
    tbuf_free(&p.text);
    free(rows);
    free(ls);
    free(text);
    return ok;
}
