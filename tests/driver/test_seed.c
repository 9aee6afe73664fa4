/* test_seed.c -- the cloud-init NoCloud seed: its documents and its ISO.
 *
 * The documents are checked byte for byte against golden files in
 * tests/driver/golden/seed/<case>/ (UPDATE_GOLDEN=1 rewrites them; review
 * the diff). The ISO is read back with libisofs's own reader: the same three
 * files, the cidata label, names kept by Rock Ridge.
 */
#include "../test.h"
#include "seed.h"

static void check_golden(const char *dir, const char *file, const char *got)
{
    char path[512];
    snprintf(path, sizeof path, "%s/golden/seed/%s/%s", test_data_dir(), dir, file);
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
}

static const char *const alice_keys[] = {
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice@desk",
};
static const seed_user full_users[] = {
    {"alice",
     "$6$Qx3v9b1m2n4k5j6h$Jt2.jqvIYkSM0bUl3/"
     "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV.",
     alice_keys, 2, true},
    {"bob", NULL, NULL, 0, false},
};
static const char *const full_packages[] = {"htop", "python3-serial"};

static seed_config full_config(void)
{
    return (seed_config){
        .instance_id = "epfiot-vm-7-1764140000",
        .hostname = "edge-node-1",
        .mac = "52:54:00:12:34:56",
        .users = full_users,
        .nusers = 2,
        .packages = full_packages,
        .npackages = 2,
    };
}

static void check_docs(const char *dir, const seed_config *c)
{
    char *meta = seed_meta_data(c), *user = seed_user_data(c), *net = seed_network_config(c);
    check_golden(dir, "meta-data", meta);
    check_golden(dir, "user-data", user);
    check_golden(dir, "network-config", net);
    free(meta);
    free(user);
    free(net);
}

TEST(documents_with_users_keys_packages_and_mac)
{
    seed_config c = full_config();
    check_docs("full", &c);
}

TEST(documents_without_users_or_nic_leave_their_keys_empty)
{
    seed_config c = {.instance_id = "epfiot-vm-8-1"};
    check_docs("minimal", &c);
}

TEST(keys_only_user_gets_passwordless_sudo)
{
    static const char *const keys[] = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6 k"};
    static const seed_user u[] = {{"ops", NULL, keys, 1, true}};
    seed_config c = {.instance_id = "epfiot-vm-9", .hostname = "ops-box", .users = u, .nusers = 1};
    check_docs("keys-only", &c);
}

TEST(user_script_becomes_a_shellscript_part_of_a_multipart_user_data)
{
    seed_config c = full_config();
    c.user_data = "#!/bin/sh\necho \"hello\" > /tmp/x\nsystemctl enable foo\n";
    check_docs("script", &c);
}

TEST(user_cloud_config_becomes_a_second_part_merged_by_appending_lists)
{
    seed_config c = full_config();
    c.user_data = "#cloud-config\nruncmd:\n  - [touch, /tmp/raw]\npackages: [jq]";
    check_docs("cloud-config", &c);
}

/* The boundary is chosen so that no part contains it. */
TEST(multipart_boundary_never_occurs_in_a_part)
{
    seed_config c = full_config();
    c.user_data = "#!/bin/sh\necho '--==epfiot-seed-0==' '==epfiot-seed-1=='\n";
    char *user = seed_user_data(&c);
    CHECK_CONTAINS(user, "boundary=\"==epfiot-seed-2==\"");
    CHECK_CONTAINS(user, "\n--==epfiot-seed-2==--\n");
    free(user);
}

TEST(generated_cloud_config_is_the_user_data_without_a_tenant_part)
{
    seed_config c = full_config();
    char *a = seed_user_data(&c), *b = seed_cloud_config(&c);
    CHECK_STR(a, b);
    free(a);
    free(b);
}

/* A value that tries to close its quotes and add a key stays one scalar. */
TEST(user_values_cannot_add_yaml_keys)
{
    static const seed_user evil[] = {
        {"eve\"\n    sudo: ALL=(ALL) NOPASSWD:ALL\n#", NULL, NULL, 0, false}};
    seed_config c = {
        .instance_id = "i-1", .hostname = "h\"\nruncmd: [reboot]", .users = evil, .nusers = 1};
    char *user = seed_user_data(&c);
    CHECK(strstr(user, "\nruncmd") == NULL);
    CHECK(strstr(user, "\n    sudo") == NULL);
    CHECK_CONTAINS(user, "hostname: \"h\\\"\\nruncmd: [reboot]\"");
    free(user);
}

TEST(iso_holds_the_three_documents_under_the_cidata_label)
{
    seed_config c = full_config();
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256] = "";
    CHECK(seed_iso_build(&c, &iso, &len, err, sizeof err));
    CHECK_STR(err, "");
    CHECK(len > 0 && len % 2048 == 0);
    static const char *const files[] = {"meta-data", "user-data", "network-config"};
    for (size_t i = 0; i < 3; i++) {
        char path[64], *data = NULL, *label = NULL;
        size_t n = 0;
        snprintf(path, sizeof path, "/%s", files[i]);
        CHECK(seed_iso_read(iso, len, path, &data, &n, &label));
        CHECK_STR(label, "cidata");
        if (data)
            check_golden("full", files[i], data);
        free(data);
        free(label);
    }
    free(iso);
}

TEST(iso_reader_reports_a_missing_file)
{
    seed_config c = full_config();
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256];
    CHECK(seed_iso_build(&c, &iso, &len, err, sizeof err));
    char *data = NULL;
    size_t n = 0;
    CHECK(!seed_iso_read(iso, len, "/vendor-data", &data, &n, NULL));
    CHECK(data == NULL);
    CHECK(!seed_iso_read(iso, len / 2 > 2048 ? 2048 : len, "/user-data", &data, &n, NULL));
    free(iso);
}

TEST_MAIN()
