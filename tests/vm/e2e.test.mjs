// e2e.test.mjs -- the real epfiotd, over HTTP (GraphQL), against a private
// libvirtd running real QEMU (TCG) guests: the busybox test guest of
// tests/vm/image as base image, booted by direct kernel boot (the daemon's
// kernel_image option). Run by e2e.sh inside tests/vm/run.sh, which gives:
//   EPFIOT_VM_URI, EPFIOT_VM_DIR, EPFIOT_VM_HARNESS (vmenv.sh), and e2e.sh
//   adds EPFIOTD, EPFIOTD_HOOKS (the test-only build that kills itself at a
//   named step) and VMTOOL (what the tests do behind the daemon's back).
//
// The tests run in order in one file on one libvirtd. Every wait polls the
// API (or libvirt) until a condition holds, with deadlines of minutes: the
// machine may run several builds at once. The daemon never polls libvirt
// for states, so a state that follows in the API came from an event.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as h from '../daemon/daemon.mjs';

const run = promisify(execFile);
const URI = process.env.EPFIOT_VM_URI;
const DIR = process.env.EPFIOT_VM_DIR;
const HARNESS = process.env.EPFIOT_VM_HARNESS;
const VMTOOL = process.env.VMTOOL;
const HOOKS = process.env.EPFIOTD_HOOKS;
const SLOW = h.SLOW;
const WAIT = 240000 * SLOW; // every "until" below: 4 minutes (x SLOW)

const VM_FIELDS = 'id name state ip vcpu memory uuid pendingChanges owner { id }';

// The daemon as an appliance would run it on this host, with the test
// guest's kernel and initramfs from the image pool.
function daemonArgs() {
  return ['--libvirt-uri', URI, '--image-pool', 'epfiot-images', '--vm-pool', 'epfiot-vms',
    '--network', 'epfiot', '--force-tcg',
    // no_timer_check: under TCG on a loaded machine the kernel's early
    // check of the IO-APIC timer can fail and panic the guest.
    '--kernel-image', 'vmlinux', '--initrd-image', 'initrd', '--kernel-args', 'console=ttyS0 quiet no_timer_check'];
}

async function vmtool(...args) {
  const { stdout } = await run(VMTOOL, [args[0], URI, ...args.slice(1)], { maxBuffer: 1 << 22 });
  return stdout;
}
const domains = async () => (await vmtool('doms')).split('\n').filter(Boolean);
const vmVolumes = async () => (await vmtool('vols', 'epfiot-vms')).split('\n').filter(Boolean);
const images = async () => (await vmtool('vols', 'epfiot-images')).split('\n').filter(Boolean);
const domainOf = (vm) => `epfiot-vm-${vm.id}`;

