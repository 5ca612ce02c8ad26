/* The imported report as JSON, laid out as a person writes one (the
 * style of samples/nangang-2021.json): one block a line, one table row a
 * line, so a clerk can read and edit it.  Text is written with the
 * report's inline markup: bold as "**", a literal "*" as "\*" and a
 * literal "{{" as "\{{". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

typedef struct out {
    char *s;
    size_t len, cap;
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1)
            cap *= 2;
        o->s = pb_xrealloc(o->s, cap);
        o->cap = cap;
    }
    memcpy(o->s + o->len, s, n);
    o->len += n;
    o->s[o->len] = 0;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void printf_(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(out *o, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(o, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1));
}

/* A JSON string of n bytes of s. */
static void str(out *o, const char *s, size_t n)
{
    put(o, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        put(o, s + start, i - start);
        if (c == '"')
            put(o, "\\\"", 2);
        else if (c == '\\')
            put(o, "\\\\", 2);
        else
            printf_(o, "\\u%04x", c);
        start = i + 1;
    }
    put(o, s + start, n - start);
    put(o, "\"", 1);
}

static void cstr(out *o, const char *s)
{
    str(o, s, strlen(s));
}

/* Text in the report's markup: bold spans between "**". */
static void markup(out *o, const im_text *t, bool keep_bold)
{
    out m = {0};
    put(&m, "", 0);
    bool bold = false;
    for (size_t i = 0; i < t->len; i++) {
        bool b = keep_bold && t->bold[i];
        if (b != bold) {
            put(&m, "**", 2);
            bold = b;
        }
        if (t->s[i] == '*')
            put(&m, "\\*", 2);
        else if (t->s[i] == '{' && i + 1 < t->len && t->s[i + 1] == '{') {
            put(&m, "\\{{", 3); /* the pair takes the first brace's weight */
            i++;
        } else
            put(&m, t->s + i, 1);
    }
    if (bold)
        put(&m, "**", 2);
    str(o, m.s, m.len);
    free(m.s);
}

static void text_value(out *o, const ob_piece *p, int n)
{
    if (n == 1 && p[0].style < 0) {
        markup(o, &p[0].text, true);
        return;
    }
    puts_(o, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            puts_(o, ", ");
        if (p[i].style >= 0) {
            puts_(o, "{\"text\": ");
            markup(o, &p[i].text, false);
            printf_(o, ", \"style\": \"%s\"}", pb_style_names[p[i].style]);
        } else {
            markup(o, &p[i].text, true);
        }
    }
    puts_(o, "]");
}

static void lines_value(out *o, const im_text *lines, int n)
{
    puts_(o, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            puts_(o, ", ");
        markup(o, &lines[i], false);
    }
    puts_(o, "]");
}

static void value(out *o, const ob_value *v)
{
    if (v->kind == OB_BLANK)
        puts_(o, "null");
    else if (v->kind == OB_NUMBER)
        puts_(o, v->text);
    else
        cstr(o, v->text);
}

/* ---- tables of the layout --------------------------------------------------- */

static void template_values(out *o, const ob_block *b)
{
    const pb_table_template *t = b->tpl;
    int n = pb_table_value_slots(t, NULL);
    pb_value_slot *slots = pb_xcalloc((size_t)n + 1, sizeof *slots);
    pb_table_value_slots(t, slots);
    puts_(o, "{");
    bool first = true;
    for (int i = 0; i < n;) {
        const pb_row_node *row = slots[i].row;
        int k = i;
        while (k < n && slots[k].row == row)
            k++;
        puts_(o, first ? "\n      " : ",\n      ");
        first = false;
        cstr(o, row->id);
        puts_(o, ": ");
        if (row->cells) {
            /* cells named in the template: {"decisions": 2483} */
            puts_(o, "{");
            for (int j = i; j < k; j++) {
                if (j > i)
                    puts_(o, ", ");
                cstr(o, slots[j].cell_id);
                puts_(o, ": ");
                value(o, &b->values[j]);
            }
            puts_(o, "}");
        } else {
            puts_(o, "[");
            for (int j = i; j < k; j++) {
                if (j > i)
                    puts_(o, ", ");
                value(o, &b->values[j]);
            }
            puts_(o, "]");
        }
        i = k;
    }
    puts_(o, first ? "}" : "\n    }");
    free(slots);
}

