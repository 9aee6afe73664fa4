// server.mjs -- the graphql-js side of bench/api: the EPFIOT schema served
// by graphql-js 17 and graphql-http's createHandler on node:http, with the
// data held in memory.
//
// It exists to give the daemon's numbers a reference point: what the usual
// JavaScript stack does with the same SDL (`epfiotd --print-schema`), the
// same data (a snapshot bench.mjs fetched from the seeded daemon, so both
// sides return the same JSON) and the same requests. Resolvers read plain
// objects linked in memory (a VM's owner is the user object, a user's vms
// the VM objects), so graphql-js pays no I/O at all; the daemon, in
// contrast, checks the bearer token against SQLite and reads its rows on
// every request. Only the read-only queries the snapshot covers are
// answered; mutations fail (this is a benchmark server, not the API).
//
// Like the daemon, a request without the expected bearer token gets 401,
// so both sides do an authentication check per request.
//
// Usage: node server.mjs --npm DIR --sdl FILE --data FILE --token-file FILE
//          [--listen 127.0.0.1] [--port 0]
//   --npm DIR         directory holding node_modules/graphql and graphql-http
//   --data FILE       the snapshot (see bench.mjs: users, vms, devices, things, ...)
//   --token-file FILE the bearer secret requests must carry
// Prints "listening on http://ADDR:PORT" on stderr once it accepts requests.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { timingSafeEqual } from 'node:crypto';

function parseArgs(argv) {
  const o = { npm: null, sdl: null, data: null, tokenFile: null, listen: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--npm') o.npm = argv[++i];
    else if (a === '--sdl') o.sdl = argv[++i];
    else if (a === '--data') o.data = argv[++i];
    else if (a === '--token-file') o.tokenFile = argv[++i];
    else if (a === '--listen') o.listen = argv[++i];
    else if (a === '--port') o.port = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['npm', 'sdl', 'data', 'tokenFile']) {
    if (!o[k]) throw new Error(`--${k === 'tokenFile' ? 'token-file' : k} is required`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
// CommonJS resolution from the npm directory: graphql 17 maps both `import`
// and `require` to the same index.js under node, and graphql-http's CJS
// build requires it too, so there is one graphql instance (schema instanceof
// checks hold).
const require = createRequire(path.join(path.resolve(opts.npm), 'package.json'));
const { buildSchema } = require('graphql');
const { createHandler } = require('graphql-http/lib/use/http');

const schema = buildSchema(fs.readFileSync(opts.sdl, 'utf8'));
const token = Buffer.from(fs.readFileSync(opts.tokenFile, 'utf8').trim());

// ---- The data: the snapshot linked into an object graph ---------------------

// Links the snapshot's flat lists by ID: every reference becomes the object
// itself, so default resolvers (property reads) answer nested selections.
function buildModel(snap) {
  const users = new Map(snap.users.map((u) => [u.id, { ...u }]));
  const vms = new Map(snap.vms.map((v) => [v.id, { ...v }]));
  const devs = new Map(snap.devices.map((d) => [d.id, { ...d }]));
  const things = new Map(snap.things.map((t) => [t.id, { ...t }]));
  const ref = (map, r) => (r ? map.get(r.id) ?? null : null);
  for (const v of vms.values()) {
    v.owner = ref(users, v.owner);
    v.dev = v.dev.map((d) => devs.get(d.id));
    v.things = v.things.map((t) => things.get(t.id));
  }
  for (const d of devs.values()) d.vm = ref(vms, d.vm);
  for (const t of things.values()) t.vm = ref(vms, t.vm);
  for (const u of users.values()) {
    u.vms = [...vms.values()].filter((v) => v.owner === u);
    u.things = [...things.values()].filter((t) => t.vm && t.vm.owner === u);
  }
  return { me: users.get(snap.me.id), users, vms, devs, things, images: snap.images, host: snap.host };
}

const model = buildModel(JSON.parse(fs.readFileSync(opts.data, 'utf8')));

function readOnly() {
  throw new Error('the graphql-js bench server is read-only');
}

// The caller is the snapshot's user; like the daemon, a user sees only their
// own VMs and things (the snapshot holds nothing else).
const rootValue = {
  getUser: ({ id }) => (id === model.me.id ? model.me : null),
  getUsers: () => [model.me],
  getVm: ({ id }) => model.vms.get(id) ?? null,
  getDev: ({ id }) => model.devs.get(id) ?? null,
  getThing: ({ id }) => model.things.get(id) ?? null,
  getVms: () => [...model.vms.values()],
  getUsb: () => [...model.devs.values()],
  getThings: () => [...model.things.values()],
  me: () => model.me,
  images: () => model.images,
  host: () => model.host,
};
for (const f of Object.keys(schema.getMutationType().getFields())) rootValue[f] = readOnly;

// ---- HTTP ---------------------------------------------------------------------

const handler = createHandler({ schema, rootValue });

function authorised(req) {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7));
  return given.length === token.length && timingSafeEqual(given, token);
}

const server = http.createServer((req, res) => {
  const url = req.url.split('?')[0];
  if (url !== '/graphql' && url !== '/query') {
    res.writeHead(404).end();
    return;
  }
  if (!authorised(req)) {
    res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
    res.end('{"errors":[{"message":"authentication required"}]}');
    return;
  }
  handler(req, res);
});
server.keepAliveTimeout = 30000;

// SIGTERM from bench.mjs: stop accepting, let the process end.
process.on('SIGTERM', () => server.close(() => process.exit(0)));

server.listen(opts.port, opts.listen, () => {
  const a = server.address();
  process.stderr.write(`listening on http://${a.address}:${a.port}\n`);
});
