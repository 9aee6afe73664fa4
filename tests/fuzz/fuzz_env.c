/* fuzz_env.c -- schema and data loading for the fuzz targets, see fuzz_env.h. */
#include "fuzz_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_bind.h"

#ifndef FUZZ_SCHEMA_DIR
#define FUZZ_SCHEMA_DIR "tests/graphql/diff/schemas"
#endif

char *fuzz_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *p = NULL;
    size_t n = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        if (end >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            p = malloc((size_t)end + 1);
            n = fread(p, 1, (size_t)end, f);
            p[n] = '\0';
        }
    }
    fclose(f);
    if (p && len)
        *len = n;
    return p;
}

/* The differential suite's resolver conventions (see test.graphql): "echo*"
 * fields return their coerced arguments as JSON text, "fail*" fields raise a
 * field error, every other field reads the parent's JSON member. With them
 * the fuzzer reaches argument coercion output and error paths, not only data
 * reads. */
static gql_rv fuzz_resolve(void *parent, const gql_val *args, gql_info *info)
{
    const char *name = info->field_name;
    if (strncmp(name, "echo", 4) == 0) {
        gql_buf b = GQL_BUF_INIT;
        gql_val_write_json(args, &b);
        char *text = gql_arena_strndup(info->arena, gql_buf_cstr(&b), b.len);
        gql_buf_free(&b);
        return gql_rv_str(text);
    }
    if (strncmp(name, "fail", 4) == 0)
        return gql_rv_error(info, "fail: %s", name);
    return gql_json_resolve(parent, args, info);
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = fuzz_read_file(path, len);
    if (!text) {
        fprintf(stderr, "fuzz: cannot read %s (set FUZZ_SCHEMA_DIR)\n", path);
        exit(2);
    }
    return text;
}

void fuzz_env_load(fuzz_env *e)
{
    if (e->schema)
        return;
    const char *dir = getenv("FUZZ_SCHEMA_DIR");
    if (!dir)
        dir = FUZZ_SCHEMA_DIR;

    size_t len;
    char *sdl = read_in(dir, "test.graphql", &len);
    char *errors = NULL;
    e->schema = gql_schema_build(sdl, len, &errors);
    if (!e->schema) {
        fprintf(stderr, "fuzz: test schema does not build:\n%s\n", errors ? errors : "");
        exit(2);
    }
    free(errors);
    free(sdl);
    gql_json_bind(e->schema);
    gql_schema_set_default_resolver(e->schema, fuzz_resolve, NULL);

    char *json = read_in(dir, "test-data.json", &len);
    json_error_t jerr;
    e->data = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
    free(json);
    if (!e->data) {
        fprintf(stderr, "fuzz: test data: %s at line %d\n", jerr.text, jerr.line);
        exit(2);
    }
}

void fuzz_fail(const char *input, size_t len, const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: %s\n--- input (%zu bytes) ---\n%.*s\n--- detail ---\n%s\n", what, len,
            (int)len, input, detail ? detail : "");
    abort();
}
