/* parser.c -- recursive-descent GraphQL parser, a port of graphql-js 17
 * language/parser.js (without its experimental options: fragment arguments
 * and schema coordinates).
 *
 * Every function mirrors the graphql-js method of the same name, so that the
 * same input fails at the same token with the same message. Errors unwind
 * with longjmp to the entry point: all memory lives in one arena, so there
 * is nothing to release on the way and the grammar code stays free of error
 * plumbing.
 *
 * Locations: every node's loc is its first token (a definition's description
 * when it has one), exactly graphql-js's node.loc.start, so that errors from
 * later stages point where graphql-js points.
 */
#include "parser.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

typedef struct parser {
    gql_lexer lx;
    gql_arena *a;
    gql_token tok;       /* current token */
    gql_token ahead;     /* one token of lookahead, when has_ahead */
    bool has_ahead;
    size_t ntokens, max_tokens;
    unsigned depth;      /* nesting of lists, objects, selection sets, list types */
    const char *msg;     /* the syntax error, without "Syntax Error: " */
    size_t msg_pos;
    jmp_buf fail;
} parser;

/* A growable array of structs in the arena (items are copied in whole, so no
 * pointer into it is held while it may grow). */
typedef struct svec {
    void *items;
    size_t n, cap;
} svec;

static void *svec_slot(gql_arena *a, svec *v, size_t elem)
{
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 4;
        v->items = gql_arena_grow(a, v->items, v->n, ncap, elem);
        v->cap = ncap;
    }
    return (char *)v->items + elem * v->n++;
}

#define SVEC_PUSH(p, v, T, val) (*(T *)svec_slot((p)->a, (v), sizeof(T)) = (val))

/* ---------------------------------------------------------------- errors */

__attribute__((noreturn, format(printf, 3, 4))) static void fail_at(parser *p, size_t pos,
                                                                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p->msg = gql_arena_vprintf(p->a, fmt, ap);
    va_end(ap);
    p->msg_pos = pos;
    longjmp(p->fail, 1);
}

/* graphql-js getTokenDesc: the kind, then the value in quotes if any. */
static const char *token_desc(parser *p, const gql_token *t)
{
    if (!t->value)
        return gql_token_kind_desc(t->kind);
    return gql_arena_printf(p->a, "%s \"%.*s\"", gql_token_kind_desc(t->kind), (int)t->len,
                            t->value);
}

__attribute__((noreturn)) static void unexpected(parser *p, const gql_token *t)
{
    if (!t)
        t = &p->tok;
    fail_at(p, t->start, "Unexpected %s.", token_desc(p, t));
}

/* ---------------------------------------------------------------- tokens */

static void lex(parser *p, gql_token *t)
{
    if (!gql_lexer_next(&p->lx, t)) {
        p->msg = p->lx.error;
        p->msg_pos = p->lx.error_pos;
        longjmp(p->fail, 1);
    }
}

/* graphql-js advanceLexer: every token but EOF counts against maxTokens. */
static void advance(parser *p)
{
    if (p->has_ahead) {
        p->tok = p->ahead;
        p->has_ahead = false;
    } else {
        lex(p, &p->tok);
    }
    if (p->tok.kind != GQL_TOK_EOF) {
        p->ntokens++;
        if (p->max_tokens && p->ntokens > p->max_tokens)
            fail_at(p, p->tok.start, "Document contains more than %zu tokens. Parsing aborted.",
                    p->max_tokens);
    }
}

static const gql_token *lookahead(parser *p)
{
    if (p->tok.kind == GQL_TOK_EOF)
        return &p->tok;
    if (!p->has_ahead) {
        lex(p, &p->ahead);
        p->has_ahead = true;
    }
    return &p->ahead;
}

static gql_loc tok_loc(const gql_token *t)
{
    gql_loc l = {t->line, t->column, (uint32_t)t->start};
    return l;
}

static bool peek(const parser *p, gql_token_kind k)
{
    return p->tok.kind == k;
}

