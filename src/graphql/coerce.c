/* coerce.c -- input coercion as graphql-js 17 does it, see coerce.h.
 *
 * Two passes, as in graphql-js: a fast one that only answers "coerces to
 * this value" or "does not" (coerceInputValue / coerceInputLiteral), and,
 * only when that fails, a reporting pass (validateInputValue /
 * validateInputLiteral) that walks the value again and explains every
 * problem with the path inside the value. Both passes are the same
 * recursive functions here, run with and without a reporter, which keeps
 * their rules from drifting apart.
 */
#include "coerce.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ utilities */

/* A position inside a value, innermost last (linked through the C stack). */
typedef struct cpath {
    const struct cpath *prev;
    const char *key; /* NULL: index */
    size_t index;
} cpath;

static void print_path(gql_buf *b, const cpath *p)
{
    if (!p)
        return;
    print_path(b, p->prev);
    if (p->key)
        gql_buf_printf(b, ".%s", p->key);
    else
        gql_buf_printf(b, "[%zu]", p->index);
}

/* Where errors of the reporting pass go. */
typedef struct reporter {
    gql_arena *a;
    const char *prefix; /* 'Variable "$x" has invalid value' */
    gql_errors *errs;   /* variables: every error goes here */
    gql_loc loc;        /* variables: errors are located at the definition */
    size_t count;
    bool too_many;
    /* arguments: only the first error is kept (graphql-js throws it) */
    const char *first;
    gql_loc first_loc;
} reporter;

static void report(reporter *r, const cpath *path, const gql_loc *loc, const char *msg)
{
    if (r->too_many || (!r->errs && r->first))
        return;
    gql_buf b = GQL_BUF_INIT;
    gql_buf_puts(&b, r->prefix);
    if (path) {
        gql_buf_puts(&b, " at ");
        print_path(&b, path);
    }
    gql_buf_puts(&b, ": ");
    gql_buf_puts(&b, msg);
    if (r->errs) {
        if (r->count >= GQL_MAX_VARIABLE_ERRORS) {
            gql_errors_add(r->errs, NULL,
                           "Too many errors processing variables, error limit reached. "
                           "Execution aborted.");
            r->too_many = true;
        } else {
            gql_errors_add(r->errs, &r->loc, "%s", gql_buf_cstr(&b));
            r->count++;
        }
    } else {
        r->first = gql_arena_strndup(r->a, gql_buf_cstr(&b), b.len);
        if (loc)
            r->first_loc = *loc;
    }
    gql_buf_free(&b);
}

