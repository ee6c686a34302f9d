import { hostname } from 'node:os';
import { systemClock, type Clock, type JsonObject } from '@tasksgodzilla/core';
import { projectEngineIsolation, type EngineRequest } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { Redactor } from '@tasksgodzilla/platform-telemetry';
import { createAttemptFence, type FenceReport } from './attempt-fence.js';
import type { ExecuteStepInput } from './execution.types.js';

// A lock of another host is taken over once its attempt is surely past the engine's wall-clock limit.
const STALE_LOCK_MARGIN_MS = 60_000;

export interface StepIsolationDeps {
  git: Pick<GitService, 'gitDir' | 'snapshotWorktree' | 'restoreWorktree' | 'discardSnapshot'>;
  /** The config's secret values (platform-telemetry `configSecretValues`), redacted with the project's. */
  redactValues?: readonly string[];
  /** This machine's name in the attempt lock. Default `os.hostname()`. */
  host?: string;
  clock?: Clock;
  engineTimeoutSeconds: number;
}

/** One step attempt's isolation: its engine request fields, redactor, and what fencing did. */
export interface StepIsolation {
  /** Spread into the engine request: project env opt-in, run-log redaction, process-group recording. */
  request: Pick<EngineRequest, 'env' | 'passEnv' | 'redact' | 'onProcessStart'>;
  redact: Redactor;
  /** Set when an earlier attempt's lock was found (it died mid-run) and fenced. */
  fenced: FenceReport | null;
  /** Ends the attempt's hold on the worktree (its engine processes are gone). */
  release(): Promise<void>;
}

/** `fenced_attempt` metadata of the step events. */
export function fenceMetadata(report: FenceReport): JsonObject {
  return {
    host: report.previous.host,
    worker_pid: report.previous.worker_pid,
    job_id: report.previous.job_id,
    started_at: report.previous.started_at,
    killed_process_groups: [...report.killed],
    worktree_restored: report.restored,
  };
}

/**
 * What keeps one step attempt apart from secrets and from earlier attempts: the child environment
 * the project opted in to, secret-value redaction, and the worktree fence (attempt-fence.ts).
 */
export function createStepIsolation(deps: StepIsolationDeps): {
  begin(input: ExecuteStepInput): Promise<StepIsolation>;
} {
  const fence = createAttemptFence({
    git: deps.git,
    host: deps.host ?? hostname(),
    pid: process.pid,
    clock: deps.clock ?? systemClock,
    staleAfterMs: deps.engineTimeoutSeconds * 1000 + STALE_LOCK_MARGIN_MS,
  });
  return {
    async begin(input) {
      const { env, passEnv, redact } = projectEngineIsolation(input.project.secrets, deps.redactValues);
      const { lock, fenced } = await fence.acquire(input.worktreePath, { jobId: input.jobId ?? null });
      return {
        request: {
          env,
          passEnv,
          redact,
          onProcessStart: (pid) => lock.recordProcess(pid),
        },
        redact,
        fenced,
        release: () => lock.release(),
      };
    },
  };
}
