/* test_auth.c -- account primitives: argon2id password hashes, random
 * tokens stored only as digests, session and API token expiry and
 * revocation, login throttling that survives restarts, the first admin.
 */
#include "test.h"
#include "tmpdb.h"

#include "auth.h"

/* A user with a real password hash. */
static int64_t user_with_password(store *st, const char *name, const char *password)
{
    char hash[AUTH_PWHASH_BUF];
    int64_t id = 0;
    if (auth_password_hash(password, hash) != 0 ||
        store_user_create(st, name, STORE_ROLE_USER, hash, &id) != STORE_OK)
        abort();
    return id;
}

/* true if `needle` occurs anywhere in the file's bytes. */
static bool file_contains(const char *path, const char *needle)
{
    size_t len = 0;
    char *data = test_read_file(path, &len);
    size_t n = strlen(needle);
    bool found = false;
    for (size_t i = 0; data && !found && i + n <= len; i++)
        found = memcmp(data + i, needle, n) == 0;
    free(data);
    return found;
}

/* true if `needle` is in the database file or its write-ahead log. */
static bool db_contains(const tmpdb *t, const char *needle)
{
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    return file_contains(t->path, needle) || file_contains(wal, needle);
}

/* ---- Passwords ------------------------------------------------------------------ */

TEST(password_hash_is_argon2id_and_not_the_password)
{
    char hash[AUTH_PWHASH_BUF];
    CHECK_INT(auth_password_hash("correct horse", hash), 0);
    CHECK(strncmp(hash, "$argon2id$", 10) == 0);
    CHECK(strstr(hash, "correct horse") == NULL);
}

TEST(password_hashes_of_one_password_differ_by_salt)
{
    char h1[AUTH_PWHASH_BUF], h2[AUTH_PWHASH_BUF];
    CHECK_INT(auth_password_hash("same", h1), 0);
    CHECK_INT(auth_password_hash("same", h2), 0);
    CHECK(strcmp(h1, h2) != 0);
}

TEST(password_verify_accepts_the_password_and_nothing_else)
{
    char hash[AUTH_PWHASH_BUF];
    CHECK_INT(auth_password_hash("s3cret!", hash), 0);
    CHECK(auth_password_verify(hash, "s3cret!"));
    CHECK(!auth_password_verify(hash, "s3cret"));
    CHECK(!auth_password_verify(hash, ""));
    CHECK(!auth_password_verify("not a hash", "s3cret!"));
    CHECK(!auth_password_verify(NULL, "s3cret!"));
}

/* ---- Tokens ---------------------------------------------------------------------- */

TEST(token_is_43_base64url_characters_and_never_repeats)
{
    char t1[AUTH_TOKEN_BUF], t2[AUTH_TOKEN_BUF];
    unsigned char d1[STORE_TOKEN_HASH_LEN], d2[STORE_TOKEN_HASH_LEN];
    auth_token_new(t1, d1);
    auth_token_new(t2, d2);
    CHECK_INT(strlen(t1), 43);
    CHECK_INT(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
    CHECK(strcmp(t1, t2) != 0);
    CHECK(memcmp(d1, d2, sizeof d1) != 0);
}

TEST(token_digest_of_a_presented_token_matches_the_stored_digest)
{
    char tok[AUTH_TOKEN_BUF];
    unsigned char stored[STORE_TOKEN_HASH_LEN], presented[STORE_TOKEN_HASH_LEN];
    auth_token_new(tok, stored);
    CHECK(auth_token_digest(tok, presented));
    CHECK(memcmp(stored, presented, sizeof stored) == 0);
    CHECK(memcmp(stored, tok, sizeof stored) != 0);
}

TEST(token_digest_rejects_malformed_tokens)
{
    char tok[AUTH_TOKEN_BUF], longer[AUTH_TOKEN_BUF + 1];
    unsigned char d[STORE_TOKEN_HASH_LEN];
    auth_token_new(tok, d);
    snprintf(longer, sizeof longer, "%sA", tok);
    CHECK(!auth_token_digest(longer, d));
    tok[42] = '\0';
    CHECK(!auth_token_digest(tok, d));
    tok[42] = '=';
    CHECK(!auth_token_digest(tok, d));
    CHECK(!auth_token_digest("", d));
    CHECK(!auth_token_digest(NULL, d));
}

/* ---- Sessions ---------------------------------------------------------------------- */

TEST(session_token_identifies_its_user_until_it_expires)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), who = 0;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_session_start(st, a, 1000, 3600, tok), STORE_OK);
    CHECK_INT(auth_session_check(st, tok, 1000 + 3599, &who), STORE_OK);
    CHECK_INT(who, a);
    CHECK_INT(auth_session_check(st, tok, 1000 + 3600, &who), STORE_NOT_FOUND);
    CHECK_INT(who, 0);
    tmpdb_done(&t, st);
}

