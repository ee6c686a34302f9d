import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@tasksgodzilla/core';
import { createShellEngine, signalProcessGroup } from '@tasksgodzilla/platform-engines';
import {
  createWorkspace,
  project,
  stepRun,
  useProcessEnv,
  useStepWorkspace,
  type Workspace,
} from '@tasksgodzilla/service-testing';
import { git } from '@tasksgodzilla/testing';
import { ATTEMPT_LOCK_FILE, createAttemptFence, type AttemptLockRecord } from '../src/attempt-fence.js';
import { stepCommitTrailer } from '../src/execution.service.js';
import type { ExecuteStepInput } from '../src/index.js';
import { executeInput, executionService, settleQueuedPushes } from './harness.js';

const ENV_STEP = ['# 01 Env', '', '```sh', 'env > env.txt', 'cat env.txt', '```', ''].join('\n');
const WRITE_STEP = ['# 02 Write', '', '```sh', 'echo good > good.txt', '```', ''].join('\n');
const APPEND_STEP = ['# 03 Append', '', '```sh', 'echo attempt >> attempts.txt', '```', ''].join('\n');
const CANARIES = {
  TASKSGODZILLA_API_TOKEN: 'canary-api-token-7f3a',
  TASKSGODZILLA_WEBHOOK_TOKEN: 'canary-webhook-token-7f3a',
  GITHUB_TOKEN: 'canary-github-token-7f3a',
  TASKSGODZILLA_DB_URL: 'postgres://tgz:canary-db-pass-7f3a@127.0.0.1:5432/tgz',
};

/** The lock record of job-0's attempt, started now. */
function lockRecord(
  fields: Pick<AttemptLockRecord, 'host' | 'worker_pid' | 'pgids' | 'snapshot'> & Partial<AttemptLockRecord>,
): AttemptLockRecord {
  return { job_id: 'job-0', started_at: new Date().toISOString(), ...fields };
}

