// authz.test.mjs -- the authorisation matrix: each operation that names an
// object, called on the caller's own object, another tenant's, an unknown
// ID, anonymously, and by the admin. Another tenant's ID must behave exactly
// like an unknown one (same HTTP status, same body) and leave the object
// untouched; anonymous requests are HTTP 401; the admin acts on anything.
import { describe, it, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

let d, admin, alice, bob;
const UNKNOWN = '987654';

before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

let serial = 0;
// Every VM a test makes is force-destroyed after it (by the admin), which
// also releases its USB devices: the fixture host has only four.
let made = [];
afterEach(async () => {
  for (const id of made) await h.gql(d, `mutation { forceDestroyVM(vmID: "${id}") }`, null, admin);
  made = [];
});

// A fresh VM of alice (running when asked) and a thing on it.
async function aliceObjects({ running = false } = {}) {
  const vm = await h.makeVm(d, alice.token, `vm${++serial}`);
  made.push(vm.id);
  if (running) await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, alice.token);
  const thing = (await h.ok(d, `mutation { createThingVm(thing: {name: "t${serial}", info: "x", server: ""}, vmID: "${vm.id}") { id } }`, null, alice.token)).createThingVm;
  return { vm: vm.id, thing: thing.id };
}

async function freeDevice(token) {
  token = token || admin;
  const devs = (await h.ok(d, '{ getUsb { id vm { id } } }', null, token)).getUsb;
  // An admin sees every attachment; check with the admin that it is free.
  const all = (await h.ok(d, '{ getUsb { id vm { id } } }', null, admin)).getUsb;
  return devs.find((x) => !all.find((y) => y.id === x.id).vm).id;
}

// Each operation on a VM: the query given the ids, whether it needs the VM
// running, and a check of what success returned.
const vmOps = [
  { op: 'getVm', q: (i) => `{ getVm(id: "${i.vm}") { id name } }` },
  { op: 'updateVm', q: (i) => `mutation { updateVm(vm: {id: "${i.vm}", name: "renamed${i.n}", base: "", vcpu: 2}) { id vcpu } }` },
  { op: 'powerON', q: (i) => `mutation { powerON(vmID: "${i.vm}") { id state } }` },
  { op: 'powerOFF', running: true, q: (i) => `mutation { powerOFF(vmID: "${i.vm}") { id state } }` },
  { op: 'forceOFF', running: true, q: (i) => `mutation { forceOFF(vmID: "${i.vm}") }` },
  { op: 'destroyVM', q: (i) => `mutation { destroyVM(vmID: "${i.vm}") }` },
  { op: 'forceDestroyVM', running: true, q: (i) => `mutation { forceDestroyVM(vmID: "${i.vm}") }` },
  // A thing belongs to its creator and reports to one of the creator's VMs:
  // an admin cannot hang their own thing on a user's VM either (admin: false).
  { op: 'createThingVm', admin: false, q: (i) => `mutation { createThingVm(thing: {name: "ctv${i.n}", info: "x", server: ""}, vmID: "${i.vm}") { id } }` },
  { op: 'createThing', admin: false, q: (i) => `mutation { createThing(thing: {name: "ct${i.n}", info: "x", server: "${i.vm}"}) { id } }` },
  { op: 'attachThing(vmID)', own: 'thing', q: (i) => `mutation { attachThing(thingID: "${i.myThing}", vmID: "${i.vm}") }` },
  { op: 'attachThing(thingID)', own: 'vm', q: (i) => `mutation { attachThing(thingID: "${i.thing}", vmID: "${i.myVm}") }` },
  { op: 'getThing', q: (i) => `{ getThing(id: "${i.thing}") { id name } }` },
  { op: 'attachDevice', dev: true, q: (i) => `mutation { attachDevice(devID: "${i.dev}", vmID: "${i.vm}") }` },
  { op: 'detachDevice', dev: true, attached: true, q: (i) => `mutation { detachDevice(devID: "${i.dev}", vmID: "${i.vm}") }` },
  { op: 'User.vms of another user', q: (i) => `{ getUser(id: "${i.user}") { vms { id } } }` },
];

// The ids a caller uses: the target's (alice's) objects or unknown ones, plus
// objects of the caller's own for the other half of two-object operations.
async function ids(target, caller, op) {
  const n = ++serial;
  const mine = caller === alice.token ? target : (caller === bob.token ? await bobObjects() : target);
  const dev = op.dev ? await freeDevice(caller) : undefined;
  if (op.attached && target.vm !== UNKNOWN) {
    await h.ok(d, `mutation { attachDevice(devID: "${dev}", vmID: "${target.vm}") }`, null, alice.token);
  }
  return { ...target, n, dev, myVm: mine.vm, myThing: mine.thing, user: target.vm === UNKNOWN ? UNKNOWN : alice.id };
}

