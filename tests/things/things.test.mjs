// things.test.mjs -- issue 5 end to end: things created through the
// daemon's API bootstrap against the LwM2M bootstrap server inside epfiotd
// (epfiot-thing as the device), get an account on the LwM2M server at their
// VM's address (epfiot-lwm2m-server listening on that address, which lives
// on a veth in this private network namespace: see run.sh), and the API
// shows REGISTERED -> BOOTSTRAPPING -> BOOTSTRAPPED | FAILED.
//
// Golden files (tests/things/golden/*.txt) hold the device's view: each
// step, then every request it received with its payload in hex. The VM's
// address is replaced by VMIP (in text and in hex) so the files do not
// depend on the address the test hypervisor hands out. Regenerate with
// EPFIOT_UPDATE_GOLDEN=1 after checking the diff.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import dgram from 'node:dgram';
import * as h from '../daemon/daemon.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const THING = process.env.EPFIOT_THING || join(h.REPO, 'build/tools/epfiot-thing');
const LWM2M_SERVER = process.env.EPFIOT_LWM2M_SERVER || join(h.REPO, 'build/tools/epfiot-lwm2m-server');
const UPDATE = process.env.EPFIOT_UPDATE_GOLDEN === '1';
const WAIT = 60000 * h.SLOW;

