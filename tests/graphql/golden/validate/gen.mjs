// gen.mjs -- regenerate the validation golden files from graphql-js.
//
//   GQLJS=/tmp/gqljs node tests/graphql/golden/validate/gen.mjs
//
// A one-off sweep over other random documents, run against a build:
//   VALIDATE_GOLDEN_OUT=/tmp/v/golden/validate VALIDATE_RANDOM_SEED=7 \
//   VALIDATE_RANDOM_COUNT=2000 node gen.mjs && cp schema.graphql /tmp/v/golden/validate/ &&
//   TEST_DATA_DIR=/tmp/v build/tests/graphql/test_validate Random
//
// For every case below: <Rule>/<case>.graphql holds the document and
// <Rule>/<case>.json the errors graphql-js 17 validate() reports for it
// against schema.graphql ([{message, locations}], as the engine writes
// them). Cases that do not parse are rejected: they belong to the parser.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';


const require = createRequire(path.join(process.env.GQLJS ?? '/tmp/gqljs', 'x.js'));
const { buildSchema, parse, validate, version, getIntrospectionQuery } = require('graphql');
globalThis.getIntrospectionQuery = getIntrospectionQuery;
const { default: cases } = await import('./cases.mjs');
const dir = path.dirname(fileURLToPath(import.meta.url));
// VALIDATE_GOLDEN_OUT writes the files elsewhere (for one-off sweeps).
const out = process.env.VALIDATE_GOLDEN_OUT ?? dir;
const schema = buildSchema(fs.readFileSync(path.join(dir, 'schema.graphql'), 'utf8'));

let n = 0;
for (const [rule, list] of Object.entries(cases)) {
  const rdir = path.join(out, rule);
  fs.rmSync(rdir, { recursive: true, force: true });
  fs.mkdirSync(rdir, { recursive: true });
  const seen = new Set();
  for (const [name, query] of list) {
    if (seen.has(name)) throw new Error(`${rule}/${name}: duplicate case name`);
    seen.add(name);
    const doc = parse(query);
    const errors = validate(schema, doc).map((e) => {
      const o = { message: e.message };
      if (e.locations) o.locations = e.locations;
      return o;
    });
    fs.writeFileSync(path.join(rdir, name + '.graphql'), query);
    fs.writeFileSync(path.join(rdir, name + '.json'), JSON.stringify(errors) + '\n');
    n++;
  }
}
// Fuzzed/ keeps documents found by a coverage-guided fuzzer over the
// validator (kept as they are); only their expected errors are regenerated.
for (const rule of ['Fuzzed']) {
  const rdir = path.join(dir, rule);
  if (!fs.existsSync(rdir)) continue;
  for (const f of fs.readdirSync(rdir).filter((f) => f.endsWith('.graphql'))) {
    const errors = validate(schema, parse(fs.readFileSync(path.join(rdir, f), 'utf8'))).map((e) => {
      const o = { message: e.message };
      if (e.locations) o.locations = e.locations;
      return o;
    });
    const target = path.join(out, rule, f.replace(/\.graphql$/, '.json'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, JSON.stringify(errors) + '\n');
    n++;
  }
}
console.log(`graphql-js ${version}: ${n} cases`);
