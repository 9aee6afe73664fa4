/* execute.c -- preparing and executing requests (spec section 6).
 *
 * gql_prepare() turns query text into a gql_prepared: parsed, validated
 * and measured against the limits, shared through the cache. gql_execute()
 * runs one operation of it and writes the JSON response.
 *
 * The response is written straight into one buffer in selection order; no
 * result tree is built. Null propagation needs to "take back" what was
 * written for an object whose non-null field turned out null: every
 * completion remembers the buffer offset where its value started, and a
 * failure travels up (as a false return) to the nearest nullable position,
 * which truncates the buffer to its offset and writes null there. This is
 * graphql-js's exception-based propagation, with the same single error per
 * propagation and the same abandonment of the remaining siblings.
 *
 * Everything a request allocates lives in one arena. Field collection
 * (CollectFields with fragments, @skip/@include and merging) is memoised
 * per request: the root set once, and each merged field's sub-selection
 * once per runtime object type, so a list of a thousand objects collects
 * its fields once, not a thousand times. Argument values are memoised the
 * same way, as they depend only on the field nodes and the variables.
 *
 * Deliberate differences from graphql-js (which has JavaScript values
 * where this engine has typed C results):
 *   - A scalar result where an object type is expected is a field error
 *     ("Expected value of type "T" but got: ..."); graphql-js executes the
 *     sub-selection on the scalar, whose properties read as undefined. A C
 *     resolver cannot be handed a scalar as its parent object.
 *   - Only GQL_RV_LIST, GQL_RV_LIST_FN and list values are iterable (so
 *     "Expected Iterable" where graphql-js would iterate e.g. a Set).
 *   - Error messages show an opaque GQL_RV_OBJECT as [object Object]
 *     (graphql-js's inspect() shows its properties).
 *   - A field with neither its own nor a default resolver resolves to null.
 *   - The limits (gql_limits) are additions; max_errors drops the errors
 *     past it (the response stays well-formed).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "coerce.h"
#include "limits.h"
#include "parser.h"
#include "schema.h"
#include "validate.h"

/* --------------------------------------------------------------- prepared */

struct gql_prepared {
    gql_document *doc;
    int refs; /* atomic */
    gql_doc_shape shape;
};

void gql_prepared_retain(gql_prepared *p)
{
    __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
}

void gql_prepared_release(gql_prepared *p)
{
    if (!p)
        return;
    if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        gql_document_free(p->doc);
        free(p);
    }
}

const gql_document *gql_prepared_document(const gql_prepared *p)
{
    return p->doc;
}

void gql_result_free(gql_result *r)
{
    gql_buf_free(&r->body);
}

static const gql_limits *limits_or_default(const gql_limits *l)
{
    return l ? l : &gql_limits_default;
}

/* A response that is only request errors: {"errors":[...]} (no data). */
static void request_errors(gql_result *res, gql_stage stage, const gql_errors *errs)
{
    gql_buf_truncate(&res->body, 0);
    gql_buf_puts(&res->body, "{\"errors\":");
    gql_errors_write_json(errs, &res->body);
    gql_buf_putc(&res->body, '}');
    res->stage = stage;
    res->data_null = false;
    res->nerrors = errs->n;
}

static bool is_token_limit_error(const gql_errors *errs)
{
    return errs->head && strstr(errs->head->message, "tokens. Parsing aborted.");
}

gql_prepared *gql_prepare(const gql_schema *s, gql_cache *cache, const char *query, size_t len,
                          const gql_limits *limits, gql_result *res)
{
    const gql_limits *l = limits_or_default(limits);
    gql_arena a;
    gql_errors errs;
    gql_prepared *p = NULL;
    gql_document *doc = NULL;
    gql_arena_init(&a, 2048);
    gql_errors_init(&errs, &a);

    if (l->max_document_bytes && len > l->max_document_bytes) {
        gql_error *e = gql_errors_add(&errs, NULL,
                                      "The document (%zu bytes) exceeds the max_document_bytes "
                                      "limit of %zu.",
                                      len, l->max_document_bytes);
        e->extensions_json = gql_limit_extensions(&a, "max_document_bytes");
        request_errors(res, GQL_STAGE_LIMIT, &errs);
        goto out;
    }
    if (cache && (p = gql_cache_get(cache, query, len))) {
        /* Cached under other limits maybe: the shape check is cheap. */
        if (!gql_limits_check_shape(l, &p->shape, p->doc->token_count, &errs)) {
            gql_prepared_release(p);
            p = NULL;
            request_errors(res, GQL_STAGE_LIMIT, &errs);
        }
        goto out;
    }
    doc = gql_parse(query, len, l->max_tokens, &errs);
    if (!doc) {
        if (is_token_limit_error(&errs)) {
            errs.head->extensions_json = gql_limit_extensions(&a, "max_tokens");
            request_errors(res, GQL_STAGE_LIMIT, &errs);
        } else {
            request_errors(res, GQL_STAGE_PARSE, &errs);
        }
        goto out;
    }
    if (gql_validate(s, doc, &errs)) {
        request_errors(res, GQL_STAGE_VALIDATE, &errs);
        goto out;
    }
    p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->doc = doc;
    p->refs = 1;
    doc = NULL;
    gql_doc_measure(p->doc, &p->shape);
    if (!gql_limits_check_shape(l, &p->shape, p->doc->token_count, &errs)) {
        request_errors(res, GQL_STAGE_LIMIT, &errs);
        gql_prepared_release(p);
        p = NULL;
        goto out;
    }
    if (cache)
        gql_cache_put(cache, query, len, p);
out:
    if (doc)
        gql_document_free(doc);
    gql_arena_free(&a);
    return p;
}

