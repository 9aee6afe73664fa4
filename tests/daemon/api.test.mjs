// api.test.mjs -- every query and mutation of the EPFIOT API against the real
// daemon, and the 2020 thesis system's example requests verbatim (same
// names, arguments and selections as its published examples), which must
// keep working unchanged.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as h from './daemon.mjs';

let d, admin, alice, bob;

before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

const code = (r) => r.errors[0].extensions && r.errors[0].extensions.code;

describe('the thesis examples, verbatim', () => {
  it('createVm with name, base, memory, vcpu and config creates a powered-off VM', async () => {
    const data = await h.ok(d, `mutation {
  createVm(vm: {name: "thesis-vm", base: "debian-12.qcow2", memory: 512, vcpu: 1,
                config: {user: "epfiot", password: "thesis-guest-pw"}}) {
    id
    name
    base
    memory
    vcpu
    state
  }
}`, null, alice.token);
    assert.deepEqual({ ...data.createVm, id: undefined }, {
      id: undefined, name: 'thesis-vm', base: 'debian-12.qcow2', memory: 512, vcpu: 1, state: 'POWEROFF',
    });
  });

  it('getVms lists the caller\'s VMs with id, name, state, ip, dev and things', async () => {
    const data = await h.ok(d, '{ getVms { id name base vcpu memory ip state dev { id bus device info } things { id name info } } }', null, alice.token);
    const vm = data.getVms.find((v) => v.name === 'thesis-vm');
    assert.ok(vm);
    assert.deepEqual(vm.dev, []);
    assert.deepEqual(vm.things, []);
  });

  it('powerON(vmID) returns the VM RUNNING and powerOFF(vmID) returns it off', async () => {
    const { id } = (await h.ok(d, '{ getVms { id name } }', null, alice.token)).getVms.find((v) => v.name === 'thesis-vm');
    const on = await h.ok(d, `mutation { powerON(vmID: "${id}") { id name state } }`, null, alice.token);
    assert.equal(on.powerON.state, 'RUNNING');
    const off = await h.ok(d, `mutation { powerOFF(vmID: "${id}") { id name state } }`, null, alice.token);
    assert.ok(['POWEROFF', 'SHUTTING_DOWN'].includes(off.powerOFF.state), off.powerOFF.state);
  });

  it('createThing(thing: {name, info, server}) registers a thing on the VM named by server', async () => {
    const { id } = (await h.ok(d, '{ getVms { id name } }', null, alice.token)).getVms.find((v) => v.name === 'thesis-vm');
    const data = await h.ok(d, `mutation { createThing(thing: {name: "sensor1", info: "temperature", server: "${id}"}) { id name info } }`, null, alice.token);
    assert.equal(data.createThing.name, 'sensor1');
    assert.equal(data.createThing.info, 'temperature');
  });

  it('getUsb lists host devices with id, bus, device and info', async () => {
    const data = await h.ok(d, '{ getUsb { id bus device info } }', null, alice.token);
    assert.ok(data.getUsb.length >= 1);
    for (const dev of data.getUsb) assert.match(dev.bus, /^\d{3}$/);
  });

  it('attachDevice(devID, vmID) and detachDevice(devID, vmID) return true on a powered-off VM', async () => {
    const vm = await h.makeVm(d, alice.token, 'thesis-dev');
    const dev = (await h.ok(d, '{ getUsb { id vm { id } } }', null, alice.token)).getUsb.find((x) => !x.vm);
    assert.deepEqual(await h.ok(d, `mutation { attachDevice(devID: "${dev.id}", vmID: "${vm.id}") }`, null, alice.token), { attachDevice: true });
    assert.deepEqual(await h.ok(d, `mutation { detachDevice(devID: "${dev.id}", vmID: "${vm.id}") }`, null, alice.token), { detachDevice: true });
  });

  it('the thesis clients\' /query path serves the same API', async () => {
    const r = await h.gql(d, '{ getVms { id name } }', null, alice.token, { path: '/query' });
    assert.equal(r.status, 200);
    assert.ok(r.data.getVms.some((v) => v.name === 'thesis-vm'));
  });
});

