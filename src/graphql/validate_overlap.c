/* validate_overlap.c -- OverlappingFieldsCanBeMerged (spec 5.3.2).
 *
 * A transcription of graphql-js 17.1's rule, which avoids the exponential
 * blow-up of the spec's naive algorithm:
 *   - fields and spreads of a (parent type, selection set) are collected once
 *     and cached;
 *   - pairs (fields, fragment) and (fragment, fragment) already compared are
 *     remembered together with whether they were compared as mutually
 *     exclusive, so each is compared at most twice;
 *   - the overlapping response names of two collected sets and the argument
 *     comparison of two fields are cached;
 *   - a complexity budget (500,000 steps, charged as graphql-js charges it)
 *     ends validation with "Validation aborted." on hostile documents.
 * Fragment arguments (an experimental graphql-js feature) do not exist here,
 * so every "variable scope" of graphql-js is the undefined one.
 */
#include "validate_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CONFLICT_DETAIL_LENGTH 1000
#define MAX_CONFLICT_NODES 20
#define MAX_COMPLEXITY_BUDGET 500000L
/* Not in graphql-js (whose stack simply overflows): a bound on recursion
 * through nested selections and fragment pairs. */
#define MAX_RECURSION 5000

typedef struct ofield {
    const gql_type *parent;
    const gql_selection *node;
    const gql_field *def;
    const gql_directive *stream;
    bool simple_leaf;
} ofield;

typedef struct ogroup {
    const char *name;
    ofield **items;
    size_t n, cap;
} ogroup;

typedef struct cfr { /* collectFields result */
    ogroup *groups;
    size_t ngroups, cap;
    gql_vmap index; /* response name -> group index + 1 */
    const gql_selection **spreads;
    size_t nspreads, spreads_cap;
    bool frags_done; /* getFragmentSpreads, cached */
    const gql_fragment_def **frags;
    size_t nfrags;
} cfr;

typedef struct overlap_pair {
    ogroup *g1, *g2;
} overlap_pair;

typedef struct overlap_list {
    overlap_pair *items;
    size_t n;
} overlap_list;

typedef struct conflict {
    const char *name;
    const char *reason;
    const gql_selection **f1, **f2;
    size_t n1, n2;
} conflict;

typedef struct conflicts {
    conflict *items;
    size_t n, cap;
} conflicts;

struct gql_overlap {
    gql_vpairs cfr_cache; /* (parent type, selection set) -> index into cfrs */
    cfr **cfrs;
    size_t ncfrs, cfrs_cap;
    gql_vpairs fields_and_frags; /* (cfr, fragment) -> mutually exclusive */
    gql_vpairs frag_pairs;       /* (fragment, fragment) -> mutually exclusive */
    gql_vpairs overlaps;         /* (cfr, cfr) -> index into lists */
    overlap_list *lists;
    size_t nlists, lists_cap;
    gql_vpairs arg_cmp;    /* (field, field) -> same arguments */
    gql_vpairs value_keys; /* (value, NULL) -> index into keys */
    struct vkey *keys;
    size_t nkeys, keys_cap;
    gql_vpairs arg_maps; /* (argument array, NULL) -> index into maps */
    gql_vmap **maps;
    size_t nmaps, maps_cap;
    int depth;
};

static void spend(gql_vctx *c, long cost)
{
    c->overlap_budget -= cost;
    if (c->overlap_budget < 0)
        gql_v_abort(c);
}

static void enter(gql_vctx *c)
{
    if (++c->overlap->depth > MAX_RECURSION)
        gql_v_abort(c);
}

static void leave(gql_vctx *c)
{
    c->overlap->depth--;
}

static void *grow(gql_vctx *c, void *items, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return items;
    size_t ncap = *cap ? *cap * 2 : 4;
    void *r = gql_arena_grow(&c->a, items, *cap, ncap, elem);
    *cap = ncap;
    return r;
}

/* ---------------------------------------------------------- collect fields */

static const gql_field *plain_field(gql_vctx *c, const gql_type *t, const char *name)
{
    if (!t || (t->kind != GQL_OBJECT && t->kind != GQL_INTERFACE))
        return NULL;
    const gql_field *f = gql_type_field(t, name);
    if (f && (f == c->s->typename_meta_field || f == c->s->schema_meta_field ||
              f == c->s->type_meta_field))
        return NULL;
    return f;
}

