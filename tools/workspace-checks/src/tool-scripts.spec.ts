import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..', '..');

// The repo scripts run against the built packages (this project's test target builds them first).
describe('tools scripts', () => {
  it('shell-engine-round plans, executes, QAs and commits every template step on a temp repo', async () => {
    const { stdout } = await run('node', [join(root, 'tools/scripts/shell-engine-round.mjs')], {
      cwd: root,
      timeout: 120_000,
    });
    expect(stdout).toMatch(/^plan {5}succeeded: 3 step files/m);
    for (const step of ['00-setup.md', '01-script.md', '02-test.md']) {
      expect(stdout).toContain(`step     ${step}: execute succeeded, qa succeeded verdict PASS`);
    }
    expect(stdout.match(/^commit {3}[0-9a-f]{12} on 0001-round/gm)).toHaveLength(3);
    expect(stdout).toContain('pushed 0001-round to origin: 3 commits ahead of main');
  }, 180_000);
});

describe('npm test without a system package', () => {
  it('fails fast with one line naming it and the install command, before any build', async () => {
    const missingChromium = join(root, 'no-such-dir', 'chromium');
    const failure = await run('node', [join(root, 'tools/scripts/run-tests.mjs')], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, TGZ_CHROMIUM_PATH: missingChromium },
    }).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    const lines = failure?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^npm test: missing system packages: chromium \(\S*no-such-dir\/chromium, for the console e2e suite\)[^\n]*; install them with `apt-get update && apt-get install -y --no-install-recommends [^`]*chromium/,
    );
  });
});
