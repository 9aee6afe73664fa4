/* gqlrun.c -- run GraphQL requests against an SDL schema and JSON data.
 *
 * The engine's command-line harness: the differential tests feed it the same
 * requests as graphql-js and compare the answers, and humans use it to try a
 * query. The schema comes from an SDL file and every field resolves from a
 * JSON document (json_bind.c), with two conventions that make arguments and
 * errors observable without writing resolvers (tests/graphql/diff/run.mjs
 * implements the same on the graphql-js side):
 *
 *   - a field whose name starts with "echo" returns the JSON text of its
 *     coerced argument map (what JSON.stringify(args) gives in JavaScript);
 *   - a field whose name starts with "fail" raises "fail: <fieldName>";
 *   - any other field reads the parent's member of the same name.
 *
 * Requests are JSON lines on stdin ({"query", "variables", "operationName"}),
 * one JSON response per line on stdout, so one process serves a whole suite.
 * With --check-sdl the lines are schemas instead ({"sdl": "..."}), and the
 * answer is what gql_schema_build() reports, so that schema validation can be
 * compared with graphql-js's too.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graphql.h"
#include "json_bind.h"

typedef struct gqlrun_opts {
    const char *schema_path;
    const char *data_path;
    const char *query;          /* --query: one request from the command line */
    const char *variables;      /* --variables JSON (with --query) */
    const char *operation_name; /* --operation (with --query) */
    bool default_limits;        /* --default-limits: gql_limits_default, else none */
    size_t cache_size;          /* --cache N (0: no cache) */
    bool stats;                 /* --stats: counts on stderr at exit */
    bool check_sdl;             /* --check-sdl: build schemas from stdin */
} gqlrun_opts;

static void usage(FILE *f)
{
    fputs("Usage: gqlrun --schema FILE.graphql --data FILE.json [options]\n"
          "       gqlrun --check-sdl\n"
          "\n"
          "Runs GraphQL requests against a schema whose fields resolve from JSON data.\n"
          "Without --query, reads one request per line on stdin as JSON\n"
          "({\"query\":..., \"variables\":..., \"operationName\":...}) and writes one\n"
          "JSON response per line on stdout.\n"
          "\n"
          "Fields named echo* return the JSON text of their arguments; fields named\n"
          "fail* raise the error \"fail: <field>\"; other fields read the member of the\n"
          "same name; abstract types resolve by the \"__typename\" member.\n"
          "\n"
          "Options:\n"
          "  --schema FILE       SDL schema (required)\n"
          "  --data FILE         JSON root value (default: {})\n"
          "  --query TEXT        run this one request and exit\n"
          "  --variables JSON    variables for --query\n"
          "  --operation NAME    operation name for --query\n"
          "  --default-limits    apply the engine's default limits (default: none,\n"
          "                      as graphql-js has none)\n"
          "  --cache N           keep N prepared documents in a cache (default 0)\n"
          "  --stats             at exit, print the request and cache-hit counts\n"
          "                      on stderr\n"
          "  --check-sdl         read schemas as JSON lines ({\"sdl\":...}) and answer\n"
          "                      {\"ok\":true} or {\"errors\":\"<line:col: message lines>\"}\n"
          "  --help              this text\n",
          f);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb)
                goto err;
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        goto err;
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
err:
    free(buf);
    fclose(f);
    return NULL;
}

/* ------------------------------------------------------------ conventions */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static gql_rv convention_resolve(void *parent, const gql_val *args, gql_info *info)
{
    if (starts_with(info->field_name, "echo")) {
        gql_buf b = GQL_BUF_INIT;
        gql_val_write_json(args, &b);
        char *text = gql_arena_strndup(info->arena, gql_buf_cstr(&b), b.len);
        gql_rv r = gql_rv_strn(text, b.len);
        gql_buf_free(&b);
        return r;
    }
    if (starts_with(info->field_name, "fail"))
        return gql_rv_error(info, "fail: %s", info->field_name);
    return gql_json_resolve(parent, args, info);
}

