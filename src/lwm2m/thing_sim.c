/* thing_sim.c -- LwM2M client simulator (see thing_sim.h).
 *
 * The store is a small array of object instances, each a lwm2m_list of its
 * resource values, so the codecs' decoders fill it directly. The simulator
 * is deliberately a real client, not a script: it answers whatever the
 * bootstrap server sends, and the Finish check decides from the store
 * whether the configuration is usable, as Anjay's and Leshan's clients do.
 */
#include "thing_sim.h"

#include <arpa/inet.h>
#include <coap3/coap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bootstrap_payload.h"
#include "lwm2m_format.h"

#define SIM_MAX_INST 32
#define SIM_MAX_EVENTS 64
#define SIM_WINDOW 256
#define LWM2M_BS_EP_NAME_MAX 136 /* 128 + "-index" */

typedef struct sim_inst {
    bool used;
    uint16_t obj, inst;
    lwm2m_list vals;
} sim_inst;

struct lwm2m_sim {
    const lwm2m_sim_opts *o;
    char ep[LWM2M_BS_EP_NAME_MAX];
    coap_session_t *bs; /* session towards the bootstrap server */
    coap_session_t *dm; /* session towards the LwM2M server */
    lwm2m_sim_phase phase;
    bool want_register;
    uint8_t token[8];
    size_t token_len;
    int request_code;
    char error[200];
    char location[64];
    sim_inst inst[SIM_MAX_INST];
    lwm2m_sim_event ev[SIM_MAX_EVENTS];
    size_t nev;
    double t0, t_finish, t_reg;
};

static double sim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

void lwm2m_sim_opts_init(lwm2m_sim_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = 5683;
    o->endpoint = "epfiot-thing";
    o->version = LWM2M_V1_1;
    o->send_ep = true;
    o->do_register = true;
    o->timeout_ms = 60000;
}

