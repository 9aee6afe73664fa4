/* test_lexer.c -- the GraphQL lexer: tokens, escapes, block strings, numbers,
 * ignored characters, locations and error messages (as graphql-js 17). */
#include "../test.h"
#include "lexer.h"

/* Lex the whole of src; returns the number of tokens before EOF, or -1 on
 * an error (message in *err, location in *loc). */
typedef struct lexed {
    gql_arena arena;
    gql_token tok[64];
    int n;
    const char *err;
    gql_loc loc;
    bool used; /* the arena holds a previous run's tokens */
} lexed;

static int lex_n(lexed *l, const char *src, size_t len, bool comments)
{
    gql_lexer lx;
    if (l->used)
        gql_arena_free(&l->arena);
    gql_arena_init(&l->arena, 0);
    l->used = true;
    gql_lexer_init(&lx, src, len, &l->arena);
    lx.keep_comments = comments;
    l->n = 0;
    l->err = NULL;
    for (;;) {
        gql_token t;
        if (!gql_lexer_next(&lx, &t)) {
            l->err = lx.error;
            l->loc = gql_source_location(src, len, lx.error_pos);
            return l->n = -1;
        }
        if (t.kind == GQL_TOK_EOF)
            return l->n;
        if (l->n < 64)
            l->tok[l->n++] = t;
    }
}

static int lex(lexed *l, const char *src)
{
    return lex_n(l, src, strlen(src), false);
}

/* The single token of src (checks there is exactly one). */
static gql_token one(lexed *l, const char *src)
{
    int n = lex(l, src);
    CHECK_INT(n, 1);
    if (n != 1) {
        gql_token none = {0};
        return none;
    }
    return l->tok[0];
}

static char *value_str(lexed *l, const gql_token *t)
{
    return gql_arena_strndup(&l->arena, t->value ? t->value : "", t->len);
}

/* The error message of lexing src, "" when it lexes. */
static const char *error_of(lexed *l, const char *src)
{
    lex(l, src);
    return l->err ? l->err : "";
}

#define DONE(l) (gql_arena_free(&(l).arena), (l).used = false)

TEST(punctuators_each_have_their_kind)
{
    lexed l = {0};
    static const gql_token_kind want[] = {
        GQL_TOK_BANG,      GQL_TOK_DOLLAR,    GQL_TOK_AMP,     GQL_TOK_PAREN_L, GQL_TOK_PAREN_R,
        GQL_TOK_SPREAD,    GQL_TOK_COLON,     GQL_TOK_EQUALS,  GQL_TOK_AT,      GQL_TOK_BRACKET_L,
        GQL_TOK_BRACKET_R, GQL_TOK_BRACE_L,   GQL_TOK_PIPE,    GQL_TOK_BRACE_R,
    };
    CHECK_INT(lex(&l, "! $ & ( ) ... : = @ [ ] { | }"), 14);
    for (int i = 0; i < 14; i++) {
        CHECK_INT(l.tok[i].kind, want[i]);
        CHECK(l.tok[i].value == NULL);
    }
    CHECK_INT(l.tok[5].end - l.tok[5].start, 3);
    DONE(l);
}

TEST(token_kind_descriptions_are_graphql_js_ones)
{
    CHECK_STR(gql_token_kind_desc(GQL_TOK_EOF), "<EOF>");
    CHECK_STR(gql_token_kind_desc(GQL_TOK_SPREAD), "\"...\"");
    CHECK_STR(gql_token_kind_desc(GQL_TOK_NAME), "Name");
    CHECK_STR(gql_token_kind_desc(GQL_TOK_BLOCK_STRING), "BlockString");
}

TEST(names_are_letters_digits_and_underscores)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "_a1 Zz9_ b"), 3);
    CHECK_INT(l.tok[0].kind, GQL_TOK_NAME);
    CHECK_STR(value_str(&l, &l.tok[0]), "_a1");
    CHECK_STR(value_str(&l, &l.tok[1]), "Zz9_");
    CHECK_STR(value_str(&l, &l.tok[2]), "b");
    DONE(l);
}

