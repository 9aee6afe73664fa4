/* vm.c -- the VM lifecycle, USB devices and things.
 *
 * A VM is a state machine kept in the store (CREATING, POWEROFF, RUNNING,
 * PAUSED, SHUTTING_DOWN, CRASHED, ERROR) and driven by API calls and by the
 * hypervisor's events. Every multi-step operation is ordered so that a crash
 * at any point leaves something core_reconcile() (sync.c) repairs at the
 * next start:
 *   create:  quota check + row CREATING + device/thing links (one
 *            transaction) -> driver define -> row POWEROFF with its UUID;
 *            a failed define deletes the row again.
 *   delete:  row first -> then the domain and volumes (an orphan domain is
 *            removed at the next start; IDs are never reused).
 * Devices follow the same order: the store assignment (which enforces "one
 * VM per device") before the hypervisor, undone when the hypervisor fails.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bs_server.h"
#include "core_accel.h"
#include "internal.h"
#include "seed.h"
#include "test_hooks.h"

store_vm_state core_state_of(drv_vm_state s)
{
    switch (s) {
    case DRV_VM_SHUTOFF:
        return STORE_VM_POWEROFF;
    case DRV_VM_PAUSED:
        return STORE_VM_PAUSED;
    case DRV_VM_SHUTTING_DOWN:
        return STORE_VM_SHUTTING_DOWN;
    case DRV_VM_CRASHED:
        return STORE_VM_CRASHED;
    default:
        return STORE_VM_RUNNING;
    }
}

int64_t core_vm_id_of(const char *name)
{
    size_t n = strlen(CORE_VM_PREFIX);
    if (!name || strncmp(name, CORE_VM_PREFIX, n) != 0)
        return 0;
    char digits[24];
    size_t i = 0;
    for (const char *p = name + n; *p >= '0' && *p <= '9' && i < sizeof digits - 1; p++)
        digits[i++] = *p;
    digits[i] = 0;
    const char *rest = name + n + i;
    int64_t id;
    if ((*rest && *rest != '-') || !store_id_parse(digits, &id))
        return 0;
    return id;
}

/* Events arrive on the driver's thread; the store write is all they do. */
void core_on_event(const drv_event *ev, void *opaque)
{
    core *c = opaque;
    store *st = core_store(c);
    if (!st)
        return;
    int64_t id = core_vm_id_of(ev->name);
    switch (ev->type) {
    case DRV_EV_VM_STATE:
        if (id) {
            store_vm vm;
            /* A CREATING row is finished by createVm itself. */
            if (store_vm_get(st, id, 0, &vm) == STORE_OK) {
                if (vm.state != STORE_VM_CREATING)
                    store_vm_set_runtime(st, id, core_state_of(ev->state), NULL, ev->uuid);
                store_vm_clear(&vm);
            }
        }
        break;
    case DRV_EV_VM_UNDEFINED:
        /* Our own deletes remove the row first; a domain undefined behind
         * EPFIOT's back leaves a row pointing at nothing: say so. */
        if (id && store_vm_set_runtime(st, id, STORE_VM_ERROR, NULL, NULL) == STORE_OK)
            core_log(c, CORE_LOG_WARN, "domain %s was undefined outside EPFIOT", ev->name);
        break;
    case DRV_EV_RECONNECTED:
        core_log(c, CORE_LOG_INFO, "hypervisor connection back: reconciling");
        atomic_store(&c->resync, true);
        break;
    case DRV_EV_USB_ADDED:
    case DRV_EV_USB_REMOVED:
        atomic_store(&c->resync, true);
        break;
    case DRV_EV_DISCONNECTED:
        core_log(c, CORE_LOG_WARN, "hypervisor connection lost");
        break;
    default:
        break;
    }
}

static core_code vm_get_scoped(core_call *k, int64_t id, store_vm *out)
{
    store_status s = store_vm_get(k->st, id, core_scope(k), out);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "get VM");
}

core_code core_vm_get(core_call *k, int64_t id, store_vm *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    return rc ? rc : vm_get_scoped(k, id, out);
}

core_code core_vm_list(core_call *k, int64_t owner, store_vm **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (owner == 0)
        owner = core_scope(k);
    else if (k->role != STORE_ROLE_ADMIN && owner != k->uid)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    return store_vm_list(k->st, owner, list, n) == STORE_OK ? CORE_OK
                                                            : core_store_fail(k, "list VMs");
}

/* ---- Validation ---------------------------------------------------------- */

static core_code check_size(core_call *k, int64_t vcpu, int64_t mem)
{
    if (vcpu < 1 || vcpu > (int64_t)k->c->cfg.max_vcpus_per_vm)
        return core_fail(k, CORE_BAD_USER_INPUT, "vcpu must be between 1 and %u",
                         k->c->cfg.max_vcpus_per_vm);
    if (mem < 32 || mem > (int64_t)k->c->cfg.max_memory_mib)
        return core_fail(k, CORE_BAD_USER_INPUT, "memory must be between 32 and %llu MiB",
                         k->c->cfg.max_memory_mib);
    return CORE_OK;
}

static bool cfg_user_valid(const char *u)
{
    size_t n = strlen(u);
    if (n == 0 || n > 32 || !((u[0] >= 'a' && u[0] <= 'z') || u[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= '0' && u[i] <= '9') || u[i] == '_' ||
              u[i] == '-'))
            return false;
    return true;
}

/* The guest needs a crypt(3) hash; SHA-512 crypt with a fresh random salt
 * (the thesis system used a fixed one). Returns malloc'ed text or NULL. */
static char *guest_password_hash(const char *pw)
{
    static const char alphabet[] =
        "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char setting[3 + 16 + 1] = "$6$";
    for (int i = 0; i < 16; i++)
        setting[3 + i] = alphabet[randombytes_uniform(64)];
    setting[19] = 0;
    struct crypt_data *cd = calloc(1, sizeof *cd);
    if (!cd)
        abort();
    /* crypt_rn (libxcrypt) rather than crypt_r: same function, but it
     * returns NULL on failure instead of a "*0" string, and the sanitizers'
     * crypt_r interceptor cannot resolve libxcrypt's versioned symbol. */
    const char *h = crypt_rn(pw, setting, cd, (int)sizeof *cd);
    char *out = h && h[0] == '$' ? strdup(h) : NULL;
    sodium_memzero(cd, sizeof *cd);
    free(cd);
    return out;
}

/* Quotas: the usage after the change must stay within every limit. */
static core_code check_quota(core_call *k, int64_t owner, int64_t dvms, int64_t dvcpu, int64_t dmem,
                             int64_t ddev)
{
    store_quota q;
    store_usage u;
    if (store_quota_get(k->st, owner, &q) != STORE_OK ||
        store_usage_get(k->st, owner, &u) != STORE_OK)
        return core_store_fail(k, "quota");
    if (dvms > 0 && q.max_vms >= 0 && u.vms + dvms > q.max_vms)
        return core_fail(k, CORE_QUOTA_EXCEEDED, "quota exceeded: at most %lld VMs",
                         (long long)q.max_vms);
    if (dvcpu > 0 && q.max_vcpus >= 0 && u.vcpus + dvcpu > q.max_vcpus)
        return core_fail(k, CORE_QUOTA_EXCEEDED,
                         "quota exceeded: at most %lld vCPUs in all (%lld in use)",
                         (long long)q.max_vcpus, (long long)u.vcpus);
    if (dmem > 0 && q.max_memory_mib >= 0 && u.memory_mib + dmem > q.max_memory_mib)
        return core_fail(k, CORE_QUOTA_EXCEEDED,
                         "quota exceeded: at most %lld MiB of memory in all (%lld in use)",
                         (long long)q.max_memory_mib, (long long)u.memory_mib);
    if (ddev > 0 && q.max_devices >= 0 && u.devices + ddev > q.max_devices)
        return core_fail(k, CORE_QUOTA_EXCEEDED, "quota exceeded: at most %lld attached devices",
                         (long long)q.max_devices);
    return CORE_OK;
}

