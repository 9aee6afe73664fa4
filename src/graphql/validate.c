/* validate.c -- document validation (GraphQL spec section 5), see validate.h.
 *
 * graphql-js validates by running every rule's visitor "in parallel" during
 * one traversal of the document, with a TypeInfo that tracks the current
 * parent type, field, argument and input type. The order of its errors is
 * therefore the order of that traversal: at each node, the rules' enter
 * hooks in rule order; after the children, their leave hooks, again in rule
 * order. This file does the same traversal by hand, passing the TypeInfo
 * state down as arguments, and calls the rules' hooks at the same points.
 * Rules are numbered as in graphql-js's specifiedRules (the @defer/@stream
 * rules, 20-23, are not implemented: the schema has neither directive):
 *
 *   0 ExecutableDefinitions     11 KnownFragmentNames         24 KnownArgumentNames
 *   1 KnownOperationTypes       12 NoUnusedFragments          25 UniqueArgumentNames
 *   2 UniqueOperationNames      13 PossibleFragmentSpreads    26 ValuesOfCorrectType
 *   3 LoneAnonymousOperation    14 NoFragmentCycles           27 ProvidedRequiredArguments
 *   4 SingleFieldSubscriptions  15 UniqueVariableNames        28 VariablesInAllowedPosition
 *   5 KnownTypeNames            16 NoUndefinedVariables       29 OverlappingFieldsCanBeMerged
 *   6 FragmentsOnCompositeTypes 17 NoUnusedVariables          30 UniqueInputFieldNames
 *   7 VariablesAreInputTypes    18 KnownDirectives            31 MaxIntrospectionDepth
 *   8 ScalarLeafs               19 UniqueDirectivesPerLocation
 *   9 FieldsOnCorrectType
 *  10 UniqueFragmentNames
 *
 * Rules that look across fragments (variables used by an operation, unused
 * fragments, fragment cycles) work on per-definition summaries computed
 * once: the fragment spreads of each definition and the variable usages in
 * it, each with the input type expected where the variable appears. Nothing
 * here recurses through fragment spreads: cycles are found with an explicit
 * stack, and recursion follows the document's own nesting only.
 */
#include "validate_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAGMENT_WORK 50000L
#define MAX_INTROSPECTION_LISTS_DEPTH 3

/* ================================================================= maps */

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void vmap_rehash(gql_arena *a, gql_vmap *m, uint32_t nslots)
{
    m->slots = GQL_NEWN(a, uint32_t, nslots);
    m->mask = nslots - 1;
    for (uint32_t i = 0; i < m->n; i++) {
        uint32_t h = hash_str(m->keys[i]) & m->mask;
        while (m->slots[h])
            h = (h + 1) & m->mask;
        m->slots[h] = i + 1;
    }
}

static int64_t vmap_find(const gql_vmap *m, const char *key)
{
    if (!m->slots)
        return -1;
    for (uint32_t h = hash_str(key) & m->mask; m->slots[h]; h = (h + 1) & m->mask)
        if (strcmp(m->keys[m->slots[h] - 1], key) == 0)
            return m->slots[h] - 1;
    return -1;
}

static bool vmap_has(const gql_vmap *m, const char *key)
{
    return vmap_find(m, key) >= 0;
}

void *gql_vmap_get(const gql_vmap *m, const char *key)
{
    if (!m->slots)
        return NULL;
    for (uint32_t h = hash_str(key) & m->mask; m->slots[h]; h = (h + 1) & m->mask)
        if (strcmp(m->keys[m->slots[h] - 1], key) == 0)
            return m->vals[m->slots[h] - 1];
    return NULL;
}

void **gql_vmap_slot(gql_arena *a, gql_vmap *m, const char *key, bool *found)
{
    if (!m->slots)
        vmap_rehash(a, m, 16);
    uint32_t h = hash_str(key) & m->mask;
    for (; m->slots[h]; h = (h + 1) & m->mask)
        if (strcmp(m->keys[m->slots[h] - 1], key) == 0) {
            *found = true;
            return &m->vals[m->slots[h] - 1];
        }
    *found = false;
    if (m->n == m->cap) {
        uint32_t ncap = m->cap ? m->cap * 2 : 8;
        m->keys = gql_arena_grow(a, m->keys, m->cap, ncap, sizeof(char *));
        m->vals = gql_arena_grow(a, m->vals, m->cap, ncap, sizeof(void *));
        m->cap = ncap;
    }
    m->keys[m->n] = key;
    m->vals[m->n] = NULL;
    m->n++;
    if ((m->n + 1) * 2 > m->mask + 1) {
        vmap_rehash(a, m, (m->mask + 1) * 2);
        for (h = hash_str(key) & m->mask; m->keys[m->slots[h] - 1] != key; h = (h + 1) & m->mask)
            ;
    } else {
        m->slots[h] = m->n;
    }
    return &m->vals[m->n - 1];
}

static uint32_t hash_pair(const void *a, const void *b)
{
    uint64_t x = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uintptr_t)b;
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(x ^ (x >> 32));
}

int gql_vpairs_get(const gql_vpairs *p, const void *a, const void *b)
{
    if (!p->slots)
        return -1;
    for (uint32_t h = hash_pair(a, b) & p->mask; p->slots[h].val; h = (h + 1) & p->mask)
        if (p->slots[h].a == a && p->slots[h].b == b)
            return p->slots[h].val - 1;
    return -1;
}

void gql_vpairs_put(gql_arena *ar, gql_vpairs *p, const void *a, const void *b, int val)
{
    if (!p->slots || (p->n + 1) * 2 > p->mask + 1) {
        uint32_t nslots = p->slots ? (p->mask + 1) * 2 : 64;
        struct gql_vpair_slot *old = p->slots;
        uint32_t oldn = p->slots ? p->mask + 1 : 0;
        p->slots = GQL_NEWN(ar, struct gql_vpair_slot, nslots);
        p->mask = nslots - 1;
        for (uint32_t i = 0; i < oldn; i++) {
            if (!old[i].val)
                continue;
            uint32_t h = hash_pair(old[i].a, old[i].b) & p->mask;
            while (p->slots[h].val)
                h = (h + 1) & p->mask;
            p->slots[h] = old[i];
        }
    }
    uint32_t h = hash_pair(a, b) & p->mask;
    for (; p->slots[h].val; h = (h + 1) & p->mask)
        if (p->slots[h].a == a && p->slots[h].b == b) {
            p->slots[h].val = val + 1;
            return;
        }
    p->slots[h].a = a;
    p->slots[h].b = b;
    p->slots[h].val = val + 1;
    p->n++;
}

/* ================================================================ errors */

static void add_error(gql_vctx *c, const char *msg, const gql_loc *locs, size_t n)
{
    size_t before = c->errs->n;
    gql_error *e = gql_errors_add(c->errs, n ? &locs[0] : NULL, "%s", msg);
    c->nreported++;
    if (c->errs->n == before)
        return; /* dropped: the list's own limit (errs->max) was reached */
    if (n > 1 && e->nlocs == 1) {
        /* all at once: gql_error_add_loc grows the array one by one, and a
         * fragment cycle may have thousands of locations */
        gql_loc *all = GQL_NEWN(c->errs->arena, gql_loc, n);
        memcpy(all, locs, n * sizeof *all);
        e->locs = all;
        e->nlocs = n;
    }
    c->nerrors++;
}

