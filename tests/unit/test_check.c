/* Check stage: exact decimals, the rule language (trees, precedence,
 * every syntax error word for word), evaluation, compiled rules on a
 * report with decimals and a tolerance, {{table.row.cell}} references,
 * and the JSON findings read back with cJSON and compared with the text. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check/check.h"
#include "check/check_internal.h"
#include "input/input.h"
#include "engine.h"
#include "../testutil.h"

/* ---- decimals ------------------------------------------------------------- */

static pb_dec dec(int64_t v, int scale)
{
    return (pb_dec){v, scale};
}

static void expect_dec(bool ok, pb_dec d, const char *want, int line)
{
    char buf[24];
    CHECK_LINE(ok, line, "operation failed, want %s", want);
    if (ok)
        CHECK_LINE(!strcmp(pb_dec_format(d, buf), want), line, "got %s, want %s", buf, want);
}

static void test_decimals(void)
{
    pb_dec d;
    expect_dec(pb_dec_add(dec(19440495, 4), dec(1, 0), &d), d, "1945.0495", __LINE__);
    expect_dec(pb_dec_sub(dec(1, 1), dec(25, 2), &d), d, "-0.15", __LINE__);
    expect_dec(pb_dec_mul(dec(2, 0), dec(1501, 1), &d), d, "300.2", __LINE__);
    expect_dec(pb_dec_add(dec(1010, 2), dec(60005, 3), &d), d, "70.105", __LINE__);
    expect_dec(true, dec(5, 3), "0.005", __LINE__);
    expect_dec(true, dec(-5, 3), "-0.005", __LINE__);
    expect_dec(true, dec(0, 2), "0.00", __LINE__);
    expect_dec(true, dec(120, 0), "120", __LINE__);
    expect_dec(true, dec(INT64_MIN, 0), "-9223372036854775808", __LINE__);
    /* places beyond 18 go only when they are zeros */
    expect_dec(pb_dec_mul(dec(100, 10), dec(1, 10), &d), d, "0.000000000000000001", __LINE__);
    CHECK(!pb_dec_mul(dec(1, 10), dec(1, 10), &d), "20 places cannot be kept");
    CHECK(!pb_dec_add(dec(INT64_MAX, 0), dec(1, 0), &d), "overflow is reported");
    CHECK(!pb_dec_add(dec(100000000000000000LL, 0), dec(1, 3), &d),
          "overflow while aligning the places is reported");
    CHECK(!pb_dec_mul(dec(INT64_MAX, 0), dec(2, 0), &d), "overflow of a product is reported");

    int c = 9;
    CHECK(pb_dec_cmp(dec(15077, 2), dec(15075, 2), dec(1, 2), &c) && c == 1,
          "150.77 vs 150.75 ± 0.01 is more (got %d)", c);
    CHECK(pb_dec_cmp(dec(15076, 2), dec(15075, 2), dec(1, 2), &c) && c == 0,
          "150.76 vs 150.75 ± 0.01 is equal (got %d)", c);
    CHECK(pb_dec_cmp(dec(150105, 3), dec(1501, 1), dec(1, 2), &c) && c == 0,
          "150.105 vs 150.1 ± 0.01 is equal (got %d)", c);
    CHECK(pb_dec_cmp(dec(3, 0), dec(30, 1), dec(0, 0), &c) && c == 0, "3 = 3.0 exactly");
    CHECK(pb_dec_cmp(dec(2, 0), dec(3, 0), dec(0, 0), &c) && c == -1, "2 < 3");
    CHECK(pb_cmp_holds(PB_CMP_LE, 0) && pb_cmp_holds(PB_CMP_LE, -1) &&
              !pb_cmp_holds(PB_CMP_LE, 1),
          "<= holds for less and equal");
    CHECK(pb_cmp_holds(PB_CMP_NE, 1) && !pb_cmp_holds(PB_CMP_NE, 0), "!= holds for unequal");
    CHECK(pb_cmp_holds(PB_CMP_GT, 1) && !pb_cmp_holds(PB_CMP_GT, 0), "> is strict");
}

/* ---- numbers as the text writes them ------------------------------------------ */

static void expect_number(const char *s, const char *want, int line)
{
    pb_dec d;
    bool ok = check_number(s, strlen(s), &d);
    char buf[24];
    if (!want)
        CHECK_LINE(!ok, line, "\"%s\" is not a number (got %s)", s,
                   ok ? pb_dec_format(d, buf) : "");
    else if (CHECK_LINE(ok, line, "\"%s\" is a number", s))
        CHECK_LINE(!strcmp(pb_dec_format(d, buf), want), line, "\"%s\" is %s, got %s", s, want,
                   buf);
}

