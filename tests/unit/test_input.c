/* Input stage: report data and layouts -> document model, and every
 * message the stage gives for bad input, word for word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fx.h"
#include "input/input.h"
#include "../testutil.h"

/* All messages of d, one a line. */
static char *messages(const pb_diag *d)
{
    size_t n = 1;
    for (int i = 0; i < d->count; i++)
        n += strlen(d->messages[i].text) + 1;
    char *s = calloc(1, n);
    for (int i = 0; i < d->count; i++) {
        strcat(s, d->messages[i].text);
        if (i + 1 < d->count)
            strcat(s, "\n");
    }
    return s;
}

static void expect_messages(const pb_diag *d, pb_status status, const char *want, int line)
{
    char *got = messages(d);
    CHECK_LINE(strcmp(got, want) == 0, line, "messages differ\n  want: %s\n  got:  %s", want, got);
    CHECK_LINE(d->status == status, line, "status %d, want %d (%s)", d->status, status, got);
    free(got);
}

/* ---- reports ----------------------------------------------------------- */

static void report_error_at(const char *json, size_t len, pb_status status, const char *want,
                            int line)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    pb_report *r = pb_input_report("r.json", json, len, a, &d);
    CHECK_LINE(r == NULL, line, "report accepted: %s", json);
    expect_messages(&d, status, want, line);
    pb_diag_free(&d);
    pb_arena_free(a);
}

#define REPORT_ERROR(json, want) \
    report_error_at((json), strlen(json), PB_ERR_INPUT, (want), __LINE__)
#define REPORT_ERROR_LEN(json, len, want) \
    report_error_at((json), (len), PB_ERR_INPUT, (want), __LINE__)

/* A valid report around one block. */
#define ONE(block) "{\"meta\": {\"title\": \"T\"}, \"body\": [" block "]}"

static void check_run(const pb_text *t, int i, const char *text, int style, int bold,
                      const char *path, int line)
{
    if (i >= t->nruns) {
        CHECK_LINE(0, line, "run %d missing (%d runs)", i, t->nruns);
        return;
    }
    const pb_run *r = &t->runs[i];
    CHECK_LINE(r->len == strlen(text) && memcmp(r->text, text, r->len) == 0 &&
                   r->text[r->len] == 0,
               line, "run %d text \"%.*s\", want \"%s\"", i, (int)r->len, r->text, text);
    CHECK_LINE(r->style == style, line, "run %d style %d, want %d", i, r->style, style);
    CHECK_LINE(r->bold == bold, line, "run %d bold %d, want %d", i, r->bold, bold);
    CHECK_LINE(strcmp(r->path, path) == 0, line, "run %d path %s, want %s", i, r->path, path);
}

static void test_valid_report(void)
{
    const char *json =
        "\xEF\xBB\xBF{\n"
        "  \"layout\": \"gbt9704\",\n"
        "  \"meta\": {\"title\": \"某某局2021年政府信息公开工作年度报告\", \"issuer\": \"某某局\",\n"
        "           \"year\": 2021, \"date\": \"2022-01-20\", \"subject\": \"\",\n"
        "           \"keywords\": [\"政务公开\", \"年度报告\"]},\n"
        "  \"body\": [\n"
        "    {\"type\": \"title\", \"text\": [\"某某局\", \"2021年**年度**报告\"]},\n"
        "    {\"type\": \"heading\", \"level\": 1, \"text\": \"一、总体情况\"},\n"
        "    {\"type\": \"paragraph\", \"text\": \"前**加粗**后\\\\*星*号\\\\x\"},\n"
        "    {\"type\": \"paragraph\", \"text\": [{\"text\": \"（一）主动公开情况。\", \"style\": \"heading2\"},\n"
        "        \"正文**粗**\", {\"text\": \"细**粗**\", \"bold\": false}]},\n"
        "    {\"type\": \"signature\", \"lines\": [\"某某局\", [\"2022年\", \"1月20日\"]]},\n"
        "    {\"type\": \"page_break\"},\n"
        "    {\"type\": \"paragraph\", \"text\": \"**全粗**\"}\n"
        "  ]\n"
        "}\n";
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    pb_report *r = pb_input_report("data/r.json", json, strlen(json), a, &d);
    CHECK(r != NULL, "valid report rejected");
    CHECK(d.count == 0, "messages for a valid report");
    if (!r) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    CHECK(strcmp(r->file, "data/r.json") == 0, "file %s", r->file);
    CHECK(strcmp(r->dir, "data") == 0, "dir %s", r->dir);
    CHECK(r->layout && strcmp(r->layout, "gbt9704") == 0, "layout");
    CHECK(strcmp(r->meta.title, "某某局2021年政府信息公开工作年度报告") == 0, "title");
    CHECK(strcmp(r->meta.issuer, "某某局") == 0, "issuer");
    CHECK(r->meta.subject == NULL, "empty subject is absent");
    CHECK(r->meta.year == 2021, "year");
    CHECK(strcmp(r->meta.date, "2022-01-20") == 0, "date");
    CHECK(strcmp(r->meta.keywords, "政务公开；年度报告") == 0, "keywords %s", r->meta.keywords);
    CHECK(r->nblocks == 7, "blocks %d", r->nblocks);
    if (r->nblocks != 7)
        goto done;

    const pb_block *b = &r->blocks[0];
    CHECK(b->kind == PB_BLOCK_TITLE && b->ntexts == 2, "title lines");
    CHECK(strcmp(b->path, "body[0]") == 0, "block path %s", b->path);
    check_run(&b->texts[0], 0, "某某局", -1, -1, "body[0].text[0]", __LINE__);
    check_run(&b->texts[1], 0, "2021年", -1, -1, "body[0].text[1]", __LINE__);
    check_run(&b->texts[1], 1, "年度", -1, 1, "body[0].text[1]", __LINE__);
    check_run(&b->texts[1], 2, "报告", -1, -1, "body[0].text[1]", __LINE__);
    CHECK(strcmp(b->texts[1].path, "body[0].text[1]") == 0, "text path");

    b = &r->blocks[1];
    CHECK(b->kind == PB_BLOCK_HEADING && b->level == 1 && b->ntexts == 1, "heading");
    check_run(&b->texts[0], 0, "一、总体情况", -1, -1, "body[1].text", __LINE__);

    b = &r->blocks[2];
    CHECK(b->kind == PB_BLOCK_PARAGRAPH && b->texts[0].nruns == 3, "markup runs %d",
          b->texts[0].nruns);
    check_run(&b->texts[0], 0, "前", -1, -1, "body[2].text", __LINE__);
    check_run(&b->texts[0], 1, "加粗", -1, 1, "body[2].text", __LINE__);
    check_run(&b->texts[0], 2, "后*星*号\\x", -1, -1, "body[2].text", __LINE__);

    b = &r->blocks[3];
    CHECK(b->texts[0].nruns == 5, "mixed runs %d", b->texts[0].nruns);
    check_run(&b->texts[0], 0, "（一）主动公开情况。", PB_STYLE_HEADING2, -1,
              "body[3].text[0].text", __LINE__);
    check_run(&b->texts[0], 1, "正文", -1, -1, "body[3].text[1]", __LINE__);
    check_run(&b->texts[0], 2, "粗", -1, 1, "body[3].text[1]", __LINE__);
    check_run(&b->texts[0], 3, "细", -1, 0, "body[3].text[2].text", __LINE__);
    check_run(&b->texts[0], 4, "粗", -1, 1, "body[3].text[2].text", __LINE__);

    b = &r->blocks[4];
    CHECK(b->kind == PB_BLOCK_SIGNATURE && b->ntexts == 2, "signature");
    check_run(&b->texts[0], 0, "某某局", -1, -1, "body[4].lines[0]", __LINE__);
    check_run(&b->texts[1], 0, "2022年", -1, -1, "body[4].lines[1][0]", __LINE__);
    check_run(&b->texts[1], 1, "1月20日", -1, -1, "body[4].lines[1][1]", __LINE__);

    CHECK(r->blocks[5].kind == PB_BLOCK_PAGE_BREAK, "page break");
    b = &r->blocks[6];
    CHECK(b->texts[0].nruns == 1, "all bold: %d runs", b->texts[0].nruns);
    check_run(&b->texts[0], 0, "全粗", -1, 1, "body[6].text", __LINE__);
done:
    pb_diag_free(&d);
    pb_arena_free(a);

    /* the folder of a bare file name */
    a = pb_arena_new();
    pb_diag_init(&d);
    r = pb_input_report("r.json", ONE("{\"type\": \"page_break\"}"), strlen(ONE("{\"type\": \"page_break\"}")), a, &d);
    CHECK(r && strcmp(r->dir, ".") == 0 && r->layout == NULL && r->meta.year == 0,
          "defaults of a minimal report");
    pb_diag_free(&d);
    pb_arena_free(a);
}

