/* test_accel.c -- accelerators as a shared resource, through the API: two
 * VMs and one Coral. Acquire, queue, release, lease expiry, the holder
 * powering off or being destroyed, unplug and replug with a new device
 * number, the Coral's firmware re-enumeration (1a6e:089a -> 18d1:9302 on the
 * same port), revoke, quotas, reservations, a restart with a queue, and what
 * other tenants may see.
 *
 * The host is libvirt's test hypervisor on tests/driver/fixtures/
 * host-accel.xml, which holds both faces of the Coral on port 1-2. The test
 * hypervisor cannot plug devices, so the recorded host states are replayed
 * through the driver table: `replay` is lv_driver whose USB listing shows
 * the Coral as the state of the moment has it (bootloader, firmware loaded,
 * unplugged, replugged with device number 9), and the recorded node-device
 * events are injected at the driver's event callback (core_on_event), which
 * is where the real driver delivers them. Attach and detach are the real
 * driver's, checked in the domain XML.
 */
#include "core_accel.h"
#include "fixture.h"

enum { CORAL_BOOT = 0, CORAL_GOOGLE, CORAL_UNPLUGGED, CORAL_REPLUGGED };
static int coral_state = CORAL_BOOT;
static drv_ops replay;

static drv_status replay_usb_list(drv *d, drv_usb **list, size_t *n)
{
    drv_status s = lv_driver.usb_list(d, list, n);
    if (s != DRV_OK)
        return s;
    size_t j = 0;
    for (size_t i = 0; i < *n; i++) {
        drv_usb *u = &(*list)[i];
        bool coral = u->port && !strcmp(u->port, "1-2");
        bool boot = u->vendor == 0x1a6e;
        bool keep = !coral || (coral_state == CORAL_BOOT && boot) ||
                    ((coral_state == CORAL_GOOGLE || coral_state == CORAL_REPLUGGED) && !boot);
        if (!keep) {
            drv_usb_clear(u);
            continue;
        }
        if (coral && coral_state == CORAL_REPLUGGED)
            u->device = 9;
        (*list)[j++] = *u;
    }
    *n = j;
    return DRV_OK;
}

static void aenv_open(env *e)
{
    replay = lv_driver;
    replay.usb_list = replay_usb_list;
    snprintf(host_uri, sizeof host_uri, "test://%s/../driver/fixtures/host-accel.xml",
             test_data_dir());
    core_config cc = {
        .database = e->db,
        .libvirt_uri = host_uri,
        .image_pool = "default-pool",
        .network = "epfiot",
        .driver = &replay,
    };
    char *err = NULL;
    e->c = core_open(&cc, &err);
    if (!e->c) {
        fprintf(stderr, "core_open: %s\n", err);
        abort();
    }
    e->a = api_new(e->c, &err);
    if (!e->a) {
        fprintf(stderr, "api_new: %s\n", err);
        abort();
    }
}

/* The fixture's env with the replaying driver; the Coral is device 1 (the
 * first port) and starts in its bootloader. VMs 1 (alice) and 2 (bob). */
static void aenv_init(env *e)
{
    memset(e, 0, sizeof *e);
    coral_state = CORAL_BOOT;
    auth_init();
    snprintf(e->dir, sizeof e->dir, "/tmp/epfiot-accel-XXXXXX");
    if (!mkdtemp(e->dir))
        abort();
    snprintf(e->db, sizeof e->db, "%s/epfiot.db", e->dir);
    aenv_open(e);
    e->admin = env_user(e, "admin", "admin-password", STORE_ROLE_ADMIN);
    e->alice = env_user(e, "alice", "alice-password", STORE_ROLE_USER);
    e->bob = env_user(e, "bob", "bob-password", STORE_ROLE_USER);
    char m[256];
    core_reconcile(e->c, m, sizeof m);
    if (env_vm(e, e->alice, "a") != 1 || env_vm(e, e->bob, "b") != 2)
        abort();
}

/* An event as the driver's event thread delivers it, then the daemon's
 * reaction (resync when asked, then the tick). */
