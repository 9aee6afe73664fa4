/* error.h -- GraphQL errors (request errors and field errors).
 *
 * An error is a message with zero or more source locations, an optional
 * response path and optional extensions (a JSON object, kept as text). Lists
 * of errors are arena-allocated and keep the order in which errors occurred;
 * gql_errors_write_json() writes them as the response's "errors" array.
 */
#ifndef GQL_ERROR_H
#define GQL_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "buf.h"

typedef struct gql_path_seg {
    const char *key; /* response key; NULL for a list index */
    size_t index;
} gql_path_seg;

typedef struct gql_error {
    const char *message;
    gql_loc *locs;
    size_t nlocs;
    gql_path_seg *path;  /* NULL when the error has no path */
    size_t npath;
    const char *extensions_json; /* JSON object text, or NULL */
    struct gql_error *next;
} gql_error;

typedef struct gql_errors {
    gql_arena *arena;    /* where errors are allocated (not owned) */
    gql_error *head, *tail;
    size_t n;
    size_t max;          /* 0 = unlimited; past it further errors are dropped */
    bool truncated;      /* an error was dropped because of max */
} gql_errors;

void gql_errors_init(gql_errors *e, gql_arena *arena);
/* Add an error with up to one location (loc may be NULL). Returns it so the
 * caller can add locations, a path or extensions. */
gql_error *gql_errors_add(gql_errors *e, const gql_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
gql_error *gql_errors_vadd(gql_errors *e, const gql_loc *loc, const char *fmt, va_list ap);
void gql_error_add_loc(gql_errors *e, gql_error *err, gql_loc loc);
/* Copy `n` path segments (keys are copied too). */
void gql_error_set_path(gql_errors *e, gql_error *err, const gql_path_seg *path, size_t n);

/* Write `[{"message":...,"locations":[...],"path":[...],"extensions":{...}}, ...]`. */
void gql_errors_write_json(const gql_errors *e, gql_buf *out);

#endif
