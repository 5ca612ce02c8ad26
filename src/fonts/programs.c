/* Font programs kept with their face: see programs.h. */
#include "fonts/programs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/call.h"

/* Programs a face keeps: a batch's documents print with few glyph sets
 * per face (one template's headings; the body's glyphs where the reports
 * differ only in figures), and the body font's program is some 200 KB. */
#define KEPT 2

typedef struct kept {
    uint32_t *gids;       /* owned; NULL: an empty place */
    int n, level;
    unsigned long long used; /* when it was last kept or found */
    pb_program p;
} kept;

typedef struct programs {
    pthread_mutex_t lock;
    kept k[KEPT];
    unsigned long long clock;
} programs;

void *pb_face_programs_new(void)
{
    programs *s = calloc(1, sizeof *s);
    if (s && pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

static void drop(kept *k)
{
    free(k->gids);
    pb_program_free(&k->p);
    memset(k, 0, sizeof *k);
}

void pb_face_programs_free(void *store)
{
    programs *s = store;
    if (!s)
        return;
    for (int i = 0; i < KEPT; i++)
        drop(&s->k[i]);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void pb_program_free(pb_program *p)
{
    free(p->data);
    free(p->cids);
    p->data = NULL;
    p->cids = NULL;
}

static bool same_key(const kept *k, const uint32_t *gids, int n, int level)
{
    return k->gids && k->n == n && k->level == level &&
           memcmp(k->gids, gids, (size_t)n * sizeof *gids) == 0;
}

/* Room for a program of len bytes and n glyphs (and their gids when
 * `gids`): all of it or, memory running out, none.  The call's allocator
 * (running out of memory ends the call), never with the store locked. */
static void program_alloc(pb_program *p, size_t len, int n, uint32_t **gids)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        free(p->data);
        free(p->cids);
        p->data = NULL;
        p->cids = NULL;
        pb_oom_rethrow();
    }
    p->data = pb_xmalloc(len ? len : 1);
    p->cids = pb_xmalloc((size_t)n * sizeof *p->cids);
    if (gids)
        *gids = pb_xmalloc((size_t)n * sizeof **gids);
    pb_oom_leave(&scope);
}

static void copy_program(const pb_program *from, int n, pb_program *to)
{
    memcpy(to->data, from->data, from->len);
    memcpy(to->cids, from->cids, (size_t)n * sizeof *to->cids);
    to->len = from->len;
    to->made_len = from->made_len;
    to->bare_cff = from->bare_cff;
}

/* The place of the program kept for the key, or -1. */
static int place_of(programs *s, const uint32_t *gids, int n, int level)
{
    for (int i = 0; i < KEPT; i++)
        if (same_key(&s->k[i], gids, n, level))
            return i;
    return -1;
}

bool pb_face_program_find(const pb_face *face, const uint32_t *gids, int n, int level,
                          pb_program *out)
{
    programs *s = face->programs;
    memset(out, 0, sizeof *out);
    if (!s || n <= 0)
        return false;
    pthread_mutex_lock(&s->lock);
    int at = place_of(s, gids, n, level);
    size_t len = at >= 0 ? s->k[at].p.len : 0;
    pthread_mutex_unlock(&s->lock);
    if (at < 0)
        return false;
    program_alloc(out, len, n, NULL);
    /* another thread may have put another program there meanwhile */
    pthread_mutex_lock(&s->lock);
    kept *k = &s->k[at];
    bool found = same_key(k, gids, n, level) && k->p.len == len;
    if (found) {
        memcpy(out->data, k->p.data, len);
        memcpy(out->cids, k->p.cids, (size_t)n * sizeof *out->cids);
        out->len = len;
        out->made_len = k->p.made_len;
        out->bare_cff = k->p.bare_cff;
        k->used = ++s->clock;
    }
    pthread_mutex_unlock(&s->lock);
    if (!found)
        pb_program_free(out);
    return found;
}

void pb_face_program_keep(const pb_face *face, const uint32_t *gids, int n, int level,
                          const pb_program *p)
{
    programs *s = face->programs;
    if (!s || n <= 0)
        return;
    kept fresh = {0};
    program_alloc(&fresh.p, p->len, n, &fresh.gids);
    memcpy(fresh.gids, gids, (size_t)n * sizeof *gids);
    copy_program(p, n, &fresh.p);
    fresh.n = n;
    fresh.level = level;
    pthread_mutex_lock(&s->lock);
    kept old = fresh;     /* what is dropped: the fresh copy if it is kept already */
    if (place_of(s, gids, n, level) < 0) {
        int at = 0;
        for (int i = 1; i < KEPT; i++)
            if (s->k[i].used < s->k[at].used)
                at = i;
        fresh.used = ++s->clock;
        old = s->k[at];
        s->k[at] = fresh;
    }
    pthread_mutex_unlock(&s->lock);
    drop(&old);
}
