/* senml.c -- the LwM2M side of SenML shared by the JSON and CBOR codecs:
 * names to paths and back, and typing record values by the resource model.
 *
 * Numbers are where the formats are loose and LwM2M is not: SenML has one
 * numeric "v", LwM2M has integer, unsigned, float and time. A record's
 * number is converted to the type the resource defines; an integral float
 * (JSON 3800.0) is accepted for an integer resource, a fraction is not. For
 * resources the model does not know the number keeps its syntactic kind.
 */
#include "senml.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void senml_dec_init(senml_dec *d, const char *fmt, const lwm2m_path *base, lwm2m_type_fn type_of,
                    void *ctx, lwm2m_list *out, lwm2m_err *err)
{
    memset(d, 0, sizeof *d);
    d->fmt = fmt;
    d->base = base;
    d->type_of = type_of ? type_of : lwm2m_builtin_type;
    d->ctx = ctx;
    d->out = out;
    d->err = err;
}

int senml_check_base(const char *fmt, const lwm2m_path *base, lwm2m_err *err)
{
    if (base->len > 4) {
        lwm2m_err_set(err, "%s: request path has more than 4 ids", fmt);
        return -1;
    }
    for (int k = 0; k < base->len; k++) {
        if (base->id[k] > LWM2M_MAX_ID) {
            lwm2m_err_set(err, "%s: identifier 65535 (reserved) in the request path", fmt);
            return -1;
        }
    }
    return 0;
}

/* Parses a decimal id of at most 5 digits; returns the number or -1. */
static long parse_id(const char *s, size_t n, long max)
{
    if (n == 0 || n > 5)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

int senml_parse_path(const char *s, size_t n, lwm2m_path *out)
{
    lwm2m_path p = {{0, 0, 0, 0}, 0};
    size_t i = 0;
    if (n < 2 || s[0] != '/')
        return -1;
    while (i < n) {
        if (s[i] != '/' || p.len == 4)
            return -1;
        size_t j = ++i;
        while (j < n && s[j] != '/')
            j++;
        long id = parse_id(s + i, j - i, LWM2M_MAX_ID);
        if (id < 0)
            return -1;
        p.id[p.len++] = (uint16_t)id;
        i = j;
    }
    *out = p;
    return 0;
}

static int fail(senml_dec *d, const char *what)
{
    lwm2m_err_set(d->err, "%s: record %zu: %s", d->fmt, d->index, what);
    return -1;
}

static int oom(senml_dec *d)
{
    return fail(d, "out of memory");
}

static int mismatch(senml_dec *d, const lwm2m_path *p, lwm2m_type t, const char *carried)
{
    char ps[48];
    lwm2m_path_format(p, ps, sizeof ps);
    lwm2m_err_set(d->err, "%s: record %zu: %s is a%s %s resource but the record carries %s", d->fmt,
                  d->index, ps, strchr("aeiou", lwm2m_type_name(t)[0]) ? "n" : "",
                  lwm2m_type_name(t), carried);
    return -1;
}

/* Numbers: convert to the resource's type (see the file comment). */
static int add_number(senml_dec *d, const lwm2m_path *p, lwm2m_type t, const senml_record *r)
{
    lwm2m_list *o = d->out;
    int rc;
    switch (t) {
    case LWM2M_TYPE_NONE:
        rc = r->kind == SENML_INT    ? lwm2m_list_add_int(o, *p, r->i)
             : r->kind == SENML_UINT ? lwm2m_list_add_uint(o, *p, r->u)
                                     : lwm2m_list_add_float(o, *p, r->f);
        return rc < 0 ? oom(d) : 0;
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME: {
        int64_t v;
        if (r->kind == SENML_INT)
            v = r->i;
        else if (r->kind == SENML_FLOAT && r->f == floor(r->f) && r->f >= -9223372036854775808.0 &&
                 r->f < 9223372036854775808.0)
            v = (int64_t)r->f;
        else
            return mismatch(
                d, p, t, r->kind == SENML_UINT ? "a number above 2^63-1" : "a non-integral number");
        rc = t == LWM2M_TYPE_TIME ? lwm2m_list_add_time(o, *p, v) : lwm2m_list_add_int(o, *p, v);
        return rc < 0 ? oom(d) : 0;
    }
    case LWM2M_TYPE_UNSIGNED: {
        uint64_t v;
        if (r->kind == SENML_INT && r->i >= 0)
            v = (uint64_t)r->i;
        else if (r->kind == SENML_UINT)
            v = r->u;
        else if (r->kind == SENML_FLOAT && r->f == floor(r->f) && r->f >= 0 &&
                 r->f < 18446744073709551616.0)
            v = (uint64_t)r->f;
        else
            return mismatch(d, p, t, "a negative or non-integral number");
        return lwm2m_list_add_uint(o, *p, v) < 0 ? oom(d) : 0;
    }
    case LWM2M_TYPE_FLOAT: {
        double v = r->kind == SENML_INT    ? (double)r->i
                   : r->kind == SENML_UINT ? (double)r->u
                                           : r->f;
        return lwm2m_list_add_float(o, *p, v) < 0 ? oom(d) : 0;
    }
    default:
        return mismatch(d, p, t, "a number (v)");
    }
}

/* "3:0" -> objlnk; each part 0..65535 (65535:65535 is the null link). */
static int add_objlnk(senml_dec *d, const lwm2m_path *p, const senml_record *r)
{
    const char *s = (const char *)r->data;
    const char *colon = memchr(s, ':', r->len);
    if (!colon)
        return fail(d, "vlo must be \"object:instance\"");
    size_t a = (size_t)(colon - s);
    long obj = parse_id(s, a, 65535), inst = parse_id(colon + 1, r->len - a - 1, 65535);
    if (obj < 0 || inst < 0)
        return fail(d, "vlo must be \"object:instance\"");
    return lwm2m_list_add_objlnk(d->out, *p, (uint16_t)obj, (uint16_t)inst) < 0 ? oom(d) : 0;
}

static int add_value(senml_dec *d, const lwm2m_path *p, const senml_record *r)
{
    lwm2m_type t = d->type_of(p, d->ctx);
    lwm2m_list *o = d->out;
    switch (r->kind) {
    case SENML_NONE:
        return lwm2m_list_add_none(o, *p) < 0 ? oom(d) : 0;
    case SENML_INT:
    case SENML_UINT:
    case SENML_FLOAT:
        return add_number(d, p, t, r);
    case SENML_STRING:
        if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_STRING)
            return mismatch(d, p, t, "a string (vs)");
        if (!lwm2m_utf8_valid(r->data, r->len))
            return fail(d, "vs is not valid UTF-8");
        return lwm2m_list_add_string(o, *p, (const char *)r->data, r->len) < 0 ? oom(d) : 0;
    case SENML_BOOL:
        if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_BOOLEAN)
            return mismatch(d, p, t, "a boolean (vb)");
        return lwm2m_list_add_bool(o, *p, r->b) < 0 ? oom(d) : 0;
    case SENML_DATA:
        if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_OPAQUE)
            return mismatch(d, p, t, "opaque data (vd)");
        return lwm2m_list_add_opaque(o, *p, r->data, r->len) < 0 ? oom(d) : 0;
    case SENML_OBJLNK:
        if (t != LWM2M_TYPE_NONE && t != LWM2M_TYPE_OBJLNK)
            return mismatch(d, p, t, "an object link (vlo)");
        return add_objlnk(d, p, r);
    }
    return -1;
}

