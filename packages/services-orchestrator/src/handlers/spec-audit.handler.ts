import { existsSync } from 'node:fs';
import { isTerminalProtocolStatus, type JsonObject, type ProtocolRun } from '@tasksgodzilla/core';
import type { HandlerResult } from '@tasksgodzilla/platform-queue';
import type { OrchestratorJobHandler } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { setupRunName } from '../lifecycle/projects.js';
import { inJobScope, jobTrace, skipped } from './job-scope.js';

async function runsToAudit(
  ctx: OrchestratorContext,
  projectId: number | null,
  protocolId: number | null,
): Promise<ProtocolRun[]> {
  const { protocolRuns } = ctx.deps.storage;
  if (protocolId) {
    const run = await protocolRuns.find(protocolId);
    return run ? [run] : [];
  }
  const runs: ProtocolRun[] = [];
  let cursor: string | null = null;
  do {
    const page = await protocolRuns.list(projectId !== null ? { project_id: projectId } : {}, { limit: 500, cursor });
    runs.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  // Onboarding runs have no protocol folder or spec: they are not audited.
  return runs.filter((run) => run.protocol_name !== setupRunName(run.project_id));
}

/**
 * `spec_audit_job`: audits each run's spec (backfilling a missing one when asked), persists
 * `spec_meta` (and the backfilled spec) and records one `spec_audit` event per run. A re-delivered
 * job skips the runs it already audited.
 */
export function createSpecAuditHandler(ctx: OrchestratorContext): OrchestratorJobHandler<'spec_audit_job'> {
  return async (job): Promise<HandlerResult> => {
    const { storage, spec } = ctx.deps;
    const projectId = job.payload.project_id ?? null;
    const protocolId = job.payload.protocol_id ?? null;
    return inJobScope<HandlerResult>(job, { project_id: projectId }, async (): Promise<HandlerResult> => {
      const trace = jobTrace(job);
      const runs = await runsToAudit(ctx, projectId, protocolId);
      if (runs.length === 0) return skipped('no protocol run to audit');
      const summary: JsonObject[] = [];
      for (const run of runs) {
        const done = await storage.events.list({ protocol_run_id: run.id, event_types: ['spec_audit'] }, { limit: 20 });
        if (done.items.some((event) => event.metadata?.job_id === job.run_id)) continue;
        if (isTerminalProtocolStatus(run.status) && run.protocol_root && !existsSync(run.protocol_root)) {
          // A finished run's worktree is removed: its spec was validated while it ran; auditing the
          // missing folder would wrongly mark it invalid.
          await storage.transaction(async (tx) => {
            await ctx.record(
              tx,
              {
                type: 'spec_audit',
                message: 'Spec audit skipped: the run ended and its protocol folder was removed.',
                run,
                metadata: { skipped: true, reason: 'protocol_root_removed', status: run.status },
              },
              trace,
            );
          });
          summary.push({ protocol_run_id: run.id, status: 'skipped', errors: 0, backfilled: false });
          continue;
        }
        const project = await storage.projects.get(run.project_id);
        const result = await spec.audit(run, {
          backfillMissing: job.payload.backfill_missing,
          project: { id: project.id, name: project.name, local_path: project.local_path },
        });
        const { template_config_patch: patch, ...report } = result;
        await storage.transaction(async (tx) => {
          const current = await tx.protocolRuns.mergeTemplateConfig(run.id, patch);
          await ctx.record(
            tx,
            {
              type: 'spec_audit',
              message: result.errors.length > 0 ? 'Spec audit found errors.' : 'Spec audit completed.',
              run: current,
              metadata: report as unknown as JsonObject,
            },
            trace,
          );
        });
        summary.push({
          protocol_run_id: run.id,
          status: result.status,
          errors: result.errors.length,
          backfilled: result.backfilled,
        });
      }
      return { result: { audited: summary } };
    });
  };
}
