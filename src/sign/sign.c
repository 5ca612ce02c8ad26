/* Signing a PDF made by paiban: the incremental update.
 *
 * New objects: the signature dictionary (/Type /Sig, /Filter
 * /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached, /ByteRange, /Contents,
 * /M, /Name, /Reason, /Location, /ContactInfo, /Prop_Build), the signature
 * field merged with its widget (ISO 32000-1 12.7.4.5, 12.5.6.19): /FT
 * /Sig, /T, /TU (PDF/UA-1 7.18.1), /F 132 (printed and locked: PDF/A-3
 * 6.3.2), over the seal (the Figure of the signature block, its /BBox and
 * page) or invisible (zero /Rect) on the page of the signature block, an
 * empty appearance stream (PDF/A-3 6.3.3), a /StructParent; and a Form
 * structure element with an object reference to the widget (PDF/UA-1
 * 7.18.4) under the signature's element.  Changed objects: the catalog
 * (/AcroForm with /SigFlags 3), the page (/Annots), the parent element
 * (/K), the structure tree root (/ParentTreeNextKey) and the parent tree
 * (the widget's key).  The file's second identifier becomes a hash of the
 * signed file (ISO 32000-1 14.4), its first stays.
 *
 * The signature: /Contents is a hex string of zeros as long as the CMS
 * needs (measured by signing a dummy digest), /ByteRange the file around
 * it; then the digest of those bytes is signed and written in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"
#include "pdfread/pdfread.h"
#include "sign/keys.h"
#include "sign/sign.h"

#ifndef PAIBAN_VERSION
#define PAIBAN_VERSION "unknown"
#endif

/* Structure trees are walked at most this deep and this wide. */
#define MAX_WALK_DEPTH 64
#define MAX_WALK_NODES 200000

typedef struct signer {
    pb_pdf *pdf;
    const char *name;     /* the PDF, for messages */
    pb_pdf_update *u;
    pb_arena *arena;
    pb_diag *diag;
    int walked;           /* structure elements visited */
    /* found in the structure tree */
    const pb_pobj *sig_elem_ref;  /* the signature block's element */
    const pb_pobj *seal_page_ref; /* the seal's page and box */
    double seal_box[4];
    bool has_seal;
    const pb_pobj *sig_page_ref;  /* the page of the signature block */
} signer;

static bool fail_input(signer *s, const char *what)
{
    pb_diag_error(s->diag, PB_ERR_INPUT, s->name, NULL, "%s", what);
    return false;
}

static const pb_pobj *get(signer *s, const pb_pobj *dict, const char *key)
{
    return pb_pdf_get(s->pdf, dict, key);
}

static double number(const pb_pobj *o)
{
    return !o ? 0 : o->kind == PB_POBJ_INT ? (double)o->i : o->kind == PB_POBJ_REAL ? o->r : 0;
}

/* ---- the structure tree ------------------------------------------------- */

/* The Figure of a seal: alternate text starting with 印章. */
static bool is_seal(signer *s, const pb_pobj *e)
{
    const char *alt = pb_pdf_text(s->pdf, get(s, e, "Alt"));
    return alt && !strncmp(alt, "印章", strlen("印章"));
}

/* Depth first through the elements: the last Signature element, the
 * seal inside it, and the page of its content. */
