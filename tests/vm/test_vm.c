/* test_vm.c -- the libvirt driver on real QEMU: one VM's whole life.
 *
 * Run by tests/vm/run.sh, which builds the test guest (tests/vm/image/),
 * starts a private libvirtd in its own network namespace
 * (tests/vm/harness/vmenv.sh) and passes, in the environment:
 *   EPFIOT_VM_URI   qemu:///system?socket=DIR/libvirt-sock
 *   EPFIOT_VM_DIR   DIR (pools under DIR/pool, libvirt's logs under DIR/log)
 *   EPFIOT_VM_HARNESS  vmenv.sh, to restart libvirtd under the driver
 * The tests run in order and follow one VM through its life, as the daemon
 * drives it: pools and network as setup-host makes them, define (overlay +
 * seed), start, RUNNING by event, DHCP lease, serial-console login as the
 * configured user, live resize, libvirtd restarted under the driver (which
 * reconnects by itself), ACPI power-off seen as SHUTOFF by event,
 * undefine leaving only the base image. The guest runs under TCG (KVM does
 * not boot guests on these machines, shared/notes/vm-testing.md).
 */
#include "../test.h"
#include "driver.h"
#include "seed.h"

#include <crypt.h>
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#define VM "epfiot-vm-1"
#define VM_DISK VM "-disk.qcow2"
#define VM_SEED VM "-seed.iso"
#define VM_MAC "52:54:00:e9:10:01"
#define USER "alice"
#define PASSWORD "correct horse"
#define HOSTNAME "edge-test-1"

static const char *uri, *dir;
static drv *vmd;

/* A driver call that must succeed; says why when it does not. */
#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        drv_status st_ = (call);                                                                   \
        if (st_ != DRV_OK)                                                                         \
            TEST_FAIL_("%s: %s: %s", #call, drv_status_name(st_), drv_errmsg(vmd));                \
    } while (0)

/* The tests follow one VM in order; without a driver handle the rest fail
 * without crashing. */
#define NEED_DRIVER()                                                                              \
    do {                                                                                           \
        CHECK(vmd != NULL);                                                                        \
        if (!vmd)                                                                                  \
            return;                                                                                \
    } while (0)

/* ---- Events ------------------------------------------------------------ */

static struct {
    pthread_mutex_t lock;
    drv_vm_state state[64];
    char name[64][DRV_NAME_MAX + 1];
    int n;
} events = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int reconnections; /* under events.lock */

static void record_event(const drv_event *ev, void *opaque)
{
    if (ev->type == DRV_EV_RECONNECTED) {
        pthread_mutex_lock(&events.lock);
        reconnections++;
        pthread_mutex_unlock(&events.lock);
    }
    if (ev->type != DRV_EV_VM_STATE || !ev->name)
        return;
    pthread_mutex_lock(&events.lock);
    if (events.n < 64) {
        snprintf(events.name[events.n], sizeof events.name[0], "%s", ev->name);
        events.state[events.n++] = ev->state;
    }
    pthread_mutex_unlock(&events.lock);
}

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

/* Waits up to `secs` for the event callback to report `state` for name. */
static bool event_within(const char *name, drv_vm_state state, double secs)
{
    for (double end = now_s() + secs; now_s() < end; sleep_ms(50)) {
        pthread_mutex_lock(&events.lock);
        for (int i = 0; i < events.n; i++) {
            if (strcmp(events.name[i], name) == 0 && events.state[i] == state) {
                pthread_mutex_unlock(&events.lock);
                return true;
            }
        }
        pthread_mutex_unlock(&events.lock);
    }
    return false;
}

/* ---- Host setup (what `epfiotd setup-host` does on a real host) -------- */

static bool define_pool(virConnectPtr c, const char *name, const char *sub)
{
    char xml[1024];
    snprintf(xml, sizeof xml,
             "<pool type='dir'><name>%s</name><target><path>%s/pool/%s</path></target></pool>",
             name, dir, sub);
    virStoragePoolPtr p = virStoragePoolDefineXML(c, xml, 0);
    bool ok = p && virStoragePoolCreate(p, 0) == 0;
    if (p)
        virStoragePoolFree(p);
    return ok;
}

/* A routed network as in the thesis, only inside the test's namespace.
 * no-ping: dnsmasq otherwise pings an address for 3 s before offering it. */
