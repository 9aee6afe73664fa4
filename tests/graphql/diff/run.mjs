// run.mjs -- differential tests: the EPFIOT GraphQL engine against graphql-js.
//
// Every case (cases/*.txt) runs through graphql-js 17.1.0 and through gqlrun
// (one process per schema, one JSON request per line). Both results are
// normalised (parsed and re-stringified) and compared:
//   - "data" present on both sides or on neither (request errors have none);
//   - "data" deeply equal, key order included (selection order is part of
//     the contract);
//   - "errors" equal in count, and each error's "path", "locations" and
//     "extensions" equal.
//     Errors are compared in order; if only the order differs (validation
//     errors are reported in rule order, which is an implementation detail)
//     the case passes and the order difference is reported as info.
//   - messages are compared too, but a difference is info only.
// Cases listed in known-differences.json are expected to differ, in exactly
// the listed aspects; the runner fails if they stop differing or differ in
// another way, so no difference is ever silently skipped.
//
// Usage: node run.mjs GQLRUN [--graphql-js DIR] [--filter TEXT] [--messages] [--verbose] [--show]
//                      [--gqlrun-arg ARG]... [--repeat N]
//   --gqlrun-arg passes ARG on to gqlrun (e.g. --cache 64); --repeat sends each
//   request N times in a row and fails a case whose answers are not identical
//   (with a document cache, the later answers come from it).
//   DIR is a directory with node_modules/graphql (default: $GRAPHQL_JS_DIR,
//   else /tmp/gqljs). --show prints graphql-js's result of every case.
//   Prints "diff: N passed, M failed"; exits 1 on failure.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const opts = { gqlrun: null, jsDir: process.env.GRAPHQL_JS_DIR || '/tmp/gqljs', filter: null,
  messages: false, verbose: false, show: false, repeat: 1, gqlrunArgs: [] };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--graphql-js') opts.jsDir = argv[++i];
  else if (a === '--filter') opts.filter = argv[++i];
  else if (a === '--messages') opts.messages = true;
  else if (a === '--verbose') opts.verbose = true;
  else if (a === '--show') opts.show = true;
  else if (a === '--repeat') opts.repeat = Math.max(1, parseInt(argv[++i], 10));
  else if (a === '--gqlrun-arg') opts.gqlrunArgs.push(argv[++i]);
  else if (!opts.gqlrun) opts.gqlrun = a;
  else throw new Error(`unexpected argument ${a}`);
}
if (!opts.gqlrun) {
  console.error('usage: node run.mjs GQLRUN [--graphql-js DIR] [--filter TEXT] [--messages] [--verbose]');
  process.exit(2);
}

const gql = await import(pathToFileURL(path.join(opts.jsDir, 'node_modules/graphql/index.mjs')).href);
if (gql.version !== '17.1.0') {
  console.error(`run.mjs: graphql-js 17.1.0 required, found ${gql.version} in ${opts.jsDir}`);
  process.exit(2);
}

// ------------------------------------------------------------------ schemas
const schemas = {};
for (const name of ['test', 'epfiot']) {
  const sdlPath = path.join(here, 'schemas', `${name}.graphql`);
  const dataPath = path.join(here, 'schemas', `${name}-data.json`);
  const schema = gql.buildSchema(fs.readFileSync(sdlPath, 'utf8'));
  const errs = gql.validateSchema(schema);
  if (errs.length) throw new Error(`${sdlPath}: ${errs.join('; ')}`);
  schemas[name] = { schema, sdlPath, dataPath, data: JSON.parse(fs.readFileSync(dataPath, 'utf8')) };
}

// The conventions gqlrun implements (tools/gqlrun.c), graphql-js side.
function fieldResolver(source, args, context, info) {
  if (info.fieldName.startsWith('echo')) return JSON.stringify(args);
  if (info.fieldName.startsWith('fail')) throw new Error(`fail: ${info.fieldName}`);
  return gql.defaultFieldResolver(source, args, context, info);
}

