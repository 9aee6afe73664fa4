/* cache.h -- engine-internal side of the prepared-document cache.
 *
 * The public API (gql_cache_new, _free, _hits) is in graphql.h. Entries
 * hold a reference to their gql_prepared; a lookup hands out another one,
 * so a document evicted while a request still runs it stays alive until
 * that request releases it.
 */
#ifndef GQL_CACHE_H
#define GQL_CACHE_H

#include "graphql.h"

/* A retained prepared document for this query text, or NULL. */
gql_prepared *gql_cache_get(gql_cache *c, const char *query, size_t len);
/* Insert (the cache takes its own reference); an existing entry for the
 * same text is kept. Evicts the least recently used entry when full. */
void gql_cache_put(gql_cache *c, const char *query, size_t len, gql_prepared *p);
/* Number of entries (for tests). */
size_t gql_cache_size(gql_cache *c);

/* Reference counting of prepared documents (execute.c). */
void gql_prepared_retain(gql_prepared *p);

#endif
