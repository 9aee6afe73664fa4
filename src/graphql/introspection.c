/* introspection.c -- the introspection system (__schema, __type and the __
 * types) and the built-in definitions every schema contains.
 *
 * The built-in scalars, the specified directives and the introspection
 * types are written as SDL (gql_builtin_sdl, generated from graphql-js 17's
 * printIntrospectionSchema plus the scalars' descriptions), which the
 * schema builder parses and builds like the user's SDL, so that names,
 * descriptions, argument defaults and types are exactly graphql-js's and
 * every schema has its own copy of them. Only graphql-js's extra location
 * DIRECTIVE_DEFINITION of @deprecated, which the location enum of ast.h does
 * not have, is added by the builder.
 *
 * The resolvers below answer the __ types' fields from the schema model:
 * parents are gql_schema, gql_type (wrappers too), gql_field,
 * gql_input_value, gql_enum_value and gql_directive_def; enum results
 * (__TypeKind, __DirectiveLocation) are the value names as strings; lists
 * are arrays of results allocated in the request arena.
 */
#include "parser.h"
#include "schema.h"
#include "schema_internal.h"

#include <string.h>

const char gql_builtin_sdl[] =
    "\"\"\"\n"
    "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1.\n"
    "\"\"\"\n"
    "scalar Int\n"
    "\n"
    "\"\"\"\n"
    "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).\n"
    "\"\"\"\n"
    "scalar Float\n"
    "\n"
    "\"\"\"\n"
    "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text.\n"
    "\"\"\"\n"
    "scalar String\n"
    "\n"
    "\"\"\"The `Boolean` scalar type represents `true` or `false`.\"\"\"\n"
    "scalar Boolean\n"
    "\n"
    "\"\"\"\n"
    "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID.\n"
    "\"\"\"\n"
    "scalar ID\n"
    "\n"
    "\"\"\"\n"
    "Directs the executor to include this field or fragment only when the `if` argument is true.\n"
    "\"\"\"\n"
    "directive @include(\n"
    "  \"\"\"Included when true.\"\"\"\n"
    "  if: Boolean!\n"
    ") on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT\n"
    "\n"
    "\"\"\"\n"
    "Directs the executor to skip this field or fragment when the `if` argument is true.\n"
    "\"\"\"\n"
    "directive @skip(\n"
    "  \"\"\"Skipped when true.\"\"\"\n"
    "  if: Boolean!\n"
    ") on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT\n"
    "\n"
    "\"\"\"Marks an element of a GraphQL schema as no longer supported.\"\"\"\n"
    "directive @deprecated(\n"
    "  \"\"\"\n"
    "  Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).\n"
    "  \"\"\"\n"
    "  reason: String! = \"No longer supported\"\n"
    ") on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE\n"
    "\n"
    "\"\"\"Exposes a URL that specifies the behavior of this scalar.\"\"\"\n"
    "directive @specifiedBy(\n"
    "  \"\"\"The URL that specifies the behavior of this scalar.\"\"\"\n"
    "  url: String!\n"
    ") on SCALAR\n"
    "\n"
    "\"\"\"\n"
    "Indicates exactly one field must be supplied and this field must not be `null`.\n"
    "\"\"\"\n"
    "directive @oneOf on INPUT_OBJECT\n"
    "\n"
    "\"\"\"\n"
    "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.\n"
    "\"\"\"\n"
    "type __Schema {\n"
    "  description: String\n"
    "\n"
    "  \"\"\"A list of all types supported by this server.\"\"\"\n"
    "  types: [__Type!]!\n"
    "\n"
    "  \"\"\"The type that query operations will be rooted at.\"\"\"\n"
    "  queryType: __Type!\n"
    "\n"
    "  \"\"\"\n"
    "  If this server supports mutation, the type that mutation operations will be rooted at.\n"
    "  \"\"\"\n"
    "  mutationType: __Type\n"
    "\n"
    "  \"\"\"\n"
    "  If this server support subscription, the type that subscription operations will be rooted at.\n"
    "  \"\"\"\n"
    "  subscriptionType: __Type\n"
    "\n"
    "  \"\"\"A list of all directives supported by this server.\"\"\"\n"
    "  directives(includeDeprecated: Boolean! = false): [__Directive!]!\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n"
    "\n"
    "Depending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.\n"
    "\"\"\"\n"
    "type __Type {\n"
    "  kind: __TypeKind!\n"
    "  name: String\n"
    "  description: String\n"
    "  specifiedByURL: String\n"
    "  fields(includeDeprecated: Boolean! = false): [__Field!]\n"
    "  interfaces: [__Type!]\n"
    "  possibleTypes: [__Type!]\n"
    "  enumValues(includeDeprecated: Boolean! = false): [__EnumValue!]\n"
    "  inputFields(includeDeprecated: Boolean! = false): [__InputValue!]\n"
    "  ofType: __Type\n"
    "  isOneOf: Boolean\n"
    "}\n"
    "\n"
    "\"\"\"An enum describing what kind of type a given `__Type` is.\"\"\"\n"
    "enum __TypeKind {\n"
    "  \"\"\"Indicates this type is a scalar.\"\"\"\n"
    "  SCALAR\n"
    "\n"
    "  \"\"\"\n"
    "  Indicates this type is an object. `fields` and `interfaces` are valid fields.\n"
    "  \"\"\"\n"
    "  OBJECT\n"
    "\n"
    "  \"\"\"\n"
    "  Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields.\n"
    "  \"\"\"\n"
    "  INTERFACE\n"
    "\n"
    "  \"\"\"Indicates this type is a union. `possibleTypes` is a valid field.\"\"\"\n"
    "  UNION\n"
    "\n"
    "  \"\"\"Indicates this type is an enum. `enumValues` is a valid field.\"\"\"\n"
    "  ENUM\n"
    "\n"
    "  \"\"\"\n"
    "  Indicates this type is an input object. `inputFields` is a valid field.\n"
    "  \"\"\"\n"
    "  INPUT_OBJECT\n"
    "\n"
    "  \"\"\"Indicates this type is a list. `ofType` is a valid field.\"\"\"\n"
    "  LIST\n"
    "\n"
    "  \"\"\"Indicates this type is a non-null. `ofType` is a valid field.\"\"\"\n"
    "  NON_NULL\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.\n"
    "\"\"\"\n"
    "type __Field {\n"
    "  name: String!\n"
    "  description: String\n"
    "  args(includeDeprecated: Boolean! = false): [__InputValue!]!\n"
    "  type: __Type!\n"
    "  isDeprecated: Boolean!\n"
    "  deprecationReason: String\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.\n"
    "\"\"\"\n"
    "type __InputValue {\n"
    "  name: String!\n"
    "  description: String\n"
    "  type: __Type!\n"
    "\n"
    "  \"\"\"\n"
    "  A GraphQL-formatted string representing the default value for this input value.\n"
    "  \"\"\"\n"
    "  defaultValue: String\n"
    "  isDeprecated: Boolean!\n"
    "  deprecationReason: String\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.\n"
    "\"\"\"\n"
    "type __EnumValue {\n"
    "  name: String!\n"
    "  description: String\n"
    "  isDeprecated: Boolean!\n"
    "  deprecationReason: String\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n"
    "\n"
    "In some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.\n"
    "\"\"\"\n"
    "type __Directive {\n"
    "  name: String!\n"
    "  description: String\n"
    "  isRepeatable: Boolean!\n"
    "  locations: [__DirectiveLocation!]!\n"
    "  args(includeDeprecated: Boolean! = false): [__InputValue!]!\n"
    "  isDeprecated: Boolean!\n"
    "  deprecationReason: String\n"
    "}\n"
    "\n"
    "\"\"\"\n"
    "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.\n"
    "\"\"\"\n"
    "enum __DirectiveLocation {\n"
    "  \"\"\"Location adjacent to a query operation.\"\"\"\n"
    "  QUERY\n"
    "\n"
    "  \"\"\"Location adjacent to a mutation operation.\"\"\"\n"
    "  MUTATION\n"
    "\n"
    "  \"\"\"Location adjacent to a subscription operation.\"\"\"\n"
    "  SUBSCRIPTION\n"
    "\n"
    "  \"\"\"Location adjacent to a field.\"\"\"\n"
    "  FIELD\n"
    "\n"
    "  \"\"\"Location adjacent to a fragment definition.\"\"\"\n"
    "  FRAGMENT_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to a fragment spread.\"\"\"\n"
    "  FRAGMENT_SPREAD\n"
    "\n"
    "  \"\"\"Location adjacent to an inline fragment.\"\"\"\n"
    "  INLINE_FRAGMENT\n"
    "\n"
    "  \"\"\"Location adjacent to an operation variable definition.\"\"\"\n"
    "  VARIABLE_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to a fragment variable definition.\"\"\"\n"
    "  FRAGMENT_VARIABLE_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to a schema definition.\"\"\"\n"
    "  SCHEMA\n"
    "\n"
    "  \"\"\"Location adjacent to a scalar definition.\"\"\"\n"
    "  SCALAR\n"
    "\n"
    "  \"\"\"Location adjacent to an object type definition.\"\"\"\n"
    "  OBJECT\n"
    "\n"
    "  \"\"\"Location adjacent to a field definition.\"\"\"\n"
    "  FIELD_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to an argument definition.\"\"\"\n"
    "  ARGUMENT_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to an interface definition.\"\"\"\n"
    "  INTERFACE\n"
    "\n"
    "  \"\"\"Location adjacent to a union definition.\"\"\"\n"
    "  UNION\n"
    "\n"
    "  \"\"\"Location adjacent to an enum definition.\"\"\"\n"
    "  ENUM\n"
    "\n"
    "  \"\"\"Location adjacent to an enum value definition.\"\"\"\n"
    "  ENUM_VALUE\n"
    "\n"
    "  \"\"\"Location adjacent to an input object type definition.\"\"\"\n"
    "  INPUT_OBJECT\n"
    "\n"
    "  \"\"\"Location adjacent to an input object field definition.\"\"\"\n"
    "  INPUT_FIELD_DEFINITION\n"
    "\n"
    "  \"\"\"Location adjacent to a directive definition.\"\"\"\n"
    "  DIRECTIVE_DEFINITION\n"
    "}\n"
    "\n";

