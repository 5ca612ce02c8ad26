/* paiban sum through the public API (pb_sum):
 *
 * - three members (tests/sum/a.json, b.json, c.json) summed, every cell
 *   compared with a sum this test makes itself from the members' JSON:
 *   integers and decimals exactly, blank + blank = blank, blank + n = n;
 * - the summary passes the layout's rules, and a second run gives the same
 *   bytes; with a base report, the base keeps its text and gets the sums;
 * - members that cannot be summed: a text cell, a number with a note, a
 *   table of a template of its own, other tables, another layout — each an
 *   error naming the member and the cell or table;
 * - members made at random that pass the rules (blank rows, blank
 *   organisation columns, decimals) always give a summary that passes
 *   them.
 *
 * usage: test_sum WORKDIR   (reports are written there) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "paiban.h"
#include "../testutil.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static void write_all(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    fputs(s, f);
    fclose(f);
}

/* ---- messages ---------------------------------------------------------------- */

static char messages[16384];

static void on_message(void *user, const pb_message *m)
{
    (void)user;
    size_t n = strlen(messages);
    snprintf(messages + n, sizeof messages - n, "%s\n", m->line);
}

static pb_engine *engine(void)
{
    pb_options *o = pb_options_new();
    pb_options_set_data_dir(o, test_data_dir());
    pb_options_set_message_callback(o, on_message, NULL);
    pb_engine *e = NULL;
    pb_engine_new(o, &e);
    pb_options_free(o);
    return e;
}

/* ---- an exact sum of the members, made here ---------------------------------- */

/* value = m / 10^scale; blank when !present */
typedef struct num {
    bool present;
    long long m;
    int scale;
} num;

static num parse_num(const cJSON *v)
{
    num x = {0};
    if (cJSON_IsNumber(v)) {
        x = (num){true, (long long)v->valuedouble, 0};
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring, *dot = strchr(s, '.');
        x.present = true;
        for (const char *p = s; *p; p++)
            if (*p != '.')
                x.m = x.m * 10 + (*p - '0');
        x.scale = dot ? (int)strlen(dot + 1) : 0;
    }
    return x;
}

static num add(num a, num b)
{
    if (!a.present)
        return b;
    if (!b.present)
        return a;
    while (a.scale < b.scale) {
        a.m *= 10;
        a.scale++;
    }
    while (b.scale < a.scale) {
        b.m *= 10;
        b.scale++;
    }
    return (num){true, a.m + b.m, a.scale};
}

static bool same(num want, const cJSON *got)
{
    if (!want.present)
        return cJSON_IsNull(got);
    if (want.scale == 0 && !cJSON_IsString(got))
        return cJSON_IsNumber(got) && got->valuedouble == (double)want.m;
    /* decimals are strings keeping every place */
    char buf[64];
    long long p = 1;
    for (int i = 0; i < want.scale; i++)
        p *= 10;
    if (want.scale)
        snprintf(buf, sizeof buf, "%lld.%0*lld", want.m / p, want.scale, want.m % p);
    else
        snprintf(buf, sizeof buf, "%lld", want.m);
    return cJSON_IsString(got) && !strcmp(got->valuestring, buf);
}

/* The cells of a member's row: an array, a one-cell object, or null. */
static const cJSON *cell(const cJSON *row, int k)
{
    if (cJSON_IsArray(row))
        return cJSON_GetArrayItem(row, k);
    if (cJSON_IsObject(row) && k == 0)
        return row->child;
    return NULL;
}

static int ncells(const cJSON *row)
{
    return cJSON_IsArray(row) ? cJSON_GetArraySize(row) : cJSON_IsObject(row) ? 1 : 0;
}

/* The k-th table block of a report. */
static const cJSON *table_block(const cJSON *report, int k)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(report, "body"))
    {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "type");
        if (cJSON_IsString(t) && !strcmp(t->valuestring, "table") && k-- == 0)
            return b;
    }
    return NULL;
}

