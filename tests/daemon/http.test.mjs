// http.test.mjs -- GraphQL over HTTP as the daemon speaks it: the
// graphql-http 1.23.1 audit (serverAudits, with a bearer token injected by
// fetchFn: no error, no warning), methods, media types and status codes,
// malformed JSON, malformed HTTP over raw sockets (node:net), keep-alive,
// /healthz and /metrics. The daemon must survive all of it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as h from './daemon.mjs';

let d, admin;
before(async () => {
  d = await h.startDaemon({ args: ['--max-body', '65536', '--request-timeout', String(5 * h.SLOW)] });
  admin = await h.adminToken(d);
});
after(async () => { await d.stop(); h.removeDir(d.dir); });

const auth = () => ({ authorization: `Bearer ${admin}` });
const post = (body, headers = {}, path = '/graphql') => fetch(`${d.url}${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...auth(), ...headers }, body,
});
const get = (qs, headers = {}) => fetch(`${d.url}/graphql?${qs}`, { headers: { ...auth(), ...headers } });
const GRJ = 'application/graphql-response+json';

// Sends raw bytes, returns everything the server answered until it closed
// (or `ms` passed).
function raw(bytes, ms = 3000 * h.SLOW) {
  return new Promise((resolve, reject) => {
    const s = connect(d.port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve(out); }, ms);
    s.on('data', (b) => { out += b.toString('latin1'); });
    s.on('error', (e) => { clearTimeout(timer); if (out) resolve(out); else if (e.code === 'ECONNRESET') resolve(out); else reject(e); });
    s.on('close', () => { clearTimeout(timer); resolve(out); });
    s.write(bytes);
  });
}
const statusOf = (text) => Number((/^HTTP\/1\.[01] (\d{3})/.exec(text) || [])[1] || 0);

async function alive() {
  const r = await fetch(`${d.url}/healthz`);
  assert.equal(r.status, 200);
}

describe('the graphql-http audit', () => {
  const npm = process.env.EPFIOT_AUDIT_NPM_DIR;
  it('serverAudits reports no error and no warning', { skip: !npm && 'run through run.sh (needs graphql-http)' }, async () => {
    const require = createRequire(join(npm, 'package.json'));
    const { serverAudits } = require('graphql-http');
    const fetchFn = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${admin}`);
      return fetch(input, { ...init, headers });
    };
    const bad = [];
    let n = 0;
    for (const audit of serverAudits({ url: () => `${d.url}/graphql`, fetchFn })) {
      const r = await audit.fn();
      n++;
      if (r.status !== 'ok') bad.push(`${r.status} ${audit.id} ${audit.name}: ${r.reason}`);
    }
    assert.ok(n > 30, `only ${n} audits`);
    assert.deepEqual(bad, []);
  });
});

