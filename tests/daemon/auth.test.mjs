// auth.test.mjs -- sessions (the login mutation and the console's POST
// /login cookie), logout, API tokens (bearer, expiry, revocation), quotas,
// and secrets: passwords, session tokens and API token secrets never appear
// in a response that did not create them, nor in the daemon's log, which
// runs here at its most verbose level (debug).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

let d, admin, alice, bob;
const secrets = new Set([h.ADMIN_PASSWORD]);

before(async () => {
  d = await h.startDaemon({ args: ['--log-level', 'debug'] });
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
  for (const s of [admin, alice.token, alice.password, bob.token, bob.password]) secrets.add(s);
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

const postLogin = (body, type = 'application/json', headers = {}) => fetch(`${d.url}/login`, {
  method: 'POST', redirect: 'manual', headers: { 'content-type': type, ...headers },
  body: type === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body).toString(),
});
const cookieOf = (res) => res.headers.get('set-cookie').split(';')[0];

describe('sessions', () => {
  it('POST /login sets an HttpOnly, SameSite=Strict session cookie that authenticates', async () => {
    const res = await postLogin({ name: 'alice', password: alice.password });
    assert.equal(res.status, 200);
    const sc = res.headers.get('set-cookie');
    assert.match(sc, /^epfiot_session=[^;]{20,};/);
    assert.match(sc, /; HttpOnly/);
    assert.match(sc, /; SameSite=Strict/);
    assert.match(sc, /; Max-Age=\d+/);
    secrets.add(cookieOf(res).split('=')[1]);
    assert.equal((await h.ok(d, '{ me { name } }', null, { cookie: cookieOf(res) })).me.name, 'alice');
  });

  it('POST /login takes the console\'s form too', async () => {
    const res = await postLogin({ name: 'alice', password: alice.password }, 'application/x-www-form-urlencoded');
    assert.ok([200, 303].includes(res.status), String(res.status));
    secrets.add(cookieOf(res).split('=')[1]);
    assert.equal((await h.ok(d, '{ me { name } }', null, { cookie: cookieOf(res) })).me.name, 'alice');
  });

  it('POST /login with a wrong password is 401 with no cookie, the same for an unknown name', async () => {
    const wrong = await postLogin({ name: 'alice', password: 'not-her-password' });
    const unknown = await postLogin({ name: 'nobody-at-all', password: 'not-her-password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal(unknown.status, 401);
    assert.equal(await wrong.text(), await unknown.text());
  });

  it('POST /login from another site is refused (CSRF)', async () => {
    const res = await postLogin({ name: 'alice', password: alice.password }, 'application/x-www-form-urlencoded', { origin: 'http://evil.example' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('set-cookie'), null);
  });

  it('POST /logout ends the cookie session and clears the cookie', async () => {
    const cookie = cookieOf(await postLogin({ name: 'alice', password: alice.password }));
    secrets.add(cookie.split('=')[1]);
    const res = await fetch(`${d.url}/logout`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('set-cookie'), /Max-Age=0/);
    assert.equal((await h.gql(d, '{ me { id } }', null, { cookie })).status, 401);
  });

  it('the logout mutation ends the session it was sent with, not the user\'s others', async () => {
    const a = await h.login(d, 'alice', alice.password);
    const b = await h.login(d, 'alice', alice.password);
    secrets.add(a); secrets.add(b);
    await h.ok(d, 'mutation { logout }', null, a);
    assert.equal((await h.gql(d, '{ me { id } }', null, a)).status, 401);
    assert.equal((await h.ok(d, '{ me { name } }', null, b)).me.name, 'alice');
  });

  it('the login mutation with a wrong password is an error and returns no token', async () => {
    const r = await h.gql(d, 'mutation { login(name: "bob", password: "wrong-password") { token } }');
    assert.ok(r.errors);
    assert.equal(r.data, null);
  });

  it('a forged session cookie is HTTP 401', async () => {
    const r = await h.gql(d, '{ me { id } }', null, { cookie: 'epfiot_session=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI' });
    assert.equal(r.status, 401);
  });

  it('a session token is random: two logins give unrelated tokens', async () => {
    const a = await h.login(d, 'bob', bob.password);
    const b = await h.login(d, 'bob', bob.password);
    secrets.add(a); secrets.add(b);
    assert.notEqual(a, b);
    assert.ok(a.length >= 32);
  });

  it('deleting a user ends their sessions', async () => {
    const gus = await h.makeUser(d, admin, 'gus');
    secrets.add(gus.token); secrets.add(gus.password);
    await h.ok(d, `mutation { deleteUser(id: "${gus.id}") }`, null, admin);
    assert.equal((await h.gql(d, '{ me { id } }', null, gus.token)).status, 401);
  });
});

describe('API tokens', () => {
  it('a new token\'s secret works as Authorization: Bearer', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "bearer") { secret } }', null, alice.token)).createToken;
    secrets.add(t.secret);
    assert.equal((await h.ok(d, '{ me { name } }', null, t.secret)).me.name, 'alice');
  });

  it('an expired token is HTTP 401', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "short", expiresIn: 1) { secret token { expiresAt } } }', null, alice.token)).createToken;
    secrets.add(t.secret);
    assert.ok(Date.parse(t.token.expiresAt) <= Date.now() + 2000);
    await h.sleep(2100);
    assert.equal((await h.gql(d, '{ me { id } }', null, t.secret)).status, 401);
  });

  it('a revoked token is HTTP 401 and shows revokedAt', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "revoked") { secret token { id } } }', null, alice.token)).createToken;
    secrets.add(t.secret);
    await h.ok(d, `mutation { revokeToken(id: "${t.token.id}") }`, null, alice.token);
    assert.equal((await h.gql(d, '{ me { id } }', null, t.secret)).status, 401);
    const list = (await h.ok(d, '{ tokens { id revokedAt } }', null, alice.token)).tokens;
    assert.ok(list.find((x) => x.id === t.token.id).revokedAt);
  });

  it('a token with a negative lifetime is refused', async () => {
    const r = await h.gql(d, 'mutation { createToken(name: "neg", expiresIn: -5) { secret } }', null, alice.token);
    assert.ok(r.errors, r.text);
  });

  it('tokens never returns secrets', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "hidden") { secret } }', null, alice.token)).createToken;
    secrets.add(t.secret);
    const r = await h.gql(d, '{ tokens { id name createdAt expiresAt revokedAt } }', null, alice.token);
    assert.ok(!r.text.includes(t.secret));
  });

  it('a bearer token of a user gets that user\'s view only', async () => {
    const t = (await h.ok(d, 'mutation { createToken(name: "view") { secret } }', null, bob.token)).createToken;
    secrets.add(t.secret);
    const users = (await h.ok(d, '{ getUsers { name } }', null, t.secret)).getUsers;
    assert.deepEqual(users.map((u) => u.name), ['bob']);
  });
});

