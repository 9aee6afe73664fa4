/* senml_cbor.c -- SenML CBOR encoder and decoder on libcbor.
 *
 * libcbor (Debian libcbor-dev) parses and serialises; this file maps its
 * items to SenML records. One guard is ours: libcbor 0.8's cbor_load()
 * allocates an array or map for the element count the input *declares*, so
 * a nine-byte payload could ask for gigabytes. precheck() first walks the
 * item headers without allocating and rejects any definite length that the
 * remaining bytes cannot hold (each element needs at least one byte), too
 * deep nesting, reserved encodings and trailing bytes. Only then does
 * cbor_load() build the tree.
 */
#include "senml_cbor.h"

#include <cbor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "senml.h"

#define FMT "SenML CBOR"

/* RFC 8428 §6 labels. */
enum {
    L_BVER = -1,
    L_BN = -2,
    L_BT = -3,
    L_BU = -4,
    L_BV = -5,
    L_BS = -6,
    L_N = 0,
    L_U = 1,
    L_V = 2,
    L_VS = 3,
    L_VB = 4,
    L_S = 5,
    L_T = 6,
    L_UT = 7,
    L_VD = 8,
};

/* ---- encoding ---- */

static cbor_item_t *build_uint(uint64_t v)
{
    return v <= 0xFF          ? cbor_build_uint8((uint8_t)v)
           : v <= 0xFFFF      ? cbor_build_uint16((uint16_t)v)
           : v <= 0xFFFFFFFFu ? cbor_build_uint32((uint32_t)v)
                              : cbor_build_uint64(v);
}

static cbor_item_t *build_negint(uint64_t n) /* the value -1 - n */
{
    return n <= 0xFF          ? cbor_build_negint8((uint8_t)n)
           : n <= 0xFFFF      ? cbor_build_negint16((uint16_t)n)
           : n <= 0xFFFFFFFFu ? cbor_build_negint32((uint32_t)n)
                              : cbor_build_negint64(n);
}

static cbor_item_t *build_int(int64_t v)
{
    return v >= 0 ? build_uint((uint64_t)v) : build_negint(~(uint64_t)v);
}

static cbor_item_t *build_label(int label)
{
    return build_int(label);
}

/* Adds key -> value to map and drops our references either way. */
static bool map_put(cbor_item_t *map, cbor_item_t *k, cbor_item_t *v)
{
    bool ok = k && v && cbor_map_add(map, (struct cbor_pair){.key = k, .value = v});
    if (k)
        cbor_decref(&k);
    if (v)
        cbor_decref(&v);
    return ok;
}

static cbor_item_t *build_value(const lwm2m_value *v, const char **label_text, int *label)
{
    char lnk[16];
    *label_text = NULL;
    switch (v->type) {
    case LWM2M_TYPE_STRING:
        *label = L_VS;
        return cbor_build_stringn((const char *)v->v.bytes.ptr, v->v.bytes.len);
    case LWM2M_TYPE_OPAQUE:
        *label = L_VD;
        return cbor_build_bytestring(v->v.bytes.ptr, v->v.bytes.len);
    case LWM2M_TYPE_INTEGER:
    case LWM2M_TYPE_TIME:
        *label = L_V;
        return build_int(v->v.i);
    case LWM2M_TYPE_UNSIGNED:
        *label = L_V;
        return build_uint(v->v.u);
    case LWM2M_TYPE_FLOAT: {
        *label = L_V;
        float f = (float)v->v.f;
        return (double)f == v->v.f ? cbor_build_float4(f) : cbor_build_float8(v->v.f);
    }
    case LWM2M_TYPE_BOOLEAN:
        *label = L_VB;
        return cbor_build_bool(v->v.b);
    case LWM2M_TYPE_OBJLNK:
        *label_text = "vlo";
        snprintf(lnk, sizeof lnk, "%u:%u", (unsigned)v->v.lnk.obj, (unsigned)v->v.lnk.inst);
        return cbor_build_string(lnk);
    case LWM2M_TYPE_NONE:
        break;
    }
    return NULL;
}