void gql_v_report(gql_vctx *c, const gql_loc *locs, size_t n, const char *fmt, ...)
{
    /* graphql-js throws when an error arrives with maxErrors already
     * collected, then adds the "too many" error. */
    if (c->nreported >= GQL_VALIDATE_MAX_ERRORS) {
        add_error(c, "Too many validation errors, error limit reached. Validation aborted.", NULL,
                  0);
        longjmp(c->abort, 1);
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = gql_arena_vprintf(&c->a, fmt, ap);
    va_end(ap);
    add_error(c, msg, locs, n);
}

void gql_v_abort(gql_vctx *c)
{
    add_error(c, "Validation aborted.", NULL, 0);
    longjmp(c->abort, 1);
}

void gql_v_spend_fragment_work(gql_vctx *c, long cost)
{
    c->fragment_work -= cost;
    if (c->fragment_work < 0)
        gql_v_abort(c);
}

static void report1(gql_vctx *c, gql_loc loc, const char *msg)
{
    gql_v_report(c, &loc, 1, "%s", msg);
}

/* ========================================================== type helpers */

const char *gql_v_type_str(gql_vctx *c, const gql_type *t)
{
    return gql_type_str(&c->a, t);
}

gql_type *gql_v_named_type(gql_vctx *c, const char *name)
{
    return gql_schema_type(c->s, name);
}

gql_type *gql_v_type_from_ast(gql_vctx *c, const gql_type_ref *ref)
{
    return gql_type_ref_resolve(c->s, ref, &c->a);
}

const gql_fragment_def *gql_v_fragment(gql_vctx *c, const char *name)
{
    return gql_vmap_get(&c->fragments, name);
}

static bool is_composite(const gql_type *t)
{
    return t && (t->kind == GQL_OBJECT || t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

static bool is_abstract(const gql_type *t)
{
    return t && (t->kind == GQL_INTERFACE || t->kind == GQL_UNION);
}

static bool is_input(const gql_type *t)
{
    while (t && (t->kind == GQL_LIST || t->kind == GQL_NON_NULL))
        t = t->of_type;
    return t && (t->kind == GQL_SCALAR || t->kind == GQL_ENUM || t->kind == GQL_INPUT_OBJECT);
}

static bool is_output(const gql_type *t)
{
    while (t && (t->kind == GQL_LIST || t->kind == GQL_NON_NULL))
        t = t->of_type;
    return t && t->kind != GQL_INPUT_OBJECT;
}

static const gql_type *named(const gql_type *t)
{
    while (t && (t->kind == GQL_LIST || t->kind == GQL_NON_NULL))
        t = t->of_type;
    return t;
}

/* schema.isSubType(abstract, maybeSub): a union's member, or an object or
 * interface that implements the interface. */
bool gql_v_is_sub_type(const gql_type *abstract, const gql_type *maybe_sub)
{
    if (!abstract || !maybe_sub)
        return false;
    if (abstract->kind == GQL_UNION) {
        for (size_t i = 0; i < abstract->npossible; i++)
            if (abstract->possible[i] == maybe_sub)
                return true;
        return false;
    }
    if (abstract->kind == GQL_INTERFACE &&
        (maybe_sub->kind == GQL_OBJECT || maybe_sub->kind == GQL_INTERFACE)) {
        for (size_t i = 0; i < maybe_sub->ninterfaces; i++)
            if (maybe_sub->interfaces[i] == abstract)
                return true;
    }
    return false;
}

/* schema.getPossibleTypes: union members, or the objects implementing an
 * interface. */
static bool is_possible(const gql_type *abstract, const gql_type *obj)
{
    return obj->kind == GQL_OBJECT && gql_v_is_sub_type(abstract, obj);
}

/* typeComparators.doTypesOverlap */
bool gql_v_types_overlap(const gql_type *a, const gql_type *b)
{
    if (a == b)
        return true;
    if (is_abstract(a)) {
        if (is_abstract(b)) {
            /* some object possible in both */
            const gql_type *small = a->kind == GQL_UNION ? a : b, *other = small == a ? b : a;
            if (small->kind == GQL_UNION) {
                for (size_t i = 0; i < small->npossible; i++)
                    if (is_possible(other, small->possible[i]))
                        return true;
                return false;
            }
            for (size_t i = 0; i < b->npossible; i++)
                if (is_possible(a, b->possible[i]))
                    return true;
            return false;
        }
        return gql_v_is_sub_type(a, b);
    }
    if (is_abstract(b))
        return gql_v_is_sub_type(b, a);
    return false;
}

static bool type_equal(const gql_type *a, const gql_type *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    if (a->kind == GQL_LIST || a->kind == GQL_NON_NULL)
        return type_equal(a->of_type, b->of_type);
    return false;
}

/* typeComparators.isTypeSubTypeOf */
bool gql_v_type_is_subtype_of(const gql_type *sub, const gql_type *super)
{
    if (type_equal(sub, super))
        return true;
    if (super->kind == GQL_NON_NULL)
        return sub->kind == GQL_NON_NULL && gql_v_type_is_subtype_of(sub->of_type, super->of_type);
    if (sub->kind == GQL_NON_NULL)
        return gql_v_type_is_subtype_of(sub->of_type, super);
    if (super->kind == GQL_LIST)
        return sub->kind == GQL_LIST && gql_v_type_is_subtype_of(sub->of_type, super->of_type);
    if (sub->kind == GQL_LIST)
        return false;
    return is_abstract(super) && (sub->kind == GQL_INTERFACE || sub->kind == GQL_OBJECT) &&
           gql_v_is_sub_type(super, sub);
}

gql_field *gql_v_get_field(gql_vctx *c, const gql_type *parent, const char *name)
{
    if (!parent)
        return NULL;
    if (name[0] == '_' && name[1] == '_') {
        if (strcmp(name, "__schema") == 0)
            return parent == c->s->query ? c->s->schema_meta_field : NULL;
        if (strcmp(name, "__type") == 0)
            return parent == c->s->query ? c->s->type_meta_field : NULL;
        if (strcmp(name, "__typename") == 0)
            return c->s->typename_meta_field;
    }
    if (parent->kind != GQL_OBJECT && parent->kind != GQL_INTERFACE)
        return NULL;
    return gql_type_field(parent, name);
}

const char *gql_v_print_value(gql_vctx *c, const gql_value *v)
{
    gql_buf b = GQL_BUF_INIT;
    gql_print_value(v, &b);
    const char *r = gql_arena_strndup(&c->a, gql_buf_cstr(&b), b.len);
    gql_buf_free(&b);
    return r;
}

static void print_type_ref(gql_buf *b, const gql_type_ref *r)
{
    switch (r->kind) {
    case GQL_TYPE_REF_NAMED:
        gql_buf_puts(b, r->name);
        break;
    case GQL_TYPE_REF_LIST:
        gql_buf_putc(b, '[');
        print_type_ref(b, r->of);
        gql_buf_putc(b, ']');
        break;
    case GQL_TYPE_REF_NON_NULL:
        print_type_ref(b, r->of);
        gql_buf_putc(b, '!');
        break;
    }
}

static const char *type_ref_str(gql_vctx *c, const gql_type_ref *r)
{
    gql_buf b = GQL_BUF_INIT;
    print_type_ref(&b, r);
    const char *s = gql_arena_strdup(&c->a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    return s;
}

static const gql_type_ref *innermost_ref(const gql_type_ref *r)
{
    while (r->kind != GQL_TYPE_REF_NAMED)
        r = r->of;
    return r;
}

/* "Type.field" as graphql-js prints a field ("<meta>" for meta-fields). */
static const char *field_coord(gql_vctx *c, const gql_type *parent, const gql_field *f)
{
    bool meta = f == c->s->schema_meta_field || f == c->s->type_meta_field ||
                f == c->s->typename_meta_field;
    return gql_arena_printf(&c->a, "%s.%s", meta || !parent ? "<meta>" : parent->name, f->name);
}

/* ====================================================== document summary */

/* A variable usage (ValidationContext.getVariableUsages). */
typedef struct usage {
    const char *name;
    gql_loc loc;
    const gql_type *type;   /* input type expected there, NULL if unknown */
    const gql_type *parent; /* the input type around it (getParentInputType) */
    bool has_default;       /* the position has a default value */
} usage;

typedef struct usages {
    usage *items;
    size_t n, cap;
} usages;

typedef struct spreads { /* getFragmentSpreads */
    const gql_selection **items;
    size_t n, cap;
} spreads;

typedef struct frag_list { /* getRecursivelyReferencedFragments */
    const gql_fragment_def **items;
    size_t n;
    usages *frag_usages; /* usages of all of them, computed once */
} frag_list;

typedef struct defsum {
    bool spreads_done, usages_done, rec_done;
    spreads sp;
    usages us;
    frag_list *rec; /* OPERATION: recursively referenced fragments */
    usages *rec_us; /* OPERATION: getRecursiveVariableUsages */
} defsum;

typedef struct vstate {
    gql_vctx c;
    defsum *sums;           /* per document definition */
    gql_vmap frag_index;    /* fragment name -> definition index + 1 (last) */
    gql_vmap frag_lists;    /* sorted spread names -> frag_list */
    gql_vmap defined_types; /* type definitions in the document */
    size_t noperations;
    /* per operation */
    const gql_operation_def *op;
    /* rule state */
    gql_vmap op_names, frag_names;
    bool mid_skip; /* MaxIntrospectionDepth skips the subtree */
    gql_vmap mid_checked, mid_exceeded;
    gql_vmap doc_directives; /* directive definitions in the document (last wins) */
    /* UniqueDirectivesPerLocation across type-system definitions */
    gql_vmap sdl_type_dirs;
    gql_vmap sdl_schema_dirs;
    gql_vmap sdl_directive_dirs;
} vstate;

static void *vgrow(gql_vctx *c, void *items, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *r = gql_arena_grow(&c->a, items, *cap, ncap, elem);
    *cap = ncap;
    return r;
}

/* getFragmentSpreads: a stack walk, so spreads of nested selection sets come
 * after those of their parents and in reverse order of the sets. */
static void collect_spreads(vstate *st, const gql_selection_set *root, spreads *out)
{
    gql_vctx *c = &st->c;
    const gql_selection_set **stack = NULL;
    size_t n = 0, cap = 0;
    stack = vgrow(c, stack, n, &cap, sizeof(void *));
    stack[n++] = root;
    while (n) {
        const gql_selection_set *ss = stack[--n];
        for (size_t i = 0; i < ss->n; i++) {
            const gql_selection *sel = ss->items[i];
            if (sel->kind == GQL_SEL_FRAGMENT_SPREAD) {
                out->items = vgrow(c, out->items, out->n, &out->cap, sizeof(void *));
                out->items[out->n++] = sel;
            } else if (sel->selection_set) {
                stack = vgrow(c, stack, n, &cap, sizeof(void *));
                stack[n++] = sel->selection_set;
            }
        }
    }
}

static const gql_selection_set *def_selection_set(const gql_definition *d)
{
    return d->kind == GQL_DEF_OPERATION ? d->u.operation->selection_set
                                        : d->u.fragment->selection_set;
}

static spreads *def_spreads(vstate *st, size_t i)
{
    defsum *s = &st->sums[i];
    if (!s->spreads_done) {
        s->spreads_done = true;
        collect_spreads(st, def_selection_set(&st->c.doc->defs[i]), &s->sp);
    }
    return &s->sp;
}

static size_t frag_def_index(vstate *st, const char *name)
{
    return (size_t)(uintptr_t)gql_vmap_get(&st->frag_index, name); /* index + 1, 0 = none */
}

/* ---- variable usages: a walk with its own TypeInfo ---- */

static void usage_value(vstate *st, usages *out, const gql_value *v, const gql_type *type,
                        const gql_type *parent, bool has_default)
{
    gql_vctx *c = &st->c;
    switch (v->kind) {
    case GQL_VALUE_VARIABLE:
        out->items = vgrow(c, out->items, out->n, &out->cap, sizeof(usage));
        out->items[out->n++] = (usage){v->u.name, v->loc, type, parent, has_default};
        break;
    case GQL_VALUE_LIST: {
        const gql_type *item = NULL;
        const gql_type *nt = type && type->kind == GQL_NON_NULL ? type->of_type : type;
        if (nt && nt->kind == GQL_LIST)
            item = nt->of_type;
        for (size_t i = 0; i < v->u.list.n; i++)
            usage_value(st, out, v->u.list.items[i], item, type, false);
        break;
    }
    case GQL_VALUE_OBJECT: {
        const gql_type *obj = named(type);
        for (size_t i = 0; i < v->u.object.n; i++) {
            const gql_object_field *f = &v->u.object.fields[i];
            const gql_input_value *def = NULL;
            if (obj && obj->kind == GQL_INPUT_OBJECT)
                def = gql_input_field(obj, f->name);
            const gql_type *ft = def && is_input(def->type) ? def->type : NULL;
            usage_value(st, out, f->value, ft, type, def && def->default_value);
        }
        break;
    }
    default:
        break;
    }
}

static const gql_input_value *find_arg(const gql_input_value *args, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(args[i].name, name) == 0)
            return &args[i];
    return NULL;
}

/* TypeInfo's argument lookup: the directive's, or -- when the directive is
 * unknown -- the enclosing field's (graphql-js `getDirective() ??
 * getFieldDef()`). */
static const gql_input_value *lookup_arg(const gql_directive_def *dir, const gql_field *field,
                                         bool in_directive, const char *name)
{
    if (in_directive && dir)
        return find_arg(dir->args, dir->nargs, name);
    if (field)
        return find_arg(field->args, field->nargs, name);
    return NULL;
}

static void usage_args(vstate *st, usages *out, const gql_argument *args, size_t n,
                       const gql_directive_def *dir, const gql_field *field, bool in_directive)
{
    for (size_t i = 0; i < n; i++) {
        const gql_input_value *def = lookup_arg(dir, field, in_directive, args[i].name);
        const gql_type *t = def && is_input(def->type) ? def->type : NULL;
        usage_value(st, out, args[i].value, t, NULL, def && def->default_value);
    }
}

static void usage_directives(vstate *st, usages *out, const gql_directive *d, size_t n,
                             const gql_field *field)
{
    for (size_t i = 0; i < n; i++)
        usage_args(st, out, d[i].args, d[i].nargs, gql_schema_directive(st->c.s, d[i].name), field,
                   true);
}

static void usage_selection_set(vstate *st, usages *out, const gql_selection_set *ss,
                                const gql_type *type, const gql_field *field)
{
    gql_vctx *c = &st->c;
    const gql_type *nt = named(type);
    const gql_type *parent = is_composite(nt) ? nt : NULL;
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        switch (sel->kind) {
        case GQL_SEL_FIELD: {
            const gql_field *f = gql_v_get_field(c, parent, sel->name);
            const gql_type *ft = f && is_output(f->type) ? f->type : NULL;
            usage_args(st, out, sel->args, sel->nargs, NULL, f, false);
            usage_directives(st, out, sel->directives, sel->ndirectives, f);
            if (sel->selection_set)
                usage_selection_set(st, out, sel->selection_set, ft, f);
            break;
        }
        case GQL_SEL_FRAGMENT_SPREAD:
            usage_directives(st, out, sel->directives, sel->ndirectives, field);
            break;
        case GQL_SEL_INLINE_FRAGMENT: {
            const gql_type *t =
                sel->type_condition ? gql_v_named_type(c, sel->type_condition) : named(type);
            if (!is_output(t))
                t = NULL;
            usage_directives(st, out, sel->directives, sel->ndirectives, field);
            usage_selection_set(st, out, sel->selection_set, t, field);
            break;
        }
        }
    }
}

static const gql_type *root_type(const gql_schema *s, gql_operation_type t)
{
    switch (t) {
    case GQL_OP_QUERY:
        return s->query;
    case GQL_OP_MUTATION:
        return s->mutation;
    case GQL_OP_SUBSCRIPTION:
        return s->subscription;
    }
    return NULL;
}

static usages *def_usages(vstate *st, size_t i)
{
    defsum *s = &st->sums[i];
    if (s->usages_done)
        return &s->us;
    s->usages_done = true;
    const gql_definition *d = &st->c.doc->defs[i];
    if (d->kind == GQL_DEF_OPERATION) {
        const gql_operation_def *op = d->u.operation;
        const gql_type *root = root_type(st->c.s, op->type);
        usage_directives(st, &s->us, op->directives, op->ndirectives, NULL);
        usage_selection_set(st, &s->us, op->selection_set,
                            root && root->kind == GQL_OBJECT ? root : NULL, NULL);
    } else {
        const gql_fragment_def *f = d->u.fragment;
        const gql_type *t = gql_v_named_type(&st->c, f->type_condition);
        usage_directives(st, &s->us, f->directives, f->ndirectives, NULL);
        usage_selection_set(st, &s->us, f->selection_set, is_output(t) ? t : NULL, NULL);
    }
    return &s->us;
}

/* ---- getRecursivelyReferencedFragments, cached by the set of names ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static frag_list *referenced_fragments(vstate *st, const size_t *defs, size_t ndefs)
{
    gql_vctx *c = &st->c;
    gql_vmap names = {0};
    for (size_t k = 0; k < ndefs; k++) {
        spreads *sp = def_spreads(st, defs[k]);
        for (size_t i = 0; i < sp->n; i++) {
            bool found;
            gql_vmap_slot(&c->a, &names, sp->items[i]->name, &found);
        }
    }
    /* the cache key: the set of names */
    const char **sorted = GQL_NEWN(&c->a, const char *, names.n + 1);
    if (names.n)
        memcpy(sorted, names.keys, names.n * sizeof(char *));
    qsort(sorted, names.n, sizeof(char *), cmp_str);
    gql_buf b = GQL_BUF_INIT;
    gql_buf_putc(&b, '#');
    for (size_t i = 0; i < names.n; i++) {
        gql_buf_puts(&b, sorted[i]);
        gql_buf_putc(&b, '\n');
    }
    const char *key = gql_arena_strdup(&c->a, gql_buf_cstr(&b));
    gql_buf_free(&b);
    bool found;
    void **slot = gql_vmap_slot(&c->a, &st->frag_lists, key, &found);
    if (found)
        return *slot;
    frag_list *fl = GQL_NEW(&c->a, frag_list);
    *slot = fl;
    size_t cap = 0;
    gql_v_spend_fragment_work(c, (long)names.n);
    /* names grows while it is walked: a breadth-first closure */
    for (size_t i = 0; i < names.n; i++) {
        size_t di = frag_def_index(st, names.keys[i]);
        if (!di)
            continue;
        fl->items = vgrow(c, fl->items, fl->n, &cap, sizeof(void *));
        fl->items[fl->n++] = st->c.doc->defs[di - 1].u.fragment;
        spreads *sp = def_spreads(st, di - 1);
        gql_v_spend_fragment_work(c, (long)sp->n);
        for (size_t k = 0; k < sp->n; k++)
            gql_vmap_slot(&c->a, &names, sp->items[k]->name, &found);
    }
    return fl;
}

static size_t def_index_of_fragment(vstate *st, const gql_fragment_def *f)
{
    return frag_def_index(st, f->name) - 1;
}

/* getRecursiveVariableUsages(operation) */
static usages *recursive_usages(vstate *st, size_t opi)
{
    gql_vctx *c = &st->c;
    defsum *s = &st->sums[opi];
    if (s->rec_us)
        return s->rec_us;
    frag_list *fl = referenced_fragments(st, &opi, 1);
    if (!fl->frag_usages) {
        gql_v_spend_fragment_work(c, (long)fl->n);
        usages *fu = GQL_NEW(&c->a, usages);
        for (size_t i = 0; i < fl->n; i++) {
            usages *u = def_usages(st, def_index_of_fragment(st, fl->items[i]));
            gql_v_spend_fragment_work(c, (long)u->n);
            for (size_t k = 0; k < u->n; k++) {
                fu->items = vgrow(c, fu->items, fu->n, &fu->cap, sizeof(usage));
                fu->items[fu->n++] = u->items[k];
            }
        }
        fl->frag_usages = fu;
    }
    gql_v_spend_fragment_work(c, (long)fl->frag_usages->n);
    usages *own = def_usages(st, opi);
    usages *all = GQL_NEW(&c->a, usages);
    all->cap = own->n + fl->frag_usages->n;
    all->items = GQL_NEWN(&c->a, usage, all->cap + 1);
    if (own->n)
        memcpy(all->items, own->items, own->n * sizeof(usage));
    if (fl->frag_usages->n)
        memcpy(all->items + own->n, fl->frag_usages->items, fl->frag_usages->n * sizeof(usage));
    all->n = all->cap;
    s->rec_us = all;
    return all;
}

/* ============================================================ the rules */

/* 5 KnownTypeNames */
static void rule_known_type_name(vstate *st, const char *name, gql_loc loc, bool sdl)
{
    gql_vctx *c = &st->c;
    if (gql_schema_type(c->s, name) || vmap_has(&st->defined_types, name))
        return;
    static const char *const standard[] = {
        "String",    "Int",      "Float",        "Boolean",
        "ID",        "__Schema", "__Directive",  "__DirectiveLocation",
        "__Type",    "__Field",  "__InputValue", "__EnumValue",
        "__TypeKind"};
    size_t nstd = sizeof standard / sizeof standard[0];
    if (sdl)
        for (size_t i = 0; i < nstd; i++)
            if (strcmp(standard[i], name) == 0)
                return;
    size_t n = c->s->ntypes + st->defined_types.n + nstd;
    const char **opts = GQL_NEWN(&c->a, const char *, n + 1);
    size_t k = 0;
    if (sdl)
        for (size_t i = 0; i < nstd; i++)
            opts[k++] = standard[i];
    for (size_t i = 0; i < c->s->ntypes; i++)
        opts[k++] = c->s->types[i]->name;
    for (size_t i = 0; i < st->defined_types.n; i++)
        opts[k++] = st->defined_types.keys[i];
    const char **sugg;
    size_t ns = gql_v_suggestion_list(c, name, opts, k, &sugg);
    gql_v_report(c, &loc, 1, "Unknown type \"%s\".%s", name, gql_v_did_you_mean(c, NULL, sugg, ns));
}

/* Is the directive known and not repeatable? A definition in the document
 * wins over the schema's, as in graphql-js's name map. */
static bool directive_is_unique(vstate *st, const char *name, bool *known)
{
    const gql_type_def *dd = gql_vmap_get(&st->doc_directives, name);
    if (dd) {
        *known = true;
        return !dd->repeatable;
    }
    const gql_directive_def *d = gql_schema_directive(st->c.s, name);
    *known = d != NULL;
    return d && !d->repeatable;
}

/* 19 UniqueDirectivesPerLocation; `seen` is NULL for a fresh location. */
static void rule_unique_directives(vstate *st, const gql_directive *dirs, size_t n, gql_vmap *seen)
{
    gql_vctx *c = &st->c;
    if (n == 0)
        return;
    gql_vmap fresh = {0};
    if (!seen)
        seen = &fresh;
    for (size_t i = 0; i < n; i++) {
        bool known;
        if (!directive_is_unique(st, dirs[i].name, &known))
            continue;
        bool found;
        void **slot = gql_vmap_slot(&c->a, seen, dirs[i].name, &found);
        if (found) {
            const gql_directive *prev = *slot;
            gql_loc locs[2] = {prev->loc, dirs[i].loc};
            gql_v_report(c, locs, 2,
                         "The directive \"@%s\" can only be used once at this location.",
                         dirs[i].name);
        } else {
            *slot = (void *)&dirs[i];
        }
    }
}

/* 25 UniqueArgumentNames */
static void rule_unique_arguments(vstate *st, const gql_argument *args, size_t n)
{
    gql_vctx *c = &st->c;
    if (n < 2)
        return;
    gql_vmap groups = {0};
    size_t *counts = GQL_NEWN(&c->a, size_t, n);
    for (size_t i = 0; i < n; i++) {
        bool found;
        void **slot = gql_vmap_slot(&c->a, &groups, args[i].name, &found);
        if (!found)
            *slot = (void *)(uintptr_t)(groups.n);
        counts[(uintptr_t)*slot - 1]++;
    }
    for (size_t g = 0; g < groups.n; g++) {
        if (counts[g] < 2)
            continue;
        gql_loc *locs = GQL_NEWN(&c->a, gql_loc, counts[g]);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(args[i].name, groups.keys[g]) == 0)
                locs[k++] = args[i].loc;
        gql_v_report(c, locs, k, "There can be only one argument named \"%s\".", groups.keys[g]);
    }
}