/* ------------------------------------------------------------- helpers */

static const gql_val *arg(const gql_val *args, const char *name)
{
    if (!args || args->kind != GQL_VAL_OBJECT)
        return NULL;
    for (size_t i = 0; i < args->u.obj.n; i++)
        if (strcmp(args->u.obj.keys[i], name) == 0)
            return &args->u.obj.vals[i];
    return NULL;
}

static bool include_deprecated(const gql_val *args)
{
    const gql_val *v = arg(args, "includeDeprecated");
    return v && v->kind == GQL_VAL_BOOLEAN && v->u.b;
}

static gql_rv list_rv(gql_rv *items, size_t n)
{
    gql_rv r = {.kind = GQL_RV_LIST};
    r.u.list.items = items;
    r.u.list.n = n;
    return r;
}

static gql_rv *items(gql_info *info, size_t n)
{
    return GQL_NEWN(info->arena, gql_rv, n ? n : 1);
}

static gql_rv type_rv(const gql_type *t)
{
    return gql_rv_object((void *)t, "__Type");
}

static gql_rv types_rv(gql_info *info, gql_type *const *types, size_t n)
{
    gql_rv *v = items(info, n);
    for (size_t i = 0; i < n; i++)
        v[i] = type_rv(types[i]);
    return list_rv(v, n);
}

