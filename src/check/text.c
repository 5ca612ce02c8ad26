/* The numbers the text prints itself.  An inline assertion,
 * "未公开申请{{2 = applications.results_total.total - ...}}条", keeps the
 * number the text prints and ties it to an expression over the tables:
 * the number is compared with the expression's value, blank cells read as
 * 0 as in the rules (every cell blank: a missing value). */
#include <string.h>

#include "check/check_internal.h"

/* ---- the sentence around a number ----------------------------------------------- */

text_flat check_flatten(pb_arena *a, const pb_text *t)
{
    text_flat f = {0};
    f.starts = pb_arena_calloc(a, (size_t)t->nruns + 1, sizeof *f.starts);
    for (int i = 0; i < t->nruns; i++)
        f.len += t->runs[i].len;
    f.s = pb_arena_alloc(a, f.len + 1);
    size_t o = 0;
    for (int i = 0; i < t->nruns; i++) {
        f.starts[i] = o;
        memcpy(f.s + o, t->runs[i].text, t->runs[i].len);
        o += t->runs[i].len;
    }
    f.s[o] = 0;
    return f;
}

/* 。！？； end a sentence (clreq's full stops and the semicolon, which
 * these reports use between figures) */
static bool ends_sentence(const char *s)
{
    return !strncmp(s, "。", 3) || !strncmp(s, "！", 3) || !strncmp(s, "？", 3) ||
           !strncmp(s, "；", 3);
}

#define SENTENCE_SIDE 40 /* characters kept on each side of the number */

