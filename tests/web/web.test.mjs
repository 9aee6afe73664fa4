// web.test.mjs -- the web console in a real browser (Debian's chromium,
// headless, driven by playwright-core) against a real epfiotd serving the
// console from the static directory run.sh assembled. Each browser session
// is a fresh profile (its own --user-data-dir), so cookies never leak between
// users. Screenshots of the main pages go to $EPFIOT_SCREENSHOTS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { startDaemon, ADMIN_PASSWORD, adminToken, makeUser, ok, gql, tempDir, SLOW } from '../daemon/daemon.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.EPFIOT_PLAYWRIGHT);
const SHOTS = process.env.EPFIOT_SCREENSHOTS;
const WAIT = 15000 * SLOW;
const EPFIOT_THING = process.env.EPFIOT_THING;

// Runs a program to its end: {code, stdout, stderr}.
function run(cmd, args) {
  return new Promise((res) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    c.stdout.on('data', (b) => { stdout += b; });
    c.stderr.on('data', (b) => { stderr += b; });
    c.on('close', (code) => res({ code, stdout, stderr }));
  });
}

let d, adminApi, alice, bob;
const sessions = [];

before(async () => {
  d = await startDaemon({ args: ['--static-dir', process.env.EPFIOT_STATIC_DIR] });
  adminApi = await adminToken(d);
  alice = await makeUser(d, adminApi, 'alice', 'alice-pw-5c1e9a');
  bob = await makeUser(d, adminApi, 'bob', 'bob-pw-38d1ee');
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  for (const s of sessions) await s.close().catch(() => {});
  if (d) await d.stop();
});

