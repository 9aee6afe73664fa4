/* bench_vm.c -- what creating and booting a VM costs, on real QEMU.
 *
 * Run through tests/vm/run.sh (a private libvirtd in its own namespace, the
 * test guest in the image pool):
 *   tests/vm/run.sh build/bench/vm/bench_vm
 * It prints, as plain lines:
 *  1. createVm latency (drv_vm_define: qcow2 overlay + seed upload + domain
 *     definition) for a 200 MB and a 20 GB base image, against a full copy
 *     of the same base through the storage API (virStorageVolCreateXMLFrom,
 *     what copying the whole file costs), in the same run. Both bases are raw
 *     volumes made through the storage API holding 200 MB of data; the 20 GB
 *     one is sparse beyond that, as a real image's unused space is.
 *  2. Boot-to-IP time of the test guest under TCG with 1, 2 and 4 VMs
 *     started at once (define + start + DHCP lease), which shows how many
 *     such VMs this machine runs side by side before boots slow down.
 */
#include "driver.h"
#include "seed.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *uri, *dir;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000}, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static drv_options options(void)
{
    return (drv_options){
        .uri = uri,
        .image_pool = "epfiot-images",
        .vm_pool = "epfiot-vms",
        .network = "epfiot",
        .vm_prefix = "epfiot-vm-",
    };
}

static int setup_host(virConnectPtr c)
{
    static const char *const pools[] = {"epfiot-images", "images", "epfiot-vms", "vms"};
    for (int i = 0; i < 4; i += 2) {
        char xml[1024];
        snprintf(xml, sizeof xml,
                 "<pool type='dir'><name>%s</name><target><path>%s/pool/%s</path></target></pool>",
                 pools[i], dir, pools[i + 1]);
        virStoragePoolPtr p = virStoragePoolDefineXML(c, xml, 0);
        if (!p || virStoragePoolCreate(p, 0) < 0)
            return -1;
        virStoragePoolFree(p);
    }
    virNetworkPtr n = virNetworkDefineXML(
        c, "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
           "<name>epfiot</name><forward mode='route'/><bridge name='epfiotbr0'/>"
           "<ip address='10.128.0.1' netmask='255.255.255.0'>"
           "<dhcp><range start='10.128.0.10' end='10.128.0.250'/></dhcp></ip>"
           "<dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options></network>");
    if (!n || virNetworkCreate(n) < 0)
        return -1;
    virNetworkFree(n);
    return 0;
}

/* A raw base of `capacity` bytes whose first 200 MB are data. */
static int make_base(virConnectPtr c, const char *name, unsigned long long capacity)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(c, "epfiot-images");
    char xml[512];
    snprintf(xml, sizeof xml,
             "<volume><name>%s</name><capacity unit='bytes'>%llu</capacity>"
             "<allocation>0</allocation><target><format type='raw'/></target></volume>",
             name, capacity);
    virStorageVolPtr v = p ? virStorageVolCreateXML(p, xml, 0) : NULL;
    virStreamPtr st = v ? virStreamNew(c, 0) : NULL;
    size_t data = 200u << 20, chunk = 1 << 20;
    int rc = st && virStorageVolUpload(v, st, 0, data, 0) == 0 ? 0 : -1;
    char *buf = malloc(chunk);
    for (size_t i = 0; i < chunk; i++)
        buf[i] = (char)(i * 7 + 1);
    for (size_t off = 0; rc == 0 && off < data; off += chunk)
        if (virStreamSend(st, buf, chunk) != (int)chunk)
            rc = -1;
    if (rc == 0 && virStreamFinish(st) < 0)
        rc = -1;
    free(buf);
    if (st)
        virStreamFree(st);
    if (v)
        virStorageVolFree(v);
    if (p)
        virStoragePoolFree(p);
    return rc;
}

static drv_vm_spec spec_for(const char *name, const char *base, char *disk, char *seed,
                            const unsigned char *iso, size_t len, const char *mac)
{
    sprintf(disk, "%s-disk.qcow2", name);
    sprintf(seed, "%s-seed.iso", name);
    return (drv_vm_spec){
        .domain_name = name,
        .vcpus = 1,
        .memory_mib = 160,
        .base_image = base,
        .disk_volume = disk,
        .seed_volume = seed,
        .seed_data = iso,
        .seed_len = len,
        .mac = mac,
        .kernel_image = "vmlinux",
        .initrd_image = "initrd",
        .kernel_args = "console=ttyS0 quiet no_timer_check",
    };
}

