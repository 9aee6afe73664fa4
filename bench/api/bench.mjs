// bench.mjs -- bench/api: epfiotd over HTTP next to a graphql-js server
// serving the same schema and data, measured with wrk.
//
// The engine benchmark (bench/graphql) times gql_run() in process; this one
// times what a client sees: HTTP parsing, the bearer-token check against
// SQLite, the resolvers reading the store and libvirt, the JSON response.
// The run, in order:
//   1. start epfiotd on a fresh database in --work DIR, on libvirt's test
//      hypervisor loaded from tests/driver/fixtures/host.xml, and read its
//      RSS once it listens;
//   2. seed it through the API itself: the admin creates user "bench", who
//      logs in, creates an API token (the bearer wrk sends), 50 VMs, things
//      on some of them, passes two USB devices through and powers some on;
//   3. snapshot the user's view with one query and start server.mjs
//      (graphql-js + graphql-http) on that snapshot and the daemon's own SDL;
//   4. check that both answer every benchmark query with the same normalised
//      JSON (a difference fails the run: the numbers would compare nothing);
//   5. wrk each query against each server, alternating, same duration,
//      connections and threads; any wrk error (non-2xx included) fails the run;
//   6. read the daemon's RSS again once idle, print the table and verdicts,
//      stop both servers by PID (SIGTERM) and check the daemon exits cleanly.
// Timings never fail the run: the verdict lines say whether the targets
// (>= 5x graphql-js's req/s with a lower p99; idle RSS < 10 MB) were met.
//
// Usage: node bench.mjs --epfiotd PATH --npm DIR --work DIR
//          [--seconds S] [--connections C] [--threads T] [--smoke] [--json FILE]
//   --smoke  1 s per wrk run and no warm-up: proves the benchmark still works
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const HOST_URI = `test://${path.join(root, 'tests/driver/fixtures/host.xml')}`;
const ADMIN_PASSWORD = 'bench-Admin-7d41c9';
const USER_PASSWORD = 'bench-User-2b8e50';
const VM_COUNT = 50;

const QUERIES = [
  { name: 'small', file: path.join(here, 'queries/small.graphql') },
  { name: 'nested', file: path.join(here, 'queries/nested.graphql') },
  // GraphiQL's introspection query (graphql-js getIntrospectionQuery()).
  { name: 'introspection', file: path.join(root, 'bench/graphql/queries/introspection.graphql') },
];

