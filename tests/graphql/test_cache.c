/* test_cache.c -- the prepared-document cache: hits, LRU eviction,
 * reference counting across eviction, failures not cached, and use from
 * several threads at once (run under ASan/TSan-like builds to catch races).
 */
#include <pthread.h>

#include "cache.h"
#include "graphql.h"
#include "schema.h"
#include "test.h"

static const char *sdl = "type Query { a: Int b: String }";

static gql_rv r_a(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(7);
}

static gql_schema *schema(void)
{
    static gql_schema *s;
    if (!s) {
        s = gql_schema_build(sdl, strlen(sdl), NULL);
        if (!s) {
            fprintf(stderr, "schema does not build\n");
            exit(1);
        }
        gql_schema_bind(s, "Query", "a", r_a, NULL);
    }
    return s;
}

/* Prepare `q` through the cache; NULL on a request error. */
static gql_prepared *prepare(gql_cache *c, const char *q)
{
    gql_result res;
    memset(&res, 0, sizeof res);
    gql_prepared *p = gql_prepare(schema(), c, q, strlen(q), NULL, &res);
    gql_result_free(&res);
    return p;
}

TEST(second_prepare_of_the_same_text_is_a_hit_returning_the_same_document)
{
    gql_cache *c = gql_cache_new(8);
    gql_prepared *p1 = prepare(c, "{ a }");
    gql_prepared *p2 = prepare(c, "{ a }");
    CHECK(p1 && p1 == p2);
    CHECK_INT(gql_cache_hits(c), 1);
    gql_prepared_release(p1);
    gql_prepared_release(p2);
    gql_cache_free(c);
}

TEST(different_text_is_a_miss_even_when_equivalent)
{
    gql_cache *c = gql_cache_new(8);
    gql_prepared *p1 = prepare(c, "{ a }");
    gql_prepared *p2 = prepare(c, "{a}");
    CHECK(p1 && p2 && p1 != p2);
    CHECK_INT(gql_cache_hits(c), 0);
    CHECK_INT(gql_cache_size(c), 2);
    gql_prepared_release(p1);
    gql_prepared_release(p2);
    gql_cache_free(c);
}

TEST(least_recently_used_entry_is_evicted_at_capacity)
{
    gql_cache *c = gql_cache_new(2);
    gql_prepared_release(prepare(c, "{ a }"));
    gql_prepared_release(prepare(c, "{ b }"));
    gql_prepared_release(prepare(c, "{ a }")); /* hit: "{ a }" is now the most recent */
    gql_prepared_release(prepare(c, "{ a b }")); /* evicts "{ b }" */
    CHECK_INT(gql_cache_size(c), 2);
    size_t hits = gql_cache_hits(c);
    gql_prepared *pa = gql_cache_get(c, "{ a }", 5);
    gql_prepared *pb = gql_cache_get(c, "{ b }", 5);
    CHECK(pa != NULL);
    CHECK(pb == NULL);
    CHECK_INT(gql_cache_hits(c), hits + 1);
    gql_prepared_release(pa);
    gql_cache_free(c);
}

TEST(an_evicted_document_stays_valid_while_a_request_holds_it)
{
    gql_cache *c = gql_cache_new(1);
    gql_prepared *held = prepare(c, "{ a }");
    gql_prepared_release(prepare(c, "{ b }")); /* evicts "{ a }" */
    CHECK(gql_cache_get(c, "{ a }", 5) == NULL);
    gql_result res;
    memset(&res, 0, sizeof res);
    gql_request req = {.query = "{ a }", .query_len = 5};
    gql_execute(schema(), held, &req, &res);
    CHECK_STR(gql_buf_cstr(&res.body), "{\"data\":{\"a\":7}}");
    gql_result_free(&res);
    gql_prepared_release(held);
    gql_cache_free(c);
}

TEST(a_document_outlives_the_cache_that_held_it)
{
    gql_cache *c = gql_cache_new(4);
    gql_prepared *p = prepare(c, "{ a }");
    gql_cache_free(c);
    CHECK(gql_prepared_document(p) != NULL);
    gql_prepared_release(p);
}

TEST(invalid_documents_are_not_cached)
{
    gql_cache *c = gql_cache_new(4);
    CHECK(prepare(c, "{ nope }") == NULL);
    CHECK(prepare(c, "{ a") == NULL);
    CHECK_INT(gql_cache_size(c), 0);
    gql_cache_free(c);
}

TEST(run_uses_the_cache)
{
    gql_cache *c = gql_cache_new(4);
    for (int i = 0; i < 3; i++) {
        gql_result res;
        memset(&res, 0, sizeof res);
        gql_request req = {.query = "{ a }", .query_len = 5};
        gql_run(schema(), c, &req, &res);
        CHECK_STR(gql_buf_cstr(&res.body), "{\"data\":{\"a\":7}}");
        gql_result_free(&res);
    }
    CHECK_INT(gql_cache_hits(c), 2);
    gql_cache_free(c);
}

typedef struct worker {
    gql_cache *cache;
    int id, failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    static const char *queries[] = {"{ a }", "{ a b }", "{ b a }", "{ x: a }", "{ y: a }"};
    for (int i = 0; i < 300; i++) {
        const char *q = queries[(i + w->id) % 5];
        gql_result res;
        memset(&res, 0, sizeof res);
        gql_request req = {.query = q, .query_len = strlen(q)};
        gql_run(schema(), w->cache, &req, &res);
        if (res.stage != GQL_STAGE_OK || res.nerrors)
            w->failures++;
        gql_result_free(&res);
    }
    return NULL;
}

/* Six threads run the five queries through one cache; returns failures. */
static int hammer(gql_cache *c)
{
    schema();
    pthread_t th[6];
    worker w[6];
    for (int i = 0; i < 6; i++) {
        w[i] = (worker){c, i, 0};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    int failures = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        failures += w[i].failures;
    }
    return failures;
}

TEST(concurrent_requests_share_the_cache_safely)
{
    gql_cache *c = gql_cache_new(16);
    CHECK_INT(hammer(c), 0);
    CHECK(gql_cache_hits(c) > 0);
    CHECK_INT(gql_cache_size(c), 5);
    gql_cache_free(c);
}

TEST(concurrent_eviction_races_with_use_safely)
{
    /* capacity below the number of distinct texts: entries are evicted
     * while other threads still execute them */
    gql_cache *c = gql_cache_new(3);
    CHECK_INT(hammer(c), 0);
    CHECK(gql_cache_size(c) <= 3);
    gql_cache_free(c);
}

TEST_MAIN()
