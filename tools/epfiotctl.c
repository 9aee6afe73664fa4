/* epfiotctl.c -- the command-line client of epfiotd.
 *
 * Every command is one or two GraphQL requests to the daemon's /graphql
 * (libcurl for HTTP, jansson for JSON), so the CLI can do exactly what the
 * API allows the caller and nothing more: authorisation stays in the daemon.
 *
 * Credentials: `epfiotctl login` logs in with a name and password (read from
 * --password-file, from stdin when it is not a terminal, or from the
 * terminal with echo off; never from argv), creates a named API token with
 * the session (createToken), ends the session and keeps only the token, in
 * $XDG_CONFIG_HOME/epfiot/credentials (default ~/.config/epfiot/), a JSON
 * file created with mode 0600. `logout` revokes that token and removes the
 * file. The URL and token may also come from --url/--token or from
 * EPFIOT_URL/EPFIOT_TOKEN; flags win over the environment, which wins over
 * the file. Secrets are never printed.
 *
 * Exit status: 0 success; 1 an API error (printed with its message and code),
 * a usage error or a local error; 2 the server could not be reached.
 *
 * Listings print aligned columns, or with --json the API's JSON as is.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define EXIT_API 1
#define EXIT_CONN 2
#define DEFAULT_URL "http://127.0.0.1:8080"
#define MAX_POS 8
#define MAX_OPTS 32

/* ---- Context and arguments ---------------------------------------------------- */

typedef struct ctl {
    char *url;      /* server base URL, no trailing slash */
    char *token;    /* bearer token, NULL: none */
    char *token_id; /* the API token's ID when it came from the file */
    bool json;      /* --json */
    char *cred_dir; /* the credentials directory */
} ctl;

typedef struct opt {
    const char *name;
    const char *value; /* NULL for a flag */
} opt;

typedef struct args {
    int npos;
    const char *pos[MAX_POS];
    int nopt;
    opt opts[MAX_OPTS];
    int nvars; /* query --var, kept in order */
    const char *vars[MAX_OPTS];
} args;

static const char *arg_opt(const args *a, const char *name)
{
    for (int i = 0; i < a->nopt; i++)
        if (!strcmp(a->opts[i].name, name))
            return a->opts[i].value ? a->opts[i].value : "";
    return NULL;
}

static bool arg_flag(const args *a, const char *name)
{
    return arg_opt(a, name) != NULL;
}

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("epfiotctl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_API;
}

static char *xstrdup(const char *s)
{
    char *p = s ? strdup(s) : NULL;
    if (s && !p) {
        fputs("epfiotctl: out of memory\n", stderr);
        exit(EXIT_API);
    }
    return p;
}

/* ---- HTTP and GraphQL ---------------------------------------------------------- */

typedef struct membuf {
    char *data;
    size_t len;
} membuf;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    membuf *b = ud;
    size_t add = size * n;
    char *d = realloc(b->data, b->len + add + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, add);
    b->len += add;
    d[b->len] = '\0';
    b->data = d;
    return add;
}

/* POSTs body to url with an optional bearer token. Returns 0 with *status
 * and *out (caller frees) set, or EXIT_CONN after printing why. */
static int http_post(const char *url, const char *token, const char *body, long *status,
                     char **out)
{
    CURL *c = curl_easy_init();
    if (!c)
        return fail("cannot initialise libcurl");
    membuf b = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: application/graphql-response+json, application/json;q=0.9");
    char *auth = NULL;
    if (token && *token) {
        if (asprintf(&auth, "Authorization: Bearer %s", token) < 0)
            auth = NULL;
        if (auth)
            h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "epfiotctl/0.1");
    CURLcode rc = curl_easy_perform(c);
    int ret = 0;
    if (rc != CURLE_OK) {
        fprintf(stderr, "epfiotctl: cannot reach %s: %s\n", url,
                *errbuf ? errbuf : curl_easy_strerror(rc));
        ret = EXIT_CONN;
        free(b.data);
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
        *out = b.data ? b.data : xstrdup("");
    }
    if (auth) {
        /* The header held the token: wipe it before freeing. */
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return ret;
}

/* Prints every GraphQL error as "epfiotctl: MESSAGE (CODE)". */
static void print_errors(json_t *errors)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e) {
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *code =
            json_string_value(json_object_get(json_object_get(e, "extensions"), "code"));
        if (code)
            fprintf(stderr, "epfiotctl: %s (%s)\n", msg ? msg : "error", code);
        else
            fprintf(stderr, "epfiotctl: %s\n", msg ? msg : "error");
    }
}

/* Sends one GraphQL request. vars is stolen. On success returns 0 and the
 * whole response in *resp (caller decrefs). With allow_errors, a response
 * with errors is returned too (for `query`). */
static int gql_request(ctl *c, const char *token, const char *query, json_t *vars, json_t **resp,
                       bool allow_errors)
{
    json_t *req = json_pack("{s:s}", "query", query);
    if (vars)
        json_object_set_new(req, "variables", vars);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    char *url = NULL;
    if (!body || asprintf(&url, "%s/graphql", c->url) < 0) {
        free(body);
        return fail("out of memory");
    }
    long status = 0;
    char *text = NULL;
    int rc = http_post(url, token, body, &status, &text);
    /* The body may carry a password (login, createUser): wipe it. */
    memset(body, 0, strlen(body));
    free(body);
    free(url);
    if (rc)
        return rc;
    json_error_t jerr;
    json_t *r = json_loads(text, 0, &jerr);
    if (!r || !json_is_object(r)) {
        fail("%s answered HTTP %ld with no GraphQL response%s", c->url, status,
             status == 404 ? " (is this an epfiotd URL?)" : "");
        json_decref(r);
        free(text);
        return EXIT_API;
    }
    free(text);
    json_t *errors = json_object_get(r, "errors");
    bool has_errors = json_is_array(errors) && json_array_size(errors) > 0;
    if (status == 401 && !allow_errors) {
        print_errors(errors);
        fprintf(stderr, "epfiotctl: not logged in or the token is no longer valid: "
                        "run `epfiotctl login`\n");
        json_decref(r);
        return EXIT_API;
    }
    if (has_errors && !allow_errors) {
        print_errors(errors);
        json_decref(r);
        return EXIT_API;
    }
    *resp = r;
    return 0;
}

/* Runs a query with the context's token; *data borrows from *resp. */
static int gql(ctl *c, const char *query, json_t *vars, json_t **resp, json_t **data)
{
    if (!c->token)
        return fail("not logged in: run `epfiotctl login`, or set EPFIOT_TOKEN or --token");
    int rc = gql_request(c, c->token, query, vars, resp, false);
    if (!rc)
        *data = json_object_get(*resp, "data");
    return rc;
}

/* A JSON string's text, "-" for null or anything else (never NULL for printf). */
static const char *str(json_t *v)
{
    const char *s = json_string_value(v);
    return s ? s : "-";
}

/* ---- Output ---------------------------------------------------------------------- */

static void print_json(json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (s)
        puts(s);
    free(s);
}

/* A JSON scalar as text for a table cell ("-" for null). */
static const char *cell(json_t *v, char *buf, size_t n)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, n, "%.0f", json_real_value(v));
    else if (json_is_true(v))
        snprintf(buf, n, "yes");
    else if (json_is_false(v))
        snprintf(buf, n, "no");
    else
        snprintf(buf, n, "-");
    return buf;
}

/* Follows a dotted path ("owner.name") into an object. */
static json_t *path_get(json_t *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path += n + (path[n] == '.');
    }
    return o;
}

typedef struct column {
    const char *title, *path;
} column;

/* Prints rows (an array of objects) as aligned columns. */
static void print_table(json_t *rows, const column *cols, int ncols)
{
    size_t width[16] = {0};
    char buf[64];
    for (int k = 0; k < ncols; k++)
        width[k] = strlen(cols[k].title);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        for (int k = 0; k < ncols; k++) {
            size_t w = strlen(cell(path_get(row, cols[k].path), buf, sizeof buf));
            if (w > width[k])
                width[k] = w;
        }
    }
    for (int k = 0; k < ncols; k++)
        printf("%-*s%s", k + 1 < ncols ? (int)width[k] : 0, cols[k].title, k + 1 < ncols ? "  " : "\n");
    json_array_foreach(rows, i, row) {
        if (!json_is_object(row))
            continue;
        for (int k = 0; k < ncols; k++)
            printf("%-*s%s", k + 1 < ncols ? (int)width[k] : 0,
                   cell(path_get(row, cols[k].path), buf, sizeof buf), k + 1 < ncols ? "  " : "\n");
    }
}

/* Prints one object as "key: value" lines (nested lists by name). */
static void print_fields(json_t *o, const column *cols, int ncols)
{
    char buf[64];
    for (int k = 0; k < ncols; k++)
        printf("%-14s %s\n", cols[k].title, cell(path_get(o, cols[k].path), buf, sizeof buf));
}

static void print_names(const char *title, json_t *list, const char *key)
{
    printf("%-14s ", title);
    size_t i;
    json_t *x;
    int n = 0;
    json_array_foreach(list, i, x) {
        json_t *v = json_is_string(x) ? x : json_object_get(x, key);
        char buf[64];
        printf("%s%s", n++ ? ", " : "", cell(v, buf, sizeof buf));
    }
    puts(n ? "" : "none");
}

/* Listing: --json prints the array, else a table. */
static int list_out(ctl *c, json_t *resp, json_t *rows, const column *cols, int ncols)
{
    if (c->json)
        print_json(rows);
    else
        print_table(rows, cols, ncols);
    json_decref(resp);
    return 0;
}

/* ---- Credentials file ------------------------------------------------------------ */

static char *cred_path(const ctl *c)
{
    char *p = NULL;
    if (asprintf(&p, "%s/credentials", c->cred_dir) < 0)
        return NULL;
    return p;
}

static void cred_load(ctl *c, bool *have_url, bool *have_token)
{
    char *p = cred_path(c);
    json_t *j = p ? json_load_file(p, 0, NULL) : NULL;
    free(p);
    if (!j)
        return;
    const char *url = json_string_value(json_object_get(j, "url"));
    const char *tok = json_string_value(json_object_get(j, "token"));
    const char *id = json_string_value(json_object_get(j, "token_id"));
    if (!*have_url && url) {
        free(c->url);
        c->url = xstrdup(url);
        *have_url = true;
    }
    /* The stored token belongs to the stored URL only. */
    if (!*have_token && tok && url && !strcmp(url, c->url)) {
        c->token = xstrdup(tok);
        c->token_id = xstrdup(id);
        *have_token = true;
    }
    json_decref(j);
}

