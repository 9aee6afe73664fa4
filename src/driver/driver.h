/* driver.h -- EPFIOT's hypervisor driver: one table of operations.
 *
 * core/ manages VMs, images and USB devices only through this table, the way
 * libvirt's own front end calls through virHypervisorDriver: callers never
 * know which implementation they have. The one implementation today is
 * libvirt.c (lv_driver), on libvirt's C API, which reaches a local host
 * (qemu:///system), a remote one (qemu+ssh://host/system) or libvirt's
 * in-process test hypervisor (test:///default, test:///abs/path.xml) the
 * same way: no shell commands, no files written outside libvirt.
 *
 * Conventions, which every operation follows:
 *  - The result is a drv_status; on failure drv_errmsg() says what failed,
 *    with context ("cannot attach device 18d1:9302 to epfiot-vm-7: ..."),
 *    for the API layer to turn into a user-facing message.
 *  - VMs are named by their libvirt domain name, which the caller chooses
 *    ("epfiot-vm-<id>", see store.h), so two tenants' VMs with the same
 *    user-facing name never collide. A VM's volumes are named
 *    "<domain name>-<suffix>" and that prefix is what makes them the VM's
 *    own: undefine removes those and nothing else.
 *  - Every name that reaches libvirt (domain, volume, base image) is first
 *    checked by drv_name_valid(): no '/', no "..", no leading '.' or '-',
 *    at most DRV_NAME_MAX bytes of [A-Za-z0-9._-]. A base image is only ever
 *    looked up by such a name in the image pool, never as a path.
 *  - Memory sizes are MiB. Out-parameters are zeroed first; lists and
 *    strings they return are malloc'ed, released with the matching
 *    *_free()/free(). Input strings are borrowed for the call.
 *  - A handle is used by one thread at a time (its error message is per
 *    handle); open one per thread, as with store handles. Events arrive on
 *    the driver's own event thread through the callback given to open, and
 *    the connection behind a handle is replaced there after a reconnection,
 *    safely for the thread using the handle.
 */
#ifndef EPFIOT_DRIVER_H
#define EPFIOT_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum drv_status {
    DRV_OK = 0,
    DRV_NOT_FOUND,   /* no such domain, volume, base image or device */
    DRV_INVALID,     /* a rejected argument (bad name, out of range) */
    DRV_CONFLICT,    /* exists already, wrong state, ambiguous device */
    DRV_UNSUPPORTED, /* the hypervisor cannot do this */
    DRV_ERROR,       /* anything else: libvirt, connection, host */
} drv_status;

const char *drv_status_name(drv_status s);

#define DRV_NAME_MAX 64
/* The one name check for domains, volumes and base images. */
bool drv_name_valid(const char *name);

typedef struct drv drv;

/* ---- Types ------------------------------------------------------------- */

typedef enum drv_virt {
    DRV_VIRT_KVM = 0, /* hardware virtualisation */
    DRV_VIRT_TCG,     /* QEMU emulation: slow, but works everywhere */
    DRV_VIRT_TEST,    /* libvirt's test hypervisor */
} drv_virt;

const char *drv_virt_name(drv_virt v);

typedef struct drv_host_info {
    drv_virt virt;
    bool uefi_available;
    /* Non-empty when VMs will run slower than they could: KVM missing
     * (TCG fallback) or disabled by drv_options.force_tcg. */
    char warning[160];
    unsigned cpus;
    unsigned long long memory_mib, free_memory_mib;
} drv_host_info;

typedef struct drv_image {
    char *name;
    char *format;                      /* "qcow2", "raw" */
    unsigned long long capacity_bytes; /* virtual size */
} drv_image;

void drv_image_clear(drv_image *img);
void drv_image_list_free(drv_image *list, size_t n);

/* One USB device of the host (hubs and root hubs are never listed). */
typedef struct drv_usb {
    char *nodedev;                    /* libvirt node device name, "usb_1_2" */
    unsigned vendor;                  /* 0x18d1 */
    unsigned product;                 /* 0x9302 */
    char *vendor_name, *product_name; /* may be NULL */
    char *serial;                     /* NULL unless the host reports it (libvirt 9 does not) */
    unsigned bus, device;
    char *port; /* port path, "1-2.3": stable for a physical socket */
} drv_usb;

void drv_usb_clear(drv_usb *u);
void drv_usb_list_free(drv_usb *list, size_t n);

/* Which device to attach or detach. Bus/device numbers change on every
 * re-enumeration (a Coral changes even its product ID once its firmware is
 * loaded), so a device is chosen by vendor/product, and only when several
 * identical ones are plugged in, by serial or port path. */
