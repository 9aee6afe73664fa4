/* lv_probe.c -- does a KVM guest really run here?
 *
 * Domain capabilities can claim KVM on a host where a KVM guest never runs:
 * under nested virtualisation the guest spins before printing anything,
 * and libvirt cannot tell (shared/notes/vm-testing.md). The only reliable
 * test is to boot one: a transient domain with no disk and 32 MiB whose
 * firmware (SeaBIOS, with <bios useserial='yes'/>) prints its banner on
 * the serial console. Its console is read through libvirt
 * (virDomainOpenConsole), so the probe works on a remote host too. Output
 * within the timeout: KVM works. Nothing: the caller falls back to TCG.
 *
 * The console is read by a helper thread with a blocking stream; the
 * domain's destruction at the end closes the console and so ends the read.
 */
#include "lv_internal.h"
#include "xml.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct probe_read {
    virStreamPtr st;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t got; /* printable bytes seen */
    bool done;
} probe_read;

static void *probe_reader(void *arg)
{
    probe_read *r = arg;
    char buf[256];
    for (;;) {
        int n = virStreamRecv(r->st, buf, sizeof buf);
        if (n <= 0)
            break;
        size_t printable = 0;
        for (int i = 0; i < n; i++)
            printable += buf[i] > ' ' && buf[i] < 0x7f;
        pthread_mutex_lock(&r->lock);
        r->got += printable;
        pthread_cond_broadcast(&r->cond);
        pthread_mutex_unlock(&r->lock);
    }
    pthread_mutex_lock(&r->lock);
    r->done = true;
    pthread_cond_broadcast(&r->cond);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

bool lv_guest_probe(virConnectPtr c, const char *virt_type, const char *kernel, unsigned timeout_ms,
                    char *why, size_t whylen)
{
    char name[64];
    snprintf(name, sizeof name, "epfiot-probe-%ld-%ld", (long)getpid(), (long)time(NULL));
    char *xml = dx_probe_domain_xml(name, virt_type, kernel);
    virDomainPtr dom = virDomainCreateXML(c, xml, VIR_DOMAIN_START_PAUSED);
    free(xml);
    if (!dom) {
        snprintf(why, whylen, "a %s probe guest does not start: %s", virt_type,
                 virGetLastErrorMessage());
        virResetLastError();
        return false;
    }
    bool ok = false;
    probe_read r = {.st = virStreamNew(c, 0)};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.cond, NULL);
    pthread_t th;
    bool reading = false;
    if (!r.st || virDomainOpenConsole(dom, NULL, r.st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
        snprintf(why, whylen, "cannot read the %s probe guest's console: %s", virt_type,
                 virGetLastErrorMessage());
        goto out;
    }
    if (pthread_create(&th, NULL, probe_reader, &r) != 0) {
        snprintf(why, whylen, "cannot start the probe's reader thread");
        goto out;
    }
    reading = true;
    if (virDomainResume(dom) < 0) {
        snprintf(why, whylen, "the %s probe guest does not run: %s", virt_type,
                 virGetLastErrorMessage());
        goto out;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&r.lock);
    while (!r.got && !r.done && pthread_cond_timedwait(&r.cond, &r.lock, &deadline) == 0)
        ;
    ok = r.got > 0;
    pthread_mutex_unlock(&r.lock);
    if (!ok)
        snprintf(why, whylen,
                 "a %s probe guest printed nothing on its console in %u s (nested "
                 "virtualisation?)",
                 virt_type, timeout_ms / 1000);
out:
    /* Ends the guest, which closes the console and so the reader's read. */
    virDomainDestroy(dom);
    if (reading) {
        virStreamAbort(r.st);
        pthread_join(th, NULL);
    }
    if (r.st)
        virStreamFree(r.st);
    virDomainFree(dom);
    pthread_cond_destroy(&r.cond);
    pthread_mutex_destroy(&r.lock);
    virResetLastError();
    return ok;
}
