/* accel.c -- accelerators as a shared resource (see core_accel.h).
 *
 * State lives in the store (store_accel.h), so that a restart keeps leases
 * and the queue; this file holds the rules. One mutex (core.accel_lock)
 * serialises every change of holder, whether it comes from a request or
 * from the daemon's tick, so that two hand-overs of one device never
 * interleave. Hypervisor calls run under the driver lock as everywhere.
 *
 * Order of a hand-over: detach from the holder's domain, then the rows
 * (device released, lease ended, time held added), then the next waiter:
 * attach to its domain, then the rows. A failure on the way leaves the
 * device free in the rows and out of both domains, with an event saying
 * what failed; it never stays half attached.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_accel.h"
#include "internal.h"

/* ---- Small helpers ---------------------------------------------------------- */

static void event(store *st, int64_t dev_id, const char *kind, int64_t vm_id, int64_t user_id,
                  int64_t at, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void event(store *st, int64_t dev_id, const char *kind, int64_t vm_id, int64_t user_id,
                  int64_t at, const char *fmt, ...)
{
    char detail[256] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof detail, fmt, ap);
        va_end(ap);
    }
    store_accel_event e = {.dev_id = dev_id,
                           .at = at,
                           .kind = (char *)kind,
                           .vm_id = vm_id,
                           .user_id = user_id,
                           .detail = detail};
    store_accel_event_add(st, &e, CORE_ACCEL_EVENTS_KEPT);
}

static void stat_add(store *st, int64_t dev_id, store_accel_stat s, int64_t v)
{
    store_accel_stat_add(st, dev_id, s, v);
}

void store_accel_profile_clear(store_accel_profile *p)
{
    free(p->name);
    free(p->ids);
    free(p->info);
    memset(p, 0, sizeof *p);
}

static bool profile_has(const store_accel_profile *p, unsigned vendor, unsigned product)
{
    char id[16];
    snprintf(id, sizeof id, "%04x:%04x", vendor & 0xffff, product & 0xffff);
    const char *s = p->ids;
    while (s && *s) {
        if (strncmp(s, id, 9) == 0 && (s[9] == ',' || s[9] == 0))
            return true;
        s = strchr(s, ',');
        if (s)
            s++;
    }
    return false;
}

static const store_accel_profile *profile_match(const store_accel_profile *list, size_t n,
                                                unsigned vendor, unsigned product)
{
    for (size_t i = 0; i < n; i++)
        if (profile_has(&list[i], vendor, product))
            return &list[i];
    return NULL;
}

static unsigned hex_of(const char *s)
{
    return (unsigned)strtoul(s ? s : "0", NULL, 16);
}

char *core_accel_hw_key(const store_accel_profile *profiles, size_t n, const drv_usb *u)
{
    const store_accel_profile *p = profile_match(profiles, n, u->vendor, u->product);
    if (!p)
        return NULL;
    const char *kind = u->serial && *u->serial ? "serial" : u->port && *u->port ? "port" : NULL;
    if (!kind)
        return NULL;
    char *key = NULL;
    if (asprintf(&key, "profile:%s:%s:%s", p->name, kind,
                 !strcmp(kind, "serial") ? u->serial : u->port) < 0)
        abort();
    return key;
}

/* The profile of a device row; the list is the caller's. */
static const store_accel_profile *dev_profile(const store_accel_profile *list, size_t n,
                                              const store_dev *d)
{
    return profile_match(list, n, hex_of(d->vendor_id), hex_of(d->product_id));
}

static int64_t day_of(int64_t t)
{
    return t / 86400;
}

/* A call made by the daemon itself (ticks): admin rights, no user. */
static void daemon_call(core_call *k, core *c)
{
    core_call_init(k, c);
    k->uid = INT64_MAX;
    k->role = STORE_ROLE_ADMIN;
}

/* ---- Driver steps ------------------------------------------------------------- */

/* Detaches the device from the domain. OK too when it is not attached
 * there (or the domain is gone): either way it is out of that VM. */
static drv_status drv_detach(core *c, const char *domain, const drv_usb_sel *sel, char *err,
                             size_t errlen)
{
    core_drv_lock(c);
    drv_status s = drv_usb_detach(c->d, domain, sel);
    if (s != DRV_OK)
        snprintf(err, errlen, "%s", drv_errmsg(c->d));
    core_drv_unlock(c);
    return s == DRV_NOT_FOUND ? DRV_OK : s;
}

static drv_status drv_attach(core *c, const char *domain, const drv_usb_sel *sel, char *err,
                             size_t errlen)
{
    core_drv_lock(c);
    drv_status s = drv_usb_attach(c->d, domain, sel);
    if (s != DRV_OK)
        snprintf(err, errlen, "%s", drv_errmsg(c->d));
    core_drv_unlock(c);
    return s;
}

/* Attaches a free device to a VM and records the lease. On failure the
 * device stays free and an ATTACH_FAILED event says why. */