/* Base images come from outside (an admin's file, an upload): the first
 * DRV_SNIFF_BYTES of the file decide. qcow2 (without a backing file: a base
 * must stand alone) and raw disks are accepted; a kernel, an initramfs, a
 * compressed file or another disk format is refused. Returns NULL and sets
 * *format ("qcow2", "raw"), or the reason for the refusal. Shorter files
 * are given whole. */
#define DRV_SNIFF_BYTES 1024
const char *drv_image_sniff(const unsigned char *head, size_t n, const char **format);

/* An image upload in progress (see drv_image_upload_begin). */
typedef struct drv_upload drv_upload;

typedef struct drv_usb_sel {
    unsigned vendor, product;
    const char *serial; /* NULL: any */
    const char *port;   /* NULL: any */
} drv_usb_sel;

typedef struct drv_vm_spec {
    const char *domain_name;   /* "epfiot-vm-<id>" */
    unsigned vcpus, max_vcpus; /* max >= vcpus: live-resize headroom */
    unsigned long long memory_mib, max_memory_mib;
    const char *base_image;        /* name in the image pool */
    unsigned long long disk_bytes; /* overlay size; 0: the base's size */
    const char *disk_volume;       /* "<domain_name>-disk.qcow2" */
    const char *seed_volume;       /* "<domain_name>-seed.iso", or NULL */
    const void *seed_data;         /* the ISO to upload into seed_volume */
    size_t seed_len;
    const char *mac;        /* NULL: libvirt chooses */
    bool uefi;              /* DRV_UNSUPPORTED when no firmware */
    const drv_usb_sel *usb; /* devices to pass through from boot */
    size_t nusb;
    /* Direct kernel boot, for guests whose disk has no boot loader (the
     * test guest): names of a kernel and an initramfs in the image pool,
     * looked up like base_image, and the kernel command line. NULL: the
     * firmware boots the disk. */
    const char *kernel_image;
    const char *initrd_image; /* may be NULL */
    const char *kernel_args;  /* may be NULL */
} drv_vm_spec;

typedef enum drv_vm_state {
    DRV_VM_SHUTOFF = 0,
    DRV_VM_RUNNING,
    DRV_VM_PAUSED,
    DRV_VM_SHUTTING_DOWN,
    DRV_VM_CRASHED,
    DRV_VM_OTHER, /* blocked, suspended to disk, ...: treat as running */
} drv_vm_state;

const char *drv_vm_state_name(drv_vm_state s);

typedef struct drv_vm_info {
    char *name;
    char uuid[37];
    drv_vm_state state;
    unsigned vcpus, max_vcpus;
    unsigned long long memory_mib, max_memory_mib;
} drv_vm_info;

void drv_vm_info_clear(drv_vm_info *vm);
void drv_vm_info_list_free(drv_vm_info *list, size_t n);

/* Where a resize took effect. */
typedef enum drv_change {
    DRV_CHANGE_LIVE = 0,  /* now, and in the persistent definition */
    DRV_CHANGE_NEXT_BOOT, /* only in the persistent definition */
} drv_change;

/* ---- Events ------------------------------------------------------------ */

typedef enum drv_event_type {
    DRV_EV_VM_STATE = 0, /* a domain changed state (start, stop, crash...) */
    DRV_EV_VM_UNDEFINED, /* a domain went away */
    DRV_EV_USB_ADDED,    /* a node device appeared: re-list USB devices */
    DRV_EV_USB_REMOVED,
    DRV_EV_DISCONNECTED, /* the connection to libvirtd was lost */
    DRV_EV_RECONNECTED,  /* ...and is back: reconcile everything */
} drv_event_type;

typedef struct drv_event {
    drv_event_type type;
    const char *name;   /* domain or node device name; NULL for connection */
    const char *uuid;   /* domains only */
    drv_vm_state state; /* VM_STATE: the new state */
} drv_event;

/* Called on the driver's event thread; must not block for long. The event
 * and its strings are valid only during the call. */
typedef void (*drv_event_fn)(const drv_event *ev, void *opaque);

typedef struct drv_options {
    const char *uri;        /* "qemu:///system", "test:///default", ... */
    const char *image_pool; /* base images */
    const char *vm_pool;    /* overlays and seeds; may equal image_pool */
    const char *network;    /* libvirt network for the VMs' NIC */
    /* Volumes whose names start with this are never base images. */
    const char *vm_prefix; /* "epfiot-vm-" */
    /* Use TCG even when the host claims KVM: on some hosts (nested
     * virtualisation) a KVM guest hangs before its kernel prints a line,
     * and libvirt cannot tell. */
    bool force_tcg;
    /* Where domain capabilities offer KVM, boot a tiny probe guest first
     * and use KVM only if it prints on its console within 10 s (else TCG,
     * with the reason in drv_host_info.warning). Never on the test
     * hypervisor. */
    bool kvm_probe;
    /* The probe guest boots this kernel of the image pool (a volume name;
     * the test guest's vmlinux is one): a broken nested KVM hangs before
     * the kernel prints, while firmware alone may still print there. NULL:
     * the firmware alone is probed. */
    const char *kvm_probe_kernel;
    drv_event_fn on_event; /* may be NULL */
    void *opaque;
} drv_options;

