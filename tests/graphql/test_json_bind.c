/* test_json_bind.c -- resolving fields from JSON data (json_bind.c).
 *
 * The resolvers are called here directly with a hand-made gql_info, as the
 * executor would call them, so each behaviour is checked on its own; the
 * last tests run whole requests through gql_run over a small schema.
 */
#include <jansson.h>

#include "json_bind.h"
#include "schema.h"
#include "test.h"

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
    if (!j)
        fprintf(stderr, "bad test JSON: %s\n", err.text);
    return j;
}

/* A resolver call context: a field name and return type, with an arena. */
typedef struct call {
    gql_arena arena;
    gql_info info;
} call;

static void call_init(call *c, const char *field, const gql_type *return_type)
{
    gql_arena_init(&c->arena, 0);
    memset(&c->info, 0, sizeof c->info);
    c->info.field_name = field;
    c->info.response_key = field;
    c->info.return_type = return_type;
    c->info.arena = &c->arena;
}

static const gql_val no_args = {.kind = GQL_VAL_OBJECT};

/* Stand-in types: only kind, name and of_type matter to json_bind. */
static gql_type t_int = {.kind = GQL_SCALAR, .name = "Int", .builtin = GQL_SCALAR_INT};
static gql_type t_json = {.kind = GQL_SCALAR, .name = "JSON"};
static gql_type t_obj = {.kind = GQL_OBJECT, .name = "Thing"};
static gql_type t_list_json = {.kind = GQL_LIST, .of_type = &t_json};
static gql_type t_list_int = {.kind = GQL_LIST, .of_type = &t_int};
static gql_type t_list_list_int = {.kind = GQL_LIST, .of_type = &t_list_int};
static gql_type t_nn_json = {.kind = GQL_NON_NULL, .of_type = &t_json};

/* ------------------------------------------------------- gql_val_from_json */

TEST(val_from_json_keeps_object_key_order)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    json_t *j = parse("{\"zeta\":1,\"alpha\":2,\"mid\":3}");
    gql_val v = gql_val_from_json(&a, j);
    CHECK_INT(v.kind, GQL_VAL_OBJECT);
    CHECK_INT(v.u.obj.n, 3);
    CHECK_STR(v.u.obj.keys[0], "zeta");
    CHECK_STR(v.u.obj.keys[1], "alpha");
    CHECK_STR(v.u.obj.keys[2], "mid");
    CHECK_INT(v.u.obj.vals[1].u.i, 2);
    json_decref(j);
    gql_arena_free(&a);
}

TEST(val_from_json_converts_every_json_kind)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    json_t *j = parse("[7, 2.5, \"s\", true, false, null, [], {}]");
    gql_val v = gql_val_from_json(&a, j);
    CHECK_INT(v.kind, GQL_VAL_LIST);
    CHECK_INT(v.u.list.n, 8);
    CHECK_INT(v.u.list.items[0].kind, GQL_VAL_INT);
    CHECK_INT(v.u.list.items[0].u.i, 7);
    CHECK_INT(v.u.list.items[1].kind, GQL_VAL_FLOAT);
    CHECK(v.u.list.items[1].u.f == 2.5);
    CHECK_INT(v.u.list.items[2].kind, GQL_VAL_STRING);
    CHECK_STR(v.u.list.items[2].u.s.ptr, "s");
    CHECK_INT(v.u.list.items[3].kind, GQL_VAL_BOOLEAN);
    CHECK(v.u.list.items[3].u.b);
    CHECK(!v.u.list.items[4].u.b);
    CHECK_INT(v.u.list.items[5].kind, GQL_VAL_NULL);
    CHECK_INT(v.u.list.items[6].kind, GQL_VAL_LIST);
    CHECK_INT(v.u.list.items[6].u.list.n, 0);
    CHECK_INT(v.u.list.items[7].kind, GQL_VAL_OBJECT);
    CHECK_INT(v.u.list.items[7].u.obj.n, 0);
    json_decref(j);
    gql_arena_free(&a);
}

TEST(val_from_json_copies_strings_with_nul_into_the_arena)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    json_t *j = parse("\"a\\u0000b\"");
    gql_val v = gql_val_from_json(&a, j);
    json_decref(j); /* the value must not point into the freed JSON */
    CHECK_INT(v.kind, GQL_VAL_STRING);
    CHECK_INT(v.u.s.len, 3);
    CHECK(memcmp(v.u.s.ptr, "a\0b", 3) == 0);
    gql_arena_free(&a);
}

TEST(val_from_json_of_null_pointer_is_null)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v = gql_val_from_json(&a, NULL);
    CHECK_INT(v.kind, GQL_VAL_NULL);
    gql_arena_free(&a);
}

/* ------------------------------------------------------------ gql_json_to_rv */

