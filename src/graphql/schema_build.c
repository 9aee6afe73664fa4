/* schema_build.c -- building a schema from SDL (graphql-js buildSchema).
 *
 * The steps follow graphql-js 17 (buildASTSchema + extendSchemaImpl +
 * the GraphQLSchema constructor) so that what introspection shows is the
 * same, down to the order of __schema.types:
 *
 *   1. parse the built-in SDL (specified scalars, directives, introspection
 *      types, see introspection.c) and the user's SDL;
 *   2. run the SDL rules (schema_check.c); any error stops the build;
 *   3. declare every named type, attach extensions, then fill fields,
 *      interfaces, members, values and input fields (type references are
 *      resolved against the declared names, so definition order is free);
 *   4. directives (the SDL's, then the specified ones it does not redefine),
 *      root types (schema {} or the names Query/Mutation/Subscription);
 *   5. order the types as the GraphQLSchema constructor's
 *      collectReferencedTypes does, index them, compute interfaces'
 *      possible types in that order;
 *   6. validateSchema (schema_check.c), then bind introspection.
 *
 * The schema keeps both parsed documents alive: names, descriptions and
 * default-value literals point into them, which saves copying the whole SDL
 * into the schema arena.
 */
#include "parser.h"
#include "schema.h"
#include "schema_internal.h"

#include <stdlib.h>
#include <string.h>

/* The schema and the documents its strings live in; gql_schema is the first
 * member so a gql_schema * is also a schema_box *. */
typedef struct schema_box {
    gql_schema s;
    gql_document *doc;
    gql_document *builtin_doc;
} schema_box;

/* ------------------------------------------------------ build registry */

gql_tinfo *gql_sbuild_info(const gql_sbuild *b, const char *name)
{
    if (!name || !b->idx)
        return NULL;
    uint32_t h = gql_schema_hash(name) & b->mask;
    for (uint32_t e; (e = b->idx[h]) != 0; h = (h + 1) & b->mask)
        if (strcmp(b->infos[e - 1]->type->name, name) == 0)
            return b->infos[e - 1];
    return NULL;
}

static gql_tinfo *add_info(gql_sbuild *b, gql_type *t, const gql_type_def *def, bool builtin)
{
    gql_tinfo *ti = GQL_NEW(b->tmp, gql_tinfo);
    ti->type = t;
    ti->def = def;
    ti->builtin = builtin;
    b->infos[b->ninfos++] = ti;
    uint32_t h = gql_schema_hash(t->name) & b->mask;
    while (b->idx[h])
        h = (h + 1) & b->mask;
    b->idx[h] = (uint32_t)b->ninfos;
    return ti;
}

static uint32_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

static void pm_insert(const void **keys, const void **vals, uint32_t mask, const void *k,
                      const void *v)
{
    uint32_t h = ptr_hash(k) & mask;
    while (keys[h] && keys[h] != k)
        h = (h + 1) & mask;
    keys[h] = k;
    vals[h] = v;
}

void gql_sbuild_node_put(gql_sbuild *b, const void *key, const void *node)
{
    if ((b->pm_n + 1) * 2 > (size_t)b->pm_mask + 1 || !b->pm_keys) {
        uint32_t cap = b->pm_keys ? (b->pm_mask + 1) * 2 : 256;
        const void **keys = GQL_NEWN(b->tmp, const void *, cap);
        const void **vals = GQL_NEWN(b->tmp, const void *, cap);
        for (uint32_t i = 0; b->pm_keys && i <= b->pm_mask; i++)
            if (b->pm_keys[i])
                pm_insert(keys, vals, cap - 1, b->pm_keys[i], b->pm_vals[i]);
        b->pm_keys = keys;
        b->pm_vals = vals;
        b->pm_mask = cap - 1;
    }
    pm_insert(b->pm_keys, b->pm_vals, b->pm_mask, key, node);
    b->pm_n++;
}

