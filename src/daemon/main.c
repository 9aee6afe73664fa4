/* main.c -- epfiotd, the EPFIOT appliance daemon.
 *
 * Wires the parts together: configuration (one INI file, every key
 * overridable by a flag of the same name), logging to stderr, the store and
 * the driver (core_open), the first admin, reconciliation with the
 * hypervisor, the GraphQL API (api_new) and the HTTP front (http_start).
 * Then the main thread waits for signals: SIGTERM/SIGINT stop the server
 * gracefully (in-flight requests finish, then driver and store close),
 * SIGHUP is ignored, and once a minute expired sessions and old login
 * failures are purged.
 *
 * This is the only file with global mutable state (the log level).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coap3/coap.h>
#include <ini.h>

#include "api.h"
#include "auth.h"
#include "core.h"
#include "core_accel.h"
#include "http.h"

#ifndef EPFIOT_VERSION
#define EPFIOT_VERSION "0.0.0"
#endif
#define DEFAULT_CONFIG "/etc/epfiot/epfiotd.conf"

static int log_level = CORE_LOG_INFO;

/* ---- Configuration ---------------------------------------------------------- */

typedef struct config {
    char *listen, *tls_cert, *tls_key, *static_dir;
    long port, threads, request_timeout, max_body;
    char *database;
    char *libvirt_uri, *image_pool, *vm_pool, *network;
    char *network_bridge, *network_address, *dhcp_start, *dhcp_end, *image_dir, *vm_dir;
    long network_prefix;
    long force_tcg, kvm_probe;
    char *kernel_image, *initrd_image, *kernel_args;
    long lwm2m_port, lwm2m_dtls_port;
    long max_depth, max_fields, max_aliases, max_list_items;
    long max_vcpus, max_memory, session_ttl;
    char *log_level;
    char *admin_password_file;
    char *kvm_probe_kernel;
    char *lwm2m_listen;
    long lwm2m_request_timeout, lwm2m_max_retransmit;
} config;

typedef enum { K_STR, K_INT, K_BOOL } key_kind;

typedef struct key {
    const char *section, *name; /* INI section and key; the flag is --name with '-' */
    key_kind kind;
    size_t off;
    const char *def;
    const char *help;
} key;

