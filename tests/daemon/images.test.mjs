// images.test.mjs -- base images on libvirt's test hypervisor: who may
// import, upload (PUT /images/NAME) and delete, and the errors. The test
// hypervisor cannot receive volume uploads, so an admin's import or upload
// ends in a clear CONFLICT there and leaves no volume; the bytes really
// flowing are tested against QEMU's libvirtd in tests/vm/test_images.sh.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as h from './daemon.mjs';

let d, admin, alice, file;

before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'alice');
  file = join(d.dir, 'disk.raw');
  writeFileSync(file, Buffer.alloc(65536, 1));
  mkdirSync(join(d.dir, 'adir'));
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

const names = async () => (await h.ok(d, '{ images { name } }', null, admin)).images.map((i) => i.name).sort();
const importImage = (name, path, auth) =>
  h.gql(d, 'mutation($n:String!,$p:String!){importImage(name:$n,path:$p){name format capacity}}', { n: name, p: path }, auth);
const code = (r) => r.errors && r.errors[0].extensions && r.errors[0].extensions.code;

async function put(name, body, headers = {}) {
  const res = await fetch(`${d.url}/images/${encodeURIComponent(name)}`, { method: 'PUT', headers, body, duplex: 'half' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

describe('who may manage base images', () => {
  it('a user cannot import an image', async () => {
    const before = await names();
    const r = await importImage('mine.raw', file, alice.token);
    assert.equal(code(r), 'FORBIDDEN');
    assert.deepEqual(await names(), before);
  });

  it('a user cannot delete an image', async () => {
    const r = await h.gql(d, 'mutation { deleteImage(name: "busybox.raw") }', null, alice.token);
    assert.equal(code(r), 'FORBIDDEN');
    assert.ok((await names()).includes('busybox.raw'));
  });

  it('a user cannot upload an image', async () => {
    const r = await put('mine.raw', Buffer.alloc(1024, 1), { authorization: `Bearer ${alice.token}` });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'FORBIDDEN');
    assert.ok(!(await names()).includes('mine.raw'));
  });

  it('an anonymous upload is 401', async () => {
    const r = await put('anon.raw', Buffer.alloc(1024, 1));
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /Bearer/);
  });

  it('an upload with a session cookie from another site is refused', async () => {
    const { setCookie } = await loginCookie();
    const r = await put('x.raw', Buffer.alloc(16, 1), { cookie: setCookie, origin: 'https://evil.example' });
    assert.equal(r.status, 403);
    assert.ok(!(await names()).includes('x.raw'));
  });
});

async function loginCookie() {
  const res = await fetch(`${d.url}/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password: h.ADMIN_PASSWORD }),
  });
  const c = res.headers.get('set-cookie');
  return { setCookie: c.split(';')[0] };
}

describe('import and upload errors', () => {
  it('the path must be absolute', async () => {
    const r = await importImage('a.raw', 'disk.raw', admin);
    assert.equal(code(r), 'BAD_USER_INPUT');
    assert.match(r.errors[0].message, /absolute/);
  });

  it('a name that is a path is refused', async () => {
    for (const n of ['../x', '/etc/x', '.hidden', 'a/b']) {
      const r = await importImage(n, file, admin);
      assert.equal(code(r), 'BAD_USER_INPUT', n);
      assert.match(r.errors[0].message, /invalid image name/);
    }
  });

  it('a missing file or a directory cannot be read', async () => {
    let r = await importImage('a.raw', join(d.dir, 'nope'), admin);
    assert.equal(code(r), 'BAD_USER_INPUT');
    assert.match(r.errors[0].message, /cannot read .*nope: No such file/);
    r = await importImage('a.raw', join(d.dir, 'adir'), admin);
    assert.match(r.errors[0].message, /not a regular file/);
  });

  it('an existing name is a conflict', async () => {
    const r = await importImage('debian-12.qcow2', file, admin);
    assert.equal(code(r), 'CONFLICT');
    assert.match(r.errors[0].message, /exists already/);
  });

  it('a hypervisor that cannot take uploads says so and keeps nothing', async () => {
    const r = await importImage('new.raw', file, admin);
    assert.equal(code(r), 'CONFLICT');
    assert.match(r.errors[0].message, /cannot import base image new.raw: cannot upload/);
    const u = await put('new2.raw', Buffer.alloc(4096, 1), { authorization: `Bearer ${admin}` });
    assert.equal(u.status, 409);
    assert.equal(u.json.error.code, 'CONFLICT');
    const all = await names();
    assert.ok(!all.includes('new.raw') && !all.includes('new2.raw'));
  });

  it('an upload needs Content-Length', async () => {
    const body = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(16)); c.close(); } });
    const r = await put('chunked.raw', body, { authorization: `Bearer ${admin}` });
    assert.equal(r.status, 411);
  });

  it('an empty upload is refused', async () => {
    const r = await put('empty.raw', Buffer.alloc(0), { authorization: `Bearer ${admin}` });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /empty/);
  });

  it('only PUT goes to /images/NAME', async () => {
    const r = await fetch(`${d.url}/images/x.raw`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'PUT');
  });
});

describe('deleteImage', () => {
  it('an unknown image is NOT_FOUND', async () => {
    const r = await h.gql(d, 'mutation { deleteImage(name: "nope.qcow2") }', null, admin);
    assert.equal(code(r), 'NOT_FOUND');
  });

  it('a VM volume is never a base image', async () => {
    const r = await h.gql(d, 'mutation { deleteImage(name: "epfiot-vm-99-disk.qcow2") }', null, admin);
    assert.equal(code(r), 'NOT_FOUND');
  });

  it('is a conflict while a VM is made from the image, then deletes it', async () => {
    const vm = await h.makeVm(d, alice.token, 'uses-busybox', { base: 'busybox.raw' });
    const r = await h.gql(d, 'mutation { deleteImage(name: "busybox.raw") }', null, admin);
    assert.equal(code(r), 'CONFLICT');
    assert.match(r.errors[0].message, /VM uses-busybox \(ID \d+\) is made from it/);
    assert.ok((await names()).includes('busybox.raw'));
    await h.ok(d, `mutation { destroyVM(vmID: "${vm.id}") }`, null, alice.token);
    await h.ok(d, 'mutation { deleteImage(name: "busybox.raw") }', null, admin);
    assert.ok(!(await names()).includes('busybox.raw'));
  });
});
