/* bs_server.c -- the LwM2M bootstrap server on libcoap3 (see bs_server.h).
 *
 * One thread owns the libcoap context and every session; callbacks run on
 * it. A bootstrap session is keyed by endpoint name and holds a copy of the
 * thing's configuration, the coap_session_t of the peer (referenced), the
 * request in flight (its token) and its deadline. libcoap retransmits each
 * CON request itself; our deadline is the shorter of the configured request
 * timeout and libcoap's give-up (reported through the NACK handler).
 *
 * Responses are matched by (coap session, token), never by MID alone: the
 * Wakaama client reuses MIDs and tokens (notes, gotcha 6). A response whose
 * token belongs to no running request (a cancelled session, a late answer)
 * is acknowledged and ignored.
 *
 * Downlink requests are never sent from inside a request handler: libcoap
 * sends the handler's response after it returns, and the 2.04 to the
 * Bootstrap-Request must go first. The handler marks the session and the
 * loop starts it right after coap_io_process().
 */
#include "bs_server.h"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lwm2m_format.h"

#define BS_MAX_REQS 24
#define BS_TOKEN_MAX 8
#define BS_SCAN_MS 10
#define BS_RECENT 256
#define BS_EXCHANGE_LIFETIME_MS 247000u /* RFC 7252 4.8.2 */

typedef struct bs_req {
    coap_pdu_code_t method;
    char path[16];
    lwm2m_bs_step step;
    int cf;     /* Content-Format of the payload, -1 none */
    int accept; /* Accept option, -1 none */
    lwm2m_buf payload;
} bs_req;

typedef struct bs_sess {
    struct bs_sess *next;
    char ep[LWM2M_BS_EP_MAX + 1];
    lwm2m_bs_thing thing;
    coap_session_t *cs;  /* referenced */
    coap_mid_t open_mid; /* MID of the Bootstrap-Request that opened it */
    long pct;
    lwm2m_version version;
    int cf;
    bool pending_start;
    bool done;
    lwm2m_bs_discovery disc;
    bs_req reqs[BS_MAX_REQS];
    int nreqs, cur; /* cur: index of the request in flight */
    uint8_t token[BS_TOKEN_MAX];
    size_t token_len;
    uint64_t deadline_ms;
} bs_sess;

/* A Bootstrap-Request whose session already ended: a retransmission of it
 * (same peer, same MID) within EXCHANGE_LIFETIME is answered 2.04 again and
 * must not start the bootstrap over. */
typedef struct bs_recent {
    coap_address_t peer;
    coap_mid_t mid;
    uint64_t expires_ms;
} bs_recent;

struct lwm2m_bs_server {
    lwm2m_bs_config cfg;
    char address[64];
    char default_ep[LWM2M_BS_EP_MAX + 1];
    coap_context_t *ctx;
    int port, dtls_port;
    pthread_t thread;
    atomic_bool stop;
    atomic_uint active;
    bs_sess *sessions;
    /* bs_tick walks the sessions only when some wait to start or to be
     * freed, or every BS_SCAN_MS for deadlines: per packet, a walk over
     * thousands of sessions would dominate a burst. */
    unsigned npending, ndone;
    uint64_t last_scan_ms;
    bs_recent recent[BS_RECENT]; /* ring */
    unsigned nrecent;
    coap_bin_const_t psk_out; /* key handed to libcoap (it copies it) */
    uint8_t psk_buf[LWM2M_PSK_KEY_MAX];
};

/* ---- small helpers ---- */

static uint64_t bs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int bs_code(const coap_pdu_t *pdu)
{
    coap_pdu_code_t c = coap_pdu_get_code(pdu);
    return (int)(c >> 5) * 100 + (int)(c & 0x1f);
}

void lwm2m_bs_thing_init(lwm2m_bs_thing *t)
{
    lwm2m_bootstrap_config d;
    lwm2m_bootstrap_config_init(&d);
    memset(t, 0, sizeof *t);
    t->short_server_id = d.short_server_id;
    t->security_instance = d.security_instance;
    t->server_instance = d.server_instance;
    t->mode = d.mode;
    t->lifetime = d.lifetime;
    snprintf(t->binding, sizeof t->binding, "%s", d.binding);
    t->notification_storing = d.notification_storing;
    t->bootstrap_on_registration_failure = d.bootstrap_on_registration_failure;
}

int lwm2m_bs_thing_set_vm(lwm2m_bs_thing *t, const char *vm_address, bool secure)
{
    struct in6_addr a6;
    struct in_addr a4;
    const char *scheme = secure ? "coaps" : "coap";
    int port = secure ? 5684 : 5683;
    if (!vm_address)
        return -1;
    if (inet_pton(AF_INET, vm_address, &a4) == 1)
        snprintf(t->server_uri, sizeof t->server_uri, "%s://%s:%d", scheme, vm_address, port);
    else if (inet_pton(AF_INET6, vm_address, &a6) == 1)
        snprintf(t->server_uri, sizeof t->server_uri, "%s://[%s]:%d", scheme, vm_address, port);
    else
        return -1;
    return 0;
}

