#include "base/arena.h"

#include "base/call.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define PB_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PB_ARENA_ASAN 1
#endif
#endif
#ifdef PB_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16
#define BLOCK_SIZE (64 * 1024)

typedef struct block {
    struct block *next;
    size_t used, size;
    unsigned long seq;  /* the arena's blocks are numbered as they are taken */
    max_align_t data[]; /* storage follows */
} block;

/* A block adopted from malloc, freed with the arena. */
typedef struct adopted {
    void *p;            /* owned */
    struct adopted *next;
} adopted;

struct pb_arena {
    block *head;        /* owned: the current block, chained to older ones */
    adopted *adopted;   /* the last block adopted, chained to older ones
                           (the nodes are in the arena's blocks) */
    block *spare;       /* owned: a block given back by a release, kept for
                           the next one needed (memory already touched) */
    unsigned long seq;  /* the next block's number */
};

/* Inside a call, jumps to its out-of-memory scope (base/call.h), which
 * makes the call fail with PB_ERR_MEMORY; outside one (unit tests calling
 * a stage directly) the allocation returns NULL. */
static void *out_of_memory(void)
{
    if (pb_oom_armed())
        pb_oom_rethrow();
    return NULL;
}

void *pb_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    return p ? p : out_of_memory();
}

void *pb_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    return p ? p : out_of_memory();
}

void *pb_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    return q ? q : out_of_memory();
}

char *pb_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = pb_xmalloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

pb_arena *pb_arena_new(void)
{
    return pb_xcalloc(1, sizeof(pb_arena));
}

void pb_arena_free(pb_arena *a)
{
    if (!a)
        return;
    for (adopted *d = a->adopted; d; d = d->next)
        free(d->p);
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a->spare);
    free(a);
}

void *pb_arena_alloc(pb_arena *a, size_t size)
{
    if (size > SIZE_MAX - ALIGN)
        return out_of_memory();
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (size == 0)
        size = ALIGN;
    block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > BLOCK_SIZE / 2 ? size : BLOCK_SIZE;
        if (cap > SIZE_MAX - sizeof(block))
            return out_of_memory();
        if (cap == BLOCK_SIZE && a->spare) {
            b = a->spare;
            a->spare = NULL;
        } else {
            b = pb_xmalloc(sizeof(block) + cap);
            if (!b)
                return NULL;
            POISON(b->data, cap);
        }
        b->size = cap;
        b->used = 0;
        b->seq = a->seq++;
        if (size > BLOCK_SIZE / 2 && a->head) {
            /* A large allocation gets a block of its own behind the current
             * one, so the current block's free space is not wasted. */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    UNPOISON(p, size);
    return memset(p, 0, size);
}

pb_arena_pos pb_arena_mark(pb_arena *a)
{
    return (pb_arena_pos){a->head, a->head ? a->head->used : 0, a->seq, a->adopted};
}

void pb_arena_adopt(pb_arena *a, void *p)
{
    if (!p)
        return;
    adopted *d = pb_arena_alloc(a, sizeof *d);
    d->p = p;
    d->next = a->adopted;
    a->adopted = d;
}

/* A block no longer used: kept as the spare when it is of the usual size
 * (its pages are touched already), freed otherwise.  Built with
 * AddressSanitizer, every such block is freed, so that a pointer kept
 * into it is reported wherever it is used. */
static void give_back(pb_arena *a, block *b)
{
#ifdef PB_ARENA_ASAN
    (void)a;
#else
    if (b->size == BLOCK_SIZE && !a->spare) {
        a->spare = b;
        return;
    }
#endif
    free(b);
}

void pb_arena_release(pb_arena *a, pb_arena_pos mark)
{
    /* the blocks adopted after the mark (their nodes are given back below) */
    while (a->adopted && a->adopted != mark.adopted) {
        adopted *d = a->adopted;
        a->adopted = d->next;
        free(d->p);
    }
    block *m = mark.block;
    /* the blocks taken after the mark: those in front of its block, and
     * large ones put behind it while it was the current block */
    while (a->head && a->head != m) {
        block *b = a->head;
        a->head = b->next;
        give_back(a, b);
    }
    if (!m)
        return;
    while (m->next && m->next->seq >= mark.seq) {
        block *b = m->next;
        m->next = b->next;
        give_back(a, b);
    }
    POISON((char *)m->data + mark.used, m->used - mark.used);
    m->used = mark.used;
}

void *pb_arena_calloc(pb_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return out_of_memory();
    return pb_arena_alloc(a, count * size);
}

char *pb_arena_strndup(pb_arena *a, const char *s, size_t n)
{
    char *p = pb_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *pb_arena_strdup(pb_arena *a, const char *s)
{
    return s ? pb_arena_strndup(a, s, strlen(s)) : NULL;
}

char *pb_arena_printf(pb_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return pb_arena_strdup(a, "");
    char *p = pb_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void pb_arena_text_printf(pb_arena *a, pb_arena_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (!t->p || t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        t->p = pb_arena_grow(a, t->p, t->len, cap, 1);
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void *pb_arena_grow(pb_arena *a, void *old, size_t old_count, size_t new_count,
                    size_t elem_size)
{
    void *p = pb_arena_calloc(a, new_count, elem_size);
    if (old && old_count)
        memcpy(p, old, old_count * elem_size);
    return p;
}
