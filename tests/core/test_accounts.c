/* test_accounts.c -- users, passwords, quotas, API tokens, login and logout
 * through the API, and the principal a token or session resolves to. */
#include "fixture.h"

static char *token_of(const char *json, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(json, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    return strndup(p, strcspn(p, "\""));
}

TEST(login_returns_a_session_that_authenticates)
{
    env e;
    env_init(&e);
    char *r = gq(&e, 0,
                 "mutation{login(name:\"alice\",password:\"alice-password\"){token expiresAt "
                 "user{name role}}}");
    CHECK_CONTAINS(r, "\"user\":{\"name\":\"alice\",\"role\":\"USER\"}");
    char *tok = token_of(r, "token");
    CHECK(tok && strlen(tok) == 43);
    api_ctx *x = api_ctx_new(e.a, tok, NULL, "127.0.0.1", false);
    CHECK(x != NULL);
    api_ctx_free(x);
    x = api_ctx_new(e.a, NULL, tok, "127.0.0.1", false);
    CHECK(x != NULL);
    api_ctx_free(x);
    free(tok);
    free(r);
    env_free(&e);
}

TEST(a_wrong_password_and_an_unknown_name_get_the_same_answer)
{
    env e;
    env_init(&e);
    char *a = gq(&e, 0, "mutation{login(name:\"alice\",password:\"wrong-one\"){token}}");
    char *b = gq(&e, 0, "mutation{login(name:\"nobody\",password:\"wrong-one\"){token}}");
    CHECK_CONTAINS(a, "wrong name or password");
    CHECK_CONTAINS(a, "\"code\":\"UNAUTHENTICATED\"");
    CHECK_STR(a, b);
    CHECK(!strstr(a, "wrong-one"));
    free(a);
    free(b);
    env_free(&e);
}

TEST(repeated_failed_logins_are_throttled_with_a_retry_delay)
{
    env e;
    env_init(&e);
    char *r = NULL;
    /* Three failures are free, then the delay doubles from 1 s: however
     * slow the machine, some attempt lands inside a delay. */
    for (int i = 0; i < 12 && !(r && strstr(r, "too many")); i++) {
        free(r);
        r = gq(&e, 0, "mutation{login(name:\"alice\",password:\"guess-%d\"){token}}", i);
    }
    CHECK_CONTAINS(r, "too many failed logins");
    CHECK_CONTAINS(r, "\"retryAfter\":");
    free(r);
    /* Even the right password waits. */
    r = gq(&e, 0, "mutation{login(name:\"alice\",password:\"alice-password\"){token}}");
    CHECK_CONTAINS(r, "too many failed logins");
    free(r);
    env_free(&e);
}

TEST(invalid_credentials_give_no_context)
{
    env e;
    env_init(&e);
    CHECK(api_ctx_new(e.a, "not-a-token", NULL, "127.0.0.1", false) == NULL);
    CHECK(api_ctx_new(e.a, NULL, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "127.0.0.1",
                      true) == NULL);
    CHECK(api_ctx_new(e.a, NULL, NULL, "127.0.0.1", false) == NULL);
    api_ctx *anon = api_ctx_new(e.a, NULL, NULL, "127.0.0.1", true);
    CHECK(anon != NULL);
    api_ctx_free(anon);
    env_free(&e);
}

TEST(logout_ends_the_session)
{
    env e;
    env_init(&e);
    char *r = gq(&e, 0, "mutation{login(name:\"bob\",password:\"bob-password\"){token}}");
    char *tok = token_of(r, "token");
    free(r);
    api_ctx *x = api_ctx_new(e.a, tok, NULL, "127.0.0.1", false);
    CHECK(x != NULL);
    gql_request req = {.query = "mutation{logout}", .query_len = 16, .context = x};
    gql_result res = {0};
    gql_run(api_schema(e.a), NULL, &req, &res);
    CHECK_STR(gql_buf_cstr(&res.body), "{\"data\":{\"logout\":true}}");
    gql_result_free(&res);
    api_ctx_free(x);
    CHECK(api_ctx_new(e.a, tok, NULL, "127.0.0.1", false) == NULL);
    free(tok);
    env_free(&e);
}

TEST(me_is_the_caller)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.bob, "{me{name role quota{vms} usage{vms vcpus memory devices}}}");
    CHECK_STR(r, "{\"data\":{\"me\":{\"name\":\"bob\",\"role\":\"USER\",\"quota\":{\"vms\":null},"
                 "\"usage\":{\"vms\":0,\"vcpus\":0,\"memory\":0,\"devices\":0}}}}");
    free(r);
    env_free(&e);
}

