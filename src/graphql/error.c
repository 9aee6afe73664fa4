/* error.c -- GraphQL error lists, see error.h. */
#include "error.h"

#include <string.h>

void gql_errors_init(gql_errors *e, gql_arena *arena)
{
    memset(e, 0, sizeof *e);
    e->arena = arena;
}

gql_error *gql_errors_vadd(gql_errors *e, const gql_loc *loc, const char *fmt, va_list ap)
{
    if (e->max && e->n >= e->max) {
        e->truncated = true;
        /* Still hand back a usable (detached) error so callers need no check. */
        gql_error *scratch = GQL_NEW(e->arena, gql_error);
        scratch->message = "";
        return scratch;
    }
    gql_error *err = GQL_NEW(e->arena, gql_error);
    err->message = gql_arena_vprintf(e->arena, fmt, ap);
    if (loc && loc->line) {
        err->locs = GQL_NEW(e->arena, gql_loc);
        err->locs[0] = *loc;
        err->nlocs = 1;
    }
    if (e->tail)
        e->tail->next = err;
    else
        e->head = err;
    e->tail = err;
    e->n++;
    return err;
}

gql_error *gql_errors_add(gql_errors *e, const gql_loc *loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gql_error *err = gql_errors_vadd(e, loc, fmt, ap);
    va_end(ap);
    return err;
}

void gql_error_add_loc(gql_errors *e, gql_error *err, gql_loc loc)
{
    if (!loc.line)
        return;
    err->locs = gql_arena_grow(e->arena, err->locs, err->nlocs, err->nlocs + 1, sizeof(gql_loc));
    err->locs[err->nlocs++] = loc;
}

void gql_error_set_path(gql_errors *e, gql_error *err, const gql_path_seg *path, size_t n)
{
    err->path = GQL_NEWN(e->arena, gql_path_seg, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        err->path[i].key = path[i].key ? gql_arena_strdup(e->arena, path[i].key) : NULL;
        err->path[i].index = path[i].index;
    }
    err->npath = n;
}

void gql_errors_write_json(const gql_errors *e, gql_buf *out)
{
    gql_buf_putc(out, '[');
    for (const gql_error *err = e->head; err; err = err->next) {
        if (err != e->head)
            gql_buf_putc(out, ',');
        gql_buf_puts(out, "{\"message\":");
        gql_buf_json_cstr(out, err->message);
        if (err->nlocs) {
            gql_buf_puts(out, ",\"locations\":[");
            for (size_t i = 0; i < err->nlocs; i++)
                gql_buf_printf(out, "%s{\"line\":%u,\"column\":%u}", i ? "," : "",
                               err->locs[i].line, err->locs[i].column);
            gql_buf_putc(out, ']');
        }
        if (err->path) {
            gql_buf_puts(out, ",\"path\":[");
            for (size_t i = 0; i < err->npath; i++) {
                if (i)
                    gql_buf_putc(out, ',');
                if (err->path[i].key)
                    gql_buf_json_cstr(out, err->path[i].key);
                else
                    gql_buf_printf(out, "%zu", err->path[i].index);
            }
            gql_buf_putc(out, ']');
        }
        if (err->extensions_json) {
            gql_buf_puts(out, ",\"extensions\":");
            gql_buf_puts(out, err->extensions_json);
        }
        gql_buf_putc(out, '}');
    }
    gql_buf_putc(out, ']');
}
