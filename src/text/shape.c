/* Shape stage: each span's text is cut into items of one face and one
 * script (the face from the role's fallback chain, character by
 * character), and each item is shaped by HarfBuzz with the whole
 * paragraph as context, so clusters are byte offsets in the paragraph. */
#include "text/shape.h"

#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include <hb.h>

#include "base/call.h"
#include "base/utf8.h"
#include "fonts/font_check.h"
#include "text/bidi.h"

typedef struct item {
    uint32_t start, end;  /* byte range in the text */
    const pb_face *face;  /* NULL only after a missing character */
    int span;
    hb_script_t script;   /* HB_SCRIPT_INVALID until a strong character */
    uint8_t level;        /* bidi embedding level: odd is right to left */
} item;

typedef struct missing {
    uint32_t cp;
    int role;
} missing;

hb_script_t pb_char_script(uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FEF)
        return HB_SCRIPT_HAN;
    if (cp < 0x80) /* ASCII: letters are Latin, the rest Common */
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? HB_SCRIPT_LATIN : HB_SCRIPT_COMMON;
    return hb_unicode_script(hb_unicode_funcs_get_default(), cp);
}

/* Most of the text: CJK ideographs and printable ASCII, which are neither
 * hidden nor marks (asked of every character, so without a lookup). */
static bool plain_char(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FEF) || (cp >= 0x20 && cp < 0x7F);
}

/* Characters HarfBuzz hides (format controls, variation selectors, tags):
 * they belong to the face of the character they modify and are never
 * "missing". */
static bool is_ignorable(uint32_t cp)
{
    if (plain_char(cp))
        return false;
    if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
        (cp >= 0xE0000 && cp <= 0xE0FFF) || cp == 0x034F)
        return true;
    return pb_char_general_category(cp) == HB_UNICODE_GENERAL_CATEGORY_FORMAT;
}

/* A variation selector the input kept after a CJK ideograph (an
 * ideographic variation sequence, or a standardized variant). */