const void *gql_sbuild_node(const gql_sbuild *b, const void *key)
{
    if (!b->pm_keys)
        return NULL;
    uint32_t h = ptr_hash(key) & b->pm_mask;
    for (; b->pm_keys[h]; h = (h + 1) & b->pm_mask)
        if (b->pm_keys[h] == key)
            return b->pm_vals[h];
    return NULL;
}

/* --------------------------------------------------------- type kinds */

static bool is_type_def_kind(gql_definition_kind k)
{
    return k >= GQL_DEF_SCALAR && k <= GQL_DEF_INPUT_OBJECT;
}

static gql_type_kind kind_of_def(gql_definition_kind k)
{
    switch (k) {
    case GQL_DEF_OBJECT:
        return GQL_OBJECT;
    case GQL_DEF_INTERFACE:
        return GQL_INTERFACE;
    case GQL_DEF_UNION:
        return GQL_UNION;
    case GQL_DEF_ENUM:
        return GQL_ENUM;
    case GQL_DEF_INPUT_OBJECT:
        return GQL_INPUT_OBJECT;
    default:
        return GQL_SCALAR;
    }
}

static gql_builtin_scalar builtin_scalar(const char *name)
{
    static const char *const names[] = {"Int", "Float", "String", "Boolean", "ID"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0)
            return (gql_builtin_scalar)(GQL_SCALAR_INT + i);
    return GQL_SCALAR_CUSTOM;
}

/* ----------------------------------------------------- declaring types */

static void declare_types(gql_sbuild *b, const gql_document *doc, bool builtin)
{
    for (size_t i = 0; i < doc->ndefs; i++) {
        const gql_definition *d = &doc->defs[i];
        if (!is_type_def_kind(d->kind) || d->u.type_def->extension)
            continue;
        const gql_type_def *td = d->u.type_def;
        gql_tinfo *ti = gql_sbuild_info(b, td->name);
        if (ti) {
            /* A standard type redefined in the SDL stays the standard one
             * but takes the SDL's position (graphql-js stdTypeMap);
             * anything else is a duplicate the SDL rules reported. */
            if (!builtin && ti->builtin && !ti->listed) {
                ti->listed = true;
                gql_vec_push(b->tmp, &b->user_types, ti);
            }
            continue;
        }
        gql_type *t = GQL_NEW(&b->s->arena, gql_type);
        t->kind = kind_of_def(d->kind);
        t->name = td->name;
        t->description = td->description;
        if (builtin) {
            t->introspection = strncmp(td->name, "__", 2) == 0;
            if (t->kind == GQL_SCALAR)
                t->builtin = builtin_scalar(td->name);
        }
        ti = add_info(b, t, td, builtin);
        if (!builtin) {
            ti->listed = true;
            gql_vec_push(b->tmp, &b->user_types, ti);
        }
    }
}

static void attach_extensions(gql_sbuild *b, const gql_document *doc)
{
    for (size_t i = 0; i < doc->ndefs; i++) {
        const gql_definition *d = &doc->defs[i];
        if (d->kind == GQL_DEF_SCHEMA) {
            if (d->u.type_def->extension)
                gql_vec_push(b->tmp, &b->schema_exts, (void *)d->u.type_def);
            else if (!b->schema_def)
                b->schema_def = d->u.type_def;
            continue;
        }
        if (!is_type_def_kind(d->kind) || !d->u.type_def->extension)
            continue;
        gql_tinfo *ti = gql_sbuild_info(b, d->u.type_def->name);
        /* Extensions of standard types are ignored, as graphql-js does. */
        if (!ti || ti->builtin || ti->type->kind != kind_of_def(d->kind))
            continue;
        gql_vec_push(b->tmp, &ti->exts, (void *)d->u.type_def);
    }
}

/* ------------------------------------------------------ filling types */

