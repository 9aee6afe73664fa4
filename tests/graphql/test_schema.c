/* test_schema.c -- the schema built from SDL: types of every kind,
 * extensions, the order introspection lists types in, wrapper identity,
 * predicates and comparators, printSchema, and each schema error with the
 * message and location graphql-js 17 reports (expected texts generated with
 * graphql-js by `node golden/schema/gen.mjs --errors < sdl`: validateSDL,
 * then validateSchema; first location of each error shown).
 */
#include "test.h"

#include <stddef.h>

#include "schema.h"

static char *golden(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/golden/schema/%s", test_data_dir(), name);
    size_t len;
    return test_read_file(path, &len);
}

static gql_schema *build(const char *sdl)
{
    char *err = NULL;
    gql_schema *s = gql_schema_build(sdl, strlen(sdl), &err);
    if (!s)
        fprintf(stderr, "  unexpected schema errors:\n%s\n", err ? err : "(none)");
    free(err);
    return s;
}

static gql_schema *rich(void)
{
    char *sdl = golden("rich.graphql");
    gql_schema *s = sdl ? build(sdl) : NULL;
    free(sdl);
    return s;
}

/* The errors text of a schema that must not build. */
static char *errors_of(const char *sdl)
{
    char *err = NULL;
    gql_schema *s = gql_schema_build(sdl, strlen(sdl), &err);
    if (s) {
        gql_schema_free(s);
        free(err);
        return NULL;
    }
    return err;
}

#define CHECK_ERRORS(sdl, expected)                                                                \
    do {                                                                                           \
        char *e_ = errors_of(sdl);                                                                 \
        CHECK_STR(e_, expected);                                                                   \
        free(e_);                                                                                  \
    } while (0)

#define CHECK_BUILDS(sdl)                                                                          \
    do {                                                                                           \
        gql_schema *s_ = build(sdl);                                                               \
        CHECK(s_ != NULL);                                                                         \
        gql_schema_free(s_);                                                                       \
    } while (0)

static const char *type_names(gql_schema *s, gql_arena *a)
{
    gql_buf b = GQL_BUF_INIT;
    for (size_t i = 0; i < s->ntypes; i++)
        gql_buf_printf(&b, "%s\n", s->types[i]->name);
    const char *r = gql_arena_strdup(a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return r;
}

/* ------------------------------------------------------------ building */

TEST(builtin_scalars_and_introspection_types_are_always_present)
{
    gql_schema *s = build("type Query { a: Int }");
    CHECK(s != NULL);
    if (!s)
        return;
    const char *names[] = {"Int", "Boolean", "String", "__Schema", "__Type", "__TypeKind",
                           "__Field", "__InputValue", "__EnumValue", "__Directive",
                           "__DirectiveLocation"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        CHECK(gql_schema_type(s, names[i]) != NULL);
    CHECK_INT(gql_schema_type(s, "Int")->builtin, GQL_SCALAR_INT);
    CHECK(gql_schema_type(s, "__Type")->introspection);
    CHECK(!gql_schema_type(s, "Query")->introspection);
    /* Float and ID are not referenced, so graphql-js leaves them out too. */
    CHECK(gql_schema_type(s, "Float") == NULL);
    CHECK(gql_schema_type(s, "ID") == NULL);
    gql_schema_free(s);
}

TEST(type_order_is_graphql_js_type_map_order)
{
    gql_schema *s = rich();
    char *want = golden("rich.order.txt");
    CHECK(s != NULL);
    if (s && want) {
        gql_arena a;
        gql_arena_init(&a, 0);
        CHECK_STR(type_names(s, &a), want);
        gql_arena_free(&a);
    }
    free(want);
    gql_schema_free(s);
}

TEST(print_schema_matches_graphql_js)
{
    gql_schema *s = rich();
    char *want = golden("rich.print.graphql");
    char *got = s ? gql_schema_print(s) : NULL;
    CHECK_STR(got, want);
    free(got);
    free(want);
    gql_schema_free(s);
}

TEST(print_schema_omits_conventional_schema_definition)
{
    gql_schema *s = build("type Query { a: Int } type Mutation { b(x: [Int!] = [1]): String }");
    char *got = s ? gql_schema_print(s) : NULL;
    CHECK_STR(got, "type Query {\n  a: Int\n}\n\ntype Mutation {\n  b(x: [Int!] = [1]): String\n}");
    free(got);
    gql_schema_free(s);
}

TEST(root_types_from_schema_definition_and_extension)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(s->query->name, "Root");
    CHECK_STR(s->mutation->name, "Changes");
    CHECK_STR(s->subscription->name, "Events");
    CHECK_STR(s->description, "The rich test schema: every kind of definition and extension.");
    gql_schema_free(s);
}

TEST(root_types_from_conventional_names)
{
    gql_schema *s = build("type Query { a: Int } type Mutation { a: Int }");
    CHECK(s && s->query == gql_schema_type(s, "Query"));
    CHECK(s && s->mutation == gql_schema_type(s, "Mutation"));
    CHECK(s && s->subscription == NULL);
    gql_schema_free(s);
}

TEST(object_fields_arguments_and_defaults)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *root = gql_schema_type(s, "Root");
    CHECK_INT(root->kind, GQL_OBJECT);
    gql_field *search = gql_type_field(root, "search");
    CHECK(search != NULL);
    CHECK_INT(search->nargs, 3);
    CHECK_STR(gql_type_str(&s->arena, search->type), "[SearchResult!]!");
    const gql_input_value *first = gql_field_arg(search, "first");
    CHECK(first && first->default_value && first->default_value->kind == GQL_VALUE_INT);
    CHECK(gql_field_arg(search, "nope") == NULL);
    CHECK(gql_type_field(root, "nope") == NULL);
    CHECK_STR(gql_type_field(root, "node")->description, "Look one node up");
    gql_schema_free(s);
}

TEST(field_lookup_finds_every_field)
{
    gql_buf sdl = GQL_BUF_INIT;
    gql_buf_puts(&sdl, "type Query {");
    for (int i = 0; i < 300; i++)
        gql_buf_printf(&sdl, " f%d: Int", i);
    gql_buf_puts(&sdl, " }");
    gql_schema *s = build(gql_buf_cstr(&sdl));
    CHECK(s != NULL);
    for (int i = 0; s && i < 300; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", i);
        gql_field *f = gql_type_field(s->query, name);
        CHECK(f && strcmp(f->name, name) == 0);
    }
    gql_buf_free(&sdl);
    gql_schema_free(s);
}

