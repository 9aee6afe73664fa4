/* epfiot-lwm2m-server -- a small LwM2M server for tenant VMs: the device
 * side of EPFIOT's bootstrap points each thing here. It implements the
 * registration interface (Register POST /rd -> 2.01 with Location /rd/ID,
 * Update POST /rd/ID -> 2.04, De-register DELETE /rd/ID -> 2.02, and expiry
 * of registrations whose lifetime passed) and lists the registered
 * endpoints as JSON over HTTP (GET /endpoints), so a tenant's application
 * (or a test) can see which things reached their VM.
 *
 * Threads: the CoAP loop runs in main(); libmicrohttpd answers HTTP on its
 * own thread; the registry is shared under a mutex. With port 0 the bound
 * ports are printed on the first line of stdout: "coap PORT http PORT".
 */
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <getopt.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SRV_MAX_REG 4096
#define SRV_EP_MAX 128

typedef struct srv_reg {
    bool used;
    unsigned id;
    char ep[SRV_EP_MAX + 1];
    char version[8];
    char binding[8];
    char peer[64];
    unsigned lifetime;
    time_t expires;
} srv_reg;

typedef struct srv {
    pthread_mutex_t mu;
    srv_reg reg[SRV_MAX_REG];
    unsigned next_id;
} srv;

static volatile sig_atomic_t srv_stop;

static void srv_on_signal(int sig)
{
    (void)sig;
    srv_stop = 1;
}

static time_t srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* Query parameters of Register/Update: ep, lt, lwm2m, b (others ignored). */
static void srv_query(const coap_pdu_t *req, srv_reg *r, bool *has_ep)
{
    coap_opt_iterator_t it;
    coap_opt_t *o;
    coap_option_iterator_init(req, &it, COAP_OPT_ALL);
    while ((o = coap_option_next(&it))) {
        if (it.number != COAP_OPTION_URI_QUERY)
            continue;
        const char *v = (const char *)coap_opt_value(o);
        int n = (int)coap_opt_length(o);
        if (n > 3 && memcmp(v, "ep=", 3) == 0 && n - 3 <= SRV_EP_MAX) {
            snprintf(r->ep, sizeof r->ep, "%.*s", n - 3, v + 3);
            *has_ep = true;
        } else if (n > 3 && memcmp(v, "lt=", 3) == 0) {
            char num[16];
            snprintf(num, sizeof num, "%.*s", n - 3, v + 3);
            long lt = strtol(num, NULL, 10);
            if (lt > 0 && lt < 100000000)
                r->lifetime = (unsigned)lt;
        } else if (n > 6 && memcmp(v, "lwm2m=", 6) == 0) {
            snprintf(r->version, sizeof r->version, "%.*s", n - 6, v + 6);
        } else if (n > 2 && memcmp(v, "b=", 2) == 0) {
            snprintf(r->binding, sizeof r->binding, "%.*s", n - 2, v + 2);
        }
    }
}

static bool srv_ep_ok(const char *ep)
{
    if (!*ep)
        return false;
    for (; *ep; ep++)
        if (*ep < 0x21 || *ep > 0x7e || *ep == '"' || *ep == '\\')
            return false;
    return true;
}

static void srv_register(coap_resource_t *res, coap_session_t *cs, const coap_pdu_t *req,
                         const coap_string_t *q, coap_pdu_t *resp)
{
    srv *s = coap_resource_get_userdata(res);
    srv_reg r = {.used = true, .lifetime = 86400};
    snprintf(r.version, sizeof r.version, "1.0");
    snprintf(r.binding, sizeof r.binding, "U");
    bool has_ep = false;
    srv_query(req, &r, &has_ep);
    if (!has_ep || !srv_ep_ok(r.ep)) {
        coap_pdu_set_code(resp, COAP_RESPONSE_CODE(400));
        return;
    }
    coap_print_addr(coap_session_get_addr_remote(cs), (unsigned char *)r.peer, sizeof r.peer);
    pthread_mutex_lock(&s->mu);
    srv_reg *slot = NULL;
    for (int i = 0; i < SRV_MAX_REG; i++) {
        if (s->reg[i].used && strcmp(s->reg[i].ep, r.ep) == 0) {
            slot = &s->reg[i]; /* a new Register replaces the old one */
            break;
        }
        if (!slot && !s->reg[i].used)
            slot = &s->reg[i];
    }
    if (slot) {
        r.id = ++s->next_id;
        r.expires = srv_now() + r.lifetime;
        *slot = r;
    }
    pthread_mutex_unlock(&s->mu);
    if (!slot) {
        coap_pdu_set_code(resp, COAP_RESPONSE_CODE(503));
        return;
    }
    char id[16];
    snprintf(id, sizeof id, "%u", r.id);
    coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, (const uint8_t *)"rd");
    coap_add_option(resp, COAP_OPTION_LOCATION_PATH, strlen(id), (const uint8_t *)id);
    coap_pdu_set_code(resp, COAP_RESPONSE_CODE(201));
    printf("registered %s as /rd/%s (lifetime %u, lwm2m %s, binding %s, from %s)\n", r.ep, id,
           r.lifetime, r.version, r.binding, r.peer);
    fflush(stdout);
}