static void test_report_errors(void)
{
    /* structure */
    REPORT_ERROR("[1]", "r.json: expected an object, got an array");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\"}}", "r.json: missing required key \"body\"");
    REPORT_ERROR("{\"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: missing required key \"meta\"");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\"}, \"body\": []}", "r.json: body: must not be empty");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\"}, \"body\": [], \"boyd\": 1}",
                 "r.json: unknown key \"boyd\" (did you mean \"body\"?)\n"
                 "r.json: body: must not be empty");
    REPORT_ERROR("{\"layout\": \"\", \"meta\": {\"title\": \"\"}, \"body\": {}}",
                 "r.json: layout: must not be empty\n"
                 "r.json: meta.title: must not be empty\n"
                 "r.json: body: expected an array, got an object");
    /* meta */
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"year\": \"2021年\", \"date\": \"2022-02-30\","
                 " \"keywords\": [\"a\", \"\", 3], \"issuer\": 7, \"tilte\": \"x\"},"
                 " \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: meta: unknown key \"tilte\" (did you mean \"title\"?)\n"
                 "r.json: meta.issuer: expected a string, got 7\n"
                 "r.json: meta.year: expected an integer, got \"2021年\"\n"
                 "r.json: meta.date: no such date: \"2022-02-30\" (years 1900 to 2999)\n"
                 "r.json: meta.keywords[1]: must not be empty\n"
                 "r.json: meta.keywords[2]: expected a string, got 3");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"year\": 2021.5}, \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: meta.year: expected an integer, got 2021.5");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"year\": 1e999}, \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: meta.year: number out of range");
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"year\": 3021}, \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: meta.year: must be between 1900 and 2999, got 3021");
    /* blocks */
    REPORT_ERROR(ONE("{\"type\": \"table\", \"rows\": []}"),
                 "r.json: body[0]: unknown key \"rows\"\n"
                 "r.json: body[0]: missing required key \"table\" (or \"template\")\n"
                 "r.json: body[0]: missing required key \"values\"");
    REPORT_ERROR(ONE("{\"type\": \"para\", \"text\": \"x\"}"),
                 "r.json: body[0].type: unknown block type \"para\" (did you mean \"paragraph\"?)");
    REPORT_ERROR(ONE("{\"type\": \"chart\"}"),
                 "r.json: body[0].type: unknown block type \"chart\" (expected title, heading, "
                 "paragraph, signature, page_break or table)");
    REPORT_ERROR(ONE("{\"text\": \"x\"}, 5"),
                 "r.json: body[0]: missing required key \"type\"\n"
                 "r.json: body[1]: expected an object, got 5");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\", \"sise\": 1}"),
                 "r.json: body[0]: unknown key \"sise\"");
    REPORT_ERROR(ONE("{\"type\": \"heading\", \"level\": \"3条\", \"text\": \"a\"},"
                     "{\"type\": \"heading\", \"level\": 2.5, \"text\": \"a\"},"
                     "{\"type\": \"heading\", \"level\": 5, \"text\": \"a\"},"
                     "{\"type\": \"heading\", \"text\": \"a\"}"),
                 "r.json: body[0].level: expected an integer, got \"3条\"\n"
                 "r.json: body[1].level: expected an integer, got 2.5\n"
                 "r.json: body[2].level: must be between 1 and 4, got 5\n"
                 "r.json: body[3]: missing required key \"level\"");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": 3}"),
                 "r.json: body[0].text: expected a string or an array of strings and runs, got 3");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"\"},"
                     "{\"type\": \"paragraph\", \"text\": []},"
                     "{\"type\": \"paragraph\", \"text\": [\"a\", \"\"]},"
                     "{\"type\": \"paragraph\", \"text\": \"****\"},"
                     "{\"type\": \"paragraph\"}"),
                 "r.json: body[0].text: empty text\n"
                 "r.json: body[1].text: empty text\n"
                 "r.json: body[2].text[1]: empty text\n"
                 "r.json: body[3].text: empty text\n"
                 "r.json: body[4]: missing required key \"text\"");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"一**二\"}"),
                 "r.json: body[0].text: unclosed \"**\" (opened at character 2; write \\\\* for "
                 "a literal asterisk)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": [\"a\", {\"text\": \"b\", \"bold\": \"yes\","
                     " \"style\": \"heading5\", \"colour\": 1}, {\"bold\": true}, null]}"),
                 "r.json: body[0].text[1]: unknown key \"colour\"\n"
                 "r.json: body[0].text[1].bold: expected true or false, got \"yes\"\n"
                 "r.json: body[0].text[1].style: expected \"title\", \"heading1\", \"heading2\", "
                 "\"heading3\", \"heading4\", \"body\", \"signature\" or \"page_number\", got "
                 "\"heading5\" (did you mean \"heading1\"?)\n"
                 "r.json: body[0].text[2]: missing required key \"text\"\n"
                 "r.json: body[0].text[3]: expected a string or a run object, got null");
    REPORT_ERROR(ONE("{\"type\": \"title\", \"text\": [\"a\", {\"text\": \"b\"}]},"
                     "{\"type\": \"title\", \"text\": []},"
                     "{\"type\": \"signature\", \"lines\": []},"
                     "{\"type\": \"signature\", \"text\": \"x\"}"),
                 "r.json: body[0].text[1]: expected a string (one title line), got an object\n"
                 "r.json: body[1].text: expected a string or a non-empty array of strings (one "
                 "per line), got an empty array\n"
                 "r.json: body[2].lines: must not be empty\n"
                 "r.json: body[3]: unknown key \"text\"\n"
                 "r.json: body[3]: missing required key \"lines\"");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"一二三四五六七八九十一二三四五六七八九十一二三\", \"x\": 1},"
                     "{\"type\": \"paragraph\", \"text\": {\"text\": \"一二三四五六七八九十一二三四五六七八九十一二三\"}}"),
                 "r.json: body[0]: unknown key \"x\"\n"
                 "r.json: body[1].text: expected a string or an array of strings and runs, got "
                 "an object");
    REPORT_ERROR(ONE("{\"type\": \"heading\", \"level\": \"一二三四五六七八九十一二三四五六七八九十一二三\", \"text\": \"a\"}"),
                 "r.json: body[0].level: expected an integer, got "
                 "\"一二三四五六七八九十一二三四五六七八九十…\"");
    /* duplicate keys, wherever they are */
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"title\": \"U\"}, \"body\": ["
                 "{\"type\": \"page_break\", \"type\": \"page_break\", \"type\": \"x\"}]}",
                 "r.json: meta: duplicate key \"title\"\n"
                 "r.json: body[0]: duplicate key \"type\"\n"
                 "r.json: body[0]: duplicate key \"type\"");
}

static void test_report_strings(void)
{
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\\u0000b\"}"),
                 "r.json: body[0].text: control character U+0000 (NUL) is not allowed");
    static const char raw_nul[] = "{\"meta\": {\"title\": \"a\0b\"}, \"body\": [{\"type\": \"page_break\"}]}";
    REPORT_ERROR_LEN(raw_nul, sizeof raw_nul - 1,
                     "r.json: meta.title: control character U+0000 (NUL) is not allowed");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\\u0007b\"}"),
                 "r.json: body[0].text: control character U+0007 is not allowed (character 2)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\\tb\"}"),
                 "r.json: body[0].text: control character U+0009 is not allowed (character 2)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"ab\x01\"}"),
                 "r.json: body[0].text: control character U+0001 is not allowed (character 3)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": [\"正文\\u0085\"]}"),
                 "r.json: body[0].text[0]: control character U+0085 is not allowed (character 3)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"零\\u200b宽\"}"),
                 "r.json: body[0].text: zero-width character U+200B is not allowed (character 2)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"\\ufeff开头\"}"),
                 "r.json: body[0].text: zero-width character U+FEFF is not allowed (character 1)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": [{\"text\": \"ab\\u202Ecd\"}]}"),
                 "r.json: body[0].text[0].text: bidirectional control U+202E is not allowed "
                 "(character 3)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\\u200fb\\u2066\"}"),
                 "r.json: body[0].text: bidirectional control U+200F is not allowed (character 2)");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"ab\xff\"}"),
                 "r.json: body[0].text: invalid UTF-8 (unpaired surrogate or bad byte) at byte 2");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"a\xed\xa0\x80\"}"),
                 "r.json: body[0].text: invalid UTF-8 (unpaired surrogate or bad byte) at byte 1");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"x\\ud800\"}"),
                 "r.json: line 1, column 67: invalid \\u escape: unpaired surrogate U+D800 is "
                 "not a character (near '\\ud800\"}]}')");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"x\\udc00y\"}"),
                 "r.json: line 1, column 67: invalid \\u escape: unpaired surrogate U+DC00 is "
                 "not a character (near '\\udc00y\"}]}')");
    /* a surrogate pair is one character */
    {
        const char *json = ONE("{\"type\": \"paragraph\", \"text\": \"\\ud842\\udfb7\"}");
        pb_arena *a = pb_arena_new();
        pb_diag d;
        pb_diag_init(&d);
        pb_report *r = pb_input_report("r.json", json, strlen(json), a, &d);
        CHECK(r && r->blocks[0].texts[0].nruns == 1 &&
                  strcmp(r->blocks[0].texts[0].runs[0].text, "\xF0\xA0\xAE\xB7") == 0,
              "surrogate pair decodes to U+20BB7");
        pb_diag_free(&d);
        pb_arena_free(a);
    }
    /* odd keys are quoted in paths, never printed raw */
    REPORT_ERROR("{\"meta\": {\"title\": \"T\", \"a b\": [\"\\u0001\"], \"x\\ty\": 1},"
                 " \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: meta[\"a b\"][0]: control character U+0001 is not allowed (character 1)\n"
                 "r.json: meta: in a key: control character U+0009 is not allowed (character 2)\n"
                 "r.json: meta: unknown key \"a b\"\n"
                 "r.json: meta: unknown key \"x\\u0009y\"");
    /* keys are checked too */
    REPORT_ERROR("{\"me\\u0000ta\": {\"title\": \"T\"}, \"body\": [{\"type\": \"page_break\"}]}",
                 "r.json: in a key: control character U+0000 (NUL) is not allowed\n"
                 "r.json: unknown key \"me\"\n"
                 "r.json: missing required key \"meta\"");
}

static void test_syntax_errors(void)
{
    REPORT_ERROR("", "r.json: the file is empty");
    REPORT_ERROR(" \n\t ", "r.json: the file is empty");
    REPORT_ERROR("{\n  \"meta\": {\n    \"title\": \"T\",\n  },\n}",
                 "r.json: line 4, column 3: comma before '}' (trailing commas are not allowed) "
                 "(near '},')");
    /* columns count characters, not bytes */
    REPORT_ERROR("{\"meta\":{\"title\":\"标题\" \"x\"}}",
                 "r.json: line 1, column 23: expected ',' or '}' (near '\"x\"}}')");
    REPORT_ERROR("{\"a\": [1 2]}", "r.json: line 1, column 10: expected ',' or ']' (near '2]}')");
    REPORT_ERROR("{\"a\" 1}", "r.json: line 1, column 6: expected ':' after the key (near '1}')");
    REPORT_ERROR("{'a': 1}",
                 "r.json: line 1, column 2: expected a key in double quotes (near ''a': 1}')");
    REPORT_ERROR("{\"a\": 'b'}",
                 "r.json: line 1, column 7: invalid value (strings need double quotes) (near "
                 "''b'}')");
    REPORT_ERROR("{\"a\": tru}",
                 "r.json: line 1, column 7: invalid value (expected a string, number, object, "
                 "array, true, false or null) (near 'tru}')");
    REPORT_ERROR("{\"a\": NaN}",
                 "r.json: line 1, column 7: invalid value (expected a string, number, object, "
                 "array, true, false or null) (near 'NaN}')");
    REPORT_ERROR("[1,]",
                 "r.json: line 1, column 4: comma before ']' (trailing commas are not allowed) "
                 "(near ']')");
    REPORT_ERROR("{\"a\": \"b\\q\"}",
                 "r.json: line 1, column 9: invalid escape '\\q' (a backslash is written \\\\) "
                 "(near '\\q\"}')");
    REPORT_ERROR(ONE("{\"type\": \"paragraph\", \"text\": \"\\*\"}"),
                 "r.json: line 1, column 66: invalid escape '\\*' (a literal asterisk is written "
                 "\\\\*) (near '\\*\"}]}')");
    REPORT_ERROR("{\"a\": \"\\\x01\"}",
                 "r.json: line 1, column 8: invalid escape (a backslash is written \\\\) (near "
                 "'\\?\"}')");
    REPORT_ERROR("{\"a\": \"\\u12\"}",
                 "r.json: line 1, column 8: invalid \\u escape (it needs four hex digits) "
                 "(near '\\u12\"}')");
    REPORT_ERROR("{\"a\":\n  \"abc",
                 "r.json: line 2, column 3: unterminated string (near '\"abc')");
    REPORT_ERROR("{\"a\": \"abc\n\"}",
                 "r.json: line 1, column 11: line break inside a string (missing closing "
                 "quote?) (at end of line)");
    REPORT_ERROR("{\"a\": [1, 2}",
                 "r.json: line 1, column 12: '}' does not close the '[' at line 1, column 7 "
                 "(near '}')");
    REPORT_ERROR("{\"a\": [1, 2]", "r.json: line 1, column 1: '{' is never closed (near '{\"a\": [1, 2]')");
    REPORT_ERROR("{} }", "r.json: line 1, column 4: unexpected '}' (near '}')");
    REPORT_ERROR("{}\n x", "r.json: line 2, column 2: unexpected text after the JSON value "
                           "(near 'x')");
    static const char nul_after[] = "{\"a\": 1}\0";
    REPORT_ERROR_LEN(nul_after, sizeof nul_after - 1,
                     "r.json: line 1, column 9: unexpected text after the JSON value (near '?')");

    /* nesting: 64 levels are fine for the parser, 65 are not */
    char deep[200];
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = 0;
    REPORT_ERROR(deep, "r.json: line 1, column 65: nesting deeper than 64 levels (near '[]]]]]]]]]]]')");
    deep[129] = 0;
    REPORT_ERROR(deep + 1, "r.json: expected an object, got an array");
    /* brackets inside strings do not count */
    char strdeep[300];
    strcpy(strdeep, "{\"meta\": {\"title\": \"T\"}, \"body\": [{\"type\": \"paragraph\", \"text\": \"");
    size_t n = strlen(strdeep);
    memset(strdeep + n, '[', 100);
    strcpy(strdeep + n + 100, "\"}");
    strcat(strdeep, "]}");
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_diag_init(&d);
    CHECK(pb_input_report("r.json", strdeep, strlen(strdeep), a, &d) != NULL,
          "brackets in strings counted as nesting");
    pb_diag_free(&d);
    pb_arena_free(a);

    /* size limit */
    size_t big = 16u * 1024 * 1024 + 1;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    REPORT_ERROR_LEN(huge, big, "r.json: file is larger than the limit of 16777216 bytes");
    free(huge);
}

/* ---- layouts ------------------------------------------------------------ */

static char tmpdir[64];
static char *made[64];
static int nmade;

