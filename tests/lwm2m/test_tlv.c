/* test_tlv.c -- the TLV codec against the LwM2M specification's examples,
 * its encoding rules (widths, identifiers, length fields, nesting) and every
 * class of malformed input the decoder must reject. */
#include "test.h"

#include "lwm2m_test_util.h"
#include "tlv.h"

/* LwM2M TS 1.0 §6.4.3.1 / Core 1.1 §7.4.3: Read /3/0, single object
 * instance, all readable resources of the Device object. */
static const char device_3_0[] =
    "C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65\n"
    "C8 01 16 4C 69 67 68 74 77 65 69 67 68 74 20 4D 32 4D 20 43 6C 69 65 6E 74\n"
    "C8 02 09 33 34 35 30 30 30 31 32 33\n"
    "C3 03 31 2E 30\n"
    "86 06 41 00 01 41 01 05\n"
    "88 07 08 42 00 0E D8 42 01 13 88\n"
    "87 08 41 00 7D 42 01 03 84\n"
    "C1 09 64\n"
    "C1 0A 0F\n"
    "83 0B 41 00 00\n"
    "C4 0D 51 82 42 8F\n"
    "C6 0E 2B 30 32 3A 30 30\n"
    "C1 10 55\n";

/* TS 1.0 §6.4.3.2: Read /2, two Access Control object instances; the second
 * has an ACL resource instance with a 16-bit identifier (310). */
static const char acl_2[] = "08 00 0E C1 00 01 C1 01 00 83 02 41 7F 07 C1 03 7F\n"
                            "08 02 12 C1 00 03 C1 01 00 87 02 41 7F 07 61 01 36 01 C1 03 7F\n";

/* TS 1.0 §6.4.3.2: Read /1, one Server object instance (lifetime 86400 needs
 * four bytes as a signed integer). */
static const char server_1[] = "08 00 0F C1 00 01 C4 01 00 01 51 80 C1 06 01 C1 07 55";

static int decode_hex(const char *hex, lwm2m_path base, lwm2m_list *out, lwm2m_err *err)
{
    size_t n = 0;
    uint8_t *b = hex_parse(hex, &n);
    int rc = b ? tlv_decode(b, n, &base, NULL, NULL, out, err) : -2;
    free(b);
    return rc;
}

/* Decode must fail; returns the error message for CHECK_CONTAINS. */
static const char *reject(const char *hex, lwm2m_path base)
{
    static lwm2m_err err;
    lwm2m_list l = LWM2M_LIST_INIT;
    err.msg[0] = '\0';
    int rc = decode_hex(hex, base, &l, &err);
    size_t n = l.len;
    lwm2m_list_free(&l);
    if (rc != -1 || n != 0)
        return "(accepted)";
    return err.msg;
}

TEST(decodes_device_object_instance_from_spec)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex(device_3_0, P2(3, 0), &l, &err), 0);
    CHECK_INT(l.len, 16);
    CHECK_STR(vstr(find3(&l, 3, 0, 0)), "Open Mobile Alliance");
    CHECK_INT(find3(&l, 3, 0, 0)->type, LWM2M_TYPE_STRING);
    CHECK_STR(vstr(find3(&l, 3, 0, 1)), "Lightweight M2M Client");
    CHECK_STR(vstr(find3(&l, 3, 0, 2)), "345000123");
    CHECK_STR(vstr(find3(&l, 3, 0, 3)), "1.0");
    CHECK_INT(find4(&l, 3, 0, 6, 0)->v.i, 1);
    CHECK_INT(find4(&l, 3, 0, 6, 1)->v.i, 5);
    CHECK_INT(find4(&l, 3, 0, 7, 0)->v.i, 3800);
    CHECK_INT(find4(&l, 3, 0, 7, 1)->v.i, 5000);
    CHECK_INT(find4(&l, 3, 0, 8, 0)->v.i, 125);
    CHECK_INT(find4(&l, 3, 0, 8, 1)->v.i, 900);
    CHECK_INT(find3(&l, 3, 0, 9)->v.i, 100);
    CHECK_INT(find3(&l, 3, 0, 10)->v.i, 15);
    CHECK_INT(find4(&l, 3, 0, 11, 0)->v.i, 0);
    CHECK_INT(find3(&l, 3, 0, 13)->type, LWM2M_TYPE_TIME);
    CHECK_INT(find3(&l, 3, 0, 13)->v.i, 1367491215);
    CHECK_STR(vstr(find3(&l, 3, 0, 14)), "+02:00");
    CHECK_STR(vstr(find3(&l, 3, 0, 16)), "U");
    lwm2m_list_free(&l);
}

