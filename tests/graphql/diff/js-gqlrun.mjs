#!/usr/bin/env node
// js-gqlrun.mjs -- gqlrun's line protocol implemented with graphql-js.
//
// A stand-in for tools/gqlrun that answers with graphql-js itself, to check
// the differential suite (its cases and run.mjs) without the engine:
//   node run.mjs ./js-gqlrun.mjs   must report 0 failures except the cases
//   of known-differences.json (which then fail: they differ only in C).
// Usage: js-gqlrun.mjs --schema FILE --data FILE  (reads JSON lines on stdin)
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => args[args.indexOf(name) + 1];
const jsDir = process.env.GRAPHQL_JS_DIR || '/tmp/gqljs';
const gql = await import(pathToFileURL(path.join(jsDir, 'node_modules/graphql/index.mjs')).href);
const schema = gql.buildSchema(fs.readFileSync(opt('--schema'), 'utf8'));
const data = JSON.parse(fs.readFileSync(opt('--data'), 'utf8'));
function fieldResolver(source, a, context, info) {
  if (info.fieldName.startsWith('echo')) return JSON.stringify(a);
  if (info.fieldName.startsWith('fail')) throw new Error(`fail: ${info.fieldName}`);
  return gql.defaultFieldResolver(source, a, context, info);
}
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line) continue;
  const req = JSON.parse(line);
  const res = await gql.graphql({ schema, source: req.query, rootValue: data,
    variableValues: req.variables, operationName: req.operationName, fieldResolver });
  process.stdout.write(JSON.stringify(res) + '\n');
}