static void inject(env *e, drv_event_type type, const char *nodedev, int new_state)
{
    drv_event ev = {.type = type, .name = nodedev};
    core_on_event(&ev, e->c);
    coral_state = new_state;
    char m[256];
    if (core_resync_wanted(e->c))
        core_resync(e->c, m, sizeof m);
    core_accel_tick(e->c);
}

/* The persistent definition of VM id. */
static char *domain_xml(env *e, int64_t vm)
{
    char name[64], *xml = NULL;
    snprintf(name, sizeof name, "epfiot-vm-%lld", (long long)vm);
    core_drv_lock(e->c);
    drv_vm_xml(e->c->d, name, true, &xml);
    core_drv_unlock(e->c);
    return xml ? xml : strdup("");
}

static bool has_hostdev(env *e, int64_t vm, const char *vendor, const char *product)
{
    char *xml = domain_xml(e, vm);
    char v[64], p[64];
    snprintf(v, sizeof v, "<vendor id='0x%s'/>", vendor);
    snprintf(p, sizeof p, "<product id='0x%s'/>", product);
    bool r = strstr(xml, "<hostdev") && strstr(xml, v) && strstr(xml, p);
    free(xml);
    return r;
}

static int hostdevs(env *e, int64_t vm)
{
    char *xml = domain_xml(e, vm);
    int n = 0;
    for (const char *p = xml; (p = strstr(p, "<hostdev")); p++)
        n++;
    free(xml);
    return n;
}

#define HOLDER "{getDev(id:\"1\"){holder{mine vm{id} leaseEnd} queue{position mine vm{id}}}}"

TEST(the_coral_profile_is_shipped_and_matches_both_faces)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice,
                 "{deviceProfiles{name usbIDs builtin} getDev(id:\"1\"){vendorId "
                 "productId port profile}}");
    CHECK_STR(r, "{\"data\":{\"deviceProfiles\":[{\"name\":\"coral-usb\",\"usbIDs\":"
                 "[\"1a6e:089a\",\"18d1:9302\"],\"builtin\":true}],\"getDev\":{\"vendorId\":"
                 "\"1a6e\",\"productId\":\"089a\",\"port\":\"1-2\",\"profile\":\"coral-usb\"}}}");
    free(r);
    env_free(&e);
}

TEST(acquire_attaches_a_free_device_at_once)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{acquireDevice(vmID:\"1\",profile:\"coral-usb\"){status position "
                 "device{id vm{id}}}}");
    CHECK_STR(r, "{\"data\":{\"acquireDevice\":{\"status\":\"ATTACHED\",\"position\":null,"
                 "\"device\":{\"id\":\"1\",\"vm\":{\"id\":\"1\"}}}}}");
    free(r);
    CHECK(has_hostdev(&e, 1, "1a6e", "089a"));
    r = gq(&e, e.alice, HOLDER);
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true,\"vm\":{\"id\":\"1\"},"
                 "\"leaseEnd\":null},\"queue\":[]}}}");
    free(r);
    env_free(&e);
}

