/* bs_server.h -- the LwM2M bootstrap server that points each thing at the
 * LwM2M server inside its owner's VM (issue 5), on libcoap3 (GnuTLS).
 *
 * The server knows nothing of tenants or VMs. The daemon (core/) gives it
 * three callbacks: `lookup` returns a thing's bootstrap configuration by
 * endpoint name (built from the model: VM address, server URI, keys...),
 * `psk` returns the bootstrap pre-shared key of a DTLS identity during the
 * handshake, and `outcome` hears every state change of a bootstrap
 * (BOOTSTRAPPING, BOOTSTRAPPED, FAILED with the step and response code).
 *
 * Client-initiated bootstrap, one request at a time (NSTART = 1), in
 * Leshan's order:
 *   POST /bs?ep=NAME[&pct=CF]   -> 2.04 (4.00 unknown endpoint or bad
 *                                  request, 4.15 unsupported pct)
 *   GET /  (Bootstrap-Discover) -> learns the client's LwM2M version and its
 *                                  own bootstrap-server account (the /0
 *                                  instance without ssid)
 *   DELETE /0/N for every other /0 instance, DELETE /1 (or the configured
 *                                  paths; never the BS account, never /)
 *   PUT /0/N, PUT /1/M           -> Security and Server writes, with N
 *                                  chosen so the BS account is never written
 *   POST /bs (Bootstrap-Finish)  -> BOOTSTRAPPED only when it gets 2.04
 *   GET /bspack                  -> 5.01: the client falls back to
 *                                  Bootstrap-Request (the spec's answer for a
 *                                  server that does not implement it)
 *
 * Duplicates and restarts: a Bootstrap-Request with the same message ID from
 * the same peer as the one that opened the running session is a
 * retransmission and is answered 2.04 again without touching the session; a
 * new message (another MID, or another peer) for an endpoint mid-session
 * cancels the old session (its late responses are ignored: tokens differ)
 * and starts again, as Leshan does.
 *
 * Threading: lwm2m_bs_start() runs the CoAP loop in its own thread; every
 * callback is called from that thread, one at a time, and blocks the loop
 * while it runs: lookups should read an in-memory copy of the model, not
 * wait on the database. lwm2m_bs_stop() ends the thread and frees
 * everything; sessions still running are reported FAILED ("server
 * stopped"). libcoap's global state (coap_startup) stays: the process calls
 * coap_cleanup() once at exit if it wants a clean leak report.
 *
 * Daemon wiring (issue 5, next round): core builds lwm2m_bs_thing from the
 * model (VM address -> server_uri, keys, lifetime...) in `lookup`, returns
 * a thing's bootstrap PSK in `psk`, and maps `outcome` to the thing's state
 * (REGISTERED -> BOOTSTRAPPING -> BOOTSTRAPPED(time) | FAILED(step, code)).
 * A VM address change needs nothing here: the next lookup sees it.
 *
 * Not implemented: Bootstrap-Pack (answered 5.01), ACL (/2) and OSCORE
 * writes, RPK/X.509.
 */
#ifndef LWM2M_BS_SERVER_H
#define LWM2M_BS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootstrap_payload.h"

#define LWM2M_BS_EP_MAX 128 /* endpoint name: 1..128 bytes, printable ASCII */
#define LWM2M_BS_MAX_DELETE 8

/* A thing's bootstrap configuration, filled by the lookup callback. Plain
 * arrays: the server copies it into the session, nothing is shared. */
typedef struct lwm2m_bs_thing {
    char server_uri[LWM2M_URI_MAX + 1]; /* "coap://10.0.0.5:5683" */
    uint16_t short_server_id;           /* 1..65534 */
    uint16_t security_instance;         /* preferred N of /0/N (moved off the BS account) */
    uint16_t server_instance;           /* M of /1/M */
    lwm2m_security_mode mode;           /* account on the VM's server: NOSEC or PSK */
    char psk_identity[LWM2M_PSK_IDENTITY_MAX + 1];
    uint8_t psk_key[LWM2M_PSK_KEY_MAX];
    size_t psk_key_len;
    uint32_t lifetime;
    char binding[8];
    bool notification_storing;
    bool bootstrap_on_registration_failure;
    int content_format; /* 0: none configured (pct, else TLV) */
    /* Paths to delete, e.g. "/0", "/1", "/2/3"; none means the default
     * ("/0" then "/1"). "/0" becomes one DELETE per non-BS /0 instance. */
    char delete_paths[LWM2M_BS_MAX_DELETE][16];
    int ndelete;
    /* Identity the thing must use towards the bootstrap server (DTLS-PSK);
     * empty allows plain CoAP. */
    char bs_psk_identity[LWM2M_PSK_IDENTITY_MAX + 1];
} lwm2m_bs_thing;

/* Fills t with defaults (those of lwm2m_bootstrap_config_init()). */
void lwm2m_bs_thing_init(lwm2m_bs_thing *t);
/* Points t at the LwM2M server of a VM: coap://ADDR:5683, or
 * coaps://ADDR:5684 when `secure`; IPv6 addresses in brackets. ADDR must be
 * an IP literal (the VM's address from the model). Returns 0 or -1. */
