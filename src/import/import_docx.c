/* Word documents (.docx, Office Open XML), as Word, WPS and LibreOffice
 * write them: a zip archive (libzip, from memory) of XML parts (libxml2).
 *
 * What is read: the paragraphs of word/document.xml with their runs (bold
 * as Word shows it: the run's own setting, else its character style's,
 * else the paragraph style's), the paragraph style (Title, heading 1-9)
 * and outline level, the alignment, automatic numbering (word/numbering.xml:
 * "一、" and "（一）" that Word draws but the text does not hold), page
 * breaks, and tables (w:tbl) with their merged cells (gridSpan, vMerge).
 * Headers, footers, footnotes, comments, deleted text, field codes and
 * drawings are not part of a report's text and are skipped.
 *
 * A .docx is a container anybody can fill: every part is read with a
 * limit on its expanded size whatever the archive says (a zip bomb stops
 * there), and XML with a document type declaration is refused before the
 * parser reads it further (Word never writes one; it is how external
 * entities and entity expansion bombs come in).  The parser never uses
 * the network and never substitutes entities. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/xml_lib.h"
#include "import/zip_lib.h"

#include "base/limits.h"
#include "import/import.h"
#include "import/import_text.h"

/* The XML walk recurses; libxml2 refuses documents deeper than 256. */
#define MAX_DEPTH 300
/* Style chains (basedOn) followed at most so far. */
#define MAX_STYLE_CHAIN 20
/* Numbering levels of Word. */
#define NUM_LEVELS 9

/* ---- the zip archive ------------------------------------------------------- */

typedef struct docx {
    im_doc *doc;
    pb_diag *diag;
    zip_t *zip;
    /* styles */
    struct style *styles;
    int nstyles;
    bool default_bold;
    int default_size;
    /* numbering */
    struct abstract_num *abstracts;
    int nabstracts;
    struct num *nums;
    int nnums;
    /* the walk */
    int paragraphs, tables;
    int skipped_drawings;
    bool failed;
} docx;

static const char *file_of(docx *x)
{
    return x->doc->file;
}

/* A part of the archive, expanded (NUL-terminated, malloc'ed), or NULL:
 * *missing when it is not there, else an error was reported. */
static char *read_part(docx *x, const char *name, size_t *len, bool *missing)
{
    *missing = false;
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0) {
        *missing = true;
        return NULL;
    }
    zip_file_t *f = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!f) {
        zip_error_t *ze = zip_get_error(x->zip);
        pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), name, "cannot be read: %s%s",
                      zip_error_strerror(ze),
                      zip_error_code_zip(ze) == ZIP_ER_NOPASSWD ||
                              zip_error_code_zip(ze) == ZIP_ER_WRONGPASSWD
                          ? " (the document is encrypted: save it without a password)"
                          : "");
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = pb_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > PB_MAX_DOCX_PART_BYTES)
                break;
            cap = cap * 2 > PB_MAX_DOCX_PART_BYTES + 1 ? PB_MAX_DOCX_PART_BYTES + 1 : cap * 2;
            buf = pb_xrealloc(buf, cap + 1);
        }
        zip_int64_t r = zip_fread(f, buf + n, cap - n);
        if (r < 0) {
            pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), name,
                          "the zip archive is corrupt: %s",
                          zip_error_strerror(zip_file_get_error(f)));
            zip_fclose(f);
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    zip_fclose(f);
    if (n > PB_MAX_DOCX_PART_BYTES) {
        pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), name,
                      "expands to more than the limit of %u bytes (a zip bomb?): refused",
                      PB_MAX_DOCX_PART_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* ---- safe XML -------------------------------------------------------------- */

typedef struct xml_guard {
    bool doctype;
} xml_guard;

/* A document type declaration stops the parser at once. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlParserCtxtPtr ctxt = ctx;
    ((xml_guard *)ctxt->_private)->doctype = true;
    xmlStopParser(ctxt);
}

static xmlDocPtr parse_part(docx *x, const char *name, const char *bytes, size_t len)
{
    if (len > INT32_MAX)
        return NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        pb_diag_error(x->diag, PB_ERR_INTERNAL, file_of(x), name, "cannot make an XML parser");
        return NULL;
    }
    xml_guard guard = {false};
    ctxt->_private = &guard;
    ctxt->sax->internalSubset = on_doctype;
    /* no network, no entity substitution, no DTD loading, libxml2's size
       and depth limits (no XML_PARSE_HUGE) */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, bytes, (int)len, NULL, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);
    if (guard.doctype) {
        pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), name,
                      "the XML declares a document type (<!DOCTYPE>), which Word never "
                      "writes and which brings external entities and entity expansion: "
                      "refused");
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        char msg[200] = "";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            /* libxml2's own limits speak of its options: say what they mean */
            char *opt = strstr(msg, " use XML_PARSE_HUGE");
            if (!opt)
                opt = strstr(msg, "use XML_PARSE_HUGE");
            if (opt)
                *opt = 0;
            if (strstr(msg, "Excessive depth"))
                snprintf(msg, sizeof msg, "elements nested more than %d deep", 256);
            size_t k = strlen(msg);
            while (k > 0 && (msg[k - 1] == '\n' || msg[k - 1] == ' ' || msg[k - 1] == ','))
                msg[--k] = 0;
        }
        pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), name,
                      "not well-formed XML (line %d: %s)", e ? e->line : 0,
                      msg[0] ? msg : "unreadable");
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* ---- elements and attributes ----------------------------------------------------- */

