/* http.h -- epfiotd's HTTP front (libmicrohttpd): GraphQL over HTTP at
 * /graphql (and /query, the thesis clients' path), POST /login and
 * POST /logout for the web console, the console's static files, /healthz and
 * /metrics.
 *
 * The HTTP layer knows the GraphQL engine but not EPFIOT's model: the
 * application (the daemon) hands it a schema and a few callbacks that turn
 * credentials into a per-request resolver context, log people in and out,
 * and add application metrics. This is the seam between src/http/ and the
 * daemon (src/daemon/, src/core/, src/api/).
 *
 * Authentication: a request carries a session cookie (EPFIOT_SESSION_COOKIE,
 * set by POST /login) or "Authorization: Bearer <token>". A GraphQL request
 * with no valid credentials is answered 401 (with WWW-Authenticate: Bearer
 * and a GraphQL error body), except an operation whose root fields are all in
 * http_app.anonymous_fields (e.g. the `login` mutation), which runs with the
 * anonymous context. An anonymous request whose document does not parse or
 * validate is also 401 (validation messages would describe the schema), and
 * so is one whose query text exceeds 4 KiB (refused before any parsing).
 *
 * Choices the daemon's users see (tests/http/test_http.c pins each one):
 *   - Status codes are those of the GraphQL-over-HTTP draft of May 2025
 *     (the one graphql-http 1.23.1 audits): 400 for malformed requests, and
 *     under application/graphql-response+json 400 for every response with no
 *     "data"; not the later draft's 422.
 *   - GET is for queries only: a mutation over GET is 405 with Allow: POST.
 *   - POST /login takes a form (the console) or JSON {name, password} and
 *     answers 200 {"ok":true} with the session cookie (303 to "/" for a form
 *     post from a browser), 401 (one message for unknown name and wrong
 *     password), 429 with Retry-After, 403 when Origin or Sec-Fetch-Site say
 *     another site. POST /logout must be JSON (no cross-site form can send
 *     it) and clears the cookie.
 *   - PUT /images/NAME uploads a base image (see http_app.upload_*).
 *   - /metrics needs valid credentials (a session or a bearer token, which
 *     Prometheus can send); /healthz is anonymous.
 *   - Static files: only plain names under static_dir, no symbolic links;
 *     pages get a Content-Security-Policy that allows scripts from 'self'
 *     only (no inline scripts), styles from 'self' and inline.
 */
#ifndef EPFIOT_HTTP_H
#define EPFIOT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graphql.h"

#define EPFIOT_SESSION_COOKIE "epfiot_session"

typedef struct http_server http_server;

typedef struct http_config {
    const char *listen_addr;   /* "127.0.0.1", "::", "0.0.0.0"; NULL = all */
    uint16_t port;             /* 0 = pick a free port (see http_port) */
    const char *tls_cert_file; /* both set: HTTPS only */
    const char *tls_key_file;
    const char *static_dir;     /* web console files; NULL = none */
    unsigned threads;           /* worker threads (0 = number of CPUs) */
    unsigned request_timeout_s; /* idle connection / request timeout (0 = 30) */
    size_t max_body_bytes;      /* larger bodies get 413 (0 = 1 MiB) */
    size_t max_header_bytes;    /* larger headers get 431 (0 = 16 KiB) */
    size_t cache_capacity;      /* prepared GraphQL documents kept (0 = 256) */
    gql_limits limits;          /* GraphQL abuse limits (all 0 = gql_limits_default) */
    bool secure_cookies;        /* add "Secure" to cookies (set with TLS) */
    /* Concurrent connections in all and from one address (0 = no limit of
     * ours). Headers trickled in slowly keep a connection open as long as
     * each byte beats the idle timeout; these bound what that can hold. */
    unsigned max_connections;
    unsigned max_connections_per_ip;
} http_config;

/* Result of a login attempt (POST /login). */
typedef enum http_login_status {
    HTTP_LOGIN_OK,
    HTTP_LOGIN_DENIED,    /* wrong name or password (one message for both) */
    HTTP_LOGIN_THROTTLED, /* too many failures: retry_after seconds */
    HTTP_LOGIN_ERROR,     /* internal failure */
} http_login_status;

typedef struct http_app {
    void *ud;
    const gql_schema *schema;
    /* Root fields that an anonymous request may select (NULL-terminated). */
    const char *const *anonymous_fields;
    /* Turn credentials (either may be NULL) into a resolver context
     * (gql_request.context). Returns NULL when credentials were given but are
     * invalid or expired, and when none were given and anonymous is false;
     * with anonymous true and no credentials returns the anonymous context.
     * client_addr is the peer's address as text. */
    void *(*request_begin)(void *ud, const char *session_token, const char *bearer_token,
                           const char *client_addr, bool anonymous);
    void (*request_end)(void *ud, void *ctx);
    /* Check name/password; on success a new session token (malloc'ed,
     * caller frees) and its lifetime in seconds. */
    http_login_status (*login)(void *ud, const char *name, const char *password,
                               const char *client_addr, char **session_token, int64_t *max_age_s,
                               int64_t *retry_after_s);
    /* End the session of this token (no error if unknown). */
    void (*logout)(void *ud, const char *session_token);
    /* Append application metrics in Prometheus text format (may be NULL). */
    void (*metrics)(void *ud, gql_buf *out);
    /* PUT /images/NAME: the request body, raw bytes announced by
     * Content-Length (411 without), streamed chunk by chunk and never held
     * whole. The request is authenticated like /graphql (a session cookie
     * only from the same origin); ctx is request_begin's context. begin
     * returns the upload's handle, or NULL with *status and the JSON body
     * in out; data passes each chunk in order (false: failed, *status and
     * out set; the rest of the body is dropped); end is called exactly
     * once, also when the client went away (complete false: abandon it),
     * and returns the status with the JSON body in out. All three NULL:
     * 404. */
    void *(*upload_begin)(void *ud, void *ctx, const char *name, uint64_t length, unsigned *status,
                          gql_buf *out);
    bool (*upload_data)(void *ud, void *ctx, void *up, const void *data, size_t len,
                        unsigned *status, gql_buf *out);
    unsigned (*upload_end)(void *ud, void *ctx, void *up, bool complete, gql_buf *out);
    /* Errors of the HTTP machinery itself (a failed TLS handshake, a socket
     * error), one line without newline; NULL = not reported. Never given a
     * request's body, so no secret reaches it. */
    void (*log)(void *ud, const char *msg);
} http_app;

/* Start listening; NULL with *err (malloc'ed) on failure. */
http_server *http_start(const http_config *cfg, const http_app *app, char **err);
/* The bound port (useful with port 0). */
uint16_t http_port(const http_server *srv);
/* Stop accepting, let in-flight requests finish (up to the timeout), free. */
void http_stop(http_server *srv);

#endif
