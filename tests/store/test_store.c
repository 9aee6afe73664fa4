/* test_store.c -- the store's operations and the rules its schema enforces:
 * unique names per owner, one VM per device, owner scoping that makes
 * another tenant's row indistinguishable from a missing one, delete rules.
 */
#include "test.h"
#include "tmpdb.h"

/* ---- IDs ------------------------------------------------------------------------ */

TEST(id_parse_accepts_positive_decimal_ids)
{
    int64_t id = 0;
    CHECK(store_id_parse("1", &id));
    CHECK_INT(id, 1);
    CHECK(store_id_parse("9223372036854775807", &id));
    CHECK_INT(id, INT64_MAX);
}

TEST(id_parse_rejects_anything_that_is_not_a_plain_positive_id)
{
    static const char *const bad[] = {
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1 ",
        "01",
        "1a",
        "0x10",
        "1.0",
        "9223372036854775808",
        "18446744073709551617",
        "4294967295000000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t id = 123;
        if (store_id_parse(bad[i], &id))
            TEST_FAIL_("store_id_parse accepted \"%s\"", bad[i]);
        CHECK_INT(id, 0);
    }
    CHECK(!store_id_parse(NULL, &(int64_t){0}));
}

TEST(id_format_round_trips_through_parse)
{
    char buf[21];
    int64_t back = 0;
    store_id_format(INT64_MAX, buf);
    CHECK_STR(buf, "9223372036854775807");
    CHECK(store_id_parse(buf, &back));
    CHECK_INT(back, INT64_MAX);
}

/* ---- Users ------------------------------------------------------------------ */

TEST(user_create_then_get_returns_its_fields)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = 0;
    store_user u;
    CHECK_INT(store_user_create(st, "alice", STORE_ROLE_ADMIN, "$argon2id$x", &id), STORE_OK);
    CHECK(id > 0);
    CHECK_INT(store_user_get(st, id, &u), STORE_OK);
    CHECK_INT(u.id, id);
    CHECK_STR(u.name, "alice");
    CHECK_INT(u.role, STORE_ROLE_ADMIN);
    CHECK(u.created_at > 0);
    store_user_clear(&u);
    tmpdb_done(&t, st);
}

TEST(user_get_by_name_finds_the_user)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "bob");
    store_user u;
    CHECK_INT(store_user_get_by_name(st, "bob", &u), STORE_OK);
    CHECK_INT(u.id, id);
    CHECK_INT(u.role, STORE_ROLE_USER);
    store_user_clear(&u);
    CHECK_INT(store_user_get_by_name(st, "nobody", &u), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(user_names_are_unique)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id;
    tmpdb_user(st, "alice");
    CHECK_INT(store_user_create(st, "alice", STORE_ROLE_USER, "$argon2id$y", &id), STORE_CONFLICT);
    CHECK_CONTAINS(store_errmsg(st), "UNIQUE");
    tmpdb_done(&t, st);
}

