import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { PreparedCodeMachineImport } from '@tasksgodzilla/services-spec';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { applyCodeMachineImport, failCodeMachineImport } from '../lifecycle/codemachine.js';
import { inRunJobScope, jobTrace, rethrowIfRunnerOwns, skipped } from './job-scope.js';

/**
 * `codemachine_import_job`: acts only on a `planning` run. Valid workspace → step runs, `planned`,
 * `codemachine_imported`; invalid spec → `spec_validation_error` + `blocked`; unreadable config →
 * `codemachine_import_failed` + `blocked`.
 */
export function createCodeMachineImportHandler(
  ctx: OrchestratorContext,
): OrchestratorJobHandler<'codemachine_import_job'> {
  return async (job, jobCtx): Promise<HandlerResult> =>
    inRunJobScope(ctx, job, job.payload.protocol_run_id, async (run): Promise<HandlerResult> => {
      const { storage } = ctx.deps;
      if (run.status !== 'planning') return skipped(`protocol is ${run.status}`);
      const trace = jobTrace(job);
      const existing = (await storage.stepRuns.listByRun(run.id)).map((s) => s.step_name);
      let prepared: PreparedCodeMachineImport;
      try {
        prepared = await ctx.deps.spec.prepareCodeMachineImport(job.payload.workspace_path, {
          existingStepNames: existing,
        });
      } catch (error) {
        rethrowIfRunnerOwns(jobCtx, error);
        const status = await storage.transaction(async (tx) => {
          const current = await tx.protocolRuns.get(run.id);
          if (current.status !== 'planning') return current.status;
          return (await failCodeMachineImport(ctx, tx, current, error, trace)).status;
        });
        return { result: { status } };
      }
      const status = await storage.transaction(async (tx) => {
        const current = await tx.protocolRuns.get(run.id);
        if (current.status !== 'planning') return current.status;
        return (await applyCodeMachineImport(ctx, tx, current, prepared, job.payload.workspace_path, trace)).status;
      });
      return { result: { status, steps: prepared.step_runs.length } };
    });
}
