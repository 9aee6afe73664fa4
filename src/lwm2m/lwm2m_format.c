/* lwm2m_format.c -- see lwm2m_format.h. */
#include "lwm2m_format.h"

#include "senml_cbor.h"
#include "senml_json.h"
#include "tlv.h"

bool lwm2m_format_supported(int cf)
{
    return cf == LWM2M_CF_TLV || cf == LWM2M_CF_SENML_JSON || cf == LWM2M_CF_SENML_CBOR;
}

const char *lwm2m_format_name(int cf)
{
    switch (cf) {
    case LWM2M_CF_TEXT:
        return "plain text";
    case LWM2M_CF_LINK:
        return "CoRE link format";
    case LWM2M_CF_OPAQUE:
        return "opaque";
    case LWM2M_CF_CBOR:
        return "CBOR";
    case LWM2M_CF_SENML_JSON:
        return "SenML JSON";
    case LWM2M_CF_SENML_CBOR:
        return "SenML CBOR";
    case LWM2M_CF_TLV:
        return "TLV";
    case LWM2M_CF_LWM2M_JSON:
        return "LwM2M JSON";
    case LWM2M_CF_LWM2M_CBOR:
        return "LwM2M CBOR";
    default:
        return "unknown";
    }
}

static bool usable(int cf, lwm2m_version v)
{
    if (!lwm2m_format_supported(cf))
        return false;
    return cf == LWM2M_CF_TLV || v >= LWM2M_V1_1;
}

int lwm2m_format_choose(int configured, long pct, lwm2m_version v)
{
    if (configured)
        return usable(configured, v) ? configured : -1;
    if (pct >= 0)
        return pct <= 65535 && usable((int)pct, v) ? (int)pct : -1;
    return LWM2M_CF_TLV;
}

int lwm2m_encode(int cf, const lwm2m_list *l, const lwm2m_path *base, lwm2m_buf *out,
                 lwm2m_err *err)
{
    switch (cf) {
    case LWM2M_CF_TLV:
        return tlv_encode(l, base, out, err);
    case LWM2M_CF_SENML_JSON:
        return senml_json_encode(l, base, out, err);
    case LWM2M_CF_SENML_CBOR:
        return senml_cbor_encode(l, base, out, err);
    default:
        lwm2m_err_set(err, "content format %d (%s) is not supported", cf, lwm2m_format_name(cf));
        return -1;
    }
}

int lwm2m_decode(int cf, const uint8_t *buf, size_t len, const lwm2m_path *base,
                 lwm2m_type_fn type_of, void *ctx, lwm2m_list *out, lwm2m_err *err)
{
    switch (cf) {
    case LWM2M_CF_TLV:
        return tlv_decode(buf, len, base, type_of, ctx, out, err);
    case LWM2M_CF_SENML_JSON:
        return senml_json_decode(buf, len, base, type_of, ctx, out, err);
    case LWM2M_CF_SENML_CBOR:
        return senml_cbor_decode(buf, len, base, type_of, ctx, out, err);
    default:
        lwm2m_err_set(err, "content format %d (%s) is not supported", cf, lwm2m_format_name(cf));
        return -1;
    }
}
