import { z } from 'zod';
import { ConfigError, type FieldIssue } from './errors.js';

/** How a variable's text is read. Booleans accept 1/true/yes/on and 0/false/no/off (any case). */
type Kind = 'string' | 'int' | 'number' | 'bool' | 'enum' | 'list';

export interface ConfigVariable {
  /** Environment variable name. */
  env: string;
  /** Key in the parsed Config object. */
  key: keyof Config;
  kind: Kind;
  /** Default as text (what the README shows); undefined means unset. */
  default?: string;
  values?: readonly string[];
  min?: number;
  description: string;
  /** True for variables that exist in the original Python TasksGodzilla. */
  original: boolean;
}

export type QueueBackend = 'embedded' | 'bullmq';
export type BudgetMode = 'strict' | 'warn' | 'off';
export type LogFormat = 'json' | 'pretty';
/** When the orchestrator opens the run's pull request by itself: never, as a draft after planning, or ready for review. */
export type AutoPrMode = 'off' | 'draft' | 'ready';
export const AUTO_PR_MODES: readonly AutoPrMode[] = ['off', 'draft', 'ready'];

export interface Config {
  env: string;
  dataDir: string;
  dbUrl: string | undefined;
  dbPath: string;
  dbPoolSize: number;
  queueBackend: QueueBackend;
  redisUrl: string | undefined;
  queuePrefix: string;
  inlineWorker: boolean;
  workerConcurrency: number;
  jobMaxAttempts: number;
  jobTimeoutSeconds: number;
  leaseSeconds: number;
  workerPort: number;
  apiToken: string | undefined;
  webhookToken: string | undefined;
  apiHost: string;
  apiPort: number;
  apiBase: string;
  projectToken: string | undefined;
  maxBodyBytes: number;
  logLevel: string;
  logJson: boolean;
  planningModel: string | undefined;
  decomposeModel: string | undefined;
  execModel: string | undefined;
  qaModel: string | undefined;
  discoveryModel: string | undefined;
  skipSimpleDecompose: boolean;
  defaultEngine: string;
  engineStallTimeoutSeconds: number;
  engineTimeoutSeconds: number;
  codexBin: string;
  claudeBin: string;
  opencodeBin: string;
  maxTokensPerStep: number | undefined;
  maxTokensPerProtocol: number | undefined;
  maxCostUsdPerStep: number | undefined;
  maxCostUsdPerProtocol: number | undefined;
  tokenBudgetMode: BudgetMode;
  specAuditIntervalSeconds: number | undefined;
  autoQaOnCi: boolean;
  autoQaAfterExec: boolean;
  engineResume: boolean;
  feedbackMaxChars: number;
  reactToReviews: boolean;
  autoPr: AutoPrMode;
  projectsRoot: string;
  worktreesRoot: string | undefined;
  removeWorktreeOnEnd: boolean;
  autoClone: boolean;
  ghSsh: boolean;
  gitUser: string | undefined;
  gitEmail: string | undefined;
  discoveryTimeoutSeconds: number;
  requireOnboardingClarifications: boolean;
  singleWorktree: boolean;
  worktreeBranch: string;
  runsDir: string;
  githubToken: string | undefined;
  githubApiUrl: string;
  gitlabToken: string | undefined;
  gitlabApiUrl: string;
}

const v = (variable: ConfigVariable): ConfigVariable => variable;

