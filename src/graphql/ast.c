/* ast.c -- names of AST enumerations (directive locations, operation types). */
#include "ast.h"

#include <string.h>

static const char *const location_names[GQL_DL_COUNT] = {
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
};

const char *gql_directive_location_name(gql_directive_location l)
{
    return (unsigned)l < GQL_DL_COUNT ? location_names[l] : "?";
}

int gql_directive_location_from_name(const char *name)
{
    for (int i = 0; i < GQL_DL_COUNT; i++)
        if (strcmp(location_names[i], name) == 0)
            return i;
    return -1;
}

const char *gql_operation_type_name(gql_operation_type t)
{
    switch (t) {
    case GQL_OP_QUERY:
        return "query";
    case GQL_OP_MUTATION:
        return "mutation";
    case GQL_OP_SUBSCRIPTION:
        return "subscription";
    }
    return "?";
}
