/* lv_internal.h -- what libvirt.c shares with the other files of the
 * libvirt implementation (lv_host.c). Not for use outside src/driver/. */
#ifndef EPFIOT_DRIVER_LV_INTERNAL_H
#define EPFIOT_DRIVER_LV_INTERNAL_H

#include "driver.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* A reference to the current connection, or NULL (with an error recorded)
 * while it is being re-established. Release with virConnectClose. */
virConnectPtr lv_get(drv *d);
/* Records "<context>: <libvirt's message>"; returns the mapped status. */
drv_status lv_fail(drv *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
drv_status lv_status_of(int code);
int lv_last_code(void);

/* The names given at open (borrowed; valid until close). */
typedef struct lv_names {
    const char *uri, *image_pool, *vm_pool, *network, *vm_prefix;
} lv_names;
lv_names lv_names_of(drv *d);

drv_status lv_host_setup(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                         unsigned *changes);
drv_status lv_host_check(drv *d, drv_say_fn say, void *ud);

#endif
