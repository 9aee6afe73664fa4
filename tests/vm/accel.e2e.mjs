// accel.e2e.mjs -- accelerators on the real-VM harness: two tenants' TCG
// VMs and one Coral, through the real epfiotd (the test-only epfiotd-hooks
// build) against the private libvirtd of tests/vm/run.sh. Run by e2e.sh as
// the vm-accel test (EPFIOT_E2E_TESTS=accel.e2e.mjs).
//
// This host has no USB subsystem, so libvirt lists no USB node devices. The
// hooks build lists the recorded node device of
// tests/driver/fixtures/usb-coral-bootloader.xml (the Coral before its
// firmware loads, 1a6e:089a on port 1-2) as if the host had it
// (EPFIOT_TEST_USB_NODEDEVS, read only by epfiotd-hooks); everything after
// the listing is the shipped path: libvirt is asked to attach and detach,
// and the tests read the domain XML. What libvirt can do here:
//  - a live attach to a running VM fails (the kernel has no such device):
//    the daemon must say so, leave the device free and visible, and record
//    an ATTACH_FAILED event;
//  - an attach to a powered-off VM goes into its persistent definition
//    (startupPolicy='optional': on a host with a USB subsystem the VM
//    boots without the absent device; on this one, libvirt refuses to start
//    it, and the daemon says so).
// Every wait polls with deadlines of minutes (the machine may be loaded).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import * as h from '../daemon/daemon.mjs';

const run = promisify(execFile);
const URI = process.env.EPFIOT_VM_URI;
const VMTOOL = process.env.VMTOOL;
const HOOKS = process.env.EPFIOTD_HOOKS;
const WAIT = 240000 * h.SLOW;
const CORAL = join(h.REPO, 'tests/driver/fixtures/usb-coral-bootloader.xml');

function daemonArgs() {
  return ['--libvirt-uri', URI, '--image-pool', 'epfiot-images', '--vm-pool', 'epfiot-vms',
    '--network', 'epfiot', '--force-tcg',
    '--kernel-image', 'vmlinux', '--initrd-image', 'initrd', '--kernel-args', 'console=ttyS0 quiet no_timer_check'];
}

const vmtool = async (...args) =>
  (await run(VMTOOL, [args[0], URI, ...args.slice(1)], { maxBuffer: 1 << 22 })).stdout;
const domainOf = (vm) => `epfiot-vm-${vm.id}`;
// The Coral's hostdev in a domain's live or persistent XML.
const CORAL_HOSTDEV = /<hostdev mode='subsystem' type='usb'[^>]*>\s*<source startupPolicy='optional'>\s*<vendor id='0x1a6e'\/>\s*<product id='0x089a'\/>/;
const liveHas = async (vm) => CORAL_HOSTDEV.test(await vmtool('xml', domainOf(vm)));
const configHas = async (vm) => CORAL_HOSTDEV.test(await vmtool('xml', domainOf(vm), 'inactive'));
const anyHostdev = async (vm) => /<hostdev/.test(await vmtool('xml', domainOf(vm))) ||
  /<hostdev/.test(await vmtool('xml', domainOf(vm), 'inactive'));

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

let d, admin, alice, bob, vmA, vmB, coral;
const VM_FIELDS = 'id name state';
const getVm = async (token, id) => (await h.ok(d, `query($id:ID!){getVm(id:$id){${VM_FIELDS}}}`, { id }, token)).getVm;
const stateIs = (token, id, state) => until(`VM ${id} ${state}`, async () => (await getVm(token, id)).state === state);
const powerOn = (token, id) => h.ok(d, 'mutation($id:ID!){powerON(vmID:$id){id}}', { id }, token);
const forceOff = async (token, id) => {
  await h.ok(d, 'mutation($id:ID!){forceOFF(vmID:$id)}', { id }, token);
  await stateIs(token, id, 'POWEROFF');
};
const DEV = (id) => `{ getDev(id: "${id}") { vendorId productId present profile leaseEnd holder { mine vm { id } leaseEnd } queue { position mine vm { id } } } }`;
const dev = async (token) => (await h.ok(d, DEV(coral), null, token)).getDev;
const events = async (token, n = 10) =>
  (await h.ok(d, `{ getDev(id: "${coral}") { events(limit: ${n}) { kind mine detail } } }`, null, token)).getDev.events;
const acquire = (vm, lease = 0) =>
  `mutation { acquireDevice(vmID: "${vm.id}", devID: "${coral}", leaseSeconds: ${lease}) { status position leaseEnd device { id } } }`;

