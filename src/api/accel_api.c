/* accel_api.c -- resolvers of the accelerator part of the SDL (the
 * "Accelerators as a shared resource" section of schema.graphql) on
 * core_accel.h. Like api.c: arguments parsed, one core call, results
 * copied into the request arena; no rule lives here. Devices are visible
 * to all, so everything that would name another tenant's VM or account
 * (holder, queue, events, held time) goes through the caller's own view:
 * a VM or user the caller may not see is null, "mine" says whose it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel_api.h"

#define DEV(p) ((store_dev *)(p))

static bool arg_int(const gql_val *args, const char *key, int64_t *out)
{
    const gql_val *v = gql_val_get(args, key);
    if (!v || v->kind != GQL_VAL_INT)
        return false;
    *out = v->u.i;
    return true;
}

static const char *arg_str(const gql_val *args, const char *key)
{
    const gql_val *v = gql_val_get(args, key);
    return v && v->kind == GQL_VAL_STRING ? v->u.s.ptr : NULL;
}

static gql_rv *items_new(gql_info *info, size_t n)
{
    return gql_arena_zalloc(info->arena, (n ? n : 1) * sizeof(gql_rv));
}

static gql_rv list_rv(gql_rv *items, size_t n)
{
    gql_rv r = {.kind = GQL_RV_LIST, .u.list = {items, n}};
    return r;
}

static char *adup(gql_info *info, const char *s)
{
    return s ? gql_arena_strdup(info->arena, s) : NULL;
}

/* Is this VM one of the caller's? (Admins: any VM counts as theirs to see,
 * but "mine" means their own.) */
static bool mine(gql_info *info, int64_t user_id)
{
    return user_id && user_id == api_call(info)->uid;
}

/* ---- Profiles ------------------------------------------------------------------ */

static store_accel_profile *profile_copy(gql_info *info, store_accel_profile *p)
{
    store_accel_profile *o = gql_arena_alloc(info->arena, sizeof *o);
    *o = *p;
    o->name = adup(info, p->name);
    o->ids = adup(info, p->ids);
    o->info = adup(info, p->info);
    store_accel_profile_clear(p);
    return o;
}

static gql_rv q_deviceProfiles(void *p, const gql_val *args, gql_info *info)
{
    store_accel_profile *list;
    size_t n;
    core_code rc = core_accel_profiles(api_call(info), &list, &n);
    if (rc)
        return api_fail(info, rc);
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++)
        items[i] = gql_rv_object(profile_copy(info, &list[i]), "DeviceProfile");
    free(list);
    return list_rv(items, n);
}

#define PROF(p) ((store_accel_profile *)(p))
static gql_rv f_prof_id(void *p, const gql_val *a, gql_info *info)
{
    return api_id(info, PROF(p)->id);
}
static gql_rv f_prof_name(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(PROF(p)->name);
}
static gql_rv f_prof_info(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(PROF(p)->info);
}
static gql_rv f_prof_builtin(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(PROF(p)->builtin);
}
static gql_rv f_prof_ids(void *p, const gql_val *a, gql_info *info)
{
    const char *s = PROF(p)->ids ? PROF(p)->ids : "";
    size_t n = *s ? 1 : 0;
    for (const char *c = s; *c; c++)
        n += *c == ',';
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        items[i] = gql_rv_str(gql_arena_printf(info->arena, "%.*s", (int)len, s));
        s = end ? end + 1 : s + len;
    }
    return list_rv(items, n);
}

