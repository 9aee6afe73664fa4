/* core.c -- the core object (store handles per thread, the shared driver
 * handle), principals, accounts, quotas and API tokens.
 *
 * Authorisation is decided here and only here: every public function first
 * checks the caller (core_need_user / core_need_admin) and then scopes store
 * lookups by owner (core_scope), so that another tenant's row answers
 * NOT_FOUND with the same message as an ID that never existed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "internal.h"

static const char *const code_names[] = {
    "OK",       "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT",
    "CONFLICT", "QUOTA_EXCEEDED",  "INTERNAL",
};

const char *core_code_name(core_code c)
{
    return (unsigned)c < sizeof code_names / sizeof *code_names ? code_names[c] : "INTERNAL";
}

int64_t core_now(void)
{
    return (int64_t)time(NULL);
}

void core_log(core *c, int level, const char *fmt, ...)
{
    if (!c->cfg.log)
        return;
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->cfg.log(level, line, c->cfg.log_ud);
}

core_code core_fail(core_call *k, core_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->err, sizeof k->err, fmt, ap);
    va_end(ap);
    return code;
}

core_code core_store_fail(core_call *k, const char *what)
{
    core_log(k->c, CORE_LOG_ERROR, "%s: %s", what, store_errmsg(k->st));
    return core_fail(k, CORE_INTERNAL, "internal error (%s)", what);
}

/* The driver's messages name domains and devices, never secrets, and say
 * what the hypervisor refused: they are worth showing to the caller. */
core_code core_drv_fail(core_call *k, drv_status st, const char *what)
{
    core_log(k->c, st == DRV_ERROR ? CORE_LOG_ERROR : CORE_LOG_WARN, "%s: %s", what,
             drv_errmsg(k->c->d));
    core_code code = st == DRV_NOT_FOUND || st == DRV_INVALID      ? CORE_BAD_USER_INPUT
                     : st == DRV_CONFLICT || st == DRV_UNSUPPORTED ? CORE_CONFLICT
                                                                   : CORE_INTERNAL;
    return core_fail(k, code, "%s: %s", what, drv_errmsg(k->c->d));
}

core_code core_need_user(core_call *k)
{
    if (k->uid <= 0)
        return core_fail(k, CORE_UNAUTHENTICATED, "authentication required");
    return CORE_OK;
}

core_code core_need_admin(core_call *k)
{
    core_code rc = core_need_user(k);
    if (rc == CORE_OK && k->role != STORE_ROLE_ADMIN)
        rc = core_fail(k, CORE_FORBIDDEN, "only an admin may do this");
    return rc;
}

int64_t core_scope(const core_call *k)
{
    return k->role == STORE_ROLE_ADMIN ? 0 : k->uid;
}

/* Names from users become neither paths nor shell words, but they are shown
 * everywhere and end up in logs: a conservative charset keeps them inert. */
bool core_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool alnum =
            (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-')))
            return false;
    }
    return true;
}

/* ---- The core object ------------------------------------------------------- */

static void st_forget(void *p)
{
    (void)p; /* handles are closed by core_close, which knows them all */
}

