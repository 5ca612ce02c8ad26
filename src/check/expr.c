/* Exact decimals and the parser and evaluator of rule checks. */
#include "check/expr.h"

#include <string.h>

#include "base/limits.h"

const char *const pb_cmp_names[] = {"=", "!=", "<", "<=", ">", ">="};

/* ---- decimals ------------------------------------------------------------ */

static const int64_t pow10_table[PB_DEC_MAX_SCALE + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

static bool rescale(pb_dec a, int scale, pb_dec *out)
{
    if (scale < a.scale || scale > PB_DEC_MAX_SCALE)
        return false;
    out->scale = scale;
    return !__builtin_mul_overflow(a.v, pow10_table[scale - a.scale], &out->v);
}

/* a and b at the larger of their scales */
static bool align(pb_dec *a, pb_dec *b)
{
    int s = a->scale > b->scale ? a->scale : b->scale;
    return rescale(*a, s, a) && rescale(*b, s, b);
}

bool pb_dec_add(pb_dec a, pb_dec b, pb_dec *out)
{
    if (!align(&a, &b))
        return false;
    out->scale = a.scale;
    return !__builtin_add_overflow(a.v, b.v, &out->v);
}

bool pb_dec_sub(pb_dec a, pb_dec b, pb_dec *out)
{
    if (!align(&a, &b))
        return false;
    out->scale = a.scale;
    return !__builtin_sub_overflow(a.v, b.v, &out->v);
}

bool pb_dec_mul(pb_dec a, pb_dec b, pb_dec *out)
{
    int64_t v;
    if (__builtin_mul_overflow(a.v, b.v, &v))
        return false;
    int scale = a.scale + b.scale;
    /* places beyond the limit can go only when they are zeros */
    while (scale > PB_DEC_MAX_SCALE && v % 10 == 0) {
        v /= 10;
        scale--;
    }
    if (scale > PB_DEC_MAX_SCALE)
        return false;
    *out = (pb_dec){v, scale};
    return true;
}

bool pb_dec_cmp(pb_dec a, pb_dec b, pb_dec tol, int *out)
{
    pb_dec d;
    if (!pb_dec_sub(a, b, &d) || !align(&d, &tol) || d.v == INT64_MIN)
        return false;
    int64_t mag = d.v < 0 ? -d.v : d.v;
    *out = mag <= (tol.v < 0 ? -tol.v : tol.v) ? 0 : d.v < 0 ? -1 : 1;
    return true;
}

const char *pb_dec_format(pb_dec a, char *buf)
{
    uint64_t mag = a.v < 0 ? (uint64_t)0 - (uint64_t)a.v : (uint64_t)a.v;
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    while (n <= a.scale)
        digits[n++] = '0';
    char *o = buf;
    if (a.v < 0)
        *o++ = '-';
    for (int i = n - 1; i >= 0; i--) {
        *o++ = digits[i];
        if (i == a.scale && i > 0)
            *o++ = '.';
    }
    *o = 0;
    return buf;
}

bool pb_cmp_holds(pb_cmp op, int cmp)
{
    switch (op) {
    case PB_CMP_EQ: return cmp == 0;
    case PB_CMP_NE: return cmp != 0;
    case PB_CMP_LT: return cmp < 0;
    case PB_CMP_LE: return cmp <= 0;
    case PB_CMP_GT: return cmp > 0;
    case PB_CMP_GE: return cmp >= 0;
    }
    return false;
}

/* ---- parser -------------------------------------------------------------- */

typedef struct parser {
    const char *s;
    size_t i;
    pb_arena *a;
    const char *err;
    int err_pos;
    pb_expr **refs;
    int nrefs, cap;
    size_t pos_byte;  /* node positions are counted on from here */
    int pos_char;
    bool text;        /* the text's expressions: TABLE.ROW.CELL */
} parser;

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* characters (not bytes) before byte offset i, plus one */
static int char_pos(const char *s, size_t i)
{
    int n = 1;
    for (size_t k = 0; k < i; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80)
            n++;
    return n;
}

static void skip_space(parser *p)
{
    while (p->s[p->i] == ' ')
        p->i++;
}

/* The token at p->i, quoted, for messages. */
static const char *token_text(parser *p)
{
    const char *s = p->s + p->i;
    if (!*s)
        return "the end";
    size_t n = 1;
    if (is_alpha(*s) || is_digit(*s)) {
        while (is_alpha(s[n]) || is_digit(s[n]) || (is_digit(*s) && s[n] == '.'))
            n++;
    } else if ((*s == '<' || *s == '>' || *s == '!' || *s == '=') && s[1] == '=') {
        n = 2;
    } else {
        while (((unsigned char)s[n] & 0xC0) == 0x80)
            n++;
    }
    return pb_arena_printf(p->a, "\"%.*s\"", (int)n, s);
}

static void fail_at(parser *p, size_t at, const char *msg)
{
    if (p->err)
        return;
    p->err = msg;
    p->err_pos = char_pos(p->s, at);
}

static pb_expr *node(parser *p, pb_expr_kind kind, size_t at)
{
    pb_expr *e = pb_arena_calloc(p->a, 1, sizeof *e);
    e->kind = kind;
    /* nodes come mostly left to right: count on from the last one, so a
     * long check is not counted from its start for every node */
    if (at < p->pos_byte || p->pos_char == 0) {
        p->pos_byte = 0;
        p->pos_char = 1;
    }
    for (; p->pos_byte < at; p->pos_byte++)
        if (((unsigned char)p->s[p->pos_byte] & 0xC0) != 0x80)
            p->pos_char++;
    e->pos = p->pos_char;
    return e;
}

static const char *read_name(parser *p)
{
    size_t start = p->i;
    while (is_alpha(p->s[p->i]) || is_digit(p->s[p->i]))
        p->i++;
    return pb_arena_strndup(p->a, p->s + start, p->i - start);
}

static pb_expr *parse_expr(parser *p);

/* NAME after a '.', or an error naming what is there instead */
static const char *expect_name(parser *p, const char *after)
{
    if (!is_alpha(p->s[p->i])) {
        fail_at(p, p->i, pb_arena_printf(p->a, "expected a name after \"%s\", got %s", after,
                                        token_text(p)));
        return NULL;
    }
    size_t at = p->i;
    const char *name = read_name(p);
    if (!strcmp(name, "sum") || !strcmp(name, "prev")) {
        bool prev_sum = !strcmp(name, "sum") && !strcmp(after, "prev.");
        fail_at(p, at, pb_arena_printf(p->a, "\"%s\" cannot follow \"%s\"%s", name, after,
                                       prev_sum ? " (write sum(prev.NAME))" : ""));
        return NULL;
    }
    return name;
}

/* TABLE.ROW.CELL; p->i is at its first letter */
static bool parse_text_ref(parser *p, pb_expr *e, size_t at)
{
    const char *parts[3];
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (p->s[p->i] != '.') {
                fail_at(p, k == 1 ? at : p->i,
                        pb_arena_printf(p->a, "\"%s\" is not a cell: name it TABLE.ROW.CELL",
                                        pb_arena_strndup(p->a, p->s + at, p->i - at)));
                return false;
            }
            p->i++;
            const char *before = pb_arena_strndup(p->a, p->s + at, p->i - at);
            if (!(parts[k] = expect_name(p, before)))
                return false;
        } else {
            parts[k] = read_name(p);
            if (!strcmp(parts[k], "prev") || !strcmp(parts[k], "sum")) {
                fail_at(p, at, !strcmp(parts[k], "sum")
                                   ? "\"sum\" needs \"(\""
                                   : "\"prev.\" is for rules across years, not for the text");
                return false;
            }
        }
    }
    if (p->s[p->i] == '.') {
        fail_at(p, p->i, "a reference has three parts, TABLE.ROW.CELL");
        return false;
    }
    e->table = parts[0];
    e->name1 = parts[1];
    e->name2 = parts[2];
    return true;
}