static bool w_ns(const xmlNode *n)
{
    if (!n->ns || !n->ns->href)
        return false;
    const char *h = (const char *)n->ns->href;
    size_t len = strlen(h);
    return (len >= 26 && !strcmp(h + len - 26, "wordprocessingml/2006/main")) ||
           (len >= 21 && !strcmp(h + len - 21, "wordprocessingml/main"));
}

/* A WordprocessingML element named name. */
static bool is_w(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && w_ns(n) && !strcmp((const char *)n->name, name);
}

static const xmlNode *child_w(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, name))
            return c;
    return NULL;
}

/* The value of attribute `name` (w:name or plain), borrowed; NULL if absent. */
static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        if (a->children && a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
        return "";
    }
    return NULL;
}

/* A toggle property (w:b, w:vanish): -1 absent, else on (1) or off (0). */
static int toggle(const xmlNode *props, const char *name)
{
    const xmlNode *p = child_w(props, name);
    if (!p)
        return -1;
    const char *v = attr(p, "val");
    if (!v)
        return 1;
    return !(strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0);
}

static int int_attr(const xmlNode *n, const char *name, int dflt)
{
    const char *v = attr(n, name);
    if (!v || !*v)
        return dflt;
    long k = strtol(v, NULL, 10);
    return k > 100000 ? 100000 : k < -100000 ? -100000 : (int)k;
}

static int align_of(const xmlNode *ppr)
{
    const xmlNode *jc = child_w(ppr, "jc");
    const char *v = jc ? attr(jc, "val") : NULL;
    if (!v)
        return -1;
    if (!strcmp(v, "center"))
        return PB_ALIGN_CENTER;
    if (!strcmp(v, "right") || !strcmp(v, "end"))
        return PB_ALIGN_RIGHT;
    if (!strcmp(v, "left") || !strcmp(v, "start"))
        return PB_ALIGN_LEFT;
    if (!strcmp(v, "both") || !strcmp(v, "distribute"))
        return PB_ALIGN_JUSTIFY;
    return -1;
}

/* ---- styles ------------------------------------------------------------------ */

typedef struct style {
    char *id, *based_on;  /* arena */
    bool paragraph;       /* a paragraph style (else character, table...) */
    int bold;             /* -1 unset */
    int size;             /* half points, 0 unset */
    int align;            /* -1 unset */
    int outline;          /* 1..9, 0 unset */
    bool title;
    int num_id, num_level; /* numbering of the style, num_id 0 unset */
} style;

static const style *find_style(const docx *x, const char *id)
{
    if (!id)
        return NULL;
    for (int i = 0; i < x->nstyles; i++)
        if (!strcmp(x->styles[i].id, id))
            return &x->styles[i];
    return NULL;
}

/* A property of a style, following basedOn: the first set value. */
#define STYLE_PROP(x, id, field, unset, out)                                                   \
    do {                                                                                       \
        const style *s_ = find_style((x), (id));                                               \
        for (int k_ = 0; s_ && k_ < MAX_STYLE_CHAIN; k_++) {                                   \
            if (s_->field != (unset)) {                                                        \
                (out) = s_->field;                                                             \
                break;                                                                         \
            }                                                                                  \
            s_ = find_style((x), s_->based_on);                                                \
        }                                                                                      \
    } while (0)

