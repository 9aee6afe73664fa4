/* epfiot-thing -- LwM2M client simulator: bootstraps against an LwM2M
 * bootstrap server (EPFIOT's, or any other), then registers with the server
 * it was given, printing each step. With --count N it simulates N devices at
 * once (endpoint names NAME-0 ... NAME-N-1) and reports bootstraps per
 * second and the p99 session time, for benchmarks. The engine is
 * src/lwm2m/thing_sim.c; this file only reads options and prints results. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lwm2m_format.h"
#include "thing_sim.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: epfiot-thing [options]\n"
            "Bootstraps an LwM2M device against a bootstrap server, then registers.\n\n"
            "  -H, --host ADDR          bootstrap server address (default 127.0.0.1)\n"
            "  -p, --port PORT          bootstrap server port (default 5683; 5684 with --psk-*)\n"
            "  -e, --endpoint NAME      endpoint name (default epfiot-thing)\n"
            "      --psk-identity ID    bootstrap over DTLS-PSK with this identity\n"
            "      --psk-key HEX        ... and this key (hex)\n"
            "      --lwm2m 1.0|1.1|1.2  client version (default 1.1)\n"
            "      --format F           tlv | senml-json | senml-cbor, sent as pct (1.1+)\n"
            "      --bs-instance N      /0 instance of its own bootstrap account (default 0)\n"
            "      --no-register        stop after Bootstrap-Finish\n"
            "      --never-answer STEP  discover | delete | write | finish: never answer it\n"
            "      --answer-code STEP=C answer STEP with code C (e.g. write=4.00)\n"
            "      --finish-code C      answer Finish with C (e.g. 4.06)\n"
            "  -n, --count N            simulate N devices concurrently, print statistics\n"
            "  -t, --timeout SEC        give up after SEC seconds (default 60)\n"
            "  -q, --quiet              no per-step output\n"
            "      --dump               then print every request received from the bootstrap\n"
            "                           server: METHOD PATH cf=FORMAT PAYLOAD-IN-HEX (keys too:\n"
            "                           for tests)\n"
            "  -h, --help               this help\n"
            "Exit status: 0 when every device bootstrapped (and registered), 1 otherwise.\n");
}

static int parse_code(const char *s)
{
    int c, d;
    if (sscanf(s, "%d.%d", &c, &d) == 2)
        return c * 100 + d;
    return atoi(s);
}

static int parse_hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap || n == 0)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return (int)(n / 2);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Many devices means many sockets: raise the descriptor limit. */
static void raise_fd_limit(int count)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < (rlim_t)(2 * count + 64)) {
        r.rlim_cur = r.rlim_max < (rlim_t)(2 * count + 64) ? r.rlim_max : (rlim_t)(2 * count + 64);
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

static int report(lwm2m_sim **sims, int count, const lwm2m_sim_opts *o, double wall_ms)
{
    int ok = 0, reg = 0;
    double *t = calloc((size_t)count, sizeof *t);
    for (int i = 0; i < count; i++) {
        lwm2m_sim_phase ph = lwm2m_sim_phase_of(sims[i]);
        if (lwm2m_sim_bootstrap_ms(sims[i]) >= 0 && t)
            t[ok++] = lwm2m_sim_bootstrap_ms(sims[i]);
        reg += ph == LWM2M_SIM_REGISTERED;
        if (ph == LWM2M_SIM_FAILED && count > 1 && o->verbose)
            fprintf(stderr, "device %d: %s\n", i, lwm2m_sim_error(sims[i]));
    }
    if (count == 1) {
        free(t);
        if (lwm2m_sim_phase_of(sims[0]) == LWM2M_SIM_FAILED) {
            printf("failed: %s\n", lwm2m_sim_error(sims[0]));
            return 1;
        }
        printf("bootstrapped in %.1f ms%s%s\n", lwm2m_sim_bootstrap_ms(sims[0]),
               reg ? ", registered at " : "", reg ? lwm2m_sim_location(sims[0]) : "");
        return 0;
    }
    if (t && ok)
        qsort(t, (size_t)ok, sizeof *t, cmp_double);
    double p50 = ok ? t[ok / 2] : 0, p99 = ok ? t[(size_t)((ok - 1) * 0.99)] : 0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
                 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
    printf("devices %d, bootstrapped %d, registered %d, wall %.1f ms, %.0f bootstraps/s, "
           "p50 %.1f ms, p99 %.1f ms, simulator cpu %.0f ms\n",
           count, ok, reg, wall_ms, wall_ms > 0 ? ok * 1000.0 / wall_ms : 0.0, p50, p99, cpu);
    free(t);
    return ok == count && (!o->do_register || reg == count) ? 0 : 1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"host", required_argument, 0, 'H'},
                                         {"port", required_argument, 0, 'p'},
                                         {"endpoint", required_argument, 0, 'e'},
                                         {"psk-identity", required_argument, 0, 'I'},
                                         {"psk-key", required_argument, 0, 'K'},
                                         {"lwm2m", required_argument, 0, 'V'},
                                         {"format", required_argument, 0, 'F'},
                                         {"bs-instance", required_argument, 0, 'B'},
                                         {"no-register", no_argument, 0, 'R'},
                                         {"never-answer", required_argument, 0, 'N'},
                                         {"answer-code", required_argument, 0, 'A'},
                                         {"finish-code", required_argument, 0, 'C'},
                                         {"count", required_argument, 0, 'n'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"dump", no_argument, 0, 'D'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    lwm2m_sim_opts o;
    lwm2m_sim_opts_init(&o);
    o.verbose = true;
    int count = 1, port = -1, c;
    bool dump = false;
    uint8_t key[64];
    char answer_step[16] = "";
    while ((c = getopt_long(argc, argv, "H:p:e:n:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            o.host = optarg;
            break;
        case 'p':
            port = atoi(optarg);
            break;
        case 'e':
            o.endpoint = optarg;
            break;
        case 'I':
            o.psk_identity = optarg;
            o.dtls = true;
            break;
        case 'K': {
            int n = parse_hex(optarg, key, sizeof key);
            if (n < 0) {
                fprintf(stderr, "epfiot-thing: --psk-key wants 1..64 bytes of hex\n");
                return 2;
            }
            o.psk_key = key;
            o.psk_key_len = (size_t)n;
            o.dtls = true;
            break;
        }
        case 'V':
            o.version = strcmp(optarg, "1.0") == 0   ? LWM2M_V1_0
                        : strcmp(optarg, "1.2") == 0 ? LWM2M_V1_2
                                                     : LWM2M_V1_1;
            break;
        case 'F':
            o.format = strcmp(optarg, "tlv") == 0          ? LWM2M_CF_TLV
                       : strcmp(optarg, "senml-json") == 0 ? LWM2M_CF_SENML_JSON
                       : strcmp(optarg, "senml-cbor") == 0 ? LWM2M_CF_SENML_CBOR
                                                           : atoi(optarg);
            break;
        case 'B':
            o.bs_instance = (uint16_t)atoi(optarg);
            break;
        case 'R':
            o.do_register = false;
            break;
        case 'N':
            o.never_answer = optarg;
            break;
        case 'A': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq - optarg >= (long)sizeof answer_step) {
                fprintf(stderr, "epfiot-thing: --answer-code wants STEP=CODE\n");
                return 2;
            }
            memcpy(answer_step, optarg, (size_t)(eq - optarg));
            o.answer_step = answer_step;
            o.answer_code = parse_code(eq + 1);
            break;
        }
        case 'C':
            o.finish_code = parse_code(optarg);
            break;
        case 'n':
            count = atoi(optarg);
            break;
        case 't':
            o.timeout_ms = (unsigned)(atof(optarg) * 1000);
            break;
        case 'q':
            o.verbose = false;
            break;
        case 'D':
            dump = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (count < 1 || count > 100000) {
        fprintf(stderr, "epfiot-thing: --count must be 1..100000\n");
        return 2;
    }
    if (o.dtls && (!o.psk_identity || !o.psk_key)) {
        fprintf(stderr, "epfiot-thing: DTLS needs --psk-identity and --psk-key\n");
        return 2;
    }
    o.port = port >= 0 ? port : o.dtls ? 5684 : 5683;
    if (count > 1)
        o.verbose = false;
    raise_fd_limit(count);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    lwm2m_sim **sims = lwm2m_sim_run(&o, count);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!sims) {
        fprintf(stderr, "epfiot-thing: cannot start (%s)\n", strerror(errno));
        return 1;
    }
    double wall = (b.tv_sec - a.tv_sec) * 1000.0 + (b.tv_nsec - a.tv_nsec) / 1e6;
    int rc = report(sims, count, &o, wall);
    for (size_t i = 0; dump && count == 1 && i < lwm2m_sim_nevents(sims[0]); i++) {
        const lwm2m_sim_event *e = lwm2m_sim_event_at(sims[0], i);
        printf("request %s %s cf=%d ", e->method, e->path, e->content_format);
        for (size_t j = 0; j < e->len; j++)
            printf("%02x", e->payload[j]);
        printf(" -> %d.%02d\n", e->answered / 100, e->answered % 100);
    }
    lwm2m_sim_free_all(sims, count);
    return rc;
}
