/* senml_cbor.h -- SenML CBOR (application/senml+cbor, Content-Format 112)
 * as profiled by LwM2M 1.1/1.2 (Core §7.4.5).
 *
 * Records are CBOR maps with the integer labels of RFC 8428 §6 (bn -2,
 * n 0, v 2, vs 3, vb 4, vd 8 as a byte string) and the LwM2M text label
 * "vlo" for object links. The encoder writes definite lengths, the smallest
 * integer width, floats in 4 bytes when exact (else 8), and the same names
 * as the SenML JSON encoder (base name on the first record).
 */
#ifndef LWM2M_SENML_CBOR_H
#define LWM2M_SENML_CBOR_H

#include "lwm2m_data.h"

/* Nesting allowed in a SenML CBOR payload (array, map, value, tags). */
#define SENML_CBOR_MAX_DEPTH 8

int senml_cbor_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err);

/* Decodes SenML CBOR received for `base`. Rejected: malformed CBOR,
 * trailing bytes, declared lengths longer than the payload, nesting deeper
 * than SENML_CBOR_MAX_DEPTH, tags, anything but an array of maps, duplicate
 * labels, fields of the wrong CBOR type, more than one value field, text
 * that is not UTF-8, negative integers below -2^63, and everything
 * senml_json_decode rejects for LwM2M reasons (names, types, s/bs/bv).
 * Returns 0, or -1 with `err` set and `out` unchanged. */
int senml_cbor_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
                      void *ctx, lwm2m_list *out, lwm2m_err *err);

#endif