static cbor_item_t *build_record(const lwm2m_value *v, const lwm2m_path *base, size_t k, bool first)
{
    bool with_bn = first && k > 0;
    size_t nfields = 1 + (with_bn ? 1 : 0) + (v->type != LWM2M_TYPE_NONE ? 1 : 0);
    cbor_item_t *map = cbor_new_definite_map(nfields);
    char name[48];
    if (!map)
        return NULL;
    bool ok = true;
    if (with_bn) {
        senml_base_name(base, k, name, sizeof name);
        ok = map_put(map, build_label(L_BN), cbor_build_string(name));
    }
    senml_rel_name(&v->path, k, name, sizeof name);
    ok = ok && map_put(map, build_label(L_N), cbor_build_string(name));
    if (ok && v->type != LWM2M_TYPE_NONE) {
        const char *text;
        int label = L_V;
        cbor_item_t *val = build_value(v, &text, &label);
        ok = map_put(map, text ? cbor_build_string(text) : build_label(label), val);
    }
    if (!ok)
        cbor_decref(&map);
    return map;
}

int senml_cbor_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err)
{
    if (senml_check_list(FMT, l, base, err) < 0)
        return -1;
    for (size_t i = 0; i < l->len; i++) {
        const lwm2m_value *v = &l->items[i];
        if (v->type == LWM2M_TYPE_STRING && !lwm2m_utf8_valid(v->v.bytes.ptr, v->v.bytes.len)) {
            char ps[48];
            lwm2m_path_format(&v->path, ps, sizeof ps);
            lwm2m_err_set(err, FMT ": string %s is not valid UTF-8", ps);
            return -1;
        }
    }
    size_t k = senml_prefix_len(l, base);
    cbor_item_t *arr = cbor_new_definite_array(l->len);
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < l->len; i++) {
        cbor_item_t *rec = build_record(&l->items[i], base, k, i == 0);
        ok = rec && cbor_array_push(arr, rec);
        if (rec)
            cbor_decref(&rec);
    }
    unsigned char *bytes = NULL;
    size_t cap = 0, n = ok ? cbor_serialize_alloc(arr, &bytes, &cap) : 0;
    if (arr)
        cbor_decref(&arr);
    if (!ok || n == 0) {
        free(bytes);
        lwm2m_err_set(err, FMT ": out of memory");
        return -1;
    }
    lwm2m_buf_put(out, bytes, n);
    free(bytes);
    if (out->oom) {
        lwm2m_err_set(err, FMT ": out of memory");
        return -1;
    }
    return 0;
}

/* ---- decoding: the allocation-free pre-check ---- */

typedef struct frame {
    uint64_t left; /* items still expected (definite containers) */
    bool indef;    /* indefinite: ends with a break byte */
} frame;

