import { setupRunName } from '../lifecycle/projects.js';
import type { OrchestratorReadModels, ReadModelDeps } from './read-models.types.js';
import { specHashOf, specValidationOf } from './spec-validation.js';
import { pageOfSteps } from './step-page.js';
import { stepCommitShaOf } from './step-commit.js';

/** Events of the setup run shown with the onboarding summary (newest first). */
const ONBOARDING_EVENTS_LIMIT = 200;
/** Ledger rows of a step looked at for its newest log. */
const LOG_LOOKUP_LIMIT = 20;

/** The orchestrator's read models over storage (see OrchestratorReadModels). Nothing is read at construction. */
export function createReadModels(deps: ReadModelDeps): OrchestratorReadModels {
  const { storage, spec, onboarding } = deps;
  const reads: OrchestratorReadModels = {
    project: (id) => storage.projects.find(id),
    projects: (page, filter) => storage.projects.list(page, filter),
    protocolRun: (id) => storage.protocolRuns.find(id),
    protocolRunWithProject: (id) => storage.protocolRuns.findWithProject(id),
    protocolRuns: (filter, page) => storage.protocolRuns.list(filter, page),
    step: (id) => storage.stepRuns.find(id),
    steps: (protocolRunId) => storage.stepRuns.listByRun(protocolRunId),
    stepPage: async (protocolRunId, page) => pageOfSteps(await storage.stepRuns.listByRun(protocolRunId), page),
    events: (filter, page) => storage.events.list(filter, page),
    eventsAfter: (afterId, filter, limit) => storage.events.listAfter(afterId, filter, limit),
    jobRun: (runId) => storage.jobRuns.find(runId),
    jobRuns: (filter, page) => storage.jobRuns.list(filter, page),
    specHash: (run) => specHashOf(spec, run),
    specValidation: (run) => specValidationOf(storage.events, run),
    async protocolRunView(run) {
      return { run, spec_hash: specHashOf(spec, run), validation: await specValidationOf(storage.events, run) };
    },
    async stepLogPath(stepRunId) {
      const jobs = await storage.jobRuns.list({ step_run_id: stepRunId }, { limit: LOG_LOOKUP_LIMIT });
      return jobs.items.find((job) => job.log_path)?.log_path ?? null;
    },
    stepCommitSha: (stepRunId) => stepCommitShaOf(storage.events, stepRunId),
    projectWebhooks: (projectId, page) => storage.projectWebhooks.list(projectId, page),
    async projectWebhook(projectId, webhookId) {
      const webhook = await storage.projectWebhooks.find(webhookId);
      return webhook && webhook.project_id === projectId ? webhook : null;
    },
    webhookDeliveries: (webhookId, page) => storage.webhookNotifications.list(webhookId, page),
    async onboarding(project) {
      const run = await storage.protocolRuns.findByName(project.id, setupRunName(project.id));
      const events = run
        ? (await storage.events.list({ protocol_run_id: run.id }, { limit: ONBOARDING_EVENTS_LIMIT })).items
        : [];
      return { summary: onboarding.summarize(project, run, events), events };
    },
  };
  return reads;
}
