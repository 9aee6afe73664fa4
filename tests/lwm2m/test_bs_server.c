/* test_bs_server.c -- the bootstrap server (src/lwm2m/bs_server.c) against
 * the client simulator (thing_sim.c) and raw UDP, on 127.0.0.1 with ports
 * picked at run time: the sequence on the wire, the payloads byte-exact
 * against tests/lwm2m/golden, the outcomes the daemon will see, and every
 * failure of the thesis's bootstrap server turned into a test. */
#include "test.h"

#include "bs_test_util.h"

static void check_golden_bytes(const char *file, const uint8_t *p, size_t n)
{
    size_t len = 0;
    char *text = golden_read(file, &len);
    if (!text) {
        TEST_FAIL_("cannot read golden/%s", file);
        return;
    }
    if (strstr(file, ".hex")) {
        CHECK_HEX(p, n, text);
    } else {
        if (len && text[len - 1] == '\n')
            text[--len] = '\0';
        if (len != n || memcmp(text, p, n) != 0)
            TEST_FAIL_("golden/%s differs:\n    got:      %.*s\n    expected: %s", file, (int)n,
                       (const char *)p, text);
    }
    free(text);
}

/* The requests the thing received, as "GET /,DELETE /1,...". */
static void sim_sequence(const lwm2m_sim *s, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < lwm2m_sim_nevents(s); i++) {
        const lwm2m_sim_event *e = lwm2m_sim_event_at(s, i);
        n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s %s", i ? "," : "", e->method,
                              e->path);
    }
}

static const lwm2m_sim_event *sim_event(const lwm2m_sim *s, const char *method, const char *path)
{
    for (size_t i = 0; i < lwm2m_sim_nevents(s); i++) {
        const lwm2m_sim_event *e = lwm2m_sim_event_at(s, i);
        if (strcmp(e->method, method) == 0 && strcmp(e->path, path) == 0)
            return e;
    }
    return NULL;
}

typedef struct golden_run {
    lwm2m_version version;
    int pct;
    const char *security_file, *server_file;
    int cf;
} golden_run;