static void test_numbers(void)
{
    expect_number("1234", "1234", __LINE__);
    expect_number("1,234", "1234", __LINE__);
    expect_number("12,345,678", "12345678", __LINE__);
    expect_number("1944.0495", "1944.0495", __LINE__);
    expect_number("1,944.0495", "1944.0495", __LINE__);
    expect_number("0", "0", __LINE__);
    expect_number("１２３", "123", __LINE__);
    expect_number("１９４４．０５", "1944.05", __LINE__);
    expect_number("十", "10", __LINE__);
    expect_number("十二", "12", __LINE__);
    expect_number("二十三", "23", __LINE__);
    expect_number("一百零五", "105", __LINE__);
    expect_number("一千零五十", "1050", __LINE__);
    expect_number("两千", "2000", __LINE__);
    expect_number("三万四千五百", "34500", __LINE__);
    expect_number("一亿三千万", "130000000", __LINE__);
    expect_number("二〇二一", "2021", __LINE__);
    expect_number("零", "0", __LINE__);
    expect_number("999999999999999999", "999999999999999999", __LINE__);
    /* not numbers */
    expect_number("", NULL, __LINE__);
    expect_number("1,23", NULL, __LINE__);
    expect_number("1234,567", NULL, __LINE__);
    expect_number(",123", NULL, __LINE__);
    expect_number("12.", NULL, __LINE__);
    expect_number("1.2.3", NULL, __LINE__);
    expect_number("1 234", NULL, __LINE__);
    expect_number("12件", NULL, __LINE__);
    expect_number("十十", NULL, __LINE__);
    expect_number("百十百", NULL, __LINE__);
    expect_number("万亿", NULL, __LINE__);
    expect_number("二三十", NULL, __LINE__);
    expect_number("1十", NULL, __LINE__);
    expect_number("1234567890123456789", NULL, __LINE__);
}

/* ---- the parser ------------------------------------------------------------- */

static const char *const kind_op[] = {
    [PB_EX_ADD] = "+", [PB_EX_SUB] = "-", [PB_EX_MUL] = "*", [PB_EX_NEG] = "neg"};

static void put(char *out, size_t size, const char *s)
{
    size_t n = strlen(out);
    snprintf(out + n, size - n, "%s", s);
}

/* Appends the tree as an S-expression: "(+ a (* b c))". */
static void show(const pb_expr *e, char *out, size_t size)
{
    char n[24];
    switch (e->kind) {
    case PB_EX_NUMBER:
        put(out, size, pb_dec_format(e->number, n));
        return;
    case PB_EX_REF:
        put(out, size, e->text);
        return;
    case PB_EX_SUM:
        put(out, size, "(sum ");
        put(out, size, e->a->text);
        put(out, size, ")");
        return;
    case PB_EX_NEG:
        put(out, size, "(neg ");
        show(e->a, out, size);
        put(out, size, ")");
        return;
    default:
        put(out, size, "(");
        put(out, size, kind_op[e->kind]);
        put(out, size, " ");
        show(e->a, out, size);
        put(out, size, " ");
        show(e->b, out, size);
        put(out, size, ")");
    }
}

static void expect_tree(const char *src, const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    const char *err = NULL;
    int pos = 0;
    pb_assertion *as = pb_expr_parse(src, a, &err, &pos);
    CHECK_LINE(as != NULL, line, "%s: %s (character %d)", src, err ? err : "", pos);
    if (as) {
        char got[1024] = "(";
        put(got, sizeof got, pb_cmp_names[as->op]);
        put(got, sizeof got, " ");
        show(as->left, got, sizeof got);
        put(got, sizeof got, " ");
        show(as->right, got, sizeof got);
        put(got, sizeof got, ")");
        CHECK_LINE(!strcmp(got, want), line, "%s\n  want: %s\n  got:  %s", src, want, got);
    }
    pb_arena_free(a);
}

static void expect_syntax(const char *src, int want_pos, const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    const char *err = NULL;
    int pos = 0;
    pb_assertion *as = pb_expr_parse(src, a, &err, &pos);
    CHECK_LINE(as == NULL, line, "%s: parsed, expected an error", src);
    if (!as)
        CHECK_LINE(pos == want_pos && !strcmp(err, want), line,
                   "%s\n  want: character %d: %s\n  got:  character %d: %s", src, want_pos, want,
                   pos, err);
    pb_arena_free(a);
}

