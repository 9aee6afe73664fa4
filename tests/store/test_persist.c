/* test_persist.c -- what must survive: restarts lose nothing, migrations
 * run once, a newer schema is refused, a process that dies in the middle
 * of a transaction leaves nothing half-written, and two processes share one
 * database file.
 */
#include "test.h"
#include "tmpdb.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* A single integer from the database file, read behind the store's back. */
static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* Waits for a child and returns its exit status (-1 if it did not exit). */
static int reap(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

TEST(new_database_is_at_the_latest_schema_version)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int v = 0;
    CHECK_INT(store_schema_version(st, &v), STORE_OK);
    CHECK_INT(v, store_schema_latest());
    CHECK(v >= 1);
    tmpdb_done(&t, st);
}

TEST(database_uses_wal_and_enforces_foreign_keys)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    unsigned char h[STORE_TOKEN_HASH_LEN] = {1};
    int64_t id;
    /* journal_mode=WAL is persistent in the file; a second reader sees it. */
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    const unsigned char *mode = NULL;
    CHECK_INT(sqlite3_open_v2(t.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        mode = sqlite3_column_text(s, 0);
    CHECK_STR((const char *)mode, "wal");
    sqlite3_finalize(s);
    sqlite3_close(db);
    /* A session for a user that does not exist is refused. */
    CHECK_INT(store_session_create(st, 999, h, 1, 2, &id), STORE_CONFLICT);
    CHECK_CONTAINS(store_errmsg(st), "FOREIGN KEY");
    tmpdb_done(&t, st);
}

TEST(new_database_files_are_private_to_the_daemon)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    struct stat sb;
    char wal[160];
    tmpdb_user(st, "alice");
    snprintf(wal, sizeof wal, "%s-wal", t.path);
    CHECK_INT(stat(t.path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK_INT(stat(wal, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    tmpdb_done(&t, st);
}

TEST(reopening_keeps_every_row)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "alice"), v = tmpdb_vm(st, a, "web"), dev, sid;
    unsigned char h[STORE_TOKEN_HASH_LEN] = {7};
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    store_thing th = {.owner_id = a, .name = "t", .vm_id = v, .endpoint = "ep"};
    store_quota q = {2, 4, 4096, 1};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v, a), STORE_OK);
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_session_create(st, a, h, 100, 10000, &sid), STORE_OK);
    CHECK_INT(store_quota_set(st, a, &q), STORE_OK);
    store_close(st);

    st = tmpdb_open(&t);
    store_user u;
    store_vm vm;
    store_session s;
    store_quota gq;
    CHECK_INT(store_user_get_by_name(st, "alice", &u), STORE_OK);
    CHECK_INT(u.id, a);
    store_user_clear(&u);
    CHECK_INT(store_vm_get(st, v, a, &vm), STORE_OK);
    CHECK_STR(vm.name, "web");
    store_vm_clear(&vm);
    CHECK_INT(store_dev_get(st, dev, &d), STORE_OK);
    CHECK_INT(d.vm_id, v);
    store_dev_clear(&d);
    CHECK_INT(store_thing_get(st, th.id, a, &th), STORE_OK);
    CHECK_INT(th.vm_id, v);
    store_thing_clear(&th);
    CHECK_INT(store_session_lookup(st, h, 200, &s), STORE_OK);
    CHECK_INT(store_quota_get(st, a, &gq), STORE_OK);
    CHECK_INT(gq.max_memory_mib, 4096);
    tmpdb_done(&t, st);
}

TEST(reopening_applies_no_migration_twice)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    store_close(st);
    st = tmpdb_open(&t);
    store_close(st);
    st = tmpdb_open(&t);
    CHECK_INT(raw_int(t.path, "SELECT count(*) FROM schema_migrations"), store_schema_latest());
    CHECK_INT(raw_int(t.path, "SELECT max(version) FROM schema_migrations"), store_schema_latest());
    tmpdb_done(&t, st);
}

TEST(database_with_a_newer_schema_is_refused_and_left_alone)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char sql[128];
    tmpdb_user(st, "alice");
    store_close(st);
    snprintf(sql, sizeof sql, "INSERT INTO schema_migrations VALUES (%d, 0)",
             store_schema_latest() + 1);
    CHECK_INT(raw_exec(t.path, sql), SQLITE_OK);

    st = NULL;
    CHECK_INT(store_open(t.path, &st), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "newer than this build");
    store_close(st);
    CHECK_INT(raw_int(t.path, "SELECT count(*) FROM users"), 1);
    CHECK_INT(raw_int(t.path, "SELECT max(version) FROM schema_migrations"),
              store_schema_latest() + 1);
    tmpdb_remove(&t);
}

TEST(a_failing_migration_is_rolled_back_as_a_whole)
{
    tmpdb t;
    store *st = NULL;
    tmpdb_init(&t);
    /* Migration 1 creates login_failures last; a table of that name already
     * there makes it fail after it has created every other table. */
    CHECK_INT(raw_exec(t.path, "CREATE TABLE login_failures (x INTEGER)"), SQLITE_OK);
    CHECK_INT(store_open(t.path, &st), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "migration to schema version 1 failed");
    store_close(st);
    CHECK_INT(raw_int(t.path, "SELECT count(*) FROM sqlite_master WHERE name IN "
                              "('users', 'vms', 'things', 'schema_migrations')"),
              0);
    tmpdb_remove(&t);
}

TEST(a_file_that_is_not_a_database_is_refused)
{
    tmpdb t;
    store *st = NULL;
    tmpdb_init(&t);
    FILE *f = fopen(t.path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("this is not an SQLite database, it is a sentence that is long enough\n", f);
        fclose(f);
    }
    CHECK_INT(store_open(t.path, &st), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "not a database");
    store_close(st);
    tmpdb_remove(&t);
}

