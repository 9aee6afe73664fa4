// errors.test.mjs -- the error paths of the API: each bad request gets a
// GraphQL error with a machine-readable extensions.code and a message that
// says what is wrong, the field's data is null, and the daemon keeps
// serving. (Authorisation errors are in authz.test.mjs, quotas in
// auth.test.mjs, the thesis's bad inputs in thesis.test.mjs.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

let d, admin, alice, vm, running, thing;
before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  vm = await h.makeVm(d, alice.token, 'base-vm');
  running = await h.makeVm(d, alice.token, 'running-vm');
  await h.ok(d, `mutation { powerON(vmID: "${running.id}") { state } }`, null, alice.token);
  thing = (await h.ok(d, `mutation { createThingVm(thing: {name: "th", info: "x", server: ""}, vmID: "${vm.id}") { id } }`, null, alice.token)).createThingVm;
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

// [what, who, query (a function of the fixtures), expected code, message pattern]
const cases = () => [
  ['getVm of an unknown ID', 'alice', `{ getVm(id: "777") { id } }`, 'NOT_FOUND', /no such VM/],
  ['getThing of an unknown ID', 'alice', `{ getThing(id: "777") { id } }`, 'NOT_FOUND', /thing/],
  ['getDev of an unknown ID', 'alice', `{ getDev(id: "777") { id } }`, 'NOT_FOUND', /device/],
  ['getUser of an unknown ID (admin)', 'admin', `{ getUser(id: "777") { id } }`, 'NOT_FOUND', /user/],
  ['createVm with an unknown base image', 'alice', 'mutation { createVm(vm: {name: "nb", base: "nope.qcow2"}) { id } }', 'BAD_USER_INPUT', /nope\.qcow2/],
  ['createVm with a taken name', 'alice', 'mutation { createVm(vm: {name: "base-vm", base: "debian-12.qcow2"}) { id } }', 'CONFLICT', /name|exists/],
  ['createVm with an unknown device', 'alice', 'mutation { createVm(vm: {name: "nd", base: "debian-12.qcow2", devIDs: [777]}) { id } }', 'NOT_FOUND', /device/],
  ['createVm with an unknown thing', 'alice', 'mutation { createVm(vm: {name: "nt", base: "debian-12.qcow2", thingIDs: [777]}) { id } }', 'NOT_FOUND', /thing/],
  ['createVm with a bad cloud-init user', 'alice', 'mutation { createVm(vm: {name: "cu", base: "debian-12.qcow2", config: {user: "Root; rm", password: "x-pw-123"}}) { id } }', 'BAD_USER_INPUT', /user/],
  ['updateVm of an unknown ID', 'alice', 'mutation { updateVm(vm: {id: "777", name: "x", base: ""}) { id } }', 'NOT_FOUND', /no such VM/],
  ['updateVm renaming onto a taken name', 'alice', (f) => `mutation { updateVm(vm: {id: "${f.vm.id}", name: "running-vm", base: ""}) { id } }`, 'CONFLICT', /name|exists/],
  ['powerON of an unknown ID', 'alice', 'mutation { powerON(vmID: "777") { id } }', 'NOT_FOUND', /no such VM/],
  ['powerON of a running VM', 'alice', (f) => `mutation { powerON(vmID: "${f.running.id}") { id } }`, 'CONFLICT', /running/],
  ['powerOFF of a powered-off VM', 'alice', (f) => `mutation { powerOFF(vmID: "${f.vm.id}") { id } }`, 'CONFLICT', /off|running/],
  ['destroyVM of a running VM', 'alice', (f) => `mutation { destroyVM(vmID: "${f.running.id}") }`, 'CONFLICT', /forceDestroyVM/],
  ['destroyVM of an unknown ID', 'alice', 'mutation { destroyVM(vmID: "777") }', 'NOT_FOUND', /no such VM/],
  ['forceDestroyVM of an unknown ID', 'alice', 'mutation { forceDestroyVM(vmID: "777") }', 'NOT_FOUND', /no such VM/],
  ['deleteVm of an unknown VM', 'admin', (f) => `mutation { deleteVm(userID: "${f.alice.id}", vmID: "777") }`, 'NOT_FOUND', /no such VM/],
  ['createThing with an unknown server VM', 'alice', 'mutation { createThing(thing: {name: "t1", info: "x", server: "777"}) { id } }', 'NOT_FOUND', /VM/],
  ['createThing with an empty name', 'alice', (f) => `mutation { createThing(thing: {name: "", info: "x", server: "${f.vm.id}"}) { id } }`, 'BAD_USER_INPUT', /name/],
  ['createThingVm with an unknown VM', 'alice', 'mutation { createThingVm(thing: {name: "t2", info: "x", server: ""}, vmID: "777") { id } }', 'NOT_FOUND', /no such VM/],
  ['attachThing of an unknown thing', 'alice', (f) => `mutation { attachThing(thingID: "777", vmID: "${f.vm.id}") }`, 'NOT_FOUND', /thing/],
  ['attachThing to an unknown VM', 'alice', (f) => `mutation { attachThing(thingID: "${f.thing.id}", vmID: "777") }`, 'NOT_FOUND', /no such VM/],
  ['attachDevice of an unknown device', 'alice', (f) => `mutation { attachDevice(devID: "777", vmID: "${f.vm.id}") }`, 'NOT_FOUND', /device/],
  ['attachDevice to an unknown VM', 'alice', 'mutation { attachDevice(devID: "1", vmID: "777") }', 'NOT_FOUND', /no such VM/],
  ['detachDevice of an unknown device', 'alice', (f) => `mutation { detachDevice(devID: "777", vmID: "${f.vm.id}") }`, 'NOT_FOUND', /device/],
  ['createUser with a taken name', 'admin', 'mutation { createUser(name: "alice", password: "some-pw-1234") { id } }', 'CONFLICT', /alice|exists|taken/],
  ['createUser with an empty password', 'admin', 'mutation { createUser(name: "emptypw", password: "") { id } }', 'BAD_USER_INPUT', /password/],
  ['createUser with a bad name', 'admin', 'mutation { createUser(name: "bad name/..", password: "some-pw-1234") { id } }', 'BAD_USER_INPUT', /name/],
  ['deleteUser of an unknown ID', 'admin', 'mutation { deleteUser(id: "777") }', 'NOT_FOUND', /user/],
  ['setQuota of an unknown user', 'admin', 'mutation { setQuota(userID: "777", quota: {vms: 1}) { vms } }', 'NOT_FOUND', /user/],
  ['setPassword to an empty password', 'alice', (f) => `mutation { setPassword(oldPassword: "${f.alice.password}", newPassword: "") }`, 'BAD_USER_INPUT', /password/],
  ['setPassword without the old password', 'alice', 'mutation { setPassword(newPassword: "next-pw-1234") }', 'FORBIDDEN', /old password/],
  ['revokeToken of an unknown ID', 'alice', 'mutation { revokeToken(id: "777") }', 'NOT_FOUND', /token/],
  ['createToken with an empty name', 'alice', 'mutation { createToken(name: "") { secret } }', 'BAD_USER_INPUT', /name/],
  ['login of an unknown user', null, 'mutation { login(name: "nobody", password: "whatever-pw") { token } }', 'UNAUTHENTICATED', /name or password/],
];

