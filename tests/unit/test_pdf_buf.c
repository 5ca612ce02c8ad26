/* The PDF stage's number formatting (output/pdf_font.h: pdf_buf_int,
 * pdf_buf_dec): fixed cases, and a million random ones against a plain
 * digit-by-digit formatter; its object tokens (output/pdf_pack.h:
 * pdf_obj_*): fixed cases, and random strings and names against a plain
 * character-by-character writer; the file identifier (output/pdf_parts.h:
 * pdf_archive_set_id) against the hash written out here. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output/pdf_font.h"
#include "output/pdf_pack.h"
#include "output/pdf_parts.h"
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

/* The reference token writers: a character at a time, by ISO 32000-1
 * 7.3.4.2 (literal strings: \\ before ( ) \\, octal escapes for the rest
 * outside printable ASCII; hex strings when that takes fewer bytes) and
 * 7.3.5 (names: # and two hex digits for what is not a regular printable
 * character). */
static void reference_string(pdf_buf *b, const unsigned char *s, size_t len)
{
    size_t escaped = 0;
    for (size_t i = 0; i < len; i++)
        escaped += s[i] < 0x20 || s[i] > 0x7E;
    char t[8];
    if (len + 3 * escaped > 2 * len) {
        pdf_buf_put(b, "<", 1);
        for (size_t i = 0; i < len; i++) {
            snprintf(t, sizeof t, "%02X", s[i]);
            pdf_buf_put(b, t, 2);
        }
        pdf_buf_put(b, ">", 1);
        return;
    }
    pdf_buf_put(b, "(", 1);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '(' || s[i] == ')' || s[i] == '\\')
            snprintf(t, sizeof t, "\\%c", s[i]);
        else if (s[i] < 0x20 || s[i] > 0x7E)
            snprintf(t, sizeof t, "\\%03o", s[i]);
        else
            snprintf(t, sizeof t, "%c", s[i]);
        pdf_buf_put(b, t, strlen(t));
    }
    pdf_buf_put(b, ")", 1);
}

static void reference_name(pdf_buf *b, const char *name)
{
    pdf_buf_put(b, "/", 1);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        char t[4];
        if (*p < 0x21 || *p > 0x7E || strchr("#()<>[]{}/%", *p))
            snprintf(t, sizeof t, "#%02X", *p);
        else
            snprintf(t, sizeof t, "%c", *p);
        pdf_buf_put(b, t, strlen(t));
    }
}

