/* test_values.c -- input values: JSON in and out, inspect(), and input
 * coercion of external (variable) values as graphql-js 17 coerces them.
 *
 * The types here are built by hand (no SDL) so that these tests exercise
 * values.c and coerce.c alone.
 */
#include <math.h>

#include "coerce.h"
#include "schema.h"
#include "test.h"

static gql_type t_int = {.kind = GQL_SCALAR, .name = "Int", .builtin = GQL_SCALAR_INT};
static gql_type t_float = {.kind = GQL_SCALAR, .name = "Float", .builtin = GQL_SCALAR_FLOAT};
static gql_type t_string = {.kind = GQL_SCALAR, .name = "String", .builtin = GQL_SCALAR_STRING};
static gql_type t_bool = {.kind = GQL_SCALAR, .name = "Boolean", .builtin = GQL_SCALAR_BOOLEAN};
static gql_type t_id = {.kind = GQL_SCALAR, .name = "ID", .builtin = GQL_SCALAR_ID};
static gql_type t_json = {.kind = GQL_SCALAR, .name = "JSON", .builtin = GQL_SCALAR_CUSTOM};
static gql_enum_value colors[] = {{.name = "RED"}, {.name = "GREEN"}, {.name = "BLUE"}};
static gql_type t_color = {.kind = GQL_ENUM, .name = "Color", .values = colors, .nvalues = 3};
static gql_type t_int_nn = {.kind = GQL_NON_NULL, .of_type = &t_int};
static gql_type t_int_list = {.kind = GQL_LIST, .of_type = &t_int};
static gql_type t_int_nn_list = {.kind = GQL_LIST, .of_type = &t_int_nn};

static gql_value seven = {.kind = GQL_VALUE_INT, .len = 1, .u.str = "7"};
static gql_input_value point_fields[] = {
    {.name = "x", .type = &t_int_nn},
    {.name = "y", .type = &t_int, .default_value = &seven},
    {.name = "label", .type = &t_string},
};
static gql_type t_point = {.kind = GQL_INPUT_OBJECT, .name = "Point", .input_fields = point_fields,
                           .ninput_fields = 3};
static gql_input_value pick_fields[] = {
    {.name = "a", .type = &t_int},
    {.name = "b", .type = &t_string},
};
static gql_type t_pick = {.kind = GQL_INPUT_OBJECT, .name = "Pick", .input_fields = pick_fields,
                          .ninput_fields = 2, .one_of = true};

/* Parse JSON into a value allocated in `a` (the test fails on bad JSON). */
static gql_val json(gql_arena *a, const char *text)
{
    gql_val v;
    const char *err = NULL;
    if (!gql_val_parse_json(a, text, strlen(text), &v, &err))
        TEST_FAIL_("bad JSON in test: %s", err);
    return v;
}

/* The value written back as JSON (arena copy). */
static const char *to_json(gql_arena *a, const gql_val *v)
{
    gql_buf b = GQL_BUF_INIT;
    gql_val_write_json(v, &b);
    char *s = gql_arena_strdup(a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return s;
}

static const char *inspect(gql_arena *a, const gql_val *v)
{
    gql_buf b = GQL_BUF_INIT;
    gql_val_inspect(v, &b);
    char *s = gql_arena_strdup(a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return s;
}

/* Coerce JSON text to `t`; returns the result as JSON or "undefined". */
static const char *coerce(gql_arena *a, const char *text, gql_type *t)
{
    gql_val in = json(a, text), out;
    if (!gql_coerce_input_value(&in, t, a, &out))
        return "undefined";
    return to_json(a, &out);
}

/* ------------------------------------------------------------------ JSON */

TEST(parse_json_keeps_object_key_order)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "{\"z\":1,\"a\":2,\"m\":3}");
    CHECK_INT(v.kind, GQL_VAL_OBJECT);
    CHECK_INT(v.u.obj.n, 3);
    CHECK_STR(v.u.obj.keys[0], "z");
    CHECK_STR(v.u.obj.keys[1], "a");
    CHECK_STR(v.u.obj.keys[2], "m");
    gql_arena_free(&a);
}

