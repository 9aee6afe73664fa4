/* libvirt.c -- the driver table (driver.h) on libvirt's C API.
 *
 * Everything goes through a virConnect: domains, storage volumes (overlays
 * are qcow2 volumes whose backing store is the base image, created by the
 * storage API, seed ISOs are uploaded with a stream), node devices (the
 * host's USB devices) and events. Hence the same code drives a local host,
 * a remote one over qemu+ssh:// and libvirt's in-process test hypervisor,
 * and never runs a command or writes a file itself.
 *
 * XML that goes to libvirt is built by xml.c; XML that comes back (domain,
 * volume, node device, capabilities) is read with libxml2's XPath, the
 * parser libvirt itself uses.
 *
 * Events: libvirt dispatches events from its "default event loop", which
 * is process-wide by libvirt's design. lv_loop_acquire()/lv_loop_release()
 * run one thread for it while at least one handle wants events; that
 * reference count is the only static state here, and it mirrors libvirt's
 * own. A lost connection (libvirtd restarted, ssh dropped) is noticed by the
 * close callback (and keepalive for remote URIs); a timer on the same loop
 * then reopens the URI every second, re-registers the callbacks and reports
 * DRV_EV_RECONNECTED so that core/ reconciles its state with libvirt's.
 *
 * Test hypervisor: libvirt 9.0's test driver cannot attach or detach
 * devices (VIR_ERR_NO_SUPPORT). For a domain that is not running, that
 * change is a change of its persistent definition, so the driver then
 * edits the definition and redefines it -- the same result as
 * VIR_DOMAIN_AFFECT_CONFIG on QEMU. A running domain gets DRV_UNSUPPORTED.
 */
#include "driver.h"
#include "lv_internal.h"
#include "lv_map.h"
#include "test_hooks.h"
#include "xml.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lv_priv {
    pthread_mutex_t lock; /* guards conn (swapped on reconnection) */
    virConnectPtr conn;   /* NULL while disconnected */
    char *uri, *image_pool, *vm_pool, *network, *vm_prefix;
    bool force_tcg, kvm_probe;
    char *kvm_probe_kernel;
    drv_event_fn on_event;
    void *opaque;
    bool loop_held;
    int cb_domain, cb_nodedev; /* callback ids, -1: none */
    int reconnect_timer;       /* -1: none */
    bool closing, in_tick;     /* lv_close waits for a running tick */
    pthread_cond_t tick_done;
    bool virt_known;
    drv_virt virt;
    bool uefi;
    char virt_warning[160];
} lv_priv;

static lv_priv *lv_p(drv *d)
{
    return d->priv;
}

static char *lv_strdup(const char *s)
{
    if (!s)
        return NULL;
    char *r = strdup(s);
    if (!r)
        abort();
    return r;
}

/* ---- Errors ------------------------------------------------------------- */

/* libvirt prints every error to stderr unless told otherwise; the driver
 * reports errors itself, with context. */
static void lv_quiet(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
}

drv_status lv_status_of(int code)
{
    switch (code) {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_NODE_DEVICE:
    case VIR_ERR_NO_NETWORK:
        return DRV_NOT_FOUND;
    case VIR_ERR_OPERATION_INVALID:
        return DRV_CONFLICT;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
    case VIR_ERR_CONFIG_UNSUPPORTED:
        return DRV_UNSUPPORTED;
    case VIR_ERR_INVALID_ARG:
        return DRV_INVALID;
    default:
        return DRV_ERROR;
    }
}

int lv_last_code(void)
{
    virErrorPtr e = virGetLastError();
    return e ? e->code : VIR_ERR_OK;
}

/* Records "<context>: <libvirt's message>" and returns the status that
 * libvirt's error code maps to. */
drv_status lv_fail(drv *d, const char *fmt, ...)
{
    char ctx[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    const char *msg = virGetLastErrorMessage();
    return drv_seterr(d, lv_status_of(lv_last_code()), "%s: %s", ctx, msg);
}

lv_names lv_names_of(drv *d)
{
    lv_priv *p = lv_p(d);
    return (lv_names){p->uri, p->image_pool, p->vm_pool, p->network, p->vm_prefix};
}

/* ---- Event loop (process-wide, reference-counted) ----------------------- */

static pthread_mutex_t lv_loop_lock = PTHREAD_MUTEX_INITIALIZER;
static int lv_loop_users;
static pthread_t lv_loop_thread;
static atomic_bool lv_loop_stop;
static pthread_once_t lv_init_once = PTHREAD_ONCE_INIT;

static void lv_init(void)
{
    /* Must precede the first virConnectOpen for events to work. */
    virEventRegisterDefaultImpl();
    virSetErrorFunc(NULL, lv_quiet);
}

static void *lv_loop_run(void *arg)
{
    (void)arg;
    while (!atomic_load(&lv_loop_stop))
        virEventRunDefaultImpl();
    return NULL;
}

static void lv_loop_wake(int timer, void *opaque)
{
    (void)opaque;
    virEventRemoveTimeout(timer);
}

static bool lv_loop_acquire(void)
{
    bool ok = true;
    pthread_mutex_lock(&lv_loop_lock);
    if (lv_loop_users == 0) {
        atomic_store(&lv_loop_stop, false);
        ok = pthread_create(&lv_loop_thread, NULL, lv_loop_run, NULL) == 0;
    }
    if (ok)
        lv_loop_users++;
    pthread_mutex_unlock(&lv_loop_lock);
    return ok;
}

static void lv_loop_release(void)
{
    pthread_mutex_lock(&lv_loop_lock);
    if (--lv_loop_users == 0) {
        atomic_store(&lv_loop_stop, true);
        /* virEventRunDefaultImpl sleeps in poll(); a zero timeout makes
         * it return so that the thread sees the flag. */
        virEventAddTimeout(0, lv_loop_wake, NULL, NULL);
        pthread_join(lv_loop_thread, NULL);
    }
    pthread_mutex_unlock(&lv_loop_lock);
}

/* ---- Connection --------------------------------------------------------- */

/* A reference to the current connection, or NULL (with an error recorded)
 * while it is being re-established. Release with virConnectClose. */
virConnectPtr lv_get(drv *d)
{
    lv_priv *p = lv_p(d);
    pthread_mutex_lock(&p->lock);
    virConnectPtr c = p->conn;
    if (c)
        virConnectRef(c);
    pthread_mutex_unlock(&p->lock);
    if (!c)
        drv_seterr(d, DRV_ERROR, "not connected to %s (reconnecting)", p->uri);
    return c;
}

static void lv_emit(drv *d, drv_event_type type, const char *name, const char *uuid,
                    drv_vm_state state)
{
    lv_priv *p = lv_p(d);
    if (!p->on_event)
        return;
    drv_event ev = {.type = type, .name = name, .uuid = uuid, .state = state};
    p->on_event(&ev, p->opaque);
}

drv_vm_state lv_state_of(int state, int reason)
{
    switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
        return DRV_VM_RUNNING;
    case VIR_DOMAIN_PAUSED:
        return DRV_VM_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
        return DRV_VM_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:
        return reason == VIR_DOMAIN_SHUTOFF_CRASHED || reason == VIR_DOMAIN_SHUTOFF_FAILED
                   ? DRV_VM_CRASHED
                   : DRV_VM_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
        return DRV_VM_CRASHED;
    default:
        return DRV_VM_OTHER;
    }
}

bool lv_event_of(int event, int detail, drv_event_type *type, drv_vm_state *state)
{
    *type = DRV_EV_VM_STATE;
    switch (event) {
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_RESUMED:
        *state = DRV_VM_RUNNING;
        return true;
    case VIR_DOMAIN_EVENT_SUSPENDED:
        *state = DRV_VM_PAUSED;
        return true;
    case VIR_DOMAIN_EVENT_STOPPED:
        /* A guest that died (or whose QEMU did) is not one that was shut
         * down: the API shows it as crashed until it is started again. */
        *state =
            detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED || detail == VIR_DOMAIN_EVENT_STOPPED_FAILED
                ? DRV_VM_CRASHED
                : DRV_VM_SHUTOFF;
        return true;
    case VIR_DOMAIN_EVENT_CRASHED:
        *state = DRV_VM_CRASHED;
        return true;
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
        *state = DRV_VM_OTHER;
        return true;
    case VIR_DOMAIN_EVENT_UNDEFINED:
        *type = DRV_EV_VM_UNDEFINED;
        *state = DRV_VM_SHUTOFF;
        return true;
    default:
        /* DEFINED and SHUTDOWN (the guest finished shutting down; STOPPED
         * follows) change nothing the API shows. */
        return false;
    }
}