TEST(integers_and_floats_keep_their_raw_text)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "0 -0 123 -45 1.5 -0.25 1e10 2E-3 6.02e+23"), 9);
    for (int i = 0; i < 4; i++)
        CHECK_INT(l.tok[i].kind, GQL_TOK_INT);
    for (int i = 4; i < 9; i++)
        CHECK_INT(l.tok[i].kind, GQL_TOK_FLOAT);
    CHECK_STR(value_str(&l, &l.tok[3]), "-45");
    CHECK_STR(value_str(&l, &l.tok[8]), "6.02e+23");
    DONE(l);
}

TEST(number_errors_match_graphql_js)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "00"), "Invalid number, unexpected digit after 0: \"0\".");
    CHECK_INT(l.loc.column, 2);
    CHECK_STR(error_of(&l, "1."), "Invalid number, expected digit but got: <EOF>.");
    CHECK_STR(error_of(&l, "1.e1"), "Invalid number, expected digit but got: \"e\".");
    CHECK_STR(error_of(&l, "-"), "Invalid number, expected digit but got: <EOF>.");
    CHECK_STR(error_of(&l, "1e"), "Invalid number, expected digit but got: <EOF>.");
    CHECK_STR(error_of(&l, "0x1"), "Invalid number, expected digit but got: \"x\".");
    CHECK_INT(l.loc.column, 2);
    CHECK_STR(error_of(&l, "1.2.3"), "Invalid number, expected digit but got: \".\".");
    CHECK_INT(l.loc.column, 4);
    CHECK_STR(error_of(&l, "123_"), "Invalid number, expected digit but got: \"_\".");
    CHECK_STR(error_of(&l, ".5"), "Invalid number, expected digit before \".\", did you mean \"0.5\"?");
    CHECK_STR(error_of(&l, "1\"a\""), ""); /* a number may be followed by a string */
    DONE(l);
}

TEST(dot_errors)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, ".."), "Unexpected \"..\", did you mean \"...\"?");
    CHECK_STR(error_of(&l, "."), "Unexpected character: \".\".");
    DONE(l);
}

TEST(simple_string_value)
{
    lexed l = {0};
    gql_token t = one(&l, "\"hello world\"");
    CHECK_INT(t.kind, GQL_TOK_STRING);
    CHECK_STR(t.value, "hello world");
    CHECK_INT(t.len, 11);
    CHECK_INT(t.end, 13);
    DONE(l);
}

TEST(string_single_character_escapes)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
    CHECK_STR(t.value, "\" \\ / \b \f \n \r \t");
    DONE(l);
}

TEST(string_unicode_escape_fixed_width)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\\u0041\\u00e9\\u20AC\"");
    CHECK_STR(t.value, "A\xC3\xA9\xE2\x82\xAC");
    DONE(l);
}

TEST(string_escaped_surrogate_pair_is_one_code_point)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\\uD83D\\uDE00\"");
    CHECK_STR(t.value, "\xF0\x9F\x98\x80");
    CHECK_INT(t.len, 4);
    DONE(l);
}

TEST(string_unicode_escape_braced)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\\u{1F600}\\u{41}\\u{00000041}\"");
    CHECK_STR(t.value, "\xF0\x9F\x98\x80" "AA");
    DONE(l);
}

TEST(string_escaped_nul_is_kept_with_its_length)
{
    lexed l = {0};
    gql_token t = one(&l, "\"a\\u0000b\"");
    CHECK_INT(t.len, 3);
    CHECK(memcmp(t.value, "a\0b", 3) == 0);
    DONE(l);
}

TEST(lone_surrogate_escapes_are_errors)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "\"\\uD83D\""), "Invalid Unicode escape sequence: \"\\uD83D\".");
    CHECK_STR(error_of(&l, "\"\\uDE00\""), "Invalid Unicode escape sequence: \"\\uDE00\".");
    CHECK_STR(error_of(&l, "\"\\uD83D\\u0041\""), "Invalid Unicode escape sequence: \"\\uD83D\".");
    CHECK_STR(error_of(&l, "\"\\u{D800}\""), "Invalid Unicode escape sequence: \"\\u{D800}\".");
    DONE(l);
}