TEST(to_rv_converts_leaves)
{
    json_t *j = parse("[3, 0.5, \"str\", true, null]");
    gql_rv r = gql_json_to_rv(json_array_get(j, 0));
    CHECK_INT(r.kind, GQL_RV_INT);
    CHECK_INT(r.u.i, 3);
    r = gql_json_to_rv(json_array_get(j, 1));
    CHECK_INT(r.kind, GQL_RV_FLOAT);
    CHECK(r.u.f == 0.5);
    r = gql_json_to_rv(json_array_get(j, 2));
    CHECK_INT(r.kind, GQL_RV_STRING);
    CHECK_INT(r.u.s.len, 3);
    r = gql_json_to_rv(json_array_get(j, 3));
    CHECK_INT(r.kind, GQL_RV_BOOLEAN);
    CHECK(r.u.b);
    r = gql_json_to_rv(json_array_get(j, 4));
    CHECK_INT(r.kind, GQL_RV_NULL);
    json_decref(j);
}

TEST(to_rv_strings_point_into_the_json_without_copying)
{
    json_t *j = parse("\"shared\"");
    gql_rv r = gql_json_to_rv(j);
    CHECK(r.u.s.ptr == json_string_value(j));
    json_decref(j);
}

TEST(to_rv_array_is_a_list_produced_on_demand)
{
    json_t *j = parse("[10, 20, 30]");
    gql_rv r = gql_json_to_rv(j);
    CHECK_INT(r.kind, GQL_RV_LIST_FN);
    CHECK_INT(r.u.list_fn.n, 3);
    gql_rv item = r.u.list_fn.at(r.u.list_fn.list, 2, NULL);
    CHECK_INT(item.kind, GQL_RV_INT);
    CHECK_INT(item.u.i, 30);
    json_decref(j);
}

TEST(to_rv_object_is_typed_by_its_typename_member)
{
    json_t *j = parse("{\"__typename\":\"Dog\",\"name\":\"Rex\"}");
    gql_rv r = gql_json_to_rv(j);
    CHECK_INT(r.kind, GQL_RV_OBJECT);
    CHECK(r.u.obj.ptr == j);
    CHECK_STR(r.u.obj.typename, "Dog");
    json_decref(j);
}

TEST(to_rv_object_without_typename_leaves_the_type_to_the_executor)
{
    json_t *j = parse("{\"name\":\"Rex\"}");
    gql_rv r = gql_json_to_rv(j);
    CHECK_INT(r.kind, GQL_RV_OBJECT);
    CHECK(r.u.obj.typename == NULL);
    json_decref(j);
}

/* ---------------------------------------------------------- gql_json_resolve */

TEST(resolve_reads_the_member_of_the_field_name)
{
    json_t *j = parse("{\"count\":5,\"other\":1}");
    call c;
    call_init(&c, "count", &t_int);
    gql_rv r = gql_json_resolve(j, &no_args, &c.info);
    CHECK_INT(r.kind, GQL_RV_INT);
    CHECK_INT(r.u.i, 5);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_missing_member_is_null)
{
    json_t *j = parse("{\"count\":5}");
    call c;
    call_init(&c, "absent", &t_int);
    CHECK_INT(gql_json_resolve(j, &no_args, &c.info).kind, GQL_RV_NULL);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_on_a_parent_that_is_no_object_is_null)
{
    json_t *j = parse("[1]");
    call c;
    call_init(&c, "count", &t_int);
    CHECK_INT(gql_json_resolve(j, &no_args, &c.info).kind, GQL_RV_NULL);
    CHECK_INT(gql_json_resolve(NULL, &no_args, &c.info).kind, GQL_RV_NULL);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_object_for_a_custom_scalar_is_a_value)
{
    json_t *j = parse("{\"profile\":{\"b\":1,\"a\":[true]}}");
    call c;
    call_init(&c, "profile", &t_nn_json);
    gql_rv r = gql_json_resolve(j, &no_args, &c.info);
    CHECK_INT(r.kind, GQL_RV_VAL);
    gql_buf b = GQL_BUF_INIT;
    gql_val_write_json(r.u.val, &b);
    CHECK_STR(gql_buf_cstr(&b), "{\"b\":1,\"a\":[true]}");
    gql_buf_free(&b);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_array_for_a_custom_scalar_is_a_value)
{
    json_t *j = parse("{\"profile\":[1,2]}");
    call c;
    call_init(&c, "profile", &t_json);
    CHECK_INT(gql_json_resolve(j, &no_args, &c.info).kind, GQL_RV_VAL);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_list_of_custom_scalars_gives_items_as_values)
{
    json_t *j = parse("{\"blobs\":[[1],{\"k\":2},3]}");
    call c;
    call_init(&c, "blobs", &t_list_json);
    gql_rv r = gql_json_resolve(j, &no_args, &c.info);
    CHECK_INT(r.kind, GQL_RV_LIST_FN);
    CHECK_INT(r.u.list_fn.at(r.u.list_fn.list, 0, &c.info).kind, GQL_RV_VAL);
    CHECK_INT(r.u.list_fn.at(r.u.list_fn.list, 1, &c.info).kind, GQL_RV_VAL);
    CHECK_INT(r.u.list_fn.at(r.u.list_fn.list, 2, &c.info).kind, GQL_RV_INT);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_nested_lists_stay_lists)
{
    json_t *j = parse("{\"m\":[[1,2],[3]]}");
    call c;
    call_init(&c, "m", &t_list_list_int);
    gql_rv r = gql_json_resolve(j, &no_args, &c.info);
    CHECK_INT(r.kind, GQL_RV_LIST_FN);
    gql_rv inner = r.u.list_fn.at(r.u.list_fn.list, 0, &c.info);
    CHECK_INT(inner.kind, GQL_RV_LIST_FN);
    CHECK_INT(inner.u.list_fn.n, 2);
    CHECK_INT(inner.u.list_fn.at(inner.u.list_fn.list, 1, &c.info).u.i, 2);
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_object_for_an_object_type_is_an_object)
{
    json_t *j = parse("{\"thing\":{\"__typename\":\"Thing\"}}");
    call c;
    call_init(&c, "thing", &t_obj);
    gql_rv r = gql_json_resolve(j, &no_args, &c.info);
    CHECK_INT(r.kind, GQL_RV_OBJECT);
    CHECK_STR(r.u.obj.typename, "Thing");
    gql_arena_free(&c.arena);
    json_decref(j);
}

