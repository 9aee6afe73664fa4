/* test_bootstrap.c -- the Security and Server Bootstrap-Write payloads:
 * golden files per format, LwM2M version and security mode (tests/lwm2m/
 * golden/, written by hand from the format rules), the 1.0/1.1 resource
 * split, configuration checks, and the choice of content format. */
#include "test.h"

#include "bootstrap_payload.h"
#include "lwm2m_format.h"
#include "lwm2m_test_util.h"
#include "tlv.h"

static const uint8_t psk_key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

/* The configuration all golden files were derived from. */
static lwm2m_bootstrap_config golden_config(lwm2m_security_mode mode, lwm2m_version v)
{
    lwm2m_bootstrap_config c;
    lwm2m_bootstrap_config_init(&c);
    c.version = v;
    c.mode = mode;
    if (mode == LWM2M_SEC_PSK) {
        c.server_uri = "coaps://10.128.0.169:5684";
        c.psk_identity = "thing-42";
        c.psk_key = psk_key;
        c.psk_key_len = sizeof psk_key;
    } else {
        c.server_uri = "coap://10.128.0.169:5683";
    }
    return c;
}

typedef struct golden_case {
    const char *file;
    lwm2m_security_mode mode;
    lwm2m_version version;
    int object;
    int cf;
} golden_case;

static const golden_case goldens[] = {
    {"security_nosec.tlv.hex", LWM2M_SEC_NOSEC, LWM2M_V1_0, 0, LWM2M_CF_TLV},
    {"security_psk.tlv.hex", LWM2M_SEC_PSK, LWM2M_V1_0, 0, LWM2M_CF_TLV},
    {"security_nosec.tlv.hex", LWM2M_SEC_NOSEC, LWM2M_V1_2, 0, LWM2M_CF_TLV},
    {"security_nosec.senml.json", LWM2M_SEC_NOSEC, LWM2M_V1_1, 0, LWM2M_CF_SENML_JSON},
    {"security_psk.senml.json", LWM2M_SEC_PSK, LWM2M_V1_1, 0, LWM2M_CF_SENML_JSON},
    {"security_nosec.senml_cbor.hex", LWM2M_SEC_NOSEC, LWM2M_V1_1, 0, LWM2M_CF_SENML_CBOR},
    {"security_psk.senml_cbor.hex", LWM2M_SEC_PSK, LWM2M_V1_2, 0, LWM2M_CF_SENML_CBOR},
    {"server_v1_0.tlv.hex", LWM2M_SEC_NOSEC, LWM2M_V1_0, 1, LWM2M_CF_TLV},
    {"server_v1_1.tlv.hex", LWM2M_SEC_NOSEC, LWM2M_V1_1, 1, LWM2M_CF_TLV},
    {"server_v1_2.tlv.hex", LWM2M_SEC_PSK, LWM2M_V1_2, 1, LWM2M_CF_TLV},
    {"server_v1_1.senml.json", LWM2M_SEC_NOSEC, LWM2M_V1_1, 1, LWM2M_CF_SENML_JSON},
    {"server_v1_2.senml.json", LWM2M_SEC_PSK, LWM2M_V1_2, 1, LWM2M_CF_SENML_JSON},
    {"server_v1_1.senml_cbor.hex", LWM2M_SEC_NOSEC, LWM2M_V1_1, 1, LWM2M_CF_SENML_CBOR},
    {"server_v1_2.senml_cbor.hex", LWM2M_SEC_PSK, LWM2M_V1_2, 1, LWM2M_CF_SENML_CBOR},
};

static int build(const lwm2m_bootstrap_config *c, int object, int cf, lwm2m_bootstrap_write *w,
                 lwm2m_err *err)
{
    return object == 0 ? lwm2m_bootstrap_write_security(c, cf, w, err)
                       : lwm2m_bootstrap_write_server(c, cf, w, err);
}