static gql_type *resolve_ref(gql_sbuild *b, const gql_type_ref *ref)
{
    if (!ref)
        return NULL;
    if (ref->kind == GQL_TYPE_REF_NAMED) {
        gql_tinfo *ti = gql_sbuild_info(b, ref->name);
        return ti ? ti->type : NULL;
    }
    gql_type *inner = resolve_ref(b, ref->of);
    if (!inner)
        return NULL;
    return ref->kind == GQL_TYPE_REF_LIST ? gql_type_list(b->s, inner)
                                          : gql_type_non_null(b->s, inner);
}

static const gql_directive *find_directive(const gql_directive *dirs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(dirs[i].name, name) == 0)
            return &dirs[i];
    return NULL;
}

static const gql_value *directive_arg(const gql_directive *d, const char *name)
{
    for (size_t i = 0; d && i < d->nargs; i++)
        if (strcmp(d->args[i].name, name) == 0)
            return d->args[i].value;
    return NULL;
}

/* graphql-js getDeprecationReason: the reason given, else the default. */
static const char *deprecation(const gql_directive *dirs, size_t n)
{
    const gql_directive *d = find_directive(dirs, n, "deprecated");
    if (!d)
        return NULL;
    const gql_value *v = directive_arg(d, "reason");
    if (v && v->kind == GQL_VALUE_STRING)
        return v->u.str;
    return "No longer supported";
}

static void fill_input_value(gql_sbuild *b, gql_input_value *v, const gql_input_value_def *n)
{
    v->name = n->name;
    v->description = n->description;
    v->type = resolve_ref(b, n->type);
    v->default_value = n->default_value;
    v->deprecation_reason = deprecation(n->directives, n->ndirectives);
    v->deprecated = v->deprecation_reason != NULL;
    v->loc = n->loc;
    gql_sbuild_node_put(b, v, n);
}

static gql_input_value *fill_args(gql_sbuild *b, const gql_input_value_def *defs, size_t n)
{
    gql_input_value *args = n ? GQL_NEWN(&b->s->arena, gql_input_value, n) : NULL;
    for (size_t i = 0; i < n; i++)
        fill_input_value(b, &args[i], &defs[i]);
    return args;
}

static void fill_field(gql_sbuild *b, gql_field *f, const gql_field_def_node *n)
{
    f->name = n->name;
    f->description = n->description;
    f->type = resolve_ref(b, n->type);
    f->args = fill_args(b, n->args, n->nargs);
    f->nargs = n->nargs;
    f->deprecation_reason = deprecation(n->directives, n->ndirectives);
    f->deprecated = f->deprecation_reason != NULL;
    f->loc = n->loc;
    gql_sbuild_node_put(b, f, n);
}

/* The definition followed by its extensions. */
static size_t nodes_of(const gql_tinfo *ti, const gql_type_def **out, size_t max)
{
    size_t n = 0;
    out[n++] = ti->def;
    for (size_t i = 0; i < ti->exts.n && n < max; i++)
        out[n++] = ti->exts.items[i];
    return n;
}

static void fill_composite(gql_sbuild *b, gql_tinfo *ti, const gql_type_def **nodes, size_t nn)
{
    gql_type *t = ti->type;
    gql_arena *a = &b->s->arena;
    size_t nf = 0, ni = 0;
    for (size_t i = 0; i < nn; i++) {
        nf += nodes[i]->nfields;
        ni += nodes[i]->ninterfaces;
    }
    t->fields = GQL_NEWN(a, gql_field, nf ? nf : 1);
    t->interfaces = GQL_NEWN(a, gql_type *, ni ? ni : 1);
    for (size_t i = 0; i < nn; i++) {
        for (size_t j = 0; j < nodes[i]->ninterfaces; j++) {
            gql_tinfo *it = gql_sbuild_info(b, nodes[i]->interfaces[j].name);
            if (it)
                t->interfaces[t->ninterfaces++] = it->type;
        }
        for (size_t j = 0; j < nodes[i]->nfields; j++)
            fill_field(b, &t->fields[t->nfields++], &nodes[i]->fields[j]);
    }
    gql_schema_index_fields(a, t);
}

