/* test_introspection.c -- introspection through the whole engine: graphql-js
 * 17's getIntrospectionQuery() (default options, as GraphiQL sends it, and
 * every option on) and detailed __type/__schema queries run with gql_run on
 * the rich test schema, compared byte for byte with graphql-js's responses
 * (the .json files under golden/introspection, generated with graphqlSync).
 */
#include "test.h"

#include "graphql.h"
#include "schema.h"

static char *read_golden(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/golden/%s/%s", test_data_dir(), dir, name);
    size_t len;
    return test_read_file(path, &len);
}

static gql_schema *rich_schema(void)
{
    char *sdl = read_golden("schema", "rich.graphql");
    char *err = NULL;
    gql_schema *s = sdl ? gql_schema_build(sdl, strlen(sdl), &err) : NULL;
    if (!s)
        fprintf(stderr, "  schema errors: %s\n", err ? err : "(no SDL)");
    free(err);
    free(sdl);
    return s;
}

/* Run golden/introspection/<name>.graphql, compare with <name>.json. */
static void check_query(const char *name)
{
    char qfile[128], jfile[128];
    snprintf(qfile, sizeof qfile, "%s.graphql", name);
    snprintf(jfile, sizeof jfile, "%s.json", name);
    char *query = read_golden("introspection", qfile);
    char *want = read_golden("introspection", jfile);
    gql_schema *s = rich_schema();
    CHECK(query && want && s);
    if (query && want && s) {
        /* graphql-js ends the file with a newline; the engine does not. */
        size_t wl = strlen(want);
        while (wl && want[wl - 1] == '\n')
            want[--wl] = '\0';
        gql_request req = {.query = query, .query_len = strlen(query)};
        gql_result res = {0};
        gql_run(s, NULL, &req, &res);
        CHECK_INT(res.stage, GQL_STAGE_OK);
        CHECK_STR(gql_buf_cstr(&res.body), want);
        gql_result_free(&res);
    }
    gql_schema_free(s);
    free(query);
    free(want);
}

TEST(graphiql_introspection_query_matches_graphql_js)
{
    check_query("default");
}

TEST(full_introspection_query_matches_graphql_js)
{
    check_query("full");
}

TEST(type_details_include_deprecated_one_of_and_possible_types)
{
    check_query("type_details");
}

TEST_MAIN()