static gql_rv input_values_rv(gql_info *info, const gql_input_value *vals, size_t n,
                              const gql_val *args)
{
    bool all = include_deprecated(args);
    gql_rv *v = items(info, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (all || !vals[i].deprecated)
            v[k++] = gql_rv_object((void *)&vals[i], "__InputValue");
    return list_rv(v, k);
}

static gql_rv reason_rv(bool deprecated, const char *reason)
{
    return deprecated ? gql_rv_str(reason) : gql_rv_null();
}

/* ------------------------------------------------------------ __Schema */

static gql_rv schema_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_schema *)p)->description);
}

static gql_rv schema_types(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    const gql_schema *s = p;
    return types_rv(info, s->types, s->ntypes);
}

static gql_rv schema_query(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_schema *)p)->query);
}

static gql_rv schema_mutation(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_schema *)p)->mutation);
}

static gql_rv schema_subscription(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_schema *)p)->subscription);
}

static gql_rv schema_directives(void *p, const gql_val *a, gql_info *info)
{
    const gql_schema *s = p;
    bool all = include_deprecated(a);
    gql_rv *v = items(info, s->ndirectives);
    size_t k = 0;
    for (size_t i = 0; i < s->ndirectives; i++)
        if (all || !s->directives[i]->deprecated)
            v[k++] = gql_rv_object(s->directives[i], "__Directive");
    return list_rv(v, k);
}

/* -------------------------------------------------------------- __Type */

static gql_rv type_kind(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    static const char *const kinds[] = {"SCALAR", "OBJECT",       "INTERFACE", "UNION",
                                        "ENUM",   "INPUT_OBJECT", "LIST",      "NON_NULL"};
    return gql_rv_str(kinds[((const gql_type *)p)->kind]);
}

static gql_rv type_name(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_type *)p)->name);
}

static gql_rv type_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_type *)p)->description);
}

static gql_rv type_specified_by(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_type *t = p;
    return t->kind == GQL_SCALAR ? gql_rv_str(t->specified_by_url) : gql_rv_null();
}