/* Compares a payload with a golden file: hex files hold bytes, .json files
 * the text (one trailing newline ignored). */
static void check_golden(const char *file, const lwm2m_buf *payload)
{
    size_t n = 0;
    char *text = golden_read(file, &n);
    if (!text) {
        TEST_FAIL_("cannot read golden/%s", file);
        return;
    }
    if (strstr(file, ".hex")) {
        CHECK_HEX(payload->data, payload->len, text);
    } else {
        if (n && text[n - 1] == '\n')
            text[--n] = '\0';
        char *got = strndup((const char *)payload->data, payload->len);
        if (strcmp(got, text) != 0)
            TEST_FAIL_("golden/%s differs:\n    got:      %s\n    expected: %s", file, got, text);
        free(got);
    }
    free(text);
}

TEST(payloads_match_the_golden_files)
{
    for (size_t k = 0; k < sizeof goldens / sizeof goldens[0]; k++) {
        const golden_case *g = &goldens[k];
        lwm2m_bootstrap_config c = golden_config(g->mode, g->version);
        lwm2m_bootstrap_write w;
        lwm2m_err err = {""};
        if (build(&c, g->object, g->cf, &w, &err) != 0) {
            TEST_FAIL_("%s: %s", g->file, err.msg);
        } else {
            check_golden(g->file, &w.payload);
            CHECK_INT(w.content_format, g->cf);
            CHECK_INT(w.path.len, 2);
            CHECK_INT(w.path.id[0], g->object);
            CHECK_INT(w.path.id[1], 1);
        }
        lwm2m_buf_free(&w.payload);
    }
}

TEST(payloads_decode_back_to_the_configured_values)
{
    for (size_t k = 0; k < sizeof goldens / sizeof goldens[0]; k++) {
        const golden_case *g = &goldens[k];
        lwm2m_bootstrap_config c = golden_config(g->mode, g->version);
        lwm2m_bootstrap_write w;
        lwm2m_err err = {""};
        lwm2m_list want = LWM2M_LIST_INIT, got = LWM2M_LIST_INIT;
        CHECK_INT(build(&c, g->object, g->cf, &w, &err), 0);
        CHECK_INT(g->object == 0 ? lwm2m_bootstrap_security_values(&c, &want, &err)
                                 : lwm2m_bootstrap_server_values(&c, &want, &err),
                  0);
        CHECK_INT(
            lwm2m_decode(g->cf, w.payload.data, w.payload.len, &w.path, NULL, NULL, &got, &err), 0);
        if (!lwm2m_list_same(&want, &got))
            TEST_FAIL_("%s does not decode to the configured values", g->file);
        lwm2m_list_free(&want);
        lwm2m_list_free(&got);
        lwm2m_buf_free(&w.payload);
    }
}

TEST(notes_nosec_example_is_valid_tlv_with_the_same_resources)
{
    /* The notes' hand-derived example writes 0, 1, 10, 2; ours writes the
     * same four resources in id order. */
    size_t n = 0;
    char *text = golden_read("notes_nosec_security.tlv.hex", &n);
    CHECK(text != NULL);
    size_t len = 0;
    uint8_t *bytes = text ? hex_parse(text, &len) : NULL;
    CHECK(bytes != NULL);
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    lwm2m_list want = LWM2M_LIST_INIT, got = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(0, 1);
    CHECK_INT(lwm2m_bootstrap_security_values(&c, &want, &err), 0);
    CHECK_INT(tlv_decode(bytes, len, &base, NULL, NULL, &got, &err), 0);
    CHECK(lwm2m_list_same(&want, &got));
    lwm2m_list_free(&want);
    lwm2m_list_free(&got);
    free(bytes);
    free(text);
}