/* A directive defined in the document itself (type-system definitions). */
static const gql_type_def *doc_directive(vstate *st, const char *name)
{
    return gql_vmap_get(&st->doc_directives, name);
}

/* ---- values ---- */

static void visit_value(vstate *st, const gql_value *v, const gql_type *type, bool top)
{
    gql_vctx *c = &st->c;
    if (v->kind == GQL_VALUE_VARIABLE)
        return;
    /* 26 ValuesOfCorrectType checks the whole literal at its top node and
     * skips the rest of it. */
    if (top && type)
        gql_v_check_literal(c, v, type);
    if (v->kind == GQL_VALUE_LIST) {
        for (size_t i = 0; i < v->u.list.n; i++)
            visit_value(st, v->u.list.items[i], NULL, false);
    } else if (v->kind == GQL_VALUE_OBJECT) {
        /* 30 UniqueInputFieldNames */
        gql_vmap known = {0};
        for (size_t i = 0; i < v->u.object.n; i++) {
            const gql_object_field *f = &v->u.object.fields[i];
            bool found;
            void **slot = gql_vmap_slot(&c->a, &known, f->name, &found);
            if (found) {
                const gql_object_field *prev = *slot;
                gql_loc locs[2] = {prev->loc, f->loc};
                gql_v_report(c, locs, 2, "There can be only one input field named \"%s\".",
                             f->name);
            } else {
                *slot = (void *)f;
            }
            visit_value(st, f->value, NULL, false);
        }
    }
}