static void sim_say(lwm2m_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sim_say(lwm2m_sim *s, const char *fmt, ...)
{
    if (!s->o->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", s->ep);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
}

static void sim_fail(lwm2m_sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sim_fail(lwm2m_sim *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    s->phase = LWM2M_SIM_FAILED;
    sim_say(s, "FAILED: %s", s->error);
}

/* ---- the store ---- */

static sim_inst *sim_find(lwm2m_sim *s, uint16_t obj, uint16_t inst)
{
    for (int i = 0; i < SIM_MAX_INST; i++)
        if (s->inst[i].used && s->inst[i].obj == obj && s->inst[i].inst == inst)
            return &s->inst[i];
    return NULL;
}

static sim_inst *sim_get(lwm2m_sim *s, uint16_t obj, uint16_t inst)
{
    sim_inst *in = sim_find(s, obj, inst);
    for (int i = 0; !in && i < SIM_MAX_INST; i++)
        if (!s->inst[i].used) {
            in = &s->inst[i];
            in->used = true;
            in->obj = obj;
            in->inst = inst;
            in->vals = (lwm2m_list)LWM2M_LIST_INIT;
        }
    return in;
}

static void sim_drop(sim_inst *in)
{
    lwm2m_list_free(&in->vals);
    in->used = false;
}

static bool sim_protected(const lwm2m_sim *s, uint16_t obj, uint16_t inst)
{
    return (obj == LWM2M_OBJ_SECURITY && inst == s->o->bs_instance) ||
           (obj == LWM2M_OBJ_DEVICE && inst == 0);
}

static const lwm2m_value *sim_res(const sim_inst *in, uint16_t res)
{
    lwm2m_path p = lwm2m_path_make(3, in->obj, in->inst, res, 0);
    return lwm2m_list_find(&in->vals, &p);
}

static void sim_provision(lwm2m_sim *s)
{
    char uri[80];
    snprintf(uri, sizeof uri, "%s://%s:%d", s->o->dtls ? "coaps" : "coap", s->o->host, s->o->port);
    sim_inst *bs = sim_get(s, LWM2M_OBJ_SECURITY, s->o->bs_instance);
    lwm2m_list_add_string(&bs->vals, lwm2m_path_make(3, 0, bs->inst, 0, 0), uri, strlen(uri));
    lwm2m_list_add_bool(&bs->vals, lwm2m_path_make(3, 0, bs->inst, 1, 0), true);
    lwm2m_list_add_int(&bs->vals, lwm2m_path_make(3, 0, bs->inst, 2, 0),
                       s->o->dtls ? LWM2M_SEC_PSK : LWM2M_SEC_NOSEC);
    if (s->o->old_account) {
        /* a previous owner's server account, to be deleted */
        sim_inst *sec = sim_get(s, LWM2M_OBJ_SECURITY, 5), *srv = sim_get(s, LWM2M_OBJ_SERVER, 5);
        lwm2m_list_add_string(&sec->vals, lwm2m_path_make(3, 0, 5, 0, 0), "coap://192.0.2.1", 16);
        lwm2m_list_add_bool(&sec->vals, lwm2m_path_make(3, 0, 5, 1, 0), false);
        lwm2m_list_add_int(&sec->vals, lwm2m_path_make(3, 0, 5, 2, 0), LWM2M_SEC_NOSEC);
        lwm2m_list_add_int(&sec->vals, lwm2m_path_make(3, 0, 5, 10, 0), 9);
        lwm2m_list_add_int(&srv->vals, lwm2m_path_make(3, 1, 5, 0, 0), 9);
        lwm2m_list_add_int(&srv->vals, lwm2m_path_make(3, 1, 5, 1, 0), 60);
    }
    sim_inst *dev = sim_get(s, LWM2M_OBJ_DEVICE, 0);
    lwm2m_list_add_string(&dev->vals, lwm2m_path_make(3, 3, 0, 0, 0), "EPFIOT", 6);
}

/* Configuration check of Bootstrap-Finish: one BS account, at least one
 * server account, every /1 instance paired with a /0 instance (same ssid,
 * bootstrap false) that has a URI and a security mode. */
static bool sim_consistent(lwm2m_sim *s, char *why, size_t cap)
{
    int nbs = 0, nserver = 0;
    for (int i = 0; i < SIM_MAX_INST; i++) {
        sim_inst *in = &s->inst[i];
        if (!in->used || in->obj != LWM2M_OBJ_SECURITY)
            continue;
        const lwm2m_value *b = sim_res(in, 1);
        if (b && b->type == LWM2M_TYPE_BOOLEAN && b->v.b)
            nbs++;
    }
    if (nbs != 1) {
        snprintf(why, cap, "%d bootstrap-server accounts", nbs);
        return false;
    }
    for (int i = 0; i < SIM_MAX_INST; i++) {
        sim_inst *in = &s->inst[i];
        if (!in->used || in->obj != LWM2M_OBJ_SERVER)
            continue;
        nserver++;
        const lwm2m_value *ssid = sim_res(in, 0);
        bool paired = false;
        for (int k = 0; ssid && k < SIM_MAX_INST; k++) {
            sim_inst *sec = &s->inst[k];
            if (!sec->used || sec->obj != LWM2M_OBJ_SECURITY)
                continue;
            const lwm2m_value *id = sim_res(sec, 10), *b = sim_res(sec, 1);
            if (id && id->v.i == ssid->v.i && b && !b->v.b && sim_res(sec, 0) && sim_res(sec, 2))
                paired = true;
        }
        if (!paired) {
            snprintf(why, cap, "/1/%u has no security account", in->inst);
            return false;
        }
    }
    if (nserver == 0) {
        snprintf(why, cap, "no server account");
        return false;
    }
    return true;
}

/* ---- answering the bootstrap server ---- */

static void sim_discover(lwm2m_sim *s, coap_pdu_t *resp)
{
    char buf[1024];
    size_t n = 0;
    static const char *v[] = {"1.0", "1.1", "1.2"};
    const char *ver = v[s->o->version == LWM2M_V1_2 ? 2 : s->o->version == LWM2M_V1_1 ? 1 : 0];
    /* 1.0 as Wakaama writes it, 1.1+ as the spec does */
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          s->o->version == LWM2M_V1_0 ? "lwm2m=%s" : "</>;lwm2m=%s", ver);
    for (uint16_t obj = 0; obj <= 3; obj++)
        for (int i = 0; i < SIM_MAX_INST && n < sizeof buf - 128; i++) {
            sim_inst *in = &s->inst[i];
            if (!in->used || in->obj != obj)
                continue;
            const lwm2m_value *ssid = sim_res(in, obj == 0 ? 10 : 0);
            const lwm2m_value *b = obj == 0 ? sim_res(in, 1) : NULL;
            n += (size_t)snprintf(buf + n, sizeof buf - n, ",</%u/%u>", obj, in->inst);
            if (ssid && !(b && b->v.b) && obj <= 1)
                n += (size_t)snprintf(buf + n, sizeof buf - n, ";ssid=%lld", (long long)ssid->v.i);
        }
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
    uint8_t opt[4];
    coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
                    coap_encode_var_safe(opt, sizeof opt, LWM2M_CF_LINK), opt);
    coap_add_data(resp, n, (const uint8_t *)buf);
}

static int sim_delete(lwm2m_sim *s, const lwm2m_path *p)
{
    if (p->len >= 2 && sim_protected(s, p->id[0], p->id[1]))
        return 400;
    for (int i = 0; i < SIM_MAX_INST; i++) {
        sim_inst *in = &s->inst[i];
        if (!in->used || sim_protected(s, in->obj, in->inst))
            continue;
        if (p->len == 0 || (p->id[0] == in->obj && (p->len == 1 || p->id[1] == in->inst)))
            sim_drop(in);
    }
    return 202;
}

static int sim_write(lwm2m_sim *s, const lwm2m_path *p, const coap_pdu_t *req)
{
    coap_opt_iterator_t it;
    coap_opt_t *o = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);
    int cf = o ? (int)coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : -1;
    if (p->len < 1 || p->len > 2)
        return 400;
    if (!lwm2m_format_supported(cf) || (s->o->version == LWM2M_V1_0 && cf != LWM2M_CF_TLV))
        return 415;
    size_t len = 0;
    const uint8_t *data = NULL;
    coap_get_data(req, &len, &data);
    lwm2m_list l = LWM2M_LIST_INIT;
    lwm2m_err err;
    if (lwm2m_decode(cf, data, len, p, lwm2m_builtin_type, NULL, &l, &err) != 0) {
        sim_say(s, "cannot decode write: %s", err.msg);
        return 400;
    }
    int code = 204;
    for (size_t i = 0; i < l.len && code == 204; i++) {
        const lwm2m_value *v = &l.items[i];
        if (v->path.len < 3)
            continue;
        const lwm2m_resource_def *d = lwm2m_resource_find(v->path.id[0], v->path.id[2]);
        if (s->o->version == LWM2M_V1_0 && d && d->since > LWM2M_V1_0)
            code = 400; /* strict 1.0 client: unknown resource */
    }
    for (size_t i = 0; i < l.len && code == 204; i++) {
        const lwm2m_value *v = &l.items[i];
        if (v->path.len < 2)
            continue;
        sim_inst *in = sim_get(s, v->path.id[0], v->path.id[1]);
        if (!in) {
            code = 500;
            break;
        }
        if (v->path.len < 3)
            continue;
        lwm2m_path rp = lwm2m_path_make(3, v->path.id[0], v->path.id[1], v->path.id[2], 0);
        /* replace the resource: drop the old value(s) first */
        for (size_t k = 0; k < in->vals.len;) {
            if (lwm2m_path_under(&in->vals.items[k].path, &rp)) {
                lwm2m_value *it2 = &in->vals.items[k];
                if (it2->type == LWM2M_TYPE_STRING || it2->type == LWM2M_TYPE_OPAQUE)
                    free(it2->v.bytes.ptr);
                memmove(it2, it2 + 1, (in->vals.len - k - 1) * sizeof *it2);
                in->vals.len--;
            } else {
                k++;
            }
        }
        lwm2m_list_add(&in->vals, v);
    }
    lwm2m_list_free(&l);
    return code;
}

