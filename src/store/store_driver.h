/* store_driver.h -- the table a store backend implements (internal to
 * src/store/).
 *
 * Like libvirt's virHypervisorDriver: store.c's public functions clear the
 * handle's error and call through this table, so callers never know which
 * database they have. Each entry has the signature of the public function of
 * the same name (store.h documents the behaviour). A driver must zero every
 * out-parameter before doing anything else, so that the caller can always
 * run the matching *_clear(), and must report failures with store_seterr().
 */
#ifndef EPFIOT_STORE_DRIVER_H
#define EPFIOT_STORE_DRIVER_H

#include "store.h"

typedef struct store_driver {
    const char *name;
    /* Opens the database named by `path` (without scheme) into st->priv and
     * brings its schema up to date. */
    store_status (*open)(store *st, const char *path);
    /* Releases st->priv; called once, also after a failed open. */
    void (*close)(store *st);
    store_status (*schema_version)(store *st, int *version);
    store_status (*tx_begin)(store *st);
    store_status (*tx_commit)(store *st);
    store_status (*tx_rollback)(store *st);
    store_status (*user_create)(store *st, const char *name, store_role role, const char *pwhash,
                                int64_t *id);
    store_status (*user_get)(store *st, int64_t id, store_user *out);
    store_status (*user_get_by_name)(store *st, const char *name, store_user *out);
    store_status (*user_pwhash)(store *st, const char *name, int64_t *id, char **pwhash);
    store_status (*user_list)(store *st, store_user **list, size_t *n);
    store_status (*user_count)(store *st, int64_t *n);
    store_status (*user_set_pwhash)(store *st, int64_t id, const char *pwhash);
    store_status (*user_set_role)(store *st, int64_t id, store_role role);
    store_status (*user_delete)(store *st, int64_t id);
    store_status (*quota_get)(store *st, int64_t user_id, store_quota *out);
    store_status (*quota_set)(store *st, int64_t user_id, const store_quota *q);
    store_status (*usage_get)(store *st, int64_t user_id, store_usage *out);
    store_status (*session_create)(store *st, int64_t user_id,
                                   const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                   int64_t expires_at, int64_t *id);
    store_status (*session_lookup)(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                   int64_t now, store_session *out);
    store_status (*session_delete)(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN]);
    store_status (*session_delete_user)(store *st, int64_t user_id);
    store_status (*session_purge)(store *st, int64_t now, int64_t *removed);
    store_status (*token_create)(store *st, int64_t user_id, const char *name,
                                 const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                 int64_t expires_at, int64_t *id);
    store_status (*token_lookup)(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                 int64_t now, store_token *out);
    store_status (*token_list)(store *st, int64_t user_id, store_token **list, size_t *n);
    store_status (*token_revoke)(store *st, int64_t id, int64_t owner, int64_t now);
    store_status (*vm_create)(store *st, store_vm *vm);
    store_status (*vm_get)(store *st, int64_t id, int64_t owner, store_vm *out);
    store_status (*vm_get_by_name)(store *st, int64_t owner, const char *name, store_vm *out);
    store_status (*vm_list)(store *st, int64_t owner, store_vm **list, size_t *n);
    store_status (*vm_update)(store *st, const store_vm *vm, int64_t owner);
    store_status (*vm_seed_built)(store *st, int64_t id, int64_t stale);
    store_status (*vm_set_runtime)(store *st, int64_t id, store_vm_state state, const char *ip,
                                   const char *uuid);
    store_status (*vm_set_ip)(store *st, int64_t id, const char *ip);
    store_status (*vm_delete)(store *st, int64_t id, int64_t owner);
    store_status (*dev_upsert)(store *st, const store_dev *d, int64_t *id);
    store_status (*dev_mark_all_absent)(store *st);
    store_status (*dev_get)(store *st, int64_t id, store_dev *out);
    store_status (*dev_list)(store *st, int64_t vm_id, store_dev **list, size_t *n);
    store_status (*dev_attach)(store *st, int64_t dev_id, int64_t vm_id, int64_t owner);
    store_status (*dev_detach)(store *st, int64_t dev_id, int64_t vm_id, int64_t owner);
    store_status (*thing_create)(store *st, store_thing *t, const unsigned char *psk_key,
                                 size_t psk_key_len);
    store_status (*thing_get)(store *st, int64_t id, int64_t owner, store_thing *out);
    store_status (*thing_get_by_endpoint)(store *st, const char *endpoint, store_thing *out);
    store_status (*thing_list)(store *st, int64_t owner, int64_t vm_id, store_thing **list,
                               size_t *n);
    store_status (*thing_update)(store *st, const store_thing *t, int64_t owner);
    store_status (*thing_set_psk)(store *st, int64_t id, int64_t owner, const char *identity,
                                  const unsigned char *key, size_t key_len);
    store_status (*thing_psk_key)(store *st, int64_t id, unsigned char **key, size_t *len);
    store_status (*thing_set_lwm2m)(store *st, const store_thing *t, int64_t owner,
                                    const unsigned char *key, size_t key_len,
                                    const unsigned char *server_key, size_t server_key_len);
    store_status (*thing_get_keys)(store *st, int64_t id, store_thing_keys *out);
    store_status (*thing_attach)(store *st, int64_t id, int64_t vm_id, int64_t owner);
    store_status (*thing_set_state)(store *st, int64_t id, store_thing_state state, int64_t at,
                                    const char *error);
    store_status (*thing_delete)(store *st, int64_t id, int64_t owner);
    store_status (*login_failure_get)(store *st, const char *key, int64_t *count, int64_t *last_at);
    store_status (*login_failure_record)(store *st, const char *key, int64_t now,
                                         int64_t reset_after, int64_t *count);
    store_status (*login_failure_clear)(store *st, const char *key);
    store_status (*login_failure_purge)(store *st, int64_t before, int64_t *removed);
} store_driver;

struct store {
    const store_driver *drv;
    void *priv;
    char err[512];
};

/* Sets the handle's error message (printf-style) and returns `status`, so
 * that drivers can write `return store_seterr(st, STORE_CONFLICT, ...)`. */
store_status store_seterr(store *st, store_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

extern const store_driver store_sqlite_driver;

#endif