static bool define_network(virConnectPtr c)
{
    const char *xml = "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
                      "<name>epfiot</name><forward mode='route'/><bridge name='epfiotbr0'/>"
                      "<ip address='10.128.0.1' netmask='255.255.255.0'>"
                      "<dhcp><range start='10.128.0.10' end='10.128.0.250'/></dhcp></ip>"
                      "<dnsmasq:options><dnsmasq:option value='no-ping'/></dnsmasq:options>"
                      "</network>";
    virNetworkPtr n = virNetworkDefineXML(c, xml);
    bool ok = n && virNetworkCreate(n) == 0;
    if (n)
        virNetworkFree(n);
    return ok;
}

static drv_options driver_options(void)
{
    /* TCG always: where /dev/kvm exists, domain capabilities offer KVM but
     * a nested KVM guest spins before its kernel prints a line (see the
     * notes on these machines); libvirt cannot tell, so the tests say it. */
    return (drv_options){
        .uri = uri,
        .force_tcg = true,
        .image_pool = "epfiot-images",
        .vm_pool = "epfiot-vms",
        .network = "epfiot",
        .vm_prefix = "epfiot-vm-",
        .kvm_probe = true, /* as the daemon: claimed KVM is tried first */
        .kvm_probe_kernel = "vmlinux",
        .on_event = record_event,
    };
}

TEST(host_has_pools_and_a_routed_network_in_the_private_libvirtd)
{
    virConnectPtr c = virConnectOpen(uri);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(define_pool(c, "epfiot-images", "images"));
    CHECK(define_pool(c, "epfiot-vms", "vms"));
    CHECK(define_network(c));
    virConnectClose(c);
}

TEST(driver_opens_with_events_and_runs_guests_under_tcg)
{
    drv_options o = driver_options();
    CHECK_INT(drv_open(&lv_driver, &o, &vmd), DRV_OK);
    drv_host_info h;
    CHECK_INT(drv_host_info_get(vmd, &h), DRV_OK);
    /* KVM disabled (no usable KVM on these machines): TCG, and the
     * warning says so. */
    CHECK_INT(h.virt, DRV_VIRT_TCG);
    CHECK(h.warning[0] != '\0');
}

TEST(base_images_are_listed_from_the_pool)
{
    NEED_DRIVER();
    drv_image img = {0};
    CHECK_INT(drv_image_get(vmd, "base.qcow2", &img), DRV_OK);
    CHECK_STR(img.format, "qcow2");
    CHECK(img.capacity_bytes >= 64ull << 20);
    drv_image_clear(&img);
}

/* ---- One VM's life ------------------------------------------------------ */

static char *password_hash(void)
{
    /* SHA-512 crypt with a random salt from libcrypt, as core makes it. */
    char *salt = crypt_gensalt_ra("$6$", 0, NULL, 0);
    struct crypt_data cd = {0};
    char *h = salt ? crypt_r(PASSWORD, salt, &cd) : NULL;
    free(salt);
    return h ? strdup(h) : NULL;
}

TEST(define_makes_an_overlay_on_the_base_and_uploads_the_seed)
{
    NEED_DRIVER();
    char *hash = password_hash();
    CHECK(hash != NULL);
    seed_user user = {.name = USER, .password_hash = hash};
    seed_config sc = {
        .instance_id = VM "-1", .hostname = HOSTNAME, .mac = VM_MAC, .users = &user, .nusers = 1};
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256];
    CHECK(seed_iso_build(&sc, &iso, &len, err, sizeof err));
    drv_vm_spec s = {
        .domain_name = VM,
        .vcpus = 1,
        .max_vcpus = 2,
        .memory_mib = 192,
        .max_memory_mib = 256,
        .base_image = "base.qcow2",
        .disk_volume = VM_DISK,
        .seed_volume = VM_SEED,
        .seed_data = iso,
        .seed_len = len,
        .mac = VM_MAC,
        .kernel_image = "vmlinux",
        .initrd_image = "initrd",
        .kernel_args = "console=ttyS0 quiet no_timer_check",
    };
    char uuid[37] = "";
    CHECK_OK(drv_vm_define(vmd, &s, uuid));
    CHECK_INT(strlen(uuid), 36);
    free(iso);
    free(hash);

    /* The overlay is a qcow2 whose backing file is the base: nothing of
     * the base was copied. */
    virConnectPtr c = virConnectOpen(uri);
    virStoragePoolPtr p = virStoragePoolLookupByName(c, "epfiot-vms");
    virStorageVolPtr v = p ? virStorageVolLookupByName(p, VM_DISK) : NULL;
    char *xml = v ? virStorageVolGetXMLDesc(v, 0) : NULL;
    char want[512];
    snprintf(want, sizeof want, "<path>%s/pool/images/base.qcow2</path>", dir);
    CHECK_CONTAINS(xml, want);
    virStorageVolInfo vi = {0};
    CHECK(v && virStorageVolGetInfo(v, &vi) == 0);
    CHECK(vi.allocation < 1u << 20);
    free(xml);
    if (v)
        virStorageVolFree(v);
    v = p ? virStorageVolLookupByName(p, VM_SEED) : NULL;
    CHECK(v && virStorageVolGetInfo(v, &vi) == 0 && vi.capacity == len);
    if (v)
        virStorageVolFree(v);
    if (p)
        virStoragePoolFree(p);
    virConnectClose(c);
}