static void fill_union(gql_sbuild *b, gql_tinfo *ti, const gql_type_def **nodes, size_t nn)
{
    gql_type *t = ti->type;
    size_t n = 0;
    for (size_t i = 0; i < nn; i++)
        n += nodes[i]->nmembers;
    t->possible = GQL_NEWN(&b->s->arena, gql_type *, n ? n : 1);
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nodes[i]->nmembers; j++) {
            gql_tinfo *mt = gql_sbuild_info(b, nodes[i]->members[j].name);
            if (mt)
                t->possible[t->npossible++] = mt->type;
        }
}

static void fill_enum(gql_sbuild *b, gql_tinfo *ti, const gql_type_def **nodes, size_t nn)
{
    gql_type *t = ti->type;
    size_t n = 0;
    for (size_t i = 0; i < nn; i++)
        n += nodes[i]->nvalues;
    t->values = GQL_NEWN(&b->s->arena, gql_enum_value, n ? n : 1);
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nodes[i]->nvalues; j++) {
            const gql_enum_value_def *vd = &nodes[i]->values[j];
            gql_enum_value *v = &t->values[t->nvalues++];
            v->name = vd->name;
            v->description = vd->description;
            v->deprecation_reason = deprecation(vd->directives, vd->ndirectives);
            v->deprecated = v->deprecation_reason != NULL;
            gql_sbuild_node_put(b, v, vd);
        }
}

static void fill_input_object(gql_sbuild *b, gql_tinfo *ti, const gql_type_def **nodes,
                              size_t nn)
{
    gql_type *t = ti->type;
    size_t n = 0;
    for (size_t i = 0; i < nn; i++)
        n += nodes[i]->ninput_fields;
    t->input_fields = GQL_NEWN(&b->s->arena, gql_input_value, n ? n : 1);
    for (size_t i = 0; i < nn; i++)
        for (size_t j = 0; j < nodes[i]->ninput_fields; j++)
            fill_input_value(b, &t->input_fields[t->ninput_fields++],
                             &nodes[i]->input_fields[j]);
    /* graphql-js takes isOneOf from the definition only. */
    t->one_of = find_directive(ti->def->directives, ti->def->ndirectives, "oneOf") != NULL;
}

static void fill_scalar(gql_tinfo *ti, const gql_type_def **nodes, size_t nn)
{
    /* An extension's @specifiedBy overrides the definition's. */
    for (size_t i = 0; i < nn; i++) {
        const gql_directive *d =
            find_directive(nodes[i]->directives, nodes[i]->ndirectives, "specifiedBy");
        const gql_value *url = directive_arg(d, "url");
        if (url && url->kind == GQL_VALUE_STRING)
            ti->type->specified_by_url = url->u.str;
    }
}

static void fill_types(gql_sbuild *b, size_t from)
{
    for (size_t i = from; i < b->ninfos; i++) {
        gql_tinfo *ti = b->infos[i];
        size_t max = 1 + ti->exts.n;
        const gql_type_def **nodes = GQL_NEWN(b->tmp, const gql_type_def *, max);
        size_t nn = nodes_of(ti, nodes, max);
        switch (ti->type->kind) {
        case GQL_OBJECT:
        case GQL_INTERFACE:
            fill_composite(b, ti, nodes, nn);
            break;
        case GQL_UNION:
            fill_union(b, ti, nodes, nn);
            break;
        case GQL_ENUM:
            fill_enum(b, ti, nodes, nn);
            break;
        case GQL_INPUT_OBJECT:
            fill_input_object(b, ti, nodes, nn);
            break;
        default:
            fill_scalar(ti, nodes, nn);
            break;
        }
    }
}

/* ---------------------------------------------------------- directives */

