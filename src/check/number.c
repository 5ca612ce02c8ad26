/* Numbers as reports write them in their text: "1234", "1,234",
 * "1944.0495", full-width digits "１２３", and Chinese numerals "十二",
 * "二十三", "一百零五", "两千", "三万四千五百" and digit by digit "二〇二一".
 * Exact: the value is a pb_dec, as the tables' values are. */
#include <string.h>

#include "check/check_internal.h"

/* The code point at s[*i] (UTF-8, already valid), advancing *i. */
static unsigned next_cp(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    unsigned cp;
    size_t n;
    if (u[0] < 0x80) {
        cp = u[0];
        n = 1;
    } else if ((u[0] & 0xE0) == 0xC0 && *i + 1 < len) {
        cp = (u[0] & 0x1Fu) << 6 | (u[1] & 0x3Fu);
        n = 2;
    } else if ((u[0] & 0xF0) == 0xE0 && *i + 2 < len) {
        cp = (u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu);
        n = 3;
    } else {
        cp = 0xFFFD; /* nothing a number has */
        n = 1;
        while (*i + n < len && (u[n] & 0xC0) == 0x80)
            n++;
    }
    *i += n;
    return cp;
}

/* 0-9 for ASCII and full-width digits, else -1 */
static int arabic(unsigned cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

static bool parse_arabic(const char *s, size_t len, pb_dec *out)
{
    size_t i = 0;
    int digits = 0, scale = -1, group = 0; /* group: digits since the last comma */
    bool commas = false;
    int64_t v = 0;
    while (i < len) {
        unsigned cp = next_cp(s, len, &i);
        int d = arabic(cp);
        if (d >= 0) {
            if (++digits > PB_DEC_MAX_SCALE)
                return false;
            v = v * 10 + d;
            group++;
            if (scale >= 0)
                scale++;
        } else if (cp == ',' && scale < 0 && group > 0 && (commas ? group == 3 : group <= 3)) {
            commas = true; /* "1,234": groups of three after the first */
            group = 0;
        } else if ((cp == '.' || cp == 0xFF0E) && scale < 0 && group > 0 &&
                   (!commas || group == 3)) {
            scale = 0;
        } else {
            return false;
        }
    }
    if (!digits || (commas && scale < 0 && group != 3) || scale == 0)
        return false;
    *out = (pb_dec){v, scale < 0 ? 0 : scale};
    return true;
}

/* 零 〇 一 … 九 (两 is 2): 0-9, else -1 */
static int chinese_digit(unsigned cp)
{
    static const unsigned d[] = {0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
    for (int k = 0; k < 10; k++)
        if (cp == d[k])
            return k;
    if (cp == 0x3007) /* 〇 */
        return 0;
    if (cp == 0x4E24) /* 两 */
        return 2;
    return -1;
}

/* 十 百 千 within a section; 万 亿 end one */
static int64_t chinese_unit(unsigned cp)
{
    switch (cp) {
    case 0x5341: return 10;          /* 十 */
    case 0x767E: return 100;         /* 百 */
    case 0x5343: return 1000;        /* 千 */
    case 0x4E07: return 10000;       /* 万 */
    case 0x4EBF: return 100000000;   /* 亿 */
    }
    return 0;
}

static bool parse_chinese(const char *s, size_t len, pb_dec *out)
{
    size_t i = 0;
    bool units = false;
    unsigned cps[64];
    int n = 0;
    while (i < len) {
        if (n == 64)
            return false;
        cps[n] = next_cp(s, len, &i);
        if (chinese_digit(cps[n]) < 0 && !chinese_unit(cps[n]))
            return false;
        units |= chinese_unit(cps[n]) != 0;
        n++;
    }
    if (!n)
        return false;
    int64_t v = 0;
    if (!units) {
        /* digit by digit: 二〇二一 */
        if (n > PB_DEC_MAX_SCALE)
            return false;
        for (int k = 0; k < n; k++)
            v = v * 10 + chinese_digit(cps[k]);
        *out = (pb_dec){v, 0};
        return true;
    }
    /* 三万四千零五十: sections of 千百十 closed by 万 or 亿, each unit
       smaller than the one before it in its section */
    int64_t total = 0, section = 0, big_last = 0, small_last = 0;
    int digit = -1;
    for (int k = 0; k < n; k++) {
        int d = chinese_digit(cps[k]);
        int64_t u = chinese_unit(cps[k]);
        if (d >= 0) {
            if (digit > 0 || (digit == 0 && d == 0))
                return false; /* two digits in a row */
            digit = d;
        } else if (u < 10000) {
            if (small_last && u >= small_last)
                return false;
            if (digit == 0)
                return false; /* 零十 */
            /* a leading 十 is 一十: 十二 */
            section += (digit < 0 ? 1 : digit) * u;
            small_last = u;
            digit = -1;
        } else {
            if (big_last && u >= big_last)
                return false;
            int64_t sec = section + (digit > 0 ? digit : 0);
            if (!sec)
                return false;
            if (__builtin_mul_overflow(sec, u, &sec) || __builtin_add_overflow(total, sec, &total))
                return false;
            section = 0;
            small_last = 0;
            big_last = u;
            digit = -1;
        }
    }
    total += section + (digit > 0 ? digit : 0);
    if (total > 999999999999999999LL)
        return false;
    *out = (pb_dec){total, 0};
    return true;
}

bool check_number(const char *s, size_t len, pb_dec *out)
{
    if (!len)
        return false;
    size_t i = 0;
    unsigned first = next_cp(s, len, &i);
    if (arabic(first) >= 0)
        return parse_arabic(s, len, out);
    return parse_chinese(s, len, out);
}
