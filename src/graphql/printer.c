/* printer.c -- GraphQL text from the AST, exactly as graphql-js 17 print().
 *
 * graphql-js 17 no longer prints by string concatenation: it builds a chain
 * of PrintBuffer parts (text, flags "indent before" and "dedent after",
 * running length and newline counts) and renders the chain at the end. The
 * layout decisions (a list, object or argument list goes multi-line when its
 * one-line form would pass 80 columns; argument definitions go multi-line
 * when one of them has a description) read those running lengths, so the
 * simplest way to print byte-for-byte the same text is to port that model
 * as it is. The temporary parts live in a scratch arena.
 *
 * Lengths are counted in UTF-16 code units, as JavaScript's .length.
 *
 * A description's string style (block or quoted) is not kept in the AST; it
 * is recovered from the document source, where the node's location (its
 * first token, the description) points.
 */
#include <string.h>

#include "lexer.h"
#include "parser.h"
#include "schema.h"

#define MAX_LINE_LENGTH 80

typedef struct pb pb;
struct pb {
    const char *text; /* this part's text (not NUL-terminated) */
    size_t tlen;
    bool is_block;    /* a block string: kept for fidelity with graphql-js */
    bool indent_before, dedent_after;
    pb *next, *tail;
    size_t length;    /* UTF-16 length of the chain from here (JS .length) */
    size_t newlines;  /* '\n' count of the chain from here */
};

/* NULL is graphql-js's EMPTY buffer; a zero-length buffer behaves the same
 * everywhere, so none is ever created. */

typedef struct printer {
    gql_arena a;
    const gql_document *doc; /* for description styles; NULL when printing a value */
} printer;

static size_t utf16_length(const char *s, size_t n)
{
    size_t units = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            units += c >= 0xF0 ? 2 : 1;
    }
    return units;
}

static pb *text_n(printer *p, const char *s, size_t n, bool is_block)
{
    if (n == 0)
        return NULL;
    pb *b = GQL_NEW(&p->a, pb);
    b->text = s;
    b->tlen = n;
    b->is_block = is_block;
    b->tail = b;
    b->length = utf16_length(s, n);
    for (size_t i = 0; i < n; i++)
        b->newlines += s[i] == '\n';
    return b;
}

static pb *text(printer *p, const char *s)
{
    return s ? text_n(p, s, strlen(s), false) : NULL;
}

static size_t len_of(const pb *b)
{
    return b ? b->length : 0;
}

static pb *append(pb *a, pb *b)
{
    if (!len_of(b))
        return a;
    a->tail->next = b;
    a->tail = b->tail;
    a->length += b->length;
    a->newlines += b->newlines;
    return a;
}

static pb *indent(pb *b)
{
    if (!len_of(b))
        return b;
    b->indent_before = true;
    b->tail->dedent_after = true;
    b->length += 2 * (b->newlines + 1);
    return b;
}

static pb *join(printer *p, pb **items, size_t n, const char *sep)
{
    pb *result = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!len_of(items[i]))
            continue;
        if (!len_of(result)) {
            result = items[i];
        } else {
            if (*sep)
                append(result, text(p, sep));
            append(result, items[i]);
        }
    }
    return result;
}

#define JOIN(p, sep, ...)                                                                          \
    join((p), (pb *[]){__VA_ARGS__}, sizeof((pb *[]){__VA_ARGS__}) / sizeof(pb *), (sep))

static size_t joined_length(pb **items, size_t n, size_t sep_len)
{
    size_t length = 0;
    for (size_t i = 0; i < n; i++)
        if (len_of(items[i]))
            length += (length == 0 ? 0 : sep_len) + items[i]->length;
    return length;
}

static pb *wrap(printer *p, const char *start, pb *b, const char *end)
{
    if (!len_of(b))
        return NULL;
    if (!*start)
        return append(b, text(p, end));
    return append(append(text(p, start), b), text(p, end));
}

