/* lwm2m_data.h -- the LwM2M data model shared by the content-format codecs.
 *
 * Every LwM2M payload (TLV, SenML JSON, SenML CBOR) is, once decoded, a flat
 * list of values, each addressed by a path /object/instance/resource
 * [/resource-instance] and carrying one typed value. The codecs translate
 * between that list and bytes; they know nothing about CoAP or about the
 * bootstrap sequence (Wakaama's split between core/ and data/ is the model).
 *
 * A value of type LWM2M_TYPE_NONE marks a container without children (an
 * empty object instance /0/1, an empty multiple resource /0/1/16) or, in
 * SenML, a record with a name and no value. Every other value sits on a
 * resource (3 ids) or a resource instance (4 ids).
 *
 * TLV carries no types, so decoders ask a lookup (lwm2m_type_fn) for the
 * type of each resource. lwm2m_builtin_type() knows the objects this
 * project needs: Security /0, Server /1, Access Control /2 and Device /3.
 *
 * Ownership: a lwm2m_list owns the bytes of its string and opaque values
 * (copied in by lwm2m_list_add_*); lwm2m_list_free() releases everything.
 */
#ifndef LWM2M_DATA_H
#define LWM2M_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Content-Format numbers (CoAP registry; LwM2M TS Core 1.1/1.2 §7.4). */
enum {
    LWM2M_CF_TEXT = 0,
    LWM2M_CF_LINK = 40,          /* application/link-format (Discover) */
    LWM2M_CF_OPAQUE = 42,        /* application/octet-stream */
    LWM2M_CF_CBOR = 60,          /* application/cbor, single resource */
    LWM2M_CF_SENML_JSON = 110,   /* application/senml+json */
    LWM2M_CF_SENML_CBOR = 112,   /* application/senml+cbor */
    LWM2M_CF_TLV = 11542,        /* application/vnd.oma.lwm2m+tlv */
    LWM2M_CF_LWM2M_JSON = 11543, /* application/vnd.oma.lwm2m+json (1.0 JSON, legacy) */
    LWM2M_CF_LWM2M_CBOR = 11544, /* application/vnd.oma.lwm2m+cbor (1.2) */
};

typedef enum lwm2m_version {
    LWM2M_V1_0 = 10,
    LWM2M_V1_1 = 11,
    LWM2M_V1_2 = 12,
} lwm2m_version;

typedef enum lwm2m_type {
    LWM2M_TYPE_NONE = 0, /* no value (container or unknown) */
    LWM2M_TYPE_STRING,
    LWM2M_TYPE_OPAQUE,
    LWM2M_TYPE_INTEGER,  /* signed, up to 64 bits */
    LWM2M_TYPE_UNSIGNED, /* 1.1+: unsigned, up to 64 bits */
    LWM2M_TYPE_FLOAT,
    LWM2M_TYPE_BOOLEAN,
    LWM2M_TYPE_OBJLNK, /* object id : instance id */
    LWM2M_TYPE_TIME,   /* seconds since the epoch, signed */
} lwm2m_type;

const char *lwm2m_type_name(lwm2m_type t);

/* IDs are 0..65534; 65535 is reserved by the spec (MAX_ID) and rejected. */
#define LWM2M_MAX_ID 65534u

typedef struct lwm2m_path {
    uint16_t id[4]; /* object, instance, resource, resource instance */
    uint8_t len;    /* how many of id[] are used, 0..4 */
} lwm2m_path;

lwm2m_path lwm2m_path_make(int len, uint16_t o, uint16_t i, uint16_t r, uint16_t ri);
/* True if `p` equals `prefix` or lies below it. */
bool lwm2m_path_under(const lwm2m_path *p, const lwm2m_path *prefix);
bool lwm2m_path_equal(const lwm2m_path *a, const lwm2m_path *b);
/* Writes "/0/1/2" (or "/" for the root) into out; returns the length. */
size_t lwm2m_path_format(const lwm2m_path *p, char *out, size_t cap);

typedef struct lwm2m_value {
    lwm2m_path path;
    lwm2m_type type;
    union {
        int64_t i; /* INTEGER, TIME */
        uint64_t u;
        double f;
        bool b;
        struct {
            uint16_t obj, inst;
        } lnk;
        struct {
            uint8_t *ptr; /* owned; NUL-terminated for convenience */
            size_t len;
        } bytes; /* STRING, OPAQUE */
    } v;
} lwm2m_value;

