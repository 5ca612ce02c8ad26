/* An imported report against the report it should equal: each SOURCE is
 * imported with pb_import_bytes, both reports are read and bound by the
 * input stage as any report is, and compared block by block as they
 * print: the title lines, headings (level and text), paragraphs (their
 * runs: text, run-in style, bold), the signature, and every value cell of
 * every table (template, row id x cell id, kind and printed text).
 * References such as {{applications.new_requests.total}} are compared by
 * the text they print.  meta.title, meta.issuer, meta.year, meta.date
 * and meta.subject must be equal; meta.keywords is not compared (plain
 * text cannot carry it).
 *
 * usage: test_import_same LAYOUT EXPECTED.json SOURCE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsio.h"
#include "input/input.h"
#include "paiban.h"
#include "../testutil.h"

#ifndef PAIBAN_SOURCE_DIR
#define PAIBAN_SOURCE_DIR "."
#endif

/* Messages of the calls: counted, and printed as paiban prints them. */
static int messages;

static void on_message(void *user, const pb_message *m)
{
    (void)user;
    messages++;
    printf("  message: %s\n", m->line);
}

/* A run with its appearance; neighbours that look the same are merged, so
 * "a" + "b" equals "ab". */
typedef struct prun {
    char *text;
    int style, bold;
} prun;

static int runs_of(const pb_text *t, prun *out, int max)
{
    int n = 0;
    for (int i = 0; i < t->nruns; i++) {
        const pb_run *r = &t->runs[i];
        if (n > 0 && out[n - 1].style == r->style && out[n - 1].bold == r->bold) {
            size_t old = strlen(out[n - 1].text);
            out[n - 1].text = test_realloc(out[n - 1].text, old + r->len + 1);
            memcpy(out[n - 1].text + old, r->text, r->len);
            out[n - 1].text[old + r->len] = 0;
            continue;
        }
        if (n == max)
            break;
        out[n].text = test_realloc(NULL, r->len + 1);
        memcpy(out[n].text, r->text, r->len);
        out[n].text[r->len] = 0;
        out[n].style = r->style;
        out[n].bold = r->bold;
        n++;
    }
    return n;
}

