/* things.c -- the LwM2M bootstrap server inside epfiotd, and what feeds it.
 *
 * The bootstrap server (lwm2m/bs_server.c) runs its own CoAP thread and asks
 * two questions while it works: "what is the configuration of endpoint E?"
 * and "what is the bootstrap key of PSK identity I?" (during a DTLS
 * handshake). That thread must never wait on SQLite or on the hypervisor, so
 * both are answered from an in-memory index kept here:
 *
 *   things by ID, by endpoint and by bootstrap PSK identity (three chained
 *   hash tables over the same entries), and VM addresses by VM ID.
 *
 * The index is loaded once at start (ti_load) and then updated one entry at
 * a time by core/ whenever a thing or a VM changes (core_things_refresh,
 * core_things_forget, core_things_vm_ip, core_things_vm_gone): creating the
 * 1001st thing costs one row read, never a rebuild. A VM's address lives in
 * its own entry, so an address change is seen by the next lookup of every
 * thing linked to it.
 *
 * The other direction: every bootstrap state change (BOOTSTRAPPING,
 * BOOTSTRAPPED, FAILED) is queued by the CoAP thread and written to the
 * store by a writer thread, in batches of one transaction each, so a
 * thousand devices bootstrapping at once cost a few commits, not thousands.
 *
 * Keys (bootstrap and server PSK) are copied into the index and into the
 * bootstrap session only; they are wiped when an entry goes, and never
 * logged.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bs_server.h"
#include "internal.h"

/* ---- The index ------------------------------------------------------------ */

typedef struct ti_thing {
    int64_t id, vm_id;
    char ep[LWM2M_BS_EP_MAX + 1];
    char bs_id[LWM2M_PSK_IDENTITY_MAX + 1]; /* empty: NoSec bootstrap */
    uint8_t bs_key[LWM2M_PSK_KEY_MAX];
    size_t bs_key_len;
    char srv_id[LWM2M_PSK_IDENTITY_MAX + 1]; /* empty: NoSec account on the VM */
    uint8_t srv_key[LWM2M_PSK_KEY_MAX];
    size_t srv_key_len;
    uint16_t ssid;
    uint32_t lifetime;
    char binding[8];
    struct ti_thing *next_id, *next_ep, *next_psk;
} ti_thing;

typedef struct ti_vm {
    int64_t id;
    char ip[64]; /* empty: not known yet */
    struct ti_vm *next;
} ti_vm;

typedef struct ti_outcome {
    int64_t thing_id;
    store_thing_state state;
    int64_t at; /* -1: keep last_bootstrap_at */
    char error[160];
} ti_outcome;

struct thing_index {
    pthread_mutex_t lock;
    bool loaded;
    unsigned loads;           /* full loads from the store (tests: 1 per start) */
    size_t nbuckets, nthings; /* things tables share nbuckets */
    ti_thing **by_id, **by_ep, **by_psk;
    size_t nvmbuckets, nvms;
    ti_vm **vms;

    lwm2m_bs_server *srv;
    /* writer */
    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    ti_outcome *queue;
    size_t qlen, qcap;
    bool writer_running, writer_stop;
    pthread_t writer;
    unsigned refresh_ms; /* period of the VM address refresh */
};

static uint64_t ti_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t ti_hash_id(int64_t id)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return x ^ (x >> 29);
}

static void *ti_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        abort();
    return p;
}

thing_index *core_things_new(void)
{
    thing_index *ix = ti_calloc(1, sizeof *ix);
    pthread_mutex_init(&ix->lock, NULL);
    pthread_mutex_init(&ix->qlock, NULL);
    pthread_cond_init(&ix->qcond, NULL);
    ix->nbuckets = 64;
    ix->by_id = ti_calloc(ix->nbuckets, sizeof *ix->by_id);
    ix->by_ep = ti_calloc(ix->nbuckets, sizeof *ix->by_ep);
    ix->by_psk = ti_calloc(ix->nbuckets, sizeof *ix->by_psk);
    ix->nvmbuckets = 64;
    ix->vms = ti_calloc(ix->nvmbuckets, sizeof *ix->vms);
    return ix;
}

