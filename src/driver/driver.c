/* driver.c -- the driver-neutral front of driver.h.
 *
 * Each public function clears the handle's error, checks the names it is
 * given (so that no implementation can forget to) and calls through the
 * table. Name checking lives here because it is a security boundary: the
 * thesis system let "../user/1/secret.qcow2" and "x; reboot" through to
 * cp and ssh; here no such string ever reaches libvirt.
 */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *drv_status_name(drv_status s)
{
    switch (s) {
    case DRV_OK:
        return "ok";
    case DRV_NOT_FOUND:
        return "not found";
    case DRV_INVALID:
        return "invalid argument";
    case DRV_CONFLICT:
        return "conflict";
    case DRV_UNSUPPORTED:
        return "unsupported";
    case DRV_ERROR:
        return "error";
    }
    return "error";
}

const char *drv_virt_name(drv_virt v)
{
    switch (v) {
    case DRV_VIRT_KVM:
        return "KVM";
    case DRV_VIRT_TCG:
        return "TCG";
    case DRV_VIRT_TEST:
        return "TEST";
    }
    return "TCG";
}

const char *drv_vm_state_name(drv_vm_state s)
{
    switch (s) {
    case DRV_VM_SHUTOFF:
        return "shutoff";
    case DRV_VM_RUNNING:
        return "running";
    case DRV_VM_PAUSED:
        return "paused";
    case DRV_VM_SHUTTING_DOWN:
        return "shutting down";
    case DRV_VM_CRASHED:
        return "crashed";
    case DRV_VM_OTHER:
        return "other";
    }
    return "other";
}