static void collect_impl(gql_vctx *c, cfr *r, const gql_type *parent, const gql_selection_set *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        switch (sel->kind) {
        case GQL_SEL_FIELD: {
            const char *rname = sel->alias ? sel->alias : sel->name;
            bool found;
            void **slot = gql_vmap_slot(&c->a, &r->index, rname, &found);
            if (!found) {
                r->groups = grow(c, r->groups, r->ngroups, &r->cap, sizeof(ogroup));
                memset(&r->groups[r->ngroups], 0, sizeof(ogroup));
                r->groups[r->ngroups].name = rname;
                *slot = (void *)(uintptr_t)(++r->ngroups);
            }
            ogroup *g = &r->groups[(uintptr_t)*slot - 1];
            ofield *f = GQL_NEW(&c->a, ofield);
            f->parent = parent;
            f->node = sel;
            f->def = plain_field(c, parent, sel->name);
            for (size_t d = 0; d < sel->ndirectives && !f->stream; d++)
                if (strcmp(sel->directives[d].name, "stream") == 0)
                    f->stream = &sel->directives[d];
            f->simple_leaf = sel->nargs == 0 && !sel->selection_set && !f->stream;
            g->items = grow(c, g->items, g->n, &g->cap, sizeof(ofield *));
            g->items[g->n++] = f;
            break;
        }
        case GQL_SEL_FRAGMENT_SPREAD:
            r->spreads = grow(c, r->spreads, r->nspreads, &r->spreads_cap, sizeof(void *));
            r->spreads[r->nspreads++] = sel;
            break;
        case GQL_SEL_INLINE_FRAGMENT: {
            const gql_type *t = parent;
            if (sel->type_condition)
                t = gql_v_named_type(c, sel->type_condition);
            collect_impl(c, r, t, sel->selection_set);
            break;
        }
        }
    }
}

static cfr *collect_fields(gql_vctx *c, const gql_type *parent, const gql_selection_set *ss)
{
    struct gql_overlap *o = c->overlap;
    int idx = gql_vpairs_get(&o->cfr_cache, parent, ss);
    if (idx >= 0)
        return o->cfrs[idx];
    cfr *r = GQL_NEW(&c->a, cfr);
    collect_impl(c, r, parent, ss);
    o->cfrs = grow(c, o->cfrs, o->ncfrs, &o->cfrs_cap, sizeof(cfr *));
    o->cfrs[o->ncfrs] = r;
    gql_vpairs_put(&c->a, &o->cfr_cache, parent, ss, (int)o->ncfrs++);
    return r;
}

static cfr *collect_fragment_fields(gql_vctx *c, const gql_fragment_def *f)
{
    return collect_fields(c, gql_v_named_type(c, f->type_condition), f->selection_set);
}

/* getFragmentSpreads: the distinct fragment definitions spread (NULL stands
 * for every unknown fragment), in order of first spread. */
static void fragment_spreads(gql_vctx *c, cfr *r)
{
    if (r->frags_done)
        return;
    r->frags_done = true;
    r->frags = GQL_NEWN(&c->a, const gql_fragment_def *, r->nspreads ? r->nspreads : 1);
    for (size_t i = 0; i < r->nspreads; i++) {
        spend(c, 1);
        const gql_fragment_def *d = gql_v_fragment(c, r->spreads[i]->name);
        bool seen = false;
        for (size_t k = 0; k < r->nfrags && !seen; k++)
            seen = r->frags[k] == d;
        if (!seen)
            r->frags[r->nfrags++] = d;
    }
}

/* ------------------------------------------------------------- comparison */

static int cmp_field_name(const void *a, const void *b)
{
    const gql_object_field *x = *(const gql_object_field *const *)a;
    const gql_object_field *y = *(const gql_object_field *const *)b;
    int r = strcmp(x->name, y->name);
    if (r)
        return r;
    return x < y ? -1 : x > y; /* stable: source order */
}

/* graphql-js compares argument values by a JSON "comparison key" computed
 * once per value node: kinds and values, object fields sorted by name,
 * strings with their block flag. This is an equivalent key (strings are
 * length-prefixed so that no two values share one). */
