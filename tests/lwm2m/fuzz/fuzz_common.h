/* fuzz_common.h -- what the three LwM2M decoder fuzz targets share.
 *
 * Input layout: the first byte picks the request path (a LwM2M payload is
 * always decoded against one), the rest is the payload. A target decodes it;
 * when that succeeds it encodes the values again in the same format and
 * decodes the result, which must give the same values (abort() otherwise,
 * so the fuzzer reports it). Encoding may refuse a decoded list (a TLV
 * payload may repeat a resource); that is not a bug.
 */
#ifndef LWM2M_FUZZ_COMMON_H
#define LWM2M_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lwm2m_format.h"

static const lwm2m_path fuzz_bases[] = {
    {{3, 0, 0, 0}, 2}, {{3, 0, 0, 0}, 1}, {{0, 1, 0, 0}, 2}, {{1, 1, 0, 0}, 2},
    {{2, 0, 0, 0}, 1}, {{1, 0, 1, 0}, 3}, {{3, 0, 6, 0}, 3}, {{3, 0, 6, 1}, 4},
    {{0, 0, 0, 0}, 0}, {{0, 0, 0, 0}, 1}, {{5, 0, 0, 0}, 1}, {{9999, 0, 0, 0}, 2},
};

#define FUZZ_NBASES (sizeof fuzz_bases / sizeof fuzz_bases[0])

/* JSON cannot read back unsigned values above 2^63-1 (jansson's integers
 * are int64); see senml_json.c. */
static inline int fuzz_has_big_unsigned(const lwm2m_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].type == LWM2M_TYPE_UNSIGNED && l->items[i].v.u > INT64_MAX)
            return 1;
    return 0;
}

static inline int fuzz_round_trip(int cf, const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const lwm2m_path *base = &fuzz_bases[data[0] % FUZZ_NBASES];
    lwm2m_list first = LWM2M_LIST_INIT, again = LWM2M_LIST_INIT;
    lwm2m_buf buf = LWM2M_BUF_INIT;
    lwm2m_err err;
    if (lwm2m_decode(cf, data + 1, size - 1, base, NULL, NULL, &first, &err) == 0 &&
        lwm2m_encode(cf, &first, base, &buf, &err) == 0) {
        int rc = lwm2m_decode(cf, buf.data, buf.len, base, NULL, NULL, &again, &err);
        if (rc != 0 && !(cf == LWM2M_CF_SENML_JSON && fuzz_has_big_unsigned(&first))) {
            fprintf(stderr, "re-decode failed: %s\n", err.msg);
            abort();
        }
        if (rc == 0 && !lwm2m_list_same(&first, &again)) {
            fprintf(stderr, "round trip changed the values\n");
            abort();
        }
    }
    lwm2m_list_free(&first);
    lwm2m_list_free(&again);
    lwm2m_buf_free(&buf);
    return 0;
}

#endif
