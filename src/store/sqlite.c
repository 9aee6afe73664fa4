/* sqlite.c -- the SQLite store driver: the embedded default, one file.
 *
 * The database is opened in WAL mode (readers never block the writer, and a
 * crash never leaves a half-written page), with foreign keys on (SQLite's
 * default is off, which would silently turn every REFERENCES below into a
 * comment), a busy timeout (so that two handles wait for each other instead
 * of failing) and synchronous=FULL: the appliance is a small box that may
 * lose power, and "restarting loses nothing" must hold then too; the cost is
 * one fsync per commit at a write rate of a few per second.
 *
 * Every statement is a constant string prepared once per handle and cached;
 * values are bound, never pasted, so no user string ever becomes SQL. The
 * schema is built by numbered migrations, each applied in its own
 * transaction at open; a database whose version is newer than this build is
 * refused rather than half-understood. The schema enforces what it can:
 * unique names per owner, one VM per device (a single nullable column),
 * states from a fixed list, and these delete rules:
 *
 *  - users -> sessions, api_tokens, quotas, things: CASCADE. They mean
 *    nothing without the user and have nothing outside the database.
 *  - users -> vms: RESTRICT. A VM row stands for a domain and volumes on the
 *    hypervisor; deleting it behind the driver's back would orphan them, so
 *    core/ has to destroy a user's VMs before the user.
 *  - vms -> devices.vm_id, things.vm_id: SET NULL. Deleting a VM releases
 *    its devices and detaches its things; both outlive it.
 *
 * IDs use AUTOINCREMENT so that a deleted row's ID is never handed out
 * again (domain names and volumes are derived from VM IDs, and a reused ID
 * could adopt an orphan). SQL stays portable where cheap (ON CONFLICT
 * upserts, CHECK lists, no SQLite-only functions in queries) so that the
 * PostgreSQL driver can share most of it.
 */
#include "sqlite_int.h"
#include "store_driver.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- Schema ------------------------------------------------------------ */

#define VM_STATES "'CREATING','RUNNING','POWEROFF','PAUSED','SHUTTING_DOWN','CRASHED','ERROR'"
#define THING_STATES "'REGISTERED','BOOTSTRAPPING','BOOTSTRAPPED','FAILED'"

/* migrations[i] brings the schema from version i to i + 1. Never edit a
 * released migration; append a new one and bump STORE_SCHEMA_LATEST. */
static const char *const migrations[] = {
    /* 1: the initial model. */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),"
    "  role TEXT NOT NULL CHECK (role IN ('admin','user')),"
    "  pwhash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    /* "Alice" and "alice" would be two accounts that look like one. */
    "CREATE UNIQUE INDEX users_name_ci ON users (lower(name));"
    "CREATE TABLE quotas ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  max_vms INTEGER NOT NULL CHECK (max_vms >= -1),"
    "  max_vcpus INTEGER NOT NULL CHECK (max_vcpus >= -1),"
    "  max_memory_mib INTEGER NOT NULL CHECK (max_memory_mib >= -1),"
    "  max_devices INTEGER NOT NULL CHECK (max_devices >= -1));"
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expiry ON sessions(expires_at);"
    "CREATE TABLE api_tokens ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
    "  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL DEFAULT 0,"
    "  revoked_at INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (user_id, name));"
    "CREATE TABLE vms ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
    "  base TEXT NOT NULL CHECK (length(base) >= 1),"
    "  vcpu INTEGER NOT NULL CHECK (vcpu >= 1),"
    "  memory_mib INTEGER NOT NULL CHECK (memory_mib >= 1),"
    "  ip TEXT,"
    "  state TEXT NOT NULL CHECK (state IN (" VM_STATES ")),"
    "  uuid TEXT UNIQUE,"
    "  domain_name TEXT UNIQUE,"
    "  created_at INTEGER NOT NULL,"
    "  cfg_user TEXT,"
    "  cfg_password_hash TEXT,"
    "  cfg_ssh_keys TEXT,"
    "  UNIQUE (owner_id, name));"
    "CREATE TABLE devices ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  hw_key TEXT NOT NULL UNIQUE,"
    "  vendor_id TEXT NOT NULL,"
    "  product_id TEXT NOT NULL,"
    "  serial TEXT,"
    "  bus INTEGER NOT NULL DEFAULT 0,"
    "  device INTEGER NOT NULL DEFAULT 0,"
    "  port TEXT,"
    "  info TEXT NOT NULL DEFAULT '',"
    "  present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),"
    "  vm_id INTEGER REFERENCES vms(id) ON DELETE SET NULL);"
    "CREATE INDEX devices_vm ON devices(vm_id);"
    "CREATE TABLE things ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),"
    "  info TEXT NOT NULL DEFAULT '',"
    "  vm_id INTEGER REFERENCES vms(id) ON DELETE SET NULL,"
    "  state TEXT NOT NULL CHECK (state IN (" THING_STATES ")),"
    "  last_bootstrap_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  endpoint TEXT UNIQUE,"
    "  psk_identity TEXT,"
    "  psk_key BLOB,"
    "  created_at INTEGER NOT NULL,"
    "  UNIQUE (owner_id, name));"
    "CREATE INDEX things_vm ON things(vm_id);"
    "CREATE TABLE login_failures ("
    "  key TEXT PRIMARY KEY,"
    "  count INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL);",
    /* 2: cloud-init settings beyond user + password, the firmware, and
     * whether the seed predates the settings (rebuilt at the next boot). */
    "ALTER TABLE vms ADD COLUMN cfg_hostname TEXT;"
    "ALTER TABLE vms ADD COLUMN cfg_packages TEXT;"
    "ALTER TABLE vms ADD COLUMN cfg_user_data TEXT;"
    "ALTER TABLE vms ADD COLUMN firmware TEXT NOT NULL DEFAULT 'BIOS' "
    "  CHECK (firmware IN ('BIOS','UEFI'));"
    "ALTER TABLE vms ADD COLUMN seed_stale INTEGER NOT NULL DEFAULT 0;",
    /* 3: accelerators as a shared resource (store/accel.c, core/accel.c). */
    "CREATE TABLE accel_profiles ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),"
    "  ids TEXT NOT NULL CHECK (length(ids) >= 9),"
    "  info TEXT NOT NULL DEFAULT '',"
    "  builtin INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO accel_profiles (name, ids, info, builtin) VALUES ('coral-usb', "
    "  '1a6e:089a,18d1:9302', 'Google Coral USB Accelerator (Edge TPU)', 1);"
    "CREATE TABLE accel_leases ("
    "  dev_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,"
    "  vm_id INTEGER NOT NULL," /* no FK: a deleted VM's lease is ended by core */
    "  user_id INTEGER NOT NULL,"
    "  since INTEGER NOT NULL,"
    "  lease_end INTEGER NOT NULL DEFAULT 0,"
    "  was_running INTEGER NOT NULL DEFAULT 0,"
    "  absent_since INTEGER NOT NULL DEFAULT 0,"
    "  att_vendor INTEGER NOT NULL DEFAULT 0,"
    "  att_product INTEGER NOT NULL DEFAULT 0,"
    "  att_bus INTEGER NOT NULL DEFAULT 0,"
    "  att_device INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE accel_waits ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  dev_id INTEGER REFERENCES devices(id) ON DELETE CASCADE,"
    "  profile_id INTEGER REFERENCES accel_profiles(id) ON DELETE CASCADE,"
    "  vm_id INTEGER NOT NULL REFERENCES vms(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  lease_seconds INTEGER NOT NULL DEFAULT 0,"
    "  enqueued_at INTEGER NOT NULL,"
    "  CHECK ((dev_id IS NULL) <> (profile_id IS NULL)));"
    "CREATE TABLE accel_reservations ("
    "  dev_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE);"
    "CREATE TABLE accel_quotas ("
    "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
    "  max_held INTEGER NOT NULL DEFAULT -1 CHECK (max_held >= -1),"
    "  hours_per_day INTEGER NOT NULL DEFAULT -1 CHECK (hours_per_day >= -1));"
    "CREATE TABLE accel_days ("
    "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  day INTEGER NOT NULL,"
    "  seconds INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (user_id, day));"
    "CREATE TABLE accel_events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  dev_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
    "  at INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  vm_id INTEGER NOT NULL DEFAULT 0,"
    "  user_id INTEGER NOT NULL DEFAULT 0,"
    "  detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX accel_events_dev ON accel_events(dev_id, id);"
    "CREATE TABLE accel_stats ("
    "  dev_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
    "  stat INTEGER NOT NULL,"
    "  value INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (dev_id, stat));"
    "CREATE TABLE accel_held ("
    "  dev_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
    "  user_id INTEGER NOT NULL,"
    "  seconds INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (dev_id, user_id));",
    /* 4: the account a thing gets on its VM's LwM2M server (issue 5). Its
     * bootstrap credentials are psk_identity/psk_key above; these are the
     * credentials towards the VM's server (PSK when server_psk_identity is
     * set, else NoSec), the short server ID, lifetime and binding. */
    "ALTER TABLE things ADD COLUMN server_psk_identity TEXT;"
    "ALTER TABLE things ADD COLUMN server_psk_key BLOB;"
    "ALTER TABLE things ADD COLUMN short_server_id INTEGER NOT NULL DEFAULT 1"
    "  CHECK (short_server_id BETWEEN 1 AND 65534);"
    "ALTER TABLE things ADD COLUMN lifetime INTEGER NOT NULL DEFAULT 300 CHECK (lifetime >= 1);"
    "ALTER TABLE things ADD COLUMN binding TEXT NOT NULL DEFAULT 'U';"
    "CREATE UNIQUE INDEX things_psk_identity ON things(psk_identity);",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* ---- Statements ---------------------------------------------------------- */