TEST(reencodes_device_object_instance_byte_for_byte)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(3, 0);
    CHECK_INT(decode_hex(device_3_0, base, &l, &err), 0);
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, device_3_0);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(decodes_object_payload_wrapped_in_object_instance)
{
    /* Read /3: the same resources inside object instance 0 (length 0x79). */
    size_t n = 0;
    uint8_t *inner = hex_parse(device_3_0, &n);
    CHECK_INT(n, 0x79);
    uint8_t *wrapped = malloc(n + 3);
    memcpy(wrapped, "\x08\x00\x79", 3);
    memcpy(wrapped + 3, inner, n);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_path base = P1(3);
    CHECK_INT(tlv_decode(wrapped, n + 3, &base, NULL, NULL, &l, &err), 0);
    CHECK_INT(l.len, 16);
    CHECK_STR(vstr(find3(&l, 3, 0, 0)), "Open Mobile Alliance");
    lwm2m_buf b = LWM2M_BUF_INIT;
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK(b.len == n + 3 && memcmp(b.data, wrapped, n + 3) == 0);
    lwm2m_buf_free(&b);
    lwm2m_list_free(&l);
    free(inner);
    free(wrapped);
}

TEST(decodes_access_control_instances_from_spec)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex(acl_2, P1(2), &l, &err), 0);
    CHECK_INT(l.len, 9);
    CHECK_INT(find3(&l, 2, 0, 0)->v.i, 1);
    CHECK_INT(find3(&l, 2, 0, 1)->v.i, 0);
    CHECK_INT(find4(&l, 2, 0, 2, 127)->v.i, 7);
    CHECK_INT(find3(&l, 2, 0, 3)->v.i, 127);
    CHECK_INT(find3(&l, 2, 2, 0)->v.i, 3);
    CHECK_INT(find4(&l, 2, 2, 2, 127)->v.i, 7);
    CHECK_INT(find4(&l, 2, 2, 2, 310)->v.i, 1);
    CHECK_INT(find3(&l, 2, 2, 3)->v.i, 127);
    lwm2m_list_free(&l);
}

TEST(reencodes_access_control_instances_byte_for_byte)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P1(2);
    CHECK_INT(decode_hex(acl_2, base, &l, &err), 0);
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, acl_2);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(server_instance_from_spec_round_trips)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P1(1);
    CHECK_INT(decode_hex(server_1, base, &l, &err), 0);
    CHECK_INT(find3(&l, 1, 0, 0)->v.i, 1);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 86400);
    CHECK_INT(find3(&l, 1, 0, 6)->type, LWM2M_TYPE_BOOLEAN);
    CHECK(find3(&l, 1, 0, 6)->v.b);
    CHECK_STR(vstr(find3(&l, 1, 0, 7)), "U");
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, server_1);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

/* Encodes one value on /O/I and returns its bytes as hex for comparison. */
static void check_encoded(const lwm2m_value *v, const char *hex)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err = {""};
    lwm2m_path base = P2(v->path.id[0], v->path.id[1]);
    lwm2m_list_add(&l, v);
    if (tlv_encode(&l, &base, &b, &err) != 0)
        TEST_FAIL_("encode failed: %s", err.msg);
    else
        CHECK_HEX(b.data, b.len, hex);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

static lwm2m_value ival(int64_t x)
{
    lwm2m_value v = {P3(1, 0, 1), LWM2M_TYPE_INTEGER, {.i = x}};
    return v;
}

