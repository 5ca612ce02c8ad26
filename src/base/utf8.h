/* UTF-8 helpers.  Input text is validated once by the input stage; later
 * stages may assume well-formed UTF-8. */
#ifndef PB_UTF8_H
#define PB_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[*i] (i < len) and advances *i.  Returns
 * 0xFFFD and advances one byte on malformed input.  Every sequence goes
 * through the strict decoder (overlongs, surrogates, values past
 * U+10FFFF and cut sequences are malformed). */
uint32_t pb_utf8_next_strict(const char *s, size_t len, size_t *i);

/* The same answer as pb_utf8_next_strict, with ASCII and the well-formed
 * three-byte sequences (all of CJK) decoded inline: shaping, itemizing and
 * line breaking call it for every character. */
static inline uint32_t pb_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    if (p[0] < 0x80) {
        (*i)++;
        return p[0];
    }
    if ((p[0] & 0xF0) == 0xE0 && len - *i >= 3 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
        uint32_t cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
                      (uint32_t)(p[2] & 0x3F);
        /* not overlong, not a surrogate */
        if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
            *i += 3;
            return cp;
        }
    }
    return pb_utf8_next_strict(s, len, i);
}

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