static bool grant(core *c, store *st, const store_dev *d, const store_vm *vm, int64_t user_id,
                  int64_t lease_seconds, int64_t now, int64_t waited, int64_t wait_id,
                  const char *how, char *err, size_t errlen)
{
    drv_usb_sel sel;
    core_usb_sel_of(d, &sel);
    drv_status s = drv_attach(c, vm->domain_name, &sel, err, errlen);
    /* The rows change in one transaction: readers see the lease with its
     * event and counters, or none of them. */
    bool tx = store_tx_begin(st) == STORE_OK;
    if (wait_id)
        store_accel_wait_delete(st, wait_id);
    if (s == DRV_OK && store_dev_attach(st, d->id, vm->id, 0) != STORE_OK) {
        snprintf(err, errlen, "cannot record the attachment: %s", store_errmsg(st));
        char ignored[8];
        drv_detach(c, vm->domain_name, &sel, ignored, sizeof ignored);
        s = DRV_ERROR;
    }
    if (s != DRV_OK) {
        core_log(c, CORE_LOG_WARN, "accelerator %lld: cannot attach to VM %lld: %s",
                 (long long)d->id, (long long)vm->id, err);
        stat_add(st, d->id, STORE_ACCEL_FAILURES, 1);
        event(st, d->id, "ATTACH_FAILED", vm->id, user_id, now, "%s:%s could not be attached",
              d->vendor_id, d->product_id);
        if (tx)
            store_tx_commit(st);
        return false;
    }
    store_accel_lease l = {
        .dev_id = d->id,
        .vm_id = vm->id,
        .user_id = user_id,
        .since = now,
        .lease_end = lease_seconds ? now + lease_seconds : 0,
        .was_running = vm->state == STORE_VM_RUNNING,
        .att_vendor = sel.vendor,
        .att_product = sel.product,
        .att_bus = d->bus,
        .att_device = d->device,
    };
    store_accel_lease_put(st, &l);
    store_accel_day_add(st, user_id, day_of(now), lease_seconds);
    stat_add(st, d->id, STORE_ACCEL_ATTACHES, 1);
    stat_add(st, d->id, STORE_ACCEL_GRANTS, 1);
    if (waited >= 0) {
        stat_add(st, d->id, STORE_ACCEL_WAITS, 1);
        stat_add(st, d->id, STORE_ACCEL_WAIT_TOTAL, waited);
        stat_add(st, d->id, STORE_ACCEL_WAIT_MAX, waited);
    }
    if (lease_seconds)
        event(st, d->id, "ACQUIRED", vm->id, user_id, now, "%s, lease of %lld s", how,
              (long long)lease_seconds);
    else
        event(st, d->id, "ACQUIRED", vm->id, user_id, now, "%s, until released", how);
    if (tx)
        store_tx_commit(st);
    core_log(c, CORE_LOG_INFO, "accelerator %lld attached to VM %lld (user %lld)", (long long)d->id,
             (long long)vm->id, (long long)user_id);
    return true;
}

/* Ends a lease: detach from the holder's domain (when it still has one),
 * then the rows. `kind` names why (RELEASED, EXPIRED, REVOKED, POWEROFF,
 * DESTROYED). Returns false when the detach failed: the device then stays
 * with that VM, without lease, and a DETACH_FAILED event says so. */
static bool end_lease(core *c, store *st, const store_accel_lease *l, const char *kind, int64_t now)
{
    store_dev d;
    if (store_dev_get(st, l->dev_id, &d) != STORE_OK) {
        store_accel_lease_delete(st, l->dev_id);
        return true;
    }
    store_vm vm;
    bool have_vm = store_vm_get(st, l->vm_id, 0, &vm) == STORE_OK;
    bool ok = true;
    if (have_vm && vm.domain_name) {
        drv_usb_sel sel;
        core_usb_sel_of(&d, &sel);
        /* What the domain holds: the IDs it was attached with. */
        sel.vendor = (unsigned)l->att_vendor;
        sel.product = (unsigned)l->att_product;
        char err[512] = "";
        if (drv_detach(c, vm.domain_name, &sel, err, sizeof err) != DRV_OK) {
            core_log(c, CORE_LOG_WARN, "accelerator %lld: cannot detach from VM %lld: %s",
                     (long long)d.id, (long long)vm.id, err);
            stat_add(st, d.id, STORE_ACCEL_FAILURES, 1);
            event(st, d.id, "DETACH_FAILED", vm.id, l->user_id, now,
                  "still attached; an admin must detach it");
            ok = false;
        }
    }
    bool tx = store_tx_begin(st) == STORE_OK;
    if (ok) {
        if (d.vm_id == l->vm_id)
            store_dev_detach(st, d.id, l->vm_id, 0);
        stat_add(st, d.id, STORE_ACCEL_DETACHES, 1);
    }
    store_accel_lease_delete(st, l->dev_id);
    store_accel_held_add(st, l->dev_id, l->user_id, now > l->since ? now - l->since : 0);
    event(st, d.id, kind, l->vm_id, l->user_id, now, "held for %lld s",
          (long long)(now > l->since ? now - l->since : 0));
    if (tx)
        store_tx_commit(st);
    core_log(c, CORE_LOG_INFO, "accelerator %lld: lease of VM %lld ended (%s)", (long long)d.id,
             (long long)l->vm_id, kind);
    if (have_vm)
        store_vm_clear(&vm);
    store_dev_clear(&d);
    return ok;
}

