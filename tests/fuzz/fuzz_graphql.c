/* fuzz_graphql.c -- libFuzzer target over the whole GraphQL request pipeline.
 *
 * One input is one request against the differential test schema
 * (tests/graphql/diff/schemas/test.graphql) with its JSON data bound through
 * json_bind: the query text, optionally followed by a NUL byte and a JSON
 * object of variables. Each input goes through parse, validation, variable
 * coercion and execution, so the fuzzer reaches every stage the network can.
 *
 * Besides the sanitizers' own reports, the target checks properties that
 * must hold for any input and aborts when one does not:
 *   - the response body is valid JSON and an object (jansson reads
 *     integers as doubles: it rejects integers beyond 64 bits);
 *   - "data" is present exactly when the stage says the request executed;
 *   - the number of entries in "errors" equals res.nerrors;
 *   - running the same request again through a document cache (a cache hit)
 *     produces byte-identical output, so cached documents are not mutated by
 *     execution.
 *
 * The schema and data are loaded once per process (libFuzzer calls this
 * target millions of times); that is the one piece of global state, and it
 * stays reachable, so LeakSanitizer does not count it. The directory comes
 * from $FUZZ_SCHEMA_DIR or, by default, the source tree path compiled in.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "graphql.h"
#include "json_bind.h"

static fuzz_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_env_load(&env);
    return 0;
}

static void check_response(const gql_result *res, const char *query, size_t qlen)
{
    json_error_t jerr;
    json_t *j =
        json_loadb(res->body.data, res->body.len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
    if (!j || !json_is_object(j))
        fuzz_fail(query, qlen, "response is not a JSON object", res->body.data);
    json_t *d = json_object_get(j, "data");
    bool has_data = d != NULL;
    if (has_data != (res->stage == GQL_STAGE_OK))
        fuzz_fail(query, qlen, "\"data\" presence disagrees with the stage", res->body.data);
    if (has_data && json_is_null(d) != res->data_null)
        fuzz_fail(query, qlen, "data_null disagrees with the body", res->body.data);
    json_t *e = json_object_get(j, "errors");
    size_t ne = e ? json_array_size(e) : 0;
    if (ne != res->nerrors)
        fuzz_fail(query, qlen, "nerrors disagrees with the \"errors\" array", res->body.data);
    if (!has_data && ne == 0)
        fuzz_fail(query, qlen, "request error without errors", res->body.data);
    json_decref(j);
}

static void run_once(gql_cache *cache, const char *query, size_t qlen, const gql_val *vars,
                     gql_result *res)
{
    gql_request req = {
        .query = query,
        .query_len = qlen,
        .variables = vars,
        .root_value = env.data,
        .limits = &gql_limits_default,
    };
    memset(res, 0, sizeof *res);
    gql_run(env.schema, cache, &req, res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!env.schema)
        fuzz_env_load(&env);

    /* The query gets a buffer of its own, exactly as long as the query, so
     * that AddressSanitizer catches a read one byte past its end. */
    const uint8_t *nul = memchr(data, 0, size);
    size_t qlen = nul ? (size_t)(nul - data) : size;
    char *query = malloc(qlen ? qlen : 1);
    memcpy(query, data, qlen);

    gql_arena arena;
    gql_arena_init(&arena, 0);
    const gql_val *vars = NULL;
    gql_val parsed;
    if (nul) {
        const char *jerr = NULL;
        const char *json = (const char *)nul + 1;
        size_t jlen = size - qlen - 1;
        if (gql_val_parse_json(&arena, json, jlen, &parsed, &jerr) && parsed.kind == GQL_VAL_OBJECT)
            vars = &parsed;
    }

    gql_cache *cache = gql_cache_new(4);
    gql_result first, second;
    run_once(cache, query, qlen, vars, &first);
    check_response(&first, query, qlen);
    run_once(cache, query, qlen, vars, &second);
    if (first.body.len != second.body.len ||
        memcmp(first.body.data, second.body.data, first.body.len) != 0)
        fuzz_fail(query, qlen, "a cached run gave a different response", second.body.data);
    gql_result_free(&first);
    gql_result_free(&second);
    gql_cache_free(cache);

    gql_arena_free(&arena);
    free(query);
    return 0;
}
