/* xml.c -- the escaping XML buffer and the libvirt XML builders.
 *
 * The layout of each document is fixed and deliberately small: only what
 * EPFIOT needs, in the order libvirt itself formats it, so that the golden
 * files read like the XML an administrator would write. Values that come
 * from users or from the host (names, paths, MAC addresses) always go
 * through xbuf_escape(); numbers are printed with %u/%llu.
 */
#include "xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xbuf_reserve(xbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        abort();
    b->s = s;
    b->cap = cap;
}

static void xbuf_vadd(xbuf *b, const char *fmt, va_list ap)
{
    /* Format into the free space; grow and format again if it was short. */
    xbuf_reserve(b, 64);
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, aq);
    va_end(aq);
    if (n < 0)
        abort();
    if ((size_t)n >= b->cap - b->len) {
        xbuf_reserve(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void xbuf_add(xbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    xbuf_vadd(b, fmt, ap);
    va_end(ap);
}

void xbuf_line(xbuf *b, const char *fmt, ...)
{
    if (b->len > 0)
        xbuf_add(b, "\n");
    xbuf_add(b, "%*s", b->indent, "");
    va_list ap;
    va_start(ap, fmt);
    xbuf_vadd(b, fmt, ap);
    va_end(ap);
}

void xbuf_escape(xbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            xbuf_add(b, "&amp;");
            break;
        case '<':
            xbuf_add(b, "&lt;");
            break;
        case '>':
            xbuf_add(b, "&gt;");
            break;
        case '\'':
            xbuf_add(b, "&apos;");
            break;
        case '"':
            xbuf_add(b, "&quot;");
            break;
        default:
            xbuf_reserve(b, 1);
            b->s[b->len++] = *s;
            b->s[b->len] = '\0';
        }
    }
}

void xbuf_elem(xbuf *b, const char *tag, const char *text)
{
    xbuf_line(b, "<%s>", tag);
    xbuf_escape(b, text);
    xbuf_add(b, "</%s>", tag);
}

void xbuf_indent(xbuf *b, int delta)
{
    b->indent += delta;
    if (b->indent < 0)
        b->indent = 0;
}

char *xbuf_take(xbuf *b)
{
    xbuf_reserve(b, 1);
    xbuf_add(b, "\n");
    char *s = b->s;
    *b = (xbuf){0};
    return s;
}

void xbuf_clear(xbuf *b)
{
    free(b->s);
    *b = (xbuf){0};
}

/* ---- Domain ------------------------------------------------------------ */

const char *dx_virt_name(dx_virt v)
{
    switch (v) {
    case DX_VIRT_KVM:
        return "kvm";
    case DX_VIRT_QEMU:
        return "qemu";
    case DX_VIRT_TEST:
        return "test";
    }
    return "qemu";
}

/* An attribute `name='escaped value'` preceded by a space. */
static void xbuf_attr(xbuf *b, const char *name, const char *value)
{
    xbuf_add(b, " %s='", name);
    xbuf_escape(b, value);
    xbuf_add(b, "'");
}

static void dx_os(xbuf *b, const dx_domain *d)
{
    xbuf_line(b, "<os%s>", d->uefi ? " firmware='efi'" : "");
    xbuf_indent(b, 2);
    xbuf_line(b, "<type");
    xbuf_attr(b, "arch", d->arch ? d->arch : "x86_64");
    if (d->machine)
        xbuf_attr(b, "machine", d->machine);
    xbuf_add(b, ">hvm</type>");
    if (d->kernel) {
        /* QEMU loads the kernel itself; an ELF kernel boots through its PVH
         * entry, which under TCG saves seconds of decompression. */
        xbuf_elem(b, "kernel", d->kernel);
        if (d->initrd)
            xbuf_elem(b, "initrd", d->initrd);
        if (d->cmdline)
            xbuf_elem(b, "cmdline", d->cmdline);
    } else {
        xbuf_line(b, "<boot dev='hd'/>");
    }
    xbuf_indent(b, -2);
    xbuf_line(b, "</os>");
    xbuf_line(b, "<features>");
    xbuf_line(b, "  <acpi/>");
    xbuf_line(b, "  <apic/>");
    xbuf_line(b, "</features>");
    /* Under KVM the guest sees the host CPU (fastest, and what a tenant
     * expects); TCG emulates a generic model, QEMU's default. */
    if (d->virt == DX_VIRT_KVM)
        xbuf_line(b, "<cpu mode='host-passthrough' check='none'/>");
}

