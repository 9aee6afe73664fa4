/* test_things.c -- the bootstrap server inside core/ (things.c): its
 * in-memory index is loaded once and then follows every change one entry at
 * a time, a VM's new address reaches the next bootstrap, and outcomes reach
 * the store through the writer thread. The devices are epfiot-thing's engine
 * (lwm2m_sim) in this process, over real UDP on 127.0.0.1. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "thing_sim.h"

static int64_t vm_on(env *e, int64_t uid, const char *name)
{
    free(gq(e, uid, "mutation{createVm(vm:{name:\"%s\",base:\"debian-12.qcow2\"}){id}}", name));
    core_call k;
    core_call_init(&k, e->c);
    core_become(&k, uid);
    store_vm vm;
    CHECK_INT(store_vm_get_by_name(k.st, uid, name, &vm), STORE_OK);
    int64_t id = vm.id;
    store_vm_clear(&vm);
    free(gq(e, uid, "mutation{powerON(vmID:\"%lld\"){ip}}", (long long)id));
    return id;
}

static void start(env *e)
{
    core_lwm2m_config lc = {.listen = "127.0.0.1", .coap_port = 0, .coaps_port = -1};
    char msg[256];
    CHECK_INT(core_lwm2m_start(e->c, &lc, msg, sizeof msg), CORE_OK);
    CHECK(core_lwm2m_port(e->c, false) > 0);
}

/* Bootstraps `ep` once; returns the sims (free with lwm2m_sim_free_all). */
static lwm2m_sim **boot(env *e, const char *ep)
{
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.port = core_lwm2m_port(e->c, false);
    o.endpoint = ep;
    o.do_register = false;
    o.timeout_ms = 30000;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s != NULL);
    return s;
}

/* The payload of the Security write the device got contains `uri`. */
static bool wrote_uri(lwm2m_sim *s, const char *uri)
{
    for (size_t i = 0; i < lwm2m_sim_nevents(s); i++) {
        const lwm2m_sim_event *ev = lwm2m_sim_event_at(s, i);
        if (!strcmp(ev->method, "PUT") && !strncmp(ev->path, "/0/", 3) &&
            memmem(ev->payload, ev->len, uri, strlen(uri)))
            return true;
    }
    return false;
}

