/* test_parser.c -- the GraphQL parser: every definition kind, values, type
 * references, locations, syntax errors (message and location as graphql-js
 * 17), the token limit and the nesting bound. */
#include <stdlib.h>

#include "../test.h"
#include "parser.h"

typedef struct parsed {
    gql_arena arena; /* errors */
    gql_errors errs;
    gql_document *doc;
} parsed;

static gql_document *parse_n(parsed *p, const char *src, size_t max_tokens)
{
    gql_arena_init(&p->arena, 0);
    gql_errors_init(&p->errs, &p->arena);
    p->doc = gql_parse(src, strlen(src), max_tokens, &p->errs);
    return p->doc;
}

static gql_document *parse(parsed *p, const char *src)
{
    return parse_n(p, src, 0);
}

static void done(parsed *p)
{
    gql_document_free(p->doc);
    gql_arena_free(&p->arena);
}

/* The syntax error of src ("" when it parses), checking that a failed
 * parse reports exactly one error. */
static const char *error_n(parsed *p, const char *src, size_t max_tokens, gql_loc *loc)
{
    if (parse_n(p, src, max_tokens))
        return "";
    CHECK_INT(p->errs.n, 1);
    if (loc)
        *loc = p->errs.head->nlocs ? p->errs.head->locs[0] : (gql_loc){0, 0, 0};
    return p->errs.head->message;
}

static const char *error_of(parsed *p, const char *src, gql_loc *loc)
{
    return error_n(p, src, 0, loc);
}

#define CHECK_ERROR(src, msg, line_, col_)                                                         \
    do {                                                                                           \
        parsed p_;                                                                                 \
        gql_loc l_ = {0, 0, 0};                                                                    \
        CHECK_STR(error_of(&p_, (src), &l_), (msg));                                               \
        CHECK_INT(l_.line, (line_));                                                               \
        CHECK_INT(l_.column, (col_));                                                              \
        done(&p_);                                                                                 \
    } while (0)

static const gql_type_def *type_def(const gql_document *d, size_t i)
{
    return d && i < d->ndefs ? d->defs[i].u.type_def : NULL;
}

/* ---------------------------------------------------------- operations */

TEST(shorthand_query)
{
    parsed p;
    gql_document *d = parse(&p, "{ a }");
    CHECK(d != NULL);
    CHECK_INT(d->ndefs, 1);
    CHECK_INT(d->defs[0].kind, GQL_DEF_OPERATION);
    gql_operation_def *op = d->defs[0].u.operation;
    CHECK(op->shorthand);
    CHECK_INT(op->type, GQL_OP_QUERY);
    CHECK(op->name == NULL);
    CHECK_INT(op->selection_set->n, 1);
    CHECK_STR(op->selection_set->items[0]->name, "a");
    CHECK_INT(d->token_count, 3);
    done(&p);
}

TEST(operation_types_names_variables_and_directives)
{
    parsed p;
    gql_document *d = parse(&p, "query Q($a: Int = 1 @v, $b: [String!]!) @d { a }\n"
                                "mutation M { b } subscription { c }");
    CHECK(d != NULL);
    CHECK_INT(d->ndefs, 3);
    gql_operation_def *q = d->defs[0].u.operation;
    CHECK(!q->shorthand);
    CHECK_STR(q->name, "Q");
    CHECK_INT(q->nvars, 2);
    CHECK_STR(q->vars[0].name, "a");
    CHECK_INT(q->vars[0].type->kind, GQL_TYPE_REF_NAMED);
    CHECK_STR(q->vars[0].type->name, "Int");
    CHECK_STR(q->vars[0].default_value->u.str, "1");
    CHECK_INT(q->vars[0].ndirectives, 1);
    CHECK_STR(q->vars[0].directives[0].name, "v");
    CHECK(q->vars[1].default_value == NULL);
    CHECK_INT(q->vars[1].type->kind, GQL_TYPE_REF_NON_NULL);
    CHECK_INT(q->vars[1].type->of->kind, GQL_TYPE_REF_LIST);
    CHECK_INT(q->vars[1].type->of->of->kind, GQL_TYPE_REF_NON_NULL);
    CHECK_STR(q->vars[1].type->of->of->of->name, "String");
    CHECK_INT(q->ndirectives, 1);
    CHECK_INT(d->defs[1].u.operation->type, GQL_OP_MUTATION);
    CHECK_STR(d->defs[1].u.operation->name, "M");
    CHECK_INT(d->defs[2].u.operation->type, GQL_OP_SUBSCRIPTION);
    CHECK(d->defs[2].u.operation->name == NULL);
    CHECK(!d->defs[2].u.operation->shorthand);
    done(&p);
}