/* updateVm's settings reach the guest through a new seed written into the
 * same volume, grown when the new image is larger. */
TEST(seed_update_rewrites_the_seed_volume_and_grows_it)
{
    NEED_DRIVER();
    char *hash = password_hash();
    CHECK(hash != NULL);
    static char names[80][48];
    const char *pkgs[80];
    for (int i = 0; i < 80; i++) {
        snprintf(names[i], sizeof names[i], "package-%02d-with-a-rather-long-name", i);
        pkgs[i] = names[i];
    }
    seed_user user = {.name = USER, .password_hash = hash};
    seed_config sc = {.instance_id = VM "-2",
                      .hostname = HOSTNAME,
                      .mac = VM_MAC,
                      .users = &user,
                      .nusers = 1,
                      .packages = pkgs,
                      .npackages = 80};
    unsigned char *iso = NULL;
    size_t len = 0;
    char err[256];
    CHECK(seed_iso_build(&sc, &iso, &len, err, sizeof err));
    CHECK_OK(drv_vm_seed_update(vmd, VM, VM_SEED, iso, len));
    char path[512];
    snprintf(path, sizeof path, "%s/pool/vms/%s", dir, VM_SEED);
    size_t n = 0;
    char *vol = test_read_file(path, &n);
    CHECK(vol && n >= len);
    char *doc = NULL;
    size_t dn = 0;
    CHECK(vol && seed_iso_read((unsigned char *)vol, n, "/meta-data", &doc, &dn, NULL));
    CHECK_CONTAINS(doc, "instance-id: \"" VM "-2\"");
    free(doc);
    doc = NULL;
    CHECK(vol && seed_iso_read((unsigned char *)vol, n, "/user-data", &doc, &dn, NULL));
    CHECK_CONTAINS(doc, "package-79-with-a-rather-long-name");
    free(doc);
    free(vol);
    CHECK_INT(drv_vm_seed_update(vmd, VM, VM "-none.iso", iso, len), DRV_NOT_FOUND);
    free(iso);
    free(hash);
}

static double boot_started;
static bool running;

TEST(start_is_reported_as_running_by_event)
{
    NEED_DRIVER();
    boot_started = now_s();
    CHECK_OK(drv_vm_start(vmd, VM));
    running = event_within(VM, DRV_VM_RUNNING, 10);
    CHECK(running);
}

/* The guest-side tests need the VM running; they fail at once otherwise. */
#define NEED_RUNNING()                                                                             \
    do {                                                                                           \
        CHECK(running);                                                                            \
        if (!running)                                                                              \
            return;                                                                                \
    } while (0)

TEST(guest_address_comes_from_the_dhcp_lease)
{
    NEED_RUNNING();
    NEED_DRIVER();
    char *ip = NULL;
    drv_status st = DRV_NOT_FOUND;
    for (double end = now_s() + 180; st == DRV_NOT_FOUND && now_s() < end; sleep_ms(250))
        st = drv_vm_ip(vmd, VM, &ip);
    CHECK_INT(st, DRV_OK);
    CHECK(ip && strncmp(ip, "10.128.0.", 9) == 0);
    fprintf(stderr, "  lease %s after %.1f s\n", ip ? ip : "-", now_s() - boot_started);
    free(ip);
}

/* ---- Serial console ------------------------------------------------------ */