// A browser with a fresh profile; resolves to its first page.
async function browser(viewport = { width: 1280, height: 900 }) {
  const ctx = await chromium.launchPersistentContext(tempDir(), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  sessions.push(ctx);
  const page = ctx.pages()[0] || await ctx.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('dialog', (dlg) => dlg.accept());
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

async function logIn(page, name, password) {
  await page.goto(d.url + '/');
  await page.locator('#login-form input[name=name]').fill(name);
  await page.locator('#login-form input[name=password]').fill(password);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#dash-view').waitFor({ state: 'visible' });
}

const shot = async (page, name) => { if (SHOTS) await page.screenshot({ path: join(SHOTS, name), fullPage: true }); };
const vmCard = (page, name) => page.locator(`article.vm[data-vm="${name}"]`);
const vmState = (page, name) => vmCard(page, name).locator('[data-state]');
async function waitState(page, name, state) {
  await page.waitForFunction(([n, s]) => {
    const el = document.querySelector(`article.vm[data-vm="${n}"] [data-state]`);
    return el && el.dataset.state === s;
  }, [name, state], { timeout: WAIT });
}

let page; // alice's browser, shared by the tests that follow her through the console

test('a visitor gets the login page', async () => {
  page = await browser();
  await page.goto(d.url + '/');
  await page.locator('#login-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#dash-view').isHidden(), true);
  await shot(page, 'login.png');
});

test('a wrong password is reported next to the login form', async () => {
  await page.locator('#login-form input[name=name]').fill('alice');
  await page.locator('#login-form input[name=password]').fill('wrong-password');
  await page.locator('#login-form button[type=submit]').click();
  const err = page.locator('#login-form [data-err=login]');
  await err.filter({ hasText: /\S/ }).waitFor();
  assert.match(await err.textContent(), /invalid|wrong|password|name/i);
  assert.equal(await page.locator('#dash-view').isHidden(), true);
});

test('logging in shows the dashboard with the user name and quotas', async () => {
  await logIn(page, 'alice', 'alice-pw-5c1e9a');
  assert.equal(await page.locator('#who').textContent(), 'alice');
  assert.equal(await page.locator('#nav-admin').isHidden(), true);
  await page.locator('#quota [data-bar=VMs]').waitFor();
  assert.match(await page.locator('#vms').textContent(), /No VMs yet/);
});

test('the create form offers the base images from the API', async () => {
  await page.locator('#create-vm-box > summary').click();
  const opts = await page.locator('#base-select option').allTextContents();
  assert.ok(opts.some((o) => o.startsWith('debian-12.qcow2')), opts.join());
  assert.ok(opts.some((o) => o.startsWith('busybox.raw')), opts.join());
});

test('creating a VM shows it in the list, powered off', async () => {
  const f = page.locator('#create-vm');
  await f.locator('[name=name]').fill('web-1');
  await f.locator('[name=base]').selectOption('debian-12.qcow2');
  await f.locator('[name=vcpu]').fill('2');
  await f.locator('[name=memory]').fill('512');
  await f.locator('[name=user]').fill('debian');
  await f.locator('[name=password]').fill('guest-pw-1');
  await f.locator('button[type=submit]').click();
  await vmCard(page, 'web-1').waitFor();
  await waitState(page, 'web-1', 'POWEROFF');
  assert.equal(await vmCard(page, 'web-1').locator('.vcpu').textContent(), '2');
  assert.equal(await vmCard(page, 'web-1').locator('.memory').textContent(), '512 MiB');
  await page.locator('#quota [data-bar=VMs]').filter({ hasText: '1 (no limit)' }).waitFor();
});

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl carol@laptop';

test('creating a VM with SSH keys, hostname, packages and user-data shows them, not the user-data', async () => {
  const f = page.locator('#create-vm');
  await f.locator('[name=name]').fill('web-keys');
  await f.locator('[name=base]').selectOption('busybox.raw');
  await f.locator('[name=user]').fill('carol');
  await f.locator('summary').filter({ hasText: 'Guest settings' }).click();
  await f.locator('[name=sshKeys]').fill(`# laptop\n${ED25519}\n\n${ED25519.replace('carol@laptop', 'carol@phone')}\n`);
  await f.locator('[name=hostname]').fill('keys-host');
  await f.locator('[name=packages]').fill('curl, jq');
  await f.locator('[name=userData]').fill('#!/bin/sh\necho web-setup-5e2 > /tmp/x\n');
  await f.locator('button[type=submit]').click();
  const card = vmCard(page, 'web-keys');
  await card.waitFor();
  assert.equal(await card.locator('.hostname').textContent(), 'keys-host');
  assert.equal(await card.locator('.guest-user').textContent(), 'carol');
  assert.equal(await card.locator('.ssh-keys').textContent(), 'ssh-ed25519 carol@laptop, ssh-ed25519 carol@phone');
  assert.equal(await card.locator('.firmware').textContent(), 'BIOS');
  assert.equal(await f.locator('[data-err=create-vm]').textContent(), '');
  assert.ok(!(await page.content()).includes('web-setup-5e2'), 'user-data is write-only');
  const vm = (await ok(d, '{ getVms { name sshKeys } }', null, alice.token)).getVms.find((v) => v.name === 'web-keys');
  assert.equal(vm.sshKeys.length, 2);
  // Changed afterwards: for the next boot, the rest kept.
  await card.locator('details.guest-edit > summary').click();
  const g = card.locator('details.guest-edit form');
  assert.equal(await g.locator('[name=sshKeys]').inputValue(), vm.sshKeys.join('\n'));
  await g.locator('[name=hostname]').fill('keys-host2');
  await g.locator('[name=sshKeys]').fill(ED25519);
  await g.getByRole('button', { name: 'Save for next boot' }).click();
  await card.locator('.hostname').filter({ hasText: /^keys-host2$/ }).waitFor();
  await card.locator('.ssh-keys').filter({ hasText: /^ssh-ed25519 carol@laptop$/ }).waitFor();
  await card.locator('.pending').filter({ hasText: 'config' }).waitFor();
  assert.equal(await card.locator('.guest-user').textContent(), 'carol');
  await card.locator('details.guest-edit > summary').click();
  await card.locator('details.guest-edit form').getByRole('button', { name: 'Save for next boot' }).click();
  await card.locator('[data-err]').filter({ hasText: 'nothing changed' }).waitFor();
  await card.getByRole('button', { name: 'Destroy' }).click();
  await card.waitFor({ state: 'detached' });
});

test('a bad SSH key and UEFI on a host without it are reported next to the create form', async () => {
  const f = page.locator('#create-vm');
  const err = f.locator('[data-err=create-vm]');
  await f.locator('[name=name]').fill('web-bad');
  await f.locator('[name=base]').selectOption('busybox.raw');
  await f.locator('[name=user]').fill('carol');
  await f.locator('[name=sshKeys]').fill('ssh-ed25519 not*base64 x');
  await f.locator('button[type=submit]').click();
  await err.filter({ hasText: /sshKeys\[0\].*\(BAD_USER_INPUT\)$/ }).waitFor();
  await f.locator('[name=sshKeys]').fill('');
  await f.locator('[name=firmware]').selectOption('UEFI');
  await f.locator('button[type=submit]').click();
  await err.filter({ hasText: /UEFI.*\(BAD_USER_INPUT\)$/ }).waitFor();
  assert.equal(await vmCard(page, 'web-bad').count(), 0);
  await f.locator('[name=firmware]').selectOption('BIOS');
  await f.locator('[name=user]').fill('');
  await f.locator('summary').filter({ hasText: 'Guest settings' }).click();
});

test('a bad VM name is reported next to the create form', async () => {
  const f = page.locator('#create-vm');
  await f.locator('[name=name]').fill('web-1');
  await f.locator('[name=base]').selectOption('busybox.raw');
  await f.locator('button[type=submit]').click();
  const err = f.locator('[data-err=create-vm]');
  await err.filter({ hasText: /\S/ }).waitFor();
  assert.match(await err.textContent(), /\([A-Z_]+\)$/);
});

test('powering a VM on changes its state to RUNNING with an IP', async () => {
  await vmCard(page, 'web-1').getByRole('button', { name: 'Power on' }).click();
  await waitState(page, 'web-1', 'RUNNING');
  await page.waitForFunction(() => /\d+\.\d+\.\d+\.\d+/.test(document.querySelector('article.vm[data-vm="web-1"] .ip').textContent));
});

test('pausing a running VM shows PAUSED and resuming runs it again', async () => {
  const card = vmCard(page, 'web-1');
  await card.getByRole('button', { name: 'Pause' }).click();
  await waitState(page, 'web-1', 'PAUSED');
  assert.equal(await card.getByRole('button', { name: 'Power on' }).isDisabled(), true);
  await card.getByRole('button', { name: 'Resume' }).click();
  await waitState(page, 'web-1', 'RUNNING');
  await card.getByRole('button', { name: 'Pause' }).waitFor();
});

test('the page follows a state change made elsewhere without a reload', async () => {
  const id = await vmCard(page, 'web-1').getAttribute('data-id');
  await ok(d, 'mutation($id:ID!){forceOFF(vmID:$id)}', { id }, alice.token);
  await waitState(page, 'web-1', 'POWEROFF');
  await ok(d, 'mutation($id:ID!){powerON(vmID:$id){id}}', { id }, alice.token);
  await waitState(page, 'web-1', 'RUNNING');
});

test('an API error is shown next to the device that caused it', async () => {
  // The test hypervisor cannot attach a device to a running VM.
  const row = page.locator('#devices tr[data-dev="1"]');
  await row.locator('select').selectOption({ label: 'web-1' });
  await row.getByRole('button', { name: 'Attach' }).click();
  const err = row.locator('[data-err="dev:1"]');
  await err.filter({ hasText: /\S/ }).waitFor();
  assert.match(await err.textContent(), /\(CONFLICT\)$/);
  assert.equal(await row.locator('.holder').textContent(), 'free');
});

test('force off stops the VM', async () => {
  await vmCard(page, 'web-1').getByRole('button', { name: 'Force off' }).click();
  await waitState(page, 'web-1', 'POWEROFF');
});

test('attaching a device shows who holds it and detaching frees it', async () => {
  const row = page.locator('#devices tr[data-dev="1"]');
  await row.locator('select').selectOption({ label: 'web-1' });
  await row.getByRole('button', { name: 'Attach' }).click();
  await row.locator('.holder').filter({ hasText: 'web-1 (alice)' }).waitFor();
  await vmCard(page, 'web-1').locator('.devs').filter({ hasText: 'Google' }).waitFor();
  assert.equal(await row.locator('[data-err="dev:1"]').textContent(), '');
  await row.getByRole('button', { name: 'Detach' }).click();
  await row.locator('.holder').filter({ hasText: 'free' }).waitFor();
  await vmCard(page, 'web-1').locator('.devs').filter({ hasText: 'none' }).waitFor();
});

test('resizing a VM changes its vCPUs and memory', async () => {
  const card = vmCard(page, 'web-1');
  await card.locator('input[name=vcpu]').fill('3');
  await card.locator('input[name=memory]').fill('768');
  await card.getByRole('button', { name: 'Resize' }).click();
  await card.locator('.vcpu').filter({ hasText: /^3$/ }).waitFor();
  assert.equal(await card.locator('.memory').textContent(), '768 MiB');
});

test('registering a thing lists it with its bootstrap state and VM', async () => {
  await page.locator('#create-thing-box > summary').click();
  const f = page.locator('#create-thing');
  await f.locator('[name=name]').fill('sensor-1');
  await f.locator('[name=info]').fill('temperature, room 2');
  await f.locator('[name=server]').selectOption({ label: 'web-1' });
  await f.locator('button[type=submit]').click();
  const row = page.locator('#things tr[data-thing="sensor-1"]');
  await row.waitFor();
  assert.match(await row.textContent(), /REGISTERED/);
  assert.match(await row.textContent(), /web-1/);
  assert.match(await row.textContent(), /never/);
  await vmCard(page, 'web-1').locator('.vm-things').filter({ hasText: 'sensor-1' }).waitFor();
});

test('linking a thing moves it to another VM', async () => {
  await ok(d, 'mutation($vm:VmInput!){createVm(vm:$vm){id}}', { vm: { name: 'web-2', base: 'busybox.raw' } }, alice.token);
  await vmCard(page, 'web-2').waitFor();
  const row = page.locator('#things tr[data-thing="sensor-1"]');
  await row.locator('select[name=vm]').selectOption({ label: 'web-2' });
  await row.getByRole('button', { name: 'Link', exact: true }).click();
  await vmCard(page, 'web-2').locator('.vm-things').filter({ hasText: 'sensor-1' }).waitFor();
});

test('registering a thing with PSK security shows its endpoint and identity, never its key', async () => {
  // The register form is still open from the test above.
  const f = page.locator('#create-thing');
  await f.locator('[name=name]').fill('sensor-psk');
  await f.locator('[name=server]').selectOption({ label: 'web-1' });
  await f.locator('details summary').filter({ hasText: 'LwM2M settings' }).click();
  await f.locator('[name=endpoint]').fill('urn:dev:sensor-psk');
  await f.locator('[name=security]').selectOption('PSK');
  await f.locator('[name=pskIdentity]').fill('sensor-psk-id');
  await f.locator('[name=pskKey]').fill('00112233445566778899aabbccddeeff');
  await f.locator('[name=lifetime]').fill('600');
  await f.locator('button[type=submit]').click();
  const row = page.locator('#things tr[data-thing="sensor-psk"]');
  await row.locator('.endpoint').filter({ hasText: 'urn:dev:sensor-psk' }).waitFor();
  assert.match(await row.locator('.sec').textContent(), /^PSK sensor-psk-id$/);
  assert.equal(await f.locator('[data-err=create-thing]').textContent(), '');
  const html = await page.content();
  assert.ok(!html.includes('00112233445566778899aabbccddeeff'), 'the key is nowhere in the page');
  const t = (await ok(d, '{ getThings { name lifetime security } }', null, alice.token)).getThings.find((x) => x.name === 'sensor-psk');
  assert.deepEqual(t, { name: 'sensor-psk', lifetime: 600, security: 'PSK' });
});

test('a bad thing setting is reported next to the register form', async () => {
  const f = page.locator('#create-thing');
  await f.locator('[name=name]').fill('sensor-bad');
  await f.locator('[name=server]').selectOption({ label: 'web-1' });
  await f.locator('[name=endpoint]').fill('urn:dev:sensor-psk'); // taken
  await f.locator('button[type=submit]').click();
  const err = f.locator('[data-err=create-thing]');
  await err.filter({ hasText: /\S/ }).waitFor();
  assert.match(await err.textContent(), /\([A-Z_]+\)$/);
  assert.equal(await page.locator('#things tr[data-thing="sensor-bad"]').count(), 0);
  await f.locator('[name=endpoint]').fill('');
});

test('editing a thing changes it; unlinking and deleting it follow', async () => {
  let row = page.locator('#things tr[data-thing="sensor-psk"]');
  await row.locator('details.edit summary').click();
  const f = row.locator('details.edit form');
  await f.locator('[name=name]').fill('sensor-psk2');
  await f.locator('[name=info]').fill('moved to room 3');
  await f.locator('[name=security]').selectOption('NOSEC');
  await f.getByRole('button', { name: 'Save' }).click();
  row = page.locator('#things tr[data-thing="sensor-psk2"]');
  await row.filter({ hasText: 'moved to room 3' }).waitFor();
  assert.match(await row.locator('.sec').textContent(), /^no security$/);
  await row.getByRole('button', { name: 'Unlink' }).click();
  await row.locator('td[data-label=VM]').filter({ hasText: /^—$/ }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Unlink' }).count(), 0);
  await row.getByRole('button', { name: 'Delete' }).click();
  await row.waitFor({ state: 'detached' });
  const left = (await ok(d, '{ getThings { name } }', null, alice.token)).getThings.map((x) => x.name);
  assert.ok(!left.includes('sensor-psk2'), left.join());
});

test('a thing bootstrapping is followed live: BOOTSTRAPPED with its time, no reload', async () => {
  await ok(d, 'mutation($t:ThingInput!){createThing(thing:$t){id}}',
    { t: { name: 'sensor-live', info: 'live', server: 'web-1', endpoint: 'sensor-live' } }, alice.token);
  const row = page.locator('#things tr[data-thing="sensor-live"]');
  await row.filter({ hasText: 'REGISTERED' }).waitFor();
  // The bootstrap writes the VM's address as the LwM2M server's: it must run.
  const id = await vmCard(page, 'web-1').getAttribute('data-id');
  await ok(d, 'mutation($id:ID!){powerON(vmID:$id){id}}', { id }, alice.token);
  await waitState(page, 'web-1', 'RUNNING');
  await page.evaluate(() => { window.__noReload = 1; });
  const r = await run(EPFIOT_THING, ['-p', String(d.coapPort), '-e', 'sensor-live', '--no-register', '-t', String(60 * SLOW)]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  await row.locator('[data-state=BOOTSTRAPPED]').waitFor();
  await row.locator('td[data-label="Last bootstrap"]').filter({ hasText: /\d/ }).waitFor();
  assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page was not reloaded');
  await ok(d, 'mutation($id:ID!){forceOFF(vmID:$id)}', { id }, alice.token);
  await waitState(page, 'web-1', 'POWEROFF');
});

test('destroying a VM removes it from the list', async () => {
  await vmCard(page, 'web-2').getByRole('button', { name: 'Destroy' }).click();
  await vmCard(page, 'web-2').waitFor({ state: 'detached' });
});

test('the GraphQL console runs a query with the session', async () => {
  await page.goto(d.url + '/graphiql/?autorun=1');
  await page.waitForFunction(() => {
    const r = document.querySelector('.result-window');
    return r && r.textContent.includes('"alice"') && r.textContent.includes('web-1');
  }, null, { timeout: WAIT * 2 });
  await shot(page, 'graphiql.png');
});

test('the console loads nothing from other origins', async () => {
  const p = await browser();
  const foreign = [];
  const failed = [];
  p.on('request', (r) => { if (!r.url().startsWith(d.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
  // The login page's first /graphql request is a 401 by design (no session yet).
  p.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/graphql')) failed.push(`${r.status()} ${r.url()}`); });
  await logIn(p, 'alice', 'alice-pw-5c1e9a');
  await p.goto(d.url + '/graphiql/');
  await p.locator('.graphiql-execute-button').waitFor();
  assert.deepEqual(foreign, []);
  assert.deepEqual(failed, []);
});

test('logging out returns to the login page and ends the session', async () => {
  await page.goto(d.url + '/');
  await page.locator('#dash-view').waitFor({ state: 'visible' });
  await page.locator('#logout').click();
  await page.locator('#login-view').waitFor({ state: 'visible' });
  const cookies = await page.context().cookies(d.url);
  assert.ok(!cookies.some((c) => c.name === 'epfiot_session' && c.value));
  await page.reload();
  await page.locator('#login-view').waitFor({ state: 'visible' });
});

test('an admin creates a user on the admin page', async () => {
  const p = await browser();
  await logIn(p, 'admin', ADMIN_PASSWORD);
  assert.equal(await p.locator('#nav-admin').isVisible(), true);
  await p.locator('#nav-admin').click();
  await p.locator('#admin-view').waitFor({ state: 'visible' });
  await p.locator('#create-user-box summary').click();
  const f = p.locator('#create-user');
  await f.locator('[name=name]').fill('carol');
  await f.locator('[name=password]').fill('carol-pw-11aa22');
  await f.locator('button[type=submit]').click();
  await p.locator('article.user[data-user="carol"]').waitFor();
  await p.locator('#host').filter({ hasText: /CPUs/ }).waitFor();
  await p.locator('#all-vms tr[data-vm="web-1"]').filter({ hasText: 'alice' }).waitFor();
  await shot(p, 'admin.png');
  const c = await browser();
  await logIn(c, 'carol', 'carol-pw-11aa22');
  assert.equal(await c.locator('#who').textContent(), 'carol');
});

test('an admin sets a quota and the user sees it', async () => {
  const p = await browser();
  await logIn(p, 'admin', ADMIN_PASSWORD);
  await p.goto(d.url + '/#/admin');
  const card = p.locator('article.user[data-user="bob"]');
  await card.locator('input[name=vms]').fill('3');
  await card.getByRole('button', { name: 'Save quotas' }).click();
  await p.waitForFunction(() => document.querySelector('article.user[data-user="bob"] input[name=vms]').value === '3');
  const q = await ok(d, '{ me { quota { vms } } }', null, bob.token);
  assert.equal(q.me.quota.vms, 3);
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  await b.locator('#quota [data-bar=VMs]').filter({ hasText: '0 of 3' }).waitFor();
});

test("a user does not see another user's VMs", async () => {
  await ok(d, 'mutation($vm:VmInput!){createVm(vm:$vm){id}}', { vm: { name: 'bobs-vm', base: 'busybox.raw' } }, bob.token);
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  await vmCard(b, 'bobs-vm').waitFor();
  assert.equal(await vmCard(b, 'web-1').count(), 0);
  const devs = await b.locator('#devices').textContent();
  assert.ok(!devs.includes('web-1'));
  const r = await gql(d, '{ getVms { name } }', null, bob.token);
  assert.deepEqual(r.data.getVms.map((v) => v.name), ['bobs-vm']);
});

test('the dashboard shows VMs with their devices and things', async () => {
  const id = (await ok(d, '{ getVms { id name } }', null, alice.token)).getVms.find((v) => v.name === 'web-1').id;
  await ok(d, 'mutation($id:ID!){attachDevice(devID:"1",vmID:$id)}', { id }, alice.token);
  await ok(d, 'mutation($t:ThingInput!){createThing(thing:$t){id}}', { t: { name: 'sensor-2', info: 'humidity', server: 'web-1' } }, alice.token);
  await ok(d, 'mutation($id:ID!){powerON(vmID:$id){id}}', { id }, alice.token);
  const p = await browser();
  await logIn(p, 'alice', 'alice-pw-5c1e9a');
  await vmCard(p, 'web-1').locator('.devs').filter({ hasText: 'Google' }).waitFor();
  await vmCard(p, 'web-1').locator('.vm-things').filter({ hasText: 'sensor-2' }).waitFor();
  await p.locator('#devices tr[data-dev="1"] .holder').filter({ hasText: 'web-1' }).waitFor();
  await shot(p, 'dashboard.png');
});

test("a device held by another tenant's VM shows in use, not whose, and cannot be attached", async () => {
  // Device 1 is attached to alice's web-1 by the test above.
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  const row = b.locator('#devices tr[data-dev="1"]');
  await row.locator('.holder').filter({ hasText: /^in use$/ }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Attach' }).count(), 0);
  const text = await row.textContent();
  assert.ok(!text.includes('web-1') && !text.includes('alice'), text);
  // A free device still offers bob's VM.
  await b.locator('#devices tr[data-dev="4"] .holder').filter({ hasText: /^free$/ }).waitFor();
  await b.locator('#devices tr[data-dev="4"]').getByRole('button', { name: 'Attach' }).waitFor();
});

test('accelerators: acquire with a lease, another tenant queues, release hands it over', async () => {
  // Free device 1 (the Coral) from the tests above: the test hypervisor
  // cannot hot-plug, so web-1 goes off first.
  const vms = (await ok(d, '{ getVms { id name } }', null, alice.token)).getVms;
  const web1 = vms.find((v) => v.name === 'web-1').id;
  await ok(d, 'mutation($id:ID!){forceOFF(vmID:$id)}', { id: web1 }, alice.token);
  await ok(d, 'mutation($id:ID!){detachDevice(devID:"1",vmID:$id)}', { id: web1 }, alice.token);
  const a = await browser();
  await logIn(a, 'alice', 'alice-pw-5c1e9a');
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  const rowA = a.locator('#devices tr[data-dev="1"]');
  const rowB = b.locator('#devices tr[data-dev="1"]');
  await rowA.locator('.profile').filter({ hasText: 'coral-usb' }).waitFor();
  await rowA.locator('select[name=vm]').selectOption({ label: 'web-1' });
  await rowA.locator('input[name=lease]').fill('30');
  await rowA.getByRole('button', { name: 'Acquire' }).click();
  await rowA.locator('.holder').filter({ hasText: /^web-1, until / }).waitFor();
  await rowA.getByRole('button', { name: 'Release' }).waitFor();
  // Bob sees it in use, not whose, and queues.
  await rowB.locator('.holder').filter({ hasText: /^in use, until / }).waitFor();
  await rowB.locator('select[name=vm]').selectOption({ label: 'bobs-vm' });
  await rowB.getByRole('button', { name: 'Queue' }).click();
  await rowB.locator('.queue').filter({ hasText: '1 waiting (yours: #1 bobs-vm)' }).waitFor();
  await rowB.getByRole('button', { name: 'Leave queue' }).waitFor();
  assert.equal(await rowB.locator('[data-err="dev:1"]').textContent(), '');
  await rowA.locator('.queue').filter({ hasText: /^1 waiting$/ }).waitFor();
  assert.ok(!(await rowA.textContent()).includes('bobs-vm'));
  // Alice releases: the device goes to bob, live on both pages.
  await rowA.getByRole('button', { name: 'Release' }).click();
  await rowB.locator('.holder').filter({ hasText: /^bobs-vm$/ }).waitFor();
  await rowA.locator('.holder').filter({ hasText: /^in use$/ }).waitFor();
  await rowB.getByRole('button', { name: 'Release' }).click();
  await rowB.locator('.holder').filter({ hasText: /^free$/ }).waitFor();
  // Any device of a kind: the request form.
  await b.locator('#acquire-box > summary').click();
  await b.locator('#acquire-profile').selectOption('coral-usb');
  await b.locator('#acquire-vm').selectOption({ label: 'bobs-vm' });
  await b.locator('#acquire-form button[type=submit]').click();
  await b.locator('#acquire-result').filter({ hasText: /^attached / }).waitFor();
  await rowB.locator('.holder').filter({ hasText: /^bobs-vm$/ }).waitFor();
  // A second request of the same VM is the API's error, next to the form.
  await b.locator('#acquire-form button[type=submit]').click();
  await b.locator('#acquire-form [data-err=acquire]').filter({ hasText: /\(CONFLICT\)$/ }).waitFor();
});

test('an admin revokes a lease and sets an accelerator quota the user sees', async () => {
  const p = await browser();
  await logIn(p, 'admin', ADMIN_PASSWORD);
  const row = p.locator('#devices tr[data-dev="1"]');
  await row.locator('.holder').filter({ hasText: 'bobs-vm (bob)' }).waitFor();
  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.locator('.holder').filter({ hasText: /^free$/ }).waitFor();
  const ev = (await ok(d, '{ getDev(id: "1") { events(limit: 1) { kind } } }', null, bob.token)).getDev.events;
  assert.deepEqual(ev, [{ kind: 'REVOKED' }]);
  await p.goto(d.url + '/#/admin');
  const card = p.locator('article.user[data-user="bob"]');
  await card.locator('input[name=hoursPerDay]').fill('2');
  await card.getByRole('button', { name: 'Save accelerator quota' }).click();
  await p.waitForFunction(() => document.querySelector('article.user[data-user="bob"] input[name=hoursPerDay]').value === '2');
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  await b.locator('#quota [data-bar="Accelerator hours today"]').filter({ hasText: / of 2 h$/ }).waitFor();
});

test('an admin adds a device profile and reserves an accelerator for a user', async () => {
  const p = await browser();
  await logIn(p, 'admin', ADMIN_PASSWORD);
  await p.goto(d.url + '/#/admin');
  await p.locator('#profiles tr[data-profile="coral-usb"]').filter({ hasText: '1a6e:089a, 18d1:9302' }).waitFor();
  await p.locator('#create-profile-box > summary').click();
  const f = p.locator('#create-profile');
  await f.locator('[name=name]').fill('web-tpu');
  await f.locator('[name=usbIDs]').fill('not-an-id');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-err=create-profile]').filter({ hasText: /\(BAD_USER_INPUT\)$/ }).waitFor();
  await f.locator('[name=usbIDs]').fill('1ac1:089a, 1ac1:089b');
  await f.locator('[name=info]').fill('M.2 TPU');
  await f.locator('button[type=submit]').click();
  await p.locator('#profiles tr[data-profile="web-tpu"]').filter({ hasText: '1ac1:089a, 1ac1:089b' }).waitFor();
  assert.equal(await f.locator('[data-err=create-profile]').textContent(), '');
  const row = p.locator('#reservations tr[data-dev="1"]');
  await row.locator('select[name=user]').selectOption({ label: 'bob' });
  await row.getByRole('button', { name: 'Reserve' }).click();
  await row.locator('.reserved-for').filter({ hasText: /^bob$/ }).waitFor();
  const b = await browser();
  await logIn(b, 'bob', 'bob-pw-38d1ee');
  await b.locator('#devices tr[data-dev="1"] .reserved').filter({ hasText: 'reserved for bob' }).waitFor();
  assert.ok((await b.locator('#acquire-profile option').allTextContents()).includes('web-tpu (M.2 TPU)'));
  await row.locator('select[name=user]').selectOption({ label: 'anyone' });
  await row.getByRole('button', { name: 'Reserve' }).click();
  await row.locator('.reserved-for').filter({ hasText: /^anyone$/ }).waitFor();
  await b.locator('#devices tr[data-dev="1"] .reserved').waitFor({ state: 'detached' });
});

test('the dashboard fits a phone screen', async () => {
  const p = await browser({ width: 390, height: 844 });
  await logIn(p, 'alice', 'alice-pw-5c1e9a');
  await vmCard(p, 'web-1').waitFor();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await shot(p, 'dashboard-phone.png');
});

test('the admin page fits a phone screen', async () => {
  const p = await browser({ width: 390, height: 844 });
  await logIn(p, 'admin', ADMIN_PASSWORD);
  await p.goto(d.url + '/#/admin');
  await p.locator('article.user[data-user="alice"]').waitFor();
  await p.locator('#all-vms tr[data-vm="web-1"]').waitFor();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
});

test('admins see the base images with the VMs using each; upload and delete errors show next to their cause', async () => {
  const p = await browser();
  await logIn(p, 'admin', ADMIN_PASSWORD);
  await p.goto(d.url + '/#/admin');
  const busy = p.locator('#admin-images tr[data-image="busybox.raw"]');
  await busy.locator('.used-by').filter({ hasText: 'bobs-vm' }).waitFor();
  // In use: the API's CONFLICT, in that row.
  await busy.getByRole('button', { name: 'Delete' }).click();
  await busy.locator('[data-err="image:busybox.raw"]').filter({ hasText: /\(CONFLICT\)$/ }).waitFor();
  // The test hypervisor takes no uploads: its CONFLICT, next to the form, and no image.
  await p.locator('#upload-image-box > summary').click();
  const f = p.locator('#upload-image');
  await f.locator('[name=file]').setInputFiles({ name: 'tiny.raw', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1 << 20, 1) });
  await f.locator('button[type=submit]').click();
  await f.locator('[data-err=upload-image]').filter({ hasText: /upload.*\(CONFLICT\)$/ }).waitFor();
  assert.equal(await f.locator('button[type=submit]').isDisabled(), false);
  assert.equal(await p.locator('#admin-images tr[data-image="tiny.raw"]').count(), 0);
  // Unused once bob's VM is gone: deleted.
  const id = (await ok(d, '{ getVms { id name } }', null, bob.token)).getVms.find((v) => v.name === 'bobs-vm').id;
  await ok(d, 'mutation($id:ID!){forceDestroyVM(vmID:$id)}', { id }, bob.token);
  await busy.locator('.used-by').filter({ hasText: /^—$/ }).waitFor();
  await busy.getByRole('button', { name: 'Delete' }).click();
  await busy.waitFor({ state: 'detached' });
  const names = (await ok(d, '{ images { name } }', null, alice.token)).images.map((i) => i.name);
  assert.deepEqual(names, ['debian-12.qcow2']);
});