/* May user_id have device d (reservations)? */
static bool reserved_ok(store *st, int64_t dev_id, int64_t user_id)
{
    int64_t owner = 0;
    store_accel_reservation(st, dev_id, &owner);
    return !owner || owner == user_id;
}

static bool dev_free(store *st, const store_dev *d)
{
    store_accel_lease l;
    return d->present && !d->vm_id && store_accel_lease_get(st, d->id, &l) == STORE_NOT_FOUND;
}

/* Gives a free device to the oldest request it can serve. */
static void serve(core *c, store *st, const store_dev *d, const store_accel_profile *profiles,
                  size_t nprofiles, int64_t now)
{
    const store_accel_profile *p = dev_profile(profiles, nprofiles, d);
    store_accel_wait *w = NULL;
    size_t n = 0;
    if (store_accel_wait_list(st, &w, &n) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (w[i].dev_id != d->id && !(p && w[i].profile_id == p->id))
            continue;
        if (!reserved_ok(st, d->id, w[i].user_id))
            continue;
        store_vm vm;
        if (store_vm_get(st, w[i].vm_id, 0, &vm) != STORE_OK) {
            store_accel_wait_delete(st, w[i].id);
            continue;
        }
        char err[512] = "";
        bool ok = grant(c, st, d, &vm, w[i].user_id, w[i].lease_seconds, now,
                        now - w[i].enqueued_at, w[i].id, "from the queue", err, sizeof err);
        store_vm_clear(&vm);
        if (ok)
            break;
    }
    free(w);
}

/* Re-attaches a held device that came back with new IDs or a new device
 * number (replug, firmware load). */
static void reattach(core *c, store *st, store_accel_lease *l, const store_dev *d, int64_t now)
{
    store_vm vm;
    if (store_vm_get(st, l->vm_id, 0, &vm) != STORE_OK)
        return;
    drv_usb_sel old, sel;
    core_usb_sel_of(d, &sel);
    old = sel;
    old.vendor = (unsigned)l->att_vendor;
    old.product = (unsigned)l->att_product;
    char err[512] = "";
    drv_status s = drv_detach(c, vm.domain_name, &old, err, sizeof err);
    if (s == DRV_OK)
        s = drv_attach(c, vm.domain_name, &sel, err, sizeof err);
    if (s == DRV_OK) {
        stat_add(st, d->id, STORE_ACCEL_REATTACHES, 1);
        event(st, d->id, "REATTACHED", vm.id, l->user_id, now,
              "%04x:%04x device %lld re-attached (was %04x:%04x device %lld)", sel.vendor,
              sel.product, (long long)d->device, (unsigned)l->att_vendor, (unsigned)l->att_product,
              (long long)l->att_device);
        core_log(c, CORE_LOG_INFO, "accelerator %lld re-attached to VM %lld", (long long)d->id,
                 (long long)vm.id);
        l->att_vendor = sel.vendor;
        l->att_product = sel.product;
        l->att_bus = d->bus;
        l->att_device = d->device;
        l->absent_since = 0;
        store_accel_lease_put(st, l);
    } else {
        /* Never half attached: out of the domain (best effort) and free. */
        core_log(c, CORE_LOG_WARN, "accelerator %lld: cannot re-attach to VM %lld: %s",
                 (long long)d->id, (long long)vm.id, err);
        stat_add(st, d->id, STORE_ACCEL_FAILURES, 1);
        char ignored[8];
        drv_detach(c, vm.domain_name, &sel, ignored, sizeof ignored);
        store_dev_detach(st, d->id, vm.id, 0);
        store_accel_lease_delete(st, l->dev_id);
        if (now > l->since)
            store_accel_held_add(st, l->dev_id, l->user_id, now - l->since);
        event(st, d->id, "REATTACH_FAILED", vm.id, l->user_id, now,
              "the device came back but could not be re-attached; it is free");
    }
    store_vm_clear(&vm);
}

