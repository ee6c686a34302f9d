import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errorMessage, NotFoundError, ValidationError, type ProtocolRun } from '@tasksgodzilla/core';
import type { StorageTx } from '@tasksgodzilla/platform-storage';
import type { PreparedCodeMachineImport } from '@tasksgodzilla/services-spec';
import { enqueueWithEvent, runJobPayload, type OrchestratorContext, type Trace } from '../orchestrator.context.js';
import type { CallOptions, ImportCodeMachineInput, RunActionResult } from '../orchestrator.types.js';
import { assertBaseBranch, assertProtocolName, requireText } from './input-validation.js';
import { SPEC_ORIGIN_KEY } from './protocols.js';
import { getProject } from './run-state.js';

function assertDirectory(path: string, field: string): string {
  const absolute = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(absolute).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new ValidationError(`${field} is not an existing folder: ${absolute}`, [
      { path: [field], message: 'not an existing folder' },
    ]);
  return absolute;
}

/** Whether the folder is (inside) a git work tree: a `.git` folder or file there or in a parent. */
function inGitWorkTree(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

/**
 * Each step of a CodeMachine run is committed in the workspace itself, so it has to be a git work
 * tree; a plain folder is refused at import (422 naming workspace_path) rather than failing every
 * step at commit time.
 */
function assertGitWorkspace(workspace: string): void {
  if (inGitWorkTree(workspace)) return;
  throw new ValidationError(
    `workspace_path is not a git repository: ${workspace}. Steps are committed in the workspace: run \`git init\` there and commit once, then import it again`,
    [{ path: ['workspace_path'], message: 'not a git repository (run git init in it and commit once)' }],
  );
}

/**
 * Persists a prepared CodeMachine import on a run (`pending` or `planning`): the template payload,
 * spec and template.json; valid → step runs, `planned`, `codemachine_imported`; invalid →
 * `spec_validation_error`, `blocked`.
 */
export async function applyCodeMachineImport(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  prepared: PreparedCodeMachineImport,
  workspace: string,
  trace?: Trace,
): Promise<ProtocolRun> {
  let current = await tx.protocolRuns.mergeTemplateConfig(run.id, {
    ...prepared.template_config_patch,
    [SPEC_ORIGIN_KEY]: 'generated',
  });
  current = await tx.protocolRuns.update(run.id, { template_source: prepared.template_source });
  if (prepared.validation.status !== 'valid') {
    await ctx.record(
      tx,
      {
        type: 'spec_validation_error',
        message: 'CodeMachine spec validation failed.',
        run: current,
        metadata: { errors: prepared.validation.errors, spec_hash: prepared.spec_hash },
      },
      trace,
    );
    return tx.protocolRuns.transition(run.id, { from: current.status, to: 'blocked' });
  }
  for (const draft of prepared.step_runs) await tx.stepRuns.create({ ...draft, protocol_run_id: run.id });
  const planned = await tx.protocolRuns.transition(run.id, { from: current.status, to: 'planned' });
  await ctx.record(
    tx,
    {
      type: 'codemachine_imported',
      message: `Imported CodeMachine workspace with ${prepared.step_runs.length} step(s).`,
      run: planned,
      metadata: {
        workspace,
        steps_created: prepared.step_runs.length,
        template: prepared.template_source,
        spec_hash: prepared.spec_hash,
        spec_validated: true,
      },
    },
    trace,
  );
  return planned;
}

/** `codemachine_import_failed` ("Config error: …" / "Unexpected error: …") and the run blocked. */
export async function failCodeMachineImport(
  ctx: OrchestratorContext,
  tx: StorageTx,
  run: ProtocolRun,
  error: unknown,
  trace?: Trace,
): Promise<ProtocolRun> {
  const configError =
    error instanceof ValidationError ||
    error instanceof NotFoundError ||
    (error as { category?: string })?.category === 'config';
  const message = `${configError ? 'Config error' : 'Unexpected error'}: ${errorMessage(error)}`;
  await ctx.record(
    tx,
    {
      type: 'codemachine_import_failed',
      message,
      run,
      metadata: { error: errorMessage(error), error_type: (error as Error)?.name ?? 'Error' },
    },
    trace,
  );
  return run.status === 'blocked' ? run : tx.protocolRuns.transition(run.id, { from: run.status, to: 'blocked' });
}

/**
 * Registers a CodeMachine workspace as a protocol run (worktree = the workspace, protocol root =
 * `<workspace>/.codemachine`); the workspace must be a git work tree (steps are committed there).
 * enqueue (default): run `planning` + `codemachine_import_job`;
 * otherwise imported now: a workspace whose config cannot be read is a ValidationError and creates
 * nothing; an invalid spec leaves the run `blocked` with its errors.
 */
export async function importCodeMachine(
  ctx: OrchestratorContext,
  projectId: number,
  input: ImportCodeMachineInput,
  options: CallOptions = {},
): Promise<RunActionResult> {
  const name = assertProtocolName(input?.protocol_name);
  const workspace = assertDirectory(requireText(input.workspace_path, 'workspace_path'), 'workspace_path');
  const trace: Trace = { requestId: options.requestId };
  const project = await getProject(ctx.deps.storage, projectId);
  assertGitWorkspace(workspace);
  const baseBranch = input.base_branch ? assertBaseBranch(input.base_branch) : project.base_branch;
  const fields = {
    project_id: project.id,
    protocol_name: name,
    base_branch: baseBranch,
    worktree_path: workspace,
    protocol_root: join(workspace, '.codemachine'),
    description: input.description ?? null,
    auto_advance: input.auto_advance ?? false,
  };

  if (input.enqueue ?? true) {
    return ctx.deps.storage.transaction(async (tx) => {
      const run = await tx.protocolRuns.create({ ...fields, status: 'planning' });
      const job = await enqueueWithEvent(
        ctx,
        tx,
        { type: 'codemachine_import_job', payload: { ...runJobPayload(run), workspace_path: workspace } },
        { type: 'codemachine_import_enqueued', message: 'CodeMachine import enqueued.', run, metadata: { workspace } },
        trace,
      );
      return { run, job };
    });
  }

  let prepared: PreparedCodeMachineImport;
  try {
    prepared = await ctx.deps.spec.prepareCodeMachineImport(workspace);
  } catch (error) {
    throw new ValidationError(
      `Cannot import the CodeMachine workspace: ${errorMessage(error)}`,
      [{ path: ['workspace_path'], message: errorMessage(error) }],
      { cause: error },
    );
  }
  return ctx.deps.storage.transaction(async (tx) => {
    const run = await tx.protocolRuns.create({ ...fields, status: 'pending' });
    return { run: await applyCodeMachineImport(ctx, tx, run, prepared, workspace, trace), job: null };
  });
}
