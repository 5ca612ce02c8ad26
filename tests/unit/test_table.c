/* Table solver tests with a fixed-advance fake measurer (no font file):
 * a CJK character is `size` wide, ASCII size/2; the widest unbreakable
 * piece is one CJK character or a whole run of ASCII; lines are counted
 * greedily.  The three official tables of 国办公开办函〔2021〕30号 are built
 * by hand as in reference/disclosure-format-2021.json. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/diag.h"
#include "layout/table.h"
#include "text/linebreak.h"
#include "../testutil.h"

static pb_arena *A;

/* ---- fake measurer ---------------------------------------------------- */

typedef struct piece {
    pb_fx w;
    bool space;
} piece;

/* Splits text into unbreakable pieces; returns their count. */
static int pieces(const char *s, pb_fx size, piece *out, int cap)
{
    int n = 0;
    for (size_t i = 0; s[i] && n < cap;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80) {
            i++;
            while ((s[i] & 0xC0) == 0x80)
                i++;
            out[n++] = (piece){size, false};
        } else if (ch == ' ') {
            i++;
            out[n++] = (piece){size / 2, true};
        } else {
            pb_fx w = 0;
            while (s[i] && (unsigned char)s[i] < 0x80 && s[i] != ' ') {
                w += size / 2;
                i++;
            }
            out[n++] = (piece){w, false};
        }
    }
    return n;
}

static void fake_extent(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx *min, pb_fx *max)
{
    (void)ctx;
    piece p[512];
    int n = pieces(c->text, size, p, 512);
    *min = *max = 0;
    for (int i = 0; i < n; i++) {
        *max += p[i].w;
        if (p[i].w > *min)
            *min = p[i].w;
    }
}

static int fake_lines(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    (void)ctx;
    piece p[512];
    int n = pieces(c->text, size, p, 512);
    if (n == 0)
        return 0;
    if (c->nowrap)
        return 1;
    int lines = 1;
    pb_fx cur = 0;
    for (int i = 0; i < n; i++) {
        if (cur > 0 && cur + p[i].w > width && !p[i].space) {
            lines++;
            cur = 0;
        }
        cur += p[i].w;
    }
    return lines;
}

static const pb_table_measurer M = {NULL, fake_extent, fake_lines, NULL, NULL, NULL};

/* ---- template builders ------------------------------------------------ */

static pb_header_node leaf(const char *text, int col)
{
    return (pb_header_node){.text = text, .col = col};
}

static pb_header_node node(const char *text, int n, const pb_header_node *kids)
{
    pb_header_node h = {.text = text, .nchildren = n};
    h.children = pb_arena_calloc(A, (size_t)n, sizeof *h.children);
    memcpy(h.children, kids, (size_t)n * sizeof *kids);
    return h;
}

static pb_header_node *header_list(int n, const pb_header_node *nodes)
{
    pb_header_node *h = pb_arena_calloc(A, (size_t)n, sizeof *h);
    memcpy(h, nodes, (size_t)n * sizeof *nodes);
    return h;
}

static pb_row_node data(const char *id, const char *label)
{
    return (pb_row_node){.kind = PB_ROW_DATA, .id = id, .label = label};
}

/* A data row with one value cell spanning `span` columns. */
static pb_row_node data_span(const char *id, const char *label, int span, int format)
{
    pb_row_node r = data(id, label);
    r.cells = pb_arena_calloc(A, 1, sizeof *r.cells);
    r.cells[0] = (pb_row_cell){.id = "v", .colspan = span, .format = format};
    r.ncells = 1;
    return r;
}

static pb_row_node group(const char *label, int n, const pb_row_node *kids)
{
    pb_row_node r = {.kind = PB_ROW_GROUP, .label = label, .nchildren = n};
    r.children = pb_arena_calloc(A, (size_t)n, sizeof *r.children);
    memcpy(r.children, kids, (size_t)n * sizeof *kids);
    return r;
}

static pb_row_node band(const char *text)
{
    return (pb_row_node){.kind = PB_ROW_BAND, .label = text};
}

/* Heading cells given as text, colspan pairs. */
static pb_row_node heading(int n, ...)
{
    pb_row_node r = {.kind = PB_ROW_HEADING, .ncells = n};
    r.cells = pb_arena_calloc(A, (size_t)n, sizeof *r.cells);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        r.cells[i].text = va_arg(ap, const char *);
        r.cells[i].colspan = va_arg(ap, int);
    }
    va_end(ap);
    return r;
}

static void header_paths(pb_header_node *h, int n, const char *prefix)
{
    for (int i = 0; i < n; i++) {
        h[i].path = pb_arena_printf(A, "%s[%d]", prefix, i);
        header_paths(h[i].children, h[i].nchildren,
                     pb_arena_printf(A, "%s.children", h[i].path));
    }
}

static void row_paths(pb_row_node *r, int n, const char *prefix)
{
    for (int i = 0; i < n; i++) {
        r[i].path = pb_arena_printf(A, "%s[%d]", prefix, i);
        row_paths(r[i].children, r[i].nchildren, pb_arena_printf(A, "%s.children", r[i].path));
        for (int k = 0; k < r[i].ncells; k++)
            r[i].cells[k].path = pb_arena_printf(A, "%s.cells[%d]", r[i].path, k);
    }
}

static pb_table_style style12(void)
{
    return (pb_table_style){
        .role = "fangsong",
        .size = 12 * PB_FX_ONE,
        .min_size = 9 * PB_FX_ONE,
        .pad_x = pb_fx_from_mm(1.5),
        .pad_y = pb_fx_from_mm(1),
        .outer_rule = PB_FX_ONE,
        .inner_rule = PB_FX_ONE / 2,
    };
}

static pb_table_template *template(const char *id, int ncols, int nlabel, int nheader,
                                   const pb_header_node *header, int nrows,
                                   const pb_row_node *rows)
{
    pb_table_template *t = pb_arena_calloc(A, 1, sizeof *t);
    t->id = id;
    t->path = pb_arena_printf(A, "tables.%s", id);
    t->source = "layout.json";
    t->ncolumns = ncols;
    t->nlabel_columns = nlabel;
    t->columns = pb_arena_calloc(A, (size_t)ncols, sizeof *t->columns);
    for (int c = 0; c < ncols; c++) {
        t->columns[c].id = pb_arena_printf(A, "c%d", c);
        t->columns[c].label = c < nlabel;
        t->columns[c].path = pb_arena_printf(A, "%s.columns[%d]", t->path, c);
    }
    if (nheader > 0) {
        t->header = header_list(nheader, header);
        t->nheader = nheader;
        header_paths(t->header, nheader, pb_arena_printf(A, "%s.header", t->path));
    }
    t->rows = pb_arena_calloc(A, (size_t)nrows, sizeof *t->rows);
    memcpy(t->rows, rows, (size_t)nrows * sizeof *rows);
    t->nrows = nrows;
    row_paths(t->rows, nrows, pb_arena_printf(A, "%s.rows", t->path));
    t->style = style12();
    return t;
}

/* Values for every slot: integers "1", "2", ... or the given text. */
static pb_value *make_values(const pb_table_template *t, const char *text, int *n)
{
    *n = pb_table_value_slots(t, NULL);
    pb_value_slot *slots = pb_arena_calloc(A, (size_t)*n + 1, sizeof *slots);
    pb_table_value_slots(t, slots);
    pb_value *v = pb_arena_calloc(A, (size_t)*n + 1, sizeof *v);
    for (int i = 0; i < *n; i++) {
        v[i].kind = PB_VALUE_INTEGER;
        v[i].has_number = true;
        v[i].text = text ? text : pb_arena_printf(A, "%d", i + 1);
        v[i].number = i + 1;
        v[i].path = pb_arena_printf(A, "body[3].values.%s.%s", slots[i].row->id,
                                    slots[i].cell_id ? slots[i].cell_id : "?");
    }
    return v;
}

/* ---- the official tables ------------------------------------------------ */

static pb_table_template *table_two(void)
{
    pb_row_node rows[] = {
        band("第二十条第（一）项"),
        heading(4, "信息内容", 1, "本年制发件数", 1, "本年废止件数", 1, "现行有效件数", 1),
        data("rules", "规章"),
        data("normative", "行政规范性文件"),
        band("第二十条第（五）项"),
        heading(2, "信息内容", 1, "本年处理决定数量", 3),
        data_span("license", "行政许可", 3, -1),
        band("第二十条第（六）项"),
        heading(2, "信息内容", 1, "本年处理决定数量", 3),
        data_span("penalty", "行政处罚", 3, -1),
        data_span("coercion", "行政强制", 3, -1),
        band("第二十条第（八）项"),
        heading(2, "信息内容", 1, "本年收费金额（单位：万元）", 3),
        data_span("fees", "行政事业性收费", 3, PB_FMT_DECIMAL),
    };
    return template("active", 4, 1, 0, NULL, (int)(sizeof rows / sizeof rows[0]), rows);
}

static const char *const T3_CORNER =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