static const char *tmp_path(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void write_file(const char *name, const char *text)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    if (!f) {
        perror(p);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    for (int i = 0; i < nmade; i++)
        if (strcmp(made[i], p) == 0)
            return;
    made[nmade++] = strdup(p);
}

static void make_dir(const char *name)
{
    mkdir(tmp_path(name), 0700);
    made[nmade++] = strdup(tmp_path(name));
}

static void cleanup(void)
{
    for (int i = nmade - 1; i >= 0; i--) {
        if (remove(made[i]) != 0)
            perror(made[i]);
        free(made[i]);
    }
    rmdir(tmpdir);
}

#define STYLES_REST                                                               \
    "\"heading1\": {\"font\": \"hei\", \"size\": 16},"                            \
    "\"heading2\": {\"font\": \"kai\", \"size\": 16},"                            \
    "\"heading3\": {\"font\": \"fangsong\", \"size\": 16, \"bold\": true},"       \
    "\"heading4\": {\"font\": \"fangsong\", \"size\": 16},"                       \
    "\"signature\": {\"font\": \"fangsong\", \"size\": 16, \"align\": \"right\"}," \
    "\"page_number\": {\"font\": \"song\", \"size\": 14}"

static const char *const base_layout =
    "{\n"
    "  \"name\": \"base\",\n"
    "  \"page\": {\"width\": 210, \"height\": 297},\n"
    "  \"margins\": {\"top\": 37, \"bottom\": 35, \"left\": 28, \"right\": 26},\n"
    "  \"grid\": {\"lines_per_page\": 22, \"chars_per_line\": 28},\n"
    "  \"fonts\": {\"title\": [{\"family\": \"T\"}], \"hei\": [{\"file\": \"hei.ttf\"}],\n"
    "            \"kai\": [{\"family\": \"K\", \"file\": \"k.ttc\", \"index\": 2}],\n"
    "            \"fangsong\": [\"catalog\", {\"family\": \"FS\"}], \"song\": [\"catalog:fangsong\"]},\n"
    "  \"styles\": {\"title\": {\"font\": \"title\", \"size\": 22, \"align\": \"center\"},\n"
    "             \"body\": {\"font\": \"fangsong\", \"size\": 16, \"char_grid\": true, \"indent\": 2},\n"
    "             " STYLES_REST "}\n"
    "}\n";

static const char *const catalog =
    "{\"roles\": {\"fangsong\": [{\"family\": \"仿宋_GB2312\", \"file\": \"fs.ttf\"},"
    " {\"family\": \"FandolFang\", \"file\": \"FandolFang-Regular.otf\"}],"
    " \"hei\": [{\"family\": \"SimHei\"}], \"kai\": [{\"family\": \"KaiTi\"}],"
    " \"title\": [{\"file\": \"title.ttf\"}], \"song\": [{\"family\": \"SimSun\"}]}}";

static pb_layout *load(pb_arena *a, pb_diag *d, const char *ref, const char *base_dir)
{
    pb_input_paths paths = {.data_dir = tmpdir};
    pb_diag_init(d);
    return pb_input_layout(ref, base_dir, &paths, a, d);
}

static void layout_error_at(const char *ref, const char *base_dir, pb_status status,
                            const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_layout *L = load(a, &d, ref, base_dir);
    CHECK_LINE(L == NULL, line, "layout %s accepted", ref);
    expect_messages(&d, status, want, line);
    pb_diag_free(&d);
    pb_arena_free(a);
}

/* Writes top.json extending base.json with the given members and expects
 * these messages (%1$s is the temporary folder). */
static void override_error_at(const char *members, const char *want_fmt, int line)
{
    char json[2048], want[4096];
    snprintf(json, sizeof json, "{\"extends\": \"base.json\", %s}", members);
    write_file("top.json", json);
    snprintf(want, sizeof want, want_fmt, tmpdir);
    layout_error_at(tmp_path("top.json"), NULL, PB_ERR_LAYOUT, want, line);
}

#define LAYOUT_ERROR(ref, status, want) layout_error_at((ref), NULL, (status), (want), __LINE__)
#define OVERRIDE_ERROR(members, want) override_error_at((members), (want), __LINE__)

static void test_layout_base(void)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_layout *L = load(a, &d, "base.json", tmpdir);
    CHECK(L != NULL, "base layout rejected");
    if (!L) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    CHECK(strcmp(L->name, "base") == 0, "name %s", L->name);
    CHECK(strcmp(L->file, tmp_path("base.json")) == 0, "file %s", L->file);
    CHECK(strcmp(L->dir, tmpdir) == 0, "dir %s", L->dir);
    CHECK(L->page_width == pb_fx_from_mm(210) && L->page_height == pb_fx_from_mm(297), "page");
    CHECK(L->margin_left == pb_fx_from_mm(28) && L->margin_top == pb_fx_from_mm(37), "margins");
    CHECK(L->text_width == pb_fx_from_mm(156), "text width %d", L->text_width);
    CHECK(L->text_height == pb_fx_from_mm(225), "text height %d", L->text_height);
    CHECK(L->lines_per_page == 22 && L->chars_per_line == 28, "grid");
    /* pitches round down, so that 22 lines and 28 characters fit exactly */
    CHECK(L->line_pitch == pb_fx_from_mm(225) / 22, "line pitch %d", L->line_pitch);
    CHECK(L->char_pitch == pb_fx_from_mm(156) / 28, "char pitch %d", L->char_pitch);
    CHECK(L->char_pitch == 1010 && 28 * L->char_pitch <= L->text_width,
          "char pitch 15.78 pt, 28 fit: %d", L->char_pitch);
    CHECK(L->nroles == 5, "roles %d", L->nroles);
    if (L->nroles == 5) {
        const pb_font_role *fs = &L->roles[3], *song = &L->roles[4], *kai = &L->roles[2];
        CHECK(strcmp(fs->name, "fangsong") == 0 && fs->ncandidates == 3, "fangsong candidates");
        CHECK(strcmp(fs->path, "fonts.fangsong") == 0, "role path %s", fs->path);
        CHECK(strcmp(fs->candidates[0].family, "仿宋_GB2312") == 0 &&
                  strcmp(fs->candidates[0].file, "fs.ttf") == 0,
              "catalog candidate");
        CHECK(strcmp(fs->candidates[0].path, "roles.fangsong[0]") == 0 &&
                  strcmp(fs->candidates[0].source, tmp_path("fonts/catalog.json")) == 0,
              "catalog candidate origin %s %s", fs->candidates[0].path,
              fs->candidates[0].source);
        CHECK(strcmp(fs->candidates[1].family, "FandolFang") == 0, "catalog order");
        CHECK(strcmp(fs->candidates[2].family, "FS") == 0 && fs->candidates[2].file == NULL &&
                  strcmp(fs->candidates[2].path, "fonts.fangsong[1]") == 0 &&
                  strcmp(fs->candidates[2].source, tmp_path("base.json")) == 0,
              "own candidate after the catalog's");
        CHECK(strcmp(song->name, "song") == 0 && song->ncandidates == 2 &&
                  strcmp(song->candidates[1].family, "FandolFang") == 0,
              "catalog:ROLE");
        CHECK(kai->ncandidates == 1 && kai->candidates[0].index == 2 &&
                  strcmp(kai->candidates[0].file, "k.ttc") == 0,
              "kai");
    }
    const pb_style *body = &L->styles[PB_STYLE_BODY];
    CHECK(strcmp(body->role, "fangsong") == 0 && body->size == 16 * 64 && body->char_grid &&
              body->indent_chars == 2 && !body->bold && body->align == PB_ALIGN_JUSTIFY &&
              body->space_before == 0 && body->line_pitch == 0,
          "body style");
    CHECK(strcmp(body->path, "styles.body") == 0, "style path");
    CHECK(L->styles[PB_STYLE_TITLE].align == PB_ALIGN_CENTER && !L->styles[PB_STYLE_TITLE].char_grid,
          "title style");
    CHECK(L->styles[PB_STYLE_HEADING3].bold, "heading3 bold");
    CHECK(strcmp(L->page_number.format, "— {n} —") == 0 &&
              L->page_number.below_text == pb_fx_from_mm(7) && L->page_number.outside &&
              L->page_number.side_indent_chars == 1 && L->page_number.first_page,
          "page number defaults");
done:
    pb_diag_free(&d);
    pb_arena_free(a);
}

static const char *data_dir(void)
{
    return test_data_dir();
}

static void test_layout_gbt9704(void)
{
    /* the shipped default layout, with the test's catalog */
    char ref[1024];
    snprintf(ref, sizeof ref, "%s/layouts/gbt9704.json", data_dir());
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_layout *L = load(a, &d, ref, NULL);
    if (!L && d.count && strstr(d.messages[0].text, "cannot read")) {
        printf("skipped: %s\n", d.messages[0].text);
        goto done;
    }
    CHECK(L != NULL, "gbt9704 rejected");
    if (!L) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    CHECK(strcmp(L->name, "gbt9704") == 0, "name");
    CHECK(L->text_width == pb_fx_from_mm(156) && L->text_height == pb_fx_from_mm(225),
          "text block");
    CHECK(L->lines_per_page == 22 && L->chars_per_line == 28, "grid");
    CHECK(L->nroles == 5, "roles");
    const pb_style *s = L->styles;
    CHECK(strcmp(s[PB_STYLE_TITLE].role, "title") == 0 && s[PB_STYLE_TITLE].size == 22 * 64 &&
              s[PB_STYLE_TITLE].align == PB_ALIGN_CENTER && !s[PB_STYLE_TITLE].char_grid &&
              s[PB_STYLE_TITLE].space_after == L->line_pitch,
          "title");
    CHECK(strcmp(s[PB_STYLE_HEADING1].role, "hei") == 0 && s[PB_STYLE_HEADING1].char_grid &&
              s[PB_STYLE_HEADING1].indent_chars == 2,
          "heading1");
    CHECK(strcmp(s[PB_STYLE_HEADING2].role, "kai") == 0, "heading2");
    CHECK(s[PB_STYLE_HEADING3].bold && !s[PB_STYLE_HEADING4].bold, "heading3/4");
    CHECK(s[PB_STYLE_SIGNATURE].align == PB_ALIGN_RIGHT &&
              s[PB_STYLE_SIGNATURE].right_indent_chars == 4 &&
              s[PB_STYLE_SIGNATURE].space_before == L->line_pitch,
          "signature");
    /* GB/T 9704 7.3.5.1: a seal 42 mm across, none drawn unless asked */
    CHECK(L->seal.diameter == pb_fx_from_mm(42) && !L->seal.vector &&
              strcmp(L->seal.role, "title") == 0 && L->seal.rgb[0] == 0xE6,
          "seal defaults");
    CHECK(strcmp(s[PB_STYLE_PAGE_NUMBER].role, "song") == 0 &&
              s[PB_STYLE_PAGE_NUMBER].size == 14 * 64,
          "page number style");
    CHECK(L->page_number.outside && L->page_number.below_text == pb_fx_from_mm(7), "page number");
done:
    pb_diag_free(&d);
    pb_arena_free(a);

    /* and by name, with the shipped catalog */
    a = pb_arena_new();
    pb_diag_init(&d);
    pb_input_paths paths = {.data_dir = data_dir()};
    L = pb_input_layout(PB_DEFAULT_LAYOUT, ".", &paths, a, &d);
    if (!L && d.count && strstr(d.messages[0].text, "cannot read"))
        printf("skipped: %s\n", d.messages[0].text);
    else
        CHECK(L && L->nroles == 5 && L->roles[0].ncandidates > 0, "gbt9704 by name");
    if (!L)
        pb_diag_print(&d, stdout);
    pb_diag_free(&d);
    pb_arena_free(a);
}