static void dx_volume_disk(xbuf *b, const dx_domain *d, const char *volume, bool cdrom)
{
    xbuf_line(b, "<disk type='volume' device='%s'>", cdrom ? "cdrom" : "disk");
    xbuf_indent(b, 2);
    xbuf_line(b, "<driver name='qemu' type='%s'/>", cdrom ? "raw" : "qcow2");
    xbuf_line(b, "<source");
    xbuf_attr(b, "pool", d->pool);
    xbuf_attr(b, "volume", volume);
    xbuf_add(b, "/>");
    if (cdrom) {
        xbuf_line(b, "<target dev='sda' bus='sata'/>");
        xbuf_line(b, "<readonly/>");
    } else {
        xbuf_line(b, "<target dev='vda' bus='virtio'/>");
    }
    xbuf_indent(b, -2);
    xbuf_line(b, "</disk>");
}

static void dx_devices(xbuf *b, const dx_domain *d)
{
    xbuf_line(b, "<devices>");
    xbuf_indent(b, 2);
    if (d->disk_volume)
        dx_volume_disk(b, d, d->disk_volume, false);
    if (d->seed_volume)
        dx_volume_disk(b, d, d->seed_volume, true);
    xbuf_line(b, "<controller type='usb' model='qemu-xhci'/>");
    if (d->network) {
        xbuf_line(b, "<interface type='network'>");
        xbuf_indent(b, 2);
        xbuf_line(b, "<source");
        xbuf_attr(b, "network", d->network);
        xbuf_add(b, "/>");
        if (d->mac) {
            xbuf_line(b, "<mac");
            xbuf_attr(b, "address", d->mac);
            xbuf_add(b, "/>");
        }
        xbuf_line(b, "<model type='virtio'/>");
        /* No iPXE option ROM: VMs boot from their disk, never from the
         * network, and the ROM costs seconds at every boot under TCG. */
        xbuf_line(b, "<rom enabled='no'/>");
        xbuf_indent(b, -2);
        xbuf_line(b, "</interface>");
    }
    xbuf_line(b, "<serial type='pty'>");
    xbuf_indent(b, 2);
    if (d->serial_log) {
        xbuf_line(b, "<log");
        xbuf_attr(b, "file", d->serial_log);
        xbuf_add(b, " append='on'/>");
    }
    xbuf_line(b, "<target port='0'/>");
    xbuf_indent(b, -2);
    xbuf_line(b, "</serial>");
    xbuf_line(b, "<console type='pty'>");
    xbuf_line(b, "  <target type='serial' port='0'/>");
    xbuf_line(b, "</console>");
    /* The guest agent channel is the last resort for a VM's address when
     * neither DHCP leases nor ARP know it. */
    xbuf_line(b, "<channel type='unix'>");
    xbuf_line(b, "  <target type='virtio' name='org.qemu.guest_agent.0'/>");
    xbuf_line(b, "</channel>");
    for (size_t i = 0; i < d->nusb; i++)
        dx_hostdev_append(b, &d->usb[i]);
    xbuf_line(b, "<memballoon model='virtio'/>");
    xbuf_line(b, "<rng model='virtio'>");
    xbuf_line(b, "  <backend model='random'>/dev/urandom</backend>");
    xbuf_line(b, "</rng>");
    xbuf_indent(b, -2);
    xbuf_line(b, "</devices>");
}