static void add_ref(parser *p, pb_expr *e, bool in_sum)
{
    e->in_sum = in_sum;
    e->index = p->nrefs;
    if (p->nrefs == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        p->refs = pb_arena_grow(p->a, p->refs, (size_t)p->nrefs, (size_t)cap, sizeof *p->refs);
        p->cap = cap;
    }
    p->refs[p->nrefs++] = e;
}

/* ref = ["prev" "."] NAME ["." NAME]; p->i is at its first letter */
static pb_expr *parse_ref(parser *p, bool in_sum)
{
    size_t at = p->i;
    pb_expr *e = node(p, PB_EX_REF, at);
    if (p->text) {
        if (!parse_text_ref(p, e, at))
            return NULL;
        e->text = pb_arena_strndup(p->a, p->s + at, p->i - at);
        add_ref(p, e, in_sum);
        return e;
    }
    const char *first = read_name(p);
    if (!strcmp(first, "prev")) {
        if (p->s[p->i] != '.') {
            fail_at(p, p->i, pb_arena_printf(p->a, "expected \".\" after \"prev\", got %s",
                                             token_text(p)));
            return NULL;
        }
        p->i++;
        e->prev = true;
        first = expect_name(p, "prev.");
        if (!first)
            return NULL;
    } else if (!strcmp(first, "sum")) {
        fail_at(p, at, in_sum ? "sum() cannot be nested" : "\"sum\" needs \"(\"");
        return NULL;
    }
    e->name1 = first;
    if (p->s[p->i] == '.') {
        p->i++;
        e->name2 = expect_name(p, pb_arena_printf(p->a, "%s%s.", e->prev ? "prev." : "",
                                                  first));
        if (!e->name2)
            return NULL;
        if (p->s[p->i] == '.') {
            fail_at(p, p->i, "a reference has at most two parts, ROW.CELL");
            return NULL;
        }
    }
    e->text = pb_arena_printf(p->a, "%s%s%s%s", e->prev ? "prev." : "", e->name1,
                              e->name2 ? "." : "", e->name2 ? e->name2 : "");
    add_ref(p, e, in_sum);
    return e;
}