static void test_extends(void)
{
    /* by name, through <data_dir>/layouts; null removes a key */
    write_file("layouts/base.json", base_layout);
    write_file("sub/top.json",
               "{\"extends\": \"base\", \"name\": \"top\",\n"
               " \"grid\": {\"lines_per_page\": null, \"line_pitch\": 30},\n"
               " \"fonts\": {\"kai\": [{\"family\": \"KaiTi\"}]},\n"
               " \"styles\": {\"body\": {\"size\": 15, \"space_before\": 0.5}},\n"
               " \"page_number\": {\"placement\": \"center\", \"first_page\": false}}");
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_layout *L = load(a, &d, "sub/top.json", tmpdir);
    CHECK(L != NULL, "extending layout rejected");
    if (L) {
        CHECK(strcmp(L->name, "top") == 0, "name");
        CHECK(strcmp(L->file, tmp_path("sub/top.json")) == 0, "file %s", L->file);
        CHECK(L->lines_per_page == 0 && L->line_pitch == 30 * 64 && L->chars_per_line == 28,
              "grid merged: %d %d", L->lines_per_page, L->line_pitch);
        const pb_style *body = &L->styles[PB_STYLE_BODY];
        CHECK(body->size == 15 * 64 && strcmp(body->role, "fangsong") == 0 && body->char_grid &&
                  body->indent_chars == 2 && body->space_before == 15 * 64,
              "style merged key by key");
        CHECK(L->nroles == 5 && strcmp(L->roles[2].name, "kai") == 0 &&
                  L->roles[2].ncandidates == 1 &&
                  strcmp(L->roles[2].candidates[0].family, "KaiTi") == 0 &&
                  strcmp(L->roles[2].candidates[0].source, tmp_path("sub/top.json")) == 0 &&
                  strcmp(L->roles[0].source, tmp_path("layouts/base.json")) == 0,
              "arrays replaced, origins kept");
        CHECK(!L->page_number.outside && !L->page_number.first_page, "page number merged");
        CHECK(L->page_number.side_indent_chars == 1, "page number default kept");
    } else {
        pb_diag_print(&d, stdout);
    }
    pb_diag_free(&d);
    pb_arena_free(a);

    /* null at the top level removes a whole object */
    write_file("top.json", "{\"extends\": \"base.json\", \"page_number\": null,"
                           " \"styles\": {\"body\": {\"indent\": null}}}");
    a = pb_arena_new();
    L = load(a, &d, tmp_path("top.json"), NULL);
    CHECK(L && L->page_number.first_page && L->styles[PB_STYLE_BODY].indent_chars == 0 &&
              strcmp(L->name, "base") == 0,
          "null removes keys");
    pb_diag_free(&d);
    pb_arena_free(a);

    /* messages name the file a value came from */
    write_file("base.json", base_layout);
    write_file("bad-base.json",
               "{\"extends\": \"base.json\", \"styles\": {\"title\": {\"size\": 300}}}");
    write_file("top.json", "{\"extends\": \"bad-base.json\", \"styles\": {\"body\": {\"align\": \"centre\"}}}");
    char want[2048];
    snprintf(want, sizeof want,
             "%s/bad-base.json: styles.title.size: must be between 4 and 200, got 300\n"
             "%s/top.json: styles.body.align: expected \"justify\", \"left\", \"center\" or "
             "\"right\", got \"centre\" (did you mean \"center\"?)",
             tmpdir, tmpdir);
    LAYOUT_ERROR(tmp_path("top.json"), PB_ERR_LAYOUT, want);

    /* a key missing after the merge is blamed on the file that lacks it */
    {
        char typo[4096];
        strcpy(typo, base_layout);
        memcpy(strstr(typo, "\"heading4\""), "\"headng4\" ", 10);
        write_file("typo.json", typo);
    }
    write_file("top.json", "{\"extends\": \"typo.json\", \"styles\": {\"body\": {\"size\": 15}}}");
    snprintf(want, sizeof want,
             "%1$s/typo.json: styles: unknown key \"headng4\" (did you mean \"heading4\"?)\n"
             "%1$s/typo.json: styles: missing required key \"heading4\"",
             tmpdir);
    LAYOUT_ERROR(tmp_path("top.json"), PB_ERR_LAYOUT, want);

    /* cycles and depth */
    write_file("a.json", "{\"extends\": \"b.json\"}");
    write_file("b.json", "{\"extends\": \"a.json\"}");
    snprintf(want, sizeof want,
             "%s/b.json: extends: \"extends\" makes a cycle: %s/a.json → %s/b.json → %s/a.json",
             tmpdir, tmpdir, tmpdir, tmpdir);
    LAYOUT_ERROR(tmp_path("a.json"), PB_ERR_LAYOUT, want);
    write_file("self.json", "{\"extends\": \"./self.json\"}");
    snprintf(want, sizeof want,
             "%s/self.json: extends: \"extends\" makes a cycle: %s/self.json → %s/./self.json",
             tmpdir, tmpdir, tmpdir);
    LAYOUT_ERROR(tmp_path("self.json"), PB_ERR_LAYOUT, want);
    for (int i = 0; i < 10; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "l%d.json", i);
        snprintf(text, sizeof text, "{\"extends\": \"l%d.json\"}", i + 1);
        write_file(name, i < 9 ? text : base_layout);
    }
    snprintf(want, sizeof want, "%s/l8.json: extends: more than 8 levels of \"extends\"", tmpdir);
    LAYOUT_ERROR(tmp_path("l0.json"), PB_ERR_LAYOUT, want);
    a = pb_arena_new();
    L = load(a, &d, tmp_path("l1.json"), NULL);
    CHECK(L != NULL, "8 levels of extends are allowed");
    pb_diag_free(&d);
    pb_arena_free(a);

    write_file("c.json", "{\"extends\": 3}");
    snprintf(want, sizeof want, "%s/c.json: extends: expected a layout name or path, got 3",
             tmpdir);
    LAYOUT_ERROR(tmp_path("c.json"), PB_ERR_LAYOUT, want);
    write_file("c.json", "{\"extends\": \"missing.json\"}");
    snprintf(want, sizeof want,
             "%s/c.json: extends: no layout \"missing.json\" (no file %s/missing.json)", tmpdir,
             tmpdir);
    LAYOUT_ERROR(tmp_path("c.json"), PB_ERR_LAYOUT, want);
    write_file("c.json", "{\"extends\": \"base.json\",\n \"grid\": {\"lines_per_page\": 22,}}");
    snprintf(want, sizeof want,
             "%s/c.json: line 2, column 32: comma before '}' (trailing commas are not "
             "allowed) (near '}}')",
             tmpdir);
    LAYOUT_ERROR(tmp_path("c.json"), PB_ERR_LAYOUT, want);
}

static void test_layout_errors(void)
{
    char want[2048];
    snprintf(want, sizeof want, "no layout \"nope\" (no file %s/layouts/nope.json)", tmpdir);
    LAYOUT_ERROR("nope", PB_ERR_LAYOUT, want);
    write_file("array.json", "[]");
    snprintf(want, sizeof want, "%s/array.json: expected an object, got an array", tmpdir);
    LAYOUT_ERROR(tmp_path("array.json"), PB_ERR_LAYOUT, want);

    OVERRIDE_ERROR("\"styles\": {\"body\": {\"sise\": 16, \"font\": \"fangsong2\"},"
                   " \"heading4\": null, \"bdy\": {}}",
                   "%1$s/top.json: styles: unknown key \"bdy\" (did you mean \"body\"?)\n"
                   "%1$s/top.json: styles: missing required key \"heading4\"\n"
                   "%1$s/top.json: styles.body: unknown key \"sise\" (did you mean \"size\"?)\n"
                   "%1$s/top.json: styles.body.font: no font role \"fangsong2\" in \"fonts\" "
                   "(did you mean \"fangsong\"?)");
    OVERRIDE_ERROR("\"styles\": {\"body\": {\"size\": 2, \"indent\": 1.5, \"bold\": 1,"
                   " \"line_pitch\": 2, \"space_after\": -1}}",
                   "%1$s/top.json: styles.body.size: must be between 4 and 200, got 2\n"
                   "%1$s/top.json: styles.body.bold: expected true or false, got 1\n"
                   "%1$s/top.json: styles.body.indent: expected an integer, got 1.5\n"
                   "%1$s/top.json: styles.body.space_after: must be between 0 and 100, got -1\n"
                   "%1$s/top.json: styles.body.line_pitch: must be 0 (the grid's pitch) or "
                   "between 4 and 400, got 2");
    OVERRIDE_ERROR("\"styles\": {\"title\": {\"font\": null, \"size\": \"22pt\"}}",
                   "%1$s/top.json: styles.title: missing required key \"font\"\n"
                   "%1$s/top.json: styles.title.size: expected a number, got \"22pt\"");
    OVERRIDE_ERROR("\"grid\": {\"lines_per_page\": 0, \"chars_per_line\": 201}",
                   "%1$s/top.json: grid.lines_per_page: must be between 1 and 200, got 0\n"
                   "%1$s/top.json: grid.chars_per_line: must be between 1 and 200, got 201");
    OVERRIDE_ERROR("\"grid\": {\"line_pitch\": 28}",
                   "%1$s/top.json: grid: give lines_per_page or line_pitch, not both");
    OVERRIDE_ERROR("\"grid\": {\"lines_per_page\": null, \"chars_per_line\": null}",
                   "%1$s/top.json: grid: missing required key \"lines_per_page\" (or "
                   "\"line_pitch\")\n"
                   "%1$s/base.json: styles.body.char_grid: the character grid needs "
                   "grid.chars_per_line");
    OVERRIDE_ERROR("\"margins\": {\"left\": 150, \"right\": 60.5, \"top\": 300}",
                   "%1$s/top.json: margins: the text block has no width: page.width 210 - "
                   "margins.left 150 - margins.right 60.5 = -0.5 mm\n"
                   "%1$s/top.json: margins: the text block has no height: page.height 297 - "
                   "margins.top 300 - margins.bottom 35 = -38 mm");
    OVERRIDE_ERROR("\"page\": {\"width\": \"A4\", \"heigth\": 1}",
                   "%1$s/top.json: page: unknown key \"heigth\" (did you mean \"height\"?)\n"
                   "%1$s/top.json: page.width: expected a number, got \"A4\"");
    OVERRIDE_ERROR("\"page_number\": {\"format\": \"第页\", \"placement\": \"left\","
                   " \"below_text\": 7, \"side_indent\": -1}",
                   "%1$s/top.json: page_number.format: must contain {n} (the page number), got "
                   "\"第页\"\n"
                   "%1$s/top.json: page_number.placement: expected \"outside\" or \"center\", "
                   "got \"left\"\n"
                   "%1$s/top.json: page_number.side_indent: must be between 0 and 50, got -1");
    OVERRIDE_ERROR("\"fonts\": {\"kai\": [], \"hei\": [\"fangsong\", {\"file\": \"a/b.ttf\"},"
                   " {\"index\": 1, \"famliy\": \"x\"}], \"song\": \"catalog\"}",
                   "%1$s/top.json: fonts.hei[0]: expected a font object, \"catalog\" or "
                   "\"catalog:ROLE\", got \"fangsong\"\n"
                   "%1$s/top.json: fonts.hei[1].file: expected a file name without folders, "
                   "got \"a/b.ttf\" (add folders with --font-dir)\n"
                   "%1$s/top.json: fonts.hei[2]: unknown key \"famliy\" (did you mean "
                   "\"family\"?)\n"
                   "%1$s/top.json: fonts.hei[2]: give \"family\" or \"file\" (or both)\n"
                   "%1$s/top.json: fonts.kai: must not be empty\n"
                   "%1$s/top.json: fonts.song: expected an array, got \"catalog\"");
    OVERRIDE_ERROR("\"fonts\": {\"kai\": [\"catalog:kai2\"], \"title\": [\"catalog:nope\"]}",
                   "%1$s/top.json: fonts.title[0]: the font catalog %1$s/fonts/catalog.json has "
                   "no role \"nope\"\n"
                   "%1$s/top.json: fonts.kai[0]: the font catalog %1$s/fonts/catalog.json has "
                   "no role \"kai2\"");
    OVERRIDE_ERROR("\"name\": \"\", \"colour\": \"red\", \"grid\": {\"lines_per_page\": 22, "
                   "\"lines_per_page\": 23}",
                   "%1$s/top.json: grid: duplicate key \"lines_per_page\"\n"
                   "%1$s/top.json: unknown key \"colour\"\n"
                   "%1$s/top.json: name: must not be empty");

    /* the catalog is checked as a file of its own */
    write_file("fonts/catalog.json",
               "{\"roles\": {\"fangsong\": [\"x\", {\"family\": \"F\", \"index\": -1}]}, \"r\": 1}");
    snprintf(want, sizeof want,
             "%1$s/fonts/catalog.json: unknown key \"r\"\n"
             "%1$s/fonts/catalog.json: roles.fangsong[0]: expected a font object, got \"x\"\n"
             "%1$s/fonts/catalog.json: roles.fangsong[1].index: must be between 0 and 65535, "
             "got -1",
             tmpdir);
    LAYOUT_ERROR(tmp_path("base.json"), PB_ERR_LAYOUT, want);
    remove(tmp_path("fonts/catalog.json"));
    snprintf(want, sizeof want, "%s/fonts/catalog.json: cannot read: No such file or directory",
             tmpdir);
    LAYOUT_ERROR(tmp_path("base.json"), PB_ERR_IO, want);
    write_file("fonts/catalog.json", catalog);
}

