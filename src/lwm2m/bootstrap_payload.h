/* bootstrap_payload.h -- the Bootstrap-Write payloads that point a thing at
 * its owner's VM: one Security object instance (/0/N) and one Server object
 * instance (/1/N), encoded in the format chosen for the client.
 *
 * What is written, and why (values the configuration does not set come
 * from lwm2m_bootstrap_config_init()):
 *
 * Security /0/N, resources in id order:
 *   0 LwM2M Server URI   the VM's LwM2M server, coap:// (NoSec) or coaps:// (PSK)
 *   1 Bootstrap-Server   false: this is a DM server account
 *   2 Security Mode      3 NoSec or 0 PSK
 *   3 Public Key or Identity   PSK identity (opaque, the identity's bytes)
 *   5 Secret Key         PSK key
 *   10 Short Server ID   pairs this account with /1/N
 * For NoSec, 3/4/5 are omitted and for PSK 4 is omitted: Transport §5.2.9
 * says the Bootstrap-Server SHOULD omit unused key resources. 11 and 12 only
 * concern a bootstrap-server account and are not written.
 *
 * Server /1/N:
 *   0 Short Server ID, 1 Lifetime (default 300 s: a dead thing shows within
 *   five minutes, at one Update per five minutes), 6 Notification Storing
 *   (default true: readings taken while the VM is unreachable are kept and
 *   sent later), 7 Binding (default "U").
 *   16 Bootstrap on Registration Failure (default true) for 1.1 and 1.2
 *   clients only, so that a thing whose VM moved or was re-created comes
 *   back to the bootstrap server by itself.
 * Nothing else: resources 13-15 and 17-20 keep the client's defaults (the
 * spec's retry counts and timers). The thesis system wrote 13-20 as zeros to
 * every client, which a strict 1.0 client rejects as unknown resources and
 * which turns registration retries off on a 1.1 client. No 1.1-only
 * resource ever reaches a 1.0 client.
 */
#ifndef LWM2M_BOOTSTRAP_PAYLOAD_H
#define LWM2M_BOOTSTRAP_PAYLOAD_H

#include "lwm2m_data.h"

typedef enum lwm2m_security_mode {
    LWM2M_SEC_PSK = 0,
    LWM2M_SEC_RPK = 1,  /* not supported here */
    LWM2M_SEC_CERT = 2, /* not supported here */
    LWM2M_SEC_NOSEC = 3,
} lwm2m_security_mode;

typedef struct lwm2m_bootstrap_config {
    const char *server_uri;     /* e.g. "coaps://192.0.2.7:5684" */
    uint16_t short_server_id;   /* 1..65534 */
    uint16_t security_instance; /* N of /0/N */
    uint16_t server_instance;   /* N of /1/N */
    lwm2m_security_mode mode;   /* LWM2M_SEC_NOSEC or LWM2M_SEC_PSK */
    const char *psk_identity;   /* PSK: UTF-8, 1..128 bytes; NULL for NoSec */
    const uint8_t *psk_key;     /* PSK: 1..64 bytes; NULL for NoSec */
    size_t psk_key_len;
    uint32_t lifetime;   /* seconds, >= 1 */
    const char *binding; /* 1.0: U UQ S SQ US UQS; 1.1+: letters of U T S N */
    bool notification_storing;
    lwm2m_version version;                  /* the client's LwM2M version */
    bool bootstrap_on_registration_failure; /* written to 1.1+ clients only */
} lwm2m_bootstrap_config;

/* Limits from LwM2M Transport §5.2.9.1: clients and servers must support
 * PSK identities up to 128 bytes and keys up to 64 bytes. */
#define LWM2M_PSK_IDENTITY_MAX 128
#define LWM2M_PSK_KEY_MAX 64
#define LWM2M_URI_MAX 255

/* Defaults: NoSec, lifetime 300, binding "U", notification storing on,
 * version 1.0 (the safe assumption until a Discover says otherwise),
 * bootstrap on registration failure on, instance and server ids 1. */
void lwm2m_bootstrap_config_init(lwm2m_bootstrap_config *c);

/* Checks a configuration; the message names the offending field. */
int lwm2m_bootstrap_check(const lwm2m_bootstrap_config *c, lwm2m_err *err);

/* The resource values of /0/N and /1/N (appended to out). */
int lwm2m_bootstrap_security_values(const lwm2m_bootstrap_config *c, lwm2m_list *out,
                                    lwm2m_err *err);
int lwm2m_bootstrap_server_values(const lwm2m_bootstrap_config *c, lwm2m_list *out, lwm2m_err *err);

/* One Bootstrap-Write request: PUT path, Content-Format cf, payload. */
typedef struct lwm2m_bootstrap_write {
    lwm2m_path path;
    int content_format;
    lwm2m_buf payload;
} lwm2m_bootstrap_write;

/* Builds the write of /0/N or /1/N in format cf (TLV, SenML JSON or SenML
 * CBOR; SenML is refused for a 1.0 client). The caller frees w->payload
 * with lwm2m_buf_free() (also after a failure). */
int lwm2m_bootstrap_write_security(const lwm2m_bootstrap_config *c, int cf,
                                   lwm2m_bootstrap_write *w, lwm2m_err *err);
int lwm2m_bootstrap_write_server(const lwm2m_bootstrap_config *c, int cf, lwm2m_bootstrap_write *w,
                                 lwm2m_err *err);

#endif
