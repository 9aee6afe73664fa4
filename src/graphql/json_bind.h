/* json_bind.h -- resolve a schema's fields from JSON data (jansson).
 *
 * For tests, benchmarks and embedders whose data already is JSON: the
 * parent of every field is a `json_t *` object (the request's root_value for
 * root fields) and a field resolves to the member of the same name, as
 * graphql-js's default field resolver reads a property. Arrays become lists
 * (without copying), objects become objects whose concrete type is their
 * "__typename" member (graphql-js's default type resolver does the same),
 * numbers, strings, booleans and null become leaves.
 */
#ifndef GQL_JSON_BIND_H
#define GQL_JSON_BIND_H

#include <jansson.h>

#include "graphql.h"

/* Make gql_json_resolve / gql_json_resolve_type the schema's defaults. */
void gql_json_bind(gql_schema *s);
/* The default resolver: member `info->field_name` of the json_t object parent. */
gql_rv gql_json_resolve(void *parent, const gql_val *args, gql_info *info);
/* The default type resolver: the object's "__typename" string member. */
const char *gql_json_resolve_type(void *obj, const gql_type *abstract, gql_info *info, void *data);
/* Any JSON value as a result (objects typed by "__typename" when present). */
gql_rv gql_json_to_rv(json_t *j);
/* A JSON value as an input value, allocated in `a`. */
gql_val gql_val_from_json(gql_arena *a, const json_t *j);

#endif