static int lv_on_domain(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    drv_event_type type;
    drv_vm_state st;
    if (!lv_event_of(event, detail, &type, &st))
        return 0;
    char uuid[VIR_UUID_STRING_BUFLEN] = "";
    virDomainGetUUIDString(dom, uuid);
    lv_emit(opaque, type, virDomainGetName(dom), uuid, st);
    return 0;
}

static void lv_on_nodedev(virConnectPtr conn, virNodeDevicePtr dev, int event, int detail,
                          void *opaque)
{
    (void)conn;
    (void)detail;
    const char *name = virNodeDeviceGetName(dev);
    /* Node device names of USB devices and interfaces start with "usb_"
     * (libvirt's udev backend); a deleted device can no longer be asked
     * for its capabilities, so the name is what there is. */
    if (!name || strncmp(name, "usb_", 4) != 0)
        return;
    if (event == VIR_NODE_DEVICE_EVENT_CREATED)
        lv_emit(opaque, DRV_EV_USB_ADDED, name, NULL, DRV_VM_SHUTOFF);
    else if (event == VIR_NODE_DEVICE_EVENT_DELETED)
        lv_emit(opaque, DRV_EV_USB_REMOVED, name, NULL, DRV_VM_SHUTOFF);
}

static void lv_on_close(virConnectPtr conn, int reason, void *opaque);

static void lv_register(drv *d, virConnectPtr c)
{
    lv_priv *p = lv_p(d);
    p->cb_domain = virConnectDomainEventRegisterAny(
        c, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(lv_on_domain), d, NULL);
    p->cb_nodedev = virConnectNodeDeviceEventRegisterAny(
        c, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, VIR_NODE_DEVICE_EVENT_CALLBACK(lv_on_nodedev),
        d, NULL);
    virConnectRegisterCloseCallback(c, lv_on_close, d, NULL);
    /* Remote connections only notice a dead peer through keepalive; local
     * and test connections do not support it, which is fine. */
    virConnectSetKeepAlive(c, 5, 3);
    virResetLastError();
}

static void lv_unregister(drv *d, virConnectPtr c)
{
    lv_priv *p = lv_p(d);
    if (p->cb_domain >= 0)
        virConnectDomainEventDeregisterAny(c, p->cb_domain);
    if (p->cb_nodedev >= 0)
        virConnectNodeDeviceEventDeregisterAny(c, p->cb_nodedev);
    virConnectUnregisterCloseCallback(c, lv_on_close);
    p->cb_domain = p->cb_nodedev = -1;
    virResetLastError();
}

/* Timer on the event loop: one reconnection attempt per tick. lv_close may
 * run at the same time on another thread; `closing` and `in_tick` keep the
 * handle alive until the tick is done with it. */
static void lv_reconnect_tick(int timer, void *opaque)
{
    drv *d = opaque;
    lv_priv *p = lv_p(d);
    pthread_mutex_lock(&p->lock);
    bool closing = p->closing;
    p->in_tick = !closing;
    pthread_mutex_unlock(&p->lock);
    if (closing)
        return;
    virConnectPtr fresh = virConnectOpen(p->uri);
    virConnectPtr old = NULL;
    pthread_mutex_lock(&p->lock);
    if (fresh && !p->closing) {
        virEventRemoveTimeout(timer);
        old = p->conn;
        p->conn = fresh;
        p->reconnect_timer = -1;
    }
    pthread_mutex_unlock(&p->lock);
    if (fresh && p->conn == fresh) {
        if (old) {
            lv_unregister(d, old);
            virConnectClose(old);
        }
        lv_register(d, fresh);
        lv_emit(d, DRV_EV_RECONNECTED, NULL, NULL, DRV_VM_SHUTOFF);
    } else if (fresh) {
        virConnectClose(fresh);
    }
    virResetLastError();
    pthread_mutex_lock(&p->lock);
    p->in_tick = false;
    pthread_cond_broadcast(&p->tick_done);
    pthread_mutex_unlock(&p->lock);
}

static void lv_on_close(virConnectPtr conn, int reason, void *opaque)
{
    (void)conn;
    drv *d = opaque;
    lv_priv *p = lv_p(d);
    if (reason == VIR_CONNECT_CLOSE_REASON_CLIENT)
        return; /* we closed it ourselves */
    lv_emit(d, DRV_EV_DISCONNECTED, NULL, NULL, DRV_VM_SHUTOFF);
    /* The callback must not close the connection; the timer replaces it. */
    pthread_mutex_lock(&p->lock);
    if (p->reconnect_timer < 0 && !p->closing)
        p->reconnect_timer = virEventAddTimeout(1000, lv_reconnect_tick, d, NULL);
    pthread_mutex_unlock(&p->lock);
}

static drv_status lv_open(drv *d, const drv_options *o)
{
    pthread_once(&lv_init_once, lv_init);
    lv_priv *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    d->priv = p;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->tick_done, NULL);
    p->cb_domain = p->cb_nodedev = p->reconnect_timer = -1;
    p->uri = lv_strdup(o->uri);
    p->image_pool = lv_strdup(o->image_pool ? o->image_pool : "default");
    p->vm_pool = lv_strdup(o->vm_pool ? o->vm_pool : p->image_pool);
    p->network = lv_strdup(o->network ? o->network : "default");
    p->vm_prefix = lv_strdup(o->vm_prefix ? o->vm_prefix : "epfiot-vm-");
    p->force_tcg = o->force_tcg;
    p->kvm_probe = o->kvm_probe;
    p->kvm_probe_kernel = lv_strdup(o->kvm_probe_kernel);
    p->on_event = o->on_event;
    p->opaque = o->opaque;
    if (p->on_event) {
        if (!lv_loop_acquire())
            return drv_seterr(d, DRV_ERROR, "cannot start the libvirt event thread");
        p->loop_held = true;
    }
    p->conn = virConnectOpen(p->uri);
    if (!p->conn)
        return lv_fail(d, "cannot connect to %s", p->uri);
    if (p->on_event)
        lv_register(d, p->conn);
    return DRV_OK;
}

static void lv_close(drv *d)
{
    lv_priv *p = lv_p(d);
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    while (p->in_tick)
        pthread_cond_wait(&p->tick_done, &p->lock);
    if (p->reconnect_timer >= 0)
        virEventRemoveTimeout(p->reconnect_timer);
    p->reconnect_timer = -1;
    pthread_mutex_unlock(&p->lock);
    if (p->conn) {
        if (p->on_event)
            lv_unregister(d, p->conn);
        virConnectClose(p->conn);
    }
    /* Only after the callbacks are gone may the loop stop: a callback in
     * flight finishes before virConnect*Deregister returns. */
    if (p->loop_held)
        lv_loop_release();
    pthread_cond_destroy(&p->tick_done);
    pthread_mutex_destroy(&p->lock);
    free(p->uri);
    free(p->image_pool);
    free(p->vm_pool);
    free(p->network);
    free(p->vm_prefix);
    free(p->kvm_probe_kernel);
    free(p);
    d->priv = NULL;
}

/* ---- XML reading ------------------------------------------------------- */

xmlDocPtr lv_xml_parse(const char *text)
{
    if (!text)
        return NULL;
    return xmlReadMemory(text, (int)strlen(text), "libvirt.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The string value of an XPath expression relative to `node` (the document
 * root when NULL); malloc'ed, NULL when empty. */
char *lv_xpath_str(xmlDocPtr doc, xmlNodePtr node, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx)
        abort();
    ctx->node = node ? node : xmlDocGetRootElement(doc);
    char wrapped[256];
    snprintf(wrapped, sizeof wrapped, "string(%s)", expr);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST wrapped, ctx);
    char *r = NULL;
    if (obj && obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
        r = lv_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return r;
}

static unsigned long long lv_xpath_num(xmlDocPtr doc, xmlNodePtr node, const char *expr, int base)
{
    char *s = lv_xpath_str(doc, node, expr);
    unsigned long long v = s ? strtoull(s, NULL, base) : 0;
    free(s);
    return v;
}

/* Nodes matching expr (relative to the root); free with xmlXPathFreeObject. */
static xmlXPathObjectPtr lv_xpath_nodes(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx)
        abort();
    ctx->node = xmlDocGetRootElement(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    return obj;
}

static int lv_nodeset_len(xmlXPathObjectPtr obj)
{
    return obj && obj->nodesetval ? obj->nodesetval->nodeNr : 0;
}

/* ---- Host --------------------------------------------------------------- */

/* Which domain type to create. Domain capabilities say whether the host
 * offers KVM; the test hypervisor has none and its own type. */
static void lv_probe_virt_locked(drv *d, virConnectPtr c);