static void value_key(gql_vctx *c, const gql_value *v, gql_buf *b)
{
    gql_buf_printf(b, "%d", (int)v->kind);
    switch (v->kind) {
    case GQL_VALUE_VARIABLE:
    case GQL_VALUE_ENUM:
        gql_buf_printf(b, "%zu:%s", strlen(v->u.name), v->u.name);
        break;
    case GQL_VALUE_INT:
    case GQL_VALUE_FLOAT:
    case GQL_VALUE_STRING:
        gql_buf_printf(b, "%c%zu:", v->kind == GQL_VALUE_STRING && v->block ? 'b' : 's', v->len);
        gql_buf_put(b, v->u.str, v->len);
        break;
    case GQL_VALUE_BOOLEAN:
        gql_buf_putc(b, v->u.boolean ? 't' : 'f');
        break;
    case GQL_VALUE_NULL:
        break;
    case GQL_VALUE_LIST:
        gql_buf_printf(b, "[%zu", v->u.list.n);
        for (size_t i = 0; i < v->u.list.n; i++)
            value_key(c, v->u.list.items[i], b);
        gql_buf_putc(b, ']');
        break;
    case GQL_VALUE_OBJECT: {
        size_t n = v->u.object.n;
        const gql_object_field **f = GQL_NEWN(&c->a, const gql_object_field *, n + 1);
        for (size_t i = 0; i < n; i++)
            f[i] = &v->u.object.fields[i];
        qsort(f, n, sizeof *f, cmp_field_name);
        gql_buf_printf(b, "{%zu", n);
        for (size_t i = 0; i < n; i++) {
            gql_buf_printf(b, "%zu:%s", strlen(f[i]->name), f[i]->name);
            value_key(c, f[i]->value, b);
        }
        gql_buf_putc(b, '}');
        break;
    }
    }
}

typedef struct vkey {
    const char *s;
    size_t len;
} vkey;

static vkey cached_key(gql_vctx *c, const gql_value *v)
{
    struct gql_overlap *o = c->overlap;
    int idx = gql_vpairs_get(&o->value_keys, v, NULL);
    if (idx >= 0)
        return o->keys[idx];
    gql_buf b = GQL_BUF_INIT;
    value_key(c, v, &b);
    vkey k = {gql_arena_strndup(&c->a, gql_buf_cstr(&b), b.len), b.len};
    gql_buf_free(&b);
    o->keys = grow(c, o->keys, o->nkeys, &o->keys_cap, sizeof(vkey));
    o->keys[o->nkeys] = k;
    gql_vpairs_put(&c->a, &o->value_keys, v, NULL, (int)o->nkeys++);
    return k;
}

static bool same_value(gql_vctx *c, const gql_value *a, const gql_value *b)
{
    if (a == b)
        return true;
    vkey ka = cached_key(c, a), kb = cached_key(c, b);
    return ka.len == kb.len && memcmp(ka.s, kb.s, ka.len) == 0;
}

static const gql_value *arg_value(gql_vctx *c, const gql_argument *args, size_t n, const char *name)
{
    if (n > 8) {
        /* a Map, as graphql-js builds: the last one wins */
        struct gql_overlap *o = c->overlap;
        int idx = gql_vpairs_get(&o->arg_maps, args, NULL);
        gql_vmap *m;
        if (idx < 0) {
            m = GQL_NEW(&c->a, gql_vmap);
            for (size_t i = 0; i < n; i++) {
                bool found;
                *gql_vmap_slot(&c->a, m, args[i].name, &found) = args[i].value;
            }
            o->maps = grow(c, o->maps, o->nmaps, &o->maps_cap, sizeof(gql_vmap *));
            o->maps[o->nmaps] = m;
            gql_vpairs_put(&c->a, &o->arg_maps, args, NULL, (int)o->nmaps++);
        } else {
            m = o->maps[idx];
        }
        return gql_vmap_get(m, name);
    }
    const gql_value *r = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(args[i].name, name) == 0)
            r = args[i].value;
    return r;
}

static bool same_arguments(gql_vctx *c, const gql_argument *a1, size_t n1, const gql_argument *a2,
                           size_t n2)
{
    if (n1 == 0)
        return n2 == 0;
    if (n1 != n2)
        return false;
    for (size_t i = 0; i < n1; i++) {
        spend(c, 1);
        const gql_value *v2 = arg_value(c, a2, n2, a1[i].name);
        if (!v2 || !same_value(c, a1[i].value, v2))
            return false;
    }
    return true;
}

