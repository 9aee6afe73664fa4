/* json_bind.c -- placeholder until the module lands. */
typedef int gql_placeholder_json_bind;