char *dx_domain_xml(const dx_domain *d)
{
    xbuf b = {0};
    xbuf_line(&b, "<domain type='%s'>", dx_virt_name(d->virt));
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", d->name);
    if (d->uuid)
        xbuf_elem(&b, "uuid", d->uuid);
    /* The maximum is what the domain is created with and what the guest
     * can grow to while it runs; `current` is what it has now. The gap is
     * the headroom for live resizing (vCPU hotplug, balloon). */
    unsigned max_vcpus = d->max_vcpus > d->vcpus ? d->max_vcpus : d->vcpus;
    unsigned long long max_mem =
        d->max_memory_mib > d->memory_mib ? d->max_memory_mib : d->memory_mib;
    xbuf_line(&b, "<memory unit='MiB'>%llu</memory>", max_mem);
    xbuf_line(&b, "<currentMemory unit='MiB'>%llu</currentMemory>", d->memory_mib);
    if (max_vcpus > d->vcpus)
        xbuf_line(&b, "<vcpu placement='static' current='%u'>%u</vcpu>", d->vcpus, max_vcpus);
    else
        xbuf_line(&b, "<vcpu placement='static'>%u</vcpu>", max_vcpus);
    dx_os(&b, d);
    xbuf_line(&b, "<on_poweroff>destroy</on_poweroff>");
    xbuf_line(&b, "<on_reboot>restart</on_reboot>");
    xbuf_line(&b, "<on_crash>destroy</on_crash>");
    dx_devices(&b, d);
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</domain>");
    return xbuf_take(&b);
}

/* ---- USB hostdev ------------------------------------------------------- */

void dx_hostdev_append(xbuf *b, const dx_usb *u)
{
    xbuf_line(b, "<hostdev mode='subsystem' type='usb' managed='yes'>");
    xbuf_indent(b, 2);
    xbuf_line(b, "<source%s>", u->optional ? " startupPolicy='optional'" : "");
    xbuf_line(b, "  <vendor id='0x%04x'/>", u->vendor & 0xffff);
    xbuf_line(b, "  <product id='0x%04x'/>", u->product & 0xffff);
    /* libvirt matches vendor, product and address together when all are
     * given, so the address only narrows the choice, never widens it. */
    if (u->bus && u->device)
        xbuf_line(b, "  <address bus='%u' device='%u'/>", u->bus, u->device);
    xbuf_line(b, "</source>");
    xbuf_indent(b, -2);
    xbuf_line(b, "</hostdev>");
}

char *dx_hostdev_xml(const dx_usb *u)
{
    xbuf b = {0};
    dx_hostdev_append(&b, u);
    return xbuf_take(&b);
}

/* ---- Volumes ----------------------------------------------------------- */

char *dx_overlay_volume_xml(const char *name, unsigned long long capacity_bytes,
                            const char *backing_path, const char *backing_format)
{
    xbuf b = {0};
    xbuf_line(&b, "<volume>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "name", name);
    xbuf_line(&b, "<capacity unit='bytes'>%llu</capacity>", capacity_bytes);
    /* A copy-on-write overlay starts empty; only what the guest writes is
     * allocated. */
    xbuf_line(&b, "<allocation unit='bytes'>0</allocation>");
    xbuf_line(&b, "<target>");
    xbuf_line(&b, "  <format type='qcow2'/>");
    xbuf_line(&b, "</target>");
    xbuf_line(&b, "<backingStore>");
    xbuf_indent(&b, 2);
    xbuf_elem(&b, "path", backing_path);
    xbuf_line(&b, "<format");
    xbuf_attr(&b, "type", backing_format);
    xbuf_add(&b, "/>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</backingStore>");
    xbuf_indent(&b, -2);
    xbuf_line(&b, "</volume>");
    return xbuf_take(&b);
}

char *dx_raw_volume_xml(const char *name, unsigned long long capacity_bytes)
{
    return dx_image_volume_xml(name, capacity_bytes, "raw");
}