TEST(a_second_vm_queues_and_gets_the_device_when_released)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    char *r = gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status position}}");
    CHECK_STR(r, "{\"data\":{\"acquireDevice\":{\"status\":\"QUEUED\",\"position\":1}}}");
    free(r);
    /* Bob sees that someone else holds it, not which VM. */
    r = gq(&e, e.bob, HOLDER);
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":false,\"vm\":null,\"leaseEnd\":"
                 "null},\"queue\":[{\"position\":1,\"mine\":true,\"vm\":{\"id\":\"2\"}}]}}}");
    free(r);
    /* Bob cannot release alice's lease. */
    r = gq(&e, e.bob, "mutation{releaseDevice(devID:\"1\")}");
    CHECK_CONTAINS(r, "\"code\":\"NOT_FOUND\"");
    free(r);
    r = gq(&e, e.alice, "mutation{releaseDevice(devID:\"1\")}");
    CHECK_STR(r, "{\"data\":{\"releaseDevice\":true}}");
    free(r);
    /* Detached from the first before attached to the second. */
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    r = gq(&e, e.bob, HOLDER);
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true,\"vm\":{\"id\":\"2\"},"
                 "\"leaseEnd\":null},\"queue\":[]}}}");
    free(r);
    r = gq(&e, e.bob, "{getDev(id:\"1\"){events{kind mine}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"events\":[{\"kind\":\"ACQUIRED\",\"mine\":true},"
                 "{\"kind\":\"RELEASED\",\"mine\":false},{\"kind\":\"QUEUED\",\"mine\":true},"
                 "{\"kind\":\"ACQUIRED\",\"mine\":false}]}}}");
    free(r);
    r = gq(&e, e.admin,
           "{getDev(id:\"1\"){metrics{attaches detaches grants waits queueLength failures}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"metrics\":{\"attaches\":2,\"detaches\":1,\"grants\":"
                 "2,\"waits\":1,\"queueLength\":0,\"failures\":0}}}}");
    free(r);
    env_free(&e);
}

TEST(a_lease_ends_by_itself_and_the_next_waiter_gets_the_device)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{acquireDevice(vmID:\"1\",devID:\"1\",leaseSeconds:600){status "
                 "leaseEnd}}");
    CHECK_CONTAINS(r, "\"status\":\"ATTACHED\",\"leaseEnd\":\"20");
    free(r);
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    core_accel_tick(e.c); /* not yet */
    CHECK(has_hostdev(&e, 1, "1a6e", "089a"));
    core_accel_tick_at(e.c, core_now() + 601);
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    r = gq(&e, e.alice, "{getDev(id:\"1\"){events(limit:2){kind mine}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"events\":[{\"kind\":\"ACQUIRED\",\"mine\":false},"
                 "{\"kind\":\"EXPIRED\",\"mine\":true}]}}}");
    free(r);
    env_free(&e);
}

TEST(the_holder_powering_off_hands_the_device_over)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    char *r = gq(&e, e.alice, "mutation{powerON(vmID:\"1\"){state}}");
    CHECK_STR(r, "{\"data\":{\"powerON\":{\"state\":\"RUNNING\"}}}");
    free(r);
    core_accel_tick(e.c); /* sees it running */
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    r = gq(&e, e.alice, "mutation{powerOFF(vmID:\"1\"){state}}");
    CHECK_STR(r, "{\"data\":{\"powerOFF\":{\"state\":\"POWEROFF\"}}}");
    free(r);
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    r = gq(&e, e.admin, "{getDev(id:\"1\"){holder{vm{id}} events(limit:2){kind}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"vm\":{\"id\":\"2\"}},\"events\":"
                 "[{\"kind\":\"ACQUIRED\"},{\"kind\":\"POWEROFF\"}]}}}");
    free(r);
    env_free(&e);
}

/* The guest shuts itself down: no API call, only the hypervisor's event
 * (delivered here as the driver's event thread delivers it). */
TEST(the_holder_shutting_down_by_itself_hands_the_device_over)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    free(gq(&e, e.alice, "mutation{powerON(vmID:\"1\"){state}}"));
    core_accel_tick(e.c);
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    core_drv_lock(e.c);
    CHECK_INT(drv_vm_force_off(e.c->d, "epfiot-vm-1"), DRV_OK);
    core_drv_unlock(e.c);
    drv_event ev = {.type = DRV_EV_VM_STATE, .name = "epfiot-vm-1", .state = DRV_VM_SHUTOFF};
    core_on_event(&ev, e.c);
    core_accel_tick(e.c);
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    char *r = gq(&e, e.bob, "{getDev(id:\"1\"){holder{mine} events(limit:2){kind}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true},\"events\":"
                 "[{\"kind\":\"ACQUIRED\"},{\"kind\":\"POWEROFF\"}]}}}");
    free(r);
    env_free(&e);
}

TEST(a_lease_taken_while_off_survives_until_the_vm_has_run)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    core_accel_tick(e.c);
    char *r = gq(&e, e.alice, HOLDER);
    CHECK_CONTAINS(r, "\"holder\":{\"mine\":true");
    free(r);
    env_free(&e);
}

