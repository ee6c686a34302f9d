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
import type { CallOptions, OrchestratorService, OrchestratorServiceDeps } from './orchestrator.types.js';
import { withLogContext } from '@tasksgodzilla/platform-telemetry';

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

/** The index of `F`'s optional CallOptions argument (one of its first four), else never. */
type OptionsIndex<F> = F extends (...args: infer A) => unknown
  ? {
      [I in 0 | 1 | 2 | 3]: `${I}` extends keyof A
        ? A[I] extends CallOptions | undefined
          ? undefined extends A[I]
            ? I
            : never
          : never
        : never;
    }[0 | 1 | 2 | 3]
  : never;

/**
 * The commands that take CallOptions, with where it is among their arguments (the context left
 * out): a call given a request id runs in a log scope carrying it, so every log line written under
 * it (services, engines, git) has `request_id`. Events take it from the trace, explicitly.
 */
const TRACED: {
  [K in keyof OrchestratorService as [OptionsIndex<OrchestratorService[K]>] extends [never] ? never : K]: OptionsIndex<
    OrchestratorService[K]
  >;
} = {
  createProject: 1,
  startOnboarding: 1,
  startDiscovery: 2,
  createProtocolRun: 2,
  startProtocol: 1,
  pauseProtocol: 1,
  resumeProtocol: 1,
  cancelProtocol: 1,
  runNextStep: 1,
  retryLatest: 1,
  runStep: 1,
  runStepQa: 1,
  approveStep: 1,
  answerStep: 2,
  createStep: 2,
  listBranches: 1,
  deleteRemoteBranch: 2,
  handleCiDelivery: 1,
  recordIgnoredDelivery: 1,
  handleIssueDelivery: 1,
  createRunFromIssue: 2,
  openPr: 1,
  importCodeMachine: 2,
  auditSpecs: 1,
  handleCiStatus: 1,
  onJobEnded: 1,
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
    Object.entries(methods).map(([name, fn]) => {
      const at = (TRACED as Record<string, number | undefined>)[name];
      if (at === undefined) return [name, (...args: never[]) => fn(ctx, ...args)];
      return [
        name,
        (...args: never[]) => {
          const requestId = (args[at] as CallOptions | undefined)?.requestId;
          return requestId ? withLogContext({ request_id: requestId }, () => fn(ctx, ...args)) : fn(ctx, ...args);
        },
      ];
    }),
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
