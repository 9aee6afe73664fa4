/* accel.c -- the SQLite side of accelerator sharing (see accel.h).
 *
 * Statements are prepared per call: these run a few times per API request
 * or daemon tick, where preparing costs microseconds, and the module keeps
 * no state of its own beside sqlite.c's connection (sqlite_int.h).
 */
#include "store_accel.h"
#include "sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A prepared statement with its integer parameters bound (?1..?n); NULL
 * with the error set. */
static sqlite3_stmt *prep(store *st, const char *sql)
{
    sqlite3 *db = store_sqlite_db(st);
    if (!db)
        return NULL;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        store_sqlite_fail(st, rc, "cannot prepare statement");
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

static void bind_ints(sqlite3_stmt *s, int n, const int64_t *v)
{
    for (int i = 0; i < n; i++)
        sqlite3_bind_int64(s, i + 1, v[i]);
}

/* Runs a statement without rows; NOT_FOUND when need_change and nothing
 * changed. Finalizes it. */
static store_status done(store *st, sqlite3_stmt *s, const char *what, bool need_change)
{
    int rc = sqlite3_step(s);
    store_status r = STORE_OK;
    if (rc != SQLITE_DONE)
        r = store_sqlite_fail(st, rc, what);
    else if (need_change && sqlite3_changes(sqlite3_db_handle(s)) == 0)
        r = store_seterr(st, STORE_NOT_FOUND, "%s: no such row", what);
    sqlite3_finalize(s);
    return r;
}

static store_status exec_ints(store *st, const char *sql, int n, const int64_t *v, const char *what,
                              bool need_change)
{
    sqlite3_stmt *s = prep(st, sql);
    if (!s)
        return STORE_ERROR;
    bind_ints(s, n, v);
    return done(st, s, what, need_change);
}

/* Reads every row into a malloc'ed array; finalizes the statement. */
static store_status read_rows(store *st, sqlite3_stmt *s, const char *what,
                              store_sqlite_row_reader rd, size_t size, void **list, size_t *n)
{
    store_status r = store_sqlite_rows(st, s, what, rd, size, list, n);
    sqlite3_finalize(s);
    return r;
}

/* One integer from the first row; *v untouched (NOT_FOUND) without a row. */
static store_status one_int(store *st, sqlite3_stmt *s, const char *what, int64_t *v)
{
    int rc = sqlite3_step(s);
    store_status r = STORE_OK;
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        r = store_seterr(st, STORE_NOT_FOUND, "%s: not found", what);
    else
        r = store_sqlite_fail(st, rc, what);
    sqlite3_finalize(s);
    return r;
}

/* ---- Profiles ------------------------------------------------------------ */

static void read_profile(sqlite3_stmt *s, void *out)
{
    store_accel_profile *p = out;
    p->id = sqlite3_column_int64(s, 0);
    p->name = store_sqlite_col_text(s, 1);
    p->ids = store_sqlite_col_text(s, 2);
    p->info = store_sqlite_col_text(s, 3);
    p->builtin = sqlite3_column_int64(s, 4) != 0;
}

void store_accel_profile_list_free(store_accel_profile *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].ids);
        free(list[i].info);
    }
    free(list);
}

store_status store_accel_profile_list(store *st, store_accel_profile **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *s = prep(st, "SELECT id, name, ids, info, builtin FROM accel_profiles "
                               "ORDER BY id");
    if (!s)
        return STORE_ERROR;
    return read_rows(st, s, "cannot list profiles", read_profile, sizeof **list, (void **)list, n);
}

store_status store_accel_profile_create(store *st, const char *name, const char *ids,
                                        const char *info, int64_t *id)
{
    *id = 0;
    sqlite3_stmt *s = prep(st, "INSERT INTO accel_profiles (name, ids, info) VALUES (?1, ?2, ?3)");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, ids, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, info ? info : "", -1, SQLITE_TRANSIENT);
    sqlite3 *db = sqlite3_db_handle(s);
    store_status r = done(st, s, "cannot create profile", false);
    if (r == STORE_OK)
        *id = sqlite3_last_insert_rowid(db);
    return r;
}

/* ---- Leases -------------------------------------------------------------- */

#define LEASE_COLS                                                                                 \
    "dev_id, vm_id, user_id, since, lease_end, was_running, absent_since, att_vendor, "            \
    "att_product, att_bus, att_device"