#define S(f) offsetof(config, f)
static const key keys[] = {
    {"http", "listen", K_STR, S(listen), "127.0.0.1", "address to listen on (\"::\" for all)"},
    {"http", "port", K_INT, S(port), "8080", "TCP port (0: any free port, printed at start)"},
    {"http", "tls_cert", K_STR, S(tls_cert), NULL, "TLS certificate (PEM): HTTPS with tls_key"},
    {"http", "tls_key", K_STR, S(tls_key), NULL, "TLS private key (PEM)"},
    {"http", "static_dir", K_STR, S(static_dir), NULL, "web console files"},
    {"http", "threads", K_INT, S(threads), "0", "worker threads (0: one per CPU)"},
    {"http", "request_timeout", K_INT, S(request_timeout), "30",
     "seconds per request/idle connection"},
    {"http", "max_body", K_INT, S(max_body), "1048576",
     "largest request body in bytes (413 beyond)"},
    {"database", "database", K_STR, S(database), "/var/lib/epfiot/epfiot.db",
     "SQLite database file"},
    {"libvirt", "libvirt_uri", K_STR, S(libvirt_uri), "qemu:///system", "libvirt connection URI"},
    {"libvirt", "image_pool", K_STR, S(image_pool), "default", "storage pool of base images"},
    {"libvirt", "vm_pool", K_STR, S(vm_pool), NULL,
     "storage pool of VM disks (default: image_pool)"},
    {"libvirt", "network", K_STR, S(network), "default", "libvirt network of the VMs"},
    {"libvirt", "network_bridge", K_STR, S(network_bridge), "epfiotbr0",
     "setup-host: bridge of the network"},
    {"libvirt", "network_address", K_STR, S(network_address), "10.128.0.1",
     "setup-host: the host's address on the network"},
    {"libvirt", "network_prefix", K_INT, S(network_prefix), "24",
     "setup-host: prefix length of the network"},
    {"libvirt", "dhcp_start", K_STR, S(dhcp_start), "10.128.0.2",
     "setup-host: first address DHCP gives out"},
    {"libvirt", "dhcp_end", K_STR, S(dhcp_end), "10.128.0.254",
     "setup-host: last address DHCP gives out"},
    {"libvirt", "image_dir", K_STR, S(image_dir), "/var/lib/epfiot/images",
     "setup-host: directory of the image pool (on the libvirt host)"},
    {"libvirt", "vm_dir", K_STR, S(vm_dir), "/var/lib/epfiot/vms",
     "setup-host: directory of the VM pool, when it is not the image pool"},
    {"libvirt", "force_tcg", K_BOOL, S(force_tcg), "false", "use TCG even where KVM is claimed"},
    {"libvirt", "kvm_probe", K_BOOL, S(kvm_probe), "true",
     "where KVM is claimed, boot a probe guest at start and use TCG if it prints nothing in 10 s"},
    {"libvirt", "kvm_probe_kernel", K_STR, S(kvm_probe_kernel), NULL,
     "a kernel in the image pool for the probe guest (else the firmware alone is probed)"},
    {"libvirt", "kernel_image", K_STR, S(kernel_image), NULL,
     "direct kernel boot of every VM: a kernel in the image pool (guests without a boot loader)"},
    {"libvirt", "initrd_image", K_STR, S(initrd_image), NULL,
     "with kernel_image: an initramfs in the image pool"},
    {"libvirt", "kernel_args", K_STR, S(kernel_args), NULL,
     "with kernel_image: the kernel command line"},
    {"lwm2m", "lwm2m_listen", K_STR, S(lwm2m_listen), "0.0.0.0",
     "LwM2M bootstrap server address (\"::\" for all)"},
    {"lwm2m", "lwm2m_port", K_INT, S(lwm2m_port), "5685",
     "LwM2M bootstrap UDP port, NoSec (0: any free port, -1: off)"},
    {"lwm2m", "lwm2m_dtls_port", K_INT, S(lwm2m_dtls_port), "5686",
     "LwM2M bootstrap UDP port, DTLS-PSK (0: any free port, -1: off)"},
    {"lwm2m", "lwm2m_request_timeout", K_INT, S(lwm2m_request_timeout), "45",
     "seconds the bootstrap server waits for a device's answer to one request"},
    {"lwm2m", "lwm2m_max_retransmit", K_INT, S(lwm2m_max_retransmit), "4",
     "CoAP retransmissions of a bootstrap request (1-10)"},
    {"limits", "max_depth", K_INT, S(max_depth), "0",
     "GraphQL selection depth (0: engine default)"},
    {"limits", "max_fields", K_INT, S(max_fields), "0",
     "GraphQL fields per operation (0: default)"},
    {"limits", "max_aliases", K_INT, S(max_aliases), "0",
     "GraphQL aliases per operation (0: default)"},
    {"limits", "max_list_items", K_INT, S(max_list_items), "0",
     "items in one list result (0: default)"},
    {"limits", "max_vcpus", K_INT, S(max_vcpus), "64", "vCPUs of one VM at most"},
    {"limits", "max_memory", K_INT, S(max_memory), "262144", "MiB of one VM at most"},
    {"auth", "session_ttl", K_INT, S(session_ttl), "43200", "session lifetime in seconds"},
    {"auth", "admin_password_file", K_STR, S(admin_password_file), NULL,
     "first start: the admin password from this file (else EPFIOT_ADMIN_PASSWORD, else generated)"},
    {"log", "log_level", K_STR, S(log_level), "info", "error, warn, info or debug"},
};
#define NKEYS (sizeof keys / sizeof *keys)

