/* store.h -- EPFIOT's persistence layer: the model (users, sessions, API
 * tokens, quotas, VMs, host devices, things, login failures) kept in SQL.
 *
 * Callers never see SQL or know which database they talk to: every public
 * function dispatches through a driver table (store_driver.h), the way
 * libvirt's hypervisor drivers do. SQLite (sqlite.c) is the embedded default;
 * a PostgreSQL driver for several appliances sharing one database can be added
 * behind the same table.
 *
 * Conventions, which every function follows:
 *  - The result is a store_status. STORE_CONFLICT means a constraint said no
 *    (a duplicate name per owner, a device already assigned, a row still
 *    referenced); the detail, with context, is in store_errmsg(). Secrets
 *    (passwords, hashes, tokens, keys) never appear in error messages.
 *  - IDs are positive int64 and never reused, even after a delete: a stale ID
 *    (in a cached page, an old token, an orphan domain named after a VM ID)
 *    can never come to mean a different row.
 *  - Owner scoping: functions that take `owner` match only rows of that user;
 *    owner 0 means "any owner" and is for admins and the daemon itself. A row
 *    of another tenant answers STORE_NOT_FOUND, exactly like an unknown ID,
 *    so IDs cannot be probed across tenants.
 *  - Memory: records are filled in place in a caller-provided struct whose
 *    strings are malloc'ed; release them with the matching *_clear(). Lists
 *    are malloc'ed arrays released with the matching *_list_free(). Input
 *    strings are only borrowed for the duration of the call.
 *  - Running out of memory aborts the process, as elsewhere in EPFIOT;
 *    no function returns half a record.
 *  - Times are Unix seconds (int64). Functions whose result depends on the
 *    time (expiry) take `now` from the caller, which keeps them testable.
 *
 * A handle is not thread-safe; open one per thread (SQLite in WAL mode lets
 * them run concurrently, with a busy timeout for writers).
 */
#ifndef EPFIOT_STORE_H
#define EPFIOT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_CONFLICT,
    STORE_ERROR,
} store_status;

typedef struct store store;

/* Length of the stored digest of a session or API token (SHA-256). */
#define STORE_TOKEN_HASH_LEN 32

/* Schema version this build knows; store_open refuses newer databases. */
int store_schema_latest(void);

/* ---- IDs -------------------------------------------------------------- */

/* The API shows IDs as decimal strings. Parses one strictly: digits only
 * (no sign, space or prefix), no leading zero, 1 <= id <= INT64_MAX. A
 * negative or overflowing ID is an unknown ID, never a wrapped-around one. */
bool store_id_parse(const char *text, int64_t *id);
/* Writes the decimal form of id into buf (21 bytes suffice). */
void store_id_format(int64_t id, char buf[21]);

/* ---- Lifecycle ------------------------------------------------------ */

/* Opens (creating if needed) the database at `path` and applies pending
 * migrations, each in its own transaction. `path` is a file name for SQLite
 * (a "sqlite:" prefix is accepted). *out is set to a handle even on failure
 * (unless memory ran out, then NULL) so that store_errmsg() can say why; the
 * caller always store_close()s it. */
store_status store_open(const char *path, store **out);
void store_close(store *st);
/* Detail of the last failure on this handle; never NULL. */
const char *store_errmsg(const store *st);
store_status store_schema_version(store *st, int *version);

/* Explicit transactions, for multi-step operations of core/ that must be
 * all-or-nothing (e.g. quota check + VM row + device assignments). Store
 * functions that run several statements use savepoints, so they nest inside
 * these. store_tx_begin takes the write lock at once (waiting up to the busy
 * timeout), so two writers never deadlock on a lock upgrade. */
store_status store_tx_begin(store *st);
store_status store_tx_commit(store *st);
store_status store_tx_rollback(store *st);

/* ---- Users ---------------------------------------------------------- */

