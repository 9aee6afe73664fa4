/* test_execute.c -- execution (spec section 6) through the public API.
 *
 * One small schema, built from SDL, with C resolvers over static data.
 * Every test runs a request through gql_run() and compares the whole JSON
 * response, so field order, null propagation and error shape (message,
 * locations, path, extensions) are all checked. Expected responses are
 * what graphql-js 17 answers for the same schema, data and query.
 */
#include "graphql.h"
#include "schema.h"
#include "test.h"

static const char *sdl =
    "interface Node { id: ID! }\n"
    "type User implements Node { id: ID! name: String! best: User friends: [User!] "
    "  email: String }\n"
    "type Bot implements Node { id: ID! model: String }\n"
    "union Thing = User | Bot\n"
    "enum Color { RED GREEN BLUE }\n"
    "input Filter { color: Color = RED limit: Int! }\n"
    "input Pick @oneOf { a: Int b: String }\n"
    "scalar Even\n"
    "type Nested { a: String! b: Nested c: String }\n"
    "type Query {\n"
    "  hello: String\n"
    "  echo(s: String, i: Int, f: Float, b: Boolean, id: ID, c: Color, l: [Int],\n"
    "       o: Filter, p: Pick, d: Int = 5): String\n"
    "  user(id: ID!): User\n"
    "  users: [User]\n"
    "  node(id: ID!): Node\n"
    "  things: [Thing]\n"
    "  lazy: [Int]\n"
    "  missing: String!\n"
    "  fail: String\n"
    "  failExt: String\n"
    "  int(v: Float): Int\n"
    "  str(v: Float, b: Boolean): String\n"
    "  color(name: String): Color\n"
    "  items: [Int!]\n"
    "  nullableItems: [Int]\n"
    "  notList: [Int]\n"
    "  nested: Nested\n"
    "  count: Int\n"
    "  even: Even\n"
    "  plain: String\n"
    "  noType: Node\n"
    "  badType: Node\n"
    "  wrongType: Node\n"
    "  info(x: Int): String\n"
    "  half(e: Even): Int\n"
    "  given(o: Filter, d: Int = 5): String\n"
    "}\n"
    "type Mutation { inc(by: Int = 1): Int }\n"
    "type Subscription { ticks: Int }\n";

typedef struct user {
    const char *id, *name, *email;
    int best, nfriends, friends[3];
} user;

static const user users[] = {
    {"1", "Ada", "ada@example.org", 1, 2, {1, 2}},
    {"2", "Bob", NULL, -1, 1, {0}},
    {"3", NULL, NULL, -1, 0, {0}}, /* no name: a non-null violation */
};

typedef struct bot {
    const char *id, *model;
} bot;

static const bot bots[] = {{"b1", "R2"}};

static int counter, resolve_calls;

static gql_rv r_hello(void *p, const gql_val *args, gql_info *info)
{
    resolve_calls++;
    return gql_rv_str("world");
}

static gql_rv r_echo(void *p, const gql_val *args, gql_info *info)
{
    gql_buf b = GQL_BUF_INIT;
    gql_val_write_json(args, &b);
    char *s = gql_arena_strdup(info->arena, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return gql_rv_str(s);
}

/* Which arguments and input fields the request gave (not defaults). */
static gql_rv r_given(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *o = gql_val_get(args, "o");
    return gql_rv_str(gql_arena_printf(
        info->arena, "o:%d o.color:%d o.limit:%d d:%d", gql_val_given(args, "o"),
        o && o->kind == GQL_VAL_OBJECT && gql_val_given(o, "color"),
        o && o->kind == GQL_VAL_OBJECT && gql_val_given(o, "limit"), gql_val_given(args, "d")));
}

static gql_rv user_rv(int i)
{
    return i < 0 ? gql_rv_null() : gql_rv_object((void *)&users[i], "User");
}

static gql_rv r_user(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *id = gql_val_get(args, "id");
    for (int i = 0; i < 3; i++)
        if (strcmp(users[i].id, id->u.s.ptr) == 0)
            return user_rv(i);
    return gql_rv_null();
}

static gql_rv r_users(void *p, const gql_val *args, gql_info *info)
{
    gql_rv *items = GQL_NEWN(info->arena, gql_rv, 3);
    for (int i = 0; i < 3; i++)
        items[i] = user_rv(i);
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, 3}};
    return r;
}

static gql_rv r_user_id(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((const user *)p)->id);
}
static gql_rv r_user_name(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((const user *)p)->name);
}
static gql_rv r_user_email(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((const user *)p)->email);
}
static gql_rv r_user_best(void *p, const gql_val *args, gql_info *info)
{
    return user_rv(((const user *)p)->best);
}
static gql_rv r_user_friends(void *p, const gql_val *args, gql_info *info)
{
    const user *u = p;
    gql_rv *items = GQL_NEWN(info->arena, gql_rv, 3);
    for (int i = 0; i < u->nfriends; i++)
        items[i] = user_rv(u->friends[i]);
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, (size_t)u->nfriends}};
    return r;
}
static gql_rv r_bot_id(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((const bot *)p)->id);
}
static gql_rv r_bot_model(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((const bot *)p)->model);
}