/* --------------------------------------------------------------- requests */

typedef struct gqlrun {
    gql_schema *schema;
    json_t *data;
    gql_cache *cache;
    gql_limits limits;
    size_t requests;
} gqlrun;

/* Run one request and write its response line. Variables come as JSON. */
static void run_one(gqlrun *g, const char *query, size_t query_len, const json_t *vars,
                    const char *operation_name, FILE *out)
{
    gql_arena arena;
    gql_arena_init(&arena, 0);
    gql_val vars_val;
    gql_request req = {
        .query = query,
        .query_len = query_len,
        .operation_name = operation_name,
        .root_value = g->data,
        .limits = &g->limits,
    };
    if (vars && !json_is_null(vars)) {
        vars_val = gql_val_from_json(&arena, vars);
        req.variables = &vars_val;
    }
    gql_result res = {.body = GQL_BUF_INIT};
    gql_run(g->schema, g->cache, &req, &res);
    g->requests++;
    fwrite(res.body.data ? res.body.data : "{}", 1, res.body.data ? res.body.len : 2, out);
    fputc('\n', out);
    fflush(out);
    gql_result_free(&res);
    gql_arena_free(&arena);
}

static void tool_error_line(FILE *out, const char *what, const char *detail)
{
    json_t *resp = json_pack("{s:[{s:s+}]}", "errors", "message", what, detail);
    char *text = json_dumps(resp, JSON_COMPACT);
    fprintf(out, "%s\n", text ? text : "{}");
    fflush(out);
    free(text);
    json_decref(resp);
}

static json_t *load_request(const char *line, size_t len, json_error_t *jerr)
{
    json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, jerr);
    /* An integer beyond 64 bits (a test of Int coercion) reads as a float,
     * which is what JSON.parse makes of it too. */
    if (!j && json_error_code(jerr) == json_error_numeric_overflow)
        j = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, jerr);
    return j;
}

static void run_line(gqlrun *g, const char *line, size_t len, FILE *out)
{
    json_error_t jerr;
    json_t *req = load_request(line, len, &jerr);
    json_t *query = req ? json_object_get(req, "query") : NULL;
    json_t *op = req ? json_object_get(req, "operationName") : NULL;
    if (!req || !json_is_object(req)) {
        tool_error_line(out, "gqlrun: malformed request line: ", req ? "not an object" : jerr.text);
    } else if (!json_is_string(query)) {
        tool_error_line(out, "gqlrun: ", "the request has no \"query\" string");
    } else {
        run_one(g, json_string_value(query), json_string_length(query),
                json_object_get(req, "variables"), json_is_string(op) ? json_string_value(op) : NULL,
                out);
    }
    json_decref(req);
}

static int run_stdin(gqlrun *g)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        run_line(g, line, (size_t)n, stdout);
    }
    free(line);
    return 0;
}

/* --check-sdl: one schema per line, answered with its build errors. */
static void check_sdl_line(const char *line, size_t len, FILE *out)
{
    json_error_t jerr;
    json_t *req = load_request(line, len, &jerr);
    json_t *sdl = req ? json_object_get(req, "sdl") : NULL;
    if (!json_is_string(sdl)) {
        tool_error_line(out, "gqlrun: ", "the line has no \"sdl\" string");
        json_decref(req);
        return;
    }
    char *errors = NULL;
    gql_schema *s = gql_schema_build(json_string_value(sdl), json_string_length(sdl), &errors);
    json_t *resp = s ? json_pack("{s:b}", "ok", 1) : json_pack("{s:s}", "errors", errors ? errors : "");
    char *text = json_dumps(resp, JSON_COMPACT);
    fprintf(out, "%s\n", text ? text : "{}");
    fflush(out);
    free(text);
    json_decref(resp);
    free(errors);
    if (s)
        gql_schema_free(s);
    json_decref(req);
}

static int check_sdl_stdin(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n > 0)
            check_sdl_line(line, (size_t)n, stdout);
    }
    free(line);
    return 0;
}

