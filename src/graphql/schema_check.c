/* schema_check.c -- the checks a schema built from SDL must pass.
 *
 * Two groups, as in graphql-js 17:
 *   - before building, the SDL validation rules of assertValidSDL
 *     (specifiedSDLRules) over the document, plus one of our own: an SDL
 *     document may not contain operations or fragments;
 *   - after building, validateSchema (type/validate.js) over the model:
 *     root types, names, field and argument kinds, interface
 *     implementations, union members, enum values, input objects (@oneOf,
 *     deprecated required inputs, input object cycles without a finite
 *     value), default values (valid for their type, no cycles through
 *     input object field defaults).
 * Messages, locations and the order of errors are graphql-js's.
 */
#include "schema.h"
#include "schema_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ERR(b, loc, ...) gql_errors_add((b)->errs, (loc), __VA_ARGS__)

/* ------------------------------------------------------ suggestions */

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* graphql-js LexicalDistance.measure: optimal string alignment distance
 * over lower-cased text, -1 when above the threshold. */
static int lexical_distance(const char *input, const char *option, int threshold)
{
    if (strcmp(input, option) == 0)
        return 0;
    size_t la = strlen(option), lb = strlen(input);
    bool same_lower = la == lb;
    for (size_t i = 0; same_lower && i < la; i++)
        same_lower = lower((unsigned char)option[i]) == lower((unsigned char)input[i]);
    if (same_lower)
        return 1;
    const char *a = option, *b = input;
    if (la < lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    if ((int)(la - lb) > threshold)
        return -1;
    int *rows = calloc(3 * (lb + 1), sizeof(int));
    if (!rows)
        abort();
#define ROW(i) (rows + ((i) % 3) * (lb + 1))
    for (size_t j = 0; j <= lb; j++)
        ROW(0)[j] = (int)j;
    int result = -1;
    for (size_t i = 1; i <= la; i++) {
        int *up = ROW(i - 1), *cur = ROW(i);
        int smallest = cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 1]) ? 0 : 1;
            int cell = up[j] + 1;
            if (cur[j - 1] + 1 < cell)
                cell = cur[j - 1] + 1;
            if (up[j - 1] + cost < cell)
                cell = up[j - 1] + cost;
            if (i > 1 && j > 1 && lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 2]) &&
                lower((unsigned char)a[i - 2]) == lower((unsigned char)b[j - 1])) {
                int dd = ROW(i - 2)[j - 2] + 1;
                if (dd < cell)
                    cell = dd;
            }
            if (cell < smallest)
                smallest = cell;
            cur[j] = cell;
        }
        if (smallest > threshold)
            goto out;
    }
    result = ROW(la)[lb];
    if (result > threshold)
        result = -1;
out:
#undef ROW
    free(rows);
    return result;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* graphql-js naturalCompare: digit runs compare as numbers. */
static int natural_compare(const char *a, const char *b)
{
    size_t ai = 0, bi = 0, al = strlen(a), bl = strlen(b);
    while (ai < al && bi < bl) {
        unsigned char ac = (unsigned char)a[ai], bc = (unsigned char)b[bi];
        if (is_digit(ac) && is_digit(bc)) {
            unsigned long long an = 0, bn = 0;
            do {
                ++ai;
                an = an * 10 + (ac - '0');
                ac = ai < al ? (unsigned char)a[ai] : 0;
            } while (is_digit(ac) && an > 0);
            do {
                ++bi;
                bn = bn * 10 + (bc - '0');
                bc = bi < bl ? (unsigned char)b[bi] : 0;
            } while (is_digit(bc) && bn > 0);
            if (an != bn)
                return an < bn ? -1 : 1;
        } else {
            if (ac != bc)
                return ac < bc ? -1 : 1;
            ++ai;
            ++bi;
        }
    }
    return (int)((long)al - (long)bl);
}

typedef struct suggestion {
    const char *name;
    int distance;
} suggestion;

static int by_suggestion(const void *x, const void *y)
{
    const suggestion *a = x, *b = y;
    if (a->distance != b->distance)
        return a->distance - b->distance;
    return natural_compare(a->name, b->name);
}

static void did_you_mean(gql_buf *out, const char *sub, const char *input,
                         const char *const *names, size_t n);

void gql_did_you_mean(gql_buf *out, const char *input, const char *const *names, size_t n)
{
    did_you_mean(out, NULL, input, names, n);
}

/* `sub` is graphql-js didYouMean's optional sub-message ("the enum value"). */
static void did_you_mean(gql_buf *out, const char *sub, const char *input,
                         const char *const *names, size_t n)
{
    suggestion *s = calloc(n ? n : 1, sizeof *s);
    if (!s)
        abort();
    size_t ns = 0;
    int threshold = (int)(strlen(input) * 4 / 10) + 1;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < ns && !dup; j++)
            dup = strcmp(s[j].name, names[i]) == 0;
        int d = dup ? -1 : lexical_distance(input, names[i], threshold);
        if (d >= 0)
            s[ns++] = (suggestion){names[i], d};
    }
    qsort(s, ns, sizeof *s, by_suggestion);
    if (ns > 5)
        ns = 5;
    if (ns)
        gql_buf_printf(out, " Did you mean %s%s", sub ? sub : "", sub ? " " : "");
    for (size_t i = 0; i < ns; i++) {
        if (i && ns == 2)
            gql_buf_puts(out, " or ");
        else if (i && i == ns - 1)
            gql_buf_puts(out, ", or ");
        else if (i)
            gql_buf_puts(out, ", ");
        gql_buf_printf(out, "\"%s\"", s[i].name);
    }
    if (ns)
        gql_buf_putc(out, '?');
    free(s);
}

/* ------------------------------------------------------ SDL helpers */

static bool is_type_kind(gql_definition_kind k)
{
    return k >= GQL_DEF_SCALAR && k <= GQL_DEF_INPUT_OBJECT;
}

static const gql_type_def *tdef(const gql_definition *d)
{
    return d->u.type_def;
}

/* A set of names in insertion order with a hash index; the names of every
 * type the SDL may reference (standard ones first, for the suggestions of
 * KnownTypeNames) and of the types it defines. */
typedef struct names {
    const char **v;
    size_t n;
    uint32_t *idx; /* index+1 into v */
    uint32_t mask;
} names;

static bool names_has(const names *ns, const char *name)
{
    for (uint32_t h = gql_schema_hash(name) & ns->mask; ns->idx[h]; h = (h + 1) & ns->mask)
        if (strcmp(ns->v[ns->idx[h] - 1], name) == 0)
            return true;
    return false;
}

static void names_add(names *ns, const char *name)
{
    if (names_has(ns, name))
        return;
    uint32_t h = gql_schema_hash(name) & ns->mask;
    while (ns->idx[h])
        h = (h + 1) & ns->mask;
    ns->v[ns->n++] = name;
    ns->idx[h] = (uint32_t)ns->n;
}

static names type_names(gql_sbuild *b, bool with_standard)
{
    size_t cap = b->doc->ndefs + (with_standard ? b->builtin_doc->ndefs : 0) + 1;
    uint32_t size = gql_schema_table_size(cap);
    names ns = {GQL_NEWN(b->tmp, const char *, cap), 0, GQL_NEWN(b->tmp, uint32_t, size),
                size - 1};
    if (with_standard)
        for (size_t i = 0; i < b->builtin_doc->ndefs; i++)
            if (is_type_kind(b->builtin_doc->defs[i].kind))
                names_add(&ns, tdef(&b->builtin_doc->defs[i])->name);
    for (size_t i = 0; i < b->doc->ndefs; i++) {
        const gql_definition *d = &b->doc->defs[i];
        if (is_type_kind(d->kind) && !tdef(d)->extension)
            names_add(&ns, tdef(d)->name);
    }
    return ns;
}

static void print_type_ref(gql_buf *out, const gql_type_ref *r)
{
    if (r->kind == GQL_TYPE_REF_NAMED) {
        gql_buf_puts(out, r->name);
    } else if (r->kind == GQL_TYPE_REF_LIST) {
        gql_buf_putc(out, '[');
        print_type_ref(out, r->of);
        gql_buf_putc(out, ']');
    } else {
        print_type_ref(out, r->of);
        gql_buf_putc(out, '!');
    }
}

/* ----------------------------------------------------------- SDL rules */

/* graphql-js runs the SDL rules in parallel over one visit of the
 * document, so errors come out in visiting order: on entering each node,
 * every rule interested in it, in specifiedSDLRules order; then its
 * children in graphql-js's key order (QueryDocumentKeys); then leave
 * hooks. The walk below keeps that order so error lists match. */
typedef struct sdl_walk {
    gql_sbuild *b;
    names known;   /* standard + defined type names (KnownTypeNames) */
    names defined; /* defined type names (PossibleTypeExtensions) */
    const gql_root_op_def *ops[3];
    size_t nschema_defs;
    /* Definitions and extensions of a type name, chained in document
     * order, so that rules looking back at a type's other definitions do
     * not rescan the document: first[] by name, next[] by definition. */
    names typedefs;
    size_t *first, *next; /* SIZE_MAX ends a chain */
    /* directive definitions: the SDL's (first of each name), then the
     * specified ones */
    const gql_type_def **dirs;
    size_t ndirs;
} sdl_walk;