describe('methods, media types and status codes', () => {
  it('GET runs a query', async () => {
    const r = await get('query=' + encodeURIComponent('{ me { name } }'));
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { data: { me: { name: 'admin' } } });
  });

  it('GET with a mutation is 405 with Allow: POST, and does not run it', async () => {
    const r = await get('query=' + encodeURIComponent('mutation { createUser(name: "viaget", password: "viaget-pw-1") { id } }'));
    assert.equal(r.status, 405);
    assert.match(r.headers.get('allow'), /POST/);
    const users = (await h.ok(d, '{ getUsers { name } }', null, admin)).getUsers;
    assert.ok(!users.some((u) => u.name === 'viaget'));
  });

  it('Accept: application/graphql-response+json gets that media type', async () => {
    const r = await post(JSON.stringify({ query: '{ me { id } }' }), { accept: GRJ });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/graphql-response\+json/);
  });

  it('Accept: application/json gets application/json', async () => {
    const r = await post(JSON.stringify({ query: '{ me { id } }' }), { accept: 'application/json' });
    assert.match(r.headers.get('content-type'), /^application\/json/);
  });

  it('an Accept the server cannot meet is 406', async () => {
    const r = await post(JSON.stringify({ query: '{ me { id } }' }), { accept: 'text/html' });
    assert.equal(r.status, 406);
  });

  it('a POST body that is not JSON (Content-Type text/plain) is 415', async () => {
    const r = await post('{ me { id } }', { 'content-type': 'text/plain' });
    assert.equal(r.status, 415);
  });

  it('a body over the size limit is 413', async () => {
    const r = await post(JSON.stringify({ query: `{ me { id } } #${'x'.repeat(70000)}` }));
    assert.equal(r.status, 413);
    await alive();
  });

  it('a syntax error is 400 under graphql-response+json', async () => {
    const r = await post(JSON.stringify({ query: '{ me { ' }), { accept: GRJ });
    assert.equal(r.status, 400);
    assert.ok((await r.json()).errors.length);
  });

  it('a syntax error is 200 with errors under application/json', async () => {
    const r = await post(JSON.stringify({ query: '{ me { ' }), { accept: 'application/json' });
    assert.equal(r.status, 200);
    assert.ok((await r.json()).errors.length);
  });

  it('a validation error (unknown field) is 400 under graphql-response+json', async () => {
    const r = await post(JSON.stringify({ query: '{ me { password } }' }), { accept: GRJ });
    assert.equal(r.status, 400);
  });

  it('a variable that does not coerce is 400 under graphql-response+json', async () => {
    const r = await post(JSON.stringify({ query: 'query($id: ID!) { getVm(id: $id) { id } }', variables: { id: { nested: true } } }), { accept: GRJ });
    assert.equal(r.status, 400);
  });

  it('a resolver error keeps 200 with data and errors', async () => {
    const r = await post(JSON.stringify({ query: '{ getVm(id: "424242") { id } }' }), { accept: GRJ });
    assert.equal(r.status, 200);
    const j = await r.json();
    assert.deepEqual(j.data, { getVm: null });
  });

  it('an anonymous request with an invalid document is 401, not a validation message', async () => {
    const r = await fetch(`${d.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ secretField }' }) });
    assert.equal(r.status, 401);
    assert.ok(!(await r.text()).includes('secretField'));
  });

  it('/query is an alias of /graphql', async () => {
    const r = await post(JSON.stringify({ query: '{ me { name } }' }), {}, '/query');
    assert.deepEqual(await r.json(), { data: { me: { name: 'admin' } } });
  });

  it('an unknown path is 404', async () => {
    const r = await fetch(`${d.url}/no-such-thing`, { headers: auth() });
    assert.equal(r.status, 404);
  });
});

describe('malformed JSON', () => {
  for (const [what, body] of [
    ['truncated JSON', '{"query": "{ me { id } }"'],
    ['an empty body', ''],
    ['a JSON array', '[{"query": "{ me { id } }"}]'],
    ['a JSON string', '"{ me { id } }"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
    ['a query that is not a string', '{"query": 42}'],
    ['no query at all', '{"variables": {}}'],
    ['variables that are not an object', '{"query": "{ me { id } }", "variables": [1]}'],
    ['operationName that is not a string', '{"query": "{ me { id } }", "operationName": 7}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x71, 0x75, 0x65, 0x72, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ['a lone surrogate escape', '{"query": "{ me { id } } #\\ud800"}'],
    ['trailing garbage', '{"query": "{ me { id } }"} xyz'],
    ['deeply nested arrays', '{"query": "{ me { id } }", "variables": {"a": ' + '['.repeat(20000) + ']'.repeat(20000) + '}}'],
  ]) {
    it(`${what} is 400 and the daemon keeps serving`, async () => {
      const r = await post(body, { accept: GRJ });
      assert.equal(r.status, 400, await r.text());
      await alive();
    });
  }

  it('a huge integer variable does not wrap: getVm(id: 2^64+1) is not VM 1', async () => {
    const vm = await h.makeVm(d, admin, 'wrap1');
    const r = await post(`{"query": "query($id: ID!) { getVm(id: $id) { id } }", "variables": {"id": 18446744073709551617}}`);
    const j = await r.json();
    assert.ok(!(j.data && j.data.getVm && j.data.getVm.id === vm.id), JSON.stringify(j));
  });
});

describe('malformed HTTP', () => {
  it('a garbage request line is 400', async () => {
    const out = await raw('HELLO THERE\r\n\r\n');
    assert.equal(statusOf(out), 400, out);
    await alive();
  });

  it('an unsupported HTTP version is 505', async () => {
    const out = await raw('GET /healthz HTTP/7.3\r\nHost: x\r\n\r\n');
    assert.equal(statusOf(out), 505, out);
    await alive();
  });

  it('binary noise gets no 2xx and the daemon keeps serving', async () => {
    const noise = Buffer.alloc(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) & 0xff;
    const out = await raw(noise);
    assert.ok(!/^HTTP\/1\.[01] 2/.test(out), out.slice(0, 80));
    await alive();
  });

  it('huge headers are 431', async () => {
    const out = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    assert.equal(statusOf(out), 431, out.slice(0, 80));
    await alive();
  });

  it('a non-numeric Content-Length is 400', async () => {
    const out = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`);
    assert.equal(statusOf(out), 400, out.slice(0, 80));
    await alive();
  });

  it('a negative Content-Length is 400', async () => {
    const out = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`);
    assert.equal(statusOf(out), 400, out.slice(0, 80));
    await alive();
  });

  it('two different Content-Lengths are 400 (no request smuggling)', async () => {
    const out = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 30\r\n\r\n{}`);
    assert.equal(statusOf(out), 400, out.slice(0, 80));
    await alive();
  });

  it('Content-Length together with Transfer-Encoding is 400 (no request smuggling)', async () => {
    const out = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
    assert.equal(statusOf(out), 400, out.slice(0, 80));
    await alive();
  });

  it('a Content-Length far beyond the limit is 413 without waiting for the body', async () => {
    const out = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{`);
    assert.ok([400, 413].includes(statusOf(out)), out.slice(0, 80));
    await alive();
  });

  it('a body shorter than its Content-Length, then a closed connection, does not run the request', async () => {
    const body = '{"query":"mutation { createUser(name: \\"halfway\\", password: \\"halfway-pw-1\\") { id } }"}';
    const s = connect(d.port, '127.0.0.1');
    await new Promise((r) => s.on('connect', r));
    s.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, body.length - 5)}`);
    await h.sleep(200);
    s.destroy();
    await h.sleep(300);
    const users = (await h.ok(d, '{ getUsers { name } }', null, admin)).getUsers;
    assert.ok(!users.some((u) => u.name === 'halfway'));
  });

  it('a request without Host under HTTP/1.1 is 400', async () => {
    const out = await raw('GET /healthz HTTP/1.1\r\n\r\n');
    assert.equal(statusOf(out), 400, out.slice(0, 80));
  });

  it('a header line without a colon is 400', async () => {
    const out = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n');
    assert.equal(statusOf(out), 400, out.slice(0, 80));
    await alive();
  });

  it('an idle connection that sends nothing is closed by the server', async () => {
    const t0 = Date.now();
    const out = await raw('', 30000 * h.SLOW);
    assert.ok(Date.now() - t0 < 30000 * h.SLOW, 'still open');
    assert.ok(!/^HTTP\/1\.[01] 2/.test(out));
  });

  it('two requests on one keep-alive connection both get answers', async () => {
    const out = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal((out.match(/HTTP\/1\.1 200/g) || []).length, 2, out);
  });
});

