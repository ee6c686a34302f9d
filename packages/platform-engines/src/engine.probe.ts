import { tmpdir } from 'node:os';
import type { EngineProbeResult } from './engine.types.js';
import type { EngineRegistry } from './engine.registry.js';
import { runProcess } from './process-runner.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

const VERSION_PATTERN = /\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?/;

/** The first version-looking token of a `--version` output, e.g. `codex-cli 0.63.0` → `0.63.0`. */
export function parseVersion(output: string): string | null {
  return VERSION_PATTERN.exec(output)?.[0] ?? null;
}

/**
 * Runs `<binary> --version` (or the given args) with a short timeout. A binary that cannot be
 * started is `installed: false`; one that starts but fails still counts as installed.
 */
export async function probeExecutable(input: {
  engineId: string;
  binary: string;
  args?: string[];
  timeoutMs?: number;
}): Promise<EngineProbeResult> {
  const lines: string[] = [];
  const timeoutMs = input.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const run = await runProcess({
    command: input.binary,
    args: input.args ?? ['--version'],
    cwd: tmpdir(),
    timeoutMs,
    killGraceMs: 500,
    onStdoutLine: (line) => lines.push(line),
    onStderrLine: (line) => lines.push(line),
  });
  const base = { engine_id: input.engineId, binary: input.binary };
  if (run.spawnError) {
    return {
      ...base,
      installed: false,
      version: null,
      error: `${input.binary}: ${run.spawnError.code ?? run.spawnError.message}`,
    };
  }
  const output = lines.join('\n').trim();
  if (run.termination === 'timeout') {
    return {
      ...base,
      installed: true,
      version: null,
      error: `${input.binary} --version did not answer within ${timeoutMs}ms`,
    };
  }
  if (run.exitCode !== 0) {
    return {
      ...base,
      installed: true,
      version: parseVersion(output),
      error: `${input.binary} --version exited with ${run.exitCode ?? run.signal}`,
    };
  }
  return { ...base, installed: true, version: parseVersion(output) ?? (output.split('\n')[0] || null), error: null };
}

/** Probes every registered engine in parallel, in registry order. */
export function probeEngines(registry: EngineRegistry): Promise<EngineProbeResult[]> {
  return Promise.all(registry.list().map((engine) => engine.probe()));
}