/* One NoSec bootstrap of a thing with the golden configuration. */
static void run_golden(const golden_run *g)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "golden", bt_golden_thing());
    bt_start(&e, &c);
    CHECK(e.srv != NULL);
    if (!e.srv)
        return;
    lwm2m_sim_opts o = bt_sim_opts(&e, "golden");
    o.version = g->version;
    o.format = g->pct;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s != NULL);
    CHECK(bt_wait(&e, "golden", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    if (s) {
        CHECK_INT(lwm2m_sim_phase_of(s[0]), LWM2M_SIM_FINISHED);
        char seq[512];
        sim_sequence(s[0], seq, sizeof seq);
        CHECK_STR(seq, "GET /,DELETE /1,PUT /0/1,PUT /1/1,POST /bs");
        const lwm2m_sim_event *sec = sim_event(s[0], "PUT", "/0/1");
        const lwm2m_sim_event *srv = sim_event(s[0], "PUT", "/1/1");
        CHECK(sec && srv);
        if (sec && srv) {
            CHECK_INT(sec->content_format, g->cf);
            CHECK_INT(srv->content_format, g->cf);
            check_golden_bytes(g->security_file, sec->payload, sec->len);
            check_golden_bytes(g->server_file, srv->payload, srv->len);
        }
        lwm2m_sim_free_all(s, 1);
    }
    bt_stop(&e);
    const bt_record *r = bt_last(&e);
    CHECK(r && r->state == LWM2M_BS_BOOTSTRAPPED);
    CHECK_INT(bt_count(&e, "golden", LWM2M_BS_BOOTSTRAPPING), 1);
    CHECK_INT(bt_count(&e, "golden", LWM2M_BS_FAILED), 0);
    if (r)
        CHECK_INT(r->version, g->version);
}

TEST(lwm2m_1_1_client_without_pct_gets_the_golden_tlv_sequence)
{
    golden_run g = {LWM2M_V1_1, 0, "security_nosec.tlv.hex", "server_v1_1.tlv.hex", LWM2M_CF_TLV};
    run_golden(&g);
}

TEST(lwm2m_1_0_client_gets_tlv_and_no_1_1_resources)
{
    /* the 1.0 simulator is strict: a 1.1-only resource would get 4.00 */
    golden_run g = {LWM2M_V1_0, 0, "security_nosec.tlv.hex", "server_v1_0.tlv.hex", LWM2M_CF_TLV};
    run_golden(&g);
}

TEST(lwm2m_1_1_client_with_pct_110_gets_senml_json)
{
    golden_run g = {LWM2M_V1_1, LWM2M_CF_SENML_JSON, "security_nosec.senml.json",
                    "server_v1_1.senml.json", LWM2M_CF_SENML_JSON};
    run_golden(&g);
}

TEST(lwm2m_1_1_client_with_pct_112_gets_senml_cbor)
{
    golden_run g = {LWM2M_V1_1, LWM2M_CF_SENML_CBOR, "security_nosec.senml_cbor.hex",
                    "server_v1_1.senml_cbor.hex", LWM2M_CF_SENML_CBOR};
    run_golden(&g);
}

TEST(lwm2m_1_2_client_gets_1_2_server_payload)
{
    golden_run g = {LWM2M_V1_2, LWM2M_CF_SENML_JSON, "security_nosec.senml.json",
                    "server_v1_2.senml.json", LWM2M_CF_SENML_JSON};
    run_golden(&g);
}

TEST(bootstrap_server_account_at_0_1_is_never_overwritten)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "anjay-like", bt_golden_thing()); /* wants /0/1 */
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "anjay-like");
    o.bs_instance = 1;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    if (s) {
        char seq[512];
        sim_sequence(s[0], seq, sizeof seq);
        CHECK_STR(seq, "GET /,DELETE /1,PUT /0/0,PUT /1/1,POST /bs");
        const lwm2m_list *bs = lwm2m_sim_instance(s[0], 0, 1);
        CHECK(bs != NULL);
        if (bs) {
            lwm2m_path p = lwm2m_path_make(3, 0, 1, 1, 0);
            const lwm2m_value *b = lwm2m_list_find(bs, &p);
            CHECK(b && b->type == LWM2M_TYPE_BOOLEAN && b->v.b);
            p = lwm2m_path_make(3, 0, 1, 0, 0);
            const lwm2m_value *uri = lwm2m_list_find(bs, &p);
            CHECK(uri && strstr((const char *)uri->v.bytes.ptr, "127.0.0.1"));
        }
        lwm2m_path p = lwm2m_path_make(3, 0, 0, 10, 0);
        const lwm2m_list *dm = lwm2m_sim_instance(s[0], 0, 0);
        CHECK(dm && lwm2m_list_find(dm, &p));
        lwm2m_sim_free_all(s, 1);
    }
    CHECK(bt_wait(&e, "anjay-like", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "anjay-like", LWM2M_BS_BOOTSTRAPPED), 1);
}

/* Runs one NoSec bootstrap of thing t with simulator options tweaked by
 * `tweak`; returns the simulator (caller frees) after BOOTSTRAPPED or not. */