TEST(user_names_differing_only_in_case_conflict)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id;
    tmpdb_user(st, "alice");
    CHECK_INT(store_user_create(st, "Alice", STORE_ROLE_USER, "$argon2id$y", &id), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(user_name_must_not_be_empty)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id;
    CHECK_INT(store_user_create(st, "", STORE_ROLE_USER, "$argon2id$y", &id), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(user_get_of_unknown_id_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    store_user u;
    CHECK_INT(store_user_get(st, 42, &u), STORE_NOT_FOUND);
    CHECK(u.name == NULL);
    tmpdb_done(&t, st);
}

TEST(user_list_returns_all_users_in_id_order)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    store_user *list;
    size_t n;
    tmpdb_user(st, "b");
    tmpdb_user(st, "a");
    CHECK_INT(store_user_list(st, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(list[0].name, "b");
        CHECK_STR(list[1].name, "a");
    }
    store_user_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(user_count_counts_users)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t n = -1;
    CHECK_INT(store_user_count(st, &n), STORE_OK);
    CHECK_INT(n, 0);
    tmpdb_user(st, "a");
    tmpdb_user(st, "b");
    CHECK_INT(store_user_count(st, &n), STORE_OK);
    CHECK_INT(n, 2);
    tmpdb_done(&t, st);
}

TEST(user_set_role_and_password_hash_are_stored)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a"), got = 0;
    char *hash = NULL;
    store_user u;
    CHECK_INT(store_user_set_role(st, id, STORE_ROLE_ADMIN), STORE_OK);
    CHECK_INT(store_user_set_pwhash(st, id, "$argon2id$new"), STORE_OK);
    CHECK_INT(store_user_get(st, id, &u), STORE_OK);
    CHECK_INT(u.role, STORE_ROLE_ADMIN);
    store_user_clear(&u);
    CHECK_INT(store_user_pwhash(st, "a", &got, &hash), STORE_OK);
    CHECK_INT(got, id);
    CHECK_STR(hash, "$argon2id$new");
    free(hash);
    CHECK_INT(store_user_set_role(st, id + 1, STORE_ROLE_ADMIN), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(user_delete_removes_sessions_tokens_quotas_and_things)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a"), sid, tid;
    unsigned char h1[STORE_TOKEN_HASH_LEN] = {1}, h2[STORE_TOKEN_HASH_LEN] = {2};
    store_session s;
    store_token tok;
    store_thing th = {.owner_id = id, .name = "sensor"};
    store_quota q = {1, 1, 1, 1};
    CHECK_INT(store_session_create(st, id, h1, 100, 200, &sid), STORE_OK);
    CHECK_INT(store_token_create(st, id, "ci", h2, 100, 0, &tid), STORE_OK);
    CHECK_INT(store_quota_set(st, id, &q), STORE_OK);
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_user_delete(st, id), STORE_OK);
    CHECK_INT(store_session_lookup(st, h1, 150, &s), STORE_NOT_FOUND);
    CHECK_INT(store_token_lookup(st, h2, 150, &tok), STORE_NOT_FOUND);
    CHECK_INT(store_thing_get(st, th.id, 0, &th), STORE_NOT_FOUND);
    CHECK_INT(store_quota_get(st, id, &q), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(user_delete_is_refused_while_the_user_owns_vms)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a");
    store_user u;
    tmpdb_vm(st, id, "vm");
    CHECK_INT(store_user_delete(st, id), STORE_CONFLICT);
    CHECK_CONTAINS(store_errmsg(st), "still own VMs");
    CHECK_INT(store_user_get(st, id, &u), STORE_OK);
    store_user_clear(&u);
    tmpdb_done(&t, st);
}

TEST(user_delete_of_unknown_id_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    CHECK_INT(store_user_delete(st, 7), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(ids_of_deleted_rows_are_never_reused)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a");
    int64_t first = tmpdb_vm(st, u, "vm");
    CHECK_INT(store_vm_delete(st, first, u), STORE_OK);
    int64_t second = tmpdb_vm(st, u, "vm");
    CHECK(second > first);
    tmpdb_done(&t, st);
}

/* ---- Quotas and usage ------------------------------------------------------- */

TEST(quota_of_a_new_user_is_unlimited)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a");
    store_quota q = {0, 0, 0, 0};
    CHECK_INT(store_quota_get(st, id, &q), STORE_OK);
    CHECK_INT(q.max_vms, -1);
    CHECK_INT(q.max_vcpus, -1);
    CHECK_INT(q.max_memory_mib, -1);
    CHECK_INT(q.max_devices, -1);
    tmpdb_done(&t, st);
}

TEST(quota_set_replaces_the_previous_quota)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a");
    store_quota q1 = {1, 2, 512, 0}, q2 = {3, 4, 2048, 1}, got;
    CHECK_INT(store_quota_set(st, id, &q1), STORE_OK);
    CHECK_INT(store_quota_set(st, id, &q2), STORE_OK);
    CHECK_INT(store_quota_get(st, id, &got), STORE_OK);
    CHECK_INT(got.max_vms, 3);
    CHECK_INT(got.max_vcpus, 4);
    CHECK_INT(got.max_memory_mib, 2048);
    CHECK_INT(got.max_devices, 1);
    tmpdb_done(&t, st);
}

TEST(quota_of_unknown_user_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    store_quota q = {1, 1, 1, 1};
    CHECK_INT(store_quota_set(st, 99, &q), STORE_NOT_FOUND);
    CHECK_INT(store_quota_get(st, 99, &q), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(quota_below_minus_one_is_rejected)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id = tmpdb_user(st, "a");
    store_quota q = {-2, 1, 1, 1};
    CHECK_INT(store_quota_set(st, id, &q), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(usage_sums_vms_vcpus_memory_and_attached_devices)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), dev;
    store_vm big = {.owner_id = a, .name = "big", .base = "debian", .vcpu = 2, .memory_mib = 1024};
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    store_usage u;
    CHECK_INT(store_vm_create(st, &big), STORE_OK);
    tmpdb_vm(st, a, "small");
    tmpdb_vm(st, b, "other");
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, big.id, a), STORE_OK);
    CHECK_INT(store_usage_get(st, a, &u), STORE_OK);
    CHECK_INT(u.vms, 2);
    CHECK_INT(u.vcpus, 3);
    CHECK_INT(u.memory_mib, 1280);
    CHECK_INT(u.devices, 1);
    free(big.domain_name);
    tmpdb_done(&t, st);
}

/* ---- Sessions ---------------------------------------------------------------- */

static const unsigned char H1[STORE_TOKEN_HASH_LEN] = {0xa1, 0xb2};
static const unsigned char H2[STORE_TOKEN_HASH_LEN] = {0xc3, 0xd4};