core *core_open(const core_config *cfg, char **err)
{
    core *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->cfg = *cfg;
    c->database = strdup(cfg->database);
    c->cfg.database = c->database;
    if (!c->cfg.session_ttl_s)
        c->cfg.session_ttl_s = 12 * 3600;
    if (!c->cfg.max_vcpus_per_vm)
        c->cfg.max_vcpus_per_vm = 64;
    if (!c->cfg.max_memory_mib)
        c->cfg.max_memory_mib = 262144;
    pthread_mutex_init(&c->drv_lock, NULL);
    pthread_mutex_init(&c->st_lock, NULL);
    pthread_mutex_init(&c->accel_lock, NULL);
    pthread_key_create(&c->st_key, st_forget);
    c->things = core_things_new();
    *err = NULL;

    if (!core_store(c)) {
        if (asprintf(err, "cannot open database %s: %s", cfg->database, c->open_err) < 0)
            abort();
        goto fail;
    }
    drv_options o = {
        .uri = cfg->libvirt_uri,
        .image_pool = cfg->image_pool,
        .vm_pool = cfg->vm_pool ? cfg->vm_pool : cfg->image_pool,
        .network = cfg->network,
        .vm_prefix = CORE_VM_PREFIX,
        .force_tcg = cfg->force_tcg,
        .kvm_probe = cfg->kvm_probe,
        .kvm_probe_kernel = cfg->kvm_probe_kernel,
        .on_event = core_on_event,
        .opaque = c,
    };
    if (drv_open(cfg->driver ? cfg->driver : &lv_driver, &o, &c->d) != DRV_OK) {
        if (asprintf(err, "cannot open hypervisor %s: %s", cfg->libvirt_uri,
                     c->d ? drv_errmsg(c->d) : "out of memory") < 0)
            abort();
        goto fail;
    }
    return c;
fail:
    core_close(c);
    return NULL;
}

void core_close(core *c)
{
    if (!c)
        return;
    /* The bootstrap server and its writer first, then the driver: their
     * threads use store handles. */
    core_lwm2m_stop(c);
    core_things_free(c->things);
    if (c->d)
        drv_close(c->d);
    for (size_t i = 0; i < c->nsts; i++)
        store_close(c->sts[i]);
    free(c->sts);
    pthread_key_delete(c->st_key);
    pthread_mutex_destroy(&c->drv_lock);
    pthread_mutex_destroy(&c->st_lock);
    pthread_mutex_destroy(&c->accel_lock);
    free(c->database);
    free(c);
}

/* A failed open still returns a handle (store_errmsg says why): it is kept
 * so that core_close frees it, the reason goes to open_err, and the caller
 * gets NULL. */
store *core_store(core *c)
{
    store *st = pthread_getspecific(c->st_key);
    if (st)
        return st;
    store_status rc = store_open(c->database, &st);
    if (!st)
        return NULL;
    pthread_mutex_lock(&c->st_lock);
    store **grown = realloc(c->sts, (c->nsts + 1) * sizeof *grown);
    if (!grown)
        abort();
    c->sts = grown;
    c->sts[c->nsts++] = st;
    pthread_mutex_unlock(&c->st_lock);
    if (rc != STORE_OK) {
        snprintf(c->open_err, sizeof c->open_err, "%s", store_errmsg(st));
        core_log(c, CORE_LOG_ERROR, "database %s: %s", c->database, c->open_err);
        return NULL;
    }
    pthread_setspecific(c->st_key, st);
    return st;
}

core_code core_first_admin(core *c, const char *password, char **generated, bool *created,
                           char *msg, size_t msglen)
{
    store *st = core_store(c);
    *generated = NULL;
    if (auth_bootstrap_admin(st, "admin", password, generated, created) != STORE_OK) {
        snprintf(msg, msglen, "cannot create the first admin: %s", store_errmsg(st));
        return CORE_INTERNAL;
    }
    return CORE_OK;
}

bool core_resync_wanted(core *c)
{
    return atomic_exchange(&c->resync, false);
}

void core_counts(core *c, int64_t vms[7], int64_t things[4])
{
    store *st = core_store(c);
    memset(vms, 0, 7 * sizeof *vms);
    memset(things, 0, 4 * sizeof *things);
    store_vm *vl = NULL;
    store_thing *tl = NULL;
    size_t nv = 0, nt = 0;
    if (store_vm_list(st, 0, &vl, &nv) == STORE_OK)
        for (size_t i = 0; i < nv; i++)
            if ((unsigned)vl[i].state < 7)
                vms[vl[i].state]++;
    if (store_thing_list(st, 0, 0, &tl, &nt) == STORE_OK)
        for (size_t i = 0; i < nt; i++)
            if ((unsigned)tl[i].state < 4)
                things[tl[i].state]++;
    store_vm_list_free(vl, nv);
    store_thing_list_free(tl, nt);
}

