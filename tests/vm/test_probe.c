/* test_probe.c -- the KVM probe against the private libvirtd (run.sh).
 *
 * The probe boots a tiny guest (the test guest's kernel, or the firmware
 * alone) and watches its console. Under TCG it must print (the control: the
 * probe can see output at all); under KVM on these machines the kernel
 * prints nothing (nested virtualisation), and the driver must then choose
 * TCG with the reason in the host warning.
 */
#include "../test.h"
#include "driver.h"
#include "lv_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *uri, *dir;
static char kernel[600];

/* The pools, as `epfiotd setup-host` makes them (the probe kernel is a
 * volume of the image pool). */
TEST(host_is_set_up)
{
    drv_options o = {
        .uri = uri, .image_pool = "epfiot-images", .vm_pool = "epfiot-vms", .network = "epfiot"};
    char images[600], vms[600];
    snprintf(images, sizeof images, "%s/pool/images", dir);
    snprintf(vms, sizeof vms, "%s/pool/vms", dir);
    drv_host_spec spec = {.bridge = "epfiotbr0",
                          .address = "10.128.0.1",
                          .prefix = 24,
                          .dhcp_start = "10.128.0.10",
                          .dhcp_end = "10.128.0.250",
                          .image_dir = images,
                          .vm_dir = vms};
    drv *d = NULL;
    unsigned changes;
    CHECK_INT(drv_open(&lv_driver, &o, &d), DRV_OK);
    CHECK_INT(drv_host_setup(d, &spec, NULL, NULL, &changes), DRV_OK);
    drv_close(d);
}

TEST(a_tcg_probe_guest_prints_on_its_console)
{
    virConnectPtr c = virConnectOpen(uri);
    CHECK(c != NULL);
    if (!c)
        return;
    char why[256] = "";
    /* Generous: TCG on a loaded 2-core machine. */
    bool ok = lv_guest_probe(c, "qemu", kernel, 120000, why, sizeof why);
    if (!ok)
        fprintf(stderr, "  kernel: %s\n", why);
    CHECK(ok);
    ok = lv_guest_probe(c, "qemu", NULL, 120000, why, sizeof why);
    if (!ok)
        fprintf(stderr, "  firmware: %s\n", why);
    CHECK(ok);
    virConnectClose(c);
}

TEST(the_driver_chooses_what_the_probe_finds)
{
    virConnectPtr c = virConnectOpen(uri);
    CHECK(c != NULL);
    if (!c)
        return;
    char why[256] = "";
    bool kvm = lv_guest_probe(c, "kvm", kernel, 10000, why, sizeof why);
    virConnectClose(c);
    drv_options o = {.uri = uri,
                     .image_pool = "epfiot-images",
                     .network = "epfiot",
                     .kvm_probe = true,
                     .kvm_probe_kernel = "vmlinux"};
    drv *d = NULL;
    CHECK_INT(drv_open(&lv_driver, &o, &d), DRV_OK);
    drv_host_info h;
    CHECK_INT(drv_host_info_get(d, &h), DRV_OK);
    if (kvm) {
        CHECK_INT(h.virt, DRV_VIRT_KVM);
    } else {
        CHECK_INT(h.virt, DRV_VIRT_TCG);
        CHECK_CONTAINS(h.warning, "kvm probe guest printed nothing");
        CHECK_CONTAINS(h.warning, "TCG");
    }
    drv_close(d);
}

TEST(no_probe_guest_is_left_behind)
{
    virConnectPtr c = virConnectOpen(uri);
    CHECK(c != NULL);
    if (!c)
        return;
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(c, &doms, 0);
    CHECK(n >= 0);
    for (int i = 0; i < n; i++) {
        CHECK(strncmp(virDomainGetName(doms[i]), "epfiot-probe-", 13) != 0);
        virDomainFree(doms[i]);
    }
    free(doms);
    virConnectClose(c);
}

static int run_all(int argc, char **argv);

int main(int argc, char **argv)
{
    uri = getenv("EPFIOT_VM_URI");
    dir = getenv("EPFIOT_VM_DIR");
    if (!uri || !dir) {
        fprintf(stderr, "test_probe: run through tests/vm/run.sh (EPFIOT_VM_URI, EPFIOT_VM_DIR)\n");
        return 1;
    }
    snprintf(kernel, sizeof kernel, "%s/pool/images/vmlinux", dir);
    return run_all(argc, argv);
}

#define main run_all
TEST_MAIN()
