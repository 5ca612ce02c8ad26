/* The structure tree of a tagged PDF (ISO 32000-1 14.7) from the logical
 * structure flow built (layout/structure.h) and the marked content the
 * page writer recorded.
 *
 * Each element's /K lists its own marked content and its child elements
 * in reading order: content is marked in page order, which for paiban's
 * pages is reading order, so an element sits where its first content is.
 * A marked-content reference on the element's own page (/Pg) is written
 * as its bare MCID, others as an MCR dictionary; structure element
 * dictionaries leave out the optional /Type to stay small. */
#include "output/pdf_parts.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/call.h"
#include "base/utf8.h"

typedef struct mc {
    int elem, page, mcid;
} mc;

typedef struct annot_ref {
    int elem, page;
    HPDF_Annotation annot;
} annot_ref;

struct pdf_tagger {
    pb_selem *elems;      /* owned copy: the writer adds Link elements */
    int nelems, elems_cap;
    annot_ref *annots;    /* annotations tied to elements (/StructParent) */
    int nannots, annots_cap;
    mc *mcs;              /* in the order they were written */
    int nmcs, cap;
    int *page_mcids;      /* per page: MCIDs given so far */
    int npages;
    void *root_ref;       /* libharu's stand-in for the reference to the
                             StructTreeRoot (an extra), freed here */
    HPDF_MMgr mmgr;
    double (*bbox)[4];    /* per element: its /BBox, when has_bbox */
    bool *has_bbox;
};

typedef struct tag_making {
    const pb_structure *s;
    int npages;
    pdf_tagger *t;
} tag_making;

static void make_tagger(void *arg);
static void unmake_tagger(void *arg)
{
    tag_making *m = arg;
    pdf_tag_free(m->t);
    m->t = NULL;
}

pdf_tagger *pdf_tag_new(const pb_structure *s, int npages)
{
    /* what was made is given back if memory runs out on the way */
    tag_making m = {s, npages, NULL};
    pb_oom_guard(make_tagger, unmake_tagger, &m);
    return m.t;
}

static void make_tagger(void *arg)
{
    tag_making *m = arg;
    const pb_structure *s = m->s;
    int npages = m->npages;
    pdf_tagger *t = m->t = pb_xcalloc(1, sizeof *t);
    int n = s && s->count > 1 ? s->count : 2;
    t->elems_cap = n + 16;
    t->elems = pb_xcalloc((size_t)t->elems_cap, sizeof *t->elems);
    if (s && s->count > 1)
        memcpy(t->elems, s->elems, (size_t)n * sizeof *t->elems);
    else
        t->elems[1] = (pb_selem){.role = PB_SR_DOCUMENT, .rowspan = 1, .colspan = 1};
    t->nelems = n;
    t->npages = npages;
    t->page_mcids = pb_xcalloc((size_t)npages + 1, sizeof *t->page_mcids);
}

void pdf_tag_free(pdf_tagger *t)
{
    if (!t)
        return;
    if (t->root_ref)
        HPDF_Obj_ForceFree(t->mmgr, t->root_ref);
    free(t->mcs);
    free(t->page_mcids);
    free(t->elems);
    free(t->annots);
    free(t->bbox);
    free(t->has_bbox);
    free(t);
}

static int elem_or_root(const pdf_tagger *t, int elem)
{
    return elem > 0 && elem < t->nelems ? elem : 1;
}

int pdf_tag_mcid(pdf_tagger *t, int page, int elem)
{
    if (t->nmcs == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->mcs = pb_xrealloc(t->mcs, (size_t)t->cap * sizeof *t->mcs);
    }
    int id = t->page_mcids[page]++;
    t->mcs[t->nmcs++] = (mc){elem_or_root(t, elem), page, id};
    return id;
}

int pdf_tag_add(pdf_tagger *t, pb_srole role, int parent)
{
    if (t->nelems == t->elems_cap) {
        int old = t->elems_cap;
        t->elems_cap *= 2;
        t->elems = pb_xrealloc(t->elems, (size_t)t->elems_cap * sizeof *t->elems);
        if (t->bbox) {
            t->bbox = pb_xrealloc(t->bbox, (size_t)t->elems_cap * sizeof *t->bbox);
            t->has_bbox = pb_xrealloc(t->has_bbox, (size_t)t->elems_cap * sizeof *t->has_bbox);
            memset(t->has_bbox + old, 0, (size_t)(t->elems_cap - old) * sizeof *t->has_bbox);
        }
    }
    int id = t->nelems++;
    t->elems[id] = (pb_selem){.role = role, .parent = elem_or_root(t, parent), .rowspan = 1,
                              .colspan = 1};
    return id;
}

