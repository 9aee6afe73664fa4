/* test_authz.c -- the authorisation matrix: every operation on a VM, a
 * thing, a device link or a user, as its owner, as another tenant, with an
 * unknown ID, anonymously and as an admin. Another tenant's ID must answer
 * exactly what an unknown ID answers, so IDs cannot be probed. */
#include "fixture.h"

/* Replaces every "VMID" in tmpl with the decimal id. */
static char *subst(const char *tmpl, int64_t id)
{
    char num[24], *out = malloc(strlen(tmpl) * 2 + 64), *o = out;
    snprintf(num, sizeof num, "%lld", (long long)id);
    for (const char *p = tmpl; *p;) {
        if (!strncmp(p, "VMID", 4)) {
            o = stpcpy(o, num);
            p += 4;
        } else
            *o++ = *p++;
    }
    *o = 0;
    return out;
}

static char *run(env *e, int64_t uid, const char *tmpl, int64_t id)
{
    char *q = subst(tmpl, id);
    char *r = gq(e, uid, "%s", q);
    free(q);
    return r;
}

typedef struct op {
    const char *tmpl;
    bool running;    /* both VMs powered on first */
    bool skip_admin; /* the operation has no admin-on-others'-VM meaning */
} op;

/* alice owns VM a, bob owns VM b; both have a thing and a device. */
static void setup(env *e, int64_t *a, int64_t *b, bool running)
{
    env_init(e);
    *a = env_vm(e, e->alice, "a");
    *b = env_vm(e, e->bob, "b");
    free(gq(e, e->admin, "{getUsb{id}}"));
    free(gq(e, e->alice, "mutation{createThing(thing:{name:\"ta\",info:\"\",server:\"a\"}){id}}"));
    free(gq(e, e->bob, "mutation{createThing(thing:{name:\"tb\",info:\"\",server:\"b\"}){id}}"));
    if (running) {
        free(gq(e, e->alice, "mutation{powerON(vmID:\"%lld\"){id}}", (long long)*a));
        free(gq(e, e->bob, "mutation{powerON(vmID:\"%lld\"){id}}", (long long)*b));
    }
}

static void check_matrix(const op *o)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, o->running);

    char *other = run(&e, e.alice, o->tmpl, b);
    char *unknown = run(&e, e.alice, o->tmpl, 999);
    CHECK_CONTAINS(other, "\"code\":\"NOT_FOUND\"");
    CHECK_STR(other, unknown);
    free(other);
    free(unknown);

    char *neg = run(&e, e.alice, o->tmpl, -(int64_t)a);
    CHECK_CONTAINS(neg, "\"code\":\"NOT_FOUND\"");
    free(neg);

    char *anon = run(&e, 0, o->tmpl, a);
    CHECK_CONTAINS(anon, "\"code\":\"UNAUTHENTICATED\"");
    free(anon);

    char *own = run(&e, e.alice, o->tmpl, a);
    if (strstr(own, "\"errors\""))
        TEST_FAIL_("%s as owner: %s", o->tmpl, own);
    free(own);
    if (!o->skip_admin) {
        char *adm = run(&e, e.admin, o->tmpl, b);
        if (strstr(adm, "\"errors\""))
            TEST_FAIL_("%s as admin: %s", o->tmpl, adm);
        free(adm);
    }
    env_free(&e);
}

#define MATRIX(name, ...)                                                                          \
    TEST(name)                                                                                     \
    {                                                                                              \
        op o = {.tmpl = __VA_ARGS__};                                                              \
        check_matrix(&o);                                                                          \
    }

MATRIX(authz_getVm, "{getVm(id:\"VMID\"){id name}}")
MATRIX(authz_updateVm, "mutation{updateVm(vm:{id:\"VMID\",name:\"n\",base:\"\"}){id}}")
MATRIX(authz_powerON, "mutation{powerON(vmID:\"VMID\"){id}}")
MATRIX(authz_powerOFF, "mutation{powerOFF(vmID:\"VMID\"){id}}", .running = true)
MATRIX(authz_forceOFF, "mutation{forceOFF(vmID:\"VMID\")}", .running = true)
MATRIX(authz_destroyVM, "mutation{destroyVM(vmID:\"VMID\")}")
MATRIX(authz_forceDestroyVM, "mutation{forceDestroyVM(vmID:\"VMID\")}", .running = true)
/* A thing belongs to whoever creates it and links only to their own VMs,
 * so an admin's thing cannot go to bob's VM either. */