void lwm2m_bs_config_init(lwm2m_bs_config *c)
{
    memset(c, 0, sizeof *c);
    c->address = "127.0.0.1";
    c->coap_port = 0;
    c->coaps_port = -1;
    c->request_timeout_ms = 45000;
    c->ack_timeout_ms = 2000;
    c->max_retransmit = 4;
    c->max_sessions = 4096;
    c->max_endpoint_len = LWM2M_BS_EP_MAX;
}

const char *lwm2m_bs_state_name(lwm2m_bs_state s)
{
    switch (s) {
    case LWM2M_BS_BOOTSTRAPPING:
        return "BOOTSTRAPPING";
    case LWM2M_BS_BOOTSTRAPPED:
        return "BOOTSTRAPPED";
    case LWM2M_BS_FAILED:
        return "FAILED";
    }
    return "?";
}

const char *lwm2m_bs_step_name(lwm2m_bs_step s)
{
    static const char *names[] = {"request",      "discover", "delete", "write security",
                                  "write server", "finish",   "done"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

bool lwm2m_bs_endpoint_valid(const uint8_t *name, size_t len, size_t max)
{
    if (len == 0 || len > max || len > LWM2M_BS_EP_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (name[i] < 0x21 || name[i] > 0x7e)
            return false;
    return true;
}

/* ---- Bootstrap-Discover payload ----
 * Link format: </>;lwm2m=1.1,</0/0>;ssid=101;uri="...",</0/1>,</1/0>;ssid=101
 * 1.0 clients write lwm2m=1.0 without </>, or lwm2m="1.0" (Anjay). Values
 * may be quoted strings containing commas, so links are split by a scanner
 * that skips quoted text. */

static lwm2m_version bs_parse_version(const char *v, size_t n)
{
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
        v++;
        n -= 2;
    }
    if (n == 3 && memcmp(v, "1.1", 3) == 0)
        return LWM2M_V1_1;
    if (n == 3 && memcmp(v, "1.2", 3) == 0)
        return LWM2M_V1_2;
    return LWM2M_V1_0;
}

/* Parses "</a/b>" at s (length n); returns the number of ids or -1. */
static int bs_parse_target(const char *s, size_t n, unsigned ids[2])
{
    if (n < 3 || s[0] != '<' || s[n - 1] != '>' || s[1] != '/')
        return -1;
    int k = 0;
    size_t i = 2;
    while (i < n - 1) {
        if (k == 2)
            return -1;
        unsigned v = 0;
        size_t start = i;
        while (i < n - 1 && s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (unsigned)(s[i] - '0');
            if (v > LWM2M_MAX_ID)
                return -1;
            i++;
        }
        if (i == start)
            return -1;
        ids[k++] = v;
        if (i < n - 1) {
            if (s[i] != '/')
                return -1;
            i++;
        }
    }
    return k;
}

static void bs_parse_link(const char *s, size_t n, lwm2m_bs_discovery *d)
{
    /* split target and attributes at ';' outside quotes */
    size_t i = 0, tend = n;
    for (i = 0; i < n; i++)
        if (s[i] == ';') {
            tend = i;
            break;
        }
    unsigned ids[2] = {0, 0};
    int k = bs_parse_target(s, tend, ids);
    bool has_ssid = false;
    size_t a = tend;
    while (a < n) {
        size_t b = a + 1;
        bool q = false;
        while (b < n && (q || s[b] != ';')) {
            if (s[b] == '"')
                q = !q;
            b++;
        }
        const char *attr = s + a + 1;
        size_t alen = b - a - 1;
        if (alen >= 5 && memcmp(attr, "ssid=", 5) == 0)
            has_ssid = true;
        if (alen >= 6 && memcmp(attr, "lwm2m=", 6) == 0)
            d->version = bs_parse_version(attr + 6, alen - 6);
        a = b;
    }
    if (k == 2 && ids[0] == LWM2M_OBJ_SECURITY) {
        if (!has_ssid && d->bs_instance < 0)
            d->bs_instance = (int)ids[1];
        else if (d->nsecurity < 64)
            d->security[d->nsecurity++] = (uint16_t)ids[1];
    } else if (k == 2 && ids[0] == LWM2M_OBJ_SERVER && d->nserver < 64) {
        d->server[d->nserver++] = (uint16_t)ids[1];
    }
}

int lwm2m_bs_parse_discover(const char *p, size_t n, lwm2m_bs_discovery *d)
{
    memset(d, 0, sizeof *d);
    d->version = LWM2M_V1_0;
    d->bs_instance = -1;
    size_t start = 0;
    bool q = false;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] == '"')
            q = !q;
        if (i == n || (!q && p[i] == ',')) {
            /* a bare "lwm2m=1.0" element (Wakaama 1.0) */
            if (i - start >= 6 && memcmp(p + start, "lwm2m=", 6) == 0)
                d->version = bs_parse_version(p + start + 6, i - start - 6);
            else if (i > start)
                bs_parse_link(p + start, i - start, d);
            start = i + 1;
        }
    }
    return 0;
}

/* ---- sessions ---- */

static void bs_req_free_all(bs_sess *s)
{
    for (int i = 0; i < s->nreqs; i++)
        lwm2m_buf_free(&s->reqs[i].payload);
    s->nreqs = 0;
    s->cur = 0;
}

