#!/usr/bin/env node
// gen.mjs -- regenerate the expected results of the golden execution tests
// with graphql-js 17 (the reference implementation).
//
//   node tests/graphql/golden/gen.mjs [GRAPHQL_JS_DIR]   (default /tmp/gqljs)
//
// For every execute/NAME.graphql (with execute/NAME.vars.json as variables
// when present, and a first line "# operation: X" naming the operation) it
// runs graphql-js over schema.graphql and data.json with the default field
// and type resolvers, and writes execute/NAME.json: JSON.stringify of the
// result, which is also the engine's byte-exact output format.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const jsDir = process.argv[2] || process.env.GRAPHQL_JS_DIR || '/tmp/gqljs';
const gql = await import(pathToFileURL(path.join(jsDir, 'node_modules/graphql/index.mjs')).href);
const schema = gql.buildSchema(fs.readFileSync(path.join(here, 'schema.graphql'), 'utf8'));
const data = JSON.parse(fs.readFileSync(path.join(here, 'data.json'), 'utf8'));
const dir = path.join(here, 'execute');
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
  const name = file.slice(0, -'.graphql'.length);
  const source = fs.readFileSync(path.join(dir, file), 'utf8');
  const varsFile = path.join(dir, name + '.vars.json');
  const variableValues = fs.existsSync(varsFile)
    ? JSON.parse(fs.readFileSync(varsFile, 'utf8')) : undefined;
  const m = /^# operation: (\S+)/.exec(source);
  const result = await gql.graphql({ schema, source, rootValue: data, variableValues,
    operationName: m ? m[1] : undefined });
  fs.writeFileSync(path.join(dir, name + '.json'), JSON.stringify(result) + '\n');
  console.log(name);
}