static bool value_is(const gql_token *t, const char *s)
{
    size_t n = strlen(s);
    return t->value && t->len == n && memcmp(t->value, s, n) == 0;
}

static bool is_keyword(const gql_token *t, const char *kw)
{
    return t->kind == GQL_TOK_NAME && value_is(t, kw);
}

static gql_token expect(parser *p, gql_token_kind k)
{
    gql_token t = p->tok;
    if (t.kind != k)
        fail_at(p, t.start, "Expected %s, found %s.", gql_token_kind_desc(k), token_desc(p, &t));
    advance(p);
    return t;
}

static bool optional(parser *p, gql_token_kind k)
{
    if (p->tok.kind != k)
        return false;
    advance(p);
    return true;
}

static void expect_keyword(parser *p, const char *kw)
{
    if (!is_keyword(&p->tok, kw))
        fail_at(p, p->tok.start, "Expected \"%s\", found %s.", kw, token_desc(p, &p->tok));
    advance(p);
}

static bool optional_keyword(parser *p, const char *kw)
{
    if (!is_keyword(&p->tok, kw))
        return false;
    advance(p);
    return true;
}

static void enter(parser *p, const gql_token *at)
{
    if (++p->depth > GQL_PARSE_MAX_DEPTH)
        fail_at(p, at->start, "Document nesting is too deep.");
}

static void leave(parser *p)
{
    p->depth--;
}

static const char *parse_name(parser *p, gql_loc *loc)
{
    gql_token t = expect(p, GQL_TOK_NAME);
    if (loc)
        *loc = tok_loc(&t);
    return gql_arena_strndup(p->a, t.value, t.len);
}

static gql_named_ref parse_named_type(parser *p)
{
    gql_named_ref r;
    r.name = parse_name(p, &r.loc);
    return r;
}

/* ---------------------------------------------------------------- values */

static gql_value *parse_value(parser *p, bool is_const);

static gql_value *parse_variable(parser *p)
{
    gql_value *v = GQL_NEW(p->a, gql_value);
    v->kind = GQL_VALUE_VARIABLE;
    v->loc = tok_loc(&p->tok);
    expect(p, GQL_TOK_DOLLAR);
    v->u.name = parse_name(p, NULL);
    return v;
}

static void parse_list(parser *p, gql_value *v, bool is_const)
{
    gql_vec items = {0};
    enter(p, &p->tok);
    expect(p, GQL_TOK_BRACKET_L);
    while (!optional(p, GQL_TOK_BRACKET_R))
        gql_vec_push(p->a, &items, parse_value(p, is_const));
    leave(p);
    v->kind = GQL_VALUE_LIST;
    v->u.list.items = (gql_value **)items.items;
    v->u.list.n = items.n;
}

static void parse_object(parser *p, gql_value *v, bool is_const)
{
    svec fields = {0};
    enter(p, &p->tok);
    expect(p, GQL_TOK_BRACE_L);
    while (!optional(p, GQL_TOK_BRACE_R)) {
        gql_object_field f;
        f.name = parse_name(p, &f.loc);
        expect(p, GQL_TOK_COLON);
        f.value = parse_value(p, is_const);
        SVEC_PUSH(p, &fields, gql_object_field, f);
    }
    leave(p);
    v->kind = GQL_VALUE_OBJECT;
    v->u.object.fields = fields.items;
    v->u.object.n = fields.n;
}

