/* bench_graphql.c -- in-process throughput and memory of the GraphQL engine.
 *
 * Runs each benchmark query (bench/graphql/queries/) against the
 * differential test schema and its JSON data (tests/graphql/diff/schemas/,
 * bound with json_bind, as graphql-js's default resolvers read properties)
 * and measures:
 *   - ops/s of the full pipeline per request: parse, validate, execute and
 *     write the JSON response, no document cache (what graphql-js's graphql()
 *     does, so the two are comparable);
 *   - ops/s with the document cache (parse + validate skipped on a hit);
 *   - memory per request: bytes the engine malloc'ed during one request, the
 *     peak of its live heap during that request, the response size, and the
 *     process's peak RSS at the end.
 *
 * Heap bytes are counted by wrapping malloc/calloc/realloc/free at link time
 * (-Wl,--wrap, see meson.build), which catches the arenas' chunks, the
 * response buffer and everything else the engine allocates, without touching
 * the engine. Timing runs use fixed durations so the total run time is
 * bounded whatever the machine; --smoke runs each query once (a meson test,
 * so the benchmark keeps building and working).
 *
 * Output: a table on stdout; with --json one JSON object per query instead
 * (read by bench.mjs); with --out DIR each query's response is written to
 * DIR/<query>.json for the comparison with graphql-js.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "graphql.h"
#include "json_bind.h"

#ifndef BENCH_SCHEMA_DIR
#define BENCH_SCHEMA_DIR "tests/graphql/diff/schemas"
#endif
#ifndef BENCH_QUERY_DIR
#define BENCH_QUERY_DIR "bench/graphql/queries"
#endif

/* ------------------------------------------------------------ heap counting */

/* The only global state: the allocation counters the malloc wrappers update.
 * The benchmark is single-threaded. */
static struct {
    size_t allocated; /* bytes handed out since the last reset */
    size_t live;      /* bytes currently allocated */
    size_t peak;      /* highest `live` since the last reset */
} heap;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static void heap_count(void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    heap.allocated += n;
    heap.live += n;
    if (heap.live > heap.peak)
        heap.peak = heap.live;
}

static void heap_uncount(void *p)
{
    if (p) {
        size_t n = malloc_usable_size(p);
        heap.live = heap.live > n ? heap.live - n : 0;
    }
}

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    heap_count(p);
    return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
    void *p = __real_calloc(n, m);
    heap_count(p);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    heap_uncount(p);
    void *q = __real_realloc(p, n);
    heap_count(q ? q : p);
    return q;
}

void __wrap_free(void *p)
{
    heap_uncount(p);
    __real_free(p);
}

static void heap_reset(void)
{
    heap.allocated = 0;
    heap.peak = heap.live;
}

/* ---------------------------------------------------------------- helpers */

typedef struct bench_opts {
    bool smoke;
    bool json;
    double seconds; /* per query and mode */
    const char *out_dir;
    const char *schema_dir;
    const char *query_dir;
    const char *only; /* run only the query with this name */
} bench_opts;

typedef struct bench_query {
    const char *name;
    const char *file;
    const char *what;
} bench_query;

static const bench_query queries[] = {
    {"small", "small.graphql", "small query (5 fields, 1 object)"},
    {"items", "items.graphql", "nested query, 400 items (2000 objects)"},
    {"introspection", "introspection.graphql", "GraphiQL introspection query"},
};