// Powers on a VM whose definition holds the Coral (startupPolicy
// 'optional'). On a host with a USB subsystem the VM boots without the
// absent device. Without one (this machine: no /sys/bus/usb) libvirt reads
// /sys/bus/usb/devices even for an optional device and refuses the start;
// the daemon must pass that on and leave the VM POWEROFF.
async function bootWithCoral(user, vm) {
  if (existsSync('/sys/bus/usb/devices')) {
    await powerOn(user, vm.id);
    await stateIs(user, vm.id, 'RUNNING');
    return;
  }
  const r = await h.fails(d, 'mutation($id:ID!){powerON(vmID:$id){id}}', { id: vm.id }, user);
  assert.match(r.errors[0].message, /cannot start the VM: .*\/sys\/bus\/usb\/devices/);
  assert.equal((await getVm(user, vm.id)).state, 'POWEROFF');
}

before(async () => {
  assert.ok(URI && VMTOOL && HOOKS, 'run through tests/vm/e2e.sh');
  d = await h.startDaemon({ binary: HOOKS, args: daemonArgs(), env: { EPFIOT_TEST_USB_NODEDEVS: CORAL } });
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
  const mk = async (t, name) => (await h.ok(d, 'mutation($vm:VmInput!){createVm(vm:$vm){id}}',
    { vm: { name, base: 'base.qcow2', vcpu: 1, memory: 256 } }, t)).createVm;
  vmA = await mk(alice.token, 'a');
  vmB = await mk(bob.token, 'b');
});
after(async () => {
  if (!d) return;
  for (const [t, v] of [[alice, vmA], [bob, vmB]])
    if (t && v) await h.gql(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: v.id }, t.token);
  await d.stop();
  h.removeDir(d.dir);
});