TEST(bad_unicode_escapes)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "\"\\u{}\""), "Invalid Unicode escape sequence: \"\\u{}\".");
    CHECK_STR(error_of(&l, "\"\\u{110000}\""), "Invalid Unicode escape sequence: \"\\u{110000}\".");
    CHECK_STR(error_of(&l, "\"\\u{zz}\""), "Invalid Unicode escape sequence: \"\\u{z\".");
    CHECK_STR(error_of(&l, "\"\\u{FFFFFFFFF}\""), "Invalid Unicode escape sequence: \"\\u{FFFFFFFF\".");
    CHECK_STR(error_of(&l, "\"\\u12\""), "Invalid Unicode escape sequence: \"\\u12\"\".");
    CHECK_STR(error_of(&l, "\"\\uXYZW\""), "Invalid Unicode escape sequence: \"\\uXYZW\".");
    CHECK_INT(l.loc.column, 2);
    DONE(l);
}

TEST(bad_character_escape)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "\"\\x\""), "Invalid character escape sequence: \"\\x\".");
    CHECK_INT(l.loc.column, 2);
    DONE(l);
}

TEST(unterminated_strings)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "\"abc"), "Unterminated string.");
    CHECK_INT(l.loc.column, 5);
    CHECK_STR(error_of(&l, "\"abc\ndef\""), "Unterminated string.");
    CHECK_INT(l.loc.line, 1);
    CHECK_INT(l.loc.column, 5);
    CHECK_STR(error_of(&l, "\"\"\"abc"), "Unterminated string.");
    DONE(l);
}

TEST(raw_control_characters_are_allowed_in_strings)
{
    lexed l = {0};
    gql_token t = one(&l, "\"a\x01\x7f\"");
    CHECK_STR(t.value, "a\x01\x7f");
    DONE(l);
}

TEST(block_string_removes_common_indentation_and_blank_edges)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\"\"\n\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \n\"\"\"");
    CHECK_INT(t.kind, GQL_TOK_BLOCK_STRING);
    CHECK_STR(t.value, "Hello,\n  World!\n\nYours,\n  GraphQL.");
    DONE(l);
}

TEST(block_string_first_line_is_not_dedented)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\"\"  first\n    second\n      third\"\"\"");
    CHECK_STR(t.value, "  first\nsecond\n  third");
    DONE(l);
}

TEST(block_string_line_terminators_are_normalised)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\"\"a\r\nb\rc\nd\"\"\"");
    CHECK_STR(t.value, "a\nb\nc\nd");
    DONE(l);
}

TEST(block_string_escaped_triple_quote)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\"\"say \\\"\"\" and \\n\"\"\"");
    CHECK_STR(t.value, "say \"\"\" and \\n");
    DONE(l);
}

TEST(block_string_of_only_whitespace_is_empty)
{
    lexed l = {0};
    gql_token t = one(&l, "\"\"\"  \n \t \n\"\"\"");
    CHECK_STR(t.value, "");
    CHECK_INT(t.len, 0);
    DONE(l);
}

TEST(block_string_value_helper_tabs_count_as_indentation)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    size_t n;
    const char raw[] = "\n\t\ta\n\t\t\tb\n";
    CHECK_STR(gql_block_string_value(&a, raw, sizeof raw - 1, &n), "a\n\tb");
    CHECK_INT(n, 4);
    gql_arena_free(&a);
}

TEST(line_numbers_after_block_string)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "\"\"\"a\nb\n  c\"\"\" x"), 2);
    CHECK_INT(l.tok[1].line, 3);
    CHECK_INT(l.tok[1].column, 8);
    DONE(l);
}

TEST(commas_whitespace_and_comments_are_ignored)
{
    lexed l = {0};
    CHECK_INT(lex(&l, ",,a, \t# comment , b\n,b"), 2);
    CHECK_INT(l.tok[1].line, 2);
    CHECK_INT(l.tok[1].column, 2);
    DONE(l);
}

TEST(comments_are_returned_when_kept)
{
    lexed l = {0};
    const char *src = "a # note\nb";
    CHECK_INT(lex_n(&l, src, strlen(src), true), 3);
    CHECK_INT(l.tok[1].kind, GQL_TOK_COMMENT);
    CHECK_STR(value_str(&l, &l.tok[1]), " note");
    DONE(l);
}

TEST(byte_order_mark_is_ignored)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "\xEF\xBB\xBF{ a }"), 3);
    CHECK_INT(l.tok[0].kind, GQL_TOK_BRACE_L);
    CHECK_INT(l.tok[0].column, 2); /* graphql-js counts the BOM as a column */
    DONE(l);
}

