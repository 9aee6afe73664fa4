// daemon.mjs -- the harness of the daemon tests: starts the real epfiotd in a
// temporary directory (its own SQLite file, admin password file and empty
// config, so nothing of the machine's /etc/epfiot is read), on 127.0.0.1 with
// a free port, on libvirt's test hypervisor loaded from
// tests/driver/fixtures/host.xml (two base images, USB devices; private to
// the daemon process, so it forgets its domains when the daemon stops);
// and talks GraphQL over HTTP to it.
//
// Every daemon is stopped by its PID (SIGTERM, SIGKILL after a timeout) in
// the after hooks of the test file that started it; a process exit handler
// SIGKILLs any still running, and temporary directories are removed.
// The binary comes from $EPFIOTD (set by run.sh).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
export const HOST_URI = `test://${join(REPO, 'tests/driver/fixtures/host.xml')}`;
export const EPFIOTD = resolve(process.env.EPFIOTD || join(REPO, 'build/src/daemon/epfiotd'));
// The sanitizer build is several times slower: waits scale with this.
export const SLOW = Number(process.env.EPFIOT_TEST_SLOW || 1);

export const ADMIN_PASSWORD = 'Admin-Pw-4f9c2e71';

// Every password, session token and API token secret a test uses is noted
// here; stopping a daemon fails if its log holds any of them.
const secrets = new Set([ADMIN_PASSWORD]);
export function secret(s) {
  if (s) secrets.add(s);
  return s;
}

const running = new Set();
const dirs = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'epfiot-daemon-'));
  dirs.add(d);
  return d;
}

export function removeDir(d) {
  rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}

// Starts epfiotd. opts.dir: reuse a directory (restart on the same
// database); opts.adminPassword: null for a generated one; opts.args: more
// flags (later flags win, e.g. another --libvirt-uri); opts.binary: another
// build of epfiotd; opts.env: more environment. Resolves when the daemon
// prints its port.
export async function startDaemon(opts = {}) {
  const dir = opts.dir || tempDir();
  const conf = join(dir, 'epfiotd.conf');
  writeFileSync(conf, opts.config || '');
  const args = ['--config', conf, '--listen', '127.0.0.1', '--port', '0',
    '--database', join(dir, 'epfiot.db'), '--libvirt-uri', HOST_URI,
    '--image-pool', 'default-pool', '--network', 'epfiot',
    // the LwM2M bootstrap server on free ports (never 5685/5686 in tests)
    '--lwm2m-listen', '127.0.0.1', '--lwm2m-port', '0', '--lwm2m-dtls-port', '0'];
  const env = { ...process.env, ...(opts.env || {}) };
  delete env.EPFIOT_ADMIN_PASSWORD;
  if (opts.adminPassword !== null) {
    const pwFile = join(dir, 'admin-password');
    writeFileSync(pwFile, (opts.adminPassword || ADMIN_PASSWORD) + '\n', { mode: 0o600 });
    args.push('--admin-password-file', pwFile);
  }
  args.push(...(opts.args || []));
  const child = spawn(opts.binary || EPFIOTD, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const d = {
    dir, child, pid: child.pid, stderr: '', stdout: '', port: 0, url: '', exitCode: undefined,
    exited: null,
  };
  d.exited = new Promise((res) => child.on('exit', (code, signal) => {
    running.delete(child);
    d.exitCode = code;
    d.signal = signal;
    // A daemon that dies on its own (a crash, a sanitizer report) shows its
    // log in the test output: that is the bug report.
    if (!d.stopping && (code !== 0 || signal)) {
      process.stderr.write(`epfiotd ${child.pid} died (exit ${code}, signal ${signal}); its log:\n${d.stderr}\n`);
    }
    res({ code, signal });
  }));
  child.on('error', (e) => { d.stderr += `spawn ${EPFIOTD}: ${e.message}\n`; d.exitCode = -1; });
  child.stdout.on('data', (b) => { d.stdout += b; });
  child.stderr.on('data', (b) => { d.stderr += b; });
  const deadline = Date.now() + 30000 * SLOW;
  for (;;) {
    const m = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(d.stderr);
    if (m) {
      const l = /lwm2m bootstrap on udp \S+ coap (-?\d+) coaps (-?\d+)/.exec(d.stderr);
      d.coapPort = l ? Number(l[1]) : -1;
      d.coapsPort = l ? Number(l[2]) : -1;
      d.port = Number(m[2]);
      d.url = `${m[1]}://127.0.0.1:${d.port}`;
      break;
    }
    if (d.exitCode !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`epfiotd did not start (exit ${d.exitCode}):\n${d.stderr}`);
    }
    await sleep(20);
  }
  d.stop = () => stopDaemon(d);
  d.kill = async () => { d.stopping = true; child.kill('SIGKILL'); return d.exited; };
  d.log = () => d.stderr;
  return d;
}