static void test_parser(void)
{
    expect_tree("total = natural + sum(organizations)",
                "(= total (+ natural (sum organizations)))", __LINE__);
    expect_tree("a - b - c == d", "(= (- (- a b) c) d)", __LINE__);
    expect_tree("a + b * c = 2 * (x - y)", "(= (+ a (* b c)) (* 2 (- x y)))", __LINE__);
    expect_tree("-a + -(b) != 0", "(!= (+ (neg a) (neg b)) 0)", __LINE__);
    expect_tree("valid = prev.valid + made - repealed",
                "(= valid (- (+ prev.valid made) repealed))", __LINE__);
    expect_tree("row.cell<=sum( prev.group.cols )", "(<= row.cell (sum prev.group.cols))",
                __LINE__);
    expect_tree("x >= 1944.0500", "(>= x 1944.0500)", __LINE__);
    expect_tree("x < 0.5", "(< x 0.5)", __LINE__);
    expect_tree("x > _y1", "(> x _y1)", __LINE__);

    pb_arena *a = pb_arena_new();
    const char *err;
    int pos;
    pb_assertion *as = pb_expr_parse("t = a + sum(prev.g) + t", a, &err, &pos);
    CHECK(as && as->nrefs == 4 && as->uses_prev, "four references, one of last year");
    if (as && as->nrefs == 4) {
        CHECK(as->refs[0]->pos == 1 && as->refs[1]->pos == 5 && as->refs[2]->pos == 13 &&
                  as->refs[3]->pos == 23,
              "positions 1 5 13 23, got %d %d %d %d", as->refs[0]->pos, as->refs[1]->pos,
              as->refs[2]->pos, as->refs[3]->pos);
        CHECK(as->refs[2]->in_sum && as->refs[2]->prev && !as->refs[1]->in_sum,
              "the argument of sum() is marked");
        CHECK(as->refs[3]->index == 3, "indices in source order");
    }
    pb_arena_free(a);

    expect_syntax("", 1, "expected a number, a name, \"sum(\" or \"(\", got the end", __LINE__);
    expect_syntax("a", 2, "expected a comparison (= != < <= > >=), got the end", __LINE__);
    expect_syntax("a b = 1", 3,
                  "expected an operator (+ - *) or a comparison (= != < <= > >=), got \"b\"",
                  __LINE__);
    expect_syntax("a =", 4, "expected a number, a name, \"sum(\" or \"(\", got the end",
                  __LINE__);
    expect_syntax("a = b = c", 7, "a check has one comparison, got a second \"=\"", __LINE__);
    expect_syntax("a = b c", 7, "expected an operator (+ - *) or the end, got \"c\"", __LINE__);
    expect_syntax("总计 = a", 1, "expected a number, a name, \"sum(\" or \"(\", got \"总\"",
                  __LINE__);
    expect_syntax("a ≠ b", 3,
                  "expected an operator (+ - *) or a comparison (= != < <= > >=), got \"≠\"",
                  __LINE__);
    expect_syntax("(a = b", 4, "expected \")\", got \"=\"", __LINE__);
    expect_syntax("sum a = 1", 5, "expected \"(\" after \"sum\", got \"a\"", __LINE__);
    expect_syntax("sum() = 1", 5, "sum() takes a row group, a column group or a cell, got \")\"",
                  __LINE__);
    expect_syntax("sum(sum(a)) = 1", 5, "sum() cannot be nested", __LINE__);
    expect_syntax("sum(a + b) = 1", 7, "expected \")\" to close sum(, got \"+\"", __LINE__);
    expect_syntax("prev = 1", 5, "expected \".\" after \"prev\", got \" \"", __LINE__);
    expect_syntax("prev.prev.a = 1", 6, "\"prev\" cannot follow \"prev.\"", __LINE__);
    expect_syntax("a.sum = 1", 3, "\"sum\" cannot follow \"a.\"", __LINE__);
    expect_syntax("a. = 1", 3, "expected a name after \"a.\", got \" \"", __LINE__);
    expect_syntax("a.b.c = 1", 4, "a reference has at most two parts, ROW.CELL", __LINE__);
    expect_syntax("1. = a", 3, "expected digits after the decimal point", __LINE__);
    expect_syntax("1234567890123456789 = a", 1, "a number has at most 18 digits", __LINE__);
    expect_syntax("2x = a", 1,
                  "\"2x\" is neither a number nor a name (names start with a letter or \"_\")",
                  __LINE__);
    expect_syntax("3 = 3", 1, "the check names no cell", __LINE__);
    expect_syntax("a = 1 +", 8, "expected a number, a name, \"sum(\" or \"(\", got the end",
                  __LINE__);
}

/* ---- evaluation -------------------------------------------------------------- */

static bool fake_value(void *ctx, const pb_expr *ref, pb_dec *out)
{
    (void)ctx;
    if (!strcmp(ref->text, "big")) {
        *out = dec(INT64_MAX, 0);
        return true;
    }
    /* a = 1.5, b = 2, prev.a = 10, anything else 0.25 */
    *out = !strcmp(ref->text, "a")        ? dec(15, 1)
           : !strcmp(ref->text, "b")      ? dec(2, 0)
           : !strcmp(ref->text, "prev.a") ? dec(10, 0)
                                          : dec(25, 2);
    return true;
}

static void expect_eval(const char *src, const char *left, const char *right, int line)
{
    pb_arena *a = pb_arena_new();
    const char *err;
    int pos;
    pb_assertion *as = pb_expr_parse(src, a, &err, &pos);
    pb_dec l = {0, 0}, r = {0, 0};
    bool ok = as && pb_expr_eval(as->left, fake_value, NULL, &l) &&
              pb_expr_eval(as->right, fake_value, NULL, &r);
    char lb[24], rb[24];
    if (!left) {
        CHECK_LINE(as && !ok, line, "%s: expected an overflow", src);
    } else {
        CHECK_LINE(ok && !strcmp(pb_dec_format(l, lb), left) &&
                       !strcmp(pb_dec_format(r, rb), right),
                   line, "%s: got %s and %s, want %s and %s", src, ok ? lb : "?", ok ? rb : "?",
                   left, right);
    }
    pb_arena_free(a);
}

static void test_eval(void)
{
    expect_eval("a + b = prev.a - a * 2", "3.5", "7.0", __LINE__);
    expect_eval("-(a - b) = sum(c) * 4", "0.5", "1.00", __LINE__);
    expect_eval("big + 1 = a", NULL, NULL, __LINE__);
    expect_eval("-big - 2 = a", NULL, NULL, __LINE__);
}

/* ---- rules on a report ----------------------------------------------------------- */

static const char *data_dir(void)
{
    return test_data_dir();
}