typedef struct console {
    virStreamPtr st;
    char buf[16384];
    size_t len;
} console;

/* Reads what the guest printed until `want` appears (true) or `secs` pass. */
static bool console_expect(console *k, const char *want, double secs)
{
    for (double end = now_s() + secs; now_s() < end;) {
        if (k->len >= sizeof k->buf - 512) { /* keep the tail only */
            memmove(k->buf, k->buf + k->len - 512, 512);
            k->len = 512;
        }
        int r = virStreamRecv(k->st, k->buf + k->len, sizeof k->buf - 1 - k->len);
        if (r == -2) {
            sleep_ms(50);
        } else if (r <= 0) {
            return false;
        } else {
            k->len += (size_t)r;
        }
        k->buf[k->len] = '\0';
        char *hit = strstr(k->buf, want);
        if (hit) {
            size_t keep = k->len - (size_t)(hit + strlen(want) - k->buf);
            memmove(k->buf, k->buf + k->len - keep, keep);
            k->len = keep;
            return true;
        }
    }
    return false;
}

static void console_send(console *k, const char *s)
{
    virStreamSend(k->st, s, strlen(s));
}

TEST(configured_user_logs_in_on_the_serial_console)
{
    NEED_RUNNING();
    virConnectPtr c = virConnectOpen(uri);
    virDomainPtr dom = c ? virDomainLookupByName(c, VM) : NULL;
    console k = {.st = c ? virStreamNew(c, VIR_STREAM_NONBLOCK) : NULL};
    CHECK(dom && k.st && virDomainOpenConsole(dom, NULL, k.st, VIR_DOMAIN_CONSOLE_FORCE) == 0);
    if (!dom || !k.st)
        goto out;
    /* A newline makes getty print its prompt again, whatever came before. */
    bool prompt = false;
    for (int i = 0; i < 20 && !prompt; i++) {
        console_send(&k, "\r");
        prompt = console_expect(&k, "login: ", 3);
    }
    CHECK(prompt);
    console_send(&k, USER "\r");
    CHECK(console_expect(&k, "Password: ", 10));
    console_send(&k, PASSWORD "\r");
    CHECK(console_expect(&k, "$ ", 15));
    /* The hostname and the user come from the seed. */
    console_send(&k, "echo \"<$(id -un)@$(hostname)>\"\r");
    CHECK(console_expect(&k, "<" USER "@" HOSTNAME ">", 10));
    console_send(&k, "exit\r");
out:
    if (k.st) {
        virStreamAbort(k.st);
        virStreamFree(k.st);
    }
    if (dom)
        virDomainFree(dom);
    if (c)
        virConnectClose(c);
}

/* ---- Resize -------------------------------------------------------------- */

TEST(vcpus_grow_live_within_the_headroom)
{
    NEED_RUNNING();
    NEED_DRIVER();
    drv_change how = DRV_CHANGE_NEXT_BOOT;
    CHECK_INT(drv_vm_set_vcpus(vmd, VM, 2, &how), DRV_OK);
    CHECK_INT(how, DRV_CHANGE_LIVE);
    drv_vm_info vi = {0};
    CHECK_INT(drv_vm_get_info(vmd, VM, &vi), DRV_OK);
    CHECK_INT(vi.vcpus, 2);
    drv_vm_info_clear(&vi);
}

TEST(memory_changes_live_through_the_balloon)
{
    NEED_RUNNING();
    NEED_DRIVER();
    drv_change how = DRV_CHANGE_NEXT_BOOT;
    CHECK_OK(drv_vm_set_memory(vmd, VM, 160, &how));
    CHECK_INT(how, DRV_CHANGE_LIVE);
    /* The guest's balloon driver gives the memory back within moments. */
    drv_vm_info vi = {0};
    for (double end = now_s() + 60; now_s() < end; sleep_ms(200)) {
        drv_vm_info_clear(&vi);
        CHECK_OK(drv_vm_get_info(vmd, VM, &vi));
        if (vi.memory_mib == 160)
            break;
    }
    CHECK_INT(vi.memory_mib, 160);
    drv_vm_info_clear(&vi);
}

static int event_count(const char *name, drv_vm_state state)
{
    int k = 0;
    pthread_mutex_lock(&events.lock);
    for (int i = 0; i < events.n; i++)
        k += strcmp(events.name[i], name) == 0 && events.state[i] == state;
    pthread_mutex_unlock(&events.lock);
    return k;
}

