/* lwm2m_data.c -- value lists, paths, buffers and the built-in object models.
 *
 * The object tables below transcribe the OMA object definitions (Security /0
 * 1.2, Server /1 1.1, Access Control /2 1.0, Device /3 1.1) as far as the
 * codecs need them: id, type, multiplicity, mandatory flag and the version
 * that introduced a resource. The bootstrap payload builder uses `since` to
 * keep 1.1-only resources away from 1.0 clients.
 */
#include "lwm2m_data.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lwm2m_type_name(lwm2m_type t)
{
    switch (t) {
    case LWM2M_TYPE_NONE:
        return "none";
    case LWM2M_TYPE_STRING:
        return "string";
    case LWM2M_TYPE_OPAQUE:
        return "opaque";
    case LWM2M_TYPE_INTEGER:
        return "integer";
    case LWM2M_TYPE_UNSIGNED:
        return "unsigned integer";
    case LWM2M_TYPE_FLOAT:
        return "float";
    case LWM2M_TYPE_BOOLEAN:
        return "boolean";
    case LWM2M_TYPE_OBJLNK:
        return "objlnk";
    case LWM2M_TYPE_TIME:
        return "time";
    }
    return "?";
}

/* ---- paths ---- */

lwm2m_path lwm2m_path_make(int len, uint16_t o, uint16_t i, uint16_t r, uint16_t ri)
{
    lwm2m_path p = {{o, i, r, ri}, (uint8_t)len};
    for (int k = len; k < 4; k++)
        p.id[k] = 0;
    return p;
}

bool lwm2m_path_under(const lwm2m_path *p, const lwm2m_path *prefix)
{
    if (p->len < prefix->len)
        return false;
    for (int k = 0; k < prefix->len; k++)
        if (p->id[k] != prefix->id[k])
            return false;
    return true;
}

bool lwm2m_path_equal(const lwm2m_path *a, const lwm2m_path *b)
{
    return a->len == b->len && lwm2m_path_under(a, b);
}

size_t lwm2m_path_format(const lwm2m_path *p, char *out, size_t cap)
{
    size_t n = 0;
    if (cap)
        out[0] = '\0';
    if (p->len == 0)
        return (size_t)snprintf(out, cap, "/");
    for (int k = 0; k < p->len && k < 4; k++) {
        int w = snprintf(out + n, n < cap ? cap - n : 0, "/%u", (unsigned)p->id[k]);
        if (w > 0)
            n += (size_t)w;
        if (n >= cap)
            n = cap ? cap - 1 : 0;
    }
    return n;
}

/* ---- lists ---- */

void lwm2m_list_truncate(lwm2m_list *l, size_t n)
{
    for (size_t i = n; i < l->len; i++) {
        lwm2m_type t = l->items[i].type;
        if (t == LWM2M_TYPE_STRING || t == LWM2M_TYPE_OPAQUE)
            free(l->items[i].v.bytes.ptr);
    }
    if (n < l->len)
        l->len = n;
}

void lwm2m_list_free(lwm2m_list *l)
{
    lwm2m_list_truncate(l, 0);
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

static lwm2m_value *list_push(lwm2m_list *l, lwm2m_path p, lwm2m_type t)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        lwm2m_value *n = realloc(l->items, cap * sizeof *n);
        if (!n)
            return NULL;
        l->items = n;
        l->cap = cap;
    }
    lwm2m_value *v = &l->items[l->len++];
    memset(v, 0, sizeof *v);
    v->path = p;
    v->type = t;
    return v;
}

static int list_add_bytes(lwm2m_list *l, lwm2m_path p, lwm2m_type t, const void *data, size_t len)
{
    uint8_t *copy = malloc(len + 1);
    if (!copy)
        return -1;
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    lwm2m_value *v = list_push(l, p, t);
    if (!v) {
        free(copy);
        return -1;
    }
    v->v.bytes.ptr = copy;
    v->v.bytes.len = len;
    return 0;
}

int lwm2m_list_add_none(lwm2m_list *l, lwm2m_path p)
{
    return list_push(l, p, LWM2M_TYPE_NONE) ? 0 : -1;
}

