/* The claims of the official layout (layouts/gov-info-annual-2021.json):
 * every case of tests/check/claims/cases.txt put into a report with the
 * tables of tests/check/claims/tables.json, once with the right number
 * (the claim matches there and holds, and nothing else is found) and once
 * with a wrong one (a violation of that claim naming the number as written
 * and the cells); the real report (tests/check/real/) checked against its
 * own tables with no false alarm; and every pattern of every claim matched
 * by at least one of these sentences.
 *
 * usage: test_claims WORKDIR   (reports are written there) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check/check_internal.h"
#include "engine.h"
#include "input/input.h"
#include "../testutil.h"

static const char *data_dir(void)
{
    return test_data_dir();
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        fclose(f);
        return NULL;
    }
    s[n] = 0;
    fclose(f);
    return s;
}

/* base with "@SENTENCES@" replaced by text */
static char *report_with(const char *base, const char *text)
{
    const char *at = strstr(base, "@SENTENCES@");
    size_t n = strlen(base) + strlen(text) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - base), base, text, at + strlen("@SENTENCES@"));
    return s;
}

/* sentence with [[right|wrong]] replaced by one of them; *num gets it */
static char *pick(const char *sentence, bool right, char *num, size_t numsize)
{
    const char *a = strstr(sentence, "[["), *bar = a ? strchr(a, '|') : NULL;
    const char *b = bar ? strstr(bar, "]]") : NULL;
    if (!b)
        return NULL;
    const char *from = right ? a + 2 : bar + 1, *to = right ? bar : b;
    snprintf(num, numsize, "%.*s", (int)(to - from), from);
    size_t n = strlen(sentence) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(a - sentence), sentence, num, b + 2);
    return s;
}

static cJSON *check_json(pb_engine *e, const char *path, pb_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    pb_diag d;
    pb_diag_init(&d);
    pb_job job = {.report_path = path};
    *st = pb_engine_check(e, &job, PB_CHECK_JSON, false, &buf, &len, &d);
    if (d.count)
        pb_diag_print(&d, stdout);
    pb_diag_free(&d);
    cJSON *root = buf ? cJSON_Parse(buf) : NULL;
    free(buf);
    return root;
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

/* the layout's claims and which of their patterns were matched */
typedef struct coverage {
    const pb_layout *layout;
    bool **seen;
} coverage;

static void cover(coverage *c, const cJSON *root)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "text"))
    {
        const char *id = str(t, "claim");
        for (int i = 0; id && i < c->layout->nclaims; i++) {
            int k = num(t, "pattern");
            if (!strcmp(c->layout->claims[i].id, id) && k >= 0 &&
                k < c->layout->claims[i].npatterns)
                c->seen[i][k] = true;
        }
    }
}

/* The text entry of claim `id` whose number is written `written`. */
static const cJSON *entry(const cJSON *root, const char *id, const char *written)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(root, "text"))
    {
        if (str(t, "claim") && !strcmp(str(t, "claim"), id) && !strcmp(str(t, "written"), written))
            return t;
    }
    return NULL;
}

static void run_case(pb_engine *e, coverage *cov, const char *base, const char *work, int line,
                     const char *id, const char *sentence, const char *cases)
{
    char right_num[64], wrong_num[64], path[1024];
    char *right = pick(sentence, true, right_num, sizeof right_num);
    char *wrong = pick(sentence, false, wrong_num, sizeof wrong_num);
    if (!test_check_at(right && wrong, cases, line, "the sentence has [[RIGHT|WRONG]]"))
        goto out;

    /* the right number: matched by the claim, holds, nothing else found */
    snprintf(path, sizeof path, "%s/%s-%d-right.json", work, id, line);
    char *rep = report_with(base, right);
    FILE *f = fopen(path, "w");
    fputs(rep, f);
    fclose(f);
    free(rep);
    pb_status st;
    cJSON *root = check_json(e, path, &st);
    const cJSON *t = root ? entry(root, id, right_num) : NULL;
    test_check_at(st == PB_OK && root && num(root, "violations") == 0 &&
                      num(root, "missing") == 0,
                  cases, line, "%s: \"%s\" passes (status %d, %d violations)", id, right, st,
                  root ? num(root, "violations") : -1);
    test_check_at(t && !strcmp(str(t, "outcome"), "holds"), cases, line,
                  "%s: the claim matches \"%s\" in \"%s\" and holds", id, right_num, right);
    if (root)
        cover(cov, root);
    cJSON_Delete(root);

    /* the wrong number: a violation of that claim */
    snprintf(path, sizeof path, "%s/%s-%d-wrong.json", work, id, line);
    rep = report_with(base, wrong);
    f = fopen(path, "w");
    fputs(rep, f);
    fclose(f);
    free(rep);
    root = check_json(e, path, &st);
    int found = 0, others = 0;
    const cJSON *fi;
    cJSON_ArrayForEach(fi, cJSON_GetObjectItemCaseSensitive(root, "findings"))
    {
        bool mine = str(fi, "claim") && !strcmp(str(fi, "claim"), id) &&
                    !strcmp(str(fi, "level"), "violation") &&
                    !strcmp(str(fi, "written"), wrong_num) &&
                    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fi, "cells")) > 0 &&
                    strstr(str(fi, "sentence"), wrong_num);
        found += mine;
        others += !mine;
    }
    test_check_at(st == PB_ERR_CHECK && found == 1 && others == 0, cases, line,
                  "%s: \"%s\" is one violation of the claim (status %d, %d of it, %d others)", id,
                  wrong, st, found, others);
    cJSON_Delete(root);
out:
    free(right);
    free(wrong);
}