/* ---- Principals ----------------------------------------------------------- */

void core_call_init(core_call *k, core *c)
{
    memset(k, 0, sizeof *k);
    k->c = c;
    k->st = core_store(c);
    k->role = STORE_ROLE_USER;
}

core_code core_become(core_call *k, int64_t uid)
{
    store_user u;
    k->uid = 0;
    k->role = STORE_ROLE_USER;
    store_status rc = store_user_get(k->st, uid, &u);
    if (rc == STORE_NOT_FOUND)
        return core_fail(k, CORE_UNAUTHENTICATED, "invalid or expired credentials");
    if (rc != STORE_OK)
        return core_store_fail(k, "look up user");
    k->uid = u.id;
    k->role = u.role;
    store_user_clear(&u);
    return CORE_OK;
}

core_code core_authenticate(core_call *k, const char *session, const char *bearer)
{
    int64_t uid = 0, now = core_now();
    store_status rc = STORE_NOT_FOUND;
    if (session && *session)
        rc = auth_session_check(k->st, session, now, &uid);
    /* A bearer is an API token, or a session token from the login mutation
     * for clients that keep no cookies. */
    if (rc == STORE_NOT_FOUND && bearer && *bearer) {
        rc = auth_apitoken_check(k->st, bearer, now, &uid);
        if (rc == STORE_NOT_FOUND)
            rc = auth_session_check(k->st, bearer, now, &uid);
    }
    if (rc == STORE_NOT_FOUND)
        return core_fail(k, CORE_UNAUTHENTICATED, "invalid or expired credentials");
    if (rc != STORE_OK)
        return core_store_fail(k, "check credentials");
    return core_become(k, uid);
}

/* ---- Accounts ------------------------------------------------------------ */

core_code core_login(core_call *k, const char *name, const char *password, const char *addr,
                     char token[44], int64_t *expires_at, int64_t *retry_after)
{
    int64_t uid = 0, now = core_now();
    *retry_after = 0;
    auth_status a = auth_login(k->st, NULL, name, password, addr, now, k->c->cfg.session_ttl_s,
                               token, &uid, retry_after);
    switch (a) {
    case AUTH_OK:
        *expires_at = now + k->c->cfg.session_ttl_s;
        core_log(k->c, CORE_LOG_INFO, "login: user %lld from %s", (long long)uid,
                 addr ? addr : "-");
        return core_become(k, uid);
    case AUTH_DENIED:
        core_log(k->c, CORE_LOG_INFO, "login failed from %s", addr ? addr : "-");
        return core_fail(k, CORE_UNAUTHENTICATED, "wrong name or password");
    case AUTH_THROTTLED:
        return core_fail(k, CORE_UNAUTHENTICATED, "too many failed logins: retry in %lld seconds",
                         (long long)*retry_after);
    default:
        return core_store_fail(k, "login");
    }
}

core_code core_logout(core_call *k, const char *token, bool *ended)
{
    *ended = false;
    core_code rc = core_need_user(k);
    if (rc || !token)
        return rc;
    store_status s = auth_session_end(k->st, token);
    if (s == STORE_ERROR)
        return core_store_fail(k, "logout");
    *ended = s == STORE_OK;
    return CORE_OK;
}

