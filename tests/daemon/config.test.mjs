// config.test.mjs -- how the daemon is configured and run: the INI file and
// flags that override it, refusal of unknown keys and options, and HTTPS
// from a certificate and key (a self-signed pair made with openssl here),
// whose session cookies are Secure.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as h from './daemon.mjs';

const started = [];
after(async () => {
  for (const d of started) {
    await d.stop();
    h.removeDir(d.dir);
  }
});

const run = (args) => spawnSync(h.EPFIOTD, args, { encoding: 'utf8', timeout: 30000 * h.SLOW });

describe('configuration', () => {
  it('an unknown option is refused with exit status 2', () => {
    const r = run(['--no-such-option']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option/);
  });

  it('an unknown key in the INI file is refused', () => {
    const dir = h.tempDir();
    const conf = join(dir, 'bad.conf');
    execFileSync('sh', ['-c', `printf '[http]\\nno_such_key = 1\\n' > ${conf}`]);
    const r = run(['--config', conf, '--print-schema']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /no_such_key/);
    h.removeDir(dir);
  });

  it('a value that is not a number for a number key is refused', () => {
    const r = run(['--config', '/dev/null', '--port', 'eighty', '--database', '/nonexistent-dir/epfiot.db']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad value for --port/);
  });

  it('a bad flag value is refused even with --version, --print-schema or --help', () => {
    for (const info of ['--version', '--print-schema', '--help']) {
      for (const args of [['--port', 'eighty', info], [info, '--port', 'eighty'], [info, '--port', '70000'], [info, '--log-level', 'loud']]) {
        const r = run(['--config', '/dev/null', ...args]);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
        assert.equal(r.stdout, '', args.join(' '));
        assert.match(r.stderr, /bad value for --port|port is 0-65535|log_level must be/, args.join(' '));
      }
    }
  });

  it('--version, --print-schema and --help with valid options print and exit 0', () => {
    const v = run(['--config', '/dev/null', '--port', '80', '--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^epfiotd /);
    const s = run(['--print-schema', '--port', '80']);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /type Query/);
    const u = run(['--help']);
    assert.equal(u.status, 0, u.stderr);
    assert.match(u.stdout, /^Usage: epfiotd/);
  });

  it('the INI file sets keys and a flag overrides the file', async () => {
    const dir = h.tempDir();
    // The file asks for a 4 KiB body limit; the flag on the command line
    // (added by startDaemon after --config) raises it to 64 KiB.
    const d = await h.startDaemon({ dir, config: '[http]\nmax_body = 4096\n[log]\nlog_level = warn\n', args: ['--max-body', '65536'] });
    started.push(d);
    const admin = await h.adminToken(d);
    const body = JSON.stringify({ query: `{ me { id } } #${'x'.repeat(8000)}` });
    const r = await fetch(`${d.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body });
    assert.equal(r.status, 200);
    // log_level = warn from the file: no info lines such as logins.
    assert.ok(!/ info: /.test(d.stderr), d.stderr);
  });

  it('the INI file\'s value applies when no flag overrides it', async () => {
    const d = await h.startDaemon({ config: '[http]\nmax_body = 4096\n' });
    started.push(d);
    const admin = await h.adminToken(d);
    const body = JSON.stringify({ query: `{ me { id } } #${'x'.repeat(8000)}` });
    const r = await fetch(`${d.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body });
    assert.equal(r.status, 413);
  });

  it('a database in a directory that does not exist is a clear start-up error, not a crash', () => {
    const r = run(['--config', '/dev/null', '--port', '0', '--database', '/nonexistent-dir/x/epfiot.db', '--libvirt-uri', h.HOST_URI, '--image-pool', 'default-pool']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /error/);
  });
});

describe('HTTPS', () => {
  it('with tls_cert and tls_key the daemon speaks HTTPS only and its session cookie is Secure', async () => {
    const dir = h.tempDir();
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const d = await h.startDaemon({ dir, args: ['--tls-cert', cert, '--tls-key', key], listenScheme: 'https' });
    started.push(d);
    const ca = readFileSync(cert);
    const res = await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: d.port, path: '/login', method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (r) => {
        let body = '';
        r.on('data', (b) => { body += b; });
        r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ name: 'admin', password: h.ADMIN_PASSWORD }));
    });
    assert.equal(res.status, 200, res.body);
    assert.match(res.headers['set-cookie'][0], /; Secure/);
    // Plain HTTP on the same port gets no HTTP answer.
    await assert.rejects(fetch(`http://127.0.0.1:${d.port}/healthz`).then(async (r) => { if (r.status === 200) throw new Error('plain HTTP served'); throw new Error('refused'); }).then(() => {}, (e) => { if (e.message === 'plain HTTP served') return; throw e; }));
  });
});
