/* graphql.h -- the public API of the EPFIOT GraphQL engine.
 *
 * A spec-complete GraphQL engine (September 2025 edition) with no knowledge
 * of EPFIOT. The embedding program:
 *
 *   1. builds a schema from SDL text      gql_schema_build()
 *   2. binds resolvers to fields          gql_schema_bind(), ..._default_resolver()
 *   3. per request: prepares the query    gql_prepare()   (parse + validate, cached)
 *      and executes it                    gql_execute()   (writes the JSON response)
 *      or does both at once               gql_run()
 *
 * Values crossing the API:
 *   - gql_val: an input value (arguments, variables, defaults) after
 *     coercion, and the value custom scalars produce for output. Allocated in
 *     the request arena; never freed by the caller.
 *   - gql_rv: what a resolver returns: a leaf, an opaque object pointer
 *     (with an optional concrete type name), a list, or an error.
 *
 * Threads: a schema is immutable after binding and may be shared by any
 * number of threads executing requests. A gql_cache is internally locked.
 */
#ifndef GQL_GRAPHQL_H
#define GQL_GRAPHQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "buf.h"
#include "error.h"

typedef struct gql_schema gql_schema;
typedef struct gql_type gql_type;
typedef struct gql_field gql_field;
typedef struct gql_cache gql_cache;
typedef struct gql_prepared gql_prepared;
typedef struct gql_exec gql_exec; /* opaque per-request execution state */

/* ------------------------------------------------------------------ values */

typedef enum gql_val_kind {
    GQL_VAL_NULL,
    GQL_VAL_INT,     /* u.i */
    GQL_VAL_FLOAT,   /* u.f */
    GQL_VAL_STRING,  /* u.s (also ID values, always strings after coercion) */
    GQL_VAL_BOOLEAN, /* u.b */
    GQL_VAL_ENUM,    /* u.s: the enum value's name */
    GQL_VAL_LIST,    /* u.list */
    GQL_VAL_OBJECT,  /* u.obj: input objects, argument maps, untyped objects */
} gql_val_kind;

typedef struct gql_val gql_val;
struct gql_val {
    gql_val_kind kind;
    /* Set on a member of a coerced argument map or input object that the
     * request left out and the schema's default value filled in. */
    bool defaulted;
    union {
        int64_t i;
        double f;
        bool b;
        struct {
            const char *ptr; /* NUL-terminated; len excludes the NUL */
            size_t len;
        } s;
        struct {
            gql_val *items;
            size_t n;
        } list;
        struct {
            const char **keys; /* in definition order (coerced) or source order (untyped) */
            gql_val *vals;
            size_t n;
        } obj;
    } u;
};

/* Member of an object value by key, NULL when absent. */
const gql_val *gql_val_get(const gql_val *obj, const char *key);
/* Whether the request gave `key` (as a value, a variable or null) rather
 * than leaving it out: false for an absent member and for one the schema's
 * default filled in (`updateVm(vm: {memory: 256})` vs. the default 256). */
bool gql_val_given(const gql_val *obj, const char *key);
/* Write a value as JSON (enums as strings, floats as JavaScript prints them). */
void gql_val_write_json(const gql_val *v, gql_buf *out);
/* Convert parsed JSON text into a value (objects keep key order). Returns
 * false with *err set (arena string) on malformed JSON. */
bool gql_val_parse_json(gql_arena *a, const char *json, size_t len, gql_val *out, const char **err);

/* --------------------------------------------------------------- resolvers */

typedef enum gql_rv_kind {
    GQL_RV_NULL,
    GQL_RV_INT,     /* u.i */
    GQL_RV_FLOAT,   /* u.f */
    GQL_RV_STRING,  /* u.s (also for enum values: the value's name, and IDs) */
    GQL_RV_BOOLEAN, /* u.b */
    GQL_RV_VAL,     /* u.val: a gql_val, e.g. for custom scalars or echoing input */
    GQL_RV_OBJECT,  /* u.obj */
    GQL_RV_LIST,    /* u.list: an array of results */
    GQL_RV_LIST_FN, /* u.list_fn: n items produced on demand, without copying */
    GQL_RV_ERROR,   /* u.err: a field error */
} gql_rv_kind;

