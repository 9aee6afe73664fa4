/* test_senml_cbor.c -- the SenML CBOR codec: the LwM2M specification's
 * example, every value type, indefinite lengths, and every class of input
 * the decoder must refuse (malformed CBOR as well as malformed SenML). */
#include "test.h"

#include "lwm2m_test_util.h"
#include "senml_cbor.h"

/* LwM2M Core 1.1.1 §7.4.5 (p. 86): the Device object /3/0 in SenML CBOR. */
static const char device_3_0[] =
    "90"
    "a3 21 65 2f 33 2f 30 2f 00 61 30 03 74 4f 70 65 6e 20 4d 6f 62 69 6c 65 20 41 6c 6c 69 61 6e "
    "63 65"
    "a2 00 61 31 03 76 4c 69 67 68 74 77 65 69 67 68 74 20 4d 32 4d 20 43 6c 69 65 6e 74"
    "a2 00 61 32 03 69 33 34 35 30 30 30 31 32 33"
    "a2 00 61 33 03 63 31 2e 30"
    "a2 00 63 36 2f 30 02 01"
    "a2 00 63 36 2f 31 02 05"
    "a2 00 63 37 2f 30 02 19 0e d8"
    "a2 00 63 37 2f 31 02 19 13 88"
    "a2 00 63 38 2f 30 02 18 7d"
    "a2 00 63 38 2f 31 02 19 03 84"
    "a2 00 61 39 02 18 64"
    "a2 00 62 31 30 02 0f"
    "a2 00 64 31 31 2f 30 02 00"
    "a2 00 62 31 33 02 1a 51 82 42 8f"
    "a2 00 62 31 34 03 66 2b 30 32 3a 30 30"
    "a2 00 62 31 36 03 61 55";

static lwm2m_type test_types(const lwm2m_path *p, void *ctx)
{
    (void)ctx;
    if (p->id[0] == 5)
        return LWM2M_TYPE_FLOAT;
    return lwm2m_builtin_type(p, NULL);
}

static int decode_bytes(const uint8_t *b, size_t n, lwm2m_path base, lwm2m_list *out,
                        lwm2m_err *err)
{
    return senml_cbor_decode(b, n, &base, test_types, NULL, out, err);
}

static int decode_hex(const char *hex, lwm2m_path base, lwm2m_list *out, lwm2m_err *err)
{
    size_t n = 0;
    uint8_t *b = hex_parse(hex, &n);
    int rc = b ? decode_bytes(b, n, base, out, err) : -2;
    free(b);
    return rc;
}

static const char *reject(const char *hex, lwm2m_path base)
{
    static lwm2m_err err;
    lwm2m_list l = LWM2M_LIST_INIT;
    err.msg[0] = '\0';
    int rc = decode_hex(hex, base, &l, &err);
    size_t n = l.len;
    lwm2m_list_free(&l);
    return rc == -1 && n == 0 ? err.msg : "(accepted)";
}

/* Encodes and decodes back on base; checks the values are the same. */
static void check_round_trip(const lwm2m_list *l, lwm2m_path base)
{
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err = {""};
    lwm2m_list back = LWM2M_LIST_INIT;
    CHECK_INT(senml_cbor_encode(l, &base, &b, &err), 0);
    CHECK_INT(decode_bytes(b.data, b.len, base, &back, &err), 0);
    if (!lwm2m_list_same(l, &back))
        TEST_FAIL_("round trip changed the values (%s)", err.msg);
    lwm2m_list_free(&back);
    lwm2m_buf_free(&b);
}

TEST(decodes_device_example_from_spec)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex(device_3_0, P2(3, 0), &l, &err), 0);
    CHECK_INT(l.len, 16);
    CHECK_STR(vstr(find3(&l, 3, 0, 0)), "Open Mobile Alliance");
    CHECK_STR(vstr(find3(&l, 3, 0, 1)), "Lightweight M2M Client");
    CHECK_INT(find4(&l, 3, 0, 7, 1)->v.i, 5000);
    CHECK_INT(find4(&l, 3, 0, 8, 0)->v.i, 125);
    CHECK_INT(find3(&l, 3, 0, 13)->type, LWM2M_TYPE_TIME);
    CHECK_INT(find3(&l, 3, 0, 13)->v.i, 1367491215);
    CHECK_STR(vstr(find3(&l, 3, 0, 14)), "+02:00");
    lwm2m_list_free(&l);
}

