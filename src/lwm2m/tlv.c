/* tlv.c -- OMA LwM2M TLV encoder and decoder.
 *
 * Wire format (LwM2M TS 1.0 §6.4.3, Core 1.1/1.2 §7.4.3): each entry is
 *   type byte: bits 7-6 kind (00 object instance, 01 resource instance,
 *              10 multiple resource, 11 resource with value),
 *              bit 5 identifier width (0: 8 bits, 1: 16 bits),
 *              bits 4-3 length width (00: length in bits 2-0, 01: 8 bits,
 *              10: 16 bits, 11: 24 bits), bits 2-0 the length when 4-3 = 00;
 *   identifier, big endian; length, big endian; value.
 * Object instances contain resources and multiple resources; multiple
 * resources contain resource instances. Numbers are big endian; integers are
 * signed and 1, 2, 4 or 8 bytes long, floats IEEE 754 in 4 or 8 bytes.
 *
 * The decoder works on (pointer, length) spans and checks every length
 * against the span of its parent before reading, so no input can make it
 * read out of bounds; the fuzz target tests/lwm2m/fuzz/fuzz_tlv.c holds it to
 * that. The encoder writes each container's children to a scratch buffer
 * first, because the header needs the children's total length; payloads are
 * a few hundred bytes, so the copy costs nothing that matters.
 */
#include "tlv.h"

#include <string.h>

/* ---- encoding ---- */

static void put_be(lwm2m_buf *b, uint64_t v, int n)
{
    for (int k = n - 1; k >= 0; k--)
        lwm2m_buf_putc(b, (uint8_t)(v >> (8 * k)));
}

static int put_header(lwm2m_buf *b, int kind, uint16_t id, size_t len, lwm2m_err *err)
{
    if (len > TLV_MAX_LENGTH) {
        lwm2m_err_set(err, "TLV: value of %zu bytes exceeds the 24-bit length field", len);
        return -1;
    }
    uint8_t t = (uint8_t)(kind << 6);
    if (id > 0xFF)
        t |= 0x20;
    int lw = len <= 7 ? 0 : len <= 0xFF ? 1 : len <= 0xFFFF ? 2 : 3;
    t |= (uint8_t)(lw << 3);
    if (lw == 0)
        t |= (uint8_t)len;
    lwm2m_buf_putc(b, t);
    put_be(b, id, id > 0xFF ? 2 : 1);
    put_be(b, len, lw);
    return 0;
}

static int int_width(int64_t v)
{
    if (v >= INT8_MIN && v <= INT8_MAX)
        return 1;
    if (v >= INT16_MIN && v <= INT16_MAX)
        return 2;
    if (v >= INT32_MIN && v <= INT32_MAX)
        return 4;
    return 8;
}

static int uint_width(uint64_t v)
{
    return v <= 0xFF ? 1 : v <= 0xFFFF ? 2 : v <= 0xFFFFFFFFu ? 4 : 8;
}

