/* UTF-8 helpers.  Input text is validated once by the input stage; later
 * stages may assume well-formed UTF-8. */
#ifndef PB_UTF8_H
#define PB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[*i] (i < len) and advances *i.  Returns
 * 0xFFFD and advances one byte on malformed input. */
uint32_t pb_utf8_next(const char *s, size_t len, size_t *i);

/* Writes cp as UTF-8 into out (at least 4 bytes); returns the byte count. */
int pb_utf8_encode(uint32_t cp, char *out);

/* Offset of the first malformed byte, or -1 when s is valid UTF-8
 * (overlongs, surrogates and values above U+10FFFF are malformed). */
long pb_utf8_invalid_at(const char *s, size_t len);

/* s as UTF-16BE after a byte order mark, the form of a PDF text string
 * (characters above U+FFFF as surrogate pairs).  out holds at least
 * 2 + 2 * len bytes; returns how many were written. */
size_t pb_utf8_to_utf16be(const char *s, size_t len, unsigned char *out);

#endif