#define USER_COLS "id, name, role, created_at"
#define TOKEN_COLS "id, user_id, name, created_at, expires_at, revoked_at"
#define VM_COLS                                                                                    \
    "id, owner_id, name, base, vcpu, memory_mib, ip, state, uuid, domain_name, created_at, "       \
    "cfg_user, cfg_password_hash, cfg_ssh_keys, cfg_hostname, cfg_packages, cfg_user_data, "       \
    "firmware, seed_stale"
#define DEV_COLS "id, vendor_id, product_id, serial, bus, device, port, info, present, vm_id"
#define THING_COLS                                                                                 \
    "id, owner_id, name, info, vm_id, state, last_bootstrap_at, last_error, endpoint, "            \
    "psk_identity, psk_key IS NOT NULL, created_at, server_psk_identity, "                         \
    "server_psk_key IS NOT NULL, short_server_id, lifetime, binding"
/* ?N = 0 means "any owner" (see store.h). */
#define OWNED(n) " AND (?" #n " = 0 OR owner_id = ?" #n ")"

#define QUERIES(X)                                                                                 \
    X(Q_VERSION, "SELECT coalesce(max(version), 0) FROM schema_migrations")                        \
    X(Q_VERSION_ADD, "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)")        \
    X(Q_USER_INSERT, "INSERT INTO users (name, role, pwhash, created_at) VALUES (?1, ?2, ?3, ?4)") \
    X(Q_USER_GET, "SELECT " USER_COLS " FROM users WHERE id = ?1")                                 \
    X(Q_USER_BY_NAME, "SELECT " USER_COLS " FROM users WHERE name = ?1")                           \
    X(Q_USER_PWHASH, "SELECT id, pwhash FROM users WHERE name = ?1")                               \
    X(Q_USER_LIST, "SELECT " USER_COLS " FROM users ORDER BY id")                                  \
    X(Q_USER_COUNT, "SELECT count(*) FROM users")                                                  \
    X(Q_USER_SET_PWHASH, "UPDATE users SET pwhash = ?2 WHERE id = ?1")                             \
    X(Q_USER_SET_ROLE, "UPDATE users SET role = ?2 WHERE id = ?1")                                 \
    X(Q_USER_DELETE, "DELETE FROM users WHERE id = ?1")                                            \
    X(Q_QUOTA_GET,                                                                                 \
      "SELECT max_vms, max_vcpus, max_memory_mib, max_devices FROM quotas WHERE user_id = ?1")     \
    X(Q_QUOTA_SET,                                                                                 \
      "INSERT INTO quotas (user_id, max_vms, max_vcpus, max_memory_mib, max_devices) "             \
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET "                           \
      "max_vms = excluded.max_vms, max_vcpus = excluded.max_vcpus, "                               \
      "max_memory_mib = excluded.max_memory_mib, max_devices = excluded.max_devices")              \
    X(Q_USAGE,                                                                                     \
      "SELECT (SELECT count(*) FROM vms WHERE owner_id = ?1), "                                    \
      "(SELECT coalesce(sum(vcpu), 0) FROM vms WHERE owner_id = ?1), "                             \
      "(SELECT coalesce(sum(memory_mib), 0) FROM vms WHERE owner_id = ?1), "                       \
      "(SELECT count(*) FROM devices d JOIN vms v ON v.id = d.vm_id WHERE v.owner_id = ?1)")       \
    X(Q_SESSION_INSERT, "INSERT INTO sessions (user_id, token_hash, created_at, expires_at) "      \
                        "VALUES (?1, ?2, ?3, ?4)")                                                 \
    X(Q_SESSION_LOOKUP, "SELECT id, user_id, created_at, expires_at FROM sessions "                \
                        "WHERE token_hash = ?1 AND expires_at > ?2")                               \
    X(Q_SESSION_DELETE, "DELETE FROM sessions WHERE token_hash = ?1")                              \
    X(Q_SESSION_DELETE_USER, "DELETE FROM sessions WHERE user_id = ?1")                            \
    X(Q_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1")                              \
    X(Q_TOKEN_INSERT,                                                                              \
      "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) "                \
      "VALUES (?1, ?2, ?3, ?4, ?5)")                                                               \
    X(Q_TOKEN_LOOKUP,                                                                              \
      "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = ?1 AND revoked_at = 0 "            \
      "AND (expires_at = 0 OR expires_at > ?2)")                                                   \
    X(Q_TOKEN_LIST, "SELECT " TOKEN_COLS " FROM api_tokens WHERE user_id = ?1 ORDER BY id")        \
    X(Q_TOKEN_REVOKE, "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?1 AND revoked_at = 0 "    \
                      "AND (?2 = 0 OR user_id = ?2)")                                              \
    X(Q_VM_INSERT,                                                                                 \
      "INSERT INTO vms (owner_id, name, base, vcpu, memory_mib, state, created_at, cfg_user, "     \
      "cfg_password_hash, cfg_ssh_keys, cfg_hostname, cfg_packages, cfg_user_data, firmware) "     \
      "VALUES (?1, ?2, ?3, ?4, ?5, 'CREATING', ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")               \
    X(Q_VM_SET_DOMAIN, "UPDATE vms SET domain_name = ?2 WHERE id = ?1")                            \
    X(Q_VM_GET, "SELECT " VM_COLS " FROM vms WHERE id = ?1" OWNED(2))                              \
    X(Q_VM_BY_NAME, "SELECT " VM_COLS " FROM vms WHERE name = ?1" OWNED(2))                        \
    X(Q_VM_LIST, "SELECT " VM_COLS " FROM vms WHERE 1 = 1" OWNED(1) " ORDER BY id")                \
    X(Q_VM_UPDATE,                                                                                 \
      "UPDATE vms SET name = ?3, vcpu = ?4, memory_mib = ?5, cfg_user = ?6, "                      \
      "cfg_password_hash = ?7, cfg_ssh_keys = ?8, cfg_hostname = ?9, cfg_packages = ?10, "         \
      "cfg_user_data = ?11, seed_stale = seed_stale + ?12 WHERE id = ?1" OWNED(2))                 \
    /* Only when no update came in meanwhile (the count is what was built). */                     \
    X(Q_VM_SEED_BUILT, "UPDATE vms SET seed_stale = 0 WHERE id = ?1 AND seed_stale = ?2")          \
    X(Q_VM_SET_RUNTIME,                                                                            \
      "UPDATE vms SET state = ?2, uuid = coalesce(?4, uuid), "                                     \
      "ip = CASE WHEN ?2 IN ('RUNNING', 'PAUSED', 'SHUTTING_DOWN') THEN coalesce(?3, ip) END "     \
      "WHERE id = ?1")                                                                             \
    X(Q_VM_SET_IP,                                                                                 \
      "UPDATE vms SET ip = ?2 WHERE id = ?1 AND state IN ('RUNNING', 'PAUSED', 'SHUTTING_DOWN')")  \
    X(Q_VM_DELETE, "DELETE FROM vms WHERE id = ?1" OWNED(2))                                       \
    X(Q_DEV_UPSERT,                                                                                \
      "INSERT INTO devices (hw_key, vendor_id, product_id, serial, bus, device, port, info, "      \
      "present) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) ON CONFLICT (hw_key) DO UPDATE SET "    \
      "bus = excluded.bus, device = excluded.device, port = excluded.port, "                       \
      "info = excluded.info, vendor_id = excluded.vendor_id, product_id = excluded.product_id, "   \
      "present = 1")                                                                               \
    X(Q_DEV_ID_BY_KEY, "SELECT id FROM devices WHERE hw_key = ?1")                                 \
    X(Q_DEV_ABSENT, "UPDATE devices SET present = 0")                                              \
    X(Q_DEV_GET, "SELECT " DEV_COLS " FROM devices WHERE id = ?1")                                 \
    X(Q_DEV_LIST, "SELECT " DEV_COLS " FROM devices WHERE (?1 = 0 OR vm_id = ?1) ORDER BY id")     \
    /* One statement: no other writer can slip in between the checks. */                           \
    X(Q_DEV_ATTACH, "UPDATE devices SET vm_id = ?2 WHERE id = ?1 AND vm_id IS NULL AND EXISTS "    \
                    "(SELECT 1 FROM vms WHERE id = ?2" OWNED(3) ")")                               \
    X(Q_DEV_DETACH, "UPDATE devices SET vm_id = NULL WHERE id = ?1 AND vm_id = ?2 AND EXISTS "     \
                    "(SELECT 1 FROM vms WHERE id = ?2" OWNED(3) ")")                               \
    X(Q_DEV_EXISTS, "SELECT vm_id IS NOT NULL FROM devices WHERE id = ?1")                         \
    X(Q_VM_EXISTS, "SELECT 1 FROM vms WHERE id = ?1" OWNED(2))                                     \
    X(Q_THING_INSERT,                                                                              \
      "INSERT INTO things (owner_id, name, info, vm_id, state, endpoint, psk_identity, psk_key, "  \
      "created_at) SELECT ?1, ?2, ?3, ?4, 'REGISTERED', ?5, ?6, ?7, ?8 "                           \
      "WHERE ?4 IS NULL OR EXISTS (SELECT 1 FROM vms WHERE id = ?4 AND owner_id = ?1)")            \
    X(Q_THING_GET, "SELECT " THING_COLS " FROM things WHERE id = ?1" OWNED(2))                     \
    X(Q_THING_BY_EP, "SELECT " THING_COLS " FROM things WHERE endpoint = ?1")                      \
    X(Q_THING_LIST,                                                                                \
      "SELECT " THING_COLS " FROM things WHERE (?2 = 0 OR vm_id = ?2)" OWNED(1) " ORDER BY id")    \
    X(Q_THING_UPDATE, "UPDATE things SET name = ?3, info = ?4 WHERE id = ?1" OWNED(2))             \
    X(Q_THING_SET_PSK, "UPDATE things SET psk_identity = ?3, psk_key = ?4 WHERE id = ?1" OWNED(2)) \
    X(Q_THING_PSK_KEY, "SELECT psk_key FROM things WHERE id = ?1 AND psk_key IS NOT NULL")         \
    X(Q_THING_KEYS, "SELECT psk_key, server_psk_key FROM things WHERE id = ?1")                    \
    X(Q_THING_SET_LWM2M,                                                                           \
      "UPDATE things SET endpoint = ?3, psk_identity = ?4, psk_key = ?5, "                         \
      "server_psk_identity = ?6, server_psk_key = ?7, short_server_id = ?8, lifetime = ?9, "       \
      "binding = ?10 WHERE id = ?1" OWNED(2))                                                      \
    /* The VM must belong to the thing's own owner, whoever the caller is. */                      \
    X(Q_THING_ATTACH,                                                                              \
      "UPDATE things SET vm_id = ?3 WHERE id = ?1 AND EXISTS (SELECT 1 FROM vms v "                \
      "WHERE v.id = ?3 AND v.owner_id = things.owner_id)" OWNED(2))                                \
    X(Q_THING_DETACH, "UPDATE things SET vm_id = NULL WHERE id = ?1" OWNED(2))                     \
    X(Q_THING_SET_STATE,                                                                           \
      "UPDATE things SET state = ?2, last_bootstrap_at = CASE WHEN ?3 < 0 THEN "                   \
      "last_bootstrap_at ELSE ?3 END, last_error = ?4 WHERE id = ?1")                              \
    X(Q_THING_DELETE, "DELETE FROM things WHERE id = ?1" OWNED(2))                                 \
    X(Q_THING_EXISTS, "SELECT 1 FROM things WHERE id = ?1" OWNED(2))                               \
    X(Q_LF_GET, "SELECT count, last_at FROM login_failures WHERE key = ?1")                        \
    X(Q_LF_RECORD,                                                                                 \
      "INSERT INTO login_failures (key, count, last_at) VALUES (?1, 1, ?2) "                       \
      "ON CONFLICT (key) DO UPDATE SET count = CASE WHEN login_failures.last_at <= ?2 - ?3 "       \
      "THEN 1 ELSE login_failures.count + 1 END, last_at = excluded.last_at")                      \
    X(Q_LF_CLEAR, "DELETE FROM login_failures WHERE key = ?1")                                     \
    X(Q_LF_PURGE, "DELETE FROM login_failures WHERE last_at <= ?1")