static pb *block(printer *p, pb **items, size_t n)
{
    return wrap(p, "{\n", indent(join(p, items, n, "\n")), "\n}");
}

static bool has_multiline_items(pb **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (items[i] && items[i]->newlines)
            return true;
    return false;
}

static void render(const pb *b, gql_buf *out)
{
    size_t depth = 0;
    for (; b; b = b->next) {
        if (b->indent_before) {
            depth++;
            gql_buf_puts(out, "  ");
        }
        const char *s = b->text, *end = s + b->tlen;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl) {
                gql_buf_put(out, s, (size_t)(end - s));
                break;
            }
            gql_buf_put(out, s, (size_t)(nl - s) + 1);
            for (size_t i = 0; i < depth; i++)
                gql_buf_put(out, "  ", 2);
            s = nl + 1;
        }
        if (b->dedent_after)
            depth--;
    }
}

/* ------------------------------------------------------------- strings */

/* graphql-js printString: JSON-like escapes for C0 and C1 controls, the
 * quote and the backslash; everything else as it is. */
static void print_string(const char *s, size_t n, gql_buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    gql_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned code = c;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F) {
            code = (unsigned char)s[++i]; /* U+0080..U+009F */
        } else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7F) {
            gql_buf_putc(out, (char)c);
            continue;
        }
        switch (code) {
        case '\b': gql_buf_puts(out, "\\b"); break;
        case '\t': gql_buf_puts(out, "\\t"); break;
        case '\n': gql_buf_puts(out, "\\n"); break;
        case '\f': gql_buf_puts(out, "\\f"); break;
        case '\r': gql_buf_puts(out, "\\r"); break;
        case '"': gql_buf_puts(out, "\\\""); break;
        case '\\': gql_buf_puts(out, "\\\\"); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[code >> 4], hex[code & 15]};
            gql_buf_put(out, e, 6);
        }
        }
    }
    gql_buf_putc(out, '"');
}