static lwm2m_sim **run_one(bt_env *e, const char *ep, lwm2m_bs_thing t, lwm2m_sim_opts *o)
{
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(e, ep, t);
    bt_start(e, &c);
    o->port = lwm2m_bs_port(e->srv, false);
    lwm2m_sim **s = lwm2m_sim_run(o, 1);
    CHECK(bt_wait(e, ep, LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(e);
    return s;
}

TEST(previous_server_accounts_are_deleted_instance_by_instance)
{
    bt_env e = {0};
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.endpoint = "second-hand";
    o.do_register = false;
    o.old_account = true;
    lwm2m_sim **s = run_one(&e, "second-hand", bt_golden_thing(), &o);
    CHECK(s != NULL);
    if (s) {
        char seq[512];
        sim_sequence(s[0], seq, sizeof seq);
        CHECK_STR(seq, "GET /,DELETE /0/5,DELETE /1,PUT /0/1,PUT /1/1,POST /bs");
        CHECK(lwm2m_sim_instance(s[0], 0, 5) == NULL);
        CHECK(lwm2m_sim_instance(s[0], 1, 5) == NULL);
        CHECK(lwm2m_sim_instance(s[0], 0, 0) != NULL);
        lwm2m_sim_free_all(s, 1);
    }
}

TEST(configured_delete_of_the_bs_account_is_skipped)
{
    bt_env e = {0};
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.endpoint = "careful";
    o.do_register = false;
    lwm2m_bs_thing t = bt_golden_thing();
    t.ndelete = 3;
    snprintf(t.delete_paths[0], sizeof t.delete_paths[0], "/0/0");
    snprintf(t.delete_paths[1], sizeof t.delete_paths[1], "/1");
    snprintf(t.delete_paths[2], sizeof t.delete_paths[2], "/2");
    lwm2m_sim **s = run_one(&e, "careful", t, &o);
    if (s) {
        char seq[512];
        sim_sequence(s[0], seq, sizeof seq);
        CHECK_STR(seq, "GET /,DELETE /1,DELETE /2,PUT /0/1,PUT /1/1,POST /bs");
        lwm2m_sim_free_all(s, 1);
    }
}

TEST(configured_format_wins_over_pct)
{
    bt_env e = {0};
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.endpoint = "cbor-configured";
    o.do_register = false;
    o.format = LWM2M_CF_SENML_JSON;
    lwm2m_bs_thing t = bt_golden_thing();
    t.content_format = LWM2M_CF_SENML_CBOR;
    lwm2m_sim **s = run_one(&e, "cbor-configured", t, &o);
    const lwm2m_sim_event *w = s ? sim_event(s[0], "PUT", "/1/1") : NULL;
    CHECK(w && w->content_format == LWM2M_CF_SENML_CBOR);
    if (w)
        check_golden_bytes("server_v1_1.senml_cbor.hex", w->payload, w->len);
    lwm2m_sim_free_all(s, 1);
}

TEST(configured_senml_falls_back_to_tlv_for_a_1_0_client)
{
    bt_env e = {0};
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.endpoint = "old-timer";
    o.do_register = false;
    o.version = LWM2M_V1_0;
    lwm2m_bs_thing t = bt_golden_thing();
    t.content_format = LWM2M_CF_SENML_JSON;
    lwm2m_sim **s = run_one(&e, "old-timer", t, &o);
    const lwm2m_sim_event *w = s ? sim_event(s[0], "PUT", "/1/1") : NULL;
    CHECK(w && w->content_format == LWM2M_CF_TLV);
    lwm2m_sim_free_all(s, 1);
    const bt_record *r = bt_last(&e);
    CHECK(r && r->cf == LWM2M_CF_TLV && r->version == LWM2M_V1_0);
}

TEST(bootstrap_works_over_ipv6_loopback)
{
    int fd = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool have = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    if (!have) {
        printf("  (no ::1 here; skipped)\n");
        return;
    }
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.address = "::1";
    bt_add(&e, "six", bt_golden_thing());
    bt_start(&e, &c);
    CHECK(e.srv != NULL);
    if (!e.srv)
        return;
    lwm2m_sim_opts o = bt_sim_opts(&e, "six");
    o.host = "::1";
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "six", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
}

TEST(discover_parser_reads_the_version_of_wakaama_anjay_and_spec_clients)
{
    lwm2m_bs_discovery d;
    const char *waka = "lwm2m=1.0,</0/0>,</0/1>;ssid=101,</1/0>;ssid=101,</3/0>";
    lwm2m_bs_parse_discover(waka, strlen(waka), &d);
    CHECK_INT(d.version, LWM2M_V1_0);
    CHECK_INT(d.bs_instance, 0);
    CHECK_INT(d.nserver, 1);
    const char *anjay = "</>;lwm2m=\"1.0\",</0/1>,</0/2>;ssid=5;uri=\"coap://a,b:1\",</3/0>";
    lwm2m_bs_parse_discover(anjay, strlen(anjay), &d);
    CHECK_INT(d.version, LWM2M_V1_0);
    CHECK_INT(d.bs_instance, 1);
    CHECK_INT(d.nsecurity, 1);
    CHECK_INT(d.security[0], 2);
    const char *v12 = "</>;lwm2m=1.2,</0/3>;uri=\"coap://x\"";
    lwm2m_bs_parse_discover(v12, strlen(v12), &d);
    CHECK_INT(d.version, LWM2M_V1_2);
    CHECK_INT(d.bs_instance, 3);
    const char *again = "</>;lwm2m=1.1,</0/0>,</0/1>;ssid=1,</1/1>;ssid=1,</3/0>";
    lwm2m_bs_parse_discover(again, strlen(again), &d);
    CHECK_INT(d.bs_instance, 0);
    CHECK_INT(d.nsecurity, 1);
    CHECK_INT(d.security[0], 1);
}

TEST(unknown_endpoint_gets_4_00_and_nothing_is_written)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "nobody");
    o.timeout_ms = 5000;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FAILED);
    if (s) {
        CHECK_INT(lwm2m_sim_request_code(s[0]), 400);
        CHECK_INT(lwm2m_sim_nevents(s[0]), 0);
    }
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
}