// -------------------------------------------------------------------- cases
// A case file holds cases separated by "=== name" lines. Header lines
// "key: value" follow, then "---" and the query text up to the next case.
// Keys: schema (test|epfiot), kind (query, or sdl: the text is a schema to
// build and its errors are compared), variables (JSON), operationName,
// query-json (the query as a JSON string, for exact bytes: BOM, CR, ...),
// introspection (getIntrospectionQuery options as JSON; gives the query).
// "@schema NAME" and "@kind KIND" before the first case set the file's defaults.
function loadCases() {
  const dir = path.join(here, 'cases');
  const cases = [];
  const seen = new Set();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    let defSchema = 'test';
    let defKind = 'query';
    let cur = null;
    let inBody = false;
    const finish = () => {
      if (!cur) return;
      if (cur.query === undefined) {
        // Drop the blank lines between cases; a query's own text is kept.
        while (cur.body.length && cur.body[cur.body.length - 1].trim() === '') cur.body.pop();
        cur.query = cur.body.join('\n');
      }
      delete cur.body;
      if (!cur.query && cur.query !== '') throw new Error(`${cur.file}: ${cur.name}: no query`);
      cases.push(cur);
    };
    lines.forEach((line, i) => {
      const where = `${file}:${i + 1}`;
      if (line.startsWith('=== ')) {
        finish();
        const name = line.slice(4).trim();
        if (seen.has(name)) throw new Error(`${where}: duplicate case name ${name}`);
        seen.add(name);
        cur = { name, file, schema: defSchema, kind: defKind, body: [] };
        inBody = false;
      } else if (!cur) {
        const m = /^@(schema|kind)\s+(\w+)/.exec(line);
        if (m && m[1] === 'schema') defSchema = m[2];
        if (m && m[1] === 'kind') defKind = m[2];
      } else if (inBody) {
        cur.body.push(line);
      } else if (line === '---') {
        inBody = true;
      } else if (line.trim() !== '') {
        const m = /^([\w-]+):\s?(.*)$/.exec(line);
        if (!m) throw new Error(`${where}: expected "key: value" or "---"`);
        const [, key, value] = m;
        if (key === 'schema') cur.schema = value.trim();
        else if (key === 'kind') cur.kind = value.trim();
        else if (key === 'variables') cur.variables = JSON.parse(value);
        else if (key === 'operationName') cur.operationName = JSON.parse(value);
        else if (key === 'query-json') cur.query = JSON.parse(value);
        else if (key === 'introspection') cur.query = gql.getIntrospectionQuery(JSON.parse(value));
        else throw new Error(`${where}: unknown key ${key}`);
      }
    });
    finish();
  }
  for (const c of cases) {
    if (!schemas[c.schema]) throw new Error(`${c.name}: unknown schema ${c.schema}`);
    if (c.kind !== 'query' && c.kind !== 'sdl') throw new Error(`${c.name}: unknown kind ${c.kind}`);
  }
  return cases;
}

// ---------------------------------------------------------------- graphql-js
// Schema building as graphql-js does it in buildSchema(): the SDL rules
// (validateSDL, whose errors buildSchema would throw without locations),
// then the type system rules (validateSchema). An error's first location is
// compared: gql_schema_build() reports one location per error.
const { validateSDL } = await import(
  pathToFileURL(path.join(opts.jsDir, 'node_modules/graphql/validation/validate.mjs')).href);
function sdlErrorJs(e) {
  return e.locations && e.locations.length
    ? { message: e.message, locations: [e.locations[0]] }
    : { message: e.message };
}
function runSdlJs(sdl) {
  let doc;
  try {
    doc = gql.parse(sdl);
  } catch (e) {
    return { errors: [sdlErrorJs(e)] };
  }
  const sdlErrors = validateSDL(doc);
  if (sdlErrors.length) return { errors: sdlErrors.map(sdlErrorJs) };
  let schema;
  try {
    schema = gql.buildASTSchema(doc, { assumeValidSDL: true });
  } catch (e) {
    return { errors: [sdlErrorJs(e)] };
  }
  const errs = gql.validateSchema(schema);
  return errs.length ? { errors: errs.map(sdlErrorJs) } : { data: 'valid' };
}

// gqlrun --check-sdl answers {"ok":true} or {"errors":"line:col: message\n..."}.
function sdlResultC(r) {
  if (r.ok) return { data: 'valid' };
  return {
    errors: String(r.errors).split('\n').map((l) => {
      const m = /^(\d+):(\d+): (.*)$/.exec(l);
      return m ? { message: m[3], locations: [{ line: +m[1], column: +m[2] }] } : { message: l };
    }),
  };
}