static void bs_remember(lwm2m_bs_server *srv, const bs_sess *s)
{
    bs_recent *r = &srv->recent[srv->nrecent++ % BS_RECENT];
    coap_address_copy(&r->peer, coap_session_get_addr_remote(s->cs));
    r->mid = s->open_mid;
    r->expires_ms = bs_now_ms() + BS_EXCHANGE_LIFETIME_MS;
}

static bool bs_is_recent(lwm2m_bs_server *srv, coap_session_t *cs, coap_mid_t mid)
{
    uint64_t now = bs_now_ms();
    const coap_address_t *peer = coap_session_get_addr_remote(cs);
    for (unsigned i = 0; i < BS_RECENT && i < srv->nrecent; i++) {
        const bs_recent *r = &srv->recent[i];
        if (r->mid == mid && r->expires_ms > now && coap_address_equals(&r->peer, peer))
            return true;
    }
    return false;
}

static void bs_sess_free(lwm2m_bs_server *srv, bs_sess *s)
{
    bs_req_free_all(s);
    if (s->cs) {
        bs_remember(srv, s);
        coap_session_release(s->cs);
    }
    /* keys leave no copy behind */
    memset(&s->thing, 0, sizeof s->thing);
    free(s);
    atomic_fetch_sub(&srv->active, 1);
}

static bs_sess *bs_find(lwm2m_bs_server *srv, const char *ep)
{
    for (bs_sess *s = srv->sessions; s; s = s->next)
        if (strcmp(s->ep, ep) == 0)
            return s;
    return NULL;
}

static void bs_unlink(lwm2m_bs_server *srv, bs_sess *s)
{
    for (bs_sess **pp = &srv->sessions; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            return;
        }
}

static void bs_report(lwm2m_bs_server *srv, bs_sess *s, lwm2m_bs_state st, lwm2m_bs_step step,
                      int code, const char *reason)
{
    if (!srv->cfg.outcome)
        return;
    lwm2m_bs_outcome o = {.endpoint = s->ep,
                          .state = st,
                          .step = step,
                          .code = code,
                          .reason = reason,
                          .version = s->version,
                          .content_format = s->cf};
    srv->cfg.outcome(&o, srv->cfg.user);
}

/* Ends a session: reported, then freed by the loop (done = true). */
static void bs_fail(lwm2m_bs_server *srv, bs_sess *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void bs_fail(lwm2m_bs_server *srv, bs_sess *s, int code, const char *fmt, ...)
{
    if (s->done)
        return;
    char reason[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    lwm2m_bs_step step = s->cur < s->nreqs ? s->reqs[s->cur].step : LWM2M_BS_STEP_DISCOVER;
    s->done = true;
    srv->ndone++;
    s->token_len = 0;
    bs_report(srv, s, LWM2M_BS_FAILED, step, code, reason);
}

static bs_req *bs_add_req(bs_sess *s, coap_pdu_code_t m, const char *path, lwm2m_bs_step step)
{
    if (s->nreqs >= BS_MAX_REQS)
        return NULL;
    bs_req *r = &s->reqs[s->nreqs++];
    memset(r, 0, sizeof *r);
    r->method = m;
    snprintf(r->path, sizeof r->path, "%.15s", path);
    r->step = step;
    r->cf = -1;
    r->accept = -1;
    return r;
}

static int bs_send_current(lwm2m_bs_server *srv, bs_sess *s)
{
    bs_req *r = &s->reqs[s->cur];
    coap_pdu_t *pdu = coap_pdu_init(COAP_MESSAGE_CON, r->method, coap_new_message_id(s->cs),
                                    coap_session_max_pdu_size(s->cs));
    if (!pdu)
        return -1;
    coap_session_new_token(s->cs, &s->token_len, s->token);
    uint8_t opt[4];
    int ok = coap_add_token(pdu, s->token_len, s->token);
    /* Uri-Path, one option per segment ("/" has none). */
    const char *p = r->path;
    while (ok && *p) {
        while (*p == '/')
            p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !coap_add_option(pdu, COAP_OPTION_URI_PATH, n, (const uint8_t *)p))
            ok = 0;
        p += n;
    }
    if (ok && r->cf >= 0)
        ok = coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                             coap_encode_var_safe(opt, sizeof opt, (unsigned)r->cf), opt) != 0;
    if (ok && r->accept >= 0)
        ok = coap_add_option(pdu, COAP_OPTION_ACCEPT,
                             coap_encode_var_safe(opt, sizeof opt, (unsigned)r->accept), opt) != 0;
    if (ok && r->payload.len)
        ok = coap_add_data(pdu, r->payload.len, r->payload.data);
    if (!ok) {
        coap_delete_pdu(pdu);
        return -1;
    }
    if (srv->cfg.trace) {
        const char *m = r->method == COAP_REQUEST_CODE_GET      ? "GET"
                        : r->method == COAP_REQUEST_CODE_PUT    ? "PUT"
                        : r->method == COAP_REQUEST_CODE_DELETE ? "DELETE"
                                                                : "POST";
        srv->cfg.trace(s->ep, m, r->path, r->cf, r->payload.data, r->payload.len, srv->cfg.user);
    }
    s->deadline_ms = bs_now_ms() + srv->cfg.request_timeout_ms;
    if (coap_send(s->cs, pdu) == COAP_INVALID_MID)
        return -1;
    return 0;
}

