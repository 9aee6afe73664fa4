/* rv.c -- constructors for resolver results (gql_rv), see graphql.h. */
#include "graphql.h"

#include <stdarg.h>
#include <string.h>

gql_rv gql_rv_strn(const char *s, size_t n)
{
    if (!s)
        return gql_rv_null();
    gql_rv r = {.kind = GQL_RV_STRING};
    r.u.s.ptr = s;
    r.u.s.len = n;
    return r;
}

gql_rv gql_rv_str(const char *s)
{
    return s ? gql_rv_strn(s, strlen(s)) : gql_rv_null();
}

gql_rv gql_rv_object(void *ptr, const char *typename)
{
    if (!ptr)
        return gql_rv_null();
    gql_rv r = {.kind = GQL_RV_OBJECT};
    r.u.obj.ptr = ptr;
    r.u.obj.typename = typename;
    return r;
}

gql_rv gql_rv_error(gql_info *info, const char *fmt, ...)
{
    gql_rv r = {.kind = GQL_RV_ERROR};
    va_list ap;
    va_start(ap, fmt);
    r.u.err.message = gql_arena_vprintf(info->arena, fmt, ap);
    va_end(ap);
    return r;
}