static core_code user_get_scoped(core_call *k, int64_t id, store_user *out)
{
    memset(out, 0, sizeof *out);
    if (k->role != STORE_ROLE_ADMIN && id != k->uid)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    store_status rc = store_user_get(k->st, id, out);
    if (rc == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    return rc == STORE_OK ? CORE_OK : core_store_fail(k, "get user");
}

core_code core_user_get(core_call *k, int64_t id, store_user *out)
{
    core_code rc = core_need_user(k);
    if (rc) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    return user_get_scoped(k, id, out);
}

core_code core_user_list(core_call *k, store_user **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (k->role != STORE_ROLE_ADMIN) {
        store_user *one = calloc(1, sizeof *one);
        if (!one)
            abort();
        rc = user_get_scoped(k, k->uid, one);
        if (rc) {
            free(one);
            return rc;
        }
        *list = one;
        *n = 1;
        return CORE_OK;
    }
    return store_user_list(k->st, list, n) == STORE_OK ? CORE_OK : core_store_fail(k, "list users");
}

static core_code password_ok(core_call *k, const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < AUTH_PASSWORD_MIN)
        return core_fail(k, CORE_BAD_USER_INPUT, "a password needs at least %d characters",
                         AUTH_PASSWORD_MIN);
    if (n > 1024)
        return core_fail(k, CORE_BAD_USER_INPUT, "a password has at most 1024 characters");
    return CORE_OK;
}

core_code core_user_create(core_call *k, const char *name, const char *password, store_role role,
                           store_user *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (!core_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid user name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                         "starting with a letter or digit");
    if ((rc = password_ok(k, password)))
        return rc;
    char hash[AUTH_PWHASH_BUF];
    if (auth_password_hash(password, hash) != 0)
        abort();
    int64_t id;
    store_status s = store_user_create(k->st, name, role, hash, &id);
    sodium_memzero(hash, sizeof hash);
    if (s == STORE_CONFLICT)
        return core_fail(k, CORE_CONFLICT, "a user named %s exists already", name);
    if (s != STORE_OK)
        return core_store_fail(k, "create user");
    core_log(k->c, CORE_LOG_INFO, "user %lld (%s) created by %lld", (long long)id,
             store_role_name(role), (long long)k->uid);
    return user_get_scoped(k, id, out);
}

core_code core_user_delete(core_call *k, int64_t id)
{
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (id == k->uid)
        return core_fail(k, CORE_CONFLICT, "an admin cannot delete their own account");
    store_user u;
    if ((rc = user_get_scoped(k, id, &u)))
        return rc;
    store_user_clear(&u);
    /* VMs have hypervisor objects: each goes the way forceDestroyVM goes. */
    store_vm *vms = NULL;
    size_t n = 0;
    if (store_vm_list(k->st, id, &vms, &n) != STORE_OK)
        return core_store_fail(k, "list VMs of user");
    for (size_t i = 0; i < n && rc == CORE_OK; i++)
        rc = core_vm_remove(k, &vms[i]);
    store_vm_list_free(vms, n);
    if (rc)
        return rc;
    store_thing *things = NULL;
    size_t nthings = 0;
    if (store_thing_list(k->st, id, 0, &things, &nthings) != STORE_OK)
        return core_store_fail(k, "list things of user");
    store_status s = store_user_delete(k->st, id);
    for (size_t i = 0; s == STORE_OK && i < nthings; i++)
        core_things_refresh(k, things[i].id); /* gone with the user */
    store_thing_list_free(things, nthings);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    if (s != STORE_OK)
        return core_store_fail(k, "delete user");
    core_log(k->c, CORE_LOG_INFO, "user %lld deleted by %lld", (long long)id, (long long)k->uid);
    return CORE_OK;
}

