/* limits.c -- document limits (depth, fields, aliases, tokens), see limits.h.
 *
 * Fragments are measured once each and their measures reused at every
 * spread: a document can spread a fragment that spreads another twice, and
 * so on, so expanding spreads literally could take exponential time - the
 * very abuse these limits exist to stop. Sums saturate instead of wrapping.
 */
#include "limits.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const gql_limits gql_limits_default = {
    .max_document_bytes = 100 * 1024,
    .max_tokens = 10000,
    .max_depth = 32,
    .max_fields = 2000,
    .max_aliases = 200,
    .max_list_items = 10000,
    .max_errors = 100,
};

typedef struct measure {
    size_t depth, fields, aliases;
} measure;

typedef struct frag_memo {
    const gql_fragment_def *def;
    measure m;
    int state; /* 0 new, 1 in progress, 2 done */
} frag_memo;

typedef struct measurer {
    frag_memo *frags;
    size_t nfrags;
} measurer;

static size_t sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static void measure_set(measurer *ms, const gql_selection_set *ss, measure *out);

static frag_memo *find_frag(measurer *ms, const char *name)
{
    for (size_t i = 0; i < ms->nfrags; i++)
        if (strcmp(ms->frags[i].def->name, name) == 0)
            return &ms->frags[i];
    return NULL;
}

static void measure_frag(measurer *ms, frag_memo *f, measure *out)
{
    if (f->state == 0) {
        f->state = 1;
        measure_set(ms, f->def->selection_set, &f->m);
        f->state = 2;
    }
    if (f->state == 2)
        *out = f->m;
    else
        memset(out, 0, sizeof *out); /* a cycle: validation reports it */
}

static void measure_set(measurer *ms, const gql_selection_set *ss, measure *out)
{
    memset(out, 0, sizeof *out);
    if (!ss)
        return;
    for (size_t i = 0; i < ss->n; i++) {
        const gql_selection *sel = ss->items[i];
        measure sub = {0, 0, 0};
        switch (sel->kind) {
        case GQL_SEL_FIELD:
            measure_set(ms, sel->selection_set, &sub);
            sub.depth = sat_add(sub.depth, 1);
            sub.fields = sat_add(sub.fields, 1);
            if (sel->alias)
                sub.aliases = sat_add(sub.aliases, 1);
            break;
        case GQL_SEL_INLINE_FRAGMENT:
            measure_set(ms, sel->selection_set, &sub);
            break;
        case GQL_SEL_FRAGMENT_SPREAD: {
            frag_memo *f = find_frag(ms, sel->name);
            if (f)
                measure_frag(ms, f, &sub);
            break;
        }
        }
        if (sub.depth > out->depth)
            out->depth = sub.depth;
        out->fields = sat_add(out->fields, sub.fields);
        out->aliases = sat_add(out->aliases, sub.aliases);
    }
}

void gql_doc_measure(const gql_document *doc, gql_doc_shape *shape)
{
    memset(shape, 0, sizeof *shape);
    measurer ms = {0};
    size_t nfrags = 0;
    for (size_t i = 0; i < doc->ndefs; i++)
        nfrags += doc->defs[i].kind == GQL_DEF_FRAGMENT;
    ms.frags = calloc(nfrags ? nfrags : 1, sizeof *ms.frags);
    if (!ms.frags)
        abort();
    for (size_t i = 0; i < doc->ndefs; i++)
        if (doc->defs[i].kind == GQL_DEF_FRAGMENT)
            ms.frags[ms.nfrags++].def = doc->defs[i].u.fragment;
    for (size_t i = 0; i < doc->ndefs; i++) {
        if (doc->defs[i].kind != GQL_DEF_OPERATION)
            continue;
        measure m;
        measure_set(&ms, doc->defs[i].u.operation->selection_set, &m);
        if (m.depth > shape->depth)
            shape->depth = m.depth;
        if (m.fields > shape->fields)
            shape->fields = m.fields;
        if (m.aliases > shape->aliases)
            shape->aliases = m.aliases;
    }
    free(ms.frags);
}

const char *gql_limit_extensions(gql_arena *a, const char *limit)
{
    return gql_arena_printf(a, "{\"code\":\"LIMIT_EXCEEDED\",\"limit\":\"%s\"}", limit);
}

static bool over(gql_errors *errs, const char *name, const char *what, size_t value, size_t limit)
{
    if (!limit || value <= limit)
        return false;
    gql_error *e = gql_errors_add(errs, NULL, "The %s (%zu) exceeds the %s limit of %zu.", what,
                                  value, name, limit);
    e->extensions_json = gql_limit_extensions(errs->arena, name);
    return true;
}

bool gql_limits_check_shape(const gql_limits *l, const gql_doc_shape *shape, size_t tokens,
                            gql_errors *errs)
{
    if (over(errs, "max_tokens", "document's token count", tokens, l->max_tokens) ||
        over(errs, "max_depth", "selection depth", shape->depth, l->max_depth) ||
        over(errs, "max_fields", "number of fields in an operation", shape->fields,
             l->max_fields) ||
        over(errs, "max_aliases", "number of aliases in an operation", shape->aliases,
             l->max_aliases))
        return false;
    return true;
}
