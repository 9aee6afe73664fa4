// cli.test.mjs -- epfiotctl against the real epfiotd: every command, its
// output (table and --json), its errors and exit codes (0 ok, 1 API or usage
// error, 2 server unreachable), the credentials file and its mode, and the
// bash completion script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startDaemon, ADMIN_PASSWORD, adminToken, makeUser, makeVm, ok, REPO, SLOW, sleep } from '../daemon/daemon.mjs';
import { profile } from './cli.mjs';

let d, admin, alice, aliceApi, adminApi;

before(async () => {
  d = await startDaemon();
  adminApi = await adminToken(d);
  aliceApi = await makeUser(d, adminApi, 'alice', 'alice-pw-5c1e9a');
  admin = profile(d);
  const r = await admin.run(['login', 'admin'], { input: `${ADMIN_PASSWORD}\n` });
  assert.equal(r.code, 0, r.stderr);
  alice = profile(d);
  const r2 = await alice.run(['login', 'alice'], { input: 'alice-pw-5c1e9a\n' });
  assert.equal(r2.code, 0, r2.stderr);
});

after(async () => { if (d) await d.stop(); });

const credFile = (p) => join(p.config, 'epfiot', 'credentials');
const json = (r) => { assert.equal(r.code, 0, r.stderr); return JSON.parse(r.stdout); };
const vmState = async (p, name) => json(await p.run(['vm', 'show', name, '--json'])).state;

/* ---- help and usage ---- */

test('--help lists every command and exits 0', async () => {
  const r = await profile(d).run(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['login', 'logout', 'vm list', 'vm show', 'vm create', 'vm start', 'vm stop', 'vm force-off',
    'vm destroy', 'vm resize', 'vm pause', 'vm resume', 'vm config', 'device list', 'device attach', 'device detach', 'device show',
    'device acquire', 'device release', 'device leave-queue', 'device revoke', 'device reserve', 'device profiles',
    'device profile-create', 'device events', 'user device-quota', 'thing list', 'thing create',
    'thing link', 'thing show', 'thing update', 'thing delete', 'image list', 'image import', 'image upload', 'image delete', 'user list', 'user create', 'user delete', 'user passwd',
    'user quota', 'query']) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  assert.match(r.stdout, /Exit status: 0 success, 1 API or usage error, 2 server unreachable/);
});

test('every command answers --help with its usage and exits 0', async () => {
  const p = profile(d);
  for (const c of [['login'], ['logout'], ['vm', 'create'], ['vm', 'resize'], ['device', 'attach'],
    ['thing', 'create'], ['image', 'list'], ['image', 'upload'], ['user', 'quota'], ['query']]) {
    const r = await p.run([...c, '--help']);
    assert.equal(r.code, 0, c.join(' '));
    assert.match(r.stdout, new RegExp(`^usage: epfiotctl ${c.join(' ')}`), c.join(' '));
  }
});