/* Every cell of the summary against the members' sum. */
static void compare_cells(const char *summary, cJSON **members, int n, int line)
{
    cJSON *s = cJSON_Parse(summary);
    if (!CHECK_LINE(s != NULL, line, "the summary is JSON"))
        return;
    int cells = 0, blanks = 0, decimals = 0;
    for (int k = 0;; k++) {
        const cJSON *sb = table_block(s, k);
        if (!sb)
            break;
        const cJSON *svals = cJSON_GetObjectItemCaseSensitive(sb, "values"), *srow;
        cJSON_ArrayForEach(srow, svals)
        {
            int width = ncells(srow);
            bool any = false;
            for (int i = 0; i < n; i++) {
                const cJSON *mrow = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(table_block(members[i], k), "values"),
                    srow->string);
                if (ncells(mrow) > width)
                    width = ncells(mrow);
                any |= mrow && !cJSON_IsNull(mrow);
            }
            if (!any) {
                /* blank in every member: blank in the summary */
                cells++;
                blanks++;
                CHECK_LINE(cJSON_IsNull(srow), line, "table %d row %s is blank", k,
                           srow->string);
                continue;
            }
            for (int c = 0; c < width; c++) {
                num want = {0};
                for (int i = 0; i < n; i++) {
                    const cJSON *mrow = cJSON_GetObjectItemCaseSensitive(
                        cJSON_GetObjectItemCaseSensitive(table_block(members[i], k), "values"),
                        srow->string);
                    want = add(want, parse_num(cell(mrow, c)));
                }
                const cJSON *got = cJSON_IsNull(srow) ? srow : cell(srow, c);
                cells++;
                blanks += !want.present;
                decimals += want.scale > 0;
                CHECK_LINE(got && same(want, got), line, "table %d row %s cell %d: %s%lld/10^%d",
                           k, srow->string, c, want.present ? "" : "blank ", want.m, want.scale);
            }
        }
    }
    CHECK_LINE(cells > 100 && blanks > 0 && decimals > 0, line,
               "the summary's cells were compared (%d, %d blank, %d decimal)", cells, blanks,
               decimals);
    cJSON_Delete(s);
}

static pb_status check_file(pb_engine *e, const char *path, char **text)
{
    pb_request *r = pb_request_new();
    pb_request_set_report_file(r, path);
    size_t len;
    pb_status st = pb_check(e, r, PB_CHECK_JSON, 0, text, &len);
    pb_request_free(r);
    return st;
}

/* ---- three members -------------------------------------------------------------- */

static void test_three(pb_engine *e, const char *work)
{
    char a[1024], b[1024], c[1024], base[1024], out[1024];
    snprintf(a, sizeof a, "%s/tests/sum/a.json", test_data_dir());
    snprintf(b, sizeof b, "%s/tests/sum/b.json", test_data_dir());
    snprintf(c, sizeof c, "%s/tests/sum/c.json", test_data_dir());
    snprintf(base, sizeof base, "%s/tests/sum/base.json", test_data_dir());
    const char *members[] = {a, b, c};
    cJSON *parsed[3];
    for (int i = 0; i < 3; i++) {
        char *s = read_all(members[i]);
        parsed[i] = s ? cJSON_Parse(s) : NULL;
        free(s);
        CHECK(parsed[i] != NULL, "member %s is read", members[i]);
    }
    char *json = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    messages[0] = 0;
    pb_status st = pb_sum(e, members, 3, NULL, NULL, NULL, &json, &len);
    CHECK(st == PB_OK && json && !messages[0], "three members are summed (%d) %s", st, messages);
    st = pb_sum(e, members, 3, NULL, NULL, NULL, &again, &len2);
    CHECK(st == PB_OK && again && len == len2 && !memcmp(json, again, len),
          "a second run gives the same bytes");
    if (json && parsed[0] && parsed[1] && parsed[2])
        compare_cells(json, parsed, 3, __LINE__);

    /* written to a file, the summary passes the rules */
    snprintf(out, sizeof out, "%s/summary.json", work);
    st = pb_sum(e, members, 3, NULL, NULL, out, NULL, NULL);
    char *file = read_all(out);
    CHECK(st == PB_OK && file && json && !strcmp(file, json), "the file holds the same bytes");
    char *findings = NULL;
    st = check_file(e, out, &findings);
    CHECK(st == PB_OK && findings && strstr(findings, "\"violations\": 0,"),
          "the summary passes the rules (%d)", st);
    free(file);
    pb_free(findings);

    /* with a base: its text is kept, its tables get the sums */
    pb_free(again);
    again = NULL;
    st = pb_sum(e, members, 3, NULL, base, NULL, &again, &len2);
    CHECK(st == PB_OK && again && strstr(again, "全市共收到政府信息公开申请") &&
              strstr(again, "\"licensing\":\t[2723]"),
          "the base keeps its text and gets the sums (%d)", st);
    if (again)
        compare_cells(again, parsed, 3, __LINE__);
    snprintf(out, sizeof out, "%s/summary-base.json", work);
    if (again)
        write_all(out, again);
    findings = NULL;
    st = check_file(e, out, &findings);
    CHECK(st == PB_OK, "the summary with its base passes the rules (%d)", st);
    pb_free(findings);
    pb_free(json);
    pb_free(again);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(parsed[i]);
}