TEST(fields_aliases_arguments_and_nested_selections)
{
    parsed p;
    gql_document *d = parse(&p, "{ x: a(b: 1, c: $v) @skip(if: true) { d } e }");
    CHECK(d != NULL);
    gql_selection_set *ss = d->defs[0].u.operation->selection_set;
    CHECK_INT(ss->n, 2);
    gql_selection *f = ss->items[0];
    CHECK_INT(f->kind, GQL_SEL_FIELD);
    CHECK_STR(f->alias, "x");
    CHECK_STR(f->name, "a");
    CHECK_INT(f->nargs, 2);
    CHECK_STR(f->args[1].name, "c");
    CHECK_INT(f->args[1].value->kind, GQL_VALUE_VARIABLE);
    CHECK_STR(f->args[1].value->u.name, "v");
    CHECK_INT(f->ndirectives, 1);
    CHECK_STR(f->directives[0].name, "skip");
    CHECK_INT(f->directives[0].args[0].value->kind, GQL_VALUE_BOOLEAN);
    CHECK_INT(f->selection_set->n, 1);
    CHECK(ss->items[1]->alias == NULL);
    CHECK(ss->items[1]->selection_set == NULL);
    done(&p);
}

TEST(fragment_spreads_and_inline_fragments)
{
    parsed p;
    gql_document *d = parse(&p, "{ ...F @a ... on T { x } ... @b { y } ... { z } }\n"
                                "fragment F on T @c { x }");
    CHECK(d != NULL);
    gql_selection **s = d->defs[0].u.operation->selection_set->items;
    CHECK_INT(s[0]->kind, GQL_SEL_FRAGMENT_SPREAD);
    CHECK_STR(s[0]->name, "F");
    CHECK_INT(s[0]->ndirectives, 1);
    CHECK_INT(s[1]->kind, GQL_SEL_INLINE_FRAGMENT);
    CHECK_STR(s[1]->type_condition, "T");
    CHECK_INT(s[2]->kind, GQL_SEL_INLINE_FRAGMENT);
    CHECK(s[2]->type_condition == NULL);
    CHECK_INT(s[2]->ndirectives, 1);
    CHECK(s[3]->type_condition == NULL);
    CHECK_INT(s[3]->selection_set->n, 1);
    CHECK_INT(d->defs[1].kind, GQL_DEF_FRAGMENT);
    gql_fragment_def *f = d->defs[1].u.fragment;
    CHECK_STR(f->name, "F");
    CHECK_STR(f->type_condition, "T");
    CHECK_INT(f->ndirectives, 1);
    done(&p);
}

TEST(empty_selection_sets_parse_as_graphql_js_17)
{
    parsed p;
    gql_document *d = parse(&p, "{ a {} }");
    CHECK(d != NULL);
    CHECK(d && d->defs[0].u.operation->selection_set->items[0]->selection_set->n == 0);
    done(&p);
}

TEST(descriptions_on_operations_fragments_and_variables)
{
    parsed p;
    gql_document *d = parse(&p, "\"op\" query Q(\"var\" $a: Int) { a }\n"
                                "\"\"\"frag\"\"\" fragment F on T { a }");
    CHECK(d != NULL);
    CHECK_STR(d->defs[0].u.operation->description, "op");
    CHECK_STR(d->defs[0].u.operation->vars[0].description, "var");
    CHECK_STR(d->defs[1].u.fragment->description, "frag");
    done(&p);
}

/* -------------------------------------------------------------- values */

