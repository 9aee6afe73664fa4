/* arena.c -- bump allocator, see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gql_arena_chunk {
    gql_arena_chunk *next;
    size_t size; /* usable bytes in data[] */
    size_t off;  /* next free byte */
    _Alignas(16) unsigned char data[];
};

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK 8192

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fputs("epfiot: out of memory\n", stderr);
        abort();
    }
    return p;
}

void gql_arena_init(gql_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->used = 0;
    a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
}

void gql_arena_free(gql_arena *a)
{
    gql_arena_chunk *c = a->head;
    while (c) {
        gql_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

void gql_arena_reset(gql_arena *a)
{
    if (!a->head)
        return;
    /* Keep the oldest chunk (the last in the list), free the rest. */
    gql_arena_chunk *c = a->head, *keep = NULL;
    while (c) {
        gql_arena_chunk *next = c->next;
        if (next == NULL)
            keep = c;
        else
            free(c);
        c = next;
    }
    keep->off = 0;
    keep->next = NULL;
    a->head = keep;
    a->used = 0;
}

void *gql_arena_alloc(gql_arena *a, size_t n)
{
    size_t need = (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    gql_arena_chunk *c = a->head;
    if (!c || c->size - c->off < need) {
        /* Large requests get a chunk of their own, placed behind the current
         * one so that the current chunk's free tail stays usable. */
        size_t size = need > a->chunk_size / 2 ? need : a->chunk_size;
        gql_arena_chunk *nc = xmalloc(sizeof(*nc) + size);
        nc->size = size;
        nc->off = 0;
        if (c && size == need) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->head = nc;
        }
        c = nc;
    }
    void *p = c->data + c->off;
    c->off += need;
    a->used += need;
    return p;
}

void *gql_arena_zalloc(gql_arena *a, size_t n)
{
    void *p = gql_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *gql_arena_strndup(gql_arena *a, const char *s, size_t n)
{
    char *p = gql_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gql_arena_strdup(gql_arena *a, const char *s)
{
    return gql_arena_strndup(a, s, strlen(s));
}

/* GCC 12 with -O2 -fsanitize=undefined reports "null format string" here:
 * UBSan's inserted null check on `fmt` creates a path GCC then warns about.
 * fmt is never NULL (the printf-format attribute on callers checks that). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
char *gql_arena_vprintf(gql_arena *a, const char *fmt, va_list ap)
{
    /* Format into a stack buffer first: most messages fit, so one pass. */
    char tmp[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = gql_arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof tmp)
        memcpy(p, tmp, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *gql_arena_printf(gql_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = gql_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *gql_arena_grow(gql_arena *a, void *old, size_t old_n, size_t new_n, size_t elem)
{
    void *p = gql_arena_alloc(a, new_n * elem);
    if (old && old_n)
        memcpy(p, old, old_n * elem);
    return p;
}

void gql_vec_push(gql_arena *a, gql_vec *v, void *item)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 4;
        v->items = gql_arena_grow(a, v->items, v->n, ncap, sizeof(void *));
        v->cap = ncap;
    }
    v->items[v->n++] = item;
}
