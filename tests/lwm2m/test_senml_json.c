/* test_senml_json.c -- the SenML JSON codec: the LwM2M specification's
 * example, base-name rules, each value field, typing by the resource model,
 * and every class of input the decoder must refuse. */
#include "test.h"

#include "lwm2m_test_util.h"
#include "senml_json.h"

/* LwM2M Core 1.1 §7.4.4: Read /3/0 answered in SenML JSON (one line). */
static const char device_3_0[] = "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Open Mobile Alliance\"},"
                                 "{\"n\":\"1\",\"vs\":\"Lightweight M2M Client\"},"
                                 "{\"n\":\"2\",\"vs\":\"345000123\"},"
                                 "{\"n\":\"3\",\"vs\":\"1.0\"},"
                                 "{\"n\":\"6/0\",\"v\":1},{\"n\":\"6/1\",\"v\":5},"
                                 "{\"n\":\"7/0\",\"v\":3800},{\"n\":\"7/1\",\"v\":5000},"
                                 "{\"n\":\"8/0\",\"v\":125},{\"n\":\"8/1\",\"v\":900},"
                                 "{\"n\":\"9\",\"v\":100},{\"n\":\"10\",\"v\":15},"
                                 "{\"n\":\"11/0\",\"v\":0},{\"n\":\"13\",\"v\":1367491215},"
                                 "{\"n\":\"14\",\"vs\":\"+02:00\"},{\"n\":\"16\",\"vs\":\"U\"}]";

/* Object 5 (in these tests only): every resource is a float. */
static lwm2m_type test_types(const lwm2m_path *p, void *ctx)
{
    (void)ctx;
    if (p->id[0] == 5)
        return LWM2M_TYPE_FLOAT;
    return lwm2m_builtin_type(p, NULL);
}

static int decode(const char *json, lwm2m_path base, lwm2m_list *out, lwm2m_err *err)
{
    return senml_json_decode((const uint8_t *)json, strlen(json), &base, test_types, NULL, out,
                             err);
}

static const char *reject(const char *json, lwm2m_path base)
{
    static lwm2m_err err;
    lwm2m_list l = LWM2M_LIST_INIT;
    err.msg[0] = '\0';
    int rc = decode(json, base, &l, &err);
    size_t n = l.len;
    lwm2m_list_free(&l);
    return rc == -1 && n == 0 ? err.msg : "(accepted)";
}

/* Encodes l on base into a NUL-terminated string (static storage). */
static const char *encode(const lwm2m_list *l, lwm2m_path base)
{
    static char text[4096];
    lwm2m_buf b = LWM2M_BUF_INIT;
    lwm2m_err err;
    if (senml_json_encode(l, &base, &b, &err) < 0)
        snprintf(text, sizeof text, "(error: %s)", err.msg);
    else
        snprintf(text, sizeof text, "%.*s", (int)b.len, (const char *)b.data);
    lwm2m_buf_free(&b);
    return text;
}

TEST(decodes_device_example_from_spec)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode(device_3_0, P2(3, 0), &l, &err), 0);
    CHECK_INT(l.len, 16);
    CHECK_STR(vstr(find3(&l, 3, 0, 0)), "Open Mobile Alliance");
    CHECK_INT(find4(&l, 3, 0, 7, 0)->type, LWM2M_TYPE_INTEGER);
    CHECK_INT(find4(&l, 3, 0, 7, 0)->v.i, 3800);
    CHECK_INT(find4(&l, 3, 0, 11, 0)->v.i, 0);
    CHECK_INT(find3(&l, 3, 0, 13)->type, LWM2M_TYPE_TIME);
    CHECK_INT(find3(&l, 3, 0, 13)->v.i, 1367491215);
    CHECK_STR(vstr(find3(&l, 3, 0, 16)), "U");
    lwm2m_list_free(&l);
}

TEST(reencodes_device_example_byte_for_byte)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode(device_3_0, P2(3, 0), &l, &err), 0);
    CHECK_STR(encode(&l, P2(3, 0)), device_3_0);
    lwm2m_list_free(&l);
}

TEST(base_name_applies_until_replaced)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode("[{\"bn\":\"/1/0/\",\"n\":\"0\",\"v\":1},{\"n\":\"1\",\"v\":60},"
                     "{\"bn\":\"/1/1/\",\"n\":\"0\",\"v\":2},{\"n\":\"7\",\"vs\":\"U\"},"
                     "{\"bn\":\"\",\"n\":\"/1/2/1\",\"v\":3}]",
                     P1(1), &l, &err),
              0);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 60);
    CHECK_INT(find3(&l, 1, 1, 0)->v.i, 2);
    CHECK_STR(vstr(find3(&l, 1, 1, 7)), "U");
    CHECK_INT(find3(&l, 1, 2, 1)->v.i, 3);
    lwm2m_list_free(&l);
}

