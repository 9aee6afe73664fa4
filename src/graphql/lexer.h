/* lexer.h -- GraphQL lexer over UTF-8 source text.
 *
 * A port of graphql-js 17 language/lexer.js: the same tokens, the same
 * ignored characters (BOM, whitespace, line terminators, comments and
 * commas), the same string and block-string decoding and the same error
 * messages. Positions are byte offsets into the source; token lines and
 * columns are what graphql-js reports (1-based, the column counted in UTF-16
 * code units) so that error locations agree with graphql-js on any text.
 *
 * The lexer never reads past `len` and does not need NUL-terminated input.
 * Decoded string values are allocated in the arena given at init.
 */
#ifndef GQL_LEXER_H
#define GQL_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"

/* graphql-js TokenKind, in its order. */
typedef enum gql_token_kind {
    GQL_TOK_SOF,
    GQL_TOK_EOF,
    GQL_TOK_BANG,
    GQL_TOK_DOLLAR,
    GQL_TOK_AMP,
    GQL_TOK_PAREN_L,
    GQL_TOK_PAREN_R,
    GQL_TOK_DOT, /* never produced: only graphql-js's schema-coordinate lexer emits it */
    GQL_TOK_SPREAD,
    GQL_TOK_COLON,
    GQL_TOK_EQUALS,
    GQL_TOK_AT,
    GQL_TOK_BRACKET_L,
    GQL_TOK_BRACKET_R,
    GQL_TOK_BRACE_L,
    GQL_TOK_PIPE,
    GQL_TOK_BRACE_R,
    GQL_TOK_NAME,
    GQL_TOK_INT,
    GQL_TOK_FLOAT,
    GQL_TOK_STRING,
    GQL_TOK_BLOCK_STRING,
    GQL_TOK_COMMENT, /* only returned when gql_lexer.keep_comments is set */
} gql_token_kind;

typedef struct gql_token {
    gql_token_kind kind;
    size_t start, end;     /* byte offsets: [start, end) */
    uint32_t line, column; /* of start, as graphql-js */
    /* NAME, INT, FLOAT, COMMENT: the raw text (points into the source, NOT
     * NUL-terminated; the comment without its '#'). STRING, BLOCK_STRING:
     * the decoded value, NUL-terminated, in the arena (may contain U+0000,
     * hence len). NULL for punctuators, SOF and EOF. */
    const char *value;
    size_t len;
} gql_token;

typedef struct gql_lexer {
    const char *src;
    size_t len;
    gql_arena *arena;      /* decoded strings and error messages */
    bool keep_comments;    /* return COMMENT tokens instead of skipping them */
    size_t pos;            /* where the next token scan starts */
    uint32_t line;         /* current line (1-based) */
    size_t line_start;     /* byte offset where the current line starts */
    size_t line_adj;       /* bytes minus UTF-16 units of the current line so far */
    /* set when gql_lexer_next() fails */
    const char *error;     /* message without the "Syntax Error: " prefix */
    size_t error_pos;      /* byte offset the error points at */
} gql_lexer;

void gql_lexer_init(gql_lexer *lx, const char *src, size_t len, gql_arena *arena);
/* Read the next token into *tok. Returns false on a syntax error (see
 * lx->error / lx->error_pos); after EOF it keeps returning EOF. */
bool gql_lexer_next(gql_lexer *lx, gql_token *tok);

/* graphql-js getTokenKindDesc: "<EOF>", "\"!\"", "Name", ... */
const char *gql_token_kind_desc(gql_token_kind k);

/* The line and column (graphql-js getLocation) of a byte offset. */
gql_loc gql_source_location(const char *src, size_t len, size_t offset);

/* graphql-js dedentBlockStringLines applied to raw block-string content
 * (line terminators \n, \r\n, \r; already unescaped), joined with "\n".
 * Returns an arena string; *out_len receives its length. */
char *gql_block_string_value(gql_arena *a, const char *raw, size_t len, size_t *out_len);

/* Decode one UTF-8 character at s[0..n). Returns its length in bytes and the
 * code point in *cp, or 0 for an invalid or truncated sequence (encoded
 * surrogates are reported as invalid too, with the surrogate in *cp). */
size_t gql_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