TEST(session_lookup_finds_an_unexpired_session)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a"), id;
    store_session s;
    CHECK_INT(store_session_create(st, u, H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_lookup(st, H1, 1999, &s), STORE_OK);
    CHECK_INT(s.id, id);
    CHECK_INT(s.user_id, u);
    CHECK_INT(s.expires_at, 2000);
    CHECK_INT(store_session_lookup(st, H2, 1999, &s), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(session_lookup_ignores_an_expired_session)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a"), id;
    store_session s;
    CHECK_INT(store_session_create(st, u, H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_lookup(st, H1, 2000, &s), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(session_delete_ends_only_that_session)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a"), id;
    store_session s;
    CHECK_INT(store_session_create(st, u, H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_create(st, u, H2, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_delete(st, H1), STORE_OK);
    CHECK_INT(store_session_lookup(st, H1, 1500, &s), STORE_NOT_FOUND);
    CHECK_INT(store_session_lookup(st, H2, 1500, &s), STORE_OK);
    CHECK_INT(store_session_delete(st, H1), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(session_delete_user_ends_all_of_a_users_sessions)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), id;
    store_session s;
    CHECK_INT(store_session_create(st, a, H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_create(st, b, H2, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_delete_user(st, a), STORE_OK);
    CHECK_INT(store_session_lookup(st, H1, 1500, &s), STORE_NOT_FOUND);
    CHECK_INT(store_session_lookup(st, H2, 1500, &s), STORE_OK);
    tmpdb_done(&t, st);
}

TEST(session_purge_removes_only_expired_sessions)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a"), id, removed = 0;
    store_session s;
    CHECK_INT(store_session_create(st, u, H1, 1000, 1500, &id), STORE_OK);
    CHECK_INT(store_session_create(st, u, H2, 1000, 3000, &id), STORE_OK);
    CHECK_INT(store_session_purge(st, 2000, &removed), STORE_OK);
    CHECK_INT(removed, 1);
    CHECK_INT(store_session_lookup(st, H2, 2000, &s), STORE_OK);
    tmpdb_done(&t, st);
}

TEST(session_hash_must_be_unique)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a"), id;
    CHECK_INT(store_session_create(st, u, H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_session_create(st, u, H1, 1000, 2000, &id), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

/* ---- API tokens ---------------------------------------------------------------- */

TEST(token_names_are_unique_per_user_not_across_users)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), id;
    unsigned char h3[STORE_TOKEN_HASH_LEN] = {3};
    CHECK_INT(store_token_create(st, a, "ci", H1, 1000, 0, &id), STORE_OK);
    CHECK_INT(store_token_create(st, a, "ci", H2, 1000, 0, &id), STORE_CONFLICT);
    CHECK_INT(store_token_create(st, b, "ci", h3, 1000, 0, &id), STORE_OK);
    tmpdb_done(&t, st);
}

TEST(token_lookup_returns_the_token_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id;
    store_token tok;
    CHECK_INT(store_token_create(st, a, "ci", H1, 1000, 0, &id), STORE_OK);
    CHECK_INT(store_token_lookup(st, H1, 5000000, &tok), STORE_OK);
    CHECK_INT(tok.id, id);
    CHECK_INT(tok.user_id, a);
    CHECK_STR(tok.name, "ci");
    store_token_clear(&tok);
    tmpdb_done(&t, st);
}

TEST(token_lookup_ignores_an_expired_token)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id;
    store_token tok;
    CHECK_INT(store_token_create(st, a, "ci", H1, 1000, 2000, &id), STORE_OK);
    CHECK_INT(store_token_lookup(st, H1, 1999, &tok), STORE_OK);
    store_token_clear(&tok);
    CHECK_INT(store_token_lookup(st, H1, 2000, &tok), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(token_lookup_ignores_a_revoked_token_which_stays_listed)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id;
    store_token tok, *list;
    size_t n;
    CHECK_INT(store_token_create(st, a, "ci", H1, 1000, 0, &id), STORE_OK);
    CHECK_INT(store_token_revoke(st, id, a, 1500), STORE_OK);
    CHECK_INT(store_token_lookup(st, H1, 1600, &tok), STORE_NOT_FOUND);
    CHECK_INT(store_token_list(st, a, &list, &n), STORE_OK);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_INT(list[0].revoked_at, 1500);
    store_token_list_free(list, n);
    CHECK_INT(store_token_revoke(st, id, a, 1700), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(token_of_another_user_cannot_be_revoked)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), id;
    store_token tok;
    CHECK_INT(store_token_create(st, a, "ci", H1, 1000, 0, &id), STORE_OK);
    CHECK_INT(store_token_revoke(st, id, b, 1500), STORE_NOT_FOUND);
    CHECK_INT(store_token_lookup(st, H1, 1600, &tok), STORE_OK);
    store_token_clear(&tok);
    CHECK_INT(store_token_revoke(st, id, 0, 1500), STORE_OK);
    tmpdb_done(&t, st);
}

/* ---- VMs ------------------------------------------------------------------------ */

TEST(vm_create_starts_in_creating_with_a_domain_name_from_its_id)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a");
    store_vm vm = {.owner_id = u,
                   .name = "web",
                   .base = "debian-12",
                   .vcpu = 2,
                   .memory_mib = 512,
                   .state = STORE_VM_RUNNING};
    store_vm got;
    char expect[64];
    CHECK_INT(store_vm_create(st, &vm), STORE_OK);
    CHECK(vm.id > 0);
    CHECK_INT(vm.state, STORE_VM_CREATING);
    snprintf(expect, sizeof expect, "epfiot-vm-%lld", (long long)vm.id);
    CHECK_STR(vm.domain_name, expect);
    CHECK_INT(store_vm_get(st, vm.id, u, &got), STORE_OK);
    CHECK_STR(got.name, "web");
    CHECK_STR(got.base, "debian-12");
    CHECK_INT(got.vcpu, 2);
    CHECK_INT(got.memory_mib, 512);
    CHECK_INT(got.state, STORE_VM_CREATING);
    CHECK_STR(got.domain_name, expect);
    CHECK(got.ip == NULL);
    CHECK(got.uuid == NULL);
    store_vm_clear(&got);
    free(vm.domain_name);
    tmpdb_done(&t, st);
}

TEST(vm_names_are_unique_per_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t u = tmpdb_user(st, "a");
    store_vm vm = {.owner_id = u, .name = "web", .base = "debian", .vcpu = 1, .memory_mib = 256};
    tmpdb_vm(st, u, "web");
    CHECK_INT(store_vm_create(st, &vm), STORE_CONFLICT);
    CHECK_CONTAINS(store_errmsg(st), "vms.owner_id, vms.name");
    CHECK_INT(vm.id, 0);
    tmpdb_done(&t, st);
}

TEST(vm_names_may_repeat_across_owners)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t va = tmpdb_vm(st, a, "web"), vb = tmpdb_vm(st, b, "web");
    CHECK(va != vb);
    tmpdb_done(&t, st);
}

TEST(vm_of_another_owner_looks_exactly_like_an_unknown_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm got;
    char msg_other[512];
    CHECK_INT(store_vm_get(st, v, b, &got), STORE_NOT_FOUND);
    snprintf(msg_other, sizeof msg_other, "%s", store_errmsg(st));
    CHECK_INT(store_vm_get(st, v + 100, b, &got), STORE_NOT_FOUND);
    CHECK_STR(msg_other, store_errmsg(st));
    CHECK_INT(store_vm_get_by_name(st, b, "web", &got), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(vm_get_by_name_finds_the_owners_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    tmpdb_vm(st, a, "web");
    int64_t vb = tmpdb_vm(st, b, "web");
    store_vm got;
    CHECK_INT(store_vm_get_by_name(st, b, "web", &got), STORE_OK);
    CHECK_INT(got.id, vb);
    store_vm_clear(&got);
    tmpdb_done(&t, st);
}

TEST(vm_get_by_name_needs_an_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm got;
    tmpdb_vm(st, a, "web");
    CHECK_INT(store_vm_get_by_name(st, 0, "web", &got), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "per owner");
    CHECK(got.name == NULL);
    tmpdb_done(&t, st);
}

TEST(vm_get_with_owner_zero_sees_every_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm got;
    CHECK_INT(store_vm_get(st, v, 0, &got), STORE_OK);
    CHECK_INT(got.owner_id, a);
    store_vm_clear(&got);
    tmpdb_done(&t, st);
}

TEST(vm_list_is_scoped_by_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    store_vm *list;
    size_t n;
    tmpdb_vm(st, a, "one");
    tmpdb_vm(st, b, "two");
    tmpdb_vm(st, a, "three");
    CHECK_INT(store_vm_list(st, a, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(list[0].name, "one");
        CHECK_STR(list[1].name, "three");
    }
    store_vm_list_free(list, n);
    CHECK_INT(store_vm_list(st, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 3);
    store_vm_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(vm_update_changes_name_vcpu_and_memory)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm upd = {.id = v, .name = "api", .vcpu = 4, .memory_mib = 2048}, got;
    CHECK_INT(store_vm_update(st, &upd, a), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK_STR(got.name, "api");
    CHECK_INT(got.vcpu, 4);
    CHECK_INT(got.memory_mib, 2048);
    store_vm_clear(&got);
    tmpdb_done(&t, st);
}

TEST(vm_update_of_another_owners_vm_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm upd = {.id = v, .name = "mine", .vcpu = 1, .memory_mib = 256}, got;
    CHECK_INT(store_vm_update(st, &upd, b), STORE_NOT_FOUND);
    CHECK_INT(store_vm_get(st, v, 0, &got), STORE_OK);
    CHECK_STR(got.name, "web");
    store_vm_clear(&got);
    tmpdb_done(&t, st);
}

TEST(vm_update_to_a_taken_name_conflicts)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm upd = {.id = v, .name = "db", .vcpu = 1, .memory_mib = 256};
    tmpdb_vm(st, a, "db");
    CHECK_INT(store_vm_update(st, &upd, a), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(vm_needs_at_least_one_vcpu_and_some_memory)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm vm = {.owner_id = a, .name = "w", .base = "debian", .vcpu = 0, .memory_mib = 256};
    CHECK_INT(store_vm_create(st, &vm), STORE_CONFLICT);
    vm.vcpu = 1;
    vm.memory_mib = 0;
    CHECK_INT(store_vm_create(st, &vm), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(vm_set_runtime_records_state_and_keeps_unspecified_ip_and_uuid)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm got;
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_RUNNING, "192.0.2.10",
                                   "6f1c0a52-7d3e-4f6b-9a51-0d2c1e3b4a59"),
              STORE_OK);
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_PAUSED, NULL, NULL), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK_INT(got.state, STORE_VM_PAUSED);
    CHECK_STR(got.ip, "192.0.2.10");
    CHECK_STR(got.uuid, "6f1c0a52-7d3e-4f6b-9a51-0d2c1e3b4a59");
    store_vm_clear(&got);
    CHECK_INT(store_vm_set_runtime(st, v + 1, STORE_VM_RUNNING, NULL, NULL), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(a_vm_that_stops_loses_its_address_and_only_a_running_one_gets_one)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm got;
    /* Not running (the new row): no address is taken. */
    CHECK_INT(store_vm_set_ip(st, v, "192.0.2.10"), STORE_NOT_FOUND);
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_RUNNING, NULL, NULL), STORE_OK);
    CHECK_INT(store_vm_set_ip(st, v, "192.0.2.10"), STORE_OK);
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_SHUTTING_DOWN, NULL, NULL), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK_STR(got.ip, "192.0.2.10");
    store_vm_clear(&got);
    /* Stopped, by event or by the daemon: the address goes. */
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_POWEROFF, "192.0.2.11", NULL), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK(got.ip == NULL);
    store_vm_clear(&got);
    /* A refresh that looked the address up just before the stop. */
    CHECK_INT(store_vm_set_ip(st, v, "192.0.2.10"), STORE_NOT_FOUND);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK(got.ip == NULL);
    store_vm_clear(&got);
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_RUNNING, "192.0.2.12", NULL), STORE_OK);
    CHECK_INT(store_vm_set_runtime(st, v, STORE_VM_CRASHED, NULL, NULL), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    CHECK(got.ip == NULL);
    store_vm_clear(&got);
    CHECK_INT(store_vm_set_ip(st, v + 1, "192.0.2.10"), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(vm_config_keeps_the_password_hash_it_was_given)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm vm = {.owner_id = a,
                   .name = "w",
                   .base = "debian",
                   .vcpu = 1,
                   .memory_mib = 256,
                   .cfg_user = "pi",
                   .cfg_password_hash = "$6$salt$hash",
                   .cfg_ssh_keys = "ssh-ed25519 AAAA a@b"};
    store_vm got;
    CHECK_INT(store_vm_create(st, &vm), STORE_OK);
    CHECK_INT(store_vm_get(st, vm.id, a, &got), STORE_OK);
    CHECK_STR(got.cfg_user, "pi");
    CHECK_STR(got.cfg_password_hash, "$6$salt$hash");
    CHECK_STR(got.cfg_ssh_keys, "ssh-ed25519 AAAA a@b");
    store_vm_clear(&got);
    free(vm.domain_name);
    tmpdb_done(&t, st);
}

TEST(vm_delete_of_another_owners_vm_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t v = tmpdb_vm(st, a, "web");
    store_vm got;
    CHECK_INT(store_vm_delete(st, v, b), STORE_NOT_FOUND);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_OK);
    store_vm_clear(&got);
    CHECK_INT(store_vm_delete(st, v, a), STORE_OK);
    CHECK_INT(store_vm_get(st, v, a, &got), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(vm_delete_releases_its_devices_and_detaches_its_things)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), dev;
    int64_t v = tmpdb_vm(st, a, "web");
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    store_thing th = {.owner_id = a, .name = "sensor", .vm_id = v};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v, a), STORE_OK);
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_vm_delete(st, v, a), STORE_OK);
    CHECK_INT(store_dev_get(st, dev, &d), STORE_OK);
    CHECK_INT(d.vm_id, 0);
    store_dev_clear(&d);
    CHECK_INT(store_thing_get(st, th.id, a, &th), STORE_OK);
    CHECK_INT(th.vm_id, 0);
    store_thing_clear(&th);
    tmpdb_done(&t, st);
}