static const char budget_report[] =
    "{\"layout\": \"tests/check/layouts/decimal.json\", \"meta\": {\"title\": \"经费\"},\n"
    " \"body\": [\n"
    "  {\"type\": \"paragraph\", \"text\": [\"支出**{{budget.total.spent}}**万元\",\n"
    "     {\"text\": \"（\\\\{{字面}}，{{budget.staff.plan}}与{{budget.staff.note}}）\"}]},\n"
    "  {\"type\": \"table\", \"table\": \"budget\", \"values\": {\n"
    "    \"staff\": [\"100.25\", \"90.10\", \"正常\"],\n"
    "    \"office\": {\"plan\": 50.5, \"spent\": \"40.005\"},\n"
    "    \"total\": [\"%s\", \"130.1\", null]}}]}";

/* Reads the budget report with total.plan = plan and checks it. */
static pb_report *budget(pb_arena *a, const char *plan, const pb_layout **layout,
                         pb_findings *f, pb_diag *d)
{
    char json[2048];
    snprintf(json, sizeof json, budget_report, plan);
    pb_report *r = pb_input_report("budget.json", json, strlen(json), a, d);
    pb_input_paths paths = {.data_dir = data_dir()};
    const char *lpath = pb_arena_printf(a, "%s/tests/check/layouts/decimal.json", data_dir());
    *layout = pb_input_layout(lpath, ".", &paths, a, d);
    if (!r || !*layout || !pb_input_bind_tables(r, *layout, a, d))
        return NULL;
    pb_ruleset *rs = pb_check_compile(*layout, a, d);
    if (!rs)
        return NULL;
    bool ok = pb_check_run(rs, r, NULL, NULL, a, f, d);
    pb_check_free(rs);
    return ok ? r : NULL;
}

static void test_rules(void)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    const pb_layout *layout;
    pb_findings f;
    pb_report *r = budget(a, "150.76", &layout, &f, &d);
    CHECK(r != NULL, "the budget report is read, bound and checked");
    if (!r) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    /* sum holds within 0.01 in both columns; within holds in 3 rows;
       half: 2 × 130.1 = 260.2 >= 150.76 */
    CHECK(f.checks == 6 && f.violations == 0 && f.missing == 0,
          "6 checks, all hold (got %d, %d violations, %d missing)", f.checks, f.violations,
          f.missing);
    r = budget(a, "150.74", &layout, &f, &d);
    CHECK(r && f.violations == 0, "150.74 is within 0.01 of 150.75 too");
    r = budget(a, "150.7", &layout, &f, &d);
    CHECK(r && f.violations == 1 && f.count == 1, "150.7 is not (%d violations)", f.violations);
    if (r && f.count == 1) {
        const pb_finding *x = &f.items[0];
        char e[24], g[24], t[24];
        CHECK(!strcmp(x->rule->id, "sum") && !strcmp(x->scope, "plan") &&
                  !strcmp(pb_dec_format(x->expected, e), "150.75") &&
                  !strcmp(pb_dec_format(x->actual, g), "150.7") &&
                  !strcmp(pb_dec_format(x->tolerance, t), "0.01") && x->op == PB_CMP_EQ,
              "sum in column plan: expected 150.75 ± 0.01, got 150.7 (got %s, %s, %s)", e, g, t);
        CHECK(x->ncells == 3 && !strcmp(x->cells[0].name, "total.plan") &&
                  !strcmp(x->cells[0].short_name, "total") &&
                  !strcmp(x->cells[2].path, "body[1].values.office.plan") &&
                  !strcmp(x->cells[2].row_label, "办公经费") &&
                  !strcmp(x->cells[2].column_label, "金额（万元） / 预算") &&
                  !strcmp(x->cells[2].label, "办公经费 × 预算"),
              "its cells, short names, labels and paths");
    }

    /* the text shows the cells; \{{ is a literal {{ */
    r = budget(a, "150.76", &layout, &f, &d);
    if (r) {
        const pb_text *t = &r->blocks[0].texts[0];
        CHECK(t->nruns == 4, "four runs (the bold one second), got %d", t->nruns);
        if (t->nruns == 4) {
            CHECK(!strcmp(t->runs[0].text, "支出") && t->runs[0].len == strlen("支出"),
                  "run 0: %s", t->runs[0].text);
            CHECK(!strcmp(t->runs[1].text, "130.1") && t->runs[1].bold == 1 &&
                      t->runs[1].len == 5,
                  "run 1 (bold): %s", t->runs[1].text);
            CHECK(!strcmp(t->runs[2].text, "万元"), "run 2: %s", t->runs[2].text);
            CHECK(!strcmp(t->runs[3].text, "（{{字面}}，100.25与正常）"), "run 3: %s",
                  t->runs[3].text);
        }
        CHECK(r->nrefs == 3, "three references, got %d", r->nrefs);
        if (r->nrefs == 3) {
            CHECK(!strcmp(r->refs[0].text, "{{budget.total.spent}}") &&
                      !strcmp(r->refs[0].path, "body[0].text[0]") && r->refs[0].block == 1 &&
                      r->refs[0].slot == 7,
                  "reference 0: %s at %s, block %d slot %d", r->refs[0].text, r->refs[0].path,
                  r->refs[0].block, r->refs[0].slot);
            CHECK(!strcmp(r->refs[1].path, "body[0].text[1].text") && r->refs[1].slot == 0,
                  "reference 1 at %s slot %d", r->refs[1].path, r->refs[1].slot);
            CHECK(r->refs[2].slot == 2, "a text cell can be quoted (slot %d)", r->refs[2].slot);
        }
    }