static bool is_ws(int c)
{
    return c == ' ' || c == '\t';
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* graphql-js printBlockString (without the "minimize" option). */
static void print_block_string(const char *value, size_t n, gql_buf *out)
{
    gql_buf esc = GQL_BUF_INIT;
    for (size_t i = 0; i < n;) {
        if (i + 3 <= n && memcmp(value + i, "\"\"\"", 3) == 0) {
            gql_buf_put(&esc, "\\\"\"\"", 4);
            i += 3;
        } else {
            gql_buf_putc(&esc, value[i++]);
        }
    }
    const char *e = esc.data ? esc.data : "";
    size_t en = esc.len;
    /* lines of the escaped value, split at \r\n, \n or \r */
    size_t nlines = 1;
    bool force_leading = true;
    for (size_t i = 0; i < en; i++) {
        if (e[i] != '\n' && e[i] != '\r')
            continue;
        if (e[i] == '\r' && i + 1 < en && e[i + 1] == '\n')
            i++;
        nlines++;
        /* every line after the first must be empty or start with whitespace */
        if (i + 1 < en && e[i + 1] != '\n' && e[i + 1] != '\r' && !is_ws(e[i + 1]))
            force_leading = false;
    }
    bool single = nlines == 1;
    force_leading = force_leading && nlines > 1;
    bool trailing_triple = ends_with(e, en, "\\\"\"\"");
    bool trailing_quote = n > 0 && value[n - 1] == '"' && !trailing_triple;
    bool trailing_slash = n > 0 && value[n - 1] == '\\';
    bool force_trailing = trailing_quote || trailing_slash;
    bool multiple = !single || utf16_length(value, n) > 70 || force_trailing || force_leading ||
                    trailing_triple;
    bool skip_leading = single && n > 0 && is_ws(value[0]);
    gql_buf_puts(out, "\"\"\"");
    if ((multiple && !skip_leading) || force_leading)
        gql_buf_putc(out, '\n');
    gql_buf_put(out, e, en);
    if (multiple || force_trailing)
        gql_buf_putc(out, '\n');
    gql_buf_puts(out, "\"\"\"");
    gql_buf_free(&esc);
}

static pb *string_value(printer *p, const char *s, size_t n, bool is_block)
{
    gql_buf b = GQL_BUF_INIT;
    if (is_block)
        print_block_string(s, n, &b);
    else
        print_string(s, n, &b);
    char *copy = gql_arena_strndup(&p->a, b.data, b.len);
    size_t len = b.len;
    gql_buf_free(&b);
    return text_n(p, copy, len, is_block);
}

/* A description, in the style it was written in (see the file comment).
 * The token is lexed again from the source: that gives the style and the
 * exact value, which the AST's C string would cut at a U+0000. */
static pb *description(printer *p, const char *d, gql_loc loc)
{
    if (!d)
        return NULL;
    const gql_document *doc = p->doc;
    if (doc && doc->source && loc.offset < doc->source_len) {
        gql_lexer lx;
        gql_token t;
        gql_lexer_init(&lx, doc->source, doc->source_len, &p->a);
        lx.pos = loc.offset;
        if (gql_lexer_next(&lx, &t) && (t.kind == GQL_TOK_STRING || t.kind == GQL_TOK_BLOCK_STRING))
            return wrap(p, "", string_value(p, t.value, t.len, t.kind == GQL_TOK_BLOCK_STRING),
                        "\n");
    }
    return wrap(p, "", string_value(p, d, strlen(d), false), "\n");
}

/* -------------------------------------------------------------- values */

static pb *value(printer *p, const gql_value *v);

static pb *name(printer *p, const char *s)
{
    return text(p, s);
}

static pb *value_list(printer *p, const gql_value *v)
{
    size_t n = v->u.list.n;
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        items[i] = value(p, v->u.list.items[i]);
    if (2 + joined_length(items, n, 2) > MAX_LINE_LENGTH)
        return wrap(p, "[\n", indent(join(p, items, n, "\n")), "\n]");
    return JOIN(p, "", text(p, "["), join(p, items, n, ", "), text(p, "]"));
}

static pb *value_object(printer *p, const gql_value *v)
{
    size_t n = v->u.object.n;
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++) {
        const gql_object_field *f = &v->u.object.fields[i];
        items[i] = JOIN(p, "", name(p, f->name), text(p, ": "), value(p, f->value));
    }
    if (4 + joined_length(items, n, 2) > MAX_LINE_LENGTH)
        return block(p, items, n);
    return JOIN(p, "", text(p, "{ "), join(p, items, n, ", "), text(p, " }"));
}

static pb *value(printer *p, const gql_value *v)
{
    switch (v->kind) {
    case GQL_VALUE_VARIABLE:
        return JOIN(p, "", text(p, "$"), name(p, v->u.name));
    case GQL_VALUE_INT:
    case GQL_VALUE_FLOAT:
        return text_n(p, v->u.str, v->len, false);
    case GQL_VALUE_STRING:
        return string_value(p, v->u.str, v->len, v->block);
    case GQL_VALUE_BOOLEAN:
        return text(p, v->u.boolean ? "true" : "false");
    case GQL_VALUE_NULL:
        return text(p, "null");
    case GQL_VALUE_ENUM:
        return name(p, v->u.name);
    case GQL_VALUE_LIST:
        return value_list(p, v);
    case GQL_VALUE_OBJECT:
        return value_object(p, v);
    }
    return NULL;
}

static pb *type_ref(printer *p, const gql_type_ref *t)
{
    switch (t->kind) {
    case GQL_TYPE_REF_NAMED:
        return name(p, t->name);
    case GQL_TYPE_REF_LIST:
        return JOIN(p, "", text(p, "["), type_ref(p, t->of), text(p, "]"));
    case GQL_TYPE_REF_NON_NULL:
        return JOIN(p, "", type_ref(p, t->of), text(p, "!"));
    }
    return NULL;
}

