import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { EngineError, NEEDS_INPUT_MARKER, ValidationError, parseNeedsInput, type JsonValue } from '@tasksgodzilla/core';
import { prepareRequest, type RunSettings } from '../engine.request.js';
import { probeExecutable } from '../engine.probe.js';
import type {
  Engine,
  EngineOperation,
  EngineOutcome,
  EngineRequest,
  EngineResult,
  EngineRunDefaults,
} from '../engine.types.js';
import { runProcess, type ProcessTermination } from '../process-runner.js';
import { createRunContext, type RunContext } from '../run-context.js';
import { usageEvent } from '../usage-tracker.js';
import { readProtocolTemplate } from './protocol-template.js';
import { formatQaReport, type QaCheckResult, type QaVerdict } from './qa-report.js';
import { parseStepFile } from './step-file.js';

export const SHELL_ENGINE_ID = 'shell';

export interface ShellEngineOptions extends EngineRunDefaults {
  /** bash executable. Default `bash`. */
  bash?: string;
  /** Verdict of a QA run on a step file without checks. Default `FAIL` (nothing was verified). */
  noChecksVerdict?: QaVerdict;
  /** Timeout of `bash --version` in probe(). */
  probeTimeoutMs?: number;
}

const OUTPUT_TAIL_LINES = 40;

/** A block execute runs, or a check qa runs. */
interface Runnable {
  /** `block` or `check`, for events and the log. */
  kind: 'block' | 'check';
  index: number;
  line: number;
  language: string;
  code: string;
}

interface BlockRun {
  exitCode: number | null;
  termination: ProcessTermination;
  reason: string | null;
  output: string;
}

function interruptionOutcome(termination: ProcessTermination): EngineOutcome | null {
  switch (termination) {
    case 'aborted':
      return 'interrupted';
    case 'timeout':
      return 'timeout';
    case 'stalled':
      return 'stalled';
    default:
      return null;
  }
}

/**
 * The offline engine: plans from a protocol template folder, executes a step file's fenced
 * sh/bash blocks, answers QA by running the step's checks. No model, no network, no tokens.
 */