TEST(the_holder_destroyed_hands_the_device_over)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    char *r = gq(&e, e.alice, "mutation{destroyVM(vmID:\"1\")}");
    CHECK_STR(r, "{\"data\":{\"destroyVM\":true}}");
    free(r);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    r = gq(&e, e.bob, "{getDev(id:\"1\"){holder{mine} events(limit:2){kind}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true},\"events\":"
                 "[{\"kind\":\"ACQUIRED\"},{\"kind\":\"DESTROYED\"}]}}}");
    free(r);
    env_free(&e);
}

TEST(unplug_and_replug_with_a_new_device_number_reattaches_to_the_holder)
{
    env e;
    aenv_init(&e);
    inject(&e, DRV_EV_USB_REMOVED, "usb_1_2_boot", CORAL_GOOGLE); /* firmware first */
    inject(&e, DRV_EV_USB_ADDED, "usb_1_2", CORAL_GOOGLE);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    CHECK(has_hostdev(&e, 1, "18d1", "9302"));
    inject(&e, DRV_EV_USB_REMOVED, "usb_1_2", CORAL_UNPLUGGED);
    char *r = gq(&e, e.alice, "{getDev(id:\"1\"){present holder{mine} events(limit:1){kind}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"present\":false,\"holder\":{\"mine\":true},"
                 "\"events\":[{\"kind\":\"UNPLUGGED\"}]}}}");
    free(r);
    inject(&e, DRV_EV_USB_ADDED, "usb_1_2", CORAL_REPLUGGED);
    r = gq(&e, e.alice,
           "{getDev(id:\"1\"){present device holder{mine} events(limit:1){kind "
           "detail} metrics{reattaches}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"present\":true,\"device\":\"009\",\"holder\":"
                 "{\"mine\":true},\"events\":[{\"kind\":\"REATTACHED\",\"detail\":\"18d1:9302 "
                 "device 9 re-attached (was 18d1:9302 device 4)\"}],\"metrics\":"
                 "{\"reattaches\":1}}}}");
    free(r);
    CHECK_INT(hostdevs(&e, 1), 1);
    CHECK(has_hostdev(&e, 1, "18d1", "9302"));
    env_free(&e);
}

TEST(coral_firmware_reenumeration_keeps_the_device_and_reattaches_it)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",profile:\"coral-usb\"){status}}"));
    CHECK(has_hostdev(&e, 1, "1a6e", "089a"));
    /* Recorded: the bootloader leaves, the Google device comes, same port. */
    inject(&e, DRV_EV_USB_REMOVED, "usb_1_2_boot", CORAL_GOOGLE);
    inject(&e, DRV_EV_USB_ADDED, "usb_1_2", CORAL_GOOGLE);
    char *r = gq(&e, e.alice, "{getUsb{id vendorId productId port}}");
    /* Still one device 1, now with the Google IDs. */
    CHECK_CONTAINS(r, "{\"id\":\"1\",\"vendorId\":\"18d1\",\"productId\":\"9302\",\"port\":"
                      "\"1-2\"}");
    CHECK(!strstr(r, "089a"));
    free(r);
    CHECK_INT(hostdevs(&e, 1), 1);
    CHECK(has_hostdev(&e, 1, "18d1", "9302"));
    r = gq(&e, e.alice, "{getDev(id:\"1\"){holder{mine} events(limit:1){kind detail}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true},\"events\":[{\"kind\":"
                 "\"REATTACHED\",\"detail\":\"18d1:9302 device 4 re-attached (was 1a6e:089a "
                 "device 3)\"}]}}}");
    free(r);
    env_free(&e);
}