static bool ideographic_variation(uint32_t cp)
{
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* Variation sequences already warned about in this text. */
typedef struct told_variants {
    uint32_t base[8], vs[8];
    int n;
} told_variants;

/* A face without a glyph for base+vs prints base's usual form (Unicode's
 * fallback for a sequence a font does not support): the text layer keeps
 * the sequence, but the glyph is not the variant asked for, which for a
 * name matters, so say so once per sequence and text. */
static void check_variant(const pb_face *face, const pb_span *sp, uint32_t base, uint32_t vs,
                          told_variants *told, pb_diag *diag)
{
    hb_codepoint_t g;
    if (hb_font_get_variation_glyph(face->hb_font, base, vs, &g))
        return;
    for (int i = 0; i < told->n; i++)
        if (told->base[i] == base && told->vs[i] == vs)
            return;
    if (told->n < 8) {
        told->base[told->n] = base;
        told->vs[told->n++] = vs;
    }
    char ch[8];
    ch[pb_utf8_encode(base, ch)] = 0;
    pb_diag_warning(diag, sp->file, sp->path,
                    "%s has no glyph for the variation sequence U+%04X U+%04X; the usual "
                    "form of \"%s\" is printed", face->family, (unsigned)base, (unsigned)vs, ch);
}

/* Marks, emoji modifiers and the character after a ZWJ stay in the face
 * of what they attach to, if that face can draw them (alone or composed
 * with the previous character). */
static bool attaches(hb_unicode_funcs_t *uf, uint32_t cp, uint32_t prev,
                     const pb_face *face)
{
    hb_unicode_general_category_t gc =
        plain_char(cp) ? HB_UNICODE_GENERAL_CATEGORY_OTHER_LETTER /* no mark */
                       : pb_char_general_category(cp);
    bool mark = gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
                gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
                gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK;
    if (!mark && prev != 0x200D && !(cp >= 0x1F3FB && cp <= 0x1F3FF))
        return false;
    if (pb_fonts_glyph(face, cp))
        return true;
    hb_codepoint_t composed;
    return hb_unicode_compose(uf, prev, cp, &composed) && pb_fonts_glyph(face, composed);
}

/* Script for itemizing: Common/Inherited characters (digits, punctuation)
 * join their neighbours, and kana/bopomofo shape with Han. */
static hb_script_t script_of(uint32_t cp)
{
    hb_script_t s = pb_char_script(cp);
    switch (s) {
    case HB_SCRIPT_COMMON:
    case HB_SCRIPT_INHERITED:
    case HB_SCRIPT_UNKNOWN:
        return HB_SCRIPT_INVALID;
    case HB_SCRIPT_HIRAGANA:
    case HB_SCRIPT_KATAKANA:
    case HB_SCRIPT_BOPOMOFO:
        return HB_SCRIPT_HAN;
    default:
        return s;
    }
}

/* Spaces, digits and punctuation (Unicode's Common script) after a run of
 * another script than Han and Latin stay in that run's face when it has
 * them: the spaces between Uyghur words and the numbers in Uyghur text are
 * the Arabic font's, not those of the role's Chinese font, so they keep the
 * spacing and the look of the text around them.  last: the face of the
 * last letter's run, and its script. */
static const pb_face *kept_face(const pb_face *last, hb_script_t last_script, uint32_t cp)
{
    if (!last || last_script == HB_SCRIPT_INVALID || last_script == HB_SCRIPT_HAN ||
        last_script == HB_SCRIPT_LATIN)
        return NULL;
    hb_script_t s = pb_char_script(cp);
    if (s != HB_SCRIPT_COMMON && s != HB_SCRIPT_INHERITED)
        return NULL;
    return pb_fonts_glyph(last, cp) ? last : NULL;
}

/* The same for the spaces, digits and punctuation a span starts with
 * ("2021-يىلى"): the face of the first letter after them. */
static const pb_face *leading_face(const pb_fontset *fs, const char *text, size_t i,
                                   const pb_span *sp, uint32_t cp)
{
    hb_script_t s = pb_char_script(cp);
    if (s != HB_SCRIPT_COMMON && s != HB_SCRIPT_INHERITED)
        return NULL;
    for (int n = 0; i < sp->end && n < 32; n++) {
        uint32_t next = pb_utf8_next(text, sp->end, &i);
        hb_script_t ns = script_of(next);
        if (ns == HB_SCRIPT_INVALID)
            continue;
        const pb_face *f = pb_fonts_pick(fs, sp->role, next);
        return kept_face(f, ns, cp);
    }
    return NULL;
}

static void report_missing(const pb_fontset *fs, const pb_span *span, uint32_t cp,
                           pb_diag *diag)
{
    char ch[8];
    ch[pb_utf8_encode(cp, ch)] = 0;
    char tried[600];
    size_t k = 0;
    tried[0] = 0;
    int n = pb_fonts_role_face_count(fs, span->role);
    for (int i = 0; i < n; i++) {
        const pb_face *f = pb_fonts_role_face(fs, span->role, i);
        bool named = false; /* the same family in two folders is named once */
        for (int j = 0; j < i && !named; j++)
            named = strcmp(pb_fonts_role_face(fs, span->role, j)->family, f->family) == 0;
        if (named)
            continue;
        size_t need = strlen(f->family) + 2;
        if (k + need + 16 > sizeof tried) {
            snprintf(tried + k, sizeof tried - k, ", ...");
            break;
        }
        k += (size_t)snprintf(tried + k, sizeof tried - k, "%s%s", k ? ", " : "", f->family);
    }
    pb_diag_error(diag, PB_ERR_LAYOUT, span->file, span->path,
                  "U+%04X \"%s\" is in no font of role \"%s\" (tried: %s)", (unsigned)cp,
                  ch, pb_fonts_role_name(fs, span->role), n ? tried : "no fonts");
}

static bool check_spans(const pb_fontset *fs, size_t len, const pb_span *spans,
                        int nspans, pb_diag *diag)
{
    uint32_t at = 0;
    for (int s = 0; s < nspans; s++) {
        const pb_span *sp = &spans[s];
        const char *what = NULL;
        if (sp->start != at || sp->end < sp->start || sp->end > len)
            what = "spans do not cover the text in order";
        else if (pb_fonts_role_name(fs, sp->role) == NULL)
            what = "span has no font role";
        else if (sp->size <= 0)
            what = "span has no type size";
        if (what) {
            pb_diag_error(diag, PB_ERR_INTERNAL, sp->file, sp->path,
                          "%s (span %d: bytes %u..%u of %zu, role %d)", what, s,
                          (unsigned)sp->start, (unsigned)sp->end, len, sp->role);
            return false;
        }
        at = sp->end;
    }
    if (at != len || nspans > UINT16_MAX) {
        pb_diag_error(diag, PB_ERR_INTERNAL, NULL, NULL,
                      "spans do not cover the text (%u of %zu bytes, %d spans)",
                      (unsigned)at, len, nspans);
        return false;
    }
    return true;
}

/* Cuts the spans into items; reports every missing character (once per
 * character and role) and returns false if there was one. */
static bool itemize(const pb_fontset *fs, const char *text, const pb_span *spans,
                    int nspans, const uint8_t *levels, pb_arena *scratch, item **items_out,
                    int *nitems_out, size_t *ncp_out, pb_diag *diag)
{
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    item *items = NULL;
    int nitems = 0, items_cap = 0;
    missing *miss = NULL;
    int nmiss = 0, miss_cap = 0;
    size_t ncp = 0;

    told_variants told = {.n = 0};
    for (int s = 0; s < nspans; s++) {
        const pb_span *sp = &spans[s];
        item *cur = NULL;
        uint32_t prev = 0;
        const pb_face *last_face = NULL; /* of the last letter */
        hb_script_t last_script = HB_SCRIPT_INVALID;
        size_t i = sp->start;
        while (i < sp->end) {
            uint32_t at = (uint32_t)i;
            uint32_t cp = pb_utf8_next(text, sp->end, &i);
            ncp++;
            const pb_face *face;
            if (is_ignorable(cp)) {
                face = cur ? cur->face : pb_fonts_pick(fs, sp->role, cp);
                if (!face)
                    face = pb_fonts_first(fs, sp->role);
                if (cur && face && ideographic_variation(cp))
                    check_variant(face, sp, prev, cp, &told, diag);
            } else if (cur && cur->face && attaches(uf, cp, prev, cur->face)) {
                face = cur->face;
            } else if ((face = kept_face(last_face, last_script, cp)) != NULL) {
                /* the face of the letters before */
            } else if (!last_face && (face = leading_face(fs, text, i, sp, cp)) != NULL) {
                /* before the first letter: the face of the letters after */
            } else {
                face = pb_fonts_pick(fs, sp->role, cp);
            }
            if (!face) {
                bool seen = false;
                for (int m = 0; m < nmiss && !seen; m++)
                    seen = miss[m].cp == cp && miss[m].role == sp->role;
                if (!seen) {
                    if (nmiss == miss_cap) {
                        int grown = miss_cap ? miss_cap * 2 : 8;
                        miss = pb_arena_grow(scratch, miss, (size_t)miss_cap, (size_t)grown,
                                             sizeof *miss);
                        miss_cap = grown;
                    }
                    miss[nmiss++] = (missing){cp, sp->role};
                    /* a role without a usable font: pb_fonts_pick said why */
                    if (pb_fonts_first(fs, sp->role))
                        report_missing(fs, sp, cp, diag);
                }
                face = cur ? cur->face : NULL;
            }
            hb_script_t script = script_of(cp);
            uint8_t level = levels ? levels[at] : 0;
            if (!cur || face != cur->face || level != cur->level ||
                (script != HB_SCRIPT_INVALID && cur->script != HB_SCRIPT_INVALID &&
                 script != cur->script)) {
                if (nitems == items_cap) {
                    int grown = items_cap ? items_cap * 2 : 16;
                    items = pb_arena_grow(scratch, items, (size_t)items_cap, (size_t)grown,
                                          sizeof *items);
                    items_cap = grown;
                }
                cur = &items[nitems++];
                *cur = (item){at, at, face, s, HB_SCRIPT_INVALID, level};
            }
            if (cur->script == HB_SCRIPT_INVALID)
                cur->script = script;
            if (script != HB_SCRIPT_INVALID) {
                last_script = script;
                last_face = face;
            }
            cur->end = (uint32_t)i;
            prev = cp;
        }
    }
    *items_out = items;
    *nitems_out = nitems;
    *ncp_out = ncp;
    return nmiss == 0;
}

/* HarfBuzz interns language tags in a list it extends on first use; make
 * the one paiban uses once, so threads only ever read that list. */
static hb_language_t zh_hans_language;
static pthread_once_t zh_hans_once = PTHREAD_ONCE_INIT;

static void make_zh_hans(void)
{
    zh_hans_language = hb_language_from_string("zh-Hans", -1);
}

static hb_language_t zh_hans(void)
{
    pthread_once(&zh_hans_once, make_zh_hans);
    return zh_hans_language;
}

static hb_language_t uyghur_language;
static pthread_once_t uyghur_once = PTHREAD_ONCE_INIT;

static void make_uyghur(void)
{
    uyghur_language = hb_language_from_string("ug", -1);
}

static hb_language_t uyghur(void)
{
    pthread_once(&uyghur_once, make_uyghur);
    return uyghur_language;
}

/* Every cluster HarfBuzz made of an item checked against the face (a
 * substituted glyph past the last one, a blank or zero-width glyph for a
 * character that prints): a fault rejects the face for this document,
 * which is then laid out again without it (pb_fonts_redo).  The glyphs
 * are kept meanwhile, so nothing else changes. */
static void check_clusters(const pb_fontset *fs, const pb_face *face, const char *text,
                           uint32_t end, const hb_glyph_info_t *info, unsigned count,
                           bool joined)
{
    enum { MOST = 32 };
    bool rtl = count > 0 && info[0].cluster > info[count - 1].cluster;
    for (unsigned g = 0; g < count;) {
        uint32_t c = info[g].cluster, next = end;
        uint32_t gids[MOST];
        int ngids = 0;
        unsigned k = g;
        for (; k < count && info[k].cluster == c; k++)
            if (ngids < MOST)
                gids[ngids++] = info[k].codepoint;
        /* glyphs with ink and advance pass whatever the text */
        if (pb_font_glyphs_print(face, gids, ngids)) {
            g = k;
            continue;
        }
        /* the cluster's text runs to the next cluster in logical order:
           the next glyph's, or in right-to-left output the previous one's */
        if (!rtl && k < count)
            next = info[k].cluster;
        else if (rtl && g > 0)
            next = info[g - 1].cluster;
        uint32_t cps[MOST];
        int ncps = 0;
        for (size_t i = c; i < next && ncps < MOST;)
            cps[ncps++] = pb_utf8_next(text, next, &i);
        char why[240];
        if (!pb_font_check_cluster(face, cps, ncps, gids, ngids, joined, why, sizeof why)) {
            pb_fonts_reject(fs, face->id, why);
            return;
        }
        g = k;
    }
}

bool pb_shape(const pb_fontset *fs, const char *text, size_t len,
              const pb_span *spans, int nspans, pb_arena *arena,
              pb_shaped *out, pb_diag *diag)
{
    *out = (pb_shaped){text, len, spans, nspans, NULL, 0, 0};
    if (!check_spans(fs, len, spans, nspans, diag))
        return false;
    /* UAX #9: each run is shaped in its own direction */
    uint8_t *levels = NULL, base = 0;
    if (pb_bidi_any_rtl(text, len) && !pb_bidi_levels(text, len, arena, &levels, &base)) {
        pb_diag_error(diag, PB_ERR_INTERNAL, spans[0].file, spans[0].path,
                      "bidirectional analysis failed");
        return false;
    }
    out->base_level = base;
    /* the items, given back however the shaping ends */
    pb_scratch work;
    pb_arena *scratch = pb_scratch_begin(&work);
    item *items;
    int nitems;
    size_t ncp;
    if (!itemize(fs, text, spans, nspans, levels, scratch, &items, &nitems, &ncp, diag)) {
        pb_scratch_end(&work);
        return false;
    }

    size_t cap = ncp + 16, n = 0;
    pb_glyph *glyphs = pb_arena_calloc(arena, cap, sizeof *glyphs);
    hb_buffer_t *buf = hb_buffer_create();
    hb_language_t zh = zh_hans(), ug = uyghur();

    for (int k = 0; k < nitems; k++) {
        const item *it = &items[k];
        const pb_span *sp = &spans[it->span];
        const pb_face *face = it->face;
        bool rtl = it->level & 1;
        hb_buffer_clear_contents(buf);
        hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
        hb_buffer_set_script(buf, it->script != HB_SCRIPT_INVALID ? it->script : HB_SCRIPT_HAN);
        /* Arabic script in a Chinese official document is Uyghur */
        hb_buffer_set_language(buf, it->script == HB_SCRIPT_ARABIC ? ug : zh);
        hb_buffer_set_cluster_level(buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
        /* hidden characters (ZWSP, variation selectors) get no glyph of
         * their own; their bytes join the previous glyph's cluster */
        hb_buffer_set_flags(buf, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES |
                                     (it->start == 0 ? HB_BUFFER_FLAG_BOT : 0) |
                                     (it->end == len ? HB_BUFFER_FLAG_EOT : 0));
        hb_buffer_add_utf8(buf, text, (int)len, it->start, (int)(it->end - it->start));
        hb_shape(face->hb_font, buf, NULL, 0);

        if (!hb_buffer_allocation_successful(buf)) {
            hb_buffer_destroy(buf);
            pb_scratch_end(&work);
            pb_diag_out_of_memory(diag);
            return false;
        }
        unsigned count;
        const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &count);
        const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
        /* the nominal glyphs were checked when the face was picked; what
           joining scripts substitute may be parts with no ink or advance */
        check_clusters(fs, face, text, it->end, info, count,
                       it->script != HB_SCRIPT_INVALID && it->script != HB_SCRIPT_HAN &&
                           it->script != HB_SCRIPT_LATIN);
        if (n + count > cap) {
            size_t ncap = cap * 2 > n + count ? cap * 2 : n + count;
            glyphs = pb_arena_grow(arena, glyphs, n, ncap, sizeof *glyphs);
            cap = ncap;
        }
        int upem = face->upem;
        /* only text of a left-to-right paragraph sits on the character
           grid, and not Arabic script (Uyghur) in it */
        bool grid = sp->tracking_to > 0 && it->level == 0 && it->script != HB_SCRIPT_ARABIC;
        for (unsigned k = 0; k < count; k++) {
            /* right-to-left output is in visual order: kept in logical
             * order, as the line breaker reads it (setter.c puts it back) */
            unsigned g = rtl ? count - 1 - k : k;
            pb_glyph *o = &glyphs[n++];
            int32_t adv = pos[g].x_advance;
            o->gid = info[g].codepoint;
            o->cluster = info[g].cluster;
            o->advance = pb_fx_muldiv(adv, sp->size, upem);
            /* full-width glyphs sit on the character grid, and half-width
             * ones (the digits of CJK fonts) take half a cell, so that
             * "2021年" keeps the columns */
            if (grid && abs(adv - upem) * 10 <= upem)
                o->advance = sp->tracking_to;
            else if (grid && abs(2 * adv - upem) * 50 <= upem)
                o->advance = sp->tracking_to / 2;
            o->x_offset = pb_fx_muldiv(pos[g].x_offset, sp->size, upem);
            o->y_offset = pb_fx_muldiv(pos[g].y_offset, sp->size, upem);
            o->fu_advance = adv;
            o->fu_x_offset = pos[g].x_offset;
            o->fu_y_offset = pos[g].y_offset;
            o->face = (uint16_t)face->id;
            o->span = (uint16_t)it->span;
            o->level = it->level;
        }
    }
    hb_buffer_destroy(buf);
    pb_scratch_end(&work);
    out->glyphs = glyphs;
    out->nglyphs = (int)n;
    return true;
}

bool pb_glyph_ink_x(const pb_face *face, uint32_t gid, int32_t *left, int32_t *right)
{
    /* a plain CFF charstring is measured without HarfBuzz's interpreter */
    int quick = pb_font_quick_ink_x(face, gid, left, right);
    if (quick >= 0)
        return quick == 1;
    hb_glyph_extents_t ext;
    if (!face || !hb_font_get_glyph_extents(face->hb_font, gid, &ext) || ext.width == 0)
        return false;
    *left = ext.x_bearing;
    *right = ext.x_bearing + ext.width;
    return true;
}

bool pb_glyph_ink(const pb_face *face, uint32_t gid, pb_fx size, pb_fx *top,
                  pb_fx *bottom)
{
    hb_glyph_extents_t ext;
    if (!face || !hb_font_get_glyph_extents(face->hb_font, gid, &ext) || ext.height == 0)
        return false;
    /* HarfBuzz is y-up: y_bearing is the top, height is negative */
    *top = -pb_fx_muldiv(ext.y_bearing, size, face->upem);
    *bottom = -pb_fx_muldiv(ext.y_bearing + ext.height, size, face->upem);
    return true;
}

/* ---- outlines ------------------------------------------------------------ */

/* Steps collected with malloc: HarfBuzz calls back from inside itself,
 * where paiban's allocator must not jump out on a failure. */
typedef struct outline_buf {
    pb_outline_op *ops;
    int n, cap;
    bool failed;
} outline_buf;

static void outline_add(outline_buf *b, char op, int npts, const float *xy)
{
    if (b->failed)
        return;
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 64;
        pb_outline_op *ops = realloc(b->ops, (size_t)cap * sizeof *ops);
        if (!ops) {
            b->failed = true;
            return;
        }
        b->ops = ops;
        b->cap = cap;
    }
    pb_outline_op *o = &b->ops[b->n++];
    memset(o, 0, sizeof *o);
    o->op = op;
    for (int i = 0; i < npts; i++) {
        o->x[i] = xy[2 * i];
        o->y[i] = xy[2 * i + 1];
    }
}

