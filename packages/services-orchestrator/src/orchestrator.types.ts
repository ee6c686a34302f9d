import type {
  CiProvider,
  Clock,
  Config,
  DefaultModels,
  JobRun,
  JsonObject,
  JsonValue,
  Project,
  ProjectWebhook,
  ProtocolRun,
  StepRun,
} from '@tasksgodzilla/core';
import type { EngineRegistry } from '@tasksgodzilla/platform-engines';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { JobHandlers, JobQueue, QueueJob } from '@tasksgodzilla/platform-queue';
import type { Storage } from '@tasksgodzilla/platform-storage';
import type { TelemetryService } from '@tasksgodzilla/platform-telemetry';
import type { DecompositionService } from '@tasksgodzilla/services-decomposition';
import type { ExecutionPlan, ExecutionService } from '@tasksgodzilla/services-execution';
import type { OnboardingService } from '@tasksgodzilla/services-onboarding';
import type { PromptService } from '@tasksgodzilla/services-prompts';
import type { QualityService } from '@tasksgodzilla/services-quality';
import type { SpecService } from '@tasksgodzilla/services-spec';
import type {
  IssueDeliveryInput,
  IssueDeliveryResult,
  IssueRunResult,
  IssueSettingsInput,
  ProjectIssueSettings,
  RunFromIssueInput,
} from './issues/issue.types.js';
import type {
  NotificationDeps,
  ProjectWebhookInput,
  ProjectWebhookUpdate,
} from './notifications/notifications.types.js';

/** The configuration values the orchestrator reads. */
export type OrchestratorConfig = Pick<
  Config,
  | 'autoQaOnCi'
  | 'autoQaAfterExec'
  | 'removeWorktreeOnEnd'
  | 'runsDir'
  | 'defaultEngine'
  | 'planningModel'
  | 'decomposeModel'
  | 'execModel'
  | 'qaModel'
  | 'discoveryModel'
  | 'skipSimpleDecompose'
  | 'autoClone'
  | 'engineTimeoutSeconds'
  | 'engineStallTimeoutSeconds'
  | 'engineResume'
  | 'feedbackMaxChars'
  | 'reactToReviews'
  | 'autoPr'
  | 'maxTokensPerStep'
  | 'maxCostUsdPerStep'
  | 'maxTokensPerProtocol'
  | 'maxCostUsdPerProtocol'
  | 'tokenBudgetMode'
>;

export interface OrchestratorServiceDeps {
  storage: Storage;
  queue: JobQueue;
  telemetry: TelemetryService;
  engines: EngineRegistry;
  git: GitService;
  spec: SpecService;
  prompts: PromptService;
  execution: ExecutionService;
  quality: QualityService;
  decomposition: DecompositionService;
  onboarding: OnboardingService;
  config: OrchestratorConfig;
  /**
   * The config's secret values (platform-telemetry `configSecretValues`): redacted, with the
   * project's, from planning's run log and answer (as the services do for theirs).
   */
  redactValues?: readonly string[];
  clock?: Clock;
  /** Outgoing webhooks (`deliver_webhook_job`); without it a delivery job fails as not configured. */
  notifications?: NotificationDeps;
}

/** Per-call options of the api-facing methods. */
export interface CallOptions {
  /** The api request id: stored on the events written and carried by the jobs enqueued. */
  requestId?: string | null;
}

export interface CreateProjectInput {
  name: string;
  git_url: string;
  base_branch?: string;
  local_path?: string | null;
  ci_provider?: CiProvider | null;
  secrets?: JsonObject | null;
  default_models?: DefaultModels | null;
}

export interface CreateProtocolInput {
  protocol_name: string;
  /** Default: the project's base branch. */
  base_branch?: string;
  description?: string | null;
  /** A `protocol_spec` given here is honoured: re-planning never rebuilds it. */
  template_config?: JsonObject | null;
  template_source?: JsonObject | null;
  /** A protocol template folder (absolute, or relative to the repository): planning copies it instead of asking an engine. */
  template?: string | null;
  /** Engine of the steps built from the plan (default: Config.defaultEngine). */
  engine_id?: string | null;
  /** After a step completes, enqueue the next one by itself. Default false. */
  auto_advance?: boolean;
}

export interface StartProtocolOptions extends CallOptions {
  /** Plan a `planned`, `paused` or `blocked` run again (files and generated spec are rebuilt). */
  replan?: boolean;
}