int lwm2m_list_add_string(lwm2m_list *l, lwm2m_path p, const char *s, size_t len)
{
    return list_add_bytes(l, p, LWM2M_TYPE_STRING, s, len);
}

int lwm2m_list_add_opaque(lwm2m_list *l, lwm2m_path p, const void *data, size_t len)
{
    return list_add_bytes(l, p, LWM2M_TYPE_OPAQUE, data, len);
}

int lwm2m_list_add_int(lwm2m_list *l, lwm2m_path p, int64_t x)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_INTEGER);
    if (v)
        v->v.i = x;
    return v ? 0 : -1;
}

int lwm2m_list_add_time(lwm2m_list *l, lwm2m_path p, int64_t x)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_TIME);
    if (v)
        v->v.i = x;
    return v ? 0 : -1;
}

int lwm2m_list_add_uint(lwm2m_list *l, lwm2m_path p, uint64_t x)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_UNSIGNED);
    if (v)
        v->v.u = x;
    return v ? 0 : -1;
}

int lwm2m_list_add_float(lwm2m_list *l, lwm2m_path p, double x)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_FLOAT);
    if (v)
        v->v.f = x;
    return v ? 0 : -1;
}

int lwm2m_list_add_bool(lwm2m_list *l, lwm2m_path p, bool x)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_BOOLEAN);
    if (v)
        v->v.b = x;
    return v ? 0 : -1;
}

int lwm2m_list_add_objlnk(lwm2m_list *l, lwm2m_path p, uint16_t obj, uint16_t inst)
{
    lwm2m_value *v = list_push(l, p, LWM2M_TYPE_OBJLNK);
    if (v) {
        v->v.lnk.obj = obj;
        v->v.lnk.inst = inst;
    }
    return v ? 0 : -1;
}

int lwm2m_list_add(lwm2m_list *l, const lwm2m_value *src)
{
    if (src->type == LWM2M_TYPE_STRING || src->type == LWM2M_TYPE_OPAQUE)
        return list_add_bytes(l, src->path, src->type, src->v.bytes.ptr, src->v.bytes.len);
    lwm2m_value *v = list_push(l, src->path, src->type);
    if (!v)
        return -1;
    v->v = src->v;
    return 0;
}

const lwm2m_value *lwm2m_list_find(const lwm2m_list *l, const lwm2m_path *p)
{
    for (size_t i = 0; i < l->len; i++)
        if (lwm2m_path_equal(&l->items[i].path, p))
            return &l->items[i];
    return NULL;
}

bool lwm2m_value_equal(const lwm2m_value *a, const lwm2m_value *b)
{
    if (!lwm2m_path_equal(&a->path, &b->path) || a->type != b->type)
        return false;
    switch (a->type) {
    case LWM2M_TYPE_NONE:
        return true;
    case LWM2M_TYPE_STRING:
    case LWM2M_TYPE_OPAQUE:
        return a->v.bytes.len == b->v.bytes.len &&
               (a->v.bytes.len == 0 || memcmp(a->v.bytes.ptr, b->v.bytes.ptr, a->v.bytes.len) == 0);
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME:
        return a->v.i == b->v.i;
    case LWM2M_TYPE_UNSIGNED:
        return a->v.u == b->v.u;
    /* Bit equality so that NaN round-trips compare equal and -0 != 0. */
    case LWM2M_TYPE_FLOAT:
        return memcmp(&a->v.f, &b->v.f, sizeof(double)) == 0 || (isnan(a->v.f) && isnan(b->v.f));
    case LWM2M_TYPE_BOOLEAN:
        return a->v.b == b->v.b;
    case LWM2M_TYPE_OBJLNK:
        return a->v.lnk.obj == b->v.lnk.obj && a->v.lnk.inst == b->v.lnk.inst;
    }
    return false;
}

/* O(n^2), fine for test-sized lists; duplicates are matched one to one. */
bool lwm2m_list_same(const lwm2m_list *a, const lwm2m_list *b)
{
    if (a->len != b->len)
        return false;
    bool *used = calloc(b->len ? b->len : 1, sizeof *used);
    if (!used)
        return false;
    bool ok = true;
    for (size_t i = 0; i < a->len && ok; i++) {
        ok = false;
        for (size_t j = 0; j < b->len; j++) {
            if (!used[j] && lwm2m_value_equal(&a->items[i], &b->items[j])) {
                used[j] = true;
                ok = true;
                break;
            }
        }
    }
    free(used);
    return ok;
}

