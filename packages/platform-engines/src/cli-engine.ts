import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError, type JsonValue } from '@tasksgodzilla/core';
import { prepareRequest } from './engine.request.js';
import { probeExecutable } from './engine.probe.js';
import type {
  Engine,
  EngineCapabilities,
  EngineEvent,
  EngineOperation,
  EngineOutcome,
  EngineProbeResult,
  EngineRequest,
  EngineResult,
  EngineRunDefaults,
  EngineSandbox,
} from './engine.types.js';
import { parseJsonRecord, type JsonRecord } from './json-record.js';
import { startProcess, type ProcessHandle, type ProcessRunResult } from './process-runner.js';
import { createRunContext } from './run-context.js';
import type { RunLog } from './run-log.js';
import { parseStructuredOutput, schemaInstruction } from './structured-output.js';

/** What a stream says about how the run ended. */
export interface StreamVerdict {
  outcome: EngineOutcome;
  reason: string | null;
}

/**
 * Per-run state machine over one engine's JSONL stream. It maps records to normalized events and
 * decides the outcome once the process is gone.
 */
export interface EngineStreamParser {
  /** Maps one JSON object printed by the engine to normalized events (possibly none). */
  accept(record: JsonRecord): EngineEvent[];
  /** True once the engine's own terminal event has been seen. */
  readonly terminalSeen: boolean;
  /** Reads one line the CLI printed on stderr (optional; e.g. opencode's provider-error logs). */
  acceptStderr?(line: string): EngineEvent[];
  /**
   * Set once the stream shows the run cannot succeed although the CLI keeps going (e.g. it retries
   * an HTTP 401): the runner stops the process group and this is the outcome.
   */
  readonly fatal?: StreamVerdict | null;
  /** Explains a run the watchdog stopped (stall or wall clock) from what the stream showed; null keeps the watchdog's outcome. */
  explainStop?(termination: 'stalled' | 'timeout'): StreamVerdict | null;
  finalMessage(): string | null;
  /** Structured output the engine reported itself (Claude `structured_output`); undefined if none. */
  reportedStructuredOutput(): JsonValue | undefined;
  /**
   * The outcome from the stream and the exit code. `killedAfterTerminal` is true when the runner
   * killed a process that lingered after its terminal event (its exit code then means nothing).
   */
  classify(exit: { exitCode: number | null; killedAfterTerminal: boolean }): StreamVerdict;
}

export interface CliInvocation {
  args: string[];
  /** Prompt (or other text) for stdin; null gives the engine an empty stdin. */
  stdin: string | null;
  env?: Record<string, string>;
}

export interface CliInvocationInput {
  operation: EngineOperation;
  request: EngineRequest;
  sandbox: EngineSandbox;
  model: string | null;
  /** The prompt, with a schema instruction appended when the engine has no native schema flag. */
  prompt: string;
  /** Writes a file into a temp folder removed after the run; returns its path. */
  writeTempFile(name: string, content: string): string;
}

/** What an adapter provides; the shared runner does everything else. */
export interface CliEngineDefinition {
  id: string;
  displayName: string;
  defaultModel: string | null;
  capabilities: EngineCapabilities;
  /** Executable to run (path or name on PATH). */
  binary: string;
  buildInvocation(input: CliInvocationInput): CliInvocation;
  createParser(): EngineStreamParser;
}

export interface CliEngineOptions extends EngineRunDefaults {
  /** Executable path or name; the runtime passes Config.codexBin / claudeBin / opencodeBin. */
  binary?: string;
  /** Model used when a request names none (null: the CLI's own default). */
  defaultModel?: string | null;
  /** Arguments added before the prompt, for flags this adapter does not model. */
  extraArgs?: string[];
  /** How long a process may linger after its terminal event before its group is killed. Default 5000. */
  postTerminalGraceMs?: number;
  /** Timeout of `--version` in probe(). Default 5000. */
  probeTimeoutMs?: number;
}

const DEFAULT_POST_TERMINAL_GRACE_MS = 5_000;
const STDERR_PREFIX = '[stderr] ';