/* GetOperation: the operation named `name`, or the only one. *why gets
 * graphql-js's message when there is none. */
static const gql_operation_def *get_operation(const gql_document *doc, const char *name,
                                              const char **why)
{
    const gql_operation_def *op = NULL;
    for (size_t i = 0; i < doc->ndefs; i++) {
        if (doc->defs[i].kind != GQL_DEF_OPERATION)
            continue;
        const gql_operation_def *o = doc->defs[i].u.operation;
        if (!name) {
            if (op) {
                *why = "Must provide operation name if query contains multiple operations.";
                return NULL;
            }
            op = o;
        } else if (o->name && strcmp(o->name, name) == 0) {
            op = o;
        }
    }
    if (!op)
        *why = name ? NULL : "Must provide an operation.";
    return op;
}

bool gql_prepared_operation_type(const gql_prepared *p, const char *operation_name,
                                 gql_operation_type *type)
{
    const char *why = NULL;
    const gql_operation_def *op = get_operation(p->doc, operation_name, &why);
    if (!op)
        return false;
    *type = op->type;
    return true;
}

/* ------------------------------------------------------- collected fields */

typedef struct xfield xfield;

typedef struct fieldset {
    xfield *items;
    size_t n, cap;
    uint32_t *index; /* large sets: open addressing over item numbers + 1 */
    uint32_t index_mask;
} fieldset;

/* A merged field set's sub-selection for one runtime object type. */
typedef struct subset {
    const gql_type *type;
    fieldset fs;
    struct subset *next;
} subset;

/* One response key of a collected selection set: every field node merged
 * under it, the field's definition and what this request memoised. */
struct xfield {
    const char *key;
    const char *key_json; /* "key": ready to copy (names need no escaping) */
    size_t key_json_len;
    const char *name;
    const gql_selection **nodes;
    size_t nnodes, cap;
    gql_field *def; /* NULL: the key is skipped (unknown field) */
    bool is_typename;
    int args_state; /* 0 not yet, 1 coerced, -1 failed */
    gql_val args;
    const char *args_err;
    gql_loc args_err_loc;
    subset *subs;
};

/* -------------------------------------------------------------- execution */

struct gql_exec {
    const gql_schema *s;
    const gql_document *doc;
    const gql_request *req;
    const gql_limits *limits;
    gql_arena arena;
    gql_errors errs;
    gql_val vars;
    gql_buf *out;
    gql_path_seg *path;
    size_t depth, path_cap;
    const gql_fragment_def **frags; /* open addressing by name, NULL = empty */
    uint32_t frag_mask;
    /* set when collecting met @skip/@include whose variable is null */
    const char *collect_err;
    gql_loc collect_err_loc;
};

typedef struct visited {
    const gql_fragment_def **items;
    size_t n, cap;
} visited;

/* FNV-1a: short keys (names), no setup. */
static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static const gql_fragment_def *find_fragment(gql_exec *ex, const char *name)
{
    for (uint32_t h = name_hash(name) & ex->frag_mask; ex->frags[h];
         h = (h + 1) & ex->frag_mask)
        if (strcmp(ex->frags[h]->name, name) == 0)
            return ex->frags[h];
    return NULL;
}

/* @skip(if:) / @include(if:) argument: a literal or a variable. A null
 * variable (allowed by validation when it has a default) fails argument
 * coercion as in graphql-js; the error is left in ex->collect_err. */
static bool directive_if(gql_exec *ex, const gql_directive *d)
{
    for (size_t i = 0; i < d->nargs; i++) {
        if (strcmp(d->args[i].name, "if") != 0)
            continue;
        const gql_value *v = d->args[i].value;
        if (v->kind == GQL_VALUE_BOOLEAN)
            return v->u.boolean;
        if (v->kind != GQL_VALUE_VARIABLE)
            return false;
        const gql_val *val = gql_val_get(&ex->vars, v->u.name);
        if (val && val->kind == GQL_VAL_BOOLEAN)
            return val->u.b;
        if (!ex->collect_err) {
            ex->collect_err = gql_arena_printf(
                &ex->arena,
                val ? "Argument \"@%s(if:)\" has invalid value: Expected variable \"$%s\" "
                      "provided to non-null type \"Boolean!\" not to be null."
                    : "Argument \"@%s(if:)\" has invalid value: Expected variable \"$%s\" "
                      "provided to type \"Boolean!\" to provide a runtime value.",
                d->name, v->u.name);
            ex->collect_err_loc = v->loc;
        }
        return false;
    }
    return false;
}

static bool should_include(gql_exec *ex, const gql_directive *ds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ds[i].name, "skip") == 0 && directive_if(ex, &ds[i]))
            return false;
        if (strcmp(ds[i].name, "include") == 0 && !directive_if(ex, &ds[i]))
            return false;
    }
    return true;
}

static bool condition_matches(gql_exec *ex, const char *cond, const gql_type *obj)
{
    if (!cond)
        return true;
    const gql_type *t = gql_schema_type(ex->s, cond);
    if (!t)
        return false;
    if (t == obj)
        return true;
    if (gql_is_abstract_type(t))
        return gql_is_possible_type(t, obj);
    return false;
}

/* Selection sets are mostly short and scanned linearly; a set that grows
 * past FIELDSET_LINEAR keys gets a hash index so merging stays linear in
 * the number of selections (each set is collected once per request). */
#define FIELDSET_LINEAR 16

