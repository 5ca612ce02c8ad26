/* Findings as text (paiban check), as JSON (paiban check --format json)
 * and as one-line messages (paiban render). */
#include <setjmp.h>
#include <string.h>

#include "base/call.h"
#include "check/check_internal.h"

static const char *number_text(const pb_value *v, char *buf)
{
    return pb_dec_format((pb_dec){v->number, v->scale}, buf);
}

static bool is_blank(const pb_finding_cell *c)
{
    return !c->value || c->value->kind == PB_VALUE_BLANK;
}


/* "expected 3, got 4" */
static const char *expectation(pb_arena *a, const pb_finding *f)
{
    if (f->overflow)
        return "the numbers are too large to compute exactly";
    char e[24], g[24], t[24];
    pb_dec_format(f->expected, e);
    pb_dec_format(f->actual, g);
    pb_dec_format(f->tolerance, t);
    bool tol = f->tolerance.v != 0;
    const char *pm = tol ? pb_arena_printf(a, " ± %s", t) : "";
    const char *note = tol ? pb_arena_printf(a, " (tolerance %s)", t) : "";
    switch (f->op) {
    case PB_CMP_EQ: return pb_arena_printf(a, "expected %s%s, got %s", e, pm, g);
    case PB_CMP_NE: return pb_arena_printf(a, "expected a value other than %s%s, got %s", e, pm, g);
    case PB_CMP_LT: return pb_arena_printf(a, "expected less than %s%s, got %s", e, note, g);
    case PB_CMP_LE: return pb_arena_printf(a, "expected at most %s%s, got %s", e, note, g);
    case PB_CMP_GT: return pb_arena_printf(a, "expected more than %s%s, got %s", e, note, g);
    case PB_CMP_GE: return pb_arena_printf(a, "expected at least %s%s, got %s", e, note, g);
    }
    return "";
}

static const char *const level_names[] = {
    [PB_FINDING_VIOLATION] = "violation",
    [PB_FINDING_MISSING] = "missing",
    [PB_FINDING_BLANK] = "blank",
    [PB_FINDING_SKIPPED] = "skipped",
};

/* " (row 一、本年新收政府信息公开申请数量)", or "" */
static const char *scope_text(pb_arena *a, const pb_finding *f)
{
    return f->scope_kind && f->scope_label
               ? pb_arena_printf(a, " (%s %s)", f->scope_kind, f->scope_label)
               : "";
}

/* "violation: R2 (row 一、本年新收政府信息公开申请数量): description" */
static const char *headline(pb_arena *a, const pb_finding *f)
{
    const char *level = level_names[f->level];
    if (f->assertion)
        return pb_arena_printf(a, "%s: the text says %s: \"%s\"", level, f->written,
                               f->sentence);
    if (f->claim)
        return pb_arena_printf(a, "%s: claim %s (%s): the text says %s: \"%s\"", level,
                               f->claim->id, f->claim->description, f->written, f->sentence);
    if (!f->rule)
        return pb_arena_printf(a, "%s: %s refers to a blank cell", level, f->reference);
    return pb_arena_printf(a, "%s: %s%s: %s", level, f->rule->id, scope_text(a, f),
                           f->rule->description);
}

/* The check's outcome: "expected 15, got 14", or in the words of the
 * report when one side is all blank. */
static const char *outcome(pb_arena *a, const pb_finding *f)
{
    const char *e = expectation(a, f);
    if (f->blank_note)
        return pb_arena_printf(a, "%s (%s, blank cells read as 0)", f->blank_note, e);
    if (f->nblank && !f->overflow)
        return pb_arena_printf(a, "%s (%d blank cell%s read as 0)", e, f->nblank,
                               f->nblank == 1 ? "" : "s");
    return e;
}

static const char *where(pb_arena *a, const pb_finding *f)
{
    return f->path ? pb_arena_printf(a, "%s: %s", f->file, f->path) : f->file;
}

/* ---- text ---------------------------------------------------------------------- */

static void write_cell(FILE *o, const pb_finding_cell *c)
{
    char buf[24];
    fprintf(o, "    %s", c->name);
    if (is_blank(c)) {
        fputs(": blank", o);
    } else {
        const char *num = number_text(c->value, buf);
        fprintf(o, " = %s", num);
        if (strcmp(num, c->value->text))
            fprintf(o, " (\"%s\")", c->value->text);
    }
    fprintf(o, "  (%s)  ", c->label);
    if (c->previous)
        fprintf(o, "%s: ", c->file);
    fprintf(o, "%s\n", c->path);
}

