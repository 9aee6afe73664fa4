/* core.h -- EPFIOT's business rules, in one place.
 *
 * Everything the API may do goes through here: who the caller is (a
 * principal), what they may see and touch (users their own VMs and things,
 * admins everything; another tenant's ID behaves exactly like an unknown
 * one), quotas, the VM lifecycle as a state machine, device hand-over, and
 * keeping the database and the hypervisor in step (rollback of failed
 * multi-step operations, reconciliation at start, hypervisor events).
 *
 * core/ knows neither GraphQL nor HTTP: api/ turns its results into GraphQL
 * values and its errors (core_code + message) into field errors with
 * extensions.code. Messages never contain a secret.
 *
 * Threads: a `core` is shared. Store handles are not thread-safe, so each
 * thread gets its own (core_store()); the one driver handle is shared under
 * a mutex, because libvirt's test hypervisor gives every connection to a
 * custom host file its own private host, and serialising hypervisor calls
 * costs little next to what they do. A core_call is one caller on one thread.
 */
#ifndef EPFIOT_CORE_H
#define EPFIOT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "store.h"

typedef enum core_code {
    CORE_OK = 0,
    CORE_UNAUTHENTICATED,
    CORE_FORBIDDEN,
    CORE_NOT_FOUND,
    CORE_BAD_USER_INPUT,
    CORE_CONFLICT,
    CORE_QUOTA_EXCEEDED,
    CORE_INTERNAL,
} core_code;

/* "UNAUTHENTICATED", "NOT_FOUND", ...: the GraphQL extensions.code. */
const char *core_code_name(core_code c);

typedef struct core core;

typedef struct core_config {
    const char *database;
    const char *libvirt_uri;
    const char *image_pool;
    const char *vm_pool;
    const char *network;
    bool force_tcg;
    bool kvm_probe;               /* drv_options.kvm_probe */
    const char *kvm_probe_kernel; /* drv_options.kvm_probe_kernel */
    /* Direct kernel boot for every VM (guests whose disk has no boot
     * loader, like the test guests): names in the image pool; NULL: the
     * firmware boots the disk. */
    const char *kernel_image, *initrd_image, *kernel_args;
    int64_t session_ttl_s; /* 0: 12 hours */
    /* Bounds of a VM's size. */
    unsigned max_vcpus_per_vm;         /* 0: 64 */
    unsigned long long max_memory_mib; /* 0: 262144 */
    /* The driver table; NULL: lv_driver. Tests replay recorded host states
     * through a table that wraps lv_driver. */
    const drv_ops *driver;
    /* Logging sink (one line, no newline); NULL: silent. */
    void (*log)(int level, const char *msg, void *ud);
    void *log_ud;
} core_config;

enum { CORE_LOG_ERROR = 0, CORE_LOG_WARN, CORE_LOG_INFO, CORE_LOG_DEBUG };

/* Opens the store (migrations applied) and the driver (events on). NULL
 * with *err (malloc'ed) on failure. */
core *core_open(const core_config *cfg, char **err);
void core_close(core *c);
/* This thread's store handle (opened on first use; closed by core_close). */
store *core_store(core *c);

/* First start: creates admin "admin" on an empty database, with `password`
 * or a generated one returned in *generated (auth_secret_free it). */
core_code core_first_admin(core *c, const char *password, char **generated, bool *created,
                           char *msg, size_t msglen);

/* At start: the network and storage pools of the configuration exist
 * (inactive ones are started, logged). NOT_FOUND names the missing ones in
 * msg (`epfiotd setup-host` creates them). */
core_code core_check_host(core *c, char *msg, size_t msglen);
/* At start: logs how VMs will run (KVM, TCG, the test hypervisor) and, as a
 * warning, why not KVM. On a host that claims KVM this runs the probe
 * guest (drv_options.kvm_probe), so the choice is made now. */
void core_log_host(core *c);

/* Brings the database and the hypervisor in step: CREATING rows finished
 * or removed, domains and volumes without a row removed, states refreshed,
 * USB devices rescanned. Run at start (and after a reconnection). */
