/* internal.h -- what core.c, vm.c and sync.c share: the core object and
 * small helpers for errors and scoping. Not for use outside src/core/. */
#ifndef EPFIOT_CORE_INTERNAL_H
#define EPFIOT_CORE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "core.h"

#define CORE_VM_PREFIX "epfiot-vm-"

struct core {
    core_config cfg;
    char *database;
    drv *d;
    pthread_mutex_t drv_lock; /* serialises every call on d */
    pthread_key_t st_key;     /* this thread's store handle */
    pthread_mutex_t st_lock;  /* guards sts */
    store **sts;              /* every handle opened, closed by core_close */
    size_t nsts;
    char open_err[256];
    atomic_bool resync;         /* set by events: reconcile at the next tick */
    pthread_mutex_t accel_lock; /* serialises accelerator hand-overs (accel.c) */
    struct thing_index *things; /* bootstrap index and server (things.c) */
};

/* things.c: the in-memory index the bootstrap server reads. Every change of
 * a thing or of a VM's address goes through these (one entry each). */
typedef struct thing_index thing_index;
thing_index *core_things_new(void);
void core_things_free(thing_index *ix);
/* Re-reads thing `id` from the store (gone: removed from the index). */
void core_things_refresh(core_call *k, int64_t thing_id);
/* The same for every thing linked to the VM. */
void core_things_refresh_vm(core_call *k, int64_t vm_id);
void core_things_vm_ip(core *c, int64_t vm_id, const char *ip);
/* Asks the hypervisor for the address of running VM `vm` and records a
 * change in the store (and for its things); returns the address now known
 * (malloc'ed, NULL if none). address.c. */
char *core_vm_refresh_address(core *c, store *st, const store_vm *vm);
void core_things_vm_gone(core *c, int64_t vm_id);

void core_log(core *c, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Records a message on the call and returns code. */
core_code core_fail(core_call *k, core_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An unexpected store failure: logged with detail, INTERNAL to the caller. */
core_code core_store_fail(core_call *k, const char *what);
core_code core_drv_fail(core_call *k, drv_status st, const char *what);
core_code core_need_user(core_call *k);
core_code core_need_admin(core_call *k);
/* The owner filter of the caller: 0 for admins (all), else their own ID. */
int64_t core_scope(const core_call *k);
int64_t core_now(void);

static inline void core_drv_lock(core *c)
{
    pthread_mutex_lock(&c->drv_lock);
}
static inline void core_drv_unlock(core *c)
{
    pthread_mutex_unlock(&c->drv_lock);
}

store_vm_state core_state_of(drv_vm_state s);
/* ID of "epfiot-vm-<id>" or "epfiot-vm-<id>-<suffix>"; 0 if not one. */
int64_t core_vm_id_of(const char *name);
void core_on_event(const drv_event *ev, void *opaque);
core_code core_vm_remove(core_call *k, const store_vm *vm);
/* The VM's seed ISO from its stored settings (malloc'ed *iso); false
 * (logged) when libisofs fails. */
bool core_vm_seed_build(core_call *k, const store_vm *vm, const char *instance_id, const char *mac,
                        unsigned char **iso, size_t *len);
/* The hypervisor selector of a device row (vm.c). */
void core_usb_sel_of(const store_dev *d, drv_usb_sel *sel);

#endif