static void walk(signer *s, const pb_pobj *ref, int depth, bool in_sig)
{
    const pb_pobj *e = pb_pdf_resolve(s->pdf, ref);
    if (!e || e->kind != PB_POBJ_DICT || depth > MAX_WALK_DEPTH ||
        ++s->walked > MAX_WALK_NODES)
        return;
    const pb_pobj *type = get(s, e, "S");
    if (pb_pdf_is_name(type, "Signature") && ref->kind == PB_POBJ_REF) {
        s->sig_elem_ref = ref;
        s->has_seal = false;
        s->sig_page_ref = NULL;
        in_sig = true;
    }
    if (in_sig && !s->sig_page_ref && pb_pdf_get_raw(e, "Pg"))
        s->sig_page_ref = pb_pdf_get_raw(e, "Pg");
    if (in_sig && pb_pdf_is_name(type, "Figure") && is_seal(s, e)) {
        const pb_pobj *bbox = get(s, get(s, e, "A"), "BBox");
        const pb_pobj *pg = pb_pdf_get_raw(e, "Pg");
        if (bbox && bbox->kind == PB_POBJ_ARRAY && bbox->n == 4 && pg &&
            pg->kind == PB_POBJ_REF) {
            for (int i = 0; i < 4; i++)
                s->seal_box[i] = number(pb_pdf_resolve(s->pdf, bbox->items[i]));
            s->seal_page_ref = pg;
            s->has_seal = true;
        }
    }
    const pb_pobj *k = pb_pdf_get_raw(e, "K");
    const pb_pobj *kr = pb_pdf_resolve(s->pdf, k);
    if (kr && kr->kind == PB_POBJ_ARRAY) {
        for (int i = 0; i < kr->n; i++)
            if (kr->items[i]->kind == PB_POBJ_REF)
                walk(s, kr->items[i], depth + 1, in_sig);
    } else if (k && k->kind == PB_POBJ_REF) {
        walk(s, k, depth + 1, in_sig);
    }
}

/* Writes number tree node `node` with key -> value appended at its end
 * (keys grow: it is the last); a kid on the way is written anew as its own
 * object. */
static void number_tree_append(signer *s, pb_wbuf *b, const pb_pobj *node, long long key,
                               long long value, int depth)
{
    const pb_pobj *nums = get(s, node, "Nums"), *kids = get(s, node, "Kids");
    const pb_pobj *limits = get(s, node, "Limits");
    bool has_limits = limits && limits->kind == PB_POBJ_ARRAY && limits->n == 2;
    static const char *const skip[] = {"Nums", "Limits", NULL};
    if (!nums && kids && kids->kind == PB_POBJ_ARRAY && kids->n > 0 &&
        kids->items[kids->n - 1]->kind == PB_POBJ_REF && depth < MAX_WALK_DEPTH) {
        const pb_pobj *kref = kids->items[kids->n - 1];
        const pb_pobj *kid = pb_pdf_resolve(s->pdf, kref);
        if (kid && kid->kind == PB_POBJ_DICT) {
            number_tree_append(s, pb_pdf_update_object(s->u, kref->i), kid, key, value,
                               depth + 1);
            pb_wbuf_object(b, node, skip + 1, true);
        } else {
            pb_wbuf_object(b, node, skip + 1, true);
        }
    } else {
        pb_wbuf_object(b, node, skip, true);
        pb_wbuf_str(b, "/Nums [");
        for (int i = 0; nums && nums->kind == PB_POBJ_ARRAY && i < nums->n; i++) {
            pb_wbuf_object(b, nums->items[i], NULL, false);
            pb_wbuf_str(b, " ");
        }
        pb_wbuf_int(b, key);
        pb_wbuf_str(b, " ");
        pb_wbuf_ref(b, value, 0);
        pb_wbuf_str(b, "]\n");
    }
    if (has_limits) {
        pb_wbuf_str(b, "/Limits [");
        pb_wbuf_object(b, pb_pdf_resolve(s->pdf, limits->items[0]), NULL, false);
        pb_wbuf_str(b, " ");
        pb_wbuf_int(b, key);
        pb_wbuf_str(b, "]\n");
    }
    pb_wbuf_str(b, ">>");
}

/* The largest key of a number tree, or -1. */
static long long number_tree_last(signer *s, const pb_pobj *node, int depth)
{
    const pb_pobj *nums = get(s, node, "Nums"), *kids = get(s, node, "Kids");
    if (nums && nums->kind == PB_POBJ_ARRAY && nums->n >= 2) {
        const pb_pobj *k = pb_pdf_resolve(s->pdf, nums->items[nums->n - 2]);
        return k && k->kind == PB_POBJ_INT ? k->i : -1;
    }
    if (kids && kids->kind == PB_POBJ_ARRAY && kids->n > 0 && depth < MAX_WALK_DEPTH)
        return number_tree_last(s, pb_pdf_resolve(s->pdf, kids->items[kids->n - 1]), depth + 1);
    return -1;
}