/* Writes one value (header of `kind` and `id` included). */
static int put_value(lwm2m_buf *b, int kind, uint16_t id, const lwm2m_value *v, lwm2m_err *err)
{
    uint8_t tmp[8];
    const uint8_t *p = tmp;
    size_t n = 0;
    switch (v->type) {
    case LWM2M_TYPE_STRING:
    case LWM2M_TYPE_OPAQUE:
        p = v->v.bytes.ptr;
        n = v->v.bytes.len;
        break;
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME:
        n = (size_t)int_width(v->v.i);
        for (size_t k = 0; k < n; k++)
            tmp[k] = (uint8_t)((uint64_t)v->v.i >> (8 * (n - 1 - k)));
        break;
    case LWM2M_TYPE_UNSIGNED:
        n = (size_t)uint_width(v->v.u);
        for (size_t k = 0; k < n; k++)
            tmp[k] = (uint8_t)(v->v.u >> (8 * (n - 1 - k)));
        break;
    case LWM2M_TYPE_FLOAT: {
        float f = (float)v->v.f;
        if ((double)f == v->v.f) {
            uint32_t bits;
            memcpy(&bits, &f, 4);
            n = 4;
            for (size_t k = 0; k < 4; k++)
                tmp[k] = (uint8_t)(bits >> (8 * (3 - k)));
        } else {
            uint64_t bits;
            memcpy(&bits, &v->v.f, 8);
            n = 8;
            for (size_t k = 0; k < 8; k++)
                tmp[k] = (uint8_t)(bits >> (8 * (7 - k)));
        }
        break;
    }
    case LWM2M_TYPE_BOOLEAN:
        tmp[0] = v->v.b ? 1 : 0;
        n = 1;
        break;
    case LWM2M_TYPE_OBJLNK:
        tmp[0] = (uint8_t)(v->v.lnk.obj >> 8);
        tmp[1] = (uint8_t)v->v.lnk.obj;
        tmp[2] = (uint8_t)(v->v.lnk.inst >> 8);
        tmp[3] = (uint8_t)v->v.lnk.inst;
        n = 4;
        break;
    case LWM2M_TYPE_NONE:
        lwm2m_err_set(err, "TLV: a resource needs a value");
        return -1;
    }
    if (put_header(b, kind, id, n, err) < 0)
        return -1;
    lwm2m_buf_put(b, p, n);
    return 0;
}

static int put_container(lwm2m_buf *b, int kind, uint16_t id, lwm2m_buf *body, lwm2m_err *err)
{
    if (body->oom) {
        b->oom = true;
        return 0;
    }
    if (put_header(b, kind, id, body->len, err) < 0)
        return -1;
    lwm2m_buf_put(b, body->data, body->len);
    return 0;
}

/* True if an earlier value (index < i) already had id[depth] = v->id[depth]
 * under the same parent: that group was written when it first appeared. */
static bool seen_before(const lwm2m_list *l, size_t i, const lwm2m_path *parent, int depth)
{
    for (size_t j = 0; j < i; j++) {
        const lwm2m_path *q = &l->items[j].path;
        if (q->len > depth && lwm2m_path_under(q, parent) &&
            q->id[depth] == l->items[i].path.id[depth])
            return true;
    }
    return false;
}

static bool is_duplicate(const lwm2m_list *l, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (lwm2m_path_equal(&l->items[j].path, &l->items[i].path))
            return true;
    return false;
}

/* The resource `res` (3 ids): one resource TLV, or a multiple resource
 * holding every resource instance below it. */
static int enc_resource(const lwm2m_list *l, const lwm2m_path *res, lwm2m_buf *b, lwm2m_err *err)
{
    const lwm2m_value *single = NULL;
    size_t ninst = 0;
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_value *v = &l->items[i];
        if (!lwm2m_path_under(&v->path, res))
            continue;
        if (v->path.len == 3)
            single = v;
        else
            ninst++;
    }
    char ps[48];
    lwm2m_path_format(res, ps, sizeof ps);
    if (single && ninst) {
        lwm2m_err_set(err, "TLV: %s has both a value and resource instances", ps);
        return -1;
    }
    if (single && single->type != LWM2M_TYPE_NONE)
        return put_value(b, TLV_RESOURCE, res->id[2], single, err);
    lwm2m_buf body = LWM2M_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < l->len && rc == 0; i++) {
        const lwm2m_value *v = &l->items[i];
        if (v->path.len == 4 && lwm2m_path_under(&v->path, res))
            rc = put_value(&body, TLV_RESOURCE_INSTANCE, v->path.id[3], v, err);
    }
    if (rc == 0)
        rc = put_container(b, TLV_MULTIPLE_RESOURCE, res->id[2], &body, err);
    lwm2m_buf_free(&body);
    return rc;
}

/* Every resource of the object instance `inst` (2 ids), in order of first
 * appearance. */
