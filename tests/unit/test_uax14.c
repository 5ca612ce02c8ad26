/* Conformance of pb_break_icu with the Unicode line-breaking test suite
 * (LineBreakTest.txt, Debian's unicode-data).  Every position of every
 * test line is compared; a line that differs passes only if each
 * difference is explained by a tailoring documented below and in
 * tests/linebreak-tailorings.md.  Also checks that the clreq overlay
 * (pb_break_opportunities) only removes opportunities, that the zh
 * tailorings the documentation relies on are in effect, and that
 * pb_break_icu, which asks ICU only about the text between pairs of CJK
 * ideographs, answers as ICU does on whole texts.
 *
 * usage: test_uax14 [path/to/LineBreakTest.txt] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include "base/utf8.h"
#include "text/linebreak.h"
#include "../testutil.h"

#define MAX_CPS 256

/* One test line: code points and the expected marker before each
 * (exp[k] is the marker before cps[k]; exp[m] is the one at the end). */
typedef struct tline {
    uint32_t cps[MAX_CPS];
    bool exp[MAX_CPS + 1]; /* true: break allowed */
    int m;
} tline;

static int lb(uint32_t cp)
{
    return u_getIntPropertyValue((UChar32)cp, UCHAR_LINE_BREAK);
}

static bool is_cm(uint32_t cp)
{
    return lb(cp) == U_LB_COMBINING_MARK || lb(cp) == U_LB_ZWJ;
}

/* Index of the base before position k: cps[k-1] with combining marks
 * skipped (they take the class of their base, UAX #14 LB9). */
static int base_before(const tline *t, int k)
{
    int h = k - 1;
    while (h > 0 && is_cm(t->cps[h]))
        h--;
    return h;
}

static bool alphabetic_like(uint32_t cp)
{
    int c = lb(cp);
    /* LB1 resolves AI, XX and SA (not Mn/Mc) to AL */
    if (c == U_LB_COMPLEX_CONTEXT) {
        int gc = u_charType((UChar32)cp);
        return gc != U_NON_SPACING_MARK && gc != U_COMBINING_SPACING_MARK;
    }
    return c == U_LB_ALPHABETIC || c == U_LB_HEBREW_LETTER || c == U_LB_AMBIGUOUS ||
           c == U_LB_UNKNOWN;
}

/* ---- documented tailorings ------------------------------------------
 * Each explains one kind of difference at position k (between cps[k-1]
 * and cps[k]); got is pb_break_icu's answer there. */

/* ICU rule 20a (ICU-8151): a hyphen that starts a word sticks to the
 * letter after it ("-ism"); UAX #14 adopted it as LB20a after 15.0. */
static bool t_hyphen_letter(const tline *t, int k, bool got)
{
    int h = base_before(t, k);
    return t->exp[k] && !got && k < t->m && lb(t->cps[h]) == U_LB_HYPHEN &&
           (h == 0 || t->exp[h]) && alphabetic_like(t->cps[k]);
}

/* ICU's LB25 lets a number begin with a separator (".5", ",0"), so
 * IS x NU where IS does not follow a digit (ICU-20303; in UAX #14 after
 * 15.0). */
static bool t_leading_separator(const tline *t, int k, bool got)
{
    int h = base_before(t, k);
    return t->exp[k] && !got && k < t->m && lb(t->cps[h]) == U_LB_INFIX_NUMERIC &&
           lb(t->cps[k]) == U_LB_NUMERIC &&
           (h == 0 || lb(t->cps[base_before(t, h)]) != U_LB_NUMERIC);
}

/* ICU's LB15c (ICU-20303): a break before a number that starts with a
 * decimal point after a space, "equals .35" (UAX #14 15.0 says SP x IS
 * by LB13; later versions agree with ICU). */
static bool t_space_before_decimal(const tline *t, int k, bool got)
{
    if (!(!t->exp[k] && got && k < t->m))
        return false;
    if (lb(t->cps[k - 1]) != U_LB_SPACE || lb(t->cps[k]) != U_LB_INFIX_NUMERIC)
        return false;
    int j = k + 1;
    while (j < t->m && is_cm(t->cps[j]))
        j++;
    return j < t->m && lb(t->cps[j]) == U_LB_NUMERIC;
}

