/* lwm2m_format.h -- content-format dispatch and the choice of format.
 *
 * The bootstrap server writes in one format per client, chosen as Leshan's
 * DefaultBootstrapSession and Wakaama do: the configured format if any,
 * else the client's preferred format (`pct`, LwM2M 1.1+ Bootstrap-Request),
 * else TLV, which every 1.0 client must support and which a 1.0 client never
 * states. This module maps a Content-Format number to the codec.
 */
#ifndef LWM2M_FORMAT_H
#define LWM2M_FORMAT_H

#include "lwm2m_data.h"

/* True for the formats this library encodes and decodes: TLV (11542),
 * SenML JSON (110), SenML CBOR (112). */
bool lwm2m_format_supported(int cf);
/* "TLV", "SenML JSON", ... or "unknown". */
const char *lwm2m_format_name(int cf);

/* The format to write to a client of version v. `configured` is 0 when the
 * bootstrap configuration names none; `pct` is -1 when the client sent no
 * pct. Returns the Content-Format, or -1 when the configured or preferred
 * format is one we cannot write, or one the client's version lacks (SenML
 * for 1.0): the caller then answers 4.15 (the spec's choice) or falls back
 * to TLV (Wakaama's). */
int lwm2m_format_choose(int configured, long pct, lwm2m_version v);

int lwm2m_encode(int cf, const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out,
                 lwm2m_err *err);
int lwm2m_decode(int cf, const uint8_t *buf, size_t len, const lwm2m_path *base,
                 lwm2m_type_fn type_of, void *ctx, lwm2m_list *out, lwm2m_err *err);

#endif