static int enc_instance_body(const lwm2m_list *l, const lwm2m_path *inst, lwm2m_buf *b,
                             lwm2m_err *err)
{
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_path *p = &l->items[i].path;
        if (p->len < 3 || !lwm2m_path_under(p, inst) || seen_before(l, i, inst, 2))
            continue;
        lwm2m_path res = lwm2m_path_make(3, p->id[0], p->id[1], p->id[2], 0);
        if (enc_resource(l, &res, b, err) < 0)
            return -1;
    }
    return 0;
}

static int check_list(const lwm2m_list *l, const lwm2m_path *base, lwm2m_err *err)
{
    char ps[48];
    if (base->len < 1) {
        lwm2m_err_set(err, "TLV: the request path must name at least an object");
        return -1;
    }
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_value *v = &l->items[i];
        lwm2m_path_format(&v->path, ps, sizeof ps);
        if (!lwm2m_path_under(&v->path, base) || v->path.len < 2) {
            lwm2m_err_set(err, "TLV: %s is not below the request path", ps);
            return -1;
        }
        if (v->path.len == 2 && v->type != LWM2M_TYPE_NONE) {
            lwm2m_err_set(err, "TLV: object instance %s cannot carry a value", ps);
            return -1;
        }
        if (v->path.len == 4 && v->type == LWM2M_TYPE_NONE) {
            lwm2m_err_set(err, "TLV: resource instance %s needs a value", ps);
            return -1;
        }
        if (is_duplicate(l, i)) {
            lwm2m_err_set(err, "TLV: %s appears twice", ps);
            return -1;
        }
    }
    return 0;
}

int tlv_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err)
{
    if (check_list(l, base, err) < 0)
        return -1;
    size_t start = out->len;
    int rc = 0;
    if (base->len == 1) {
        for (size_t i = 0; i < l->len && rc == 0; i++) {
            const lwm2m_path *p = &l->items[i].path;
            if (seen_before(l, i, base, 1))
                continue;
            lwm2m_path inst = lwm2m_path_make(2, p->id[0], p->id[1], 0, 0);
            lwm2m_buf body = LWM2M_BUF_INIT;
            rc = enc_instance_body(l, &inst, &body, err);
            if (rc == 0)
                rc = put_container(out, TLV_OBJECT_INSTANCE, p->id[1], &body, err);
            lwm2m_buf_free(&body);
        }
    } else if (base->len == 2) {
        rc = enc_instance_body(l, base, out, err);
    } else if (base->len == 3) {
        if (l->len)
            rc = enc_resource(l, base, out, err);
    } else {
        for (size_t i = 0; i < l->len && rc == 0; i++)
            rc = put_value(out, TLV_RESOURCE_INSTANCE, base->id[3], &l->items[i], err);
    }
    if (rc == 0 && out->oom) {
        lwm2m_err_set(err, "TLV: out of memory");
        rc = -1;
    }
    if (rc < 0 && out->len > start && !out->oom)
        out->len = start;
    return rc;
}

/* ---- decoding ---- */

typedef struct tlv_entry {
    int kind;
    uint16_t id;
    const uint8_t *val;
    size_t len;
} tlv_entry;

typedef struct dec {
    const uint8_t *start; /* of the whole payload, for offsets in errors */
    size_t mark;          /* out->len when this payload's decoding began */
    bool wrapped;         /* an /O/I payload already had its instance entry */
    lwm2m_type_fn type_of;
    void *ctx;
    lwm2m_list *out;
    lwm2m_err *err;
} dec;

static const char *kind_name(int kind)
{
    static const char *const names[] = {"object instance", "resource instance", "multiple resource",
                                        "resource"};
    return names[kind & 3];
}

