/* api.c -- resolvers binding the EPFIOT SDL to core/ (see api.h).
 *
 * Records from core/ (malloc'ed store structs) are copied into the request
 * arena at once and released, so that object values live exactly as long as
 * the request and no resolver has anything to free. Child fields (Vm.owner,
 * Vm.dev, User.vms, ...) ask core/ again with the same principal, which is
 * what keeps nested queries inside the caller's tenancy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "accel_api.h"
#include "api.h"

struct api {
    core *c;
    gql_schema *schema;
};

/* Per-request memo of what nested lists ask for again and again (the
 * DataLoader pattern): 50 VMs have one owner, and their devices and things
 * are two queries for all of them rather than two per VM. Entries live in
 * the request arena and were fetched under the caller's principal; any
 * mutation empties the memo, since it may change what they say. */
typedef struct memo {
    gql_arena *arena; /* the request the entries belong to */
    store_user *users[8];
    size_t nusers;
    bool devs_loaded;
    store_dev *devs;
    size_t ndevs;
    int64_t things_owner; /* 0: not loaded */
    store_thing *things;
    size_t nthings;
} memo;

struct api_ctx {
    api *a;
    core_call k;
    char *token; /* the session (or bearer) token of the request, for logout */
    char addr[64];
    memo m;
};

const char *const api_anonymous_fields[] = {"login", NULL};

/* ---- Helpers ------------------------------------------------------------- */

static core_call *K(gql_info *info)
{
    return &((api_ctx *)info->context)->k;
}

static char *adup(gql_info *info, const char *s)
{
    return s ? gql_arena_strdup(info->arena, s) : NULL;
}

static gql_rv fail(gql_info *info, core_code code, const char *msg)
{
    gql_rv r = gql_rv_error(info, "%s", msg);
    r.u.err.extensions_json =
        gql_arena_printf(info->arena, "{\"code\":\"%s\"}", core_code_name(code));
    return r;
}

static gql_rv failk(gql_info *info, core_code code)
{
    return fail(info, code, K(info)->err);
}

static const char *arg_str(const gql_val *args, const char *key)
{
    const gql_val *v = gql_val_get(args, key);
    return v && (v->kind == GQL_VAL_STRING || v->kind == GQL_VAL_ENUM) ? v->u.s.ptr : NULL;
}

static bool arg_int(const gql_val *args, const char *key, int64_t *out)
{
    const gql_val *v = gql_val_get(args, key);
    if (!v || v->kind != GQL_VAL_INT)
        return false;
    *out = v->u.i;
    return true;
}

/* An ID argument; an unparsable one is an unknown one (0 is never an ID). */
static int64_t arg_id(const gql_val *args, const char *key)
{
    int64_t id = 0;
    const char *s = arg_str(args, key);
    if (!s || !store_id_parse(s, &id))
        return 0;
    return id;
}

static gql_rv id_rv(gql_info *info, int64_t id)
{
    return gql_rv_str(gql_arena_printf(info->arena, "%lld", (long long)id));
}

static gql_rv time_rv(gql_info *info, int64_t t)
{
    if (t <= 0)
        return gql_rv_null();
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return gql_rv_str(gql_arena_strdup(info->arena, buf));
}

static gql_rv list_rv(gql_info *info, gql_rv *items, size_t n)
{
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, n}};
    return r;
}

static gql_rv *items_new(gql_info *info, size_t n)
{
    return gql_arena_zalloc(info->arena, (n ? n : 1) * sizeof(gql_rv));
}

/* ---- Copies into the arena ------------------------------------------------ */

static store_vm *vm_copy(gql_info *info, store_vm *v)
{
    store_vm *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *v;
    o->name = adup(info, v->name);
    o->base = adup(info, v->base);
    o->ip = adup(info, v->ip);
    o->uuid = adup(info, v->uuid);
    o->domain_name = adup(info, v->domain_name);
    o->cfg_user = adup(info, v->cfg_user);
    o->cfg_password_hash = NULL; /* write-only: never leaves core/ */
    o->cfg_ssh_keys = adup(info, v->cfg_ssh_keys);
    o->cfg_hostname = adup(info, v->cfg_hostname);
    o->cfg_packages = adup(info, v->cfg_packages);
    o->cfg_user_data = NULL; /* write-only too */
    store_vm_clear(v);
    return o;
}

static store_user *user_copy(gql_info *info, store_user *u)
{
    store_user *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *u;
    o->name = adup(info, u->name);
    store_user_clear(u);
    return o;
}

static store_dev *dev_copy(gql_info *info, store_dev *d)
{
    store_dev *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *d;
    o->vendor_id = adup(info, d->vendor_id);
    o->product_id = adup(info, d->product_id);
    o->serial = adup(info, d->serial);
    o->port = adup(info, d->port);
    o->info = adup(info, d->info);
    store_dev_clear(d);
    return o;
}

static store_thing *thing_copy(gql_info *info, store_thing *t)
{
    store_thing *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *t;
    o->name = adup(info, t->name);
    o->info = adup(info, t->info);
    o->last_error = adup(info, t->last_error);
    o->endpoint = adup(info, t->endpoint);
    o->psk_identity = adup(info, t->psk_identity);
    o->server_psk_identity = adup(info, t->server_psk_identity);
    o->binding = adup(info, t->binding);
    store_thing_clear(t);
    return o;
}

static store_token *token_copy(gql_info *info, store_token *t)
{
    store_token *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *t;
    o->name = adup(info, t->name);
    store_token_clear(t);
    return o;
}

static gql_rv vms_rv(gql_info *info, store_vm *list, size_t n)
{
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(vm_copy(info, &list[i]), "Vm");
    free(list);
    return list_rv(info, items, n);
}

static gql_rv things_rv(gql_info *info, store_thing *list, size_t n)
{
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(thing_copy(info, &list[i]), "Thing");
    free(list);
    return list_rv(info, items, n);
}

static gql_rv devs_rv(gql_info *info, store_dev *list, size_t n)
{
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(dev_copy(info, &list[i]), "Hostdev");
    free(list);
    return list_rv(info, items, n);
}

static gql_rv users_rv(gql_info *info, store_user *list, size_t n)
{
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(user_copy(info, &list[i]), "User");
    free(list);
    return list_rv(info, items, n);
}

/* ---- Shared with accel_api.c (accel_api.h) --------------------------------- */

core_call *api_call(gql_info *info)
{
    return K(info);
}

gql_rv api_fail(gql_info *info, core_code code)
{
    return failk(info, code);
}

gql_rv api_vm_visible(gql_info *info, int64_t vm_id)
{
    store_vm v;
    if (!vm_id || core_vm_get(K(info), vm_id, &v) != CORE_OK)
        return gql_rv_null();
    return gql_rv_object(vm_copy(info, &v), "Vm");
}

gql_rv api_user_visible(gql_info *info, int64_t user_id)
{
    store_user u;
    if (!user_id || core_user_get(K(info), user_id, &u) != CORE_OK)
        return gql_rv_null();
    return gql_rv_object(user_copy(info, &u), "User");
}