done:
    pb_diag_free(&d);
    pb_arena_free(a);
}

/* ---- JSON and text carry the same facts ------------------------------------------- */

static char *check_output(pb_engine *e, const char *report, const char *previous,
                          pb_check_format format, pb_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    pb_diag d;
    pb_diag_init(&d);
    pb_job job = {.report_path = report, .previous_path = previous};
    *st = pb_engine_check(e, &job, format, false, &buf, &len, &d);
    pb_diag_free(&d);
    return buf ? buf : strdup("");
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

/* The line of text that starts with prefix and ends with suffix, or NULL;
 * *rest points after the prefix.  With `block`, only the indented lines
 * right after text's first line are searched. */
static const char *find_line(const char *text, const char *prefix, const char *suffix,
                             const char **rest, bool block)
{
    size_t pl = strlen(prefix), sl = strlen(suffix);
    if (block) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    for (const char *l = text; l && *l;) {
        if (block && strncmp(l, "    ", 4))
            break;
        const char *end = strchr(l, '\n');
        size_t len = end ? (size_t)(end - l) : strlen(l);
        if (len >= pl + sl && !strncmp(l, prefix, pl) && !strncmp(l + len - sl, suffix, sl)) {
            *rest = l + pl;
            return l;
        }
        l = end ? end + 1 : NULL;
    }
    return NULL;
}

/* Every finding and cell of the JSON must be in the text: the same
 * rules, scopes, paths, labels, values, expected and actual values. */
static void same_facts(pb_engine *e, const char *name, const char *prev_name, int line)
{
    char report[1024], previous[1024];
    snprintf(report, sizeof report, "%s/tests/check/%s", data_dir(), name);
    snprintf(previous, sizeof previous, "%s/tests/check/%s", data_dir(),
             prev_name ? prev_name : "");
    pb_status st_json, st_text;
    char *json = check_output(e, report, prev_name ? previous : NULL, PB_CHECK_JSON, &st_json);
    char *text = check_output(e, report, prev_name ? previous : NULL, PB_CHECK_TEXT, &st_text);
    cJSON *root = cJSON_Parse(json);
    CHECK_LINE(root != NULL, line, "%s: the JSON output parses", name);
    CHECK_LINE(st_json == st_text, line, "%s: same status", name);
    if (!root)
        goto out;
    int violations = 0, missing = 0, blank = 0, n = 0;
    const cJSON *fi;
    cJSON_ArrayForEach(fi, cJSON_GetObjectItemCaseSensitive(root, "findings"))
    {
        n++;
        const char *level = str(fi, "level"), *rest;
        violations += level && !strcmp(level, "violation");
        missing += level && !strcmp(level, "missing");
        const cJSON *scope = cJSON_GetObjectItemCaseSensitive(fi, "scope");
        const cJSON *sc = scope ? scope->child : NULL;
        char where[512], head[2048], scopes[512] = "";
        snprintf(where, sizeof where, "%s%s%s: %s: ", str(fi, "file"),
                 str(fi, "path") ? ": " : "", str(fi, "path") ? str(fi, "path") : "", level);
        if (sc && str(fi, "scope_label"))
            snprintf(scopes, sizeof scopes, " (%s %s)", sc->string, str(fi, "scope_label"));
        if (level && !strcmp(level, "blank")) {
            /* not reported: named in one line */
            blank++;
            char item[600];
            snprintf(item, sizeof item, "%s%s", str(fi, "rule"), scopes);
            const char *l = strstr(text, ": not reported, every cell blank: ");
            const char *end = l ? strchr(l, '\n') : NULL;
            const char *at = l ? strstr(l, item) : NULL;
            CHECK_LINE(at && (!end || at < end), line, "%s: the not-reported line has %s", name,
                       item);
            continue;
        }
        if (str(fi, "assertion"))
            snprintf(head, sizeof head, "%sthe text says %s: \"%s\"", where, str(fi, "written"),
                     str(fi, "sentence"));
        else if (str(fi, "rule"))
            snprintf(head, sizeof head, "%s%s%s: %s", where, str(fi, "rule"), scopes,
                     str(fi, "description"));
        else
            snprintf(head, sizeof head, "%s%s refers to a blank cell", where,
                     str(fi, "reference"));
        const char *h = find_line(text, head, "", &rest, false);
        CHECK_LINE(h != NULL, line, "%s: the text has \"%s\"", name, head);
        if (!h)
            continue;
        if (str(fi, "check") && !strcmp(level, "violation")) {
            char prefix[512];
            snprintf(prefix, sizeof prefix, "    %s: ", str(fi, "check"));
            const cJSON *ev = cJSON_GetObjectItemCaseSensitive(fi, "expected");
            const cJSON *av = cJSON_GetObjectItemCaseSensitive(fi, "actual");
            bool found = find_line(h, prefix, "", &rest, true) != NULL;
            if (found && str(fi, "blank_note")) {
                found = !strncmp(rest, str(fi, "blank_note"), strlen(str(fi, "blank_note")));
                CHECK_LINE(found, line, "%s: the blank note \"%s\"", name, str(fi, "blank_note"));
            }
            rest = found ? strstr(rest, "expected ") : NULL;
            while (rest && *rest && !(*rest >= '0' && *rest <= '9') && *rest != '-')
                rest++; /* "at most 50.50" */
            double want_e = rest ? strtod(rest, NULL) : -1;
            const char *got = rest ? strstr(rest, "got ") : NULL;
            double want_a = got ? strtod(got + 4, NULL) : -1;
            CHECK_LINE(rest && ev && av && want_e == ev->valuedouble && want_a == av->valuedouble,
                       line, "%s: \"%s\" with expected %g and actual %g", name, prefix,
                       ev ? ev->valuedouble : -1, av ? av->valuedouble : -1);
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fi, "cells"))
        {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "value");
            bool prev = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "previous_year"));
            char prefix[256], suffix[1024];
            snprintf(prefix, sizeof prefix, "    %s%s", str(c, "name"),
                     cJSON_IsNull(v) ? ": blank" : " = ");
            snprintf(suffix, sizeof suffix, "  (%s)  %s%s%s", str(c, "label"),
                     prev ? str(c, "file") : "", prev ? ": " : "", str(c, "path"));
            bool found = find_line(h, prefix, suffix, &rest, true) != NULL;
            CHECK_LINE(found && (cJSON_IsNull(v) || strtod(rest, NULL) == v->valuedouble), line,
                       "%s: the text has \"%s…%s\" with %g", name, prefix, suffix,
                       cJSON_IsNumber(v) ? v->valuedouble : -1);
            char name_want[256];
            snprintf(name_want, sizeof name_want, "%s%s%s%s.%s", prev ? "prev." : "",
                     str(fi, "assertion") ? str(c, "table") : "", str(fi, "assertion") ? "." : "",
                     str(c, "row"), str(c, "cell"));
            CHECK_LINE(!strcmp(name_want, str(c, "name")), line, "%s: cell name %s", name,
                       str(c, "name"));
            /* the short label is made of the full ones' last parts */
            const char *rl = str(c, "row_label"), *cl = str(c, "column_label");
            const char *lab = str(c, "label"), *x = strstr(lab, " × ");
            const char *col_short = x ? x + strlen(" × ") : lab;
            size_t rs = x ? (size_t)(x - lab) : 0;
            CHECK_LINE(strlen(cl) >= strlen(col_short) &&
                           !strcmp(cl + strlen(cl) - strlen(col_short), col_short) &&
                           strlen(rl) >= rs && !strncmp(rl + strlen(rl) - rs, lab, rs),
                       line, "%s: label \"%s\" ends the labels \"%s\" and \"%s\"", name, lab,
                       rl, cl);
        }
    }
    CHECK_LINE(n == num(root, "violations") + num(root, "missing") + num(root, "blank") &&
                   violations == num(root, "violations") && missing == num(root, "missing") &&
                   blank == num(root, "blank"),
               line, "%s: the counts match the findings", name);
    char summary[256];
    snprintf(summary, sizeof summary, ": %d checks", num(root, "checks"));
    if (num(root, "text_checks") > 0)
        snprintf(summary + strlen(summary), sizeof summary - strlen(summary),
                 " (%d in the text)", num(root, "text_checks"));
    snprintf(summary + strlen(summary), sizeof summary - strlen(summary),
             ", %d violation%s, %d missing value%s", violations, violations == 1 ? "" : "s",
             missing, missing == 1 ? "" : "s");
    if (blank)
        snprintf(summary + strlen(summary), sizeof summary - strlen(summary),
                 ", %d not reported", blank);
    CHECK_LINE(strstr(text, summary) != NULL, line, "%s: the summary \"%s\"", name, summary);
    cJSON_Delete(root);