TEST(unknown_endpoint_uses_the_configured_default)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.default_endpoint = "*default*";
    bt_add(&e, "*default*", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "stranger");
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "stranger", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "stranger", LWM2M_BS_BOOTSTRAPPED), 1);
}

TEST(missing_endpoint_name_gets_4_00)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "x");
    o.send_ep = false;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_request_code(s[0]) == 400);
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
}

TEST(unsupported_pct_gets_4_15)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "json10", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "json10");
    o.format = LWM2M_CF_LWM2M_JSON;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_request_code(s[0]) == 415);
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
}

TEST(endpoint_name_of_300_bytes_is_rejected_with_4_00)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_start(&e, &c);
    char ep[301];
    memset(ep, 'a', 300);
    ep[300] = '\0';
    uint8_t pkt[400], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x1111, ep);
    int fd = bt_udp();
    bt_sendto(fd, lwm2m_bs_port(e.srv, false), pkt, n);
    ssize_t r = bt_recv(fd, rsp, sizeof rsp, 5000);
    /* over the 255 bytes RFC 7252 allows a Uri-Query: libcoap itself
     * rejects the message (4.02 Bad Option, or a reset) */
    CHECK(r >= 4);
    if (r >= 4 && (rsp[1] >> 5) == 2)
        TEST_FAIL_("300-byte endpoint name answered %d", bt_code(rsp));
    /* 129 bytes: one over the bound */
    ep[129] = '\0';
    n = bt_bs_request(pkt, 0x1112, ep);
    bt_sendto(fd, lwm2m_bs_port(e.srv, false), pkt, n);
    r = bt_recv(fd, rsp, sizeof rsp, 5000);
    CHECK(r >= 4 && bt_code(rsp) == 400);
    close(fd);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
}

TEST(vm_address_becomes_the_server_uri)
{
    lwm2m_bs_thing t;
    lwm2m_bs_thing_init(&t);
    CHECK_INT(lwm2m_bs_thing_set_vm(&t, "10.128.0.169", false), 0);
    CHECK_STR(t.server_uri, "coap://10.128.0.169:5683");
    CHECK_INT(lwm2m_bs_thing_set_vm(&t, "fd00::5", true), 0);
    CHECK_STR(t.server_uri, "coaps://[fd00::5]:5684");
    CHECK_INT(lwm2m_bs_thing_set_vm(&t, "vm.example", false), -1);
    CHECK_INT(lwm2m_bs_thing_set_vm(&t, "10.0.0.1:80", false), -1);
}

TEST(endpoint_names_are_bounded_and_printable)
{
    CHECK(lwm2m_bs_endpoint_valid((const uint8_t *)"urn:imei:490154203237518", 24, 128));
    CHECK(!lwm2m_bs_endpoint_valid((const uint8_t *)"", 0, 128));
    CHECK(!lwm2m_bs_endpoint_valid((const uint8_t *)"a b", 3, 128));
    CHECK(!lwm2m_bs_endpoint_valid((const uint8_t *)"a\0b", 3, 128));
    CHECK(!lwm2m_bs_endpoint_valid((const uint8_t *)"abcd", 4, 3));
}

