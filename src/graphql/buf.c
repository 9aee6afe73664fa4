/* buf.c -- growable byte buffer and JSON writers, see buf.h. */
#include "buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("epfiot: out of memory\n", stderr);
    abort();
}

void gql_buf_free(gql_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void gql_buf_reserve(gql_buf *b, size_t extra)
{
    if (b->cap - b->len > extra)
        return;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap - b->len <= extra)
        ncap *= 2;
    char *p = realloc(b->data, ncap);
    if (!p)
        oom();
    b->data = p;
    b->cap = ncap;
}

void gql_buf_put(gql_buf *b, const void *p, size_t n)
{
    gql_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gql_buf_puts(gql_buf *b, const char *s)
{
    gql_buf_put(b, s, strlen(s));
}

void gql_buf_putc(gql_buf *b, char c)
{
    gql_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void gql_buf_printf(gql_buf *b, const char *fmt, ...)
{
    /* Format straight into the free space; only when it does not fit grow
     * and format again (also avoids vsnprintf(NULL, 0, ...), which GCC's
     * format-truncation check rejects in optimised sanitizer builds). */
    gql_buf_reserve(b, 64);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n <= 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        gql_buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void gql_buf_truncate(gql_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

const char *gql_buf_cstr(gql_buf *b)
{
    if (!b->data)
        gql_buf_reserve(b, 1), b->data[0] = '\0';
    return b->data;
}

char *gql_buf_steal(gql_buf *b, size_t *len)
{
    gql_buf_cstr(b);
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, min = 0x80, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, min = 0x800, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    return len;
}

void gql_buf_json_string(gql_buf *b, const char *str, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    gql_buf_reserve(b, n + 2);
    gql_buf_putc(b, '"');
    size_t run = 0; /* start of the pending run of bytes copied verbatim */
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        const char *esc = NULL;
        char ubuf[7];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t l = utf8_seq(s + i, n - i);
            if (l) {
                i += l;
                continue;
            }
            esc = "\xEF\xBF\xBD"; /* U+FFFD for an invalid byte */
        } else if (c == '"') {
            esc = "\\\"";
        } else if (c == '\\') {
            esc = "\\\\";
        } else if (c == '\n') {
            esc = "\\n";
        } else if (c == '\r') {
            esc = "\\r";
        } else if (c == '\t') {
            esc = "\\t";
        } else if (c == '\b') {
            esc = "\\b";
        } else if (c == '\f') {
            esc = "\\f";
        } else {
            ubuf[0] = '\\', ubuf[1] = 'u', ubuf[2] = '0', ubuf[3] = '0';
            ubuf[4] = hex[c >> 4], ubuf[5] = hex[c & 15], ubuf[6] = '\0';
            esc = ubuf;
        }
        gql_buf_put(b, s + run, i - run);
        gql_buf_puts(b, esc);
        i++;
        run = i;
    }
    gql_buf_put(b, s + run, n - run);
    gql_buf_putc(b, '"');
}

void gql_buf_json_cstr(gql_buf *b, const char *s)
{
    gql_buf_json_string(b, s, strlen(s));
}

/* The general case: shortest round-tripping digits by trying precisions. */
static void json_double_slow(gql_buf *b, double v)
{
    if (!isfinite(v)) {
        gql_buf_puts(b, "null");
        return;
    }
    if (v == 0) {
        gql_buf_putc(b, '0'); /* JS prints -0 as "0" too */
        return;
    }
    char tmp[40];
    int prec;
    /* Shortest round-tripping precision, as ECMAScript's Number::toString. */
    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp is [-]d[.ddd]e[+-]XX: extract digits and exponent. */
    char digits[20];
    size_t k = 0;
    const char *p = tmp;
    bool neg = false;
    if (*p == '-')
        neg = true, p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    int e = atoi(p + 1);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    int n = e + 1; /* position of the decimal point */
    char out[64];
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if ((int)k <= n && n <= 21) {
        memcpy(out + o, digits, k), o += k;
        for (int i = 0; i < n - (int)k; i++)
            out[o++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(out + o, digits, (size_t)n), o += (size_t)n;
        out[o++] = '.';
        memcpy(out + o, digits + n, k - (size_t)n), o += k - (size_t)n;
    } else if (-6 < n && n <= 0) {
        out[o++] = '0', out[o++] = '.';
        for (int i = 0; i < -n; i++)
            out[o++] = '0';
        memcpy(out + o, digits, k), o += k;
    } else {
        out[o++] = digits[0];
        if (k > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, k - 1), o += k - 1;
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%d", n - 1 < 0 ? '-' : '+',
                              abs(n - 1));
    }
    gql_buf_put(b, out, o);
}

static bool is_integral(double d)
{
    return isfinite(d) && floor(d) == d;
}

/* Decimal text of an integer without going through printf, which costs
 * more than the rest of writing a small field. Returns the length. */
static size_t format_int(char *buf, int64_t v)
{
    char tmp[24];
    size_t n = 0, o = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[o++] = '-';
    while (n)
        buf[o++] = tmp[--n];
    return o;
}

void gql_buf_json_int(gql_buf *out, int64_t v)
{
    char tmp[24];
    gql_buf_put(out, tmp, format_int(tmp, v));
}

/* A finite double as JavaScript prints it. json_double_slow searches
 * for the shortest round-tripping form with up to 17 snprintf/strtod
 * rounds, which dominated the time of list-heavy responses. Most result
 * numbers are integers or have a few decimals; those are settled here
 * with integer arithmetic: the first k for which round(d * 10^k) / 10^k
 * gives d back is the fewest decimals that read back exactly, which (for
 * magnitudes JavaScript prints without an exponent) is the shortest form.
 * Division by an exact power of ten is correctly rounded, so the test is
 * exactly "strtod of this text is d". Anything else goes the slow way. */
void gql_buf_json_double(gql_buf *out, double d)
{
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    if (is_integral(d) && fabs(d) < 9007199254740992.0) {
        gql_buf_json_int(out, (int64_t)d);
        return;
    }
    double m = fabs(d);
    if (m >= 1e-4 && m < 1e9) {
        /* up to 15 significant digits, where m * 10^k is exact enough for
         * llround to find the nearest candidate */
        for (int k = 1; k <= 8 && m * p10[k] < 1e15; k++) {
            long long n = llround(m * p10[k]);
            if ((double)n / p10[k] != m)
                continue;
            char digits[24], tmp[40];
            int nd = (int)format_int(digits, n);
            size_t o = 0;
            if (d < 0)
                tmp[o++] = '-';
            if (nd <= k) {
                tmp[o++] = '0';
                tmp[o++] = '.';
                for (int i = nd; i < k; i++)
                    tmp[o++] = '0';
                memcpy(tmp + o, digits, (size_t)nd);
                o += (size_t)nd;
            } else {
                memcpy(tmp + o, digits, (size_t)(nd - k));
                o += (size_t)(nd - k);
                tmp[o++] = '.';
                memcpy(tmp + o, digits + nd - k, (size_t)k);
                o += (size_t)k;
            }
            while (tmp[o - 1] == '0')
                o--;
            gql_buf_put(out, tmp, o);
            return;
        }
    }
    json_double_slow(out, d);
}