TEST(every_value_kind)
{
    parsed p;
    gql_document *d = parse(&p, "{ f(i: -12, fl: 1.5e3, s: \"x\", b: \"\"\" y \"\"\", t: true, "
                                "n: null, e: RED, l: [1, [2]], o: {k: \"v\", m: {}}, v: $var) }");
    CHECK(d != NULL);
    gql_argument *a = d->defs[0].u.operation->selection_set->items[0]->args;
    CHECK_INT(a[0].value->kind, GQL_VALUE_INT);
    CHECK_STR(a[0].value->u.str, "-12");
    CHECK_INT(a[0].value->len, 3);
    CHECK_INT(a[1].value->kind, GQL_VALUE_FLOAT);
    CHECK_STR(a[1].value->u.str, "1.5e3");
    CHECK_INT(a[2].value->kind, GQL_VALUE_STRING);
    CHECK(!a[2].value->block);
    CHECK_INT(a[3].value->kind, GQL_VALUE_STRING);
    CHECK(a[3].value->block);
    CHECK_STR(a[3].value->u.str, " y ");
    CHECK_INT(a[4].value->kind, GQL_VALUE_BOOLEAN);
    CHECK(a[4].value->u.boolean);
    CHECK_INT(a[5].value->kind, GQL_VALUE_NULL);
    CHECK_INT(a[6].value->kind, GQL_VALUE_ENUM);
    CHECK_STR(a[6].value->u.name, "RED");
    CHECK_INT(a[7].value->kind, GQL_VALUE_LIST);
    CHECK_INT(a[7].value->u.list.n, 2);
    CHECK_INT(a[7].value->u.list.items[1]->u.list.items[0]->kind, GQL_VALUE_INT);
    CHECK_INT(a[8].value->kind, GQL_VALUE_OBJECT);
    CHECK_INT(a[8].value->u.object.n, 2);
    CHECK_STR(a[8].value->u.object.fields[0].name, "k");
    CHECK_INT(a[8].value->u.object.fields[1].value->u.object.n, 0);
    CHECK_INT(a[9].value->kind, GQL_VALUE_VARIABLE);
    done(&p);
}

TEST(string_values_may_contain_nul)
{
    parsed p;
    gql_document *d = parse(&p, "{ f(s: \"a\\u0000b\") }");
    CHECK(d != NULL);
    gql_value *v = d->defs[0].u.operation->selection_set->items[0]->args[0].value;
    CHECK_INT(v->len, 3);
    CHECK(memcmp(v->u.str, "a\0b", 4) == 0);
    done(&p);
}

TEST(variables_are_not_allowed_in_constant_values)
{
    CHECK_ERROR("query Q($a: Int = $b) { a }",
                "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 19);
    CHECK_ERROR("query Q($a: [Int] = [$b]) { a }",
                "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 22);
    CHECK_ERROR("type T { f(a: Int = $b): Int }",
                "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 21);
    CHECK_ERROR("query Q($a: Int = $) { a }", "Syntax Error: Unexpected \"$\".", 1, 19);
    CHECK_ERROR("query Q($a: Int @d(x: $b)) { a }",
                "Syntax Error: Unexpected variable \"$b\" in constant value.", 1, 23);
}

/* ------------------------------------------------------------- type system */

TEST(schema_definition_and_extension)
{
    parsed p;
    gql_document *d = parse(&p, "\"desc\" schema @d { query: Q mutation: M subscription: S }\n"
                                "extend schema @e\nextend schema { mutation: M2 }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_SCHEMA);
    const gql_type_def *s = type_def(d, 0);
    CHECK_STR(s->description, "desc");
    CHECK(s->name == NULL);
    CHECK_INT(s->nroot_ops, 3);
    CHECK_INT(s->root_ops[1].op, GQL_OP_MUTATION);
    CHECK_STR(s->root_ops[1].type.name, "M");
    CHECK_INT(s->ndirectives, 1);
    CHECK(type_def(d, 1)->extension);
    CHECK_INT(type_def(d, 1)->ndirectives, 1);
    CHECK_INT(type_def(d, 2)->nroot_ops, 1);
    done(&p);
}

TEST(scalar_definition_and_extension)
{
    parsed p;
    gql_document *d = parse(&p, "scalar Date @specifiedBy(url: \"u\") extend scalar Date @x");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_SCALAR);
    CHECK_STR(type_def(d, 0)->name, "Date");
    CHECK_INT(type_def(d, 0)->ndirectives, 1);
    CHECK(type_def(d, 1)->extension);
    done(&p);
}

TEST(object_type_with_interfaces_fields_and_arguments)
{
    parsed p;
    gql_document *d = parse(&p, "\"T\" type T implements & A & B @d {\n"
                                "  \"f\" f(\"arg\" x: Int = 1 @deprecated, y: [ID!]): String! @e\n"
                                "  g: T\n}");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_OBJECT);
    const gql_type_def *t = type_def(d, 0);
    CHECK_STR(t->description, "T");
    CHECK_INT(t->ninterfaces, 2);
    CHECK_STR(t->interfaces[1].name, "B");
    CHECK_INT(t->nfields, 2);
    CHECK_STR(t->fields[0].description, "f");
    CHECK_INT(t->fields[0].nargs, 2);
    CHECK_STR(t->fields[0].args[0].description, "arg");
    CHECK_STR(t->fields[0].args[0].default_value->u.str, "1");
    CHECK_INT(t->fields[0].args[0].ndirectives, 1);
    CHECK_INT(t->fields[0].type->kind, GQL_TYPE_REF_NON_NULL);
    CHECK_INT(t->fields[0].ndirectives, 1);
    done(&p);
}

TEST(interfaces_may_implement_interfaces)
{
    parsed p;
    gql_document *d = parse(&p, "interface I implements J & K { a: Int } extend interface I implements L");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_INTERFACE);
    CHECK_INT(type_def(d, 0)->ninterfaces, 2);
    CHECK(type_def(d, 1)->extension);
    CHECK_INT(type_def(d, 1)->ninterfaces, 1);
    done(&p);
}

TEST(type_without_fields_and_extensions)
{
    parsed p;
    gql_document *d = parse(&p, "type T extend type T { b: Int } extend type T @d extend type T implements I");
    CHECK(d != NULL);
    CHECK_INT(d->ndefs, 4);
    CHECK_INT(type_def(d, 0)->nfields, 0);
    CHECK_INT(type_def(d, 1)->nfields, 1);
    done(&p);
}

TEST(union_members_with_optional_leading_pipe)
{
    parsed p;
    gql_document *d = parse(&p, "union U = | A | B union V @d = C union W extend union U = D");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_UNION);
    CHECK_INT(type_def(d, 0)->nmembers, 2);
    CHECK_STR(type_def(d, 0)->members[1].name, "B");
    CHECK_INT(type_def(d, 1)->nmembers, 1);
    CHECK_INT(type_def(d, 2)->nmembers, 0);
    CHECK(type_def(d, 3)->extension);
    done(&p);
}

