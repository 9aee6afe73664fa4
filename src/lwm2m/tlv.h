/* tlv.h -- the OMA LwM2M TLV content format (application/vnd.oma.lwm2m+tlv,
 * Content-Format 11542), mandatory for LwM2M 1.0 clients and the default
 * when a client states no preferred format.
 *
 * A TLV payload does not name the object (and, for a write on /O/I, not the
 * instance either): the request path supplies them. Both functions therefore
 * take `base`, the path of the request (/O, /O/I, /O/I/R or /O/I/R/RI).
 */
#ifndef LWM2M_TLV_H
#define LWM2M_TLV_H

#include "lwm2m_data.h"

/* TLV entry kinds (bits 7-6 of the type byte). */
enum {
    TLV_OBJECT_INSTANCE = 0,
    TLV_RESOURCE_INSTANCE = 1,
    TLV_MULTIPLE_RESOURCE = 2,
    TLV_RESOURCE = 3,
};

/* The largest value a TLV length field can express (24 bits). */
#define TLV_MAX_LENGTH 0xFFFFFFu

/* Appends the TLV encoding of every value of `l` to `out`. All values must
 * lie under `base` (which needs at least an object id); values of one object
 * instance or one multiple resource are grouped, in order of first
 * appearance. Integers use the smallest of 1/2/4/8 bytes, floats 4 bytes when
 * that is exact, else 8. A NONE value on /O/I writes an empty object
 * instance, on /O/I/R an empty multiple resource. Returns 0 or -1 with `err`
 * set (path outside base, duplicate path, mixed single/multiple resource,
 * value too large, out of memory). */
int tlv_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err);

/* Decodes a TLV payload sent on `base` and appends the values to `out` with
 * full paths. Types come from `type_of` (NULL: lwm2m_builtin_type); values of
 * unknown resources are kept as opaque bytes. Every malformed input is an
 * error, never a read past `len`: truncated header, identifier, length or
 * value; a child running past its parent; an entry kind not allowed at its
 * place (only object instances under /O, only resources under /O/I, ...);
 * a resource id that does not match `base`; id 65535; an integer, time or
 * unsigned value not 1/2/4/8 bytes long, a float not 4/8, a boolean not one
 * byte 0 or 1, an objlnk not 4 bytes, a string that is not UTF-8.
 * Returns 0, or -1 with `err` set and `out` restored to its previous length. */
int tlv_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
               void *ctx, lwm2m_list *out, lwm2m_err *err);

#endif