/* ---- members that cannot be summed ------------------------------------------------ */

/* member b.json changed by replacing `from` with `to` */
static void refused(pb_engine *e, const char *work, const char *name, const char *from,
                    const char *to, const char *want, int line)
{
    char a[1024], b[1024], path[1024];
    snprintf(a, sizeof a, "%s/tests/sum/a.json", test_data_dir());
    snprintf(b, sizeof b, "%s/tests/sum/b.json", test_data_dir());
    snprintf(path, sizeof path, "%s/%s.json", work, name);
    char *s = read_all(b), *at = s ? strstr(s, from) : NULL;
    if (!CHECK_LINE(at != NULL, line, "b.json has %s", from)) {
        free(s);
        return;
    }
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *t = malloc(n);
    snprintf(t, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    write_all(path, t);
    free(s);
    free(t);
    const char *members[] = {a, path};
    char *json = NULL;
    size_t len = 0;
    messages[0] = 0;
    pb_status st = pb_sum(e, members, 2, NULL, NULL, NULL, &json, &len);
    char full[1200];
    snprintf(full, sizeof full, "%s: %s", path, want);
    CHECK_LINE(st == PB_ERR_INPUT && !json && strstr(messages, full), line,
               "%s is refused (%d): want \"%s\", got:\n%s", name, st, full, messages);
}

/* tests/sum/NAME after a.json */
static void refused_file(pb_engine *e, const char *name, const char *want, int line)
{
    char a[1024], path[1024];
    snprintf(a, sizeof a, "%s/tests/sum/a.json", test_data_dir());
    snprintf(path, sizeof path, "%s/tests/sum/%s", test_data_dir(), name);
    const char *members[] = {a, path};
    char *json = NULL;
    size_t len = 0;
    messages[0] = 0;
    pb_status st = pb_sum(e, members, 2, NULL, NULL, NULL, &json, &len);
    char full[1200];
    snprintf(full, sizeof full, "%s: %s", path, want);
    CHECK_LINE(st == PB_ERR_INPUT && !json && strstr(messages, full), line,
               "%s is refused (%d): want \"%s\", got:\n%s", name, st, full, messages);
}

static void test_refused(pb_engine *e, const char *work)
{
    refused(e, work, "note", "\"new_requests\":       [10, 3, 0, 1, 0, 1, 15]",
            "\"new_requests\":       [\"10（其中补正2件）\", 3, 0, 1, 0, 1, 15]",
            "body[3].values.new_requests[0]: 一、本年新收政府信息公开申请数量 × 自然人 is "
            "\"10（其中补正2件）\": a number with a note",
            __LINE__);
    refused_file(e, "swapped.json",
                 "body[2].table: table 1 is \"applications\", ", __LINE__);
    refused(e, work, "fewer-tables",
            ",\n    {\"type\": \"table\", \"table\": \"review_litigation\", \"values\": {\n"
            "      \"counts\": [1, 1, 0, 1, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1]\n    }}",
            "", "body: 2 tables, ", __LINE__);
    refused(e, work, "own-template",
            "{\"type\": \"table\", \"table\": \"review_litigation\", \"values\": {\n"
            "      \"counts\": [1, 1, 0, 1, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1]\n    }}",
            "{\"type\": \"table\", \"template\": {\"columns\": [{\"id\": \"n\"}], \"rows\": "
            "[{\"id\": \"counts\"}]}, \"values\": {\"counts\": [7]}}",
            "body[4].template: a table with a template of its own cannot be summed",
            __LINE__);
    /* the official layout under another name: another file */
    char other[1024], official[1024];
    snprintf(official, sizeof official, "%s/layouts/gov-info-annual-2021.json", test_data_dir());
    snprintf(other, sizeof other, "%s/other.json", work);
    char *copy = read_all(official);
    if (copy)
        write_all(other, copy);
    free(copy);
    refused(e, work, "other-layout", "\"layout\": \"gov-info-annual-2021\"",
            "\"layout\": \"other.json\"", "layout: the layout is ", __LINE__);

    /* a text cell: a layout with a text column */
    char l[1024], m1[1024], m2[1024];
    snprintf(l, sizeof l, "%s/text-layout.json", work);
    write_all(l, "{\"extends\": \"gbt9704\", \"tables\": {\"t\": {\"columns\": ["
                 "{\"id\": \"item\", \"label\": true}, {\"id\": \"n\"}, "
                 "{\"id\": \"note\", \"format\": \"text\"}], "
                 "\"header\": [{\"text\": \"件数\", \"column\": \"n\"}, "
                 "{\"text\": \"备注\", \"column\": \"note\"}], "
                 "\"rows\": [{\"id\": \"r\", \"label\": \"申请\"}]}}}\n");
    snprintf(m1, sizeof m1, "%s/text-1.json", work);
    snprintf(m2, sizeof m2, "%s/text-2.json", work);
    write_all(m1, "{\"layout\": \"text-layout.json\", \"meta\": {\"title\": \"一\"}, \"body\": "
                  "[{\"type\": \"table\", \"table\": \"t\", \"values\": {\"r\": [1, null]}}]}\n");
    write_all(m2, "{\"layout\": \"text-layout.json\", \"meta\": {\"title\": \"二\"}, \"body\": "
                  "[{\"type\": \"table\", \"table\": \"t\", \"values\": {\"r\": [2, \"含转办\"]}}]}\n");
    const char *members[] = {m1, m2};
    char *json = NULL;
    size_t len;
    messages[0] = 0;
    pb_status st = pb_sum(e, members, 2, NULL, NULL, NULL, &json, &len);
    char want[1200];
    snprintf(want, sizeof want, "%s: body[0].values.r[1]: 申请 × 备注 is a text cell (\"含转办\")",
             m2);
    CHECK(st == PB_ERR_INPUT && !json && strstr(messages, want),
          "a text cell is refused (%d): want \"%s\", got:\n%s", st, want, messages);
    /* blank text cells are nothing to add: they stay blank */
    write_all(m2, "{\"layout\": \"text-layout.json\", \"meta\": {\"title\": \"二\"}, \"body\": "
                  "[{\"type\": \"table\", \"table\": \"t\", \"values\": {\"r\": [2, null]}}]}\n");
    st = pb_sum(e, members, 2, NULL, NULL, NULL, &json, &len);
    CHECK(st == PB_OK && json && strstr(json, "\"r\":\t[3, null]"), "blank text cells stay blank");
    pb_free(json);
}

/* ---- members at random ---------------------------------------------------------------- */

static unsigned long long rng;

static int rnd(int n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((rng >> 33) % (unsigned long long)n);
}

static const char *const result_rows[] = {
    "disclosed", "partly_disclosed", "state_secret", "prohibited_by_law", "security_stability",
    "third_party_rights", "internal_affairs", "process_info", "enforcement_files",
    "query_matters", "not_held", "needs_creation", "still_unclear", "petition_complaint",
    "repeated", "publications", "mass_repeated", "confirm_reissue", "overdue_correction",
    "unpaid_fees", "other_cases"};
#define NRESULT ((int)(sizeof result_rows / sizeof *result_rows))

/* "[a, b, c, d, e, f, total]" of 6 parts, with the organisations blank
 * when orgs_blank (their parts are then 0) */
static void row7(char *out, size_t size, const int *v, bool orgs_blank)
{
    int total = 0;
    for (int i = 0; i < 6; i++)
        total += v[i];
    if (orgs_blank)
        snprintf(out, size, "[%d, null, null, null, null, null, %d]", v[0], total);
    else
        snprintf(out, size, "[%d, %d, %d, %d, %d, %d, %d]", v[0], v[1], v[2], v[3], v[4], v[5],
                 total);
}

/* A member that passes the rules R1-R4: parts at random, totals added up,
 * some rows blank (their parts 0), sometimes every organisation column
 * blank (parts 0), a decimal fee with 0-4 places. */
static char *random_member(int id)
{
    bool orgs_blank = rnd(4) == 0;
    int res[NRESULT][6], tot[6] = {0};
    bool blank_row[NRESULT];
    for (int r = 0; r < NRESULT; r++) {
        blank_row[r] = rnd(5) == 0;
        for (int c = 0; c < 6; c++) {
            res[r][c] = blank_row[r] || (orgs_blank && c > 0) ? 0 : rnd(4) == 0 ? rnd(9) : 0;
            tot[c] += res[r][c];
        }
    }
    int carried_over[6], carried_forward[6], new_req[6];
    for (int c = 0; c < 6; c++) {
        bool zero = orgs_blank && c > 0;
        carried_forward[c] = zero ? 0 : rnd(3);
        carried_over[c] = zero ? 0 : rnd(1 + (tot[c] + carried_forward[c] < 3 ? tot[c] + carried_forward[c] : 3));
        new_req[c] = tot[c] + carried_forward[c] - carried_over[c];
    }
    size_t cap = 16384, n = 0;
    char *s = malloc(cap), row[160];
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"layout\": \"gov-info-annual-2021\", \"meta\": {\"title\": \"第%d个"
                          "单位\", \"year\": 2021}, \"body\": [\n", id);
    int places = rnd(5), scale = 1;
    for (int i = 0; i < places; i++)
        scale *= 10;
    int fee = rnd(100000);
    char feebuf[40];
    if (places)
        snprintf(feebuf, sizeof feebuf, "\"%d.%0*d\"", fee / scale, places, fee % scale);
    else
        snprintf(feebuf, sizeof feebuf, "%d", fee);
    int made = rnd(5), repealed = rnd(3), valid = rnd(50);
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"type\": \"table\", \"table\": \"active_disclosure\", \"values\": {"
                          "\"rules\": [%d, %d, %d], \"normative_documents\": %s, "
                          "\"licensing\": {\"decisions\": %d}, \"fees\": {\"amount\": %s}}},\n",
                          made, repealed, valid, rnd(3) ? "[1, 0, 7]" : "null", rnd(3000),
                          feebuf);
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"type\": \"table\", \"table\": \"applications\", \"values\": {");
    row7(row, sizeof row, new_req, orgs_blank);
    n += (size_t)snprintf(s + n, cap - n, "\"new_requests\": %s", row);
    row7(row, sizeof row, carried_over, orgs_blank);
    n += (size_t)snprintf(s + n, cap - n, ", \"carried_over\": %s", row);
    for (int r = 0; r < NRESULT; r++) {
        if (blank_row[r])
            snprintf(row, sizeof row, "null");
        else
            row7(row, sizeof row, res[r], orgs_blank);
        n += (size_t)snprintf(s + n, cap - n, ", \"%s\": %s", result_rows[r], row);
    }
    row7(row, sizeof row, tot, orgs_blank);
    n += (size_t)snprintf(s + n, cap - n, ", \"results_total\": %s", row);
    row7(row, sizeof row, carried_forward, orgs_blank);
    n += (size_t)snprintf(s + n, cap - n, ", \"carried_forward\": %s}},\n", row);
    int rl[15];
    for (int g = 0; g < 3; g++) {
        int sum = 0;
        for (int k = 0; k < 4; k++)
            sum += rl[g * 5 + k] = rnd(3);
        rl[g * 5 + 4] = sum;
    }
    n += (size_t)snprintf(s + n, cap - n,
                          "{\"type\": \"table\", \"table\": \"review_litigation\", \"values\": "
                          "{\"counts\": [");
    for (int k = 0; k < 15; k++)
        n += (size_t)snprintf(s + n, cap - n, "%s%d", k ? ", " : "", rl[k]);
    snprintf(s + n, cap - n, "]}}\n]}\n");
    return s;
}

