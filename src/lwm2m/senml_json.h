/* senml_json.h -- SenML JSON (application/senml+json, Content-Format 110)
 * as profiled by LwM2M 1.1/1.2 (Core §7.4.4).
 *
 * Encoding writes compact JSON in list order: the first record carries the
 * base name (the object instance of the request path, "/0/1/"), every record
 * a relative name "n" and one value field: "v" for integer, unsigned, float
 * and time, "vs" string, "vb" boolean, "vd" opaque (base64url without
 * padding, RFC 8428), "vlo" objlnk ("21:0"); NONE values become records with
 * a name only (as in Read-Composite requests).
 */
#ifndef LWM2M_SENML_JSON_H
#define LWM2M_SENML_JSON_H

#include "lwm2m_data.h"

/* Appends the SenML JSON for `l` (values below `base`) to `out`. Fails on a
 * value outside base, a non-finite float or a string that is not UTF-8. */
int senml_json_encode(const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out, lwm2m_err *err);

/* Decodes SenML JSON received for `base`, appending values with full paths.
 * Rejected: anything but an array of objects; duplicate keys; fields of the
 * wrong JSON type; more than one value field; a name that is not an LwM2M
 * path or lies outside `base`; a value of the wrong kind for the resource
 * (typed by `type_of`, NULL for the built-in models); bad base64 in "vd";
 * "vlo" not "obj:inst"; the sum fields and base value ("s", "bs", "bv"),
 * which LwM2M does not use; unknown fields ending in "_" (RFC 8428
 * must-understand). Times ("t", "bt"), units and "bver" are accepted and
 * ignored. Returns 0, or -1 with `err` set and `out` unchanged. */
int senml_json_decode(const uint8_t *buf, size_t len, const lwm2m_path *base, lwm2m_type_fn type_of,
                      void *ctx, lwm2m_list *out, lwm2m_err *err);

#endif