int pdf_tag_annot(pdf_tagger *t, int page, int elem, HPDF_Annotation annot)
{
    if (t->nannots == t->annots_cap) {
        t->annots_cap = t->annots_cap ? t->annots_cap * 2 : 16;
        t->annots = pb_xrealloc(t->annots, (size_t)t->annots_cap * sizeof *t->annots);
    }
    t->annots[t->nannots++] = (annot_ref){elem_or_root(t, elem), page, annot};
    return t->npages + t->nannots - 1;
}

void pdf_tag_set_bbox(pdf_tagger *t, int elem, const double bbox[4])
{
    if (elem <= 0 || elem >= t->nelems)
        return;
    if (!t->bbox) {
        t->bbox = pb_xcalloc((size_t)t->elems_cap, sizeof *t->bbox);
        t->has_bbox = pb_xcalloc((size_t)t->elems_cap, sizeof *t->has_bbox);
    }
    memcpy(t->bbox[elem], bbox, sizeof t->bbox[elem]);
    t->has_bbox[elem] = true;
}

const char *pdf_tag_type(const pdf_tagger *t, int elem)
{
    return pb_srole_names[t->elems[elem_or_root(t, elem)].role];
}

/* Items of a /K in reading order: own content (mc index) or a child. */
typedef struct kid {
    long key;             /* reading position */
    int mc;               /* index into mcs, or -1 */
    int child;            /* element id, or 0 */
} kid;

static int cmp_kid(const void *a, const void *b)
{
    const kid *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    /* own content before a child at the same position; children in order */
    if ((x->mc >= 0) != (y->mc >= 0))
        return x->mc >= 0 ? -1 : 1;
    return x->mc >= 0 ? x->mc - y->mc : x->child - y->child;
}

/* ---- the tree, written by paiban (pdf_extras) ---------------------------- */

static void put_id(pdf_buf *b, int elem)
{
    char id[32];
    int n = snprintf(id, sizeof id, "th%07d", elem);
    pdf_obj_string(b, (const unsigned char *)id, (size_t)n);
}

/* A text string: UTF-16BE with a byte order mark (characters above
 * U+FFFF as surrogate pairs). */
static void put_text(pdf_buf *b, const char *s)
{
    size_t len = strlen(s);
    pb_scratch scratch;
    unsigned char *u = pb_arena_alloc(pb_scratch_begin(&scratch), 2 + 2 * len);
    size_t n = pb_utf8_to_utf16be(s, len, u);
    pdf_obj_string(b, u, n);
    pb_scratch_end(&scratch);
}

/* Extras: 0 the StructTreeRoot, e the element e (1 .. n-1), n the
 * ParentTree, n + 1 the IDTree (empty when no cell has an ID). */
