/* bs_test_util.h -- a bootstrap server in the test process with a table of
 * things, recording every outcome and every downlink request it sends
 * (from its own thread, hence the mutex), plus raw UDP helpers for the
 * malformed-packet and duplicate tests. Waits poll a condition with a
 * generous deadline; nothing sleeps for a fixed time to "let things happen"
 * except where the test is that nothing happens. */
#ifndef BS_TEST_UTIL_H
#define BS_TEST_UTIL_H

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bs_server.h"
#include "lwm2m_test_util.h"
#include "thing_sim.h"

#define BT_MAX 256

typedef struct bt_record {
    char ep[LWM2M_BS_EP_MAX + 1];
    lwm2m_bs_state state;
    lwm2m_bs_step step;
    int code;
    char reason[160];
    int cf;
    lwm2m_version version;
} bt_record;

typedef struct bt_trace {
    char ep[LWM2M_BS_EP_MAX + 1];
    char line[48]; /* "PUT /0/1" */
    int cf;
    uint8_t payload[512];
    size_t len;
} bt_trace;

typedef struct bt_thing {
    const char *ep;
    lwm2m_bs_thing t;
} bt_thing;

typedef struct bt_env {
    pthread_mutex_t mu;
    bt_thing things[8];
    int nthings;
    bt_record rec[BT_MAX];
    int nrec;
    bt_trace tr[BT_MAX];
    int ntr;
    /* bootstrap PSKs: identity -> key */
    char psk_id[4][64];
    uint8_t psk_key[4][16];
    int npsk;
    lwm2m_bs_server *srv;
} bt_env;

static inline int bt_lookup(const char *ep, lwm2m_bs_thing *t, void *user)
{
    bt_env *e = user;
    for (int i = 0; i < e->nthings; i++)
        if (strcmp(e->things[i].ep, ep) == 0) {
            *t = e->things[i].t;
            return 0;
        }
    return -1;
}

static inline int bt_psk(const uint8_t *id, size_t n, uint8_t *key, void *user)
{
    bt_env *e = user;
    for (int i = 0; i < e->npsk; i++)
        if (strlen(e->psk_id[i]) == n && memcmp(e->psk_id[i], id, n) == 0) {
            memcpy(key, e->psk_key[i], 16);
            return 16;
        }
    return -1;
}

static inline void bt_outcome(const lwm2m_bs_outcome *o, void *user)
{
    bt_env *e = user;
    pthread_mutex_lock(&e->mu);
    if (e->nrec < BT_MAX) {
        bt_record *r = &e->rec[e->nrec++];
        snprintf(r->ep, sizeof r->ep, "%s", o->endpoint);
        r->state = o->state;
        r->step = o->step;
        r->code = o->code;
        snprintf(r->reason, sizeof r->reason, "%s", o->reason ? o->reason : "");
        r->cf = o->content_format;
        r->version = o->version;
    }
    pthread_mutex_unlock(&e->mu);
}

static inline void bt_trace_fn(const char *ep, const char *method, const char *path, int cf,
                               const uint8_t *payload, size_t len, void *user)
{
    bt_env *e = user;
    pthread_mutex_lock(&e->mu);
    if (e->ntr < BT_MAX) {
        bt_trace *t = &e->tr[e->ntr++];
        snprintf(t->ep, sizeof t->ep, "%s", ep);
        snprintf(t->line, sizeof t->line, "%s %s", method, path);
        t->cf = cf;
        t->len = len < sizeof t->payload ? len : sizeof t->payload;
        if (t->len)
            memcpy(t->payload, payload, t->len);
    }
    pthread_mutex_unlock(&e->mu);
}

/* The golden files' configuration: NoSec, coap://10.128.0.169:5683,
 * short server id 1, /0/1 and /1/1 (the address is never contacted: tests
 * using it do not register). */
static inline lwm2m_bs_thing bt_golden_thing(void)
{
    lwm2m_bs_thing t;
    lwm2m_bs_thing_init(&t);
    snprintf(t.server_uri, sizeof t.server_uri, "coap://10.128.0.169:5683");
    return t;
}

