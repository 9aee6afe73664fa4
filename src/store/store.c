/* store.c -- the store's front door: picks a driver for a database name,
 * dispatches every call through the driver table (store_driver.h), and owns
 * what is common to all drivers: the error message, the names of enums and
 * the release of records.
 *
 * Keeping this layer free of SQL is what lets a PostgreSQL driver slot in
 * later without touching core/ or the tests that go through store.h.
 */
#include "store_driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bump together with the migration list in each driver. */
#define STORE_SCHEMA_LATEST 4

int store_schema_latest(void)
{
    return STORE_SCHEMA_LATEST;
}

store_status store_seterr(store *st, store_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return status;
}

const char *store_errmsg(const store *st)
{
    if (!st)
        return "out of memory";
    return st->err;
}

bool store_id_parse(const char *text, int64_t *id)
{
    uint64_t v = 0;
    *id = 0;
    if (!text || text[0] < '1' || text[0] > '9')
        return false;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || v > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *id = (int64_t)v;
    return true;
}

void store_id_format(int64_t id, char buf[21])
{
    snprintf(buf, 21, "%lld", (long long)id);
}

/* Picks the driver from the scheme of `path`; a bare path is SQLite. */
static const store_driver *store_pick_driver(const char *path, const char **rest)
{
    static const char sqlite_prefix[] = "sqlite:";
    if (strncmp(path, sqlite_prefix, sizeof sqlite_prefix - 1) == 0) {
        *rest = path + sizeof sqlite_prefix - 1;
        return &store_sqlite_driver;
    }
    if (strstr(path, "://"))
        return NULL;
    *rest = path;
    return &store_sqlite_driver;
}

store_status store_open(const char *path, store **out)
{
    store *st = calloc(1, sizeof *st);
    *out = st;
    if (!st)
        return STORE_ERROR;
    const char *rest = NULL;
    st->drv = path ? store_pick_driver(path, &rest) : NULL;
    if (!st->drv)
        return store_seterr(st, STORE_ERROR, "no store driver for this database name");
    return st->drv->open(st, rest);
}

void store_close(store *st)
{
    if (!st)
        return;
    if (st->drv)
        st->drv->close(st);
    free(st);
}

/* Every call starts with a clean error so that store_errmsg() describes the
 * last failure, not an older one. */
#define CALL(fn, ...) (st->err[0] = '\0', st->drv->fn(st, __VA_ARGS__))
#define CALL0(fn) (st->err[0] = '\0', st->drv->fn(st))

store_status store_schema_version(store *st, int *version)
{
    return CALL(schema_version, version);
}

store_status store_tx_begin(store *st)
{
    return CALL0(tx_begin);
}

store_status store_tx_commit(store *st)
{
    return CALL0(tx_commit);
}

store_status store_tx_rollback(store *st)
{
    return CALL0(tx_rollback);
}

store_status store_user_create(store *st, const char *name, store_role role, const char *pwhash,
                               int64_t *id)
{
    return CALL(user_create, name, role, pwhash, id);
}

store_status store_user_get(store *st, int64_t id, store_user *out)
{
    return CALL(user_get, id, out);
}

store_status store_user_get_by_name(store *st, const char *name, store_user *out)
{
    return CALL(user_get_by_name, name, out);
}

store_status store_user_pwhash(store *st, const char *name, int64_t *id, char **pwhash)
{
    return CALL(user_pwhash, name, id, pwhash);
}

store_status store_user_list(store *st, store_user **list, size_t *n)
{
    return CALL(user_list, list, n);
}

store_status store_user_count(store *st, int64_t *n)
{
    return CALL(user_count, n);
}

store_status store_user_set_pwhash(store *st, int64_t id, const char *pwhash)
{
    return CALL(user_set_pwhash, id, pwhash);
}

store_status store_user_set_role(store *st, int64_t id, store_role role)
{
    return CALL(user_set_role, id, role);
}

store_status store_user_delete(store *st, int64_t id)
{
    return CALL(user_delete, id);
}

store_status store_quota_get(store *st, int64_t user_id, store_quota *out)
{
    return CALL(quota_get, user_id, out);
}

store_status store_quota_set(store *st, int64_t user_id, const store_quota *q)
{
    return CALL(quota_set, user_id, q);
}

store_status store_usage_get(store *st, int64_t user_id, store_usage *out)
{
    return CALL(usage_get, user_id, out);
}

store_status store_session_create(store *st, int64_t user_id,
                                  const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                  int64_t expires_at, int64_t *id)
{
    return CALL(session_create, user_id, hash, now, expires_at, id);
}

store_status store_session_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                  int64_t now, store_session *out)
{
    return CALL(session_lookup, hash, now, out);
}

store_status store_session_delete(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN])
{
    return CALL(session_delete, hash);
}