TEST(session_end_makes_the_token_useless)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_session_start(st, a, 1000, 3600, tok), STORE_OK);
    CHECK_INT(auth_session_end(st, tok), STORE_OK);
    CHECK_INT(auth_session_check(st, tok, 1001, &who), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(session_check_rejects_a_forged_token)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_session_start(st, a, 1000, 3600, tok), STORE_OK);
    tok[0] = tok[0] == 'A' ? 'B' : 'A';
    CHECK_INT(auth_session_check(st, tok, 1001, &who), STORE_NOT_FOUND);
    CHECK_INT(auth_session_check(st, "garbage", 1001, &who), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(session_token_is_stored_only_as_a_digest)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a");
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_session_start(st, a, 1000, 3600, tok), STORE_OK);
    store_close(st);
    CHECK(!db_contains(&t, tok));
    tmpdb_remove(&t);
}

/* ---- API tokens ------------------------------------------------------------------------ */

TEST(api_token_identifies_its_user)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id, who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_apitoken_create(st, a, "ci", 1000, 0, tok, &id), STORE_OK);
    CHECK_INT(auth_apitoken_check(st, tok, 99999999, &who), STORE_OK);
    CHECK_INT(who, a);
    tmpdb_done(&t, st);
}

TEST(api_token_stops_working_at_its_expiry)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id, who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_apitoken_create(st, a, "ci", 1000, 5000, tok, &id), STORE_OK);
    CHECK_INT(auth_apitoken_check(st, tok, 4999, &who), STORE_OK);
    CHECK_INT(auth_apitoken_check(st, tok, 5000, &who), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(api_token_stops_working_when_revoked)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id, who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_apitoken_create(st, a, "ci", 1000, 0, tok, &id), STORE_OK);
    CHECK_INT(store_token_revoke(st, id, a, 2000), STORE_OK);
    CHECK_INT(auth_apitoken_check(st, tok, 2001, &who), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

TEST(api_token_is_stored_only_as_a_digest)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), id;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_apitoken_create(st, a, "ci", 1000, 0, tok, &id), STORE_OK);
    store_close(st);
    CHECK(!db_contains(&t, tok));
    tmpdb_remove(&t);
}

TEST(session_token_is_not_an_api_token)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = tmpdb_user(st, "a"), who;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_session_start(st, a, 1000, 3600, tok), STORE_OK);
    CHECK_INT(auth_apitoken_check(st, tok, 1001, &who), STORE_NOT_FOUND);
    tmpdb_done(&t, st);
}

/* ---- Throttling -------------------------------------------------------------------------- */

static const auth_throttle P = {.free_per_account = 3,
                                .free_per_address = 5,
                                .base_delay = 2,
                                .max_delay = 60,
                                .reset_after = 3600};

static int64_t wait_for(store *st, const char *name, const char *addr, int64_t now)
{
    int64_t w = -1;
    if (auth_throttle_wait(st, &P, name, addr, now, &w) != STORE_OK)
        return -1;
    return w;
}

TEST(throttle_lets_the_free_failures_through_without_delay)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 3; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000), 0);
    tmpdb_done(&t, st);
}

TEST(throttle_delay_doubles_with_each_failure_past_the_budget)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 4; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000), 2);
    CHECK_INT(wait_for(st, "alice", NULL, 1001), 1);
    CHECK_INT(wait_for(st, "alice", NULL, 1002), 0);
    CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1002), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1002), 4);
    CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1006), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1006), 8);
    tmpdb_done(&t, st);
}

