/* values.c -- input values (gql_val): lookup, JSON output and JSON input.
 *
 * Variables arrive as JSON text, coerced values leave as JSON (custom
 * scalars, echoed input). jansson does the parsing; the tree it builds is
 * converted at once into arena-allocated gql_val nodes so that the rest of
 * the engine never sees jansson and nothing needs freeing per value.
 *
 * JSON numbers keep their lexical kind: an integer literal becomes an INT,
 * anything with a fraction or exponent a FLOAT. Integers too large for
 * int64 (which jansson refuses) become doubles, the way JavaScript's
 * JSON.parse reads every number; the other integers stay exact.
 */
#include "graphql.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

bool gql_val_given(const gql_val *obj, const char *key)
{
    const gql_val *v = gql_val_get(obj, key);
    return v && !v->defaulted;
}

const gql_val *gql_val_get(const gql_val *obj, const char *key)
{
    if (!obj || obj->kind != GQL_VAL_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->u.obj.n; i++)
        if (strcmp(obj->u.obj.keys[i], key) == 0)
            return &obj->u.obj.vals[i];
    return NULL;
}

void gql_val_write_json(const gql_val *v, gql_buf *out)
{
    switch (v->kind) {
    case GQL_VAL_NULL:
        gql_buf_put(out, "null", 4);
        break;
    case GQL_VAL_INT:
        gql_buf_json_int(out, v->u.i);
        break;
    case GQL_VAL_FLOAT:
        gql_buf_json_double(out, v->u.f);
        break;
    case GQL_VAL_STRING:
    case GQL_VAL_ENUM:
        gql_buf_json_string(out, v->u.s.ptr, v->u.s.len);
        break;
    case GQL_VAL_BOOLEAN:
        if (v->u.b)
            gql_buf_put(out, "true", 4);
        else
            gql_buf_put(out, "false", 5);
        break;
    case GQL_VAL_LIST:
        gql_buf_putc(out, '[');
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i)
                gql_buf_putc(out, ',');
            gql_val_write_json(&v->u.list.items[i], out);
        }
        gql_buf_putc(out, ']');
        break;
    case GQL_VAL_OBJECT:
        gql_buf_putc(out, '{');
        for (size_t i = 0; i < v->u.obj.n; i++) {
            if (i)
                gql_buf_putc(out, ',');
            gql_buf_json_cstr(out, v->u.obj.keys[i]);
            gql_buf_putc(out, ':');
            gql_val_write_json(&v->u.obj.vals[i], out);
        }
        gql_buf_putc(out, '}');
        break;
    }
}

static void from_json(gql_arena *a, json_t *j, gql_val *out)
{
    memset(out, 0, sizeof *out);
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(j), i = 0;
        out->kind = GQL_VAL_OBJECT;
        out->u.obj.keys = GQL_NEWN(a, const char *, n ? n : 1);
        out->u.obj.vals = GQL_NEWN(a, gql_val, n ? n : 1);
        const char *key;
        size_t klen;
        json_t *member;
        /* jansson iterates objects in insertion order (as JSON.parse does). */
        json_object_keylen_foreach(j, key, klen, member)
        {
            out->u.obj.keys[i] = gql_arena_strndup(a, key, klen);
            from_json(a, member, &out->u.obj.vals[i]);
            i++;
        }
        out->u.obj.n = i;
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        out->kind = GQL_VAL_LIST;
        out->u.list.items = GQL_NEWN(a, gql_val, n ? n : 1);
        out->u.list.n = n;
        for (size_t i = 0; i < n; i++)
            from_json(a, json_array_get(j, i), &out->u.list.items[i]);
        break;
    }
    case JSON_STRING:
        out->kind = GQL_VAL_STRING;
        out->u.s.len = json_string_length(j);
        out->u.s.ptr = gql_arena_strndup(a, json_string_value(j), out->u.s.len);
        break;
    case JSON_INTEGER:
        out->kind = GQL_VAL_INT;
        out->u.i = (int64_t)json_integer_value(j);
        break;
    case JSON_REAL:
        out->kind = GQL_VAL_FLOAT;
        out->u.f = json_real_value(j);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        out->kind = GQL_VAL_BOOLEAN;
        out->u.b = json_is_true(j);
        break;
    case JSON_NULL:
        out->kind = GQL_VAL_NULL;
        break;
    }
}

/* Whether the integer literal s[0..n) (optional '-', digits) fits int64. */
static bool fits_int64(const char *s, size_t n)
{
    bool neg = n && s[0] == '-';
    const char *d = s + neg;
    size_t nd = n - neg;
    const char *max = neg ? "9223372036854775808" : "9223372036854775807";
    if (nd != 19)
        return nd < 19;
    return memcmp(d, max, 19) <= 0;
}

/* The JSON text with ".0" appended to every integer literal too large for
 * int64, so that jansson reads those (and only those) as doubles, as
 * JSON.parse would, while the other integers stay exact. NULL when there
 * is none. (Only on jansson's overflow error: the common path never scans.) */
static char *widen_big_integers(const char *json, size_t len, size_t *out_len)
{
    gql_buf b = GQL_BUF_INIT;
    bool changed = false, in_string = false;
    size_t i = 0, copied = 0;
    while (i < len) {
        char c = json[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            i++;
            continue;
        }
        if (c != '-' && !(c >= '0' && c <= '9')) {
            i++;
            continue;
        }
        size_t start = i;
        if (c == '-')
            i++;
        while (i < len && json[i] >= '0' && json[i] <= '9')
            i++;
        bool real = i < len && (json[i] == '.' || json[i] == 'e' || json[i] == 'E');
        while (i < len && (json[i] == '.' || json[i] == 'e' || json[i] == 'E' || json[i] == '+' ||
                           json[i] == '-' || (json[i] >= '0' && json[i] <= '9')))
            i++;
        if (real || fits_int64(json + start, i - start))
            continue;
        gql_buf_put(&b, json + copied, i - copied);
        gql_buf_put(&b, ".0", 2);
        copied = i;
        changed = true;
    }
    if (!changed) {
        gql_buf_free(&b);
        return NULL;
    }
    gql_buf_put(&b, json + copied, len - copied);
    return gql_buf_steal(&b, out_len);
}

bool gql_val_parse_json(gql_arena *a, const char *json, size_t len, gql_val *out, const char **err)
{
    json_error_t jerr;
    json_t *j = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!j && json_error_code(&jerr) == json_error_numeric_overflow) {
        size_t wlen;
        char *widened = widen_big_integers(json, len, &wlen);
        if (widened) {
            j = json_loadb(widened, wlen, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
            free(widened);
        }
    }
    if (!j) {
        if (err)
            *err =
                gql_arena_printf(a, "%s at line %d, column %d", jerr.text, jerr.line, jerr.column);
        memset(out, 0, sizeof *out);
        return false;
    }
    from_json(a, j, out);
    json_decref(j);
    return true;
}