TEST(malformed_packets_are_answered_or_dropped_and_the_server_still_works)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "survivor", bt_golden_thing());
    bt_start(&e, &c);
    int port = lwm2m_bs_port(e.srv, false);
    static const struct {
        const char *what;
        uint8_t bytes[24];
        size_t len;
    } bad[] = {
        {"truncated header", {0x40, 0x02}, 2},
        {"bad version", {0x80, 0x02, 0x00, 0x01}, 4},
        {"token length 9", {0x49, 0x02, 0x00, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 13},
        {"token length 15 (huge)", {0x4f, 0x02, 0x00, 0x03, 1, 2}, 6},
        {"option delta 15 (reserved)", {0x40, 0x02, 0x00, 0x04, 0xf1, 0x00}, 6},
        {"option length 15 (reserved)", {0x40, 0x02, 0x00, 0x05, 0xbf, 0x00}, 6},
        {"option longer than packet", {0x40, 0x02, 0x00, 0x06, 0xbd, 0xff, 'b'}, 7},
        {"payload marker without payload", {0x40, 0x02, 0x00, 0x07, 0xb2, 'b', 's', 0xff}, 8},
        {"Uri-Query ep= empty", {0x40, 0x02, 0x00, 0x08, 0xb2, 'b', 's', 0x43, 'e', 'p', '='}, 11},
        {"pct not a number",
         {0x40, 0x02, 0x00, 0x09, 0xb2, 'b', 's', 0x45, 'e', 'p', '=', 'a', 'b', 0x05, 'p', 'c',
          't', '=', 'x'},
         19},
        {"NON Bootstrap-Request",
         {0x50, 0x02, 0x00, 0x0a, 0xb2, 'b', 's', 0x48, 'e', 'p', '=', 's', 'u', 'r', 'v', 'i'},
         16},
        {"Bootstrap-Request with payload",
         {0x40, 0x02, 0x00, 0x0b, 0xb2, 'b', 's', 0x43, 'e', 'p', '=', 0xff, 'x'},
         13},
        {"empty CON (ping)", {0x40, 0x00, 0x00, 0x0c}, 4},
        {"response code in a request slot", {0x40, 0x45, 0x00, 0x0d}, 4},
        {"GET /bspack", {0x40, 0x01, 0x00, 0x0e, 0xb6, 'b', 's', 'p', 'a', 'c', 'k'}, 11},
    };
    int fd = bt_udp();
    uint8_t rsp[1500];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bt_sendto(fd, port, bad[i].bytes, bad[i].len);
        ssize_t r = bt_recv(fd, rsp, sizeof rsp, 300);
        /* answered: an error, an RST, or an ACK; never a 2.04 */
        if (r >= 4 && (rsp[1] >> 5) == 2)
            TEST_FAIL_("%s was answered %d", bad[i].what, bt_code(rsp));
        if (strcmp(bad[i].what, "GET /bspack") == 0)
            CHECK(r >= 4 && bt_code(rsp) == 501);
        if (strcmp(bad[i].what, "NON Bootstrap-Request") == 0)
            CHECK(r >= 4 && bt_code(rsp) == 400);
    }
    uint8_t junk[256];
    for (int k = 0; k < 200; k++) {
        size_t n = 1 + (size_t)(k % 255);
        getrandom(junk, n, 0);
        bt_sendto(fd, port, junk, n);
    }
    while (bt_recv(fd, rsp, sizeof rsp, 200) > 0)
        ;
    close(fd);
    CHECK_INT(e.nrec, 0);
    lwm2m_sim_opts o = bt_sim_opts(&e, "survivor");
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "survivor", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "survivor", LWM2M_BS_BOOTSTRAPPED), 1);
}

TEST(device_that_never_answers_fails_after_the_request_timeout)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.request_timeout_ms = 300;
    bt_add(&e, "mute", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "mute");
    o.never_answer = "write";
    o.timeout_ms = 1500;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FAILED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "mute", LWM2M_BS_FAILED, 1, 10));
    const bt_record *r = bt_last(&e);
    CHECK(r && r->step == LWM2M_BS_STEP_WRITE_SECURITY);
    if (r)
        CHECK_CONTAINS(r->reason, "timed out");
    CHECK_INT(lwm2m_bs_active(e.srv), 0);
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "mute", LWM2M_BS_BOOTSTRAPPED), 0);
}