TEST(an_unknown_database_scheme_is_refused)
{
    store *st = NULL;
    CHECK_INT(store_open("postgresql://db.example/epfiot", &st), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "no store driver");
    store_close(st);
}

TEST(sqlite_prefix_names_the_same_file)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char name[160];
    tmpdb_user(st, "alice");
    store_close(st);
    snprintf(name, sizeof name, "sqlite:%s", t.path);
    CHECK_INT(store_open(name, &st), STORE_OK);
    store_user u;
    CHECK_INT(store_user_get_by_name(st, "alice", &u), STORE_OK);
    store_user_clear(&u);
    tmpdb_done(&t, st);
}

/* The child opens its own handle (never one inherited across fork), does
 * `steps` and dies with _exit(), skipping every cleanup, like kill -9. */
static pid_t crash_child(const char *path, bool commit)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    store *st = NULL;
    if (store_open(path, &st) != STORE_OK)
        _exit(2);
    int64_t a = 0, dev = 0;
    store_user u;
    store_dev d;
    store_vm vm = {.name = "web", .base = "debian", .vcpu = 1, .memory_mib = 256};
    store_thing th = {.name = "t"};
    if (store_user_get_by_name(st, "alice", &u) != STORE_OK || store_dev_get(st, 1, &d) != STORE_OK)
        _exit(3);
    a = u.id;
    dev = d.id;
    vm.owner_id = th.owner_id = a;
    if (store_tx_begin(st) != STORE_OK || store_vm_create(st, &vm) != STORE_OK ||
        store_dev_attach(st, dev, vm.id, a) != STORE_OK)
        _exit(4);
    th.vm_id = vm.id;
    if (store_thing_create(st, &th, NULL, 0) != STORE_OK)
        _exit(5);
    if (commit && store_tx_commit(st) != STORE_OK)
        _exit(6);
    _exit(0);
}

static void crash_setup(tmpdb *t)
{
    store *st = tmpdb_new(t);
    int64_t dev;
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    tmpdb_user(st, "alice");
    if (store_dev_upsert(st, &d, &dev) != STORE_OK || dev != 1)
        abort();
    store_close(st);
}

TEST(a_crash_inside_a_transaction_leaves_nothing_half_written)
{
    tmpdb t;
    crash_setup(&t);
    CHECK_INT(reap(crash_child(t.path, false)), 0);

    store *st = tmpdb_open(&t);
    store_vm *vms;
    store_thing *things;
    store_dev d;
    size_t n;
    CHECK_INT(store_vm_list(st, 0, &vms, &n), STORE_OK);
    CHECK_INT(n, 0);
    store_vm_list_free(vms, n);
    CHECK_INT(store_thing_list(st, 0, 0, &things, &n), STORE_OK);
    CHECK_INT(n, 0);
    store_thing_list_free(things, n);
    CHECK_INT(store_dev_get(st, 1, &d), STORE_OK);
    CHECK_INT(d.vm_id, 0);
    store_dev_clear(&d);
    tmpdb_done(&t, st);
}

TEST(a_crash_right_after_commit_keeps_everything)
{
    tmpdb t;
    crash_setup(&t);
    CHECK_INT(reap(crash_child(t.path, true)), 0);

    store *st = tmpdb_open(&t);
    store_vm *vms;
    store_thing *things;
    store_dev d;
    size_t n;
    CHECK_INT(store_vm_list(st, 0, &vms, &n), STORE_OK);
    CHECK_INT(n, 1);
    int64_t v = n == 1 ? vms[0].id : -1;
    if (n == 1)
        CHECK(vms[0].domain_name != NULL);
    store_vm_list_free(vms, n);
    CHECK_INT(store_thing_list(st, 0, v, &things, &n), STORE_OK);
    CHECK_INT(n, 1);
    store_thing_list_free(things, n);
    CHECK_INT(store_dev_get(st, 1, &d), STORE_OK);
    CHECK_INT(d.vm_id, v);
    store_dev_clear(&d);
    tmpdb_done(&t, st);
}

TEST(a_writer_waits_for_another_process_lock_instead_of_failing)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int fds[2];
    char c = 0;
    CHECK_INT(pipe(fds), 0);
    store_close(st);

    pid_t pid = fork();
    if (pid == 0) {
        store *cst = NULL;
        close(fds[0]);
        if (store_open(t.path, &cst) != STORE_OK || store_tx_begin(cst) != STORE_OK)
            _exit(2);
        tmpdb_user(cst, "first");
        if (write(fds[1], "x", 1) != 1)
            _exit(3);
        usleep(300 * 1000);
        _exit(store_tx_commit(cst) == STORE_OK ? 0 : 4);
    }
    close(fds[1]);
    CHECK_INT(read(fds[0], &c, 1), 1);
    close(fds[0]);

    st = tmpdb_open(&t);
    int64_t id = 0, n = 0;
    CHECK_INT(store_user_create(st, "second", STORE_ROLE_USER, "$argon2id$x", &id), STORE_OK);
    CHECK_INT(reap(pid), 0);
    CHECK_INT(store_user_count(st, &n), STORE_OK);
    CHECK_INT(n, 2);
    tmpdb_done(&t, st);
}

TEST(two_handles_on_one_file_see_each_others_commits)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    store *other = tmpdb_open(&t);
    store_user u;
    int64_t id = tmpdb_user(st, "alice");
    CHECK_INT(store_user_get(other, id, &u), STORE_OK);
    CHECK_STR(u.name, "alice");
    store_user_clear(&u);
    store_close(other);
    tmpdb_done(&t, st);
}

TEST_MAIN()