static void ti_wipe_free(ti_thing *t)
{
    explicit_bzero(t, sizeof *t);
    free(t);
}

static void ti_clear(thing_index *ix)
{
    for (size_t i = 0; i < ix->nbuckets; i++) {
        for (ti_thing *t = ix->by_id[i], *n; t; t = n) {
            n = t->next_id;
            ti_wipe_free(t);
        }
        ix->by_id[i] = ix->by_ep[i] = ix->by_psk[i] = NULL;
    }
    for (size_t i = 0; i < ix->nvmbuckets; i++) {
        for (ti_vm *v = ix->vms[i], *n; v; v = n) {
            n = v->next;
            free(v);
        }
        ix->vms[i] = NULL;
    }
    ix->nthings = ix->nvms = 0;
}

void core_things_free(thing_index *ix)
{
    if (!ix)
        return;
    ti_clear(ix);
    free(ix->by_id);
    free(ix->by_ep);
    free(ix->by_psk);
    free(ix->vms);
    free(ix->queue);
    pthread_mutex_destroy(&ix->lock);
    pthread_mutex_destroy(&ix->qlock);
    pthread_cond_destroy(&ix->qcond);
    free(ix);
}

static void ti_link(thing_index *ix, ti_thing *t)
{
    size_t m = ix->nbuckets - 1;
    size_t b = ti_hash_id(t->id) & m;
    t->next_id = ix->by_id[b];
    ix->by_id[b] = t;
    t->next_ep = t->next_psk = NULL;
    if (t->ep[0]) {
        b = ti_hash_str(t->ep) & m;
        t->next_ep = ix->by_ep[b];
        ix->by_ep[b] = t;
    }
    if (t->bs_id[0]) {
        b = ti_hash_str(t->bs_id) & m;
        t->next_psk = ix->by_psk[b];
        ix->by_psk[b] = t;
    }
}

/* Doubles the tables when they get full: amortised O(1) per insertion. */
static void ti_grow(thing_index *ix)
{
    size_t old = ix->nbuckets;
    ti_thing **ids = ix->by_id;
    ix->nbuckets *= 2;
    ix->by_id = ti_calloc(ix->nbuckets, sizeof *ix->by_id);
    free(ix->by_ep);
    free(ix->by_psk);
    ix->by_ep = ti_calloc(ix->nbuckets, sizeof *ix->by_ep);
    ix->by_psk = ti_calloc(ix->nbuckets, sizeof *ix->by_psk);
    for (size_t i = 0; i < old; i++)
        for (ti_thing *t = ids[i], *n; t; t = n) {
            n = t->next_id;
            ti_link(ix, t);
        }
    free(ids);
}

static ti_thing *ti_find_id(thing_index *ix, int64_t id)
{
    for (ti_thing *t = ix->by_id[ti_hash_id(id) & (ix->nbuckets - 1)]; t; t = t->next_id)
        if (t->id == id)
            return t;
    return NULL;
}

static ti_thing *ti_find_ep(thing_index *ix, const char *ep)
{
    for (ti_thing *t = ix->by_ep[ti_hash_str(ep) & (ix->nbuckets - 1)]; t; t = t->next_ep)
        if (strcmp(t->ep, ep) == 0)
            return t;
    return NULL;
}

static ti_thing *ti_find_psk(thing_index *ix, const char *id)
{
    for (ti_thing *t = ix->by_psk[ti_hash_str(id) & (ix->nbuckets - 1)]; t; t = t->next_psk)
        if (strcmp(t->bs_id, id) == 0)
            return t;
    return NULL;
}

/* Unlinks t from the three tables (it stays allocated). */
static void ti_unlink(thing_index *ix, ti_thing *t)
{
    size_t m = ix->nbuckets - 1;
    for (ti_thing **pp = &ix->by_id[ti_hash_id(t->id) & m]; *pp; pp = &(*pp)->next_id)
        if (*pp == t) {
            *pp = t->next_id;
            break;
        }
    if (t->ep[0])
        for (ti_thing **pp = &ix->by_ep[ti_hash_str(t->ep) & m]; *pp; pp = &(*pp)->next_ep)
            if (*pp == t) {
                *pp = t->next_ep;
                break;
            }
    if (t->bs_id[0])
        for (ti_thing **pp = &ix->by_psk[ti_hash_str(t->bs_id) & m]; *pp; pp = &(*pp)->next_psk)
            if (*pp == t) {
                *pp = t->next_psk;
                break;
            }
}

