/* test_http.c -- the HTTP front (src/http/) driven over loopback.
 *
 * Each test starts a real server (libmicrohttpd, port 0 on 127.0.0.1)
 * serving the test application of testapp.c, talks to it with libcurl or,
 * for what curl will not send (malformed request lines, oversized headers),
 * a raw socket, and stops it. Nothing is mocked: the GraphQL engine, the
 * thread pool, TLS and the file system are the real ones.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "internal.h"
#include "test.h"
#include "testapp.h"

/* ---------------------------------------------------------------- fixture */

typedef struct server {
    testapp *app;
    http_server *srv;
    char base[64];
} server;

static http_config default_config(void)
{
    return (http_config){.listen_addr = "127.0.0.1", .threads = 4, .request_timeout_s = 5};
}

static bool server_start_cfg(server *s, const http_config *cfg)
{
    char *err = NULL;
    s->app = testapp_new();
    s->srv = s->app ? http_start(cfg, &s->app->app, &err) : NULL;
    if (!s->srv) {
        fprintf(stderr, "  http_start: %s\n", err ? err : "?");
        free(err);
        testapp_free(s->app);
        return false;
    }
    snprintf(s->base, sizeof s->base, "%s://127.0.0.1:%u", cfg->tls_cert_file ? "https" : "http",
             http_port(s->srv));
    return true;
}

static bool server_start(server *s)
{
    http_config cfg = default_config();
    return server_start_cfg(s, &cfg);
}

static void server_stop(server *s)
{
    http_stop(s->srv);
    testapp_free(s->app);
}

/* ----------------------------------------------------------------- client */

typedef struct resp {
    long status;
    gql_buf body;
    gql_buf headers; /* raw header lines of the final response */
} resp;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    gql_buf_put(ud, p, size * n);
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    gql_buf *b = ud;
    if (n * size > 5 && strncmp(p, "HTTP/", 5) == 0)
        gql_buf_truncate(b, 0); /* a new response (after 100 Continue) */
    gql_buf_put(b, p, size * n);
    return size * n;
}

typedef struct req_opts {
    const char *method;
    const char *const *headers; /* NULL-terminated "Name: value" */
    const char *body;
    long body_len; /* -1: strlen(body) */
    const char *cainfo;
    CURL *curl; /* reuse a handle (keep-alive); NULL = a new one */
} req_opts;

static resp request_opts(const char *url, const req_opts *o)
{
    resp r = {0};
    CURL *c = o->curl ? o->curl : curl_easy_init();
    struct curl_slist *hl = NULL;
    for (const char *const *h = o->headers; h && *h; h++)
        hl = curl_slist_append(hl, *h);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (o->cainfo)
        curl_easy_setopt(c, CURLOPT_CAINFO, o->cainfo);
    if (o->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, o->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
                         o->body_len >= 0 ? o->body_len : (long)strlen(o->body));
    }
    if (o->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, o->method);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        r.status = -(long)rc;
    gql_buf_cstr(&r.body);
    gql_buf_cstr(&r.headers);
    curl_slist_free_all(hl);
    if (!o->curl)
        curl_easy_cleanup(c);
    return r;
}

static resp request(const server *s, const char *method, const char *path,
                    const char *const *headers, const char *body)
{
    char url[2200];
    snprintf(url, sizeof url, "%s%s", s->base, path);
    req_opts o = {.method = method, .headers = headers, .body = body, .body_len = -1};
    return request_opts(url, &o);
}

static const char *const json_auth[] = {"Content-Type: application/json",
                                        "Authorization: Bearer " TESTAPP_TOKEN, NULL};

/* POST /graphql with a JSON body, as the bearer-token caller. */
static resp post_gql(const server *s, const char *body)
{
    return request(s, "POST", "/graphql", json_auth, body);
}

/* GET /graphql?query=...&<extra> as the bearer-token caller. */
static resp get_gql(const server *s, const char *query, const char *extra,
                    const char *const *headers)
{
    static const char *const auth[] = {"Authorization: Bearer " TESTAPP_TOKEN, NULL};
    CURL *c = curl_easy_init();
    char *q = curl_easy_escape(c, query, 0);
    char path[2048];
    snprintf(path, sizeof path, "/graphql?query=%s%s%s", q, extra ? "&" : "", extra ? extra : "");
    curl_free(q);
    curl_easy_cleanup(c);
    return request(s, "GET", path, headers ? headers : auth, NULL);
}

static void resp_free(resp *r)
{
    gql_buf_free(&r->body);
    gql_buf_free(&r->headers);
}

/* Value of a response header (case-insensitive name), into a static
 * buffer; NULL when absent. The last one wins, except Set-Cookie, which
 * tests look at with CHECK_CONTAINS on the raw headers. */
static const char *resp_header(const resp *r, const char *name)
{
    static char value[512];
    const char *found = NULL;
    size_t n = strlen(name);
    for (const char *line = r->headers.data; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            size_t vl = len - (size_t)(v - line);
            if (vl >= sizeof value)
                vl = sizeof value - 1;
            memcpy(value, v, vl);
            value[vl] = 0;
            found = value;
        }
        line = eol ? eol + 2 : line + len;
    }
    return found;
}

/* One raw request on a new connection; returns everything the server sent
 * until it closed (*closed true) or was quiet for wait_s (malloc'ed). */
static char *raw_exchange(const server *s, const char *data, size_t len, int wait_s, bool *closed)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(http_port(s->srv))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    struct timeval tv = {wait_s, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (closed)
        *closed = false;
    gql_buf out = GQL_BUF_INIT;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        char buf[4096];
        ssize_t n;
        while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
            gql_buf_put(&out, buf, (size_t)n);
        if (closed)
            *closed = n == 0 || (n < 0 && errno == ECONNRESET);
    }
    close(fd);
    gql_buf_cstr(&out);
    size_t l;
    return gql_buf_steal(&out, &l);
}

static char *raw(const server *s, const char *data)
{
    return raw_exchange(s, data, strlen(data), 2, NULL);
}

/* ========================================================== media helpers */

TEST(accept_absent_or_blank_means_application_json)
{
    CHECK_INT(http_accept_pick(NULL), HTTP_MEDIA_JSON);
    CHECK_INT(http_accept_pick("  "), HTTP_MEDIA_JSON);
}

TEST(accept_prefers_graphql_response_json_when_listed)
{
    CHECK_INT(http_accept_pick("application/graphql-response+json, application/json;q=0.9"),
              HTTP_MEDIA_GQL_RESPONSE);
    CHECK_INT(http_accept_pick("application/json, application/graphql-response+json"),
              HTTP_MEDIA_GQL_RESPONSE);
    CHECK_INT(http_accept_pick("Application/GraphQL-Response+JSON; charset=utf-8"),
              HTTP_MEDIA_GQL_RESPONSE);
}