bool drv_name_valid(const char *name)
{
    if (!name || !*name || name[0] == '.' || name[0] == '-')
        return false;
    size_t n = strlen(name);
    if (n > DRV_NAME_MAX || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

void drv_image_clear(drv_image *img)
{
    free(img->name);
    free(img->format);
    *img = (drv_image){0};
}

void drv_image_list_free(drv_image *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        drv_image_clear(&list[i]);
    free(list);
}

void drv_usb_clear(drv_usb *u)
{
    free(u->nodedev);
    free(u->vendor_name);
    free(u->product_name);
    free(u->serial);
    free(u->port);
    *u = (drv_usb){0};
}

void drv_usb_list_free(drv_usb *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        drv_usb_clear(&list[i]);
    free(list);
}

void drv_vm_info_clear(drv_vm_info *vm)
{
    free(vm->name);
    *vm = (drv_vm_info){0};
}

void drv_vm_info_list_free(drv_vm_info *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        drv_vm_info_clear(&list[i]);
    free(list);
}

void drv_name_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

drv_status drv_seterr(drv *d, drv_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, sizeof d->err, fmt, ap);
    va_end(ap);
    return st;
}

const char *drv_errmsg(const drv *d)
{
    return d ? d->err : "out of memory";
}

drv_status drv_open(const drv_ops *ops, const drv_options *opts, drv **out)
{
    drv *d = calloc(1, sizeof *d);
    *out = d;
    if (!d)
        abort();
    d->ops = ops;
    if (!opts || !opts->uri)
        return drv_seterr(d, DRV_INVALID, "cannot open hypervisor connection: no URI");
    const char *pools[] = {opts->image_pool, opts->vm_pool};
    for (size_t i = 0; i < 2; i++)
        if (pools[i] && !drv_name_valid(pools[i]))
            return drv_seterr(d, DRV_INVALID, "cannot open %s: invalid pool name", opts->uri);
    return ops->open(d, opts);
}

void drv_close(drv *d)
{
    if (!d)
        return;
    if (d->ops && d->ops->close)
        d->ops->close(d);
    free(d);
}

/* Clears the error and rejects an invalid name with a message that says
 * which operation refused it. */
static drv_status drv_begin(drv *d, const char *what, const char *name)
{
    d->err[0] = '\0';
    if (name && !drv_name_valid(name))
        return drv_seterr(d, DRV_INVALID,
                          "cannot %s: invalid name (1-%d characters of A-Z a-z 0-9 . _ -, "
                          "no leading '.' or '-', no '..')",
                          what, DRV_NAME_MAX);
    return DRV_OK;
}

#define DRV_NAMED(what, name)                                                                      \
    do {                                                                                           \
        drv_status st_ = drv_begin(d, what, name);                                                 \
        if (st_ != DRV_OK)                                                                         \
            return st_;                                                                            \
    } while (0)

drv_status drv_host_info_get(drv *d, drv_host_info *out)
{
    DRV_NAMED("read host information", NULL);
    return d->ops->host_info(d, out);
}

drv_status drv_image_list(drv *d, drv_image **list, size_t *n)
{
    DRV_NAMED("list images", NULL);
    return d->ops->image_list(d, list, n);
}

drv_status drv_image_get(drv *d, const char *name, drv_image *out)
{
    *out = (drv_image){0};
    DRV_NAMED("look up base image", name);
    return d->ops->image_get(d, name, out);
}

drv_status drv_vm_define(drv *d, const drv_vm_spec *spec, char uuid[37])
{
    uuid[0] = '\0';
    DRV_NAMED("define VM", spec->domain_name);
    DRV_NAMED("define VM with this base image", spec->base_image);
    DRV_NAMED("define VM with this disk volume", spec->disk_volume);
    if (spec->seed_volume)
        DRV_NAMED("define VM with this seed volume", spec->seed_volume);
    return d->ops->vm_define(d, spec, uuid);
}

#define DRV_BY_NAME(fn, what)                                                                      \
    drv_status drv_##fn(drv *d, const char *name)                                                  \
    {                                                                                              \
        DRV_NAMED(what, name);                                                                     \
        return d->ops->fn(d, name);                                                                \
    }

DRV_BY_NAME(vm_start, "start VM")
DRV_BY_NAME(vm_shutdown, "shut down VM")
DRV_BY_NAME(vm_force_off, "force off VM")
DRV_BY_NAME(vm_undefine, "undefine VM")
DRV_BY_NAME(vm_suspend, "suspend VM")
DRV_BY_NAME(vm_resume, "resume VM")

drv_status drv_vm_get_info(drv *d, const char *name, drv_vm_info *out)
{
    *out = (drv_vm_info){0};
    DRV_NAMED("read VM state", name);
    return d->ops->vm_info(d, name, out);
}

drv_status drv_vm_list(drv *d, const char *prefix, drv_vm_info **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    DRV_NAMED("list VMs", NULL);
    return d->ops->vm_list(d, prefix ? prefix : "", list, n);
}

drv_status drv_volume_list(drv *d, const char *prefix, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DRV_NAMED("list volumes", NULL);
    return d->ops->volume_list(d, prefix ? prefix : "", names, n);
}

drv_status drv_vm_set_vcpus(drv *d, const char *name, unsigned vcpus, drv_change *how)
{
    DRV_NAMED("set vCPUs of VM", name);
    if (vcpus == 0)
        return drv_seterr(d, DRV_INVALID, "cannot set vCPUs of %s to 0", name);
    return d->ops->vm_set_vcpus(d, name, vcpus, how);
}

drv_status drv_vm_set_memory(drv *d, const char *name, unsigned long long mib, drv_change *how)
{
    DRV_NAMED("set memory of VM", name);
    if (mib == 0)
        return drv_seterr(d, DRV_INVALID, "cannot set memory of %s to 0 MiB", name);
    return d->ops->vm_set_memory(d, name, mib, how);
}

drv_status drv_vm_ip(drv *d, const char *name, char **ip)
{
    *ip = NULL;
    DRV_NAMED("look up the address of VM", name);
    return d->ops->vm_ip(d, name, ip);
}

drv_status drv_usb_list(drv *d, drv_usb **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    DRV_NAMED("list USB devices", NULL);
    return d->ops->usb_list(d, list, n);
}

drv_status drv_usb_attach(drv *d, const char *name, const drv_usb_sel *sel)
{
    DRV_NAMED("attach a USB device to VM", name);
    return d->ops->usb_attach(d, name, sel);
}

drv_status drv_usb_detach(drv *d, const char *name, const drv_usb_sel *sel)
{
    DRV_NAMED("detach a USB device from VM", name);
    return d->ops->usb_detach(d, name, sel);
}

drv_status drv_vm_xml(drv *d, const char *name, bool inactive_def, char **xml)
{
    *xml = NULL;
    DRV_NAMED("read the definition of VM", name);
    return d->ops->vm_xml(d, name, inactive_def, xml);
}

drv_status drv_vm_seed_update(drv *d, const char *name, const char *volume, const void *data,
                              size_t len)
{
    DRV_NAMED("update the seed of VM", name);
    DRV_NAMED("update the seed volume", volume);
    return d->ops->vm_seed_update(d, name, volume, data, len);
}

drv_status drv_vm_mac(drv *d, const char *name, char mac[18])
{
    mac[0] = '\0';
    char *xml = NULL;
    drv_status st = drv_vm_xml(d, name, true, &xml);
    if (st != DRV_OK)
        return st;
    /* libvirt writes its XML in one canonical form: <mac address='...'/>. */
    const char *p = strstr(xml, "<mac address='");
    if (p && strlen(p + 14) > 17 && p[14 + 17] == '\'') {
        memcpy(mac, p + 14, 17);
        mac[17] = '\0';
    } else {
        st = drv_seterr(d, DRV_NOT_FOUND, "VM %s has no network interface", name);
    }
    free(xml);
    return st;
}

drv_status drv_host_setup(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                          unsigned *changes)
{
    *changes = 0;
    DRV_NAMED("set up the host", NULL);
    return d->ops->host_setup(d, spec, say, ud, changes);
}

drv_status drv_host_check(drv *d, drv_say_fn say, void *ud)
{
    DRV_NAMED("check the host", NULL);
    return d->ops->host_check(d, say, ud);
}

drv_status drv_image_upload_begin(drv *d, const char *name, unsigned long long length,
                                  drv_upload **u)
{
    *u = NULL;
    DRV_NAMED("import base image", name);
    if (length == 0)
        return drv_seterr(d, DRV_INVALID, "cannot import base image %s: the file is empty", name);
    return d->ops->image_upload_begin(d, name, length, u);
}

drv_status drv_image_upload_send(drv *d, drv_upload *u, const void *data, size_t len)
{
    return d->ops->image_upload_send(d, u, data, len);
}

drv_status drv_image_upload_finish(drv *d, drv_upload *u, drv_image *out)
{
    *out = (drv_image){0};
    return d->ops->image_upload_finish(d, u, out);
}

void drv_image_upload_abort(drv *d, drv_upload *u)
{
    if (u)
        d->ops->image_upload_abort(d, u);
}

drv_status drv_image_delete(drv *d, const char *name)
{
    DRV_NAMED("delete base image", name);
    return d->ops->image_delete(d, name);
}