static void read_styles(docx *x, xmlDocPtr doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    int cap = 0;
    for (const xmlNode *s = root ? root->children : NULL; s; s = s->next) {
        if (is_w(s, "docDefaults")) {
            const xmlNode *rpr = child_w(child_w(s, "rPrDefault"), "rPr");
            x->default_bold = toggle(rpr, "b") == 1;
            const xmlNode *sz = child_w(rpr, "sz");
            if (sz)
                x->default_size = int_attr(sz, "val", 0);
            continue;
        }
        if (!is_w(s, "style") || !attr(s, "styleId"))
            continue;
        if (x->nstyles == cap) {
            cap = cap ? cap * 2 : 64;
            x->styles = pb_arena_grow(x->doc->arena, x->styles, (size_t)x->nstyles,
                                      (size_t)cap, sizeof *x->styles);
        }
        style *st = &x->styles[x->nstyles++];
        memset(st, 0, sizeof *st);
        st->id = pb_arena_strdup(x->doc->arena, attr(s, "styleId"));
        const char *type = attr(s, "type");
        st->paragraph = !type || !strcmp(type, "paragraph");
        st->bold = -1;
        st->align = -1;
        const xmlNode *b = child_w(s, "basedOn");
        if (b && attr(b, "val"))
            st->based_on = pb_arena_strdup(x->doc->arena, attr(b, "val"));
        const xmlNode *nm = child_w(s, "name");
        const char *name = nm ? attr(nm, "val") : NULL;
        if (name) {
            /* built-in names are English whatever the language of Word */
            if (!strncasecmp(name, "heading ", 8) && name[8] >= '1' && name[8] <= '9' &&
                !name[9])
                st->outline = name[8] - '0';
            else if (!strcasecmp(name, "title"))
                st->title = true;
        }
        const xmlNode *ppr = child_w(s, "pPr");
        const xmlNode *ol = child_w(ppr, "outlineLvl");
        if (ol) {
            int lv = int_attr(ol, "val", 9);
            if (lv >= 0 && lv <= 8)
                st->outline = lv + 1;
        }
        st->align = align_of(ppr);
        const xmlNode *numpr = child_w(ppr, "numPr");
        if (numpr) {
            st->num_id = int_attr(child_w(numpr, "numId"), "val", 0);
            st->num_level = int_attr(child_w(numpr, "ilvl"), "val", 0);
        }
        const xmlNode *rpr = child_w(s, "rPr");
        st->bold = toggle(rpr, "b");
        const xmlNode *sz = child_w(rpr, "sz");
        if (sz)
            st->size = int_attr(sz, "val", 0);
    }
}

/* ---- automatic numbering ------------------------------------------------------------ */

typedef struct num_level {
    int start;
    char fmt[32];         /* numFmt: decimal, chineseCounting, ... */
    char text[64];        /* lvlText: "%1、" */
} num_level;

typedef struct abstract_num {
    int id;
    num_level levels[NUM_LEVELS];
} abstract_num;

typedef struct num {
    int id;
    int abstract;         /* index into abstracts, -1 */
    int counters[NUM_LEVELS];
    bool started[NUM_LEVELS];
    int start_override[NUM_LEVELS]; /* -1 none */
} num;

static void read_numbering(docx *x, xmlDocPtr doc)
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    int acap = 0, ncap = 0;
    for (const xmlNode *s = root ? root->children : NULL; s; s = s->next) {
        if (is_w(s, "abstractNum")) {
            if (x->nabstracts == acap) {
                acap = acap ? acap * 2 : 16;
                x->abstracts = pb_arena_grow(x->doc->arena, x->abstracts, (size_t)x->nabstracts,
                                             (size_t)acap, sizeof *x->abstracts);
            }
            abstract_num *a = &x->abstracts[x->nabstracts++];
            memset(a, 0, sizeof *a);
            a->id = int_attr(s, "abstractNumId", -1);
            for (int l = 0; l < NUM_LEVELS; l++)
                a->levels[l].start = 1;
            for (const xmlNode *lv = s->children; lv; lv = lv->next) {
                if (!is_w(lv, "lvl"))
                    continue;
                int il = int_attr(lv, "ilvl", -1);
                if (il < 0 || il >= NUM_LEVELS)
                    continue;
                num_level *L = &a->levels[il];
                L->start = int_attr(child_w(lv, "start"), "val", 1);
                const char *f = attr(child_w(lv, "numFmt"), "val");
                snprintf(L->fmt, sizeof L->fmt, "%s", f ? f : "decimal");
                const char *t = attr(child_w(lv, "lvlText"), "val");
                snprintf(L->text, sizeof L->text, "%s", t ? t : "");
            }
        } else if (is_w(s, "num")) {
            if (x->nnums == ncap) {
                ncap = ncap ? ncap * 2 : 16;
                x->nums = pb_arena_grow(x->doc->arena, x->nums, (size_t)x->nnums, (size_t)ncap,
                                        sizeof *x->nums);
            }
            num *n = &x->nums[x->nnums++];
            memset(n, 0, sizeof *n);
            n->id = int_attr(s, "numId", -1);
            int aid = int_attr(child_w(s, "abstractNumId"), "val", -1);
            n->abstract = -1;
            for (int i = 0; i < x->nabstracts; i++)
                if (x->abstracts[i].id == aid)
                    n->abstract = i;
            for (int l = 0; l < NUM_LEVELS; l++)
                n->start_override[l] = -1;
            for (const xmlNode *o = s->children; o; o = o->next) {
                if (!is_w(o, "lvlOverride"))
                    continue;
                int il = int_attr(o, "ilvl", -1);
                const xmlNode *so = child_w(o, "startOverride");
                if (il >= 0 && il < NUM_LEVELS && so)
                    n->start_override[il] = int_attr(so, "val", 1);
            }
        }
    }
}