static void read_lease(sqlite3_stmt *s, void *out)
{
    store_accel_lease *l = out;
    l->dev_id = sqlite3_column_int64(s, 0);
    l->vm_id = sqlite3_column_int64(s, 1);
    l->user_id = sqlite3_column_int64(s, 2);
    l->since = sqlite3_column_int64(s, 3);
    l->lease_end = sqlite3_column_int64(s, 4);
    l->was_running = sqlite3_column_int64(s, 5) != 0;
    l->absent_since = sqlite3_column_int64(s, 6);
    l->att_vendor = sqlite3_column_int64(s, 7);
    l->att_product = sqlite3_column_int64(s, 8);
    l->att_bus = sqlite3_column_int64(s, 9);
    l->att_device = sqlite3_column_int64(s, 10);
}

store_status store_accel_lease_get(store *st, int64_t dev_id, store_accel_lease *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = prep(st, "SELECT " LEASE_COLS " FROM accel_leases WHERE dev_id = ?1");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, dev_id);
    int rc = sqlite3_step(s);
    store_status r = STORE_OK;
    if (rc == SQLITE_ROW)
        read_lease(s, out);
    else if (rc == SQLITE_DONE)
        r = store_seterr(st, STORE_NOT_FOUND, "no lease on device %lld", (long long)dev_id);
    else
        r = store_sqlite_fail(st, rc, "cannot read lease");
    sqlite3_finalize(s);
    return r;
}

store_status store_accel_lease_list(store *st, store_accel_lease **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *s = prep(st, "SELECT " LEASE_COLS " FROM accel_leases ORDER BY dev_id");
    if (!s)
        return STORE_ERROR;
    return read_rows(st, s, "cannot list leases", read_lease, sizeof **list, (void **)list, n);
}

store_status store_accel_lease_put(store *st, const store_accel_lease *l)
{
    int64_t v[] = {l->dev_id,      l->vm_id,       l->user_id,      l->since,
                   l->lease_end,   l->was_running, l->absent_since, l->att_vendor,
                   l->att_product, l->att_bus,     l->att_device};
    return exec_ints(st,
                     "INSERT OR REPLACE INTO accel_leases (" LEASE_COLS
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                     11, v, "cannot record lease", false);
}

store_status store_accel_lease_delete(store *st, int64_t dev_id)
{
    return exec_ints(st, "DELETE FROM accel_leases WHERE dev_id = ?1", 1, &dev_id,
                     "cannot end lease", true);
}

/* ---- Queue --------------------------------------------------------------- */

static void read_wait(sqlite3_stmt *s, void *out)
{
    store_accel_wait *w = out;
    w->id = sqlite3_column_int64(s, 0);
    w->dev_id = sqlite3_column_int64(s, 1);
    w->profile_id = sqlite3_column_int64(s, 2);
    w->vm_id = sqlite3_column_int64(s, 3);
    w->user_id = sqlite3_column_int64(s, 4);
    w->lease_seconds = sqlite3_column_int64(s, 5);
    w->enqueued_at = sqlite3_column_int64(s, 6);
}