static ti_vm *ti_vm_find(thing_index *ix, int64_t id, bool create)
{
    size_t b = ti_hash_id(id) & (ix->nvmbuckets - 1);
    for (ti_vm *v = ix->vms[b]; v; v = v->next)
        if (v->id == id)
            return v;
    if (!create)
        return NULL;
    if (ix->nvms >= ix->nvmbuckets) {
        size_t old = ix->nvmbuckets;
        ti_vm **vms = ix->vms;
        ix->nvmbuckets *= 2;
        ix->vms = ti_calloc(ix->nvmbuckets, sizeof *ix->vms);
        for (size_t i = 0; i < old; i++)
            for (ti_vm *v = vms[i], *n; v; v = n) {
                n = v->next;
                size_t nb = ti_hash_id(v->id) & (ix->nvmbuckets - 1);
                v->next = ix->vms[nb];
                ix->vms[nb] = v;
            }
        free(vms);
        b = ti_hash_id(id) & (ix->nvmbuckets - 1);
    }
    ti_vm *v = ti_calloc(1, sizeof *v);
    v->id = id;
    v->next = ix->vms[b];
    ix->vms[b] = v;
    ix->nvms++;
    return v;
}

/* Builds an entry from a row and its keys (NULL on a row the bootstrap
 * server cannot use: no endpoint). */
static ti_thing *ti_from_row(const store_thing *r, const store_thing_keys *k)
{
    if (!r->endpoint || !r->endpoint[0] || strlen(r->endpoint) > LWM2M_BS_EP_MAX)
        return NULL;
    ti_thing *t = ti_calloc(1, sizeof *t);
    t->id = r->id;
    t->vm_id = r->vm_id;
    snprintf(t->ep, sizeof t->ep, "%s", r->endpoint);
    if (r->psk_identity && k->key && k->key_len && k->key_len <= LWM2M_PSK_KEY_MAX) {
        snprintf(t->bs_id, sizeof t->bs_id, "%s", r->psk_identity);
        memcpy(t->bs_key, k->key, k->key_len);
        t->bs_key_len = k->key_len;
    }
    if (r->server_psk_identity && k->server_key && k->server_key_len &&
        k->server_key_len <= LWM2M_PSK_KEY_MAX) {
        snprintf(t->srv_id, sizeof t->srv_id, "%s", r->server_psk_identity);
        memcpy(t->srv_key, k->server_key, k->server_key_len);
        t->srv_key_len = k->server_key_len;
    }
    t->ssid = (uint16_t)(r->short_server_id ? r->short_server_id : 1);
    t->lifetime = (uint32_t)(r->lifetime ? r->lifetime : 300);
    snprintf(t->binding, sizeof t->binding, "%s", r->binding ? r->binding : "U");
    return t;
}

/* Replaces (or removes, t NULL) the entry of thing `id`. Under ix->lock. */
static void ti_put(thing_index *ix, int64_t id, ti_thing *t)
{
    ti_thing *old = ti_find_id(ix, id);
    if (old) {
        ti_unlink(ix, old);
        ti_wipe_free(old);
        ix->nthings--;
    }
    if (!t)
        return;
    if (ix->nthings >= ix->nbuckets)
        ti_grow(ix);
    ti_link(ix, t);
    ix->nthings++;
}

/* Reads one thing and its keys from the store into an entry. */
static ti_thing *ti_read(store *st, const store_thing *r)
{
    store_thing_keys k;
    if (store_thing_get_keys(st, r->id, &k) != STORE_OK)
        return NULL;
    ti_thing *t = ti_from_row(r, &k);
    store_thing_keys_clear(&k);
    return t;
}