TEST(pause_and_resume_are_reported_by_events)
{
    NEED_RUNNING();
    NEED_DRIVER();
    int resumed = event_count(VM, DRV_VM_RUNNING);
    CHECK_OK(drv_vm_suspend(vmd, VM));
    CHECK(event_within(VM, DRV_VM_PAUSED, 60));
    CHECK_OK(drv_vm_resume(vmd, VM));
    bool again = false;
    for (double end = now_s() + 60; !again && now_s() < end; sleep_ms(50))
        again = event_count(VM, DRV_VM_RUNNING) > resumed;
    CHECK(again);
    drv_vm_info vi = {0};
    CHECK_OK(drv_vm_get_info(vmd, VM, &vi));
    CHECK_INT(vi.state, DRV_VM_RUNNING);
    drv_vm_info_clear(&vi);
}

TEST(memory_beyond_the_maximum_waits_for_the_next_boot)
{
    NEED_DRIVER();
    drv_change how = DRV_CHANGE_LIVE;
    CHECK_INT(drv_vm_set_memory(vmd, VM, 384, &how), DRV_OK);
    CHECK_INT(how, DRV_CHANGE_NEXT_BOOT);
}

/* ---- libvirtd restarts ----------------------------------------------------- */

static bool reconnected_within(double secs)
{
    for (double end = now_s() + secs; now_s() < end; sleep_ms(100)) {
        pthread_mutex_lock(&events.lock);
        int n = reconnections;
        pthread_mutex_unlock(&events.lock);
        if (n > 0)
            return true;
    }
    return false;
}