static xfield *fieldset_find(fieldset *fs, const char *key)
{
    if (!fs->index) {
        for (size_t i = 0; i < fs->n; i++)
            if (strcmp(fs->items[i].key, key) == 0)
                return &fs->items[i];
        return NULL;
    }
    for (uint32_t h = name_hash(key) & fs->index_mask; fs->index[h];
         h = (h + 1) & fs->index_mask)
        if (strcmp(fs->items[fs->index[h] - 1].key, key) == 0)
            return &fs->items[fs->index[h] - 1];
    return NULL;
}

static void fieldset_index_insert(fieldset *fs, size_t i)
{
    uint32_t h = name_hash(fs->items[i].key) & fs->index_mask;
    while (fs->index[h])
        h = (h + 1) & fs->index_mask;
    fs->index[h] = (uint32_t)i + 1;
}

/* Called after item n-1 was appended. */
static void fieldset_indexed(gql_exec *ex, fieldset *fs)
{
    if (fs->n <= FIELDSET_LINEAR)
        return;
    if (fs->index && fs->n * 2 <= (size_t)fs->index_mask + 1) {
        fieldset_index_insert(fs, fs->n - 1);
        return;
    }
    size_t size = 64;
    while (size < fs->n * 4)
        size *= 2;
    fs->index = GQL_NEWN(&ex->arena, uint32_t, size);
    fs->index_mask = (uint32_t)(size - 1);
    for (size_t i = 0; i < fs->n; i++)
        fieldset_index_insert(fs, i);
}

static void xfield_add_node(gql_exec *ex, xfield *f, const gql_selection *sel)
{
    if (f->nnodes == f->cap) {
        size_t ncap = f->cap ? f->cap * 2 : 2;
        f->nodes = gql_arena_grow(&ex->arena, f->nodes, f->nnodes, ncap, sizeof *f->nodes);
        f->cap = ncap;
    }
    f->nodes[f->nnodes++] = sel;
}

static void resolve_field_def(gql_exec *ex, const gql_type *obj, xfield *f)
{
    const gql_schema *s = ex->s;
    if (strcmp(f->name, "__typename") == 0) {
        f->is_typename = true;
        f->def = s->typename_meta_field;
        return;
    }
    if (obj == s->query && f->name[0] == '_' && f->name[1] == '_') {
        if (strcmp(f->name, "__schema") == 0) {
            f->def = s->schema_meta_field;
            return;
        }
        if (strcmp(f->name, "__type") == 0) {
            f->def = s->type_meta_field;
            return;
        }
    }
    f->def = gql_type_field(obj, f->name);
}

static void collect(gql_exec *ex, const gql_type *obj, const gql_selection_set *ss, fieldset *fs,
                    visited *vis)
{
    if (!ss)
        return;
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        if (!should_include(ex, sel->directives, sel->ndirectives))
            continue;
        switch (sel->kind) {
        case GQL_SEL_FIELD: {
            const char *key = sel->alias ? sel->alias : sel->name;
            xfield *f = fieldset_find(fs, key);
            if (!f) {
                if (fs->n == fs->cap) {
                    size_t ncap = fs->cap ? fs->cap * 2 : 8;
                    fs->items = gql_arena_grow(&ex->arena, fs->items, fs->n, ncap, sizeof(xfield));
                    fs->cap = ncap;
                }
                f = &fs->items[fs->n++];
                memset(f, 0, sizeof *f);
                f->key = key;
                f->key_json = gql_arena_printf(&ex->arena, "\"%s\":", key);
                f->key_json_len = strlen(f->key_json);
                f->name = sel->name;
                resolve_field_def(ex, obj, f);
                fieldset_indexed(ex, fs);
            }
            xfield_add_node(ex, f, sel);
            break;
        }
        case GQL_SEL_INLINE_FRAGMENT:
            if (condition_matches(ex, sel->type_condition, obj))
                collect(ex, obj, sel->selection_set, fs, vis);
            break;
        case GQL_SEL_FRAGMENT_SPREAD: {
            const gql_fragment_def *fd = find_fragment(ex, sel->name);
            if (!fd)
                break;
            bool seen = false;
            for (size_t j = 0; j < vis->n && !seen; j++)
                seen = vis->items[j] == fd;
            if (seen)
                break;
            if (vis->n == vis->cap) {
                size_t ncap = vis->cap ? vis->cap * 2 : 4;
                vis->items = gql_arena_grow(&ex->arena, vis->items, vis->n, ncap, sizeof(void *));
                vis->cap = ncap;
            }
            vis->items[vis->n++] = fd;
            if (condition_matches(ex, fd->type_condition, obj))
                collect(ex, obj, fd->selection_set, fs, vis);
            break;
        }
        }
    }
}

/* The merged sub-selection of field set `f` for runtime type `obj`, or
 * NULL when collecting failed (ex->collect_err; not memoised, so that
 * every object fails as it does in graphql-js). */
static fieldset *subfields(gql_exec *ex, xfield *f, const gql_type *obj)
{
    for (subset *s = f->subs; s; s = s->next)
        if (s->type == obj)
            return &s->fs;
    subset *s = GQL_NEW(&ex->arena, subset);
    s->type = obj;
    visited vis = {0};
    ex->collect_err = NULL;
    for (size_t i = 0; i < f->nnodes; i++)
        collect(ex, obj, f->nodes[i]->selection_set, &s->fs, &vis);
    if (ex->collect_err)
        return NULL;
    s->next = f->subs;
    f->subs = s;
    return &s->fs;
}

/* ----------------------------------------------------------------- errors */

