/* test_vmconfig.c -- the rules on a VM's cloud-init settings (vmconfig.c)
 * and what reaches the seed: SSH keys, hostnames, package names, the
 * tenant's user-data, and a VM created through the API with all of them. */
#include "fixture.h"
#include "internal.h"
#include "seed.h"

#define ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

TEST(ssh_keys_of_known_types_with_a_matching_blob_are_valid)
{
    CHECK(core_ssh_key_valid(ED25519));
    CHECK(core_ssh_key_valid(ED25519 " alice@laptop"));
    CHECK(core_ssh_key_valid("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 alice@desk"));
    /* ecdsa-sha2-nistp256 blob: "\0\0\0\x13ecdsa-sha2-nistp256..." */
    CHECK(core_ssh_key_valid("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI x"));
}

TEST(ssh_keys_with_a_bad_type_body_or_newline_are_invalid)
{
    CHECK(!core_ssh_key_valid(""));
    CHECK(!core_ssh_key_valid("ssh-ed25519"));
    CHECK(!core_ssh_key_valid("ssh-dss AAAAB3NzaC1kc3MAAACBAP"));
    CHECK(!core_ssh_key_valid("ssh-ed25519 not*base64"));
    CHECK(!core_ssh_key_valid("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9ok"
                              "Wi0dh2l9GKJ")); /* length not a multiple of 4 */
    /* The blob says ed25519, the prefix says rsa. */
    CHECK(!core_ssh_key_valid(
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"));
    CHECK(!core_ssh_key_valid(ED25519 " a\nssh-rsa AAAA b"));
    CHECK(!core_ssh_key_valid("from=\"10.0.0.1\" " ED25519));
}

TEST(hostnames_are_rfc1123_labels)
{
    CHECK(core_hostname_valid("edge-1"));
    CHECK(core_hostname_valid("A"));
    CHECK(!core_hostname_valid(""));
    CHECK(!core_hostname_valid("-edge"));
    CHECK(!core_hostname_valid("edge-"));
    CHECK(!core_hostname_valid("edge_1"));
    CHECK(!core_hostname_valid("edge.local"));
    char long_name[65];
    memset(long_name, 'a', 64);
    long_name[64] = 0;
    CHECK(!core_hostname_valid(long_name));
    long_name[63] = 0;
    CHECK(core_hostname_valid(long_name));
}

TEST(the_default_hostname_is_the_vm_name_made_a_label)
{
    char h[64];
    core_hostname_of("my_vm.2", h);
    CHECK_STR(h, "my-vm-2");
    core_hostname_of("web.", h);
    CHECK_STR(h, "web");
    core_hostname_of("._", h);
    CHECK_STR(h, "vm");
    char long_name[80];
    memset(long_name, 'b', 79);
    long_name[79] = 0;
    core_hostname_of(long_name, h);
    CHECK_INT(strlen(h), 63);
    CHECK(core_hostname_valid(h));
}

TEST(package_names_follow_debian_policy)
{
    CHECK(core_package_valid("htop"));
    CHECK(core_package_valid("python3-serial"));
    CHECK(core_package_valid("libstdc++6"));
    CHECK(core_package_valid("0ad"));
    CHECK(!core_package_valid("a"));
    CHECK(!core_package_valid("Htop"));
    CHECK(!core_package_valid("-htop"));
    CHECK(!core_package_valid("htop vim"));
    CHECK(!core_package_valid("htop;reboot"));
    CHECK(!core_package_valid("htop=1.0"));
}

static const char *problem(const char *s)
{
    return core_user_data_problem(s, strlen(s));
}

TEST(user_data_is_a_script_or_a_cloud_config_mapping)
{
    CHECK(problem("#!/bin/sh\necho hi\n") == NULL);
    CHECK(problem("#cloud-config\n") == NULL);
    CHECK(problem("#cloud-config\nruncmd:\n  - [touch, /x]\npackages: [jq]\n") == NULL);
    CHECK(problem("#cloud-config\n# c\n\nwrite_files:\n- path: /a\n  content: |\n"
                  "    key: value\n    <html>\n---\n") == NULL);
    CHECK(problem("#cloud-config\r\nhostname: x\r\n") == NULL);
    CHECK(problem("#cloud-config   \nhostname: x") == NULL);
}

TEST(user_data_garbage_is_refused_with_a_reason)
{
    CHECK_STR(problem("echo hi"), "it must start with #! (a script) or #cloud-config");
    CHECK_STR(problem(""), "it must start with #! (a script) or #cloud-config");
    CHECK(problem("#!\necho") != NULL);
    CHECK(problem("#cloud-configx\na: b\n") != NULL);
    CHECK(problem("#cloud-config\n<html>\n") != NULL);
    CHECK(problem("#cloud-config\n  indented: first\n") != NULL);
    CHECK(problem("#cloud-config\npackages:\n\t- htop\n") != NULL);
    CHECK(problem("#cloud-config\nhostname: x\n- item\n") != NULL); /* no open key */
    CHECK(problem("#cloud-config\nkey:value\n") != NULL);
    CHECK_STR(core_user_data_problem("#!/bin/sh\n\0x", 12), "it contains a NUL character");
    CHECK_STR(problem("#!/bin/sh\necho \xc3\x28\n"), "it is not valid UTF-8");
    CHECK_STR(problem("#!/bin/sh\necho \xed\xa0\x80\n"), "it is not valid UTF-8");
    CHECK(problem("#!/bin/sh\necho \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n") == NULL);
    char *big = malloc(CORE_USER_DATA_MAX + 2);
    memcpy(big, "#!/bin/sh\n", 10);
    memset(big + 10, 'x', CORE_USER_DATA_MAX - 10);
    big[CORE_USER_DATA_MAX] = 0;
    CHECK(problem(big) == NULL);
    big[CORE_USER_DATA_MAX] = 'x';
    big[CORE_USER_DATA_MAX + 1] = 0;
    CHECK_STR(problem(big), "it is larger than 16 KiB");
    free(big);
}

TEST(lists_round_trip_through_the_store_text)
{
    const char *items[] = {"a b", "c"};
    char *t = core_lines_join(items, 2);
    CHECK_STR(t, "a b\nc");
    size_t n = 0;
    char **l = core_lines_split(t, &n);
    CHECK_INT(n, 2);
    CHECK_STR(l[0], "a b");
    CHECK_STR(l[1], "c");
    core_lines_free(l);
    free(t);
    CHECK(core_lines_join(items, 0) == NULL);
    CHECK(core_lines_split(NULL, &n) == NULL && n == 0);
    l = core_lines_split("\nx\n\n", &n);
    CHECK_INT(n, 1);
    CHECK_STR(l[0], "x");
    core_lines_free(l);
}

/* A VM created with every setting gets them all in its seed. */
TEST(the_seed_of_a_configured_vm_holds_keys_hostname_packages_and_user_script)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{createVm(vm:{name:\"web\",base:\"debian-12.qcow2\",config:{"
                 "user:\"pi\",password:\"pw-1\",sshKeys:[\"" ED25519 " k\"],hostname:\"edge-7\","
                 "packages:[\"htop\",\"jq\"],userData:\"#!/bin/sh\\necho ok\\n\"}})"
                 "{hostname sshKeys firmware}}");
    CHECK_STR(r, "{\"data\":{\"createVm\":{\"hostname\":\"edge-7\",\"sshKeys\":[\"" ED25519
                 " k\"],\"firmware\":\"BIOS\"}}}");
    free(r);
    store_vm vm;
    CHECK_INT(store_vm_get(core_store(e.c), 1, 0, &vm), STORE_OK);
    core_call k;
    core_call_init(&k, e.c);
    unsigned char *iso = NULL;
    size_t len = 0;
    CHECK(core_vm_seed_build(&k, &vm, "i-1", "52:54:00:00:00:01", &iso, &len));
    char *ud = NULL;
    size_t n = 0;
    CHECK(seed_iso_read(iso, len, "/user-data", &ud, &n, NULL));
    CHECK_CONTAINS(ud, "Content-Type: multipart/mixed");
    CHECK_CONTAINS(ud, "hostname: \"edge-7\"");
    CHECK_CONTAINS(ud, "  - name: \"pi\"\n    lock_passwd: false\n    passwd: \"$6$");
    CHECK_CONTAINS(ud, "sudo: \"ALL=(ALL) ALL\"");
    CHECK_CONTAINS(ud, "ssh_authorized_keys:\n      - \"" ED25519 " k\"");
    CHECK_CONTAINS(ud, "packages:\n  - \"htop\"\n  - \"jq\"");
    CHECK_CONTAINS(ud, "Content-Type: text/x-shellscript");
    CHECK_CONTAINS(ud, "#!/bin/sh\necho ok\n");
    CHECK(!strstr(ud, "pw-1"));
    free(ud);
    free(iso);
    store_vm_clear(&vm);
    env_free(&e);
}

/* ---- updateVm ------------------------------------------------------------ */

TEST(update_vm_changes_only_what_the_caller_gives)
{
    env e;
    env_init(&e);
    free(
        gq(&e, e.alice,
           "mutation{createVm(vm:{name:\"web\",base:\"debian-12.qcow2\",vcpu:2,memory:512}){id}}"));
    char *r = gq(&e, e.alice,
                 "mutation{updateVm(vm:{id:\"1\",name:\"web2\",base:\"\"}){name vcpu memory}}");
    CHECK_STR(r, "{\"data\":{\"updateVm\":{\"name\":\"web2\",\"vcpu\":2,\"memory\":512}}}");
    free(r);
    /* Given, even with the default's value, it changes. */
    r = gq(&e, e.alice,
           "mutation{updateVm(vm:{id:\"1\",name:\"web2\",base:\"\",memory:256}){vcpu memory}}");
    CHECK_STR(r, "{\"data\":{\"updateVm\":{\"vcpu\":2,\"memory\":256}}}");
    free(r);
    env_free(&e);
}

TEST(update_vm_config_is_pending_until_the_seed_is_rebuilt)
{
    env e;
    env_init(&e);
    free(gq(
        &e, e.alice,
        "mutation{createVm(vm:{name:\"web\",base:\"debian-12.qcow2\",config:{user:\"pi\"}}){id}}"));
    char *r = gq(&e, e.alice, "{getVm(id:\"1\"){pendingChanges}}");
    CHECK_STR(r, "{\"data\":{\"getVm\":{\"pendingChanges\":[]}}}");
    free(r);
    r = gq(&e, e.alice,
           "mutation{updateVm(vm:{id:\"1\",name:\"web\",base:\"\",config:{hostname:\"edge-9\","
           "sshKeys:[\"" ED25519 "\"]}}){configUser hostname sshKeys pendingChanges}}");
    CHECK_STR(r, "{\"data\":{\"updateVm\":{\"configUser\":\"pi\",\"hostname\":\"edge-9\","
                 "\"sshKeys\":[\"" ED25519 "\"],\"pendingChanges\":[\"config\"]}}}");
    free(r);
    /* The test host cannot upload a seed: it stays pending after a boot. */
    free(gq(&e, e.alice, "mutation{powerON(vmID:\"1\"){state}}"));
    r = gq(&e, e.alice, "{getVm(id:\"1\"){pendingChanges}}");
    CHECK_STR(r, "{\"data\":{\"getVm\":{\"pendingChanges\":[\"config\"]}}}");
    free(r);
    /* A rebuild clears it, unless another change came in meanwhile. */
    store_vm vm;
    CHECK_INT(store_vm_get(core_store(e.c), 1, 0, &vm), STORE_OK);
    CHECK(vm.seed_stale > 0);
    free(gq(&e, e.alice,
            "mutation{updateVm(vm:{id:\"1\",name:\"web\",base:\"\",config:{packages:[\"jq\"]}})"
            "{id}}"));
    CHECK_INT(store_vm_seed_built(core_store(e.c), 1, vm.seed_stale), STORE_OK);
    store_vm now;
    CHECK_INT(store_vm_get(core_store(e.c), 1, 0, &now), STORE_OK);
    CHECK(now.seed_stale > 0);
    CHECK_STR(now.cfg_packages, "jq");
    CHECK_STR(now.cfg_hostname, "edge-9");
    CHECK_INT(store_vm_seed_built(core_store(e.c), 1, now.seed_stale), STORE_OK);
    store_vm_clear(&now);
    CHECK_INT(store_vm_get(core_store(e.c), 1, 0, &now), STORE_OK);
    CHECK_INT(now.seed_stale, 0);
    store_vm_clear(&now);
    store_vm_clear(&vm);
    /* A size-only update leaves the settings as they are. */
    r = gq(&e, e.alice,
           "mutation{updateVm(vm:{id:\"1\",name:\"web\",base:\"\",vcpu:1}){hostname "
           "pendingChanges}}");
    CHECK_CONTAINS(r, "\"hostname\":\"edge-9\"");
    CHECK(!strstr(r, "config"));
    free(r);
    env_free(&e);
}

TEST(update_vm_with_bad_config_changes_nothing)
{
    env e;
    env_init(&e);
    free(gq(&e, e.alice, "mutation{createVm(vm:{name:\"web\",base:\"debian-12.qcow2\"}){id}}"));
    char *r = gq(&e, e.alice,
                 "mutation{updateVm(vm:{id:\"1\",name:\"web2\",base:\"\",vcpu:2,config:{"
                 "hostname:\"bad_host\"}}){id}}");
    CHECK_CONTAINS(r, "config.hostname");
    CHECK_CONTAINS(r, "BAD_USER_INPUT");
    free(r);
    r = gq(&e, e.alice, "{getVm(id:\"1\"){name vcpu hostname pendingChanges}}");
    CHECK_STR(r, "{\"data\":{\"getVm\":{\"name\":\"web\",\"vcpu\":1,\"hostname\":\"web\","
                 "\"pendingChanges\":[]}}}");
    free(r);
    r = gq(&e, e.alice,
           "mutation{updateVm(vm:{id:\"1\",name:\"web\",base:\"\",firmware:UEFI}){id}}");
    CHECK_CONTAINS(r, "the firmware of a VM cannot change");
    free(r);
    r = gq(&e, e.alice,
           "mutation{updateVm(vm:{id:\"1\",name:\"web\",base:\"\",config:{sshKeys:[\"" ED25519
           "\"]}}){id}}");
    CHECK_CONTAINS(r, "config.sshKeys need config.user");
    free(r);
    env_free(&e);
}

TEST_MAIN()