/* What `epfiotd setup-host` creates when missing: the network and pools
 * named in drv_options, with these parameters. */
typedef struct drv_host_spec {
    const char *bridge;     /* "epfiotbr0" */
    const char *address;    /* the host's address on it, "10.128.0.1" */
    unsigned prefix;        /* 24 */
    const char *dhcp_start; /* "10.128.0.2" */
    const char *dhcp_end;   /* "10.128.0.254" */
    const char *image_dir;  /* directory of the image pool, on the libvirt host */
    const char *vm_dir;     /* of the VM pool (unused when it is the image pool) */
} drv_host_spec;

/* One line of a report ("created network epfiot ..."), for the caller to
 * print or log. */
typedef void (*drv_say_fn)(void *ud, const char *line);

/* ---- The table --------------------------------------------------------- */

typedef struct drv_ops {
    const char *name;
    /* Connects to opts->uri (copied) into d->priv and, when on_event is set,
     * starts event delivery and reconnection. */
    drv_status (*open)(drv *d, const drv_options *opts);
    /* Stops events and closes; called once, also after a failed open. */
    void (*close)(drv *d);
    drv_status (*host_info)(drv *d, drv_host_info *out);
    drv_status (*image_list)(drv *d, drv_image **list, size_t *n);
    drv_status (*image_get)(drv *d, const char *name, drv_image *out);
    /* Creates the overlay (and seed) volumes and defines the domain; on
     * failure nothing of it is left behind. uuid receives the domain UUID. */
    drv_status (*vm_define)(drv *d, const drv_vm_spec *spec, char uuid[37]);
    drv_status (*vm_start)(drv *d, const char *name);
    drv_status (*vm_shutdown)(drv *d, const char *name); /* ACPI, asynchronous */
    drv_status (*vm_force_off)(drv *d, const char *name);
    /* Forces the domain off if needed, undefines it and deletes the volumes
     * named "<name>-*" of the VM pool. Idempotent: removing what is already
     * gone is DRV_OK, which is what crash recovery needs. */
    drv_status (*vm_undefine)(drv *d, const char *name);
    drv_status (*vm_suspend)(drv *d, const char *name);
    drv_status (*vm_resume)(drv *d, const char *name);
    drv_status (*vm_info)(drv *d, const char *name, drv_vm_info *out);
    /* Domains whose names start with prefix ("" for all). */
    drv_status (*vm_list)(drv *d, const char *prefix, drv_vm_info **list, size_t *n);
    /* Volumes of the VM pool whose names start with prefix (for the
     * start-up scan of leftovers). */
    drv_status (*volume_list)(drv *d, const char *prefix, char ***names, size_t *n);
    drv_status (*vm_set_vcpus)(drv *d, const char *name, unsigned vcpus, drv_change *how);
    drv_status (*vm_set_memory)(drv *d, const char *name, unsigned long long mib, drv_change *how);
    /* First IPv4 address from DHCP leases, else ARP, else the guest agent.
     * DRV_NOT_FOUND when none of them knows one (yet). */
    drv_status (*vm_ip)(drv *d, const char *name, char **ip);
    drv_status (*usb_list)(drv *d, drv_usb **list, size_t *n);
    /* Live and persistent when the domain runs, persistent otherwise.
     * NOT_FOUND: no such device on the host (or not attached, for detach);
     * CONFLICT: the selector matches several devices. */
    drv_status (*usb_attach)(drv *d, const char *name, const drv_usb_sel *sel);
    drv_status (*usb_detach)(drv *d, const char *name, const drv_usb_sel *sel);
    /* The domain's XML (persistent definition when inactive_def). */
    drv_status (*vm_xml)(drv *d, const char *name, bool inactive_def, char **xml);
    /* Uploads a new seed ISO into the VM's seed volume (`volume`, named
     * "<name>-..."), growing it when needed. NOT_FOUND: no such volume. */
    drv_status (*vm_seed_update)(drv *d, const char *name, const char *volume, const void *data,
                                 size_t len);
    /* Defines what is missing of the network and the pools (routed network
     * with DHCP, directory pools), starts what is inactive and sets
     * autostart, saying each step; *changes counts them (0: nothing to do).
     * Something that exists is never redefined. */
    drv_status (*host_setup)(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                             unsigned *changes);
    /* Checks that the network and the pools exist, starting inactive ones
     * (said). DRV_NOT_FOUND naming every missing one. */
    drv_status (*host_check)(drv *d, drv_say_fn say, void *ud);
    /* A new base image `name` of exactly `length` bytes, streamed into a
     * new volume of the image pool (virStorageVolUpload): begin creates
     * the volume (CONFLICT if it exists), send passes the bytes in order,
     * finish checks them (drv_image_sniff) and reports the image. A failed
     * send or finish, and abort, delete the volume; finish and abort free
     * *u. Long uploads belong on a handle of their own. */
    drv_status (*image_upload_begin)(drv *d, const char *name, unsigned long long length,
                                     drv_upload **u);
    drv_status (*image_upload_send)(drv *d, drv_upload *u, const void *data, size_t len);
    drv_status (*image_upload_finish)(drv *d, drv_upload *u, drv_image *out);
    void (*image_upload_abort)(drv *d, drv_upload *u);
    /* Deletes a base image; CONFLICT while a VM's disk is backed by it or
     * a domain boots its kernel or initramfs. */
    drv_status (*image_delete)(drv *d, const char *name);
} drv_ops;

