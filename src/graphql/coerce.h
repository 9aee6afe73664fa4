/* coerce.h -- input coercion: variables, arguments, literals and defaults.
 *
 * Internal to the engine (used by execute.c and its tests). Behaviour and
 * error messages follow graphql-js 17 (execution/values.js,
 * utilities/coerceInputValue.js, utilities/validateInputValue.js): a value
 * either coerces or the first pass's failure is explained by a second,
 * reporting pass, so the fast path allocates no error text.
 *
 * Values are "undefined" (absent) or present; absent is a NULL pointer for
 * inputs and a false return for results, exactly where graphql-js returns
 * undefined.
 */
#ifndef GQL_COERCE_H
#define GQL_COERCE_H

#include "schema.h"

/* graphql-js's limit on variable coercion errors (maxCoercionErrors). */
#define GQL_MAX_VARIABLE_ERRORS 50

/* CoerceVariableValues for one operation. `inputs` is the request's
 * variables (an OBJECT value or NULL). On success *out is an OBJECT holding
 * the variables that have a value (provided or defaulted). On failure adds
 * every error (at most GQL_MAX_VARIABLE_ERRORS, then one "Too many errors"
 * error) and returns false. */
bool gql_coerce_variables(const gql_schema *s, const gql_operation_def *op, const gql_val *inputs,
                          gql_arena *a, gql_errors *errs, gql_val *out);

/* CoerceArgumentValues: `defs` are the field's (or directive's) argument
 * definitions, `args` the arguments written in the document, `vars` the
 * coerced variables. On success *out is an OBJECT of the arguments that
 * have a value, in definition order. On failure returns false with *err set
 * to the message and *err_loc to the node graphql-js locates it at. */
bool gql_coerce_arguments(const gql_schema *s, const char *owner, const gql_input_value *defs,
                          size_t ndefs, const gql_argument *args, size_t nargs,
                          const gql_loc *node_loc, const gql_val *vars, gql_arena *a,
                          gql_val *out, const char **err, gql_loc *err_loc);

/* coerceInputValue: an external (JSON) value against an input type. */
bool gql_coerce_input_value(const gql_val *in, gql_type *t, gql_arena *a, gql_val *out);
/* coerceInputLiteral: a literal (variables from `vars`) against an input type. */
bool gql_coerce_literal(const gql_value *v, gql_type *t, const gql_val *vars, gql_arena *a,
                        gql_val *out);
/* A literal as a plain value, ignoring types (valueFromASTUntyped). */
void gql_value_untyped(const gql_value *v, const gql_val *vars, gql_arena *a, gql_val *out);

/* graphql-js inspect(): JSON-ish text of a value for error messages. */
void gql_val_inspect(const gql_val *v, gql_buf *out);
/* " Did you mean "a", "b", or "c"?" (empty when nothing is close); `sub` is
 * an optional phrase before the list ("the enum value"). */
void gql_coerce_did_you_mean(gql_buf *out, const char *sub, const char *input, const char *const *options,
                      size_t n);

#endif
