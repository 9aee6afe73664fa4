/* buf.h -- growable byte buffer with JSON writing helpers.
 *
 * The executor writes the response straight into one of these, in selection
 * order, with no intermediate DOM. Null propagation rewinds the buffer to the
 * offset where the nearest nullable field's value began (gql_buf_truncate).
 * Heap-backed (not arena) because a response may be large and is handed to
 * the HTTP layer; the owner frees it with gql_buf_free().
 */
#ifndef GQL_BUF_H
#define GQL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gql_buf {
    char *data; /* always NUL-terminated when len > 0 or after gql_buf_cstr */
    size_t len, cap;
} gql_buf;

#define GQL_BUF_INIT {NULL, 0, 0}

void gql_buf_free(gql_buf *b);
void gql_buf_reserve(gql_buf *b, size_t extra);
void gql_buf_put(gql_buf *b, const void *p, size_t n);
void gql_buf_puts(gql_buf *b, const char *s);
void gql_buf_putc(gql_buf *b, char c);
void gql_buf_printf(gql_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gql_buf_truncate(gql_buf *b, size_t len);
/* NUL-terminated view of the contents (never NULL). */
const char *gql_buf_cstr(gql_buf *b);
/* Hand the contents to the caller (free() it); the buffer becomes empty. */
char *gql_buf_steal(gql_buf *b, size_t *len);

/* JSON helpers. Strings are escaped as JSON requires: quote, backslash and
 * control characters (< 0x20) escaped; \u escapes for controls without a
 * short form; DEL and non-ASCII UTF-8 passed through. Invalid UTF-8 is
 * replaced by U+FFFD so the output is always valid JSON. */
void gql_buf_json_string(gql_buf *b, const char *s, size_t n);
void gql_buf_json_cstr(gql_buf *b, const char *s);
void gql_buf_json_int(gql_buf *b, int64_t v);
/* Shortest representation that reads back to the same double, formatted as
 * JavaScript's Number.prototype.toString does (so output matches graphql-js):
 * integers without ".0", exponent form from 1e21 up and below 1e-6.
 * Non-finite values are written as null. */
void gql_buf_json_double(gql_buf *b, double v);

#endif