TEST(deprecation_on_fields_arguments_input_fields_and_enum_values)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *root = gql_schema_type(s, "Root");
    gql_field *legacy = gql_type_field(root, "legacy");
    CHECK(legacy->deprecated);
    CHECK_STR(legacy->deprecation_reason, "No longer supported");
    gql_field *older = gql_type_field(root, "older");
    CHECK_STR(older->deprecation_reason, "Use `node`.");
    CHECK(gql_field_arg(older, "flag")->deprecated);
    CHECK_STR(gql_field_arg(older, "flag")->deprecation_reason, "Use `mode`");
    CHECK(!gql_field_arg(older, "mode")->deprecated);
    CHECK(!gql_type_field(root, "node")->deprecated);
    const gql_input_value *old = gql_input_field(gql_schema_type(s, "Filter"), "old");
    CHECK(old && old->deprecated);
    gql_type *mode = gql_schema_type(s, "Mode");
    CHECK(!gql_enum_value_by_name(mode, "FAST")->deprecated);
    CHECK(gql_enum_value_by_name(mode, "SLOW")->deprecated);
    CHECK_STR(gql_enum_value_by_name(mode, "EXACT")->deprecation_reason, "Too slow");
    gql_schema_free(s);
}

TEST(extensions_add_fields_values_members_input_fields_and_directives)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *person = gql_schema_type(s, "Person");
    CHECK_INT(person->nfields, 5);
    CHECK_STR(person->fields[4].name, "age");
    CHECK(gql_type_field(person, "age") != NULL);
    gql_type *mode = gql_schema_type(s, "Mode");
    CHECK_INT(mode->nvalues, 4);
    CHECK_STR(mode->values[3].name, "LAZY");
    gql_type *result = gql_schema_type(s, "SearchResult");
    CHECK_INT(result->npossible, 3);
    CHECK_STR(result->possible[2]->name, "Extra");
    gql_type *range = gql_schema_type(s, "Range");
    CHECK_INT(range->ninput_fields, 3);
    CHECK_STR(gql_schema_type(s, "Json")->specified_by_url, "https://json.org");
    gql_schema_free(s);
}

TEST(scalars_enums_input_objects_and_one_of)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *dt = gql_schema_type(s, "DateTime");
    CHECK_INT(dt->kind, GQL_SCALAR);
    CHECK_INT(dt->builtin, GQL_SCALAR_CUSTOM);
    CHECK_STR(dt->specified_by_url, "https://tools.ietf.org/html/rfc3339");
    CHECK_STR(dt->description, "A date as specified by RFC 3339.\n  Indented line kept.");
    CHECK_INT(gql_schema_type(s, "Mode")->kind, GQL_ENUM);
    CHECK(gql_schema_type(s, "Pick")->one_of);
    CHECK(!gql_schema_type(s, "Filter")->one_of);
    CHECK(gql_enum_value_by_name(gql_schema_type(s, "Mode"), "NOPE") == NULL);
    gql_schema_free(s);
}

TEST(interfaces_implementing_interfaces_and_possible_types)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *node = gql_schema_type(s, "Node"), *resource = gql_schema_type(s, "Resource");
    gql_type *image = gql_schema_type(s, "Image"), *person = gql_schema_type(s, "Person");
    CHECK_INT(resource->ninterfaces, 1);
    CHECK(resource->interfaces[0] == node);
    /* Only object types, in type map order (graphql-js getPossibleTypes). */
    CHECK_INT(node->npossible, 2);
    CHECK(node->possible[0] == image);
    CHECK(node->possible[1] == person);
    CHECK_INT(resource->npossible, 1);
    CHECK(gql_is_possible_type(node, person));
    CHECK(!gql_is_possible_type(resource, person));
    gql_schema_free(s);
}

TEST(directives_user_first_then_specified)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    const char *want[] = {"custom", "plain", "old", "include", "skip", "deprecated", "specifiedBy",
                          "oneOf"};
    CHECK_INT(s->ndirectives, 8);
    for (size_t i = 0; i < 8 && i < s->ndirectives; i++)
        CHECK_STR(s->directives[i]->name, want[i]);
    const gql_directive_def *custom = gql_schema_directive(s, "custom");
    CHECK(custom->repeatable && !custom->builtin);
    CHECK(custom->locations & (1u << GQL_DL_FIELD_DEFINITION));
    CHECK(!(custom->locations & (1u << GQL_DL_FIELD)));
    CHECK_STR(gql_directive_arg(custom, "tags")->description, "Tags to attach");
    const gql_directive_def *dep = gql_schema_directive(s, "deprecated");
    CHECK(dep->builtin);
    CHECK_INT(dep->nlocation_names, 5);
    CHECK_STR(dep->location_names[4], "DIRECTIVE_DEFINITION");
    CHECK_STR(gql_type_str(&s->arena, gql_directive_arg(dep, "reason")->type), "String!");
    CHECK(gql_schema_directive(s, "nope") == NULL);
    const gql_directive_def *old = gql_schema_directive(s, "old");
    CHECK(old->deprecated);
    CHECK_STR(old->deprecation_reason, "Use @custom");
    CHECK(gql_directive_arg(old, "x")->deprecated);
    CHECK(!custom->deprecated);
    gql_schema_free(s);
}

TEST(sdl_may_redefine_a_specified_directive)
{
    gql_schema *s = build("directive @skip(if: Boolean!, why: String) on FIELD "
                          "type Query { a: Int }");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(s->directives[0]->name, "skip");
    CHECK_INT(s->directives[0]->nargs, 2);
    CHECK_INT(s->ndirectives, 5);
    gql_schema_free(s);
}

TEST(standard_type_redefined_in_sdl_stays_standard)
{
    gql_schema *s = build("scalar String type Query { a: String }");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_INT(gql_schema_type(s, "String")->builtin, GQL_SCALAR_STRING);
    CHECK_STR(s->types[0]->name, "String");
    gql_schema_free(s);
}

/* ---------------------------------------------- wrappers and predicates */

TEST(wrapper_types_are_unique)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *intt = gql_schema_type(s, "Int");
    gql_type *l1 = gql_type_list(s, gql_type_non_null(s, intt));
    gql_type *l2 = gql_type_list(s, gql_type_non_null(s, intt));
    CHECK(l1 == l2);
    CHECK(gql_type_non_null(s, l1) == gql_type_non_null(s, l2));
    CHECK_STR(gql_type_str(&s->arena, gql_type_non_null(s, l1)), "[Int!]!");
    /* the SDL's [SearchResult!]! is the same object as one made later */
    gql_type *sr = gql_schema_type(s, "SearchResult");
    CHECK(gql_type_field(gql_schema_type(s, "Root"), "search")->type ==
          gql_type_non_null(s, gql_type_list(s, gql_type_non_null(s, sr))));
    gql_schema_free(s);
}

