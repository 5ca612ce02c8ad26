/* Fuzz target for layouts: any bytes as a layout file.  The layout is
 * read with everything it pulls in ("extends", the font catalog), and a
 * layout that is valid is used to render a fixed report to a PDF in
 * memory, so page geometry, grids, styles and fonts from hostile layouts
 * go through the whole pipeline. */
#include <stdint.h>
#include <unistd.h>

#include "fuzz_common.h"

/* Text, every heading level, a page break, a signature and an inline
 * table with merged header and row labels. */
static const char report[] =
    "{\"meta\": {\"title\": \"报告\", \"date\": \"2022-01-20\"}, \"body\": ["
    "{\"type\": \"title\", \"text\": [\"某某局2021年\", \"政府信息公开工作年度报告\"]},"
    "{\"type\": \"heading\", \"level\": 1, \"text\": \"一、总体情况\"},"
    "{\"type\": \"heading\", \"level\": 2, \"text\": \"（一）主动公开\"},"
    "{\"type\": \"heading\", \"level\": 3, \"text\": \"1.平台\"},"
    "{\"type\": \"heading\", \"level\": 4, \"text\": \"（1）栏目\"},"
    "{\"type\": \"paragraph\", \"text\": [\"“三公”经费、财政预算等信息均已公开，共**1,234**条；"
    "网址http://www.example.gov.cn/index.html，金额1944.0495万元——均已按期答复……\","
    " {\"text\": \"（二）依申请公开。\", \"style\": \"heading2\"}, \"𠮷野\"]},"
    "{\"type\": \"page_break\"},"
    "{\"type\": \"table\", \"caption\": \"表一\", \"template\": {"
    "\"columns\": [{\"id\": \"l1\", \"label\": true}, {\"id\": \"l2\", \"label\": true},"
    " {\"id\": \"a\"}, {\"id\": \"b\", \"format\": \"decimal\"}, {\"id\": \"c\", \"format\": \"text\"}],"
    "\"corner\": \"项目\","
    "\"header\": [{\"text\": \"数量\", \"children\": [{\"text\": \"件数\", \"column\": \"a\"},"
    " {\"text\": \"金额\", \"column\": \"b\"}]}, {\"text\": \"备注\", \"column\": \"c\"}],"
    "\"rows\": [{\"id\": \"g\", \"label\": \"一、本年新收\", \"children\": ["
    "{\"id\": \"r1\", \"label\": \"（一）予以公开\"}, {\"id\": \"r2\", \"label\": \"（二）不予公开\"}]},"
    " {\"band\": \"其他\"}, {\"id\": \"r3\", \"label\": \"二、合计\"}]},"
    "\"values\": {\"r1\": [1, \"1944.0500\", \"说明文字较长需要换行的备注内容\"],"
    " \"r2\": [2, 0.5, null], \"r3\": {\"a\": 3}}},"
    "{\"type\": \"signature\", \"lines\": [\"某某局\", \"2022年1月20日\"]}]}";

static char dir[64] = "/tmp/paiban-fuzz-XXXXXX";
static char layout_path[96], report_name[96];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cleanup(void)
{
    unlink(layout_path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        fuzz_fail("cannot make a temporary folder", NULL);
    snprintf(layout_path, sizeof layout_path, "%s/layout.json", dir);
    snprintf(report_name, sizeof report_name, "%s/report.json", dir);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(layout_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        fuzz_fail("cannot write the layout file", NULL);
    /* a new engine each time: an engine keeps the layouts it has read */
    pb_engine *e = fuzz_engine();
    pb_diag d;
    pb_diag_init(&d);
    unsigned char *pdf = NULL;
    size_t len = 0;
    pb_job job = {.report_path = report_name, .report_bytes = report,
                  .report_len = sizeof report - 1, .layout_ref = layout_path,
                  .pdf = &pdf, .pdf_len = &len};
    pb_status st = pb_engine_render(e, &job, &d);
    fuzz_check_diag(&d, st);
    if (st == PB_OK && (!pdf || len < 16 || memcmp(pdf, "%PDF-", 5) != 0))
        fuzz_fail("success without a PDF", &d);
    if (st != PB_OK && pdf)
        fuzz_fail("a PDF was handed back by a failed run", &d);
    free(pdf);
    pb_diag_free(&d);
    pb_engine_free(e);
    return 0;
}
