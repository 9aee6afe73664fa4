// cloudinit.test.mjs -- the project's NoCloud seed, consumed by the REAL
// cloud-init (Debian 12's package) in a real QEMU guest (TCG), through the
// real epfiotd: createVm with a ConfigInput of user, password, SSH key,
// hostname and a userData script, powerON, then read the guest's serial log.
// The guest image (build.sh) holds one fixture, epfiot-report.service: after
// cloud-final it prints "EPFIOT-CI ..." lines (cloud-init status --long,
// hostname, users and their authorized_keys, the userData marker, links with
// MACs and addresses, the rendered network config, `cloud-init schema
// --system`, warnings in cloud-init.log), then "EPFIOT-CI END". The test
// decides from those lines; no interactive login.
// Run by cloudinit.sh inside tests/vm/run.sh (EPFIOT_VM_URI, EPFIOT_VM_DIR,
// EPFIOTD, VMTOOL).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as h from '../../daemon/daemon.mjs';

const run = promisify(execFile);
const URI = process.env.EPFIOT_VM_URI;
const DIR = process.env.EPFIOT_VM_DIR;
const VMTOOL = process.env.VMTOOL;
// cloud-init under TCG on a loaded machine: 100 s idle, 300 s+ at load 8.
const BOOT_WAIT = 900000;
const PW = h.secret('Carol-Guest-Pw-3e8b17');
// A public key only (its private half was thrown away).
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMkS+Jqqxide2QjQZYr3sjWZvO69sMOLJktfb7h109gh ci@epfiot-test';
const USERDATA = '#!/bin/sh\n' +
  '# the userData script of the vm-cloudinit test\n' +
  'echo "userdata-ran uid=$(id -u) host=$(hostname)" >/var/lib/epfiot-userdata\n';

async function until(what, fn, ms) {
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
    await h.sleep(1000);
  }
}

const VM_FIELDS = 'id name state ip';
let d;
let admin;
let carol;
let vm;
let report; // the EPFIOT-CI lines, prefix removed
let started;

before(async () => {
  assert.ok(URI && DIR && VMTOOL, 'run through tests/vm/cloudinit/cloudinit.sh');
  d = await h.startDaemon({
    args: ['--libvirt-uri', URI, '--image-pool', 'epfiot-images', '--vm-pool', 'epfiot-vms',
      '--network', 'epfiot', '--force-tcg',
      '--kernel-image', 'vmlinux', '--initrd-image', 'initrd',
      // no_timer_check: a loaded TCG host fails the IO-APIC timer check.
      '--kernel-args', 'console=ttyS0 quiet no_timer_check'],
  });
  admin = await h.adminToken(d);
  carol = await h.makeUser(d, admin, 'carol');
});
after(async () => {
  if (d) await d.stop();
});

const lines = (key) => report.filter((l) => l.startsWith(`${key} `)).map((l) => l.slice(key.length + 1));
const one = (key) => {
  const v = lines(key);
  assert.equal(v.length, 1, `one "${key}" line in the report:\n${report.join('\n')}`);
  return v[0];
};

