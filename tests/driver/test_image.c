/* test_image.c -- what a base image file is, from its first bytes
 * (drv_image_sniff): accepted disks and refused files. */
#include "../test.h"
#include "driver.h"

#include <stdio.h>
#include <string.h>

static const char *sniff(const void *head, size_t n, const char **format)
{
    return drv_image_sniff(head, n, format);
}

/* A qcow2 header: magic, version 3, backing_file_offset. */
static size_t qcow2(unsigned char *h, size_t cap, unsigned long long backing_offset)
{
    memset(h, 0, cap);
    memcpy(h, "QFI\xfb", 4);
    h[7] = 3;
    for (int i = 0; i < 8; i++)
        h[8 + i] = (unsigned char)(backing_offset >> (56 - 8 * i));
    return 104;
}

TEST(qcow2_without_backing_file_is_accepted)
{
    unsigned char h[512];
    const char *format = "x";
    size_t n = qcow2(h, sizeof h, 0);
    CHECK(sniff(h, n, &format) == NULL);
    CHECK_STR(format, "qcow2");
}

TEST(qcow2_with_a_backing_file_is_refused)
{
    unsigned char h[512];
    const char *format;
    size_t n = qcow2(h, sizeof h, 0x200);
    const char *why = sniff(h, n, &format);
    CHECK(why != NULL);
    if (why)
        CHECK_CONTAINS(why, "backing file");
    CHECK(format == NULL);
}

TEST(truncated_qcow2_header_is_refused)
{
    unsigned char h[512];
    const char *format;
    qcow2(h, sizeof h, 0);
    CHECK(sniff(h, 40, &format) != NULL);
}

TEST(anything_else_is_a_raw_disk)
{
    unsigned char h[1024] = {0};
    h[510] = 0x55;
    h[511] = 0xaa; /* an MBR */
    const char *format;
    CHECK(sniff(h, sizeof h, &format) == NULL);
    CHECK_STR(format, "raw");
    CHECK(sniff("x", 1, &format) == NULL);
    CHECK_STR(format, "raw");
}

TEST(empty_file_is_refused)
{
    const char *format;
    CHECK(sniff("", 0, &format) != NULL);
}

TEST(kernels_are_refused)
{
    const char *format;
    const char *why = sniff("\x7f"
                            "ELF\x02\x01\x01",
                            7, &format);
    CHECK(why && strstr(why, "kernel"));
    unsigned char bz[1024] = {0};
    memcpy(bz + 0x202, "HdrS", 4);
    why = sniff(bz, sizeof bz, &format);
    CHECK(why && strstr(why, "bzImage"));
    CHECK(sniff(bz, 0x205, &format) == NULL); /* too short to be one */
}

TEST(initramfs_and_compressed_files_are_refused)
{
    static const char *const heads[] = {"070701000",
                                        "\x1f\x8b\x08",
                                        "\xfd"
                                        "7zXZ\0",
                                        "\x28\xb5\x2f\xfd",
                                        "BZh9",
                                        "\x02\x21\x4c\x18"};
    static const size_t lens[] = {9, 3, 6, 4, 4, 4};
    for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
        const char *format = "x";
        CHECK(sniff(heads[i], lens[i], &format) != NULL);
        CHECK(format == NULL);
    }
}

TEST(other_disk_formats_say_to_convert)
{
    const char *format;
    const char *why = sniff("KDMV\1\0\0\0", 8, &format);
    CHECK(why && strstr(why, "VMDK"));
    why = sniff("vhdxfile", 8, &format);
    CHECK(why && strstr(why, "VHDX"));
}

/* ---- On libvirt's test hypervisor (fixtures/host.xml, fresh per open) -- */

