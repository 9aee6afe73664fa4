// bench.mjs -- the graphql-js side of bench/graphql, and the comparison.
//
// Runs the same queries (bench/graphql/queries/) against the same schema and
// data (tests/graphql/diff/schemas/test.graphql + test-data.json as the root
// value; graphql-js's default resolvers read properties and resolve abstract
// types by __typename, which is what json_bind does in C) with graphql():
// parse + validate + execute + JSON.stringify per request, after a warm-up.
//
// With --c-results FILE (bench_graphql --json output) and --c-out DIR (its
// responses), it also checks that both sides produce the same normalised
// result for every query and prints the comparison table. Exit status 1 when
// a result differs.
//
// Usage: node --expose-gc --max-semi-space-size=64 bench.mjs --graphql DIR
//          [--seconds S] [--c-results FILE] [--c-out DIR]
//   --graphql DIR   directory holding node_modules/graphql (17.1.0)
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function parseArgs(argv) {
  const o = { seconds: 2, graphql: null, cResults: null, cOut: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--graphql') o.graphql = argv[++i];
    else if (a === '--c-results') o.cResults = argv[++i];
    else if (a === '--c-out') o.cOut = argv[++i];
    else if (a === '--only') o.only = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const require = createRequire(path.join(path.resolve(opts.graphql ?? here), 'package.json'));
const { graphql, buildSchema, version } = require('graphql');

const schemaDir = path.join(root, 'tests/graphql/diff/schemas');
const schema = buildSchema(fs.readFileSync(path.join(schemaDir, 'test.graphql'), 'utf8'));
const data = JSON.parse(fs.readFileSync(path.join(schemaDir, 'test-data.json'), 'utf8'));

const queries = [
  { name: 'small', file: 'small.graphql' },
  { name: 'items', file: 'items.graphql' },
  { name: 'introspection', file: 'introspection.graphql' },
].filter((q) => !opts.only || q.name === opts.only);

// One request as a server does it: the response serialised to JSON text.
async function request(source) {
  const result = await graphql({ schema, source, rootValue: data });
  return JSON.stringify(result);
}

async function measure(source, seconds) {
  for (let i = 0; i < 200; i++) await request(source); // warm-up (JIT)
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  do {
    for (let i = 0; i < 10; i++) await request(source);
    n += 10;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < limit);
  // CPU time of the whole process (the main thread, and the GC and JIT
  // threads working for it): steadier than wall time on a loaded machine.
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { ops: n / (Number(elapsed) / 1e9), cpuOps: n / cpuSeconds, iters: n };
}

// Heap growth of one request: collect, run once, read heapUsed. The young
// generation is made large (--max-semi-space-size) so that no scavenge runs
// inside the request; the median of several samples drops outliers.
async function heapPerRequest(source) {
  if (typeof global.gc !== 'function') return null;
  const samples = [];
  for (let i = 0; i < 15; i++) {
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const text = await request(source);
    const after = process.memoryUsage().heapUsed;
    if (!text) throw new Error('empty response');  // keeps the response alive until here
    samples.push(after - before);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

// Key order is part of the contract (selection order), so it is compared
// as is; only whitespace and number spelling are normalised by the
// parse + stringify round trip.
function normalise(text) {
  return JSON.stringify(JSON.parse(text));
}

function fmt(n, digits = 0) {
  return n == null ? '-' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
}

const cResults = {};
if (opts.cResults)
  for (const line of fs.readFileSync(opts.cResults, 'utf8').split('\n'))
    if (line.trim()) {
      const r = JSON.parse(line);
      cResults[r.name] = r;
    }

let failed = false;
const rows = [];
for (const q of queries) {
  const source = fs.readFileSync(path.join(here, 'queries', q.file), 'utf8');
  const js = normalise(await request(source));
  let same = null;
  if (opts.cOut) {
    const cFile = path.join(opts.cOut, `${q.name}.json`);
    const c = fs.existsSync(cFile) ? normalise(fs.readFileSync(cFile, 'utf8')) : null;
    same = c === js;
    if (!same) {
      failed = true;
      fs.writeFileSync(path.join(opts.cOut, `${q.name}.graphql-js.json`), js);
      console.error(`${q.name}: the C and graphql-js results differ ` +
        `(see ${cFile} and ${q.name}.graphql-js.json)`);
    }
  }
  const heap = await heapPerRequest(source);
  const { ops, cpuOps, iters } = await measure(source, opts.seconds);
  rows.push({ name: q.name, ops, cpuOps, iters, heap, same, bytes: Buffer.byteLength(js) });
}
const rssKiB = process.resourceUsage().maxRSS;

console.log(`graphql-js ${version}, node ${process.version}; ${opts.seconds} s per timed run`);
console.log('');
const head = ['query', 'C ops/s', 'C cached', 'JS ops/s', 'ratio', 'ratio cached', 'ratio CPU',
  'C heap B/req', 'C peak B/req', 'JS heap B/req', 'same result'];
const table = [head];
for (const r of rows) {
  const c = cResults[r.name];
  table.push([
    r.name,
    fmt(c?.ops_pipeline),
    fmt(c?.ops_cached),
    fmt(r.ops),
    c ? `${fmt(c.ops_pipeline / r.ops, 1)}x` : '-',
    c ? `${fmt(c.ops_cached / r.ops, 1)}x` : '-',
    c?.cpu_ops_pipeline ? `${fmt(c.cpu_ops_pipeline / r.cpuOps, 1)}x` : '-',
    fmt(c?.heap_allocated),
    fmt(c?.heap_peak),
    fmt(r.heap),
    r.same == null ? '-' : r.same ? 'yes' : 'NO',
  ]);
}
const widths = head.map((_, i) => Math.max(...table.map((row) => String(row[i]).length)));
for (const row of table)
  console.log(row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i])
    : String(cell).padStart(widths[i]))).join('  '));
console.log('');
const cProcess = cResults.process;
console.log('ratio: C ops/s over graphql-js ops/s, both without a document cache (cached: the C side\n' +
  'with its cache); ratio CPU: the same per second of process CPU time, steadier under load.');
console.log(`peak RSS: C ${cProcess ? fmt(cProcess.peak_rss_kib) + ' KiB' : '-'}, ` +
  `graphql-js ${fmt(rssKiB)} KiB (whole process)`);
if (rows.some((r) => cResults[r.name] && cResults[r.name].ops_pipeline / r.ops < 10))
  console.log('note: below the 10x target for at least one query');
process.exit(failed ? 1 : 0);
