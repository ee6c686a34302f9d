import { createJobHandlers } from './handlers/index.js';
import { handleJobEnded, handleJobFailed } from './handlers/job-failed.js';
import { deleteRemoteBranch, listBranches } from './lifecycle/branches.js';
import { handleCiStatus } from './lifecycle/ci.js';
import { importCodeMachine } from './lifecycle/codemachine.js';
import { startExternalRun } from './lifecycle/external-runs.js';
import { createProject, startOnboarding } from './lifecycle/projects.js';
import {
  cancelProtocol,
  createProtocolRun,
  pauseProtocol,
  resumeProtocol,
  startProtocol,
} from './lifecycle/protocols.js';
import { auditSpecs, openPr, planExecution } from './lifecycle/run-actions.js';
import { createStep } from './lifecycle/step-create.js';
import { approveStep, retryLatest, runNextStep, runStep, runStepQa } from './lifecycle/steps.js';
import { protocolUsage } from './lifecycle/usage.js';
import { handleCiDelivery } from './lifecycle/webhook-delivery.js';
import { createOrchestratorContext } from './orchestrator.context.js';
import type { OrchestratorService, OrchestratorServiceDeps } from './orchestrator.types.js';

/**
 * OrchestratorService: owns the protocol lifecycle. Api-facing methods change state with
 * compare-and-swap transitions and enqueue the implied job in the same transaction as the change
 * and its events; the job handlers call down into execution, quality, decomposition and onboarding
 * and decide what follows. Nothing runs at construction.
 */
export function createOrchestratorService(deps: OrchestratorServiceDeps): OrchestratorService {
  const ctx = createOrchestratorContext(deps);
  return {
    createProject: (input, options) => createProject(ctx, input, options),
    startOnboarding: (projectId, options) => startOnboarding(ctx, projectId, options),
    createProtocolRun: (projectId, input) => createProtocolRun(ctx, projectId, input),
    startProtocol: (id, options) => startProtocol(ctx, id, options),
    pauseProtocol: (id, options) => pauseProtocol(ctx, id, options),
    resumeProtocol: (id, options) => resumeProtocol(ctx, id, options),
    cancelProtocol: (id, options) => cancelProtocol(ctx, id, options),
    runNextStep: (id, options) => runNextStep(ctx, id, options),
    retryLatest: (id, options) => retryLatest(ctx, id, options),
    runStep: (stepId, options) => runStep(ctx, stepId, options),
    runStepQa: (stepId, options) => runStepQa(ctx, stepId, options),
    approveStep: (stepId, options) => approveStep(ctx, stepId, options),
    createStep: (runId, input, options) => createStep(ctx, runId, input, options),
    listBranches: (projectId, options) => listBranches(ctx, projectId, options),
    deleteRemoteBranch: (projectId, branch, options) => deleteRemoteBranch(ctx, projectId, branch, options),
    handleCiDelivery: (input, options) => handleCiDelivery(ctx, input, options),
    startExternalRun: (input) => startExternalRun(ctx, input),
    openPr: (id, options) => openPr(ctx, id, options),
    importCodeMachine: (projectId, input, options) => importCodeMachine(ctx, projectId, input, options),
    auditSpecs: (input, options) => auditSpecs(ctx, input, options),
    handleCiStatus: (input, options) => handleCiStatus(ctx, input, options),
    planExecution: (stepId) => planExecution(ctx, stepId),
    usage: (id) => protocolUsage(ctx, id),
    jobHandlers: () => createJobHandlers(ctx),
    onJobFailed: (job, error) => handleJobFailed(ctx, job, error),
    onJobEnded: (job) => handleJobEnded(ctx, job),
  };
}