out:
    free(json);
    free(text);
}

static void test_json(void)
{
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, data_dir());
    pb_engine *e = NULL;
    CHECK(pb_engine_new(o, &e) == PB_OK, "engine");
    pb_options_free(o);
    same_facts(e, "r1.json", NULL, __LINE__);
    same_facts(e, "r3.json", NULL, __LINE__);
    same_facts(e, "r4.json", NULL, __LINE__);
    same_facts(e, "blank-total.json", NULL, __LINE__);
    same_facts(e, "blank-totals.json", NULL, __LINE__);
    same_facts(e, "blank-orgs.json", NULL, __LINE__);
    same_facts(e, "assert-wrong.json", NULL, __LINE__);
    same_facts(e, "assert-blank.json", NULL, __LINE__);
    same_facts(e, "ref-blank.json", NULL, __LINE__);
    same_facts(e, "good.json", "prev-bad.json", __LINE__);
    same_facts(e, "good.json", "prev-notable.json", __LINE__);
    same_facts(e, "decimal.json", NULL, __LINE__);
    same_facts(e, "../../samples/nangang-2021.json", NULL, __LINE__);
    pb_engine_free(e);
}

/* ---- the literals that let claims skip texts ------------------------------- */

/* The literals as "a|b|c" (longest first), "" for none. */
static void join_literals(const char *const *lits, int n, char *out, size_t size)
{
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            put(out, size, "|");
        put(out, size, lits[i]);
    }
}

/* want: the literals of ICU regular expression re, hand-written */
static void expect_regex_literals(const char *re, const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    const char *lits[CHECK_MAX_LITERALS];
    int n = check_regex_literals(a, re, lits, CHECK_MAX_LITERALS);
    char got[512];
    join_literals(lits, n, got, sizeof got);
    CHECK_LINE(!strcmp(got, want), line, "%s\n  want: \"%s\"\n  got:  \"%s\"", re, want, got);
    pb_arena_free(a);
}