static gql_rv m_createDeviceProfile(void *p, const gql_val *args, gql_info *info)
{
    const gql_val *ids = gql_val_get(args, "usbIDs");
    size_t n = ids && ids->kind == GQL_VAL_LIST ? ids->u.list.n : 0;
    const char **v = gql_arena_zalloc(info->arena, (n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const gql_val *e = &ids->u.list.items[i];
        v[i] = e->kind == GQL_VAL_STRING ? e->u.s.ptr : "";
    }
    store_accel_profile out;
    core_code rc = core_accel_profile_create(api_call(info), arg_str(args, "name"), v, n,
                                             arg_str(args, "info"), &out);
    return rc ? api_fail(info, rc) : gql_rv_object(profile_copy(info, &out), "DeviceProfile");
}

/* ---- Requests -------------------------------------------------------------------- */

static gql_rv m_acquireDevice(void *p, const gql_val *args, gql_info *info)
{
    int64_t lease = 0;
    arg_int(args, "leaseSeconds", &lease);
    const char *dev = arg_str(args, "devID");
    int64_t dev_id = api_arg_id(args, "devID");
    if (dev && !dev_id)
        dev_id = -1; /* malformed: an unknown device, not "none given" */
    core_accel_result *r = gql_arena_alloc(info->arena, sizeof *r);
    core_code rc = core_accel_acquire(api_call(info), api_arg_id(args, "vmID"),
                                      arg_str(args, "profile"), dev_id, lease, r);
    return rc ? api_fail(info, rc) : gql_rv_object(r, "DeviceRequest");
}

#define REQ(p) ((core_accel_result *)(p))
static gql_rv f_req_status(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(REQ(p)->queued ? "QUEUED" : "ATTACHED");
}
static gql_rv f_req_device(void *p, const gql_val *a, gql_info *info)
{
    return REQ(p)->dev_id ? api_dev_object(info, REQ(p)->dev_id) : gql_rv_null();
}
static gql_rv f_req_position(void *p, const gql_val *a, gql_info *info)
{
    return REQ(p)->queued ? gql_rv_int(REQ(p)->position) : gql_rv_null();
}
static gql_rv f_req_lease_end(void *p, const gql_val *a, gql_info *info)
{
    return api_time(info, REQ(p)->lease_end);
}

static gql_rv m_releaseDevice(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_accel_release(api_call(info), api_arg_id(args, "devID"));
    return rc ? api_fail(info, rc) : gql_rv_bool(true);
}

static gql_rv m_revokeDevice(void *p, const gql_val *args, gql_info *info)
{
    core_code rc = core_accel_revoke(api_call(info), api_arg_id(args, "devID"));
    return rc ? api_fail(info, rc) : gql_rv_bool(true);
}

static gql_rv m_leaveDeviceQueue(void *p, const gql_val *args, gql_info *info)
{
    int64_t n = 0;
    core_code rc = core_accel_cancel(api_call(info), api_arg_id(args, "vmID"), &n);
    return rc ? api_fail(info, rc) : gql_rv_int(n);
}

static gql_rv m_reserveDevice(void *p, const gql_val *args, gql_info *info)
{
    const char *user = arg_str(args, "userID");
    int64_t uid = api_arg_id(args, "userID");
    if (user && !uid)
        uid = -1;
    core_code rc = core_accel_reserve(api_call(info), api_arg_id(args, "devID"), uid);
    return rc ? api_fail(info, rc) : gql_rv_bool(true);
}

/* ---- Quotas ------------------------------------------------------------------------- */

typedef struct dquota {
    int64_t max_held, hours, used;
} dquota;

static gql_rv quota_rv(gql_info *info, int64_t uid)
{
    dquota *q = gql_arena_alloc(info->arena, sizeof *q);
    core_code rc = core_accel_quota_get(api_call(info), uid, &q->max_held, &q->hours, &q->used);
    return rc ? api_fail(info, rc) : gql_rv_object(q, "DeviceQuota");
}

static gql_rv m_setDeviceQuota(void *p, const gql_val *args, gql_info *info)
{
    int64_t held = -1, hours = -1;
    arg_int(args, "maxHeld", &held);
    arg_int(args, "hoursPerDay", &hours);
    int64_t uid = api_arg_id(args, "userID");
    core_code rc = core_accel_quota_set(api_call(info), uid, held, hours);
    return rc ? api_fail(info, rc) : quota_rv(info, uid);
}

static gql_rv f_user_dquota(void *p, const gql_val *a, gql_info *info)
{
    return quota_rv(info, ((store_user *)p)->id);
}

#define DQ(p) ((dquota *)(p))
static gql_rv f_dq_held(void *p, const gql_val *a, gql_info *info)
{
    return DQ(p)->max_held < 0 ? gql_rv_null() : gql_rv_int(DQ(p)->max_held);
}
static gql_rv f_dq_hours(void *p, const gql_val *a, gql_info *info)
{
    return DQ(p)->hours < 0 ? gql_rv_null() : gql_rv_int(DQ(p)->hours);
}
static gql_rv f_dq_used(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(DQ(p)->used);
}

/* ---- Hostdev fields ---------------------------------------------------------------- */

static gql_rv f_dev_profile(void *p, const gql_val *a, gql_info *info)
{
    char *name = core_accel_profile_of(api_call(info), DEV(p));
    gql_rv r = name ? gql_rv_str(adup(info, name)) : gql_rv_null();
    free(name);
    return r;
}

static store_accel_lease *lease_of(gql_info *info, int64_t dev_id, core_code *rc)
{
    store_accel_lease *l = gql_arena_alloc(info->arena, sizeof *l);
    bool held = false;
    *rc = core_accel_lease(api_call(info), dev_id, l, &held);
    return held ? l : NULL;
}

static gql_rv f_dev_holder(void *p, const gql_val *a, gql_info *info)
{
    core_code rc;
    store_accel_lease *l = lease_of(info, DEV(p)->id, &rc);
    if (rc)
        return api_fail(info, rc);
    return l ? gql_rv_object(l, "DeviceHolder") : gql_rv_null();
}

static gql_rv f_dev_lease_end(void *p, const gql_val *a, gql_info *info)
{
    core_code rc;
    store_accel_lease *l = lease_of(info, DEV(p)->id, &rc);
    if (rc)
        return api_fail(info, rc);
    return l ? api_time(info, l->lease_end) : gql_rv_null();
}

#define LEASE(p) ((store_accel_lease *)(p))
static gql_rv f_holder_mine(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(mine(info, LEASE(p)->user_id));
}
static gql_rv f_holder_vm(void *p, const gql_val *a, gql_info *info)
{
    return api_vm_visible(info, LEASE(p)->vm_id);
}
static gql_rv f_holder_since(void *p, const gql_val *a, gql_info *info)
{
    return api_time(info, LEASE(p)->since);
}
static gql_rv f_holder_end(void *p, const gql_val *a, gql_info *info)
{
    return api_time(info, LEASE(p)->lease_end);
}

typedef struct waiter {
    store_accel_wait w;
    int64_t position;
    char *profile;
} waiter;

static gql_rv f_dev_queue(void *p, const gql_val *a, gql_info *info)
{
    store_accel_wait *list;
    size_t n;
    core_code rc = core_accel_queue(api_call(info), DEV(p)->id, &list, &n);
    if (rc)
        return api_fail(info, rc);
    char *prof = NULL;
    for (size_t i = 0; i < n && !prof; i++)
        if (list[i].profile_id)
            prof = core_accel_profile_of(api_call(info), DEV(p));
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++) {
        waiter *w = gql_arena_alloc(info->arena, sizeof *w);
        w->w = list[i];
        w->position = (int64_t)i + 1;
        w->profile = list[i].profile_id ? adup(info, prof) : NULL;
        items[i] = gql_rv_object(w, "DeviceWaiter");
    }
    free(prof);
    free(list);
    return list_rv(items, n);
}