static gql_rv type_fields(void *p, const gql_val *a, gql_info *info)
{
    const gql_type *t = p;
    if (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE)
        return gql_rv_null();
    bool all = include_deprecated(a);
    gql_rv *v = items(info, t->nfields);
    size_t k = 0;
    for (size_t i = 0; i < t->nfields; i++)
        if (all || !t->fields[i].deprecated)
            v[k++] = gql_rv_object(&t->fields[i], "__Field");
    return list_rv(v, k);
}

static gql_rv type_interfaces(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    const gql_type *t = p;
    if (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE)
        return gql_rv_null();
    return types_rv(info, t->interfaces, t->ninterfaces);
}

static gql_rv type_possible(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    const gql_type *t = p;
    if (!gql_is_abstract_type(t))
        return gql_rv_null();
    return types_rv(info, t->possible, t->npossible);
}

static gql_rv type_enum_values(void *p, const gql_val *a, gql_info *info)
{
    const gql_type *t = p;
    if (t->kind != GQL_ENUM)
        return gql_rv_null();
    bool all = include_deprecated(a);
    gql_rv *v = items(info, t->nvalues);
    size_t k = 0;
    for (size_t i = 0; i < t->nvalues; i++)
        if (all || !t->values[i].deprecated)
            v[k++] = gql_rv_object(&t->values[i], "__EnumValue");
    return list_rv(v, k);
}

static gql_rv type_input_fields(void *p, const gql_val *a, gql_info *info)
{
    const gql_type *t = p;
    if (t->kind != GQL_INPUT_OBJECT)
        return gql_rv_null();
    return input_values_rv(info, t->input_fields, t->ninput_fields, a);
}

static gql_rv type_of_type(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_type *)p)->of_type);
}

static gql_rv type_is_one_of(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_type *t = p;
    return t->kind == GQL_INPUT_OBJECT ? gql_rv_bool(t->one_of) : gql_rv_null();
}

/* ------------------------------------------------------------- __Field */

static gql_rv field_name(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_field *)p)->name);
}

static gql_rv field_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_field *)p)->description);
}

static gql_rv field_args(void *p, const gql_val *a, gql_info *info)
{
    const gql_field *f = p;
    return input_values_rv(info, f->args, f->nargs, a);
}

static gql_rv field_type(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_field *)p)->type);
}

static gql_rv field_is_deprecated(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_bool(((const gql_field *)p)->deprecated);
}

static gql_rv field_reason(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_field *f = p;
    return reason_rv(f->deprecated, f->deprecation_reason);
}

/* -------------------------------------------------------- __InputValue */

static gql_rv iv_name(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_input_value *)p)->name);
}

static gql_rv iv_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_input_value *)p)->description);
}

static gql_rv iv_type(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return type_rv(((const gql_input_value *)p)->type);
}

/* graphql-js 17 prints the default's literal as written in the SDL. */
static gql_rv iv_default(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    const gql_input_value *v = p;
    if (!v->default_value)
        return gql_rv_null();
    gql_buf out = GQL_BUF_INIT;
    gql_print_value(v->default_value, &out);
    char *s = gql_arena_strndup(info->arena, gql_buf_cstr(&out), out.len);
    size_t n = out.len;
    gql_buf_free(&out);
    return gql_rv_strn(s, n);
}

static gql_rv iv_is_deprecated(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_bool(((const gql_input_value *)p)->deprecated);
}

static gql_rv iv_reason(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_input_value *v = p;
    return reason_rv(v->deprecated, v->deprecation_reason);
}

/* --------------------------------------------------------- __EnumValue */

static gql_rv ev_name(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_enum_value *)p)->name);
}

static gql_rv ev_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_enum_value *)p)->description);
}

static gql_rv ev_is_deprecated(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_bool(((const gql_enum_value *)p)->deprecated);
}

static gql_rv ev_reason(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_enum_value *v = p;
    return reason_rv(v->deprecated, v->deprecation_reason);
}

/* --------------------------------------------------------- __Directive */

static gql_rv dir_name(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_directive_def *)p)->name);
}

static gql_rv dir_description(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_str(((const gql_directive_def *)p)->description);
}

static gql_rv dir_is_repeatable(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_bool(((const gql_directive_def *)p)->repeatable);
}

static gql_rv dir_locations(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    const gql_directive_def *d = p;
    gql_rv *v = items(info, d->nlocation_names);
    for (size_t i = 0; i < d->nlocation_names; i++)
        v[i] = gql_rv_str(d->location_names[i]);
    return list_rv(v, d->nlocation_names);
}

static gql_rv dir_args(void *p, const gql_val *a, gql_info *info)
{
    const gql_directive_def *d = p;
    return input_values_rv(info, d->args, d->nargs, a);
}