store_status store_session_delete_user(store *st, int64_t user_id)
{
    return CALL(session_delete_user, user_id);
}

store_status store_session_purge(store *st, int64_t now, int64_t *removed)
{
    return CALL(session_purge, now, removed);
}

store_status store_token_create(store *st, int64_t user_id, const char *name,
                                const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                int64_t expires_at, int64_t *id)
{
    return CALL(token_create, user_id, name, hash, now, expires_at, id);
}

store_status store_token_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                int64_t now, store_token *out)
{
    return CALL(token_lookup, hash, now, out);
}

store_status store_token_list(store *st, int64_t user_id, store_token **list, size_t *n)
{
    return CALL(token_list, user_id, list, n);
}

store_status store_token_revoke(store *st, int64_t id, int64_t owner, int64_t now)
{
    return CALL(token_revoke, id, owner, now);
}

store_status store_vm_create(store *st, store_vm *vm)
{
    return CALL(vm_create, vm);
}

store_status store_vm_get(store *st, int64_t id, int64_t owner, store_vm *out)
{
    return CALL(vm_get, id, owner, out);
}

store_status store_vm_get_by_name(store *st, int64_t owner, const char *name, store_vm *out)
{
    if (owner <= 0) {
        memset(out, 0, sizeof *out);
        return store_seterr(st, STORE_ERROR, "a VM name is unique only per owner");
    }
    return CALL(vm_get_by_name, owner, name, out);
}

store_status store_vm_list(store *st, int64_t owner, store_vm **list, size_t *n)
{
    return CALL(vm_list, owner, list, n);
}

store_status store_vm_update(store *st, const store_vm *vm, int64_t owner)
{
    return CALL(vm_update, vm, owner);
}

store_status store_vm_seed_built(store *st, int64_t id, int64_t stale)
{
    return CALL(vm_seed_built, id, stale);
}

store_status store_vm_set_runtime(store *st, int64_t id, store_vm_state state, const char *ip,
                                  const char *uuid)
{
    return CALL(vm_set_runtime, id, state, ip, uuid);
}

store_status store_vm_set_ip(store *st, int64_t id, const char *ip)
{
    return CALL(vm_set_ip, id, ip);
}

store_status store_vm_delete(store *st, int64_t id, int64_t owner)
{
    return CALL(vm_delete, id, owner);
}

store_status store_dev_upsert(store *st, const store_dev *d, int64_t *id)
{
    return CALL(dev_upsert, d, id);
}

store_status store_dev_mark_all_absent(store *st)
{
    return CALL0(dev_mark_all_absent);
}

store_status store_dev_get(store *st, int64_t id, store_dev *out)
{
    return CALL(dev_get, id, out);
}

store_status store_dev_list(store *st, int64_t vm_id, store_dev **list, size_t *n)
{
    return CALL(dev_list, vm_id, list, n);
}

store_status store_dev_attach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner)
{
    return CALL(dev_attach, dev_id, vm_id, owner);
}

store_status store_dev_detach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner)
{
    return CALL(dev_detach, dev_id, vm_id, owner);
}

store_status store_thing_create(store *st, store_thing *t, const unsigned char *psk_key,
                                size_t psk_key_len)
{
    return CALL(thing_create, t, psk_key, psk_key_len);
}

store_status store_thing_get(store *st, int64_t id, int64_t owner, store_thing *out)
{
    return CALL(thing_get, id, owner, out);
}

store_status store_thing_get_by_endpoint(store *st, const char *endpoint, store_thing *out)
{
    return CALL(thing_get_by_endpoint, endpoint, out);
}

store_status store_thing_list(store *st, int64_t owner, int64_t vm_id, store_thing **list,
                              size_t *n)
{
    return CALL(thing_list, owner, vm_id, list, n);
}

store_status store_thing_update(store *st, const store_thing *t, int64_t owner)
{
    return CALL(thing_update, t, owner);
}

store_status store_thing_set_psk(store *st, int64_t id, int64_t owner, const char *identity,
                                 const unsigned char *key, size_t key_len)
{
    return CALL(thing_set_psk, id, owner, identity, key, key_len);
}

store_status store_thing_psk_key(store *st, int64_t id, unsigned char **key, size_t *len)
{
    return CALL(thing_psk_key, id, key, len);
}

store_status store_thing_set_lwm2m(store *st, const store_thing *t, int64_t owner,
                                   const unsigned char *key, size_t key_len,
                                   const unsigned char *server_key, size_t server_key_len)
{
    return CALL(thing_set_lwm2m, t, owner, key, key_len, server_key, server_key_len);
}

store_status store_thing_get_keys(store *st, int64_t id, store_thing_keys *out)
{
    return CALL(thing_get_keys, id, out);
}