test('a group with --help lists its commands', async () => {
  const r = await profile(d).run(['vm', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /epfiotctl vm force-off VM/);
});

test('an unknown command is a usage error (exit 1)', async () => {
  const r = await profile(d).run(['frobnicate']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown command frobnicate/);
});

test('an unknown option is a usage error (exit 1)', async () => {
  const r = await admin.run(['vm', 'list', '--colour']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown option --colour/);
});

test('missing arguments are a usage error that shows the usage', async () => {
  const r = await admin.run(['vm', 'show']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing arguments: epfiotctl vm show VM/);
});

/* ---- login, logout, credentials ---- */

test('login keeps an API token in a 0600 file and never the password', async () => {
  const st = statSync(credFile(admin));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(statSync(join(admin.config, 'epfiot')).mode & 0o777, 0o700);
  const text = readFileSync(credFile(admin), 'utf8');
  assert.ok(!text.includes(ADMIN_PASSWORD));
  const c = JSON.parse(text);
  assert.equal(c.url, d.url);
  assert.ok(c.token && c.token_id);
  const data = await ok(d, '{ tokens { id name revokedAt } }', null, c.token);
  assert.ok(data.tokens.some((t) => t.id === c.token_id && /^epfiotctl-/.test(t.name)));
});

test('login prints who logged in, never the password', async () => {
  const p = profile(d);
  const r = await p.run(['login', 'alice'], { input: 'alice-pw-5c1e9a\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /logged in to .* as alice \(USER\)/);
  assert.ok(!(r.stdout + r.stderr).includes('alice-pw-5c1e9a'));
});

test('login reads the password from --password-file', async () => {
  const p = profile(d);
  const f = join(p.home, 'pw');
  writeFileSync(f, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
  const r = await p.run(['login', 'admin', '--password-file', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(credFile(p)));
});

test('login with a wrong password fails with the API message and stores nothing', async () => {
  const p = profile(d);
  const r = await p.run(['login', 'alice'], { input: 'not-the-password\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .+\(UNAUTHENTICATED\)$/m);
  assert.ok(!existsSync(credFile(p)));
});

test('logout revokes the token and removes the file', async () => {
  const p = profile(d);
  assert.equal((await p.run(['login', 'alice'], { input: 'alice-pw-5c1e9a\n' })).code, 0);
  const { token } = JSON.parse(readFileSync(credFile(p), 'utf8'));
  const r = await p.run(['logout']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(credFile(p)));
  const again = await profile(d).run(['vm', 'list'], { env: { EPFIOT_TOKEN: token } });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /not logged in or the token is no longer valid/);
});

test('logout when not logged in is an error', async () => {
  const r = await profile(d).run(['logout']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not logged in/);
});

test('a command without credentials says how to log in', async () => {
  const r = await profile(d).run(['vm', 'list']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not logged in: run `epfiotctl login`/);
});

test('an unreachable server is exit 2', async () => {
  const r = await profile(null).run(['vm', 'list', '--token', 'x']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:1\/graphql/);
});

test('EPFIOT_TOKEN and EPFIOT_URL are used without a credentials file', async () => {
  const p = profile(null);
  const r = await p.run(['image', 'list'], { env: { EPFIOT_URL: d.url, EPFIOT_TOKEN: aliceApi.token } });
  assert.equal(r.code, 0, r.stderr);
});

test('--url and --token win over the environment', async () => {
  const p = profile(null);
  const r = await p.run(['--url', d.url, '--token', aliceApi.token, 'image', 'list'], { env: { EPFIOT_TOKEN: 'bogus' } });
  assert.equal(r.code, 0, r.stderr);
});

test('a stored token is not sent to another server', async () => {
  const r = await admin.run(['vm', 'list'], { env: { EPFIOT_URL: 'http://127.0.0.1:1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not logged in/);
});

/* ---- images ---- */

test('image list shows the base images as a table', async () => {
  const r = await alice.run(['image', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+FORMAT\s+BYTES$/m);
  assert.match(r.stdout, /^debian-12\.qcow2\s+qcow2\s+2147483648$/m);
});

test('image list --json prints the API array', async () => {
  const list = json(await alice.run(['image', 'list', '--json']));
  assert.deepEqual(list.map((i) => i.name).sort(), ['busybox.raw', 'debian-12.qcow2']);
});

test('image upload, import and delete are for admins', async () => {
  const f = join(d.dir, 'cli-disk.raw');
  writeFileSync(f, Buffer.alloc(4096, 1));
  let r = await alice.run(['image', 'upload', 'mine.raw', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /only an admin may do this \(FORBIDDEN\)/);
  r = await alice.run(['image', 'import', 'mine.raw', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)/);
  r = await alice.run(['image', 'delete', 'busybox.raw']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)/);
});

test('image upload says why the server refused (the test host takes no uploads)', async () => {
  const f = join(d.dir, 'cli-disk2.raw');
  writeFileSync(f, Buffer.alloc(4096, 1));
  const r = await admin.run(['image', 'upload', 'new.raw', f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: cannot import base image new\.raw: cannot upload: .*\(CONFLICT\)$/m);
  const list = json(await admin.run(['image', 'list', '--json']));
  assert.ok(!list.some((i) => i.name === 'new.raw'));
});

test('image upload of a missing file fails before any request', async () => {
  const r = await admin.run(['image', 'upload', 'x.raw', join(d.dir, 'nope.raw')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read .*nope\.raw: No such file/);
});

test('image import of a relative path and image delete of an unknown image fail with the API error', async () => {
  let r = await admin.run(['image', 'import', 'x.raw', 'disk.raw']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /the path must be absolute \(BAD_USER_INPUT\)/);
  r = await admin.run(['image', 'delete', 'nope.qcow2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no base image named nope\.qcow2 \(NOT_FOUND\)/);
});

test('--json on a command without JSON output is refused', async () => {
  const r = await alice.run(['vm', 'start', 'x', '--json']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--json is not an option/);
});

/* ---- vm ---- */

test('vm create makes a powered-off VM and vm list shows it', async () => {
  const r = await alice.run(['vm', 'create', 'cli-a', '--image', 'debian-12.qcow2', '--vcpu', '2', '--memory', '512']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /created VM cli-a \(ID \d+, POWEROFF\)/);
  const l = await alice.run(['vm', 'list']);
  assert.match(l.stdout, /^\d+\s+cli-a\s+POWEROFF\s+-\s+2\s+512\s+debian-12\.qcow2\s+alice$/m);
});

test('vm create with a guest user reads the guest password from a file, never argv', async () => {
  const f = join(alice.home, 'guest-pw');
  writeFileSync(f, 'guest-secret-1\n');
  const r = await alice.run(['vm', 'create', 'cli-guest', '--image', 'busybox.raw', '--user', 'pi', '--password-file', f, '--json']);
  const vm = json(r);
  assert.equal(vm.configUser, 'pi');
  assert.ok(!r.stdout.includes('guest-secret-1'));
  assert.equal((await alice.run(['vm', 'destroy', 'cli-guest'])).code, 0);
});

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl carol@laptop';

test('vm create provisions SSH keys from a file, hostname, packages, user-data and firmware', async () => {
  const keys = join(alice.home, 'authorized_keys');
  writeFileSync(keys, `# my keys\n\n${ED25519}\n  ${ED25519.replace('carol@laptop', 'carol@phone')}\n`);
  const ud = join(alice.home, 'user-data');
  writeFileSync(ud, '#!/bin/sh\necho secret-setup-7f1 > /tmp/x\n');
  const r = await alice.run(['vm', 'create', 'cli-prov', '--image', 'busybox.raw', '--user', 'carol',
    '--ssh-key-file', keys, '--hostname', 'prov-host', '--packages', 'curl, jq htop', '--user-data-file', ud,
    '--firmware', 'bios', '--json']);
  const vm = json(r);
  assert.equal(vm.configUser, 'carol');
  assert.equal(vm.hostname, 'prov-host');
  assert.equal(vm.firmware, 'BIOS');
  assert.deepEqual(vm.sshKeys, [ED25519, ED25519.replace('carol@laptop', 'carol@phone')]);
  assert.ok(!r.stdout.includes('secret-setup-7f1'), 'user-data is write-only');
  const text = await alice.run(['vm', 'show', 'cli-prov']);
  assert.match(text.stdout, /^HOSTNAME\s+prov-host$/m);
  assert.match(text.stdout, /^FIRMWARE\s+BIOS$/m);
  assert.match(text.stdout, /^SSH KEYS\s+ssh-ed25519 carol@laptop, ssh-ed25519 carol@phone$/m);
  assert.equal((await alice.run(['vm', 'destroy', 'cli-prov'])).code, 0);
});

test('vm create refuses bad provisioning options and creates nothing', async () => {
  const keys = join(alice.home, 'bad_keys');
  writeFileSync(keys, 'ssh-ed25519 not*base64 x\n');
  let r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--user', 'carol', '--ssh-key-file', keys]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .*config\.sshKeys\[0\].*\(BAD_USER_INPUT\)$/m);
  const empty = join(alice.home, 'empty_keys');
  writeFileSync(empty, '# nothing\n\n');
  r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--user', 'carol', '--ssh-key-file', empty]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has no SSH public key/);
  r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--user-data-file', join(alice.home, 'nope')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read .*nope/);
  r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--hostname', '-bad-']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /hostname.*\(BAD_USER_INPUT\)$/m);
  r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--firmware', 'coreboot']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--firmware: bios or uefi, not coreboot/);
  r = await alice.run(['vm', 'create', 'cli-prov-bad', '--image', 'busybox.raw', '--firmware', 'uefi']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no UEFI firmware.*\(BAD_USER_INPUT\)$/m);
  assert.ok(!json(await alice.run(['vm', 'list', '--json'])).some((v) => v.name === 'cli-prov-bad'));
});

test('vm config changes the guest settings for the next boot, keeping the others', async () => {
  const keys = join(alice.home, 'new_keys');
  writeFileSync(keys, `${ED25519.replace('carol@laptop', 'carol@tablet')}\n`);
  assert.equal((await alice.run(['vm', 'create', 'cli-cfg', '--image', 'busybox.raw', '--user', 'carol', '--hostname', 'cfg-1'])).code, 0);
  const r = await alice.run(['vm', 'config', 'cli-cfg', '--ssh-key-file', keys, '--packages', 'git']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM cli-cfg: guest settings changed (at next boot)\n');
  const vm = json(await alice.run(['vm', 'show', 'cli-cfg', '--json']));
  assert.deepEqual(vm.sshKeys, [ED25519.replace('carol@laptop', 'carol@tablet')]);
  assert.equal(vm.hostname, 'cfg-1');
  assert.equal(vm.configUser, 'carol');
  assert.ok(vm.pendingChanges.includes('config'), vm.pendingChanges.join());
  let e = await alice.run(['vm', 'config', 'cli-cfg']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /needs something to change/);
  e = await alice.run(['vm', 'config', 'cli-cfg', '--hostname', 'bad_host!']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /hostname.*\(BAD_USER_INPUT\)$/m);
  assert.equal(json(await alice.run(['vm', 'show', 'cli-cfg', '--json'])).hostname, 'cfg-1');
  e = await alice.run(['vm', 'config', 'no-such-vm', '--hostname', 'x']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /no VM named no-such-vm/);
  assert.equal((await alice.run(['vm', 'destroy', 'cli-cfg'])).code, 0);
});

test('vm create with an unknown image fails with the API error and code', async () => {
  const r = await alice.run(['vm', 'create', 'cli-bad', '--image', 'nope.qcow2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .*nope\.qcow2.*\(BAD_USER_INPUT\)$/m);
});

test('vm create without --image is a usage error', async () => {
  const r = await alice.run(['vm', 'create', 'cli-x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /needs --image/);
});

test('vm create with a non-numeric --vcpu is a usage error', async () => {
  const r = await alice.run(['vm', 'create', 'cli-x', '--image', 'busybox.raw', '--vcpu', 'many']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--vcpu: not a valid number: many/);
});

test('vm list --json prints the API objects', async () => {
  const list = json(await alice.run(['vm', 'list', '--json']));
  const vm = list.find((v) => v.name === 'cli-a');
  assert.equal(vm.vcpu, 2);
  assert.equal(vm.owner.name, 'alice');
});

test('vm show finds a VM by name and by ID', async () => {
  const byName = json(await alice.run(['vm', 'show', 'cli-a', '--json']));
  const byId = json(await alice.run(['vm', 'show', byName.id, '--json']));
  assert.equal(byId.name, 'cli-a');
  const text = await alice.run(['vm', 'show', 'cli-a']);
  assert.match(text.stdout, /^STATE\s+POWEROFF$/m);
});

test('vm show of an unknown name fails', async () => {
  const r = await alice.run(['vm', 'show', 'no-such-vm']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no VM named no-such-vm/);
});

test("a user cannot see or act on another user's VM", async () => {
  const vm = json(await admin.run(['vm', 'create', 'cli-admins', '--image', 'busybox.raw', '--json']));
  const list = json(await alice.run(['vm', 'list', '--json']));
  assert.ok(!list.some((v) => v.name === 'cli-admins'));
  const show = await alice.run(['vm', 'show', vm.id]);
  assert.equal(show.code, 1);
  const start = await alice.run(['vm', 'start', vm.id]);
  assert.equal(start.code, 1);
  assert.match(start.stderr, /\(NOT_FOUND\)/);
  assert.equal((await admin.run(['vm', 'destroy', vm.id])).code, 0);
});

test('vm start runs the VM and vm force-off stops it', async () => {
  const r = await alice.run(['vm', 'start', 'cli-a']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM cli-a is running\n');
  assert.equal(await vmState(alice, 'cli-a'), 'RUNNING');
  assert.equal((await alice.run(['vm', 'force-off', 'cli-a'])).code, 0);
  assert.equal(await vmState(alice, 'cli-a'), 'POWEROFF');
});

test('vm start of a running VM is an API error', async () => {
  assert.equal((await alice.run(['vm', 'start', 'cli-a'])).code, 0);
  const r = await alice.run(['vm', 'start', 'cli-a']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .+\([A-Z_]+\)$/m);
  await alice.run(['vm', 'force-off', 'cli-a']);
});

test('vm pause suspends a running VM and vm resume runs it again', async () => {
  assert.equal((await alice.run(['vm', 'start', 'cli-a'])).code, 0);
  const p = await alice.run(['vm', 'pause', 'cli-a']);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout, 'VM cli-a is paused\n');
  assert.equal(await vmState(alice, 'cli-a'), 'PAUSED');
  const again = await alice.run(['vm', 'pause', 'cli-a']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /\(CONFLICT\)$/m);
  const r = await alice.run(['vm', 'resume', 'cli-a']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM cli-a is running\n');
  assert.equal(await vmState(alice, 'cli-a'), 'RUNNING');
  assert.equal((await alice.run(['vm', 'force-off', 'cli-a'])).code, 0);
  const off = await alice.run(['vm', 'resume', 'cli-a']);
  assert.equal(off.code, 1);
  assert.match(off.stderr, /\(CONFLICT\)$/m);
});

test('vm stop asks the guest to shut down', async () => {
  assert.equal((await alice.run(['vm', 'start', 'cli-a'])).code, 0);
  const r = await alice.run(['vm', 'stop', 'cli-a']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /VM cli-a is shutting down/);
  assert.ok(['SHUTTING_DOWN', 'POWEROFF'].includes(await vmState(alice, 'cli-a')));
  await alice.run(['vm', 'force-off', 'cli-a']);
});

test('vm resize changes vCPUs and memory', async () => {
  const r = await alice.run(['vm', 'resize', 'cli-a', '--vcpu', '3', '--memory', '768']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /VM cli-a: 3 vCPU, 768 MiB/);
  const vm = json(await alice.run(['vm', 'show', 'cli-a', '--json']));
  assert.equal(vm.vcpu, 3);
  assert.equal(vm.memory, 768);
});

test('vm resize with nothing to change is a usage error', async () => {
  const r = await alice.run(['vm', 'resize', 'cli-a']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /needs --vcpu N and\/or --memory MIB/);
});

test('vm destroy of a running VM needs --force', async () => {
  assert.equal((await alice.run(['vm', 'create', 'cli-doomed', '--image', 'busybox.raw'])).code, 0);
  assert.equal((await alice.run(['vm', 'start', 'cli-doomed'])).code, 0);
  const r = await alice.run(['vm', 'destroy', 'cli-doomed']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(CONFLICT\)/);
  const f = await alice.run(['vm', 'destroy', 'cli-doomed', '--force']);
  assert.equal(f.code, 0, f.stderr);
  assert.equal(f.stdout, 'VM cli-doomed destroyed\n');
  assert.equal((await alice.run(['vm', 'show', 'cli-doomed'])).code, 1);
});

/* ---- devices ---- */

test('device list shows the host USB devices', async () => {
  const r = await alice.run(['device', 'list']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ID\s+VENDOR\s+PRODUCT\s+PORT\s+PRESENT\s+VM\s+PROFILE\s+QUEUE\s+INFO$/m);
  assert.match(r.stdout, /\s18d1\s+9302\s/);
  const list = json(await alice.run(['device', 'list', '--json']));
  assert.ok(list.length >= 4);
});

test('device attach by VENDOR:PRODUCT and detach without naming the VM', async () => {
  const a = await alice.run(['device', 'attach', '18d1:9302', 'cli-a']);
  assert.equal(a.code, 0, a.stderr);
  const dev = json(await alice.run(['device', 'list', '--json'])).find((x) => x.vendorId === '18d1');
  assert.equal(dev.vm.name, 'cli-a');
  assert.equal(json(await alice.run(['vm', 'show', 'cli-a', '--json'])).dev.length, 1);
  const dt = await alice.run(['device', 'detach', dev.id]);
  assert.equal(dt.code, 0, dt.stderr);
  const after = json(await alice.run(['device', 'list', '--json'])).find((x) => x.id === dev.id);
  assert.equal(after.vm, null);
});

test('device attach of an ambiguous VENDOR:PRODUCT asks for the ID', async () => {
  const r = await alice.run(['device', 'attach', '0781:5567', 'cli-a']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /more than one device is 0781:5567: use its ID/);
});

test("device attach of a device another VM holds is the API's error", async () => {
  assert.equal((await alice.run(['vm', 'create', 'cli-b', '--image', 'busybox.raw'])).code, 0);
  assert.equal((await alice.run(['device', 'attach', '1', 'cli-a'])).code, 0);
  const r = await alice.run(['device', 'attach', '1', 'cli-b']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .+\([A-Z_]+\)$/m);
  assert.equal((await alice.run(['device', 'detach', '1', 'cli-a'])).code, 0);
});

test("a device held by another tenant's VM is listed in use, without that VM", async () => {
  await makeUser(d, adminApi, 'dave', 'dave-pw-7f3a0c');
  const dave = profile(d);
  assert.equal((await dave.run(['login', 'dave'], { input: 'dave-pw-7f3a0c\n' })).code, 0);
  assert.equal((await alice.run(['device', 'attach', '1', 'cli-a'])).code, 0);
  try {
    const r = await dave.run(['device', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\s+18d1\s+9302\s+\S+\s+yes\s+\(in use\)\s/m);
    assert.ok(!r.stdout.includes('cli-a'), r.stdout);
    const dev = json(await dave.run(['device', 'list', '--json'])).find((x) => x.id === '1');
    assert.equal(dev.vm, null);
    assert.equal(dev.inUse, true);
    const mine = await alice.run(['device', 'list']);
    assert.match(mine.stdout, /^1\s+18d1\s+9302\s+\S+\s+yes\s+cli-a\s/m);
    const dt = await dave.run(['device', 'detach', '1']);
    assert.equal(dt.code, 1);
    assert.match(dt.stderr, /^epfiotctl: device 1 is in use by a VM that is not yours$/m);
  } finally {
    assert.equal((await alice.run(['device', 'detach', '1', 'cli-a'])).code, 0);
  }
  const free = await dave.run(['device', 'list']);
  assert.match(free.stdout, /^1\s+18d1\s+9302\s+\S+\s+yes\s+-\s/m);
});

test('device detach of a free device fails', async () => {
  const r = await alice.run(['device', 'detach', '4']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not attached to any VM of yours/);
});

/* ---- accelerators ---- */

let erin;
const devRow = (out, id) => out.split('\n').find((l) => l.startsWith(`${id} `)) || '';

async function until(fn, what, ms = 90000 * SLOW) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(200);
  }
  assert.fail(`${what}: not reached`);
}

test('device profiles lists the shipped coral-usb profile', async () => {
  const r = await alice.run(['device', 'profiles']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME\s+USB IDS\s+BUILTIN\s+INFO$/m);
  assert.match(r.stdout, /^coral-usb\s+1a6e:089a,18d1:9302\s+yes\s/m);
  const p = json(await alice.run(['device', 'profiles', '--json'])).find((x) => x.name === 'coral-usb');
  assert.deepEqual(p.usbIDs, ['1a6e:089a', '18d1:9302']);
});

test('device acquire with a lease attaches; another tenant queues and sees no foreign VM', async () => {
  const u = await makeUser(d, adminApi, 'erin', 'erin-pw-2b7c9d');
  erin = profile(d);
  assert.equal((await erin.run(['login', 'erin'], { input: 'erin-pw-2b7c9d\n' })).code, 0);
  await makeVm(d, u.token, 'erin-vm');
  const a = await alice.run(['device', 'acquire', 'cli-a', '--device', '1', '--lease', '600']);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /^device 1 attached to VM cli-a until \d{4}-\d\d-\d\dT/);
  assert.match(devRow((await alice.run(['device', 'list'])).stdout, 1), /\syes\s+cli-a\s+coral-usb\s+-\s/);
  const q = await erin.run(['device', 'acquire', 'erin-vm', '--profile', 'coral-usb']);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stdout, 'VM erin-vm queued for coral-usb, position 1\n');
  const row = devRow((await erin.run(['device', 'list'])).stdout, 1);
  assert.match(row, /\syes\s+\(in use\)\s+coral-usb\s+1\s/);
  assert.ok(!row.includes('cli-a'), row);
  const es = (await erin.run(['device', 'show', '1'])).stdout;
  assert.match(es, /^WAITING\s+#1 erin-vm for any coral-usb$/m);
  assert.ok(!es.includes('cli-a'), es);
  assert.match((await alice.run(['device', 'show', '1'])).stdout, /^WAITING\s+#1 \(another tenant\)/m);
  const j = json(await erin.run(['device', 'show', '1', '--json']));
  assert.deepEqual(j.holder.vm, null);
  assert.equal(j.queue[0].mine, true);
});

test('only the holder releases, only an admin revokes; a release hands the device on', async () => {
  let r = await erin.run(['device', 'release', '1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(NOT_FOUND\)$/m);
  r = await erin.run(['device', 'revoke', '1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)$/m);
  r = await alice.run(['device', 'release', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'device 1 released\n');
  await until(async () => /\syes\s+erin-vm\s/.test(devRow((await erin.run(['device', 'list'])).stdout, 1)), 'erin holds it');
  r = await erin.run(['device', 'leave-queue', 'erin-vm']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'VM erin-vm left 0 request(s)\n');
  r = await admin.run(['device', 'revoke', '18d1:9302']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'device 18d1:9302 revoked\n');
  const ev = json(await erin.run(['device', 'events', '1', '--limit', '1', '--json']));
  assert.equal(ev[0].kind, 'REVOKED');
  assert.equal(ev[0].mine, true);
  assert.match((await erin.run(['device', 'events'])).stdout, /^AT\s+DEVICE\s+KIND\s+MINE\s+DETAIL$/m);
});

test('device acquire and reserve refuse bad arguments', async () => {
  for (const [args, re] of [
    [['device', 'acquire', 'cli-a'], /needs --profile PROFILE or --device DEVICE/],
    [['device', 'acquire', 'cli-a', '--profile', 'coral-usb', '--device', '1'], /needs --profile PROFILE or --device DEVICE/],
    [['device', 'acquire', 'cli-a', '--device', '1', '--lease', 'soon'], /--lease: not a valid number: soon/],
    [['device', 'acquire', 'cli-a', '--profile', 'no-such-profile'], /\([A-Z_]+\)$/m],
    [['device', 'reserve', '1'], /needs a USER or --none/],
    [['device', 'events', '--limit', '-5'], /--limit: not a valid number/],
  ]) {
    const r = await alice.run(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
  }
});

test('admins reserve a device for a user and lift it; users cannot', async () => {
  let r = await alice.run(['device', 'reserve', '1', 'alice']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)$/m);
  r = await admin.run(['device', 'reserve', '1', 'erin']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'device 1 reserved for erin\n');
  const j = json(await erin.run(['device', 'show', '1', '--json']));
  assert.equal(j.reserved, true);
  assert.equal(j.reservedFor.name, 'erin');
  assert.match((await erin.run(['device', 'show', '1'])).stdout, /^RESERVED FOR\s+erin$/m);
  r = await admin.run(['device', 'reserve', '1', '--none']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(await erin.run(['device', 'show', '1', '--json'])).reserved, false);
});

test('admins create device profiles; users cannot; bad IDs are the API error', async () => {
  const r = await admin.run(['device', 'profile-create', 'cli-tpu', '--usb-ids', '1ac1:089a, 1ac1:089b', '--info', 'test TPU', '--json']);
  const p = json(r);
  assert.deepEqual([p.name, p.usbIDs, p.info, p.builtin], ['cli-tpu', ['1ac1:089a', '1ac1:089b'], 'test TPU', false]);
  let e = await alice.run(['device', 'profile-create', 'cli-tpu2', '--usb-ids', '1ac1:089c']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /\(FORBIDDEN\)$/m);
  e = await admin.run(['device', 'profile-create', 'cli-tpu3', '--usb-ids', 'nothex']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /\(BAD_USER_INPUT\)$/m);
  e = await admin.run(['device', 'profile-create', 'cli-tpu4']);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /needs --usb-ids/);
  assert.match((await alice.run(['device', 'profiles'])).stdout, /^cli-tpu\s+1ac1:089a,1ac1:089b\s+no\s+test TPU$/m);
});

test('user device-quota: admins set it, the user sees it, others cannot set it', async () => {
  let r = await admin.run(['user', 'device-quota', 'erin', '--hours-per-day', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^held at once\s+unlimited$/m);
  assert.match(r.stdout, /^hours per day\s+3$/m);
  r = await admin.run(['user', 'device-quota', 'erin', '--max-held', '1', '--json']);
  const q = json(r);
  assert.equal(q.maxHeld, 1);
  assert.equal(q.hoursPerDay, 3, 'the hours are kept');
  assert.equal(typeof q.usedSecondsToday, 'number');
  r = await erin.run(['user', 'device-quota', 'erin']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^held at once\s+1$/m);
  r = await alice.run(['user', 'device-quota', 'alice', '--max-held', '5']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)$/m);
  r = await admin.run(['user', 'device-quota', 'erin', '--max-held', 'x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--max-held: not a valid number: x/);
});

/* ---- things ---- */

test('thing create registers a thing for a VM and thing list shows it', async () => {
  const r = await alice.run(['thing', 'create', 'cli-sensor', '--vm', 'cli-a', '--info', 'temperature']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /created thing cli-sensor \(ID \d+/);
  const l = await alice.run(['thing', 'list']);
  assert.match(l.stdout, /^\d+\s+cli-sensor\s+REGISTERED\s+cli-a\s/m);
});

test('thing show prints one thing, also as JSON', async () => {
  const t = json(await alice.run(['thing', 'show', 'cli-sensor', '--json']));
  assert.equal(t.info, 'temperature');
  assert.equal(t.vm.name, 'cli-a');
  const r = await alice.run(['thing', 'show', t.id]);
  assert.match(r.stdout, /^INFO\s+temperature$/m);
});

test('thing create for an unknown VM is the API error', async () => {
  const r = await alice.run(['thing', 'create', 'cli-orphan', '--vm', 'no-such-vm']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .+\([A-Z_]+\)$/m);
});

test('thing link attaches a thing to another VM', async () => {
  const r = await alice.run(['thing', 'link', 'cli-sensor', 'cli-b']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(await alice.run(['thing', 'show', 'cli-sensor', '--json'])).vm.name, 'cli-b');
});

test('thing list --json is the API array', async () => {
  const list = json(await alice.run(['thing', 'list', '--json']));
  assert.ok(list.some((t) => t.name === 'cli-sensor' && t.state === 'REGISTERED'));
});

test('thing create with LwM2M options: PSK from a key file, never echoed', async () => {
  const key = join(alice.home, 'bs.key');
  writeFileSync(key, '00112233445566778899aabbccddeeff\n');
  const skey = join(alice.home, 'srv.key');
  writeFileSync(skey, 'a0a1a2a3\n');
  const r = await alice.run(['thing', 'create', 'cli-psk', '--vm', 'cli-a', '--endpoint', 'urn:dev:cli-psk',
    '--security', 'psk', '--psk-identity', 'cli-psk-id', '--psk-key-file', key,
    '--server-security', 'PSK', '--server-psk-identity', 'cli-srv-id', '--server-psk-key-file', skey,
    '--short-server-id', '7', '--lifetime', '120', '--binding', 'UT', '--json']);
  const t = json(r);
  assert.equal(t.endpoint, 'urn:dev:cli-psk');
  assert.equal(t.security, 'PSK');
  assert.equal(t.pskIdentity, 'cli-psk-id');
  assert.equal(t.serverSecurity, 'PSK');
  assert.equal(t.serverPskIdentity, 'cli-srv-id');
  assert.equal(t.shortServerId, 7);
  assert.equal(t.lifetime, 120);
  assert.equal(t.binding, 'UT');
  assert.ok(!r.stdout.includes('00112233') && !r.stdout.includes('a0a1a2a3'), r.stdout);
  const show = await alice.run(['thing', 'show', 'cli-psk']);
  assert.match(show.stdout, /^SECURITY\s+PSK$/m);
  assert.match(show.stdout, /^PSK IDENTITY\s+cli-psk-id$/m);
  assert.match(show.stdout, /^LIFETIME\s+120$/m);
  assert.ok(!show.stdout.includes('00112233'), show.stdout);
});

test('thing create and update refuse a bad --security, a bad number and a missing key file', async () => {
  let r = await alice.run(['thing', 'create', 'cli-x', '--vm', 'cli-a', '--security', 'dtls']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: --security: nosec or psk, not dtls$/m);
  r = await alice.run(['thing', 'update', 'cli-psk', '--lifetime', 'soon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--lifetime: not a valid number: soon/);
  r = await alice.run(['thing', 'update', 'cli-psk', '--psk-key-file', join(alice.home, 'none.key')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read .*none\.key/);
  r = await alice.run(['thing', 'update', 'cli-psk']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /needs something to change/);
  r = await alice.run(['thing', 'update', 'cli-psk', '--vm', 'cli-a', '--unlink']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /exclude each other/);
  assert.equal(json(await alice.run(['thing', 'list', '--json'])).some((t) => t.name === 'cli-x'), false);
});

test('thing create with a bad key is the API error and creates nothing', async () => {
  const key = join(alice.home, 'bad.key');
  writeFileSync(key, 'not-hex\n');
  const r = await alice.run(['thing', 'create', 'cli-badkey', '--vm', 'cli-a', '--security', 'psk',
    '--psk-identity', 'cli-badkey-id', '--psk-key-file', key]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^epfiotctl: .+\(BAD_USER_INPUT\)$/m);
  assert.ok(!r.stderr.includes('not-hex'), r.stderr);
  assert.equal(json(await alice.run(['thing', 'list', '--json'])).some((t) => t.name === 'cli-badkey'), false);
});

test('thing update changes only what is given; --unlink detaches', async () => {
  const before = json(await alice.run(['thing', 'show', 'cli-psk', '--json']));
  const r = await alice.run(['thing', 'update', 'cli-psk', '--name', 'cli-psk2', '--info', 'room 4', '--lifetime', '900']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'thing cli-psk2 updated\n');
  const t = json(await alice.run(['thing', 'show', 'cli-psk2', '--json']));
  assert.equal(t.info, 'room 4');
  assert.equal(t.lifetime, 900);
  assert.equal(t.endpoint, before.endpoint);
  assert.equal(t.pskIdentity, before.pskIdentity);
  assert.equal(t.vm.name, 'cli-a');
  const m = json(await alice.run(['thing', 'update', 'cli-psk2', '--vm', 'cli-b', '--json']));
  assert.equal(m.vm.name, 'cli-b');
  assert.equal(json(await alice.run(['thing', 'update', 'cli-psk2', '--unlink', '--json'])).vm, null);
});

test('thing delete removes a thing; an unknown one is an error', async () => {
  const r = await alice.run(['thing', 'delete', 'cli-psk2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'thing cli-psk2 deleted\n');
  assert.equal(json(await alice.run(['thing', 'list', '--json'])).some((t) => t.name === 'cli-psk2'), false);
  const again = await alice.run(['thing', 'delete', 'cli-psk2']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^epfiotctl: no thing named cli-psk2$/m);
  const byId = await alice.run(['thing', 'delete', '999999']);
  assert.equal(byId.code, 1);
  assert.match(byId.stderr, /^epfiotctl: no such thing \(NOT_FOUND\)$/m);
});

/* ---- users ---- */

test('user create (admin) makes a user who can log in', async () => {
  const r = await admin.run(['user', 'create', 'cli-bob'], { input: 'bob-pw-81f2c4\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /created user cli-bob \(ID \d+, USER\)/);
  const p = profile(d);
  assert.equal((await p.run(['login', 'cli-bob'], { input: 'bob-pw-81f2c4\n' })).code, 0);
});

test('user create --admin makes an admin', async () => {
  const u = json(await admin.run(['user', 'create', 'cli-root', '--admin', '--json'], { input: 'root-pw-77ab12\n' }));
  assert.equal(u.role, 'ADMIN');
});

test('user create by a non-admin is FORBIDDEN', async () => {
  const r = await alice.run(['user', 'create', 'cli-eve'], { input: 'eve-pw-123456\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(FORBIDDEN\)/);
});

test('user list shows all users to an admin and only oneself to a user', async () => {
  const all = json(await admin.run(['user', 'list', '--json']));
  assert.ok(['admin', 'alice', 'cli-bob'].every((n) => all.some((u) => u.name === n)));
  const mine = json(await alice.run(['user', 'list', '--json']));
  assert.deepEqual(mine.map((u) => u.name), ['alice']);
  const t = await admin.run(['user', 'list']);
  assert.match(t.stdout, /^ID\s+NAME\s+ROLE\s+VMS/m);
});

test('user quota sets the given limits and keeps the others', async () => {
  let r = await admin.run(['user', 'quota', 'cli-bob', '--vms', '2', '--memory', '1024']);
  assert.equal(r.code, 0, r.stderr);
  r = await admin.run(['user', 'quota', 'cli-bob', '--vcpus', '4', '--json']);
  const u = json(r);
  assert.deepEqual(u.quota, { vms: 2, vcpus: 4, memory: 1024, devices: null });
  const text = await admin.run(['user', 'quota', 'cli-bob']);
  assert.match(text.stdout, /^vms\s+0\s+2$/m);
  assert.match(text.stdout, /^devices\s+0\s+unlimited$/m);
});

test('user quota -1 means unlimited', async () => {
  const u = json(await admin.run(['user', 'quota', 'cli-bob', '--vms', '-1', '--json']));
  assert.equal(u.quota.vms, null);
});

test('a quota is enforced on vm create', async () => {
  const bob = profile(d);
  await bob.run(['login', 'cli-bob'], { input: 'bob-pw-81f2c4\n' });
  assert.equal((await admin.run(['user', 'quota', 'cli-bob', '--vms', '0'])).code, 0);
  const r = await bob.run(['vm', 'create', 'bob-1', '--image', 'busybox.raw']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(QUOTA_EXCEEDED\)/);
});

test('user passwd as an admin resets another user\'s password', async () => {
  const r = await admin.run(['user', 'passwd', 'cli-bob'], { input: 'bob-new-pw-9911\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await profile(d).run(['login', 'cli-bob'], { input: 'bob-new-pw-9911\n' })).code, 0);
  assert.equal((await profile(d).run(['login', 'cli-bob'], { input: 'bob-pw-81f2c4\n' })).code, 1);
});

test('user passwd for oneself needs the current password', async () => {
  const p = profile(d);
  await p.run(['login', 'cli-bob'], { input: 'bob-new-pw-9911\n' });
  const oldf = join(p.home, 'old');
  const newf = join(p.home, 'new');
  writeFileSync(oldf, 'wrong-old-pw\n');
  writeFileSync(newf, 'bob-third-pw-5521\n');
  const bad = await p.run(['user', 'passwd', '--old-password-file', oldf, '--password-file', newf]);
  assert.equal(bad.code, 1);
  writeFileSync(oldf, 'bob-new-pw-9911\n');
  const good = await p.run(['user', 'passwd', '--old-password-file', oldf, '--password-file', newf]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /password of your account changed/);
});

test('user delete removes a user', async () => {
  const r = await admin.run(['user', 'delete', 'cli-bob']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'user cli-bob deleted\n');
  assert.ok(!json(await admin.run(['user', 'list', '--json'])).some((u) => u.name === 'cli-bob'));
  const again = await admin.run(['user', 'delete', 'cli-bob']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no user named cli-bob/);
});

/* ---- query ---- */

test('query prints the raw GraphQL response', async () => {
  const r = json(await alice.run(['query', '{ me { name role } }']));
  assert.deepEqual(r, { data: { me: { name: 'alice', role: 'USER' } } });
});

test('query takes variables from --var (JSON when it parses) and --vars FILE', async () => {
  const id = json(await alice.run(['vm', 'show', 'cli-a', '--json'])).id;
  const f = join(alice.home, 'vars.json');
  writeFileSync(f, JSON.stringify({ id }));
  const q = 'query($id: ID!, $n: Int) { getVm(id: $id) { name } vmsConnection(first: $n) { edges { node { name } } } }';
  const a = json(await alice.run(['query', q, '--vars', f, '--var', 'n=1']));
  assert.equal(a.data.getVm.name, 'cli-a');
  assert.equal(a.data.vmsConnection.edges.length, 1);
  const b = json(await alice.run(['query', q, `--var=id=${id}`]));
  assert.equal(b.data.getVm.name, 'cli-a');
});

test('query reads the document from --file', async () => {
  const f = join(alice.home, 'q.graphql');
  writeFileSync(f, '{ images { name } }');
  const r = json(await alice.run(['query', '--file', f]));
  assert.equal(r.data.images.length, 2);
});

test('query with errors prints them and exits 1', async () => {
  const r = await alice.run(['query', '{ nope }']);
  assert.equal(r.code, 1);
  assert.match(JSON.parse(r.stdout).errors[0].message, /nope/);
});

test('query with a malformed --var is a usage error', async () => {
  const r = await alice.run(['query', '{ me { name } }', '--var', 'novalue']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--var wants NAME=VALUE/);
});

/* ---- bash completion ---- */

function complete(line) {
  const script = `source ${JSON.stringify(join(REPO, 'contrib/epfiotctl.bash-completion'))}
COMP_LINE=${JSON.stringify(line)}; read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_POINT=\${#COMP_LINE}
_epfiotctl epfiotctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH } }).split('\n').filter(Boolean);
}

test('bash completion offers the command groups', () => {
  const w = complete('epfiotctl ');
  for (const g of ['login', 'logout', 'vm', 'device', 'thing', 'image', 'user', 'query']) assert.ok(w.includes(g), g);
});

test('bash completion offers the subcommands of a group', () => {
  assert.deepEqual(complete('epfiotctl vm ').sort(), ['config', 'create', 'destroy', 'force-off', 'list', 'pause', 'resize', 'resume', 'show', 'start', 'stop']);
});

test("bash completion offers a command's options", () => {
  const w = complete('epfiotctl vm create web --');
  for (const o of ['--image', '--vcpu', '--memory', '--user', '--password-file', '--json']) assert.ok(w.includes(o), o);
});

test('bash completion knows every command and every option that --help lists', async () => {
  const r = await profile(d).run(['--help']);
  // A long usage goes on over lines that start with spaces and "[".
  const lines = r.stdout.replace(/\n +\[/g, ' [').split('\n').filter((l) => /^ {2}[a-z]/.test(l)).map((l) => l.trim());
  assert.ok(lines.length >= 20, r.stdout);
  const groups = new Set(complete('epfiotctl '));
  for (const line of lines) {
    const [group, sub] = line.split(' ');
    assert.ok(groups.has(group), `group ${group}`);
    const grouped = sub && /^[a-z][a-z-]*$/.test(sub);
    if (grouped) assert.ok(complete(`epfiotctl ${group} `).includes(sub), `${group} ${sub}`);
    const opts = [...line.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
    const offered = complete(`epfiotctl ${grouped ? `${group} ${sub}` : group} x --`);
    for (const o of opts) assert.ok(offered.includes(o), `${line}: ${o}`);
  }
});