describe('queries', () => {
  it('me is the caller', async () => {
    const data = await h.ok(d, '{ me { id name role createdAt } }', null, alice.token);
    assert.deepEqual({ id: data.me.id, name: data.me.name, role: data.me.role }, { id: alice.id, name: 'alice', role: 'USER' });
    assert.match(data.me.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('getUser(id) reads oneself', async () => {
    const data = await h.ok(d, `{ getUser(id: "${alice.id}") { id name vms { id } } }`, null, alice.token);
    assert.equal(data.getUser.name, 'alice');
  });

  it('getUsers for a user is only themselves; for the admin everyone', async () => {
    const mine = await h.ok(d, '{ getUsers { name } }', null, alice.token);
    assert.deepEqual(mine.getUsers.map((u) => u.name), ['alice']);
    const all = await h.ok(d, '{ getUsers { name } }', null, admin);
    for (const n of ['admin', 'alice', 'bob']) assert.ok(all.getUsers.some((u) => u.name === n), n);
  });

  it('getVm(id) returns every field of the caller\'s VM', async () => {
    const vm = await h.makeVm(d, alice.token, 'fields', { memory: 384, vcpu: 2, config: { user: 'pi', password: 'guest-pw-fields' } });
    const data = await h.ok(d, `{ getVm(id: "${vm.id}") { id owner { name } name base vcpu memory ip state dev { id } things { id } uuid createdAt configUser pendingChanges } }`, null, alice.token);
    const v = data.getVm;
    assert.equal(v.owner.name, 'alice');
    assert.equal(v.memory, 384);
    assert.equal(v.vcpu, 2);
    assert.equal(v.configUser, 'pi');
    assert.match(v.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(v.pendingChanges, []);
  });

  it('getDev(id) returns a host device with its USB identity', async () => {
    const all = (await h.ok(d, '{ getUsb { id } }', null, alice.token)).getUsb;
    const data = await h.ok(d, `{ getDev(id: "${all[0].id}") { id bus device info vendorId productId serial port present vm { id } } }`, null, alice.token);
    assert.match(data.getDev.vendorId, /^[0-9a-f]{4}$/);
    assert.match(data.getDev.productId, /^[0-9a-f]{4}$/);
    assert.equal(data.getDev.present, true);
  });

  it('getThing(id) and getThings return the caller\'s things', async () => {
    const vm = await h.makeVm(d, alice.token, 'things-q');
    const t = (await h.ok(d, `mutation { createThing(thing: {name: "tq", info: "i", server: "${vm.id}"}) { id } }`, null, alice.token)).createThing;
    const data = await h.ok(d, `{ getThing(id: "${t.id}") { id name info state vm { id } lastBootstrapAt lastError endpoint } getThings { id } }`, null, alice.token);
    assert.equal(data.getThing.state, 'REGISTERED');
    assert.equal(data.getThing.vm.id, vm.id);
    assert.ok(data.getThings.some((x) => x.id === t.id));
  });

  it('images lists the base images of the pool', async () => {
    const data = await h.ok(d, '{ images { name format capacity } }', null, alice.token);
    assert.deepEqual(data.images.map((i) => i.name).sort(), ['busybox.raw', 'debian-12.qcow2']);
  });

  it('host describes the hypervisor', async () => {
    const data = await h.ok(d, '{ host { virtualization cpus memory freeMemory warning } }', null, alice.token);
    assert.ok(data.host.cpus > 0);
    assert.ok(data.host.memory > 0);
    assert.equal(data.host.virtualization, 'TEST');
  });

  it('vmsConnection pages through the caller\'s VMs in ID order', async () => {
    const ids = (await h.ok(d, '{ getVms { id } }', null, alice.token)).getVms.map((v) => Number(v.id)).sort((a, b) => a - b);
    assert.ok(ids.length >= 2);
    const p1 = (await h.ok(d, '{ vmsConnection(first: 1) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }', null, alice.token)).vmsConnection;
    assert.equal(p1.totalCount, ids.length);
    assert.equal(Number(p1.edges[0].node.id), ids[0]);
    assert.equal(p1.pageInfo.hasNextPage, true);
    const p2 = (await h.ok(d, `{ vmsConnection(first: 1, after: "${p1.pageInfo.endCursor}") { edges { node { id } } pageInfo { hasPreviousPage } } }`, null, alice.token)).vmsConnection;
    assert.equal(Number(p2.edges[0].node.id), ids[1]);
  });

  it('vmsConnection with last returns the final VMs', async () => {
    const ids = (await h.ok(d, '{ getVms { id } }', null, alice.token)).getVms.map((v) => Number(v.id)).sort((a, b) => a - b);
    const c = (await h.ok(d, '{ vmsConnection(last: 1) { edges { node { id } } pageInfo { hasPreviousPage } } }', null, alice.token)).vmsConnection;
    assert.equal(Number(c.edges[0].node.id), ids[ids.length - 1]);
    assert.equal(c.pageInfo.hasPreviousPage, true);
  });

  it('User.vmsConnection has edges (the thesis\'s always panicked)', async () => {
    const data = await h.ok(d, `{ getUser(id: "${alice.id}") { vmsConnection(first: 2) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage } } } }`, null, alice.token);
    assert.equal(data.getUser.vmsConnection.edges.length, 2);
  });

  it('thingsConnection and usersConnection page too', async () => {
    const data = await h.ok(d, '{ thingsConnection(first: 1) { totalCount edges { node { id } } } usersConnection(first: 2) { totalCount edges { node { name } } pageInfo { hasNextPage } } }', null, admin);
    assert.ok(data.thingsConnection.totalCount >= 1);
    assert.ok(data.usersConnection.totalCount >= 3);
    assert.equal(data.usersConnection.edges.length, 2);
    assert.equal(data.usersConnection.pageInfo.hasNextPage, true);
  });

  it('tokens lists the caller\'s API tokens without secrets', async () => {
    await h.ok(d, 'mutation { createToken(name: "listed") { secret } }', null, bob.token);
    const data = await h.ok(d, '{ tokens { id name createdAt expiresAt revokedAt } }', null, bob.token);
    assert.ok(data.tokens.some((t) => t.name === 'listed'));
  });
});

describe('mutations', () => {
  it('createVm applies the defaults memory=256 and vcpu=1', async () => {
    const data = await h.ok(d, 'mutation { createVm(vm: {name: "defaults", base: "busybox.raw"}) { memory vcpu state } }', null, bob.token);
    assert.deepEqual(data.createVm, { memory: 256, vcpu: 1, state: 'POWEROFF' });
  });

  it('updateVm identifies the VM by id and applies vcpu and memory', async () => {
    const vm = await h.makeVm(d, bob.token, 'upd');
    const data = await h.ok(d, `mutation { updateVm(vm: {id: "${vm.id}", name: "upd", base: "debian-12.qcow2", vcpu: 2, memory: 768}) { id vcpu memory pendingChanges } }`, null, bob.token);
    assert.deepEqual(data.updateVm, { id: vm.id, vcpu: 2, memory: 768, pendingChanges: [] });
  });

  it('updateVm renames the VM', async () => {
    const vm = await h.makeVm(d, bob.token, 'before-rename');
    const data = await h.ok(d, `mutation { updateVm(vm: {id: "${vm.id}", name: "after-rename", base: ""}) { name } }`, null, bob.token);
    assert.equal(data.updateVm.name, 'after-rename');
  });

  it('updateVm cannot change the base image', async () => {
    const vm = await h.makeVm(d, bob.token, 'base-fixed');
    const r = await h.fails(d, `mutation { updateVm(vm: {id: "${vm.id}", name: "base-fixed", base: "busybox.raw"}) { id } }`, null, bob.token);
    assert.equal(code(r), 'BAD_USER_INPUT');
  });

  it('updateVm without id is an error', async () => {
    const r = await h.fails(d, 'mutation { updateVm(vm: {name: "x", base: ""}) { id } }', null, bob.token);
    assert.ok(r.errors[0].message.length > 0);
  });

  it('updateVm on a running VM says which changes wait for the next boot', async () => {
    const vm = await h.makeVm(d, bob.token, 'upd-live');
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, bob.token);
    const data = await h.ok(d, `mutation { updateVm(vm: {id: "${vm.id}", name: "upd-live", base: "", vcpu: 2, memory: 512}) { vcpu memory pendingChanges } }`, null, bob.token);
    assert.equal(data.updateVm.vcpu, 2);
    assert.equal(data.updateVm.memory, 512);
    for (const p of data.updateVm.pendingChanges) assert.ok(['vcpu', 'memory'].includes(p), p);
    await h.ok(d, `mutation { forceOFF(vmID: "${vm.id}") }`, null, bob.token);
  });

  it('forceOFF cuts a running VM\'s power', async () => {
    const vm = await h.makeVm(d, bob.token, 'forceoff');
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, bob.token);
    assert.deepEqual(await h.ok(d, `mutation { forceOFF(vmID: "${vm.id}") }`, null, bob.token), { forceOFF: true });
    assert.equal((await h.ok(d, `{ getVm(id: "${vm.id}") { state } }`, null, bob.token)).getVm.state, 'POWEROFF');
  });

  it('destroyVM deletes a powered-off VM', async () => {
    const vm = await h.makeVm(d, bob.token, 'destroy-me');
    assert.deepEqual(await h.ok(d, `mutation { destroyVM(vmID: "${vm.id}") }`, null, bob.token), { destroyVM: true });
    const r = await h.fails(d, `{ getVm(id: "${vm.id}") { id } }`, null, bob.token);
    assert.equal(code(r), 'NOT_FOUND');
  });

  it('destroyVM on a running VM is an error that says to power off or force', async () => {
    const vm = await h.makeVm(d, bob.token, 'running-destroy');
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, bob.token);
    const r = await h.fails(d, `mutation { destroyVM(vmID: "${vm.id}") }`, null, bob.token);
    assert.match(r.errors[0].message, /power/i);
    assert.match(r.errors[0].message, /force/i);
    assert.equal((await h.ok(d, `{ getVm(id: "${vm.id}") { state } }`, null, bob.token)).getVm.state, 'RUNNING');
  });

  it('forceDestroyVM deletes a running VM', async () => {
    const vm = await h.makeVm(d, bob.token, 'force-destroy');
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, bob.token);
    assert.deepEqual(await h.ok(d, `mutation { forceDestroyVM(vmID: "${vm.id}") }`, null, bob.token), { forceDestroyVM: true });
    assert.equal(code(await h.fails(d, `{ getVm(id: "${vm.id}") { id } }`, null, bob.token)), 'NOT_FOUND');
  });

  it('deleteVm(userID, vmID) lets the admin delete a user\'s VM', async () => {
    const vm = await h.makeVm(d, bob.token, 'admin-deletes');
    assert.deepEqual(await h.ok(d, `mutation { deleteVm(userID: "${bob.id}", vmID: "${vm.id}") }`, null, admin), { deleteVm: true });
    assert.equal(code(await h.fails(d, `{ getVm(id: "${vm.id}") { id } }`, null, bob.token)), 'NOT_FOUND');
  });

  it('deleteVm with a userID that does not own the VM is "no such VM" (the thesis ignored userID)', async () => {
    const vm = await h.makeVm(d, bob.token, 'wrong-owner');
    const r = await h.fails(d, `mutation { deleteVm(userID: "${alice.id}", vmID: "${vm.id}") }`, null, admin);
    assert.equal(code(r), 'NOT_FOUND');
    await h.ok(d, `{ getVm(id: "${vm.id}") { id } }`, null, bob.token);
  });

  it('createThingVm registers a thing attached to the given VM', async () => {
    const vm = await h.makeVm(d, bob.token, 'thingvm');
    const data = await h.ok(d, `mutation { createThingVm(thing: {name: "tv", info: "hum", server: ""}, vmID: "${vm.id}") { id vm { id } } }`, null, bob.token);
    assert.equal(data.createThingVm.vm.id, vm.id);
  });

  it('attachThing moves a thing to another VM of the caller', async () => {
    const a = await h.makeVm(d, bob.token, 'at-a');
    const b = await h.makeVm(d, bob.token, 'at-b');
    const t = (await h.ok(d, `mutation { createThingVm(thing: {name: "moving", info: "x", server: ""}, vmID: "${a.id}") { id } }`, null, bob.token)).createThingVm;
    assert.deepEqual(await h.ok(d, `mutation { attachThing(thingID: "${t.id}", vmID: "${b.id}") }`, null, bob.token), { attachThing: true });
    assert.equal((await h.ok(d, `{ getThing(id: "${t.id}") { vm { id } } }`, null, bob.token)).getThing.vm.id, b.id);
  });

  it('attachDevice shows the device on the VM and the VM on the device', async () => {
    const vm = await h.makeVm(d, bob.token, 'devshow');
    const dev = (await h.ok(d, '{ getUsb { id vm { id } } }', null, bob.token)).getUsb.find((x) => !x.vm);
    await h.ok(d, `mutation { attachDevice(devID: "${dev.id}", vmID: "${vm.id}") }`, null, bob.token);
    const data = await h.ok(d, `{ getVm(id: "${vm.id}") { dev { id } } getDev(id: "${dev.id}") { vm { id } } }`, null, bob.token);
    assert.deepEqual(data.getVm.dev.map((x) => x.id), [dev.id]);
    assert.equal(data.getDev.vm.id, vm.id);
    await h.ok(d, `mutation { detachDevice(devID: "${dev.id}", vmID: "${vm.id}") }`, null, bob.token);
  });

  it('createVm with devIDs and thingIDs attaches them', async () => {
    const dev = (await h.ok(d, '{ getUsb { id vm { id } } }', null, bob.token)).getUsb.find((x) => !x.vm);
    const host = await h.makeVm(d, bob.token, 'thing-host');
    const t = (await h.ok(d, `mutation { createThingVm(thing: {name: "given", info: "x", server: ""}, vmID: "${host.id}") { id } }`, null, bob.token)).createThingVm;
    const data = await h.ok(d, `mutation { createVm(vm: {name: "with-ids", base: "debian-12.qcow2", devIDs: [${dev.id}], thingIDs: [${t.id}]}) { id dev { id } things { id } } }`, null, bob.token);
    assert.deepEqual(data.createVm.dev.map((x) => x.id), [dev.id]);
    assert.deepEqual(data.createVm.things.map((x) => x.id), [t.id]);
    await h.ok(d, `mutation { detachDevice(devID: "${dev.id}", vmID: "${data.createVm.id}") }`, null, bob.token);
  });

  it('createUser, then the new user can log in', async () => {
    const data = await h.ok(d, 'mutation { createUser(name: "carol", password: "carol-pw-1234", role: USER) { id name role } }', null, admin);
    assert.equal(data.createUser.role, 'USER');
    assert.ok(await h.login(d, 'carol', 'carol-pw-1234'));
  });

  it('createUser with a taken name is an error', async () => {
    const r = await h.fails(d, 'mutation { createUser(name: "alice", password: "whatever-pw-1") { id } }', null, admin);
    assert.ok(r.errors[0].message);
  });

  it('deleteUser removes the user with their VMs', async () => {
    const dave = await h.makeUser(d, admin, 'dave');
    const vm = await h.makeVm(d, dave.token, 'daves');
    assert.deepEqual(await h.ok(d, `mutation { deleteUser(id: "${dave.id}") }`, null, admin), { deleteUser: true });
    assert.ok(!(await h.ok(d, '{ getVms { id } }', null, admin)).getVms.some((v) => v.id === vm.id));
    assert.equal((await h.gql(d, '{ me { id } }', null, dave.token)).status, 401);
  });

  it('setPassword for oneself needs the old password and changes it', async () => {
    const erin = await h.makeUser(d, admin, 'erin', 'erin-old-pw-1');
    await h.ok(d, 'mutation { setPassword(oldPassword: "erin-old-pw-1", newPassword: "erin-new-pw-2") }', null, erin.token);
    assert.ok(await h.login(d, 'erin', 'erin-new-pw-2'));
    const r = await h.gql(d, 'mutation { login(name: "erin", password: "erin-old-pw-1") { token } }');
    assert.ok(r.errors);
  });

  it('setPassword ends the user\'s sessions', async () => {
    const fay = await h.makeUser(d, admin, 'fay', 'fay-old-pw-1');
    await h.ok(d, `mutation { setPassword(userID: "${fay.id}", newPassword: "fay-new-pw-2") }`, null, admin);
    assert.equal((await h.gql(d, '{ me { id } }', null, fay.token)).status, 401);
  });

  it('setQuota sets and me.quota shows it', async () => {
    const data = await h.ok(d, `mutation { setQuota(userID: "${bob.id}", quota: {vms: 50, vcpus: 100, memory: 65536, devices: 4}) { vms vcpus memory devices } }`, null, admin);
    assert.deepEqual(data.setQuota, { vms: 50, vcpus: 100, memory: 65536, devices: 4 });
    const me = await h.ok(d, '{ me { quota { vms vcpus memory devices } usage { vms vcpus memory devices } } }', null, bob.token);
    assert.deepEqual(me.me.quota, data.setQuota);
  });

  it('createToken returns a secret once that works as a bearer token; revokeToken ends it', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "ci", expiresIn: 3600) { token { id name expiresAt } secret } }', null, alice.token)).createToken;
    assert.equal((await h.ok(d, '{ me { name } }', null, t.secret)).me.name, 'alice');
    assert.deepEqual(await h.ok(d, `mutation { revokeToken(id: "${t.token.id}") }`, null, alice.token), { revokeToken: true });
    assert.equal((await h.gql(d, '{ me { name } }', null, t.secret)).status, 401);
  });

  it('login returns a token, its expiry and the user; logout ends the session', async () => {
    const data = await h.ok(d, 'mutation { login(name: "bob", password: "pw-bob-7d3a91") { token expiresAt user { name } } }');
    assert.equal(data.login.user.name, 'bob');
    assert.ok(Date.parse(data.login.expiresAt) > Date.now());
    assert.deepEqual(await h.ok(d, 'mutation { logout }', null, data.login.token), { logout: true });
    assert.equal((await h.gql(d, '{ me { id } }', null, data.login.token)).status, 401);
  });
});