static lwm2m_path sim_req_path(const coap_pdu_t *req, char *text, size_t cap)
{
    lwm2m_path p = {{0, 0, 0, 0}, 0};
    coap_opt_iterator_t it;
    coap_opt_t *o;
    size_t n = 0;
    text[0] = '\0';
    coap_option_iterator_init(req, &it, COAP_OPT_ALL);
    while ((o = coap_option_next(&it))) {
        if (it.number != COAP_OPTION_URI_PATH)
            continue;
        size_t len = coap_opt_length(o);
        n += (size_t)snprintf(text + n, n < cap ? cap - n : 0, "/%.*s", (int)len,
                              (const char *)coap_opt_value(o));
        unsigned v = 0;
        const uint8_t *c = coap_opt_value(o);
        for (size_t i = 0; i < len; i++)
            v = (c[i] >= '0' && c[i] <= '9') ? v * 10 + (unsigned)(c[i] - '0') : 70000u;
        if (p.len < 4 && v <= LWM2M_MAX_ID && len > 0)
            p.id[p.len++] = (uint16_t)v;
        else
            p.len = 5; /* not an LwM2M path */
    }
    if (!text[0])
        snprintf(text, cap, "/");
    return p;
}

static const char *sim_step_of(coap_pdu_code_t m)
{
    switch (m) {
    case COAP_REQUEST_CODE_GET:
        return "discover";
    case COAP_REQUEST_CODE_DELETE:
        return "delete";
    case COAP_REQUEST_CODE_PUT:
        return "write";
    default:
        return "finish";
    }
}