static int key_set(config *c, const key *k, const char *value)
{
    char *base = (char *)c;
    if (k->kind == K_STR) {
        char **p = (char **)(base + k->off);
        free(*p);
        *p = value ? strdup(value) : NULL;
        return 0;
    }
    long *p = (long *)(base + k->off);
    if (k->kind == K_BOOL) {
        if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
            *p = 1;
        else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
            *p = 0;
        else
            return -1;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    /* -1 is "off" for the LwM2M ports; every other number is >= 0 */
    long min = strcmp(k->section, "lwm2m") == 0 ? -1 : 0;
    if (errno || end == value || *end || v < min)
        return -1;
    *p = v;
    return 0;
}

static const key *key_find(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if ((!section || !strcmp(section, keys[i].section)) && !strcmp(name, keys[i].name))
            return &keys[i];
    return NULL;
}

static int conf_handler(void *user, const char *section, const char *name, const char *value)
{
    const key *k = key_find(section, name);
    if (!k) {
        fprintf(stderr, "epfiotd: config: unknown key [%s] %s\n", section, name);
        return 0;
    }
    if (key_set(user, k, value) != 0) {
        fprintf(stderr, "epfiotd: config: bad value for %s\n", name);
        return 0;
    }
    return 1;
}

static void config_free(config *c)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].kind == K_STR)
            free(*(char **)((char *)c + keys[i].off));
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: epfiotd [OPTIONS]\n"
               "       epfiotd setup-host [OPTIONS]\n"
               "The EPFIOT appliance daemon: the GraphQL API (/graphql, /query), login,\n"
               "/healthz and /metrics over HTTP(S), on top of libvirt and SQLite.\n"
               "setup-host prepares the libvirt host (local or remote) once: it creates\n"
               "the routed network and the storage pools of the configuration that are\n"
               "missing, starts them and sets them to autostart; run again, it changes\n"
               "nothing. The daemon refuses to start while any of them is missing.\n\n"
               "  --config FILE        INI configuration (default " DEFAULT_CONFIG ", if present)\n"
               "  --print-schema       print the API's SDL and exit\n"
               "  --help, --version\n"
               "These three act only once every option (and the file) is checked:\n"
               "a bad value exits with status 2 even with them.\n\n"
               "Every configuration key is also a flag (--key VALUE or --key=VALUE;\n"
               "'_' may be written '-'), which overrides the file:\n");
    for (size_t i = 0; i < NKEYS; i++) {
        char flag[40];
        snprintf(flag, sizeof flag, "%s", keys[i].name);
        for (char *p = flag; *p; p++)
            if (*p == '_')
                *p = '-';
        fprintf(f, "  --%-22s [%s] %s%s%s%s\n", flag, keys[i].section, keys[i].help,
                keys[i].def ? " (default " : "", keys[i].def ? keys[i].def : "",
                keys[i].def ? ")" : "");
    }
    fprintf(f, "  --port 0 prints \"listening on http://ADDR:PORT\" on stderr.\n");
}

typedef enum { RUN, EXIT_FAIL } parse_result;

/* --help, --version or --print-schema: acted on only once every option and
 * the configuration are read and checked (a bad value is exit 2 all the
 * same); the first one given wins. */
typedef enum { INFO_NONE = 0, INFO_HELP, INFO_VERSION, INFO_SCHEMA } info_action;
static info_action info;

/* Two passes over argv: --config and the informational flags first, then
 * (after the file) every key flag, so that flags win. */