static int mkdir_p(const char *dir)
{
    char *d = xstrdup(dir);
    for (char *s = d + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(d, 0700) && errno != EEXIST) {
            free(d);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(d, 0700) && errno != EEXIST ? -1 : 0;
    free(d);
    return rc;
}

/* Writes the credentials file with mode 0600 (created so, never widened). */
static int cred_save(const ctl *c, const char *token, const char *token_id, const char *user)
{
    if (mkdir_p(c->cred_dir))
        return fail("cannot create %s: %s", c->cred_dir, strerror(errno));
    char *p = cred_path(c), *tmp = NULL;
    if (!p || asprintf(&tmp, "%s.tmp", p) < 0) {
        free(p);
        return fail("out of memory");
    }
    json_t *j = json_pack("{s:s, s:s, s:s?, s:s?}", "url", c->url, "token", token, "token_id",
                          token_id, "user", user);
    char *s = json_dumps(j, JSON_INDENT(2));
    json_decref(j);
    int rc = 0;
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || !s || write(fd, s, strlen(s)) != (ssize_t)strlen(s) || fchmod(fd, 0600) ||
        fsync(fd) || close(fd) || rename(tmp, p)) {
        rc = fail("cannot write %s: %s", p, strerror(errno));
        unlink(tmp);
    }
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
    free(tmp);
    free(p);
    return rc;
}

/* ---- Secrets and small parsers ------------------------------------------------- */

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Copies a secret out of a stack buffer and wipes the buffer. */
static char *dup_wipe(char *line)
{
    char *s = xstrdup(line);
    explicit_bzero(line, strlen(line));
    return s;
}

/* Reads a secret: the first line of `file`, or a line of stdin when stdin is
 * not a terminal, or the terminal with echo off. Returns malloc'd text. */
static char *read_secret(const char *prompt, const char *file)
{
    char line[1024];
    if (file) {
        FILE *f = fopen(file, "r");
        if (!f) {
            fail("cannot read %s: %s", file, strerror(errno));
            return NULL;
        }
        char *ok = fgets(line, sizeof line, f);
        fclose(f);
        if (!ok) {
            fail("%s is empty", file);
            return NULL;
        }
        chomp(line);
        return dup_wipe(line);
    }
    if (!isatty(STDIN_FILENO)) {
        if (!fgets(line, sizeof line, stdin)) {
            fail("no %s on standard input", prompt);
            return NULL;
        }
        chomp(line);
        return dup_wipe(line);
    }
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty) {
        fail("no terminal to read the %s from: use --password-file", prompt);
        return NULL;
    }
    struct termios old, quiet;
    tcgetattr(fileno(tty), &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    fprintf(tty, "%s: ", prompt);
    fflush(tty);
    tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    char *ok = fgets(line, sizeof line, tty);
    tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (!ok)
        return NULL;
    chomp(line);
    return dup_wipe(line);
}

static void free_secret(char *s)
{
    if (s) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

/* Reads a whole text file (at most `max` bytes) into malloc'd text; NULL
 * after printing why. */
static char *read_text_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail("cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool err = ferror(f);
    fclose(f);
    if (!buf || err) {
        free(buf);
        fail("cannot read %s", path);
        return NULL;
    }
    if (n > max) {
        free(buf);
        fail("%s is larger than %zu bytes", path, max);
        return NULL;
    }
    if (memchr(buf, '\0', n)) {
        free(buf);
        fail("%s is not a text file", path);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Parses an integer option; -1 is allowed when allow_neg (quotas). */
static int int_opt(const args *a, const char *name, long *out, bool *set, bool allow_neg)
{
    const char *v = arg_opt(a, name);
    *set = v != NULL;
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < (allow_neg ? -1 : 0) || n > 0x7fffffffL)
        return fail("--%s: not a valid number: %s", name, v);
    *out = n;
    return 0;
}

/* ---- Name resolution ----------------------------------------------------------- */

/* Turns a reference (an ID, or a name) into an ID via `list_query`, whose
 * data field `field` is an array of {id name}. *id is malloc'd. */
static int resolve(ctl *c, const char *kind, const char *ref, const char *list_query,
                   const char *field, const char *name_key, char **id)
{
    if (all_digits(ref)) {
        *id = xstrdup(ref);
        return 0;
    }
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, list_query, NULL, &resp, &data);
    if (rc)
        return rc;
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(json_object_get(data, field), i, x) {
        const char *name = json_string_value(json_object_get(x, name_key));
        if (name && !strcmp(name, ref)) {
            if (!n++)
                *id = xstrdup(json_string_value(json_object_get(x, "id")));
        }
    }
    json_decref(resp);
    if (n == 1)
        return 0;
    if (n > 1) {
        free(*id);
        *id = NULL;
        return fail("more than one %s is named %s: use its ID", kind, ref);
    }
    return fail("no %s named %s", kind, ref);
}

static int vm_ref(ctl *c, const char *ref, char **id)
{
    return resolve(c, "VM", ref, "{getVms{id name}}", "getVms", "name", id);
}

static int thing_ref(ctl *c, const char *ref, char **id)
{
    return resolve(c, "thing", ref, "{getThings{id name}}", "getThings", "name", id);
}

static int user_ref(ctl *c, const char *ref, char **id)
{
    return resolve(c, "user", ref, "{getUsers{id name}}", "getUsers", "name", id);
}

/* A device by ID or by VENDOR:PRODUCT (when only one device has it). */
static int dev_ref(ctl *c, const char *ref, char **id)
{
    if (all_digits(ref)) {
        *id = xstrdup(ref);
        return 0;
    }
    const char *colon = strchr(ref, ':');
    if (!colon)
        return fail("a device is named by its ID or VENDOR:PRODUCT, not %s", ref);
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{getUsb{id vendorId productId}}", NULL, &resp, &data);
    if (rc)
        return rc;
    size_t i, n = 0;
    json_t *x;
    json_array_foreach(json_object_get(data, "getUsb"), i, x) {
        const char *v = json_string_value(json_object_get(x, "vendorId"));
        const char *p = json_string_value(json_object_get(x, "productId"));
        if (v && p && strlen(v) == (size_t)(colon - ref) && !strncasecmp(v, ref, strlen(v)) &&
            !strcasecmp(p, colon + 1) && !n++)
            *id = xstrdup(json_string_value(json_object_get(x, "id")));
    }
    json_decref(resp);
    if (n == 1)
        return 0;
    if (n > 1) {
        free(*id);
        *id = NULL;
        return fail("more than one device is %s: use its ID", ref);
    }
    return fail("no device %s", ref);
}

/* Runs a mutation on one resolved ID and prints `done`. */
static int mutate_id(ctl *c, const char *query, const char *var, const char *id, const char *what,
                     const char *name, const char *done)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, query, json_pack("{s:s}", var, id), &resp, &data);
    if (rc)
        return rc;
    json_decref(resp);
    printf("%s %s %s\n", what, name, done);
    return 0;
}

/* ---- login, logout ------------------------------------------------------------- */

static int cmd_login(ctl *c, args *a)
{
    char name[256];
    if (a->npos) {
        snprintf(name, sizeof name, "%s", a->pos[0]);
    } else {
        if (!isatty(STDIN_FILENO) && !arg_opt(a, "password-file"))
            return fail("give the user name as an argument when the password comes from stdin");
        fprintf(stderr, "User name: ");
        if (!fgets(name, sizeof name, stdin))
            return fail("no user name");
        chomp(name);
    }
    char *pw = read_secret("Password", arg_opt(a, "password-file"));
    if (!pw)
        return EXIT_API;
    json_t *resp = NULL;
    int rc = gql_request(c, NULL, "mutation($n:String!,$p:String!){login(name:$n,password:$p){token user{name role}}}",
                         json_pack("{s:s, s:s}", "n", name, "p", pw), &resp, false);
    free_secret(pw);
    if (rc)
        return rc;
    json_t *lp = json_object_get(json_object_get(resp, "data"), "login");
    char *session = xstrdup(json_string_value(json_object_get(lp, "token")));
    char *role = xstrdup(json_string_value(path_get(lp, "user.role")));
    json_decref(resp);

    /* A named API token outlives the session; the session then ends. */
    char host[128] = "host", tname[200];
    gethostname(host, sizeof host - 1);
    /* Token names are unique per user, 1-64 of A-Z a-z 0-9 . _ -:
     * "epfiotctl-HOST-TIME-PID", so that logging in again makes a new one. */
    snprintf(tname, 65, "epfiotctl-%.30s-%lld-%ld", host, (long long)time(NULL), (long)getpid());
    for (char *p = tname; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            *p = '-';
    long expires = 0;
    bool has_exp;
    if ((rc = int_opt(a, "expires", &expires, &has_exp, false))) {
        free_secret(session);
        free(role);
        return rc;
    }
    json_t *v = json_pack("{s:s}", "n", tname);
    if (has_exp)
        json_object_set_new(v, "e", json_integer(expires));
    rc = gql_request(c, session,
                     "mutation($n:String!,$e:Int){createToken(name:$n,expiresIn:$e){secret token{id}}}",
                     v, &resp, false);
    if (!rc) {
        json_t *nt = json_object_get(json_object_get(resp, "data"), "createToken");
        rc = cred_save(c, json_string_value(json_object_get(nt, "secret")),
                       json_string_value(path_get(nt, "token.id")), name);
        json_decref(resp);
    }
    json_t *lo = NULL;
    if (!gql_request(c, session, "mutation{logout}", NULL, &lo, false))
        json_decref(lo);
    free_secret(session);
    if (!rc)
        printf("logged in to %s as %s (%s)\n", c->url, name, role ? role : "?");
    free(role);
    return rc;
}

static int cmd_logout(ctl *c, args *a)
{
    char *p = cred_path(c);
    struct stat sb;
    if (!p || stat(p, &sb)) {
        free(p);
        return fail("not logged in (no %s/credentials)", c->cred_dir);
    }
    int rc = 0;
    if (c->token && c->token_id) {
        json_t *resp = NULL, *data = NULL;
        rc = gql(c, "mutation($id:ID!){revokeToken(id:$id)}",
                 json_pack("{s:s}", "id", c->token_id), &resp, &data);
        if (!rc)
            json_decref(resp);
    }
    /* The local file goes even when the server refused (e.g. already expired). */
    if (unlink(p))
        rc = fail("cannot remove %s: %s", p, strerror(errno));
    else
        printf("logged out of %s\n", c->url);
    free(p);
    return rc == EXIT_CONN ? rc : 0;
}

/* ---- vm ------------------------------------------------------------------------ */

static const column vm_cols[] = {
    {"ID", "id"},         {"NAME", "name"},     {"STATE", "state"}, {"IP", "ip"},
    {"VCPU", "vcpu"},     {"MEMORY", "memory"}, {"IMAGE", "base"},  {"OWNER", "owner.name"},
};

#define VM_FIELDS                                                                               \
    "id name state ip vcpu memory base uuid createdAt configUser pendingChanges owner{id name} " \
    "dev{id vendorId productId info} things{id name state} hostname sshKeys firmware"

static int cmd_vm_list(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{getVms{" VM_FIELDS "}}", NULL, &resp, &data);
    if (rc)
        return rc;
    return list_out(c, resp, json_object_get(data, "getVms"), vm_cols, 8);
}

static int show_vm(ctl *c, const char *id)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "query($id:ID!){getVm(id:$id){" VM_FIELDS "}}", json_pack("{s:s}", "id", id),
                 &resp, &data);
    if (rc)
        return rc;
    json_t *vm = json_object_get(data, "getVm");
    if (!json_is_object(vm)) {
        json_decref(resp);
        return fail("no VM %s", id);
    }
    if (c->json) {
        print_json(vm);
    } else {
        static const column more[] = {{"UUID", "uuid"},
                                      {"CREATED", "createdAt"},
                                      {"GUEST USER", "configUser"},
                                      {"HOSTNAME", "hostname"},
                                      {"FIRMWARE", "firmware"}};
        print_fields(vm, vm_cols, 8);
        print_fields(vm, more, 5);
        /* Only the type and comment of each key: the base64 says nothing. */
        printf("%-14s ", "SSH KEYS");
        size_t i;
        json_t *k;
        int n = 0;
        json_array_foreach(json_object_get(vm, "sshKeys"), i, k) {
            const char *key = json_string_value(k);
            if (!key)
                continue;
            const char *sp = strchr(key, ' ');
            const char *comment = sp ? strchr(sp + 1, ' ') : NULL;
            printf("%s%.*s%s", n++ ? ", " : "", (int)(sp ? sp - key : (long)strlen(key)), key,
                   comment ? comment : "");
        }
        puts(n ? "" : "none");
        print_names("PENDING", json_object_get(vm, "pendingChanges"), "");
        print_names("DEVICES", json_object_get(vm, "dev"), "id");
        print_names("THINGS", json_object_get(vm, "things"), "name");
    }
    json_decref(resp);
    return 0;
}