/* --------------------------------------------------- directives, arguments */

static pb **arguments(printer *p, const gql_argument *args, size_t n)
{
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        items[i] = JOIN(p, "", name(p, args[i].name), text(p, ": "), value(p, args[i].value));
    return items;
}

static pb *directives(printer *p, const gql_directive *d, size_t n)
{
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        items[i] = JOIN(p, "", text(p, "@"), name(p, d[i].name),
                        wrap(p, "(", join(p, arguments(p, d[i].args, d[i].nargs), d[i].nargs, ", "),
                             ")"));
    return join(p, items, n, " ");
}

/* graphql-js wrappedLineAndArgs. */
static pb *wrapped_line_and_args(printer *p, pb *prefix, const gql_argument *args, size_t n)
{
    if (n == 0)
        return prefix;
    pb **items = arguments(p, args, n);
    pb *list = len_of(prefix) + joined_length(items, n, 2) + 2 > MAX_LINE_LENGTH
                   ? wrap(p, "(\n", indent(join(p, items, n, "\n")), "\n)")
                   : wrap(p, "(", join(p, items, n, ", "), ")");
    return JOIN(p, "", prefix, list);
}

/* ---------------------------------------------------------- selections */

static pb *selection_set(printer *p, const gql_selection_set *ss);

static pb *selection(printer *p, const gql_selection *s)
{
    pb *dirs = directives(p, s->directives, s->ndirectives);
    switch (s->kind) {
    case GQL_SEL_FIELD: {
        pb *prefix = JOIN(p, "", wrap(p, "", name(p, s->alias), ": "), name(p, s->name));
        return JOIN(p, "", wrapped_line_and_args(p, prefix, s->args, s->nargs),
                    wrap(p, " ", dirs, ""),
                    s->selection_set ? wrap(p, " ", selection_set(p, s->selection_set), "")
                                     : NULL);
    }
    case GQL_SEL_FRAGMENT_SPREAD:
        return JOIN(p, "", JOIN(p, "", text(p, "..."), name(p, s->name)),
                    wrap(p, " ", dirs, ""));
    case GQL_SEL_INLINE_FRAGMENT:
        return JOIN(p, " ", text(p, "..."), wrap(p, "on ", name(p, s->type_condition), ""), dirs,
                    selection_set(p, s->selection_set));
    }
    return NULL;
}

static pb *selection_set(printer *p, const gql_selection_set *ss)
{
    if (ss->n == 0)
        return text(p, "{}");
    pb **items = GQL_NEWN(&p->a, pb *, ss->n);
    for (size_t i = 0; i < ss->n; i++)
        items[i] = selection(p, ss->items[i]);
    return block(p, items, ss->n);
}

/* ------------------------------------------------ executable definitions */

static pb *variable_definition(printer *p, const gql_variable_def *v)
{
    return JOIN(p, "", description(p, v->description, v->loc),
                JOIN(p, "", text(p, "$"), name(p, v->name)), text(p, ": "), type_ref(p, v->type),
                wrap(p, " = ", v->default_value ? value(p, v->default_value) : NULL, ""),
                wrap(p, " ", directives(p, v->directives, v->ndirectives), ""));
}

static pb *operation(printer *p, const gql_operation_def *op)
{
    size_t n = op->nvars;
    pb **vars = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        vars[i] = variable_definition(p, &op->vars[i]);
    pb *var_defs = has_multiline_items(vars, n) ? wrap(p, "(\n", join(p, vars, n, "\n"), "\n)")
                                                : wrap(p, "(", join(p, vars, n, ", "), ")");
    const char *kw = gql_operation_type_name(op->type);
    pb *prefix = JOIN(p, "", description(p, op->description, op->loc),
                      JOIN(p, " ", text(p, kw), JOIN(p, "", name(p, op->name), var_defs),
                           directives(p, op->directives, op->ndirectives)));
    bool bare = op->type == GQL_OP_QUERY && len_of(prefix) == strlen(kw);
    return JOIN(p, "", bare ? NULL : JOIN(p, "", prefix, text(p, " ")),
                selection_set(p, op->selection_set));
}

