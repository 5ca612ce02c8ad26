/* Structure recognition: the paragraphs and tables a reader found ->
 * the blocks of a report.
 *
 * - the title: the first centred, large or title-styled lines, or the
 *   short lines before the first heading; one long line is broken after
 *   the year ("南岗区城管局2021年" / "政府信息公开工作年度报告"), as titles
 *   are broken by meaning;
 * - headings by their numbering (GB/T 9704 7.3.3: 一、（一）1.（1）) or, without
 *   one, by the source's heading style or outline level;
 * - run-in headings: "（一）主动公开情况。" opening a paragraph;
 * - the signature block (落款): the issuer and the date at the end;
 * - meta: the title, the year in it, the issuer and the date. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "import/import.h"
#include "import/import_text.h"

/* A heading is short; a run-in heading too (GB/T 9704 headings are one
 * line). */
#define MAX_HEADING_CHARS 60
#define MAX_RUNIN_CHARS 40

im_block *im_doc_add(im_doc *d, im_kind kind)
{
    if (d->nblocks == d->cap) {
        int cap = d->cap ? d->cap * 2 : 64;
        d->blocks = pb_arena_grow(d->arena, d->blocks, (size_t)d->nblocks, (size_t)cap,
                                  sizeof *d->blocks);
        d->cap = cap;
    }
    im_block *b = &d->blocks[d->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->para.align = -1;
    return b;
}

ob_block *ob_report_add(ob_report *r, pb_arena *a, ob_kind kind)
{
    if (r->nblocks == r->cap) {
        int cap = r->cap ? r->cap * 2 : 64;
        r->blocks = pb_arena_grow(a, r->blocks, (size_t)r->nblocks, (size_t)cap,
                                  sizeof *r->blocks);
        r->cap = cap;
    }
    ob_block *b = &r->blocks[r->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

/* One paragraph of the source after cleaning (a paragraph with line
 * breaks is one item per line). */
typedef struct item {
    im_kind kind;
    im_text text;         /* cleaned */
    const im_para *para;  /* the source paragraph */
    const im_table *table;
    int width;
    bool used;            /* taken by the title or the signature */
} item;

typedef struct sctx {
    const im_doc *doc;
    const pb_layout *layout;
    pb_arena *a;
    pb_diag *diag;
    ob_report *out;
    item *items;
    int n;
} sctx;

/* ---- items ------------------------------------------------------------------ */

static void add_item(sctx *x, int *cap, item it)
{
    if (x->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        x->items = pb_xrealloc(x->items, (size_t)*cap * sizeof *x->items);
    }
    x->items[x->n++] = it;
}

static void make_items(sctx *x)
{
    int cap = 0;
    for (int b = 0; b < x->doc->nblocks; b++) {
        const im_block *blk = &x->doc->blocks[b];
        if (blk->kind != IM_PARA) {
            add_item(x, &cap, (item){.kind = blk->kind, .table = &blk->table});
            continue;
        }
        const im_text *t = &blk->para.text;
        size_t start = 0;
        for (size_t i = 0; i <= t->len; i++) {
            if (i < t->len && t->s[i] != '\n')
                continue;
            im_text piece = im_clean_warned(x->a, im_text_slice(x->a, *t, start, i), x->diag,
                                            x->doc->file, blk->para.where);
            start = i + 1;
            if (piece.len == 0)
                continue;
            add_item(x, &cap, (item){.kind = IM_PARA, .text = piece, .para = &blk->para,
                                     .width = im_width(piece.s, piece.len)});
        }
    }
}

/* ---- the title ---------------------------------------------------------- */

static bool has_sentence_end_inside(const im_text *t)
{
    size_t i = 0;
    while (i < t->len) {
        uint32_t cp = pb_utf8_next(t->s, t->len, &i);
        if (cp == 0x3002 || cp == 0xFF1F || cp == 0xFF01 || cp == 0xFF1B)
            return true;
    }
    return false;
}

static bool numbered(const im_text *t)
{
    int level, value;
    return im_numbering(t->s, t->len, &level, &value) > 0;
}

static bool title_like_style(const item *it)
{
    const im_para *p = it->para;
    return p->title_style || p->align == PB_ALIGN_CENTER || p->size_half_pt >= 36;
}

/* Half-width units of one title line: the text block over the title size. */
static int title_capacity(const pb_layout *l)
{
    pb_fx size = l->styles[PB_STYLE_TITLE].size;
    if (size <= 0 || l->text_width <= 0)
        return 40;
    /* a character of slack: digits and Latin letters of a title font are
       not exactly half as wide as a Chinese character */
    return (int)(2 * (int64_t)l->text_width / size) - 2;
}

/* Where "YYYY年" or "YYYY年度" ends in s, or 0. */
static size_t after_year(const char *s, size_t len, int *year)
{
    for (size_t i = 0; i + 7 <= len; i++) {
        if (!(s[i] == '1' || s[i] == '2'))
            continue;
        if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
            continue;
        bool digits = true;
        for (int k = 0; k < 4; k++)
            digits = digits && s[i + k] >= '0' && s[i + k] <= '9';
        if (!digits || memcmp(s + i + 4, "年", 3) != 0)
            continue;
        if (year)
            *year = atoi(s + i) > 0 ? (int)strtol(s + i, NULL, 10) : 0;
        size_t e = i + 7;
        if (e + 3 <= len && !memcmp(s + e, "度", 3))
            e += 3;
        return e;
    }
    return 0;
}

/* A title too wide for one line broken by meaning: after the year, before
 * "关于", before "政府信息公开"; else where the first line is full. */
int pb_import_title_lines(pb_arena *a, const pb_layout *layout, im_text t, im_text *lines)
{
    int cap = title_capacity(layout);
    if (im_width(t.s, t.len) <= cap) {
        lines[0] = t;
        return 1;
    }
    size_t cand[3] = {after_year(t.s, t.len, NULL), 0, 0};
    const char *s = strstr(t.s, "关于");
    cand[1] = s ? (size_t)(s - t.s) : 0;
    s = strstr(t.s, "政府信息公开");
    cand[2] = s ? (size_t)(s - t.s) : 0;
    for (int k = 0; k < 3; k++) {
        size_t at = cand[k];
        if (at == 0 || at >= t.len)
            continue;
        if (im_width(t.s, at) <= cap && im_width(t.s + at, t.len - at) <= cap) {
            lines[0] = im_text_slice(a, t, 0, at);
            lines[1] = im_text_slice(a, t, at, t.len);
            return 2;
        }
    }
    /* the first line as full as it can be, the rest on the second (and a
       third when still too long) */
    int n = 0;
    size_t start = 0;
    while (start < t.len && n < 3) {
        size_t i = start, last_ok = start;
        while (i < t.len) {
            size_t k = i;
            pb_utf8_next(t.s, t.len, &k);
            if (im_width(t.s + start, k - start) > cap)
                break;
            i = k;
            /* never between two digits */
            if (!(i < t.len && t.s[i] >= '0' && t.s[i] <= '9' && t.s[i - 1] >= '0' &&
                  t.s[i - 1] <= '9'))
                last_ok = i;
        }
        if (i >= t.len || n == 2)
            last_ok = t.len;
        if (last_ok == start)
            last_ok = i > start ? i : t.len;
        lines[n++] = im_text_slice(a, t, start, last_ok);
        start = last_ok;
    }
    return n;
}

static char *join_lines(sctx *x, const im_text *lines, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += lines[i].len;
    char *s = pb_arena_alloc(x->a, len + 1);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        memcpy(s + o, lines[i].s, lines[i].len);
        o += lines[i].len;
    }
    s[o] = 0;
    return s;
}

static void find_title(sctx *x)
{
    int first = -1, count = 0;
    bool styled = false;
    for (int i = 0; i < x->n && count < 4; i++) {
        item *it = &x->items[i];
        if (it->kind == IM_PAGE_BREAK)
            continue;
        if (it->kind != IM_PARA)
            break;
        bool style = title_like_style(it) || (count == 0 && it->para->outline == 1);
        bool plain = !numbered(&it->text) && !has_sentence_end_inside(&it->text) &&
                     it->width <= 2 * MAX_HEADING_CHARS;
        /* with styles, the title is what is styled as one; without (plain
           text), the short lines at the top */
        if (count == 0)
            styled = style;
        if (!plain || (styled && !style))
            break;
        if (first < 0)
            first = i;
        count++;
        if (!styled && it->width > 40 && count == 1) {
            /* a text's one long first line */
            break;
        }
    }
    /* without styles, the short lines at the top are the title only when
       the text goes on with a paragraph, a heading or a table */
    im_text lines[8];
    int nlines = 0;
    if (count > 0) {
        if (count == 1) {
            nlines = pb_import_title_lines(x->a, x->layout, x->items[first].text, lines);
        } else {
            for (int i = first, k = 0; k < count; i++) {
                if (x->items[i].kind != IM_PARA)
                    continue;
                lines[nlines++] = x->items[i].text;
                k++;
            }
        }
        for (int i = first, k = 0; k < count; i++)
            if (x->items[i].kind == IM_PARA) {
                x->items[i].used = true;
                k++;
            }
        for (int i = 0; i < nlines; i++)
            memset(lines[i].bold, 0, lines[i].len);
        ob_block *b = ob_report_add(x->out, x->a, OB_TITLE);
        b->lines = pb_arena_calloc(x->a, (size_t)nlines, sizeof *b->lines);
        memcpy(b->lines, lines, (size_t)nlines * sizeof *lines);
        b->nlines = nlines;
        b->where = x->items[first].para->where;
        x->out->title = join_lines(x, lines, nlines);
    } else if (x->doc->html_title && *x->doc->html_title) {
        x->out->title = x->doc->html_title;
        pb_diag_warning(x->diag, x->doc->file, NULL,
                        "no title found at the start; meta.title is the page's <title>");
    }
}

/* ---- the signature block ------------------------------------------------- */

/* "2022年1月20日", "2022-01-20", "二〇二二年一月二十日" -> YYYY-MM-DD */
static const char *parse_date(sctx *x, const im_text *t)
{
    int y = 0, m = 0, d = 0;
    char tail[8] = "";
    if (sscanf(t->s, "%4d年%2d月%2d日%7s", &y, &m, &d, tail) == 3 ||
        sscanf(t->s, "%4d-%2d-%2d%7s", &y, &m, &d, tail) == 3 ||
        sscanf(t->s, "%4d.%2d.%2d%7s", &y, &m, &d, tail) == 3) {
        /* the whole line is the date */
    } else {
        /* Chinese numerals: 〇一二…九 digit by digit for the year, 一..三十一 */
        static const char *const dg[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
        const char *s = t->s;
        int digits = 0;
        y = 0;
        while (digits < 4) {
            int k;
            for (k = 0; k < 10; k++)
                if (!strncmp(s, dg[k], 3) || (k == 0 && !strncmp(s, "零", 3)) ||
                    (k == 0 && !strncmp(s, "○", 3)) || (k == 0 && !strncmp(s, "Ｏ", 3)))
                    break;
            if (k == 10)
                return NULL;
            y = y * 10 + k;
            s += 3;
            digits++;
        }
        if (strncmp(s, "年", 3))
            return NULL;
        s += 3;
        int vals[2];
        for (int part = 0; part < 2; part++) {
            size_t len = strlen(s), i = 0;
            int v = 0, tens = 0;
            bool any = false;
            while (i < len) {
                size_t k = i;
                uint32_t cp = pb_utf8_next(s, len, &k);
                int dv = -1;
                for (int q = 1; q < 10; q++) {
                    size_t j = 0;
                    if (pb_utf8_next(dg[q], 3, &j) == cp)
                        dv = q;
                }
                if (cp == 0x5341) {
                    tens = v ? v : 1;
                    v = 0;
                } else if (dv > 0) {
                    v = dv;
                } else {
                    break;
                }
                any = true;
                i = k;
            }
            if (!any)
                return NULL;
            vals[part] = tens * 10 + v;
            s += i;
            const char *unit = part == 0 ? "月" : "日";
            if (strncmp(s, unit, 3))
                return NULL;
            s += 3;
        }
        if (*s)
            return NULL;
        m = vals[0];
        d = vals[1];
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return NULL;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return NULL;
    return pb_arena_printf(x->a, "%04d-%02d-%02d", y, m, d);
}

static void find_signature(sctx *x)
{
    int last = x->n - 1;
    while (last >= 0 && x->items[last].kind == IM_PAGE_BREAK)
        last--;
    if (last < 0 || x->items[last].kind != IM_PARA || x->items[last].used)
        return;
    const char *date = parse_date(x, &x->items[last].text);
    if (!date)
        return;
    /* the issuer: one or two short lines above the date */
    int first = last;
    for (int i = last - 1; i >= 0 && i >= last - 2; i--) {
        item *it = &x->items[i];
        if (it->kind != IM_PARA || it->used || numbered(&it->text) ||
            has_sentence_end_inside(&it->text) || im_ends_sentence(it->text.s, it->text.len) ||
            it->width > 50)
            break;
        /* right-aligned when the source says how it is aligned */
        if (it->para->align >= 0 && it->para->align != PB_ALIGN_RIGHT &&
            it->para->align != PB_ALIGN_CENTER)
            break;
        first = i;
    }
    ob_block *b = ob_report_add(x->out, x->a, OB_SIGNATURE);
    b->nlines = last - first + 1;
    b->lines = pb_arena_calloc(x->a, (size_t)b->nlines, sizeof *b->lines);
    for (int i = first; i <= last; i++) {
        b->lines[i - first] = x->items[i].text;
        memset(b->lines[i - first].bold, 0, x->items[i].text.len);
        x->items[i].used = true;
    }
    b->where = x->items[first].para->where;
    x->out->date = date;
    if (last > first)
        x->out->issuer = join_lines(x, b->lines, last - first);
}

/* ---- headings and paragraphs ---------------------------------------------- */

/* The text with its numbering written the GB/T 9704 way. */
static im_text canonical_numbering(sctx *x, im_text t, int level, size_t prefix)
{
    const char *canon = im_numbering_canonical(x->a, level, t.s, prefix);
    if (!canon)
        return t;
    tbuf b = {0};
    tbuf_put(&b, canon, strlen(canon), false);
    tbuf_put(&b, t.s + prefix, t.len - prefix, false);
    memcpy(b.bold + strlen(canon), t.bold + prefix, t.len - prefix);
    im_text r = tbuf_finish(&b, x->a);
    tbuf_free(&b);
    return r;
}

/* Where a run-in heading ends: after the first 。 within MAX_RUNIN_CHARS
 * characters, when text follows it. */
static size_t runin_end(const im_text *t, size_t from)
{
    size_t i = from;
    int chars = 0;
    while (i < t->len && chars <= MAX_RUNIN_CHARS) {
        uint32_t cp = pb_utf8_next(t->s, t->len, &i);
        chars++;
        if (cp == 0x3002 || cp == 0xFF0E)
            return i < t->len ? i : 0;
        if (cp == 0xFF1B || cp == 0xFF1F || cp == 0xFF01)
            return 0;
    }
    return 0;
}

static void add_heading(sctx *x, const item *it, int level, im_text text)
{
    if (level > 4)
        level = 4;
    ob_block *b = ob_report_add(x->out, x->a, OB_HEADING);
    b->level = level;
    b->pieces = pb_arena_calloc(x->a, 1, sizeof *b->pieces);
    memset(text.bold, 0, text.len); /* the heading's style decides */
    b->pieces[0] = (ob_piece){text, -1};
    b->npieces = 1;
    b->where = it->para->where;
    x->out->headings[level]++;
}

static void add_paragraph(sctx *x, const item *it)
{
    const im_text *t = &it->text;
    int level, value;
    size_t prefix = im_numbering(t->s, t->len, &level, &value);
    ob_block *b;
    if (prefix > 0) {
        size_t end = runin_end(t, prefix);
        if (end > 0) {
            /* "（一）主动公开情况。" + the paragraph */
            im_text head = canonical_numbering(x, im_text_slice(x->a, *t, 0, end), level, prefix);
            memset(head.bold, 0, head.len);
            b = ob_report_add(x->out, x->a, OB_PARAGRAPH);
            b->pieces = pb_arena_calloc(x->a, 2, sizeof *b->pieces);
            b->pieces[0] = (ob_piece){head, PB_STYLE_HEADING1 + (level > 4 ? 3 : level - 1)};
            b->pieces[1] = (ob_piece){im_text_slice(x->a, *t, end, t->len), -1};
            b->npieces = 2;
            b->where = it->para->where;
            x->out->runins++;
            x->out->paragraphs++;
            return;
        }
        size_t chars = im_chars(t->s, t->len);
        bool inner_end = false;
        {
            /* a sentence end before the last character: a numbered paragraph */
            im_text head = im_text_slice(x->a, *t, 0, t->len);
            while (head.len > 0 && im_ends_sentence(head.s, head.len)) {
                size_t st = head.len - 1;
                while (st > 0 && ((unsigned char)head.s[st] & 0xC0) == 0x80)
                    st--;
                head.len = st;
            }
            head.s[head.len] = 0;
            inner_end = has_sentence_end_inside(&head);
        }
        if (chars <= MAX_HEADING_CHARS && !inner_end) {
            add_heading(x, it, level, canonical_numbering(x, *t, level, prefix));
            return;
        }
    } else if (it->para->outline >= 1 && it->para->outline <= 9 &&
               im_chars(t->s, t->len) <= MAX_HEADING_CHARS && !has_sentence_end_inside(t)) {
        add_heading(x, it, it->para->outline, *t);
        return;
    }
    b = ob_report_add(x->out, x->a, OB_PARAGRAPH);
    b->pieces = pb_arena_calloc(x->a, 1, sizeof *b->pieces);
    b->pieces[0] = (ob_piece){*t, -1};
    b->npieces = 1;
    b->where = it->para->where;
    x->out->paragraphs++;
}

/* A short paragraph just before a table that only names it: the caption of
 * the template the table matched (the template prints its own), or the
 * words of the heading just above (the heading names the table already). */
static void drop_caption(sctx *x, const ob_block *table)
{
    int n = x->out->nblocks;
    if (!table->tpl || n < 2)
        return;
    ob_block *prev = &x->out->blocks[n - 2];
    if (prev->kind != OB_PARAGRAPH || prev->npieces != 1 || prev->pieces[0].style >= 0)
        return;
    const im_text *t = &prev->pieces[0].text;
    if (im_chars(t->s, t->len) > MAX_HEADING_CHARS || has_sentence_end_inside(t))
        return;
    char *key = im_label_key(x->a, t->s, t->len, NULL, NULL);
    bool names_it = false;
    if (table->tpl->caption) {
        const char *c = table->tpl->caption;
        names_it = im_similarity(key, im_label_key(x->a, c, strlen(c), NULL, NULL)) >= 0.8;
    }
    if (!names_it && n >= 3 && x->out->blocks[n - 3].kind == OB_HEADING) {
        const im_text *h = &x->out->blocks[n - 3].pieces[0].text;
        names_it = im_similarity(key, im_label_key(x->a, h->s, h->len, NULL, NULL)) >= 0.8;
    }
    if (names_it) {
        x->out->blocks[n - 2] = *table;
        x->out->nblocks--;
        x->out->paragraphs--;
    }
}

/* ---- the whole document ---------------------------------------------------- */

bool pb_import_structure(const im_doc *doc, const pb_layout *layout, ob_report *out,
                         pb_diag *diag)
{
    sctx x = {.doc = doc, .layout = layout, .a = doc->arena, .diag = diag, .out = out};
    make_items(&x);
    find_title(&x);
    /* the signature is found before the body is read, so its lines are not
       taken as paragraphs; it is written last */
    ob_report sig = {0};
    ob_report *body = x.out;
    x.out = &sig;
    find_signature(&x);
    x.out = body;
    if (sig.date) {
        out->date = sig.date;
        out->issuer = sig.issuer;
    }
    bool ok = true;
    int tables = 0;
    for (int i = 0; i < x.n; i++) {
        item *it = &x.items[i];
        if (it->used)
            continue;
        if (it->kind == IM_PAGE_BREAK) {
            /* an intended page break (Word's): not at the start, not twice */
            if (out->nblocks > 0 && out->blocks[out->nblocks - 1].kind != OB_PAGE_BREAK &&
                out->blocks[out->nblocks - 1].kind != OB_TITLE)
                ob_report_add(out, x.a, OB_PAGE_BREAK);
            continue;
        }
        if (it->kind == IM_TABLE) {
            ob_block *b = ob_report_add(out, x.a, OB_TABLE);
            tables++;
            if (!pb_import_match_table(doc, it->table, layout, b, diag))
                ok = false;
            if (b->tpl)
                out->tables_matched++;
            else
                out->tables_inline++;
            drop_caption(&x, b);
            continue;
        }
        add_paragraph(&x, it);
    }
    while (out->nblocks > 0 && out->blocks[out->nblocks - 1].kind == OB_PAGE_BREAK)
        out->nblocks--;
    if (sig.nblocks > 0) {
        ob_block *b = ob_report_add(out, x.a, OB_SIGNATURE);
        *b = sig.blocks[0];
    }
    /* meta from the title when the document has no signature */
    if (out->title) {
        int year = 0;
        size_t e = after_year(out->title, strlen(out->title), &year);
        if (e > 0) {
            out->year = year;
            /* the year starts at e - 7 (or - 10 with 度) */
            size_t ys = e - 7 - (e >= 10 && !memcmp(out->title + e - 3, "度", 3) ? 3 : 0);
            if (!out->issuer && ys > 0)
                out->issuer = pb_arena_strndup(x.a, out->title, ys);
            if (ys > 0 && out->issuer && strlen(out->issuer) == ys &&
                !strncmp(out->title, out->issuer, ys))
                out->subject = pb_arena_strdup(x.a, out->title + ys);
        }
    }
    if (out->nblocks == 0) {
        pb_diag_error(diag, PB_ERR_INPUT, doc->file, NULL, "no text and no table found");
        ok = false;
    }
    free(x.items);
    return ok;
}
