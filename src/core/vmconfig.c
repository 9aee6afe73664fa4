/* vmconfig.c -- the rules on a VM's cloud-init settings.
 *
 * What a tenant may put into a VM's seed: SSH public keys, a hostname,
 * Debian packages and a user-data of their own (a "#!" script or a
 * "#cloud-config" document). Everything is checked here, before anything
 * is stored, with a message that names the field; the seed writer (driver/
 * seed.c) then quotes every value, so these rules are about giving a clear
 * error for what cloud-init would reject or misread, not about escaping.
 *
 * The tenant's user-data cannot be parsed as YAML without a YAML library;
 * core_user_data_problem() checks the shape a cloud-config must have (a
 * mapping of top-level keys, no tab indentation, nothing but keys, list
 * items and comments at the left margin) so that garbage is refused at the
 * API rather than ignored by cloud-init at boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ---- SSH keys ------------------------------------------------------------- */

static bool ssh_type_known(const char *t, size_t n)
{
    static const char *const exact[] = {"ssh-ed25519", "ssh-rsa"};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strlen(exact[i]) == n && memcmp(t, exact[i], n) == 0)
            return true;
    /* ecdsa-sha2-nistp256..521 and the FIDO keys sk-ssh-ed25519@openssh.com,
     * sk-ecdsa-sha2-nistp256@openssh.com. */
    return (n > 11 && memcmp(t, "ecdsa-sha2-", 11) == 0) || (n > 3 && memcmp(t, "sk-", 3) == 0);
}

