/* ast.h -- the GraphQL document tree (executable and type-system language).
 *
 * Produced by the parser (parser.c), read by the schema builder, the
 * validator and the executor. Every node lives in the document's arena; no
 * node is ever freed on its own. Arrays are (pointer, count) pairs and keep
 * source order. Names are NUL-terminated arena strings. String values carry
 * an explicit length because GraphQL strings may contain U+0000.
 *
 * Locations are 1-based line and column as graphql-js reports them: the
 * column counts UTF-16 code units from the start of the line, so that error
 * locations agree with graphql-js on non-ASCII text too.
 */
#ifndef GQL_AST_H
#define GQL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct gql_loc {
    uint32_t line, column; /* 1-based; 0/0 means "no location" */
    uint32_t offset;       /* byte offset of the node's first token */
} gql_loc;

/* ---- values (literals in documents) ---- */

typedef enum gql_value_kind {
    GQL_VALUE_VARIABLE, /* $name: u.name */
    GQL_VALUE_INT,      /* raw text in u.str (validated syntax, not range) */
    GQL_VALUE_FLOAT,    /* raw text in u.str */
    GQL_VALUE_STRING,   /* decoded UTF-8 in u.str / len (block strings already BlockStringValue'd) */
    GQL_VALUE_BOOLEAN,  /* u.boolean */
    GQL_VALUE_NULL,
    GQL_VALUE_ENUM,     /* u.name */
    GQL_VALUE_LIST,     /* u.list */
    GQL_VALUE_OBJECT,   /* u.object */
} gql_value_kind;

typedef struct gql_value gql_value;

typedef struct gql_object_field {
    const char *name;
    gql_loc loc;      /* of the field name */
    gql_value *value;
} gql_object_field;

struct gql_value {
    gql_value_kind kind;
    gql_loc loc;
    bool block;       /* STRING: written as a block string """...""" */
    size_t len;       /* INT/FLOAT/STRING: byte length of u.str */
    union {
        const char *str;
        const char *name;
        bool boolean;
        struct {
            gql_value **items;
            size_t n;
        } list;
        struct {
            gql_object_field *fields;
            size_t n;
        } object;
    } u;
};

/* ---- type references ---- */

typedef enum gql_type_ref_kind {
    GQL_TYPE_REF_NAMED,
    GQL_TYPE_REF_LIST,
    GQL_TYPE_REF_NON_NULL,
} gql_type_ref_kind;

typedef struct gql_type_ref {
    gql_type_ref_kind kind;
    gql_loc loc;
    const char *name;         /* NAMED */
    struct gql_type_ref *of;  /* LIST, NON_NULL */
} gql_type_ref;

/* ---- directives and arguments ---- */

typedef struct gql_argument {
    const char *name;
    gql_loc loc;       /* of the argument name */
    gql_value *value;
} gql_argument;

typedef struct gql_directive {
    const char *name;
    gql_loc loc;       /* of the '@' */
    gql_argument *args;
    size_t nargs;
} gql_directive;

/* ---- selections ---- */

typedef enum gql_selection_kind {
    GQL_SEL_FIELD,
    GQL_SEL_FRAGMENT_SPREAD,
    GQL_SEL_INLINE_FRAGMENT,
} gql_selection_kind;

typedef struct gql_selection gql_selection;

typedef struct gql_selection_set {
    gql_loc loc;       /* of the '{' */
    gql_selection **items;
    size_t n;
} gql_selection_set;

struct gql_selection {
    gql_selection_kind kind;
    gql_loc loc;               /* field: of the alias or name; spread/inline: of '...' */
    const char *alias;         /* FIELD: NULL when none */
    const char *name;          /* FIELD: field name; FRAGMENT_SPREAD: fragment name */
    gql_loc name_loc;          /* FIELD/SPREAD: of the name token */
    gql_argument *args;        /* FIELD */
    size_t nargs;
    gql_directive *directives;
    size_t ndirectives;
    const char *type_condition;   /* INLINE_FRAGMENT: NULL when none */
    gql_loc type_condition_loc;
    gql_selection_set *selection_set; /* FIELD: NULL for leaves; INLINE_FRAGMENT: always */
};

/* ---- executable definitions ---- */

typedef enum gql_operation_type {
    GQL_OP_QUERY,
    GQL_OP_MUTATION,
    GQL_OP_SUBSCRIPTION,
} gql_operation_type;

typedef struct gql_variable_def {
    const char *name;          /* without '$' */
    gql_loc loc;               /* of the '$' (of the description when there is one, as graphql-js) */
    const char *description;   /* 2025: optional description, NULL when none */
    gql_type_ref *type;
    gql_value *default_value;  /* NULL when none */
    gql_directive *directives;
    size_t ndirectives;
    gql_loc name_loc;          /* of the name after the '$' (may be apart: "$ a") */
} gql_variable_def;

typedef struct gql_operation_def {
    gql_operation_type type;
    bool shorthand;            /* written as a bare "{ ... }" */
    const char *name;          /* NULL when anonymous */
    gql_loc loc;               /* of the description, the 'query'/'mutation'/'subscription' keyword or '{' */
    gql_loc name_loc;
    const char *description;
    gql_variable_def *vars;
    size_t nvars;
    gql_directive *directives;
    size_t ndirectives;
    gql_selection_set *selection_set;
} gql_operation_def;