#define AS_ENUM(id, sql) id,
#define AS_SQL(id, sql) sql,
enum { QUERIES(AS_ENUM) Q_COUNT };
static const char *const query_sql[] = {QUERIES(AS_SQL)};

typedef struct sq {
    sqlite3 *db;
    sqlite3_stmt *stmt[Q_COUNT];
} sq;

static sqlite3 *db_of(store *st)
{
    return ((sq *)st->priv)->db;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("epfiot: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* Reports a failed SQLite call with what we were doing; constraint
 * failures become STORE_CONFLICT. SQLite's messages name tables and
 * columns, never bound values, so no secret can leak through them. */
static store_status sq_fail(store *st, int rc, const char *what)
{
    store_status status = (rc & 0xff) == SQLITE_CONSTRAINT ? STORE_CONFLICT : STORE_ERROR;
    return store_seterr(st, status, "%s: %s", what, sqlite3_errmsg(db_of(st)));
}

/* Returns the cached statement `q`, reset and with its bindings cleared;
 * NULL (with the error set) if it cannot be prepared. */
static sqlite3_stmt *sq_stmt(store *st, int q)
{
    sq *d = st->priv;
    if (d->stmt[q]) {
        sqlite3_reset(d->stmt[q]);
        sqlite3_clear_bindings(d->stmt[q]);
        return d->stmt[q];
    }
    int rc =
        sqlite3_prepare_v3(d->db, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &d->stmt[q], NULL);
    if (rc != SQLITE_OK) {
        sq_fail(st, rc, "cannot prepare statement");
        return NULL;
    }
    return d->stmt[q];
}

static char *strdup_or_die(const char *v)
{
    size_t n = strlen(v) + 1;
    return memcpy(xmalloc(n), v, n);
}

sqlite3 *store_sqlite_db(store *st)
{
    if (st->drv != &store_sqlite_driver) {
        store_seterr(st, STORE_ERROR, "not a SQLite store");
        return NULL;
    }
    return db_of(st);
}

store_status store_sqlite_fail(store *st, int rc, const char *what)
{
    return sq_fail(st, rc, what);
}

/* ---- Binding and reading ---------------------------------------------- */

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* 0 stands for "none" in the API (IDs start at 1, times after 1970). */
static void bind_id_or_null(sqlite3_stmt *s, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void bind_hash(sqlite3_stmt *s, int i, const unsigned char *h)
{
    sqlite3_bind_blob(s, i, h, STORE_TOKEN_HASH_LEN, SQLITE_TRANSIENT);
}

static char *col_text(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return NULL;
    const unsigned char *t = sqlite3_column_text(s, i);
    size_t n = (size_t)sqlite3_column_bytes(s, i);
    char *r = xmalloc(n + 1);
    memcpy(r, t, n);
    r[n] = '\0';
    return r;
}

char *store_sqlite_col_text(sqlite3_stmt *s, int i)
{
    return col_text(s, i);
}

static int64_t col_i64(sqlite3_stmt *s, int i)
{
    return sqlite3_column_int64(s, i);
}

static void read_user(sqlite3_stmt *s, store_user *u)
{
    u->id = col_i64(s, 0);
    u->name = col_text(s, 1);
    u->role = strcmp((const char *)sqlite3_column_text(s, 2), "admin") == 0 ? STORE_ROLE_ADMIN
                                                                            : STORE_ROLE_USER;
    u->created_at = col_i64(s, 3);
}

static void read_token(sqlite3_stmt *s, store_token *t)
{
    t->id = col_i64(s, 0);
    t->user_id = col_i64(s, 1);
    t->name = col_text(s, 2);
    t->created_at = col_i64(s, 3);
    t->expires_at = col_i64(s, 4);
    t->revoked_at = col_i64(s, 5);
}

static void read_vm(sqlite3_stmt *s, store_vm *vm)
{
    vm->id = col_i64(s, 0);
    vm->owner_id = col_i64(s, 1);
    vm->name = col_text(s, 2);
    vm->base = col_text(s, 3);
    vm->vcpu = col_i64(s, 4);
    vm->memory_mib = col_i64(s, 5);
    vm->ip = col_text(s, 6);
    store_vm_state_parse((const char *)sqlite3_column_text(s, 7), &vm->state);
    vm->uuid = col_text(s, 8);
    vm->domain_name = col_text(s, 9);
    vm->created_at = col_i64(s, 10);
    vm->cfg_user = col_text(s, 11);
    vm->cfg_password_hash = col_text(s, 12);
    vm->cfg_ssh_keys = col_text(s, 13);
    vm->cfg_hostname = col_text(s, 14);
    vm->cfg_packages = col_text(s, 15);
    vm->cfg_user_data = col_text(s, 16);
    const char *fw = (const char *)sqlite3_column_text(s, 17);
    vm->uefi = fw && strcmp(fw, "UEFI") == 0;
    vm->seed_stale = col_i64(s, 18);
}

static void read_dev(sqlite3_stmt *s, store_dev *d)
{
    d->id = col_i64(s, 0);
    d->vendor_id = col_text(s, 1);
    d->product_id = col_text(s, 2);
    d->serial = col_text(s, 3);
    d->bus = col_i64(s, 4);
    d->device = col_i64(s, 5);
    d->port = col_text(s, 6);
    d->info = col_text(s, 7);
    d->present = col_i64(s, 8) != 0;
    d->vm_id = col_i64(s, 9);
}

static void read_thing(sqlite3_stmt *s, store_thing *t)
{
    t->id = col_i64(s, 0);
    t->owner_id = col_i64(s, 1);
    t->name = col_text(s, 2);
    t->info = col_text(s, 3);
    t->vm_id = col_i64(s, 4);
    store_thing_state_parse((const char *)sqlite3_column_text(s, 5), &t->state);
    t->last_bootstrap_at = col_i64(s, 6);
    t->last_error = col_text(s, 7);
    t->endpoint = col_text(s, 8);
    t->psk_identity = col_text(s, 9);
    t->has_psk_key = col_i64(s, 10) != 0;
    t->created_at = col_i64(s, 11);
    t->server_psk_identity = col_text(s, 12);
    t->has_server_psk_key = col_i64(s, 13) != 0;
    t->short_server_id = col_i64(s, 14);
    t->lifetime = col_i64(s, 15);
    t->binding = col_text(s, 16);
}

/* ---- Running statements ------------------------------------------------ */

/* Runs a statement that returns no rows. *changes (may be NULL) gets the
 * number of rows it touched. */
static store_status run(store *st, sqlite3_stmt *s, const char *what, int64_t *changes)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return sq_fail(st, rc, what);
    if (changes)
        *changes = sqlite3_changes64(db_of(st));
    return STORE_OK;
}

/* Like run(), but a statement that touched no row is NOT_FOUND. */
static store_status run_one(store *st, sqlite3_stmt *s, const char *what)
{
    int64_t n = 0;
    store_status r = run(st, s, what, &n);
    if (r == STORE_OK && n == 0)
        return store_seterr(st, STORE_NOT_FOUND, "%s: no such row", what);
    return r;
}

/* Steps to the first row: STORE_OK with a row to read, NOT_FOUND without.
 * The caller reads the row and then resets the statement. */
static store_status row(store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return STORE_OK;
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return store_seterr(st, STORE_NOT_FOUND, "%s: not found", what);
    return sq_fail(st, rc, what);
}

/* Reads every row of `s` into a malloc'ed array of `size`-byte records. */
store_status store_sqlite_rows(store *st, sqlite3_stmt *s, const char *what,
                               store_sqlite_row_reader read, size_t size, void **list, size_t *n)
{
    size_t cap = 0, len = 0;
    char *arr = NULL;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (len == cap) {
            cap = cap ? cap * 2 : 8;
            char *p = realloc(arr, cap * size);
            if (!p) {
                fputs("epfiot: out of memory\n", stderr);
                abort();
            }
            arr = p;
        }
        memset(arr + len * size, 0, size);
        read(s, arr + len * size);
        len++;
    }
    sqlite3_reset(s);
    *list = arr;
    *n = len;
    if (rc != SQLITE_DONE)
        return sq_fail(st, rc, what);
    return STORE_OK;
}

/* Plain SQL without parameters: pragmas, transaction control, migrations. */
static store_status exec(store *st, const char *sql, const char *what)
{
    int rc = sqlite3_exec(db_of(st), sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sq_fail(st, rc, what);
    return STORE_OK;
}

/* Multi-statement operations run inside a savepoint: atomic on their own,
 * and nested (as a unit) inside a caller's store_tx_begin. */
static store_status sp_begin(store *st)
{
    return exec(st, "SAVEPOINT store_op", "cannot start a savepoint");
}

static store_status sp_end(store *st, store_status r)
{
    if (r == STORE_OK) {
        r = exec(st, "RELEASE store_op", "cannot commit");
        if (r == STORE_OK)
            return r;
    }
    /* Keep the first error message; the rollback's own is secondary. */
    sqlite3_exec(db_of(st), "ROLLBACK TO store_op; RELEASE store_op", NULL, NULL, NULL);
    return r;
}

#define PREP(var, q)                                                                               \
    sqlite3_stmt *var = sq_stmt(st, q);                                                            \
    if (!var)                                                                                      \
    return STORE_ERROR

/* ---- Open, close, migrations -------------------------------------------- */

static store_status read_version(store *st, int *version)
{
    PREP(s, Q_VERSION);
    store_status r = row(st, s, "cannot read the schema version");
    if (r != STORE_OK)
        return r;
    *version = (int)col_i64(s, 0);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status record_version(store *st, int version)
{
    PREP(s, Q_VERSION_ADD);
    sqlite3_bind_int(s, 1, version);
    sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
    return run(st, s, "cannot record the schema version", NULL);
}

/* One step of the migration loop, inside a write transaction: reads the
 * version under the lock (so two processes starting together cannot both
 * apply a migration) and applies the next migration if there is one.
 * *done says the schema is current. */
static store_status migrate_step(store *st, bool *done)
{
    int v = 0;
    store_status r = exec(st,
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                          "cannot create the migrations table");
    if (r == STORE_OK)
        r = read_version(st, &v);
    if (r != STORE_OK)
        return r;
    if (v > store_schema_latest())
        return store_seterr(st, STORE_ERROR,
                            "database schema version %d is newer than this build knows (%d); "
                            "refusing to open it",
                            v, store_schema_latest());
    *done = v == store_schema_latest();
    if (*done)
        return STORE_OK;
    r = exec(st, migrations[v], "migration failed");
    if (r == STORE_OK)
        r = record_version(st, v + 1);
    if (r != STORE_OK)
        store_seterr(st, r, "migration to schema version %d failed: %s", v + 1,
                     sqlite3_errmsg(db_of(st)));
    return r;
}

static store_status migrate(store *st)
{
    if (N_MIGRATIONS != store_schema_latest())
        return store_seterr(st, STORE_ERROR, "sqlite driver has %d migrations, schema wants %d",
                            N_MIGRATIONS, store_schema_latest());
    for (bool done = false; !done;) {
        store_status r = exec(st, "BEGIN IMMEDIATE", "cannot start a migration");
        if (r == STORE_OK)
            r = migrate_step(st, &done);
        if (r != STORE_OK) {
            sqlite3_exec(db_of(st), "ROLLBACK", NULL, NULL, NULL);
            return r;
        }
        r = exec(st, "COMMIT", "cannot commit a migration");
        if (r != STORE_OK)
            return r;
    }
    return STORE_OK;
}

/* The file holds password hashes and the things' PSK keys: create it
 * readable by the daemon only. SQLite gives its -wal and -shm files the
 * mode of the database file, so they follow. An existing file keeps the
 * mode its owner chose. */
static store_status create_private(store *st, const char *path)
{
    if (strcmp(path, ":memory:") == 0)
        return STORE_OK;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return store_seterr(st, STORE_ERROR, "cannot open database %s: %m", path);
    close(fd);
    return STORE_OK;
}

static store_status sq_open(store *st, const char *path)
{
    sq *d = calloc(1, sizeof *d);
    if (!d)
        return store_seterr(st, STORE_ERROR, "out of memory");
    st->priv = d;
    if (create_private(st, path) != STORE_OK)
        return STORE_ERROR;
    int rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return store_seterr(st, STORE_ERROR, "cannot open database %s: %s", path,
                            d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc));
    sqlite3_extended_result_codes(d->db, 1);
    sqlite3_busy_timeout(d->db, 5000);
    store_status r = exec(st,
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                          "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF",
                          "cannot configure the database");
    if (r == STORE_OK)
        r = migrate(st);
    return r;
}

static void sq_close(store *st)
{
    sq *d = st->priv;
    if (!d)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(d->stmt[i]);
    sqlite3_close(d->db);
    free(d);
    st->priv = NULL;
}

static store_status sq_schema_version(store *st, int *version)
{
    *version = 0;
    return read_version(st, version);
}

/* BEGIN IMMEDIATE takes the write lock now: a deferred transaction that
 * reads first and writes later can fail with SQLITE_BUSY on the upgrade no
 * matter how long the busy timeout is. */
static store_status sq_tx_begin(store *st)
{
    return exec(st, "BEGIN IMMEDIATE", "cannot begin a transaction");
}

static store_status sq_tx_commit(store *st)
{
    return exec(st, "COMMIT", "cannot commit");
}

static store_status sq_tx_rollback(store *st)
{
    return exec(st, "ROLLBACK", "cannot roll back");
}

/* ---- Users -------------------------------------------------------------- */

static store_status sq_user_create(store *st, const char *name, store_role role, const char *pwhash,
                                   int64_t *id)
{
    *id = 0;
    PREP(s, Q_USER_INSERT);
    bind_text(s, 1, name);
    bind_text(s, 2, store_role_name(role));
    bind_text(s, 3, pwhash);
    sqlite3_bind_int64(s, 4, (int64_t)time(NULL));
    store_status r = run(st, s, "cannot create user", NULL);
    if (r == STORE_OK)
        *id = sqlite3_last_insert_rowid(db_of(st));
    return r;
}

static store_status user_get_one(store *st, sqlite3_stmt *s, store_user *out)
{
    store_status r = row(st, s, "user");
    if (r == STORE_OK) {
        read_user(s, out);
        sqlite3_reset(s);
    }
    return r;
}

static store_status sq_user_get(store *st, int64_t id, store_user *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_USER_GET);
    sqlite3_bind_int64(s, 1, id);
    return user_get_one(st, s, out);
}

static store_status sq_user_get_by_name(store *st, const char *name, store_user *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_USER_BY_NAME);
    bind_text(s, 1, name);
    return user_get_one(st, s, out);
}

