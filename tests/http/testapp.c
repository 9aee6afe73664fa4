/* testapp.c -- see testapp.h. */
#include "testapp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char sdl[] = "type Query {\n"
                          "  hello(name: String): String\n"
                          "  me: String\n"
                          "  echo(v: Int!): Int\n"
                          "  fail: String\n"
                          "  slow(ms: Int!): String\n"
                          "}\n"
                          "type Mutation {\n"
                          "  login(name: String!, password: String!): String\n"
                          "  bump: Int\n"
                          "}\n";

static const char *const anonymous_fields[] = {"login", NULL};

/* Contexts are the caller's name; the anonymous one is its own string. */
static char ctx_alice[] = "alice";
static char ctx_anonymous[] = "anonymous";

static gql_rv r_hello(void *parent, const gql_val *args, gql_info *info)
{
    const gql_val *n = gql_val_get(args, "name");
    const char *name = n && n->kind == GQL_VAL_STRING ? n->u.s.ptr : "world";
    return gql_rv_str(gql_arena_printf(info->arena, "hello, %s", name));
}

static gql_rv r_me(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_str(info->context);
}

static gql_rv r_echo(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_int(gql_val_get(args, "v")->u.i);
}

static gql_rv r_fail(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_error(info, "it failed");
}

static gql_rv r_slow(void *parent, const gql_val *args, gql_info *info)
{
    int64_t ms = gql_val_get(args, "ms")->u.i;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return gql_rv_str("done");
}

static gql_rv r_login(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_str(strcmp(gql_val_get(args, "password")->u.s.ptr, "secret") == 0 ? "welcome"
                                                                                    : NULL);
}

static gql_rv r_bump(void *parent, const gql_val *args, gql_info *info)
{
    testapp *t = info->field_data;
    pthread_mutex_lock(&t->lock);
    int n = ++t->mutations;
    pthread_mutex_unlock(&t->lock);
    return gql_rv_int(n);
}

static void *app_begin(void *ud, const char *session, const char *bearer, const char *addr,
                       bool anonymous)
{
    testapp *t = ud;
    void *ctx = NULL;
    if (!session && !bearer)
        ctx = anonymous ? ctx_anonymous : NULL;
    else if ((!session || strcmp(session, TESTAPP_SESSION) == 0 ||
              strcmp(session, TESTAPP_NEW_SESSION) == 0) &&
             (!bearer || strcmp(bearer, TESTAPP_TOKEN) == 0))
        ctx = ctx_alice;
    pthread_mutex_lock(&t->lock);
    if (ctx)
        t->begun++;
    if (ctx == ctx_anonymous)
        t->anonymous_begun++;
    pthread_mutex_unlock(&t->lock);
    return ctx;
}

static void app_end(void *ud, void *ctx)
{
    testapp *t = ud;
    pthread_mutex_lock(&t->lock);
    t->ended++;
    pthread_mutex_unlock(&t->lock);
}

static http_login_status app_login(void *ud, const char *name, const char *password,
                                   const char *addr, char **token, int64_t *max_age,
                                   int64_t *retry_after)
{
    testapp *t = ud;
    pthread_mutex_lock(&t->lock);
    snprintf(t->last_login_addr, sizeof t->last_login_addr, "%s", addr);
    pthread_mutex_unlock(&t->lock);
    if (strcmp(name, "throttled") == 0) {
        *retry_after = 42;
        return HTTP_LOGIN_THROTTLED;
    }
    if (strcmp(name, "broken") == 0)
        return HTTP_LOGIN_ERROR;
    if (strcmp(name, "alice") != 0 || strcmp(password, "secret") != 0)
        return HTTP_LOGIN_DENIED;
    *token = strdup(TESTAPP_NEW_SESSION);
    *max_age = 3600;
    return HTTP_LOGIN_OK;
}

static void app_logout(void *ud, const char *token)
{
    testapp *t = ud;
    pthread_mutex_lock(&t->lock);
    snprintf(t->last_logout, sizeof t->last_logout, "%s", token);
    pthread_mutex_unlock(&t->lock);
}

static void app_metrics(void *ud, gql_buf *out)
{
    gql_buf_puts(out, "# TYPE testapp_things gauge\ntestapp_things 7\n");
}

testapp *testapp_new(void)
{
    testapp *t = calloc(1, sizeof *t);
    char *errors = NULL;
    t->schema = gql_schema_build(sdl, sizeof sdl - 1, &errors);
    if (!t->schema) {
        fprintf(stderr, "testapp: %s\n", errors ? errors : "schema failed");
        free(errors);
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    gql_schema_bind(t->schema, "Query", "hello", r_hello, NULL);
    gql_schema_bind(t->schema, "Query", "me", r_me, NULL);
    gql_schema_bind(t->schema, "Query", "echo", r_echo, NULL);
    gql_schema_bind(t->schema, "Query", "fail", r_fail, NULL);
    gql_schema_bind(t->schema, "Query", "slow", r_slow, NULL);
    gql_schema_bind(t->schema, "Mutation", "login", r_login, NULL);
    gql_schema_bind(t->schema, "Mutation", "bump", r_bump, t);
    t->app = (http_app){
        .ud = t,
        .schema = t->schema,
        .anonymous_fields = anonymous_fields,
        .request_begin = app_begin,
        .request_end = app_end,
        .login = app_login,
        .logout = app_logout,
        .metrics = app_metrics,
    };
    return t;
}

void testapp_free(testapp *t)
{
    if (!t)
        return;
    gql_schema_free(t->schema);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