TEST(base_name_alone_names_the_record)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode("[{\"bn\":\"/1/0/1\",\"v\":300}]", P3(1, 0, 1), &l, &err), 0);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 300);
    lwm2m_list_free(&l);
}

TEST(encoder_uses_the_object_instance_as_base_name)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 1), 300);
    CHECK_STR(encode(&l, P3(1, 0, 1)), "[{\"bn\":\"/1/0/\",\"n\":\"1\",\"v\":300}]");
    CHECK_STR(encode(&l, P1(1)), "[{\"bn\":\"/1/\",\"n\":\"0/1\",\"v\":300}]");
    CHECK_STR(encode(&l, lwm2m_path_make(0, 0, 0, 0, 0)), "[{\"n\":\"/1/0/1\",\"v\":300}]");
    lwm2m_list_free(&l);
}

TEST(encoder_shortens_the_base_name_for_instance_records)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_none(&l, P2(0, 1));
    lwm2m_list_add_none(&l, P3(0, 2, 0));
    CHECK_STR(encode(&l, P1(0)), "[{\"bn\":\"/0/\",\"n\":\"1\"},{\"n\":\"2/0\"}]");
    lwm2m_list back = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode(encode(&l, P1(0)), P1(0), &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
}

TEST(every_value_type_round_trips)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    uint8_t key[] = {0x00, 0xFF, 0x10, 0x42};
    lwm2m_list_add_string(&l, P3(0, 1, 0), "coaps://[::1]:5684", 18);
    lwm2m_list_add_bool(&l, P3(0, 1, 1), false);
    lwm2m_list_add_int(&l, P3(0, 1, 2), 0);
    lwm2m_list_add_opaque(&l, P3(0, 1, 5), key, sizeof key);
    lwm2m_list_add_int(&l, P3(0, 1, 10), -5);
    lwm2m_list_add_uint(&l, P3(0, 1, 13), 2);
    lwm2m_list_add_uint(&l, P4(0, 1, 16, 0), 49320);
    lwm2m_list_add_objlnk(&l, P3(0, 1, 17), 21, 0);
    const char *json = encode(&l, P2(0, 1));
    CHECK_STR(json,
              "[{\"bn\":\"/0/1/\",\"n\":\"0\",\"vs\":\"coaps://[::1]:5684\"},"
              "{\"n\":\"1\",\"vb\":false},{\"n\":\"2\",\"v\":0},{\"n\":\"5\",\"vd\":\"AP8QQg\"},"
              "{\"n\":\"10\",\"v\":-5},{\"n\":\"13\",\"v\":2},{\"n\":\"16/0\",\"v\":49320},"
              "{\"n\":\"17\",\"vlo\":\"21:0\"}]");
    lwm2m_list back = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode(json, P2(0, 1), &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    CHECK_INT(find3(&back, 0, 1, 13)->type, LWM2M_TYPE_UNSIGNED);
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
}

TEST(floats_are_written_shortest_and_stay_floats)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_float(&l, P3(5, 0, 1), 23.1);
    lwm2m_list_add_float(&l, P3(5, 0, 2), 1.0);
    lwm2m_list_add_float(&l, P3(5, 0, 3), 1e300);
    lwm2m_list_add_float(&l, P3(5, 0, 4), -0.1);
    const char *json = encode(&l, P2(5, 0));
    CHECK_STR(json, "[{\"bn\":\"/5/0/\",\"n\":\"1\",\"v\":23.1},{\"n\":\"2\",\"v\":1.0},"
                    "{\"n\":\"3\",\"v\":1e+300},{\"n\":\"4\",\"v\":-0.1}]");
    lwm2m_list back = LWM2M_LIST_INIT;
    lwm2m_err err;
    /* Without a model, "1.0" must still come back as a float. */
    lwm2m_path base = P2(5, 0);
    CHECK_INT(
        senml_json_decode((const uint8_t *)json, strlen(json), &base, NULL, NULL, &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
}

TEST(integral_float_is_accepted_for_an_integer_resource)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode("[{\"n\":\"/1/0/1\",\"v\":300.0}]", P2(1, 0), &l, &err), 0);
    CHECK_INT(find3(&l, 1, 0, 1)->type, LWM2M_TYPE_INTEGER);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 300);
    lwm2m_list_free(&l);
}

