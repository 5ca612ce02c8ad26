#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */
#include "base/call.h"

#include <string.h>
#include <sys/mman.h>

/* Per thread and set only while a call runs: calls on different threads
 * never see each other's. */
static _Thread_local pb_call *current;

void pb_call_begin(pb_call *c, const pb_call_limits *limits)
{
    memset(c, 0, sizeof *c);
    c->limits = limits ? *limits
                       : (pb_call_limits){PB_MAX_INPUT_BYTES, PB_MAX_PAGES};
    c->outer = current;
    current = c;
}

void pb_call_end(pb_call *c)
{
    if (c->breaker && c->free_breaker)
        c->free_breaker(c->breaker);
    c->breaker = NULL;
    pb_arena_free(c->scratch);
    c->scratch = NULL;
    current = c->outer;
}

pb_call *pb_call_current(void)
{
    return current;
}

size_t pb_limit_input_bytes(void)
{
    return current ? current->limits.input_bytes : PB_MAX_INPUT_BYTES;
}

int pb_limit_pages(void)
{
    return current ? current->limits.pages : PB_MAX_PAGES;
}

void pb_oom_guard(void (*fn)(void *arg), void (*undo)(void *arg), void *arg)
{
    pb_oom_scope scope;
    pb_oom_enter(&scope);
    if (setjmp(scope.env) != 0) {
        pb_oom_leave(&scope);
        undo(arg);
        pb_oom_rethrow();
    }
    fn(arg);
    pb_oom_leave(&scope);
}

pb_arena *pb_scratch_begin(pb_scratch *s)
{
    s->own = !current;
    if (s->own) {
        s->arena = pb_arena_new();
        return s->arena;
    }
    if (!current->scratch)
        current->scratch = pb_arena_new();
    s->arena = current->scratch;
    s->mark = pb_arena_mark(s->arena);
    return s->arena;
}

void pb_scratch_end(pb_scratch *s)
{
    if (s->own)
        pb_arena_free(s->arena);
    else
        pb_arena_release(s->arena, s->mark);
    s->arena = NULL;
}

void pb_oom_enter(pb_oom_scope *s)
{
    s->outer = current ? current->oom : NULL;
    if (current)
        current->oom = s;
}

void pb_oom_leave(pb_oom_scope *s)
{
    if (current && current->oom == s)
        current->oom = s->outer;
}

bool pb_oom_armed(void)
{
    return current && current->oom;
}

void pb_oom_if(bool failed)
{
    if (failed && pb_oom_armed())
        pb_oom_rethrow();
}

_Noreturn void pb_oom_rethrow(void)
{
    longjmp(current->oom->env, 1);
}

bool pb_memory_short(size_t bytes)
{
    /* a private writable mapping counts against RLIMIT_AS and RLIMIT_DATA
       alike; MAP_NORESERVE keeps it from committing anything */
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return true;
    munmap(p, bytes);
    return false;
}