typedef enum store_role {
    STORE_ROLE_USER = 0,
    STORE_ROLE_ADMIN = 1,
} store_role;

typedef struct store_user {
    int64_t id;
    char *name;
    store_role role;
    int64_t created_at;
} store_user;

void store_user_clear(store_user *u);
void store_user_list_free(store_user *list, size_t n);
const char *store_role_name(store_role role);

/* `pwhash` is an encoded argon2id hash (auth_password_hash), never a
 * password. Names are unique (login is by name): CONFLICT otherwise. */
store_status store_user_create(store *st, const char *name, store_role role, const char *pwhash,
                               int64_t *id);
store_status store_user_get(store *st, int64_t id, store_user *out);
store_status store_user_get_by_name(store *st, const char *name, store_user *out);
/* For login only: the stored hash of `name` (malloc'ed) and the user's id. */
store_status store_user_pwhash(store *st, const char *name, int64_t *id, char **pwhash);
store_status store_user_list(store *st, store_user **list, size_t *n);
store_status store_user_count(store *st, int64_t *n);
store_status store_user_set_pwhash(store *st, int64_t id, const char *pwhash);
store_status store_user_set_role(store *st, int64_t id, store_role role);
/* Deletes the user with their sessions, tokens, quotas and things. CONFLICT
 * while they still own VMs: those have hypervisor objects that core/ must
 * destroy through the driver first. */
store_status store_user_delete(store *st, int64_t id);

/* ---- Quotas (set by admins) and usage --------------------------------- */

/* Each limit is >= 0, or -1 for unlimited (the default for a new user). */
typedef struct store_quota {
    int64_t max_vms;
    int64_t max_vcpus;
    int64_t max_memory_mib;
    int64_t max_devices;
} store_quota;

/* What a user currently holds, to compare against their quota. */
typedef struct store_usage {
    int64_t vms;
    int64_t vcpus;
    int64_t memory_mib;
    int64_t devices;
} store_usage;

store_status store_quota_get(store *st, int64_t user_id, store_quota *out);
store_status store_quota_set(store *st, int64_t user_id, const store_quota *q);
store_status store_usage_get(store *st, int64_t user_id, store_usage *out);

/* ---- Sessions (login cookies) ----------------------------------------- */

typedef struct store_session {
    int64_t id;
    int64_t user_id;
    int64_t created_at;
    int64_t expires_at;
} store_session;

store_status store_session_create(store *st, int64_t user_id,
                                  const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                  int64_t expires_at, int64_t *id);
/* NOT_FOUND for an unknown or expired session. */
store_status store_session_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                  int64_t now, store_session *out);
/* Logout: NOT_FOUND if there was no such session. */
store_status store_session_delete(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN]);
/* Ends every session of a user (password change, role change, deletion). */
store_status store_session_delete_user(store *st, int64_t user_id);
/* Removes expired sessions; *removed may be NULL. */
store_status store_session_purge(store *st, int64_t now, int64_t *removed);

/* ---- Named API tokens (Authorization: Bearer) ------------------------- */

typedef struct store_token {
    int64_t id;
    int64_t user_id;
    char *name;
    int64_t created_at;
    int64_t expires_at; /* 0: never */
    int64_t revoked_at; /* 0: not revoked */
} store_token;

void store_token_clear(store_token *t);
void store_token_list_free(store_token *list, size_t n);

/* Token names are unique per user: CONFLICT otherwise. */
store_status store_token_create(store *st, int64_t user_id, const char *name,
                                const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                int64_t expires_at, int64_t *id);
/* NOT_FOUND for an unknown, expired or revoked token. */
store_status store_token_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                int64_t now, store_token *out);
store_status store_token_list(store *st, int64_t user_id, store_token **list, size_t *n);
/* Revocation is kept (not a delete) so that the list shows it. NOT_FOUND if
 * the token is not `owner`'s or is already revoked. */
store_status store_token_revoke(store *st, int64_t id, int64_t owner, int64_t now);