/* Reads the entry at *pos of span [p, p+n); advances *pos past it. */
static int read_entry(dec *d, const uint8_t *p, size_t n, size_t *pos, tlv_entry *e)
{
    size_t at = *pos;
    size_t off = (size_t)(p - d->start) + at;
    if (n - at < 1)
        goto truncated;
    uint8_t t = p[at++];
    e->kind = t >> 6;
    size_t idw = (t & 0x20) ? 2 : 1;
    size_t lw = (t >> 3) & 3;
    if (n - at < idw + lw)
        goto truncated;
    e->id = idw == 2 ? (uint16_t)(p[at] << 8 | p[at + 1]) : p[at];
    at += idw;
    size_t len = lw == 0 ? (size_t)(t & 7) : 0;
    for (size_t k = 0; k < lw; k++)
        len = len << 8 | p[at++];
    if (n - at < len) {
        lwm2m_err_set(d->err, "TLV: %s %u at offset %zu has length %zu but only %zu bytes remain",
                      kind_name(e->kind), e->id, off, len, n - at);
        return -1;
    }
    if (e->id > LWM2M_MAX_ID) {
        lwm2m_err_set(d->err, "TLV: identifier 65535 (reserved) at offset %zu", off);
        return -1;
    }
    e->val = p + at;
    e->len = len;
    *pos = at + len;
    return 0;
truncated:
    lwm2m_err_set(d->err, "TLV: truncated entry header at offset %zu", off);
    return -1;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        v = v << 8 | p[k];
    return v;
}

static int add_failed(dec *d)
{
    lwm2m_err_set(d->err, "TLV: out of memory");
    return -1;
}

/* Converts the bytes of one resource (instance) value to its type. */
static int dec_value(dec *d, const lwm2m_path *path, const uint8_t *p, size_t n)
{
    lwm2m_type t = d->type_of(path, d->ctx);
    char ps[48];
    lwm2m_path_format(path, ps, sizeof ps);
    bool pow2 = n == 1 || n == 2 || n == 4 || n == 8;
    lwm2m_list *o = d->out;
    switch (t) {
    case LWM2M_TYPE_NONE:
    case LWM2M_TYPE_OPAQUE:
        return lwm2m_list_add_opaque(o, *path, p, n) < 0 ? add_failed(d) : 0;
    case LWM2M_TYPE_STRING:
        if (!lwm2m_utf8_valid(p, n)) {
            lwm2m_err_set(d->err, "TLV: string %s is not valid UTF-8", ps);
            return -1;
        }
        return lwm2m_list_add_string(o, *path, (const char *)p, n) < 0 ? add_failed(d) : 0;
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME:
    case LWM2M_TYPE_UNSIGNED: {
        if (!pow2) {
            lwm2m_err_set(d->err, "TLV: %s of %s is %zu bytes long; it must be 1, 2, 4 or 8",
                          lwm2m_type_name(t), ps, n);
            return -1;
        }
        uint64_t u = get_be(p, n);
        if (t == LWM2M_TYPE_UNSIGNED)
            return lwm2m_list_add_uint(o, *path, u) < 0 ? add_failed(d) : 0;
        /* Sign-extend from n bytes. */
        int64_t i = n == 8 ? (int64_t)u
                           : (int64_t)(u ^ (1ull << (8 * n - 1))) - (int64_t)(1ull << (8 * n - 1));
        int rc = t == LWM2M_TYPE_TIME ? lwm2m_list_add_time(o, *path, i)
                                      : lwm2m_list_add_int(o, *path, i);
        return rc < 0 ? add_failed(d) : 0;
    }
    case LWM2M_TYPE_FLOAT: {
        double f;
        if (n == 4) {
            uint32_t bits = (uint32_t)get_be(p, 4);
            float g;
            memcpy(&g, &bits, 4);
            f = g;
        } else if (n == 8) {
            uint64_t bits = get_be(p, 8);
            memcpy(&f, &bits, 8);
        } else {
            lwm2m_err_set(d->err, "TLV: float %s is %zu bytes long; it must be 4 or 8", ps, n);
            return -1;
        }
        return lwm2m_list_add_float(o, *path, f) < 0 ? add_failed(d) : 0;
    }
    case LWM2M_TYPE_BOOLEAN:
        if (n != 1 || p[0] > 1) {
            lwm2m_err_set(d->err, "TLV: boolean %s must be one byte, 0 or 1", ps);
            return -1;
        }
        return lwm2m_list_add_bool(o, *path, p[0] == 1) < 0 ? add_failed(d) : 0;
    case LWM2M_TYPE_OBJLNK:
        if (n != 4) {
            lwm2m_err_set(d->err, "TLV: objlnk %s is %zu bytes long; it must be 4", ps, n);
            return -1;
        }
        return lwm2m_list_add_objlnk(o, *path, (uint16_t)get_be(p, 2), (uint16_t)get_be(p + 2, 2)) <
                       0
                   ? add_failed(d)
                   : 0;
    }
    return -1;
}