static bool same(const pdf_buf *a, const pdf_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static void expect_tokens(const pdf_buf *b, const char *want, int line)
{
    CHECK_LINE(b->len == strlen(want) && memcmp(b->p, want, b->len) == 0, line,
               "tokens \"%.*s\", want \"%s\"", (int)b->len, b->p, want);
}

/* The file identifier's hash: MurmurHash3 x64's body and finalizer over
 * 16-byte blocks read little-endian, the last block zero-padded, the
 * length mixed into both halves; the two halves big-endian. */
static uint64_t ref_rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t ref_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t ref_fmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static void reference_id(const unsigned char *p, size_t len, char hex[33])
{
    const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    uint64_t h1 = 0x9E3779B97F4A7C15ULL, h2 = 0xC2B2AE3D27D4EB4FULL;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        h1 ^= ref_rotl(ref_le64(p + i) * c1, 31) * c2;
        h1 = (ref_rotl(h1, 27) + h2) * 5 + 0x52dce729;
        h2 ^= ref_rotl(ref_le64(p + i + 8) * c2, 33) * c1;
        h2 = (ref_rotl(h2, 31) + h1) * 5 + 0x38495ab5;
    }
    unsigned char tail[16] = {0};
    memcpy(tail, p + i, len - i);
    h1 ^= ref_rotl(ref_le64(tail) * c1, 31) * c2;
    h2 ^= ref_rotl(ref_le64(tail + 8) * c2, 33) * c1;
    h1 ^= (uint64_t)len;
    h2 ^= (uint64_t)len;
    h1 += h2;
    h2 += h1;
    h1 = ref_fmix(h1);
    h2 = ref_fmix(h2);
    h1 += h2;
    h2 += h1;
    snprintf(hex, 33, "%016llX%016llX", (unsigned long long)h1, (unsigned long long)h2);
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

    /* tokens: a space only between two regular characters */
    pdf_buf t = {0};
    pdf_obj_raw(&t, "<<");
    pdf_obj_name(&t, "Type");
    pdf_obj_name(&t, "StructElem");
    pdf_obj_name(&t, "K");
    pdf_obj_int(&t, 12);
    pdf_obj_name(&t, "P");
    pdf_obj_ref(&t, 7);
    pdf_obj_name(&t, "Alt");
    pdf_obj_string(&t, (const unsigned char *)"a (b) \\c", 8);
    pdf_obj_name(&t, "N a#m/e");
    pdf_obj_raw(&t, "[");
    pdf_obj_ref(&t, 3);
    pdf_obj_ref(&t, 40);
    pdf_obj_int(&t, -1);
    pdf_obj_string(&t, (const unsigned char *)"\xFE\xFF\x4E\x2D", 4);
    pdf_obj_raw(&t, "]>>");
    expect_tokens(&t, "<</Type/StructElem/K 12/P 7 0 R/Alt(a \\(b\\) \\\\c)/N#20a#23m#2Fe"
                      "[3 0 R 40 0 R -1<FEFF4E2D>]>>", __LINE__);
    free(t.p);

    /* random strings and names, most characters plain, some not: runs of
       every length between the escapes */
    int bad_tokens = 0;
    for (int i = 0; i < 20000; i++) {
        unsigned char str[300];
        size_t len = next() % (i % 10 == 0 ? 300 : 40);
        int odd = (int)(next() % 4); /* 0: any byte; else mostly printable */
        for (size_t k = 0; k < len; k++) {
            uint64_t r = next();
            str[k] = odd == 0 || r % 16 == 0 ? (unsigned char)(r >> 8) : (unsigned char)(0x20 + (r >> 8) % 95);
        }
        pdf_buf got = {0}, want = {0};
        pdf_obj_string(&got, str, len);
        reference_string(&want, str, len);
        if (!same(&got, &want) && bad_tokens++ < 5)
            CHECK(false, "string %d (%zu bytes): \"%.*s\", want \"%.*s\"", i, len,
                  (int)got.len, got.p, (int)want.len, want.p);
        free(got.p);
        free(want.p);
        /* a name: no NUL inside */
        char name[300];
        for (size_t k = 0; k < len; k++)
            name[k] = str[k] ? (char)str[k] : 'x';
        name[len] = 0;
        got = (pdf_buf){0};
        want = (pdf_buf){0};
        pdf_obj_name(&got, name);
        reference_name(&want, name);
        if (!same(&got, &want) && bad_tokens++ < 5)
            CHECK(false, "name %d: \"%.*s\", want \"%.*s\"", i, (int)got.len, got.p,
                  (int)want.len, want.p);
        free(got.p);
        free(want.p);
    }
    CHECK(bad_tokens == 0, "%d random strings and names written wrongly", bad_tokens);

    /* the file identifier: both strings of the trailer's /ID hold the hash
       of the file as it is with them zero, whatever its length */
    static const char hole[] = "/ID [ <00000000000000000000000000000000> "
                               "<00000000000000000000000000000000> ]";
    static const size_t sizes[] = {0, 1, 7, 8, 15, 16, 17, 31, 100, 4099, 100000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t len = sizes[k] + sizeof hole - 1 + 10;
        unsigned char *file = malloc(len);
        for (size_t i = 0; i < sizes[k]; i++)
            file[i] = (unsigned char)next();
        memcpy(file + sizes[k], hole, sizeof hole - 1);
        memcpy(file + len - 10, "\n>>\nstart", 10);
        char want[33];
        reference_id(file, len, want);
        bool ok = pdf_archive_set_id(file, len);
        const char *got = (const char *)file + sizes[k];
        CHECK(ok && memcmp(got, "/ID [ <", 7) == 0 && memcmp(got + 7, want, 32) == 0 &&
                  memcmp(got + 39, "> <", 3) == 0 && memcmp(got + 42, want, 32) == 0 &&
                  memcmp(got + 74, "> ]", 3) == 0,
              "/ID after %zu bytes: \"%.77s\", want the hash %s", sizes[k], got, want);
        free(file);
    }
    return test_summary();
}
