/* fuzz_parse.c -- libFuzzer target for the lexer and parser alone.
 *
 * Faster per input than the full pipeline, so it explores the grammar
 * (block strings, escapes, numbers, the type-system language) more deeply.
 * Properties: a failed parse reports exactly one error, a "Syntax Error: "
 * with a location inside the source; a document that parses prints
 * (gql_print_document, graphql-js print()) as text that parses again and
 * prints the same, so printing loses nothing the parser keeps.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_env.h"
#include "graphql.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(const char *src, size_t len, const gql_errors *errs)
{
    if (errs->n != 1 || !errs->head)
        fuzz_fail(src, len, "a failed parse must report exactly one error", NULL);
    const gql_error *e = errs->head;
    if (strncmp(e->message, "Syntax Error: ", 14) != 0)
        fuzz_fail(src, len, "parse error without the \"Syntax Error: \" prefix", e->message);
    if (e->nlocs != 1 || e->locs[0].line < 1 || e->locs[0].column < 1 || e->locs[0].offset > len)
        fuzz_fail(src, len, "parse error location outside the source", e->message);
}

static void check_round_trip(const char *src, size_t len, const gql_document *doc)
{
    gql_buf once = GQL_BUF_INIT, twice = GQL_BUF_INIT;
    gql_print_document(doc, &once);
    gql_buf_cstr(&once);

    gql_arena arena;
    gql_arena_init(&arena, 0);
    gql_errors errs;
    gql_errors_init(&errs, &arena);
    gql_document *again = gql_parse(once.data, once.len, 0, &errs);
    if (!again)
        fuzz_fail(
            src, len, "printed document does not parse",
            gql_arena_printf(&arena, "%s\n%s", errs.head ? errs.head->message : "", once.data));
    gql_print_document(again, &twice);
    gql_buf_cstr(&twice);
    if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
        fuzz_fail(src, len, "print(parse(print(doc))) differs from print(doc)",
                  gql_arena_printf(&arena, "first:\n%s\nsecond:\n%s", once.data, twice.data));
    gql_document_free(again);
    gql_arena_free(&arena);
    gql_buf_free(&once);
    gql_buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    gql_arena arena;
    gql_arena_init(&arena, 0);
    gql_errors errs;
    gql_errors_init(&errs, &arena);

    gql_document *doc = gql_parse(src, size, 0, &errs);
    if (!doc)
        check_failure(src, size, &errs);
    else {
        check_round_trip(src, size, doc);
        gql_document_free(doc);
    }
    gql_arena_free(&arena);
    return 0;
}
