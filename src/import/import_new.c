/* paiban new: a report skeleton for a layout, ready to fill — the title of
 * the layout's outline with the issuer and the year, its chapter headings,
 * every table of the layout with all cells blank, a placeholder paragraph
 * where text goes, and the signature block.  Read back and bound as any
 * report is before it is handed back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsio.h"
#include "engine.h"
#include "import/import.h"
#include "import/import_text.h"
#include "input/input.h"

/* What a clerk replaces: visible, so a skeleton printed by mistake shows it. */
#define PLACEHOLDER_TEXT "（在此填写本部分内容。）"
#define PLACEHOLDER_TITLE "（文件标题）"
#define PLACEHOLDER_ISSUER "（发布机关）"
#define PLACEHOLDER_YEAR "××××"
#define PLACEHOLDER_DATE "××××年×月×日"

typedef struct new_args {
    pb_engine *e;
    const char *layout_ref;
    int year;                 /* 0: none */
    const char *issuer;       /* NULL: none */
    const char *out_path;     /* or NULL */
    char **json;              /* or NULL */
    size_t *json_len;
    const char *misuse;
} new_args;

/* The outline's title with {issuer} and {year} filled in. */
static char *fill_title(pb_arena *a, const char *tmpl, const char *issuer, int year)
{
    const char *y = year ? pb_arena_printf(a, "%d", year) : PLACEHOLDER_YEAR;
    const char *s = "";
    for (const char *p = tmpl; *p;) {
        if (!strncmp(p, "{issuer}", 8)) {
            s = pb_arena_printf(a, "%s%s", s, issuer ? issuer : "");
            p += 8;
        } else if (!strncmp(p, "{year}", 6)) {
            s = pb_arena_printf(a, "%s%s", s, y);
            p += 6;
        } else {
            const char *q = p + 1;
            while (*q && *q != '{')
                q++;
            s = pb_arena_printf(a, "%s%.*s", s, (int)(q - p), p);
            p = q;
        }
    }
    return (char *)s;
}

static ob_block *add_text(ob_report *r, pb_arena *a, ob_kind kind, const char *text)
{
    ob_block *b = ob_report_add(r, a, kind);
    b->pieces = pb_arena_calloc(a, 1, sizeof *b->pieces);
    b->pieces[0] = (ob_piece){im_text_make(a, text, strlen(text), false), -1};
    b->npieces = 1;
    return b;
}

static void add_table(ob_report *r, pb_arena *a, const pb_table_template *t)
{
    ob_block *b = ob_report_add(r, a, OB_TABLE);
    b->tpl = t;
    b->nvalues = pb_table_value_slots(t, NULL);
    b->values = pb_arena_calloc(a, (size_t)b->nvalues + 1, sizeof *b->values);
}

