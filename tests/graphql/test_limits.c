/* test_limits.c -- limits against abusive documents (gql_limits).
 *
 * Each limit is exceeded on its own and must give a request error with a
 * clear message and extensions {"code":"LIMIT_EXCEEDED","limit":...};
 * the defaults must still admit graphql-js's introspection queries.
 */
#include "graphql.h"
#include "limits.h"
#include "parser.h"
#include "schema.h"
#include "test.h"

static const char *sdl = "type Query { a: Int b: Query list: [Int] }";

static gql_rv r_a(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(1);
}
static gql_rv r_b(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"q", NULL);
}
static gql_rv list_at(void *l, size_t i, gql_info *info)
{
    return gql_rv_int((int64_t)i);
}
static gql_rv r_list(void *p, const gql_val *args, gql_info *info)
{
    gql_rv r = {.kind = GQL_RV_LIST_FN, .u.list_fn = {NULL, 5, list_at}};
    return r;
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
        gql_schema_bind(s, "Query", "b", r_b, NULL);
        gql_schema_bind(s, "Query", "list", r_list, NULL);
    }
    return s;
}

static gql_result last;

static const char *run_with(const char *query, const gql_limits *l, gql_cache *cache)
{
    gql_result_free(&last);
    memset(&last, 0, sizeof last);
    gql_request req = {.query = query, .query_len = strlen(query), .limits = l};
    gql_run(schema(), cache, &req, &last);
    return gql_buf_cstr(&last.body);
}

static gql_limits unlimited(void)
{
    gql_limits l;
    memset(&l, 0, sizeof l);
    return l;
}

static char *read_golden(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/golden/limits/%s", test_data_dir(), name);
    char *text = test_read_file(path, NULL);
    if (!text)
        TEST_FAIL_("cannot read %s", path);
    return text;
}

TEST(defaults_are_sensible_for_a_public_server)
{
    CHECK_INT(gql_limits_default.max_document_bytes, 100 * 1024);
    CHECK_INT(gql_limits_default.max_tokens, 10000);
    CHECK_INT(gql_limits_default.max_depth, 32);
    CHECK_INT(gql_limits_default.max_fields, 2000);
    CHECK_INT(gql_limits_default.max_aliases, 200);
    CHECK_INT(gql_limits_default.max_list_items, 10000);
    CHECK_INT(gql_limits_default.max_errors, 100);
}

TEST(document_size_limit_is_a_request_error)
{
    gql_limits l = unlimited();
    l.max_document_bytes = 8;
    CHECK_STR(run_with("{ a b { a } }", &l, NULL),
              "{\"errors\":[{\"message\":\"The document (13 bytes) exceeds the "
              "max_document_bytes limit of 8.\",\"extensions\":{\"code\":\"LIMIT_EXCEEDED\","
              "\"limit\":\"max_document_bytes\"}}]}");
    CHECK_INT(last.stage, GQL_STAGE_LIMIT);
}

TEST(token_limit_stops_the_parser_with_a_limit_error)
{
    gql_limits l = unlimited();
    l.max_tokens = 4;
    const char *body = run_with("{ a b { a } }", &l, NULL);
    CHECK_CONTAINS(body, "Document contains more than 4 tokens. Parsing aborted.");
    CHECK_CONTAINS(body, "\"extensions\":{\"code\":\"LIMIT_EXCEEDED\",\"limit\":\"max_tokens\"}");
    CHECK_INT(last.stage, GQL_STAGE_LIMIT);
}

TEST(depth_limit_counts_nesting_through_fragments)
{
    gql_limits l = unlimited();
    l.max_depth = 3;
    CHECK_STR(run_with("{ b { b { a } } }", &l, NULL), "{\"data\":{\"b\":{\"b\":{\"a\":1}}}}");
    CHECK_STR(run_with("{ b { ...F } } fragment F on Query { b { b { a } } }", &l, NULL),
              "{\"errors\":[{\"message\":\"The selection depth (4) exceeds the max_depth limit "
              "of 3.\",\"extensions\":{\"code\":\"LIMIT_EXCEEDED\",\"limit\":\"max_depth\"}}]}");
    CHECK_INT(last.stage, GQL_STAGE_LIMIT);
}