TEST(enum_values_with_descriptions_and_directives)
{
    parsed p;
    gql_document *d = parse(&p, "enum E { \"a\" A B @deprecated(reason: \"x\") } extend enum E { C }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_ENUM);
    const gql_type_def *e = type_def(d, 0);
    CHECK_INT(e->nvalues, 2);
    CHECK_STR(e->values[0].description, "a");
    CHECK_STR(e->values[1].name, "B");
    CHECK_INT(e->values[1].ndirectives, 1);
    CHECK_INT(type_def(d, 1)->nvalues, 1);
    done(&p);
}

TEST(enum_values_true_false_null_are_reserved)
{
    CHECK_ERROR("enum E { true }",
                "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.", 1,
                10);
    CHECK_ERROR("enum E { A null }",
                "Syntax Error: Name \"null\" is reserved and cannot be used for an enum value.", 1,
                12);
    CHECK_ERROR("enum E { \"d\" false }",
                "Syntax Error: Name \"false\" is reserved and cannot be used for an enum value.",
                1, 14);
}

TEST(input_object_definition_and_extension)
{
    parsed p;
    gql_document *d = parse(&p, "input I @oneOf { a: Int = 1, b: [I!] @d } extend input I { c: ID }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_INPUT_OBJECT);
    CHECK_INT(type_def(d, 0)->ninput_fields, 2);
    CHECK_STR(type_def(d, 0)->input_fields[1].name, "b");
    CHECK_INT(type_def(d, 0)->ndirectives, 1);
    CHECK_INT(type_def(d, 1)->ninput_fields, 1);
    done(&p);
}

TEST(directive_definition_repeatable_and_locations)
{
    parsed p;
    gql_document *d = parse(&p, "\"d\" directive @d(a: Int = 2) repeatable on | FIELD | QUERY\n"
                                "directive @e on ENUM_VALUE");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].kind, GQL_DEF_DIRECTIVE);
    const gql_type_def *t = type_def(d, 0);
    CHECK_STR(t->name, "d");
    CHECK_STR(t->description, "d");
    CHECK(t->repeatable);
    CHECK_INT(t->nargs, 1);
    CHECK_INT(t->locations, (1u << GQL_DL_FIELD) | (1u << GQL_DL_QUERY));
    CHECK_INT(t->nlocation_names, 2);
    CHECK_STR(t->location_names[1].name, "QUERY");
    CHECK(!type_def(d, 1)->repeatable);
    CHECK_INT(type_def(d, 1)->locations, 1u << GQL_DL_ENUM_VALUE);
    done(&p);
}