TEST(accept_higher_q_wins)
{
    CHECK_INT(http_accept_pick("application/graphql-response+json;q=0.5, application/json"),
              HTTP_MEDIA_JSON);
    CHECK_INT(http_accept_pick("application/graphql-response+json;q=0, */*"), HTTP_MEDIA_JSON);
}

TEST(accept_wildcards_mean_application_json)
{
    CHECK_INT(http_accept_pick("*/*"), HTTP_MEDIA_JSON);
    CHECK_INT(http_accept_pick("application/*"), HTTP_MEDIA_JSON);
    CHECK_INT(http_accept_pick("text/html, */*;q=0.8"), HTTP_MEDIA_JSON);
}

TEST(accept_without_a_supported_type_is_none)
{
    CHECK_INT(http_accept_pick("text/html"), HTTP_MEDIA_NONE);
    CHECK_INT(http_accept_pick("application/json;q=0"), HTTP_MEDIA_NONE);
    CHECK_INT(http_accept_pick("application/json;q=oops"), HTTP_MEDIA_NONE);
}

TEST(content_type_accepts_utf8_charset_only)
{
    CHECK(http_content_type_is("application/json", "application/json"));
    CHECK(http_content_type_is("application/JSON ; charset=UTF-8", "application/json"));
    CHECK(http_content_type_is("application/json;charset=\"utf-8\"", "application/json"));
    CHECK(!http_content_type_is("application/json; charset=latin1", "application/json"));
    CHECK(!http_content_type_is("application/jsonx", "application/json"));
    CHECK(!http_content_type_is(NULL, "application/json"));
}

TEST(form_fields_are_percent_and_plus_decoded)
{
    const char body[] = "name=al%69ce&password=a+b%26c%3D&empty=";
    char *name = http_form_get(body, strlen(body), "name");
    char *pw = http_form_get(body, strlen(body), "password");
    char *empty = http_form_get(body, strlen(body), "empty");
    CHECK_STR(name, "alice");
    CHECK_STR(pw, "a b&c=");
    CHECK_STR(empty, "");
    CHECK(http_form_get(body, strlen(body), "missing") == NULL);
    CHECK(http_form_get("name=a%00b", 10, "name") == NULL);
    free(name);
    free(pw);
    free(empty);
}

/* Header values and bodies come from anyone: random bytes must never
 * crash the parsers or read outside their input (the sanitizer build
 * checks), and the answers stay in range. */
TEST(header_parsers_survive_arbitrary_bytes)
{
    static const char alphabet[] = "aplictonjs/+*;=q.0123456789, \t\"%&-_xgrhe";
    uint32_t seed = 12345;
    char buf[64];
    for (int i = 0; i < 20000; i++) {
        size_t n = 0, len = (seed >> 8) % (sizeof buf - 1);
        for (; n < len; n++) {
            seed = seed * 1103515245u + 12345u;
            buf[n] = (seed >> 16) % 4 ? alphabet[(seed >> 20) % (sizeof alphabet - 1)]
                                      : (char)(seed >> 24);
        }
        buf[n] = 0;
        http_media m = http_accept_pick(buf);
        CHECK(m == HTTP_MEDIA_NONE || m == HTTP_MEDIA_JSON || m == HTTP_MEDIA_GQL_RESPONSE);
        (void)http_content_type_is(buf, "application/json");
        (void)http_accept_html(buf);
        free(http_form_get(buf, n, "name"));
        seed = seed * 1103515245u + 12345u;
    }
}

/* ============================================================== GraphQL */

TEST(post_json_query_answers_200_with_data)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ hello(name: \\\"bob\\\") }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"hello\":\"hello, bob\"}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(query_path_is_an_alias_of_graphql)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "POST", "/query", json_auth, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"me\":\"alice\"}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(get_runs_a_query_from_url_parameters)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = get_gql(&s, "query Q($v: Int!) { echo(v: $v) }", "variables=%7B%22v%22%3A7%7D", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"echo\":7}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(get_reads_plus_as_space_in_the_query)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const auth[] = {"Authorization: Bearer " TESTAPP_TOKEN, NULL};
    resp r = request(&s, "GET", "/graphql?query=%7B+me+%7D", auth, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"me\":\"alice\"}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(get_operation_name_selects_the_operation)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = get_gql(&s, "query A { me } query B { hello }", "operationName=B", NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"hello\":\"hello, world\"}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(get_mutation_is_405_with_allow_post_and_does_not_run)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = get_gql(&s, "mutation { bump }", NULL, NULL);
    CHECK_INT(r.status, 405);
    CHECK_STR(resp_header(&r, "Allow"), "POST");
    CHECK_INT(s.app->mutations, 0);
    resp_free(&r);
    server_stop(&s);
}

TEST(post_mutation_runs)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"mutation { bump }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"bump\":1}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(other_methods_on_graphql_are_405)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "PUT", "/graphql", json_auth, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 405);
    CHECK_STR(resp_header(&r, "Allow"), "GET, POST");
    resp_free(&r);
    server_stop(&s);
}

TEST(accept_graphql_response_json_gets_that_content_type)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json",
                                    "Authorization: Bearer " TESTAPP_TOKEN,
                                    "Accept: application/graphql-response+json", NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(resp_header(&r, "Content-Type"), "application/graphql-response+json; charset=utf-8");
    resp_free(&r);
    server_stop(&s);
}

TEST(no_accept_header_gets_application_json_utf8)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ me }\"}");
    CHECK_STR(resp_header(&r, "Content-Type"), "application/json; charset=utf-8");
    resp_free(&r);
    server_stop(&s);
}

TEST(unsupported_accept_is_406)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json",
                                    "Authorization: Bearer " TESTAPP_TOKEN, "Accept: text/html",
                                    NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 406);
    resp_free(&r);
    server_stop(&s);
}