#define NO_DEF ((size_t)-1)

static size_t first_def(const sdl_walk *w, const char *name)
{
    const names *ns = &w->typedefs;
    for (uint32_t h = gql_schema_hash(name) & ns->mask; ns->idx[h]; h = (h + 1) & ns->mask)
        if (strcmp(ns->v[ns->idx[h] - 1], name) == 0)
            return w->first[ns->idx[h] - 1];
    return NO_DEF;
}

/* The definition of directive `name`: the SDL's, else a specified one. */
static const gql_type_def *directive_def(const sdl_walk *w, const char *name)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (strcmp(w->dirs[i]->name, name) == 0)
            return w->dirs[i];
    return NULL;
}

static void index_definitions(sdl_walk *w)
{
    gql_sbuild *b = w->b;
    const gql_document *doc = b->doc;
    size_t n = doc->ndefs;
    uint32_t size = gql_schema_table_size(n + 1);
    w->typedefs = (names){GQL_NEWN(b->tmp, const char *, n + 1), 0,
                          GQL_NEWN(b->tmp, uint32_t, size), size - 1};
    w->first = GQL_NEWN(b->tmp, size_t, n + 1);
    w->next = GQL_NEWN(b->tmp, size_t, n + 1);
    size_t *last = GQL_NEWN(b->tmp, size_t, n + 1);
    for (size_t i = 0; i < n; i++) {
        w->next[i] = NO_DEF;
        if (!is_type_kind(doc->defs[i].kind))
            continue;
        const char *name = tdef(&doc->defs[i])->name;
        size_t before = w->typedefs.n;
        names_add(&w->typedefs, name);
        if (w->typedefs.n > before) {
            w->first[before] = last[before] = i;
            continue;
        }
        for (uint32_t h = gql_schema_hash(name) & w->typedefs.mask; w->typedefs.idx[h];
             h = (h + 1) & w->typedefs.mask) {
            size_t k = w->typedefs.idx[h] - 1;
            if (strcmp(w->typedefs.v[k], name) == 0) {
                w->next[last[k]] = i;
                last[k] = i;
                break;
            }
        }
    }
    w->dirs = GQL_NEWN(b->tmp, const gql_type_def *, n + b->builtin_doc->ndefs + 1);
    for (int pass = 0; pass < 2; pass++) {
        const gql_document *d = pass ? b->builtin_doc : doc;
        for (size_t i = 0; i < d->ndefs; i++)
            if (d->defs[i].kind == GQL_DEF_DIRECTIVE && !tdef(&d->defs[i])->extension &&
                !directive_def(w, tdef(&d->defs[i])->name))
                w->dirs[w->ndirs++] = tdef(&d->defs[i]);
    }
}

static void executable_definitions(gql_sbuild *b)
{
    for (size_t i = 0; i < b->doc->ndefs; i++) {
        const gql_definition *d = &b->doc->defs[i];
        if (d->kind == GQL_DEF_OPERATION) {
            const char *name = d->u.operation->name;
            ERR(b, &d->loc, "The %s%s%s operation is not a type-system definition: a schema "
                "cannot contain executable definitions.",
                name ? "\"" : "", name ? name : "anonymous", name ? "\"" : "");
        } else if (d->kind == GQL_DEF_FRAGMENT) {
            ERR(b, &d->loc, "The \"%s\" fragment is not a type-system definition: a schema "
                "cannot contain executable definitions.", d->u.fragment->name);
        }
    }
}

/* Where "query: T" begins: the AST keeps only the type name's location, so
 * step back over the colon to the keyword (same line only, else the type's
 * location is the best we have). */
static gql_loc root_op_keyword_loc(const gql_sbuild *b, const gql_root_op_def *op)
{
    gql_loc loc = op->type.loc;
    const char *src = b->doc->source;
    const char *kw = gql_operation_type_name(op->op);
    size_t kwlen = strlen(kw);
    size_t p = loc.offset;
    while (p > 0 && (src[p - 1] == ' ' || src[p - 1] == '\t' || src[p - 1] == ','))
        p--;
    if (p == 0 || src[p - 1] != ':')
        return loc;
    p--;
    while (p > 0 && (src[p - 1] == ' ' || src[p - 1] == '\t' || src[p - 1] == ','))
        p--;
    if (p < kwlen || memcmp(src + p - kwlen, kw, kwlen) != 0)
        return loc;
    size_t back = loc.offset - (p - kwlen);
    if (back >= loc.column)
        return loc;
    loc.offset -= (uint32_t)back;
    loc.column -= (uint32_t)back;
    return loc;
}

/* LoneSchemaDefinition */
static void lone_schema_definition(sdl_walk *w, const gql_definition *d)
{
    if (d->kind == GQL_DEF_SCHEMA && !tdef(d)->extension && w->nschema_defs++)
        ERR(w->b, &tdef(d)->loc, "Must provide only one schema definition.");
}

/* UniqueOperationTypes */
static void unique_operation_types(sdl_walk *w, const gql_definition *d)
{
    if (d->kind != GQL_DEF_SCHEMA)
        return;
    for (size_t j = 0; j < tdef(d)->nroot_ops; j++) {
        const gql_root_op_def *op = &tdef(d)->root_ops[j];
        if (!w->ops[op->op]) {
            w->ops[op->op] = op;
            continue;
        }
        gql_loc first = root_op_keyword_loc(w->b, w->ops[op->op]);
        gql_error *e = ERR(w->b, &first, "There can be only one %s type in schema.",
                           gql_operation_type_name(op->op));
        gql_error_add_loc(w->b->errs, e, root_op_keyword_loc(w->b, op));
    }
}

/* UniqueTypeNames */
static void unique_type_name(sdl_walk *w, size_t i)
{
    const gql_document *doc = w->b->doc;
    const gql_definition *d = &doc->defs[i];
    if (!is_type_kind(d->kind) || tdef(d)->extension)
        return;
    for (size_t j = first_def(w, tdef(d)->name); j < i; j = w->next[j]) {
        const gql_definition *p = &doc->defs[j];
        if (!tdef(p)->extension) {
            gql_error *e = ERR(w->b, &tdef(p)->name_loc,
                               "There can be only one type named \"%s\".", tdef(d)->name);
            gql_error_add_loc(w->b->errs, e, tdef(d)->name_loc);
            return;
        }
    }
}

/* Fields (or input fields) and enum values of a definition or extension. */
static const char *field_name(const gql_type_def *td, size_t j, gql_loc *loc)
{
    if (td->ninput_fields) {
        *loc = td->input_fields[j].loc;
        return td->input_fields[j].name;
    }
    *loc = td->fields[j].loc;
    return td->fields[j].name;
}

static size_t nfields_of(const gql_type_def *td)
{
    return td->ninput_fields ? td->ninput_fields : td->nfields;
}

static const char *value_name(const gql_type_def *td, size_t j, gql_loc *loc)
{
    *loc = td->values[j].loc;
    return td->values[j].name;
}

/* The first member named `member` defined before member `upto_j` of
 * definition `upto_def` by a definition or extension of the same type. */
static bool find_earlier_member(const sdl_walk *w, size_t upto_def, size_t upto_j,
                                const char *type, gql_definition_kind kind, bool values,
                                const char *member, gql_loc *found)
{
    for (size_t i = first_def(w, type); i <= upto_def && i != NO_DEF; i = w->next[i]) {
        const gql_definition *d = &w->b->doc->defs[i];
        if (d->kind != kind)
            continue;
        size_t n = values ? tdef(d)->nvalues : nfields_of(tdef(d));
        if (i == upto_def)
            n = upto_j;
        for (size_t j = 0; j < n; j++) {
            gql_loc loc;
            const char *name = values ? value_name(tdef(d), j, &loc) : field_name(tdef(d), j, &loc);
            if (strcmp(name, member) == 0) {
                *found = loc;
                return true;
            }
        }
    }
    return false;
}

/* UniqueEnumValueNames (values) and UniqueFieldDefinitionNames. */
static void unique_members(sdl_walk *w, size_t i, bool values)
{
    gql_sbuild *b = w->b;
    const gql_definition *d = &b->doc->defs[i];
    bool fits = values ? d->kind == GQL_DEF_ENUM
                       : d->kind == GQL_DEF_OBJECT || d->kind == GQL_DEF_INTERFACE ||
                             d->kind == GQL_DEF_INPUT_OBJECT;
    if (!fits)
        return;
    const gql_type_def *td = tdef(d);
    size_t n = values ? td->nvalues : nfields_of(td);
    for (size_t j = 0; j < n; j++) {
        gql_loc loc, first;
        const char *name = values ? value_name(td, j, &loc) : field_name(td, j, &loc);
        if (!find_earlier_member(w, i, j, td->name, d->kind, values, name, &first))
            continue;
        gql_error *e = values ? ERR(b, &first, "Enum value \"%s.%s\" can only be defined once.",
                                    td->name, name)
                              : ERR(b, &first, "Field \"%s.%s\" can only be defined once.",
                                    td->name, name);
        gql_error_add_loc(b->errs, e, loc);
    }
}

