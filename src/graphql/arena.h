/* arena.h -- bump allocator for documents, schemas and requests.
 *
 * Everything a parse, a schema or one request allocates lives in one arena
 * and is released at once with gql_arena_free(). This keeps ownership simple
 * (nobody frees an AST node or a coerced value) and makes allocation a pointer
 * bump, which matters for the per-request hot path.
 *
 * Allocation never returns NULL: on out-of-memory the arena calls abort().
 * A server cannot do anything useful without memory for a request and the
 * alternative is an error path on every single node allocation. Size limits
 * (document size, token count, list sizes) bound what one request may take.
 */
#ifndef GQL_ARENA_H
#define GQL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gql_arena_chunk gql_arena_chunk;

typedef struct gql_arena {
    gql_arena_chunk *head; /* current chunk, newest first */
    size_t used;           /* bytes allocated from all chunks */
    size_t chunk_size;     /* default size of a new chunk */
} gql_arena;

/* Initialise an arena; chunk_size 0 means a default (8 KiB). */
void gql_arena_init(gql_arena *a, size_t chunk_size);
/* Release every chunk; the arena may be reused after gql_arena_init. */
void gql_arena_free(gql_arena *a);
/* Release all but the first chunk and rewind it: cheap reuse between requests. */
void gql_arena_reset(gql_arena *a);

/* Aligned (16) uninitialised / zeroed memory. */
void *gql_arena_alloc(gql_arena *a, size_t n);
void *gql_arena_zalloc(gql_arena *a, size_t n);
/* Copies; the result is NUL-terminated. */
char *gql_arena_strdup(gql_arena *a, const char *s);
char *gql_arena_strndup(gql_arena *a, const char *s, size_t n);
char *gql_arena_printf(gql_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *gql_arena_vprintf(gql_arena *a, const char *fmt, va_list ap);
/* Grow an array allocated from the arena (old contents copied, old block abandoned). */
void *gql_arena_grow(gql_arena *a, void *old, size_t old_n, size_t new_n, size_t elem);

#define GQL_NEW(a, T) ((T *)gql_arena_zalloc((a), sizeof(T)))
#define GQL_NEWN(a, T, n) ((T *)gql_arena_zalloc((a), sizeof(T) * (size_t)(n)))

/* A growable vector of pointers backed by an arena (used by the parser and
 * validator while collecting items of unknown count). */
typedef struct gql_vec {
    void **items;
    size_t n, cap;
} gql_vec;
void gql_vec_push(gql_arena *a, gql_vec *v, void *item);

#endif