/* Node objects come back untyped; the type resolver tells them apart. */
static gql_rv r_node(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *id = gql_val_get(args, "id");
    if (id->u.s.ptr[0] == 'b')
        return gql_rv_object((void *)&bots[0], NULL);
    return gql_rv_object((void *)&users[0], NULL);
}
static const char *resolve_node_type(void *obj, const gql_type *abstract, gql_info *info,
                                     void *data)
{
    return obj == (void *)&bots[0] ? "Bot" : "User";
}

static gql_rv r_things(void *p, const gql_val *args, gql_info *info)
{
    gql_rv *items = GQL_NEWN(info->arena, gql_rv, 2);
    items[0] = gql_rv_object((void *)&bots[0], "Bot");
    items[1] = gql_rv_object((void *)&users[1], "User");
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, 2}};
    return r;
}

static gql_rv lazy_at(void *list, size_t i, gql_info *info)
{
    return gql_rv_int((int64_t)(i * 10));
}
static gql_rv r_lazy(void *p, const gql_val *args, gql_info *info)
{
    gql_rv r = {.kind = GQL_RV_LIST_FN, .u.list_fn = {NULL, 4, lazy_at}};
    return r;
}

static gql_rv r_null(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_null();
}
static gql_rv r_fail(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_error(info, "boom at %s", info->response_key);
}
static gql_rv r_fail_ext(void *p, const gql_val *args, gql_info *info)
{
    gql_rv r = gql_rv_error(info, "denied");
    r.u.err.extensions_json = "{\"code\":\"FORBIDDEN\"}";
    return r;
}
static gql_rv r_int(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_float(gql_val_get(args, "v")->u.f);
}
static gql_rv r_str(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *b = gql_val_get(args, "b");
    if (b)
        return gql_rv_bool(b->u.b);
    const gql_val *v = gql_val_get(args, "v");
    if (v->u.f == (double)(int64_t)v->u.f)
        return gql_rv_int((int64_t)v->u.f);
    return gql_rv_float(v->u.f);
}
static gql_rv r_color(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(gql_val_get(args, "name")->u.s.ptr);
}
static gql_rv r_items(void *p, const gql_val *args, gql_info *info)
{
    gql_rv *items = GQL_NEWN(info->arena, gql_rv, 3);
    items[0] = gql_rv_int(1);
    items[1] = gql_rv_null();
    items[2] = gql_rv_int(3);
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, 3}};
    return r;
}
static gql_rv r_nullable_items(void *p, const gql_val *args, gql_info *info)
{
    gql_rv *items = GQL_NEWN(info->arena, gql_rv, 3);
    items[0] = gql_rv_int(1);
    items[1] = gql_rv_error(info, "item failed");
    items[2] = gql_rv_str("x");
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, 3}};
    return r;
}
static gql_rv r_not_list(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(1);
}
static gql_rv r_nested(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"nested", NULL);
}
/* Nested.a is null at the second level, so "b { a }" propagates. */
static gql_rv r_nested_a(void *p, const gql_val *args, gql_info *info)
{
    return strcmp(p, "nested") == 0 ? gql_rv_str("A") : gql_rv_null();
}
static gql_rv r_nested_b(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"deeper", NULL);
}
static gql_rv r_count(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(++counter);
}
static gql_rv r_inc(void *p, const gql_val *args, gql_info *info)
{
    counter += (int)gql_val_get(args, "by")->u.i;
    return gql_rv_int(counter);
}
static gql_rv r_even(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(21);
}
static bool serialize_even(const gql_rv *in, gql_val *out, gql_arena *a, const char **err,
                           void *data)
{
    if (in->kind != GQL_RV_INT) {
        *err = "Even needs an int";
        return false;
    }
    out->kind = GQL_VAL_INT;
    out->u.i = in->u.i * 2;
    return true;
}
static gql_rv r_default(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(gql_arena_printf(info->arena, "default:%s", info->field_name));
}
static gql_rv r_untyped(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"x", NULL);
}
static gql_rv r_bad_type(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"x", "Nested");
}
static gql_rv r_wrong_type(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object((void *)"x", "Color");
}

static gql_rv r_info(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(gql_arena_printf(
        info->arena, "%s.%s as %s: %s, parent=%s root=%s ctx=%s data=%s node=%u:%u",
        info->parent_type->name, info->field_name, info->response_key,
        gql_type_str(info->arena, info->return_type), (const char *)p,
        (const char *)info->root_value, (const char *)info->context, (const char *)info->field_data,
        info->node->loc.line, info->node->loc.column));
}
static gql_rv r_half(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int(gql_val_get(args, "e")->u.i);
}
static bool parse_even(const gql_val *in, gql_val *out, gql_arena *a, const char **err, void *data)
{
    if (in->kind != GQL_VAL_INT || in->u.i % 2) {
        *err = "Even cannot represent an odd or non-integer value";
        return false;
    }
    out->kind = GQL_VAL_INT;
    out->u.i = in->u.i / 2;
    return true;
}

