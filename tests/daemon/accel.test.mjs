// accel.test.mjs -- accelerators as a shared resource over HTTP: two
// tenants, one Coral (the fixture host's 18d1:9302 on port 1-2). Acquire,
// queue, what each tenant may see of the other (the holder and the queue
// never show another tenant's VM), who may release and revoke, lease expiry
// by the daemon's own background loop, /metrics, and a restart that keeps
// the queue and the lease.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

let d, admin, alice, bob, coral, vmA, vmB;

const HOLDER = (id) => `{ getDev(id: "${id}") { holder { mine vm { id } leaseEnd } queue { position mine vm { id } } } }`;

before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
  vmA = (await h.makeVm(d, alice.token, 'a')).id;
  vmB = (await h.makeVm(d, bob.token, 'b')).id;
  const devs = (await h.ok(d, '{ getUsb { id productId profile } }', null, alice.token)).getUsb;
  coral = devs.find((x) => x.profile === 'coral-usb').id;
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

// Polls until check(data) is true (the daemon's loop runs every 2 s).
async function until(query, token, check, ms = 90000 * h.SLOW) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await h.ok(d, query, null, token);
    if (check(last)) return last;
    await h.sleep(200);
  }
  assert.fail(`condition not met: ${JSON.stringify(last)}`);
}

describe('accelerators', () => {
  it('the shipped coral-usb profile knows both faces of the Coral', async () => {
    const p = (await h.ok(d, '{ deviceProfiles { name usbIDs builtin } }', null, bob.token)).deviceProfiles;
    assert.deepEqual(p.find((x) => x.name === 'coral-usb'), { name: 'coral-usb', usbIDs: ['1a6e:089a', '18d1:9302'], builtin: true });
  });

  it('acquire attaches at once; a second tenant queues and sees no foreign VM', async () => {
    const a = (await h.ok(d, `mutation { acquireDevice(vmID: "${vmA}", profile: "coral-usb") { status device { id } } }`, null, alice.token)).acquireDevice;
    assert.deepEqual(a, { status: 'ATTACHED', device: { id: coral } });
    const b = (await h.ok(d, `mutation { acquireDevice(vmID: "${vmB}", devID: "${coral}") { status position } }`, null, bob.token)).acquireDevice;
    assert.deepEqual(b, { status: 'QUEUED', position: 1 });
    const bobView = (await h.ok(d, HOLDER(coral), null, bob.token)).getDev;
    assert.deepEqual(bobView, { holder: { mine: false, vm: null, leaseEnd: null }, queue: [{ position: 1, mine: true, vm: { id: vmB } }] });
    const aliceView = (await h.ok(d, HOLDER(coral), null, alice.token)).getDev;
    assert.deepEqual(aliceView, { holder: { mine: true, vm: { id: vmA }, leaseEnd: null }, queue: [{ position: 1, mine: false, vm: null }] });
    // The plain vm field keeps its rule too.
    assert.equal((await h.ok(d, `{ getDev(id: "${coral}") { vm { id } } }`, null, bob.token)).getDev.vm, null);
  });

  it('users cannot revoke, nor release what they do not hold; the admin revokes and the queue is served', async () => {
    let r = await h.fails(d, `mutation { revokeDevice(devID: "${coral}") }`, null, bob.token);
    assert.equal(r.errors[0].extensions.code, 'FORBIDDEN');
    r = await h.fails(d, `mutation { releaseDevice(devID: "${coral}") }`, null, bob.token);
    assert.equal(r.errors[0].extensions.code, 'NOT_FOUND');
    assert.equal((await h.ok(d, `mutation { revokeDevice(devID: "${coral}") }`, null, admin)).revokeDevice, true);
    const v = (await h.ok(d, HOLDER(coral), null, bob.token)).getDev;
    assert.deepEqual(v, { holder: { mine: true, vm: { id: vmB }, leaseEnd: null }, queue: [] });
    const ev = (await h.ok(d, `{ getDev(id: "${coral}") { events(limit: 2) { kind mine } } }`, null, alice.token)).getDev.events;
    assert.deepEqual(ev, [{ kind: 'ACQUIRED', mine: false }, { kind: 'REVOKED', mine: true }]);
    assert.equal((await h.ok(d, `mutation { releaseDevice(devID: "${coral}") }`, null, bob.token)).releaseDevice, true);
  });

  // Under load bob's request may come after the second is up: queued or
  // attached at once, bob ends up holding it, and the loop ended the lease.
  it('a lease ends by the daemon\'s own loop and the device goes on', async () => {
    await h.ok(d, `mutation { acquireDevice(vmID: "${vmA}", devID: "${coral}", leaseSeconds: 1) { status } }`, null, alice.token);
    await h.ok(d, `mutation { acquireDevice(vmID: "${vmB}", devID: "${coral}") { status } }`, null, bob.token);
    await until(HOLDER(coral), bob.token, (x) => x.getDev.holder && x.getDev.holder.mine);
    const ev = (await h.ok(d, `{ getDev(id: "${coral}") { events(limit: 4) { kind mine } } }`, null, alice.token)).getDev.events;
    assert.ok(ev.some((e) => e.kind === 'EXPIRED' && e.mine), JSON.stringify(ev));
    assert.deepEqual(ev[0], { kind: 'ACQUIRED', mine: false });
  });

  it('/metrics counts per device', async () => {
    const res = await fetch(`${d.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    const text = await res.text();
    assert.match(text, new RegExp(`^epfiot_accel_attaches_total\\{device="${coral}"\\} 4$`, 'm'));
    assert.match(text, new RegExp(`^epfiot_accel_waits_total\\{device="${coral}"\\} [12]$`, 'm'));
    assert.match(text, new RegExp(`^epfiot_accel_held\\{device="${coral}"\\} 1$`, 'm'));
    assert.match(text, /^# TYPE epfiot_accel_queue_length gauge$/m);
  });

  it('a restart keeps the lease and the queue', async () => {
    await h.ok(d, `mutation { acquireDevice(vmID: "${vmA}", devID: "${coral}", leaseSeconds: 3600) { status } }`, null, alice.token);
    const before = (await h.ok(d, HOLDER(coral), null, admin)).getDev;
    await d.stop();
    d = await h.startDaemon({ dir: d.dir });
    admin = await h.adminToken(d);
    const afterRestart = (await h.ok(d, HOLDER(coral), null, admin)).getDev;
    assert.deepEqual(afterRestart, before);
    assert.deepEqual(afterRestart.queue.map((w) => w.vm.id), [vmA]);
  });
});