TEST(driver_reconnects_by_itself_when_libvirtd_restarts_and_the_vm_runs_on)
{
    NEED_RUNNING();
    const char *harness = getenv("EPFIOT_VM_HARNESS");
    CHECK(harness != NULL);
    if (!harness)
        return;
    /* The harness and DIR come from run.sh (mktemp), not from a user. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' restart '%s' >/dev/null", harness, dir);
    CHECK_INT(system(cmd), 0);
    CHECK(reconnected_within(30));
    drv_vm_info vi = {0};
    CHECK_OK(drv_vm_get_info(vmd, VM, &vi));
    CHECK_INT(vi.state, DRV_VM_RUNNING);
    drv_vm_info_clear(&vi);
}

/* ---- Power off and removal ---------------------------------------------- */

TEST(acpi_shutdown_ends_in_shutoff_by_event)
{
    NEED_RUNNING();
    NEED_DRIVER();
    CHECK_INT(drv_vm_shutdown(vmd, VM), DRV_OK);
    CHECK(event_within(VM, DRV_VM_SHUTOFF, 60));
    drv_vm_info vi = {0};
    CHECK_INT(drv_vm_get_info(vmd, VM, &vi), DRV_OK);
    CHECK_INT(vi.state, DRV_VM_SHUTOFF);
    /* The next-boot change is in the definition. */
    CHECK_INT(vi.max_memory_mib, 384);
    drv_vm_info_clear(&vi);
}

TEST(undefine_removes_the_vms_volumes_and_never_the_base)
{
    NEED_DRIVER();
    CHECK_INT(drv_vm_undefine(vmd, VM), DRV_OK);
    char **names = NULL;
    size_t n = 9;
    CHECK_INT(drv_volume_list(vmd, VM, &names, &n), DRV_OK);
    CHECK_INT(n, 0);
    drv_name_list_free(names, n);
    drv_image img = {0};
    CHECK_INT(drv_image_get(vmd, "base.qcow2", &img), DRV_OK);
    drv_image_clear(&img);
    drv_vm_info vi = {0};
    CHECK_INT(drv_vm_get_info(vmd, VM, &vi), DRV_NOT_FOUND);
    drv_close(vmd);
    vmd = NULL;
}

/* ---- Several VMs at once ------------------------------------------------- */

#define NPAR 3

typedef struct par_vm {
    int i;
    char name[32], disk[48], seed[48], mac[18];
    drv_status define_st, start_st, ip_st;
    char err[512];
    double lease_s;
} par_vm;

/* One tenant's createVm + power on + wait for the address, on its own
 * driver handle (a handle is used by one thread at a time). */
static void *par_life(void *arg)
{
    par_vm *v = arg;
    drv_options o = driver_options();
    drv *h = NULL;
    double t0 = now_s();
    v->define_st = drv_open(&lv_driver, &o, &h);
    seed_config sc = {.instance_id = v->name, .hostname = v->name, .mac = v->mac};
    unsigned char *iso = NULL;
    size_t len = 0;
    if (v->define_st == DRV_OK && !seed_iso_build(&sc, &iso, &len, v->err, sizeof v->err))
        v->define_st = DRV_ERROR;
    drv_vm_spec s = {
        .domain_name = v->name,
        .vcpus = 1,
        .memory_mib = 160,
        .base_image = "base.qcow2",
        .disk_volume = v->disk,
        .seed_volume = v->seed,
        .seed_data = iso,
        .seed_len = len,
        .mac = v->mac,
        .kernel_image = "vmlinux",
        .initrd_image = "initrd",
        .kernel_args = "console=ttyS0 quiet no_timer_check",
    };
    char uuid[37];
    if (v->define_st == DRV_OK)
        v->define_st = drv_vm_define(h, &s, uuid);
    v->start_st = v->define_st == DRV_OK ? drv_vm_start(h, v->name) : DRV_ERROR;
    v->ip_st = DRV_NOT_FOUND;
    for (double end = now_s() + 300;
         v->start_st == DRV_OK && v->ip_st == DRV_NOT_FOUND && now_s() < end; sleep_ms(250)) {
        char *ip = NULL;
        v->ip_st = drv_vm_ip(h, v->name, &ip);
        free(ip);
    }
    v->lease_s = now_s() - t0;
    if (h && (v->define_st != DRV_OK || v->start_st != DRV_OK))
        snprintf(v->err, sizeof v->err, "%s", drv_errmsg(h));
    free(iso);
    drv_close(h);
    return NULL;
}

TEST(several_vms_created_at_once_all_boot_and_get_addresses)
{
    par_vm v[NPAR];
    pthread_t t[NPAR];
    for (int i = 0; i < NPAR; i++) {
        v[i] = (par_vm){.i = i};
        snprintf(v[i].name, sizeof v[i].name, "epfiot-vm-%d", 10 + i);
        /* from the number, not from v[i].name: GCC's -Wrestrict sees the
         * source inside the destination's struct */
        snprintf(v[i].disk, sizeof v[i].disk, "epfiot-vm-%d-disk.qcow2", 10 + i);
        snprintf(v[i].seed, sizeof v[i].seed, "epfiot-vm-%d-seed.iso", 10 + i);
        snprintf(v[i].mac, sizeof v[i].mac, "52:54:00:e9:20:%02x", (unsigned)(10 + i) & 0xffu);
        CHECK_INT(pthread_create(&t[i], NULL, par_life, &v[i]), 0);
    }
    for (int i = 0; i < NPAR; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < NPAR; i++) {
        if (v[i].err[0])
            fprintf(stderr, "  %s: %s\n", v[i].name, v[i].err);
        CHECK_INT(v[i].define_st, DRV_OK);
        CHECK_INT(v[i].start_st, DRV_OK);
        CHECK_INT(v[i].ip_st, DRV_OK);
        fprintf(stderr, "  %s: create to lease %.1f s (%d at once)\n", v[i].name, v[i].lease_s,
                NPAR);
    }
    drv *h = NULL;
    drv_options o = driver_options();
    CHECK_INT(drv_open(&lv_driver, &o, &h), DRV_OK);
    for (int i = 0; i < NPAR; i++)
        CHECK_OK(drv_vm_undefine(h, v[i].name));
    char **names = NULL;
    size_t n = 9;
    CHECK_INT(drv_volume_list(h, "epfiot-vm-", &names, &n), DRV_OK);
    CHECK_INT(n, 0);
    drv_name_list_free(names, n);
    drv_close(h);
}

static int run_all(int argc, char **argv);

int main(int argc, char **argv)
{
    uri = getenv("EPFIOT_VM_URI");
    dir = getenv("EPFIOT_VM_DIR");
    if (!uri || !dir) {
        fprintf(stderr, "test_vm: run through tests/vm/run.sh (EPFIOT_VM_URI, EPFIOT_VM_DIR)\n");
        return 1;
    }
    return run_all(argc, argv);
}

#define main run_all
TEST_MAIN()