static void lv_probe_virt(drv *d, virConnectPtr c)
{
    lv_priv *p = lv_p(d);
    pthread_mutex_lock(&p->lock);
    if (!p->virt_known)
        lv_probe_virt_locked(d, c);
    pthread_mutex_unlock(&p->lock);
}

static void lv_probe_virt_locked(drv *d, virConnectPtr c)
{
    lv_priv *p = lv_p(d);
    const char *type = virConnectGetType(c);
    p->virt_warning[0] = '\0';
    p->uefi = false;
    if (type && strcmp(type, "TEST") == 0) {
        p->virt = DRV_VIRT_TEST;
    } else {
        char *caps =
            p->force_tcg ? NULL : virConnectGetDomainCapabilities(c, NULL, NULL, NULL, "kvm", 0);
        p->virt = caps ? DRV_VIRT_KVM : DRV_VIRT_TCG;
        /* Claimed is not working (nested virtualisation): boot a probe. */
        char why[96] = ""; /* fits in the 160-byte warning below */
        if (caps && p->kvm_probe) {
            char *kernel = p->kvm_probe_kernel ? lv_image_path(d, c, p->kvm_probe_kernel) : NULL;
            if (p->kvm_probe_kernel && !kernel)
                snprintf(why, sizeof why, "the probe kernel %s is not in pool %s",
                         p->kvm_probe_kernel, p->image_pool);
            else if (!lv_guest_probe(c, "kvm", kernel, 10000, why, sizeof why)) {
                free(caps);
                caps = NULL;
                p->virt = DRV_VIRT_TCG;
            }
            free(kernel);
        }
        if (!caps)
            caps = virConnectGetDomainCapabilities(c, NULL, NULL, NULL, "qemu", 0);
        xmlDocPtr doc = lv_xml_parse(caps);
        if (doc) {
            char *efi = lv_xpath_str(doc, NULL,
                                     "/domainCapabilities/os/enum[@name='firmware']"
                                     "/value[text()='efi']");
            p->uefi = efi != NULL;
            free(efi);
            xmlFreeDoc(doc);
        }
        free(caps);
        if (p->virt == DRV_VIRT_TCG && why[0])
            snprintf(p->virt_warning, sizeof p->virt_warning,
                     "KVM is claimed but %s; VMs run under TCG emulation", why);
        else if (p->virt == DRV_VIRT_TCG)
            snprintf(p->virt_warning, sizeof p->virt_warning, "%s",
                     p->force_tcg ? "KVM disabled by configuration; VMs run under TCG emulation"
                                  : "KVM is not available on this host; VMs run under TCG "
                                    "emulation (much slower)");
    }
    virResetLastError();
    p->virt_known = true;
}

static drv_status lv_host_info(drv *d, drv_host_info *out)
{
    *out = (drv_host_info){0};
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virNodeInfo ni;
    if (virNodeGetInfo(c, &ni) < 0) {
        st = lv_fail(d, "cannot read host information from %s", lv_p(d)->uri);
        goto out;
    }
    lv_probe_virt(d, c);
    out->virt = lv_p(d)->virt;
    out->uefi_available = lv_p(d)->uefi;
    snprintf(out->warning, sizeof out->warning, "%s", lv_p(d)->virt_warning);
    out->cpus = ni.cpus;
    out->memory_mib = ni.memory / 1024;
    unsigned long long free_bytes = virNodeGetFreeMemory(c);
    out->free_memory_mib = free_bytes / (1024 * 1024);
    virResetLastError();
out:
    virConnectClose(c);
    return st;
}

/* ---- Images ------------------------------------------------------------- */

static bool lv_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Name, format and capacity of a volume. */
drv_status lv_volume_read(drv *d, virStorageVolPtr vol, drv_image *out, char **path)
{
    char *xml = virStorageVolGetXMLDesc(vol, 0);
    xmlDocPtr doc = lv_xml_parse(xml);
    free(xml);
    if (!doc)
        return lv_fail(d, "cannot read volume %s", virStorageVolGetName(vol));
    out->name = lv_strdup(virStorageVolGetName(vol));
    out->format = lv_xpath_str(doc, NULL, "/volume/target/format/@type");
    if (!out->format)
        out->format = lv_strdup("raw");
    out->capacity_bytes = lv_xpath_num(doc, NULL, "/volume/capacity", 10);
    if (path)
        *path = lv_xpath_str(doc, NULL, "/volume/target/path");
    xmlFreeDoc(doc);
    return DRV_OK;
}

static virStoragePoolPtr lv_pool(drv *d, virConnectPtr c, const char *name)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, name);
    if (!pool)
        lv_fail(d, "cannot open storage pool %s", name);
    return pool;
}

static drv_status lv_image_list(drv *d, drv_image **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    lv_priv *p = lv_p(d);
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virStorageVolPtr *vols = NULL;
    int nvols = 0;
    virStoragePoolPtr pool = lv_pool(d, c, p->image_pool);
    if (!pool) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    /* Images are copied into the pool's directory by an administrator;
     * a refresh makes libvirt see new ones. Not every pool type can. */
    virStoragePoolRefresh(pool, 0);
    nvols = virStoragePoolListAllVolumes(pool, &vols, 0);
    if (nvols < 0) {
        st = lv_fail(d, "cannot list the volumes of pool %s", p->image_pool);
        goto out;
    }
    *list = calloc((size_t)nvols + 1, sizeof **list);
    if (!*list)
        abort();
    for (int i = 0; i < nvols; i++) {
        const char *name = virStorageVolGetName(vols[i]);
        if (lv_has_prefix(name, p->vm_prefix) || !drv_name_valid(name))
            continue; /* a VM's own volume, or a name no API user could give */
        if (lv_volume_read(d, vols[i], &(*list)[*n], NULL) != DRV_OK)
            continue;
        /* A kernel or initramfs for direct boot is a raw volume to libvirt,
         * never a base image. */
        if (strcmp((*list)[*n].format, "raw") == 0 && !lv_volume_is_disk(c, vols[i]))
            drv_image_clear(&(*list)[*n]);
        else
            (*n)++;
    }
out:
    for (int i = 0; i < nvols; i++)
        virStorageVolFree(vols[i]);
    free(vols);
    if (pool)
        virStoragePoolFree(pool);
    virConnectClose(c);
    virResetLastError();
    return st;
}

/* Looks up a base image by (already validated) name; *vol_out and *path
 * are optional. Volumes of VMs are never base images, even by name. */
static drv_status lv_image_find(drv *d, virConnectPtr c, const char *name, drv_image *out,
                                char **path)
{
    lv_priv *p = lv_p(d);
    if (lv_has_prefix(name, p->vm_prefix))
        return drv_seterr(d, DRV_NOT_FOUND, "no base image %s in pool %s", name, p->image_pool);
    virStoragePoolPtr pool = lv_pool(d, c, p->image_pool);
    if (!pool)
        return lv_status_of(lv_last_code());
    drv_status st = DRV_OK;
    virStorageVolPtr vol = virStorageVolLookupByName(pool, name);
    if (!vol)
        st = drv_seterr(d, DRV_NOT_FOUND, "no base image %s in pool %s", name, p->image_pool);
    else
        st = lv_volume_read(d, vol, out, path);
    if (vol)
        virStorageVolFree(vol);
    virStoragePoolFree(pool);
    virResetLastError();
    return st;
}

static drv_status lv_image_get(drv *d, const char *name, drv_image *out)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = lv_image_find(d, c, name, out, NULL);
    virConnectClose(c);
    return st;
}

/* ---- USB devices -------------------------------------------------------- */

/* The last component of a sysfs path, when it is a USB port path such as
 * "1-2.3" (root hubs end in "usb1"). */
char *lv_port_of(const char *path)
{
    if (!path)
        return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base || !strchr(base, '-') || strspn(base, "0123456789-.") != strlen(base))
        return NULL;
    return lv_strdup(base);
}

/* Node devices that are hubs: USB interfaces of class 9 name their device
 * as parent. */
static char **lv_hub_names(virConnectPtr c, size_t *n)
{
    *n = 0;
    virNodeDevicePtr *ifs = NULL;
    int nifs =
        virConnectListAllNodeDevices(c, &ifs, VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_INTERFACE);
    char **hubs = calloc(nifs > 0 ? (size_t)nifs : 1, sizeof *hubs);
    if (!hubs)
        abort();
    for (int i = 0; i < nifs; i++) {
        char *xml = virNodeDeviceGetXMLDesc(ifs[i], 0);
        xmlDocPtr doc = lv_xml_parse(xml);
        free(xml);
        if (doc && lv_xpath_num(doc, NULL, "/device/capability[@type='usb']/class", 10) == 9)
            hubs[(*n)++] = lv_xpath_str(doc, NULL, "/device/parent");
        xmlFreeDoc(doc);
        virNodeDeviceFree(ifs[i]);
    }
    free(ifs);
    virResetLastError();
    return hubs;
}

