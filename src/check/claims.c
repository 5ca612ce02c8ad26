/* Claims: how reports phrase the figures of their tables in the text
 * ("予以公开{NUM}{UNIT}").  Each claim of the layout is a set of ICU
 * regular expressions with one captured number and the expression over
 * the tables that number must equal; every match in the text of a report
 * is compared, as an inline assertion is.  This file is the check stage's
 * only user of ICU (regular expressions; the line breaker uses its break
 * iterator). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uregex.h>
#include <unicode/ustring.h>

#include "base/call.h"
#include "base/limits.h"
#include "base/suggest.h"
#include "check/check_internal.h"

/* ---- patterns ---------------------------------------------------------------------- */

/* The number as texts write it (check_number reads what this captures),
 * with the spaces around it that text taken from PDFs has ("申请 3 条").
 * Not the tail of a longer number. */
#define NUM_PATTERN                                                                        \
    "[ \\u3000\\u00A0]*((?<![0-9０-９.．,])(?:[0-9０-９]{1,3}(?:,[0-9０-９]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?" \
    "(?![0-9０-９])|[零〇一二两三四五六七八九十百千万亿]+)[ \\u3000\\u00A0]*"
/* units of a count */
#define UNIT_PATTERN "(?:件次|人次|件|条|宗|个|项|次|例|份)"
/* a short gap inside one clause: no number, no clause mark, and not into
   another figure's words */
#define ANY_PATTERN                                                                         \
    "(?:(?!复议|诉讼|结转|上年)[^0-9０-９，,。；;！？!?：:、\\n]){0,16}?"

static const struct {
    const char *name, *regex;
} placeholders[] = {
    {"{NUM}", NUM_PATTERN},
    {"{UNIT}", UNIT_PATTERN},
    {"{ANY}", ANY_PATTERN},
};

typedef struct ubuf {
    UChar *s;
    int *chars;          /* per UTF-16 unit: the character of the written pattern */
    int32_t len, cap;
    char *utf8;          /* the same pattern in UTF-8, for its literals */
    size_t utf8_len, utf8_cap;
} ubuf;

static void ubuf_put(pb_arena *a, ubuf *b, const char *utf8, int written_char)
{
    int32_t need = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(NULL, 0, &need, utf8, -1, &st);
    if (b->len + need + 1 > b->cap) {
        int32_t cap = (b->len + need + 1) * 2;
        b->s = pb_arena_grow(a, b->s, (size_t)b->len, (size_t)cap, sizeof *b->s);
        b->chars = pb_arena_grow(a, b->chars, (size_t)b->len, (size_t)cap, sizeof *b->chars);
        b->cap = cap;
    }
    st = U_ZERO_ERROR;
    u_strFromUTF8(b->s + b->len, b->cap - b->len, NULL, utf8, -1, &st);
    /* the characters of a literal piece keep their own positions */
    for (int32_t i = 0; i < need; i++)
        b->chars[b->len + i] = written_char;
    if (written_char < 0) {
        int ch = -written_char;
        for (int32_t i = 0; i < need; i++) {
            b->chars[b->len + i] = ch;
            if (!U16_IS_LEAD(b->s[b->len + i]))
                ch++;
        }
    }
    b->len += need;
    size_t n = strlen(utf8);
    if (b->utf8_len + n + 1 > b->utf8_cap) {
        size_t cap = (b->utf8_len + n + 1) * 2;
        b->utf8 = pb_arena_grow(a, b->utf8, b->utf8_len, cap, 1);
        b->utf8_cap = cap;
    }
    memcpy(b->utf8 + b->utf8_len, utf8, n + 1);
    b->utf8_len += n;
}