static void unique_args_of(gql_sbuild *b, const char *parent, const gql_input_value_def *args,
                           size_t n)
{
    for (size_t j = 0; j < n; j++) {
        bool first = true;
        for (size_t k = 0; k < j && first; k++)
            first = strcmp(args[k].name, args[j].name) != 0;
        size_t count = 0;
        for (size_t k = j; k < n; k++)
            count += strcmp(args[k].name, args[j].name) == 0;
        if (!first || count < 2)
            continue;
        gql_error *e = ERR(b, &args[j].loc, "Argument \"%s(%s:)\" can only be defined once.",
                           parent, args[j].name);
        for (size_t k = j + 1; k < n; k++)
            if (strcmp(args[k].name, args[j].name) == 0)
                gql_error_add_loc(b->errs, e, args[k].loc);
    }
}

/* UniqueArgumentDefinitionNames */
static void unique_argument_definition_names(sdl_walk *w, const gql_definition *d)
{
    gql_sbuild *b = w->b;
    if (d->kind == GQL_DEF_DIRECTIVE && !tdef(d)->extension) {
        const char *parent = gql_arena_printf(b->tmp, "@%s", tdef(d)->name);
        unique_args_of(b, parent, tdef(d)->args, tdef(d)->nargs);
    } else if (d->kind == GQL_DEF_OBJECT || d->kind == GQL_DEF_INTERFACE) {
        for (size_t j = 0; j < tdef(d)->nfields; j++) {
            const gql_field_def_node *f = &tdef(d)->fields[j];
            const char *parent = gql_arena_printf(b->tmp, "%s.%s", tdef(d)->name, f->name);
            unique_args_of(b, parent, f->args, f->nargs);
        }
    }
}

/* UniqueDirectiveNames */
static void unique_directive_name(sdl_walk *w, size_t i)
{
    const gql_document *doc = w->b->doc;
    const gql_definition *d = &doc->defs[i];
    if (d->kind != GQL_DEF_DIRECTIVE || tdef(d)->extension)
        return;
    for (size_t j = 0; j < i; j++) {
        const gql_definition *p = &doc->defs[j];
        if (p->kind == GQL_DEF_DIRECTIVE && !tdef(p)->extension &&
            strcmp(tdef(p)->name, tdef(d)->name) == 0) {
            gql_error *e = ERR(w->b, &tdef(p)->name_loc,
                               "There can be only one directive named \"@%s\".", tdef(d)->name);
            gql_error_add_loc(w->b->errs, e, tdef(d)->name_loc);
            return;
        }
    }
}

/* KnownTypeNames */
static void known_type(sdl_walk *w, const char *name, gql_loc loc)
{
    if (names_has(&w->known, name))
        return;
    gql_buf msg = GQL_BUF_INIT;
    gql_buf_printf(&msg, "Unknown type \"%s\".", name);
    gql_did_you_mean(&msg, name, w->known.v, w->known.n);
    ERR(w->b, &loc, "%s", gql_buf_cstr(&msg));
    gql_buf_free(&msg);
}

static void known_type_ref(sdl_walk *w, const gql_type_ref *r)
{
    while (r && r->kind != GQL_TYPE_REF_NAMED)
        r = r->of;
    if (r)
        known_type(w, r->name, r->loc);
}

static const char *location_name(int location)
{
    return location == GQL_DL_COUNT ? "DIRECTIVE_DEFINITION"
                                    : gql_directive_location_name((gql_directive_location)location);
}

static bool directive_allows(const gql_type_def *def, int location)
{
    const char *name = location_name(location);
    for (size_t i = 0; i < def->nlocation_names; i++)
        if (strcmp(def->location_names[i].name, name) == 0)
            return true;
    /* The built-in @deprecated also applies to directive definitions. */
    return location == GQL_DL_COUNT && strcmp(def->name, "deprecated") == 0;
}

/* KnownDirectives */
static void known_directive(sdl_walk *w, const gql_directive *dir, int location)
{
    const gql_type_def *def = directive_def(w, dir->name);
    if (!def)
        ERR(w->b, &dir->loc, "Unknown directive \"@%s\".", dir->name);
    else if (!directive_allows(def, location))
        ERR(w->b, &dir->loc, "Directive \"@%s\" may not be used on %s.", dir->name,
            location_name(location));
}

/* KnownArgumentNamesOnDirectives */
static void known_directive_args(sdl_walk *w, const gql_directive *dir)
{
    const gql_type_def *def = directive_def(w, dir->name);
    if (!def)
        return;
    const char **known = GQL_NEWN(w->b->tmp, const char *, def->nargs + 1);
    for (size_t k = 0; k < def->nargs; k++)
        known[k] = def->args[k].name;
    for (size_t j = 0; j < dir->nargs; j++) {
        const char *name = dir->args[j].name;
        bool found = false;
        for (size_t k = 0; k < def->nargs && !found; k++)
            found = strcmp(known[k], name) == 0;
        if (found)
            continue;
        gql_buf msg = GQL_BUF_INIT;
        gql_buf_printf(&msg, "Unknown argument \"%s\" on directive \"@%s\".", name, dir->name);
        gql_did_you_mean(&msg, name, known, def->nargs);
        ERR(w->b, &dir->args[j].loc, "%s", gql_buf_cstr(&msg));
        gql_buf_free(&msg);
    }
}

/* UniqueArgumentNames */
static void unique_directive_args(sdl_walk *w, const gql_directive *dir)
{
    const gql_argument *a = dir->args;
    for (size_t j = 0; j < dir->nargs; j++) {
        bool first = true;
        for (size_t k = 0; k < j && first; k++)
            first = strcmp(a[k].name, a[j].name) != 0;
        size_t count = 0;
        for (size_t k = j; k < dir->nargs; k++)
            count += strcmp(a[k].name, a[j].name) == 0;
        if (!first || count < 2)
            continue;
        gql_error *e = ERR(w->b, &a[j].loc, "There can be only one argument named \"%s\".",
                           a[j].name);
        for (size_t k = j + 1; k < dir->nargs; k++)
            if (strcmp(a[k].name, a[j].name) == 0)
                gql_error_add_loc(w->b->errs, e, a[k].loc);
    }
}

/* UniqueInputFieldNames, reported at each repeated field in visiting order. */
static void unique_input_fields(sdl_walk *w, const gql_value *v)
{
    if (!v)
        return;
    if (v->kind == GQL_VALUE_LIST) {
        for (size_t i = 0; i < v->u.list.n; i++)
            unique_input_fields(w, v->u.list.items[i]);
        return;
    }
    if (v->kind != GQL_VALUE_OBJECT)
        return;
    const gql_object_field *f = v->u.object.fields;
    for (size_t i = 0; i < v->u.object.n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(f[j].name, f[i].name) == 0) {
                gql_error *e = ERR(w->b, &f[j].loc,
                                   "There can be only one input field named \"%s\".", f[i].name);
                gql_error_add_loc(w->b->errs, e, f[i].loc);
                break;
            }
        unique_input_fields(w, f[i].value);
    }
}

/* ProvidedRequiredArgumentsOnDirectives (on leaving the directive) */
static void required_directive_args(sdl_walk *w, const gql_directive *dir)
{
    const gql_type_def *def = directive_def(w, dir->name);
    for (size_t k = 0; def && k < def->nargs; k++) {
        const gql_input_value_def *a = &def->args[k];
        if (a->type->kind != GQL_TYPE_REF_NON_NULL || a->default_value)
            continue;
        bool given = false;
        for (size_t j = 0; j < dir->nargs && !given; j++)
            given = strcmp(dir->args[j].name, a->name) == 0;
        if (given)
            continue;
        gql_buf t = GQL_BUF_INIT;
        print_type_ref(&t, a->type);
        ERR(w->b, &dir->loc,
            "Argument \"@%s(%s:)\" of type \"%s\" is required, but it was not provided.",
            dir->name, a->name, gql_buf_cstr(&t));
        gql_buf_free(&t);
    }
}

static void visit_directives(sdl_walk *w, const gql_directive *dirs, size_t n, int location)
{
    for (size_t i = 0; i < n; i++) {
        known_directive(w, &dirs[i], location);
        known_directive_args(w, &dirs[i]);
        unique_directive_args(w, &dirs[i]);
        for (size_t j = 0; j < dirs[i].nargs; j++)
            unique_input_fields(w, dirs[i].args[j].value);
        required_directive_args(w, &dirs[i]);
    }
}

/* UniqueDirectivesPerLocation. A schema definition and its extensions, a
 * type's definition and extensions, and a directive's definition and
 * extensions each count as one location: `group` is the first definition
 * index of the group to look back to (i itself for other nodes). */
