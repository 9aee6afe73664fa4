/* schema.h -- the type system model built from SDL (schema.c) and read by
 * the validator, the executor and introspection.
 *
 * A schema owns one arena holding every type, field, argument and string.
 * Named types are unique objects; wrapper types (list, non-null) are created
 * once per wrapped type and cached, so two type references are the same type
 * exactly when the pointers are equal.
 *
 * The schema always contains the built-in scalars (Int, Float, String,
 * Boolean, ID), the introspection types (__Schema, __Type, __Field,
 * __InputValue, __EnumValue, __Directive, __TypeKind, __DirectiveLocation)
 * and the specified directives (@include, @skip, @deprecated, @specifiedBy,
 * @oneOf), as graphql-js does.
 */
#ifndef GQL_SCHEMA_H
#define GQL_SCHEMA_H

#include "graphql.h"

typedef enum gql_type_kind {
    GQL_SCALAR,
    GQL_OBJECT,
    GQL_INTERFACE,
    GQL_UNION,
    GQL_ENUM,
    GQL_INPUT_OBJECT,
    GQL_LIST,
    GQL_NON_NULL,
} gql_type_kind;

typedef enum gql_builtin_scalar {
    GQL_SCALAR_CUSTOM,
    GQL_SCALAR_INT,
    GQL_SCALAR_FLOAT,
    GQL_SCALAR_STRING,
    GQL_SCALAR_BOOLEAN,
    GQL_SCALAR_ID,
} gql_builtin_scalar;

typedef struct gql_input_value {   /* an argument or an input object field */
    const char *name;
    const char *description;
    gql_type *type;
    const gql_value *default_value; /* literal from the SDL, NULL when none */
    bool deprecated;
    const char *deprecation_reason;
    gql_loc loc;
} gql_input_value;

struct gql_field {
    const char *name;
    const char *description;
    gql_type *type;
    gql_input_value *args;
    size_t nargs;
    bool deprecated;
    const char *deprecation_reason;
    gql_loc loc;
    /* bound by the embedder (NULL: the schema's default resolver) */
    gql_resolve_fn resolve;
    void *resolve_data;
};

typedef struct gql_enum_value {
    const char *name;
    const char *description;
    bool deprecated;
    const char *deprecation_reason;
} gql_enum_value;

struct gql_type {
    gql_type_kind kind;
    const char *name;          /* NULL for LIST and NON_NULL */
    const char *description;
    bool introspection;        /* one of the __ types */
    /* OBJECT, INTERFACE */
    gql_field *fields;
    size_t nfields;
    gql_type **interfaces;
    size_t ninterfaces;
    /* UNION: members; INTERFACE: the object types implementing it (in
     * schema type order). Both are "possible types". */
    gql_type **possible;
    size_t npossible;
    /* INTERFACE: interfaces that implement this one (for introspection's
     * possibleTypes of interfaces only objects are listed, as graphql-js) */
    /* ENUM */
    gql_enum_value *values;
    size_t nvalues;
    /* INPUT_OBJECT */
    gql_input_value *input_fields;
    size_t ninput_fields;
    bool one_of;
    /* SCALAR */
    gql_builtin_scalar builtin;
    const char *specified_by_url;
    gql_scalar_ops scalar_ops;  /* custom scalars; zero = pass-through */
    /* LIST, NON_NULL */
    gql_type *of_type;
    /* abstract types (bound by the embedder) */
    gql_resolve_type_fn resolve_type;
    void *resolve_type_data;
    /* cached wrappers */
    gql_type *list_of;
    gql_type *non_null_of;
    /* OBJECT, INTERFACE: field lookup (open addressing over field indices) */
    uint32_t *field_index;
    uint32_t field_index_mask;
};