static store_status sq_user_pwhash(store *st, const char *name, int64_t *id, char **pwhash)
{
    *id = 0;
    *pwhash = NULL;
    PREP(s, Q_USER_PWHASH);
    bind_text(s, 1, name);
    store_status r = row(st, s, "user");
    if (r != STORE_OK)
        return r;
    *id = col_i64(s, 0);
    *pwhash = col_text(s, 1);
    sqlite3_reset(s);
    return STORE_OK;
}

static void read_user_v(sqlite3_stmt *s, void *out)
{
    read_user(s, out);
}

static store_status sq_user_list(store *st, store_user **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    PREP(s, Q_USER_LIST);
    return store_sqlite_rows(st, s, "cannot list users", read_user_v, sizeof **list, (void **)list,
                             n);
}

static store_status sq_user_count(store *st, int64_t *n)
{
    *n = 0;
    PREP(s, Q_USER_COUNT);
    store_status r = row(st, s, "cannot count users");
    if (r != STORE_OK)
        return r;
    *n = col_i64(s, 0);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_user_set_pwhash(store *st, int64_t id, const char *pwhash)
{
    PREP(s, Q_USER_SET_PWHASH);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, pwhash);
    return run_one(st, s, "cannot set password");
}

static store_status sq_user_set_role(store *st, int64_t id, store_role role)
{
    PREP(s, Q_USER_SET_ROLE);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, store_role_name(role));
    return run_one(st, s, "cannot set role");
}