typedef struct tailoring {
    const char *name;
    const char *reason;
    bool (*explains)(const tline *t, int k, bool got);
    int lines;
} tailoring;

static tailoring tailorings[] = {
    {"hyphen-letter", "ICU LB20a (ICU-8151): no break between a word-initial hyphen and a letter",
     t_hyphen_letter, 0},
    {"leading-separator", "ICU LB25 (ICU-20303): a number may begin with IS (\".5\"), IS x NU",
     t_leading_separator, 0},
    {"space-decimal", "ICU LB15c (ICU-20303): SP / IS NU, a break before \" .35\"",
     t_space_before_decimal, 0},
};
#define NTAILORINGS ((int)(sizeof tailorings / sizeof tailorings[0]))

/* ---- parsing ------------------------------------------------------- */

/* Parses "× 0023 ÷ 0020 ..." (before any '#'); returns false for a line
 * with no test. */
static bool parse(char *s, tline *t)
{
    char *hash = strchr(s, '#');
    if (hash)
        *hash = 0;
    int nmarks = 0;
    t->m = 0;
    while (*s) {
        unsigned char c0 = (unsigned char)s[0], c1 = (unsigned char)s[1];
        if (c0 == 0xC3 && (c1 == 0x97 || c1 == 0xB7)) { /* × ÷ */
            if (nmarks > MAX_CPS)
                return false;
            t->exp[nmarks++] = c1 == 0xB7;
            s += 2;
        } else if (c0 == ' ' || c0 == '\t' || c0 == '\r' || c0 == '\n') {
            s++;
        } else {
            char *end;
            unsigned long cp = strtoul(s, &end, 16);
            if (end == s || t->m >= MAX_CPS)
                return false;
            t->cps[t->m++] = (uint32_t)cp;
            s = end;
        }
    }
    return t->m > 0 && nmarks == t->m + 1;
}

/* ---- the zh tailorings the documentation relies on ------------------ */

static bool icu_allows(const char *text, size_t before_byte)
{
    size_t len = strlen(text);
    uint8_t brk[64];
    if (len >= sizeof brk || !pb_break_icu(text, len, brk))
        return false;
    return brk[before_byte] != PB_BRK_NONE;
}

static void check_zh_tailorings(void)
{
    /* line_cj: U+201C is OP and U+201D is CL for zh (UAX #14 15.0 keeps QU
     * glued to both neighbours, which would forbid these breaks). */
    CHECK(icu_allows("说“你", 3), "zh: break before U+201C after Han");
    CHECK(icu_allows("你”说", 6), "zh: break after U+201D before Han");
    CHECK(!icu_allows("“你", 3), "zh: no break after U+201C");
    CHECK(!icu_allows("你”", 3), "zh: no break before U+201D");
    /* lb=strict: CJ (small kana, U+30FC) behaves as NS: no break before */
    CHECK(!icu_allows("あぁ", 3), "strict: no break before U+3041 (CJ)");
    CHECK(!icu_allows("カー", 3), "strict: no break before U+30FC (CJ)");
    /* ICU leaves these to the clreq overlay */
    CHECK(icu_allows("，——", 3), "ICU allows a break before —— (overlay removes it)");
}

/* ---- pb_break_icu against ICU on whole texts ------------------------ */

/* ICU's answer for the whole text, as pb_break_icu gives it (brk[len]
 * mandatory, positions inside a character none). */
