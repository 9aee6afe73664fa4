/* http.c -- epfiotd's HTTP front on libmicrohttpd: GraphQL over HTTP at
 * /graphql and /query, POST /login and /logout, /healthz, /metrics and the
 * console's static files (see http.h for the seam with the daemon).
 *
 * GraphQL over HTTP follows the May 2025 draft of the GraphQL-over-HTTP
 * spec, which graphql-http 1.23.1 audits: POST with application/json, GET
 * for queries only (405 with Allow: POST for a mutation), the response type
 * negotiated from Accept, and with application/graphql-response+json a 400
 * for every response that has no "data" (parse, validation, operation and
 * variable errors); with application/json every well-formed request is 200.
 * 400 rather than the current draft's 422 is deliberate: it is what the
 * audited draft asks for.
 *
 * Each request is prepared first (gql_prepare, through the document cache)
 * so that the front knows the operation type and its root fields before
 * anything runs: that is where "no mutations over GET" and "anonymous
 * callers may only log in" are decided. Credentials that are present but
 * invalid are refused before the document is even looked at.
 *
 * MHD calls the access handler once when the headers are in, then once per
 * chunk of body, then once more to get the response; the per-request state
 * (http_req) lives from the first call to MHD's completion notice, which
 * also feeds the metrics and the in-flight count that http_stop() waits on.
 */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define HTTP_DEFAULT_TIMEOUT_S 30
#define HTTP_DEFAULT_MAX_BODY (1024 * 1024)
#define HTTP_DEFAULT_MAX_HEADER (16 * 1024)
#define HTTP_DEFAULT_CACHE 256
#define HTTP_ANONYMOUS_MAX_QUERY 4096 /* bytes of query text without credentials */

static const char ctype_json[] = "application/json; charset=utf-8";
static const char ctype_gql_response[] = "application/graphql-response+json; charset=utf-8";
static const char ctype_text[] = "text/plain; charset=utf-8";

static const char body_unauthenticated[] = "{\"errors\":[{\"message\":\"authentication required\","
                                           "\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]}";

/* API answers may not be embedded or cached; pages may load only our own
 * files. GraphiQL sets style attributes and inlines its fonts as data:
 * URLs, hence 'unsafe-inline' for styles and data: for fonts and images;
 * scripts stay 'self' only. */
static const char csp_api[] = "default-src 'none'; frame-ancestors 'none'";
static const char csp_static[] =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

struct http_server {
    http_app app;
    struct MHD_Daemon *mhd;
    gql_cache *cache;
    gql_limits limits;
    int static_fd; /* -1 without static_dir */
    char *tls_cert, *tls_key;
    bool tls, secure_cookies;
    uint16_t port;
    unsigned timeout_s;
    size_t max_body, max_header;
    http_metrics metrics;
    pthread_mutex_t lock; /* guards in_flight and stopping */
    pthread_cond_t idle;
    uint64_t in_flight;
    bool stopping;
};

typedef enum http_kind {
    HTTP_API,    /* JSON or text answers: no-store, no content at all allowed */
    HTTP_STATIC, /* console pages */
} http_kind;

/* One request, from its headers to the end of its response. */
typedef struct http_req {
    http_route route;
    struct timespec start;
    unsigned status; /* 0 until a response is queued */
    gql_buf body;
    size_t received; /* body bytes so far, kept or not */
    bool too_large;  /* the body passed max_body: answered 413 */
    /* PUT /images/NAME: the app's context and upload, and the first failure */
    void *ctx, *upload;
    unsigned upload_status; /* 0 while the upload goes well */
    uint64_t upload_length;
    gql_buf upload_out;
} http_req;

/* ---------------------------------------------------------------- helpers */

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static char *xstrdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xstrdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void client_address(struct MHD_Connection *c, char *out, size_t outlen)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, outlen, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    socklen_t len =
        sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (getnameinfo(sa, len, out, (socklen_t)outlen, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(out, outlen, "unknown");
}

/* The session cookie's value, NULL when absent or empty (a cleared cookie). */
static const char *session_token(struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, EPFIOT_SESSION_COOKIE);
    return v && *v ? v : NULL;
}

/* The token of "Authorization: Bearer <token>". Any other Authorization
 * (another scheme, an empty token) sets *bad: credentials were offered and
 * they are not valid ones. */
static const char *bearer_token(struct MHD_Connection *c, bool *bad)
{
    const char *v = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!v)
        return NULL;
    while (*v == ' ')
        v++;
    if (strncasecmp(v, "Bearer ", 7) != 0) {
        *bad = true;
        return NULL;
    }
    v += 7;
    while (*v == ' ')
        v++;
    if (!*v) {
        *bad = true;
        return NULL;
    }
    return v;
}

/* A cross-site page can make a browser POST a form (with the user's
 * cookies, were they not SameSite=Strict) but cannot forge Origin or
 * Sec-Fetch-Site. When the browser sends them they must say same origin;
 * non-browser clients send neither and are not at risk. The origin's host
 * must be the Host asked for; its scheme may be either, since a TLS proxy in
 * front of a plain-HTTP daemon is a normal setup. */
static bool same_origin(struct MHD_Connection *c)
{
    const char *site = header(c, "Sec-Fetch-Site");
    if (site && strcasecmp(site, "same-origin") != 0 && strcasecmp(site, "none") != 0)
        return false;
    const char *origin = header(c, "Origin");
    if (!origin)
        return true;
    const char *host = header(c, MHD_HTTP_HEADER_HOST);
    const char *rest = strncasecmp(origin, "https://", 8) == 0  ? origin + 8
                       : strncasecmp(origin, "http://", 7) == 0 ? origin + 7
                                                                : NULL;
    return host && rest && strcasecmp(rest, host) == 0;
}