/* Adds the Form element holding the widget under the signature block's
 * element (else the document's) and its parent tree entry; returns the
 * widget's /StructParent, or -1 when the file has no structure tree. */
static long long tag_widget(signer *s, const pb_pobj *root_dict, const pb_pobj *page_ref,
                            long long widget)
{
    const pb_pobj *tree_ref = pb_pdf_get_raw(root_dict, "StructTreeRoot");
    const pb_pobj *tree = pb_pdf_resolve(s->pdf, tree_ref);
    if (!tree || tree->kind != PB_POBJ_DICT || !tree_ref || tree_ref->kind != PB_POBJ_REF)
        return -1;
    const pb_pobj *parent_ref = s->sig_elem_ref;
    if (!parent_ref) {
        /* the document element: the root's only kid */
        const pb_pobj *k = pb_pdf_get_raw(tree, "K");
        const pb_pobj *kr = pb_pdf_resolve(s->pdf, k);
        if (kr && kr->kind == PB_POBJ_ARRAY && kr->n > 0)
            k = kr->items[0];
        if (!k || k->kind != PB_POBJ_REF)
            return -1;
        parent_ref = k;
    }
    const pb_pobj *parent = pb_pdf_resolve(s->pdf, parent_ref);
    if (!parent || parent->kind != PB_POBJ_DICT)
        return -1;
    const pb_pobj *pt = get(s, tree, "ParentTree");
    const pb_pobj *next = get(s, tree, "ParentTreeNextKey");
    long long key = next && next->kind == PB_POBJ_INT && next->i >= 0 ? next->i : -1;
    long long last = pt ? number_tree_last(s, pt, 0) : -1;
    if (key <= last)
        key = last + 1;

    long long form = pb_pdf_update_new(s->u);
    pb_wbuf *b = pb_pdf_update_object(s->u, form);
    pb_wbuf_str(b, "<</S /Form\n/P ");
    pb_wbuf_object(b, parent_ref, NULL, false);
    pb_wbuf_str(b, "\n/Pg ");
    pb_wbuf_object(b, page_ref, NULL, false);
    pb_wbuf_str(b, "\n/K <</Type /OBJR /Pg ");
    pb_wbuf_object(b, page_ref, NULL, false);
    pb_wbuf_str(b, " /Obj ");
    pb_wbuf_ref(b, widget, 0);
    pb_wbuf_str(b, ">>\n>>");

    /* the parent's /K gets the Form element last: it is read after the
     * signature's lines and seal */
    b = pb_pdf_update_object(s->u, parent_ref->i);
    static const char *const skip_k[] = {"K", NULL};
    pb_wbuf_object(b, parent, skip_k, true);
    pb_wbuf_str(b, "/K [");
    const pb_pobj *k = get(s, parent, "K");
    if (k && k->kind == PB_POBJ_ARRAY) {
        for (int i = 0; i < k->n; i++) {
            pb_wbuf_object(b, k->items[i], NULL, false);
            pb_wbuf_str(b, " ");
        }
    } else if (pb_pdf_get_raw(parent, "K")) {
        pb_wbuf_object(b, pb_pdf_get_raw(parent, "K"), NULL, false);
        pb_wbuf_str(b, " ");
    }
    pb_wbuf_ref(b, form, 0);
    pb_wbuf_str(b, "]\n>>");

    /* the parent tree: direct in the root, or an object of its own */
    const pb_pobj *pt_raw = pb_pdf_get_raw(tree, "ParentTree");
    static const char *const skip_root[] = {"ParentTree", "ParentTreeNextKey", NULL};
    b = pb_pdf_update_object(s->u, tree_ref->i);
    pb_wbuf_object(b, tree, skip_root, true);
    pb_wbuf_str(b, "/ParentTreeNextKey ");
    pb_wbuf_int(b, key + 1);
    pb_wbuf_str(b, "\n/ParentTree ");
    if (pt_raw && pt_raw->kind == PB_POBJ_REF && pt) {
        pb_wbuf_object(b, pt_raw, NULL, false);
        number_tree_append(s, pb_pdf_update_object(s->u, pt_raw->i), pt, key, form, 0);
    } else if (pt && pt->kind == PB_POBJ_DICT) {
        number_tree_append(s, b, pt, key, form, 0);
    } else {
        pb_wbuf_str(b, "<</Nums [");
        pb_wbuf_int(b, key);
        pb_wbuf_str(b, " ");
        pb_wbuf_ref(b, form, 0);
        pb_wbuf_str(b, "]>>");
    }
    pb_wbuf_str(b, "\n>>");
    return key;
}