TEST(vm_state_names_round_trip)
{
    for (int s = STORE_VM_CREATING; s <= STORE_VM_ERROR; s++) {
        store_vm_state back = STORE_VM_CREATING;
        CHECK(store_vm_state_parse(store_vm_state_name((store_vm_state)s), &back));
        CHECK_INT(back, s);
    }
    store_vm_state x;
    CHECK(!store_vm_state_parse("running", &x));
    CHECK_STR(store_vm_state_name(STORE_VM_SHUTTING_DOWN), "SHUTTING_DOWN");
}

/* ---- Devices ------------------------------------------------------------------- */

TEST(dev_upsert_recognises_a_replugged_device_by_serial)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), v = tmpdb_vm(st, a, "web"), id1, id2;
    store_dev d = {.vendor_id = "18d1",
                   .product_id = "9302",
                   .serial = "S1",
                   .bus = 1,
                   .device = 4,
                   .port = "1-2",
                   .info = "Coral"};
    store_dev got;
    CHECK_INT(store_dev_upsert(st, &d, &id1), STORE_OK);
    CHECK_INT(store_dev_attach(st, id1, v, a), STORE_OK);
    d.bus = 2;
    d.device = 9;
    d.port = "2-1";
    CHECK_INT(store_dev_upsert(st, &d, &id2), STORE_OK);
    CHECK_INT(id2, id1);
    CHECK_INT(store_dev_get(st, id1, &got), STORE_OK);
    CHECK_INT(got.bus, 2);
    CHECK_INT(got.device, 9);
    CHECK_STR(got.port, "2-1");
    CHECK_INT(got.vm_id, v);
    store_dev_clear(&got);
    tmpdb_done(&t, st);
}