static void usb_sel_of(const store_dev *d, drv_usb_sel *sel)
{
    memset(sel, 0, sizeof *sel);
    sel->vendor = (unsigned)strtoul(d->vendor_id ? d->vendor_id : "0", NULL, 16);
    sel->product = (unsigned)strtoul(d->product_id ? d->product_id : "0", NULL, 16);
    sel->serial = d->serial;
    sel->port = d->port;
}

void core_usb_sel_of(const store_dev *d, drv_usb_sel *sel)
{
    usb_sel_of(d, sel);
}

/* Links devices and things to the VM inside the caller's transaction. */
static core_code link_all(core_call *k, const store_vm *vm, const core_vm_input *in)
{
    for (size_t i = 0; i < in->ndev; i++) {
        store_status s = store_dev_attach(k->st, in->dev_ids[i], vm->id, vm->owner_id);
        if (s == STORE_NOT_FOUND)
            return core_fail(k, CORE_NOT_FOUND, "no such device %lld", (long long)in->dev_ids[i]);
        if (s == STORE_CONFLICT) {
            store_dev d;
            bool mine = store_dev_get(k->st, in->dev_ids[i], &d) == STORE_OK && d.vm_id == vm->id;
            if (d.id)
                store_dev_clear(&d);
            if (mine)
                continue;
            return core_fail(k, CORE_CONFLICT,
                             "device %lld is attached to another VM: detach it first",
                             (long long)in->dev_ids[i]);
        }
        if (s != STORE_OK)
            return core_store_fail(k, "attach device");
    }
    for (size_t i = 0; i < in->nthing; i++) {
        store_status s = store_thing_attach(k->st, in->thing_ids[i], vm->id, vm->owner_id);
        if (s == STORE_NOT_FOUND)
            return core_fail(k, CORE_NOT_FOUND, "no such thing %lld", (long long)in->thing_ids[i]);
        if (s != STORE_OK)
            return core_store_fail(k, "attach thing");
    }
    return CORE_OK;
}

/* The cidata ISO of a VM from its stored settings: the configured user
 * (password hash, SSH keys, sudo), hostname (default: the VM name made a
 * hostname), packages and the tenant's own user-data. instance_id must
 * change whenever the settings do, or cloud-init will not apply them. */
bool core_vm_seed_build(core_call *k, const store_vm *vm, const char *instance_id, const char *mac,
                        unsigned char **iso, size_t *len)
{
    size_t nkeys = 0, npkgs = 0;
    char **keys = core_lines_split(vm->cfg_ssh_keys, &nkeys);
    char **pkgs = core_lines_split(vm->cfg_packages, &npkgs);
    char host[64];
    if (vm->cfg_hostname)
        snprintf(host, sizeof host, "%s", vm->cfg_hostname);
    else
        core_hostname_of(vm->name, host);
    seed_user user = {
        .name = vm->cfg_user,
        .password_hash = vm->cfg_password_hash,
        .ssh_keys = (const char *const *)keys,
        .nssh_keys = nkeys,
        .sudo = true,
    };
    seed_config sc = {
        .instance_id = instance_id,
        .hostname = host,
        .mac = mac,
        .users = vm->cfg_user ? &user : NULL,
        .nusers = vm->cfg_user ? 1 : 0,
        .packages = (const char *const *)pkgs,
        .npackages = npkgs,
        .user_data = vm->cfg_user_data,
    };
    char serr[256];
    bool ok = seed_iso_build(&sc, iso, len, serr, sizeof serr);
    if (!ok)
        core_log(k->c, CORE_LOG_ERROR, "cannot build the seed of %s: %s", vm->domain_name, serr);
    core_lines_free(keys);
    core_lines_free(pkgs);
    return ok;
}

/* The hypervisor side of a new VM, with the devices linked in the store. */
static core_code define_domain(core_call *k, store_vm *vm, char uuid[37])
{
    store_dev *devs = NULL;
    size_t ndev = 0;
    if (store_dev_list(k->st, vm->id, &devs, &ndev) != STORE_OK)
        return core_store_fail(k, "list devices");
    drv_usb_sel *sels = calloc(ndev ? ndev : 1, sizeof *sels);
    if (!sels)
        abort();
    for (size_t i = 0; i < ndev; i++)
        usb_sel_of(&devs[i], &sels[i]);
    char disk[128], seedvol[128], mac[18];
    snprintf(disk, sizeof disk, "%s-disk.qcow2", vm->domain_name);
    snprintf(seedvol, sizeof seedvol, "%s-seed.iso", vm->domain_name);
    /* The MAC is chosen here (QEMU's locally administered prefix) so that
     * the seed's network-config can match the NIC by it. */
    unsigned char r[3];
    randombytes_buf(r, sizeof r);
    snprintf(mac, sizeof mac, "52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
    unsigned char *iso = NULL;
    size_t iso_len = 0;
    if (!core_vm_seed_build(k, vm, vm->domain_name, mac, &iso, &iso_len)) {
        free(sels);
        store_dev_list_free(devs, ndev);
        return core_fail(k, CORE_INTERNAL, "cannot build the VM's cloud-init seed");
    }
    unsigned vcpus = (unsigned)vm->vcpu;
    unsigned long long mem = (unsigned long long)vm->memory_mib;
    /* Headroom for live resizing: up to 4 vCPUs and twice the memory. */
    drv_vm_spec spec = {
        .domain_name = vm->domain_name,
        .vcpus = vcpus,
        .max_vcpus = vcpus > 4 ? vcpus : 4,
        .memory_mib = mem,
        .max_memory_mib = mem * 2,
        .base_image = vm->base,
        .disk_volume = disk,
        .seed_volume = seedvol,
        .seed_data = iso,
        .seed_len = iso_len,
        .mac = mac,
        .uefi = vm->uefi,
        .usb = sels,
        .nusb = ndev,
        .kernel_image = k->c->cfg.kernel_image,
        .initrd_image = k->c->cfg.kernel_image ? k->c->cfg.initrd_image : NULL,
        .kernel_args = k->c->cfg.kernel_image ? k->c->cfg.kernel_args : NULL,
    };
    core_code rc = CORE_OK;
    core_drv_lock(k->c);
    drv_status s = drv_vm_define(k->c->d, &spec, uuid);
    /* A hypervisor that cannot take volume uploads (libvirt's test host)
     * still gets the VM, without its seed: said in the log, since the
     * guest will then not be provisioned. */
    if (s == DRV_UNSUPPORTED) {
        core_log(k->c, CORE_LOG_WARN, "%s: %s; defining %s without a cloud-init seed",
                 k->c->cfg.libvirt_uri, drv_errmsg(k->c->d), vm->domain_name);
        spec.seed_volume = NULL;
        spec.seed_data = NULL;
        spec.seed_len = 0;
        s = drv_vm_define(k->c->d, &spec, uuid);
    }
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot create the VM");
    core_drv_unlock(k->c);
    free(iso);
    free(sels);
    store_dev_list_free(devs, ndev);
    return rc;
}

/* UEFI needs firmware the host has (libvirt's autoselection finds OVMF
 * through its descriptors): refused before anything is made. */
static core_code check_uefi(core_call *k)
{
    drv_host_info h;
    core_drv_lock(k->c);
    drv_status s = drv_host_info_get(k->c->d, &h);
    core_drv_unlock(k->c);
    if (s != DRV_OK)
        return core_drv_fail(k, s, "cannot read the host's capabilities");
    if (!h.uefi_available)
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "firmware UEFI: this host has no UEFI firmware (OVMF); use BIOS");
    return CORE_OK;
}