/* Chooses N for /0/N: the configured one unless it is the client's
 * bootstrap-server account, else the lowest other free id. */
static uint16_t bs_choose_security_instance(const bs_sess *s)
{
    uint16_t want = s->thing.security_instance;
    if (s->disc.bs_instance < 0 || want != (uint16_t)s->disc.bs_instance)
        return want;
    return s->disc.bs_instance == 0 ? 1 : 0;
}

static void bs_fill_payload_config(const bs_sess *s, lwm2m_bootstrap_config *c)
{
    lwm2m_bootstrap_config_init(c);
    const lwm2m_bs_thing *t = &s->thing;
    c->server_uri = t->server_uri;
    c->short_server_id = t->short_server_id;
    c->security_instance = bs_choose_security_instance(s);
    c->server_instance = t->server_instance;
    c->mode = t->mode;
    if (t->mode == LWM2M_SEC_PSK) {
        c->psk_identity = t->psk_identity;
        c->psk_key = t->psk_key;
        c->psk_key_len = t->psk_key_len;
    }
    c->lifetime = t->lifetime;
    c->binding = t->binding;
    c->notification_storing = t->notification_storing;
    c->version = s->version;
    c->bootstrap_on_registration_failure = t->bootstrap_on_registration_failure;
}

static int bs_plan_deletes(bs_sess *s)
{
    static const char defaults[2][16] = {"/0", "/1"};
    int n = s->thing.ndelete > 0 ? s->thing.ndelete : 2;
    for (int i = 0; i < n && i < LWM2M_BS_MAX_DELETE; i++) {
        const char *p = s->thing.ndelete > 0 ? s->thing.delete_paths[i] : defaults[i];
        if (strcmp(p, "/0") == 0) {
            /* one DELETE per instance, so a client that would take "/0"
             * literally still keeps its bootstrap-server account */
            for (int k = 0; k < s->disc.nsecurity; k++) {
                char path[16];
                snprintf(path, sizeof path, "/0/%u", s->disc.security[k]);
                if (!bs_add_req(s, COAP_REQUEST_CODE_DELETE, path, LWM2M_BS_STEP_DELETE))
                    return -1;
            }
            continue;
        }
        unsigned o, inst;
        if (sscanf(p, "/%u/%u", &o, &inst) == 2 && o == 0 && s->disc.bs_instance >= 0 &&
            inst == (unsigned)s->disc.bs_instance)
            continue; /* never the BS account */
        if (!bs_add_req(s, COAP_REQUEST_CODE_DELETE, p, LWM2M_BS_STEP_DELETE))
            return -1;
    }
    return 0;
}

/* After Discover: the rest of the sequence, payloads built now that the
 * client's version (hence the resources it may get) is known. */
static int bs_plan(lwm2m_bs_server *srv, bs_sess *s, char *why, size_t cap)
{
    s->cf = lwm2m_format_choose(s->thing.content_format, s->pct, s->version);
    if (s->cf < 0)
        s->cf = LWM2M_CF_TLV; /* Wakaama's fallback; every client reads TLV */
    if (bs_plan_deletes(s) < 0) {
        snprintf(why, cap, "too many requests");
        return -1;
    }
    lwm2m_bootstrap_config c;
    bs_fill_payload_config(s, &c);
    lwm2m_err err;
    lwm2m_bootstrap_write w[2];
    memset(w, 0, sizeof w);
    int rc = lwm2m_bootstrap_write_security(&c, s->cf, &w[0], &err);
    if (rc == 0)
        rc = lwm2m_bootstrap_write_server(&c, s->cf, &w[1], &err);
    for (int i = 0; i < 2; i++) {
        char path[16];
        lwm2m_path_format(&w[i].path, path, sizeof path);
        bs_req *r = rc == 0
                        ? bs_add_req(s, COAP_REQUEST_CODE_PUT, path,
                                     i ? LWM2M_BS_STEP_WRITE_SERVER : LWM2M_BS_STEP_WRITE_SECURITY)
                        : NULL;
        if (r) {
            r->cf = w[i].content_format;
            r->payload = w[i].payload; /* moved */
            w[i].payload = (lwm2m_buf)LWM2M_BUF_INIT;
        } else if (rc == 0) {
            snprintf(err.msg, sizeof err.msg, "too many requests");
            rc = -1;
        }
        lwm2m_buf_free(&w[i].payload);
    }
    explicit_bzero(&c, sizeof c);
    if (rc != 0) {
        snprintf(why, cap, "configuration: %s", err.msg);
        return -1;
    }
    if (!bs_add_req(s, COAP_REQUEST_CODE_POST, "/bs", LWM2M_BS_STEP_FINISH)) {
        snprintf(why, cap, "too many requests");
        return -1;
    }
    (void)srv;
    return 0;
}

static void bs_start(lwm2m_bs_server *srv, bs_sess *s)
{
    bs_req_free_all(s);
    s->pending_start = false;
    bs_req *r = bs_add_req(s, COAP_REQUEST_CODE_GET, "/", LWM2M_BS_STEP_DISCOVER);
    r->accept = LWM2M_CF_LINK;
    if (bs_send_current(srv, s) < 0)
        bs_fail(srv, s, 0, "discover: cannot send");
}