TEST(integers_use_the_smallest_signed_width)
{
    lwm2m_value v;
    v = ival(0), check_encoded(&v, "C1 01 00");
    v = ival(127), check_encoded(&v, "C1 01 7F");
    v = ival(128), check_encoded(&v, "C2 01 00 80");
    v = ival(-128), check_encoded(&v, "C1 01 80");
    v = ival(-129), check_encoded(&v, "C2 01 FF 7F");
    v = ival(300), check_encoded(&v, "C2 01 01 2C");
    v = ival(32768), check_encoded(&v, "C4 01 00 00 80 00");
    v = ival(2147483648LL), check_encoded(&v, "C8 01 08 00 00 00 00 80 00 00 00");
    v = ival(INT64_MIN), check_encoded(&v, "C8 01 08 80 00 00 00 00 00 00 00");
}

TEST(negative_integers_decode_with_sign_extension)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("C1 01 FF C2 02 FF 7F C4 03 80 00 00 00", P2(1, 0), &l, &err), 0);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, -1);
    CHECK_INT(find3(&l, 1, 0, 2)->v.i, -129);
    CHECK_INT(find3(&l, 1, 0, 3)->v.i, INT32_MIN);
    lwm2m_list_free(&l);
}

TEST(unsigned_integers_use_the_smallest_unsigned_width)
{
    lwm2m_value v = {P3(1, 0, 13), LWM2M_TYPE_UNSIGNED, {.u = 200}};
    check_encoded(&v, "C1 0D C8");
    v.v.u = 256, check_encoded(&v, "C2 0D 01 00");
    v.v.u = UINT64_MAX, check_encoded(&v, "C8 0D 08 FF FF FF FF FF FF FF FF");
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("C8 0D 08 FF FF FF FF FF FF FF FF", P2(1, 0), &l, &err), 0);
    CHECK_INT(find3(&l, 1, 0, 13)->type, LWM2M_TYPE_UNSIGNED);
    CHECK(find3(&l, 1, 0, 13)->v.u == UINT64_MAX);
    lwm2m_list_free(&l);
}

static lwm2m_type float_type(const lwm2m_path *p, void *ctx)
{
    (void)p, (void)ctx;
    return LWM2M_TYPE_FLOAT;
}

TEST(floats_use_four_bytes_when_exact_else_eight)
{
    lwm2m_value v = {P3(5, 0, 1), LWM2M_TYPE_FLOAT, {.f = 1.5}};
    check_encoded(&v, "C4 01 3F C0 00 00");
    v.v.f = 0.1, check_encoded(&v, "C8 01 08 3F B9 99 99 99 99 99 9A");
    size_t n = 0;
    uint8_t *b = hex_parse("C4 01 3F C0 00 00 C8 02 08 3F B9 99 99 99 99 99 9A", &n);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(5, 0);
    CHECK_INT(tlv_decode(b, n, &base, float_type, NULL, &l, &err), 0);
    CHECK(find3(&l, 5, 0, 1)->v.f == 1.5);
    CHECK(find3(&l, 5, 0, 2)->v.f == 0.1);
    lwm2m_list_free(&l);
    free(b);
}

TEST(booleans_objlnks_and_opaque_values_encode_raw)
{
    lwm2m_value v = {P3(1, 0, 6), LWM2M_TYPE_BOOLEAN, {.b = true}};
    check_encoded(&v, "C1 06 01");
    v = (lwm2m_value){P3(0, 0, 17), LWM2M_TYPE_OBJLNK, {.lnk = {21, 300}}};
    check_encoded(&v, "C4 11 00 15 01 2C");
    uint8_t key[3] = {0x00, 0xFF, 0x10};
    v = (lwm2m_value){P3(0, 0, 5), LWM2M_TYPE_OPAQUE, {.bytes = {key, 3}}};
    check_encoded(&v, "C3 05 00 FF 10");
}

TEST(identifiers_above_255_use_sixteen_bits)
{
    lwm2m_value v = {P3(3303, 0, 5700), LWM2M_TYPE_INTEGER, {.i = 1}};
    check_encoded(&v, "E1 16 44 01");
}