export function createShellEngine(options: ShellEngineOptions = {}): Engine {
  const bash = options.bash ?? 'bash';

  const readStep = (request: EngineRequest): { path: string; name: string; markdown: string } => {
    if (!request.stepFile) {
      throw new ValidationError('The shell engine needs stepFile for execute and qa', [
        { path: ['stepFile'], message: 'stepFile is required' },
      ]);
    }
    const path = resolve(request.workingDir, request.stepFile);
    if (!existsSync(path)) {
      throw new ValidationError(`Step file ${path} does not exist`, [
        { path: ['stepFile'], message: 'file not found' },
      ]);
    }
    return { path, name: basename(path), markdown: readFileSync(path, 'utf8') };
  };

  async function runBlock(
    block: Runnable,
    ctx: RunContext,
    request: EngineRequest,
    settings: RunSettings,
    deadline: number,
    stepPath: string,
  ): Promise<BlockRun> {
    const input: JsonValue = { [block.kind]: block.index, line: block.line, code: block.code };
    const callId = `${block.kind}-${block.index}`;
    ctx.emit({
      type: 'tool',
      phase: 'start',
      name: block.language,
      call_id: callId,
      input,
      output: null,
      exit_code: null,
      status: null,
    });
    ctx.log.note(`${block.kind} ${block.index} (line ${block.line}):`);
    for (const line of block.code.split('\n')) ctx.log.line(`  | ${line}`);
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    };
    const remaining = deadline - performance.now();
    let run: BlockRun;
    if (remaining <= 0) {
      run = {
        exitCode: null,
        termination: 'timeout',
        reason: `wall-clock limit of ${settings.timeoutMs}ms reached`,
        output: '',
      };
    } else {
      const result = await runProcess({
        command: bash,
        args: ['-e', '-o', 'pipefail', '-c', block.code],
        cwd: request.workingDir,
        env: { TGZ_STEP_FILE: stepPath, ...request.env },
        engineId: SHELL_ENGINE_ID,
        passEnv: request.passEnv ?? [],
        ...(request.onProcessStart ? { onStart: request.onProcessStart } : {}),
        log: ctx.log,
        timeoutMs: Math.ceil(remaining),
        stallTimeoutMs: settings.stallTimeoutMs,
        killGraceMs: settings.killGraceMs,
        signal: request.signal,
        onStdoutLine: keep,
        onStderrLine: keep,
      });
      if (result.spawnError) {
        throw new EngineError(`Cannot start "${bash}" for the shell engine: ${result.spawnError.message}`, {
          code: result.spawnError.code === 'ENOENT' ? 'engine_not_installed' : 'engine_spawn_failed',
          retryable: false,
          cause: result.spawnError,
          details: { engine_id: SHELL_ENGINE_ID, binary: bash },
        });
      }
      run = {
        exitCode: result.exitCode,
        termination: result.termination,
        reason: result.terminationReason,
        output: tail.join('\n'),
      };
    }
    ctx.emit({
      type: 'tool',
      phase: 'end',
      name: block.language,
      call_id: callId,
      input,
      output: run.output,
      exit_code: run.exitCode,
      status: run.termination !== 'exited' ? run.termination : run.exitCode === 0 ? 'completed' : 'failed',
    });
    return run;
  }

  function plan(request: EngineRequest, ctx: RunContext): EngineResult {
    if (!request.templateDir) {
      throw new ValidationError('The shell engine plans from a protocol template folder: templateDir is required', [
        { path: ['templateDir'], message: 'templateDir is required' },
      ]);
    }
    if (request.signal?.aborted) {
      return ctx.finish({
        outcome: 'interrupted',
        reason: 'aborted before start',
        finalMessage: null,
        structuredOutput: null,
        exitCode: null,
        signal: null,
        unparsedLines: 0,
      });
    }
    const templateDir = resolve(request.workingDir, request.templateDir);
    const protocolPlan = readProtocolTemplate(templateDir);
    ctx.log.note(
      `read template ${templateDir}: plan.md, context.md, log.md, ${protocolPlan.step_files.map((s) => s.filename).join(', ')}`,
    );
    const summary = `Planned from template ${templateDir}: ${protocolPlan.step_files.length} step file(s).`;
    ctx.emit({ type: 'message', text: summary });
    return ctx.finish({
      outcome: 'succeeded',
      reason: null,
      finalMessage: JSON.stringify(protocolPlan),
      structuredOutput: protocolPlan as unknown as JsonValue,
      exitCode: null,
      signal: null,
      unparsedLines: 0,
    });
  }

  async function execute(request: EngineRequest, ctx: RunContext, settings: RunSettings): Promise<EngineResult> {
    const step = readStep(request);
    const { runBlocks } = parseStepFile(step.markdown);
    const deadline = performance.now() + settings.timeoutMs;
    ctx.log.note(`step ${step.path}: ${runBlocks.length} block(s) to run`);
    let ran = 0;
    for (const block of runBlocks) {
      const run = await runBlock({ kind: 'block', ...block }, ctx, request, settings, deadline, step.path);
      ran += 1;
      const interrupted = interruptionOutcome(run.termination);
      if (interrupted) {
        const reason = `block ${block.index} (line ${block.line}): ${run.reason ?? run.termination}`;
        return ctx.finish({
          outcome: interrupted,
          reason,
          finalMessage: `Stopped ${step.name} at ${reason}.\n${run.output}`.trimEnd(),
          structuredOutput: null,
          exitCode: run.exitCode,
          signal: null,
          unparsedLines: 0,
        });
      }
      if (run.exitCode !== 0) {
        const reason = `block ${block.index} (line ${block.line}) exited with ${run.exitCode ?? 'no code'}`;
        ctx.emit({ type: 'error', message: reason, fatal: true });
        const message =
          `Ran ${ran} of ${runBlocks.length} block(s) of ${step.name}; ${reason}.\n${run.output}`.trimEnd();
        return ctx.finish({
          outcome: 'failed',
          reason,
          finalMessage: message,
          structuredOutput: null,
          exitCode: run.exitCode,
          signal: null,
          unparsedLines: 0,
        });
      }
      // A block that prints a NEEDS_INPUT: block asks a person: the step stops there, the question is
      // the final message (the execution service then commits nothing and the step waits for an answer).
      const question = parseNeedsInput(run.output);
      if (question !== null) {
        const asked = `${step.name}: block ${block.index} (line ${block.line}) asked a person; ${runBlocks.length - ran} block(s) not run.\n\n${NEEDS_INPUT_MARKER} ${question}`;
        ctx.emit({ type: 'message', text: asked });
        return ctx.finish({
          outcome: 'succeeded',
          reason: null,
          finalMessage: asked,
          structuredOutput: null,
          exitCode: 0,
          signal: null,
          unparsedLines: 0,
        });
      }
    }
    const message =
      runBlocks.length === 0
        ? `${step.name} has no sh/bash blocks to run; nothing was executed.`
        : `Ran all ${runBlocks.length} block(s) of ${step.name} successfully.`;
    ctx.emit({ type: 'message', text: message });
    return ctx.finish({
      outcome: 'succeeded',
      reason: null,
      finalMessage: message,
      structuredOutput: null,
      exitCode: runBlocks.length > 0 ? 0 : null,
      signal: null,
      unparsedLines: 0,
    });
  }

  async function qa(request: EngineRequest, ctx: RunContext, settings: RunSettings): Promise<EngineResult> {
    const step = readStep(request);
    const declared = parseStepFile(step.markdown).checks;
    const deadline = performance.now() + settings.timeoutMs;
    ctx.log.note(`step ${step.path}: ${declared.length} check(s)`);
    const checks: QaCheckResult[] = [];
    let stopped: { outcome: EngineOutcome; reason: string } | null = null;
    for (const check of declared) {
      const runnable: Runnable = {
        kind: 'check',
        index: check.index,
        line: check.line,
        language: 'sh',
        code: check.command,
      };
      const run = await runBlock(runnable, ctx, request, settings, deadline, step.path);
      const interrupted = interruptionOutcome(run.termination);
      checks.push({
        index: check.index,
        line: check.line,
        command: check.command,
        exit_code: run.exitCode,
        passed: !interrupted && run.exitCode === 0,
        output: run.output,
      });
      if (interrupted) {
        stopped = {
          outcome: interrupted,
          reason: `check ${check.index} (line ${check.line}): ${run.reason ?? run.termination}`,
        };
        break;
      }
    }
    const allPassed = checks.every((c) => c.passed);
    const verdict: QaVerdict = stopped
      ? 'FAIL'
      : checks.length === 0
        ? (options.noChecksVerdict ?? 'FAIL')
        : allPassed
          ? 'PASS'
          : 'FAIL';
    const report = formatQaReport({
      stepName: step.name,
      workingDir: request.workingDir,
      checks,
      verdict,
      interruption: stopped?.reason ?? null,
    });
    for (const line of report.split('\n')) ctx.log.line(line);
    ctx.emit({ type: 'message', text: report });
    const structured = {
      verdict,
      checks: checks.map(({ index, line, command, exit_code, passed }) => ({
        index,
        line,
        command,
        exit_code,
        passed,
      })),
    };
    return ctx.finish({
      outcome: stopped?.outcome ?? 'succeeded',
      reason: stopped?.reason ?? (checks.length === 0 ? 'no checks found' : null),
      finalMessage: report,
      structuredOutput: structured,
      exitCode: stopped ? null : 0,
      signal: null,
      unparsedLines: 0,
    });
  }

  async function run(operation: EngineOperation, request: EngineRequest): Promise<EngineResult> {
    const settings = prepareRequest(SHELL_ENGINE_ID, operation, request, options);
    const ctx = createRunContext({ engineId: SHELL_ENGINE_ID, operation, model: null, request });
    try {
      ctx.log.note(`engine=shell operation=${operation} cwd=${request.workingDir}`);
      // Real, zero usage: the shell engine calls no model.
      ctx.emit(usageEvent({}, { cumulative: true, costUsd: 0 }));
      if (operation === 'plan') return plan(request, ctx);
      if (operation === 'execute') return await execute(request, ctx, settings);
      return await qa(request, ctx, settings);
    } catch (error) {
      ctx.abandon(`run failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  return {
    id: SHELL_ENGINE_ID,
    displayName: 'Shell (offline)',
    kind: 'builtin',
    defaultModel: null,
    capabilities: {
      structuredOutput: false,
      budgetCap: false,
      reportsCost: true,
      resume: false,
      usageIsCumulative: false,
    },
    plan: (request) => run('plan', request),
    execute: (request) => run('execute', request),
    qa: (request) => run('qa', request),
    run,
    probe: () => probeExecutable({ engineId: SHELL_ENGINE_ID, binary: bash, timeoutMs: options.probeTimeoutMs }),
  };
}