static parse_result parse_args(int argc, char **argv, config *c, bool file_pass)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "epfiotd: unexpected argument %s (see --help)\n", a);
            return EXIT_FAIL;
        }
        char name[64];
        const char *eq = strchr(a + 2, '='), *value = NULL;
        size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n >= sizeof name) {
            fprintf(stderr, "epfiotd: unknown option %s\n", a);
            return EXIT_FAIL;
        }
        memcpy(name, a + 2, n);
        name[n] = 0;
        for (char *p = name; *p; p++)
            if (*p == '-')
                *p = '_';
        if (!strcmp(name, "help") || !strcmp(name, "version") || !strcmp(name, "print_schema")) {
            if (eq) {
                fprintf(stderr, "epfiotd: --%s takes no value\n", name);
                return EXIT_FAIL;
            }
            if (file_pass && !info)
                info = !strcmp(name, "help")      ? INFO_HELP
                       : !strcmp(name, "version") ? INFO_VERSION
                                                  : INFO_SCHEMA;
            continue;
        }
        const key *k = strcmp(name, "config") ? key_find(NULL, name) : NULL;
        if (strcmp(name, "config") && !k) {
            fprintf(stderr, "epfiotd: unknown option --%s (see --help)\n", name);
            return EXIT_FAIL;
        }
        if (eq)
            value = eq + 1;
        else if (k && k->kind == K_BOOL)
            value = "true";
        else if (i + 1 < argc)
            value = argv[++i];
        else {
            fprintf(stderr, "epfiotd: --%s needs a value\n", name);
            return EXIT_FAIL;
        }
        if (!k) {
            if (file_pass) {
                if (ini_parse(value, conf_handler, c) != 0) {
                    fprintf(stderr, "epfiotd: cannot read config %s\n", value);
                    return EXIT_FAIL;
                }
            }
            continue;
        }
        if (!file_pass && key_set(c, k, value) != 0) {
            fprintf(stderr, "epfiotd: bad value for --%s\n", name);
            return EXIT_FAIL;
        }
    }
    return RUN;
}

static parse_result load_config(int argc, char **argv, config *c)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].def)
            key_set(c, &keys[i], keys[i].def);
    bool explicit_file = false;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9))
            explicit_file = true;
    if (!explicit_file) {
        FILE *f = fopen(DEFAULT_CONFIG, "r");
        if (f) {
            int rc = ini_parse_file(f, conf_handler, c);
            fclose(f);
            if (rc != 0) {
                fprintf(stderr, "epfiotd: bad config " DEFAULT_CONFIG " (line %d)\n", rc);
                return EXIT_FAIL;
            }
        }
    }
    parse_result r = parse_args(argc, argv, c, true);
    return r == RUN ? parse_args(argc, argv, c, false) : r;
}

/* ---- Logging ----------------------------------------------------------------- */

static void log_line(int level, const char *msg, void *ud)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    if (level > log_level)
        return;
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s epfiotd %s: %s\n", ts, names[level], msg);
}

static void http_log(void *ud, const char *msg)
{
    log_line(CORE_LOG_WARN, msg, NULL);
}

static int level_of(const char *s)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (s && !strcmp(s, names[i]))
            return i;
    return -1;
}

/* ---- Start --------------------------------------------------------------------- */

/* The first admin's password: a file (for automated installs; first line),
 * else EPFIOT_ADMIN_PASSWORD, else NULL (a generated one). */
static char *admin_password(const config *c, bool *bad)
{
    *bad = false;
    if (c->admin_password_file) {
        FILE *f = fopen(c->admin_password_file, "r");
        char line[1100];
        if (!f || !fgets(line, sizeof line, f)) {
            if (f)
                fclose(f);
            *bad = true;
            return NULL;
        }
        fclose(f);
        line[strcspn(line, "\r\n")] = 0;
        char *pw = strdup(line);
        sodium_memzero(line, sizeof line);
        return pw;
    }
    const char *env = getenv("EPFIOT_ADMIN_PASSWORD");
    return env && *env ? strdup(env) : NULL;
}