static gql_directive_def *build_directive(gql_sbuild *b, const gql_type_def *td, bool builtin)
{
    gql_arena *a = &b->s->arena;
    gql_directive_def *d = GQL_NEW(a, gql_directive_def);
    d->name = td->name;
    d->description = td->description;
    d->args = fill_args(b, td->args, td->nargs);
    d->nargs = td->nargs;
    d->repeatable = td->repeatable;
    d->locations = td->locations;
    d->builtin = builtin;
    /* Room for graphql-js 17's extra location on the built-in @deprecated. */
    d->location_names = GQL_NEWN(a, const char *, td->nlocation_names + 1);
    for (size_t i = 0; i < td->nlocation_names; i++)
        d->location_names[d->nlocation_names++] = td->location_names[i].name;
    if (builtin && strcmp(td->name, "deprecated") == 0)
        d->location_names[d->nlocation_names++] = "DIRECTIVE_DEFINITION";
    d->deprecation_reason = deprecation(td->directives, td->ndirectives);
    gql_sbuild_node_put(b, d, td);
    return d;
}

/* graphql-js 17 "extend directive @d @deprecated": the extension's
 * @deprecated overrides. */
static void extend_directives(gql_sbuild *b)
{
    gql_schema *s = b->s;
    for (size_t i = 0; i < b->doc->ndefs; i++) {
        const gql_definition *def = &b->doc->defs[i];
        if (def->kind != GQL_DEF_DIRECTIVE || !def->u.type_def->extension)
            continue;
        const gql_type_def *td = def->u.type_def;
        const char *reason = deprecation(td->directives, td->ndirectives);
        for (size_t j = 0; reason && j < s->ndirectives; j++)
            if (strcmp(s->directives[j]->name, td->name) == 0 && !s->directives[j]->builtin)
                s->directives[j]->deprecation_reason = reason;
    }
    for (size_t j = 0; j < s->ndirectives; j++)
        s->directives[j]->deprecated = s->directives[j]->deprecation_reason != NULL;
}

static size_t count_directive_defs(const gql_document *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->ndefs; i++)
        n += doc->defs[i].kind == GQL_DEF_DIRECTIVE && !doc->defs[i].u.type_def->extension;
    return n;
}

static bool has_directive(const gql_schema *s, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s->directives[i]->name, name) == 0)
            return true;
    return false;
}

static void build_directives(gql_sbuild *b)
{
    gql_schema *s = b->s;
    size_t max = count_directive_defs(b->doc) + count_directive_defs(b->builtin_doc);
    s->directives = GQL_NEWN(&s->arena, gql_directive_def *, max ? max : 1);
    for (size_t i = 0; i < b->doc->ndefs; i++) {
        const gql_definition *d = &b->doc->defs[i];
        if (d->kind == GQL_DEF_DIRECTIVE && !d->u.type_def->extension &&
            !has_directive(s, s->ndirectives, d->u.type_def->name))
            s->directives[s->ndirectives++] = build_directive(b, d->u.type_def, false);
    }
    size_t nuser = s->ndirectives;
    for (size_t i = 0; i < b->builtin_doc->ndefs; i++) {
        const gql_definition *d = &b->builtin_doc->defs[i];
        if (d->kind == GQL_DEF_DIRECTIVE && !has_directive(s, nuser, d->u.type_def->name))
            s->directives[s->ndirectives++] = build_directive(b, d->u.type_def, true);
    }
    extend_directives(b);
}

/* ---------------------------------------------------------- root types */

static void set_root(gql_sbuild *b, const gql_root_op_def *op)
{
    gql_tinfo *ti = gql_sbuild_info(b, op->type.name);
    gql_type *t = ti ? ti->type : NULL;
    if (op->op == GQL_OP_QUERY)
        b->s->query = t;
    else if (op->op == GQL_OP_MUTATION)
        b->s->mutation = t;
    else
        b->s->subscription = t;
}