/* Runs fn with an arena of its own, given back however fn ends, memory
 * running out included. */
static int with_arena(int (*fn)(const pb_findings *f, void *arg, pb_arena *a),
                      const pb_findings *f, void *arg)
{
    pb_arena *a = pb_arena_new();
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        pb_arena_free(a);
        pb_oom_rethrow();
    }
    int r = fn(f, arg, a);
    pb_oom_leave(&scope);
    pb_arena_free(a);
    return r;
}

static int write_text(const pb_findings *f, void *out, pb_arena *a)
{
    FILE *o = out;
    const char *blank = NULL;
    for (int i = 0; i < f->count; i++) {
        const pb_finding *x = &f->items[i];
        if (x->level == PB_FINDING_BLANK) {
            /* all of them in one line */
            blank = pb_arena_printf(a, "%s%s%s%s", blank ? blank : "", blank ? ", " : "",
                                    x->rule->id, scope_text(a, x));
            continue;
        }
        fprintf(o, "%s: %s\n", where(a, x), headline(a, x));
        if (x->level == PB_FINDING_SKIPPED) {
            char e[24];
            fprintf(o, "    the report says: %s\n", x->reason);
            fprintf(o, "    %s: the tables give %s\n", x->check,
                    x->overflow ? "a number too large to compute exactly"
                                : pb_dec_format(x->expected, e));
        } else if (x->note)
            fprintf(o, "    %s\n", x->note);
        else if (x->check && x->level == PB_FINDING_VIOLATION)
            fprintf(o, "    %s: %s\n", x->check, outcome(a, x));
        else if (x->check && x->all_blank && (x->assertion || x->claim))
            fprintf(o, "    %s: every cell blank: the tables do not give the number\n",
                    x->check);
        else if (x->check && x->all_blank)
            fprintf(o, "    %s: every cell blank (--strict)\n", x->check);
        else if (x->check)
            fprintf(o, "    %s: %d blank cell%s (--strict; the check holds with blank "
                    "read as 0)\n", x->check, x->ncells, x->ncells == 1 ? "" : "s");
        for (int k = 0; k < x->ncells; k++)
            write_cell(o, &x->cells[k]);
    }
    if (blank)
        fprintf(o, "%s: not reported, every cell blank: %s\n", f->report, blank);
    fprintf(o, "%s: %d check%s", f->report, f->checks, f->checks == 1 ? "" : "s");
    if (f->text_checks)
        fprintf(o, " (%d in the text)", f->text_checks);
    fprintf(o, ", %d violation%s, %d missing value%s", f->violations,
            f->violations == 1 ? "" : "s", f->missing, f->missing == 1 ? "" : "s");
    if (f->blank)
        fprintf(o, ", %d not reported", f->blank);
    if (f->skipped)
        fprintf(o, ", %d claim%s skipped", f->skipped, f->skipped == 1 ? "" : "s");
    if (f->previous)
        fprintf(o, " (previous year: %s)", f->previous);
    fputc('\n', o);
    return 0;
}

void pb_check_write_text(const pb_findings *f, FILE *o)
{
    with_arena(write_text, f, o);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void jstr(FILE *o, const char *s)
{
    if (!s) {
        fputs("null", o);
        return;
    }
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(o, "\\u%04x", *p);
        else
            fputc(*p, o);
    }
    fputc('"', o);
}

/* "key": value, with the comma before it unless first */
static void jkey(FILE *o, const char *key, bool first)
{
    if (!first)
        fputs(", ", o);
    jstr(o, key);
    fputs(": ", o);
}

static void jfield(FILE *o, const char *key, const char *value, bool first)
{
    jkey(o, key, first);
    jstr(o, value);
}

/* a number, true/false or null, written as given */
static void jraw(FILE *o, const char *key, const char *raw)
{
    jkey(o, key, false);
    fputs(raw, o);
}

static const char *dec_or_null(pb_dec d, bool present, char *buf)
{
    return present ? pb_dec_format(d, buf) : "null";
}

static void json_cell(FILE *o, const pb_finding_cell *c)
{
    char buf[24];
    fputc('{', o);
    jfield(o, "name", c->name, true);
    jfield(o, "table", c->table, false);
    jfield(o, "row", c->row, false);
    jfield(o, "cell", c->cell, false);
    jfield(o, "row_label", c->row_label, false);
    jfield(o, "column_label", c->column_label, false);
    jfield(o, "label", c->label, false);
    jraw(o, "value", is_blank(c) ? "null" : number_text(c->value, buf));
    jfield(o, "text", is_blank(c) ? NULL : c->value->text, false);
    jraw(o, "previous_year", c->previous ? "true" : "false");
    jfield(o, "file", c->file, false);
    jfield(o, "path", c->path, false);
    fputc('}', o);
}