/* A number written in a numbering format. */
static void format_number(char *out, size_t cap, const char *fmt, int v)
{
    static const char *const cn[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (v < 0)
        v = 0;
    /* chineseCounting, chineseCountingThousand, taiwaneseCountingThousand
       (what LibreOffice writes for 一, 二, 三), japaneseCounting, ... */
    if (!strncmp(fmt, "chinese", 7) || !strncmp(fmt, "taiwanese", 9) ||
        !strncmp(fmt, "japanese", 8) || !strncmp(fmt, "ideograph", 9) ||
        !strncmp(fmt, "korean", 6)) {
        /* 一 … 九十九 */
        char buf[64] = "";
        if (v >= 100)
            snprintf(buf, sizeof buf, "%d", v);
        else if (v == 0)
            strcpy(buf, cn[0]);
        else {
            if (v >= 10) {
                if (v / 10 > 1)
                    strcat(buf, cn[v / 10]);
                strcat(buf, "十");
            }
            if (v % 10)
                strcat(buf, cn[v % 10]);
        }
        snprintf(out, cap, "%s", buf);
    } else if (!strcmp(fmt, "upperLetter") || !strcmp(fmt, "lowerLetter")) {
        char c = (char)((v - 1) % 26 + (fmt[0] == 'u' ? 'A' : 'a'));
        snprintf(out, cap, "%c", v > 0 ? c : '0');
    } else if (!strcmp(fmt, "upperRoman") || !strcmp(fmt, "lowerRoman")) {
        static const int val[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
        static const char *const sym[] = {"M", "CM", "D", "CD", "C", "XC", "L",
                                          "XL", "X", "IX", "V", "IV", "I"};
        char buf[64] = "";
        for (int i = 0; i < 13 && v > 0 && v < 4000; i++)
            while (v >= val[i] && strlen(buf) < 40) {
                strcat(buf, sym[i]);
                v -= val[i];
            }
        if (fmt[0] == 'l')
            for (char *p = buf; *p; p++)
                *p = (char)(*p + 32);
        snprintf(out, cap, "%s", buf);
    } else if (!strcmp(fmt, "decimalEnclosedCircle") || !strcmp(fmt, "decimalEnclosedCircleChinese")) {
        if (v >= 1 && v <= 20) {
            char u[8];
            int k = 0;
            uint32_t cp = 0x2460 + (uint32_t)(v - 1);
            u[k++] = (char)(0xE0 | (cp >> 12));
            u[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[k++] = (char)(0x80 | (cp & 0x3F));
            u[k] = 0;
            snprintf(out, cap, "%s", u);
        } else {
            snprintf(out, cap, "%d", v);
        }
    } else {
        snprintf(out, cap, "%d", v);
    }
}

/* The text Word draws before a numbered paragraph ("一、", "（二）"), or
 * "" for a bullet or none. */
static const char *numbering_text(docx *x, int num_id, int level)
{
    if (num_id <= 0 || level < 0 || level >= NUM_LEVELS)
        return "";
    num *n = NULL;
    for (int i = 0; i < x->nnums; i++)
        if (x->nums[i].id == num_id)
            n = &x->nums[i];
    if (!n || n->abstract < 0)
        return "";
    const abstract_num *a = &x->abstracts[n->abstract];
    const num_level *L = &a->levels[level];
    if (!strcmp(L->fmt, "bullet") || !strcmp(L->fmt, "none"))
        return "";
    /* this level counts on, the levels below start again */
    if (!n->started[level]) {
        n->counters[level] = n->start_override[level] >= 0 ? n->start_override[level]
                                                            : L->start;
        n->started[level] = true;
    } else {
        n->counters[level]++;
    }
    for (int l = level + 1; l < NUM_LEVELS; l++)
        n->started[l] = false;
    char out[128] = "";
    size_t o = 0;
    for (const char *p = L->text; *p && o + 32 < sizeof out; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            int l = p[1] - '1';
            int v = n->started[l] ? n->counters[l] : a->levels[l].start;
            format_number(out + o, sizeof out - o, a->levels[l].fmt, v);
            o += strlen(out + o);
            p++;
        } else {
            out[o++] = *p;
            out[o] = 0;
        }
    }
    return pb_arena_strdup(x->doc->arena, out);
}

/* ---- paragraphs ------------------------------------------------------------------ */

typedef struct para_state {
    tbuf text;
    const char *style_id;
    int align, outline;
    bool title;
    int max_size;
    bool in_field_code;   /* between fldChar begin and separate */
    int field_depth;
} para_state;

static void emit_para(docx *x, para_state *p)
{
    bool any = false;
    for (size_t i = 0; i < p->text.len && !any; i++)
        any = p->text.s[i] != ' ' && p->text.s[i] != '\n' && p->text.s[i] != '\t';
    if (any) {
        im_block *b = im_doc_add(x->doc, IM_PARA);
        b->para.text = tbuf_finish(&p->text, x->doc->arena);
        b->para.align = p->align;
        b->para.outline = p->outline;
        b->para.title_style = p->title;
        b->para.size_half_pt = p->max_size;
        b->para.where = pb_arena_printf(x->doc->arena, "paragraph %d", x->paragraphs);
    }
    p->text.len = 0;
}

/* Whether a run is bold: its own w:b, else its character style's, else the
 * paragraph style's, else the document's default. */
static bool run_bold(docx *x, const xmlNode *rpr, const char *pstyle)
{
    int b = toggle(rpr, "b");
    if (b >= 0)
        return b == 1;
    const xmlNode *rs = child_w(rpr, "rStyle");
    if (rs) {
        int v = -1;
        STYLE_PROP(x, attr(rs, "val"), bold, -1, v);
        if (v >= 0)
            return v == 1;
    }
    int v = -1;
    STYLE_PROP(x, pstyle, bold, -1, v);
    if (v >= 0)
        return v == 1;
    return x->default_bold;
}

static int run_size(docx *x, const xmlNode *rpr, const char *pstyle)
{
    const xmlNode *sz = child_w(rpr, "sz");
    if (sz)
        return int_attr(sz, "val", 0);
    int v = 0;
    const xmlNode *rs = child_w(rpr, "rStyle");
    if (rs)
        STYLE_PROP(x, attr(rs, "val"), size, 0, v);
    if (!v)
        STYLE_PROP(x, pstyle, size, 0, v);
    return v ? v : x->default_size;
}

static void paragraph_content(docx *x, const xmlNode *n, para_state *p, int depth);

static void run(docx *x, const xmlNode *r, para_state *p)
{
    const xmlNode *rpr = child_w(r, "rPr");
    if (toggle(rpr, "vanish") == 1)
        return; /* hidden text */
    bool bold = run_bold(x, rpr, p->style_id);
    int size = run_size(x, rpr, p->style_id);
    for (const xmlNode *c = r->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(c, "fldChar")) {
            const char *t = attr(c, "fldCharType");
            if (t && !strcmp(t, "begin")) {
                p->field_depth++;
                p->in_field_code = true;
            } else if (t && !strcmp(t, "separate")) {
                p->in_field_code = false;
            } else if (t && !strcmp(t, "end")) {
                if (p->field_depth > 0)
                    p->field_depth--;
                p->in_field_code = false;
            }
            continue;
        }
        if (p->in_field_code)
            continue; /* a field's instruction, not its result */
        if (is_w(c, "t")) {
            const xmlNode *tn = c->children;
            for (; tn; tn = tn->next)
                if (tn->type == XML_TEXT_NODE && tn->content) {
                    tbuf_put(&p->text, (const char *)tn->content,
                             strlen((const char *)tn->content), bold);
                    if (size > p->max_size)
                        p->max_size = size;
                }
        } else if (is_w(c, "tab") || is_w(c, "ptab")) {
            tbuf_put(&p->text, " ", 1, false);
        } else if (is_w(c, "br") || is_w(c, "cr")) {
            const char *type = attr(c, "type");
            if (type && !strcmp(type, "page")) {
                emit_para(x, p);
                im_doc_add(x->doc, IM_PAGE_BREAK);
            } else {
                tbuf_put(&p->text, "\n", 1, false);
            }
        } else if (is_w(c, "noBreakHyphen")) {
            tbuf_put(&p->text, "-", 1, bold);
        } else if (is_w(c, "sym")) {
            /* a character of a symbol font (Wingdings): not text */
            x->skipped_drawings++;
        } else if (is_w(c, "drawing") || is_w(c, "pict") || is_w(c, "object")) {
            x->skipped_drawings++;
        }
    }
}

static void paragraph_content(docx *x, const xmlNode *n, para_state *p, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_w(c, "r")) {
            run(x, c, p);
        } else if (is_w(c, "hyperlink") || is_w(c, "ins") || is_w(c, "smartTag") ||
                   is_w(c, "fldSimple") || is_w(c, "customXml") || is_w(c, "bdo") ||
                   is_w(c, "dir") || is_w(c, "moveTo")) {
            paragraph_content(x, c, p, depth + 1);
        } else if (is_w(c, "sdt")) {
            const xmlNode *content = child_w(c, "sdtContent");
            if (content)
                paragraph_content(x, content, p, depth + 1);
        }
        /* w:del, w:moveFrom: removed text; mc:AlternateContent: drawings */
    }
}