static store_status sq_user_delete(store *st, int64_t id)
{
    PREP(s, Q_USER_DELETE);
    sqlite3_bind_int64(s, 1, id);
    store_status r = run_one(st, s, "cannot delete user");
    if (r == STORE_CONFLICT)
        store_seterr(st, r, "cannot delete user %lld: they still own VMs", (long long)id);
    return r;
}

/* ---- Quotas and usage ------------------------------------------------- */

static store_status user_exists(store *st, int64_t id)
{
    store_user u;
    store_status r = sq_user_get(st, id, &u);
    store_user_clear(&u);
    return r;
}

static store_status sq_quota_get(store *st, int64_t user_id, store_quota *out)
{
    *out = (store_quota){-1, -1, -1, -1};
    store_status r = user_exists(st, user_id);
    if (r != STORE_OK)
        return r;
    PREP(s, Q_QUOTA_GET);
    sqlite3_bind_int64(s, 1, user_id);
    r = row(st, s, "quota");
    if (r == STORE_NOT_FOUND) /* never set: unlimited */
        return STORE_OK;
    if (r != STORE_OK)
        return r;
    *out = (store_quota){col_i64(s, 0), col_i64(s, 1), col_i64(s, 2), col_i64(s, 3)};
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_quota_set(store *st, int64_t user_id, const store_quota *q)
{
    PREP(s, Q_QUOTA_SET);
    sqlite3_bind_int64(s, 1, user_id);
    sqlite3_bind_int64(s, 2, q->max_vms);
    sqlite3_bind_int64(s, 3, q->max_vcpus);
    sqlite3_bind_int64(s, 4, q->max_memory_mib);
    sqlite3_bind_int64(s, 5, q->max_devices);
    store_status r = run(st, s, "cannot set quota", NULL);
    /* The only foreign key here is the user: say so plainly. */
    if (r == STORE_CONFLICT && user_exists(st, user_id) == STORE_NOT_FOUND)
        return store_seterr(st, STORE_NOT_FOUND, "cannot set quota: no user %lld",
                            (long long)user_id);
    return r;
}

static store_status sq_usage_get(store *st, int64_t user_id, store_usage *out)
{
    memset(out, 0, sizeof *out);
    store_status r = user_exists(st, user_id);
    if (r != STORE_OK)
        return r;
    PREP(s, Q_USAGE);
    sqlite3_bind_int64(s, 1, user_id);
    r = row(st, s, "cannot compute usage");
    if (r != STORE_OK)
        return r;
    *out = (store_usage){col_i64(s, 0), col_i64(s, 1), col_i64(s, 2), col_i64(s, 3)};
    sqlite3_reset(s);
    return STORE_OK;
}

/* ---- Sessions ------------------------------------------------------------ */

static store_status sq_session_create(store *st, int64_t user_id,
                                      const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                      int64_t expires_at, int64_t *id)
{
    *id = 0;
    PREP(s, Q_SESSION_INSERT);
    sqlite3_bind_int64(s, 1, user_id);
    bind_hash(s, 2, hash);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, expires_at);
    store_status r = run(st, s, "cannot create session", NULL);
    if (r == STORE_OK)
        *id = sqlite3_last_insert_rowid(db_of(st));
    return r;
}

static store_status sq_session_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                      int64_t now, store_session *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_SESSION_LOOKUP);
    bind_hash(s, 1, hash);
    sqlite3_bind_int64(s, 2, now);
    store_status r = row(st, s, "session");
    if (r != STORE_OK)
        return r;
    *out = (store_session){col_i64(s, 0), col_i64(s, 1), col_i64(s, 2), col_i64(s, 3)};
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_session_delete(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN])
{
    PREP(s, Q_SESSION_DELETE);
    bind_hash(s, 1, hash);
    return run_one(st, s, "cannot end session");
}