TEST(field_limit_counts_every_fragment_spread)
{
    gql_limits l = unlimited();
    l.max_fields = 4;
    CHECK_STR(run_with("{ ...F b { ...F } } fragment F on Query { a }", &l, NULL),
              "{\"data\":{\"a\":1,\"b\":{\"a\":1}}}");
    CHECK_STR(run_with("{ ...F b { ...F c: b { ...F } } } fragment F on Query { a }", &l, NULL),
              "{\"errors\":[{\"message\":\"The number of fields in an operation (5) exceeds the "
              "max_fields limit of 4.\",\"extensions\":{\"code\":\"LIMIT_EXCEEDED\","
              "\"limit\":\"max_fields\"}}]}");
}

TEST(alias_limit_counts_aliased_fields)
{
    gql_limits l = unlimited();
    l.max_aliases = 2;
    CHECK_STR(run_with("{ x: a y: a }", &l, NULL), "{\"data\":{\"x\":1,\"y\":1}}");
    CHECK_STR(run_with("{ x: a y: a z: a }", &l, NULL),
              "{\"errors\":[{\"message\":\"The number of aliases in an operation (3) exceeds the "
              "max_aliases limit of 2.\",\"extensions\":{\"code\":\"LIMIT_EXCEEDED\","
              "\"limit\":\"max_aliases\"}}]}");
}

TEST(zero_means_unlimited)
{
    gql_limits l = unlimited();
    CHECK_STR(run_with("{ b { b { b { b { a } } } } }", &l, NULL),
              "{\"data\":{\"b\":{\"b\":{\"b\":{\"b\":{\"a\":1}}}}}}");
    CHECK_STR(run_with("{ list }", &l, NULL), "{\"data\":{\"list\":[0,1,2,3,4]}}");
}

TEST(fragment_fan_out_is_measured_without_expanding_it)
{
    /* F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^40 fields if expanded. */
    gql_buf q = GQL_BUF_INIT;
    gql_buf_puts(&q, "{ ...F0 }");
    for (int i = 0; i < 40; i++)
        gql_buf_printf(&q, " fragment F%d on Query { b { ...F%d } x%d: b { ...F%d } }", i, i + 1,
                       i, i + 1);
    gql_buf_puts(&q, " fragment F40 on Query { a }");
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_document *doc = gql_parse(q.data, q.len, 0, &errs);
    CHECK(doc != NULL);
    if (doc) {
        gql_doc_shape shape;
        gql_doc_measure(doc, &shape);
        CHECK_INT(shape.depth, 41);
        CHECK(shape.fields > ((size_t)1 << 40));
        CHECK(!gql_limits_check_shape(&gql_limits_default, &shape, 0, &errs));
        gql_document_free(doc);
    }
    gql_arena_free(&a);
    gql_buf_free(&q);
}

TEST(limits_are_checked_again_when_the_document_comes_from_the_cache)
{
    gql_cache *c = gql_cache_new(4);
    gql_limits loose = unlimited(), tight = unlimited();
    tight.max_depth = 1;
    CHECK_STR(run_with("{ b { a } }", &loose, c), "{\"data\":{\"b\":{\"a\":1}}}");
    CHECK_CONTAINS(run_with("{ b { a } }", &tight, c), "max_depth");
    CHECK_INT(last.stage, GQL_STAGE_LIMIT);
    CHECK_INT(gql_cache_hits(c), 1);
    gql_cache_free(c);
}

TEST(list_limit_applies_to_results)
{
    gql_limits l = unlimited();
    l.max_list_items = 5;
    CHECK_STR(run_with("{ list }", &l, NULL), "{\"data\":{\"list\":[0,1,2,3,4]}}");
    l.max_list_items = 4;
    CHECK_CONTAINS(run_with("{ list }", &l, NULL),
                   "\"extensions\":{\"code\":\"LIMIT_EXCEEDED\",\"limit\":\"max_list_items\"}");
    CHECK_INT(last.stage, GQL_STAGE_OK);
}

TEST(graphql_js_full_introspection_query_passes_the_defaults)
{
    char *q = read_golden("introspection_full.graphql");
    if (!q)
        return;
    const char *body = run_with(q, NULL, NULL);
    CHECK_INT(last.stage, GQL_STAGE_OK);
    CHECK_CONTAINS(body, "{\"data\":{\"__schema\":{");
    free(q);
}

TEST(graphiql_introspection_query_passes_the_defaults)
{
    char *q = read_golden("introspection_graphiql.graphql");
    if (!q)
        return;
    run_with(q, NULL, NULL);
    CHECK_INT(last.stage, GQL_STAGE_OK);
    CHECK_INT(last.nerrors, 0);
    free(q);
}

TEST_MAIN()
