/* test_names.c -- the one name rule for domains, volumes and base images,
 * and that the front end applies it before any driver sees a name. */
#include "../test.h"
#include "driver.h"

TEST(plain_names_are_valid)
{
    CHECK(drv_name_valid("debian-12.qcow2"));
    CHECK(drv_name_valid("epfiot-vm-42"));
    CHECK(drv_name_valid("epfiot-vm-42-seed.iso"));
    CHECK(drv_name_valid("A_b.9"));
}

TEST(traversal_and_paths_are_rejected)
{
    CHECK(!drv_name_valid("../user/1/secret.qcow2"));
    CHECK(!drv_name_valid(".."));
    CHECK(!drv_name_valid("a..b"));
    CHECK(!drv_name_valid("/var/lib/libvirt/images/debian.qcow2"));
    CHECK(!drv_name_valid("images/debian.qcow2"));
}

TEST(hidden_and_option_like_names_are_rejected)
{
    CHECK(!drv_name_valid(".hidden"));
    CHECK(!drv_name_valid("-rf"));
}

TEST(shell_and_xml_characters_are_rejected)
{
    CHECK(!drv_name_valid("x; reboot"));
    CHECK(!drv_name_valid("x$(id)"));
    CHECK(!drv_name_valid("a b"));
    CHECK(!drv_name_valid("x'/><disk"));
    CHECK(!drv_name_valid("caf\xc3\xa9"));
}

TEST(empty_null_and_overlong_names_are_rejected)
{
    char longest[DRV_NAME_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[DRV_NAME_MAX] = '\0';
    CHECK(drv_name_valid(longest));
    longest[DRV_NAME_MAX] = 'a';
    longest[DRV_NAME_MAX + 1] = '\0';
    CHECK(!drv_name_valid(longest));
    CHECK(!drv_name_valid(""));
    CHECK(!drv_name_valid(NULL));
}

/* A driver whose every operation fails the test if reached. */
static int reached;
static drv_status spy_open(drv *d, const drv_options *o)
{
    return DRV_OK;
}
static drv_status spy_image_get(drv *d, const char *name, drv_image *out)
{
    reached++;
    return DRV_OK;
}
static drv_status spy_by_name(drv *d, const char *name)
{
    reached++;
    return DRV_OK;
}
static drv_status spy_define(drv *d, const drv_vm_spec *s, char uuid[37])
{
    reached++;
    return DRV_OK;
}
static const drv_ops spy = {
    .name = "spy",
    .open = spy_open,
    .image_get = spy_image_get,
    .vm_start = spy_by_name,
    .vm_undefine = spy_by_name,
    .vm_define = spy_define,
};

TEST(front_end_rejects_bad_names_before_the_driver)
{
    drv *d;
    drv_options o = {.uri = "spy:///"};
    CHECK_INT(drv_open(&spy, &o, &d), DRV_OK);
    drv_image img;
    reached = 0;
    CHECK_INT(drv_image_get(d, "../user/1/secret.qcow2", &img), DRV_INVALID);
    CHECK_CONTAINS(drv_errmsg(d), "cannot look up base image: invalid name");
    CHECK_INT(drv_vm_start(d, "x; reboot"), DRV_INVALID);
    CHECK_INT(drv_vm_undefine(d, "/etc/passwd"), DRV_INVALID);
    char uuid[37];
    drv_vm_spec s = {.domain_name = "epfiot-vm-1",
                     .base_image = "../../etc/shadow",
                     .disk_volume = "epfiot-vm-1-disk.qcow2"};
    CHECK_INT(drv_vm_define(d, &s, uuid), DRV_INVALID);
    CHECK_INT(reached, 0);
    CHECK_INT(drv_vm_start(d, "epfiot-vm-1"), DRV_OK);
    CHECK_INT(reached, 1);
    drv_close(d);
}

TEST(open_rejects_invalid_pool_names)
{
    drv *d;
    drv_options o = {.uri = "spy:///", .image_pool = "../pool"};
    CHECK_INT(drv_open(&spy, &o, &d), DRV_INVALID);
    CHECK_CONTAINS(drv_errmsg(d), "invalid pool name");
    drv_close(d);
}

TEST_MAIN()
