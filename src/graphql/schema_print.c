/* schema_print.c -- a schema as SDL text, graphql-js printSchema().
 *
 * Same text as graphql-js 17, byte for byte: the schema definition only
 * when the roots are not the conventional names (or there is a schema
 * description), then the directives that are not specified ones, then
 * every type that is neither a specified scalar nor an introspection type,
 * in type map order, separated by blank lines. Strings and literals go
 * through the document printer (gql_print_value) so that escaping and block
 * strings are graphql-js's.
 */
#include "schema.h"

#include <stdio.h>
#include <string.h>

static const char *const default_reason = "No longer supported";

/* graphql-js isPrintableAsBlockString. */
static bool printable_as_block(const char *s)
{
    if (!*s)
        return true;
    bool empty_line = true, has_indent = false, common_indent = true, seen_non_empty = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07:
        case 0x08: case 0x0b: case 0x0c: case 0x0d: case 0x0e: case 0x0f:
            return false;
        case '\n':
            if (empty_line && !seen_non_empty)
                return false;
            seen_non_empty = true;
            empty_line = true;
            has_indent = false;
            break;
        case '\t':
        case ' ':
            has_indent = has_indent || empty_line;
            break;
        default:
            common_indent = common_indent && has_indent;
            empty_line = false;
        }
    }
    if (empty_line)
        return false;
    if (common_indent && seen_non_empty)
        return false;
    return true;
}

static void print_string(gql_buf *out, const char *s, bool block)
{
    gql_value v = {.kind = GQL_VALUE_STRING, .block = block, .len = strlen(s)};
    v.u.str = s;
    gql_print_value(&v, out);
}

static void print_description(gql_buf *out, const char *d, const char *indent, bool first)
{
    if (!d)
        return;
    gql_buf tmp = GQL_BUF_INIT;
    print_string(&tmp, d, printable_as_block(d));
    if (*indent && !first) {
        gql_buf_putc(out, '\n');
    }
    gql_buf_puts(out, indent);
    const char *p = gql_buf_cstr(&tmp);
    for (; *p; p++) {
        gql_buf_putc(out, *p);
        if (*p == '\n')
            gql_buf_puts(out, indent);
    }
    gql_buf_putc(out, '\n');
    gql_buf_free(&tmp);
}

static void print_type(gql_buf *out, const gql_type *t)
{
    if (t->kind == GQL_LIST) {
        gql_buf_putc(out, '[');
        print_type(out, t->of_type);
        gql_buf_putc(out, ']');
    } else if (t->kind == GQL_NON_NULL) {
        print_type(out, t->of_type);
        gql_buf_putc(out, '!');
    } else {
        gql_buf_puts(out, t->name);
    }
}

static void print_deprecated(gql_buf *out, bool deprecated, const char *reason)
{
    if (!deprecated)
        return;
    if (reason && strcmp(reason, default_reason) != 0) {
        gql_buf_puts(out, " @deprecated(reason: ");
        print_string(out, reason, false);
        gql_buf_putc(out, ')');
        return;
    }
    gql_buf_puts(out, " @deprecated");
}

static void print_input_value(gql_buf *out, const gql_input_value *v)
{
    gql_buf_printf(out, "%s: ", v->name);
    print_type(out, v->type);
    if (v->default_value) {
        gql_buf_puts(out, " = ");
        gql_print_value(v->default_value, out);
    }
    print_deprecated(out, v->deprecated, v->deprecation_reason);
}

static void print_args(gql_buf *out, const gql_input_value *args, size_t n, const char *indent)
{
    if (!n)
        return;
    bool described = false;
    for (size_t i = 0; i < n; i++)
        described = described || args[i].description;
    if (!described) {
        gql_buf_putc(out, '(');
        for (size_t i = 0; i < n; i++) {
            if (i)
                gql_buf_puts(out, ", ");
            print_input_value(out, &args[i]);
        }
        gql_buf_putc(out, ')');
        return;
    }
    char inner[64];
    snprintf(inner, sizeof inner, "  %s", indent);
    gql_buf_puts(out, "(\n");
    for (size_t i = 0; i < n; i++) {
        if (i)
            gql_buf_putc(out, '\n');
        print_description(out, args[i].description, inner, i == 0);
        gql_buf_puts(out, inner);
        print_input_value(out, &args[i]);
    }
    gql_buf_printf(out, "\n%s)", indent);
}

static void print_interfaces(gql_buf *out, const gql_type *t)
{
    for (size_t i = 0; i < t->ninterfaces; i++)
        gql_buf_printf(out, "%s%s", i ? " & " : " implements ", t->interfaces[i]->name);
}

static void print_fields(gql_buf *out, const gql_type *t)
{
    if (!t->nfields)
        return;
    gql_buf_puts(out, " {\n");
    for (size_t i = 0; i < t->nfields; i++) {
        const gql_field *f = &t->fields[i];
        if (i)
            gql_buf_putc(out, '\n');
        print_description(out, f->description, "  ", i == 0);
        gql_buf_printf(out, "  %s", f->name);
        print_args(out, f->args, f->nargs, "  ");
        gql_buf_puts(out, ": ");
        print_type(out, f->type);
        print_deprecated(out, f->deprecated, f->deprecation_reason);
    }
    gql_buf_puts(out, "\n}");
}