static pb_table_template *table_three(void)
{
    pb_header_node legal[] = {leaf("商业企业", 4), leaf("科研机构", 5), leaf("社会公益组织", 6),
                              leaf("法律服务机构", 7), leaf("其他", 8)};
    pb_header_node applicant[] = {leaf("自然人", 3), node("法人或其他组织", 5, legal),
                                  leaf("总计", 9)};
    pb_header_node header[] = {node("申请人情况", 3, applicant)};
    pb_row_node withheld[] = {
        data("w1", "1.属于国家秘密"), data("w2", "2.其他法律行政法规禁止公开"),
        data("w3", "3.危及“三安全一稳定”"), data("w4", "4.保护第三方合法权益"),
        data("w5", "5.属于三类内部事务信息"), data("w6", "6.属于四类过程性信息"),
        data("w7", "7.属于行政执法案卷"), data("w8", "8.属于行政查询事项"),
    };
    pb_row_node unable[] = {
        data("u1", "1.本机关不掌握相关政府信息"), data("u2", "2.没有现成信息需要另行制作"),
        data("u3", "3.补正后申请内容仍不明确"),
    };
    pb_row_node unhandled[] = {
        data("n1", "1.信访举报投诉类申请"), data("n2", "2.重复申请"),
        data("n3", "3.要求提供公开出版物"), data("n4", "4.无正当理由大量反复申请"),
        data("n5", "5.要求行政机关确认或重新出具已获取信息"),
    };
    pb_row_node other[] = {
        data("o1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        data("o2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        data("o3", "3.其他"),
    };
    pb_row_node results[] = {
        data("open", "（一）予以公开"),
        data("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        group("（三）不予公开", 8, withheld),
        group("（四）无法提供", 3, unable),
        group("（五）不予处理", 5, unhandled),
        group("（六）其他处理", 3, other),
        data("total", "（七）总计"),
    };
    pb_row_node rows[] = {
        data("new", "一、本年新收政府信息公开申请数量"),
        data("carried", "二、上年结转政府信息公开申请数量"),
        group("三、本年度办理结果", 7, results),
        data("next", "四、结转下年度继续办理"),
    };
    pb_table_template *t = template("applications", 10, 3, 1, header, 4, rows);
    t->corner = T3_CORNER;
    return t;
}

static pb_table_template *table_four(void)
{
    pb_header_node review[5], direct[5], after[5];
    const char *names[5] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};
    for (int i = 0; i < 5; i++) {
        review[i] = leaf(names[i], i);
        direct[i] = leaf(names[i], 5 + i);
        after[i] = leaf(names[i], 10 + i);
    }
    pb_header_node suits[] = {node("未经复议直接起诉", 5, direct), node("复议后起诉", 5, after)};
    pb_header_node header[] = {node("行政复议", 5, review), node("行政诉讼", 2, suits)};
    pb_row_node rows[] = {data("counts", NULL)};
    return template("review", 15, 0, 2, header, 1, rows);
}

/* ---- grid checks ---------------------------------------------------- */

static const pb_table_cell *find(const pb_table_grid *g, const char *text, int nth)
{
    for (int i = 0; i < g->ncells; i++)
        if (strcmp(g->cells[i].text, text) == 0 && nth-- == 0)
            return &g->cells[i];
    return NULL;
}

static void expect_cell(const pb_table_grid *g, const char *text, int nth, pb_cell_kind kind,
                        int row, int col, int rowspan, int colspan)
{
    const pb_table_cell *c = find(g, text, nth);
    if (!CHECK(c != NULL, "cell \"%s\" #%d exists", text, nth))
        return;
    CHECK(c->kind == kind && c->row == row && c->col == col && c->rowspan == rowspan &&
              c->colspan == colspan,
          "cell \"%s\" #%d: kind %d at (%d,%d) span %dx%d, expected kind %d at (%d,%d) span %dx%d",
          text, nth, c->kind, c->row, c->col, c->rowspan, c->colspan, kind, row, col, rowspan,
          colspan);
}

/* owner[] covers every position exactly once, and agrees with the cells */
static void check_owner(const pb_table_grid *g, const char *name)
{
    int *seen = calloc((size_t)g->nrows * (size_t)g->ncols + 1, sizeof *seen);
    bool ok = true, sorted = true;
    for (int i = 0; i < g->ncells; i++) {
        const pb_table_cell *c = &g->cells[i];
        if (i > 0) {
            const pb_table_cell *p = &g->cells[i - 1];
            if (p->row > c->row || (p->row == c->row && p->col >= c->col))
                sorted = false;
        }
        for (int r = c->row; r < c->row + c->rowspan; r++)
            for (int k = c->col; k < c->col + c->colspan; k++) {
                if (r >= g->nrows || k >= g->ncols) {
                    ok = false;
                    continue;
                }
                seen[r * g->ncols + k]++;
                if (g->owner[r * g->ncols + k] != i)
                    ok = false;
            }
    }
    for (int i = 0; i < g->nrows * g->ncols; i++)
        if (seen[i] != 1)
            ok = false;
    free(seen);
    CHECK(ok, "%s: owner covers every grid position once", name);
    CHECK(sorted, "%s: cells row-major by top-left", name);
}

static void check_values(const pb_table_grid *g, int first_row, int nrows, int col0,
                         int ncols, const char *name)
{
    int bad = 0, n = 0;
    for (int r = first_row; r < first_row + nrows; r++)
        for (int k = col0; k < col0 + ncols; k++) {
            const pb_table_cell *c = &g->cells[g->owner[r * g->ncols + k]];
            n++;
            if (c->kind != PB_CELL_VALUE || c->row != r || c->col != k || c->rowspan != 1 ||
                c->colspan != 1 || !c->nowrap || c->align != PB_ALIGN_CENTER || c->slot < 0)
                bad++;
        }
    CHECK(bad == 0, "%s: %d of %d value cells misplaced", name, bad, n);
}

/* pb_table_rows_part gives the rows of every range of body rows what
 * pb_table_rows gives them, at other paddings too, with the header rows
 * copied or set at the padding. */
static void check_rows_part(const pb_table_grid *g, pb_table_geometry *geo, pb_fx pad,
                            const char *name)
{
    pb_fx *full = pb_xcalloc((size_t)g->nrows + 1, sizeof *full);
    pb_fx *part = pb_xcalloc((size_t)g->nrows + 1, sizeof *part);
    pb_fx *orig = pb_xcalloc((size_t)g->nrows + 1, sizeof *orig);
    memcpy(orig, geo->row_h, (size_t)g->nrows * sizeof *orig);
    int ranges = 0, wrong = 0;
    for (int k = 0; k < 3; k++) {
        pb_fx at = k == 0 ? pad / 2 : k == 1 ? pad : pad * 3 / 2;
        pb_table_rows(g, geo, at);
        memcpy(full, geo->row_h, (size_t)g->nrows * sizeof *full);
        memcpy(geo->row_h, orig, (size_t)g->nrows * sizeof *orig);
        for (int header = 0; header < 2; header++)
            for (int r0 = g->nheader; r0 < g->nrows; r0++)
                for (int r1 = r0 + 1; r1 <= g->nrows; r1++) {
                    for (int r = 0; r < g->nrows; r++)
                        part[r] = -1;
                    pb_table_rows_part(g, geo, at, r0, r1, header, part);
                    ranges++;
                    bool ok = true;
                    for (int r = 0; r < g->nheader; r++)
                        ok = ok && part[r] == (header ? full[r] : orig[r]);
                    for (int r = r0; r < r1; r++)
                        ok = ok && part[r] == full[r];
                    if (!ok && wrong++ < 3)
                        CHECK(false, "%s: pb_table_rows_part rows %d-%d (header %d) at %.2f pt",
                              name, r0, r1, header, pb_fx_to_pt(at));
                }
    }
    CHECK(ranges > 0 && wrong == 0, "%s: pb_table_rows_part agrees with pb_table_rows over %d "
          "ranges", name, ranges);
    free(full);
    free(part);
    free(orig);
}

static void test_table_two(void)
{
    pb_table_template *t = table_two();
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    CHECK(nv == 10, "table 二: 10 value slots, got %d", nv);
    v[9].kind = PB_VALUE_DECIMAL;
    v[9].text = "1944.0495";
    v[3].kind = PB_VALUE_BLANK;
    v[3].text = NULL;
    v[3].has_number = false;
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d), "table 二 builds")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    CHECK(g.nrows == 14 && g.ncols == 4 && g.nheader == 0, "table 二: 14x4, no header (%dx%d, %d)",
          g.nrows, g.ncols, g.nheader);
    check_owner(&g, "table 二");
    const char *bands[] = {"第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项",
                           "第二十条第（八）项"};
    int band_rows[] = {0, 4, 7, 11};
    for (int i = 0; i < 4; i++) {
        expect_cell(&g, bands[i], 0, PB_CELL_BAND, band_rows[i], 0, 1, 4);
        expect_cell(&g, "信息内容", i, PB_CELL_HEADING, band_rows[i] + 1, 0, 1, 1);
    }
    expect_cell(&g, "本年制发件数", 0, PB_CELL_HEADING, 1, 1, 1, 1);
    expect_cell(&g, "本年废止件数", 0, PB_CELL_HEADING, 1, 2, 1, 1);
    expect_cell(&g, "现行有效件数", 0, PB_CELL_HEADING, 1, 3, 1, 1);
    expect_cell(&g, "本年处理决定数量", 0, PB_CELL_HEADING, 5, 1, 1, 3);
    expect_cell(&g, "本年处理决定数量", 1, PB_CELL_HEADING, 8, 1, 1, 3);
    expect_cell(&g, "本年收费金额（单位：万元）", 0, PB_CELL_HEADING, 12, 1, 1, 3);
    expect_cell(&g, "规章", 0, PB_CELL_LABEL, 2, 0, 1, 1);
    expect_cell(&g, "行政规范性文件", 0, PB_CELL_LABEL, 3, 0, 1, 1);
    expect_cell(&g, "行政许可", 0, PB_CELL_LABEL, 6, 0, 1, 1);
    expect_cell(&g, "行政处罚", 0, PB_CELL_LABEL, 9, 0, 1, 1);
    expect_cell(&g, "行政强制", 0, PB_CELL_LABEL, 10, 0, 1, 1);
    expect_cell(&g, "行政事业性收费", 0, PB_CELL_LABEL, 13, 0, 1, 1);
    expect_cell(&g, "1", 0, PB_CELL_VALUE, 2, 1, 1, 1);
    expect_cell(&g, "3", 0, PB_CELL_VALUE, 2, 3, 1, 1);
    expect_cell(&g, "5", 0, PB_CELL_VALUE, 3, 2, 1, 1);
    expect_cell(&g, "7", 0, PB_CELL_VALUE, 6, 1, 1, 3); /* 行政许可 */
    expect_cell(&g, "8", 0, PB_CELL_VALUE, 9, 1, 1, 3);
    expect_cell(&g, "9", 0, PB_CELL_VALUE, 10, 1, 1, 3);
    expect_cell(&g, "1944.0495", 0, PB_CELL_VALUE, 13, 1, 1, 3);
    CHECK(g.ncells == 4 + 10 + 6 + 10, "table 二: 30 cells, got %d", g.ncells);

    /* the blank value prints empty, may wrap, and names the report path */
    const pb_table_cell *blank = &g.cells[g.owner[3 * 4 + 1]];
    CHECK(blank->kind == PB_CELL_VALUE && strcmp(blank->text, "") == 0 && !blank->nowrap &&
              blank->slot == 3,
          "table 二: the blank value is \"\" (\"%s\")", blank->text);
    const pb_table_cell *fee = find(&g, "1944.0495", 0);
    CHECK(fee && fee->nowrap && strcmp(fee->path, "body[3].values.fees.v") == 0 &&
              strcmp(fee->file, "layout.json") == 0,
          "table 二: value path and file");
    const pb_table_cell *b0 = find(&g, bands[0], 0);
    CHECK(b0 && b0->align == PB_ALIGN_LEFT && strcmp(b0->path, "tables.active.rows[0]") == 0,
          "table 二: band left, with its path");
    const pb_table_cell *h0 = find(&g, "本年制发件数", 0);
    CHECK(h0 && h0->align == PB_ALIGN_CENTER && strcmp(h0->path, "tables.active.rows[1].cells[1]") == 0,
          "table 二: heading centred, with its path");
    CHECK(strcmp(g.row_path[6], "tables.active.rows[6]") == 0, "table 二: row path");

    /* a page may not end after a band or a heading row */
    bool expect[14] = {false, false, false, true, true, false, false, true,
                       false, false, true, true, false, false};
    for (int r = 1; r < 14; r++)
        CHECK(pb_table_break_allowed(&g, r) == expect[r], "table 二: break before row %d %s", r,
              expect[r] ? "allowed" : "refused");

    pb_table_geometry geo;
    pb_fx tw = pb_fx_from_mm(156);
    if (CHECK(pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d), "table 二 solves")) {
        CHECK(geo.col_x[4] == tw && geo.width == tw, "table 二: width %d == %d", geo.col_x[4], tw);
        CHECK(geo.size == 12 * PB_FX_ONE, "table 二: 12 pt");
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);
}