static void pattern_error(pb_diag *diag, const pb_claim *cl, int k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void pattern_error(pb_diag *diag, const pb_claim *cl, int k, const char *fmt, ...)
{
    char body[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    pb_diag_error(diag, PB_ERR_LAYOUT, cl->source, cl->pattern_paths[k], "%s", body);
}

static const char *regex_problem(UErrorCode st)
{
    switch (st) {
    case U_REGEX_MISMATCHED_PAREN: return "the brackets ( ) do not pair";
    case U_REGEX_MISSING_CLOSE_BRACKET: return "a [ is not closed";
    case U_REGEX_BAD_INTERVAL: return "a {min,max} is malformed";
    case U_REGEX_MAX_LT_MIN: return "a {min,max} has max below min";
    case U_REGEX_RULE_SYNTAX: return "syntax error";
    case U_REGEX_BAD_ESCAPE_SEQUENCE: return "unknown escape";
    case U_REGEX_INVALID_RANGE: return "a range in [ ] runs backwards";
    case U_REGEX_LOOK_BEHIND_LIMIT: return "a look-behind must have a bounded length";
    default: return u_errorName(st);
    }
}

/* Expands the placeholders of pattern k of cl and compiles it once, to
 * report its mistakes when the layout is read; NULL after errors. */
cpattern *check_compile_pattern(pb_arena *a, pb_diag *diag, const pb_claim *cl, int k)
{
    const char *src = cl->patterns[k];
    if (!src)
        return NULL;
    int chars = 0;
    for (const char *p = src; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > PB_MAX_CHECK_CHARS) {
        pattern_error(diag, cl, k, "a pattern of %d characters, more than the limit of %d",
                      chars, PB_MAX_CHECK_CHARS);
        return NULL;
    }
    ubuf b = {0};
    int nums = 0, ch = 1;
    const char *p = src, *lit = src;
    int lit_char = 1;
    while (*p) {
        int which = -1;
        if (*p == '{' && p[1] >= 'A' && p[1] <= 'Z') {
            size_t n = 1;
            while (p[n] >= 'A' && p[n] <= 'Z')
                n++;
            if (p[n] == '}') {
                for (size_t i = 0; i < sizeof placeholders / sizeof *placeholders; i++)
                    if (strlen(placeholders[i].name) == n + 1 &&
                        !strncmp(p, placeholders[i].name, n + 1))
                        which = (int)i;
                if (which < 0) {
                    pattern_error(diag, cl, k, "character %d: unknown placeholder %.*s (there "
                                  "are {NUM}, {UNIT} and {ANY})", ch, (int)n + 1, p);
                    return NULL;
                }
                ubuf_put(a, &b, pb_arena_strndup(a, lit, (size_t)(p - lit)), -lit_char);
                ubuf_put(a, &b, placeholders[which].regex, ch);
                nums += which == 0;
                p += n + 1;
                ch += (int)n + 1;
                lit = p;
                lit_char = ch;
                continue;
            }
        }
        ch += ((unsigned char)*p & 0xC0) != 0x80;
        p++;
    }
    ubuf_put(a, &b, lit, -lit_char);
    if (nums != 1) {
        pattern_error(diag, cl, k, "%s", nums ? "a pattern captures one number: {NUM} once"
                                              : "a pattern needs {NUM}, the number it captures");
        return NULL;
    }
    UParseError pe = {0};
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *re = uregex_open(b.s, b.len, 0, &pe, &st);
    if (st == U_MEMORY_ALLOCATION_ERROR) {
        uregex_close(re);
        pb_oom_if(true);
        pb_diag_out_of_memory(diag);
        return NULL;
    }
    if (U_FAILURE(st)) {
        /* ICU counts characters from 1 along the line; past the last one
           (its count is not exact after escapes) is the end */
        int at = pe.offset > 0 && pe.offset < b.len ? b.chars[pe.offset - 1] : 0;
        if (at > 0)
            pattern_error(diag, cl, k, "character %d: %s", at, regex_problem(st));
        else
            pattern_error(diag, cl, k, "at the end: %s", regex_problem(st));
        uregex_close(re);
        return NULL;
    }
    int32_t groups = uregex_groupCount(re, &st);
    if (groups != 1) {
        uregex_close(re);
        pattern_error(diag, cl, k, "a pattern captures only {NUM}: write (?:...) for its other "
                      "groups");
        return NULL;
    }
    cpattern *cp = pb_arena_calloc(a, 1, sizeof *cp);
    cp->regex = re;
    cp->nliterals = check_regex_literals(a, b.utf8, cp->literals, CHECK_MAX_LITERALS);
    return cp;
}

void check_pattern_free(cpattern *cp)
{
    if (cp)
        uregex_close(cp->regex);
}

void pb_check_free(pb_ruleset *rs)
{
    for (int i = 0; rs && i < rs->nclaims; i++)
        for (int k = 0; k < rs->claims[i].npatterns; k++)
            check_pattern_free(rs->claims[i].patterns[k]);
}

/* Gives each literal of cp its index in rs's list (patterns share many:
   "行政复议", "规章"), so a report looks for each in a text once. */
static void number_literals(pb_ruleset *rs, pb_arena *a, cpattern *cp)
{
    for (int i = 0; i < cp->nliterals; i++) {
        int id = 0;
        while (id < rs->nliterals && strcmp(rs->literals[id], cp->literals[i]))
            id++;
        if (id == rs->nliterals) {
            rs->literals = pb_arena_grow(a, rs->literals, (size_t)rs->nliterals,
                                         (size_t)rs->nliterals + 1, sizeof *rs->literals);
            rs->literals[rs->nliterals++] = cp->literals[i];
        }
        cp->literal_ids[i] = id;
    }
}

bool check_compile_claims(pb_ruleset *rs, pb_arena *a, pb_diag *diag)
{
    const pb_layout *L = rs->layout;
    bool ok = true;
    rs->claims = pb_arena_calloc(a, (size_t)L->nclaims + 1, sizeof *rs->claims);
    rs->nclaims = L->nclaims;
    for (int i = 0; i < L->nclaims; i++) {
        const pb_claim *cl = &L->claims[i];
        cclaim *cc = &rs->claims[i];
        cc->claim = cl;
        cc->patterns = pb_arena_calloc(a, (size_t)cl->npatterns + 1, sizeof *cc->patterns);
        cc->npatterns = cl->npatterns;
        for (int k = 0; k < cl->npatterns; k++) {
            cc->patterns[k] = check_compile_pattern(a, diag, cl, k);
            ok = cc->patterns[k] && ok;
        }
        for (int k = 0; k < cl->npatterns; k++)
            if (cc->patterns[k])
                number_literals(rs, a, cc->patterns[k]);
        if (!cl->value)
            continue;
        const char *err;
        int pos;
        pb_assertion *as = pb_expr_parse_value(cl->value, a, &err, &pos);
        if (!as) {
            pb_diag_error(diag, PB_ERR_LAYOUT, cl->source, cl->value_path, "character %d: %s",
                          pos, err);
            ok = false;
            continue;
        }
        text_where w = {PB_ERR_LAYOUT, cl->source, cl->value_path, "", 0};
        cc->ok = check_compile_text(rs, as, a, diag, &w, &cc->value);
        ok = cc->ok && ok;
    }
    check_index_literals(a, rs->literals, rs->nliterals, &rs->literal_index);
    return ok;
}

/* ---- matching ---------------------------------------------------------------------- */

/* The matches of every claim in every text of the report, in the order of
 * the text. */
typedef struct cmatch {
    int claim, pattern;
    int block, text;
    size_t start, len;   /* bytes of the number in the text's runs, one after another */
} cmatch;

typedef struct matches {
    cmatch *v;
    int n, cap;
} matches;

static void add_match(pb_arena *a, matches *m, cmatch c)
{
    for (int i = m->n - 1; i >= 0 && m->v[i].block == c.block && m->v[i].text == c.text; i--)
        if (m->v[i].claim == c.claim && m->v[i].start == c.start)
            return; /* two patterns of one claim found the same number */
    if (m->n == m->cap) {
        int cap = m->cap ? m->cap * 2 : 32;
        m->v = pb_arena_grow(a, m->v, (size_t)m->n, (size_t)cap, sizeof *m->v);
        m->cap = cap;
    }
    m->v[m->n++] = c;
}

static int by_place(const void *pa, const void *pb)
{
    const cmatch *x = pa, *y = pb;
    if (x->block != y->block)
        return x->block - y->block;
    if (x->text != y->text)
        return x->text - y->text;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->claim - y->claim;
}

/* A text in UTF-16, which ICU matches fastest, with the byte offset in
 * the UTF-8 text of each of its units; made when a pattern first needs it. */
typedef struct utext16 {
    UChar *s;
    int32_t len;
    uint32_t *byte;           /* len + 1 entries */
    bool made;
    bool number;              /* has a character {NUM} cannot match without */
} utext16;

/* The characters of NUM_PATTERN's number: digits, full-width digits and
   the Chinese numerals; a text without any cannot match a claim. */
static bool number_char(UChar c)
{
    if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19))
        return true;
    switch (c) {
    case 0x96F6: /* 零 */ case 0x3007: /* 〇 */ case 0x4E00: /* 一 */ case 0x4E8C: /* 二 */
    case 0x4E24: /* 两 */ case 0x4E09: /* 三 */ case 0x56DB: /* 四 */ case 0x4E94: /* 五 */
    case 0x516D: /* 六 */ case 0x4E03: /* 七 */ case 0x516B: /* 八 */ case 0x4E5D: /* 九 */
    case 0x5341: /* 十 */ case 0x767E: /* 百 */ case 0x5343: /* 千 */ case 0x4E07: /* 万 */
    case 0x4EBF: /* 亿 */
        return true;
    default:
        return false;
    }
}