static void test_random(pb_engine *e, const char *work)
{
    rng = 20211231;
    int rounds = 30, summed = 0;
    for (int round = 0; round < rounds; round++) {
        int n = 2 + rnd(4);
        char paths[6][1024];
        const char *members[6];
        cJSON *parsed[6];
        bool ok = true;
        for (int i = 0; i < n; i++) {
            char *m = random_member(i + 1);
            snprintf(paths[i], sizeof paths[i], "%s/random-%d-%d.json", work, round, i);
            write_all(paths[i], m);
            parsed[i] = cJSON_Parse(m);
            free(m);
            members[i] = paths[i];
            char *findings = NULL;
            pb_status st = check_file(e, paths[i], &findings);
            ok &= CHECK(st == PB_OK, "random member %d of round %d passes the rules (%d)", i,
                        round, st);
            pb_free(findings);
        }
        char out[1024];
        snprintf(out, sizeof out, "%s/random-%d-summary.json", work, round);
        pb_status st = pb_sum(e, members, n, NULL, NULL, out, NULL, NULL);
        char *findings = NULL;
        pb_status cs = st == PB_OK ? check_file(e, out, &findings) : st;
        CHECK(st == PB_OK && cs == PB_OK && findings && strstr(findings, "\"violations\": 0,"),
              "round %d: the summary of %d members that pass the rules passes them (%d, %d)",
              round, n, st, cs);
        summed += ok && cs == PB_OK;
        pb_free(findings);
        for (int i = 0; i < n; i++)
            cJSON_Delete(parsed[i]);
    }
    printf("%d of %d random summaries pass the rules\n", summed, rounds);
}

int main(int argc, char **argv)
{
    const char *work = argc > 1 ? argv[1] : ".";
    pb_engine *e = engine();
    if (!CHECK(e != NULL, "the engine starts"))
        return test_summary();
    test_three(e, work);
    test_refused(e, work);
    test_random(e, work);
    pb_engine_free(e);
    return test_summary();
}