TEST(dev_upsert_without_serial_tells_devices_apart_by_port)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id1, id2, id3;
    store_dev d = {.vendor_id = "1a6e", .product_id = "089a", .port = "1-1"};
    CHECK_INT(store_dev_upsert(st, &d, &id1), STORE_OK);
    d.port = "1-2";
    CHECK_INT(store_dev_upsert(st, &d, &id2), STORE_OK);
    d.port = "1-1";
    CHECK_INT(store_dev_upsert(st, &d, &id3), STORE_OK);
    CHECK(id1 != id2);
    CHECK_INT(id3, id1);
    tmpdb_done(&t, st);
}

TEST(dev_mark_all_absent_then_upsert_marks_only_seen_devices_present)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t id1, id2;
    store_dev d1 = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    store_dev d2 = {.vendor_id = "18d1", .product_id = "9302", .serial = "S2"};
    store_dev got;
    CHECK_INT(store_dev_upsert(st, &d1, &id1), STORE_OK);
    CHECK_INT(store_dev_upsert(st, &d2, &id2), STORE_OK);
    CHECK_INT(store_dev_mark_all_absent(st), STORE_OK);
    CHECK_INT(store_dev_upsert(st, &d2, &id2), STORE_OK);
    CHECK_INT(store_dev_get(st, id1, &got), STORE_OK);
    CHECK(!got.present);
    store_dev_clear(&got);
    CHECK_INT(store_dev_get(st, id2, &got), STORE_OK);
    CHECK(got.present);
    store_dev_clear(&got);
    tmpdb_done(&t, st);
}

