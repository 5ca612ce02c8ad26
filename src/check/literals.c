/* What every match of a claim's regular expression must contain: the
 * runs of plain characters at the top level of the pattern.  A text
 * without one of them cannot match, and the claims skip it without
 * running ICU's engine (most texts hold no phrase of most claims).
 *
 * The scan reads ICU's pattern syntax only as far as it must to be sure;
 * whatever it does not fully understand (a top-level |, inline flags,
 * \Q...\E, escapes with arguments, a stray bracket) gives no literal at
 * all, so the regular expression runs on every text as before. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "check/check_internal.h"

/* The byte after the group that opens at p, or NULL. */
static const char *skip_group(const char *p);

/* The byte after the set [...] that opens at p, or NULL.  ICU nests sets
   ("[[a-z]&&[^b]]"); a ] right after [ or [^ is not read (ICU's meaning
   of it is not worth the risk). */
static const char *skip_class(const char *p)
{
    int depth = 0;
    for (;;) {
        switch (*p) {
        case 0:
            return NULL;
        case '\\':
            if (!p[1] || p[1] == 'Q')
                return NULL;
            p += 2;
            continue;
        case '[':
            depth++;
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                return NULL;
            continue;
        case ']':
            p++;
            if (--depth == 0)
                return p;
            continue;
        default:
            p++;
        }
    }
}

/* "(?:" "(?=" "(?!" "(?>" "(?<=" "(?<!" and "(": the groups whose text is
   read as pattern (not flags, not comments, not names) */
static bool plain_group(const char *p)
{
    if (p[1] != '?')
        return true;
    switch (p[2]) {
    case ':': case '=': case '!': case '>':
        return true;
    case '<':
        return p[3] == '=' || p[3] == '!';
    default:
        return false;
    }
}

static const char *skip_group(const char *p)
{
    int depth = 0;
    for (;;) {
        switch (*p) {
        case 0:
            return NULL;
        case '\\':
            if (!p[1] || p[1] == 'Q')
                return NULL;
            p += 2;
            continue;
        case '[':
            p = skip_class(p);
            if (!p)
                return NULL;
            continue;
        case '(':
            if (!plain_group(p))
                return NULL;
            depth++;
            p++;
            continue;
        case ')':
            p++;
            if (--depth == 0)
                return p;
            continue;
        default:
            p++;
        }
    }
}

/* Escapes that stand for one thing and take no argument: classes,
   assertions and control characters.  Others (\x \u \N \p \k \1 \c \Q ...)
   end the scan. */
static bool single_escape(char c)
{
    return strchr("dDsSwWbBAzZGnrtfeaRXhHvV", c) != NULL;
}

typedef struct scan {
    pb_arena *a;
    const char **out;
    int n, max;
    const char *start;   /* the run being read, or NULL */
    const char *last;    /* its last character */
} scan;

static void add_literal(scan *s, const char *from, size_t len)
{
    if (!len || s->n == s->max)
        return;
    /* longest first: the likeliest to be missing from a text */
    int i = s->n++;
    while (i > 0 && strlen(s->out[i - 1]) < len) {
        s->out[i] = s->out[i - 1];
        i--;
    }
    s->out[i] = pb_arena_strndup(s->a, from, len);
}

/* Ends the run before `end`. */
static void end_run(scan *s, const char *end)
{
    if (s->start && end > s->start)
        add_literal(s, s->start, (size_t)(end - s->start));
    s->start = NULL;
}

static bool plain_char(unsigned char c)
{
    return !strchr("|()[]{}.^$\\*+?", c) && c >= ' ';
}

/* "(?:未经复议|未经行政复议)" from p to end (its closing bracket), a group of
   plain alternatives: the start they all share ("未经"), whole characters;
   0 for none or another kind of group. */