static long post_with_content_type(const char *ctype_header)
{
    server s;
    if (!server_start(&s))
        return -1;
    const char *h[] = {"Authorization: Bearer " TESTAPP_TOKEN, ctype_header, NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    long status = r.status;
    resp_free(&r);
    server_stop(&s);
    return status;
}

TEST(post_without_content_type_is_415)
{
    /* curl adds a form Content-Type to POSTs; "Content-Type:" removes it. */
    CHECK_INT(post_with_content_type("Content-Type:"), 415);
}

TEST(post_with_another_content_type_is_415)
{
    CHECK_INT(post_with_content_type("Content-Type: text/plain"), 415);
    CHECK_INT(post_with_content_type("Content-Type: application/x-www-form-urlencoded"), 415);
}

TEST(post_json_with_a_charset_other_than_utf8_is_415)
{
    CHECK_INT(post_with_content_type("Content-Type: application/json; charset=iso-8859-1"), 415);
}

TEST(post_json_with_utf8_charset_is_accepted)
{
    CHECK_INT(post_with_content_type("Content-Type: application/json; charset=utf-8"), 200);
}

/* A malformed request's status and body, answered as application/json. */
static void check_malformed(const char *body, const char *message_part)
{
    server s;
    if (!server_start(&s)) {
        CHECK(0);
        return;
    }
    resp r = post_gql(&s, body);
    CHECK_INT(r.status, 400);
    CHECK_CONTAINS(r.body.data, message_part);
    CHECK(!strstr(r.body.data, "\"data\""));
    resp_free(&r);
    server_stop(&s);
}

TEST(malformed_json_is_400)
{
    check_malformed("{ \"not a JSON", "not valid JSON");
}

TEST(empty_body_is_400)
{
    check_malformed("", "not valid JSON");
}

TEST(body_that_is_not_an_object_is_400)
{
    check_malformed("[\"{ me }\"]", "must be a JSON object");
}

TEST(missing_query_is_400)
{
    check_malformed("{\"notquery\":\"{ me }\"}", "no query");
}

TEST(query_that_is_not_a_string_is_400)
{
    check_malformed("{\"query\":{\"x\":1}}", "query must be a string");
}

TEST(variables_that_are_not_an_object_are_400)
{
    check_malformed("{\"query\":\"{ me }\",\"variables\":\"{}\"}", "variables must be");
    check_malformed("{\"query\":\"{ me }\",\"variables\":[1]}", "variables must be");
}

TEST(operation_name_that_is_not_a_string_is_400)
{
    check_malformed("{\"query\":\"{ me }\",\"operationName\":7}", "operationName");
}

TEST(extensions_that_are_not_an_object_are_400)
{
    check_malformed("{\"query\":\"{ me }\",\"extensions\":\"x\"}", "extensions");
}

TEST(null_optional_parameters_and_unknown_keys_are_accepted)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ me }\",\"operationName\":null,\"variables\":null,"
                          "\"extensions\":{\"persisted\":1},\"whatever\":[1,2]}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"me\":\"alice\"}}");
    resp_free(&r);
    server_stop(&s);
}

TEST(get_variables_that_are_not_a_json_object_are_400)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = get_gql(&s, "query Q($v: Int!) { echo(v: $v) }", "variables=%5B1%5D", NULL);
    CHECK_INT(r.status, 400);
    resp_free(&r);
    r = get_gql(&s, "query Q($v: Int!) { echo(v: $v) }", "variables=%7Bnope", NULL);
    CHECK_INT(r.status, 400);
    resp_free(&r);
    server_stop(&s);
}

static const char *const gqlresp_auth[] = {"Content-Type: application/json",
                                           "Authorization: Bearer " TESTAPP_TOKEN,
                                           "Accept: application/graphql-response+json", NULL};

/* Status for body under Accept graphql-response+json (gqlresp) or none. */
static long status_of(const char *body, bool gqlresp, char **out_body)
{
    server s;
    if (!server_start(&s))
        return -1;
    resp r = request(&s, "POST", "/graphql", gqlresp ? gqlresp_auth : json_auth, body);
    long st = r.status;
    if (out_body)
        *out_body = strdup(r.body.data);
    resp_free(&r);
    server_stop(&s);
    return st;
}

TEST(parse_error_is_400_without_data_under_graphql_response_json)
{
    char *body = NULL;
    CHECK_INT(status_of("{\"query\":\"{\"}", true, &body), 400);
    CHECK_CONTAINS(body, "Syntax Error");
    CHECK(!strstr(body, "\"data\""));
    free(body);
}

TEST(parse_error_is_200_under_application_json)
{
    CHECK_INT(status_of("{\"query\":\"{\"}", false, NULL), 200);
}

TEST(validation_error_is_400_under_graphql_response_json)
{
    char *body = NULL;
    CHECK_INT(status_of("{\"query\":\"{ nope }\"}", true, &body), 400);
    CHECK_CONTAINS(body, "Cannot query field");
    CHECK(!strstr(body, "\"data\""));
    free(body);
}

TEST(validation_error_is_200_under_application_json)
{
    CHECK_INT(status_of("{\"query\":\"{ nope }\"}", false, NULL), 200);
}

TEST(variable_coercion_failure_is_400_under_graphql_response_json)
{
    char *body = NULL;
    CHECK_INT(status_of("{\"query\":\"query Q($v: Int!) { echo(v: $v) }\","
                        "\"variables\":{\"v\":\"seven\"}}",
                        true, &body),
              400);
    CHECK(!strstr(body, "\"data\""));
    free(body);
}

TEST(variable_coercion_failure_is_200_under_application_json)
{
    CHECK_INT(status_of("{\"query\":\"query Q($v: Int!) { echo(v: $v) }\","
                        "\"variables\":{\"v\":\"seven\"}}",
                        false, NULL),
              200);
}

TEST(unknown_operation_name_is_400_under_graphql_response_json)
{
    CHECK_INT(status_of("{\"query\":\"query A { me }\",\"operationName\":\"B\"}", true, NULL), 400);
}

TEST(field_error_with_partial_data_is_200)
{
    char *body = NULL;
    CHECK_INT(status_of("{\"query\":\"{ me fail }\"}", true, &body), 200);
    CHECK_CONTAINS(body, "\"me\":\"alice\"");
    CHECK_CONTAINS(body, "it failed");
    free(body);
}

TEST(utf8_in_queries_and_answers_round_trips)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ hello(name: \\\"Run🏃Swim🏊\\\") }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"hello\":\"hello, Run🏃Swim🏊\"}}");
    resp_free(&r);
    server_stop(&s);
}

/* ========================================================= authentication */