static int precheck(const uint8_t *p, size_t n, lwm2m_err *err)
{
    frame st[SENML_CBOR_MAX_DEPTH + 1];
    int depth = 1;
    size_t pos = 0;
    st[0] = (frame){1, false};
    for (;;) {
        while (depth > 0 && !st[depth - 1].indef && st[depth - 1].left == 0)
            depth--;
        if (depth == 0)
            break;
        if (pos >= n)
            goto truncated;
        uint8_t b = p[pos++];
        frame *top = &st[depth - 1];
        if (b == 0xFF) {
            if (!top->indef) {
                lwm2m_err_set(err, FMT ": unexpected break at offset %zu", pos - 1);
                return -1;
            }
            depth--;
            continue;
        }
        if (!top->indef)
            top->left--;
        int major = b >> 5, ai = b & 31;
        uint64_t val = (uint64_t)ai;
        bool indef = ai == 31;
        if (ai >= 24 && ai <= 27) {
            size_t w = (size_t)1 << (ai - 24);
            if (n - pos < w)
                goto truncated;
            val = 0;
            for (size_t k = 0; k < w; k++)
                val = val << 8 | p[pos++];
        } else if (ai >= 28 && ai <= 30) {
            lwm2m_err_set(err, FMT ": reserved additional information at offset %zu", pos - 1);
            return -1;
        }
        if (indef && (major < 2 || major == 6 || major == 7)) {
            lwm2m_err_set(err, FMT ": invalid indefinite length at offset %zu", pos - 1);
            return -1;
        }
        uint64_t children = 0;
        switch (major) {
        case 2:
        case 3:
            if (!indef) {
                if (val > n - pos)
                    goto truncated;
                pos += (size_t)val;
            }
            break;
        case 4:
            if (!indef && val > n - pos)
                goto truncated;
            children = val;
            break;
        case 5:
            if (!indef && val > (n - pos) / 2)
                goto truncated;
            children = val * 2;
            break;
        case 6:
            children = 1;
            break;
        default:
            break;
        }
        bool container = indef || major == 4 || major == 5 || major == 6;
        if (container) {
            if (depth == SENML_CBOR_MAX_DEPTH + 1) {
                lwm2m_err_set(err, FMT ": nested deeper than %d levels", SENML_CBOR_MAX_DEPTH);
                return -1;
            }
            st[depth++] = (frame){children, indef};
        }
    }
    if (pos != n) {
        lwm2m_err_set(err, FMT ": %zu bytes after the end of the payload", n - pos);
        return -1;
    }
    return 0;
truncated:
    lwm2m_err_set(err, FMT ": truncated or overlong item at offset %zu", pos);
    return -1;
}

/* ---- decoding: records ---- */

typedef struct rec_scratch {
    uint8_t *owned[6]; /* copies of chunked strings */
    int nowned;
} rec_scratch;

/* The bytes of a text (major 3) or byte (major 2) string, joining the
 * chunks of an indefinite one. */
static bool get_bytes(cbor_item_t *it, bool text, rec_scratch *s, const uint8_t **out, size_t *len)
{
    if (text ? !cbor_isa_string(it) : !cbor_isa_bytestring(it))
        return false;
    bool definite = text ? cbor_string_is_definite(it) : cbor_bytestring_is_definite(it);
    if (definite) {
        *len = text ? cbor_string_length(it) : cbor_bytestring_length(it);
        *out = text ? cbor_string_handle(it) : cbor_bytestring_handle(it);
        if (!*out)
            *out = (const uint8_t *)"";
        return true;
    }
    size_t nch = text ? cbor_string_chunk_count(it) : cbor_bytestring_chunk_count(it);
    cbor_item_t **ch = text ? cbor_string_chunks_handle(it) : cbor_bytestring_chunks_handle(it);
    size_t total = 0;
    for (size_t i = 0; i < nch; i++)
        total += text ? cbor_string_length(ch[i]) : cbor_bytestring_length(ch[i]);
    if (s->nowned == (int)(sizeof s->owned / sizeof s->owned[0]))
        return false;
    uint8_t *buf = malloc(total + 1);
    if (!buf)
        return false;
    s->owned[s->nowned++] = buf;
    size_t at = 0;
    for (size_t i = 0; i < nch; i++) {
        size_t l = text ? cbor_string_length(ch[i]) : cbor_bytestring_length(ch[i]);
        const uint8_t *h = text ? cbor_string_handle(ch[i]) : cbor_bytestring_handle(ch[i]);
        if (l)
            memcpy(buf + at, h, l);
        at += l;
    }
    *out = buf;
    *len = total;
    return true;
}

static bool is_number(cbor_item_t *it)
{
    return cbor_isa_uint(it) || cbor_isa_negint(it) ||
           (cbor_isa_float_ctrl(it) && cbor_float_get_width(it) != CBOR_FLOAT_0);
}