static void reportf(reporter *r, const cpath *path, const gql_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void reportf(reporter *r, const cpath *path, const gql_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = gql_arena_vprintf(r->a, fmt, ap);
    va_end(ap);
    report(r, path, loc, msg);
}

static const char *type_str(reporter *r, const gql_type *t)
{
    return gql_type_str(r->a, t);
}

/* -------------------------------------------------------------- inspect */

static void write_js_number(gql_buf *out, double d)
{
    if (isnan(d))
        gql_buf_puts(out, "NaN");
    else if (isinf(d))
        gql_buf_puts(out, d > 0 ? "Infinity" : "-Infinity");
    else
        gql_buf_json_double(out, d);
}

static void inspect_rec(const gql_val *v, gql_buf *out, int depth)
{
    switch (v->kind) {
    case GQL_VAL_FLOAT:
        write_js_number(out, v->u.f);
        return;
    case GQL_VAL_LIST:
        if (v->u.list.n == 0) {
            gql_buf_puts(out, "[]");
            return;
        }
        if (depth > 2) {
            gql_buf_puts(out, "[Array]");
            return;
        }
        gql_buf_putc(out, '[');
        for (size_t i = 0; i < v->u.list.n && i < 10; i++) {
            if (i)
                gql_buf_puts(out, ", ");
            inspect_rec(&v->u.list.items[i], out, depth + 1);
        }
        if (v->u.list.n == 11)
            gql_buf_puts(out, ", ... 1 more item");
        else if (v->u.list.n > 11)
            gql_buf_printf(out, ", ... %zu more items", v->u.list.n - 10);
        gql_buf_putc(out, ']');
        return;
    case GQL_VAL_OBJECT:
        if (v->u.obj.n == 0) {
            gql_buf_puts(out, "{}");
            return;
        }
        if (depth > 2) {
            gql_buf_puts(out, "[Object]");
            return;
        }
        gql_buf_puts(out, "{ ");
        for (size_t i = 0; i < v->u.obj.n; i++) {
            if (i)
                gql_buf_puts(out, ", ");
            gql_buf_printf(out, "%s: ", v->u.obj.keys[i]);
            inspect_rec(&v->u.obj.vals[i], out, depth + 1);
        }
        gql_buf_puts(out, " }");
        return;
    default:
        gql_val_write_json(v, out);
        return;
    }
}

void gql_val_inspect(const gql_val *v, gql_buf *out)
{
    inspect_rec(v, out, 1);
}

static const char *inspect_str(gql_arena *a, const gql_val *v)
{
    gql_buf b = GQL_BUF_INIT;
    gql_val_inspect(v, &b);
    char *s = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

static const char *print_str(gql_arena *a, const gql_value *v)
{
    gql_buf b = GQL_BUF_INIT;
    gql_print_value(v, &b);
    char *s = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

/* ---------------------------------------------------------- suggestions */

/* graphql-js LexicalDistance: case-insensitive Damerau-Levenshtein with an
 * early exit past the threshold; SIZE_MAX when too far. */
static size_t lexical_distance(const char *input, const char *option, size_t threshold)
{
    if (strcmp(input, option) == 0)
        return 0;
    if (strcasecmp(input, option) == 0)
        return 1;
    const char *a = option, *b = input;
    size_t alen = strlen(a), blen = strlen(b);
    if (alen < blen) {
        const char *t = a;
        a = b, b = t;
        size_t tl = alen;
        alen = blen, blen = tl;
    }
    if (alen - blen > threshold)
        return SIZE_MAX;
    size_t *rows = malloc(3 * (blen + 1) * sizeof *rows);
    if (!rows)
        return SIZE_MAX;
#define ROW(i) (rows + ((i) % 3) * (blen + 1))
    for (size_t j = 0; j <= blen; j++)
        ROW(0)[j] = j;
    size_t result = SIZE_MAX;
    for (size_t i = 1; i <= alen; i++) {
        size_t *up = ROW(i - 1), *cur = ROW(i);
        size_t smallest = cur[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t cell = up[j] + 1;
            if (cur[j - 1] + 1 < cell)
                cell = cur[j - 1] + 1;
            if (up[j - 1] + cost < cell)
                cell = up[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && ROW(i - 2)[j - 2] + 1 < cell)
                cell = ROW(i - 2)[j - 2] + 1;
            if (cell < smallest)
                smallest = cell;
            cur[j] = cell;
        }
        if (smallest > threshold)
            goto out;
    }
    if (ROW(alen)[blen] <= threshold)
        result = ROW(alen)[blen];
out:
#undef ROW
    free(rows);
    return result;
}

static int natural_compare(const char *a, const char *b)
{
    size_t ai = 0, bi = 0, al = strlen(a), bl = strlen(b);
    while (ai < al && bi < bl) {
        unsigned char ac = (unsigned char)a[ai], bc = (unsigned char)b[bi];
        if (isdigit(ac) && isdigit(bc)) {
            unsigned long an = 0, bn = 0;
            do {
                ++ai;
                an = an * 10 + (ac - '0');
                ac = (unsigned char)a[ai];
            } while (isdigit(ac) && an > 0);
            do {
                ++bi;
                bn = bn * 10 + (bc - '0');
                bc = (unsigned char)b[bi];
            } while (isdigit(bc) && bn > 0);
            if (an != bn)
                return an < bn ? -1 : 1;
        } else {
            if (ac != bc)
                return ac < bc ? -1 : 1;
            ++ai, ++bi;
        }
    }
    return (int)((long)al - (long)bl);
}

void gql_coerce_did_you_mean(gql_buf *out, const char *sub, const char *input,
                             const char *const *options, size_t n)
{
    size_t threshold = (size_t)floor((double)strlen(input) * 0.4) + 1;
    const char **sel = malloc((n ? n : 1) * sizeof *sel);
    size_t *dist = malloc((n ? n : 1) * sizeof *dist);
    size_t m = 0;
    if (!sel || !dist)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t d = lexical_distance(input, options[i], threshold);
        if (d == SIZE_MAX)
            continue;
        /* insertion sort: by distance, then natural order */
        size_t k = m++;
        while (k > 0 && (dist[k - 1] > d ||
                         (dist[k - 1] == d && natural_compare(sel[k - 1], options[i]) > 0))) {
            sel[k] = sel[k - 1];
            dist[k] = dist[k - 1];
            k--;
        }
        sel[k] = options[i];
        dist[k] = d;
    }
    if (m == 0)
        goto out;
    if (m > 5)
        m = 5;
    gql_buf_puts(out, " Did you mean ");
    if (sub)
        gql_buf_printf(out, "%s ", sub);
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && m > 2)
            gql_buf_puts(out, ", ");
        if (i > 0 && i == m - 1)
            gql_buf_puts(out, m > 2 ? "or " : " or ");
        gql_buf_printf(out, "\"%s\"", sel[i]);
    }
    gql_buf_putc(out, '?');
out:
    free(sel);
    free(dist);
}

