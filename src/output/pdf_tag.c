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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

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
};

pdf_tagger *pdf_tag_new(const pb_structure *s, int npages)
{
    pdf_tagger *t = pb_xcalloc(1, sizeof *t);
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
    return t;
}

void pdf_tag_free(pdf_tagger *t)
{
    if (!t)
        return;
    free(t->mcs);
    free(t->page_mcids);
    free(t->elems);
    free(t->annots);
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
        t->elems_cap *= 2;
        t->elems = pb_xrealloc(t->elems, (size_t)t->elems_cap * sizeof *t->elems);
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

static void *id_string(HPDF_Doc pdf, int elem)
{
    char id[32];
    snprintf(id, sizeof id, "th%07d", elem);
    return HPDF_String_New(pdf->mmgr, id, NULL);
}

bool pdf_tag_write(pdf_tagger *t, HPDF_Doc pdf, HPDF_Page *pages, int npages)
{
    int n = t->nelems;
    const pb_selem *el = t->elems;
    t->npages = npages;
    HPDF_Dict root = HPDF_Dict_New(pdf->mmgr);
    if (!root || HPDF_Xref_Add(pdf->xref, root) != HPDF_OK)
        return false;
    HPDF_Dict *d = pb_xcalloc((size_t)n, sizeof *d);
    /* own content and children, grouped by element in order */
    int *own_start = pb_xcalloc((size_t)n + 1, sizeof *own_start);
    int *own = pb_xcalloc((size_t)t->nmcs + 1, sizeof *own);
    int *kid_start = pb_xcalloc((size_t)n + 1, sizeof *kid_start);
    int *kids = pb_xcalloc((size_t)n + 1, sizeof *kids);
    long *key = pb_xcalloc((size_t)n, sizeof *key);
    bool ok = true;

    for (int i = 0; i < t->nmcs; i++)
        own_start[t->mcs[i].elem + 1]++;
    for (int e = 0; e < n; e++)
        own_start[e + 1] += own_start[e];
    int *fill = pb_xcalloc((size_t)n + 1, sizeof *fill);
    for (int i = 0; i < t->nmcs; i++)
        own[own_start[t->mcs[i].elem] + fill[t->mcs[i].elem]++] = i;
    for (int e = 2; e < n; e++)
        kid_start[el[e].parent + 1]++;
    for (int e = 0; e < n; e++)
        kid_start[e + 1] += kid_start[e];
    memset(fill, 0, (size_t)(n + 1) * sizeof *fill);
    for (int e = 2; e < n; e++)
        kids[kid_start[el[e].parent] + fill[el[e].parent]++] = e;
    free(fill);

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

    for (int e = 1; e < n && ok; e++) {
        d[e] = HPDF_Dict_New(pdf->mmgr);
        ok = d[e] && HPDF_Xref_Add(pdf->xref, d[e]) == HPDF_OK;
    }

    /* the ParentTree: per page, the element of each MCID */
    HPDF_Array nums = HPDF_Array_New(pdf->mmgr);
    ok = ok && nums; /* libharu's setters dereference a NULL container */
    HPDF_Array *per_page = pb_xcalloc((size_t)npages + 1, sizeof *per_page);
    for (int p = 0; p < npages && ok; p++) {
        per_page[p] = HPDF_Array_New(pdf->mmgr);
        ok = per_page[p] && HPDF_Array_AddNumber(nums, p) == HPDF_OK &&
             HPDF_Array_Add(nums, per_page[p]) == HPDF_OK;
        HPDF_Dict_AddNumber(pages[p], "StructParents", p);
        /* tab order follows the structure (PDF/UA-1 7.18.3) */
        HPDF_Dict_AddName(pages[p], "Tabs", "S");
    }
    /* MCIDs were given page by page in increasing order */
    for (int i = 0; i < t->nmcs && ok; i++)
        ok = HPDF_Array_Add(per_page[t->mcs[i].page], d[t->mcs[i].elem]) == HPDF_OK;
    /* annotations: their keys follow the pages' */
    for (int a = 0; a < t->nannots && ok; a++)
        ok = HPDF_Array_AddNumber(nums, npages + a) == HPDF_OK &&
             HPDF_Array_Add(nums, d[t->annots[a].elem]) == HPDF_OK;

    bool any_id = false;
    kid *items = NULL;
    int items_cap = 0;
    for (int e = 1; e < n && ok; e++) {
        const pb_selem *s = &el[e];
        HPDF_Dict x = d[e];
        HPDF_Dict_AddName(x, "S", pb_srole_names[s->role]);
        HPDF_Dict_Add(x, "P", e == 1 ? root : d[s->parent]);
        int npg = -1;
        if (own_start[e] < own_start[e + 1]) {
            npg = t->mcs[own[own_start[e]]].page;
            HPDF_Dict_Add(x, "Pg", pages[npg]);
        }
        /* /K in reading order; a childless empty element (a blank cell)
         * keeps its place after its previous sibling */
        int nk = own_start[e + 1] - own_start[e] + kid_start[e + 1] - kid_start[e];
        if (nk > items_cap) {
            items_cap = nk * 2;
            items = pb_xrealloc(items, (size_t)items_cap * sizeof *items);
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
        int nobj = 0;
        for (int a = 0; a < t->nannots; a++)
            nobj += t->annots[a].elem == e;
        HPDF_Array karr = m + nobj > 1 ? HPDF_Array_New(pdf->mmgr) : NULL;
        for (int k = 0; k < m; k++) {
            void *item;
            if (items[k].mc >= 0) {
                const mc *c = &t->mcs[items[k].mc];
                if (c->page == npg) {
                    item = HPDF_Number_New(pdf->mmgr, c->mcid);
                } else {
                    HPDF_Dict r = HPDF_Dict_New(pdf->mmgr);
                    if (r) {
                        HPDF_Dict_AddName(r, "Type", "MCR");
                        HPDF_Dict_Add(r, "Pg", pages[c->page]);
                        HPDF_Dict_AddNumber(r, "MCID", c->mcid);
                    }
                    item = r;
                }
            } else {
                item = d[items[k].child];
            }
            if (karr)
                HPDF_Array_Add(karr, item);
            else
                HPDF_Dict_Add(x, "K", item);
        }
        /* annotations of the element (a Link's): object references */
        for (int a = 0; a < t->nannots; a++) {
            if (t->annots[a].elem != e)
                continue;
            HPDF_Dict r = HPDF_Dict_New(pdf->mmgr);
            if (r) {
                HPDF_Dict_AddName(r, "Type", "OBJR");
                HPDF_Dict_Add(r, "Pg", pages[t->annots[a].page]);
                HPDF_Dict_Add(r, "Obj", t->annots[a].annot);
            }
            if (karr)
                HPDF_Array_Add(karr, r);
            else
                HPDF_Dict_Add(x, "K", r);
        }
        if (karr)
            HPDF_Dict_Add(x, "K", karr);

        /* table attributes (ISO 32000-1 14.8.5.7) */
        if (s->role == PB_SR_TH || s->role == PB_SR_TD) {
            HPDF_Dict a = NULL;
            if (s->scope != PB_SCOPE_NONE || s->rowspan > 1 || s->colspan > 1 ||
                s->nheaders > 0) {
                a = HPDF_Dict_New(pdf->mmgr);
                if (a)
                    HPDF_Dict_AddName(a, "O", "Table");
            }
            if (a && s->scope != PB_SCOPE_NONE)
                HPDF_Dict_AddName(a, "Scope", s->scope == PB_SCOPE_ROW ? "Row" : "Column");
            if (a && s->rowspan > 1)
                HPDF_Dict_AddNumber(a, "RowSpan", s->rowspan);
            if (a && s->colspan > 1)
                HPDF_Dict_AddNumber(a, "ColSpan", s->colspan);
            if (a && s->nheaders > 0) {
                HPDF_Array h = HPDF_Array_New(pdf->mmgr);
                for (int k = 0; h && k < s->nheaders; k++)
                    HPDF_Array_Add(h, id_string(pdf, s->headers[k]));
                HPDF_Dict_Add(a, "Headers", h);
            }
            /* added last: libharu frees an object it failed to add */
            if (a)
                HPDF_Dict_Add(x, "A", a);
            if (s->referenced) {
                HPDF_Dict_Add(x, "ID", id_string(pdf, e));
                any_id = true;
            }
        }
        ok = HPDF_GetError(pdf) == HPDF_OK;
    }
    free(items);

    if (ok) {
        HPDF_Dict_AddName(root, "Type", "StructTreeRoot");
        HPDF_Dict_Add(root, "K", d[1]);
        HPDF_Dict pt = HPDF_Dict_New(pdf->mmgr);
        if (pt)
            HPDF_Dict_Add(pt, "Nums", nums);
        HPDF_Dict_Add(root, "ParentTree", pt);
        HPDF_Dict_AddNumber(root, "ParentTreeNextKey", npages + t->nannots);
        HPDF_Dict roles = HPDF_Dict_New(pdf->mmgr);
        if (roles) {
            HPDF_Dict_AddName(roles, "Title", "H1");
            HPDF_Dict_AddName(roles, "Signature", "Div");
        }
        HPDF_Dict_Add(root, "RoleMap", roles);
        if (any_id) {
            /* IDs are "th" and the zero-padded element id: in key order */
            HPDF_Array names = HPDF_Array_New(pdf->mmgr);
            for (int e = 1; names && e < n; e++)
                if ((el[e].role == PB_SR_TH || el[e].role == PB_SR_TD) && el[e].referenced) {
                    HPDF_Array_Add(names, id_string(pdf, e));
                    HPDF_Array_Add(names, d[e]);
                }
            HPDF_Dict tree = HPDF_Dict_New(pdf->mmgr);
            if (tree)
                HPDF_Dict_Add(tree, "Names", names);
            HPDF_Dict_Add(root, "IDTree", tree);
        }
        HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", root);
        ok = HPDF_GetError(pdf) == HPDF_OK;
    }
    free(per_page);
    free(d);
    free(own_start);
    free(own);
    free(kid_start);
    free(kids);
    free(key);
    return ok;
}