TEST(directive_definitions_may_have_directives_and_extensions)
{
    parsed p;
    gql_document *d = parse(&p, "directive @d @x on FIELD extend directive @d @y");
    CHECK(d != NULL);
    CHECK_INT(type_def(d, 0)->ndirectives, 1);
    CHECK(type_def(d, 1)->extension);
    CHECK_INT(d->defs[1].kind, GQL_DEF_DIRECTIVE);
    CHECK_STR(type_def(d, 1)->directives[0].name, "y");
    done(&p);
}

TEST(unknown_directive_location_is_an_error)
{
    CHECK_ERROR("directive @d on FIELD | FOO", "Syntax Error: Unexpected Name \"FOO\".", 1, 25);
    CHECK_ERROR("directive @d on field", "Syntax Error: Unexpected Name \"field\".", 1, 17);
    CHECK_ERROR("directive @d repeatable", "Syntax Error: Expected \"on\", found <EOF>.", 1, 24);
}

TEST(extensions_must_add_something)
{
    CHECK_ERROR("extend type A", "Syntax Error: Unexpected <EOF>.", 1, 14);
    CHECK_ERROR("extend schema", "Syntax Error: Unexpected <EOF>.", 1, 14);
    CHECK_ERROR("extend scalar S", "Syntax Error: Unexpected <EOF>.", 1, 16);
    CHECK_ERROR("extend union U", "Syntax Error: Unexpected <EOF>.", 1, 15);
    CHECK_ERROR("extend enum E", "Syntax Error: Unexpected <EOF>.", 1, 14);
    CHECK_ERROR("extend input I", "Syntax Error: Unexpected <EOF>.", 1, 15);
    CHECK_ERROR("extend interface I", "Syntax Error: Unexpected <EOF>.", 1, 19);
    CHECK_ERROR("extend directive @a", "Syntax Error: Unexpected <EOF>.", 1, 20);
    CHECK_ERROR("extend foo", "Syntax Error: Unexpected Name \"foo\".", 1, 8);
    CHECK_ERROR("extend", "Syntax Error: Unexpected <EOF>.", 1, 7);
}

/* ------------------------------------------------------------ syntax errors */

TEST(empty_document_is_an_error)
{
    CHECK_ERROR("", "Syntax Error: Unexpected <EOF>.", 1, 1);
    CHECK_ERROR("  # only a comment\n", "Syntax Error: Unexpected <EOF>.", 2, 1);
}

TEST(expected_token_errors)
{
    CHECK_ERROR("{", "Syntax Error: Expected Name, found <EOF>.", 1, 2);
    CHECK_ERROR("query Q(", "Syntax Error: Expected \"$\", found <EOF>.", 1, 9);
    CHECK_ERROR("query Q($a Int) { a }", "Syntax Error: Expected \":\", found Name \"Int\".", 1,
                12);
    CHECK_ERROR("{ a(x: ) }", "Syntax Error: Unexpected \")\".", 1, 8);
    CHECK_ERROR("{ a() }", "Syntax Error: Expected Name, found \")\".", 1, 5);
    CHECK_ERROR("{ a: }", "Syntax Error: Expected Name, found \"}\".", 1, 6);
    CHECK_ERROR("fragment F T { a }", "Syntax Error: Expected \"on\", found Name \"T\".", 1, 12);
    CHECK_ERROR("{ a(\"x\": 1) }", "Syntax Error: Expected Name, found String \"x\".", 1, 5);
}

TEST(unexpected_token_errors)
{
    CHECK_ERROR("}", "Syntax Error: Unexpected \"}\".", 1, 1);
    CHECK_ERROR("foo { a }", "Syntax Error: Unexpected Name \"foo\".", 1, 1);
    CHECK_ERROR("query", "Syntax Error: Expected \"{\", found <EOF>.", 1, 6);
    CHECK_ERROR("{ a } fragment", "Syntax Error: Expected Name, found <EOF>.", 1, 15);
    CHECK_ERROR("schema { foo: Q }", "Syntax Error: Unexpected Name \"foo\".", 1, 10);
    CHECK_ERROR("type T { a: Int \"\"\"x\"\"\" }",
                "Syntax Error: Expected Name, found \"}\".", 1, 25);
}

