/* schema.c -- placeholder until the module lands. */
typedef int gql_placeholder_schema;