TEST(device_that_never_answers_fails_when_retransmissions_are_exhausted)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.ack_timeout_ms = 1000; /* libcoap's minimum */
    c.max_retransmit = 1;
    bt_add(&e, "silent", bt_golden_thing());
    bt_start(&e, &c);
    int fd = bt_udp();
    uint8_t pkt[200], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x0301, "silent");
    bt_sendto(fd, lwm2m_bs_port(e.srv, false), pkt, n);
    /* the Discover and its retransmissions arrive; we never answer */
    int gets = 0;
    double end = bt_now() + 30;
    while (bt_count(&e, "silent", LWM2M_BS_FAILED) == 0 && bt_now() < end) {
        ssize_t r = bt_recv(fd, rsp, sizeof rsp, 50);
        if (r >= 4 && bt_code(rsp) == 1)
            gets++;
    }
    CHECK_INT(gets, 2); /* the request and its one retransmission */
    const bt_record *r = bt_last(&e);
    CHECK(r && r->state == LWM2M_BS_FAILED && r->step == LWM2M_BS_STEP_DISCOVER);
    if (r)
        CHECK_STR(r->reason, "discover /: no answer (retransmissions exhausted)");
    close(fd);
    bt_stop(&e);
}

TEST(write_answered_4_00_fails_with_step_and_code_and_no_finish)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "picky", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "picky");
    o.answer_step = "write";
    o.answer_code = 400;
    o.timeout_ms = 1500;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(bt_wait(&e, "picky", LWM2M_BS_FAILED, 1, 10));
    if (s) {
        char seq[512];
        sim_sequence(s[0], seq, sizeof seq);
        CHECK_STR(seq, "GET /,DELETE /1,PUT /0/1");
    }
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    const bt_record *r = bt_last(&e);
    CHECK(r && r->state == LWM2M_BS_FAILED && r->step == LWM2M_BS_STEP_WRITE_SECURITY);
    if (r) {
        CHECK_INT(r->code, 400);
        CHECK_STR(r->reason, "write security /0/1 answered 4.00");
    }
}

TEST(finish_answered_4_06_is_failed_not_bootstrapped)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "fussy", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "fussy");
    o.finish_code = 406;
    o.timeout_ms = 1500;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "fussy", LWM2M_BS_FAILED, 1, 10));
    bt_stop(&e);
    const bt_record *r = bt_last(&e);
    CHECK(r && r->step == LWM2M_BS_STEP_FINISH && r->code == 406);
    if (r)
        CHECK_STR(r->reason, "finish rejected 4.06");
    CHECK_INT(bt_count(&e, "fussy", LWM2M_BS_BOOTSTRAPPED), 0);
}

TEST(duplicate_bootstrap_request_same_mid_does_not_start_a_second_session)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "dup", bt_golden_thing());
    bt_start(&e, &c);
    int port = lwm2m_bs_port(e.srv, false), fd = bt_udp();
    uint8_t pkt[200], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x4242, "dup");
    int acks = 0, gets = 0;
    for (int round = 0; round < 2; round++) {
        bt_sendto(fd, port, pkt, n);
        double end = bt_now() + 5;
        int want = acks + 1;
        while (acks < want && bt_now() < end) {
            ssize_t r = bt_recv(fd, rsp, sizeof rsp, 500);
            if (r >= 4 && (rsp[0] & 0x30) == 0x20 && bt_code(rsp) == 204)
                acks++;
            else if (r >= 4 && bt_code(rsp) == 1)
                gets++;
        }
    }
    CHECK_INT(acks, 2);
    CHECK(bt_wait(&e, "dup", LWM2M_BS_BOOTSTRAPPING, 1, 5));
    CHECK_INT(lwm2m_bs_active(e.srv), 1);
    close(fd);
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "dup", LWM2M_BS_BOOTSTRAPPING), 1);
}

TEST(late_retransmission_after_the_session_ended_does_not_restart_it)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.request_timeout_ms = 200;
    bt_add(&e, "late", bt_golden_thing());
    bt_start(&e, &c);
    int port = lwm2m_bs_port(e.srv, false), fd = bt_udp();
    uint8_t pkt[200], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x0401, "late");
    bt_sendto(fd, port, pkt, n);
    CHECK(bt_wait(&e, "late", LWM2M_BS_FAILED, 1, 10)); /* we never answer the Discover */
    double end = bt_now() + 5;
    while (lwm2m_bs_active(e.srv) && bt_now() < end)
        usleep(5000);
    while (bt_recv(fd, rsp, sizeof rsp, 50) > 0)
        ;
    bt_sendto(fd, port, pkt, n); /* the same message again */
    int code = 0;
    end = bt_now() + 5;
    while (!code && bt_now() < end) {
        ssize_t r = bt_recv(fd, rsp, sizeof rsp, 200);
        if (r >= 4 && (rsp[0] & 0x30) == 0x20)
            code = bt_code(rsp);
    }
    CHECK_INT(code, 204);
    close(fd);
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "late", LWM2M_BS_BOOTSTRAPPING), 1);
}