bool core_ssh_key_valid(const char *key)
{
    size_t len = strlen(key);
    if (len == 0 || len > CORE_SSH_KEY_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    const char *sp = strchr(key, ' ');
    if (!sp || !ssh_type_known(key, (size_t)(sp - key)))
        return false;
    size_t tlen = (size_t)(sp - key);
    const char *b64 = sp + 1;
    size_t blen = strcspn(b64, " ");
    if (blen == 0 || blen % 4 != 0)
        return false;
    /* The body is the key blob in base64; its first field repeats the type
     * ("\0\0\0\x0bssh-ed25519..."): a pasted key with a mangled body or the
     * wrong type in front is caught here rather than by sshd later. */
    unsigned char *bin = malloc(blen);
    if (!bin)
        abort();
    size_t n = 0;
    const char *end = NULL;
    bool ok = sodium_base642bin(bin, blen, b64, blen, NULL, &n, &end,
                                sodium_base64_VARIANT_ORIGINAL) == 0 &&
              end == b64 + blen && n >= 4;
    if (ok) {
        size_t inner = ((size_t)bin[0] << 24) | ((size_t)bin[1] << 16) | ((size_t)bin[2] << 8) |
                       (size_t)bin[3];
        ok = inner == tlen && n >= 4 + inner && memcmp(bin + 4, key, tlen) == 0;
    }
    free(bin);
    return ok;
}

/* ---- Hostname and packages ------------------------------------------------ */

bool core_hostname_valid(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 63 || h[0] == '-' || h[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_alnum((unsigned char)h[i]) && h[i] != '-')
            return false;
    return true;
}

void core_hostname_of(const char *vm_name, char out[64])
{
    size_t k = 0;
    for (const char *p = vm_name ? vm_name : ""; *p && k < 63; p++)
        out[k++] = is_alnum((unsigned char)*p) ? *p : '-';
    while (k > 0 && out[k - 1] == '-')
        k--;
    out[k] = '\0';
    size_t lead = strspn(out, "-");
    memmove(out, out + lead, k - lead + 1);
    if (!out[0])
        strcpy(out, "vm");
}

/* Debian Policy 5.6.1: at least two characters of a-z 0-9 + - . starting
 * with a letter or digit. */
bool core_package_valid(const char *p)
{
    size_t n = strlen(p);
    if (n < 2 || n > 128 || !(is_alnum((unsigned char)p[0]) && !(p[0] >= 'A' && p[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* ---- User-data ------------------------------------------------------------ */

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned min;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, min = 0x80, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, min = 0x800, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* A top-level line of a cloud-config: `key:` then nothing, a space or a
 * comment. Keys are cloud-init module keys ("ssh_authorized_keys",
 * "write_files", "apt", ...): letters, digits, _ and -. */
static bool yaml_top_key(const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && (is_alnum((unsigned char)line[i]) || line[i] == '_' || line[i] == '-'))
        i++;
    return i > 0 && i < n && line[i] == ':' && (i + 1 == n || line[i + 1] == ' ');
}

static const char *cloud_config_problem(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    bool first = true, any_key = false, key_open = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (first) {
            /* "#cloud-config" and only trailing blanks on that line. */
            for (size_t i = 13; i < n; i++)
                if (p[i] != ' ' && p[i] != '\t')
                    return "its first line must be exactly #cloud-config";
            first = false;
        } else {
            size_t ind = 0;
            while (ind < n && (p[ind] == ' ' || p[ind] == '\t')) {
                if (p[ind] == '\t')
                    return "YAML does not allow tabs for indentation";
                ind++;
            }
            bool blank = ind == n || p[ind] == '#';
            if (!blank) {
                if (ind > 0) {
                    if (!any_key)
                        return "an indented line comes before any top-level key";
                } else if (yaml_top_key(p, n)) {
                    any_key = true;
                    /* "key:" alone (or with a comment) opens a block. */
                    size_t rest = (size_t)(strchr(p, ':') - p) + 1;
                    while (rest < n && p[rest] == ' ')
                        rest++;
                    key_open = rest == n || p[rest] == '#';
                } else if (n >= 2 && p[0] == '-' && p[1] == ' ' && key_open) {
                    /* A block sequence at the margin under "key:". */
                } else if ((n == 3 && memcmp(p, "---", 3) == 0) ||
                           (n == 3 && memcmp(p, "...", 3) == 0)) {
                    /* Document markers. */
                } else {
                    return "it must be a YAML mapping of cloud-init keys (`key: value` at the "
                           "left margin)";
                }
            }
        }
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

const char *core_user_data_problem(const char *text, size_t len)
{
    if (len > CORE_USER_DATA_MAX)
        return "it is larger than 16 KiB";
    if (memchr(text, '\0', len))
        return "it contains a NUL character";
    if (!utf8_valid((const unsigned char *)text, len))
        return "it is not valid UTF-8";
    if (len >= 2 && text[0] == '#' && text[1] == '!') {
        size_t n = strcspn(text + 2, "\n");
        size_t sp = strspn(text + 2, " ");
        if (sp >= n)
            return "a script's first line must name its interpreter (#!/bin/sh)";
        return NULL;
    }
    if (len >= 13 && memcmp(text, "#cloud-config", 13) == 0)
        return cloud_config_problem(text, len);
    return "it must start with #! (a script) or #cloud-config";
}

/* ---- The whole ConfigInput -------------------------------------------------- */

core_code core_vm_config_check(core_call *k, const core_vm_input *in)
{
    if (in->nssh_keys > CORE_SSH_KEYS_MAX)
        return core_fail(k, CORE_BAD_USER_INPUT, "config.sshKeys: at most %d keys",
                         CORE_SSH_KEYS_MAX);
    for (size_t i = 0; i < in->nssh_keys; i++)
        if (!in->ssh_keys[i] || !core_ssh_key_valid(in->ssh_keys[i]))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "config.sshKeys[%zu]: not an SSH public key (one line: "
                             "ssh-ed25519, ssh-rsa, ecdsa-sha2-* or sk-* then the base64 key, "
                             "then an optional comment; at most %d characters)",
                             i, CORE_SSH_KEY_MAX);
    if (in->hostname && !core_hostname_valid(in->hostname))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "config.hostname: 1-63 characters of A-Z a-z 0-9 -, not starting or "
                         "ending with - (RFC 1123)");
    if (in->npackages > CORE_PACKAGES_MAX)
        return core_fail(k, CORE_BAD_USER_INPUT, "config.packages: at most %d packages",
                         CORE_PACKAGES_MAX);
    for (size_t i = 0; i < in->npackages; i++)
        if (!in->packages[i] || !core_package_valid(in->packages[i]))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "config.packages[%zu]: not a Debian package name (a-z 0-9 + - ., "
                             "at least 2 characters, starting with a letter or digit)",
                             i);
    if (in->user_data) {
        const char *why = core_user_data_problem(in->user_data, in->user_data_len);
        if (why)
            return core_fail(k, CORE_BAD_USER_INPUT, "config.userData: %s", why);
    }
    return CORE_OK;
}

char *core_lines_join(const char *const *items, size_t n)
{
    if (n == 0)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = malloc(len);
    if (!out)
        abort();
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(items[i]);
        memcpy(p, items[i], l);
        p += l;
        *p++ = i + 1 < n ? '\n' : '\0';
    }
    return out;
}

char **core_lines_split(const char *text, size_t *n)
{
    *n = 0;
    if (!text || !*text)
        return NULL;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    /* slot 0 holds the one copy of the text (freed by core_lines_free);
     * the caller sees the array from slot 1. */
    char **out = calloc(cap + 2, sizeof *out);
    char *copy = strdup(text);
    if (!out || !copy)
        abort();
    out[0] = copy;
    char *start = copy;
    for (char *p = copy;; p++) {
        if (*p == '\n' || *p == '\0') {
            bool last = *p == '\0';
            *p = '\0';
            if (*start)
                out[1 + (*n)++] = start;
            if (last)
                break;
            start = p + 1;
        }
    }
    return out + 1;
}

void core_lines_free(char **lines)
{
    if (lines) {
        free(lines[-1]);
        free(lines - 1);
    }
}