static gql_schema *schema(void)
{
    static gql_schema *s;
    if (s)
        return s;
    char *errors = NULL;
    s = gql_schema_build(sdl, strlen(sdl), &errors);
    if (!s) {
        fprintf(stderr, "schema: %s\n", errors ? errors : "?");
        free(errors);
        exit(1);
    }
    static const struct {
        const char *type, *field;
        gql_resolve_fn fn;
    } binds[] = {
        {"Query", "hello", r_hello},
        {"Query", "echo", r_echo},
        {"Query", "given", r_given},
        {"Query", "user", r_user},
        {"Query", "users", r_users},
        {"Query", "node", r_node},
        {"Query", "things", r_things},
        {"Query", "lazy", r_lazy},
        {"Query", "missing", r_null},
        {"Query", "fail", r_fail},
        {"Query", "failExt", r_fail_ext},
        {"Query", "int", r_int},
        {"Query", "str", r_str},
        {"Query", "color", r_color},
        {"Query", "items", r_items},
        {"Query", "nullableItems", r_nullable_items},
        {"Query", "notList", r_not_list},
        {"Query", "nested", r_nested},
        {"Query", "count", r_count},
        {"Query", "even", r_even},
        {"Query", "noType", r_untyped},
        {"Query", "badType", r_bad_type},
        {"Query", "wrongType", r_wrong_type},
        {"Nested", "a", r_nested_a},
        {"Nested", "b", r_nested_b},
        {"Nested", "c", r_null},
        {"User", "id", r_user_id},
        {"User", "name", r_user_name},
        {"User", "email", r_user_email},
        {"User", "best", r_user_best},
        {"User", "friends", r_user_friends},
        {"Bot", "id", r_bot_id},
        {"Bot", "model", r_bot_model},
        {"Mutation", "inc", r_inc},
        {"Subscription", "ticks", r_count},
    };
    for (size_t i = 0; i < sizeof binds / sizeof binds[0]; i++)
        if (gql_schema_bind(s, binds[i].type, binds[i].field, binds[i].fn, NULL) != 0)
            fprintf(stderr, "cannot bind %s.%s\n", binds[i].type, binds[i].field);
    gql_schema_bind_type_resolver(s, "Node", resolve_node_type, NULL);
    gql_schema_set_default_resolver(s, r_default, NULL);
    gql_schema_bind(s, "Query", "info", r_info, "bound-data");
    gql_schema_bind(s, "Query", "half", r_half, NULL);
    gql_scalar_ops ops = {.parse = parse_even, .serialize = serialize_even};
    gql_schema_bind_scalar(s, "Even", &ops);
    return s;
}

static gql_result last;

/* Run a request; vars is JSON text or NULL. Returns the response body. */
static const char *run_op(const char *query, const char *vars, const char *op,
                          const gql_limits *limits)
{
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_val v;
    const char *err = NULL;
    if (vars && !gql_val_parse_json(&a, vars, strlen(vars), &v, &err))
        TEST_FAIL_("bad variables JSON: %s", err);
    gql_result_free(&last);
    memset(&last, 0, sizeof last);
    gql_request req = {.query = query,
                       .query_len = strlen(query),
                       .operation_name = op,
                       .variables = vars ? &v : NULL,
                       .limits = limits};
    gql_run(schema(), NULL, &req, &last);
    gql_arena_free(&a);
    return gql_buf_cstr(&last.body);
}

static const char *run(const char *query)
{
    return run_op(query, NULL, NULL, NULL);
}

/* Run with a root value and a context. */
static const char *run_ctx(const char *query, void *root, void *ctx)
{
    gql_result_free(&last);
    memset(&last, 0, sizeof last);
    gql_request req = {
        .query = query, .query_len = strlen(query), .root_value = root, .context = ctx};
    gql_run(schema(), NULL, &req, &last);
    return gql_buf_cstr(&last.body);
}

/* --------------------------------------------------------------- basics */

TEST(defaults_filled_in_are_told_apart_from_given_values)
{
    CHECK_STR(run_op("{ given }", NULL, NULL, NULL),
              "{\"data\":{\"given\":\"o:0 o.color:0 o.limit:0 d:0\"}}");
    CHECK_STR(run_op("{ given(o: {limit: 2}, d: 5) }", NULL, NULL, NULL),
              "{\"data\":{\"given\":\"o:1 o.color:0 o.limit:1 d:1\"}}");
    CHECK_STR(run_op("{ given(o: {limit: 2, color: RED}) }", NULL, NULL, NULL),
              "{\"data\":{\"given\":\"o:1 o.color:1 o.limit:1 d:0\"}}");
    CHECK_STR(run_op("query($o: Filter) { given(o: $o) }", "{\"o\":{\"limit\":1}}", NULL, NULL),
              "{\"data\":{\"given\":\"o:1 o.color:0 o.limit:1 d:0\"}}");
    CHECK_STR(run_op("query($o: Filter) { given(o: $o) }",
                     "{\"o\":{\"limit\":1,\"color\":\"RED\"}}", NULL, NULL),
              "{\"data\":{\"given\":\"o:1 o.color:1 o.limit:1 d:0\"}}");
}

TEST(executes_a_query_and_writes_data)
{
    CHECK_STR(run("{ hello }"), "{\"data\":{\"hello\":\"world\"}}");
    CHECK_INT(last.stage, GQL_STAGE_OK);
    CHECK_INT(last.nerrors, 0);
    CHECK(!last.data_null);
    CHECK_INT(last.op_type, GQL_OP_QUERY);
}