static int ti_load(core *c, store *st)
{
    thing_index *ix = c->things;
    store_thing *list = NULL;
    store_vm *vms = NULL;
    size_t n = 0, nv = 0;
    if (store_thing_list(st, 0, 0, &list, &n) != STORE_OK ||
        store_vm_list(st, 0, &vms, &nv) != STORE_OK) {
        store_thing_list_free(list, n);
        return -1;
    }
    pthread_mutex_lock(&ix->lock);
    ti_clear(ix);
    for (size_t i = 0; i < n; i++) {
        ti_thing *t = ti_read(st, &list[i]);
        if (t)
            ti_put(ix, t->id, t);
    }
    for (size_t i = 0; i < nv; i++) {
        ti_vm *v = ti_vm_find(ix, vms[i].id, true);
        snprintf(v->ip, sizeof v->ip, "%s", vms[i].ip ? vms[i].ip : "");
    }
    ix->loaded = true;
    ix->loads++;
    pthread_mutex_unlock(&ix->lock);
    store_thing_list_free(list, n);
    store_vm_list_free(vms, nv);
    return 0;
}

/* ---- Updates from core/ ---------------------------------------------------- */

void core_things_refresh(core_call *k, int64_t thing_id)
{
    thing_index *ix = k->c->things;
    if (!ix || !ix->loaded)
        return;
    store_thing r;
    ti_thing *t = NULL;
    store_status s = store_thing_get(k->st, thing_id, 0, &r);
    if (s == STORE_OK) {
        t = ti_read(k->st, &r);
        /* A VM whose address nobody asked for yet: ask now, so that the
         * thing's first bootstrap has somewhere to point it. */
        if (r.vm_id) {
            pthread_mutex_lock(&ix->lock);
            ti_vm *v = ti_vm_find(ix, r.vm_id, false);
            bool known = v && v->ip[0];
            pthread_mutex_unlock(&ix->lock);
            store_vm vm;
            if (!known && store_vm_get(k->st, r.vm_id, 0, &vm) == STORE_OK) {
                char *ip = core_vm_ip(k, &vm);
                core_things_vm_ip(k->c, vm.id, ip);
                free(ip);
                store_vm_clear(&vm);
            }
        }
        store_thing_clear(&r);
    } else if (s != STORE_NOT_FOUND) {
        core_log(k->c, CORE_LOG_ERROR, "bootstrap index: cannot read thing %lld: %s",
                 (long long)thing_id, store_errmsg(k->st));
        return;
    }
    pthread_mutex_lock(&ix->lock);
    ti_put(ix, thing_id, t);
    pthread_mutex_unlock(&ix->lock);
}

void core_things_refresh_vm(core_call *k, int64_t vm_id)
{
    thing_index *ix = k->c->things;
    if (!ix || !ix->loaded)
        return;
    store_thing *list = NULL;
    size_t n = 0;
    if (store_thing_list(k->st, 0, vm_id, &list, &n) != STORE_OK)
        return;
    for (size_t i = 0; i < n; i++)
        core_things_refresh(k, list[i].id);
    store_thing_list_free(list, n);
}

void core_things_vm_ip(core *c, int64_t vm_id, const char *ip)
{
    thing_index *ix = c->things;
    if (!ix || !ix->loaded || !ip)
        return;
    pthread_mutex_lock(&ix->lock);
    ti_vm *v = ti_vm_find(ix, vm_id, true);
    snprintf(v->ip, sizeof v->ip, "%s", ip);
    pthread_mutex_unlock(&ix->lock);
}

void core_things_vm_gone(core *c, int64_t vm_id)
{
    thing_index *ix = c->things;
    if (!ix || !ix->loaded)
        return;
    pthread_mutex_lock(&ix->lock);
    size_t b = ti_hash_id(vm_id) & (ix->nvmbuckets - 1);
    for (ti_vm **pp = &ix->vms[b]; *pp; pp = &(*pp)->next)
        if ((*pp)->id == vm_id) {
            ti_vm *v = *pp;
            *pp = v->next;
            free(v);
            ix->nvms--;
            break;
        }
    /* Its things are detached by the store (ON DELETE SET NULL). */
    for (size_t i = 0; i < ix->nbuckets; i++)
        for (ti_thing *t = ix->by_id[i]; t; t = t->next_id)
            if (t->vm_id == vm_id)
                t->vm_id = 0;
    pthread_mutex_unlock(&ix->lock);
}

