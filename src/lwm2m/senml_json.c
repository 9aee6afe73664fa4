/* senml_json.c -- SenML JSON encoder (hand-written) and decoder (jansson).
 *
 * Decoding goes through jansson: it is the project's JSON parser, it rejects
 * duplicate keys on request and bounds nesting. Encoding is written by hand
 * because jansson prints reals with 17 significant digits (23.1 becomes
 * 23.100000000000001) and has no unsigned 64-bit integers; the writer below
 * prints the shortest text that reads back to the same double, and keeps
 * ".0" on integral floats so that a float resource stays a float for
 * decoders that do not know the resource.
 *
 * Known limit: jansson rejects integers outside the int64 range, so an
 * unsigned value above 2^63-1 can be encoded but not decoded in SenML JSON
 * (SenML CBOR carries it).
 */
#include "senml_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senml.h"

#define FMT "SenML JSON"

/* ---- base64 (RFC 4648 §5, url-safe alphabet) ---- */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put_base64url(lwm2m_buf *b, const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        char q[4] = {b64url[v >> 18], b64url[(v >> 12) & 63], b64url[(v >> 6) & 63],
                     b64url[v & 63]};
        lwm2m_buf_put(b, q, 4);
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        char q[2] = {b64url[v >> 18], b64url[(v >> 12) & 63]};
        lwm2m_buf_put(b, q, 2);
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        char q[3] = {b64url[v >> 18], b64url[(v >> 12) & 63], b64url[(v >> 6) & 63]};
        lwm2m_buf_put(b, q, 3);
    }
}

static int b64_val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

/* Accepts both alphabets (Wakaama writes the standard one) and optional
 * padding; rejects stray characters and non-zero leftover bits. Writes at
 * most n*3/4 bytes to out. Returns the length or -1. */
static long base64_decode(const char *s, size_t n, uint8_t *out)
{
    if (n % 4 == 0 && n >= 1 && s[n - 1] == '=')
        n -= (n >= 2 && s[n - 2] == '=') ? 2 : 1;
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val(s[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (acc & ((1u << bits) - 1))
        return -1;
    return (long)o;
}

/* ---- encoding ---- */

static void puts_(lwm2m_buf *b, const char *s)
{
    lwm2m_buf_put(b, s, strlen(s));
}

static void put_json_string(lwm2m_buf *b, const uint8_t *s, size_t n)
{
    lwm2m_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c;
            lwm2m_buf_put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            lwm2m_buf_put(b, esc, 6);
        } else {
            lwm2m_buf_putc(b, c);
        }
    }
    lwm2m_buf_putc(b, '"');
}

/* Shortest "%.*g" that strtod reads back exactly; ".0" keeps it a float. */
static void put_double(lwm2m_buf *b, double x)
{
    char s[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, x);
        if (strtod(s, NULL) == x)
            break;
    }
    if (!strpbrk(s, ".e"))
        strcat(s, ".0");
    puts_(b, s);
}

static int put_value(lwm2m_buf *b, const lwm2m_value *v, lwm2m_err *err)
{
    char num[32], ps[48];
    switch (v->type) {
    case LWM2M_TYPE_NONE:
        return 0;
    case LWM2M_TYPE_STRING:
        if (!lwm2m_utf8_valid(v->v.bytes.ptr, v->v.bytes.len)) {
            lwm2m_path_format(&v->path, ps, sizeof ps);
            lwm2m_err_set(err, FMT ": string %s is not valid UTF-8", ps);
            return -1;
        }
        puts_(b, ",\"vs\":");
        put_json_string(b, v->v.bytes.ptr, v->v.bytes.len);
        return 0;
    case LWM2M_TYPE_OPAQUE:
        puts_(b, ",\"vd\":\"");
        put_base64url(b, v->v.bytes.ptr, v->v.bytes.len);
        lwm2m_buf_putc(b, '"');
        return 0;
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME:
        snprintf(num, sizeof num, ",\"v\":%lld", (long long)v->v.i);
        puts_(b, num);
        return 0;
    case LWM2M_TYPE_UNSIGNED:
        snprintf(num, sizeof num, ",\"v\":%llu", (unsigned long long)v->v.u);
        puts_(b, num);
        return 0;
    case LWM2M_TYPE_FLOAT:
        if (!isfinite(v->v.f)) {
            lwm2m_path_format(&v->path, ps, sizeof ps);
            lwm2m_err_set(err, FMT ": float %s is not finite; JSON cannot carry it", ps);
            return -1;
        }
        puts_(b, ",\"v\":");
        put_double(b, v->v.f);
        return 0;
    case LWM2M_TYPE_BOOLEAN:
        puts_(b, v->v.b ? ",\"vb\":true" : ",\"vb\":false");
        return 0;
    case LWM2M_TYPE_OBJLNK:
        snprintf(num, sizeof num, ",\"vlo\":\"%u:%u\"", (unsigned)v->v.lnk.obj,
                 (unsigned)v->v.lnk.inst);
        puts_(b, num);
        return 0;
    }
    return -1;
}

