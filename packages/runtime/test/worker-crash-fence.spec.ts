import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalProcessGroup } from '@tasksgodzilla/platform-engines';
import { demoSpec } from '@tasksgodzilla/service-testing';
import { git, postgresAvailable } from '@tasksgodzilla/testing';
import { useCrashSuite } from './crash-suite.js';
import type { RuntimeHarness } from './runtime-harness.js';

/**
 * On its first execution the step leaves its process group running forever, appending to a file of
 * the worktree (what an agent does when its worker is SIGKILLed); on the next one it writes its result.
 */
function fenceStep(markers: string): string {
  return `# 01 - Build

\`\`\`sh
mkdir -p work
if [ ! -f "${markers}/first-started" ]; then
  echo $$ > "${markers}/first-pgid"
  touch "${markers}/first-started"
  while :; do echo dead >> work/dead-attempt.txt; sleep 0.05; done
fi
echo "successful attempt" > work/result.txt
\`\`\`

## Checks

\`\`\`sh
test -f work/result.txt
\`\`\`
`;
}

const dialects: ('sqlite' | 'postgres')[] = (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];

/** A started, auto-advancing run `protocolName`: 00-setup (QA skipped), then 01-build as `build` writes it. */
const fenceRun = (h: RuntimeHarness, protocolName: string, build: string) =>
  h.startRun({
    protocol_name: protocolName,
    template: h.template({ '01-build.md': build }),
    auto_advance: true,
    template_config: { protocol_spec: demoSpec({ '00-setup.md': { qa: 'skip' } }) },
  });

/** The pgid the first attempt of `fenceStep` noted, once it has. */
function firstPgid(markers: string): number[] {
  const path = join(markers, 'first-pgid');
  return existsSync(path) ? [Number(readFileSync(path, 'utf8').trim())] : [];
}

describe.each(dialects)('a worker SIGKILLed during a step (%s, embedded queue)', (dialect) => {
  const suite = useCrashSuite(firstPgid);

  it('the re-execution kills the dead attempt’s process group and commits only its own output', async () => {
    // Bounded by the state waits below (no sleeps); the default 30 s is short for two runtimes on a busy machine.
    const h = await suite.open('tgz-fence-', { dialect, config: { leaseSeconds: 2, jobMaxAttempts: 3 } });
    const markers = suite.markers;
    const run = await fenceRun(h, '0001-fence', fenceStep(markers));

    // The child worker plans, runs 00-setup, then starts 01-build, whose process never ends.
    const worker = suite.startWorker();
    await h
      .waitFor(
        async () => {
          if (worker.proc.exitCode !== null) throw new Error(`the worker process exited early: ${worker.stderr()}`);
          return existsSync(join(markers, 'first-started'));
        },
        Boolean,
        90_000,
      )
      .catch(async (error: unknown) => {
        // Say what the child left behind, not only that the marker never came.
        const jobs = await h.rt.storage.jobRuns.list({}, { limit: 50 });
        throw new Error(
          `${String(error)}\nworker stderr: ${worker.stderr()}\nrun: ${JSON.stringify(await h.run(run.id))}\njobs: ${JSON.stringify(jobs.items.map((j) => [j.job_type, j.status, j.attempts, j.error]))}\nevents: ${JSON.stringify((await h.events(run.id)).map((e) => [e.event_type, e.message]))}`,
        );
      });
    const [orphanPgid] = firstPgid(markers) as [number];
    const worktree = (await h.run(run.id)).worktree_path!;
    await h.waitFor(async () => existsSync(join(worktree, 'work', 'dead-attempt.txt')), Boolean);

    // The worker and its spawn helper die together: the step's process group (its own) survives them
    // and keeps writing into the worktree.
    await worker.killWithHelper();
    expect(signalProcessGroup(orphanPgid, 0)).toBe(true);

    // Another worker reclaims the job once the lease expires and re-executes the step.
    h.worker.start();
    const done = await h.settled(run.id, 90_000);
    await h.worker.stop();

    expect(done.status).toBe('completed');
    expect(signalProcessGroup(orphanPgid, 0)).toBe(false);
    const events = await h.events(run.id);
    const build = (await h.steps(run.id)).find((s) => s.step_name === '01-build.md')!;
    const completed = events.filter((e) => e.event_type === 'step_completed' && e.step_run_id === build.id);
    expect(completed).toHaveLength(1);
    // The event says what the fence found and did.
    expect(completed[0]!.metadata!['fenced_attempt']).toMatchObject({
      worker_pid: worker.proc.pid,
      killed_process_groups: [orphanPgid],
      worktree_restored: true,
    });
    const sha = completed[0]!.metadata!['commit_sha'] as string;
    const files = git(h.repo.path, ['show', '--name-only', '--format=', sha]).split('\n').filter(Boolean);
    expect(files).toContain('work/result.txt');
    expect(files).not.toContain('work/dead-attempt.txt');
    // Nothing of the dead attempt anywhere on the branch either.
    expect(git(h.repo.path, ['log', '--name-only', '--format=', done.branch_name ?? '0001-fence'])).not.toContain(
      'dead-attempt',
    );
    const jobs = await h.rt.storage.jobRuns.list({ step_run_id: build.id, job_type: 'execute_step_job' });
    expect(jobs.items.map((j) => j.attempts)).toEqual([2]);
  }, 240_000);
});