static pb_expr *parse_number(parser *p)
{
    size_t at = p->i;
    pb_expr *e = node(p, PB_EX_NUMBER, at);
    int digits = 0, scale = -1;
    int64_t v = 0;
    for (;; p->i++) {
        char c = p->s[p->i];
        if (is_digit(c)) {
            if (++digits > 18) {
                fail_at(p, at, "a number has at most 18 digits");
                return NULL;
            }
            v = v * 10 + (c - '0');
            if (scale >= 0)
                scale++;
        } else if (c == '.' && scale < 0) {
            if (!is_digit(p->s[p->i + 1])) {
                fail_at(p, p->i + 1, "expected digits after the decimal point");
                return NULL;
            }
            scale = 0;
        } else {
            break;
        }
    }
    e->number = (pb_dec){v, scale < 0 ? 0 : scale};
    return e;
}

static pb_expr *parse_primary(parser *p)
{
    skip_space(p);
    char c = p->s[p->i];
    size_t at = p->i;
    if (is_digit(c)) {
        /* "12abc": name the whole token */
        size_t k = p->i;
        while (is_digit(p->s[k]) || p->s[k] == '.')
            k++;
        if (is_alpha(p->s[k])) {
            while (is_alpha(p->s[k]) || is_digit(p->s[k]))
                k++;
            fail_at(p, at, pb_arena_printf(p->a, "\"%.*s\" is neither a number nor a name "
                                           "(names start with a letter or \"_\")",
                                           (int)(k - at), p->s + at));
            return NULL;
        }
        return parse_number(p);
    }
    if (c == '(') {
        p->i++;
        pb_expr *e = parse_expr(p);
        if (!e)
            return NULL;
        skip_space(p);
        if (p->s[p->i] != ')') {
            fail_at(p, p->i, pb_arena_printf(p->a, "expected \")\", got %s", token_text(p)));
            return NULL;
        }
        p->i++;
        return e;
    }
    if (is_alpha(c)) {
        size_t k = p->i;
        while (is_alpha(p->s[k]) || is_digit(p->s[k]))
            k++;
        if (k - at == 3 && !strncmp(p->s + at, "sum", 3)) {
            p->i = k;
            skip_space(p);
            if (p->s[p->i] != '(') {
                fail_at(p, p->i, pb_arena_printf(p->a, "expected \"(\" after \"sum\", got %s",
                                                 token_text(p)));
                return NULL;
            }
            p->i++;
            skip_space(p);
            if (!is_alpha(p->s[p->i])) {
                fail_at(p, p->i, pb_arena_printf(p->a, "sum() takes a row group, a column "
                                                 "group or a cell, got %s", token_text(p)));
                return NULL;
            }
            pb_expr *e = node(p, PB_EX_SUM, at);
            e->a = parse_ref(p, true);
            if (!e->a)
                return NULL;
            skip_space(p);
            if (p->s[p->i] != ')') {
                fail_at(p, p->i, pb_arena_printf(p->a, "expected \")\" to close sum(, got %s",
                                                 token_text(p)));
                return NULL;
            }
            p->i++;
            return e;
        }
        return parse_ref(p, false);
    }
    fail_at(p, at, pb_arena_printf(p->a, "expected a number, a name, \"sum(\" or \"(\", got %s",
                                   token_text(p)));
    return NULL;
}