TEST(only_admins_revoke_and_a_revoke_serves_the_queue)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    char *r = gq(&e, e.bob, "mutation{revokeDevice(devID:\"1\")}");
    CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
    free(r);
    r = gq(&e, e.admin, "mutation{revokeDevice(devID:\"1\")}");
    CHECK_STR(r, "{\"data\":{\"revokeDevice\":true}}");
    free(r);
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    r = gq(&e, e.alice, "{getDev(id:\"1\"){events(limit:2){kind mine}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"events\":[{\"kind\":\"ACQUIRED\",\"mine\":false},"
                 "{\"kind\":\"REVOKED\",\"mine\":true}]}}}");
    free(r);
    r = gq(&e, e.admin, "mutation{revokeDevice(devID:\"3\")}");
    CHECK_CONTAINS(r, "\"code\":\"NOT_FOUND\"");
    free(r);
    env_free(&e);
}

TEST(quotas_limit_devices_held_and_lease_hours)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice, "mutation{setDeviceQuota(userID:\"2\",maxHeld:0){maxHeld}}");
    CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
    free(r);
    r = gq(&e, e.admin,
           "mutation{setDeviceQuota(userID:\"2\",maxHeld:0,hoursPerDay:1){maxHeld hoursPerDay}}");
    CHECK_STR(r, "{\"data\":{\"setDeviceQuota\":{\"maxHeld\":0,\"hoursPerDay\":1}}}");
    free(r);
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "\"code\":\"QUOTA_EXCEEDED\"");
    CHECK_CONTAINS(r, "at most 0 accelerators");
    free(r);
    free(
        gq(&e, e.admin, "mutation{setDeviceQuota(userID:\"2\",maxHeld:1,hoursPerDay:1){maxHeld}}"));
    r = gq(&e, e.alice,
           "mutation{acquireDevice(vmID:\"1\",devID:\"1\",leaseSeconds:3601){status}}");
    CHECK_CONTAINS(r, "\"code\":\"QUOTA_EXCEEDED\"");
    CHECK_CONTAINS(r, "1 accelerator lease hours per day, 3600 s left today");
    free(r);
    /* Without a duration: what is left of today's hour. */
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status leaseEnd}}");
    CHECK_CONTAINS(r, "\"status\":\"ATTACHED\",\"leaseEnd\":\"20");
    free(r);
    r = gq(&e, e.alice, "{me{deviceQuota{maxHeld hoursPerDay usedSecondsToday}}}");
    CHECK_STR(r, "{\"data\":{\"me\":{\"deviceQuota\":{\"maxHeld\":1,\"hoursPerDay\":1,"
                 "\"usedSecondsToday\":3600}}}}");
    free(r);
    /* Nothing was attached by the refused requests. */
    r = gq(&e, e.admin, "{getDev(id:\"1\"){metrics{attaches failures}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"metrics\":{\"attaches\":1,\"failures\":0}}}}");
    free(r);
    env_free(&e);
}

TEST(bad_requests_are_refused_with_a_reason)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\"){status}}");
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\",leaseSeconds:-5){status}}");
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",profile:\"nope\"){status}}");
    CHECK_CONTAINS(r, "\"code\":\"NOT_FOUND\"");
    free(r);
    /* Bob's VM is an unknown VM to alice. */
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "no such VM");
    free(r);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "\"code\":\"CONFLICT\"");
    free(r);
    env_free(&e);
}

/* The test hypervisor cannot hot-plug: a running VM's attach fails, which
 * is the failure a real host can have too. The device stays free. */
TEST(a_failed_attach_leaves_the_device_free_and_says_so)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{powerON(vmID:\"1\"){state}}"));
    char *r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "\"code\":\"CONFLICT\"");
    CHECK_CONTAINS(r, "it stays free");
    free(r);
    r = gq(&e, e.alice, "{getDev(id:\"1\"){vm{id} holder{mine} events{kind} metrics{failures}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"vm\":null,\"holder\":null,\"events\":[{\"kind\":"
                 "\"ATTACH_FAILED\"}],\"metrics\":{\"failures\":1}}}}");
    free(r);
    CHECK_INT(hostdevs(&e, 1), 0);
    env_free(&e);
}