static store_status sq_session_delete_user(store *st, int64_t user_id)
{
    PREP(s, Q_SESSION_DELETE_USER);
    sqlite3_bind_int64(s, 1, user_id);
    return run(st, s, "cannot end sessions", NULL);
}

static store_status sq_session_purge(store *st, int64_t now, int64_t *removed)
{
    int64_t n = 0;
    PREP(s, Q_SESSION_PURGE);
    sqlite3_bind_int64(s, 1, now);
    store_status r = run(st, s, "cannot purge sessions", &n);
    if (removed)
        *removed = n;
    return r;
}

/* ---- API tokens -------------------------------------------------------------- */

static store_status sq_token_create(store *st, int64_t user_id, const char *name,
                                    const unsigned char hash[STORE_TOKEN_HASH_LEN], int64_t now,
                                    int64_t expires_at, int64_t *id)
{
    *id = 0;
    PREP(s, Q_TOKEN_INSERT);
    sqlite3_bind_int64(s, 1, user_id);
    bind_text(s, 2, name);
    bind_hash(s, 3, hash);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, expires_at);
    store_status r = run(st, s, "cannot create API token", NULL);
    if (r == STORE_OK)
        *id = sqlite3_last_insert_rowid(db_of(st));
    return r;
}

static store_status sq_token_lookup(store *st, const unsigned char hash[STORE_TOKEN_HASH_LEN],
                                    int64_t now, store_token *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_TOKEN_LOOKUP);
    bind_hash(s, 1, hash);
    sqlite3_bind_int64(s, 2, now);
    store_status r = row(st, s, "API token");
    if (r != STORE_OK)
        return r;
    read_token(s, out);
    sqlite3_reset(s);
    return STORE_OK;
}

static void read_token_v(sqlite3_stmt *s, void *out)
{
    read_token(s, out);
}

static store_status sq_token_list(store *st, int64_t user_id, store_token **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    PREP(s, Q_TOKEN_LIST);
    sqlite3_bind_int64(s, 1, user_id);
    return store_sqlite_rows(st, s, "cannot list API tokens", read_token_v, sizeof **list,
                             (void **)list, n);
}

static store_status sq_token_revoke(store *st, int64_t id, int64_t owner, int64_t now)
{
    PREP(s, Q_TOKEN_REVOKE);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    sqlite3_bind_int64(s, 3, now);
    return run_one(st, s, "cannot revoke API token");
}

/* ---- VMs ------------------------------------------------------------------ */

static store_status vm_insert(store *st, store_vm *vm)
{
    PREP(s, Q_VM_INSERT);
    sqlite3_bind_int64(s, 1, vm->owner_id);
    bind_text(s, 2, vm->name);
    bind_text(s, 3, vm->base);
    sqlite3_bind_int64(s, 4, vm->vcpu);
    sqlite3_bind_int64(s, 5, vm->memory_mib);
    sqlite3_bind_int64(s, 6, vm->created_at);
    bind_text(s, 7, vm->cfg_user);
    bind_text(s, 8, vm->cfg_password_hash);
    bind_text(s, 9, vm->cfg_ssh_keys);
    bind_text(s, 10, vm->cfg_hostname);
    bind_text(s, 11, vm->cfg_packages);
    bind_text(s, 12, vm->cfg_user_data);
    bind_text(s, 13, vm->uefi ? "UEFI" : "BIOS");
    store_status r = run(st, s, "cannot create VM", NULL);
    if (r == STORE_OK)
        vm->id = sqlite3_last_insert_rowid(db_of(st));
    return r;
}

/* The domain name is derived from the never-reused ID, not from the
 * tenant's VM name: libvirt names are global on the host, tenants' names
 * are not, and no user string should reach the hypervisor as an identifier.
 * Row and name are written in one savepoint, so no VM is ever nameless. */
static store_status sq_vm_create(store *st, store_vm *vm)
{
    char dom[64];
    vm->id = 0;
    vm->created_at = (int64_t)time(NULL);
    store_status r = sp_begin(st);
    if (r != STORE_OK)
        return r;
    r = vm_insert(st, vm);
    if (r == STORE_OK) {
        snprintf(dom, sizeof dom, "epfiot-vm-%lld", (long long)vm->id);
        sqlite3_stmt *s = sq_stmt(st, Q_VM_SET_DOMAIN);
        if (!s)
            r = STORE_ERROR;
        if (s) {
            sqlite3_bind_int64(s, 1, vm->id);
            bind_text(s, 2, dom);
            r = run(st, s, "cannot name VM domain", NULL);
        }
    }
    r = sp_end(st, r);
    if (r != STORE_OK) {
        vm->id = 0;
        return r;
    }
    free(vm->domain_name);
    vm->domain_name = strcpy(xmalloc(strlen(dom) + 1), dom);
    vm->state = STORE_VM_CREATING;
    return STORE_OK;
}

static store_status vm_get_one(store *st, sqlite3_stmt *s, store_vm *out)
{
    store_status r = row(st, s, "VM");
    if (r == STORE_OK) {
        read_vm(s, out);
        sqlite3_reset(s);
    }
    return r;
}

static store_status sq_vm_get(store *st, int64_t id, int64_t owner, store_vm *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_VM_GET);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    return vm_get_one(st, s, out);
}

static store_status sq_vm_get_by_name(store *st, int64_t owner, const char *name, store_vm *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_VM_BY_NAME);
    bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, owner);
    return vm_get_one(st, s, out);
}

static void read_vm_v(sqlite3_stmt *s, void *out)
{
    read_vm(s, out);
}

static store_status sq_vm_list(store *st, int64_t owner, store_vm **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    PREP(s, Q_VM_LIST);
    sqlite3_bind_int64(s, 1, owner);
    return store_sqlite_rows(st, s, "cannot list VMs", read_vm_v, sizeof **list, (void **)list, n);
}

static store_status sq_vm_update(store *st, const store_vm *vm, int64_t owner)
{
    PREP(s, Q_VM_UPDATE);
    sqlite3_bind_int64(s, 1, vm->id);
    sqlite3_bind_int64(s, 2, owner);
    bind_text(s, 3, vm->name);
    sqlite3_bind_int64(s, 4, vm->vcpu);
    sqlite3_bind_int64(s, 5, vm->memory_mib);
    bind_text(s, 6, vm->cfg_user);
    bind_text(s, 7, vm->cfg_password_hash);
    bind_text(s, 8, vm->cfg_ssh_keys);
    bind_text(s, 9, vm->cfg_hostname);
    bind_text(s, 10, vm->cfg_packages);
    bind_text(s, 11, vm->cfg_user_data);
    sqlite3_bind_int64(s, 12, vm->seed_stale ? 1 : 0);
    return run_one(st, s, "cannot update VM");
}

static store_status sq_vm_seed_built(store *st, int64_t id, int64_t stale)
{
    PREP(s, Q_VM_SEED_BUILT);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, stale);
    store_status r = run(st, s, "cannot record the VM's seed", NULL);
    return r;
}

static store_status sq_vm_set_runtime(store *st, int64_t id, store_vm_state state, const char *ip,
                                      const char *uuid)
{
    PREP(s, Q_VM_SET_RUNTIME);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, store_vm_state_name(state));
    bind_text(s, 3, ip);
    bind_text(s, 4, uuid);
    return run_one(st, s, "cannot record VM state");
}

static store_status sq_vm_set_ip(store *st, int64_t id, const char *ip)
{
    PREP(s, Q_VM_SET_IP);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, ip);
    return run_one(st, s, "cannot record VM address");
}

static store_status sq_vm_delete(store *st, int64_t id, int64_t owner)
{
    PREP(s, Q_VM_DELETE);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    return run_one(st, s, "cannot delete VM");
}

/* ---- Devices ---------------------------------------------------------------- */

