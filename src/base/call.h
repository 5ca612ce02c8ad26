/* The context of one call into the library, kept per thread while the call
 * runs: where to go when memory runs out, the call's limits, and the few
 * things its stages share without passing them down (the line-break
 * iterator).  Each public entry point opens one (pb_call_begin) and closes
 * it (pb_call_end); code inside asks pb_call_current().
 *
 * Out of memory.  paiban's allocators (base/arena.h) never return NULL
 * inside a call: they jump to the innermost out-of-memory scope, and the
 * entry point turns that into PB_ERR_MEMORY.  Code that holds something
 * the jump would strand (a lock, a half-built shared object) opens its own
 * scope, releases it there and passes the jump on:
 *
 *     static void load_locked(state *s) { ... work ... }
 *     static bool load(state *s)        // s outlives the jump
 *     {
 *         pb_oom_scope scope;
 *         pb_oom_enter(&scope);
 *         if (setjmp(scope.env) != 0) {
 *             pb_oom_leave(&scope);
 *             undo(s);                  // unlock, free the partial result
 *             pb_oom_rethrow();
 *         }
 *         load_locked(s);
 *         pb_oom_leave(&scope);
 *         return true;
 *     }
 *
 * Memory that third-party objects (HarfBuzz, cJSON) of the failed call
 * held at that moment is not given back; arenas of the call are, and so
 * must be every block paiban allocates itself: a plain malloc'ed buffer
 * held across an allocation needs a scope like the one above (or comes
 * from pb_scratch_begin, or an arena the caller frees). */
#ifndef PB_CALL_H
#define PB_CALL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/limits.h"

typedef struct pb_oom_scope {
    jmp_buf env;
    struct pb_oom_scope *outer;
} pb_oom_scope;

typedef struct pb_call_limits {
    size_t input_bytes; /* one input file, at most PB_MAX_INPUT_BYTES */
    int pages;          /* one document, at most PB_MAX_PAGES */
} pb_call_limits;

typedef struct pb_call {
    pb_oom_scope *oom;    /* innermost scope, NULL outside */
    pb_call_limits limits;
    void *breaker;        /* owned: the line-break iterator (text/linebreak.c) */
    void (*free_breaker)(void *breaker);
    pb_arena *scratch;    /* owned: memory for a while (pb_scratch_begin) */
    struct pb_call *outer;
} pb_call;

/* Opens a call on this thread (limits NULL: the built-in ones). */
void pb_call_begin(pb_call *c, const pb_call_limits *limits);
/* Closes it and frees what it kept. */
void pb_call_end(pb_call *c);
/* The call running on this thread, or NULL. */
pb_call *pb_call_current(void);

/* The limits of the current call (the built-in ones outside a call). */
size_t pb_limit_input_bytes(void);
int pb_limit_pages(void);

/* Runs fn(arg); when memory runs out inside it, undo(arg) gives back what
 * arg holds (arg lives in the caller's frame: what fn put there is still
 * there after the jump) and the jump goes on to the next scope. */
void pb_oom_guard(void (*fn)(void *arg), void (*undo)(void *arg), void *arg);

/* Memory a function needs only while it runs (a solver's tables, a line
 * breaker's working arrays): taken from the call's scratch arena at a
 * mark, given back by pb_scratch_end.  Running out of memory on the way
 * jumps over pb_scratch_end, and the call's end frees the arena, so such
 * memory is never stranded.  It must not outlive the function that took
 * the mark, nor serve as the output arena of a function it calls (whose
 * own marks would give that output back).  Outside a call the function
 * gets an arena of its own, freed by pb_scratch_end. */
typedef struct pb_scratch {
    pb_arena *arena;
    pb_arena_pos mark;
    bool own;             /* arena is this scratch's own (outside a call) */
} pb_scratch;
pb_arena *pb_scratch_begin(pb_scratch *s);
void pb_scratch_end(pb_scratch *s);

void pb_oom_enter(pb_oom_scope *s);
void pb_oom_leave(pb_oom_scope *s);
/* Jumps to the innermost scope (after pb_oom_leave: the next outer one). */
_Noreturn void pb_oom_rethrow(void);
/* Whether a jump has somewhere to go. */
bool pb_oom_armed(void);

/* A third-party library said its allocation failed (ICU's
 * U_MEMORY_ALLOCATION_ERROR, zlib's Z_MEM_ERROR): jumps as paiban's own
 * allocators do, when a scope is open.  Returns otherwise. */
void pb_oom_if(bool failed);

/* Whether `bytes` more of address space cannot be had now.  Third-party
 * libraries answer a failed allocation the way they answer bad data
 * (HarfBuzz's subsetter returns nothing, its faces come back empty), so
 * before a font is blamed for such a failure this tells whether memory
 * (a `ulimit -v`, a container's limit) explains it instead. */
bool pb_memory_short(size_t bytes);

#endif