unsigned core_things_loads(core *c)
{
    thing_index *ix = c->things;
    pthread_mutex_lock(&ix->lock);
    unsigned n = ix->loads;
    pthread_mutex_unlock(&ix->lock);
    return n;
}

size_t core_things_indexed(core *c)
{
    thing_index *ix = c->things;
    pthread_mutex_lock(&ix->lock);
    size_t n = ix->nthings;
    pthread_mutex_unlock(&ix->lock);
    return n;
}

/* ---- Callbacks of the bootstrap server (its thread) ------------------------ */

static int ti_cb_lookup(const char *endpoint, lwm2m_bs_thing *out, void *user)
{
    core *c = user;
    thing_index *ix = c->things;
    int rc = -1;
    pthread_mutex_lock(&ix->lock);
    ti_thing *t = ti_find_ep(ix, endpoint);
    ti_vm *v = t && t->vm_id ? ti_vm_find(ix, t->vm_id, false) : NULL;
    if (t && v && v->ip[0] && lwm2m_bs_thing_set_vm(out, v->ip, t->srv_id[0] != '\0') == 0) {
        out->short_server_id = t->ssid;
        out->lifetime = t->lifetime;
        snprintf(out->binding, sizeof out->binding, "%s", t->binding);
        out->bootstrap_on_registration_failure = true;
        if (t->srv_id[0]) {
            out->mode = LWM2M_SEC_PSK;
            snprintf(out->psk_identity, sizeof out->psk_identity, "%s", t->srv_id);
            memcpy(out->psk_key, t->srv_key, t->srv_key_len);
            out->psk_key_len = t->srv_key_len;
        } else {
            out->mode = LWM2M_SEC_NOSEC;
        }
        snprintf(out->bs_psk_identity, sizeof out->bs_psk_identity, "%s", t->bs_id);
        rc = 0;
    }
    pthread_mutex_unlock(&ix->lock);
    return rc;
}

static int ti_cb_psk(const uint8_t *identity, size_t len, uint8_t *key, void *user)
{
    core *c = user;
    thing_index *ix = c->things;
    char id[LWM2M_PSK_IDENTITY_MAX + 1];
    if (len == 0 || len > LWM2M_PSK_IDENTITY_MAX || memchr(identity, 0, len))
        return -1;
    memcpy(id, identity, len);
    id[len] = '\0';
    int n = -1;
    pthread_mutex_lock(&ix->lock);
    ti_thing *t = ti_find_psk(ix, id);
    if (t && t->bs_key_len) {
        memcpy(key, t->bs_key, t->bs_key_len);
        n = (int)t->bs_key_len;
    }
    pthread_mutex_unlock(&ix->lock);
    return n;
}

static void ti_enqueue(thing_index *ix, const ti_outcome *o)
{
    pthread_mutex_lock(&ix->qlock);
    if (ix->qlen == ix->qcap) {
        size_t cap = ix->qcap ? ix->qcap * 2 : 256;
        ti_outcome *q = realloc(ix->queue, cap * sizeof *q);
        if (!q)
            abort();
        ix->queue = q;
        ix->qcap = cap;
    }
    ix->queue[ix->qlen++] = *o;
    pthread_cond_signal(&ix->qcond);
    pthread_mutex_unlock(&ix->qlock);
}

/* "step, code": "finish, 4.06", "write security, timeout". */
static void ti_error_text(const lwm2m_bs_outcome *o, char *buf, size_t cap)
{
    const char *step = lwm2m_bs_step_name(o->step);
    if (o->code)
        snprintf(buf, cap, "%s, %d.%02d", step, o->code / 100, o->code % 100);
    else if (o->reason && (strstr(o->reason, "timed out") || strstr(o->reason, "no answer")))
        snprintf(buf, cap, "%s, timeout", step);
    else
        snprintf(buf, cap, "%s, %s", step, o->reason ? o->reason : "failed");
}