/* graphql-js parseValueLiteral. */
static gql_value *parse_value(parser *p, bool is_const)
{
    gql_token t = p->tok;
    if (t.kind == GQL_TOK_DOLLAR) {
        if (!is_const)
            return parse_variable(p);
        expect(p, GQL_TOK_DOLLAR);
        if (p->tok.kind == GQL_TOK_NAME)
            fail_at(p, t.start, "Unexpected variable \"$%.*s\" in constant value.",
                    (int)p->tok.len, p->tok.value);
        unexpected(p, &t);
    }
    gql_value *v = GQL_NEW(p->a, gql_value);
    v->loc = tok_loc(&t);
    switch (t.kind) {
    case GQL_TOK_BRACKET_L:
        parse_list(p, v, is_const);
        return v;
    case GQL_TOK_BRACE_L:
        parse_object(p, v, is_const);
        return v;
    case GQL_TOK_INT:
    case GQL_TOK_FLOAT:
        advance(p);
        v->kind = t.kind == GQL_TOK_INT ? GQL_VALUE_INT : GQL_VALUE_FLOAT;
        v->u.str = gql_arena_strndup(p->a, t.value, t.len);
        v->len = t.len;
        return v;
    case GQL_TOK_STRING:
    case GQL_TOK_BLOCK_STRING:
        advance(p);
        v->kind = GQL_VALUE_STRING;
        v->u.str = t.value;
        v->len = t.len;
        v->block = t.kind == GQL_TOK_BLOCK_STRING;
        return v;
    case GQL_TOK_NAME:
        advance(p);
        if (value_is(&t, "true") || value_is(&t, "false")) {
            v->kind = GQL_VALUE_BOOLEAN;
            v->u.boolean = t.value[0] == 't';
        } else if (value_is(&t, "null")) {
            v->kind = GQL_VALUE_NULL;
        } else {
            v->kind = GQL_VALUE_ENUM;
            v->u.name = gql_arena_strndup(p->a, t.value, t.len);
        }
        return v;
    default:
        unexpected(p, NULL);
    }
}

/* ------------------------------------------------- directives, arguments */

static void parse_arguments(parser *p, bool is_const, gql_argument **args, size_t *n)
{
    svec v = {0};
    if (optional(p, GQL_TOK_PAREN_L)) {
        do {
            gql_argument a;
            a.name = parse_name(p, &a.loc);
            expect(p, GQL_TOK_COLON);
            a.value = parse_value(p, is_const);
            SVEC_PUSH(p, &v, gql_argument, a);
        } while (!optional(p, GQL_TOK_PAREN_R));
    }
    *args = v.items;
    *n = v.n;
}

/* Returns whether any directive was given (graphql-js: not undefined). */
static bool parse_directives(parser *p, bool is_const, gql_directive **dirs, size_t *n)
{
    svec v = {0};
    while (peek(p, GQL_TOK_AT)) {
        gql_directive d;
        d.loc = tok_loc(&p->tok);
        expect(p, GQL_TOK_AT);
        d.name = parse_name(p, NULL);
        parse_arguments(p, is_const, &d.args, &d.nargs);
        SVEC_PUSH(p, &v, gql_directive, d);
    }
    *dirs = v.items;
    *n = v.n;
    return v.n > 0;
}

/* ---------------------------------------------------------- type references */

static gql_type_ref *parse_type_reference(parser *p)
{
    gql_token start = p->tok;
    gql_type_ref *t = GQL_NEW(p->a, gql_type_ref);
    t->loc = tok_loc(&start);
    if (peek(p, GQL_TOK_BRACKET_L)) {
        enter(p, &start);
        advance(p);
        t->kind = GQL_TYPE_REF_LIST;
        t->of = parse_type_reference(p);
        expect(p, GQL_TOK_BRACKET_R);
        leave(p);
    } else {
        t->kind = GQL_TYPE_REF_NAMED;
        t->name = parse_name(p, NULL);
    }
    if (optional(p, GQL_TOK_BANG)) {
        gql_type_ref *nn = GQL_NEW(p->a, gql_type_ref);
        nn->kind = GQL_TYPE_REF_NON_NULL;
        nn->loc = t->loc;
        nn->of = t;
        return nn;
    }
    return t;
}

/* ---------------------------------------------------------------- selections */

static gql_selection_set *parse_selection_set(parser *p);

static const char *parse_description(parser *p)
{
    if (!peek(p, GQL_TOK_STRING) && !peek(p, GQL_TOK_BLOCK_STRING))
        return NULL;
    const char *d = p->tok.value;
    advance(p);
    return d;
}