export interface ImportCodeMachineInput {
  protocol_name: string;
  workspace_path: string;
  base_branch?: string;
  description?: string | null;
  /** true: import in a `codemachine_import_job`; false: import now, in this call. Default true. */
  enqueue?: boolean;
  auto_advance?: boolean;
}

export interface AuditSpecsInput {
  project_id?: number | null;
  protocol_id?: number | null;
  backfill_missing?: boolean;
}

/** `review`: a review or review comment on the run's PR/MR (not a CI state; see CiStatusInput.review). */
export type CiStatus = 'running' | 'success' | 'failure' | 'merged' | 'review';

/** A PR/MR review or comment, as a webhook carries it. */
export interface CiReview {
  author: string | null;
  body: string;
  /** `approved`, `changes_requested`, `commented` (GitHub review state), or null. */
  state: string | null;
  path: string | null;
  line: number | null;
  url: string | null;
}

/** How a webhook names its repository; any one of them is enough to find the project. */
export interface CiRepositoryRef {
  /** `owner/name` (GitHub `repository.full_name`, GitLab `project.path_with_namespace`). */
  full_name?: string | null;
  /** Clone and web URLs (https, ssh, scp-like); compared normalised (lowercase, no `.git`, no credentials). */
  urls?: string[] | null;
}

export interface CiStatusInput {
  /** The run, when the webhook names it; else it is found by `repository` + `branch`. */
  protocol_run_id?: number | null;
  branch?: string | null;
  /** The repository the delivery is about: routes the report to the project(s) whose `git_url` it is. */
  repository?: CiRepositoryRef | null;
  /** Narrows the branch lookup to one project. */
  project_id?: number | null;
  provider: CiProvider;
  status: CiStatus;
  /** Type of the webhook event recorded (the GitHub event header / GitLab object kind). Default: the provider. */
  event_type?: string | null;
  pr_number?: number | null;
  sha?: string | null;
  conclusion?: string | null;
  url?: string | null;
  /** Extra metadata kept on the recorded webhook event. */
  metadata?: JsonObject | null;
  /** With status `review`: the review or comment. */
  review?: CiReview | null;
}

export interface ProjectCreated {
  project: Project;
  setup_run: ProtocolRun;
  job: QueueJob;
}

export interface StartDiscoveryInput {
  /** Run this engine instead of the project's / configured default one (must be registered). */
  engine_id?: string | null;
}

export interface DiscoveryStarted {
  project: Project;
  job: QueueJob;
  /** False: a discovery job of the project was already queued, and `job` is that one. */
  created: boolean;
}

export interface RunActionResult {
  run: ProtocolRun;
  /** The job enqueued by the action, if any. */
  job: QueueJob | null;
}

/** A step added by hand (`POST /protocols/{id}/steps`); it always starts `pending`. */
export interface CreateStepInput {
  step_index: number;
  step_name: string;
  step_type: string;
  /** Only `pending` (or absent): statuses are the orchestrator's. */
  status?: string | null;
  model?: string | null;
  summary?: string | null;
  engine_id?: string | null;
  policy?: JsonValue | null;
}

/** A branch deleted on the project's origin. */
export interface BranchDeleted {
  deleted: true;
  branch: string;
}

/** A forge's webhook delivery: its CI report and, when the forge sends one, its delivery id. */
export interface CiDeliveryInput {
  /** The forge (`github`, `gitlab`): delivery ids are unique per provider. */
  provider: string;
  /** Printable id of the delivery, the same on a redelivery; null: processed every time. */
  delivery_id: string | null;
  status: CiStatusInput;
}

/** A delivery that carries nothing to act on (a ping, a `skipped` check, an opened MR). */
export interface IgnoredDeliveryInput {
  provider: 'github' | 'gitlab';
  /** Printable id of the delivery; a redelivery of a recorded one records nothing more. */
  delivery_id: string | null;
  /** The provider's event name (GitHub event header, GitLab object kind). */
  event_type: string;
  /** The branch or ref the payload names, if any. */
  branch: string | null;
  /** The value that was classified (conclusion or status), '' when none. */
  value: string;
  /** Why it was ignored (said back to the forge too). */
  reason: string;
  /** `?protocol_run_id=` of the delivery, if given. */
  protocol_run_id: number | null;
}

export interface CiDeliveryResult {
  /** true: the delivery was processed before and nothing was done. */
  duplicate: boolean;
  result: CiStatusResult | null;
}