TEST(response_keys_follow_selection_order_and_aliases)
{
    CHECK_STR(run("{ b: hello a: hello hello }"),
              "{\"data\":{\"b\":\"world\",\"a\":\"world\",\"hello\":\"world\"}}");
}

TEST(typename_is_answered_on_root_and_objects)
{
    CHECK_STR(run("{ __typename user(id: 1) { __typename t: __typename } }"),
              "{\"data\":{\"__typename\":\"Query\",\"user\":{\"__typename\":\"User\","
              "\"t\":\"User\"}}}");
}

TEST(nested_objects_and_lists_are_completed)
{
    CHECK_STR(run("{ user(id: \"1\") { name best { name } friends { id } } }"),
              "{\"data\":{\"user\":{\"name\":\"Ada\",\"best\":{\"name\":\"Bob\"},"
              "\"friends\":[{\"id\":\"2\"},{\"id\":\"3\"}]}}}");
}

TEST(default_resolver_answers_unbound_fields)
{
    CHECK_STR(run("{ plain }"), "{\"data\":{\"plain\":\"default:plain\"}}");
}

TEST(lists_produced_on_demand_are_written_in_order)
{
    CHECK_STR(run("{ lazy }"), "{\"data\":{\"lazy\":[0,10,20,30]}}");
}

/* ------------------------------------------------------ field collection */

TEST(merged_fields_are_resolved_once)
{
    resolve_calls = 0;
    CHECK_STR(run("{ hello ...F ... on Query { hello } } fragment F on Query { hello }"),
              "{\"data\":{\"hello\":\"world\"}}");
    CHECK_INT(resolve_calls, 1);
}

TEST(merged_fields_merge_their_sub_selections)
{
    CHECK_STR(run("{ user(id: 1) { id } user(id: 1) { name } ...F } "
                  "fragment F on Query { user(id: 1) { email id } }"),
              "{\"data\":{\"user\":{\"id\":\"1\",\"name\":\"Ada\","
              "\"email\":\"ada@example.org\"}}}");
}

TEST(large_selection_sets_merge_by_response_key)
{
    /* 40 keys (past the linear-scan size), each selected twice */
    gql_buf q = GQL_BUF_INIT, want = GQL_BUF_INIT;
    gql_buf_puts(&q, "{ ");
    for (int i = 0; i < 40; i++)
        gql_buf_printf(&q, "a%d: hello ", i);
    gql_buf_puts(&q, "...F } fragment F on Query { ");
    for (int i = 39; i >= 0; i--)
        gql_buf_printf(&q, "a%d: hello ", i);
    gql_buf_puts(&q, "}");
    gql_buf_puts(&want, "{\"data\":{");
    for (int i = 0; i < 40; i++)
        gql_buf_printf(&want, "%s\"a%d\":\"world\"", i ? "," : "", i);
    gql_buf_puts(&want, "}}");
    resolve_calls = 0;
    CHECK_STR(run(gql_buf_cstr(&q)), gql_buf_cstr(&want));
    CHECK_INT(resolve_calls, 40);
    gql_buf_free(&q);
    gql_buf_free(&want);
}

TEST(fragments_are_found_among_many)
{
    /* a chain F0 -> F1 -> ... -> F49 */
    gql_buf r = GQL_BUF_INIT;
    gql_buf_puts(&r, "{ ...F0 }");
    for (int i = 0; i < 49; i++)
        gql_buf_printf(&r, " fragment F%d on Query { ...F%d }", i, i + 1);
    gql_buf_puts(&r, " fragment F49 on Query { hello }");
    CHECK_STR(run(gql_buf_cstr(&r)), "{\"data\":{\"hello\":\"world\"}}");
    gql_buf_free(&r);
}

TEST(skip_and_include_with_literals)
{
    CHECK_STR(run("{ a: hello @skip(if: true) b: hello @skip(if: false) "
                  "c: hello @include(if: false) d: hello @include(if: true) "
                  "e: hello @include(if: true) @skip(if: true) }"),
              "{\"data\":{\"b\":\"world\",\"d\":\"world\"}}");
}

TEST(skip_and_include_with_variables_on_fragments)
{
    const char *q = "query($s: Boolean!, $i: Boolean!) { ...F @skip(if: $s) "
                    "... on Query @include(if: $i) { b: hello } } fragment F on Query { a: hello }";
    CHECK_STR(run_op(q, "{\"s\":true,\"i\":true}", NULL, NULL), "{\"data\":{\"b\":\"world\"}}");
    CHECK_STR(run_op(q, "{\"s\":false,\"i\":false}", NULL, NULL), "{\"data\":{\"a\":\"world\"}}");
}

TEST(null_variable_in_skip_at_the_root_nulls_data_with_an_error)
{
    CHECK_STR(
        run_op("query($s: Boolean = true) { hello @skip(if: $s) }", "{\"s\":null}", NULL, NULL),
        "{\"errors\":[{\"message\":\"Argument \\\"@skip(if:)\\\" has invalid value: "
        "Expected variable \\\"$s\\\" provided to non-null type \\\"Boolean!\\\" not "
        "to be null.\",\"locations\":[{\"line\":1,\"column\":45}]}],\"data\":null}");
}