static void json_finding(FILE *o, const pb_finding *f)
{
    char buf[24];
    bool values = f->level == PB_FINDING_VIOLATION && !f->overflow;
    fputc('{', o);
    jfield(o, "level", level_names[f->level], true);
    jfield(o, "rule", f->rule ? f->rule->id : NULL, false);
    jfield(o, "description", f->rule    ? f->rule->description
                             : f->claim ? f->claim->description
                                        : NULL,
           false);
    jfield(o, "table", f->rule ? f->rule->table : NULL, false);
    jfield(o, "layout", f->layout, false);
    jfield(o, "check", f->check, false);
    jfield(o, "check_path", f->check_path, false);
    jkey(o, "scope", false);
    if (f->scope_kind) {
        fputc('{', o);
        jfield(o, f->scope_kind, f->scope, true);
        fputc('}', o);
    } else {
        fputs("null", o);
    }
    jfield(o, "scope_label", f->scope_label, false);
    jfield(o, "reference", f->reference, false);
    jfield(o, "claim", f->claim ? f->claim->id : NULL, false);
    jfield(o, "reason", f->reason, false);
    jfield(o, "assertion", f->assertion, false);
    jfield(o, "sentence", f->sentence, false);
    jfield(o, "written", f->written, false);
    jfield(o, "note", f->note, false);
    jfield(o, "file", f->file, false);
    jfield(o, "path", f->path, false);
    jfield(o, "operator", f->check ? pb_cmp_names[f->op] : NULL, false);
    jraw(o, "tolerance", dec_or_null(f->tolerance, f->check != NULL, buf));
    jraw(o, "expected", dec_or_null(f->expected, values, buf));
    jraw(o, "actual", dec_or_null(f->actual, values, buf));
    jraw(o, "overflow", f->overflow ? "true" : "false");
    jfield(o, "blank_note", f->blank_note, false);
    snprintf(buf, sizeof buf, "%d", f->nblank);
    jraw(o, "blank_cells", buf);
    jkey(o, "cells", false);
    fputc('[', o);
    for (int i = 0; i < f->ncells; i++) {
        if (i)
            fputs(", ", o);
        json_cell(o, &f->cells[i]);
    }
    fputs("]}", o);
}

void pb_check_write_json(const pb_findings *f, FILE *o)
{
    fputs("{\n  ", o);
    jfield(o, "report", f->report, true);
    fputs(",\n  ", o);
    jfield(o, "previous", f->previous, true);
    fprintf(o, ",\n  \"checks\": %d,\n  \"text_checks\": %d,\n  \"violations\": %d,\n  "
            "\"missing\": %d,\n  \"blank\": %d,\n  \"skipped\": %d,\n  ", f->checks,
            f->text_checks, f->violations, f->missing, f->blank, f->skipped);
    jkey(o, "findings", true);
    fputc('[', o);
    for (int i = 0; i < f->count; i++) {
        fputs(i ? ",\n    " : "\n    ", o);
        json_finding(o, &f->items[i]);
    }
    fputs(f->count ? "\n  ],\n  " : "],\n  ", o);
    /* every number of the text compared, whatever came of it */
    jkey(o, "text", true);
    fputc('[', o);
    for (int i = 0; i < f->ntext; i++) {
        const pb_text_check *t = &f->text[i];
        char buf[24];
        fputs(i ? ",\n    {" : "\n    {", o);
        jfield(o, "claim", t->claim ? t->claim->id : NULL, true);
        snprintf(buf, sizeof buf, "%d", t->pattern);
        jraw(o, "pattern", t->claim ? buf : "null");
        jfield(o, "assertion", t->assertion, false);
        jfield(o, "file", t->file, false);
        jfield(o, "path", t->path, false);
        jfield(o, "written", t->written, false);
        jfield(o, "sentence", t->sentence, false);
        jraw(o, "value", t->overflow || t->level == PB_FINDING_MISSING
                             ? "null"
                             : pb_dec_format(t->value, buf));
        jfield(o, "outcome", t->level == PB_FINDING_BLANK ? "holds" : level_names[t->level],
               false);
        jkey(o, "cells", false);
        fputc('[', o);
        for (int k = 0; k < t->ncells; k++) {
            if (k)
                fputs(", ", o);
            fputc('{', o);
            jfield(o, "name", t->cells[k].name, true);
            jfield(o, "label", t->cells[k].label, false);
            jfield(o, "path", t->cells[k].path, false);
            fputc('}', o);
        }
        fputs("]}", o);
    }
    fputs(f->ntext ? "\n  ]\n}\n" : "]\n}\n", o);
}