static bool types_conflict(gql_vctx *c, const gql_type *t1, const gql_type *t2)
{
    if (gql_type_equal(t1, t2))
        return false;
    spend(c, 1);
    if (t1->kind == GQL_LIST)
        return t2->kind == GQL_LIST ? types_conflict(c, t1->of_type, t2->of_type) : true;
    if (t2->kind == GQL_LIST)
        return true;
    if (t1->kind == GQL_NON_NULL)
        return t2->kind == GQL_NON_NULL ? types_conflict(c, t1->of_type, t2->of_type) : true;
    if (t2->kind == GQL_NON_NULL)
        return true;
    if (gql_is_leaf_type(t1) || gql_is_leaf_type(t2))
        return t1 != t2;
    return false;
}

static const char *abbreviate(gql_vctx *c, const char *text)
{
    if (strlen(text) <= MAX_CONFLICT_DETAIL_LENGTH)
        return text;
    return gql_arena_printf(&c->a, "%.*s...", MAX_CONFLICT_DETAIL_LENGTH, text);
}

static void add_conflict(gql_vctx *c, conflicts *out, const char *name, const char *reason,
                         const gql_selection *n1, const gql_selection *n2)
{
    out->items = grow(c, out->items, out->n, &out->cap, sizeof(conflict));
    conflict *k = &out->items[out->n++];
    k->name = name;
    k->reason = reason;
    k->f1 = GQL_NEWN(&c->a, const gql_selection *, 1);
    k->f2 = GQL_NEWN(&c->a, const gql_selection *, 1);
    k->f1[0] = n1;
    k->f2[0] = n2;
    k->n1 = k->n2 = 1;
}

static void between_sub_selection_sets(gql_vctx *c, conflicts *out, bool me, const gql_type *p1,
                                       const gql_selection_set *ss1, const gql_type *p2,
                                       const gql_selection_set *ss2);

/* collectConflictNodes: node, then the conflicts' nodes, at most 20. */
static const gql_selection **conflict_nodes(gql_vctx *c, const gql_selection *node,
                                            const conflicts *sub, int side, size_t *n)
{
    const gql_selection **nodes = GQL_NEWN(&c->a, const gql_selection *, MAX_CONFLICT_NODES);
    size_t m = 0;
    nodes[m++] = node;
    for (size_t i = 0; i < sub->n; i++) {
        size_t remaining = MAX_CONFLICT_NODES - m;
        const gql_selection **src = side == 1 ? sub->items[i].f1 : sub->items[i].f2;
        size_t sn = side == 1 ? sub->items[i].n1 : sub->items[i].n2;
        size_t from = sn > remaining ? sn - remaining : 0;
        for (size_t k = from; k < sn; k++)
            nodes[m++] = src[k];
        if (m == MAX_CONFLICT_NODES)
            break;
    }
    *n = m;
    return nodes;
}

static void subfield_conflicts(gql_vctx *c, conflicts *out, const conflicts *sub, const char *name,
                               const gql_selection *n1, const gql_selection *n2)
{
    if (sub->n == 0)
        return;
    gql_buf b = GQL_BUF_INIT;
    for (size_t i = 0; i < sub->n; i++) {
        if (b.len)
            gql_buf_puts(&b, " and ");
        gql_buf_printf(&b, "subfields \"%s\" conflict because %s",
                       abbreviate(c, sub->items[i].name), sub->items[i].reason);
        if (b.len > MAX_CONFLICT_DETAIL_LENGTH)
            break;
    }
    const char *msg = abbreviate(c, gql_arena_strdup(&c->a, gql_buf_cstr(&b)));
    gql_buf_free(&b);
    out->items = grow(c, out->items, out->n, &out->cap, sizeof(conflict));
    conflict *k = &out->items[out->n++];
    k->name = name;
    k->reason = msg;
    k->f1 = conflict_nodes(c, n1, sub, 1, &k->n1);
    k->f2 = conflict_nodes(c, n2, sub, 2, &k->n2);
}

