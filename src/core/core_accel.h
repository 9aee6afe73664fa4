/* core_accel.h -- accelerators as a shared resource (rules in accel.c).
 *
 * A USB accelerator passes through to one VM at a time. Tenants acquire one
 * for a VM, by device or by profile (a kind of accelerator and all the USB
 * IDs it can show); a busy device puts the request in a FIFO queue, served
 * as soon as the device is free. A lease may end at a given time; it ends
 * too when the holder releases it, an admin revokes it, or the holder's VM
 * powers off or is deleted. Hand-over detaches from the holder before it
 * attaches to the next VM; a failure leaves the device free and visible.
 * Devices of a profile keep their identity (profile + serial or port path)
 * across replug and firmware re-enumeration, and a held device that comes
 * back is re-attached to its holder. Everything is persisted: a restart
 * keeps leases and the queue.
 */
#ifndef EPFIOT_CORE_ACCEL_H
#define EPFIOT_CORE_ACCEL_H

#include "core.h"
#include "store_accel.h"

/* At most this many events are kept per device. */
#define CORE_ACCEL_EVENTS_KEPT 50
/* Longest lease one request may ask for: 30 days. */
#define CORE_ACCEL_LEASE_MAX (30 * 24 * 3600)

typedef struct core_accel_result {
    bool queued;
    int64_t dev_id;   /* attached: the device; queued for a device: that one */
    int64_t position; /* queued: 1 for the head of the queue */
    int64_t lease_end;
} core_accel_result;

/* profile (a name) or dev_id (exactly one); lease_seconds 0: until released
 * (or, under an hours-per-day quota, what is left of today's allowance). */
core_code core_accel_acquire(core_call *k, int64_t vm_id, const char *profile, int64_t dev_id,
                             int64_t lease_seconds, core_accel_result *out);
/* The holder (the VM's owner) or an admin. */
core_code core_accel_release(core_call *k, int64_t dev_id);
/* Removes the VM's waiting requests (*removed: how many). */
core_code core_accel_cancel(core_call *k, int64_t vm_id, int64_t *removed);
/* Admins: ends the lease now. */
core_code core_accel_revoke(core_call *k, int64_t dev_id);

core_code core_accel_profiles(core_call *k, store_accel_profile **list, size_t *n);
/* Admins. ids: "vvvv:pppp" each (hexadecimal). */
core_code core_accel_profile_create(core_call *k, const char *name, const char *const *ids,
                                    size_t nids, const char *info, store_accel_profile *out);
void store_accel_profile_clear(store_accel_profile *p);
/* Admins: only user_id may then get the device (0: no reservation). */
core_code core_accel_reserve(core_call *k, int64_t dev_id, int64_t user_id);
/* Admins set; a user reads their own. -1: unlimited. */
core_code core_accel_quota_set(core_call *k, int64_t user_id, int64_t max_held,
                               int64_t hours_per_day);
core_code core_accel_quota_get(core_call *k, int64_t user_id, int64_t *max_held,
                               int64_t *hours_per_day, int64_t *used_today_s);

/* ---- Views (devices are visible to all; VMs only to who may see them) ---- */

/* *held false when nobody holds the device. */
core_code core_accel_lease(core_call *k, int64_t dev_id, store_accel_lease *out, bool *held);
/* The requests this device can serve (for it, or for its profile), in
 * order. */
core_code core_accel_queue(core_call *k, int64_t dev_id, store_accel_wait **list, size_t *n);
/* The profile of a device row (malloc'ed name), NULL when none matches. */
char *core_accel_profile_of(core_call *k, const store_dev *d);
core_code core_accel_reservation(core_call *k, int64_t dev_id, int64_t *user_id);
core_code core_accel_events(core_call *k, int64_t dev_id, int64_t limit, store_accel_event **list,
                            size_t *n);
/* Counters, and held seconds per user (the current lease included). */
core_code core_accel_stats(core_call *k, int64_t dev_id, int64_t out[STORE_ACCEL_STAT_COUNT],
                           store_accel_held **held, size_t *nheld);

/* ---- The daemon's side -------------------------------------------------- */

/* Ends expired leases and those of VMs that powered off or went away,
 * re-attaches held devices that came back, and serves the queue. The
 * daemon runs it every tick; mutations that can free a device run it too. */
void core_accel_tick(core *c);
void core_accel_tick_at(core *c, int64_t now);

/* The identity of a host device that a profile names (malloc'ed
 * "profile:<name>:serial:<s>" or ":port:<p>"), NULL otherwise. */
char *core_accel_hw_key(const store_accel_profile *profiles, size_t n, const drv_usb *u);

/* Prometheus text for /metrics, one call of `out` per line. */
void core_accel_metrics(core *c, void (*out)(const char *line, void *ud), void *ud);

#endif