/* The identity of a USB device across replugs and reboots (see store.h). */
static char *dev_key(const store_dev *d)
{
    if (d->hw_key && *d->hw_key)
        return strdup_or_die(d->hw_key);
    const char *kind = d->serial && *d->serial ? "serial" : d->port && *d->port ? "port" : "bus";
    const char *val = d->serial && *d->serial ? d->serial : d->port && *d->port ? d->port : NULL;
    char busdev[48];
    if (!val) {
        snprintf(busdev, sizeof busdev, "%lld.%lld", (long long)d->bus, (long long)d->device);
        val = busdev;
    }
    const char *vid = d->vendor_id ? d->vendor_id : "", *pid = d->product_id ? d->product_id : "";
    size_t n = strlen(vid) + strlen(pid) + strlen(kind) + strlen(val) + 4;
    char *key = xmalloc(n);
    snprintf(key, n, "%s:%s:%s:%s", vid, pid, kind, val);
    return key;
}

static store_status dev_id_by_key(store *st, const char *key, int64_t *id)
{
    PREP(s, Q_DEV_ID_BY_KEY);
    bind_text(s, 1, key);
    store_status r = row(st, s, "device");
    if (r != STORE_OK)
        return r;
    *id = col_i64(s, 0);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_dev_upsert(store *st, const store_dev *d, int64_t *id)
{
    *id = 0;
    char *key = dev_key(d);
    store_status r = sp_begin(st);
    if (r == STORE_OK) {
        sqlite3_stmt *s = sq_stmt(st, Q_DEV_UPSERT);
        r = s ? STORE_OK : STORE_ERROR;
        if (s) {
            bind_text(s, 1, key);
            bind_text(s, 2, d->vendor_id);
            bind_text(s, 3, d->product_id);
            bind_text(s, 4, d->serial);
            sqlite3_bind_int64(s, 5, d->bus);
            sqlite3_bind_int64(s, 6, d->device);
            bind_text(s, 7, d->port);
            bind_text(s, 8, d->info ? d->info : "");
            r = run(st, s, "cannot record device", NULL);
        }
        /* last_insert_rowid is not set by the update branch of an upsert. */
        if (r == STORE_OK)
            r = dev_id_by_key(st, key, id);
        r = sp_end(st, r);
    }
    free(key);
    return r;
}

static store_status sq_dev_mark_all_absent(store *st)
{
    PREP(s, Q_DEV_ABSENT);
    return run(st, s, "cannot mark devices absent", NULL);
}

static store_status sq_dev_get(store *st, int64_t id, store_dev *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_DEV_GET);
    sqlite3_bind_int64(s, 1, id);
    store_status r = row(st, s, "device");
    if (r == STORE_OK) {
        read_dev(s, out);
        sqlite3_reset(s);
    }
    return r;
}

static void read_dev_v(sqlite3_stmt *s, void *out)
{
    read_dev(s, out);
}

static store_status sq_dev_list(store *st, int64_t vm_id, store_dev **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    PREP(s, Q_DEV_LIST);
    sqlite3_bind_int64(s, 1, vm_id);
    return store_sqlite_rows(st, s, "cannot list devices", read_dev_v, sizeof **list, (void **)list,
                             n);
}

/* After an attach or detach that changed nothing, says why: a missing
 * device or VM (NOT_FOUND) or a device that is taken (CONFLICT). */
static store_status dev_why(store *st, int64_t dev_id, int64_t vm_id, int64_t owner, bool attach)
{
    PREP(v, Q_VM_EXISTS);
    sqlite3_bind_int64(v, 1, vm_id);
    sqlite3_bind_int64(v, 2, owner);
    store_status r = row(st, v, "VM");
    sqlite3_reset(v);
    if (r != STORE_OK)
        return store_seterr(st, r, "no VM %lld", (long long)vm_id);
    PREP(d, Q_DEV_EXISTS);
    sqlite3_bind_int64(d, 1, dev_id);
    r = row(st, d, "device");
    if (r != STORE_OK)
        return store_seterr(st, r, "no device %lld", (long long)dev_id);
    bool taken = col_i64(d, 0) != 0;
    sqlite3_reset(d);
    if (attach && taken)
        return store_seterr(st, STORE_CONFLICT, "device %lld is already attached to a VM",
                            (long long)dev_id);
    return store_seterr(st, STORE_NOT_FOUND, "device %lld is not attached to VM %lld",
                        (long long)dev_id, (long long)vm_id);
}

static store_status sq_dev_attach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner)
{
    int64_t n = 0;
    PREP(s, Q_DEV_ATTACH);
    sqlite3_bind_int64(s, 1, dev_id);
    sqlite3_bind_int64(s, 2, vm_id);
    sqlite3_bind_int64(s, 3, owner);
    store_status r = run(st, s, "cannot attach device", &n);
    if (r == STORE_OK && n == 0)
        return dev_why(st, dev_id, vm_id, owner, true);
    return r;
}

static store_status sq_dev_detach(store *st, int64_t dev_id, int64_t vm_id, int64_t owner)
{
    int64_t n = 0;
    PREP(s, Q_DEV_DETACH);
    sqlite3_bind_int64(s, 1, dev_id);
    sqlite3_bind_int64(s, 2, vm_id);
    sqlite3_bind_int64(s, 3, owner);
    store_status r = run(st, s, "cannot detach device", &n);
    if (r == STORE_OK && n == 0)
        return dev_why(st, dev_id, vm_id, owner, false);
    return r;
}

/* ---- Things ------------------------------------------------------------------ */

static void bind_key(sqlite3_stmt *s, int i, const unsigned char *key, size_t len)
{
    if (key)
        sqlite3_bind_blob64(s, i, key, len, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static store_status sq_thing_create(store *st, store_thing *t, const unsigned char *psk_key,
                                    size_t psk_key_len)
{
    int64_t n = 0;
    t->id = 0;
    t->created_at = (int64_t)time(NULL);
    PREP(s, Q_THING_INSERT);
    sqlite3_bind_int64(s, 1, t->owner_id);
    bind_text(s, 2, t->name);
    bind_text(s, 3, t->info ? t->info : "");
    bind_id_or_null(s, 4, t->vm_id);
    bind_text(s, 5, t->endpoint);
    bind_text(s, 6, t->psk_identity);
    bind_key(s, 7, psk_key, psk_key_len);
    sqlite3_bind_int64(s, 8, t->created_at);
    store_status r = run(st, s, "cannot create thing", &n);
    if (r == STORE_OK && n == 0)
        return store_seterr(st, STORE_NOT_FOUND, "cannot create thing: no VM %lld",
                            (long long)t->vm_id);
    if (r != STORE_OK)
        return r;
    t->id = sqlite3_last_insert_rowid(db_of(st));
    t->state = STORE_THING_REGISTERED;
    t->has_psk_key = psk_key != NULL;
    return STORE_OK;
}

static store_status thing_get_one(store *st, sqlite3_stmt *s, store_thing *out)
{
    store_status r = row(st, s, "thing");
    if (r == STORE_OK) {
        read_thing(s, out);
        sqlite3_reset(s);
    }
    return r;
}

static store_status sq_thing_get(store *st, int64_t id, int64_t owner, store_thing *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_THING_GET);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    return thing_get_one(st, s, out);
}

static store_status sq_thing_get_by_endpoint(store *st, const char *endpoint, store_thing *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_THING_BY_EP);
    bind_text(s, 1, endpoint);
    return thing_get_one(st, s, out);
}

static void read_thing_v(sqlite3_stmt *s, void *out)
{
    read_thing(s, out);
}

static store_status sq_thing_list(store *st, int64_t owner, int64_t vm_id, store_thing **list,
                                  size_t *n)
{
    *list = NULL;
    *n = 0;
    PREP(s, Q_THING_LIST);
    sqlite3_bind_int64(s, 1, owner);
    sqlite3_bind_int64(s, 2, vm_id);
    return store_sqlite_rows(st, s, "cannot list things", read_thing_v, sizeof **list,
                             (void **)list, n);
}

static store_status sq_thing_update(store *st, const store_thing *t, int64_t owner)
{
    PREP(s, Q_THING_UPDATE);
    sqlite3_bind_int64(s, 1, t->id);
    sqlite3_bind_int64(s, 2, owner);
    bind_text(s, 3, t->name);
    bind_text(s, 4, t->info ? t->info : "");
    return run_one(st, s, "cannot update thing");
}

static store_status sq_thing_set_psk(store *st, int64_t id, int64_t owner, const char *identity,
                                     const unsigned char *key, size_t key_len)
{
    PREP(s, Q_THING_SET_PSK);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    bind_text(s, 3, key ? identity : NULL);
    bind_key(s, 4, key, key_len);
    return run_one(st, s, "cannot set thing PSK");
}

