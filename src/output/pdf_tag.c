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

/* ---- objects written by paiban (pdf_extras) ------------------------------ */

static pb_pobj *po(pb_arena *a, pb_pobj_kind kind)
{
    pb_pobj *o = pb_arena_alloc(a, sizeof *o);
    o->kind = kind;
    return o;
}

static pb_pobj *po_int(pb_arena *a, long long v)
{
    pb_pobj *o = po(a, PB_POBJ_INT);
    o->i = v;
    return o;
}

/* name: a string that lives as long as the arena (a literal) */
static pb_pobj *po_name(pb_arena *a, const char *name)
{
    pb_pobj *o = po(a, PB_POBJ_NAME);
    o->s = name;
    o->len = strlen(name);
    return o;
}

static pb_pobj *po_ref(pb_arena *a, long long num)
{
    pb_pobj *o = po(a, PB_POBJ_REF);
    o->i = num;
    return o;
}

/* A dictionary or array for at most cap entries. */
static pb_pobj *po_coll(pb_arena *a, pb_pobj_kind kind, int cap)
{
    pb_pobj *o = po(a, kind);
    o->items = pb_arena_calloc(a, (size_t)cap + 1, sizeof *o->items);
    if (kind == PB_POBJ_DICT)
        o->keys = pb_arena_calloc(a, (size_t)cap + 1, sizeof *o->keys);
    return o;
}

static void po_put(pb_pobj *c, const char *key, pb_pobj *v)
{
    if (c->keys)
        c->keys[c->n] = key;
    c->items[c->n++] = v;
}

static pb_pobj *id_string(pb_arena *a, int elem)
{
    char id[32];
    int n = snprintf(id, sizeof id, "th%07d", elem);
    pb_pobj *o = po(a, PB_POBJ_STRING);
    o->s = pb_arena_strndup(a, id, (size_t)n);
    o->len = (size_t)n;
    return o;
}

/* libharu's number of one of its indirect objects */
static long long hpdf_num(const void *obj)
{
    return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF;
}

/* An object libharu writes as a reference to extra k (it is not in
 * libharu's cross-reference table, so libharu writes no object for it). */
static void *extra_ref(HPDF_Doc pdf, pdf_extras *x, int k)
{
    HPDF_Null ref = HPDF_Null_New(pdf->mmgr);
    if (!ref || x->nrefs == (int)(sizeof x->refs / sizeof x->refs[0]))
        return NULL;
    ref->header.obj_id = HPDF_OTYPE_INDIRECT | (HPDF_UINT32)(PDF_EXTRA_BASE + k);
    ref->header.gen_no = 0;
    x->refs[x->nrefs++] = ref;
    return ref;
}

void pdf_extras_free_refs(pdf_extras *x, HPDF_Doc pdf)
{
    for (int i = 0; i < x->nrefs; i++)
        HPDF_Obj_ForceFree(pdf->mmgr, x->refs[i]);
    x->nrefs = 0;
}

void pdf_extras_free(pdf_extras *x)
{
    pb_arena_free(x->arena);
    memset(x, 0, sizeof *x);
}

/* Extras: 0 the StructTreeRoot, e the element e (1 .. n-1), n the
 * ParentTree, n + 1 the IDTree. */