static gql_selection *parse_field(parser *p)
{
    gql_selection *s = GQL_NEW(p->a, gql_selection);
    s->kind = GQL_SEL_FIELD;
    s->loc = tok_loc(&p->tok);
    gql_loc first_loc;
    const char *first = parse_name(p, &first_loc);
    if (optional(p, GQL_TOK_COLON)) {
        s->alias = first;
        s->name = parse_name(p, &s->name_loc);
    } else {
        s->name = first;
        s->name_loc = first_loc;
    }
    parse_arguments(p, false, &s->args, &s->nargs);
    parse_directives(p, false, &s->directives, &s->ndirectives);
    if (peek(p, GQL_TOK_BRACE_L))
        s->selection_set = parse_selection_set(p);
    return s;
}

/* graphql-js parseFragmentName: a fragment may not be called "on". */
static const char *parse_fragment_name(parser *p, gql_loc *loc)
{
    if (value_is(&p->tok, "on"))
        unexpected(p, NULL);
    return parse_name(p, loc);
}

static gql_selection *parse_fragment(parser *p)
{
    gql_selection *s = GQL_NEW(p->a, gql_selection);
    s->loc = tok_loc(&p->tok);
    expect(p, GQL_TOK_SPREAD);
    bool has_type_condition = optional_keyword(p, "on");
    if (!has_type_condition && peek(p, GQL_TOK_NAME)) {
        s->kind = GQL_SEL_FRAGMENT_SPREAD;
        s->name = parse_fragment_name(p, &s->name_loc);
        parse_directives(p, false, &s->directives, &s->ndirectives);
        return s;
    }
    s->kind = GQL_SEL_INLINE_FRAGMENT;
    if (has_type_condition) {
        gql_named_ref tc = parse_named_type(p);
        s->type_condition = tc.name;
        s->type_condition_loc = tc.loc;
    }
    parse_directives(p, false, &s->directives, &s->ndirectives);
    s->selection_set = parse_selection_set(p);
    return s;
}

/* Empty selection sets are accepted: graphql-js 17 parses "{}" unless its
 * allowEmptySelectionSets option is false (validation rejects it later). */
static gql_selection_set *parse_selection_set(parser *p)
{
    gql_selection_set *ss = GQL_NEW(p->a, gql_selection_set);
    gql_vec items = {0};
    ss->loc = tok_loc(&p->tok);
    enter(p, &p->tok);
    expect(p, GQL_TOK_BRACE_L);
    while (!optional(p, GQL_TOK_BRACE_R))
        gql_vec_push(p->a, &items,
                     peek(p, GQL_TOK_SPREAD) ? parse_fragment(p) : parse_field(p));
    leave(p);
    ss->items = (gql_selection **)items.items;
    ss->n = items.n;
    return ss;
}

/* -------------------------------------------------- executable definitions */

static gql_operation_type parse_operation_type(parser *p)
{
    gql_token t = expect(p, GQL_TOK_NAME);
    if (value_is(&t, "query"))
        return GQL_OP_QUERY;
    if (value_is(&t, "mutation"))
        return GQL_OP_MUTATION;
    if (value_is(&t, "subscription"))
        return GQL_OP_SUBSCRIPTION;
    unexpected(p, &t);
}

static void parse_variable_definitions(parser *p, gql_operation_def *op)
{
    svec v = {0};
    if (optional(p, GQL_TOK_PAREN_L)) {
        do {
            gql_variable_def d = {0};
            d.loc = tok_loc(&p->tok);
            d.description = parse_description(p);
            expect(p, GQL_TOK_DOLLAR);
            d.name = parse_name(p, &d.name_loc);
            expect(p, GQL_TOK_COLON);
            d.type = parse_type_reference(p);
            if (optional(p, GQL_TOK_EQUALS))
                d.default_value = parse_value(p, true);
            parse_directives(p, true, &d.directives, &d.ndirectives);
            SVEC_PUSH(p, &v, gql_variable_def, d);
        } while (!optional(p, GQL_TOK_PAREN_R));
    }
    op->vars = v.items;
    op->nvars = v.n;
}