TEST(length_field_grows_with_the_value)
{
    char s[70000];
    memset(s, 'a', sizeof s);
    lwm2m_value v = {P3(1, 0, 7), LWM2M_TYPE_STRING, {.bytes = {(uint8_t *)s, 7}}};
    check_encoded(&v, "C7 07 61 61 61 61 61 61 61");
    v.v.bytes.len = 8;
    check_encoded(&v, "C8 07 08 61 61 61 61 61 61 61 61");
    size_t sizes[] = {255, 256, 65535, 65536};
    uint8_t expect[][5] = {{0xC8, 0x07, 0xFF},
                           {0xD0, 0x07, 0x01, 0x00},
                           {0xD0, 0x07, 0xFF, 0xFF},
                           {0xD8, 0x07, 0x01, 0x00, 0x00}};
    size_t hlen[] = {3, 4, 4, 5};
    for (int k = 0; k < 4; k++) {
        lwm2m_list l = LWM2M_LIST_INIT;
        lwm2m_buf b = LWM2M_BUF_INIT;
        lwm2m_err err;
        lwm2m_path base = P2(1, 0);
        v.v.bytes.len = sizes[k];
        lwm2m_list_add(&l, &v);
        CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
        CHECK_INT(b.len, hlen[k] + sizes[k]);
        CHECK(b.len >= hlen[k] && memcmp(b.data, expect[k], hlen[k]) == 0);
        lwm2m_list back = LWM2M_LIST_INIT;
        CHECK_INT(tlv_decode(b.data, b.len, &base, NULL, NULL, &back, &err), 0);
        CHECK(lwm2m_list_same(&l, &back));
        lwm2m_list_free(&back);
        lwm2m_list_free(&l);
        lwm2m_buf_free(&b);
    }
}

TEST(empty_instance_and_empty_multiple_resource_round_trip)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P1(0);
    lwm2m_list_add_none(&l, P2(0, 4));
    lwm2m_list_add_none(&l, P3(0, 5, 16));
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, "00 04   02 05 80 10");
    lwm2m_list back = LWM2M_LIST_INIT;
    CHECK_INT(tlv_decode(b.data, b.len, &base, NULL, NULL, &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(instances_and_resources_are_grouped_in_order_of_first_appearance)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P1(2);
    lwm2m_list_add_int(&l, P4(2, 1, 2, 1), 7);
    lwm2m_list_add_int(&l, P3(2, 0, 0), 1);
    lwm2m_list_add_int(&l, P4(2, 1, 2, 2), 8);
    lwm2m_list_add_int(&l, P3(2, 1, 0), 2);
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len,
              "08 01 0B  86 02 41 01 07 41 02 08  C1 00 02"
              "03 00  C1 00 01");
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(resource_write_payload_is_one_resource_entry)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P3(1, 0, 1);
    lwm2m_list_add_int(&l, base, 300);
    CHECK_INT(tlv_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, "C2 01 01 2C");
    lwm2m_list back = LWM2M_LIST_INIT;
    CHECK_INT(tlv_decode(b.data, b.len, &base, NULL, NULL, &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(resource_instance_payloads_decode_below_a_resource_path)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("41 00 01 41 01 05", P3(3, 0, 6), &l, &err), 0);
    CHECK_INT(find4(&l, 3, 0, 6, 1)->v.i, 5);
    CHECK_INT(decode_hex("41 07 09", P4(3, 0, 6, 7), &l, &err), 0);
    CHECK_INT(find4(&l, 3, 0, 6, 7)->v.i, 9);
    lwm2m_list_free(&l);
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_list one = LWM2M_LIST_INIT;
    lwm2m_path base = P4(3, 0, 6, 7);
    lwm2m_list_add_int(&one, base, 9);
    CHECK_INT(tlv_encode(&one, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, "41 07 09");
    lwm2m_list_free(&one);
    lwm2m_buf_free(&b);
}

TEST(unknown_resources_are_kept_as_opaque_bytes)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("C3 63 01 02 03", P2(9999, 0), &l, &err), 0);
    CHECK_INT(l.len, 1);
    CHECK_INT(find3(&l, 9999, 0, 99)->type, LWM2M_TYPE_OPAQUE);
    CHECK_INT(find3(&l, 9999, 0, 99)->v.bytes.len, 3);
    lwm2m_list_free(&l);
}