static bool lv_in(char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return true;
    return false;
}

/* Root hubs are Linux Foundation (1d6b) devices; other hubs are known by
 * their interface class. Neither can be passed through usefully. */
#define LV_USB_VENDOR_LINUX 0x1d6b

/* One USB device from its node-device XML (name: the node device's). */
static bool lv_usb_read_xml(const char *name, const char *xml, drv_usb *u)
{
    xmlDocPtr doc = lv_xml_parse(xml);
    if (!doc)
        return false;
    const char *cap = "/device/capability[@type='usb_device']";
    char expr[128];
#define LV_CAP(sub) (snprintf(expr, sizeof expr, "%s/%s", cap, sub), expr)
    *u = (drv_usb){0};
    u->nodedev = lv_strdup(name);
    u->vendor = (unsigned)lv_xpath_num(doc, NULL, LV_CAP("vendor/@id"), 16);
    u->product = (unsigned)lv_xpath_num(doc, NULL, LV_CAP("product/@id"), 16);
    u->vendor_name = lv_xpath_str(doc, NULL, LV_CAP("vendor"));
    u->product_name = lv_xpath_str(doc, NULL, LV_CAP("product"));
    /* libvirt 9 does not report serial numbers; read one if a later
     * version does. */
    u->serial = lv_xpath_str(doc, NULL, LV_CAP("serial"));
    u->bus = (unsigned)lv_xpath_num(doc, NULL, LV_CAP("bus"), 10);
    u->device = (unsigned)lv_xpath_num(doc, NULL, LV_CAP("device"), 10);
    char *path = lv_xpath_str(doc, NULL, "/device/path");
    u->port = lv_port_of(path);
    free(path);
#undef LV_CAP
    xmlFreeDoc(doc);
    return true;
}

static bool lv_usb_read(virNodeDevicePtr dev, drv_usb *u)
{
    char *xml = virNodeDeviceGetXMLDesc(dev, 0);
    bool ok = xml && lv_usb_read_xml(virNodeDeviceGetName(dev), xml, u);
    free(xml);
    return ok;
}

#ifdef EPFIOT_TEST_HOOKS
/* Test-only (epfiotd-hooks): the recorded node devices named by
 * EPFIOT_TEST_USB_NODEDEVS (node-device XML files, `virsh nodedev-dumpxml`
 * form, separated by ':') are listed as if the host had them, for the
 * real-VM tests on a host without a USB subsystem. Everything after the
 * listing (resolving, attaching, detaching) is the real path; libvirt then
 * says what it can do with a device the kernel does not have. */
static void lv_usb_recorded(drv_usb **list, size_t *n, size_t *cap)
{
    const char *env = getenv("EPFIOT_TEST_USB_NODEDEVS");
    if (!env || !*env)
        return;
    char *files = lv_strdup(env), *save = NULL;
    for (char *f = strtok_r(files, ":", &save); f; f = strtok_r(NULL, ":", &save)) {
        FILE *fp = fopen(f, "r");
        if (!fp)
            continue;
        char buf[16384];
        size_t len = fread(buf, 1, sizeof buf - 1, fp);
        fclose(fp);
        buf[len] = 0;
        xmlDocPtr doc = lv_xml_parse(buf);
        char *name = doc ? lv_xpath_str(doc, NULL, "/device/name") : NULL;
        if (doc)
            xmlFreeDoc(doc);
        if (name) {
            if (*n == *cap) {
                *cap = *cap * 2 + 4;
                *list = realloc(*list, *cap * sizeof **list);
                if (!*list)
                    abort();
            }
            if (lv_usb_read_xml(name, buf, &(*list)[*n]))
                (*n)++;
        }
        free(name);
    }
    free(files);
}
#endif

static drv_status lv_usb_list_on(drv *d, virConnectPtr c, drv_usb **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    virNodeDevicePtr *devs = NULL;
    int ndevs = virConnectListAllNodeDevices(c, &devs, VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV);
    if (ndevs < 0)
        return lv_fail(d, "cannot list the USB devices of %s", lv_p(d)->uri);
    size_t nhubs;
    char **hubs = lv_hub_names(c, &nhubs);
    *list = calloc((size_t)ndevs + 1, sizeof **list);
    if (!*list)
        abort();
    for (int i = 0; i < ndevs; i++) {
        drv_usb *u = &(*list)[*n];
        if (lv_usb_read(devs[i], u)) {
            if (u->vendor == LV_USB_VENDOR_LINUX || lv_in(hubs, nhubs, u->nodedev))
                drv_usb_clear(u);
            else
                (*n)++;
        }
        virNodeDeviceFree(devs[i]);
    }
    free(devs);
    drv_name_list_free(hubs, nhubs);
#ifdef EPFIOT_TEST_HOOKS
    size_t cap = (size_t)ndevs + 1;
    lv_usb_recorded(list, n, &cap);
#endif
    return DRV_OK;
}

static drv_status lv_usb_list(drv *d, drv_usb **list, size_t *n)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = lv_usb_list_on(d, c, list, n);
    virConnectClose(c);
    return st;
}

static bool lv_usb_matches(const drv_usb *u, const drv_usb_sel *sel)
{
    if (u->vendor != sel->vendor || u->product != sel->product)
        return false;
    if (sel->serial && (!u->serial || strcmp(u->serial, sel->serial) != 0))
        return false;
    if (sel->port && (!u->port || strcmp(u->port, sel->port) != 0))
        return false;
    return true;
}

/* Resolves a selector against the host's devices into the hostdev model:
 * vendor/product, plus the current bus/device only when identical devices
 * are plugged in (then libvirt needs the address to tell them apart). */
static drv_status lv_usb_resolve(drv *d, virConnectPtr c, const char *vm, const drv_usb_sel *sel,
                                 dx_usb *out)
{
    drv_usb *list;
    size_t n;
    drv_status st = lv_usb_list_on(d, c, &list, &n);
    if (st != DRV_OK)
        return st;
    size_t matches = 0, same_model = 0, pick = 0;
    for (size_t i = 0; i < n; i++) {
        if (list[i].vendor == sel->vendor && list[i].product == sel->product)
            same_model++;
        if (lv_usb_matches(&list[i], sel)) {
            if (matches++ == 0)
                pick = i;
        }
    }
    char id[16];
    snprintf(id, sizeof id, "%04x:%04x", sel->vendor & 0xffff, sel->product & 0xffff);
    if (matches == 0) {
        st = drv_seterr(d, DRV_NOT_FOUND,
                        "cannot attach device %s%s%s%s%s to %s: no such USB device on the host", id,
                        sel->serial ? " serial " : "", sel->serial ? sel->serial : "",
                        sel->port ? " port " : "", sel->port ? sel->port : "", vm);
    } else if (matches > 1) {
        st = drv_seterr(d, DRV_CONFLICT,
                        "cannot attach device %s to %s: %zu identical devices are plugged in; "
                        "choose one by port (e.g. %s)",
                        id, vm, matches, list[pick].port ? list[pick].port : "?");
    } else {
        *out = (dx_usb){.vendor = sel->vendor, .product = sel->product, .optional = true};
        if (same_model > 1) {
            out->bus = list[pick].bus;
            out->device = list[pick].device;
        }
    }
    drv_usb_list_free(list, n);
    return st;
}

/* ---- Domains ------------------------------------------------------------ */

static virDomainPtr lv_domain(drv *d, virConnectPtr c, const char *name, const char *verb)
{
    virDomainPtr dom = virDomainLookupByName(c, name);
    if (!dom)
        lv_fail(d, "cannot %s %s", verb, name);
    return dom;
}

/* The simple operations: the state each needs, checked first so that a
 * wrong state is DRV_CONFLICT with the same message on every hypervisor
 * (libvirt drivers disagree on the error code). */
typedef int (*lv_dom_fn)(virDomainPtr dom);

typedef struct lv_simple_op {
    const char *verb;
    lv_dom_fn fn;
    unsigned allowed;    /* bit mask of drv_vm_state */
    const char *refusal; /* why not, in the other states */
} lv_simple_op;

#define LV_IN(s) (1u << (s))

static int lv_shutdown_acpi(virDomainPtr dom)
{
    if (virDomainShutdownFlags(dom, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) == 0)
        return 0;
    /* Hypervisors that cannot choose the method (the test driver) take
     * the default one. */
    if (lv_last_code() != VIR_ERR_INVALID_ARG && lv_last_code() != VIR_ERR_NO_SUPPORT)
        return -1;
    return virDomainShutdown(dom);
}