TEST(parse_json_keeps_integers_and_reals_apart)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "[1, 1.0, 1e2, -7]");
    CHECK_INT(v.u.list.items[0].kind, GQL_VAL_INT);
    CHECK_INT(v.u.list.items[1].kind, GQL_VAL_FLOAT);
    CHECK_INT(v.u.list.items[2].kind, GQL_VAL_FLOAT);
    CHECK_INT(v.u.list.items[3].u.i, -7);
    gql_arena_free(&a);
}

TEST(parse_json_reads_integers_beyond_int64_as_floats)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "123456789012345678901234567890");
    CHECK_INT(v.kind, GQL_VAL_FLOAT);
    CHECK(fabs(v.u.f - 1.2345678901234568e29) < 1e15);
    gql_arena_free(&a);
}

TEST(parse_json_keeps_other_integers_exact_next_to_a_huge_one)
{
    /* found by fuzz_json: re-reading the whole text as doubles made
     * parse + write unstable */
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "[11140000000000000000, 144444444444444155, \"99999999999999999999\"]");
    CHECK_INT(v.u.list.items[0].kind, GQL_VAL_FLOAT);
    CHECK_INT(v.u.list.items[1].kind, GQL_VAL_INT);
    CHECK(v.u.list.items[1].u.i == 144444444444444155LL);
    CHECK_INT(v.u.list.items[2].kind, GQL_VAL_STRING);
    CHECK_STR(to_json(&a, &v),
              "[11140000000000000000,144444444444444155,\"99999999999999999999\"]");
    gql_arena_free(&a);
}

TEST(parse_json_accepts_scalars_at_top_level_and_nul_in_strings)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v;
    const char *err = NULL;
    CHECK(gql_val_parse_json(&a, "\"a\\u0000b\"", 10, &v, &err));
    CHECK_INT(v.kind, GQL_VAL_STRING);
    CHECK_INT(v.u.s.len, 3);
    CHECK(v.u.s.ptr[1] == '\0');
    gql_arena_free(&a);
}

TEST(parse_json_reports_malformed_json)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v;
    const char *err = NULL;
    CHECK(!gql_val_parse_json(&a, "{\"a\":", 5, &v, &err));
    CHECK(err != NULL);
    gql_arena_free(&a);
}

TEST(val_get_finds_members_and_returns_null_when_absent)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "{\"a\":1,\"b\":null}");
    CHECK(gql_val_get(&v, "a") && gql_val_get(&v, "a")->u.i == 1);
    CHECK(gql_val_get(&v, "b") && gql_val_get(&v, "b")->kind == GQL_VAL_NULL);
    CHECK(gql_val_get(&v, "c") == NULL);
    gql_val i = json(&a, "3");
    CHECK(gql_val_get(&i, "a") == NULL);
    gql_arena_free(&a);
}

TEST(write_json_prints_numbers_as_javascript_does)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "[1.0, 0.1, 1e21, 1.5e-7, -0.0, 123456789012]");
    CHECK_STR(to_json(&a, &v), "[1,0.1,1e+21,1.5e-7,0,123456789012]");
    gql_arena_free(&a);
}

TEST(write_json_escapes_strings_and_writes_enums_as_strings)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "{\"s\":\"q\\\"\\\\\\n\\u0001\"}");
    CHECK_STR(to_json(&a, &v), "{\"s\":\"q\\\"\\\\\\n\\u0001\"}");
    gql_val e = {.kind = GQL_VAL_ENUM, .u.s = {"RED", 3}};
    CHECK_STR(to_json(&a, &e), "\"RED\"");
    gql_arena_free(&a);
}

TEST(inspect_formats_values_like_graphql_js)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = json(&a, "{\"a\":\"q\",\"b\":[1,\"x\"],\"c\":{},\"d\":[]}");
    CHECK_STR(inspect(&a, &v), "{ a: \"q\", b: [1, \"x\"], c: {}, d: [] }");
    gql_val deep = json(&a, "{\"a\":{\"b\":{\"c\":1}},\"l\":[[[1]]]}");
    CHECK_STR(inspect(&a, &deep), "{ a: { b: [Object] }, l: [[Array]] }");
    gql_val many = json(&a, "[1,2,3,4,5,6,7,8,9,10,11,12]");
    CHECK_STR(inspect(&a, &many), "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... 2 more items]");
    gql_val f = json(&a, "1.0");
    CHECK_STR(inspect(&a, &f), "1");
    gql_arena_free(&a);
}