TEST(new_bootstrap_request_mid_session_restarts_it)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "again", bt_golden_thing());
    bt_start(&e, &c);
    int port = lwm2m_bs_port(e.srv, false), fd = bt_udp();
    uint8_t pkt[200], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x0101, "again");
    bt_sendto(fd, port, pkt, n);
    CHECK(bt_wait(&e, "again", LWM2M_BS_BOOTSTRAPPING, 1, 5));
    n = bt_bs_request(pkt, 0x0102, "again");
    bt_sendto(fd, port, pkt, n);
    CHECK(bt_wait(&e, "again", LWM2M_BS_BOOTSTRAPPING, 2, 5));
    CHECK_INT(lwm2m_bs_active(e.srv), 1);
    while (bt_recv(fd, rsp, sizeof rsp, 100) > 0)
        ;
    close(fd);
    /* the restarted session completes with a real client */
    lwm2m_sim_opts o = bt_sim_opts(&e, "again");
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "again", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "again", LWM2M_BS_BOOTSTRAPPED), 1);
    CHECK_INT(bt_count(&e, "again", LWM2M_BS_FAILED), 0);
}

TEST(sessions_beyond_the_limit_get_5_03)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.max_sessions = 1;
    bt_add(&e, "first", bt_golden_thing());
    bt_add(&e, "second", bt_golden_thing());
    bt_start(&e, &c);
    int port = lwm2m_bs_port(e.srv, false), fd = bt_udp();
    uint8_t pkt[200], rsp[1500];
    size_t n = bt_bs_request(pkt, 0x0201, "first");
    bt_sendto(fd, port, pkt, n);
    CHECK(bt_wait(&e, "first", LWM2M_BS_BOOTSTRAPPING, 1, 5));
    n = bt_bs_request(pkt, 0x0202, "second");
    bt_sendto(fd, port, pkt, n);
    int code = 0;
    double end = bt_now() + 5;
    while (!code && bt_now() < end) {
        ssize_t r = bt_recv(fd, rsp, sizeof rsp, 500);
        if (r >= 4 && (rsp[0] & 0x30) == 0x20 && rsp[2] == 0x02 && rsp[3] == 0x02)
            code = bt_code(rsp);
    }
    CHECK_INT(code, 503);
    close(fd);
    bt_stop(&e);
}

/* ---- DTLS-PSK ---- */

static void psk_env(bt_env *e, lwm2m_bs_config *c, const char *ep, const char *id)
{
    lwm2m_bs_config_init(c);
    c->coaps_port = 0;
    lwm2m_bs_thing t = bt_golden_thing();
    snprintf(t.bs_psk_identity, sizeof t.bs_psk_identity, "%s", id);
    bt_add(e, ep, t);
    snprintf(e->psk_id[0], sizeof e->psk_id[0], "%s", id);
    getrandom(e->psk_key[0], 16, 0);
    e->npsk = 1;
    bt_start(e, c);
}

TEST(psk_with_the_right_key_bootstraps)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    psk_env(&e, &c, "secure", "secure-id");
    CHECK(e.srv != NULL);
    lwm2m_sim_opts o = bt_sim_opts(&e, "secure");
    o.port = lwm2m_bs_port(e.srv, true);
    o.dtls = true;
    o.psk_identity = "secure-id";
    o.psk_key = e.psk_key[0];
    o.psk_key_len = 16;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    if (s && lwm2m_sim_phase_of(s[0]) != LWM2M_SIM_FINISHED)
        fprintf(stderr, "  sim: %s\n", lwm2m_sim_error(s[0]));
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "secure", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    CHECK_INT(bt_count(&e, "secure", LWM2M_BS_BOOTSTRAPPED), 1);
}