static store_thing_state wait_state(env *e, int64_t uid, int64_t id, store_thing_state want)
{
    core_call k;
    core_call_init(&k, e->c);
    core_become(&k, uid);
    store_thing t = {0};
    for (int i = 0; i < 6000; i++) { /* up to 60 s: the writer is a thread */
        store_thing_clear(&t);
        CHECK_INT(core_thing_get(&k, id, &t), CORE_OK);
        if (t.state == want)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    store_thing_state st = t.state;
    store_thing_clear(&t);
    return st;
}

TEST(the_index_is_loaded_once_and_then_follows_each_new_thing)
{
    env e;
    env_init(&e);
    int64_t vm = vm_on(&e, e.alice, "web");
    start(&e);
    CHECK_INT((int)core_things_loads(e.c), 1);
    core_call k;
    core_call_init(&k, e.c);
    core_become(&k, e.alice);
    char name[32], vmid[24];
    snprintf(vmid, sizeof vmid, "%lld", (long long)vm);
    int64_t last = 0;
    for (int i = 0; i < 1000; i++) {
        store_thing t;
        snprintf(name, sizeof name, "t-%d", i);
        CHECK_INT(core_thing_create2(&k, name, "", vmid, 0, NULL, &t), CORE_OK);
        last = t.id;
        store_thing_clear(&t);
    }
    CHECK_INT((int)core_things_indexed(e.c), 1000);
    CHECK_INT((int)core_things_loads(e.c), 1); /* no rebuild per thing */
    /* all 1000 at once (t-0 ... t-999): many outcomes per writer batch */
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.port = core_lwm2m_port(e.c, false);
    o.endpoint = "t";
    o.do_register = false;
    o.timeout_ms = 60000;
    lwm2m_sim **all = lwm2m_sim_run(&o, 1000);
    CHECK(all != NULL);
    int finished = 0;
    for (int i = 0; all && i < 1000; i++)
        finished += lwm2m_sim_phase_of(all[i]) == LWM2M_SIM_FINISHED;
    CHECK_INT(finished, 1000);
    lwm2m_sim_free_all(all, 1000);
    CHECK_INT(wait_state(&e, e.alice, last, STORE_THING_BOOTSTRAPPED), STORE_THING_BOOTSTRAPPED);
    size_t nb = 0;
    for (int round = 0; round < 600 && nb < 1000; round++) { /* up to 60 s */
        store_thing *list = NULL;
        size_t n = 0;
        nb = 0;
        CHECK_INT(core_thing_list(&k, 0, 0, &list, &n), CORE_OK);
        for (size_t i = 0; i < n; i++)
            nb += list[i].state == STORE_THING_BOOTSTRAPPED;
        store_thing_list_free(list, n);
        if (nb < 1000) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    CHECK_INT((int)nb, 1000);
    lwm2m_sim **s = boot(&e, "t-999");
    CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    /* deleting one removes it from the index, the others stay */
    CHECK_INT(core_thing_delete(&k, last), CORE_OK);
    CHECK_INT((int)core_things_indexed(e.c), 999);
    s = boot(&e, "t-999");
    CHECK_INT(lwm2m_sim_request_code(s[0]), 400);
    lwm2m_sim_free_all(s, 1);
    s = boot(&e, "t-0");
    CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    env_free(&e);
}

TEST(the_next_bootstrap_after_an_address_change_uses_the_new_address)
{
    env e;
    env_init(&e);
    int64_t vm = vm_on(&e, e.alice, "web");
    start(&e);
    char *r = gq(&e, e.alice,
                 "mutation{createThing(thing:{name:\"s\",info:\"\",server:\"web\"}){vm{ip}}}");
    char ip[64] = "";
    const char *p = strstr(r, "\"ip\":\"");
    CHECK(p != NULL);
    if (p)
        sscanf(p + 6, "%63[0-9.]", ip);
    free(r);
    char uri[128];
    snprintf(uri, sizeof uri, "coap://%s:5683", ip);
    lwm2m_sim **s = boot(&e, "s");
    CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
    CHECK(wrote_uri(s[0], uri));
    lwm2m_sim_free_all(s, 1);
    /* what core does when it observes a new lease (core_vm_ip) */
    core_things_vm_ip(e.c, vm, "198.51.100.77");
    s = boot(&e, "s");
    CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
    CHECK(wrote_uri(s[0], "coap://198.51.100.77:5683"));
    lwm2m_sim_free_all(s, 1);
    env_free(&e);
}

TEST(a_vm_started_later_gets_its_address_into_the_bootstrap_by_itself)
{
    env e;
    env_init(&e);
    free(gq(&e, e.alice, "mutation{createVm(vm:{name:\"web\",base:\"debian-12.qcow2\"}){id}}"));
    core_lwm2m_config lc = {
        .listen = "127.0.0.1", .coap_port = 0, .coaps_port = -1, .address_refresh_ms = 100};
    char msg[256];
    CHECK_INT(core_lwm2m_start(e.c, &lc, msg, sizeof msg), CORE_OK);
    /* linked while the VM is off: no address to give yet */
    free(gq(&e, e.alice, "mutation{createThing(thing:{name:\"s\",info:\"\",server:\"web\"}){id}}"));
    lwm2m_sim **s = boot(&e, "s");
    CHECK_INT(lwm2m_sim_request_code(s[0]), 400);
    lwm2m_sim_free_all(s, 1);
    /* started, and nobody reads its address through the API */
    free(gq(&e, e.alice, "mutation{powerON(vmID:\"1\"){id}}"));
    int code = 0;
    for (int i = 0; i < 600 && code != 204; i++) { /* up to 60 s */
        s = boot(&e, "s");
        code = lwm2m_sim_request_code(s[0]);
        lwm2m_sim_free_all(s, 1);
        if (code != 204) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    CHECK_INT(code, 204);
    env_free(&e);
}

TEST(a_deleted_vm_unlinks_its_things_from_the_bootstrap)
{
    env e;
    env_init(&e);
    int64_t vm = vm_on(&e, e.alice, "web");
    start(&e);
    free(gq(&e, e.alice, "mutation{createThing(thing:{name:\"s\",info:\"\",server:\"web\"}){id}}"));
    free(gq(&e, e.alice, "mutation{forceDestroyVM(vmID:\"%lld\")}", (long long)vm));
    lwm2m_sim **s = boot(&e, "s");
    CHECK_INT(lwm2m_sim_request_code(s[0]), 400);
    lwm2m_sim_free_all(s, 1);
    env_free(&e);
}

TEST(an_index_reloaded_at_restart_knows_every_thing_and_its_keys)
{
    env e;
    env_init(&e);
    vm_on(&e, e.alice, "web");
    free(gq(&e, e.alice,
            "mutation{createThing(thing:{name:\"p\",info:\"\",server:\"web\",security:PSK,"
            "pskIdentity:\"p-id\",pskKey:\"0102030405060708\"}){id}}"));
    /* started after the thing exists: it comes from the store */
    start(&e);
    CHECK_INT((int)core_things_indexed(e.c), 1);
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    core_lwm2m_stop(e.c);
    core_lwm2m_config lc = {.listen = "127.0.0.1", .coap_port = -1, .coaps_port = 0};
    char msg[256];
    CHECK_INT(core_lwm2m_start(e.c, &lc, msg, sizeof msg), CORE_OK);
    CHECK_INT((int)core_things_loads(e.c), 2);
    static const uint8_t key[] = {1, 2, 3, 4, 5, 6, 7, 8};
    o.port = core_lwm2m_port(e.c, true);
    o.dtls = true;
    o.psk_identity = "p-id";
    o.psk_key = key;
    o.psk_key_len = sizeof key;
    o.endpoint = "p";
    o.do_register = false;
    o.timeout_ms = 30000;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s != NULL);
    CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    env_free(&e);
}

TEST_MAIN()
