/* vmtool.c -- what the end-to-end tests (e2e.test.mjs) do to the private
 * libvirtd behind the daemon's back, through libvirt's C API (no virsh on
 * these machines):
 *
 *   vmtool console URI DOM USER PASSWORD COMMAND [SECS]
 *                                   logs in on DOM's serial console, runs
 *                                   COMMAND and prints its output (between
 *                                   markers); exit 1 when any step times out
 *   vmtool destroy URI DOM          forces DOM off (`virsh destroy`)
 *   vmtool xml URI DOM [inactive]   prints the live (or persistent) domain XML
 *   vmtool doms URI                 names of every domain, one a line
 *   vmtool vols URI POOL            names of the pool's volumes (refreshed)
 *
 * Exit status: 0 done, 1 failed (libvirt's message on stderr), 2 usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000}, NULL);
}

static int fail(const char *what)
{
    const char *msg = virGetLastErrorMessage();
    fprintf(stderr, "vmtool: %s: %s\n", what, msg ? msg : "failed");
    return 1;
}

/* ---- console ------------------------------------------------------------ */

typedef struct console {
    virStreamPtr st;
    char buf[16384];
    size_t len;
} console;

/* Reads what the guest printed until `want` appears (true) or `secs` pass.
 * With `upto`, what came before `want` is copied there. */
static bool console_expect(console *k, const char *want, double secs, char *upto, size_t uptolen)
{
    for (double end = now_s() + secs; now_s() < end;) {
        if (k->len >= sizeof k->buf - 512) { /* keep the tail only */
            memmove(k->buf, k->buf + k->len - 512, 512);
            k->len = 512;
        }
        int r = virStreamRecv(k->st, k->buf + k->len, sizeof k->buf - 1 - k->len);
        if (r == -2)
            sleep_ms(50);
        else if (r <= 0)
            return false;
        else
            k->len += (size_t)r;
        k->buf[k->len] = '\0';
        char *hit = strstr(k->buf, want);
        if (hit) {
            if (upto)
                snprintf(upto, uptolen, "%.*s", (int)(hit - k->buf), k->buf);
            size_t keep = k->len - (size_t)(hit + strlen(want) - k->buf);
            memmove(k->buf, k->buf + k->len - keep, keep);
            k->len = keep;
            return true;
        }
    }
    return false;
}

/* Waits up to `secs` for whichever of wants[0..n) appears first; returns
 * its index, or -1. What came up to the end of the match is consumed. */
static int console_expect_any(console *k, const char *const *wants, int n, double secs)
{
    for (double end = now_s() + secs; now_s() < end;) {
        if (k->len >= sizeof k->buf - 512) {
            memmove(k->buf, k->buf + k->len - 512, 512);
            k->len = 512;
        }
        int r = virStreamRecv(k->st, k->buf + k->len, sizeof k->buf - 1 - k->len);
        if (r == -2)
            sleep_ms(50);
        else if (r <= 0)
            return -1;
        else
            k->len += (size_t)r;
        k->buf[k->len] = '\0';
        char *first = NULL;
        int which = -1;
        for (int i = 0; i < n; i++) {
            char *hit = strstr(k->buf, wants[i]);
            if (hit && (!first || hit < first)) {
                first = hit;
                which = i;
            }
        }
        if (first) {
            size_t keep = k->len - (size_t)(first + strlen(wants[which]) - k->buf);
            memmove(k->buf, k->buf + k->len - keep, keep);
            k->len = keep;
            return which;
        }
    }
    return -1;
}

/* Forgets what the guest printed so far, after `ms` of reading it. */
static void console_drain(console *k, long ms)
{
    console_expect(k, "\001never\001", (double)ms / 1000, NULL, 0);
    k->len = 0;
}

/* Sends all of s (a non-blocking stream may take it in parts). */
static void console_send(console *k, const char *s)
{
    size_t n = strlen(s);
    for (double end = now_s() + 10; n && now_s() < end;) {
        int r = virStreamSend(k->st, s, n);
        if (r == -2) {
            sleep_ms(20);
        } else if (r < 0) {
            return;
        } else {
            s += r;
            n -= (size_t)r;
        }
    }
}

/* Types s one character at a time, as a person would: a line sent at once
 * can arrive while login is switching the terminal's mode, and parts get
 * lost under load. */
static void console_type(console *k, const char *s)
{
    for (; *s; s++) {
        char c[2] = {*s, 0};
        console_send(k, c);
        sleep_ms(30);
    }
}

