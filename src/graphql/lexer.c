/* lexer.c -- placeholder until the module lands. */
typedef int gql_placeholder_lexer;
