// audit.mjs -- run graphql-http's server audits against a URL and fail on
// any error or warning. The test server wants a bearer token, which the
// audits' fetchFn adds to every request (as a real client would).
// Usage: node audit.mjs URL NPM_DIR
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [url, npmDir] = process.argv.slice(2);
const require = createRequire(join(npmDir, 'package.json'));
const { serverAudits } = require('graphql-http');

const token = 'good-token'; // TESTAPP_TOKEN in testapp.h
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

let ok = 0;
let bad = 0;
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    ok++;
  } else {
    bad++;
    console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${ok} ok, ${bad} not ok`);
console.log(`${ok} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
