/* lv_map.h -- how libvirt's states, events and sysfs paths map onto the
 * driver's model (internal to src/driver/, exported for tests).
 *
 * These are the pieces of libvirt.c that the test hypervisor cannot drive
 * (it never crashes a guest and has no sysfs), so tests/driver/test_map.c
 * checks them directly.
 */
#ifndef EPFIOT_DRIVER_LV_MAP_H
#define EPFIOT_DRIVER_LV_MAP_H

#include "driver.h"

/* A virDomainGetState() result (state, reason) as the API shows it. */
drv_vm_state lv_state_of(int state, int reason);
/* A lifecycle event (virDomainEventType, detail). False when the event
 * changes nothing the API shows (defined, shutdown finished). */
bool lv_event_of(int event, int detail, drv_event_type *type, drv_vm_state *state);
/* The USB port path ("1-2.3") at the end of a node device's sysfs path,
 * or NULL (root hubs end in "usb1"); malloc'ed. */
char *lv_port_of(const char *sysfs_path);

#endif