/* ---- tables ------------------------------------------------------------- */

/* Three label columns, a three-level header and a three-level row tree with
 * a band, a heading row and explicit cells. */
#define APPS_TABLE                                                                        \
    "\"apps\": {\"caption\": \"表一\",\n"                                                 \
    " \"style\": {\"size\": 10.5, \"padding\": [2, 0.5], \"header_bold\": true,"          \
    "  \"caption_font\": \"kai\", \"padding_range\": [0.25, 1], \"continued\": \"续表\","    \
    "  \"continued_align\": \"right\"},\n"                                                 \
    " \"columns\": [{\"id\": \"l1\", \"label\": true, \"width\": \"10%\"},"               \
    "  {\"id\": \"l2\", \"label\": true, \"width\": 12.5}, {\"id\": \"l3\", \"label\": true},\n" \
    "  {\"id\": \"natural\"}, {\"id\": \"firm\"}, {\"id\": \"ngo\"},"                      \
    "  {\"id\": \"total\", \"format\": \"integer\", \"align\": \"right\"},"               \
    "  {\"id\": \"fee\", \"format\": \"decimal\"},"                                       \
    "  {\"id\": \"note\", \"format\": \"text\", \"align\": \"left\"}],\n"                 \
    " \"corner\": [\"勾稽\", \"关系\"],\n"                                                \
    " \"header\": [{\"text\": \"申请人情况\", \"children\": [{\"text\": \"自然人\", \"column\": \"natural\"},\n" \
    "   {\"text\": [\"法人或\", \"其他组织\"], \"children\": [{\"text\": \"商业企业\", \"column\": \"firm\"},\n" \
    "     {\"text\": \"社会公益组织\", \"column\": \"ngo\"}]}, {\"text\": \"总计\", \"column\": \"total\"}]},\n" \
    "   {\"text\": \"收费\", \"column\": \"fee\"}, {\"text\": \"备注\", \"column\": \"note\"}],\n" \
    " \"rows\": [{\"band\": \"第一部分\"}, {\"id\": \"new\", \"label\": \"一、本年新收\"},\n" \
    "   {\"id\": \"results\", \"label\": [\"三、\", \"办理\", \"结果\"], \"children\": [\n"   \
    "     {\"id\": \"open\", \"label\": \"（一）予以公开\"},\n"                               \
    "     {\"label\": \"（三）不予公开\", \"children\": [{\"id\": \"secret\", \"label\": \"1.国家秘密\"},\n" \
    "       {\"id\": \"law\", \"label\": \"2.法律禁止\"}]},\n"                                 \
    "     {\"id\": \"sum_row\", \"label\": \"（七）总计\", \"cells\": [{\"colspan\": 3},"       \
    "       {\"id\": \"sum\", \"format\": \"decimal\"}, {\"colspan\": 2, \"format\": \"text\"}]}]},\n" \
    "   {\"heading\": [\"信息内容\", {\"text\": [\"本年处理\", \"决定数量\"], \"colspan\": 8}]},\n" \
    "   {\"id\": \"license\", \"label\": \"行政许可\", \"cells\": [{\"id\": \"decisions\", \"colspan\": 6}]}]}"

/* No label columns, no header. */
#define PLAIN_TABLE                                                                       \
    "\"plain\": {\"columns\": [{\"id\": \"a\"}, {\"id\": \"b\", \"format\": \"text\"},"  \
    " {\"id\": \"c\", \"format\": \"decimal\"}],"                                        \
    " \"rows\": [{\"id\": \"r1\"}, {\"id\": \"r2\"}, {\"id\": \"r3\"}, {\"id\": \"r4\"}]}"

static const char *const tables_layout =
    "{\"extends\": \"base.json\", \"name\": \"tables\", \"tables\": {" APPS_TABLE ",\n" PLAIN_TABLE "}}";

/* "row.cell@col+span:format ..." */
static char *slot_text(const pb_table_template *t)
{
    static const char fmt[] = "idt";
    int n = pb_table_value_slots(t, NULL);
    pb_value_slot *s = calloc((size_t)n + 1, sizeof *s);
    CHECK(pb_table_value_slots(t, s) == n, "slot count differs between the two calls");
    char *out = calloc((size_t)n + 1, 64);
    for (int i = 0; i < n; i++)
        sprintf(out + strlen(out), "%s%s.%s@%d+%d:%c", i ? " " : "", s[i].row->id,
                s[i].cell_id, s[i].col, s[i].colspan, fmt[s[i].format]);
    free(s);
    return out;
}

static void test_table_layout(void)
{
    write_file("tables.json", tables_layout);
    pb_arena *a = pb_arena_new();
    pb_diag d;
    pb_layout *L = load(a, &d, tmp_path("tables.json"), NULL);
    CHECK(L != NULL, "layout with tables rejected");
    if (!L) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    CHECK(L->ntables == 2, "tables %d", L->ntables);
    if (L->ntables != 2)
        goto done;
    const pb_table_template *t = &L->tables[0];
    CHECK(strcmp(t->id, "apps") == 0 && strcmp(t->path, "tables.apps") == 0 &&
              strcmp(t->source, tmp_path("tables.json")) == 0,
          "template id, path, source: %s %s %s", t->id, t->path, t->source);
    CHECK(strcmp(t->caption, "表一") == 0 && strcmp(t->corner, "勾稽关系") == 0,
          "caption and corner");
    CHECK(t->corner_breaks.n == 1 && t->corner_breaks.at[0] == 6,
          "the corner's pieces: a line may end after 勾稽");
    CHECK(t->ncolumns == 9 && t->nlabel_columns == 3, "columns %d/%d", t->ncolumns,
          t->nlabel_columns);
    const pb_table_column *col = t->columns;
    CHECK(col[0].label && col[0].share == 100 && col[0].width == 0, "percentage width");
    CHECK(col[1].width == pb_fx_from_mm(12.5) && col[1].share == 0, "mm width");
    CHECK(col[2].width == 0 && col[2].share == 0, "solved width");
    CHECK(!col[3].label && col[3].format == PB_FMT_INTEGER && col[3].align == PB_ALIGN_CENTER,
          "value column defaults");
    CHECK(col[6].align == PB_ALIGN_RIGHT && col[7].format == PB_FMT_DECIMAL &&
              col[8].format == PB_FMT_TEXT && col[8].align == PB_ALIGN_LEFT,
          "formats and alignments");
    CHECK(strcmp(col[8].path, "tables.apps.columns[8]") == 0, "column path %s", col[8].path);

    const pb_table_style *st = &t->style;
    CHECK(strcmp(st->role, "fangsong") == 0 && st->size == pb_fx_from_pt(10.5) &&
              st->min_size == pb_fx_from_pt(9) && st->line_pitch == 0,
          "style sizes");
    CHECK(st->pad_x == pb_fx_from_mm(2) && st->pad_y == pb_fx_from_mm(0.5), "padding");
    CHECK(st->pad_y_min == pb_fx_from_mm(0.25) && st->pad_y_max == pb_fx_from_mm(1),
          "padding range");
    CHECK(st->continued && strcmp(st->continued, "续表") == 0 &&
              st->continued_align == PB_ALIGN_RIGHT,
          "continued line");
    CHECK(st->outer_rule == 64 && st->inner_rule == 32 && st->header_bold, "rules");
    CHECK(strcmp(st->caption_role, "kai") == 0 && st->caption_size == 16 * 64 &&
              !st->caption_bold,
          "caption style");

    CHECK(t->nheader == 3, "header roots %d", t->nheader);
    if (t->nheader == 3) {
        const pb_header_node *h = &t->header[0];
        CHECK(strcmp(h->text, "申请人情况") == 0 && h->nchildren == 3 && h->column == NULL &&
                  h->col == -1,
              "header root");
        CHECK(h->children[0].col == 3 && strcmp(h->children[0].column, "natural") == 0,
              "leaf natural");
        const pb_header_node *org = &h->children[1];
        CHECK(strcmp(org->text, "法人或其他组织") == 0 && org->text_breaks.n == 1 &&
                  org->text_breaks.at[0] == 9,
              "a header text given as pieces");
        CHECK(org->nchildren == 2 && org->children[0].col == 4 && org->children[1].col == 5 &&
                  strcmp(org->children[1].path, "tables.apps.header[0].children[1].children[1]") == 0,
              "third level");
        CHECK(h->children[2].col == 6 && t->header[1].col == 7 && t->header[2].col == 8,
              "leaves in column order");
    }

    CHECK(t->nrows == 5, "rows %d", t->nrows);
    if (t->nrows == 5) {
        const pb_row_node *r = t->rows;
        CHECK(r[0].kind == PB_ROW_BAND && strcmp(r[0].label, "第一部分") == 0 && r[0].id == NULL,
              "band");
        CHECK(r[1].kind == PB_ROW_DATA && strcmp(r[1].id, "new") == 0 && r[1].cells == NULL,
              "data row");
        CHECK(r[2].kind == PB_ROW_GROUP && r[2].nchildren == 3 &&
                  strcmp(r[2].label, "三、办理结果") == 0,
              "group");
        CHECK(r[2].label_breaks.n == 2 && r[2].label_breaks.at[0] == 6 &&
                  r[2].label_breaks.at[1] == 12 && r[1].label_breaks.n == 0,
              "a label given as pieces: joined, with where they join");
        const pb_row_node *g2 = &r[2].children[1];
        CHECK(g2->kind == PB_ROW_GROUP && g2->id == NULL && g2->nchildren == 2 &&
                  strcmp(g2->children[1].path, "tables.apps.rows[2].children[1].children[1]") == 0,
              "nested group without id");
        const pb_row_node *sum = &r[2].children[2];
        CHECK(sum->ncells == 3 && strcmp(sum->cells[0].id, "natural") == 0 &&
                  sum->cells[0].colspan == 3 && sum->cells[0].format == -1 &&
                  sum->cells[1].format == PB_FMT_DECIMAL && strcmp(sum->cells[2].id, "fee") == 0,
              "explicit cells, ids defaulted from the columns");
        CHECK(r[3].kind == PB_ROW_HEADING && r[3].ncells == 2 &&
                  strcmp(r[3].cells[0].text, "信息内容") == 0 && r[3].cells[0].colspan == 1 &&
                  r[3].cells[1].colspan == 8,
              "heading row");
        CHECK(strcmp(r[3].cells[1].text, "本年处理决定数量") == 0 &&
                  r[3].cells[1].text_breaks.n == 1 && r[3].cells[1].text_breaks.at[0] == 12,
              "a heading cell's text given as pieces");
        CHECK(r[4].ncells == 1 && r[4].cells[0].colspan == 6, "one wide cell");
    }
    char *slots = slot_text(t);
    const char *want =
        "new.natural@3+1:i new.firm@4+1:i new.ngo@5+1:i new.total@6+1:i new.fee@7+1:d "
        "new.note@8+1:t "
        "open.natural@3+1:i open.firm@4+1:i open.ngo@5+1:i open.total@6+1:i open.fee@7+1:d "
        "open.note@8+1:t "
        "secret.natural@3+1:i secret.firm@4+1:i secret.ngo@5+1:i secret.total@6+1:i "
        "secret.fee@7+1:d secret.note@8+1:t "
        "law.natural@3+1:i law.firm@4+1:i law.ngo@5+1:i law.total@6+1:i law.fee@7+1:d "
        "law.note@8+1:t "
        "sum_row.natural@3+3:i sum_row.sum@6+1:d sum_row.fee@7+2:t "
        "license.decisions@3+6:i";
    CHECK(strcmp(slots, want) == 0, "slots\n  want: %s\n  got:  %s", want, slots);
    free(slots);

    t = &L->tables[1];
    CHECK(t->nlabel_columns == 0 && t->nheader == 0 && t->corner == NULL && t->caption == NULL,
          "plain table");
    CHECK(strcmp(t->style.role, "fangsong") == 0 && t->style.size == 12 * 64 &&
              t->style.min_size == 9 * 64 && t->style.pad_x == pb_fx_from_mm(1.5) &&
              t->style.pad_y == pb_fx_from_mm(1) && strcmp(t->style.caption_role, "hei") == 0 &&
              !t->style.header_bold,
          "style defaults");
    slots = slot_text(t);
    CHECK(strcmp(slots, "r1.a@0+1:i r1.b@1+1:t r1.c@2+1:d r2.a@0+1:i r2.b@1+1:t r2.c@2+1:d "
                        "r3.a@0+1:i r3.b@1+1:t r3.c@2+1:d r4.a@0+1:i r4.b@1+1:t r4.c@2+1:d") == 0,
          "plain slots: %s", slots);
    free(slots);
done:
    pb_diag_free(&d);
    pb_arena_free(a);

    /* a small size brings the floor down; an extending layout merges a
     * template key by key and can remove one */
    write_file("top.json", "{\"extends\": \"tables.json\", \"tables\": {\"apps\": {\"style\": "
                           "{\"size\": 8, \"padding\": null}, \"corner\": null},"
                           " \"plain\": null}}");
    a = pb_arena_new();
    L = load(a, &d, tmp_path("top.json"), NULL);
    CHECK(L && L->ntables == 1 && L->tables[0].style.size == 8 * 64 &&
              L->tables[0].style.min_size == 8 * 64 && L->tables[0].style.header_bold &&
              L->tables[0].style.pad_x == pb_fx_from_mm(1.5) && L->tables[0].corner == NULL &&
              L->tables[0].ncolumns == 9,
          "merged template");
    if (!L)
        pb_diag_print(&d, stdout);
    pb_diag_free(&d);
    pb_arena_free(a);
}

