import type { OrchestratorJobHandlers } from '../job-types.js';
import type { OrchestratorContext } from '../orchestrator.context.js';
import { createCodeMachineImportHandler } from './codemachine-import.handler.js';
import { createExecuteStepHandler } from './execute-step.handler.js';
import { createIssueCommentHandler } from '../issues/issue-comment.js';
import { createOpenPrHandler } from './open-pr.handler.js';
import { createPlanProtocolHandler } from './plan-protocol.handler.js';
import { createProjectDiscoveryHandler } from './project-discovery.handler.js';
import { createProjectSetupHandler } from './project-setup.handler.js';
import { createRunQualityHandler } from './run-quality.handler.js';
import { createSpecAuditHandler } from './spec-audit.handler.js';
import { createDeliverWebhookHandler } from '../notifications/deliver-webhook.handler.js';

/** The job handlers, each idempotent (fenced by the status its subject must have). */
export function createJobHandlers(ctx: OrchestratorContext): OrchestratorJobHandlers {
  return {
    plan_protocol_job: createPlanProtocolHandler(ctx),
    execute_step_job: createExecuteStepHandler(ctx),
    run_quality_job: createRunQualityHandler(ctx),
    project_setup_job: createProjectSetupHandler(ctx),
    project_discovery_job: createProjectDiscoveryHandler(ctx),
    open_pr_job: createOpenPrHandler(ctx),
    codemachine_import_job: createCodeMachineImportHandler(ctx),
    spec_audit_job: createSpecAuditHandler(ctx),
    issue_comment_job: createIssueCommentHandler(ctx),
    deliver_webhook_job: createDeliverWebhookHandler(ctx),
  };
}