static void bs_advance(lwm2m_bs_server *srv, bs_sess *s)
{
    s->cur++;
    s->token_len = 0;
    if (s->cur >= s->nreqs) {
        s->done = true;
        srv->ndone++;
        bs_report(srv, s, LWM2M_BS_BOOTSTRAPPED, LWM2M_BS_STEP_DONE, 204, NULL);
        return;
    }
    if (bs_send_current(srv, s) < 0)
        bs_fail(srv, s, 0, "%s %s: cannot send", lwm2m_bs_step_name(s->reqs[s->cur].step),
                s->reqs[s->cur].path);
}

static bool bs_success(const bs_req *r, int code)
{
    switch (r->step) {
    case LWM2M_BS_STEP_DISCOVER:
        return code == 205;
    case LWM2M_BS_STEP_DELETE:
        return code == 202 || code == 204;
    default:
        return code == 204;
    }
}

static void bs_on_answer(lwm2m_bs_server *srv, bs_sess *s, const coap_pdu_t *rcv)
{
    bs_req *r = &s->reqs[s->cur];
    int code = bs_code(rcv);
    if (!bs_success(r, code)) {
        if (r->step == LWM2M_BS_STEP_FINISH)
            bs_fail(srv, s, code, "finish rejected %d.%02d", code / 100, code % 100);
        else
            bs_fail(srv, s, code, "%s %s answered %d.%02d", lwm2m_bs_step_name(r->step), r->path,
                    code / 100, code % 100);
        return;
    }
    if (r->step == LWM2M_BS_STEP_DISCOVER) {
        size_t len = 0;
        const uint8_t *data = NULL;
        coap_get_data(rcv, &len, &data);
        lwm2m_bs_parse_discover((const char *)data, data ? len : 0, &s->disc);
        s->version = s->disc.version;
        char why[256];
        if (bs_plan(srv, s, why, sizeof why) < 0) {
            bs_fail(srv, s, 0, "%s", why);
            return;
        }
    }
    bs_advance(srv, s);
}

static bs_sess *bs_by_token(lwm2m_bs_server *srv, coap_session_t *cs, coap_bin_const_t tok)
{
    for (bs_sess *s = srv->sessions; s; s = s->next)
        if (!s->done && s->cs == cs && s->token_len && s->token_len == tok.length &&
            memcmp(s->token, tok.s, tok.length) == 0)
            return s;
    return NULL;
}

/* The server of a coap session: set on the session by the Bootstrap-Request
 * handler (libcoap 4.3.1 has no context user data); responses and NACKs on
 * sessions that never sent one belong to no bootstrap. */
static lwm2m_bs_server *bs_of(coap_session_t *cs)
{
    return coap_session_get_app_data(cs);
}

static coap_response_t bs_response_handler(coap_session_t *cs, const coap_pdu_t *sent,
                                           const coap_pdu_t *rcv, const coap_mid_t mid)
{
    lwm2m_bs_server *srv = bs_of(cs);
    if (!srv)
        return COAP_RESPONSE_OK;
    bs_sess *s = bs_by_token(srv, cs, coap_pdu_get_token(rcv));
    if (s && !s->pending_start)
        bs_on_answer(srv, s, rcv);
    return COAP_RESPONSE_OK;
}

static void bs_nack_handler(coap_session_t *cs, const coap_pdu_t *sent,
                            const coap_nack_reason_t reason, const coap_mid_t mid)
{
    lwm2m_bs_server *srv = bs_of(cs);
    if (!sent || !srv)
        return;
    bs_sess *s = bs_by_token(srv, cs, coap_pdu_get_token(sent));
    if (s)
        bs_fail(srv, s, 0, "%s %s: no answer (%s)", lwm2m_bs_step_name(s->reqs[s->cur].step),
                s->reqs[s->cur].path,
                reason == COAP_NACK_RST                ? "reset"
                : reason == COAP_NACK_TOO_MANY_RETRIES ? "retransmissions exhausted"
                                                       : "not deliverable");
}

/* ---- Bootstrap-Request ---- */

static void bs_reply(coap_pdu_t *resp, int code, const char *text)
{
    coap_pdu_set_code(resp, (coap_pdu_code_t)COAP_RESPONSE_CODE(code));
    if (text)
        coap_add_data(resp, strlen(text), (const uint8_t *)text);
}

typedef struct bs_query {
    char ep[LWM2M_BS_EP_MAX + 1];
    bool has_ep;
    long pct;
} bs_query;

/* Reads the Uri-Query options: ep= once (validated), pct= once (decimal).
 * Other attributes are allowed and ignored (Leshan keeps them). */