static const gql_directive *seen_directive(const gql_directive *dirs, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(dirs[k].name, name) == 0)
            return &dirs[k];
    return NULL;
}

static bool same_group(const gql_definition *a, const gql_definition *d)
{
    if (a->kind == GQL_DEF_OPERATION || a->kind == GQL_DEF_FRAGMENT)
        return false;
    if (d->kind == GQL_DEF_SCHEMA || a->kind == GQL_DEF_SCHEMA)
        return a->kind == d->kind;
    if ((a->kind == GQL_DEF_DIRECTIVE) != (d->kind == GQL_DEF_DIRECTIVE))
        return false;
    return strcmp(tdef(a)->name, tdef(d)->name) == 0;
}

static void unique_directives_at(sdl_walk *w, const gql_directive *dirs, size_t n,
                                 const gql_definition *def_group, size_t def_index)
{
    for (size_t k = 0; k < n; k++) {
        const gql_type_def *dd = directive_def(w, dirs[k].name);
        if (!dd || dd->repeatable)
            continue;
        const gql_directive *prev = NULL;
        bool chained = def_group && is_type_kind(def_group->kind);
        size_t j = !def_group ? def_index : chained ? first_def(w, tdef(def_group)->name) : 0;
        for (; j < def_index && !prev; j = chained ? w->next[j] : j + 1) {
            const gql_definition *p = &w->b->doc->defs[j];
            if (same_group(p, def_group))
                prev = seen_directive(tdef(p)->directives, tdef(p)->ndirectives, dirs[k].name);
        }
        if (!prev)
            prev = seen_directive(dirs, k, dirs[k].name);
        if (!prev)
            continue;
        gql_error *e = ERR(w->b, &prev->loc,
                           "The directive \"@%s\" can only be used once at this location.",
                           dirs[k].name);
        gql_error_add_loc(w->b->errs, e, dirs[k].loc);
    }
}

static const char *kind_word(gql_definition_kind k)
{
    switch (k) {
    case GQL_DEF_SCALAR:
        return "scalar";
    case GQL_DEF_OBJECT:
        return "object";
    case GQL_DEF_INTERFACE:
        return "interface";
    case GQL_DEF_UNION:
        return "union";
    case GQL_DEF_ENUM:
        return "enum";
    default:
        return "input object";
    }
}

/* PossibleTypeExtensions */
static void possible_type_extension(sdl_walk *w, const gql_definition *d)
{
    if (!is_type_kind(d->kind) || !tdef(d)->extension)
        return;
    const gql_document *doc = w->b->doc;
    const gql_definition *def = NULL;
    for (size_t j = first_def(w, tdef(d)->name); j != NO_DEF && !def; j = w->next[j])
        if (!tdef(&doc->defs[j])->extension)
            def = &doc->defs[j];
    if (!def) {
        gql_buf msg = GQL_BUF_INIT;
        gql_buf_printf(&msg, "Cannot extend type \"%s\" because it is not defined.", tdef(d)->name);
        gql_did_you_mean(&msg, tdef(d)->name, w->defined.v, w->defined.n);
        ERR(w->b, &tdef(d)->name_loc, "%s", gql_buf_cstr(&msg));
        gql_buf_free(&msg);
    } else if (def->kind != d->kind) {
        gql_error *e = ERR(w->b, &tdef(def)->loc, "Cannot extend non-%s type \"%s\".",
                           kind_word(d->kind), tdef(d)->name);
        gql_error_add_loc(w->b->errs, e, tdef(d)->loc);
    }
}

static int type_location(gql_definition_kind k)
{
    switch (k) {
    case GQL_DEF_SCHEMA:
        return GQL_DL_SCHEMA;
    case GQL_DEF_SCALAR:
        return GQL_DL_SCALAR;
    case GQL_DEF_OBJECT:
        return GQL_DL_OBJECT;
    case GQL_DEF_INTERFACE:
        return GQL_DL_INTERFACE;
    case GQL_DEF_UNION:
        return GQL_DL_UNION;
    case GQL_DEF_ENUM:
        return GQL_DL_ENUM;
    case GQL_DEF_INPUT_OBJECT:
        return GQL_DL_INPUT_OBJECT;
    default:
        return GQL_DL_COUNT; /* DIRECTIVE_DEFINITION */
    }
}

/* InputValueDefinition: type, defaultValue, directives. */
static void visit_input_value(sdl_walk *w, const gql_input_value_def *v, int location)
{
    unique_directives_at(w, v->directives, v->ndirectives, NULL, 0);
    known_type_ref(w, v->type);
    unique_input_fields(w, v->default_value);
    visit_directives(w, v->directives, v->ndirectives, location);
}

static void visit_input_values(sdl_walk *w, const gql_input_value_def *v, size_t n, int location)
{
    for (size_t i = 0; i < n; i++)
        visit_input_value(w, &v[i], location);
}

/* FieldDefinition: arguments, type, directives. */
static void visit_field(sdl_walk *w, const gql_field_def_node *f)
{
    unique_directives_at(w, f->directives, f->ndirectives, NULL, 0);
    visit_input_values(w, f->args, f->nargs, GQL_DL_ARGUMENT_DEFINITION);
    known_type_ref(w, f->type);
    visit_directives(w, f->directives, f->ndirectives, GQL_DL_FIELD_DEFINITION);
}

static void visit_definition(sdl_walk *w, size_t i)
{
    const gql_definition *d = &w->b->doc->defs[i];
    if (d->kind == GQL_DEF_OPERATION || d->kind == GQL_DEF_FRAGMENT)
        return;
    const gql_type_def *td = tdef(d);
    int location = type_location(d->kind);

    /* enter, in specifiedSDLRules order */
    lone_schema_definition(w, d);
    unique_operation_types(w, d);
    unique_type_name(w, i);
    unique_members(w, i, true);
    unique_members(w, i, false);
    unique_argument_definition_names(w, d);
    unique_directive_name(w, i);
    unique_directives_at(w, td->directives, td->ndirectives, d, i);
    possible_type_extension(w, d);

    /* children, in graphql-js key order */
    switch (d->kind) {
    case GQL_DEF_SCHEMA:
        visit_directives(w, td->directives, td->ndirectives, location);
        for (size_t j = 0; j < td->nroot_ops; j++)
            known_type(w, td->root_ops[j].type.name, td->root_ops[j].type.loc);
        break;
    case GQL_DEF_OBJECT:
    case GQL_DEF_INTERFACE:
        for (size_t j = 0; j < td->ninterfaces; j++)
            known_type(w, td->interfaces[j].name, td->interfaces[j].loc);
        visit_directives(w, td->directives, td->ndirectives, location);
        for (size_t j = 0; j < td->nfields; j++)
            visit_field(w, &td->fields[j]);
        break;
    case GQL_DEF_UNION:
        visit_directives(w, td->directives, td->ndirectives, location);
        for (size_t j = 0; j < td->nmembers; j++)
            known_type(w, td->members[j].name, td->members[j].loc);
        break;
    case GQL_DEF_ENUM:
        visit_directives(w, td->directives, td->ndirectives, location);
        for (size_t j = 0; j < td->nvalues; j++) {
            const gql_enum_value_def *v = &td->values[j];
            unique_directives_at(w, v->directives, v->ndirectives, NULL, 0);
            visit_directives(w, v->directives, v->ndirectives, GQL_DL_ENUM_VALUE);
        }
        break;
    case GQL_DEF_INPUT_OBJECT:
        visit_directives(w, td->directives, td->ndirectives, location);
        visit_input_values(w, td->input_fields, td->ninput_fields, GQL_DL_INPUT_FIELD_DEFINITION);
        break;
    case GQL_DEF_DIRECTIVE:
        visit_input_values(w, td->args, td->nargs, GQL_DL_ARGUMENT_DEFINITION);
        visit_directives(w, td->directives, td->ndirectives, location);
        break;
    default: /* SCALAR */
        visit_directives(w, td->directives, td->ndirectives, location);
        break;
    }
}

void gql_schema_check_sdl(gql_sbuild *b)
{
    executable_definitions(b);
    sdl_walk w = {.b = b, .known = type_names(b, true), .defined = type_names(b, false)};
    index_definitions(&w);
    for (size_t i = 0; i < b->doc->ndefs; i++)
        visit_definition(&w, i);
}

/* ------------------------------------------------------ validateSchema */

static const gql_type_def *def_of(const gql_sbuild *b, const gql_type *t)
{
    const gql_tinfo *ti = gql_sbuild_info(b, t->name);
    return ti ? ti->def : NULL;
}

static const gql_tinfo *info_of(const gql_sbuild *b, const gql_type *t)
{
    return gql_sbuild_info(b, t->name);
}

static gql_loc loc_of_def(const gql_type_def *td)
{
    gql_loc none = {0, 0, 0};
    return td ? td->loc : none;
}

