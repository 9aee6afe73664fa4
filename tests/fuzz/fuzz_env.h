/* fuzz_env.h -- what the fuzz targets share: the test schema with its JSON
 * data, and a way to fail loudly.
 *
 * The request-level targets run against the same schema and data as the
 * differential tests (tests/graphql/diff/schemas/), so the fuzzer exercises
 * unions, interfaces, enums, input objects, custom scalars and lists that
 * the graphql-js comparison already covers for correctness.
 */
#ifndef FUZZ_ENV_H
#define FUZZ_ENV_H

#include <jansson.h>
#include <stddef.h>

#include "graphql.h"

typedef struct fuzz_env {
    gql_schema *schema;
    json_t *data; /* root value */
} fuzz_env;

/* Load tests/graphql/diff/schemas/test.graphql and test-data.json (from
 * $FUZZ_SCHEMA_DIR when set, else the source tree). Exits on failure: a
 * fuzzer without its schema would only measure the parser. */
void fuzz_env_load(fuzz_env *e);

/* Report a broken invariant with the input that caused it, then abort() so
 * that libFuzzer saves the input as a crash artifact. */
void fuzz_fail(const char *input, size_t len, const char *what, const char *detail)
    __attribute__((noreturn));

/* Read a whole file; malloc'ed, NUL-terminated, NULL on failure. */
char *fuzz_read_file(const char *path, size_t *len);

#endif
