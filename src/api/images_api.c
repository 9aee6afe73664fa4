/* images_api.c -- PUT /images/NAME: a base image uploaded as a stream.
 *
 * The HTTP layer hands each chunk of the body over as it arrives
 * (http_app.upload_*); here they go straight to core's upload, which
 * streams them into a new volume of the image pool. Nothing holds the
 * whole file. Answers are JSON: 201 {"name","format","capacity"} or the
 * error's status with {"error":{"code","message"}}, the codes of the
 * GraphQL API.
 */
#include "api.h"

#include <string.h>

#include "core.h"

static unsigned status_of(core_code rc)
{
    switch (rc) {
    case CORE_OK:
        return 201;
    case CORE_UNAUTHENTICATED:
        return 401;
    case CORE_FORBIDDEN:
        return 403;
    case CORE_NOT_FOUND:
        return 404;
    case CORE_CONFLICT:
        return 409;
    case CORE_BAD_USER_INPUT:
    case CORE_QUOTA_EXCEEDED:
        return 400;
    default:
        return 500;
    }
}

static unsigned error_out(core_call *k, core_code rc, gql_buf *out)
{
    if (out) {
        gql_buf_puts(out, "{\"error\":{\"code\":");
        gql_buf_json_cstr(out, core_code_name(rc));
        gql_buf_puts(out, ",\"message\":");
        gql_buf_json_cstr(out, k->err[0] ? k->err : core_code_name(rc));
        gql_buf_puts(out, "}}");
    }
    return status_of(rc);
}

static void *up_begin(void *ud, void *ctx, const char *name, uint64_t length, unsigned *status,
                      gql_buf *out)
{
    core_call *k = api_ctx_call(ctx);
    core_upload *up = NULL;
    core_code rc = core_image_upload_begin(k, name, length, &up);
    if (rc != CORE_OK)
        *status = error_out(k, rc, out);
    return up;
}

static bool up_data(void *ud, void *ctx, void *up, const void *data, size_t len, unsigned *status,
                    gql_buf *out)
{
    core_call *k = api_ctx_call(ctx);
    core_code rc = core_image_upload_send(k, up, data, len);
    if (rc != CORE_OK)
        *status = error_out(k, rc, out);
    return rc == CORE_OK;
}

static unsigned up_end(void *ud, void *ctx, void *up, bool complete, gql_buf *out)
{
    core_call *k = api_ctx_call(ctx);
    if (!complete) {
        core_image_upload_abort(up);
        return error_out(k, CORE_BAD_USER_INPUT, NULL);
    }
    drv_image img;
    core_code rc = core_image_upload_finish(k, up, &img);
    if (rc != CORE_OK)
        return error_out(k, rc, out);
    gql_buf_puts(out, "{\"name\":");
    gql_buf_json_cstr(out, img.name);
    gql_buf_puts(out, ",\"format\":");
    gql_buf_json_cstr(out, img.format);
    gql_buf_puts(out, ",\"capacity\":");
    gql_buf_json_int(out, (int64_t)img.capacity_bytes);
    gql_buf_puts(out, "}");
    drv_image_clear(&img);
    return 201;
}

void api_upload_hooks(http_app *app)
{
    app->upload_begin = up_begin;
    app->upload_data = up_data;
    app->upload_end = up_end;
}