TEST(vd_accepts_standard_and_url_alphabets_with_or_without_padding)
{
    const char *forms[] = {"+/+/", "-_-_"};
    for (int k = 0; k < 2; k++) {
        char json[128];
        snprintf(json, sizeof json, "[{\"n\":\"/0/0/5\",\"vd\":\"%s\"}]", forms[k]);
        lwm2m_list l = LWM2M_LIST_INIT;
        lwm2m_err err;
        CHECK_INT(decode(json, P2(0, 0), &l, &err), 0);
        CHECK_HEX(find3(&l, 0, 0, 5)->v.bytes.ptr, find3(&l, 0, 0, 5)->v.bytes.len, "FB FF BF");
        lwm2m_list_free(&l);
    }
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode("[{\"n\":\"/0/0/5\",\"vd\":\"/w==\"},{\"n\":\"/0/0/3\",\"vd\":\"_w\"},"
                     "{\"n\":\"/0/0/4\",\"vd\":\"\"}]",
                     P2(0, 0), &l, &err),
              0);
    CHECK_HEX(find3(&l, 0, 0, 5)->v.bytes.ptr, find3(&l, 0, 0, 5)->v.bytes.len, "FF");
    CHECK_HEX(find3(&l, 0, 0, 3)->v.bytes.ptr, find3(&l, 0, 0, 3)->v.bytes.len, "FF");
    CHECK_INT(find3(&l, 0, 0, 4)->v.bytes.len, 0);
    lwm2m_list_free(&l);
}

TEST(strings_are_escaped_and_round_trip)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_string(&l, P3(3, 0, 0), "a\"b\\c\n\x01\xc3\xa9", 9);
    const char *json = encode(&l, P2(3, 0));
    CHECK_STR(json,
              "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\"}]");
    lwm2m_list back = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode(json, P2(3, 0), &back, &err), 0);
    CHECK(lwm2m_list_same(&l, &back));
    lwm2m_list_free(&back);
    lwm2m_list_free(&l);
}

TEST(records_without_value_decode_as_none)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(
        decode("[{\"n\":\"/3/0\"},{\"n\":\"/1/0/1\"}]", lwm2m_path_make(0, 0, 0, 0, 0), &l, &err),
        0);
    CHECK_INT(l.len, 2);
    CHECK_INT(l.items[0].type, LWM2M_TYPE_NONE);
    CHECK_INT(l.items[0].path.len, 2);
    lwm2m_list_free(&l);
}

TEST(time_and_unit_fields_are_ignored)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(
        decode("[{\"bt\":1.5e9,\"bu\":\"s\",\"bver\":10,\"n\":\"/1/0/1\",\"t\":-5,\"u\":\"s\","
               "\"v\":60,\"x-ext\":{}}]",
               P2(1, 0), &l, &err),
        0);
    CHECK_INT(find3(&l, 1, 0, 1)->v.i, 60);
    lwm2m_list_free(&l);
}

TEST(empty_array_decodes_to_no_values)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    CHECK_INT(decode("[]", P2(1, 0), &l, &err), 0);
    CHECK_INT(l.len, 0);
    CHECK_STR(encode(&l, P2(1, 0)), "[]");
}

/* ---- encoder errors ---- */

TEST(encoder_rejects_non_finite_floats)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_float(&l, P3(5, 0, 1), 1.0 / 0.0);
    CHECK_CONTAINS(encode(&l, P2(5, 0)), "not finite");
    lwm2m_list_free(&l);
}

TEST(encoder_rejects_invalid_utf8_strings)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_string(&l, P3(3, 0, 0), "\xff", 1);
    CHECK_CONTAINS(encode(&l, P2(3, 0)), "not valid UTF-8");
    lwm2m_list_free(&l);
}

TEST(encoder_rejects_values_outside_the_request_path)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_list_add_int(&l, P3(1, 0, 1), 1);
    CHECK_CONTAINS(encode(&l, P2(1, 1)), "not below the request path");
    lwm2m_list_free(&l);
}

/* ---- malformed input ---- */

TEST(rejects_text_that_is_not_json)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"v\":1}", P2(1, 0)), "SenML JSON: ");
    CHECK_CONTAINS(reject("", P2(1, 0)), "SenML JSON: ");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"v\":99999999999999999999}]", P2(1, 0)), "too big");
}

