/* thing_sim.h -- an LwM2M client simulator (the engine of `epfiot-thing`).
 *
 * Each simulated thing keeps a real in-memory object store: its own
 * bootstrap-server account at /0/bs_instance (no ssid, like a factory-
 * provisioned device; Anjay keeps it at /0/1), /3/0 Device, and whatever the
 * bootstrap server writes. It bootstraps client-initiated (POST /bs?ep=[&pct=])
 * over CoAP or DTLS-PSK, answers Discover / Delete / Write / Finish as a
 * conforming client (Delete spares the BS account and /3/0, Finish checks
 * the configuration and answers 4.06 when it is inconsistent), then
 * registers (POST /rd?ep=&lt=&lwm2m=&b=) with the server it was given.
 *
 * Many things can run at once in one CoAP context (benchmarks): each has its
 * own client session, hence its own UDP port. Everything runs on the
 * caller's thread inside lwm2m_sim_run().
 *
 * For tests a thing can misbehave on purpose: never answer a step, answer a
 * step with a given code, answer Finish with a given code. A 1.0 thing is
 * strict: it refuses SenML (4.15) and resources its object versions lack
 * (4.00), as a strict 1.0 client may.
 */
#ifndef LWM2M_THING_SIM_H
#define LWM2M_THING_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m_data.h"

typedef struct lwm2m_sim_opts {
    const char *host; /* bootstrap server address, "127.0.0.1" */
    int port;
    bool dtls; /* DTLS-PSK towards the bootstrap server */
    const char *psk_identity;
    const uint8_t *psk_key;
    size_t psk_key_len;
    const char *endpoint;  /* with count > 1: endpoint + "-" + index */
    lwm2m_version version; /* default 1.1 */
    int format;            /* pct to send (1.1+), 0: none */
    uint16_t bs_instance;  /* id of its own BS account in /0, default 0 */
    bool send_ep;          /* default true; false tests the missing-ep case */
    bool old_account;      /* also provisioned with a DM account /0/5 + /1/5 (ssid 9) */
    bool do_register;      /* register with the server it was given */
    /* misbehaviour: step names "discover", "delete", "write", "finish" */
    const char *never_answer;
    const char *answer_step;
    int answer_code;     /* e.g. 400 for answer_step */
    int finish_code;     /* 0: the real consistency check */
    unsigned timeout_ms; /* whole run; default 60000 */
    bool verbose;        /* print each step to stdout */
} lwm2m_sim_opts;

void lwm2m_sim_opts_init(lwm2m_sim_opts *o);

/* One request the thing received from the bootstrap server. */
typedef struct lwm2m_sim_event {
    char method[8];
    char path[24];
    int content_format; /* -1 none */
    uint8_t *payload;   /* owned by the thing */
    size_t len;
    int answered; /* code sent back, 0 none */
} lwm2m_sim_event;

typedef enum lwm2m_sim_phase {
    LWM2M_SIM_START = 0,
    LWM2M_SIM_REQUESTED,     /* Bootstrap-Request sent */
    LWM2M_SIM_BOOTSTRAPPING, /* 2.04 received */
    LWM2M_SIM_FINISHED,      /* Finish answered 2.04 */
    LWM2M_SIM_REGISTERING,
    LWM2M_SIM_REGISTERED,
    LWM2M_SIM_FAILED,
} lwm2m_sim_phase;

typedef struct lwm2m_sim lwm2m_sim;

/* Runs `count` things concurrently until each is done (registered, or
 * bootstrapped when do_register is false, or failed) or the timeout.
 * Returns the things (free with lwm2m_sim_free_all) or NULL. */
lwm2m_sim **lwm2m_sim_run(const lwm2m_sim_opts *o, int count);
void lwm2m_sim_free_all(lwm2m_sim **sims, int count);

lwm2m_sim_phase lwm2m_sim_phase_of(const lwm2m_sim *s);
const char *lwm2m_sim_error(const lwm2m_sim *s);
int lwm2m_sim_request_code(const lwm2m_sim *s); /* answer to POST /bs, e.g. 204 */
size_t lwm2m_sim_nevents(const lwm2m_sim *s);
const lwm2m_sim_event *lwm2m_sim_event_at(const lwm2m_sim *s, size_t i);
/* The store: values of /obj/inst, or NULL if the instance does not exist. */
const lwm2m_list *lwm2m_sim_instance(const lwm2m_sim *s, uint16_t obj, uint16_t inst);
/* Milliseconds from the Bootstrap-Request to Finish, and to Register. */
double lwm2m_sim_bootstrap_ms(const lwm2m_sim *s);
double lwm2m_sim_register_ms(const lwm2m_sim *s);
const char *lwm2m_sim_location(const lwm2m_sim *s); /* "/rd/ID" after Register */

#endif