/* The type definition's location and its extensions'. */
static void add_type_locs(gql_sbuild *b, gql_error *e, const gql_type *t)
{
    const gql_tinfo *ti = info_of(b, t);
    if (!ti)
        return;
    for (size_t i = 0; i < ti->exts.n; i++)
        gql_error_add_loc(b->errs, e, ((const gql_type_def *)ti->exts.items[i])->loc);
}

static gql_error *type_error(gql_sbuild *b, const gql_type *t, const char *msg)
{
    gql_loc loc = loc_of_def(def_of(b, t));
    gql_error *e = ERR(b, &loc, "%s", msg);
    add_type_locs(b, e, t);
    return e;
}

static const char *tstr(gql_sbuild *b, const gql_type *t)
{
    return gql_type_str(b->tmp, t);
}

static void validate_name(gql_sbuild *b, const char *name, gql_loc loc)
{
    if (strncmp(name, "__", 2) == 0)
        ERR(b, &loc, "Name \"%s\" must not begin with \"__\", which is reserved by GraphQL "
            "introspection.", name);
}

static gql_loc type_ref_loc(const gql_type_ref *r)
{
    gql_loc none = {0, 0, 0};
    return r ? r->loc : none;
}

static const gql_directive *deprecated_node(const gql_directive *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].name, "deprecated") == 0)
            return &d[i];
    return NULL;
}

/* "Required argument X cannot be deprecated." and the like, located at the
 * @deprecated and at the type. */
static void deprecated_required(gql_sbuild *b, const gql_input_value *v, const char *what)
{
    if (!gql_is_required_input(v) || !v->deprecated)
        return;
    const gql_input_value_def *n = gql_sbuild_node(b, v);
    const gql_directive *dep = n ? deprecated_node(n->directives, n->ndirectives) : NULL;
    gql_loc none = {0, 0, 0};
    gql_error *e = ERR(b, dep ? &dep->loc : &none, "%s cannot be deprecated.", what);
    if (n)
        gql_error_add_loc(b->errs, e, type_ref_loc(n->type));
}

static gql_loc root_op_loc(gql_sbuild *b, gql_operation_type op, const gql_type *t)
{
    const gql_type_def *nodes[1] = {b->schema_def};
    for (size_t k = 0; k <= b->schema_exts.n; k++) {
        const gql_type_def *td = k == 0 ? nodes[0] : b->schema_exts.items[k - 1];
        for (size_t i = 0; td && i < td->nroot_ops; i++)
            if (td->root_ops[i].op == op)
                return td->root_ops[i].type.loc;
    }
    return loc_of_def(def_of(b, t));
}

static void validate_root_types(gql_sbuild *b)
{
    gql_schema *s = b->s;
    if (!s->query) {
        gql_loc loc = loc_of_def(b->schema_def);
        ERR(b, &loc, "Query root type must be provided.");
    }
    gql_type *roots[3] = {s->query, s->mutation, s->subscription};
    static const char *const cap[3] = {"Query", "Mutation", "Subscription"};
    for (int op = 0; op < 3; op++) {
        if (!roots[op] || roots[op]->kind == GQL_OBJECT)
            continue;
        gql_loc loc = root_op_loc(b, (gql_operation_type)op, roots[op]);
        ERR(b, &loc, "%s root type must be Object type%s, it cannot be %s.", cap[op],
            op == 0 ? "" : " if provided", roots[op]->name);
        roots[op] = NULL;
    }
    for (int op = 0; op < 3; op++) {
        if (!roots[op])
            continue;
        int uses[3], n = 0;
        bool first = true;
        for (int o = 0; o < 3; o++)
            if (roots[o] == roots[op]) {
                if (o < op)
                    first = false;
                uses[n++] = o;
            }
        if (!first || n < 2)
            continue;
        const char *list =
            n == 2 ? gql_arena_printf(b->tmp, "%s and %s", gql_operation_type_name(uses[0]),
                                      gql_operation_type_name(uses[1]))
                   : "query, mutation, and subscription";
        gql_loc loc = root_op_loc(b, (gql_operation_type)uses[0], roots[op]);
        gql_error *e = ERR(b, &loc, "All root types must be different, \"%s\" type is used as "
                           "%s root types.", roots[op]->name, list);
        for (int k = 1; k < n; k++)
            gql_error_add_loc(b->errs, e, root_op_loc(b, (gql_operation_type)uses[k], roots[op]));
    }
}

/* ------------------------------------------------------ default values */

/* graphql-js 17 validateDefaultValue: an SDL default literal must be valid
 * for its type (validateInputLiteral with no variables). Errors read
 * "<arg or field> has invalid default value[ at <path>]: <problem>" and
 * point at the offending literal. */
typedef struct dv_ctx {
    gql_sbuild *b;
    const char *what;  /* "Query.f(x:)", "@d(x:)", "I.a" */
    gql_buf path;      /* " at [1].b" built as we descend (without " at ") */
} dv_ctx;

