/* fuzz_json.c -- libFuzzer target for gql_val_parse_json, the parser of
 * request variables (the one JSON reader that takes untrusted input).
 *
 * Properties checked on every input it accepts: gql_val_write_json writes
 * valid JSON (as jansson reads it, integers as doubles since jansson
 * rejects integers beyond 64 bits), and parsing that output again and writing it once more gives
 * the same bytes (the writer's output is a fixed point of parse + write).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "graphql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_val(const gql_val *v, gql_buf *out)
{
    gql_val_write_json(v, out);
    gql_buf_cstr(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gql_arena arena;
    gql_arena_init(&arena, 0);
    gql_val v;
    const char *err = NULL;
    gql_buf once = GQL_BUF_INIT, twice = GQL_BUF_INIT;

    if (!gql_val_parse_json(&arena, (const char *)data, size, &v, &err)) {
        if (!err)
            fuzz_fail((const char *)data, size, "rejected without an error message", NULL);
        goto out;
    }
    write_val(&v, &once);
    json_error_t jerr;
    size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL;
    json_t *j = json_loadb(once.data, once.len, flags, &jerr);
    if (!j)
        fuzz_fail((const char *)data, size, "written value is not valid JSON", once.data);
    json_decref(j);

    gql_val again;
    if (!gql_val_parse_json(&arena, once.data, once.len, &again, &err))
        fuzz_fail((const char *)data, size, "written value does not parse back", once.data);
    write_val(&again, &twice);
    if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
        fuzz_fail((const char *)data, size, "parse + write is not stable", twice.data);
out:
    gql_buf_free(&once);
    gql_buf_free(&twice);
    gql_arena_free(&arena);
    return 0;
}
