/* test_api.c -- the API's shape: the thesis's operations and types with
 * their names and arguments, the additions, Relay pagination, images and
 * host, and the thesis system's published request forms. */
#include "fixture.h"

TEST(the_sdl_has_every_thesis_operation_with_its_arguments)
{
    const char *must[] = {
        "getUser(id: ID!): User",
        "getUsers: [User]",
        "getVm(id: ID!): Vm",
        "getDev(id: ID!): Hostdev",
        "getThing(id: ID!): Thing",
        "getVms: [Vm]",
        "getUsb: [Hostdev]",
        "createVm(vm: VmInput!): Vm",
        "updateVm(vm: VmInput!): Vm",
        "deleteVm(userID: ID!, vmID: ID!): Boolean",
        "createThing(thing: ThingInput!): Thing",
        "createThingVm(thing: ThingInput!, vmID: ID!): Thing",
        "attachThing(thingID: ID!, vmID: ID!): Boolean",
        "attachDevice(devID: ID!, vmID: ID!): Boolean",
        "detachDevice(devID: ID!, vmID: ID!): Boolean",
        "powerON(vmID: ID!): Vm",
        "powerOFF(vmID: ID!): Vm",
        "destroyVM(vmID: ID!): Boolean",
        "forceDestroyVM(vmID: ID!): Boolean",
        "forceOFF(vmID: ID!): Boolean",
        "memory: Int = 256",
        "vcpu: Int = 1",
        "devIDs: [Int]",
        "thingIDs: [Int]",
        "config: ConfigInput",
        "server: String!",
        "vmsConnection(first: Int, after: ID",
    };
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        CHECK_CONTAINS(api_schema_sdl, must[i]);
}

TEST(the_schema_builds_and_prints)
{
    env e;
    env_init(&e);
    char *sdl = gql_schema_print(api_schema(e.a));
    CHECK_CONTAINS(sdl, "type Vm {");
    CHECK_CONTAINS(sdl, "pendingChanges: [String!]!");
    free(sdl);
    env_free(&e);
}

TEST(introspection_works_for_a_user)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice, "{__type(name:\"Vm\"){fields{name}}}");
    CHECK_CONTAINS(r, "{\"name\":\"state\"}");
    free(r);
    env_free(&e);
}

/* The thesis's documented request forms, sent as its clients sent them. */
TEST(thesis_example_create_vm_with_variables)
{
    env e;
    env_init(&e);
    char *r =
        gqv(&e, e.alice,
            "{\"vm\":{\"name\":\"vm1\",\"base\":\"debian-12.qcow2\",\"memory\":512,\"vcpu\":2,"
            "\"config\":{\"user\":\"epfiot\",\"password\":\"epfiot\"}}}",
            "mutation createVm($vm: VmInput!) { createVm(vm: $vm) { id name base memory vcpu state "
            "} }");
    CHECK_CONTAINS(r, "\"name\":\"vm1\",\"base\":\"debian-12.qcow2\",\"memory\":512,\"vcpu\":2,"
                      "\"state\":\"POWEROFF\"");
    free(r);
    env_free(&e);
}

TEST(thesis_example_queries)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "vm1");
    char *r = gq(
        &e, e.alice,
        "query { getVms { id name state ip dev { id bus device info } things { id name info } } }");
    CHECK_CONTAINS(
        r,
        "{\"data\":{\"getVms\":[{\"id\":\"1\",\"name\":\"vm1\",\"state\":\"POWEROFF\",\"ip\":null,"
        "\"dev\":[],\"things\":[]}]}}");
    free(r);
    r = gq(&e, e.alice, "query { getUsb { id bus device info } }");
    CHECK_CONTAINS(r, "{\"id\":\"1\",\"bus\":\"001\",\"device\":\"004\",\"info\":\"Google Inc.\"}");
    free(r);
    r = gq(&e, e.alice,
           "query { getUser(id: \"%lld\") { id name vms { id name } vmsConnection(first: 5) { "
           "totalCount edges { cursor node { name } } pageInfo { hasNextPage } } } }",
           (long long)e.alice);
    CHECK_CONTAINS(r, "\"vmsConnection\":{\"totalCount\":1,\"edges\":[{\"cursor\":\"");
    CHECK_CONTAINS(r, "\"node\":{\"name\":\"vm1\"}}],\"pageInfo\":{\"hasNextPage\":false}}");
    free(r);
    env_free(&e);
}

TEST(user_vms_connection_edges_work)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    char *r = gq(&e, e.alice, "{me{vmsConnection{edges{node{name}}}}}");
    CHECK_STR(r,
              "{\"data\":{\"me\":{\"vmsConnection\":{\"edges\":[{\"node\":{\"name\":\"a\"}}]}}}}");
    free(r);
    env_free(&e);
}