static void parse_operation_definition(parser *p, gql_definition *def)
{
    gql_operation_def *op = GQL_NEW(p->a, gql_operation_def);
    def->kind = GQL_DEF_OPERATION;
    def->u.operation = op;
    op->loc = def->loc;
    if (peek(p, GQL_TOK_BRACE_L)) {
        op->type = GQL_OP_QUERY;
        op->shorthand = true;
        op->selection_set = parse_selection_set(p);
        return;
    }
    op->description = parse_description(p);
    op->type = parse_operation_type(p);
    if (peek(p, GQL_TOK_NAME))
        op->name = parse_name(p, &op->name_loc);
    parse_variable_definitions(p, op);
    parse_directives(p, false, &op->directives, &op->ndirectives);
    op->selection_set = parse_selection_set(p);
}

static void parse_fragment_definition(parser *p, gql_definition *def)
{
    gql_fragment_def *f = GQL_NEW(p->a, gql_fragment_def);
    def->kind = GQL_DEF_FRAGMENT;
    def->u.fragment = f;
    f->loc = def->loc;
    f->description = parse_description(p);
    expect_keyword(p, "fragment");
    f->name = parse_fragment_name(p, &f->name_loc);
    expect_keyword(p, "on");
    gql_named_ref tc = parse_named_type(p);
    f->type_condition = tc.name;
    f->type_condition_loc = tc.loc;
    parse_directives(p, false, &f->directives, &f->ndirectives);
    f->selection_set = parse_selection_set(p);
}

/* ------------------------------------------------ type-system definitions */

static gql_type_def *new_type_def(parser *p, gql_definition *def, gql_definition_kind kind,
                                  bool extension)
{
    gql_type_def *t = GQL_NEW(p->a, gql_type_def);
    def->kind = kind;
    def->u.type_def = t;
    t->loc = def->loc;
    t->extension = extension;
    return t;
}

/* Description (definitions only) and keyword, or "extend" and keyword. */
static gql_type_def *begin_type_def(parser *p, gql_definition *def, gql_definition_kind kind,
                                    const char *keyword, bool extension)
{
    gql_type_def *t = new_type_def(p, def, kind, extension);
    if (extension)
        expect_keyword(p, "extend");
    else
        t->description = parse_description(p);
    expect_keyword(p, keyword);
    return t;
}

static gql_input_value_def parse_input_value_def(parser *p)
{
    gql_input_value_def d = {0};
    d.loc = tok_loc(&p->tok);
    d.description = parse_description(p);
    d.name = parse_name(p, NULL);
    expect(p, GQL_TOK_COLON);
    d.type = parse_type_reference(p);
    if (optional(p, GQL_TOK_EQUALS))
        d.default_value = parse_value(p, true);
    parse_directives(p, true, &d.directives, &d.ndirectives);
    return d;
}

/* "(" InputValueDefinition+ ")" or "{" InputValueDefinition+ "}"; returns
 * whether the list was present. */
static bool parse_input_value_defs(parser *p, gql_token_kind open, gql_token_kind close,
                                   gql_input_value_def **out, size_t *n)
{
    svec v = {0};
    bool present = optional(p, open);
    if (present) {
        do
            SVEC_PUSH(p, &v, gql_input_value_def, parse_input_value_def(p));
        while (!optional(p, close));
    }
    *out = v.items;
    *n = v.n;
    return present;
}

static bool parse_implements_interfaces(parser *p, gql_type_def *t)
{
    svec v = {0};
    if (!optional_keyword(p, "implements"))
        return false;
    optional(p, GQL_TOK_AMP);
    do
        SVEC_PUSH(p, &v, gql_named_ref, parse_named_type(p));
    while (optional(p, GQL_TOK_AMP));
    t->interfaces = v.items;
    t->ninterfaces = v.n;
    return true;
}