async function runJs(c) {
  if (c.kind === 'sdl') return JSON.parse(JSON.stringify(runSdlJs(c.query)));
  const s = schemas[c.schema];
  const res = await gql.graphql({
    schema: s.schema,
    source: c.query,
    rootValue: s.data,
    variableValues: c.variables,
    operationName: c.operationName,
    fieldResolver,
  });
  return JSON.parse(JSON.stringify(res));
}

// ------------------------------------------------------------------- gqlrun
// A sanitizer build must stop at the first report, so that the report is
// charged to the case that caused it (UBSan only prints by default).
const sanitizerEnv = {
  ...process.env,
  UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'halt_on_error=1:abort_on_error=1:print_stacktrace=1',
  ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'abort_on_error=1:detect_leaks=1',
};
// Runs every case of one schema through one gqlrun process. If the process
// dies (a crash, a sanitizer report), the case it died on is recorded as a
// crash and the remaining cases run in a new process.
function runC(cases, schemaName, kind) {
  const s = schemas[schemaName];
  const results = new Map();
  const R = opts.repeat;
  let rest = cases;
  while (rest.length) {
    const input = rest
      .map((c) => JSON.stringify(kind === 'sdl' ? { sdl: c.query }
        : { query: c.query, variables: c.variables, operationName: c.operationName }))
      .map((line) => (line + '\n').repeat(R))
      .join('');
    const t0 = Date.now();
    const args = kind === 'sdl' ? ['--check-sdl']
      : ['--schema', s.sdlPath, '--data', s.dataPath, ...opts.gqlrunArgs];
    const p = spawnSync(opts.gqlrun, args, {
      input, maxBuffer: 1 << 30, timeout: 240000, encoding: 'utf8', env: sanitizerEnv,
    });
    if (opts.verbose) console.log(`gqlrun: ${rest.length} ${kind === 'sdl' ? 'sdl' : schemaName} cases in ${Date.now() - t0} ms`);
    if (p.error) throw p.error;
    const out = p.stdout.split('\n');
    const complete = Math.floor((out.length - 1) / R); // text after the last newline is no line
    let k = 0;
    for (; k < complete && k < rest.length; k++) {
      const lines = out.slice(k * R, k * R + R);
      const again = lines.findIndex((l) => l !== lines[0]);
      try {
        if (again > 0) throw new Error(`answer #${again + 1} (after a cache hit) differs: ${lines[again].slice(0, 800)}`);
        const parsed = JSON.parse(lines[0]);
        results.set(rest[k].name, { result: kind === 'sdl' && !Array.isArray(parsed.errors) ? sdlResultC(parsed) : parsed });
      } catch (e) {
        results.set(rest[k].name, { invalid: `${e.message}\nfirst answer: ${lines[0].slice(0, 800)}` });
      }
    }
    if (k === rest.length && p.status === 0) break;
    const dead = rest[k];
    const why = p.signal ? `signal ${p.signal}` : `exit status ${p.status}`;
    if (dead) results.set(dead.name, { crash: `gqlrun died (${why}):\n${p.stderr.slice(-4000)}` });
    else {
      // Every line answered, but the exit was not clean (leak report, ...).
      results.set('(exit)', { crash: `gqlrun ended with ${why}:\n${p.stderr.slice(-4000)}` });
      break;
    }
    rest = rest.slice(k + 1);
  }
  return results;
}

// ------------------------------------------------------------------ compare
const js = (v) => JSON.stringify(v);