typedef struct gql_directive_def {
    const char *name;
    const char *description;
    gql_input_value *args;
    size_t nargs;
    bool repeatable;
    uint32_t locations;        /* bit set of (1u << gql_directive_location) */
    bool builtin;
    /* The locations' names in the order written (introspection lists them
     * so); may include names outside gql_directive_location such as
     * graphql-js 17's DIRECTIVE_DEFINITION on the built-in @deprecated. */
    const char **location_names;
    size_t nlocation_names;
    /* graphql-js 17: @deprecated on a directive definition or extension */
    bool deprecated;
    const char *deprecation_reason;
} gql_directive_def;

struct gql_schema {
    gql_arena arena;
    const char *description;
    gql_type *query, *mutation, *subscription;
    gql_type **types;           /* every named type, in graphql-js's order for introspection */
    size_t ntypes;
    gql_directive_def **directives; /* the SDL's in order, then the specified ones it does
                                     * not redefine (graphql-js order, as introspected) */
    size_t ndirectives;
    /* name lookup: open addressing over `types` */
    uint32_t *type_index;
    uint32_t type_index_mask;
    /* embedder bindings */
    gql_resolve_fn default_resolve;
    void *default_resolve_data;
    gql_resolve_type_fn default_resolve_type;
    void *default_resolve_type_data;
    /* introspection meta-fields (__schema, __type, __typename) */
    gql_field *schema_meta_field;
    gql_field *type_meta_field;
    gql_field *typename_meta_field;
};

/* Lookups (NULL when absent). */
gql_type *gql_schema_type(const gql_schema *s, const char *name);
gql_field *gql_type_field(const gql_type *t, const char *name);
const gql_directive_def *gql_schema_directive(const gql_schema *s, const char *name);
const gql_input_value *gql_field_arg(const gql_field *f, const char *name);
const gql_input_value *gql_input_field(const gql_type *t, const char *name);
const gql_input_value *gql_directive_arg(const gql_directive_def *d, const char *name);
const gql_enum_value *gql_enum_value_by_name(const gql_type *t, const char *name);

/* Wrappers (created on first use, thread-safe after schema build because
 * the builder creates every wrapper the schema mentions; later calls on
 * other types from validation use gql_type_ref_resolve below). */
gql_type *gql_type_list(gql_schema *s, gql_type *t);
gql_type *gql_type_non_null(gql_schema *s, gql_type *t);

/* Resolve an AST type reference against the schema. Wrapper types that do
 * not exist yet are allocated in `a` (the document's or request's arena) and
 * not cached, so the schema stays immutable. Returns NULL when the named
 * type is unknown. */
gql_type *gql_type_ref_resolve(const gql_schema *s, const gql_type_ref *ref, gql_arena *a);

/* Type predicates and helpers (graphql-js names). */
gql_type *gql_named_type(gql_type *t);       /* strip wrappers */
gql_type *gql_nullable_type(gql_type *t);    /* strip one NON_NULL */
bool gql_is_input_type(const gql_type *t);
bool gql_is_output_type(const gql_type *t);
bool gql_is_leaf_type(const gql_type *t);
bool gql_is_composite_type(const gql_type *t);
bool gql_is_abstract_type(const gql_type *t);
bool gql_is_required_input(const gql_input_value *v); /* non-null, no default */
/* Type equality and subtyping (isEqualType, isTypeSubTypeOf,
 * doTypesOverlap, isPossibleType). */
bool gql_type_equal(const gql_type *a, const gql_type *b);
bool gql_type_is_subtype(const gql_schema *s, const gql_type *maybe_sub, const gql_type *super);
bool gql_types_overlap(const gql_schema *s, const gql_type *a, const gql_type *b);
bool gql_is_possible_type(const gql_type *abstract, const gql_type *object);
/* "[Int!]!" etc. into the arena. */
const char *gql_type_str(gql_arena *a, const gql_type *t);

/* Print an AST value as GraphQL literal text (graphql-js print()). */
void gql_print_value(const gql_value *v, gql_buf *out);

#endif