typedef struct gql_fragment_def {
    const char *name;
    gql_loc loc;               /* of the description or the 'fragment' keyword */
    gql_loc name_loc;
    const char *description;
    const char *type_condition;
    gql_loc type_condition_loc;
    gql_directive *directives;
    size_t ndirectives;
    gql_selection_set *selection_set;
} gql_fragment_def;

/* ---- type-system definitions ---- */

typedef struct gql_input_value_def {   /* arguments and input fields */
    const char *name;
    gql_loc loc;
    const char *description;
    gql_type_ref *type;
    gql_value *default_value;  /* NULL when none */
    gql_directive *directives;
    size_t ndirectives;
} gql_input_value_def;

typedef struct gql_field_def_node {
    const char *name;
    gql_loc loc;
    const char *description;
    gql_input_value_def *args;
    size_t nargs;
    gql_type_ref *type;
    gql_directive *directives;
    size_t ndirectives;
} gql_field_def_node;

typedef struct gql_enum_value_def {
    const char *name;
    gql_loc loc;
    const char *description;
    gql_directive *directives;
    size_t ndirectives;
} gql_enum_value_def;

typedef struct gql_named_ref {         /* a name with its location (interfaces, union members) */
    const char *name;
    gql_loc loc;
} gql_named_ref;

typedef struct gql_root_op_def {
    gql_operation_type op;
    gql_named_ref type;
} gql_root_op_def;

typedef enum gql_definition_kind {
    GQL_DEF_OPERATION,
    GQL_DEF_FRAGMENT,
    GQL_DEF_SCHEMA,
    GQL_DEF_SCALAR,
    GQL_DEF_OBJECT,
    GQL_DEF_INTERFACE,
    GQL_DEF_UNION,
    GQL_DEF_ENUM,
    GQL_DEF_INPUT_OBJECT,
    GQL_DEF_DIRECTIVE,
} gql_definition_kind;

/* One type-system definition or extension ("extend type Foo ..."). Which
 * members are used depends on kind. */
typedef struct gql_type_def {
    bool extension;            /* "extend ..." */
    const char *name;          /* NULL for SCHEMA */
    gql_loc loc;               /* of the first token ('extend', description, or keyword) */
    gql_loc name_loc;
    const char *description;
    gql_directive *directives;
    size_t ndirectives;
    /* SCHEMA */
    gql_root_op_def *root_ops;
    size_t nroot_ops;
    /* OBJECT, INTERFACE */
    gql_named_ref *interfaces;
    size_t ninterfaces;
    gql_field_def_node *fields;
    size_t nfields;
    /* UNION */
    gql_named_ref *members;
    size_t nmembers;
    /* ENUM */
    gql_enum_value_def *values;
    size_t nvalues;
    /* INPUT_OBJECT */
    gql_input_value_def *input_fields;
    size_t ninput_fields;
    /* DIRECTIVE */
    gql_input_value_def *args;
    size_t nargs;
    bool repeatable;
    uint32_t locations;        /* bit set of (1u << gql_directive_location) */
    gql_named_ref *location_names; /* as written, for error messages */
    size_t nlocation_names;
} gql_type_def;

typedef struct gql_definition {
    gql_definition_kind kind;
    gql_loc loc;
    union {
        gql_operation_def *operation;
        gql_fragment_def *fragment;
        gql_type_def *type_def;  /* every other kind */
    } u;
} gql_definition;

typedef struct gql_document {
    gql_arena arena;           /* owns every node and string of the document */
    const char *source;        /* arena copy of the source text */
    size_t source_len;
    gql_definition *defs;
    size_t ndefs;
    uint32_t token_count;
} gql_document;

/* Directive locations (graphql-js __DirectiveLocation order). */
typedef enum gql_directive_location {
    GQL_DL_QUERY,
    GQL_DL_MUTATION,
    GQL_DL_SUBSCRIPTION,
    GQL_DL_FIELD,
    GQL_DL_FRAGMENT_DEFINITION,
    GQL_DL_FRAGMENT_SPREAD,
    GQL_DL_INLINE_FRAGMENT,
    GQL_DL_VARIABLE_DEFINITION,
    GQL_DL_SCHEMA,
    GQL_DL_SCALAR,
    GQL_DL_OBJECT,
    GQL_DL_FIELD_DEFINITION,
    GQL_DL_ARGUMENT_DEFINITION,
    GQL_DL_INTERFACE,
    GQL_DL_UNION,
    GQL_DL_ENUM,
    GQL_DL_ENUM_VALUE,
    GQL_DL_INPUT_OBJECT,
    GQL_DL_INPUT_FIELD_DEFINITION,
    GQL_DL_COUNT
} gql_directive_location;

const char *gql_directive_location_name(gql_directive_location l);
/* -1 when the name is not a directive location. */
int gql_directive_location_from_name(const char *name);
const char *gql_operation_type_name(gql_operation_type t); /* "query", ... */

#endif