static int first_admin(core *co, const config *c)
{
    bool bad, created;
    char *pw = admin_password(c, &bad), *generated = NULL, msg[256];
    if (bad) {
        log_line(CORE_LOG_ERROR, "cannot read the admin password file", NULL);
        return -1;
    }
    core_code rc = core_first_admin(co, pw, &generated, &created, msg, sizeof msg);
    auth_secret_free(pw);
    if (rc != CORE_OK) {
        log_line(CORE_LOG_ERROR, msg, NULL);
        return -1;
    }
    if (created && generated)
        /* Shown once, on the console of whoever installs the appliance;
         * only its hash is stored. */
        fprintf(stderr,
                "epfiotd: created the first admin account \"admin\" with password %s"
                " (shown only now)\n",
                generated);
    else if (created)
        log_line(CORE_LOG_INFO, "created the first admin account \"admin\"", NULL);
    auth_secret_free(generated);
    return 0;
}

static void purge(core *co)
{
    store *st = core_store(co);
    int64_t now = (int64_t)time(NULL);
    store_session_purge(st, now, NULL);
    store_login_failure_purge(st, now - AUTH_THROTTLE_DEFAULT.reset_after, NULL);
}

static http_server *start_http(const config *c, const http_app *app)
{
    http_config hc = {
        .listen_addr = c->listen,
        .port = (uint16_t)c->port,
        .tls_cert_file = c->tls_cert,
        .tls_key_file = c->tls_key,
        .static_dir = c->static_dir,
        .threads = (unsigned)c->threads,
        .request_timeout_s = (unsigned)c->request_timeout,
        .max_body_bytes = (size_t)c->max_body,
        .limits = gql_limits_default,
        .secure_cookies = c->tls_cert && c->tls_key,
    };
    if (c->max_depth)
        hc.limits.max_depth = (size_t)c->max_depth;
    if (c->max_fields)
        hc.limits.max_fields = (size_t)c->max_fields;
    if (c->max_aliases)
        hc.limits.max_aliases = (size_t)c->max_aliases;
    if (c->max_list_items)
        hc.limits.max_list_items = (size_t)c->max_list_items;
    char *err = NULL;
    http_server *srv = http_start(&hc, app, &err);
    if (!srv) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot start HTTP: %s", err ? err : "?");
        log_line(CORE_LOG_ERROR, msg, NULL);
        free(err);
        return NULL;
    }
    bool v6 = c->listen && strchr(c->listen, ':');
    fprintf(stderr, "epfiotd: listening on %s://%s%s%s:%u\n", hc.secure_cookies ? "https" : "http",
            v6 ? "[" : "", c->listen ? c->listen : "0.0.0.0", v6 ? "]" : "", http_port(srv));
    return srv;
}

/* ---- setup-host ---------------------------------------------------------- */

static void setup_say(void *ud, const char *line)
{
    (void)ud;
    printf("epfiotd setup-host: %s\n", line);
}

/* Creates what is missing of the network and pools on the libvirt host
 * (only through its API: it may be remote), saying each step on stdout. */
static int setup_host(const config *c)
{
    drv_options o = {
        .uri = c->libvirt_uri,
        .image_pool = c->image_pool,
        .vm_pool = c->vm_pool ? c->vm_pool : c->image_pool,
        .network = c->network,
    };
    drv_host_spec spec = {
        .bridge = c->network_bridge,
        .address = c->network_address,
        .prefix = (unsigned)c->network_prefix,
        .dhcp_start = c->dhcp_start,
        .dhcp_end = c->dhcp_end,
        .image_dir = c->image_dir,
        .vm_dir = c->vm_dir,
    };
    drv *d = NULL;
    unsigned changes = 0;
    drv_status st = drv_open(&lv_driver, &o, &d);
    if (st == DRV_OK)
        st = drv_host_setup(d, &spec, setup_say, NULL, &changes);
    if (st != DRV_OK)
        fprintf(stderr, "epfiotd setup-host: %s\n", d ? drv_errmsg(d) : "out of memory");
    else if (changes == 0)
        printf("epfiotd setup-host: nothing to do on %s: network %s and storage pool%s %s%s%s "
               "exist, are active and start automatically\n",
               c->libvirt_uri, o.network, strcmp(o.vm_pool, o.image_pool) ? "s" : "", o.image_pool,
               strcmp(o.vm_pool, o.image_pool) ? " and " : "",
               strcmp(o.vm_pool, o.image_pool) ? o.vm_pool : "");
    else
        printf("epfiotd setup-host: %s is ready (%u change%s)\n", c->libvirt_uri, changes,
               changes == 1 ? "" : "s");
    drv_close(d);
    return st == DRV_OK ? 0 : 1;
}

