/* fuzz_bs_server.c -- libFuzzer target over the bootstrap server's CoAP
 * request handling: each input is sent as one UDP datagram to a bootstrap
 * server running in this process on loopback (libcoap's parser, then our
 * Bootstrap-Request / Bootstrap-Pack handlers and the session logic: any
 * well-formed endpoint name is a known thing, so sessions start, send their
 * Discover to us and time out after 50 ms). A probe (GET /bspack, always
 * 5.01) follows every input; its answer proves the server read the input
 * and is still serving. The same bytes also go through the Discover
 * payload parser. A server that stops answering aborts the run. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bs_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lwm2m_bs_server *fz_srv;
static int fz_fd = -1;
static uint16_t fz_mid = 0x8000;

static int fz_lookup(const char *ep, lwm2m_bs_thing *t, void *user)
{
    snprintf(t->server_uri, sizeof t->server_uri, "coap://127.0.0.1:5683");
    return 0;
}

static void fz_stop(void)
{
    lwm2m_bs_stop(fz_srv);
    close(fz_fd);
}

static void fz_start(void)
{
    lwm2m_bs_config c;
    lwm2m_bs_config_init(&c);
    c.lookup = fz_lookup;
    c.request_timeout_ms = 50;
    c.max_sessions = 64;
    char err[200];
    fz_srv = lwm2m_bs_start(&c, err, sizeof err);
    if (!fz_srv) {
        fprintf(stderr, "fuzz_bs_server: %s\n", err);
        abort();
    }
    fz_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)lwm2m_bs_port(fz_srv, false))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fz_fd, (struct sockaddr *)&a, sizeof a) != 0)
        abort();
    atexit(fz_stop);
}

/* Sends GET /bspack and waits for its 5.01 (skipping anything else the
 * server sends us: answers to the input, Discover requests). */
static void fz_probe(void)
{
    uint8_t p[] = {0x40, 0x01, 0, 0, 0xb6, 'b', 's', 'p', 'a', 'c', 'k'};
    uint16_t mid = fz_mid++;
    p[2] = (uint8_t)(mid >> 8);
    p[3] = (uint8_t)mid;
    if (send(fz_fd, p, sizeof p, 0) < 0)
        abort();
    for (int tries = 0; tries < 200; tries++) {
        struct pollfd pf = {.fd = fz_fd, .events = POLLIN};
        if (poll(&pf, 1, 100) <= 0)
            continue;
        uint8_t r[1500];
        ssize_t n = recv(fz_fd, r, sizeof r, 0);
        if (n >= 4 && r[1] == ((5 << 5) | 1) && r[2] == p[2] && r[3] == p[3])
            return;
    }
    fprintf(stderr, "fuzz_bs_server: the server stopped answering\n");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_srv)
        fz_start();
    lwm2m_bs_discovery d;
    lwm2m_bs_parse_discover((const char *)data, size, &d);
    if (d.nsecurity > 64 || d.nserver > 64)
        abort();
    if (size > 0 && size <= 1400 && send(fz_fd, data, size, 0) < 0)
        abort();
    fz_probe();
    return 0;
}