static inline void bt_add(bt_env *e, const char *ep, lwm2m_bs_thing t)
{
    e->things[e->nthings].ep = ep;
    e->things[e->nthings++].t = t;
}

static inline void bt_start(bt_env *e, lwm2m_bs_config *c)
{
    pthread_mutex_init(&e->mu, NULL);
    c->lookup = bt_lookup;
    c->psk = bt_psk;
    c->outcome = bt_outcome;
    c->trace = bt_trace_fn;
    c->user = e;
    char err[200];
    e->srv = lwm2m_bs_start(c, err, sizeof err);
    if (!e->srv)
        fprintf(stderr, "bs start: %s\n", err);
}

static inline void bt_stop(bt_env *e)
{
    lwm2m_bs_stop(e->srv);
    e->srv = NULL;
    pthread_mutex_destroy(&e->mu);
}

static inline double bt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Number of outcomes with this state for ep (any ep if NULL). */
static inline int bt_count(bt_env *e, const char *ep, lwm2m_bs_state st)
{
    int n = 0;
    pthread_mutex_lock(&e->mu);
    for (int i = 0; i < e->nrec; i++)
        if (e->rec[i].state == st && (!ep || strcmp(e->rec[i].ep, ep) == 0))
            n++;
    pthread_mutex_unlock(&e->mu);
    return n;
}

static inline bool bt_wait(bt_env *e, const char *ep, lwm2m_bs_state st, int n, double seconds)
{
    double end = bt_now() + seconds;
    while (bt_now() < end) {
        if (bt_count(e, ep, st) >= n)
            return true;
        usleep(5000);
    }
    return false;
}

static inline const bt_record *bt_last(bt_env *e)
{
    return e->nrec ? &e->rec[e->nrec - 1] : NULL;
}

static inline lwm2m_sim_opts bt_sim_opts(const bt_env *e, const char *ep)
{
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.port = lwm2m_bs_port(e->srv, false);
    o.endpoint = ep;
    o.do_register = false;
    o.timeout_ms = 20000;
    return o;
}

/* ---- raw UDP ---- */

static inline int bt_udp(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    return fd;
}

static inline void bt_sendto(int fd, int port, const uint8_t *p, size_t n)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, p, n, 0, (struct sockaddr *)&a, sizeof a);
}

/* Receives one datagram within ms; returns its length or -1. */
static inline ssize_t bt_recv(int fd, uint8_t *buf, size_t cap, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, ms) <= 0)
        return -1;
    return recv(fd, buf, cap, 0);
}

/* Builds CON POST /bs?ep=NAME with the given MID and a 2-byte token. */
static inline size_t bt_bs_request(uint8_t *out, uint16_t mid, const char *ep)
{
    size_t n = 0, qlen = 3 + strlen(ep);
    out[n++] = 0x42; /* ver 1, CON, TKL 2 */
    out[n++] = 0x02; /* POST */
    out[n++] = (uint8_t)(mid >> 8);
    out[n++] = (uint8_t)mid;
    out[n++] = (uint8_t)(mid >> 3);
    out[n++] = 0x7b;
    out[n++] = 0xb2; /* Uri-Path (11), length 2 */
    out[n++] = 'b';
    out[n++] = 's';
    if (qlen < 13) {
        out[n++] = (uint8_t)(0x40 | qlen); /* Uri-Query (15): delta 4 */
    } else if (qlen < 269) {
        out[n++] = 0x4d;
        out[n++] = (uint8_t)(qlen - 13);
    } else {
        out[n++] = 0x4e;
        out[n++] = (uint8_t)((qlen - 269) >> 8);
        out[n++] = (uint8_t)(qlen - 269);
    }
    memcpy(out + n, "ep=", 3);
    memcpy(out + n + 3, ep, qlen - 3);
    return n + qlen;
}

/* CoAP response code byte as class*100+detail. */
static inline int bt_code(const uint8_t *p)
{
    return (p[1] >> 5) * 100 + (p[1] & 0x1f);
}

#endif
