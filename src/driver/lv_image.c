/* lv_image.c -- base images in and out of the image pool, on libvirt's API.
 *
 * An import streams the bytes into a new volume with virStorageVolUpload:
 * the daemon never copies a file itself and never runs qemu-img, and the
 * host may be remote. The volume is created raw with the exact length and
 * the bytes land in it unchanged; a pool refresh afterwards lets libvirt
 * see what they are (qcow2 with its virtual size, or raw). The first bytes
 * are checked (drv_image_sniff) as soon as they arrive, so a refused file
 * stops the stream early; whatever fails, the volume goes, so a failed or
 * aborted upload leaves nothing behind.
 */
#include "lv_internal.h"
#include "xml.h"

#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct drv_upload {
    virConnectPtr c;
    virStoragePoolPtr pool;
    virStorageVolPtr vol;
    virStreamPtr stream;
    bool streaming; /* stream started and neither finished nor aborted */
    char *name;
    unsigned long long length, sent;
    unsigned char head[DRV_SNIFF_BYTES];
    size_t nhead;
};

static bool lv_prefixed(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Drops the volume (by name: a refresh may have replaced the object). */
static void lv_upload_drop(drv_upload *u)
{
    if (u->streaming) {
        virStreamAbort(u->stream);
        u->streaming = false;
    }
    if (u->pool) {
        virStorageVolPtr vol = virStorageVolLookupByName(u->pool, u->name);
        if (vol) {
            virStorageVolDelete(vol, 0);
            virStorageVolFree(vol);
        }
    }
    virResetLastError();
}

static void lv_upload_free(drv_upload *u)
{
    if (u->stream)
        virStreamFree(u->stream);
    if (u->vol)
        virStorageVolFree(u->vol);
    if (u->pool)
        virStoragePoolFree(u->pool);
    if (u->c)
        virConnectClose(u->c);
    free(u->name);
    free(u);
}

drv_status lv_image_upload_begin(drv *d, const char *name, unsigned long long length,
                                 drv_upload **out)
{
    lv_names n = lv_names_of(d);
    if (lv_prefixed(name, n.vm_prefix))
        return drv_seterr(d, DRV_INVALID,
                          "cannot import base image %s: names starting with %s are VM volumes",
                          name, n.vm_prefix);
    drv_upload *u = calloc(1, sizeof *u);
    if (!u || !(u->name = strdup(name)))
        abort();
    u->length = length;
    drv_status st = DRV_OK;
    if (!(u->c = lv_get(d))) {
        st = DRV_ERROR;
        goto fail;
    }
    if (!(u->pool = virStoragePoolLookupByName(u->c, n.image_pool))) {
        st = lv_fail(d, "cannot import base image %s: storage pool %s", name, n.image_pool);
        goto fail;
    }
    virStorageVolPtr old = virStorageVolLookupByName(u->pool, name);
    if (old) {
        virStorageVolFree(old);
        st = drv_seterr(d, DRV_CONFLICT, "cannot import base image %s: it exists already", name);
        goto fail;
    }
    virResetLastError();
    char *xml = dx_image_volume_xml(name, length, "raw");
    u->vol = virStorageVolCreateXML(u->pool, xml, 0);
    free(xml);
    if (!u->vol) {
        st = lv_fail(d, "cannot import base image %s: cannot create its volume", name);
        goto fail;
    }
    if (!(u->stream = virStreamNew(u->c, 0)) ||
        virStorageVolUpload(u->vol, u->stream, 0, length, 0) < 0) {
        st = lv_fail(d, "cannot import base image %s: cannot upload", name);
        lv_upload_drop(u);
        goto fail;
    }
    u->streaming = true;
    *out = u;
    return DRV_OK;
fail:
    lv_upload_free(u);
    virResetLastError();
    return st;
}

drv_status lv_image_upload_send(drv *d, drv_upload *u, const void *data, size_t len)
{
    if (!u->streaming)
        return drv_seterr(d, DRV_ERROR, "cannot import base image %s: the upload is over", u->name);
    if (len > u->length - u->sent) {
        lv_upload_drop(u);
        return drv_seterr(d, DRV_INVALID,
                          "cannot import base image %s: more than the %llu bytes announced",
                          u->name, u->length);
    }
    if (u->nhead < sizeof u->head) {
        size_t k = sizeof u->head - u->nhead;
        k = k < len ? k : len;
        memcpy(u->head + u->nhead, data, k);
        u->nhead += k;
        const char *format, *why;
        if ((u->nhead == sizeof u->head || u->sent + len == u->length) &&
            (why = drv_image_sniff(u->head, u->nhead, &format))) {
            lv_upload_drop(u);
            return drv_seterr(d, DRV_INVALID, "cannot import base image %s: %s", u->name, why);
        }
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        int sent = virStreamSend(u->stream, p, left > 262144 ? 262144 : left);
        if (sent < 0) {
            drv_status st = lv_fail(d, "cannot import base image %s", u->name);
            lv_upload_drop(u);
            return st;
        }
        p += sent;
        left -= (size_t)sent;
    }
    u->sent += len;
    return DRV_OK;
}

drv_status lv_image_upload_finish(drv *d, drv_upload *u, drv_image *out)
{
    drv_status st = DRV_OK;
    const char *format, *why;
    if (!u->streaming) {
        st = drv_seterr(d, DRV_ERROR, "cannot import base image %s: the upload failed", u->name);
        goto out;
    }
    if (u->sent != u->length) {
        st = drv_seterr(d, DRV_INVALID,
                        "cannot import base image %s: %llu of the %llu bytes announced arrived",
                        u->name, u->sent, u->length);
        goto out;
    }
    if ((why = drv_image_sniff(u->head, u->nhead, &format))) {
        st = drv_seterr(d, DRV_INVALID, "cannot import base image %s: %s", u->name, why);
        goto out;
    }
    if (virStreamFinish(u->stream) < 0) {
        st = lv_fail(d, "cannot import base image %s", u->name);
        goto out;
    }
    u->streaming = false;
    /* libvirt probes the format of the files of a directory pool when it
     * refreshes: the raw volume becomes what its bytes are. */
    if (virStoragePoolRefresh(u->pool, 0) < 0) {
        st = lv_fail(d, "cannot import base image %s: cannot refresh the pool", u->name);
        goto out;
    }
    virStorageVolPtr vol = virStorageVolLookupByName(u->pool, u->name);
    if (!vol) {
        st = lv_fail(d, "cannot import base image %s", u->name);
        goto out;
    }
    st = lv_volume_read(d, vol, out, NULL);
    virStorageVolFree(vol);
    if (st == DRV_OK && strcmp(out->format, format) != 0) {
        st = drv_seterr(d, DRV_INVALID,
                        "cannot import base image %s: libvirt reads it as %s, not %s", u->name,
                        out->format, format);
        drv_image_clear(out);
    }
out:
    if (st != DRV_OK)
        lv_upload_drop(u);
    lv_upload_free(u);
    virResetLastError();
    return st;
}

void lv_image_upload_abort(drv *d, drv_upload *u)
{
    (void)d;
    lv_upload_drop(u);
    lv_upload_free(u);
}

/* Whether a VM volume is backed by `path`, or a domain boots it as its
 * kernel or initramfs; *who names the first user found. */
static bool lv_image_used(drv *d, virConnectPtr c, const char *path, char *who, size_t wholen)
{
    lv_names n = lv_names_of(d);
    bool used = false;
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, n.vm_pool);
    virStorageVolPtr *vols = NULL;
    int nvols = pool ? virStoragePoolListAllVolumes(pool, &vols, 0) : 0;
    for (int i = 0; i < nvols; i++) {
        if (!used) {
            char *xml = virStorageVolGetXMLDesc(vols[i], 0);
            xmlDocPtr doc = lv_xml_parse(xml);
            free(xml);
            char *backing = doc ? lv_xpath_str(doc, NULL, "/volume/backingStore/path") : NULL;
            if (backing && strcmp(backing, path) == 0) {
                used = true;
                snprintf(who, wholen, "volume %s is backed by it", virStorageVolGetName(vols[i]));
            }
            free(backing);
            if (doc)
                xmlFreeDoc(doc);
        }
        virStorageVolFree(vols[i]);
    }
    free(vols);
    if (pool)
        virStoragePoolFree(pool);
    virDomainPtr *doms = NULL;
    int ndoms = used ? 0 : virConnectListAllDomains(c, &doms, 0);
    for (int i = 0; i < ndoms; i++) {
        if (!used) {
            char *xml = virDomainGetXMLDesc(doms[i], VIR_DOMAIN_XML_INACTIVE);
            xmlDocPtr doc = lv_xml_parse(xml);
            free(xml);
            char *kernel = doc ? lv_xpath_str(doc, NULL, "/domain/os/kernel") : NULL;
            char *initrd = doc ? lv_xpath_str(doc, NULL, "/domain/os/initrd") : NULL;
            if ((kernel && !strcmp(kernel, path)) || (initrd && !strcmp(initrd, path))) {
                used = true;
                snprintf(who, wholen, "domain %s boots it", virDomainGetName(doms[i]));
            }
            free(kernel);
            free(initrd);
            if (doc)
                xmlFreeDoc(doc);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    virResetLastError();
    return used;
}

drv_status lv_image_delete(drv *d, const char *name)
{
    lv_names n = lv_names_of(d);
    if (lv_prefixed(name, n.vm_prefix))
        return drv_seterr(d, DRV_NOT_FOUND, "no base image %s in pool %s", name, n.image_pool);
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    drv_status st = DRV_OK;
    virStorageVolPtr vol = NULL;
    char *path = NULL;
    drv_image img = {0};
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, n.image_pool);
    if (!pool) {
        st = lv_fail(d, "cannot delete base image %s: storage pool %s", name, n.image_pool);
        goto out;
    }
    if (!(vol = virStorageVolLookupByName(pool, name))) {
        st = drv_seterr(d, DRV_NOT_FOUND, "no base image %s in pool %s", name, n.image_pool);
        goto out;
    }
    if ((st = lv_volume_read(d, vol, &img, &path)) != DRV_OK)
        goto out;
    char who[160];
    if (path && lv_image_used(d, c, path, who, sizeof who)) {
        st = drv_seterr(d, DRV_CONFLICT, "cannot delete base image %s: %s", name, who);
        goto out;
    }
    if (virStorageVolDelete(vol, 0) < 0)
        st = lv_fail(d, "cannot delete base image %s", name);
out:
    drv_image_clear(&img);
    free(path);
    if (vol)
        virStorageVolFree(vol);
    if (pool)
        virStoragePoolFree(pool);
    virResetLastError();
    virConnectClose(c);
    return st;
}

bool lv_volume_is_disk(virConnectPtr c, virStorageVolPtr vol)
{
    unsigned char head[DRV_SNIFF_BYTES];
    size_t n = 0;
    virStreamPtr st = virStreamNew(c, 0);
    if (!st || virStorageVolDownload(vol, st, 0, sizeof head, 0) < 0) {
        /* Cannot look (libvirt's test host): list it as libvirt says. */
        if (st)
            virStreamFree(st);
        virResetLastError();
        return true;
    }
    for (;;) {
        int r = virStreamRecv(st, (char *)head + n, sizeof head - n);
        if (r <= 0 || (n += (size_t)r) == sizeof head)
            break;
    }
    /* Done with it either way; whatever is left unread is dropped. */
    if (n == sizeof head)
        virStreamAbort(st);
    else
        virStreamFinish(st);
    virStreamFree(st);
    virResetLastError();
    const char *format;
    return n == 0 || drv_image_sniff(head, n, &format) == NULL;
}

char *lv_image_path(drv *d, virConnectPtr c, const char *name)
{
    if (!drv_name_valid(name))
        return NULL;
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, lv_names_of(d).image_pool);
    virStorageVolPtr vol = pool ? virStorageVolLookupByName(pool, name) : NULL;
    char *path = vol ? virStorageVolGetPath(vol) : NULL;
    if (vol)
        virStorageVolFree(vol);
    if (pool)
        virStoragePoolFree(pool);
    virResetLastError();
    return path;
}