TEST(did_you_mean_lists_close_names_by_distance_then_natural_order)
{
    gql_buf b = GQL_BUF_INIT;
    const char *opts[] = {"BLUE", "GREEN", "RED"};
    gql_coerce_did_you_mean(&b, "the enum value", "BLACK", opts, 3);
    CHECK_STR(gql_buf_cstr(&b), " Did you mean the enum value \"BLUE\"?");
    gql_buf_truncate(&b, 0);
    const char *fields[] = {"a", "b", "c"};
    gql_coerce_did_you_mean(&b, NULL, "d", fields, 3);
    CHECK_STR(gql_buf_cstr(&b), " Did you mean \"a\", \"b\", or \"c\"?");
    gql_buf_truncate(&b, 0);
    gql_coerce_did_you_mean(&b, NULL, "zzzzzz", fields, 3);
    CHECK_STR(gql_buf_cstr(&b), "");
    gql_buf_free(&b);
}

/* ------------------------------------------------------------- coercion */

TEST(int_accepts_integers_and_integral_floats_within_32_bits)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "42", &t_int), "42");
    CHECK_STR(coerce(&a, "1.0", &t_int), "1");
    CHECK_STR(coerce(&a, "-2147483648", &t_int), "-2147483648");
    CHECK_STR(coerce(&a, "2147483648", &t_int), "undefined");
    CHECK_STR(coerce(&a, "1.5", &t_int), "undefined");
    CHECK_STR(coerce(&a, "\"1\"", &t_int), "undefined");
    CHECK_STR(coerce(&a, "true", &t_int), "undefined");
    gql_arena_free(&a);
}

TEST(float_accepts_ints_and_floats_only)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "3", &t_float), "3");
    CHECK_STR(coerce(&a, "2.5", &t_float), "2.5");
    CHECK_STR(coerce(&a, "\"2.5\"", &t_float), "undefined");
    gql_val in = json(&a, "3"), out;
    CHECK(gql_coerce_input_value(&in, &t_float, &a, &out));
    CHECK_INT(out.kind, GQL_VAL_FLOAT);
    gql_arena_free(&a);
}

TEST(string_and_boolean_are_strict)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "\"x\"", &t_string), "\"x\"");
    CHECK_STR(coerce(&a, "1", &t_string), "undefined");
    CHECK_STR(coerce(&a, "true", &t_bool), "true");
    CHECK_STR(coerce(&a, "0", &t_bool), "undefined");
    CHECK_STR(coerce(&a, "\"true\"", &t_bool), "undefined");
    gql_arena_free(&a);
}

TEST(id_accepts_strings_and_integers_and_yields_strings)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "\"abc\"", &t_id), "\"abc\"");
    CHECK_STR(coerce(&a, "17", &t_id), "\"17\"");
    CHECK_STR(coerce(&a, "1.5", &t_id), "undefined");
    CHECK_STR(coerce(&a, "false", &t_id), "undefined");
    gql_arena_free(&a);
}

TEST(enum_accepts_value_names_as_strings)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val in = json(&a, "\"GREEN\""), out;
    CHECK(gql_coerce_input_value(&in, &t_color, &a, &out));
    CHECK_INT(out.kind, GQL_VAL_ENUM);
    CHECK_STR(out.u.s.ptr, "GREEN");
    CHECK_STR(coerce(&a, "\"PURPLE\"", &t_color), "undefined");
    CHECK_STR(coerce(&a, "1", &t_color), "undefined");
    gql_arena_free(&a);
}

TEST(custom_scalar_without_callbacks_passes_values_through)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "{\"k\":[1,2.5]}", &t_json), "{\"k\":[1,2.5]}");
    gql_arena_free(&a);
}

static bool parse_even(const gql_val *in, gql_val *out, gql_arena *a, const char **err, void *d)
{
    if (in->kind != GQL_VAL_INT || in->u.i % 2) {
        *err = "not even";
        return false;
    }
    *out = *in;
    out->u.i /= 2;
    return true;
}

TEST(custom_scalar_parse_callback_coerces_and_rejects)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_type even = {.kind = GQL_SCALAR, .name = "Even", .builtin = GQL_SCALAR_CUSTOM};
    even.scalar_ops.parse = parse_even;
    CHECK_STR(coerce(&a, "8", &even), "4");
    CHECK_STR(coerce(&a, "7", &even), "undefined");
    gql_arena_free(&a);
}