static bool parse_fields_definition(parser *p, gql_type_def *t)
{
    svec v = {0};
    if (!optional(p, GQL_TOK_BRACE_L))
        return false;
    do {
        gql_field_def_node f = {0};
        f.loc = tok_loc(&p->tok);
        f.description = parse_description(p);
        f.name = parse_name(p, NULL);
        parse_input_value_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R, &f.args, &f.nargs);
        expect(p, GQL_TOK_COLON);
        f.type = parse_type_reference(p);
        parse_directives(p, true, &f.directives, &f.ndirectives);
        SVEC_PUSH(p, &v, gql_field_def_node, f);
    } while (!optional(p, GQL_TOK_BRACE_R));
    t->fields = v.items;
    t->nfields = v.n;
    return true;
}

static bool parse_root_operation_types(parser *p, gql_type_def *t, bool required)
{
    svec v = {0};
    if (required)
        expect(p, GQL_TOK_BRACE_L);
    else if (!optional(p, GQL_TOK_BRACE_L))
        return false;
    do {
        gql_root_op_def r;
        r.op = parse_operation_type(p);
        expect(p, GQL_TOK_COLON);
        r.type = parse_named_type(p);
        SVEC_PUSH(p, &v, gql_root_op_def, r);
    } while (!optional(p, GQL_TOK_BRACE_R));
    t->root_ops = v.items;
    t->nroot_ops = v.n;
    return true;
}

static bool parse_union_members(parser *p, gql_type_def *t)
{
    svec v = {0};
    if (!optional(p, GQL_TOK_EQUALS))
        return false;
    optional(p, GQL_TOK_PIPE);
    do
        SVEC_PUSH(p, &v, gql_named_ref, parse_named_type(p));
    while (optional(p, GQL_TOK_PIPE));
    t->members = v.items;
    t->nmembers = v.n;
    return true;
}

static bool parse_enum_values(parser *p, gql_type_def *t)
{
    svec v = {0};
    if (!optional(p, GQL_TOK_BRACE_L))
        return false;
    do {
        gql_enum_value_def e = {0};
        e.loc = tok_loc(&p->tok);
        e.description = parse_description(p);
        if (value_is(&p->tok, "true") || value_is(&p->tok, "false") || value_is(&p->tok, "null"))
            fail_at(p, p->tok.start, "%s is reserved and cannot be used for an enum value.",
                    token_desc(p, &p->tok));
        e.name = parse_name(p, NULL);
        parse_directives(p, true, &e.directives, &e.ndirectives);
        SVEC_PUSH(p, &v, gql_enum_value_def, e);
    } while (!optional(p, GQL_TOK_BRACE_R));
    t->values = v.items;
    t->nvalues = v.n;
    return true;
}

static void parse_directive_locations(parser *p, gql_type_def *t)
{
    svec v = {0};
    optional(p, GQL_TOK_PIPE);
    do {
        gql_token start = p->tok;
        gql_named_ref r = parse_named_type(p);
        int l = gql_directive_location_from_name(r.name);
        if (l < 0)
            unexpected(p, &start);
        t->locations |= 1u << l;
        SVEC_PUSH(p, &v, gql_named_ref, r);
    } while (optional(p, GQL_TOK_PIPE));
    t->location_names = v.items;
    t->nlocation_names = v.n;
}