static pb_table_grid three_grid(pb_table_template **tp, const char *value)
{
    pb_table_template *t = table_three();
    int nv;
    pb_value *v = make_values(t, value, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d), "table 三 builds"))
        pb_diag_print(&d, stdout);
    pb_diag_free(&d);
    *tp = t;
    return g;
}

static void test_table_three(void)
{
    pb_table_template *t;
    pb_table_grid g = three_grid(&t, NULL);
    if (!g.cells)
        return;
    CHECK(g.nrows == 28 && g.ncols == 10 && g.nheader == 3, "table 三: 28x10, 3 header rows");
    CHECK(g.ncells == 215, "table 三: 215 cells, got %d", g.ncells);
    check_owner(&g, "table 三");
    expect_cell(&g, T3_CORNER, 0, PB_CELL_CORNER, 0, 0, 3, 3);
    expect_cell(&g, "申请人情况", 0, PB_CELL_HEADER, 0, 3, 1, 7);
    expect_cell(&g, "自然人", 0, PB_CELL_HEADER, 1, 3, 2, 1);
    expect_cell(&g, "法人或其他组织", 0, PB_CELL_HEADER, 1, 4, 1, 5);
    expect_cell(&g, "总计", 0, PB_CELL_HEADER, 1, 9, 2, 1);
    const char *legal[] = {"商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"};
    for (int i = 0; i < 5; i++)
        expect_cell(&g, legal[i], 0, PB_CELL_HEADER, 2, 4 + i, 1, 1);
    expect_cell(&g, "一、本年新收政府信息公开申请数量", 0, PB_CELL_LABEL, 3, 0, 1, 3);
    expect_cell(&g, "二、上年结转政府信息公开申请数量", 0, PB_CELL_LABEL, 4, 0, 1, 3);
    expect_cell(&g, "三、本年度办理结果", 0, PB_CELL_GROUP, 5, 0, 22, 1);
    expect_cell(&g, "（一）予以公开", 0, PB_CELL_LABEL, 5, 1, 1, 2);
    expect_cell(&g, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 0, PB_CELL_LABEL,
                6, 1, 1, 2);
    expect_cell(&g, "（三）不予公开", 0, PB_CELL_GROUP, 7, 1, 8, 1);
    expect_cell(&g, "1.属于国家秘密", 0, PB_CELL_LABEL, 7, 2, 1, 1);
    expect_cell(&g, "8.属于行政查询事项", 0, PB_CELL_LABEL, 14, 2, 1, 1);
    expect_cell(&g, "（四）无法提供", 0, PB_CELL_GROUP, 15, 1, 3, 1);
    expect_cell(&g, "3.补正后申请内容仍不明确", 0, PB_CELL_LABEL, 17, 2, 1, 1);
    expect_cell(&g, "（五）不予处理", 0, PB_CELL_GROUP, 18, 1, 5, 1);
    expect_cell(&g, "5.要求行政机关确认或重新出具已获取信息", 0, PB_CELL_LABEL, 22, 2, 1, 1);
    expect_cell(&g, "（六）其他处理", 0, PB_CELL_GROUP, 23, 1, 3, 1);
    expect_cell(&g, "3.其他", 0, PB_CELL_LABEL, 25, 2, 1, 1);
    expect_cell(&g, "（七）总计", 0, PB_CELL_LABEL, 26, 1, 1, 2);
    expect_cell(&g, "四、结转下年度继续办理", 0, PB_CELL_LABEL, 27, 0, 1, 3);
    check_values(&g, 3, 25, 3, 7, "table 三");
    /* every body label cell: the row's depth column through column 2 */
    int nlabels = 0;
    for (int i = 0; i < g.ncells; i++) {
        const pb_table_cell *c = &g.cells[i];
        if (c->kind == PB_CELL_LABEL) {
            nlabels++;
            CHECK(c->col + c->colspan == 3 && c->rowspan == 1 && c->align == PB_ALIGN_LEFT,
                  "table 三: label \"%s\" reaches column 2", c->text);
        }
    }
    CHECK(nlabels == 25, "table 三: 25 data labels, got %d", nlabels);
    const pb_table_cell *corner = &g.cells[0];
    CHECK(corner->kind == PB_CELL_CORNER && corner->align == PB_ALIGN_CENTER &&
              strcmp(corner->path, "tables.applications.corner") == 0,
          "table 三: corner first, centred, with its path");
    const pb_table_cell *v = &g.cells[g.owner[27 * 10 + 9]];
    CHECK(strcmp(v->text, "175") == 0 && strcmp(v->path, "body[3].values.next.c9") == 0,
          "table 三: last value \"%s\" at %s", v->text, v->path);
    CHECK(strcmp(g.row_path[27], "tables.applications.rows[3]") == 0 &&
              strcmp(g.row_path[8], "tables.applications.rows[2].children[2].children[1]") == 0,
          "table 三: row paths");
    /* a page may break inside a group (its label is shown again) */
    CHECK(pb_table_break_allowed(&g, 8) && pb_table_break_allowed(&g, 15) &&
              !pb_table_break_allowed(&g, 3) && !pb_table_break_allowed(&g, 2),
          "table 三: breaks inside groups allowed, not in or right after the header");

    /* geometry at the GB/T 9704 text width */
    pb_diag d;
    pb_diag_init(&d);
    pb_table_geometry geo;
    pb_fx tw = pb_fx_from_mm(156);
    if (CHECK(pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d), "table 三 solves")) {
        CHECK(geo.col_x[10] == tw, "table 三: columns sum to the text width");
        bool mono = true;
        for (int c = 0; c < 10; c++)
            if (geo.col_x[c + 1] - geo.col_x[c] < t->style.size / 2 + 2 * t->style.pad_x)
                mono = false;
        CHECK(mono, "table 三: every column holds its widest piece");
        CHECK(geo.line_pitch == pb_fx_muldiv(geo.size, 5, 4), "table 三: pitch 1.25 x size");
        /* every row holds its single-row cells */
        bool tall = true;
        for (int i = 0; i < g.ncells; i++) {
            const pb_table_cell *c = &g.cells[i];
            pb_fx h = 0;
            for (int r = c->row; r < c->row + c->rowspan; r++)
                h += geo.row_h[r];
            int n = geo.lines[i] > 0 ? geo.lines[i] : 1;
            if (h < n * geo.line_pitch + 2 * t->style.pad_y)
                tall = false;
        }
        CHECK(tall, "table 三: every cell fits its rows");
        check_rows_part(&g, &geo, t->style.pad_y, "table 三");
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);

    /* fixed widths: 20 mm and 10% of the text width */
    t->columns[0].width = pb_fx_from_mm(20);
    t->columns[1].share = 100;
    pb_diag_init(&d);
    if (CHECK(pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d), "table 三 with fixed widths")) {
        CHECK(geo.col_x[1] == pb_fx_from_mm(20), "table 三: column 0 is 20 mm");
        CHECK(geo.col_x[2] - geo.col_x[1] == pb_fx_muldiv(tw, 100, 1000),
              "table 三: column 1 is 10%%");
        CHECK(geo.col_x[10] == tw, "table 三: still the text width");
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);
    t->columns[0].width = pb_fx_from_mm(100);
    t->columns[1].width = pb_fx_from_mm(60);
    pb_diag_init(&d);
    CHECK(!pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d) && d.status == PB_ERR_LAYOUT &&
              d.count == 1 && strstr(d.messages[0].text, "exceed the text width"),
          "table 三: fixed widths wider than the text block are an error");
    pb_diag_free(&d);
}