let d, admin, alice, bob, vm1, vm2, ip1, ip2, lwm2m;
const children = new Set();
process.on('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

const THING_FIELDS = 'id name state endpoint security pskIdentity serverSecurity serverPskIdentity shortServerId lifetime binding lastBootstrapAt lastError vm { id }';

// Runs epfiot-thing to the end; resolves { code, out }.
function thing(args) {
  return new Promise((res) => {
    const c = spawn(THING, ['-H', '127.0.0.1', '-t', String(30 * h.SLOW), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let out = '';
    c.stdout.on('data', (b) => { out += b; });
    c.stderr.on('data', (b) => { out += b; });
    c.on('exit', (code) => { children.delete(c); res({ code, out }); });
  });
}

const nosec = (ep, more = []) => thing(['-p', String(d.coapPort), '-e', ep, ...more]);

async function waitFor(what, fn, ms = WAIT) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await h.sleep(50);
  }
}

async function getThing(id, token = alice.token) {
  return (await h.ok(d, `query($id: ID!) { getThing(id: $id) { ${THING_FIELDS} } }`, { id }, token)).getThing;
}

const stateIs = (id, state) => waitFor(`thing ${id} ${state}`, async () => {
  const t = await getThing(id);
  return t.state === state ? t : null;
});

async function create(thingInput, token = alice.token) {
  const r = await h.ok(d, `mutation($t: ThingInput!) { createThing(thing: $t) { ${THING_FIELDS} } }`, { t: { info: '', server: 'v1', ...thingInput } }, token);
  return r.createThing;
}

const hexOf = (s) => Buffer.from(s).toString('hex');

// The device's output without timings, the VM address masked.
function normalise(out) {
  let s = out.replace(/bootstrapped in [0-9.]+ ms/, 'bootstrapped in T ms');
  for (const [ip, name] of [[ip1, 'VMIP'], [ip2, 'VMIP2']]) {
    s = s.split(ip).join(name).split(hexOf(ip)).join(hexOf(name));
  }
  return s;
}

function golden(name, out) {
  const file = join(here, 'golden', `${name}.txt`);
  const got = normalise(out);
  if (UPDATE) writeFileSync(file, got);
  assert.equal(got, readFileSync(file, 'utf8'), `golden ${name}`);
}

// epfiot-lwm2m-server at ADDR:5683; resolves { child, http }.
function startLwm2mServer(addr) {
  return new Promise((res, rej) => {
    const c = spawn(LWM2M_SERVER, ['-a', addr, '-p', '5683', '-w', '0', '-l'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let out = '';
    c.stdout.on('data', (b) => {
      out += b;
      const m = /coap (\d+) http (\d+)/.exec(out);
      if (m) res({ child: c, http: Number(m[2]) });
    });
    c.stderr.on('data', (b) => { out += b; });
    c.on('exit', (code) => { children.delete(c); rej(new Error(`epfiot-lwm2m-server exited ${code}: ${out}`)); });
  });
}

async function registered() {
  const r = await fetch(`http://127.0.0.1:${lwm2m.http}/endpoints`);
  return r.json();
}

async function vmWithIp(name, token) {
  const vm = await h.makeVm(d, token, name);
  const on = await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { id ip } }`, null, token);
  assert.match(on.powerON.ip, /^198\.51\.100\.\d+$/, 'the test network hands out TEST-NET-2 addresses');
  // The VM's address on this namespace's veth: its LwM2M server listens there.
  execFileSync('ip', ['addr', 'add', `${on.powerON.ip}/24`, 'dev', 'epfiot-vm0']);
  return { id: vm.id, ip: on.powerON.ip };
}

before(async () => {
  d = await h.startDaemon({ args: ['--lwm2m-request-timeout', '3', '--lwm2m-max-retransmit', '1'] });
  assert.ok(d.coapPort > 0 && d.coapsPort > 0, 'bootstrap ports printed');
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  bob = await h.makeUser(d, admin, 'bob');
  vm1 = await vmWithIp('v1', alice.token);
  vm2 = await vmWithIp('v2', alice.token);
  ip1 = vm1.ip;
  ip2 = vm2.ip;
  lwm2m = await startLwm2mServer(ip1);
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (d) {
    await d.stop();
    h.removeDir(d.dir);
  }
});

describe('bootstrap through the daemon', () => {
  it('the thesis form createThing(thing: {name, info, server}) bootstraps, then the device registers at its VM', async () => {
    const t = await create({ name: 'sensor-1', info: 'thesis form' });
    assert.equal(t.state, 'REGISTERED');
    assert.equal(t.endpoint, 'sensor-1');
    assert.equal(t.security, 'NOSEC');
    assert.equal(t.lastBootstrapAt, null);
    const r = await nosec('sensor-1', ['--dump']);
    assert.equal(r.code, 0, r.out);
    golden('nosec-1.1-tlv', r.out);
    const done = await stateIs(t.id, 'BOOTSTRAPPED');
    assert.match(done.lastBootstrapAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(done.lastError, null);
    const eps = await waitFor('registration', async () => {
      const l = await registered();
      return JSON.stringify(l).includes('"sensor-1"') ? l : null;
    });
    assert.ok(JSON.stringify(eps).includes('sensor-1'));
  });

  it('LwM2M 1.0 gets TLV and no 1.1 resources; SenML CBOR is honoured for a 1.1 pct', async () => {
    await create({ name: 'old-1', endpoint: 'old-1' });
    const r10 = await nosec('old-1', ['--lwm2m', '1.0', '--no-register', '--dump']);
    assert.equal(r10.code, 0, r10.out);
    golden('nosec-1.0-tlv', r10.out);
    await create({ name: 'cbor-1', lifetime: 60, binding: 'UT', shortServerId: 7 });
    const rc = await nosec('cbor-1', ['--format', 'senml-cbor', '--no-register', '--dump']);
    assert.equal(rc.code, 0, rc.out);
    golden('nosec-1.1-senml-cbor-configured', rc.out);
  });

  it('DTLS-PSK bootstrap with the thing\'s key writes a PSK account (coaps) on the VM\'s server; keys are never returned', async () => {
    const key = h.secret('00112233445566778899aabbccddeeff');
    const skey = h.secret('a1b2c3d4e5f60718');
    const t = await create({ name: 'psk-1', security: 'PSK', pskIdentity: 'psk-1-id', pskKey: key, serverSecurity: 'PSK', serverPskIdentity: 'psk-1-vm', serverPskKey: skey });
    assert.equal(t.security, 'PSK');
    assert.equal(t.pskIdentity, 'psk-1-id');
    assert.equal(t.serverSecurity, 'PSK');
    const r = await thing(['-p', String(d.coapsPort), '-e', 'psk-1', '--psk-identity', 'psk-1-id', '--psk-key', key, '--no-register', '--dump']);
    assert.equal(r.code, 0, r.out);
    golden('psk-1.1-tlv', r.out);
    await stateIs(t.id, 'BOOTSTRAPPED');
    // nothing in the API holds a key
    const all = await h.gql(d, `{ getThings { ${THING_FIELDS} } }`, null, alice.token);
    assert.ok(!all.text.includes(key) && !all.text.includes(skey));
    const fields = (await h.ok(d, '{ __type(name: "Thing") { fields { name } } }', null, alice.token)).__type.fields.map((f) => f.name);
    assert.ok(!fields.some((f) => /key/i.test(f)), fields.join(' '));
  });

  it('a wrong PSK fails the handshake: nothing written, the thing stays REGISTERED', async () => {
    const key = h.secret('0f0e0d0c0b0a09080706050403020100');
    const t = await create({ name: 'psk-2', security: 'PSK', pskIdentity: 'psk-2-id', pskKey: key });
    const r = await thing(['-p', String(d.coapsPort), '-e', 'psk-2', '--psk-identity', 'psk-2-id', '--psk-key', 'ffffffffffffffffffffffffffffffff', '--no-register', '-t', String(8 * h.SLOW), '--dump']);
    assert.notEqual(r.code, 0, r.out);
    assert.ok(!r.out.includes('request PUT'), r.out);
    assert.equal((await getThing(t.id)).state, 'REGISTERED');
    // and a PSK thing cannot bootstrap over plain CoAP either
    const plain = await nosec('psk-2', ['--no-register']);
    assert.match(plain.out, /Bootstrap-Request -> 4\.00/);
    assert.equal((await getThing(t.id)).state, 'REGISTERED');
  });

  it('createThingVm, attachThing and updateVm thingIDs each make a thing bootstrap', async () => {
    const a = (await h.ok(d, `mutation { createThingVm(thing: {name: "via-vm", info: "", server: ""}, vmID: "${vm1.id}") { id state } }`, null, alice.token)).createThingVm;
    const b = await create({ name: 'via-attach', server: 'v1' });
    await h.ok(d, `mutation { updateThing(id: "${b.id}", thing: {server: ""}) { id } }`, null, alice.token);
    assert.match((await nosec('via-attach', ['--no-register'])).out, /-> 4\.00/, 'detached: unknown to the bootstrap server');
    assert.equal((await h.ok(d, `mutation { attachThing(thingID: "${b.id}", vmID: "${vm1.id}") }`, null, alice.token)).attachThing, true);
    const c = await create({ name: 'via-update' });
    await h.ok(d, `mutation { updateThing(id: "${c.id}", thing: {server: ""}) { id } }`, null, alice.token);
    await h.ok(d, `mutation($vm: VmInput!) { updateVm(vm: $vm) { id } }`, { vm: { id: vm2.id, name: 'v2', base: '', thingIDs: [Number(c.id)] } }, alice.token);
    for (const [t, ep] of [[a, 'via-vm'], [b, 'via-attach'], [c, 'via-update']]) {
      const r = await nosec(ep, ['--no-register', '--dump']);
      assert.equal(r.code, 0, `${ep}: ${r.out}`);
      await stateIs(t.id, 'BOOTSTRAPPED');
      if (ep === 'via-update') assert.ok(r.out.includes(hexOf(`coap://${ip2}:5683`)), 'points at its new VM');
    }
  });

  it('a changed configuration (another VM) reaches the device at its next bootstrap', async () => {
    const t = await create({ name: 'mover' });
    const first = await nosec('mover', ['--no-register', '--dump']);
    assert.ok(first.out.includes(hexOf(`coap://${ip1}:5683`)), first.out);
    await h.ok(d, `mutation { updateThing(id: "${t.id}", thing: {server: "v2", lifetime: 120}) { id } }`, null, alice.token);
    const again = await nosec('mover', ['--no-register', '--dump']);
    assert.equal(again.code, 0, again.out);
    assert.ok(again.out.includes(hexOf(`coap://${ip2}:5683`)), again.out);
    const u = await stateIs(t.id, 'BOOTSTRAPPED');
    assert.equal(u.lifetime, 120);
    assert.equal(u.vm.id, vm2.id);
  });
});

