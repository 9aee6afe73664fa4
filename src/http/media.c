/* media.c -- the small parsers of HTTP header values and bodies that the
 * GraphQL-over-HTTP front needs: Accept negotiation between
 * application/graphql-response+json and application/json, Content-Type
 * checks, and application/x-www-form-urlencoded fields (the console's
 * login form).
 *
 * They are written here rather than taken from libmicrohttpd because MHD
 * offers no Accept negotiation, and its POST processor is callback-driven
 * for large multipart uploads, far more machinery than two form fields of a
 * bounded body need.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *p, const char *end)
{
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return end;
}

static bool token_is(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) == n && strncasecmp(p, word, n) == 0;
}

/* The q of one media range's parameters ("; q=0.5; x=y"); 1 when absent.
 * A malformed q counts as 0, so a garbled range never wins. */
static double range_q(const char *params, const char *end)
{
    double q = 1.0;
    const char *p = params;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *pend = semi ? semi : end;
        const char *s = skip_ws(p, pend);
        if (pend - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
            char tmp[16];
            size_t n = (size_t)(trim_end(s + 2, pend) - (s + 2));
            if (n == 0 || n >= sizeof tmp)
                return 0;
            memcpy(tmp, s + 2, n);
            tmp[n] = 0;
            char *e;
            q = strtod(tmp, &e);
            if (*e || q < 0 || q > 1)
                return 0;
        }
        p = semi ? semi + 1 : end;
    }
    return q;
}

http_media http_accept_pick(const char *accept)
{
    if (!accept || !*skip_ws(accept, accept + strlen(accept)))
        return HTTP_MEDIA_JSON;
    double q_gql = 0, q_json = 0;
    const char *p = accept, *end = accept + strlen(accept);
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *rend = comma ? comma : end;
        const char *semi = memchr(p, ';', (size_t)(rend - p));
        const char *tstart = skip_ws(p, rend);
        const char *tend = trim_end(tstart, semi ? semi : rend);
        double q = range_q(semi ? semi + 1 : rend, rend);
        if (token_is(tstart, tend, "application/graphql-response+json")) {
            if (q > q_gql)
                q_gql = q;
        } else if (token_is(tstart, tend, "application/json") ||
                   token_is(tstart, tend, "application/*") || token_is(tstart, tend, "*/*")) {
            if (q > q_json)
                q_json = q;
        }
        p = comma ? comma + 1 : end;
    }
    if (q_gql > 0 && q_gql >= q_json)
        return HTTP_MEDIA_GQL_RESPONSE;
    if (q_json > 0)
        return HTTP_MEDIA_JSON;
    return HTTP_MEDIA_NONE;
}

bool http_accept_html(const char *accept)
{
    return accept && strcasestr(accept, "text/html") != NULL;
}

/* A charset parameter, when present, must say UTF-8: the spec's only
 * encoding, and the one the JSON parser reads. */
static bool charset_ok(const char *params, const char *end)
{
    const char *p = params;
    while (p < end) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *pend = semi ? semi : end;
        const char *s = skip_ws(p, pend);
        const char *e = trim_end(s, pend);
        if ((size_t)(e - s) > 8 && strncasecmp(s, "charset=", 8) == 0) {
            s += 8;
            if (e - s >= 2 && *s == '"' && e[-1] == '"')
                s++, e--;
            if (!token_is(s, e, "utf-8") && !token_is(s, e, "utf8"))
                return false;
        }
        p = semi ? semi + 1 : end;
    }
    return true;
}

bool http_content_type_is(const char *content_type, const char *type)
{
    if (!content_type)
        return false;
    const char *end = content_type + strlen(content_type);
    const char *semi = memchr(content_type, ';', (size_t)(end - content_type));
    const char *tstart = skip_ws(content_type, end);
    const char *tend = trim_end(tstart, semi ? semi : end);
    return token_is(tstart, tend, type) && charset_ok(semi ? semi + 1 : end, end);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode [p, end) into a new string; NULL on an embedded NUL (no name or
 * password contains one, and C strings could not carry it). Malformed
 * escapes are kept literally, as browsers and WHATWG's parser do. */
static char *form_decode(const char *p, const char *end)
{
    char *out = malloc((size_t)(end - p) + 1), *o = out;
    if (!out)
        return NULL;
    while (p < end) {
        int c = (unsigned char)*p++;
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && end - p >= 2 && hex_value(p[0]) >= 0 && hex_value(p[1]) >= 0) {
            c = hex_value(p[0]) * 16 + hex_value(p[1]);
            p += 2;
        }
        if (c == 0) {
            free(out);
            return NULL;
        }
        *o++ = (char)c;
    }
    *o = 0;
    return out;
}

char *http_form_get(const char *body, size_t len, const char *key)
{
    const char *p = body, *end = body + len;
    size_t klen = strlen(key);
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fend = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(fend - p));
        /* Field names are compared undecoded: ours are plain ASCII words. */
        if (eq && (size_t)(eq - p) == klen && memcmp(p, key, klen) == 0)
            return form_decode(eq + 1, fend);
        p = amp ? amp + 1 : end;
    }
    return NULL;
}