static void ti_cb_outcome(const lwm2m_bs_outcome *o, void *user)
{
    core *c = user;
    thing_index *ix = c->things;
    ti_outcome q = {.at = -1};
    pthread_mutex_lock(&ix->lock);
    ti_thing *t = ti_find_ep(ix, o->endpoint);
    q.thing_id = t ? t->id : 0;
    pthread_mutex_unlock(&ix->lock);
    if (!q.thing_id)
        return; /* deleted meanwhile, or a default-endpoint bootstrap */
    switch (o->state) {
    case LWM2M_BS_BOOTSTRAPPING:
        q.state = STORE_THING_BOOTSTRAPPING;
        break;
    case LWM2M_BS_BOOTSTRAPPED:
        q.state = STORE_THING_BOOTSTRAPPED;
        q.at = core_now();
        break;
    default:
        q.state = STORE_THING_FAILED;
        ti_error_text(o, q.error, sizeof q.error);
        core_log(c, CORE_LOG_INFO, "thing %lld: bootstrap failed (%s)", (long long)q.thing_id,
                 q.error);
        break;
    }
    if (q.state == STORE_THING_BOOTSTRAPPED)
        core_log(c, CORE_LOG_INFO, "thing %lld: bootstrapped (LwM2M %d.%d)", (long long)q.thing_id,
                 (int)o->version / 10, (int)o->version % 10);
    ti_enqueue(ix, &q);
}

/* ---- The writer --------------------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Asks the hypervisor for the address of every running VM that has things
 * (core_vm_refresh_address records a change in the store and here): a lease that
 * changed, or a VM started without anyone reading its address, reaches the
 * next bootstrap without a request from the API. On the writer thread: the
 * CoAP thread never waits on the hypervisor. */
static void ti_refresh_ips(core *c)
{
    thing_index *ix = c->things;
    pthread_mutex_lock(&ix->lock);
    int64_t *ids = malloc((ix->nthings ? ix->nthings : 1) * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; ids && i < ix->nbuckets; i++)
        for (ti_thing *t = ix->by_id[i]; t; t = t->next_id)
            if (t->vm_id)
                ids[n++] = t->vm_id;
    pthread_mutex_unlock(&ix->lock);
    if (!ids)
        return;
    qsort(ids, n, sizeof *ids, cmp_id);
    core_call k;
    core_call_init(&k, c);
    for (size_t i = 0; k.st && i < n; i++) {
        if (i && ids[i] == ids[i - 1])
            continue;
        store_vm vm;
        if (store_vm_get(k.st, ids[i], 0, &vm) != STORE_OK)
            continue;
        if (vm.state == STORE_VM_RUNNING) {
            char *ip = core_vm_refresh_address(c, k.st, &vm);
            core_things_vm_ip(c, vm.id, ip);
            free(ip);
        }
        store_vm_clear(&vm);
    }
    free(ids);
}

