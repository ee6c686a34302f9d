import { createJobHandlers } from './handlers/index.js';
import { handleJobEnded, handleJobFailed } from './handlers/job-failed.js';
import { deleteRemoteBranch, listBranches } from './lifecycle/branches.js';
import { handleCiStatus } from './lifecycle/ci.js';
import { importCodeMachine } from './lifecycle/codemachine.js';
import { startExternalRun } from './lifecycle/external-runs.js';
import { createProject, startDiscovery, startOnboarding } from './lifecycle/projects.js';
import {
  cancelProtocol,
  createProtocolRun,
  pauseProtocol,
  resumeProtocol,
  startProtocol,
} from './lifecycle/protocols.js';
import { auditSpecs, openPr, planExecution } from './lifecycle/run-actions.js';
import { auditDueSpecs } from './lifecycle/spec-audit-schedule.js';
import { createStep } from './lifecycle/step-create.js';
import { answerStep, approveStep, retryLatest, runNextStep, runStep, runStepQa } from './lifecycle/steps.js';
import { protocolUsage } from './lifecycle/usage.js';
import { handleCiDelivery, recordIgnoredDelivery } from './lifecycle/webhook-delivery.js';
import { createRunFromIssue, getIssueSettings, handleIssueDelivery, putIssueSettings } from './issues/issue-runs.js';
import { createProjectWebhook, deleteProjectWebhook, updateProjectWebhook } from './notifications/project-webhooks.js';
import { createOrchestratorContext, type OrchestratorContext } from './orchestrator.context.js';
import type { OrchestratorService, OrchestratorServiceDeps } from './orchestrator.types.js';

/** The service's methods: each is its lifecycle function with the context bound. */
const METHODS = {
  createProject,
  startOnboarding,
  startDiscovery,
  createProtocolRun,
  startProtocol,
  pauseProtocol,
  resumeProtocol,
  cancelProtocol,
  runNextStep,
  retryLatest,
  runStep,
  runStepQa,
  approveStep,
  answerStep,
  createStep,
  listBranches,
  deleteRemoteBranch,
  handleCiDelivery,
  recordIgnoredDelivery,
  handleIssueDelivery,
  createRunFromIssue,
  getIssueSettings,
  putIssueSettings,
  startExternalRun,
  openPr,
  importCodeMachine,
  auditSpecs,
  auditDueSpecs,
  handleCiStatus,
  planExecution,
  usage: protocolUsage,
  createProjectWebhook,
  updateProjectWebhook,
  deleteProjectWebhook,
  jobHandlers: createJobHandlers,
  onJobFailed: handleJobFailed,
  onJobEnded: handleJobEnded,
};

/** Each function of `methods` without its context argument. */
type Bound<M> = {
  [K in keyof M]: M[K] extends (ctx: OrchestratorContext, ...args: infer A) => infer R ? (...args: A) => R : never;
};

function bindContext<M extends Record<string, (ctx: OrchestratorContext, ...args: never[]) => unknown>>(
  ctx: OrchestratorContext,
  methods: M,
): Bound<M> {
  return Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [name, (...args: never[]) => fn(ctx, ...args)]),
  ) as Bound<M>;
}

/**
 * OrchestratorService: owns the protocol lifecycle. Api-facing methods change state with
 * compare-and-swap transitions and enqueue the implied job in the same transaction as the change
 * and its events; the job handlers call down into execution, quality, decomposition and onboarding
 * and decide what follows. Nothing runs at construction.
 */
export function createOrchestratorService(deps: OrchestratorServiceDeps): OrchestratorService {
  return bindContext(createOrchestratorContext(deps), METHODS) satisfies OrchestratorService;
}