#define WAITER(p) ((waiter *)(p))
static gql_rv f_w_position(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(WAITER(p)->position);
}
static gql_rv f_w_mine(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(mine(info, WAITER(p)->w.user_id));
}
static gql_rv f_w_vm(void *p, const gql_val *a, gql_info *info)
{
    return api_vm_visible(info, WAITER(p)->w.vm_id);
}
static gql_rv f_w_profile(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(WAITER(p)->profile);
}
static gql_rv f_w_lease(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(WAITER(p)->w.lease_seconds);
}
static gql_rv f_w_since(void *p, const gql_val *a, gql_info *info)
{
    return api_time(info, WAITER(p)->w.enqueued_at);
}

static gql_rv f_dev_reserved(void *p, const gql_val *a, gql_info *info)
{
    int64_t uid = 0;
    core_code rc = core_accel_reservation(api_call(info), DEV(p)->id, &uid);
    return rc ? api_fail(info, rc) : gql_rv_bool(uid != 0);
}

static gql_rv f_dev_reserved_for(void *p, const gql_val *a, gql_info *info)
{
    int64_t uid = 0;
    core_code rc = core_accel_reservation(api_call(info), DEV(p)->id, &uid);
    return rc ? api_fail(info, rc) : api_user_visible(info, uid);
}

/* ---- Events -------------------------------------------------------------------------- */