TEST(anonymous_query_is_401_with_www_authenticate_and_graphql_error)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 401);
    CHECK_STR(resp_header(&r, "WWW-Authenticate"), "Bearer realm=\"epfiot\"");
    CHECK_STR(r.body.data, "{\"errors\":[{\"message\":\"authentication required\","
                           "\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]}");
    CHECK_INT(s.app->begun, 0);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_get_query_is_401)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const none[] = {NULL};
    resp r = get_gql(&s, "{ me }", NULL, none);
    CHECK_INT(r.status, 401);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_login_mutation_runs_with_the_anonymous_context)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h,
                     "{\"query\":\"mutation { login(name: \\\"alice\\\", password: "
                     "\\\"secret\\\") }\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"data\":{\"login\":\"welcome\"}}");
    CHECK_INT(s.app->anonymous_begun, 1);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_login_through_a_fragment_runs)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h,
                     "{\"query\":\"mutation { ...L } fragment L on Mutation { "
                     "login(name: \\\"a\\\", password: \\\"b\\\") }\"}");
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_login_with_another_root_field_is_401)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h,
                     "{\"query\":\"mutation { login(name: \\\"a\\\", password: \\\"b\\\") "
                     "... on Mutation { bump } }\"}");
    CHECK_INT(r.status, 401);
    CHECK_INT(s.app->mutations, 0);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_fragment_bomb_is_401_without_walking_it_all)
{
    server s;
    http_config cfg = default_config();
    cfg.limits.max_errors = 100; /* and no other limit: the walk must bound itself */
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    /* F0 spreads F1 twice, F1 spreads F2 twice ... F39 is the login:
     * 2^40 paths if walked naively. */
    gql_buf q = GQL_BUF_INIT;
    gql_buf_puts(&q, "{\"query\":\"mutation { ...F0 }");
    for (int i = 0; i < 39; i++)
        gql_buf_printf(&q, " fragment F%d on Mutation { ...F%d ...F%d }", i, i + 1, i + 1);
    gql_buf_puts(&q,
                 " fragment F39 on Mutation { login(name: \\\"a\\\", password: \\\"b\\\") }\"}");
    static const char *const h[] = {"Content-Type: application/json", NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    resp r = request(&s, "POST", "/graphql", h, gql_buf_cstr(&q));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_INT(r.status, 401);
    CHECK(t1.tv_sec - t0.tv_sec < 5);
    resp_free(&r);
    gql_buf_free(&q);
    server_stop(&s);
}

TEST(anonymous_long_document_is_401_even_if_it_only_logs_in)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    char body[8192];
    snprintf(body, sizeof body,
             "{\"query\":\"mutation { login(name: \\\"a\\\", password: \\\"b\\\") } #%05000d\"}",
             0);
    resp r = request(&s, "POST", "/graphql", h, body);
    CHECK_INT(r.status, 401);
    CHECK_INT(s.app->anonymous_begun, 0);
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_invalid_document_is_401_not_a_validation_error)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"mutation { logn }\"}");
    CHECK_INT(r.status, 401);
    CHECK(!strstr(r.body.data, "login"));
    resp_free(&r);
    server_stop(&s);
}

TEST(anonymous_introspection_is_401)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ __schema { types { name } } }\"}");
    CHECK_INT(r.status, 401);
    resp_free(&r);
    server_stop(&s);
}

static long status_with_headers(const char *const *h, const char *body)
{
    server s;
    if (!server_start(&s))
        return -1;
    resp r = request(&s, "POST", "/graphql", h, body);
    long st = r.status;
    resp_free(&r);
    server_stop(&s);
    return st;
}

/* The thesis system let any request without a cookie through /query. */
TEST(query_path_without_credentials_is_401)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json", NULL};
    resp r = request(&s, "POST", "/query", h, "{\"query\":\"mutation { bump }\"}");
    CHECK_INT(r.status, 401);
    CHECK_INT(s.app->mutations, 0);
    resp_free(&r);
    server_stop(&s);
}

/* The thesis system had no CSRF protection on /query: a form on any site
 * could post a mutation with the victim's cookie. Forms cannot send JSON. */
TEST(form_post_with_a_session_cookie_cannot_run_a_mutation)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/x-www-form-urlencoded",
                                    "Cookie: " EPFIOT_SESSION_COOKIE "=" TESTAPP_SESSION, NULL};
    resp r = request(&s, "POST", "/query", h, "query=mutation+%7B+bump+%7D");
    CHECK_INT(r.status, 415);
    CHECK_INT(s.app->mutations, 0);
    resp_free(&r);
    static const char *const text[] = {"Content-Type: text/plain",
                                       "Cookie: " EPFIOT_SESSION_COOKIE "=" TESTAPP_SESSION, NULL};
    r = request(&s, "POST", "/query", text, "{\"query\":\"mutation { bump }\"}");
    CHECK_INT(r.status, 415);
    CHECK_INT(s.app->mutations, 0);
    resp_free(&r);
    server_stop(&s);
}

TEST(invalid_bearer_token_is_401_even_for_login)
{
    static const char *const h[] = {"Content-Type: application/json", "Authorization: Bearer wrong",
                                    NULL};
    CHECK_INT(status_with_headers(h, "{\"query\":\"{ me }\"}"), 401);
    CHECK_INT(status_with_headers(
                  h, "{\"query\":\"mutation { login(name: \\\"a\\\", password: \\\"b\\\") }\"}"),
              401);
}

TEST(authorization_with_another_scheme_is_401)
{
    static const char *const h[] = {"Content-Type: application/json",
                                    "Authorization: Basic YWxpY2U6c2VjcmV0", NULL};
    CHECK_INT(status_with_headers(h, "{\"query\":\"{ me }\"}"), 401);
    static const char *const empty[] = {"Content-Type: application/json", "Authorization: Bearer ",
                                        NULL};
    CHECK_INT(status_with_headers(empty, "{\"query\":\"{ me }\"}"), 401);
}

TEST(session_cookie_authenticates_graphql)
{
    static const char *const h[] = {
        "Content-Type: application/json",
        "Cookie: theme=dark; " EPFIOT_SESSION_COOKIE "=" TESTAPP_SESSION, NULL};
    CHECK_INT(status_with_headers(h, "{\"query\":\"{ me }\"}"), 200);
}

TEST(invalid_session_cookie_is_401)
{
    static const char *const h[] = {"Content-Type: application/json",
                                    "Cookie: " EPFIOT_SESSION_COOKIE "=expired", NULL};
    CHECK_INT(status_with_headers(h, "{\"query\":\"{ me }\"}"), 401);
}

TEST(every_context_begun_is_ended)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    const char *bodies[] = {"{\"query\":\"{ me }\"}", "{\"query\":\"{ nope }\"}",
                            "{\"query\":\"{\"}", "{\"query\":\"{ fail }\"}"};
    for (size_t i = 0; i < 4; i++) {
        resp r = post_gql(&s, bodies[i]);
        resp_free(&r);
    }
    resp r = get_gql(&s, "mutation { bump }", NULL, NULL);
    resp_free(&r);
    CHECK_INT(s.app->begun, 5);
    CHECK_INT(s.app->ended, 5);
    server_stop(&s);
}

/* ====================================================== limits, protocol */

TEST(body_over_the_limit_is_413)
{
    server s;
    http_config cfg = default_config();
    cfg.max_body_bytes = 1024;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char body[4096];
    snprintf(body, sizeof body, "{\"query\":\"{ me }\",\"pad\":\"%03000d\"}", 0);
    resp r = post_gql(&s, body);
    CHECK_INT(r.status, 413);
    resp_free(&r);
    server_stop(&s);
}

TEST(chunked_body_over_the_limit_is_413)
{
    server s;
    http_config cfg = default_config();
    cfg.max_body_bytes = 64;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    const char req[] =
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer " TESTAPP_TOKEN "\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
        "40\r\n{\"query\":\"{ me }\",\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\r\n"
        "2\r\n}\n\r\n0\r\n\r\n";
    char *out = raw(&s, req);
    CHECK_CONTAINS(out, "HTTP/1.1 413");
    free(out);
    server_stop(&s);
}