core_code core_reconcile(core *c, char *msg, size_t msglen);
/* The same while requests run (after a reconnection or USB changes):
 * CREATING rows are left to the createVm that owns them. */
core_code core_resync(core *c, char *msg, size_t msglen);

/* True (once) when hypervisor events asked for a reconcile: the connection
 * came back, or USB devices came or went. The daemon polls this and runs
 * core_reconcile from its own thread (never on the event thread, which must
 * not block). */
bool core_resync_wanted(core *c);

/* Refreshes the stored addresses of running VMs (address.c): those without
 * one, or with `all` every running VM (an address may change). The daemon
 * calls it from its main loop; reads (core_vm_ip) never ask the hypervisor. */
void core_refresh_addresses(core *c, bool all);

/* Counts for /metrics: VMs per store_vm_state, things per state. */
void core_counts(core *c, int64_t vms[7], int64_t things[4]);

/* ---- One caller ---------------------------------------------------------- */

typedef struct core_call {
    core *c;
    store *st;
    int64_t uid; /* 0: anonymous */
    store_role role;
    char err[256];
} core_call;

void core_call_init(core_call *k, core *c);
/* Sets the principal from a session token or a bearer token (API token or
 * session token). UNAUTHENTICATED for invalid or expired credentials. */
core_code core_authenticate(core_call *k, const char *session, const char *bearer);
/* Sets a principal directly (tests, the daemon itself). */
core_code core_become(core_call *k, int64_t uid);

/* ---- Accounts ------------------------------------------------------------ */

core_code core_login(core_call *k, const char *name, const char *password, const char *addr,
                     char token[44], int64_t *expires_at, int64_t *retry_after);
/* Ends the session of `token`; *ended false when it was no session. */
core_code core_logout(core_call *k, const char *token, bool *ended);
core_code core_user_get(core_call *k, int64_t id, store_user *out);
core_code core_user_list(core_call *k, store_user **list, size_t *n);
core_code core_user_create(core_call *k, const char *name, const char *password, store_role role,
                           store_user *out);
core_code core_user_delete(core_call *k, int64_t id);
core_code core_password_set(core_call *k, int64_t id, const char *old_pw, const char *new_pw);
core_code core_quota_get(core_call *k, int64_t id, store_quota *out);
core_code core_quota_set(core_call *k, int64_t id, const store_quota *q);
core_code core_usage_get(core_call *k, int64_t id, store_usage *out);
core_code core_token_create(core_call *k, const char *name, int64_t expires_in, char secret[44],
                            store_token *out);
core_code core_token_list(core_call *k, store_token **list, size_t *n);
core_code core_token_revoke(core_call *k, int64_t id);

/* ---- VMs ----------------------------------------------------------------- */

typedef struct core_vm_input {
    int64_t id; /* updateVm */
    const char *name;
    const char *base;
    int64_t vcpu, memory_mib;
    const int64_t *dev_ids;
    size_t ndev;
    const int64_t *thing_ids;
    size_t nthing;
    const char *cfg_user;
    const char *cfg_password;
    /* ConfigInput beyond user + password (checked by core_vm_config_check). */
    const char *const *ssh_keys;
    size_t nssh_keys;
    const char *hostname; /* NULL: the VM name, sanitised (core_hostname_of) */
    const char *const *packages;
    size_t npackages;
    const char *user_data; /* "#!..." or "#cloud-config..."; may hold a NUL: */
    size_t user_data_len;  /* ...its length as given */
    bool uefi;             /* VmInput.firmware UEFI (createVm) */
    /* updateVm changes only what the caller gave (a config field given as
     * null clears it): */
    bool vcpu_given, memory_given, firmware_given, config_given;
    bool user_given, password_given, ssh_keys_given, hostname_given, packages_given,
        user_data_given;
} core_vm_input;