static void path_push_key(gql_exec *ex, const char *key)
{
    if (ex->depth == ex->path_cap) {
        size_t ncap = ex->path_cap ? ex->path_cap * 2 : 32;
        ex->path = gql_arena_grow(&ex->arena, ex->path, ex->depth, ncap, sizeof *ex->path);
        ex->path_cap = ncap;
    }
    ex->path[ex->depth].key = key;
    ex->path[ex->depth].index = 0;
    ex->depth++;
}

static void path_push_index(gql_exec *ex, size_t i)
{
    path_push_key(ex, NULL);
    ex->path[ex->depth - 1].index = i;
}

/* A field error at the current path, located at every node of the field
 * (graphql-js locates errors at all of fieldDetailsList's nodes). */
static gql_error *field_error(gql_exec *ex, const xfield *f, const char *ext, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static gql_error *field_error(gql_exec *ex, const xfield *f, const char *ext, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gql_error *e = gql_errors_vadd(&ex->errs, NULL, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < f->nnodes; i++)
        gql_error_add_loc(&ex->errs, e, f->nodes[i]->loc);
    gql_error_set_path(&ex->errs, e, ex->path, ex->depth);
    e->extensions_json = ext;
    return e;
}

/* ------------------------------------------------------ leaf serialization */

static void js_number(gql_buf *b, double d)
{
    if (isnan(d))
        gql_buf_puts(b, "NaN");
    else if (isinf(d))
        gql_buf_puts(b, d > 0 ? "Infinity" : "-Infinity");
    else
        gql_buf_json_double(b, d);
}

/* graphql-js inspect() of a resolver result, for error messages. */
static void rv_inspect(const gql_rv *rv, gql_buf *b, gql_info *info, int depth)
{
    switch (rv->kind) {
    case GQL_RV_NULL:
        gql_buf_puts(b, "null");
        break;
    case GQL_RV_INT:
        gql_buf_json_int(b, rv->u.i);
        break;
    case GQL_RV_FLOAT:
        js_number(b, rv->u.f);
        break;
    case GQL_RV_STRING:
        gql_buf_json_string(b, rv->u.s.ptr, rv->u.s.len);
        break;
    case GQL_RV_BOOLEAN:
        gql_buf_puts(b, rv->u.b ? "true" : "false");
        break;
    case GQL_RV_VAL:
        gql_val_inspect(rv->u.val, b);
        break;
    case GQL_RV_OBJECT:
        /* opaque to the engine */
        gql_buf_puts(b, "[object Object]");
        break;
    case GQL_RV_LIST:
    case GQL_RV_LIST_FN: {
        size_t n = rv->kind == GQL_RV_LIST ? rv->u.list.n : rv->u.list_fn.n;
        if (n == 0) {
            gql_buf_puts(b, "[]");
            break;
        }
        if (depth > 2) {
            gql_buf_puts(b, "[Array]");
            break;
        }
        gql_buf_putc(b, '[');
        for (size_t i = 0; i < n && i < 10; i++) {
            if (i)
                gql_buf_puts(b, ", ");
            gql_rv item = rv->kind == GQL_RV_LIST ? rv->u.list.items[i]
                                                  : rv->u.list_fn.at(rv->u.list_fn.list, i, info);
            rv_inspect(&item, b, info, depth + 1);
        }
        if (n == 11)
            gql_buf_puts(b, ", ... 1 more item");
        else if (n > 11)
            gql_buf_printf(b, ", ... %zu more items", n - 10);
        gql_buf_putc(b, ']');
        break;
    }
    case GQL_RV_ERROR:
        gql_buf_puts(b, "[Error]");
        break;
    }
}

static const char *inspect(gql_exec *ex, const gql_rv *rv, gql_info *info)
{
    gql_buf b = GQL_BUF_INIT;
    rv_inspect(rv, &b, info, 1);
    char *s = gql_arena_strndup(&ex->arena, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

/* A resolver's leaf as a plain scalar: unwrap GQL_RV_VAL scalars. */
static gql_rv unwrap_val(const gql_rv *rv)
{
    if (rv->kind != GQL_RV_VAL)
        return *rv;
    const gql_val *v = rv->u.val;
    switch (v->kind) {
    case GQL_VAL_NULL:
        return gql_rv_null();
    case GQL_VAL_INT:
        return gql_rv_int(v->u.i);
    case GQL_VAL_FLOAT:
        return gql_rv_float(v->u.f);
    case GQL_VAL_BOOLEAN:
        return gql_rv_bool(v->u.b);
    case GQL_VAL_STRING:
    case GQL_VAL_ENUM:
        return gql_rv_strn(v->u.s.ptr, v->u.s.len);
    default:
        return *rv;
    }
}

/* JavaScript Number(string): decimal (with exponent), 0x/0o/0b integers,
 * Infinity; surrounding whitespace ignored; NaN otherwise. */
static double js_string_to_number(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
                 s[n - 1] == '\f' || s[n - 1] == '\v'))
        n--;
    if (n == 0)
        return 0;
    char tmp[128];
    if (n >= sizeof tmp)
        return NAN;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (n > 2 && tmp[0] == '0' && strchr("xXoObB", tmp[1])) {
        int base = (tmp[1] == 'x' || tmp[1] == 'X') ? 16 : (tmp[1] == 'o' || tmp[1] == 'O') ? 8 : 2;
        double v = 0;
        for (size_t i = 2; i < n; i++) {
            int c = tmp[i], d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return NAN;
            if (d >= base)
                return NAN;
            v = v * base + d;
        }
        return v;
    }
    const char *p = tmp;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (strcmp(p, "Infinity") == 0)
        return neg ? -INFINITY : INFINITY;
    /* digits [. digits] [e [+-] digits], at least one digit in the mantissa */
    const char *q = p;
    size_t digits = 0;
    while (*q >= '0' && *q <= '9')
        q++, digits++;
    if (*q == '.') {
        q++;
        while (*q >= '0' && *q <= '9')
            q++, digits++;
    }
    if (!digits)
        return NAN;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return NAN;
        while (*q >= '0' && *q <= '9')
            q++;
    }
    if (*q)
        return NAN;
    return strtod(tmp, NULL);
}

