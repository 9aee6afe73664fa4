// gen-data.mjs -- regenerates schemas/epfiot-data.json and schemas/test-data.json.
//
// The data files are checked in; this script documents how they were made and
// keeps them reproducible (no randomness: every value derives from an index).
// Usage: node gen-data.mjs   (from tests/graphql/diff)
import fs from 'fs';

const out = (name, v, patch = (t) => t) =>
  fs.writeFileSync(new URL(`schemas/${name}`, import.meta.url), patch(JSON.stringify(v, null, 1)) + '\n');

// ---------------------------------------------------------------- EPFIOT
const bases = ['debian-12', 'ubuntu-24.04', 'alpine-3.20', 'fedora-40'];
const states = ['RUNNING', 'POWEROFF', 'PAUSED', 'CRASHED'];
const usb = [];
for (let i = 1; i <= 8; i++)
  usb.push({
    id: String(100 + i),
    bus: String(1 + (i % 3)).padStart(3, '0'),
    device: String(i + 3).padStart(3, '0'),
    info: i % 2 ? `Global Unichip Corp. Coral Edge TPU #${i}` : `Google Inc. Coral USB Accelerator #${i}`,
  });
const things = [];
for (let i = 1; i <= 30; i++)
  things.push({ id: String(200 + i), name: `sensor-${i}`, info: i % 4 ? `temperature probe, room ${i}` : null });
const users = [];
for (let u = 1; u <= 5; u++) users.push({ id: String(u), name: ['alice', 'bob', 'carol', 'dave', 'eve'][u - 1] });
const vms = [];
for (let i = 1; i <= 50; i++) {
  const owner = users[(i - 1) % users.length];
  vms.push({
    id: String(1000 + i),
    owner: { id: owner.id, name: owner.name },
    name: `vm-${owner.name}-${i}`,
    base: bases[i % bases.length],
    vcpu: 1 + (i % 4),
    memory: 256 * (1 + (i % 8)),
    ip: i % 7 === 0 ? null : `192.0.2.${i}`,
    state: states[i % states.length],
    dev: i % 5 === 0 ? [usb[i % usb.length]] : [],
    things: things.filter((t, k) => k % 50 === i % 50 || (k + i) % 17 === 0),
  });
}
const userFull = (u) => {
  const mine = vms.filter((v) => v.owner.id === u.id);
  const edges = mine.slice(0, 3).map((v) => ({ cursor: `c${v.id}`, node: v }));
  return {
    ...u,
    vms: mine,
    vmsConnection: {
      totalCount: mine.length,
      edges,
      pageInfo: {
        startCursor: edges[0].cursor,
        endCursor: edges[edges.length - 1].cursor,
        hasNextPage: mine.length > 3,
        hasPreviousPage: false,
      },
    },
  };
};
out('epfiot-data.json', {
  getUser: userFull(users[0]),
  getUsers: users.map(userFull),
  getVm: vms[0],
  getDev: usb[0],
  getThing: things[0],
  getVms: vms,
  getUsb: usb,
  createVm: { ...vms[1], id: '2001', name: 'vm-new', state: 'POWEROFF' },
  updateVm: vms[2],
  deleteVm: true,
  createThing: { id: '301', name: 'new-sensor', info: 'humidity' },
  createThingVm: { id: '302', name: 'new-sensor-2', info: null },
  attachThing: true,
  attachDevice: true,
  detachDevice: false,
  powerON: { ...vms[3], state: 'RUNNING' },
  powerOFF: { ...vms[3], state: 'POWEROFF' },
  destroyVM: true,
  forceDestroyVM: null,
  forceOFF: true,
});