TEST(throttle_delay_is_capped)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 40; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000), 60);
    tmpdb_done(&t, st);
}

TEST(throttle_is_per_account)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 6; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000), STORE_OK);
    CHECK(wait_for(st, "alice", NULL, 1000) > 0);
    CHECK_INT(wait_for(st, "bob", NULL, 1000), 0);
    tmpdb_done(&t, st);
}

TEST(throttle_counts_an_address_across_accounts)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char name[16];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof name, "user%d", i);
        CHECK_INT(auth_throttle_failed(st, &P, name, "192.0.2.7", 1000), STORE_OK);
    }
    CHECK_INT(wait_for(st, "fresh", "192.0.2.7", 1000), 2);
    CHECK_INT(wait_for(st, "fresh", "192.0.2.8", 1000), 0);
    tmpdb_done(&t, st);
}

TEST(throttle_forgets_failures_after_the_reset_window)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 10; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000 + 3600), 0);
    CHECK_INT(auth_throttle_failed(st, &P, "alice", NULL, 1000 + 3600), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000 + 3600), 0);
    tmpdb_done(&t, st);
}

TEST(throttle_survives_a_restart)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 5; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", "192.0.2.7", 1000), STORE_OK);
    store_close(st);
    st = tmpdb_open(&t);
    CHECK_INT(wait_for(st, "alice", NULL, 1000), 4);
    tmpdb_done(&t, st);
}

TEST(throttle_success_clears_the_account_but_not_the_address)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    for (int i = 0; i < 6; i++)
        CHECK_INT(auth_throttle_failed(st, &P, "alice", "192.0.2.7", 1000), STORE_OK);
    CHECK_INT(auth_throttle_succeeded(st, "alice"), STORE_OK);
    CHECK_INT(wait_for(st, "alice", NULL, 1000), 0);
    CHECK_INT(wait_for(st, "alice", "192.0.2.7", 1000), 2);
    tmpdb_done(&t, st);
}

/* ---- Login ------------------------------------------------------------------------------- */

TEST(login_with_the_right_password_starts_a_session)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t a = user_with_password(st, "alice", "wonderland"), uid = 0, retry = 0, who = 0;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_login(st, &P, "alice", "wonderland", "192.0.2.7", 1000, 3600, tok, &uid, &retry),
              AUTH_OK);
    CHECK_INT(uid, a);
    CHECK_INT(auth_session_check(st, tok, 1001, &who), STORE_OK);
    CHECK_INT(who, a);
    tmpdb_done(&t, st);
}

TEST(login_with_a_wrong_password_or_unknown_name_is_denied_alike)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t uid, retry;
    char tok[AUTH_TOKEN_BUF];
    user_with_password(st, "alice", "wonderland");
    CHECK_INT(auth_login(st, &P, "alice", "looking-glass", NULL, 1000, 3600, tok, &uid, &retry),
              AUTH_DENIED);
    CHECK_INT(uid, 0);
    CHECK_STR(tok, "");
    CHECK_INT(auth_login(st, &P, "mallory", "wonderland", NULL, 1000, 3600, tok, &uid, &retry),
              AUTH_DENIED);
    tmpdb_done(&t, st);
}

TEST(login_failures_are_counted_for_unknown_names_too)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t uid, retry;
    char tok[AUTH_TOKEN_BUF];
    for (int i = 0; i < 4; i++)
        CHECK_INT(auth_login(st, &P, "mallory", "x", NULL, 1000, 3600, tok, &uid, &retry),
                  AUTH_DENIED);
    CHECK_INT(auth_login(st, &P, "mallory", "x", NULL, 1000, 3600, tok, &uid, &retry),
              AUTH_THROTTLED);
    tmpdb_done(&t, st);
}

