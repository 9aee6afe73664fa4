/* lwm2m_test_util.h -- helpers shared by the LwM2M codec tests.
 *
 * Payload vectors are written as hex (as the LwM2M specification prints
 * them), with whitespace ignored and '#' starting a comment to the end of the
 * line, so golden files can annotate every TLV entry.
 */
#ifndef LWM2M_TEST_UTIL_H
#define LWM2M_TEST_UTIL_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwm2m_data.h"

/* Parses hex text into a malloc'ed buffer; returns NULL on a stray char. */
static inline uint8_t *hex_parse(const char *s, size_t *len)
{
    uint8_t *out = malloc(strlen(s) / 2 + 1);
    size_t n = 0;
    int half = -1;
    for (; out && *s; s++) {
        if (*s == '#') {
            while (*s && *s != '\n')
                s++;
            if (!*s)
                break;
            continue;
        }
        if (isspace((unsigned char)*s))
            continue;
        if (!isxdigit((unsigned char)*s)) {
            free(out);
            return NULL;
        }
        int v = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
        if (half < 0) {
            half = v;
        } else {
            out[n++] = (uint8_t)(half << 4 | v);
            half = -1;
        }
    }
    if (half >= 0) {
        free(out);
        return NULL;
    }
    *len = n;
    return out;
}

/* Lower-case hex with single spaces, for readable failure messages. */
static inline char *hex_format(const uint8_t *p, size_t n)
{
    char *s = malloc(n * 3 + 1);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        sprintf(s + 3 * i, i + 1 < n ? "%02x " : "%02x", p[i]);
    return s;
}

/* CHECK that bytes equal the hex text; prints both on mismatch. */
#define CHECK_HEX(data, len, hex)                                                                  \
    do {                                                                                           \
        size_t el_;                                                                                \
        uint8_t *e_ = hex_parse((hex), &el_);                                                      \
        if (!e_ || el_ != (len) || memcmp(e_, (data), el_) != 0) {                                 \
            char *g_ = hex_format((data), (len));                                                  \
            char *w_ = e_ ? hex_format(e_, el_) : NULL;                                            \
            TEST_FAIL_("bytes differ:\n    got:      %s\n    expected: %s", g_ ? g_ : "?",         \
                       w_ ? w_ : "(bad hex)");                                                     \
            free(g_);                                                                              \
            free(w_);                                                                              \
        }                                                                                          \
        free(e_);                                                                                  \
    } while (0)

static inline lwm2m_path P1(uint16_t o)
{
    return lwm2m_path_make(1, o, 0, 0, 0);
}
static inline lwm2m_path P2(uint16_t o, uint16_t i)
{
    return lwm2m_path_make(2, o, i, 0, 0);
}
static inline lwm2m_path P3(uint16_t o, uint16_t i, uint16_t r)
{
    return lwm2m_path_make(3, o, i, r, 0);
}
static inline lwm2m_path P4(uint16_t o, uint16_t i, uint16_t r, uint16_t ri)
{
    return lwm2m_path_make(4, o, i, r, ri);
}

static inline const lwm2m_value *find3(const lwm2m_list *l, uint16_t o, uint16_t i, uint16_t r)
{
    lwm2m_path p = P3(o, i, r);
    return lwm2m_list_find(l, &p);
}

static inline const lwm2m_value *find4(const lwm2m_list *l, uint16_t o, uint16_t i, uint16_t r,
                                       uint16_t ri)
{
    lwm2m_path p = P4(o, i, r, ri);
    return lwm2m_list_find(l, &p);
}

/* The value's string or opaque bytes as a C string ("" if absent). */
static inline const char *vstr(const lwm2m_value *v)
{
    return v && (v->type == LWM2M_TYPE_STRING || v->type == LWM2M_TYPE_OPAQUE)
               ? (const char *)v->v.bytes.ptr
               : "";
}

/* Reads a golden file below TEST_DATA_DIR; NULL if missing. */
static inline char *golden_read(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/golden/%s", test_data_dir(), name);
    return test_read_file(path, len);
}

#endif