TEST(create_user_and_log_in_as_them)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.admin,
                 "mutation{createUser(name:\"carol\",password:\"carol-password\"){name role}}");
    CHECK_STR(r, "{\"data\":{\"createUser\":{\"name\":\"carol\",\"role\":\"USER\"}}}");
    free(r);
    r = gq(&e, 0, "mutation{login(name:\"carol\",password:\"carol-password\"){user{name}}}");
    CHECK_CONTAINS(r, "\"user\":{\"name\":\"carol\"}");
    free(r);
    r = gq(&e, e.admin, "mutation{createUser(name:\"carol\",password:\"carol-password\"){name}}");
    CHECK_CONTAINS(r, "a user named carol exists already");
    free(r);
    r = gq(&e, e.admin, "mutation{createUser(name:\"dave\",password:\"short\"){name}}");
    CHECK_CONTAINS(r, "at least 8 characters");
    free(r);
    r = gq(&e, e.admin, "mutation{createUser(name:\"../x\",password:\"long-enough\"){name}}");
    CHECK_CONTAINS(r, "invalid user name");
    free(r);
    env_free(&e);
}

TEST(create_user_never_returns_the_password)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.admin,
                 "mutation{createUser(name:\"carol\",password:\"carol-secret-pw\",role:ADMIN){id "
                 "name role createdAt}}");
    CHECK_CONTAINS(r, "\"role\":\"ADMIN\"");
    CHECK(!strstr(r, "carol-secret-pw"));
    free(r);
    env_free(&e);
}

TEST(delete_user_removes_their_vms_from_the_hypervisor)
{
    env e;
    env_init(&e);
    int64_t id = env_vm(&e, e.bob, "web");
    char *r = gq(&e, e.admin, "mutation{deleteUser(id:\"%lld\")}", (long long)e.bob);
    CHECK_STR(r, "{\"data\":{\"deleteUser\":true}}");
    free(r);
    CHECK(!env_domain_exists(&e, id));
    r = gq(&e, e.admin, "{getUser(id:\"%lld\"){name}}", (long long)e.bob);
    CHECK_CONTAINS(r, "no such user");
    free(r);
    r = gq(&e, e.admin, "mutation{deleteUser(id:\"%lld\")}", (long long)e.admin);
    CHECK_CONTAINS(r, "cannot delete their own account");
    free(r);
    env_free(&e);
}

TEST(set_password_for_oneself_needs_the_old_one)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice, "mutation{setPassword(newPassword:\"new-password-1\")}");
    CHECK_CONTAINS(r, "the old password is wrong or missing");
    free(r);
    r = gq(&e, e.alice,
           "mutation{setPassword(oldPassword:\"nope-nope\",newPassword:\"new-password-1\")}");
    CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
    free(r);
    r = gq(&e, e.alice,
           "mutation{setPassword(oldPassword:\"alice-password\",newPassword:\"new-password-1\")}");
    CHECK_STR(r, "{\"data\":{\"setPassword\":true}}");
    free(r);
    r = gq(&e, 0, "mutation{login(name:\"alice\",password:\"new-password-1\"){user{name}}}");
    CHECK_CONTAINS(r, "alice");
    free(r);
    env_free(&e);
}

TEST(an_admin_sets_anyones_password_but_a_user_only_their_own)
{
    env e;
    env_init(&e);
    char *r =
        gq(&e, e.admin, "mutation{setPassword(userID:\"%lld\",newPassword:\"reset-password\")}",
           (long long)e.bob);
    CHECK_STR(r, "{\"data\":{\"setPassword\":true}}");
    free(r);
    r = gq(&e, e.alice, "mutation{setPassword(userID:\"%lld\",newPassword:\"reset-password\")}",
           (long long)e.bob);
    CHECK_CONTAINS(r, "no such user");
    free(r);
    env_free(&e);
}

TEST(quota_on_vms_is_enforced_with_a_clear_error)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.admin,
                 "mutation{setQuota(userID:\"%lld\",quota:{vms:1}){vms vcpus memory devices}}",
                 (long long)e.alice);
    CHECK_STR(
        r, "{\"data\":{\"setQuota\":{\"vms\":1,\"vcpus\":null,\"memory\":null,\"devices\":null}}}");
    free(r);
    CHECK(env_vm(&e, e.alice, "one") > 0);
    r = gq(&e, e.alice, "mutation{createVm(vm:{name:\"two\",base:\"busybox.raw\"}){id}}");
    CHECK_CONTAINS(r, "quota exceeded: at most 1 VMs");
    CHECK_CONTAINS(r, "\"code\":\"QUOTA_EXCEEDED\"");
    free(r);
    env_free(&e);
}