static void sim_record(lwm2m_sim *s, const coap_pdu_t *req, const char *m, const char *path,
                       int code)
{
    if (s->nev >= SIM_MAX_EVENTS)
        return;
    lwm2m_sim_event *e = &s->ev[s->nev++];
    snprintf(e->method, sizeof e->method, "%s", m);
    snprintf(e->path, sizeof e->path, "%s", path);
    coap_opt_iterator_t it;
    coap_opt_t *o = coap_check_option(req, COAP_OPTION_CONTENT_FORMAT, &it);
    e->content_format = o ? (int)coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : -1;
    size_t len = 0;
    const uint8_t *data = NULL;
    if (coap_get_data(req, &len, &data) && len) {
        e->payload = malloc(len);
        if (e->payload) {
            memcpy(e->payload, data, len);
            e->len = len;
        }
    }
    e->answered = code;
}

static void sim_handle(coap_resource_t *res, coap_session_t *cs, const coap_pdu_t *req,
                       const coap_string_t *query, coap_pdu_t *resp)
{
    lwm2m_sim *s = coap_session_get_app_data(cs);
    if (!s || cs != s->bs) {
        coap_pdu_set_code(resp, COAP_RESPONSE_CODE(404));
        return;
    }
    char path[64];
    lwm2m_path p = sim_req_path(req, path, sizeof path);
    coap_pdu_code_t m = coap_pdu_get_code(req);
    const char *step = sim_step_of(m);
    static const char *names[] = {"?", "GET", "POST", "PUT", "DELETE"};
    const char *mname = m <= 4 ? names[m] : "?";
    if (s->o->never_answer && strcmp(s->o->never_answer, step) == 0) {
        sim_record(s, req, mname, path, 0);
        sim_say(s, "%s %s: not answering (--never-answer)", mname, path);
        coap_pdu_set_code(resp, 0); /* no response (an empty ACK at most) */
        return;
    }
    int code;
    bool finish = m == COAP_REQUEST_CODE_POST && strcmp(path, "/bs") == 0;
    char why[96] = "";
    if (s->o->answer_step && strcmp(s->o->answer_step, step) == 0 && s->o->answer_code)
        code = s->o->answer_code;
    else if (p.len > 4 && !finish)
        code = 404;
    else if (m == COAP_REQUEST_CODE_GET && p.len == 0)
        code = 205;
    else if (m == COAP_REQUEST_CODE_GET)
        code = 400;
    else if (m == COAP_REQUEST_CODE_DELETE)
        code = sim_delete(s, &p);
    else if (m == COAP_REQUEST_CODE_PUT)
        code = sim_write(s, &p, req);
    else if (finish && s->o->finish_code)
        code = s->o->finish_code;
    else if (finish)
        code = sim_consistent(s, why, sizeof why) ? 204 : 406;
    else
        code = 405;
    sim_record(s, req, mname, path, code);
    sim_say(s, "%s %s -> %d.%02d%s%s", mname, path, code / 100, code % 100, why[0] ? " " : "", why);
    if (code == 205) {
        sim_discover(s, resp);
        return;
    }
    coap_pdu_set_code(resp, (coap_pdu_code_t)COAP_RESPONSE_CODE(code));
    if (finish && code == 204) {
        s->phase = LWM2M_SIM_FINISHED;
        s->t_finish = sim_now();
        s->want_register = s->o->do_register;
    }
}

