/* lv_host.c -- the host's network and storage pools, on libvirt's API.
 *
 * `epfiotd setup-host` makes a fresh libvirt host ready for EPFIOT: the
 * VMs' routed network (with DHCP) and the directory pools of base images
 * and VM volumes, defined, started and set to autostart -- through the
 * connection, so it works on a remote URI (qemu+ssh://) exactly as on the
 * local one, and runs no command. What exists is never redefined, only
 * started and marked autostart when it is not yet, so a second run changes
 * nothing and says so.
 *
 * At every start the daemon checks the same objects (lv_host_check):
 * inactive ones are started (a host rebooted with autostart off), missing
 * ones are an error that names them.
 */
#include "lv_internal.h"
#include "xml.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lv_say(drv_say_fn say, void *ud, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lv_say(drv_say_fn say, void *ud, const char *fmt, ...)
{
    if (!say)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    say(ud, line);
}

static bool lv_ipv4_valid(const char *s)
{
    struct in_addr a;
    return s && inet_pton(AF_INET, s, &a) == 1;
}

/* A Linux interface name: 1-15 bytes of [A-Za-z0-9_.-]. */
static bool lv_bridge_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n < 16 &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static drv_status lv_spec_check(drv *d, const drv_host_spec *s, const char *network)
{
    if (!lv_bridge_valid(s->bridge))
        return drv_seterr(d, DRV_INVALID,
                          "cannot create network %s: bad bridge name (1-15 characters of "
                          "A-Z a-z 0-9 _ . -)",
                          network);
    if (!lv_ipv4_valid(s->address) || !lv_ipv4_valid(s->dhcp_start) ||
        !lv_ipv4_valid(s->dhcp_end) || s->prefix < 8 || s->prefix > 30)
        return drv_seterr(d, DRV_INVALID,
                          "cannot create network %s: address, DHCP start and end must be IPv4 "
                          "addresses and the prefix 8-30",
                          network);
    return DRV_OK;
}

static drv_status lv_setup_network(drv *d, virConnectPtr c, const drv_host_spec *s, drv_say_fn say,
                                   void *ud, unsigned *changes)
{
    const char *name = lv_names_of(d).network;
    virNetworkPtr net = virNetworkLookupByName(c, name);
    drv_status st = DRV_OK;
    if (!net) {
        if (lv_last_code() != VIR_ERR_NO_NETWORK)
            return lv_fail(d, "cannot look up network %s", name);
        virResetLastError();
        if ((st = lv_spec_check(d, s, name)) != DRV_OK)
            return st;
        dx_network m = {
            .name = name,
            .bridge = s->bridge,
            .address = s->address,
            .prefix = s->prefix,
            .dhcp_start = s->dhcp_start,
            .dhcp_end = s->dhcp_end,
            .no_ping = true,
        };
        char *xml = dx_network_xml(&m);
        net = virNetworkDefineXML(c, xml);
        free(xml);
        if (!net)
            return lv_fail(d, "cannot create network %s", name);
        lv_say(say, ud, "created network %s: routed, %s/%u on bridge %s, DHCP %s-%s", name,
               s->address, s->prefix, s->bridge, s->dhcp_start, s->dhcp_end);
        (*changes)++;
    }
    if (virNetworkIsActive(net) != 1) {
        if (virNetworkCreate(net) < 0) {
            st = lv_fail(d, "cannot start network %s", name);
            goto out;
        }
        lv_say(say, ud, "started network %s", name);
        (*changes)++;
    }
    int autostart = 0;
    if (virNetworkGetAutostart(net, &autostart) < 0 || !autostart) {
        if (virNetworkSetAutostart(net, 1) < 0) {
            st = lv_fail(d, "cannot set autostart on network %s", name);
            goto out;
        }
        lv_say(say, ud, "network %s starts with libvirtd (autostart)", name);
        (*changes)++;
    }
out:
    virNetworkFree(net);
    return st;
}