static void parse_type_system_definition(parser *p, gql_definition *def, const gql_token *kw,
                                         bool ext)
{
    gql_type_def *t;
    bool dirs, any;
    if (value_is(kw, "schema")) {
        t = begin_type_def(p, def, GQL_DEF_SCHEMA, "schema", ext);
        dirs = parse_directives(p, true, &t->directives, &t->ndirectives);
        any = parse_root_operation_types(p, t, !ext);
        if (ext && !dirs && !any)
            unexpected(p, NULL);
        return;
    }
    if (value_is(kw, "directive")) {
        t = begin_type_def(p, def, GQL_DEF_DIRECTIVE, "directive", ext);
        expect(p, GQL_TOK_AT);
        t->name = parse_name(p, &t->name_loc);
        if (ext) {
            if (!parse_directives(p, true, &t->directives, &t->ndirectives))
                unexpected(p, NULL);
            return;
        }
        parse_input_value_defs(p, GQL_TOK_PAREN_L, GQL_TOK_PAREN_R, &t->args, &t->nargs);
        parse_directives(p, true, &t->directives, &t->ndirectives);
        t->repeatable = optional_keyword(p, "repeatable");
        expect_keyword(p, "on");
        parse_directive_locations(p, t);
        return;
    }
    static const struct {
        const char *kw;
        gql_definition_kind kind;
    } kinds[] = {
        {"scalar", GQL_DEF_SCALAR}, {"type", GQL_DEF_OBJECT},         {"interface", GQL_DEF_INTERFACE},
        {"union", GQL_DEF_UNION},   {"enum", GQL_DEF_ENUM},           {"input", GQL_DEF_INPUT_OBJECT},
    };
    size_t k = 0;
    while (!value_is(kw, kinds[k].kw))
        k++;
    t = begin_type_def(p, def, kinds[k].kind, kinds[k].kw, ext);
    t->name = parse_name(p, &t->name_loc);
    any = false;
    switch (kinds[k].kind) {
    case GQL_DEF_OBJECT:
    case GQL_DEF_INTERFACE:
        any = parse_implements_interfaces(p, t);
        any |= parse_directives(p, true, &t->directives, &t->ndirectives);
        any |= parse_fields_definition(p, t);
        break;
    case GQL_DEF_UNION:
        any = parse_directives(p, true, &t->directives, &t->ndirectives);
        any |= parse_union_members(p, t);
        break;
    case GQL_DEF_ENUM:
        any = parse_directives(p, true, &t->directives, &t->ndirectives);
        any |= parse_enum_values(p, t);
        break;
    case GQL_DEF_INPUT_OBJECT:
        any = parse_directives(p, true, &t->directives, &t->ndirectives);
        any |= parse_input_value_defs(p, GQL_TOK_BRACE_L, GQL_TOK_BRACE_R, &t->input_fields,
                                      &t->ninput_fields);
        break;
    default: /* SCALAR */
        any = parse_directives(p, true, &t->directives, &t->ndirectives);
        break;
    }
    /* An extension must add something (graphql-js throws unexpected()). */
    if (ext && !any)
        unexpected(p, NULL);
}

static bool is_type_system_keyword(const gql_token *t)
{
    static const char *const kws[] = {"schema", "scalar", "type",  "interface",
                                      "union",  "enum",   "input", "directive"};
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
        if (value_is(t, kws[i]))
            return true;
    return false;
}

/* graphql-js parseDefinition. */
static void parse_definition(parser *p, gql_definition *def)
{
    def->loc = tok_loc(&p->tok);
    if (peek(p, GQL_TOK_BRACE_L)) {
        parse_operation_definition(p, def);
        return;
    }
    bool has_description = peek(p, GQL_TOK_STRING) || peek(p, GQL_TOK_BLOCK_STRING);
    gql_token kw = has_description ? *lookahead(p) : p->tok;
    if (has_description && kw.kind == GQL_TOK_BRACE_L)
        fail_at(p, p->tok.start,
                "Unexpected description, descriptions are not supported on shorthand queries.");
    if (kw.kind == GQL_TOK_NAME) {
        if (is_type_system_keyword(&kw)) {
            parse_type_system_definition(p, def, &kw, false);
            return;
        }
        if (value_is(&kw, "query") || value_is(&kw, "mutation") ||
            value_is(&kw, "subscription")) {
            parse_operation_definition(p, def);
            return;
        }
        if (value_is(&kw, "fragment")) {
            parse_fragment_definition(p, def);
            return;
        }
        if (has_description)
            fail_at(p, p->tok.start,
                    "Unexpected description, only GraphQL definitions support descriptions.");
        if (value_is(&kw, "extend")) {
            gql_token ext_kw = *lookahead(p);
            if (ext_kw.kind == GQL_TOK_NAME && is_type_system_keyword(&ext_kw)) {
                parse_type_system_definition(p, def, &ext_kw, true);
                return;
            }
            unexpected(p, &ext_kw);
        }
    }
    unexpected(p, &kw);
}

/* ---------------------------------------------------------------- entry points */