/* /rd/ID: Update (POST) and De-register (DELETE). */
static void srv_update(coap_resource_t *res, coap_session_t *cs, const coap_pdu_t *req,
                       const coap_string_t *q, coap_pdu_t *resp)
{
    srv *s = coap_resource_get_userdata(res);
    coap_string_t *path = coap_get_uri_path(req);
    unsigned id = 0;
    int code = 404;
    if (path && path->length > 3 && memcmp(path->s, "rd/", 3) == 0) {
        char num[16];
        snprintf(num, sizeof num, "%.*s", (int)(path->length - 3), path->s + 3);
        id = (unsigned)strtoul(num, NULL, 10);
    }
    coap_delete_string(path);
    bool del = coap_pdu_get_code(req) == COAP_REQUEST_CODE_DELETE;
    pthread_mutex_lock(&s->mu);
    for (int i = 0; id && i < SRV_MAX_REG; i++) {
        srv_reg *r = &s->reg[i];
        if (!r->used || r->id != id)
            continue;
        if (del) {
            r->used = false;
            code = 202;
        } else {
            bool has_ep = false;
            srv_query(req, r, &has_ep);
            r->expires = srv_now() + r->lifetime;
            code = 204;
        }
    }
    pthread_mutex_unlock(&s->mu);
    coap_pdu_set_code(resp, (coap_pdu_code_t)COAP_RESPONSE_CODE(code));
}

static void srv_expire(srv *s)
{
    time_t now = srv_now();
    pthread_mutex_lock(&s->mu);
    for (int i = 0; i < SRV_MAX_REG; i++)
        if (s->reg[i].used && s->reg[i].expires <= now) {
            printf("expired %s\n", s->reg[i].ep);
            s->reg[i].used = false;
        }
    pthread_mutex_unlock(&s->mu);
    fflush(stdout);
}

