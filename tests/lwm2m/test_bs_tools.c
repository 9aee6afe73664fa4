/* test_bs_tools.c -- end to end on loopback: a thing bootstraps against the
 * bootstrap server and then registers with an epfiot-lwm2m-server process
 * standing in for the VM's LwM2M server, which lists it at GET /endpoints.
 * Once with the simulator in-process, once with the epfiot-thing binary,
 * whose printed steps are checked. Processes are started here and stopped
 * by PID; the binaries come from $EPFIOT_THING and $EPFIOT_LWM2M_SERVER. */
#include "test.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "bs_test_util.h"

extern char **environ;

typedef struct proc {
    pid_t pid;
    FILE *out; /* its stdout */
} proc;

static int proc_start(proc *p, char *const argv[])
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    int rc = posix_spawn(&p->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return -1;
    }
    p->out = fdopen(fds[0], "r");
    return 0;
}

static int proc_wait(proc *p)
{
    int st = 0;
    waitpid(p->pid, &st, 0);
    if (p->out)
        fclose(p->out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The VM's LwM2M server: ports read from its first output line. */
typedef struct vm_server {
    proc p;
    int coap, http;
} vm_server;

static int vm_start(vm_server *v)
{
    const char *bin = getenv("EPFIOT_LWM2M_SERVER");
    if (!bin)
        return -1;
    char *argv[] = {(char *)bin, "-a", "127.0.0.1", "-p", "0", "-w", "0", "-l", NULL};
    if (proc_start(&v->p, argv) != 0)
        return -1;
    char line[128];
    if (!fgets(line, sizeof line, v->p.out) ||
        sscanf(line, "coap %d http %d", &v->coap, &v->http) != 2) {
        kill(v->p.pid, SIGTERM);
        proc_wait(&v->p);
        return -1;
    }
    return 0;
}

static void vm_stop(vm_server *v)
{
    kill(v->p.pid, SIGTERM);
    CHECK_INT(proc_wait(&v->p), 0);
}

/* GET /endpoints; returns the malloc'ed response (headers and body). */
static char *vm_endpoints(const vm_server *v)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)v->http)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return NULL;
    }
    const char *req = "GET /endpoints HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (write(fd, req, strlen(req)) < 0) {
        close(fd);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while (buf && n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static lwm2m_bs_thing vm_thing(const vm_server *v)
{
    lwm2m_bs_thing t;
    lwm2m_bs_thing_init(&t);
    snprintf(t.server_uri, sizeof t.server_uri, "coap://127.0.0.1:%d", v->coap);
    t.short_server_id = 7;
    t.lifetime = 120;
    return t;
}

TEST(simulated_thing_registers_with_the_vm_server_after_bootstrap)
{
    vm_server v;
    CHECK(vm_start(&v) == 0);
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "sensor-1", vm_thing(&v));
    bt_start(&e, &c);
    lwm2m_sim_opts o = bt_sim_opts(&e, "sensor-1");
    o.do_register = true;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_REGISTERED);
    if (s) {
        CHECK_CONTAINS(lwm2m_sim_location(s[0]), "/rd/");
        if (lwm2m_sim_phase_of(s[0]) != LWM2M_SIM_REGISTERED)
            fprintf(stderr, "  sim: %s\n", lwm2m_sim_error(s[0]));
    }
    lwm2m_sim_free_all(s, 1);
    CHECK(bt_wait(&e, "sensor-1", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    char *list = vm_endpoints(&v);
    CHECK_CONTAINS(list, "\"endpoint\":\"sensor-1\"");
    CHECK_CONTAINS(list, "\"lifetime\":120");
    CHECK_CONTAINS(list, "\"lwm2m\":\"1.1\"");
    free(list);
    vm_stop(&v);
}

/* Sends a CON request with Uri-Path rd/ID to the VM server from a raw
 * socket and returns the response code. */
static int vm_raw(const vm_server *v, uint8_t method, const char *location, uint16_t mid)
{
    uint8_t pkt[64];
    size_t n = 0;
    const char *id = strrchr(location, '/');
    if (!id)
        return -1;
    id++;
    pkt[n++] = 0x40;
    pkt[n++] = method;
    pkt[n++] = (uint8_t)(mid >> 8);
    pkt[n++] = (uint8_t)mid;
    pkt[n++] = 0xb2; /* Uri-Path "rd" */
    pkt[n++] = 'r';
    pkt[n++] = 'd';
    pkt[n++] = (uint8_t)strlen(id); /* Uri-Path, delta 0 */
    memcpy(pkt + n, id, strlen(id));
    n += strlen(id);
    int fd = bt_udp();
    bt_sendto(fd, v->coap, pkt, n);
    uint8_t rsp[256];
    ssize_t r = bt_recv(fd, rsp, sizeof rsp, 5000);
    close(fd);
    return r >= 4 ? bt_code(rsp) : -1;
}

static lwm2m_sim **register_one(const vm_server *v, bt_env *e, const char *ep, uint32_t lifetime)
{
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    lwm2m_bs_thing t = vm_thing(v);
    t.lifetime = lifetime;
    bt_add(e, ep, t);
    bt_start(e, &c);
    lwm2m_sim_opts o = bt_sim_opts(e, ep);
    o.do_register = true;
    lwm2m_sim **s = lwm2m_sim_run(&o, 1);
    CHECK(s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_REGISTERED);
    CHECK(bt_wait(e, ep, LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(e);
    return s;
}

TEST(vm_server_accepts_update_and_de_register)
{
    vm_server v;
    CHECK(vm_start(&v) == 0);
    bt_env e = {0};
    lwm2m_sim **s = register_one(&v, &e, "sensor-2", 120);
    if (s && lwm2m_sim_phase_of(s[0]) == LWM2M_SIM_REGISTERED) {
        const char *loc = lwm2m_sim_location(s[0]);
        CHECK_INT(vm_raw(&v, 0x02, loc, 0x7001), 204); /* Update */
        CHECK_INT(vm_raw(&v, 0x04, loc, 0x7002), 202); /* De-register */
        CHECK_INT(vm_raw(&v, 0x02, loc, 0x7003), 404); /* gone */
        char *list = vm_endpoints(&v);
        CHECK(list && !strstr(list, "sensor-2"));
        free(list);
    }
    lwm2m_sim_free_all(s, 1);
    vm_stop(&v);
}

TEST(vm_server_drops_a_registration_when_its_lifetime_passes)
{
    vm_server v;
    CHECK(vm_start(&v) == 0);
    bt_env e = {0};
    lwm2m_sim **s = register_one(&v, &e, "sensor-3", 1);
    lwm2m_sim_free_all(s, 1);
    bool gone = false;
    double end = bt_now() + 15;
    while (!gone && bt_now() < end) {
        char *list = vm_endpoints(&v);
        gone = list && strstr(list, "\r\n\r\n[]");
        free(list);
        if (!gone)
            usleep(100000);
    }
    CHECK(gone);
    vm_stop(&v);
}

TEST(epfiot_thing_binary_prints_each_step_and_registers)
{
    const char *bin = getenv("EPFIOT_THING");
    CHECK(bin != NULL);
    vm_server v;
    CHECK(vm_start(&v) == 0);
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_add(&e, "sensor-1-0", vm_thing(&v));
    bt_start(&e, &c);
    char port[16];
    snprintf(port, sizeof port, "%d", lwm2m_bs_port(e.srv, false));
    char *argv[] = {(char *)bin, "-p",  port, "-e", "sensor-1-0",
                    "--lwm2m",   "1.0", "-t", "30", NULL};
    proc p;
    CHECK(bin && proc_start(&p, argv) == 0);
    char out[8192] = "";
    size_t n = 0, r;
    while (n < sizeof out - 1 && (r = fread(out + n, 1, sizeof out - 1 - n, p.out)) > 0)
        n += r;
    out[n] = '\0';
    CHECK_INT(proc_wait(&p), 0);
    CHECK_CONTAINS(out, "sensor-1-0: POST /bs?ep=sensor-1-0\n");
    CHECK_CONTAINS(out, "sensor-1-0: Bootstrap-Request -> 2.04\n");
    CHECK_CONTAINS(out, "sensor-1-0: GET / -> 2.05\n");
    CHECK_CONTAINS(out, "sensor-1-0: PUT /0/1 -> 2.04\n");
    CHECK_CONTAINS(out, "sensor-1-0: PUT /1/1 -> 2.04\n");
    CHECK_CONTAINS(out, "sensor-1-0: POST /bs -> 2.04\n");
    CHECK_CONTAINS(out, "lt=120&lwm2m=1.0&b=U");
    CHECK_CONTAINS(out, "Register -> 2.01 /rd/");
    CHECK(bt_wait(&e, "sensor-1-0", LWM2M_BS_BOOTSTRAPPED, 1, 10));
    bt_stop(&e);
    char *list = vm_endpoints(&v);
    CHECK_CONTAINS(list, "\"endpoint\":\"sensor-1-0\"");
    CHECK_CONTAINS(list, "\"lwm2m\":\"1.0\"");
    free(list);
    vm_stop(&v);
}

TEST(epfiot_thing_binary_exits_1_when_the_endpoint_is_unknown)
{
    const char *bin = getenv("EPFIOT_THING");
    bt_env e = {0};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    bt_start(&e, &c);
    char port[16];
    snprintf(port, sizeof port, "%d", lwm2m_bs_port(e.srv, false));
    char *argv[] = {(char *)bin, "-p", port, "-e", "ghost", "-q", "-t", "30", NULL};
    proc p;
    CHECK(bin && proc_start(&p, argv) == 0);
    char out[1024] = "";
    size_t n = fread(out, 1, sizeof out - 1, p.out);
    out[n] = '\0';
    CHECK_INT(proc_wait(&p), 1);
    CHECK_CONTAINS(out, "failed: Bootstrap-Request answered 4.00");
    bt_stop(&e);
}

TEST_MAIN()