static bool cookie_safe(const char *s)
{
    for (; *s; s++)
        if (*s <= 0x20 || *s >= 0x7f || *s == '"' || *s == ',' || *s == ';' || *s == '\\')
            return false;
    return true;
}

/* --------------------------------------------------------------- responses */

static enum MHD_Result send_response(http_server *s, http_req *rq, struct MHD_Connection *c,
                                     unsigned status, struct MHD_Response *r, http_kind kind)
{
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            kind == HTTP_STATIC ? csp_static : csp_api);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            kind == HTTP_STATIC ? "no-cache" : "no-store");
    pthread_mutex_lock(&s->lock);
    bool closing = s->stopping;
    pthread_mutex_unlock(&s->lock);
    /* While stopping, no connection is kept for another request. */
    if (closing)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    rq->status = status;
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static struct MHD_Response *response_copy(const char *body, size_t len, const char *ctype)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (r && ctype)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return r;
}

/* Hands the buffer's memory to MHD, which free()s it after sending. */
static struct MHD_Response *response_take(gql_buf *b, const char *ctype)
{
    size_t len = 0;
    char *data = gql_buf_steal(b, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return NULL;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return r;
}

static enum MHD_Result send_text(http_server *s, http_req *rq, struct MHD_Connection *c,
                                 unsigned status, const char *text)
{
    return send_response(s, rq, c, status, response_copy(text, strlen(text), ctype_text), HTTP_API);
}

/* A GraphQL-shaped error ({"errors":[{"message":...}]}) in the given type. */
static struct MHD_Response *response_gql_error(const char *ctype, const char *message)
{
    gql_buf b = GQL_BUF_INIT;
    gql_buf_puts(&b, "{\"errors\":[{\"message\":");
    gql_buf_json_cstr(&b, message);
    gql_buf_puts(&b, "}]}");
    return response_take(&b, ctype);
}

static enum MHD_Result send_gql_error(http_server *s, http_req *rq, struct MHD_Connection *c,
                                      unsigned status, const char *ctype, const char *message)
{
    return send_response(s, rq, c, status, response_gql_error(ctype, message), HTTP_API);
}

static enum MHD_Result send_method_not_allowed(http_server *s, http_req *rq,
                                               struct MHD_Connection *c, const char *allow)
{
    struct MHD_Response *r = response_copy("method not allowed\n", 19, ctype_text);
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
    return send_response(s, rq, c, MHD_HTTP_METHOD_NOT_ALLOWED, r, HTTP_API);
}

static enum MHD_Result send_unauthenticated(http_server *s, http_req *rq, struct MHD_Connection *c,
                                            const char *ctype)
{
    struct MHD_Response *r =
        response_copy(body_unauthenticated, sizeof body_unauthenticated - 1, ctype);
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"epfiot\"");
    return send_response(s, rq, c, MHD_HTTP_UNAUTHORIZED, r, HTTP_API);
}

/* ------------------------------------------------------ GraphQL requests */

/* What a GraphQL request asks, from the JSON body or the URL. Strings and
 * values live in the request's arena. */
typedef struct gql_params {
    const char *query;
    size_t query_len;
    const char *operation_name;
    const gql_val *variables;
} gql_params;

static bool is_object_or_null(const gql_val *v)
{
    return !v || v->kind == GQL_VAL_OBJECT || v->kind == GQL_VAL_NULL;
}

/* Check the request's parameters; NULL when fine, else why not. */
static const char *params_from_object(const gql_val *obj, gql_params *p)
{
    if (obj->kind != GQL_VAL_OBJECT)
        return "the request body must be a JSON object";
    const gql_val *q = gql_val_get(obj, "query");
    const gql_val *op = gql_val_get(obj, "operationName");
    const gql_val *vars = gql_val_get(obj, "variables");
    if (!q || q->kind == GQL_VAL_NULL)
        return "the request has no query";
    if (q->kind != GQL_VAL_STRING)
        return "query must be a string";
    if (op && op->kind != GQL_VAL_STRING && op->kind != GQL_VAL_NULL)
        return "operationName must be a string or null";
    if (!is_object_or_null(vars))
        return "variables must be an object or null";
    if (!is_object_or_null(gql_val_get(obj, "extensions")))
        return "extensions must be an object or null";
    p->query = q->u.s.ptr;
    p->query_len = q->u.s.len;
    p->operation_name = op && op->kind == GQL_VAL_STRING ? op->u.s.ptr : NULL;
    p->variables = vars && vars->kind == GQL_VAL_OBJECT ? vars : NULL;
    return NULL;
}

/* A URL parameter holding JSON (variables, extensions): an object or null. */
static const char *json_param(struct MHD_Connection *c, gql_arena *a, const char *name,
                              const gql_val **out)
{
    const char *text = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    *out = NULL;
    if (!text || !*text)
        return NULL;
    gql_val *v = GQL_NEW(a, gql_val);
    if (!gql_val_parse_json(a, text, strlen(text), v, NULL) || !is_object_or_null(v))
        return gql_arena_printf(a, "%s must be a JSON object or null", name);
    *out = v->kind == GQL_VAL_OBJECT ? v : NULL;
    return NULL;
}