// Returns { aspects: [...failing aspects], info: [...notes] }.
function compare(a, b) {
  const aspects = [];
  const info = [];
  const hasA = 'data' in a;
  const hasB = 'data' in b;
  if (hasA !== hasB) aspects.push('hasData');
  else if (hasA && js(a.data) !== js(b.data)) aspects.push('data');
  const ea = a.errors || [];
  const eb = b.errors || [];
  // path, locations and extensions identify an error; its message may differ.
  const key = (e) => js({ path: e.path, locations: e.locations, extensions: e.extensions });
  if (ea.length !== eb.length) {
    aspects.push('errors');
  } else {
    const inOrder = ea.every((e, i) => key(e) === key(eb[i]));
    if (!inOrder) {
      const sa = ea.map(key).sort();
      const sb = eb.map(key).sort();
      if (sa.every((k, i) => k === sb[i])) info.push('errors in a different order');
      else aspects.push('errors');
    }
    const ma = ea.map((e) => e.message).sort();
    const mb = eb.map((e) => e.message).sort();
    ma.forEach((m, i) => {
      if (m !== mb[i]) info.push(`message: graphql-js ${js(m)} / engine ${js(mb[i])}`);
    });
  }
  return { aspects, info };
}

function clip(s, n = 3000) {
  return s.length > n ? s.slice(0, n) + ` ... (${s.length} chars)` : s;
}

// --------------------------------------------------------------------- main
const known = JSON.parse(fs.readFileSync(path.join(here, 'known-differences.json'), 'utf8'));
let cases = loadCases();
const total = cases.length;
if (opts.filter) cases = cases.filter((c) => c.name.includes(opts.filter));
for (const name of Object.keys(known))
  if (!cases.some((c) => c.name === name) && !opts.filter)
    throw new Error(`known-differences.json lists ${name}, which is no case`);

const cResults = new Map();
for (const name of Object.keys(schemas)) {
  const mine = cases.filter((c) => c.schema === name && c.kind === 'query');
  if (mine.length) for (const [k, v] of runC(mine, name, 'query')) cResults.set(k, v);
}
const sdlCases = cases.filter((c) => c.kind === 'sdl');
if (sdlCases.length) for (const [k, v] of runC(sdlCases, 'test', 'sdl')) cResults.set(k, v);

let passed = 0;
let failed = 0;
let infos = 0;
let messageDiffs = 0;
const fail = (c, why, a, b) => {
  failed++;
  console.log(`FAIL ${c.name} (${c.file}): ${why}`);
  console.log(`  query: ${clip(c.query, 600).replace(/\n/g, '\n         ')}`);
  if (c.variables !== undefined) console.log(`  variables: ${js(c.variables)}`);
  if (c.operationName !== undefined) console.log(`  operationName: ${js(c.operationName)}`);
  if (a !== undefined) console.log(`  graphql-js: ${clip(js(a))}`);
  if (b !== undefined) console.log(`  engine:     ${clip(typeof b === 'string' ? b : js(b))}`);
};

for (const c of cases) {
  const a = await runJs(c);
  const r = cResults.get(c.name);
  if (opts.show) console.log(`show ${c.name}: ${clip(js(a), 1000)}`);
  if (!r) {
    fail(c, 'no result from gqlrun', a);
    continue;
  }
  if (r.crash || r.invalid) {
    fail(c, r.crash ? 'crash' : 'invalid output', a, r.crash || r.invalid);
    continue;
  }
  const { aspects, info } = compare(a, r.result);
  const k = known[c.name];
  if (k) {
    const want = [...k.differs].sort().join(',');
    const got = [...aspects].sort().join(',');
    if (want !== got) {
      fail(c, `documented difference [${want}] (${k.reason}) but found [${got}]`, a, r.result);
      continue;
    }
    if (opts.verbose) console.log(`ok   ${c.name} (differs as documented: ${want})`);
    passed++;
    continue;
  }
  if (aspects.length) {
    fail(c, `differs in ${aspects.join(', ')}`, a, r.result);
    continue;
  }
  passed++;
  for (const note of info) {
    if (note.startsWith('message:')) messageDiffs++;
    else infos++;
    if (opts.messages || !note.startsWith('message:')) console.log(`info ${c.name}: ${note}`);
  }
  if (opts.verbose) console.log(`ok   ${c.name}`);
}
const exitCrash = cResults.get('(exit)');
if (exitCrash) {
  failed++;
  console.log(`FAIL gqlrun exit: ${exitCrash.crash}`);
}
console.log(`diff: ${cases.length} of ${total} cases run; ${infos} order notes, ${messageDiffs} message differences` +
  (opts.messages ? '' : ' (--messages lists them)'));
console.log(`diff: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