static void bench_create(drv *d, virConnectPtr c, const char *base)
{
    enum { N = 7 };
    double t[N];
    seed_config sc = {.instance_id = "bench", .hostname = "bench", .mac = "52:54:00:e9:30:01"};
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256];
    if (!seed_iso_build(&sc, &iso, &len, err, sizeof err)) {
        fprintf(stderr, "seed: %s\n", err);
        exit(1);
    }
    for (int i = 0; i < N; i++) {
        char disk[64], seed[64], uuid[37];
        drv_vm_spec s = spec_for("epfiot-vm-100", base, disk, seed, iso, len, sc.mac);
        double t0 = now_s();
        if (drv_vm_define(d, &s, uuid) != DRV_OK) {
            fprintf(stderr, "define: %s\n", drv_errmsg(d));
            exit(1);
        }
        t[i] = now_s() - t0;
        drv_vm_undefine(d, "epfiot-vm-100");
    }
    free(iso);
    qsort(t, N, sizeof t[0], cmp_double);

    virStoragePoolPtr p = virStoragePoolLookupByName(c, "epfiot-images");
    virStorageVolPtr src = p ? virStorageVolLookupByName(p, base) : NULL;
    virStorageVolInfo vi = {0};
    virStorageVolGetInfo(src, &vi);
    char xml[256];
    snprintf(xml, sizeof xml,
             "<volume><name>copy-of-%s</name><capacity unit='bytes'>%llu</capacity>"
             "<target><format type='raw'/></target></volume>",
             base, vi.capacity);
    double t0 = now_s();
    virStorageVolPtr copy = virStorageVolCreateXMLFrom(p, xml, src, 0);
    double tcopy = now_s() - t0;
    if (!copy) {
        fprintf(stderr, "copy failed\n");
        exit(1);
    }
    virStorageVolDelete(copy, 0);
    virStorageVolFree(copy);
    virStorageVolFree(src);
    virStoragePoolFree(p);
    printf("createVm  base %-9s (%6.1f GiB virtual): median %6.1f ms  (min %.1f, max %.1f, n=%d)"
           "   full copy: %8.1f ms\n",
           base, (double)vi.capacity / (1u << 30), t[N / 2] * 1e3, t[0] * 1e3, t[N - 1] * 1e3, N,
           tcopy * 1e3);
}

typedef struct boot_vm {
    char name[32], mac[18];
    double secs;
    int ok;
} boot_vm;

static void *boot_one(void *arg)
{
    boot_vm *b = arg;
    drv_options o = options();
    drv *d = NULL;
    double t0 = now_s();
    if (drv_open(&lv_driver, &o, &d) != DRV_OK)
        return NULL;
    seed_config sc = {.instance_id = b->name, .hostname = b->name, .mac = b->mac};
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256], disk[64], seed[64], uuid[37];
    if (seed_iso_build(&sc, &iso, &len, err, sizeof err)) {
        drv_vm_spec s = spec_for(b->name, "base.qcow2", disk, seed, iso, len, b->mac);
        if (drv_vm_define(d, &s, uuid) == DRV_OK && drv_vm_start(d, b->name) == DRV_OK) {
            for (double end = now_s() + 180; !b->ok && now_s() < end; sleep_ms(100)) {
                char *ip = NULL;
                b->ok = drv_vm_ip(d, b->name, &ip) == DRV_OK;
                free(ip);
            }
        }
    }
    b->secs = now_s() - t0;
    free(iso);
    drv_close(d);
    return NULL;
}

static void bench_boot(int n)
{
    boot_vm b[8] = {0};
    pthread_t t[8];
    for (int i = 0; i < n; i++) {
        snprintf(b[i].name, sizeof b[i].name, "epfiot-vm-%d", 200 + i);
        snprintf(b[i].mac, sizeof b[i].mac, "52:54:00:e9:40:%02x", (unsigned)(i + 1) & 0xffu);
        pthread_create(&t[i], NULL, boot_one, &b[i]);
    }
    double sum = 0, max = 0;
    int ok = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        ok += b[i].ok;
        sum += b[i].secs;
        max = b[i].secs > max ? b[i].secs : max;
    }
    printf("boot-to-IP  %d VM(s) at once under TCG: mean %5.1f s, slowest %5.1f s, %d/%d got a "
           "lease\n",
           n, sum / n, max, ok, n);
    drv_options o = options();
    drv *d = NULL;
    if (drv_open(&lv_driver, &o, &d) == DRV_OK)
        for (int i = 0; i < n; i++)
            drv_vm_undefine(d, b[i].name);
    drv_close(d);
}

int main(int argc, char **argv)
{
    uri = getenv("EPFIOT_VM_URI");
    dir = getenv("EPFIOT_VM_DIR");
    if (!uri || !dir || (argc > 1 && strcmp(argv[1], "--help") == 0)) {
        fprintf(stderr, "usage: tests/vm/run.sh bench_vm  (createVm latency and boot-to-IP)\n");
        return 2;
    }
    /* A stream whose far end gave up must fail a call, not kill us. */
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    virConnectPtr c = virConnectOpen(uri);
    if (!c || setup_host(c) < 0 || make_base(c, "base-200m.raw", 200ull << 20) < 0 ||
        make_base(c, "base-20g.raw", 20ull << 30) < 0) {
        virErrorPtr e = virGetLastError();
        fprintf(stderr, "bench_vm: cannot set up the host: %s\n",
                e && e->message ? e->message : "?");
        return 1;
    }
    drv_options o = options();
    drv *d = NULL;
    if (drv_open(&lv_driver, &o, &d) != DRV_OK) {
        fprintf(stderr, "bench_vm: %s\n", d ? drv_errmsg(d) : "cannot open");
        return 1;
    }
    bench_create(d, c, "base-200m.raw");
    bench_create(d, c, "base-20g.raw");
    drv_close(d);
    virConnectClose(c);
    for (int n = 1; n <= 4; n *= 2)
        bench_boot(n);
    return 0;
}