/* Loads layout `ref` and report `json` (both valid) and binds them. */
static pb_report *bind(pb_arena *a, pb_diag *d, const char *ref, const char *json, bool *ok,
                       int line)
{
    pb_layout *L = load(a, d, ref, NULL);
    CHECK_LINE(L != NULL, line, "layout %s rejected", ref);
    pb_report *r = L ? pb_input_report("r.json", json, strlen(json), a, d) : NULL;
    CHECK_LINE(!L || r != NULL, line, "report rejected: %s", json);
    if (!r) {
        pb_diag_print(d, stdout);
        *ok = false;
        return NULL;
    }
    *ok = pb_input_bind_tables(r, L, a, d);
    return r;
}

static void bind_error_at(const char *ref, const char *json, const char *want, int line)
{
    pb_arena *a = pb_arena_new();
    pb_diag d;
    bool ok;
    pb_report *r = bind(a, &d, ref, json, &ok, line);
    if (r) {
        CHECK_LINE(!ok, line, "values accepted: %s", json);
        expect_messages(&d, PB_ERR_INPUT, want, line);
    }
    pb_diag_free(&d);
    pb_arena_free(a);
}

#define BIND_ERROR(json, want) bind_error_at(tmp_path("tables.json"), (json), (want), __LINE__)

static void check_value(const pb_block *b, int i, pb_value_kind kind, const char *text,
                        bool has_number, long long number, int scale, const char *path,
                        int line)
{
    if (i >= b->nvalues) {
        CHECK_LINE(0, line, "value %d missing (%d values)", i, b->nvalues);
        return;
    }
    const pb_value *v = &b->values[i];
    CHECK_LINE(v->kind == kind, line, "value %d kind %d, want %d", i, v->kind, kind);
    CHECK_LINE(text ? v->text && strcmp(v->text, text) == 0 : v->text == NULL, line,
               "value %d text %s, want %s", i, v->text ? v->text : "NULL", text ? text : "NULL");
    CHECK_LINE(v->has_number == has_number &&
                   (!has_number || (v->number == number && v->scale == scale)),
               line, "value %d number %d %lld/10^%d, want %d %lld/10^%d", i, v->has_number,
               (long long)v->number, v->scale, has_number, number, scale);
    CHECK_LINE(path ? v->path && strcmp(v->path, path) == 0 : v->path == NULL, line,
               "value %d path %s, want %s", i, v->path ? v->path : "NULL", path ? path : "NULL");
}

#define VALUE(b, i, kind, text, has, num, scale, path) \
    check_value((b), (i), (kind), (text), (has), (num), (scale), (path), __LINE__)

static void test_table_values(void)
{
    write_file("tables.json", tables_layout);
    const char *json = ONE(
        "{\"type\": \"paragraph\", \"text\": \"x\"},"
        "{\"type\": \"table\", \"table\": \"apps\", \"caption\": \"覆盖\", \"values\": {"
        " \"new\": [3, 0, null, 3, 1944.05, \"备注\"],"
        " \"open\": {\"natural\": 1, \"fee\": \"1944.0500\", \"note\": 12.5},"
        " \"secret\": {\"total\": \"22（其中修订16件）\", \"fee\": 0.1, \"ngo\": \"7(x)\"},"
        " \"law\": null,"
        " \"sum_row\": {\"natural\": 5, \"sum\": -2.25, \"fee\": \"\"},"
        " \"license\": [2483]}},"
        "{\"type\": \"table\", \"table\": \"plain\", \"values\": {"
        " \"r1\": [0, 1e21, 1e-7], \"r2\": [9007199254740991, \"x\", 100],"
        " \"r3\": [0, 0.30000000000000004, \"-0.5\"], \"r4\": [null, -0, 123456.789]}}");
    pb_arena *a = pb_arena_new();
    pb_diag d;
    bool ok;
    pb_report *r = bind(a, &d, tmp_path("tables.json"), json, &ok, __LINE__);
    CHECK(r && ok && d.count == 0, "values rejected");
    if (!r || !ok) {
        pb_diag_print(&d, stdout);
        goto done;
    }
    const pb_block *b = &r->blocks[1];
    CHECK(b->kind == PB_BLOCK_TABLE && strcmp(b->table_ref, "apps") == 0 &&
              b->table == &r->blocks[1].table[0] && strcmp(b->table->id, "apps") == 0 &&
              strcmp(b->caption, "覆盖") == 0 && b->nvalues == 28 && b->pending == NULL,
          "bound block");
    CHECK(r->blocks[0].table == NULL && r->blocks[0].values == NULL, "paragraph untouched");
    VALUE(b, 0, PB_VALUE_INTEGER, "3", true, 3, 0, "body[1].values.new[0]");
    VALUE(b, 1, PB_VALUE_INTEGER, "0", true, 0, 0, "body[1].values.new[1]");
    VALUE(b, 2, PB_VALUE_BLANK, NULL, false, 0, 0, "body[1].values.new[2]");
    VALUE(b, 4, PB_VALUE_DECIMAL, "1944.05", true, 194405, 2, "body[1].values.new[4]");
    VALUE(b, 5, PB_VALUE_TEXT, "备注", false, 0, 0, "body[1].values.new[5]");
    VALUE(b, 6, PB_VALUE_INTEGER, "1", true, 1, 0, "body[1].values.open.natural");
    VALUE(b, 7, PB_VALUE_BLANK, NULL, false, 0, 0, NULL);
    VALUE(b, 10, PB_VALUE_DECIMAL, "1944.0500", true, 19440500, 4, "body[1].values.open.fee");
    VALUE(b, 11, PB_VALUE_TEXT, "12.5", true, 125, 1, "body[1].values.open.note");
    VALUE(b, 14, PB_VALUE_TEXT, "7(x)", true, 7, 0, "body[1].values.secret.ngo");
    VALUE(b, 15, PB_VALUE_TEXT, "22（其中修订16件）", true, 22, 0, "body[1].values.secret.total");
    VALUE(b, 16, PB_VALUE_DECIMAL, "0.1", true, 1, 1, "body[1].values.secret.fee");
    for (int i = 18; i < 24; i++)
        VALUE(b, i, PB_VALUE_BLANK, NULL, false, 0, 0, NULL);
    VALUE(b, 24, PB_VALUE_INTEGER, "5", true, 5, 0, "body[1].values.sum_row.natural");
    VALUE(b, 25, PB_VALUE_DECIMAL, "-2.25", true, -225, 2, "body[1].values.sum_row.sum");
    VALUE(b, 26, PB_VALUE_TEXT, "", false, 0, 0, "body[1].values.sum_row.fee");
    VALUE(b, 27, PB_VALUE_INTEGER, "2483", true, 2483, 0, "body[1].values.license[0]");

    b = &r->blocks[2];
    CHECK(b->nvalues == 12 && b->caption == NULL, "plain block");
    VALUE(b, 0, PB_VALUE_INTEGER, "0", true, 0, 0, "body[2].values.r1[0]");
    VALUE(b, 1, PB_VALUE_TEXT, "1e+21", false, 0, 0, "body[2].values.r1[1]");
    VALUE(b, 2, PB_VALUE_DECIMAL, "0.0000001", true, 1, 7, "body[2].values.r1[2]");
    VALUE(b, 3, PB_VALUE_INTEGER, "9007199254740991", true, 9007199254740991LL, 0,
          "body[2].values.r2[0]");
    VALUE(b, 5, PB_VALUE_DECIMAL, "100", true, 100, 0, "body[2].values.r2[2]");
    VALUE(b, 7, PB_VALUE_TEXT, "0.30000000000000004", true, 30000000000000004LL, 17,
          "body[2].values.r3[1]");
    VALUE(b, 8, PB_VALUE_DECIMAL, "-0.5", true, -5, 1, "body[2].values.r3[2]");
    VALUE(b, 9, PB_VALUE_BLANK, NULL, false, 0, 0, "body[2].values.r4[0]");
    VALUE(b, 10, PB_VALUE_TEXT, "0", true, 0, 0, "body[2].values.r4[1]");
    VALUE(b, 11, PB_VALUE_DECIMAL, "123456.789", true, 123456789, 3, "body[2].values.r4[2]");
done:
    pb_diag_free(&d);
    pb_arena_free(a);

    /* an inline template, bound to a layout without tables */
    json = ONE("{\"type\": \"table\", \"template\": {\"columns\": [{\"id\": \"k\", \"label\": true},"
               " {\"id\": \"v\", \"format\": \"decimal\"}], \"rows\": [{\"id\": \"x\", \"label\": \"甲\"},"
               " {\"id\": \"y\", \"label\": \"乙\"}]}, \"values\": {\"y\": {\"v\": \"1.50\"}}}");
    a = pb_arena_new();
    r = bind(a, &d, tmp_path("base.json"), json, &ok, __LINE__);
    CHECK(r && ok, "inline template rejected");
    if (r && ok) {
        b = &r->blocks[0];
        CHECK(b->table && b->table->id == NULL && strcmp(b->table->path, "body[0].template") == 0 &&
                  strcmp(b->table->source, "r.json") == 0 && b->table_ref == NULL &&
                  b->nvalues == 2,
              "inline template");
        VALUE(b, 0, PB_VALUE_BLANK, NULL, false, 0, 0, NULL);
        VALUE(b, 1, PB_VALUE_DECIMAL, "1.50", true, 150, 2, "body[0].values.y.v");
        CHECK(strcmp(b->table->rows[1].path, "body[0].template.rows[1]") == 0, "inline paths");
    } else {
        pb_diag_print(&d, stdout);
    }
    pb_diag_free(&d);
    pb_arena_free(a);
}