static const lv_simple_op lv_op_start = {
    "start", virDomainCreate, LV_IN(DRV_VM_SHUTOFF) | LV_IN(DRV_VM_CRASHED), "it is running"};
static const lv_simple_op lv_op_shutdown = {"shut down", lv_shutdown_acpi,
                                            LV_IN(DRV_VM_RUNNING) | LV_IN(DRV_VM_PAUSED) |
                                                LV_IN(DRV_VM_SHUTTING_DOWN) | LV_IN(DRV_VM_OTHER),
                                            "it is not running"};
static const lv_simple_op lv_op_force_off = {"force off", virDomainDestroy,
                                             LV_IN(DRV_VM_RUNNING) | LV_IN(DRV_VM_PAUSED) |
                                                 LV_IN(DRV_VM_SHUTTING_DOWN) | LV_IN(DRV_VM_OTHER),
                                             "it is not running"};
static const lv_simple_op lv_op_suspend = {"suspend", virDomainSuspend, LV_IN(DRV_VM_RUNNING),
                                           "it is not running"};
static const lv_simple_op lv_op_resume = {"resume", virDomainResume, LV_IN(DRV_VM_PAUSED),
                                          "it is not paused"};

static drv_status lv_simple(drv *d, const char *name, const lv_simple_op *op)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    int state, reason;
    virDomainPtr dom = lv_domain(d, c, name, op->verb);
    if (!dom)
        st = lv_status_of(lv_last_code());
    else if (virDomainGetState(dom, &state, &reason, 0) < 0)
        st = lv_fail(d, "cannot %s %s", op->verb, name);
    else if (!(op->allowed & LV_IN(lv_state_of(state, reason))))
        st = drv_seterr(d, DRV_CONFLICT, "cannot %s %s: %s", op->verb, name, op->refusal);
    else if (op->fn(dom) < 0)
        st = lv_fail(d, "cannot %s %s", op->verb, name);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

static drv_status lv_vm_start(drv *d, const char *name)
{
    return lv_simple(d, name, &lv_op_start);
}

static drv_status lv_vm_shutdown(drv *d, const char *name)
{
    return lv_simple(d, name, &lv_op_shutdown);
}

static drv_status lv_vm_force_off(drv *d, const char *name)
{
    return lv_simple(d, name, &lv_op_force_off);
}

static drv_status lv_vm_suspend(drv *d, const char *name)
{
    return lv_simple(d, name, &lv_op_suspend);
}

static drv_status lv_vm_resume(drv *d, const char *name)
{
    return lv_simple(d, name, &lv_op_resume);
}

static drv_status lv_info_of(drv *d, virDomainPtr dom, drv_vm_info *out)
{
    *out = (drv_vm_info){0};
    int state, reason;
    virDomainInfo info;
    if (virDomainGetState(dom, &state, &reason, 0) < 0 || virDomainGetInfo(dom, &info) < 0)
        return lv_fail(d, "cannot read the state of %s", virDomainGetName(dom));
    out->name = lv_strdup(virDomainGetName(dom));
    virDomainGetUUIDString(dom, out->uuid);
    out->state = lv_state_of(state, reason);
    out->memory_mib = info.memory / 1024;
    out->max_memory_mib = info.maxMem / 1024;
    int cur = virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CURRENT);
    int max = virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM);
    out->vcpus = cur > 0 ? (unsigned)cur : info.nrVirtCpu;
    out->max_vcpus = max > 0 ? (unsigned)max : out->vcpus;
    virResetLastError();
    return DRV_OK;
}

static drv_status lv_vm_info(drv *d, const char *name, drv_vm_info *out)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st;
    virDomainPtr dom = lv_domain(d, c, name, "read the state of");
    if (!dom)
        st = lv_status_of(lv_last_code());
    else
        st = lv_info_of(d, dom, out);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

static drv_status lv_vm_list(drv *d, const char *prefix, drv_vm_info **list, size_t *n)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    virDomainPtr *doms = NULL;
    int ndoms = virConnectListAllDomains(c, &doms, 0);
    drv_status st = DRV_OK;
    if (ndoms < 0) {
        st = lv_fail(d, "cannot list the domains of %s", lv_p(d)->uri);
        goto out;
    }
    *list = calloc((size_t)ndoms + 1, sizeof **list);
    if (!*list)
        abort();
    for (int i = 0; i < ndoms; i++) {
        /* A domain that vanishes while we look is simply not listed. */
        if (lv_has_prefix(virDomainGetName(doms[i]), prefix) &&
            lv_info_of(d, doms[i], &(*list)[*n]) == DRV_OK)
            (*n)++;
        virDomainFree(doms[i]);
    }
    free(doms);
    d->err[0] = '\0';
out:
    virConnectClose(c);
    return st;
}

static drv_status lv_vm_xml_on(drv *d, virDomainPtr dom, bool inactive_def, char **xml)
{
    *xml = virDomainGetXMLDesc(dom, inactive_def ? VIR_DOMAIN_XML_INACTIVE : 0);
    if (!*xml)
        return lv_fail(d, "cannot read the definition of %s", virDomainGetName(dom));
    return DRV_OK;
}

static drv_status lv_vm_xml(drv *d, const char *name, bool inactive_def, char **xml)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st;
    virDomainPtr dom = lv_domain(d, c, name, "read the definition of");
    if (!dom)
        st = lv_status_of(lv_last_code());
    else
        st = lv_vm_xml_on(d, dom, inactive_def, xml);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

/* ---- Volumes of VMs ----------------------------------------------------- */

static drv_status lv_volume_list_on(drv *d, virConnectPtr c, const char *prefix, char ***names,
                                    size_t *n)
{
    *names = NULL;
    *n = 0;
    virStoragePoolPtr pool = lv_pool(d, c, lv_p(d)->vm_pool);
    if (!pool)
        return lv_status_of(lv_last_code());
    virStorageVolPtr *vols = NULL;
    int nvols = virStoragePoolListAllVolumes(pool, &vols, 0);
    drv_status st = DRV_OK;
    if (nvols < 0) {
        st = lv_fail(d, "cannot list the volumes of pool %s", lv_p(d)->vm_pool);
        nvols = 0;
    }
    *names = calloc((size_t)nvols + 1, sizeof **names);
    if (!*names)
        abort();
    for (int i = 0; i < nvols; i++) {
        const char *name = virStorageVolGetName(vols[i]);
        if (lv_has_prefix(name, prefix))
            (*names)[(*n)++] = lv_strdup(name);
        virStorageVolFree(vols[i]);
    }
    free(vols);
    virStoragePoolFree(pool);
    return st;
}

static drv_status lv_volume_list(drv *d, const char *prefix, char ***names, size_t *n)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = lv_volume_list_on(d, c, prefix, names, n);
    virConnectClose(c);
    return st;
}

static drv_status lv_volume_delete(drv *d, virConnectPtr c, const char *name)
{
    virStoragePoolPtr pool = lv_pool(d, c, lv_p(d)->vm_pool);
    if (!pool)
        return lv_status_of(lv_last_code());
    drv_status st = DRV_OK;
    virStorageVolPtr vol = virStorageVolLookupByName(pool, name);
    if (vol && virStorageVolDelete(vol, 0) < 0)
        st = lv_fail(d, "cannot delete volume %s", name);
    if (vol)
        virStorageVolFree(vol);
    virStoragePoolFree(pool);
    virResetLastError();
    return st;
}

/* Whether a domain other than `self` has a disk on volume `vol` of the VM
 * pool: such a volume is never deleted, whatever its name. */