bool lwm2m_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

void lwm2m_err_set(lwm2m_err *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

/* ---- buffers ---- */

void lwm2m_buf_free(lwm2m_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

void lwm2m_buf_put(lwm2m_buf *b, const void *p, size_t n)
{
    if (b->oom || n == 0)
        return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->len < n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void lwm2m_buf_putc(lwm2m_buf *b, uint8_t c)
{
    lwm2m_buf_put(b, &c, 1);
}

/* ---- object models ---- */

#define S LWM2M_TYPE_STRING
#define O LWM2M_TYPE_OPAQUE
#define I LWM2M_TYPE_INTEGER
#define U LWM2M_TYPE_UNSIGNED
#define B LWM2M_TYPE_BOOLEAN
#define L LWM2M_TYPE_OBJLNK
#define T LWM2M_TYPE_TIME
#define E LWM2M_TYPE_NONE
#define V10 LWM2M_V1_0
#define V11 LWM2M_V1_1
#define V12 LWM2M_V1_2

/* {id, name, type, multiple, mandatory, executable, since} */
static const lwm2m_resource_def security_res[] = {
    {0, "LwM2M Server URI", S, false, true, false, V10},
    {1, "Bootstrap-Server", B, false, true, false, V10},
    {2, "Security Mode", I, false, true, false, V10},
    {3, "Public Key or Identity", O, false, true, false, V10},
    {4, "Server Public Key", O, false, true, false, V10},
    {5, "Secret Key", O, false, true, false, V10},
    {6, "SMS Security Mode", I, false, false, false, V10},
    {7, "SMS Binding Key Parameters", O, false, false, false, V10},
    {8, "SMS Binding Secret Key(s)", O, false, false, false, V10},
    {9, "LwM2M Server SMS Number", S, false, false, false, V10},
    {10, "Short Server ID", I, false, false, false, V10},
    {11, "Client Hold Off Time", I, false, false, false, V10},
    {12, "Bootstrap-Server Account Timeout", I, false, false, false, V10},
    {13, "Matching Type", U, false, false, false, V11},
    {14, "SNI", S, false, false, false, V11},
    {15, "Certificate Usage", U, false, false, false, V11},
    {16, "DTLS/TLS Ciphersuite", U, true, false, false, V11},
    {17, "OSCORE Security Mode", L, false, false, false, V11},
    {18, "Groups To Use by Client", U, true, false, false, V12},
    {19, "Signature Algorithms Supported by Server", U, true, false, false, V12},
    {20, "Signature Algorithms To Use by Client", U, true, false, false, V12},
    {21, "Signature Algorithm Certs Supported by Server", U, true, false, false, V12},
    {22, "TLS 1.3 Features To Use by Client", U, false, false, false, V12},
    {23, "TLS Extensions Supported by Server", U, false, false, false, V12},
    {24, "TLS Extensions To Use by Client", U, false, false, false, V12},
    {25, "Secondary LwM2M Server URI", S, true, false, false, V12},
    {26, "MQTT Server", L, false, false, false, V12},
    {27, "LwM2M COSE Security", L, true, false, false, V12},
    {28, "RDS Destination Port", I, false, false, false, V12},
    {29, "RDS Source Port", I, false, false, false, V12},
    {30, "RDS Application ID", S, false, false, false, V12},
};

static const lwm2m_resource_def server_res[] = {
    {0, "Short Server ID", I, false, true, false, V10},
    {1, "Lifetime", I, false, true, false, V10},
    {2, "Default Minimum Period", I, false, false, false, V10},
    {3, "Default Maximum Period", I, false, false, false, V10},
    {4, "Disable", E, false, false, true, V10},
    {5, "Disable Timeout", I, false, false, false, V10},
    {6, "Notification Storing When Disabled or Offline", B, false, true, false, V10},
    {7, "Binding", S, false, true, false, V10},
    {8, "Registration Update Trigger", E, false, true, true, V10},
    {9, "Bootstrap-Request Trigger", E, false, false, true, V11},
    {10, "APN Link", L, false, false, false, V11},
    {11, "TLS-DTLS Alert Code", U, false, false, false, V11},
    {12, "Last Bootstrapped", T, false, false, false, V11},
    {13, "Registration Priority Order", U, false, false, false, V11},
    {14, "Initial Registration Delay Timer", U, false, false, false, V11},
    {15, "Registration Failure Block", B, false, false, false, V11},
    {16, "Bootstrap on Registration Failure", B, false, false, false, V11},
    {17, "Communication Retry Count", U, false, false, false, V11},
    {18, "Communication Retry Timer", U, false, false, false, V11},
    {19, "Communication Sequence Delay Timer", U, false, false, false, V11},
    {20, "Communication Sequence Retry Count", U, false, false, false, V11},
    {21, "Trigger", B, false, false, false, V11},
    {22, "Preferred Transport", S, false, false, false, V11},
    {23, "Mute Send", B, false, false, false, V11},
};

static const lwm2m_resource_def acl_res[] = {
    {0, "Object ID", I, false, true, false, V10},
    {1, "Object Instance ID", I, false, true, false, V10},
    {2, "ACL", I, true, false, false, V10},
    {3, "Access Control Owner", I, false, true, false, V10},
};

static const lwm2m_resource_def device_res[] = {
    {0, "Manufacturer", S, false, false, false, V10},
    {1, "Model Number", S, false, false, false, V10},
    {2, "Serial Number", S, false, false, false, V10},
    {3, "Firmware Version", S, false, false, false, V10},
    {4, "Reboot", E, false, true, true, V10},
    {5, "Factory Reset", E, false, false, true, V10},
    {6, "Available Power Sources", I, true, false, false, V10},
    {7, "Power Source Voltage", I, true, false, false, V10},
    {8, "Power Source Current", I, true, false, false, V10},
    {9, "Battery Level", I, false, false, false, V10},
    {10, "Memory Free", I, false, false, false, V10},
    {11, "Error Code", I, true, true, false, V10},
    {12, "Reset Error Code", E, false, false, true, V10},
    {13, "Current Time", T, false, false, false, V10},
    {14, "UTC Offset", S, false, false, false, V10},
    {15, "Timezone", S, false, false, false, V10},
    {16, "Supported Binding and Modes", S, false, true, false, V10},
    {17, "Device Type", S, false, false, false, V10},
    {18, "Hardware Version", S, false, false, false, V10},
    {19, "Software Version", S, false, false, false, V10},
    {20, "Battery Status", I, false, false, false, V10},
    {21, "Memory Total", I, false, false, false, V10},
    {22, "ExtDevInfo", L, true, false, false, V11},
};

#define NRES(a) (sizeof(a) / sizeof((a)[0]))

static const lwm2m_object_def objects[] = {
    {LWM2M_OBJ_SECURITY, "LwM2M Security", true, security_res, NRES(security_res)},
    {LWM2M_OBJ_SERVER, "LwM2M Server", true, server_res, NRES(server_res)},
    {LWM2M_OBJ_ACL, "LwM2M Access Control", true, acl_res, NRES(acl_res)},
    {LWM2M_OBJ_DEVICE, "Device", false, device_res, NRES(device_res)},
};

const lwm2m_object_def *lwm2m_object_find(uint16_t obj)
{
    for (size_t i = 0; i < NRES(objects); i++)
        if (objects[i].id == obj)
            return &objects[i];
    return NULL;
}

const lwm2m_resource_def *lwm2m_resource_find(uint16_t obj, uint16_t res)
{
    const lwm2m_object_def *o = lwm2m_object_find(obj);
    if (!o)
        return NULL;
    /* Tables are dense and sorted by id. */
    if (res < o->nres && o->res[res].id == res)
        return &o->res[res];
    return NULL;
}

lwm2m_type lwm2m_builtin_type(const lwm2m_path *p, void *ctx)
{
    (void)ctx;
    if (p->len < 3)
        return LWM2M_TYPE_NONE;
    const lwm2m_resource_def *r = lwm2m_resource_find(p->id[0], p->id[2]);
    return r ? r->type : LWM2M_TYPE_NONE;
}