static core_code create_vm(core_call *k, const core_vm_input *in, store_vm *vmp, store_vm *out);

core_code core_vm_create(core_call *k, const core_vm_input *in, store_vm *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (!core_name_valid(in->name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid VM name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                         "starting with a letter or digit");
    if ((rc = check_size(k, in->vcpu, in->memory_mib)))
        return rc;
    if (!in->base || !drv_name_valid(in->base))
        return core_fail(k, CORE_BAD_USER_INPUT, "invalid base image name");
    if (in->cfg_user && !cfg_user_valid(in->cfg_user))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid config user: 1-32 characters of a-z 0-9 _ -, "
                         "starting with a letter or _");
    if (in->cfg_password && (!*in->cfg_password || strlen(in->cfg_password) > 1024))
        return core_fail(k, CORE_BAD_USER_INPUT, "config password must have 1-1024 characters");
    if ((rc = core_vm_config_check(k, in)))
        return rc;
    if (in->nssh_keys && !in->cfg_user)
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "config.sshKeys need config.user: the account they log in to");
    if (in->uefi && (rc = check_uefi(k)))
        return rc;

    drv_image img;
    core_drv_lock(k->c);
    drv_status ds = drv_image_get(k->c->d, in->base, &img);
    core_drv_unlock(k->c);
    if (ds == DRV_NOT_FOUND || ds == DRV_INVALID)
        return core_fail(k, CORE_BAD_USER_INPUT, "no base image named %s", in->base);
    if (ds != DRV_OK)
        return core_drv_fail(k, ds, "cannot look up the base image");
    drv_image_clear(&img);

    store_vm vm = {
        .owner_id = k->uid,
        .name = (char *)in->name,
        .base = (char *)in->base,
        .vcpu = in->vcpu,
        .memory_mib = in->memory_mib,
        .cfg_user = (char *)in->cfg_user,
        .cfg_hostname = (char *)in->hostname,
        .cfg_user_data = (char *)in->user_data,
        .uefi = in->uefi,
    };
    char *keys = core_lines_join(in->ssh_keys, in->nssh_keys);
    char *pkgs = core_lines_join(in->packages, in->npackages);
    vm.cfg_ssh_keys = keys;
    vm.cfg_packages = pkgs;
    rc = create_vm(k, in, &vm, out);
    free(keys);
    free(pkgs);
    return rc;
}

/* createVm once its input is checked: vm holds the row to insert. */
static core_code create_vm(core_call *k, const core_vm_input *in, store_vm *vmp, store_vm *out)
{
    core_code rc;
    store_vm vm = *vmp;
    if (in->cfg_password && !(vm.cfg_password_hash = guest_password_hash(in->cfg_password)))
        return core_fail(k, CORE_INTERNAL, "cannot hash the config password");

    /* Step 1, one transaction: quota, row CREATING, links. */
    if (store_tx_begin(k->st) != STORE_OK) {
        free(vm.cfg_password_hash);
        return core_store_fail(k, "begin");
    }
    rc = check_quota(k, k->uid, 1, in->vcpu, in->memory_mib, (int64_t)in->ndev);
    if (!rc) {
        store_status s = store_vm_create(k->st, &vm);
        if (s == STORE_CONFLICT)
            rc = core_fail(k, CORE_CONFLICT, "you have a VM named %s already", in->name);
        else if (s != STORE_OK)
            rc = core_store_fail(k, "create VM");
    }
    if (!rc)
        rc = link_all(k, &vm, in);
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        free(vm.cfg_password_hash);
        /* The store filled domain_name (malloc'ed) on success only. */
        if (!rc)
            rc = core_store_fail(k, "commit");
        if (vm.domain_name)
            free(vm.domain_name);
        return rc;
    }
    EPFIOT_HOOK("create-after-row");
    /* Step 2: the hypervisor (the seed carries the password hash). Step 3:
     * the row says POWEROFF. */
    char uuid[37] = "";
    rc = define_domain(k, &vm, uuid);
    if (!rc)
        EPFIOT_HOOK("create-after-define");
    free(vm.cfg_password_hash);
    vm.cfg_password_hash = NULL;
    if (!rc && store_vm_set_runtime(k->st, vm.id, STORE_VM_POWEROFF, NULL, uuid) != STORE_OK)
        rc = core_store_fail(k, "record VM");
    if (rc) {
        /* Undo: the domain (if step 3 failed) and the row. */
        core_drv_lock(k->c);
        drv_vm_undefine(k->c->d, vm.domain_name);
        core_drv_unlock(k->c);
        store_vm_delete(k->st, vm.id, 0);
        free(vm.domain_name);
        return rc;
    }
    core_log(k->c, CORE_LOG_INFO, "VM %lld (%s) created for user %lld", (long long)vm.id,
             vm.domain_name, (long long)k->uid);
    int64_t id = vm.id;
    free(vm.domain_name);
    for (size_t i = 0; i < in->nthing; i++)
        core_things_refresh(k, in->thing_ids[i]); /* linked: they bootstrap */
    return vm_get_scoped(k, id, out);
}

static core_code apply_size(core_call *k, const store_vm *vm, int64_t vcpu, int64_t mem)
{
    core_code rc = CORE_OK;
    drv_change how;
    core_drv_lock(k->c);
    drv_status s = DRV_OK;
    if (vcpu != vm->vcpu)
        s = drv_vm_set_vcpus(k->c->d, vm->domain_name, (unsigned)vcpu, &how);
    if (s == DRV_OK && mem != vm->memory_mib)
        s = drv_vm_set_memory(k->c->d, vm->domain_name, (unsigned long long)mem, &how);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot resize the VM");
    core_drv_unlock(k->c);
    return rc;
}

static bool str_differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* The cloud-init settings an updateVm gives, applied to upd (which starts
 * as the stored row). New strings are malloc'ed into tmp[0..2] (keys,
 * packages, hash) for the caller to free. Sets upd->seed_stale when the
 * seed must be rebuilt. */