typedef struct lwm2m_list {
    lwm2m_value *items;
    size_t len, cap;
} lwm2m_list;

#define LWM2M_LIST_INIT                                                                            \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void lwm2m_list_free(lwm2m_list *l);
/* Drops the values from index n on (decoders undo a failed decode). */
void lwm2m_list_truncate(lwm2m_list *l, size_t n);
/* Each returns 0, or -1 when out of memory (the list is unchanged). */
int lwm2m_list_add_none(lwm2m_list *l, lwm2m_path p);
int lwm2m_list_add_string(lwm2m_list *l, lwm2m_path p, const char *s, size_t len);
int lwm2m_list_add_opaque(lwm2m_list *l, lwm2m_path p, const void *data, size_t len);
int lwm2m_list_add_int(lwm2m_list *l, lwm2m_path p, int64_t v);
int lwm2m_list_add_uint(lwm2m_list *l, lwm2m_path p, uint64_t v);
int lwm2m_list_add_float(lwm2m_list *l, lwm2m_path p, double v);
int lwm2m_list_add_bool(lwm2m_list *l, lwm2m_path p, bool v);
int lwm2m_list_add_objlnk(lwm2m_list *l, lwm2m_path p, uint16_t obj, uint16_t inst);
int lwm2m_list_add_time(lwm2m_list *l, lwm2m_path p, int64_t v);
/* Copies `v` (and its bytes) to the end of the list. */
int lwm2m_list_add(lwm2m_list *l, const lwm2m_value *v);
/* Finds the value with exactly this path, or NULL. */
const lwm2m_value *lwm2m_list_find(const lwm2m_list *l, const lwm2m_path *p);
/* Same paths, types and values, in any order (used by round-trip tests). */
bool lwm2m_value_equal(const lwm2m_value *a, const lwm2m_value *b);
bool lwm2m_list_same(const lwm2m_list *a, const lwm2m_list *b);

/* Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF). */
bool lwm2m_utf8_valid(const uint8_t *s, size_t n);

/* Decoding errors: a message with the offending path or offset. */
typedef struct lwm2m_err {
    char msg[192];
} lwm2m_err;

void lwm2m_err_set(lwm2m_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Output buffer of the encoders (heap; the owner frees it). */
typedef struct lwm2m_buf {
    uint8_t *data;
    size_t len, cap;
    bool oom; /* set once an allocation failed; later writes are dropped */
} lwm2m_buf;

#define LWM2M_BUF_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void lwm2m_buf_free(lwm2m_buf *b);
void lwm2m_buf_put(lwm2m_buf *b, const void *p, size_t n);
void lwm2m_buf_putc(lwm2m_buf *b, uint8_t c);

/* Type of the resource at path p (3 or 4 ids), or LWM2M_TYPE_NONE if
 * unknown. Decoders keep unknown TLV resources as opaque bytes. */
typedef lwm2m_type (*lwm2m_type_fn)(const lwm2m_path *p, void *ctx);

/* Object and resource definitions (OMA LwM2M 1.1/1.2 object models). */
typedef struct lwm2m_resource_def {
    uint16_t id;
    const char *name;
    lwm2m_type type;
    bool multiple; /* multiple-instance resource */
    bool mandatory;
    bool executable;     /* Execute resources have no value (type NONE) */
    lwm2m_version since; /* first LwM2M (object) version that defines it */
} lwm2m_resource_def;

typedef struct lwm2m_object_def {
    uint16_t id;
    const char *name;
    bool multiple; /* multiple-instance object */
    const lwm2m_resource_def *res;
    size_t nres;
} lwm2m_object_def;

enum {
    LWM2M_OBJ_SECURITY = 0,
    LWM2M_OBJ_SERVER = 1,
    LWM2M_OBJ_ACL = 2,
    LWM2M_OBJ_DEVICE = 3,
};

const lwm2m_object_def *lwm2m_object_find(uint16_t obj);
const lwm2m_resource_def *lwm2m_resource_find(uint16_t obj, uint16_t res);
/* lwm2m_type_fn over the built-in definitions (ctx unused). */
lwm2m_type lwm2m_builtin_type(const lwm2m_path *p, void *ctx);

#endif