describe('a worker SIGKILLed alone during a step (SQLite, embedded queue)', () => {
  const suite = useCrashSuite(firstPgid);

  it('its spawn helper kills the step’s process group at once; the re-execution commits only its own output', async () => {
    const h = await suite.open('tgz-helper-', { config: { leaseSeconds: 2, jobMaxAttempts: 3 } });
    const markers = suite.markers;
    const run = await fenceRun(h, '0003-helper', fenceStep(markers));
    const worker = suite.startWorker();
    await h.waitFor(
      async () => {
        if (worker.proc.exitCode !== null) throw new Error(`the worker process exited early: ${worker.stderr()}`);
        return existsSync(join(markers, 'first-started'));
      },
      Boolean,
      90_000,
    );
    const [orphanPgid] = firstPgid(markers) as [number];
    const worktree = (await h.run(run.id)).worktree_path!;
    await h.waitFor(async () => existsSync(join(worktree, 'work', 'dead-attempt.txt')), Boolean);

    // Only the worker dies: its spawn helper sees it go and kills what it started, before any fence.
    await worker.kill();
    await h.waitFor(
      async () => signalProcessGroup(orphanPgid, 0),
      (alive) => !alive,
      60_000,
    );

    h.worker.start();
    const done = await h.settled(run.id, 90_000);
    await h.worker.stop();
    expect(done.status).toBe('completed');
    const build = (await h.steps(run.id)).find((s) => s.step_name === '01-build.md')!;
    const completed = (await h.events(run.id)).filter(
      (e) => e.event_type === 'step_completed' && e.step_run_id === build.id,
    );
    expect(completed).toHaveLength(1);
    // The fence found the group gone already, and still put the worktree back.
    expect(completed[0]!.metadata!['fenced_attempt']).toMatchObject({
      worker_pid: worker.proc.pid,
      killed_process_groups: [],
      worktree_restored: true,
    });
    const sha = completed[0]!.metadata!['commit_sha'] as string;
    const files = git(h.repo.path, ['show', '--name-only', '--format=', sha]).split('\n').filter(Boolean);
    expect(files).toContain('work/result.txt');
    expect(files).not.toContain('work/dead-attempt.txt');
  }, 240_000);
});

/** Every execution of this step leaves its process group running forever (noting its pgid first). */
function endlessStep(markers: string): string {
  return `# 01 - Build

\`\`\`sh
mkdir -p work
echo $$ >> "${markers}/pgids"
while :; do echo dead >> work/dead-attempt.txt; sleep 0.05; done
\`\`\`
`;
}

/** The pgids every attempt of `endlessStep` noted, in order. */
function notedPgids(markers: string): number[] {
  const path = join(markers, 'pgids');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

describe('a worker SIGKILLed on the step job’s last attempt (SQLite, embedded queue)', () => {
  const suite = useCrashSuite(notedPgids);
  const pgids = () => notedPgids(suite.markers);

  it('dead-lettering the job kills the process group its worker left behind', async () => {
    const h = await suite.open('tgz-reap-', { config: { leaseSeconds: 2, jobMaxAttempts: 2 } });
    const run = await fenceRun(h, '0002-reap', endlessStep(suite.markers));

    // Two worker processes in turn run the step and are SIGKILLed mid-run: both attempts are used up.
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const worker = suite.startWorker();
      await h.waitFor(
        async () => {
          if (worker.proc.exitCode !== null) throw new Error(`the worker process exited early: ${worker.stderr()}`);
          return pgids().length;
        },
        (count) => count === attempt,
        90_000,
      );
      await worker.killWithHelper();
    }
    const [first, second] = pgids() as [number, number];
    // The second attempt's fence killed the first one's group; the second one's outlives its worker.
    expect(signalProcessGroup(first, 0)).toBe(false);
    expect(signalProcessGroup(second, 0)).toBe(true);

    // Reclaim finds no attempt left: the job is dead-lettered, and its orphan is killed.
    h.worker.start();
    const build = await h.waitFor(
      async () => (await h.steps(run.id)).find((s) => s.step_name === '01-build.md')!,
      (step) => step.status === 'failed',
      90_000,
    );
    await h.worker.stop();
    expect(build.status).toBe('failed');
    expect(signalProcessGroup(second, 0)).toBe(false);
    const jobs = await h.rt.storage.jobRuns.list({ step_run_id: build.id, job_type: 'execute_step_job' });
    expect(jobs.items.map((j) => [j.status, j.attempts])).toEqual([['failed', 2]]);
  }, 300_000);
});
