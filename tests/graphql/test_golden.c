/* test_golden.c -- golden-file execution tests against graphql-js output.
 *
 * golden/schema.graphql and golden/data.json define a schema resolved from
 * JSON (json_bind). Each golden/execute/NAME.graphql is run (variables from
 * NAME.vars.json, operation from a first line "# operation: X") and the
 * response must equal NAME.json byte for byte: the expected files are
 * graphql-js 17's JSON.stringify(result), written by golden/gen.mjs.
 */
#include <dirent.h>
#include <jansson.h>

#include "graphql.h"
#include "json_bind.h"
#include "test.h"

typedef struct golden {
    gql_schema *schema;
    json_t *data;
} golden;

static char *read_data(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/%s", test_data_dir(), rel);
    return test_read_file(path, len);
}

static bool golden_open(golden *g)
{
    size_t len;
    char *sdl = read_data("schema.graphql", &len);
    char *errors = NULL;
    g->schema = sdl ? gql_schema_build(sdl, len, &errors) : NULL;
    free(sdl);
    if (!g->schema) {
        TEST_FAIL_("golden schema does not build: %s", errors ? errors : "(missing file)");
        free(errors);
        return false;
    }
    gql_json_bind(g->schema);
    char *path = NULL;
    if (asprintf(&path, "%s/golden/data.json", test_data_dir()) < 0)
        return false;
    json_error_t jerr;
    g->data = json_load_file(path, 0, &jerr);
    free(path);
    if (!g->data) {
        TEST_FAIL_("golden data: %s", jerr.text);
        gql_schema_free(g->schema);
        return false;
    }
    return true;
}

static void golden_close(golden *g)
{
    json_decref(g->data);
    gql_schema_free(g->schema);
}

/* Run execute/NAME.graphql; returns true when the response matches. */
static bool run_case(golden *g, gql_cache *cache, const char *name)
{
    char rel[512];
    size_t qlen;
    snprintf(rel, sizeof rel, "execute/%s.graphql", name);
    char *query = read_data(rel, &qlen);
    snprintf(rel, sizeof rel, "execute/%s.json", name);
    char *expected = read_data(rel, NULL);
    snprintf(rel, sizeof rel, "execute/%s.vars.json", name);
    size_t vlen;
    char *vars_text = read_data(rel, &vlen);
    bool ok = false;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val vars;
    const char *err = NULL;
    char op[128] = "";
    gql_result res;
    memset(&res, 0, sizeof res);
    if (!query || !expected) {
        TEST_FAIL_("%s: missing .graphql or .json", name);
        goto out;
    }
    if (vars_text && !gql_val_parse_json(&a, vars_text, vlen, &vars, &err)) {
        TEST_FAIL_("%s: bad variables: %s", name, err);
        goto out;
    }
    sscanf(query, "# operation: %127s", op);
    gql_request req = {.query = query,
                       .query_len = qlen,
                       .operation_name = op[0] ? op : NULL,
                       .variables = vars_text ? &vars : NULL,
                       .root_value = g->data};
    gql_run(g->schema, cache, &req, &res);
    size_t elen = strlen(expected);
    while (elen && expected[elen - 1] == '\n')
        expected[--elen] = '\0';
    ok = strcmp(gql_buf_cstr(&res.body), expected) == 0;
    if (!ok)
        TEST_FAIL_("%s differs from graphql-js:\n    got:      %s\n    expected: %s", name,
                   gql_buf_cstr(&res.body), expected);
out:
    gql_result_free(&res);
    gql_arena_free(&a);
    free(query);
    free(expected);
    free(vars_text);
    return ok;
}

/* Names of the cases (NAME of every execute/NAME.graphql), sorted. */
static size_t list_cases(char names[][128], size_t max)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/execute", test_data_dir());
    DIR *d = opendir(path);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < max;) {
        size_t len = strlen(e->d_name);
        if (len > 8 && len - 8 < 128 && strcmp(e->d_name + len - 8, ".graphql") == 0) {
            memcpy(names[n], e->d_name, len - 8);
            names[n][len - 8] = '\0';
            n++;
        }
    }
    closedir(d);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

TEST(every_golden_case_matches_graphql_js)
{
    static char names[256][128];
    size_t n = list_cases(names, 256);
    CHECK(n >= 30); /* the suite is really there */
    golden g;
    if (!golden_open(&g))
        return;
    size_t passed = 0;
    for (size_t i = 0; i < n; i++)
        passed += run_case(&g, NULL, names[i]);
    printf("     %zu of %zu golden cases match\n", passed, n);
    golden_close(&g);
}

TEST(golden_cases_give_the_same_answers_from_the_document_cache)
{
    static char names[256][128];
    size_t n = list_cases(names, 256);
    golden g;
    if (!golden_open(&g))
        return;
    gql_cache *cache = gql_cache_new(64);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < n; i++)
            run_case(&g, cache, names[i]);
    CHECK(gql_cache_hits(cache) > 0);
    gql_cache_free(cache);
    golden_close(&g);
}

TEST_MAIN()