TEST(empty_payload_decodes_to_no_values)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(
        tlv_decode((const uint8_t *)"", 0, &(lwm2m_path){{0, 1, 0, 0}, 2}, NULL, NULL, &l, &err),
        0);
    CHECK_INT(l.len, 0);
}

/* ---- encoder errors ---- */

static const char *encode_error(lwm2m_list *l, lwm2m_path base)
{
    static lwm2m_err err;
    lwm2m_buf b = LWM2M_BUF_INIT;
    int rc = tlv_encode(l, &base, &b, &err);
    size_t n = b.len;
    lwm2m_buf_free(&b);
    lwm2m_list_free(l);
    return rc == -1 && n == 0 ? err.msg : "(accepted)";
}

TEST(encoder_rejects_values_outside_the_request_path)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 0), 1);
    CHECK_CONTAINS(encode_error(&l, P2(0, 0)), "not below the request path");
}

TEST(encoder_rejects_duplicate_paths)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 0), 1);
    lwm2m_list_add_int(&l, P3(1, 0, 0), 2);
    CHECK_CONTAINS(encode_error(&l, P2(1, 0)), "appears twice");
}

TEST(encoder_rejects_resource_with_value_and_instances)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 0), 1);
    lwm2m_list_add_int(&l, P4(1, 0, 0, 1), 2);
    CHECK_CONTAINS(encode_error(&l, P2(1, 0)), "both a value and resource instances");
}

TEST(encoder_needs_an_object_in_the_request_path)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 0), 1);
    CHECK_CONTAINS(encode_error(&l, lwm2m_path_make(0, 0, 0, 0, 0)), "at least an object");
}

/* ---- malformed input, one test per class ---- */

TEST(rejects_truncated_identifier)
{
    CHECK_CONTAINS(reject("C8", P2(1, 0)), "truncated entry header at offset 0");
    CHECK_CONTAINS(reject("C1 00 01 E1 01", P2(1, 0)), "truncated entry header at offset 3");
}

TEST(rejects_truncated_length_field)
{
    CHECK_CONTAINS(reject("C8 00", P2(1, 0)), "truncated");
    CHECK_CONTAINS(reject("D8 00 01 00", P2(1, 0)), "truncated");
}

TEST(rejects_value_running_past_the_end)
{
    CHECK_CONTAINS(reject("C8 00 05 41 42", P2(1, 0)), "has length 5 but only 2 bytes remain");
    CHECK_CONTAINS(reject("C3 07 55", P2(1, 0)), "has length 3 but only 1 bytes remain");
}

TEST(rejects_child_running_past_its_parent)
{
    /* The instance claims 2 bytes; its resource needs more, which exist
     * after the instance but must not be read as part of it. */
    CHECK_CONTAINS(reject("08 00 02 C8 01 05 41 42 43 44 45", P1(1)), "truncated");
    CHECK_CONTAINS(reject("08 00 03 C2 07 55 55", P1(1)), "only 1 bytes remain");
    CHECK_CONTAINS(reject("85 06 41 00 01 41 01 05", P2(3, 0)), "only 0 bytes remain");
}

TEST(rejects_entries_of_the_wrong_kind_for_their_place)
{
    CHECK_CONTAINS(reject("C1 00 01", P1(1)), "unexpected resource 0 at the top of an object");
    CHECK_CONTAINS(reject("41 00 01", P2(1, 0)), "unexpected resource instance 0 where a resource");
    CHECK_CONTAINS(reject("08 00 03 08 01 00", P1(1)),
                   "unexpected object instance 1 where a resource");
    CHECK_CONTAINS(reject("83 06 C1 00 01", P2(3, 0)), "inside a multiple resource");
    CHECK_CONTAINS(reject("00 00", P3(1, 0, 0)), "in a resource payload");
    CHECK_CONTAINS(reject("C1 00 01", P4(3, 0, 6, 0)), "in a resource instance payload");
}

TEST(rejects_identifiers_that_contradict_the_request_path)
{
    CHECK_CONTAINS(reject("C1 01 01", P3(1, 0, 0)), "does not match the request path");
    CHECK_CONTAINS(reject("08 01 03 C1 00 01", P2(1, 0)), "does not match the request path");
    CHECK_CONTAINS(reject("41 01 05", P4(3, 0, 6, 0)), "does not match the request path");
}