TEST(dev_can_be_attached_to_only_one_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), v1 = tmpdb_vm(st, a, "one"), v2 = tmpdb_vm(st, a, "two");
    int64_t dev;
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v1, a), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v2, a), STORE_CONFLICT);
    CHECK_CONTAINS(store_errmsg(st), "already attached");
    CHECK_INT(store_dev_attach(st, dev, v1, a), STORE_CONFLICT);
    CHECK_INT(store_dev_get(st, dev, &d), STORE_OK);
    CHECK_INT(d.vm_id, v1);
    store_dev_clear(&d);
    tmpdb_done(&t, st);
}

TEST(dev_detach_then_attach_hands_a_device_to_another_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), v1 = tmpdb_vm(st, a, "one"), v2 = tmpdb_vm(st, a, "two");
    int64_t dev;
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v1, a), STORE_OK);
    CHECK_INT(store_dev_detach(st, dev, v1, a), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v2, a), STORE_OK);
    CHECK_INT(store_dev_get(st, dev, &d), STORE_OK);
    CHECK_INT(d.vm_id, v2);
    store_dev_clear(&d);
    tmpdb_done(&t, st);
}

TEST(dev_attach_to_another_owners_vm_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), v = tmpdb_vm(st, a, "web");
    int64_t dev;
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v, b), STORE_NOT_FOUND);
    CHECK_INT(store_dev_attach(st, dev + 1, v, a), STORE_NOT_FOUND);
    CHECK_INT(store_dev_attach(st, dev, v, 0), STORE_OK);
    tmpdb_done(&t, st);
}

TEST(dev_detach_from_a_vm_it_is_not_on_is_not_found)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t v1 = tmpdb_vm(st, a, "one"), v2 = tmpdb_vm(st, a, "two"), dev;
    store_dev d = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    CHECK_INT(store_dev_upsert(st, &d, &dev), STORE_OK);
    CHECK_INT(store_dev_attach(st, dev, v1, a), STORE_OK);
    CHECK_INT(store_dev_detach(st, dev, v2, a), STORE_NOT_FOUND);
    CHECK_INT(store_dev_detach(st, dev, v1, b), STORE_NOT_FOUND);
    CHECK_INT(store_dev_get(st, dev, &d), STORE_OK);
    CHECK_INT(d.vm_id, v1);
    store_dev_clear(&d);
    tmpdb_done(&t, st);
}

TEST(dev_list_filters_by_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), v = tmpdb_vm(st, a, "web"), id1, id2;
    store_dev d1 = {.vendor_id = "18d1", .product_id = "9302", .serial = "S1"};
    store_dev d2 = {.vendor_id = "18d1", .product_id = "9302", .serial = "S2"};
    store_dev *list;
    size_t n;
    CHECK_INT(store_dev_upsert(st, &d1, &id1), STORE_OK);
    CHECK_INT(store_dev_upsert(st, &d2, &id2), STORE_OK);
    CHECK_INT(store_dev_attach(st, id2, v, a), STORE_OK);
    CHECK_INT(store_dev_list(st, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    store_dev_list_free(list, n);
    CHECK_INT(store_dev_list(st, v, &list, &n), STORE_OK);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_INT(list[0].id, id2);
        CHECK_STR(list[0].serial, "S2");
    }
    store_dev_list_free(list, n);
    tmpdb_done(&t, st);
}

/* ---- Things ------------------------------------------------------------------------ */

TEST(thing_create_starts_registered)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_thing th = {.owner_id = a, .name = "t1", .info = "temperature", .endpoint = "ep-1"};
    store_thing got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK(th.id > 0);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK_STR(got.name, "t1");
    CHECK_STR(got.info, "temperature");
    CHECK_STR(got.endpoint, "ep-1");
    CHECK_INT(got.state, STORE_THING_REGISTERED);
    CHECK_INT(got.vm_id, 0);
    CHECK(!got.has_psk_key);
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_names_are_unique_per_owner_and_may_repeat_across_owners)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    store_thing t1 = {.owner_id = a, .name = "t"}, t2 = {.owner_id = a, .name = "t"},
                t3 = {.owner_id = b, .name = "t"};
    CHECK_INT(store_thing_create(st, &t1, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_create(st, &t2, NULL, 0), STORE_CONFLICT);
    CHECK_INT(store_thing_create(st, &t3, NULL, 0), STORE_OK);
    tmpdb_done(&t, st);
}

