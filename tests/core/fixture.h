/* fixture.h -- a complete EPFIOT back end in one process for core/ and api/
 * tests: a fresh SQLite file in a temporary directory, the libvirt driver on
 * the test hypervisor host of tests/driver/fixtures/host.xml (two base
 * images, USB devices, a stray VM volume; private to each open), the API,
 * and three principals: the first admin, alice and bob (plain users).
 * Requests run through gql_run exactly as the HTTP front runs them. */
#ifndef EPFIOT_TEST_CORE_FIXTURE_H
#define EPFIOT_TEST_CORE_FIXTURE_H

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "internal.h"
#include "test.h"

typedef struct env {
    char dir[64];
    char db[128];
    core *c;
    api *a;
    int64_t admin, alice, bob;
} env;

static char host_uri[600];

static void env_open_core(env *e)
{
    snprintf(host_uri, sizeof host_uri, "test://%s/../driver/fixtures/host.xml", test_data_dir());
    core_config cc = {
        .database = e->db,
        .libvirt_uri = host_uri,
        .image_pool = "default-pool",
        .network = "epfiot",
    };
    char *err = NULL;
    e->c = core_open(&cc, &err);
    if (!e->c) {
        fprintf(stderr, "core_open: %s\n", err);
        free(err);
        abort();
    }
    e->a = api_new(e->c, &err);
    if (!e->a) {
        fprintf(stderr, "api_new: %s\n", err);
        abort();
    }
}

/* A user made directly in the store (cheap: no argon2 per test where the
 * password does not matter). */
/* Hashes are cached per process: argon2id is slow on purpose, and the
 * tests need the same three accounts again and again. */
static int64_t env_user(env *e, const char *name, const char *password, store_role role)
{
    static char cache[3][2][AUTH_PWHASH_BUF];
    char *hash = NULL;
    for (int i = 0; i < 3 && !hash; i++) {
        if (!cache[i][0][0]) {
            snprintf(cache[i][0], sizeof cache[i][0], "%s", password);
            if (auth_password_hash(password, cache[i][1]) != 0)
                abort();
        }
        if (!strcmp(cache[i][0], password))
            hash = cache[i][1];
    }
    int64_t id = 0;
    if (!hash || store_user_create(core_store(e->c), name, role, hash, &id) != STORE_OK)
        abort();
    return id;
}

__attribute__((unused)) static void env_init(env *e)
{
    memset(e, 0, sizeof *e);
    auth_init();
    snprintf(e->dir, sizeof e->dir, "/tmp/epfiot-core-XXXXXX");
    if (!mkdtemp(e->dir))
        abort();
    snprintf(e->db, sizeof e->db, "%s/epfiot.db", e->dir);
    env_open_core(e);
    e->admin = env_user(e, "admin", "admin-password", STORE_ROLE_ADMIN);
    e->alice = env_user(e, "alice", "alice-password", STORE_ROLE_USER);
    e->bob = env_user(e, "bob", "bob-password", STORE_ROLE_USER);
    char m[256];
    core_reconcile(e->c, m, sizeof m);
}

static void env_close_core(env *e)
{
    api_free(e->a);
    core_close(e->c);
    e->a = NULL;
    e->c = NULL;
}

static void env_free(env *e)
{
    env_close_core(e);
    char path[160];
    const char *files[] = {"epfiot.db", "epfiot.db-wal", "epfiot.db-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", e->dir, files[i]);
        unlink(path);
    }
    rmdir(e->dir);
}

/* Runs a GraphQL request as user uid (0: anonymous); returns the JSON
 * response (malloc'ed). */
static char *gqv(env *e, int64_t uid, const char *variables_json, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *gqv(env *e, int64_t uid, const char *variables_json, const char *fmt, ...)
{
    char *q = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&q, fmt, ap) < 0)
        abort();
    va_end(ap);
    api_ctx *x =
        uid ? api_ctx_for_user(e->a, uid) : api_ctx_new(e->a, NULL, NULL, "127.0.0.1", true);
    gql_arena ar;
    gql_arena_init(&ar, 4096);
    gql_val vars;
    const char *perr;
    bool have_vars = variables_json &&
                     gql_val_parse_json(&ar, variables_json, strlen(variables_json), &vars, &perr);
    gql_request req = {
        .query = q, .query_len = strlen(q), .context = x, .variables = have_vars ? &vars : NULL};
    gql_result res = {0};
    gql_run(api_schema(e->a), NULL, &req, &res);
    char *out = gql_buf_steal(&res.body, NULL);
    gql_result_free(&res);
    gql_arena_free(&ar);
    api_ctx_free(x);
    free(q);
    return out;
}

#define gq(e, uid, ...) gqv(e, uid, NULL, __VA_ARGS__)

/* Creates a VM for uid and returns its ID (0 on failure). */
__attribute__((unused)) static int64_t env_vm(env *e, int64_t uid, const char *name)
{
    char *r = gq(e, uid, "mutation{createVm(vm:{name:\"%s\",base:\"debian-12.qcow2\"}){id}}", name);
    const char *p = strstr(r, "\"id\":\"");
    int64_t id = p ? strtoll(p + 6, NULL, 10) : 0;
    if (!id)
        fprintf(stderr, "  createVm failed: %s\n", r);
    free(r);
    return id;
}

/* The hypervisor's view, through the core's own handle (a fixture host is
 * private to its connection). */
__attribute__((unused)) static bool env_domain_exists(env *e, int64_t vm_id)
{
    char name[64];
    drv_vm_info info;
    snprintf(name, sizeof name, "epfiot-vm-%lld", (long long)vm_id);
    core_drv_lock(e->c);
    drv_status s = drv_vm_get_info(e->c->d, name, &info);
    core_drv_unlock(e->c);
    if (s == DRV_OK)
        drv_vm_info_clear(&info);
    return s == DRV_OK;
}

#endif