TEST(rejects_repeated_siblings)
{
    /* Found by the fuzzer: instance 0 given twice (once empty). */
    CHECK_CONTAINS(reject("03 00 C1 00 01   00 00", P1(1)), "object instance 0 appears twice");
    CHECK_CONTAINS(reject("00 00   03 00 C1 00 01", P1(1)), "object instance 0 appears twice");
    CHECK_CONTAINS(reject("C1 00 01 C1 00 02", P2(1, 0)), "resource 0 appears twice");
    CHECK_CONTAINS(reject("80 06 C1 06 01", P2(1, 0)), "resource 6 appears twice");
    CHECK_CONTAINS(reject("86 06 41 00 01 41 00 05", P2(3, 0)),
                   "resource instance 0 appears twice");
    CHECK_CONTAINS(reject("41 01 05 41 01 06", P3(3, 0, 6)), "resource instance 1 appears twice");
    CHECK_CONTAINS(reject("41 01 05 83 06 41 02 01", P3(3, 0, 6)),
                   "multiple resource 6 appears twice");
    CHECK_CONTAINS(reject("C1 06 05 41 02 01", P3(3, 0, 6)), "resource instance 2 appears twice");
    CHECK_CONTAINS(reject("41 01 05 41 01 05", P4(3, 0, 6, 1)), "appears twice");
    CHECK_CONTAINS(reject("00 00 C1 00 01", P2(1, 0)), "resource 0 appears twice");
    CHECK_CONTAINS(reject("C1 00 01 03 00 C1 01 01", P2(1, 0)), "object instance 0 appears twice");
}

TEST(rejects_reserved_identifier_65535)
{
    CHECK_CONTAINS(reject("E1 FF FF 01", P2(9999, 0)), "65535");
}

TEST(rejects_integers_of_odd_widths)
{
    CHECK_CONTAINS(reject("C3 00 00 00 01", P2(1, 0)), "must be 1, 2, 4 or 8");
    CHECK_CONTAINS(reject("C0 01", P2(1, 0)), "is 0 bytes long");
    CHECK_CONTAINS(reject("C5 0D 00 00 00 00 01", P2(3, 0)), "time of /3/0/13 is 5 bytes");
}

TEST(rejects_floats_that_are_not_four_or_eight_bytes)
{
    size_t n = 0;
    uint8_t *b = hex_parse("C2 01 3F C0", &n);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(5, 0);
    CHECK_INT(tlv_decode(b, n, &base, float_type, NULL, &l, &err), -1);
    CHECK_CONTAINS(err.msg, "must be 4 or 8");
    free(b);
}

TEST(rejects_booleans_other_than_one_byte_zero_or_one)
{
    CHECK_CONTAINS(reject("C1 06 02", P2(1, 0)), "boolean /1/0/6");
    CHECK_CONTAINS(reject("C2 06 00 01", P2(1, 0)), "boolean /1/0/6");
}

TEST(rejects_objlnk_not_four_bytes)
{
    CHECK_CONTAINS(reject("C3 11 00 15 00", P2(0, 0)), "objlnk /0/0/17 is 3 bytes");
}

TEST(rejects_strings_that_are_not_utf8)
{
    CHECK_CONTAINS(reject("C2 07 C3 28", P2(1, 0)), "not valid UTF-8");
    CHECK_CONTAINS(reject("C2 07 C0 80", P2(1, 0)), "not valid UTF-8");    /* overlong NUL */
    CHECK_CONTAINS(reject("C3 07 ED A0 80", P2(1, 0)), "not valid UTF-8"); /* surrogate */
}

TEST(rejects_request_path_without_object)
{
    CHECK_CONTAINS(reject("C1 00 01", lwm2m_path_make(0, 0, 0, 0, 0)), "at least an object");
}

TEST(failed_decode_leaves_the_list_as_it_was)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_list_add_int(&l, P3(9, 9, 9), 1);
    CHECK_INT(decode_hex("C1 00 01 C7 07 41", P2(1, 0), &l, &err), -1);
    CHECK_INT(l.len, 1);
    lwm2m_list_free(&l);
}

TEST_MAIN()