static bool lv_volume_in_use(drv *d, virConnectPtr c, const char *self, const char *vol)
{
    virDomainPtr *doms = NULL;
    int ndoms = virConnectListAllDomains(c, &doms, 0);
    bool used = false;
    for (int i = 0; i < ndoms; i++) {
        if (!used && strcmp(virDomainGetName(doms[i]), self) != 0) {
            char *xml = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
            xmlDocPtr doc = lv_xml_parse(xml);
            free(xml);
            if (doc) {
                char expr[256];
                snprintf(expr, sizeof expr, "/domain/devices/disk/source[@pool='%s']/@volume",
                         lv_p(d)->vm_pool);
                xmlXPathObjectPtr obj = lv_xpath_nodes(doc, expr);
                for (int j = 0; j < lv_nodeset_len(obj); j++) {
                    xmlChar *v = xmlNodeGetContent(obj->nodesetval->nodeTab[j]);
                    used = used || (v && strcmp((const char *)v, vol) == 0);
                    xmlFree(v);
                }
                xmlXPathFreeObject(obj);
                xmlFreeDoc(doc);
            }
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    return used;
}

/* Deletes the volumes "<name>-*" of the VM pool that no other domain uses. */
static drv_status lv_delete_own_volumes(drv *d, virConnectPtr c, const char *name)
{
    size_t plen = strlen(name) + 2;
    char *prefix = malloc(plen);
    if (!prefix)
        abort();
    snprintf(prefix, plen, "%s-", name);
    char **vols;
    size_t n;
    drv_status st = lv_volume_list_on(d, c, prefix, &vols, &n);
    for (size_t i = 0; st == DRV_OK && i < n; i++) {
        if (!lv_has_prefix(vols[i], lv_p(d)->vm_prefix) || lv_volume_in_use(d, c, name, vols[i]))
            continue;
        st = lv_volume_delete(d, c, vols[i]);
    }
    drv_name_list_free(vols, n);
    free(prefix);
    return st;
}

static drv_status lv_vm_undefine(drv *d, const char *name)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virDomainPtr dom = virDomainLookupByName(c, name);
    if (dom) {
        if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0)
            st = lv_fail(d, "cannot force off %s before undefining it", name);
        unsigned flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                         VIR_DOMAIN_UNDEFINE_NVRAM;
        if (st == DRV_OK && virDomainUndefineFlags(dom, flags) < 0) {
            /* Hypervisors without NVRAM or snapshots refuse the flags. */
            if (virDomainUndefine(dom) < 0)
                st = lv_fail(d, "cannot undefine %s", name);
        }
        virDomainFree(dom);
    } else if (lv_last_code() != VIR_ERR_NO_DOMAIN) {
        st = lv_fail(d, "cannot undefine %s", name);
    }
    virResetLastError();
    if (st == DRV_OK)
        st = lv_delete_own_volumes(d, c, name);
    virConnectClose(c);
    return st;
}

/* ---- Define ------------------------------------------------------------- */

static drv_status lv_volume_create(drv *d, virConnectPtr c, const char *xml, const char *name)
{
    virStoragePoolPtr pool = lv_pool(d, c, lv_p(d)->vm_pool);
    if (!pool)
        return lv_status_of(lv_last_code());
    drv_status st = DRV_OK;
    virStorageVolPtr vol = virStorageVolLookupByName(pool, name);
    if (vol) {
        /* Never overwrite: the thesis system cp'ed over an existing disk. */
        st = drv_seterr(d, DRV_CONFLICT, "cannot create volume %s: it exists already", name);
        virStorageVolFree(vol);
    } else {
        virResetLastError();
        vol = virStorageVolCreateXML(pool, xml, 0);
        if (!vol)
            st = lv_fail(d, "cannot create volume %s in pool %s", name, lv_p(d)->vm_pool);
        else
            virStorageVolFree(vol);
    }
    virStoragePoolFree(pool);
    return st;
}

static drv_status lv_seed_upload(drv *d, virConnectPtr c, const drv_vm_spec *s)
{
    virStoragePoolPtr pool = lv_pool(d, c, lv_p(d)->vm_pool);
    if (!pool)
        return lv_status_of(lv_last_code());
    drv_status st = DRV_OK;
    virStreamPtr stream = NULL;
    virStorageVolPtr vol = virStorageVolLookupByName(pool, s->seed_volume);
    if (!vol) {
        st = lv_fail(d, "cannot upload seed %s", s->seed_volume);
        goto out;
    }
    stream = virStreamNew(c, 0);
    if (!stream || virStorageVolUpload(vol, stream, 0, s->seed_len, 0) < 0) {
        st = lv_fail(d, "cannot upload seed %s", s->seed_volume);
        goto out;
    }
    const char *p = s->seed_data;
    size_t left = s->seed_len;
    while (left > 0) {
        int sent = virStreamSend(stream, p, left > 65536 ? 65536 : left);
        if (sent < 0) {
            st = lv_fail(d, "cannot upload seed %s", s->seed_volume);
            virStreamAbort(stream);
            goto out;
        }
        p += sent;
        left -= (size_t)sent;
    }
    if (virStreamFinish(stream) < 0)
        st = lv_fail(d, "cannot upload seed %s", s->seed_volume);
out:
    if (stream)
        virStreamFree(stream);
    if (vol)
        virStorageVolFree(vol);
    virStoragePoolFree(pool);
    return st;
}

static drv_status lv_check_own_name(drv *d, const char *dom, const char *vol)
{
    size_t n = strlen(dom);
    if (strncmp(vol, dom, n) != 0 || vol[n] != '-')
        return drv_seterr(d, DRV_INVALID,
                          "cannot define %s: volume %s must be named %s-<suffix> to belong to it",
                          dom, vol, dom);
    return DRV_OK;
}

/* A new seed into the VM's existing seed volume (settings changed: the
 * guest sees them at its next boot). The volume grows first when the new
 * image is larger; a smaller one leaves a tail that ISO 9660 ignores. */
static drv_status lv_vm_seed_update(drv *d, const char *name, const char *volume, const void *data,
                                    size_t len)
{
    drv_status st = lv_check_own_name(d, name, volume);
    if (st != DRV_OK)
        return st;
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    virStoragePoolPtr pool = lv_pool(d, c, lv_p(d)->vm_pool);
    virStorageVolPtr vol = pool ? virStorageVolLookupByName(pool, volume) : NULL;
    virStorageVolInfo info;
    if (!pool) {
        st = lv_status_of(lv_last_code());
    } else if (!vol || virStorageVolGetInfo(vol, &info) < 0) {
        st = lv_fail(d, "cannot update seed %s", volume);
    } else if (info.capacity < len && virStorageVolResize(vol, len, 0) < 0) {
        st = lv_fail(d, "cannot grow seed %s", volume);
    } else {
        drv_vm_spec s = {.seed_volume = volume, .seed_data = data, .seed_len = len};
        st = lv_seed_upload(d, c, &s);
    }
    if (vol)
        virStorageVolFree(vol);
    if (pool)
        virStoragePoolFree(pool);
    virConnectClose(c);
    return st;
}

static drv_status lv_define_volumes(drv *d, virConnectPtr c, const drv_vm_spec *s)
{
    drv_image base = {0};
    char *base_path = NULL;
    drv_status st = lv_image_find(d, c, s->base_image, &base, &base_path);
    if (st != DRV_OK)
        goto out;
    if (!base_path) {
        st = drv_seterr(d, DRV_ERROR, "cannot define %s: base image %s has no path", s->domain_name,
                        s->base_image);
        goto out;
    }
    unsigned long long size = s->disk_bytes ? s->disk_bytes : base.capacity_bytes;
    if (size < base.capacity_bytes) {
        st = drv_seterr(d, DRV_INVALID,
                        "cannot define %s: disk of %llu bytes is smaller than "
                        "base image %s (%llu bytes)",
                        s->domain_name, size, s->base_image, base.capacity_bytes);
        goto out;
    }
    char *xml = dx_overlay_volume_xml(s->disk_volume, size, base_path, base.format);
    st = lv_volume_create(d, c, xml, s->disk_volume);
    if (st == DRV_OK)
        EPFIOT_HOOK("create-after-overlay");
    free(xml);
    if (st != DRV_OK || !s->seed_volume)
        goto out;
    xml = dx_raw_volume_xml(s->seed_volume, s->seed_len ? s->seed_len : 1024 * 1024);
    st = lv_volume_create(d, c, xml, s->seed_volume);
    free(xml);
    if (st == DRV_OK && s->seed_data && s->seed_len)
        st = lv_seed_upload(d, c, s);
out:
    drv_image_clear(&base);
    free(base_path);
    return st;
}

/* The host path of image pool volume `name` (a kernel or initramfs for
 * direct kernel boot), looked up by name like a base image. NULL name: no
 * path, DRV_OK. */
static drv_status lv_boot_file(drv *d, virConnectPtr c, const char *vm, const char *name,
                               char **path)
{
    *path = NULL;
    if (!name)
        return DRV_OK;
    if (!drv_name_valid(name))
        return drv_seterr(d, DRV_INVALID, "cannot define %s: invalid boot image name", vm);
    drv_image img = {0};
    drv_status st = lv_image_find(d, c, name, &img, path);
    drv_image_clear(&img);
    if (st == DRV_OK && !*path)
        st = drv_seterr(d, DRV_ERROR, "cannot define %s: boot image %s has no path", vm, name);
    return st;
}