static void draw_move(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                      void *user)
{
    (void)df, (void)st, (void)user;
    float xy[2] = {x, y};
    outline_add(data, 'M', 1, xy);
}

static void draw_line(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                      void *user)
{
    (void)df, (void)st, (void)user;
    float xy[2] = {x, y};
    outline_add(data, 'L', 1, xy);
}

static void draw_cubic(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float c1x,
                       float c1y, float c2x, float c2y, float x, float y, void *user)
{
    (void)df, (void)st, (void)user;
    float xy[6] = {c1x, c1y, c2x, c2y, x, y};
    outline_add(data, 'C', 3, xy);
}

static void draw_close(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, void *user)
{
    (void)df, (void)st, (void)user;
    outline_add(data, 'Z', 0, NULL);
}

/* A copy of len bytes of the malloc'ed `from` in the arena; `from` is freed
 * however the copying ends, memory running out included. */
static void *move_to_arena(pb_arena *arena, void *from, size_t len)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        free(from);
        pb_oom_rethrow();
    }
    void *to = pb_arena_alloc(arena, len);
    pb_oom_leave(&scope);
    memcpy(to, from, len);
    free(from);
    return to;
}

int pb_glyph_outline(const pb_face *face, uint32_t gid, pb_arena *arena, pb_outline_op **out)
{
    *out = NULL;
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, draw_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, draw_line, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, draw_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, draw_close, NULL, NULL);
    outline_buf b = {0};
    /* the face's font is unscaled: its units are the font's */
    hb_font_get_glyph_shape(face->hb_font, gid, df, &b);
    hb_draw_funcs_destroy(df);
    if (b.failed) {
        free(b.ops);
        return -1;
    }
    if (b.n > 0)
        *out = move_to_arena(arena, b.ops, (size_t)b.n * sizeof **out);
    else
        free(b.ops);
    return b.n;
}