static int cmd_console(virConnectPtr c, const char *name, const char *user, const char *password,
                       const char *command, double secs)
{
    virDomainPtr dom = virDomainLookupByName(c, name);
    if (!dom)
        return fail(name);
    console k = {.st = virStreamNew(c, VIR_STREAM_NONBLOCK)};
    int rc = 1;
    if (!k.st || virDomainOpenConsole(dom, NULL, k.st, VIR_DOMAIN_CONSOLE_FORCE) != 0) {
        rc = fail("open console");
        goto out;
    }
    /* Log in, again until the deadline if need be: the guest may still be
     * booting (a carriage return makes getty print its prompt again), and
     * busybox's login flushes its input around the password prompt, so a
     * password typed as the prompt appears can be lost under load (then
     * login times out or refuses, and getty starts over). */
    bool in = false;
    double end = now_s() + secs;
    static const char *const after_pw[] = {"$ ", "incorrect", "login: "};
    while (!in && now_s() < end) {
        /* A fresh prompt for each attempt: what is left of an earlier one
         * must not be taken for it. */
        console_drain(&k, 500);
        console_send(&k, "\r");
        if (!console_expect(&k, "login: ", 5, NULL, 0))
            continue;
        /* getty flushes its input as it starts: let it settle, then check
         * the name as it is echoed before entering it. */
        sleep_ms(1000);
        console_type(&k, user);
        if (!console_expect(&k, user, 10, NULL, 0))
            continue;
        console_type(&k, "\r");
        if (!console_expect(&k, "Password: ", 20, NULL, 0))
            continue;
        /* login prints the prompt before it turns echo off and flushes its
         * input: a password typed too early is lost (and then refused). */
        sleep_ms(2500);
        console_type(&k, password);
        console_type(&k, "\r");
        in = console_expect_any(&k, after_pw, 3, 60) == 0;
    }
    if (!in) {
        fprintf(stderr, "vmtool: could not log in within %.0f s\n", secs);
        goto out;
    }
    /* The markers are printed by the shell (split in the command line so
     * that the echo of the line itself does not match). ash asks the
     * terminal where its cursor is before it reads a line; the command is
     * typed once that has passed, and again (after ^C) if it got mangled. */
    char line[4096];
    snprintf(line, sizeof line, "echo '<<'OUT; %s; echo '<<'END\r", command);
    static char out[16384];
    bool done = false;
    while (!done && now_s() < end) {
        sleep_ms(1000);
        console_type(&k, line);
        done = console_expect(&k, "<<OUT", 30, NULL, 0) &&
               console_expect(&k, "<<END", 30, out, sizeof out);
        if (!done)
            console_type(&k, "\003\r");
    }
    if (!done) {
        fprintf(stderr, "vmtool: the command's output did not come\n");
        goto out;
    }
    fputs(out, stdout);
    console_send(&k, "exit\r");
    rc = 0;
out:
    if (k.st) {
        virStreamAbort(k.st);
        virStreamFree(k.st);
    }
    virDomainFree(dom);
    return rc;
}

/* ---- the rest ----------------------------------------------------------- */

static int cmd_destroy(virConnectPtr c, const char *name)
{
    virDomainPtr dom = virDomainLookupByName(c, name);
    int rc = !dom || virDomainDestroy(dom) != 0 ? fail("destroy") : 0;
    if (dom)
        virDomainFree(dom);
    return rc;
}

static int cmd_xml(virConnectPtr c, const char *name, bool inactive)
{
    virDomainPtr dom = virDomainLookupByName(c, name);
    char *xml = dom ? virDomainGetXMLDesc(dom, inactive ? VIR_DOMAIN_XML_INACTIVE : 0) : NULL;
    int rc = xml ? (fputs(xml, stdout), 0) : fail("domain XML");
    free(xml);
    if (dom)
        virDomainFree(dom);
    return rc;
}

static int cmd_doms(virConnectPtr c)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(c, &doms, 0);
    if (n < 0)
        return fail("list domains");
    for (int i = 0; i < n; i++) {
        printf("%s\n", virDomainGetName(doms[i]));
        virDomainFree(doms[i]);
    }
    free(doms);
    return 0;
}

static int cmd_vols(virConnectPtr c, const char *pool)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(c, pool);
    if (!p || virStoragePoolRefresh(p, 0) != 0) {
        if (p)
            virStoragePoolFree(p);
        return fail(pool);
    }
    virStorageVolPtr *vols = NULL;
    int n = virStoragePoolListAllVolumes(p, &vols, 0);
    for (int i = 0; i < n; i++) {
        printf("%s\n", virStorageVolGetName(vols[i]));
        virStorageVolFree(vols[i]);
    }
    free(vols);
    virStoragePoolFree(p);
    return n < 0 ? fail("list volumes") : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: vmtool console URI DOM USER PASSWORD COMMAND [SECS]"
                    " | destroy URI DOM | xml URI DOM [inactive] | doms URI | vols URI POOL\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const char *cmd = argv[1];
    virConnectPtr c = virConnectOpen(argv[2]);
    if (!c)
        return fail(argv[2]);
    int rc;
    if (!strcmp(cmd, "console") && (argc == 7 || argc == 8))
        rc = cmd_console(c, argv[3], argv[4], argv[5], argv[6], argc == 8 ? atof(argv[7]) : 120);
    else if (!strcmp(cmd, "destroy") && argc == 4)
        rc = cmd_destroy(c, argv[3]);
    else if (!strcmp(cmd, "xml") && (argc == 4 || argc == 5))
        rc = cmd_xml(c, argv[3], argc == 5 && !strcmp(argv[4], "inactive"));
    else if (!strcmp(cmd, "doms") && argc == 3)
        rc = cmd_doms(c);
    else if (!strcmp(cmd, "vols") && argc == 4)
        rc = cmd_vols(c, argv[3]);
    else
        rc = usage();
    virConnectClose(c);
    return rc;
}