TEST(type_ref_resolve_reuses_cached_wrappers_and_allocates_others)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_type_ref named = {.kind = GQL_TYPE_REF_NAMED, .name = "Person"};
    gql_type_ref nn = {.kind = GQL_TYPE_REF_NON_NULL, .of = &named};
    gql_type_ref list = {.kind = GQL_TYPE_REF_LIST, .of = &nn};
    gql_type_ref list2 = {.kind = GQL_TYPE_REF_LIST, .of = &list};
    gql_type *person = gql_schema_type(s, "Person");
    CHECK(gql_type_ref_resolve(s, &named, &a) == person);
    gql_type *t = gql_type_ref_resolve(s, &list2, &a);
    CHECK_STR(gql_type_str(&a, t), "[[Person!]]");
    CHECK(gql_type_equal(t, gql_type_ref_resolve(s, &list2, &a)));
    gql_type_ref unknown = {.kind = GQL_TYPE_REF_NAMED, .name = "Nope"};
    gql_type_ref wrapped = {.kind = GQL_TYPE_REF_LIST, .of = &unknown};
    CHECK(gql_type_ref_resolve(s, &wrapped, &a) == NULL);
    gql_arena_free(&a);
    gql_schema_free(s);
}

TEST(predicates)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *filter = gql_schema_type(s, "Filter"), *mode = gql_schema_type(s, "Mode");
    gql_type *person = gql_schema_type(s, "Person"), *node = gql_schema_type(s, "Node");
    gql_type *result = gql_schema_type(s, "SearchResult"), *intt = gql_schema_type(s, "Int");
    gql_type *list = gql_type_non_null(s, gql_type_list(s, person));
    CHECK(gql_is_input_type(filter) && gql_is_input_type(gql_type_list(s, mode)));
    CHECK(!gql_is_input_type(person) && !gql_is_output_type(filter));
    CHECK(gql_is_output_type(list) && gql_is_output_type(intt));
    CHECK(gql_is_leaf_type(mode) && gql_is_leaf_type(intt) && !gql_is_leaf_type(list));
    CHECK(gql_is_composite_type(person) && gql_is_composite_type(result));
    CHECK(!gql_is_composite_type(filter));
    CHECK(gql_is_abstract_type(node) && gql_is_abstract_type(result));
    CHECK(!gql_is_abstract_type(person));
    CHECK(gql_named_type(list) == person);
    CHECK(gql_nullable_type(list) == gql_type_list(s, person));
    const gql_input_value *pick = gql_field_arg(gql_type_field(gql_schema_type(s, "Changes"),
                                                               "rename"), "pick");
    CHECK(gql_is_required_input(pick));
    CHECK(!gql_is_required_input(gql_input_field(gql_schema_type(s, "Range"), "step")));
    gql_schema_free(s);
}

TEST(comparators_follow_graphql_js)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_type *person = gql_schema_type(s, "Person"), *node = gql_schema_type(s, "Node");
    gql_type *image = gql_schema_type(s, "Image"), *resource = gql_schema_type(s, "Resource");
    gql_type *result = gql_schema_type(s, "SearchResult"), *extra = gql_schema_type(s, "Extra");
    gql_type *nn_person = gql_type_non_null(s, person);
    CHECK(gql_type_equal(gql_type_list(s, person), gql_type_list(s, person)));
    CHECK(!gql_type_equal(nn_person, person));
    CHECK(gql_type_is_subtype(s, nn_person, person));
    CHECK(!gql_type_is_subtype(s, person, nn_person));
    CHECK(gql_type_is_subtype(s, person, node));
    CHECK(gql_type_is_subtype(s, resource, node)); /* interface implementing interface */
    CHECK(gql_type_is_subtype(s, gql_type_list(s, nn_person), gql_type_list(s, node)));
    CHECK(!gql_type_is_subtype(s, gql_type_list(s, person), node));
    CHECK(!gql_type_is_subtype(s, node, person));
    CHECK(gql_type_is_subtype(s, extra, result));
    CHECK(gql_types_overlap(s, node, result));     /* Image, Person */
    CHECK(gql_types_overlap(s, result, person));
    CHECK(gql_types_overlap(s, image, resource));
    CHECK(!gql_types_overlap(s, extra, node));
    CHECK(!gql_types_overlap(s, person, image));
    gql_schema_free(s);
}

/* -------------------------------------------------------------- bindings */

static gql_rv resolve_one(void *parent, const gql_val *args, gql_info *info)
{
    (void)parent;
    (void)args;
    (void)info;
    return gql_rv_int(1);
}

static const char *resolve_type(void *obj, const gql_type *abstract, gql_info *info, void *data)
{
    (void)obj;
    (void)abstract;
    (void)info;
    return data;
}

TEST(bindings_attach_to_existing_fields_types_and_scalars)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    int tag;
    CHECK_INT(gql_schema_bind(s, "Person", "name", resolve_one, &tag), 0);
    gql_field *f = gql_type_field(gql_schema_type(s, "Person"), "name");
    CHECK(f->resolve == resolve_one && f->resolve_data == &tag);
    CHECK_INT(gql_schema_bind(s, "Person", "nope", resolve_one, NULL), -1);
    CHECK_INT(gql_schema_bind(s, "Nope", "name", resolve_one, NULL), -1);
    CHECK_INT(gql_schema_bind_type_resolver(s, "Node", resolve_type, "Person"), 0);
    CHECK(gql_schema_type(s, "Node")->resolve_type == resolve_type);
    CHECK_INT(gql_schema_bind_type_resolver(s, "Person", resolve_type, NULL), -1);
    gql_scalar_ops ops = {.data = &tag};
    CHECK_INT(gql_schema_bind_scalar(s, "DateTime", &ops), 0);
    CHECK(gql_schema_type(s, "DateTime")->scalar_ops.data == &tag);
    CHECK_INT(gql_schema_bind_scalar(s, "Person", &ops), -1);
    gql_schema_set_default_resolver(s, resolve_one, &tag);
    CHECK(s->default_resolve == resolve_one && s->default_resolve_data == &tag);
    gql_schema_set_default_type_resolver(s, resolve_type, &tag);
    CHECK(s->default_resolve_type == resolve_type);
    gql_schema_free(s);
}

