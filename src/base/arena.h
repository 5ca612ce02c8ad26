/* Arena allocator: each stage allocates its output from one arena and the
 * whole output is freed at once.  Inside a call of the public API an
 * allocation never returns NULL: running out of memory jumps to the call's
 * out-of-memory scope (base/call.h), so stages need no failure path for
 * it and the call fails with PB_ERR_MEMORY. */
#ifndef PB_ARENA_H
#define PB_ARENA_H

#include <stddef.h>

typedef struct pb_arena pb_arena;

pb_arena *pb_arena_new(void);
void pb_arena_free(pb_arena *a);

/* Zero-filled, aligned for any type. */
void *pb_arena_alloc(pb_arena *a, size_t size);
void *pb_arena_calloc(pb_arena *a, size_t count, size_t size);
char *pb_arena_strdup(pb_arena *a, const char *s);
char *pb_arena_strndup(pb_arena *a, const char *s, size_t n);
char *pb_arena_printf(pb_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A string made piece by piece in an arena, each piece formatted alone
 * (re-printing the whole string for each piece costs its square). */
typedef struct pb_arena_text {
    char *p;              /* NUL-terminated; NULL before the first piece */
    size_t len, cap;
} pb_arena_text;
void pb_arena_text_printf(pb_arena *a, pb_arena_text *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A position in an arena, to give back what was allocated after it: work
 * that needs memory only for a while (a text's shaping and line breaks,
 * kept until its lines are placed) takes a mark, allocates, and releases
 * to the mark, so that the next piece of work reuses the same memory
 * instead of touching fresh pages.  Nothing allocated after the mark may
 * be used after the release (built with AddressSanitizer, that memory is
 * poisoned or freed, so such a use is an error).  Marks are released
 * newest first; releasing one gives back the marks taken after it. */
typedef struct pb_arena_pos {
    void *block;          /* the current block at the mark; NULL: none */
    size_t used;          /* how much of it was used */
    unsigned long seq;    /* blocks numbered from here on came after it */
    void *adopted;        /* the last block adopted before it */
} pb_arena_pos;
pb_arena_pos pb_arena_mark(pb_arena *a);
void pb_arena_release(pb_arena *a, pb_arena_pos mark);

/* Hands a block from pb_xmalloc/pb_xrealloc to the arena, which frees it
 * with its own memory (or on a release to a mark taken before).  For an
 * array grown with realloc, which reuses its pages as it grows, that
 * becomes part of a stage's output. */
void pb_arena_adopt(pb_arena *a, void *p);

/* Growable array kept in an arena: the old block is abandoned (arenas
 * reclaim everything at once), so use a doubling capacity. */
void *pb_arena_grow(pb_arena *a, void *old, size_t old_count, size_t new_count,
                    size_t elem_size);

/* malloc/realloc for buffers outside arenas, with the same rule. */
void *pb_xmalloc(size_t size);
void *pb_xcalloc(size_t count, size_t size);
void *pb_xrealloc(void *p, size_t size);
char *pb_xstrdup(const char *s);

#endif
