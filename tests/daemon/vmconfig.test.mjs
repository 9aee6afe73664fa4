// vmconfig.test.mjs -- a VM's cloud-init settings (SSH keys, hostname,
// packages, the tenant's own user-data), its firmware, and pauseVM/resumeVM,
// through the real daemon on libvirt's test hypervisor. Every bad value is
// a BAD_USER_INPUT naming its field and creates nothing; userData and the
// password are write-only and never logged.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

let d, admin, alice;

before(async () => {
  d = await h.startDaemon();
  admin = await h.adminToken(d);
  alice = await h.makeUser(d, admin, 'carol');
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

const code = (r) => r.errors[0].extensions && r.errors[0].extensions.code;
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl carol@laptop';
const CREATE = 'mutation($vm:VmInput!){createVm(vm:$vm){id name state configUser hostname sshKeys firmware}}';

async function vmNames() {
  const data = await h.ok(d, '{ getVms { name } }', null, alice.token);
  return data.getVms.map((v) => v.name).sort();
}

// createVm with `config` must fail with BAD_USER_INPUT naming `field` and
// leave the caller's VMs as they were.
async function refused(vm, field) {
  const before = await vmNames();
  const r = await h.fails(d, CREATE, { vm: { base: 'debian-12.qcow2', ...vm } }, alice.token);
  assert.equal(code(r), 'BAD_USER_INPUT', r.text);
  assert.ok(r.errors[0].message.includes(field), r.errors[0].message);
  assert.deepEqual(await vmNames(), before);
  return r.errors[0].message;
}

describe('ConfigInput', () => {
  it('keys, hostname, packages and a user script are stored; the VM shows user, hostname and keys', async () => {
    const userData = '#!/bin/sh\necho provisioned-marker-51c2 > /root/done\n';
    const data = await h.ok(d, CREATE, {
      vm: {
        name: 'cfg-full', base: 'debian-12.qcow2',
        config: { user: 'carol', password: 'guest-pw-8e1f', sshKeys: [ED25519], hostname: 'edge-1', packages: ['htop', 'python3-serial'], userData },
      },
    }, alice.token);
    const vm = data.createVm;
    assert.equal(vm.state, 'POWEROFF');
    assert.equal(vm.configUser, 'carol');
    assert.equal(vm.hostname, 'edge-1');
    assert.deepEqual(vm.sshKeys, [ED25519]);
    assert.equal(vm.firmware, 'BIOS');
    assert.ok(!d.stderr.includes('provisioned-marker-51c2'), 'userData must not be logged');
    assert.ok(!d.stderr.includes('guest-pw-8e1f'), 'the password must not be logged');
  });

  it('a #cloud-config userData is accepted', async () => {
    const userData = '#cloud-config\nruncmd:\n  - [touch, /tmp/x]\nwrite_files:\n- path: /etc/motd\n  content: |\n    hello: world\n';
    const data = await h.ok(d, CREATE, { vm: { name: 'cfg-cc', base: 'debian-12.qcow2', config: { userData } } }, alice.token);
    assert.equal(data.createVm.state, 'POWEROFF');
  });

  it('without config.hostname the hostname is the VM name with . and _ as -', async () => {
    const data = await h.ok(d, CREATE, { vm: { name: 'my_vm.2', base: 'debian-12.qcow2' } }, alice.token);
    assert.equal(data.createVm.hostname, 'my-vm-2');
    assert.deepEqual(data.createVm.sshKeys, []);
  });

  it('neither the password nor userData can be read back', async () => {
    const r = await h.gql(d, '{ getVms { userData } }', null, alice.token);
    assert.ok(r.errors && /userData/.test(r.errors[0].message), r.text);
    const t = await h.ok(d, '{ __type(name: "Vm") { fields { name } } }', null, alice.token);
    const names = t.__type.fields.map((f) => f.name);
    assert.ok(!names.some((n) => /password|userdata/i.test(n)), names.join(' '));
  });

  it('a bad SSH key is refused, naming the key', async () => {
    const m = await refused({ name: 'bad-key', config: { user: 'carol', sshKeys: [ED25519, 'ssh-ed25519 not*base64 x'] } }, 'config.sshKeys[1]');
    assert.ok(/SSH public key/.test(m), m);
    await refused({ name: 'bad-key2', config: { user: 'carol', sshKeys: [`${ED25519}\nssh-rsa AAAA x`] } }, 'config.sshKeys[0]');
    await refused({ name: 'bad-key3', config: { user: 'carol', sshKeys: ['ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x'] } }, 'config.sshKeys[0]');
  });

  it('SSH keys without a config user are refused', async () => {
    await refused({ name: 'keys-nouser', config: { sshKeys: [ED25519] } }, 'config.sshKeys');
  });

  it('an oversize userData is refused', async () => {
    await refused({ name: 'big-ud', config: { userData: `#!/bin/sh\n${'x'.repeat(16 * 1024)}\n` } }, 'config.userData');
  });

  it('a userData that is neither a script nor a cloud-config, or garbage cloud-config, is refused', async () => {
    await refused({ name: 'ud-plain', config: { userData: 'echo hi' } }, 'config.userData');
    await refused({ name: 'ud-garbage', config: { userData: '#cloud-config\n<html><body>oops</body></html>\n' } }, 'config.userData');
    await refused({ name: 'ud-tabs', config: { userData: '#cloud-config\npackages:\n\t- htop\n' } }, 'config.userData');
    await refused({ name: 'ud-nul', config: { userData: '#!/bin/sh\necho \u0000\n' } }, 'config.userData');
  });

  it('a bad hostname is refused', async () => {
    await refused({ name: 'bad-host', config: { hostname: 'edge_1' } }, 'config.hostname');
    await refused({ name: 'bad-host2', config: { hostname: '-edge' } }, 'config.hostname');
    await refused({ name: 'bad-host3', config: { hostname: 'a'.repeat(64) } }, 'config.hostname');
  });

  it('a bad package name is refused', async () => {
    await refused({ name: 'bad-pkg', config: { packages: ['htop', 'rm -rf'] } }, 'config.packages[1]');
  });
});

describe('firmware', () => {
  it('UEFI on a host without UEFI firmware is a clear error and creates nothing', async () => {
    const m = await refused({ name: 'uefi-vm', firmware: 'UEFI' }, 'UEFI');
    assert.ok(/no UEFI firmware/.test(m), m);
  });

  it('BIOS is the default and can be asked for', async () => {
    const data = await h.ok(d, CREATE, { vm: { name: 'bios-vm', base: 'debian-12.qcow2', firmware: 'BIOS' } }, alice.token);
    assert.equal(data.createVm.firmware, 'BIOS');
  });
});

describe('updateVm', () => {
  const UPDATE = 'mutation($vm:VmInput!){updateVm(vm:$vm){name vcpu memory hostname sshKeys configUser pendingChanges}}';

  it('changes only what the caller gives: omitted vcpu and memory keep their values', async () => {
    const vm = (await h.ok(d, CREATE, { vm: { name: 'upd-size', base: 'debian-12.qcow2', vcpu: 2, memory: 512 } }, alice.token)).createVm;
    let u = (await h.ok(d, UPDATE, { vm: { id: vm.id, name: 'upd-size2', base: '' } }, alice.token)).updateVm;
    assert.deepEqual([u.name, u.vcpu, u.memory], ['upd-size2', 2, 512]);
    u = (await h.ok(d, UPDATE, { vm: { id: vm.id, name: 'upd-size2', base: '', memory: 256 } }, alice.token)).updateVm;
    assert.deepEqual([u.vcpu, u.memory], [2, 256]);
  });

  it('a config change is reported as pending until the next seed rebuild', async () => {
    const vm = (await h.ok(d, CREATE, { vm: { name: 'upd-cfg', base: 'debian-12.qcow2', config: { user: 'carol' } } }, alice.token)).createVm;
    const u = (await h.ok(d, UPDATE, { vm: { id: vm.id, name: 'upd-cfg', base: '', config: { hostname: 'edge-2', sshKeys: [ED25519], userData: '#!/bin/sh\necho upd-marker-7a1\n' } } }, alice.token)).updateVm;
    assert.equal(u.hostname, 'edge-2');
    assert.equal(u.configUser, 'carol');
    assert.deepEqual(u.sshKeys, [ED25519]);
    assert.deepEqual(u.pendingChanges, ['config']);
    assert.ok(!d.stderr.includes('upd-marker-7a1'));
  });

  it('a bad config, or a firmware change, is refused and changes nothing', async () => {
    const vm = (await h.ok(d, CREATE, { vm: { name: 'upd-bad', base: 'debian-12.qcow2' } }, alice.token)).createVm;
    let r = await h.fails(d, UPDATE, { vm: { id: vm.id, name: 'upd-bad2', base: '', vcpu: 2, config: { userData: 'garbage' } } }, alice.token);
    assert.equal(code(r), 'BAD_USER_INPUT');
    assert.ok(r.errors[0].message.includes('config.userData'), r.errors[0].message);
    r = await h.fails(d, UPDATE, { vm: { id: vm.id, name: 'upd-bad', base: '', firmware: 'UEFI' } }, alice.token);
    assert.equal(code(r), 'BAD_USER_INPUT');
    const g = (await h.ok(d, `{ getVm(id: "${vm.id}") { name vcpu pendingChanges firmware } }`, null, alice.token)).getVm;
    assert.deepEqual(g, { name: 'upd-bad', vcpu: 1, pendingChanges: [], firmware: 'BIOS' });
  });
});

describe('pauseVM and resumeVM', () => {
  it('pause on a stopped VM is a CONFLICT; a running VM pauses and resumes', async () => {
    const vm = await h.makeVm(d, alice.token, 'pausable');
    let r = await h.fails(d, `mutation { pauseVM(vmID: "${vm.id}") { state } }`, null, alice.token);
    assert.equal(code(r), 'CONFLICT', r.text);
    r = await h.fails(d, `mutation { resumeVM(vmID: "${vm.id}") { state } }`, null, alice.token);
    assert.equal(code(r), 'CONFLICT', r.text);
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, alice.token);
    r = await h.fails(d, `mutation { resumeVM(vmID: "${vm.id}") { state } }`, null, alice.token);
    assert.equal(code(r), 'CONFLICT', r.text);
    const p = await h.ok(d, `mutation { pauseVM(vmID: "${vm.id}") { id state } }`, null, alice.token);
    assert.equal(p.pauseVM.state, 'PAUSED');
    assert.equal((await h.ok(d, `{ getVm(id: "${vm.id}") { state } }`, null, alice.token)).getVm.state, 'PAUSED');
    r = await h.fails(d, `mutation { pauseVM(vmID: "${vm.id}") { state } }`, null, alice.token);
    assert.equal(code(r), 'CONFLICT', r.text);
    const res = await h.ok(d, `mutation { resumeVM(vmID: "${vm.id}") { state } }`, null, alice.token);
    assert.equal(res.resumeVM.state, 'RUNNING');
    await h.ok(d, `mutation { forceOFF(vmID: "${vm.id}") }`, null, alice.token);
  });

  it('another tenant\'s VM is NOT_FOUND', async () => {
    const vm = await h.makeVm(d, alice.token, 'private-pause');
    const dave = await h.makeUser(d, admin, 'dave');
    const r = await h.fails(d, `mutation { pauseVM(vmID: "${vm.id}") { state } }`, null, dave.token);
    assert.equal(code(r), 'NOT_FOUND', r.text);
  });
});
