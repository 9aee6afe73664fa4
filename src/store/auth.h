/* auth.h -- account primitives on top of the store: password hashes,
 * session and API tokens, login throttling, and the first admin.
 *
 * Secrets handled here (passwords, tokens) are never stored, logged or put
 * into error messages; only their hashes reach the database. The HTTP layer
 * calls auth_login / auth_session_check / auth_apitoken_check and turns the
 * results into cookies, 401s and Retry-After headers.
 */
#ifndef EPFIOT_AUTH_H
#define EPFIOT_AUTH_H

#include "store.h"

#include <sodium.h>

/* Size of an encoded argon2id hash buffer (including the NUL). */
#define AUTH_PWHASH_BUF crypto_pwhash_STRBYTES
/* A token is 32 random bytes in unpadded base64url: 43 characters. */
#define AUTH_TOKEN_LEN 43
#define AUTH_TOKEN_BUF (AUTH_TOKEN_LEN + 1)
/* Generated passwords: 18 random bytes, 24 base64url characters. */
#define AUTH_GENPW_LEN 24
/* Shortest password auth_bootstrap_admin accepts from an operator. */
#define AUTH_PASSWORD_MIN 8

typedef enum auth_status {
    AUTH_OK = 0,
    AUTH_DENIED,    /* wrong name or password: the caller cannot tell which */
    AUTH_THROTTLED, /* too many recent failures; retry after the given delay */
    AUTH_ERROR,     /* the store failed; see store_errmsg() */
} auth_status;

/* Initialises libsodium; call once at start. Returns 0 on success. */
int auth_init(void);

/* ---- Passwords ---------------------------------------------------------- */

/* Hashes with argon2id at libsodium's "interactive" limits (see auth.c for
 * why). Returns 0, or -1 if memory ran out. */
int auth_password_hash(const char *password, char out[AUTH_PWHASH_BUF]);
bool auth_password_verify(const char *hash, const char *password);

/* ---- Tokens ------------------------------------------------------------- */

/* A new random token and the digest under which it is stored. */
void auth_token_new(char token[AUTH_TOKEN_BUF], unsigned char digest[STORE_TOKEN_HASH_LEN]);
/* SHA-256 of a presented token. false if the token is not well-formed
 * (wrong length or alphabet), which saves a database lookup. */
bool auth_token_digest(const char *token, unsigned char digest[STORE_TOKEN_HASH_LEN]);

/* Sessions: auth_session_start writes a new token for the cookie into
 * `token`. check gives NOT_FOUND for unknown, malformed or expired tokens;
 * end (logout) deletes the session so the cookie is dead even if kept. */
store_status auth_session_start(store *st, int64_t user_id, int64_t now, int64_t ttl,
                                char token[AUTH_TOKEN_BUF]);
store_status auth_session_check(store *st, const char *token, int64_t now, int64_t *user_id);
store_status auth_session_end(store *st, const char *token);

/* Named API tokens for `Authorization: Bearer`; expires_at 0 never
 * expires. The token text is shown once, here; revoke with
 * store_token_revoke. */
store_status auth_apitoken_create(store *st, int64_t user_id, const char *name, int64_t now,
                                  int64_t expires_at, char token[AUTH_TOKEN_BUF], int64_t *id);
store_status auth_apitoken_check(store *st, const char *token, int64_t now, int64_t *user_id);

/* ---- Throttling ------------------------------------------------------------ */

/* After `free_*` failures in a row, each further attempt must wait
 * base_delay * 2^(failures - free - 1) seconds (capped at max_delay) after
 * the last failure. Failures older than reset_after seconds are forgotten.
 * Accounts and addresses are counted separately; addresses get more free
 * failures because many users may share one (a NAT). */
typedef struct auth_throttle {
    int64_t free_per_account;
    int64_t free_per_address;
    int64_t base_delay;
    int64_t max_delay;
    int64_t reset_after;
} auth_throttle;

#define AUTH_THROTTLE_DEFAULT ((auth_throttle){3, 10, 1, 900, 86400})

/* Seconds the next attempt for (name, addr) must still wait; 0 if none.
 * addr may be NULL (no address, e.g. a local CLI). */
store_status auth_throttle_wait(store *st, const auth_throttle *p, const char *name,
                                const char *addr, int64_t now, int64_t *wait);
store_status auth_throttle_failed(store *st, const auth_throttle *p, const char *name,
                                  const char *addr, int64_t now);
/* A successful login clears the account's count, not the address's: one
 * valid account must not reset an address that is guessing others. */
store_status auth_throttle_succeeded(store *st, const char *name);

/* The whole login: throttle check (no password work while throttled),
 * verification (with the same cost for unknown names, so timing does not
 * reveal which names exist), failure accounting, and on success a new
 * session whose token is written into `token`. *retry_after is set for
 * AUTH_THROTTLED. `p` may be NULL for the defaults. */
auth_status auth_login(store *st, const auth_throttle *p, const char *name, const char *password,
                       const char *addr, int64_t now, int64_t ttl, char token[AUTH_TOKEN_BUF],
                       int64_t *user_id, int64_t *retry_after);

/* ---- First start ----------------------------------------------------------- */

/* If the database has no user yet, creates admin `name` with `password`,
 * or, if password is NULL, with a random one returned in *generated for the
 * daemon to print once (free it with auth_secret_free). *created says
 * whether an admin was made; with users present nothing changes. Safe
 * against two instances starting at once on one database. */
store_status auth_bootstrap_admin(store *st, const char *name, const char *password,
                                  char **generated, bool *created);

/* Wipes and frees a secret string (NULL is fine). */
void auth_secret_free(char *secret);

#endif