/* ---- Virtual machines ------------------------------------------------- */

/* How core/ keeps the database and the hypervisor in step across crashes.
 * Every hypervisor object of a VM is named after its domain_name, which the
 * store derives from the never-reused ID ("epfiot-vm-<id>", volumes
 * "epfiot-vm-<id>-..."), so an object always says which row it belongs to.
 *  - Create: store_vm_create commits a CREATING row first; then volumes,
 *    seed and domain are made; then store_vm_set_runtime records the UUID
 *    and state. A crash leaves a CREATING row, possibly with some objects:
 *    the next start finishes or removes them and the row.
 *  - Delete: store_vm_delete first, then the domain and volumes. A crash
 *    leaves objects named after an ID that has no row: the start-up scan
 *    removes every "epfiot-vm-*" object without a row (store_vm_list with
 *    owner 0), and since IDs are never reused no new VM can adopt them.
 * So a row never points at nothing for longer than a start-up, and no
 * object outlives the next start. */

typedef enum store_vm_state {
    STORE_VM_CREATING = 0,
    STORE_VM_RUNNING,
    STORE_VM_POWEROFF,
    STORE_VM_PAUSED,
    STORE_VM_SHUTTING_DOWN,
    STORE_VM_CRASHED,
    STORE_VM_ERROR,
} store_vm_state;

const char *store_vm_state_name(store_vm_state s);
/* Returns false for an unknown name. */
bool store_vm_state_parse(const char *name, store_vm_state *out);

typedef struct store_vm {
    int64_t id;
    int64_t owner_id;
    char *name;
    char *base; /* base image name in the image pool */
    int64_t vcpu;
    int64_t memory_mib;
    char *ip; /* NULL until observed */
    store_vm_state state;
    char *uuid;        /* libvirt domain UUID, NULL until defined */
    char *domain_name; /* set by the store at creation: "epfiot-vm-<id>" */
    int64_t created_at;
    /* cloud-init options. The password is kept only as the crypt(3) hash
     * the guest needs (SHA-512 crypt / yescrypt, made by the driver); the
     * plaintext is never stored and cannot be read back. */
    char *cfg_user;
    char *cfg_password_hash;
    char *cfg_ssh_keys;  /* authorized_keys lines, public */
    char *cfg_hostname;  /* NULL: the VM name */
    char *cfg_packages;  /* Debian package names, one a line */
    char *cfg_user_data; /* the tenant's "#!" script or #cloud-config; never shown */
    bool uefi;           /* firmware: UEFI, else BIOS */
    /* Non-zero when the settings changed after the seed was built: counts
     * the changes; the next boot rebuilds the seed (store_vm_seed_built). */
    int64_t seed_stale;
} store_vm;

void store_vm_clear(store_vm *vm);
void store_vm_list_free(store_vm *list, size_t n);

/* Inserts a VM in state CREATING from owner_id, name, base, vcpu,
 * memory_mib and the cfg_* fields of `vm`; fills in id, domain_name, state
 * and created_at. The row exists before any hypervisor object, so that after
 * a crash the next start finds it and reconciles (see DESIGN.md). Names are
 * unique per owner: CONFLICT otherwise. */
store_status store_vm_create(store *st, store_vm *vm);
store_status store_vm_get(store *st, int64_t id, int64_t owner, store_vm *out);
/* Names are unique per owner only, so owner must not be 0 here. */
store_status store_vm_get_by_name(store *st, int64_t owner, const char *name, store_vm *out);
/* owner 0 lists every VM (admins, reconciliation at start). */
store_status store_vm_list(store *st, int64_t owner, store_vm **list, size_t *n);
/* Updates name, vcpu, memory_mib and the cfg_* fields of `vm->id` (scoped
 * by `owner`); a non-zero vm->seed_stale counts one more settings change. */
store_status store_vm_update(store *st, const store_vm *vm, int64_t owner);
/* The seed was rebuilt from the settings seen with seed_stale == stale:
 * clears the count unless another change came in meanwhile. */