/* One lease against the current rows: ended, re-attached, or kept. */
static void check_lease(core *c, store *st, store_accel_lease *l, int64_t now)
{
    store_vm vm;
    store_status vs = store_vm_get(st, l->vm_id, 0, &vm);
    if (vs == STORE_NOT_FOUND) {
        end_lease(c, st, l, "DESTROYED", now);
        return;
    }
    if (vs != STORE_OK)
        return;
    store_vm_state state = vm.state;
    store_vm_clear(&vm);
    store_dev d;
    if (store_dev_get(st, l->dev_id, &d) != STORE_OK)
        return;
    if (d.vm_id != l->vm_id) {
        /* detachDevice by hand: the lease went with it. */
        store_accel_lease_delete(st, l->dev_id);
        if (now > l->since)
            store_accel_held_add(st, l->dev_id, l->user_id, now - l->since);
        event(st, d.id, "RELEASED", l->vm_id, l->user_id, now, "detached with detachDevice");
    } else if (l->was_running && (state == STORE_VM_POWEROFF || state == STORE_VM_CRASHED ||
                                  state == STORE_VM_ERROR)) {
        end_lease(c, st, l, "POWEROFF", now);
    } else if (l->lease_end && now >= l->lease_end) {
        end_lease(c, st, l, "EXPIRED", now);
    } else if (!d.present) {
        if (!l->absent_since) {
            l->absent_since = now;
            store_accel_lease_put(st, l);
            event(st, d.id, "UNPLUGGED", l->vm_id, l->user_id, now,
                  "held device gone from the host; re-attached when it is back");
        }
    } else if (l->absent_since || hex_of(d.vendor_id) != l->att_vendor ||
               hex_of(d.product_id) != l->att_product || d.device != l->att_device ||
               d.bus != l->att_bus) {
        reattach(c, st, l, &d, now);
    } else if (!l->was_running && state == STORE_VM_RUNNING) {
        l->was_running = true;
        store_accel_lease_put(st, l);
    }
    store_dev_clear(&d);
}

static void tick_locked(core *c, store *st, int64_t now)
{
    store_accel_lease *leases = NULL;
    size_t nl = 0;
    if (store_accel_lease_list(st, &leases, &nl) == STORE_OK)
        for (size_t i = 0; i < nl; i++)
            check_lease(c, st, &leases[i], now);
    free(leases);
    store_accel_profile *profiles = NULL;
    size_t np = 0;
    store_dev *devs = NULL;
    size_t nd = 0;
    store_accel_profile_list(st, &profiles, &np);
    if (store_dev_list(st, 0, &devs, &nd) == STORE_OK)
        for (size_t i = 0; i < nd; i++)
            if (dev_free(st, &devs[i]))
                serve(c, st, &devs[i], profiles, np, now);
    store_dev_list_free(devs, nd);
    store_accel_profile_list_free(profiles, np);
}

void core_accel_tick_at(core *c, int64_t now)
{
    store *st = core_store(c);
    if (!st)
        return;
    pthread_mutex_lock(&c->accel_lock);
    tick_locked(c, st, now);
    pthread_mutex_unlock(&c->accel_lock);
}

void core_accel_tick(core *c)
{
    core_accel_tick_at(c, core_now());
}

/* ---- Requests ------------------------------------------------------------------ */

static core_code vm_scoped(core_call *k, int64_t id, store_vm *out)
{
    store_status s = store_vm_get(k->st, id, core_scope(k), out);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "get VM");
}

/* Quotas of the VM's owner: devices held (or waited for) at once, lease
 * hours per day, and the account's attached-devices quota. *lease is set
 * to what is left today when it is 0 under an hours quota. */
static core_code check_quota(core_call *k, int64_t owner, int64_t *lease, int64_t now)
{
    int64_t max_held, hours;
    if (store_accel_quota_get(k->st, owner, &max_held, &hours) != STORE_OK)
        return core_store_fail(k, "accelerator quota");
    int64_t taken = 0;
    store_accel_lease *l = NULL;
    size_t nl = 0;
    store_accel_wait *w = NULL;
    size_t nw = 0;
    store_accel_lease_list(k->st, &l, &nl);
    store_accel_wait_list(k->st, &w, &nw);
    for (size_t i = 0; i < nl; i++)
        taken += l[i].user_id == owner;
    for (size_t i = 0; i < nw; i++)
        taken += w[i].user_id == owner;
    free(l);
    free(w);
    if (max_held >= 0 && taken >= max_held)
        return core_fail(k, CORE_QUOTA_EXCEEDED,
                         "quota exceeded: at most %lld accelerators held or requested at once",
                         (long long)max_held);
    if (hours >= 0) {
        int64_t used = 0;
        store_accel_day_get(k->st, owner, day_of(now), &used);
        int64_t left = hours * 3600 - used;
        if (*lease == 0)
            *lease = left;
        if (left <= 0 || *lease > left)
            return core_fail(k, CORE_QUOTA_EXCEEDED,
                             "quota exceeded: %lld accelerator lease hours per day, %lld s left "
                             "today",
                             (long long)hours, (long long)(left > 0 ? left : 0));
    }
    store_quota q;
    store_usage u;
    if (store_quota_get(k->st, owner, &q) == STORE_OK &&
        store_usage_get(k->st, owner, &u) == STORE_OK && q.max_devices >= 0 &&
        u.devices >= q.max_devices)
        return core_fail(k, CORE_QUOTA_EXCEEDED, "quota exceeded: at most %lld attached devices",
                         (long long)q.max_devices);
    return CORE_OK;
}

static int64_t position_of(store *st, int64_t wait_id, int64_t dev_id, int64_t profile_id)
{
    store_accel_wait *w = NULL;
    size_t n = 0;
    int64_t pos = 0;
    store_accel_wait_list(st, &w, &n);
    for (size_t i = 0; i < n; i++) {
        if ((dev_id && w[i].dev_id == dev_id) || (profile_id && w[i].profile_id == profile_id))
            pos++;
        if (w[i].id == wait_id)
            break;
    }
    free(w);
    return pos;
}