/* ---- directives ---- */

/* graphql-js 17 also has a DIRECTIVE_DEFINITION location (directives on
 * directive definitions), which gql_directive_location lacks. */
#define LOC_DIRECTIVE_DEFINITION ((int)GQL_DL_COUNT)

static const char *location_name(int location)
{
    return location == LOC_DIRECTIVE_DEFINITION
               ? "DIRECTIVE_DEFINITION"
               : gql_directive_location_name((gql_directive_location)location);
}

static bool directive_allowed(const gql_directive_def *def, const gql_type_def *ddef, int location)
{
    if (location < LOC_DIRECTIVE_DEFINITION)
        return ((ddef ? ddef->locations : def->locations) & (1u << location)) != 0;
    if (ddef) {
        for (size_t i = 0; i < ddef->nlocation_names; i++)
            if (strcmp(ddef->location_names[i].name, "DIRECTIVE_DEFINITION") == 0)
                return true;
        return false;
    }
    for (size_t i = 0; i < def->nlocation_names; i++)
        if (strcmp(def->location_names[i], "DIRECTIVE_DEFINITION") == 0)
            return true;
    return false;
}

/* 18 KnownDirectives, 24 KnownArgumentNames (directives), 25, values, 27 */
static void visit_directive(vstate *st, const gql_directive *d, int location,
                            const gql_field *field)
{
    gql_vctx *c = &st->c;
    const gql_directive_def *def = gql_schema_directive(c->s, d->name);
    const gql_type_def *ddef = doc_directive(st, d->name);
    /* 18 */
    if (!def && !ddef) {
        report1(c, d->loc, gql_arena_printf(&c->a, "Unknown directive \"@%s\".", d->name));
    } else if (location >= 0 && !directive_allowed(def, ddef, location)) {
        report1(c, d->loc,
                gql_arena_printf(&c->a, "Directive \"@%s\" may not be used on %s.", d->name,
                                 location_name(location)));
    }
    /* 24 (directives) */
    if ((def || ddef) && d->nargs) {
        size_t nknown = ddef ? ddef->nargs : def->nargs;
        const char **known = GQL_NEWN(&c->a, const char *, nknown + 1);
        for (size_t i = 0; i < nknown; i++)
            known[i] = ddef ? ddef->args[i].name : def->args[i].name;
        for (size_t i = 0; i < d->nargs; i++) {
            bool ok = false;
            for (size_t k = 0; k < nknown && !ok; k++)
                ok = strcmp(known[k], d->args[i].name) == 0;
            if (ok)
                continue;
            const char **sugg;
            size_t ns = gql_v_suggestion_list(c, d->args[i].name, known, nknown, &sugg);
            report1(c, d->args[i].loc,
                    gql_arena_printf(&c->a, "Unknown argument \"%s\" on directive \"@%s\".%s",
                                     d->args[i].name, d->name,
                                     gql_v_did_you_mean(c, NULL, sugg, ns)));
        }
    }
    /* 25 */
    rule_unique_arguments(st, d->args, d->nargs);
    /* arguments: 26 and 30 */
    for (size_t i = 0; i < d->nargs; i++) {
        const gql_input_value *a = lookup_arg(def, field, true, d->args[i].name);
        visit_value(st, d->args[i].value, a && is_input(a->type) ? a->type : NULL, true);
    }
    /* 27 (leave) */
    if (ddef) {
        for (size_t i = 0; i < ddef->nargs; i++) {
            const gql_input_value_def *a = &ddef->args[i];
            if (a->type->kind != GQL_TYPE_REF_NON_NULL || a->default_value)
                continue;
            bool given = false;
            for (size_t k = 0; k < d->nargs && !given; k++)
                given = strcmp(d->args[k].name, a->name) == 0;
            if (!given)
                report1(c, d->loc,
                        gql_arena_printf(&c->a,
                                         "Argument \"@%s(%s:)\" of type \"%s\" is required, but it "
                                         "was not provided.",
                                         d->name, a->name, type_ref_str(c, a->type)));
        }
    } else if (def) {
        for (size_t i = 0; i < def->nargs; i++) {
            const gql_input_value *a = &def->args[i];
            if (!gql_is_required_input(a))
                continue;
            bool given = false;
            for (size_t k = 0; k < d->nargs && !given; k++)
                given = strcmp(d->args[k].name, a->name) == 0;
            if (!given)
                report1(c, d->loc,
                        gql_arena_printf(&c->a,
                                         "Argument \"@%s(%s:)\" of type \"%s\" is required, but it "
                                         "was not provided.",
                                         d->name, a->name, gql_v_type_str(c, a->type)));
        }
    }
}

static void visit_directives(vstate *st, const gql_directive *d, size_t n, int location,
                             const gql_field *field)
{
    for (size_t i = 0; i < n; i++)
        visit_directive(st, &d[i], location, field);
}

/* ---- selections ---- */

/* TypeInfo state around a selection. */
typedef struct tinfo {
    const gql_type *type;   /* getType(): of the enclosing field/fragment/operation */
    const gql_field *field; /* getFieldDef(): innermost enclosing field */
} tinfo;

static void visit_selection_set(vstate *st, const gql_selection_set *ss, tinfo ti,
                                bool inline_parent);

/* 31 MaxIntrospectionDepth's checkDepth */
static bool mid_check(vstate *st, const gql_selection *sel, const gql_selection_set *ss,
                      gql_vmap *visited, long depth, int guard)
{
    gql_vctx *c = &st->c;
    if (guard > 10000)
        gql_v_abort(c);
    if (sel && sel->kind == GQL_SEL_FRAGMENT_SPREAD) {
        const char *name = sel->name;
        void *ex = gql_vmap_get(&st->mid_exceeded, name);
        if (ex && (long)(uintptr_t)ex - 1 <= depth)
            return true;
        void *vi = gql_vmap_get(visited, name), *ch = gql_vmap_get(&st->mid_checked, name);
        if ((vi && (long)(uintptr_t)vi - 1 >= depth) || (ch && (long)(uintptr_t)ch - 1 >= depth))
            return false;
        const gql_fragment_def *f = gql_v_fragment(c, name);
        if (!f)
            return false;
        bool found;
        *gql_vmap_slot(&c->a, visited, name, &found) = (void *)(uintptr_t)(depth + 1);
        if (mid_check(st, NULL, f->selection_set, visited, depth, guard + 1)) {
            *gql_vmap_slot(&c->a, &st->mid_exceeded, name, &found) = (void *)(uintptr_t)(depth + 1);
            return true;
        }
        *gql_vmap_slot(&c->a, &st->mid_checked, name, &found) = (void *)(uintptr_t)(depth + 1);
        return false;
    }
    if (sel && sel->kind == GQL_SEL_FIELD &&
        (strcmp(sel->name, "fields") == 0 || strcmp(sel->name, "interfaces") == 0 ||
         strcmp(sel->name, "possibleTypes") == 0 || strcmp(sel->name, "inputFields") == 0)) {
        if (++depth >= MAX_INTROSPECTION_LISTS_DEPTH)
            return true;
    }
    if (sel)
        ss = sel->selection_set;
    if (ss)
        for (size_t i = 0; i < ss->n; i++)
            if (mid_check(st, ss->items[i], NULL, visited, depth, guard + 1))
                return true;
    return false;
}

