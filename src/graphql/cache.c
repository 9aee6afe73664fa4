/* cache.c -- bounded LRU cache of prepared documents keyed by query text.
 *
 * Clients send the same few queries over and over; parsing and validating
 * them again costs more than executing them. The cache maps the exact
 * query text to its gql_prepared (parsed, validated, measured document).
 *
 * One mutex guards the table: a lookup is a hash, a memcmp and a few
 * pointer moves, far shorter than anything done outside the lock, so a
 * finer scheme would not pay for itself. Entries are reference-counted
 * prepared documents; eviction drops the cache's reference only.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct centry {
    char *key;
    size_t len;
    uint64_t hash;
    gql_prepared *p;
    struct centry *prev, *next; /* LRU list, most recent first */
    struct centry *chain;       /* hash bucket */
} centry;

struct gql_cache {
    pthread_mutex_t mu;
    size_t capacity, n;
    centry **buckets;
    size_t nbuckets; /* power of two */
    centry *head, *tail;
    size_t hits;
};

/* FNV-1a, 64-bit: good enough spread for query texts, no setup cost. */
static uint64_t hash_text(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

gql_cache *gql_cache_new(size_t capacity)
{
    gql_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->capacity = capacity ? capacity : 1;
    c->nbuckets = 16;
    while (c->nbuckets < c->capacity * 2)
        c->nbuckets *= 2;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void gql_cache_free(gql_cache *c)
{
    if (!c)
        return;
    for (centry *e = c->head, *next; e; e = next) {
        next = e->next;
        gql_prepared_release(e->p);
        free(e->key);
        free(e);
    }
    pthread_mutex_destroy(&c->mu);
    free(c->buckets);
    free(c);
}

size_t gql_cache_hits(const gql_cache *c)
{
    return __atomic_load_n(&c->hits, __ATOMIC_RELAXED);
}

size_t gql_cache_size(gql_cache *c)
{
    pthread_mutex_lock(&c->mu);
    size_t n = c->n;
    pthread_mutex_unlock(&c->mu);
    return n;
}

static void lru_unlink(gql_cache *c, centry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        c->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(gql_cache *c, centry *e)
{
    e->prev = NULL;
    e->next = c->head;
    if (c->head)
        c->head->prev = e;
    c->head = e;
    if (!c->tail)
        c->tail = e;
}

static centry **bucket_slot(gql_cache *c, const char *key, size_t len, uint64_t h)
{
    centry **slot = &c->buckets[h & (c->nbuckets - 1)];
    while (*slot && !((*slot)->hash == h && (*slot)->len == len &&
                      memcmp((*slot)->key, key, len) == 0))
        slot = &(*slot)->chain;
    return slot;
}

gql_prepared *gql_cache_get(gql_cache *c, const char *query, size_t len)
{
    uint64_t h = hash_text(query, len);
    gql_prepared *p = NULL;
    pthread_mutex_lock(&c->mu);
    centry *e = *bucket_slot(c, query, len, h);
    if (e) {
        lru_unlink(c, e);
        lru_push_front(c, e);
        p = e->p;
        gql_prepared_retain(p);
        __atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&c->mu);
    return p;
}

/* Drop the least recently used entry (called with the lock held). The
 * prepared document is released after unlocking by the caller. */
static gql_prepared *evict_one(gql_cache *c)
{
    centry *e = c->tail;
    centry **slot = bucket_slot(c, e->key, e->len, e->hash);
    *slot = e->chain;
    lru_unlink(c, e);
    c->n--;
    gql_prepared *p = e->p;
    free(e->key);
    free(e);
    return p;
}

void gql_cache_put(gql_cache *c, const char *query, size_t len, gql_prepared *p)
{
    uint64_t h = hash_text(query, len);
    centry *e = calloc(1, sizeof *e);
    char *key = malloc(len ? len : 1);
    if (!e || !key) {
        free(e);
        free(key);
        return; /* not caching is always correct */
    }
    memcpy(key, query, len);
    e->key = key;
    e->len = len;
    e->hash = h;
    e->p = p;
    gql_prepared *evicted = NULL;
    pthread_mutex_lock(&c->mu);
    centry **slot = bucket_slot(c, query, len, h);
    if (*slot) {
        /* another thread prepared the same text first: keep its entry */
        pthread_mutex_unlock(&c->mu);
        free(key);
        free(e);
        return;
    }
    gql_prepared_retain(p);
    *slot = e;
    lru_push_front(c, e);
    if (++c->n > c->capacity)
        evicted = evict_one(c);
    pthread_mutex_unlock(&c->mu);
    if (evicted)
        gql_prepared_release(evicted);
}