void store_thing_keys_clear(store_thing_keys *k)
{
    if (k->key)
        explicit_bzero(k->key, k->key_len);
    if (k->server_key)
        explicit_bzero(k->server_key, k->server_key_len);
    free(k->key);
    free(k->server_key);
    memset(k, 0, sizeof *k);
}

store_status store_thing_attach(store *st, int64_t id, int64_t vm_id, int64_t owner)
{
    return CALL(thing_attach, id, vm_id, owner);
}

store_status store_thing_set_state(store *st, int64_t id, store_thing_state state, int64_t at,
                                   const char *error)
{
    return CALL(thing_set_state, id, state, at, error);
}

store_status store_thing_delete(store *st, int64_t id, int64_t owner)
{
    return CALL(thing_delete, id, owner);
}

store_status store_login_failure_get(store *st, const char *key, int64_t *count, int64_t *last_at)
{
    return CALL(login_failure_get, key, count, last_at);
}

store_status store_login_failure_record(store *st, const char *key, int64_t now,
                                        int64_t reset_after, int64_t *count)
{
    return CALL(login_failure_record, key, now, reset_after, count);
}

store_status store_login_failure_clear(store *st, const char *key)
{
    return CALL(login_failure_clear, key);
}

store_status store_login_failure_purge(store *st, int64_t before, int64_t *removed)
{
    return CALL(login_failure_purge, before, removed);
}

/* ---- Names of enums: these strings are also what the database stores and
 * what the API shows, so they must not change. */

static const char *const role_names[] = {"user", "admin"};
static const char *const vm_state_names[] = {
    "CREATING", "RUNNING", "POWEROFF", "PAUSED", "SHUTTING_DOWN", "CRASHED", "ERROR",
};
static const char *const thing_state_names[] = {
    "REGISTERED",
    "BOOTSTRAPPING",
    "BOOTSTRAPPED",
    "FAILED",
};

#define NAME_OF(table, v) ((size_t)(v) < sizeof table / sizeof table[0] ? table[(size_t)(v)] : "?")

static bool parse_name(const char *const *table, size_t n, const char *name, int *out)
{
    for (size_t i = 0; name && i < n; i++) {
        if (strcmp(table[i], name) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

const char *store_role_name(store_role role)
{
    return NAME_OF(role_names, role);
}

const char *store_vm_state_name(store_vm_state s)
{
    return NAME_OF(vm_state_names, s);
}

const char *store_thing_state_name(store_thing_state s)
{
    return NAME_OF(thing_state_names, s);
}

bool store_vm_state_parse(const char *name, store_vm_state *out)
{
    int v;
    if (!parse_name(vm_state_names, sizeof vm_state_names / sizeof vm_state_names[0], name, &v))
        return false;
    *out = (store_vm_state)v;
    return true;
}

bool store_thing_state_parse(const char *name, store_thing_state *out)
{
    int v;
    if (!parse_name(thing_state_names, sizeof thing_state_names / sizeof thing_state_names[0], name,
                    &v))
        return false;
    *out = (store_thing_state)v;
    return true;
}

/* ---- Releasing records ------------------------------------------------ */

void store_user_clear(store_user *u)
{
    free(u->name);
    memset(u, 0, sizeof *u);
}

void store_token_clear(store_token *t)
{
    free(t->name);
    memset(t, 0, sizeof *t);
}

void store_vm_clear(store_vm *vm)
{
    free(vm->name);
    free(vm->base);
    free(vm->ip);
    free(vm->uuid);
    free(vm->domain_name);
    free(vm->cfg_user);
    free(vm->cfg_password_hash);
    free(vm->cfg_ssh_keys);
    free(vm->cfg_hostname);
    free(vm->cfg_packages);
    free(vm->cfg_user_data);
    memset(vm, 0, sizeof *vm);
}

void store_dev_clear(store_dev *d)
{
    free(d->vendor_id);
    free(d->product_id);
    free(d->serial);
    free(d->port);
    free(d->info);
    free(d->hw_key);
    memset(d, 0, sizeof *d);
}

void store_thing_clear(store_thing *t)
{
    free(t->name);
    free(t->info);
    free(t->last_error);
    free(t->endpoint);
    free(t->psk_identity);
    free(t->server_psk_identity);
    free(t->binding);
    memset(t, 0, sizeof *t);
}

#define LIST_FREE(type)                                                                            \
    void store_##type##_list_free(store_##type *list, size_t n)                                    \
    {                                                                                              \
        for (size_t i = 0; list && i < n; i++)                                                     \
            store_##type##_clear(&list[i]);                                                        \
        free(list);                                                                                \
    }

LIST_FREE(user)
LIST_FREE(token)
LIST_FREE(vm)
LIST_FREE(dev)
LIST_FREE(thing)