describe('quotas', () => {
  let q;
  before(async () => { q = await h.makeUser(d, admin, 'quoted'); secrets.add(q.token); secrets.add(q.password); });
  const setQuota = (quota) => h.ok(d, `mutation($u: ID!, $q: QuotaInput!) { setQuota(userID: $u, quota: $q) { vms vcpus memory devices } }`, { u: q.id, q: quota }, admin);
  const create = (vm) => h.gql(d, 'mutation($vm: VmInput!) { createVm(vm: $vm) { id } }', { vm: { base: 'debian-12.qcow2', ...vm } }, q.token);
  const clean = async () => {
    for (const v of (await h.ok(d, '{ getVms { id } }', null, q.token)).getVms) await h.ok(d, `mutation { forceDestroyVM(vmID: "${v.id}") }`, null, q.token);
  };

  it('a VM beyond the VM quota is a QUOTA_EXCEEDED error', async () => {
    await clean();
    await setQuota({ vms: 1 });
    assert.equal((await create({ name: 'q1' })).errors, undefined);
    const r = await create({ name: 'q2' });
    assert.equal(r.errors[0].extensions.code, 'QUOTA_EXCEEDED');
    assert.match(r.errors[0].message, /quota/);
    assert.equal((await h.ok(d, '{ getVms { id } }', null, q.token)).getVms.length, 1);
  });

  it('vCPUs beyond the vCPU quota are refused at creation', async () => {
    await clean();
    await setQuota({ vcpus: 2 });
    const r = await create({ name: 'q3', vcpu: 3 });
    assert.equal(r.errors[0].extensions.code, 'QUOTA_EXCEEDED');
  });

  it('memory beyond the memory quota is refused at creation', async () => {
    await clean();
    await setQuota({ memory: 512 });
    assert.equal((await create({ name: 'm1', memory: 256 })).errors, undefined);
    const r = await create({ name: 'm2', memory: 512 });
    assert.equal(r.errors[0].extensions.code, 'QUOTA_EXCEEDED');
  });

  it('updateVm beyond the vCPU quota is refused and leaves the VM unchanged', async () => {
    await clean();
    await setQuota({ vcpus: 2 });
    const id = (await create({ name: 'grow', vcpu: 1 })).data.createVm.id;
    const r = await h.gql(d, `mutation { updateVm(vm: {id: "${id}", name: "grow", base: "", vcpu: 4}) { vcpu } }`, null, q.token);
    assert.equal(r.errors[0].extensions.code, 'QUOTA_EXCEEDED');
    assert.equal((await h.ok(d, `{ getVm(id: "${id}") { vcpu } }`, null, q.token)).getVm.vcpu, 1);
  });

  it('a device beyond the device quota is refused', async () => {
    await clean();
    await setQuota({ devices: 0 });
    const id = (await create({ name: 'devq' })).data.createVm.id;
    const all = (await h.ok(d, '{ getUsb { id vm { id } } }', null, admin)).getUsb;
    const r = await h.gql(d, `mutation { attachDevice(devID: "${all.find((x) => !x.vm).id}", vmID: "${id}") }`, null, q.token);
    assert.equal(r.errors[0].extensions.code, 'QUOTA_EXCEEDED');
  });

  it('-1 means unlimited and usage counts what the user holds', async () => {
    await clean();
    const set = await setQuota({ vms: -1, vcpus: -1, memory: -1, devices: -1 });
    assert.deepEqual(set.setQuota, { vms: null, vcpus: null, memory: null, devices: null });
    await create({ name: 'u1', vcpu: 2, memory: 300 });
    await create({ name: 'u2', vcpu: 1, memory: 200 });
    const u = (await h.ok(d, '{ me { usage { vms vcpus memory devices } } }', null, q.token)).me.usage;
    assert.deepEqual(u, { vms: 2, vcpus: 3, memory: 500, devices: 0 });
  });

  it('parallel creations cannot overrun the VM quota', async () => {
    await clean();
    await setQuota({ vms: 3, vcpus: -1, memory: -1, devices: -1 });
    const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => create({ name: `race${i}` })));
    assert.equal(rs.filter((r) => !r.errors).length, 3, rs.map((r) => r.text).join('\n'));
    assert.ok(rs.filter((r) => r.errors).every((r) => r.errors[0].extensions.code === 'QUOTA_EXCEEDED'));
    assert.equal((await h.ok(d, '{ getVms { id } }', null, q.token)).getVms.length, 3);
  });

  it('parallel creations of one name make exactly one VM', async () => {
    await clean();
    await setQuota({ vms: -1 });
    const rs = await Promise.all(Array.from({ length: 6 }, () => create({ name: 'same-name' })));
    assert.equal(rs.filter((r) => !r.errors).length, 1, rs.map((r) => r.text).join('\n'));
    assert.equal((await h.ok(d, '{ getVms { name } }', null, q.token)).getVms.filter((v) => v.name === 'same-name').length, 1);
  });

  it('a negative quota other than -1 is refused', async () => {
    const r = await h.gql(d, `mutation { setQuota(userID: "${q.id}", quota: {vms: -7}) { vms } }`, null, admin);
    assert.ok(r.errors, r.text);
  });
});

