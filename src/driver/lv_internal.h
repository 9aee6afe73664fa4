/* lv_internal.h -- what libvirt.c shares with the other files of the
 * libvirt implementation (lv_host.c). Not for use outside src/driver/. */
#ifndef EPFIOT_DRIVER_LV_INTERNAL_H
#define EPFIOT_DRIVER_LV_INTERNAL_H

#include "driver.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

/* A reference to the current connection, or NULL (with an error recorded)
 * while it is being re-established. Release with virConnectClose. */
virConnectPtr lv_get(drv *d);
/* Records "<context>: <libvirt's message>"; returns the mapped status. */
drv_status lv_fail(drv *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
drv_status lv_status_of(int code);
int lv_last_code(void);

/* The names given at open (borrowed; valid until close). */
typedef struct lv_names {
    const char *uri, *image_pool, *vm_pool, *network, *vm_prefix;
} lv_names;
lv_names lv_names_of(drv *d);

/* XML libvirt returns (libvirt.c). */
xmlDocPtr lv_xml_parse(const char *text);
/* The string value of an XPath expression (malloc'ed; NULL when empty). */
char *lv_xpath_str(xmlDocPtr doc, xmlNodePtr node, const char *expr);
/* Name, format and capacity of a volume; *path when path is not NULL. */
drv_status lv_volume_read(drv *d, virStorageVolPtr vol, drv_image *out, char **path);

/* Boots a tiny guest of virt_type ("kvm", "qemu") -- the firmware alone,
 * or `kernel` (a host path) -- and waits up to timeout_ms for it to print
 * on its console (lv_probe.c). false with the reason in why. */
bool lv_guest_probe(virConnectPtr c, const char *virt_type, const char *kernel, unsigned timeout_ms,
                    char *why, size_t whylen);
/* The host path of volume `name` of the image pool (malloc'ed), or NULL. */
char *lv_image_path(drv *d, virConnectPtr c, const char *name);

drv_status lv_host_setup(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                         unsigned *changes);
drv_status lv_host_check(drv *d, drv_say_fn say, void *ud);

drv_status lv_image_upload_begin(drv *d, const char *name, unsigned long long length,
                                 drv_upload **u);
drv_status lv_image_upload_send(drv *d, drv_upload *u, const void *data, size_t len);
drv_status lv_image_upload_finish(drv *d, drv_upload *u, drv_image *out);
void lv_image_upload_abort(drv *d, drv_upload *u);
drv_status lv_image_delete(drv *d, const char *name);
/* Whether a raw volume's first bytes are a disk's (drv_image_sniff), not a
 * kernel's or an initramfs's; true when they cannot be read. */
bool lv_volume_is_disk(virConnectPtr c, virStorageVolPtr vol);

#endif
