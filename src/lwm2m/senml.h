/* senml.h -- what SenML JSON and SenML CBOR share (internal to src/lwm2m).
 *
 * Both formats carry the same records (RFC 8428 as profiled by LwM2M Core
 * 1.1/1.2 §7.4.4-7.4.5): a name built from the base name "bn" and the name
 * "n", and at most one value: "v" (number), "vs" (string), "vb" (boolean),
 * "vd" (opaque data) or the LwM2M extension "vlo" (objlnk "3:0"). The
 * format-specific decoders only pull fields out of their syntax into a
 * senml_record; senml_add_record() does the LwM2M part once: base-name
 * bookkeeping, path parsing, the check that the path lies below the
 * request path, and typing numbers by the resource's definition.
 */
#ifndef LWM2M_SENML_H
#define LWM2M_SENML_H

#include "lwm2m_data.h"

typedef enum senml_kind {
    SENML_NONE = 0, /* a record with no value field */
    SENML_INT,      /* numeric v, integral, in int64 range */
    SENML_UINT,     /* numeric v, integral, above INT64_MAX */
    SENML_FLOAT,    /* numeric v with a fraction or exponent (or CBOR float) */
    SENML_STRING,   /* vs */
    SENML_BOOL,     /* vb */
    SENML_DATA,     /* vd, already decoded to bytes */
    SENML_OBJLNK,   /* vlo, still text */
} senml_kind;

typedef struct senml_record {
    const char *bn, *n; /* NULL when absent; not NUL-terminated */
    size_t bn_len, n_len;
    senml_kind kind;
    int64_t i;
    uint64_t u;
    double f;
    bool b;
    const uint8_t *data; /* STRING, DATA, OBJLNK */
    size_t len;
} senml_record;

/* Longest name accepted: "/65534/65534/65534/65534" is 24 characters. */
#define SENML_MAX_NAME 64

typedef struct senml_dec {
    const char *fmt; /* "SenML JSON" or "SenML CBOR", for messages */
    const lwm2m_path *base;
    lwm2m_type_fn type_of;
    void *ctx;
    lwm2m_list *out;
    lwm2m_err *err;
    char bn[SENML_MAX_NAME + 1]; /* the base name in force */
    size_t bn_len;
    size_t index; /* record number, for messages */
} senml_dec;

void senml_dec_init(senml_dec *d, const char *fmt, const lwm2m_path *base, lwm2m_type_fn type_of,
                    void *ctx, lwm2m_list *out, lwm2m_err *err);
/* Resolves, checks and appends one record. Returns 0 or -1 (err set). */
int senml_add_record(senml_dec *d, const senml_record *r);
/* Checks the request path given to a decoder. */
int senml_check_base(const char *fmt, const lwm2m_path *base, lwm2m_err *err);

/* Parses "/O[/I[/R[/RI]]]" (ids 0..65534, no empty or trailing segment). */
int senml_parse_path(const char *s, size_t n, lwm2m_path *out);

/* Encoding: how many leading ids go into the base name. The base name is
 * the object instance of the request path ("/3/0/", as in the
 * specification's examples), shortened so that every record keeps a
 * non-empty relative name. */
size_t senml_prefix_len(const lwm2m_list *l, const lwm2m_path *base);
/* The base name for prefix length k: "/3/0/" (k >= 1). */
size_t senml_base_name(const lwm2m_path *p, size_t k, char *out, size_t cap);
/* The name of p relative to a k-id base name: "11/0", or "/3/0/11/0" when
 * k is 0 (no base name). */
size_t senml_rel_name(const lwm2m_path *p, size_t k, char *out, size_t cap);
/* Checks that every value of `l` lies below `base`, once, with a value type
 * SenML can carry. Returns 0 or -1 (err set). */
int senml_check_list(const char *fmt, const lwm2m_list *l, const lwm2m_path *base, lwm2m_err *err);

#endif
