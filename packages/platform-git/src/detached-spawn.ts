import { spawn } from 'node:child_process';
import { HELPER_NOT_STARTED, spawnHelper, type DetachedHandlers, type DetachedSpec } from './spawn-helper.js';

export type { DetachedHandlers, DetachedSpec } from './spawn-helper.js';

/** Spawns `spec` from this process, detached, and reports it through `handlers` as the helper would. */
function spawnHere(spec: DetachedSpec, handlers: DetachedHandlers): void {
  let child;
  try {
    child = spawn(spec.binary, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: [spec.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (error) {
    // Invalid arguments throw at once; reported like a failed start, after the caller's own setup.
    queueMicrotask(() => handlers.onClose(error as NodeJS.ErrnoException));
    return;
  }
  const started = child;
  let spawnError: NodeJS.ErrnoException | null = null;
  started.on('error', (error: NodeJS.ErrnoException) => {
    if (started.pid === undefined) spawnError = error;
  });
  if (started.pid !== undefined) handlers.onSpawn(started.pid);
  started.stdout?.on('data', (chunk: Buffer) => handlers.onStdout(chunk));
  started.stderr?.on('data', (chunk: Buffer) => handlers.onStderr(chunk));
  if (started.stdin) {
    // The child may exit without reading its stdin (EPIPE): not a failure of the start.
    started.stdin.on('error', () => undefined);
    started.stdin.end(spec.stdin);
  }
  started.on('exit', (code, signal) => handlers.onExit(code, signal));
  started.on('close', () => handlers.onClose(spawnError));
}

/**
 * Starts a long-running command (a coding-agent CLI, a QA check) detached in its own process group,
 * with its output streamed to `handlers`. It is started by the process's spawn helper once that is up
 * (README "Spawn helper"), so the api or worker does not fork itself, and directly before that, when
 * the helper is turned off or gone, and when the helper died before getting it (it never ran). The
 * caller signals the group by the pid `onSpawn` gives; a helper that dies while the command runs kills
 * its group and ends it with `ESPAWNHELPER` (never started twice).
 */
export function spawnDetached(spec: DetachedSpec, handlers: DetachedHandlers): void {
  const viaHelper = spawnHelper().stream(spec, {
    ...handlers,
    onClose(error) {
      if (error?.code === HELPER_NOT_STARTED) spawnHere(spec, handlers);
      else handlers.onClose(error);
    },
  });
  if (!viaHelper) spawnHere(spec, handlers);
}