store_status store_accel_wait_add(store *st, store_accel_wait *w)
{
    sqlite3_stmt *s = prep(st, "INSERT INTO accel_waits (dev_id, profile_id, vm_id, user_id, "
                               "lease_seconds, enqueued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s)
        return STORE_ERROR;
    if (w->dev_id)
        sqlite3_bind_int64(s, 1, w->dev_id);
    if (w->profile_id)
        sqlite3_bind_int64(s, 2, w->profile_id);
    sqlite3_bind_int64(s, 3, w->vm_id);
    sqlite3_bind_int64(s, 4, w->user_id);
    sqlite3_bind_int64(s, 5, w->lease_seconds);
    sqlite3_bind_int64(s, 6, w->enqueued_at);
    sqlite3 *db = sqlite3_db_handle(s);
    store_status r = done(st, s, "cannot queue request", false);
    if (r == STORE_OK)
        w->id = sqlite3_last_insert_rowid(db);
    return r;
}

store_status store_accel_wait_list(store *st, store_accel_wait **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *s = prep(st, "SELECT id, coalesce(dev_id, 0), coalesce(profile_id, 0), vm_id, "
                               "user_id, lease_seconds, enqueued_at FROM accel_waits ORDER BY id");
    if (!s)
        return STORE_ERROR;
    return read_rows(st, s, "cannot list the queue", read_wait, sizeof **list, (void **)list, n);
}

store_status store_accel_wait_delete(store *st, int64_t id)
{
    return exec_ints(st, "DELETE FROM accel_waits WHERE id = ?1", 1, &id, "cannot remove request",
                     true);
}

/* ---- Reservations, quotas, daily use -------------------------------------- */

store_status store_accel_reserve(store *st, int64_t dev_id, int64_t user_id)
{
    int64_t v[] = {dev_id, user_id};
    if (!user_id)
        return exec_ints(st, "DELETE FROM accel_reservations WHERE dev_id = ?1", 1, v,
                         "cannot remove reservation", false);
    return exec_ints(st,
                     "INSERT OR REPLACE INTO accel_reservations (dev_id, user_id) VALUES (?1, ?2)",
                     2, v, "cannot reserve device", false);
}

store_status store_accel_reservation(store *st, int64_t dev_id, int64_t *user_id)
{
    *user_id = 0;
    sqlite3_stmt *s = prep(st, "SELECT user_id FROM accel_reservations WHERE dev_id = ?1");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, dev_id);
    store_status r = one_int(st, s, "reservation", user_id);
    return r == STORE_NOT_FOUND ? STORE_OK : r;
}

store_status store_accel_quota_get(store *st, int64_t user_id, int64_t *max_held,
                                   int64_t *hours_per_day)
{
    *max_held = *hours_per_day = -1;
    sqlite3_stmt *s =
        prep(st, "SELECT max_held, hours_per_day FROM accel_quotas WHERE user_id = ?1");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, user_id);
    int rc = sqlite3_step(s);
    store_status r = STORE_OK;
    if (rc == SQLITE_ROW) {
        *max_held = sqlite3_column_int64(s, 0);
        *hours_per_day = sqlite3_column_int64(s, 1);
    } else if (rc != SQLITE_DONE) {
        r = store_sqlite_fail(st, rc, "cannot read accelerator quota");
    }
    sqlite3_finalize(s);
    return r;
}

store_status store_accel_quota_set(store *st, int64_t user_id, int64_t max_held,
                                   int64_t hours_per_day)
{
    int64_t v[] = {user_id, max_held, hours_per_day};
    return exec_ints(st,
                     "INSERT INTO accel_quotas (user_id, max_held, hours_per_day) VALUES "
                     "(?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET max_held = "
                     "excluded.max_held, hours_per_day = excluded.hours_per_day",
                     3, v, "cannot set accelerator quota", false);
}

store_status store_accel_day_get(store *st, int64_t user_id, int64_t day, int64_t *seconds)
{
    *seconds = 0;
    sqlite3_stmt *s = prep(st, "SELECT seconds FROM accel_days WHERE user_id = ?1 AND day = ?2");
    if (!s)
        return STORE_ERROR;
    int64_t v[] = {user_id, day};
    bind_ints(s, 2, v);
    store_status r = one_int(st, s, "daily use", seconds);
    return r == STORE_NOT_FOUND ? STORE_OK : r;
}

store_status store_accel_day_add(store *st, int64_t user_id, int64_t day, int64_t seconds)
{
    int64_t v[] = {user_id, day, seconds};
    return exec_ints(st,
                     "INSERT INTO accel_days (user_id, day, seconds) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (user_id, day) DO UPDATE SET seconds = seconds + ?3",
                     3, v, "cannot record daily use", false);
}

/* ---- Events -------------------------------------------------------------- */

static void read_event(sqlite3_stmt *s, void *out)
{
    store_accel_event *e = out;
    e->id = sqlite3_column_int64(s, 0);
    e->dev_id = sqlite3_column_int64(s, 1);
    e->at = sqlite3_column_int64(s, 2);
    e->kind = store_sqlite_col_text(s, 3);
    e->vm_id = sqlite3_column_int64(s, 4);
    e->user_id = sqlite3_column_int64(s, 5);
    e->detail = store_sqlite_col_text(s, 6);
}

void store_accel_event_list_free(store_accel_event *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i].kind);
        free(list[i].detail);
    }
    free(list);
}