/* A field of the type itself (graphql-js getFields(): no meta-fields). */
static bool has_plain_field(gql_vctx *c, const gql_type *t, const char *name)
{
    const gql_field *f = gql_type_field(t, name);
    return f && f != c->s->typename_meta_field && f != c->s->schema_meta_field &&
           f != c->s->type_meta_field;
}

/* FieldsOnCorrectType's comparator (getSuggestedTypeNames). */
static int suggested_type_cmp(const gql_type *a, size_t ua, const gql_type *b, size_t ub)
{
    if (ua != ub)
        return ub > ua ? 1 : -1;
    if (a->kind == GQL_INTERFACE && gql_v_is_sub_type(a, b))
        return -1;
    if (b->kind == GQL_INTERFACE && gql_v_is_sub_type(b, a))
        return 1;
    return gql_v_natural_compare(a->name, b->name);
}

/* The comparator above is not a total order (an interface sorts before the
 * types implementing it, names sort alphabetically), so the result depends
 * on the sorting algorithm. This is what V8's TimSort does to a short array
 * (one run, then binary insertion), which is what graphql-js runs on. */
static void v8_sort_types(const gql_type **t, size_t *u, size_t n)
{
    if (n < 2)
        return;
    size_t run = 2;
    bool desc = suggested_type_cmp(t[1], u[1], t[0], u[0]) < 0;
    for (size_t i = 2; i < n; i++) {
        int o = suggested_type_cmp(t[i], u[i], t[i - 1], u[i - 1]);
        if (desc ? o >= 0 : o < 0)
            break;
        run++;
    }
    if (desc)
        for (size_t i = 0, j = run - 1; i < j; i++, j--) {
            const gql_type *tt = t[i];
            t[i] = t[j];
            t[j] = tt;
            size_t uu = u[i];
            u[i] = u[j];
            u[j] = uu;
        }
    for (size_t start = run; start < n; start++) {
        const gql_type *pt = t[start];
        size_t pu = u[start], left = 0, right = start;
        while (left < right) {
            size_t mid = left + ((right - left) >> 1);
            if (suggested_type_cmp(pt, pu, t[mid], u[mid]) < 0)
                right = mid;
            else
                left = mid + 1;
        }
        for (size_t p = start; p > left; p--) {
            t[p] = t[p - 1];
            u[p] = u[p - 1];
        }
        t[left] = pt;
        u[left] = pu;
    }
}

static void visit_field(vstate *st, const gql_selection *sel, const gql_type *parent, tinfo ti)
{
    gql_vctx *c = &st->c;
    const gql_field *f = gql_v_get_field(c, parent, sel->name);
    const gql_type *ft = f && is_output(f->type) ? f->type : NULL;
    /* 8 ScalarLeafs */
    if (ft) {
        if (gql_is_leaf_type(named(ft))) {
            if (sel->selection_set)
                report1(c, sel->selection_set->loc,
                        gql_arena_printf(&c->a,
                                         "Field \"%s\" must not have a selection since type \"%s\" "
                                         "has no subfields.",
                                         sel->name, gql_v_type_str(c, ft)));
        } else if (!sel->selection_set) {
            report1(c, sel->loc,
                    gql_arena_printf(&c->a,
                                     "Field \"%s\" of type \"%s\" must have a selection of "
                                     "subfields. Did you mean \"%s { ... }\"?",
                                     sel->name, gql_v_type_str(c, ft), sel->name));
        }
    }
    /* 9 FieldsOnCorrectType */
    if (parent && !f) {
        const char *sugg_msg = "";
        if (is_abstract(parent)) {
            /* getSuggestedTypeNames: the possible types that have the field
             * and their interfaces that have it, most used first */
            size_t n = 0;
            const gql_type **types = GQL_NEWN(&c->a, const gql_type *, c->s->ntypes + 1);
            size_t *uses = GQL_NEWN(&c->a, size_t, c->s->ntypes + 1);
            for (size_t i = 0; i < parent->npossible; i++) {
                const gql_type *pt = parent->possible[i];
                if (pt->kind != GQL_OBJECT || !has_plain_field(c, pt, sel->name))
                    continue;
                for (size_t k = 0; k <= pt->ninterfaces; k++) {
                    const gql_type *cand = k == 0 ? pt : pt->interfaces[k - 1];
                    if (k > 0 && !has_plain_field(c, cand, sel->name))
                        continue;
                    size_t j = 0;
                    while (j < n && types[j] != cand)
                        j++;
                    if (j == n) {
                        types[n] = cand;
                        uses[n++] = 0;
                    }
                    uses[j] = k == 0 ? 1 : uses[j] + 1;
                }
            }
            v8_sort_types(types, uses, n);
            const char **names = GQL_NEWN(&c->a, const char *, n + 1);
            for (size_t i = 0; i < n; i++)
                names[i] = types[i]->name;
            sugg_msg = gql_v_did_you_mean(c, "to use an inline fragment on", names, n);
        }
        if (!*sugg_msg && (parent->kind == GQL_OBJECT || parent->kind == GQL_INTERFACE)) {
            const char **opts = GQL_NEWN(&c->a, const char *, parent->nfields + 1);
            for (size_t i = 0; i < parent->nfields; i++)
                opts[i] = parent->fields[i].name;
            const char **sugg;
            size_t ns = gql_v_suggestion_list(c, sel->name, opts, parent->nfields, &sugg);
            sugg_msg = gql_v_did_you_mean(c, NULL, sugg, ns);
        }
        report1(c, sel->loc,
                gql_arena_printf(&c->a, "Cannot query field \"%s\" on type \"%s\".%s", sel->name,
                                 parent->name, sugg_msg));
    }
    /* 19 */
    rule_unique_directives(st, sel->directives, sel->ndirectives, NULL);
    /* 25 */
    rule_unique_arguments(st, sel->args, sel->nargs);
    /* 31 MaxIntrospectionDepth */
    bool saved_skip = st->mid_skip;
    if (!st->mid_skip && (strcmp(sel->name, "__schema") == 0 || strcmp(sel->name, "__type") == 0)) {
        gql_vmap visited = {0};
        if (mid_check(st, sel, NULL, &visited, 0, 0)) {
            report1(c, sel->loc, "Maximum introspection depth exceeded");
            st->mid_skip = true;
        }
    }
    /* arguments: 24, 26, 30 */
    for (size_t i = 0; i < sel->nargs; i++) {
        const gql_argument *a = &sel->args[i];
        const gql_input_value *def = f ? find_arg(f->args, f->nargs, a->name) : NULL;
        if (!def && f) {
            const char **opts = GQL_NEWN(&c->a, const char *, f->nargs + 1);
            for (size_t k = 0; k < f->nargs; k++)
                opts[k] = f->args[k].name;
            const char **sugg;
            size_t ns = gql_v_suggestion_list(c, a->name, opts, f->nargs, &sugg);
            report1(c, a->loc,
                    gql_arena_printf(&c->a, "Unknown argument \"%s\" on field \"%s\".%s", a->name,
                                     field_coord(c, parent, f),
                                     gql_v_did_you_mean(c, NULL, sugg, ns)));
        }
        visit_value(st, a->value, def && is_input(def->type) ? def->type : NULL, true);
    }
    visit_directives(st, sel->directives, sel->ndirectives, GQL_DL_FIELD, f);
    if (sel->selection_set) {
        tinfo sub = {ft, f};
        visit_selection_set(st, sel->selection_set, sub, false);
    }
    st->mid_skip = saved_skip;
    /* 27 ProvidedRequiredArguments (leave) */
    if (f) {
        for (size_t i = 0; i < f->nargs; i++) {
            const gql_input_value *a = &f->args[i];
            if (!gql_is_required_input(a))
                continue;
            bool given = false;
            for (size_t k = 0; k < sel->nargs && !given; k++)
                given = strcmp(sel->args[k].name, a->name) == 0;
            if (!given)
                report1(c, sel->loc,
                        gql_arena_printf(&c->a,
                                         "Argument \"%s(%s:)\" of type \"%s\" is required, but it "
                                         "was not provided.",
                                         field_coord(c, parent, f), a->name,
                                         gql_v_type_str(c, a->type)));
        }
    }
}

static void visit_spread(vstate *st, const gql_selection *sel, const gql_type *parent, tinfo ti)
{
    gql_vctx *c = &st->c;
    const gql_fragment_def *frag = gql_v_fragment(c, sel->name);
    /* 11 KnownFragmentNames */
    if (!frag)
        report1(c, sel->name_loc, gql_arena_printf(&c->a, "Unknown fragment \"%s\".", sel->name));
    /* 13 PossibleFragmentSpreads */
    if (frag && parent) {
        const gql_type *ft = gql_v_named_type(c, frag->type_condition);
        if (is_composite(ft) && !gql_v_types_overlap(ft, parent))
            report1(c, sel->loc,
                    gql_arena_printf(&c->a,
                                     "Fragment \"%s\" cannot be spread here as objects of type "
                                     "\"%s\" can never be of type \"%s\".",
                                     sel->name, parent->name, ft->name));
    }
    /* 19 */
    rule_unique_directives(st, sel->directives, sel->ndirectives, NULL);
    visit_directives(st, sel->directives, sel->ndirectives, GQL_DL_FRAGMENT_SPREAD, ti.field);
}

