/* auth.c -- passwords, tokens, throttling and the first admin, on libsodium
 * and the store (see auth.h).
 *
 * Passwords: argon2id through crypto_pwhash_str at the INTERACTIVE limits
 * (64 MiB, 2 passes, about 0.1 s on a NUC). MODERATE (256 MiB, ~0.7 s)
 * would let a handful of concurrent logins exhaust a small edge box's memory
 * and CPU, which is itself a denial of service; the throttling below is what
 * stops online guessing, and the encoded hash carries its parameters, so
 * raising them later rehashes each account at its next login
 * (crypto_pwhash_str_needs_rehash).
 *
 * Tokens: 32 bytes from the system CSPRNG, shown to the client once in
 * base64url, stored as SHA-256 only. A fast hash is right here (unlike for
 * passwords): the input has 256 bits of entropy, so there is nothing to
 * brute-force, and a database leak yields no usable token. Lookups compare
 * digests inside the database's index; timing there can reveal at most
 * something about a digest, which does not help forge a token, so no
 * constant-time compare is needed on that path; passwords are compared only
 * inside crypto_pwhash_str_verify, which is constant-time.
 *
 * Throttling state lives in the database (login_failures), so restarting
 * the daemon does not hand an attacker a fresh budget.
 */
#include "auth.h"
#include "store_driver.h" /* store_seterr */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Verified against when the account does not exist, so that an unknown name
 * costs as much as a wrong password. Made with a random password that was
 * thrown away; nothing verifies against it. */
static const char dummy_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$x6elP/ubGsl+VemZTYr/1w$"
                                 "gAl9Zlpq85rCBokOoJ75n+QewwEWapwzSQ70ycsAi5M";

int auth_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

void auth_secret_free(char *secret)
{
    if (!secret)
        return;
    sodium_memzero(secret, strlen(secret));
    free(secret);
}

/* ---- Passwords ------------------------------------------------------------ */

int auth_password_hash(const char *password, char out[AUTH_PWHASH_BUF])
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return -1;
    return 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
    if (!hash || !password)
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- Tokens ------------------------------------------------------------------ */

