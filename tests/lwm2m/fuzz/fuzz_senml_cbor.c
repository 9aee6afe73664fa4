/* fuzz_senml_cbor.c -- libFuzzer target over the senml cbor decoder (and its
 * encoder, by round trip); see fuzz_common.h for the input layout. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_round_trip(LWM2M_CF_SENML_CBOR, data, size);
}