static void paragraph(docx *x, const xmlNode *n)
{
    x->paragraphs++;
    const xmlNode *ppr = child_w(n, "pPr");
    para_state p = {0};
    const xmlNode *ps = child_w(ppr, "pStyle");
    p.style_id = ps ? attr(ps, "val") : NULL;
    if (!find_style(x, p.style_id))
        p.style_id = NULL;
    p.align = align_of(ppr);
    if (p.align < 0)
        STYLE_PROP(x, p.style_id, align, -1, p.align);
    STYLE_PROP(x, p.style_id, outline, 0, p.outline);
    const xmlNode *ol = child_w(ppr, "outlineLvl");
    if (ol) {
        int lv = int_attr(ol, "val", 9);
        p.outline = lv >= 0 && lv <= 8 ? lv + 1 : 0;
    }
    {
        const style *s = find_style(x, p.style_id);
        for (int k = 0; s && k < MAX_STYLE_CHAIN && !p.title; k++) {
            p.title = s->title;
            s = find_style(x, s->based_on);
        }
    }
    if (toggle(ppr, "pageBreakBefore") == 1)
        im_doc_add(x->doc, IM_PAGE_BREAK);
    /* automatic numbering: the paragraph's own, else its style's */
    int num_id = 0, level = 0;
    const xmlNode *numpr = child_w(ppr, "numPr");
    if (numpr) {
        num_id = int_attr(child_w(numpr, "numId"), "val", 0);
        level = int_attr(child_w(numpr, "ilvl"), "val", 0);
    } else {
        STYLE_PROP(x, p.style_id, num_id, 0, num_id);
        STYLE_PROP(x, p.style_id, num_level, 0, level);
    }
    const char *prefix = numbering_text(x, num_id, level);
    if (*prefix)
        tbuf_put(&p.text, prefix, strlen(prefix), false);
    paragraph_content(x, n, &p, 0);
    emit_para(x, &p);
    tbuf_free(&p.text);
}