TEST(thing_endpoints_are_unique_on_the_appliance)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    store_thing t1 = {.owner_id = a, .name = "t", .endpoint = "ep"};
    store_thing t2 = {.owner_id = b, .name = "u", .endpoint = "ep"};
    CHECK_INT(store_thing_create(st, &t1, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_create(st, &t2, NULL, 0), STORE_CONFLICT);
    tmpdb_done(&t, st);
}

TEST(thing_get_by_endpoint_finds_the_thing)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_thing th = {.owner_id = a, .name = "t", .endpoint = "urn:dev:1"}, got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_get_by_endpoint(st, "urn:dev:1", &got), STORE_OK);
    CHECK_INT(got.id, th.id);
    store_thing_clear(&got);
    CHECK_INT(store_thing_get_by_endpoint(st, "urn:dev:2", &got), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(thing_cannot_be_created_on_another_owners_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), v = tmpdb_vm(st, a, "web");
    store_thing th = {.owner_id = b, .name = "t", .vm_id = v};
    store_thing *list;
    size_t n;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_NOT_FOUND);
    CHECK_INT(store_thing_list(st, 0, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 0);
    store_thing_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(thing_psk_key_is_not_in_the_record_but_readable_for_the_bootstrap_server)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    const unsigned char key[] = {0x01, 0x00, 0xfe, 0x7f};
    store_thing th = {.owner_id = a, .name = "t", .psk_identity = "id-1"}, got;
    unsigned char *back = NULL;
    size_t len = 0;
    CHECK_INT(store_thing_create(st, &th, key, sizeof key), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK(got.has_psk_key);
    CHECK_STR(got.psk_identity, "id-1");
    store_thing_clear(&got);
    CHECK_INT(store_thing_psk_key(st, th.id, &back, &len), STORE_OK);
    CHECK_INT(len, sizeof key);
    CHECK(back && memcmp(back, key, sizeof key) == 0);
    free(back);
    tmpdb_done(&t, st);
}

TEST(thing_set_psk_without_key_clears_identity_and_key)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    const unsigned char key[] = {1, 2, 3};
    store_thing th = {.owner_id = a, .name = "t"}, got;
    unsigned char *back;
    size_t len;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_set_psk(st, th.id, a, "id", key, sizeof key), STORE_OK);
    CHECK_INT(store_thing_psk_key(st, th.id, &back, &len), STORE_OK);
    free(back);
    CHECK_INT(store_thing_set_psk(st, th.id, a, "id", NULL, 0), STORE_OK);
    CHECK_INT(store_thing_psk_key(st, th.id, &back, &len), STORE_NOT_FOUND);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK(got.psk_identity == NULL);
    CHECK(!got.has_psk_key);
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_of_another_owner_looks_like_an_unknown_thing)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    store_thing th = {.owner_id = a, .name = "t"}, got;
    store_thing *list;
    size_t n;
    const unsigned char key[] = {9};
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, b, &got), STORE_NOT_FOUND);
    CHECK_INT(store_thing_update(st, &th, b), STORE_NOT_FOUND);
    CHECK_INT(store_thing_set_psk(st, th.id, b, "x", key, 1), STORE_NOT_FOUND);
    CHECK_INT(store_thing_delete(st, th.id, b), STORE_NOT_FOUND);
    CHECK_INT(store_thing_list(st, b, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 0);
    store_thing_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(thing_attaches_only_to_a_vm_of_its_own_owner)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b");
    int64_t va = tmpdb_vm(st, a, "web"), vb = tmpdb_vm(st, b, "web");
    store_thing th = {.owner_id = a, .name = "t"}, got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_attach(st, th.id, vb, a), STORE_NOT_FOUND);
    /* Not even an admin (owner 0) can pair a thing with a stranger's VM. */
    CHECK_INT(store_thing_attach(st, th.id, vb, 0), STORE_NOT_FOUND);
    CHECK_INT(store_thing_attach(st, th.id, va, a), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK_INT(got.vm_id, va);
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_attach_to_vm_zero_detaches)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), v = tmpdb_vm(st, a, "web");
    store_thing th = {.owner_id = a, .name = "t", .vm_id = v}, got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_attach(st, th.id, 0, a), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK_INT(got.vm_id, 0);
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_list_filters_by_owner_and_vm)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), b = tmpdb_user(st, "b"), v = tmpdb_vm(st, a, "web");
    store_thing t1 = {.owner_id = a, .name = "t1", .vm_id = v}, t2 = {.owner_id = a, .name = "t2"},
                t3 = {.owner_id = b, .name = "t3"};
    store_thing *list;
    size_t n;
    CHECK_INT(store_thing_create(st, &t1, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_create(st, &t2, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_create(st, &t3, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_list(st, a, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    store_thing_list_free(list, n);
    CHECK_INT(store_thing_list(st, a, v, &list, &n), STORE_OK);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(list[0].name, "t1");
    store_thing_list_free(list, n);
    CHECK_INT(store_thing_list(st, 0, 0, &list, &n), STORE_OK);
    CHECK_INT(n, 3);
    store_thing_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(thing_set_state_records_the_bootstrap_outcome)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_thing th = {.owner_id = a, .name = "t"}, got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_set_state(st, th.id, STORE_THING_FAILED, 1234, "timeout on /0"),
              STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK_INT(got.state, STORE_THING_FAILED);
    CHECK_INT(got.last_bootstrap_at, 1234);
    CHECK_STR(got.last_error, "timeout on /0");
    store_thing_clear(&got);
    CHECK_INT(store_thing_set_state(st, th.id, STORE_THING_BOOTSTRAPPED, 1300, NULL), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, a, &got), STORE_OK);
    CHECK_INT(got.state, STORE_THING_BOOTSTRAPPED);
    CHECK(got.last_error == NULL);
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_update_changes_name_and_info)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_thing th = {.owner_id = a, .name = "t", .info = "old"}, got;
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    th.name = "renamed";
    th.info = "new";
    CHECK_INT(store_thing_update(st, &th, a), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, 0, &got), STORE_OK);
    CHECK_STR(got.name, "renamed");
    CHECK_STR(got.info, "new");
    store_thing_clear(&got);
    tmpdb_done(&t, st);
}

TEST(thing_delete_removes_the_thing)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_thing th = {.owner_id = a, .name = "t"};
    CHECK_INT(store_thing_create(st, &th, NULL, 0), STORE_OK);
    CHECK_INT(store_thing_delete(st, th.id, a), STORE_OK);
    CHECK_INT(store_thing_get(st, th.id, 0, &th), STORE_NOT_FOUND);
    CHECK_INT(store_thing_delete(st, th.id, a), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

/* ---- Login failures ------------------------------------------------------------ */

TEST(login_failures_count_up_and_clear)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t count = 0, last = 0;
    CHECK_INT(store_login_failure_get(st, "user:a", &count, &last), STORE_OK);
    CHECK_INT(count, 0);
    CHECK_INT(store_login_failure_record(st, "user:a", 100, 3600, &count), STORE_OK);
    CHECK_INT(count, 1);
    CHECK_INT(store_login_failure_record(st, "user:a", 105, 3600, &count), STORE_OK);
    CHECK_INT(count, 2);
    CHECK_INT(store_login_failure_get(st, "user:a", &count, &last), STORE_OK);
    CHECK_INT(count, 2);
    CHECK_INT(last, 105);
    CHECK_INT(store_login_failure_clear(st, "user:a"), STORE_OK);
    CHECK_INT(store_login_failure_get(st, "user:a", &count, &last), STORE_OK);
    CHECK_INT(count, 0);
    tmpdb_done(&t, st);
}

TEST(login_failures_older_than_the_window_start_again_from_one)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t count = 0;
    CHECK_INT(store_login_failure_record(st, "addr:x", 100, 3600, &count), STORE_OK);
    CHECK_INT(store_login_failure_record(st, "addr:x", 200, 3600, &count), STORE_OK);
    CHECK_INT(count, 2);
    CHECK_INT(store_login_failure_record(st, "addr:x", 200 + 3600, 3600, &count), STORE_OK);
    CHECK_INT(count, 1);
    tmpdb_done(&t, st);
}