struct drv {
    const drv_ops *ops;
    void *priv;
    char err[512];
};

/* ---- Front end: open/close and one wrapper per operation --------------- */

/* Opens a handle on `ops` (lv_driver). *out is set even on failure (unless
 * memory ran out) so that drv_errmsg() can say why; always drv_close() it. */
drv_status drv_open(const drv_ops *ops, const drv_options *opts, drv **out);
void drv_close(drv *d);
const char *drv_errmsg(const drv *d);
/* Records a failure on d (printf-style); returns st. For implementations. */
drv_status drv_seterr(drv *d, drv_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

drv_status drv_host_info_get(drv *d, drv_host_info *out);
drv_status drv_image_list(drv *d, drv_image **list, size_t *n);
drv_status drv_image_get(drv *d, const char *name, drv_image *out);
drv_status drv_vm_define(drv *d, const drv_vm_spec *spec, char uuid[37]);
drv_status drv_vm_start(drv *d, const char *name);
drv_status drv_vm_shutdown(drv *d, const char *name);
drv_status drv_vm_force_off(drv *d, const char *name);
drv_status drv_vm_undefine(drv *d, const char *name);
drv_status drv_vm_suspend(drv *d, const char *name);
drv_status drv_vm_resume(drv *d, const char *name);
drv_status drv_vm_get_info(drv *d, const char *name, drv_vm_info *out);
drv_status drv_vm_list(drv *d, const char *prefix, drv_vm_info **list, size_t *n);
drv_status drv_volume_list(drv *d, const char *prefix, char ***names, size_t *n);
void drv_name_list_free(char **names, size_t n);
drv_status drv_vm_set_vcpus(drv *d, const char *name, unsigned vcpus, drv_change *how);
drv_status drv_vm_set_memory(drv *d, const char *name, unsigned long long mib, drv_change *how);
drv_status drv_vm_ip(drv *d, const char *name, char **ip);
drv_status drv_usb_list(drv *d, drv_usb **list, size_t *n);
drv_status drv_usb_attach(drv *d, const char *name, const drv_usb_sel *sel);
drv_status drv_usb_detach(drv *d, const char *name, const drv_usb_sel *sel);
drv_status drv_vm_xml(drv *d, const char *name, bool inactive_def, char **xml);
drv_status drv_vm_seed_update(drv *d, const char *name, const char *volume, const void *data,
                              size_t len);
/* The MAC address of the VM's (first) NIC, from its persistent definition:
 * the seed's network-config matches the NIC by it. */
drv_status drv_vm_mac(drv *d, const char *name, char mac[18]);
drv_status drv_host_setup(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                          unsigned *changes);
drv_status drv_host_check(drv *d, drv_say_fn say, void *ud);
drv_status drv_image_upload_begin(drv *d, const char *name, unsigned long long length,
                                  drv_upload **u);
drv_status drv_image_upload_send(drv *d, drv_upload *u, const void *data, size_t len);
drv_status drv_image_upload_finish(drv *d, drv_upload *u, drv_image *out);
void drv_image_upload_abort(drv *d, drv_upload *u);
drv_status drv_image_delete(drv *d, const char *name);

/* The libvirt implementation (libvirt.c). */
extern const drv_ops lv_driver;

#endif