static pb *fragment(printer *p, const gql_fragment_def *f)
{
    return JOIN(p, "", description(p, f->description, f->loc), text(p, "fragment "),
                name(p, f->name), text(p, " on "), name(p, f->type_condition), text(p, " "),
                wrap(p, "", directives(p, f->directives, f->ndirectives), " "),
                selection_set(p, f->selection_set));
}

/* ---------------------------------------------- type-system definitions */

static pb *input_value_def(printer *p, const gql_input_value_def *d)
{
    return JOIN(p, "", description(p, d->description, d->loc), name(p, d->name), text(p, ": "),
                type_ref(p, d->type),
                wrap(p, " = ", d->default_value ? value(p, d->default_value) : NULL, ""),
                wrap(p, " ", directives(p, d->directives, d->ndirectives), ""));
}

static pb **input_value_defs(printer *p, const gql_input_value_def *d, size_t n)
{
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        items[i] = input_value_def(p, &d[i]);
    return items;
}

/* Argument definitions: one per line when any of them spans lines. */
static pb *argument_defs(printer *p, const gql_input_value_def *d, size_t n)
{
    pb **items = input_value_defs(p, d, n);
    if (has_multiline_items(items, n))
        return wrap(p, "(\n", indent(join(p, items, n, "\n")), "\n)");
    return wrap(p, "(", join(p, items, n, ", "), ")");
}

static pb *field_defs(printer *p, const gql_type_def *t)
{
    pb **items = GQL_NEWN(&p->a, pb *, t->nfields + 1);
    for (size_t i = 0; i < t->nfields; i++) {
        const gql_field_def_node *f = &t->fields[i];
        items[i] = JOIN(p, "", description(p, f->description, f->loc), name(p, f->name),
                        argument_defs(p, f->args, f->nargs), text(p, ": "), type_ref(p, f->type),
                        wrap(p, " ", directives(p, f->directives, f->ndirectives), ""));
    }
    return block(p, items, t->nfields);
}

static pb *named_refs(printer *p, const gql_named_ref *r, size_t n, const char *sep)
{
    pb **items = GQL_NEWN(&p->a, pb *, n + 1);
    for (size_t i = 0; i < n; i++)
        items[i] = name(p, r[i].name);
    return join(p, items, n, sep);
}

static pb *schema_def(printer *p, const gql_type_def *t)
{
    pb **ops = GQL_NEWN(&p->a, pb *, t->nroot_ops + 1);
    for (size_t i = 0; i < t->nroot_ops; i++)
        ops[i] = JOIN(p, "", text(p, gql_operation_type_name(t->root_ops[i].op)), text(p, ": "),
                      name(p, t->root_ops[i].type.name));
    pb *body = JOIN(p, " ", text(p, t->extension ? "extend schema" : "schema"),
                    directives(p, t->directives, t->ndirectives), block(p, ops, t->nroot_ops));
    if (t->extension)
        return body;
    return JOIN(p, "", description(p, t->description, t->loc), body);
}

static pb *directive_def(printer *p, const gql_type_def *t)
{
    pb *dirs = directives(p, t->directives, t->ndirectives);
    if (t->extension)
        return JOIN(p, " ", JOIN(p, "", text(p, "extend directive @"), name(p, t->name)), dirs);
    return JOIN(p, "", description(p, t->description, t->loc), text(p, "directive @"),
                name(p, t->name), argument_defs(p, t->args, t->nargs), wrap(p, " ", dirs, ""),
                t->repeatable ? text(p, " repeatable") : NULL, text(p, " on "),
                named_refs(p, t->location_names, t->nlocation_names, " | "));
}