static core_code apply_config(core_call *k, const core_vm_input *in, store_vm *upd, char *tmp[3])
{
    upd->seed_stale = 0;
    if (!in->config_given)
        return CORE_OK;
    core_code rc;
    if (in->cfg_user && !cfg_user_valid(in->cfg_user))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid config user: 1-32 characters of a-z 0-9 _ -, "
                         "starting with a letter or _");
    if (in->cfg_password && (!*in->cfg_password || strlen(in->cfg_password) > 1024))
        return core_fail(k, CORE_BAD_USER_INPUT, "config password must have 1-1024 characters");
    if ((rc = core_vm_config_check(k, in)))
        return rc;
    bool changed = false;
    if (in->user_given) {
        changed |= str_differs(upd->cfg_user, in->cfg_user);
        upd->cfg_user = (char *)in->cfg_user;
    }
    if (in->ssh_keys_given) {
        tmp[0] = core_lines_join(in->ssh_keys, in->nssh_keys);
        changed |= str_differs(upd->cfg_ssh_keys, tmp[0]);
        upd->cfg_ssh_keys = tmp[0];
    }
    if (in->hostname_given) {
        changed |= str_differs(upd->cfg_hostname, in->hostname);
        upd->cfg_hostname = (char *)in->hostname;
    }
    if (in->packages_given) {
        tmp[1] = core_lines_join(in->packages, in->npackages);
        changed |= str_differs(upd->cfg_packages, tmp[1]);
        upd->cfg_packages = tmp[1];
    }
    if (in->user_data_given) {
        changed |= str_differs(upd->cfg_user_data, in->user_data);
        upd->cfg_user_data = (char *)in->user_data;
    }
    /* A new password always counts: its hash has a fresh salt. */
    if (in->password_given) {
        if (in->cfg_password && !(tmp[2] = guest_password_hash(in->cfg_password)))
            return core_fail(k, CORE_INTERNAL, "cannot hash the config password");
        upd->cfg_password_hash = tmp[2];
        changed = true;
    }
    if (upd->cfg_ssh_keys && !upd->cfg_user)
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "config.sshKeys need config.user: the account they log in to");
    upd->seed_stale = changed ? 1 : 0;
    return CORE_OK;
}

core_code core_vm_update(core_call *k, const core_vm_input *in, store_vm *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (in->id <= 0)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    store_vm vm;
    if ((rc = vm_get_scoped(k, in->id, &vm)))
        return rc;
    char *tmp[3] = {NULL, NULL, NULL};
    /* Only what the caller gave changes: an omitted vcpu or memory is not
     * the SDL default (1/256) but the VM's own. */
    int64_t vcpu = in->vcpu_given ? in->vcpu : vm.vcpu;
    int64_t mem = in->memory_given ? in->memory_mib : vm.memory_mib;
    store_vm upd = vm;
    if (vm.state == STORE_VM_CREATING)
        rc = core_fail(k, CORE_CONFLICT, "the VM is being created");
    else if (in->base && *in->base && strcmp(in->base, vm.base) != 0)
        rc = core_fail(k, CORE_BAD_USER_INPUT, "the base image of a VM cannot change");
    else if (in->name && !core_name_valid(in->name))
        rc = core_fail(k, CORE_BAD_USER_INPUT,
                       "invalid VM name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                       "starting with a letter or digit");
    else if (in->firmware_given && in->uefi != vm.uefi)
        rc = core_fail(k, CORE_BAD_USER_INPUT,
                       "the firmware of a VM cannot change (create a new VM)");
    if (!rc)
        rc = check_size(k, vcpu, mem);
    if (!rc)
        rc = apply_config(k, in, &upd, tmp);
    if (rc)
        goto out;

    if (store_tx_begin(k->st) != STORE_OK) {
        rc = core_store_fail(k, "begin");
        goto out;
    }
    rc = check_quota(k, vm.owner_id, 0, vcpu - vm.vcpu, mem - vm.memory_mib, (int64_t)in->ndev);
    if (in->name)
        upd.name = (char *)in->name;
    upd.vcpu = vcpu;
    upd.memory_mib = mem;
    if (!rc) {
        store_status s = store_vm_update(k->st, &upd, core_scope(k));
        if (s == STORE_CONFLICT)
            rc = core_fail(k, CORE_CONFLICT, "a VM named %s exists already", upd.name);
        else if (s != STORE_OK)
            rc = core_store_fail(k, "update VM");
    }
    if (!rc)
        rc = link_all(k, &vm, in);
    /* The hypervisor inside the transaction: if it refuses, the row keeps
     * the old size. */
    if (!rc)
        rc = apply_size(k, &vm, vcpu, mem);
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        if (!rc)
            rc = core_store_fail(k, "commit");
        goto out;
    }
    /* Newly linked devices reach the hypervisor after the commit. */
    for (size_t i = 0; i < in->ndev; i++) {
        store_dev d;
        if (store_dev_get(k->st, in->dev_ids[i], &d) != STORE_OK)
            continue;
        drv_usb_sel sel;
        usb_sel_of(&d, &sel);
        core_drv_lock(k->c);
        drv_status s = drv_usb_attach(k->c->d, vm.domain_name, &sel);
        core_drv_unlock(k->c);
        if (s != DRV_OK && s != DRV_CONFLICT)
            core_log(k->c, CORE_LOG_WARN, "device %lld not passed through to %s: %s",
                     (long long)d.id, vm.domain_name, drv_errmsg(k->c->d));
        store_dev_clear(&d);
    }
    for (size_t i = 0; i < in->nthing; i++)
        core_things_refresh(k, in->thing_ids[i]); /* linked: they bootstrap */
    rc = vm_get_scoped(k, vm.id, out);
out:
    free(tmp[0]);
    free(tmp[1]);
    free(tmp[2]);
    store_vm_clear(&vm);
    return rc;
}

void core_vm_pending(core_call *k, const store_vm *vm, bool *vcpu, bool *memory)
{
    *vcpu = *memory = false;
    if (vm->state != STORE_VM_RUNNING && vm->state != STORE_VM_PAUSED)
        return;
    drv_vm_info info;
    core_drv_lock(k->c);
    drv_status s = drv_vm_get_info(k->c->d, vm->domain_name, &info);
    core_drv_unlock(k->c);
    if (s != DRV_OK)
        return;
    if (info.state != DRV_VM_SHUTOFF) {
        *vcpu = info.vcpus != (unsigned)vm->vcpu;
        *memory = info.memory_mib != (unsigned long long)vm->memory_mib;
    }
    drv_vm_info_clear(&info);
}

char *core_vm_ip(core_call *k, const store_vm *vm)
{
    (void)k;
    /* From the store only: address.c keeps it current. */
    return vm->ip ? strdup(vm->ip) : NULL;
}

/* The hypervisor's view of a VM, for decisions that must not trust a
 * possibly stale row. */
static drv_status live_state(core_call *k, const store_vm *vm, drv_vm_state *state)
{
    drv_vm_info info;
    core_drv_lock(k->c);
    drv_status s = drv_vm_get_info(k->c->d, vm->domain_name, &info);
    core_drv_unlock(k->c);
    if (s == DRV_OK) {
        *state = info.state;
        drv_vm_info_clear(&info);
    }
    return s;
}

/* Settings changed by updateVm reach the guest at its next boot: a new
 * seed (with a new instance-id, so that cloud-init applies it) replaces
 * the old one before the start. A hypervisor that cannot upload volumes
 * (the test host) keeps the change pending, said in the log. */
static void seed_refresh(core_call *k, const store_vm *vm)
{
    char mac[18], iid[96], vol[128];
    snprintf(iid, sizeof iid, "%s-%lld", vm->domain_name, (long long)core_now());
    snprintf(vol, sizeof vol, "%s-seed.iso", vm->domain_name);
    core_drv_lock(k->c);
    drv_status s = drv_vm_mac(k->c->d, vm->domain_name, mac);
    core_drv_unlock(k->c);
    unsigned char *iso = NULL;
    size_t len = 0;
    if (s == DRV_OK && !core_vm_seed_build(k, vm, iid, mac, &iso, &len))
        return;
    if (s == DRV_OK) {
        core_drv_lock(k->c);
        s = drv_vm_seed_update(k->c->d, vm->domain_name, vol, iso, len);
        core_drv_unlock(k->c);
        free(iso);
    }
    if (s != DRV_OK) {
        core_log(k->c, CORE_LOG_WARN, "VM %lld starts with its old cloud-init settings: %s",
                 (long long)vm->id, drv_errmsg(k->c->d));
        return;
    }
    store_vm_seed_built(k->st, vm->id, vm->seed_stale);
    core_log(k->c, CORE_LOG_INFO, "VM %lld: new cloud-init seed (instance %s)", (long long)vm->id,
             iid);
}