MATRIX(authz_createThingVm,
       "mutation{createThingVm(thing:{name:\"n\",info:\"\",server:\"\"},vmID:\"VMID\"){id}}",
       .skip_admin = true)
MATRIX(authz_attachThing_vm, "mutation{attachThing(thingID:\"1\",vmID:\"VMID\")}",
       .skip_admin = true)

TEST(authz_attachDevice)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *other =
        gq(&e, e.alice, "mutation{attachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)b);
    char *unknown = gq(&e, e.alice, "mutation{attachDevice(devID:\"1\",vmID:\"999\")}");
    CHECK_CONTAINS(other, "no such VM");
    CHECK_STR(other, unknown);
    char *anon = gq(&e, 0, "mutation{attachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)a);
    CHECK_CONTAINS(anon, "UNAUTHENTICATED");
    char *own = gq(&e, e.alice, "mutation{attachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)a);
    CHECK_STR(own, "{\"data\":{\"attachDevice\":true}}");
    char *adm = gq(&e, e.admin, "mutation{attachDevice(devID:\"2\",vmID:\"%lld\")}", (long long)b);
    CHECK_STR(adm, "{\"data\":{\"attachDevice\":true}}");
    char *nodev =
        gq(&e, e.alice, "mutation{attachDevice(devID:\"77\",vmID:\"%lld\")}", (long long)a);
    CHECK_CONTAINS(nodev, "no such device");
    free(other);
    free(unknown);
    free(anon);
    free(own);
    free(adm);
    free(nodev);
    env_free(&e);
}

TEST(authz_getThing)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *own = gq(&e, e.alice, "{getThing(id:\"1\"){name}}");
    CHECK_STR(own, "{\"data\":{\"getThing\":{\"name\":\"ta\"}}}");
    char *other = gq(&e, e.alice, "{getThing(id:\"2\"){name}}");
    char *unknown = gq(&e, e.alice, "{getThing(id:\"99\"){name}}");
    CHECK_CONTAINS(other, "no such thing");
    CHECK_STR(other, unknown);
    char *anon = gq(&e, 0, "{getThing(id:\"1\"){name}}");
    CHECK_CONTAINS(anon, "UNAUTHENTICATED");
    char *adm = gq(&e, e.admin, "{getThing(id:\"2\"){name}}");
    CHECK_STR(adm, "{\"data\":{\"getThing\":{\"name\":\"tb\"}}}");
    free(own);
    free(other);
    free(unknown);
    free(anon);
    free(adm);
    env_free(&e);
}

TEST(authz_attachThing_of_another_tenant_is_unknown)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *other =
        gq(&e, e.alice, "mutation{attachThing(thingID:\"2\",vmID:\"%lld\")}", (long long)a);
    char *unknown =
        gq(&e, e.alice, "mutation{attachThing(thingID:\"99\",vmID:\"%lld\")}", (long long)a);
    CHECK_CONTAINS(other, "no such thing");
    CHECK_STR(other, unknown);
    free(other);
    free(unknown);
    env_free(&e);
}

