/* address.c -- the VMs' IP addresses, kept in the store.
 *
 * Asking libvirt for an address (DHCP leases of its network, then ARP, then
 * the guest agent: driver/libvirt.c) is a round trip to libvirtd, and reads
 * of Vm.ip are frequent (lists, the console's live view): so reads come
 * from the store, and the daemon's main loop refreshes the store here, every
 * tick for running VMs that have no address yet (a fresh boot: the address
 * shows up within a tick of the lease) and now and then for all running VMs
 * (an address that changes). The store clears the address whenever the
 * state says the VM no longer runs (store_vm_set_runtime), and writes one
 * only for a VM still running at that moment (store_vm_set_ip): a refresh
 * racing a stop event never brings a stopped VM's address back.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *core_vm_refresh_address(core *c, store *st, const store_vm *vm)
{
    char *ip = NULL;
    core_drv_lock(c);
    drv_status s = drv_vm_ip(c->d, vm->domain_name, &ip);
    core_drv_unlock(c);
    /* Not known (yet, or any more): the address stays as it was, since
     * leases can lapse while the guest keeps its address. */
    if (s != DRV_OK || !ip) {
        free(ip);
        return vm->ip ? strdup(vm->ip) : NULL;
    }
    if ((!vm->ip || strcmp(ip, vm->ip) != 0) && store_vm_set_ip(st, vm->id, ip) == STORE_OK) {
        core_log(c, CORE_LOG_INFO, "VM %lld (%s) has address %s", (long long)vm->id,
                 vm->domain_name, ip);
        core_things_vm_ip(c, vm->id, ip); /* the next bootstrap points there */
    }
    return ip;
}

void core_refresh_addresses(core *c, bool all)
{
    store *st = core_store(c);
    store_vm *rows = NULL;
    size_t n = 0;
    if (!st || store_vm_list(st, 0, &rows, &n) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        store_vm *vm = &rows[i];
        if (vm->state == STORE_VM_RUNNING && (!vm->ip || all))
            free(core_vm_refresh_address(c, st, vm));
    }
    store_vm_list_free(rows, n);
}