TEST(meta_fields_are_created)
{
    gql_schema *s = build("type Query { a: Int }");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(s->schema_meta_field->name, "__schema");
    CHECK_STR(gql_type_str(&s->arena, s->schema_meta_field->type), "__Schema!");
    CHECK(s->schema_meta_field->resolve != NULL);
    CHECK_STR(s->type_meta_field->name, "__type");
    CHECK_STR(gql_type_str(&s->arena, s->type_meta_field->type), "__Type");
    CHECK_STR(gql_type_str(&s->arena, gql_field_arg(s->type_meta_field, "name")->type), "String!");
    CHECK(s->type_meta_field->resolve != NULL);
    CHECK_STR(s->typename_meta_field->name, "__typename");
    CHECK_STR(gql_type_str(&s->arena, s->typename_meta_field->type), "String!");
    gql_schema_free(s);
}

/* ------------------------------- introspection resolvers, called directly */

/* Call the resolver bound to Type.field on `parent` (args: includeDeprecated
 * when `all` is 0 or 1, none when -1). */
static gql_rv call(gql_schema *s, gql_arena *a, const char *type, const char *field, void *parent,
                   int all)
{
    gql_field *f = gql_type_field(gql_schema_type(s, type), field);
    gql_info info = {.schema = s, .arena = a, .field = f, .field_name = field};
    const char *key = "includeDeprecated";
    gql_val val = {.kind = GQL_VAL_BOOLEAN, .u.b = all == 1};
    gql_val args = {.kind = GQL_VAL_OBJECT};
    if (all >= 0) {
        args.u.obj.keys = &key;
        args.u.obj.vals = &val;
        args.u.obj.n = 1;
    }
    if (!f || !f->resolve)
        return gql_rv_error(&info, "no resolver on %s.%s", type, field);
    return f->resolve(parent, &args, &info);
}

/* Names of a list of introspection objects, "a,b,c". */
static const char *names_of(gql_arena *a, gql_rv r, size_t name_offset)
{
    if (r.kind != GQL_RV_LIST)
        return "(not a list)";
    gql_buf b = GQL_BUF_INIT;
    for (size_t i = 0; i < r.u.list.n; i++) {
        const char *name = *(const char *const *)((const char *)r.u.list.items[i].u.obj.ptr +
                                                  name_offset);
        gql_buf_printf(&b, "%s%s", i ? "," : "", name);
    }
    const char *res = gql_arena_strdup(a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return res;
}

TEST(introspection_fields_hide_deprecated_unless_asked)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_type *root = gql_schema_type(s, "Root");
    CHECK_STR(names_of(&a, call(s, &a, "__Type", "fields", root, 0), offsetof(gql_field, name)),
              "node,search,when");
    CHECK_STR(names_of(&a, call(s, &a, "__Type", "fields", root, 1), offsetof(gql_field, name)),
              "node,search,legacy,older,when");
    gql_type *mode = gql_schema_type(s, "Mode");
    CHECK_STR(names_of(&a, call(s, &a, "__Type", "enumValues", mode, 0),
                       offsetof(gql_enum_value, name)), "FAST,LAZY");
    gql_field *older = gql_type_field(root, "older");
    CHECK_STR(names_of(&a, call(s, &a, "__Field", "args", older, 0),
                       offsetof(gql_input_value, name)), "mode");
    CHECK_STR(names_of(&a, call(s, &a, "__Field", "args", older, 1),
                       offsetof(gql_input_value, name)), "flag,mode");
    CHECK_STR(names_of(&a, call(s, &a, "__Type", "inputFields", gql_schema_type(s, "Filter"), 0),
                       offsetof(gql_input_value, name)), "kinds,range,text,nested");
    CHECK_INT(call(s, &a, "__Type", "fields", mode, 1).kind, GQL_RV_NULL);
    gql_arena_free(&a);
    gql_schema_free(s);
}

TEST(introspection_type_kind_names_and_wrappers)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_type *person = gql_schema_type(s, "Person");
    gql_type *list = gql_type_non_null(s, gql_type_list(s, person));
    gql_rv kind = call(s, &a, "__Type", "kind", list, -1);
    CHECK(kind.kind == GQL_RV_STRING && strcmp(kind.u.s.ptr, "NON_NULL") == 0);
    CHECK_INT(call(s, &a, "__Type", "name", list, -1).kind, GQL_RV_NULL);
    gql_rv of = call(s, &a, "__Type", "ofType", list, -1);
    CHECK(of.kind == GQL_RV_OBJECT && of.u.obj.ptr == gql_type_list(s, person));
    CHECK_STR(of.u.obj.typename, "__Type");
    kind = call(s, &a, "__Type", "kind", gql_schema_type(s, "Pick"), -1);
    CHECK_STR(kind.u.s.ptr, "INPUT_OBJECT");
    gql_rv one_of = call(s, &a, "__Type", "isOneOf", gql_schema_type(s, "Pick"), -1);
    CHECK(one_of.kind == GQL_RV_BOOLEAN && one_of.u.b);
    CHECK_INT(call(s, &a, "__Type", "isOneOf", person, -1).kind, GQL_RV_NULL);
    gql_rv url = call(s, &a, "__Type", "specifiedByURL", gql_schema_type(s, "Json"), -1);
    CHECK_STR(url.u.s.ptr, "https://json.org");
    gql_arena_free(&a);
    gql_schema_free(s);
}

TEST(introspection_default_values_print_as_graphql_literals)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_type *filter = gql_schema_type(s, "Filter");
    gql_rv range = call(s, &a, "__InputValue", "defaultValue",
                        (void *)gql_input_field(filter, "range"), -1);
    CHECK_STR(range.u.s.ptr, "{ from: 1, to: 2.5 }");
    gql_rv text = call(s, &a, "__InputValue", "defaultValue",
                       (void *)gql_input_field(filter, "text"), -1);
    CHECK_STR(text.u.s.ptr, "\"\"\"block default\"\"\"");
    const gql_directive_def *dep = gql_schema_directive(s, "deprecated");
    gql_rv reason = call(s, &a, "__InputValue", "defaultValue",
                         (void *)gql_directive_arg(dep, "reason"), -1);
    CHECK_STR(reason.u.s.ptr, "\"No longer supported\"");
    CHECK_INT(call(s, &a, "__InputValue", "defaultValue",
                   (void *)gql_input_field(filter, "old"), -1).kind, GQL_RV_NULL);
    gql_arena_free(&a);
    gql_schema_free(s);
}