#define TABLE_BLOCK(id, values) \
    ONE("{\"type\": \"table\", \"table\": \"" id "\", \"values\": {" values "}}")

static void test_table_value_errors(void)
{
    write_file("tables.json", tables_layout);
    char want[1024];
    snprintf(want, sizeof want,
             "r.json: body[1].table: no table \"aps\" in the layout %1$s/tables.json (did you "
             "mean \"apps\"?); its tables: \"apps\" and \"plain\"\n"
             "r.json: body[2].table: no table \"nope\" in the layout %1$s/tables.json; its "
             "tables: \"apps\" and \"plain\"",
             tmpdir);
    BIND_ERROR(ONE("{\"type\": \"page_break\"}, {\"type\": \"table\", \"table\": \"aps\", \"values\": {}},"
                   "{\"type\": \"table\", \"table\": \"nope\", \"values\": {}}"),
               want);
    snprintf(want, sizeof want,
             "r.json: body[0].table: no table \"apps\": the layout %s/base.json has no tables",
             tmpdir);
    bind_error_at(tmp_path("base.json"), TABLE_BLOCK("apps", ""), want, __LINE__);
    /* rows and cells */
    BIND_ERROR(TABLE_BLOCK("apps", "\"neww\": [], \"results\": {}, \"qqqqqq\": null,"
                                   " \"open\": {\"natral\": 1, \"zzz\": 2},"
                                   " \"license\": {\"natural\": 1}"),
               "r.json: body[0].values.neww: no row \"neww\" in table \"apps\" (did you mean "
               "\"new\"?)\n"
               "r.json: body[0].values.results: \"results\" is a row group of table \"apps\": "
               "give the values of its rows\n"
               "r.json: body[0].values.qqqqqq: no row \"qqqqqq\" in table \"apps\"\n"
               "r.json: body[0].values.open.natral: no cell \"natral\" in row \"open\" (did you "
               "mean \"natural\"?)\n"
               "r.json: body[0].values.open.zzz: no cell \"zzz\" in row \"open\" (its cells: "
               "\"natural\", \"firm\", \"ngo\", \"total\", \"fee\" and \"note\")\n"
               "r.json: body[0].values.license.natural: no cell \"natural\" in row \"license\" "
               "(its cells: \"decisions\")");
    BIND_ERROR(TABLE_BLOCK("apps", "\"new\": [1, 2, 3, 4, 5], \"license\": [1, 2],"
                                   " \"sum_row\": [1, 2, 3]"),
               "r.json: body[0].values.new: expected 6 values (the cells of row \"new\"), got 5\n"
               "r.json: body[0].values.license: expected 1 value (the cells of row \"license\"), "
               "got 2");
    /* kinds */
    BIND_ERROR(TABLE_BLOCK("apps", "\"new\": [\"3条\", -1, 2.5, true, \"3条\", {}],"
                                   " \"open\": {\"natural\": 1e16, \"firm\": -2.5,"
                                   " \"ngo\": \"22（\", \"total\": \"（1）\","
                                   " \"fee\": \"1,944.05\", \"note\": false},"
                                   " \"secret\": {\"natural\": \"3\", \"fee\": \"1234567890123456789\","
                                   " \"note\": []},"
                                   " \"law\": {\"fee\": 1e-30, \"natural\": \"-3(x)\", \"ngo\": 1e999},"
                                   " \"sum_row\": {\"sum\": \"1.\", \"fee\": null}"),
               "r.json: body[0].values.new[0]: expected an integer, got \"3条\"\n"
               "r.json: body[0].values.new[1]: expected a non-negative integer, got -1\n"
               "r.json: body[0].values.new[2]: expected an integer, got 2.5\n"
               "r.json: body[0].values.new[3]: expected an integer, got true\n"
               "r.json: body[0].values.new[4]: expected a number, got \"3条\"\n"
               "r.json: body[0].values.new[5]: expected a string or a number, got an object\n"
               "r.json: body[0].values.open.natural: must be at most 9007199254740991, got 1e+16\n"
               "r.json: body[0].values.open.firm: expected a non-negative integer, got -2.5\n"
               "r.json: body[0].values.open.ngo: expected an integer, got \"22（\"\n"
               "r.json: body[0].values.open.total: expected an integer, got \"（1）\"\n"
               "r.json: body[0].values.open.fee: expected a number, got \"1,944.05\"\n"
               "r.json: body[0].values.open.note: expected a string or a number, got false\n"
               "r.json: body[0].values.secret.natural: expected an integer, got \"3\" (write "
               "numbers without quotes)\n"
               "r.json: body[0].values.secret.fee: expected a number of at most 18 digits, got "
               "\"1234567890123456789\"\n"
               "r.json: body[0].values.secret.note: expected a string or a number, got an array\n"
               "r.json: body[0].values.law.fee: expected a number of at most 18 digits, got 1e-30\n"
               "r.json: body[0].values.law.natural: expected an integer, got \"-3(x)\"\n"
               "r.json: body[0].values.law.ngo: number out of range\n"
               "r.json: body[0].values.sum_row.sum: expected a number, got \"1.\"");
    /* an inline template is checked against the layout when bound */
    snprintf(want, sizeof want,
             "r.json: body[0].template.style.font: no font role \"fangsog\" in the fonts of "
             "%s/base.json (did you mean \"fangsong\"?)\n"
             "r.json: body[0].template.columns: the fixed column widths add up to 162.4 mm, "
             "more than the text block's 156 mm",
             tmpdir);
    bind_error_at(tmp_path("base.json"),
                  ONE("{\"type\": \"table\", \"template\": {\"style\": {\"font\": \"fangsog\"},"
                      " \"columns\": [{\"id\": \"a\", \"width\": 100}, {\"id\": \"b\", \"width\": \"40%\"}],"
                      " \"rows\": [{\"id\": \"r\"}]}, \"values\": {\"r\": [1, \"x\"]}}"),
                  want, __LINE__);
}

static void test_table_block_errors(void)
{
    REPORT_ERROR(ONE("{\"type\": \"table\", \"table\": \"t\", \"template\": {}, \"values\": []},"
                     "{\"type\": \"table\", \"table\": \"\", \"caption\": 3, \"values\": {\"r\": 3,"
                     " \"s\": \"x\"}}"),
                 "r.json: body[0]: give \"table\" (a template of the layout) or \"template\", not "
                 "both\n"
                 "r.json: body[0].values: expected an object, got an array\n"
                 "r.json: body[1].table: must not be empty\n"
                 "r.json: body[1].caption: expected a string, got 3\n"
                 "r.json: body[1].values.r: expected an object (cell id: value) or an array of "
                 "values, got 3\n"
                 "r.json: body[1].values.s: expected an object (cell id: value) or an array of "
                 "values, got \"x\"");
    /* inline templates: the same checks as in layouts, class input */
    REPORT_ERROR(ONE("{\"type\": \"table\", \"template\": {\"columns\": [{\"id\": \"v\"},"
                     " {\"id\": \"l\", \"label\": true}], \"rows\": [{\"id\": \"r\", \"label\": 3}]},"
                     " \"values\": {}}"),
                 "r.json: body[0].template.columns[1].label: label columns must come before the "
                 "value columns\n"
                 "r.json: body[0].template.rows[0].label: expected a string or an array of strings, "
                 "got 3");
    REPORT_ERROR(ONE("{\"type\": \"table\", \"template\": [], \"values\": {}}"),
                 "r.json: body[0].template: expected an object, got an array");
}

/* Writes top.json extending base.json with these tables and expects these
 * messages (%1$s is the temporary folder). */
static void table_error_at(const char *tables, const char *want_fmt, int line)
{
    char json[8192], want[8192];
    snprintf(json, sizeof json, "{\"extends\": \"base.json\", \"tables\": %s}", tables);
    write_file("top.json", json);
    snprintf(want, sizeof want, want_fmt, tmpdir);
    layout_error_at(tmp_path("top.json"), NULL, PB_ERR_LAYOUT, want, line);
}

#define TABLE_ERROR(tables, want) table_error_at((tables), (want), __LINE__)