function quoteArg(arg: string): string {
  const shown = arg.length > 200 ? `${arg.slice(0, 200)}…(${arg.length} chars)` : arg;
  return /^[\w@%+=:,./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

const STDERR_REASON_LINES = 3;
const STDERR_REASON_CHARS = 600;

/** The CLI's last stderr lines, for a failure reason (its own words, often the real cause). */
function stderrExcerpt(lines: string[]): string | null {
  const text = lines
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-STDERR_REASON_LINES)
    .join(' | ');
  if (text === '') return null;
  return text.length > STDERR_REASON_CHARS ? `…${text.slice(-STDERR_REASON_CHARS)}` : text;
}

function processVerdict(run: ProcessRunResult): StreamVerdict | null {
  switch (run.termination) {
    case 'aborted':
      return { outcome: 'interrupted', reason: run.terminationReason };
    case 'timeout':
      return { outcome: 'timeout', reason: run.terminationReason };
    case 'stalled':
      return { outcome: 'stalled', reason: run.terminationReason };
    default:
      return null;
  }
}

/**
 * Turns an adapter definition into an Engine: request checks, temp files, the log, the child
 * process (through the shared process runner), live events, live budget caps, and the outcome.
 */
export function createCliEngine(definition: CliEngineDefinition, options: CliEngineOptions = {}): Engine {
  const postTerminalGraceMs = options.postTerminalGraceMs ?? DEFAULT_POST_TERMINAL_GRACE_MS;
  const binary = definition.binary;

  async function run(operation: EngineOperation, request: EngineRequest): Promise<EngineResult> {
    const settings = prepareRequest(definition.id, operation, request, options);
    const model = request.model ?? definition.defaultModel;
    const schema = request.outputSchema ?? null;
    const prompt =
      schema && !definition.capabilities.structuredOutput ? request.prompt + schemaInstruction(schema) : request.prompt;

    let tempDir: string | null = null;
    const writeTempFile = (name: string, content: string): string => {
      tempDir ??= mkdtempSync(join(tmpdir(), `tgz-${definition.id}-`));
      const path = join(tempDir, name);
      writeFileSync(path, content);
      return path;
    };

    const ctx = createRunContext({ engineId: definition.id, operation, model, request });
    try {
      const invocation = definition.buildInvocation({
        operation,
        request,
        sandbox: settings.sandbox,
        model,
        prompt,
        writeTempFile,
      });
      const args = [...invocation.args];
      if (options.extraArgs?.length) {
        // Extra flags go before a trailing prompt argument ("-" for stdin or the prompt itself).
        const promptIndex = invocation.stdin === null || args[args.length - 1] === '-' ? args.length - 1 : args.length;
        args.splice(promptIndex, 0, ...options.extraArgs);
      }
      ctx.log.note(
        `engine=${definition.id} operation=${operation} model=${model ?? '(engine default)'} sandbox=${settings.sandbox} cwd=${request.workingDir}`,
      );
      ctx.log.note(
        `$ ${[binary, ...args].map(quoteArg).join(' ')}${invocation.stdin !== null ? ` < prompt (${invocation.stdin.length} chars)` : ''}`,
      );

      const parser = definition.createParser();
      let unparsed = 0;
      let budgetReason: string | null = null;
      let killedAfterTerminal = false;
      let terminalTimer: NodeJS.Timeout | null = null;
      let handle: ProcessHandle | null = null;

      const checkBudget = () => {
        if (budgetReason !== null || !handle) return;
        const usage = ctx.usage.usage();
        const cost = ctx.usage.costUsd();
        if (request.maxTokens && usage && usage.total_tokens > request.maxTokens) {
          budgetReason = `token budget of ${request.maxTokens} exceeded (${usage.total_tokens} used)`;
        } else if (request.maxBudgetUsd && cost !== null && cost > request.maxBudgetUsd) {
          budgetReason = `USD budget of ${request.maxBudgetUsd} exceeded (${cost} spent)`;
        }
        if (budgetReason !== null && !parser.terminalSeen) handle.stop(budgetReason);
      };

      let fatal: StreamVerdict | null = null;
      const checkFatal = () => {
        if (fatal !== null || !parser.fatal || parser.terminalSeen) return;
        fatal = parser.fatal;
        handle?.stop(fatal.reason ?? fatal.outcome);
      };
      const emitAll = (events: EngineEvent[]) => {
        for (const event of events) {
          ctx.emit(event);
          if (event.type === 'usage') checkBudget();
        }
        checkFatal();
      };
      // stderr lines the parser did not turn into events (those it did are in errors/warnings already).
      const stderrLines: string[] = [];
      // The process runner writes each stderr line to the log with this prefix; the parser may read them too.
      const log: RunLog = {
        ...ctx.log,
        line: (text: string) => {
          ctx.log.line(text);
          if (!text.startsWith(STDERR_PREFIX)) return;
          const line = text.slice(STDERR_PREFIX.length);
          const events = parser.acceptStderr?.(line) ?? [];
          if (events.length > 0) return emitAll(events);
          stderrLines.push(line);
          if (stderrLines.length > 50) stderrLines.shift();
        },
      };

      const onLine = (line: string) => {
        if (line.trim() === '') return;
        const record = parseJsonRecord(line);
        if (!record) {
          unparsed += 1;
          return;
        }
        emitAll(parser.accept(record));
        if (parser.terminalSeen && terminalTimer === null) {
          // Some CLIs keep running after their terminal event; do not wait for them forever.
          terminalTimer = setTimeout(() => {
            if (!parser.terminalSeen || !handle) return;
            killedAfterTerminal = true;
            handle.stop(`still running ${postTerminalGraceMs}ms after its terminal event`);
          }, postTerminalGraceMs);
        }
      };

      handle = startProcess({
        command: binary,
        args,
        cwd: request.workingDir,
        env: { ...invocation.env, ...request.env },
        engineId: definition.id,
        passEnv: request.passEnv ?? [],
        ...(request.onProcessStart ? { onStart: request.onProcessStart } : {}),
        stdin: invocation.stdin,
        log,
        timeoutMs: settings.timeoutMs,
        stallTimeoutMs: settings.stallTimeoutMs,
        killGraceMs: settings.killGraceMs,
        signal: request.signal,
        onStdoutLine: onLine,
      });
      const processRun = await handle.done;
      if (terminalTimer) clearTimeout(terminalTimer);

      if (processRun.spawnError) {
        const code = processRun.spawnError.code;
        const notFound = code === 'ENOENT';
        throw new EngineError(
          notFound
            ? `${definition.displayName} is not installed: cannot find "${binary}" (set its binary path or install it)`
            : `Cannot start ${definition.displayName} ("${binary}"): ${processRun.spawnError.message}`,
          {
            code: notFound ? 'engine_not_installed' : 'engine_spawn_failed',
            retryable: false,
            cause: processRun.spawnError,
            details: { engine_id: definition.id, binary },
          },
        );
      }

      let verdict: StreamVerdict;
      if (!processRun.spawned) {
        verdict = { outcome: 'interrupted', reason: processRun.terminationReason };
      } else if (budgetReason !== null && !parser.terminalSeen) {
        verdict = { outcome: 'budget_exceeded', reason: budgetReason };
      } else if (fatal !== null) {
        verdict = fatal;
      } else if (!parser.terminalSeen && processVerdict(processRun)) {
        const stopped = processVerdict(processRun) as StreamVerdict;
        const explained =
          processRun.termination === 'stalled' || processRun.termination === 'timeout'
            ? parser.explainStop?.(processRun.termination)
            : null;
        verdict = explained ?? stopped;
      } else {
        verdict = parser.classify({
          exitCode: processRun.exitCode,
          killedAfterTerminal: killedAfterTerminal || (processRun.termination !== 'exited' && parser.terminalSeen),
        });
        if (verdict.outcome === 'succeeded' && budgetReason !== null)
          verdict = { outcome: 'budget_exceeded', reason: budgetReason };
      }
      if (verdict.outcome !== 'succeeded') {
        // The CLI's own stderr often names the real cause (a bad flag, a refused mode): always surface it.
        const stderr = stderrExcerpt(stderrLines);
        if (stderr !== null) ctx.emit({ type: 'error', message: `stderr: ${stderr}`, fatal: true });
        const reason = verdict.reason ?? ctx.errors.filter((e) => !e.startsWith('stderr: ')).at(-1) ?? null;
        verdict = {
          ...verdict,
          reason:
            stderr !== null && !(reason ?? '').includes(stderr)
              ? reason
                ? `${reason} (stderr: ${stderr})`
                : stderr
              : reason,
        };
      }

      const finalMessage = parser.finalMessage();
      const reported = parser.reportedStructuredOutput();
      const structuredOutput = schema
        ? reported !== undefined
          ? reported
          : parseStructuredOutput(finalMessage)
        : null;
      return ctx.finish({
        outcome: verdict.outcome,
        reason: verdict.reason,
        finalMessage,
        structuredOutput,
        exitCode: processRun.exitCode,
        signal: processRun.signal,
        unparsedLines: unparsed,
      });
    } catch (error) {
      ctx.abandon(`run failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    }
  }

  return {
    id: definition.id,
    displayName: definition.displayName,
    kind: 'cli',
    defaultModel: definition.defaultModel,
    capabilities: definition.capabilities,
    plan: (request) => run('plan', request),
    execute: (request) => run('execute', request),
    qa: (request) => run('qa', request),
    run,
    probe: (): Promise<EngineProbeResult> =>
      probeExecutable({ engineId: definition.id, binary, timeoutMs: options.probeTimeoutMs }),
  };
}