TEST(body_at_the_limit_is_served)
{
    server s;
    http_config cfg = default_config();
    const char body[] = "{\"query\":\"{ me }\"}";
    cfg.max_body_bytes = sizeof body - 1;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, body);
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(headers_over_the_limit_are_431)
{
    server s;
    http_config cfg = default_config();
    cfg.max_header_bytes = 1024;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char big[2100];
    snprintf(big, sizeof big, "X-Big: %02000d", 0);
    const char *h[] = {"Content-Type: application/json", "Authorization: Bearer " TESTAPP_TOKEN,
                       big, NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 431);
    resp_free(&r);
    server_stop(&s);
}

TEST(malformed_header_line_is_400)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char *out = raw(&s, "GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n");
    CHECK_CONTAINS(out, "HTTP/1.1 400 ");
    free(out);
    server_stop(&s);
}

TEST(garbage_request_line_is_dropped_and_the_server_keeps_serving)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    /* libmicrohttpd closes such a connection without an answer. */
    char *out = raw(&s, "GARBAGE\r\n\r\n");
    CHECK(!strstr(out, " 200 "));
    free(out);
    resp r = request(&s, "GET", "/healthz", NULL, NULL);
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(unsupported_http_version_is_505)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char *out = raw(&s, "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n");
    CHECK_CONTAINS(out, " 505 ");
    free(out);
    server_stop(&s);
}

TEST(http11_without_host_is_400)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char *out = raw(&s, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK_CONTAINS(out, " 400 ");
    free(out);
    server_stop(&s);
}

TEST(keep_alive_serves_several_requests_on_one_connection)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "%s/graphql", s.base);
    req_opts o = {
        .headers = json_auth, .body = "{\"query\":\"{ me }\"}", .body_len = -1, .curl = c};
    long first = 0, reused = 0;
    for (int i = 0; i < 3; i++) {
        resp r = request_opts(url, &o);
        CHECK_INT(r.status, 200);
        long n = -1;
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &n);
        if (i == 0)
            first = n;
        else
            reused += n;
        resp_free(&r);
    }
    CHECK_INT(first, 1);
    CHECK_INT(reused, 0); /* no new connection after the first */
    curl_easy_cleanup(c);
    server_stop(&s);
}

TEST(idle_connection_is_closed_after_the_timeout)
{
    server s;
    http_config cfg = default_config();
    cfg.request_timeout_s = 1;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Headers never finished: the server must hang up, not wait forever
     * (the client here would wait 10 s). */
    bool closed = false;
    const char partial[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    char *out = raw_exchange(&s, partial, sizeof partial - 1, 10, &closed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(closed);
    CHECK(t1.tv_sec - t0.tv_sec <= 3);
    CHECK(!strstr(out, " 200 "));
    free(out);
    server_stop(&s);
}

TEST(endless_chunked_body_loses_its_connection)
{
    server s;
    http_config cfg = default_config();
    cfg.max_body_bytes = 1024;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    gql_buf req = GQL_BUF_INIT;
    gql_buf_puts(&req, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 64; i++) { /* 64 KiB and never a last chunk */
        gql_buf_puts(&req, "400\r\n");
        for (int j = 0; j < 1024; j++)
            gql_buf_putc(&req, 'x');
        gql_buf_puts(&req, "\r\n");
    }
    bool closed = false;
    char *out = raw_exchange(&s, req.data, req.len, 10, &closed);
    CHECK(closed);
    CHECK(!strstr(out, " 200 "));
    free(out);
    gql_buf_free(&req);
    server_stop(&s);
}

/* Whether this machine has an IPv6 loopback (containers may not). */
static bool have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

TEST(body_trickled_past_the_request_timeout_loses_its_connection)
{
    server s;
    http_config cfg = default_config();
    cfg.request_timeout_s = 1;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(http_port(s.srv))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK_INT(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    const char head[] = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: 100\r\n\r\n";
    send(fd, head, sizeof head - 1, MSG_NOSIGNAL);
    /* One byte every 300 ms never leaves the connection idle for 1 s. */
    bool cut = false;
    for (int i = 0; i < 20 && !cut; i++) {
        struct timespec pause = {0, 300 * 1000 * 1000};
        nanosleep(&pause, NULL);
        cut = send(fd, " ", 1, MSG_NOSIGNAL) < 0;
    }
    char buf[256];
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    CHECK(cut || n == 0 || (n < 0 && errno == ECONNRESET));
    close(fd);
    server_stop(&s);
}

TEST(connections_beyond_the_per_address_limit_are_refused)
{
    server s;
    http_config cfg = default_config();
    cfg.max_connections_per_ip = 1;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    int hold = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(http_port(s.srv))};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK_INT(connect(hold, (struct sockaddr *)&sa, sizeof sa), 0);
    send(hold, "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL); /* unfinished */
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    bool closed = false;
    const char second[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    char *out = raw_exchange(&s, second, sizeof second - 1, 2, &closed);
    CHECK(closed);
    CHECK(!strstr(out, " 200 "));
    free(out);
    close(hold);
    nanosleep(&pause, NULL);
    resp r = request(&s, "GET", "/healthz", NULL, NULL);
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(listens_on_ipv6_loopback)
{
    if (!have_ipv6_loopback()) {
        printf("     (no IPv6 loopback here: not tried)\n");
        return;
    }
    server s;
    http_config cfg = default_config();
    cfg.listen_addr = "::1";
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char url[96];
    snprintf(url, sizeof url, "http://[::1]:%u/healthz", http_port(s.srv));
    req_opts o = {0};
    resp r = request_opts(url, &o);
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(stop_does_not_wait_for_idle_keep_alive_connections)
{
    server s;
    http_config cfg = default_config();
    cfg.request_timeout_s = 10;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", s.base);
    req_opts o = {.curl = c};
    resp r = request_opts(url, &o); /* the connection stays open */
    CHECK_INT(r.status, 200);
    resp_free(&r);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    http_stop(s.srv);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(t1.tv_sec - t0.tv_sec < 2);
    curl_easy_cleanup(c);
    testapp_free(s.app);
}

/* ====================================================== security headers */

TEST(api_responses_carry_security_headers_and_no_store)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ me }\"}");
    CHECK_STR(resp_header(&r, "X-Content-Type-Options"), "nosniff");
    CHECK_STR(resp_header(&r, "X-Frame-Options"), "DENY");
    CHECK_STR(resp_header(&r, "Referrer-Policy"), "no-referrer");
    CHECK_STR(resp_header(&r, "Cache-Control"), "no-store");
    CHECK_CONTAINS(resp_header(&r, "Content-Security-Policy"), "default-src 'none'");
    resp_free(&r);
    r = request(&s, "GET", "/nowhere", NULL, NULL);
    CHECK_STR(resp_header(&r, "X-Content-Type-Options"), "nosniff");
    resp_free(&r);
    server_stop(&s);
}

/* ======================================================== login, logout */

static const char *const login_json[] = {"Content-Type: application/json", NULL};

TEST(login_sets_an_httponly_samesite_strict_session_cookie)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r =
        request(&s, "POST", "/login", login_json, "{\"name\":\"alice\",\"password\":\"secret\"}");
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "{\"ok\":true}");
    CHECK_STR(resp_header(&r, "Set-Cookie"), EPFIOT_SESSION_COOKIE
              "=" TESTAPP_NEW_SESSION "; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600");
    CHECK_STR(s.app->last_login_addr, "127.0.0.1");
    resp_free(&r);
    server_stop(&s);
}

TEST(login_cookie_is_secure_when_configured)
{
    server s;
    http_config cfg = default_config();
    cfg.secure_cookies = true;
    if (!server_start_cfg(&s, &cfg)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r =
        request(&s, "POST", "/login", login_json, "{\"name\":\"alice\",\"password\":\"secret\"}");
    CHECK_CONTAINS(resp_header(&r, "Set-Cookie"), "; Secure");
    resp_free(&r);
    server_stop(&s);
}

TEST(login_form_post_sets_the_cookie)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    resp r = request(&s, "POST", "/login", h, "name=alice&password=secret");
    CHECK_INT(r.status, 200);
    CHECK_CONTAINS(resp_header(&r, "Set-Cookie"), EPFIOT_SESSION_COOKIE "=" TESTAPP_NEW_SESSION);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_form_from_a_browser_redirects_303_to_the_console)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/x-www-form-urlencoded",
                                    "Accept: text/html,application/xhtml+xml,*/*;q=0.8",
                                    "Sec-Fetch-Site: same-origin", NULL};
    resp r = request(&s, "POST", "/login", h, "name=alice&password=secret");
    CHECK_INT(r.status, 303);
    CHECK_STR(resp_header(&r, "Location"), "/");
    CHECK_CONTAINS(resp_header(&r, "Set-Cookie"), "HttpOnly");
    resp_free(&r);
    server_stop(&s);
}