TEST(thesis_server_values_for_a_1_0_client_stop_at_binding)
{
    /* The thesis system's account (lifetime 300, storing off, binding U)
     * without the eight 1.1 resources it appended for every client. */
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.notification_storing = false;
    lwm2m_bootstrap_write w;
    lwm2m_err err;
    CHECK_INT(lwm2m_bootstrap_write_server(&c, LWM2M_CF_TLV, &w, &err), 0);
    CHECK_HEX(w.payload.data, w.payload.len, "C1 00 01  C2 01 01 2C  C1 06 00  C1 07 55");
    lwm2m_buf_free(&w.payload);
}

TEST(no_resource_newer_than_the_client_is_written)
{
    lwm2m_version versions[] = {LWM2M_V1_0, LWM2M_V1_1, LWM2M_V1_2};
    for (int k = 0; k < 3; k++) {
        for (int mode = 0; mode < 2; mode++) {
            lwm2m_bootstrap_config c =
                golden_config(mode ? LWM2M_SEC_PSK : LWM2M_SEC_NOSEC, versions[k]);
            lwm2m_list l = LWM2M_LIST_INIT;
            lwm2m_err err;
            CHECK_INT(lwm2m_bootstrap_security_values(&c, &l, &err), 0);
            CHECK_INT(lwm2m_bootstrap_server_values(&c, &l, &err), 0);
            for (size_t i = 0; i < l.len; i++) {
                const lwm2m_resource_def *d =
                    lwm2m_resource_find(l.items[i].path.id[0], l.items[i].path.id[2]);
                CHECK(d != NULL);
                if (d && d->since > versions[k])
                    TEST_FAIL_("/%u/x/%u (since %d) written to a %d client", l.items[i].path.id[0],
                               d->id, d->since, versions[k]);
                CHECK(d == NULL || d->type == l.items[i].type);
            }
            lwm2m_list_free(&l);
        }
    }
}

TEST(bootstrap_on_registration_failure_follows_the_configuration)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    c.bootstrap_on_registration_failure = false;
    CHECK_INT(lwm2m_bootstrap_server_values(&c, &l, &err), 0);
    CHECK(find3(&l, 1, 1, 16) && !find3(&l, 1, 1, 16)->v.b);
    CHECK(find3(&l, 1, 1, 13) == NULL && find3(&l, 1, 1, 17) == NULL);
    lwm2m_list_free(&l);
}

TEST(mandatory_server_resources_are_all_written)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(lwm2m_bootstrap_server_values(&c, &l, &err), 0);
    const lwm2m_object_def *o = lwm2m_object_find(LWM2M_OBJ_SERVER);
    for (size_t i = 0; i < o->nres; i++)
        if (o->res[i].mandatory && !o->res[i].executable)
            CHECK(find3(&l, 1, 1, o->res[i].id) != NULL);
    lwm2m_list_free(&l);
}

TEST(instance_and_server_ids_come_from_the_configuration)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    c.security_instance = 7;
    c.server_instance = 300;
    c.short_server_id = 4242;
    lwm2m_bootstrap_write w;
    lwm2m_err err;
    CHECK_INT(lwm2m_bootstrap_write_server(&c, LWM2M_CF_SENML_JSON, &w, &err), 0);
    CHECK_INT(w.path.id[1], 300);
    char *json = strndup((char *)w.payload.data, w.payload.len);
    CHECK_CONTAINS(json, "\"bn\":\"/1/300/\",\"n\":\"0\",\"v\":4242");
    free(json);
    lwm2m_buf_free(&w.payload);
    lwm2m_list l = LWM2M_LIST_INIT;
    CHECK_INT(lwm2m_bootstrap_security_values(&c, &l, &err), 0);
    CHECK_INT(find3(&l, 0, 7, 10)->v.i, 4242);
    lwm2m_list_free(&l);
}