static enum MHD_Result srv_http(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload,
                                size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    struct MHD_Response *r;
    enum MHD_Result ret;
    if (strcmp(method, "GET") != 0 || strcmp(url, "/endpoints") != 0) {
        r = MHD_create_response_from_buffer(10, (void *)"not found\n", MHD_RESPMEM_PERSISTENT);
        ret = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
        MHD_destroy_response(r);
        return ret;
    }
    size_t cap = 64 + (size_t)SRV_MAX_REG * 320, n = 0;
    char *body = malloc(cap);
    if (!body)
        return MHD_NO;
    time_t now = srv_now();
    n += (size_t)snprintf(body + n, cap - n, "[");
    pthread_mutex_lock(&s->mu);
    bool first = true;
    for (int i = 0; i < SRV_MAX_REG; i++) {
        srv_reg *e = &s->reg[i];
        if (!e->used)
            continue;
        /* names are checked printable without quotes or backslashes */
        n += (size_t)snprintf(body + n, cap - n,
                              "%s{\"endpoint\":\"%s\",\"location\":\"/rd/%u\",\"lifetime\":%u,"
                              "\"expiresIn\":%lld,\"lwm2m\":\"%s\",\"binding\":\"%s\","
                              "\"address\":\"%s\"}",
                              first ? "" : ",", e->ep, e->id, e->lifetime,
                              (long long)(e->expires - now), e->version, e->binding, e->peer);
        first = false;
    }
    pthread_mutex_unlock(&s->mu);
    n += (size_t)snprintf(body + n, cap - n, "]\n");
    r = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json");
    ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* A free UDP port on addr (libcoap 4.3.1 cannot report an endpoint's port). */
static int srv_free_port(const coap_address_t *a)
{
    int fd = socket(a->addr.sa.sa_family, SOCK_DGRAM, 0);
    coap_address_t b = *a;
    int port = -1;
    if (fd >= 0 && bind(fd, &b.addr.sa, b.size) == 0 && getsockname(fd, &b.addr.sa, &b.size) == 0)
        port = ntohs(b.addr.sa.sa_family == AF_INET6 ? b.addr.sin6.sin6_port : b.addr.sin.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: epfiot-lwm2m-server [options]\n"
               "A small LwM2M server: Register, Update, De-register, lifetime expiry;\n"
               "GET /endpoints on the HTTP port lists the registered endpoints as JSON.\n\n"
               "  -a, --address ADDR   CoAP listen address (default 0.0.0.0; IPv4 or IPv6)\n"
               "  -p, --port PORT      CoAP port (default 5683; 0 picks a free one)\n"
               "  -w, --http-port PORT HTTP port (default 8080; 0 picks a free one)\n"
               "  -l, --http-local     HTTP on loopback only\n"
               "  -h, --help           this help\n"
               "The first line of output is \"coap PORT http PORT\".\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"address", required_argument, 0, 'a'},
                                         {"port", required_argument, 0, 'p'},
                                         {"http-port", required_argument, 0, 'w'},
                                         {"http-local", no_argument, 0, 'l'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *address = "0.0.0.0";
    int port = 5683, http_port = 8080, c, rc = 1;
    bool http_local = false;
    while ((c = getopt_long(argc, argv, "a:p:w:lh", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            address = optarg;
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 'w':
            http_port = atoi(optarg);
            break;
        case 'l':
            http_local = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    static srv s;
    pthread_mutex_init(&s.mu, NULL);
    struct MHD_Daemon *httpd = NULL;
    coap_context_t *ctx = NULL;
    coap_startup();
    coap_set_log_level(LOG_EMERG);
    coap_address_t a;
    coap_address_init(&a);
    if (inet_pton(AF_INET, address, &a.addr.sin.sin_addr) == 1) {
        a.addr.sin.sin_family = AF_INET;
        a.size = sizeof a.addr.sin;
    } else if (inet_pton(AF_INET6, address, &a.addr.sin6.sin6_addr) == 1) {
        a.addr.sin6.sin6_family = AF_INET6;
        a.size = sizeof a.addr.sin6;
    } else {
        fprintf(stderr, "epfiot-lwm2m-server: bad address %s\n", address);
        goto out;
    }
    if (port == 0)
        port = srv_free_port(&a);
    if (a.addr.sa.sa_family == AF_INET6)
        a.addr.sin6.sin6_port = htons((uint16_t)port);
    else
        a.addr.sin.sin_port = htons((uint16_t)port);
    ctx = coap_new_context(NULL);
    if (!ctx || !coap_new_endpoint(ctx, &a, COAP_PROTO_UDP)) {
        fprintf(stderr, "epfiot-lwm2m-server: cannot listen on %s port %d\n", address, port);
        goto out;
    }
    coap_resource_t *r = coap_resource_init(coap_make_str_const("rd"), 0);
    coap_resource_set_userdata(r, &s);
    coap_register_request_handler(r, COAP_REQUEST_POST, srv_register);
    coap_add_resource(ctx, r);
    r = coap_resource_unknown_init2(srv_update, 0);
    coap_resource_set_userdata(r, &s);
    coap_register_request_handler(r, COAP_REQUEST_POST, srv_update);
    coap_register_request_handler(r, COAP_REQUEST_DELETE, srv_update);
    coap_add_resource(ctx, r);
    struct sockaddr_in hl = {.sin_family = AF_INET, .sin_port = htons((uint16_t)http_port)};
    hl.sin_addr.s_addr = htonl(http_local ? INADDR_LOOPBACK : INADDR_ANY);
    httpd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)http_port, NULL, NULL,
                             srv_http, &s, MHD_OPTION_SOCK_ADDR, &hl, MHD_OPTION_END);
    if (!httpd) {
        fprintf(stderr, "epfiot-lwm2m-server: cannot listen on HTTP port %d\n", http_port);
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(httpd, MHD_DAEMON_INFO_BIND_PORT);
    printf("coap %d http %d\n", port, info ? (int)info->port : http_port);
    fflush(stdout);
    signal(SIGTERM, srv_on_signal);
    signal(SIGINT, srv_on_signal);
    while (!srv_stop) {
        coap_io_process(ctx, 200);
        srv_expire(&s);
    }
    rc = 0;
out:
    if (httpd)
        MHD_stop_daemon(httpd);
    if (ctx)
        coap_free_context(ctx);
    coap_cleanup();
    pthread_mutex_destroy(&s.mu);
    return rc;
}