TEST(session_from_login_authenticates_graphql)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json",
                                    "Cookie: " EPFIOT_SESSION_COOKIE "=" TESTAPP_NEW_SESSION, NULL};
    resp r = request(&s, "POST", "/graphql", h, "{\"query\":\"{ me }\"}");
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_failure_is_401_with_one_message_for_name_and_password)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp wrong_pw =
        request(&s, "POST", "/login", login_json, "{\"name\":\"alice\",\"password\":\"nope\"}");
    resp unknown =
        request(&s, "POST", "/login", login_json, "{\"name\":\"mallory\",\"password\":\"secret\"}");
    CHECK_INT(wrong_pw.status, 401);
    CHECK_INT(unknown.status, 401);
    CHECK_STR(wrong_pw.body.data, unknown.body.data);
    CHECK(!strstr(wrong_pw.headers.data, "Set-Cookie"));
    resp_free(&wrong_pw);
    resp_free(&unknown);
    server_stop(&s);
}

TEST(login_throttled_is_429_with_retry_after)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r =
        request(&s, "POST", "/login", login_json, "{\"name\":\"throttled\",\"password\":\"x\"}");
    CHECK_INT(r.status, 429);
    CHECK_STR(resp_header(&r, "Retry-After"), "42");
    resp_free(&r);
    server_stop(&s);
}

TEST(login_internal_failure_is_500)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "POST", "/login", login_json, "{\"name\":\"broken\",\"password\":\"x\"}");
    CHECK_INT(r.status, 500);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_without_name_or_password_is_400)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "POST", "/login", login_json, "{\"name\":\"alice\"}");
    CHECK_INT(r.status, 400);
    resp_free(&r);
    r = request(&s, "POST", "/login", login_json, "{\"name\":\"alice\",\"password\":7}");
    CHECK_INT(r.status, 400);
    resp_free(&r);
    r = request(&s, "POST", "/login", login_json, "not json");
    CHECK_INT(r.status, 400);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_with_another_content_type_is_415)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: text/plain", NULL};
    resp r = request(&s, "POST", "/login", h, "name=alice&password=secret");
    CHECK_INT(r.status, 415);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_from_another_origin_is_403)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const evil_origin[] = {"Content-Type: application/x-www-form-urlencoded",
                                              "Origin: http://evil.example", NULL};
    static const char *const cross_site[] = {"Content-Type: application/x-www-form-urlencoded",
                                             "Sec-Fetch-Site: cross-site", NULL};
    resp r = request(&s, "POST", "/login", evil_origin, "name=alice&password=secret");
    CHECK_INT(r.status, 403);
    CHECK(!strstr(r.headers.data, "Set-Cookie"));
    resp_free(&r);
    r = request(&s, "POST", "/login", cross_site, "name=alice&password=secret");
    CHECK_INT(r.status, 403);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_from_the_same_origin_is_allowed)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char origin[96];
    snprintf(origin, sizeof origin, "Origin: %s", s.base);
    const char *h[] = {"Content-Type: application/x-www-form-urlencoded", origin,
                       "Sec-Fetch-Site: same-origin", NULL};
    resp r = request(&s, "POST", "/login", h, "name=alice&password=secret");
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_through_a_tls_proxy_accepts_the_https_origin)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char origin[96];
    snprintf(origin, sizeof origin, "Origin: https://127.0.0.1:%u", http_port(s.srv));
    const char *h[] = {"Content-Type: application/json", origin, NULL};
    resp r = request(&s, "POST", "/login", h, "{\"name\":\"alice\",\"password\":\"secret\"}");
    CHECK_INT(r.status, 200);
    resp_free(&r);
    static const char *const null_origin[] = {"Content-Type: application/json", "Origin: null",
                                              NULL};
    r = request(&s, "POST", "/login", null_origin, "{\"name\":\"alice\",\"password\":\"secret\"}");
    CHECK_INT(r.status, 403);
    resp_free(&r);
    server_stop(&s);
}

TEST(login_by_get_is_405)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/login?name=alice&password=secret", NULL, NULL);
    CHECK_INT(r.status, 405);
    CHECK_STR(resp_header(&r, "Allow"), "POST");
    resp_free(&r);
    server_stop(&s);
}

TEST(logout_ends_the_session_and_clears_the_cookie)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/json",
                                    "Cookie: " EPFIOT_SESSION_COOKIE "=" TESTAPP_SESSION, NULL};
    resp r = request(&s, "POST", "/logout", h, "{}");
    CHECK_INT(r.status, 200);
    CHECK_STR(s.app->last_logout, TESTAPP_SESSION);
    CHECK_STR(resp_header(&r, "Set-Cookie"),
              EPFIOT_SESSION_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    resp_free(&r);
    server_stop(&s);
}