TEST(senml_is_refused_for_a_1_0_client)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    lwm2m_bootstrap_write w;
    lwm2m_err err;
    CHECK_INT(lwm2m_bootstrap_write_security(&c, LWM2M_CF_SENML_CBOR, &w, &err), -1);
    CHECK_CONTAINS(err.msg, "only read TLV");
    lwm2m_buf_free(&w.payload);
    CHECK_INT(lwm2m_bootstrap_write_security(&c, LWM2M_CF_LWM2M_JSON, &w, &err), -1);
    CHECK_CONTAINS(err.msg, "not supported");
    lwm2m_buf_free(&w.payload);
}

/* ---- configuration checks, one per rule ---- */

static const char *check_error(lwm2m_bootstrap_config c)
{
    static lwm2m_err err;
    err.msg[0] = '\0';
    return lwm2m_bootstrap_check(&c, &err) == -1 ? err.msg : "(accepted)";
}

TEST(default_configuration_with_a_uri_is_valid)
{
    lwm2m_bootstrap_config c;
    lwm2m_bootstrap_config_init(&c);
    c.server_uri = "coap://[2001:db8::1]:5683";
    CHECK_STR(check_error(c), "(accepted)");
}

TEST(uri_is_required)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    c.server_uri = NULL;
    CHECK_CONTAINS(check_error(c), "server_uri: missing");
    c.server_uri = "";
    CHECK_CONTAINS(check_error(c), "server_uri: missing");
}

TEST(uri_scheme_must_match_the_security_mode)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    c.server_uri = "coaps://10.0.0.1:5684";
    CHECK_CONTAINS(check_error(c), "must start with coap://");
    c = golden_config(LWM2M_SEC_PSK, LWM2M_V1_1);
    c.server_uri = "coap://10.0.0.1:5683";
    CHECK_CONTAINS(check_error(c), "must start with coaps://");
    c.server_uri = "http://10.0.0.1";
    CHECK_CONTAINS(check_error(c), "must start with coaps://");
}

TEST(tcp_schemes_need_a_1_1_client)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.server_uri = "coap+tcp://10.0.0.1:5683";
    CHECK_CONTAINS(check_error(c), "must start with coap://");
    c.version = LWM2M_V1_1;
    CHECK_STR(check_error(c), "(accepted)");
}

TEST(uri_needs_a_host)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.server_uri = "coap://";
    CHECK_CONTAINS(check_error(c), "no host");
    c.server_uri = "coap://:5683";
    CHECK_CONTAINS(check_error(c), "no host");
}

TEST(uri_longer_than_255_bytes_is_refused)
{
    char uri[300];
    memset(uri, 'a', sizeof uri);
    memcpy(uri, "coap://", 7);
    uri[sizeof uri - 1] = '\0';
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.server_uri = uri;
    CHECK_CONTAINS(check_error(c), "longer than 255");
}

TEST(short_server_id_must_be_1_to_65534)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.short_server_id = 0;
    CHECK_CONTAINS(check_error(c), "short_server_id: must be 1..65534, not 0");
    c.short_server_id = 65535;
    CHECK_CONTAINS(check_error(c), "not 65535");
    c.short_server_id = 65534;
    CHECK_STR(check_error(c), "(accepted)");
}

TEST(instance_65535_is_reserved)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.server_instance = 65535;
    CHECK_CONTAINS(check_error(c), "65535 is reserved");
}

TEST(lifetime_must_be_positive)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.lifetime = 0;
    CHECK_CONTAINS(check_error(c), "lifetime");
    c.lifetime = 86400;
    CHECK_STR(check_error(c), "(accepted)");
}

TEST(psk_identity_must_be_1_to_128_bytes)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_PSK, LWM2M_V1_1);
    c.psk_identity = "";
    CHECK_CONTAINS(check_error(c), "psk_identity");
    char id[130];
    memset(id, 'i', 129);
    id[129] = '\0';
    c.psk_identity = id;
    CHECK_CONTAINS(check_error(c), "psk_identity");
    id[128] = '\0';
    CHECK_STR(check_error(c), "(accepted)");
    c.psk_identity = "\xff";
    CHECK_CONTAINS(check_error(c), "psk_identity");
}