static void test_table_four(void)
{
    pb_table_template *t = table_four();
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d), "table 四 builds")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    CHECK(g.nrows == 4 && g.ncols == 15 && g.nheader == 3, "table 四: 4x15, 3 header rows");
    CHECK(g.ncells == 2 + 2 + 15 + 15, "table 四: 34 cells, got %d", g.ncells);
    check_owner(&g, "table 四");
    expect_cell(&g, "行政复议", 0, PB_CELL_HEADER, 0, 0, 1, 5);
    expect_cell(&g, "行政诉讼", 0, PB_CELL_HEADER, 0, 5, 1, 10);
    expect_cell(&g, "未经复议直接起诉", 0, PB_CELL_HEADER, 1, 5, 1, 5);
    expect_cell(&g, "复议后起诉", 0, PB_CELL_HEADER, 1, 10, 1, 5);
    const char *names[5] = {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"};
    for (int i = 0; i < 5; i++) {
        expect_cell(&g, names[i], 0, PB_CELL_HEADER, 1, i, 2, 1);
        expect_cell(&g, names[i], 1, PB_CELL_HEADER, 2, 5 + i, 1, 1);
        expect_cell(&g, names[i], 2, PB_CELL_HEADER, 2, 10 + i, 1, 1);
    }
    check_values(&g, 3, 1, 0, 15, "table 四");
    bool nocorner = true;
    for (int i = 0; i < g.ncells; i++)
        if (g.cells[i].kind == PB_CELL_CORNER || g.cells[i].kind == PB_CELL_LABEL)
            nocorner = false;
    CHECK(nocorner, "table 四: no corner, no labels");

    /* 15 x 10.4 mm is the text width, though each rounds up to 1/64 pt */
    for (int k = 0; k < 15; k++)
        t->columns[k].width = pb_fx_from_mm(10.4);
    pb_table_geometry gf;
    if (CHECK(pb_table_solve(&g, &t->style, pb_fx_from_mm(156), &M, A, &gf, &d),
              "table 四: 15 x 10.4 mm fits 156 mm")) {
        bool same = true;
        for (int k = 0; k < 15; k++)
            if (gf.col_x[k + 1] - gf.col_x[k] > pb_fx_from_mm(10.4) ||
                gf.col_x[k + 1] - gf.col_x[k] < pb_fx_from_mm(10.4) - 1)
                same = false;
        CHECK(same && gf.width == pb_fx_from_mm(156), "table 四: fixed widths kept, width exact");
    }
    pb_diag_print(&d, stdout);
    for (int k = 0; k < 15; k++)
        t->columns[k].width = 0;

    /* header_bold reaches the header cells only */
    t->style.header_bold = true;
    pb_table_grid gb;
    if (pb_table_grid_build(t, v, nv, A, &gb, &d)) {
        const pb_table_cell *h = find(&gb, "行政复议", 0), *val = find(&gb, "1", 0);
        CHECK(h && h->bold && val && !val->bold, "table 四: bold header, plain values");
    }
    t->style.header_bold = false;

    /* 15 numbers of 9 digits: 12 pt does not fit 750 pt, 10.5 pt does */
    for (int i = 0; i < nv; i++)
        v[i].text = "123456789";
    pb_table_grid g9;
    pb_table_geometry geo;
    t->style.pad_x = PB_FX_ONE;
    if (CHECK(pb_table_grid_build(t, v, nv, A, &g9, &d), "table 四 with 9 digits builds")) {
        pb_fx tw = 750 * PB_FX_ONE;
        if (CHECK(pb_table_solve(&g9, &t->style, tw, &M, A, &geo, &d), "table 四 at 750 pt")) {
            CHECK(geo.size == 21 * PB_FX_ONE / 2, "table 四: stepped down to 10.5 pt (%g)",
                  pb_fx_to_pt(geo.size));
            CHECK(geo.col_x[15] == tw, "table 四: width exact");
            bool fit = true;
            for (int k = 0; k < 15; k++)
                if (geo.col_x[k + 1] - geo.col_x[k] < 9 * geo.size / 2 + 2 * PB_FX_ONE)
                    fit = false;
            CHECK(fit, "table 四: every number fits its column");
            CHECK(geo.lines[g9.owner[3 * 15]] == 1, "table 四: a number is one line");
        }
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        pb_diag_init(&d);
        /* at the GB/T 9704 text width not even 9 pt fits */
        bool ok = pb_table_solve(&g9, &t->style, pb_fx_from_mm(156), &M, A, &geo, &d);
        CHECK(!ok && d.count == 1 && d.status == PB_ERR_INPUT, "table 四: too wide is an error");
        if (d.count == 1) {
            const char *want = "layout.json: body[3].values.counts.c";
            const char *msg = d.messages[0].text;
            CHECK(strncmp(msg, want, strlen(want)) == 0 &&
                      strstr(msg, ": cell does not fit in the table at the smallest size 9 pt: "
                                  "needs 15.0 mm, has 10.4 mm"),
                  "table 四: message \"%s\"", msg);
        }
    }
    pb_diag_free(&d);
}

/* ---- the shortest table -------------------------------------------------- */

/* The height of a grid set at given column widths with the fake measurer
 * (the solver's row rule: spans give what they lack to their last row). */
static pb_fx fake_height(const pb_table_grid *g, const pb_table_style *s, const pb_fx *w)
{
    pb_fx pitch = pb_fx_muldiv(s->size, 5, 4), row_h[64] = {0}, total = 0;
    for (int r = 0; r < g->nrows; r++)
        row_h[r] = pitch + 2 * s->pad_y;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < g->ncells; i++) {
            const pb_table_cell *c = &g->cells[i];
            if ((c->rowspan > 1) != (pass == 1))
                continue;
            pb_fx span = 0, have = 0;
            for (int k = c->col; k < c->col + c->colspan; k++)
                span += w[k];
            int n = fake_lines(NULL, c, s->size, span - 2 * s->pad_x);
            pb_fx h = (n > 1 ? n : 1) * pitch + 2 * s->pad_y;
            for (int r = c->row; r < c->row + c->rowspan; r++)
                have += row_h[r];
            if (h > have)
                row_h[c->row + c->rowspan - 1] += h - have;
        }
    for (int r = 0; r < g->nrows; r++)
        total += row_h[r];
    return total;
}

/* A poorly set text for the fake measurer: a last line of one CJK
 * character, of a text of more. */
static bool fake_poor(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    (void)ctx;
    piece p[512];
    int n = pieces(c->text, size, p, 512);
    if (c->nowrap || n < 2)
        return false;
    int last = 0;
    pb_fx cur = 0;
    for (int i = 0; i < n; i++) {
        if (cur > 0 && cur + p[i].w > width && !p[i].space) {
            last = 0;
            cur = 0;
        }
        cur += p[i].w;
        last++;
    }
    return last == 1;
}