/* ---- tables -------------------------------------------------------------------- */

/* The text of a cell: its paragraphs, joined (a label broken over lines is
 * one label); nested tables give their text too. */
static void cell_text(docx *x, const xmlNode *tc, tbuf *out, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = tc->children; c; c = c->next) {
        if (is_w(c, "p")) {
            para_state p = {0};
            const xmlNode *ps = child_w(child_w(c, "pPr"), "pStyle");
            p.style_id = ps ? attr(ps, "val") : NULL;
            paragraph_content(x, c, &p, 0);
            if (out->len)
                tbuf_put(out, " ", 1, false);
            tbuf_put(out, p.text.s ? p.text.s : "", p.text.len, false);
            tbuf_free(&p.text);
        } else if (is_w(c, "tbl")) {
            for (const xmlNode *tr = c->children; tr; tr = tr->next)
                if (is_w(tr, "tr"))
                    for (const xmlNode *tc2 = tr->children; tc2; tc2 = tc2->next)
                        if (is_w(tc2, "tc"))
                            cell_text(x, tc2, out, depth + 1);
        } else if (is_w(c, "sdt") || is_w(c, "customXml")) {
            const xmlNode *content = is_w(c, "sdt") ? child_w(c, "sdtContent") : c;
            if (content)
                cell_text(x, content, out, depth + 1);
        }
    }
}

typedef struct dcell {
    const xmlNode *tc;
    int row, col, rowspan, colspan;
} dcell;