/** Every variable TasksGodzilla reads, in README order. The README's table is checked against this list. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  v({
    env: 'TASKSGODZILLA_ENV',
    key: 'env',
    kind: 'string',
    default: 'local',
    description: 'Environment name, logged at start.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_DATA_DIR',
    key: 'dataDir',
    kind: 'string',
    default: '.tasksgodzilla',
    description: 'Folder for the embedded database, run logs and worktrees unless set otherwise.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_DB_URL',
    key: 'dbUrl',
    kind: 'string',
    description:
      'PostgreSQL URL (`postgres://` or `postgresql://`); when unset the embedded SQLite file is used. Any other scheme is an error.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_DB_PATH',
    key: 'dbPath',
    kind: 'string',
    default: '<data dir>/tasksgodzilla.sqlite',
    description: 'SQLite database file.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_DB_POOL_SIZE',
    key: 'dbPoolSize',
    kind: 'int',
    default: '5',
    min: 1,
    description: 'PostgreSQL pool size.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_QUEUE_BACKEND',
    key: 'queueBackend',
    kind: 'enum',
    values: ['embedded', 'bullmq'],
    default: 'embedded',
    description: 'Job queue: `embedded` (jobs in the database) or `bullmq` (Redis, needs TASKSGODZILLA_REDIS_URL).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_REDIS_URL',
    key: 'redisUrl',
    kind: 'string',
    description: 'Redis URL for the bullmq queue backend.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_QUEUE_PREFIX',
    key: 'queuePrefix',
    kind: 'string',
    default: 'tgz',
    description: 'Key prefix of the BullMQ queues in Redis.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_INLINE_RQ_WORKER',
    key: 'inlineWorker',
    kind: 'bool',
    default: 'false',
    description: 'Run a worker inside the api process (embedded single-process mode).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_WORKER_CONCURRENCY',
    key: 'workerConcurrency',
    kind: 'int',
    default: '2',
    min: 1,
    description: 'Jobs a worker runs at once.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_JOB_MAX_ATTEMPTS',
    key: 'jobMaxAttempts',
    kind: 'int',
    default: '3',
    min: 1,
    description: 'Attempts before a job is dead-lettered (retryable errors only).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_JOB_TIMEOUT_SECONDS',
    key: 'jobTimeoutSeconds',
    kind: 'int',
    default: '3600',
    min: 1,
    description: 'Wall-clock limit of one job attempt.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_LEASE_SECONDS',
    key: 'leaseSeconds',
    kind: 'int',
    default: '30',
    min: 1,
    description: 'Lease of a claimed job; renewed by heartbeats, reclaimed when it expires.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_WORKER_PORT',
    key: 'workerPort',
    kind: 'int',
    default: '8020',
    min: 0,
    description: 'Port of the worker health and metrics server (0 picks a free port).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_API_TOKEN',
    key: 'apiToken',
    kind: 'string',
    description: 'When set, protected api routes require `Authorization: Bearer <token>`.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_WEBHOOK_TOKEN',
    key: 'webhookToken',
    kind: 'string',
    description: 'Webhook secret: GitHub HMAC-SHA256 (`X-Hub-Signature-256`), GitLab `X-Gitlab-Token`.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_API_HOST',
    key: 'apiHost',
    kind: 'string',
    default: '127.0.0.1',
    description: 'Address the api listens on.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_API_PORT',
    key: 'apiPort',
    kind: 'int',
    default: '8010',
    min: 0,
    description: 'Port the api listens on.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_API_BASE',
    key: 'apiBase',
    kind: 'string',
    default: 'http://127.0.0.1:8010',
    description: 'Base URL the cli and TUI call (same port as the api default).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_PROJECT_TOKEN',
    key: 'projectToken',
    kind: 'string',
    description: 'Sent by the cli and TUI as `X-Project-Token`.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_MAX_BODY_BYTES',
    key: 'maxBodyBytes',
    kind: 'int',
    default: '1048576',
    min: 1024,
    description: 'Largest request body the api accepts.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_LOG_LEVEL',
    key: 'logLevel',
    kind: 'enum',
    values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    default: 'info',
    description: 'Log level.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_LOG_JSON',
    key: 'logJson',
    kind: 'bool',
    default: 'false',
    description: 'One JSON object per log line instead of readable text.',
    original: true,
  }),
  v({
    env: 'PROTOCOL_PLANNING_MODEL',
    key: 'planningModel',
    kind: 'string',
    description: 'Default planning model (project `default_models.planning` wins).',
    original: true,
  }),
  v({
    env: 'PROTOCOL_DECOMPOSE_MODEL',
    key: 'decomposeModel',
    kind: 'string',
    description: 'Default decomposition model.',
    original: true,
  }),
  v({
    env: 'PROTOCOL_EXEC_MODEL',
    key: 'execModel',
    kind: 'string',
    description: 'Default execution model.',
    original: true,
  }),
  v({ env: 'PROTOCOL_QA_MODEL', key: 'qaModel', kind: 'string', description: 'Default QA model.', original: true }),
  v({
    env: 'PROTOCOL_DISCOVERY_MODEL',
    key: 'discoveryModel',
    kind: 'string',
    description: 'Onboarding discovery model (unset: the engine CLI chooses).',
    original: true,
  }),
  v({
    env: 'PROTOCOL_SKIP_SIMPLE_DECOMPOSE',
    key: 'skipSimpleDecompose',
    kind: 'bool',
    default: 'false',
    description: 'Skip decomposition of simple step files.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_DEFAULT_ENGINE',
    key: 'defaultEngine',
    kind: 'string',
    default: 'codex',
    description:
      'Engine used when neither the step nor the project names one (`codex`, `claude-code`, `opencode`, `shell`).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_ENGINE_STALL_TIMEOUT_SECONDS',
    key: 'engineStallTimeoutSeconds',
    kind: 'int',
    default: '300',
    min: 1,
    description: 'An engine silent this long is killed (`stalled`).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_ENGINE_TIMEOUT_SECONDS',
    key: 'engineTimeoutSeconds',
    kind: 'int',
    default: '3600',
    min: 1,
    description: 'Wall-clock limit of one engine run (`timeout`).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_CODEX_BIN',
    key: 'codexBin',
    kind: 'string',
    default: 'codex',
    description: 'Codex CLI executable.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_CLAUDE_BIN',
    key: 'claudeBin',
    kind: 'string',
    default: 'claude',
    description: 'Claude Code executable.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_OPENCODE_BIN',
    key: 'opencodeBin',
    kind: 'string',
    default: 'opencode',
    description: 'opencode executable.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_MAX_TOKENS_PER_STEP',
    key: 'maxTokensPerStep',
    kind: 'int',
    min: 1,
    description: 'Token budget of one step (cumulative over its runs).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_MAX_TOKENS_PER_PROTOCOL',
    key: 'maxTokensPerProtocol',
    kind: 'int',
    min: 1,
    description: 'Token budget of one protocol run.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_MAX_COST_USD_PER_STEP',
    key: 'maxCostUsdPerStep',
    kind: 'number',
    min: 0,
    description: 'USD budget of one step.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_MAX_COST_USD_PER_PROTOCOL',
    key: 'maxCostUsdPerProtocol',
    kind: 'number',
    min: 0,
    description: 'USD budget of one protocol run.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_TOKEN_BUDGET_MODE',
    key: 'tokenBudgetMode',
    kind: 'enum',
    values: ['strict', 'warn', 'off'],
    default: 'strict',
    description: '`strict` stops the step, `warn` logs and goes on, `off` skips budget checks.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS',
    key: 'specAuditIntervalSeconds',
    kind: 'int',
    min: 30,
    description: 'Enables the periodic spec audit (at least 30).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_AUTO_QA_ON_CI',
    key: 'autoQaOnCi',
    kind: 'bool',
    default: 'false',
    description: 'On a CI-success webhook, run QA instead of completing the step.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_AUTO_QA_AFTER_EXEC',
    key: 'autoQaAfterExec',
    kind: 'bool',
    default: 'false',
    description: 'Run QA right after execution in the same job.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_ENGINE_RESUME',
    key: 'engineResume',
    kind: 'bool',
    default: 'true',
    description:
      "A re-execution of a step continues the agent's previous session (engines that can resume) with only the feedback as the new message.",
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_FEEDBACK_MAX_CHARS',
    key: 'feedbackMaxChars',
    kind: 'int',
    default: '6000',
    min: 500,
    description: 'Largest "what went wrong last time" section of a re-execution prompt (each output is a tail).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_REACT_TO_REVIEWS',
    key: 'reactToReviews',
    kind: 'bool',
    default: 'false',
    description:
      "A PR/MR review comment starts a new attempt of the run's latest step (a run's `template_config.react_to_reviews` wins).",
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_AUTO_PR',
    key: 'autoPr',
    kind: 'enum',
    values: ['off', 'draft', 'ready'],
    default: 'off',
    description:
      "Open the run's PR/MR by itself after planning and keep it updated (a run's `template_config.auto_pr` wins).",
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_PROJECTS_ROOT',
    key: 'projectsRoot',
    kind: 'string',
    default: '<data dir>/projects',
    description: 'Root of auto-cloned repositories: `<root>/<project_id>/<repo_name>`.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_WORKTREES_ROOT',
    key: 'worktreesRoot',
    kind: 'string',
    description: 'Root of protocol worktrees; default `<repo parent>/worktrees`.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_REMOVE_WORKTREE_ON_END',
    key: 'removeWorktreeOnEnd',
    kind: 'bool',
    default: 'true',
    description: 'Remove a protocol worktree when its run ends (the branch stays).',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_AUTO_CLONE',
    key: 'autoClone',
    kind: 'bool',
    default: 'true',
    description: 'Clone missing repositories automatically.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_GH_SSH',
    key: 'ghSsh',
    kind: 'bool',
    default: 'true',
    description: 'Prefer an SSH origin for GitHub.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_GIT_USER',
    key: 'gitUser',
    kind: 'string',
    description: 'git user.name set during onboarding.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_GIT_EMAIL',
    key: 'gitEmail',
    kind: 'string',
    description: 'git user.email set during onboarding.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_DISCOVERY_TIMEOUT',
    key: 'discoveryTimeoutSeconds',
    kind: 'int',
    default: '15',
    min: 1,
    description: 'Onboarding discovery timeout in seconds.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_REQUIRE_ONBOARDING_CLARIFICATIONS',
    key: 'requireOnboardingClarifications',
    kind: 'bool',
    default: 'false',
    description: 'Onboarding ends `blocked` until clarifications are answered.',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_SINGLE_WORKTREE',
    key: 'singleWorktree',
    kind: 'bool',
    default: 'false',
    description: 'All protocols share one worktree and branch (the original default; off here so webhooks match runs).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_WORKTREE_BRANCH',
    key: 'worktreeBranch',
    kind: 'string',
    default: 'tasksgodzilla-worktree',
    description: 'Branch of the shared worktree when TASKSGODZILLA_SINGLE_WORKTREE is on.',
    original: true,
  }),
  v({
    env: 'CODEX_RUNS_DIR',
    key: 'runsDir',
    kind: 'string',
    default: '<data dir>/runs',
    description: 'Root of the per-run log folders.',
    original: true,
  }),
  v({
    env: 'GITHUB_TOKEN',
    key: 'githubToken',
    kind: 'string',
    description: 'Token for the GitHub REST fallback that opens PRs (`GH_TOKEN` also read).',
    original: true,
  }),
  v({
    env: 'TASKSGODZILLA_GITHUB_API_URL',
    key: 'githubApiUrl',
    kind: 'string',
    default: 'https://api.github.com',
    description: 'GitHub REST base URL.',
    original: false,
  }),
  v({
    env: 'GITLAB_TOKEN',
    key: 'gitlabToken',
    kind: 'string',
    description: 'Token for the GitLab REST fallback that opens MRs.',
    original: false,
  }),
  v({
    env: 'TASKSGODZILLA_GITLAB_API_URL',
    key: 'gitlabApiUrl',
    kind: 'string',
    default: 'https://gitlab.com/api/v4',
    description: 'GitLab REST base URL.',
    original: false,
  }),
];

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

function fieldSchema(variable: ConfigVariable): z.ZodType<unknown> {
  switch (variable.kind) {
    case 'string':
      return z.string();
    case 'int': {
      const n = z.coerce
        .number({ error: `${variable.env} must be a whole number` })
        .int(`${variable.env} must be a whole number`);
      return variable.min === undefined ? n : n.min(variable.min, `${variable.env} must be at least ${variable.min}`);
    }
    case 'number': {
      const n = z.coerce.number({ error: `${variable.env} must be a number` });
      return variable.min === undefined ? n : n.min(variable.min, `${variable.env} must be at least ${variable.min}`);
    }
    case 'bool':
      return z.string().transform((text, ctx) => {
        const value = text.trim().toLowerCase();
        if (TRUE.has(value)) return true;
        if (FALSE.has(value)) return false;
        ctx.addIssue({ code: 'custom', message: `${variable.env} must be one of 1/true/yes/on or 0/false/no/off` });
        return z.NEVER;
      });
    case 'enum':
      return z
        .string()
        .transform((text) => text.trim().toLowerCase())
        .pipe(
          z.enum(variable.values as [string, ...string[]], {
            error: `${variable.env} must be one of ${(variable.values ?? []).join(', ')}`,
          }),
        );
    case 'list':
      return z.string().transform((text) =>
        text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses the environment once into a frozen Config. Every problem is reported at once in one
 * ConfigError whose message lists each variable and what is wrong with it.
 */