static int cmd_vm_show(ctl *c, args *a)
{
    char *id = NULL;
    int rc = vm_ref(c, a->pos[0], &id);
    if (!rc)
        rc = show_vm(c, id);
    free(id);
    return rc;
}

/* Adds `s`'s words (split at commas and white space) to array `arr`. */
static void add_words(json_t *arr, const char *s)
{
    while (*s) {
        size_t skip = strspn(s, ", \t\n");
        s += skip;
        size_t n = strcspn(s, ", \t\n");
        if (n)
            json_array_append_new(arr, json_stringn(s, n));
        s += n;
    }
}

/* The cloud-init options of vm create into ConfigInput `cfg`: --user,
 * --password-file, --ssh-key-file (authorized_keys lines; blank lines and
 * # comments skipped), --hostname, --packages, --user-data-file. */
static int vm_config_opts(const args *a, json_t *cfg)
{
    const char *user = arg_opt(a, "user");
    if (user)
        json_object_set_new(cfg, "user", json_string(user));
    const char *pwfile = arg_opt(a, "password-file");
    if (pwfile) {
        char *pw = read_secret("guest password", pwfile);
        if (!pw)
            return EXIT_API;
        json_object_set_new(cfg, "password", json_string(pw));
        free_secret(pw);
    }
    const char *keyfile = arg_opt(a, "ssh-key-file");
    if (keyfile) {
        char *text = read_text_file(keyfile, 1 << 20);
        if (!text)
            return EXIT_API;
        json_t *keys = json_array();
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            chomp(line);
            line += strspn(line, " \t");
            if (*line && *line != '#')
                json_array_append_new(keys, json_string(line));
        }
        free(text);
        if (!json_array_size(keys)) {
            json_decref(keys);
            return fail("%s has no SSH public key", keyfile);
        }
        json_object_set_new(cfg, "sshKeys", keys);
    }
    const char *host = arg_opt(a, "hostname");
    if (host)
        json_object_set_new(cfg, "hostname", json_string(host));
    const char *pkgs = arg_opt(a, "packages");
    if (pkgs) {
        json_t *list = json_array();
        add_words(list, pkgs);
        json_object_set_new(cfg, "packages", list);
    }
    const char *udfile = arg_opt(a, "user-data-file");
    if (udfile) {
        /* The API takes at most 16 KiB; a little more is read so that it
         * is the API's message that says so. */
        char *ud = read_text_file(udfile, 64 * 1024);
        if (!ud)
            return EXIT_API;
        json_object_set_new(cfg, "userData", json_string(ud));
        free(ud);
    }
    return 0;
}

static int cmd_vm_create(ctl *c, args *a)
{
    const char *image = arg_opt(a, "image");
    if (!image)
        return fail("vm create needs --image NAME (see `epfiotctl image list`)");
    long vcpu = 1, mem = 256;
    bool set;
    int rc = int_opt(a, "vcpu", &vcpu, &set, false);
    if (!rc)
        rc = int_opt(a, "memory", &mem, &set, false);
    if (rc)
        return rc;
    json_t *vm = json_pack("{s:s, s:s, s:I, s:I}", "name", a->pos[0], "base", image, "vcpu",
                           (json_int_t)vcpu, "memory", (json_int_t)mem);
    const char *fw = arg_opt(a, "firmware");
    if (fw) {
        if (strcasecmp(fw, "bios") && strcasecmp(fw, "uefi")) {
            json_decref(vm);
            return fail("--firmware: bios or uefi, not %s", fw);
        }
        json_object_set_new(vm, "firmware", json_string(strcasecmp(fw, "uefi") ? "BIOS" : "UEFI"));
    }
    json_t *cfg = json_object();
    if ((rc = vm_config_opts(a, cfg))) {
        json_decref(cfg);
        json_decref(vm);
        return rc;
    }
    if (json_object_size(cfg))
        json_object_set_new(vm, "config", cfg);
    else
        json_decref(cfg);
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "mutation($vm:VmInput!){createVm(vm:$vm){" VM_FIELDS "}}",
             json_pack("{s:o}", "vm", vm), &resp, &data);
    if (rc)
        return rc;
    json_t *v = json_object_get(data, "createVm");
    if (c->json)
        print_json(v);
    else
        printf("created VM %s (ID %s, %s)\n", str(json_object_get(v, "name")),
               str(json_object_get(v, "id")), str(json_object_get(v, "state")));
    json_decref(resp);
    return 0;
}

/* start, stop, force-off, destroy: one mutation on one VM. */
static int vm_action(ctl *c, args *a, const char *query, const char *done)
{
    char *id = NULL;
    int rc = vm_ref(c, a->pos[0], &id);
    if (!rc)
        rc = mutate_id(c, query, "id", id, "VM", a->pos[0], done);
    free(id);
    return rc;
}

static int cmd_vm_start(ctl *c, args *a)
{
    return vm_action(c, a, "mutation($id:ID!){powerON(vmID:$id){id}}", "is running");
}

static int cmd_vm_stop(ctl *c, args *a)
{
    return vm_action(c, a, "mutation($id:ID!){powerOFF(vmID:$id){id}}",
                     "is shutting down");
}

static int cmd_vm_force_off(ctl *c, args *a)
{
    return vm_action(c, a, "mutation($id:ID!){forceOFF(vmID:$id)}", "is off");
}

static int cmd_vm_pause(ctl *c, args *a)
{
    return vm_action(c, a, "mutation($id:ID!){pauseVM(vmID:$id){id}}", "is paused");
}

static int cmd_vm_resume(ctl *c, args *a)
{
    return vm_action(c, a, "mutation($id:ID!){resumeVM(vmID:$id){id}}", "is running");
}

static int cmd_vm_destroy(ctl *c, args *a)
{
    return vm_action(c, a,
                     arg_flag(a, "force") ? "mutation($id:ID!){forceDestroyVM(vmID:$id)}"
                                          : "mutation($id:ID!){destroyVM(vmID:$id)}",
                     "destroyed");
}

static int cmd_vm_resize(ctl *c, args *a)
{
    long vcpu = 0, mem = 0;
    bool has_vcpu, has_mem;
    int rc = int_opt(a, "vcpu", &vcpu, &has_vcpu, false);
    if (!rc)
        rc = int_opt(a, "memory", &mem, &has_mem, false);
    if (rc)
        return rc;
    if (!has_vcpu && !has_mem)
        return fail("vm resize needs --vcpu N and/or --memory MIB");
    char *id = NULL;
    if ((rc = vm_ref(c, a->pos[0], &id)))
        return rc;
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "query($id:ID!){getVm(id:$id){id name base vcpu memory}}",
             json_pack("{s:s}", "id", id), &resp, &data);
    if (rc) {
        free(id);
        return rc;
    }
    json_t *vm = json_object_get(data, "getVm");
    if (!json_is_object(vm)) {
        json_decref(resp);
        rc = fail("no VM %s", a->pos[0]);
        free(id);
        return rc;
    }
    json_t *in = json_pack("{s:s, s:O, s:O, s:O, s:O}", "id", id, "name",
                           json_object_get(vm, "name"), "base", json_object_get(vm, "base"),
                           "vcpu", json_object_get(vm, "vcpu"), "memory", json_object_get(vm, "memory"));
    json_decref(resp);
    if (has_vcpu)
        json_object_set_new(in, "vcpu", json_integer(vcpu));
    if (has_mem)
        json_object_set_new(in, "memory", json_integer(mem));
    rc = gql(c, "mutation($vm:VmInput!){updateVm(vm:$vm){name vcpu memory pendingChanges}}",
             json_pack("{s:o}", "vm", in), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *v = json_object_get(data, "updateVm");
    printf("VM %s: %lld vCPU, %lld MiB", str(json_object_get(v, "name")),
           json_integer_value(json_object_get(v, "vcpu")),
           json_integer_value(json_object_get(v, "memory")));
    json_t *pend = json_object_get(v, "pendingChanges");
    if (json_array_size(pend)) {
        printf(" (at next boot:");
        size_t i;
        json_t *x;
        json_array_foreach(pend, i, x) printf(" %s", str(x));
        printf(")");
    }
    putchar('\n');
    json_decref(resp);
    return 0;
}