static core_code acquire_locked(core_call *k, const store_vm *vm, const store_accel_profile *p,
                                const store_dev *one, int64_t lease, core_accel_result *out,
                                const store_accel_profile *profiles, size_t np)
{
    int64_t now = core_now();
    store_dev *devs = NULL;
    size_t nd = 0;
    if (store_dev_list(k->st, 0, &devs, &nd) != STORE_OK)
        return core_store_fail(k, "devices");
    core_code rc = CORE_OK;
    /* Already held or awaited by this VM? */
    store_accel_wait *w = NULL;
    size_t nw = 0;
    store_accel_wait_list(k->st, &w, &nw);
    for (size_t i = 0; i < nw && !rc; i++)
        if (w[i].vm_id == vm->id &&
            ((one && w[i].dev_id == one->id) || (p && w[i].profile_id == p->id)))
            rc = core_fail(k, CORE_CONFLICT, "this VM is already waiting for it");
    free(w);
    for (size_t i = 0; i < nd && !rc; i++) {
        const store_dev *d = &devs[i];
        bool wanted = one ? d->id == one->id : dev_profile(profiles, np, d) == p;
        if (wanted && d->vm_id == vm->id)
            rc = core_fail(k, CORE_CONFLICT, "this VM holds device %lld already", (long long)d->id);
    }
    if (!rc)
        rc = check_quota(k, vm->owner_id, &lease, now);
    for (size_t i = 0; i < nd && !rc; i++) {
        const store_dev *d = &devs[i];
        bool wanted = one ? d->id == one->id : dev_profile(profiles, np, d) == p;
        if (!wanted || !dev_free(k->st, d) || !reserved_ok(k->st, d->id, vm->owner_id))
            continue;
        char err[512] = "";
        if (!grant(k->c, k->st, d, vm, vm->owner_id, lease, now, -1, 0, "at once", err,
                   sizeof err)) {
            rc = core_fail(k, CORE_CONFLICT,
                           "cannot attach device %lld to VM %s; it stays free (%s)",
                           (long long)d->id, vm->name,
                           strstr(err, "hot-plug") || strstr(err, "not supported")
                               ? "this hypervisor cannot hot-plug USB devices: power the VM "
                                 "off first"
                               : "see the device's events");
            goto out;
        }
        *out = (core_accel_result){.dev_id = d->id, .lease_end = lease ? now + lease : 0};
        goto out;
    }
    if (!rc) {
        store_accel_wait nw_ = {.dev_id = one ? one->id : 0,
                                .profile_id = one ? 0 : p->id,
                                .vm_id = vm->id,
                                .user_id = vm->owner_id,
                                .lease_seconds = lease,
                                .enqueued_at = now};
        if (store_accel_wait_add(k->st, &nw_) != STORE_OK) {
            rc = core_store_fail(k, "queue request");
            goto out;
        }
        out->queued = true;
        out->dev_id = one ? one->id : 0;
        out->position = position_of(k->st, nw_.id, nw_.dev_id, nw_.profile_id);
        /* The event goes to the device asked for, or each of the profile. */
        for (size_t i = 0; i < nd; i++)
            if (one ? devs[i].id == one->id : dev_profile(profiles, np, &devs[i]) == p)
                event(k->st, devs[i].id, "QUEUED", vm->id, vm->owner_id, now, "position %lld",
                      (long long)out->position);
    }
out:
    store_dev_list_free(devs, nd);
    return rc;
}

core_code core_accel_acquire(core_call *k, int64_t vm_id, const char *profile, int64_t dev_id,
                             int64_t lease_seconds, core_accel_result *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if ((profile && dev_id) || (!profile && !dev_id))
        return core_fail(k, CORE_BAD_USER_INPUT, "give either a profile or a devID");
    if (lease_seconds < 0 || lease_seconds > CORE_ACCEL_LEASE_MAX)
        return core_fail(k, CORE_BAD_USER_INPUT, "leaseSeconds is between 0 and %d",
                         CORE_ACCEL_LEASE_MAX);
    store_vm vm;
    if ((rc = vm_scoped(k, vm_id, &vm)))
        return rc;
    if (vm.state == STORE_VM_CREATING || vm.state == STORE_VM_ERROR || !vm.domain_name) {
        store_vm_clear(&vm);
        return core_fail(k, CORE_CONFLICT, "the VM is not ready for devices");
    }
    store_accel_profile *profiles = NULL;
    size_t np = 0;
    store_dev one = {0};
    const store_accel_profile *p = NULL;
    if (store_accel_profile_list(k->st, &profiles, &np) != STORE_OK) {
        rc = core_store_fail(k, "profiles");
        goto out;
    }
    if (profile) {
        for (size_t i = 0; i < np && !p; i++)
            if (!strcmp(profiles[i].name, profile))
                p = &profiles[i];
        if (!p) {
            rc = core_fail(k, CORE_NOT_FOUND, "no such device profile");
            goto out;
        }
    } else {
        store_status s = store_dev_get(k->st, dev_id, &one);
        if (s == STORE_NOT_FOUND) {
            rc = core_fail(k, CORE_NOT_FOUND, "no such device");
            goto out;
        }
        if (s != STORE_OK) {
            rc = core_store_fail(k, "get device");
            goto out;
        }
    }
    pthread_mutex_lock(&k->c->accel_lock);
    rc = acquire_locked(k, &vm, p, profile ? NULL : &one, lease_seconds, out, profiles, np);
    pthread_mutex_unlock(&k->c->accel_lock);
out:
    store_dev_clear(&one);
    store_accel_profile_list_free(profiles, np);
    store_vm_clear(&vm);
    return rc;
}