describe('negatives', () => {
  it('an unknown endpoint gets 4.00', async () => {
    const r = await nosec('no-such-thing', ['--no-register']);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /Bootstrap-Request -> 4\.00/);
  });

  it('another tenant\'s VM cannot be linked, by any route', async () => {
    const code = (r) => r.errors && r.errors[0].extensions.code;
    assert.equal(code(await h.gql(d, `mutation { createThing(thing: {name: "b1", info: "", server: "${vm1.id}"}) { id } }`, null, bob.token)), 'NOT_FOUND');
    assert.equal(code(await h.gql(d, `mutation { createThingVm(thing: {name: "b1", info: "", server: ""}, vmID: "${vm1.id}") { id } }`, null, bob.token)), 'NOT_FOUND');
    const bvm = await h.makeVm(d, bob.token, 'bv');
    const bt = (await h.ok(d, `mutation { createThing(thing: {name: "b2", info: "", server: "${bvm.id}"}) { id } }`, null, bob.token)).createThing;
    assert.equal(code(await h.gql(d, `mutation { attachThing(thingID: "${bt.id}", vmID: "${vm1.id}") }`, null, bob.token)), 'NOT_FOUND');
    assert.equal(code(await h.gql(d, `mutation { updateThing(id: "${bt.id}", thing: {server: "${vm1.id}"}) { id } }`, null, bob.token)), 'NOT_FOUND');
    // nor can bob touch alice's things
    const at = (await h.ok(d, '{ getThings { id } }', null, alice.token)).getThings[0];
    assert.equal(code(await h.gql(d, `mutation { updateThing(id: "${at.id}", thing: {info: "x"}) { id } }`, null, bob.token)), 'NOT_FOUND');
    assert.equal(code(await h.gql(d, `mutation { deleteThing(id: "${at.id}") }`, null, bob.token)), 'NOT_FOUND');
  });

  it('bad settings are refused with a clear error and nothing is created', async () => {
    const bad = [
      [{ name: 'x1', endpoint: 'has space' }, /endpoint/],
      [{ name: 'x2', endpoint: 'e'.repeat(129) }, /endpoint/],
      [{ name: 'x3', security: 'PSK' }, /PSK needs an identity and a key/],
      [{ name: 'x4', security: 'PSK', pskIdentity: 'i', pskKey: 'zz' }, /hex/],
      [{ name: 'x5', shortServerId: 65535 }, /shortServerId/],
      [{ name: 'x6', lifetime: -1 }, /lifetime/],
      [{ name: 'x7', binding: 'UQ' }, /binding/],
      [{ name: 'x8', endpoint: 'sensor-1' }, /in use/],
    ];
    for (const [t, re] of bad) {
      const r = await h.gql(d, 'mutation($t: ThingInput!) { createThing(thing: $t) { id } }', { t: { info: '', server: 'v1', ...t } }, alice.token);
      assert.ok(r.errors, JSON.stringify(t));
      assert.match(r.errors[0].message, re);
    }
    const names = (await h.ok(d, '{ getThings { name } }', null, alice.token)).getThings.map((t) => t.name);
    assert.ok(!names.some((n) => /^x\d$/.test(n)), names.join(' '));
  });

  it('a device that never answers is FAILED after the request timeout, BOOTSTRAPPING until then', async () => {
    const t = await create({ name: 'mute' });
    const run = nosec('mute', ['--never-answer', 'discover', '--no-register', '-t', String(20 * h.SLOW)]);
    await stateIs(t.id, 'BOOTSTRAPPING');
    const f = await stateIs(t.id, 'FAILED');
    assert.equal(f.lastError, 'discover, timeout');
    await run;
  });

  it('a 4.xx answer fails the bootstrap with the step and code', async () => {
    const t = await create({ name: 'refuses' });
    await nosec('refuses', ['--answer-code', 'write=4.00', '--no-register', '-t', String(10 * h.SLOW)]);
    const f = await stateIs(t.id, 'FAILED');
    assert.equal(f.lastError, 'write security, 4.00');
  });

  it('4.06 on Finish is FAILED, not BOOTSTRAPPED; a later good bootstrap clears it', async () => {
    const t = await create({ name: 'picky' });
    const r = await nosec('picky', ['--finish-code', '4.06', '--no-register', '-t', String(10 * h.SLOW)]);
    assert.notEqual(r.code, 0);
    const f = await stateIs(t.id, 'FAILED');
    assert.equal(f.lastError, 'finish, 4.06');
    assert.equal(f.lastBootstrapAt, null);
    assert.equal((await nosec('picky', ['--no-register'])).code, 0);
    const ok = await stateIs(t.id, 'BOOTSTRAPPED');
    assert.equal(ok.lastError, null);
  });

  it('malformed CoAP and a 300-byte endpoint name do no harm', async () => {
    const sock = dgram.createSocket('udp4');
    const junk = [Buffer.alloc(0), Buffer.from([0xff]), Buffer.from([0x40, 0x02, 0x00, 0x01, 0xb2, 0x62]),
      Buffer.from('not coap at all'), Buffer.alloc(1500, 0x41), Buffer.from([0x4f, 0x02, 0x12, 0x34])];
    for (const p of junk) await new Promise((res) => sock.send(p, d.coapPort, '127.0.0.1', res));
    for (const p of junk) await new Promise((res) => sock.send(p, d.coapsPort, '127.0.0.1', res));
    sock.close();
    const long = await nosec('e'.repeat(300), ['--no-register']);
    assert.notEqual(long.code, 0);
    assert.match(long.out, /4\.00/);
    // still serving
    const t = await create({ name: 'after-junk' });
    assert.equal((await nosec('after-junk', ['--no-register'])).code, 0);
    await stateIs(t.id, 'BOOTSTRAPPED');
  });

  it('deleteThing: the endpoint is unknown to the bootstrap server from then on', async () => {
    const t = await create({ name: 'doomed' });
    assert.equal((await h.ok(d, `mutation { deleteThing(id: "${t.id}") }`, null, alice.token)).deleteThing, true);
    assert.match((await nosec('doomed', ['--no-register'])).out, /Bootstrap-Request -> 4\.00/);
    const r = await h.gql(d, `{ getThing(id: "${t.id}") { id } }`, null, alice.token);
    assert.equal(r.errors[0].extensions.code, 'NOT_FOUND');
  });
});
