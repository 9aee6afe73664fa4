// throttle.test.mjs -- repeated failed logins slow down, per account and per
// address (all tests come from 127.0.0.1, so this file has its own daemon and
// runs its steps in an order that keeps the address's count known), and
// sessions expire (a daemon with --session-ttl 2).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './daemon.mjs';

const loginStatus = async (d, name, password) => {
  const res = await fetch(`${d.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
};

describe('failed logins', () => {
  let d, admin;
  before(async () => {
    d = await h.startDaemon();
    admin = await h.adminToken(d);
    await h.makeUser(d, admin, 'victim', 'victim-pw-123');
    await h.makeUser(d, admin, 'bystander', 'bystander-pw-123');
  });
  after(async () => { await d.stop(); h.removeDir(d.dir); });

  // Waits are whole seconds counted from the last failure, doubling from 1 s:
  // a wait of 1 s may be over at once, so fail (honouring each wait) until
  // the wait is at least 4 s.
  const waits = [];
  it('after a few wrong passwords the account is throttled: 429 with Retry-After, even for the right password', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await loginStatus(d, 'victim', `wrong-${i}`);
      if (r.status === 429) {
        waits.push(Number(r.retryAfter));
        if (waits[waits.length - 1] >= 4) break;
        await h.sleep(1000 * Number(r.retryAfter) + 100);
      } else {
        assert.equal(r.status, 401);
      }
    }
    assert.ok(waits.length && waits[waits.length - 1] >= 4, waits.join());
    const right = await loginStatus(d, 'victim', 'victim-pw-123');
    assert.equal(right.status, 429);
    assert.ok(Number(right.retryAfter) >= 1);
  });

  it('the login mutation is throttled the same way, with a retryAfter', async () => {
    const r = await h.gql(d, 'mutation { login(name: "victim", password: "victim-pw-123") { token } }');
    assert.ok(r.errors, r.text);
    assert.ok(r.errors[0].extensions.retryAfter >= 1, r.text);
  });

  it('the wait grows with further failures', () => {
    const distinct = [...new Set(waits)];
    assert.ok(distinct.length >= 2 && distinct.every((w, i) => i === 0 || w > distinct[i - 1]), waits.join());
  });

  it('another account from the same address is not throttled by one account\'s failures', async () => {
    assert.equal((await loginStatus(d, 'bystander', 'bystander-pw-123')).status, 200);
  });

  it('an account whose wait is over logs in with the right password', async () => {
    const t = Number((await loginStatus(d, 'victim', 'victim-pw-123')).retryAfter || 0);
    await h.sleep(1000 * t + 200);
    assert.equal((await loginStatus(d, 'victim', 'victim-pw-123')).status, 200);
  });

  it('many failures from one address across names throttle the address, even for a valid account', async () => {
    for (let i = 0; i < 14; i++) await loginStatus(d, `guess${i}`, 'nope');
    const r = await loginStatus(d, 'bystander', 'bystander-pw-123');
    assert.equal(r.status, 429);
  });
});

describe('session expiry', () => {
  let d;
  before(async () => { d = await h.startDaemon({ args: ['--session-ttl', '2'] }); });
  after(async () => { await d.stop(); h.removeDir(d.dir); });

  it('a session stops working when its lifetime is over', async () => {
    const t = await h.adminToken(d);
    assert.equal((await h.gql(d, '{ me { id } }', null, t)).status, 200);
    await h.sleep(3100);
    assert.equal((await h.gql(d, '{ me { id } }', null, t)).status, 401);
  });

  it('the cookie\'s Max-Age is the session lifetime', async () => {
    const res = await fetch(`${d.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'admin', password: h.ADMIN_PASSWORD }) });
    assert.match(res.headers.get('set-cookie'), /Max-Age=[12];?/);
  });
});