static void visit_inline(vstate *st, const gql_selection *sel, const gql_type *parent, tinfo ti)
{
    gql_vctx *c = &st->c;
    const gql_type *t;
    const gql_type *cond = NULL;
    if (sel->type_condition) {
        cond = gql_v_named_type(c, sel->type_condition);
        t = cond;
    } else {
        t = named(ti.type);
    }
    if (!is_output(t))
        t = NULL;
    /* 6 FragmentsOnCompositeTypes */
    if (cond && !is_composite(cond))
        report1(c, sel->type_condition_loc,
                gql_arena_printf(&c->a, "Fragment cannot condition on non composite type \"%s\".",
                                 sel->type_condition));
    /* 13 PossibleFragmentSpreads */
    if (is_composite(t) && is_composite(parent) && !gql_v_types_overlap(t, parent))
        report1(c, sel->loc,
                gql_arena_printf(&c->a,
                                 "Fragment cannot be spread here as objects of type \"%s\" can "
                                 "never be of type \"%s\".",
                                 parent->name, t->name));
    /* 19 */
    rule_unique_directives(st, sel->directives, sel->ndirectives, NULL);
    /* children: type condition (5), directives, selection set */
    if (sel->type_condition)
        rule_known_type_name(st, sel->type_condition, sel->type_condition_loc, false);
    visit_directives(st, sel->directives, sel->ndirectives, GQL_DL_INLINE_FRAGMENT, ti.field);
    tinfo sub = {t, ti.field};
    visit_selection_set(st, sel->selection_set, sub, true);
}

static void visit_selection_set(vstate *st, const gql_selection_set *ss, tinfo ti,
                                bool inline_parent)
{
    gql_vctx *c = &st->c;
    const gql_type *nt = named(ti.type);
    const gql_type *parent = is_composite(nt) ? nt : NULL;
    /* 29 OverlappingFieldsCanBeMerged */
    if (!inline_parent &&
        (ss->n > 1 || (ss->n == 1 && ss->items[0]->kind == GQL_SEL_INLINE_FRAGMENT)))
        gql_v_overlap_selection_set(c, parent, ss);
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        switch (sel->kind) {
        case GQL_SEL_FIELD:
            visit_field(st, sel, parent, ti);
            break;
        case GQL_SEL_FRAGMENT_SPREAD:
            visit_spread(st, sel, parent, ti);
            break;
        case GQL_SEL_INLINE_FRAGMENT:
            visit_inline(st, sel, parent, ti);
            break;
        }
    }
}

/* ---- operations ---- */

/* 4 SingleFieldSubscriptions: collectFields forbidding @skip/@include */
typedef struct sub_collect {
    gql_vmap groups; /* response key -> gql_vec of selections */
    const gql_directive **forbidden;
    size_t nforbidden, cap;
    gql_vmap visited;
} sub_collect;

static const gql_directive *find_directive(const gql_selection *sel, const char *name)
{
    for (size_t i = 0; i < sel->ndirectives; i++)
        if (strcmp(sel->directives[i].name, name) == 0)
            return &sel->directives[i];
    return NULL;
}

static bool sub_include(vstate *st, sub_collect *sc, const gql_selection *sel)
{
    const gql_directive *d = find_directive(sel, "skip");
    if (!d)
        d = find_directive(sel, "include");
    if (!d)
        return true;
    sc->forbidden = vgrow(&st->c, sc->forbidden, sc->nforbidden, &sc->cap, sizeof(void *));
    sc->forbidden[sc->nforbidden++] = d;
    return false;
}

static bool condition_matches(vstate *st, const char *cond, const gql_type *type)
{
    if (!cond)
        return true;
    const gql_type *t = gql_v_named_type(&st->c, cond);
    if (t == type)
        return true;
    return is_abstract(t) && gql_v_is_sub_type(t, type);
}

static void sub_collect_set(vstate *st, sub_collect *sc, const gql_type *type,
                            const gql_selection_set *ss, int depth)
{
    gql_vctx *c = &st->c;
    if (depth > 10000)
        gql_v_abort(c);
    gql_v_spend_fragment_work(c, (long)ss->n);
    for (size_t i = 0; i < ss->n; i++)
        gql_v_spend_fragment_work(c, (long)ss->items[i]->ndirectives);
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        switch (sel->kind) {
        case GQL_SEL_FIELD: {
            if (!sub_include(st, sc, sel))
                break;
            bool found;
            void **slot =
                gql_vmap_slot(&c->a, &sc->groups, sel->alias ? sel->alias : sel->name, &found);
            if (!found)
                *slot = GQL_NEW(&c->a, gql_vec);
            gql_vec_push(&c->a, *slot, (void *)sel);
            break;
        }
        case GQL_SEL_INLINE_FRAGMENT:
            if (!sub_include(st, sc, sel) || !condition_matches(st, sel->type_condition, type))
                break;
            sub_collect_set(st, sc, type, sel->selection_set, depth + 1);
            break;
        case GQL_SEL_FRAGMENT_SPREAD: {
            if (!sub_include(st, sc, sel))
                break;
            const gql_fragment_def *f = gql_v_fragment(c, sel->name);
            if (!f || !condition_matches(st, f->type_condition, type))
                break;
            bool found;
            gql_vmap_slot(&c->a, &sc->visited, sel->name, &found);
            if (found)
                break;
            sub_collect_set(st, sc, type, f->selection_set, depth + 1);
            break;
        }
        }
    }
}

static void rule_single_field_subscription(vstate *st, const gql_operation_def *op)
{
    gql_vctx *c = &st->c;
    if (op->type != GQL_OP_SUBSCRIPTION || !c->s->subscription)
        return;
    sub_collect sc = {0};
    sub_collect_set(st, &sc, c->s->subscription, op->selection_set, 0);
    const char *who = op->name ? gql_arena_printf(&c->a, "Subscription \"%s\"", op->name)
                               : "Anonymous Subscription";
    if (sc.nforbidden) {
        gql_loc *locs = GQL_NEWN(&c->a, gql_loc, sc.nforbidden);
        for (size_t i = 0; i < sc.nforbidden; i++)
            locs[i] = sc.forbidden[i]->loc;
        gql_v_report(c, locs, sc.nforbidden,
                     "%s must not use `@skip` or `@include` directives in the top level selection.",
                     who);
        return;
    }
    if (sc.groups.n == 0) {
        report1(c, op->selection_set->loc,
                gql_arena_printf(&c->a, "%s must select one top level field.", who));
    } else if (sc.groups.n > 1) {
        size_t n = 0;
        for (size_t g = 1; g < sc.groups.n; g++)
            n += ((gql_vec *)sc.groups.vals[g])->n;
        gql_loc *locs = GQL_NEWN(&c->a, gql_loc, n);
        size_t k = 0;
        for (size_t g = 1; g < sc.groups.n; g++) {
            gql_vec *v = sc.groups.vals[g];
            for (size_t i = 0; i < v->n; i++)
                locs[k++] = ((const gql_selection *)v->items[i])->loc;
        }
        gql_v_report(c, locs, n, "%s must select only one top level field.", who);
    }
    for (size_t g = 0; g < sc.groups.n; g++) {
        gql_vec *v = sc.groups.vals[g];
        const gql_selection *first = v->items[0];
        if (strncmp(first->name, "__", 2) != 0)
            continue;
        gql_loc *locs = GQL_NEWN(&c->a, gql_loc, v->n);
        for (size_t i = 0; i < v->n; i++)
            locs[i] = ((const gql_selection *)v->items[i])->loc;
        gql_v_report(c, locs, v->n, "%s must not select an introspection top level field.", who);
    }
}

/* Step over one source character, keeping line and column (UTF-16 units,
 * as graphql-js counts them). */
static size_t step(const char *src, size_t len, size_t i, gql_loc *l)
{
    unsigned char ch = (unsigned char)src[i];
    if (ch == '\n' || (ch == '\r' && !(i + 1 < len && src[i + 1] == '\n'))) {
        l->line++;
        l->column = 1;
    } else if ((ch & 0xC0) != 0x80 && ch != '\r') {
        l->column += ch >= 0xF0 ? 2 : 1; /* astral characters are surrogate pairs */
    }
    l->offset++;
    return i + 1;
}

/* The variable's name node: the definition starts at its description (if
 * any), then come '$' and the name, with ignored tokens in between. The AST
 * keeps only the start, so the source is scanned from there. */
static gql_loc var_name_loc(const gql_document *doc, const gql_variable_def *vd)
{
    gql_loc l = vd->loc;
    const char *src = doc->source;
    size_t len = doc->source_len, i = l.offset;
    if (!src || i >= len)
        return l;
    if (vd->description && src[i] == '"') {
        bool block = i + 2 < len && src[i + 1] == '"' && src[i + 2] == '"';
        if (block) {
            for (int k = 0; k < 3; k++)
                i = step(src, len, i, &l);
            while (i < len &&
                   !(src[i] == '"' && i + 2 < len && src[i + 1] == '"' && src[i + 2] == '"')) {
                if (src[i] == '\\' && i + 3 < len && src[i + 1] == '"' && src[i + 2] == '"' &&
                    src[i + 3] == '"')
                    for (int k = 0; k < 3; k++)
                        i = step(src, len, i, &l);
                i = step(src, len, i, &l);
            }
            for (int k = 0; k < 3 && i < len; k++)
                i = step(src, len, i, &l);
        } else {
            i = step(src, len, i, &l);
            while (i < len && src[i] != '"') {
                if (src[i] == '\\' && i + 1 < len)
                    i = step(src, len, i, &l);
                i = step(src, len, i, &l);
            }
            if (i < len)
                i = step(src, len, i, &l);
        }
    }
    bool dollar = false;
    while (i < len) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '#') {
            while (i < len && src[i] != '\n' && src[i] != '\r')
                i = step(src, len, i, &l);
        } else if (ch == ' ' || ch == '\t' || ch == ',' || ch == '\n' || ch == '\r') {
            i = step(src, len, i, &l);
        } else if (ch == 0xEF && i + 2 < len && (unsigned char)src[i + 1] == 0xBB &&
                   (unsigned char)src[i + 2] == 0xBF) {
            i = step(src, len, i, &l);
            i += 2;
            l.offset += 2;
        } else if (ch == '$' && !dollar) {
            dollar = true;
            i = step(src, len, i, &l);
        } else {
            break;
        }
    }
    return l;
}