// ------------------------------------------------------------------ test
const address = (i) => ({
  street: `Rue ${i}`,
  city: i % 3 ? 'Lausanne' : null,
  zip: String(1000 + i),
  geo: { lat: 46.5 + i / 100, lng: 6.6 - i / 1000 },
});
const personBase = (i, extra = {}) => ({
  __typename: 'Person',
  id: `p${i}`,
  name: `Person ${i}`,
  age: 20 + i,
  favoriteColor: ['RED', 'GREEN', 'BLUE', 'PURPLE'][i % 4],
  colors: ['RED', 'BLUE'],
  size: 'MEDIUM',
  nickname: `P${i}`,
  email: `p${i}@example.org`,
  birthday: `199${i}-0${i}-1${i}T08:00:00Z`,
  homepage: `https://example.org/~p${i}`,
  profile: { level: i, badges: ['a', 'b'], nested: { ok: true, none: null } },
  address: address(i),
  tags: ['t1', `t${i}`],
  scores: [[1, 2], null, [3, null]],
  rating: i + 0.5,
  active: i % 2 === 0,
  failStrict: 'never seen',
  ...extra,
});
const dog = (i, extra = {}) => ({
  __typename: 'Dog', id: `d${i}`, name: `Dog ${i}`, owner: personBase(1), barks: true, size: 'SMALL', friends: [], ...extra,
});
const cat = (i, extra = {}) => ({
  __typename: 'Cat', id: `c${i}`, name: `Cat ${i}`, owner: null, meows: i % 2 === 1, lives: 9 - i, ...extra,
});
const friendsOf = (i) => [personBase(i + 1, { friends: [] }), personBase(i + 2, { friends: null }), null];
const person = (i, extra = {}) =>
  personBase(i, { friends: friendsOf(i), pets: [dog(i), cat(i)], ...extra });

// A tree of depth d; `bad` lists the paths (dot-joined) where a non-null
// position holds null instead, to exercise null propagation.
const tree = (d, path = 'r') => {
  const t = {
    value: d,
    strictValue: d * 10,
    label: `node ${path}`,
    matrix: [[1, 2], [3], null],
    strictMatrix: [[d], [d, d]],
  };
  if (d > 0) {
    t.child = tree(d - 1, path + '.c');
    t.strictChild = tree(d - 1, path + '.s');
    t.children = [tree(d - 1, path + '.0'), null, tree(d - 1, path + '.2')];
    t.strictChildren = [tree(d - 1, path + '.a')];
    t.childrenStrict = [null, tree(d - 1, path + '.b')];
    t.allStrict = [tree(d - 1, path + '.x')];
  } else {
    t.child = null;
    t.strictChild = null; // non-null position holding null at the leaves
    t.children = [];
    t.strictChildren = null;
    t.childrenStrict = [];
    t.allStrict = [];
  }
  return t;
};
const brokenTree = () => {
  const t = tree(2);
  t.child.strictValue = null;           // null in Int!
  t.children[2].strictChild = null;     // null in Tree!
  t.strictChildren = [tree(0), null];   // null item in [Tree!]
  t.allStrict = null;                   // null in [Tree!]!
  t.matrix = [[1, null], [2]];          // null item in [[Int!]]
  t.strictMatrix = [[1], null];         // null item in [[Int!]!]!
  return t;
};

const items = [];
for (let i = 0; i < 400; i++)
  items.push({
    id: `item-${i}`,
    name: `Item number ${i} "quoted" \\ é ✓`,
    price: i % 10 === 0 ? null : Math.round(i * 137.5) / 100,
    count: i * 3,
    inStock: i % 3 !== 0,
    color: ['RED', 'GREEN', 'BLUE'][i % 3],
    tags: ['bench', `t${i % 7}`],
    maker: { id: `m${i % 13}`, name: `Maker ${i % 13}`, country: i % 2 ? 'CH' : 'FR' },
    parts: [0, 1, 2].map((k) => ({ sku: `sku-${i}-${k}`, weight: (i + k) / 8, qty: k + 1 })),
  });