int senml_json_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err)
{
    if (senml_check_list(FMT, l, base, err) < 0)
        return -1;
    size_t start = out->len, k = senml_prefix_len(l, base);
    char name[48];
    lwm2m_buf_putc(out, '[');
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_value *v = &l->items[i];
        puts_(out, i ? ",{" : "{");
        if (i == 0 && k > 0) {
            senml_base_name(base, k, name, sizeof name);
            puts_(out, "\"bn\":\"");
            puts_(out, name);
            puts_(out, "\",");
        }
        senml_rel_name(&v->path, k, name, sizeof name);
        puts_(out, "\"n\":\"");
        puts_(out, name);
        lwm2m_buf_putc(out, '"');
        if (put_value(out, v, err) < 0) {
            out->len = start;
            return -1;
        }
        lwm2m_buf_putc(out, '}');
    }
    lwm2m_buf_putc(out, ']');
    if (out->oom) {
        lwm2m_err_set(err, FMT ": out of memory");
        return -1;
    }
    return 0;
}

/* ---- decoding ---- */

static int bad_field(senml_dec *d, const char *key, const char *want)
{
    lwm2m_err_set(d->err, FMT ": record %zu: \"%s\" must be %s", d->index + 1, key, want);
    return -1;
}

static int set_kind(senml_dec *d, senml_record *r, senml_kind k)
{
    if (r->kind != SENML_NONE) {
        lwm2m_err_set(d->err, FMT ": record %zu has more than one value field", d->index + 1);
        return -1;
    }
    r->kind = k;
    return 0;
}

/* Fills r from one field; *data receives a malloc'ed buffer for "vd". */
static int read_field(senml_dec *d, senml_record *r, const char *key, json_t *val, uint8_t **data)
{
    if (!strcmp(key, "bn") || !strcmp(key, "n")) {
        if (!json_is_string(val))
            return bad_field(d, key, "a string");
        if (key[0] == 'b')
            r->bn = json_string_value(val), r->bn_len = json_string_length(val);
        else
            r->n = json_string_value(val), r->n_len = json_string_length(val);
        return 0;
    }
    if (!strcmp(key, "v")) {
        if (json_is_integer(val)) {
            r->i = json_integer_value(val);
            return set_kind(d, r, SENML_INT);
        }
        if (!json_is_real(val))
            return bad_field(d, key, "a number");
        r->f = json_real_value(val);
        return set_kind(d, r, SENML_FLOAT);
    }
    if (!strcmp(key, "vs") || !strcmp(key, "vlo")) {
        if (!json_is_string(val))
            return bad_field(d, key, "a string");
        r->data = (const uint8_t *)json_string_value(val);
        r->len = json_string_length(val);
        return set_kind(d, r, key[1] == 's' ? SENML_STRING : SENML_OBJLNK);
    }
    if (!strcmp(key, "vb")) {
        if (!json_is_boolean(val))
            return bad_field(d, key, "true or false");
        r->b = json_is_true(val);
        return set_kind(d, r, SENML_BOOL);
    }
    if (!strcmp(key, "vd")) {
        if (!json_is_string(val))
            return bad_field(d, key, "a base64 string");
        size_t n = json_string_length(val);
        if (set_kind(d, r, SENML_DATA) < 0)
            return -1;
        *data = malloc(n / 4 * 3 + 3);
        if (!*data)
            return bad_field(d, key, "smaller (out of memory)");
        long got = base64_decode(json_string_value(val), n, *data);
        if (got < 0)
            return bad_field(d, key, "valid base64");
        r->data = *data;
        r->len = (size_t)got;
        return 0;
    }
    if (!strcmp(key, "t") || !strcmp(key, "bt") || !strcmp(key, "bver"))
        return json_is_number(val) ? 0 : bad_field(d, key, "a number");
    if (!strcmp(key, "u") || !strcmp(key, "bu"))
        return json_is_string(val) ? 0 : bad_field(d, key, "a string");
    if (!strcmp(key, "s") || !strcmp(key, "bs") || !strcmp(key, "bv") || !strcmp(key, "ut")) {
        lwm2m_err_set(d->err, FMT ": record %zu: \"%s\" is not supported by LwM2M", d->index + 1,
                      key);
        return -1;
    }
    size_t kl = strlen(key);
    if (kl && key[kl - 1] == '_') {
        lwm2m_err_set(d->err, FMT ": record %zu: unknown must-understand field \"%s\"",
                      d->index + 1, key);
        return -1;
    }
    return 0; /* other fields are extensions we may ignore (RFC 8428 §4.4) */
}

static int read_record(senml_dec *d, json_t *obj)
{
    senml_record r;
    memset(&r, 0, sizeof r);
    uint8_t *data = NULL;
    const char *key;
    json_t *val;
    int rc = 0;
    if (!json_is_object(obj)) {
        lwm2m_err_set(d->err, FMT ": record %zu is not an object", d->index + 1);
        return -1;
    }
    json_object_foreach(obj, key, val)
    {
        if ((rc = read_field(d, &r, key, val, &data)) < 0)
            break;
    }
    if (rc == 0)
        rc = senml_add_record(d, &r);
    free(data);
    return rc;
}

int senml_json_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
                      void *ctx, lwm2m_list *out, lwm2m_err *err)
{
    senml_dec d;
    json_error_t jerr;
    size_t mark = out->len;
    if (senml_check_base(FMT, base, err) < 0)
        return -1;
    senml_dec_init(&d, FMT, base, type_of, ctx, out, err);
    json_t *root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        lwm2m_err_set(err, FMT ": %s at line %d, column %d", jerr.text, jerr.line, jerr.column);
        return -1;
    }
    int rc = 0;
    if (!json_is_array(root)) {
        lwm2m_err_set(err, FMT ": the payload must be an array of records");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(root); i++)
        rc = read_record(&d, json_array_get(root, i));
    json_decref(root);
    if (rc < 0)
        lwm2m_list_truncate(out, mark);
    return rc;
}