static pb_expr *parse_unary(parser *p)
{
    skip_space(p);
    if (p->s[p->i] == '-') {
        pb_expr *e = node(p, PB_EX_NEG, p->i);
        p->i++;
        e->a = parse_unary(p);
        return e->a ? e : NULL;
    }
    return parse_primary(p);
}

static pb_expr *parse_term(parser *p)
{
    pb_expr *left = parse_unary(p);
    while (left) {
        skip_space(p);
        if (p->s[p->i] != '*')
            return left;
        pb_expr *e = node(p, PB_EX_MUL, p->i);
        p->i++;
        e->a = left;
        e->b = parse_unary(p);
        left = e->b ? e : NULL;
    }
    return NULL;
}

static pb_expr *parse_expr(parser *p)
{
    pb_expr *left = parse_term(p);
    while (left) {
        skip_space(p);
        char c = p->s[p->i];
        if (c != '+' && c != '-')
            return left;
        pb_expr *e = node(p, c == '+' ? PB_EX_ADD : PB_EX_SUB, p->i);
        p->i++;
        e->a = left;
        e->b = parse_term(p);
        left = e->b ? e : NULL;
    }
    return NULL;
}

int pb_cmp_parse(const char *s, size_t *len)
{
    if (!s[0])
        return -1;
    *len = s[1] == '=' ? 2 : 1;
    switch (s[0]) {
    case '=': return PB_CMP_EQ;
    case '!': return s[1] == '=' ? PB_CMP_NE : -1;
    case '<': return s[1] == '=' ? PB_CMP_LE : (*len = 1, PB_CMP_LT);
    case '>': return s[1] == '=' ? PB_CMP_GE : (*len = 1, PB_CMP_GT);
    }
    return -1;
}