TEST(login_failure_purge_forgets_only_old_entries)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t count = 0, last = 0, removed = 0;
    CHECK_INT(store_login_failure_record(st, "user:old", 100, 3600, &count), STORE_OK);
    CHECK_INT(store_login_failure_record(st, "user:new", 5000, 3600, &count), STORE_OK);
    CHECK_INT(store_login_failure_purge(st, 1000, &removed), STORE_OK);
    CHECK_INT(removed, 1);
    CHECK_INT(store_login_failure_get(st, "user:old", &count, &last), STORE_OK);
    CHECK_INT(count, 0);
    CHECK_INT(store_login_failure_get(st, "user:new", &count, &last), STORE_OK);
    CHECK_INT(count, 1);
    tmpdb_done(&t, st);
}

/* ---- Transactions ----------------------------------------------------------------- */

TEST(tx_rollback_discards_every_step)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm *list;
    size_t n;
    CHECK_INT(store_tx_begin(st), STORE_OK);
    tmpdb_vm(st, a, "one");
    tmpdb_vm(st, a, "two");
    CHECK_INT(store_tx_rollback(st), STORE_OK);
    CHECK_INT(store_vm_list(st, a, &list, &n), STORE_OK);
    CHECK_INT(n, 0);
    store_vm_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(tx_commit_keeps_every_step)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm *list;
    size_t n;
    CHECK_INT(store_tx_begin(st), STORE_OK);
    tmpdb_vm(st, a, "one");
    tmpdb_vm(st, a, "two");
    CHECK_INT(store_tx_commit(st), STORE_OK);
    CHECK_INT(store_vm_list(st, a, &list, &n), STORE_OK);
    CHECK_INT(n, 2);
    store_vm_list_free(list, n);
    tmpdb_done(&t, st);
}

TEST(failed_step_inside_tx_leaves_earlier_steps_to_the_caller)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    store_vm dup = {.owner_id = a, .name = "one", .base = "debian", .vcpu = 1, .memory_mib = 256};
    store_vm *list;
    size_t n;
    CHECK_INT(store_tx_begin(st), STORE_OK);
    tmpdb_vm(st, a, "one");
    CHECK_INT(store_vm_create(st, &dup), STORE_CONFLICT);
    /* The failed create undid only itself; the transaction is still open. */
    CHECK_INT(store_vm_list(st, a, &list, &n), STORE_OK);
    CHECK_INT(n, 1);
    store_vm_list_free(list, n);
    CHECK_INT(store_tx_commit(st), STORE_OK);
    tmpdb_done(&t, st);
}

TEST_MAIN()
