/* api.h -- the EPFIOT GraphQL API: the SDL (schema.graphql, embedded at
 * build time) bound to core/.
 *
 * api/ is thin on purpose: each resolver parses its arguments (IDs are
 * decimal strings, parsed strictly: a malformed or negative ID is an unknown
 * ID), calls one core_* function with the request's principal, and turns
 * the result into GraphQL values, or the core error into a field error with
 * extensions.code (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT,
 * CONFLICT, QUOTA_EXCEEDED, INTERNAL). No rule lives here.
 *
 * A request context (api_ctx) carries the principal and the thread's store
 * handle; the HTTP front makes one per request through api_http_app().
 */
#ifndef EPFIOT_API_H
#define EPFIOT_API_H

#include <stdbool.h>

#include "core.h"
#include "graphql.h"
#include "http.h"

/* The SDL text (NUL-terminated), as printed by `epfiotd --print-schema`. */
extern const char api_schema_sdl[];

typedef struct api api;
typedef struct api_ctx api_ctx;

/* Builds and binds the schema; NULL with *err (malloc'ed) on failure. */
api *api_new(core *c, char **err);
void api_free(api *a);
const gql_schema *api_schema(const api *a);

/* A context for one request on this thread. With credentials (either may
 * be NULL) the principal is their user, and NULL is returned for invalid
 * ones; with neither, the anonymous principal when `anonymous`, else NULL. */
api_ctx *api_ctx_new(api *a, const char *session, const char *bearer, const char *addr,
                     bool anonymous);
/* A context for user `uid` directly (tests, tools). */
api_ctx *api_ctx_for_user(api *a, int64_t uid);
void api_ctx_free(api_ctx *x);
/* The core call (principal, store handle) of a request context. */
core_call *api_ctx_call(api_ctx *x);
/* PUT /images/NAME (images_api.c): base image uploads. */
void api_upload_hooks(http_app *app);

/* Root fields an anonymous request may select. */
extern const char *const api_anonymous_fields[];

/* The callbacks for http_start (ud = a). */
void api_http_app(api *a, http_app *app);

#endif