/* A buffer for the conversion, reused from text to text. */
typedef struct u16buf {
    UChar *p;                 /* in scratch */
    size_t cap;
    pb_arena *scratch;        /* check_claims' scratch */
} u16buf;

static void to_utf16(pb_arena *a, const text_flat *f, utext16 *u, u16buf *buf)
{
    UErrorCode st = U_ZERO_ERROR;
    u->made = true;
    /* no more UTF-16 units than UTF-8 bytes: converted in one call into
       the buffer, then copied at its length (a Chinese character is three
       bytes and one unit) */
    if (f->len + 1 > buf->cap) {
        buf->cap = f->len + 1 > 2 * buf->cap ? f->len + 1 : 2 * buf->cap;
        buf->p = pb_arena_alloc(buf->scratch, buf->cap * sizeof *buf->p); /* nothing kept */
    }
    u_strFromUTF8(buf->p, (int32_t)f->len + 1, &u->len, f->s, (int32_t)f->len, &st);
    if (u->len < 0 || (size_t)u->len > f->len)
        u->len = 0;
    u->s = pb_arena_calloc(a, (size_t)u->len + 1, sizeof *u->s);
    memcpy(u->s, buf->p, (size_t)u->len * sizeof *u->s);
    u->byte = pb_arena_calloc(a, (size_t)u->len + 1, sizeof *u->byte);
    uint32_t b = 0;
    for (int32_t i = 0; i < u->len; i++) {
        u->byte[i] = b;
        UChar c = u->s[i];
        b += c < 0x80 ? 1 : c < 0x800 ? 2 : U16_IS_SURROGATE(c) ? 2 : 3;
        if (!u->number)
            u->number = number_char(c);
    }
    u->byte[u->len] = b;
}

