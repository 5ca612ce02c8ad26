#include "import/import_text.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "input/invisible.h"

/* ---- texts with bold flags ------------------------------------------------ */

static void tbuf_reserve(tbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = pb_xrealloc(b->s, cap);
    b->bold = pb_xrealloc(b->bold, cap);
    b->cap = cap;
}

void tbuf_put(tbuf *b, const char *s, size_t n, bool bold)
{
    tbuf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    memset(b->bold + b->len, bold, n);
    b->len += n;
    b->s[b->len] = 0;
}

void tbuf_putc(tbuf *b, uint32_t cp, bool bold)
{
    char u[4];
    tbuf_put(b, u, (size_t)pb_utf8_encode(cp, u), bold);
}

im_text tbuf_finish(tbuf *b, pb_arena *a)
{
    im_text t = {pb_arena_alloc(a, b->len + 1), pb_arena_alloc(a, b->len + 1), b->len};
    if (b->len) {
        memcpy(t.s, b->s, b->len);
        memcpy(t.bold, b->bold, b->len);
    }
    t.s[b->len] = 0;
    b->len = 0;
    if (b->s)
        b->s[0] = 0;
    return t;
}

void tbuf_free(tbuf *b)
{
    free(b->s);
    free(b->bold);
    memset(b, 0, sizeof *b);
}

im_text im_text_make(pb_arena *a, const char *s, size_t len, bool bold)
{
    im_text t = {pb_arena_strndup(a, s, len), pb_arena_alloc(a, len + 1), len};
    memset(t.bold, bold, len);
    return t;
}

im_text im_text_slice(pb_arena *a, im_text t, size_t from, size_t to)
{
    im_text r = {pb_arena_strndup(a, t.s + from, to - from), pb_arena_alloc(a, to - from + 1),
                 to - from};
    memcpy(r.bold, t.bold + from, to - from);
    return r;
}

char *im_text_str(pb_arena *a, im_text t, size_t from, size_t to)
{
    return pb_arena_strndup(a, t.s + from, to - from);
}

/* ---- character classes ---------------------------------------------------- */

bool im_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0x3000 && cp <= 0x312F) ||
           (cp >= 0x31C0 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
           (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2014 || cp == 0x2026 || cp == 0x00B7;
}

bool im_is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x85;
}

/* The input stage decides what is invisible (ICU's properties, README "What
 * may be in a text"); labels are compared without any of it. */
bool im_is_invisible(uint32_t cp)
{
    return cp == 0xFFFD || cp == 0xFFFE || cp == 0xFFFF || pb_char_invisible(cp);
}

/* ---- cleaning ----------------------------------------------------------- */

im_text im_clean(pb_arena *a, im_text t, int *removed)
{
    tbuf b = {0};
    tbuf_reserve(&b, t.len);
    bool pending = false, pending_bold = false; /* a space not yet written */
    uint32_t prev = 0;                          /* last character written */
    for (size_t i = 0; i < t.len;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(t.s, t.len, &i);
        bool bold = t.bold[at];
        if (im_is_space(cp)) {
            if (b.len > 0 && !pending) {
                pending = true;
                pending_bold = bold;
            }
            continue;
        }
        const char *what;
        if (cp == 0xFFFD || cp == 0xFFFE || cp == 0xFFFF ||
            pb_char_use_in_text(cp, prev, &what) != PB_CHAR_PLAIN) {
            if (removed)
                (*removed)++;
            continue;
        }
        if (pending && !im_is_cjk(prev) && !im_is_cjk(cp))
            tbuf_put(&b, " ", 1, pending_bold && bold);
        pending = false;
        tbuf_put(&b, t.s + at, i - at, bold);
        prev = cp;
    }
    im_text r = tbuf_finish(&b, a);
    tbuf_free(&b);
    return r;
}

im_text im_clean_warned(pb_arena *a, im_text t, pb_diag *diag, const char *file,
                        const char *where)
{
    int removed = 0;
    im_text r = im_clean(a, t, &removed);
    if (removed)
        pb_diag_warning(diag, file, where,
                        "%d invisible character%s (zero-width, format, control or bidi) "
                        "removed",
                        removed, removed == 1 ? "" : "s");
    return r;
}

int im_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        w += cp < 0x1100 || (cp >= 0xFF61 && cp <= 0xFFDC) ? 1 : 2;
    }
    return w;
}

size_t im_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- numbering ---------------------------------------------------------- */

static int cn_digit(uint32_t cp)
{
    static const uint32_t d[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94,
                                 0x516D, 0x4E03, 0x516B, 0x4E5D}; /* 〇一二三四五六七八九 */
    for (int k = 0; k < 10; k++)
        if (d[k] == cp)
            return k;
    if (cp == 0x96F6) /* 零 */
        return 0;
    return -1;
}