/* Ends the lease of dev_id for the caller: its holder (the VM's owner),
 * or any lease for an admin (revoke). */
static core_code end_by(core_call *k, int64_t dev_id, bool admin_only, const char *kind)
{
    core_code rc = admin_only ? core_need_admin(k) : core_need_user(k);
    if (rc)
        return rc;
    pthread_mutex_lock(&k->c->accel_lock);
    store_accel_lease l;
    store_status s = store_accel_lease_get(k->st, dev_id, &l);
    if (s == STORE_NOT_FOUND ||
        (s == STORE_OK && k->role != STORE_ROLE_ADMIN && l.user_id != k->uid))
        rc = core_fail(k, CORE_NOT_FOUND,
                       admin_only ? "nobody holds this device" : "you do not hold this device");
    else if (s != STORE_OK)
        rc = core_store_fail(k, "lease");
    else {
        int64_t now = core_now();
        if (!end_lease(k->c, k->st, &l, kind, now))
            rc = core_fail(k, CORE_INTERNAL,
                           "the device could not be detached from its VM (see its events)");
        tick_locked(k->c, k->st, now);
    }
    pthread_mutex_unlock(&k->c->accel_lock);
    return rc;
}

core_code core_accel_release(core_call *k, int64_t dev_id)
{
    return end_by(k, dev_id, false, "RELEASED");
}

core_code core_accel_revoke(core_call *k, int64_t dev_id)
{
    return end_by(k, dev_id, true, "REVOKED");
}

core_code core_accel_cancel(core_call *k, int64_t vm_id, int64_t *removed)
{
    *removed = 0;
    core_code rc = core_need_user(k);
    store_vm vm;
    if (rc || (rc = vm_scoped(k, vm_id, &vm)))
        return rc;
    store_vm_clear(&vm);
    pthread_mutex_lock(&k->c->accel_lock);
    store_accel_wait *w = NULL;
    size_t n = 0;
    store_accel_wait_list(k->st, &w, &n);
    for (size_t i = 0; i < n; i++)
        if (w[i].vm_id == vm_id && store_accel_wait_delete(k->st, w[i].id) == STORE_OK)
            (*removed)++;
    free(w);
    pthread_mutex_unlock(&k->c->accel_lock);
    return CORE_OK;
}

/* ---- Profiles, reservations, quotas ---------------------------------------------- */

core_code core_accel_profiles(core_call *k, store_accel_profile **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    return store_accel_profile_list(k->st, list, n) == STORE_OK ? CORE_OK
                                                                : core_store_fail(k, "profiles");
}