static gql_rv events_rv(gql_info *info, int64_t dev_id, const gql_val *args)
{
    int64_t limit = 20;
    arg_int(args, "limit", &limit);
    store_accel_event *list;
    size_t n;
    core_code rc = core_accel_events(api_call(info), dev_id, limit, &list, &n);
    if (rc)
        return api_fail(info, rc);
    gql_rv *items = items_new(info, n);
    for (size_t i = 0; i < n; i++) {
        store_accel_event *e = gql_arena_alloc(info->arena, sizeof *e);
        *e = list[i];
        e->kind = adup(info, list[i].kind);
        e->detail = adup(info, list[i].detail);
        items[i] = gql_rv_object(e, "DeviceEvent");
    }
    store_accel_event_list_free(list, n);
    return list_rv(items, n);
}

static gql_rv q_deviceEvents(void *p, const gql_val *args, gql_info *info)
{
    const char *dev = arg_str(args, "devID");
    int64_t id = api_arg_id(args, "devID");
    if (dev && !id)
        id = -1;
    return events_rv(info, id, args);
}

static gql_rv f_dev_events(void *p, const gql_val *a, gql_info *info)
{
    return events_rv(info, DEV(p)->id, a);
}

#define EV(p) ((store_accel_event *)(p))
static gql_rv f_ev_at(void *p, const gql_val *a, gql_info *info)
{
    return api_time(info, EV(p)->at);
}
static gql_rv f_ev_dev(void *p, const gql_val *a, gql_info *info)
{
    return api_id(info, EV(p)->dev_id);
}
static gql_rv f_ev_kind(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(EV(p)->kind);
}
static gql_rv f_ev_mine(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_bool(mine(info, EV(p)->user_id));
}
static gql_rv f_ev_detail(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_str(EV(p)->detail);
}

/* ---- Metrics ------------------------------------------------------------------------ */

typedef struct dmetrics {
    int64_t s[STORE_ACCEL_STAT_COUNT];
    int64_t queue;
    store_accel_held *held;
    size_t nheld;
} dmetrics;

static gql_rv f_dev_metrics(void *p, const gql_val *a, gql_info *info)
{
    dmetrics *m = gql_arena_zalloc(info->arena, sizeof *m);
    store_accel_held *held;
    size_t nheld;
    core_code rc = core_accel_stats(api_call(info), DEV(p)->id, m->s, &held, &nheld);
    if (rc)
        return api_fail(info, rc);
    /* Users see their own time only; admins everyone's. */
    bool admin = api_call(info)->role == STORE_ROLE_ADMIN;
    m->held = gql_arena_zalloc(info->arena, (nheld ? nheld : 1) * sizeof *m->held);
    for (size_t i = 0; i < nheld; i++)
        if (admin || mine(info, held[i].user_id))
            m->held[m->nheld++] = held[i];
    free(held);
    store_accel_wait *w;
    size_t nw;
    if (core_accel_queue(api_call(info), DEV(p)->id, &w, &nw) == CORE_OK) {
        m->queue = (int64_t)nw;
        free(w);
    }
    return gql_rv_object(m, "DeviceMetrics");
}

#define MET(p) ((dmetrics *)(p))
static gql_rv f_m_attaches(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_ATTACHES]);
}
static gql_rv f_m_detaches(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_DETACHES]);
}
static gql_rv f_m_reattaches(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_REATTACHES]);
}
static gql_rv f_m_failures(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_FAILURES]);
}
static gql_rv f_m_grants(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_GRANTS]);
}
static gql_rv f_m_queue(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->queue);
}
static gql_rv f_m_waits(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_WAITS]);
}
static gql_rv f_m_wait_total(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_WAIT_TOTAL]);
}
static gql_rv f_m_wait_max(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(MET(p)->s[STORE_ACCEL_WAIT_MAX]);
}
static gql_rv f_m_held(void *p, const gql_val *a, gql_info *info)
{
    gql_rv *items = items_new(info, MET(p)->nheld);
    for (size_t i = 0; i < MET(p)->nheld; i++)
        items[i] = gql_rv_object(&MET(p)->held[i], "DeviceUse");
    return list_rv(items, MET(p)->nheld);
}