// SIGTERM, then SIGKILL if it has not exited after `ms`.
export async function stopDaemon(d, ms = 20000 * SLOW) {
  if (d.exitCode !== undefined) return { code: d.exitCode, signal: d.signal };
  d.stopping = true;
  d.child.kill('SIGTERM');
  let timer;
  const late = new Promise((res) => { timer = setTimeout(() => res('late'), ms); });
  const r = await Promise.race([d.exited, late]);
  clearTimeout(timer);
  if (r === 'late') {
    d.child.kill('SIGKILL');
    await d.exited;
    throw new Error(`epfiotd did not stop within ${ms} ms of SIGTERM`);
  }
  // A clean stop exits 0: a sanitizer report (a leak found at exit) or a
  // crash during shutdown fails the file whose after hook stops the daemon.
  if (r.code !== 0 || r.signal) {
    throw new Error(`epfiotd exited ${r.code} (signal ${r.signal}) on SIGTERM:\n${d.stderr}`);
  }
  const leaked = [...secrets].filter((s) => d.stderr.includes(s));
  if (leaked.length) throw new Error(`epfiotd logged ${leaked.length} secret(s) used by the tests:\n${d.stderr}`);
  return r;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One GraphQL request. auth: a token string (bearer), or {cookie}, or null.
export async function gql(d, query, variables, auth, opts = {}) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(opts.headers || {}) };
  if (typeof auth === 'string') headers.authorization = `Bearer ${auth}`;
  else if (auth && auth.cookie) headers.cookie = auth.cookie;
  const body = { query };
  if (variables) body.variables = variables;
  const res = await fetch(`${d.url}${opts.path || '/graphql'}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json, data: json && json.data, errors: json && json.errors };
}

// Like gql but fails unless the response has no errors; returns data.
export async function ok(d, query, variables, auth) {
  const r = await gql(d, query, variables, auth);
  if (r.status !== 200 || r.errors) {
    throw new Error(`expected success for ${query}\n got ${r.status} ${r.text}`);
  }
  return r.data;
}

// The first error's message (throws when there is none).
export async function fails(d, query, variables, auth) {
  const r = await gql(d, query, variables, auth);
  if (!r.errors || !r.errors.length) throw new Error(`expected an error for ${query}\n got ${r.status} ${r.text}`);
  return r;
}

export async function login(d, name, password) {
  secret(password);
  const data = await ok(d, 'mutation($n:String!,$p:String!){login(name:$n,password:$p){token user{id}}}', { n: name, p: password });
  return secret(data.login.token);
}

export const adminToken = (d) => login(d, 'admin', ADMIN_PASSWORD);

// Creates a user through the API (as admin) and logs them in.
export async function makeUser(d, admin, name, password = `pw-${name}-7d3a91`) {
  secret(password);
  const data = await ok(d, 'mutation($n:String!,$p:String!){createUser(name:$n,password:$p){id name}}', { n: name, p: password }, admin);
  const token = await login(d, name, password);
  return { id: data.createUser.id, name, password, token };
}

// A VM of `token` from the fixture's debian-12.qcow2 base image.
export async function makeVm(d, token, name, extra = {}) {
  const vm = { name, base: 'debian-12.qcow2', ...extra };
  const data = await ok(d, 'mutation($vm:VmInput!){createVm(vm:$vm){id name state owner{id}}}', { vm }, token);
  return data.createVm;
}