TEST(logout_without_a_session_still_clears_the_cookie)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "POST", "/logout", login_json, "{}");
    CHECK_INT(r.status, 200);
    CHECK_STR(s.app->last_logout, "");
    CHECK_CONTAINS(resp_header(&r, "Set-Cookie"), "Max-Age=0");
    resp_free(&r);
    server_stop(&s);
}

TEST(logout_by_form_post_is_refused)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    static const char *const h[] = {"Content-Type: application/x-www-form-urlencoded",
                                    "Cookie: " EPFIOT_SESSION_COOKIE "=" TESTAPP_SESSION, NULL};
    resp r = request(&s, "POST", "/logout", h, "x=1");
    CHECK_INT(r.status, 415);
    CHECK_STR(s.app->last_logout, "");
    resp_free(&r);
    server_stop(&s);
}

/* ================================================== healthz and metrics */

TEST(healthz_answers_ok_without_credentials)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/healthz", NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "ok\n");
    resp_free(&r);
    server_stop(&s);
}

TEST(healthz_answers_head_without_a_body)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", s.base);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    req_opts o = {.curl = c};
    resp r = request_opts(url, &o);
    CHECK_INT(r.status, 200);
    CHECK_INT(r.body.len, 0);
    resp_free(&r);
    curl_easy_cleanup(c);
    server_stop(&s);
}

TEST(metrics_require_credentials)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/metrics", NULL, NULL);
    CHECK_INT(r.status, 401);
    resp_free(&r);
    static const char *const bad[] = {"Authorization: Bearer wrong", NULL};
    r = request(&s, "GET", "/metrics", bad, NULL);
    CHECK_INT(r.status, 401);
    resp_free(&r);
    server_stop(&s);
}

TEST(metrics_count_requests_latencies_errors_and_application_metrics)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = post_gql(&s, "{\"query\":\"{ me }\"}");
    resp_free(&r);
    r = post_gql(&s, "{\"query\":\"{ fail }\"}");
    resp_free(&r);
    r = request(&s, "GET", "/healthz", NULL, NULL);
    resp_free(&r);
    static const char *const auth[] = {"Authorization: Bearer " TESTAPP_TOKEN, NULL};
    r = request(&s, "GET", "/metrics", auth, NULL);
    CHECK_INT(r.status, 200);
    CHECK_CONTAINS(resp_header(&r, "Content-Type"), "text/plain; version=0.0.4");
    CHECK_CONTAINS(r.body.data, "epfiot_http_requests_total{path=\"/graphql\",code=\"200\"} 2\n");
    CHECK_CONTAINS(r.body.data, "epfiot_http_requests_total{path=\"/healthz\",code=\"200\"} 1\n");
    CHECK_CONTAINS(r.body.data,
                   "epfiot_http_request_duration_seconds_count{path=\"/graphql\"} 2\n");
    CHECK_CONTAINS(r.body.data,
                   "epfiot_http_request_duration_seconds_bucket{path=\"/graphql\",le=\"+Inf\"} 2");
    CHECK_CONTAINS(r.body.data, "epfiot_graphql_errors_total 1\n");
    CHECK_CONTAINS(r.body.data, "epfiot_graphql_cache_hits_total 0\n");
    CHECK_CONTAINS(r.body.data, "testapp_things 7\n");
    resp_free(&r);
    server_stop(&s);
}

TEST(metrics_count_document_cache_hits)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    for (int i = 0; i < 3; i++) {
        resp r = post_gql(&s, "{\"query\":\"{ me }\"}");
        resp_free(&r);
    }
    static const char *const auth[] = {"Authorization: Bearer " TESTAPP_TOKEN, NULL};
    resp r = request(&s, "GET", "/metrics", auth, NULL);
    CHECK_CONTAINS(r.body.data, "epfiot_graphql_cache_hits_total 2\n");
    resp_free(&r);
    server_stop(&s);
}

/* ========================================================== static files */

typedef struct tmpdir {
    char path[64];
} tmpdir;

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A console directory: index.html, app.js, style.css, graphiql/index.html,
 * .hidden, a symlink to a file outside; and secret.txt next to it. */
static bool make_console(tmpdir *t, char *www, size_t n)
{
    snprintf(t->path, sizeof t->path, "/tmp/epfiot-http-XXXXXX");
    if (!mkdtemp(t->path))
        return false;
    snprintf(www, n, "%s/www", t->path);
    char sub[160];
    snprintf(sub, sizeof sub, "%s/graphiql", www);
    if (mkdir(www, 0700) != 0 || mkdir(sub, 0700) != 0)
        return false;
    write_file(t->path, "secret.txt", "top secret\n");
    write_file(www, "index.html", "<!doctype html><title>EPFIOT</title>\n");
    write_file(www, "app.js", "console.log(1);\n");
    write_file(www, "style.css", "body{}\n");
    write_file(www, ".hidden", "hidden\n");
    write_file(sub, "index.html", "<!doctype html><title>GraphiQL</title>\n");
    char target[160], link[160];
    snprintf(target, sizeof target, "%s/secret.txt", t->path);
    snprintf(link, sizeof link, "%s/link.txt", www);
    return symlink(target, link) == 0;
}

static void remove_console(tmpdir *t)
{
    const char *files[] = {"www/index.html", "www/app.js",   "www/style.css",
                           "www/.hidden",    "www/link.txt", "www/graphiql/index.html",
                           "www/graphiql",   "www",          "secret.txt"};
    char p[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", t->path, files[i]);
        if (unlink(p) != 0)
            rmdir(p);
    }
    rmdir(t->path);
}

static bool console_start(server *s, tmpdir *t)
{
    char www[128];
    if (!make_console(t, www, sizeof www))
        return false;
    http_config cfg = default_config();
    cfg.static_dir = www;
    return server_start_cfg(s, &cfg);
}

