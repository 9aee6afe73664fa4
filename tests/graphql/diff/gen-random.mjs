// gen-random.mjs -- writes cases/random.txt: seeded random documents.
//
// Hand-written cases test what we thought of; these test combinations we did
// not: random selections over both schemas (aliases, arguments of every kind
// from the field's own argument types, fragments, inline fragments on the
// possible types, @skip/@include, __typename), documents whose aliases
// collide on purpose (field merging), then copies with one random
// edit (a character deleted, duplicated or replaced) that exercise the parse
// and validation error paths at arbitrary places, and the two schemas with
// one or two such edits (schema building errors). The output is checked in
// so that the suite is stable; rerun after changing the schemas.
// Usage: node gen-random.mjs [--seed N] [--scale K] [--out FILE]
//   (from tests/graphql/diff). --scale multiplies the case counts; a run with
//   another seed and a large scale, written to cases/, is a quick bug hunt
//   (do not check such a file in).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name, def) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def);
const jsDir = process.env.GRAPHQL_JS_DIR || '/tmp/gqljs';
const scale = Number(arg('--scale', 1));
const outFile = arg('--out', path.join(here, 'cases', 'random.txt'));
const prefix = arg('--seed', null) === null ? 'rand' : `rand${arg('--seed')}`;
const gql = await import(pathToFileURL(path.join(jsDir, 'node_modules/graphql/index.mjs')).href);

// A small deterministic PRNG (mulberry32), so the file is reproducible.
let seed = Number(arg('--seed', 20261126));
function rnd() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;

const strings = ['"x"', '""', '"héllo ✓"', '"a\\nb"', '"\\u00e9"', '"""block"""'];