static pb *type_def(printer *p, gql_definition_kind kind, const gql_type_def *t)
{
    static const char *const kw[][2] = {
        [GQL_DEF_SCALAR] = {"scalar", "extend scalar"},
        [GQL_DEF_OBJECT] = {"type", "extend type"},
        [GQL_DEF_INTERFACE] = {"interface", "extend interface"},
        [GQL_DEF_UNION] = {"union", "extend union"},
        [GQL_DEF_ENUM] = {"enum", "extend enum"},
        [GQL_DEF_INPUT_OBJECT] = {"input", "extend input"},
    };
    if (kind == GQL_DEF_SCHEMA)
        return schema_def(p, t);
    if (kind == GQL_DEF_DIRECTIVE)
        return directive_def(p, t);
    pb *head = text(p, kw[kind][t->extension]);
    pb *nm = name(p, t->name);
    pb *dirs = directives(p, t->directives, t->ndirectives);
    pb *body = NULL;
    switch (kind) {
    case GQL_DEF_OBJECT:
    case GQL_DEF_INTERFACE:
        body = JOIN(p, " ", head, nm,
                    wrap(p, "implements ", named_refs(p, t->interfaces, t->ninterfaces, " & "), ""),
                    dirs, field_defs(p, t));
        break;
    case GQL_DEF_UNION:
        body = JOIN(p, " ", head, nm, dirs,
                    wrap(p, "= ", named_refs(p, t->members, t->nmembers, " | "), ""));
        break;
    case GQL_DEF_ENUM: {
        pb **items = GQL_NEWN(&p->a, pb *, t->nvalues + 1);
        for (size_t i = 0; i < t->nvalues; i++) {
            const gql_enum_value_def *e = &t->values[i];
            items[i] = JOIN(p, "", description(p, e->description, e->loc),
                            JOIN(p, " ", name(p, e->name),
                                 directives(p, e->directives, e->ndirectives)));
        }
        body = JOIN(p, " ", head, nm, dirs, block(p, items, t->nvalues));
        break;
    }
    case GQL_DEF_INPUT_OBJECT:
        body = JOIN(p, " ", head, nm, dirs,
                    block(p, input_value_defs(p, t->input_fields, t->ninput_fields),
                          t->ninput_fields));
        break;
    default: /* SCALAR */
        body = JOIN(p, " ", head, nm, dirs);
        break;
    }
    if (t->extension)
        return body;
    return JOIN(p, "", description(p, t->description, t->loc), body);
}

static pb *definition(printer *p, const gql_definition *d)
{
    switch (d->kind) {
    case GQL_DEF_OPERATION:
        return operation(p, d->u.operation);
    case GQL_DEF_FRAGMENT:
        return fragment(p, d->u.fragment);
    default:
        return type_def(p, d->kind, d->u.type_def);
    }
}

/* ---------------------------------------------------------- entry points */

void gql_print_document(const gql_document *doc, gql_buf *out)
{
    printer p = {.doc = doc};
    gql_arena_init(&p.a, 0);
    pb **items = GQL_NEWN(&p.a, pb *, doc->ndefs + 1);
    for (size_t i = 0; i < doc->ndefs; i++)
        items[i] = definition(&p, &doc->defs[i]);
    render(join(&p, items, doc->ndefs, "\n\n"), out);
    gql_arena_free(&p.a);
}

void gql_print_value(const gql_value *v, gql_buf *out)
{
    printer p = {.doc = NULL};
    gql_arena_init(&p.a, 0);
    render(value(&p, v), out);
    gql_arena_free(&p.a);
}

void gql_print_type_ref(const gql_type_ref *t, gql_buf *out)
{
    printer p = {.doc = NULL};
    gql_arena_init(&p.a, 0);
    render(type_ref(&p, t), out);
    gql_arena_free(&p.a);
}