static drv_status lv_setup_pool(drv *d, virConnectPtr c, const char *name, const char *dir,
                                drv_say_fn say, void *ud, unsigned *changes)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(c, name);
    drv_status st = DRV_OK;
    if (!pool) {
        if (lv_last_code() != VIR_ERR_NO_STORAGE_POOL)
            return lv_fail(d, "cannot look up storage pool %s", name);
        virResetLastError();
        if (!dir || dir[0] != '/')
            return drv_seterr(d, DRV_INVALID,
                              "cannot create storage pool %s: its directory must be an "
                              "absolute path",
                              name);
        char *xml = dx_dir_pool_xml(name, dir);
        pool = virStoragePoolDefineXML(c, xml, 0);
        free(xml);
        if (!pool)
            return lv_fail(d, "cannot create storage pool %s", name);
        /* Makes the directory (on the libvirt host, which may be remote). */
        if (virStoragePoolBuild(pool, 0) < 0) {
            st = lv_fail(d, "cannot create the directory %s of storage pool %s", dir, name);
            virStoragePoolUndefine(pool);
            goto out;
        }
        lv_say(say, ud, "created storage pool %s in %s", name, dir);
        (*changes)++;
    }
    if (virStoragePoolIsActive(pool) != 1) {
        if (virStoragePoolCreate(pool, 0) < 0) {
            st = lv_fail(d, "cannot start storage pool %s", name);
            goto out;
        }
        lv_say(say, ud, "started storage pool %s", name);
        (*changes)++;
    }
    int autostart = 0;
    if (virStoragePoolGetAutostart(pool, &autostart) < 0 || !autostart) {
        if (virStoragePoolSetAutostart(pool, 1) < 0) {
            st = lv_fail(d, "cannot set autostart on storage pool %s", name);
            goto out;
        }
        lv_say(say, ud, "storage pool %s starts with libvirtd (autostart)", name);
        (*changes)++;
    }
out:
    virStoragePoolFree(pool);
    return st;
}

drv_status lv_host_setup(drv *d, const drv_host_spec *spec, drv_say_fn say, void *ud,
                         unsigned *changes)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    lv_names n = lv_names_of(d);
    drv_status st = lv_setup_network(d, c, spec, say, ud, changes);
    if (st == DRV_OK)
        st = lv_setup_pool(d, c, n.image_pool, spec->image_dir, say, ud, changes);
    if (st == DRV_OK && strcmp(n.vm_pool, n.image_pool) != 0)
        st = lv_setup_pool(d, c, n.vm_pool, spec->vm_dir, say, ud, changes);
    virResetLastError();
    virConnectClose(c);
    return st;
}

/* Appends "what name" to the list of missing objects. */
static void lv_missing(char *buf, size_t size, const char *what, const char *name)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s %s", len ? ", " : "", what, name);
}

drv_status lv_host_check(drv *d, drv_say_fn say, void *ud)
{
    virConnectPtr c = lv_get(d);
    if (!c)
        return DRV_ERROR;
    lv_names n = lv_names_of(d);
    char missing[400] = "";
    drv_status st = DRV_OK;
    virNetworkPtr net = virNetworkLookupByName(c, n.network);
    if (!net) {
        if (lv_last_code() != VIR_ERR_NO_NETWORK) {
            st = lv_fail(d, "cannot look up network %s", n.network);
            goto out;
        }
        lv_missing(missing, sizeof missing, "network", n.network);
    } else {
        if (virNetworkIsActive(net) != 1) {
            if (virNetworkCreate(net) < 0) {
                st = lv_fail(d, "cannot start network %s", n.network);
                virNetworkFree(net);
                goto out;
            }
            lv_say(say, ud, "started network %s (it was inactive)", n.network);
        }
        virNetworkFree(net);
    }
    const char *pools[2] = {n.image_pool, strcmp(n.vm_pool, n.image_pool) ? n.vm_pool : NULL};
    for (int i = 0; i < 2 && pools[i]; i++) {
        virStoragePoolPtr pool = virStoragePoolLookupByName(c, pools[i]);
        if (!pool) {
            if (lv_last_code() != VIR_ERR_NO_STORAGE_POOL) {
                st = lv_fail(d, "cannot look up storage pool %s", pools[i]);
                goto out;
            }
            lv_missing(missing, sizeof missing, "storage pool", pools[i]);
            continue;
        }
        if (virStoragePoolIsActive(pool) != 1) {
            if (virStoragePoolCreate(pool, 0) < 0) {
                st = lv_fail(d, "cannot start storage pool %s", pools[i]);
                virStoragePoolFree(pool);
                goto out;
            }
            lv_say(say, ud, "started storage pool %s (it was inactive)", pools[i]);
        }
        virStoragePoolFree(pool);
    }
    if (missing[0])
        st = drv_seterr(d, DRV_NOT_FOUND, "%s on %s: missing %s", "the host is not set up", n.uri,
                        missing);
out:
    virResetLastError();
    virConnectClose(c);
    return st;
}