/* The bootstrap server. A port that cannot be bound (in use) leaves the
 * appliance running without it, loudly: VMs and the API still work. */
static void start_lwm2m(core *co, const config *c)
{
    core_lwm2m_config lc = {
        .listen = c->lwm2m_listen,
        .coap_port = (int)c->lwm2m_port,
        .coaps_port = (int)c->lwm2m_dtls_port,
        .request_timeout_ms = (unsigned)c->lwm2m_request_timeout * 1000,
        .max_retransmit = (unsigned)c->lwm2m_max_retransmit,
    };
    char msg[512];
    if (core_lwm2m_start(co, &lc, msg, sizeof msg) != CORE_OK) {
        log_line(CORE_LOG_ERROR, msg, NULL);
        lc.coap_port = lc.coaps_port = -1; /* the index and writer alone */
        if (core_lwm2m_start(co, &lc, msg, sizeof msg) != CORE_OK)
            log_line(CORE_LOG_ERROR, msg, NULL);
        return;
    }
    if (c->lwm2m_port >= 0 || c->lwm2m_dtls_port >= 0) {
        bool v6 = c->lwm2m_listen && strchr(c->lwm2m_listen, ':');
        const char *a = c->lwm2m_listen ? c->lwm2m_listen : "0.0.0.0";
        fprintf(stderr, "epfiotd: lwm2m bootstrap on udp %s%s%s coap %d coaps %d\n", v6 ? "[" : "",
                a, v6 ? "]" : "", core_lwm2m_port(co, false), core_lwm2m_port(co, true));
    }
}

/* Blocks until SIGTERM or SIGINT. Every 2 s it runs the accelerator tick
 * (core_accel_tick), reconciles if hypervisor events asked for it
 * (reconnection, USB changes) and looks up the addresses of running VMs
 * that have none yet (all of them every 30 s); once a minute it purges
 * expired sessions and old login failures. */
static void wait_for_stop(core *co, const sigset_t *set)
{
    unsigned ticks = 0, rounds = 0;
    for (;;) {
        struct timespec ts = {2, 0};
        int sig = sigtimedwait(set, NULL, &ts);
        if (core_resync_wanted(co)) {
            char msg[512];
            if (core_resync(co, msg, sizeof msg) != CORE_OK)
                log_line(CORE_LOG_WARN, msg, NULL);
        }
        /* Lease expiry, holders that powered off, the accelerator queue. */
        core_accel_tick(co);
        core_refresh_addresses(co, ++rounds % 15 == 0);
        if (sig == SIGTERM || sig == SIGINT) {
            log_line(CORE_LOG_INFO, sig == SIGTERM ? "SIGTERM: stopping" : "SIGINT: stopping",
                     NULL);
            return;
        }
        if (sig == SIGHUP)
            log_line(CORE_LOG_INFO, "SIGHUP ignored (restart to reload the configuration)", NULL);
        else if (sig < 0 && errno == EAGAIN && ++ticks % 30 == 0)
            purge(co);
    }
}