describe('one Coral, two tenants\' TCG VMs', () => {
  it('both VMs run; the recorded Coral is listed, free', async () => {
    await powerOn(alice.token, vmA.id);
    await powerOn(bob.token, vmB.id);
    await stateIs(alice.token, vmA.id, 'RUNNING');
    await stateIs(bob.token, vmB.id, 'RUNNING');
    const usb = (await h.ok(d, '{ getUsb { id vendorId productId port profile } }', null, alice.token)).getUsb;
    const c = usb.find((x) => x.profile === 'coral-usb');
    assert.ok(c, JSON.stringify(usb));
    assert.deepEqual({ ...c, id: undefined }, { id: undefined, vendorId: '1a6e', productId: '089a', port: '1-2', profile: 'coral-usb' });
    coral = c.id;
    const v = await dev(alice.token);
    assert.equal(v.holder, null);
    assert.deepEqual(v.queue, []);
  });

  it('a live attach to a running VM fails here (no USB subsystem): said so, device free, event recorded, no hostdev', async () => {
    const r = await h.fails(d, acquire(vmA), null, alice.token);
    assert.match(r.errors[0].message, /cannot attach device \d+ to VM a; it stays free/);
    const v = await dev(alice.token);
    assert.equal(v.holder, null);
    assert.equal(v.present, true);
    assert.deepEqual(v.queue, []);
    const ev = await events(alice.token, 1);
    assert.deepEqual(ev.map((e) => [e.kind, e.mine]), [['ATTACH_FAILED', true]]);
    assert.match(ev[0].detail, /1a6e:089a could not be attached/);
    assert.equal(await anyHostdev(vmA), false);
    // Bob may see the event, not whose it was.
    assert.deepEqual((await events(bob.token, 1)).map((e) => [e.kind, e.mine]), [['ATTACH_FAILED', false]]);
  });

  it('A powered off: the acquire goes into A\'s persistent definition, with a lease', async () => {
    await forceOff(alice.token, vmA.id);
    const r = (await h.ok(d, acquire(vmA, 3600), null, alice.token)).acquireDevice;
    assert.equal(r.status, 'ATTACHED');
    assert.equal(r.device.id, coral);
    assert.ok(r.leaseEnd);
    const end = Date.parse(r.leaseEnd);
    assert.ok(end > Date.now() + 3000 * 1000 && end <= Date.now() + 3601 * 1000, r.leaseEnd);
    assert.equal(await configHas(vmA), true);
    const v = await dev(alice.token);
    assert.deepEqual(v.holder, { mine: true, vm: { id: vmA.id }, leaseEnd: r.leaseEnd });
    assert.equal(v.leaseEnd, r.leaseEnd);
  });

  it('bob\'s acquire for his running VM queues; neither tenant sees the other\'s VM', async () => {
    const r = (await h.ok(d, acquire(vmB), null, bob.token)).acquireDevice;
    assert.deepEqual({ status: r.status, position: r.position }, { status: 'QUEUED', position: 1 });
    const b = await dev(bob.token);
    assert.deepEqual(b.holder, { mine: false, vm: null, leaseEnd: b.holder.leaseEnd });
    assert.deepEqual(b.queue, [{ position: 1, mine: true, vm: { id: vmB.id } }]);
    const a = await dev(alice.token);
    assert.deepEqual(a.queue, [{ position: 1, mine: false, vm: null }]);
    assert.equal(await anyHostdev(vmB), false);
  });

  it('A boots with the Coral in its definition where the host has USB; here the start is refused and said why; A keeps the lease', async () => {
    await bootWithCoral(alice.token, vmA);
    assert.equal(await configHas(vmA), true);
    assert.deepEqual((await dev(alice.token)).holder.vm, { id: vmA.id });
  });

  it('A releases: the hostdev leaves A\'s definition; the hand-over to B (running) fails here: free, visible, event', async () => {
    assert.equal((await h.ok(d, `mutation { releaseDevice(devID: "${coral}") }`, null, alice.token)).releaseDevice, true);
    await until('free, queue served', async () => {
      const v = await dev(bob.token);
      return v.holder === null && v.queue.length === 0;
    });
    assert.equal(await configHas(vmA), false);
    assert.equal(await liveHas(vmA), false);
    assert.equal(await anyHostdev(vmB), false);
    const ev = (await events(bob.token, 2)).map((e) => [e.kind, e.mine]);
    assert.deepEqual(ev, [['ATTACH_FAILED', true], ['RELEASED', false]]);
    assert.equal((await dev(bob.token)).present, true);
  });

  it('B powered off: bob acquires; the hostdev is in B\'s definition and in no other', async () => {
    await forceOff(bob.token, vmB.id);
    const r = (await h.ok(d, acquire(vmB), null, bob.token)).acquireDevice;
    assert.equal(r.status, 'ATTACHED');
    assert.equal(r.leaseEnd, null);
    assert.equal(await configHas(vmB), true);
    assert.equal(await anyHostdev(vmA), false);
    const v = await dev(bob.token);
    assert.deepEqual(v.holder, { mine: true, vm: { id: vmB.id }, leaseEnd: null });
    await bootWithCoral(bob.token, vmB);
    assert.equal(await configHas(vmB), true);
    assert.deepEqual((await dev(bob.token)).holder.vm, { id: vmB.id });
  });
  it('a hand-over between definitions: A queues; bob releases; the hostdev leaves B\'s definition and enters A\'s, in that order', async () => {
    for (const [t, v] of [[alice, vmA], [bob, vmB]])
      if ((await getVm(t.token, v.id)).state !== 'POWEROFF') await forceOff(t.token, v.id);
    const q = (await h.ok(d, acquire(vmA, 600), null, alice.token)).acquireDevice;
    assert.deepEqual({ status: q.status, position: q.position }, { status: 'QUEUED', position: 1 });
    assert.equal(await configHas(vmA), false);
    assert.equal((await h.ok(d, `mutation { releaseDevice(devID: "${coral}") }`, null, bob.token)).releaseDevice, true);
    const v = await until('A holds it', async () => {
      const x = await dev(alice.token);
      return x.holder && x.holder.mine && x;
    });
    assert.deepEqual(v.holder.vm, { id: vmA.id });
    assert.deepEqual(v.queue, []);
    const end = Date.parse(v.leaseEnd);
    assert.ok(end > Date.now() + 500 * 1000 && end <= Date.now() + 601 * 1000, v.leaseEnd);
    assert.equal(await configHas(vmA), true);
    assert.equal(await anyHostdev(vmB), false);
    // The daemon's record of the order: released by B, then acquired by A.
    const ev = await events(alice.token, 2);
    assert.deepEqual(ev.map((e) => [e.kind, e.mine]), [['ACQUIRED', true], ['RELEASED', false]]);
    assert.match(ev[0].detail, /from the queue/);
    assert.equal((await h.ok(d, `mutation { releaseDevice(devID: "${coral}") }`, null, alice.token)).releaseDevice, true);
    assert.equal(await anyHostdev(vmA), false);
    assert.equal((await dev(bob.token)).holder, null);
  });
});