static void build_roots(gql_sbuild *b)
{
    if (b->schema_def) {
        b->s->description = b->schema_def->description;
        for (size_t i = 0; i < b->schema_def->nroot_ops; i++)
            set_root(b, &b->schema_def->root_ops[i]);
    }
    for (size_t e = 0; e < b->schema_exts.n; e++) {
        const gql_type_def *ext = b->schema_exts.items[e];
        for (size_t i = 0; i < ext->nroot_ops; i++)
            set_root(b, &ext->root_ops[i]);
    }
    if (b->schema_def)
        return;
    /* Without a schema definition the conventional names are the roots
     * (they override an "extend schema", as in graphql-js). */
    for (size_t i = 0; i < b->user_types.n; i++) {
        gql_type *t = ((gql_tinfo *)b->user_types.items[i])->type;
        if (strcmp(t->name, "Query") == 0)
            b->s->query = t;
        else if (strcmp(t->name, "Mutation") == 0)
            b->s->mutation = t;
        else if (strcmp(t->name, "Subscription") == 0)
            b->s->subscription = t;
    }
}

/* ----------------------------------------------------------- type order */

/* graphql-js collectReferencedTypes: add the named type at the end of the
 * ordered set unless present, then what it references. */
static void collect(gql_sbuild *b, gql_type *t)
{
    t = gql_named_type(t);
    if (!t)
        return;
    gql_tinfo *ti = gql_sbuild_info(b, t->name);
    if (!ti || ti->seq)
        return;
    ti->seq = ++b->seq;
    if (t->kind == GQL_UNION) {
        for (size_t i = 0; i < t->npossible; i++)
            collect(b, t->possible[i]);
    } else if (t->kind == GQL_OBJECT || t->kind == GQL_INTERFACE) {
        for (size_t i = 0; i < t->ninterfaces; i++)
            collect(b, t->interfaces[i]);
        for (size_t i = 0; i < t->nfields; i++) {
            collect(b, t->fields[i].type);
            for (size_t j = 0; j < t->fields[i].nargs; j++)
                collect(b, t->fields[i].args[j].type);
        }
    } else if (t->kind == GQL_INPUT_OBJECT) {
        for (size_t i = 0; i < t->ninput_fields; i++)
            collect(b, t->input_fields[i].type);
    }
}

static int by_seq(const void *x, const void *y)
{
    const gql_tinfo *a = *(gql_tinfo *const *)x, *c = *(gql_tinfo *const *)y;
    return a->seq < c->seq ? -1 : a->seq > c->seq;
}

static void order_types(gql_sbuild *b)
{
    gql_schema *s = b->s;
    /* The constructor starts from the set of config.types, then for each
     * deletes it and collects it again: each type moves to the end, and the
     * types it references that were not listed follow it. */
    for (size_t i = 0; i < b->user_types.n; i++)
        ((gql_tinfo *)b->user_types.items[i])->seq = ++b->seq;
    for (size_t i = 0; i < b->user_types.n; i++) {
        gql_tinfo *ti = b->user_types.items[i];
        ti->seq = 0;
        collect(b, ti->type);
    }
    collect(b, s->query);
    collect(b, s->mutation);
    collect(b, s->subscription);
    for (size_t i = 0; i < s->ndirectives; i++)
        for (size_t j = 0; j < s->directives[i]->nargs; j++)
            collect(b, s->directives[i]->args[j].type);
    gql_tinfo *schema_t = gql_sbuild_info(b, "__Schema");
    if (schema_t)
        collect(b, schema_t->type);

    gql_tinfo **present = GQL_NEWN(b->tmp, gql_tinfo *, b->ninfos ? b->ninfos : 1);
    size_t n = 0;
    for (size_t i = 0; i < b->ninfos; i++)
        if (b->infos[i]->seq)
            present[n++] = b->infos[i];
    qsort(present, n, sizeof *present, by_seq);
    s->types = GQL_NEWN(&s->arena, gql_type *, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        s->types[i] = present[i]->type;
    s->ntypes = n;
    gql_schema_index_types(s);
}

/* Interfaces' possible types: the object types implementing them, in type
 * map order (graphql-js _implementationsMap[...].objects). */
static void interface_possible_types(gql_schema *s)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->ntypes; i++) {
            gql_type *t = s->types[i];
            if (t->kind != GQL_OBJECT)
                continue;
            for (size_t j = 0; j < t->ninterfaces; j++) {
                gql_type *it = t->interfaces[j];
                if (it->kind != GQL_INTERFACE)
                    continue;
                if (pass == 0)
                    it->npossible++;
                else
                    it->possible[it->npossible++] = t;
            }
        }
        if (pass == 0)
            for (size_t i = 0; i < s->ntypes; i++) {
                gql_type *t = s->types[i];
                if (t->kind != GQL_INTERFACE)
                    continue;
                t->possible = GQL_NEWN(&s->arena, gql_type *, t->npossible ? t->npossible : 1);
                t->npossible = 0;
            }
    }
}

