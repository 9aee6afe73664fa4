/* internal.h -- pieces of the HTTP front shared between its files but not
 * part of the http.h seam: media-type negotiation and form parsing
 * (media.c), static files (static.c) and request metrics (metrics.c).
 * They are pure functions or small locked tables so that tests can reach
 * them directly as well as through a running server.
 */
#ifndef EPFIOT_HTTP_INTERNAL_H
#define EPFIOT_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ------------------------------------------------------------- media.c */

/* The response type a GraphQL request gets. */
typedef enum http_media {
    HTTP_MEDIA_NONE,         /* Accept names nothing we produce: 406 */
    HTTP_MEDIA_JSON,         /* application/json */
    HTTP_MEDIA_GQL_RESPONSE, /* application/graphql-response+json */
} http_media;

/* Pick from an Accept header (NULL or blank = application/json). The
 * GraphQL response type wins whenever it is acceptable at least as much as
 * application/json; * / * and application/ * count as application/json. */
http_media http_accept_pick(const char *accept);

/* Content-Type names this media type ("type/subtype", case-insensitive),
 * with no charset or charset=utf-8 (any other charset is refused). */
bool http_content_type_is(const char *content_type, const char *type);

/* The value of `key` in an application/x-www-form-urlencoded body,
 * percent- and plus-decoded into a malloc'ed string; NULL when absent or
 * when it decodes to a string with a NUL byte. */
char *http_form_get(const char *body, size_t len, const char *key);

/* Accept mentions text/html (a browser's form post). */
bool http_accept_html(const char *accept);

/* ------------------------------------------------------------ static.c */

/* Open the file a URL path names under the directory `dirfd`: "/" and
 * directories mean their index.html. Every path segment must be a safe name
 * (letters, digits, '.', '-', '_', not starting with '.') and no component
 * may be a symbolic link, so nothing outside the directory is reachable.
 * Returns an open fd of a regular file with its size and Content-Type, or
 * -1. */
int http_static_open(int dirfd, const char *url, uint64_t *size, const char **content_type);

/* ----------------------------------------------------------- metrics.c */

/* Requests are counted by route, a fixed set so that label cardinality
 * stays bounded whatever URLs clients send. */
typedef enum http_route {
    HTTP_ROUTE_GRAPHQL,
    HTTP_ROUTE_QUERY,
    HTTP_ROUTE_LOGIN,
    HTTP_ROUTE_LOGOUT,
    HTTP_ROUTE_HEALTHZ,
    HTTP_ROUTE_METRICS,
    HTTP_ROUTE_STATIC,
    HTTP_ROUTE_IMAGES, /* PUT /images/NAME */
    HTTP_ROUTE_COUNT,
} http_route;

#define HTTP_METRICS_BUCKETS 10

typedef struct http_metrics {
    pthread_mutex_t lock;
    uint64_t requests[HTTP_ROUTE_COUNT][600];                     /* by status code */
    uint64_t buckets[HTTP_ROUTE_COUNT][HTTP_METRICS_BUCKETS + 1]; /* last: +Inf */
    double seconds[HTTP_ROUTE_COUNT];
    uint64_t graphql_errors;
} http_metrics;

void http_metrics_init(http_metrics *m);
void http_metrics_destroy(http_metrics *m);
void http_metrics_request(http_metrics *m, http_route route, unsigned status, double seconds);
void http_metrics_graphql_errors(http_metrics *m, uint64_t n);
/* The Prometheus text of every counter, plus the in-flight gauge. */
void http_metrics_write(http_metrics *m, uint64_t in_flight, gql_buf *out);
const char *http_route_label(http_route r);

#endif
