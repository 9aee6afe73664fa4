/* parser.h -- GraphQL documents from text, and back.
 *
 * gql_parse() is a recursive-descent port of graphql-js 17 language/parser.js
 * producing the tree in ast.h: executable documents and the whole
 * type-system language with its extensions. Syntax errors carry graphql-js's
 * message ("Syntax Error: Expected Name, found <EOF>.") and location.
 *
 * gql_print_document() is graphql-js print(): the same text, byte for byte,
 * for executable and type-system documents.
 *
 * Deliberate differences from graphql-js 17.1 (everything else, messages
 * and locations included, is checked against it):
 *   - nesting is bounded (GQL_PARSE_MAX_DEPTH below);
 *   - text that is not UTF-8 is a syntax error (graphql-js only ever sees
 *     decoded strings);
 *   - messages are C strings: a U+0000 quoted in one ends it there, and an
 *     escape error quoting a non-BMP character shows the whole character
 *     where graphql-js shows half a surrogate pair;
 *   - descriptions in the AST are C strings (cut at a U+0000); the printer
 *     reads them again from the source, so print() is still exact;
 *   - parser options are not supported: maxTokens is the only one (the
 *     experimental fragment arguments, schema coordinates, maxComments,
 *     allowEmptySelectionSets: false and noLocation are not).
 */
#ifndef GQL_PARSER_H
#define GQL_PARSER_H

#include <stddef.h>

#include "ast.h"
#include "buf.h"
#include "error.h"

/* Deliberate difference from graphql-js: lists, objects, selection sets and
 * list types may nest at most this deep (graphql-js recurses until the
 * JavaScript stack overflows). Deeper documents are a syntax error
 * "Document nesting is too deep." so that no later stage can overflow the C
 * stack either. */
#define GQL_PARSE_MAX_DEPTH 200

/* Parse a document. max_tokens (0 = unlimited) is graphql-js's maxTokens
 * option. The source need not be NUL-terminated; it is copied into the
 * document. On a syntax error returns NULL and adds exactly one error
 * ("Syntax Error: ...", with its location) to errs. */
gql_document *gql_parse(const char *src, size_t len, size_t max_tokens, gql_errors *errs);
void gql_document_free(gql_document *doc);

/* graphql-js parseValue / parseConstValue / parseType: one value literal
 * (variables allowed, or not) or one type reference, the whole text, nodes
 * allocated in `a`. NULL and one error in errs on failure. */
gql_value *gql_parse_value_text(gql_arena *a, const char *src, size_t len, gql_errors *errs);
gql_value *gql_parse_const_value_text(gql_arena *a, const char *src, size_t len,
                                      gql_errors *errs);
gql_type_ref *gql_parse_type_text(gql_arena *a, const char *src, size_t len, gql_errors *errs);

/* graphql-js print() of a whole document (printer.c). */
void gql_print_document(const gql_document *doc, gql_buf *out);
/* graphql-js print() of a type reference: "[Int!]!". */
void gql_print_type_ref(const gql_type_ref *t, gql_buf *out);

#endif