typedef struct rec_ctx {
    senml_dec *d;
    senml_record r;
    rec_scratch s;
    uint32_t seen; /* labels -6..8 seen, bit label+6 */
} rec_ctx;

static int field_err(rec_ctx *c, const char *label, const char *want)
{
    lwm2m_err_set(c->d->err, FMT ": record %zu: %s must be %s", c->d->index + 1, label, want);
    return -1;
}

static int set_kind(rec_ctx *c, senml_kind k)
{
    if (c->r.kind != SENML_NONE) {
        lwm2m_err_set(c->d->err, FMT ": record %zu has more than one value field", c->d->index + 1);
        return -1;
    }
    c->r.kind = k;
    return 0;
}

static int read_number(rec_ctx *c, cbor_item_t *v)
{
    if (cbor_isa_uint(v)) {
        uint64_t u = cbor_get_int(v);
        if (u <= INT64_MAX)
            c->r.i = (int64_t)u;
        else
            c->r.u = u;
        return set_kind(c, u <= INT64_MAX ? SENML_INT : SENML_UINT);
    }
    if (cbor_isa_negint(v)) {
        uint64_t m = cbor_get_int(v);
        if (m > INT64_MAX)
            return field_err(c, "v", "at least -2^63");
        c->r.i = -1 - (int64_t)m;
        return set_kind(c, SENML_INT);
    }
    if (!is_number(v))
        return field_err(c, "v", "a number");
    c->r.f = cbor_float_get_float(v);
    return set_kind(c, SENML_FLOAT);
}

static int read_int_label(rec_ctx *c, int64_t label, cbor_item_t *v)
{
    const uint8_t *b;
    size_t n;
    switch (label) {
    case L_BN:
    case L_N:
        if (!get_bytes(v, true, &c->s, &b, &n))
            return field_err(c, label == L_BN ? "bn" : "n", "a text string");
        if (label == L_BN)
            c->r.bn = (const char *)b, c->r.bn_len = n;
        else
            c->r.n = (const char *)b, c->r.n_len = n;
        return 0;
    case L_V:
        return read_number(c, v);
    case L_VS:
        if (!get_bytes(v, true, &c->s, &c->r.data, &c->r.len))
            return field_err(c, "vs", "a text string");
        return set_kind(c, SENML_STRING);
    case L_VB:
        /* cbor_is_bool() asserts on floats: check for a simple value first. */
        if (!cbor_isa_float_ctrl(v) || cbor_float_get_width(v) != CBOR_FLOAT_0 || !cbor_is_bool(v))
            return field_err(c, "vb", "true or false");
        c->r.b = cbor_get_bool(v);
        return set_kind(c, SENML_BOOL);
    case L_VD:
        if (!get_bytes(v, false, &c->s, &c->r.data, &c->r.len))
            return field_err(c, "vd", "a byte string");
        return set_kind(c, SENML_DATA);
    case L_BT:
    case L_T:
    case L_BVER:
        return is_number(v) ? 0 : field_err(c, "a time or version", "a number");
    case L_BU:
    case L_U:
        return cbor_isa_string(v) ? 0 : field_err(c, "a unit", "a text string");
    case L_BV:
    case L_BS:
    case L_S:
    case L_UT:
        lwm2m_err_set(c->d->err, FMT ": record %zu: label %lld is not supported by LwM2M",
                      c->d->index + 1, (long long)label);
        return -1;
    default:
        return 0; /* unassigned labels are ignored */
    }
}

static int read_text_label(rec_ctx *c, const uint8_t *k, size_t kl, cbor_item_t *v)
{
    if (kl == 3 && memcmp(k, "vlo", 3) == 0) {
        if (!get_bytes(v, true, &c->s, &c->r.data, &c->r.len))
            return field_err(c, "vlo", "a text string");
        return set_kind(c, SENML_OBJLNK);
    }
    if (kl && k[kl - 1] == '_') {
        lwm2m_err_set(c->d->err, FMT ": record %zu: unknown must-understand label",
                      c->d->index + 1);
        return -1;
    }
    return 0;
}