static int cmd_vm_config(ctl *c, args *a)
{
    json_t *cfg = json_object();
    int rc = vm_config_opts(a, cfg);
    if (!rc && !json_object_size(cfg))
        rc = fail("vm config needs something to change (see --help)");
    char *id = NULL;
    if (!rc)
        rc = vm_ref(c, a->pos[0], &id);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "query($id:ID!){getVm(id:$id){name}}", json_pack("{s:s}", "id", id), &resp,
                 &data);
    if (rc) {
        json_decref(cfg);
        free(id);
        return rc;
    }
    json_t *name = path_get(json_object_get(data, "getVm"), "name");
    if (!json_is_string(name)) {
        json_decref(resp);
        json_decref(cfg);
        rc = fail("no VM %s", a->pos[0]);
        free(id);
        return rc;
    }
    /* updateVm changes only what is given: here the config fields. */
    json_t *in = json_pack("{s:s, s:O, s:s, s:o}", "id", id, "name", name, "base", "", "config", cfg);
    json_decref(resp);
    free(id);
    rc = gql(c, "mutation($vm:VmInput!){updateVm(vm:$vm){" VM_FIELDS "}}", json_pack("{s:o}", "vm", in),
             &resp, &data);
    if (rc)
        return rc;
    json_t *v = json_object_get(data, "updateVm");
    if (c->json) {
        print_json(v);
    } else {
        printf("VM %s: guest settings changed", str(json_object_get(v, "name")));
        json_t *pend = json_object_get(v, "pendingChanges");
        size_t i;
        json_t *x;
        json_array_foreach(pend, i, x) if (!strcmp(str(x), "config")) printf(" (at next boot)");
        putchar('\n');
    }
    json_decref(resp);
    return 0;
}

/* ---- device -------------------------------------------------------------------- */

static const column dev_cols[] = {
    {"ID", "id"},          {"VENDOR", "vendorId"}, {"PRODUCT", "productId"},
    {"PORT", "port"},      {"PRESENT", "present"}, {"VM", "heldBy"},
    {"PROFILE", "profile"}, {"QUEUE", "waiting"},  {"INFO", "info"},
};

#define DEV_FIELDS                                                                              \
    "id bus device info vendorId productId serial port present inUse vm{id name} profile "     \
    "reserved reservedFor{name} holder{mine since leaseEnd vm{id name}} "                      \
    "queue{position mine profile leaseSeconds enqueuedAt vm{id name}}"

/* The table's computed columns: the VM holding it (a lease's, else a plain
 * attachment's; "(in use)" for a VM the caller cannot see, another
 * tenant's) and the queue length. */
static void dev_table_cells(json_t *x)
{
    json_t *name = path_get(x, "holder.vm.name");
    if (!json_is_string(name))
        name = path_get(x, "vm.name");
    if (json_is_string(name))
        json_object_set(x, "heldBy", name);
    else if (json_is_object(json_object_get(x, "holder")) ||
             json_is_true(json_object_get(x, "inUse")))
        json_object_set_new(x, "heldBy", json_string("(in use)"));
    size_t q = json_array_size(json_object_get(x, "queue"));
    if (q)
        json_object_set_new(x, "waiting", json_integer((json_int_t)q));
}

static int cmd_device_list(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{getUsb{" DEV_FIELDS "}}", NULL, &resp, &data);
    if (rc)
        return rc;
    json_t *rows = json_object_get(data, "getUsb");
    if (!c->json) {
        size_t i;
        json_t *x;
        json_array_foreach(rows, i, x) dev_table_cells(x);
    }
    return list_out(c, resp, rows, dev_cols, 9);
}

static int cmd_device_show(ctl *c, args *a)
{
    char *id = NULL;
    int rc = dev_ref(c, a->pos[0], &id);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "query($id:ID!){getDev(id:$id){" DEV_FIELDS " events(limit:10){at kind mine detail}}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *x = json_object_get(data, "getDev");
    if (!json_is_object(x)) {
        json_decref(resp);
        return fail("no device %s", a->pos[0]);
    }
    if (c->json) {
        print_json(x);
        json_decref(resp);
        return 0;
    }
    dev_table_cells(x);
    static const column more[] = {
        {"SERIAL", "serial"},          {"LEASE SINCE", "holder.since"},
        {"LEASE END", "holder.leaseEnd"}, {"RESERVED", "reserved"},
        {"RESERVED FOR", "reservedFor.name"},
    };
    print_fields(x, dev_cols, 9);
    print_fields(x, more, 5);
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(x, "queue"), i, w) {
        char b[64];
        printf("%-14s #%s %s%s%s\n", i ? "" : "WAITING", cell(json_object_get(w, "position"), b, sizeof b),
               json_is_true(json_object_get(w, "mine")) ? str(path_get(w, "vm.name")) : "(another tenant)",
               json_is_string(json_object_get(w, "profile")) ? " for any " : "",
               json_is_string(json_object_get(w, "profile")) ? str(json_object_get(w, "profile")) : "");
    }
    json_array_foreach(json_object_get(x, "events"), i, w)
        printf("%-14s %s %s %s\n", i ? "" : "EVENTS", str(json_object_get(w, "at")),
               str(json_object_get(w, "kind")), str(json_object_get(w, "detail")));
    json_decref(resp);
    return 0;
}

static int cmd_device_acquire(ctl *c, args *a)
{
    const char *profile = arg_opt(a, "profile");
    const char *devref = arg_opt(a, "device");
    if (!profile == !devref)
        return fail("device acquire needs --profile PROFILE or --device DEVICE (one of them)");
    long lease = 0;
    bool set;
    if (int_opt(a, "lease", &lease, &set, false))
        return EXIT_API;
    char *vm = NULL, *dev = NULL;
    int rc = vm_ref(c, a->pos[0], &vm);
    if (!rc && devref)
        rc = dev_ref(c, devref, &dev);
    json_t *resp = NULL, *data = NULL;
    if (!rc) {
        json_t *vars = json_pack("{s:s, s:I}", "v", vm, "l", (json_int_t)lease);
        json_object_set_new(vars, "p", profile ? json_string(profile) : json_null());
        json_object_set_new(vars, "d", dev ? json_string(dev) : json_null());
        rc = gql(c,
                 "mutation($v:ID!,$p:String,$d:ID,$l:Int){acquireDevice(vmID:$v,profile:$p,devID:$d,"
                 "leaseSeconds:$l){status position leaseEnd device{id info vendorId productId}}}",
                 vars, &resp, &data);
    }
    free(vm);
    free(dev);
    if (rc)
        return rc;
    json_t *r = json_object_get(data, "acquireDevice");
    if (c->json) {
        print_json(r);
    } else if (!strcmp(str(json_object_get(r, "status")), "ATTACHED")) {
        printf("device %s attached to VM %s", str(path_get(r, "device.id")), a->pos[0]);
        if (json_is_string(json_object_get(r, "leaseEnd")))
            printf(" until %s", str(json_object_get(r, "leaseEnd")));
        putchar('\n');
    } else {
        char b[32];
        printf("VM %s queued for %s, position %s\n", a->pos[0], profile ? profile : devref,
               cell(json_object_get(r, "position"), b, sizeof b));
    }
    json_decref(resp);
    return 0;
}

/* release, revoke: one mutation on one device. */
static int dev_action(ctl *c, args *a, const char *query, const char *done)
{
    char *id = NULL;
    int rc = dev_ref(c, a->pos[0], &id);
    if (!rc)
        rc = mutate_id(c, query, "d", id, "device", a->pos[0], done);
    free(id);
    return rc;
}

static int cmd_device_release(ctl *c, args *a)
{
    return dev_action(c, a, "mutation($d:ID!){releaseDevice(devID:$d)}", "released");
}

static int cmd_device_revoke(ctl *c, args *a)
{
    return dev_action(c, a, "mutation($d:ID!){revokeDevice(devID:$d)}", "revoked");
}

static int cmd_device_leave_queue(ctl *c, args *a)
{
    char *vm = NULL;
    int rc = vm_ref(c, a->pos[0], &vm);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "mutation($v:ID!){leaveDeviceQueue(vmID:$v)}", json_pack("{s:s}", "v", vm),
                 &resp, &data);
    free(vm);
    if (rc)
        return rc;
    printf("VM %s left %lld request(s)\n", a->pos[0],
           (long long)json_integer_value(json_object_get(data, "leaveDeviceQueue")));
    json_decref(resp);
    return 0;
}

static int cmd_device_reserve(ctl *c, args *a)
{
    bool none = arg_flag(a, "none");
    if (none == (a->npos > 1))
        return fail("device reserve needs a USER or --none (one of them)");
    char *dev = NULL, *user = NULL;
    int rc = dev_ref(c, a->pos[0], &dev);
    if (!rc && !none)
        rc = user_ref(c, a->pos[1], &user);
    json_t *resp = NULL, *data = NULL;
    if (!rc) {
        json_t *vars = json_pack("{s:s}", "d", dev);
        json_object_set_new(vars, "u", user ? json_string(user) : json_null());
        rc = gql(c, "mutation($d:ID!,$u:ID){reserveDevice(devID:$d,userID:$u)}", vars, &resp,
                 &data);
    }
    free(dev);
    free(user);
    if (rc)
        return rc;
    if (none)
        printf("device %s is no longer reserved\n", a->pos[0]);
    else
        printf("device %s reserved for %s\n", a->pos[0], a->pos[1]);
    json_decref(resp);
    return 0;
}

static int cmd_device_profiles(ctl *c, args *a)
{
    static const column cols[] = {{"NAME", "name"}, {"USB IDS", "ids"}, {"BUILTIN", "builtin"}, {"INFO", "info"}};
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{deviceProfiles{id name usbIDs info builtin}}", NULL, &resp, &data);
    if (rc)
        return rc;
    json_t *rows = json_object_get(data, "deviceProfiles");
    if (!c->json) {
        size_t i, j;
        json_t *x, *u;
        json_array_foreach(rows, i, x) {
            char buf[256] = "";
            size_t n = 0;
            json_array_foreach(json_object_get(x, "usbIDs"), j, u) {
                int w = snprintf(buf + n, sizeof buf - n, "%s%s", j ? "," : "", str(u));
                if (w < 0 || (size_t)w >= sizeof buf - n)
                    break;
                n += (size_t)w;
            }
            json_object_set_new(x, "ids", json_string(buf));
        }
    }
    return list_out(c, resp, rows, cols, 4);
}