TEST(fragments_may_not_be_named_on)
{
    CHECK_ERROR("fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10);
    CHECK_ERROR("{ ... on { a } }", "Syntax Error: Expected Name, found \"{\".", 1, 10);
}

TEST(description_errors)
{
    CHECK_ERROR("\"d\" { a }",
                "Syntax Error: Unexpected description, descriptions are not supported on "
                "shorthand queries.",
                1, 1);
    CHECK_ERROR("\"d\" extend type A @a",
                "Syntax Error: Unexpected description, only GraphQL definitions support "
                "descriptions.",
                1, 1);
    CHECK_ERROR("\"a\" \"b\" type T", "Syntax Error: Unexpected String \"b\".", 1, 5);
}

TEST(lexer_errors_are_syntax_errors_with_location)
{
    CHECK_ERROR("{ a(x: 1.2.3) }",
                "Syntax Error: Invalid number, expected digit but got: \".\".", 1, 11);
    CHECK_ERROR("{\n  a(x: \"abc\n", "Syntax Error: Unterminated string.", 2, 12);
    CHECK_ERROR("{ \xF0\x9F\x98\x80 }", "Syntax Error: Unexpected character: U+1F600.", 1, 3);
    CHECK_ERROR("{ a } \xF0\x9F\x98\x80 ?", "Syntax Error: Unexpected character: U+1F600.", 1,
                7);
    CHECK_ERROR("{ a(x: \"\xF0\x9F\x98\x80\") ? }", "Syntax Error: Unexpected character: \"?\".",
                1, 14);
}

TEST(a_failed_parse_adds_exactly_one_error_to_existing_ones)
{
    parsed p;
    gql_arena_init(&p.arena, 0);
    gql_errors_init(&p.errs, &p.arena);
    gql_errors_add(&p.errs, NULL, "earlier");
    CHECK(gql_parse("{", 1, 0, &p.errs) == NULL);
    CHECK_INT(p.errs.n, 2);
    CHECK_STR(p.errs.tail->message, "Syntax Error: Expected Name, found <EOF>.");
    CHECK_INT(p.errs.tail->locs[0].offset, 1);
    p.doc = NULL;
    done(&p);
}

/* ----------------------------------------------------------------- limits */

TEST(token_limit_error_message_and_location)
{
    parsed p;
    gql_loc loc = {0, 0, 0};
    CHECK_STR(error_n(&p, "{ a b c d }", 3, &loc),
              "Syntax Error: Document contains more than 3 tokens. Parsing aborted.");
    CHECK_INT(loc.line, 1);
    CHECK_INT(loc.column, 7);
    done(&p);
}

TEST(token_limit_counts_every_token_but_eof)
{
    parsed p;
    CHECK(parse_n(&p, "{ a b c }", 5) != NULL);
    CHECK_INT(p.doc->token_count, 5);
    done(&p);
    CHECK(parse_n(&p, "{ a b c }", 4) == NULL);
    done(&p);
    /* comments and commas are not tokens */
    CHECK(parse_n(&p, "{ a, # c\n b }", 4) != NULL);
    done(&p);
}

static char *nested(const char *open, const char *middle, const char *close, int depth)
{
    size_t lo = strlen(open), lm = strlen(middle), lc = strlen(close);
    char *s = malloc((lo + lc) * (size_t)depth + lm + 64);
    size_t n = 0;
    memcpy(s, "{ f(a: ", 7);
    n = 7;
    for (int i = 0; i < depth; i++, n += lo)
        memcpy(s + n, open, lo);
    memcpy(s + n, middle, lm);
    n += lm;
    for (int i = 0; i < depth; i++, n += lc)
        memcpy(s + n, close, lc);
    memcpy(s + n, ") }", 4);
    return s;
}

TEST(nesting_bound_on_lists_and_objects)
{
    parsed p;
    /* the selection set counts one level, the argument's lists the rest */
    char *ok = nested("[", "1", "]", GQL_PARSE_MAX_DEPTH - 1);
    char *deep = nested("[", "1", "]", GQL_PARSE_MAX_DEPTH);
    char *objs = nested("{a: ", "1", "}", GQL_PARSE_MAX_DEPTH);
    CHECK(parse(&p, ok) != NULL);
    done(&p);
    gql_loc loc;
    CHECK_STR(error_of(&p, deep, &loc), "Syntax Error: Document nesting is too deep.");
    CHECK_INT(loc.column, 7 + GQL_PARSE_MAX_DEPTH);
    done(&p);
    CHECK_STR(error_of(&p, objs, NULL), "Syntax Error: Document nesting is too deep.");
    done(&p);
    free(ok);
    free(deep);
    free(objs);
}

TEST(nesting_bound_on_selection_sets_and_list_types)
{
    parsed p;
    size_t depth = GQL_PARSE_MAX_DEPTH + 1;
    char *sel = malloc(depth * 5 + 8), *typ = malloc(depth * 2 + 64);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++, n += 4)
        memcpy(sel + n, "{ a ", 4);
    for (size_t i = 0; i < depth; i++)
        sel[n++] = '}';
    sel[n] = '\0';
    CHECK_STR(error_of(&p, sel, NULL), "Syntax Error: Document nesting is too deep.");
    done(&p);
    n = (size_t)sprintf(typ, "query Q($a: ");
    for (size_t i = 0; i < depth; i++)
        typ[n++] = '[';
    typ[n++] = 'I';
    for (size_t i = 0; i < depth; i++)
        typ[n++] = ']';
    strcpy(typ + n, ") { a }");
    CHECK_STR(error_of(&p, typ, NULL), "Syntax Error: Document nesting is too deep.");
    done(&p);
    free(sel);
    free(typ);
}