TEST(reencodes_device_example_byte_for_byte)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(3, 0);
    CHECK_INT(decode_hex(device_3_0, base, &l, &err), 0);
    CHECK_INT(senml_cbor_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, device_3_0);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(every_value_type_round_trips)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    uint8_t key[] = {0x00, 0xFF, 0x10};
    lwm2m_list_add_string(&l, P3(0, 1, 0), "coaps://h:5684", 14);
    lwm2m_list_add_bool(&l, P3(0, 1, 1), true);
    lwm2m_list_add_int(&l, P3(0, 1, 2), 0);
    lwm2m_list_add_opaque(&l, P3(0, 1, 5), key, sizeof key);
    lwm2m_list_add_opaque(&l, P3(0, 1, 4), "", 0);
    lwm2m_list_add_int(&l, P3(0, 1, 10), INT64_MIN);
    lwm2m_list_add_int(&l, P3(0, 1, 11), INT64_MAX);
    lwm2m_list_add_uint(&l, P3(0, 1, 13), UINT64_MAX);
    lwm2m_list_add_uint(&l, P4(0, 1, 16, 3), 49320);
    lwm2m_list_add_objlnk(&l, P3(0, 1, 17), 65535, 65535);
    lwm2m_list_add_none(&l, P3(0, 1, 18));
    check_round_trip(&l, P2(0, 1));
    lwm2m_list_free(&l);
}

TEST(floats_use_four_bytes_when_exact_else_eight)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P3(5, 0, 1);
    lwm2m_list_add_float(&l, base, 1.5);
    CHECK_INT(senml_cbor_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, "81 a3 21 65 2f 35 2f 30 2f 00 61 31 02 fa 3f c0 00 00");
    l.items[0].v.f = 0.1;
    b.len = 0;
    CHECK_INT(senml_cbor_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len, "81 a3 21 65 2f 35 2f 30 2f 00 61 31 02 fb 3f b9 99 99 99 99 99 9a");
    check_round_trip(&l, base);
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(half_precision_floats_decode)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("81 a2 00 66 2f 35 2f 30 2f 31 02 f9 3e 00", P2(5, 0), &l, &err), 0);
    CHECK(find3(&l, 5, 0, 1)->v.f == 1.5);
    lwm2m_list_free(&l);
}

TEST(opaque_is_a_byte_string_and_objlnk_uses_the_vlo_label)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    lwm2m_path base = P2(0, 1);
    lwm2m_list_add_opaque(&l, P3(0, 1, 5), "\x01\x02", 2);
    lwm2m_list_add_objlnk(&l, P3(0, 1, 17), 21, 0);
    CHECK_INT(senml_cbor_encode(&l, &base, &b, &err), 0);
    CHECK_HEX(b.data, b.len,
              "82 a3 21 65 2f 30 2f 31 2f 00 61 35 08 42 01 02"
              "   a2 00 62 31 37 63 76 6c 6f 64 32 31 3a 30");
    lwm2m_list_free(&l);
    lwm2m_buf_free(&b);
}

TEST(indefinite_lengths_are_accepted)
{
    /* Indefinite array, map and chunked text string, as streaming encoders
     * (Jackson in Leshan) may write them. */
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("9f bf 21 65 2f 33 2f 30 2f 00 61 30 03 7f 62 61 62 61 63 ff ff ff",
                         P2(3, 0), &l, &err),
              0);
    CHECK_STR(vstr(find3(&l, 3, 0, 0)), "abc");
    lwm2m_list_free(&l);
}

TEST(negative_integers_decode)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("82 a2 00 66 2f 31 2f 30 2f 32 02 20"
                         "   a2 00 66 2f 31 2f 30 2f 33 02 3b 7f ff ff ff ff ff ff ff",
                         P2(1, 0), &l, &err),
              0);
    CHECK_INT(find3(&l, 1, 0, 2)->v.i, -1);
    CHECK(find3(&l, 1, 0, 3)->v.i == INT64_MIN);
    lwm2m_list_free(&l);
}

TEST(text_labels_and_unassigned_labels_are_ignored)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode_hex("81 a4 00 66 2f 31 2f 30 2f 31 02 18 3c 63 65 78 74 01 18 63 01", P2(1, 0),
                         &l, &err),
              0);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 60);
    lwm2m_list_free(&l);
}

/* ---- malformed CBOR ---- */

TEST(rejects_truncated_items)
{
    CHECK_CONTAINS(reject("82 a2 00 61 30", P2(3, 0)), "truncated");
    CHECK_CONTAINS(reject("81 a2 00 65 2f 33", P2(3, 0)), "truncated");
    CHECK_CONTAINS(reject("81 a1 00 19 01", P2(3, 0)), "truncated");
    CHECK_CONTAINS(reject("", P2(3, 0)), "truncated");
}