static void test_shortest(void)
{
    /* a label column and two value columns under headers of 4 and 6
     * characters, 300 pt wide: the solver's height is the least any
     * widths on a 1-point grid give */
    pb_header_node hdr[] = {leaf("商业企业", 1), leaf("社会公益组织", 2)};
    pb_row_node rows[] = {
        data("a", "一、本年新收政府信息公开申请数量"),
        data("b", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        data("c", "1.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        data("d", "2.重复申请"),
    };
    pb_table_template *t = template("short", 3, 1, 2, hdr, 4, rows);
    t->style.size = 10 * PB_FX_ONE;
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    pb_table_geometry geo;
    pb_fx tw = 300 * PB_FX_ONE;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                   pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d),
               "short table solves")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    pb_fx got = 0;
    for (int r = 0; r < g.nrows; r++)
        got += geo.row_h[r];
    pb_fx best = INT32_MAX, w[3], pad2 = 2 * t->style.pad_x, em = t->style.size;
    for (w[1] = em + pad2; w[1] <= 6 * em + pad2; w[1] += PB_FX_ONE)
        for (w[2] = em + pad2; w[2] <= 6 * em + pad2; w[2] += PB_FX_ONE) {
            w[0] = tw - w[1] - w[2];
            pb_fx h = fake_height(&g, &t->style, w);
            if (h < best)
                best = h;
        }
    CHECK(got == best, "the solver finds the shortest table: %.2f pt (best %.2f pt)",
          pb_fx_to_pt(got), pb_fx_to_pt(best));
    CHECK(geo.col_x[3] == tw, "the widths fill the text width");
    /* what the height does not need goes to the label column: the value
     * columns are as wide as their headers need for that height */
    pb_fx v1 = geo.col_x[2] - geo.col_x[1], v2 = geo.col_x[3] - geo.col_x[2];
    CHECK(v1 <= 4 * em + pad2 && v2 <= 6 * em + pad2 && v1 >= 2 * em + pad2 && v2 >= 2 * em + pad2,
          "value columns %.1f and %.1f pt: only what their headers need", pb_fx_to_pt(v1),
          pb_fx_to_pt(v2));

    /* a header that would end with one character alone gets the width for
     * two, when the table has it */
    pb_header_node hdr2[] = {leaf("自然人", 1), leaf("其他", 2)};
    pb_row_node rows2[] = {data("a", "短"), data("b", "短标签")};
    t = template("poor", 3, 1, 2, hdr2, 2, rows2);
    t->style.size = 10 * PB_FX_ONE;
    v = make_values(t, NULL, &nv);
    pb_table_measurer mp = {NULL, fake_extent, fake_lines, fake_poor, NULL, NULL};
    if (CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                  pb_table_solve(&g, &t->style, 100 * PB_FX_ONE, &mp, A, &geo, &d),
              "a table with short headers solves")) {
        const pb_table_cell *h = find(&g, "自然人", 0);
        pb_fx hw = geo.col_x[2] - geo.col_x[1];
        CHECK(h && !fake_poor(NULL, h, t->style.size, hw - pad2),
              "\"自然人\" is not set with a lone last character (%.1f pt)", pb_fx_to_pt(hw));
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);

    /* the pieces a layout gives a label reach its cell */
    static const uint32_t at[] = {6, 15};
    pb_row_node rows3[] = {data("a", "三、本年度办理结果")};
    rows3[0].label_breaks = (pb_breaks){at, 2};
    pb_header_node hdr3[] = {leaf("数量", 1)};
    hdr3[0].text_breaks = (pb_breaks){at, 1};
    t = template("hints", 2, 1, 1, hdr3, 1, rows3);
    t->corner = "角";
    static const uint32_t corner_at[] = {0};
    t->corner_breaks = (pb_breaks){corner_at, 1};
    v = make_values(t, NULL, &nv);
    pb_diag_init(&d);
    if (CHECK(pb_table_grid_build(t, v, nv, A, &g, &d), "a table with label pieces builds")) {
        const pb_table_cell *l = find(&g, "三、本年度办理结果", 0), *h = find(&g, "数量", 0),
                            *k = find(&g, "角", 0);
        CHECK(l && l->breaks.n == 2 && l->breaks.at[0] == 6 && l->breaks.at[1] == 15,
              "a row label's pieces reach its cell");
        CHECK(h && h->breaks.n == 1 && k && k->breaks.n == 1,
              "header and corner pieces reach their cells");
    }
    pb_diag_free(&d);
}

/* Starting from a smaller size: the tables of a report share one. */
static void test_solve_at(void)
{
    pb_table_template *t = table_two();
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    pb_table_geometry geo;
    if (CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                  pb_table_solve_at(&g, &t->style, 21 * PB_FX_ONE / 2, pb_fx_from_mm(156), 0,
                                    &M, A, &geo, &d),
              "table 二 solves from 10.5 pt")) {
        CHECK(geo.size == 21 * PB_FX_ONE / 2, "table 二 at 10.5 pt (%g)", pb_fx_to_pt(geo.size));
        CHECK(pb_table_solve_at(&g, &t->style, 4 * PB_FX_ONE, pb_fx_from_mm(156), 0, &M, A,
                                &geo, &d) &&
                  geo.size == t->style.min_size,
              "never below the template's floor (%g)", pb_fx_to_pt(geo.size));
        CHECK(pb_table_solve_at(&g, &t->style, 30 * PB_FX_ONE, pb_fx_from_mm(156), 0, &M, A,
                                &geo, &d) &&
                  geo.size == t->style.size,
              "never above the template's size (%g)", pb_fx_to_pt(geo.size));
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);
}

/* A group cut by a page: each part of it shows the label again, and a
 * part too short for the label's text is made taller at its last row; the
 * rows take another padding on request. */
static void test_cut_label(void)
{
    pb_row_node kids[] = {data("a", "甲"), data("b", "乙"), data("c", "丙")};
    pb_row_node rows[] = {group("（四）无法提供的情形", 3, kids), data("d", "丁")};
    pb_table_template *t = template("cut", 3, 2, 0, NULL, 2, rows);
    t->columns[0].width = pb_fx_from_mm(10); /* the label: 3 characters a line */
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    pb_table_geometry geo;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                   pb_table_solve(&g, &t->style, pb_fx_from_mm(100), &M, A, &geo, &d),
               "a table with a group label solves")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    pb_diag_free(&d);
    const pb_table_cell *lab = find(&g, "（四）无法提供的情形", 0);
    int lines = lab ? geo.lines[lab - g.cells] : 0;
    pb_fx one = geo.line_pitch + 2 * t->style.pad_y, need = lines * geo.line_pitch +
                                                          2 * t->style.pad_y;
    CHECK(lines >= 3 && need > 2 * one, "the label needs %d lines, more than two rows", lines);
    /* the first two rows of the group on one page, the third on the next */
    pb_table_piece top, bottom;
    bool made = pb_table_piece_make(&g, &geo, &t->style, false, 0, 0, 2, -1, A, &top) &&
                pb_table_piece_make(&g, &geo, &t->style, false, 2, 0, 4, -1, A, &bottom);
    if (CHECK(made, "both pieces made")) {
        CHECK(top.height == need, "the upper part grows to hold the label (%.2f of %.2f pt)",
              pb_fx_to_pt(top.height), pb_fx_to_pt(need));
        CHECK(bottom.height == need + geo.row_h[3],
              "the lower part too: its part of the group holds the label, then row 丁");
        CHECK(pb_table_piece_height(&g, &geo, &t->style, false, 0, 0, 2, -1) == top.height &&
                  pb_table_piece_height(&g, &geo, &t->style, false, 2, 0, 4, -1) ==
                      bottom.height,
              "pb_table_piece_height agrees with the pieces");
        bool boxes = true;
        for (int b = 0; b < top.nboxes; b++)
            if (top.boxes[b].y + top.boxes[b].h > top.height)
                boxes = false;
        CHECK(boxes, "the grown rows' cells stay inside the piece");
    }
    /* whole, the group's rows already hold the label: nothing grows */
    pb_fx all = 0;
    for (int r = 0; r < g.nrows; r++)
        all += geo.row_h[r];
    CHECK(pb_table_piece_height(&g, &geo, &t->style, false, 0, 0, 4, -1) == all,
          "a whole table's piece is its rows' height");

    check_rows_part(&g, &geo, t->style.pad_y, "a group label taller than its rows");
    /* another padding: every one-line row changes by twice the difference */
    pb_fx before = geo.row_h[3];
    pb_table_rows(&g, &geo, t->style.pad_y / 2);
    CHECK(geo.row_h[3] == before - 2 * (t->style.pad_y - t->style.pad_y / 2),
          "pb_table_rows: a one-line row with half the padding (%d, was %d)", geo.row_h[3],
          before);
    pb_table_rows(&g, &geo, t->style.pad_y);
    CHECK(geo.row_h[3] == before, "pb_table_rows: back to the padding of the style");
}

/* ---- rows ------------------------------------------------------------- */