TEST(root_serves_index_html_with_the_page_policy)
{
    server s;
    tmpdir t;
    if (!console_start(&s, &t)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/", NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_CONTAINS(r.body.data, "<title>EPFIOT</title>");
    CHECK_STR(resp_header(&r, "Content-Type"), "text/html; charset=utf-8");
    CHECK_CONTAINS(resp_header(&r, "Content-Security-Policy"), "default-src 'self'");
    CHECK_STR(resp_header(&r, "X-Frame-Options"), "DENY");
    resp_free(&r);
    server_stop(&s);
    remove_console(&t);
}

TEST(static_files_get_their_content_type)
{
    server s;
    tmpdir t;
    if (!console_start(&s, &t)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/app.js", NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_STR(resp_header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    resp_free(&r);
    r = request(&s, "GET", "/style.css", NULL, NULL);
    CHECK_STR(resp_header(&r, "Content-Type"), "text/css; charset=utf-8");
    CHECK_STR(r.body.data, "body{}\n");
    resp_free(&r);
    server_stop(&s);
    remove_console(&t);
}

TEST(graphiql_directory_serves_its_index)
{
    server s;
    tmpdir t;
    if (!console_start(&s, &t)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/graphiql", NULL, NULL);
    CHECK_INT(r.status, 200);
    CHECK_CONTAINS(r.body.data, "<title>GraphiQL</title>");
    resp_free(&r);
    r = request(&s, "GET", "/graphiql/", NULL, NULL);
    CHECK_INT(r.status, 200);
    resp_free(&r);
    server_stop(&s);
    remove_console(&t);
}

TEST(static_paths_cannot_leave_the_directory)
{
    server s;
    tmpdir t;
    if (!console_start(&s, &t)) {
        TEST_FAIL_("setup failed");
        return;
    }
    /* curl would normalise "..": send the paths raw. */
    const char *paths[] = {"/../secret.txt",
                           "/%2e%2e/secret.txt",
                           "/graphiql/../../secret.txt",
                           "/.hidden",
                           "/link.txt",
                           "/%2e%2e%2fsecret.txt",
                           "//etc/passwd",
                           "/graphiql/..%2f..%2fsecret.txt"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char req[256];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                 paths[i]);
        char *out = raw(&s, req);
        if (!strstr(out, "HTTP/1.1 404") && !strstr(out, "HTTP/1.1 400"))
            TEST_FAIL_("%s: %.40s", paths[i], out);
        CHECK(!strstr(out, "top secret"));
        CHECK(!strstr(out, "hidden\n"));
        free(out);
    }
    server_stop(&s);
    remove_console(&t);
}

TEST(missing_static_file_is_404)
{
    server s;
    tmpdir t;
    if (!console_start(&s, &t)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/nope.html", NULL, NULL);
    CHECK_INT(r.status, 404);
    resp_free(&r);
    server_stop(&s);
    remove_console(&t);
}

TEST(without_a_static_dir_pages_are_404)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    resp r = request(&s, "GET", "/", NULL, NULL);
    CHECK_INT(r.status, 404);
    resp_free(&r);
    server_stop(&s);
}

/* ================================================================= HTTPS */

TEST(https_serves_with_the_configured_certificate)
{
    char dir[] = "/tmp/epfiot-tls-XXXXXX";
    if (!mkdtemp(dir)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char cmd[1024], key[96], cert[96], tpl[96];
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(tpl, sizeof tpl, "%s/cert.cfg", dir);
    write_file(dir, "cert.cfg",
               "cn = 127.0.0.1\nip_address = 127.0.0.1\nexpiration_days = 2\ntls_www_server\n"
               "signing_key\nencryption_key\n");
    snprintf(cmd, sizeof cmd,
             "certtool --generate-privkey --key-type=ecdsa --outfile %s >/dev/null 2>&1 && "
             "certtool --generate-self-signed --load-privkey %s --template %s --outfile %s "
             ">/dev/null 2>&1",
             key, key, tpl, cert);
    CHECK_INT(system(cmd), 0);
    server s;
    http_config cfg = default_config();
    cfg.tls_cert_file = cert;
    cfg.tls_key_file = key;
    if (server_start_cfg(&s, &cfg)) {
        char url[128];
        snprintf(url, sizeof url, "%s/graphql", s.base);
        req_opts o = {
            .headers = json_auth, .body = "{\"query\":\"{ me }\"}", .body_len = -1, .cainfo = cert};
        resp r = request_opts(url, &o);
        CHECK_INT(r.status, 200);
        CHECK_STR(r.body.data, "{\"data\":{\"me\":\"alice\"}}");
        resp_free(&r);
        /* Plain HTTP on the TLS port gets no answer. */
        char plain[128];
        snprintf(plain, sizeof plain, "http://127.0.0.1:%u/healthz", http_port(s.srv));
        req_opts p = {0};
        r = request_opts(plain, &p);
        CHECK(r.status != 200);
        resp_free(&r);
        server_stop(&s);
    } else {
        CHECK(0);
    }
    unlink(key);
    unlink(cert);
    unlink(tpl);
    rmdir(dir);
}

TEST(start_fails_with_a_missing_certificate_file)
{
    http_config cfg = default_config();
    cfg.tls_cert_file = "/nonexistent/cert.pem";
    cfg.tls_key_file = "/nonexistent/key.pem";
    testapp *app = testapp_new();
    char *err = NULL;
    http_server *srv = http_start(&cfg, &app->app, &err);
    CHECK(srv == NULL);
    CHECK_CONTAINS(err, "/nonexistent/cert.pem");
    free(err);
    testapp_free(app);
}

TEST(start_fails_when_the_port_is_taken)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    http_config cfg = default_config();
    cfg.port = http_port(s.srv);
    testapp *app = testapp_new();
    char *err = NULL;
    http_server *srv = http_start(&cfg, &app->app, &err);
    CHECK(srv == NULL);
    CHECK_CONTAINS(err, "cannot listen");
    free(err);
    testapp_free(app);
    server_stop(&s);
}

/* ========================================================= graceful stop */

typedef struct slow_call {
    const server *s;
    resp r;
} slow_call;

static void *slow_request(void *arg)
{
    slow_call *sc = arg;
    sc->r = post_gql(sc->s, "{\"query\":\"{ slow(ms: 600) }\"}");
    return NULL;
}

TEST(stop_lets_an_in_flight_request_finish)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    slow_call sc = {.s = &s};
    pthread_t th;
    pthread_create(&th, NULL, slow_request, &sc);
    /* Stop once the request is in the resolver (its context is begun). */
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&s.app->lock);
        int begun = s.app->begun;
        pthread_mutex_unlock(&s.app->lock);
        if (begun)
            break;
        struct timespec tick = {0, 10 * 1000 * 1000};
        nanosleep(&tick, NULL);
    }
    http_stop(s.srv);
    pthread_join(th, NULL);
    CHECK_INT(sc.r.status, 200);
    CHECK_STR(sc.r.body.data, "{\"data\":{\"slow\":\"done\"}}");
    resp_free(&sc.r);
    testapp_free(s.app);
}

TEST(stopped_server_refuses_connections)
{
    server s;
    if (!server_start(&s)) {
        TEST_FAIL_("setup failed");
        return;
    }
    char url[128];
    snprintf(url, sizeof url, "%s/healthz", s.base);
    http_stop(s.srv);
    req_opts o = {0};
    resp r = request_opts(url, &o);
    CHECK_INT(r.status, -(long)CURLE_COULDNT_CONNECT);
    resp_free(&r);
    testapp_free(s.app);
}

/* libcurl's global state, set up before any test runs (and before any
 * thread exists, as curl requires). */
__attribute__((constructor)) static void curl_setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

__attribute__((destructor)) static void curl_teardown(void)
{
    curl_global_cleanup();
}

TEST_MAIN()