int senml_add_record(senml_dec *d, const senml_record *r)
{
    d->index++;
    if (r->bn) {
        if (r->bn_len > SENML_MAX_NAME)
            return fail(d, "base name too long");
        memcpy(d->bn, r->bn, r->bn_len);
        d->bn_len = r->bn_len;
    }
    size_t nl = r->n ? r->n_len : 0;
    if (d->bn_len + nl > SENML_MAX_NAME)
        return fail(d, "name too long");
    char name[SENML_MAX_NAME];
    memcpy(name, d->bn, d->bn_len);
    if (nl)
        memcpy(name + d->bn_len, r->n, nl);
    lwm2m_path p;
    if (d->bn_len + nl == 0)
        return fail(d, "no name");
    if (senml_parse_path(name, d->bn_len + nl, &p) < 0)
        return fail(d, "the name is not an LwM2M path /object/instance/resource[/instance]");
    if (!lwm2m_path_under(&p, d->base)) {
        char ps[48], bs[48];
        lwm2m_path_format(&p, ps, sizeof ps);
        lwm2m_path_format(d->base, bs, sizeof bs);
        lwm2m_err_set(d->err, "%s: record %zu: %s is not below the request path %s", d->fmt,
                      d->index, ps, bs);
        return -1;
    }
    if (p.len < 3 && r->kind != SENML_NONE)
        return fail(d, "only resources and resource instances carry values");
    return add_value(d, &p, r);
}

size_t senml_prefix_len(const lwm2m_list *l, const lwm2m_path *base)
{
    size_t k = base->len < 2 ? base->len : 2;
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].path.len <= k)
            k = l->items[i].path.len ? l->items[i].path.len - 1u : 0;
    return k;
}

size_t senml_base_name(const lwm2m_path *p, size_t k, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < k && i < p->len; i++)
        n += (size_t)snprintf(out + n, cap - n, "/%u", (unsigned)p->id[i]);
    n += (size_t)snprintf(out + n, cap - n, "/");
    return n;
}

size_t senml_rel_name(const lwm2m_path *p, size_t k, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = k; i < p->len; i++)
        n += (size_t)snprintf(out + n, cap - n, i > k || k == 0 ? "/%u" : "%u", (unsigned)p->id[i]);
    return n;
}

int senml_check_list(const char *fmt, const lwm2m_list *l, const lwm2m_path *base, lwm2m_err *err)
{
    char ps[48];
    if (senml_check_base(fmt, base, err) < 0)
        return -1;
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_value *v = &l->items[i];
        lwm2m_path_format(&v->path, ps, sizeof ps);
        if (!lwm2m_path_under(&v->path, base) || v->path.len == 0) {
            lwm2m_err_set(err, "%s: %s is not below the request path", fmt, ps);
            return -1;
        }
        for (int k = 0; k < v->path.len; k++) {
            if (v->path.id[k] > LWM2M_MAX_ID) {
                lwm2m_err_set(err, "%s: %s uses the reserved id 65535", fmt, ps);
                return -1;
            }
        }
        if (v->path.len < 3 && v->type != LWM2M_TYPE_NONE) {
            lwm2m_err_set(err, "%s: %s is not a resource and cannot carry a value", fmt, ps);
            return -1;
        }
    }
    return 0;
}