/* ---- the client side: Bootstrap-Request and Register ---- */

static int sim_send(lwm2m_sim *s, coap_session_t *cs, const char *path, const char *const *query,
                    int nquery, const char *payload)
{
    coap_pdu_t *pdu = coap_pdu_init(COAP_MESSAGE_CON, COAP_REQUEST_CODE_POST,
                                    coap_new_message_id(cs), coap_session_max_pdu_size(cs));
    if (!pdu)
        return -1;
    coap_session_new_token(cs, &s->token_len, s->token);
    coap_add_token(pdu, s->token_len, s->token);
    coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(path), (const uint8_t *)path);
    if (payload) {
        uint8_t opt[4];
        coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
                        coap_encode_var_safe(opt, sizeof opt, LWM2M_CF_LINK), opt);
    }
    for (int i = 0; i < nquery; i++)
        coap_add_option(pdu, COAP_OPTION_URI_QUERY, strlen(query[i]), (const uint8_t *)query[i]);
    if (payload)
        coap_add_data(pdu, strlen(payload), (const uint8_t *)payload);
    return coap_send(cs, pdu) == COAP_INVALID_MID ? -1 : 0;
}

static coap_session_t *sim_connect(coap_context_t *ctx, const char *host, int port, bool dtls,
                                   const char *id, const uint8_t *key, size_t keylen)
{
    coap_address_t a;
    coap_address_init(&a);
    if (inet_pton(AF_INET, host, &a.addr.sin.sin_addr) == 1) {
        a.addr.sin.sin_family = AF_INET;
        a.addr.sin.sin_port = htons((uint16_t)port);
        a.size = sizeof a.addr.sin;
    } else if (inet_pton(AF_INET6, host, &a.addr.sin6.sin6_addr) == 1) {
        a.addr.sin6.sin6_family = AF_INET6;
        a.addr.sin6.sin6_port = htons((uint16_t)port);
        a.size = sizeof a.addr.sin6;
    } else {
        return NULL;
    }
    if (!dtls)
        return coap_new_client_session(ctx, NULL, &a, COAP_PROTO_UDP);
    coap_dtls_cpsk_t c;
    memset(&c, 0, sizeof c);
    c.version = COAP_DTLS_CPSK_SETUP_VERSION;
    c.psk_info.identity.s = (const uint8_t *)id;
    c.psk_info.identity.length = id ? strlen(id) : 0;
    c.psk_info.key.s = key;
    c.psk_info.key.length = keylen;
    return coap_new_client_session_psk2(ctx, NULL, &a, COAP_PROTO_DTLS, &c);
}