let bobCache;
async function bobObjects() {
  if (!bobCache) {
    const vm = await h.makeVm(d, bob.token, 'bobs');
    const t = (await h.ok(d, `mutation { createThingVm(thing: {name: "bobs-t", info: "x", server: ""}, vmID: "${vm.id}") { id } }`, null, bob.token)).createThingVm;
    bobCache = { vm: vm.id, thing: t.id };
  }
  return bobCache;
}

const snapshot = async (i) => (await h.ok(d, `{ getVm(id: "${i.vm}") { id name state vcpu memory dev { id } things { id } } getThing(id: "${i.thing}") { id vm { id } } }`, null, alice.token));

function shape(r, i) {
  // The same text with the IDs named: another tenant's ID and an unknown one
  // may differ only by the digits the caller sent.
  let t = r.text;
  for (const v of [i.vm, i.thing, i.user]) if (v) t = t.split(`"${v}"`).join('"ID"').split(` ${v}`).join(' ID');
  return { status: r.status, body: t.replace(/(renamed|ctv|ct)\d+/g, '$1N') };
}

describe('operations on VMs and things', () => {
  for (const op of vmOps) {
    it(`${op.op}: on one's own object succeeds`, async () => {
      const t = await aliceObjects({ running: op.running });
      const i = await ids(t, alice.token, op);
      const r = await h.gql(d, op.q(i), null, alice.token);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.errors, undefined, r.text);
    });

    it(`${op.op}: on another tenant's object is exactly like an unknown ID and changes nothing`, async () => {
      const t = await aliceObjects({ running: op.running });
      const i = await ids(t, bob.token, op);
      const before_ = await snapshot(t);
      const other = await h.gql(d, op.q(i), null, bob.token);
      const u = await ids({ vm: UNKNOWN, thing: UNKNOWN }, bob.token, op);
      u.n = i.n;
      const unknown = await h.gql(d, op.q(u), null, bob.token);
      assert.ok(unknown.errors, `an unknown ID must fail: ${unknown.text}`);
      assert.deepEqual(shape(other, i), shape(unknown, u));
      assert.deepEqual(await snapshot(t), before_);
    });

    it(`${op.op}: anonymous is HTTP 401 and changes nothing`, async () => {
      const t = await aliceObjects({ running: op.running });
      const i = await ids(t, null, op);
      const before_ = await snapshot(t);
      const r = await h.gql(d, op.q(i), null, null);
      assert.equal(r.status, 401);
      assert.equal(r.data, undefined);
      assert.equal(r.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.deepEqual(await snapshot(t), before_);
    });

    if (!op.own && op.admin !== false) {
      it(`${op.op}: the admin may act on a user's object`, async () => {
        const t = await aliceObjects({ running: op.running });
        const i = await ids(t, admin, op);
        const r = await h.gql(d, op.q(i), null, admin);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.errors, undefined, r.text);
      });
    }
  }
});