static const char *bs_parse_query(const coap_pdu_t *req, size_t max_ep, bs_query *q)
{
    coap_opt_iterator_t it;
    coap_opt_t *o;
    q->has_ep = false;
    q->pct = -1;
    coap_option_iterator_init(req, &it, COAP_OPT_ALL);
    while ((o = coap_option_next(&it))) {
        if (it.number != COAP_OPTION_URI_QUERY)
            continue;
        const uint8_t *v = coap_opt_value(o);
        size_t n = coap_opt_length(o);
        if (n >= 3 && memcmp(v, "ep=", 3) == 0) {
            if (q->has_ep)
                return "duplicate ep";
            if (!lwm2m_bs_endpoint_valid(v + 3, n - 3, max_ep))
                return "invalid endpoint name";
            memcpy(q->ep, v + 3, n - 3);
            q->ep[n - 3] = '\0';
            q->has_ep = true;
        } else if (n >= 4 && memcmp(v, "pct=", 4) == 0) {
            if (q->pct >= 0 || n == 4 || n > 9)
                return "invalid pct";
            long pct = 0;
            for (size_t i = 4; i < n; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return "invalid pct";
                pct = pct * 10 + (v[i] - '0');
            }
            if (pct > 65535)
                return "invalid pct";
            q->pct = pct;
        }
    }
    return NULL;
}

static bool bs_identity_matches(coap_session_t *cs, const char *want)
{
    bool dtls = coap_session_get_proto(cs) == COAP_PROTO_DTLS;
    if (!dtls)
        return want[0] == '\0';
    const coap_bin_const_t *id = coap_session_get_psk_identity(cs);
    return id && want[0] && id->length == strlen(want) && memcmp(id->s, want, id->length) == 0;
}

static int bs_lookup(lwm2m_bs_server *srv, const char *ep, lwm2m_bs_thing *t)
{
    lwm2m_bs_thing_init(t);
    if (srv->cfg.lookup && srv->cfg.lookup(ep, t, srv->cfg.user) == 0)
        return 0;
    lwm2m_bs_thing_init(t);
    if (srv->default_ep[0] && srv->cfg.lookup &&
        srv->cfg.lookup(srv->default_ep, t, srv->cfg.user) == 0)
        return 0;
    return -1;
}

static void bs_handle_request(coap_resource_t *res, coap_session_t *cs, const coap_pdu_t *req,
                              const coap_string_t *query, coap_pdu_t *resp)
{
    lwm2m_bs_server *srv = coap_resource_get_userdata(res);
    coap_session_set_app_data(cs, srv);
    bs_query q;
    size_t dlen = 0;
    const uint8_t *data = NULL;
    if (coap_pdu_get_type(req) != COAP_MESSAGE_CON) {
        bs_reply(resp, 400, "Bootstrap-Request must be confirmable");
        return;
    }
    if (coap_get_data(req, &dlen, &data) && dlen) {
        bs_reply(resp, 400, "unexpected payload");
        return;
    }
    const char *bad = bs_parse_query(req, srv->cfg.max_endpoint_len, &q);
    if (bad) {
        bs_reply(resp, 400, bad);
        return;
    }
    if (!q.has_ep) {
        /* 1.1+: the endpoint name may be the DTLS identity */
        const coap_bin_const_t *id = coap_session_get_proto(cs) == COAP_PROTO_DTLS
                                         ? coap_session_get_psk_identity(cs)
                                         : NULL;
        if (!id || !lwm2m_bs_endpoint_valid(id->s, id->length, srv->cfg.max_endpoint_len)) {
            bs_reply(resp, 400, "endpoint name missing");
            return;
        }
        memcpy(q.ep, id->s, id->length);
        q.ep[id->length] = '\0';
    }
    if (q.pct >= 0 && !lwm2m_format_supported((int)q.pct)) {
        bs_reply(resp, 415, "unsupported pct");
        return;
    }
    coap_mid_t mid = coap_pdu_get_mid(req);
    bs_sess *old = bs_find(srv, q.ep);
    if ((old && !old->done && old->cs == cs && old->open_mid == mid) ||
        bs_is_recent(srv, cs, mid)) {
        bs_reply(resp, 204, NULL); /* retransmission of the same request */
        return;
    }
    lwm2m_bs_thing t;
    if (bs_lookup(srv, q.ep, &t) < 0) {
        bs_reply(resp, 400, "unknown endpoint");
        return;
    }
    if (!bs_identity_matches(cs, t.bs_psk_identity)) {
        explicit_bzero(&t, sizeof t);
        bs_reply(resp, 400, "unauthorized");
        return;
    }
    if (old) {
        /* a new request mid-session: cancel the old one (Leshan) */
        if (old->pending_start)
            srv->npending--;
        bs_unlink(srv, old);
        bs_sess_free(srv, old);
    }
    if (atomic_load(&srv->active) >= srv->cfg.max_sessions) {
        explicit_bzero(&t, sizeof t);
        bs_reply(resp, 503, "too many bootstraps in progress");
        return;
    }
    bs_sess *s = calloc(1, sizeof *s);
    if (!s) {
        explicit_bzero(&t, sizeof t);
        bs_reply(resp, 500, NULL);
        return;
    }
    atomic_fetch_add(&srv->active, 1);
    memcpy(s->ep, q.ep, sizeof s->ep);
    s->thing = t;
    explicit_bzero(&t, sizeof t);
    s->cs = coap_session_reference(cs);
    /* libcoap retransmits our CON requests on this session with these
     * parameters and reports a NACK after the last one */
    coap_fixed_point_t ack = {srv->cfg.ack_timeout_ms / 1000, srv->cfg.ack_timeout_ms % 1000};
    coap_session_set_ack_timeout(cs, ack);
    coap_session_set_max_retransmit(cs, srv->cfg.max_retransmit);
    s->open_mid = mid;
    s->pct = q.pct;
    s->version = LWM2M_V1_0;
    s->cf = -1;
    s->pending_start = true;
    srv->npending++;
    s->next = srv->sessions;
    srv->sessions = s;
    bs_report(srv, s, LWM2M_BS_BOOTSTRAPPING, LWM2M_BS_STEP_REQUEST, 0, NULL);
    bs_reply(resp, 204, NULL);
}