static bool is_integral(double d)
{
    return isfinite(d) && floor(d) == d;
}

/* coerceOutputValue of the built-in scalars and enums; custom scalars
 * through their serialize callback. Writes the value or returns false with
 * a field error recorded. */
static bool serialize_leaf(gql_exec *ex, const gql_type *t, const xfield *f, gql_info *info,
                           const gql_rv *orig)
{
    gql_buf *out = ex->out;
    gql_rv rv = unwrap_val(orig);
    if (t->kind == GQL_ENUM) {
        if (rv.kind == GQL_RV_STRING) {
            char *name = gql_arena_strndup(&ex->arena, rv.u.s.ptr, rv.u.s.len);
            const gql_enum_value *ev = gql_enum_value_by_name(t, name);
            if (ev && strlen(name) == rv.u.s.len) {
                gql_buf_json_cstr(out, ev->name);
                return true;
            }
        }
        field_error(ex, f, NULL, "Enum \"%s\" cannot represent value: %s", t->name,
                    inspect(ex, orig, info));
        return false;
    }
    double d;
    switch (t->builtin) {
    case GQL_SCALAR_INT:
        switch (rv.kind) {
        case GQL_RV_INT:
            if (rv.u.i >= INT32_MIN && rv.u.i <= INT32_MAX) {
                gql_buf_json_int(out, rv.u.i);
                return true;
            }
            goto int_range;
        case GQL_RV_BOOLEAN:
            gql_buf_putc(out, rv.u.b ? '1' : '0');
            return true;
        case GQL_RV_FLOAT:
            d = rv.u.f;
            goto int_num;
        case GQL_RV_STRING:
            if (rv.u.s.len == 0)
                goto int_nonint;
            d = js_string_to_number(rv.u.s.ptr, rv.u.s.len);
            goto int_num;
        default:
            goto int_nonint;
        }
    int_num:
        if (!is_integral(d))
            goto int_nonint;
        if (d > INT32_MAX || d < INT32_MIN)
            goto int_range;
        gql_buf_json_int(out, (int64_t)d);
        return true;
    int_range:
        field_error(ex, f, NULL, "Int cannot represent non 32-bit signed integer value: %s",
                    inspect(ex, orig, info));
        return false;
    int_nonint:
        field_error(ex, f, NULL, "Int cannot represent non-integer value: %s",
                    inspect(ex, orig, info));
        return false;
    case GQL_SCALAR_FLOAT:
        switch (rv.kind) {
        case GQL_RV_INT:
            gql_buf_json_int(out, rv.u.i);
            return true;
        case GQL_RV_BOOLEAN:
            gql_buf_putc(out, rv.u.b ? '1' : '0');
            return true;
        case GQL_RV_FLOAT:
            d = rv.u.f;
            break;
        case GQL_RV_STRING:
            d = rv.u.s.len ? js_string_to_number(rv.u.s.ptr, rv.u.s.len) : NAN;
            break;
        default:
            d = NAN;
            break;
        }
        if (!isfinite(d)) {
            field_error(ex, f, NULL, "Float cannot represent non numeric value: %s",
                        inspect(ex, orig, info));
            return false;
        }
        gql_buf_json_double(out, d);
        return true;
    case GQL_SCALAR_STRING:
        switch (rv.kind) {
        case GQL_RV_STRING:
            gql_buf_json_string(out, rv.u.s.ptr, rv.u.s.len);
            return true;
        case GQL_RV_BOOLEAN:
            gql_buf_puts(out, rv.u.b ? "\"true\"" : "\"false\"");
            return true;
        case GQL_RV_INT:
            gql_buf_putc(out, '"');
            gql_buf_json_int(out, rv.u.i);
            gql_buf_putc(out, '"');
            return true;
        case GQL_RV_FLOAT:
            if (isfinite(rv.u.f)) {
                gql_buf_putc(out, '"');
                gql_buf_json_double(out, rv.u.f);
                gql_buf_putc(out, '"');
                return true;
            }
            break;
        default:
            break;
        }
        field_error(ex, f, NULL, "String cannot represent value: %s", inspect(ex, orig, info));
        return false;
    case GQL_SCALAR_BOOLEAN:
        switch (rv.kind) {
        case GQL_RV_BOOLEAN:
            gql_buf_puts(out, rv.u.b ? "true" : "false");
            return true;
        case GQL_RV_INT:
            gql_buf_puts(out, rv.u.i ? "true" : "false");
            return true;
        case GQL_RV_FLOAT:
            if (isfinite(rv.u.f)) {
                gql_buf_puts(out, rv.u.f != 0 ? "true" : "false");
                return true;
            }
            break;
        default:
            break;
        }
        field_error(ex, f, NULL, "Boolean cannot represent a non boolean value: %s",
                    inspect(ex, orig, info));
        return false;
    case GQL_SCALAR_ID:
        switch (rv.kind) {
        case GQL_RV_STRING:
            gql_buf_json_string(out, rv.u.s.ptr, rv.u.s.len);
            return true;
        case GQL_RV_INT:
            gql_buf_putc(out, '"');
            gql_buf_json_int(out, rv.u.i);
            gql_buf_putc(out, '"');
            return true;
        case GQL_RV_FLOAT:
            if (is_integral(rv.u.f)) {
                gql_buf_putc(out, '"');
                gql_buf_json_double(out, rv.u.f);
                gql_buf_putc(out, '"');
                return true;
            }
            break;
        default:
            break;
        }
        field_error(ex, f, NULL, "ID cannot represent value: %s", inspect(ex, orig, info));
        return false;
    case GQL_SCALAR_CUSTOM:
        break;
    }
    /* custom scalar */
    if (t->scalar_ops.serialize) {
        gql_val v;
        const char *err = NULL;
        memset(&v, 0, sizeof v);
        if (!t->scalar_ops.serialize(orig, &v, &ex->arena, &err, t->scalar_ops.data)) {
            field_error(ex, f, NULL, "%s",
                        err ? err
                            : gql_arena_printf(&ex->arena, "%s cannot represent value: %s",
                                               t->name, inspect(ex, orig, info)));
            return false;
        }
        gql_val_write_json(&v, out);
        return true;
    }
    switch (orig->kind) {
    case GQL_RV_INT:
        gql_buf_json_int(out, orig->u.i);
        return true;
    case GQL_RV_FLOAT:
        if (isfinite(orig->u.f))
            gql_buf_json_double(out, orig->u.f);
        else
            gql_buf_json_double(out, orig->u.f);
        return true;
    case GQL_RV_STRING:
        gql_buf_json_string(out, orig->u.s.ptr, orig->u.s.len);
        return true;
    case GQL_RV_BOOLEAN:
        gql_buf_puts(out, orig->u.b ? "true" : "false");
        return true;
    case GQL_RV_VAL:
        gql_val_write_json(orig->u.val, out);
        return true;
    default:
        field_error(ex, f, NULL, "%s cannot represent value: %s", t->name,
                    inspect(ex, orig, info));
        return false;
    }
}