#define USE(p) ((store_accel_held *)(p))
static gql_rv f_use_user(void *p, const gql_val *a, gql_info *info)
{
    return api_user_visible(info, USE(p)->user_id);
}
static gql_rv f_use_seconds(void *p, const gql_val *a, gql_info *info)
{
    return gql_rv_int(USE(p)->seconds);
}

static void metrics_line(const char *line, void *ud)
{
    gql_buf_puts(ud, line);
    gql_buf_puts(ud, "\n");
}

void accel_api_metrics(core *c, gql_buf *out)
{
    core_accel_metrics(c, metrics_line, out);
}

/* ---- Binding ------------------------------------------------------------------------ */

const api_binding accel_api_bindings[] = {
    {"Query", "deviceProfiles", q_deviceProfiles},
    {"Query", "deviceEvents", q_deviceEvents},
    {"Mutation", "acquireDevice", m_acquireDevice},
    {"Mutation", "releaseDevice", m_releaseDevice},
    {"Mutation", "leaveDeviceQueue", m_leaveDeviceQueue},
    {"Mutation", "revokeDevice", m_revokeDevice},
    {"Mutation", "createDeviceProfile", m_createDeviceProfile},
    {"Mutation", "reserveDevice", m_reserveDevice},
    {"Mutation", "setDeviceQuota", m_setDeviceQuota},
    {"DeviceProfile", "id", f_prof_id},
    {"DeviceProfile", "name", f_prof_name},
    {"DeviceProfile", "usbIDs", f_prof_ids},
    {"DeviceProfile", "info", f_prof_info},
    {"DeviceProfile", "builtin", f_prof_builtin},
    {"DeviceRequest", "status", f_req_status},
    {"DeviceRequest", "device", f_req_device},
    {"DeviceRequest", "position", f_req_position},
    {"DeviceRequest", "leaseEnd", f_req_lease_end},
    {"DeviceHolder", "mine", f_holder_mine},
    {"DeviceHolder", "vm", f_holder_vm},
    {"DeviceHolder", "since", f_holder_since},
    {"DeviceHolder", "leaseEnd", f_holder_end},
    {"DeviceWaiter", "position", f_w_position},
    {"DeviceWaiter", "mine", f_w_mine},
    {"DeviceWaiter", "vm", f_w_vm},
    {"DeviceWaiter", "profile", f_w_profile},
    {"DeviceWaiter", "leaseSeconds", f_w_lease},
    {"DeviceWaiter", "enqueuedAt", f_w_since},
    {"DeviceEvent", "at", f_ev_at},
    {"DeviceEvent", "device", f_ev_dev},
    {"DeviceEvent", "kind", f_ev_kind},
    {"DeviceEvent", "mine", f_ev_mine},
    {"DeviceEvent", "detail", f_ev_detail},
    {"DeviceMetrics", "attaches", f_m_attaches},
    {"DeviceMetrics", "detaches", f_m_detaches},
    {"DeviceMetrics", "reattaches", f_m_reattaches},
    {"DeviceMetrics", "failures", f_m_failures},
    {"DeviceMetrics", "grants", f_m_grants},
    {"DeviceMetrics", "queueLength", f_m_queue},
    {"DeviceMetrics", "waits", f_m_waits},
    {"DeviceMetrics", "waitSecondsTotal", f_m_wait_total},
    {"DeviceMetrics", "waitSecondsMax", f_m_wait_max},
    {"DeviceMetrics", "heldSeconds", f_m_held},
    {"DeviceUse", "user", f_use_user},
    {"DeviceUse", "seconds", f_use_seconds},
    {"DeviceQuota", "maxHeld", f_dq_held},
    {"DeviceQuota", "hoursPerDay", f_dq_hours},
    {"DeviceQuota", "usedSecondsToday", f_dq_used},
    {"Hostdev", "profile", f_dev_profile},
    {"Hostdev", "holder", f_dev_holder},
    {"Hostdev", "leaseEnd", f_dev_lease_end},
    {"Hostdev", "queue", f_dev_queue},
    {"Hostdev", "reserved", f_dev_reserved},
    {"Hostdev", "reservedFor", f_dev_reserved_for},
    {"Hostdev", "events", f_dev_events},
    {"Hostdev", "metrics", f_dev_metrics},
    {"User", "deviceQuota", f_user_dquota},
};

const size_t accel_api_nbindings = sizeof accel_api_bindings / sizeof *accel_api_bindings;