/* want: the literals of a claim's pattern, placeholders expanded, after
   ICU compiled it */
static void expect_pattern_literals(const char *pattern, const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    const char *paths[] = {"claims.c.pattern"};
    pb_claim cl = {.id = "c", .patterns = &pattern, .pattern_paths = paths, .npatterns = 1,
                   .source = "layout.json"};
    cpattern *cp = check_compile_pattern(a, &d, &cl, 0);
    if (CHECK_LINE(cp != NULL, line, "%s: does not compile", pattern)) {
        char got[512];
        join_literals(cp->literals, cp->nliterals, got, sizeof got);
        CHECK_LINE(!strcmp(got, want), line, "%s\n  want: \"%s\"\n  got:  \"%s\"", pattern, want,
                   got);
    } else {
        pb_diag_print(&d, stdout);
    }
    check_pattern_free(cp);
    pb_diag_free(&d);
    pb_arena_free(a);
}

static void test_literals(void)
{
    /* runs of plain characters, longest first (equal lengths in order) */
    expect_regex_literals("予以公开", "予以公开", __LINE__);
    expect_regex_literals("上(?:一)?年(?:度)?结转", "结转|上|年", __LINE__);
    expect_regex_literals("(?:a|b)cd", "cd", __LINE__);
    expect_regex_literals("(a(b|c)d)ef", "ef", __LINE__);
    expect_regex_literals("^abc$", "abc", __LINE__);
    expect_regex_literals("a.b", "a|b", __LINE__);
    expect_regex_literals("(?<=前)ab(?!c)", "ab", __LINE__);
    expect_regex_literals("(?>ab)cd(?=e)", "cd", __LINE__);
    expect_regex_literals("", "", __LINE__);
    /* a quantified character is not certain, nor joins its neighbours */
    expect_regex_literals("abc?d", "ab|d", __LINE__);
    expect_regex_literals("ab*c", "a|c", __LINE__);
    expect_regex_literals("ab+c", "a|c", __LINE__);
    expect_regex_literals("ab{2}c", "a|c", __LINE__);
    expect_regex_literals("ab{0,3}c", "a|c", __LINE__);
    expect_regex_literals("ab{1,}c", "a|c", __LINE__);
    expect_regex_literals("ab*?cd", "cd|a", __LINE__);
    expect_regex_literals("ab??cd", "cd|a", __LINE__);
    expect_regex_literals("ab++cd", "cd|a", __LINE__);
    expect_regex_literals("件?", "", __LINE__);
    expect_regex_literals("(?:ab)?cd", "cd", __LINE__);
    expect_regex_literals("(?:ab){0,2}?cd", "cd", __LINE__);
    /* a group of plain alternatives: the start they share, whole characters */
    expect_regex_literals("(?:abc|abd)x", "ab|x", __LINE__);
    expect_regex_literals("(?:复议|复诉)后", "复|后", __LINE__);
    expect_regex_literals("(?:前后|前面)", "前", __LINE__);
    expect_regex_literals("(?:新收|收到)ab", "ab", __LINE__);
    expect_regex_literals("(?:abc|abd)?x", "x", __LINE__);
    expect_regex_literals("(?:abc|abd)+x", "x", __LINE__);
    expect_regex_literals("(?:abc|abd){1}x", "x", __LINE__);
    expect_regex_literals("(?:ab|a.c)x", "x", __LINE__);
    expect_regex_literals("(?:ab|a(?:b)c)x", "x", __LINE__);
    expect_regex_literals("(?:ab|)x", "x", __LINE__);
    expect_regex_literals("(?=abc)x", "x", __LINE__);
    expect_regex_literals("(abc|abd)x", "x", __LINE__);
    /* classes, nested classes, brackets in classes and groups */
    expect_regex_literals("[abc]de", "de", __LINE__);
    expect_regex_literals("x[\\]]y", "x|y", __LINE__);
    expect_regex_literals("[[a-z]&&[^b]]xy", "xy", __LINE__);
    expect_regex_literals("a(?:[)]|b)c", "a|c", __LINE__);
    expect_regex_literals("a(?:\\)|b)c", "a|c", __LINE__);
    expect_regex_literals("规章[^。；;\\n规范性]{0,20}?废止", "规章|废止", __LINE__);
    /* escapes: ones without arguments and escaped punctuation end a run */
    expect_regex_literals("\\d+元", "元", __LINE__);
    expect_regex_literals("a\\.b", "a|b", __LINE__);
    expect_regex_literals("a\\sb\\bc", "a|b|c", __LINE__);
    /* anything not fully understood: no literal at all */
    expect_regex_literals("a|b", "", __LINE__);
    expect_regex_literals("予以公开|同意公开", "", __LINE__);
    expect_regex_literals("(?i)abc", "", __LINE__);
    expect_regex_literals("ab(?i:c)", "", __LINE__);
    expect_regex_literals("ab(?x)c d", "", __LINE__);
    expect_regex_literals("ab(?#c)d", "", __LINE__);
    expect_regex_literals("(?<n>x)ab", "", __LINE__);
    expect_regex_literals("\\x{5143}ab", "", __LINE__);
    expect_regex_literals("ab\\u5143", "", __LINE__);
    expect_regex_literals("ab\\N{DIGIT ONE}", "", __LINE__);
    expect_regex_literals("ab\\p{Han}", "", __LINE__);
    expect_regex_literals("ab\\Qc|d\\E", "", __LINE__);
    expect_regex_literals("(x)ab\\1", "", __LINE__);
    expect_regex_literals("ab[]c]", "", __LINE__);
    expect_regex_literals("ab{x}", "", __LINE__);
    expect_regex_literals("a)b", "", __LINE__);
    expect_regex_literals("a(b", "", __LINE__);
    expect_regex_literals("a[b", "", __LINE__);
    /* at most CHECK_MAX_LITERALS of them */
    expect_regex_literals("a.b.c.d.e.f.g.h.i.j", "a|b|c|d|e|f|g|h", __LINE__);

    /* the placeholders are groups and classes: never literals themselves */
    expect_pattern_literals("{NUM}{UNIT}", "", __LINE__);
    expect_pattern_literals("予以公开{NUM}{UNIT}", "予以公开", __LINE__);
    expect_pattern_literals("本年(?:度)?新收{ANY}{NUM}{UNIT}", "本年|新收", __LINE__);
    expect_pattern_literals("{ANY}申请{NUM}件", "申请|件", __LINE__);
    expect_pattern_literals("申请{NUM}件?", "申请", __LINE__);
    expect_pattern_literals("申请{NUM}+件", "申请|件", __LINE__);
    expect_pattern_literals("申请(?:{NUM}件)?", "申请", __LINE__);
    expect_pattern_literals("申请\\s*{NUM}件", "申请|件", __LINE__);
    expect_pattern_literals("(?:收到|接到){NUM}件", "件", __LINE__);
    expect_pattern_literals("(?:未经复议|未经行政复议)(?:直接)?(?:提起)?(?:行政)?(?:起诉|诉讼)"
                            "(?:的)?(?:案件)?{NUM}{UNIT}",
                            "未经", __LINE__);
    expect_pattern_literals("申请|{NUM}件", "", __LINE__);
    /* the official layout's phrasings */
    expect_pattern_literals("行政事业性收费(?:金额|总额|总金额)?(?:为|共|共计|合计)?{NUM}万元",
                            "行政事业性收费|万元", __LINE__);
    expect_pattern_literals("行政复议(?:(?!诉讼)[^。；;\\n]){0,60}?(?:结果)?纠正{NUM}{UNIT}",
                            "行政复议|纠正", __LINE__);
    expect_pattern_literals("信访(?:、)?举报(?:、)?(?:投诉)?类(?:申请)?{NUM}{UNIT}",
                            "信访|举报|类", __LINE__);
    expect_pattern_literals("(?:新收|收到|接到|接收|受理)(?:的)?{ANY}申请(?:数量|数|总数)?"
                            "(?:为|共|共计|合计|总计)?{NUM}{UNIT}",
                            "申请", __LINE__);
}