TEST(a_restart_keeps_the_lease_and_the_queue)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice,
            "mutation{acquireDevice(vmID:\"1\",devID:\"1\",leaseSeconds:900){status}}"));
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\",leaseSeconds:60){status}}"));
    env_close_core(&e);
    aenv_open(&e);
    /* A real host keeps its domains across a daemon restart; the test host
     * starts empty, so define them again as they were. */
    for (int vm = 1; vm <= 2; vm++) {
        char name[32], disk[48], uuid[37];
        snprintf(name, sizeof name, "epfiot-vm-%d", vm);
        snprintf(disk, sizeof disk, "%s-disk.qcow2", name);
        drv_usb_sel coral = {.vendor = 0x1a6e, .product = 0x089a, .port = "1-2"};
        drv_vm_spec spec = {.domain_name = name,
                            .vcpus = 1,
                            .max_vcpus = 1,
                            .memory_mib = 256,
                            .max_memory_mib = 256,
                            .base_image = "debian-12.qcow2",
                            .disk_volume = disk,
                            .usb = vm == 1 ? &coral : NULL,
                            .nusb = vm == 1};
        CHECK_INT(drv_vm_define(e.c->d, &spec, uuid), DRV_OK);
    }
    CHECK(has_hostdev(&e, 1, "1a6e", "089a"));
    char *r = gq(&e, e.admin,
                 "{getDev(id:\"1\"){holder{vm{id} leaseEnd} queue{position vm{id}"
                 " leaseSeconds}}}");
    CHECK_CONTAINS(r, "\"holder\":{\"vm\":{\"id\":\"1\"},\"leaseEnd\":\"20");
    CHECK_CONTAINS(r, "\"queue\":[{\"position\":1,\"vm\":{\"id\":\"2\"},\"leaseSeconds\":60}]");
    free(r);
    /* The lease still ends, and the queue is still served. */
    core_accel_tick_at(e.c, core_now() + 901);
    r = gq(&e, e.bob, "{getDev(id:\"1\"){holder{mine} queue{position}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"holder\":{\"mine\":true},\"queue\":[]}}}");
    free(r);
    CHECK_INT(hostdevs(&e, 1), 0);
    CHECK(has_hostdev(&e, 2, "1a6e", "089a"));
    env_free(&e);
}

TEST(profiles_queue_for_any_device_of_their_kind)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{createDeviceProfile(name:\"sticks\",usbIDs:"
                 "[\"0781:5567\"]){name}}");
    CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
    free(r);
    r = gq(&e, e.admin, "mutation{createDeviceProfile(name:\"bad\",usbIDs:[\"0781:55\"]){name}}");
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    r = gq(&e, e.admin,
           "mutation{createDeviceProfile(name:\"sticks\",usbIDs:[\"0781:5567\"],"
           "info:\"SanDisk Cruzer\"){name usbIDs builtin}}");
    CHECK_STR(r, "{\"data\":{\"createDeviceProfile\":{\"name\":\"sticks\",\"usbIDs\":"
                 "[\"0781:5567\"],\"builtin\":false}}}");
    free(r);
    /* Two sticks: one each, then a third request waits for either. */
    int64_t c = env_vm(&e, e.alice, "c");
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",profile:\"sticks\"){status}}");
    CHECK_CONTAINS(r, "ATTACHED");
    free(r);
    r = gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",profile:\"sticks\"){status}}");
    CHECK_CONTAINS(r, "ATTACHED");
    free(r);
    r = gq(&e, e.alice,
           "mutation{acquireDevice(vmID:\"%lld\",profile:\"sticks\"){status "
           "position device{id}}}",
           (long long)c);
    CHECK_STR(r, "{\"data\":{\"acquireDevice\":{\"status\":\"QUEUED\",\"position\":1,"
                 "\"device\":null}}}");
    free(r);
    /* Bob's stick frees first: it goes to the profile's queue. */
    r = gq(&e, e.bob, "{getVm(id:\"2\"){dev{id}}}");
    const char *p = strstr(r, "\"id\":\"");
    int64_t bobs = p ? strtoll(p + 6, NULL, 10) : 0;
    free(r);
    CHECK(bobs > 0);
    r = gq(&e, e.bob, "mutation{releaseDevice(devID:\"%lld\")}", (long long)bobs);
    CHECK_STR(r, "{\"data\":{\"releaseDevice\":true}}");
    free(r);
    r = gq(&e, e.alice, "{getVm(id:\"%lld\"){dev{id}}}", (long long)c);
    char want[64];
    snprintf(want, sizeof want, "\"dev\":[{\"id\":\"%lld\"}]", (long long)bobs);
    CHECK_CONTAINS(r, want);
    free(r);
    env_free(&e);
}