static int wrong_kind(dec *d, const tlv_entry *e, const char *where)
{
    lwm2m_err_set(d->err, "TLV: unexpected %s %u %s", kind_name(e->kind), e->id, where);
    return -1;
}

/* True if a value decoded since `mark` already has `id` at depth k: the
 * entry being read repeats a sibling (an instance, resource or resource
 * instance given twice), which has no meaning and is refused. */
static bool dup_since(const dec *d, size_t mark, int k, uint16_t id)
{
    for (size_t j = mark; j < d->out->len; j++) {
        const lwm2m_path *p = &d->out->items[j].path;
        if (p->len > k && p->id[k] == id)
            return true;
    }
    return false;
}

/* True if this payload already gave the resource itself a value. */
static bool single_since(const dec *d)
{
    for (size_t j = d->mark; j < d->out->len; j++)
        if (d->out->items[j].path.len == 3)
            return true;
    return false;
}

static int duplicate(dec *d, const tlv_entry *e)
{
    lwm2m_err_set(d->err, "TLV: %s %u appears twice", kind_name(e->kind), e->id);
    return -1;
}

/* Children of a multiple resource: resource instances only. */
static int dec_multiple(dec *d, const lwm2m_path *res, const uint8_t *p, size_t n)
{
    size_t pos = 0, mark = d->out->len;
    if (n == 0)
        return lwm2m_list_add_none(d->out, *res) < 0 ? add_failed(d) : 0;
    while (pos < n) {
        tlv_entry e;
        if (read_entry(d, p, n, &pos, &e) < 0)
            return -1;
        if (e.kind != TLV_RESOURCE_INSTANCE)
            return wrong_kind(d, &e, "inside a multiple resource");
        if (dup_since(d, mark, 3, e.id))
            return duplicate(d, &e);
        lwm2m_path ri = lwm2m_path_make(4, res->id[0], res->id[1], res->id[2], e.id);
        if (dec_value(d, &ri, e.val, e.len) < 0)
            return -1;
    }
    return 0;
}

/* A resource or multiple resource entry inside object instance `inst`. */
static int dec_resource(dec *d, const lwm2m_path *inst, const tlv_entry *e)
{
    lwm2m_path res = lwm2m_path_make(3, inst->id[0], inst->id[1], e->id, 0);
    if (e->kind == TLV_RESOURCE)
        return dec_value(d, &res, e->val, e->len);
    if (e->kind == TLV_MULTIPLE_RESOURCE)
        return dec_multiple(d, &res, e->val, e->len);
    return wrong_kind(d, e, "where a resource was expected");
}

/* An empty instance in an object payload is recorded as a NONE value (it
 * creates the instance); in an instance payload it is just no values. */
