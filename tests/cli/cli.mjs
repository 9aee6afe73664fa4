// cli.mjs -- runs epfiotctl (from $EPFIOTCTL) against a real epfiotd started
// by the daemon suite's harness (tests/daemon/daemon.mjs), each call with its
// own environment: a temporary XDG_CONFIG_HOME (so the credentials file is
// the test's, never the user's), EPFIOT_URL pointing at the daemon, and no
// EPFIOT_TOKEN unless the test gives one.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tempDir } from '../daemon/daemon.mjs';

export const EPFIOTCTL = resolve(process.env.EPFIOTCTL || 'build/tools/epfiotctl');

// A CLI "profile": one config dir and URL. run(args, {input, env}) resolves
// to {code, stdout, stderr}.
export function profile(d) {
  const home = tempDir();
  const p = {
    home,
    config: join(home, 'config'),
    url: d ? d.url : 'http://127.0.0.1:1',
    run(args, opts = {}) {
      const env = {
        PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), EPFIOT_URL: p.url,
        // A sanitizer build's settings (run.sh makes UBSan errors fatal).
        ASAN_OPTIONS: process.env.ASAN_OPTIONS, UBSAN_OPTIONS: process.env.UBSAN_OPTIONS,
        ...(opts.env || {}),
      };
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
      return new Promise((res) => {
        const child = spawn(EPFIOTCTL, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '', stderr = '';
        child.stdout.on('data', (b) => { stdout += b; });
        child.stderr.on('data', (b) => { stderr += b; });
        child.on('close', (code) => res({ code, stdout, stderr }));
        // The CLI may exit before reading stdin: a closed pipe is not an error.
        child.stdin.on('error', () => {});
        child.stdin.end(opts.input || '');
      });
    },
  };
  return p;
}