TEST(reserved_devices_go_only_to_their_user)
{
    env e;
    aenv_init(&e);
    char *r = gq(&e, e.alice, "mutation{reserveDevice(devID:\"1\",userID:\"2\")}");
    CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
    free(r);
    r = gq(&e, e.admin, "mutation{reserveDevice(devID:\"1\",userID:\"3\")}");
    CHECK_STR(r, "{\"data\":{\"reserveDevice\":true}}");
    free(r);
    /* Alice waits although the device is free; bob gets it. */
    r = gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "QUEUED");
    free(r);
    r = gq(&e, e.alice, "{getDev(id:\"1\"){reserved reservedFor{name}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"reserved\":true,\"reservedFor\":null}}}");
    free(r);
    r = gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}");
    CHECK_CONTAINS(r, "ATTACHED");
    free(r);
    /* Lifting the reservation serves alice once bob is done. */
    free(gq(&e, e.admin, "mutation{reserveDevice(devID:\"1\")}"));
    free(gq(&e, e.bob, "mutation{releaseDevice(devID:\"1\")}"));
    CHECK(has_hostdev(&e, 1, "1a6e", "089a"));
    r = gq(&e, e.alice, "mutation{leaveDeviceQueue(vmID:\"1\")}");
    CHECK_STR(r, "{\"data\":{\"leaveDeviceQueue\":0}}");
    free(r);
    env_free(&e);
}

static void collect(const char *line, void *ud)
{
    char **acc = ud;
    char *n = NULL;
    if (asprintf(&n, "%s%s\n", *acc ? *acc : "", line) < 0)
        abort();
    free(*acc);
    *acc = n;
}

TEST(metrics_count_per_device_in_prometheus_text)
{
    env e;
    aenv_init(&e);
    free(gq(&e, e.alice, "mutation{acquireDevice(vmID:\"1\",devID:\"1\"){status}}"));
    free(gq(&e, e.bob, "mutation{acquireDevice(vmID:\"2\",devID:\"1\"){status}}"));
    char *text = NULL;
    core_accel_metrics(e.c, collect, &text);
    CHECK_CONTAINS(text, "# TYPE epfiot_accel_attaches_total counter\n");
    CHECK_CONTAINS(text, "epfiot_accel_attaches_total{device=\"1\"} 1\n");
    CHECK_CONTAINS(text, "epfiot_accel_queue_length{device=\"1\"} 1\n");
    CHECK_CONTAINS(text, "epfiot_accel_held{device=\"1\"} 1\n");
    free(text);
    free(gq(&e, e.alice, "mutation{releaseDevice(devID:\"1\")}"));
    text = NULL;
    core_accel_metrics(e.c, collect, &text);
    CHECK_CONTAINS(text, "epfiot_accel_waits_total{device=\"1\"} 1\n");
    CHECK_CONTAINS(text, "epfiot_accel_held_seconds_total{device=\"1\",user=\"2\"} ");
    CHECK_CONTAINS(text, "epfiot_accel_queue_length{device=\"1\"} 0\n");
    free(text);
    /* Users see their own held time only. */
    char *r = gq(&e, e.bob, "{getDev(id:\"1\"){metrics{heldSeconds{user{name}}}}}");
    CHECK_STR(r, "{\"data\":{\"getDev\":{\"metrics\":{\"heldSeconds\":[{\"user\":{\"name\":"
                 "\"bob\"}}]}}}}");
    free(r);
    env_free(&e);
}

TEST_MAIN()
