/* The PDF stage's number formatting (output/pdf_font.h: pdf_buf_int,
 * pdf_buf_dec): fixed cases, and a million random ones against a plain
 * digit-by-digit formatter. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output/pdf_font.h"
#include "../testutil.h"

static void expect_dec(long long num, long long den, int decimals, const char *want, int line)
{
    pdf_buf b = {0};
    pdf_buf_put(&b, "x", 1); /* appends */
    pdf_buf_dec(&b, num, den, decimals);
    CHECK_LINE(b.len == strlen(want) + 1 && memcmp(b.p + 1, want, b.len - 1) == 0, line,
               "%lld/%lld to %d places: \"%.*s\", want \"%s\"", num, den, decimals,
               (int)(b.len - 1), b.p + 1, want);
    free(b.p);
}

static void expect_int(long long v, const char *want, int line)
{
    pdf_buf b = {0};
    pdf_buf_int(&b, v);
    CHECK_LINE(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0, line,
               "%lld: \"%.*s\", want \"%s\"", v, (int)b.len, b.p, want);
    free(b.p);
}

/* The reference: num/den rounded half away from zero, digit by digit
 * (long division), trailing zeros and a lone point dropped, "-" only
 * before a number that is not zero. */
static void reference_dec(char *out, long long num, long long den, int decimals)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    int neg = num < 0;
    unsigned long long a = neg ? 0ULL - (unsigned long long)num : (unsigned long long)num;
    unsigned long long d = (unsigned long long)den;
    /* digits of a/d to decimals + 1 places, then rounded on the last */
    char dig[64];
    int n = 0;
    unsigned long long ip = a / d, r = a % d;
    for (int i = 0; i <= decimals; i++) {
        r *= 10;
        dig[n++] = (char)('0' + r / d);
        r %= d;
    }
    int up = dig[n - 1] >= '5';
    n--;
    for (int i = n - 1; up && i >= 0; i--) {
        if (dig[i] == '9') {
            dig[i] = '0';
        } else {
            dig[i]++;
            up = 0;
        }
    }
    if (up)
        ip++;
    while (n > 0 && dig[n - 1] == '0')
        n--;
    int zero = ip == 0 && n == 0;
    sprintf(out, "%s%llu", neg && !zero ? "-" : "", ip);
    if (n > 0)
        sprintf(out + strlen(out), ".%.*s", n, dig);
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(void)
{
    expect_int(0, "0", __LINE__);
    expect_int(7, "7", __LINE__);
    expect_int(-42, "-42", __LINE__);
    expect_int(1234567890123LL, "1234567890123", __LINE__);
    expect_int(LLONG_MAX, "9223372036854775807", __LINE__);
    expect_int(LLONG_MIN, "-9223372036854775808", __LINE__);

    expect_dec(800, 64, 6, "12.5", __LINE__);
    expect_dec(-192, 64, 6, "-3", __LINE__);
    expect_dec(1, 64, 6, "0.015625", __LINE__);
    expect_dec(-1, 64, 6, "-0.015625", __LINE__);
    expect_dec(0, 64, 6, "0", __LINE__);
    expect_dec(-1, 1000, 2, "0", __LINE__);    /* rounds to zero: no sign */
    expect_dec(-5, 1000, 2, "-0.01", __LINE__); /* half away from zero */
    expect_dec(5, 1000, 2, "0.01", __LINE__);
    expect_dec(12345, -100, 2, "-123.45", __LINE__);
    expect_dec(2, 3, 4, "0.6667", __LINE__);
    expect_dec(7, 1, 0, "7", __LINE__);
    expect_dec(15, 10, 0, "2", __LINE__);
    expect_dec(10001, 10000, 4, "1.0001", __LINE__);
    expect_dec(5, 100000, 4, "0.0001", __LINE__);
    expect_dec(123456789LL, 10000000000LL, 10, "0.0123456789", __LINE__);
    expect_dec(1, 3, 18, "0.333333333333333333", __LINE__);

    /* the dividends and divisors paiban writes: fx (den 64) at 6 places,
     * TJ adjustments (100) at 2, line widths (10000) at 4, reals at up
     * to 10; num x 10^decimals within 64 bits, as theirs are */
    static const struct { long long den; int decimals; long long range; } kinds[] = {
        {64, 6, 1LL << 40}, {100, 2, 1LL << 40}, {10000, 4, 1LL << 40},
        {10000000000LL, 10, 1LL << 29}, {7, 5, 1LL << 40}, {1, 0, 1LL << 62}};
    int bad = 0;
    for (int i = 0; i < 1000000; i++) {
        int k = i % (int)(sizeof kinds / sizeof kinds[0]);
        long long v = (long long)(next() % (uint64_t)kinds[k].range);
        if (i & 1)
            v = -v;
        if (i % 7 == 0)
            v %= 1000; /* small numbers, most of a page */
        char want[80];
        reference_dec(want, v, kinds[k].den, kinds[k].decimals);
        pdf_buf b = {0};
        pdf_buf_dec(&b, v, kinds[k].den, kinds[k].decimals);
        if (b.len != strlen(want) || memcmp(b.p, want, b.len) != 0) {
            if (bad++ < 5)
                CHECK(false, "%lld/%lld to %d places: \"%.*s\", want \"%s\"", v, kinds[k].den,
                      kinds[k].decimals, (int)b.len, b.p, want);
        }
        free(b.p);
    }
    CHECK(bad == 0, "%d random numbers formatted wrongly", bad);
    return test_summary();
}