TEST(null_is_accepted_by_nullable_types_only)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "null", &t_int), "null");
    CHECK_STR(coerce(&a, "null", &t_int_nn), "undefined");
    gql_arena_free(&a);
}

TEST(list_wraps_a_single_value_into_a_list_of_one)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "3", &t_int_list), "[3]");
    CHECK_STR(coerce(&a, "[1,2]", &t_int_list), "[1,2]");
    CHECK_STR(coerce(&a, "[1,null]", &t_int_list), "[1,null]");
    CHECK_STR(coerce(&a, "[1,null]", &t_int_nn_list), "undefined");
    CHECK_STR(coerce(&a, "[1,\"x\"]", &t_int_list), "undefined");
    gql_arena_free(&a);
}

TEST(input_object_applies_defaults_only_for_absent_fields)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "{\"x\":1}", &t_point), "{\"x\":1,\"y\":7}");
    CHECK_STR(coerce(&a, "{\"x\":1,\"y\":null}", &t_point), "{\"x\":1,\"y\":null}");
    CHECK_STR(coerce(&a, "{\"label\":\"p\",\"x\":2,\"y\":3}", &t_point),
              "{\"x\":2,\"y\":3,\"label\":\"p\"}");
    gql_arena_free(&a);
}

TEST(input_object_rejects_unknown_and_missing_required_fields)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "{\"x\":1,\"z\":2}", &t_point), "undefined");
    CHECK_STR(coerce(&a, "{\"y\":1}", &t_point), "undefined");
    CHECK_STR(coerce(&a, "[1]", &t_point), "undefined");
    gql_arena_free(&a);
}

TEST(one_of_input_object_needs_exactly_one_non_null_field)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    CHECK_STR(coerce(&a, "{\"a\":1}", &t_pick), "{\"a\":1}");
    CHECK_STR(coerce(&a, "{\"a\":1,\"b\":\"x\"}", &t_pick), "undefined");
    CHECK_STR(coerce(&a, "{\"a\":null}", &t_pick), "undefined");
    CHECK_STR(coerce(&a, "{}", &t_pick), "undefined");
    gql_arena_free(&a);
}

TEST(untyped_literal_conversion_keeps_kinds_and_substitutes_variables)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_value one = {.kind = GQL_VALUE_INT, .len = 1, .u.str = "1"};
    gql_value half = {.kind = GQL_VALUE_FLOAT, .len = 3, .u.str = "0.5"};
    gql_value var = {.kind = GQL_VALUE_VARIABLE, .u.name = "v"};
    gql_value missing = {.kind = GQL_VALUE_VARIABLE, .u.name = "nope"};
    gql_object_field fields[] = {{.name = "i", .value = &one},
                                 {.name = "f", .value = &half},
                                 {.name = "v", .value = &var},
                                 {.name = "m", .value = &missing}};
    gql_value obj = {.kind = GQL_VALUE_OBJECT, .u.object = {fields, 4}};
    gql_val vars = json(&a, "{\"v\":\"x\"}"), out;
    gql_value_untyped(&obj, &vars, &a, &out);
    CHECK_STR(to_json(&a, &out), "{\"i\":1,\"f\":0.5,\"v\":\"x\"}");
    gql_arena_free(&a);
}

TEST(literal_coercion_reads_variables_and_defaults)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_value var = {.kind = GQL_VALUE_VARIABLE, .u.name = "v"};
    gql_value big = {.kind = GQL_VALUE_INT, .len = 10, .u.str = "3000000000"};
    gql_val vars = json(&a, "{\"v\":5}"), out;
    CHECK(gql_coerce_literal(&var, &t_int, &vars, &a, &out) && out.u.i == 5);
    CHECK(!gql_coerce_literal(&big, &t_int, NULL, &a, &out));
    CHECK(gql_coerce_literal(&big, &t_float, NULL, &a, &out) && out.u.f == 3e9);
    gql_object_field fx[] = {{.name = "x", .value = &var}};
    gql_value obj = {.kind = GQL_VALUE_OBJECT, .u.object = {fx, 1}};
    CHECK(gql_coerce_literal(&obj, &t_point, &vars, &a, &out));
    CHECK_STR(to_json(&a, &out), "{\"x\":5,\"y\":7}");
    gql_arena_free(&a);
}

TEST_MAIN()
