/* sync.c -- reconciliation of the store with the hypervisor at start.
 *
 * The orderings in vm.c guarantee that after a crash only these can be out
 * of step, and this is what each becomes:
 *   - a CREATING row whose domain exists: creation got past define, so it
 *     is finished (state and UUID recorded);
 *   - a CREATING row without a domain: the row and any volumes made for it
 *     are removed (the caller got an error or no answer; nothing runs);
 *   - a domain or a volume named after an ID without a row: a delete that
 *     got past the row; it is removed (IDs are never reused, so nothing can
 *     have adopted it);
 *   - any other row: its state is refreshed from the domain, ERROR when the
 *     domain is missing (someone undefined it behind EPFIOT's back: kept,
 *     so that the owner sees it and can delete it).
 * USB devices are rescanned too (present or not, assignments kept).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_accel.h"
#include "internal.h"

static bool has_row(const store_vm *rows, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].id == id)
            return true;
    return false;
}

static const drv_vm_info *find_dom(const drv_vm_info *doms, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(doms[i].name, name) == 0)
            return &doms[i];
    return NULL;
}

static void remove_objects(core *c, const char *domain_name, const char *why)
{
    if (drv_vm_undefine(c->d, domain_name) == DRV_OK)
        core_log(c, CORE_LOG_INFO, "reconcile: removed %s (%s)", domain_name, why);
    else
        core_log(c, CORE_LOG_WARN, "reconcile: cannot remove %s: %s", domain_name,
                 drv_errmsg(c->d));
}

static void sync_rows(core *c, store *st, store_vm *rows, size_t nrows, const drv_vm_info *doms,
                      size_t ndoms, bool at_start)
{
    for (size_t i = 0; i < nrows; i++) {
        store_vm *vm = &rows[i];
        const drv_vm_info *dom = find_dom(doms, ndoms, vm->domain_name);
        /* While the daemon runs, a CREATING row belongs to a createVm in
         * progress: only the start-up pass may judge it. */
        if (vm->state == STORE_VM_CREATING && !at_start)
            continue;
        if (vm->state == STORE_VM_CREATING && !dom) {
            store_vm_delete(st, vm->id, 0);
            remove_objects(c, vm->domain_name, "unfinished creation");
            vm->id = 0; /* gone: its volumes are no longer a row's */
        } else if (!dom) {
            if (vm->state != STORE_VM_ERROR)
                core_log(c, CORE_LOG_WARN, "reconcile: VM %lld has no domain %s", (long long)vm->id,
                         vm->domain_name);
            store_vm_set_runtime(st, vm->id, STORE_VM_ERROR, NULL, NULL);
        } else {
            /* The list is a moment old, and an event may have recorded a
             * newer state since (a VM stopping as libvirtd comes back):
             * the state written is libvirt's at the time of writing. */
            drv_vm_state now = dom->state;
            drv_vm_info info;
            if (!at_start && drv_vm_get_info(c->d, vm->domain_name, &info) == DRV_OK) {
                now = info.state;
                drv_vm_info_clear(&info);
            }
            store_vm_set_runtime(st, vm->id, core_state_of(now), NULL, dom->uuid);
        }
    }
}

/* Domains and volumes are listed before the rows, under the driver lock:
 * a createVm commits its row before it defines anything (and defines only
 * under this lock), so every object seen here has its row in the list that
 * follows, and a concurrent create is never mistaken for a leftover. */
static core_code reconcile(core *c, bool at_start, char *msg, size_t msglen)
{
    store *st = core_store(c);
    store_vm *rows = NULL;
    drv_vm_info *doms = NULL;
    char **vols = NULL;
    size_t nrows = 0, ndoms = 0, nvols = 0;
    core_code rc = CORE_OK;
    msg[0] = 0;
    core_drv_lock(c);
    if (drv_vm_list(c->d, CORE_VM_PREFIX, &doms, &ndoms) != DRV_OK ||
        drv_volume_list(c->d, CORE_VM_PREFIX, &vols, &nvols) != DRV_OK) {
        snprintf(msg, msglen, "cannot list the hypervisor's VMs: %s", drv_errmsg(c->d));
        rc = CORE_INTERNAL;
        goto out;
    }
    if (store_vm_list(st, 0, &rows, &nrows) != STORE_OK) {
        snprintf(msg, msglen, "cannot list VMs: %s", store_errmsg(st));
        rc = CORE_INTERNAL;
        goto out;
    }
    sync_rows(c, st, rows, nrows, doms, ndoms, at_start);
    for (size_t i = 0; i < ndoms; i++) {
        int64_t id = core_vm_id_of(doms[i].name);
        if (id && !has_row(rows, nrows, id))
            remove_objects(c, doms[i].name, "no VM row");
    }
    for (size_t i = 0; i < nvols; i++) {
        int64_t id = core_vm_id_of(vols[i]);
        if (id && !has_row(rows, nrows, id)) {
            char name[64];
            snprintf(name, sizeof name, CORE_VM_PREFIX "%lld", (long long)id);
            remove_objects(c, name, "volume without a VM row");
        }
    }
out:
    core_drv_unlock(c);
    drv_name_list_free(vols, nvols);
    drv_vm_info_list_free(doms, ndoms);
    store_vm_list_free(rows, nrows);
    if (rc == CORE_OK) {
        core_call k;
        core_call_init(&k, c);
        store_dev *devs = NULL;
        size_t n = 0;
        /* The daemon itself rescans: a principal only to pass the check. */
        k.uid = INT64_MAX;
        k.role = STORE_ROLE_ADMIN;
        core_dev_list(&k, 0, true, &devs, &n);
        store_dev_list_free(devs, n);
        /* Held devices that came back are re-attached, freed ones served. */
        core_accel_tick(c);
    }
    return rc;
}

core_code core_reconcile(core *c, char *msg, size_t msglen)
{
    return reconcile(c, true, msg, msglen);
}

core_code core_resync(core *c, char *msg, size_t msglen)
{
    return reconcile(c, false, msg, msglen);
}