static void compare_text(const char *src, const char *what, const pb_text *got,
                         const pb_text *want)
{
    prun g[64], w[64];
    int ng = runs_of(got, g, 64), nw = runs_of(want, w, 64);
    if (CHECK(ng == nw, "%s: %s: %d runs, expected %d", src, what, ng, nw)) {
        for (int i = 0; i < ng; i++) {
            CHECK(!strcmp(g[i].text, w[i].text), "%s: %s, run %d: \"%s\", expected \"%s\"",
                  src, what, i, g[i].text, w[i].text);
            CHECK(g[i].style == w[i].style, "%s: %s, run %d: style %d, expected %d", src, what,
                  i, g[i].style, w[i].style);
            CHECK(g[i].bold == w[i].bold, "%s: %s, run %d: bold %d, expected %d", src, what, i,
                  g[i].bold, w[i].bold);
        }
    } else {
        for (int i = 0; i < ng; i++)
            printf("  got run %d: %s\n", i, g[i].text);
        for (int i = 0; i < nw; i++)
            printf("  expected run %d: %s\n", i, w[i].text);
    }
    for (int i = 0; i < ng; i++)
        free(g[i].text);
    for (int i = 0; i < nw; i++)
        free(w[i].text);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare_meta(const char *src, const pb_meta *g, const pb_meta *w)
{
    CHECK(same_str(g->title, w->title), "%s: meta.title \"%s\", expected \"%s\"", src,
          g->title ? g->title : "(none)", w->title ? w->title : "(none)");
    CHECK(same_str(g->issuer, w->issuer), "%s: meta.issuer \"%s\", expected \"%s\"", src,
          g->issuer ? g->issuer : "(none)", w->issuer ? w->issuer : "(none)");
    CHECK(same_str(g->subject, w->subject), "%s: meta.subject \"%s\", expected \"%s\"", src,
          g->subject ? g->subject : "(none)", w->subject ? w->subject : "(none)");
    CHECK(same_str(g->date, w->date), "%s: meta.date %s, expected %s", src,
          g->date ? g->date : "(none)", w->date ? w->date : "(none)");
    CHECK(g->year == w->year, "%s: meta.year %d, expected %d", src, g->year, w->year);
}

static void compare_table(const char *src, int b, const pb_block *g, const pb_block *w)
{
    if (!CHECK(g->table && w->table && !strcmp(g->table->id, w->table->id),
               "%s: body[%d]: table \"%s\", expected \"%s\"", src, b,
               g->table ? g->table->id : "(inline)", w->table ? w->table->id : "(inline)"))
        return;
    int n = pb_table_value_slots(w->table, NULL);
    pb_value_slot *slots = calloc((size_t)n + 1, sizeof *slots);
    pb_table_value_slots(w->table, slots);
    CHECK(g->nvalues == n && w->nvalues == n, "%s: body[%d]: %d values, expected %d", src, b,
          g->nvalues, n);
    for (int i = 0; i < n && i < g->nvalues; i++) {
        const pb_value *gv = &g->values[i], *wv = &w->values[i];
        CHECK(gv->kind == wv->kind && same_str(gv->text, wv->text),
              "%s: body[%d] %s.%s: %s, expected %s", src, b, slots[i].row->id,
              slots[i].cell_id, gv->text ? gv->text : "blank", wv->text ? wv->text : "blank");
    }
    free(slots);
}

static void compare(const char *src, const pb_report *g, const pb_report *w)
{
    compare_meta(src, &g->meta, &w->meta);
    CHECK(g->nblocks == w->nblocks, "%s: %d blocks, expected %d", src, g->nblocks, w->nblocks);
    for (int b = 0; b < g->nblocks && b < w->nblocks; b++) {
        const pb_block *gb = &g->blocks[b], *wb = &w->blocks[b];
        if (!CHECK(gb->kind == wb->kind, "%s: body[%d]: kind %d, expected %d", src, b,
                   gb->kind, wb->kind))
            continue;
        char what[64];
        snprintf(what, sizeof what, "body[%d]", b);
        if (gb->kind == PB_BLOCK_TABLE) {
            compare_table(src, b, gb, wb);
            continue;
        }
        if (gb->kind == PB_BLOCK_HEADING)
            CHECK(gb->level == wb->level, "%s: body[%d]: level %d, expected %d", src, b,
                  gb->level, wb->level);
        if (!CHECK(gb->ntexts == wb->ntexts, "%s: body[%d]: %d lines, expected %d", src, b,
                   gb->ntexts, wb->ntexts))
            continue;
        for (int t = 0; t < gb->ntexts; t++) {
            snprintf(what, sizeof what, "body[%d] line %d", b, t);
            compare_text(src, what, &gb->texts[t], &wb->texts[t]);
        }
    }
}

static pb_report *bound(pb_report *r, const pb_layout *layout, pb_arena *a, pb_diag *d)
{
    return r && pb_input_bind_tables(r, layout, a, d) ? r : NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_import_same LAYOUT EXPECTED.json SOURCE...\n");
        return 2;
    }
    pb_arena *a = pb_arena_new();
    pb_diag diag;
    pb_diag_init(&diag);
    pb_input_paths paths = {.data_dir = PAIBAN_SOURCE_DIR};
    const pb_layout *layout = pb_input_layout(argv[1], ".", &paths, a, &diag);
    pb_report *want = pb_input_report_file(argv[2], a, &diag);
    want = layout ? bound(want, layout, a, &diag) : NULL;
    if (!CHECK(want != NULL, "the expected report %s reads", argv[2])) {
        pb_diag_print(&diag, stdout);
        return test_summary();
    }
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, PAIBAN_SOURCE_DIR);
    pb_options_set_message_callback(o, on_message, NULL);
    pb_engine *e = NULL;
    if (!CHECK(pb_engine_new(o, &e) == PB_OK, "an engine"))
        return test_summary();
    pb_options_free(o);
    for (int i = 3; i < argc; i++) {
        char *bytes, *json;
        size_t len, json_len;
        pb_diag d;
        pb_diag_init(&d);
        if (!pb_read_file(argv[i], 64u << 20, PB_ERR_INPUT, &bytes, &len, &d)) {
            CHECK(false, "%s reads", argv[i]);
            continue;
        }
        messages = 0;
        pb_status st = pb_import_bytes(e, argv[i], bytes, len, argv[1], NULL, &json, &json_len,
                                       NULL, NULL);
        free(bytes);
        if (!CHECK(st == PB_OK && json, "%s imports (status %d)", argv[i], st))
            continue;
        /* warnings are checked by the command-line cases; here: none */
        CHECK(messages == 0, "%s imports without messages (%d)", argv[i], messages);
        pb_report *got = bound(pb_input_report("imported.json", json, json_len, a, &d), layout,
                               a, &d);
        if (CHECK(got != NULL, "the import of %s reads back", argv[i]))
            compare(argv[i], got, want);
        else
            pb_diag_print(&d, stdout);
        pb_free(json);
        pb_diag_free(&d);
    }
    pb_engine_free(e);
    pb_diag_free(&diag);
    pb_arena_free(a);
    return test_summary();
}