core_code core_password_set(core_call *k, int64_t id, const char *old_pw, const char *new_pw)
{
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (id == 0)
        id = k->uid;
    store_user u;
    if ((rc = user_get_scoped(k, id, &u)))
        return rc;
    /* Oneself: prove it again, so a stolen session cannot lock the owner out. */
    if (id == k->uid) {
        char *hash = NULL;
        int64_t hid;
        bool ok = old_pw && store_user_pwhash(k->st, u.name, &hid, &hash) == STORE_OK &&
                  auth_password_verify(hash, old_pw);
        free(hash);
        if (!ok) {
            store_user_clear(&u);
            return core_fail(k, CORE_FORBIDDEN, "the old password is wrong or missing");
        }
    }
    store_user_clear(&u);
    if ((rc = password_ok(k, new_pw)))
        return rc;
    char hash[AUTH_PWHASH_BUF];
    if (auth_password_hash(new_pw, hash) != 0)
        abort();
    store_status s = store_user_set_pwhash(k->st, id, hash);
    sodium_memzero(hash, sizeof hash);
    if (s != STORE_OK || store_session_delete_user(k->st, id) != STORE_OK)
        return core_store_fail(k, "set password");
    core_log(k->c, CORE_LOG_INFO, "password of user %lld changed by %lld", (long long)id,
             (long long)k->uid);
    return CORE_OK;
}

core_code core_quota_get(core_call *k, int64_t id, store_quota *out)
{
    store_user u;
    core_code rc = core_need_user(k);
    if (rc || (rc = user_get_scoped(k, id, &u)))
        return rc;
    store_user_clear(&u);
    return store_quota_get(k->st, id, out) == STORE_OK ? CORE_OK : core_store_fail(k, "quota");
}

core_code core_usage_get(core_call *k, int64_t id, store_usage *out)
{
    store_user u;
    core_code rc = core_need_user(k);
    if (rc || (rc = user_get_scoped(k, id, &u)))
        return rc;
    store_user_clear(&u);
    return store_usage_get(k->st, id, out) == STORE_OK ? CORE_OK : core_store_fail(k, "usage");
}

core_code core_quota_set(core_call *k, int64_t id, const store_quota *q)
{
    core_code rc = core_need_admin(k);
    store_user u;
    if (rc || (rc = user_get_scoped(k, id, &u)))
        return rc;
    store_user_clear(&u);
    const int64_t v[4] = {q->max_vms, q->max_vcpus, q->max_memory_mib, q->max_devices};
    for (int i = 0; i < 4; i++)
        if (v[i] < -1)
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "a quota is a number >= 0, or -1 (or null) for unlimited");
    return store_quota_set(k->st, id, q) == STORE_OK ? CORE_OK : core_store_fail(k, "set quota");
}

core_code core_token_create(core_call *k, const char *name, int64_t expires_in, char secret[44],
                            store_token *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (!core_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid token name: 1-64 characters of A-Z a-z 0-9 . _ -");
    if (expires_in < 0 || expires_in > 10LL * 366 * 86400)
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "expiresIn must be between 1 and 316224000 seconds");
    int64_t now = core_now(), id;
    store_status s = auth_apitoken_create(k->st, k->uid, name, now,
                                          expires_in ? now + expires_in : 0, secret, &id);
    if (s == STORE_CONFLICT)
        return core_fail(k, CORE_CONFLICT, "you have a token named %s already", name);
    if (s != STORE_OK)
        return core_store_fail(k, "create token");
    out->id = id;
    out->user_id = k->uid;
    out->name = strdup(name);
    out->created_at = now;
    out->expires_at = expires_in ? now + expires_in : 0;
    return CORE_OK;
}

core_code core_token_list(core_call *k, store_token **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    return store_token_list(k->st, k->uid, list, n) == STORE_OK ? CORE_OK
                                                                : core_store_fail(k, "tokens");
}

core_code core_token_revoke(core_call *k, int64_t id)
{
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_status s = store_token_revoke(k->st, id, k->uid, core_now());
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such token");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "revoke token");
}

/* ---- Host ---------------------------------------------------------------- */

core_code core_images(core_call *k, drv_image **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    core_drv_lock(k->c);
    drv_status s = drv_image_list(k->c->d, list, n);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot list base images");
    core_drv_unlock(k->c);
    return rc;
}

core_code core_host(core_call *k, drv_host_info *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    core_drv_lock(k->c);
    drv_status s = drv_host_info_get(k->c->d, out);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot read the host");
    core_drv_unlock(k->c);
    return rc;
}
