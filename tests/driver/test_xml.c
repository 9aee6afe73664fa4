/* test_xml.c -- the XML builders against golden files.
 *
 * Each golden file in tests/driver/golden/ is the exact document a model
 * produces. To regenerate after an intended change, run with
 * UPDATE_GOLDEN=1 and review the diff like any other code change.
 */
#include "../test.h"
#include "xml.h"

static void check_golden(const char *file, char *got)
{
    char path[512];
    snprintf(path, sizeof path, "%s/golden/%s", test_data_dir(), file);
    if (getenv("UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        if (f) {
            fputs(got, f);
            fclose(f);
        }
    }
    char *want = test_read_file(path, NULL);
    CHECK(want != NULL);
    if (want)
        CHECK_STR(got, want);
    free(want);
    free(got);
}

static dx_domain base_domain(dx_virt virt)
{
    return (dx_domain){
        .name = "epfiot-vm-7",
        .uuid = "c7a5fdbd-cdaf-9455-926a-d65c16db1809",
        .virt = virt,
        .arch = "x86_64",
        .machine = "q35",
        .vcpus = 1,
        .max_vcpus = 4,
        .memory_mib = 256,
        .max_memory_mib = 1024,
        .pool = "default",
        .disk_volume = "epfiot-vm-7-disk.qcow2",
        .seed_volume = "epfiot-vm-7-seed.iso",
        .network = "epfiot",
        .mac = "52:54:00:12:34:56",
        .serial_log = "/var/log/libvirt/qemu/epfiot-vm-7-serial.log",
    };
}

TEST(domain_kvm_matches_golden)
{
    dx_domain d = base_domain(DX_VIRT_KVM);
    check_golden("domain-kvm.xml", dx_domain_xml(&d));
}

TEST(domain_tcg_matches_golden_and_has_no_host_cpu)
{
    dx_domain d = base_domain(DX_VIRT_QEMU);
    char *xml = dx_domain_xml(&d);
    CHECK(strstr(xml, "host-passthrough") == NULL);
    CHECK_CONTAINS(xml, "<domain type='qemu'>");
    check_golden("domain-tcg.xml", xml);
}

TEST(domain_with_hostdevs_matches_golden)
{
    dx_domain d = base_domain(DX_VIRT_KVM);
    dx_usb usb[] = {
        {.vendor = 0x18d1, .product = 0x9302, .optional = true},
        {.vendor = 0x0781, .product = 0x5567, .bus = 1, .device = 7, .optional = true},
    };
    d.usb = usb;
    d.nusb = 2;
    check_golden("domain-kvm-hostdevs.xml", dx_domain_xml(&d));
}

TEST(domain_uefi_matches_golden)
{
    dx_domain d = base_domain(DX_VIRT_QEMU);
    d.uefi = true;
    d.seed_volume = NULL;
    check_golden("domain-tcg-uefi.xml", dx_domain_xml(&d));
}

TEST(domain_with_direct_kernel_boot_matches_golden)
{
    dx_domain d = base_domain(DX_VIRT_QEMU);
    d.kernel = "/var/lib/epfiot/images/test-vmlinux";
    d.initrd = "/var/lib/epfiot/images/test-initrd";
    d.cmdline = "console=ttyS0 quiet <&'>";
    char *xml = dx_domain_xml(&d);
    CHECK(strstr(xml, "<boot dev=") == NULL);
    check_golden("domain-tcg-kernel.xml", xml);
}

TEST(domain_without_headroom_has_plain_vcpu_count)
{
    dx_domain d = base_domain(DX_VIRT_QEMU);
    d.max_vcpus = 0;
    d.max_memory_mib = 0;
    char *xml = dx_domain_xml(&d);
    CHECK_CONTAINS(xml, "<vcpu placement='static'>1</vcpu>");
    CHECK_CONTAINS(xml, "<memory unit='MiB'>256</memory>");
    free(xml);
}