static void run_new(void *arg, pb_arena *a, pb_diag *diag)
{
    new_args *x = arg;
    if (x->misuse) {
        pb_diag_error(diag, PB_ERR_USAGE, NULL, NULL, "%s", x->misuse);
        return;
    }
    const char *ref = x->layout_ref ? x->layout_ref : PB_DEFAULT_LAYOUT;
    const pb_ruleset *rules;
    const pb_layout *L = pb_engine_layout(x->e, ref, &rules, diag);
    if (!L)
        return;
    const char *issuer = NULL;
    if (x->issuer) {
        int removed = 0;
        im_text t = im_clean(a, im_text_make(a, x->issuer, strlen(x->issuer), false), &removed);
        if (removed || !t.len) {
            pb_diag_error(diag, PB_ERR_USAGE, "--issuer", NULL,
                          "the issuer must be visible text (no control, zero-width or bidi "
                          "characters)");
            return;
        }
        issuer = t.s;
    }
    ob_report r = {0};
    r.layout_ref = pb_import_layout_ref(ref, x->out_path, a);
    if (!r.layout_ref)
        pb_diag_warning(diag, ref, NULL,
                        "the layout is outside the report's folder, so the report does not "
                        "name it: render it with -l %s",
                        ref);
    const pb_outline *o = &L->outline;
    r.title = o->title ? fill_title(a, o->title, issuer, x->year) : PLACEHOLDER_TITLE;
    r.issuer = issuer;
    r.year = x->year;
    /* the subject: what follows the issuer in the title */
    if (issuer && o->title && !strncmp(o->title, "{issuer}", 8) && r.title[strlen(issuer)])
        r.subject = r.title + strlen(issuer);
    ob_block *title = ob_report_add(&r, a, OB_TITLE);
    im_text lines[4];
    title->nlines =
        pb_import_title_lines(a, L, im_text_make(a, r.title, strlen(r.title), false), lines);
    title->lines = pb_arena_calloc(a, (size_t)title->nlines, sizeof *title->lines);
    memcpy(title->lines, lines, (size_t)title->nlines * sizeof *lines);
    if (o->nchapters == 0) {
        add_text(&r, a, OB_PARAGRAPH, PLACEHOLDER_TEXT);
        for (int i = 0; i < L->ntables; i++)
            add_table(&r, a, &L->tables[i]);
    }
    for (int c = 0; c < o->nchapters; c++) {
        const pb_outline_chapter *ch = &o->chapters[c];
        ob_block *h = add_text(&r, a, OB_HEADING, ch->heading);
        int level, value;
        h->level = im_numbering(ch->heading, strlen(ch->heading), &level, &value) && level <= 4
                       ? level
                       : 1;
        if (ch->ntables == 0)
            add_text(&r, a, OB_PARAGRAPH, PLACEHOLDER_TEXT);
        for (int t = 0; t < ch->ntables; t++)
            for (int i = 0; i < L->ntables; i++)
                if (!strcmp(L->tables[i].id, ch->tables[t]))
                    add_table(&r, a, &L->tables[i]);
    }
    ob_block *sig = ob_report_add(&r, a, OB_SIGNATURE);
    sig->nlines = 2;
    sig->lines = pb_arena_calloc(a, 2, sizeof *sig->lines);
    const char *who = issuer ? issuer : PLACEHOLDER_ISSUER;
    sig->lines[0] = im_text_make(a, who, strlen(who), false);
    sig->lines[1] = im_text_make(a, PLACEHOLDER_DATE, strlen(PLACEHOLDER_DATE), false);

    size_t len = 0;
    char *json = pb_import_write_json(&r, &len);
    /* read back and bound as any report is */
    pb_report *report =
        pb_input_report(x->out_path ? x->out_path : "report.json", json, len, a, diag);
    if (!report || !pb_input_bind_tables(report, L, a, diag) ||
        (x->out_path && !pb_write_file_atomic(x->out_path, json, len, diag))) {
        free(json);
        return;
    }
    if (x->json) {
        *x->json = json;
        *x->json_len = len;
    } else {
        free(json);
    }
}

pb_status pb_new(pb_engine *e, const char *layout, int year, const char *issuer,
                 const char *out_path, char **json, size_t *json_len)
{
    if (json)
        *json = NULL;
    if (json_len)
        *json_len = 0;
    if (!e)
        return PB_ERR_USAGE;
    new_args x = {.e = e, .layout_ref = layout, .year = year, .issuer = issuer,
                  .out_path = out_path && *out_path ? out_path : NULL,
                  .json = json_len ? json : NULL, .json_len = json_len};
    char why[80];
    if (year && (year < 1900 || year > 2999)) {
        snprintf(why, sizeof why, "the year must be between 1900 and 2999, got %d", year);
        x.misuse = why;
    }
    else if (!x.out_path && !x.json)
        x.misuse = "pb_new: neither a report file to write nor a place for the report";
    else if (json && !json_len)
        x.misuse = "pb_new: a pointer without its length";
    pb_diag diag;
    pb_diag_init(&diag);
    pb_status st = pb_engine_run(e, 0, run_new, &x, &diag);
    pb_engine_deliver(e, &diag);
    return st;
}