/* A Chinese numeral 1..99 (一, 十, 十二, 二十, 二十三) at s[*i]; -1 if none. */
static int cn_number(const char *s, size_t len, size_t *i)
{
    size_t k = *i;
    if (k >= len)
        return -1;
    int value = -1, tens = -1;
    size_t save = k;
    uint32_t cp = pb_utf8_next(s, len, &k);
    int d = cn_digit(cp);
    if (cp == 0x5341) { /* 十 */
        tens = 1;
    } else if (d > 0) {
        save = k;
        if (k < len) {
            size_t k2 = k;
            if (pb_utf8_next(s, len, &k2) == 0x5341) {
                tens = d;
                k = k2;
            }
        }
        if (tens < 0) {
            *i = save;
            return d;
        }
    } else {
        return -1;
    }
    value = tens * 10;
    if (k < len) {
        size_t k2 = k;
        int u = cn_digit(pb_utf8_next(s, len, &k2));
        if (u > 0) {
            value += u;
            k = k2;
        }
    }
    *i = k;
    return value;
}

static int ascii_digit(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (int)(cp - 0xFF10);
    return -1;
}

static bool is_open_paren(uint32_t cp)
{
    return cp == '(' || cp == 0xFF08;
}

static bool is_close_paren(uint32_t cp)
{
    return cp == ')' || cp == 0xFF09;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len) {
        size_t k = i;
        if (!im_is_space(pb_utf8_next(s, len, &k)))
            break;
        i = k;
    }
    return i;
}

size_t im_numbering(const char *s, size_t len, int *level, int *value)
{
    size_t i = 0;
    *level = 0;
    *value = 0;
    if (len == 0)
        return 0;
    uint32_t cp = pb_utf8_next(s, len, &i);
    /* 第一部分, 第一章 */
    if (cp == 0x7B2C) {
        int v = cn_number(s, len, &i);
        if (v > 0) {
            static const char *const part[] = {"部分", "章"};
            for (int k = 0; k < 2; k++) {
                size_t n = strlen(part[k]);
                if (i + n <= len && !memcmp(s + i, part[k], n)) {
                    *level = 1;
                    *value = v;
                    return skip_spaces(s, len, i + n);
                }
            }
        }
        return 0;
    }
    /* （一） （1） */
    if (is_open_paren(cp)) {
        size_t k = skip_spaces(s, len, i);
        int v = cn_number(s, len, &k);
        int lvl = 2;
        if (v < 0) {
            v = 0;
            int nd = 0, dd;
            size_t k2 = k;
            while (k2 < len && nd < 3 && (dd = ascii_digit(pb_utf8_next(s, len, &k2))) >= 0) {
                v = v * 10 + dd;
                nd++;
                k = k2;
            }
            if (nd == 0 || nd > 2 || v == 0)
                return 0;
            lvl = 4;
        }
        k = skip_spaces(s, len, k);
        if (k >= len || !is_close_paren(pb_utf8_next(s, len, &k)))
            return 0;
        *level = lvl;
        *value = v;
        return skip_spaces(s, len, k);
    }
    /* 一、 */
    i = 0;
    int v = cn_number(s, len, &i);
    if (v > 0) {
        if (i >= len)
            return 0;
        uint32_t d = pb_utf8_next(s, len, &i);
        if (d != 0x3001 && d != 0xFF0E && d != '.')
            return 0;
        *level = 1;
        *value = v;
        return skip_spaces(s, len, i);
    }
    /* 1. 1． 1、 — not 1.5, not 2021. */
    i = 0;
    v = 0;
    int nd = 0, dd;
    size_t k = 0;
    while (k < len && (dd = ascii_digit(pb_utf8_next(s, len, &k))) >= 0) {
        v = v * 10 + dd;
        nd++;
        i = k;
        if (nd > 2)
            return 0;
    }
    if (nd == 0 || v == 0 || i >= len)
        return 0;
    uint32_t d = pb_utf8_next(s, len, &i);
    if (d != '.' && d != 0xFF0E && d != 0x3001)
        return 0;
    if (i < len) {
        size_t k2 = i;
        if (ascii_digit(pb_utf8_next(s, len, &k2)) >= 0)
            return 0;
    }
    *level = 3;
    *value = v;
    return skip_spaces(s, len, i);
}