static drv *open_host(void)
{
    char uri[600];
    snprintf(uri, sizeof uri, "test://%s/fixtures/host.xml", test_data_dir());
    drv_options o = {
        .uri = uri, .image_pool = "default-pool", .network = "epfiot", .vm_prefix = "epfiot-vm-"};
    drv *d = NULL;
    CHECK_INT(drv_open(&lv_driver, &o, &d), DRV_OK);
    return d;
}

static bool has_image(drv *d, const char *name)
{
    drv_image img;
    drv_status st = drv_image_get(d, name, &img);
    drv_image_clear(&img);
    return st == DRV_OK;
}

TEST(upload_where_libvirt_cannot_leaves_no_volume)
{
    drv *d = open_host();
    drv_upload *u = NULL;
    drv_status st = drv_image_upload_begin(d, "new.qcow2", 4096, &u);
    CHECK_INT(st, DRV_UNSUPPORTED);
    CHECK_CONTAINS(drv_errmsg(d), "cannot import base image new.qcow2: cannot upload");
    CHECK(u == NULL);
    CHECK(!has_image(d, "new.qcow2"));
    drv_close(d);
}

TEST(upload_refuses_an_existing_name_a_vm_volume_name_and_a_bad_name)
{
    drv *d = open_host();
    drv_upload *u = NULL;
    CHECK_INT(drv_image_upload_begin(d, "debian-12.qcow2", 4096, &u), DRV_CONFLICT);
    CHECK_CONTAINS(drv_errmsg(d), "exists already");
    CHECK_INT(drv_image_upload_begin(d, "epfiot-vm-5-disk.qcow2", 4096, &u), DRV_INVALID);
    CHECK_INT(drv_image_upload_begin(d, "../etc/passwd", 4096, &u), DRV_INVALID);
    CHECK_INT(drv_image_upload_begin(d, "empty", 0, &u), DRV_INVALID);
    CHECK(u == NULL);
    drv_close(d);
}

TEST(delete_removes_a_base_image)
{
    drv *d = open_host();
    CHECK(has_image(d, "busybox.raw"));
    CHECK_INT(drv_image_delete(d, "busybox.raw"), DRV_OK);
    CHECK(!has_image(d, "busybox.raw"));
    CHECK(has_image(d, "debian-12.qcow2"));
    CHECK_INT(drv_image_delete(d, "busybox.raw"), DRV_NOT_FOUND);
    drv_close(d);
}

TEST(delete_never_touches_a_vm_volume_or_a_path)
{
    drv *d = open_host();
    CHECK_INT(drv_image_delete(d, "epfiot-vm-99-disk.qcow2"), DRV_NOT_FOUND);
    CHECK_INT(drv_image_delete(d, "../images/debian-12.qcow2"), DRV_INVALID);
    CHECK_INT(drv_image_delete(d, "/var/lib/epfiot/images/debian-12.qcow2"), DRV_INVALID);
    CHECK(has_image(d, "debian-12.qcow2"));
    drv_close(d);
}

TEST(delete_of_a_base_backing_a_vm_disk_is_a_conflict)
{
    drv *d = open_host();
    drv_vm_spec s = {
        .domain_name = "epfiot-vm-3",
        .vcpus = 1,
        .max_vcpus = 1,
        .memory_mib = 256,
        .max_memory_mib = 256,
        .base_image = "debian-12.qcow2",
        .disk_volume = "epfiot-vm-3-disk.qcow2",
    };
    char uuid[37];
    CHECK_INT(drv_vm_define(d, &s, uuid), DRV_OK);
    CHECK_INT(drv_image_delete(d, "debian-12.qcow2"), DRV_CONFLICT);
    CHECK_CONTAINS(drv_errmsg(d), "volume epfiot-vm-3-disk.qcow2 is backed by it");
    CHECK(has_image(d, "debian-12.qcow2"));
    CHECK_INT(drv_vm_undefine(d, "epfiot-vm-3"), DRV_OK);
    CHECK_INT(drv_image_delete(d, "debian-12.qcow2"), DRV_OK);
    drv_close(d);
}

TEST_MAIN()