/* --------------------------------------------------------------- errors */

static char *errors_text(const gql_errors *errs)
{
    gql_buf out = GQL_BUF_INIT;
    for (const gql_error *e = errs->head; e; e = e->next) {
        if (out.len)
            gql_buf_putc(&out, '\n');
        if (e->nlocs)
            gql_buf_printf(&out, "%u:%u: ", e->locs[0].line, e->locs[0].column);
        gql_buf_puts(&out, e->message);
    }
    gql_buf_cstr(&out);
    return gql_buf_steal(&out, NULL);
}

/* ---------------------------------------------------------------- build */

static size_t count_type_defs(const gql_document *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->ndefs; i++)
        n += is_type_def_kind(doc->defs[i].kind);
    return n;
}

static void build(gql_sbuild *b)
{
    b->cap = count_type_defs(b->doc) + count_type_defs(b->builtin_doc);
    b->infos = GQL_NEWN(b->tmp, gql_tinfo *, b->cap ? b->cap : 1);
    uint32_t size = gql_schema_table_size(b->cap);
    b->idx = GQL_NEWN(b->tmp, uint32_t, size);
    b->mask = size - 1;

    declare_types(b, b->builtin_doc, true);
    fill_types(b, 0);
    size_t first_user = b->ninfos;
    declare_types(b, b->doc, false);
    attach_extensions(b, b->doc);
    fill_types(b, first_user);
    build_directives(b);
    build_roots(b);
    order_types(b);
    interface_possible_types(b->s);
}

gql_schema *gql_schema_build(const char *sdl, size_t len, char **errors)
{
    gql_arena tmp;
    gql_arena_init(&tmp, 0);
    gql_errors errs;
    gql_errors_init(&errs, &tmp);
    if (errors)
        *errors = NULL;

    schema_box *box = calloc(1, sizeof *box);
    if (!box)
        abort();
    gql_schema *s = &box->s;
    gql_arena_init(&s->arena, 0);
    gql_sbuild b = {.s = s, .errs = &errs, .tmp = &tmp};

    box->builtin_doc = gql_parse(gql_builtin_sdl, strlen(gql_builtin_sdl), 0, &errs);
    if (!box->builtin_doc)
        goto fail;
    box->doc = gql_parse(sdl ? sdl : "", sdl ? len : 0, 0, &errs);
    if (!box->doc)
        goto fail;
    b.doc = box->doc;
    b.builtin_doc = box->builtin_doc;

    gql_schema_check_sdl(&b);
    if (errs.n)
        goto fail;
    build(&b);
    gql_schema_check_types(&b);
    if (errs.n)
        goto fail;
    gql_introspection_bind(s);
    gql_arena_free(&tmp);
    return s;

fail:
    if (errors)
        *errors = errors_text(&errs);
    gql_arena_free(&tmp);
    gql_schema_free(s);
    return NULL;
}

void gql_schema_free(gql_schema *s)
{
    if (!s)
        return;
    schema_box *box = (schema_box *)s;
    gql_arena_free(&s->arena);
    if (box->doc)
        gql_document_free(box->doc);
    if (box->builtin_doc)
        gql_document_free(box->builtin_doc);
    free(box);
}
