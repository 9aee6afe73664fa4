/* images.c -- base images: import from a file of the daemon's host, upload
 * through the API (a stream), delete. Admin only.
 *
 * The bytes go into the image pool through the driver's upload
 * (virStorageVolUpload), on a driver handle of their own: an upload of a
 * few GiB takes minutes and must not hold the shared handle (drv_lock) that
 * every other request needs. A failed or abandoned upload leaves no volume.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct core_upload {
    core *c;
    drv *d;
    drv_upload *u;
    char name[DRV_NAME_MAX + 1];
};

/* Driver statuses of an upload as API codes, with the driver's message. */
static core_code up_fail(core_call *k, core_upload *up, drv_status st)
{
    core_log(k->c, st == DRV_ERROR ? CORE_LOG_ERROR : CORE_LOG_WARN, "%s", drv_errmsg(up->d));
    core_code code = st == DRV_INVALID                             ? CORE_BAD_USER_INPUT
                     : st == DRV_CONFLICT || st == DRV_UNSUPPORTED ? CORE_CONFLICT
                     : st == DRV_NOT_FOUND                         ? CORE_NOT_FOUND
                                                                   : CORE_INTERNAL;
    return core_fail(k, code, "%s", drv_errmsg(up->d));
}

static void up_free(core_upload *up)
{
    if (up) {
        drv_close(up->d);
        free(up);
    }
}

core_code core_image_upload_begin(core_call *k, const char *name, uint64_t length,
                                  core_upload **out)
{
    *out = NULL;
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (!name || !drv_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid image name (1-%d characters of A-Z a-z 0-9 . _ -, no leading "
                         "'.' or '-', no '..')",
                         DRV_NAME_MAX);
    if (length == 0)
        return core_fail(k, CORE_BAD_USER_INPUT, "cannot import base image %s: it is empty", name);
    core_upload *up = calloc(1, sizeof *up);
    if (!up)
        abort();
    snprintf(up->name, sizeof up->name, "%s", name);
    up->c = k->c;
    const core_config *cfg = &k->c->cfg;
    drv_options o = {
        .uri = cfg->libvirt_uri,
        .image_pool = cfg->image_pool,
        .vm_pool = cfg->vm_pool ? cfg->vm_pool : cfg->image_pool,
        .network = cfg->network,
        .vm_prefix = CORE_VM_PREFIX,
    };
    drv_status st = drv_open(&lv_driver, &o, &up->d);
    if (st == DRV_OK)
        st = drv_image_upload_begin(up->d, name, length, &up->u);
    if (st != DRV_OK) {
        rc = up->d ? up_fail(k, up, st) : core_fail(k, CORE_INTERNAL, "out of memory");
        up_free(up);
        return rc;
    }
    *out = up;
    return CORE_OK;
}

core_code core_image_upload_send(core_call *k, core_upload *up, const void *data, size_t len)
{
    drv_status st = drv_image_upload_send(up->d, up->u, data, len);
    return st == DRV_OK ? CORE_OK : up_fail(k, up, st);
}

core_code core_image_upload_finish(core_call *k, core_upload *up, drv_image *out)
{
    drv_status st = drv_image_upload_finish(up->d, up->u, out);
    up->u = NULL;
    core_code rc = CORE_OK;
    if (st != DRV_OK)
        rc = up_fail(k, up, st);
    else
        core_log(k->c, CORE_LOG_INFO, "imported base image %s (%s, %llu bytes virtual)", out->name,
                 out->format, out->capacity_bytes);
    up_free(up);
    return rc;
}

void core_image_upload_abort(core_upload *up)
{
    if (!up)
        return;
    if (up->u) {
        drv_image_upload_abort(up->d, up->u);
        core_log(up->c, CORE_LOG_WARN, "upload of base image %s abandoned: its volume is removed",
                 up->name);
    }
    up_free(up);
}

core_code core_image_import(core_call *k, const char *name, const char *path, drv_image *out)
{
    *out = (drv_image){0};
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (!path || path[0] != '/')
        return core_fail(k, CORE_BAD_USER_INPUT, "the path must be absolute");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = fd < 0 ? errno : 0;
        if (fd >= 0)
            close(fd);
        return core_fail(k, CORE_BAD_USER_INPUT, "cannot read %s: %s", path,
                         e ? strerror(e) : "not a regular file");
    }
    core_upload *up;
    if ((rc = core_image_upload_begin(k, name, (uint64_t)sb.st_size, &up)) != CORE_OK) {
        close(fd);
        return rc;
    }
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    if (!buf)
        abort();
    uint64_t left = (uint64_t)sb.st_size;
    while (rc == CORE_OK && left > 0) {
        ssize_t r = read(fd, buf, left < CHUNK ? (size_t)left : CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = core_fail(k, CORE_BAD_USER_INPUT, "cannot read %s: %s", path,
                           r < 0 ? strerror(errno) : "it got shorter while being read");
            break;
        }
        rc = core_image_upload_send(k, up, buf, (size_t)r);
        left -= (uint64_t)r;
    }
    free(buf);
    close(fd);
    if (rc != CORE_OK) {
        core_image_upload_abort(up);
        return rc;
    }
    return core_image_upload_finish(k, up, out);
}

core_code core_image_delete(core_call *k, const char *name)
{
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    if (!name || !drv_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT, "invalid image name");
    /* A VM of the store made from it: even where the hypervisor cannot say
     * (libvirt's test host keeps no backing chain). */
    store_vm *vms;
    size_t n;
    if (store_vm_list(k->st, 0, &vms, &n) != STORE_OK)
        return core_store_fail(k, "list VMs");
    for (size_t i = 0; i < n && !rc; i++)
        if (vms[i].base && !strcmp(vms[i].base, name))
            rc = core_fail(k, CORE_CONFLICT,
                           "cannot delete base image %s: VM %s (ID %lld) is made from it; "
                           "destroy the VM first",
                           name, vms[i].name, (long long)vms[i].id);
    store_vm_list_free(vms, n);
    if (rc)
        return rc;
    core_drv_lock(k->c);
    drv_status st = drv_image_delete(k->c->d, name);
    if (st == DRV_NOT_FOUND)
        rc = core_fail(k, CORE_NOT_FOUND, "no base image named %s", name);
    else if (st == DRV_CONFLICT)
        rc = core_fail(k, CORE_CONFLICT, "%s", drv_errmsg(k->c->d));
    else if (st != DRV_OK)
        rc = core_drv_fail(k, st, "cannot delete the base image");
    core_drv_unlock(k->c);
    if (!rc)
        core_log(k->c, CORE_LOG_INFO, "deleted base image %s", name);
    return rc;
}