static void test_row_heights(void)
{
    /* label column fixed at 10 characters (+ padding), two value columns */
    pb_row_node kids[] = {data("a", "短"), data("b", "短")};
    pb_row_node rows[] = {
        data("short", "短标签"),
        data("long", "这是一个很长的标签需要三行才能放得下的文字内容"), /* 23 chars */
        group("分组标签的文字很长需要占用许多行才能放得下", 2, kids),
    };
    pb_table_template *t = template("heights", 4, 2, 0, NULL, 3, rows);
    pb_table_style *s = &t->style;
    s->pad_x = 0;
    s->pad_y = 2 * PB_FX_ONE;
    s->line_pitch = 18 * PB_FX_ONE;
    pb_fx em = s->size;
    t->columns[0].width = 4 * em;  /* the group label: 21 chars -> 6 lines */
    t->columns[1].width = 10 * em; /* data labels start in column 0: 14 em */
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    pb_table_geometry geo;
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                   pb_table_solve(&g, s, 40 * em, &M, A, &geo, &d),
               "heights table solves")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    pb_fx one = s->line_pitch + 2 * s->pad_y;
    const pb_table_cell *lab = find(&g, "这是一个很长的标签需要三行才能放得下的文字内容", 0);
    const pb_table_cell *grp = find(&g, "分组标签的文字很长需要占用许多行才能放得下", 0);
    CHECK(lab && lab->colspan == 2 && geo.lines[lab - g.cells] == 2,
          "a 23-character label in 14 em: 2 lines (%d)", lab ? geo.lines[lab - g.cells] : -1);
    CHECK(geo.row_h[0] == one, "one-line row: pitch + padding");
    CHECK(geo.row_h[1] == 2 * s->line_pitch + 2 * s->pad_y, "two-line row is taller");
    CHECK(grp && grp->rowspan == 2 && geo.lines[grp - g.cells] == 6,
          "group label: 6 lines in 4 em");
    CHECK(geo.row_h[2] == one, "the spanned group's first row keeps its height");
    CHECK(geo.row_h[3] == 6 * s->line_pitch + 2 * s->pad_y - one,
          "the group's last row takes what the label needs beyond its rows");
    CHECK(geo.width == 40 * em && geo.col_x[2] == 14 * em, "fixed labels, value columns share");

    /* narrower: the long label needs 3 lines */
    t->columns[1].width = 6 * em;
    if (CHECK(pb_table_solve(&g, s, 40 * em, &M, A, &geo, &d), "narrower label solves")) {
        CHECK(geo.lines[lab - g.cells] == 3 && geo.row_h[1] == 3 * s->line_pitch + 2 * s->pad_y,
              "a label wrapped to 3 lines makes its row 3 lines tall");

        /* the row split between its lines, as pages too short for it show it */
        pb_fx p = s->line_pitch, pad = s->pad_y;
        CHECK(pb_table_row_lines(&geo, s, 1) == 3 && pb_table_row_lines(&geo, s, 0) == 1,
              "row lines: 3 and 1");
        CHECK(pb_table_row_lines(&geo, s, 3) == 5 &&
                  pb_table_line_top(&geo, s, 3, 5) == geo.row_h[3] &&
                  pb_table_line_top(&geo, s, 3, 4) == pad + 4 * p,
              "the group's last row: 5 lines, the last one takes the rest");
        CHECK(pb_table_row_part(&geo, s, 1, 0, 3) == geo.row_h[1] &&
                  pb_table_row_part(&geo, s, 1, 0, 1) == p + 2 * pad &&
                  pb_table_row_part(&geo, s, 1, 1, 2) == p + 2 * pad &&
                  pb_table_row_part(&geo, s, 1, 1, 3) == 2 * p + 2 * pad,
              "a part of a row: its lines and the padding at both ends");
        int li = (int)(lab - g.cells);
        pb_table_piece q;
        const pb_table_box *lb = NULL;
        if (CHECK(pb_table_piece_make(&g, &geo, s, false, 0, 0, 2, 1, A, &q), "first part")) {
            for (int i = 0; i < q.nboxes; i++)
                if (q.boxes[i].cell == li)
                    lb = &q.boxes[i];
            CHECK(q.height == geo.row_h[0] + p + 2 * pad && lb && !lb->cut_top &&
                      lb->cut_bottom && lb->split && lb->l0 == 0 && lb->l1 == 1 &&
                      !q.boxes[0].cut_top && !q.boxes[0].cut_bottom && !q.boxes[0].split,
                  "first part: row 0 whole, the first line of row 1, cut below it");
        }
        lb = NULL;
        if (CHECK(pb_table_piece_make(&g, &geo, s, false, 1, 1, 2, 2, A, &q), "middle part")) {
            for (int i = 0; i < q.nboxes; i++)
                if (q.boxes[i].cell == li)
                    lb = &q.boxes[i];
            bool blank_empty = true;
            for (int i = 0; i < q.nboxes; i++)
                if (q.boxes[i].cell != li && q.boxes[i].l1 != q.boxes[i].l0)
                    blank_empty = false;
            CHECK(q.height == p + 2 * pad && lb && lb->cut_top && lb->cut_bottom &&
                      lb->l0 == 1 && lb->l1 == 2 && lb->h == q.height && blank_empty,
                  "middle part: line 2 of the label, cut at both ends; blanks show no line");
        }
        lb = NULL;
        if (CHECK(pb_table_piece_make(&g, &geo, s, false, 1, 2, 4, -1, A, &q), "last part")) {
            for (int i = 0; i < q.nboxes; i++)
                if (q.boxes[i].cell == li)
                    lb = &q.boxes[i];
            CHECK(q.height == p + 2 * pad + geo.row_h[2] + geo.row_h[3] && lb && lb->cut_top &&
                      !lb->cut_bottom && lb->l0 == 2 && lb->l1 == 3,
                  "last part: the label's last line, then the group whole");
            int top = 0, bottom = 0;
            for (int i = 0; i < q.nrules; i++) {
                const pb_rule *r = &q.rules[i];
                if (r->y0 == 0 && r->y1 == 0 && r->width == s->outer_rule)
                    top++;
                if (r->y0 == q.height && r->y1 == q.height && r->width == s->outer_rule)
                    bottom++;
            }
            CHECK(top == 1 && bottom == 1, "last part: heavy rule at the cut");
        }
        CHECK(!pb_table_piece_make(&g, &geo, s, false, 1, 3, 2, -1, A, &q) &&
                  !pb_table_piece_make(&g, &geo, s, false, 1, 2, 2, 2, A, &q),
              "a part outside the row's lines is refused");
    }
    pb_diag_print(&d, stdout);
    pb_diag_free(&d);
}

/* ---- a long table ------------------------------------------------------ */