/* ---- the update ------------------------------------------------------------ */

/* "D:20220120000000Z" */
static void pdf_date(long long t, char out[64])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 64, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec > 59 ? 59 : tm.tm_sec);
}

/* Is the document already signed?  A signature field with a value. */
static bool signed_already(signer *s, const pb_pobj *fields, int depth)
{
    for (int i = 0; fields && fields->kind == PB_POBJ_ARRAY && i < fields->n; i++) {
        const pb_pobj *f = pb_pdf_resolve(s->pdf, fields->items[i]);
        if (!f || f->kind != PB_POBJ_DICT)
            continue;
        if (pb_pdf_is_name(get(s, f, "FT"), "Sig") && get(s, f, "V"))
            return true;
        if (depth < 8 && signed_already(s, get(s, f, "Kids"), depth + 1))
            return true;
    }
    return false;
}

/* The checks of the file to sign; the pages' array for the widget. */
static bool check_pdf(signer *s, const pb_pobj **root_ref, const pb_pobj **root)
{
    const pb_pobj *trailer = pb_pdf_trailer(s->pdf);
    if (pb_pdf_get_raw(trailer, "Encrypt"))
        return fail_input(s, "the PDF is encrypted: paiban signs the PDFs it makes, which "
                             "never are");
    const char *creator = pb_pdf_text(s->pdf, get(s, get(s, trailer, "Info"), "Creator"));
    if (!creator || strncmp(creator, "paiban ", 7) != 0) {
        pb_diag_error(s->diag, PB_ERR_INPUT, s->name, NULL,
                      "was not made by paiban%s%s%s: paiban signs the PDFs it makes (their "
                      "tags and PDF/A claims are kept)",
                      creator ? " (it was made by \"" : "", creator ? creator : "",
                      creator ? "\")" : "");
        return false;
    }
    *root_ref = pb_pdf_get_raw(trailer, "Root");
    *root = get(s, trailer, "Root");
    if (!*root_ref || (*root_ref)->kind != PB_POBJ_REF || !*root || (*root)->kind != PB_POBJ_DICT)
        return fail_input(s, "damaged PDF: the trailer names no catalog");
    const pb_pobj *form = get(s, *root, "AcroForm");
    if (form && signed_already(s, get(s, form, "Fields"), 0))
        return fail_input(s, "is signed already: paiban adds no second signature, which "
                             "would leave the first covering an older version of the file; "
                             "sign the unsigned PDF, or render it again");
    return true;
}

/* The page the widget goes on: the seal's, the signature block's, else
 * the last page. */
static const pb_pobj *widget_page(signer *s, const pb_pobj *root)
{
    if (s->has_seal)
        return s->seal_page_ref;
    if (s->sig_page_ref && s->sig_page_ref->kind == PB_POBJ_REF)
        return s->sig_page_ref;
    const pb_pobj *pages = get(s, root, "Pages");
    for (int depth = 0; pages && depth < MAX_WALK_DEPTH; depth++) {
        const pb_pobj *kids = get(s, pages, "Kids");
        if (!kids || kids->kind != PB_POBJ_ARRAY || kids->n == 0)
            return NULL;
        const pb_pobj *last = kids->items[kids->n - 1];
        const pb_pobj *node = pb_pdf_resolve(s->pdf, last);
        if (!pb_pdf_is_name(get(s, node, "Type"), "Pages"))
            return last->kind == PB_POBJ_REF ? last : NULL;
        pages = node;
    }
    return NULL;
}