static int cmd_device_profile_create(ctl *c, args *a)
{
    const char *ids = arg_opt(a, "usb-ids");
    if (!ids)
        return fail("device profile-create needs --usb-ids VVVV:PPPP[,VVVV:PPPP...]");
    json_t *list = json_array();
    add_words(list, ids);
    const char *info = arg_opt(a, "info");
    json_t *vars = json_pack("{s:s, s:o}", "n", a->pos[0], "ids", list);
    json_object_set_new(vars, "i", info ? json_string(info) : json_null());
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c,
                 "mutation($n:String!,$ids:[String!]!,$i:String){createDeviceProfile(name:$n,"
                 "usbIDs:$ids,info:$i){id name usbIDs info builtin}}",
                 vars, &resp, &data);
    if (rc)
        return rc;
    json_t *p = json_object_get(data, "createDeviceProfile");
    if (c->json)
        print_json(p);
    else
        printf("created device profile %s\n", str(json_object_get(p, "name")));
    json_decref(resp);
    return 0;
}

static int cmd_device_events(ctl *c, args *a)
{
    static const column cols[] = {{"AT", "at"}, {"DEVICE", "device"}, {"KIND", "kind"},
                                  {"MINE", "mine"}, {"DETAIL", "detail"}};
    long limit = 50;
    bool set;
    if (int_opt(a, "limit", &limit, &set, false))
        return EXIT_API;
    char *dev = NULL;
    int rc = a->npos ? dev_ref(c, a->pos[0], &dev) : 0;
    if (rc)
        return rc;
    json_t *vars = json_pack("{s:I}", "l", (json_int_t)limit);
    json_object_set_new(vars, "d", dev ? json_string(dev) : json_null());
    free(dev);
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "query($d:ID,$l:Int){deviceEvents(devID:$d,limit:$l){at device kind mine detail}}",
             vars, &resp, &data);
    if (rc)
        return rc;
    return list_out(c, resp, json_object_get(data, "deviceEvents"), cols, 5);
}

static int cmd_device_attach(ctl *c, args *a)
{
    char *dev = NULL, *vm = NULL;
    int rc = dev_ref(c, a->pos[0], &dev);
    if (!rc)
        rc = vm_ref(c, a->pos[1], &vm);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "mutation($d:ID!,$v:ID!){attachDevice(devID:$d,vmID:$v)}",
                 json_pack("{s:s, s:s}", "d", dev, "v", vm), &resp, &data);
    if (!rc) {
        json_decref(resp);
        printf("device %s attached to VM %s\n", a->pos[0], a->pos[1]);
    }
    free(dev);
    free(vm);
    return rc;
}

static int cmd_device_detach(ctl *c, args *a)
{
    char *dev = NULL, *vm = NULL;
    int rc = dev_ref(c, a->pos[0], &dev);
    json_t *resp = NULL, *data = NULL;
    if (!rc && a->npos > 1) {
        rc = vm_ref(c, a->pos[1], &vm);
    } else if (!rc) {
        /* No VM given: the one holding the device. */
        rc = gql(c, "query($d:ID!){getDev(id:$d){vm{id} inUse}}", json_pack("{s:s}", "d", dev),
                 &resp, &data);
        if (!rc) {
            json_t *got = json_object_get(data, "getDev");
            vm = xstrdup(json_string_value(path_get(got, "vm.id")));
            bool in_use = json_is_true(json_object_get(got, "inUse"));
            json_decref(resp);
            if (!vm)
                rc = in_use ? fail("device %s is in use by a VM that is not yours", a->pos[0])
                            : fail("device %s is not attached to any VM of yours", a->pos[0]);
        }
    }
    if (!rc)
        rc = gql(c, "mutation($d:ID!,$v:ID!){detachDevice(devID:$d,vmID:$v)}",
                 json_pack("{s:s, s:s}", "d", dev, "v", vm), &resp, &data);
    if (!rc) {
        json_decref(resp);
        printf("device %s detached\n", a->pos[0]);
    }
    free(dev);
    free(vm);
    return rc;
}

/* ---- thing --------------------------------------------------------------------- */

static const column thing_cols[] = {
    {"ID", "id"},       {"NAME", "name"},     {"STATE", "state"},         {"VM", "vm.name"},
    {"ENDPOINT", "endpoint"}, {"LAST BOOTSTRAP", "lastBootstrapAt"}, {"ERROR", "lastError"},
};

#define THING_FIELDS                                                                            \
    "id name info state endpoint lastBootstrapAt lastError vm{id name} security pskIdentity "    \
    "serverSecurity serverPskIdentity shortServerId lifetime binding"

/* The LwM2M options thing create and thing update share: they fill `t`
 * (a ThingInput or ThingUpdate). Keys are read from files (first line, hex),
 * never from the command line. */
static int thing_opts(const args *a, json_t *t)
{
    static const struct {
        const char *opt, *field;
    } strs[] = {
        {"info", "info"},
        {"endpoint", "endpoint"},
        {"psk-identity", "pskIdentity"},
        {"server-psk-identity", "serverPskIdentity"},
        {"binding", "binding"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        const char *v = arg_opt(a, strs[i].opt);
        if (v)
            json_object_set_new(t, strs[i].field, json_string(v));
    }
    static const struct {
        const char *opt, *field;
    } secs[] = {{"security", "security"}, {"server-security", "serverSecurity"}};
    for (size_t i = 0; i < 2; i++) {
        const char *v = arg_opt(a, secs[i].opt);
        if (!v)
            continue;
        if (strcasecmp(v, "nosec") && strcasecmp(v, "psk"))
            return fail("--%s: nosec or psk, not %s", secs[i].opt, v);
        json_object_set_new(t, secs[i].field, json_string(strcasecmp(v, "psk") ? "NOSEC" : "PSK"));
    }
    static const struct {
        const char *opt, *field;
    } ints[] = {{"short-server-id", "shortServerId"}, {"lifetime", "lifetime"}};
    for (size_t i = 0; i < 2; i++) {
        long n;
        bool set;
        if (int_opt(a, ints[i].opt, &n, &set, false))
            return EXIT_API;
        if (set)
            json_object_set_new(t, ints[i].field, json_integer(n));
    }
    static const struct {
        const char *opt, *field, *what;
    } keys[] = {{"psk-key-file", "pskKey", "bootstrap PSK key"},
                {"server-psk-key-file", "serverPskKey", "server PSK key"}};
    for (size_t i = 0; i < 2; i++) {
        const char *f = arg_opt(a, keys[i].opt);
        if (!f)
            continue;
        char *k = read_secret(keys[i].what, f);
        if (!k)
            return EXIT_API;
        json_object_set_new(t, keys[i].field, json_string(k));
        free_secret(k);
    }
    return 0;
}

static int cmd_thing_list(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{getThings{" THING_FIELDS "}}", NULL, &resp, &data);
    if (rc)
        return rc;
    return list_out(c, resp, json_object_get(data, "getThings"), thing_cols, 7);
}

static int cmd_thing_show(ctl *c, args *a)
{
    char *id = NULL;
    int rc = thing_ref(c, a->pos[0], &id);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "query($id:ID!){getThing(id:$id){" THING_FIELDS "}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *t = json_object_get(data, "getThing");
    if (!json_is_object(t)) {
        json_decref(resp);
        return fail("no thing %s", a->pos[0]);
    }
    static const column info[] = {{"INFO", "info"}};
    if (c->json) {
        print_json(t);
    } else {
        static const column lwm2m[] = {
            {"SECURITY", "security"},
            {"PSK IDENTITY", "pskIdentity"},
            {"SERVER SEC.", "serverSecurity"},
            {"SERVER PSK ID", "serverPskIdentity"},
            {"SHORT ID", "shortServerId"},
            {"LIFETIME", "lifetime"},
            {"BINDING", "binding"},
        };
        print_fields(t, thing_cols, 7);
        print_fields(t, info, 1);
        print_fields(t, lwm2m, 7);
    }
    json_decref(resp);
    return 0;
}

static int cmd_thing_create(ctl *c, args *a)
{
    const char *vm = arg_opt(a, "vm");
    if (!vm)
        return fail("thing create needs --vm VM (the VM whose LwM2M server it reports to)");
    json_t *t = json_pack("{s:s, s:s, s:s}", "name", a->pos[0], "info", "", "server", vm);
    int rc = thing_opts(a, t);
    if (rc) {
        json_decref(t);
        return rc;
    }
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "mutation($t:ThingInput!){createThing(thing:$t){" THING_FIELDS "}}",
             json_pack("{s:o}", "t", t), &resp, &data);
    if (rc)
        return rc;
    t = json_object_get(data, "createThing");
    if (c->json)
        print_json(t);
    else
        printf("created thing %s (ID %s, endpoint %s)\n", str(json_object_get(t, "name")),
               str(json_object_get(t, "id")), str(json_object_get(t, "endpoint")));
    json_decref(resp);
    return 0;
}

static int cmd_thing_link(ctl *c, args *a)
{
    char *t = NULL, *vm = NULL;
    int rc = thing_ref(c, a->pos[0], &t);
    if (!rc)
        rc = vm_ref(c, a->pos[1], &vm);
    json_t *resp = NULL, *data = NULL;
    if (!rc)
        rc = gql(c, "mutation($t:ID!,$v:ID!){attachThing(thingID:$t,vmID:$v)}",
                 json_pack("{s:s, s:s}", "t", t, "v", vm), &resp, &data);
    if (!rc) {
        json_decref(resp);
        printf("thing %s linked to VM %s\n", a->pos[0], a->pos[1]);
    }
    free(t);
    free(vm);
    return rc;
}

static int cmd_thing_update(ctl *c, args *a)
{
    json_t *u = json_object();
    const char *name = arg_opt(a, "name");
    const char *vm = arg_opt(a, "vm");
    if (vm && arg_flag(a, "unlink")) {
        json_decref(u);
        return fail("--vm and --unlink exclude each other");
    }
    if (name)
        json_object_set_new(u, "name", json_string(name));
    if (vm || arg_flag(a, "unlink"))
        json_object_set_new(u, "server", json_string(vm ? vm : ""));
    int rc = thing_opts(a, u);
    if (!rc && !json_object_size(u))
        rc = fail("thing update needs something to change (see --help)");
    char *id = NULL;
    if (!rc)
        rc = thing_ref(c, a->pos[0], &id);
    if (rc) {
        json_decref(u);
        return rc;
    }
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "mutation($id:ID!,$t:ThingUpdate!){updateThing(id:$id,thing:$t){" THING_FIELDS "}}",
             json_pack("{s:s, s:o}", "id", id, "t", u), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *t = json_object_get(data, "updateThing");
    if (c->json)
        print_json(t);
    else
        printf("thing %s updated\n", str(json_object_get(t, "name")));
    json_decref(resp);
    return 0;
}