store_status store_accel_event_add(store *st, const store_accel_event *e, int keep)
{
    sqlite3_stmt *s = prep(st, "INSERT INTO accel_events (dev_id, at, kind, vm_id, user_id, "
                               "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, e->dev_id);
    sqlite3_bind_int64(s, 2, e->at);
    sqlite3_bind_text(s, 3, e->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, e->vm_id);
    sqlite3_bind_int64(s, 5, e->user_id);
    sqlite3_bind_text(s, 6, e->detail ? e->detail : "", -1, SQLITE_TRANSIENT);
    store_status r = done(st, s, "cannot record event", false);
    if (r != STORE_OK)
        return r;
    int64_t v[] = {e->dev_id, keep};
    return exec_ints(st,
                     "DELETE FROM accel_events WHERE dev_id = ?1 AND id NOT IN (SELECT id FROM "
                     "accel_events WHERE dev_id = ?1 ORDER BY id DESC LIMIT ?2)",
                     2, v, "cannot trim events", false);
}

store_status store_accel_event_list(store *st, int64_t dev_id, int64_t limit,
                                    store_accel_event **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *s = prep(st, "SELECT id, dev_id, at, kind, vm_id, user_id, detail FROM "
                               "accel_events WHERE (?1 = 0 OR dev_id = ?1) ORDER BY id DESC "
                               "LIMIT ?2");
    if (!s)
        return STORE_ERROR;
    int64_t v[] = {dev_id, limit};
    bind_ints(s, 2, v);
    return read_rows(st, s, "cannot list events", read_event, sizeof **list, (void **)list, n);
}

/* ---- Counters ------------------------------------------------------------ */

store_status store_accel_stat_add(store *st, int64_t dev_id, store_accel_stat stat, int64_t v)
{
    int64_t a[] = {dev_id, stat, v};
    const char *sql =
        stat == STORE_ACCEL_WAIT_MAX
            ? "INSERT INTO accel_stats (dev_id, stat, value) VALUES (?1, ?2, ?3) ON CONFLICT "
              "(dev_id, stat) DO UPDATE SET value = max(value, ?3)"
            : "INSERT INTO accel_stats (dev_id, stat, value) VALUES (?1, ?2, ?3) ON CONFLICT "
              "(dev_id, stat) DO UPDATE SET value = value + ?3";
    return exec_ints(st, sql, 3, a, "cannot count", false);
}

store_status store_accel_stats(store *st, int64_t dev_id, int64_t out[STORE_ACCEL_STAT_COUNT])
{
    memset(out, 0, STORE_ACCEL_STAT_COUNT * sizeof *out);
    sqlite3_stmt *s = prep(st, "SELECT stat, value FROM accel_stats WHERE dev_id = ?1");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, dev_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t k = sqlite3_column_int64(s, 0);
        if (k >= 0 && k < STORE_ACCEL_STAT_COUNT)
            out[k] = sqlite3_column_int64(s, 1);
    }
    store_status r = rc == SQLITE_DONE ? STORE_OK : store_sqlite_fail(st, rc, "cannot read stats");
    sqlite3_finalize(s);
    return r;
}

static void read_held(sqlite3_stmt *s, void *out)
{
    store_accel_held *h = out;
    h->dev_id = sqlite3_column_int64(s, 0);
    h->user_id = sqlite3_column_int64(s, 1);
    h->seconds = sqlite3_column_int64(s, 2);
}

store_status store_accel_held_add(store *st, int64_t dev_id, int64_t user_id, int64_t seconds)
{
    int64_t v[] = {dev_id, user_id, seconds};
    return exec_ints(st,
                     "INSERT INTO accel_held (dev_id, user_id, seconds) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (dev_id, user_id) DO UPDATE SET seconds = seconds + ?3",
                     3, v, "cannot record held time", false);
}

store_status store_accel_held_list(store *st, int64_t dev_id, store_accel_held **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    sqlite3_stmt *s = prep(st, "SELECT dev_id, user_id, seconds FROM accel_held WHERE "
                               "(?1 = 0 OR dev_id = ?1) ORDER BY dev_id, user_id");
    if (!s)
        return STORE_ERROR;
    sqlite3_bind_int64(s, 1, dev_id);
    return read_rows(st, s, "cannot list held time", read_held, sizeof **list, (void **)list, n);
}
