/* test_printer.c -- gql_print_document / gql_print_value: the text graphql-js
 * 17 print() produces (expected strings below and the golden files were
 * generated with graphql-js 17.1.0), and print/parse round trips. */
#include <stdlib.h>

#include "../test.h"
#include "parser.h"
#include "schema.h"

/* print(parse(src)) into a malloc'ed string; NULL when src does not parse. */
static char *print_doc(const char *src, size_t len)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_document *d = gql_parse(src, len, 0, &errs);
    char *out = NULL;
    if (d) {
        gql_buf b = GQL_BUF_INIT;
        gql_print_document(d, &b);
        gql_buf_cstr(&b);
        out = gql_buf_steal(&b, NULL);
        if (!out)
            out = strdup("");
    } else {
        fprintf(stderr, "  parse failed: %s\n", errs.head->message);
    }
    gql_document_free(d);
    gql_arena_free(&a);
    return out;
}

static char *print_str(const char *src)
{
    return print_doc(src, strlen(src));
}

/* print(parseValue(src)). */
static char *print_value_text(const char *src)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_value *v = gql_parse_value_text(&a, src, strlen(src), &errs);
    char *out = NULL;
    if (v) {
        gql_buf b = GQL_BUF_INIT;
        gql_print_value(v, &b);
        gql_buf_cstr(&b);
        out = gql_buf_steal(&b, NULL);
    }
    gql_arena_free(&a);
    return out;
}

/* print() of a block-string value node holding `s`. */
static char *print_block(const char *s)
{
    gql_value v = {.kind = GQL_VALUE_STRING, .block = true, .len = strlen(s)};
    v.u.str = s;
    gql_buf b = GQL_BUF_INIT;
    gql_print_value(&v, &b);
    gql_buf_cstr(&b);
    return gql_buf_steal(&b, NULL);
}

#define CHECK_PRINT(fn, src, expected)                                                             \
    do {                                                                                           \
        char *got_ = fn(src);                                                                      \
        CHECK_STR(got_, expected);                                                                 \
        free(got_);                                                                                \
    } while (0)

/* print(parse(print(parse(x)))) == print(parse(x)) */
static void check_round_trip(const char *src, size_t len)
{
    char *once = print_doc(src, len);
    CHECK(once != NULL);
    if (!once)
        return;
    char *twice = print_str(once);
    CHECK_STR(twice, once);
    free(once);
    free(twice);
}

static void check_golden(const char *name)
{
    char path[1024];
    size_t len;
    snprintf(path, sizeof path, "%s/golden/printer/%s.graphql", test_data_dir(), name);
    char *src = test_read_file(path, &len);
    snprintf(path, sizeof path, "%s/golden/printer/%s.expected", test_data_dir(), name);
    char *expected = test_read_file(path, NULL);
    CHECK(src != NULL);
    CHECK(expected != NULL);
    if (src && expected) {
        char *got = print_doc(src, len);
        CHECK_STR(got, expected);
        free(got);
        check_round_trip(src, len);
    }
    free(src);
    free(expected);
}

/* ------------------------------------------------------------ documents */

TEST(kitchen_sink_query_prints_as_graphql_js)
{
    check_golden("kitchen_sink");
}

TEST(kitchen_sink_schema_prints_as_graphql_js)
{
    check_golden("schema_kitchen_sink");
}

TEST(query_shorthand_and_anonymous_query_print_bare)
{
    CHECK_PRINT(print_str, "query { a }", "{\n  a\n}");
    CHECK_PRINT(print_str, "{ a { b } c }", "{\n  a {\n    b\n  }\n  c\n}");
    CHECK_PRINT(print_str, "query Q { a }", "query Q {\n  a\n}");
    CHECK_PRINT(print_str, "query @d { a }", "query @d {\n  a\n}");
    CHECK_PRINT(print_str, "query ($a: Int) @x { a }", "query ($a: Int) @x {\n  a\n}");
}