static void rule_variables(vstate *st, size_t opi, const gql_operation_def *op)
{
    gql_vctx *c = &st->c;
    /* 15 UniqueVariableNames */
    if (op->nvars > 1) {
        gql_vmap groups = {0};
        for (size_t i = 0; i < op->nvars; i++) {
            bool found;
            void **slot = gql_vmap_slot(&c->a, &groups, op->vars[i].name, &found);
            *slot = (void *)((uintptr_t)*slot + 1);
        }
        for (size_t g = 0; g < groups.n; g++) {
            size_t cnt = (uintptr_t)groups.vals[g];
            if (cnt < 2)
                continue;
            gql_loc *locs = GQL_NEWN(&c->a, gql_loc, cnt);
            size_t k = 0;
            for (size_t i = 0; i < op->nvars; i++)
                if (strcmp(op->vars[i].name, groups.keys[g]) == 0)
                    locs[k++] = var_name_loc(c->doc, &op->vars[i]);
            gql_v_report(c, locs, k, "There can be only one variable named \"$%s\".",
                         groups.keys[g]);
        }
    }
    /* 16 NoUndefinedVariables */
    gql_vmap defined = {0};
    for (size_t i = 0; i < op->nvars; i++) {
        bool found;
        gql_vmap_slot(&c->a, &defined, op->vars[i].name, &found);
    }
    usages *us = recursive_usages(st, opi);
    for (size_t i = 0; i < us->n; i++) {
        const usage *u = &us->items[i];
        if (vmap_has(&defined, u->name))
            continue;
        gql_loc locs[2] = {u->loc, op->loc};
        if (op->name)
            gql_v_report(c, locs, 2, "Variable \"$%s\" is not defined by operation \"%s\".",
                         u->name, op->name);
        else
            gql_v_report(c, locs, 2, "Variable \"$%s\" is not defined.", u->name);
    }
    /* 17 NoUnusedVariables */
    gql_vmap used = {0};
    for (size_t i = 0; i < us->n; i++) {
        bool found;
        gql_vmap_slot(&c->a, &used, us->items[i].name, &found);
    }
    for (size_t i = 0; i < op->nvars; i++) {
        const gql_variable_def *vd = &op->vars[i];
        if (vmap_has(&used, vd->name))
            continue;
        if (op->name)
            gql_v_report(c, &vd->loc, 1, "Variable \"$%s\" is never used in operation \"%s\".",
                         vd->name, op->name);
        else
            gql_v_report(c, &vd->loc, 1, "Variable \"$%s\" is never used.", vd->name);
    }
}

/* 28 VariablesInAllowedPosition (operation leave) */
static void rule_variables_in_allowed_position(vstate *st, size_t opi, const gql_operation_def *op)
{
    gql_vctx *c = &st->c;
    usages *us = recursive_usages(st, opi);
    for (size_t i = 0; i < us->n; i++) {
        const usage *u = &us->items[i];
        const gql_variable_def *vd = NULL; /* a Map: the last definition wins */
        for (size_t k = 0; k < op->nvars; k++)
            if (strcmp(op->vars[k].name, u->name) == 0)
                vd = &op->vars[k];
        if (!vd || !u->type)
            continue;
        const gql_type *vt = gql_v_type_from_ast(c, vd->type);
        if (!vt)
            continue;
        bool allowed;
        const gql_type *loc_type = u->type;
        if (loc_type->kind == GQL_NON_NULL && vt->kind != GQL_NON_NULL) {
            bool var_default = vd->default_value && vd->default_value->kind != GQL_VALUE_NULL;
            if (!var_default && !u->has_default)
                allowed = false;
            else
                allowed = gql_v_type_is_subtype_of(vt, loc_type->of_type);
        } else {
            allowed = gql_v_type_is_subtype_of(vt, loc_type);
        }
        gql_loc locs[2] = {vd->loc, u->loc};
        if (!allowed)
            gql_v_report(c, locs, 2,
                         "Variable \"$%s\" of type \"%s\" used in position expecting type \"%s\".",
                         u->name, gql_v_type_str(c, vt), gql_v_type_str(c, loc_type));
        if (u->parent && u->parent->kind == GQL_INPUT_OBJECT && u->parent->one_of &&
            vt->kind != GQL_NON_NULL)
            gql_v_report(c, locs, 2,
                         "Variable \"$%s\" is of type \"%s\" but must be non-nullable to be used "
                         "for OneOf Input Object \"%s\".",
                         u->name, gql_v_type_str(c, vt), u->parent->name);
    }
}

static void visit_variable_def(vstate *st, const gql_variable_def *vd)
{
    gql_vctx *c = &st->c;
    const gql_type *t = gql_v_type_from_ast(c, vd->type);
    /* 7 VariablesAreInputTypes */
    if (t && !is_input(t))
        report1(c, vd->type->loc,
                gql_arena_printf(&c->a, "Variable \"$%s\" cannot be non-input type \"%s\".",
                                 vd->name, type_ref_str(c, vd->type)));
    /* 19 */
    rule_unique_directives(st, vd->directives, vd->ndirectives, NULL);
    /* children: type (5), default value (26, 30), directives */
    const gql_type_ref *nt = innermost_ref(vd->type);
    rule_known_type_name(st, nt->name, nt->loc, false);
    if (vd->default_value)
        visit_value(st, vd->default_value, t && is_input(t) ? t : NULL, true);
    visit_directives(st, vd->directives, vd->ndirectives, GQL_DL_VARIABLE_DEFINITION, NULL);
}

static void visit_operation(vstate *st, size_t opi, const gql_operation_def *op)
{
    gql_vctx *c = &st->c;
    const gql_type *root = root_type(c->s, op->type);
    /* 1 KnownOperationTypes */
    if (!root)
        report1(c, op->loc,
                gql_arena_printf(&c->a, "The %s operation is not supported by the schema.",
                                 gql_operation_type_name(op->type)));
    /* 2 UniqueOperationNames */
    if (op->name) {
        bool found;
        void **slot = gql_vmap_slot(&c->a, &st->op_names, op->name, &found);
        if (found) {
            const gql_operation_def *prev = *slot;
            gql_loc locs[2] = {prev->name_loc, op->name_loc};
            gql_v_report(c, locs, 2, "There can be only one operation named \"%s\".", op->name);
        } else {
            *slot = (void *)op;
        }
    }
    /* 3 LoneAnonymousOperation */
    if (!op->name && st->noperations > 1)
        report1(c, op->loc, "This anonymous operation must be the only defined operation.");
    /* 4 */
    rule_single_field_subscription(st, op);
    /* 15, 16, 17 */
    rule_variables(st, opi, op);
    /* 19 */
    rule_unique_directives(st, op->directives, op->ndirectives, NULL);
    /* children */
    for (size_t i = 0; i < op->nvars; i++)
        visit_variable_def(st, &op->vars[i]);
    visit_directives(st, op->directives, op->ndirectives,
                     op->type == GQL_OP_QUERY      ? GQL_DL_QUERY
                     : op->type == GQL_OP_MUTATION ? GQL_DL_MUTATION
                                                   : GQL_DL_SUBSCRIPTION,
                     NULL);
    tinfo ti = {root && root->kind == GQL_OBJECT ? root : NULL, NULL};
    visit_selection_set(st, op->selection_set, ti, false);
    /* 28 (leave) */
    rule_variables_in_allowed_position(st, opi, op);
}

/* 14 NoFragmentCycles, with an explicit stack instead of recursion. */
typedef struct cycle_frame {
    const gql_fragment_def *frag;
    spreads *sp;
    size_t next;
} cycle_frame;

static void rule_no_fragment_cycles(vstate *st, size_t fi, gql_vmap *visited, gql_vmap *path_index)
{
    gql_vctx *c = &st->c;
    const gql_fragment_def *start = c->doc->defs[fi].u.fragment;
    bool found;
    gql_vmap_slot(&c->a, visited, start->name, &found);
    if (found)
        return;
    cycle_frame *frames = NULL;
    size_t nframes = 0, fcap = 0;
    const gql_selection **path = NULL;
    size_t npath = 0, pcap = 0;

    spreads *sp = def_spreads(st, fi);
    if (sp->n == 0)
        return;
    *gql_vmap_slot(&c->a, path_index, start->name, &found) = (void *)(uintptr_t)(npath + 1);
    frames = vgrow(c, frames, nframes, &fcap, sizeof(cycle_frame));
    frames[nframes++] = (cycle_frame){start, sp, 0};
    while (nframes) {
        cycle_frame *fr = &frames[nframes - 1];
        if (fr->next == fr->sp->n) {
            *gql_vmap_slot(&c->a, path_index, fr->frag->name, &found) = NULL;
            nframes--;
            if (nframes)
                npath--; /* the spread that led into this fragment */
            continue;
        }
        const gql_selection *spread = fr->sp->items[fr->next++];
        uintptr_t cycle = (uintptr_t)gql_vmap_get(path_index, spread->name);
        path = vgrow(c, path, npath, &pcap, sizeof(void *));
        path[npath++] = spread;
        if (!cycle) {
            size_t di = frag_def_index(st, spread->name);
            if (di) {
                const gql_fragment_def *f = c->doc->defs[di - 1].u.fragment;
                gql_vmap_slot(&c->a, visited, f->name, &found);
                if (!found) {
                    spreads *fsp = def_spreads(st, di - 1);
                    if (fsp->n) {
                        *gql_vmap_slot(&c->a, path_index, f->name, &found) =
                            (void *)(uintptr_t)(npath + 1);
                        frames = vgrow(c, frames, nframes, &fcap, sizeof(cycle_frame));
                        frames[nframes++] = (cycle_frame){f, fsp, 0};
                        continue; /* the spread stays on the path */
                    }
                }
            }
        } else {
            size_t from = cycle - 1, n = npath - from;
            gql_loc *locs = GQL_NEWN(&c->a, gql_loc, n);
            gql_buf via = GQL_BUF_INIT;
            for (size_t i = 0; i < n; i++) {
                locs[i] = path[from + i]->loc;
                if (i + 1 < n)
                    gql_buf_printf(&via, "%s\"%s\"", i ? ", " : "", path[from + i]->name);
            }
            const char *via_s = gql_arena_strdup(&c->a, gql_buf_cstr(&via));
            gql_buf_free(&via);
            if (*via_s)
                gql_v_report(c, locs, n, "Cannot spread fragment \"%s\" within itself via %s.",
                             spread->name, via_s);
            else
                gql_v_report(c, locs, n, "Cannot spread fragment \"%s\" within itself.",
                             spread->name);
        }
        npath--;
    }
}

