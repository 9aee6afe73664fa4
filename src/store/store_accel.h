/* store_accel.h -- persistence of accelerator sharing (see core/accel.c for the
 * rules): device profiles, leases, the wait queue, reservations, per-user
 * accelerator quotas and daily lease use, a bounded event log per device
 * and per-device counters.
 *
 * The tables come from a migration of sqlite.c; this module reaches the
 * same SQLite connection through sqlite_int.h. Conventions are store.h's:
 * out-parameters zeroed first, lists malloc'ed (free them with the matching
 * *_free), NOT_FOUND for a missing row. Times are Unix seconds.
 */
#ifndef EPFIOT_STORE_STORE_ACCEL_H
#define EPFIOT_STORE_STORE_ACCEL_H

#include "store.h"

/* A kind of accelerator and every USB ID it can show ("1a6e:089a"). */
typedef struct store_accel_profile {
    int64_t id;
    char *name;
    char *ids; /* "vvvv:pppp,vvvv:pppp" */
    char *info;
    bool builtin;
} store_accel_profile;

void store_accel_profile_list_free(store_accel_profile *list, size_t n);
store_status store_accel_profile_list(store *st, store_accel_profile **list, size_t *n);
/* CONFLICT: the name is taken. */
store_status store_accel_profile_create(store *st, const char *name, const char *ids,
                                        const char *info, int64_t *id);

/* The holder of a device. att_*: what was attached to the VM last, so that
 * a re-enumerated device (new IDs or device number) is re-attached. */
typedef struct store_accel_lease {
    int64_t dev_id, vm_id, user_id;
    int64_t since, lease_end; /* lease_end 0: until released */
    bool was_running;         /* the VM ran since it got the device */
    int64_t absent_since;     /* 0: plugged in */
    int64_t att_vendor, att_product, att_bus, att_device;
} store_accel_lease;

store_status store_accel_lease_get(store *st, int64_t dev_id, store_accel_lease *out);
store_status store_accel_lease_list(store *st, store_accel_lease **list, size_t *n);
/* Inserts or replaces the lease of l->dev_id. */
store_status store_accel_lease_put(store *st, const store_accel_lease *l);
store_status store_accel_lease_delete(store *st, int64_t dev_id);

/* A waiting request: for one device (dev_id) or any of a profile. */
typedef struct store_accel_wait {
    int64_t id;                 /* FIFO order */
    int64_t dev_id, profile_id; /* exactly one is non-zero */
    int64_t vm_id, user_id;
    int64_t lease_seconds; /* 0: until released */
    int64_t enqueued_at;
} store_accel_wait;

store_status store_accel_wait_add(store *st, store_accel_wait *w);
/* Every waiting request, oldest first. */
store_status store_accel_wait_list(store *st, store_accel_wait **list, size_t *n);
store_status store_accel_wait_delete(store *st, int64_t id);

/* user 0 removes the reservation. */
store_status store_accel_reserve(store *st, int64_t dev_id, int64_t user_id);
/* *user_id 0: not reserved. */
store_status store_accel_reservation(store *st, int64_t dev_id, int64_t *user_id);

/* -1: unlimited (also when never set). */
store_status store_accel_quota_get(store *st, int64_t user_id, int64_t *max_held,
                                   int64_t *hours_per_day);
store_status store_accel_quota_set(store *st, int64_t user_id, int64_t max_held,
                                   int64_t hours_per_day);
/* Lease seconds granted to a user on a day (days since 1970, UTC). */
store_status store_accel_day_get(store *st, int64_t user_id, int64_t day, int64_t *seconds);
store_status store_accel_day_add(store *st, int64_t user_id, int64_t day, int64_t seconds);

typedef struct store_accel_event {
    int64_t id, dev_id, at;
    char *kind; /* "ACQUIRED", "QUEUED", "REATTACHED", ... */
    int64_t vm_id, user_id;
    char *detail; /* never a VM or user name */
} store_accel_event;

void store_accel_event_list_free(store_accel_event *list, size_t n);
/* Keeps the newest `keep` events of the device. */
store_status store_accel_event_add(store *st, const store_accel_event *e, int keep);
/* Newest first, at most `limit`; dev_id 0: every device. */
store_status store_accel_event_list(store *st, int64_t dev_id, int64_t limit,
                                    store_accel_event **list, size_t *n);

typedef enum store_accel_stat {
    STORE_ACCEL_ATTACHES = 0,
    STORE_ACCEL_DETACHES,
    STORE_ACCEL_REATTACHES,
    STORE_ACCEL_FAILURES,
    STORE_ACCEL_GRANTS,     /* leases granted */
    STORE_ACCEL_WAITS,      /* grants that had waited in the queue */
    STORE_ACCEL_WAIT_TOTAL, /* seconds */
    STORE_ACCEL_WAIT_MAX,   /* seconds (kept as a maximum, not a sum) */
    STORE_ACCEL_STAT_COUNT,
} store_accel_stat;

store_status store_accel_stat_add(store *st, int64_t dev_id, store_accel_stat s, int64_t v);
store_status store_accel_stats(store *st, int64_t dev_id, int64_t out[STORE_ACCEL_STAT_COUNT]);

typedef struct store_accel_held {
    int64_t dev_id, user_id, seconds;
} store_accel_held;
store_status store_accel_held_add(store *st, int64_t dev_id, int64_t user_id, int64_t seconds);
/* dev_id 0: every device. */
store_status store_accel_held_list(store *st, int64_t dev_id, store_accel_held **list, size_t *n);

#endif