typedef struct sig_holes {
    long long sig;        /* the signature dictionary's object */
    size_t range_at;      /* offset of "[0 " in its body */
    size_t contents_at;   /* of "<" */
    size_t contents_len;  /* bytes from "<" to ">" included */
} sig_holes;

static void write_sig_dict(signer *s, const pb_sign_params *p, const char *name,
                           size_t reserve, sig_holes *h)
{
    h->sig = pb_pdf_update_new(s->u);
    pb_wbuf *b = pb_pdf_update_object(s->u, h->sig);
    char date[64];
    pdf_date(p->time, date);
    pb_wbuf_str(b, "<</Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n/M (");
    pb_wbuf_str(b, date);
    pb_wbuf_str(b, ")\n/Name ");
    pb_wbuf_text(b, name);
    if (p->reason && *p->reason) {
        pb_wbuf_str(b, "\n/Reason ");
        pb_wbuf_text(b, p->reason);
    }
    if (p->location && *p->location) {
        pb_wbuf_str(b, "\n/Location ");
        pb_wbuf_text(b, p->location);
    }
    if (p->contact && *p->contact) {
        pb_wbuf_str(b, "\n/ContactInfo ");
        pb_wbuf_text(b, p->contact);
    }
    pb_wbuf_str(b, "\n/Prop_Build <</App <</Name /paiban /REx (" PAIBAN_VERSION ")>>>>\n"
                   "/ByteRange ");
    h->range_at = b->len;
    pb_wbuf_str(b, "[0 0000000000 0000000000 0000000000]\n/Contents ");
    h->contents_at = b->len;
    pb_wbuf_put(b, "<", 1);
    for (size_t i = 0; i < reserve; i++)
        pb_wbuf_put(b, "00", 2);
    pb_wbuf_put(b, ">", 1);
    h->contents_len = b->len - h->contents_at;
    pb_wbuf_str(b, ">>");
}

static void put_box(pb_wbuf *b, const double box[4])
{
    pb_wbuf_str(b, "[");
    for (int i = 0; i < 4; i++) {
        pb_pobj r = {.kind = PB_POBJ_REAL, .r = box[i]};
        if (i)
            pb_wbuf_str(b, " ");
        pb_wbuf_object(b, &r, NULL, false);
    }
    pb_wbuf_str(b, "]");
}

/* The field and widget, its appearance, the page's /Annots, the catalog's
 * /AcroForm, the tags. */