TEST(rejects_trailing_bytes)
{
    CHECK_CONTAINS(reject("80 00", P2(3, 0)), "1 bytes after the end");
}

TEST(rejects_declared_lengths_the_payload_cannot_hold)
{
    /* 2^32 elements announced in 9 bytes: refused before any allocation. */
    CHECK_CONTAINS(reject("9b 00 00 00 01 00 00 00 00", P2(3, 0)), "truncated or overlong");
    CHECK_CONTAINS(reject("81 bb 00 00 00 00 10 00 00 00", P2(3, 0)), "truncated or overlong");
    CHECK_CONTAINS(reject("81 a1 00 7b ff ff ff ff ff ff ff ff", P2(3, 0)),
                   "truncated or overlong");
}

TEST(rejects_deep_nesting)
{
    CHECK_CONTAINS(reject("81 81 81 81 81 81 81 81 81 81 81 81 80", P2(3, 0)), "nested deeper");
}

TEST(rejects_reserved_and_invalid_encodings)
{
    CHECK_CONTAINS(reject("1c", P2(3, 0)), "reserved additional information");
    CHECK_CONTAINS(reject("9f 1f ff", P2(3, 0)), "invalid indefinite length");
    CHECK_CONTAINS(reject("ff", P2(3, 0)), "unexpected break");
    /* A chunk of another major type inside an indefinite text string. */
    CHECK_CONTAINS(reject("81 a2 00 7f 41 30 ff 02 01", P2(3, 0)), "malformed CBOR");
}

TEST(rejects_tags)
{
    CHECK_CONTAINS(reject("81 a2 00 61 30 02 c1 1a 51 82 42 8f", P2(3, 0)), "tags are not allowed");
}

/* ---- malformed SenML ---- */

TEST(rejects_payload_that_is_not_an_array_of_maps)
{
    CHECK_CONTAINS(reject("a0", P2(3, 0)), "must be an array");
    CHECK_CONTAINS(reject("81 01", P2(3, 0)), "record 1 is not a map");
}

TEST(rejects_duplicate_labels)
{
    CHECK_CONTAINS(reject("81 a2 00 61 30 00 61 31", P2(3, 0)), "label 0 appears twice");
}

TEST(rejects_fields_of_the_wrong_cbor_type)
{
    CHECK_CONTAINS(reject("81 a1 00 01", P2(3, 0)), "n must be a text string");
    CHECK_CONTAINS(reject("81 a2 00 61 30 03 41 55", P2(3, 0)), "vs must be a text string");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 36 04 01", P2(1, 0)),
                   "vb must be true or false");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 30 2f 30 2f 35 08 61 55", P2(0, 0)),
                   "vd must be a byte string");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 02 f6", P2(1, 0)), "v must be a number");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 f9 00 00 01", P2(1, 0)), "labels must be");
}

TEST(rejects_negative_integers_below_int64)
{
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 02 3b 80 00 00 00 00 00 00 00", P2(1, 0)),
                   "at least -2^63");
}

TEST(rejects_more_than_one_value_field)
{
    CHECK_CONTAINS(reject("81 a3 00 66 2f 31 2f 30 2f 31 02 01 03 61 31", P2(1, 0)),
                   "more than one value");
}

TEST(rejects_text_that_is_not_utf8)
{
    /* libcbor itself refuses invalid UTF-8 in text strings. */
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 37 03 61 ff", P2(1, 0)), "malformed CBOR");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 37 03 62 c0 80", P2(1, 0)), "SenML CBOR: ");
}

TEST(rejects_names_outside_the_request_path_or_not_paths)
{
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 31 2f 31 02 01", P2(1, 0)),
                   "not below the request path");
    CHECK_CONTAINS(reject("81 a2 00 65 31 2f 30 2f 31 02 01", P2(1, 0)), "not an LwM2M path");
}

TEST(rejects_values_of_the_wrong_type_for_the_resource)
{
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 03 61 31", P2(1, 0)), "integer resource");
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 02 1b ff ff ff ff ff ff ff ff", P2(1, 0)),
                   "above 2^63-1");
}

TEST(rejects_sum_and_base_value_labels)
{
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 05 01", P2(1, 0)),
                   "label 5 is not supported");
    CHECK_CONTAINS(reject("81 a2 24 01 00 66 2f 31 2f 30 2f 31", P2(1, 0)),
                   "label -5 is not supported");
}

TEST(rejects_unknown_must_understand_text_labels)
{
    CHECK_CONTAINS(reject("81 a2 00 66 2f 31 2f 30 2f 31 62 78 5f 01", P2(1, 0)),
                   "must-understand");
}

TEST_MAIN()