TEST(null_variable_in_include_below_the_root_is_an_error_of_the_parent_field)
{
    CHECK_STR(run_op("query($s: Boolean = true) { hello nested { c @include(if: $s) } }",
                     "{\"s\":null}", NULL, NULL),
              "{\"errors\":[{\"message\":\"Argument \\\"@include(if:)\\\" has invalid value: "
              "Expected variable \\\"$s\\\" provided to non-null type \\\"Boolean!\\\" not "
              "to be null.\",\"locations\":[{\"line\":1,\"column\":59}],\"path\":[\"nested\"]}],"
              "\"data\":{\"hello\":\"world\",\"nested\":null}}");
}

TEST(type_conditions_select_fields_of_the_runtime_type)
{
    CHECK_STR(run("{ things { __typename ... on User { name } ... on Bot { model } "
                  "...N } } fragment N on Node { id }"),
              "{\"data\":{\"things\":[{\"__typename\":\"Bot\",\"model\":\"R2\",\"id\":\"b1\"},"
              "{\"__typename\":\"User\",\"name\":\"Bob\",\"id\":\"2\"}]}}");
}

/* ----------------------------------------------------------- operations */

TEST(operation_is_selected_by_name)
{
    const char *q = "query A { a: hello } query B { b: hello }";
    CHECK_STR(run_op(q, NULL, "B", NULL), "{\"data\":{\"b\":\"world\"}}");
}

TEST(several_operations_without_a_name_is_a_request_error)
{
    CHECK_STR(run("query A { hello } query B { hello }"),
              "{\"errors\":[{\"message\":\"Must provide operation name if query contains "
              "multiple operations.\"}]}");
    CHECK_INT(last.stage, GQL_STAGE_OPERATION);
}

TEST(unknown_operation_name_is_a_request_error)
{
    CHECK_STR(run_op("query A { hello }", NULL, "C", NULL),
              "{\"errors\":[{\"message\":\"Unknown operation named \\\"C\\\".\"}]}");
    CHECK_INT(last.stage, GQL_STAGE_OPERATION);
}

TEST(prepared_document_tells_the_operation_type_for_http)
{
    const char *q = "query A { hello } mutation B { inc }";
    gql_result res;
    memset(&res, 0, sizeof res);
    gql_prepared *p = gql_prepare(schema(), NULL, q, strlen(q), NULL, &res);
    CHECK(p != NULL);
    if (!p)
        return;
    gql_operation_type t = GQL_OP_QUERY;
    CHECK(gql_prepared_operation_type(p, "B", &t));
    CHECK_INT(t, GQL_OP_MUTATION);
    CHECK(gql_prepared_operation_type(p, "A", &t));
    CHECK_INT(t, GQL_OP_QUERY);
    CHECK(!gql_prepared_operation_type(p, NULL, &t)); /* ambiguous */
    CHECK(!gql_prepared_operation_type(p, "C", &t));  /* unknown */
    CHECK_INT(gql_prepared_document(p)->ndefs, 2);
    gql_prepared_release(p);
    gql_result_free(&res);
}

TEST(mutation_fields_run_serially_in_document_order)
{
    counter = 0;
    CHECK_STR(run("mutation { a: inc b: inc(by: 10) c: inc }"),
              "{\"data\":{\"a\":1,\"b\":11,\"c\":12}}");
    CHECK_INT(last.op_type, GQL_OP_MUTATION);
}

TEST(subscription_executes_once_like_graphql_js_execute)
{
    counter = 0;
    CHECK_STR(run("subscription { ticks }"), "{\"data\":{\"ticks\":1}}");
    CHECK_INT(last.op_type, GQL_OP_SUBSCRIPTION);
}

TEST(parse_errors_are_request_errors_without_data)
{
    CHECK_STR(run("{ hello"), "{\"errors\":[{\"message\":\"Syntax Error: Expected Name, found "
                              "<EOF>.\",\"locations\":[{\"line\":1,\"column\":8}]}]}");
    CHECK_INT(last.stage, GQL_STAGE_PARSE);
}

TEST(validation_errors_are_request_errors_without_data)
{
    CHECK_STR(run("{ zzzzzz }"),
              "{\"errors\":[{\"message\":\"Cannot query field \\\"zzzzzz\\\" on "
              "type \\\"Query\\\".\",\"locations\":[{\"line\":1,\"column\":3}]}]}");
    CHECK_INT(last.stage, GQL_STAGE_VALIDATE);
}

/* ------------------------------------------------------------ arguments */

TEST(arguments_are_coerced_with_defaults_in_definition_order)
{
    CHECK_STR(run("{ echo(l: 3, s: \"x\", f: 1, id: 7, c: GREEN, o: {limit: 2}) }"),
              "{\"data\":{\"echo\":\"{\\\"s\\\":\\\"x\\\",\\\"f\\\":1,\\\"id\\\":\\\"7\\\","
              "\\\"c\\\":\\\"GREEN\\\",\\\"l\\\":[3],\\\"o\\\":{\\\"color\\\":\\\"RED\\\","
              "\\\"limit\\\":2},\\\"d\\\":5}\"}}");
}