/* Which literals a text holds, found in one pass (check_find_literals),
   against memmem looking for each: found[i] 1 where it finds literal i,
   2 where not. */
static void expect_found_like_memmem(const char *const *lits, int n, const char *s, size_t len,
                                     int line)
{
    pb_arena *a = pb_arena_new();
    literal_index ix;
    check_index_literals(a, lits, n, &ix);
    unsigned char found[64] = {0};
    check_find_literals(&ix, lits, s, len, found);
    for (int i = 0; i < n; i++) {
        unsigned char want = memmem(s, len, lits[i], strlen(lits[i])) ? 1 : 2;
        CHECK_LINE(found[i] == want, line, "text \"%.*s\", literal \"%s\": %d, want %d",
                   (int)len, s, lits[i], found[i], want);
    }
    pb_arena_free(a);
}

static void test_find_literals(void)
{
    /* sharing a first character, one the start of another, ASCII and
       CJK, one character alone; and bytes that start no character (a
       literal cut from inside one is looked for byte by byte) */
    static const char *const lits[] = {
        "申请", "申", "申请件", "请件", "件", "a", "ab", "b1", "，件", "请", "1", "行政复议",
        "\x94\xb3", "\xe7\x94", "复议a",
    };
    int n = (int)(sizeof lits / sizeof *lits);
    const char *fixed[] = {"", "申", "申请", "请申", "本机关申请件数", "ab", "b", "xab1",
                           "，件", "，，件件", "行政复议", "行政复", "复议a", "复议",
                           "申请1", "\xe7\x94", "\x94\xb3件"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        expect_found_like_memmem(lits, n, fixed[i], strlen(fixed[i]), __LINE__);
    /* a text cut inside its last character */
    expect_found_like_memmem(lits, n, "申请", 5, __LINE__);
    expect_found_like_memmem(lits, n, "件申", 4, __LINE__);
    /* random texts over the literals' characters */
    static const char *const pieces[] = {"申", "请", "件", "a", "b", "1", "，", "行政", "复议",
                                         "x", "\xe7"};
    unsigned seed = 12345;
    char text[256];
    for (int t = 0; t < 2000; t++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int count = (int)(seed >> 16) % 24;
        for (int k = 0; k < count; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        expect_found_like_memmem(lits, n, text, len, __LINE__);
    }
}

int main(void)
{
    test_decimals();
    test_numbers();
    test_parser();
    test_eval();
    test_rules();
    test_json();
    test_literals();
    test_find_literals();
    return test_summary();
}