/** A run started outside the queue (`POST /codex/runs/start`). */
export interface ExternalRunInput {
  run_id: string;
  job_type: string;
  params?: JsonObject | null;
  prompt_version?: string | null;
  cost_tokens?: number | null;
  cost_cents?: number | null;
  /** The project a new run belongs to (null: none). */
  project_id: number | null;
  /** Prepares the run's log file once the run may be (re)started; receives the existing row (null for a new run). */
  log_path: (existing: JobRun | null) => Promise<string>;
}

export interface StepActionResult {
  run: ProtocolRun;
  step: StepRun;
  job: QueueJob | null;
}

export interface CiStatusResult {
  run: ProtocolRun;
  step: StepRun | null;
  job: QueueJob | null;
  /** What the orchestrator did: `ci_running`, `step_completed`, `qa_enqueued`, `step_failed`, `run_completed`, `ignored`. */
  action: string;
}

export interface UsageLine {
  tokens: number;
  cost_usd: number;
}

export interface ProtocolUsage {
  protocol_run_id: number;
  /** Totals from the job ledger (what the engines reported). */
  totals: UsageLine;
  /** By phase (planning, decompose, exec, qa, setup…), from the ledger's job types. */
  by_phase: (UsageLine & { phase: string; jobs: number })[];
  /** By phase and model, from the events that carry usage. */
  by_model: (UsageLine & { phase: string; model: string | null; engine_id: string | null })[];
  /** By step, from the ledger. */
  by_step: (UsageLine & { step_run_id: number; step_name: string })[];
}

export interface ExecutionPlanResult {
  step: StepRun;
  plan: ExecutionPlan;
}