TEST(variable_definitions_with_a_description_go_one_per_line)
{
    CHECK_PRINT(print_str, "query Q(\"d\" $a: Int, $b: Int) { a }",
                "query Q(\n\"d\"\n$a: Int\n$b: Int\n) {\n  a\n}");
}

TEST(argument_definitions_with_a_description_go_one_per_line)
{
    CHECK_PRINT(print_str, "type T { f(\"d\" a: Int): Int }",
                "type T {\n  f(\n    \"d\"\n    a: Int\n  ): Int\n}");
    CHECK_PRINT(print_str, "type T { f(\"\"\"multi\nline\"\"\" a: Int, b: Int): Int }",
                "type T {\n  f(\n    \"\"\"\n    multi\n    line\n    \"\"\"\n    a: Int\n    b: "
                "Int\n  ): Int\n}");
    CHECK_PRINT(print_str, "directive @d(\"x\" a: Int) repeatable on FIELD",
                "directive @d(\n  \"x\"\n  a: Int\n) repeatable on FIELD");
}

TEST(descriptions_keep_their_block_or_quoted_style)
{
    CHECK_PRINT(print_str, "\"\"\"\n  indented\n    more\n\"\"\" type T { a: Int }",
                "\"\"\"\nindented\n  more\n\"\"\"\ntype T {\n  a: Int\n}");
    CHECK_PRINT(print_str, "\"quoted\" scalar S", "\"quoted\"\nscalar S");
    CHECK_PRINT(print_str, "enum E { \"\"\"v\"\"\" A }", "enum E {\n  \"\"\"v\"\"\"\n  A\n}");
}

TEST(description_with_nul_prints_exactly)
{
    CHECK_PRINT(print_str, "\"a\\u0000b\" scalar S", "\"a\\u0000b\"\nscalar S");
}

TEST(long_argument_lists_wrap_past_80_columns)
{
    /* exactly 80: one line */
    CHECK_PRINT(print_str,
                "{ f(argumentNumberOne: \"a long string value\", argumentNumberTwo: 1234567890123456) }",
                "{\n  f(argumentNumberOne: \"a long string value\", argumentNumberTwo: "
                "1234567890123456)\n}");
    CHECK_PRINT(print_str,
                "{ f(argumentNumberOne: \"a long string value\", argumentNumberTwo: 12345678901234567) }",
                "{\n  f(\n    argumentNumberOne: \"a long string value\"\n    argumentNumberTwo: "
                "12345678901234567\n  )\n}");
}

TEST(empty_selection_set_prints_as_braces)
{
    CHECK_PRINT(print_str, "{ a {} }", "{\n  a {}\n}");
}

TEST(extensions_print)
{
    CHECK_PRINT(print_str, "extend schema @a extend scalar S @b extend directive @d @e",
                "extend schema @a\n\nextend scalar S @b\n\nextend directive @d @e");
    CHECK_PRINT(print_str, "extend type T implements I & J", "extend type T implements I & J");
    CHECK_PRINT(print_str, "extend union U = A | B", "extend union U = A | B");
}

/* ---------------------------------------------------------------- values */

TEST(strings_are_escaped_as_graphql_js_print_string)
{
    CHECK_PRINT(print_value_text,
                "\"a\\u0001\\u001f\\u007f\\u0080\\u009f\\u00a0\\t\\n\\r\\b\\f\\\"\\\\/\xC3\xA9\xF0\x9F\x98\x80\"",
                "\"a\\u0001\\u001F\\u007F\\u0080\\u009F\xC2\xA0\\t\\n\\r\\b\\f\\\"\\\\/\xC3\xA9\xF0\x9F\x98\x80\"");
    CHECK_PRINT(print_value_text, "\"\\u0000\"", "\"\\u0000\"");
}

TEST(every_value_kind_prints)
{
    CHECK_PRINT(print_value_text, "{a: [1, 2.5, true, null, ENUM, $v, \"s\"]}",
                "{ a: [1, 2.5, true, null, ENUM, $v, \"s\"] }");
    CHECK_PRINT(print_value_text, "[]", "[]");
    CHECK_PRINT(print_value_text, "{}", "{  }");
    CHECK_PRINT(print_value_text, "-1.5e-3", "-1.5e-3");
}

