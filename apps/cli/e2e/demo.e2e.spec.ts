import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEMO, ROOT, assertBuilt } from './e2e.test-helpers.js';

// `npm run demo` end to end. `--skip-build`: the e2e target already built the api and the cli
// (a nested `nx run-many` inside an Nx task is avoided); everything else is exactly what a user runs.

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') && key !== 'NODE_OPTIONS'),
    );
    const child = spawn(process.execPath, [DEMO, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGINT'), 540_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  beforeAll(() => assertBuilt());

  it('runs the sample protocol to completion, prints the summary and cleans up', async () => {
    const { code, stdout, stderr } = await runDemo(['--skip-build']);
    if (code !== 0) throw new Error(`demo exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    expect(stdout).toContain('TasksGodzilla demo summary');
    expect(stdout).toMatch(/^Protocol {2}0001-greeting \(#\d+\): completed in /m);
    for (const step of ['00-setup.md', '01-script.md', '02-test.md'])
      expect(stdout).toMatch(new RegExp(`${step.replace('.', '\\.')}\\s+completed\\s+PASS \\(2/2 checks\\)`));
    // Newest first: the run's final reports (the last QA report), then the last step's commit.
    expect(stdout).toMatch(
      /Commits on 0001-greeting \(main\.\.0001-greeting in the bare origin\):\n\s+\w+ 0001-greeting: final reports\n\s+\w+ 0001-greeting: 02-test\.md/,
    );
    expect(stdout).toMatch(/^Events: \d+ for the protocol/m);
    expect(stdout).toMatch(/^Console {3}http:\/\/127\.0\.0\.1:\d+\/console$/m);
    expect(stdout).toContain('Demo succeeded');

    const work = /with a local bare origin in (\S+)/.exec(stdout)?.[1];
    expect(work).toBeDefined();
    expect(existsSync(work!)).toBe(false);
  });
});