bool pdf_tag_write(pdf_tagger *t, HPDF_Doc pdf, HPDF_Page *pages, int npages,
                   pdf_extras *out)
{
    int n = t->nelems;
    const pb_selem *el = t->elems;
    t->npages = npages;
    memset(out, 0, sizeof *out);
    pb_arena *a = out->arena = pb_arena_new();
    out->count = n + 2;
    const pb_pobj **x = pb_arena_calloc(a, (size_t)out->count + 1, sizeof *x);
    out->objs = x;
    /* own content and children, grouped by element in order */
    int *own_start = pb_xcalloc((size_t)n + 1, sizeof *own_start);
    int *own = pb_xcalloc((size_t)t->nmcs + 1, sizeof *own);
    int *kid_start = pb_xcalloc((size_t)n + 1, sizeof *kid_start);
    int *kids = pb_xcalloc((size_t)n + 1, sizeof *kids);
    long *key = pb_xcalloc((size_t)n, sizeof *key);
    int *nobj = pb_xcalloc((size_t)n + 1, sizeof *nobj);
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

    /* one reference object per element and per page, one name per role,
     * shared by everything that refers to them (they are read-only) */
    pb_pobj **ref = pb_arena_calloc(a, (size_t)n + 1, sizeof *ref);
    for (int e = 0; e < n; e++)
        ref[e] = po_ref(a, PDF_EXTRA_BASE + e);
    pb_pobj **page_ref = pb_arena_calloc(a, (size_t)npages + 1, sizeof *page_ref);
    for (int p = 0; p < npages; p++)
        page_ref[p] = po_ref(a, hpdf_num(pages[p]));
    pb_pobj *role_name[PB_SR_COUNT];
    for (int r = 0; r < PB_SR_COUNT; r++)
        role_name[r] = po_name(a, pb_srole_names[r]);
    /* MCIDs: one object per number, as far as the pages go */
    int most = 0;
    for (int p = 0; p < npages; p++)
        most = t->page_mcids[p] > most ? t->page_mcids[p] : most;
    pb_pobj **mcid = pb_arena_calloc(a, (size_t)most + 1, sizeof *mcid);
    for (int i = 0; i < most; i++)
        mcid[i] = po_int(a, i);
    pb_pobj *mcr = po_name(a, "MCR"), *objr = po_name(a, "OBJR"), *table = po_name(a, "Table");
    pb_pobj *scope_row = po_name(a, "Row"), *scope_col = po_name(a, "Column");

    /* the ParentTree: per page, the element of each MCID; then the
     * annotations, whose keys follow the pages' */
    pb_pobj *nums = po_coll(a, PB_POBJ_ARRAY, 2 * (npages + t->nannots));
    pb_pobj **per_page = pb_xcalloc((size_t)npages + 1, sizeof *per_page);
    for (int p = 0; p < npages; p++) {
        per_page[p] = po_coll(a, PB_POBJ_ARRAY, t->page_mcids[p]);
        po_put(nums, NULL, po_int(a, p));
        po_put(nums, NULL, per_page[p]);
        HPDF_Dict_AddNumber(pages[p], "StructParents", p);
        /* tab order follows the structure (PDF/UA-1 7.18.3) */
        HPDF_Dict_AddName(pages[p], "Tabs", "S");
    }
    /* MCIDs were given page by page in increasing order */
    for (int i = 0; i < t->nmcs; i++)
        po_put(per_page[t->mcs[i].page], NULL, ref[t->mcs[i].elem]);
    for (int i = 0; i < t->nannots; i++) {
        po_put(nums, NULL, po_int(a, npages + i));
        po_put(nums, NULL, ref[t->annots[i].elem]);
    }
    free(per_page);
    pb_pobj *parent_tree = po_coll(a, PB_POBJ_DICT, 1);
    po_put(parent_tree, "Nums", nums);
    x[n] = parent_tree;

    bool any_id = false;
    kid *items = NULL;
    int items_cap = 0;
    for (int e = 1; e < n; e++) {
        const pb_selem *s = &el[e];
        pb_pobj *d = po_coll(a, PB_POBJ_DICT, 6);
        x[e] = d;
        po_put(d, "S", role_name[s->role]);
        po_put(d, "P", e == 1 ? ref[0] : ref[s->parent]);
        int npg = -1;
        if (own_start[e] < own_start[e + 1]) {
            npg = t->mcs[own[own_start[e]]].page;
            po_put(d, "Pg", page_ref[npg]);
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
        pb_pobj *karr = m + nobj[e] > 1 ? po_coll(a, PB_POBJ_ARRAY, m + nobj[e]) : NULL;
        for (int k = 0; k < m; k++) {
            pb_pobj *item;
            if (items[k].mc >= 0) {
                const mc *c = &t->mcs[items[k].mc];
                if (c->page == npg) {
                    item = mcid[c->mcid];
                } else {
                    item = po_coll(a, PB_POBJ_DICT, 3);
                    po_put(item, "Type", mcr);
                    po_put(item, "Pg", page_ref[c->page]);
                    po_put(item, "MCID", mcid[c->mcid]);
                }
            } else {
                item = ref[items[k].child];
            }
            if (karr)
                po_put(karr, NULL, item);
            else
                po_put(d, "K", item);
        }
        /* annotations of the element (a Link's): object references */
        for (int i = 0; nobj[e] > 0 && i < t->nannots; i++) {
            if (t->annots[i].elem != e)
                continue;
            pb_pobj *r = po_coll(a, PB_POBJ_DICT, 3);
            po_put(r, "Type", objr);
            po_put(r, "Pg", page_ref[t->annots[i].page]);
            po_put(r, "Obj", po_ref(a, hpdf_num(t->annots[i].annot)));
            if (karr)
                po_put(karr, NULL, r);
            else
                po_put(d, "K", r);
        }
        if (karr)
            po_put(d, "K", karr);

        /* table attributes (ISO 32000-1 14.8.5.7) */
        if (s->role == PB_SR_TH || s->role == PB_SR_TD) {
            if (s->scope != PB_SCOPE_NONE || s->rowspan > 1 || s->colspan > 1 ||
                s->nheaders > 0) {
                pb_pobj *at = po_coll(a, PB_POBJ_DICT, 5);
                po_put(at, "O", table);
                if (s->scope != PB_SCOPE_NONE)
                    po_put(at, "Scope", s->scope == PB_SCOPE_ROW ? scope_row : scope_col);
                if (s->rowspan > 1)
                    po_put(at, "RowSpan", po_int(a, s->rowspan));
                if (s->colspan > 1)
                    po_put(at, "ColSpan", po_int(a, s->colspan));
                if (s->nheaders > 0) {
                    pb_pobj *h = po_coll(a, PB_POBJ_ARRAY, s->nheaders);
                    for (int k = 0; k < s->nheaders; k++)
                        po_put(h, NULL, id_string(a, s->headers[k]));
                    po_put(at, "Headers", h);
                }
                po_put(d, "A", at);
            }
            if (s->referenced) {
                po_put(d, "ID", id_string(a, e));
                any_id = true;
            }
        }
    }
    free(items);

    pb_pobj *root = po_coll(a, PB_POBJ_DICT, 6);
    x[0] = root;
    po_put(root, "Type", po_name(a, "StructTreeRoot"));
    po_put(root, "K", ref[1]);
    po_put(root, "ParentTree", po_ref(a, PDF_EXTRA_BASE + n));
    po_put(root, "ParentTreeNextKey", po_int(a, npages + t->nannots));
    pb_pobj *roles = po_coll(a, PB_POBJ_DICT, 2);
    po_put(roles, "Title", po_name(a, "H1"));
    po_put(roles, "Signature", po_name(a, "Div"));
    po_put(root, "RoleMap", roles);
    if (any_id) {
        /* IDs are "th" and the zero-padded element id: in key order */
        int nid = 0;
        for (int e = 1; e < n; e++)
            nid += (el[e].role == PB_SR_TH || el[e].role == PB_SR_TD) && el[e].referenced;
        pb_pobj *names = po_coll(a, PB_POBJ_ARRAY, 2 * nid);
        for (int e = 1; e < n; e++)
            if ((el[e].role == PB_SR_TH || el[e].role == PB_SR_TD) && el[e].referenced) {
                po_put(names, NULL, id_string(a, e));
                po_put(names, NULL, ref[e]);
            }
        pb_pobj *tree = po_coll(a, PB_POBJ_DICT, 1);
        po_put(tree, "Names", names);
        x[n + 1] = tree;
        po_put(root, "IDTree", po_ref(a, PDF_EXTRA_BASE + n + 1));
    }
    void *root_ref = extra_ref(pdf, out, 0);
    ok = root_ref && HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", root_ref) == HPDF_OK &&
         HPDF_GetError(pdf) == HPDF_OK;
    free(own_start);
    free(own);
    free(kid_start);
    free(kids);
    free(key);
    free(nobj);
    return ok;
}