TEST(psk_key_must_be_1_to_64_bytes)
{
    uint8_t key[65] = {0};
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_PSK, LWM2M_V1_1);
    c.psk_key = key;
    c.psk_key_len = 0;
    CHECK_CONTAINS(check_error(c), "psk_key");
    c.psk_key_len = 65;
    CHECK_CONTAINS(check_error(c), "psk_key");
    c.psk_key_len = 64;
    CHECK_STR(check_error(c), "(accepted)");
}

TEST(nosec_takes_no_credentials)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    c.psk_key = psk_key;
    c.psk_key_len = 16;
    CHECK_CONTAINS(check_error(c), "NoSec takes no identity or key");
}

TEST(only_nosec_and_psk_are_supported)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_1);
    c.mode = LWM2M_SEC_RPK;
    CHECK_CONTAINS(check_error(c), "only NoSec (3) and PSK (0)");
}

TEST(binding_follows_the_client_version)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.binding = "UQ";
    CHECK_STR(check_error(c), "(accepted)");
    c.binding = "T";
    CHECK_CONTAINS(check_error(c), "not a LwM2M 1.0 binding");
    c.version = LWM2M_V1_1;
    CHECK_STR(check_error(c), "(accepted)");
    c.binding = "UT";
    CHECK_STR(check_error(c), "(accepted)");
    c.binding = "UQ";
    CHECK_CONTAINS(check_error(c), "distinct letters of U, T, S, N");
    c.binding = "UU";
    CHECK_CONTAINS(check_error(c), "distinct letters");
    c.binding = "";
    CHECK_CONTAINS(check_error(c), "binding: missing");
}

TEST(version_must_be_known)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.version = (lwm2m_version)13;
    CHECK_CONTAINS(check_error(c), "version");
}

TEST(invalid_configuration_builds_no_payload)
{
    lwm2m_bootstrap_config c = golden_config(LWM2M_SEC_NOSEC, LWM2M_V1_0);
    c.short_server_id = 0;
    lwm2m_bootstrap_write w;
    lwm2m_err err;
    CHECK_INT(lwm2m_bootstrap_write_security(&c, LWM2M_CF_TLV, &w, &err), -1);
    CHECK_INT(w.payload.len, 0);
    lwm2m_buf_free(&w.payload);
}

/* ---- content format choice ---- */

TEST(format_defaults_to_tlv_without_pct)
{
    CHECK_INT(lwm2m_format_choose(0, -1, LWM2M_V1_0), LWM2M_CF_TLV);
    CHECK_INT(lwm2m_format_choose(0, -1, LWM2M_V1_2), LWM2M_CF_TLV);
}

TEST(format_honours_the_clients_pct)
{
    CHECK_INT(lwm2m_format_choose(0, 110, LWM2M_V1_1), LWM2M_CF_SENML_JSON);
    CHECK_INT(lwm2m_format_choose(0, 112, LWM2M_V1_2), LWM2M_CF_SENML_CBOR);
    CHECK_INT(lwm2m_format_choose(0, 11542, LWM2M_V1_1), LWM2M_CF_TLV);
}

TEST(format_configured_wins_over_pct)
{
    CHECK_INT(lwm2m_format_choose(LWM2M_CF_TLV, 112, LWM2M_V1_1), LWM2M_CF_TLV);
}

TEST(format_we_cannot_write_is_reported)
{
    CHECK_INT(lwm2m_format_choose(0, 11543, LWM2M_V1_1), -1);
    CHECK_INT(lwm2m_format_choose(0, 11544, LWM2M_V1_2), -1);
    CHECK_INT(lwm2m_format_choose(0, 70000, LWM2M_V1_2), -1);
    CHECK_INT(lwm2m_format_choose(LWM2M_CF_SENML_CBOR, -1, LWM2M_V1_0), -1);
}

TEST_MAIN()
