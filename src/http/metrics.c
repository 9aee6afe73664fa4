/* metrics.c -- request counters for /metrics, in Prometheus text format.
 *
 * One mutex guards the table: a request takes it once, at completion, for a
 * few additions, which costs far less than the request itself, and keeps
 * the written snapshot consistent (a histogram's buckets always add up to
 * its count). Routes are a fixed set and codes a fixed range, so the table
 * is a plain array and the output's label cardinality is bounded.
 */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

static const double bucket_bounds[HTTP_METRICS_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
};

static const char *const route_labels[HTTP_ROUTE_COUNT] = {
    "/graphql", "/query", "/login", "/logout", "/healthz", "/metrics", "static", "/images",
};

const char *http_route_label(http_route r)
{
    return r < HTTP_ROUTE_COUNT ? route_labels[r] : "other";
}

void http_metrics_init(http_metrics *m)
{
    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
}

void http_metrics_destroy(http_metrics *m)
{
    pthread_mutex_destroy(&m->lock);
}

void http_metrics_request(http_metrics *m, http_route route, unsigned status, double seconds)
{
    if (route >= HTTP_ROUTE_COUNT)
        return;
    size_t b = 0;
    while (b < HTTP_METRICS_BUCKETS && seconds > bucket_bounds[b])
        b++;
    pthread_mutex_lock(&m->lock);
    if (status < 600)
        m->requests[route][status]++;
    m->buckets[route][b]++;
    m->seconds[route] += seconds;
    pthread_mutex_unlock(&m->lock);
}

void http_metrics_graphql_errors(http_metrics *m, uint64_t n)
{
    pthread_mutex_lock(&m->lock);
    m->graphql_errors += n;
    pthread_mutex_unlock(&m->lock);
}

static void write_histogram(http_metrics *m, http_route r, gql_buf *out)
{
    uint64_t cumulative = 0;
    const char *label = route_labels[r];
    for (size_t b = 0; b < HTTP_METRICS_BUCKETS; b++) {
        cumulative += m->buckets[r][b];
        gql_buf_printf(out,
                       "epfiot_http_request_duration_seconds_bucket{path=\"%s\",le=\"%g\"} "
                       "%" PRIu64 "\n",
                       label, bucket_bounds[b], cumulative);
    }
    cumulative += m->buckets[r][HTTP_METRICS_BUCKETS];
    gql_buf_printf(out,
                   "epfiot_http_request_duration_seconds_bucket{path=\"%s\",le=\"+Inf\"} "
                   "%" PRIu64 "\n",
                   label, cumulative);
    gql_buf_printf(out, "epfiot_http_request_duration_seconds_sum{path=\"%s\"} %.6f\n", label,
                   m->seconds[r]);
    gql_buf_printf(out, "epfiot_http_request_duration_seconds_count{path=\"%s\"} %" PRIu64 "\n",
                   label, cumulative);
}

void http_metrics_write(http_metrics *m, uint64_t in_flight, gql_buf *out)
{
    pthread_mutex_lock(&m->lock);
    gql_buf_puts(out, "# HELP epfiot_http_requests_total HTTP requests by path and status.\n"
                      "# TYPE epfiot_http_requests_total counter\n");
    for (int r = 0; r < HTTP_ROUTE_COUNT; r++)
        for (unsigned code = 100; code < 600; code++)
            if (m->requests[r][code])
                gql_buf_printf(out,
                               "epfiot_http_requests_total{path=\"%s\",code=\"%u\"} %" PRIu64 "\n",
                               route_labels[r], code, m->requests[r][code]);
    gql_buf_puts(out, "# HELP epfiot_http_request_duration_seconds Time from a request's "
                      "headers to its response's last byte.\n"
                      "# TYPE epfiot_http_request_duration_seconds histogram\n");
    for (int r = 0; r < HTTP_ROUTE_COUNT; r++)
        write_histogram(m, (http_route)r, out);
    gql_buf_printf(out,
                   "# HELP epfiot_graphql_errors_total Errors in GraphQL responses.\n"
                   "# TYPE epfiot_graphql_errors_total counter\n"
                   "epfiot_graphql_errors_total %" PRIu64 "\n",
                   m->graphql_errors);
    pthread_mutex_unlock(&m->lock);
    gql_buf_printf(out,
                   "# HELP epfiot_http_requests_in_flight Requests being served.\n"
                   "# TYPE epfiot_http_requests_in_flight gauge\n"
                   "epfiot_http_requests_in_flight %" PRIu64 "\n",
                   in_flight);
}