function parseArgs(argv) {
  const o = {
    epfiotd: null, npm: null, work: null, seconds: 10, connections: 8, threads: 1,
    smoke: false, json: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--epfiotd') o.epfiotd = argv[++i];
    else if (a === '--npm') o.npm = argv[++i];
    else if (a === '--work') o.work = argv[++i];
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--connections') o.connections = Number(argv[++i]);
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else if (a === '--smoke') o.smoke = true;
    else if (a === '--json') o.json = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.epfiotd || !o.npm || !o.work) throw new Error('--epfiotd, --npm and --work are required');
  if (o.smoke) o.seconds = 1;
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// ---- Processes ----------------------------------------------------------------

// Every server this script starts, stopped by PID even when it fails.
const children = new Set();
process.on('exit', () => {
  for (const c of children) {
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

// Starts a server that prints "listening on http://ADDR:PORT" on stderr and
// resolves with { child, pid, url, log(), exited }.
function startServer(label, cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.work, env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let log = '';
    const exited = new Promise((res) => child.on('exit', (code, signal) => {
      children.delete(child);
      res({ code, signal });
    }));
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${log}`)), 30000);
    child.on('error', (e) => reject(new Error(`${label}: ${e.message}`)));
    exited.then(({ code, signal }) => reject(new Error(`${label} exited (${code ?? signal}):\n${log}`)));
    child.stderr.on('data', (b) => {
      log += b;
      const m = /listening on (http:\/\/[^\s]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, url: m[1], log: () => log, exited });
      }
    });
  });
}

async function stopServer(s, label) {
  process.kill(s.pid, 'SIGTERM');
  let timer;
  const timeout = new Promise((res) => { timer = setTimeout(() => res(null), 15000); });
  const r = await Promise.race([s.exited, timeout]);
  clearTimeout(timer); // else it keeps this process alive for 15 s
  if (r === null) {
    process.kill(s.pid, 'SIGKILL');
    throw new Error(`${label} did not stop within 15 s of SIGTERM`);
  }
  return r;
}

// VmRSS, RssAnon and RssFile of a process, and from smaps_rollup its PSS
// (shared library pages divided among the processes mapping them) and
// private dirty pages (what the process itself costs the machine), in kB.
function rss(pid) {
  const kb = (text, k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  let rollup = '';
  try { rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'); } catch { /* older kernels */ }
  return {
    rss: kb(status, 'VmRSS'), anon: kb(status, 'RssAnon'), file: kb(status, 'RssFile'),
    pss: kb(rollup, 'Pss'), privateDirty: kb(rollup, 'Private_Dirty'),
  };
}

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

// ---- GraphQL over HTTP ------------------------------------------------------------

async function post(url, query, auth, variables) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  if (auth) headers.authorization = `Bearer ${auth}`;
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', headers, body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, text: await res.text() };
}

// A request that must succeed: returns `data`, throws with the response otherwise.
async function gql(url, query, auth, variables) {
  const r = await post(url, query, auth, variables);
  const body = JSON.parse(r.text);
  if (r.status !== 200 || body.errors) {
    throw new Error(`${query.split('\n')[0]} -> ${r.status} ${r.text}`);
  }
  return body.data;
}

// ---- Seeding --------------------------------------------------------------------

// The data the benchmark reads, made through the API as a user would: VMs of
// both base images and several sizes, some running, some with things, two
// with a USB device. Returns the bench user's API token secret.
async function seed(url) {
  const login = `mutation($n: String!, $p: String!) { login(name: $n, password: $p) { token } }`;
  const admin = (await gql(url, login, null, { n: 'admin', p: ADMIN_PASSWORD })).login.token;
  await gql(url, `mutation($p: String!) { createUser(name: "bench", password: $p) { id } }`,
    admin, { p: USER_PASSWORD });
  const session = (await gql(url, login, null, { n: 'bench', p: USER_PASSWORD })).login.token;
  const secret = (await gql(url, `mutation { createToken(name: "wrk") { secret } }`, session))
    .createToken.secret;

  const images = (await gql(url, '{ images { name } }', secret)).images.map((i) => i.name).sort();
  const createVm = `mutation($vm: VmInput!) { createVm(vm: $vm) { id } }`;
  const ids = [];
  for (let i = 1; i <= VM_COUNT; i++) {
    const vm = {
      name: `vm-${String(i).padStart(2, '0')}`,
      base: images[i % images.length],
      vcpu: 1 + (i % 4),
      memory: 256 * (1 + (i % 3)),
      config: { user: 'pi', password: `pw-${i}` },
    };
    ids.push((await gql(url, createVm, secret, { vm })).createVm.id);
  }
  if (ids[0] !== '1') throw new Error(`the first VM has ID ${ids[0]}; queries/small.graphql reads VM 1`);

  const createThing = `mutation($t: ThingInput!, $vm: ID!) { createThingVm(thing: $t, vmID: $vm) { id } }`;
  for (let i = 0; i < VM_COUNT; i += 5) {
    for (let k = 0; k < 2; k++) {
      const thing = { name: `sensor-${i + 1}-${k}`, info: `temperature probe ${k}`, server: '' };
      await gql(url, createThing, secret, { t: thing, vm: ids[i] });
    }
  }
  const devs = (await gql(url, '{ getUsb { id } }', secret)).getUsb.map((d) => d.id);
  for (let k = 0; k < Math.min(2, devs.length); k++) {
    await gql(url, `mutation($d: ID!, $vm: ID!) { attachDevice(devID: $d, vmID: $vm) }`,
      secret, { d: devs[k], vm: ids[k * 7] });
  }
  for (let i = 0; i < VM_COUNT; i += 4) {
    await gql(url, `mutation($vm: ID!) { powerON(vmID: $vm) { state } }`, secret, { vm: ids[i] });
  }
  return secret;
}

// Everything the bench user sees, with references as IDs (server.mjs links them).
const SNAPSHOT = `{
  me { id name role createdAt }
  getVms { id name base vcpu memory ip state uuid createdAt configUser pendingChanges
           owner { id } dev { id } things { id } }
  getUsb { id bus device info vendorId productId serial port present vm { id } }
  getThings { id name info state lastBootstrapAt lastError endpoint vm { id } }
  images { name format capacity }
  host { virtualization cpus memory freeMemory warning }
}`;

async function snapshot(url, secret) {
  const d = await gql(url, SNAPSHOT, secret);
  return {
    me: d.me, users: [d.me], vms: d.getVms, devices: d.getUsb, things: d.getThings,
    images: d.images, host: d.host,
  };
}

// ---- Comparison and timing ------------------------------------------------------

// Both servers must return the same JSON for every query (key order kept:
// selection order is part of the GraphQL contract).
async function compare(daemonUrl, nodeUrl, secret) {
  let ok = true;
  for (const q of QUERIES) {
    const a = await post(daemonUrl, q.source, secret);
    const b = await post(nodeUrl, q.source, secret);
    const na = JSON.stringify(JSON.parse(a.text));
    const nb = JSON.stringify(JSON.parse(b.text));
    const good = a.status === 200 && b.status === 200 && na === nb && !JSON.parse(a.text).errors;
    q.responseBytes = { epfiotd: Buffer.byteLength(a.text), graphqljs: Buffer.byteLength(b.text) };
    if (!good) {
      ok = false;
      fs.writeFileSync(path.join(opts.work, `${q.name}.epfiotd.json`), a.text);
      fs.writeFileSync(path.join(opts.work, `${q.name}.graphqljs.json`), b.text);
      console.error(`${q.name}: responses differ (epfiotd ${a.status}, graphql-js ${b.status}); ` +
        `both kept in ${opts.work}`);
    }
  }
  return ok;
}

// One wrk run. A request slower than 10 s counts as a timeout (wrk's
// default of 2 s is too short on a loaded machine for graphql-js's cold
// start). `strict`: any error fails the run; warm-ups are not strict.
function wrk(url, bodyFile, secret, seconds, strict = true) {
  return new Promise((resolve, reject) => {
    const args = ['-t', String(opts.threads), '-c', String(opts.connections), '-d', `${seconds}s`,
      '--timeout', '10s', '-s', path.join(here, 'wrk.lua'), `${url}/graphql`];
    const env = { ...process.env, BENCH_BODY_FILE: bodyFile, BENCH_AUTH: `Bearer ${secret}` };
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { out += b; });
    child.on('error', (e) => reject(new Error(`wrk: ${e.message}`)));
    child.on('exit', (code) => {
      const m = /^BENCH_RESULT (.*)$/m.exec(out);
      if (code !== 0 || !m) return reject(new Error(`wrk failed (${code}):\n${out}`));
      const r = JSON.parse(m[1]);
      const errors = Object.values(r.errors).reduce((s, n) => s + n, 0);
      if (strict && (r.requests === 0 || errors > 0)) {
        return reject(new Error(`wrk against ${url}: ${r.requests} requests, errors ${JSON.stringify(r.errors)}`));
      }
      r.rps = r.requests / (r.duration_us / 1e6);
      resolve(r);
    });
  });
}

const ms = (us) => (us / 1000).toFixed(2);
const mb = (kb) => (kb / 1024).toFixed(1);

function table(results) {
  const head = ['query', 'epfiotd req/s', 'p50 ms', 'p99 ms', 'graphql-js req/s', 'p50 ms', 'p99 ms', 'ratio'];
  const rows = results.map((r) => [
    r.name, r.epfiotd.rps.toFixed(0), ms(r.epfiotd.p50_us), ms(r.epfiotd.p99_us),
    r.graphqljs.rps.toFixed(0), ms(r.graphqljs.p50_us), ms(r.graphqljs.p99_us),
    `${(r.epfiotd.rps / r.graphqljs.rps).toFixed(1)}x`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  return [line(head), `|${w.map((n, i) => (i === 0 ? '-'.repeat(n + 1) + '-' : '-'.repeat(n + 1) + ':')).join('|')}|`,
    ...rows.map(line)].join('\n');
}

// ---- The run ----------------------------------------------------------------------

async function main() {
  for (const q of QUERIES) {
    q.source = fs.readFileSync(q.file, 'utf8');
    q.bodyFile = path.join(opts.work, `${q.name}.body.json`);
    fs.writeFileSync(q.bodyFile, JSON.stringify({ query: q.source }));
  }
  const pwFile = path.join(opts.work, 'admin-password');
  fs.writeFileSync(pwFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
  const conf = path.join(opts.work, 'epfiotd.conf');
  fs.writeFileSync(conf, '');
  const env = { ...process.env };
  delete env.EPFIOT_ADMIN_PASSWORD;

  const daemon = await startServer('epfiotd', opts.epfiotd, ['--config', conf,
    '--listen', '127.0.0.1', '--port', '0', '--database', path.join(opts.work, 'epfiot.db'),
    '--libvirt-uri', HOST_URI, '--image-pool', 'default-pool', '--network', 'epfiot',
    '--lwm2m-port', '-1', '--lwm2m-dtls-port', '-1', '--admin-password-file', pwFile], env);
  await sleep(500);
  const rssStart = rss(daemon.pid);
  console.error(`epfiotd ${daemon.url} (pid ${daemon.pid}); seeding ${VM_COUNT} VMs through the API`);

  const secret = await seed(daemon.url);
  const snap = await snapshot(daemon.url, secret);
  const sdlFile = path.join(opts.work, 'schema.graphql');
  const dataFile = path.join(opts.work, 'data.json');
  const tokenFile = path.join(opts.work, 'token');
  fs.writeFileSync(dataFile, JSON.stringify(snap));
  fs.writeFileSync(tokenFile, secret, { mode: 0o600 });
  fs.writeFileSync(sdlFile, await printSchema());
  await sleep(1000);
  const rssSeeded = rss(daemon.pid);

  const node = await startServer('graphql-js server', process.execPath, [path.join(here, 'server.mjs'),
    '--npm', opts.npm, '--sdl', sdlFile, '--data', dataFile, '--token-file', tokenFile],
  { ...process.env, NODE_ENV: 'production' });
  console.error(`graphql-js ${node.url} (pid ${node.pid})`);

  if (!(await compare(daemon.url, node.url, secret))) throw new Error('the servers answer differently');
  console.error(`same responses from both for ${QUERIES.map((q) => q.name).join(', ')}`);

  const results = [];
  for (const q of QUERIES) {
    if (!opts.smoke) {
      // JIT warm-up for graphql-js; the daemon gets the same, for symmetry.
      await wrk(node.url, q.bodyFile, secret, 2, false);
      await wrk(daemon.url, q.bodyFile, secret, 2, false);
    }
    console.error(`${q.name}: wrk ${opts.seconds} s x ${opts.connections} connections per server`);
    const r = { name: q.name, bytes: q.responseBytes };
    r.epfiotd = await wrk(daemon.url, q.bodyFile, secret, opts.seconds);
    r.graphqljs = await wrk(node.url, q.bodyFile, secret, opts.seconds);
    results.push(r);
  }
  await sleep(1000);
  const rssAfter = rss(daemon.pid);
  const nodeRss = rss(node.pid);

  await stopServer(node, 'graphql-js server');
  const exit = await stopServer(daemon, 'epfiotd');
  if (exit.code !== 0) throw new Error(`epfiotd exited with ${exit.code ?? exit.signal} on SIGTERM:\n${daemon.log()}`);

  console.log(`wrk: ${opts.threads} thread(s), ${opts.connections} connections, ${opts.seconds} s per run; ` +
    `${VM_COUNT} VMs; ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `load average ${os.loadavg()[0].toFixed(1)} (both servers and wrk share these CPUs)`);
  console.log(table(results));
  console.log(`response bytes: ${results.map((r) => `${r.name} ${r.bytes.epfiotd}`).join(', ')}`);
  console.log(`epfiotd RSS: ${mb(rssStart.rss)} MB at start, ${mb(rssSeeded.rss)} MB seeded and idle, ` +
    `${mb(rssAfter.rss)} MB idle after the runs (anonymous ${mb(rssAfter.anon)} MB, ` +
    `file-backed ${mb(rssAfter.file)} MB; PSS ${mb(rssAfter.pss)} MB, private dirty ` +
    `${mb(rssAfter.privateDirty)} MB); graphql-js server ${mb(nodeRss.rss)} MB`);
  const fast = results.every((r) => r.epfiotd.rps >= 5 * r.graphqljs.rps && r.epfiotd.p99_us < r.graphqljs.p99_us);
  const small = Math.max(rssStart.rss, rssSeeded.rss, rssAfter.rss) < 10 * 1024;
  console.log(`target >= 5x req/s with lower p99 on every query: ${fast ? 'met' : 'NOT met'}` +
    (opts.smoke ? ' (smoke run: 1 s timings mean little)' : ''));
  console.log(`target idle RSS < 10 MB: ${small ? 'met' : 'NOT met'}`);
  if (opts.json) {
    fs.writeFileSync(opts.json, JSON.stringify({
      seconds: opts.seconds, connections: opts.connections, threads: opts.threads, results,
      rss: { start: rssStart, seeded: rssSeeded, after: rssAfter, graphqljs: nodeRss },
    }, null, 2));
  }
}

function printSchema() {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.epfiotd, ['--print-schema'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`--print-schema exited ${code}`))));
  });
}

main().catch((e) => {
  console.error(`bench/api: ${e.message}`);
  // The exit handler stops the servers still running (their pipes would
  // otherwise keep this process alive).
  process.exit(1);
});