typedef struct bench_result {
    double ops_pipeline, ops_cached;
    double cpu_ops_pipeline, cpu_ops_cached; /* per second of CPU time */
    size_t iters_pipeline, iters_cached;
    size_t heap_allocated, heap_peak, doc_bytes, response_bytes;
    size_t cached_heap_allocated;
    size_t nerrors;
} bench_result;

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_graphql: cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, r;
    char *p = malloc(cap);
    while ((r = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    p[n] = '\0';
    *len = n;
    return p;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

typedef struct bench_ctx {
    const gql_schema *schema;
    json_t *data;
    gql_cache *cache; /* NULL: full pipeline */
    gql_request req;
} bench_ctx;

static size_t run_request(bench_ctx *c, gql_result *res)
{
    memset(res, 0, sizeof *res);
    gql_run(c->schema, c->cache, &c->req, res);
    return res->nerrors;
}

/* Requests per second over `seconds` (at least one request). The clock is
 * read every few requests only, so it does not weigh on small queries.
 * *cpu_ops gets requests per second of CPU time of the process: on a
 * loaded machine wall-clock rates drop with the load, CPU-time rates much
 * less, so the ratio to graphql-js is steadier in CPU time. */
static double measure(bench_ctx *c, double seconds, size_t *iters, double *cpu_ops)
{
    size_t n = 0, batch = 1;
    double cpu_start = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    double start = now(), elapsed;
    do {
        for (size_t i = 0; i < batch; i++) {
            gql_result res;
            run_request(c, &res);
            gql_result_free(&res);
        }
        n += batch;
        elapsed = now() - start;
        if (batch < 1024 && elapsed < seconds / 20)
            batch *= 2;
    } while (elapsed < seconds);
    *iters = n;
    double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    *cpu_ops = cpu > 0 ? (double)n / cpu : 0;
    return (double)n / elapsed;
}

static bool write_response(const bench_opts *o, const char *name, const gql_result *res)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", o->out_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench_graphql: cannot write %s\n", path);
        return false;
    }
    fwrite(res->body.data, 1, res->body.len, f);
    fclose(f);
    return true;
}

/* One request under the heap counters: what a request costs in memory. */
static void measure_memory(bench_ctx *c, const char *query, size_t len, bench_result *r,
                           gql_result *res)
{
    gql_result pres = {0};
    gql_prepared *p = gql_prepare(c->schema, NULL, query, len, NULL, &pres);
    if (p) {
        r->doc_bytes = gql_prepared_document(p)->arena.used;
        gql_prepared_release(p);
    }
    gql_result_free(&pres);

    /* The live heap before the request (the schema, the data, the query
     * text) is not the request's: count the peak above it. */
    heap_reset();
    size_t base = heap.live;
    r->nerrors = run_request(c, res);
    r->heap_allocated = heap.allocated;
    r->heap_peak = heap.peak - base;
    r->response_bytes = res->body.len;
}

static bool bench_one(const bench_opts *o, bench_ctx *c, const bench_query *q, bench_result *r)
{
    size_t len;
    char *text = read_file(o->query_dir, q->file, &len);
    if (!text)
        return false;
    memset(r, 0, sizeof *r);
    c->req.query = text;
    c->req.query_len = len;
    c->cache = NULL;

    gql_result res;
    measure_memory(c, text, len, r, &res);
    bool ok = res.stage == GQL_STAGE_OK && r->nerrors == 0;
    if (!ok)
        fprintf(stderr, "bench_graphql: %s failed:\n%.*s\n", q->name, (int)res.body.len,
                res.body.data);
    if (ok && o->out_dir)
        ok = write_response(o, q->name, &res);
    gql_result_free(&res);

    double secs = o->smoke ? 0 : o->seconds;
    if (ok) {
        r->ops_pipeline = measure(c, secs, &r->iters_pipeline, &r->cpu_ops_pipeline);
        c->cache = gql_cache_new(16);
        gql_result warm;
        run_request(c, &warm); /* fill the cache */
        gql_result_free(&warm);
        heap_reset();
        run_request(c, &warm);
        r->cached_heap_allocated = heap.allocated;
        gql_result_free(&warm);
        r->ops_cached = measure(c, secs, &r->iters_cached, &r->cpu_ops_cached);
        gql_cache_free(c->cache);
        c->cache = NULL;
    }
    free(text);
    return ok;
}

static void usage(FILE *f, const char *argv0)
{
    fprintf(f,
            "usage: %s [--smoke] [--seconds S] [--json] [--out DIR] [--only NAME]\n"
            "          [--schema-dir DIR] [--query-dir DIR]\n"
            "Measure parse+validate+execute throughput and memory per request of the\n"
            "GraphQL engine on the benchmark queries (small, items, introspection).\n"
            "  --smoke       one request per query and mode (a quick check that it works)\n"
            "  --seconds S   duration of each timed run (default 2)\n"
            "  --json        one JSON object per query instead of a table\n"
            "  --out DIR     write each query's response to DIR/<name>.json\n"
            "  --only NAME   run only that query\n",
            argv0);
}