TEST(variables_fill_arguments_and_absent_ones_use_the_argument_default)
{
    const char *q = "query($i: Int, $d: Int, $p: Pick) { echo(i: $i, d: $d, p: $p) }";
    CHECK_STR(run_op(q, "{\"i\":4,\"p\":{\"b\":\"x\"}}", NULL, NULL),
              "{\"data\":{\"echo\":\"{\\\"i\\\":4,\\\"p\\\":{\\\"b\\\":\\\"x\\\"},"
              "\\\"d\\\":5}\"}}");
}

TEST(explicit_null_overrides_defaults)
{
    CHECK_STR(run_op("query($d: Int = 3) { echo(d: $d) }", "{\"d\":null}", NULL, NULL),
              "{\"data\":{\"echo\":\"{\\\"d\\\":null}\"}}");
    CHECK_STR(run_op("query($d: Int = 3) { echo(d: $d) }", "{}", NULL, NULL),
              "{\"data\":{\"echo\":\"{\\\"d\\\":3}\"}}");
    CHECK_STR(run("{ echo(d: null) }"), "{\"data\":{\"echo\":\"{\\\"d\\\":null}\"}}");
}

TEST(variable_coercion_failure_is_a_request_error_listing_every_problem)
{
    const char *q = "query($o: Filter, $i: Int) { echo(o: $o, i: $i) }";
    CHECK_STR(run_op(q, "{\"o\":{\"color\":\"BLACK\",\"x\":1},\"i\":\"q\"}", NULL, NULL),
              "{\"errors\":["
              "{\"message\":\"Variable \\\"$o\\\" has invalid value at .color: Value "
              "\\\"BLACK\\\" does not exist in \\\"Color\\\" enum. Did you mean the enum value "
              "\\\"BLUE\\\"?\",\"locations\":[{\"line\":1,\"column\":7}]},"
              "{\"message\":\"Variable \\\"$o\\\" has invalid value: Expected value of type "
              "\\\"Filter\\\" to include required field \\\"limit\\\", found: { color: "
              "\\\"BLACK\\\", x: 1 }.\",\"locations\":[{\"line\":1,\"column\":7}]},"
              "{\"message\":\"Variable \\\"$o\\\" has invalid value: Expected value of type "
              "\\\"Filter\\\" not to include unknown field \\\"x\\\", found: { color: "
              "\\\"BLACK\\\", x: 1 }.\",\"locations\":[{\"line\":1,\"column\":7}]},"
              "{\"message\":\"Variable \\\"$i\\\" has invalid value: Int cannot represent "
              "non-integer value: \\\"q\\\"\",\"locations\":[{\"line\":1,\"column\":19}]}]}");
    CHECK_INT(last.stage, GQL_STAGE_VARIABLES);
    CHECK_INT(last.nerrors, 4);
}

TEST(variable_errors_stop_after_fifty_as_graphql_js)
{
    gql_buf q = GQL_BUF_INIT, v = GQL_BUF_INIT;
    gql_buf_puts(&q, "query(");
    for (int i = 0; i < 60; i++)
        gql_buf_printf(&q, "$v%d: Int ", i);
    gql_buf_puts(&q, ") {");
    for (int i = 0; i < 60; i++)
        gql_buf_printf(&q, " e%d: echo(i: $v%d)", i, i);
    gql_buf_puts(&q, " }");
    gql_buf_puts(&v, "{");
    for (int i = 0; i < 60; i++)
        gql_buf_printf(&v, "%s\"v%d\":\"x\"", i ? "," : "", i);
    gql_buf_puts(&v, "}");
    const char *body = run_op(gql_buf_cstr(&q), gql_buf_cstr(&v), NULL, NULL);
    CHECK_INT(last.stage, GQL_STAGE_VARIABLES);
    CHECK_INT(last.nerrors, 51);
    CHECK_CONTAINS(body, "\"Variable \\\"$v49\\\" has invalid value");
    CHECK(!strstr(body, "$v50"));
    CHECK_CONTAINS(body, "{\"message\":\"Too many errors processing variables, error limit "
                         "reached. Execution aborted.\"}]}");
    gql_buf_free(&q);
    gql_buf_free(&v);
}

TEST(missing_required_variable_is_a_request_error)
{
    CHECK_STR(run_op("query($id: ID!) { user(id: $id) { id } }", "{}", NULL, NULL),
              "{\"errors\":[{\"message\":\"Variable \\\"$id\\\" has invalid value: Expected a "
              "value of non-null type \\\"ID!\\\" to be provided.\",\"locations\":[{\"line\":1,"
              "\"column\":7}]}]}");
}

TEST(one_of_variable_with_two_fields_is_rejected)
{
    CHECK_STR(
        run_op("query($p: Pick) { echo(p: $p) }", "{\"p\":{\"a\":1,\"b\":\"x\"}}", NULL, NULL),
        "{\"errors\":[{\"message\":\"Variable \\\"$p\\\" has invalid value: Within OneOf "
        "Input Object type \\\"Pick\\\", exactly one field must be specified, and the "
        "value for that field must be non-null.\",\"locations\":[{\"line\":1,"
        "\"column\":7}]}]}");
}

