import { existsSync, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NotFoundError, ValidationError, errorMessage, type FieldIssue } from '@tasksgodzilla/core';
import {
  projectEngineIsolation,
  resolveEngineAndModel,
  type Engine,
  type EngineUsage,
} from '@tasksgodzilla/platform-engines';
import { PROTOCOL_DOC_FILES, extractChecks, listStepFiles } from '@tasksgodzilla/services-spec';
import type {
  DecomposeInput,
  DecomposeResult,
  DecompositionService,
  DecompositionServiceDeps,
} from './decomposition.types.js';
import { isSimpleStep } from './simple-step.js';

type FileOutcome = { status: 'decomposed' } | { status: 'skipped'; reason: string; failed: boolean };

function addUsage(total: EngineUsage | null, usage: EngineUsage | null): EngineUsage | null {
  if (!usage) return total;
  if (!total) return { ...usage };
  return {
    input_tokens: total.input_tokens + usage.input_tokens,
    cached_input_tokens: total.cached_input_tokens + usage.cached_input_tokens,
    output_tokens: total.output_tokens + usage.output_tokens,
    reasoning_tokens: total.reasoning_tokens + usage.reasoning_tokens,
    total_tokens: total.total_tokens + usage.total_tokens,
  };
}

/** The engine's answer as file content: one wrapping ```markdown fence removed, one trailing newline. */
export function decomposedContent(answer: string | null): string | null {
  if (answer === null) return null;
  const trimmed = answer.trim();
  const fenced = /^(`{3,}|~{3,})[ \t]*(?:markdown|md)?[ \t]*\r?\n([\s\S]*?)\r?\n\1[ \t]*$/i.exec(trimmed);
  const body = (fenced?.[2] ?? trimmed).trim();
  return body === '' ? null : `${body}\n`;
}

/**
 * DecompositionService: asks the planning engine (read-only) to split each step file into smaller
 * ordered tasks and writes the answer over the file, only when the run succeeded with a usable
 * answer. A failed, empty or check-dropping answer leaves the file as it was (reported as skipped).
 */
export function createDecompositionService(deps: DecompositionServiceDeps): DecompositionService {
  const { engines, prompts, telemetry, config } = deps;

  function check(input: DecomposeInput, files: string[] | undefined): { engine: Engine; model: string | null } {
    const issues: FieldIssue[] = [];
    if (!input.protocolRoot || !existsSync(input.protocolRoot) || !statSync(input.protocolRoot).isDirectory()) {
      throw new NotFoundError(`Protocol folder not found: ${input.protocolRoot}`, {
        details: { protocol_root: input.protocolRoot },
      });
    }
    if (!input.workingDir || !existsSync(input.workingDir) || !statSync(input.workingDir).isDirectory()) {
      issues.push({ path: ['workingDir'], message: `${input.workingDir} is not an existing directory` });
    }
    for (const [index, file] of (files ?? []).entries()) {
      if (basename(file) !== file || file === '..' || (PROTOCOL_DOC_FILES as readonly string[]).includes(file)) {
        issues.push({ path: ['files', index], message: `${file} is not a step file name of the protocol folder` });
      } else if (!existsSync(join(input.protocolRoot, file))) {
        issues.push({ path: ['files', index], message: `${file} does not exist in ${input.protocolRoot}` });
      }
    }
    if (issues.length > 0)
      throw new ValidationError(
        `Invalid decomposition request: ${issues.map((issue) => issue.message).join('; ')}`,
        issues,
      );
    const resolution = resolveEngineAndModel({
      phase: 'decompose',
      stepSpec: { engine_id: input.engineId, model: input.model ?? null },
      config: {
        defaultEngine: input.engineId,
        decomposeModel: config.decomposeModel,
        planningModel: undefined,
        execModel: undefined,
        qaModel: undefined,
        discoveryModel: '',
      },
      registry: engines,
    });
    return { engine: engines.get(resolution.engine_id), model: resolution.model };
  }

  async function decomposeFiles(input: DecomposeInput, files: string[] | undefined): Promise<DecomposeResult> {
    const { engine, model } = check(input, files);
    const names = files ?? (await listStepFiles(input.protocolRoot, { includeSetup: false }));
    const skipSimple = input.skipSimple ?? config.skipSimpleDecompose;
    const { env, passEnv, redact } = projectEngineIsolation(input.project?.secrets, deps.redactValues);
    const planPath = join(input.protocolRoot, 'plan.md');
    const plan = existsSync(planPath) ? await readFile(planPath, 'utf8') : '';
    const result: Required<DecomposeResult> = {
      model,
      decomposed: [],
      skipped: [],
      usage: null,
      cost_usd: null,
      failed: [],
      reasons: {},
    };

    const decomposeOne = async (file: string): Promise<FileOutcome> => {
      if (input.signal?.aborted) return { status: 'skipped', reason: 'interrupted before start', failed: true };
      const path = join(input.protocolRoot, file);
      const content = await readFile(path, 'utf8');
      if (skipSimple && isSimpleStep(content)) return { status: 'skipped', reason: 'simple step', failed: false };
      const prompt = await prompts.buildDecomposePrompt({
        protocolName: input.protocolName,
        plan,
        stepFilename: file,
        stepContent: content,
        workspaceRoot: input.workingDir,
      });
      telemetry.observeEstimatedTokens('decompose', model, telemetry.estimateTokens(prompt.text));
      let run;
      try {
        run = await engine.plan({
          prompt: prompt.text,
          model,
          workingDir: input.workingDir,
          sandbox: 'read-only',
          logPath: input.logPath,
          timeoutMs: config.engineTimeoutSeconds * 1000,
          stallTimeoutMs: config.engineStallTimeoutSeconds * 1000,
          env,
          passEnv,
          redact,
          ...(input.signal ? { signal: input.signal } : {}),
        });
      } catch (error) {
        return {
          status: 'skipped',
          reason: redact(`engine ${engine.id} could not run: ${errorMessage(error)}`),
          failed: true,
        };
      }
      result.usage = addUsage(result.usage, run.usage);
      if (run.cost_usd !== null) result.cost_usd = Math.round(((result.cost_usd ?? 0) + run.cost_usd) * 1e8) / 1e8;
      if (run.usage || run.cost_usd !== null) {
        telemetry.observeTokens({
          phase: 'decompose',
          model: run.model ?? model,
          engine: engine.id,
          input: run.usage?.input_tokens ?? 0,
          output: run.usage?.output_tokens ?? 0,
          cached: run.usage?.cached_input_tokens ?? 0,
          costUsd: run.cost_usd,
        });
      }
      if (run.outcome !== 'succeeded')
        return {
          status: 'skipped',
          reason: redact(`engine run ${run.outcome}${run.reason ? `: ${run.reason}` : ''}`),
          failed: true,
        };
      const next = decomposedContent(run.final_message === null ? null : redact(run.final_message));
      if (next === null) return { status: 'skipped', reason: 'empty answer', failed: true };
      const dropped = extractChecks(content).filter((command) => !extractChecks(next).includes(command));
      if (dropped.length > 0)
        return { status: 'skipped', reason: `answer dropped check command(s): ${dropped.join('; ')}`, failed: true };
      // Write next to the file, then rename over it: the step file is never seen half-written.
      const temp = join(input.protocolRoot, `.${file}.decomposing`);
      try {
        await writeFile(temp, next, 'utf8');
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
      return { status: 'decomposed' };
    };

    for (const file of names) {
      const outcome = await decomposeOne(file);
      if (outcome.status === 'decomposed') {
        result.decomposed.push(file);
        continue;
      }
      result.skipped.push(file);
      result.reasons[file] = outcome.reason;
      if (outcome.failed) {
        result.failed.push(file);
        telemetry.logger.warn(
          { file, protocol_root: input.protocolRoot, reason: outcome.reason },
          `decomposition of ${file} skipped: ${outcome.reason}`,
        );
      }
    }
    return result;
  }

  return {
    decomposeProtocol: (input) => decomposeFiles(input, input.files),
    decomposeStep: (input) => decomposeFiles(input, [input.file]),
    isSimpleStep: (content) => isSimpleStep(content),
  };
}