TEST(introspection_directive_locations_in_written_order)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_rv locs = call(s, &a, "__Directive", "locations",
                       (void *)gql_schema_directive(s, "deprecated"), -1);
    CHECK_INT(locs.kind, GQL_RV_LIST);
    const char *want[] = {"FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION",
                          "ENUM_VALUE", "DIRECTIVE_DEFINITION"};
    CHECK_INT(locs.u.list.n, 5);
    for (size_t i = 0; i < 5 && i < locs.u.list.n; i++)
        CHECK_STR(locs.u.list.items[i].u.s.ptr, want[i]);
    gql_rv dirs = call(s, &a, "__Schema", "directives", s, 0);
    CHECK_STR(names_of(&a, dirs, offsetof(gql_directive_def, name)),
              "custom,plain,include,skip,deprecated,specifiedBy,oneOf");
    gql_arena_free(&a);
    gql_schema_free(s);
}

TEST(meta_field_resolvers_find_schema_and_types)
{
    gql_schema *s = rich();
    CHECK(s != NULL);
    if (!s)
        return;
    gql_arena a;
    gql_arena_init(&a, 0);
    gql_info info = {.schema = s, .arena = &a, .parent_type = s->query};
    gql_val args = {.kind = GQL_VAL_OBJECT};
    gql_rv r = s->schema_meta_field->resolve(NULL, &args, &info);
    CHECK(r.kind == GQL_RV_OBJECT && r.u.obj.ptr == s);
    const char *key = "name";
    gql_val name = {.kind = GQL_VAL_STRING, .u.s = {"Person", 6}};
    args.u.obj.keys = &key;
    args.u.obj.vals = &name;
    args.u.obj.n = 1;
    r = s->type_meta_field->resolve(NULL, &args, &info);
    CHECK(r.kind == GQL_RV_OBJECT && r.u.obj.ptr == gql_schema_type(s, "Person"));
    name.u.s.ptr = "Nope";
    name.u.s.len = 4;
    CHECK_INT(s->type_meta_field->resolve(NULL, &args, &info).kind, GQL_RV_NULL);
    r = s->typename_meta_field->resolve(NULL, &args, &info);
    CHECK(r.kind == GQL_RV_STRING && strcmp(r.u.s.ptr, "Root") == 0);
    gql_arena_free(&a);
    gql_schema_free(s);
}

/* ---------------------------------------------------- errors (graphql-js) */

TEST(executable_definitions_are_rejected)
{
    CHECK_ERRORS("type Query { a: Int } query Q { a } fragment F on Query { a }",
                 "1:23: The \"Q\" operation is not a type-system definition: a schema cannot "
                 "contain executable definitions.\n"
                 "1:37: The \"F\" fragment is not a type-system definition: a schema cannot "
                 "contain executable definitions.");
}

/* Deliberate difference: graphql-js 17's validateSchema throws "Expected
 * Query to be a GraphQL leaf type." on a default for a non-input type; the
 * type error is the useful report. */
TEST(default_value_of_non_input_argument_reports_only_the_type_error)
{
    CHECK_ERRORS("type Query { f(x: Query = 1): Int }",
                 "1:19: The type of Query.f(x:) must be Input Type but got: Query.");
}

TEST(errors_may_be_omitted)
{
    CHECK(gql_schema_build("type Query {", 12, NULL) == NULL);
}

TEST(syntax_error_is_reported_with_location)
{
    CHECK_ERRORS("type Query {",
                 "1:13: Syntax Error: Expected Name, found <EOF>.");
}

TEST(lone_schema_definition)
{
    CHECK_ERRORS("schema { query: Q } schema { query: Q } type Q { a: Int }",
                 "1:21: Must provide only one schema definition.\n"
                 "1:10: There can be only one query type in schema.");
}

TEST(unique_operation_types)
{
    CHECK_ERRORS("schema { query: Q query: Q } type Q { a: Int }",
                 "1:10: There can be only one query type in schema.");
}

TEST(unique_operation_types_across_schema_extension)
{
    CHECK_ERRORS("schema { query: Q } extend schema { query: Q } type Q { a: Int }",
                 "1:10: There can be only one query type in schema.");
}

TEST(unique_type_names)
{
    CHECK_ERRORS("type Query { a: Int }\n"
                 "type Query { b: Int }",
                 "1:6: There can be only one type named \"Query\".");
}

TEST(unique_enum_value_names)
{
    CHECK_ERRORS("type Query { a: E } enum E { A B A }",
                 "1:30: Enum value \"E.A\" can only be defined once.");
}

TEST(unique_enum_value_names_across_extension)
{
    CHECK_ERRORS("type Query { a: E } enum E { A } extend enum E { A }",
                 "1:30: Enum value \"E.A\" can only be defined once.");
}

TEST(unique_field_definition_names)
{
    CHECK_ERRORS("type Query { a: Int a: String }",
                 "1:14: Field \"Query.a\" can only be defined once.");
}

TEST(unique_field_definition_names_across_extension)
{
    CHECK_ERRORS("type Query { a: Int } extend type Query { a: String }",
                 "1:14: Field \"Query.a\" can only be defined once.");
}

TEST(unique_input_field_definition_names)
{
    CHECK_ERRORS("input I { a: Int a: Int } type Query { f(i: I): Int }",
                 "1:11: Field \"I.a\" can only be defined once.");
}

TEST(unique_argument_definition_names_on_fields)
{
    CHECK_ERRORS("type Query { f(a: Int, b: Int, a: Int): Int }",
                 "1:16: Argument \"Query.f(a:)\" can only be defined once.");
}

TEST(unique_argument_definition_names_on_directives)
{
    CHECK_ERRORS("directive @d(a: Int, a: Int) on FIELD type Query { a: Int }",
                 "1:14: Argument \"@d(a:)\" can only be defined once.");
}

TEST(unique_directive_names)
{
    CHECK_ERRORS("directive @d on FIELD directive @d on QUERY type Query { a: Int }",
                 "1:12: There can be only one directive named \"@d\".");
}

TEST(known_type_names_with_suggestion)
{
    CHECK_ERRORS("type Query { a: Strin b: [Flot!] }",
                 "1:17: Unknown type \"Strin\". Did you mean \"String\"?\n"
                 "1:27: Unknown type \"Flot\". Did you mean \"Float\"?");
}

TEST(known_type_names_in_interfaces_unions_and_args)
{
    CHECK_ERRORS("type Query implements Nod { a(x: Inputt): Int } union U = Quer",
                 "1:23: Unknown type \"Nod\". Did you mean \"ID\"?\n"
                 "1:34: Unknown type \"Inputt\". Did you mean \"Int\"?\n"
                 "1:59: Unknown type \"Quer\". Did you mean \"Query\"?");
}