static drv_status lv_define_domain(drv *d, virConnectPtr c, const drv_vm_spec *s, char uuid[37])
{
    lv_priv *p = lv_p(d);
    lv_probe_virt(d, c);
    if (s->uefi && !p->uefi)
        return drv_seterr(d, DRV_UNSUPPORTED, "cannot define %s: no UEFI firmware on this host",
                          s->domain_name);
    char *kernel = NULL, *initrd = NULL;
    drv_status bst = lv_boot_file(d, c, s->domain_name, s->kernel_image, &kernel);
    if (bst == DRV_OK && s->kernel_image)
        bst = lv_boot_file(d, c, s->domain_name, s->initrd_image, &initrd);
    if (bst != DRV_OK) {
        free(kernel);
        return bst;
    }
    dx_usb *usb = calloc(s->nusb + 1, sizeof *usb);
    if (!usb)
        abort();
    drv_status st = DRV_OK;
    for (size_t i = 0; st == DRV_OK && i < s->nusb; i++)
        st = lv_usb_resolve(d, c, s->domain_name, &s->usb[i], &usb[i]);
    char log[128];
    snprintf(log, sizeof log, "/var/log/libvirt/qemu/%s-serial.log", s->domain_name);
    dx_domain model = {
        .name = s->domain_name,
        .virt = p->virt == DRV_VIRT_KVM   ? DX_VIRT_KVM
                : p->virt == DRV_VIRT_TCG ? DX_VIRT_QEMU
                                          : DX_VIRT_TEST,
        .arch = "x86_64",
        .machine = p->virt == DRV_VIRT_TEST ? NULL : "q35",
        .vcpus = s->vcpus,
        .max_vcpus = s->max_vcpus,
        .memory_mib = s->memory_mib,
        .max_memory_mib = s->max_memory_mib,
        .uefi = s->uefi,
        .pool = p->vm_pool,
        .disk_volume = s->disk_volume,
        .seed_volume = s->seed_volume,
        .network = p->network,
        .mac = s->mac,
        .serial_log = log,
        .usb = usb,
        .nusb = s->nusb,
        .kernel = kernel,
        .initrd = initrd,
        .cmdline = kernel ? s->kernel_args : NULL,
    };
    if (st == DRV_OK) {
        char *xml = dx_domain_xml(&model);
        virDomainPtr dom = virDomainDefineXML(c, xml);
        free(xml);
        if (!dom) {
            st = lv_fail(d, "cannot define %s", s->domain_name);
        } else {
            virDomainGetUUIDString(dom, uuid);
            virDomainFree(dom);
        }
    }
    free(usb);
    free(kernel);
    free(initrd);
    return st;
}

static drv_status lv_vm_define(drv *d, const drv_vm_spec *s, char uuid[37])
{
    if (s->vcpus == 0 || s->memory_mib == 0)
        return drv_seterr(d, DRV_INVALID, "cannot define %s: it needs at least one vCPU and 1 MiB",
                          s->domain_name);
    drv_status st = lv_check_own_name(d, s->domain_name, s->disk_volume);
    if (st == DRV_OK && s->seed_volume)
        st = lv_check_own_name(d, s->domain_name, s->seed_volume);
    if (st != DRV_OK)
        return st;
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    virDomainPtr existing = virDomainLookupByName(c, s->domain_name);
    if (existing) {
        virDomainFree(existing);
        st = drv_seterr(d, DRV_CONFLICT, "cannot define %s: a domain of that name exists",
                        s->domain_name);
        goto out;
    }
    virResetLastError();
    st = lv_define_volumes(d, c, s);
    if (st == DRV_OK)
        st = lv_define_domain(d, c, s, uuid);
    if (st != DRV_OK && st != DRV_CONFLICT) {
        /* Leave nothing behind; keep the first error, not the cleanup's. */
        char err[sizeof d->err];
        memcpy(err, d->err, sizeof err);
        lv_delete_own_volumes(d, c, s->domain_name);
        memcpy(d->err, err, sizeof err);
    }
out:
    virConnectClose(c);
    return st;
}

/* ---- Resizing ----------------------------------------------------------- */

/* Whether a failed live change should fall back to the persistent
 * definition (the hypervisor or guest cannot do it now), as opposed to a
 * request that is simply wrong. */
static bool lv_live_refused(void)
{
    int code = lv_last_code();
    return code != VIR_ERR_INVALID_ARG && code != VIR_ERR_NO_DOMAIN;
}

static drv_status lv_vm_set_vcpus(drv *d, const char *name, unsigned n, drv_change *how)
{
    *how = DRV_CHANGE_NEXT_BOOT;
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virDomainPtr dom = lv_domain(d, c, name, "set vCPUs of");
    if (!dom) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    int max = virDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM);
    if (max < 0) {
        st = lv_fail(d, "cannot set vCPUs of %s", name);
        goto out;
    }
    /* Beyond the headroom defined at creation only a new maximum helps,
     * and that needs a reboot. */
    if (n > (unsigned)max &&
        virDomainSetVcpusFlags(dom, n, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM) < 0) {
        st = lv_fail(d, "cannot raise the vCPU maximum of %s to %u", name, n);
        goto out;
    }
    if (n <= (unsigned)max && virDomainIsActive(dom) == 1) {
        if (virDomainSetVcpusFlags(dom, n, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) ==
            0) {
            *how = DRV_CHANGE_LIVE;
            goto out;
        }
        if (!lv_live_refused()) {
            st = lv_fail(d, "cannot set vCPUs of %s to %u", name, n);
            goto out;
        }
    }
    virResetLastError();
    if (virDomainSetVcpusFlags(dom, n, VIR_DOMAIN_AFFECT_CONFIG) < 0)
        st = lv_fail(d, "cannot set vCPUs of %s to %u", name, n);
out:
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