static int sim_bootstrap_request(lwm2m_sim *s, coap_context_t *ctx)
{
    s->bs = sim_connect(ctx, s->o->host, s->o->port, s->o->dtls, s->o->psk_identity, s->o->psk_key,
                        s->o->psk_key_len);
    if (!s->bs) {
        sim_fail(s, "cannot open a session to %s:%d", s->o->host, s->o->port);
        return -1;
    }
    coap_session_set_app_data(s->bs, s);
    char ep[LWM2M_BS_EP_NAME_MAX + 8], pct[16];
    const char *q[2];
    int nq = 0;
    if (s->o->send_ep) {
        snprintf(ep, sizeof ep, "ep=%s", s->ep);
        q[nq++] = ep;
    }
    if (s->o->format && s->o->version >= LWM2M_V1_1) {
        snprintf(pct, sizeof pct, "pct=%d", s->o->format);
        q[nq++] = pct;
    }
    s->t0 = sim_now();
    s->phase = LWM2M_SIM_REQUESTED;
    sim_say(s, "POST /bs?%s%s%s", nq ? q[0] : "", nq > 1 ? "&" : "", nq > 1 ? q[1] : "");
    if (sim_send(s, s->bs, "bs", q, nq, NULL) < 0) {
        sim_fail(s, "cannot send Bootstrap-Request");
        return -1;
    }
    return 0;
}

static const sim_inst *sim_server_account(lwm2m_sim *s, const sim_inst **server)
{
    for (int i = 0; i < SIM_MAX_INST; i++) {
        sim_inst *sv = &s->inst[i];
        if (!sv->used || sv->obj != LWM2M_OBJ_SERVER)
            continue;
        const lwm2m_value *ssid = sim_res(sv, 0);
        for (int k = 0; ssid && k < SIM_MAX_INST; k++) {
            sim_inst *sec = &s->inst[k];
            const lwm2m_value *id = sec->used && sec->obj == 0 ? sim_res(sec, 10) : NULL;
            if (id && id->v.i == ssid->v.i) {
                *server = sv;
                return sec;
            }
        }
    }
    return NULL;
}

static void sim_register(lwm2m_sim *s, coap_context_t *ctx)
{
    s->want_register = false;
    const sim_inst *sv = NULL;
    const sim_inst *sec = sim_server_account(s, &sv);
    const lwm2m_value *uri = sec ? sim_res(sec, 0) : NULL;
    coap_uri_t u;
    if (!uri || coap_split_uri(uri->v.bytes.ptr, uri->v.bytes.len, &u) < 0) {
        sim_fail(s, "no usable server account");
        return;
    }
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)u.host.length, (const char *)u.host.s);
    const lwm2m_value *id = sim_res(sec, 3), *key = sim_res(sec, 5), *mode = sim_res(sec, 2);
    bool psk = mode && mode->v.i == 0;
    char ident[LWM2M_PSK_IDENTITY_MAX + 1] = "";
    if (psk && id)
        snprintf(ident, sizeof ident, "%.*s", (int)id->v.bytes.len, (const char *)id->v.bytes.ptr);
    s->dm = sim_connect(ctx, host, u.port, psk, ident, psk && key ? key->v.bytes.ptr : NULL,
                        psk && key ? key->v.bytes.len : 0);
    if (!s->dm) {
        sim_fail(s, "cannot open a session to %s", uri->v.bytes.ptr);
        return;
    }
    coap_session_set_app_data(s->dm, s);
    const lwm2m_value *lt = sim_res(sv, 1), *b = sim_res(sv, 7);
    char qep[LWM2M_BS_EP_NAME_MAX + 8], qlt[32], qv[16], qb[16];
    snprintf(qep, sizeof qep, "ep=%s", s->ep);
    snprintf(qlt, sizeof qlt, "lt=%lld", lt ? (long long)lt->v.i : 86400LL);
    snprintf(qv, sizeof qv, "lwm2m=%s",
             s->o->version == LWM2M_V1_0   ? "1.0"
             : s->o->version == LWM2M_V1_1 ? "1.1"
                                           : "1.2");
    snprintf(qb, sizeof qb, "b=%.8s", b ? (const char *)b->v.bytes.ptr : "U");
    const char *q[] = {qep, qlt, qv, qb};
    s->phase = LWM2M_SIM_REGISTERING;
    sim_say(s, "POST %s/rd?%s&%s&%s&%s", uri->v.bytes.ptr, qep, qlt, qv, qb);
    if (sim_send(s, s->dm, "rd", q, 4, "</1/0>,</3/0>") < 0)
        sim_fail(s, "cannot send Register");
}