core_code core_vm_get(core_call *k, int64_t id, store_vm *out);
/* owner 0: the caller's (admins: all); else that user's (admin or self). */
core_code core_vm_list(core_call *k, int64_t owner, store_vm **list, size_t *n);
core_code core_vm_create(core_call *k, const core_vm_input *in, store_vm *out);
core_code core_vm_update(core_call *k, const core_vm_input *in, store_vm *out);
core_code core_vm_power_on(core_call *k, int64_t id, store_vm *out);
core_code core_vm_power_off(core_call *k, int64_t id, store_vm *out);
/* RUNNING -> PAUSED and back; CONFLICT from any other state. */
core_code core_vm_pause(core_call *k, int64_t id, store_vm *out);
core_code core_vm_resume(core_call *k, int64_t id, store_vm *out);
core_code core_vm_force_off(core_call *k, int64_t id);
/* force false: a running VM is an error (power off or force). */
core_code core_vm_destroy(core_call *k, int64_t id, bool force);
/* Admin: VM vm_id of user user_id. */
core_code core_vm_delete(core_call *k, int64_t user_id, int64_t vm_id);
/* Which of vcpu/memory are stored but not in effect (running VM only). */
void core_vm_pending(core_call *k, const store_vm *vm, bool *vcpu, bool *memory);
/* The VM's IP as stored (NULL if unknown or not running); malloc'ed. It is
 * refreshed by core_refresh_addresses, never looked up by a read. */
char *core_vm_ip(core_call *k, const store_vm *vm);

/* ---- Devices and things ------------------------------------------------- */

core_code core_dev_get(core_call *k, int64_t id, store_dev *out);
/* Rescans the host first when rescan is true. vm_id 0: all. */
core_code core_dev_list(core_call *k, int64_t vm_id, bool rescan, store_dev **list, size_t *n);
core_code core_dev_attach(core_call *k, int64_t dev_id, int64_t vm_id);
core_code core_dev_detach(core_call *k, int64_t dev_id, int64_t vm_id);

core_code core_thing_get(core_call *k, int64_t id, store_thing *out);
/* owner 0: the caller's (admins: all); vm_id 0: any. */
core_code core_thing_list(core_call *k, int64_t owner, int64_t vm_id, store_thing **list,
                          size_t *n);
/* server: a VM of the caller by ID or name (or vm_id when server is NULL). */
core_code core_thing_create(core_call *k, const char *name, const char *info, const char *server,
                            int64_t vm_id, store_thing *out);
core_code core_thing_attach(core_call *k, int64_t thing_id, int64_t vm_id);

/* A thing's LwM2M settings (createThing, updateThing). NULL / 0 / -1 mean
 * "not given": the default on create, unchanged on update. Keys are hex
 * strings (1..64 bytes), write-only: never returned, never logged. */
typedef struct core_thing_lwm2m {
    const char *endpoint;     /* default on create: the thing's name */
    int security;             /* -1 not given, 0 NOSEC, 1 PSK (bootstrap credentials) */
    const char *psk_identity; /* PSK: required */
    const char *psk_key;
    int server_security; /* its account on the VM's server: -1, 0 NOSEC, 1 PSK */
    const char *server_psk_identity;
    const char *server_psk_key;
    int64_t short_server_id; /* 0: not given; 1..65534 */
    int64_t lifetime;        /* 0: not given; 1..2^31-1 seconds */
    const char *binding;     /* NULL: not given; U, UQ, S, SQ, US, UQS, T, N... */
} core_thing_lwm2m;

void core_thing_lwm2m_init(core_thing_lwm2m *l);
/* Like core_thing_create, with LwM2M settings (l may be NULL). */
core_code core_thing_create2(core_call *k, const char *name, const char *info, const char *server,
                             int64_t vm_id, const core_thing_lwm2m *l, store_thing *out);
/* Changes name/info (NULL: unchanged), the VM (server: ID or name of a VM of
 * the thing's owner; "" detaches; NULL unchanged) and LwM2M settings. */