static bool whole_text_breaks(UBreakIterator *bi, const char *text, size_t len, uint8_t *brk)
{
    static UChar u16[MAX_CPS * 2];
    static size_t byte_of[MAX_CPS * 2 + 1];
    int32_t n16 = 0;
    for (size_t i = 0; i < len;) {
        size_t at = i;
        uint32_t cp = pb_utf8_next(text, len, &i);
        byte_of[n16] = at;
        if (cp >= 0x10000)
            byte_of[n16 + 1] = at;
        U16_APPEND_UNSAFE(u16, n16, cp);
    }
    memset(brk, PB_BRK_NONE, len + 1);
    brk[len] = PB_BRK_MANDATORY;
    UErrorCode err = U_ZERO_ERROR;
    ubrk_setText(bi, u16, n16, &err);
    if (U_FAILURE(err))
        return false;
    for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
        if (p >= n16)
            continue;
        int32_t st = ubrk_getRuleStatus(bi);
        brk[byte_of[p]] = st >= UBRK_LINE_HARD && st < UBRK_LINE_HARD_LIMIT ? PB_BRK_MANDATORY
                                                                             : PB_BRK_ALLOW;
    }
    return true;
}

static void check_pieces_like_whole_texts(void)
{
    /* the shortcut's premise: ICU gives every CJK Unified Ideograph class ID */
    int not_id = 0;
    for (uint32_t cp = 0x4E00; cp <= 0x9FFF; cp++)
        not_id += lb(cp) != U_LB_IDEOGRAPHIC;
    CHECK(not_id == 0, "%d characters of U+4E00..U+9FFF are not of class ID", not_id);

    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_LINE, "zh@lb=strict", NULL, 0, &err);
    if (!CHECK(U_SUCCESS(err), "ubrk_open: %s", u_errorName(err)))
        return;
    /* ideographs half the time, beside characters of every class whose
       rules read more than a pair: spaces, brackets, quotes, numbers and
       their affixes, hyphens, combining marks, joiners, regional
       indicators, kana, Hangul, Thai, Hebrew, line ends */
    static const uint32_t ideographs[] = {0x4E2D, 0x56FD, 0x4E00, 0x9FFF, 0x5E74, 0x4EF6};
    static const uint32_t others[] = {
        0x3400, 0x20000, 0xFF08, 0xFF09, 0x201C, 0x201D, 0x2018, 0x2019, 0x300A, 0x300B,
        0x300C, 0x300D, 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0x2026,
        0x2014, 'a', 'Z', '1', '0', ' ', ' ', '%', '$', '-', '/', '(', ')', '[', '"', '\'',
        ',', '.', ':', '!', '?', 0x0301, 0x200D, 0x200B, 0x2060, 0x00A0, 0x3000, 0x3041,
        0x3005, 0x30FC, 0x30A2, 0x1F600, 0x1F1E8, 0x1F1F3, 0x1F3FB, 0xAC00, 0x1100, 0x1161,
        0x0E01, 0x0E31, '\t', '\n', '\r', 0x2028, 0xFE0F, 0x00AD, 0x2010, 0xFF05, 0x00A5,
        0x2E3A, 0x0F0B, 0x05D0, 0x0627, 0x3099, 0x00B7, 0x2024, 0x0025, 0x20AC, 0x2116};
    int nothers = (int)(sizeof others / sizeof *others);
    static char text[MAX_CPS * 4 + 1];
    static uint8_t got[MAX_CPS * 4 + 1], want[MAX_CPS * 4 + 1];
    unsigned seed = 2024;
    int differ = 0;
    for (int t = 0; t < 30000 && differ < 5; t++) {
        seed = seed * 1103515245u + 12345u;
        int n = (int)(seed >> 16) % 24;
        size_t len = 0;
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            uint32_t cp = r & 1 ? ideographs[(r >> 1) % 6] : others[(r >> 1) % (unsigned)nothers];
            len += (size_t)pb_utf8_encode(cp, text + len);
        }
        text[len] = 0;
        if (!pb_break_icu(text, len, got) || !whole_text_breaks(bi, text, len, want)) {
            CHECK(false, "break analysis failed on \"%s\"", text);
            break;
        }
        bool same = !memcmp(got, want, len + 1);
        if (!same) {
            differ++;
            for (size_t b = 0; b <= len; b++)
                if (got[b] != want[b])
                    printf("\"%s\" byte %zu: %d, ICU on the whole text %d\n", text, b, got[b],
                           want[b]);
        }
        CHECK(same, "pb_break_icu answers as ICU on the whole text");
    }
    ubrk_close(bi);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "/usr/share/unicode/auxiliary/LineBreakTest.txt";
    FILE *fp = fopen(path, "r");
    if (!fp) {
        perror(path);
        CHECK(false, "%s is readable", path);
        return test_summary();
    }
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

    static tline t;
    static char buf[8192];
    static char text[MAX_CPS * 4 + 1];
    static uint8_t brk[MAX_CPS * 4 + 1], opp[MAX_CPS * 4 + 1];
    size_t off[MAX_CPS + 1];
    int lineno = 0, total = 0, exact = 0, unexplained = 0;

    while (fgets(buf, sizeof buf, fp)) {
        lineno++;
        if (!parse(buf, &t))
            continue;
        total++;
        size_t len = 0;
        for (int i = 0; i < t.m; i++) {
            off[i] = len;
            len += (size_t)pb_utf8_encode(t.cps[i], text + len);
        }
        off[t.m] = len;
        text[len] = 0;
        if (!pb_break_icu(text, len, brk) || !pb_break_opportunities(text, len, opp)) {
            test_check_at(false, name, lineno, "break analysis failed");
            continue;
        }

        /* position 0 is ignored by the file's convention (LB2) */
        bool same = true, explained = true;
        bool used[NTAILORINGS] = {false};
        for (int k = 1; k <= t.m; k++) {
            bool got = brk[off[k]] != PB_BRK_NONE;
            if (got == t.exp[k])
                continue;
            same = false;
            int which = -1;
            for (int j = 0; j < NTAILORINGS && which < 0; j++)
                if (tailorings[j].explains(&t, k, got))
                    which = j;
            if (which >= 0) {
                used[which] = true;
                continue;
            }
            explained = false;
            uint32_t a = t.cps[k - 1], b = k < t.m ? t.cps[k] : 0;
            printf("line %d, position %d: expected %s, got %s between U+%04X (%s) and "
                   "U+%04X (%s)\n",
                   lineno, k, t.exp[k] ? "break" : "no break", got ? "break" : "no break",
                   (unsigned)a,
                   u_getPropertyValueName(UCHAR_LINE_BREAK, lb(a), U_SHORT_PROPERTY_NAME),
                   (unsigned)b,
                   k < t.m ? u_getPropertyValueName(UCHAR_LINE_BREAK, lb(b),
                                                    U_SHORT_PROPERTY_NAME)
                           : "eot");
        }
        exact += same;
        for (int j = 0; j < NTAILORINGS; j++)
            tailorings[j].lines += used[j];
        if (!explained)
            unexplained++;
        test_check_at(explained, name, lineno,
                      "difference not covered by a documented tailoring");

        /* the clreq overlay only ever removes ICU's opportunities; web
         * addresses are the one documented exception (address_breaks) */
        bool url = strstr(text, "://") != NULL;
        bool subset = opp[len] == PB_BRK_MANDATORY;
        for (size_t b = 0; b < len; b++)
            if (!url && ((opp[b] != PB_BRK_NONE && opp[b] != brk[b]) ||
                         (brk[b] == PB_BRK_MANDATORY && opp[b] != PB_BRK_MANDATORY)))
                subset = false;
        test_check_at(subset, name, lineno,
                      "pb_break_opportunities added or changed an opportunity");
    }
    fclose(fp);

    check_zh_tailorings();
    check_pieces_like_whole_texts();
    CHECK(total > 0, "no test lines read");

    UVersionInfo icu, uni;
    char icus[U_MAX_VERSION_STRING_LENGTH], unis[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(icu);
    u_getUnicodeVersion(uni);
    u_versionToString(icu, icus);
    u_versionToString(uni, unis);
    printf("ICU %s (Unicode %s), locale zh@lb=strict\n", icus, unis);
    printf("%s: %d of %d lines pass\n", name, exact, total);
    for (int j = 0; j < NTAILORINGS; j++)
        printf("  tailoring %-18s %4d lines  %s\n", tailorings[j].name, tailorings[j].lines,
               tailorings[j].reason);
    if (unexplained)
        printf("%d lines differ for reasons no documented tailoring covers\n", unexplained);
    return test_summary();
}