describe('the SDL', () => {
  it('--print-schema prints the SDL with every thesis operation and type', () => {
    const sdl = execFileSync(h.EPFIOTD, ['--print-schema'], { encoding: 'utf8' });
    for (const op of ['getUser(id: ID!)', 'getUsers', 'getVm(id: ID!)', 'getDev(id: ID!)', 'getThing(id: ID!)', 'getVms', 'getUsb',
      'createVm(vm: VmInput!)', 'updateVm(vm: VmInput!)', 'deleteVm(userID: ID!, vmID: ID!)', 'createThing(thing: ThingInput!)',
      'createThingVm(thing: ThingInput!, vmID: ID!)', 'attachThing(thingID: ID!, vmID: ID!)', 'attachDevice(devID: ID!, vmID: ID!)',
      'detachDevice(devID: ID!, vmID: ID!)', 'powerON(vmID: ID!)', 'powerOFF(vmID: ID!)', 'destroyVM(vmID: ID!)',
      'forceDestroyVM(vmID: ID!)', 'forceOFF(vmID: ID!)', 'type User', 'type Vm', 'type Hostdev', 'type Thing',
      'input VmInput', 'input ConfigInput', 'input ThingInput', 'memory: Int = 256', 'vcpu: Int = 1']) {
      assert.ok(sdl.includes(op), op);
    }
  });

  it('--version and --help exit 0', () => {
    assert.match(execFileSync(h.EPFIOTD, ['--version'], { encoding: 'utf8' }), /^epfiotd \d/);
    execFileSync(h.EPFIOTD, ['--help'], { encoding: 'utf8' });
  });
});