static bool parse_args(int argc, char **argv, bench_opts *o)
{
    *o = (bench_opts){.seconds = 2, .schema_dir = BENCH_SCHEMA_DIR, .query_dir = BENCH_QUERY_DIR};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (strcmp(a, "--smoke") == 0)
            o->smoke = true;
        else if (strcmp(a, "--json") == 0)
            o->json = true;
        else if (strcmp(a, "--seconds") == 0 && has_val)
            o->seconds = atof(argv[++i]);
        else if (strcmp(a, "--out") == 0 && has_val)
            o->out_dir = argv[++i];
        else if (strcmp(a, "--only") == 0 && has_val)
            o->only = argv[++i];
        else if (strcmp(a, "--schema-dir") == 0 && has_val)
            o->schema_dir = argv[++i];
        else if (strcmp(a, "--query-dir") == 0 && has_val)
            o->query_dir = argv[++i];
        else if (strcmp(a, "--help") == 0) {
            usage(stdout, argv[0]);
            exit(0);
        } else {
            usage(stderr, argv[0]);
            return false;
        }
    }
    return true;
}

static void print_result(const bench_opts *o, const bench_query *q, const bench_result *r)
{
    if (o->json) {
        printf("{\"name\":\"%s\",\"ops_pipeline\":%.1f,\"cpu_ops_pipeline\":%.1f,"
               "\"iters_pipeline\":%zu,\"cpu_ops_cached\":%.1f,"
               "\"ops_cached\":%.1f,\"iters_cached\":%zu,\"heap_allocated\":%zu,"
               "\"heap_peak\":%zu,\"cached_heap_allocated\":%zu,\"doc_bytes\":%zu,"
               "\"response_bytes\":%zu}\n",
               q->name, r->ops_pipeline, r->cpu_ops_pipeline, r->iters_pipeline, r->cpu_ops_cached,
               r->ops_cached, r->iters_cached, r->heap_allocated, r->heap_peak,
               r->cached_heap_allocated, r->doc_bytes, r->response_bytes);
        return;
    }
    printf("%-14s %12.0f %12.0f %12zu %12zu %12zu %10zu  %s\n", q->name, r->ops_pipeline,
           r->ops_cached, r->heap_allocated, r->heap_peak, r->cached_heap_allocated,
           r->response_bytes, q->what);
}

int main(int argc, char **argv)
{
    bench_opts o;
    if (!parse_args(argc, argv, &o))
        return 2;

    int rc = 1;
    size_t len;
    char *sdl = read_file(o.schema_dir, "test.graphql", &len);
    char *data_text = sdl ? read_file(o.schema_dir, "test-data.json", &len) : NULL;
    if (!data_text) {
        free(sdl);
        return 1;
    }
    char *errors = NULL;
    gql_schema *schema = gql_schema_build(sdl, strlen(sdl), &errors);
    json_error_t jerr;
    json_t *data = json_loadb(data_text, len, JSON_ALLOW_NUL, &jerr);
    if (!schema || !data) {
        fprintf(stderr, "bench_graphql: cannot load the schema or data: %s%s\n",
                errors ? errors : "", data ? "" : jerr.text);
        goto out;
    }
    gql_json_bind(schema);

    bench_ctx c = {.schema = schema, .data = data};
    c.req.root_value = data;
    c.req.limits = NULL;

    if (!o.json)
        printf("%-14s %12s %12s %12s %12s %12s %10s\n", "query", "ops/s", "ops/s cached",
               "heap B/req", "peak B/req", "cached B/req", "resp B");
    rc = 0;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        if (o.only && strcmp(o.only, queries[i].name) != 0)
            continue;
        bench_result r;
        if (!bench_one(&o, &c, &queries[i], &r)) {
            rc = 1;
            continue;
        }
        print_result(&o, &queries[i], &r);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (o.json)
        printf("{\"name\":\"process\",\"peak_rss_kib\":%ld}\n", ru.ru_maxrss);
    else
        printf("peak RSS %ld KiB (whole process: schema, data and the runs above)\n", ru.ru_maxrss);
out:
    if (data)
        json_decref(data);
    if (schema)
        gql_schema_free(schema);
    free(errors);
    free(sdl);
    free(data_text);
    return rc;
}