static const char *enum_suggestions(gql_arena *a, const gql_type *t, const char *input)
{
    const char **names = GQL_NEWN(a, const char *, t->nvalues ? t->nvalues : 1);
    for (size_t i = 0; i < t->nvalues; i++)
        names[i] = t->values[i].name;
    gql_buf b = GQL_BUF_INIT;
    gql_coerce_did_you_mean(&b, "the enum value", input, names, t->nvalues);
    char *s = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

static const char *field_suggestions(gql_arena *a, const gql_type *t, const char *input)
{
    const char **names = GQL_NEWN(a, const char *, t->ninput_fields ? t->ninput_fields : 1);
    for (size_t i = 0; i < t->ninput_fields; i++)
        names[i] = t->input_fields[i].name;
    gql_buf b = GQL_BUF_INIT;
    gql_coerce_did_you_mean(&b, NULL, input, names, t->ninput_fields);
    char *s = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

static const char *oneof_message(gql_arena *a, const gql_type *t)
{
    return gql_arena_printf(a,
                            "Within OneOf Input Object type \"%s\", exactly one field must be "
                            "specified, and the value for that field must be non-null.",
                            t->name);
}

/* ------------------------------------------------------ leaf input values */

static bool is_integral(double d)
{
    return isfinite(d) && floor(d) == d;
}

/* JavaScript String(number) for a double. */
static const char *js_number_str(gql_arena *a, double d)
{
    gql_buf b = GQL_BUF_INIT;
    write_js_number(&b, d);
    char *s = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return s;
}

static void set_string(gql_val *out, const char *s)
{
    out->kind = GQL_VAL_STRING;
    out->u.s.ptr = s;
    out->u.s.len = strlen(s);
}

/* Scalar.coerceInputValue / Enum.coerceInputValue for an external value.
 * *msg (when msg is not NULL) gets graphql-js's error text on failure. */
static bool leaf_from_value(const gql_val *in, gql_type *t, gql_arena *a, gql_val *out,
                            const char **msg)
{
    memset(out, 0, sizeof *out);
    if (t->kind == GQL_ENUM) {
        if (in->kind != GQL_VAL_STRING) {
            if (msg) {
                const char *s = inspect_str(a, in);
                *msg = gql_arena_printf(a, "Enum \"%s\" cannot represent non-string value: %s.%s",
                                        t->name, s, enum_suggestions(a, t, s));
            }
            return false;
        }
        const gql_enum_value *ev = gql_enum_value_by_name(t, in->u.s.ptr);
        if (!ev || strlen(in->u.s.ptr) != in->u.s.len) {
            if (msg)
                *msg = gql_arena_printf(a, "Value \"%s\" does not exist in \"%s\" enum.%s",
                                        in->u.s.ptr, t->name, enum_suggestions(a, t, in->u.s.ptr));
            return false;
        }
        out->kind = GQL_VAL_ENUM;
        out->u.s.ptr = ev->name;
        out->u.s.len = strlen(ev->name);
        return true;
    }
    switch (t->builtin) {
    case GQL_SCALAR_INT:
        if (in->kind == GQL_VAL_INT && in->u.i >= INT32_MIN && in->u.i <= INT32_MAX) {
            *out = *in;
            return true;
        }
        if (in->kind == GQL_VAL_FLOAT && is_integral(in->u.f) && in->u.f >= INT32_MIN &&
            in->u.f <= INT32_MAX) {
            out->kind = GQL_VAL_INT;
            out->u.i = (int64_t)in->u.f;
            return true;
        }
        if (msg) {
            bool num =
                in->kind == GQL_VAL_INT || (in->kind == GQL_VAL_FLOAT && is_integral(in->u.f));
            *msg = gql_arena_printf(a, "Int cannot represent %s value: %s",
                                    num ? "non 32-bit signed integer" : "non-integer",
                                    inspect_str(a, in));
        }
        return false;
    case GQL_SCALAR_FLOAT:
        if (in->kind == GQL_VAL_INT || (in->kind == GQL_VAL_FLOAT && isfinite(in->u.f))) {
            out->kind = GQL_VAL_FLOAT;
            out->u.f = in->kind == GQL_VAL_INT ? (double)in->u.i : in->u.f;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "Float cannot represent non numeric value: %s",
                                    inspect_str(a, in));
        return false;
    case GQL_SCALAR_STRING:
        if (in->kind == GQL_VAL_STRING) {
            *out = *in;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "String cannot represent a non string value: %s",
                                    inspect_str(a, in));
        return false;
    case GQL_SCALAR_BOOLEAN:
        if (in->kind == GQL_VAL_BOOLEAN) {
            *out = *in;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "Boolean cannot represent a non boolean value: %s",
                                    inspect_str(a, in));
        return false;
    case GQL_SCALAR_ID:
        if (in->kind == GQL_VAL_STRING) {
            *out = *in;
            return true;
        }
        if (in->kind == GQL_VAL_INT) {
            set_string(out, gql_arena_printf(a, "%lld", (long long)in->u.i));
            return true;
        }
        if (in->kind == GQL_VAL_FLOAT && is_integral(in->u.f)) {
            set_string(out, js_number_str(a, in->u.f));
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "ID cannot represent value: %s", inspect_str(a, in));
        return false;
    case GQL_SCALAR_CUSTOM:
        break;
    }
    if (!t->scalar_ops.parse) {
        *out = *in;
        return true;
    }
    const char *err = NULL;
    if (t->scalar_ops.parse(in, out, a, &err, t->scalar_ops.data))
        return true;
    if (msg)
        *msg = err ? err
                   : gql_arena_printf(a, "Expected value of type \"%s\", found: %s.", t->name,
                                      inspect_str(a, in));
    return false;
}

/* ------------------------------------------- external values (variables) */

static bool coerce_value(reporter *r, const gql_val *in, gql_type *t, const cpath *path,
                         gql_arena *a, gql_val *out);

static bool coerce_input_object(reporter *r, const gql_val *in, gql_type *t, const cpath *path,
                                gql_arena *a, gql_val *out)
{
    if (in->kind != GQL_VAL_OBJECT) {
        if (r)
            reportf(r, path, NULL, "Expected value of type \"%s\" to be an object, found: %s.",
                    t->name, inspect_str(a, in));
        return false;
    }
    bool ok = true;
    /* Unknown fields first in the fast pass (graphql-js's coercion order);
     * the reporting pass reports them after the known fields. */
    for (size_t i = 0; i < in->u.obj.n && !r; i++)
        if (!gql_input_field(t, in->u.obj.keys[i]))
            return false;
    out->kind = GQL_VAL_OBJECT;
    out->u.obj.keys = GQL_NEWN(a, const char *, t->ninput_fields ? t->ninput_fields : 1);
    out->u.obj.vals = GQL_NEWN(a, gql_val, t->ninput_fields ? t->ninput_fields : 1);
    out->u.obj.n = 0;
    for (size_t i = 0; i < t->ninput_fields; i++) {
        const gql_input_value *f = &t->input_fields[i];
        const gql_val *fv = gql_val_get(in, f->name);
        gql_val *dst = &out->u.obj.vals[out->u.obj.n];
        if (!fv) {
            if (gql_is_required_input(f)) {
                if (!r)
                    return false;
                reportf(
                    r, path, NULL,
                    "Expected value of type \"%s\" to include required field \"%s\", found: %s.",
                    t->name, f->name, inspect_str(a, in));
                ok = false;
            } else if (f->default_value &&
                       gql_coerce_literal(f->default_value, f->type, NULL, a, dst)) {
                dst->defaulted = true;
                out->u.obj.keys[out->u.obj.n++] = f->name;
            }
            continue;
        }
        cpath sub = {path, f->name, 0};
        if (!coerce_value(r, fv, f->type, &sub, a, dst)) {
            if (!r)
                return false;
            ok = false;
            continue;
        }
        dst->defaulted = false;
        out->u.obj.keys[out->u.obj.n++] = f->name;
    }
    size_t known = 0;
    const char *first_known = NULL;
    for (size_t i = 0; i < in->u.obj.n; i++) {
        if (gql_input_field(t, in->u.obj.keys[i])) {
            if (!known++)
                first_known = in->u.obj.keys[i];
            continue;
        }
        const char *sugg = field_suggestions(a, t, in->u.obj.keys[i]);
        reportf(r, path, NULL,
                "Expected value of type \"%s\" not to include unknown field \"%s\"%s%s%s: %s.",
                t->name, in->u.obj.keys[i], *sugg ? "." : "", sugg, *sugg ? " Found" : ", found",
                inspect_str(a, in));
        ok = false;
    }
    if (t->one_of) {
        if (known != 1 || out->u.obj.n != 1 || out->u.obj.vals[0].kind == GQL_VAL_NULL) {
            if (!r)
                return false;
            if (known != 1)
                report(r, path, NULL, oneof_message(a, t));
            const gql_val *v0 = first_known ? gql_val_get(in, first_known) : NULL;
            if (v0 && v0->kind == GQL_VAL_NULL) {
                cpath sub = {path, first_known, 0};
                report(r, &sub, NULL, oneof_message(a, t));
            }
            ok = false;
        }
    }
    return ok;
}

static bool coerce_value(reporter *r, const gql_val *in, gql_type *t, const cpath *path,
                         gql_arena *a, gql_val *out)
{
    memset(out, 0, sizeof *out);
    if (t->kind == GQL_NON_NULL) {
        if (!in || in->kind == GQL_VAL_NULL) {
            if (r) {
                if (!in)
                    reportf(r, path, NULL,
                            "Expected a value of non-null type \"%s\" to be provided.",
                            type_str(r, t));
                else
                    reportf(r, path, NULL, "Expected value of non-null type \"%s\" not to be null.",
                            type_str(r, t));
            }
            return false;
        }
        return coerce_value(r, in, t->of_type, path, a, out);
    }
    if (!in || in->kind == GQL_VAL_NULL) {
        out->kind = GQL_VAL_NULL;
        return true;
    }
    if (t->kind == GQL_LIST) {
        if (in->kind != GQL_VAL_LIST) {
            gql_val item;
            if (!coerce_value(r, in, t->of_type, path, a, &item))
                return false;
            out->kind = GQL_VAL_LIST;
            out->u.list.items = GQL_NEW(a, gql_val);
            out->u.list.items[0] = item;
            out->u.list.n = 1;
            return true;
        }
        bool ok = true;
        out->kind = GQL_VAL_LIST;
        out->u.list.n = in->u.list.n;
        out->u.list.items = GQL_NEWN(a, gql_val, in->u.list.n ? in->u.list.n : 1);
        for (size_t i = 0; i < in->u.list.n; i++) {
            cpath sub = {path, NULL, i};
            if (!coerce_value(r, &in->u.list.items[i], t->of_type, &sub, a,
                              &out->u.list.items[i])) {
                if (!r)
                    return false;
                ok = false;
            }
        }
        return ok;
    }
    if (t->kind == GQL_INPUT_OBJECT)
        return coerce_input_object(r, in, t, path, a, out);
    const char *msg = NULL;
    if (leaf_from_value(in, t, a, out, r ? &msg : NULL))
        return true;
    if (r)
        report(r, path, NULL, msg);
    return false;
}

bool gql_coerce_input_value(const gql_val *in, gql_type *t, gql_arena *a, gql_val *out)
{
    return coerce_value(NULL, in, t, NULL, a, out);
}

/* -------------------------------------------------------------- literals */

static const gql_val *variable(const gql_val *vars, const char *name)
{
    return gql_val_get(vars, name);
}

void gql_value_untyped(const gql_value *v, const gql_val *vars, gql_arena *a, gql_val *out)
{
    memset(out, 0, sizeof *out);
    switch (v->kind) {
    case GQL_VALUE_NULL:
        out->kind = GQL_VAL_NULL;
        break;
    case GQL_VALUE_INT: {
        errno = 0;
        long long i = strtoll(v->u.str, NULL, 10);
        if (errno == ERANGE) {
            out->kind = GQL_VAL_FLOAT;
            out->u.f = strtod(v->u.str, NULL);
        } else {
            out->kind = GQL_VAL_INT;
            out->u.i = i;
        }
        break;
    }
    case GQL_VALUE_FLOAT:
        out->kind = GQL_VAL_FLOAT;
        out->u.f = strtod(v->u.str, NULL);
        break;
    case GQL_VALUE_STRING:
    case GQL_VALUE_ENUM:
        out->kind = GQL_VAL_STRING;
        out->u.s.ptr = v->u.str;
        out->u.s.len = v->kind == GQL_VALUE_STRING ? v->len : strlen(v->u.name);
        break;
    case GQL_VALUE_BOOLEAN:
        out->kind = GQL_VAL_BOOLEAN;
        out->u.b = v->u.boolean;
        break;
    case GQL_VALUE_LIST:
        out->kind = GQL_VAL_LIST;
        out->u.list.n = v->u.list.n;
        out->u.list.items = GQL_NEWN(a, gql_val, v->u.list.n ? v->u.list.n : 1);
        for (size_t i = 0; i < v->u.list.n; i++)
            gql_value_untyped(v->u.list.items[i], vars, a, &out->u.list.items[i]);
        break;
    case GQL_VALUE_OBJECT: {
        size_t n = v->u.object.n;
        out->kind = GQL_VAL_OBJECT;
        out->u.obj.keys = GQL_NEWN(a, const char *, n ? n : 1);
        out->u.obj.vals = GQL_NEWN(a, gql_val, n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            const gql_object_field *f = &v->u.object.fields[i];
            /* an absent variable leaves the key out, as undefined would */
            if (f->value->kind == GQL_VALUE_VARIABLE && !variable(vars, f->value->u.name))
                continue;
            out->u.obj.keys[out->u.obj.n] = f->name;
            gql_value_untyped(f->value, vars, a, &out->u.obj.vals[out->u.obj.n++]);
        }
        break;
    }
    case GQL_VALUE_VARIABLE: {
        const gql_val *val = variable(vars, v->u.name);
        if (val)
            *out = *val;
        else
            out->kind = GQL_VAL_NULL;
        break;
    }
    }
}

static bool leaf_from_literal(const gql_value *v, gql_type *t, const gql_val *vars, gql_arena *a,
                              gql_val *out, const char **msg)
{
    memset(out, 0, sizeof *out);
    if (t->kind == GQL_ENUM) {
        if (v->kind != GQL_VALUE_ENUM) {
            if (msg) {
                const char *s = print_str(a, v);
                *msg = gql_arena_printf(a, "Enum \"%s\" cannot represent non-enum value: %s.%s",
                                        t->name, s, enum_suggestions(a, t, s));
            }
            return false;
        }
        const gql_enum_value *ev = gql_enum_value_by_name(t, v->u.name);
        if (!ev) {
            if (msg)
                *msg = gql_arena_printf(a, "Value \"%s\" does not exist in \"%s\" enum.%s",
                                        v->u.name, t->name, enum_suggestions(a, t, v->u.name));
            return false;
        }
        out->kind = GQL_VAL_ENUM;
        out->u.s.ptr = ev->name;
        out->u.s.len = strlen(ev->name);
        return true;
    }
    switch (t->builtin) {
    case GQL_SCALAR_INT:
        if (v->kind == GQL_VALUE_INT) {
            errno = 0;
            long long i = strtoll(v->u.str, NULL, 10);
            if (errno != ERANGE && i >= INT32_MIN && i <= INT32_MAX) {
                out->kind = GQL_VAL_INT;
                out->u.i = i;
                return true;
            }
            if (msg)
                *msg = gql_arena_printf(
                    a, "Int cannot represent non 32-bit signed integer value: %s", v->u.str);
            return false;
        }
        if (msg)
            *msg =
                gql_arena_printf(a, "Int cannot represent non-integer value: %s", print_str(a, v));
        return false;
    case GQL_SCALAR_FLOAT:
        if (v->kind == GQL_VALUE_INT || v->kind == GQL_VALUE_FLOAT) {
            out->kind = GQL_VAL_FLOAT;
            out->u.f = strtod(v->u.str, NULL);
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "Float cannot represent non numeric value: %s",
                                    print_str(a, v));
        return false;
    case GQL_SCALAR_STRING:
        if (v->kind == GQL_VALUE_STRING) {
            out->kind = GQL_VAL_STRING;
            out->u.s.ptr = v->u.str;
            out->u.s.len = v->len;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "String cannot represent a non string value: %s",
                                    print_str(a, v));
        return false;
    case GQL_SCALAR_BOOLEAN:
        if (v->kind == GQL_VALUE_BOOLEAN) {
            out->kind = GQL_VAL_BOOLEAN;
            out->u.b = v->u.boolean;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "Boolean cannot represent a non boolean value: %s",
                                    print_str(a, v));
        return false;
    case GQL_SCALAR_ID:
        if (v->kind == GQL_VALUE_STRING || v->kind == GQL_VALUE_INT) {
            out->kind = GQL_VAL_STRING;
            out->u.s.ptr = v->u.str;
            out->u.s.len = v->len;
            return true;
        }
        if (msg)
            *msg = gql_arena_printf(a, "ID cannot represent a non-string and non-integer value: %s",
                                    print_str(a, v));
        return false;
    case GQL_SCALAR_CUSTOM:
        break;
    }
    gql_val plain;
    gql_value_untyped(v, vars, a, &plain);
    if (!t->scalar_ops.parse) {
        *out = plain;
        return true;
    }
    const char *err = NULL;
    if (t->scalar_ops.parse(&plain, out, a, &err, t->scalar_ops.data))
        return true;
    if (msg)
        *msg = err ? err
                   : gql_arena_printf(a, "Expected value of type \"%s\", found: %s.", t->name,
                                      print_str(a, v));
    return false;
}

/* coerceInputLiteral (r == NULL) and validateInputLiteral (r != NULL).
 * `has_vars` false is graphql-js's "static" mode (defaults in the schema):
 * variables are not looked at. */
static bool coerce_literal(reporter *r, const gql_value *v, gql_type *t, const gql_val *vars,
                           const cpath *path, gql_arena *a, gql_val *out);

static bool literal_input_object(reporter *r, const gql_value *v, gql_type *t, const gql_val *vars,
                                 const cpath *path, gql_arena *a, gql_val *out)
{
    if (v->kind != GQL_VALUE_OBJECT) {
        if (r)
            reportf(r, path, &v->loc, "Expected value of type \"%s\" to be an object, found: %s.",
                    t->name, print_str(a, v));
        return false;
    }
    size_t nf = v->u.object.n;
    if (!r)
        for (size_t i = 0; i < nf; i++)
            if (!gql_input_field(t, v->u.object.fields[i].name))
                return false;
    bool ok = true;
    out->kind = GQL_VAL_OBJECT;
    out->u.obj.keys = GQL_NEWN(a, const char *, t->ninput_fields ? t->ninput_fields : 1);
    out->u.obj.vals = GQL_NEWN(a, gql_val, t->ninput_fields ? t->ninput_fields : 1);
    out->u.obj.n = 0;
    for (size_t i = 0; i < t->ninput_fields; i++) {
        const gql_input_value *f = &t->input_fields[i];
        const gql_object_field *node = NULL;
        for (size_t j = 0; j < nf; j++)
            if (strcmp(v->u.object.fields[j].name, f->name) == 0) {
                node = &v->u.object.fields[j];
                break;
            }
        bool missing_var =
            node && node->value->kind == GQL_VALUE_VARIABLE && !variable(vars, node->value->u.name);
        if (node && missing_var && r && vars && t->one_of) {
            reportf(r, path, &v->loc,
                    "Expected variable \"$%s\" provided to field \"%s\" for OneOf Input Object "
                    "type \"%s\" to provide a runtime value.",
                    node->value->u.name, f->name, t->name);
            ok = false;
            continue;
        }
        if (!node || missing_var) {
            if (gql_is_required_input(f)) {
                if (!r)
                    return false;
                if (!node)
                    reportf(r, path, &v->loc,
                            "Expected value of type \"%s\" to include required field \"%s\", "
                            "found: %s.",
                            t->name, f->name, print_str(a, v));
                else
                    coerce_literal(r, node->value, f->type, vars, &(cpath){path, f->name, 0}, a,
                                   &out->u.obj.vals[out->u.obj.n]);
                ok = false;
            } else if (f->default_value && gql_coerce_literal(f->default_value, f->type, NULL, a,
                                                              &out->u.obj.vals[out->u.obj.n])) {
                out->u.obj.vals[out->u.obj.n].defaulted = true;
                out->u.obj.keys[out->u.obj.n++] = f->name;
            }
            continue;
        }
        if (r && vars && t->one_of && node->value->kind == GQL_VALUE_VARIABLE) {
            const gql_val *vv = variable(vars, node->value->u.name);
            if (vv && vv->kind == GQL_VAL_NULL) {
                reportf(r, path, &v->loc,
                        "Expected variable \"$%s\" provided to field \"%s\" for OneOf Input "
                        "Object type \"%s\" not to be null.",
                        node->value->u.name, f->name, t->name);
                ok = false;
            }
        }
        cpath sub = {path, f->name, 0};
        if (!coerce_literal(r, node->value, f->type, vars, &sub, a,
                            &out->u.obj.vals[out->u.obj.n])) {
            if (!r)
                return false;
            ok = false;
            continue;
        }
        out->u.obj.vals[out->u.obj.n].defaulted = false;
        out->u.obj.keys[out->u.obj.n++] = f->name;
    }
    size_t known = 0;
    const gql_object_field *first_known = NULL;
    for (size_t i = 0; i < nf; i++) {
        const gql_object_field *fn = &v->u.object.fields[i];
        if (gql_input_field(t, fn->name)) {
            if (!known++)
                first_known = fn;
            continue;
        }
        const char *sugg = field_suggestions(a, t, fn->name);
        reportf(r, path, &fn->loc,
                "Expected value of type \"%s\" not to include unknown field \"%s\"%s%s%s: %s.",
                t->name, fn->name, *sugg ? "." : "", sugg, *sugg ? " Found" : ", found",
                print_str(a, v));
        ok = false;
    }
    if (t->one_of) {
        if (known != 1 || out->u.obj.n != 1 || out->u.obj.vals[0].kind == GQL_VAL_NULL) {
            if (!r)
                return false;
            if (known != 1) {
                report(r, path, &v->loc, oneof_message(a, t));
            } else if (first_known->value->kind == GQL_VALUE_NULL) {
                cpath sub = {path, first_known->name, 0};
                report(r, &sub, &v->loc, oneof_message(a, t));
            }
            ok = false;
        }
    }
    return ok;
}

static bool coerce_literal(reporter *r, const gql_value *v, gql_type *t, const gql_val *vars,
                           const cpath *path, gql_arena *a, gql_val *out)
{
    memset(out, 0, sizeof *out);
    if (v->kind == GQL_VALUE_VARIABLE) {
        const gql_val *val = variable(vars, v->u.name);
        bool nonnull = t->kind == GQL_NON_NULL;
        if ((!val || val->kind == GQL_VAL_NULL) && nonnull) {
            if (r && vars) {
                if (!val)
                    reportf(r, path, &v->loc,
                            "Expected variable \"$%s\" provided to type \"%s\" to provide a "
                            "runtime value.",
                            v->u.name, type_str(r, t));
                else
                    reportf(r, path, &v->loc,
                            "Expected variable \"$%s\" provided to non-null type \"%s\" not to "
                            "be null.",
                            v->u.name, type_str(r, t));
            }
            return false;
        }
        if (!val)
            return false;
        *out = *val;
        return true;
    }
    if (t->kind == GQL_NON_NULL) {
        if (v->kind == GQL_VALUE_NULL) {
            if (r)
                reportf(r, path, &v->loc, "Expected value of non-null type \"%s\" not to be null.",
                        type_str(r, t));
            return false;
        }
        return coerce_literal(r, v, t->of_type, vars, path, a, out);
    }
    if (v->kind == GQL_VALUE_NULL) {
        out->kind = GQL_VAL_NULL;
        return true;
    }
    if (t->kind == GQL_LIST) {
        if (v->kind != GQL_VALUE_LIST) {
            gql_val item;
            if (!coerce_literal(r, v, t->of_type, vars, path, a, &item))
                return false;
            out->kind = GQL_VAL_LIST;
            out->u.list.items = GQL_NEW(a, gql_val);
            out->u.list.items[0] = item;
            out->u.list.n = 1;
            return true;
        }
        bool ok = true;
        size_t n = v->u.list.n;
        out->kind = GQL_VAL_LIST;
        out->u.list.n = n;
        out->u.list.items = GQL_NEWN(a, gql_val, n ? n : 1);
        for (size_t i = 0; i < n; i++) {
            const gql_value *item = v->u.list.items[i];
            cpath sub = {path, NULL, i};
            if (coerce_literal(r, item, t->of_type, vars, &sub, a, &out->u.list.items[i]))
                continue;
            const gql_val *vv =
                item->kind == GQL_VALUE_VARIABLE ? variable(vars, item->u.name) : NULL;
            if (item->kind == GQL_VALUE_VARIABLE && (!vv || vv->kind == GQL_VAL_NULL) &&
                t->of_type->kind != GQL_NON_NULL) {
                out->u.list.items[i].kind = GQL_VAL_NULL;
                continue;
            }
            if (!r)
                return false;
            ok = false;
        }
        return ok;
    }
    if (t->kind == GQL_INPUT_OBJECT)
        return literal_input_object(r, v, t, vars, path, a, out);
    const char *msg = NULL;
    if (leaf_from_literal(v, t, vars, a, out, r ? &msg : NULL))
        return true;
    if (r)
        report(r, path, &v->loc, msg);
    return false;
}

bool gql_coerce_literal(const gql_value *v, gql_type *t, const gql_val *vars, gql_arena *a,
                        gql_val *out)
{
    return coerce_literal(NULL, v, t, vars, NULL, a, out);
}

/* ------------------------------------------------------------- variables */

static void print_type_ref(gql_buf *b, const gql_type_ref *ref)
{
    switch (ref->kind) {
    case GQL_TYPE_REF_NAMED:
        gql_buf_puts(b, ref->name);
        break;
    case GQL_TYPE_REF_LIST:
        gql_buf_putc(b, '[');
        print_type_ref(b, ref->of);
        gql_buf_putc(b, ']');
        break;
    case GQL_TYPE_REF_NON_NULL:
        print_type_ref(b, ref->of);
        gql_buf_putc(b, '!');
        break;
    }
}

bool gql_coerce_variables(const gql_schema *s, const gql_operation_def *op, const gql_val *inputs,
                          gql_arena *a, gql_errors *errs, gql_val *out)
{
    size_t n = op->nvars;
    size_t errs_before = errs->n;
    memset(out, 0, sizeof *out);
    out->kind = GQL_VAL_OBJECT;
    out->u.obj.keys = GQL_NEWN(a, const char *, n ? n : 1);
    out->u.obj.vals = GQL_NEWN(a, gql_val, n ? n : 1);
    reporter rep = {.a = a, .errs = errs};
    for (size_t i = 0; i < n && !rep.too_many; i++) {
        const gql_variable_def *vd = &op->vars[i];
        gql_type *t = gql_type_ref_resolve(s, vd->type, a);
        if (!t || !gql_is_input_type(t)) {
            gql_buf b = GQL_BUF_INIT;
            print_type_ref(&b, vd->type);
            const char *written = gql_arena_strndup(a, gql_buf_cstr(&b), b.len);
            gql_buf_free(&b);
            if (rep.count >= GQL_MAX_VARIABLE_ERRORS) {
                report(&rep, NULL, NULL, "");
                break;
            }
            gql_errors_add(errs, &vd->type->loc,
                           "Variable \"$%s\" expected value of type \"%s\" which cannot be used as "
                           "an input type.",
                           vd->name, written);
            rep.count++;
            continue;
        }
        const gql_val *value = gql_val_get(inputs, vd->name);
        gql_val *dst = &out->u.obj.vals[out->u.obj.n];
        if (!value) {
            if (vd->default_value) {
                if (gql_coerce_literal(vd->default_value, t, NULL, a, dst))
                    out->u.obj.keys[out->u.obj.n++] = vd->name;
                continue;
            }
            if (t->kind != GQL_NON_NULL)
                continue;
        }
        if (coerce_value(NULL, value, t, NULL, a, dst)) {
            out->u.obj.keys[out->u.obj.n++] = vd->name;
            continue;
        }
        rep.prefix = gql_arena_printf(a, "Variable \"$%s\" has invalid value", vd->name);
        rep.loc = vd->loc;
        coerce_value(&rep, value, t, NULL, a, dst);
    }
    return errs->n == errs_before;
}

/* ------------------------------------------------------------- arguments */

bool gql_coerce_arguments(const gql_schema *s, const char *owner, const gql_input_value *defs,
                          size_t ndefs, const gql_argument *args, size_t nargs,
                          const gql_loc *node_loc, const gql_val *vars, gql_arena *a, gql_val *out,
                          const char **err, gql_loc *err_loc)
{
    (void)s;
    memset(out, 0, sizeof *out);
    out->kind = GQL_VAL_OBJECT;
    if (ndefs == 0)
        return true;
    out->u.obj.keys = GQL_NEWN(a, const char *, ndefs);
    out->u.obj.vals = GQL_NEWN(a, gql_val, ndefs);
    for (size_t i = 0; i < ndefs; i++) {
        const gql_input_value *d = &defs[i];
        const gql_argument *node = NULL;
        for (size_t j = 0; j < nargs; j++)
            if (strcmp(args[j].name, d->name) == 0) {
                node = &args[j];
                break;
            }
        gql_val *dst = &out->u.obj.vals[out->u.obj.n];
        bool use_default = !node;
        if (!node && gql_is_required_input(d)) {
            *err = gql_arena_printf(
                a, "Argument \"%s(%s:)\" of required type \"%s\" was not provided.", owner, d->name,
                gql_type_str(a, d->type));
            *err_loc = node_loc ? *node_loc : (gql_loc){0, 0, 0};
            return false;
        }
        if (node && node->value->kind == GQL_VALUE_VARIABLE &&
            !variable(vars, node->value->u.name) && !gql_is_required_input(d))
            use_default = true;
        if (use_default) {
            if (d->default_value && gql_coerce_literal(d->default_value, d->type, NULL, a, dst)) {
                dst->defaulted = true;
                out->u.obj.keys[out->u.obj.n++] = d->name;
            }
            continue;
        }
        if (coerce_literal(NULL, node->value, d->type, vars, NULL, a, dst)) {
            dst->defaulted = false;
            out->u.obj.keys[out->u.obj.n++] = d->name;
            continue;
        }
        reporter rep = {.a = a};
        rep.prefix = gql_arena_printf(a, "Argument \"%s(%s:)\" has invalid value", owner, d->name);
        coerce_literal(&rep, node->value, d->type, vars ? vars : &(gql_val){.kind = GQL_VAL_OBJECT},
                       NULL, a, dst);
        *err = rep.first
                   ? rep.first
                   : gql_arena_printf(a, "Argument \"%s(%s:)\" has invalid value.", owner, d->name);
        *err_loc = rep.first ? rep.first_loc : node->value->loc;
        return false;
    }
    return true;
}