TEST(quota_on_vcpus_and_memory_covers_creation_and_resizing)
{
    env e;
    env_init(&e);
    free(gq(&e, e.admin, "mutation{setQuota(userID:\"%lld\",quota:{vcpus:2,memory:512}){vms}}",
            (long long)e.alice));
    char *r =
        gq(&e, e.alice, "mutation{createVm(vm:{name:\"a\",base:\"busybox.raw\",vcpu:3}){id}}");
    CHECK_CONTAINS(r, "quota exceeded: at most 2 vCPUs");
    free(r);
    r = gq(&e, e.alice, "mutation{createVm(vm:{name:\"a\",base:\"busybox.raw\",memory:1024}){id}}");
    CHECK_CONTAINS(r, "quota exceeded: at most 512 MiB of memory");
    free(r);
    int64_t id = env_vm(&e, e.alice, "a");
    r = gq(&e, e.alice, "mutation{updateVm(vm:{id:\"%lld\",name:\"a\",base:\"\",vcpu:3}){id}}",
           (long long)id);
    CHECK_CONTAINS(r, "quota exceeded: at most 2 vCPUs");
    free(r);
    r = gq(&e, e.alice, "{getVm(id:\"%lld\"){vcpu}}", (long long)id);
    CHECK_STR(r, "{\"data\":{\"getVm\":{\"vcpu\":1}}}");
    free(r);
    env_free(&e);
}

TEST(quota_on_devices_is_enforced)
{
    env e;
    env_init(&e);
    free(gq(&e, e.admin, "mutation{setQuota(userID:\"%lld\",quota:{devices:1}){vms}}",
            (long long)e.alice));
    int64_t id = env_vm(&e, e.alice, "a");
    free(gq(&e, e.alice, "{getUsb{id}}"));
    char *r = gq(&e, e.alice, "mutation{attachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)id);
    CHECK_STR(r, "{\"data\":{\"attachDevice\":true}}");
    free(r);
    r = gq(&e, e.alice, "mutation{attachDevice(devID:\"4\",vmID:\"%lld\")}", (long long)id);
    CHECK_CONTAINS(r, "quota exceeded: at most 1 attached devices");
    free(r);
    env_free(&e);
}

TEST(a_negative_quota_other_than_minus_one_is_rejected)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.admin, "mutation{setQuota(userID:\"%lld\",quota:{vms:-2}){vms}}",
                 (long long)e.alice);
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    env_free(&e);
}

TEST(an_api_token_is_shown_once_and_works_until_revoked)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{createToken(name:\"ci\",expiresIn:3600){secret token{id name expiresAt "
                 "revokedAt}}}");
    CHECK_CONTAINS(r, "\"name\":\"ci\"");
    CHECK_CONTAINS(r, "\"revokedAt\":null");
    char *secret = token_of(r, "secret");
    CHECK(secret && strlen(secret) == 43);
    free(r);
    api_ctx *x = api_ctx_new(e.a, NULL, secret, "127.0.0.1", false);
    CHECK(x != NULL);
    api_ctx_free(x);
    r = gq(&e, e.alice, "{tokens{name}}");
    CHECK_STR(r, "{\"data\":{\"tokens\":[{\"name\":\"ci\"}]}}");
    free(r);
    r = gq(&e, e.bob, "mutation{revokeToken(id:\"1\")}");
    CHECK_CONTAINS(r, "no such token");
    free(r);
    r = gq(&e, e.alice, "mutation{revokeToken(id:\"1\")}");
    CHECK_STR(r, "{\"data\":{\"revokeToken\":true}}");
    free(r);
    CHECK(api_ctx_new(e.a, NULL, secret, "127.0.0.1", false) == NULL);
    r = gq(&e, e.alice, "{tokens{name revokedAt}}");
    CHECK(!strstr(r, "\"revokedAt\":null"));
    free(r);
    free(secret);
    env_free(&e);
}

TEST(token_names_are_unique_per_user_and_expiry_is_positive)
{
    env e;
    env_init(&e);
    free(gq(&e, e.alice, "mutation{createToken(name:\"ci\"){secret}}"));
    char *r = gq(&e, e.alice, "mutation{createToken(name:\"ci\"){secret}}");
    CHECK_CONTAINS(r, "you have a token named ci already");
    free(r);
    r = gq(&e, e.alice, "mutation{createToken(name:\"x\",expiresIn:0){secret}}");
    CHECK_CONTAINS(r, "expiresIn must be a positive number of seconds");
    free(r);
    env_free(&e);
}

TEST_MAIN()