static size_t shared_start(const char *p, const char *end)
{
    if (strncmp(p, "(?:", 3))
        return 0;
    const char *first = p + 3;
    size_t len = 0;
    bool counted = false;
    for (const char *alt = first, *q;; alt = q + 1) {
        q = alt;
        while (q < end && *q != '|') {
            if (!plain_char((unsigned char)*q))
                return 0;
            q++;
        }
        size_t n = (size_t)(q - alt);
        if (!counted || n < len)
            len = n, counted = true;
        for (size_t i = 0; i < len; i++)
            if (alt[i] != first[i])
                len = i;
        if (q == end)
            break;
    }
    while (len > 0 && ((unsigned char)first[len] & 0xC0) == 0x80)
        len--; /* not into a character */
    return len;
}

int check_regex_literals(pb_arena *a, const char *re, const char **out, int max)
{
    scan s = {a, out, 0, max, NULL, NULL};
    enum { NONE, LITERAL, OTHER, QUANTIFIER } prev = NONE;
    const char *p = re;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '|':
            return 0; /* one of two phrasings: neither is certain */
        case '(': {
            end_run(&s, p);
            const char *group = p;
            if (!plain_group(p) || !(p = skip_group(p)))
                return 0;
            /* a group of plain alternatives not quantified: their shared
               start is certain */
            size_t shared = *p && strchr("?*+{", *p) ? 0 : shared_start(group, p - 1);
            add_literal(&s, group + 3, shared);
            prev = OTHER;
            continue;
        }
        case '[':
            end_run(&s, p);
            if (!(p = skip_class(p)))
                return 0;
            prev = OTHER;
            continue;
        case '.': case '^': case '$':
            end_run(&s, p);
            p++;
            prev = OTHER;
            continue;
        case '\\':
            end_run(&s, p);
            if (!((p[1] > ' ' && p[1] < 0x7F && !(p[1] >= '0' && p[1] <= '9') &&
                   !(p[1] >= 'A' && p[1] <= 'Z') && !(p[1] >= 'a' && p[1] <= 'z')) ||
                  (p[1] && single_escape(p[1]))))
                return 0;
            p += 2;
            prev = OTHER;
            continue;
        case '*': case '+': case '?': case '{':
            if (c == '{') {
                /* {n}, {n,}, {n,m}: anything else is not read */
                const char *q = p + 1;
                if (!(*q >= '0' && *q <= '9'))
                    return 0;
                while ((*q >= '0' && *q <= '9') || *q == ',')
                    q++;
                if (*q != '}')
                    return 0;
                p = q + 1;
            } else {
                p++;
            }
            /* the character it repeats may be absent (or repeated): it
               ends the run before it; a ? or + after a quantifier only
               makes it lazy or possessive */
            if (prev == LITERAL) {
                end_run(&s, s.last);
                prev = QUANTIFIER;
            } else if (prev != QUANTIFIER) {
                prev = QUANTIFIER;
            }
            continue;
        case ')': case ']': case '}':
            return 0;
        default:
            if (!s.start)
                s.start = p;
            s.last = p;
            p++;
            while (((unsigned char)*p & 0xC0) == 0x80)
                p++;
            prev = LITERAL;
        }
    }
    end_run(&s, p);
    return s.n;
}

/* ---- which literals a text holds ---------------------------------------------- */

/* The bytes of a character by its first byte (a continuation byte: 1). */
static size_t char_width(unsigned char first)
{
    return first < 0xC0 ? 1 : first < 0xE0 ? 2 : first < 0xF0 ? 3 : 4;
}

/* The bytes of the character at s (as many as its first byte says, fewer
 * at the end of s) packed into a number, and their count in *n.  A
 * continuation byte counts as a character of its own. */
static uint32_t char_key(const unsigned char *s, size_t len, size_t *n)
{
    size_t want = char_width(s[0]);
    if (want > len)
        want = len;
    uint32_t k = 0;
    for (size_t i = 0; i < want; i++)
        k |= (uint32_t)s[i] << (24 - 8 * i);
    *n = want;
    return k;
}

/* the slot of key k: the top bits of a multiplicative hash (the low bits
   of a key are 0 for most characters) */
static uint32_t key_slot(uint32_t k, int shift)
{
    return (k * 2654435761u) >> shift;
}

/* the bit of the filter for key k: 1,024 bits */
static uint32_t filter_bit(uint32_t k)
{
    return (k * 0x9E3779B1u) >> 22;
}