/* Whether the text holds every literal of the pattern (without one, the
   pattern cannot match it and need not run).  found[id] holds, for this
   text, each literal of the ruleset: 1 there, 2 not, 0 before the text
   was first looked at (all of them are found in one pass). */
static bool has_literals(const pb_ruleset *rs, const cpattern *cp, const text_flat *f,
                         unsigned char *found)
{
    if (!cp->nliterals)
        return true;
    if (!found[cp->literal_ids[0]])
        check_find_literals(&rs->literal_index, rs->literals, f->s, f->len, found);
    for (int i = 0; i < cp->nliterals; i++)
        if (found[cp->literal_ids[i]] != 1)
            return false;
    return true;
}

/* Every match of one compiled pattern in one text. */
static bool find_all(run *x, URegularExpression *re, const utext16 *u, int claim, int pattern,
                     int block, int text, matches *out)
{
    UErrorCode st = U_ZERO_ERROR;
    uregex_setText(re, u->s, u->len, &st);
    while (U_SUCCESS(st) && uregex_findNext(re, &st)) {
        int32_t s = uregex_start(re, 1, &st), e = uregex_end(re, 1, &st);
        if (U_SUCCESS(st) && s >= 0 && e > s)
            add_match(x->a, out, (cmatch){claim, pattern, block, text, u->byte[s],
                                          u->byte[e] - u->byte[s]});
    }
    pb_oom_if(st == U_MEMORY_ALLOCATION_ERROR); /* not a text without matches */
    return st != U_REGEX_TIME_OUT && st != U_REGEX_STACK_OVERFLOW;
}