core_code core_vm_power_on(core_call *k, int64_t id, store_vm *out)
{
    memset(out, 0, sizeof *out);
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, id, &vm)))
        return rc;
    drv_vm_state st = DRV_VM_SHUTOFF;
    drv_status s = live_state(k, &vm, &st);
    if (vm.state == STORE_VM_CREATING)
        rc = core_fail(k, CORE_CONFLICT, "the VM is being created");
    else if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot start the VM");
    else if (st == DRV_VM_RUNNING || st == DRV_VM_OTHER)
        rc = core_fail(k, CORE_CONFLICT, "the VM is already running");
    else if (st == DRV_VM_SHUTTING_DOWN)
        rc = core_fail(k, CORE_CONFLICT, "the VM is shutting down: wait, or use forceOFF");
    if (rc)
        goto out;
    if (st != DRV_VM_PAUSED && vm.seed_stale)
        seed_refresh(k, &vm);
    core_drv_lock(k->c);
    s = st == DRV_VM_PAUSED ? drv_vm_resume(k->c->d, vm.domain_name)
                            : drv_vm_start(k->c->d, vm.domain_name);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot start the VM");
    core_drv_unlock(k->c);
    if (!rc && store_vm_set_runtime(k->st, vm.id, STORE_VM_RUNNING, NULL, NULL) != STORE_OK)
        rc = core_store_fail(k, "record state");
    if (!rc) {
        /* A resumed VM (or a hypervisor that knows at once) has an address
         * now; a booting one gets it from the daemon's refresh later. */
        vm.state = STORE_VM_RUNNING;
        free(core_vm_refresh_address(k->c, k->st, &vm));
        rc = vm_get_scoped(k, id, out);
    }
out:
    store_vm_clear(&vm);
    return rc;
}

core_code core_vm_power_off(core_call *k, int64_t id, store_vm *out)
{
    memset(out, 0, sizeof *out);
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, id, &vm)))
        return rc;
    drv_vm_state st = DRV_VM_SHUTOFF;
    drv_status s = live_state(k, &vm, &st);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot power off the VM");
    else if (st == DRV_VM_SHUTOFF || st == DRV_VM_CRASHED)
        rc = core_fail(k, CORE_CONFLICT, "the VM is not running");
    if (rc)
        goto out;
    /* SHUTTING_DOWN first: the event saying POWEROFF may come before the
     * shutdown call returns, and must not be overwritten. */
    store_vm_state before = vm.state;
    if (store_vm_set_runtime(k->st, vm.id, STORE_VM_SHUTTING_DOWN, NULL, NULL) != STORE_OK) {
        rc = core_store_fail(k, "record state");
        goto out;
    }
    core_drv_lock(k->c);
    s = drv_vm_shutdown(k->c->d, vm.domain_name);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot power off the VM");
    core_drv_unlock(k->c);
    if (rc) {
        store_vm_set_runtime(k->st, vm.id, before, NULL, NULL);
        goto out;
    }
    if (live_state(k, &vm, &st) == DRV_OK && st == DRV_VM_SHUTOFF) {
        store_vm_set_runtime(k->st, vm.id, STORE_VM_POWEROFF, NULL, NULL);
        core_accel_tick(k->c); /* its accelerators go to the next waiters */
    }
    rc = vm_get_scoped(k, id, out);
out:
    store_vm_clear(&vm);
    return rc;
}

/* pauseVM and resumeVM: libvirt's suspend (the vCPUs stop, memory stays)
 * and resume. The row is set from the call's result; the lifecycle event
 * that follows says the same. */
static core_code pause_resume(core_call *k, int64_t id, bool pause, store_vm *out)
{
    memset(out, 0, sizeof *out);
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, id, &vm)))
        return rc;
    const char *what = pause ? "cannot pause the VM" : "cannot resume the VM";
    drv_vm_state st = DRV_VM_SHUTOFF;
    drv_status s = live_state(k, &vm, &st);
    if (vm.state == STORE_VM_CREATING)
        rc = core_fail(k, CORE_CONFLICT, "the VM is being created");
    else if (s != DRV_OK)
        rc = core_drv_fail(k, s, what);
    else if (pause && st == DRV_VM_PAUSED)
        rc = core_fail(k, CORE_CONFLICT, "the VM is paused already");
    else if (pause && st != DRV_VM_RUNNING && st != DRV_VM_OTHER)
        rc = core_fail(k, CORE_CONFLICT, "the VM is not running: only a running VM can pause");
    else if (!pause && st != DRV_VM_PAUSED)
        rc = core_fail(k, CORE_CONFLICT, "the VM is not paused");
    if (rc)
        goto out;
    core_drv_lock(k->c);
    s = pause ? drv_vm_suspend(k->c->d, vm.domain_name) : drv_vm_resume(k->c->d, vm.domain_name);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, what);
    core_drv_unlock(k->c);
    if (!rc && store_vm_set_runtime(k->st, vm.id, pause ? STORE_VM_PAUSED : STORE_VM_RUNNING, NULL,
                                    NULL) != STORE_OK)
        rc = core_store_fail(k, "record state");
    if (!rc)
        rc = vm_get_scoped(k, id, out);
out:
    store_vm_clear(&vm);
    return rc;
}

core_code core_vm_pause(core_call *k, int64_t id, store_vm *out)
{
    return pause_resume(k, id, true, out);
}

core_code core_vm_resume(core_call *k, int64_t id, store_vm *out)
{
    return pause_resume(k, id, false, out);
}

core_code core_vm_force_off(core_call *k, int64_t id)
{
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, id, &vm)))
        return rc;
    drv_vm_state st = DRV_VM_SHUTOFF;
    drv_status s = live_state(k, &vm, &st);
    if (s != DRV_OK)
        rc = core_drv_fail(k, s, "cannot force the VM off");
    else if (st != DRV_VM_SHUTOFF) {
        core_drv_lock(k->c);
        s = drv_vm_force_off(k->c->d, vm.domain_name);
        if (s != DRV_OK)
            rc = core_drv_fail(k, s, "cannot force the VM off");
        core_drv_unlock(k->c);
    }
    /* Already off: nothing to do, and the row says so. */
    if (!rc && store_vm_set_runtime(k->st, vm.id, STORE_VM_POWEROFF, NULL, NULL) != STORE_OK)
        rc = core_store_fail(k, "record state");
    store_vm_clear(&vm);
    if (!rc)
        core_accel_tick(k->c);
    return rc;
}

/* Row first, then the hypervisor objects: a crash in between leaves an
 * orphan domain that the next start removes (see store.h). */
core_code core_vm_remove(core_call *k, const store_vm *vm)
{
    store_status s = store_vm_delete(k->st, vm->id, 0);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    if (s != STORE_OK)
        return core_store_fail(k, "delete VM");
    core_things_vm_gone(k->c, vm->id);
    EPFIOT_HOOK("destroy-after-row");
    core_drv_lock(k->c);
    drv_status d = drv_vm_undefine(k->c->d, vm->domain_name);
    if (d != DRV_OK)
        core_log(k->c, CORE_LOG_WARN, "VM %lld deleted, its domain left for the next start: %s",
                 (long long)vm->id, drv_errmsg(k->c->d));
    core_drv_unlock(k->c);
    core_log(k->c, CORE_LOG_INFO, "VM %lld (%s) deleted by user %lld", (long long)vm->id,
             vm->domain_name, (long long)k->uid);
    core_accel_tick(k->c);
    return CORE_OK;
}