static void test_table_template_errors(void)
{
    TABLE_ERROR("[]", "%1$s/top.json: tables: expected an object, got an array");
    TABLE_ERROR("{\"\": {}, \"t\": {\"colums\": [], \"rows\": {}}, \"u\": 3}",
                "%1$s/top.json: tables: a table id must not be empty\n"
                "%1$s/top.json: tables.t: unknown key \"colums\" (did you mean \"columns\"?)\n"
                "%1$s/top.json: tables.t: missing required key \"columns\"\n"
                "%1$s/top.json: tables.t.rows: expected an array, got an object\n"
                "%1$s/top.json: tables.u: expected an object, got 3");
    /* columns */
    TABLE_ERROR("{\"t\": {\"columns\": [{\"id\": \"v1\"}, {\"id\": \"l\", \"label\": true},"
                " {\"id\": \"v1\", \"format\": \"int\"}, {\"label\": \"yes\"}, {\"id\": \"w\", \"width\": 0},"
                " {\"id\": \"x\", \"width\": \"120%\"}, {\"id\": \"y\", \"width\": \"12\"},"
                " {\"id\": \"z\", \"align\": \"justify\", \"colour\": 1}, 5],"
                " \"rows\": [{\"id\": \"r\", \"label\": \"x\"}]}}",
                "%1$s/top.json: tables.t.columns[1].label: label columns must come before the "
                "value columns\n"
                "%1$s/top.json: tables.t.columns[2].id: duplicate column id \"v1\" (also "
                "columns[0])\n"
                "%1$s/top.json: tables.t.columns[2].format: expected \"integer\", \"decimal\" or "
                "\"text\", got \"int\" (did you mean \"integer\"?)\n"
                "%1$s/top.json: tables.t.columns[3]: missing required key \"id\"\n"
                "%1$s/top.json: tables.t.columns[3].label: expected true or false, got \"yes\"\n"
                "%1$s/top.json: tables.t.columns[4].width: must be between 1 and 1000, got 0\n"
                "%1$s/top.json: tables.t.columns[5].width: must be between 1%% and 100%%, got "
                "\"120%%\"\n"
                "%1$s/top.json: tables.t.columns[6].width: expected a width in mm or a percentage "
                "of the text block such as \"12%%\", got \"12\"\n"
                "%1$s/top.json: tables.t.columns[7]: unknown key \"colour\"\n"
                "%1$s/top.json: tables.t.columns[7].align: expected \"left\", \"center\" or "
                "\"right\", got \"justify\"\n"
                "%1$s/top.json: tables.t.columns[8]: expected an object, got 5");
    TABLE_ERROR("{\"t\": {\"columns\": [{\"id\": \"l\", \"label\": true, \"format\": \"text\"}],"
                " \"rows\": [{\"id\": \"r\", \"label\": \"x\"}]}}",
                "%1$s/top.json: tables.t.columns[0].format: a label column holds the row labels: "
                "\"format\" is for value columns\n"
                "%1$s/top.json: tables.t.columns: no value column (one without \"label\": true)");
    TABLE_ERROR("{\"t\": {\"columns\": [], \"rows\": []}}",
                "%1$s/top.json: tables.t.columns: must not be empty\n"
                "%1$s/top.json: tables.t.rows: must not be empty");
    /* the header tree */
#define COLS "\"columns\": [{\"id\": \"l\", \"label\": true}, {\"id\": \"natural\"}, {\"id\": \"b\"}]"
#define ROWS "\"rows\": [{\"id\": \"r\", \"label\": \"x\"}]"
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": [{\"text\": \"A\", \"column\": \"natral\"},"
                " {\"text\": \"B\", \"column\": \"b\"}]}}",
                "%1$s/top.json: tables.t.header[0].column: no column \"natral\" (did you mean "
                "\"natural\"?)");
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": [{\"text\": \"B\", \"column\": \"b\"},"
                " {\"text\": \"A\", \"column\": \"natural\"}]}}",
                "%1$s/top.json: tables.t.header[0].column: expected column \"natural\" here (the "
                "leaves name the value columns in column order), got \"b\"");
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": [{\"text\": \"A\", \"children\": [{\"text\": \"a\","
                " \"column\": \"natural\"}]}]}}",
                "%1$s/top.json: tables.t.header: no header leaf names column \"b\"");
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": [{\"text\": \"A\", \"column\": \"natural\"},"
                " {\"text\": \"A2\", \"children\": [{\"text\": \"x\", \"column\": \"natural\"}]},"
                " {\"text\": \"L\", \"column\": \"l\"}, {\"text\": \"B\", \"column\": \"b\"}]}}",
                "%1$s/top.json: tables.t.header[1].children[0].column: column \"natural\" already "
                "has a header leaf (header[0])\n"
                "%1$s/top.json: tables.t.header[2].column: \"l\" is a label column: header leaves "
                "name value columns");
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": [{\"text\": \"x\", \"column\": \"natural\","
                " \"children\": []}, {\"text\": \"\"}, {\"column\": \"b\", \"colspan\": 2},"
                " {\"text\": \"y\", \"children\": []}]}}",
                "%1$s/top.json: tables.t.header[0]: give \"column\" (a leaf) or \"children\", not "
                "both\n"
                "%1$s/top.json: tables.t.header[1].text: must not be empty\n"
                "%1$s/top.json: tables.t.header[1]: missing required key \"column\" (or "
                "\"children\")\n"
                "%1$s/top.json: tables.t.header[2]: unknown key \"colspan\"\n"
                "%1$s/top.json: tables.t.header[2]: missing required key \"text\"\n"
                "%1$s/top.json: tables.t.header[3].children: must not be empty");
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"header\": []}}",
                "%1$s/top.json: tables.t.header: must not be empty");
    /* the corner */
    TABLE_ERROR("{\"t\": {" COLS ", " ROWS ", \"corner\": \"c\"},"
                " \"u\": {\"columns\": [{\"id\": \"v\"}], \"rows\": [{\"id\": \"r\"}], \"corner\": \"\"},"
                " \"w\": {\"columns\": [{\"id\": \"v\"}], \"rows\": [{\"id\": \"r\"}], \"corner\": \"c\","
                " \"header\": [{\"text\": \"V\", \"column\": \"v\"}]}}",
                "%1$s/top.json: tables.t.corner: the corner cell needs a \"header\" (it spans the "
                "header rows)\n"
                "%1$s/top.json: tables.u.corner: must not be empty\n"
                "%1$s/top.json: tables.w.corner: the corner cell needs label columns (the table "
                "has none)");
    /* rows */
    TABLE_ERROR("{\"applications\": {\"columns\": [{\"id\": \"l1\", \"label\": true},"
                " {\"id\": \"l2\", \"label\": true}, {\"id\": \"a\"}, {\"id\": \"b\"}],"
                " \"rows\": [{\"id\": \"new\"}, {\"label\": \"x\"},"
                "  {\"id\": \"g\", \"label\": \"G\", \"children\": [{\"id\": \"new\", \"label\": \"y\"},"
                "    {\"label\": \"z\", \"children\": [{\"id\": \"deep\", \"label\": \"d\"}]},"
                "    {\"id\": \"c1\", \"label\": 3}, {\"band\": \"b\"}]},"
                "  {\"id\": \"g\", \"label\": \"G2\", \"children\": {}},"
                "  {\"heading\": [\"x\", {\"text\": \"y\", \"colspan\": 2}]},"
                "  {\"heading\": [\"x\", 3, {\"colspan\": 0}]},"
                "  {\"band\": \"\", \"label\": \"x\"},"
                "  {\"id\": \"c\", \"label\": \"c\", \"cells\": [{\"colspan\": 3}]},"
                "  {\"id\": \"d\", \"label\": \"d\", \"cells\": [{\"id\": \"b\"}, {}]},"
                "  {\"id\": \"e\", \"label\": \"e\", \"cells\": [{\"format\": \"money\", \"span\": 2}, {}]},"
                "  7]}}",
                "%1$s/top.json: tables.applications.rows[0]: missing required key \"label\"\n"
                "%1$s/top.json: tables.applications.rows[1]: missing required key \"id\"\n"
                "%1$s/top.json: tables.applications.rows[2].children[0].id: duplicate row id "
                "\"new\" (also rows[0].id)\n"
                "%1$s/top.json: tables.applications.rows[2].children[1].children: rows nested 3 "
                "levels deep need 3 label columns, the table has 2\n"
                "%1$s/top.json: tables.applications.rows[2].children[2].label: expected a string "
                "or an array of strings, got 3\n"
                "%1$s/top.json: tables.applications.rows[2].children[3]: band rows span the whole "
                "table: they belong in \"rows\", not inside a group\n"
                "%1$s/top.json: tables.applications.rows[3].id: duplicate row id \"g\" (also "
                "rows[2].id)\n"
                "%1$s/top.json: tables.applications.rows[3].children: expected an array, got an "
                "object\n"
                "%1$s/top.json: tables.applications.rows[4].heading: the cells cover 3 columns, "
                "the table has 4\n"
                "%1$s/top.json: tables.applications.rows[5].heading[1]: expected a string or "
                "{\"text\": …, \"colspan\": …}, got 3\n"
                "%1$s/top.json: tables.applications.rows[5].heading[2]: missing required key "
                "\"text\"\n"
                "%1$s/top.json: tables.applications.rows[5].heading[2].colspan: must be between 1 "
                "and 1000, got 0\n"
                "%1$s/top.json: tables.applications.rows[6]: unknown key \"label\"\n"
                "%1$s/top.json: tables.applications.rows[6].band: must not be empty\n"
                "%1$s/top.json: tables.applications.rows[7].cells: the cells cover 3 value "
                "columns, the table has 2\n"
                "%1$s/top.json: tables.applications.rows[8].cells[1]: duplicate cell id \"b\" in "
                "this row (also rows[8].cells[0]); give this cell an \"id\"\n"
                "%1$s/top.json: tables.applications.rows[9].cells[0]: unknown key \"span\"\n"
                "%1$s/top.json: tables.applications.rows[9].cells[0].format: expected "
                "\"integer\", \"decimal\" or \"text\", got \"money\"\n"
                "%1$s/top.json: tables.applications.rows[10]: expected an object, got 7");
    TABLE_ERROR("{\"t\": {\"columns\": [{\"id\": \"v\"}], \"rows\": [{\"id\": \"r\", \"label\": \"x\"},"
                " {\"id\": \"g\", \"label\": \"G\", \"children\": [{\"id\": \"s\"}]}]}}",
                "%1$s/top.json: tables.t.rows[0].label: the table has no label columns, so its "
                "rows have no labels\n"
                "%1$s/top.json: tables.t.rows[1]: row groups need label columns (the table has "
                "none)");
    /* style */
    TABLE_ERROR("{\"t\": {\"columns\": [{\"id\": \"v\"}], \"rows\": [{\"id\": \"r\"}], \"style\": {"
                "\"size\": 3, \"min_size\": 80, \"line_pitch\": 2, \"padding\": [1],"
                " \"outer_rule\": 6, \"header_bold\": \"yes\", \"font\": \"fangsog\","
                " \"caption_font\": \"\", \"caption_size\": 100, \"colour\": 1}},"
                " \"u\": {\"columns\": [{\"id\": \"v\"}], \"rows\": [{\"id\": \"r\"}], \"style\": {"
                "\"size\": 10, \"min_size\": 11, \"padding\": [30, -1], \"inner_rule\": -1,"
                " \"caption_font\": \"lishu\"}}}",
                "%1$s/top.json: tables.t.style: unknown key \"colour\"\n"
                "%1$s/top.json: tables.t.style.caption_font: must not be empty\n"
                "%1$s/top.json: tables.t.style.size: must be between 4 and 72, got 3\n"
                "%1$s/top.json: tables.t.style.min_size: must be between 4 and 72, got 80\n"
                "%1$s/top.json: tables.t.style.line_pitch: must be 0 (1.25 × the size) or between "
                "4 and 400, got 2\n"
                "%1$s/top.json: tables.t.style.padding: expected [horizontal, vertical] in mm, got "
                "an array of 1\n"
                "%1$s/top.json: tables.t.style.outer_rule: must be between 0 and 5, got 6\n"
                "%1$s/top.json: tables.t.style.header_bold: expected true or false, got \"yes\"\n"
                "%1$s/top.json: tables.t.style.caption_size: must be between 4 and 72, got 100\n"
                "%1$s/top.json: tables.t.style.font: no font role \"fangsog\" in \"fonts\" (did "
                "you mean \"fangsong\"?)\n"
                "%1$s/top.json: tables.u.style.min_size: must not be larger than style.size (10), "
                "got 11\n"
                "%1$s/top.json: tables.u.style.padding[0]: must be between 0 and 20, got 30\n"
                "%1$s/top.json: tables.u.style.padding[1]: must be between 0 and 20, got -1\n"
                "%1$s/top.json: tables.u.style.inner_rule: must be between 0 and 5, got -1\n"
                "%1$s/top.json: tables.u.style.caption_font: no font role \"lishu\" in \"fonts\"");
    /* widths against the text block, after merging */
    TABLE_ERROR("{\"t\": {\"columns\": [{\"id\": \"a\", \"width\": 100}, {\"id\": \"b\", \"width\": \"40%\"}],"
                " \"rows\": [{\"id\": \"r\"}]}, \"u\": {\"columns\": [{\"id\": \"a\", \"width\": \"60%\"},"
                " {\"id\": \"b\", \"width\": \"41%\"}], \"rows\": [{\"id\": \"r\"}]},"
                " \"ok\": {\"columns\": [{\"id\": \"a\", \"width\": \"60%\"}, {\"id\": \"b\", \"width\": \"40%\"}],"
                " \"rows\": [{\"id\": \"r\"}]}}",
                "%1$s/top.json: tables.t.columns: the fixed column widths add up to 162.4 mm, "
                "more than the text block's 156 mm\n"
                "%1$s/top.json: tables.u.columns: the fixed column widths add up to 157.56 mm, "
                "more than the text block's 156 mm");

    /* messages name the file each part of a merged template came from */
    write_file("tbase.json", "{\"extends\": \"base.json\", \"tables\": {\"t\": {\"columns\":"
                             " [{\"id\": \"a\", \"width\": 100}, {\"id\": \"b\"}],"
                             " \"rows\": [{\"id\": \"r\"}], \"style\": {\"caption_font\": \"lishu\"}}}}");
    write_file("top.json", "{\"extends\": \"tbase.json\", \"margins\": {\"left\": 90},"
                           " \"tables\": {\"t\": {\"style\": {\"font\": \"kaii\"}}}}");
    char want[2048];
    snprintf(want, sizeof want,
             "%1$s/top.json: tables.t.style.font: no font role \"kaii\" in \"fonts\" (did you "
             "mean \"kai\"?)\n"
             "%1$s/tbase.json: tables.t.style.caption_font: no font role \"lishu\" in \"fonts\"\n"
             "%1$s/tbase.json: tables.t.columns: the fixed column widths add up to 100 mm, more "
             "than the text block's 94 mm",
             tmpdir);
    LAYOUT_ERROR(tmp_path("top.json"), PB_ERR_LAYOUT, want);
}

int main(void)
{
    strcpy(tmpdir, "/tmp/paiban-test-input.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    make_dir("layouts");
    make_dir("fonts");
    make_dir("sub");
    write_file("fonts/catalog.json", catalog);
    write_file("base.json", base_layout);

    test_valid_report();
    test_report_errors();
    test_report_strings();
    test_syntax_errors();
    test_layout_base();
    test_layout_gbt9704();
    test_extends();
    test_layout_errors();
    test_table_layout();
    test_table_values();
    test_table_value_errors();
    test_table_block_errors();
    test_table_template_errors();

    cleanup();
    return test_summary();
}