TEST(domain_escapes_every_string)
{
    dx_domain d = base_domain(DX_VIRT_QEMU);
    d.name = "x'/><disk type=\"file\">&";
    d.network = "n'<";
    char *xml = dx_domain_xml(&d);
    CHECK_CONTAINS(xml, "<name>x&apos;/&gt;&lt;disk type=&quot;file&quot;&gt;&amp;</name>");
    CHECK_CONTAINS(xml, "<source network='n&apos;&lt;'/>");
    CHECK(strstr(xml, "<disk type=\"file\">") == NULL);
    free(xml);
}

TEST(hostdev_by_vendor_product_matches_golden)
{
    dx_usb u = {.vendor = 0x18d1, .product = 0x9302, .optional = true};
    check_golden("hostdev-vendor-product.xml", dx_hostdev_xml(&u));
}

TEST(hostdev_among_identical_devices_adds_address)
{
    dx_usb u = {.vendor = 0x0781, .product = 0x5567, .bus = 1, .device = 6, .optional = true};
    check_golden("hostdev-with-address.xml", dx_hostdev_xml(&u));
}

TEST(hostdev_without_policy_is_mandatory)
{
    dx_usb u = {.vendor = 0x1a6e, .product = 0x089a};
    char *xml = dx_hostdev_xml(&u);
    CHECK_CONTAINS(xml, "<source>");
    CHECK(strstr(xml, "startupPolicy") == NULL);
    free(xml);
}

TEST(overlay_volume_matches_golden)
{
    check_golden("volume-overlay.xml",
                 dx_overlay_volume_xml("epfiot-vm-7-disk.qcow2", 2147483648ULL,
                                       "/var/lib/libvirt/images/debian-12.qcow2", "qcow2"));
}

TEST(raw_volume_matches_golden)
{
    check_golden("volume-seed.xml", dx_raw_volume_xml("epfiot-vm-7-seed.iso", 374784));
}

TEST(buffer_indents_and_takes_ownership)
{
    xbuf b = {0};
    xbuf_line(&b, "<a>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "b", "1<2");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</a>");
    char *s = xbuf_take(&b);
    CHECK_STR(s, "<a>\n  <b>1&lt;2</b>\n</a>\n");
    CHECK(b.s == NULL && b.len == 0);
    free(s);
}

TEST(routed_network_matches_golden)
{
    dx_network n = {
        .name = "epfiot",
        .bridge = "epfiotbr0",
        .address = "10.128.0.1",
        .prefix = 24,
        .dhcp_start = "10.128.0.2",
        .dhcp_end = "10.128.0.254",
        .no_ping = true,
    };
    check_golden("network-routed.xml", dx_network_xml(&n));
}

TEST(network_values_are_escaped)
{
    dx_network n = {.name = "a<b",
                    .bridge = "br'0",
                    .address = "x",
                    .prefix = 24,
                    .dhcp_start = "s",
                    .dhcp_end = "e&"};
    char *x = dx_network_xml(&n);
    CHECK_CONTAINS(x, "<name>a&lt;b</name>");
    CHECK_CONTAINS(x, "<bridge name='br&apos;0'");
    CHECK_CONTAINS(x, "end='e&amp;'");
    CHECK(strstr(x, "dnsmasq") == NULL);
    free(x);
}

TEST(dir_pool_matches_golden)
{
    check_golden("pool-dir.xml", dx_dir_pool_xml("epfiot-images", "/var/lib/epfiot/images"));
}

TEST(image_volume_matches_golden)
{
    check_golden("volume-image.xml",
                 dx_image_volume_xml("debian-12.qcow2", 2147483648ULL, "qcow2"));
}

TEST(kvm_probe_domains_match_golden)
{
    check_golden("domain-probe-kernel.xml",
                 dx_probe_domain_xml("epfiot-probe-1-2", "kvm", "/var/lib/epfiot/images/vmlinux"));
    check_golden("domain-probe-firmware.xml", dx_probe_domain_xml("epfiot-probe-1-2", "kvm", NULL));
}

TEST_MAIN()