static int dec_instance_body(dec *d, const lwm2m_path *inst, const uint8_t *p, size_t n,
                             bool mark_empty)
{
    size_t pos = 0, mark = d->out->len;
    if (n == 0 && mark_empty)
        return lwm2m_list_add_none(d->out, *inst) < 0 ? add_failed(d) : 0;
    while (pos < n) {
        tlv_entry e;
        if (read_entry(d, p, n, &pos, &e) < 0)
            return -1;
        if (dup_since(d, mark, 2, e.id))
            return duplicate(d, &e);
        if (dec_resource(d, inst, &e) < 0)
            return -1;
    }
    return 0;
}

static int id_mismatch(dec *d, const tlv_entry *e, unsigned want)
{
    lwm2m_err_set(d->err, "TLV: %s %u does not match the request path (expected %u)",
                  kind_name(e->kind), e->id, want);
    return -1;
}

/* One top-level entry, interpreted against the request path. */
static int dec_top(dec *d, const lwm2m_path *base, const tlv_entry *e)
{
    lwm2m_path inst;
    switch (base->len) {
    case 1:
        if (e->kind != TLV_OBJECT_INSTANCE)
            return wrong_kind(d, e, "at the top of an object payload");
        if (dup_since(d, d->mark, 1, e->id))
            return duplicate(d, e);
        inst = lwm2m_path_make(2, base->id[0], e->id, 0, 0);
        return dec_instance_body(d, &inst, e->val, e->len, true);
    case 2:
        /* Some clients wrap an instance write in its object instance
         * entry (Leshan accepts this too); the id must match. */
        if (e->kind == TLV_OBJECT_INSTANCE) {
            if (e->id != base->id[1])
                return id_mismatch(d, e, base->id[1]);
            if (d->wrapped || d->out->len > d->mark)
                return duplicate(d, e);
            d->wrapped = true;
            return dec_instance_body(d, base, e->val, e->len, false);
        }
        if (d->wrapped || dup_since(d, d->mark, 2, e->id))
            return duplicate(d, e);
        return dec_resource(d, base, e);
    case 3:
        /* Either resource instances, or one resource entry. */
        if (e->kind == TLV_RESOURCE_INSTANCE) {
            if (dup_since(d, d->mark, 3, e->id) || single_since(d))
                return duplicate(d, e);
            lwm2m_path ri = lwm2m_path_make(4, base->id[0], base->id[1], base->id[2], e->id);
            return dec_value(d, &ri, e->val, e->len);
        }
        if (e->kind == TLV_OBJECT_INSTANCE)
            return wrong_kind(d, e, "in a resource payload");
        if (e->id != base->id[2])
            return id_mismatch(d, e, base->id[2]);
        if (d->out->len > d->mark)
            return duplicate(d, e);
        inst = lwm2m_path_make(2, base->id[0], base->id[1], 0, 0);
        return dec_resource(d, &inst, e);
    default:
        if (e->kind != TLV_RESOURCE_INSTANCE)
            return wrong_kind(d, e, "in a resource instance payload");
        if (e->id != base->id[3])
            return id_mismatch(d, e, base->id[3]);
        if (d->out->len > d->mark)
            return duplicate(d, e);
        return dec_value(d, base, e->val, e->len);
    }
}

int tlv_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
               void *ctx, lwm2m_list *out, lwm2m_err *err)
{
    size_t mark = out->len, pos = 0;
    dec d = {buf, mark, false, type_of ? type_of : lwm2m_builtin_type, ctx, out, err};
    if (base->len < 1 || base->len > 4) {
        lwm2m_err_set(err, "TLV: the request path must name at least an object");
        return -1;
    }
    for (int k = 0; k < base->len; k++) {
        if (base->id[k] > LWM2M_MAX_ID) {
            lwm2m_err_set(err, "TLV: identifier 65535 (reserved) in the request path");
            return -1;
        }
    }
    while (pos < len) {
        tlv_entry e;
        if (read_entry(&d, buf, len, &pos, &e) < 0 || dec_top(&d, base, &e) < 0) {
            lwm2m_list_truncate(out, mark);
            return -1;
        }
    }
    return 0;
}