static void find_conflict(gql_vctx *c, conflicts *out, bool parent_me, const char *name,
                          const ofield *f1, const ofield *f2)
{
    bool me = parent_me || (f1->parent != f2->parent && f1->parent && f2->parent &&
                            f1->parent->kind == GQL_OBJECT && f2->parent->kind == GQL_OBJECT);
    spend(c, 2);
    const gql_type *t1 = f1->def ? f1->def->type : NULL;
    const gql_type *t2 = f2->def ? f2->def->type : NULL;
    const gql_selection *n1 = f1->node, *n2 = f2->node;
    if (f1->simple_leaf && f2->simple_leaf && t1 == t2 && strcmp(n1->name, n2->name) == 0)
        return;
    if (!me) {
        if (strcmp(n1->name, n2->name) != 0) {
            add_conflict(c, out, name,
                         gql_arena_printf(&c->a, "\"%s\" and \"%s\" are different fields",
                                          abbreviate(c, n1->name), abbreviate(c, n2->name)),
                         n1, n2);
            return;
        }
        int same = gql_vpairs_get(&c->overlap->arg_cmp, f1, f2);
        if (same < 0) {
            same = same_arguments(c, n1->args, n1->nargs, n2->args, n2->nargs);
            gql_vpairs_put(&c->a, &c->overlap->arg_cmp, f1, f2, same);
        }
        if (!same) {
            add_conflict(c, out, name, "they have differing arguments", n1, n2);
            return;
        }
    }
    if (f1->stream || f2->stream) {
        const char *reason = "they have overlapping stream directives";
        if (f1->stream && f2->stream &&
            same_arguments(c, f1->stream->args, f1->stream->nargs, f2->stream->args,
                           f2->stream->nargs))
            reason = "they have overlapping stream directives. See "
                     "https://github.com/graphql/defer-stream-wg/discussions/100";
        add_conflict(c, out, name, reason, n1, n2);
        return;
    }
    if (t1 && t2 && types_conflict(c, t1, t2)) {
        add_conflict(c, out, name,
                     gql_arena_printf(&c->a, "they return conflicting types \"%s\" and \"%s\"",
                                      gql_v_type_str(c, t1), gql_v_type_str(c, t2)),
                     n1, n2);
        return;
    }
    if (n1->selection_set && n2->selection_set) {
        conflicts sub = {0};
        enter(c);
        between_sub_selection_sets(c, &sub, me, t1 ? gql_named_type((gql_type *)t1) : NULL,
                                   n1->selection_set, t2 ? gql_named_type((gql_type *)t2) : NULL,
                                   n2->selection_set);
        leave(c);
        subfield_conflicts(c, out, &sub, name, n1, n2);
    }
}

static overlap_list *overlapping_fields(gql_vctx *c, cfr *r1, cfr *r2)
{
    struct gql_overlap *o = c->overlap;
    int idx = gql_vpairs_get(&o->overlaps, r1, r2);
    if (idx >= 0)
        return &o->lists[idx];
    overlap_list l = {GQL_NEWN(&c->a, overlap_pair, r1->ngroups + 1), 0};
    for (size_t i = 0; i < r1->ngroups; i++) {
        spend(c, 1);
        void *slot = gql_vmap_get(&r2->index, r1->groups[i].name);
        if (slot) {
            l.items[l.n].g1 = &r1->groups[i];
            l.items[l.n].g2 = &r2->groups[(uintptr_t)slot - 1];
            l.n++;
        }
    }
    o->lists = grow(c, o->lists, o->nlists, &o->lists_cap, sizeof(overlap_list));
    o->lists[o->nlists] = l;
    gql_vpairs_put(&c->a, &o->overlaps, r1, r2, (int)o->nlists);
    return &o->lists[o->nlists++];
}

static void conflicts_between(gql_vctx *c, conflicts *out, bool me, cfr *r1, cfr *r2)
{
    if (r1->ngroups == 0 || r2->ngroups == 0)
        return;
    overlap_list *l = overlapping_fields(c, r1, r2);
    for (size_t i = 0; i < l->n; i++) {
        ogroup *g1 = l->items[i].g1, *g2 = l->items[i].g2;
        for (size_t a = 0; a < g1->n; a++)
            for (size_t b = 0; b < g2->n; b++)
                find_conflict(c, out, me, g1->name, g1->items[a], g2->items[b]);
    }
}

/* OrderedPairSet.has: a pair compared as mutually exclusive also answers a
 * question about a non-exclusive comparison, not the other way round. */
static bool pair_has(const gql_vpairs *p, const void *a, const void *b, bool me)
{
    int v = gql_vpairs_get(p, a, b);
    if (v < 0)
        return false;
    return me ? true : v == 0;
}