store_status store_vm_seed_built(store *st, int64_t id, int64_t stale);
/* What the driver observed; ip and uuid may be NULL to leave them as is.
 * Only a VM that runs (RUNNING, PAUSED, SHUTTING_DOWN) has an address: any
 * other state clears it. */
store_status store_vm_set_runtime(store *st, int64_t id, store_vm_state state, const char *ip,
                                  const char *uuid);
/* The address of a VM that runs (NULL: unknown); NOT_FOUND, and nothing
 * written, when the row is in any other state by now. */
store_status store_vm_set_ip(store *st, int64_t id, const char *ip);
/* Deletes the row; its devices are released and its things detached. */
store_status store_vm_delete(store *st, int64_t id, int64_t owner);

/* ---- Host devices (USB accelerators) ---------------------------------- */

typedef struct store_dev {
    int64_t id;
    char *vendor_id;  /* "18d1" */
    char *product_id; /* "9302" */
    char *serial;     /* may be NULL */
    int64_t bus;
    int64_t device;
    char *port; /* USB port path, "1-2.3"; may be NULL */
    char *info;
    bool present;
    int64_t vm_id; /* 0: not assigned */
    /* Upsert input only: the device's identity when a profile names it
     * ("profile:coral-usb:port:1-2", see core/accel.c), so that it stays
     * the same row when its IDs change; NULL: vendor:product:serial|port. */
    char *hw_key;
} store_dev;

void store_dev_clear(store_dev *d);
void store_dev_list_free(store_dev *list, size_t n);

/* Records a device seen on the host and marks it present. A device is the
 * same one again if vendor, product and serial match, or, without a serial,
 * vendor, product and port: its id and VM assignment survive re-enumeration
 * (bus/device numbers change on every replug and are just updated). */
store_status store_dev_upsert(store *st, const store_dev *d, int64_t *id);
/* Marks every device absent; a host scan then upserts the ones it sees. */
store_status store_dev_mark_all_absent(store *st);
store_status store_dev_get(store *st, int64_t id, store_dev *out);
/* vm_id 0 lists every device (devices are visible to all users). */
store_status store_dev_list(store *st, int64_t vm_id, store_dev **list, size_t *n);
/* Assigns the device to a VM of `owner`. NOT_FOUND if the device or the VM
 * (within owner) does not exist; CONFLICT if the device is assigned already,
 * to this or any other VM: hand-over is detach then attach. */
store_status store_dev_attach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner);
/* NOT_FOUND unless the device is assigned to that VM of `owner`. */
store_status store_dev_detach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner);

/* ---- Things (LwM2M sensors) -------------------------------------------- */

typedef enum store_thing_state {
    STORE_THING_REGISTERED = 0,
    STORE_THING_BOOTSTRAPPING,
    STORE_THING_BOOTSTRAPPED,
    STORE_THING_FAILED,
} store_thing_state;

const char *store_thing_state_name(store_thing_state s);
bool store_thing_state_parse(const char *name, store_thing_state *out);

typedef struct store_thing {
    int64_t id;
    int64_t owner_id;
    char *name;
    char *info;
    int64_t vm_id; /* 0: not attached */
    store_thing_state state;
    int64_t last_bootstrap_at; /* 0: never */
    char *last_error;
    char *endpoint;     /* LwM2M endpoint name, unique on the appliance */
    char *psk_identity; /* NULL: no DTLS-PSK */
    bool has_psk_key;   /* the key itself is write-only, see below */
    int64_t created_at;
    /* Its account on the VM's LwM2M server: PSK when server_psk_identity
     * is set (the key is write-only like psk_key), else NoSec. */
    char *server_psk_identity;
    bool has_server_psk_key;
    int64_t short_server_id; /* 1..65534; 0 on input: 1 */
    int64_t lifetime;        /* seconds; 0 on input: 300 */
    char *binding;           /* NULL on input: "U" */
} store_thing;