core_code core_vm_destroy(core_call *k, int64_t id, bool force)
{
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, id, &vm)))
        return rc;
    drv_vm_state st = DRV_VM_SHUTOFF;
    drv_status s = live_state(k, &vm, &st);
    bool running = s == DRV_OK && st != DRV_VM_SHUTOFF && st != DRV_VM_CRASHED;
    if (!force && running)
        rc = core_fail(k, CORE_CONFLICT,
                       "the VM is running: power it off first (powerOFF or forceOFF), "
                       "or use forceDestroyVM");
    else
        rc = core_vm_remove(k, &vm);
    store_vm_clear(&vm);
    return rc;
}

core_code core_vm_delete(core_call *k, int64_t user_id, int64_t vm_id)
{
    core_code rc = core_need_admin(k);
    if (rc)
        return rc;
    store_vm vm;
    store_status s = store_vm_get(k->st, vm_id, user_id, &vm);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    if (s != STORE_OK)
        return core_store_fail(k, "get VM");
    rc = core_vm_remove(k, &vm);
    store_vm_clear(&vm);
    return rc;
}

/* ---- Devices ------------------------------------------------------------ */

/* Port order (then IDs): the first scan of a host numbers its devices the
 * same way every time, whatever order the hypervisor lists them in. */
static int usb_cmp(const void *pa, const void *pb)
{
    const drv_usb *a = pa, *b = pb;
    int c = strcmp(a->port ? a->port : "", b->port ? b->port : "");
    if (c)
        return c;
    if (a->vendor != b->vendor)
        return a->vendor < b->vendor ? -1 : 1;
    return a->product < b->product ? -1 : a->product > b->product;
}

static void rescan(core_call *k)
{
    drv_usb *usb = NULL;
    size_t n = 0;
    core_drv_lock(k->c);
    drv_status s = drv_usb_list(k->c->d, &usb, &n);
    core_drv_unlock(k->c);
    if (s != DRV_OK) {
        core_log(k->c, CORE_LOG_WARN, "USB scan failed: %s", drv_errmsg(k->c->d));
        return;
    }
    if (n > 1)
        qsort(usb, n, sizeof *usb, usb_cmp);
    store_accel_profile *profiles = NULL;
    size_t nprofiles = 0;
    store_accel_profile_list(k->st, &profiles, &nprofiles);
    if (store_tx_begin(k->st) != STORE_OK)
        goto out;
    store_status rc = store_dev_mark_all_absent(k->st);
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        char vendor[8], product[8], info[256];
        snprintf(vendor, sizeof vendor, "%04x", usb[i].vendor & 0xffff);
        snprintf(product, sizeof product, "%04x", usb[i].product & 0xffff);
        const char *vn = usb[i].vendor_name ? usb[i].vendor_name : "";
        const char *pn = usb[i].product_name ? usb[i].product_name : "";
        snprintf(info, sizeof info, "%s%s%s", vn, *vn && *pn ? " " : "", pn);
        store_dev d = {
            .vendor_id = vendor,
            .product_id = product,
            .serial = usb[i].serial,
            .bus = usb[i].bus,
            .device = usb[i].device,
            .port = usb[i].port,
            .info = info,
            /* One of a profile's devices keeps its row when its IDs change. */
            .hw_key = core_accel_hw_key(profiles, nprofiles, &usb[i]),
        };
        int64_t id;
        rc = store_dev_upsert(k->st, &d, &id);
        free(d.hw_key);
    }
    if (rc == STORE_OK)
        store_tx_commit(k->st);
    else
        store_tx_rollback(k->st);
out:
    store_accel_profile_list_free(profiles, nprofiles);
    drv_usb_list_free(usb, n);
}

core_code core_dev_get(core_call *k, int64_t id, store_dev *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_status s = store_dev_get(k->st, id, out);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such device");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "get device");
}

core_code core_dev_list(core_call *k, int64_t vm_id, bool rescan_first, store_dev **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (rescan_first)
        rescan(k);
    return store_dev_list(k->st, vm_id, list, n) == STORE_OK ? CORE_OK
                                                             : core_store_fail(k, "devices");
}

/* A hypervisor that cannot hot-plug (libvirt's test driver: "not supported
 * by the connection driver") reports DRV_UNSUPPORTED for a running VM; the
 * caller gets what to do instead of libvirt's text (which goes to the log). */
static core_code usb_change_fail(core_call *k, drv_status ds, const char *verb, const char *prep,
                                 const store_dev *d, const store_vm *vm)
{
    char what[64];
    snprintf(what, sizeof what, "cannot %s the device", verb);
    if (ds != DRV_UNSUPPORTED)
        return core_drv_fail(k, ds, what);
    core_log(k->c, CORE_LOG_WARN, "%s: %s", what, drv_errmsg(k->c->d));
    return core_fail(k, CORE_CONFLICT,
                     "cannot %s device %lld (%s:%s) %s running VM %s: this hypervisor cannot "
                     "hot-plug USB devices; power the VM off first",
                     verb, (long long)d->id, d->vendor_id ? d->vendor_id : "?",
                     d->product_id ? d->product_id : "?", prep, vm->name);
}

core_code core_dev_attach(core_call *k, int64_t dev_id, int64_t vm_id)
{
    store_vm vm;
    store_dev d = {0};
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, vm_id, &vm)))
        return rc;
    if ((rc = core_dev_get(k, dev_id, &d)))
        goto out;
    if (d.vm_id == vm.id) {
        rc = core_fail(k, CORE_CONFLICT, "the device is attached to this VM already");
        goto out;
    }
    if (d.vm_id) {
        rc = core_fail(k, CORE_CONFLICT, "the device is attached to another VM: detach it first");
        goto out;
    }
    if (!d.present) {
        rc = core_fail(k, CORE_CONFLICT, "the device is not plugged in");
        goto out;
    }
    if (store_tx_begin(k->st) != STORE_OK) {
        rc = core_store_fail(k, "begin");
        goto out;
    }
    rc = check_quota(k, vm.owner_id, 0, 0, 0, 1);
    if (!rc) {
        store_status s = store_dev_attach(k->st, dev_id, vm.id, vm.owner_id);
        if (s == STORE_CONFLICT)
            rc = core_fail(k, CORE_CONFLICT,
                           "the device is attached to another VM: detach it first");
        else if (s != STORE_OK)
            rc = core_store_fail(k, "attach device");
    }
    if (!rc) {
        drv_usb_sel sel;
        usb_sel_of(&d, &sel);
        core_drv_lock(k->c);
        drv_status ds = drv_usb_attach(k->c->d, vm.domain_name, &sel);
        if (ds != DRV_OK)
            rc = usb_change_fail(k, ds, "attach", "to", &d, &vm);
        core_drv_unlock(k->c);
    }
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        if (!rc)
            rc = core_store_fail(k, "commit");
    }
out:
    store_dev_clear(&d);
    store_vm_clear(&vm);
    return rc;
}

