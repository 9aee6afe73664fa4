/* fuzz_senml_json.c -- libFuzzer target over the senml json decoder (and its
 * encoder, by round trip); see fuzz_common.h for the input layout. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_round_trip(LWM2M_CF_SENML_JSON, data, size);
}
