/* lexer.c -- GraphQL lexer, a port of graphql-js 17 language/lexer.js.
 *
 * graphql-js lexes a JavaScript (UTF-16) string; we lex UTF-8 bytes. The
 * observable behaviour is kept identical: which characters are accepted
 * where, the decoded values, the error messages and the reported positions
 * (columns are counted in UTF-16 code units, so a character outside the
 * Basic Multilingual Plane advances the column by two, as in graphql-js).
 *
 * Text that is not valid UTF-8 cannot reach graphql-js (it only sees decoded
 * strings). Here it is a syntax error wherever it appears: a UTF-8 encoded
 * surrogate is reported like graphql-js reports a lone surrogate
 * ("Invalid character: U+D800."), any other invalid byte as
 * "Invalid character: byte 0xFF is not valid UTF-8.".
 */
#include "lexer.h"

#include <stdarg.h>
#include <string.h>

static const char *const kind_desc[] = {
    "<SOF>", "<EOF>", "\"!\"", "\"$\"", "\"&\"", "\"(\"", "\")\"", "\".\"", "\"...\"", "\":\"",
    "\"=\"", "\"@\"", "\"[\"", "\"]\"", "\"{\"", "\"|\"", "\"}\"", "Name", "Int", "Float",
    "String", "BlockString", "Comment",
};

const char *gql_token_kind_desc(gql_token_kind k)
{
    return (unsigned)k < sizeof kind_desc / sizeof kind_desc[0] ? kind_desc[k] : "?";
}

/* ------------------------------------------------------------ characters */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_continue(int c)
{
    return is_name_start(c) || is_digit(c);
}

size_t gql_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    *cp = 0xFFFFFFFFu;
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t need;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF)
        return 0;
    if (v >= 0xD800 && v <= 0xDFFF) {
        *cp = v; /* reported like graphql-js reports a lone surrogate */
        return 0;
    }
    *cp = v;
    return need;
}

/* The code point at pos (or -1 at the end, or -2 for invalid UTF-8), with
 * its byte length in *n. */
static long code_at(const gql_lexer *lx, size_t pos, size_t *n)
{
    if (pos >= lx->len) {
        *n = 0;
        return -1;
    }
    unsigned char c = (unsigned char)lx->src[pos];
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    uint32_t cp;
    *n = gql_utf8_decode((const unsigned char *)lx->src + pos, lx->len - pos, &cp);
    if (!*n) {
        *n = 1;
        return -2;
    }
    return (long)cp;
}

/* Byte at pos or -1 past the end (charCodeAt's NaN). */
static int byte_at(const gql_lexer *lx, size_t pos)
{
    return pos < lx->len ? (unsigned char)lx->src[pos] : -1;
}

/* ---------------------------------------------------------------- errors */

/* graphql-js printCodePointAt: <EOF>, "c", '"', U+XXXX. */
static const char *print_code_point_at(gql_lexer *lx, size_t pos)
{
    if (pos >= lx->len)
        return "<EOF>";
    unsigned char c = (unsigned char)lx->src[pos];
    if (c >= 0x20 && c <= 0x7E) {
        if (c == '"')
            return "'\"'";
        return gql_arena_printf(lx->arena, "\"%c\"", c);
    }
    uint32_t cp;
    if (gql_utf8_decode((const unsigned char *)lx->src + pos, lx->len - pos, &cp) ||
        cp != 0xFFFFFFFFu)
        return gql_arena_printf(lx->arena, "U+%04X", (unsigned)cp);
    return gql_arena_printf(lx->arena, "byte 0x%02X is not valid UTF-8", c);
}

__attribute__((format(printf, 3, 4))) static bool fail(gql_lexer *lx, size_t pos,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx->error = gql_arena_vprintf(lx->arena, fmt, ap);
    va_end(ap);
    lx->error_pos = pos;
    return false;
}

/* An invalid character at pos: graphql-js says "Invalid character" for
 * what is not a Unicode scalar value (lone surrogates, here also invalid
 * UTF-8) and "Unexpected character" for everything else. */
static bool fail_char(gql_lexer *lx, size_t pos)
{
    size_t n;
    long c = code_at(lx, pos, &n);
    return fail(lx, pos, "%s character: %s.", c == -2 ? "Invalid" : "Unexpected",
                print_code_point_at(lx, pos));
}