bool pdf_tag_write(pdf_tagger *t, HPDF_Doc pdf, HPDF_Page *pages, int npages,
                   pdf_extras *out)
{
    /* the working arrays, given back however the writing ends */
    pb_scratch scratch;
    pb_arena *work = pb_scratch_begin(&scratch);
    int n = t->nelems;
    const pb_selem *el = t->elems;
    t->npages = npages;
    /* out may keep streams already (the font programs): its objects start here */
    out->count = 0;
    out->data.len = 0;
    /* numbered after every object libharu has now */
    out->first = (long long)pdf->xref->start_offset + (long long)pdf->xref->entries->count;
    long long first = out->first;
    pdf_buf *b = &out->data;
    /* own content and children, grouped by element in order */
    int *own_start = pb_arena_calloc(work, (size_t)n + 1, sizeof *own_start);
    int *own = pb_arena_calloc(work, (size_t)t->nmcs + 1, sizeof *own);
    int *kid_start = pb_arena_calloc(work, (size_t)n + 1, sizeof *kid_start);
    int *kids = pb_arena_calloc(work, (size_t)n + 1, sizeof *kids);
    long *key = pb_arena_calloc(work, (size_t)n, sizeof *key);
    int *nobj = pb_arena_calloc(work, (size_t)n + 1, sizeof *nobj);

    for (int i = 0; i < t->nmcs; i++)
        own_start[t->mcs[i].elem + 1]++;
    for (int e = 0; e < n; e++)
        own_start[e + 1] += own_start[e];
    int *fill = pb_arena_calloc(work, (size_t)n + 1, sizeof *fill);
    for (int i = 0; i < t->nmcs; i++)
        own[own_start[t->mcs[i].elem] + fill[t->mcs[i].elem]++] = i;
    for (int e = 2; e < n; e++)
        kid_start[el[e].parent + 1]++;
    for (int e = 0; e < n; e++)
        kid_start[e + 1] += kid_start[e];
    memset(fill, 0, (size_t)(n + 1) * sizeof *fill);
    for (int e = 2; e < n; e++)
        kids[kid_start[el[e].parent] + fill[el[e].parent]++] = e;
    for (int i = 0; i < t->nannots; i++)
        nobj[t->annots[i].elem]++;

    /* where each element's first content is, children before parents
     * (a child's id is above its parent's) */
    for (int e = n - 1; e >= 1; e--) {
        key[e] = LONG_MAX;
        if (own_start[e] < own_start[e + 1])
            key[e] = own[own_start[e]];
        for (int k = kid_start[e]; k < kid_start[e + 1]; k++)
            if (key[kids[k]] < key[e])
                key[e] = key[kids[k]];
    }
    bool any_id = false;
    for (int e = 1; e < n; e++)
        any_id = any_id || ((el[e].role == PB_SR_TH || el[e].role == PB_SR_TD) && el[e].referenced);

    /* 0: the StructTreeRoot */
    pdf_extras_begin(out);
    pdf_obj_raw(b, "<<");
    pdf_obj_name(b, "Type");
    pdf_obj_name(b, "StructTreeRoot");
    pdf_obj_name(b, "K");
    pdf_obj_ref(b, first + 1);
    pdf_obj_name(b, "ParentTree");
    pdf_obj_ref(b, first + n);
    pdf_obj_name(b, "ParentTreeNextKey");
    pdf_obj_int(b, npages + t->nannots);
    pdf_obj_name(b, "RoleMap");
    pdf_obj_raw(b, "<</Title/H1/Signature/Div>>");
    if (any_id) {
        pdf_obj_name(b, "IDTree");
        pdf_obj_ref(b, first + n + 1);
    }
    pdf_obj_raw(b, ">>");

    /* 1 .. n-1: the elements */
    kid *items = NULL;
    int items_cap = 0;
    for (int e = 1; e < n; e++) {
        const pb_selem *s = &el[e];
        pdf_extras_begin(out);
        pdf_obj_raw(b, "<<");
        pdf_obj_name(b, "S");
        pdf_obj_name(b, pb_srole_names[s->role]);
        pdf_obj_name(b, "P");
        pdf_obj_ref(b, first + (e == 1 ? 0 : s->parent));
        int npg = -1;
        if (own_start[e] < own_start[e + 1]) {
            npg = t->mcs[own[own_start[e]]].page;
            pdf_obj_name(b, "Pg");
            pdf_obj_ref(b, pdf_obj_num(pages[npg]));
        }
        /* /K in reading order; a childless empty element (a blank cell)
         * keeps its place after its previous sibling */
        int nk = own_start[e + 1] - own_start[e] + kid_start[e + 1] - kid_start[e];
        if (nk > items_cap) {
            items_cap = nk * 2;
            /* (filled anew for each element: nothing to copy) */
            items = pb_arena_alloc(work, (size_t)items_cap * sizeof *items);
        }
        int m = 0;
        for (int k = own_start[e]; k < own_start[e + 1]; k++)
            items[m++] = (kid){own[k], own[k], 0};
        long last = -1;
        for (int k = kid_start[e]; k < kid_start[e + 1]; k++) {
            long kk = key[kids[k]] == LONG_MAX ? last : key[kids[k]];
            items[m++] = (kid){kk, -1, kids[k]};
            last = kk;
        }
        qsort(items, (size_t)m, sizeof *items, cmp_kid);
        if (m + nobj[e] > 0)
            pdf_obj_name(b, "K");
        bool karr = m + nobj[e] > 1;
        if (karr)
            pdf_obj_raw(b, "[");
        for (int k = 0; k < m; k++) {
            if (items[k].mc >= 0) {
                const mc *c = &t->mcs[items[k].mc];
                if (c->page == npg) {
                    pdf_obj_int(b, c->mcid);
                } else {
                    pdf_obj_raw(b, "<</Type/MCR/Pg");
                    pdf_obj_ref(b, pdf_obj_num(pages[c->page]));
                    pdf_obj_name(b, "MCID");
                    pdf_obj_int(b, c->mcid);
                    pdf_obj_raw(b, ">>");
                }
            } else {
                pdf_obj_ref(b, first + items[k].child);
            }
        }
        /* annotations of the element (a Link's): object references */
        for (int i = 0; nobj[e] > 0 && i < t->nannots; i++) {
            if (t->annots[i].elem != e)
                continue;
            pdf_obj_raw(b, "<</Type/OBJR/Pg");
            pdf_obj_ref(b, pdf_obj_num(pages[t->annots[i].page]));
            pdf_obj_name(b, "Obj");
            pdf_obj_ref(b, pdf_obj_num(t->annots[i].annot));
            pdf_obj_raw(b, ">>");
        }
        if (karr)
            pdf_obj_raw(b, "]");

        /* a Figure: its alternate text (PDF/UA-1 7.3) and its box */
        if (s->alt) {
            pdf_obj_name(b, "Alt");
            put_text(b, s->alt);
        }
        if (t->has_bbox && t->has_bbox[e]) {
            pdf_obj_raw(b, "/A<</O/Layout/Placement/Block/BBox[");
            for (int k = 0; k < 4; k++) {
                if (k)
                    pdf_buf_put(b, " ", 1);
                pdf_buf_dec(b, llround(t->bbox[e][k] * 1000), 1000, 3);
            }
            pdf_obj_raw(b, "]>>");
        }

        /* table attributes (ISO 32000-1 14.8.5.7) */
        if (s->role == PB_SR_TH || s->role == PB_SR_TD) {
            if (s->scope != PB_SCOPE_NONE || s->rowspan > 1 || s->colspan > 1 ||
                s->nheaders > 0) {
                pdf_obj_raw(b, "/A<</O/Table");
                if (s->scope != PB_SCOPE_NONE) {
                    pdf_obj_name(b, "Scope");
                    pdf_obj_name(b, s->scope == PB_SCOPE_ROW ? "Row" : "Column");
                }
                if (s->rowspan > 1) {
                    pdf_obj_name(b, "RowSpan");
                    pdf_obj_int(b, s->rowspan);
                }
                if (s->colspan > 1) {
                    pdf_obj_name(b, "ColSpan");
                    pdf_obj_int(b, s->colspan);
                }
                if (s->nheaders > 0) {
                    pdf_obj_raw(b, "/Headers[");
                    for (int k = 0; k < s->nheaders; k++)
                        put_id(b, s->headers[k]);
                    pdf_obj_raw(b, "]");
                }
                pdf_obj_raw(b, ">>");
            }
            if (s->referenced) {
                pdf_obj_name(b, "ID");
                put_id(b, e);
            }
        }
        pdf_obj_raw(b, ">>");
    }

    /* n: the ParentTree: per page, the element of each MCID (they were
     * given page by page in increasing order); then the annotations,
     * whose keys follow the pages' */
    int *page_start = pb_arena_calloc(work, (size_t)npages + 2, sizeof *page_start);
    int *by_page = pb_arena_calloc(work, (size_t)t->nmcs + 1, sizeof *by_page);
    for (int i = 0; i < t->nmcs; i++)
        page_start[t->mcs[i].page + 1]++;
    for (int p = 0; p < npages; p++)
        page_start[p + 1] += page_start[p];
    for (int i = 0; i < t->nmcs; i++)
        by_page[page_start[t->mcs[i].page]++] = i;
    for (int p = npages; p > 0; p--)
        page_start[p] = page_start[p - 1];
    page_start[0] = 0;
    pdf_extras_begin(out);
    pdf_obj_raw(b, "<</Nums[");
    for (int p = 0; p < npages; p++) {
        pdf_obj_int(b, p);
        pdf_obj_raw(b, "[");
        for (int i = page_start[p]; i < page_start[p + 1]; i++)
            pdf_obj_ref(b, first + t->mcs[by_page[i]].elem);
        pdf_obj_raw(b, "]");
        HPDF_Dict_AddNumber(pages[p], "StructParents", p);
        /* tab order follows the structure (PDF/UA-1 7.18.3) */
        HPDF_Dict_AddName(pages[p], "Tabs", "S");
    }
    for (int i = 0; i < t->nannots; i++) {
        pdf_obj_int(b, npages + i);
        pdf_obj_ref(b, first + t->annots[i].elem);
    }
    pdf_obj_raw(b, "]>>");

    /* n + 1: the IDTree; IDs are "th" and the zero-padded element id: in
     * key order */
    if (any_id) {
        pdf_extras_begin(out);
        pdf_obj_raw(b, "<</Names[");
        for (int e = 1; e < n; e++)
            if ((el[e].role == PB_SR_TH || el[e].role == PB_SR_TD) && el[e].referenced) {
                put_id(b, e);
                pdf_obj_ref(b, first + e);
            }
        pdf_obj_raw(b, "]>>");
    }

    /* the catalog's reference: an object libharu writes as "N 0 R" but
     * does not write itself (it is not in libharu's table) */
    HPDF_Null ref = HPDF_Null_New(pdf->mmgr);
    bool ok = ref != NULL;
    if (ok) {
        ref->header.obj_id = HPDF_OTYPE_INDIRECT | (HPDF_UINT32)first;
        ref->header.gen_no = 0;
        t->root_ref = ref;
        t->mmgr = pdf->mmgr;
        ok = HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", ref) == HPDF_OK &&
             HPDF_GetError(pdf) == HPDF_OK;
    }
    pb_scratch_end(&scratch);
    return ok;
}