static int cmd_thing_delete(ctl *c, args *a)
{
    char *id = NULL;
    int rc = thing_ref(c, a->pos[0], &id);
    if (!rc)
        rc = mutate_id(c, "mutation($id:ID!){deleteThing(id:$id)}", "id", id, "thing", a->pos[0],
                       "deleted");
    free(id);
    return rc;
}

/* ---- image --------------------------------------------------------------------- */

static int cmd_image_list(ctl *c, args *a)
{
    static const column cols[] = {{"NAME", "name"}, {"FORMAT", "format"}, {"BYTES", "capacity"}};
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{images{name format capacity}}", NULL, &resp, &data);
    if (rc)
        return rc;
    return list_out(c, resp, json_object_get(data, "images"), cols, 3);
}

static void print_image(const char *name, json_t *img, const char *done)
{
    printf("image %s %s (%s, %" JSON_INTEGER_FORMAT " bytes)\n", name, done,
           str(json_object_get(img, "format")),
           json_integer_value(json_object_get(img, "capacity")));
}

static int cmd_image_import(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(
        c, "mutation($n:String!,$p:String!){importImage(name:$n,path:$p){name format capacity}}",
        json_pack("{s:s, s:s}", "n", a->pos[0], "p", a->pos[1]), &resp, &data);
    if (rc)
        return rc;
    if (c->json)
        print_json(json_object_get(data, "importImage"));
    else
        print_image(a->pos[0], json_object_get(data, "importImage"), "imported");
    json_decref(resp);
    return 0;
}

/* PUT /images/NAME with the file as the body, read and sent by libcurl a
 * piece at a time (never loaded whole). */
static int cmd_image_upload(ctl *c, args *a)
{
    const char *name = a->pos[0], *path = a->pos[1];
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (f)
            fclose(f);
        return fail("cannot read %s: %s", path, f ? "not a regular file" : strerror(errno));
    }
    if (!c->token) {
        fclose(f);
        return fail("not logged in (epfiotctl login)");
    }
    CURL *h = curl_easy_init();
    if (!h) {
        fclose(f);
        return fail("cannot initialise libcurl");
    }
    char *esc = curl_easy_escape(h, name, 0), *url = NULL, *auth = NULL;
    if (!esc || asprintf(&url, "%s/images/%s", c->url, esc) < 0 ||
        asprintf(&auth, "Authorization: Bearer %s", c->token) < 0)
        abort();
    curl_free(esc);
    struct curl_slist *hd = curl_slist_append(NULL, auth);
    hd = curl_slist_append(hd, "Content-Type: application/octet-stream");
    /* The server refuses a bad upload (rights, name, an existing image)
     * from the headers alone: wait for its go-ahead before sending. */
    hd = curl_slist_append(hd, "Expect: 100-continue");
    membuf b = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READDATA, f);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sb.st_size);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_EXPECT_100_TIMEOUT_MS, 60000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "epfiotctl/0.1");
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    int rc = 0;
    if (cc != CURLE_OK) {
        fprintf(stderr, "epfiotctl: cannot upload to %s: %s\n", c->url,
                *errbuf ? errbuf : curl_easy_strerror(cc));
        rc = EXIT_CONN;
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        json_t *j = b.data ? json_loads(b.data, 0, NULL) : NULL;
        json_t *err = json_object_get(j, "error");
        if (status == 201 && j && !err) {
            if (c->json)
                print_json(j);
            else
                print_image(name, j, "uploaded");
        } else if (err) {
            fprintf(stderr, "epfiotctl: %s (%s)\n", str(json_object_get(err, "message")),
                    str(json_object_get(err, "code")));
            rc = EXIT_API;
        } else {
            fprintf(stderr, "epfiotctl: upload refused: HTTP %ld %s\n", status,
                    b.data ? b.data : "");
            rc = EXIT_API;
        }
        json_decref(j);
    }
    free(b.data);
    memset(auth, 0, strlen(auth));
    free(auth);
    free(url);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    fclose(f);
    return rc;
}

static int cmd_image_delete(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "mutation($n:String!){deleteImage(name:$n)}",
                 json_pack("{s:s}", "n", a->pos[0]), &resp, &data);
    if (rc)
        return rc;
    json_decref(resp);
    printf("image %s deleted\n", a->pos[0]);
    return 0;
}

/* ---- user ---------------------------------------------------------------------- */

static const column user_cols[] = {
    {"ID", "id"},          {"NAME", "name"},          {"ROLE", "role"},
    {"VMS", "usage.vms"},  {"MAX VMS", "quota.vms"},  {"VCPUS", "usage.vcpus"},
    {"MAX VCPUS", "quota.vcpus"}, {"MEMORY", "usage.memory"}, {"MAX MEMORY", "quota.memory"},
    {"CREATED", "createdAt"},
};

#define USER_FIELDS \
    "id name role createdAt quota{vms vcpus memory devices} usage{vms vcpus memory devices}"

static int cmd_user_list(ctl *c, args *a)
{
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "{getUsers{" USER_FIELDS "}}", NULL, &resp, &data);
    if (rc)
        return rc;
    return list_out(c, resp, json_object_get(data, "getUsers"), user_cols, 10);
}

static int cmd_user_create(ctl *c, args *a)
{
    char *pw = read_secret("Password for the new user", arg_opt(a, "password-file"));
    if (!pw)
        return EXIT_API;
    json_t *resp = NULL, *data = NULL;
    int rc = gql(c, "mutation($n:String!,$p:String!,$r:Role){createUser(name:$n,password:$p,role:$r){" USER_FIELDS "}}",
                 json_pack("{s:s, s:s, s:s}", "n", a->pos[0], "p", pw, "r",
                           arg_flag(a, "admin") ? "ADMIN" : "USER"),
                 &resp, &data);
    free_secret(pw);
    if (rc)
        return rc;
    json_t *u = json_object_get(data, "createUser");
    if (c->json)
        print_json(u);
    else
        printf("created user %s (ID %s, %s)\n", str(json_object_get(u, "name")),
               str(json_object_get(u, "id")), str(json_object_get(u, "role")));
    json_decref(resp);
    return 0;
}

static int cmd_user_delete(ctl *c, args *a)
{
    char *id = NULL;
    int rc = user_ref(c, a->pos[0], &id);
    if (!rc)
        rc = mutate_id(c, "mutation($id:ID!){deleteUser(id:$id)}", "id", id, "user", a->pos[0],
                       "deleted");
    free(id);
    return rc;
}

/* passwd [USER]: one's own (old password needed) or, for admins, anyone's. */
static int cmd_user_passwd(ctl *c, args *a)
{
    char *id = NULL, *old = NULL;
    int rc = 0;
    if (a->npos && (rc = user_ref(c, a->pos[0], &id)))
        return rc;
    const char *file = arg_opt(a, "password-file");
    if (!id) {
        old = read_secret("Current password", arg_opt(a, "old-password-file"));
        if (!old)
            return EXIT_API;
    }
    char *pw = read_secret("New password", file);
    if (!pw) {
        free_secret(old);
        free(id);
        return EXIT_API;
    }
    json_t *v = json_pack("{s:s}", "p", pw);
    if (id)
        json_object_set_new(v, "u", json_string(id));
    if (old)
        json_object_set_new(v, "o", json_string(old));
    json_t *resp = NULL, *data = NULL;
    rc = gql(c, "mutation($u:ID,$o:String,$p:String!){setPassword(userID:$u,oldPassword:$o,newPassword:$p)}",
             v, &resp, &data);
    free_secret(pw);
    free_secret(old);
    free(id);
    if (rc)
        return rc;
    json_decref(resp);
    printf("password of %s changed\n", a->npos ? a->pos[0] : "your account");
    return 0;
}