static void dv_report(dv_ctx *c, const gql_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void dv_report(dv_ctx *c, const gql_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *problem = gql_arena_vprintf(c->b->tmp, fmt, ap);
    va_end(ap);
    ERR(c->b, loc, "%s has invalid default value%s%s: %s", c->what, c->path.len ? " at " : "",
        c->path.len ? gql_buf_cstr(&c->path) : "", problem);
}

static const char *print_literal(dv_ctx *c, const gql_value *v)
{
    gql_buf out = GQL_BUF_INIT;
    gql_print_value(v, &out);
    const char *r = gql_arena_strdup(c->b->tmp, gql_buf_cstr(&out));
    gql_buf_free(&out);
    return r;
}

static void dv_leaf(dv_ctx *c, const gql_value *v, const gql_type *t)
{
    const char *lit = NULL;
    if (t->kind == GQL_ENUM) {
        const char **opts = GQL_NEWN(c->b->tmp, const char *, t->nvalues + 1);
        for (size_t i = 0; i < t->nvalues; i++)
            opts[i] = t->values[i].name;
        lit = print_literal(c, v);
        gql_buf msg = GQL_BUF_INIT;
        if (v->kind != GQL_VALUE_ENUM)
            gql_buf_printf(&msg, "Enum \"%s\" cannot represent non-enum value: %s.", t->name, lit);
        else if (!gql_enum_value_by_name(t, v->u.name))
            gql_buf_printf(&msg, "Value \"%s\" does not exist in \"%s\" enum.", lit, t->name);
        if (msg.len) {
            did_you_mean(&msg, "the enum value", lit, opts, t->nvalues);
            dv_report(c, &v->loc, "%s", gql_buf_cstr(&msg));
        }
        gql_buf_free(&msg);
        return;
    }
    switch (t->builtin) {
    case GQL_SCALAR_INT:
        if (v->kind != GQL_VALUE_INT) {
            dv_report(c, &v->loc, "Int cannot represent non-integer value: %s", print_literal(c, v));
        } else {
            double d = strtod(gql_arena_strndup(c->b->tmp, v->u.str, v->len), NULL);
            if (d > 2147483647.0 || d < -2147483648.0)
                dv_report(c, &v->loc, "Int cannot represent non 32-bit signed integer value: %.*s",
                          (int)v->len, v->u.str);
        }
        break;
    case GQL_SCALAR_FLOAT:
        if (v->kind != GQL_VALUE_INT && v->kind != GQL_VALUE_FLOAT)
            dv_report(c, &v->loc, "Float cannot represent non numeric value: %s",
                      print_literal(c, v));
        break;
    case GQL_SCALAR_STRING:
        if (v->kind != GQL_VALUE_STRING)
            dv_report(c, &v->loc, "String cannot represent a non string value: %s",
                      print_literal(c, v));
        break;
    case GQL_SCALAR_BOOLEAN:
        if (v->kind != GQL_VALUE_BOOLEAN)
            dv_report(c, &v->loc, "Boolean cannot represent a non boolean value: %s",
                      print_literal(c, v));
        break;
    case GQL_SCALAR_ID:
        if (v->kind != GQL_VALUE_STRING && v->kind != GQL_VALUE_INT)
            dv_report(c, &v->loc, "ID cannot represent a non-string and non-integer value: %s",
                      print_literal(c, v));
        break;
    default:
        break; /* custom scalars take any literal */
    }
}

static void dv_check(dv_ctx *c, const gql_value *v, const gql_type *t);

static const gql_object_field *dv_field_node(const gql_value *v, const char *name)
{
    const gql_object_field *found = NULL;
    for (size_t i = 0; i < v->u.object.n; i++)
        if (strcmp(v->u.object.fields[i].name, name) == 0)
            found = &v->u.object.fields[i]; /* the last one, as keyMap */
    return found;
}

static void dv_object(dv_ctx *c, const gql_value *v, const gql_type *t)
{
    if (v->kind != GQL_VALUE_OBJECT) {
        dv_report(c, &v->loc, "Expected value of type \"%s\" to be an object, found: %s.", t->name,
                  print_literal(c, v));
        return;
    }
    for (size_t i = 0; i < t->ninput_fields; i++) {
        const gql_input_value *f = &t->input_fields[i];
        const gql_object_field *fn = dv_field_node(v, f->name);
        if (!fn) {
            if (gql_is_required_input(f))
                dv_report(c, &v->loc, "Expected value of type \"%s\" to include required field "
                          "\"%s\", found: %s.", t->name, f->name, print_literal(c, v));
            continue;
        }
        size_t mark = c->path.len;
        gql_buf_printf(&c->path, ".%s", f->name);
        dv_check(c, fn->value, f->type);
        gql_buf_truncate(&c->path, mark);
    }
    const char **opts = GQL_NEWN(c->b->tmp, const char *, t->ninput_fields + 1);
    for (size_t i = 0; i < t->ninput_fields; i++)
        opts[i] = t->input_fields[i].name;
    const gql_object_field *known = NULL;
    size_t nknown = 0;
    for (size_t i = 0; i < v->u.object.n; i++) {
        const gql_object_field *fn = &v->u.object.fields[i];
        if (gql_input_field(t, fn->name)) {
            known = fn;
            nknown++;
            continue;
        }
        /* graphql-js: 'field "c". Did you mean "a"? Found: {...}.' or
         * 'field "c", found: {...}.' */
        gql_buf msg = GQL_BUF_INIT;
        gql_buf_printf(&msg, "Expected value of type \"%s\" not to include unknown field \"%s\"",
                       t->name, fn->name);
        size_t before = msg.len;
        gql_buf_putc(&msg, '.');
        gql_did_you_mean(&msg, fn->name, opts, t->ninput_fields);
        if (msg.len == before + 1) {
            gql_buf_truncate(&msg, before);
            gql_buf_puts(&msg, ", found");
        } else {
            gql_buf_puts(&msg, " Found");
        }
        gql_buf_printf(&msg, ": %s.", print_literal(c, v));
        dv_report(c, &fn->loc, "%s", gql_buf_cstr(&msg));
        gql_buf_free(&msg);
    }
    if (!t->one_of)
        return;
    const char *msg = gql_arena_printf(c->b->tmp, "Within OneOf Input Object type \"%s\", exactly "
                                       "one field must be specified, and the value for that field "
                                       "must be non-null.", t->name);
    if (nknown != 1) {
        dv_report(c, &v->loc, "%s", msg);
    } else if (known->value->kind == GQL_VALUE_NULL) {
        size_t mark = c->path.len;
        gql_buf_printf(&c->path, ".%s", known->name);
        dv_report(c, &v->loc, "%s", msg);
        gql_buf_truncate(&c->path, mark);
    }
}

static void dv_check(dv_ctx *c, const gql_value *v, const gql_type *t)
{
    if (!v || !t)
        return;
    if (t->kind == GQL_NON_NULL) {
        if (v->kind == GQL_VALUE_NULL) {
            dv_report(c, &v->loc, "Expected value of non-null type \"%s\" not to be null.",
                      tstr(c->b, t));
            return;
        }
        t = t->of_type;
    }
    if (v->kind == GQL_VALUE_NULL || v->kind == GQL_VALUE_VARIABLE)
        return;
    if (t->kind == GQL_LIST) {
        if (v->kind != GQL_VALUE_LIST) {
            dv_check(c, v, t->of_type);
            return;
        }
        for (size_t i = 0; i < v->u.list.n; i++) {
            size_t mark = c->path.len;
            gql_buf_printf(&c->path, "[%zu]", i);
            dv_check(c, v->u.list.items[i], t->of_type);
            gql_buf_truncate(&c->path, mark);
        }
    } else if (t->kind == GQL_INPUT_OBJECT) {
        dv_object(c, v, t);
    } else if (gql_is_leaf_type(t)) {
        dv_leaf(c, v, t);
    }
}

static void validate_default_value(gql_sbuild *b, const gql_input_value *v, const char *what)
{
    if (!v->default_value || !gql_is_input_type(v->type))
        return;
    dv_ctx c = {.b = b, .what = what, .path = GQL_BUF_INIT};
    dv_check(&c, v->default_value, v->type);
    gql_buf_free(&c.path);
}

static void validate_directives(gql_sbuild *b)
{
    for (size_t i = 0; i < b->s->ndirectives; i++) {
        const gql_directive_def *d = b->s->directives[i];
        const gql_type_def *node = gql_sbuild_node(b, d);
        validate_name(b, d->name, loc_of_def(node));
        for (size_t j = 0; j < d->nargs; j++) {
            const gql_input_value *a = &d->args[j];
            validate_name(b, a->name, a->loc);
            if (!gql_is_input_type(a->type))
                ERR(b, &a->loc, "The type of @%s(%s:) must be Input Type but got: %s.", d->name,
                    a->name, tstr(b, a->type));
            deprecated_required(b, a,
                                gql_arena_printf(b->tmp, "Required argument @%s(%s:)", d->name,
                                                 a->name));
            validate_default_value(b, a, gql_arena_printf(b->tmp, "@%s(%s:)", d->name, a->name));
        }
    }
}

static void validate_fields(gql_sbuild *b, const gql_type *t)
{
    if (t->nfields == 0)
        type_error(b, t, gql_arena_printf(b->tmp, "Type %s must define one or more fields.",
                                          t->name));
    for (size_t i = 0; i < t->nfields; i++) {
        const gql_field *f = &t->fields[i];
        const gql_field_def_node *fn = gql_sbuild_node(b, f);
        validate_name(b, f->name, f->loc);
        if (!gql_is_output_type(f->type)) {
            gql_loc loc = type_ref_loc(fn ? fn->type : NULL);
            ERR(b, &loc, "The type of %s.%s must be Output Type but got: %s.", t->name, f->name,
                tstr(b, f->type));
        }
        for (size_t j = 0; j < f->nargs; j++) {
            const gql_input_value *a = &f->args[j];
            const gql_input_value_def *an = gql_sbuild_node(b, a);
            validate_name(b, a->name, a->loc);
            if (!gql_is_input_type(a->type)) {
                gql_loc loc = type_ref_loc(an ? an->type : NULL);
                ERR(b, &loc, "The type of %s.%s(%s:) must be Input Type but got: %s.", t->name,
                    f->name, a->name, tstr(b, a->type));
            }
            deprecated_required(b, a,
                                gql_arena_printf(b->tmp, "Required argument %s.%s(%s:)", t->name,
                                                 f->name, a->name));
            validate_default_value(b, a,
                                   gql_arena_printf(b->tmp, "%s.%s(%s:)", t->name, f->name,
                                                    a->name));
        }
    }
}

/* Locations where `t` (definition and extensions) names `iface`. */
static void add_implements_locs(gql_sbuild *b, gql_error *e, const gql_type *t,
                                const gql_type *iface)
{
    const gql_tinfo *ti = info_of(b, t);
    if (!ti || !ti->def)
        return;
    for (size_t k = 0; k <= ti->exts.n; k++) {
        const gql_type_def *td = k == 0 ? ti->def : ti->exts.items[k - 1];
        for (size_t i = 0; i < td->ninterfaces; i++)
            if (strcmp(td->interfaces[i].name, iface->name) == 0)
                gql_error_add_loc(b->errs, e, td->interfaces[i].loc);
    }
}

static void implements_error(gql_sbuild *b, const gql_type *t, const gql_type *iface,
                             const gql_type *t2, const gql_type *iface2, const char *msg)
{
    gql_error *e = ERR(b, NULL, "%s", msg);
    add_implements_locs(b, e, t, iface);
    if (t2)
        add_implements_locs(b, e, t2, iface2);
}

static const gql_input_value *arg_named(const gql_field *f, const char *name)
{
    return gql_field_arg(f, name);
}

static void validate_implements_interface(gql_sbuild *b, const gql_type *t, const gql_type *iface)
{
    for (size_t i = 0; i < iface->nfields; i++) {
        const gql_field *ifield = &iface->fields[i];
        const gql_field_def_node *ifn = gql_sbuild_node(b, ifield);
        gql_field *tfield = gql_type_field(t, ifield->name);
        if (!tfield) {
            gql_error *e = ERR(b, &ifield->loc,
                               "Interface field %s.%s expected but %s does not provide it.",
                               iface->name, ifield->name, t->name);
            gql_error_add_loc(b->errs, e, loc_of_def(def_of(b, t)));
            add_type_locs(b, e, t);
            continue;
        }
        const gql_field_def_node *tfn = gql_sbuild_node(b, tfield);
        if (!gql_type_is_subtype(b->s, tfield->type, ifield->type)) {
            gql_loc loc = type_ref_loc(ifn ? ifn->type : NULL);
            gql_error *e = ERR(b, &loc, "Interface field %s.%s expects type %s but %s.%s is type %s.",
                               iface->name, ifield->name, tstr(b, ifield->type), t->name,
                               tfield->name, tstr(b, tfield->type));
            gql_error_add_loc(b->errs, e, type_ref_loc(tfn ? tfn->type : NULL));
        }
        for (size_t j = 0; j < ifield->nargs; j++) {
            const gql_input_value *iarg = &ifield->args[j];
            const gql_input_value *targ = arg_named(tfield, iarg->name);
            if (!targ) {
                gql_error *e = ERR(b, &iarg->loc, "Interface field argument %s.%s(%s:) expected "
                                   "but %s.%s does not provide it.", iface->name, ifield->name,
                                   iarg->name, t->name, tfield->name);
                gql_error_add_loc(b->errs, e, tfield->loc);
                continue;
            }
            if (!gql_type_equal(iarg->type, targ->type)) {
                const gql_input_value_def *in = gql_sbuild_node(b, iarg);
                const gql_input_value_def *tn = gql_sbuild_node(b, targ);
                gql_loc loc = type_ref_loc(in ? in->type : NULL);
                gql_error *e = ERR(b, &loc, "Interface field argument %s.%s(%s:) expects type %s "
                                   "but %s.%s(%s:) is type %s.", iface->name, ifield->name,
                                   iarg->name, tstr(b, iarg->type), t->name, tfield->name,
                                   targ->name, tstr(b, targ->type));
                gql_error_add_loc(b->errs, e, type_ref_loc(tn ? tn->type : NULL));
            }
        }
        for (size_t j = 0; j < tfield->nargs; j++) {
            const gql_input_value *targ = &tfield->args[j];
            if (gql_is_required_input(targ) && !arg_named(ifield, targ->name)) {
                gql_error *e = ERR(b, &targ->loc, "Argument \"%s.%s(%s:)\" must not be required "
                                   "type \"%s\" if not provided by the Interface field \"%s.%s\".",
                                   t->name, tfield->name, targ->name, tstr(b, targ->type),
                                   iface->name, ifield->name);
                gql_error_add_loc(b->errs, e, ifield->loc);
            }
        }
        if (tfield->deprecated && !ifield->deprecated) {
            const gql_directive *dep =
                tfn ? deprecated_node(tfn->directives, tfn->ndirectives) : NULL;
            gql_loc none = {0, 0, 0};
            gql_error *e = ERR(b, dep ? &dep->loc : &none,
                               "Interface field %s.%s is not deprecated, so implementation field "
                               "%s.%s must not be deprecated.", iface->name, ifield->name,
                               t->name, tfield->name);
            gql_error_add_loc(b->errs, e, type_ref_loc(tfn ? tfn->type : NULL));
        }
    }
}

static void validate_implements_ancestors(gql_sbuild *b, const gql_type *t, const gql_type *iface)
{
    for (size_t i = 0; i < iface->ninterfaces; i++) {
        const gql_type *transitive = iface->interfaces[i];
        bool has = false;
        for (size_t j = 0; j < t->ninterfaces && !has; j++)
            has = t->interfaces[j] == transitive;
        if (has)
            continue;
        const char *msg =
            transitive == t
                ? gql_arena_printf(b->tmp, "Type %s cannot implement %s because it would create "
                                   "a circular reference.", t->name, iface->name)
                : gql_arena_printf(b->tmp, "Type %s must implement %s because it is implemented "
                                   "by %s.", t->name, transitive->name, iface->name);
        implements_error(b, iface, transitive, t, iface, msg);
    }
}

static void validate_interfaces(gql_sbuild *b, const gql_type *t)
{
    for (size_t i = 0; i < t->ninterfaces; i++) {
        const gql_type *iface = t->interfaces[i];
        if (iface->kind != GQL_INTERFACE) {
            implements_error(b, t, iface, NULL, NULL,
                             gql_arena_printf(b->tmp, "Type %s must only implement Interface "
                                              "types, it cannot implement %s.", t->name,
                                              iface->name));
            continue;
        }
        if (iface == t) {
            implements_error(b, t, iface, NULL, NULL,
                             gql_arena_printf(b->tmp, "Type %s cannot implement itself because "
                                              "it would create a circular reference.", t->name));
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = t->interfaces[j] == iface;
        if (dup) {
            implements_error(b, t, iface, NULL, NULL,
                             gql_arena_printf(b->tmp, "Type %s can only implement %s once.",
                                              t->name, iface->name));
            continue;
        }
        validate_implements_ancestors(b, t, iface);
        validate_implements_interface(b, t, iface);
    }
}

static void add_member_locs(gql_sbuild *b, gql_error *e, const gql_type *u, const char *member)
{
    const gql_tinfo *ti = info_of(b, u);
    if (!ti || !ti->def)
        return;
    for (size_t k = 0; k <= ti->exts.n; k++) {
        const gql_type_def *td = k == 0 ? ti->def : ti->exts.items[k - 1];
        for (size_t i = 0; i < td->nmembers; i++)
            if (strcmp(td->members[i].name, member) == 0)
                gql_error_add_loc(b->errs, e, td->members[i].loc);
    }
}

static void validate_union(gql_sbuild *b, const gql_type *u)
{
    if (u->npossible == 0)
        type_error(b, u, gql_arena_printf(b->tmp, "Union type %s must define one or more member "
                                          "types.", u->name));
    for (size_t i = 0; i < u->npossible; i++) {
        const gql_type *m = u->possible[i];
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = u->possible[j] == m;
        gql_error *e;
        if (dup)
            e = ERR(b, NULL, "Union type %s can only include type %s once.", u->name, m->name);
        else if (m->kind != GQL_OBJECT)
            e = ERR(b, NULL, "Union type %s can only include Object types, it cannot include %s.",
                    u->name, m->name);
        else
            continue;
        add_member_locs(b, e, u, m->name);
    }
}

static void validate_enum(gql_sbuild *b, const gql_type *t)
{
    if (t->nvalues == 0)
        type_error(b, t, gql_arena_printf(b->tmp, "Enum type %s must define one or more values.",
                                          t->name));
    for (size_t i = 0; i < t->nvalues; i++) {
        const gql_enum_value_def *n = gql_sbuild_node(b, &t->values[i]);
        gql_loc none = {0, 0, 0};
        validate_name(b, t->values[i].name, n ? n->loc : none);
    }
}

static void validate_input_object(gql_sbuild *b, const gql_type *t)
{
    if (t->ninput_fields == 0)
        type_error(b, t, gql_arena_printf(b->tmp, "Input Object type %s must define one or more "
                                          "fields.", t->name));
    for (size_t i = 0; i < t->ninput_fields; i++) {
        const gql_input_value *f = &t->input_fields[i];
        const gql_input_value_def *n = gql_sbuild_node(b, f);
        gql_loc tloc = type_ref_loc(n ? n->type : NULL);
        validate_name(b, f->name, f->loc);
        if (!gql_is_input_type(f->type))
            ERR(b, &tloc, "The type of %s.%s must be Input Type but got: %s.", t->name, f->name,
                tstr(b, f->type));
        deprecated_required(b, f,
                            gql_arena_printf(b->tmp, "Required input field %s.%s", t->name,
                                             f->name));
        validate_default_value(b, f, gql_arena_printf(b->tmp, "%s.%s", t->name, f->name));
        if (!t->one_of)
            continue;
        if (f->type && f->type->kind == GQL_NON_NULL)
            ERR(b, &tloc, "OneOf input field %s.%s must be nullable.", t->name, f->name);
        if (f->default_value)
            ERR(b, &f->loc, "OneOf input field %s.%s cannot have a default value.", t->name,
                f->name);
    }
}

/* ------------------------------------- cycles through default values */

/* graphql-js createInputObjectDefaultValueCircularRefsValidator: a field
 * whose default leaves out an input object field falls back on that field's
 * default, and so on; that chain must not come back to where it started. */
typedef struct dvc_entry {
    const gql_input_value *field;
    const char *str; /* "Type.field" */
} dvc_entry;

typedef struct dvc_ctx {
    gql_sbuild *b;
    gql_vec visited;  /* const gql_input_value * */
    dvc_entry *path;
    size_t npath, cap;
} dvc_ctx;

static void dvc_field(dvc_ctx *c, const gql_type *owner, const gql_input_value *f,
                      const gql_type *ftype);

static void dvc_literal(dvc_ctx *c, const gql_type *obj, const gql_value *v)
{
    if (v->kind == GQL_VALUE_LIST) {
        for (size_t i = 0; i < v->u.list.n; i++)
            dvc_literal(c, obj, v->u.list.items[i]);
        return;
    }
    if (v->kind != GQL_VALUE_OBJECT)
        return;
    for (size_t i = 0; i < obj->ninput_fields; i++) {
        const gql_input_value *f = &obj->input_fields[i];
        const gql_type *named = gql_named_type(f->type);
        if (!named || named->kind != GQL_INPUT_OBJECT)
            continue;
        const gql_object_field *fn = dv_field_node(v, f->name);
        if (fn)
            dvc_literal(c, named, fn->value);
        else
            dvc_field(c, obj, f, named);
    }
}

static void dvc_field(dvc_ctx *c, const gql_type *owner, const gql_input_value *f,
                      const gql_type *ftype)
{
    if (!f->default_value)
        return;
    size_t at = c->npath;
    for (size_t i = 0; i < c->npath; i++)
        if (c->path[i].field == f)
            at = i;
    const char *str = gql_arena_printf(c->b->tmp, "%s.%s", owner->name, f->name);
    if (at < c->npath) {
        /* graphql-js's index is one past the field's own entry */
        gql_buf msg = GQL_BUF_INIT;
        gql_buf_printf(&msg, "Invalid circular reference. The default value of Input Object "
                       "field %s references itself", str);
        for (size_t i = at + 1; i < c->npath; i++)
            gql_buf_printf(&msg, "%s%s", i == at + 1 ? " via the default values of: " : ", ",
                           c->path[i].str);
        gql_buf_putc(&msg, '.');
        gql_error *e = ERR(c->b, NULL, "%s", gql_buf_cstr(&msg));
        for (size_t i = at; i < c->npath; i++)
            gql_error_add_loc(c->b->errs, e, c->path[i].field->default_value->loc);
        gql_buf_free(&msg);
        return;
    }
    for (size_t i = 0; i < c->visited.n; i++)
        if (c->visited.items[i] == f)
            return;
    gql_vec_push(c->b->tmp, &c->visited, (void *)f);
    if (c->npath == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        c->path = gql_arena_grow(c->b->tmp, c->path, c->npath, cap, sizeof *c->path);
        c->cap = cap;
    }
    c->path[c->npath++] = (dvc_entry){f, str};
    dvc_literal(c, ftype, f->default_value);
    c->npath--;
}

static void default_value_cycles(dvc_ctx *c, const gql_type *obj)
{
    /* detectValueDefaultValueCycle(obj, {}): every input object field. */
    for (size_t i = 0; i < obj->ninput_fields; i++) {
        const gql_input_value *f = &obj->input_fields[i];
        const gql_type *named = gql_named_type(f->type);
        if (named && named->kind == GQL_INPUT_OBJECT)
            dvc_field(c, obj, f, named);
    }
}

/* ---------------------------- input objects that cannot have a value */

/* graphql-js detectInputObjectNonFiniteValues: an input object has a finite
 * value when every field that must hold another input object (non-null; for
 * @oneOf: some field may avoid it) leads to one that has. The rest form
 * cycles, reported once each from a depth-first walk. */
typedef struct fv_target {
    const gql_input_value *field;
    size_t target;
} fv_target;

typedef struct fv_state {
    const gql_type *obj;
    fv_target *targets;
    size_t ntargets;
    size_t *dependents;
    size_t ndependents;
    size_t unresolved;
    bool finite;
    bool visited;
    long path_index; /* -1 when not on the current path */
} fv_state;

typedef struct fv_ctx {
    gql_sbuild *b;
    fv_state *st;
    size_t n;
    size_t *work;
    size_t nwork;
    const gql_input_value **path_fields;
    const gql_type **path_types;
    size_t npath;
} fv_ctx;

static long fv_index(const fv_ctx *c, const gql_type *t)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->st[i].obj == t)
            return (long)i;
    return -1;
}