/* ---------------------------------------------------------- value completion */

typedef enum done {
    DONE_OK,        /* value written */
    DONE_NULL,      /* the value is null; nothing written */
    DONE_FAILED,    /* an error was recorded; the position must become null */
} done;

static bool execute_fields(gql_exec *ex, const gql_type *obj, void *parent, fieldset *fs,
                           bool serial);
static bool complete_value(gql_exec *ex, gql_type *type, xfield *f, gql_info *info,
                           const gql_rv *rv);

static done complete_list(gql_exec *ex, gql_type *t, xfield *f, gql_info *info, const gql_rv *rv)
{
    size_t n;
    const gql_val *val = NULL;
    if (rv->kind == GQL_RV_LIST)
        n = rv->u.list.n;
    else if (rv->kind == GQL_RV_LIST_FN)
        n = rv->u.list_fn.n;
    else if (rv->kind == GQL_RV_VAL && rv->u.val->kind == GQL_VAL_LIST)
        val = rv->u.val, n = val->u.list.n;
    else {
        field_error(ex, f, NULL, "Expected Iterable, but did not find one for field \"%s.%s\".",
                    info->parent_type->name, info->field_name);
        return DONE_FAILED;
    }
    if (ex->limits->max_list_items && n > ex->limits->max_list_items) {
        field_error(ex, f, gql_limit_extensions(&ex->arena, "max_list_items"),
                    "The list (%zu items) exceeds the max_list_items limit of %zu.", n,
                    ex->limits->max_list_items);
        return DONE_FAILED;
    }
    gql_buf_putc(ex->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            gql_buf_putc(ex->out, ',');
        gql_rv item;
        if (rv->kind == GQL_RV_LIST)
            item = rv->u.list.items[i];
        else if (rv->kind == GQL_RV_LIST_FN)
            item = rv->u.list_fn.at(rv->u.list_fn.list, i, info);
        else {
            item.kind = GQL_RV_VAL;
            item.u.val = &val->u.list.items[i];
        }
        path_push_index(ex, i);
        bool ok = complete_value(ex, t->of_type, f, info, &item);
        ex->depth--;
        if (!ok)
            return DONE_FAILED;
    }
    gql_buf_putc(ex->out, ']');
    return DONE_OK;
}

static const gql_type *runtime_type(gql_exec *ex, const gql_type *abs, xfield *f, gql_info *info,
                                    const gql_rv *rv)
{
    const char *name = NULL;
    if (rv->kind == GQL_RV_OBJECT) {
        name = rv->u.obj.typename;
        void *ptr = rv->u.obj.ptr;
        if (!name && abs->resolve_type)
            name = abs->resolve_type(ptr, abs, info, abs->resolve_type_data);
        else if (!name && ex->s->default_resolve_type)
            name = ex->s->default_resolve_type(ptr, abs, info, ex->s->default_resolve_type_data);
    }
    if (!name) {
        field_error(ex, f, NULL,
                    "Abstract type \"%s\" must resolve to an Object type at runtime for field "
                    "\"%s.%s\". Either the \"%s\" type should provide a \"resolveType\" function "
                    "or each possible type should provide an \"isTypeOf\" function.",
                    abs->name, info->parent_type->name, info->field_name, abs->name);
        return NULL;
    }
    const gql_type *rt = gql_schema_type(ex->s, name);
    if (!rt) {
        field_error(ex, f, NULL,
                    "Abstract type \"%s\" was resolved to a type \"%s\" that does not exist "
                    "inside the schema.",
                    abs->name, name);
        return NULL;
    }
    if (rt->kind != GQL_OBJECT) {
        field_error(ex, f, NULL, "Abstract type \"%s\" was resolved to a non-object type \"%s\".",
                    abs->name, name);
        return NULL;
    }
    if (!gql_is_possible_type(abs, rt)) {
        field_error(ex, f, NULL, "Runtime Object type \"%s\" is not a possible type for \"%s\".",
                    name, abs->name);
        return NULL;
    }
    return rt;
}