describe('error paths', () => {
  for (const [what, who, , code, msg] of cases()) {
    it(`${what}: ${code}`, async () => {
      const c = cases().find((x) => x[0] === what);
      const q = typeof c[2] === 'function' ? c[2]({ vm, running, thing, alice }) : c[2];
      const token = who === 'admin' ? admin : who === 'alice' ? alice.token : null;
      const r = await h.gql(d, q, null, token);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.errors && r.errors.length === 1, r.text);
      assert.equal(r.errors[0].extensions.code, code, r.text);
      assert.match(r.errors[0].message, msg);
      const field = Object.keys(r.data || {})[0];
      assert.ok(r.data === null || r.data[field] === null, r.text);
    });
  }

  it('attachDevice to a running VM on a hypervisor without hot-plug says to power it off first', async () => {
    const devs = (await h.ok(d, '{ getUsb { id vendorId productId vm { id } } }', null, alice.token)).getUsb;
    const dev = devs.find((x) => !x.vm);
    const r = await h.gql(d, `mutation { attachDevice(devID: "${dev.id}", vmID: "${running.id}") }`, null, alice.token);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.errors[0].extensions.code, 'CONFLICT', r.text);
    assert.equal(r.errors[0].message, `cannot attach device ${dev.id} (${dev.vendorId}:${dev.productId}) to running VM running-vm: ` +
      'this hypervisor cannot hot-plug USB devices; power the VM off first');
    assert.equal(r.data.attachDevice, null);
    const after_ = (await h.ok(d, `{ getDev(id: "${dev.id}") { vm { id } } }`, null, alice.token)).getDev;
    assert.equal(after_.vm, null);
  });

  it('forceOFF of a powered-off VM is not an error: it is off, as asked', async () => {
    assert.deepEqual(await h.ok(d, `mutation { forceOFF(vmID: "${vm.id}") }`, null, alice.token), { forceOFF: true });
    assert.equal((await h.ok(d, `{ getVm(id: "${vm.id}") { state } }`, null, alice.token)).getVm.state, 'POWEROFF');
  });

  it('the daemon still serves after every error path', async () => {
    assert.equal((await h.ok(d, '{ me { name } }', null, alice.token)).me.name, 'alice');
  });
});