TEST(rejects_payload_that_is_not_an_array_of_objects)
{
    CHECK_CONTAINS(reject("{\"n\":\"/1/0/1\",\"v\":1}", P2(1, 0)), "must be an array");
    CHECK_CONTAINS(reject("[1]", P2(1, 0)), "record 1 is not an object");
}

TEST(rejects_duplicate_keys)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"n\":\"/1/0/2\",\"v\":1}]", P2(1, 0)), "duplicate");
}

TEST(rejects_fields_of_the_wrong_json_type)
{
    CHECK_CONTAINS(reject("[{\"n\":1,\"v\":1}]", P2(1, 0)), "\"n\" must be a string");
    CHECK_CONTAINS(reject("[{\"bn\":null,\"n\":\"/1/0/1\"}]", P2(1, 0)), "\"bn\" must be a string");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"v\":\"1\"}]", P2(1, 0)), "\"v\" must be a number");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/6\",\"vb\":1}]", P2(1, 0)),
                   "\"vb\" must be true or false");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vd\":5}]", P2(0, 0)), "\"vd\" must be a base64");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"t\":\"now\",\"v\":1}]", P2(1, 0)),
                   "\"t\" must be a number");
}

TEST(rejects_more_than_one_value_field)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/7\",\"vs\":\"U\",\"v\":1}]", P2(1, 0)),
                   "more than one value");
}

TEST(rejects_invalid_base64)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vd\":\"AB*D\"}]", P2(0, 0)), "valid base64");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vd\":\"ABCDE\"}]", P2(0, 0)), "valid base64");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vd\":\"/x\"}]", P2(0, 0)), "valid base64");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vd\":\"=AAA\"}]", P2(0, 0)), "valid base64");
}

TEST(rejects_malformed_object_links)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/17\",\"vlo\":\"21\"}]", P2(0, 0)), "object:instance");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/17\",\"vlo\":\"21:x\"}]", P2(0, 0)), "object:instance");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/17\",\"vlo\":\"70000:0\"}]", P2(0, 0)),
                   "object:instance");
}

TEST(rejects_names_that_are_not_lwm2m_paths)
{
    const char *bad[] = {"3/0/1",      "/3//1", "/3/0/1/2/3", "/a/0/1",
                         "/65535/0/1", "/3/0/", "/",          "/3/0/123456"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char json[128];
        snprintf(json, sizeof json, "[{\"n\":\"%s\"}]", bad[k]);
        CHECK_CONTAINS(reject(json, lwm2m_path_make(0, 0, 0, 0, 0)), "not an LwM2M path");
    }
    CHECK_CONTAINS(reject("[{\"v\":1}]", P2(1, 0)), "no name");
}

TEST(rejects_names_outside_the_request_path)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/1/1\",\"v\":1}]", P2(1, 0)),
                   "/1/1/1 is not below the request path /1/0");
}

TEST(rejects_values_on_objects_and_instances)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0\",\"v\":1}]", P1(1)), "only resources");
}

TEST(rejects_values_of_the_wrong_type_for_the_resource)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"vs\":\"60\"}]", P2(1, 0)),
                   "/1/0/1 is an integer resource but the record carries a string");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"v\":1.5}]", P2(1, 0)), "non-integral");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/13\",\"v\":-1}]", P2(1, 0)), "unsigned integer resource");
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/7\",\"v\":1}]", P2(1, 0)), "string resource");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/5\",\"vs\":\"k\"}]", P2(0, 0)), "opaque resource");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/1\",\"v\":0}]", P2(0, 0)), "boolean resource");
    CHECK_CONTAINS(reject("[{\"n\":\"/0/0/17\",\"v\":0}]", P2(0, 0)), "objlnk resource");
}

TEST(rejects_sum_and_base_value_fields)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"s\":1}]", P2(1, 0)), "not supported");
    CHECK_CONTAINS(reject("[{\"bv\":1,\"n\":\"/1/0/1\",\"v\":1}]", P2(1, 0)), "not supported");
}

TEST(rejects_unknown_must_understand_fields)
{
    CHECK_CONTAINS(reject("[{\"n\":\"/1/0/1\",\"v\":1,\"ext_\":1}]", P2(1, 0)), "must-understand");
}

TEST(failed_decode_leaves_the_list_as_it_was)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    lwm2m_list_add_int(&l, P3(9, 9, 9), 1);
    CHECK_INT(
        decode("[{\"n\":\"/1/0/1\",\"v\":1},{\"n\":\"/1/0/1\",\"vs\":\"x\"}]", P2(1, 0), &l, &err),
        -1);
    CHECK_INT(l.len, 1);
    lwm2m_list_free(&l);
}

TEST_MAIN()