static void parser_init(parser *p, gql_arena *a, const char *src, size_t len, size_t max_tokens)
{
    memset(p, 0, sizeof *p);
    gql_lexer_init(&p->lx, src, len, a);
    p->a = a;
    p->max_tokens = max_tokens;
    p->tok.kind = GQL_TOK_SOF;
}

static void report(parser *p, const char *src, size_t len, gql_errors *errs)
{
    gql_loc loc = gql_source_location(src, len, p->msg_pos);
    gql_errors_add(errs, &loc, "Syntax Error: %s", p->msg);
}

static void parse_document(parser *p, gql_document *doc)
{
    svec defs = {0};
    expect(p, GQL_TOK_SOF);
    do {
        gql_definition d = {0};
        parse_definition(p, &d);
        SVEC_PUSH(p, &defs, gql_definition, d);
    } while (!optional(p, GQL_TOK_EOF));
    doc->defs = defs.items;
    doc->ndefs = defs.n;
}

/* What run() parses: graphql-js parse / parseValue / parseConstValue /
 * parseType. */
typedef enum parse_goal { GOAL_DOCUMENT, GOAL_VALUE, GOAL_CONST_VALUE, GOAL_TYPE } parse_goal;

/* The only setjmp: kept in a function of its own with nothing live across
 * it but `p`, so longjmp cannot clobber any local. Returns false after a
 * syntax error (p->msg, p->msg_pos). */
static bool run(parser *p, parse_goal goal, gql_document *doc, void **result)
{
    if (setjmp(p->fail))
        return false;
    if (goal == GOAL_DOCUMENT) {
        parse_document(p, doc);
        return true;
    }
    expect(p, GQL_TOK_SOF);
    *result = goal == GOAL_TYPE ? (void *)parse_type_reference(p)
                                : (void *)parse_value(p, goal == GOAL_CONST_VALUE);
    expect(p, GQL_TOK_EOF);
    return true;
}

gql_document *gql_parse(const char *src, size_t len, size_t max_tokens, gql_errors *errs)
{
    gql_document *doc = calloc(1, sizeof *doc);
    if (!doc) {
        fputs("epfiot: out of memory\n", stderr);
        abort();
    }
    /* A document takes about 8 bytes of nodes per source byte (measured on
     * the introspection query and the kitchen sinks): size the first chunk
     * so that a typical query needs one allocation. */
    gql_arena_init(&doc->arena, len < 1024 ? 0 : len * 8 + 4096);
    char *copy = gql_arena_strndup(&doc->arena, src ? src : "", len);
    doc->source = copy;
    doc->source_len = len;
    parser p;
    parser_init(&p, &doc->arena, copy, len, max_tokens);
    if (!run(&p, GOAL_DOCUMENT, doc, NULL)) {
        report(&p, copy, len, errs);
        gql_arena_free(&doc->arena);
        free(doc);
        return NULL;
    }
    doc->token_count = (uint32_t)p.ntokens;
    return doc;
}

void gql_document_free(gql_document *doc)
{
    if (!doc)
        return;
    gql_arena_free(&doc->arena);
    free(doc);
}

static void *parse_text(gql_arena *a, const char *src, size_t len, gql_errors *errs,
                        parse_goal goal)
{
    parser p;
    void *result = NULL;
    if (!src)
        src = "";
    parser_init(&p, a, src, len, 0);
    if (!run(&p, goal, NULL, &result)) {
        report(&p, src, len, errs);
        return NULL;
    }
    return result;
}

gql_value *gql_parse_value_text(gql_arena *a, const char *src, size_t len, gql_errors *errs)
{
    return parse_text(a, src, len, errs, GOAL_VALUE);
}

gql_value *gql_parse_const_value_text(gql_arena *a, const char *src, size_t len,
                                      gql_errors *errs)
{
    return parse_text(a, src, len, errs, GOAL_CONST_VALUE);
}

gql_type_ref *gql_parse_type_text(gql_arena *a, const char *src, size_t len, gql_errors *errs)
{
    return parse_text(a, src, len, errs, GOAL_TYPE);
}
