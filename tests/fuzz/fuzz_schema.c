/* fuzz_schema.c -- libFuzzer target for building a schema from SDL.
 *
 * The embedder's SDL is trusted, but the schema builder is the largest
 * consumer of the type-system half of the parser, and its checks (type
 * references, interface implementation, extensions) walk arbitrary graphs.
 * Property: a schema that builds prints as SDL that builds again and prints
 * the same (print . build is a fixed point after one round).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "graphql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *errors = NULL;
    gql_schema *s = gql_schema_build((const char *)data, size, &errors);
    if (!s) {
        free(errors);
        return 0;
    }
    free(errors);
    char *printed = gql_schema_print(s);
    gql_schema_free(s);

    errors = NULL;
    gql_schema *s2 = gql_schema_build(printed, strlen(printed), &errors);
    if (!s2)
        fuzz_fail((const char *)data, size, "printed schema does not build again", errors);
    char *printed2 = gql_schema_print(s2);
    if (strcmp(printed, printed2) != 0)
        fuzz_fail((const char *)data, size, "schema printing is not stable", printed2);
    free(printed2);
    gql_schema_free(s2);
    free(printed);
    return 0;
}