typedef struct gql_rv gql_rv;
typedef struct gql_info gql_info;

struct gql_rv {
    gql_rv_kind kind;
    union {
        int64_t i;
        double f;
        bool b;
        struct {
            const char *ptr;
            size_t len;
        } s;
        const gql_val *val;
        struct {
            void *ptr;            /* the parent of the object's own fields */
            const char *typename; /* concrete object type, NULL = ask the type resolver */
        } obj;
        struct {
            const gql_rv *items;
            size_t n;
        } list;
        struct {
            void *list;
            size_t n;
            gql_rv (*at)(void *list, size_t i, gql_info *info);
        } list_fn;
        struct {
            const char *message;
            const char *extensions_json; /* JSON object text or NULL */
        } err;
    } u;
};

/* What a resolver knows about the field it resolves. */
struct gql_info {
    const gql_schema *schema;
    const gql_type *parent_type;
    const gql_field *field;
    const gql_type *return_type;
    const char *field_name;
    const char *response_key;  /* alias or field name */
    const gql_selection *node; /* first field node of the merged set */
    void *field_data;          /* data given to gql_schema_bind() */
    void *context;             /* gql_request.context */
    void *root_value;          /* gql_request.root_value */
    gql_arena *arena;          /* request arena: allocate results here */
    gql_exec *exec;
};

/* parent: the object's pointer (root_value for root fields); args: an
 * OBJECT value of the coerced arguments (never NULL). */
typedef gql_rv (*gql_resolve_fn)(void *parent, const gql_val *args, gql_info *info);

/* Name of the concrete object type of `obj` for abstract type `abstract`,
 * or NULL to report an error. */
typedef const char *(*gql_resolve_type_fn)(void *obj, const gql_type *abstract, gql_info *info,
                                           void *data);

/* Custom scalar behaviour. Either callback may be NULL: then input values
 * are taken as they are and output values written as they are. */
typedef struct gql_scalar_ops {
    /* Coerce an input (from a variable or a literal) to the internal value. */
    bool (*parse)(const gql_val *in, gql_val *out, gql_arena *a, const char **err, void *data);
    /* Turn a resolver's result into the value to write. */
    bool (*serialize)(const gql_rv *in, gql_val *out, gql_arena *a, const char **err, void *data);
    void *data;
} gql_scalar_ops;