static void test_piece(void)
{
    enum { GROUPS = 10, PER = 30 };
    pb_row_node groups[GROUPS];
    for (int gi = 0; gi < GROUPS; gi++) {
        pb_row_node kids[PER];
        for (int i = 0; i < PER; i++)
            kids[i] = data(pb_arena_printf(A, "r%d_%d", gi, i), pb_arena_printf(A, "第%d行", i + 1));
        groups[gi] = group(pb_arena_printf(A, "第%d组", gi + 1), PER, kids);
    }
    pb_header_node a[] = {leaf("甲一", 2), leaf("甲二", 3)}, b[] = {leaf("乙一", 4), leaf("乙二", 5)};
    pb_header_node header[] = {node("甲", 2, a), node("乙", 2, b)};
    pb_table_template *t = template("long", 6, 2, 2, header, GROUPS, groups);
    int nv;
    pb_value *v = make_values(t, NULL, &nv);
    pb_diag d;
    pb_diag_init(&d);
    pb_table_grid g;
    pb_table_geometry geo;
    pb_fx tw = pb_fx_from_mm(156);
    if (!CHECK(pb_table_grid_build(t, v, nv, A, &g, &d) &&
                   pb_table_solve(&g, &t->style, tw, &M, A, &geo, &d),
               "long table solves")) {
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        return;
    }
    pb_diag_free(&d);
    CHECK(g.nrows == 302 && g.nheader == 2, "long table: 302 rows");
    check_owner(&g, "long table");
    expect_cell(&g, "", 0, PB_CELL_CORNER, 0, 0, 2, 2);

    /* group 4 is grid rows 92..121; show rows 100..109 */
    int r0 = 100, r1 = 110;
    CHECK(pb_table_break_allowed(&g, r0) && pb_table_break_allowed(&g, r1),
          "long table: breaks inside a group allowed");
    pb_table_piece p;
    if (!CHECK(pb_table_piece_make(&g, &geo, &t->style, true, r0, 0, r1, -1, A, &p), "piece made"))
        return;
    pb_fx hh = geo.row_h[0] + geo.row_h[1], body = 0;
    for (int r = r0; r < r1; r++)
        body += geo.row_h[r];
    CHECK(p.width == tw && p.height == hh + body, "piece: %d x %d", p.width, p.height);
    /* corner + 甲 + 乙 + 4 leaves, then the group label, 10 labels, 40 values */
    CHECK(p.nboxes == 7 + 1 + 10 + 40, "piece: 58 boxes, got %d", p.nboxes);
    bool header_first = true;
    for (int i = 0; i < p.nboxes; i++) {
        bool in_header = g.cells[p.boxes[i].cell].row < 2;
        if (in_header != (i < 7) || (in_header && p.boxes[i].y + p.boxes[i].h > hh))
            header_first = false;
    }
    CHECK(header_first, "piece: header boxes first, inside the header");
    const pb_table_box *gb = NULL;
    for (int i = 0; i < p.nboxes; i++)
        if (strcmp(g.cells[p.boxes[i].cell].text, "第4组") == 0)
            gb = &p.boxes[i];
    if (CHECK(gb != NULL, "piece: the group label is shown")) {
        CHECK(gb->cut_top && gb->cut_bottom && gb->y == hh && gb->h == body && gb->x == 0 &&
                  gb->w == geo.col_x[1],
              "piece: group label clipped to the rows shown, cut at both ends");
        /* no rule crosses the inside of the group label */
        bool crossed = false;
        for (int i = 0; i < p.nrules; i++) {
            const pb_rule *r = &p.rules[i];
            if (r->y0 == r->y1 && r->y0 > gb->y && r->y0 < gb->y + gb->h &&
                (r->x0 < gb->x + gb->w && r->x1 > gb->x))
                crossed = true;
            if (r->x0 == r->x1 && r->x0 > gb->x && r->x0 < gb->x + gb->w &&
                (r->y0 < gb->y + gb->h && r->y1 > gb->y))
                crossed = true;
        }
        CHECK(!crossed, "piece: no rule crosses the merged group label");
    }
    int others = 0;
    for (int i = 0; i < p.nboxes; i++)
        if (p.boxes[i].cut_top || p.boxes[i].cut_bottom)
            others++;
    CHECK(others == 1, "piece: only the group label is cut");

    /* the border: outer weight on all four sides, each one rule */
    int top = 0, bottom = 0, left = 0, right = 0, inner_bad = 0, hrow = 0;
    for (int i = 0; i < p.nrules; i++) {
        const pb_rule *r = &p.rules[i];
        bool outer = r->width == t->style.outer_rule;
        if (r->y0 == 0 && r->y1 == 0 && r->x0 == 0 && r->x1 == tw && outer)
            top++;
        else if (r->y0 == p.height && r->y1 == p.height && r->x0 == 0 && r->x1 == tw && outer)
            bottom++;
        else if (r->x0 == 0 && r->x1 == 0 && r->y0 == 0 && r->y1 == p.height && outer)
            left++;
        else if (r->x0 == tw && r->x1 == tw && r->y0 == 0 && r->y1 == p.height && outer)
            right++;
        else if (r->width != t->style.inner_rule || r->x0 > r->x1 || r->y0 > r->y1)
            inner_bad++;
        /* the line below the first body row: one joined rule from the label */
        if (r->y0 == hh + geo.row_h[r0] && r->y1 == r->y0)
            hrow += r->x0 == geo.col_x[1] && r->x1 == tw ? 1 : 100;
    }
    CHECK(top == 1 && bottom == 1 && left == 1 && right == 1,
          "piece: heavy border at top, bottom (cut) and sides (%d %d %d %d)", top, bottom, left,
          right);
    CHECK(inner_bad == 0, "piece: every other rule is an inner rule");
    CHECK(hrow == 1, "piece: collinear segments joined into one rule (%d)", hrow);
    /* the vertical between 甲一 and 甲二 runs from below 甲 to the bottom in
       one rule, across the header/body line */
    int full = 0, nvert = 0;
    for (int i = 0; i < p.nrules; i++) {
        const pb_rule *r = &p.rules[i];
        if (r->x0 == geo.col_x[3] && r->x1 == r->x0) {
            nvert++;
            if (r->y0 == geo.row_h[0] && r->y1 == p.height)
                full++;
        }
    }
    CHECK(full == 1 && nvert == 1, "piece: the vertical between 甲一 and 甲二 is one rule");
    /* the header: 甲 spans 甲一 and 甲二, so no vertical at col 3 in row 0 */
    bool through = false;
    for (int i = 0; i < p.nrules; i++) {
        const pb_rule *r = &p.rules[i];
        if (r->x0 == geo.col_x[3] && r->x1 == r->x0 && r->y0 < geo.row_h[0])
            through = true;
    }
    CHECK(!through, "piece: no rule through the merged header cell");

    /* a continuation without header, and the last piece */
    pb_table_piece q;
    if (CHECK(pb_table_piece_make(&g, &geo, &t->style, false, 290, 0, 302, -1, A, &q), "last piece")) {
        CHECK(q.nboxes == 1 + 12 + 48 && q.boxes[0].cut_top && !q.boxes[0].cut_bottom &&
                  q.boxes[0].y == 0,
              "last piece: the group label first, cut at its top only");
    }
    CHECK(!pb_table_piece_make(&g, &geo, &t->style, true, 10, 0, 400, -1, A, &q),
          "a range outside the table is refused");
}

/* ---- cells set alike are measured once -------------------------------- */

typedef struct counting {
    const pb_table_grid *g;
    int extents, lines;
} counting;

static void count_extent(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx *min, pb_fx *max)
{
    ((counting *)ctx)->extents++;
    fake_extent(NULL, c, size, min, max);
}

static int count_lines(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    ((counting *)ctx)->lines++;
    return fake_lines(NULL, c, size, width);
}

/* The first cell with the same text and setting. */
static int same_text(void *ctx, const pb_table_cell *c)
{
    const pb_table_grid *g = ((counting *)ctx)->g;
    for (int i = 0; i < g->ncells; i++) {
        const pb_table_cell *o = &g->cells[i];
        if (!strcmp(o->text, c->text) && o->nowrap == c->nowrap && o->bold == c->bold &&
            o->align == c->align && o->breaks.n == 0 && c->breaks.n == 0)
            return i;
    }
    return (int)(c - g->cells);
}

static void test_alike(void)
{
    pb_table_template *t;
    pb_table_grid g = three_grid(&t, "0"); /* a report with nothing to report */
    if (!g.cells)
        return;
    pb_fx tw = pb_fx_from_mm(156);
    /* a size the numbers need a step down from, so sizes are tried too */
    for (int pass = 0; pass < 2; pass++) {
        pb_table_style st = t->style;
        if (pass == 1) {
            st.size = pb_fx_from_pt(80);
            st.min_size = pb_fx_from_pt(6);
        }
        counting each = {&g, 0, 0}, once = {&g, 0, 0};
        pb_table_measurer m1 = {&each, count_extent, count_lines, NULL, NULL, NULL};
        pb_table_measurer m2 = {&once, count_extent, count_lines, NULL, same_text, NULL};
        pb_table_geometry a, b;
        pb_diag d;
        pb_diag_init(&d);
        bool ok = CHECK(pb_table_solve(&g, &st, tw, &m1, A, &a, &d) &&
                            pb_table_solve(&g, &st, tw, &m2, A, &b, &d),
                        "alike cells (pass %d): both solve", pass);
        pb_diag_print(&d, stdout);
        pb_diag_free(&d);
        if (!ok)
            continue;
        CHECK(a.size == b.size && a.line_pitch == b.line_pitch &&
                  !memcmp(a.col_x, b.col_x, (size_t)(g.ncols + 1) * sizeof *a.col_x) &&
                  !memcmp(a.row_h, b.row_h, (size_t)g.nrows * sizeof *a.row_h) &&
                  !memcmp(a.lines, b.lines, (size_t)g.ncells * sizeof *a.lines),
              "alike cells (pass %d): the same geometry when measured once", pass);
        CHECK(pass == 0 || a.size < st.size, "alike cells: sizes were tried (%g pt)",
              pb_fx_to_pt(a.size));
        CHECK(once.extents < each.extents && once.lines < each.lines,
              "alike cells (pass %d): fewer measurements (%d/%d extents, %d/%d lines)", pass,
              once.extents, each.extents, once.lines, each.lines);
    }
}

/* lines_guess for the fake measurer: the lines counted greedily and the
 * widest line, or (counting.lie) a guess that is no help at all. */
typedef struct guessing {
    counting n;
    int lie;              /* 0: the widest line; 1: a third of the width;
                             2: the width itself */
    bool pairs;           /* from three characters wide on, the text is
                             broken only between pairs of pieces (like the
                             layout's pieces), so a count may grow there */
} guessing;

static int guess_lines(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width,
                       pb_fx *guess, pb_fx *split)
{
    guessing *gs = ctx;
    gs->n.lines++;
    piece p[512];
    int n = pieces(c->text, size, p, 512);
    *split = gs->pairs ? 3 * size : 0;
    if (gs->pairs && width >= *split) {
        int k = 0;
        for (int i = 0; i < n; i += 2, k++)
            p[k] = (piece){p[i].w + (i + 1 < n ? p[i + 1].w : 0), false};
        n = k;
    }
    int lines = n > 0 ? 1 : 0;
    pb_fx cur = 0, widest = 0;
    for (int i = 0; i < n && !c->nowrap; i++) {
        if (cur > 0 && cur + p[i].w > width && !p[i].space) {
            lines++;
            cur = 0;
        }
        cur += p[i].w;
        if (cur > widest)
            widest = cur;
    }
    *guess = gs->lie == 0 ? widest : gs->lie == 1 ? width / 3 : width;
    return lines;
}

static int count_lines_n(void *ctx, const pb_table_cell *c, pb_fx size, pb_fx width)
{
    pb_fx g, split;
    return guess_lines(ctx, c, size, width, &g, &split);
}