int lwm2m_bs_thing_set_vm(lwm2m_bs_thing *t, const char *vm_address, bool secure);

typedef enum lwm2m_bs_state {
    LWM2M_BS_BOOTSTRAPPING = 1,
    LWM2M_BS_BOOTSTRAPPED,
    LWM2M_BS_FAILED,
} lwm2m_bs_state;

const char *lwm2m_bs_state_name(lwm2m_bs_state s);

/* Steps of the sequence, for FAILED reports and traces. */
typedef enum lwm2m_bs_step {
    LWM2M_BS_STEP_REQUEST = 0,
    LWM2M_BS_STEP_DISCOVER,
    LWM2M_BS_STEP_DELETE,
    LWM2M_BS_STEP_WRITE_SECURITY,
    LWM2M_BS_STEP_WRITE_SERVER,
    LWM2M_BS_STEP_FINISH,
    LWM2M_BS_STEP_DONE,
} lwm2m_bs_step;

const char *lwm2m_bs_step_name(lwm2m_bs_step s);

typedef struct lwm2m_bs_outcome {
    const char *endpoint;
    lwm2m_bs_state state;
    lwm2m_bs_step step;    /* FAILED: where */
    int code;              /* FAILED: CoAP response code as class*100+detail (406), 0 if none */
    const char *reason;    /* FAILED: e.g. "finish rejected 4.06", "write /0/2 timed out" */
    lwm2m_version version; /* as learnt by Discover (1.0 before) */
    int content_format;    /* format of the writes */
} lwm2m_bs_outcome;

/* Returns 0 and fills *t, or -1 for an unknown endpoint. */
typedef int (*lwm2m_bs_lookup_fn)(const char *endpoint, lwm2m_bs_thing *t, void *user);
/* DTLS handshake: copies the bootstrap key of `identity` into key (cap
 * LWM2M_PSK_KEY_MAX) and returns its length, or -1 (handshake fails). */
typedef int (*lwm2m_bs_psk_fn)(const uint8_t *identity, size_t identity_len, uint8_t *key,
                               void *user);
typedef void (*lwm2m_bs_outcome_fn)(const lwm2m_bs_outcome *o, void *user);
/* Optional trace of every downlink request sent (tests, debug logs).
 * Payloads of Security writes contain keys: never log them as they are. */
typedef void (*lwm2m_bs_trace_fn)(const char *endpoint, const char *method, const char *path,
                                  int content_format, const uint8_t *payload, size_t len,
                                  void *user);

typedef struct lwm2m_bs_config {
    const char *address;         /* listen address, default "127.0.0.1" ("::" for all) */
    int coap_port;               /* 0: any free port (see lwm2m_bs_port); -1: no plain CoAP */
    int coaps_port;              /* -1: no DTLS (default); 0: any free port */
    unsigned request_timeout_ms; /* per downlink request; default 45000 (MAX_TRANSMIT_SPAN) */
    unsigned ack_timeout_ms;     /* CoAP ACK_TIMEOUT, default 2000; libcoap's minimum is 1000 */
    unsigned max_retransmit;     /* default 4 */
    unsigned max_sessions;       /* concurrent bootstraps, default 4096; beyond: 5.03 */
    unsigned max_endpoint_len;   /* default and upper bound LWM2M_BS_EP_MAX */
    /* Unknown endpoint names are bootstrapped with this endpoint's
     * configuration when set (Wakaama's default section); else 4.00. */
    const char *default_endpoint;
    lwm2m_bs_lookup_fn lookup;
    lwm2m_bs_psk_fn psk;
    lwm2m_bs_outcome_fn outcome;
    lwm2m_bs_trace_fn trace;
    void *user;
} lwm2m_bs_config;

void lwm2m_bs_config_init(lwm2m_bs_config *c);

typedef struct lwm2m_bs_server lwm2m_bs_server;

/* Binds the sockets and starts the server thread. Returns NULL on failure
 * with a message in err (cap bytes). */
lwm2m_bs_server *lwm2m_bs_start(const lwm2m_bs_config *c, char *err, size_t cap);
/* The bound ports (useful with port 0). */
int lwm2m_bs_port(const lwm2m_bs_server *s, bool dtls);
/* Number of sessions in progress (tests, metrics). Thread-safe. */
unsigned lwm2m_bs_active(lwm2m_bs_server *s);
void lwm2m_bs_stop(lwm2m_bs_server *s);

/* Endpoint name check: 1..max bytes of printable ASCII (0x21..0x7e). */
bool lwm2m_bs_endpoint_valid(const uint8_t *name, size_t len, size_t max);

/* Bootstrap-Discover payload parser (exposed for tests and the fuzzer):
 * the client's version (1.0 when absent) and its /0 instances, with which
 * of them is the bootstrap-server account (no ssid); -1 if none. */
typedef struct lwm2m_bs_discovery {
    lwm2m_version version;
    int bs_instance;
    uint16_t security[64]; /* /0 instances other than the BS account */
    int nsecurity;
    uint16_t server[64]; /* /1 instances */
    int nserver;
} lwm2m_bs_discovery;

int lwm2m_bs_parse_discover(const char *payload, size_t len, lwm2m_bs_discovery *d);

#endif