static bool write_field(signer *s, const pb_pobj *root_ref, const pb_pobj *root, long long sig,
                        const char *signer_name)
{
    const pb_pobj *page_ref = widget_page(s, root);
    const pb_pobj *page = pb_pdf_resolve(s->pdf, page_ref);
    if (!page || page->kind != PB_POBJ_DICT || page_ref->kind != PB_POBJ_REF)
        return fail_input(s, "damaged PDF: no page for the signature");
    long long widget = pb_pdf_update_new(s->u), ap = pb_pdf_update_new(s->u);
    long long key = tag_widget(s, root, page_ref, widget);
    double box[4] = {0, 0, 0, 0};
    if (s->has_seal)
        memcpy(box, s->seal_box, sizeof box);
    double w = box[2] - box[0], h = box[3] - box[1];

    /* an empty appearance: the seal the page shows is the signature's face */
    pb_wbuf *b = pb_pdf_update_object(s->u, ap);
    pb_wbuf_str(b, "<</Type /XObject /Subtype /Form /BBox ");
    double bb[4] = {0, 0, w > 0 ? w : 0, h > 0 ? h : 0};
    put_box(b, bb);
    pb_wbuf_str(b, " /Resources <<>> /Length 0>>\nstream\n\nendstream");

    b = pb_pdf_update_object(s->u, widget);
    pb_wbuf_str(b, "<</Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (Signature1)\n/TU ");
    char *tu = pb_arena_printf(s->arena, "数字签名：%s", signer_name);
    pb_wbuf_text(b, tu);
    pb_wbuf_str(b, "\n/F 132\n/Rect ");
    put_box(b, box);
    pb_wbuf_str(b, "\n/P ");
    pb_wbuf_object(b, page_ref, NULL, false);
    pb_wbuf_str(b, "\n/V ");
    pb_wbuf_ref(b, sig, 0);
    pb_wbuf_str(b, "\n/AP <</N ");
    pb_wbuf_ref(b, ap, 0);
    pb_wbuf_str(b, ">>");
    if (key >= 0) {
        pb_wbuf_str(b, "\n/StructParent ");
        pb_wbuf_int(b, key);
    }
    pb_wbuf_str(b, "\n>>");

    /* the page's annotations: the page's own array, or an array object */
    const pb_pobj *annots_raw = pb_pdf_get_raw(page, "Annots");
    const pb_pobj *annots = get(s, page, "Annots");
    bool own_object = annots_raw && annots_raw->kind == PB_POBJ_REF && annots &&
                      annots->kind == PB_POBJ_ARRAY;
    b = pb_pdf_update_object(s->u, own_object ? annots_raw->i : page_ref->i);
    if (!own_object) {
        static const char *const skip[] = {"Annots", NULL};
        pb_wbuf_object(b, page, skip, true);
        pb_wbuf_str(b, "/Annots ");
    }
    pb_wbuf_str(b, "[");
    for (int i = 0; annots && annots->kind == PB_POBJ_ARRAY && i < annots->n; i++) {
        pb_wbuf_object(b, annots->items[i], NULL, false);
        pb_wbuf_str(b, " ");
    }
    pb_wbuf_ref(b, widget, 0);
    pb_wbuf_str(b, own_object ? "]" : "]\n>>");

    /* the form: /AcroForm of the catalog, its own object or in the catalog */
    const pb_pobj *form_raw = pb_pdf_get_raw(root, "AcroForm");
    const pb_pobj *form = get(s, root, "AcroForm");
    bool form_object = form_raw && form_raw->kind == PB_POBJ_REF && form &&
                       form->kind == PB_POBJ_DICT;
    b = pb_pdf_update_object(s->u, form_object ? form_raw->i : root_ref->i);
    if (!form_object) {
        static const char *const skip[] = {"AcroForm", NULL};
        pb_wbuf_object(b, root, skip, true);
        pb_wbuf_str(b, "/AcroForm ");
    }
    static const char *const skip_form[] = {"Fields", "SigFlags", "NeedAppearances", NULL};
    if (form && form->kind == PB_POBJ_DICT)
        pb_wbuf_object(b, form, skip_form, true);
    else
        pb_wbuf_str(b, "<<");
    pb_wbuf_str(b, "/Fields [");
    const pb_pobj *fields = get(s, form, "Fields");
    for (int i = 0; fields && fields->kind == PB_POBJ_ARRAY && i < fields->n; i++) {
        pb_wbuf_object(b, fields->items[i], NULL, false);
        pb_wbuf_str(b, " ");
    }
    pb_wbuf_ref(b, widget, 0);
    /* SignaturesExist and AppendOnly */
    pb_wbuf_str(b, "]\n/SigFlags 3\n>>");
    if (!form_object)
        pb_wbuf_str(b, "\n>>");
    return true;
}

/* Writes the hex digits of data over dst. */
static void put_hex(unsigned char *dst, const unsigned char *data, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = (unsigned char)hex[data[i] >> 4];
        dst[2 * i + 1] = (unsigned char)hex[data[i] & 15];
    }
}

static void put_digits(unsigned char *dst, size_t v)
{
    for (int i = 9; i >= 0; i--) {
        dst[i] = (unsigned char)('0' + v % 10);
        v /= 10;
    }
}