TEST(very_deep_input_fails_cleanly)
{
    parsed p;
    size_t depth = 100000;
    char *s = malloc(depth + 1);
    memset(s, '[', depth);
    s[depth] = '\0';
    char *q = malloc(depth + 16);
    sprintf(q, "{ f(a: %s", s);
    CHECK_STR(error_of(&p, q, NULL), "Syntax Error: Document nesting is too deep.");
    done(&p);
    free(s);
    free(q);
}

/* -------------------------------------------------------------- locations */

TEST(locations_of_definitions_and_selections)
{
    parsed p;
    gql_document *d = parse(&p, "query Q {\n  al: f(x: 1) @d { g }\n  ...F\n  ... on T { h }\n}\n"
                                "fragment F on T { i }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].loc.line, 1);
    CHECK_INT(d->defs[0].loc.column, 1);
    gql_operation_def *op = d->defs[0].u.operation;
    CHECK_INT(op->name_loc.column, 7);
    CHECK_INT(op->selection_set->loc.column, 9);
    gql_selection *f = op->selection_set->items[0];
    CHECK_INT(f->loc.line, 2);
    CHECK_INT(f->loc.column, 3);
    CHECK_INT(f->loc.offset, 12);
    CHECK_INT(f->name_loc.column, 7);
    CHECK_INT(f->args[0].loc.column, 9);
    CHECK_INT(f->args[0].value->loc.column, 12);
    CHECK_INT(f->directives[0].loc.column, 15);
    CHECK_INT(f->selection_set->loc.column, 18);
    gql_selection *spread = op->selection_set->items[1];
    CHECK_INT(spread->loc.line, 3);
    CHECK_INT(spread->loc.column, 3);
    CHECK_INT(spread->name_loc.column, 6);
    gql_selection *inl = op->selection_set->items[2];
    CHECK_INT(inl->loc.column, 3);
    CHECK_INT(inl->type_condition_loc.column, 10);
    CHECK_INT(d->defs[1].loc.line, 6);
    CHECK_INT(d->defs[1].u.fragment->loc.line, 6);
    CHECK_INT(d->defs[1].u.fragment->name_loc.column, 10);
    CHECK_INT(d->defs[1].u.fragment->type_condition_loc.column, 15);
    done(&p);
}

TEST(variable_name_location_is_its_own)
{
    parsed p;
    gql_document *d = parse(&p, "query Q(\"d\" $  a: Int) { a }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].u.operation->vars[0].loc.column, 9);
    CHECK_INT(d->defs[0].u.operation->vars[0].name_loc.column, 16);
    done(&p);
}

TEST(locations_of_variables_and_types)
{
    parsed p;
    gql_document *d = parse(&p, "query Q($a: [Int!] = {k: 1}) { a }");
    CHECK(d != NULL);
    gql_variable_def *v = &d->defs[0].u.operation->vars[0];
    CHECK_INT(v->loc.column, 9);
    CHECK_INT(v->type->loc.column, 13);
    CHECK_INT(v->type->of->loc.column, 14);
    CHECK_INT(v->type->of->of->loc.column, 14);
    CHECK_INT(v->default_value->loc.column, 22);
    CHECK_INT(v->default_value->u.object.fields[0].loc.column, 23);
    done(&p);
}

TEST(a_description_starts_its_node_as_in_graphql_js)
{
    parsed p;
    gql_document *d = parse(&p, "\"d\" query Q(\"v\" $a: Int) { a }\n"
                                "\"t\" type T { \"f\" f(\"a\" a: Int): Int }");
    CHECK(d != NULL);
    CHECK_INT(d->defs[0].loc.column, 1);
    CHECK_INT(d->defs[0].u.operation->loc.column, 1);
    CHECK_INT(d->defs[0].u.operation->vars[0].loc.column, 13);
    const gql_type_def *t = type_def(d, 1);
    CHECK_INT(t->loc.line, 2);
    CHECK_INT(t->loc.column, 1);
    CHECK_INT(t->name_loc.column, 10);
    CHECK_INT(t->fields[0].loc.column, 14);
    CHECK_INT(t->fields[0].args[0].loc.column, 20);
    done(&p);
}

TEST(locations_in_type_system_definitions)
{
    parsed p;
    gql_document *d = parse(&p, "extend type T implements I { f: Int }\n"
                                "union U = A | B\nschema { query: Q }\ndirective @d on FIELD | QUERY");
    CHECK(d != NULL);
    CHECK_INT(type_def(d, 0)->loc.column, 1);
    CHECK_INT(type_def(d, 0)->name_loc.column, 13);
    CHECK_INT(type_def(d, 0)->interfaces[0].loc.column, 26);
    CHECK_INT(type_def(d, 1)->members[1].loc.column, 15);
    CHECK_INT(type_def(d, 2)->root_ops[0].type.loc.column, 17);
    CHECK_INT(type_def(d, 3)->name_loc.column, 12);
    CHECK_INT(type_def(d, 3)->location_names[1].loc.column, 25);
    done(&p);
}

/* --------------------------------------------------------- text helpers */

TEST(parse_value_text_allows_variables)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_value *v = gql_parse_value_text(&a, "[1, $x, {a: \"s\"}]", 17, &errs);
    CHECK(v != NULL);
    CHECK_INT(v->kind, GQL_VALUE_LIST);
    CHECK_INT(v->u.list.items[1]->kind, GQL_VALUE_VARIABLE);
    CHECK(gql_parse_value_text(&a, "1 2", 3, &errs) == NULL);
    CHECK_STR(errs.head->message, "Syntax Error: Expected <EOF>, found Int \"2\".");
    CHECK_INT(errs.head->locs[0].column, 3);
    gql_arena_free(&a);
}

TEST(parse_const_value_text_rejects_variables)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    CHECK(gql_parse_const_value_text(&a, "{a: 1}", 6, &errs) != NULL);
    CHECK(gql_parse_const_value_text(&a, "$x", 2, &errs) == NULL);
    CHECK_STR(errs.head->message, "Syntax Error: Unexpected variable \"$x\" in constant value.");
    gql_arena_free(&a);
}