static char *cursor_at(const char *json, int n)
{
    const char *p = json;
    for (int i = 0; i <= n; i++) {
        p = strstr(p, "\"cursor\":\"");
        if (!p)
            return NULL;
        p += 10;
    }
    return strndup(p, strcspn(p, "\""));
}

TEST(pagination_forward_with_first_and_after)
{
    env e;
    env_init(&e);
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (int i = 0; i < 5; i++)
        env_vm(&e, e.alice, names[i]);
    char *r = gq(&e, e.alice,
                 "{vmsConnection(first:2){totalCount edges{cursor node{name}} pageInfo{hasNextPage "
                 "hasPreviousPage}}}");
    CHECK_CONTAINS(r, "\"totalCount\":5");
    CHECK_CONTAINS(r, "{\"name\":\"a\"}");
    CHECK_CONTAINS(r, "{\"name\":\"b\"}");
    CHECK_CONTAINS(r, "\"hasNextPage\":true,\"hasPreviousPage\":false");
    char *c = cursor_at(r, 1);
    free(r);
    r = gq(&e, e.alice,
           "{vmsConnection(first:2,after:\"%s\"){edges{node{name}} pageInfo{hasNextPage}}}", c);
    CHECK_STR(r, "{\"data\":{\"vmsConnection\":{\"edges\":[{\"node\":{\"name\":\"c\"}},{\"node\":{"
                 "\"name\":\"d\"}}],"
                 "\"pageInfo\":{\"hasNextPage\":true}}}}");
    free(r);
    free(c);
    env_free(&e);
}

TEST(pagination_backward_with_last_and_before)
{
    env e;
    env_init(&e);
    const char *names[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        env_vm(&e, e.alice, names[i]);
    char *r = gq(&e, e.alice,
                 "{vmsConnection(last:1){edges{cursor node{name}} pageInfo{hasPreviousPage}}}");
    CHECK_CONTAINS(r, "{\"name\":\"d\"}");
    CHECK_CONTAINS(r, "\"hasPreviousPage\":true");
    char *c = cursor_at(r, 0);
    free(r);
    r = gq(&e, e.alice, "{vmsConnection(last:2,before:\"%s\"){edges{node{name}}}}", c);
    CHECK_STR(r, "{\"data\":{\"vmsConnection\":{\"edges\":[{\"node\":{\"name\":\"b\"}},{\"node\":{"
                 "\"name\":\"c\"}}]}}}");
    free(r);
    free(c);
    env_free(&e);
}

TEST(pagination_rejects_bad_cursors_and_negative_counts)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice, "{vmsConnection(after:\"!!\"){totalCount}}");
    CHECK_CONTAINS(r, "invalid cursor");
    free(r);
    r = gq(&e, e.alice, "{vmsConnection(first:-1){totalCount}}");
    CHECK_CONTAINS(r, "must not be negative");
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    r = gq(&e, e.alice, "{vmsConnection(last:-1){totalCount}}");
    CHECK_CONTAINS(r, "must not be negative");
    CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
    free(r);
    env_free(&e);
}

TEST(pagination_refuses_forward_and_backward_at_once)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    env_vm(&e, e.alice, "b");
    char *r = gq(&e, e.alice, "{vmsConnection(first:1){edges{cursor}}}");
    char c[64] = "";
    const char *p = strstr(r, "\"cursor\":\"");
    CHECK(p != NULL);
    if (p)
        sscanf(p + 10, "%63[^\"]", c);
    free(r);
    const char *bad[] = {
        "vmsConnection(first:1,last:1)",      "vmsConnection(first:1,before:\"%s\")",
        "vmsConnection(after:\"%s\",last:1)", "vmsConnection(after:\"%s\",before:\"%s\")",
        "thingsConnection(first:1,last:1)",   "usersConnection(first:0,last:0)",
        "me{vmsConnection(first:1,last:1)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char q[256], f[160];
        snprintf(f, sizeof f, "{%s{totalCount}}%s", bad[i], strchr(bad[i], '{') ? "}" : "");
        snprintf(q, sizeof q, f, c, c);
        r = gq(&e, e.admin, "%s", q);
        CHECK_CONTAINS(r, "use either first/after or last/before, not both");
        CHECK_CONTAINS(r, "\"code\":\"BAD_USER_INPUT\"");
        free(r);
    }
    /* One direction with null for the other is fine. */
    r = gq(&e, e.alice, "{vmsConnection(first:1,last:null){totalCount}}");
    CHECK_STR(r, "{\"data\":{\"vmsConnection\":{\"totalCount\":2}}}");
    free(r);
    env_free(&e);
}

