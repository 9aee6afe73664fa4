/* validate_int.h -- what the validator's source files share (not public).
 *
 * validate.c walks the document once and calls each rule's hooks in
 * graphql-js's rule order; validate_values.c checks literals against input
 * types (ValuesOfCorrectType) and computes "Did you mean" suggestions;
 * validate_overlap.c is OverlappingFieldsCanBeMerged. All scratch memory
 * comes from one arena freed when validation ends, which is also what makes
 * the longjmp out of a deep traversal (error limit, work budget) safe.
 */
#ifndef GQL_VALIDATE_INT_H
#define GQL_VALIDATE_INT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "validate.h"

/* ---- an arena-backed string -> pointer hash map (insertion ordered) ---- */

typedef struct gql_vmap {
    const char **keys; /* in insertion order */
    void **vals;
    uint32_t *slots; /* open addressing: index + 1, 0 = empty */
    uint32_t n, cap, mask;
} gql_vmap;

/* Slot of `key`, created (value NULL) when absent; *found tells which. */
void **gql_vmap_slot(gql_arena *a, gql_vmap *m, const char *key, bool *found);
void *gql_vmap_get(const gql_vmap *m, const char *key);

/* ---- a hash set of pointer pairs with a small value (pair-set memos) ---- */

typedef struct gql_vpairs {
    struct gql_vpair_slot {
        const void *a, *b;
        int val; /* 0 = empty slot, else value + 1 */
    } * slots;
    uint32_t n, mask;
} gql_vpairs;

/* Stored value of (a, b) or -1 when absent. */
int gql_vpairs_get(const gql_vpairs *p, const void *a, const void *b);
void gql_vpairs_put(gql_arena *ar, gql_vpairs *p, const void *a, const void *b, int val);

/* ---- validation context ---- */

typedef struct gql_vctx {
    const gql_schema *s;
    const gql_document *doc;
    gql_errors *errs;
    gql_arena a;      /* scratch, freed at the end */
    size_t nerrors;   /* added to errs (the return value) */
    size_t nreported; /* reported, for graphql-js's limit of 100 */
    jmp_buf abort;
    long fragment_work;          /* graphql-js ASTValidationContext budget */
    long overlap_budget;         /* OverlappingFieldsCanBeMerged budget */
    gql_vmap fragments;          /* name -> last gql_fragment_def with it */
    struct gql_overlap *overlap; /* OverlappingFieldsCanBeMerged state */
} gql_vctx;

/* Report an error with `n` locations; aborts validation (longjmp) when the
 * error limit is reached. */
void gql_v_report(gql_vctx *c, const gql_loc *locs, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Abort with graphql-js's "Validation aborted." error. */
void gql_v_abort(gql_vctx *c) __attribute__((noreturn));
void gql_v_spend_fragment_work(gql_vctx *c, long cost);

/* Type helpers (graphql-js semantics). */
const char *gql_v_type_str(gql_vctx *c, const gql_type *t);
bool gql_v_is_sub_type(const gql_type *abstract, const gql_type *maybe_sub);
bool gql_v_types_overlap(const gql_type *a, const gql_type *b);
bool gql_v_type_is_subtype_of(const gql_type *maybe_sub, const gql_type *super);
gql_type *gql_v_type_from_ast(gql_vctx *c, const gql_type_ref *ref);
gql_type *gql_v_named_type(gql_vctx *c, const char *name);
const gql_fragment_def *gql_v_fragment(gql_vctx *c, const char *name);
/* TypeInfo's schema.getField: meta fields included. */
gql_field *gql_v_get_field(gql_vctx *c, const gql_type *parent, const char *name);
/* Print a literal as graphql-js printForError does. */
const char *gql_v_print_value(gql_vctx *c, const gql_value *v);

/* validate_values.c */
/* suggestionList(input, options): sorted suggestions, returns the count. */
size_t gql_v_suggestion_list(gql_vctx *c, const char *input, const char **options, size_t n,
                             const char ***out);
int gql_v_natural_compare(const char *a, const char *b);
/* didYouMean([sub,] suggestions): "" or " Did you mean ...?" */
const char *gql_v_did_you_mean(gql_vctx *c, const char *sub, const char **sugg, size_t n);
/* ValuesOfCorrectType on one (top-level, non-variable) literal. */
void gql_v_check_literal(gql_vctx *c, const gql_value *v, const gql_type *type);

/* validate_overlap.c */
void gql_v_overlap_selection_set(gql_vctx *c, const gql_type *parent, const gql_selection_set *ss);

#endif