TEST(byte_order_mark_is_ignored_anywhere_as_in_graphql_js)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "a\xEF\xBB\xBF b"), 2);
    CHECK_INT(l.tok[1].column, 4);
    DONE(l);
}

TEST(columns_after_a_multiline_block_string_with_non_ascii_text)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "\"\xC3\xA9\" \"\"\"\xC3\xA9\n\xF0\x9F\x98\x80\"\"\" x"), 3);
    CHECK_INT(l.tok[1].column, 5);
    CHECK_INT(l.tok[2].line, 2);
    CHECK_INT(l.tok[2].column, 7);
    DONE(l);
}

TEST(line_terminators_crlf_cr_lf)
{
    lexed l = {0};
    CHECK_INT(lex(&l, "a\r\nb\rc\nd"), 4);
    CHECK_INT(l.tok[1].line, 2);
    CHECK_INT(l.tok[2].line, 3);
    CHECK_INT(l.tok[3].line, 4);
    CHECK_INT(l.tok[3].column, 1);
    DONE(l);
}

TEST(columns_count_utf16_code_units)
{
    lexed l = {0};
    /* "é" is one UTF-16 unit, the emoji two */
    CHECK_INT(lex(&l, "\"\xC3\xA9\xF0\x9F\x98\x80\" x"), 2);
    CHECK_INT(l.tok[1].column, 7);
    CHECK_INT(l.tok[1].start, 9);
    DONE(l);
}

TEST(unexpected_character_messages)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "a ?"), "Unexpected character: \"?\".");
    CHECK_INT(l.loc.column, 3);
    CHECK_STR(error_of(&l, "\x01"), "Unexpected character: U+0001.");
    CHECK_STR(error_of(&l, "\xC3\xA9"), "Unexpected character: U+00E9.");
    CHECK_STR(error_of(&l, "\xF0\x9F\x98\x80"), "Unexpected character: U+1F600.");
    CHECK_STR(error_of(&l, "'a'"),
              "Unexpected single quote character ('), did you mean to use a double quote (\")?");
    DONE(l);
}

TEST(invalid_utf8_is_an_invalid_character)
{
    lexed l = {0};
    CHECK_STR(error_of(&l, "a \xFF"), "Invalid character: byte 0xFF is not valid UTF-8.");
    CHECK_INT(l.loc.column, 3);
    /* an encoded surrogate is reported like graphql-js reports a lone one */
    CHECK_STR(error_of(&l, "\xED\xA0\x80"), "Invalid character: U+D800.");
    CHECK_STR(error_of(&l, "\"a\xC3\""), "Invalid character within String: byte 0xC3 is not valid UTF-8.");
    CHECK_STR(error_of(&l, "\"\"\"a\xED\xB0\x80\"\"\""), "Invalid character within String: U+DC00.");
    DONE(l);
}

TEST(source_need_not_be_nul_terminated)
{
    lexed l = {0};
    char buf[3] = {'a', 'b', '"'}; /* the string is cut by the end of the source */
    CHECK_INT(lex_n(&l, buf, 2, false), 1);
    CHECK_INT(l.tok[0].len, 2);
    DONE(l);
    CHECK_INT(lex_n(&l, buf + 2, 1, false), -1);
    CHECK_STR(l.err, "Unterminated string.");
    DONE(l);
}

TEST(source_location_of_offsets)
{
    const char *src = "ab\r\ncd\n\xF0\x9F\x98\x80x";
    gql_loc loc = gql_source_location(src, strlen(src), 5);
    CHECK_INT(loc.line, 2);
    CHECK_INT(loc.column, 2);
    loc = gql_source_location(src, strlen(src), 11);
    CHECK_INT(loc.line, 3);
    CHECK_INT(loc.column, 3);
    CHECK_INT(loc.offset, 11);
}

TEST(utf8_decoder)
{
    uint32_t cp;
    CHECK_INT(gql_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, &cp), 3);
    CHECK_INT(cp, 0x20AC);
    CHECK_INT(gql_utf8_decode((const unsigned char *)"\xC0\x80", 2, &cp), 0); /* overlong */
    CHECK_INT(gql_utf8_decode((const unsigned char *)"\xE2\x82", 2, &cp), 0); /* truncated */
    CHECK_INT(gql_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
}

TEST_MAIN()