export interface OrchestratorService {
  createProject(input: CreateProjectInput, options?: CallOptions): Promise<ProjectCreated>;
  /** (Re)starts onboarding on the project's `setup-<id>` run. */
  startOnboarding(projectId: number, options?: CallOptions): Promise<RunActionResult & { job: QueueJob }>;
  /** Enqueues discovery on its own (`project_discovery_job`); a queued one is returned instead. */
  startDiscovery(projectId: number, input?: StartDiscoveryInput, options?: CallOptions): Promise<DiscoveryStarted>;
  createProtocolRun(projectId: number, input: CreateProtocolInput, options?: CallOptions): Promise<ProtocolRun>;
  startProtocol(protocolRunId: number, options?: StartProtocolOptions): Promise<RunActionResult & { job: QueueJob }>;
  pauseProtocol(protocolRunId: number, options?: CallOptions): Promise<ProtocolRun>;
  resumeProtocol(protocolRunId: number, options?: CallOptions): Promise<RunActionResult>;
  cancelProtocol(protocolRunId: number, options?: CallOptions): Promise<ProtocolRun>;
  runNextStep(protocolRunId: number, options?: CallOptions): Promise<StepActionResult & { job: QueueJob }>;
  retryLatest(protocolRunId: number, options?: CallOptions): Promise<StepActionResult & { job: QueueJob }>;
  runStep(stepRunId: number, options?: CallOptions): Promise<StepActionResult & { job: QueueJob }>;
  runStepQa(stepRunId: number, options?: CallOptions): Promise<StepActionResult & { job: QueueJob }>;
  approveStep(stepRunId: number, options?: CallOptions): Promise<StepActionResult>;
  /**
   * A person's answer to a `needs_input` step's question: `step_input_answered`, step → pending and
   * re-queued (running + `execute_step_job`) when the run accepts steps; the next attempt's prompt
   * carries the answer. Blank or over-long answer: 422 naming `answer`; a step not waiting: 409.
   */
  answerStep(stepRunId: number, answer: string, options?: CallOptions): Promise<StepActionResult>;
  /** Adds a `pending` step (`step_created`); a status other than pending is a 422, an ended run a 409. */
  createStep(protocolRunId: number, input: CreateStepInput, options?: CallOptions): Promise<StepRun>;
  /** The branches of the project's origin (`branches_listed`); 409 `repository_missing` without a checkout. */
  listBranches(projectId: number, options?: CallOptions): Promise<string[]>;
  /**
   * Deletes a branch on the project's origin (`branch_deleted`). 409 for the base branch
   * (`branch_is_base`), the branch of an unfinished run (`branch_in_use`), no checkout, or a refusal
   * by the remote (`branch_delete_failed`, recorded); 404 `branch_not_found`.
   */
  deleteRemoteBranch(projectId: number, branch: string, options?: CallOptions): Promise<BranchDeleted>;
  /** A webhook delivery: de-duplicated by delivery id, then handleCiStatus (the id is released when that fails). */
  handleCiDelivery(input: CiDeliveryInput, options?: CallOptions): Promise<CiDeliveryResult>;
  /**
   * An ignored delivery that names a run (by `protocol_run_id` or branch) is recorded on it as
   * `webhook_ignored` (once per delivery id); one that names none records nothing. Returns the run's id or null.
   */
  recordIgnoredDelivery(
    input: IgnoredDeliveryInput,
    options?: CallOptions,
  ): Promise<{ protocol_run_id: number | null }>;
  /**
   * An issue delivery (GitHub `issues`, GitLab issue hook; see `interpretIssueWebhook`): de-duplicated
   * by delivery id; each project of the repository whose label the issue carries gets the issue's run
   * (one per issue, started when the project's `auto_start` says so), the others `webhook_ignored`.
   */
  handleIssueDelivery(input: IssueDeliveryInput, options?: CallOptions): Promise<IssueDeliveryResult>;
  /** Reads the issue (URL or number on the project's repository) through the forge API and opens its run. */
  createRunFromIssue(projectId: number, input: RunFromIssueInput, options?: CallOptions): Promise<IssueRunResult>;
  /** The project's issue settings (the defaults until set). */
  getIssueSettings(projectId: number): Promise<ProjectIssueSettings>;
  /** Sets the keys given of the project's issue settings; 422 naming a bad field. */
  putIssueSettings(projectId: number, input: IssueSettingsInput): Promise<ProjectIssueSettings>;
  /** Registers (or restarts, while `running`) a run of the `external` ledger queue; 409 for any other run. */
  startExternalRun(input: ExternalRunInput): Promise<JobRun>;
  openPr(protocolRunId: number, options?: CallOptions): Promise<RunActionResult & { job: QueueJob }>;
  importCodeMachine(projectId: number, input: ImportCodeMachineInput, options?: CallOptions): Promise<RunActionResult>;
  auditSpecs(input: AuditSpecsInput, options?: CallOptions): Promise<{ job: QueueJob }>;
  /**
   * One pass of the spec-audit schedule: a `spec_audit_job` (with backfill) for each project whose last
   * one is at least its interval old (`secrets.spec_audit_interval_seconds`, else `defaultIntervalSeconds`;
   * at least 30 s). Returns the ids of the projects enqueued.
   */
  auditDueSpecs(defaultIntervalSeconds: number): Promise<number[]>;
  handleCiStatus(input: CiStatusInput, options?: CallOptions): Promise<CiStatusResult>;
  planExecution(stepRunId: number): Promise<ExecutionPlanResult>;
  usage(protocolRunId: number): Promise<ProtocolUsage>;
  /** Adds an outgoing webhook to the project (ValidationError naming the field; NotFoundError for the project). */
  createProjectWebhook(projectId: number, input: ProjectWebhookInput): Promise<ProjectWebhook>;
  /** Changes one of the project's webhooks (NotFoundError when it is not the project's). */
  updateProjectWebhook(projectId: number, webhookId: number, patch: ProjectWebhookUpdate): Promise<ProjectWebhook>;
  /** Removes one of the project's webhooks with its delivery log. */
  deleteProjectWebhook(projectId: number, webhookId: number): Promise<void>;
  /** The handlers of the job types, for the worker runner. */
  jobHandlers(): JobHandlers;
  /**
   * For the worker: a job failed for good (non-retryable, or out of attempts). Writes `job_failed`,
   * fails the job's step and blocks its run (never called for an attempt that will be retried).
   */
  onJobFailed(job: FailedJob, error: unknown): Promise<void>;
  /**
   * For the worker and the queue's cancel: a job ended (cancelled, or any end its handler never saw).
   * The step it was executing → failed (`step_job_ended`) + run blocked; a run it was planning →
   * blocked. A job still queued or running changes nothing. Every run and step action does the same
   * check first, so a missed call only delays it. Given a request id (the queue's cancel route), the
   * lines it logs carry it; its events carry the job's own request id.
   */
  onJobEnded(job: FailedJob, options?: CallOptions): Promise<void>;
}

/** What onJobFailed and onJobEnded need of the job. */
export interface FailedJob {
  run_id: string;
  job_type: string;
  attempts: number;
  params: JsonObject | null;
  project_id?: number | null;
  protocol_run_id?: number | null;
  step_run_id?: number | null;
}
