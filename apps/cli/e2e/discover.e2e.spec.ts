import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv } from '@tasksgodzilla/testing/api-process';
import { ROOT, assertBuilt, tgz } from './e2e.test-helpers.js';

// Repository discovery with NO api running (local mode): `tgz init --discover` and `tgz discover` in a
// fresh repository. The configured engine is shell (which cannot discover); `--engine codex` runs a
// fake codex (tools/fake-engines) that writes tasksgodzilla/DISCOVERY.md where it is pointed (--cd).

const IDENTITY = { name: 'TasksGodzilla E2E', email: 'e2e@tasksgodzilla.invalid' };
const FAKE_CODEX = join(ROOT, 'tools', 'fake-engines', 'fake-codex.mjs');
const NOTES = join('tasksgodzilla', 'DISCOVERY.md');

/** A `codex` that answers --version, else writes the discovery notes in its --cd folder and plays the success stream. */
function writeDiscoveringCodex(dir: string): string {
  const node = process.execPath;
  const script = [
    '#!/bin/sh',
    `case " $* " in *" --version "*) exec "${node}" "${FAKE_CODEX}" --version ;; esac`,
    'cwd="$PWD"; last=""',
    'for arg in "$@"; do [ "$last" = "--cd" ] && cwd="$arg"; last="$arg"; done',
    'mkdir -p "$cwd/tasksgodzilla" && printf \'# Discovery\\n\\nAn e2e sample.\\n\' > "$cwd/tasksgodzilla/DISCOVERY.md"',
    `FAKE_ENGINE_FIXTURE=success exec "${node}" "${FAKE_CODEX}" "$@"`,
    '',
  ];
  const path = join(dir, 'codex');
  writeFileSync(path, script.join('\n'));
  chmodSync(path, 0o755);
  return path;
}

function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${result.stderr}`);
}

interface LedgerRow {
  run_id: string;
  job_type: string;
  status: string;
  error: string | null;
}

describe('local-first discovery: tgz init --discover and tgz discover with no api running', () => {
  let work: string;
  let repo: string;
  let env: NodeJS.ProcessEnv;

  const local = (args: string[]) => tgz(args, { cwd: repo, env, timeoutMs: 300_000 });
  /** The discovery jobs of the ledger (local mode, the same data folder), newest first. */
  const discoveryJobs = async (): Promise<LedgerRow[]> => {
    const listed = await local(['codex-runs', 'list', '--job-type', 'project_discovery_job', '--json']);
    expect(listed.code).toBe(0);
    return JSON.parse(listed.stdout) as LedgerRow[];
  };

  beforeAll(() => {
    assertBuilt();
    work = mkdtempSync(join(tmpdir(), 'tgz-discover-e2e-'));
    mkdirSync(join(work, 'home'));
    mkdirSync(join(work, 'bin'));
    env = {
      ...cleanEnv(work, IDENTITY),
      HOME: join(work, 'home'),
      XDG_DATA_HOME: join(work, 'xdg'),
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_CODEX_BIN: writeDiscoveringCodex(join(work, 'bin')),
      PATH: ['/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    };
    repo = join(work, 'repo');
    mkdirSync(repo);
    git(repo, ['init', '-q', '-b', 'main'], env);
    writeFileSync(join(repo, 'README.md'), '# discovery sample\n');
    git(repo, ['add', '.'], env);
    git(repo, ['commit', '-q', '-m', 'initial'], env);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('discover before init is exit 1 naming tgz init', async () => {
    const early = await local(['discover']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('run `tgz init` there first');
  });

  it('init --discover --engine codex registers, onboards, runs discovery and prints the notes; the ledger shows the job succeeded', async () => {
    const init = await local(['init', '--discover', '--engine', 'codex']);
    expect(init.stdout).toContain('Registered project 1 (repo)');
    expect(init.code).toBe(0);
    // Onboarding itself ran on the shell engine, which cannot discover.
    expect(init.stdout).toContain('Discovery: Discovery skipped: engine "shell" has no discovery capability');
    expect(init.stdout).toContain(`Discovery completed with codex`);
    expect(init.stdout).toContain(`in ${repo}.`);
    expect(init.stdout).toContain('Notes: tasksgodzilla/DISCOVERY.md');
    expect(readFileSync(join(repo, NOTES), 'utf8')).toContain('An e2e sample.');
    const jobs = await discoveryJobs();
    expect(jobs).toEqual([expect.objectContaining({ job_type: 'project_discovery_job', status: 'succeeded' })]);
  });

  it('discover again: the notes are already there, a success that says so (--json)', async () => {
    const again = await local(['discover', '--json']);
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { project_id: number; job: LedgerRow; discovery: Record<string, unknown> };
    expect(out).toMatchObject({
      project_id: 1,
      job: { status: 'succeeded' },
      discovery: { status: 'exists', notes: ['tasksgodzilla/DISCOVERY.md'], path: repo },
    });
    expect((await discoveryJobs()).map((job) => job.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('without notes, the configured shell engine fails with the reason (exit 1, a failed job); --engine codex writes them again', async () => {
    rmSync(join(repo, 'tasksgodzilla'), { recursive: true, force: true });
    const failed = await local(['discover']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/error: discovery of project 1 failed \(job [^)]+\): .*has no discovery capability/);
    const [newest] = await discoveryJobs();
    expect(newest).toMatchObject({ status: 'failed' });
    expect(newest?.error).toContain('engine "shell" has no discovery capability');
    expect(existsSync(join(repo, NOTES))).toBe(false);

    const rerun = await local(['discover', '--engine', 'codex']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('Notes: tasksgodzilla/DISCOVERY.md');
    expect(existsSync(join(repo, NOTES))).toBe(true);
    expect((await discoveryJobs())[0]).toMatchObject({ status: 'succeeded' });
  });
});