static void print_named_type(gql_buf *out, const gql_type *t)
{
    print_description(out, t->description, "", true);
    switch (t->kind) {
    case GQL_SCALAR:
        gql_buf_printf(out, "scalar %s", t->name);
        if (t->specified_by_url) {
            gql_buf_puts(out, " @specifiedBy(url: ");
            print_string(out, t->specified_by_url, false);
            gql_buf_putc(out, ')');
        }
        break;
    case GQL_OBJECT:
    case GQL_INTERFACE:
        gql_buf_printf(out, "%s %s", t->kind == GQL_OBJECT ? "type" : "interface", t->name);
        print_interfaces(out, t);
        print_fields(out, t);
        break;
    case GQL_UNION:
        gql_buf_printf(out, "union %s", t->name);
        for (size_t i = 0; i < t->npossible; i++)
            gql_buf_printf(out, "%s%s", i ? " | " : " = ", t->possible[i]->name);
        break;
    case GQL_ENUM:
        gql_buf_printf(out, "enum %s", t->name);
        if (!t->nvalues)
            break;
        gql_buf_puts(out, " {\n");
        for (size_t i = 0; i < t->nvalues; i++) {
            if (i)
                gql_buf_putc(out, '\n');
            print_description(out, t->values[i].description, "  ", i == 0);
            gql_buf_printf(out, "  %s", t->values[i].name);
            print_deprecated(out, t->values[i].deprecated, t->values[i].deprecation_reason);
        }
        gql_buf_puts(out, "\n}");
        break;
    case GQL_INPUT_OBJECT:
        gql_buf_printf(out, "input %s%s", t->name, t->one_of ? " @oneOf" : "");
        if (!t->ninput_fields)
            break;
        gql_buf_puts(out, " {\n");
        for (size_t i = 0; i < t->ninput_fields; i++) {
            if (i)
                gql_buf_putc(out, '\n');
            print_description(out, t->input_fields[i].description, "  ", i == 0);
            gql_buf_puts(out, "  ");
            print_input_value(out, &t->input_fields[i]);
        }
        gql_buf_puts(out, "\n}");
        break;
    default:
        break;
    }
}

static void print_directive(gql_buf *out, const gql_directive_def *d)
{
    print_description(out, d->description, "", true);
    gql_buf_printf(out, "directive @%s", d->name);
    print_args(out, d->args, d->nargs, "");
    print_deprecated(out, d->deprecated, d->deprecation_reason);
    if (d->repeatable)
        gql_buf_puts(out, " repeatable");
    gql_buf_puts(out, " on ");
    for (size_t i = 0; i < d->nlocation_names; i++)
        gql_buf_printf(out, "%s%s", i ? " | " : "", d->location_names[i]);
}

static bool is_root_named(const gql_schema *s, const gql_type *root, const char *name)
{
    return root == gql_schema_type(s, name);
}

static bool print_schema_definition(gql_buf *out, const gql_schema *s)
{
    if (!s->query && !s->mutation && !s->subscription)
        return false;
    if (!s->description && is_root_named(s, s->query, "Query") &&
        is_root_named(s, s->mutation, "Mutation") &&
        is_root_named(s, s->subscription, "Subscription"))
        return false;
    print_description(out, s->description, "", true);
    gql_buf_puts(out, "schema {\n");
    if (s->query)
        gql_buf_printf(out, "  query: %s\n", s->query->name);
    if (s->mutation)
        gql_buf_printf(out, "  mutation: %s\n", s->mutation->name);
    if (s->subscription)
        gql_buf_printf(out, "  subscription: %s\n", s->subscription->name);
    gql_buf_putc(out, '}');
    return true;
}

static bool is_specified_directive(const char *name)
{
    static const char *const names[] = {"include", "skip", "deprecated", "specifiedBy", "oneOf"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

char *gql_schema_print(const gql_schema *s)
{
    gql_buf out = GQL_BUF_INIT;
    bool any = print_schema_definition(&out, s);
    for (size_t i = 0; i < s->ndirectives; i++) {
        /* graphql-js filters by name: a redefined @skip is not printed. */
        if (is_specified_directive(s->directives[i]->name))
            continue;
        if (any)
            gql_buf_puts(&out, "\n\n");
        print_directive(&out, s->directives[i]);
        any = true;
    }
    for (size_t i = 0; i < s->ntypes; i++) {
        const gql_type *t = s->types[i];
        if (t->introspection || t->builtin != GQL_SCALAR_CUSTOM)
            continue;
        if (any)
            gql_buf_puts(&out, "\n\n");
        print_named_type(&out, t);
        any = true;
    }
    gql_buf_cstr(&out);
    return gql_buf_steal(&out, NULL);
}