static void visit_fragment(vstate *st, size_t fi, const gql_fragment_def *f, gql_vmap *cyc_visited,
                           gql_vmap *cyc_path)
{
    gql_vctx *c = &st->c;
    const gql_type *t = gql_v_named_type(c, f->type_condition);
    /* 6 FragmentsOnCompositeTypes */
    if (t && !is_composite(t))
        report1(c, f->type_condition_loc,
                gql_arena_printf(&c->a,
                                 "Fragment \"%s\" cannot condition on non composite type \"%s\".",
                                 f->name, f->type_condition));
    /* 10 UniqueFragmentNames */
    bool found;
    void **slot = gql_vmap_slot(&c->a, &st->frag_names, f->name, &found);
    if (found) {
        const gql_fragment_def *prev = *slot;
        gql_loc locs[2] = {prev->name_loc, f->name_loc};
        gql_v_report(c, locs, 2, "There can be only one fragment named \"%s\".", f->name);
    } else {
        *slot = (void *)f;
    }
    /* 14 */
    rule_no_fragment_cycles(st, fi, cyc_visited, cyc_path);
    /* 19 */
    rule_unique_directives(st, f->directives, f->ndirectives, NULL);
    /* children: type condition (5), directives, selection set */
    rule_known_type_name(st, f->type_condition, f->type_condition_loc, false);
    visit_directives(st, f->directives, f->ndirectives, GQL_DL_FRAGMENT_DEFINITION, NULL);
    tinfo ti = {is_output(t) ? t : NULL, NULL};
    visit_selection_set(st, f->selection_set, ti, false);
}

/* 12 NoUnusedFragments (document leave) */
static void rule_no_unused_fragments(vstate *st)
{
    gql_vctx *c = &st->c;
    const gql_document *doc = c->doc;
    size_t *ops = GQL_NEWN(&c->a, size_t, doc->ndefs + 1), nops = 0;
    for (size_t i = 0; i < doc->ndefs; i++)
        if (doc->defs[i].kind == GQL_DEF_OPERATION)
            ops[nops++] = i;
    frag_list *fl = referenced_fragments(st, ops, nops);
    gql_vmap used = {0};
    for (size_t i = 0; i < fl->n; i++) {
        bool found;
        gql_vmap_slot(&c->a, &used, fl->items[i]->name, &found);
    }
    for (size_t i = 0; i < doc->ndefs; i++) {
        if (doc->defs[i].kind != GQL_DEF_FRAGMENT)
            continue;
        const gql_fragment_def *f = doc->defs[i].u.fragment;
        if (!vmap_has(&used, f->name))
            report1(c, f->loc, gql_arena_printf(&c->a, "Fragment \"%s\" is never used.", f->name));
    }
}

/* ---- type-system definitions inside an executable document ---- */

static void visit_sdl_directives(vstate *st, const gql_directive *d, size_t n, int location,
                                 gql_vmap *seen)
{
    rule_unique_directives(st, d, n, seen);
    visit_directives(st, d, n, location, NULL);
}

static void visit_sdl_input_value(vstate *st, const gql_input_value_def *iv, int location)
{
    rule_unique_directives(st, iv->directives, iv->ndirectives, NULL);
    const gql_type_ref *nt = innermost_ref(iv->type);
    rule_known_type_name(st, nt->name, nt->loc, true);
    if (iv->default_value)
        visit_value(st, iv->default_value, NULL, true);
    visit_directives(st, iv->directives, iv->ndirectives, location, NULL);
}

static void visit_sdl(vstate *st, const gql_definition *def)
{
    gql_vctx *c = &st->c;
    const gql_type_def *td = def->u.type_def;
    gql_vmap *seen = NULL;
    int loc = -1;
    bool found;
    switch (def->kind) {
    case GQL_DEF_SCHEMA:
        seen = &st->sdl_schema_dirs;
        loc = GQL_DL_SCHEMA;
        break;
    case GQL_DEF_DIRECTIVE:
        break;
    default: {
        void **slot = gql_vmap_slot(&c->a, &st->sdl_type_dirs, td->name, &found);
        if (!found)
            *slot = GQL_NEW(&c->a, gql_vmap);
        seen = *slot;
        loc = def->kind == GQL_DEF_SCALAR      ? GQL_DL_SCALAR
              : def->kind == GQL_DEF_OBJECT    ? GQL_DL_OBJECT
              : def->kind == GQL_DEF_INTERFACE ? GQL_DL_INTERFACE
              : def->kind == GQL_DEF_UNION     ? GQL_DL_UNION
              : def->kind == GQL_DEF_ENUM      ? GQL_DL_ENUM
                                               : GQL_DL_INPUT_OBJECT;
        break;
    }
    }
    if (def->kind == GQL_DEF_DIRECTIVE) {
        /* keys: (description,) name, arguments, directives, locations */
        void **slot = gql_vmap_slot(&c->a, &st->sdl_directive_dirs, td->name, &found);
        if (!found)
            *slot = GQL_NEW(&c->a, gql_vmap);
        rule_unique_directives(st, td->directives, td->ndirectives, *slot);
        for (size_t i = 0; i < td->nargs; i++)
            visit_sdl_input_value(st, &td->args[i], GQL_DL_ARGUMENT_DEFINITION);
        visit_directives(st, td->directives, td->ndirectives, LOC_DIRECTIVE_DEFINITION, NULL);
        return;
    }
    /* keys: (description,) name, interfaces, directives, fields / types / values */
    for (size_t i = 0; i < td->ninterfaces; i++)
        rule_known_type_name(st, td->interfaces[i].name, td->interfaces[i].loc, true);
    if (def->kind == GQL_DEF_UNION) {
        visit_sdl_directives(st, td->directives, td->ndirectives, loc, seen);
        for (size_t i = 0; i < td->nmembers; i++)
            rule_known_type_name(st, td->members[i].name, td->members[i].loc, true);
        return;
    }
    visit_sdl_directives(st, td->directives, td->ndirectives, loc, seen);
    for (size_t i = 0; i < td->nroot_ops; i++)
        rule_known_type_name(st, td->root_ops[i].type.name, td->root_ops[i].type.loc, true);
    for (size_t i = 0; i < td->nfields; i++) {
        const gql_field_def_node *f = &td->fields[i];
        rule_unique_directives(st, f->directives, f->ndirectives, NULL);
        for (size_t k = 0; k < f->nargs; k++)
            visit_sdl_input_value(st, &f->args[k], GQL_DL_ARGUMENT_DEFINITION);
        const gql_type_ref *nt = innermost_ref(f->type);
        rule_known_type_name(st, nt->name, nt->loc, true);
        visit_directives(st, f->directives, f->ndirectives, GQL_DL_FIELD_DEFINITION, NULL);
    }
    for (size_t i = 0; i < td->nvalues; i++) {
        const gql_enum_value_def *v = &td->values[i];
        rule_unique_directives(st, v->directives, v->ndirectives, NULL);
        visit_directives(st, v->directives, v->ndirectives, GQL_DL_ENUM_VALUE, NULL);
    }
    for (size_t i = 0; i < td->ninput_fields; i++)
        visit_sdl_input_value(st, &td->input_fields[i], GQL_DL_INPUT_FIELD_DEFINITION);
}

/* ---- the document ---- */

static void visit_document(vstate *st)
{
    gql_vctx *c = &st->c;
    const gql_document *doc = c->doc;
    /* 0 ExecutableDefinitions */
    for (size_t i = 0; i < doc->ndefs; i++) {
        const gql_definition *d = &doc->defs[i];
        if (d->kind == GQL_DEF_OPERATION || d->kind == GQL_DEF_FRAGMENT)
            continue;
        if (d->kind == GQL_DEF_SCHEMA)
            report1(c, d->loc, "The schema definition is not executable.");
        else
            report1(c, d->loc,
                    gql_arena_printf(&c->a, "The \"%s\" definition is not executable.",
                                     d->u.type_def->name));
    }
    gql_vmap cyc_visited = {0}, cyc_path = {0};
    for (size_t i = 0; i < doc->ndefs; i++) {
        const gql_definition *d = &doc->defs[i];
        switch (d->kind) {
        case GQL_DEF_OPERATION:
            visit_operation(st, i, d->u.operation);
            break;
        case GQL_DEF_FRAGMENT:
            visit_fragment(st, i, d->u.fragment, &cyc_visited, &cyc_path);
            break;
        default:
            visit_sdl(st, d);
            break;
        }
    }
    rule_no_unused_fragments(st);
}

static void prepare(vstate *st)
{
    gql_vctx *c = &st->c;
    const gql_document *doc = c->doc;
    st->sums = GQL_NEWN(&c->a, defsum, doc->ndefs + 1);
    for (size_t i = 0; i < doc->ndefs; i++) {
        const gql_definition *d = &doc->defs[i];
        bool found;
        if (d->kind == GQL_DEF_OPERATION)
            st->noperations++;
        else if (d->kind == GQL_DEF_FRAGMENT) {
            *gql_vmap_slot(&c->a, &c->fragments, d->u.fragment->name, &found) =
                (void *)d->u.fragment;
            *gql_vmap_slot(&c->a, &st->frag_index, d->u.fragment->name, &found) =
                (void *)(uintptr_t)(i + 1);
        } else if (d->kind == GQL_DEF_DIRECTIVE) {
            if (!d->u.type_def->extension) {
                void **slot =
                    gql_vmap_slot(&c->a, &st->doc_directives, d->u.type_def->name, &found);
                *slot = (void *)d->u.type_def;
            }
        } else if (d->kind != GQL_DEF_SCHEMA && !d->u.type_def->extension)
            gql_vmap_slot(&c->a, &st->defined_types, d->u.type_def->name, &found);
    }
}

size_t gql_validate(const gql_schema *s, const gql_document *doc, gql_errors *errs)
{
    vstate *st = calloc(1, sizeof *st);
    if (!st)
        abort();
    gql_vctx *c = &st->c;
    c->s = s;
    c->doc = doc;
    c->errs = errs;
    c->fragment_work = MAX_FRAGMENT_WORK;
    gql_arena_init(&c->a, 0);
    if (setjmp(c->abort) == 0) {
        prepare(st);
        visit_document(st);
    }
    size_t n = c->nerrors;
    gql_arena_free(&c->a);
    free(st);
    return n;
}