static int run_query(gqlrun *g, const gqlrun_opts *o)
{
    json_t *vars = NULL;
    if (o->variables) {
        json_error_t jerr;
        vars = load_request(o->variables, strlen(o->variables), &jerr);
        if (!vars) {
            fprintf(stderr, "gqlrun: --variables: %s\n", jerr.text);
            return 2;
        }
    }
    run_one(g, o->query, strlen(o->query), vars, o->operation_name, stdout);
    json_decref(vars);
    return 0;
}

/* ------------------------------------------------------------------- main */

static int parse_args(int argc, char **argv, gqlrun_opts *o)
{
    enum {
        OPT_SCHEMA = 1,
        OPT_DATA,
        OPT_QUERY,
        OPT_VARS,
        OPT_OP,
        OPT_LIMITS,
        OPT_CACHE,
        OPT_STATS,
        OPT_CHECK_SDL,
        OPT_HELP
    };
    static const struct option longopts[] = {
        {"schema", required_argument, NULL, OPT_SCHEMA},
        {"data", required_argument, NULL, OPT_DATA},
        {"query", required_argument, NULL, OPT_QUERY},
        {"variables", required_argument, NULL, OPT_VARS},
        {"operation", required_argument, NULL, OPT_OP},
        {"default-limits", no_argument, NULL, OPT_LIMITS},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"stats", no_argument, NULL, OPT_STATS},
        {"check-sdl", no_argument, NULL, OPT_CHECK_SDL},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_SCHEMA: o->schema_path = optarg; break;
        case OPT_DATA: o->data_path = optarg; break;
        case OPT_QUERY: o->query = optarg; break;
        case OPT_VARS: o->variables = optarg; break;
        case OPT_OP: o->operation_name = optarg; break;
        case OPT_LIMITS: o->default_limits = true; break;
        case OPT_CACHE: o->cache_size = strtoul(optarg, NULL, 10); break;
        case OPT_STATS: o->stats = true; break;
        case OPT_CHECK_SDL: o->check_sdl = true; break;
        case 'h':
        case OPT_HELP: usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc || (!o->schema_path && !o->check_sdl)) {
        usage(stderr);
        return -1;
    }
    return 0;
}

static gql_schema *load_schema(const char *path)
{
    size_t len;
    char *sdl = read_file(path, &len);
    if (!sdl) {
        fprintf(stderr, "gqlrun: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *errors = NULL;
    gql_schema *s = gql_schema_build(sdl, len, &errors);
    if (!s)
        fprintf(stderr, "gqlrun: invalid schema %s:\n%s\n", path, errors ? errors : "");
    free(errors);
    free(sdl);
    return s;
}

int main(int argc, char **argv)
{
    gqlrun_opts o = {0};
    gqlrun g = {0};
    int rc = 2;
    if (parse_args(argc, argv, &o) < 0)
        return 2;
    if (o.check_sdl)
        return check_sdl_stdin();
    g.schema = load_schema(o.schema_path);
    if (!g.schema)
        goto out;
    if (o.data_path) {
        json_error_t jerr;
        g.data = json_load_file(o.data_path, JSON_ALLOW_NUL, &jerr);
        if (!g.data) {
            fprintf(stderr, "gqlrun: %s:%d: %s\n", o.data_path, jerr.line, jerr.text);
            goto out;
        }
    } else {
        g.data = json_object();
    }
    gql_json_bind(g.schema);
    gql_schema_set_default_resolver(g.schema, convention_resolve, NULL);
    if (o.default_limits)
        g.limits = gql_limits_default;
    if (o.cache_size)
        g.cache = gql_cache_new(o.cache_size);
    rc = o.query ? run_query(&g, &o) : run_stdin(&g);
    if (o.stats)
        fprintf(stderr, "gqlrun: %zu requests, %zu cache hits\n", g.requests,
                g.cache ? gql_cache_hits(g.cache) : 0);
out:
    if (g.cache)
        gql_cache_free(g.cache);
    if (g.schema)
        gql_schema_free(g.schema);
    json_decref(g.data);
    return rc;
}