TEST(authz_detachDevice)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    free(gq(&e, e.alice, "mutation{attachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)a));
    free(gq(&e, e.bob, "mutation{attachDevice(devID:\"2\",vmID:\"%lld\")}", (long long)b));
    char *other =
        gq(&e, e.alice, "mutation{detachDevice(devID:\"2\",vmID:\"%lld\")}", (long long)b);
    char *unknown = gq(&e, e.alice, "mutation{detachDevice(devID:\"2\",vmID:\"999\")}");
    CHECK_CONTAINS(other, "no such VM");
    CHECK_STR(other, unknown);
    char *anon = gq(&e, 0, "mutation{detachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)a);
    CHECK_CONTAINS(anon, "UNAUTHENTICATED");
    char *own = gq(&e, e.alice, "mutation{detachDevice(devID:\"1\",vmID:\"%lld\")}", (long long)a);
    CHECK_STR(own, "{\"data\":{\"detachDevice\":true}}");
    char *adm = gq(&e, e.admin, "mutation{detachDevice(devID:\"2\",vmID:\"%lld\")}", (long long)b);
    CHECK_STR(adm, "{\"data\":{\"detachDevice\":true}}");
    free(other);
    free(unknown);
    free(anon);
    free(own);
    free(adm);
    env_free(&e);
}

TEST(authz_lists_show_only_the_callers_rows)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *r =
        gq(&e, e.alice, "{getVms{name} getThings{name} getUsers{name} vmsConnection{totalCount}}");
    CHECK_STR(r, "{\"data\":{\"getVms\":[{\"name\":\"a\"}],\"getThings\":[{\"name\":\"ta\"}],"
                 "\"getUsers\":[{\"name\":\"alice\"}],\"vmsConnection\":{\"totalCount\":1}}}");
    free(r);
    r = gq(&e, e.admin, "{getVms{name} getThings{name} getUsers{name}}");
    CHECK_STR(r, "{\"data\":{\"getVms\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"getThings\":[{"
                 "\"name\":\"ta\"},"
                 "{\"name\":\"tb\"}],\"getUsers\":[{\"name\":\"admin\"},{\"name\":\"alice\"},{"
                 "\"name\":\"bob\"}]}}");
    free(r);
    r = gq(&e, 0, "{getVms{name}}");
    CHECK_CONTAINS(r, "UNAUTHENTICATED");
    free(r);
    env_free(&e);
}

TEST(authz_getUser_of_another_user_is_unknown)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *other = gq(&e, e.alice, "{getUser(id:\"%lld\"){name vms{id}}}", (long long)e.bob);
    char *unknown = gq(&e, e.alice, "{getUser(id:\"999\"){name vms{id}}}");
    CHECK_CONTAINS(other, "no such user");
    CHECK_STR(other, unknown);
    char *own = gq(&e, e.alice, "{getUser(id:\"%lld\"){name vms{name}}}", (long long)e.alice);
    CHECK_STR(own, "{\"data\":{\"getUser\":{\"name\":\"alice\",\"vms\":[{\"name\":\"a\"}]}}}");
    char *adm = gq(&e, e.admin, "{getUser(id:\"%lld\"){name vms{name}}}", (long long)e.bob);
    CHECK_STR(adm, "{\"data\":{\"getUser\":{\"name\":\"bob\",\"vms\":[{\"name\":\"b\"}]}}}");
    free(other);
    free(unknown);
    free(own);
    free(adm);
    env_free(&e);
}

TEST(authz_a_vms_owner_is_visible_only_with_the_vm)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    char *r = gq(&e, e.admin, "{getVm(id:\"%lld\"){owner{name}}}", (long long)b);
    CHECK_STR(r, "{\"data\":{\"getVm\":{\"owner\":{\"name\":\"bob\"}}}}");
    free(r);
    env_free(&e);
}

TEST(authz_admin_operations_are_forbidden_to_users)
{
    env e;
    int64_t a, b;
    setup(&e, &a, &b, false);
    const char *ops[] = {
        "mutation{createUser(name:\"eve\",password:\"long-enough\"){id}}",
        "mutation{deleteUser(id:\"3\")}",
        "mutation{setQuota(userID:\"2\",quota:{vms:100}){vms}}",
        "mutation{deleteVm(userID:\"3\",vmID:\"2\")}",
    };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        char *r = gq(&e, e.alice, "%s", ops[i]);
        CHECK_CONTAINS(r, "\"code\":\"FORBIDDEN\"");
        free(r);
        r = gq(&e, 0, "%s", ops[i]);
        CHECK_CONTAINS(r, "\"code\":\"UNAUTHENTICATED\"");
        free(r);
    }
    env_free(&e);
}

TEST_MAIN()