gql_loc gql_source_location(const char *src, size_t len, size_t offset)
{
    gql_loc loc = {1, 1, (uint32_t)offset};
    if (offset > len)
        offset = len;
    size_t line_start = 0;
    for (size_t i = 0; i < offset; i++) {
        if (src[i] == '\n' || src[i] == '\r') {
            if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n') {
                if (i + 1 == offset) /* pointing between \r and \n: still the old line */
                    break;
                i++;
            }
            loc.line++;
            line_start = i + 1;
        }
    }
    uint32_t col = 1;
    for (size_t i = line_start; i < offset; i++) {
        unsigned char c = (unsigned char)src[i];
        if ((c & 0xC0) != 0x80)
            col += c >= 0xF0 ? 2 : 1;
    }
    loc.column = col;
    return loc;
}

/* --------------------------------------------------------------- tokens */

/* How many more bytes than UTF-16 units [from, to) takes: one per
 * continuation byte, less one per 4-byte sequence (two units). */
static size_t utf16_excess(const gql_lexer *lx, size_t from, size_t to)
{
    size_t excess = 0;
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)lx->src[i];
        excess += (c & 0xC0) == 0x80;
        excess -= c >= 0xF0;
    }
    return excess;
}

/* Columns are UTF-16 units since the line start. Only strings, comments
 * and the BOM can hold non-ASCII text, so the lexer adds up their excess
 * bytes as it passes them (line_adj) and a token's column is a
 * subtraction, with no rescanning of the line (minified documents are one
 * long line). */
static uint32_t column_of(const gql_lexer *lx, size_t pos)
{
    return (uint32_t)(1 + (pos - lx->line_start) - lx->line_adj);
}

static bool make(gql_lexer *lx, gql_token *t, gql_token_kind kind, size_t start, size_t end)
{
    t->kind = kind;
    t->start = start;
    t->end = end;
    t->line = lx->line;
    t->column = column_of(lx, start);
    t->value = NULL;
    t->len = 0;
    lx->pos = end;
    return true;
}

static bool make_raw(gql_lexer *lx, gql_token *t, gql_token_kind kind, size_t start, size_t end,
                     size_t vstart)
{
    make(lx, t, kind, start, end);
    t->value = lx->src + vstart;
    t->len = end - vstart;
    return true;
}

static bool read_comment(gql_lexer *lx, size_t start, gql_token *t)
{
    size_t pos = start + 1;
    while (pos < lx->len) {
        int c = byte_at(lx, pos);
        if (c == '\n' || c == '\r')
            break;
        size_t n;
        if (code_at(lx, pos, &n) < 0)
            break; /* graphql-js stops at a lone surrogate; the next scan reports it */
        pos += n;
    }
    make_raw(lx, t, GQL_TOK_COMMENT, start, pos, start + 1);
    lx->line_adj += utf16_excess(lx, start, pos);
    return true;
}

/* graphql-js readDigits: returns the end of the digits or fails. */
static bool read_digits(gql_lexer *lx, size_t start, size_t *end)
{
    if (!is_digit(byte_at(lx, start)))
        return fail(lx, start, "Invalid number, expected digit but got: %s.",
                    print_code_point_at(lx, start));
    size_t pos = start + 1;
    while (is_digit(byte_at(lx, pos)))
        pos++;
    *end = pos;
    return true;
}

static bool read_number(gql_lexer *lx, size_t start, gql_token *t)
{
    size_t pos = start;
    bool is_float = false;
    if (byte_at(lx, pos) == '-')
        pos++;
    if (byte_at(lx, pos) == '0') {
        pos++;
        if (is_digit(byte_at(lx, pos)))
            return fail(lx, pos, "Invalid number, unexpected digit after 0: %s.",
                        print_code_point_at(lx, pos));
    } else if (!read_digits(lx, pos, &pos)) {
        return false;
    }
    if (byte_at(lx, pos) == '.') {
        is_float = true;
        if (!read_digits(lx, pos + 1, &pos))
            return false;
    }
    int c = byte_at(lx, pos);
    if (c == 'e' || c == 'E') {
        is_float = true;
        pos++;
        c = byte_at(lx, pos);
        if (c == '+' || c == '-')
            pos++;
        if (!read_digits(lx, pos, &pos))
            return false;
    }
    c = byte_at(lx, pos);
    if (c == '.' || is_name_start(c))
        return fail(lx, pos, "Invalid number, expected digit but got: %s.",
                    print_code_point_at(lx, pos));
    return make_raw(lx, t, is_float ? GQL_TOK_FLOAT : GQL_TOK_INT, start, pos, start);
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool is_scalar_value(long cp)
{
    return (cp >= 0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0x10FFFF);
}

static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* End of a slice of `units` UTF-16 code units from pos (graphql-js quotes
 * body.slice(position, position + size) in escape errors), clipped to len. */
static size_t slice_end(const gql_lexer *lx, size_t pos, size_t units)
{
    while (units > 0 && pos < lx->len) {
        size_t n;
        long c = code_at(lx, pos, &n);
        units -= (c > 0xFFFF && units >= 2) ? 2 : 1;
        pos += n;
    }
    return pos;
}

static bool fail_escape(gql_lexer *lx, size_t pos, size_t units)
{
    size_t end = slice_end(lx, pos, units);
    return fail(lx, pos, "Invalid Unicode escape sequence: \"%.*s\".", (int)(end - pos),
                lx->src + pos);
}

static long read_hex4(const gql_lexer *lx, size_t pos)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(byte_at(lx, pos + (size_t)i));
        if (d < 0)
            return -1;
        v = (v << 4) | d;
    }
    return v;
}