describe('users, tokens and admin-only operations', () => {
  it('getUser of another user is exactly like an unknown ID', async () => {
    const other = await h.gql(d, `{ getUser(id: "${alice.id}") { id name } }`, null, bob.token);
    const unknown = await h.gql(d, `{ getUser(id: "${UNKNOWN}") { id name } }`, null, bob.token);
    assert.ok(unknown.errors);
    assert.deepEqual(shape(other, { user: alice.id }), shape(unknown, { user: UNKNOWN }));
  });

  it('the admin reads any user with their VMs', async () => {
    const vm = await h.makeVm(d, alice.token, 'admin-reads');
    made.push(vm.id);
    const data = await h.ok(d, `{ getUser(id: "${alice.id}") { name vms { id } } }`, null, admin);
    assert.ok(data.getUser.vms.some((v) => v.id === vm.id));
  });

  it('getVms of a user lists only their own VMs; the admin\'s lists everyone\'s', async () => {
    const a = await h.makeVm(d, alice.token, 'listed-a');
    made.push(a.id);
    const bobs = (await h.ok(d, '{ getVms { id owner { id } } }', null, bob.token)).getVms;
    assert.ok(bobs.every((v) => v.owner.id === bob.id));
    const all = (await h.ok(d, '{ getVms { id } }', null, admin)).getVms;
    assert.ok(all.some((v) => v.id === a.id));
  });

  it('getThings and thingsConnection list only the caller\'s things', async () => {
    const { thing } = await aliceObjects();
    const data = await h.ok(d, '{ getThings { id } thingsConnection { edges { node { id } } } }', null, bob.token);
    assert.ok(!data.getThings.some((t) => t.id === thing));
    assert.ok(!data.thingsConnection.edges.some((e) => e.node.id === thing));
  });

  it('vmsConnection and usersConnection of a user show only their own', async () => {
    const data = await h.ok(d, '{ vmsConnection { edges { node { owner { id } } } } usersConnection { edges { node { id } } } }', null, bob.token);
    assert.ok(data.vmsConnection.edges.every((e) => e.node.owner.id === bob.id));
    assert.deepEqual(data.usersConnection.edges.map((e) => e.node.id), [bob.id]);
  });

  it('a device attached to another tenant\'s VM does not show that VM', async () => {
    const { vm } = await aliceObjects();
    const dev = await freeDevice(alice.token);
    await h.ok(d, `mutation { attachDevice(devID: "${dev}", vmID: "${vm}") }`, null, alice.token);
    const data = await h.ok(d, `{ getDev(id: "${dev}") { id vm { id } inUse } getUsb { id vm { id } inUse } }`, null, bob.token);
    assert.equal(data.getDev.vm, null);
    // In use, not free; but nothing says whose.
    assert.equal(data.getDev.inUse, true);
    const listed = data.getUsb.find((x) => x.id === dev);
    assert.deepEqual(listed, { id: dev, vm: null, inUse: true });
    const mine = (await h.ok(d, `{ getDev(id: "${dev}") { vm { id } inUse } }`, null, alice.token)).getDev;
    assert.deepEqual(mine, { vm: { id: vm }, inUse: true });
    await h.ok(d, `mutation { detachDevice(devID: "${dev}", vmID: "${vm}") }`, null, alice.token);
    assert.equal((await h.ok(d, `{ getDev(id: "${dev}") { inUse } }`, null, bob.token)).getDev.inUse, false);
  });

  it('revokeToken of another user\'s token is exactly like an unknown ID and leaves it working', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "alices") { token { id } secret } }', null, alice.token)).createToken;
    const other = await h.gql(d, `mutation { revokeToken(id: "${t.token.id}") }`, null, bob.token);
    const unknown = await h.gql(d, `mutation { revokeToken(id: "${UNKNOWN}") }`, null, bob.token);
    assert.ok(unknown.errors, unknown.text);
    assert.deepEqual(shape(other, { user: t.token.id }), shape(unknown, { user: UNKNOWN }));
    assert.equal((await h.ok(d, '{ me { name } }', null, t.secret)).me.name, 'alice');
  });

  it('setPassword for another user is refused to a user and leaves the password', async () => {
    const r = await h.gql(d, `mutation { setPassword(userID: "${alice.id}", newPassword: "hijacked-pw-1") }`, null, bob.token);
    assert.ok(r.errors, r.text);
    assert.ok(await h.login(d, 'alice', alice.password));
  });

  for (const [op, q] of [
    ['deleteVm', (i) => `mutation { deleteVm(userID: "${alice.id}", vmID: "${i.vm}") }`],
    ['createUser', () => 'mutation { createUser(name: "mallory", password: "mallory-pw-1") { id } }'],
    ['deleteUser', () => `mutation { deleteUser(id: "${alice.id}") }`],
    ['setQuota', () => `mutation { setQuota(userID: "${bob.id}", quota: {vms: 1000}) { vms } }`],
    ['createUser with role ADMIN', () => 'mutation { createUser(name: "mallory2", password: "mallory-pw-1", role: ADMIN) { id } }'],
  ]) {
    it(`${op}: a user gets FORBIDDEN and nothing changes`, async () => {
      const t = await aliceObjects();
      const usersBefore = (await h.ok(d, '{ getUsers { id name role quota { vms } } }', null, admin)).getUsers;
      const r = await h.gql(d, q(t), null, bob.token);
      assert.ok(r.errors, r.text);
      assert.equal(r.errors[0].extensions.code, 'FORBIDDEN');
      assert.deepEqual((await h.ok(d, '{ getUsers { id name role quota { vms } } }', null, admin)).getUsers, usersBefore);
      await snapshot(t);
    });

    it(`${op}: anonymous is HTTP 401`, async () => {
      const t = await aliceObjects();
      const r = await h.gql(d, q(t), null, null);
      assert.equal(r.status, 401);
    });
  }

  for (const q of ['{ getUsers { id } }', '{ getVms { id } }', '{ getUsb { id } }', '{ getDev(id: "1") { id } }', '{ me { id } }',
    '{ images { name } }', '{ host { cpus } }', '{ tokens { id } }', '{ getThings { id } }', '{ vmsConnection { totalCount } }',
    'mutation { createVm(vm: {name: "anon", base: "debian-12.qcow2"}) { id } }', 'mutation { logout }',
    'mutation { createToken(name: "anon") { secret } }', 'mutation { setPassword(newPassword: "x-anon-pw-1") }']) {
    it(`anonymous ${q} is HTTP 401 with an authentication error`, async () => {
      const r = await h.gql(d, q, null, null);
      assert.equal(r.status, 401);
      assert.equal(r.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(r.data, undefined);
    });
  }

  it('anonymous login works (no credentials needed)', async () => {
    const r = await h.gql(d, `mutation { login(name: "bob", password: "${bob.password}") { token } }`, null, null);
    assert.equal(r.status, 200);
    assert.ok(r.data.login.token);
  });

  it('an invalid bearer token is HTTP 401, even for login', async () => {
    const r = await h.gql(d, '{ me { id } }', null, 'not-a-real-token');
    assert.equal(r.status, 401);
  });
});