core_code core_dev_detach(core_call *k, int64_t dev_id, int64_t vm_id)
{
    store_vm vm;
    store_dev d = {0};
    core_code rc = core_need_user(k);
    if (rc || (rc = vm_get_scoped(k, vm_id, &vm)))
        return rc;
    if ((rc = core_dev_get(k, dev_id, &d)))
        goto out;
    if (d.vm_id != vm.id) {
        rc = core_fail(k, CORE_NOT_FOUND, "the device is not attached to this VM");
        goto out;
    }
    if (store_tx_begin(k->st) != STORE_OK) {
        rc = core_store_fail(k, "begin");
        goto out;
    }
    if (store_dev_detach(k->st, dev_id, vm.id, vm.owner_id) != STORE_OK)
        rc = core_store_fail(k, "detach device");
    if (!rc) {
        drv_usb_sel sel;
        usb_sel_of(&d, &sel);
        core_drv_lock(k->c);
        drv_status ds = drv_usb_detach(k->c->d, vm.domain_name, &sel);
        /* Not in the domain (or unplugged): released all the same. */
        if (ds != DRV_OK && ds != DRV_NOT_FOUND)
            rc = usb_change_fail(k, ds, "detach", "from", &d, &vm);
        core_drv_unlock(k->c);
    }
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        if (!rc)
            rc = core_store_fail(k, "commit");
    }
out:
    store_dev_clear(&d);
    store_vm_clear(&vm);
    return rc;
}

/* ---- Things -------------------------------------------------------------- */

core_code core_thing_get(core_call *k, int64_t id, store_thing *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_status s = store_thing_get(k->st, id, core_scope(k), out);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such thing");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "get thing");
}

core_code core_thing_list(core_call *k, int64_t owner, int64_t vm_id, store_thing **list, size_t *n)
{
    *list = NULL;
    *n = 0;
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (owner == 0)
        owner = core_scope(k);
    else if (k->role != STORE_ROLE_ADMIN && owner != k->uid)
        return core_fail(k, CORE_NOT_FOUND, "no such user");
    return store_thing_list(k->st, owner, vm_id, list, n) == STORE_OK
               ? CORE_OK
               : core_store_fail(k, "list things");
}

/* A thing reports to a VM of its owner: the caller's own, by ID or name. */
static core_code server_vm(core_call *k, const char *server, int64_t *vm_id)
{
    int64_t id;
    store_vm vm;
    store_status s = store_id_parse(server, &id) ? store_vm_get(k->st, id, k->uid, &vm)
                                                 : store_vm_get_by_name(k->st, k->uid, server, &vm);
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such VM");
    if (s != STORE_OK)
        return core_store_fail(k, "get VM");
    *vm_id = vm.id;
    store_vm_clear(&vm);
    return CORE_OK;
}

void core_thing_lwm2m_init(core_thing_lwm2m *l)
{
    memset(l, 0, sizeof *l);
    l->security = -1;
    l->server_security = -1;
}

/* Hex "0a1b..." -> 1..64 bytes; -1 if not that. */
static int key_of_hex(const char *hex, unsigned char out[64])
{
    size_t n = strlen(hex);
    if (n == 0 || n % 2 || n > 128)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char ch = hex[i + j];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i / 2] = (unsigned char)v;
    }
    return (int)(n / 2);
}

static bool identity_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)id[i] < 0x20 || id[i] == 0x7f)
            return false;
    return true;
}

/* The 1.1+ form: distinct letters of U (UDP), T (TCP), S (SMS), N (Non-IP).
 * Queue mode (the 1.0 "Q") is the client's choice since 1.1, and a 1.1
 * client rejects a binding with Q, so it is not offered. */
static bool binding_valid(const char *b)
{
    size_t n = strlen(b);
    if (n == 0 || n > 4)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("UTSN", b[i]) || strchr(b + i + 1, b[i]))
            return false;
    return true;
}

/* One side's credentials: security (-1 keep), identity and hex key. On
 * success *identity and key/len hold the result (*len 0: NoSec). */
static core_code creds_merge(core_call *k, const char *what, int security, const char *id_in,
                             const char *key_in, char **identity, unsigned char key[64],
                             size_t *len)
{
    if (security < 0 && (id_in || key_in))
        security = 1;
    if (security == 0) {
        if (id_in || key_in)
            return core_fail(k, CORE_BAD_USER_INPUT, "%s: NOSEC takes no PSK identity or key",
                             what);
        free(*identity);
        *identity = NULL;
        *len = 0;
        return CORE_OK;
    }
    if (security < 0)
        return CORE_OK; /* unchanged */
    if (id_in) {
        if (!identity_valid(id_in))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "%s: the PSK identity has 1-128 printable characters", what);
        free(*identity);
        *identity = strdup(id_in);
    }
    if (key_in) {
        int n = key_of_hex(key_in, key);
        if (n < 0)
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "%s: the PSK key is 1-64 bytes in hex (2-128 hex digits)", what);
        *len = (size_t)n;
    }
    if (!*identity || !*len)
        return core_fail(k, CORE_BAD_USER_INPUT, "%s: PSK needs an identity and a key", what);
    return CORE_OK;
}

/* Applies l onto row t (and the two keys), checking every field. */
static core_code lwm2m_merge(core_call *k, const core_thing_lwm2m *l, store_thing *t,
                             unsigned char key[64], size_t *key_len, unsigned char skey[64],
                             size_t *skey_len)
{
    core_code rc;
    if (l->endpoint) {
        if (!lwm2m_bs_endpoint_valid((const uint8_t *)l->endpoint, strlen(l->endpoint),
                                     LWM2M_BS_EP_MAX))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "invalid endpoint: 1-128 printable ASCII characters, no spaces");
        free(t->endpoint);
        t->endpoint = strdup(l->endpoint);
    }
    if ((rc = creds_merge(k, "bootstrap", l->security, l->psk_identity, l->psk_key,
                          &t->psk_identity, key, key_len)) ||
        (rc = creds_merge(k, "server", l->server_security, l->server_psk_identity,
                          l->server_psk_key, &t->server_psk_identity, skey, skey_len)))
        return rc;
    if (l->short_server_id) {
        if (l->short_server_id < 1 || l->short_server_id > 65534)
            return core_fail(k, CORE_BAD_USER_INPUT, "shortServerId is 1-65534");
        t->short_server_id = l->short_server_id;
    }
    if (l->lifetime) {
        if (l->lifetime < 1 || l->lifetime > INT32_MAX)
            return core_fail(k, CORE_BAD_USER_INPUT, "lifetime is 1-2147483647 seconds");
        t->lifetime = l->lifetime;
    }
    if (l->binding) {
        if (!binding_valid(l->binding))
            return core_fail(k, CORE_BAD_USER_INPUT,
                             "binding: distinct letters of U, T, S, N, e.g. U or UT");
        free(t->binding);
        t->binding = strdup(l->binding);
    }
    return CORE_OK;
}

/* Writes the LwM2M settings of t (endpoint, credentials...) in the store. */
static core_code lwm2m_store(core_call *k, const store_thing *t, const unsigned char *key,
                             size_t key_len, const unsigned char *skey, size_t skey_len)
{
    store_status s = store_thing_set_lwm2m(k->st, t, 0, key_len ? key : NULL, key_len,
                                           skey_len ? skey : NULL, skey_len);
    if (s == STORE_CONFLICT)
        return core_fail(k, CORE_CONFLICT,
                         "endpoint %s or the bootstrap PSK identity is in use by another thing",
                         t->endpoint ? t->endpoint : "");
    return s == STORE_OK ? CORE_OK : core_store_fail(k, "set thing LwM2M settings");
}