static void fv_mark(fv_ctx *c, size_t i)
{
    if (c->st[i].finite)
        return;
    c->st[i].finite = true;
    c->work[c->nwork++] = i;
}

static const gql_type *fv_target_type(const gql_type *obj, const gql_type *ft)
{
    if (obj->one_of)
        return ft && ft->kind == GQL_INPUT_OBJECT ? ft : NULL;
    if (ft && ft->kind == GQL_NON_NULL && ft->of_type->kind == GQL_INPUT_OBJECT)
        return ft->of_type;
    return NULL;
}

static void fv_report(fv_ctx *c, size_t i)
{
    fv_state *s = &c->st[i];
    if (s->visited)
        return;
    s->visited = true;
    s->path_index = (long)c->npath;
    for (size_t k = 0; k < s->ntargets; k++) {
        fv_state *ts = &c->st[s->targets[k].target];
        if (ts->finite)
            continue;
        c->path_fields[c->npath] = s->targets[k].field;
        c->path_types[c->npath] = s->obj;
        c->npath++;
        if (ts->path_index < 0) {
            fv_report(c, s->targets[k].target);
        } else {
            gql_buf msg = GQL_BUF_INIT;
            gql_buf_printf(&msg, "Input Object %s cannot be provided a finite value because it "
                           "references itself through fields: ", ts->obj->name);
            for (size_t p = (size_t)ts->path_index; p < c->npath; p++)
                gql_buf_printf(&msg, "%s%s.%s", p > (size_t)ts->path_index ? ", " : "",
                               c->path_types[p]->name, c->path_fields[p]->name);
            gql_buf_putc(&msg, '.');
            gql_error *e = ERR(c->b, NULL, "%s", gql_buf_cstr(&msg));
            for (size_t p = (size_t)ts->path_index; p < c->npath; p++)
                gql_error_add_loc(c->b->errs, e, c->path_fields[p]->loc);
            gql_buf_free(&msg);
        }
        c->npath--;
    }
    s->path_index = -1;
}

