/* validate.h -- validation of executable documents (GraphQL spec section 5).
 *
 * gql_validate() runs every rule of graphql-js 17.1's specifiedRules that
 * belongs to the specification (the @defer/@stream rules are left out: the
 * engine supports neither directive), plus graphql-js's
 * MaxIntrospectionDepthRule. Errors come out as graphql-js reports them: the
 * same messages, the same locations in the same order, and in the order of
 * graphql-js's single parallel traversal of the document.
 *
 * Like graphql-js, validation stops after 100 errors and adds a final
 * "Too many validation errors, error limit reached. Validation aborted."
 * error, and gives up with "Validation aborted." when the fragment or
 * field-merging work budget is exhausted, so hostile documents cost a
 * bounded amount of time.
 */
#ifndef GQL_VALIDATE_H
#define GQL_VALIDATE_H

#include <stddef.h>

#include "ast.h"
#include "error.h"
#include "schema.h"

/* Errors graphql-js's validate() stops after (its default maxErrors). */
#define GQL_VALIDATE_MAX_ERRORS 100

/* Validate `doc` against `s`; errors are appended to `errs` (allocated in its
 * arena). Returns the number of errors added, 0 when the document is valid. */
size_t gql_validate(const gql_schema *s, const gql_document *doc, gql_errors *errs);

#endif