TEST(things_and_users_have_connections_too)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    free(gq(&e, e.alice, "mutation{createThing(thing:{name:\"t\",info:\"\",server:\"a\"}){id}}"));
    char *r = gq(&e, e.alice,
                 "{thingsConnection{totalCount edges{node{name}}} usersConnection{totalCount}}");
    CHECK_STR(r, "{\"data\":{\"thingsConnection\":{\"totalCount\":1,\"edges\":[{\"node\":{\"name\":"
                 "\"t\"}}]},"
                 "\"usersConnection\":{\"totalCount\":1}}}");
    free(r);
    env_free(&e);
}

TEST(images_lists_the_base_images_only)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    char *r = gq(&e, e.alice, "{images{name format capacity}}");
    CHECK_CONTAINS(r,
                   "{\"name\":\"debian-12.qcow2\",\"format\":\"qcow2\",\"capacity\":2147483648}");
    CHECK_CONTAINS(r, "busybox.raw");
    CHECK(!strstr(r, "epfiot-vm-"));
    free(r);
    env_free(&e);
}

TEST(host_reports_the_virtualisation_type_and_resources)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice, "{host{virtualization cpus memory}}");
    CHECK_CONTAINS(r, "\"virtualization\":\"TEST\"");
    CHECK_CONTAINS(r, "\"cpus\":");
    free(r);
    env_free(&e);
}

TEST(hostdev_has_the_richer_fields)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice, "{getUsb{vendorId productId port present serial}}");
    CHECK_CONTAINS(r, "{\"vendorId\":\"0781\",\"productId\":\"5567\",\"port\":\"1-3.2\","
                      "\"present\":true,\"serial\":null}");
    free(r);
    env_free(&e);
}

TEST(vm_has_uuid_and_created_at)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    char *r = gq(&e, e.alice, "{getVm(id:\"1\"){uuid createdAt}}");
    CHECK_CONTAINS(r, "\"createdAt\":\"20");
    CHECK(strstr(r, "\"uuid\":null") == NULL);
    free(r);
    env_free(&e);
}

TEST(ids_are_strict_decimal)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    const char *bad[] = {"-1", "01", "1.0", " 1", "+1", "0x1", "18446744073709551617", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *r = gq(&e, e.alice, "{getVm(id:\"%s\"){id}}", bad[i]);
        CHECK_CONTAINS(r, "no such VM");
        free(r);
    }
    env_free(&e);
}

TEST(anonymous_callers_get_authentication_errors_everywhere_but_login)
{
    env e;
    env_init(&e);
    const char *qs[] = {"{me{id}}",
                        "{getUsers{id}}",
                        "{getUsb{id}}",
                        "{images{name}}",
                        "{host{cpus}}",
                        "{tokens{id}}",
                        "{getDev(id:\"1\"){id}}",
                        "mutation{logout}",
                        "mutation{createToken(name:\"x\"){secret}}"};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char *r = gq(&e, 0, "%s", qs[i]);
        CHECK_CONTAINS(r, "\"code\":\"UNAUTHENTICATED\"");
        free(r);
    }
    env_free(&e);
}

/* Nested lists load devices and things once per request; a mutation later
 * in the same document must still see what an earlier one changed. */
TEST(a_mutation_sees_what_an_earlier_mutation_in_the_document_changed)
{
    env e;
    env_init(&e);
    char *r = gq(&e, e.alice,
                 "mutation{a:createVm(vm:{name:\"a\",base:\"busybox.raw\"}){id dev{id}}"
                 " attachDevice(devID:\"1\",vmID:\"1\")"
                 " c:powerON(vmID:\"1\"){dev{id}}}");
    CHECK_STR(r, "{\"data\":{\"a\":{\"id\":\"1\",\"dev\":[]},\"attachDevice\":true,"
                 "\"c\":{\"dev\":[{\"id\":\"1\"}]}}}");
    free(r);
    env_free(&e);
}

TEST(nested_lists_give_each_vm_its_own_devices_and_things)
{
    env e;
    env_init(&e);
    env_vm(&e, e.alice, "a");
    env_vm(&e, e.alice, "b");
    free(gq(&e, e.alice, "mutation{attachDevice(devID:\"4\",vmID:\"2\")}"));
    free(gq(&e, e.alice, "mutation{createThing(thing:{name:\"t\",info:\"\",server:\"a\"}){id}}"));
    char *r = gq(&e, e.alice, "{getVms{name owner{name} dev{id} things{name vm{name}}}}");
    CHECK_STR(r, "{\"data\":{\"getVms\":[{\"name\":\"a\",\"owner\":{\"name\":\"alice\"},\"dev\":[],"
                 "\"things\":[{\"name\":\"t\",\"vm\":{\"name\":\"a\"}}]},{\"name\":\"b\",\"owner\":"
                 "{\"name\":\"alice\"},\"dev\":[{\"id\":\"4\"}],\"things\":[]}]}}");
    free(r);
    env_free(&e);
}

TEST_MAIN()