static void *ti_writer(void *arg)
{
    core *c = arg;
    thing_index *ix = c->things;
    store *st = core_store(c);
    ti_outcome *batch = NULL;
    size_t cap = 0;
    struct timespec next;
    clock_gettime(CLOCK_REALTIME, &next);
    for (;;) {
        pthread_mutex_lock(&ix->qlock);
        while (!ix->qlen && !ix->writer_stop) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            if (now.tv_sec > next.tv_sec ||
                (now.tv_sec == next.tv_sec && now.tv_nsec >= next.tv_nsec)) {
                pthread_mutex_unlock(&ix->qlock);
                ti_refresh_ips(c);
                clock_gettime(CLOCK_REALTIME, &next);
                next.tv_sec += ix->refresh_ms / 1000;
                next.tv_nsec += (long)(ix->refresh_ms % 1000) * 1000000L;
                if (next.tv_nsec >= 1000000000L) {
                    next.tv_sec++;
                    next.tv_nsec -= 1000000000L;
                }
                pthread_mutex_lock(&ix->qlock);
                continue;
            }
            pthread_cond_timedwait(&ix->qcond, &ix->qlock, &next);
        }
        if (!ix->qlen && ix->writer_stop) {
            pthread_mutex_unlock(&ix->qlock);
            break;
        }
        /* take everything queued: one transaction for the lot */
        ti_outcome *q = ix->queue;
        size_t n = ix->qlen, qcap = ix->qcap;
        ix->queue = batch; /* the emptied buffer of the last round */
        ix->qcap = cap;
        ix->qlen = 0;
        batch = q;
        cap = qcap;
        pthread_mutex_unlock(&ix->qlock);
        if (!st) {
            core_log(c, CORE_LOG_ERROR, "bootstrap writer: no store handle");
            continue;
        }
        bool tx = store_tx_begin(st) == STORE_OK;
        for (size_t i = 0; i < n; i++) {
            store_status r =
                store_thing_set_state(st, batch[i].thing_id, batch[i].state, batch[i].at,
                                      batch[i].error[0] ? batch[i].error : NULL);
            if (r != STORE_OK && r != STORE_NOT_FOUND) /* not found: deleted meanwhile */
                core_log(c, CORE_LOG_ERROR, "bootstrap writer: %s", store_errmsg(st));
        }
        if (tx && store_tx_commit(st) != STORE_OK) {
            core_log(c, CORE_LOG_ERROR, "bootstrap writer: commit: %s", store_errmsg(st));
            store_tx_rollback(st);
        }
    }
    free(batch);
    return NULL;
}

/* ---- Start and stop ------------------------------------------------------- */

core_code core_lwm2m_start(core *c, const core_lwm2m_config *cfg, char *msg, size_t msglen)
{
    thing_index *ix = c->things;
    store *st = core_store(c);
    if (!st || ti_load(c, st) < 0) {
        snprintf(msg, msglen, "cannot load things: %s", st ? store_errmsg(st) : "no store");
        return CORE_INTERNAL;
    }
    ix->writer_stop = false;
    ix->refresh_ms = cfg->address_refresh_ms ? cfg->address_refresh_ms : 10000;
    if (pthread_create(&ix->writer, NULL, ti_writer, c) != 0) {
        snprintf(msg, msglen, "cannot start the bootstrap writer");
        return CORE_INTERNAL;
    }
    ix->writer_running = true;
    if (cfg->coap_port < 0 && cfg->coaps_port < 0)
        return CORE_OK; /* index kept, no listener */
    lwm2m_bs_config bc;
    lwm2m_bs_config_init(&bc);
    bc.address = cfg->listen && cfg->listen[0] ? cfg->listen : "0.0.0.0";
    bc.coap_port = cfg->coap_port;
    bc.coaps_port = cfg->coaps_port;
    if (cfg->request_timeout_ms)
        bc.request_timeout_ms = cfg->request_timeout_ms;
    if (cfg->ack_timeout_ms)
        bc.ack_timeout_ms = cfg->ack_timeout_ms;
    if (cfg->max_retransmit)
        bc.max_retransmit = cfg->max_retransmit;
    bc.lookup = ti_cb_lookup;
    bc.psk = ti_cb_psk;
    bc.outcome = ti_cb_outcome;
    bc.user = c;
    char err[256] = "";
    ix->srv = lwm2m_bs_start(&bc, err, sizeof err);
    if (!ix->srv) {
        snprintf(msg, msglen, "cannot start the LwM2M bootstrap server: %s", err);
        core_lwm2m_stop(c);
        return CORE_INTERNAL;
    }
    return CORE_OK;
}

int core_lwm2m_port(core *c, bool dtls)
{
    return c->things && c->things->srv ? lwm2m_bs_port(c->things->srv, dtls) : -1;
}

void core_lwm2m_stop(core *c)
{
    thing_index *ix = c->things;
    if (!ix)
        return;
    if (ix->srv) {
        lwm2m_bs_stop(ix->srv); /* its last outcomes are queued */
        ix->srv = NULL;
    }
    if (ix->writer_running) {
        pthread_mutex_lock(&ix->qlock);
        ix->writer_stop = true;
        pthread_cond_signal(&ix->qcond);
        pthread_mutex_unlock(&ix->qlock);
        pthread_join(ix->writer, NULL);
        ix->writer_running = false;
    }
}