int main(int argc, char **argv)
{
    config c = {0};
    int status = 1;
    core *co = NULL;
    api *a = NULL;
    http_server *srv = NULL;
    /* `epfiotd setup-host [OPTIONS]`: the same options, another action. */
    bool setup = argc > 1 && !strcmp(argv[1], "setup-host");
    if (setup) {
        argv[1] = argv[0];
        argv++;
        argc--;
    }
    parse_result pr = load_config(argc, argv, &c);
    if (pr != RUN) {
        config_free(&c);
        return 2;
    }
    if ((log_level = level_of(c.log_level)) < 0) {
        fprintf(stderr, "epfiotd: log_level must be error, warn, info or debug\n");
        config_free(&c);
        return 2;
    }
    if (c.lwm2m_port < -1 || c.lwm2m_port > 65535 || c.lwm2m_dtls_port < -1 ||
        c.lwm2m_dtls_port > 65535 || c.lwm2m_request_timeout < 1 ||
        c.lwm2m_request_timeout > 3600 || c.lwm2m_max_retransmit < 1 ||
        c.lwm2m_max_retransmit > 10) {
        fprintf(stderr, "epfiotd: lwm2m_port and lwm2m_dtls_port are -1 (off) or 0-65535, "
                        "lwm2m_request_timeout 1-3600, lwm2m_max_retransmit 1-10\n");
        config_free(&c);
        return 2;
    }
    if ((c.tls_cert != NULL) != (c.tls_key != NULL) || c.port > 65535) {
        fprintf(stderr, "epfiotd: tls_cert and tls_key go together; port is 0-65535\n");
        config_free(&c);
        return 2;
    }
    if (info) {
        if (info == INFO_HELP)
            usage(stdout);
        else if (info == INFO_VERSION)
            printf("epfiotd %s\n", EPFIOT_VERSION);
        else
            fputs(api_schema_sdl, stdout);
        config_free(&c);
        return 0;
    }
    if (setup) {
        status = setup_host(&c);
        config_free(&c);
        return status;
    }
    /* Signals are taken by the main thread only, with sigtimedwait: every
     * thread started from here on inherits the block. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (auth_init() != 0) {
        log_line(CORE_LOG_ERROR, "cannot initialise libsodium", NULL);
        goto out;
    }
    core_config cc = {
        .database = c.database,
        .libvirt_uri = c.libvirt_uri,
        .image_pool = c.image_pool,
        .vm_pool = c.vm_pool,
        .network = c.network,
        .force_tcg = c.force_tcg,
        .kvm_probe = c.kvm_probe,
        .kvm_probe_kernel = c.kvm_probe_kernel,
        .kernel_image = c.kernel_image,
        .initrd_image = c.initrd_image,
        .kernel_args = c.kernel_args,
        .session_ttl_s = c.session_ttl,
        .max_vcpus_per_vm = (unsigned)c.max_vcpus,
        .max_memory_mib = (unsigned long long)c.max_memory,
        .log = log_line,
    };
    char *err = NULL, msg[512];
    if (!(co = core_open(&cc, &err))) {
        log_line(CORE_LOG_ERROR, err ? err : "cannot start", NULL);
        free(err);
        goto out;
    }
    if (core_check_host(co, msg, sizeof msg) != CORE_OK) {
        char line[768];
        snprintf(line, sizeof line,
                 "%s; run `epfiotd setup-host` with the same configuration to create it", msg);
        log_line(CORE_LOG_ERROR, line, NULL);
        goto out;
    }
    core_log_host(co);
    if (first_admin(co, &c) != 0)
        goto out;
    if (core_reconcile(co, msg, sizeof msg) != CORE_OK)
        log_line(CORE_LOG_WARN, msg, NULL);
    start_lwm2m(co, &c);
    if (!(a = api_new(co, &err))) {
        log_line(CORE_LOG_ERROR, err ? err : "cannot build the schema", NULL);
        free(err);
        goto out;
    }
    http_app app;
    api_http_app(a, &app);
    app.log = http_log;
    if (!(srv = start_http(&c, &app)))
        goto out;
    wait_for_stop(co, &set);
    status = 0;
out:
    /* In-flight requests finish inside http_stop; only then do the API,
     * the driver and the store go. */
    if (srv)
        http_stop(srv);
    api_free(a);
    core_close(co);
    coap_cleanup(); /* libcoap's global state, once, for a clean leak report */
    config_free(&c);
    if (status == 0)
        log_line(CORE_LOG_INFO, "stopped", NULL);
    return status;
}