/* ---- tables of their own ------------------------------------------------------ */

static const char *const format_names[] = {"integer", "decimal", "text"};

static void header_nodes(out *o, const ob_inline *inl, const ob_inline_head *h, int n)
{
    puts_(o, "[");
    for (int i = 0; i < n; i++) {
        if (i)
            puts_(o, ", ");
        puts_(o, "{\"text\": ");
        cstr(o, h[i].text);
        if (h[i].col >= 0) {
            puts_(o, ", \"column\": ");
            cstr(o, inl->cols[h[i].col].id);
        } else {
            puts_(o, ", \"children\": ");
            header_nodes(o, inl, h[i].children, h[i].nchildren);
        }
        puts_(o, "}");
    }
    puts_(o, "]");
}

static void inline_rows(out *o, const ob_inline *inl, const ob_inline_row *rows, int n,
                        int indent)
{
    puts_(o, "[");
    for (int i = 0; i < n; i++) {
        const ob_inline_row *r = &rows[i];
        printf_(o, "%s\n%*s", i ? "," : "", indent + 2, "");
        switch (r->kind) {
        case PB_ROW_BAND:
            puts_(o, "{\"band\": ");
            cstr(o, r->label);
            puts_(o, "}");
            break;
        case PB_ROW_HEADING:
            puts_(o, "{\"heading\": [");
            for (int k = 0; k < r->ncells; k++) {
                if (k)
                    puts_(o, ", ");
                if (r->cells[k].colspan > 1) {
                    puts_(o, "{\"text\": ");
                    cstr(o, r->cells[k].text);
                    printf_(o, ", \"colspan\": %d}", r->cells[k].colspan);
                } else {
                    cstr(o, r->cells[k].text);
                }
            }
            puts_(o, "]}");
            break;
        case PB_ROW_GROUP:
            puts_(o, "{\"label\": ");
            cstr(o, r->label);
            puts_(o, ", \"children\": ");
            inline_rows(o, inl, r->children, r->nchildren, indent + 2);
            puts_(o, "}");
            break;
        default:
            puts_(o, "{\"id\": ");
            cstr(o, r->id);
            if (inl->nlabel > 0) {
                puts_(o, ", \"label\": ");
                cstr(o, r->label);
            }
            if (r->custom_cells) {
                puts_(o, ", \"cells\": [");
                int col = inl->nlabel;
                for (int k = 0; k < r->ncells; k++) {
                    if (k)
                        puts_(o, ", ");
                    puts_(o, "{\"id\": ");
                    cstr(o, inl->cols[col].id);
                    if (r->cells[k].colspan > 1)
                        printf_(o, ", \"colspan\": %d", r->cells[k].colspan);
                    const ob_value *v = &r->cells[k].value;
                    pb_value_format f = r->cells[k].colspan > 1
                                            ? (v->kind == OB_STRING ? PB_FMT_TEXT : PB_FMT_INTEGER)
                                            : inl->cols[col].format;
                    printf_(o, ", \"format\": \"%s\"}", format_names[f]);
                    col += r->cells[k].colspan;
                }
                puts_(o, "]");
            }
            puts_(o, "}");
        }
    }
    printf_(o, "\n%*s]", indent, "");
}

static void inline_values(out *o, const ob_inline_row *rows, int n, const ob_inline *inl,
                          bool *first)
{
    for (int i = 0; i < n; i++) {
        const ob_inline_row *r = &rows[i];
        if (r->kind == PB_ROW_GROUP) {
            inline_values(o, r->children, r->nchildren, inl, first);
            continue;
        }
        if (r->kind != PB_ROW_DATA)
            continue;
        puts_(o, *first ? "\n      " : ",\n      ");
        *first = false;
        cstr(o, r->id);
        puts_(o, ": [");
        for (int k = 0; k < r->ncells; k++) {
            if (k)
                puts_(o, ", ");
            value(o, &r->cells[k].value);
        }
        puts_(o, "]");
    }
}