/* ---- messages -------------------------------------------------------------------- */

/* "（七）总计 × 自然人 = 3 (body[3].values.results_total[0])", one for each
 * cell; with `values` false, only the labels and paths.  Cells of 0 after
 * the first are counted, not listed: they add nothing to a sum; and a
 * message stays short enough to read (and within the limit of one
 * message): what does not fit is counted, and paiban check lists it. */
#define MESSAGE_BYTES 1000 /* what pb_diag keeps of a message, less a margin */

static const char *cell_list(pb_arena *a, const pb_finding *f, bool values, size_t used)
{
    size_t room = used + 120 < MESSAGE_BYTES ? MESSAGE_BYTES - used - 120 : 0;
    const char *s = "";
    char buf[24];
    int zeros = 0, more = 0;
    for (int i = 0; i < f->ncells; i++) {
        const pb_finding_cell *c = &f->cells[i];
        if (values && i > 0 && !is_blank(c) && c->value->number == 0) {
            zeros++;
            continue;
        }
        const char *where = c->previous
                                ? pb_arena_printf(a, "last year: %s: %s", c->file, c->path)
                                : c->path;
        const char *next =
            values ? pb_arena_printf(a, "%s%s%s = %s (%s)", s, *s ? "; " : "", c->label,
                                     is_blank(c) ? "blank" : number_text(c->value, buf), where)
                   : pb_arena_printf(a, "%s%s%s (%s)", s, *s ? "; " : "", c->label, where);
        if (strlen(next) > room) {
            more++;
            continue;
        }
        s = next;
    }
    if (more)
        s = pb_arena_printf(a, "%s; %d more cell%s (paiban check lists them)", s, more,
                            more == 1 ? "" : "s");
    if (zeros)
        s = pb_arena_printf(a, "%s; %d %scell%s of 0", s, zeros, more ? "" : "more ",
                            zeros == 1 ? "" : "s");
    return s;
}

typedef struct diag_args {
    bool force;
    pb_diag *diag;
} diag_args;

static int to_diag(const pb_findings *f, void *arg, pb_arena *a)
{
    const diag_args *d = arg;
    bool force = d->force;
    pb_diag *diag = d->diag;
    int errors = 0, blank_refs = 0;
    for (int i = 0; i < f->count; i++) {
        const pb_finding *x = &f->items[i];
        const char *text;
        bool error = false;
        if (x->level == PB_FINDING_BLANK || x->level == PB_FINDING_SKIPPED) {
            continue; /* listed by check only */
        } else if (x->level == PB_FINDING_VIOLATION) {
            text = pb_arena_printf(a, "%s: %s: %s: ", headline(a, x), x->check,
                                   outcome(a, x));
            text = pb_arena_printf(a, "%s%s", text, cell_list(a, x, true, strlen(text)));
            error = !force;
        } else if (x->note) {
            text = pb_arena_printf(a, "%s: %s", headline(a, x), x->note);
        } else if (x->assertion || x->claim) {
            text = pb_arena_printf(a, "%s: %s: the tables leave it blank: ", headline(a, x),
                                   x->check);
            text = pb_arena_printf(a, "%s%s", text, cell_list(a, x, false, strlen(text)));
        } else if (x->rule) {
            text = pb_arena_printf(a, "%s: blank: ", headline(a, x));
            text = pb_arena_printf(a, "%s%s", text, cell_list(a, x, false, strlen(text)));
        } else {
            /* the sentence would lose its number */
            text = pb_arena_printf(a, "%s: %s (%s): %s", headline(a, x), x->cells[0].label,
                                   x->cells[0].path, force ? "printed empty" : "fill it in");
            error = !force;
            blank_refs += error;
        }
        if (error) {
            pb_diag_error(diag, PB_ERR_CHECK, x->file, x->path, "%s", text);
            errors++;
        } else {
            pb_diag_warning(diag, x->file, x->path, "%s", text);
        }
    }
    if (errors)
        pb_diag_error(diag, PB_ERR_CHECK, f->report, NULL,
                      "%s, so nothing is written (--force writes it anyway)",
                      errors > blank_refs ? "the numbers do not add up"
                                          : "the text refers to a blank cell");
    return errors;
}

int pb_check_to_diag(const pb_findings *f, bool force, pb_diag *diag)
{
    diag_args d = {force, diag};
    return with_arena(to_diag, f, &d);
}