static int read_pair(rec_ctx *c, struct cbor_pair *pr)
{
    cbor_item_t *k = pr->key;
    if (cbor_isa_uint(k) || cbor_isa_negint(k)) {
        uint64_t m = cbor_get_int(k);
        int64_t label = cbor_isa_uint(k) ? (m > 1000 ? 1000 : (int64_t)m)
                                         : (m > 1000 ? -1000 : -1 - (int64_t)m);
        if (label >= -6 && label <= 8) {
            uint32_t bit = 1u << (label + 6);
            if (c->seen & bit) {
                lwm2m_err_set(c->d->err, FMT ": record %zu: label %lld appears twice",
                              c->d->index + 1, (long long)label);
                return -1;
            }
            c->seen |= bit;
        }
        return read_int_label(c, label, pr->value);
    }
    const uint8_t *kb;
    size_t kl;
    if (get_bytes(k, true, &c->s, &kb, &kl))
        return read_text_label(c, kb, kl, pr->value);
    lwm2m_err_set(c->d->err, FMT ": record %zu: labels must be integers or text", c->d->index + 1);
    return -1;
}

static int read_record(senml_dec *d, cbor_item_t *it)
{
    rec_ctx c;
    memset(&c, 0, sizeof c);
    c.d = d;
    if (!cbor_isa_map(it)) {
        lwm2m_err_set(d->err, FMT ": record %zu is not a map", d->index + 1);
        return -1;
    }
    size_t np = cbor_map_size(it);
    struct cbor_pair *pairs = cbor_map_handle(it);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < np; i++)
        rc = read_pair(&c, &pairs[i]);
    if (rc == 0)
        rc = senml_add_record(d, &c.r);
    for (int i = 0; i < c.s.nowned; i++)
        free(c.s.owned[i]);
    return rc;
}

static bool has_tags(cbor_item_t *it, int depth)
{
    if (depth > SENML_CBOR_MAX_DEPTH)
        return true;
    if (cbor_isa_tag(it))
        return true;
    if (cbor_isa_array(it)) {
        for (size_t i = 0; i < cbor_array_size(it); i++)
            if (has_tags(cbor_array_handle(it)[i], depth + 1))
                return true;
    } else if (cbor_isa_map(it)) {
        struct cbor_pair *p = cbor_map_handle(it);
        for (size_t i = 0; i < cbor_map_size(it); i++)
            if (has_tags(p[i].key, depth + 1) || has_tags(p[i].value, depth + 1))
                return true;
    }
    return false;
}

int senml_cbor_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
                      void *ctx, lwm2m_list *out, lwm2m_err *err)
{
    senml_dec d;
    size_t mark = out->len;
    if (senml_check_base(FMT, base, err) < 0 || precheck(buf, len, err) < 0)
        return -1;
    senml_dec_init(&d, FMT, base, type_of, ctx, out, err);
    struct cbor_load_result res;
    cbor_item_t *root = cbor_load(buf, len, &res);
    if (!root || res.error.code != CBOR_ERR_NONE) {
        lwm2m_err_set(err, FMT ": malformed CBOR at offset %zu", res.error.position);
        if (root)
            cbor_decref(&root);
        return -1;
    }
    int rc = 0;
    if (!cbor_isa_array(root)) {
        lwm2m_err_set(err, FMT ": the payload must be an array of records");
        rc = -1;
    } else if (has_tags(root, 0)) {
        lwm2m_err_set(err, FMT ": CBOR tags are not allowed in SenML");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < cbor_array_size(root); i++)
        rc = read_record(&d, cbor_array_handle(root)[i]);
    cbor_decref(&root);
    if (rc < 0)
        lwm2m_list_truncate(out, mark);
    return rc;
}