static void inline_table(out *o, const ob_block *b)
{
    const ob_inline *inl = b->inl;
    puts_(o, "{\"type\": \"table\"");
    if (b->caption) {
        puts_(o, ", \"caption\": ");
        cstr(o, b->caption);
    }
    puts_(o, ", \"template\": {\n      \"columns\": [");
    for (int c = 0; c < inl->ncols; c++) {
        if (c)
            puts_(o, ", ");
        puts_(o, "{\"id\": ");
        cstr(o, inl->cols[c].id);
        if (inl->cols[c].label)
            puts_(o, ", \"label\": true");
        else if (inl->cols[c].format != PB_FMT_INTEGER)
            printf_(o, ", \"format\": \"%s\"", format_names[inl->cols[c].format]);
        puts_(o, "}");
    }
    puts_(o, "]");
    if (inl->corner && inl->nheader > 0) {
        puts_(o, ",\n      \"corner\": ");
        cstr(o, inl->corner);
    }
    if (inl->nheader > 0) {
        puts_(o, ",\n      \"header\": ");
        header_nodes(o, inl, inl->header, inl->nheader);
    }
    puts_(o, ",\n      \"rows\": ");
    inline_rows(o, inl, inl->rows, inl->nrows, 6);
    puts_(o, "\n    }, \"values\": {");
    bool first = true;
    inline_values(o, inl->rows, inl->nrows, inl, &first);
    puts_(o, first ? "}}" : "\n    }}");
}

/* ---- the report ------------------------------------------------------------------ */

char *pb_import_write_json(const ob_report *r, size_t *len)
{
    out o = {0};
    puts_(&o, "{\n");
    if (r->layout_ref) {
        puts_(&o, "  \"layout\": ");
        cstr(&o, r->layout_ref);
        puts_(&o, ",\n");
    }
    puts_(&o, "  \"meta\": {\n    \"title\": ");
    cstr(&o, r->title);
    if (r->issuer) {
        puts_(&o, ",\n    \"issuer\": ");
        cstr(&o, r->issuer);
    }
    if (r->year)
        printf_(&o, ",\n    \"year\": %d", r->year);
    if (r->date) {
        puts_(&o, ",\n    \"date\": ");
        cstr(&o, r->date);
    }
    if (r->subject) {
        puts_(&o, ",\n    \"subject\": ");
        cstr(&o, r->subject);
    }
    puts_(&o, "\n  },\n  \"body\": [");
    for (int i = 0; i < r->nblocks; i++) {
        const ob_block *b = &r->blocks[i];
        puts_(&o, i ? ",\n    " : "\n    ");
        switch (b->kind) {
        case OB_TITLE:
            puts_(&o, "{\"type\": \"title\", \"text\": ");
            lines_value(&o, b->lines, b->nlines);
            puts_(&o, "}");
            break;
        case OB_HEADING:
            printf_(&o, "{\"type\": \"heading\", \"level\": %d, \"text\": ", b->level);
            text_value(&o, b->pieces, b->npieces);
            puts_(&o, "}");
            break;
        case OB_PARAGRAPH:
            puts_(&o, "{\"type\": \"paragraph\", \"text\": ");
            text_value(&o, b->pieces, b->npieces);
            puts_(&o, "}");
            break;
        case OB_SIGNATURE:
            puts_(&o, "{\"type\": \"signature\", \"lines\": ");
            lines_value(&o, b->lines, b->nlines);
            puts_(&o, "}");
            break;
        case OB_PAGE_BREAK:
            puts_(&o, "{\"type\": \"page_break\"}");
            break;
        case OB_TABLE:
            if (b->tpl) {
                puts_(&o, "{\"type\": \"table\", \"table\": ");
                cstr(&o, b->tpl->id);
                puts_(&o, ", \"values\": ");
                template_values(&o, b);
                puts_(&o, "}");
            } else {
                inline_table(&o, b);
            }
            break;
        }
    }
    puts_(&o, "\n  ]\n}\n");
    *len = o.len;
    return o.s;
}
