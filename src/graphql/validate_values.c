/* validate_values.c -- ValuesOfCorrectType and "Did you mean" suggestions.
 *
 * gql_v_check_literal() is graphql-js's validateInputLiteral() with no
 * variable values (validation is static): it checks a whole literal against
 * an input type and reports every problem in graphql-js's order -- input
 * object fields in definition order first, then unknown fields, then the
 * @oneOf rule. Built-in scalars accept exactly what graphql-js's
 * coerceInputLiteral accepts; custom scalars accept any literal, as schemas
 * built from SDL do in graphql-js.
 *
 * The suggestion list is graphql-js's suggestionList(): options within a
 * lexical (Damerau-Levenshtein, case-insensitive) distance of 40% of the
 * input's length, sorted by distance and then by naturalCompare.
 */
#include "validate_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ suggestions */

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* jsutils/naturalCompare.js, on bytes (names are ASCII). */
int gql_v_natural_compare(const char *a, const char *b)
{
    size_t ai = 0, bi = 0, alen = strlen(a), blen = strlen(b);
    while (ai < alen && bi < blen) {
        int ac = (unsigned char)a[ai], bc = (unsigned char)b[bi];
        if (is_digit(ac) && is_digit(bc)) {
            double an = 0, bn = 0;
            do {
                ++ai;
                an = an * 10 + (ac - '0');
                ac = ai < alen ? (unsigned char)a[ai] : -1;
            } while (is_digit(ac) && an > 0);
            do {
                ++bi;
                bn = bn * 10 + (bc - '0');
                bc = bi < blen ? (unsigned char)b[bi] : -1;
            } while (is_digit(bc) && bn > 0);
            if (an < bn)
                return -1;
            if (an > bn)
                return 1;
        } else {
            if (ac < bc)
                return -1;
            if (ac > bc)
                return 1;
            ++ai;
            ++bi;
        }
    }
    long d = (long)alen - (long)blen;
    return d < 0 ? -1 : d > 0 ? 1 : 0;
}

static char *lower_dup(gql_vctx *c, const char *s)
{
    char *r = gql_arena_strdup(&c->a, s);
    for (char *p = r; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return r;
}

/* LexicalDistance.measure(): -1 when further than threshold. */
static long lexical_distance(gql_vctx *c, const char *input, const char *input_lower,
                             const char *option, long threshold)
{
    if (strcmp(input, option) == 0)
        return 0;
    const char *opt_lower = lower_dup(c, option);
    if (strcmp(input_lower, opt_lower) == 0)
        return 1;
    const char *a = opt_lower, *b = input_lower;
    size_t alen = strlen(a), blen = strlen(b);
    if (alen < blen) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = alen;
        alen = blen;
        blen = tl;
    }
    if ((long)(alen - blen) > threshold)
        return -1;
    long *rows[3];
    for (int r = 0; r < 3; r++)
        rows[r] = gql_arena_alloc(&c->a, (blen + 1) * sizeof(long));
    for (size_t j = 0; j <= blen; j++)
        rows[0][j] = (long)j;
    for (size_t i = 1; i <= alen; i++) {
        long *up = rows[(i - 1) % 3], *cur = rows[i % 3];
        long smallest = cur[0] = (long)i;
        for (size_t j = 1; j <= blen; j++) {
            long cost = a[i - 1] == b[j - 1] ? 0 : 1;
            long cell = up[j] + 1;
            if (cur[j - 1] + 1 < cell)
                cell = cur[j - 1] + 1;
            if (up[j - 1] + cost < cell)
                cell = up[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                long dd = rows[(i - 2) % 3][j - 2] + 1;
                if (dd < cell)
                    cell = dd;
            }
            if (cell < smallest)
                smallest = cell;
            cur[j] = cell;
        }
        if (smallest > threshold)
            return -1;
    }
    long d = rows[alen % 3][blen];
    return d <= threshold ? d : -1;
}

size_t gql_v_suggestion_list(gql_vctx *c, const char *input, const char **options, size_t n,
                             const char ***out)
{
    const char **names = GQL_NEWN(&c->a, const char *, n ? n : 1);
    long *dist = GQL_NEWN(&c->a, long, n ? n : 1);
    size_t m = 0;
    long threshold = (long)(strlen(input) * 4 / 10) + 1;
    const char *input_lower = lower_dup(c, input);
    for (size_t i = 0; i < n; i++) {
        long d = lexical_distance(c, input, input_lower, options[i], threshold);
        if (d < 0)
            continue;
        /* Options are object keys in graphql-js: a repeated option keeps its
         * first position. */
        bool dup = false;
        for (size_t k = 0; k < m && !dup; k++)
            dup = strcmp(names[k], options[i]) == 0;
        if (dup)
            continue;
        /* Stable insertion sort by (distance, naturalCompare). */
        size_t pos = m;
        while (pos > 0) {
            long dd = dist[pos - 1] - d;
            int cmp =
                dd != 0 ? (dd > 0 ? 1 : -1) : gql_v_natural_compare(names[pos - 1], options[i]);
            if (cmp <= 0)
                break;
            names[pos] = names[pos - 1];
            dist[pos] = dist[pos - 1];
            pos--;
        }
        names[pos] = options[i];
        dist[pos] = d;
        m++;
    }
    *out = names;
    return m;
}