/* Both PSK keys of a thing (NULL when unset), for the bootstrap index only. */
typedef struct store_thing_keys {
    unsigned char *key; /* bootstrap DTLS-PSK key */
    size_t key_len;
    unsigned char *server_key; /* key of its account on the VM's server */
    size_t server_key_len;
} store_thing_keys;

void store_thing_clear(store_thing *t);
void store_thing_list_free(store_thing *list, size_t n);

/* Inserts from owner_id, name, info, vm_id, endpoint and psk_identity of
 * `t` plus the PSK key (may be NULL); fills in id, state (REGISTERED) and
 * created_at. The key has to be kept as is, not hashed, because DTLS-PSK
 * needs it on both sides; it is readable only through store_thing_psk_key,
 * for the bootstrap server. CONFLICT for a duplicate name per owner or a
 * duplicate endpoint; NOT_FOUND if vm_id is not a VM of the same owner. */
store_status store_thing_create(store *st, store_thing *t, const unsigned char *psk_key,
                                size_t psk_key_len);
store_status store_thing_get(store *st, int64_t id, int64_t owner, store_thing *out);
store_status store_thing_get_by_endpoint(store *st, const char *endpoint, store_thing *out);
/* owner 0: all owners; vm_id 0: attached or not. */
store_status store_thing_list(store *st, int64_t owner, int64_t vm_id, store_thing **list,
                              size_t *n);
/* Updates name and info (scoped by owner). */
store_status store_thing_update(store *st, const store_thing *t, int64_t owner);
/* Sets (or with key NULL clears) the PSK identity and key. */
store_status store_thing_set_psk(store *st, int64_t id, int64_t owner, const char *identity,
                                 const unsigned char *key, size_t key_len);
/* The PSK key (malloc'ed, *len bytes) for the bootstrap server only. */
store_status store_thing_psk_key(store *st, int64_t id, unsigned char **key, size_t *len);
/* Sets endpoint, both PSK identities and keys (an identity is stored only
 * with its key), short_server_id, lifetime and binding of thing t->id.
 * CONFLICT for an endpoint in use. */
store_status store_thing_set_lwm2m(store *st, const store_thing *t, int64_t owner,
                                   const unsigned char *key, size_t key_len,
                                   const unsigned char *server_key, size_t server_key_len);
/* Both keys; clear with store_thing_keys_clear (wipes them). */
store_status store_thing_get_keys(store *st, int64_t id, store_thing_keys *out);
void store_thing_keys_clear(store_thing_keys *k);
/* Attaches to a VM of the thing's owner (vm_id 0 detaches). */
store_status store_thing_attach(store *st, int64_t id, int64_t vm_id, int64_t owner);
/* Bootstrap outcome from lwm2m/; error may be NULL. */
store_status store_thing_set_state(store *st, int64_t id, store_thing_state state, int64_t at,
                                   const char *error);
store_status store_thing_delete(store *st, int64_t id, int64_t owner);

/* ---- Login failures (throttling state, survives restarts) ------------- */

/* `key` names what is throttled, e.g. "user:alice" or "addr:192.0.2.7";
 * it is not a foreign key, so unknown account names are throttled too. */
store_status store_login_failure_get(store *st, const char *key, int64_t *count, int64_t *last_at);
/* Counts one more failure at `now`; a count whose last failure is older
 * than `reset_after` seconds starts again from 1. */
store_status store_login_failure_record(store *st, const char *key, int64_t now,
                                        int64_t reset_after, int64_t *count);
store_status store_login_failure_clear(store *st, const char *key);
/* Forgets failures last seen at or before `before`. Every failed login for
 * a made-up name adds a row, so the daemon purges periodically (with
 * before = now - reset_after) to keep the table bounded. */
store_status store_login_failure_purge(store *st, int64_t before, int64_t *removed);

#endif
