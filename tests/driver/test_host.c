/* test_host.c -- setting up the host (network, pools) and checking it at
 * start, on libvirt's test hypervisor: a bare host from
 * fixtures/bare-host.xml (fresh at each open, in-process), the same code
 * path as on QEMU (tests/vm/test_host_setup.c does it for real).
 */
#include "../test.h"
#include "driver.h"

#include <libvirt/libvirt.h>

#include <string.h>

typedef struct said {
    char text[4096];
    int lines;
} said;

static void say(void *ud, const char *line)
{
    said *s = ud;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof s->text - len, "%s\n", line);
    s->lines++;
}

static const drv_host_spec spec = {
    .bridge = "epfiotbr0",
    .address = "10.128.0.1",
    .prefix = 24,
    .dhcp_start = "10.128.0.2",
    .dhcp_end = "10.128.0.254",
    .image_dir = "/var/lib/epfiot/images",
    .vm_dir = "/var/lib/epfiot/vms",
};

static drv *open_bare(const char *vm_pool)
{
    char uri[600];
    snprintf(uri, sizeof uri, "test://%s/fixtures/bare-host.xml", test_data_dir());
    drv_options o = {
        .uri = uri,
        .image_pool = "epfiot-images",
        .vm_pool = vm_pool,
        .network = "epfiot",
    };
    drv *d = NULL;
    drv_status st = drv_open(&lv_driver, &o, &d);
    CHECK_INT(st, DRV_OK);
    if (st != DRV_OK) {
        drv_close(d);
        return NULL;
    }
    return d;
}

TEST(check_of_a_bare_host_names_everything_missing)
{
    drv *d = open_bare("epfiot-vms");
    if (!d)
        return;
    said s = {0};
    CHECK_INT(drv_host_check(d, say, &s), DRV_NOT_FOUND);
    CHECK_CONTAINS(drv_errmsg(d), "network epfiot");
    CHECK_CONTAINS(drv_errmsg(d), "storage pool epfiot-images");
    CHECK_CONTAINS(drv_errmsg(d), "storage pool epfiot-vms");
    CHECK_INT(s.lines, 0);
    drv_close(d);
}

TEST(setup_creates_starts_and_autostarts_network_and_pools)
{
    drv *d = open_bare("epfiot-vms");
    if (!d)
        return;
    said s = {0};
    unsigned changes = 0;
    CHECK_INT(drv_host_setup(d, &spec, say, &s, &changes), DRV_OK);
    /* Three objects, each defined, started and set to autostart. */
    CHECK_INT(changes, 9);
    CHECK_INT(s.lines, 9);
    CHECK_CONTAINS(s.text, "created network epfiot: routed, 10.128.0.1/24 on bridge epfiotbr0, "
                           "DHCP 10.128.0.2-10.128.0.254");
    CHECK_CONTAINS(s.text, "created storage pool epfiot-images in /var/lib/epfiot/images");
    CHECK_CONTAINS(s.text, "created storage pool epfiot-vms in /var/lib/epfiot/vms");
    CHECK_CONTAINS(s.text, "storage pool epfiot-vms starts with libvirtd (autostart)");
    said c = {0};
    CHECK_INT(drv_host_check(d, say, &c), DRV_OK);
    CHECK_INT(c.lines, 0);
    drv_close(d);
}

TEST(second_setup_changes_nothing)
{
    drv *d = open_bare("epfiot-vms");
    if (!d)
        return;
    unsigned changes = 0;
    CHECK_INT(drv_host_setup(d, &spec, NULL, NULL, &changes), DRV_OK);
    said s = {0};
    CHECK_INT(drv_host_setup(d, &spec, say, &s, &changes), DRV_OK);
    CHECK_INT(changes, 0);
    CHECK_INT(s.lines, 0);
    drv_close(d);
}

TEST(one_pool_when_vm_pool_is_the_image_pool)
{
    drv *d = open_bare(NULL);
    if (!d)
        return;
    unsigned changes = 0;
    CHECK_INT(drv_host_setup(d, &spec, NULL, NULL, &changes), DRV_OK);
    CHECK_INT(changes, 6);
    CHECK_INT(drv_host_check(d, NULL, NULL), DRV_OK);
    drv_close(d);
}

TEST(bad_network_parameters_are_refused_before_anything_is_created)
{
    drv *d = open_bare("epfiot-vms");
    if (!d)
        return;
    drv_host_spec bad = spec;
    bad.bridge = "br0'/><x";
    unsigned changes = 0;
    CHECK_INT(drv_host_setup(d, &bad, NULL, NULL, &changes), DRV_INVALID);
    CHECK_CONTAINS(drv_errmsg(d), "bad bridge name");
    bad = spec;
    bad.dhcp_end = "10.128.0.999";
    CHECK_INT(drv_host_setup(d, &bad, NULL, NULL, &changes), DRV_INVALID);
    bad = spec;
    bad.prefix = 31;
    CHECK_INT(drv_host_setup(d, &bad, NULL, NULL, &changes), DRV_INVALID);
    bad = spec;
    bad.image_dir = "relative/dir";
    CHECK_INT(drv_host_setup(d, &bad, NULL, NULL, &changes), DRV_INVALID);
    CHECK_CONTAINS(drv_errmsg(d), "absolute path");
    CHECK_INT(changes, 3); /* the network, before the pool was refused */
    CHECK_INT(drv_host_check(d, NULL, NULL), DRV_NOT_FOUND);
    drv_close(d);
}

/* test:///default is shared by every connection of the process: the test
 * stops its network and pool from the side, as a reboot without autostart
 * would leave them, and the check starts them again. */
TEST(check_starts_an_inactive_network_and_pool)
{
    virConnectPtr c = virConnectOpen("test:///default");
    CHECK(c != NULL);
    if (!c)
        return;
    virNetworkPtr net = virNetworkLookupByName(c, "default");
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, "default-pool");
    CHECK(net && pool);
    if (net && pool) {
        CHECK_INT(virNetworkDestroy(net), 0);
        CHECK_INT(virStoragePoolDestroy(pool), 0);
        drv_options o = {
            .uri = "test:///default", .image_pool = "default-pool", .network = "default"};
        drv *d = NULL;
        CHECK_INT(drv_open(&lv_driver, &o, &d), DRV_OK);
        said s = {0};
        CHECK_INT(drv_host_check(d, say, &s), DRV_OK);
        CHECK_CONTAINS(s.text, "started network default (it was inactive)");
        CHECK_CONTAINS(s.text, "started storage pool default-pool (it was inactive)");
        CHECK_INT(virNetworkIsActive(net), 1);
        CHECK_INT(virStoragePoolIsActive(pool), 1);
        drv_close(d);
    }
    if (net)
        virNetworkFree(net);
    if (pool)
        virStoragePoolFree(pool);
    virConnectClose(c);
}

TEST_MAIN()