core_code core_thing_update(core_call *k, int64_t id, const char *name, const char *info,
                            const char *server, const core_thing_lwm2m *l, store_thing *out);
core_code core_thing_delete(core_call *k, int64_t id);

/* ---- The LwM2M bootstrap server (things.c) ------------------------------- */

typedef struct core_lwm2m_config {
    const char *listen; /* NULL: 0.0.0.0 */
    int coap_port;      /* NoSec; 0 any free port; -1 off */
    int coaps_port;     /* DTLS-PSK; 0 any free port; -1 off */
    unsigned request_timeout_ms, ack_timeout_ms, max_retransmit; /* 0: defaults */
    /* How often the addresses of running VMs with things are asked from the
     * hypervisor (a new lease reaches the next bootstrap); 0: 10 s. */
    unsigned address_refresh_ms;
} core_lwm2m_config;

/* Loads the index of things and starts the server thread and the writer
 * that records bootstrap outcomes. Both ports -1: index and writer only. */
core_code core_lwm2m_start(core *c, const core_lwm2m_config *cfg, char *msg, size_t msglen);
/* The bound port, -1 when off. */
int core_lwm2m_port(core *c, bool dtls);
/* Stops the server and the writer (core_close does it too). */
void core_lwm2m_stop(core *c);
/* Things in the bootstrap index, and how often it was loaded whole (tests:
 * once per core_lwm2m_start, never per change). */
size_t core_things_indexed(core *c);
unsigned core_things_loads(core *c);

/* ---- Host ---------------------------------------------------------------- */

core_code core_images(core_call *k, drv_image **list, size_t *n);

/* Admin only (images.c): a new base image `name` from a file of the
 * daemon's host (absolute path), or streamed in by the caller: begin with
 * the exact length, send the bytes in order, finish (or abort, which also
 * frees). A failed send must still be aborted. Whatever fails, no volume
 * is left behind. qcow2 (without backing file) and raw only. */
typedef struct core_upload core_upload;
core_code core_image_import(core_call *k, const char *name, const char *path, drv_image *out);
core_code core_image_upload_begin(core_call *k, const char *name, uint64_t length,
                                  core_upload **up);
core_code core_image_upload_send(core_call *k, core_upload *up, const void *data, size_t len);
core_code core_image_upload_finish(core_call *k, core_upload *up, drv_image *out);
void core_image_upload_abort(core_upload *up);
/* Admin only: CONFLICT while a VM is made from it. */
core_code core_image_delete(core_call *k, const char *name);
core_code core_host(core_call *k, drv_host_info *out);

/* The rules on names, exposed for tests: VM, thing and user names. */
bool core_name_valid(const char *name);

/* ---- VM settings (vmconfig.c) -------------------------------------------- */

#define CORE_SSH_KEYS_MAX 32
#define CORE_SSH_KEY_MAX 8192
#define CORE_PACKAGES_MAX 64
#define CORE_USER_DATA_MAX (16 * 1024)

/* One authorized_keys line: known type, base64 blob naming the same type,
 * optional comment, no control characters. */
bool core_ssh_key_valid(const char *key);
/* An RFC 1123 label: 1-63 of A-Z a-z 0-9 -, no - at either end. */
bool core_hostname_valid(const char *h);
/* The default hostname of a VM: its name with . and _ turned into -. */
void core_hostname_of(const char *vm_name, char out[64]);
/* A Debian package name (Policy 5.6.1). */
bool core_package_valid(const char *p);
/* Why a user-data is refused (a static message), NULL when it is fine. */
const char *core_user_data_problem(const char *text, size_t len);
/* Every ConfigInput field beyond user/password; BAD_USER_INPUT naming it. */
core_code core_vm_config_check(core_call *k, const core_vm_input *in);
/* Lists kept one item a line in the store: join (NULL for none, malloc'ed)
 * and split (array of n strings, NULL for none; core_lines_free it). */
char *core_lines_join(const char *const *items, size_t n);
char **core_lines_split(const char *text, size_t *n);
void core_lines_free(char **lines);

#endif