static coap_response_t sim_response(coap_session_t *cs, const coap_pdu_t *sent,
                                    const coap_pdu_t *rcv, const coap_mid_t mid)
{
    lwm2m_sim *s = coap_session_get_app_data(cs);
    coap_bin_const_t tok = coap_pdu_get_token(rcv);
    if (!s || tok.length != s->token_len || memcmp(tok.s, s->token, tok.length) != 0)
        return COAP_RESPONSE_OK;
    coap_pdu_code_t c = coap_pdu_get_code(rcv);
    int code = (c >> 5) * 100 + (c & 0x1f);
    s->token_len = 0;
    if (cs == s->bs && s->phase == LWM2M_SIM_REQUESTED) {
        s->request_code = code;
        sim_say(s, "Bootstrap-Request -> %d.%02d", code / 100, code % 100);
        if (code != 204)
            sim_fail(s, "Bootstrap-Request answered %d.%02d", code / 100, code % 100);
        else
            s->phase = LWM2M_SIM_BOOTSTRAPPING;
    } else if (cs == s->dm && s->phase == LWM2M_SIM_REGISTERING) {
        if (code != 201) {
            sim_fail(s, "Register answered %d.%02d", code / 100, code % 100);
            return COAP_RESPONSE_OK;
        }
        coap_opt_iterator_t it;
        coap_opt_t *o;
        size_t n = 0;
        coap_option_iterator_init(rcv, &it, COAP_OPT_ALL);
        while ((o = coap_option_next(&it)))
            if (it.number == COAP_OPTION_LOCATION_PATH && n < sizeof s->location)
                n += (size_t)snprintf(s->location + n, sizeof s->location - n, "/%.*s",
                                      (int)coap_opt_length(o), (const char *)coap_opt_value(o));
        s->phase = LWM2M_SIM_REGISTERED;
        s->t_reg = sim_now();
        sim_say(s, "Register -> 2.01 %s", s->location);
    }
    return COAP_RESPONSE_OK;
}

static void sim_nack(coap_session_t *cs, const coap_pdu_t *sent, const coap_nack_reason_t r,
                     const coap_mid_t mid)
{
    lwm2m_sim *s = coap_session_get_app_data(cs);
    if (!s || s->phase == LWM2M_SIM_FAILED)
        return;
    if ((cs == s->bs && s->phase == LWM2M_SIM_REQUESTED) ||
        (cs == s->dm && s->phase == LWM2M_SIM_REGISTERING) || r == COAP_NACK_TLS_FAILED)
        sim_fail(s, "%s", r == COAP_NACK_TLS_FAILED ? "DTLS handshake failed" : "no answer");
}

static bool sim_done(const lwm2m_sim *s)
{
    if (s->phase == LWM2M_SIM_FAILED || s->phase == LWM2M_SIM_REGISTERED)
        return true;
    return s->phase == LWM2M_SIM_FINISHED && !s->want_register;
}