export function loadConfig(env: EnvSource = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES) {
    const raw = variable.env === 'GITHUB_TOKEN' ? (env.GITHUB_TOKEN ?? env.GH_TOKEN) : env[variable.env];
    const text = raw === undefined || raw.trim() === '' ? undefined : raw.trim();
    if (text === undefined) {
      out[variable.key] = undefined;
      continue;
    }
    const parsed = fieldSchema(variable).safeParse(text);
    if (parsed.success) out[variable.key] = parsed.data;
    else
      issues.push({
        path: [variable.env],
        message: `${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(text)})`,
      });
  }
  const dataDir = (out.dataDir as string | undefined) ?? '.tasksgodzilla';
  const defaults: Config = {
    env: 'local',
    dataDir,
    dbUrl: undefined,
    dbPath: `${dataDir}/tasksgodzilla.sqlite`,
    dbPoolSize: 5,
    queueBackend: 'embedded',
    redisUrl: undefined,
    queuePrefix: 'tgz',
    inlineWorker: false,
    workerConcurrency: 2,
    jobMaxAttempts: 3,
    jobTimeoutSeconds: 3600,
    leaseSeconds: 30,
    workerPort: 8020,
    apiToken: undefined,
    webhookToken: undefined,
    apiHost: '127.0.0.1',
    apiPort: 8010,
    apiBase: 'http://127.0.0.1:8010',
    projectToken: undefined,
    maxBodyBytes: 1048576,
    logLevel: 'info',
    logJson: false,
    planningModel: undefined,
    decomposeModel: undefined,
    execModel: undefined,
    qaModel: undefined,
    discoveryModel: undefined,
    skipSimpleDecompose: false,
    defaultEngine: 'codex',
    engineStallTimeoutSeconds: 300,
    engineTimeoutSeconds: 3600,
    codexBin: 'codex',
    claudeBin: 'claude',
    opencodeBin: 'opencode',
    maxTokensPerStep: undefined,
    maxTokensPerProtocol: undefined,
    maxCostUsdPerStep: undefined,
    maxCostUsdPerProtocol: undefined,
    tokenBudgetMode: 'strict',
    specAuditIntervalSeconds: undefined,
    autoQaOnCi: false,
    autoQaAfterExec: false,
    engineResume: true,
    feedbackMaxChars: 6000,
    reactToReviews: false,
    autoPr: 'off',
    projectsRoot: `${dataDir}/projects`,
    worktreesRoot: undefined,
    removeWorktreeOnEnd: true,
    autoClone: true,
    ghSsh: true,
    gitUser: undefined,
    gitEmail: undefined,
    discoveryTimeoutSeconds: 15,
    requireOnboardingClarifications: false,
    singleWorktree: false,
    worktreeBranch: 'tasksgodzilla-worktree',
    runsDir: `${dataDir}/runs`,
    githubToken: undefined,
    githubApiUrl: 'https://api.github.com',
    gitlabToken: undefined,
    gitlabApiUrl: 'https://gitlab.com/api/v4',
  };
  const config: Config = { ...defaults };
  for (const [key, value] of Object.entries(out)) {
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  Object.assign(config, overrides);

  if (config.dbUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.dbUrl)) {
    issues.push({
      path: ['TASKSGODZILLA_DB_URL'],
      message: `TASKSGODZILLA_DB_URL must start with postgres:// or postgresql:// (got ${JSON.stringify(config.dbUrl)})`,
    });
  }
  if (config.queueBackend === 'bullmq' && !config.redisUrl) {
    issues.push({
      path: ['TASKSGODZILLA_REDIS_URL'],
      message: 'TASKSGODZILLA_REDIS_URL is required when TASKSGODZILLA_QUEUE_BACKEND=bullmq',
    });
  }
  if (config.redisUrl !== undefined && !/^rediss?:\/\//.test(config.redisUrl)) {
    issues.push({
      path: ['TASKSGODZILLA_REDIS_URL'],
      message: `TASKSGODZILLA_REDIS_URL must start with redis:// or rediss:// (got ${JSON.stringify(config.redisUrl)})`,
    });
  }
  if (issues.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${issues.map((i) => `  - ${i.message}`).join('\n')}`, {
      details: { issues },
    });
  }
  return Object.freeze(config);
}