/* Complete a nullable type's value (NON_NULL stripped by the caller). */
static done complete_nullable(gql_exec *ex, gql_type *t, xfield *f, gql_info *info,
                              const gql_rv *rv)
{
    if (rv->kind == GQL_RV_NULL || (rv->kind == GQL_RV_VAL && rv->u.val->kind == GQL_VAL_NULL))
        return DONE_NULL;
    if (rv->kind == GQL_RV_ERROR) {
        field_error(ex, f, rv->u.err.extensions_json, "%s",
                    rv->u.err.message ? rv->u.err.message : "Unexpected error value: undefined");
        return DONE_FAILED;
    }
    switch (t->kind) {
    case GQL_LIST:
        return complete_list(ex, t, f, info, rv);
    case GQL_SCALAR:
    case GQL_ENUM:
        return serialize_leaf(ex, t, f, info, rv) ? DONE_OK : DONE_FAILED;
    case GQL_INTERFACE:
    case GQL_UNION:
    case GQL_OBJECT: {
        const gql_type *obj = t;
        if (t->kind != GQL_OBJECT && !(obj = runtime_type(ex, t, f, info, rv)))
            return DONE_FAILED;
        void *parent;
        if (rv->kind == GQL_RV_OBJECT)
            parent = rv->u.obj.ptr;
        else if (rv->kind == GQL_RV_VAL)
            parent = (void *)rv->u.val;
        else {
            field_error(ex, f, NULL, "Expected value of type \"%s\" but got: %s.", obj->name,
                        inspect(ex, rv, info));
            return DONE_FAILED;
        }
        fieldset *fs = subfields(ex, f, obj);
        if (!fs) {
            gql_error *e = gql_errors_add(&ex->errs, &ex->collect_err_loc, "%s", ex->collect_err);
            gql_error_set_path(&ex->errs, e, ex->path, ex->depth);
            return DONE_FAILED;
        }
        return execute_fields(ex, obj, parent, fs, false) ? DONE_OK : DONE_FAILED;
    }
    default:
        field_error(ex, f, NULL, "Cannot complete a value of a non-output type.");
        return DONE_FAILED;
    }
}

/* Write the completed value at the current path. Returns false when the
 * position is non-null but its value is null or failed: the caller must
 * then fail too, up to the nearest nullable position. */
static bool complete_value(gql_exec *ex, gql_type *type, xfield *f, gql_info *info,
                           const gql_rv *rv)
{
    size_t mark = ex->out->len;
    bool non_null = type->kind == GQL_NON_NULL;
    done d = complete_nullable(ex, non_null ? type->of_type : type, f, info, rv);
    if (d == DONE_OK)
        return true;
    if (non_null) {
        if (d == DONE_NULL)
            field_error(ex, f, NULL, "Cannot return null for non-nullable field %s.%s.",
                        info->parent_type->name, info->field_name);
        return false;
    }
    gql_buf_truncate(ex->out, mark);
    gql_buf_put(ex->out, "null", 4);
    return true;
}

/* Arguments of a field, coerced once per request (they depend only on the
 * first field node and the variables). */
static bool field_args(gql_exec *ex, const gql_type *obj, xfield *f)
{
    if (f->args_state == 0) {
        const gql_selection *node = f->nodes[0];
        const gql_field *def = f->def;
        if (def->nargs == 0) {
            f->args.kind = GQL_VAL_OBJECT;
            f->args_state = 1;
        } else {
            const char *owner = gql_arena_printf(&ex->arena, "%s.%s", obj->name, def->name);
            f->args_state = gql_coerce_arguments(ex->s, owner, def->args, def->nargs, node->args,
                                                 node->nargs, &node->loc, &ex->vars, &ex->arena,
                                                 &f->args, &f->args_err, &f->args_err_loc)
                                ? 1
                                : -1;
        }
    }
    return f->args_state == 1;
}

static bool execute_field(gql_exec *ex, const gql_type *obj, void *parent, xfield *f)
{
    if (f->is_typename) {
        gql_buf_json_cstr(ex->out, obj->name);
        return true;
    }
    gql_type *type = f->def->type;
    gql_info info = {
        .schema = ex->s,
        .parent_type = obj,
        .field = f->def,
        .return_type = type,
        .field_name = f->name,
        .response_key = f->key,
        .node = f->nodes[0],
        .field_data = f->def->resolve_data,
        .context = ex->req->context,
        .root_value = ex->req->root_value,
        .arena = &ex->arena,
        .exec = ex,
    };
    gql_rv rv;
    if (!field_args(ex, obj, f)) {
        gql_error *e = gql_errors_add(&ex->errs, &f->args_err_loc, "%s", f->args_err);
        gql_error_set_path(&ex->errs, e, ex->path, ex->depth);
        if (type->kind == GQL_NON_NULL)
            return false;
        gql_buf_put(ex->out, "null", 4);
        return true;
    }
    if (f->def->resolve) {
        rv = f->def->resolve(parent, &f->args, &info);
    } else if (ex->s->default_resolve) {
        info.field_data = ex->s->default_resolve_data;
        rv = ex->s->default_resolve(parent, &f->args, &info);
    } else {
        rv = gql_rv_null();
    }
    return complete_value(ex, type, f, &info, &rv);
}

/* Write {"key":value,...} for an object. Returns false when a non-null
 * field failed: the object itself must become null. */