lwm2m_sim **lwm2m_sim_run(const lwm2m_sim_opts *o, int count)
{
    if (count < 1)
        return NULL;
    lwm2m_sim **sims = calloc((size_t)count, sizeof *sims);
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_dtls_set_log_level(LOG_EMERG);
    coap_context_t *ctx = coap_new_context(NULL);
    if (!sims || !ctx)
        goto fail;
    coap_context_set_max_idle_sessions(ctx, 2u * (unsigned)count + 16);
    coap_register_response_handler(ctx, sim_response);
    coap_register_nack_handler(ctx, sim_nack);
    coap_resource_t *r = coap_resource_unknown_init2(sim_handle, 0);
    coap_register_request_handler(r, COAP_REQUEST_GET, sim_handle);
    coap_register_request_handler(r, COAP_REQUEST_POST, sim_handle);
    coap_register_request_handler(r, COAP_REQUEST_DELETE, sim_handle);
    coap_add_resource(ctx, r);
    for (int i = 0; i < count; i++) {
        lwm2m_sim *s = calloc(1, sizeof *s);
        if (!s)
            goto fail;
        sims[i] = s;
        s->o = o;
        if (count == 1)
            snprintf(s->ep, sizeof s->ep, "%s", o->endpoint);
        else
            snprintf(s->ep, sizeof s->ep, "%.120s-%d", o->endpoint, i);
        sim_provision(s);
    }
    double end = sim_now() + (o->timeout_ms ? o->timeout_ms : 60000);
    int started = 0;
    for (;;) {
        bool all = true;
        int waiting = 0;
        for (int i = 0; i < started; i++) {
            if (sims[i]->want_register)
                sim_register(sims[i], ctx);
            all = all && sim_done(sims[i]);
            waiting += sims[i]->phase == LWM2M_SIM_REQUESTED;
        }
        /* At most SIM_WINDOW Bootstrap-Requests unanswered at a time: a
         * burst of thousands overflows the server's socket buffer and the
         * lost requests wait for a retransmission (2-3 s). The sessions
         * themselves still all run concurrently. */
        while (started < count && waiting < SIM_WINDOW) {
            sim_bootstrap_request(sims[started++], ctx);
            waiting++;
            all = false;
        }
        if (all || sim_now() > end)
            break;
        coap_io_process(ctx, 10);
    }
    /* let the last responses (Finish 2.04) leave before the sockets close */
    coap_io_process(ctx, COAP_IO_NO_WAIT);
    for (int i = 0; i < count; i++)
        if (!sim_done(sims[i]))
            sim_fail(sims[i], "timed out in phase %d", sims[i]->phase);
    for (int i = 0; i < count; i++)
        sims[i]->o = NULL;
    coap_free_context(ctx);
    return sims;
fail:
    if (ctx)
        coap_free_context(ctx);
    if (sims)
        lwm2m_sim_free_all(sims, count);
    return NULL;
}

void lwm2m_sim_free_all(lwm2m_sim **sims, int count)
{
    for (int i = 0; sims && i < count; i++) {
        lwm2m_sim *s = sims[i];
        if (!s)
            continue;
        for (int k = 0; k < SIM_MAX_INST; k++)
            if (s->inst[k].used)
                sim_drop(&s->inst[k]);
        for (size_t k = 0; k < s->nev; k++)
            free(s->ev[k].payload);
        free(s);
    }
    free(sims);
}

lwm2m_sim_phase lwm2m_sim_phase_of(const lwm2m_sim *s)
{
    return s->phase;
}
const char *lwm2m_sim_error(const lwm2m_sim *s)
{
    return s->error;
}
int lwm2m_sim_request_code(const lwm2m_sim *s)
{
    return s->request_code;
}
size_t lwm2m_sim_nevents(const lwm2m_sim *s)
{
    return s->nev;
}
const lwm2m_sim_event *lwm2m_sim_event_at(const lwm2m_sim *s, size_t i)
{
    return i < s->nev ? &s->ev[i] : NULL;
}
const lwm2m_list *lwm2m_sim_instance(const lwm2m_sim *s, uint16_t obj, uint16_t inst)
{
    for (int i = 0; i < SIM_MAX_INST; i++)
        if (s->inst[i].used && s->inst[i].obj == obj && s->inst[i].inst == inst)
            return &s->inst[i].vals;
    return NULL;
}
double lwm2m_sim_bootstrap_ms(const lwm2m_sim *s)
{
    return s->t_finish ? s->t_finish - s->t0 : -1;
}
double lwm2m_sim_register_ms(const lwm2m_sim *s)
{
    return s->t_reg ? s->t_reg - s->t0 : -1;
}
const char *lwm2m_sim_location(const lwm2m_sim *s)
{
    return s->location;
}