TEST(known_type_names_in_schema_definition)
{
    CHECK_ERRORS("schema { query: Q } type Query { a: Int }",
                 "1:17: Unknown type \"Q\".");
}

TEST(known_directives_unknown)
{
    CHECK_ERRORS("type Query { a: Int @foo }",
                 "1:21: Unknown directive \"@foo\".");
}

TEST(known_directives_misplaced)
{
    CHECK_ERRORS("type Query @deprecated { a: Int }",
                 "1:12: Directive \"@deprecated\" may not be used on OBJECT.");
}

TEST(known_directives_misplaced_on_argument)
{
    CHECK_ERRORS("type Query { a(x: Int @specifiedBy(url: \"u\")): Int }",
                 "1:23: Directive \"@specifiedBy\" may not be used on ARGUMENT_DEFINITION.");
}

TEST(unique_directives_per_location)
{
    CHECK_ERRORS("type Query { a: Int @deprecated @deprecated }",
                 "1:21: The directive \"@deprecated\" can only be used once at this"
                 " location.");
}

TEST(unique_directives_per_location_across_extensions)
{
    CHECK_ERRORS("directive @d on OBJECT type Query @d { a: Int } extend type Query @d",
                 "1:35: The directive \"@d\" can only be used once at this location.");
}

TEST(repeatable_directive_may_repeat)
{
    CHECK_BUILDS("directive @d repeatable on OBJECT type Query @d @d { a: Int } extend"
                 " type Query @d");
}

TEST(possible_type_extensions_undefined)
{
    CHECK_ERRORS("type Query { a: Int } extend type Qury { b: Int }",
                 "1:35: Cannot extend type \"Qury\" because it is not defined. Did you"
                 " mean \"Query\"?");
}

TEST(possible_type_extensions_wrong_kind)
{
    CHECK_ERRORS("type Query { a: Int } extend input Query { b: Int }",
                 "1:1: Cannot extend non-input object type \"Query\".");
}

TEST(known_argument_names_on_directives)
{
    CHECK_ERRORS("type Query { a: Int @deprecated(reasn: \"x\") }",
                 "1:33: Unknown argument \"reasn\" on directive \"@deprecated\". Did you"
                 " mean \"reason\"?");
}

TEST(unique_argument_names_in_directives)
{
    CHECK_ERRORS("type Query { a: Int @deprecated(reason: \"x\", reason: \"y\") }",
                 "1:33: There can be only one argument named \"reason\".");
}

TEST(unique_input_field_names_in_literals)
{
    CHECK_ERRORS("input In { x: Int } directive @d(v: In) on FIELD_DEFINITION type Query"
                 " { a: Int @d(v: {x: 1, x: 2}) f(i: In = {x: 1, x: 3}): Int }",
                 "1:88: There can be only one input field named \"x\".\n"
                 "1:112: There can be only one input field named \"x\".");
}

TEST(provided_required_arguments_on_directives)
{
    CHECK_ERRORS("scalar S @specifiedBy type Query { a: S }",
                 "1:10: Argument \"@specifiedBy(url:)\" of type \"String!\" is required, but"
                 " it was not provided.");
}

TEST(query_root_type_must_be_provided)
{
    CHECK_ERRORS("type Foo { a: Int }",
                 "Query root type must be provided.");
}

TEST(query_root_must_be_object)
{
    CHECK_ERRORS("schema { query: Q } input Q { a: Int }",
                 "1:17: Query root type must be Object type, it cannot be Q.");
}

TEST(mutation_root_must_be_object)
{
    CHECK_ERRORS("type Query { a: Int } scalar Mutation",
                 "1:23: Mutation root type must be Object type if provided, it cannot be"
                 " Mutation.");
}

TEST(root_types_must_be_different)
{
    CHECK_ERRORS("schema { query: Q mutation: Q subscription: Q } type Q { a: Int }",
                 "1:17: All root types must be different, \"Q\" type is used as query,"
                 " mutation, and subscription root types.");
}

TEST(reserved_names)
{
    CHECK_ERRORS("type Query { __a: Int f(__x: Int): Int } enum E { __V } input I { __f:"
                 " Int } type T { a(i: I, e: E): Int }",
                 "1:14: Name \"__a\" must not begin with \"__\", which is reserved by"
                 " GraphQL introspection.\n"
                 "1:25: Name \"__x\" must not begin with \"__\", which is reserved by"
                 " GraphQL introspection.\n"
                 "1:51: Name \"__V\" must not begin with \"__\", which is reserved by"
                 " GraphQL introspection.\n"
                 "1:67: Name \"__f\" must not begin with \"__\", which is reserved by"
                 " GraphQL introspection.");
}

TEST(reserved_type_name)
{
    CHECK_ERRORS("type __Foo { a: Int } type Query { f: __Foo }",
                 "1:1: Name \"__Foo\" must not begin with \"__\", which is reserved by"
                 " GraphQL introspection.");
}

TEST(reserved_directive_name)
{
    CHECK_ERRORS("directive @__d on FIELD type Query { a: Int }",
                 "1:1: Name \"__d\" must not begin with \"__\", which is reserved by GraphQL"
                 " introspection.");
}

TEST(field_type_must_be_output)
{
    CHECK_ERRORS("input I { a: Int } type Query { a: I }",
                 "1:36: The type of Query.a must be Output Type but got: I.");
}

TEST(argument_type_must_be_input)
{
    CHECK_ERRORS("type Query { a(x: Query): Int }",
                 "1:19: The type of Query.a(x:) must be Input Type but got: Query.");
}

TEST(directive_argument_type_must_be_input)
{
    CHECK_ERRORS("directive @d(x: Query) on FIELD type Query { a: Int }",
                 "1:14: The type of @d(x:) must be Input Type but got: Query.");
}

TEST(input_field_type_must_be_input)
{
    CHECK_ERRORS("input I { a: Query } type Query { f(i: I): Int }",
                 "1:14: The type of I.a must be Input Type but got: Query.");
}

TEST(required_argument_cannot_be_deprecated)
{
    CHECK_ERRORS("type Query { a(x: Int! @deprecated, y: Int! = 1 @deprecated): Int }",
                 "1:24: Required argument Query.a(x:) cannot be deprecated.");
}

TEST(required_input_field_cannot_be_deprecated)
{
    CHECK_ERRORS("input I { a: Int! @deprecated b: Int @deprecated } type Query { f(i:"
                 " I): Int }",
                 "1:19: Required input field I.a cannot be deprecated.");
}