static drv_status lv_vm_set_memory(drv *d, const char *name, unsigned long long mib,
                                   drv_change *how)
{
    *how = DRV_CHANGE_NEXT_BOOT;
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    unsigned long kib = (unsigned long)(mib * 1024);
    char *xml = NULL;
    xmlDocPtr doc = NULL;
    virDomainPtr dom = lv_domain(d, c, name, "set memory of");
    if (!dom) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    /* The persistent maximum: virDomainGetMaxMemory reports the live one
     * while the domain runs. */
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    doc = lv_xml_parse(xml);
    if (!doc) {
        st = lv_fail(d, "cannot set memory of %s", name);
        goto out;
    }
    unsigned long long max_kib = lv_xpath_num(doc, NULL, "/domain/memory", 10);
    if (kib > max_kib &&
        virDomainSetMemoryFlags(dom, kib, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_MEM_MAXIMUM) < 0) {
        st = lv_fail(d, "cannot raise the memory maximum of %s to %llu MiB", name, mib);
        goto out;
    }
    if (kib <= max_kib && virDomainIsActive(dom) == 1) {
        if (virDomainSetMemoryFlags(dom, kib, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG) ==
            0) {
            *how = DRV_CHANGE_LIVE;
            goto out;
        }
        /* Some drivers (the test one) take LIVE and CONFIG only one at a
         * time: the balloon first, the definition below. */
        if (virDomainSetMemoryFlags(dom, kib, VIR_DOMAIN_AFFECT_LIVE) == 0)
            *how = DRV_CHANGE_LIVE;
        else if (!lv_live_refused()) {
            st = lv_fail(d, "cannot set memory of %s to %llu MiB", name, mib);
            goto out;
        }
    }
    virResetLastError();
    if (virDomainSetMemoryFlags(dom, kib, VIR_DOMAIN_AFFECT_CONFIG) < 0)
        st = lv_fail(d, "cannot set memory of %s to %llu MiB", name, mib);
out:
    xmlFreeDoc(doc);
    free(xml);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

/* ---- Addresses ---------------------------------------------------------- */

static char *lv_first_ipv4(virDomainPtr dom, unsigned source)
{
    virDomainInterfacePtr *ifs = NULL;
    int n = virDomainInterfaceAddresses(dom, &ifs, source, 0);
    char *ip = NULL;
    for (int i = 0; i < n; i++) {
        for (unsigned j = 0; !ip && j < ifs[i]->naddrs; j++)
            if (ifs[i]->addrs[j].type == VIR_IP_ADDR_TYPE_IPV4 && ifs[i]->addrs[j].addr)
                ip = lv_strdup(ifs[i]->addrs[j].addr);
        virDomainInterfaceFree(ifs[i]);
    }
    free(ifs);
    virResetLastError();
    return ip;
}

static drv_status lv_vm_ip(drv *d, const char *name, char **ip)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virDomainPtr dom = lv_domain(d, c, name, "look up the address of");
    if (!dom) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    /* Leases are authoritative for libvirt's own networks; ARP covers
     * bridged guests; the agent knows even static addresses. */
    static const unsigned sources[] = {VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                                       VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP,
                                       VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT};
    if (virDomainIsActive(dom) == 1)
        for (size_t i = 0; !*ip && i < sizeof sources / sizeof sources[0]; i++)
            *ip = lv_first_ipv4(dom, sources[i]);
    if (!*ip)
        st = drv_seterr(d, DRV_NOT_FOUND, "no address known for %s (yet)", name);
out:
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

/* ---- USB attach / detach ------------------------------------------------ */

/* Replaces the persistent definition of `dom` with `doc`. */
static drv_status lv_redefine(drv *d, virConnectPtr c, xmlDocPtr doc, const char *what,
                              const char *vm)
{
    xmlChar *text = NULL;
    int len = 0;
    xmlDocDumpMemory(doc, &text, &len);
    virDomainPtr dom = text ? virDomainDefineXML(c, (const char *)text) : NULL;
    xmlFree(text);
    if (!dom)
        return lv_fail(d, "cannot %s %s", what, vm);
    virDomainFree(dom);
    return DRV_OK;
}

/* The <hostdev> elements of `doc` for vendor/product, optionally at a
 * bus/device address. */
static xmlXPathObjectPtr lv_find_hostdevs(xmlDocPtr doc, const dx_usb *u)
{
    char expr[384];
    int n = snprintf(expr, sizeof expr,
                     "/domain/devices/hostdev[@type='usb'][source/vendor/@id='0x%04x']"
                     "[source/product/@id='0x%04x']",
                     u->vendor & 0xffff, u->product & 0xffff);
    if (u->bus && u->device)
        snprintf(expr + n, sizeof expr - (size_t)n,
                 "[source/address/@bus='%u'][source/address/@device='%u']", u->bus, u->device);
    return lv_xpath_nodes(doc, expr);
}

static drv_status lv_attach_config(drv *d, virConnectPtr c, xmlDocPtr doc, const char *hostdev,
                                   const char *vm)
{
    xmlDocPtr frag = lv_xml_parse(hostdev);
    xmlXPathObjectPtr devices = lv_xpath_nodes(doc, "/domain/devices");
    drv_status st;
    if (!frag || lv_nodeset_len(devices) != 1) {
        st = drv_seterr(d, DRV_ERROR, "cannot attach device to %s: unreadable definition", vm);
    } else {
        xmlNodePtr node = xmlDocCopyNode(xmlDocGetRootElement(frag), doc, 1);
        xmlAddChild(devices->nodesetval->nodeTab[0], node);
        st = lv_redefine(d, c, doc, "attach a device to", vm);
    }
    xmlXPathFreeObject(devices);
    xmlFreeDoc(frag);
    return st;
}

static drv_status lv_usb_attach(drv *d, const char *name, const drv_usb_sel *sel)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    char *xml = NULL, *hostdev = NULL;
    xmlDocPtr doc = NULL;
    xmlXPathObjectPtr found = NULL;
    char id[16];
    snprintf(id, sizeof id, "%04x:%04x", sel->vendor & 0xffff, sel->product & 0xffff);
    drv_status st = DRV_OK;
    virDomainPtr dom = lv_domain(d, c, name, "attach a device to");
    if (!dom) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    dx_usb u;
    st = lv_usb_resolve(d, c, name, sel, &u);
    if (st != DRV_OK)
        goto out;
    if ((st = lv_vm_xml_on(d, dom, true, &xml)) != DRV_OK)
        goto out;
    doc = lv_xml_parse(xml);
    found = doc ? lv_find_hostdevs(doc, &u) : NULL;
    if (!doc) {
        st = drv_seterr(d, DRV_ERROR, "cannot attach device %s to %s: unreadable definition", id,
                        name);
        goto out;
    }
    if (lv_nodeset_len(found) > 0) {
        st = drv_seterr(d, DRV_CONFLICT, "cannot attach device %s to %s: attached already", id,
                        name);
        goto out;
    }
    hostdev = dx_hostdev_xml(&u);
    bool active = virDomainIsActive(dom) == 1;
    unsigned flags = VIR_DOMAIN_AFFECT_CONFIG | (active ? VIR_DOMAIN_AFFECT_LIVE : 0);
    if (virDomainAttachDeviceFlags(dom, hostdev, flags) == 0)
        goto out;
    if (lv_last_code() == VIR_ERR_NO_SUPPORT && !active) {
        virResetLastError();
        st = lv_attach_config(d, c, doc, hostdev, name);
    } else {
        st = lv_fail(d, "cannot attach device %s to %s", id, name);
    }
out:
    xmlXPathFreeObject(found);
    xmlFreeDoc(doc);
    free(xml);
    free(hostdev);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

/* The selector as a hostdev model for detaching: the address is only used
 * when the selector names one device among identical ones that is still
 * plugged in; otherwise vendor/product is what the definition holds. */
static void lv_detach_model(drv *d, virConnectPtr c, const char *vm, const drv_usb_sel *sel,
                            dx_usb *u)
{
    *u = (dx_usb){.vendor = sel->vendor, .product = sel->product};
    if (!sel->serial && !sel->port)
        return;
    char saved[sizeof d->err];
    memcpy(saved, d->err, sizeof saved);
    dx_usb r;
    if (lv_usb_resolve(d, c, vm, sel, &r) == DRV_OK)
        *u = r;
    memcpy(d->err, saved, sizeof saved);
}

static drv_status lv_usb_detach(drv *d, const char *name, const drv_usb_sel *sel)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    char *xml = NULL;
    xmlDocPtr doc = NULL;
    xmlXPathObjectPtr found = NULL;
    xmlBufferPtr one = NULL;
    char id[16];
    snprintf(id, sizeof id, "%04x:%04x", sel->vendor & 0xffff, sel->product & 0xffff);
    drv_status st = DRV_OK;
    virDomainPtr dom = lv_domain(d, c, name, "detach a device from");
    if (!dom) {
        st = lv_status_of(lv_last_code());
        goto out;
    }
    if ((st = lv_vm_xml_on(d, dom, true, &xml)) != DRV_OK)
        goto out;
    dx_usb u;
    lv_detach_model(d, c, name, sel, &u);
    doc = lv_xml_parse(xml);
    found = doc ? lv_find_hostdevs(doc, &u) : NULL;
    int n = lv_nodeset_len(found);
    if (n == 0) {
        st =
            drv_seterr(d, DRV_NOT_FOUND, "cannot detach device %s from %s: not attached", id, name);
        goto out;
    }
    if (n > 1) {
        st = drv_seterr(d, DRV_CONFLICT,
                        "cannot detach device %s from %s: %d identical devices are attached; "
                        "choose one by port",
                        id, name, n);
        goto out;
    }
    xmlNodePtr node = found->nodesetval->nodeTab[0];
    one = xmlBufferCreate();
    xmlNodeDump(one, doc, node, 0, 0);
    bool active = virDomainIsActive(dom) == 1;
    unsigned flags = VIR_DOMAIN_AFFECT_CONFIG | (active ? VIR_DOMAIN_AFFECT_LIVE : 0);
    if (virDomainDetachDeviceFlags(dom, (const char *)xmlBufferContent(one), flags) == 0)
        goto out;
    if (lv_last_code() == VIR_ERR_NO_SUPPORT && !active) {
        virResetLastError();
        xmlUnlinkNode(node);
        xmlFreeNode(node);
        st = lv_redefine(d, c, doc, "detach a device from", name);
    } else {
        st = lv_fail(d, "cannot detach device %s from %s", id, name);
    }
out:
    if (one)
        xmlBufferFree(one);
    xmlXPathFreeObject(found);
    xmlFreeDoc(doc);
    free(xml);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    return st;
}

const drv_ops lv_driver = {
    .name = "libvirt",
    .open = lv_open,
    .close = lv_close,
    .host_info = lv_host_info,
    .image_list = lv_image_list,
    .image_get = lv_image_get,
    .vm_define = lv_vm_define,
    .vm_start = lv_vm_start,
    .vm_shutdown = lv_vm_shutdown,
    .vm_force_off = lv_vm_force_off,
    .vm_undefine = lv_vm_undefine,
    .vm_suspend = lv_vm_suspend,
    .vm_resume = lv_vm_resume,
    .vm_info = lv_vm_info,
    .vm_list = lv_vm_list,
    .volume_list = lv_volume_list,
    .vm_set_vcpus = lv_vm_set_vcpus,
    .vm_set_memory = lv_vm_set_memory,
    .vm_ip = lv_vm_ip,
    .usb_list = lv_usb_list,
    .usb_attach = lv_usb_attach,
    .usb_detach = lv_usb_detach,
    .vm_xml = lv_vm_xml,
    .vm_seed_update = lv_vm_seed_update,
    .host_setup = lv_host_setup,
    .host_check = lv_host_check,
    .image_upload_begin = lv_image_upload_begin,
    .image_upload_send = lv_image_upload_send,
    .image_upload_finish = lv_image_upload_finish,
    .image_upload_abort = lv_image_upload_abort,
    .image_delete = lv_image_delete,
};