static void cn_write(char *out, int v)
{
    static const char *const dg[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    out[0] = 0;
    if (v >= 10) {
        if (v / 10 > 1)
            strcat(out, dg[v / 10]);
        strcat(out, "十");
    }
    strcat(out, dg[v % 10]);
}

const char *im_numbering_canonical(pb_arena *a, int level, const char *s, size_t n)
{
    int lv, v;
    if (im_numbering(s, n, &lv, &v) == 0 || lv != level)
        return NULL;
    if (n >= 3 && !memcmp(s, "第", 3)) /* 第一部分: as written */
        return NULL;
    char num[32];
    switch (level) {
    case 1:
        cn_write(num, v);
        return pb_arena_printf(a, "%s、", num);
    case 2:
        cn_write(num, v);
        return pb_arena_printf(a, "（%s）", num);
    case 3:
        return pb_arena_printf(a, "%d.", v);
    case 4:
        return pb_arena_printf(a, "（%d）", v);
    }
    return NULL;
}

/* ---- labels ------------------------------------------------------------- */

char *im_label_key(pb_arena *a, const char *s, size_t len, int *level, int *value)
{
    size_t i = skip_spaces(s, len, 0);
    int lv = 0, v = 0;
    i += im_numbering(s + i, len - i, &lv, &v);
    if (level)
        *level = lv;
    if (value)
        *value = v;
    char *out = pb_arena_alloc(a, (len - i) + 1);
    size_t o = 0;
    while (i < len) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        if (im_is_space(cp) || im_is_invisible(cp))
            continue;
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            cp -= 0xFEE0;
        if (cp >= 'A' && cp <= 'Z')
            cp += 'a' - 'A';
        switch (cp) {
        case 0x3010: case 0x3014: case 0x3016: case 0xFF3B: case '[': case '{':
            cp = '(';
            break;
        case 0x3011: case 0x3015: case 0x3017: case 0xFF3D: case ']': case '}':
            cp = ')';
            break;
        case 0x201C: case 0x201D: case 0x2018: case 0x2019: case '"': case '\'':
        case 0x300C: case 0x300D: case 0x300E: case 0x300F: case 0x300A: case 0x300B:
        case 0x3008: case 0x3009:
            continue; /* quotes and book-title marks */
        case 0x3001: case 0xFF64:
            cp = ',';
            break;
        case 0x3002: case 0xFF61:
            cp = '.';
            break;
        case 0x2014: case 0x2013: case 0x2012: case 0x2015: case 0x2212:
            cp = '-';
            break;
        default:
            break;
        }
        o += (size_t)pb_utf8_encode(cp, out + o);
    }
    while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ':' || out[o - 1] == ';' ||
                     out[o - 1] == ','))
        o--;
    out[o] = 0;
    return out;
}

#define SIM_MAX 64 /* code points compared: labels are short; bounds the time */

static int decode_cps(const char *s, uint32_t *cps)
{
    size_t len = strlen(s), i = 0;
    int n = 0;
    while (i < len && n < SIM_MAX)
        cps[n++] = pb_utf8_next(s, len, &i);
    return n;
}

/* Longest common subsequence of a and b (their first SIM_MAX code
 * points); *na and *nb get their lengths. */
static int lcs(const char *a, const char *b, int *na, int *nb)
{
    uint32_t x[SIM_MAX], y[SIM_MAX];
    int n = decode_cps(a, x), m = decode_cps(b, y);
    *na = n;
    *nb = m;
    if (n == 0 || m == 0)
        return 0;
    int prev[SIM_MAX + 1], cur[SIM_MAX + 1];
    memset(prev, 0, sizeof prev);
    for (int i = 1; i <= n; i++) {
        cur[0] = 0;
        for (int j = 1; j <= m; j++) {
            if (x[i - 1] == y[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = cur[j - 1] > prev[j] ? cur[j - 1] : prev[j];
        }
        memcpy(prev, cur, sizeof(int) * (size_t)(m + 1));
    }
    return prev[m];
}

double im_similarity(const char *a, const char *b)
{
    if (!strcmp(a, b))
        return 1.0;
    int n, m;
    int l = lcs(a, b, &n, &m);
    return n + m ? 2.0 * l / (n + m) : 0.0;
}

double im_containment(const char *part, const char *whole)
{
    int n, m;
    int l = lcs(part, whole, &n, &m);
    return n ? (double)l / n : 0.0;
}

double im_label_similarity(const char *a, int alevel, int avalue, const char *b, int blevel,
                           int bvalue)
{
    bool same_number = alevel && alevel == blevel && avalue == bvalue;
    double s;
    if (!a[0] && !b[0]) {
        s = same_number ? 1.0 : 0.0;
    } else if (!strcmp(a, b)) {
        s = 1.0;
    } else {
        int n, m;
        int l = lcs(a, b, &n, &m);
        s = n + m ? 2.0 * l / (n + m) : 0.0;
        /* one label all inside the other: "（二）部分公开" for "（二）部分公开
           （区分处理的，只计这一情形，不计其他情形）"; surer with the same number */
        int shorter = n < m ? n : m;
        if (shorter >= 2) {
            double inside = (double)l / shorter * (same_number ? 0.85 : 0.7);
            if (inside > s)
                s = inside;
        }
    }
    if (alevel && blevel) {
        if (avalue != bvalue)
            s *= 0.6;
        else if (alevel != blevel)
            s *= 0.9;
    } else if (alevel || blevel) {
        s *= 0.95;
    }
    return s;
}

bool im_ends_sentence(const char *s, size_t len)
{
    while (len > 0) {
        size_t st = len - 1;
        while (st > 0 && ((unsigned char)s[st] & 0xC0) == 0x80)
            st--;
        size_t k = st;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if (cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F || cp == 0xFF09 ||
            cp == ')' || cp == 0x300B || cp == '"' || im_is_space(cp)) {
            len = st;
            continue;
        }
        return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '!' || cp == '?' ||
               cp == 0x2026 || cp == 0xFF0E;
    }
    return false;
}

/* ---- values of table cells ---------------------------------------------- */

/* "3", "2,483", "1944.0495", "22（其中修订16件）", "—": what a value cell holds. */
bool im_number_like(const char *s)
{
    size_t len = strlen(s), i = 0;
    if (len == 0)
        return false;
    int digits = 0;
    if (s[0] == '-' || s[0] == '+')
        i++;
    while (i < len) {
        size_t k = i;
        uint32_t cp = pb_utf8_next(s, len, &k);
        if ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19))
            digits++;
        else if (cp == ',' || cp == '.' || cp == 0xFF0C || cp == 0xFF0E || cp == '%')
            ;
        else if ((cp == '(' || cp == 0xFF08) && digits > 0)
            return true; /* a number with a bracketed note */
        else
            return false;
        i = k;
    }
    return digits > 0;
}