const char *gql_v_did_you_mean(gql_vctx *c, const char *sub, const char **sugg, size_t n)
{
    if (n == 0)
        return "";
    if (n > 5)
        n = 5;
    gql_buf b = GQL_BUF_INIT;
    gql_buf_puts(&b, " Did you mean ");
    if (sub) {
        gql_buf_puts(&b, sub);
        gql_buf_putc(&b, ' ');
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            gql_buf_puts(&b, n == 2 ? " " : ", ");
        if (i == n - 1 && n > 1)
            gql_buf_puts(&b, "or ");
        gql_buf_printf(&b, "\"%s\"", sugg[i]);
    }
    gql_buf_putc(&b, '?');
    const char *r = gql_arena_strdup(&c->a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return r;
}

/* ------------------------------------------------------- literal checking */

/* graphql-js hands built-in scalars and enums the literal with variables
 * replaced by their values; validation has none, so a variable in a list
 * becomes null and an object field holding one disappears. Error messages
 * print that literal. */
static const gql_value *replace_variables(gql_vctx *c, const gql_value *v)
{
    if (v->kind == GQL_VALUE_VARIABLE) {
        gql_value *n = GQL_NEW(&c->a, gql_value);
        n->kind = GQL_VALUE_NULL;
        n->loc = v->loc;
        return n;
    }
    if (v->kind != GQL_VALUE_LIST && v->kind != GQL_VALUE_OBJECT)
        return v;
    gql_value *n = GQL_NEW(&c->a, gql_value);
    *n = *v;
    if (v->kind == GQL_VALUE_LIST) {
        n->u.list.items = GQL_NEWN(&c->a, gql_value *, v->u.list.n + 1);
        for (size_t i = 0; i < v->u.list.n; i++)
            n->u.list.items[i] = (gql_value *)replace_variables(c, v->u.list.items[i]);
    } else {
        n->u.object.fields = GQL_NEWN(&c->a, gql_object_field, v->u.object.n + 1);
        n->u.object.n = 0;
        for (size_t i = 0; i < v->u.object.n; i++) {
            const gql_object_field *f = &v->u.object.fields[i];
            if (f->value->kind == GQL_VALUE_VARIABLE)
                continue;
            gql_object_field *nf = &n->u.object.fields[n->u.object.n++];
            *nf = *f;
            nf->value = (gql_value *)replace_variables(c, f->value);
        }
    }
    return n;
}

static void report_at(gql_vctx *c, const gql_loc *loc, const char *msg)
{
    gql_v_report(c, loc, 1, "%s", msg);
}

/* Int: a 32-bit signed integer literal. */
static bool int_literal_in_range(const gql_value *v)
{
    const char *s = v->u.str;
    size_t len = v->len;
    bool neg = len > 0 && s[0] == '-';
    size_t i = neg ? 1 : 0;
    while (i < len - 1 && s[i] == '0')
        i++;
    if (len - i > 10)
        return false;
    long long x = strtoll(s, NULL, 10);
    return x >= -2147483648LL && x <= 2147483647LL;
}

static void check_enum(gql_vctx *c, const gql_value *v, const gql_type *t)
{
    const char *fmt;
    const char *str = gql_v_print_value(c, replace_variables(c, v));
    if (v->kind != GQL_VALUE_ENUM)
        fmt = "Enum \"%s\" cannot represent non-enum value: %s.%s";
    else if (gql_enum_value_by_name(t, v->u.name))
        return;
    else
        fmt = "Value \"%2$s\" does not exist in \"%1$s\" enum.%3$s";
    const char **names = GQL_NEWN(&c->a, const char *, t->nvalues ? t->nvalues : 1);
    for (size_t i = 0; i < t->nvalues; i++)
        names[i] = t->values[i].name;
    const char **sugg;
    size_t ns = gql_v_suggestion_list(c, str, names, t->nvalues, &sugg);
    const char *dym = gql_v_did_you_mean(c, "the enum value", sugg, ns);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const char *msg = gql_arena_printf(&c->a, fmt, t->name, str, dym);
#pragma GCC diagnostic pop
    report_at(c, &v->loc, msg);
}

static void check_scalar(gql_vctx *c, const gql_value *v, const gql_type *t)
{
    const char *what = NULL;
    switch (t->builtin) {
    case GQL_SCALAR_INT:
        if (v->kind != GQL_VALUE_INT)
            what = "Int cannot represent non-integer value: ";
        else if (!int_literal_in_range(v)) {
            gql_v_report(c, &v->loc, 1,
                         "Int cannot represent non 32-bit signed integer value: %.*s", (int)v->len,
                         v->u.str);
            return;
        }
        break;
    case GQL_SCALAR_FLOAT:
        if (v->kind != GQL_VALUE_INT && v->kind != GQL_VALUE_FLOAT)
            what = "Float cannot represent non numeric value: ";
        break;
    case GQL_SCALAR_STRING:
        if (v->kind != GQL_VALUE_STRING)
            what = "String cannot represent a non string value: ";
        break;
    case GQL_SCALAR_BOOLEAN:
        if (v->kind != GQL_VALUE_BOOLEAN)
            what = "Boolean cannot represent a non boolean value: ";
        break;
    case GQL_SCALAR_ID:
        if (v->kind != GQL_VALUE_STRING && v->kind != GQL_VALUE_INT)
            what = "ID cannot represent a non-string and non-integer value: ";
        break;
    case GQL_SCALAR_CUSTOM:
        break;
    }
    if (what)
        gql_v_report(c, &v->loc, 1, "%s%s", what, gql_v_print_value(c, replace_variables(c, v)));
}

static const gql_object_field *find_object_field(const gql_value *v, const char *name)
{
    const gql_object_field *r = NULL; /* keyMap: the last one wins */
    for (size_t i = 0; i < v->u.object.n; i++)
        if (strcmp(v->u.object.fields[i].name, name) == 0)
            r = &v->u.object.fields[i];
    return r;
}

static void check_input_object(gql_vctx *c, const gql_value *v, const gql_type *t)
{
    if (v->kind != GQL_VALUE_OBJECT) {
        gql_v_report(c, &v->loc, 1, "Expected value of type \"%s\" to be an object, found: %s.",
                     t->name, gql_v_print_value(c, v));
        return;
    }
    for (size_t i = 0; i < t->ninput_fields; i++) {
        const gql_input_value *f = &t->input_fields[i];
        const gql_object_field *node = find_object_field(v, f->name);
        if (!node) {
            if (gql_is_required_input(f))
                gql_v_report(c, &v->loc, 1,
                             "Expected value of type \"%s\" to include required field \"%s\", "
                             "found: %s.",
                             t->name, f->name, gql_v_print_value(c, v));
        } else {
            gql_v_check_literal(c, node->value, f->type);
        }
    }
    const gql_object_field *known = NULL;
    size_t nknown = 0;
    for (size_t i = 0; i < v->u.object.n; i++) {
        const gql_object_field *node = &v->u.object.fields[i];
        if (gql_input_field(t, node->name)) {
            if (!known)
                known = node;
            nknown++;
            continue;
        }
        const char **names = GQL_NEWN(&c->a, const char *, t->ninput_fields + 1);
        for (size_t k = 0; k < t->ninput_fields; k++)
            names[k] = t->input_fields[k].name;
        const char **sugg;
        size_t ns = gql_v_suggestion_list(c, node->name, names, t->ninput_fields, &sugg);
        const char *dym = gql_v_did_you_mean(c, NULL, sugg, ns);
        gql_v_report(c, &node->loc, 1,
                     "Expected value of type \"%s\" not to include unknown field \"%s\"%s%s: %s.",
                     t->name, node->name, *dym ? "." : "",
                     *dym ? gql_arena_printf(&c->a, "%s Found", dym) : ", found",
                     gql_v_print_value(c, v));
    }
    if (t->one_of) {
        if (nknown != 1 || known->value->kind == GQL_VALUE_NULL)
            gql_v_report(c, &v->loc, 1,
                         "Within OneOf Input Object type \"%s\", exactly one field must be "
                         "specified, and the value for that field must be non-null.",
                         t->name);
    }
}

void gql_v_check_literal(gql_vctx *c, const gql_value *v, const gql_type *type)
{
    if (!type || v->kind == GQL_VALUE_VARIABLE)
        return;
    if (type->kind == GQL_NON_NULL) {
        if (v->kind == GQL_VALUE_NULL) {
            gql_v_report(c, &v->loc, 1, "Expected value of non-null type \"%s\" not to be null.",
                         gql_v_type_str(c, type));
            return;
        }
        gql_v_check_literal(c, v, type->of_type);
        return;
    }
    if (v->kind == GQL_VALUE_NULL)
        return;
    switch (type->kind) {
    case GQL_LIST:
        if (v->kind != GQL_VALUE_LIST)
            gql_v_check_literal(c, v, type->of_type);
        else
            for (size_t i = 0; i < v->u.list.n; i++)
                gql_v_check_literal(c, v->u.list.items[i], type->of_type);
        break;
    case GQL_INPUT_OBJECT:
        check_input_object(c, v, type);
        break;
    case GQL_ENUM:
        check_enum(c, v, type);
        break;
    case GQL_SCALAR:
        check_scalar(c, v, type);
        break;
    default:
        break;
    }
}