describe('secrets', () => {
  it('a guest password given in ConfigInput is never returned', async () => {
    const pw = 'guest-secret-5b1e77';
    secrets.add(pw);
    const r = await h.gql(d, `mutation { createVm(vm: {name: "secretive", base: "debian-12.qcow2", config: {user: "pi", password: "${pw}"}}) { id name configUser } }`, null, alice.token);
    assert.equal(r.data.createVm.configUser, 'pi');
    const all = await h.gql(d, '{ getVms { id name base configUser uuid owner { name } } }', null, alice.token);
    assert.ok(!r.text.includes(pw) && !all.text.includes(pw));
  });

  it('no output type of the schema has a password, hash or secret field except the new token\'s', async () => {
    const r = await h.ok(d, '{ __schema { types { name kind fields { name } } } }', null, alice.token);
    const bad = [];
    for (const t of r.__schema.types) {
      for (const f of t.fields || []) {
        if (t.name !== 'Mutation' && /password|hash|secret/i.test(f.name) && !(t.name === 'NewApiToken' && f.name === 'secret')) bad.push(`${t.name}.${f.name}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the log (at debug level) holds none of the passwords, session tokens or API token secrets used', async () => {
    // Some traffic that might be logged: failed logins, setPassword, createUser.
    await h.gql(d, 'mutation { login(name: "alice", password: "typo-password-x1") { token } }');
    secrets.add('typo-password-x1');
    const np = 'renewed-pw-3c9d';
    await h.ok(d, `mutation { setPassword(userID: "${bob.id}", newPassword: "${np}") }`, null, admin);
    secrets.add(np);
    const log = d.log();
    assert.ok(log.length > 0);
    const leaked = [...secrets].filter((s) => s && log.includes(s));
    assert.deepEqual(leaked, []);
  });
});
