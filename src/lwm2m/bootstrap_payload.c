/* bootstrap_payload.c -- builds the Security and Server instances a thing
 * receives during bootstrap (see bootstrap_payload.h for the values and the
 * reasons behind them). The configuration is checked first, so a bad URI,
 * an out-of-range short server id or a PSK that no client could store is
 * reported here, by field, and never reaches a device.
 */
#include "bootstrap_payload.h"

#include <string.h>

#include "lwm2m_format.h"

void lwm2m_bootstrap_config_init(lwm2m_bootstrap_config *c)
{
    memset(c, 0, sizeof *c);
    c->short_server_id = 1;
    c->security_instance = 1;
    c->server_instance = 1;
    c->mode = LWM2M_SEC_NOSEC;
    c->lifetime = 300;
    c->binding = "U";
    c->notification_storing = true;
    c->version = LWM2M_V1_0;
    c->bootstrap_on_registration_failure = true;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The scheme must match the security mode: coap for NoSec, coaps for PSK;
 * the TCP schemes exist from 1.1 on. A host must follow. */
static int check_uri(const lwm2m_bootstrap_config *c, lwm2m_err *err)
{
    if (!c->server_uri || !*c->server_uri) {
        lwm2m_err_set(err, "server_uri: missing");
        return -1;
    }
    size_t n = strlen(c->server_uri);
    if (n > LWM2M_URI_MAX || !lwm2m_utf8_valid((const uint8_t *)c->server_uri, n)) {
        lwm2m_err_set(err, "server_uri: longer than %d bytes or not UTF-8", LWM2M_URI_MAX);
        return -1;
    }
    bool secure = c->mode == LWM2M_SEC_PSK;
    const char *udp = secure ? "coaps://" : "coap://";
    const char *tcp = secure ? "coaps+tcp://" : "coap+tcp://";
    const char *rest = NULL;
    if (starts_with(c->server_uri, udp))
        rest = c->server_uri + strlen(udp);
    else if (c->version >= LWM2M_V1_1 && starts_with(c->server_uri, tcp))
        rest = c->server_uri + strlen(tcp);
    if (!rest) {
        lwm2m_err_set(err, "server_uri: must start with %s%s%s for %s", udp,
                      c->version >= LWM2M_V1_1 ? " or " : "", c->version >= LWM2M_V1_1 ? tcp : "",
                      secure ? "PSK" : "NoSec");
        return -1;
    }
    if (!*rest || *rest == '/' || *rest == ':') {
        lwm2m_err_set(err, "server_uri: no host");
        return -1;
    }
    return 0;
}

static int check_security(const lwm2m_bootstrap_config *c, lwm2m_err *err)
{
    if (c->mode == LWM2M_SEC_NOSEC) {
        if (c->psk_identity || c->psk_key || c->psk_key_len) {
            lwm2m_err_set(err, "psk: NoSec takes no identity or key");
            return -1;
        }
        return 0;
    }
    if (c->mode != LWM2M_SEC_PSK) {
        lwm2m_err_set(err, "mode: only NoSec (3) and PSK (0) are supported, not %d", (int)c->mode);
        return -1;
    }
    size_t idl = c->psk_identity ? strlen(c->psk_identity) : 0;
    if (idl == 0 || idl > LWM2M_PSK_IDENTITY_MAX ||
        !lwm2m_utf8_valid((const uint8_t *)c->psk_identity, idl)) {
        lwm2m_err_set(err, "psk_identity: must be 1..%d bytes of UTF-8", LWM2M_PSK_IDENTITY_MAX);
        return -1;
    }
    if (!c->psk_key || c->psk_key_len == 0 || c->psk_key_len > LWM2M_PSK_KEY_MAX) {
        lwm2m_err_set(err, "psk_key: must be 1..%d bytes", LWM2M_PSK_KEY_MAX);
        return -1;
    }
    return 0;
}

/* 1.0 lists the allowed bindings; 1.1 made it a set of transport letters
 * (queue mode moved to the registration's Q parameter). */
static int check_binding(const lwm2m_bootstrap_config *c, lwm2m_err *err)
{
    static const char *const v10[] = {"U", "UQ", "S", "SQ", "US", "UQS"};
    const char *b = c->binding;
    if (!b || !*b) {
        lwm2m_err_set(err, "binding: missing");
        return -1;
    }
    if (c->version == LWM2M_V1_0) {
        for (size_t i = 0; i < sizeof v10 / sizeof v10[0]; i++)
            if (!strcmp(b, v10[i]))
                return 0;
        lwm2m_err_set(err, "binding: \"%.16s\" is not a LwM2M 1.0 binding (U, UQ, S, SQ, US, UQS)",
                      b);
        return -1;
    }
    for (size_t i = 0; b[i]; i++) {
        if (!strchr("UTSN", b[i]) || strchr(b + i + 1, b[i])) {
            lwm2m_err_set(err, "binding: \"%.16s\" must be distinct letters of U, T, S, N", b);
            return -1;
        }
    }
    return 0;
}

int lwm2m_bootstrap_check(const lwm2m_bootstrap_config *c, lwm2m_err *err)
{
    if (c->version != LWM2M_V1_0 && c->version != LWM2M_V1_1 && c->version != LWM2M_V1_2) {
        lwm2m_err_set(err, "version: must be 1.0, 1.1 or 1.2");
        return -1;
    }
    if (c->short_server_id < 1 || c->short_server_id > LWM2M_MAX_ID) {
        lwm2m_err_set(err, "short_server_id: must be 1..65534, not %u",
                      (unsigned)c->short_server_id);
        return -1;
    }
    if (c->security_instance > LWM2M_MAX_ID || c->server_instance > LWM2M_MAX_ID) {
        lwm2m_err_set(err, "instance: 65535 is reserved");
        return -1;
    }
    if (c->lifetime < 1 || c->lifetime > INT32_MAX) {
        lwm2m_err_set(err, "lifetime: must be 1..2147483647 seconds");
        return -1;
    }
    if (check_security(c, err) < 0 || check_uri(c, err) < 0 || check_binding(c, err) < 0)
        return -1;
    return 0;
}

static int oom(lwm2m_err *err)
{
    lwm2m_err_set(err, "out of memory");
    return -1;
}

int lwm2m_bootstrap_security_values(const lwm2m_bootstrap_config *c, lwm2m_list *out,
                                    lwm2m_err *err)
{
    if (lwm2m_bootstrap_check(c, err) < 0)
        return -1;
    uint16_t o = LWM2M_OBJ_SECURITY, i = c->security_instance;
    size_t mark = out->len;
    int rc = 0;
    rc |= lwm2m_list_add_string(out, lwm2m_path_make(3, o, i, 0, 0), c->server_uri,
                                strlen(c->server_uri));
    rc |= lwm2m_list_add_bool(out, lwm2m_path_make(3, o, i, 1, 0), false);
    rc |= lwm2m_list_add_int(out, lwm2m_path_make(3, o, i, 2, 0), c->mode);
    if (c->mode == LWM2M_SEC_PSK) {
        rc |= lwm2m_list_add_opaque(out, lwm2m_path_make(3, o, i, 3, 0), c->psk_identity,
                                    strlen(c->psk_identity));
        rc |=
            lwm2m_list_add_opaque(out, lwm2m_path_make(3, o, i, 5, 0), c->psk_key, c->psk_key_len);
    }
    rc |= lwm2m_list_add_int(out, lwm2m_path_make(3, o, i, 10, 0), c->short_server_id);
    if (rc) {
        lwm2m_list_truncate(out, mark);
        return oom(err);
    }
    return 0;
}

int lwm2m_bootstrap_server_values(const lwm2m_bootstrap_config *c, lwm2m_list *out, lwm2m_err *err)
{
    if (lwm2m_bootstrap_check(c, err) < 0)
        return -1;
    uint16_t o = LWM2M_OBJ_SERVER, i = c->server_instance;
    size_t mark = out->len;
    int rc = 0;
    rc |= lwm2m_list_add_int(out, lwm2m_path_make(3, o, i, 0, 0), c->short_server_id);
    rc |= lwm2m_list_add_int(out, lwm2m_path_make(3, o, i, 1, 0), c->lifetime);
    rc |= lwm2m_list_add_bool(out, lwm2m_path_make(3, o, i, 6, 0), c->notification_storing);
    rc |=
        lwm2m_list_add_string(out, lwm2m_path_make(3, o, i, 7, 0), c->binding, strlen(c->binding));
    if (c->version >= LWM2M_V1_1)
        rc |= lwm2m_list_add_bool(out, lwm2m_path_make(3, o, i, 16, 0),
                                  c->bootstrap_on_registration_failure);
    if (rc) {
        lwm2m_list_truncate(out, mark);
        return oom(err);
    }
    return 0;
}

typedef int (*values_fn)(const lwm2m_bootstrap_config *, lwm2m_list *, lwm2m_err *);

static int build_write(const lwm2m_bootstrap_config *c, int cf, uint16_t obj, uint16_t inst,
                       values_fn values, lwm2m_bootstrap_write *w, lwm2m_err *err)
{
    lwm2m_list l = LWM2M_LIST_INIT;
    memset(w, 0, sizeof *w);
    w->path = lwm2m_path_make(2, obj, inst, 0, 0);
    w->content_format = cf;
    if (!lwm2m_format_supported(cf)) {
        lwm2m_err_set(err, "content format %d (%s) is not supported", cf, lwm2m_format_name(cf));
        return -1;
    }
    if (cf != LWM2M_CF_TLV && c->version == LWM2M_V1_0) {
        lwm2m_err_set(err, "%s: LwM2M 1.0 clients only read TLV", lwm2m_format_name(cf));
        return -1;
    }
    int rc = values(c, &l, err);
    if (rc == 0)
        rc = lwm2m_encode(cf, &l, &w->path, &w->payload, err);
    lwm2m_list_free(&l);
    return rc;
}

int lwm2m_bootstrap_write_security(const lwm2m_bootstrap_config *c, int cf,
                                   lwm2m_bootstrap_write *w, lwm2m_err *err)
{
    return build_write(c, cf, LWM2M_OBJ_SECURITY, c->security_instance,
                       lwm2m_bootstrap_security_values, w, err);
}

int lwm2m_bootstrap_write_server(const lwm2m_bootstrap_config *c, int cf, lwm2m_bootstrap_write *w,
                                 lwm2m_err *err)
{
    return build_write(c, cf, LWM2M_OBJ_SERVER, c->server_instance, lwm2m_bootstrap_server_values,
                       w, err);
}