TEST(login_while_throttled_is_refused_even_with_the_right_password)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t uid, retry = 0;
    char tok[AUTH_TOKEN_BUF];
    user_with_password(st, "alice", "wonderland");
    for (int i = 0; i < 4; i++)
        CHECK_INT(auth_login(st, &P, "alice", "guess", NULL, 1000, 3600, tok, &uid, &retry),
                  AUTH_DENIED);
    CHECK_INT(auth_login(st, &P, "alice", "wonderland", NULL, 1001, 3600, tok, &uid, &retry),
              AUTH_THROTTLED);
    CHECK_INT(retry, 1);
    CHECK_INT(uid, 0);
    CHECK_INT(auth_login(st, &P, "alice", "wonderland", NULL, 1002, 3600, tok, &uid, &retry),
              AUTH_OK);
    tmpdb_done(&t, st);
}

TEST(login_never_stores_the_password)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    int64_t uid, retry;
    char tok[AUTH_TOKEN_BUF];
    user_with_password(st, "alice", "wonderland-9f2c");
    CHECK_INT(auth_login(st, &P, "alice", "wonderland-9f2c", NULL, 1000, 3600, tok, &uid, &retry),
              AUTH_OK);
    CHECK_INT(auth_login(st, &P, "alice", "typo-9f2c", NULL, 1000, 3600, tok, &uid, &retry),
              AUTH_DENIED);
    store_close(st);
    CHECK(db_contains(&t, "alice"));
    CHECK(!db_contains(&t, "wonderland-9f2c"));
    CHECK(!db_contains(&t, "typo-9f2c"));
    tmpdb_remove(&t);
}

/* ---- First admin ------------------------------------------------------------------------- */

TEST(bootstrap_creates_an_admin_with_a_generated_password_once)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char *pw = NULL, *again = NULL;
    bool created = false;
    store_user u;
    int64_t uid, retry;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_bootstrap_admin(st, "admin", NULL, &pw, &created), STORE_OK);
    CHECK(created);
    CHECK(pw != NULL && strlen(pw) == AUTH_GENPW_LEN);
    CHECK_INT(store_user_get_by_name(st, "admin", &u), STORE_OK);
    CHECK_INT(u.role, STORE_ROLE_ADMIN);
    store_user_clear(&u);
    if (pw)
        CHECK_INT(auth_login(st, NULL, "admin", pw, NULL, 1000, 60, tok, &uid, &retry), AUTH_OK);
    CHECK_INT(auth_bootstrap_admin(st, "admin", NULL, &again, &created), STORE_OK);
    CHECK(!created);
    CHECK(again == NULL);
    auth_secret_free(pw);
    tmpdb_done(&t, st);
}

TEST(bootstrap_uses_the_password_it_is_given)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char *pw = NULL;
    bool created = false;
    int64_t uid, retry;
    char tok[AUTH_TOKEN_BUF];
    CHECK_INT(auth_bootstrap_admin(st, "root", "from-the-installer", &pw, &created), STORE_OK);
    CHECK(created);
    CHECK(pw == NULL);
    CHECK_INT(auth_login(st, NULL, "root", "from-the-installer", NULL, 1000, 60, tok, &uid, &retry),
              AUTH_OK);
    tmpdb_done(&t, st);
}

TEST(bootstrap_does_nothing_when_users_exist)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char *pw = NULL;
    bool created = true;
    int64_t n = 0;
    tmpdb_user(st, "someone");
    CHECK_INT(auth_bootstrap_admin(st, "admin", NULL, &pw, &created), STORE_OK);
    CHECK(!created);
    CHECK(pw == NULL);
    CHECK_INT(store_user_count(st, &n), STORE_OK);
    CHECK_INT(n, 1);
    tmpdb_done(&t, st);
}

TEST(bootstrap_refuses_a_short_given_password)
{
    tmpdb t;
    store *st = tmpdb_new(&t);
    char *pw = NULL;
    bool created = true;
    int64_t n = -1;
    CHECK_INT(auth_bootstrap_admin(st, "admin", "short", &pw, &created), STORE_ERROR);
    CHECK_CONTAINS(store_errmsg(st), "at least 8");
    CHECK(!created);
    CHECK_INT(store_user_count(st, &n), STORE_OK);
    CHECK_INT(n, 0);
    tmpdb_done(&t, st);
}

/* auth_init must run before libsodium is used; a constructor runs before
 * main() and so before any test. */
__attribute__((constructor)) static void init_sodium(void)
{
    if (auth_init() != 0)
        abort();
}

TEST_MAIN()