describe('ExecutionService: step isolation', () => {
  const suite = useStepWorkspace(
    { '01-env.md': ENV_STEP, '02-write.md': WRITE_STEP, '03-append.md': APPEND_STEP },
    {},
    { beforeRemove: settleQueuedPushes },
  );
  useProcessEnv({ ...CANARIES, NPM_TOKEN: 'npm-token-opted-in' });

  function service(extra: { host?: string; engineTimeoutSeconds?: number; git?: Workspace['git'] } = {}) {
    return executionService(
      suite,
      [createShellEngine({ killGraceMs: 200 })],
      extra.engineTimeoutSeconds ? { engineTimeoutSeconds: extra.engineTimeoutSeconds } : {},
      {
        redactValues: [CANARIES.TASKSGODZILLA_API_TOKEN, 'canary-db-pass-7f3a'],
        ...(extra.git ? { git: extra.git } : {}),
        ...(extra.host ? { host: extra.host } : {}),
      },
    );
  }

  const input = (overrides: Partial<ExecuteStepInput> = {}) =>
    executeInput(suite.ws, { step: stepRun({ step_name: '01-env.md' }), jobId: 'job-1', ...overrides });

  const gitDir = () => git(suite.ws.worktreePath, ['rev-parse', '--absolute-git-dir']);
  const lockPath = () => join(gitDir(), ATTEMPT_LOCK_FILE);
  /** The snapshot index files kept in the worktree's git dir. */
  const keptSnapshots = () => readdirSync(gitDir()).filter((name) => name.startsWith('tgz-snapshot-'));

  it('the step process sees the allow-list plus the project opt-in, never the worker’s tokens; the run log redacts project secrets', async () => {
    const result = await service().executeStep(
      input({
        project: project({
          secrets: {
            api_token: 'project-api-token-1',
            env: { PROJECT_SETTING: 'project-secret-value' },
            env_passthrough: ['NPM_TOKEN'],
          },
        }),
      }),
    );
    expect(result.outcome).toBe('succeeded');
    const env = readFileSync(join(suite.ws.worktreePath, 'env.txt'), 'utf8');
    expect(env).toContain('PROJECT_SETTING=project-secret-value');
    expect(env).toContain('NPM_TOKEN=npm-token-opted-in');
    expect(env).toMatch(/^PATH=/m);
    const log = readFileSync(suite.ws.logPath, 'utf8');
    const committed = git(suite.ws.worktreePath, ['show', '--patch', 'HEAD']);
    for (const text of [env, log, committed, JSON.stringify(result)]) {
      for (const canary of Object.values(CANARIES)) expect(text).not.toContain(canary);
      expect(text).not.toContain('canary-db-pass-7f3a');
    }
    expect(log).toContain('PROJECT_SETTING=[REDACTED]');
    expect(log).not.toContain('project-secret-value');
    // The lock is held only while the engine runs; the attempt's snapshot goes with it.
    expect(existsSync(lockPath())).toBe(false);
    expect(keptSnapshots()).toEqual([]);
  });

  it('the lock is held until the attempt is committed (a worker dying between engine end and commit leaves it for the next attempt to undo)', async () => {
    const lockAtCommit: boolean[] = [];
    const snapshotsAtCommit: string[][] = [];
    const git: Workspace['git'] = {
      ...suite.ws.git,
      commitAll: async (args) => {
        lockAtCommit.push(existsSync(lockPath()));
        snapshotsAtCommit.push(keptSnapshots());
        return suite.ws.git.commitAll(args);
      },
    };
    const result = await service({ git }).executeStep(input({ step: stepRun({ step_name: '02-write.md' }) }));
    expect(result.outcome).toBe('succeeded');
    expect(lockAtCommit).toEqual([true]);
    // The lock names the snapshot kept for it until the commit is made.
    expect(snapshotsAtCommit).toEqual([[expect.stringMatching(/^tgz-snapshot-[0-9a-f]{12}$/)]]);
    expect(existsSync(lockPath())).toBe(false);
    expect(keptSnapshots()).toEqual([]);
  });

  it('a job that already committed its step (worker died before the outcome was recorded) is not executed or committed again', async () => {
    const append = stepRun({ step_name: '03-append.md' });
    const first = await service().executeStep(input({ step: append, jobId: 'job-7' }));
    expect(first.outcome).toBe('succeeded');
    expect(git(suite.ws.worktreePath, ['log', '-1', '--format=%B'])).toContain(stepCommitTrailer('job-7'));
    const commits = git(suite.ws.worktreePath, ['rev-list', '--count', 'HEAD']);

    const again = await service().executeStep(input({ step: append, jobId: 'job-7' }));
    expect(again).toMatchObject({ outcome: 'succeeded', commit: first.commit, metadata: { already_committed: true } });
    expect(readFileSync(join(suite.ws.worktreePath, 'attempts.txt'), 'utf8')).toBe('attempt\n');
    expect(git(suite.ws.worktreePath, ['rev-list', '--count', 'HEAD'])).toBe(commits);

    // Another job (a new attempt the orchestrator decided on) runs and commits.
    const next = await service().executeStep(input({ step: append, jobId: 'job-8' }));
    expect(next.commit?.sha).not.toBe(first.commit?.sha);
    expect(readFileSync(join(suite.ws.worktreePath, 'attempts.txt'), 'utf8')).toBe('attempt\nattempt\n');
  });

  it('an earlier attempt that died mid-run is fenced: its process group killed, its writes undone, only this attempt committed', async () => {
    const snapshot = await suite.ws.git.snapshotWorktree(suite.ws.worktreePath);
    // The orphan of a killed worker: its own process group, still writing into the worktree.
    const orphan = spawn('sh', ['-c', 'while :; do echo dead >> dead.txt; sleep 0.05; done'], {
      cwd: suite.ws.worktreePath,
      detached: true,
      stdio: 'ignore',
    });
    orphan.unref();
    const pgid = orphan.pid!;
    try {
      const record = lockRecord({ host: hostname(), worker_pid: 999_999, pgids: [pgid], snapshot });
      writeFileSync(lockPath(), JSON.stringify(record));
      while (!existsSync(join(suite.ws.worktreePath, 'dead.txt')))
        await new Promise((resolve) => setTimeout(resolve, 20));

      const result = await service().executeStep(input({ step: stepRun({ step_name: '02-write.md' }) }));

      expect(result.outcome).toBe('succeeded');
      expect(signalProcessGroup(pgid, 0)).toBe(false);
      expect(result.metadata['fenced_attempt']).toMatchObject({
        job_id: 'job-0',
        killed_process_groups: [pgid],
        worktree_restored: true,
      });
      expect(result.commit?.files).toEqual(expect.arrayContaining(['good.txt']));
      expect(result.commit?.files).not.toContain('dead.txt');
      expect(existsSync(join(suite.ws.worktreePath, 'dead.txt'))).toBe(false);
      expect(git(suite.ws.worktreePath, ['status', '--porcelain'])).toBe('');
      expect(existsSync(lockPath())).toBe(false);
      // The dead attempt's snapshot is discarded once restored, this attempt's once committed.
      expect(keptSnapshots()).toEqual([]);
    } finally {
      signalProcessGroup(pgid, 'SIGKILL');
    }
  });

  it('a fresh lock of another host is a retryable worktree_busy conflict and nothing runs; a stale one is taken over', async () => {
    const snapshot = await suite.ws.git.snapshotWorktree(suite.ws.worktreePath);
    const before = git(suite.ws.worktreePath, ['rev-parse', 'HEAD']);
    const record = lockRecord({ host: 'other-host', worker_pid: 4242, pgids: [4243], snapshot });
    writeFileSync(lockPath(), JSON.stringify(record));
    writeFileSync(join(suite.ws.worktreePath, 'half-written.txt'), 'by the other host\n');

    const busy = service({ host: 'this-host' }).executeStep(input({ step: stepRun({ step_name: '02-write.md' }) }));
    await expect(busy).rejects.toBeInstanceOf(ConflictError);
    await expect(busy).rejects.toMatchObject({ code: 'worktree_busy', retryable: true });
    expect(existsSync(join(suite.ws.worktreePath, 'good.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ host: 'other-host' });

    // Older than the engine's wall-clock limit plus the margin: that attempt cannot be running any more.
    writeFileSync(
      lockPath(),
      JSON.stringify({ ...record, started_at: new Date(Date.now() - 10 * 60_000).toISOString() }),
    );
    const result = await service({ host: 'this-host', engineTimeoutSeconds: 60 }).executeStep(
      input({ step: stepRun({ step_name: '02-write.md' }) }),
    );
    expect(result.outcome).toBe('succeeded');
    expect(result.metadata['fenced_attempt']).toMatchObject({
      host: 'other-host',
      killed_process_groups: [],
      worktree_restored: true,
    });
    expect(result.commit?.files).not.toContain('half-written.txt');
    expect(git(suite.ws.worktreePath, ['rev-parse', 'HEAD~1'])).toBe(before);
  });
});

describe('createAttemptFence().reap', () => {
  it('kills the groups of a dead attempt of this host and keeps the lock; another host’s lock is left alone', async () => {
    const ws = await createWorkspace({ '01-a.md': '# a\n' });
    const orphan = spawn('sh', ['-c', 'while :; do sleep 0.05; done'], {
      cwd: ws.worktreePath,
      detached: true,
      stdio: 'ignore',
    });
    orphan.unref();
    const pgid = orphan.pid!;
    try {
      const fence = createAttemptFence({
        git: ws.git,
        host: 'host-a',
        pid: process.pid,
        clock: { now: () => new Date() },
        staleAfterMs: 60_000,
      });
      const lock = join(git(ws.worktreePath, ['rev-parse', '--absolute-git-dir']), ATTEMPT_LOCK_FILE);
      const record = lockRecord({
        host: 'host-b',
        worker_pid: 1234,
        job_id: 'j',
        pgids: [pgid],
        snapshot: await ws.git.snapshotWorktree(ws.worktreePath),
      });
      writeFileSync(lock, JSON.stringify(record));
      expect(await fence.reap(ws.worktreePath)).toEqual([]);
      expect(signalProcessGroup(pgid, 0)).toBe(true);

      writeFileSync(lock, JSON.stringify({ ...record, host: 'host-a' }));
      expect(await fence.reap(ws.worktreePath)).toEqual([pgid]);
      expect(signalProcessGroup(pgid, 0)).toBe(false);
      expect(existsSync(lock)).toBe(true);
    } finally {
      signalProcessGroup(pgid, 'SIGKILL');
      ws.remove();
    }
  });
});