static void input_object_cycles(gql_sbuild *b)
{
    gql_schema *s = b->s;
    fv_ctx c = {.b = b};
    for (size_t i = 0; i < s->ntypes; i++)
        c.n += s->types[i]->kind == GQL_INPUT_OBJECT;
    if (!c.n)
        return;
    c.st = GQL_NEWN(b->tmp, fv_state, c.n);
    c.work = GQL_NEWN(b->tmp, size_t, c.n);
    c.path_fields = GQL_NEWN(b->tmp, const gql_input_value *, c.n + 1);
    c.path_types = GQL_NEWN(b->tmp, const gql_type *, c.n + 1);
    size_t k = 0;
    size_t total_fields = 0;
    for (size_t i = 0; i < s->ntypes; i++)
        if (s->types[i]->kind == GQL_INPUT_OBJECT) {
            c.st[k].obj = s->types[i];
            c.st[k].path_index = -1;
            total_fields += s->types[i]->ninput_fields;
            k++;
        }
    size_t *dep_pool = GQL_NEWN(b->tmp, size_t, total_fields + 1);
    size_t *dep_count = GQL_NEWN(b->tmp, size_t, c.n);
    /* targets, and how many dependents each state has */
    for (size_t i = 0; i < c.n; i++) {
        const gql_type *obj = c.st[i].obj;
        c.st[i].targets = GQL_NEWN(b->tmp, fv_target, obj->ninput_fields + 1);
        for (size_t f = 0; f < obj->ninput_fields; f++) {
            long t = fv_index(&c, fv_target_type(obj, obj->input_fields[f].type));
            if (t < 0)
                continue;
            c.st[i].targets[c.st[i].ntargets++] = (fv_target){&obj->input_fields[f], (size_t)t};
            dep_count[t]++;
        }
    }
    size_t off = 0;
    for (size_t i = 0; i < c.n; i++) {
        c.st[i].dependents = dep_pool + off;
        off += dep_count[i];
    }
    for (size_t i = 0; i < c.n; i++) {
        for (size_t t = 0; t < c.st[i].ntargets; t++) {
            fv_state *ts = &c.st[c.st[i].targets[t].target];
            ts->dependents[ts->ndependents++] = i;
        }
        const gql_type *obj = c.st[i].obj;
        if (obj->one_of) {
            if (obj->ninput_fields == 0 || c.st[i].ntargets < obj->ninput_fields)
                fv_mark(&c, i);
        } else {
            c.st[i].unresolved = c.st[i].ntargets;
            if (c.st[i].ntargets == 0)
                fv_mark(&c, i);
        }
    }
    while (c.nwork) {
        fv_state *done = &c.st[c.work[--c.nwork]];
        for (size_t d = 0; d < done->ndependents; d++) {
            size_t di = done->dependents[d];
            if (c.st[di].finite)
                continue;
            if (c.st[di].obj->one_of || --c.st[di].unresolved == 0)
                fv_mark(&c, di);
        }
    }
    for (size_t i = 0; i < c.n; i++)
        if (!c.st[i].finite)
            fv_report(&c, i);
}

void gql_schema_check_types(gql_sbuild *b)
{
    dvc_ctx cycles = {.b = b};
    validate_root_types(b);
    validate_directives(b);
    for (size_t i = 0; i < b->s->ntypes; i++) {
        const gql_type *t = b->s->types[i];
        if (!t->introspection)
            validate_name(b, t->name, loc_of_def(def_of(b, t)));
        switch (t->kind) {
        case GQL_OBJECT:
        case GQL_INTERFACE:
            validate_fields(b, t);
            validate_interfaces(b, t);
            break;
        case GQL_UNION:
            validate_union(b, t);
            break;
        case GQL_ENUM:
            validate_enum(b, t);
            break;
        case GQL_INPUT_OBJECT:
            validate_input_object(b, t);
            default_value_cycles(&cycles, t);
            break;
        default:
            break;
        }
    }
    input_object_cycles(b);
}