describe('the real cloud-init consumes the seed epfiotd builds', () => {
  it('createVm with user, password, SSH key, hostname and a userData script; powerON', async () => {
    const r = await h.ok(d, `mutation($vm:VmInput!){createVm(vm:$vm){${VM_FIELDS}}}`, {
      vm: {
        name: 'ci', base: 'debian.qcow2', vcpu: 1, memory: 512,
        config: { user: 'carol', password: PW, sshKeys: [KEY], hostname: 'ci-guest', userData: USERDATA },
      },
    }, carol.token);
    vm = r.createVm;
    assert.equal(vm.state, 'POWEROFF');
    started = Date.now();
    const on = await h.ok(d, `mutation($id:ID!){powerON(vmID:$id){${VM_FIELDS}}}`, { id: vm.id }, carol.token);
    assert.equal(on.powerON.state, 'RUNNING');
  });

  it('the guest reports once cloud-init has finished (serial log)', async () => {
    const log = join(DIR, 'log', 'qemu', `epfiot-vm-${vm.id}-serial.log`);
    const text = await until('EPFIOT-CI END on the serial console', () => {
      if (!existsSync(log)) return false;
      const t = readFileSync(log, 'utf8');
      return /^EPFIOT-CI END\r?$/m.test(t) && t;
    }, BOOT_WAIT);
    console.log(`# cloud-init finished and reported ${((Date.now() - started) / 1000).toFixed(0)} s after powerON`);
    report = text.split(/\r?\n/).filter((l) => l.startsWith('EPFIOT-CI ')).map((l) => l.slice(10).replace(/\r$/, ''));
    console.log(report.map((l) => `# ${l}`).join('\n'));
  });

  it('cloud-init status --long: done, from the NoCloud seed on the CD-ROM, no errors', () => {
    assert.equal(one('status-rc'), '0', report.join('\n'));
    const st = lines('status');
    assert.ok(st.includes('status: done'), st.join('\n'));
    assert.ok(st.some((l) => /DataSourceNoCloud \[seed=\/dev\/sr0\]/.test(l)), st.join('\n'));
    assert.ok(!st.some((l) => /^errors: \S/.test(l) && l !== 'errors: []'), st.join('\n'));
  });

  it('the hostname of ConfigInput is set', () => {
    assert.equal(one('hostname'), 'ci-guest');
  });

  it('the user exists with the SSH key in its authorized_keys', () => {
    const users = lines('user');
    assert.equal(users.length, 1, users.join('\n'));
    assert.match(users[0], /^carol:\/home\/carol:/);
    assert.deepEqual(lines('key'), [`carol ${KEY}`]);
  });

  it('the userData script ran (as root, after the hostname was set)', () => {
    assert.deepEqual(lines('marker'), ['userdata-ran uid=0 host=ci-guest']);
  });

  it('the network config matched the NIC by MAC and the interface got the lease the API shows', async () => {
    const xml = (await run(VMTOOL, ['xml', URI, `epfiot-vm-${vm.id}`])).stdout;
    const mac = /<mac address='([0-9a-f:]+)'\/>/.exec(xml)[1];
    const link = lines('link').map((l) => l.split(' ')).find(([, m]) => m === mac.replaceAll(':', ''));
    assert.ok(link, `no interface with MAC ${mac}:\n${report.join('\n')}`);
    const ifname = link[0].replace(/:$/, '');
    const addr = lines('addr').map((l) => l.split(' ')).find(([n]) => n === ifname);
    assert.ok(addr, `no IPv4 address on ${ifname}:\n${report.join('\n')}`);
    const ip = addr[1].split('/')[0];
    assert.match(ip, /^10\.128\.0\.\d+$/);
    const apiIp = await until('the address in the API', async () =>
      (await h.ok(d, `query($id:ID!){getVm(id:$id){${VM_FIELDS}}}`, { id: vm.id }, carol.token)).getVm.ip, 240000 * h.SLOW);
    assert.equal(apiIp, ip);
    // cloud-init rendered the config for that MAC (not for a guessed name).
    const cfg = lines('netcfg').join('\n');
    assert.ok(cfg.includes(ifname), cfg);
    assert.match(cfg, /dhcp/, cfg);
  });

  it('no schema warnings: cloud-init schema --system is valid and the log has none', () => {
    assert.equal(one('schema-rc'), '0', lines('schema').join('\n'));
    assert.ok(lines('schema').some((l) => /Valid cloud-config/i.test(l)), lines('schema').join('\n'));
    assert.equal(one('log-schema'), '0', lines('log').join('\n'));
    assert.equal(one('log-warnings'), '0', lines('log').join('\n'));
  });

  it('forceDestroyVM removes it', async () => {
    assert.equal((await h.ok(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id: vm.id }, carol.token)).forceDestroyVM, true);
  });
});