TEST(psk_with_a_wrong_key_fails_the_handshake_and_writes_nothing)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    psk_env(&e, &c, "secure", "secure-id");
    uint8_t wrong[16];
    memcpy(wrong, e.psk_key[0], 16);
    wrong[0] ^= 0x55;
    lwm2m_sim_opts o = bt_sim_opts(&e, "secure");
    o.port = lwm2m_bs_port(e.srv, true);
    o.dtls = true;
    o.psk_identity = "secure-id";
    o.psk_key = wrong;
    o.psk_key_len = 16;
    o.timeout_ms = 8000;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FAILED);
    if (s)
        CHECK_INT(lwm2m_sim_nevents(s[0]), 0);
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
    CHECK_INT(e.ntr, 0);
}

TEST(psk_identity_serves_as_endpoint_name_when_ep_is_absent)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    psk_env(&e, &c, "idonly", "idonly");
    lwm2m_sim_opts o = bt_sim_opts(&e, "idonly");
    o.port = lwm2m_bs_port(e.srv, true);
    o.dtls = true;
    o.send_ep = false;
    o.psk_identity = "idonly";
    o.psk_key = e.psk_key[0];
    o.psk_key_len = 16;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "idonly", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
}

TEST(psk_identity_of_another_thing_cannot_bootstrap_this_one)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.coaps_port = 0;
    lwm2m_bs_thing mine = bt_golden_thing(), theirs = bt_golden_thing();
    snprintf(mine.bs_psk_identity, sizeof mine.bs_psk_identity, "mine-id");
    snprintf(theirs.bs_psk_identity, sizeof theirs.bs_psk_identity, "theirs-id");
    bt_add(&e, "mine", mine);
    bt_add(&e, "theirs", theirs);
    snprintf(e.psk_id[0], sizeof e.psk_id[0], "mine-id");
    getrandom(e.psk_key[0], 16, 0);
    e.npsk = 1;
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "theirs");
    o.port = lwm2m_bs_port(e.srv, true);
    o.dtls = true;
    o.psk_identity = "mine-id";
    o.psk_key = e.psk_key[0];
    o.psk_key_len = 16;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_request_code(s[0]) == 400);
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
}

TEST(plain_coap_is_refused_for_a_thing_that_has_a_bootstrap_psk)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    psk_env(&e, &c, "secure", "secure-id");
    lwm2m_sim_opts o = bt_sim_opts(&e, "secure");
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_request_code(s[0]) == 400);
    lwm2m_sim_free_all(s, 1);
    bt_stop(&e);
    CHECK_INT(e.nrec, 0);
}

TEST(psk_account_on_the_vm_server_is_written_with_identity_and_key)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    lwm2m_bs_thing t;
    lwm2m_bs_thing_init(&t);
    snprintf(t.server_uri, sizeof t.server_uri, "coaps://10.128.0.169:5684");
    t.mode = LWM2M_SEC_PSK;
    snprintf(t.psk_identity, sizeof t.psk_identity, "thing-42");
    for (int i = 0; i < 16; i++)
        t.psk_key[i] = (uint8_t)i;
    t.psk_key_len = 16;
    bt_add(&e, "psk-account", t);
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "psk-account");
    o.version = LWM2M_V1_0;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_FINISHED);
    const lwm2m_sim_event *sec = s ? sim_event(s[0], "PUT", "/0/1") : NULL;
    CHECK(sec != NULL);
    if (sec)
        check_golden_bytes("security_psk.tlv.hex", sec->payload, sec->len);
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "psk-account", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
}

TEST(concurrent_things_all_bootstrap)
{
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.default_endpoint = "*";
    c.trace = NULL;
    bt_add(&e, "*", bt_golden_thing());
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "many");
    lwm2m_sim **s = lwm2m_sim_run(&o, 50);
    int ok = 0;
    for (int i = 0; s && i < 50; i++)
        ok += lwm2m_sim_phase_of(s[i]) == LWM2M_SIM_FINISHED;
    CHECK_INT(ok, 50);
    lwm2m_sim_free_all(s, 50);
    CHECK(bt_wait(&e, NULL, LWM2M_BS_BOOTSTRAPPED, 50, 10));
    bt_stop(&e);
}

TEST_MAIN()