/* The solver's search of each cell's lines with the measurer's guesses
 * finds the same steps as halving alone, whatever the guesses, in fewer
 * measurements when they are good; also where the count may grow with
 * the width (at the split), where halving alone finds what it finds. */
static void test_guess(void)
{
    pb_table_template *t;
    pb_table_grid g = three_grid(&t, NULL);
    if (!g.cells)
        return;
    /* at a size the numbers need a step down from too */
    const pb_fx widths[] = {pb_fx_from_mm(156), pb_fx_from_mm(100)};
    for (int wi = 0; wi < 4; wi++) {
        bool pairs = wi >= 2;
        guessing plain = {{&g, 0, 0}, 0, pairs};
        pb_table_measurer m0 = {&plain, fake_extent, count_lines_n, NULL, NULL, NULL};
        pb_table_geometry a;
        pb_diag d;
        pb_diag_init(&d);
        if (!CHECK(pb_table_solve(&g, &t->style, widths[wi % 2], &m0, A, &a, &d),
                   "guesses: table 三 solves (%d)", wi)) {
            pb_diag_print(&d, stdout);
            pb_diag_free(&d);
            continue;
        }
        for (int lie = 0; lie < 3; lie++) {
            guessing gs = {{&g, 0, 0}, lie, pairs};
            pb_table_measurer m1 = {&gs, fake_extent, count_lines_n, NULL, NULL, guess_lines};
            pb_table_geometry b;
            bool ok = CHECK(pb_table_solve(&g, &t->style, widths[wi % 2], &m1, A, &b, &d),
                            "guesses (%d, %d): solves", wi, lie);
            CHECK(ok && a.size == b.size &&
                      !memcmp(a.col_x, b.col_x, (size_t)(g.ncols + 1) * sizeof *a.col_x) &&
                      !memcmp(a.row_h, b.row_h, (size_t)g.nrows * sizeof *a.row_h) &&
                      !memcmp(a.lines, b.lines, (size_t)g.ncells * sizeof *a.lines),
                  "guesses (%d, %d): the same geometry as halving alone", wi, lie);
            if (lie == 0)
                CHECK(gs.n.lines < plain.n.lines,
                      "guesses (%d): fewer measurements (%d, halving %d)", wi, gs.n.lines,
                      plain.n.lines);
        }
        pb_diag_free(&d);
    }
}

/* A kind of unit of the random texts below. */
typedef struct lb_kind {
    uint32_t cp;
    pb_fx w;
    uint8_t cls;
} lb_kind;

static uint32_t next_random(uint32_t *seed)
{
    return (*seed = *seed * 1103515245u + 12345u) >> 16;
}

/* A random text of `least` to least + spread - 1 units of these kinds, a
 * break allowed after two in three, a mandatory one after one in
 * `mandatory_one_in` of the others (0: none) and at the end; its length,
 * and its natural width in *total. */
static int random_text(uint32_t *seed, const lb_kind *kinds, int nkinds, int least, int spread,
                       uint32_t mandatory_one_in, pb_lb_unit *u, int64_t *total)
{
    int n = least + (int)(next_random(seed) % (uint32_t)spread);
    *total = 0;
    for (int i = 0; i < n; i++) {
        int k = (int)(next_random(seed) % (uint32_t)nkinds);
        u[i] = (pb_lb_unit){kinds[k].cp, kinds[k].w, 640, kinds[k].cls, PB_BRK_NONE};
        *total += u[i].width;
        uint32_t r = next_random(seed);
        if (r % 3)
            u[i].brk = PB_BRK_ALLOW;
        else if (mandatory_one_in && r % mandatory_one_in == 0)
            u[i].brk = PB_BRK_MANDATORY;
    }
    u[n - 1].brk = PB_BRK_MANDATORY;
    return n;
}

/* What the guesses rest on: pb_linebreak's line count never grows with
 * the measure, for text of every class, with and without push-in. */
static void test_greedy_breaker(void)
{
    static const lb_kind kinds[] = {
        {0x4E00, 640, PB_CC_HAN},   {0x4E8C, 640, PB_CC_HAN},  {0xFF0C, 640, PB_CC_STOP},
        {0x3002, 640, PB_CC_STOP},  {0xFF08, 640, PB_CC_OPEN}, {0xFF09, 640, PB_CC_CLOSE},
        {0x300A, 640, PB_CC_OPEN},  {'a', 300, PB_CC_LATIN},   {'1', 320, PB_CC_LATIN},
        {' ', 160, PB_CC_SPACE},    {0x2014, 1280, PB_CC_DASH},
    };
    const int nkinds = (int)(sizeof kinds / sizeof kinds[0]);
    uint32_t seed = 12345;
    int bad = 0, texts = 0;
    for (int t = 0; t < 300 && !bad; t++, texts++) {
        pb_lb_unit u[48];
        int64_t total;
        int n = random_text(&seed, kinds, nkinds, 4, 44, 0, u, &total);
        for (int push = 0; push < 2 && !bad; push++) {
            int prev = 1 << 30;
            for (pb_fx w = 300; w <= total + 640 && !bad; w += 7) {
                pb_lb_params lp = {.measure = w, .align = PB_ALIGN_LEFT, .compress_punct = true,
                                   .marks_whole = !push, .avoid_single_last = true};
                pb_lb_result res;
                pb_arena *ar = pb_arena_new();
                pb_linebreak(u, n, &lp, ar, &res);
                if (res.nlines > prev)
                    bad = CHECK(false, "text %d: %d lines at %d, %d just narrower", t,
                                res.nlines, w, prev) ? 0 : 1;
                prev = res.nlines;
                pb_arena_free(ar);
            }
        }
    }
    CHECK(!bad, "the line count never grows with the measure (%d texts)", texts);
}

/* What the measurer's memo of widths rests on: the lines pb_linebreak
 * sets at a measure are the lines it sets at every narrower measure down
 * to the widest of them as set (its natural width where that is less),
 * for text of every class whose units all take room (not one of no
 * width: see table_set.c), with and without push-in. */
static void test_breaks_hold_down(void)
{
    static const lb_kind kinds[] = {
        {0x4E00, 640, PB_CC_HAN},   {0x4E8C, 640, PB_CC_HAN},  {0xFF0C, 640, PB_CC_STOP},
        {0x3002, 640, PB_CC_STOP},  {0xFF08, 640, PB_CC_OPEN}, {0xFF09, 640, PB_CC_CLOSE},
        {0x300A, 640, PB_CC_OPEN},  {'a', 300, PB_CC_LATIN},   {'1', 320, PB_CC_LATIN},
        {' ', 160, PB_CC_SPACE},    {0x2014, 1280, PB_CC_DASH}, {0x3001, 640, PB_CC_STOP},
        {0x0301, 1, PB_CC_LATIN},   {0x3010, 640, PB_CC_OPEN}, {'W', 560, PB_CC_LATIN},
    };
    const int nkinds = (int)(sizeof kinds / sizeof kinds[0]);
    uint32_t seed = 4321;
    int bad = 0, texts = 0, checked = 0;
    for (int t = 0; t < 300 && !bad; t++, texts++) {
        pb_lb_unit u[48];
        int64_t total;
        int n = random_text(&seed, kinds, nkinds, 2, 46, 29, u, &total);
        for (int push = 0; push < 2 && !bad; push++) {
            for (pb_fx w = 300; w <= total + 640 && !bad; w += 41) {
                pb_lb_params lp = {.measure = w, .align = PB_ALIGN_LEFT, .compress_punct = true,
                                   .marks_whole = !push, .avoid_single_last = true};
                pb_lb_result res, low;
                pb_arena *ar = pb_arena_new();
                pb_linebreak(u, n, &lp, ar, &res);
                pb_fx widest = 0;
                for (int l = 0; l < res.nlines; l++) {
                    pb_fx lw = res.lines[l].width < res.lines[l].natural ? res.lines[l].width
                                                                         : res.lines[l].natural;
                    widest = lw > widest ? lw : widest;
                }
                /* a line wider than the measure (one unit too wide for
                 * it) holds at no narrower measure: the memo keeps none */
                if (widest <= w) {
                    for (pb_fx x = widest; x <= w && !bad; x += (w - widest) / 3 + 1) {
                        lp.measure = x;
                        pb_linebreak(u, n, &lp, ar, &low);
                        bool same = low.nlines == res.nlines;
                        for (int l = 0; same && l < res.nlines; l++)
                            same = low.lines[l].first == res.lines[l].first &&
                                   low.lines[l].count == res.lines[l].count;
                        if (!same)
                            bad = CHECK(false, "text %d, push-in %d: lines at %d differ from "
                                               "those at %d (widest %d)",
                                        t, push, x, w, widest)
                                      ? 0
                                      : 1;
                        checked++;
                    }
                }
                pb_arena_free(ar);
            }
        }
    }
    CHECK(!bad, "lines hold down to the widest as set (%d texts, %d measures)", texts, checked);
}

int main(void)
{
    A = pb_arena_new();
    test_alike();
    test_guess();
    test_greedy_breaker();
    test_breaks_hold_down();
    test_table_two();
    test_table_three();
    test_table_four();
    test_shortest();
    test_cut_label();
    test_solve_at();
    test_row_heights();
    test_piece();
    pb_arena_free(A);
    return test_summary();
}