static gql_rv dir_is_deprecated(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    return gql_rv_bool(((const gql_directive_def *)p)->deprecated);
}

static gql_rv dir_reason(void *p, const gql_val *a, gql_info *info)
{
    (void)a;
    (void)info;
    const gql_directive_def *d = p;
    return reason_rv(d->deprecated, d->deprecation_reason);
}

/* --------------------------------------------------------- meta fields */

static gql_rv meta_schema(void *p, const gql_val *a, gql_info *info)
{
    (void)p;
    (void)a;
    return gql_rv_object((void *)info->schema, "__Schema");
}

static gql_rv meta_type(void *p, const gql_val *a, gql_info *info)
{
    (void)p;
    const gql_val *name = arg(a, "name");
    if (!name || name->kind != GQL_VAL_STRING)
        return gql_rv_null();
    return type_rv(gql_schema_type(info->schema, name->u.s.ptr));
}

static gql_rv meta_typename(void *p, const gql_val *a, gql_info *info)
{
    (void)p;
    (void)a;
    return gql_rv_str(info->parent_type ? info->parent_type->name : NULL);
}

static const struct {
    const char *type, *field;
    gql_resolve_fn fn;
} resolvers[] = {
    {"__Schema", "description", schema_description},
    {"__Schema", "types", schema_types},
    {"__Schema", "queryType", schema_query},
    {"__Schema", "mutationType", schema_mutation},
    {"__Schema", "subscriptionType", schema_subscription},
    {"__Schema", "directives", schema_directives},
    {"__Type", "kind", type_kind},
    {"__Type", "name", type_name},
    {"__Type", "description", type_description},
    {"__Type", "specifiedByURL", type_specified_by},
    {"__Type", "fields", type_fields},
    {"__Type", "interfaces", type_interfaces},
    {"__Type", "possibleTypes", type_possible},
    {"__Type", "enumValues", type_enum_values},
    {"__Type", "inputFields", type_input_fields},
    {"__Type", "ofType", type_of_type},
    {"__Type", "isOneOf", type_is_one_of},
    {"__Field", "name", field_name},
    {"__Field", "description", field_description},
    {"__Field", "args", field_args},
    {"__Field", "type", field_type},
    {"__Field", "isDeprecated", field_is_deprecated},
    {"__Field", "deprecationReason", field_reason},
    {"__InputValue", "name", iv_name},
    {"__InputValue", "description", iv_description},
    {"__InputValue", "type", iv_type},
    {"__InputValue", "defaultValue", iv_default},
    {"__InputValue", "isDeprecated", iv_is_deprecated},
    {"__InputValue", "deprecationReason", iv_reason},
    {"__EnumValue", "name", ev_name},
    {"__EnumValue", "description", ev_description},
    {"__EnumValue", "isDeprecated", ev_is_deprecated},
    {"__EnumValue", "deprecationReason", ev_reason},
    {"__Directive", "name", dir_name},
    {"__Directive", "description", dir_description},
    {"__Directive", "isRepeatable", dir_is_repeatable},
    {"__Directive", "locations", dir_locations},
    {"__Directive", "args", dir_args},
    {"__Directive", "isDeprecated", dir_is_deprecated},
    {"__Directive", "deprecationReason", dir_reason},
};

static gql_field *meta_field(gql_schema *s, const char *name, const char *description,
                             gql_type *type, gql_resolve_fn fn)
{
    gql_field *f = GQL_NEW(&s->arena, gql_field);
    f->name = name;
    f->description = description;
    f->type = type;
    f->resolve = fn;
    return f;
}

void gql_introspection_bind(gql_schema *s)
{
    for (size_t i = 0; i < sizeof resolvers / sizeof resolvers[0]; i++)
        gql_schema_bind(s, resolvers[i].type, resolvers[i].field, resolvers[i].fn, NULL);
    gql_type *string = gql_schema_type(s, "String");
    s->schema_meta_field =
        meta_field(s, "__schema", "Access the current type schema of this server.",
                   gql_type_non_null(s, gql_schema_type(s, "__Schema")), meta_schema);
    s->type_meta_field = meta_field(s, "__type", "Request the type information of a single type.",
                                    gql_schema_type(s, "__Type"), meta_type);
    gql_input_value *name = GQL_NEW(&s->arena, gql_input_value);
    name->name = "name";
    name->type = gql_type_non_null(s, string);
    s->type_meta_field->args = name;
    s->type_meta_field->nargs = 1;
    s->typename_meta_field =
        meta_field(s, "__typename", "The name of the current Object type at runtime.",
                   gql_type_non_null(s, string), meta_typename);
}