/* base64url of `n` random bytes into `out` (sized for it). */
static void random_b64(char *out, size_t outlen, size_t n)
{
    unsigned char raw[32];
    randombytes_buf(raw, n);
    sodium_bin2base64(out, outlen, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void auth_token_new(char token[AUTH_TOKEN_BUF], unsigned char digest[STORE_TOKEN_HASH_LEN])
{
    random_b64(token, AUTH_TOKEN_BUF, 32);
    crypto_hash_sha256(digest, (const unsigned char *)token, AUTH_TOKEN_LEN);
}

static bool b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool auth_token_digest(const char *token, unsigned char digest[STORE_TOKEN_HASH_LEN])
{
    size_t i = 0;
    while (token && i <= AUTH_TOKEN_LEN && token[i] && b64url_char(token[i]))
        i++;
    if (!token || i != AUTH_TOKEN_LEN || token[i] != '\0')
        return false;
    crypto_hash_sha256(digest, (const unsigned char *)token, AUTH_TOKEN_LEN);
    return true;
}

/* A malformed token is reported like an unknown one. */
static store_status bad_token(store *st)
{
    return store_seterr(st, STORE_NOT_FOUND, "malformed token");
}

store_status auth_session_start(store *st, int64_t user_id, int64_t now, int64_t ttl,
                                char token[AUTH_TOKEN_BUF])
{
    unsigned char digest[STORE_TOKEN_HASH_LEN];
    int64_t id;
    auth_token_new(token, digest);
    store_status r = store_session_create(st, user_id, digest, now, now + ttl, &id);
    if (r != STORE_OK)
        sodium_memzero(token, AUTH_TOKEN_BUF);
    return r;
}

store_status auth_session_check(store *st, const char *token, int64_t now, int64_t *user_id)
{
    unsigned char digest[STORE_TOKEN_HASH_LEN];
    store_session s;
    *user_id = 0;
    if (!auth_token_digest(token, digest))
        return bad_token(st);
    store_status r = store_session_lookup(st, digest, now, &s);
    if (r == STORE_OK)
        *user_id = s.user_id;
    return r;
}

store_status auth_session_end(store *st, const char *token)
{
    unsigned char digest[STORE_TOKEN_HASH_LEN];
    if (!auth_token_digest(token, digest))
        return bad_token(st);
    return store_session_delete(st, digest);
}

store_status auth_apitoken_create(store *st, int64_t user_id, const char *name, int64_t now,
                                  int64_t expires_at, char token[AUTH_TOKEN_BUF], int64_t *id)
{
    unsigned char digest[STORE_TOKEN_HASH_LEN];
    auth_token_new(token, digest);
    store_status r = store_token_create(st, user_id, name, digest, now, expires_at, id);
    if (r != STORE_OK)
        sodium_memzero(token, AUTH_TOKEN_BUF);
    return r;
}

store_status auth_apitoken_check(store *st, const char *token, int64_t now, int64_t *user_id)
{
    unsigned char digest[STORE_TOKEN_HASH_LEN];
    store_token t;
    *user_id = 0;
    if (!auth_token_digest(token, digest))
        return bad_token(st);
    store_status r = store_token_lookup(st, digest, now, &t);
    if (r == STORE_OK)
        *user_id = t.user_id;
    store_token_clear(&t);
    return r;
}

/* ---- Throttling --------------------------------------------------------------- */

/* Throttle keys; a very long name is truncated, which only merges buckets
 * (more throttling, never less). */
static void key_of(char *out, size_t n, const char *kind, const char *v)
{
    snprintf(out, n, "%s:%s", kind, v);
}

/* The delay after `count` failures under a budget of `free` free ones. */
static int64_t delay_for(const auth_throttle *p, int64_t count, int64_t free_failures)
{
    if (count <= free_failures)
        return 0;
    int64_t d = p->base_delay;
    for (int64_t i = free_failures + 1; i < count && d < p->max_delay; i++)
        d *= 2;
    return d < p->max_delay ? d : p->max_delay;
}

static store_status key_wait(store *st, const auth_throttle *p, const char *key,
                             int64_t free_failures, int64_t now, int64_t *wait)
{
    int64_t count, last;
    store_status r = store_login_failure_get(st, key, &count, &last);
    if (r != STORE_OK)
        return r;
    if (count && last <= now - p->reset_after)
        count = 0;
    int64_t until = last + delay_for(p, count, free_failures);
    if (until - now > *wait)
        *wait = until - now;
    return STORE_OK;
}

store_status auth_throttle_wait(store *st, const auth_throttle *p, const char *name,
                                const char *addr, int64_t now, int64_t *wait)
{
    char key[160];
    *wait = 0;
    key_of(key, sizeof key, "user", name);
    store_status r = key_wait(st, p, key, p->free_per_account, now, wait);
    if (r == STORE_OK && addr) {
        key_of(key, sizeof key, "addr", addr);
        r = key_wait(st, p, key, p->free_per_address, now, wait);
    }
    return r;
}

store_status auth_throttle_failed(store *st, const auth_throttle *p, const char *name,
                                  const char *addr, int64_t now)
{
    char key[160];
    int64_t count;
    key_of(key, sizeof key, "user", name);
    store_status r = store_login_failure_record(st, key, now, p->reset_after, &count);
    if (r == STORE_OK && addr) {
        key_of(key, sizeof key, "addr", addr);
        r = store_login_failure_record(st, key, now, p->reset_after, &count);
    }
    return r;
}

store_status auth_throttle_succeeded(store *st, const char *name)
{
    char key[160];
    key_of(key, sizeof key, "user", name);
    return store_login_failure_clear(st, key);
}

/* ---- Login -------------------------------------------------------------------- */

/* Re-hashes a verified password whose stored parameters are outdated.
 * Best effort: the login succeeds even if this fails. */
static void maybe_rehash(store *st, int64_t user_id, const char *hash, const char *password)
{
    char fresh[AUTH_PWHASH_BUF];
    if (crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
        return;
    if (auth_password_hash(password, fresh) == 0)
        store_user_set_pwhash(st, user_id, fresh);
}

auth_status auth_login(store *st, const auth_throttle *p, const char *name, const char *password,
                       const char *addr, int64_t now, int64_t ttl, char token[AUTH_TOKEN_BUF],
                       int64_t *user_id, int64_t *retry_after)
{
    const auth_throttle defaults = AUTH_THROTTLE_DEFAULT;
    char *hash = NULL;
    int64_t id = 0;
    auth_status res = AUTH_ERROR;
    *user_id = 0;
    *retry_after = 0;
    token[0] = '\0';
    if (!p)
        p = &defaults;
    if (!name || !password)
        return AUTH_DENIED;

    if (auth_throttle_wait(st, p, name, addr, now, retry_after) != STORE_OK)
        goto out;
    if (*retry_after > 0) {
        res = AUTH_THROTTLED;
        goto out;
    }
    store_status r = store_user_pwhash(st, name, &id, &hash);
    if (r != STORE_OK && r != STORE_NOT_FOUND)
        goto out;
    /* Always verify, against the dummy for unknown names (same cost). */
    bool ok = auth_password_verify(hash ? hash : dummy_hash, password) && hash;
    if (!ok) {
        res = auth_throttle_failed(st, p, name, addr, now) == STORE_OK ? AUTH_DENIED : AUTH_ERROR;
        goto out;
    }
    maybe_rehash(st, id, hash, password);
    if (auth_throttle_succeeded(st, name) != STORE_OK ||
        auth_session_start(st, id, now, ttl, token) != STORE_OK)
        goto out;
    *user_id = id;
    res = AUTH_OK;
out:
    free(hash);
    return res;
}

/* ---- First start ---------------------------------------------------------------- */

/* Inside one write transaction: only the first of several instances that
 * start together on an empty database creates the admin. */
static store_status create_first_admin(store *st, const char *name, const char *hash, bool *created)
{
    int64_t n = 0, id = 0;
    store_status r = store_tx_begin(st);
    if (r != STORE_OK)
        return r;
    r = store_user_count(st, &n);
    if (r == STORE_OK && n == 0) {
        r = store_user_create(st, name, STORE_ROLE_ADMIN, hash, &id);
        *created = r == STORE_OK;
    }
    if (r == STORE_OK)
        r = store_tx_commit(st);
    if (r != STORE_OK) {
        *created = false;
        store_tx_rollback(st);
    }
    return r;
}

store_status auth_bootstrap_admin(store *st, const char *name, const char *password,
                                  char **generated, bool *created)
{
    char hash[AUTH_PWHASH_BUF];
    char *pw = NULL;
    int64_t n = 0;
    *generated = NULL;
    *created = false;

    store_status r = store_user_count(st, &n);
    if (r != STORE_OK || n > 0)
        return r;
    if (password && strlen(password) < AUTH_PASSWORD_MIN)
        return store_seterr(st, STORE_ERROR, "the admin password must have at least %d characters",
                            AUTH_PASSWORD_MIN);
    if (!password) {
        pw = malloc(AUTH_GENPW_LEN + 1);
        if (!pw)
            return store_seterr(st, STORE_ERROR, "out of memory");
        random_b64(pw, AUTH_GENPW_LEN + 1, 18);
    }
    /* Hash before taking the write lock: it takes a tenth of a second. */
    if (auth_password_hash(pw ? pw : password, hash) != 0) {
        r = store_seterr(st, STORE_ERROR, "cannot hash the admin password: out of memory");
        goto out;
    }
    r = create_first_admin(st, name, hash, created);
out:
    if (r == STORE_OK && *created)
        *generated = pw;
    else
        auth_secret_free(pw);
    return r;
}
