import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, type Clock } from '@tasksgodzilla/core';
import { signalProcessGroup } from '@tasksgodzilla/platform-engines';
import type { GitService, WorktreeSnapshot } from '@tasksgodzilla/platform-git';

/** The lock file inside the worktree's git dir, held while an attempt's engine runs. */
export const ATTEMPT_LOCK_FILE = 'tgz-attempt.json';

/** What the lock file says about the attempt that holds (or held) the worktree. */
export interface AttemptLockRecord {
  host: string;
  /** The worker process that ran the attempt. */
  worker_pid: number;
  job_id: string | null;
  started_at: string;
  /** Process groups the attempt's engine started (one per shell block; one for a CLI). */
  pgids: number[];
  /** The worktree as it was before the attempt started. */
  snapshot: WorktreeSnapshot;
}

/** What fencing found and did before this attempt started. */
export interface FenceReport {
  previous: AttemptLockRecord;
  /** Process groups of the earlier attempt that were still alive and were killed. */
  killed: number[];
  /** True when the worktree was put back to the earlier attempt's starting snapshot. */
  restored: boolean;
}

export interface AttemptLock {
  /** Adds a process group to the lock file (synchronously, before the process gets far). */
  recordProcess(pgid: number): void;
  /** Removes the lock file (the attempt's processes are gone), then the snapshot it kept. */
  release(): Promise<void>;
}

export interface AttemptFence {
  /** Fences the worktree (see createAttemptFence) and writes this attempt's lock. */
  acquire(
    worktreePath: string,
    owner: { jobId?: string | null },
  ): Promise<{ lock: AttemptLock; fenced: FenceReport | null }>;
  /**
   * Kills the process groups of a dead attempt that ran on this host (a job dead-lettered after its
   * worker died) and returns them. The lock stays, so the next execution still restores the worktree.
   */
  reap(worktreePath: string): Promise<number[]>;
}

export interface AttemptFenceDeps {
  git: Pick<GitService, 'gitDir' | 'snapshotWorktree' | 'restoreWorktree' | 'discardSnapshot'>;
  host: string;
  pid: number;
  clock: Clock;
  /** A lock of another host older than this is taken over (its attempt cannot be running any more). */
  staleAfterMs: number;
  /** How long to wait for killed process groups to disappear. Default 10,000. */
  killWaitMs?: number;
}

const DEFAULT_KILL_WAIT_MS = 10_000;

function readLock(path: string): AttemptLockRecord | null {
  if (!existsSync(path)) return null;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as AttemptLockRecord;
    return parsed && typeof parsed.host === 'string' && Array.isArray(parsed.pgids) ? parsed : null;
  } catch {
    // A torn write by a dying worker: nothing usable in it.
    return null;
  }
}

function writeLock(path: string, record: AttemptLockRecord): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(record));
  renameSync(temp, path);
}

async function waitForGroupsGone(pgids: number[], limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (pgids.some((pgid) => signalProcessGroup(pgid, 0)) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Fences a worktree between attempts of a step. `acquire` runs before the engine starts: when a lock
 * file of an earlier attempt is still there, that attempt died mid-run (its worker was killed), so its
 * process groups are killed (same host) and the worktree is put back to the snapshot taken when it
 * started; a fresh lock with a new snapshot is then written. A lock of another host that is not yet
 * stale is a retryable ConflictError (`worktree_busy`): its processes cannot be killed from here.
 */
export function createAttemptFence(deps: AttemptFenceDeps): AttemptFence {
  const killWaitMs = deps.killWaitMs ?? DEFAULT_KILL_WAIT_MS;

  // A snapshot left behind costs a small file in the git dir; a failed removal must not fail the step.
  async function discard(worktreePath: string, snapshot: WorktreeSnapshot): Promise<void> {
    try {
      await deps.git.discardSnapshot(worktreePath, snapshot);
    } catch {
      // best effort (see above)
    }
  }

  async function killGroups(previous: AttemptLockRecord): Promise<number[]> {
    const killed = previous.pgids.filter(
      (pgid) => pgid > 1 && pgid !== deps.pid && signalProcessGroup(pgid, 'SIGKILL'),
    );
    await waitForGroupsGone(killed, killWaitMs);
    return killed;
  }

  async function fence(worktreePath: string, path: string, previous: AttemptLockRecord): Promise<FenceReport> {
    let killed: number[] = [];
    if (previous.host === deps.host) {
      killed = await killGroups(previous);
    } else {
      const age = deps.clock.now().getTime() - Date.parse(previous.started_at);
      if (!(age > deps.staleAfterMs)) {
        throw new ConflictError(
          `Worktree ${worktreePath} is held by an attempt on host ${previous.host} (pid ${previous.worker_pid}, job ${previous.job_id ?? '?'}, started ${previous.started_at}); retry later`,
          {
            code: 'worktree_busy',
            retryable: true,
            details: {
              worktree_path: worktreePath,
              lock_path: path,
              holder: { ...previous, snapshot: { ...previous.snapshot } },
            },
          },
        );
      }
    }
    const restored = await deps.git.restoreWorktree(worktreePath, previous.snapshot);
    return { previous, killed, restored };
  }

  return {
    async reap(worktreePath) {
      const previous = readLock(join(await deps.git.gitDir(worktreePath), ATTEMPT_LOCK_FILE));
      return previous && previous.host === deps.host ? killGroups(previous) : [];
    },
    async acquire(worktreePath, owner) {
      const path = join(await deps.git.gitDir(worktreePath), ATTEMPT_LOCK_FILE);
      const previous = readLock(path);
      const fenced = previous ? await fence(worktreePath, path, previous) : null;
      const record: AttemptLockRecord = {
        host: deps.host,
        worker_pid: deps.pid,
        job_id: owner.jobId ?? null,
        started_at: deps.clock.now().toISOString(),
        pgids: [],
        snapshot: await deps.git.snapshotWorktree(worktreePath),
      };
      writeLock(path, record);
      // Only now that no lock names it: the earlier attempt's snapshot is not needed any more.
      if (previous) await discard(worktreePath, previous.snapshot);
      return {
        fenced,
        lock: {
          recordProcess(pgid) {
            record.pgids.push(pgid);
            writeLock(path, record);
          },
          async release() {
            // The lock first: a lock must never name a snapshot that is gone.
            rmSync(path, { force: true });
            await discard(worktreePath, record.snapshot);
          },
        },
      };
    },
  };
}