static void table(docx *x, const xmlNode *tbl)
{
    im_doc *d = x->doc;
    x->tables++;
    const char *where = pb_arena_printf(d->arena, "table %d", x->tables);
    /* rows, also inside content controls */
    int nrows = 0, rcap = 16;
    const xmlNode **rows = pb_xmalloc((size_t)rcap * sizeof *rows);
    for (const xmlNode *c = tbl->children; c && nrows <= PB_MAX_TABLE_ROWS; c = c->next) {
        /* a row, or rows inside a content control */
        const xmlNode *first = c, *content = NULL;
        if (is_w(c, "sdt") && (content = child_w(c, "sdtContent")))
            first = content->children;
        for (const xmlNode *r = first; r && nrows <= PB_MAX_TABLE_ROWS;
             r = content ? r->next : NULL) {
            if (!is_w(r, "tr"))
                continue;
            if (nrows == rcap) {
                rcap *= 2;
                rows = pb_xrealloc(rows, (size_t)rcap * sizeof *rows);
            }
            rows[nrows++] = r;
        }
    }
    if (nrows > PB_MAX_TABLE_ROWS) {
        pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), where,
                      "a table of more than %d rows, the limit", PB_MAX_TABLE_ROWS);
        x->failed = true;
        free(rows);
        return;
    }
    int ncells = 0, ccap = 64, ncols = 0, header = 0;
    bool header_run = true;
    dcell *cells = pb_xmalloc((size_t)ccap * sizeof *cells);
    /* the cell that starts at each column in the row above, for vMerge */
    int above[PB_MAX_TABLE_COLUMNS];
    for (int k = 0; k < PB_MAX_TABLE_COLUMNS; k++)
        above[k] = -1;
    for (int r = 0; r < nrows && !x->failed; r++) {
        const xmlNode *trpr = child_w(rows[r], "trPr");
        if (header_run && toggle(trpr, "tblHeader") == 1)
            header = r + 1;
        else
            header_run = false;
        int col = int_attr(child_w(trpr, "gridBefore"), "val", 0);
        if (col < 0)
            col = 0;
        int here[PB_MAX_TABLE_COLUMNS];
        for (int k = 0; k < PB_MAX_TABLE_COLUMNS; k++)
            here[k] = -1;
        for (const xmlNode *tc = rows[r]->children; tc; tc = tc->next) {
            const xmlNode *cell = tc;
            if (is_w(tc, "sdt")) {
                const xmlNode *content = child_w(tc, "sdtContent");
                cell = content ? child_w(content, "tc") : NULL;
            }
            if (!is_w(cell, "tc"))
                continue;
            const xmlNode *tcpr = child_w(cell, "tcPr");
            int span = int_attr(child_w(tcpr, "gridSpan"), "val", 1);
            if (span < 1)
                span = 1;
            if (col + span > PB_MAX_TABLE_COLUMNS) {
                pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x),
                              pb_arena_printf(d->arena, "table %d, row %d", x->tables, r + 1),
                              "a table of more than %d columns, the limit",
                              PB_MAX_TABLE_COLUMNS);
                x->failed = true;
                break;
            }
            const xmlNode *vm = child_w(tcpr, "vMerge");
            const char *vmv = vm ? attr(vm, "val") : NULL;
            bool cont = vm && (!vmv || strcmp(vmv, "restart") != 0);
            if (cont && above[col] >= 0 && cells[above[col]].colspan == span) {
                /* this cell continues the one above */
                cells[above[col]].rowspan = r - cells[above[col]].row + 1;
                here[col] = above[col];
            } else {
                if (ncells == ccap) {
                    ccap *= 2;
                    cells = pb_xrealloc(cells, (size_t)ccap * sizeof *cells);
                }
                cells[ncells] = (dcell){cell, r, col, 1, span};
                here[col] = ncells++;
            }
            col += span;
            if (col > ncols)
                ncols = col;
        }
        memcpy(above, here, sizeof above);
    }
    if (x->failed) {
        free(cells);
        free(rows);
        return;
    }
    im_block *b = im_doc_add(d, IM_TABLE);
    im_table *t = &b->table;
    t->where = where;
    t->nrows = nrows;
    t->ncols = ncols;
    t->nheader_rows = header < nrows ? header : 0;
    t->row_where = pb_arena_calloc(d->arena, (size_t)nrows + 1, sizeof *t->row_where);
    for (int r = 0; r < nrows; r++)
        t->row_where[r] = pb_arena_printf(d->arena, "table %d, row %d", x->tables, r + 1);
    t->cells = pb_arena_calloc(d->arena, (size_t)ncells + 1, sizeof *t->cells);
    tbuf tb = {0};
    for (int i = 0; i < ncells; i++) {
        cell_text(x, cells[i].tc, &tb, 0);
        im_text raw = tbuf_finish(&tb, d->arena);
        im_cell *c = &t->cells[t->ncells++];
        c->text = im_clean_warned(d->arena, raw, x->diag, d->file, t->row_where[cells[i].row]);
        c->row = cells[i].row;
        c->col = cells[i].col;
        c->rowspan = cells[i].rowspan;
        c->colspan = cells[i].colspan;
    }
    tbuf_free(&tb);
    free(cells);
    free(rows);
}

/* ---- the body ------------------------------------------------------------------ */

static void body(docx *x, const xmlNode *n, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (const xmlNode *c = n->children; c && !x->failed; c = c->next) {
        if (is_w(c, "p"))
            paragraph(x, c);
        else if (is_w(c, "tbl"))
            table(x, c);
        else if (is_w(c, "sdt")) {
            const xmlNode *content = child_w(c, "sdtContent");
            if (content)
                body(x, content, depth + 1);
        } else if (is_w(c, "customXml"))
            body(x, c, depth + 1);
        if (x->doc->nblocks > PB_MAX_BLOCKS) {
            pb_diag_error(x->diag, PB_ERR_INPUT, file_of(x), NULL,
                          "more than %d paragraphs and tables, the limit of a report",
                          PB_MAX_BLOCKS);
            x->failed = true;
        }
    }
}

/* The target of the relationship of type `type_tail` in a .rels part, or
 * NULL. */
