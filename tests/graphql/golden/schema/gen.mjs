#!/usr/bin/env node
// gen.mjs -- regenerate the schema and introspection goldens with graphql-js
// 17 (the reference implementation), and print the expected errors of an SDL
// the way gql_schema_build reports them.
//
//   node tests/graphql/golden/schema/gen.mjs [GRAPHQL_JS_DIR]
//       writes schema/rich.order.txt (getTypeMap() order of buildSchema),
//       schema/rich.print.graphql (printSchema), and for introspection/:
//       default.graphql and full.graphql (getIntrospectionQuery with default
//       options and with every option on) and NAME.json for every
//       NAME.graphql there (graphqlSync over rich.graphql).
//   node tests/graphql/golden/schema/gen.mjs --errors [GRAPHQL_JS_DIR] < sdl
//       prints "line:col: message" lines (first location of each error):
//       validateSDL's errors, or when there are none validateSchema's. These
//       are the expectations of the error tests in test_schema.c.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const errorsMode = args[0] === '--errors';
if (errorsMode) args.shift();
const jsDir = args[0] || process.env.GRAPHQL_JS_DIR || '/tmp/gqljs';
const lib = (p) => import(pathToFileURL(path.join(jsDir, 'node_modules/graphql', p)).href);
const gql = await lib('index.mjs');

if (errorsMode) {
  const { validateSDL } = await lib('validation/validate.mjs');
  const sdl = fs.readFileSync(0, 'utf8');
  let errs;
  try {
    const doc = gql.parse(sdl);
    errs = validateSDL(doc);
    if (!errs.length) errs = gql.validateSchema(gql.buildASTSchema(doc, { assumeValidSDL: true }));
  } catch (e) {
    errs = [e];
  }
  const at = (e) => (e.locations?.length ? `${e.locations[0].line}:${e.locations[0].column}: ` : '');
  console.log(errs.map((e) => at(e) + e.message).join('\n'));
  process.exit(0);
}

const sdl = fs.readFileSync(path.join(here, 'rich.graphql'), 'utf8');
const schema = gql.buildSchema(sdl);
fs.writeFileSync(path.join(here, 'rich.order.txt'), Object.keys(schema.getTypeMap()).join('\n') + '\n');
fs.writeFileSync(path.join(here, 'rich.print.graphql'), gql.printSchema(schema));

const idir = path.join(here, '..', 'introspection');
fs.writeFileSync(path.join(idir, 'default.graphql'), gql.getIntrospectionQuery());
fs.writeFileSync(path.join(idir, 'full.graphql'), gql.getIntrospectionQuery({
  descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true,
  inputValueDeprecation: true, experimentalDirectiveDeprecation: true, oneOf: true,
}));
for (const file of fs.readdirSync(idir).filter((f) => f.endsWith('.graphql')).sort()) {
  const source = fs.readFileSync(path.join(idir, file), 'utf8');
  const result = gql.graphqlSync({ schema, source });
  fs.writeFileSync(path.join(idir, file.slice(0, -'.graphql'.length) + '.json'), JSON.stringify(result) + '\n');
}