/* Convenience constructors. */
static inline gql_rv gql_rv_null(void)
{
    gql_rv r = {.kind = GQL_RV_NULL};
    return r;
}
static inline gql_rv gql_rv_int(int64_t i)
{
    gql_rv r = {.kind = GQL_RV_INT, .u.i = i};
    return r;
}
static inline gql_rv gql_rv_float(double f)
{
    gql_rv r = {.kind = GQL_RV_FLOAT, .u.f = f};
    return r;
}
static inline gql_rv gql_rv_bool(bool b)
{
    gql_rv r = {.kind = GQL_RV_BOOLEAN, .u.b = b};
    return r;
}
gql_rv gql_rv_str(const char *s); /* NULL gives null; not copied */
gql_rv gql_rv_strn(const char *s, size_t n);
gql_rv gql_rv_object(void *ptr, const char *typename);
gql_rv gql_rv_error(gql_info *info, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------ schema */

/* Build a schema from SDL. On failure returns NULL and, when errors is not
 * NULL, a malloc'ed text with one error per line ("line:col: message"). */
gql_schema *gql_schema_build(const char *sdl, size_t len, char **errors);
void gql_schema_free(gql_schema *s);

/* Bind a resolver to Type.field. Returns -1 when there is no such field. */
int gql_schema_bind(gql_schema *s, const char *type, const char *field, gql_resolve_fn fn,
                    void *data);
/* Resolver for every field without its own binding. */
void gql_schema_set_default_resolver(gql_schema *s, gql_resolve_fn fn, void *data);
/* Type resolver of an interface or union (-1 when there is no such type). */
int gql_schema_bind_type_resolver(gql_schema *s, const char *abstract, gql_resolve_type_fn fn,
                                  void *data);
void gql_schema_set_default_type_resolver(gql_schema *s, gql_resolve_type_fn fn, void *data);
/* Behaviour of a custom scalar (-1 when there is no such scalar). */
int gql_schema_bind_scalar(gql_schema *s, const char *scalar, const gql_scalar_ops *ops);
/* The schema printed as SDL (malloc'ed). */
char *gql_schema_print(const gql_schema *s);

/* ------------------------------------------------------------------ limits */

/* Every limit: 0 means unlimited. Exceeding one is a request error with a
 * clear message and extensions {"code":"LIMIT_EXCEEDED","limit":"<name>"}. */
typedef struct gql_limits {
    size_t max_document_bytes;
    size_t max_tokens;
    size_t max_depth;      /* nesting of selection sets, fragments expanded */
    size_t max_fields;     /* field selections per operation, fragments expanded */
    size_t max_aliases;    /* aliased fields per operation */
    size_t max_list_items; /* items in one list result (a field error past it) */
    size_t max_errors;     /* errors reported per response */
} gql_limits;

/* Defaults suitable for a public server. */
extern const gql_limits gql_limits_default;

/* ---------------------------------------------------------------- requests */

typedef struct gql_request {
    const char *query;
    size_t query_len;
    const char *operation_name; /* NULL when not given */
    const gql_val *variables;   /* OBJECT value, or NULL */
    void *context;              /* passed to resolvers as info->context */
    void *root_value;           /* parent of root fields */
    const gql_limits *limits;   /* NULL = gql_limits_default */
} gql_request;

typedef enum gql_stage {
    GQL_STAGE_OK,        /* executed ("data" present) */
    GQL_STAGE_PARSE,     /* syntax error, no data */
    GQL_STAGE_VALIDATE,  /* validation error, no data */
    GQL_STAGE_LIMIT,     /* a document limit was exceeded, no data */
    GQL_STAGE_OPERATION, /* no/ambiguous/unknown operation, no data */
    GQL_STAGE_VARIABLES, /* variable coercion failed, no data */
} gql_stage;

typedef struct gql_result {
    gql_buf body; /* the response: {"errors":[...],"data":...} (caller frees) */
    gql_stage stage;
    bool data_null; /* "data" present and null */
    size_t nerrors;
    gql_operation_type op_type; /* of the executed/selected operation */
} gql_result;

void gql_result_free(gql_result *r);

/* A cache of prepared (parsed + validated) documents keyed by query text,
 * bounded by entry count, least recently used evicted. Thread-safe. */
gql_cache *gql_cache_new(size_t capacity);
void gql_cache_free(gql_cache *c);
size_t gql_cache_hits(const gql_cache *c);

/* Parse and validate (or take from the cache). On failure returns NULL and
 * fills res (stage, body with the errors). The result is reference-counted:
 * release it with gql_prepared_release(). */
gql_prepared *gql_prepare(const gql_schema *s, gql_cache *cache, const char *query, size_t len,
                          const gql_limits *limits, gql_result *res);
void gql_prepared_release(gql_prepared *p);
/* The operation a request would run (for HTTP: no mutation over GET).
 * Returns false when the operation name is unknown or ambiguous. */
bool gql_prepared_operation_type(const gql_prepared *p, const char *operation_name,
                                 gql_operation_type *type);
const gql_document *gql_prepared_document(const gql_prepared *p);

/* Execute a prepared document; fills res. */
void gql_execute(const gql_schema *s, const gql_prepared *p, const gql_request *req,
                 gql_result *res);
/* gql_prepare + gql_execute. */
void gql_run(const gql_schema *s, gql_cache *cache, const gql_request *req, gql_result *res);

#endif