TEST(must_implement_interface_types_only)
{
    CHECK_ERRORS("type Query implements Other { a: Int } type Other { a: Int }",
                 "1:23: Type Query must only implement Interface types, it cannot"
                 " implement Other.");
}

TEST(cannot_implement_itself)
{
    CHECK_ERRORS("interface I implements I { a: Int } type Query { i: I }",
                 "1:24: Type I cannot implement itself because it would create a"
                 " circular reference.");
}

TEST(can_implement_once)
{
    CHECK_ERRORS("interface I { a: Int } type Query implements I & I { a: Int }",
                 "1:46: Type Query can only implement I once.");
}

TEST(must_implement_transitive_interfaces)
{
    CHECK_ERRORS("interface A { a: Int } interface B implements A { a: Int } type Query"
                 " implements B { a: Int }",
                 "1:47: Type Query must implement A because it is implemented by B.");
}

TEST(interface_cycle)
{
    CHECK_ERRORS("interface A implements B { a: Int } interface B implements A { a: Int"
                 " } type Query { a: A }",
                 "1:60: Type A cannot implement B because it would create a circular"
                 " reference.\n"
                 "1:24: Type B cannot implement A because it would create a circular"
                 " reference.");
}

TEST(interface_field_missing)
{
    CHECK_ERRORS("interface I { a: Int b: Int } type Query implements I { a: Int }",
                 "1:22: Interface field I.b expected but Query does not provide it.");
}

TEST(interface_field_wrong_type)
{
    CHECK_ERRORS("interface I { a: Int } type Query implements I { a: String }",
                 "1:18: Interface field I.a expects type Int but Query.a is type String.");
}

TEST(interface_field_covariant_types_allowed)
{
    CHECK_BUILDS("interface I { a: I b: [I] c: Int } type Query implements I { a: Query"
                 " b: [Query!]! c: Int! }");
}

TEST(interface_field_argument_missing)
{
    CHECK_ERRORS("interface I { a(x: Int): Int } type Query implements I { a: Int }",
                 "1:17: Interface field argument I.a(x:) expected but Query.a does not"
                 " provide it.");
}

TEST(interface_field_argument_wrong_type)
{
    CHECK_ERRORS("interface I { a(x: Int): Int } type Query implements I { a(x: Int!):"
                 " Int }",
                 "1:20: Interface field argument I.a(x:) expects type Int but"
                 " Query.a(x:) is type Int!.");
}

TEST(implementation_extra_required_argument)
{
    CHECK_ERRORS("interface I { a: Int } type Query implements I { a(x: Int!, y: Int, z:"
                 " Int! = 1): Int }",
                 "1:52: Argument \"Query.a(x:)\" must not be required type \"Int!\" if not"
                 " provided by the Interface field \"I.a\".");
}

TEST(implementation_field_not_deprecated_like_interface)
{
    CHECK_ERRORS("interface I { a: Int } type Query implements I { a: Int @deprecated }",
                 "1:57: Interface field I.a is not deprecated, so implementation field"
                 " Query.a must not be deprecated.");
}

TEST(union_needs_members)
{
    CHECK_ERRORS("union U type Query { u: U }",
                 "1:1: Union type U must define one or more member types.");
}

TEST(union_member_once)
{
    CHECK_ERRORS("union U = A | A type A { a: Int } type Query { u: U }",
                 "1:11: Union type U can only include type A once.");
}

TEST(union_members_are_objects)
{
    CHECK_ERRORS("union U = I interface I { a: Int } type Query { u: U }",
                 "1:11: Union type U can only include Object types, it cannot include I.");
}

TEST(enum_needs_values)
{
    CHECK_ERRORS("enum E type Query { e: E }",
                 "1:1: Enum type E must define one or more values.");
}

TEST(input_object_needs_fields)
{
    CHECK_ERRORS("input I type Query { f(i: I): Int }",
                 "1:1: Input Object type I must define one or more fields.");
}

TEST(object_needs_fields)
{
    CHECK_ERRORS("type Query",
                 "1:1: Type Query must define one or more fields.");
}

TEST(interface_needs_fields_reported_at_extensions_too)
{
    CHECK_ERRORS("directive @d on INTERFACE interface I extend interface I @d type Query"
                 " { i: I }",
                 "1:27: Type I must define one or more fields.");
}

TEST(one_of_fields_nullable_without_default)
{
    CHECK_ERRORS("input I @oneOf { a: Int! b: Int = 1 c: Int } type Query { f(i: I): Int"
                 " }",
                 "1:21: OneOf input field I.a must be nullable.\n"
                 "1:26: OneOf input field I.b cannot have a default value.");
}

TEST(input_object_cycle_of_non_null_fields)
{
    CHECK_ERRORS("input A { b: B! } input B { a: A! } type Query { f(a: A): Int }",
                 "1:11: Input Object A cannot be provided a finite value because it"
                 " references itself through fields: A.b, B.a.");
}

TEST(input_object_cycle_broken_by_nullable_or_list)
{
    CHECK_BUILDS("input A { b: B! c: [A!]! } input B { a: A } type Query { f(a: A): Int"
                 " }");
}

TEST(one_of_input_object_cycle)
{
    CHECK_ERRORS("input A @oneOf { a: A b: B } input B @oneOf { a: A } type Query { f(a:"
                 " A): Int }",
                 "1:18: Input Object A cannot be provided a finite value because it"
                 " references itself through fields: A.a.\n"
                 "1:23: Input Object A cannot be provided a finite value because it"
                 " references itself through fields: A.b, B.a.");
}

TEST(one_of_input_object_with_scalar_escape)
{
    CHECK_BUILDS("input A @oneOf { a: A s: Int } type Query { f(a: A): Int }");
}

TEST(default_value_of_wrong_scalar_type)
{
    CHECK_ERRORS("type Query { f(x: Int = \"a\"): Int }",
                 "1:25: Query.f(x:) has invalid default value: Int cannot represent"
                 " non-integer value: \"a\"");
}

TEST(default_value_list_item_path)
{
    CHECK_ERRORS("type Query { f(x: [Int] = [1, \"b\"]): Int }",
                 "1:31: Query.f(x:) has invalid default value at [1]: Int cannot"
                 " represent non-integer value: \"b\"");
}

TEST(default_value_input_object_fields)
{
    CHECK_ERRORS("input I { a: Int! b: String } type Query { f(x: I = {b: 1}): Int }",
                 "1:53: Query.f(x:) has invalid default value: Expected value of type"
                 " \"I\" to include required field \"a\", found: { b: 1 }.\n"
                 "1:57: Query.f(x:) has invalid default value at .b: String cannot"
                 " represent a non string value: 1");
}