TEST(long_lists_and_objects_go_multiline)
{
    CHECK_PRINT(print_value_text,
                "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"]",
                "[\n  \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n  "
                "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"\n]");
    CHECK_PRINT(print_value_text,
                "{aaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: 2}",
                "{\n  aaaaaaaaaaaaaaaaaaaaaaaaaaaa: 1\n  "
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb: 2\n}");
}

TEST(block_strings_single_line)
{
    CHECK_PRINT(print_block, "a", "\"\"\"a\"\"\"");
    CHECK_PRINT(print_block, " a", "\"\"\" a\"\"\"");
    CHECK_PRINT(print_block, "", "\"\"\"\"\"\"");
}

TEST(block_strings_trailing_quote_or_backslash_force_a_newline)
{
    CHECK_PRINT(print_block, "a\"", "\"\"\"\na\"\n\"\"\"");
    CHECK_PRINT(print_block, "a\\", "\"\"\"\na\\\n\"\"\"");
}

TEST(block_strings_escape_triple_quotes)
{
    CHECK_PRINT(print_block, "\"\"\"x", "\"\"\"\\\"\"\"x\"\"\"");
    CHECK_PRINT(print_block, "x\"\"\"", "\"\"\"\nx\\\"\"\"\n\"\"\"");
}

TEST(block_strings_multiline_and_leading_whitespace)
{
    CHECK_PRINT(print_block, "a\nb", "\"\"\"\na\nb\n\"\"\"");
    CHECK_PRINT(print_block, "a\n b", "\"\"\"\na\n b\n\"\"\"");
    CHECK_PRINT(print_block, "\n  a\n    b", "\"\"\"\n\n  a\n    b\n\"\"\"");
    CHECK_PRINT(print_block, "  a\n  b", "\"\"\"\n  a\n  b\n\"\"\"");
    CHECK_PRINT(print_block, "a\n\nb", "\"\"\"\na\n\nb\n\"\"\"");
}

TEST(block_strings_longer_than_70_units_go_multiline)
{
    char s[80];
    memset(s, 'x', 70);
    s[70] = '\0';
    char *got = print_block(s);
    CHECK(got && strncmp(got, "\"\"\"x", 4) == 0);
    free(got);
    s[70] = 'x';
    s[71] = '\0';
    got = print_block(s);
    CHECK(got && strncmp(got, "\"\"\"\nx", 5) == 0);
    free(got);
}

TEST(type_references_print)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_errors errs;
    gql_errors_init(&errs, &a);
    gql_type_ref *t = gql_parse_type_text(&a, "[ [Int!] ]!", 11, &errs);
    gql_buf b = GQL_BUF_INIT;
    CHECK(t != NULL);
    if (t)
        gql_print_type_ref(t, &b);
    CHECK_STR(gql_buf_cstr(&b), "[[Int!]]!");
    gql_buf_free(&b);
    gql_arena_free(&a);
}

/* ------------------------------------------------------------ round trips */

TEST(round_trips_are_stable)
{
    static const char *docs[] = {
        "query Q($a: [[Int!]!] = [[1, 2], [3]], $b: Obj = {a: {b: {c: [1.5e10, -0.0]}}}) { a }",
        "{ a(s: \"\"\"  x\n  y\"\"\", t: \"\\u{1F600}\") @d(x: [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa\", "
        "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"]) }",
        "subscription S(\"d\" $x: I @v) @s { a ... on T @i { b } ...F }",
        "\"\"\"d\"\"\" fragment F on T @f { a }",
        "type T implements A & B @d { \"x\" f(\"\"\"y\"\"\" a: Int = 1): [T!]! @deprecated }",
        "union U @d = A | B  enum E @e { A @x B } input I @oneOf { a: Int = 1 @d }",
        "directive @d(a: Int) repeatable on FIELD | QUERY schema @s { query: Q }",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        check_round_trip(docs[i], strlen(docs[i]));
}

TEST_MAIN()