void check_index_literals(pb_arena *a, const char *const *lits, int n, literal_index *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    uint32_t slots = 16;
    out->shift = 28;
    while (slots < 2 * (uint32_t)n) {
        slots *= 2;
        out->shift--;
    }
    out->mask = slots - 1;
    out->keys = pb_arena_calloc(a, slots, sizeof *out->keys);
    out->from = pb_arena_calloc(a, slots, sizeof *out->from);
    out->count = pb_arena_calloc(a, slots, sizeof *out->count);
    out->ids = pb_arena_calloc(a, (size_t)n + 1, sizeof *out->ids);
    out->lens = pb_arena_calloc(a, (size_t)n + 1, sizeof *out->lens);
    out->odd = pb_arena_calloc(a, (size_t)n + 1, sizeof *out->odd);
    uint32_t *key_of = pb_arena_calloc(a, (size_t)n + 1, sizeof *key_of);
    for (int i = 0; i < n; i++) {
        const unsigned char *u = (const unsigned char *)lits[i];
        out->lens[i] = strlen(lits[i]);
        size_t got = 0;
        uint32_t k = out->lens[i] ? char_key(u, out->lens[i], &got) : 0;
        /* a match starts where a character starts: a literal that does
           not start with a whole one is looked for byte by byte */
        if (!out->lens[i] || (u[0] & 0xC0) == 0x80 || got < char_width(u[0])) {
            out->odd[out->nodd++] = i;
            continue;
        }
        key_of[i] = k;
        uint32_t h = key_slot(k, out->shift);
        while (out->keys[h] && out->keys[h] != k)
            h = (h + 1) & out->mask;
        out->keys[h] = k;
        out->count[h]++;
        uint32_t bit = filter_bit(k);
        out->filter[bit >> 6] |= (uint64_t)1 << (bit & 63);
    }
    /* each slot's literals one after another in ids, in the order of ids */
    int at = 0;
    for (uint32_t h = 0; h < slots; h++) {
        out->from[h] = at;
        at += out->count[h];
        out->count[h] = 0;
    }
    for (int i = 0; i < n; i++) {
        if (!key_of[i])
            continue;
        uint32_t h = key_slot(key_of[i], out->shift);
        while (out->keys[h] != key_of[i])
            h = (h + 1) & out->mask;
        out->ids[out->from[h] + out->count[h]++] = i;
    }
}

void check_find_literals(const literal_index *ix, const char *const *lits, const char *s,
                         size_t len, unsigned char *found)
{
    const unsigned char *u = (const unsigned char *)s;
    /* every place a character starts, looked up by that character; a
       place where none starts is harmless (no literal starts with a
       continuation byte), one skipped would not be */
    for (size_t i = 0; i < len;) {
        uint32_t k;
        size_t step = 1;
        unsigned c = u[i];
        if (c < 0x80) {
            k = c << 24;
        } else if (c >= 0xE0 && c < 0xF0 && len - i >= 3 && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            k = c << 24 | (uint32_t)u[i + 1] << 16 | (uint32_t)u[i + 2] << 8;
            step = 3; /* most of the text: CJK */
        } else {
            size_t n;
            k = char_key(u + i, len - i, &n);
        }
        uint32_t bit = filter_bit(k);
        if (ix->filter[bit >> 6] >> (bit & 63) & 1) {
            uint32_t h = key_slot(k, ix->shift);
            while (ix->keys[h] && ix->keys[h] != k)
                h = (h + 1) & ix->mask;
            for (int j = 0; ix->keys[h] && j < ix->count[h]; j++) {
                int id = ix->ids[ix->from[h] + j];
                if (found[id] != 1 && ix->lens[id] <= len - i &&
                    !memcmp(s + i, lits[id], ix->lens[id]))
                    found[id] = 1;
            }
        }
        i += step;
    }
    for (int j = 0; j < ix->nodd; j++) {
        int id = ix->odd[j];
        found[id] = memmem(s, len, lits[id], ix->lens[id]) ? 1 : 2;
    }
    for (int id = 0; id < ix->n; id++)
        if (found[id] != 1)
            found[id] = 2;
}