/* quota USER [--vms N ...]: shows, or sets the given ones (-1: unlimited). */
static int cmd_user_quota(ctl *c, args *a)
{
    static const char *keys[] = {"vms", "vcpus", "memory", "devices"};
    json_t *q = json_object();
    for (int k = 0; k < 4; k++) {
        long n;
        bool set;
        if (int_opt(a, keys[k], &n, &set, true)) {
            json_decref(q);
            return EXIT_API;
        }
        if (set)
            json_object_set_new(q, keys[k], json_integer(n));
    }
    char *id = NULL;
    int rc = user_ref(c, a->pos[0], &id);
    json_t *resp = NULL, *data = NULL;
    if (!rc && json_object_size(q)) {
        /* setQuota replaces all four: keep the ones not given. */
        rc = gql(c, "query($id:ID!){getUser(id:$id){quota{vms vcpus memory devices}}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
        if (!rc) {
            json_t *cur = path_get(json_object_get(data, "getUser"), "quota");
            json_t *full = json_object();
            for (int k = 0; k < 4; k++) {
                json_t *v = json_object_get(q, keys[k]);
                json_object_set(full, keys[k], v ? v : json_object_get(cur, keys[k]));
            }
            json_decref(resp);
            rc = gql(c, "mutation($id:ID!,$q:QuotaInput!){setQuota(userID:$id,quota:$q){vms}}",
                     json_pack("{s:s, s:o}", "id", id, "q", full), &resp, &data);
            if (!rc)
                json_decref(resp);
        }
    }
    json_decref(q);
    if (!rc)
        rc = gql(c, "query($id:ID!){getUser(id:$id){name quota{vms vcpus memory devices} usage{vms vcpus memory devices}}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *u = json_object_get(data, "getUser");
    if (c->json) {
        print_json(u);
    } else {
        printf("%-10s %8s %10s\n", "", "USED", "LIMIT");
        for (int k = 0; k < 4; k++) {
            char b1[32], b2[32];
            json_t *lim = path_get(json_object_get(u, "quota"), keys[k]);
            printf("%-10s %8s %10s\n", keys[k], cell(path_get(json_object_get(u, "usage"), keys[k]), b1, sizeof b1),
                   json_is_null(lim) || !lim ? "unlimited" : cell(lim, b2, sizeof b2));
        }
    }
    json_decref(resp);
    return 0;
}

static int cmd_user_device_quota(ctl *c, args *a)
{
    long held = 0, hours = 0;
    bool set_held, set_hours;
    if (int_opt(a, "max-held", &held, &set_held, true) ||
        int_opt(a, "hours-per-day", &hours, &set_hours, true))
        return EXIT_API;
    char *id = NULL;
    int rc = user_ref(c, a->pos[0], &id);
    json_t *resp = NULL, *data = NULL;
    if (!rc && (set_held || set_hours)) {
        /* setDeviceQuota sets both: keep the one not given. */
        rc = gql(c, "query($id:ID!){getUser(id:$id){deviceQuota{maxHeld hoursPerDay}}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
        if (!rc) {
            json_t *cur = path_get(json_object_get(data, "getUser"), "deviceQuota");
            json_t *vars = json_pack("{s:s}", "id", id);
            json_t *m = json_object_get(cur, "maxHeld"), *h = json_object_get(cur, "hoursPerDay");
            json_object_set_new(vars, "m", set_held ? json_integer(held) : m ? json_incref(m) : json_null());
            json_object_set_new(vars, "h", set_hours ? json_integer(hours) : h ? json_incref(h) : json_null());
            json_decref(resp);
            rc = gql(c, "mutation($id:ID!,$m:Int,$h:Int){setDeviceQuota(userID:$id,maxHeld:$m,hoursPerDay:$h){maxHeld}}",
                     vars, &resp, &data);
            if (!rc)
                json_decref(resp);
        }
    }
    if (!rc)
        rc = gql(c, "query($id:ID!){getUser(id:$id){name deviceQuota{maxHeld hoursPerDay usedSecondsToday}}}",
                 json_pack("{s:s}", "id", id), &resp, &data);
    free(id);
    if (rc)
        return rc;
    json_t *q = path_get(json_object_get(data, "getUser"), "deviceQuota");
    if (c->json) {
        print_json(q);
    } else {
        char b[32];
        json_t *m = json_object_get(q, "maxHeld"), *h = json_object_get(q, "hoursPerDay");
        printf("held at once   %s\n", json_is_integer(m) ? cell(m, b, sizeof b) : "unlimited");
        printf("hours per day  %s\n", json_is_integer(h) ? cell(h, b, sizeof b) : "unlimited");
        printf("used today     %llds\n", (long long)json_integer_value(json_object_get(q, "usedSecondsToday")));
    }
    json_decref(resp);
    return 0;
}

/* ---- query --------------------------------------------------------------------- */

static char *read_all(FILE *f)
{
    membuf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!on_body(chunk, 1, n, &b))
            break;
    return b.data ? b.data : xstrdup("");
}

/* A --var value: JSON when it parses as JSON (numbers, true, lists), else a string. */
static json_t *var_value(const char *s)
{
    json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(s);
}

static int cmd_query(ctl *c, args *a)
{
    char *doc = NULL;
    const char *file = arg_opt(a, "file");
    if (file) {
        FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
        if (!f)
            return fail("cannot read %s: %s", file, strerror(errno));
        doc = read_all(f);
        if (f != stdin)
            fclose(f);
    } else if (a->npos) {
        doc = xstrdup(a->pos[0]);
    } else {
        return fail("query needs a document: epfiotctl query '{ me { name } }' (or --file FILE)");
    }
    json_t *vars = json_object();
    const char *vfile = arg_opt(a, "vars");
    if (vfile) {
        json_error_t e;
        json_t *v = json_load_file(vfile, 0, &e);
        if (!json_is_object(v)) {
            json_decref(v);
            json_decref(vars);
            free(doc);
            return fail("%s: not a JSON object of variables (%s)", vfile, e.text);
        }
        json_object_update(vars, v);
        json_decref(v);
    }
    for (int i = 0; i < a->nvars; i++) {
        const char *eq = strchr(a->vars[i], '=');
        if (!eq || eq == a->vars[i]) {
            json_decref(vars);
            free(doc);
            return fail("--var wants NAME=VALUE, not %s", a->vars[i]);
        }
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(eq - a->vars[i]), a->vars[i]);
        json_object_set_new(vars, name, var_value(eq + 1));
    }
    json_t *resp = NULL;
    int rc = c->token ? gql_request(c, c->token, doc, vars, &resp, true)
                      : fail("not logged in: run `epfiotctl login`, or set EPFIOT_TOKEN or --token");
    free(doc);
    if (rc)
        return rc;
    print_json(resp);
    json_t *errors = json_object_get(resp, "errors");
    rc = json_array_size(errors) ? EXIT_API : 0;
    json_decref(resp);
    return rc;
}

/* ---- Commands and help ----------------------------------------------------------- */

typedef struct command {
    const char *group, *name; /* name NULL: a one-word command */
    int (*fn)(ctl *, args *);
    int minpos, maxpos;
    const char *opts; /* allowed options, space-separated; "=" suffix takes a value */
    const char *usage, *help;
} command;

static const command commands[] = {
    {"login", NULL, cmd_login, 0, 1, "password-file= expires=", "login [NAME] [--password-file FILE] [--expires SECONDS]",
     "Logs in and keeps an API token in ~/.config/epfiot/credentials (mode 0600).\n"
     "The password is read from --password-file, from stdin when it is not a\n"
     "terminal, or from the terminal without echo; never from the command line."},
    {"logout", NULL, cmd_logout, 0, 0, "", "logout", "Revokes the stored API token and removes the credentials file."},
    {"vm", "list", cmd_vm_list, 0, 0, "json", "vm list [--json]", "Lists your VMs (admins: every VM)."},
    {"vm", "show", cmd_vm_show, 1, 1, "json", "vm show VM [--json]", "Shows one VM (VM: its ID or name)."},
    {"vm", "create", cmd_vm_create, 1, 1,
     "image= vcpu= memory= user= password-file= ssh-key-file= hostname= packages= user-data-file= "
     "firmware= json",
     "vm create NAME --image IMAGE [--vcpu N] [--memory MIB] [--user USER] [--password-file FILE]\n"
     "              [--ssh-key-file FILE] [--hostname NAME] [--packages LIST] [--user-data-file FILE]\n"
     "              [--firmware bios|uefi] [--json]",
     "Creates a VM from a base image (see `image list`); it ends powered off.\n"
     "--user/--password-file set the guest account cloud-init creates; --ssh-key-file\n"
     "authorizes the keys of an authorized_keys file for it; --packages is a list of\n"
     "Debian packages (commas or spaces); --user-data-file adds a #! script or a\n"
     "#cloud-config document of your own."},
    {"vm", "config", cmd_vm_config, 1, 1,
     "user= password-file= ssh-key-file= hostname= packages= user-data-file= json",
     "vm config VM [--user USER] [--password-file FILE] [--ssh-key-file FILE] [--hostname NAME]\n"
     "              [--packages LIST] [--user-data-file FILE] [--json]",
     "Changes a VM's guest settings (as for vm create; what is given replaces what\n"
     "was there). The guest gets them at its next boot."},
    {"vm", "start", cmd_vm_start, 1, 1, "", "vm start VM", "Powers the VM on."},
    {"vm", "stop", cmd_vm_stop, 1, 1, "", "vm stop VM", "Asks the guest to shut down (ACPI)."},
    {"vm", "force-off", cmd_vm_force_off, 1, 1, "", "vm force-off VM", "Cuts the VM's power at once."},
    {"vm", "pause", cmd_vm_pause, 1, 1, "", "vm pause VM", "Suspends a running VM (its memory stays)."},
    {"vm", "resume", cmd_vm_resume, 1, 1, "", "vm resume VM", "Resumes a paused VM."},
    {"vm", "destroy", cmd_vm_destroy, 1, 1, "force", "vm destroy VM [--force]",
     "Deletes a powered-off VM with its disk; --force also a running one."},
    {"vm", "resize", cmd_vm_resize, 1, 1, "vcpu= memory=", "vm resize VM [--vcpu N] [--memory MIB]",
     "Changes vCPUs and/or memory: live when possible, else at next boot."},
    {"device", "list", cmd_device_list, 0, 0, "json", "device list [--json]", "Lists the host's USB devices and the VM holding each."},
    {"device", "show", cmd_device_show, 1, 1, "json", "device show DEVICE [--json]",
     "Shows one device: holder, lease, queue, reservation, last events."},
    {"device", "acquire", cmd_device_acquire, 1, 1, "profile= device= lease= json",
     "device acquire VM (--profile PROFILE | --device DEVICE) [--lease SECONDS] [--json]",
     "Requests an accelerator for a VM of yours: attached at once when one is free,\n"
     "else a place in its queue. --lease ends the lease by itself (default: until\n"
     "released)."},
    {"device", "release", cmd_device_release, 1, 1, "", "device release DEVICE",
     "Gives back a device you lease; the next in its queue gets it."},
    {"device", "leave-queue", cmd_device_leave_queue, 1, 1, "", "device leave-queue VM",
     "Withdraws every waiting request of a VM of yours."},
    {"device", "revoke", cmd_device_revoke, 1, 1, "", "device revoke DEVICE", "Admins: ends the device's lease now."},
    {"device", "reserve", cmd_device_reserve, 1, 2, "none", "device reserve DEVICE (USER | --none)",
     "Admins: only USER may get the device from now on (--none: anyone)."},
    {"device", "profiles", cmd_device_profiles, 0, 0, "json", "device profiles [--json]",
     "Lists the device profiles (kinds of accelerators and their USB IDs)."},
    {"device", "profile-create", cmd_device_profile_create, 1, 1, "usb-ids= info= json",
     "device profile-create NAME --usb-ids VVVV:PPPP[,...] [--info TEXT] [--json]",
     "Admins: a new device profile."},
    {"device", "events", cmd_device_events, 0, 1, "limit= json", "device events [DEVICE] [--limit N] [--json]",
     "The newest accelerator events (of one device, or all)."},
    {"device", "attach", cmd_device_attach, 2, 2, "", "device attach DEVICE VM",
     "Passes a USB device (ID or VENDOR:PRODUCT) through to a VM of yours."},
    {"device", "detach", cmd_device_detach, 1, 2, "", "device detach DEVICE [VM]",
     "Detaches a USB device from its VM (or from VM)."},
    {"thing", "list", cmd_thing_list, 0, 0, "json", "thing list [--json]", "Lists your things with their bootstrap state."},
    {"thing", "show", cmd_thing_show, 1, 1, "json", "thing show THING [--json]", "Shows one thing (ID or name)."},
#define THING_OPTS                                                                              \
    "info= endpoint= security= psk-identity= psk-key-file= server-security= "                   \
    "server-psk-identity= server-psk-key-file= short-server-id= lifetime= binding= json"
#define THING_USAGE                                                                             \
    "[--info TEXT] [--endpoint NAME] [--security nosec|psk] [--psk-identity ID] "               \
    "[--psk-key-file FILE] [--server-security nosec|psk] [--server-psk-identity ID] "           \
    "[--server-psk-key-file FILE] [--short-server-id N] [--lifetime SECONDS] [--binding B] "    \
    "[--json]"
#define THING_HELP                                                                              \
    "--security psk: the thing bootstraps over DTLS with --psk-identity and the\n"               \
    "key (hex) in --psk-key-file; --server-security: the same for the account it\n"             \
    "gets on its VM's LwM2M server. Keys are write-only: never shown again."
    {"thing", "create", cmd_thing_create, 1, 1, "vm= " THING_OPTS, "thing create NAME --vm VM " THING_USAGE,
     "Registers a thing reporting to the LwM2M server of VM.\n" THING_HELP},
    {"thing", "update", cmd_thing_update, 1, 1, "name= vm= unlink " THING_OPTS,
     "thing update THING [--name NAME] [--vm VM|--unlink] " THING_USAGE,
     "Changes a thing (what is not given stays); --unlink detaches it from its VM.\n"
     "A changed configuration reaches the device at its next bootstrap.\n" THING_HELP},
    {"thing", "delete", cmd_thing_delete, 1, 1, "", "thing delete THING",
     "Deletes a thing: the bootstrap server forgets its endpoint."},
    {"thing", "link", cmd_thing_link, 2, 2, "", "thing link THING VM", "Attaches a thing to a VM of yours."},
    {"image", "list", cmd_image_list, 0, 0, "json", "image list [--json]", "Lists the base images VMs are created from."},
    {"image", "import", cmd_image_import, 2, 2, "json", "image import NAME PATH [--json]",
     "Admins: imports the file PATH of the server's host (absolute) as base\n"
     "image NAME (qcow2 without backing file, or raw)."},
    {"image", "upload", cmd_image_upload, 2, 2, "json", "image upload NAME FILE [--json]",
     "Admins: uploads the local FILE as base image NAME (streamed: PUT /images/NAME)."},
    {"image", "delete", cmd_image_delete, 1, 1, "", "image delete NAME",
     "Admins: deletes a base image that no VM is made from."},
    {"user", "list", cmd_user_list, 0, 0, "json", "user list [--json]", "Lists users with usage and quotas (admins: all; users: themselves)."},
    {"user", "create", cmd_user_create, 1, 1, "admin password-file= json", "user create NAME [--admin] [--password-file FILE] [--json]",
     "Admins: creates a user (the password is read like login's)."},
    {"user", "delete", cmd_user_delete, 1, 1, "", "user delete USER", "Admins: deletes a user with their VMs, things and tokens."},
    {"user", "passwd", cmd_user_passwd, 0, 1, "password-file= old-password-file=",
     "user passwd [USER] [--password-file FILE] [--old-password-file FILE]",
     "Changes your password (the current one is asked), or as an admin USER's."},
    {"user", "quota", cmd_user_quota, 1, 1, "vms= vcpus= memory= devices= json",
     "user quota USER [--vms N] [--vcpus N] [--memory MIB] [--devices N] [--json]",
     "Shows a user's usage and quotas; admins set them (-1: unlimited)."},
    {"user", "device-quota", cmd_user_device_quota, 1, 1, "max-held= hours-per-day= json",
     "user device-quota USER [--max-held N] [--hours-per-day N] [--json]",
     "Shows a user's accelerator quota and today's use; admins set it (-1: unlimited)."},
    {"query", NULL, cmd_query, 0, 1, "file= vars= var=", "query [DOCUMENT] [--file FILE|-] [--var NAME=VALUE]... [--vars FILE]",
     "Sends a raw GraphQL request and prints the JSON response; exit 1 when\n"
     "it has errors. A --var value that parses as JSON is sent as JSON."},
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void usage_all(FILE *f)
{
    fprintf(f, "usage: epfiotctl [--url URL] [--token TOKEN] COMMAND [ARGS] [--json]\n\n"
               "The command-line client of epfiotd.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "\nGlobal options:\n"
               "  --url URL      server (else $EPFIOT_URL, the credentials file, " DEFAULT_URL ")\n"
               "  --token TOKEN  bearer token (else $EPFIOT_TOKEN, the credentials file)\n"
               "  --json         JSON output for listings and show/create commands\n"
               "  --help         help (also after any command)\n\n"
               "Credentials live in $XDG_CONFIG_HOME/epfiot/credentials (~/.config/epfiot/).\n"
               "Exit status: 0 success, 1 API or usage error, 2 server unreachable.\n");
}

static void usage_group(FILE *f, const char *group)
{
    fprintf(f, "usage:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(commands[i].group, group))
            fprintf(f, "  epfiotctl %s\n", commands[i].usage);
}

static void usage_cmd(FILE *f, const command *cmd)
{
    fprintf(f, "usage: epfiotctl %s\n\n%s\n", cmd->usage, cmd->help);
}

/* Whether `name` is an allowed option of cmd; *takes_value set from "=". */
static bool opt_allowed(const command *cmd, const char *name, bool *takes_value)
{
    size_t n = strlen(name);
    for (const char *p = cmd->opts; *p;) {
        size_t w = strcspn(p, " ");
        bool val = w && p[w - 1] == '=';
        if (w - val == n && !strncmp(p, name, n)) {
            *takes_value = val;
            return true;
        }
        p += w;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Parses the words after the command name. Global options are taken out
 * before (see main); here only the command's own. */
static int parse_args(const command *cmd, int argc, char **argv, args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (strncmp(w, "--", 2) || !w[2]) {
            if (a->npos >= cmd->maxpos || a->npos >= MAX_POS)
                return fail("%s: unexpected argument %s (see --help)", cmd->usage, w);
            a->pos[a->npos++] = w;
            continue;
        }
        char name[64];
        const char *eq = strchr(w, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq ? eq - w - 2 : (long)strlen(w + 2)), w + 2);
        bool takes_value = false;
        if (!opt_allowed(cmd, name, &takes_value))
            return fail("unknown option --%s for `%s` (see --help)", name,
                        cmd->name ? cmd->name : cmd->group);
        const char *value = NULL;
        if (takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else
                return fail("--%s needs a value", name);
        } else if (eq) {
            return fail("--%s takes no value", name);
        }
        if (!strcmp(name, "var")) {
            if (a->nvars < MAX_OPTS)
                a->vars[a->nvars++] = value;
            continue;
        }
        if (a->nopt >= MAX_OPTS)
            return fail("too many options");
        /* The name points into argv, cut at the '=' (argv is ours to edit). */
        if (eq)
            argv[i][eq - w] = '\0';
        a->opts[a->nopt].name = w + 2;
        a->opts[a->nopt].value = value;
        a->nopt++;
    }
    if (a->npos < cmd->minpos)
        return fail("missing arguments: epfiotctl %s", cmd->usage);
    return 0;
}

/* Takes --url, --token, --json and --help out of argv wherever they are. */
static int take_globals(int *argc, char **argv, const char **url, const char **token, bool *json,
                        bool *help)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *w = argv[i];
        const char **dst = NULL;
        size_t n = 0;
        if (!strncmp(w, "--url", 5) && (w[5] == '\0' || w[5] == '=')) {
            dst = url;
            n = 5;
        } else if (!strncmp(w, "--token", 7) && (w[7] == '\0' || w[7] == '=')) {
            dst = token;
            n = 7;
        }
        if (dst) {
            if (w[n] == '=')
                *dst = w + n + 1;
            else if (i + 1 < *argc)
                *dst = argv[++i];
            else
                return fail("%s needs a value", w);
        } else if (!strcmp(w, "--json")) {
            *json = true;
        } else if (!strcmp(w, "--help") || !strcmp(w, "-h")) {
            *help = true;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

static char *config_dir(void)
{
    const char *x = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char *d = NULL;
    if (x && *x) {
        if (asprintf(&d, "%s/epfiot", x) < 0)
            d = NULL;
    } else if (asprintf(&d, "%s/.config/epfiot", home && *home ? home : ".") < 0) {
        d = NULL;
    }
    return d;
}

static int run(int argc, char **argv)
{
    const char *url = NULL, *token = NULL;
    bool json = false, help = false;
    if (take_globals(&argc, argv, &url, &token, &json, &help))
        return EXIT_API;
    if (argc < 2) {
        usage_all(help ? stdout : stderr);
        return help ? 0 : EXIT_API;
    }
    const char *group = argv[1];
    if (!strcmp(group, "help")) {
        usage_all(stdout);
        return 0;
    }
    if (!strcmp(group, "--version")) {
        puts("epfiotctl 0.1.0");
        return 0;
    }
    const command *cmd = NULL;
    bool known_group = false;
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].group, group))
            continue;
        known_group = true;
        if (!commands[i].name || (argc > 2 && !strcmp(commands[i].name, argv[2]))) {
            cmd = &commands[i];
            break;
        }
    }
    if (!known_group) {
        fail("unknown command %s (see epfiotctl --help)", group);
        return EXIT_API;
    }
    if (!cmd) {
        if (help) {
            usage_group(stdout, group);
            return 0;
        }
        if (argc > 2)
            fail("unknown command %s %s", group, argv[2]);
        usage_group(stderr, group);
        return EXIT_API;
    }
    if (help) {
        usage_cmd(stdout, cmd);
        return 0;
    }
    int skip = cmd->name ? 3 : 2;
    args a = {0};
    if (parse_args(cmd, argc - skip, argv + skip, &a))
        return EXIT_API;
    if (json && !strstr(cmd->opts, "json"))
        return fail("--json is not an option of `%s`", cmd->usage);

    ctl c = {.json = json, .cred_dir = config_dir()};
    if (!c.cred_dir)
        return fail("out of memory");
    bool have_url = false, have_token = false;
    if (!url)
        url = getenv("EPFIOT_URL");
    if (url && *url) {
        c.url = xstrdup(url);
        have_url = true;
    }
    if (!token)
        token = getenv("EPFIOT_TOKEN");
    if (token && *token) {
        c.token = xstrdup(token);
        have_token = true;
    }
    if (!have_url || !have_token) {
        if (!have_url)
            c.url = xstrdup(DEFAULT_URL);
        cred_load(&c, &have_url, &have_token);
    }
    size_t n = strlen(c.url);
    while (n && c.url[n - 1] == '/')
        c.url[--n] = '\0';
    int rc = cmd->fn(&c, &a);
    free(c.url);
    free_secret(c.token);
    free(c.token_id);
    free(c.cred_dir);
    return rc;
}

int main(int argc, char **argv)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
        fputs("epfiotctl: cannot initialise libcurl\n", stderr);
        return EXIT_API;
    }
    int rc = run(argc, argv);
    curl_global_cleanup();
    fflush(stdout);
    return rc;
}