static bool usb_id_valid(const char *s)
{
    if (!s || strlen(s) != 9 || s[4] != ':')
        return false;
    for (int i = 0; i < 9; i++)
        if (i != 4 && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

core_code core_accel_profile_create(core_call *k, const char *name, const char *const *ids,
                                    size_t nids, const char *info, store_accel_profile *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (!name || !core_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid profile name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                         "starting with a letter or digit");
    if (nids == 0 || nids > 16)
        return core_fail(k, CORE_BAD_USER_INPUT, "a profile has 1 to 16 USB IDs");
    if (info && strlen(info) > 256)
        return core_fail(k, CORE_BAD_USER_INPUT, "info has at most 256 characters");
    char joined[16 * 10 + 1] = "";
    for (size_t i = 0; i < nids; i++) {
        if (!usb_id_valid(ids[i]))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "invalid USB ID: vvvv:pppp in lower-case hexadecimal "
                             "(e.g. 18d1:9302)");
        if (i)
            strcat(joined, ",");
        strcat(joined, ids[i]);
    }
    int64_t id;
    store_status s = store_accel_profile_create(k->st, name, joined, info, &id);
    if (s == STORE_CONFLICT)
        return core_fail(k, CORE_CONFLICT, "a profile named %s exists already", name);
    if (s != STORE_OK)
        return core_store_fail(k, "create profile");
    store_accel_profile *list = NULL;
    size_t n = 0;
    store_accel_profile_list(k->st, &list, &n);
    for (size_t i = 0; i < n; i++)
        if (list[i].id == id) {
            *out = list[i];
            memset(&list[i], 0, sizeof list[i]);
        }
    store_accel_profile_list_free(list, n);
    core_log(k->c, CORE_LOG_INFO, "device profile %s created by user %lld", name,
             (long long)k->uid);
    /* Devices of the new profile get its identity at the next scan. */
    atomic_store(&k->c->resync, true);
    return CORE_OK;
}

core_code core_accel_reserve(core_call *k, int64_t dev_id, int64_t user_id)
{
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    store_dev d;
    store_status s = store_dev_get(k->st, dev_id, &d);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such device");
    if (s != STORE_OK)
        return core_store_fail(k, "get device");
    store_dev_clear(&d);
    if (user_id) {
        store_user u;
        s = store_user_get(k->st, user_id, &u);
        if (s == STORE_NOT_FOUND)
            return core_fail(k, CORE_NOT_FOUND, "no such user");
        if (s != STORE_OK)
            return core_store_fail(k, "get user");
        store_user_clear(&u);
    }
    pthread_mutex_lock(&k->c->accel_lock);
    if (store_accel_reserve(k->st, dev_id, user_id) != STORE_OK)
        rc = core_store_fail(k, "reserve");
    else {
        event(k->st, dev_id, user_id ? "RESERVED" : "UNRESERVED", 0, user_id, core_now(), NULL);
        tick_locked(k->c, k->st, core_now());
    }
    pthread_mutex_unlock(&k->c->accel_lock);
    return rc;
}

core_code core_accel_quota_set(core_call *k, int64_t user_id, int64_t max_held,
                               int64_t hours_per_day)
{
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (max_held < -1 || hours_per_day < -1 || hours_per_day > 24)
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "maxHeld is -1 (unlimited) or more; hoursPerDay -1 or 0 to 24");
    store_user u;
    store_status s = store_user_get(k->st, user_id, &u);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    if (s != STORE_OK)
        return core_store_fail(k, "get user");
    store_user_clear(&u);
    return store_accel_quota_set(k->st, user_id, max_held, hours_per_day) == STORE_OK
               ? CORE_OK
               : core_store_fail(k, "set accelerator quota");
}

core_code core_accel_quota_get(core_call *k, int64_t user_id, int64_t *max_held,
                               int64_t *hours_per_day, int64_t *used_today_s)
{
    *max_held = *hours_per_day = -1;
    *used_today_s = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (k->role != STORE_ROLE_ADMIN && user_id != k->uid)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    if (store_accel_quota_get(k->st, user_id, max_held, hours_per_day) != STORE_OK ||
        store_accel_day_get(k->st, user_id, day_of(core_now()), used_today_s) != STORE_OK)
        return core_store_fail(k, "accelerator quota");
    return CORE_OK;
}

/* ---- Views ------------------------------------------------------------------------- */

core_code core_accel_lease(core_call *k, int64_t dev_id, store_accel_lease *out, bool *held)
{
    *held = false;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_status s = store_accel_lease_get(k->st, dev_id, out);
    if (s == STORE_NOT_FOUND)
        return CORE_OK;
    if (s != STORE_OK)
        return core_store_fail(k, "lease");
    *held = true;
    return CORE_OK;
}

core_code core_accel_queue(core_call *k, int64_t dev_id, store_accel_wait **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_dev d;
    if (store_dev_get(k->st, dev_id, &d) != STORE_OK)
        return CORE_OK;
    store_accel_profile *profiles = NULL;
    size_t np = 0;
    store_accel_profile_list(k->st, &profiles, &np);
    const store_accel_profile *p = dev_profile(profiles, np, &d);
    int64_t pid = p ? p->id : -1;
    store_accel_profile_list_free(profiles, np);
    store_dev_clear(&d);
    store_accel_wait *w = NULL;
    size_t nw = 0;
    if (store_accel_wait_list(k->st, &w, &nw) != STORE_OK)
        return core_store_fail(k, "queue");
    size_t j = 0;
    for (size_t i = 0; i < nw; i++)
        if (w[i].dev_id == dev_id || w[i].profile_id == pid)
            w[j++] = w[i];
    *list = w;
    *n = j;
    return CORE_OK;
}

char *core_accel_profile_of(core_call *k, const store_dev *d)
{
    store_accel_profile *profiles = NULL;
    size_t np = 0;
    store_accel_profile_list(k->st, &profiles, &np);
    const store_accel_profile *p = dev_profile(profiles, np, d);
    char *name = p ? strdup(p->name) : NULL;
    store_accel_profile_list_free(profiles, np);
    return name;
}

core_code core_accel_reservation(core_call *k, int64_t dev_id, int64_t *user_id)
{
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    return store_accel_reservation(k->st, dev_id, user_id) == STORE_OK
               ? CORE_OK
               : core_store_fail(k, "reservation");
}

core_code core_accel_events(core_call *k, int64_t dev_id, int64_t limit, store_accel_event **list,
                            size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (limit <= 0 || limit > CORE_ACCEL_EVENTS_KEPT)
        limit = CORE_ACCEL_EVENTS_KEPT;
    return store_accel_event_list(k->st, dev_id, limit, list, n) == STORE_OK
               ? CORE_OK
               : core_store_fail(k, "events");
}

