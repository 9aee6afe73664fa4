/* json_bind.c -- resolve a schema's fields from JSON data (jansson).
 *
 * The differential tests, the fuzz target and the benchmarks all run the
 * engine over plain JSON documents, exactly as graphql-js does over a
 * rootValue with its default field and type resolvers: a field is the
 * parent's member of the same name, and an abstract type is resolved by the
 * object's "__typename" member. Nothing is copied on the way out: strings
 * point into the jansson values and arrays are handed to the executor as
 * GQL_RV_LIST_FN, whose items are produced on demand. The JSON data must
 * therefore outlive the request, which it does in every user of this module
 * (the data is loaded once and shared read-only).
 *
 * One subtlety: a custom scalar (say `JSON`) may have an object or an array
 * as its value. The executor must then see a leaf value, not an object to
 * select fields from or a list to iterate, so for leaf return types such
 * values are converted to a gql_val (GQL_RV_VAL).
 */
#include "json_bind.h"

#include <string.h>

#include "schema.h"

static gql_rv to_rv(json_t *j, const gql_type *type, gql_info *info);

/* A JSON array being completed as a list, with the type of its items
 * (NULL when unknown) so that nested lists and leaf items convert right. */
typedef struct json_list {
    json_t *array;
    const gql_type *item_type;
} json_list;

static gql_rv array_at(void *list, size_t i, gql_info *info)
{
    json_list *l = list;
    return to_rv(json_array_get(l->array, i), l->item_type, info);
}

static gql_rv array_at_untyped(void *list, size_t i, gql_info *info)
{
    return to_rv(json_array_get((json_t *)list, i), NULL, NULL);
}

/* Whether a value of `type` (NULL: unknown) is a leaf, not a list. */
static bool is_leaf(const gql_type *type)
{
    if (type && type->kind == GQL_NON_NULL)
        type = type->of_type;
    return type && (type->kind == GQL_SCALAR || type->kind == GQL_ENUM);
}

/* A JSON object or array standing for a leaf (a custom scalar's value). */
static gql_rv leaf_val(json_t *j, gql_info *info)
{
    gql_val *v = GQL_NEW(info->arena, gql_val);
    *v = gql_val_from_json(info->arena, j);
    gql_rv r = {.kind = GQL_RV_VAL, .u.val = v};
    return r;
}

/* Convert one JSON value. `type` (may be NULL) is the field's return type:
 * an object or array where a leaf is expected becomes a GQL_RV_VAL. */
static gql_rv to_rv(json_t *j, const gql_type *type, gql_info *info)
{
    if (!j)
        return gql_rv_null();
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        if (info && is_leaf(type))
            return leaf_val(j, info);
        return gql_rv_object(j, json_string_value(json_object_get(j, "__typename")));
    case JSON_ARRAY: {
        const gql_type *nullable = type && type->kind == GQL_NON_NULL ? type->of_type : type;
        if (info && is_leaf(nullable))
            return leaf_val(j, info);
        gql_rv r = {.kind = GQL_RV_LIST_FN};
        r.u.list_fn.n = json_array_size(j);
        if (info) {
            json_list *l = GQL_NEW(info->arena, json_list);
            l->array = j;
            l->item_type = nullable && nullable->kind == GQL_LIST ? nullable->of_type : NULL;
            r.u.list_fn.list = l;
            r.u.list_fn.at = array_at;
        } else {
            /* No arena to describe the items: they are converted untyped. */
            r.u.list_fn.list = j;
            r.u.list_fn.at = array_at_untyped;
        }
        return r;
    }
    case JSON_STRING:
        return gql_rv_strn(json_string_value(j), json_string_length(j));
    case JSON_INTEGER:
        return gql_rv_int((int64_t)json_integer_value(j));
    case JSON_REAL:
        return gql_rv_float(json_real_value(j));
    case JSON_TRUE:
        return gql_rv_bool(true);
    case JSON_FALSE:
        return gql_rv_bool(false);
    case JSON_NULL:
        break;
    }
    return gql_rv_null();
}

gql_rv gql_json_to_rv(json_t *j)
{
    return to_rv(j, NULL, NULL);
}

gql_rv gql_json_resolve(void *parent, const gql_val *args, gql_info *info)
{
    json_t *obj = parent;
    /* graphql-js reads a property of any source value; only JSON objects
     * have members, anything else gives undefined, i.e. null. */
    if (!obj || !json_is_object(obj))
        return gql_rv_null();
    return to_rv(json_object_get(obj, info->field_name), info->return_type, info);
}

const char *gql_json_resolve_type(void *obj, const gql_type *abstract, gql_info *info, void *data)
{
    json_t *j = obj;
    if (!j || !json_is_object(j))
        return NULL;
    return json_string_value(json_object_get(j, "__typename"));
}

void gql_json_bind(gql_schema *s)
{
    gql_schema_set_default_resolver(s, gql_json_resolve, NULL);
    gql_schema_set_default_type_resolver(s, gql_json_resolve_type, NULL);
}

gql_val gql_val_from_json(gql_arena *a, const json_t *j)
{
    gql_val out;
    memset(&out, 0, sizeof out);
    if (!j)
        return out; /* GQL_VAL_NULL */
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(j), i = 0;
        const char *key;
        size_t klen;
        json_t *member;
        out.kind = GQL_VAL_OBJECT;
        out.u.obj.keys = GQL_NEWN(a, const char *, n ? n : 1);
        out.u.obj.vals = GQL_NEWN(a, gql_val, n ? n : 1);
        /* jansson iterates in insertion order, as JSON.parse keeps keys. */
        json_object_keylen_foreach((json_t *)j, key, klen, member)
        {
            out.u.obj.keys[i] = gql_arena_strndup(a, key, klen);
            out.u.obj.vals[i] = gql_val_from_json(a, member);
            i++;
        }
        out.u.obj.n = i;
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        out.kind = GQL_VAL_LIST;
        out.u.list.items = GQL_NEWN(a, gql_val, n ? n : 1);
        out.u.list.n = n;
        for (size_t i = 0; i < n; i++)
            out.u.list.items[i] = gql_val_from_json(a, json_array_get(j, i));
        break;
    }
    case JSON_STRING:
        out.kind = GQL_VAL_STRING;
        out.u.s.len = json_string_length(j);
        out.u.s.ptr = gql_arena_strndup(a, json_string_value(j), out.u.s.len);
        break;
    case JSON_INTEGER:
        out.kind = GQL_VAL_INT;
        out.u.i = (int64_t)json_integer_value(j);
        break;
    case JSON_REAL:
        out.kind = GQL_VAL_FLOAT;
        out.u.f = json_real_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        out.kind = GQL_VAL_BOOLEAN;
        out.u.b = json_is_true(j);
        break;
    case JSON_NULL:
        break;
    }
    return out;
}
