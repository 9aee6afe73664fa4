/* schema.c -- the type system model: lookups, wrappers, predicates, type
 * comparators and the embedder's bindings (see schema.h).
 *
 * Building a schema from SDL lives in schema_build.c and its checks in
 * schema_check.c; this file holds what the validator and the executor call
 * on every request, so lookups are hash tables (open addressing over array
 * indices, 0 = empty slot) rather than scans: the executor looks up one
 * field per selected field.
 */
#include "schema.h"
#include "schema_internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- hashing */

uint32_t gql_schema_hash(const char *s)
{
    /* FNV-1a: names are short identifiers, this is fast and spreads well. */
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

uint32_t gql_schema_table_size(size_t n)
{
    uint32_t cap = 8;
    while (cap < n * 2)
        cap <<= 1;
    return cap;
}

void gql_schema_index_types(gql_schema *s)
{
    uint32_t cap = gql_schema_table_size(s->ntypes);
    s->type_index = GQL_NEWN(&s->arena, uint32_t, cap);
    s->type_index_mask = cap - 1;
    for (size_t i = 0; i < s->ntypes; i++) {
        uint32_t h = gql_schema_hash(s->types[i]->name) & s->type_index_mask;
        while (s->type_index[h])
            h = (h + 1) & s->type_index_mask;
        s->type_index[h] = (uint32_t)i + 1;
    }
}

void gql_schema_index_fields(gql_arena *a, gql_type *t)
{
    uint32_t cap = gql_schema_table_size(t->nfields);
    t->field_index = GQL_NEWN(a, uint32_t, cap);
    t->field_index_mask = cap - 1;
    for (size_t i = 0; i < t->nfields; i++) {
        uint32_t h = gql_schema_hash(t->fields[i].name) & t->field_index_mask;
        while (t->field_index[h])
            h = (h + 1) & t->field_index_mask;
        t->field_index[h] = (uint32_t)i + 1;
    }
}

/* ------------------------------------------------------------- lookups */

gql_type *gql_schema_type(const gql_schema *s, const char *name)
{
    if (!s || !name || !s->type_index)
        return NULL;
    uint32_t h = gql_schema_hash(name) & s->type_index_mask;
    for (uint32_t e; (e = s->type_index[h]) != 0; h = (h + 1) & s->type_index_mask) {
        gql_type *t = s->types[e - 1];
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

gql_field *gql_type_field(const gql_type *t, const char *name)
{
    if (!t || !name || (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE))
        return NULL;
    if (!t->field_index) {
        for (size_t i = 0; i < t->nfields; i++)
            if (strcmp(t->fields[i].name, name) == 0)
                return &t->fields[i];
        return NULL;
    }
    uint32_t h = gql_schema_hash(name) & t->field_index_mask;
    for (uint32_t e; (e = t->field_index[h]) != 0; h = (h + 1) & t->field_index_mask) {
        gql_field *f = &t->fields[e - 1];
        if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

const gql_directive_def *gql_schema_directive(const gql_schema *s, const char *name)
{
    for (size_t i = 0; s && name && i < s->ndirectives; i++)
        if (strcmp(s->directives[i]->name, name) == 0)
            return s->directives[i];
    return NULL;
}

static const gql_input_value *find_input_value(const gql_input_value *v, size_t n,
                                               const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return &v[i];
    return NULL;
}

const gql_input_value *gql_field_arg(const gql_field *f, const char *name)
{
    return f ? find_input_value(f->args, f->nargs, name) : NULL;
}

const gql_input_value *gql_input_field(const gql_type *t, const char *name)
{
    if (!t || t->kind != GQL_INPUT_OBJECT)
        return NULL;
    return find_input_value(t->input_fields, t->ninput_fields, name);
}

const gql_input_value *gql_directive_arg(const gql_directive_def *d, const char *name)
{
    return d ? find_input_value(d->args, d->nargs, name) : NULL;
}

const gql_enum_value *gql_enum_value_by_name(const gql_type *t, const char *name)
{
    if (!t || t->kind != GQL_ENUM || !name)
        return NULL;
    for (size_t i = 0; i < t->nvalues; i++)
        if (strcmp(t->values[i].name, name) == 0)
            return &t->values[i];
    return NULL;
}

/* ------------------------------------------------------------ wrappers */

static gql_type *new_wrapper(gql_arena *a, gql_type_kind kind, gql_type *of)
{
    gql_type *w = GQL_NEW(a, gql_type);
    w->kind = kind;
    w->of_type = of;
    return w;
}

gql_type *gql_type_list(gql_schema *s, gql_type *t)
{
    if (!t)
        return NULL;
    if (!t->list_of)
        t->list_of = new_wrapper(&s->arena, GQL_LIST, t);
    return t->list_of;
}

gql_type *gql_type_non_null(gql_schema *s, gql_type *t)
{
    if (!t)
        return NULL;
    if (t->kind == GQL_NON_NULL)
        return t;
    if (!t->non_null_of)
        t->non_null_of = new_wrapper(&s->arena, GQL_NON_NULL, t);
    return t->non_null_of;
}

gql_type *gql_type_ref_resolve(const gql_schema *s, const gql_type_ref *ref, gql_arena *a)
{
    if (!ref)
        return NULL;
    if (ref->kind == GQL_TYPE_REF_NAMED)
        return gql_schema_type(s, ref->name);
    gql_type *inner = gql_type_ref_resolve(s, ref->of, a);
    if (!inner)
        return NULL;
    if (ref->kind == GQL_TYPE_REF_LIST)
        return inner->list_of ? inner->list_of : new_wrapper(a, GQL_LIST, inner);
    if (inner->kind == GQL_NON_NULL)
        return inner;
    return inner->non_null_of ? inner->non_null_of : new_wrapper(a, GQL_NON_NULL, inner);
}

/* ---------------------------------------------------------- predicates */

gql_type *gql_named_type(gql_type *t)
{
    while (t && (t->kind == GQL_LIST || t->kind == GQL_NON_NULL))
        t = t->of_type;
    return t;
}

gql_type *gql_nullable_type(gql_type *t)
{
    return t && t->kind == GQL_NON_NULL ? t->of_type : t;
}

static const gql_type *named_c(const gql_type *t)
{
    return gql_named_type((gql_type *)t);
}

bool gql_is_input_type(const gql_type *t)
{
    t = named_c(t);
    return t && (t->kind == GQL_SCALAR || t->kind == GQL_ENUM || t->kind == GQL_INPUT_OBJECT);
}

bool gql_is_output_type(const gql_type *t)
{
    t = named_c(t);
    return t && t->kind != GQL_INPUT_OBJECT;
}

bool gql_is_leaf_type(const gql_type *t)
{
    return t && (t->kind == GQL_SCALAR || t->kind == GQL_ENUM);
}

bool gql_is_composite_type(const gql_type *t)
{
    return t && (t->kind == GQL_OBJECT || t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

bool gql_is_abstract_type(const gql_type *t)
{
    return t && (t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

bool gql_is_required_input(const gql_input_value *v)
{
    return v && v->type && v->type->kind == GQL_NON_NULL && !v->default_value;
}

/* --------------------------------------------------------- comparators */

bool gql_type_equal(const gql_type *a, const gql_type *b)
{
    /* Structural for wrappers: gql_type_ref_resolve may hand out uncached
     * wrappers allocated in a request arena. */
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if ((a->kind == GQL_NON_NULL && b->kind == GQL_NON_NULL) ||
        (a->kind == GQL_LIST && b->kind == GQL_LIST))
        return gql_type_equal(a->of_type, b->of_type);
    return false;
}

/* graphql-js schema.isSubType: `sub` is a member of the union, or an object
 * or interface declaring that it implements the interface. */
static bool is_sub_type(const gql_type *abstract, const gql_type *sub)
{
    if (!abstract || !sub)
        return false;
    if (abstract->kind == GQL_UNION) {
        for (size_t i = 0; i < abstract->npossible; i++)
            if (abstract->possible[i] == sub)
                return true;
        return false;
    }
    if (abstract->kind != GQL_INTERFACE)
        return false;
    if (sub->kind != GQL_OBJECT && sub->kind != GQL_INTERFACE)
        return false;
    for (size_t i = 0; i < sub->ninterfaces; i++)
        if (sub->interfaces[i] == abstract)
            return true;
    return false;
}

bool gql_type_is_subtype(const gql_schema *s, const gql_type *sub, const gql_type *super)
{
    (void)s;
    if (gql_type_equal(sub, super))
        return true;
    if (!sub || !super)
        return false;
    if (super->kind == GQL_NON_NULL) {
        if (sub->kind == GQL_NON_NULL)
            return gql_type_is_subtype(s, sub->of_type, super->of_type);
        return false;
    }
    if (sub->kind == GQL_NON_NULL)
        return gql_type_is_subtype(s, sub->of_type, super);
    if (super->kind == GQL_LIST) {
        if (sub->kind == GQL_LIST)
            return gql_type_is_subtype(s, sub->of_type, super->of_type);
        return false;
    }
    if (sub->kind == GQL_LIST)
        return false;
    return gql_is_abstract_type(super) &&
           (sub->kind == GQL_INTERFACE || sub->kind == GQL_OBJECT) && is_sub_type(super, sub);
}

bool gql_types_overlap(const gql_schema *s, const gql_type *a, const gql_type *b)
{
    (void)s;
    if (a == b)
        return true;
    if (gql_is_abstract_type(a)) {
        if (gql_is_abstract_type(b)) {
            for (size_t i = 0; i < a->npossible; i++)
                if (is_sub_type(b, a->possible[i]))
                    return true;
            return false;
        }
        return is_sub_type(a, b);
    }
    if (gql_is_abstract_type(b))
        return is_sub_type(b, a);
    return false;
}

bool gql_is_possible_type(const gql_type *abstract, const gql_type *object)
{
    if (!abstract || !object)
        return false;
    if (abstract->kind == GQL_UNION || abstract->kind == GQL_INTERFACE) {
        for (size_t i = 0; i < abstract->npossible; i++)
            if (abstract->possible[i] == object)
                return true;
    }
    return false;
}

static void type_str(gql_buf *b, const gql_type *t)
{
    if (!t) {
        gql_buf_puts(b, "?");
    } else if (t->kind == GQL_LIST) {
        gql_buf_putc(b, '[');
        type_str(b, t->of_type);
        gql_buf_putc(b, ']');
    } else if (t->kind == GQL_NON_NULL) {
        type_str(b, t->of_type);
        gql_buf_putc(b, '!');
    } else {
        gql_buf_puts(b, t->name);
    }
}

const char *gql_type_str(gql_arena *a, const gql_type *t)
{
    if (t && t->name)
        return t->name;
    gql_buf b = GQL_BUF_INIT;
    type_str(&b, t);
    char *r = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return r;
}

/* ------------------------------------------------------------ bindings */

int gql_schema_bind(gql_schema *s, const char *type, const char *field, gql_resolve_fn fn,
                    void *data)
{
    gql_field *f = gql_type_field(gql_schema_type(s, type), field);
    if (!f)
        return -1;
    f->resolve = fn;
    f->resolve_data = data;
    return 0;
}

void gql_schema_set_default_resolver(gql_schema *s, gql_resolve_fn fn, void *data)
{
    s->default_resolve = fn;
    s->default_resolve_data = data;
}

int gql_schema_bind_type_resolver(gql_schema *s, const char *abstract, gql_resolve_type_fn fn,
                                  void *data)
{
    gql_type *t = gql_schema_type(s, abstract);
    if (!gql_is_abstract_type(t))
        return -1;
    t->resolve_type = fn;
    t->resolve_type_data = data;
    return 0;
}

void gql_schema_set_default_type_resolver(gql_schema *s, gql_resolve_type_fn fn, void *data)
{
    s->default_resolve_type = fn;
    s->default_resolve_type_data = data;
}

int gql_schema_bind_scalar(gql_schema *s, const char *scalar, const gql_scalar_ops *ops)
{
    gql_type *t = gql_schema_type(s, scalar);
    if (!t || t->kind != GQL_SCALAR)
        return -1;
    if (ops)
        t->scalar_ops = *ops;
    else
        memset(&t->scalar_ops, 0, sizeof t->scalar_ops);
    return 0;
}