static const char *params_from_url(struct MHD_Connection *c, gql_arena *a, gql_params *p)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "query");
    if (!q)
        return "the request has no query";
    p->query = q;
    p->query_len = strlen(q);
    p->operation_name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "operationName");
    if (p->operation_name && !*p->operation_name)
        p->operation_name = NULL;
    const gql_val *ext;
    const char *err = json_param(c, a, "variables", &p->variables);
    return err ? err : json_param(c, a, "extensions", &ext);
}

static const gql_operation_def *find_operation(const gql_document *d, const char *name)
{
    const gql_operation_def *found = NULL;
    for (size_t i = 0; i < d->ndefs; i++) {
        if (d->defs[i].kind != GQL_DEF_OPERATION)
            continue;
        const gql_operation_def *op = d->defs[i].u.operation;
        if (name ? op->name && strcmp(op->name, name) == 0 : !found)
            found = op;
        else if (!name)
            return NULL; /* several operations and no name: ambiguous */
    }
    return found;
}

static const gql_fragment_def *find_fragment(const gql_document *d, const char *name)
{
    for (size_t i = 0; i < d->ndefs; i++)
        if (d->defs[i].kind == GQL_DEF_FRAGMENT && strcmp(d->defs[i].u.fragment->name, name) == 0)
            return d->defs[i].u.fragment;
    return NULL;
}

static bool anonymous_field(const http_app *app, const char *name)
{
    for (const char *const *f = app->anonymous_fields; f && *f; f++)
        if (strcmp(*f, name) == 0)
            return true;
    return false;
}

/* Every root field the selection can reach (through fragments, whatever
 * their directives) is one an anonymous caller may use. The document is
 * valid, so fragments exist and do not cycle; but a fragment may spread
 * another twice, that one the next twice, and so on, so the walk has a
 * budget of selections: an anonymous login never needs many. */
static bool selection_anonymous(const http_app *app, const gql_document *d,
                                const gql_selection_set *set, size_t *budget)
{
    if (!set)
        return false;
    for (size_t i = 0; i < set->n; i++) {
        const gql_selection *sel = set->items[i];
        const gql_fragment_def *f;
        if (*budget == 0)
            return false;
        --*budget;
        switch (sel->kind) {
        case GQL_SEL_FIELD:
            if (!anonymous_field(app, sel->name))
                return false;
            break;
        case GQL_SEL_FRAGMENT_SPREAD:
            f = find_fragment(d, sel->name);
            if (!f || !selection_anonymous(app, d, f->selection_set, budget))
                return false;
            break;
        case GQL_SEL_INLINE_FRAGMENT:
            if (!selection_anonymous(app, d, sel->selection_set, budget))
                return false;
            break;
        }
    }
    return true;
}

static bool operation_anonymous(const http_app *app, const gql_prepared *p, const char *op_name)
{
    const gql_document *d = gql_prepared_document(p);
    const gql_operation_def *op = find_operation(d, op_name);
    size_t budget = 64;
    return op && selection_anonymous(app, d, op->selection_set, &budget);
}

/* Steps 2 onwards of a GraphQL request, once its parameters are known:
 * credentials, preparation, the GET and anonymous rules, execution. */
static enum MHD_Result run_graphql(http_server *s, http_req *rq, struct MHD_Connection *c,
                                   http_media media, bool is_get, const gql_params *p)
{
    const char *ctype = media == HTTP_MEDIA_GQL_RESPONSE ? ctype_gql_response : ctype_json;
    char addr[INET6_ADDRSTRLEN + 8];
    client_address(c, addr, sizeof addr);
    bool bad = false;
    const char *bearer = bearer_token(c, &bad);
    const char *session = session_token(c);
    if (bad)
        return send_unauthenticated(s, rq, c, ctype);
    void *ctx = NULL;
    if (session || bearer) {
        ctx = s->app.request_begin(s->app.ud, session, bearer, addr, false);
        if (!ctx)
            return send_unauthenticated(s, rq, c, ctype);
    }
    /* Parsing and validating cost something; an anonymous caller may only
     * log in, which takes a short document, so a long one is refused
     * before any of that work. */
    if (!ctx && p->query_len > HTTP_ANONYMOUS_MAX_QUERY)
        return send_unauthenticated(s, rq, c, ctype);

    enum MHD_Result ret;
    gql_result res = {.body = GQL_BUF_INIT};
    gql_prepared *prep =
        gql_prepare(s->app.schema, s->cache, p->query, p->query_len, &s->limits, &res);
    if (!prep) {
        /* An anonymous caller learns nothing about the schema, not even
         * from validation messages. */
        if (!ctx) {
            gql_result_free(&res);
            return send_unauthenticated(s, rq, c, ctype);
        }
        http_metrics_graphql_errors(&s->metrics, res.nerrors);
        unsigned status = media == HTTP_MEDIA_GQL_RESPONSE ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_OK;
        ret = send_response(s, rq, c, status, response_take(&res.body, ctype), HTTP_API);
        goto out;
    }
    gql_operation_type type;
    if (is_get && gql_prepared_operation_type(prep, p->operation_name, &type) &&
        type != GQL_OP_QUERY) {
        struct MHD_Response *r =
            response_gql_error(ctype, "only queries may be sent with GET; use POST");
        if (r)
            MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
        ret = send_response(s, rq, c, MHD_HTTP_METHOD_NOT_ALLOWED, r, HTTP_API);
        goto out;
    }
    if (!ctx) {
        if (operation_anonymous(&s->app, prep, p->operation_name))
            ctx = s->app.request_begin(s->app.ud, NULL, NULL, addr, true);
        if (!ctx) {
            ret = send_unauthenticated(s, rq, c, ctype);
            goto out;
        }
    }
    gql_request req = {
        .query = p->query,
        .query_len = p->query_len,
        .operation_name = p->operation_name,
        .variables = p->variables,
        .context = ctx,
        .limits = &s->limits,
    };
    gql_execute(s->app.schema, prep, &req, &res);
    http_metrics_graphql_errors(&s->metrics, res.nerrors);
    unsigned status =
        res.stage == GQL_STAGE_OK || media == HTTP_MEDIA_JSON ? MHD_HTTP_OK : MHD_HTTP_BAD_REQUEST;
    ret = send_response(s, rq, c, status, response_take(&res.body, ctype), HTTP_API);
out:
    if (ctx && s->app.request_end)
        s->app.request_end(s->app.ud, ctx);
    if (prep)
        gql_prepared_release(prep);
    gql_result_free(&res);
    return ret;
}

