/* xml.h -- building libvirt XML documents safely, from a small model.
 *
 * Every XML document the driver hands to libvirt (domain, USB hostdev,
 * storage volume) is produced here and nowhere else, through one escaping
 * buffer (like libvirt's virBuffer + virBufferEscapeString): a value from
 * outside the program is only ever written escaped, so a VM name such as
 * "x'/><disk ..." cannot add elements or attributes. The builders take a
 * plain struct (the "template model") and print a fixed layout, which the
 * golden files in tests/driver/golden/ pin down byte for byte.
 *
 * Memory: a buffer grows on the heap; running out of memory aborts the
 * process, as elsewhere in EPFIOT. xbuf_take() hands the text to the
 * caller, who frees it with free().
 */
#ifndef EPFIOT_DRIVER_XML_H
#define EPFIOT_DRIVER_XML_H

#include <stdbool.h>
#include <stddef.h>

typedef struct xbuf {
    char *s;
    size_t len, cap;
    int indent; /* spaces written before each line started by xbuf_line */
} xbuf;

/* Appends printf-style text verbatim. Only for formats and values the
 * program itself controls (numbers, constant names). */
void xbuf_add(xbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts a new line at the current indentation, then as xbuf_add. */
void xbuf_line(xbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` with &, <, >, ' and " replaced by entities. */
void xbuf_escape(xbuf *b, const char *s);
/* One line `<tag>escaped text</tag>`, at the current indentation. */
void xbuf_elem(xbuf *b, const char *tag, const char *text);
void xbuf_indent(xbuf *b, int delta);
/* The text so far (malloc'ed, NUL-terminated; "" when empty); resets b. */
char *xbuf_take(xbuf *b);
void xbuf_clear(xbuf *b);

/* ---- Model ------------------------------------------------------------- */

/* How the guest runs. TEST is libvirt's test hypervisor (test:///). */
typedef enum dx_virt {
    DX_VIRT_KVM = 0,
    DX_VIRT_QEMU, /* TCG emulation */
    DX_VIRT_TEST,
} dx_virt;

const char *dx_virt_name(dx_virt v);

/* One USB host device, chosen by vendor/product. bus/device (0 = absent)
 * are only given to pick one of several identical devices: they change
 * whenever the device re-enumerates, so the caller resolves them from the
 * host's current device list right before use. */
typedef struct dx_usb {
    unsigned vendor, product;
    unsigned bus, device;
    /* startupPolicy='optional': the domain still starts when the device is
     * unplugged (a power cycle must not be blocked by a missing stick). */
    bool optional;
} dx_usb;

typedef struct dx_domain {
    const char *name;
    const char *uuid; /* may be NULL: libvirt generates one */
    dx_virt virt;
    const char *arch;    /* "x86_64" */
    const char *machine; /* "q35"; NULL to let libvirt choose */
    unsigned vcpus, max_vcpus;
    unsigned long long memory_mib, max_memory_mib;
    bool uefi;               /* firmware='efi': libvirt picks the firmware and NVRAM */
    const char *pool;        /* storage pool of the volumes below */
    const char *disk_volume; /* qcow2 overlay */
    const char *seed_volume; /* cidata ISO, read-only CD-ROM; may be NULL */
    const char *network;     /* libvirt network name */
    const char *mac;         /* "52:54:00:..."; NULL: libvirt picks one */
    const char *serial_log;  /* console log path on the host; may be NULL */
    const dx_usb *usb;
    size_t nusb;
    /* Direct kernel boot (host paths of pool volumes); NULL: boot the disk. */
    const char *kernel, *initrd, *cmdline;
} dx_domain;

/* The domain document for virDomainDefineXML (malloc'ed). */
char *dx_domain_xml(const dx_domain *d);
/* A <hostdev> element for attach/detach or inside <devices>. */
char *dx_hostdev_xml(const dx_usb *u);
void dx_hostdev_append(xbuf *b, const dx_usb *u);

/* A qcow2 overlay volume of `capacity_bytes` whose backing file is
 * `backing_path` (the base image's path in the pool, as libvirt reports
 * it) in format `backing_format`. */
char *dx_overlay_volume_xml(const char *name, unsigned long long capacity_bytes,
                            const char *backing_path, const char *backing_format);
/* A raw volume of `capacity_bytes` (the seed ISO is uploaded into it). */
char *dx_raw_volume_xml(const char *name, unsigned long long capacity_bytes);

/* ---- The host's objects (xml_host.c) ------------------------------------ */

/* The VMs' network: routed (no NAT), one IPv4 subnet with a DHCP range. */
typedef struct dx_network {
    const char *name, *bridge;
    const char *address; /* the host's address on the bridge, "10.128.0.1" */
    unsigned prefix;     /* 24 */
    const char *dhcp_start, *dhcp_end;
    bool no_ping; /* dnsmasq offers at once instead of pinging for 3 s */
} dx_network;

char *dx_network_xml(const dx_network *n);
/* A directory pool at `path` (on the libvirt host, which may be remote). */
char *dx_dir_pool_xml(const char *name, const char *path);
/* A base image volume of `format` ("qcow2", "raw") to upload into. */
/* The KVM probe's guest (lv_probe.c): no disk; the firmware (kernel NULL)
 * or a kernel (host path) prints on the serial console; virt_type "kvm" or
 * "qemu". */
char *dx_probe_domain_xml(const char *name, const char *virt_type, const char *kernel);
char *dx_image_volume_xml(const char *name, unsigned long long capacity_bytes, const char *format);

#endif