// Polls fn until it returns a truthy value; fails with what it saw last.
async function until(what, fn, ms = WAIT) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) assert.fail(`${what}: not within ${ms / 1000} s (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await h.sleep(250);
  }
}

const getVm = async (d, token, id) => (await h.ok(d, `query($id:ID!){getVm(id:$id){${VM_FIELDS}}}`, { id }, token)).getVm;
const stateIs = (d, token, id, state) => until(`VM ${id} ${state}`, async () => {
  const vm = await getVm(d, token, id);
  return vm.state === state && vm;
});

async function createVm(d, token, name, extra = {}) {
  const vm = { name, base: 'base.qcow2', vcpu: 1, memory: 256, ...extra };
  return (await h.ok(d, `mutation($vm:VmInput!){createVm(vm:$vm){${VM_FIELDS}}}`, { vm }, token)).createVm;
}
const powerOn = async (d, token, id) => (await h.ok(d, `mutation($id:ID!){powerON(vmID:$id){${VM_FIELDS}}}`, { id }, token)).powerON;

// The guest's serial console: log in as `user`, run `command`, return its output.
async function onConsole(vm, user, password, command) {
  const { stdout } = await run(VMTOOL, ['console', URI, domainOf(vm), user, password, command, String(300 * SLOW)],
    { maxBuffer: 1 << 20, timeout: 420000 * SLOW });
  return stdout;
}

// The QEMU process of a running domain (libvirtd's /run is DIR/run).
function qemuPid(vm) {
  const f = join(DIR, 'run/libvirt/qemu', `${domainOf(vm)}.pid`);
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : 0;
}

let d, admin, alice, bob; // d: the daemon now running (the kill -9 tests replace it)
const PW = 'correct horse staple';

before(async () => {
  assert.ok(URI && DIR && VMTOOL && HOOKS, 'run through tests/vm/e2e.sh');
  d = await h.startDaemon({ args: daemonArgs() });
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
  h.secret(PW);
});
after(async () => {
  if (d) await d.stop();
});

describe('one VM from creation to destruction', () => {
  let vm;
  it('createVm defines a domain with an overlay and a seed; the VM is POWEROFF', async () => {
    vm = await createVm(d, alice.token, 'web', { config: { user: 'alice', password: PW } });
    assert.equal(vm.state, 'POWEROFF');
    assert.match(vm.uuid, /^[0-9a-f-]{36}$/);
    assert.ok((await domains()).includes(domainOf(vm)));
    const vols = await vmVolumes();
    assert.ok(vols.includes(`${domainOf(vm)}-disk.qcow2`), vols.join());
    assert.ok(vols.includes(`${domainOf(vm)}-seed.iso`), vols.join());
  });

  it('powerON makes it RUNNING, and its DHCP address appears in the API', async () => {
    assert.equal((await powerOn(d, alice.token, vm.id)).state, 'RUNNING');
    const seen = await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
    assert.match(seen, /^10\.128\.0\.\d+$/);
  });

  it('updateVm resizes the running VM live: the domain shows it and nothing is pending', async () => {
    const r = await h.ok(d, `mutation($vm:VmInput!){updateVm(vm:$vm){${VM_FIELDS}}}`,
      { vm: { id: vm.id, name: 'web', base: 'base.qcow2', vcpu: 2, memory: 384 } }, alice.token);
    assert.equal(r.updateVm.vcpu, 2);
    assert.equal(r.updateVm.memory, 384);
    const xml = await vmtool('xml', domainOf(vm));
    assert.match(xml, /<vcpu[^>]*current='2'[^>]*>4<\/vcpu>/);
    // The live XML shows the balloon's actual size, which the guest reaches
    // in its own time.
    await until('the balloon at 384 MiB', async () =>
      /<currentMemory unit='KiB'>393216<\/currentMemory>/.test(await vmtool('xml', domainOf(vm))));
    const inactive = await vmtool('xml', domainOf(vm), 'inactive');
    assert.match(inactive, /<currentMemory unit='KiB'>393216<\/currentMemory>/);
    await until('no pending changes', async () => (await getVm(d, alice.token, vm.id)).pendingChanges.length === 0);
  });

  it('powerOFF asks the guest (ACPI); POWEROFF arrives by event and the address goes', async () => {
    const r = await h.ok(d, `mutation($id:ID!){powerOFF(vmID:$id){${VM_FIELDS}}}`, { id: vm.id }, alice.token);
    assert.ok(['SHUTTING_DOWN', 'POWEROFF'].includes(r.powerOFF.state), r.powerOFF.state);
    const off = await stateIs(d, alice.token, vm.id, 'POWEROFF');
    assert.equal(off.ip, null);
    assert.deepEqual(off.pendingChanges, []);
  });

  it('destroyVM removes the domain, the overlay and the seed, and keeps the base image', async () => {
    assert.equal((await h.ok(d, 'mutation($id:ID!){destroyVM(vmID:$id)}', { id: vm.id }, alice.token)).destroyVM, true);
    assert.ok(!(await domains()).includes(domainOf(vm)));
    assert.deepEqual((await vmVolumes()).filter((v) => v.startsWith(`${domainOf(vm)}-`)), []);
    assert.ok((await images()).includes('base.qcow2'));
    assert.equal((await h.gql(d, `query($id:ID!){getVm(id:$id){id}}`, { id: vm.id }, alice.token)).data.getVm, null);
  });
});

describe('two tenants', () => {
  it('both create a VM named "same": distinct domains, both boot and get an address', async () => {
    const a = await createVm(d, alice.token, 'same');
    const b = await createVm(d, bob.token, 'same');
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.uuid, b.uuid);
    const doms = await domains();
    assert.ok(doms.includes(domainOf(a)) && doms.includes(domainOf(b)));
    await powerOn(d, alice.token, a.id);
    await powerOn(d, bob.token, b.id);
    const ipa = await until('alice\'s address', async () => (await getVm(d, alice.token, a.id)).ip);
    const ipb = await until('bob\'s address', async () => (await getVm(d, bob.token, b.id)).ip);
    assert.notEqual(ipa, ipb);
    // Neither sees the other's.
    assert.equal((await h.gql(d, `query($id:ID!){getVm(id:$id){id}}`, { id: b.id }, alice.token)).data.getVm, null);
    for (const [t, v] of [[alice.token, a], [bob.token, b]]) {
      assert.equal((await h.ok(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: v.id }, t)).forceDestroyVM, true);
    }
    const left = await domains();
    assert.ok(!left.includes(domainOf(a)) && !left.includes(domainOf(b)));
  });
});

describe('state changes behind the daemon\'s back follow by event', () => {
  let vm;
  before(async () => {
    vm = await createVm(d, alice.token, 'ext', { config: { user: 'alice', password: PW } });
  });
  after(async () => {
    if (vm) await h.gql(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: vm.id }, alice.token);
  });

  it('a destroy through libvirt (virsh destroy): POWEROFF', async () => {
    await powerOn(d, alice.token, vm.id);
    await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
    await vmtool('destroy', domainOf(vm));
    const off = await stateIs(d, alice.token, vm.id, 'POWEROFF');
    assert.equal(off.ip, null);
  });

  it('QEMU killed: CRASHED (libvirt says the domain failed), and it can be powered on again', async () => {
    await powerOn(d, alice.token, vm.id);
    const pid = await until('the QEMU pid file', async () => qemuPid(vm));
    process.kill(pid, 'SIGKILL');
    await stateIs(d, alice.token, vm.id, 'CRASHED');
    assert.equal((await powerOn(d, alice.token, vm.id)).state, 'RUNNING');
    await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
  });
});

describe('quotas under concurrency', () => {
  it('4 parallel createVm against a quota of 3: exactly 3 succeed, nothing leaks', async () => {
    const carol = await h.makeUser(d, admin, 'carol');
    await h.ok(d, 'mutation($u:ID!){setQuota(userID:$u,quota:{vms:3}){vms}}', { u: carol.id }, admin);
    const before = { doms: await domains(), vols: await vmVolumes() };
    const rs = await Promise.all([1, 2, 3, 4].map((i) => h.gql(d,
      `mutation($vm:VmInput!){createVm(vm:$vm){${VM_FIELDS}}}`,
      { vm: { name: `q${i}`, base: 'base.qcow2', vcpu: 1, memory: 128 } }, carol.token)));
    const made = rs.filter((r) => r.data && r.data.createVm).map((r) => r.data.createVm);
    const refused = rs.filter((r) => r.errors);
    assert.equal(made.length, 3, JSON.stringify(rs.map((r) => r.json)));
    assert.equal(refused.length, 1);
    assert.match(refused[0].errors[0].message, /quota/);
    const doms = await domains();
    const newDoms = doms.filter((x) => !before.doms.includes(x)).sort();
    assert.deepEqual(newDoms, made.map(domainOf).sort());
    const newVols = (await vmVolumes()).filter((x) => !before.vols.includes(x));
    assert.equal(newVols.length, 6, newVols.join());
    for (const v of made) {
      await h.ok(d, 'mutation($id:ID!){destroyVM(vmID:$id)}', { id: v.id }, carol.token);
    }
    assert.deepEqual((await domains()).filter((x) => !before.doms.includes(x)), []);
    assert.deepEqual((await vmVolumes()).filter((x) => !before.vols.includes(x)), []);
  });
});

describe('libvirtd restarted under the daemon', () => {
  let vm;
  before(async () => {
    vm = await createVm(d, alice.token, 'lr');
  });
  after(async () => {
    if (vm) await h.gql(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: vm.id }, alice.token);
  });
  const reconnections = () => (d.stderr.match(/hypervisor connection back/g) || []).length;

  it('a running VM stays RUNNING with its address; the daemon reconnects by itself and events keep coming', async () => {
    await powerOn(d, alice.token, vm.id);
    const ip = await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
    const before = reconnections();
    await run(HARNESS, ['restart', DIR]);
    await until('the daemon reconnected', async () => reconnections() > before);
    const now = await getVm(d, alice.token, vm.id);
    assert.equal(now.state, 'RUNNING');
    assert.equal(now.ip, ip);
    // Events after the reconnection: a destroy behind the daemon's back.
    await vmtool('destroy', domainOf(vm));
    const off = await stateIs(d, alice.token, vm.id, 'POWEROFF');
    assert.equal(off.ip, null);
  });

  it('a VM that died while libvirtd was down is reconciled when it comes back', async () => {
    await powerOn(d, alice.token, vm.id);
    await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
    const pid = await until('the QEMU pid file', async () => qemuPid(vm));
    const before = reconnections();
    // libvirtd down (the harness started it; stopped by its recorded PID),
    // QEMU killed meanwhile, libvirtd up again.
    const lv = Number(readFileSync(join(DIR, 'libvirtd.pid'), 'utf8').trim());
    process.kill(lv, 'SIGTERM');
    await until('libvirtd gone', async () => { try { process.kill(lv, 0); return false; } catch { return true; } });
    process.kill(pid, 'SIGKILL');
    await run(HARNESS, ['restart', DIR]);
    await until('the daemon reconnected', async () => reconnections() > before);
    const got = await until('the VM no longer RUNNING', async () => {
      const v = await getVm(d, alice.token, vm.id);
      return v.state !== 'RUNNING' && v;
    });
    assert.ok(['POWEROFF', 'CRASHED'].includes(got.state), got.state);
    assert.equal(got.ip, null);
    // And it starts again.
    assert.equal((await powerOn(d, alice.token, vm.id)).state, 'RUNNING');
    await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
  });
});

describe('kill -9 of the daemon in the middle of createVm and destroyVM (epfiotd-hooks)', () => {
  // The daemon's own objects in libvirt: domains and VM volumes by ID.
  const ownDomains = async () => (await domains()).filter((x) => /^epfiot-vm-\d+$/.test(x));
  const idsOfVolumes = async () => [...new Set((await vmVolumes()).map((v) => (/^epfiot-vm-(\d+)-/.exec(v) || [])[1]).filter(Boolean))];

  // The normal daemon stops; the hooks build takes its database, dies at
  // `step` during `op`; the normal daemon starts again on the same database.
  async function crashAt(step, op) {
    const dir = d.dir;
    await d.stop();
    d = null;
    const hd = await h.startDaemon({ dir, binary: HOOKS, args: daemonArgs(), env: { EPFIOT_TEST_KILL_AT: step } });
    hd.stopping = true; // its death is the point
    const tok = await h.login(hd, 'alice', alice.password);
    const r = await op(hd, tok).catch((e) => e);
    const { signal } = await hd.exited;
    assert.equal(signal, 'SIGKILL', `${step}: ${JSON.stringify(r && r.json)}\n${hd.stderr}`);
    d = await h.startDaemon({ dir, args: daemonArgs() });
    alice.token = await h.login(d, 'alice', alice.password);
  }
  const vmsOf = async () => (await h.ok(d, `{getVms{${VM_FIELDS}}}`, null, alice.token)).getVms;

  // Every domain and volume has its VM row, and every row its domain.
  async function nothingOrphaned() {
    const rows = await h.ok(d, `{getVms{${VM_FIELDS}}}`, null, admin);
    const ids = rows.getVms.map((v) => v.id).sort();
    assert.deepEqual((await ownDomains()).map((x) => x.slice('epfiot-vm-'.length)).sort(), ids);
    assert.deepEqual((await idsOfVolumes()).sort(), ids);
  }

  const create = (hd, tok) => h.gql(hd, 'mutation($vm:VmInput!){createVm(vm:$vm){id}}',
    { vm: { name: 'crash', base: 'base.qcow2', vcpu: 1, memory: 128 } }, tok);

  for (const step of ['create-after-row', 'create-after-overlay']) {
    it(`killed at ${step}: the half-made VM is removed at restart, with what was made for it`, async () => {
      await crashAt(step, create);
      admin = await h.adminToken(d);
      assert.deepEqual((await vmsOf()).filter((v) => v.name === 'crash'), []);
      await nothingOrphaned();
    });
  }

  it('killed at create-after-define: the VM is finished at restart (POWEROFF, its UUID) and boots', async () => {
    await crashAt('create-after-define', create);
    admin = await h.adminToken(d);
    const [vm] = (await vmsOf()).filter((v) => v.name === 'crash');
    assert.ok(vm, 'the VM is kept');
    assert.equal(vm.state, 'POWEROFF');
    assert.match(vm.uuid, /^[0-9a-f-]{36}$/);
    await nothingOrphaned();
    assert.equal((await powerOn(d, alice.token, vm.id)).state, 'RUNNING');
    await until('an IP address', async () => (await getVm(d, alice.token, vm.id)).ip);
  });

  it('killed at destroy-after-row: the domain and its volumes are removed at restart', async () => {
    const [vm] = (await vmsOf()).filter((v) => v.name === 'crash');
    assert.ok(vm);
    await crashAt('destroy-after-row', (hd, tok) =>
      h.gql(hd, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: vm.id }, tok));
    admin = await h.adminToken(d);
    assert.deepEqual((await vmsOf()).filter((v) => v.name === 'crash'), []);
    assert.ok(!(await domains()).includes(domainOf(vm)));
    await nothingOrphaned();
    assert.ok((await images()).includes('base.qcow2'));
  });
});