core_code core_thing_create(core_call *k, const char *name, const char *info, const char *server,
                            int64_t vm_id, store_thing *out)
{
    return core_thing_create2(k, name, info, server, vm_id, NULL, out);
}

core_code core_thing_create2(core_call *k, const char *name, const char *info, const char *server,
                             int64_t vm_id, const core_thing_lwm2m *l, store_thing *out)
{
    memset(out, 0, sizeof *out);
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    if (!core_name_valid(name))
        return core_fail(k, CORE_BAD_USER_INPUT,
                         "invalid thing name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                         "starting with a letter or digit");
    if (info && strlen(info) > 1024)
        return core_fail(k, CORE_BAD_USER_INPUT, "info has at most 1024 characters");
    if (server && (rc = server_vm(k, server, &vm_id)))
        return rc;
    if (!server) {
        store_vm vm;
        store_status s = store_vm_get(k->st, vm_id, k->uid, &vm);
        if (s == STORE_NOT_FOUND)
            return core_fail(k, CORE_NOT_FOUND, "no such VM");
        if (s != STORE_OK)
            return core_store_fail(k, "get VM");
        store_vm_clear(&vm);
    }
    core_thing_lwm2m def;
    if (!l) {
        core_thing_lwm2m_init(&def);
        l = &def;
    }
    /* The settings first, on a scratch row: nothing is written if one is bad. */
    store_thing t = {.owner_id = k->uid, .vm_id = vm_id};
    unsigned char key[64], skey[64];
    size_t key_len = 0, skey_len = 0;
    t.endpoint = strdup(name); /* default endpoint: the thing's name */
    if ((rc = lwm2m_merge(k, l, &t, key, &key_len, skey, &skey_len)))
        goto out;
    t.name = strdup(name);
    t.info = strdup(info ? info : "");
    if (store_tx_begin(k->st) != STORE_OK) {
        rc = core_store_fail(k, "begin");
        goto out;
    }
    store_status s = store_thing_create(k->st, &t, NULL, 0);
    if (s == STORE_CONFLICT)
        rc = core_fail(k, CORE_CONFLICT,
                       "you have a thing named %s already, or its endpoint %s is in use", name,
                       t.endpoint);
    else if (s == STORE_NOT_FOUND)
        rc = core_fail(k, CORE_NOT_FOUND, "no such VM");
    else if (s != STORE_OK)
        rc = core_store_fail(k, "create thing");
    else
        rc = lwm2m_store(k, &t, key, key_len, skey, skey_len);
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        if (!rc)
            rc = core_store_fail(k, "commit");
        goto out;
    }
    core_things_refresh(k, t.id);
    rc = core_thing_get(k, t.id, out);
out:
    explicit_bzero(key, sizeof key);
    explicit_bzero(skey, sizeof skey);
    store_thing_clear(&t);
    return rc;
}

core_code core_thing_update(core_call *k, int64_t id, const char *name, const char *info,
                            const char *server, const core_thing_lwm2m *l, store_thing *out)
{
    memset(out, 0, sizeof *out);
    store_thing t;
    core_code rc = core_need_user(k);
    if (rc || (rc = core_thing_get(k, id, &t)))
        return rc;
    unsigned char key[64], skey[64];
    size_t key_len = 0, skey_len = 0;
    store_thing_keys ks;
    int64_t vm_id = -1; /* unchanged */
    if (name && !core_name_valid(name)) {
        rc = core_fail(k, CORE_BAD_USER_INPUT,
                       "invalid thing name: 1-64 characters of A-Z a-z 0-9 . _ -, "
                       "starting with a letter or digit");
        goto out;
    }
    if (info && strlen(info) > 1024) {
        rc = core_fail(k, CORE_BAD_USER_INPUT, "info has at most 1024 characters");
        goto out;
    }
    if (server && !server[0])
        vm_id = 0;
    else if (server) {
        /* a VM of the thing's owner (admins act for them) */
        int64_t caller = k->uid;
        k->uid = t.owner_id;
        rc = server_vm(k, server, &vm_id);
        k->uid = caller;
        if (rc)
            goto out;
    }
    if (store_thing_get_keys(k->st, id, &ks) != STORE_OK) {
        rc = core_store_fail(k, "read thing keys");
        goto out;
    }
    if (ks.key_len <= sizeof key && ks.key)
        memcpy(key, ks.key, key_len = ks.key_len);
    if (ks.server_key_len <= sizeof skey && ks.server_key)
        memcpy(skey, ks.server_key, skey_len = ks.server_key_len);
    store_thing_keys_clear(&ks);
    if (l && (rc = lwm2m_merge(k, l, &t, key, &key_len, skey, &skey_len)))
        goto out;
    if (name) {
        free(t.name);
        t.name = strdup(name);
    }
    if (info) {
        free(t.info);
        t.info = strdup(info);
    }
    if (store_tx_begin(k->st) != STORE_OK) {
        rc = core_store_fail(k, "begin");
        goto out;
    }
    store_status s = store_thing_update(k->st, &t, 0);
    if (s == STORE_CONFLICT)
        rc = core_fail(k, CORE_CONFLICT, "a thing named %s exists already", t.name);
    else if (s != STORE_OK)
        rc = core_store_fail(k, "update thing");
    if (!rc)
        rc = lwm2m_store(k, &t, key, key_len, skey, skey_len);
    if (!rc && vm_id >= 0 && vm_id != t.vm_id &&
        store_thing_attach(k->st, id, vm_id, t.owner_id) != STORE_OK)
        rc = core_store_fail(k, "attach thing");
    if (rc || store_tx_commit(k->st) != STORE_OK) {
        store_tx_rollback(k->st);
        if (!rc)
            rc = core_store_fail(k, "commit");
        goto out;
    }
    core_things_refresh(k, id);
    rc = core_thing_get(k, id, out);
out:
    explicit_bzero(key, sizeof key);
    explicit_bzero(skey, sizeof skey);
    store_thing_clear(&t);
    return rc;
}

core_code core_thing_delete(core_call *k, int64_t id)
{
    core_code rc = core_need_user(k);
    if (rc)
        return rc;
    store_status s = store_thing_delete(k->st, id, core_scope(k));
    if (s == STORE_NOT_FOUND)
        return core_fail(k, CORE_NOT_FOUND, "no such thing");
    if (s != STORE_OK)
        return core_store_fail(k, "delete thing");
    core_things_refresh(k, id); /* gone from the index */
    return CORE_OK;
}

core_code core_thing_attach(core_call *k, int64_t thing_id, int64_t vm_id)
{
    store_thing t;
    store_vm vm;
    core_code rc = core_need_user(k);
    if (rc || (rc = core_thing_get(k, thing_id, &t)))
        return rc;
    /* The VM must be the thing's owner's: for a user, their own. */
    store_status s = store_vm_get(k->st, vm_id, t.owner_id, &vm);
    if (s == STORE_NOT_FOUND)
        rc = core_fail(k, CORE_NOT_FOUND, "no such VM");
    else if (s != STORE_OK)
        rc = core_store_fail(k, "get VM");
    else {
        store_vm_clear(&vm);
        if (store_thing_attach(k->st, thing_id, vm_id, t.owner_id) != STORE_OK)
            rc = core_store_fail(k, "attach thing");
        else
            core_things_refresh(k, thing_id); /* linked: it bootstraps */
    }
    store_thing_clear(&t);
    return rc;
}