TEST(null_variable_in_non_null_argument_is_a_field_error)
{
    CHECK_STR(
        run_op("query($id: ID = \"1\") { user(id: $id) { id } }", "{\"id\":null}", NULL, NULL),
        "{\"errors\":[{\"message\":\"Argument \\\"Query.user(id:)\\\" has invalid value: "
        "Expected variable \\\"$id\\\" provided to non-null type \\\"ID!\\\" not to be "
        "null.\",\"locations\":[{\"line\":1,\"column\":33}],\"path\":[\"user\"]}],"
        "\"data\":{\"user\":null}}");
}

/* ---------------------------------------------------------- field errors */

TEST(resolver_error_nulls_the_field_with_message_locations_and_path)
{
    CHECK_STR(run("{ hello x: fail }"),
              "{\"errors\":[{\"message\":\"boom at x\",\"locations\":[{\"line\":1,\"column\":9}],"
              "\"path\":[\"x\"]}],\"data\":{\"hello\":\"world\",\"x\":null}}");
    CHECK_INT(last.nerrors, 1);
    CHECK(!last.data_null);
}

TEST(error_extensions_are_written)
{
    CHECK_STR(run("{ failExt }"),
              "{\"errors\":[{\"message\":\"denied\",\"locations\":[{\"line\":1,\"column\":3}],"
              "\"path\":[\"failExt\"],\"extensions\":{\"code\":\"FORBIDDEN\"}}],"
              "\"data\":{\"failExt\":null}}");
}

TEST(errors_of_merged_fields_list_every_location)
{
    CHECK_STR(run("{ fail ...F }\nfragment F on Query { fail }"),
              "{\"errors\":[{\"message\":\"boom at fail\",\"locations\":[{\"line\":1,"
              "\"column\":3},{\"line\":2,\"column\":23}],\"path\":[\"fail\"]}],"
              "\"data\":{\"fail\":null}}");
}

TEST(null_in_non_null_field_propagates_to_the_nearest_nullable_parent)
{
    CHECK_STR(run("{ users { id name } hello }"),
              "{\"errors\":[{\"message\":\"Cannot return null for non-nullable field "
              "User.name.\",\"locations\":[{\"line\":1,\"column\":14}],\"path\":[\"users\",2,"
              "\"name\"]}],\"data\":{\"users\":[{\"id\":\"1\",\"name\":\"Ada\"},{\"id\":\"2\","
              "\"name\":\"Bob\"},null],\"hello\":\"world\"}}");
}

TEST(null_propagation_crosses_non_null_levels_and_reports_one_error)
{
    CHECK_STR(run("{ nested { a b { c a } } }"),
              "{\"errors\":[{\"message\":\"Cannot return null for non-nullable field "
              "Nested.a.\",\"locations\":[{\"line\":1,\"column\":20}],\"path\":[\"nested\",\"b\","
              "\"a\"]}],\"data\":{\"nested\":{\"a\":\"A\",\"b\":null}}}");
}

TEST(null_propagating_to_the_root_makes_data_null)
{
    CHECK_STR(run("{ hello missing }"),
              "{\"errors\":[{\"message\":\"Cannot return null for non-nullable field "
              "Query.missing.\",\"locations\":[{\"line\":1,\"column\":9}],\"path\":[\"missing\"]}],"
              "\"data\":null}");
    CHECK(last.data_null);
    CHECK_INT(last.stage, GQL_STAGE_OK);
}

TEST(sibling_fields_after_a_propagating_failure_are_not_executed)
{
    counter = 0;
    run("{ missing count }");
    CHECK_INT(counter, 0);
}

TEST(null_item_in_non_null_list_nulls_the_list_with_the_item_path)
{
    CHECK_STR(run("{ items }"),
              "{\"errors\":[{\"message\":\"Cannot return null for non-nullable field "
              "Query.items.\",\"locations\":[{\"line\":1,\"column\":3}],\"path\":[\"items\",1]}],"
              "\"data\":{\"items\":null}}");
}

TEST(errors_in_nullable_list_items_null_only_the_item)
{
    CHECK_STR(run("{ nullableItems }"),
              "{\"errors\":[{\"message\":\"item failed\",\"locations\":[{\"line\":1,"
              "\"column\":3}],\"path\":[\"nullableItems\",1]},{\"message\":\"Int cannot "
              "represent non-integer value: \\\"x\\\"\",\"locations\":[{\"line\":1,"
              "\"column\":3}],\"path\":[\"nullableItems\",2]}],\"data\":{\"nullableItems\":"
              "[1,null,null]}}");
}

TEST(a_non_list_for_a_list_type_is_a_field_error)
{
    CHECK_STR(run("{ notList }"),
              "{\"errors\":[{\"message\":\"Expected Iterable, but did not find one for field "
              "\\\"Query.notList\\\".\",\"locations\":[{\"line\":1,\"column\":3}],"
              "\"path\":[\"notList\"]}],\"data\":{\"notList\":null}}");
}

TEST(errors_come_before_data_in_the_response)
{
    const char *body = run("{ fail }");
    CHECK(strncmp(body, "{\"errors\":", 10) == 0);
}