/* The run of text t that holds byte `at` of its runs one after another. */
static int run_at(const pb_text *t, const text_flat *f, size_t at)
{
    int r = 0;
    while (r + 1 < t->nruns && f->starts[r + 1] <= at)
        r++;
    return r;
}

/* The mark (assertion or skip) printed exactly at the match, or -1. */
static int mark_at(const run *x, const cmatch *m, const text_flat *f)
{
    for (int i = 0; i < x->report->nmarks; i++) {
        const pb_text_mark *k = &x->report->marks[i];
        if (k->block == m->block && k->text == m->text &&
            f->starts[k->run] + k->offset == m->start && k->len == m->len)
            return i;
    }
    return -1;
}

/* Matching runs up to this many steps of ICU's engine for one text and
 * pattern (a pattern that backtracks without end is stopped). */
#define MATCH_STEPS 2000

void check_claims(run *x, pb_diag *diag)
{
    const pb_ruleset *rs = x->rules;
    const pb_report *rep = x->report;
    if (!rs || !rs->nclaims)
        return;
    bool *used = pb_arena_calloc(x->a, (size_t)rep->nmarks + 1, sizeof *used);
    /* the texts, flattened once */
    int ntexts = 0;
    for (int b = 0; b < rep->nblocks; b++)
        ntexts += rep->blocks[b].ntexts;
    text_flat *flats = pb_arena_calloc(x->a, (size_t)ntexts + 1, sizeof *flats);
    utext16 *u16 = pb_arena_calloc(x->a, (size_t)ntexts + 1, sizeof *u16);
    unsigned char *found = pb_arena_calloc(x->a, (size_t)ntexts * (size_t)rs->nliterals + 1, 1);
    for (int b = 0, n = 0; b < rep->nblocks; b++)
        for (int t = 0; t < rep->blocks[b].ntexts; t++, n++) {
            flats[n] = check_flatten(x->a, &rep->blocks[b].texts[t]);
        }

    matches all = {0};
    /* the buffer is given back however the matching ends */
    pb_scratch work;
    u16buf buf = {NULL, 0, pb_scratch_begin(&work)};
    for (int c = 0; c < rs->nclaims; c++) {
        const cclaim *cc = &rs->claims[c];
        if (!cc->ok)
            continue;
        for (int k = 0; k < cc->npatterns; k++) {
            const cpattern *cp = cc->patterns[k];
            UErrorCode st = U_ZERO_ERROR;
            /* a regular expression holds its matching state: a clone for this
               report, so layouts stay read-only and shared between threads */
            URegularExpression *re = uregex_clone(cp->regex, &st);
            uregex_setTimeLimit(re, MATCH_STEPS, &st);
            if (U_FAILURE(st)) {
                uregex_close(re);
                pb_oom_if(st == U_MEMORY_ALLOCATION_ERROR);
                continue;
            }
            for (int b = 0, n = 0; b < rep->nblocks; b++)
                for (int t = 0; t < rep->blocks[b].ntexts; t++, n++) {
                    if (!has_literals(rs, cp, &flats[n], found + (size_t)n * (size_t)rs->nliterals))
                        continue;
                    if (!u16[n].made)
                        to_utf16(x->a, &flats[n], &u16[n], &buf);
                    if (u16[n].number && !find_all(x, re, &u16[n], c, k, b, t, &all))
                        pb_diag_warning(diag, cc->claim->source, cc->claim->pattern_paths[k],
                                        "the pattern took too long on %s of %s and was "
                                        "stopped there", rep->blocks[b].texts[t].path,
                                        rep->file);
                }
            uregex_close(re);
        }
    }
    pb_scratch_end(&work);
    if (all.n)
        qsort(all.v, (size_t)all.n, sizeof *all.v, by_place);

    int *first_text = pb_arena_calloc(x->a, (size_t)rep->nblocks + 1, sizeof *first_text);
    for (int b = 0, n = 0; b < rep->nblocks; b++) {
        first_text[b] = n;
        n += rep->blocks[b].ntexts;
    }
    for (int i = 0; i < all.n; i++) {
        const cmatch *m = &all.v[i];
        const cclaim *cc = &rs->claims[m->claim];
        const text_flat *f = &flats[first_text[m->block] + m->text];
        const pb_text *t = &rep->blocks[m->block].texts[m->text];
        int mk = mark_at(x, m, f);
        const pb_text_mark *mark = mk >= 0 ? &rep->marks[mk] : NULL;
        if (mark && mark->kind == PB_MARK_ASSERT)
            continue; /* the author said what the number is: the assertion decides */
        const char *written = pb_arena_strndup(x->a, f->s + m->start, m->len);
        pb_dec number;
        if (!check_number(written, m->len, &number))
            continue; /* not a number after all ("十十"): not this figure */
        const pb_table_template *missing;
        const pb_block *twice;
        const pb_block **blocks = check_blocks_of(x, &cc->value, &missing, &twice);
        if (!blocks)
            continue; /* the report has not this table (or has it twice) */
        pb_finding fd = {
            .claim = cc->claim,
            .pattern = m->pattern,
            .check = pb_arena_printf(x->a, "%s = %s", written, cc->claim->value),
            .check_path = cc->claim->value_path,
            .layout = cc->claim->source,
            .file = rep->file,
            .path = t->runs[run_at(t, f, m->start)].path,
            .written = written,
            .sentence = check_sentence(x->a, f, m->start, m->len),
        };
        if (mark && mark->kind == PB_MARK_SKIP && !strcmp(mark->source, cc->claim->id)) {
            used[mk] = true;
            fd.level = PB_FINDING_SKIPPED;
            fd.reason = mark->reason;
            fd.path = mark->path;
            check_skip(x, &cc->value, blocks, number, fd);
            continue;
        }
        check_compare(x, &cc->value, blocks, number, PB_CMP_EQ, fd);
    }

    /* a skip that skips nothing is a mistake of the report */
    for (int i = 0; i < rep->nmarks; i++) {
        const pb_text_mark *k = &rep->marks[i];
        if (k->kind != PB_MARK_SKIP || used[i])
            continue;
        const cclaim *cc = NULL;
        for (int c = 0; c < rs->nclaims && !cc; c++)
            if (!strcmp(rs->claims[c].claim->id, k->source))
                cc = &rs->claims[c];
        if (cc) {
            pb_diag_error(diag, PB_ERR_INPUT, rep->file, k->path,
                          "%s: claim \"%s\" (%s) does not match the number here, so there is "
                          "nothing to skip", k->written, k->source, cc->claim->description);
            continue;
        }
        const char **ids = pb_arena_calloc(x->a, (size_t)rs->nclaims + 1, sizeof *ids);
        for (int c = 0; c < rs->nclaims; c++)
            ids[c] = rs->claims[c].claim->id;
        const char *hint = pb_suggest(k->source, ids, rs->nclaims);
        pb_diag_error(diag, PB_ERR_INPUT, rep->file, k->path,
                      "%s: character %d: no claim \"%s\" in the layout %s%s", k->written,
                      k->source_char, k->source, rs->layout->file,
                      hint ? pb_arena_printf(x->a, " (did you mean \"%s\"?)", hint) : "");
    }
}