gql_rv api_dev_object(gql_info *info, int64_t dev_id)
{
    store_dev d;
    core_code rc = core_dev_get(K(info), dev_id, &d);
    return rc ? failk(info, rc) : gql_rv_object(dev_copy(info, &d), "Hostdev");
}

gql_rv api_time(gql_info *info, int64_t t)
{
    return time_rv(info, t);
}

gql_rv api_id(gql_info *info, int64_t id)
{
    return id_rv(info, id);
}

int64_t api_arg_id(const gql_val *args, const char *key)
{
    return arg_id(args, key);
}

/* ---- Relay connections ---------------------------------------------------- */

/* One connection over a list already ordered by ID; nodes are the list's
 * objects, cursors opaque (base64url of "c<id>"). */
typedef struct conn {
    gql_rv *nodes;
    int64_t *ids;
    size_t total, start, end;
    bool has_next, has_prev;
} conn;

typedef struct edge {
    conn *c;
    size_t i;
} edge;

static const char *cursor_of(gql_info *info, int64_t id)
{
    char raw[24];
    int n = snprintf(raw, sizeof raw, "c%lld", (long long)id);
    size_t len = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = gql_arena_alloc(info->arena, len);
    sodium_bin2base64(out, len, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static bool cursor_parse(const char *s, int64_t *id)
{
    unsigned char raw[24];
    size_t n = 0;
    if (strlen(s) > 30 || sodium_base642bin(raw, sizeof raw - 1, s, strlen(s), NULL, &n, NULL,
                                            sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    raw[n] = 0;
    return n > 1 && raw[0] == 'c' && store_id_parse((const char *)raw + 1, id);
}

/* The Relay algorithm: after/before narrow the list, then first/last cut
 * from its ends. Paging forward (first/after) and backward (last/before) in
 * one request is refused: Relay allows it but advises against it, and the
 * result is hard to read. Returns false with an error in *err. */
static bool conn_slice(gql_info *info, conn *c, const gql_val *args, gql_rv *err)
{
    size_t lo = 0, hi = c->total;
    int64_t id, first = -1, last = -1;
    const char *after = arg_str(args, "after"), *before = arg_str(args, "before");
    bool has_first = arg_int(args, "first", &first), has_last = arg_int(args, "last", &last);
    if ((has_first || after) && (has_last || before)) {
        *err = fail(info, CORE_BAD_USER_INPUT, "use either first/after or last/before, not both");
        return false;
    }
    if ((after && !cursor_parse(after, &id)) || (before && !cursor_parse(before, &id))) {
        *err = fail(info, CORE_BAD_USER_INPUT, "invalid cursor");
        return false;
    }
    if (after && cursor_parse(after, &id))
        while (lo < hi && c->ids[lo] <= id)
            lo++;
    if (before && cursor_parse(before, &id))
        while (hi > lo && c->ids[hi - 1] >= id)
            hi--;
    if ((has_first && first < 0) || (has_last && last < 0)) {
        *err = fail(info, CORE_BAD_USER_INPUT, "first and last must not be negative");
        return false;
    }
    c->has_prev = lo > 0 && after;
    c->has_next = hi < c->total && before;
    if (has_first && (size_t)first < hi - lo) {
        hi = lo + (size_t)first;
        c->has_next = true;
    }
    if (has_last && (size_t)last < hi - lo) {
        lo = hi - (size_t)last;
        c->has_prev = true;
    }
    c->start = lo;
    c->end = hi;
    return true;
}

static gql_rv conn_rv(gql_info *info, gql_rv list, const int64_t *ids_src, const gql_val *args)
{
    conn *c = gql_arena_zalloc(info->arena, sizeof *c);
    c->nodes = (gql_rv *)list.u.list.items;
    c->total = list.u.list.n;
    c->ids = gql_arena_alloc(info->arena, (c->total ? c->total : 1) * sizeof *c->ids);
    memcpy(c->ids, ids_src, c->total * sizeof *c->ids);
    gql_rv err;
    if (!conn_slice(info, c, args, &err))
        return err;
    return gql_rv_object(c, NULL);
}

static gql_rv vm_conn(gql_info *info, int64_t owner, const gql_val *args)
{
    store_vm *list;
    size_t n;
    core_code rc = core_vm_list(K(info), owner, &list, &n);
    if (rc)
        return failk(info, rc);
    int64_t *ids = gql_arena_alloc(info->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = list[i].id;
    return conn_rv(info, vms_rv(info, list, n), ids, args);
}

static gql_rv r_conn_total(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_int((int64_t)((conn *)p)->total);
}

static gql_rv r_conn_edges(void *p, const gql_val *args, gql_info *info)
{
    conn *c = p;
    size_t n = c->end - c->start;
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++) {
        edge *e = gql_arena_alloc(info->arena, sizeof *e);
        e->c = c;
        e->i = c->start + i;
        items[i] = gql_rv_object(e, NULL);
    }
    return list_rv(info, items, n);
}

static gql_rv r_conn_page(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object(p, "PageInfo");
}

static gql_rv r_page_start(void *p, const gql_val *args, gql_info *info)
{
    conn *c = p;
    return c->end > c->start ? gql_rv_str(cursor_of(info, c->ids[c->start])) : gql_rv_null();
}

static gql_rv r_page_end(void *p, const gql_val *args, gql_info *info)
{
    conn *c = p;
    return c->end > c->start ? gql_rv_str(cursor_of(info, c->ids[c->end - 1])) : gql_rv_null();
}

static gql_rv r_page_next(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_bool(((conn *)p)->has_next);
}

static gql_rv r_page_prev(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_bool(((conn *)p)->has_prev);
}

static gql_rv r_edge_cursor(void *p, const gql_val *args, gql_info *info)
{
    edge *e = p;
    return gql_rv_str(cursor_of(info, e->c->ids[e->i]));
}

static gql_rv r_edge_node(void *p, const gql_val *args, gql_info *info)
{
    edge *e = p;
    return e->c->nodes[e->i];
}

/* ---- Query ---------------------------------------------------------------- */

static memo *M(gql_info *info)
{
    memo *m = &((api_ctx *)info->context)->m;
    if (m->arena != info->arena) {
        memset(m, 0, sizeof *m);
        m->arena = info->arena;
    }
    return m;
}

static gql_rv user_rv(gql_info *info, int64_t id)
{
    memo *m = M(info);
    for (size_t i = 0; i < m->nusers; i++)
        if (m->users[i]->id == id)
            return gql_rv_object(m->users[i], "User");
    store_user u;
    core_code rc = core_user_get(K(info), id, &u);
    if (rc)
        return failk(info, rc);
    store_user *o = user_copy(info, &u);
    if (m->nusers < sizeof m->users / sizeof *m->users)
        m->users[m->nusers++] = o;
    return gql_rv_object(o, "User");
}

static gql_rv vm_rv(gql_info *info, int64_t id)
{
    store_vm v;
    core_code rc = core_vm_get(K(info), id, &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv q_getUser(void *p, const gql_val *args, gql_info *info)
{
    return user_rv(info, arg_id(args, "id"));
}

static gql_rv q_me(void *p, const gql_val *args, gql_info *info)
{
    return user_rv(info, K(info)->uid);
}

static gql_rv q_getUsers(void *p, const gql_val *args, gql_info *info)
{
    store_user *list;
    size_t n;
    core_code rc = core_user_list(K(info), &list, &n);
    return rc ? failk(info, rc) : users_rv(info, list, n);
}

static gql_rv q_usersConnection(void *p, const gql_val *args, gql_info *info)
{
    store_user *list;
    size_t n;
    core_code rc = core_user_list(K(info), &list, &n);
    if (rc)
        return failk(info, rc);
    int64_t *ids = gql_arena_alloc(info->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = list[i].id;
    return conn_rv(info, users_rv(info, list, n), ids, args);
}

static gql_rv q_getVm(void *p, const gql_val *args, gql_info *info)
{
    return vm_rv(info, arg_id(args, "id"));
}

static gql_rv q_getVms(void *p, const gql_val *args, gql_info *info)
{
    store_vm *list;
    size_t n;
    core_code rc = core_vm_list(K(info), 0, &list, &n);
    return rc ? failk(info, rc) : vms_rv(info, list, n);
}

static gql_rv q_vmsConnection(void *p, const gql_val *args, gql_info *info)
{
    return vm_conn(info, 0, args);
}

static gql_rv q_getDev(void *p, const gql_val *args, gql_info *info)
{
    store_dev d;
    core_code rc = core_dev_get(K(info), arg_id(args, "id"), &d);
    return rc ? failk(info, rc) : gql_rv_object(dev_copy(info, &d), "Hostdev");
}

static gql_rv q_getUsb(void *p, const gql_val *args, gql_info *info)
{
    store_dev *list;
    size_t n;
    core_code rc = core_dev_list(K(info), 0, true, &list, &n);
    return rc ? failk(info, rc) : devs_rv(info, list, n);
}

static gql_rv q_getThing(void *p, const gql_val *args, gql_info *info)
{
    store_thing t;
    core_code rc = core_thing_get(K(info), arg_id(args, "id"), &t);
    return rc ? failk(info, rc) : gql_rv_object(thing_copy(info, &t), "Thing");
}

static gql_rv q_getThings(void *p, const gql_val *args, gql_info *info)
{
    store_thing *list;
    size_t n;
    core_code rc = core_thing_list(K(info), 0, 0, &list, &n);
    return rc ? failk(info, rc) : things_rv(info, list, n);
}

static gql_rv q_thingsConnection(void *p, const gql_val *args, gql_info *info)
{
    store_thing *list;
    size_t n;
    core_code rc = core_thing_list(K(info), 0, 0, &list, &n);
    if (rc)
        return failk(info, rc);
    int64_t *ids = gql_arena_alloc(info->arena, (n ? n : 1) * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = list[i].id;
    return conn_rv(info, things_rv(info, list, n), ids, args);
}

static gql_rv q_images(void *p, const gql_val *args, gql_info *info)
{
    drv_image *list;
    size_t n;
    core_code rc = core_images(K(info), &list, &n);
    if (rc)
        return failk(info, rc);
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++) {
        drv_image *o = gql_arena_alloc(info->arena, sizeof *o);
        o->name = adup(info, list[i].name);
        o->format = adup(info, list[i].format);
        o->capacity_bytes = list[i].capacity_bytes;
        items[i] = gql_rv_object(o, "Image");
    }
    drv_image_list_free(list, n);
    return list_rv(info, items, n);
}

static gql_rv m_importImage(void *p, const gql_val *args, gql_info *info)
{
    drv_image img;
    core_code rc = core_image_import(K(info), arg_str(args, "name"), arg_str(args, "path"), &img);
    if (rc)
        return failk(info, rc);
    drv_image *o = gql_arena_alloc(info->arena, sizeof *o);
    o->name = adup(info, img.name);
    o->format = adup(info, img.format);
    o->capacity_bytes = img.capacity_bytes;
    drv_image_clear(&img);
    return gql_rv_object(o, "Image");
}

static gql_rv m_deleteImage(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_image_delete(K(info), arg_str(args, "name"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv q_host(void *p, const gql_val *args, gql_info *info)
{
    drv_host_info *h = gql_arena_alloc(info->arena, sizeof *h);
    core_code rc = core_host(K(info), h);
    return rc ? failk(info, rc) : gql_rv_object(h, "Host");
}

static gql_rv q_tokens(void *p, const gql_val *args, gql_info *info)
{
    store_token *list;
    size_t n;
    core_code rc = core_token_list(K(info), &list, &n);
    if (rc)
        return failk(info, rc);
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(token_copy(info, &list[i]), "ApiToken");
    free(list);
    return list_rv(info, items, n);
}

/* ---- Mutations: VMs ------------------------------------------------------- */

/* A [String!] argument as an arena array; *given says whether it was
 * there at all (null or absent: not given). */
static const char *const *str_list(gql_info *info, const gql_val *l, size_t *n, bool *given)
{
    *n = 0;
    *given = l != NULL;
    if (!l || l->kind != GQL_VAL_LIST)
        return NULL;
    const char **items =
        gql_arena_alloc(info->arena, (l->u.list.n ? l->u.list.n : 1) * sizeof *items);
    for (size_t i = 0; i < l->u.list.n; i++)
        items[(*n)++] =
            l->u.list.items[i].kind == GQL_VAL_STRING ? l->u.list.items[i].u.s.ptr : NULL;
    return items;
}

/* VmInput -> core_vm_input; the lists are arena copies. */
static bool vm_input(gql_info *info, const gql_val *in, core_vm_input *out, gql_rv *err)
{
    memset(out, 0, sizeof *out);
    const char *id = arg_str(in, "id");
    if (id && !store_id_parse(id, &out->id))
        out->id = -1;
    out->name = arg_str(in, "name");
    out->base = arg_str(in, "base");
    out->vcpu = 1;
    out->memory_mib = 256;
    arg_int(in, "vcpu", &out->vcpu);
    arg_int(in, "memory", &out->memory_mib);
    /* createVm takes the SDL defaults; updateVm changes only what was given. */
    out->vcpu_given = gql_val_given(in, "vcpu");
    out->memory_given = gql_val_given(in, "memory");
    const char *keys[2] = {"devIDs", "thingIDs"};
    for (int k = 0; k < 2; k++) {
        const gql_val *l = gql_val_get(in, keys[k]);
        if (!l || l->kind != GQL_VAL_LIST)
            continue;
        int64_t *ids = gql_arena_alloc(info->arena, (l->u.list.n ? l->u.list.n : 1) * sizeof *ids);
        for (size_t i = 0; i < l->u.list.n; i++) {
            if (l->u.list.items[i].kind != GQL_VAL_INT || l->u.list.items[i].u.i <= 0) {
                *err = fail(info, CORE_NOT_FOUND, k ? "no such thing" : "no such device");
                return false;
            }
            ids[i] = l->u.list.items[i].u.i;
        }
        if (k == 0) {
            out->dev_ids = ids;
            out->ndev = l->u.list.n;
        } else {
            out->thing_ids = ids;
            out->nthing = l->u.list.n;
        }
    }
    const gql_val *cfg = gql_val_get(in, "config");
    if (cfg && cfg->kind == GQL_VAL_OBJECT) {
        out->config_given = true;
        out->cfg_user = arg_str(cfg, "user");
        out->cfg_password = arg_str(cfg, "password");
        out->hostname = arg_str(cfg, "hostname");
        out->user_given = gql_val_given(cfg, "user");
        out->password_given = gql_val_given(cfg, "password");
        out->hostname_given = gql_val_given(cfg, "hostname");
        out->user_data_given = gql_val_given(cfg, "userData");
        out->ssh_keys =
            str_list(info, gql_val_get(cfg, "sshKeys"), &out->nssh_keys, &out->ssh_keys_given);
        out->packages =
            str_list(info, gql_val_get(cfg, "packages"), &out->npackages, &out->packages_given);
        const gql_val *ud = gql_val_get(cfg, "userData");
        if (ud && ud->kind == GQL_VAL_STRING) {
            out->user_data = ud->u.s.ptr;
            out->user_data_len = ud->u.s.len;
        }
    }
    const char *fw = arg_str(in, "firmware");
    out->uefi = fw && strcmp(fw, "UEFI") == 0;
    out->firmware_given = fw != NULL;
    return true;
}

static gql_rv m_createVm(void *p, const gql_val *args, gql_info *info)
{
    core_vm_input in;
    gql_rv err;
    if (!vm_input(info, gql_val_get(args, "vm"), &in, &err))
        return err;
    store_vm v;
    core_code rc = core_vm_create(K(info), &in, &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_updateVm(void *p, const gql_val *args, gql_info *info)
{
    core_vm_input in;
    gql_rv err;
    if (!vm_input(info, gql_val_get(args, "vm"), &in, &err))
        return err;
    store_vm v;
    core_code rc = core_vm_update(K(info), &in, &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_deleteVm(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_vm_delete(K(info), arg_id(args, "userID"), arg_id(args, "vmID"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_powerON(void *p, const gql_val *args, gql_info *info)
{
    store_vm v;
    core_code rc = core_vm_power_on(K(info), arg_id(args, "vmID"), &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_powerOFF(void *p, const gql_val *args, gql_info *info)
{
    store_vm v;
    core_code rc = core_vm_power_off(K(info), arg_id(args, "vmID"), &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_pauseVM(void *p, const gql_val *args, gql_info *info)
{
    store_vm v;
    core_code rc = core_vm_pause(K(info), arg_id(args, "vmID"), &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_resumeVM(void *p, const gql_val *args, gql_info *info)
{
    store_vm v;
    core_code rc = core_vm_resume(K(info), arg_id(args, "vmID"), &v);
    return rc ? failk(info, rc) : gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv m_forceOFF(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_vm_force_off(K(info), arg_id(args, "vmID"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_destroyVM(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_vm_destroy(K(info), arg_id(args, "vmID"), false);
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_forceDestroyVM(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_vm_destroy(K(info), arg_id(args, "vmID"), true);
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_attachDevice(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_dev_attach(K(info), arg_id(args, "devID"), arg_id(args, "vmID"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_detachDevice(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_dev_detach(K(info), arg_id(args, "devID"), arg_id(args, "vmID"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

/* ---- Mutations: things ------------------------------------------------------ */

/* ThingSecurity: -1 not given, 0 NOSEC, 1 PSK. */
static int arg_security(const gql_val *t, const char *key)
{
    const char *s = arg_str(t, key);
    return !s ? -1 : strcmp(s, "PSK") == 0 ? 1 : 0;
}

/* The LwM2M fields of ThingInput / ThingUpdate. An out-of-range Int is
 * passed on as such (core says what the range is). */
static void arg_lwm2m(const gql_val *t, core_thing_lwm2m *l)
{
    core_thing_lwm2m_init(l);
    l->endpoint = arg_str(t, "endpoint");
    l->security = arg_security(t, "security");
    l->psk_identity = arg_str(t, "pskIdentity");
    l->psk_key = arg_str(t, "pskKey");
    l->server_security = arg_security(t, "serverSecurity");
    l->server_psk_identity = arg_str(t, "serverPskIdentity");
    l->server_psk_key = arg_str(t, "serverPskKey");
    int64_t v;
    if (arg_int(t, "shortServerId", &v))
        l->short_server_id = v ? v : -1;
    if (arg_int(t, "lifetime", &v))
        l->lifetime = v ? v : -1;
    l->binding = arg_str(t, "binding");
}

static gql_rv m_createThing(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *t = gql_val_get(args, "thing");
    store_thing out;
    core_thing_lwm2m l;
    arg_lwm2m(t, &l);
    core_code rc = core_thing_create2(K(info), arg_str(t, "name"), arg_str(t, "info"),
                                      arg_str(t, "server"), 0, &l, &out);
    return rc ? failk(info, rc) : gql_rv_object(thing_copy(info, &out), "Thing");
}

static gql_rv m_createThingVm(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *t = gql_val_get(args, "thing");
    store_thing out;
    core_thing_lwm2m l;
    arg_lwm2m(t, &l);
    core_code rc = core_thing_create2(K(info), arg_str(t, "name"), arg_str(t, "info"), NULL,
                                      arg_id(args, "vmID"), &l, &out);
    return rc ? failk(info, rc) : gql_rv_object(thing_copy(info, &out), "Thing");
}

static gql_rv m_updateThing(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *t = gql_val_get(args, "thing");
    store_thing out;
    core_thing_lwm2m l;
    arg_lwm2m(t, &l);
    core_code rc = core_thing_update(K(info), arg_id(args, "id"), arg_str(t, "name"),
                                     arg_str(t, "info"), arg_str(t, "server"), &l, &out);
    return rc ? failk(info, rc) : gql_rv_object(thing_copy(info, &out), "Thing");
}

static gql_rv m_deleteThing(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_thing_delete(K(info), arg_id(args, "id"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_attachThing(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_thing_attach(K(info), arg_id(args, "thingID"), arg_id(args, "vmID"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

/* ---- Mutations: accounts ---------------------------------------------------- */

typedef struct login_payload {
    const char *token;
    int64_t expires_at;
    int64_t uid;
} login_payload;

static gql_rv m_login(void *p, const gql_val *args, gql_info *info)
{
    api_ctx *x = info->context;
    char token[44];
    int64_t expires = 0, retry = 0;
    core_code rc = core_login(&x->k, arg_str(args, "name"), arg_str(args, "password"), x->addr,
                              token, &expires, &retry);
    if (rc) {
        gql_rv r = failk(info, rc);
        if (retry > 0)
            r.u.err.extensions_json =
                gql_arena_printf(info->arena, "{\"code\":\"UNAUTHENTICATED\",\"retryAfter\":%lld}",
                                 (long long)retry);
        return r;
    }
    login_payload *lp = gql_arena_alloc(info->arena, sizeof *lp);
    lp->token = gql_arena_strdup(info->arena, token);
    sodium_memzero(token, sizeof token);
    lp->expires_at = expires;
    lp->uid = x->k.uid;
    return gql_rv_object(lp, "LoginPayload");
}

static gql_rv r_login_token(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((login_payload *)p)->token);
}

static gql_rv r_login_expires(void *p, const gql_val *args, gql_info *info)
{
    return time_rv(info, ((login_payload *)p)->expires_at);
}

static gql_rv r_login_user(void *p, const gql_val *args, gql_info *info)
{
    return user_rv(info, ((login_payload *)p)->uid);
}

static gql_rv m_logout(void *p, const gql_val *args, gql_info *info)
{
    api_ctx *x = info->context;
    bool ended = false;
    core_code rc = core_logout(&x->k, x->token, &ended);
    /* An API token is not a session (revokeToken ends it): false. */
    return rc ? failk(info, rc) : gql_rv_bool(ended);
}

static gql_rv m_createUser(void *p, const gql_val *args, gql_info *info)
{
    const char *role = arg_str(args, "role");
    store_role r = role && strcmp(role, "ADMIN") == 0 ? STORE_ROLE_ADMIN : STORE_ROLE_USER;
    store_user u;
    core_code rc =
        core_user_create(K(info), arg_str(args, "name"), arg_str(args, "password"), r, &u);
    return rc ? failk(info, rc) : gql_rv_object(user_copy(info, &u), "User");
}

static gql_rv m_deleteUser(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_user_delete(K(info), arg_id(args, "id"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_setPassword(void *p, const gql_val *args, gql_info *info)
{
    int64_t id = 0;
    const char *uid = arg_str(args, "userID");
    if (uid && !store_id_parse(uid, &id))
        return fail(info, CORE_NOT_FOUND, "no such user");
    core_code rc =
        core_password_set(K(info), id, arg_str(args, "oldPassword"), arg_str(args, "newPassword"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

static gql_rv m_setQuota(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *in = gql_val_get(args, "quota");
    store_quota q = {-1, -1, -1, -1};
    arg_int(in, "vms", &q.max_vms);
    arg_int(in, "vcpus", &q.max_vcpus);
    arg_int(in, "memory", &q.max_memory_mib);
    arg_int(in, "devices", &q.max_devices);
    int64_t id = arg_id(args, "userID");
    core_code rc = core_quota_set(K(info), id, &q);
    if (rc)
        return failk(info, rc);
    store_quota *o = gql_arena_alloc(info->arena, sizeof *o);
    rc = core_quota_get(K(info), id, o);
    return rc ? failk(info, rc) : gql_rv_object(o, "Quota");
}

typedef struct new_token {
    store_token *t;
    const char *secret;
} new_token;

static gql_rv m_createToken(void *p, const gql_val *args, gql_info *info)
{
    int64_t expires_in = 0;
    const gql_val *e = gql_val_get(args, "expiresIn");
    if (e && e->kind == GQL_VAL_INT && (expires_in = e->u.i) <= 0)
        return fail(info, CORE_BAD_USER_INPUT, "expiresIn must be a positive number of seconds");
    char secret[44];
    store_token t;
    core_code rc = core_token_create(K(info), arg_str(args, "name"), expires_in, secret, &t);
    if (rc)
        return failk(info, rc);
    new_token *nt = gql_arena_alloc(info->arena, sizeof *nt);
    nt->t = token_copy(info, &t);
    nt->secret = gql_arena_strdup(info->arena, secret);
    sodium_memzero(secret, sizeof secret);
    return gql_rv_object(nt, "NewApiToken");
}

static gql_rv r_newtoken_token(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_object(((new_token *)p)->t, "ApiToken");
}

static gql_rv r_newtoken_secret(void *p, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((new_token *)p)->secret);
}

static gql_rv m_revokeToken(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_token_revoke(K(info), arg_id(args, "id"));
    return rc ? failk(info, rc) : gql_rv_bool(true);
}

/* ---- Object fields ---------------------------------------------------------- */

#define VM(p) ((store_vm *)(p))
#define USER(p) ((store_user *)(p))
#define DEV(p) ((store_dev *)(p))
#define THING(p) ((store_thing *)(p))

static gql_rv f_user_id(void *p, const gql_val *a, gql_info *info)
{
    return id_rv(info, USER(p)->id);
}
static gql_rv f_user_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(USER(p)->name);
}
static gql_rv f_user_role(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(USER(p)->role == STORE_ROLE_ADMIN ? "ADMIN" : "USER");
}
static gql_rv f_user_created(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, USER(p)->created_at);
}

static gql_rv f_user_vms(void *p, const gql_val *a, gql_info *info)
{
    store_vm *list;
    size_t n;
    core_code rc = core_vm_list(K(info), USER(p)->id, &list, &n);
    return rc ? failk(info, rc) : vms_rv(info, list, n);
}

static gql_rv f_user_vmsconn(void *p, const gql_val *a, gql_info *info)
{
    return vm_conn(info, USER(p)->id, a);
}

static gql_rv f_user_things(void *p, const gql_val *a, gql_info *info)
{
    store_thing *list;
    size_t n;
    core_code rc = core_thing_list(K(info), USER(p)->id, 0, &list, &n);
    return rc ? failk(info, rc) : things_rv(info, list, n);
}

static gql_rv f_user_quota(void *p, const gql_val *a, gql_info *info)
{
    store_quota *q = gql_arena_alloc(info->arena, sizeof *q);
    core_code rc = core_quota_get(K(info), USER(p)->id, q);
    return rc ? failk(info, rc) : gql_rv_object(q, "Quota");
}

static gql_rv f_user_usage(void *p, const gql_val *a, gql_info *info)
{
    store_usage *u = gql_arena_alloc(info->arena, sizeof *u);
    core_code rc = core_usage_get(K(info), USER(p)->id, u);
    return rc ? failk(info, rc) : gql_rv_object(u, "Usage");
}

static gql_rv limit_rv(int64_t v)
{
    return v < 0 ? gql_rv_null() : gql_rv_int(v);
}
static gql_rv f_quota_vms(void *p, const gql_val *a, gql_info *info)
{
    return limit_rv(((store_quota *)p)->max_vms);
}
static gql_rv f_quota_vcpus(void *p, const gql_val *a, gql_info *info)
{
    return limit_rv(((store_quota *)p)->max_vcpus);
}
static gql_rv f_quota_memory(void *p, const gql_val *a, gql_info *info)
{
    return limit_rv(((store_quota *)p)->max_memory_mib);
}
static gql_rv f_quota_devices(void *p, const gql_val *a, gql_info *info)
{
    return limit_rv(((store_quota *)p)->max_devices);
}
static gql_rv f_usage_vms(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(((store_usage *)p)->vms);
}
static gql_rv f_usage_vcpus(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(((store_usage *)p)->vcpus);
}
static gql_rv f_usage_memory(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(((store_usage *)p)->memory_mib);
}
static gql_rv f_usage_devices(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(((store_usage *)p)->devices);
}

static gql_rv f_vm_id(void *p, const gql_val *a, gql_info *info)
{
    return id_rv(info, VM(p)->id);
}
static gql_rv f_vm_owner(void *p, const gql_val *a, gql_info *info)
{
    return user_rv(info, VM(p)->owner_id);
}
static gql_rv f_vm_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(VM(p)->name);
}
static gql_rv f_vm_base(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(VM(p)->base);
}
static gql_rv f_vm_vcpu(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(VM(p)->vcpu);
}
static gql_rv f_vm_memory(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(VM(p)->memory_mib);
}
static gql_rv f_vm_state(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(store_vm_state_name(VM(p)->state));
}
static gql_rv f_vm_uuid(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(VM(p)->uuid);
}
static gql_rv f_vm_created(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, VM(p)->created_at);
}
static gql_rv f_vm_cfguser(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(VM(p)->cfg_user);
}

static gql_rv f_vm_hostname(void *p, const gql_val *a, gql_info *info)
{
    if (VM(p)->cfg_hostname)
        return gql_rv_str(VM(p)->cfg_hostname);
    char host[64];
    core_hostname_of(VM(p)->name, host);
    return gql_rv_str(adup(info, host));
}
static gql_rv f_vm_sshkeys(void *p, const gql_val *a, gql_info *info)
{
    size_t n = 0;
    char **keys = core_lines_split(VM(p)->cfg_ssh_keys, &n);
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_str(adup(info, keys[i]));
    core_lines_free(keys);
    return list_rv(info, items, n);
}
static gql_rv f_vm_firmware(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(VM(p)->uefi ? "UEFI" : "BIOS");
}

static gql_rv f_vm_ip(void *p, const gql_val *a, gql_info *info)
{
    char *ip = core_vm_ip(K(info), VM(p));
    gql_rv r = gql_rv_str(adup(info, ip));
    free(ip);
    return r;
}

/* Every device, once per request; each VM picks its own. */
static gql_rv f_vm_dev(void *p, const gql_val *a, gql_info *info)
{
    memo *m = M(info);
    if (!m->devs_loaded) {
        store_dev *list;
        size_t n;
        core_code rc = core_dev_list(K(info), 0, false, &list, &n);
        if (rc)
            return failk(info, rc);
        m->devs = gql_arena_alloc(info->arena, (n ? n : 1) * sizeof *m->devs);
        for (size_t i = 0; i < n; i++)
            m->devs[i] = *dev_copy(info, &list[i]);
        free(list);
        m->ndevs = n;
        m->devs_loaded = true;
    }
    gql_rv *items = items_new(info, m->ndevs);
    size_t k = 0;
    for (size_t i = 0; i < m->ndevs; i++)
        if (m->devs[i].vm_id == VM(p)->id)
            items[k++] = gql_rv_object(&m->devs[i], "Hostdev");
    return list_rv(info, items, k);
}

/* Every thing of the VM's owner, once per request and owner. */
static gql_rv f_vm_things(void *p, const gql_val *a, gql_info *info)
{
    memo *m = M(info);
    if (m->things_owner != VM(p)->owner_id) {
        store_thing *list;
        size_t n;
        core_code rc = core_thing_list(K(info), VM(p)->owner_id, 0, &list, &n);
        if (rc)
            return failk(info, rc);
        m->things = gql_arena_alloc(info->arena, (n ? n : 1) * sizeof *m->things);
        for (size_t i = 0; i < n; i++)
            m->things[i] = *thing_copy(info, &list[i]);
        free(list);
        m->nthings = n;
        m->things_owner = VM(p)->owner_id;
    }
    gql_rv *items = items_new(info, m->nthings);
    size_t k = 0;
    for (size_t i = 0; i < m->nthings; i++)
        if (m->things[i].vm_id == VM(p)->id)
            items[k++] = gql_rv_object(&m->things[i], "Thing");
    return list_rv(info, items, k);
}

static gql_rv f_vm_pending(void *p, const gql_val *a, gql_info *info)
{
    bool vcpu, mem;
    core_vm_pending(K(info), VM(p), &vcpu, &mem);
    gql_rv *items = items_new(info, 3);
    size_t n = 0;
    if (vcpu)
        items[n++] = gql_rv_str("vcpu");
    if (mem)
        items[n++] = gql_rv_str("memory");
    /* Settings the guest gets from a rebuilt seed at its next boot. */
    if (VM(p)->seed_stale)
        items[n++] = gql_rv_str("config");
    return list_rv(info, items, n);
}

static gql_rv f_dev_id(void *p, const gql_val *a, gql_info *info)
{
    return id_rv(info, DEV(p)->id);
}
static gql_rv f_dev_bus(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(gql_arena_printf(info->arena, "%03lld", (long long)DEV(p)->bus));
}
static gql_rv f_dev_device(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(gql_arena_printf(info->arena, "%03lld", (long long)DEV(p)->device));
}
static gql_rv f_dev_info(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(DEV(p)->info);
}
static gql_rv f_dev_vendor(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(DEV(p)->vendor_id);
}
static gql_rv f_dev_product(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(DEV(p)->product_id);
}
static gql_rv f_dev_serial(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(DEV(p)->serial);
}
static gql_rv f_dev_port(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(DEV(p)->port);
}
static gql_rv f_dev_present(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(DEV(p)->present);
}

/* Devices are visible to all; the VM holding one only to whoever may see
 * that VM (anyone else sees null, as for no VM). */
static gql_rv f_dev_vm(void *p, const gql_val *a, gql_info *info)
{
    store_vm v;
    if (!DEV(p)->vm_id || core_vm_get(K(info), DEV(p)->vm_id, &v) != CORE_OK)
        return gql_rv_null();
    return gql_rv_object(vm_copy(info, &v), "Vm");
}

/* In use by any VM; says nothing of which or whose. */
static gql_rv f_dev_in_use(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(DEV(p)->vm_id != 0);
}

static gql_rv f_thing_id(void *p, const gql_val *a, gql_info *info)
{
    return id_rv(info, THING(p)->id);
}
static gql_rv f_thing_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->name);
}
static gql_rv f_thing_info(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->info);
}
static gql_rv f_thing_state(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(store_thing_state_name(THING(p)->state));
}
static gql_rv f_thing_boot(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, THING(p)->last_bootstrap_at);
}
static gql_rv f_thing_err(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->last_error);
}
static gql_rv f_thing_ep(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->endpoint);
}

static gql_rv f_thing_sec(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->psk_identity ? "PSK" : "NOSEC");
}
static gql_rv f_thing_pskid(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->psk_identity);
}
static gql_rv f_thing_srvsec(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->server_psk_identity ? "PSK" : "NOSEC");
}
static gql_rv f_thing_srvpskid(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->server_psk_identity);
}
static gql_rv f_thing_ssid(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(THING(p)->short_server_id);
}
static gql_rv f_thing_lifetime(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(THING(p)->lifetime);
}
static gql_rv f_thing_binding(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(THING(p)->binding);
}

static gql_rv f_thing_vm(void *p, const gql_val *a, gql_info *info)
{
    store_vm v;
    if (!THING(p)->vm_id || core_vm_get(K(info), THING(p)->vm_id, &v) != CORE_OK)
        return gql_rv_null();
    return gql_rv_object(vm_copy(info, &v), "Vm");
}

static gql_rv f_img_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(((drv_image *)p)->name);
}
static gql_rv f_img_format(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(((drv_image *)p)->format);
}
static gql_rv f_img_cap(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_float((double)((drv_image *)p)->capacity_bytes);
}

#define HOST(p) ((drv_host_info *)(p))
static gql_rv f_host_virt(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(drv_virt_name(HOST(p)->virt));
}
static gql_rv f_host_cpus(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(HOST(p)->cpus);
}
static gql_rv f_host_mem(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_float((double)HOST(p)->memory_mib);
}
static gql_rv f_host_free(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_float((double)HOST(p)->free_memory_mib);
}
static gql_rv f_host_warn(void *p, const gql_val *a, gql_info *info)
{
    return HOST(p)->warning[0] ? gql_rv_str(adup(info, HOST(p)->warning)) : gql_rv_null();
}

#define TOK(p) ((store_token *)(p))
static gql_rv f_tok_id(void *p, const gql_val *a, gql_info *info)
{
    return id_rv(info, TOK(p)->id);
}
static gql_rv f_tok_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(TOK(p)->name);
}
static gql_rv f_tok_created(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, TOK(p)->created_at);
}
static gql_rv f_tok_expires(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, TOK(p)->expires_at);
}
static gql_rv f_tok_revoked(void *p, const gql_val *a, gql_info *info)
{
    return time_rv(info, TOK(p)->revoked_at);
}

/* ---- Binding ------------------------------------------------------------------ */

typedef api_binding binding;

static const binding bindings[] = {
    {"Query", "getUser", q_getUser},
    {"Query", "getUsers", q_getUsers},
    {"Query", "getVm", q_getVm},
    {"Query", "getDev", q_getDev},
    {"Query", "getThing", q_getThing},
    {"Query", "getVms", q_getVms},
    {"Query", "getUsb", q_getUsb},
    {"Query", "getThings", q_getThings},
    {"Query", "me", q_me},
    {"Query", "images", q_images},
    {"Query", "host", q_host},
    {"Query", "tokens", q_tokens},
    {"Query", "vmsConnection", q_vmsConnection},
    {"Query", "thingsConnection", q_thingsConnection},
    {"Query", "usersConnection", q_usersConnection},
    {"Mutation", "createVm", m_createVm},
    {"Mutation", "updateVm", m_updateVm},
    {"Mutation", "deleteVm", m_deleteVm},
    {"Mutation", "createThing", m_createThing},
    {"Mutation", "createThingVm", m_createThingVm},
    {"Mutation", "attachThing", m_attachThing},
    {"Mutation", "updateThing", m_updateThing},
    {"Mutation", "deleteThing", m_deleteThing},
    {"Mutation", "attachDevice", m_attachDevice},
    {"Mutation", "detachDevice", m_detachDevice},
    {"Mutation", "powerON", m_powerON},
    {"Mutation", "powerOFF", m_powerOFF},
    {"Mutation", "pauseVM", m_pauseVM},
    {"Mutation", "resumeVM", m_resumeVM},
    {"Mutation", "destroyVM", m_destroyVM},
    {"Mutation", "forceDestroyVM", m_forceDestroyVM},
    {"Mutation", "forceOFF", m_forceOFF},
    {"Mutation", "login", m_login},
    {"Mutation", "logout", m_logout},
    {"Mutation", "createUser", m_createUser},
    {"Mutation", "deleteUser", m_deleteUser},
    {"Mutation", "importImage", m_importImage},
    {"Mutation", "deleteImage", m_deleteImage},
    {"Mutation", "setPassword", m_setPassword},
    {"Mutation", "setQuota", m_setQuota},
    {"Mutation", "createToken", m_createToken},
    {"Mutation", "revokeToken", m_revokeToken},
    {"User", "id", f_user_id},
    {"User", "name", f_user_name},
    {"User", "role", f_user_role},
    {"User", "createdAt", f_user_created},
    {"User", "vms", f_user_vms},
    {"User", "vmsConnection", f_user_vmsconn},
    {"User", "things", f_user_things},
    {"User", "quota", f_user_quota},
    {"User", "usage", f_user_usage},
    {"Quota", "vms", f_quota_vms},
    {"Quota", "vcpus", f_quota_vcpus},
    {"Quota", "memory", f_quota_memory},
    {"Quota", "devices", f_quota_devices},
    {"Usage", "vms", f_usage_vms},
    {"Usage", "vcpus", f_usage_vcpus},
    {"Usage", "memory", f_usage_memory},
    {"Usage", "devices", f_usage_devices},
    {"Vm", "id", f_vm_id},
    {"Vm", "owner", f_vm_owner},
    {"Vm", "name", f_vm_name},
    {"Vm", "base", f_vm_base},
    {"Vm", "vcpu", f_vm_vcpu},
    {"Vm", "memory", f_vm_memory},
    {"Vm", "ip", f_vm_ip},
    {"Vm", "state", f_vm_state},
    {"Vm", "dev", f_vm_dev},
    {"Vm", "things", f_vm_things},
    {"Vm", "uuid", f_vm_uuid},
    {"Vm", "createdAt", f_vm_created},
    {"Vm", "configUser", f_vm_cfguser},
    {"Vm", "hostname", f_vm_hostname},
    {"Vm", "sshKeys", f_vm_sshkeys},
    {"Vm", "firmware", f_vm_firmware},
    {"Vm", "pendingChanges", f_vm_pending},
    {"Hostdev", "id", f_dev_id},
    {"Hostdev", "bus", f_dev_bus},
    {"Hostdev", "device", f_dev_device},
    {"Hostdev", "info", f_dev_info},
    {"Hostdev", "vendorId", f_dev_vendor},
    {"Hostdev", "productId", f_dev_product},
    {"Hostdev", "serial", f_dev_serial},
    {"Hostdev", "port", f_dev_port},
    {"Hostdev", "present", f_dev_present},
    {"Hostdev", "vm", f_dev_vm},
    {"Hostdev", "inUse", f_dev_in_use},
    {"Thing", "id", f_thing_id},
    {"Thing", "name", f_thing_name},
    {"Thing", "info", f_thing_info},
    {"Thing", "state", f_thing_state},
    {"Thing", "vm", f_thing_vm},
    {"Thing", "lastBootstrapAt", f_thing_boot},
    {"Thing", "lastError", f_thing_err},
    {"Thing", "endpoint", f_thing_ep},
    {"Thing", "security", f_thing_sec},
    {"Thing", "pskIdentity", f_thing_pskid},
    {"Thing", "serverSecurity", f_thing_srvsec},
    {"Thing", "serverPskIdentity", f_thing_srvpskid},
    {"Thing", "shortServerId", f_thing_ssid},
    {"Thing", "lifetime", f_thing_lifetime},
    {"Thing", "binding", f_thing_binding},
    {"Image", "name", f_img_name},
    {"Image", "format", f_img_format},
    {"Image", "capacity", f_img_cap},
    {"Host", "virtualization", f_host_virt},
    {"Host", "cpus", f_host_cpus},
    {"Host", "memory", f_host_mem},
    {"Host", "freeMemory", f_host_free},
    {"Host", "warning", f_host_warn},
    {"ApiToken", "id", f_tok_id},
    {"ApiToken", "name", f_tok_name},
    {"ApiToken", "createdAt", f_tok_created},
    {"ApiToken", "expiresAt", f_tok_expires},
    {"ApiToken", "revokedAt", f_tok_revoked},
    {"NewApiToken", "token", r_newtoken_token},
    {"NewApiToken", "secret", r_newtoken_secret},
    {"LoginPayload", "token", r_login_token},
    {"LoginPayload", "expiresAt", r_login_expires},
    {"LoginPayload", "user", r_login_user},
    {"UserVmConnection", "totalCount", r_conn_total},
    {"UserVmConnection", "edges", r_conn_edges},
    {"UserVmConnection", "pageInfo", r_conn_page},
    {"ThingConnection", "totalCount", r_conn_total},
    {"ThingConnection", "edges", r_conn_edges},
    {"ThingConnection", "pageInfo", r_conn_page},
    {"UserConnection", "totalCount", r_conn_total},
    {"UserConnection", "edges", r_conn_edges},
    {"UserConnection", "pageInfo", r_conn_page},
    {"UserVmEdge", "cursor", r_edge_cursor},
    {"UserVmEdge", "node", r_edge_node},
    {"ThingEdge", "cursor", r_edge_cursor},
    {"ThingEdge", "node", r_edge_node},
    {"UserEdge", "cursor", r_edge_cursor},
    {"UserEdge", "node", r_edge_node},
    {"PageInfo", "startCursor", r_page_start},
    {"PageInfo", "endCursor", r_page_end},
    {"PageInfo", "hasNextPage", r_page_next},
    {"PageInfo", "hasPreviousPage", r_page_prev},
};

/* Every mutation runs through here: the memo is emptied first, so that
 * nothing read before the mutation is shown as after it. */
static gql_rv m_forget(void *p, const gql_val *args, gql_info *info)
{
    memo *m = M(info);
    memset(m, 0, sizeof *m);
    m->arena = info->arena;
    gql_resolve_fn fn = (gql_resolve_fn)info->field_data;
    return fn(p, args, info);
}

api *api_new(core *c, char **err)
{
    *err = NULL;
    gql_schema *s = gql_schema_build(api_schema_sdl, strlen(api_schema_sdl), err);
    if (!s)
        return NULL;
    size_t nown = sizeof bindings / sizeof *bindings;
    for (size_t i = 0; i < nown + accel_api_nbindings; i++) {
        const binding *b = i < nown ? &bindings[i] : (const binding *)&accel_api_bindings[i - nown];
        bool mutation = !strcmp(b->type, "Mutation");
        gql_resolve_fn fn = mutation ? m_forget : b->fn;
        if (gql_schema_bind(s, b->type, b->field, fn, mutation ? (void *)b->fn : NULL) != 0) {
            if (asprintf(err, "api: no field %s.%s in the SDL", b->type, b->field) < 0)
                abort();
            gql_schema_free(s);
            return NULL;
        }
    }
    api *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->c = c;
    a->schema = s;
    return a;
}

void api_free(api *a)
{
    if (!a)
        return;
    gql_schema_free(a->schema);
    free(a);
}

const gql_schema *api_schema(const api *a)
{
    return a->schema;
}

static api_ctx *ctx_alloc(api *a, const char *addr)
{
    api_ctx *x = calloc(1, sizeof *x);
    if (!x)
        abort();
    x->a = a;
    core_call_init(&x->k, a->c);
    snprintf(x->addr, sizeof x->addr, "%s", addr ? addr : "");
    return x;
}

api_ctx *api_ctx_new(api *a, const char *session, const char *bearer, const char *addr,
                     bool anonymous)
{
    bool creds = (session && *session) || (bearer && *bearer);
    if (!creds && !anonymous)
        return NULL;
    api_ctx *x = ctx_alloc(a, addr);
    if (!x->k.st) {
        free(x);
        return NULL;
    }
    if (creds) {
        if (core_authenticate(&x->k, session, bearer) != CORE_OK) {
            free(x);
            return NULL;
        }
        x->token = strdup(session && *session ? session : bearer);
    }
    return x;
}

api_ctx *api_ctx_for_user(api *a, int64_t uid)
{
    api_ctx *x = ctx_alloc(a, "127.0.0.1");
    if (uid && core_become(&x->k, uid) != CORE_OK) {
        free(x);
        return NULL;
    }
    return x;
}

void api_ctx_free(api_ctx *x)
{
    if (!x)
        return;
    if (x->token) {
        sodium_memzero(x->token, strlen(x->token));
        free(x->token);
    }
    free(x);
}

/* ---- The HTTP seam ---------------------------------------------------------------- */

static void *h_begin(void *ud, const char *session, const char *bearer, const char *addr,
                     bool anonymous)
{
    return api_ctx_new(ud, session, bearer, addr, anonymous);
}

static void h_end(void *ud, void *ctx)
{
    api_ctx_free(ctx);
}

static http_login_status h_login(void *ud, const char *name, const char *password, const char *addr,
                                 char **token, int64_t *max_age, int64_t *retry_after)
{
    api *a = ud;
    core_call k;
    core_call_init(&k, a->c);
    char tok[44];
    int64_t expires = 0;
    *token = NULL;
    core_code rc = core_login(&k, name, password, addr, tok, &expires, retry_after);
    if (rc == CORE_OK) {
        *token = strdup(tok);
        sodium_memzero(tok, sizeof tok);
        *max_age = expires - (int64_t)time(NULL);
        return HTTP_LOGIN_OK;
    }
    if (rc == CORE_UNAUTHENTICATED)
        return *retry_after > 0 ? HTTP_LOGIN_THROTTLED : HTTP_LOGIN_DENIED;
    return HTTP_LOGIN_ERROR;
}

static void h_logout(void *ud, const char *token)
{
    api *a = ud;
    core_call k;
    core_call_init(&k, a->c);
    if (core_authenticate(&k, token, NULL) == CORE_OK) {
        bool ended;
        core_logout(&k, token, &ended);
    }
}

static void h_metrics(void *ud, gql_buf *out)
{
    api *a = ud;
    int64_t vms[7], things[4];
    core_counts(a->c, vms, things);
    gql_buf_puts(out, "# HELP epfiot_vms Virtual machines by state.\n# TYPE epfiot_vms gauge\n");
    for (int i = 0; i < 7; i++)
        gql_buf_printf(out, "epfiot_vms{state=\"%s\"} %lld\n",
                       store_vm_state_name((store_vm_state)i), (long long)vms[i]);
    gql_buf_puts(out, "# HELP epfiot_things Things by state.\n# TYPE epfiot_things gauge\n");
    for (int i = 0; i < 4; i++)
        gql_buf_printf(out, "epfiot_things{state=\"%s\"} %lld\n",
                       store_thing_state_name((store_thing_state)i), (long long)things[i]);
    accel_api_metrics(a->c, out);
}

void api_http_app(api *a, http_app *app)
{
    memset(app, 0, sizeof *app);
    app->ud = a;
    app->schema = a->schema;
    app->anonymous_fields = api_anonymous_fields;
    app->request_begin = h_begin;
    app->request_end = h_end;
    app->login = h_login;
    app->logout = h_logout;
    app->metrics = h_metrics;
    api_upload_hooks(app);
}

core_call *api_ctx_call(api_ctx *x)
{
    return &x->k;
}