static char *relationship(docx *x, const char *rels_name, const char *type_tail,
                          const char *base_dir)
{
    size_t len;
    bool missing;
    char *bytes = read_part(x, rels_name, &len, &missing);
    if (!bytes)
        return NULL;
    xmlDocPtr doc = parse_part(x, rels_name, bytes, len);
    free(bytes);
    if (!doc)
        return NULL;
    char *target = NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    size_t tl = strlen(type_tail);
    for (const xmlNode *r = root ? root->children : NULL; r && !target; r = r->next) {
        if (r->type != XML_ELEMENT_NODE || strcmp((const char *)r->name, "Relationship"))
            continue;
        const char *type = attr(r, "Type"), *t = attr(r, "Target");
        const char *mode = attr(r, "TargetMode");
        if (!type || !t || (mode && !strcmp(mode, "External")))
            continue;
        size_t n = strlen(type);
        if (n < tl || strcmp(type + n - tl, type_tail))
            continue;
        if (t[0] == '/')
            target = pb_arena_strdup(x->doc->arena, t + 1);
        else
            target = pb_arena_printf(x->doc->arena, "%s%s", base_dir, t);
    }
    xmlFreeDoc(doc);
    return target;
}

/* An XML part parsed, or NULL (missing: *missing; else an error). */
static xmlDocPtr load_part(docx *x, const char *name, bool *missing)
{
    size_t len;
    char *bytes = read_part(x, name, &len, missing);
    if (!bytes)
        return NULL;
    xmlDocPtr doc = parse_part(x, name, bytes, len);
    free(bytes);
    return doc;
}

bool pb_import_read_docx(im_doc *d, const char *bytes, size_t len, pb_diag *diag)
{
    if (!pb_zip_load("importing a Word document", d->file, diag) ||
        !pb_xml_load("importing a Word document", d->file, diag))
        return false;
    docx x = {.doc = d, .diag = diag};
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(bytes, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!za) {
        pb_diag_error(diag, PB_ERR_INPUT, d->file, NULL,
                      "not a Word document: the zip archive is corrupt (%s)",
                      zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return false;
    }
    zip_error_fini(&ze);
    x.zip = za;
    bool ok = false;
    zip_int64_t entries = zip_get_num_entries(za, 0);
    if (entries > PB_MAX_DOCX_ENTRIES) {
        pb_diag_error(diag, PB_ERR_INPUT, d->file, NULL,
                      "a zip archive of %lld parts, more than the limit of %d",
                      (long long)entries, PB_MAX_DOCX_ENTRIES);
        goto done;
    }
    /* the main part, by the package's relationships (word/document.xml) */
    char *main_name = relationship(&x, "_rels/.rels", "/officeDocument", "");
    if (pb_diag_failed(diag))
        goto done;
    if (!main_name || zip_name_locate(za, main_name, 0) < 0)
        main_name = "word/document.xml";
    const char *slash = strrchr(main_name, '/');
    char *dir = pb_arena_strndup(d->arena, main_name, slash ? (size_t)(slash - main_name + 1) : 0);
    char *rels = pb_arena_printf(d->arena, "%s_rels/%s.rels", dir, slash ? slash + 1 : main_name);
    bool missing;
    xmlDocPtr main_doc = load_part(&x, main_name, &missing);
    if (!main_doc) {
        if (missing)
            pb_diag_error(diag, PB_ERR_INPUT, d->file, NULL,
                          "not a Word document: the archive has no %s", main_name);
        goto done;
    }
    char *styles_name = relationship(&x, rels, "/styles", dir);
    char *numbering_name = relationship(&x, rels, "/numbering", dir);
    if (!pb_diag_failed(diag)) {
        xmlDocPtr sd = load_part(&x, styles_name ? styles_name : "word/styles.xml", &missing);
        if (sd) {
            read_styles(&x, sd);
            xmlFreeDoc(sd);
        }
        xmlDocPtr nd =
            load_part(&x, numbering_name ? numbering_name : "word/numbering.xml", &missing);
        if (nd) {
            read_numbering(&x, nd);
            xmlFreeDoc(nd);
        }
    }
    if (!pb_diag_failed(diag)) {
        const xmlNode *root = xmlDocGetRootElement(main_doc);
        const xmlNode *b = is_w(root, "document") ? child_w(root, "body") : NULL;
        if (!b)
            pb_diag_error(diag, PB_ERR_INPUT, d->file, main_name,
                          "not a Word document: no <w:document><w:body>");
        else
            body(&x, b, 0);
        if (x.skipped_drawings)
            pb_diag_warning(diag, d->file, NULL,
                            "%d picture%s, drawing%s or symbol%s left out: a report holds "
                            "text and tables",
                            x.skipped_drawings, x.skipped_drawings == 1 ? "" : "s",
                            x.skipped_drawings == 1 ? "" : "s",
                            x.skipped_drawings == 1 ? "" : "s");
    }
    xmlFreeDoc(main_doc);
    ok = !pb_diag_failed(diag) && !x.failed;
done:
    zip_discard(za);
    return ok;
}
