/* http_testd.c -- the HTTP front serving the test application (testapp.c)
 * as a standalone process, for clients written in other languages: the
 * graphql-http audit (run_audit.sh) drives it with the bearer token
 * TESTAPP_TOKEN.
 *
 * Usage: http_testd [PORT [THREADS]]   (defaults: any free port, 2 threads)
 * Prints "port N" on stdout once listening; stops gracefully on SIGTERM or
 * SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "testapp.h"

int main(int argc, char **argv)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* Blocked before any thread starts, so only sigwait() sees them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    testapp *app = testapp_new();
    if (!app)
        return 1;
    http_config cfg = {.listen_addr = "127.0.0.1",
                       .port = (uint16_t)(argc > 1 ? atoi(argv[1]) : 0),
                       .threads = (unsigned)(argc > 2 ? atoi(argv[2]) : 2)};
    char *err = NULL;
    http_server *srv = http_start(&cfg, &app->app, &err);
    if (!srv) {
        fprintf(stderr, "http_testd: %s\n", err ? err : "cannot start");
        free(err);
        testapp_free(app);
        return 1;
    }
    printf("port %u\n", http_port(srv));
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    http_stop(srv);
    testapp_free(app);
    return 0;
}