/* 1.2 Bootstrap-Pack-Request is not implemented: 5.01 makes the client
 * fall back to Bootstrap-Request (Core 1.2 §6.1.7). */
static void bs_handle_pack(coap_resource_t *res, coap_session_t *cs, const coap_pdu_t *req,
                           const coap_string_t *query, coap_pdu_t *resp)
{
    bs_reply(resp, 501, NULL);
}

/* ---- DTLS-PSK ---- */

static const coap_bin_const_t *bs_psk_cb(coap_bin_const_t *identity, coap_session_t *cs, void *arg)
{
    lwm2m_bs_server *srv = arg;
    if (!srv->cfg.psk || !identity || identity->length == 0 ||
        identity->length > LWM2M_PSK_IDENTITY_MAX)
        return NULL;
    int n = srv->cfg.psk(identity->s, identity->length, srv->psk_buf, srv->cfg.user);
    if (n <= 0 || n > LWM2M_PSK_KEY_MAX)
        return NULL;
    srv->psk_out.s = srv->psk_buf;
    srv->psk_out.length = (size_t)n;
    return &srv->psk_out; /* libcoap copies it */
}

/* ---- the loop ---- */

static void bs_tick(lwm2m_bs_server *srv)
{
    uint64_t now = bs_now_ms();
    if (!srv->npending && !srv->ndone && now - srv->last_scan_ms < BS_SCAN_MS)
        return;
    srv->last_scan_ms = now;
    for (bs_sess *s = srv->sessions; s; s = s->next) {
        if (s->pending_start) {
            srv->npending--;
            bs_start(srv, s);
        } else if (!s->done && s->token_len && now >= s->deadline_ms) {
            bs_fail(srv, s, 0, "%s %s timed out", lwm2m_bs_step_name(s->reqs[s->cur].step),
                    s->reqs[s->cur].path);
        }
    }
    for (bs_sess **pp = &srv->sessions; *pp;) {
        bs_sess *s = *pp;
        if (s->done) {
            *pp = s->next;
            bs_sess_free(srv, s);
        } else {
            pp = &s->next;
        }
    }
    srv->ndone = 0;
}

static void *bs_thread(void *arg)
{
    lwm2m_bs_server *srv = arg;
    while (!atomic_load(&srv->stop)) {
        coap_io_process(srv->ctx, 20);
        bs_tick(srv);
    }
    while (srv->sessions) {
        bs_sess *s = srv->sessions;
        srv->sessions = s->next;
        if (!s->done) {
            s->done = true;
            bs_report(srv, s, LWM2M_BS_FAILED, s->cur < s->nreqs ? s->reqs[s->cur].step : 0, 0,
                      "server stopped");
        }
        bs_sess_free(srv, s);
    }
    return NULL;
}

/* Finds a free UDP port on the address: libcoap 4.3.1 has no accessor for
 * an endpoint's bound port. */
static int bs_free_port(const coap_address_t *a)
{
    int fd = socket(a->addr.sa.sa_family, SOCK_DGRAM, 0);
    if (fd < 0)
        return -1;
    coap_address_t b = *a;
    int port = -1;
    if (bind(fd, &b.addr.sa, b.size) == 0 && getsockname(fd, &b.addr.sa, &b.size) == 0)
        port = ntohs(b.addr.sa.sa_family == AF_INET6 ? b.addr.sin6.sin6_port : b.addr.sin.sin_port);
    close(fd);
    return port;
}

/* A burst of Bootstrap-Requests (a building powering up) must not overflow
 * the socket: libcoap reads one datagram per socket per loop turn, and lost
 * requests wait for the client's retransmission (2-3 s). libcoap 4.3.1 does
 * not expose an endpoint's descriptor, so find the UDP socket bound to our
 * port among the process's descriptors and ask for a larger buffer (capped
 * by net.core.rmem_max; failure only costs speed). */
static void bs_grow_rcvbuf(int port)
{
    for (int fd = 0; fd < 4096; fd++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int type = 0;
        socklen_t tl = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_DGRAM)
            continue;
        if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
            continue;
        int p = ss.ss_family == AF_INET    ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                : ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                           : -1;
        if (p != port)
            continue;
        int size = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
}

