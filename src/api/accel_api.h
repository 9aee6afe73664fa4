/* accel_api.h -- the GraphQL side of accelerator sharing (accel_api.c),
 * and the few helpers of api.c it shares. Internal to src/api/. */
#ifndef EPFIOT_API_ACCEL_API_H
#define EPFIOT_API_ACCEL_API_H

#include "api.h"
#include "core_accel.h"

/* From api.c. */
core_call *api_call(gql_info *info);
/* The call's error (core_code + message) as a field error. */
gql_rv api_fail(gql_info *info, core_code code);
/* An object for the VM or user when the caller may see it, else null. */
gql_rv api_vm_visible(gql_info *info, int64_t vm_id);
gql_rv api_user_visible(gql_info *info, int64_t user_id);
/* A Hostdev object (a field error when there is no such device). */
gql_rv api_dev_object(gql_info *info, int64_t dev_id);
gql_rv api_time(gql_info *info, int64_t t); /* ISO 8601 UTC; null for 0 */
gql_rv api_id(gql_info *info, int64_t id);
int64_t api_arg_id(const gql_val *args, const char *key); /* 0: none or invalid */

typedef struct api_binding {
    const char *type, *field;
    gql_resolve_fn fn;
} api_binding;

/* The accelerator resolvers, bound by api_new like its own. */
extern const api_binding accel_api_bindings[];
extern const size_t accel_api_nbindings;

/* The accelerator lines of /metrics. */
void accel_api_metrics(core *c, gql_buf *out);

#endif