/* "—", "-", "/", "／", "－", "——", "无": written in a cell for nothing */
bool im_placeholder(const char *s)
{
    static const char *const marks[] = {"—", "——", "-", "--", "/", "／", "－", "\\", "无",
                                        "－－", "―", "─"};
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (!strcmp(s, marks[i]))
            return true;
    return false;
}

/* Digits of s with full-width digits and thousands separators
 * normalized: "2,483" -> "2483"; NULL if s is not such a number. */
char *im_plain_number(pb_arena *a, const char *s, bool allow_point, bool allow_minus)
{
    size_t len = strlen(s), i = 0, n = 0;
    char *t = pb_arena_alloc(a, len + 1);
    while (i < len) {
        uint32_t cp = pb_utf8_next(s, len, &i);
        if (cp >= 0xFF10 && cp <= 0xFF19)
            cp = '0' + (cp - 0xFF10);
        else if (cp == 0xFF0E)
            cp = '.';
        else if (cp == 0xFF0C)
            cp = ',';
        else if (cp == 0xFF0D || cp == 0x2212)
            cp = '-';
        if (cp >= 0x80)
            return NULL;
        t[n++] = (char)cp;
    }
    t[n] = 0;
    char *out = pb_arena_alloc(a, n + 1);
    size_t k = 0, o = 0;
    if (allow_minus && t[k] == '-')
        out[o++] = t[k++];
    /* the integer part: 2483 or 2,483 */
    size_t group = 0, digits = 0;
    bool commas = false;
    while (k < n && (t[k] == ',' || (t[k] >= '0' && t[k] <= '9'))) {
        if (t[k] == ',') {
            if (digits == 0 || (commas ? group != 3 : group > 3))
                return NULL;
            commas = true;
            group = 0;
        } else {
            out[o++] = t[k];
            group++;
            digits++;
        }
        k++;
    }
    if (digits == 0 || (commas && group != 3))
        return NULL;
    if (k < n && t[k] == '.' && allow_point) {
        out[o++] = t[k++];
        size_t frac = 0;
        while (k < n && t[k] >= '0' && t[k] <= '9') {
            out[o++] = t[k++];
            frac++;
        }
        if (frac == 0)
            return NULL;
    }
    if (k != n)
        return NULL;
    out[o] = 0;
    return out;
}

/* Leading zeros off ("007" -> "7"), keeping "0" and "0.5". */
char *im_strip_zeros(char *s)
{
    char *p = s + (s[0] == '-');
    char *q = p;
    while (q[0] == '0' && q[1] >= '0' && q[1] <= '9')
        q++;
    if (q != p)
        memmove(p, q, strlen(q) + 1);
    return s;
}

/* "22（其中修订16件）": ASCII digits, then a bracketed note to the end. */
bool im_noted_integer(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0 || i > 15)
        return false;
    const char *rest = s + i;
    size_t n = strlen(rest);
    return (!strncmp(rest, "（", 3) && n > 6 && !strcmp(rest + n - 3, "）")) ||
           (rest[0] == '(' && n > 2 && rest[n - 1] == ')');
}