static int bs_listen(lwm2m_bs_server *srv, int port, coap_proto_t proto, int *bound, char *err,
                     size_t cap)
{
    coap_address_t a;
    coap_address_init(&a);
    if (inet_pton(AF_INET, srv->address, &a.addr.sin.sin_addr) == 1) {
        a.addr.sin.sin_family = AF_INET;
        a.size = sizeof a.addr.sin;
    } else if (inet_pton(AF_INET6, srv->address, &a.addr.sin6.sin6_addr) == 1) {
        a.addr.sin6.sin6_family = AF_INET6;
        a.size = sizeof a.addr.sin6;
    } else {
        snprintf(err, cap, "bad listen address %s", srv->address);
        return -1;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
        int p = port ? port : bs_free_port(&a);
        if (p <= 0)
            break;
        if (a.addr.sa.sa_family == AF_INET6)
            a.addr.sin6.sin6_port = htons((uint16_t)p);
        else
            a.addr.sin.sin_port = htons((uint16_t)p);
        if (coap_new_endpoint(srv->ctx, &a, proto)) {
            *bound = p;
            bs_grow_rcvbuf(p);
            return 0;
        }
        if (port)
            break;
    }
    snprintf(err, cap, "cannot listen on %s port %d (%s)", srv->address, port,
             proto == COAP_PROTO_DTLS ? "coaps" : "coap");
    return -1;
}

static int bs_setup(lwm2m_bs_server *srv, char *err, size_t cap)
{
    srv->ctx = coap_new_context(NULL);
    if (!srv->ctx) {
        snprintf(err, cap, "cannot create CoAP context");
        return -1;
    }
    /* A peer's coap session outlives its bootstrap only as an idle session;
     * libcoap walks every session on each loop turn, so keep few idle ones
     * (sessions of running bootstraps are referenced, never idle). */
    coap_context_set_max_idle_sessions(srv->ctx, 64);
    coap_register_response_handler(srv->ctx, bs_response_handler);
    coap_register_nack_handler(srv->ctx, bs_nack_handler);
    coap_resource_t *r = coap_resource_init(coap_make_str_const("bs"), 0);
    coap_resource_set_userdata(r, srv);
    coap_register_request_handler(r, COAP_REQUEST_POST, bs_handle_request);
    coap_add_resource(srv->ctx, r);
    r = coap_resource_init(coap_make_str_const("bspack"), 0);
    coap_register_request_handler(r, COAP_REQUEST_GET, bs_handle_pack);
    coap_add_resource(srv->ctx, r);
    if (srv->cfg.coaps_port >= 0) {
        coap_dtls_spsk_t sp;
        memset(&sp, 0, sizeof sp);
        sp.version = COAP_DTLS_SPSK_SETUP_VERSION;
        sp.validate_id_call_back = bs_psk_cb;
        sp.id_call_back_arg = srv;
        if (!coap_dtls_is_supported() || !coap_context_set_psk2(srv->ctx, &sp)) {
            snprintf(err, cap, "DTLS-PSK not available in libcoap");
            return -1;
        }
        if (bs_listen(srv, srv->cfg.coaps_port, COAP_PROTO_DTLS, &srv->dtls_port, err, cap) < 0)
            return -1;
    }
    if (srv->cfg.coap_port >= 0 &&
        bs_listen(srv, srv->cfg.coap_port, COAP_PROTO_UDP, &srv->port, err, cap) < 0)
        return -1;
    return 0;
}

lwm2m_bs_server *lwm2m_bs_start(const lwm2m_bs_config *c, char *err, size_t cap)
{
    lwm2m_bs_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    srv->cfg = *c;
    snprintf(srv->address, sizeof srv->address, "%s", c->address ? c->address : "127.0.0.1");
    if (c->default_endpoint)
        snprintf(srv->default_ep, sizeof srv->default_ep, "%s", c->default_endpoint);
    srv->cfg.address = srv->address;
    srv->cfg.default_endpoint = NULL;
    if (!srv->cfg.max_endpoint_len || srv->cfg.max_endpoint_len > LWM2M_BS_EP_MAX)
        srv->cfg.max_endpoint_len = LWM2M_BS_EP_MAX;
    if (!srv->cfg.request_timeout_ms)
        srv->cfg.request_timeout_ms = 45000;
    if (!srv->cfg.max_sessions)
        srv->cfg.max_sessions = 4096;
    if (srv->cfg.ack_timeout_ms < 1000)
        srv->cfg.ack_timeout_ms = srv->cfg.ack_timeout_ms ? 1000 : 2000;
    srv->port = srv->dtls_port = -1;
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_dtls_set_log_level(LOG_EMERG);
    if (bs_setup(srv, err, cap) < 0)
        goto fail;
    if (pthread_create(&srv->thread, NULL, bs_thread, srv) != 0) {
        snprintf(err, cap, "cannot start thread");
        goto fail;
    }
    return srv;
fail:
    if (srv->ctx)
        coap_free_context(srv->ctx);
    free(srv);
    return NULL;
}

int lwm2m_bs_port(const lwm2m_bs_server *s, bool dtls)
{
    return dtls ? s->dtls_port : s->port;
}

unsigned lwm2m_bs_active(lwm2m_bs_server *s)
{
    return atomic_load(&s->active);
}

void lwm2m_bs_stop(lwm2m_bs_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stop, true);
    pthread_join(srv->thread, NULL);
    coap_free_context(srv->ctx);
    explicit_bzero(srv->psk_buf, sizeof srv->psk_buf);
    free(srv);
}