TEST(default_value_unknown_input_field)
{
    CHECK_ERRORS("input I { a: Int } type Query { f(x: I = {c: 1}): Int }",
                 "1:43: Query.f(x:) has invalid default value: Expected value of type"
                 " \"I\" not to include unknown field \"c\". Did you mean \"a\"? Found: { c: 1"
                 " }.");
}

TEST(default_value_leaf_coercions)
{
    CHECK_ERRORS("enum E { A } type Query { f(x: E = B, y: E = \"A\", z: Int = 3000000000,"
                 " w: Float = 1, v: ID = 1.5, u: Boolean = 0, t: ID = 7, s: Json = {any:"
                 " [1]}): Int } scalar Json",
                 "1:36: Query.f(x:) has invalid default value: Value \"B\" does not exist"
                 " in \"E\" enum. Did you mean the enum value \"A\"?\n"
                 "1:46: Query.f(y:) has invalid default value: Enum \"E\" cannot represent"
                 " non-enum value: \"A\". Did you mean the enum value \"A\"?\n"
                 "1:60: Query.f(z:) has invalid default value: Int cannot represent non"
                 " 32-bit signed integer value: 3000000000\n"
                 "1:94: Query.f(v:) has invalid default value: ID cannot represent a"
                 " non-string and non-integer value: 1.5\n"
                 "1:112: Query.f(u:) has invalid default value: Boolean cannot represent"
                 " a non boolean value: 0");
}

TEST(default_value_one_of)
{
    CHECK_ERRORS("input I @oneOf { a: Int b: Int } type Query { f(x: I = {a: 1, b: 2},"
                 " y: I = {a: null}, z: I = {b: 3}): Int }",
                 "1:56: Query.f(x:) has invalid default value: Within OneOf Input Object"
                 " type \"I\", exactly one field must be specified, and the value for that"
                 " field must be non-null.\n"
                 "1:77: Query.f(y:) has invalid default value at .a: Within OneOf Input"
                 " Object type \"I\", exactly one field must be specified, and the value"
                 " for that field must be non-null.");
}

TEST(default_value_non_null)
{
    CHECK_ERRORS("type Query { f(x: Int! = null): Int }",
                 "1:26: Query.f(x:) has invalid default value: Expected value of"
                 " non-null type \"Int!\" not to be null.");
}

TEST(default_value_on_directive_argument)
{
    CHECK_ERRORS("directive @d(x: Int = \"s\") on FIELD type Query { a: Int }",
                 "1:23: @d(x:) has invalid default value: Int cannot represent"
                 " non-integer value: \"s\"");
}

TEST(default_value_on_input_field)
{
    CHECK_ERRORS("input I { a: Int = \"x\" } type Query { f(i: I): Int }",
                 "1:20: I.a has invalid default value: Int cannot represent non-integer"
                 " value: \"x\"");
}

TEST(default_value_cycle_through_fields)
{
    CHECK_ERRORS("input A { b: B = {} } input B { a: A = {} } type Query { f(a: A): Int"
                 " }",
                 "1:18: Invalid circular reference. The default value of Input Object"
                 " field A.b references itself via the default values of: B.a.");
}

TEST(default_value_cycle_on_itself)
{
    CHECK_ERRORS("input A { a: A = {} } type Query { f(a: A): Int }",
                 "1:18: Invalid circular reference. The default value of Input Object"
                 " field A.a references itself.");
}

TEST(default_value_without_cycle)
{
    CHECK_BUILDS("input A { a: A = {a: null} b: [A] = [] } type Query { f(a: A): Int }");
}

TEST(deprecated_directive_definition)
{
    CHECK_BUILDS("directive @old @deprecated(reason: \"gone\") on FIELD type Query { a:"
                 " Int }");
}

TEST(several_sdl_errors_in_graphql_js_order)
{
    CHECK_ERRORS("type Query @foo { a: Strin @deprecated(reasn: 1) @deprecated b(x: In ="
                 " {a: 1, a: 2} @skip): Int } extend type Nope { c: Int } input In { a:"
                 " Int a: Int } directive @d(x: Int, x: Int) on FIELD directive @d on"
                 " FIELD schema { query: Query query: Query }",
                 "1:12: Unknown directive \"@foo\".\n"
                 "1:28: The directive \"@deprecated\" can only be used once at this"
                 " location.\n"
                 "1:22: Unknown type \"Strin\". Did you mean \"String\" or \"In\"?\n"
                 "1:40: Unknown argument \"reasn\" on directive \"@deprecated\". Did you"
                 " mean \"reason\"?\n"
                 "1:73: There can be only one input field named \"a\".\n"
                 "1:85: Directive \"@skip\" may not be used on ARGUMENT_DEFINITION.\n"
                 "1:85: Argument \"@skip(if:)\" of type \"Boolean!\" is required, but it was"
                 " not provided.\n"
                 "1:111: Cannot extend type \"Nope\" because it is not defined.\n"
                 "1:138: Field \"In.a\" can only be defined once.\n"
                 "1:167: Argument \"@d(x:)\" can only be defined once.\n"
                 "1:165: There can be only one directive named \"@d\".\n"
                 "1:223: There can be only one query type in schema.");
}

TEST(directive_uniqueness_across_scalar_extension)
{
    CHECK_ERRORS("scalar S @specifiedBy @specifiedBy(url: \"x\") type Query { f: S"
                 " @include }  extend scalar S @specifiedBy(url: \"y\")",
                 "1:10: The directive \"@specifiedBy\" can only be used once at this"
                 " location.\n"
                 "1:10: Argument \"@specifiedBy(url:)\" of type \"String!\" is required, but"
                 " it was not provided.\n"
                 "1:64: Directive \"@include\" may not be used on FIELD_DEFINITION.\n"
                 "1:64: Argument \"@include(if:)\" of type \"Boolean!\" is required, but it"
                 " was not provided.\n"
                 "1:10: The directive \"@specifiedBy\" can only be used once at this"
                 " location.");
}

TEST(enum_errors_in_order)
{
    CHECK_ERRORS("enum E @deprecated { A @deprecated @deprecated B A } type Query { e: E"
                 " } extend enum E { B }",
                 "1:22: Enum value \"E.A\" can only be defined once.\n"
                 "1:8: Directive \"@deprecated\" may not be used on ENUM.\n"
                 "1:24: The directive \"@deprecated\" can only be used once at this"
                 " location.\n"
                 "1:48: Enum value \"E.B\" can only be defined once.");
}

TEST_MAIN()