static enum MHD_Result serve_graphql(http_server *s, http_req *rq, struct MHD_Connection *c,
                                     const char *method)
{
    bool is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    if (!is_get && strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return send_method_not_allowed(s, rq, c, "GET, POST");
    http_media media = http_accept_pick(header(c, MHD_HTTP_HEADER_ACCEPT));
    if (media == HTTP_MEDIA_NONE)
        return send_gql_error(s, rq, c, MHD_HTTP_NOT_ACCEPTABLE, ctype_json,
                              "Accept must allow application/graphql-response+json or "
                              "application/json");
    const char *ctype = media == HTTP_MEDIA_GQL_RESPONSE ? ctype_gql_response : ctype_json;
    if (!is_get &&
        !http_content_type_is(header(c, MHD_HTTP_HEADER_CONTENT_TYPE), "application/json"))
        return send_gql_error(s, rq, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, ctype,
                              "Content-Type must be application/json");

    gql_arena arena;
    gql_arena_init(&arena, 0);
    gql_params p = {0};
    const char *err;
    if (is_get) {
        err = params_from_url(c, &arena, &p);
    } else {
        gql_val body;
        const char *jerr = NULL;
        if (!gql_val_parse_json(&arena, gql_buf_cstr(&rq->body), rq->body.len, &body, &jerr))
            err = gql_arena_printf(&arena, "the request body is not valid JSON: %s", jerr);
        else
            err = params_from_object(&body, &p);
    }
    enum MHD_Result ret = err ? send_gql_error(s, rq, c, MHD_HTTP_BAD_REQUEST, ctype, err)
                              : run_graphql(s, rq, c, media, is_get, &p);
    gql_arena_free(&arena);
    return ret;
}

/* ---------------------------------------------------------- login, logout */

static enum MHD_Result send_login_result(http_server *s, http_req *rq, struct MHD_Connection *c,
                                         bool form, const char *token, int64_t max_age)
{
    char *cookie =
        xstrdup_printf("%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%" PRId64 "%s",
                       EPFIOT_SESSION_COOKIE, token, max_age, s->secure_cookies ? "; Secure" : "");
    if (!cookie)
        return MHD_NO;
    bool html = form && http_accept_html(header(c, MHD_HTTP_HEADER_ACCEPT));
    struct MHD_Response *r =
        html ? response_copy("", 0, ctype_text) : response_copy("{\"ok\":true}", 11, ctype_json);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
        if (html)
            MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, "/");
    }
    free(cookie);
    return send_response(s, rq, c, html ? MHD_HTTP_SEE_OTHER : MHD_HTTP_OK, r, HTTP_API);
}

static enum MHD_Result send_json_failure(http_server *s, http_req *rq, struct MHD_Connection *c,
                                         unsigned status, const char *message)
{
    gql_buf b = GQL_BUF_INIT;
    gql_buf_puts(&b, "{\"ok\":false,\"error\":");
    gql_buf_json_cstr(&b, message);
    gql_buf_putc(&b, '}');
    return send_response(s, rq, c, status, response_take(&b, ctype_json), HTTP_API);
}

typedef enum login_body {
    LOGIN_BODY_OK,
    LOGIN_BODY_UNSUPPORTED, /* neither a form nor JSON */
    LOGIN_BODY_INCOMPLETE,  /* no name or no password (or not strings) */
} login_body;

/* Name and password from a JSON or form body, as malloc'ed strings. */
static login_body login_fields(http_req *rq, const char *ctype, bool *form, char **name,
                               char **password)
{
    *form = false;
    if (http_content_type_is(ctype, "application/x-www-form-urlencoded")) {
        *form = true;
        *name = http_form_get(rq->body.data ? rq->body.data : "", rq->body.len, "name");
        *password = http_form_get(rq->body.data ? rq->body.data : "", rq->body.len, "password");
    } else if (http_content_type_is(ctype, "application/json")) {
        gql_arena a;
        gql_val v;
        gql_arena_init(&a, 0);
        if (gql_val_parse_json(&a, gql_buf_cstr(&rq->body), rq->body.len, &v, NULL) &&
            v.kind == GQL_VAL_OBJECT) {
            const gql_val *n = gql_val_get(&v, "name"), *pw = gql_val_get(&v, "password");
            if (n && n->kind == GQL_VAL_STRING && strlen(n->u.s.ptr) == n->u.s.len)
                *name = strdup(n->u.s.ptr);
            if (pw && pw->kind == GQL_VAL_STRING && strlen(pw->u.s.ptr) == pw->u.s.len) {
                *password = strdup(pw->u.s.ptr);
                explicit_bzero((char *)pw->u.s.ptr, pw->u.s.len);
            }
        }
        gql_arena_free(&a);
    } else {
        return LOGIN_BODY_UNSUPPORTED;
    }
    return *name && *password ? LOGIN_BODY_OK : LOGIN_BODY_INCOMPLETE;
}