out('test-data.json', {
  hello: 'world',
  version: '1.0.0',
  count: 42,
  ratio: 0.125,
  enabled: true,
  uid: 'abc-123',
  hero: person(1),
  me: person(2),
  person: person(3),
  people: [person(4), person(5), person(6, { name: null, tags: null })],
  node: dog(7),
  nodes: [person(8), dog(8), cat(8), null],
  named: [cat(9), person(9)],
  pets: [dog(1), cat(2), dog(3, { barks: null }), null, cat(4, { lives: null })],
  animals: [cat(5), dog(5)],
  search: [person(10), dog(10), cat(10), { __typename: 'Address', ...address(10) }, null],
  firstResult: { __typename: 'Address', ...address(11), street: null },
  tree: tree(3),
  trees: [tree(1), brokenTree(), null],
  strictTree: brokenTree(),
  strictTrees: [tree(1), tree(0)],
  strictFirstNull: [tree(0), null, tree(0)],
  strictLastNull: [tree(0), tree(0), null],
  nullList: null,
  emptyList: [],
  colors: ['RED', 'GREEN', null, 'ORANGE'],
  favoriteColor: 'BLUE',
  badColor: 'YELLOW',
  badInt: 3000000000,
  bigInt: 2147483647,
  badFloat: 'not a number',
  badBoolean: 'yes',
  stringFromNumber: 12.5,
  idFromNumber: 1234,
  unicode: 'héllo wörld — ✓ 日本 😀 \u0000 \u001f \u007f \u2028',
  escapes: 'quote " backslash \\ slash / newline \n tab \t cr \r bs \b ff \f',
  when: '2024-02-29T12:00:00Z',
  profile: { a: [1, 2.5, 'x', null, true], b: { c: {} } },
  link: 'https://epfiot.example/',
  items,
  orphanNode: { id: 'orphan' },
  wrongTypeNode: { __typename: 'Address', id: 'a1', street: 'x' },
  unknownTypeNode: { __typename: 'Nope', id: 'n1' },
  typenameNotString: { __typename: 7, id: 't7' },
  stringForObject: 'a string',
  objectForList: { a: 1 },
  stringForList: 'abc',
  listForString: [1, 2],
  objectForString: { a: 1 },
  fractionalForInt: 2.5,
  integralFloatForInt: 3, // written as 3.0 (see the patch below): a JSON real with an integral value
  boolForString: true,
  intForEnum: 1,
  deepList: [[[1, null], []], null, [[2]]],
  floats: [1e21, 1e-7, 123456789.123, 5e-324, 1.7976931348623157e308, -0, 0.1, 100, 1.5e-6],
  intFromString: '42',
  intFromBadString: '4x2',
  intFromIntegralReal: 1000,
  floatFromString: '1.5',
  floatFromBool: true,
  idFromFloat: 1.5,
  idFromBool: false,
  boolFromNumber: 1,
  boolFromZero: 0,
  stringFromBigFloat: 1e21,
  stringFromSmallFloat: 1e-7,
  stringFromNegZero: -0,
  intList: [1, '2', 3.5, null, [4]],
  enumList: ['RED', 'NOPE', 'BLUE'],
  enumFromDeprecated: 'PURPLE',
  oldField: 'old',
  oldEnum: 'ORANGE',
  failList: ['never seen'],
  // mutation roots
  createPerson: person(20),
  setColor: 'RED',
  likePerson: 7,
  first: 1,
  second: 2,
  third: tree(1),
  // subscription roots
  tick: 1,
  news: 'extra! extra!',
}, (t) =>
  t.replace('"integralFloatForInt": 3,', '"integralFloatForInt": 3.0,')
    .replace('"intFromIntegralReal": 1000,', '"intFromIntegralReal": 1e3,')
    .replace('"stringFromNegZero": 0,', '"stringFromNegZero": -0.0,')
    .replace(/"floats": \[([^\]]*)\]/, (m) => m.replace(/\n\s*0,/, ' -0.0,')));
