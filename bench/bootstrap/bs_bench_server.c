/* bs_bench_server -- the bootstrap server of bench/bootstrap: lwm2m_bs with
 * an in-memory table of N things (NAME-0 ... NAME-N-1, the names
 * `epfiot-thing --count N -e NAME` uses), all pointed at one LwM2M server.
 * Prints "coap PORT" once listening; on SIGTERM/SIGINT prints the number of
 * bootstraps, the peak of concurrent sessions and the resident memory
 * before the first session and at that peak (from /proc/self/statm), from
 * which run.sh derives the RSS per 1000 active sessions. With --smoke it
 * also exits once N bootstraps completed. */
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bs_server.h"

typedef struct bench {
    const char *prefix;
    int things;
    const char *uri;
    atomic_int ok, failed;
} bench;

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
    (void)sig;
    bench_stop = 1;
}

/* NAME-i with 0 <= i < things: a table lookup, as core's would be. */
static int bench_lookup(const char *ep, lwm2m_bs_thing *t, void *user)
{
    bench *b = user;
    size_t n = strlen(b->prefix);
    if (strncmp(ep, b->prefix, n) != 0 || ep[n] != '-')
        return -1;
    char *end;
    long i = strtol(ep + n + 1, &end, 10);
    if (*end || i < 0 || i >= b->things)
        return -1;
    snprintf(t->server_uri, sizeof t->server_uri, "%s", b->uri);
    return 0;
}

static void bench_outcome(const lwm2m_bs_outcome *o, void *user)
{
    bench *b = user;
    if (o->state == LWM2M_BS_BOOTSTRAPPED)
        atomic_fetch_add(&b->ok, 1);
    else if (o->state == LWM2M_BS_FAILED)
        atomic_fetch_add(&b->failed, 1);
}

static long bench_rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(int argc, char **argv)
{
    bench b = {.prefix = "bench", .things = 1000, .uri = "coap://127.0.0.1:5683"};
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    int smoke = 0, ch;
    static const struct option opts[] = {{"things", required_argument, 0, 'n'},
                                         {"prefix", required_argument, 0, 'e'},
                                         {"server-uri", required_argument, 0, 'u'},
                                         {"port", required_argument, 0, 'p'},
                                         {"smoke", no_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    while ((ch = getopt_long(argc, argv, "n:e:u:p:sh", opts, NULL)) != -1) {
        switch (ch) {
        case 'n':
            b.things = atoi(optarg);
            break;
        case 'e':
            b.prefix = optarg;
            break;
        case 'u':
            b.uri = optarg;
            break;
        case 'p':
            c.coap_port = atoi(optarg);
            break;
        case 's':
            smoke = 1;
            break;
        case 'h':
            printf("usage: bs_bench_server [--things N] [--prefix NAME] [--server-uri URI]\n"
                   "                       [--port PORT] [--smoke]\n");
            return 0;
        default:
            return 2;
        }
    }
    c.lookup = bench_lookup;
    c.outcome = bench_outcome;
    c.user = &b;
    c.max_sessions = (unsigned)b.things + 16;
    char err[200];
    long base = bench_rss_kb();
    lwm2m_bs_server *srv = lwm2m_bs_start(&c, err, sizeof err);
    if (!srv) {
        fprintf(stderr, "bs_bench_server: %s\n", err);
        return 1;
    }
    signal(SIGTERM, bench_on_signal);
    signal(SIGINT, bench_on_signal);
    printf("coap %d\n", lwm2m_bs_port(srv, false));
    fflush(stdout);
    base = bench_rss_kb();
    long peak_rss = base;
    unsigned peak = 0;
    while (!bench_stop && !(smoke && atomic_load(&b.ok) + atomic_load(&b.failed) >= b.things)) {
        unsigned a = lwm2m_bs_active(srv);
        if (a > peak) {
            peak = a;
            peak_rss = bench_rss_kb();
        }
        usleep(1000);
    }
    lwm2m_bs_stop(srv);
    /* CPU time as well as wall time: on a loaded machine the wall time
     * says more about the neighbours than about the server */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bootstrapped %d failed %d peak_sessions %u rss_base_kb %ld rss_peak_kb %ld "
           "cpu_ms %ld\n",
           atomic_load(&b.ok), atomic_load(&b.failed), peak, base, peak_rss,
           (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L);
    return atomic_load(&b.failed) ? 1 : 0;
}
