/* graphql-hello.c -- the smallest complete embedding of the GraphQL engine:
 * a schema from SDL, three resolvers over a C array, one cached request.
 * Built and run by the test suite (docs/examples/meson.build) so it never
 * goes stale; docs/graphql.md walks through it. */
#include <stdio.h>
#include <string.h>

#include "graphql.h"

struct vm { const char *name; int vcpu; };
static struct vm vms[] = {{"web", 2}, {"db", 4}};

static gql_rv vm_at(void *list, size_t i, gql_info *info)
{
    return gql_rv_object(&((struct vm *)list)[i], "Vm");
}
static gql_rv query_vms(void *parent, const gql_val *args, gql_info *info)
{
    gql_rv r = {.kind = GQL_RV_LIST_FN};
    r.u.list_fn.list = vms;
    r.u.list_fn.n = 2;
    r.u.list_fn.at = vm_at;
    return r;
}
static gql_rv vm_name(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_str(((struct vm *)parent)->name);
}
static gql_rv vm_vcpu(void *parent, const gql_val *args, gql_info *info)
{
    return gql_rv_int(((struct vm *)parent)->vcpu);
}

int main(void)
{
    const char *sdl = "type Query { vms: [Vm!]! } type Vm { name: String! vcpu: Int! }";
    char *errors = NULL;
    gql_schema *s = gql_schema_build(sdl, strlen(sdl), &errors);
    if (!s) {
        fprintf(stderr, "%s\n", errors);
        return 1;
    }
    gql_schema_bind(s, "Query", "vms", query_vms, NULL);
    gql_schema_bind(s, "Vm", "name", vm_name, NULL);
    gql_schema_bind(s, "Vm", "vcpu", vm_vcpu, NULL);

    gql_cache *cache = gql_cache_new(256);
    const char *q = "{ vms { name vcpu } }";
    gql_request req = {.query = q, .query_len = strlen(q)};
    gql_result res;
    gql_run(s, cache, &req, &res);
    puts(gql_buf_cstr(&res.body)); /* {"data":{"vms":[{"name":"web","vcpu":2},...]}} */
    gql_result_free(&res);
    gql_cache_free(cache);
    gql_schema_free(s);
    return 0;
}
