/* test_map.c -- libvirt states, lifecycle events and sysfs paths as the
 * driver reports them: the cases the test hypervisor cannot produce
 * (crashes, QEMU failures, guest-initiated shutdowns, real sysfs paths). */
#include "../test.h"
#include "lv_map.h"

#include <libvirt/libvirt.h>

static drv_vm_state event_state(int event, int detail)
{
    drv_event_type type;
    drv_vm_state st = DRV_VM_OTHER;
    CHECK(lv_event_of(event, detail, &type, &st));
    CHECK_INT(type, DRV_EV_VM_STATE);
    return st;
}

TEST(guest_initiated_shutdown_is_shutoff)
{
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
              DRV_VM_SHUTOFF);
}

TEST(force_off_is_shutoff)
{
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
              DRV_VM_SHUTOFF);
}

TEST(guest_crash_and_qemu_failure_are_crashed)
{
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_CRASHED),
              DRV_VM_CRASHED);
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_FAILED),
              DRV_VM_CRASHED);
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_CRASHED, VIR_DOMAIN_EVENT_CRASHED_PANICKED),
              DRV_VM_CRASHED);
}

TEST(start_resume_and_pause_events)
{
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED),
              DRV_VM_RUNNING);
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_RESUMED, VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
              DRV_VM_RUNNING);
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
              DRV_VM_PAUSED);
    CHECK_INT(event_state(VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_IOERROR),
              DRV_VM_PAUSED);
}

TEST(undefined_event_is_its_own_type)
{
    drv_event_type type;
    drv_vm_state st;
    CHECK(lv_event_of(VIR_DOMAIN_EVENT_UNDEFINED, VIR_DOMAIN_EVENT_UNDEFINED_REMOVED, &type, &st));
    CHECK_INT(type, DRV_EV_VM_UNDEFINED);
}

TEST(defined_and_shutdown_finished_events_are_ignored)
{
    drv_event_type type;
    drv_vm_state st;
    CHECK(!lv_event_of(VIR_DOMAIN_EVENT_DEFINED, VIR_DOMAIN_EVENT_DEFINED_ADDED, &type, &st));
    CHECK(!lv_event_of(VIR_DOMAIN_EVENT_SHUTDOWN, VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED, &type, &st));
}

TEST(reconciled_states_at_start_up)
{
    CHECK_INT(lv_state_of(VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED), DRV_VM_RUNNING);
    CHECK_INT(lv_state_of(VIR_DOMAIN_BLOCKED, 0), DRV_VM_RUNNING);
    CHECK_INT(lv_state_of(VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER), DRV_VM_PAUSED);
    CHECK_INT(lv_state_of(VIR_DOMAIN_SHUTDOWN, 0), DRV_VM_SHUTTING_DOWN);
    CHECK_INT(lv_state_of(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN), DRV_VM_SHUTOFF);
    CHECK_INT(lv_state_of(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_CRASHED), DRV_VM_CRASHED);
    CHECK_INT(lv_state_of(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_FAILED), DRV_VM_CRASHED);
    CHECK_INT(lv_state_of(VIR_DOMAIN_CRASHED, 0), DRV_VM_CRASHED);
    CHECK_INT(lv_state_of(VIR_DOMAIN_PMSUSPENDED, 0), DRV_VM_OTHER);
}

static void check_port(const char *path, const char *want)
{
    char *got = lv_port_of(path);
    if (want)
        CHECK_STR(got, want);
    else
        CHECK(got == NULL);
    free(got);
}

TEST(port_paths_from_sysfs)
{
    check_port("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2", "1-2");
    check_port("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3.2", "1-3.2");
    check_port("/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4/2-1.4.3", "2-1.4.3");
}

TEST(root_hubs_interfaces_and_odd_paths_have_no_port)
{
    check_port("/sys/devices/pci0000:00/0000:00:14.0/usb1", NULL);
    check_port("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0", NULL);
    check_port("/sys/devices/x/", NULL);
    check_port(NULL, NULL);
}

TEST_MAIN()