static void between_fields_and_fragment(gql_vctx *c, conflicts *out, bool me, cfr *r,
                                        const gql_fragment_def *frag)
{
    spend(c, 1);
    if (r->ngroups == 0)
        return;
    struct gql_overlap *o = c->overlap;
    if (pair_has(&o->fields_and_frags, r, frag, me))
        return;
    gql_vpairs_put(&c->a, &o->fields_and_frags, r, frag, me);
    if (!frag)
        return;
    cfr *r2 = collect_fragment_fields(c, frag);
    fragment_spreads(c, r2);
    if (r == r2)
        return;
    conflicts_between(c, out, me, r, r2);
    enter(c);
    for (size_t i = 0; i < r2->nfrags; i++)
        between_fields_and_fragment(c, out, me, r, r2->frags[i]);
    leave(c);
}

static void between_fragments(gql_vctx *c, conflicts *out, bool me, const gql_fragment_def *f1,
                              const gql_fragment_def *f2)
{
    spend(c, 2);
    if (f1 == f2)
        return;
    struct gql_overlap *o = c->overlap;
    if (pair_has(&o->frag_pairs, f1, f2, me) || pair_has(&o->frag_pairs, f2, f1, me))
        return;
    gql_vpairs_put(&c->a, &o->frag_pairs, f1, f2, me);
    if (!f1 || !f2)
        return;
    cfr *r1 = collect_fragment_fields(c, f1);
    fragment_spreads(c, r1);
    cfr *r2 = collect_fragment_fields(c, f2);
    fragment_spreads(c, r2);
    conflicts_between(c, out, me, r1, r2);
    enter(c);
    for (size_t i = 0; i < r2->nfrags; i++)
        between_fragments(c, out, me, f1, r2->frags[i]);
    for (size_t i = 0; i < r1->nfrags; i++)
        between_fragments(c, out, me, r1->frags[i], f2);
    leave(c);
}

static void between_sub_selection_sets(gql_vctx *c, conflicts *out, bool me, const gql_type *p1,
                                       const gql_selection_set *ss1, const gql_type *p2,
                                       const gql_selection_set *ss2)
{
    cfr *r1 = collect_fields(c, p1, ss1);
    fragment_spreads(c, r1);
    cfr *r2 = collect_fields(c, p2, ss2);
    fragment_spreads(c, r2);
    conflicts_between(c, out, me, r1, r2);
    for (size_t i = 0; i < r2->nfrags; i++)
        between_fields_and_fragment(c, out, me, r1, r2->frags[i]);
    for (size_t i = 0; i < r1->nfrags; i++)
        between_fields_and_fragment(c, out, me, r2, r1->frags[i]);
    for (size_t i = 0; i < r1->nfrags; i++)
        for (size_t j = 0; j < r2->nfrags; j++)
            between_fragments(c, out, me, r1->frags[i], r2->frags[j]);
}

void gql_v_overlap_selection_set(gql_vctx *c, const gql_type *parent, const gql_selection_set *ss)
{
    if (!c->overlap) {
        c->overlap = GQL_NEW(&c->a, struct gql_overlap);
        c->overlap_budget = MAX_COMPLEXITY_BUDGET;
    }
    conflicts out = {0};
    cfr *r = collect_fields(c, parent, ss);
    for (size_t i = 0; i < r->ngroups; i++) {
        ogroup *g = &r->groups[i];
        for (size_t a = 0; a < g->n; a++)
            for (size_t b = a + 1; b < g->n; b++)
                find_conflict(c, &out, false, g->name, g->items[a], g->items[b]);
    }
    if (r->nspreads && (r->ngroups || r->nspreads > 1)) {
        fragment_spreads(c, r);
        for (size_t i = 0; i < r->nfrags; i++) {
            between_fields_and_fragment(c, &out, false, r, r->frags[i]);
            for (size_t j = i + 1; j < r->nfrags; j++)
                between_fragments(c, &out, false, r->frags[i], r->frags[j]);
        }
    }
    for (size_t i = 0; i < out.n; i++) {
        conflict *k = &out.items[i];
        gql_loc *locs = GQL_NEWN(&c->a, gql_loc, k->n1 + k->n2);
        for (size_t j = 0; j < k->n1; j++)
            locs[j] = k->f1[j]->loc;
        for (size_t j = 0; j < k->n2; j++)
            locs[k->n1 + j] = k->f2[j]->loc;
        gql_v_report(c, locs, k->n1 + k->n2,
                     "Fields \"%s\" conflict because %s. Use different aliases on the fields to "
                     "fetch both if this was intentional.",
                     abbreviate(c, k->name), k->reason);
    }
}
