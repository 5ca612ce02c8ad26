/* Text helpers of the import stage: building texts with their bold flags,
 * cleaning what copies of documents carry (spaces a PDF puts between
 * Chinese and digits, invisible characters), heading numbering
 * (一、（一）1.（1）) and the tolerant comparison of table labels. */
#ifndef PB_IMPORT_TEXT_H
#define PB_IMPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "import/import.h"

/* A growable text with bold flags (malloc'ed until finished). */
typedef struct tbuf {
    char *s;
    unsigned char *bold;
    size_t len, cap;
} tbuf;

void tbuf_put(tbuf *b, const char *s, size_t n, bool bold);
void tbuf_putc(tbuf *b, uint32_t cp, bool bold);
/* Copies the text into the arena and empties b (which may be reused). */
im_text tbuf_finish(tbuf *b, pb_arena *a);
void tbuf_free(tbuf *b);

im_text im_text_make(pb_arena *a, const char *s, size_t len, bool bold);
/* bytes [from, to) of t, sharing its storage (not NUL-terminated: use len). */
im_text im_text_slice(pb_arena *a, im_text t, size_t from, size_t to);
/* A NUL-terminated copy of bytes [from, to). */
char *im_text_str(pb_arena *a, im_text t, size_t from, size_t to);

/* Chinese characters and full-width punctuation: spaces next to them are
 * not part of the text (a PDF copy puts them between Chinese and digits,
 * "2021 年"). */
bool im_is_cjk(uint32_t cp);
/* Spaces of any width, tabs and line breaks. */
bool im_is_space(uint32_t cp);
/* Characters a report may not hold (README "What may be in a text"):
 * control, zero-width and bidi characters. */
bool im_is_invisible(uint32_t cp);

/* Cleans a paragraph: line breaks and tabs become spaces, invisible
 * characters are removed (counted in *removed), runs of spaces become
 * one, spaces next to Chinese characters or punctuation and at either end
 * are removed. */
im_text im_clean(pb_arena *a, im_text t, int *removed);

/* im_clean with a warning at `where` (a position in file) that names how
 * many invisible characters were removed: nothing is dropped silently. */
im_text im_clean_warned(pb_arena *a, im_text t, pb_diag *diag, const char *file,
                        const char *where);

/* Display width in half-width units: Chinese 2, ASCII 1. */
int im_width(const char *s, size_t len);
/* Number of characters. */
size_t im_chars(const char *s, size_t len);

/* Heading numbering at the start of s: 一、 → 1, （一） → 2, 1. → 3,
 * （1） → 4, 第一部分 / 第一章 → 1.  Returns the bytes it takes (with the
 * spaces after it), 0 when s does not start with one; *level and *value
 * (the number) are set. */
size_t im_numbering(const char *s, size_t len, int *level, int *value);

/* The numbering written as GB/T 9704 writes it: "（一）", "1.", full-width
 * brackets, no spaces.  NULL when level is not 2-4 style. */
const char *im_numbering_canonical(pb_arena *a, int level, const char *s, size_t n);

/* A label reduced for comparison: full-width forms to ASCII, brackets and
 * quotes unified or dropped, spaces and line breaks removed, the heading
 * numbering taken off (returned in *level and *value, 0 when none). */
char *im_label_key(pb_arena *a, const char *s, size_t len, int *level, int *value);

/* Similarity of two label keys, 0..1: twice their longest common
 * subsequence over their lengths (so small wording differences and a
 * missing word keep most of it). */
double im_similarity(const char *a, const char *b);

/* How much of `part` is in `whole`, 0..1: a piece of a heading that a
 * copy broke over two lines ("商业" of "商业企业"). */
double im_containment(const char *part, const char *whole);

/* Similarity of two labels with their numberings: a differing number
 * weighs against, a missing one a little. */
double im_label_similarity(const char *a, int alevel, int avalue, const char *b, int blevel,
                           int bvalue);

/* Ends with 。！？ (possibly followed by a closing quote or bracket). */
bool im_ends_sentence(const char *s, size_t len);

/* Table cells.  A number as written in a cell: "3", "2,483", "１２",
 * "1944.0495", or a number with a bracketed note "22（其中修订16件）". */
bool im_number_like(const char *s);
/* "—", "-", "/", "无": written in a cell for nothing. */
bool im_placeholder(const char *s);
/* The digits of a number with full-width digits and thousands separators
 * normalized ("2,483" -> "2483"); NULL if s is not such a number. */
char *im_plain_number(pb_arena *a, const char *s, bool allow_point, bool allow_minus);
/* Leading zeros off, in place ("007" -> "7", keeping "0" and "0.5"). */
char *im_strip_zeros(char *s);
/* ASCII digits (at most 15), then a bracketed note to the end, as the
 * report's integer cells take it. */
bool im_noted_integer(const char *s);

#endif