describe('health and metrics', () => {
  it('/healthz answers anonymously', async () => {
    const r = await fetch(`${d.url}/healthz`);
    assert.equal(r.status, 200);
  });

  it('/metrics needs credentials', async () => {
    assert.equal((await fetch(`${d.url}/metrics`)).status, 401);
  });

  const metrics = async () => {
    const r = await fetch(`${d.url}/metrics`, { headers: auth() });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    return r.text();
  };
  // The value of one sample line, 0 when absent.
  const sample = (text, name) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  };

  it('/metrics is Prometheus text with a TYPE line for every metric family', async () => {
    const text = await metrics();
    for (const fam of ['epfiot_http_requests_total', 'epfiot_http_request_duration_seconds', 'epfiot_graphql_errors_total', 'epfiot_vms', 'epfiot_things']) {
      assert.match(text, new RegExp(`^# TYPE ${fam} (counter|gauge|histogram)$`, 'm'), fam);
    }
  });

  it('/metrics counts requests and their latencies', async () => {
    const before_ = await metrics();
    const name = 'epfiot_http_requests_total{path="/graphql",code="200"}';
    const count = 'epfiot_http_request_duration_seconds_count{path="/graphql"}';
    await h.ok(d, '{ me { id } }', null, admin);
    // A request is counted when libmicrohttpd reports it completed, which
    // can come just after the client has read the response: scrape until
    // it shows (a scrape never counts itself, it is still in flight).
    const deadline = Date.now() + 20000 * h.SLOW;
    let after_ = await metrics();
    while (!(sample(after_, name) > sample(before_, name) && sample(after_, count) > sample(before_, count)) &&
           Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after_ = await metrics();
    }
    assert.ok(sample(after_, name) > sample(before_, name));
    assert.ok(sample(after_, count) > sample(before_, count));
  });

  it('/metrics counts GraphQL errors', async () => {
    const before_ = sample(await metrics(), 'epfiot_graphql_errors_total');
    await h.gql(d, '{ getVm(id: "5555") { id } }', null, admin);
    assert.ok(sample(await metrics(), 'epfiot_graphql_errors_total') > before_);
  });

  it('/metrics counts VMs per state', async () => {
    const running = 'epfiot_vms{state="RUNNING"}';
    const off = 'epfiot_vms{state="POWEROFF"}';
    const before_ = await metrics();
    const vm = await h.makeVm(d, admin, 'metered');
    const mid = await metrics();
    assert.equal(sample(mid, off), sample(before_, off) + 1);
    await h.ok(d, `mutation { powerON(vmID: "${vm.id}") { state } }`, null, admin);
    const after_ = await metrics();
    assert.equal(sample(after_, running), sample(mid, running) + 1);
    assert.equal(sample(after_, off), sample(mid, off) - 1);
  });

  it('/metrics counts things per state', async () => {
    const reg = 'epfiot_things{state="REGISTERED"}';
    const before_ = sample(await metrics(), reg);
    const vm = await h.makeVm(d, admin, 'thing-metered');
    await h.ok(d, `mutation { createThingVm(thing: {name: "m", info: "x", server: ""}, vmID: "${vm.id}") { id } }`, null, admin);
    assert.equal(sample(await metrics(), reg), before_ + 1);
  });
});