pb_assertion *pb_expr_parse(const char *src, pb_arena *arena, const char **err, int *err_pos)
{
    parser p = {.s = src, .a = arena};
    int nchars = char_pos(src, strlen(src)) - 1;
    if (nchars > PB_MAX_CHECK_CHARS) {
        *err = pb_arena_printf(arena, "a check of %d characters, more than the limit of %d",
                               nchars, PB_MAX_CHECK_CHARS);
        *err_pos = PB_MAX_CHECK_CHARS + 1;
        return NULL;
    }
    pb_assertion *as = pb_arena_calloc(arena, 1, sizeof *as);
    size_t len;
    int op = -1;
    as->left = parse_expr(&p);
    if (as->left) {
        skip_space(&p);
        op = pb_cmp_parse(p.s + p.i, &len);
        if (op < 0)
            fail_at(&p, p.i, pb_arena_printf(arena, "expected %s, got %s",
                                             p.s[p.i] ? "an operator (+ - *) or a comparison "
                                                        "(= != < <= > >=)"
                                                      : "a comparison (= != < <= > >=)",
                                             token_text(&p)));
    }
    if (op >= 0) {
        p.i += len;
        as->op = (pb_cmp)op;
        as->right = parse_expr(&p);
    }
    if (as->right) {
        skip_space(&p);
        size_t l2;
        if (p.s[p.i] && pb_cmp_parse(p.s + p.i, &l2) >= 0)
            fail_at(&p, p.i, pb_arena_printf(arena, "a check has one comparison, got a second "
                                             "%s", token_text(&p)));
        else if (p.s[p.i])
            fail_at(&p, p.i, pb_arena_printf(arena, "expected an operator (+ - *) or the end, "
                                             "got %s", token_text(&p)));
        else if (p.nrefs == 0)
            fail_at(&p, 0, "the check names no cell");
    }
    if (p.err) {
        *err = p.err;
        *err_pos = p.err_pos;
        return NULL;
    }
    as->refs = p.refs;
    as->nrefs = p.nrefs;
    for (int i = 0; i < p.nrefs; i++)
        as->uses_prev |= p.refs[i]->prev;
    return as;
}

pb_assertion *pb_expr_parse_value(const char *src, pb_arena *arena, const char **err,
                                  int *err_pos)
{
    parser p = {.s = src, .a = arena, .text = true};
    int nchars = char_pos(src, strlen(src)) - 1;
    if (nchars > PB_MAX_CHECK_CHARS) {
        *err = pb_arena_printf(arena, "an expression of %d characters, more than the limit "
                               "of %d", nchars, PB_MAX_CHECK_CHARS);
        *err_pos = PB_MAX_CHECK_CHARS + 1;
        return NULL;
    }
    pb_assertion *as = pb_arena_calloc(arena, 1, sizeof *as);
    as->right = parse_expr(&p);
    if (as->right) {
        skip_space(&p);
        size_t len;
        if (p.s[p.i] && pb_cmp_parse(p.s + p.i, &len) >= 0)
            fail_at(&p, p.i, pb_arena_printf(arena, "one comparison only, got a second %s",
                                             token_text(&p)));
        else if (p.s[p.i])
            fail_at(&p, p.i, pb_arena_printf(arena, "expected an operator (+ - *) or the end, "
                                             "got %s", token_text(&p)));
        else if (p.nrefs == 0)
            fail_at(&p, 0, "the expression names no cell (TABLE.ROW.CELL)");
    }
    if (p.err) {
        *err = p.err;
        *err_pos = p.err_pos;
        return NULL;
    }
    as->refs = p.refs;
    as->nrefs = p.nrefs;
    return as;
}

/* ---- evaluation ---------------------------------------------------------- */

bool pb_expr_eval(const pb_expr *e, pb_ref_value_fn value, void *ctx, pb_dec *out)
{
    pb_dec a, b;
    switch (e->kind) {
    case PB_EX_NUMBER:
        *out = e->number;
        return true;
    case PB_EX_REF:
        return value(ctx, e, out);
    case PB_EX_SUM:
        return value(ctx, e->a, out);
    case PB_EX_NEG:
        if (!pb_expr_eval(e->a, value, ctx, &a) || a.v == INT64_MIN)
            return false;
        *out = (pb_dec){-a.v, a.scale};
        return true;
    case PB_EX_ADD:
    case PB_EX_SUB:
    case PB_EX_MUL:
        if (!pb_expr_eval(e->a, value, ctx, &a) || !pb_expr_eval(e->b, value, ctx, &b))
            return false;
        return e->kind == PB_EX_ADD   ? pb_dec_add(a, b, out)
               : e->kind == PB_EX_SUB ? pb_dec_sub(a, b, out)
                                      : pb_dec_mul(a, b, out);
    }
    return false;
}