static store_status sq_thing_psk_key(store *st, int64_t id, unsigned char **key, size_t *len)
{
    *key = NULL;
    *len = 0;
    PREP(s, Q_THING_PSK_KEY);
    sqlite3_bind_int64(s, 1, id);
    store_status r = row(st, s, "thing PSK");
    if (r != STORE_OK)
        return r;
    *len = (size_t)sqlite3_column_bytes(s, 0);
    *key = xmalloc(*len);
    memcpy(*key, sqlite3_column_blob(s, 0), *len);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_thing_set_lwm2m(store *st, const store_thing *t, int64_t owner,
                                       const unsigned char *key, size_t key_len,
                                       const unsigned char *server_key, size_t server_key_len)
{
    PREP(s, Q_THING_SET_LWM2M);
    sqlite3_bind_int64(s, 1, t->id);
    sqlite3_bind_int64(s, 2, owner);
    bind_text(s, 3, t->endpoint);
    bind_text(s, 4, key ? t->psk_identity : NULL);
    bind_key(s, 5, key, key_len);
    bind_text(s, 6, server_key ? t->server_psk_identity : NULL);
    bind_key(s, 7, server_key, server_key_len);
    sqlite3_bind_int64(s, 8, t->short_server_id ? t->short_server_id : 1);
    sqlite3_bind_int64(s, 9, t->lifetime ? t->lifetime : 300);
    bind_text(s, 10, t->binding ? t->binding : "U");
    return run_one(st, s, "cannot set thing LwM2M configuration");
}

static unsigned char *col_blob(sqlite3_stmt *s, int i, size_t *len)
{
    *len = 0;
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return NULL;
    *len = (size_t)sqlite3_column_bytes(s, i);
    unsigned char *b = xmalloc(*len ? *len : 1);
    memcpy(b, sqlite3_column_blob(s, i), *len);
    return b;
}

static store_status sq_thing_keys(store *st, int64_t id, store_thing_keys *out)
{
    memset(out, 0, sizeof *out);
    PREP(s, Q_THING_KEYS);
    sqlite3_bind_int64(s, 1, id);
    store_status r = row(st, s, "thing keys");
    if (r != STORE_OK)
        return r;
    out->key = col_blob(s, 0, &out->key_len);
    out->server_key = col_blob(s, 1, &out->server_key_len);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status thing_why(store *st, int64_t id, int64_t vm_id, int64_t owner)
{
    PREP(s, Q_THING_EXISTS);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    store_status r = row(st, s, "thing");
    sqlite3_reset(s);
    if (r != STORE_OK)
        return store_seterr(st, r, "no thing %lld", (long long)id);
    return store_seterr(st, STORE_NOT_FOUND, "no VM %lld of the thing's owner", (long long)vm_id);
}

static store_status sq_thing_attach(store *st, int64_t id, int64_t vm_id, int64_t owner)
{
    int64_t n = 0;
    PREP(s, vm_id ? Q_THING_ATTACH : Q_THING_DETACH);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    if (vm_id)
        sqlite3_bind_int64(s, 3, vm_id);
    store_status r = run(st, s, "cannot attach thing", &n);
    if (r == STORE_OK && n == 0)
        return thing_why(st, id, vm_id, owner);
    return r;
}

static store_status sq_thing_set_state(store *st, int64_t id, store_thing_state state, int64_t at,
                                       const char *error)
{
    PREP(s, Q_THING_SET_STATE);
    sqlite3_bind_int64(s, 1, id);
    bind_text(s, 2, store_thing_state_name(state));
    sqlite3_bind_int64(s, 3, at);
    bind_text(s, 4, error);
    return run_one(st, s, "cannot record thing state");
}

static store_status sq_thing_delete(store *st, int64_t id, int64_t owner)
{
    PREP(s, Q_THING_DELETE);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, owner);
    return run_one(st, s, "cannot delete thing");
}

/* ---- Login failures ----------------------------------------------------------- */

static store_status sq_login_failure_get(store *st, const char *key, int64_t *count,
                                         int64_t *last_at)
{
    *count = 0;
    *last_at = 0;
    PREP(s, Q_LF_GET);
    bind_text(s, 1, key);
    store_status r = row(st, s, "login failures");
    if (r == STORE_NOT_FOUND) /* no failures is not an error */
        return STORE_OK;
    if (r != STORE_OK)
        return r;
    *count = col_i64(s, 0);
    *last_at = col_i64(s, 1);
    sqlite3_reset(s);
    return STORE_OK;
}

static store_status sq_login_failure_record(store *st, const char *key, int64_t now,
                                            int64_t reset_after, int64_t *count)
{
    int64_t last = 0;
    *count = 0;
    store_status r = sp_begin(st);
    if (r != STORE_OK)
        return r;
    sqlite3_stmt *s = sq_stmt(st, Q_LF_RECORD);
    r = s ? STORE_OK : STORE_ERROR;
    if (s) {
        bind_text(s, 1, key);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_bind_int64(s, 3, reset_after);
        r = run(st, s, "cannot record login failure", NULL);
    }
    if (r == STORE_OK)
        r = sq_login_failure_get(st, key, count, &last);
    return sp_end(st, r);
}

static store_status sq_login_failure_clear(store *st, const char *key)
{
    PREP(s, Q_LF_CLEAR);
    bind_text(s, 1, key);
    return run(st, s, "cannot clear login failures", NULL);
}

static store_status sq_login_failure_purge(store *st, int64_t before, int64_t *removed)
{
    int64_t n = 0;
    PREP(s, Q_LF_PURGE);
    sqlite3_bind_int64(s, 1, before);
    store_status r = run(st, s, "cannot purge login failures", &n);
    if (removed)
        *removed = n;
    return r;
}

const store_driver store_sqlite_driver = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .tx_begin = sq_tx_begin,
    .tx_commit = sq_tx_commit,
    .tx_rollback = sq_tx_rollback,
    .user_create = sq_user_create,
    .user_get = sq_user_get,
    .user_get_by_name = sq_user_get_by_name,
    .user_pwhash = sq_user_pwhash,
    .user_list = sq_user_list,
    .user_count = sq_user_count,
    .user_set_pwhash = sq_user_set_pwhash,
    .user_set_role = sq_user_set_role,
    .user_delete = sq_user_delete,
    .quota_get = sq_quota_get,
    .quota_set = sq_quota_set,
    .usage_get = sq_usage_get,
    .session_create = sq_session_create,
    .session_lookup = sq_session_lookup,
    .session_delete = sq_session_delete,
    .session_delete_user = sq_session_delete_user,
    .session_purge = sq_session_purge,
    .token_create = sq_token_create,
    .token_lookup = sq_token_lookup,
    .token_list = sq_token_list,
    .token_revoke = sq_token_revoke,
    .vm_create = sq_vm_create,
    .vm_get = sq_vm_get,
    .vm_get_by_name = sq_vm_get_by_name,
    .vm_list = sq_vm_list,
    .vm_update = sq_vm_update,
    .vm_seed_built = sq_vm_seed_built,
    .vm_set_runtime = sq_vm_set_runtime,
    .vm_set_ip = sq_vm_set_ip,
    .vm_delete = sq_vm_delete,
    .dev_upsert = sq_dev_upsert,
    .dev_mark_all_absent = sq_dev_mark_all_absent,
    .dev_get = sq_dev_get,
    .dev_list = sq_dev_list,
    .dev_attach = sq_dev_attach,
    .dev_detach = sq_dev_detach,
    .thing_create = sq_thing_create,
    .thing_get = sq_thing_get,
    .thing_get_by_endpoint = sq_thing_get_by_endpoint,
    .thing_set_lwm2m = sq_thing_set_lwm2m,
    .thing_get_keys = sq_thing_keys,
    .thing_list = sq_thing_list,
    .thing_update = sq_thing_update,
    .thing_set_psk = sq_thing_set_psk,
    .thing_psk_key = sq_thing_psk_key,
    .thing_attach = sq_thing_attach,
    .thing_set_state = sq_thing_set_state,
    .thing_delete = sq_thing_delete,
    .login_failure_get = sq_login_failure_get,
    .login_failure_record = sq_login_failure_record,
    .login_failure_clear = sq_login_failure_clear,
    .login_failure_purge = sq_login_failure_purge,
};
