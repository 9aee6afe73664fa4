/* schema_internal.h -- what the schema builder's files share (not public).
 *
 * schema_build.c turns SDL into the model of schema.h, schema_check.c runs
 * the SDL validation rules before the build and the schema validation after
 * it, introspection.c adds the __ types' resolvers. They share the build
 * state below: the model itself has no room for AST back-pointers, and the
 * checks need them for error locations, so the builder keeps them on the
 * side (name -> type info, model object -> AST node) for its lifetime only.
 */
#ifndef GQL_SCHEMA_INTERNAL_H
#define GQL_SCHEMA_INTERNAL_H

#include "schema.h"

/* Hash helpers shared by the lookups and the builder. */
uint32_t gql_schema_hash(const char *s);
uint32_t gql_schema_table_size(size_t n);
void gql_schema_index_types(gql_schema *s);
void gql_schema_index_fields(gql_arena *a, gql_type *t);

/* One named type during the build. */
typedef struct gql_tinfo {
    gql_type *type;
    const gql_type_def *def; /* its definition (in the user's or the built-in SDL) */
    gql_vec exts;            /* const gql_type_def *: extensions in document order */
    uint32_t seq;            /* position in the type map being ordered, 0 = absent */
    bool builtin;            /* a specified scalar or an introspection type */
    bool listed;             /* already in user_types */
} gql_tinfo;

typedef struct gql_sbuild {
    gql_schema *s;
    gql_errors *errs;
    gql_arena *tmp;                 /* scratch, freed after the build */
    const gql_document *doc;        /* the user's SDL */
    const gql_document *builtin_doc;
    /* every named type, and name -> index+1 */
    gql_tinfo **infos;
    size_t ninfos, cap;
    uint32_t *idx;
    uint32_t mask;
    gql_vec user_types;             /* gql_tinfo *: types as the SDL defines them */
    const gql_type_def *schema_def;
    gql_vec schema_exts;            /* const gql_type_def * */
    /* model object (field, input value, enum value, directive) -> AST node */
    const void **pm_keys;
    const void **pm_vals;
    uint32_t pm_mask;
    size_t pm_n;
    uint32_t seq;
} gql_sbuild;

gql_tinfo *gql_sbuild_info(const gql_sbuild *b, const char *name);
void gql_sbuild_node_put(gql_sbuild *b, const void *key, const void *node);
const void *gql_sbuild_node(const gql_sbuild *b, const void *key);

/* Executable definitions and the SDL rules of graphql-js's assertValidSDL;
 * errors go to b->errs. */
void gql_schema_check_sdl(gql_sbuild *b);
/* graphql-js validateSchema over the built model. */
void gql_schema_check_types(gql_sbuild *b);

/* "Did you mean ...?" as graphql-js formats it (suggestionList + didYouMean):
 * appends to `out` the suggestions among names[0..n) close to `input`. */
void gql_did_you_mean(gql_buf *out, const char *input, const char *const *names, size_t n);

/* introspection.c: the SDL of the built-in scalars, the specified
 * directives and the introspection types, and the binding of their
 * resolvers plus the meta fields once a schema is built. */
extern const char gql_builtin_sdl[];
void gql_introspection_bind(gql_schema *s);

#endif