/* \u{...}: graphql-js readEscapedUnicodeVariableWidth. */
static bool read_escape_braced(gql_lexer *lx, size_t pos, uint32_t *cp, size_t *size)
{
    long point = 0;
    size_t sz = 3;
    while (sz < 12) {
        int c = byte_at(lx, pos + sz++);
        if (c == '}') {
            if (sz < 5 || !is_scalar_value(point))
                break;
            *cp = (uint32_t)point;
            *size = sz;
            return true;
        }
        int d = hex_digit(c);
        /* graphql-js computes in 32-bit ints: a negative result ends the loop */
        point = (long)(int32_t)(((uint32_t)point << 4) | (uint32_t)(d < 0 ? 0xFFFFFFFFu : (uint32_t)d));
        if (point < 0)
            break;
    }
    return fail_escape(lx, pos, sz);
}

/* \uXXXX, combining a surrogate pair written as two escapes. */
static bool read_escape_fixed(gql_lexer *lx, size_t pos, uint32_t *cp, size_t *size)
{
    long code = read_hex4(lx, pos + 2);
    if (is_scalar_value(code)) {
        *cp = (uint32_t)code;
        *size = 6;
        return true;
    }
    if (code >= 0xD800 && code <= 0xDBFF && byte_at(lx, pos + 6) == '\\' &&
        byte_at(lx, pos + 7) == 'u') {
        long trail = read_hex4(lx, pos + 8);
        if (trail >= 0xDC00 && trail <= 0xDFFF) {
            *cp = (uint32_t)(0x10000 + ((code - 0xD800) << 10) + (trail - 0xDC00));
            *size = 12;
            return true;
        }
    }
    return fail_escape(lx, pos, 6);
}

static bool read_escape(gql_lexer *lx, size_t pos, char *out, size_t *out_n, size_t *size)
{
    int c = byte_at(lx, pos + 1);
    if (c == 'u') {
        uint32_t cp = 0;
        bool ok = byte_at(lx, pos + 2) == '{' ? read_escape_braced(lx, pos, &cp, size)
                                              : read_escape_fixed(lx, pos, &cp, size);
        if (ok)
            *out_n = put_utf8(out, cp);
        return ok;
    }
    char v;
    switch (c) {
    case '"': v = '"'; break;
    case '\\': v = '\\'; break;
    case '/': v = '/'; break;
    case 'b': v = '\b'; break;
    case 'f': v = '\f'; break;
    case 'n': v = '\n'; break;
    case 'r': v = '\r'; break;
    case 't': v = '\t'; break;
    default: {
        size_t end = slice_end(lx, pos, 2);
        return fail(lx, pos, "Invalid character escape sequence: \"%.*s\".", (int)(end - pos),
                    lx->src + pos);
    }
    }
    out[0] = v;
    *out_n = 1;
    *size = 2;
    return true;
}

static bool read_string(gql_lexer *lx, size_t start, gql_token *t)
{
    /* Decoding never makes the text longer: bound the value by a quick scan
     * to the closing quote (or the end of the line) and allocate once. */
    size_t limit = start + 1;
    while (limit < lx->len && lx->src[limit] != '"' && lx->src[limit] != '\n' &&
           lx->src[limit] != '\r')
        limit += lx->src[limit] == '\\' ? 2 : 1;
    if (limit > lx->len)
        limit = lx->len;
    char *out = gql_arena_alloc(lx->arena, limit - start);
    size_t n = 0, pos = start + 1;
    while (pos < lx->len) {
        int c = byte_at(lx, pos);
        if (c == '"') {
            out[n] = '\0';
            make(lx, t, GQL_TOK_STRING, start, pos + 1);
            lx->line_adj += utf16_excess(lx, start, pos);
            t->value = out;
            t->len = n;
            return true;
        }
        if (c == '\\') {
            size_t used = 0, size = 0;
            if (!read_escape(lx, pos, out + n, &used, &size))
                return false;
            n += used;
            pos += size;
            continue;
        }
        if (c == '\n' || c == '\r')
            break;
        size_t cn;
        if (code_at(lx, pos, &cn) == -2)
            return fail(lx, pos, "Invalid character within String: %s.",
                        print_code_point_at(lx, pos));
        memcpy(out + n, lx->src + pos, cn);
        n += cn;
        pos += cn;
    }
    return fail(lx, pos, "Unterminated string.");
}