TEST(parse_type_text)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_type_ref *t = gql_parse_type_text(&a, "[Int!]!", 7, &errs);
    CHECK(t != NULL);
    CHECK_INT(t->kind, GQL_TYPE_REF_NON_NULL);
    CHECK_STR(t->of->of->of->name, "Int");
    CHECK(gql_parse_type_text(&a, "[Int", 4, &errs) == NULL);
    CHECK_STR(errs.head->message, "Syntax Error: Expected \"]\", found <EOF>.");
    gql_arena_free(&a);
}

TEST(source_is_not_read_past_its_length)
{
    parsed p;
    /* exactly-sized heap copies: ASan would catch any read past the end */
    const char *texts[] = {"{ a }", "{ a(x: \"abc", "{ a(x: 12", "\"\"\"", "{ a(x: \"\\u{1F"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t n = strlen(texts[i]);
        char *s = malloc(n);
        memcpy(s, texts[i], n);
        gql_arena_init(&p.arena, 0);
        gql_errors_init(&p.errs, &p.arena);
        p.doc = gql_parse(s, n, 0, &p.errs);
        CHECK_INT(p.doc ? 0 : 1, i == 0 ? 0 : 1);
        done(&p);
        free(s);
    }
}

TEST(document_keeps_a_copy_of_its_source)
{
    parsed p;
    char src[] = "{ a }";
    CHECK(parse(&p, src) != NULL);
    src[2] = 'b';
    CHECK_STR(p.doc->source, "{ a }");
    CHECK_INT(p.doc->source_len, 5);
    CHECK_STR(p.doc->defs[0].u.operation->selection_set->items[0]->name, "a");
    done(&p);
}

TEST_MAIN()