describe('pagination arguments and abuse limits', () => {
  const GRJ = { headers: { accept: 'application/graphql-response+json' } };

  it('a negative first is BAD_USER_INPUT', async () => {
    const r = await h.gql(d, '{ vmsConnection(first: -1) { totalCount } }', null, alice.token);
    assert.equal(r.errors[0].extensions.code, 'BAD_USER_INPUT');
  });

  it('a negative last is BAD_USER_INPUT', async () => {
    const r = await h.gql(d, '{ vmsConnection(last: -1) { totalCount } }', null, alice.token);
    assert.equal(r.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.match(r.errors[0].message, /must not be negative/);
  });

  it('first/after and last/before together are BAD_USER_INPUT, on every connection', async () => {
    for (const [q, token] of [
      ['{ vmsConnection(first: 1, last: 1) { totalCount } }', alice.token],
      ['{ me { vmsConnection(first: 1, before: "YzE") { totalCount } } }', alice.token],
      ['{ thingsConnection(after: "YzE", last: 1) { totalCount } }', alice.token],
      ['{ usersConnection(first: 1, last: 1) { totalCount } }', admin],
    ]) {
      const r = await h.gql(d, q, null, token);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.errors[0].extensions.code, 'BAD_USER_INPUT', `${q}: ${r.text}`);
      assert.equal(r.errors[0].message, 'use either first/after or last/before, not both');
    }
  });

  it('a cursor the server did not make is BAD_USER_INPUT', async () => {
    const r = await h.gql(d, '{ vmsConnection(after: "garbage!!") { totalCount } }', null, alice.token);
    assert.equal(r.errors[0].extensions.code, 'BAD_USER_INPUT');
  });

  it('first: 0 returns no edges and says there are more', async () => {
    const c = (await h.ok(d, '{ vmsConnection(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }', null, alice.token)).vmsConnection;
    assert.deepEqual(c.edges, []);
    assert.equal(c.pageInfo.hasNextPage, true);
  });

  it('a query nested deeper than the limit is refused with 400 before it runs', async () => {
    let q = 'id';
    for (let i = 0; i < 40; i++) q = `vms { owner { ${q} } }`;
    const r = await h.gql(d, `{ me { ${q} } }`, null, alice.token, GRJ);
    assert.equal(r.status, 400);
    assert.equal(r.errors[0].extensions.code, 'LIMIT_EXCEEDED');
  });

  it('thousands of aliases are refused with 400', async () => {
    let q = '';
    for (let i = 0; i < 2000; i++) q += ` a${i}: me { id }`;
    const r = await h.gql(d, `{ ${q} }`, null, alice.token, GRJ);
    assert.equal(r.status, 400);
    assert.equal(r.errors[0].extensions.code, 'LIMIT_EXCEEDED');
  });

  it('a fragment that spreads itself is a validation error, not a hang', async () => {
    const r = await h.gql(d, 'fragment F on User { ...F } { me { ...F } }', null, alice.token, GRJ);
    assert.equal(r.status, 400);
  });

  it('GraphiQL\'s introspection query runs for a signed-in user', async () => {
    const r = await h.gql(d, `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
      types { ...FullType } directives { name description locations args { ...InputValue } } } }
      fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue }
        type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef }
        enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
      fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
      fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
        ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`, null, alice.token);
    assert.equal(r.status, 200);
    assert.equal(r.data.__schema.mutationType.name, 'Mutation');
    assert.ok(r.data.__schema.types.some((t) => t.name === 'VmInput'));
  });
});