core_code core_accel_stats(core_call *k, int64_t dev_id, int64_t out[STORE_ACCEL_STAT_COUNT],
                           store_accel_held **held, size_t *nheld)
{
    *held = NULL;
    *nheld = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (store_accel_stats(k->st, dev_id, out) != STORE_OK ||
        store_accel_held_list(k->st, dev_id, held, nheld) != STORE_OK)
        return core_store_fail(k, "device metrics");
    store_accel_lease l;
    if (store_accel_lease_get(k->st, dev_id, &l) == STORE_OK) {
        int64_t now = core_now(), live = now > l.since ? now - l.since : 0;
        size_t i = 0;
        while (i < *nheld && (*held)[i].user_id != l.user_id)
            i++;
        if (i == *nheld) {
            store_accel_held *g = realloc(*held, (*nheld + 1) * sizeof **held);
            if (!g)
                abort();
            *held = g;
            g[i] = (store_accel_held){.dev_id = dev_id, .user_id = l.user_id};
            (*nheld)++;
        }
        (*held)[i].seconds += live;
    }
    return CORE_OK;
}

void core_accel_metrics(core *c, void (*out)(const char *line, void *ud), void *ud)
{
    core_call k;
    daemon_call(&k, c);
    if (!k.st)
        return;
    store_dev *devs = NULL;
    size_t nd = 0;
    if (store_dev_list(k.st, 0, &devs, &nd) != STORE_OK)
        return;
    static const struct {
        const char *name, *type, *help;
    } m[] = {
        {"epfiot_accel_attaches_total", "counter", "Accelerator attachments by EPFIOT."},
        {"epfiot_accel_detaches_total", "counter", "Accelerator detachments at lease end."},
        {"epfiot_accel_reattaches_total", "counter",
         "Re-attachments after a replug or firmware re-enumeration."},
        {"epfiot_accel_failures_total", "counter", "Failed attach or detach steps."},
        {"epfiot_accel_grants_total", "counter", "Leases granted."},
        {"epfiot_accel_waits_total", "counter", "Leases granted after waiting in the queue."},
        {"epfiot_accel_wait_seconds_total", "counter", "Seconds waited by granted requests."},
        {"epfiot_accel_wait_seconds_max", "gauge", "Longest wait of a granted request."},
    };
    char line[256];
    int64_t(*stats)[STORE_ACCEL_STAT_COUNT] = calloc(nd ? nd : 1, sizeof *stats);
    size_t *qlen = calloc(nd ? nd : 1, sizeof *qlen);
    bool *held = calloc(nd ? nd : 1, sizeof *held);
    if (!stats || !qlen || !held)
        abort();
    for (size_t i = 0; i < nd; i++) {
        store_accel_stats(k.st, devs[i].id, stats[i]);
        store_accel_wait *w = NULL;
        core_accel_queue(&k, devs[i].id, &w, &qlen[i]);
        free(w);
        store_accel_lease l;
        held[i] = store_accel_lease_get(k.st, devs[i].id, &l) == STORE_OK;
    }
    for (size_t s = 0; s < sizeof m / sizeof *m; s++) {
        snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s", m[s].name, m[s].help, m[s].name,
                 m[s].type);
        out(line, ud);
        for (size_t i = 0; i < nd; i++) {
            snprintf(line, sizeof line, "%s{device=\"%lld\"} %lld", m[s].name,
                     (long long)devs[i].id, (long long)stats[i][s]);
            out(line, ud);
        }
    }
    out("# HELP epfiot_accel_queue_length Requests waiting for each device (or its profile).\n"
        "# TYPE epfiot_accel_queue_length gauge",
        ud);
    for (size_t i = 0; i < nd; i++) {
        snprintf(line, sizeof line, "epfiot_accel_queue_length{device=\"%lld\"} %zu",
                 (long long)devs[i].id, qlen[i]);
        out(line, ud);
    }
    out("# HELP epfiot_accel_held Whether the device is held under a lease.\n"
        "# TYPE epfiot_accel_held gauge",
        ud);
    for (size_t i = 0; i < nd; i++) {
        snprintf(line, sizeof line, "epfiot_accel_held{device=\"%lld\"} %d", (long long)devs[i].id,
                 held[i] ? 1 : 0);
        out(line, ud);
    }
    out("# HELP epfiot_accel_held_seconds_total Seconds each user held each device (ended "
        "leases).\n# TYPE epfiot_accel_held_seconds_total counter",
        ud);
    store_accel_held *h = NULL;
    size_t nh = 0;
    store_accel_held_list(k.st, 0, &h, &nh);
    for (size_t i = 0; i < nh; i++) {
        snprintf(line, sizeof line,
                 "epfiot_accel_held_seconds_total{device=\"%lld\",user=\"%lld\"} %lld",
                 (long long)h[i].dev_id, (long long)h[i].user_id, (long long)h[i].seconds);
        out(line, ud);
    }
    free(h);
    free(stats);
    free(qlen);
    free(held);
    store_dev_list_free(devs, nd);
}