TEST(resolve_type_reads_the_typename_member)
{
    json_t *j = parse("[{\"__typename\":\"Cat\"},{\"__typename\":5},{}, 1]");
    CHECK_STR(gql_json_resolve_type(json_array_get(j, 0), NULL, NULL, NULL), "Cat");
    CHECK(gql_json_resolve_type(json_array_get(j, 1), NULL, NULL, NULL) == NULL);
    CHECK(gql_json_resolve_type(json_array_get(j, 2), NULL, NULL, NULL) == NULL);
    CHECK(gql_json_resolve_type(json_array_get(j, 3), NULL, NULL, NULL) == NULL);
    json_decref(j);
}

/* ----------------------------------------------------- whole requests */

static const char sdl[] = "type Query { n: Int list: [Int] pet: Pet pets: [Pet] blob: JSON }\n"
                          "interface Pet { name: String }\n"
                          "type Dog implements Pet { name: String barks: Boolean }\n"
                          "type Cat implements Pet { name: String }\n"
                          "scalar JSON\n";
static const char data[] = "{\"n\":1,\"list\":[1,2],"
                           "\"pet\":{\"__typename\":\"Dog\",\"name\":\"Rex\",\"barks\":true},"
                           "\"pets\":[{\"__typename\":\"Cat\",\"name\":\"Tom\"},null],"
                           "\"blob\":{\"x\":[1,{}]}}";

static char *run(const char *query)
{
    char *errors = NULL;
    gql_schema *s = gql_schema_build(sdl, sizeof sdl - 1, &errors);
    if (!s) {
        fprintf(stderr, "schema: %s\n", errors ? errors : "?");
        free(errors);
        return NULL;
    }
    gql_json_bind(s);
    json_t *root = parse(data);
    gql_request req = {.query = query, .query_len = strlen(query), .root_value = root};
    gql_result res = {.body = GQL_BUF_INIT};
    gql_run(s, NULL, &req, &res);
    char *out = strdup(gql_buf_cstr(&res.body));
    gql_result_free(&res);
    json_decref(root);
    gql_schema_free(s);
    return out;
}

TEST(bind_runs_a_query_over_json_data)
{
    char *out = run("{ n list }");
    CHECK_STR(out, "{\"data\":{\"n\":1,\"list\":[1,2]}}");
    free(out);
}

TEST(bind_resolves_abstract_types_by_typename)
{
    char *out = run("{ pet { name ... on Dog { barks } } pets { __typename name } }");
    CHECK_STR(out, "{\"data\":{\"pet\":{\"name\":\"Rex\",\"barks\":true},"
                   "\"pets\":[{\"__typename\":\"Cat\",\"name\":\"Tom\"},null]}}");
    free(out);
}

TEST(bind_writes_custom_scalar_objects_as_json)
{
    char *out = run("{ blob }");
    CHECK_STR(out, "{\"data\":{\"blob\":{\"x\":[1,{}]}}}");
    free(out);
}

TEST_MAIN()
