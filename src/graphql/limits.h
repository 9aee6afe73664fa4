/* limits.h -- measuring a validated document against gql_limits.
 *
 * Internal to the engine. A document's shape (selection depth, field and
 * alias counts with fragments expanded) is measured once when it is
 * prepared and kept with it, so that requests with different limits can
 * share one cached document and each check is a few comparisons.
 */
#ifndef GQL_LIMITS_H
#define GQL_LIMITS_H

#include "graphql.h"

/* The largest shape over all operations of a document. Counts saturate at
 * SIZE_MAX instead of overflowing (fragments can multiply them). */
typedef struct gql_doc_shape {
    size_t depth;   /* deepest field nesting, fragments expanded */
    size_t fields;  /* field selections in the largest operation */
    size_t aliases; /* aliased fields in the most aliased operation */
} gql_doc_shape;

/* Measure a document (fragment cycles must already have been rejected by
 * validation; a cycle is counted as empty rather than looping). */
void gql_doc_measure(const gql_document *doc, gql_doc_shape *shape);

/* Add a LIMIT_EXCEEDED error for the first limit the shape (or the token
 * count) exceeds; returns false then. */
bool gql_limits_check_shape(const gql_limits *l, const gql_doc_shape *shape, size_t tokens,
                            gql_errors *errs);

/* extensions text of a limit error: {"code":"LIMIT_EXCEEDED","limit":"<name>"} */
const char *gql_limit_extensions(gql_arena *a, const char *limit);

#endif