int main(int argc, char **argv)
{
    const char *work = argc > 1 ? argv[1] : ".";
    char path[1024];
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    pb_input_paths paths = {.data_dir = data_dir()};
    pb_layout *layout = pb_input_layout("gov-info-annual-2021", ".", &paths, a, &d);
    pb_ruleset *rs = layout ? pb_check_compile(layout, a, &d) : NULL;
    if (!CHECK(rs != NULL, "the official layout and its claims compile")) {
        pb_diag_print(&d, stdout);
        return test_summary();
    }
    CHECK(layout->nclaims >= 20, "the official layout has at least 20 claims (%d)",
          layout->nclaims);
    coverage cov = {layout, calloc((size_t)layout->nclaims, sizeof(bool *))};
    for (int i = 0; i < layout->nclaims; i++)
        cov.seen[i] = calloc((size_t)layout->claims[i].npatterns, sizeof(bool));

    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, data_dir());
    pb_engine *e = NULL;
    if (!CHECK(pb_engine_new(o, &e) == PB_OK, "the engine starts"))
        return test_summary();
    pb_options_free(o);
    snprintf(path, sizeof path, "%s/tests/check/claims/tables.json", data_dir());
    char *base = read_all(path);
    snprintf(path, sizeof path, "%s/tests/check/claims/cases.txt", data_dir());
    char *cases = read_all(path);
    CHECK(base && cases, "tables.json and cases.txt are read");
    int line = 0, ncases = 0;
    bool *tested = calloc((size_t)layout->nclaims, sizeof(bool));
    for (char *l = cases; l && *l;) {
        char *end = strchr(l, '\n');
        if (end)
            *end = 0;
        line++;
        char *tab = strchr(l, '\t');
        if (*l && *l != '#' && test_check_at(tab != NULL, path, line, "CLAIM<tab>SENTENCE")) {
            *tab = 0;
            int known = -1;
            for (int i = 0; i < layout->nclaims; i++)
                if (!strcmp(layout->claims[i].id, l))
                    known = i;
            if (test_check_at(known >= 0, path, line, "\"%s\" is a claim of the layout", l)) {
                tested[known] = true;
                run_case(e, &cov, base, work, line, l, tab + 1, path);
                ncases++;
            }
        }
        l = end ? end + 1 : NULL;
    }
    for (int i = 0; i < layout->nclaims; i++)
        CHECK(tested[i], "claim %s has a case that breaks it", layout->claims[i].id);

    /* the real report: its narrative, word for word, against its own
       tables, with no false alarm */
    snprintf(path, sizeof path, "%s/tests/check/real/nangang-2021-report.txt", data_dir());
    char *real_text = read_all(path);
    snprintf(path, sizeof path, "%s/tests/check/real/nangang-2021-real.json", data_dir());
    char *real_json = read_all(path);
    cJSON *real = real_json ? cJSON_Parse(real_json) : NULL;
    int strings = 0;
    const cJSON *blk, *body = cJSON_GetObjectItemCaseSensitive(real, "body");
    cJSON_ArrayForEach(blk, body)
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(blk, "text"), *one;
        const cJSON *list = cJSON_IsArray(t) ? t : NULL;
        if (cJSON_IsString(t)) {
            strings++;
            CHECK(real_text && strstr(real_text, t->valuestring), "the real report has \"%s\"",
                  t->valuestring);
        }
        cJSON_ArrayForEach(one, list)
        {
            strings++;
            CHECK(cJSON_IsString(one) && real_text && strstr(real_text, one->valuestring),
                  "the real report has \"%s\"", cJSON_IsString(one) ? one->valuestring : "");
        }
    }
    CHECK(strings >= 15, "the real report's narrative is there (%d strings)", strings);
    cJSON_Delete(real);
    free(real_json);
    free(real_text);
    pb_status st;
    cJSON *root = check_json(e, path, &st);
    CHECK(st == PB_OK && root && num(root, "violations") == 0 && num(root, "missing") == 0,
          "the real report's text agrees with its tables (status %d)", st);
    CHECK(root && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "text")) >= 4,
          "the real report's figures are checked (%d)",
          root ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "text")) : 0);
    if (root)
        cover(&cov, root);
    cJSON_Delete(root);

    /* a layout given as bytes is compiled for the call alone (and its
       claims' regular expressions closed after it: AddressSanitizer's leak
       check sees to that) */
    snprintf(path, sizeof path, "%s/layouts/gov-info-annual-2021.json", data_dir());
    char *layout_json = read_all(path);
    snprintf(path, sizeof path, "%s/tests/check/issue-2024.json", data_dir());
    pb_request *req = pb_request_new();
    pb_request_set_report_file(req, path);
    snprintf(path, sizeof path, "%s/layouts/official.json", data_dir());
    if (layout_json)
        pb_request_set_layout_bytes(req, path, layout_json, strlen(layout_json));
    char *text = NULL;
    size_t text_len = 0;
    st = pb_check(e, req, PB_CHECK_TEXT, 0, &text, &text_len);
    CHECK(st == PB_ERR_CHECK && text && strstr(text, "violation: claim litigation_total"),
          "a layout given as bytes has its claims (status %d)", st);
    pb_free(text);
    pb_request_free(req);
    free(layout_json);

    for (int i = 0; i < layout->nclaims; i++)
        for (int k = 0; k < layout->claims[i].npatterns; k++)
            CHECK(cov.seen[i][k], "pattern %d of claim %s matches a real sentence or a case", k,
                  layout->claims[i].id);
    printf("%d cases, %d claims\n", ncases, layout->nclaims);

    for (int i = 0; i < layout->nclaims; i++)
        free(cov.seen[i]);
    free(cov.seen);
    free(tested);
    free(base);
    free(cases);
    pb_engine_free(e);
    pb_check_free(rs);
    pb_diag_free(&d);
    pb_arena_free(a);
    return test_summary();
}