static size_t prev_char(const char *s, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* The sentence holding s[at..at+len), cut to SENTENCE_SIDE characters on
 * either side of the number with "…" where it is cut. */
const char *check_sentence(pb_arena *a, const text_flat *f, size_t at, size_t len)
{
    size_t start = at, end = at + len;
    for (int before = 0; start > 0 && before < SENTENCE_SIDE; before++) {
        size_t p = prev_char(f->s, start);
        if (ends_sentence(f->s + p))
            break;
        start = p;
    }
    for (int after = 0; end < f->len && after < SENTENCE_SIDE; after++) {
        bool stop = ends_sentence(f->s + end);
        do
            end++;
        while (end < f->len && ((unsigned char)f->s[end] & 0xC0) == 0x80);
        if (stop)
            break;
    }
    bool cut_start = start > 0 && !ends_sentence(f->s + prev_char(f->s, start));
    bool cut_end = end < f->len && !ends_sentence(f->s + prev_char(f->s, end));
    /* a cut sentence is cut at a comma where it can be, not in a word */
    if (cut_start)
        for (size_t p = start; p < at; p++)
            if (!strncmp(f->s + p, "，", 3)) {
                start = p + 3;
                break;
            }
    if (cut_end)
        for (size_t p = end; p > at + len + 3; p--)
            if (!strncmp(f->s + p - 3, "，", 3)) {
                end = p;
                break;
            }
    return pb_arena_printf(a, "%s%.*s%s", cut_start ? "…" : "", (int)(end - start), f->s + start,
                           cut_end ? "…" : "");
}

/* ---- evaluation ------------------------------------------------------------------- */

typedef struct teval {
    const ctext *ct;
    const pb_block **blocks; /* per reference */
} teval;

static bool text_value(void *ctx, const pb_expr *ref, pb_dec *out)
{
    const teval *x = ctx;
    const cref *cr = &x->ct->in.refs[ref->index];
    const pb_block *b = x->blocks[ref->index];
    pb_dec sum = {0, 0};
    for (int i = 0; i < cr->n; i++) {
        const pb_value *v = &b->values[cr->slots[i]];
        if (v->kind != PB_VALUE_BLANK && !pb_dec_add(sum, (pb_dec){v->number, v->scale}, &sum))
            return false;
    }
    *out = sum;
    return true;
}

const pb_block **check_blocks_of(run *x, const ctext *ct, const pb_table_template **missing,
                                 const pb_block **twice)
{
    const pb_block **blocks = pb_arena_calloc(x->a, (size_t)ct->as->nrefs + 1, sizeof *blocks);
    *missing = NULL;
    *twice = NULL;
    for (int j = 0; j < ct->as->nrefs; j++) {
        const pb_table_template *t = ct->tables[j]->t;
        for (int b = 0; b < x->report->nblocks; b++) {
            const pb_block *blk = &x->report->blocks[b];
            if (blk->kind != PB_BLOCK_TABLE || blk->table != t || !blk->values)
                continue;
            if (blocks[j]) {
                *twice = blk;
                return NULL;
            }
            blocks[j] = blk;
        }
        if (!blocks[j]) {
            *missing = t;
            return NULL;
        }
    }
    return blocks;
}

/* f's cells: every cell ct reads, each once; returns how many are blank
 * and sets *cells to how many there are. */
static int text_cells(run *x, const ctext *ct, const pb_block **blocks, pb_finding *f,
                      int *cells)
{
    int blanks = 0, cap = 0;
    *cells = 0;
    for (int j = 0; j < ct->as->nrefs; j++) {
        const cref *cr = &ct->in.refs[j];
        for (int k = 0; k < cr->n; k++) {
            pb_finding_cell c = check_make_cell(x, x->report, blocks[j], ct->tables[j],
                                                cr->slots[k], false, NULL);
            c.name = pb_arena_printf(x->a, "%s.%s", ct->tables[j]->t->id, c.name);
            c.short_name = c.name;
            bool dup = false;
            for (int i = 0; i < f->ncells && !dup; i++)
                dup = f->cells[i].value == c.value;
            if (dup)
                continue;
            (*cells)++;
            blanks += c.value->kind == PB_VALUE_BLANK;
            check_push_cell(x, f, &cap, c);
        }
    }
    return blanks;
}

/* Lists the number in out->text. */
static void note_text(run *x, const pb_finding *f, pb_finding_level level)
{
    pb_findings *o = x->out;
    if (o->ntext == x->text_cap) {
        int cap = x->text_cap ? x->text_cap * 2 : 16;
        o->text = pb_arena_grow(x->a, o->text, (size_t)o->ntext, (size_t)cap, sizeof *o->text);
        x->text_cap = cap;
    }
    o->text[o->ntext++] = (pb_text_check){
        .claim = f->claim, .pattern = f->pattern, .assertion = f->assertion, .file = f->file,
        .path = f->path, .written = f->written, .sentence = f->sentence, .value = f->expected,
        .overflow = f->overflow, .level = level, .cells = f->cells, .ncells = f->ncells,
    };
}

void check_skip(run *x, const ctext *ct, const pb_block **blocks, pb_dec number, pb_finding f)
{
    int cells;
    text_cells(x, ct, blocks, &f, &cells);
    teval ev = {ct, blocks};
    f.actual = number;
    f.overflow = !pb_expr_eval(ct->as->right, text_value, &ev, &f.expected);
    x->out->skipped++;
    note_text(x, &f, PB_FINDING_SKIPPED);
    check_add_finding(x, f);
}

void check_compare(run *x, const ctext *ct, const pb_block **blocks, pb_dec number, pb_cmp op,
                   pb_finding f)
{
    x->out->checks++;
    x->out->text_checks++;
    f.actual = number;
    f.op = op;
    int cells, blanks = text_cells(x, ct, blocks, &f, &cells);
    f.nblank = blanks;
    f.all_blank = blanks == cells;
    if (f.all_blank) {
        /* the text gives a number the tables leave blank */
        f.level = PB_FINDING_MISSING;
        note_text(x, &f, f.level);
        check_add_finding(x, f);
        return;
    }
    teval ev = {ct, blocks};
    int cmp = 0;
    bool ok = pb_expr_eval(ct->as->right, text_value, &ev, &f.expected) &&
              pb_dec_cmp(f.actual, f.expected, f.tolerance, &cmp);
    if (ok && pb_cmp_holds(op, cmp)) {
        note_text(x, &f, PB_FINDING_BLANK);
        if (!blanks || !x->opt->strict)
            return;
        f.level = PB_FINDING_MISSING;
    } else {
        f.level = PB_FINDING_VIOLATION;
        f.overflow = !ok;
        note_text(x, &f, f.level);
    }
    check_add_finding(x, f);
}

/* ---- inline assertions ------------------------------------------------------------ */

static void assertion(run *x, const pb_text_mark *m, pb_diag *diag)
{
    const char *file = x->report->file;
    pb_dec number;
    if (!check_number(m->number, strlen(m->number), &number)) {
        pb_diag_error(diag, PB_ERR_INPUT, file, m->path,
                      "%s: \"%s\" is not a number as a text writes one (1234, 1,234, "
                      "1944.0495, １２３, 二十三)", m->written, m->number);
        return;
    }
    size_t oplen;
    int op = pb_cmp_parse(m->source, &oplen);
    if (op < 0) {
        pb_diag_error(diag, PB_ERR_INPUT, file, m->path,
                      "%s: character %d: expected a comparison (= != < <= > >=) after the "
                      "number", m->written, m->source_char);
        return;
    }
    const char *expr = m->source + oplen, *err;
    int pos;
    pb_assertion *as = pb_expr_parse_value(expr, x->a, &err, &pos);
    int offset = m->source_char + (int)oplen - 1;
    if (!as) {
        pb_diag_error(diag, PB_ERR_INPUT, file, m->path, "%s: character %d: %s", m->written,
                      offset + pos, err);
        return;
    }
    ctext ct;
    text_where w = {PB_ERR_INPUT, file, m->path, pb_arena_printf(x->a, "%s: ", m->written),
                    offset};
    if (!x->rules || !check_compile_text(x->rules, as, x->a, diag, &w, &ct))
        return;
    const pb_table_template *missing;
    const pb_block *twice;
    const pb_block **blocks = check_blocks_of(x, &ct, &missing, &twice);
    if (!blocks) {
        if (missing)
            pb_diag_error(diag, PB_ERR_INPUT, file, m->path,
                          "%s: the report has no table \"%s\" (a block {\"type\": \"table\", "
                          "\"table\": \"%s\"})", m->written, missing->id, missing->id);
        else
            pb_diag_error(diag, PB_ERR_INPUT, file, m->path,
                          "%s: the report has table \"%s\" twice (the second at %s), so the "
                          "assertion is ambiguous", m->written, twice->table->id, twice->path);
        return;
    }
    const pb_text *t = &x->report->blocks[m->block].texts[m->text];
    text_flat f = check_flatten(x->a, t);
    pb_finding fd = {
        .assertion = m->written,
        .check = pb_arena_printf(x->a, "%s %s %s", m->number, pb_cmp_names[op],
                                 expr + strspn(expr, " ")),
        .file = file,
        .path = m->path,
        .written = m->number,
        .sentence = check_sentence(x->a, &f, f.starts[m->run] + m->offset, m->len),
    };
    check_compare(x, &ct, blocks, number, (pb_cmp)op, fd);
}

bool check_text(run *x, pb_diag *diag)
{
    int before = diag->errors;
    for (int i = 0; i < x->report->nmarks; i++) {
        const pb_text_mark *m = &x->report->marks[i];
        if (m->kind == PB_MARK_ASSERT)
            assertion(x, m, diag);
    }
    check_claims(x, diag);
    return diag->errors == before;
}