/* -------------------------------------------------------- serialization */

TEST(int_results_outside_32_bits_are_field_errors)
{
    CHECK_STR(run("{ a: int(v: 2147483647) b: int(v: 2147483648) c: int(v: 1.5) }"),
              "{\"errors\":[{\"message\":\"Int cannot represent non 32-bit signed integer "
              "value: 2147483648\",\"locations\":[{\"line\":1,\"column\":25}],\"path\":[\"b\"]},"
              "{\"message\":\"Int cannot represent non-integer value: 1.5\",\"locations\":"
              "[{\"line\":1,\"column\":47}],\"path\":[\"c\"]}],\"data\":{\"a\":2147483647,"
              "\"b\":null,\"c\":null}}");
}

TEST(string_results_accept_numbers_and_booleans_as_graphql_js)
{
    CHECK_STR(run("{ a: str(v: 3) b: str(v: 0.5) c: str(b: true) }"),
              "{\"data\":{\"a\":\"3\",\"b\":\"0.5\",\"c\":\"true\"}}");
}

TEST(enum_results_must_name_a_value)
{
    CHECK_STR(run("{ a: color(name: \"RED\") b: color(name: \"PURPLE\") }"),
              "{\"errors\":[{\"message\":\"Enum \\\"Color\\\" cannot represent value: "
              "\\\"PURPLE\\\"\",\"locations\":[{\"line\":1,\"column\":25}],\"path\":[\"b\"]}],"
              "\"data\":{\"a\":\"RED\",\"b\":null}}");
}

TEST(custom_scalar_results_go_through_serialize)
{
    CHECK_STR(run("{ even }"), "{\"data\":{\"even\":42}}");
}

/* ------------------------------------------------------- abstract types */

TEST(abstract_types_use_the_type_resolver_when_the_result_is_untyped)
{
    CHECK_STR(run("{ a: node(id: \"b1\") { __typename id } b: node(id: \"1\") { ... on User "
                  "{ name } } }"),
              "{\"data\":{\"a\":{\"__typename\":\"Bot\",\"id\":\"b1\"},\"b\":{\"name\":\"Ada\"}}}");
}

TEST(abstract_type_resolving_to_a_non_possible_type_is_an_error)
{
    CHECK_STR(run("{ badType { id } }"),
              "{\"errors\":[{\"message\":\"Runtime Object type \\\"Nested\\\" is not a possible "
              "type for \\\"Node\\\".\",\"locations\":[{\"line\":1,\"column\":3}],"
              "\"path\":[\"badType\"]}],\"data\":{\"badType\":null}}");
}

TEST(abstract_type_resolving_to_a_non_object_type_is_an_error)
{
    CHECK_STR(run("{ wrongType { id } }"),
              "{\"errors\":[{\"message\":\"Abstract type \\\"Node\\\" was resolved to a "
              "non-object type \\\"Color\\\".\",\"locations\":[{\"line\":1,\"column\":3}],"
              "\"path\":[\"wrongType\"]}],\"data\":{\"wrongType\":null}}");
}

TEST(resolvers_get_parent_root_context_binding_data_and_field_details)
{
    CHECK_STR(run_ctx("{\n  i: info }", "ROOT", "CTX"),
              "{\"data\":{\"i\":\"Query.info as i: String, parent=ROOT root=ROOT ctx=CTX "
              "data=bound-data node=2:3\"}}");
}

TEST(custom_scalar_arguments_go_through_parse)
{
    CHECK_STR(run("{ half(e: 8) }"), "{\"data\":{\"half\":4}}");
    CHECK_STR(run_op("query($e: Even) { half(e: $e) }", "{\"e\":10}", NULL, NULL),
              "{\"data\":{\"half\":5}}");
    CHECK_STR(run_op("query($e: Even) { half(e: $e) }", "{\"e\":3}", NULL, NULL),
              "{\"errors\":[{\"message\":\"Variable \\\"$e\\\" has invalid value: Even cannot "
              "represent an odd or non-integer value\",\"locations\":[{\"line\":1,"
              "\"column\":7}]}]}");
}

/* ---------------------------------------------------------------- limits */

TEST(list_results_past_max_list_items_are_field_errors)
{
    gql_limits l = gql_limits_default;
    l.max_list_items = 3;
    CHECK_STR(run_op("{ lazy }", NULL, NULL, &l),
              "{\"errors\":[{\"message\":\"The list (4 items) exceeds the max_list_items limit "
              "of 3.\",\"locations\":[{\"line\":1,\"column\":3}],\"path\":[\"lazy\"],"
              "\"extensions\":{\"code\":\"LIMIT_EXCEEDED\",\"limit\":\"max_list_items\"}}],"
              "\"data\":{\"lazy\":null}}");
}

TEST(errors_past_max_errors_are_dropped)
{
    gql_limits l = gql_limits_default;
    l.max_errors = 2;
    run_op("{ a: fail b: fail c: fail }", NULL, NULL, &l);
    CHECK_INT(last.nerrors, 2);
    CHECK_CONTAINS(gql_buf_cstr(&last.body), "\"data\":{\"a\":null,\"b\":null,\"c\":null}");
}

TEST_MAIN()