char *gql_block_string_value(gql_arena *a, const char *raw, size_t len, size_t *out_len)
{
    /* Split into lines (start, length) first: dedentBlockStringLines needs
     * the common indentation before it can copy anything. */
    size_t cap = 8, nlines = 0;
    size_t *ls = gql_arena_alloc(a, cap * 2 * sizeof(size_t));
    size_t line = 0;
    for (size_t i = 0;; i++) {
        if (i == len || raw[i] == '\n' || raw[i] == '\r') {
            if (nlines == cap) {
                ls = gql_arena_grow(a, ls, cap * 2, cap * 4, sizeof(size_t));
                cap *= 2;
            }
            ls[2 * nlines] = line;
            ls[2 * nlines + 1] = i - line;
            nlines++;
            if (i == len)
                break;
            if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
                i++;
            line = i + 1;
        }
    }
    size_t common = SIZE_MAX;
    size_t first = SIZE_MAX, last = 0;
    bool any = false;
    for (size_t i = 0; i < nlines; i++) {
        const char *s = raw + ls[2 * i];
        size_t n = ls[2 * i + 1], indent = 0;
        while (indent < n && (s[indent] == ' ' || s[indent] == '\t'))
            indent++;
        if (indent == n)
            continue;
        if (first == SIZE_MAX)
            first = i;
        last = i;
        any = true;
        if (i != 0 && indent < common)
            common = indent;
    }
    char *out = gql_arena_alloc(a, len + 1);
    size_t o = 0;
    if (any) {
        for (size_t i = first; i <= last; i++) {
            const char *s = raw + ls[2 * i];
            size_t n = ls[2 * i + 1];
            if (i != 0) {
                size_t cut = common < n ? common : n;
                s += cut;
                n -= cut;
            }
            if (i != first)
                out[o++] = '\n';
            memcpy(out + o, s, n);
            o += n;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* The raw content of a block string between its quotes, with the \"""
 * escape replaced by """ (the only escape block strings have). */
static char *block_raw(gql_lexer *lx, size_t from, size_t to, size_t *rn)
{
    char *raw = gql_arena_alloc(lx->arena, to - from + 1);
    size_t n = 0;
    for (size_t i = from; i < to;) {
        if (lx->src[i] == '\\' && byte_at(lx, i + 1) == '"' &&
            byte_at(lx, i + 2) == '"' && byte_at(lx, i + 3) == '"') {
            memcpy(raw + n, "\"\"\"", 3);
            n += 3;
            i += 4;
            continue;
        }
        raw[n++] = lx->src[i++];
    }
    *rn = n;
    return raw;
}

static bool read_block_string(gql_lexer *lx, size_t start, gql_token *t)
{
    size_t pos = start + 3;
    uint32_t newlines = 0;
    size_t last_line_start = lx->line_start;
    while (pos < lx->len) {
        int c = byte_at(lx, pos);
        if (c == '"' && byte_at(lx, pos + 1) == '"' && byte_at(lx, pos + 2) == '"') {
            size_t rn, vlen;
            char *raw = block_raw(lx, start + 3, pos, &rn);
            char *value = gql_block_string_value(lx->arena, raw, rn, &vlen);
            make(lx, t, GQL_TOK_BLOCK_STRING, start, pos + 3);
            t->value = value;
            t->len = vlen;
            /* graphql-js moves its line bookkeeping past the string's lines */
            if (newlines) {
                lx->line += newlines;
                lx->line_start = last_line_start;
                lx->line_adj = 0;
            }
            lx->line_adj += utf16_excess(lx, lx->line_start > start ? lx->line_start : start, pos);
            return true;
        }
        if (c == '\\' && byte_at(lx, pos + 1) == '"' && byte_at(lx, pos + 2) == '"' &&
            byte_at(lx, pos + 3) == '"') {
            pos += 4;
            continue;
        }
        if (c == '\n' || c == '\r') {
            pos += (c == '\r' && byte_at(lx, pos + 1) == '\n') ? 2 : 1;
            newlines++;
            last_line_start = pos;
            continue;
        }
        size_t n;
        if (code_at(lx, pos, &n) == -2)
            return fail(lx, pos, "Invalid character within String: %s.",
                        print_code_point_at(lx, pos));
        pos += n;
    }
    return fail(lx, pos, "Unterminated string.");
}

static bool read_name(gql_lexer *lx, size_t start, gql_token *t)
{
    size_t pos = start + 1;
    while (pos < lx->len && is_name_continue((unsigned char)lx->src[pos]))
        pos++;
    return make_raw(lx, t, GQL_TOK_NAME, start, pos, start);
}

void gql_lexer_init(gql_lexer *lx, const char *src, size_t len, gql_arena *arena)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->arena = arena;
    lx->line = 1;
}

static bool punct(gql_lexer *lx, gql_token *t, gql_token_kind k, size_t pos)
{
    return make(lx, t, k, pos, pos + 1);
}

/* graphql-js readNextToken, looping over comments unless they are kept. */
bool gql_lexer_next(gql_lexer *lx, gql_token *t)
{
    size_t pos = lx->pos;
    while (pos < lx->len) {
        unsigned char c = (unsigned char)lx->src[pos];
        /* fast path for the common ignored characters (indentation) */
        while (c == ' ' || c == '\t' || c == ',') {
            if (++pos == lx->len)
                return make(lx, t, GQL_TOK_EOF, lx->len, lx->len);
            c = (unsigned char)lx->src[pos];
        }
        switch (c) {
        case ' ':
        case '\t':
        case ',':
            pos++;
            continue;
        case 0xEF: /* U+FEFF, the BOM: ignored anywhere, as graphql-js does */
            if (pos + 2 < lx->len && (unsigned char)lx->src[pos + 1] == 0xBB &&
                (unsigned char)lx->src[pos + 2] == 0xBF) {
                pos += 3;
                lx->line_adj += 2; /* three bytes, one UTF-16 unit */
                continue;
            }
            break;
        case '\n':
        case '\r':
            pos += (c == '\r' && byte_at(lx, pos + 1) == '\n') ? 2 : 1;
            lx->line++;
            lx->line_start = pos;
            lx->line_adj = 0;
            continue;
        case '#':
            if (!read_comment(lx, pos, t))
                return false;
            if (lx->keep_comments)
                return true;
            pos = lx->pos;
            continue;
        case '!': return punct(lx, t, GQL_TOK_BANG, pos);
        case '$': return punct(lx, t, GQL_TOK_DOLLAR, pos);
        case '&': return punct(lx, t, GQL_TOK_AMP, pos);
        case '(': return punct(lx, t, GQL_TOK_PAREN_L, pos);
        case ')': return punct(lx, t, GQL_TOK_PAREN_R, pos);
        case ':': return punct(lx, t, GQL_TOK_COLON, pos);
        case '=': return punct(lx, t, GQL_TOK_EQUALS, pos);
        case '@': return punct(lx, t, GQL_TOK_AT, pos);
        case '[': return punct(lx, t, GQL_TOK_BRACKET_L, pos);
        case ']': return punct(lx, t, GQL_TOK_BRACKET_R, pos);
        case '{': return punct(lx, t, GQL_TOK_BRACE_L, pos);
        case '|': return punct(lx, t, GQL_TOK_PIPE, pos);
        case '}': return punct(lx, t, GQL_TOK_BRACE_R, pos);
        case '.': {
            int n1 = byte_at(lx, pos + 1);
            if (n1 == '.' && byte_at(lx, pos + 2) == '.')
                return make(lx, t, GQL_TOK_SPREAD, pos, pos + 3);
            if (n1 == '.')
                return fail(lx, pos, "Unexpected \"..\", did you mean \"...\"?");
            if (is_digit(n1)) {
                size_t end = pos + 1;
                while (is_digit(byte_at(lx, end)))
                    end++;
                return fail(lx, pos,
                            "Invalid number, expected digit before \".\", did you mean \"0.%.*s\"?",
                            (int)(end - pos - 1), lx->src + pos + 1);
            }
            break;
        }
        case '"':
            if (byte_at(lx, pos + 1) == '"' && byte_at(lx, pos + 2) == '"')
                return read_block_string(lx, pos, t);
            return read_string(lx, pos, t);
        default:
            break;
        }
        if (is_digit(c) || c == '-')
            return read_number(lx, pos, t);
        if (is_name_start(c))
            return read_name(lx, pos, t);
        if (c == '\'')
            return fail(lx, pos,
                        "Unexpected single quote character ('), did you mean to use a double "
                        "quote (\")?");
        return fail_char(lx, pos);
    }
    return make(lx, t, GQL_TOK_EOF, lx->len, lx->len);
}