// A literal for an input type; sometimes of the wrong kind on purpose.
function literal(type, depth) {
  if (chance(0.02)) return pick(['null', '1', '"s"', 'true', 'RED', '[1]', '{x: 1}']);
  if (gql.isNonNullType(type)) return literal(type.ofType, depth);
  if (gql.isListType(type)) {
    if (chance(0.3)) return literal(type.ofType, depth + 1);
    const n = Math.floor(rnd() * 3);
    return '[' + Array.from({ length: n }, () => literal(type.ofType, depth + 1)).join(', ') + ']';
  }
  if (gql.isEnumType(type)) return pick(type.getValues()).name;
  if (gql.isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    if (type.isOneOf) {
      const f = pick(fields);
      return `{${f.name}: ${literal(f.type, depth + 1)}}`;
    }
    const parts = [];
    for (const f of fields) {
      const required = gql.isNonNullType(f.type) && f.defaultValue === undefined;
      if ((required || chance(0.4)) && (depth < 3 || required)) parts.push(`${f.name}: ${literal(f.type, depth + 1)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  switch (type.name) {
    case 'Int': return pick(['0', '7', '-3', '2147483647']);
    case 'Float': return pick(['1.5', '-0.25', '3', '1e3']);
    case 'String': return pick(strings);
    case 'Boolean': return pick(['true', 'false']);
    case 'ID': return pick(['"id1"', '42']);
    default: return pick(['"2020-01-01"', '{a: [1, {b: null}]}', '5', 'SOME_ENUM']);
  }
}

// A JSON value for a variable of an input type; sometimes of the wrong kind.
function jsonValue(type, depth) {
  if (chance(0.02)) return pick([null, 1, 's', true, [1], { x: 1 }, 2.5]);
  if (gql.isNonNullType(type)) return jsonValue(type.ofType, depth);
  if (gql.isListType(type)) {
    if (chance(0.3)) return jsonValue(type.ofType, depth + 1);
    return Array.from({ length: Math.floor(rnd() * 3) }, () => jsonValue(type.ofType, depth + 1));
  }
  if (gql.isEnumType(type)) return pick(type.getValues()).name;
  if (gql.isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const o = {};
    if (type.isOneOf) {
      const f = pick(fields);
      o[f.name] = jsonValue(f.type, depth + 1);
      return o;
    }
    for (const f of fields) {
      const required = gql.isNonNullType(f.type) && f.defaultValue === undefined;
      if ((required || chance(0.4)) && (depth < 3 || required)) o[f.name] = jsonValue(f.type, depth + 1);
    }
    return o;
  }
  switch (type.name) {
    case 'Int': return pick([0, 7, -3, 2147483647]);
    case 'Float': return pick([1.5, -0.25, 3, 1e3]);
    case 'String': return pick(['x', '', 'héllo ✓', 'a\nb']);
    case 'Boolean': return pick([true, false]);
    case 'ID': return pick(['id1', 42]);
    default: return pick(['2020-01-01', { a: [1, { b: null }] }, 5]);
  }
}

// Variables of the document being generated: definitions and values.
let varDefs = [];
let varValues = {};

function args(field) {
  const parts = [];
  for (const a of field.args) {
    const required = gql.isNonNullType(a.type) && a.defaultValue === undefined;
    if (!(required || chance(0.5))) continue;
    if (chance(0.3)) {
      const v = `v${varDefs.length}`;
      varDefs.push(`$${v}: ${a.type}`);
      if (!chance(0.1)) varValues[v] = jsonValue(a.type, 0); // else left out
      parts.push(`${a.name}: $${v}`);
    } else {
      parts.push(`${a.name}: ${literal(a.type, 0)}`);
    }
  }
  return parts.length ? `(${parts.join(', ')})` : '';
}

let fragments = [];
// In conflict mode aliases come from a tiny pool, so that fields, arguments
// and fragments collide: OverlappingFieldsCanBeMerged in all its forms.
let conflictMode = false;
let fragmentCount = 0;

function directive() {
  if (!chance(0.12)) return '';
  return pick([' @skip(if: false)', ' @skip(if: true)', ' @include(if: true)', ' @include(if: false)']);
}

function selection(schema, type, depth) {
  const named = gql.getNamedType(type);
  if (gql.isLeafType(named)) return '';
  const items = [];
  const n = 1 + Math.floor(rnd() * (depth > 2 ? 2 : 4));
  const possible = gql.isAbstractType(named) ? schema.getPossibleTypes(named) : [named];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (depth === 0 && r < 0.06 && gql.isObjectType(named) && named === schema.getQueryType()) {
      // Introspection: a random walk over __Schema or one named type.
      if (chance(0.5)) {
        items.push(`__schema ${selection(schema, schema.getType('__Schema'), 1)}`);
      } else {
        const t = pick(Object.keys(schema.getTypeMap()));
        items.push(`t${i}: __type(name: "${t}") ${selection(schema, schema.getType('__Type'), 1)}`);
      }
    } else if (r < 0.1) {
      items.push('__typename');
    } else if (r < 0.2 && depth < 4) {
      const on = pick(possible);
      items.push(`... on ${on.name}${directive()} ${selection(schema, on, depth + 1)}`);
    } else if (r < 0.27 && depth < 4) {
      const on = pick(possible);
      const name = `F${fragmentCount++}`;
      fragments.push(`fragment ${name} on ${on.name} ${selection(schema, on, depth + 1)}`);
      items.push(`...${name}${directive()}`);
    } else if (gql.isObjectType(named) || gql.isInterfaceType(named)) {
      // stringForObject is the one documented difference (known-differences.json).
      const fields = Object.values(named.getFields()).filter(
        (f) => f.name !== 'stringForObject' && (depth < 4 || gql.isLeafType(gql.getNamedType(f.type))));
      if (!fields.length) continue;
      const f = pick(fields);
      // A unique alias for fields with arguments avoids merge conflicts
      // between random argument values (conflicts have their own cases).
      const alias = conflictMode && chance(0.7) ? `${pick(['a', 'b', 'c'])}: `
        : f.args.length || chance(0.15) ? `a${i}_${depth}: ` : '';
      const sub = selection(schema, f.type, depth + 1);
      items.push(`${alias}${f.name}${args(f)}${directive()}${sub ? ' ' + sub : ''}`);
    } else {
      items.push('__typename');
    }
  }
  if (!items.length) items.push('__typename');
  return `{ ${items.join(' ')} }`;
}

function document(schema, opType) {
  fragments = [];
  varDefs = [];
  varValues = {};
  const root = opType === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  const body = selection(schema, root, 0);
  const head = varDefs.length ? `${opType} (${varDefs.join(', ')}) ` : opType === 'mutation' ? 'mutation ' : '';
  return { query: [head + body, ...fragments].join('\n'), variables: varDefs.length ? varValues : undefined };
}

// One random edit: delete, duplicate or replace one character.
function mutate(text) {
  const i = Math.floor(rnd() * text.length);
  const r = rnd();
  if (r < 0.4) return text.slice(0, i) + text.slice(i + 1);
  if (r < 0.7) return text.slice(0, i) + text[i] + text.slice(i);
  return text.slice(0, i) + pick(['{', '}', '(', ')', '$', '@', '!', '"', ':', 'x', '1', ' ', '.', '#']) + text.slice(i + 1);
}

const schemas = {};
for (const name of ['test', 'epfiot'])
  schemas[name] = gql.buildSchema(fs.readFileSync(path.join(here, 'schemas', `${name}.graphql`), 'utf8'));

const out = [
  '# Seeded random documents, written by gen-random.mjs (do not edit by hand).',
  '@schema test',
  '',
];
const emit = (name, schemaName, query, variables, kind) => {
  out.push(`=== ${name}`);
  if (kind) out.push(`kind: ${kind}`);
  if (schemaName !== 'test') out.push(`schema: ${schemaName}`);
  if (variables !== undefined) out.push(`variables: ${JSON.stringify(variables)}`);
  out.push(`query-json: ${JSON.stringify(query)}`, '');
};
const plan = [
  ['test', 'query', 110 * scale],
  ['test', 'mutation', 15 * scale],
  ['epfiot', 'query', 40 * scale],
  ['epfiot', 'mutation', 15 * scale],
];
const made = [];
for (const [schemaName, opType, count] of plan)
  for (let i = 0; i < count; i++) {
    const { query, variables } = document(schemas[schemaName], opType);
    const name = `${prefix}-${schemaName}-${opType}-${i}`;
    emit(name, schemaName, query, variables);
    made.push([name, schemaName, query, variables]);
  }
conflictMode = true;
for (const schemaName of ['test', 'epfiot'])
  for (let i = 0; i < 40 * scale; i++) {
    const { query, variables } = document(schemas[schemaName], 'query');
    emit(`${prefix}-${schemaName}-conflicts-${i}`, schemaName, query, variables);
  }
for (let i = 0; i < 90 * scale; i++) {
  const [name, schemaName, query, variables] = pick(made);
  emit(`${name}-edit-${i}`, schemaName, mutate(query), variables);
}
// Schemas with one random edit: the SDL parser and schema validation.
const sdlTexts = ['epfiot', 'test'].map((n) => fs.readFileSync(path.join(here, 'schemas', `${n}.graphql`), 'utf8'));
for (let i = 0; i < 30 * scale; i++) {
  const text = i % 3 === 2 ? sdlTexts[1] : sdlTexts[0];
  let edited = mutate(text);
  if (chance(0.3)) edited = mutate(edited);
  emit(`${prefix}-sdl-edit-${i}`, 'test', edited, undefined, 'sdl');
}
fs.writeFileSync(outFile, out.join('\n'));
console.log(`wrote ${made.length + 200 * scale} cases to ${outFile}`);
