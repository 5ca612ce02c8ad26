/* The text of the font fuzz target's report, shared with the tool that
 * makes its seeds (font_seeds.c), so the seed fonts have its characters. */
#ifndef PB_FUZZ_FONT_H
#define PB_FUZZ_FONT_H

/* title, heading, body text, the page number's dashes */
#define FUZZ_FONT_HAN "政府信息公开年度报告一、总体情况本年主动条。，（）—"
#define FUZZ_FONT_LATIN "ABCxyz 0123456789,.-"
/* Uyghur: "ئۇيغۇر تىلى" (the Uyghur language) */
#define FUZZ_FONT_ARABIC "ئۇيغۇرتىل ،"

#endif