static enum MHD_Result serve_login(http_server *s, http_req *rq, struct MHD_Connection *c,
                                   const char *method)
{
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return send_method_not_allowed(s, rq, c, "POST");
    if (!s->app.login)
        return send_text(s, rq, c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (!same_origin(c))
        return send_json_failure(s, rq, c, MHD_HTTP_FORBIDDEN, "cross-origin login refused");
    char *name = NULL, *password = NULL, *token = NULL;
    bool form;
    login_body body =
        login_fields(rq, header(c, MHD_HTTP_HEADER_CONTENT_TYPE), &form, &name, &password);
    enum MHD_Result ret;
    if (body == LOGIN_BODY_UNSUPPORTED) {
        ret = send_json_failure(s, rq, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                "Content-Type must be application/json or "
                                "application/x-www-form-urlencoded");
        goto out;
    }
    if (body == LOGIN_BODY_INCOMPLETE) {
        ret = send_json_failure(s, rq, c, MHD_HTTP_BAD_REQUEST, "name and password are required");
        goto out;
    }
    char addr[INET6_ADDRSTRLEN + 8];
    client_address(c, addr, sizeof addr);
    int64_t max_age = 0, retry_after = 0;
    http_login_status st =
        s->app.login(s->app.ud, name, password, addr, &token, &max_age, &retry_after);
    if (st == HTTP_LOGIN_OK && token && cookie_safe(token)) {
        ret = send_login_result(s, rq, c, form, token, max_age);
    } else if (st == HTTP_LOGIN_DENIED) {
        ret = send_json_failure(s, rq, c, MHD_HTTP_UNAUTHORIZED, "invalid name or password");
    } else if (st == HTTP_LOGIN_THROTTLED) {
        gql_buf b = GQL_BUF_INIT;
        gql_buf_printf(
            &b, "{\"ok\":false,\"error\":\"too many failed logins; retry in %" PRId64 " s\"}",
            retry_after);
        struct MHD_Response *r = response_take(&b, ctype_json);
        char secs[24];
        snprintf(secs, sizeof secs, "%" PRId64, retry_after > 0 ? retry_after : 1);
        if (r)
            MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
        ret = send_response(s, rq, c, MHD_HTTP_TOO_MANY_REQUESTS, r, HTTP_API);
    } else {
        ret = send_json_failure(s, rq, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "login failed");
    }
out:
    if (password) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    if (token) {
        explicit_bzero(token, strlen(token));
        free(token);
    }
    free(name);
    return ret;
}

static enum MHD_Result serve_logout(http_server *s, http_req *rq, struct MHD_Connection *c,
                                    const char *method)
{
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
        return send_method_not_allowed(s, rq, c, "POST");
    if (!same_origin(c))
        return send_json_failure(s, rq, c, MHD_HTTP_FORBIDDEN, "cross-origin logout refused");
    /* A JSON POST cannot be made cross-site without a CORS preflight we
     * never grant, so a form on another site cannot log the user out. */
    if (!http_content_type_is(header(c, MHD_HTTP_HEADER_CONTENT_TYPE), "application/json"))
        return send_json_failure(s, rq, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                 "Content-Type must be application/json");
    const char *token = session_token(c);
    if (token && s->app.logout)
        s->app.logout(s->app.ud, token);
    struct MHD_Response *r = response_copy("{\"ok\":true}", 11, ctype_json);
    if (r) {
        char cookie[128];
        snprintf(cookie, sizeof cookie, "%s=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0%s",
                 EPFIOT_SESSION_COOKIE, s->secure_cookies ? "; Secure" : "");
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    }
    return send_response(s, rq, c, MHD_HTTP_OK, r, HTTP_API);
}

/* ------------------------------------------------ health, metrics, files */

static bool is_get_or_head(const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* /metrics needs valid credentials (session or bearer token): it shows
 * how busy the box is and how many VMs exist, which is not for anyone on
 * the building's network. Prometheus sends a bearer token. */
static enum MHD_Result serve_metrics(http_server *s, http_req *rq, struct MHD_Connection *c,
                                     const char *method)
{
    if (!is_get_or_head(method))
        return send_method_not_allowed(s, rq, c, "GET, HEAD");
    bool bad = false;
    const char *bearer = bearer_token(c, &bad);
    const char *session = session_token(c);
    char addr[INET6_ADDRSTRLEN + 8];
    client_address(c, addr, sizeof addr);
    void *ctx = bad || (!bearer && !session)
                    ? NULL
                    : s->app.request_begin(s->app.ud, session, bearer, addr, false);
    if (!ctx)
        return send_unauthenticated(s, rq, c, ctype_json);
    if (s->app.request_end)
        s->app.request_end(s->app.ud, ctx);
    pthread_mutex_lock(&s->lock);
    uint64_t in_flight = s->in_flight;
    pthread_mutex_unlock(&s->lock);
    gql_buf b = GQL_BUF_INIT;
    http_metrics_write(&s->metrics, in_flight, &b);
    gql_buf_printf(&b,
                   "# HELP epfiot_graphql_cache_hits_total Requests whose document was "
                   "already prepared.\n"
                   "# TYPE epfiot_graphql_cache_hits_total counter\n"
                   "epfiot_graphql_cache_hits_total %zu\n",
                   gql_cache_hits(s->cache));
    if (s->app.metrics)
        s->app.metrics(s->app.ud, &b);
    return send_response(s, rq, c, MHD_HTTP_OK,
                         response_take(&b, "text/plain; version=0.0.4; charset=utf-8"), HTTP_API);
}

static enum MHD_Result serve_static(http_server *s, http_req *rq, struct MHD_Connection *c,
                                    const char *url, const char *method)
{
    if (!is_get_or_head(method))
        return send_method_not_allowed(s, rq, c, "GET, HEAD");
    uint64_t size = 0;
    const char *ctype = NULL;
    int fd = http_static_open(s->static_fd, url, &size, &ctype);
    if (fd < 0)
        return send_text(s, rq, c, MHD_HTTP_NOT_FOUND, "not found\n");
    struct MHD_Response *r = MHD_create_response_from_fd64(size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    return send_response(s, rq, c, MHD_HTTP_OK, r, HTTP_STATIC);
}

/* ------------------------------------------------------------ uploads */

static enum MHD_Result send_json(http_server *s, http_req *rq, struct MHD_Connection *c,
                                 unsigned status, gql_buf *body)
{
    if (!body->len)
        gql_buf_puts(body, "{}");
    return send_response(s, rq, c, status, response_take(body, ctype_json), HTTP_API);
}

/* Headers of PUT /images/NAME are in: check the method, the length and the
 * credentials, then let the app begin (it checks the role and the name). */
static enum MHD_Result begin_upload(http_server *s, http_req *rq, struct MHD_Connection *c,
                                    const char *url, const char *method)
{
    const http_app *app = &s->app;
    if (!app->upload_begin)
        return send_text(s, rq, c, MHD_HTTP_NOT_FOUND, "not found\n");
    if (strcmp(method, "PUT") != 0)
        return send_method_not_allowed(s, rq, c, "PUT");
    const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    char *end = NULL;
    errno = 0;
    unsigned long long length = cl ? strtoull(cl, &end, 10) : 0;
    if (!cl || !*cl || *end || errno)
        return send_text(s, rq, c, MHD_HTTP_LENGTH_REQUIRED,
                         "an upload needs Content-Length (no chunked encoding)\n");
    const char *session = session_token(c);
    bool bad = false;
    const char *bearer = bearer_token(c, &bad);
    if (bad)
        return send_unauthenticated(s, rq, c, ctype_json);
    /* Another site's page cannot send a PUT without a CORS preflight we never
     * grant; a cookie is still only taken from the same origin. */
    if (session && !bearer && !same_origin(c))
        return send_text(s, rq, c, MHD_HTTP_FORBIDDEN, "cross-site request refused\n");
    char addr[64];
    client_address(c, addr, sizeof addr);
    rq->ctx = app->request_begin(app->ud, session, bearer, addr, false);
    if (!rq->ctx)
        return send_unauthenticated(s, rq, c, ctype_json);
    unsigned status = 500;
    rq->upload_length = length;
    rq->upload = app->upload_begin(app->ud, rq->ctx, url + strlen("/images/"), length, &status,
                                   &rq->upload_out);
    if (!rq->upload)
        return send_json(s, rq, c, status, &rq->upload_out);
    return MHD_YES;
}

static void upload_chunk(http_server *s, http_req *rq, const char *data, size_t len)
{
    rq->received += len;
    if (rq->upload_status)
        return; /* failed already: drop the rest */
    if (rq->received > rq->upload_length) {
        rq->upload_status = MHD_HTTP_BAD_REQUEST;
        gql_buf_puts(&rq->upload_out, "{\"error\":{\"code\":\"BAD_USER_INPUT\",\"message\":"
                                      "\"more bytes than Content-Length\"}}");
        return;
    }
    unsigned status = 500;
    if (!s->app.upload_data(s->app.ud, rq->ctx, rq->upload, data, len, &status, &rq->upload_out))
        rq->upload_status = status ? status : 500;
}

/* The body is over (or the client left, complete false): end the upload. */
static unsigned end_upload(http_server *s, http_req *rq, bool complete)
{
    void *up = rq->upload;
    rq->upload = NULL;
    if (rq->upload_status) {
        s->app.upload_end(s->app.ud, rq->ctx, up, false, NULL);
        return rq->upload_status;
    }
    return s->app.upload_end(s->app.ud, rq->ctx, up, complete, &rq->upload_out);
}

/* ------------------------------------------------------------ the handler */

static http_route route_of(const char *url)
{
    static const struct {
        const char *path;
        http_route route;
    } routes[] = {
        {"/graphql", HTTP_ROUTE_GRAPHQL}, {"/query", HTTP_ROUTE_QUERY},
        {"/login", HTTP_ROUTE_LOGIN},     {"/logout", HTTP_ROUTE_LOGOUT},
        {"/healthz", HTTP_ROUTE_HEALTHZ}, {"/metrics", HTTP_ROUTE_METRICS},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0)
            return routes[i].route;
    if (strncmp(url, "/images/", 8) == 0)
        return HTTP_ROUTE_IMAGES;
    return HTTP_ROUTE_STATIC;
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    size_t *n = cls;
    *n += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
    return MHD_YES;
}

/* The first call: headers are in, no body yet. Refuse what is too big
 * before reading any of it. */
static enum MHD_Result begin_request(http_server *s, http_req *rq, struct MHD_Connection *c,
                                     const char *url, const char *method)
{
    size_t header_bytes = strlen(url);
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &header_bytes);
    if (header_bytes > s->max_header)
        return send_text(s, rq, c, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                         "request headers too large\n");
    if (rq->route == HTTP_ROUTE_IMAGES)
        return begin_upload(s, rq, c, url, method);
    const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long announced = cl ? strtoull(cl, NULL, 10) : 0;
    if (announced > s->max_body) {
        rq->too_large = true;
        return send_text(s, rq, c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
    }
    /* One allocation for the whole body: growing would leave copies of a
     * login's password behind in freed memory. */
    if (announced)
        gql_buf_reserve(&rq->body, (size_t)announced + 1);
    return MHD_YES;
}

static enum MHD_Result dispatch(http_server *s, http_req *rq, struct MHD_Connection *c,
                                const char *url, const char *method)
{
    switch (rq->route) {
    case HTTP_ROUTE_GRAPHQL:
    case HTTP_ROUTE_QUERY:
        return serve_graphql(s, rq, c, method);
    case HTTP_ROUTE_LOGIN:
        return serve_login(s, rq, c, method);
    case HTTP_ROUTE_LOGOUT:
        return serve_logout(s, rq, c, method);
    case HTTP_ROUTE_HEALTHZ:
        if (!is_get_or_head(method))
            return send_method_not_allowed(s, rq, c, "GET, HEAD");
        return send_text(s, rq, c, MHD_HTTP_OK, "ok\n");
    case HTTP_ROUTE_METRICS:
        return serve_metrics(s, rq, c, method);
    default:
        return serve_static(s, rq, c, url, method);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    http_server *s = cls;
    http_req *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        rq->route = route_of(url);
        *con_cls = rq;
        pthread_mutex_lock(&s->lock);
        s->in_flight++;
        pthread_mutex_unlock(&s->lock);
        return begin_request(s, rq, c, url, method);
    }
    if (rq->status) { /* answered early (413, 431): ignore whatever still comes */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->route == HTTP_ROUTE_IMAGES) {
        /* An upload is as long as its bytes take; MHD's idle timeout still
         * ends a stalled one (and on_completed abandons it). */
        if (*upload_data_size) {
            upload_chunk(s, rq, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return MHD_YES;
        }
        unsigned status = end_upload(s, rq, rq->received == rq->upload_length);
        return send_json(s, rq, c, status, &rq->upload_out);
    }
    if (*upload_data_size) {
        /* A chunked body has no Content-Length to check up front. MHD lets
         * us answer only once the body is over, so the excess is read and
         * dropped; a client that goes on sending past twice the limit loses
         * the connection instead of its answer. */
        /* MHD's timeout is for idleness; a body trickled in a byte at a
         * time must still arrive within the request timeout. */
        if (elapsed_s(&rq->start) > (double)s->timeout_s)
            return MHD_NO;
        rq->received += *upload_data_size;
        if (rq->received > s->max_body)
            rq->too_large = true;
        if (rq->too_large && rq->received / 2 > s->max_body)
            return MHD_NO;
        if (!rq->too_large)
            gql_buf_put(&rq->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->too_large)
        return send_text(s, rq, c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n");
    return dispatch(s, rq, c, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    http_server *s = cls;
    http_req *rq = *con_cls;
    if (!rq)
        return;
    if (rq->status)
        http_metrics_request(&s->metrics, rq->route, rq->status, elapsed_s(&rq->start));
    if (rq->upload) /* the client went away mid-upload */
        end_upload(s, rq, false);
    if (rq->ctx)
        s->app.request_end(s->app.ud, rq->ctx);
    gql_buf_free(&rq->upload_out);
    /* The body may hold a password (POST /login). */
    if (rq->body.data)
        explicit_bzero(rq->body.data, rq->body.cap);
    gql_buf_free(&rq->body);
    free(rq);
    *con_cls = NULL;
    pthread_mutex_lock(&s->lock);
    if (--s->in_flight == 0)
        pthread_cond_broadcast(&s->idle);
    pthread_mutex_unlock(&s->lock);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    http_server *s = cls;
    if (!s->app.log)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = 0;
    s->app.log(s->app.ud, msg);
}

/* ------------------------------------------------------------ start, stop */

static char *read_whole_file(const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    if (!f) {
        *err = xstrdup_printf("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    gql_buf b = GQL_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        gql_buf_put(&b, chunk, n);
    if (ferror(f)) {
        *err = xstrdup_printf("cannot read %s", path);
        gql_buf_free(&b);
    } else {
        gql_buf_cstr(&b);
        data = gql_buf_steal(&b, &n);
    }
    fclose(f);
    return data;
}

/* Our own listening socket: any address getaddrinfo understands, and the
 * bound port is then known from getsockname whatever MHD's version. */
static int open_listener(const char *addr, uint16_t port, uint16_t *bound, char **err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM},
                    *ai = NULL;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%u", port);
    int rc = getaddrinfo(addr, portstr, &hints, &ai);
    if (rc != 0) {
        *err = xstrdup_printf("cannot resolve listen address %s: %s", addr ? addr : "*",
                              gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1, zero = 0;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        /* "::" also accepts IPv4 (dual stack), as a NULL address does. */
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        *err = xstrdup_printf("cannot listen on %s port %u: %s", addr ? addr : "*", port,
                              strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *bound = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                            : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static bool limits_unset(const gql_limits *l)
{
    static const gql_limits zero;
    return memcmp(l, &zero, sizeof zero) == 0;
}

static void server_free(http_server *s)
{
    if (s->cache)
        gql_cache_free(s->cache);
    if (s->static_fd >= 0)
        close(s->static_fd);
    if (s->tls_key) {
        explicit_bzero(s->tls_key, strlen(s->tls_key));
        free(s->tls_key);
    }
    free(s->tls_cert);
    http_metrics_destroy(&s->metrics);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static bool configure(http_server *s, const http_config *cfg, char **err)
{
    s->timeout_s = cfg->request_timeout_s ? cfg->request_timeout_s : HTTP_DEFAULT_TIMEOUT_S;
    s->max_body = cfg->max_body_bytes ? cfg->max_body_bytes : HTTP_DEFAULT_MAX_BODY;
    s->max_header = cfg->max_header_bytes ? cfg->max_header_bytes : HTTP_DEFAULT_MAX_HEADER;
    s->limits = limits_unset(&cfg->limits) ? gql_limits_default : cfg->limits;
    s->secure_cookies = cfg->secure_cookies;
    s->cache = gql_cache_new(cfg->cache_capacity ? cfg->cache_capacity : HTTP_DEFAULT_CACHE);
    if (cfg->static_dir) {
        s->static_fd = open(cfg->static_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s->static_fd < 0) {
            *err = xstrdup_printf("cannot open static directory %s: %s", cfg->static_dir,
                                  strerror(errno));
            return false;
        }
    }
    if (!cfg->tls_cert_file != !cfg->tls_key_file) {
        *err = xstrdup_printf("HTTPS needs both a certificate and a key file");
        return false;
    }
    if (cfg->tls_cert_file) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            *err = xstrdup_printf("this libmicrohttpd has no TLS support");
            return false;
        }
        s->tls = true;
        s->tls_cert = read_whole_file(cfg->tls_cert_file, err);
        if (!s->tls_cert)
            return false;
        s->tls_key = read_whole_file(cfg->tls_key_file, err);
        if (!s->tls_key)
            return false;
    }
    return true;
}

http_server *http_start(const http_config *cfg, const http_app *app, char **err)
{
    *err = NULL;
    if (!cfg || !app || !app->schema || !app->request_begin) {
        *err = xstrdup_printf("http_start: a schema and request_begin are required");
        return NULL;
    }
    http_server *s = calloc(1, sizeof *s);
    if (!s) {
        *err = xstrdup_printf("out of memory");
        return NULL;
    }
    s->app = *app;
    s->static_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    http_metrics_init(&s->metrics);
    if (!configure(s, cfg, err))
        goto fail;
    int fd = open_listener(cfg->listen_addr, cfg->port, &s->port, err);
    if (fd < 0)
        goto fail;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cfg->threads ? cfg->threads : (unsigned)(ncpu > 0 ? ncpu : 1);
    /* MHD keeps a connection's headers in its memory pool, with room for
     * our own 431 check to fire first. The pool is cleared for every
     * request, so it is not made bigger than that. */
    size_t pool = s->max_header + 8 * 1024;
    struct MHD_OptionItem opts[12];
    size_t n = 0;
    /* The logger first: libmicrohttpd reports options it parses before it
     * on its own logger (and warns that it was not first). */
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, s};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
    opts[n++] =
        (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)s->timeout_s, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)pool, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
    /* Strict HTTP/1.1: a request without Host or with a malformed header
     * line is refused (400) rather than guessed at. */
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL};
    if (cfg->max_connections)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
                                            (intptr_t)cfg->max_connections, NULL};
    if (cfg->max_connections_per_ip)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                            (intptr_t)cfg->max_connections_per_ip, NULL};
    if (threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
    if (s->tls) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key};
    }
    opts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (s->tls ? MHD_USE_TLS : 0);
    s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opts,
                              MHD_OPTION_END);
    if (!s->mhd) {
        close(fd);
        *err = xstrdup_printf("cannot start the HTTP server (libmicrohttpd refused the "
                              "configuration%s)",
                              s->tls ? "; check the TLS certificate and key" : "");
        goto fail;
    }
    return s;
fail:
    server_free(s);
    return NULL;
}

uint16_t http_port(const http_server *srv)
{
    return srv ? srv->port : 0;
}

/* Wait until no request is being served, or the deadline passes. */
static void wait_idle(http_server *s, const struct timespec *deadline)
{
    pthread_mutex_lock(&s->lock);
    while (s->in_flight > 0)
        if (pthread_cond_timedwait(&s->idle, &s->lock, deadline) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&s->lock);
}

void http_stop(http_server *srv)
{
    if (!srv)
        return;
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_mutex_unlock(&srv->lock);
    MHD_socket lfd = MHD_quiesce_daemon(srv->mhd);
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += srv->timeout_s;
    /* A request whose headers were arriving as we quiesced reaches the
     * handler a moment later: look twice, a short while apart. */
    wait_idle(srv, &deadline);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
    wait_idle(srv, &deadline);
    MHD_stop_daemon(srv->mhd);
    server_free(srv);
}