bool pb_sign_pdf(const unsigned char *pdf, size_t len, const char *pdf_name,
                 const pb_sign_params *params, pb_arena *arena, unsigned char **out,
                 size_t *out_len, pb_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    int before = diag->errors;
    pb_keys *keys = pb_keys_load(params, diag);
    signer s = {.name = pdf_name, .arena = arena, .diag = diag};
    s.pdf = pb_pdf_open(pdf, len, pdf_name, arena, diag);
    const pb_pobj *root_ref = NULL, *root = NULL;
    if (s.pdf && !check_pdf(&s, &root_ref, &root))
        s.pdf = NULL;
    if (!keys || !s.pdf || diag->errors > before) {
        pb_keys_free(keys);
        return false;
    }

    /* the space the signature takes: its CMS with the longest signature
     * the key makes, so the same key and document always reserve the same */
    unsigned char digest[64] = {0};
    size_t dlen = pb_keys_digest(keys, pdf, 0, 0, 0, 0, digest);
    size_t need = dlen ? pb_keys_cms_size(keys, dlen) : 0;
    if (!need) {
        pb_diag_error(diag, PB_ERR_SIGN, params->key.name, NULL,
                      "OpenSSL could not use the key (%s)", pb_keys_algorithm(keys));
        pb_keys_free(keys);
        return false;
    }
    size_t reserve = params->reserve ? params->reserve : need;

    walk(&s, pb_pdf_get_raw(get(&s, root, "StructTreeRoot"), "K"), 0, false);
    char *cn = pb_keys_signer_name(keys);
    const char *signer_name = params->name && *params->name ? params->name
                                                            : pb_arena_strdup(arena, cn);
    free(cn);
    s.u = pb_pdf_update_begin(s.pdf, pdf, len, arena);
    sig_holes h;
    write_sig_dict(&s, params, signer_name, reserve, &h);
    bool ok = write_field(&s, root_ref, root, h.sig, signer_name);
    unsigned char *file = NULL;
    size_t flen = 0, id_at = 0;
    ok = ok && pb_pdf_update_finish(s.u, &file, &flen, &id_at);
    if (ok) {
        size_t body = pb_pdf_update_offset(s.u, h.sig);
        size_t a = body + h.contents_at, b = a + h.contents_len;
        /* /ByteRange [0 a b flen-b] over its zeros */
        unsigned char *r = file + body + h.range_at + 3;
        put_digits(r, a);
        put_digits(r + 11, b);
        put_digits(r + 22, flen - b);
        /* the second identifier: a hash of this version (its signature
         * still zeros), then the digest the signature covers */
        unsigned char hash[32];
        pb_sha256(file, flen, hash);
        put_hex(file + id_at, hash, 16);
        dlen = pb_keys_digest(keys, file, 0, a, b, flen - b, digest);
        pb_wbuf cms = {0};
        ok = dlen && pb_keys_cms(keys, digest, dlen, &cms, diag);
        if (ok && cms.len > reserve) {
            pb_diag_error(diag, PB_ERR_SIGN, pdf_name, NULL,
                          "the signature takes %zu bytes, more than the %zu reserved for it%s",
                          cms.len, reserve, params->reserve ? " (--reserve)" : "");
            ok = false;
        }
        if (ok)
            put_hex(file + a + 1, cms.p, cms.len);
        pb_wbuf_free(&cms);
    }
    pb_pdf_update_free(s.u);
    pb_keys_free(keys);
    if (!ok) {
        free(file);
        return false;
    }
    /* the signed file must read back: a check of the writer */
    pb_diag check;
    pb_diag_init(&check);
    pb_arena *scratch = pb_arena_new();
    pb_pdf *back = pb_pdf_open(file, flen, pdf_name, scratch, &check);
    bool reads = back && pb_pdf_object(back, h.sig) && check.errors == 0;
    pb_arena_free(scratch);
    pb_diag_free(&check);
    if (!reads) {
        pb_diag_error(diag, PB_ERR_INTERNAL, pdf_name, NULL,
                      "the signed PDF does not read back (a bug: please report it)");
        free(file);
        return false;
    }
    *out = file;
    *out_len = flen;
    return true;
}
