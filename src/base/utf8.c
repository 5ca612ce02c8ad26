#include "base/utf8.h"

static int seq_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    if (c >= 0xF0 && c <= 0xF4) return 4;
    return 0;
}

/* Decodes one sequence strictly; returns its length or 0 if malformed. */
static int decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    int n = seq_len(s[0]);
    if (n == 0 || (size_t)n > avail)
        return 0;
    if (n == 1) {
        *cp = s[0];
        return 1;
    }
    uint32_t c = s[0] & (0x7F >> n);
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

uint32_t pb_utf8_next_strict(const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    int n = decode((const unsigned char *)s + *i, len - *i, &cp);
    if (n == 0) {
        (*i)++;
        return 0xFFFD;
    }
    *i += (size_t)n;
    return cp;
}

int pb_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

long pb_utf8_invalid_at(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n = decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            return (long)i;
        i += (size_t)n;
    }
    return -1;
}

size_t pb_utf8_to_utf16be(const char *s, size_t len, unsigned char *out)
{
    size_t n = 0;
    out[n++] = 0xFE;
    out[n++] = 0xFF;
    for (size_t i = 0; i < len;) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint32_t hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
            out[n++] = (unsigned char)(hi >> 8);
            out[n++] = (unsigned char)hi;
            out[n++] = (unsigned char)(lo >> 8);
            out[n++] = (unsigned char)lo;
        } else {
            out[n++] = (unsigned char)(cp >> 8);
            out[n++] = (unsigned char)cp;
        }
    }
    return n;
}