static bool execute_fields(gql_exec *ex, const gql_type *obj, void *parent, fieldset *fs,
                           bool serial)
{
    (void)serial; /* resolvers run one after another in C: always serial */
    gql_buf *out = ex->out;
    gql_buf_putc(out, '{');
    bool first = true;
    for (size_t i = 0; i < fs->n; i++) {
        xfield *f = &fs->items[i];
        if (!f->def && !f->is_typename)
            continue;
        if (!first)
            gql_buf_putc(out, ',');
        first = false;
        gql_buf_put(out, f->key_json, f->key_json_len);
        path_push_key(ex, f->key);
        bool ok = execute_field(ex, obj, parent, f);
        ex->depth--;
        if (!ok)
            return false;
    }
    gql_buf_putc(out, '}');
    return true;
}

/* ------------------------------------------------------------------ entry */

static const gql_type *root_type(const gql_schema *s, gql_operation_type t)
{
    switch (t) {
    case GQL_OP_QUERY:
        return s->query;
    case GQL_OP_MUTATION:
        return s->mutation;
    case GQL_OP_SUBSCRIPTION:
        return s->subscription;
    }
    return NULL;
}

static void index_fragments(gql_exec *ex)
{
    const gql_document *doc = ex->doc;
    size_t n = 0, size = 16;
    for (size_t i = 0; i < doc->ndefs; i++)
        n += doc->defs[i].kind == GQL_DEF_FRAGMENT;
    while (size < n * 2)
        size *= 2;
    ex->frags = GQL_NEWN(&ex->arena, const gql_fragment_def *, size);
    ex->frag_mask = (uint32_t)(size - 1);
    for (size_t i = 0; i < doc->ndefs; i++) {
        if (doc->defs[i].kind != GQL_DEF_FRAGMENT)
            continue;
        const gql_fragment_def *fd = doc->defs[i].u.fragment;
        uint32_t h = name_hash(fd->name) & ex->frag_mask;
        while (ex->frags[h] && strcmp(ex->frags[h]->name, fd->name) != 0)
            h = (h + 1) & ex->frag_mask;
        if (!ex->frags[h])
            ex->frags[h] = fd; /* first definition wins (names are unique once valid) */
    }
}

/* The response from the data written at `data_off` in res->body: errors
 * must come first, so when there are any the data is moved behind them. */
static void finish_response(gql_exec *ex, gql_result *res, size_t data_off)
{
    res->nerrors = ex->errs.n;
    if (!ex->errs.n) {
        gql_buf_putc(&res->body, '}');
        return;
    }
    gql_buf body = GQL_BUF_INIT;
    gql_buf_reserve(&body, res->body.len + 256);
    gql_buf_puts(&body, "{\"errors\":");
    gql_errors_write_json(&ex->errs, &body);
    gql_buf_puts(&body, ",\"data\":");
    gql_buf_put(&body, res->body.data + data_off, res->body.len - data_off);
    gql_buf_putc(&body, '}');
    gql_buf_free(&res->body);
    res->body = body;
}

void gql_execute(const gql_schema *s, const gql_prepared *p, const gql_request *req,
                 gql_result *res)
{
    gql_exec ex;
    memset(&ex, 0, sizeof ex);
    ex.s = s;
    ex.doc = p->doc;
    ex.req = req;
    ex.limits = limits_or_default(req->limits);
    gql_arena_init(&ex.arena, 8192);
    gql_errors_init(&ex.errs, &ex.arena);
    ex.errs.max = ex.limits->max_errors;
    ex.out = &res->body;
    gql_buf_truncate(&res->body, 0);
    res->stage = GQL_STAGE_OK;
    res->data_null = false;
    res->nerrors = 0;

    const char *why = NULL;
    const gql_operation_def *op = get_operation(p->doc, req->operation_name, &why);
    if (!op) {
        if (!why)
            gql_errors_add(&ex.errs, NULL, "Unknown operation named \"%s\".", req->operation_name);
        else
            gql_errors_add(&ex.errs, NULL, "%s", why);
        request_errors(res, GQL_STAGE_OPERATION, &ex.errs);
        goto out;
    }
    res->op_type = op->type;
    index_fragments(&ex);
    if (!gql_coerce_variables(s, op, req->variables, &ex.arena, &ex.errs, &ex.vars)) {
        request_errors(res, GQL_STAGE_VARIABLES, &ex.errs);
        goto out;
    }
    gql_buf_puts(&res->body, "{\"data\":");
    size_t data_off = res->body.len;
    const gql_type *root = root_type(s, op->type);
    bool ok = false;
    if (!root) {
        gql_error *e = gql_errors_add(&ex.errs, &op->loc,
                                      "Schema is not configured to execute %s operation.",
                                      gql_operation_type_name(op->type));
        (void)e;
    } else {
        fieldset fs = {0};
        visited vis = {0};
        collect(&ex, root, op->selection_set, &fs, &vis);
        if (ex.collect_err)
            gql_errors_add(&ex.errs, &ex.collect_err_loc, "%s", ex.collect_err);
        else
            ok = execute_fields(&ex, root, req->root_value, &fs, op->type == GQL_OP_MUTATION);
    }
    if (!ok) {
        gql_buf_truncate(&res->body, data_off);
        gql_buf_put(&res->body, "null", 4);
        res->data_null = true;
    }
    finish_response(&ex, res, data_off);
out:
    gql_arena_free(&ex.arena);
}

void gql_run(const gql_schema *s, gql_cache *cache, const gql_request *req, gql_result *res)
{
    gql_prepared *p = gql_prepare(s, cache, req->query, req->query_len, req->limits, res);
    if (!p)
        return;
    gql_execute(s, p, req, res);
    gql_prepared_release(p);
}
