import { z } from 'zod';
import { ConfigError, type FieldIssue } from './errors.js';

// The configuration schema: one entry per setting carries its environment variable, default,
// description, parser (zod) and, where a process exposes it, its command-line flag. The Config type,
// loadConfig(), the README table (configReadmeTable) and the api/worker flags are all derived from it.

/** How a variable's text is read. Booleans accept 1/true/yes/on and 0/false/no/off (any case). */
export type ConfigKind = 'string' | 'int' | 'number' | 'bool' | 'enum';

/** The command-line flag of a setting, for the processes that expose it. */
export interface ConfigFlag {
  /** Flag name without dashes: `port` is `--port`; a boolean also gets `--no-<name>`. */
  name: string;
  /** Placeholder of the value in the usage text (`--port <port>`); booleans take no value. */
  placeholder?: string;
  /** Largest whole number the flag accepts (whole-number settings); the smallest is the setting's `min`. */
  max?: number;
}

/** One setting of the schema, without its Config key (the key it is listed under). */
export interface ConfigSetting<T = unknown> {
  /** Environment variable name. */
  env: string;
  /** Other variables read when `env` is absent, in order. */
  aliases?: readonly string[];
  kind: ConfigKind;
  /** Default as text (what the README shows); undefined means unset. `<data dir>/…` is under TASKSGODZILLA_DATA_DIR. */
  default?: string;
  values?: readonly string[];
  min?: number;
  description: string;
  /** True for variables that exist in the original Python TasksGodzilla. */
  original: boolean;
  flag?: ConfigFlag;
  /** Parses the variable's trimmed, non-empty text; its issue messages name the variable. */
  schema: z.ZodType<T>;
  /** The value when the variable is unset, given the data dir. */
  fallback: (dataDir: string) => T;
}

interface SettingMeta {
  env: string;
  aliases?: readonly string[];
  description: string;
  original: boolean;
  flag?: ConfigFlag;
}

const DATA_DIR_PREFIX = '<data dir>/';

/**
 * The setting with its parser built on the first read of `schema`: a process reads only the
 * variables that are set, and building the parsers of all ~90 settings at start was some 190 zod
 * schemas held by every process (issue 12: the worker's idle memory).
 */
function lazySchema<T>(setting: Omit<ConfigSetting<T>, 'schema'>, build: () => z.ZodType<T>): ConfigSetting<T> {
  let schema: z.ZodType<T> | undefined;
  return Object.defineProperty(setting, 'schema', {
    get: () => (schema ??= build()),
    enumerable: true,
  }) as ConfigSetting<T>;
}
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

function wholeNumber(env: string, min: number | undefined): z.ZodType<number> {
  const n = z.coerce.number({ error: `${env} must be a whole number` }).int(`${env} must be a whole number`);
  return min === undefined ? n : n.min(min, `${env} must be at least ${min}`);
}

function anyNumber(env: string, min: number | undefined): z.ZodType<number> {
  const n = z.coerce.number({ error: `${env} must be a number` });
  return min === undefined ? n : n.min(min, `${env} must be at least ${min}`);
}

/** Text; a default under `<data dir>/` follows TASKSGODZILLA_DATA_DIR. */
function text(meta: SettingMeta & { default: string }): ConfigSetting<string> {
  const relative = meta.default.startsWith(DATA_DIR_PREFIX) ? meta.default.slice(DATA_DIR_PREFIX.length) : undefined;
  return lazySchema(
    {
      ...meta,
      kind: 'string',
      fallback: (dataDir) => (relative === undefined ? meta.default : `${dataDir}/${relative}`),
    },
    () => z.string(),
  );
}

function optionalText(meta: SettingMeta): ConfigSetting<string | undefined> {
  return lazySchema({ ...meta, kind: 'string', fallback: () => undefined }, () => z.string());
}

function int(meta: SettingMeta & { default: number; min: number }): ConfigSetting<number> {
  return lazySchema({ ...meta, kind: 'int', default: String(meta.default), fallback: () => meta.default }, () =>
    wholeNumber(meta.env, meta.min),
  );
}

function optionalInt(meta: SettingMeta & { min: number }): ConfigSetting<number | undefined> {
  return lazySchema({ ...meta, kind: 'int', fallback: () => undefined }, () => wholeNumber(meta.env, meta.min));
}

function optionalNumber(meta: SettingMeta & { min: number }): ConfigSetting<number | undefined> {
  return lazySchema({ ...meta, kind: 'number', fallback: () => undefined }, () => anyNumber(meta.env, meta.min));
}

function bool(meta: SettingMeta & { default: boolean }): ConfigSetting<boolean> {
  return lazySchema({ ...meta, kind: 'bool', default: String(meta.default), fallback: () => meta.default }, () =>
    z.string().transform((raw, ctx) => {
      const value = raw.trim().toLowerCase();
      if (TRUE.has(value)) return true;
      if (FALSE.has(value)) return false;
      ctx.addIssue({ code: 'custom', message: `${meta.env} must be one of 1/true/yes/on or 0/false/no/off` });
      return z.NEVER;
    }),
  );
}

/** One of `values`, read case-insensitively. */
function oneOf<const V extends readonly [string, ...string[]]>(
  values: V,
  meta: SettingMeta & { default: V[number] },
): ConfigSetting<V[number]> {
  return lazySchema({ ...meta, kind: 'enum', values, fallback: () => meta.default }, () =>
    z
      .string()
      .transform((raw) => raw.trim().toLowerCase())
      .pipe(z.enum(values, { error: `${meta.env} must be one of ${values.join(', ')}` })),
  );
}

export const QUEUE_BACKENDS = ['embedded', 'bullmq'] as const;
export type QueueBackend = (typeof QUEUE_BACKENDS)[number];
export const BUDGET_MODES = ['strict', 'warn', 'off'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];
export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVEL_NAMES)[number];
export type LogFormat = 'json' | 'pretty';
/** When the orchestrator opens the run's pull request by itself: never, as a draft after planning, or ready for review. */
export const AUTO_PR_MODES = ['off', 'draft', 'ready'] as const;
export type AutoPrMode = (typeof AUTO_PR_MODES)[number];

/** Every setting TasksGodzilla reads, keyed by its Config key, in README order. */
export const CONFIG_SCHEMA = {
  env: text({
    env: 'TASKSGODZILLA_ENV',
    default: 'local',
    original: true,
    description: 'Environment name, logged at start.',
  }),
  dataDir: text({
    env: 'TASKSGODZILLA_DATA_DIR',
    default: '.tasksgodzilla',
    original: false,
    description: 'Folder for the embedded database, run logs and worktrees unless set otherwise.',
  }),
  dbUrl: optionalText({
    env: 'TASKSGODZILLA_DB_URL',
    original: true,
    description:
      'PostgreSQL URL (`postgres://` or `postgresql://`); when unset the embedded SQLite file is used. Any other scheme is an error.',
  }),
  dbPath: text({
    env: 'TASKSGODZILLA_DB_PATH',
    default: '<data dir>/tasksgodzilla.sqlite',
    flag: { name: 'db-path', placeholder: 'file' },
    original: true,
    description: 'SQLite database file.',
  }),
  dbPoolSize: int({
    env: 'TASKSGODZILLA_DB_POOL_SIZE',
    default: 5,
    min: 1,
    original: true,
    description: 'PostgreSQL pool size.',
  }),
  queueBackend: oneOf(QUEUE_BACKENDS, {
    env: 'TASKSGODZILLA_QUEUE_BACKEND',
    default: 'embedded',
    original: false,
    description: 'Job queue: `embedded` (jobs in the database) or `bullmq` (Redis, needs TASKSGODZILLA_REDIS_URL).',
  }),
  redisUrl: optionalText({
    env: 'TASKSGODZILLA_REDIS_URL',
    original: true,
    description: 'Redis URL for the bullmq queue backend.',
  }),
  queuePrefix: text({
    env: 'TASKSGODZILLA_QUEUE_PREFIX',
    default: 'tgz',
    original: false,
    description: 'Key prefix of the BullMQ queues in Redis.',
  }),
  inlineWorker: bool({
    env: 'TASKSGODZILLA_INLINE_RQ_WORKER',
    default: false,
    flag: { name: 'inline-worker' },
    original: true,
    description: 'Run a worker inside the api process (embedded single-process mode).',
  }),
  workerConcurrency: int({
    env: 'TASKSGODZILLA_WORKER_CONCURRENCY',
    default: 2,
    min: 1,
    flag: { name: 'concurrency', placeholder: 'n', max: 1000 },
    original: false,
    description: 'Jobs a worker runs at once.',
  }),
  jobMaxAttempts: int({
    env: 'TASKSGODZILLA_JOB_MAX_ATTEMPTS',
    default: 3,
    min: 1,
    original: false,
    description: 'Attempts before a job is dead-lettered (retryable errors only).',
  }),
  jobTimeoutSeconds: int({
    env: 'TASKSGODZILLA_JOB_TIMEOUT_SECONDS',
    default: 3600,
    min: 1,
    original: false,
    description: 'Wall-clock limit of one job attempt.',
  }),
  leaseSeconds: int({
    env: 'TASKSGODZILLA_LEASE_SECONDS',
    default: 30,
    min: 1,
    original: false,
    description: 'Lease of a claimed job; renewed by heartbeats, reclaimed when it expires.',
  }),
  workerPort: int({
    env: 'TASKSGODZILLA_WORKER_PORT',
    default: 8020,
    min: 0,
    flag: { name: 'port', placeholder: 'port', max: 65_535 },
    original: false,
    description: 'Port of the worker health and metrics server (0 picks a free port).',
  }),
  apiToken: optionalText({
    env: 'TASKSGODZILLA_API_TOKEN',
    original: true,
    description: 'When set, protected api routes require `Authorization: Bearer <token>`.',
  }),
  webhookToken: optionalText({
    env: 'TASKSGODZILLA_WEBHOOK_TOKEN',
    original: true,
    description: 'Webhook secret: GitHub HMAC-SHA256 (`X-Hub-Signature-256`), GitLab `X-Gitlab-Token`.',
  }),
  apiHost: text({
    env: 'TASKSGODZILLA_API_HOST',
    default: '127.0.0.1',
    flag: { name: 'host', placeholder: 'address' },
    original: true,
    description: 'Address the api listens on.',
  }),
  apiPort: int({
    env: 'TASKSGODZILLA_API_PORT',
    default: 8010,
    min: 0,
    flag: { name: 'port', placeholder: 'port', max: 65_535 },
    original: true,
    description: 'Port the api listens on.',
  }),
  apiBase: text({
    env: 'TASKSGODZILLA_API_BASE',
    default: 'http://127.0.0.1:8010',
    original: true,
    description: 'Base URL the cli and TUI call (same port as the api default).',
  }),
  projectToken: optionalText({
    env: 'TASKSGODZILLA_PROJECT_TOKEN',
    original: true,
    description: 'Sent by the cli and TUI as `X-Project-Token`.',
  }),
  maxBodyBytes: int({
    env: 'TASKSGODZILLA_MAX_BODY_BYTES',
    default: 1048576,
    min: 1024,
    original: false,
    description: 'Largest request body the api accepts.',
  }),
  logLevel: oneOf(LOG_LEVEL_NAMES, {
    env: 'TASKSGODZILLA_LOG_LEVEL',
    default: 'info',
    flag: { name: 'log-level', placeholder: 'level' },
    original: true,
    description: 'Log level.',
  }),
  logJson: bool({
    env: 'TASKSGODZILLA_LOG_JSON',
    default: false,
    original: true,
    description: 'One JSON object per log line instead of readable text.',
  }),
  planningModel: optionalText({
    env: 'PROTOCOL_PLANNING_MODEL',
    original: true,
    description: 'Default planning model (project `default_models.planning` wins).',
  }),
  decomposeModel: optionalText({
    env: 'PROTOCOL_DECOMPOSE_MODEL',
    original: true,
    description: 'Default decomposition model.',
  }),
  execModel: optionalText({ env: 'PROTOCOL_EXEC_MODEL', original: true, description: 'Default execution model.' }),
  qaModel: optionalText({ env: 'PROTOCOL_QA_MODEL', original: true, description: 'Default QA model.' }),
  discoveryModel: optionalText({
    env: 'PROTOCOL_DISCOVERY_MODEL',
    original: true,
    description: 'Onboarding discovery model (unset: the engine CLI chooses).',
  }),
  skipSimpleDecompose: bool({
    env: 'PROTOCOL_SKIP_SIMPLE_DECOMPOSE',
    default: false,
    original: true,
    description: 'Skip decomposition of simple step files.',
  }),
  defaultEngine: text({
    env: 'TASKSGODZILLA_DEFAULT_ENGINE',
    default: 'codex',
    original: false,
    description:
      'Engine used when neither the step nor the project names one (`codex`, `claude-code`, `opencode`, `shell`).',
  }),
  engineStallTimeoutSeconds: int({
    env: 'TASKSGODZILLA_ENGINE_STALL_TIMEOUT_SECONDS',
    default: 300,
    min: 1,
    original: false,
    description: 'An engine silent this long is killed (`stalled`).',
  }),
  engineTimeoutSeconds: int({
    env: 'TASKSGODZILLA_ENGINE_TIMEOUT_SECONDS',
    default: 3600,
    min: 1,
    original: false,
    description: 'Wall-clock limit of one engine run (`timeout`).',
  }),
  codexBin: text({
    env: 'TASKSGODZILLA_CODEX_BIN',
    default: 'codex',
    original: false,
    description: 'Codex CLI executable.',
  }),
  claudeBin: text({
    env: 'TASKSGODZILLA_CLAUDE_BIN',
    default: 'claude',
    original: false,
    description: 'Claude Code executable.',
  }),
  opencodeBin: text({
    env: 'TASKSGODZILLA_OPENCODE_BIN',
    default: 'opencode',
    original: false,
    description: 'opencode executable.',
  }),
  maxTokensPerStep: optionalInt({
    env: 'TASKSGODZILLA_MAX_TOKENS_PER_STEP',
    min: 1,
    original: true,
    description: 'Token budget of one step (cumulative over its runs).',
  }),
  maxTokensPerProtocol: optionalInt({
    env: 'TASKSGODZILLA_MAX_TOKENS_PER_PROTOCOL',
    min: 1,
    original: true,
    description: 'Token budget of one protocol run.',
  }),
  maxCostUsdPerStep: optionalNumber({
    env: 'TASKSGODZILLA_MAX_COST_USD_PER_STEP',
    min: 0,
    original: false,
    description: 'USD budget of one step.',
  }),
  maxCostUsdPerProtocol: optionalNumber({
    env: 'TASKSGODZILLA_MAX_COST_USD_PER_PROTOCOL',
    min: 0,
    original: false,
    description: 'USD budget of one protocol run.',
  }),
  tokenBudgetMode: oneOf(BUDGET_MODES, {
    env: 'TASKSGODZILLA_TOKEN_BUDGET_MODE',
    default: 'strict',
    original: true,
    description: '`strict` stops the step, `warn` logs and goes on, `off` skips budget checks.',
  }),
  specAuditIntervalSeconds: optionalInt({
    env: 'TASKSGODZILLA_SPEC_AUDIT_INTERVAL_SECONDS',
    min: 30,
    original: true,
    description: 'Enables the periodic spec audit (at least 30).',
  }),
  autoQaOnCi: bool({
    env: 'TASKSGODZILLA_AUTO_QA_ON_CI',
    default: false,
    original: true,
    description: 'On a CI-success webhook, run QA instead of completing the step.',
  }),
  autoQaAfterExec: bool({
    env: 'TASKSGODZILLA_AUTO_QA_AFTER_EXEC',
    default: false,
    original: true,
    description: 'Run QA right after execution in the same job.',
  }),
  engineResume: bool({
    env: 'TASKSGODZILLA_ENGINE_RESUME',
    default: true,
    original: false,
    description:
      "A re-execution of a step continues the agent's previous session (engines that can resume) with only the feedback as the new message.",
  }),
  feedbackMaxChars: int({
    env: 'TASKSGODZILLA_FEEDBACK_MAX_CHARS',
    default: 6000,
    min: 500,
    original: false,
    description: 'Largest "what went wrong last time" section of a re-execution prompt (each output is a tail).',
  }),
  reactToReviews: bool({
    env: 'TASKSGODZILLA_REACT_TO_REVIEWS',
    default: false,
    original: false,
    description:
      "A PR/MR review comment starts a new attempt of the run's latest step (a run's `template_config.react_to_reviews` wins).",
  }),
  autoPr: oneOf(AUTO_PR_MODES, {
    env: 'TASKSGODZILLA_AUTO_PR',
    default: 'off',
    original: false,
    description:
      "Open the run's PR/MR by itself after planning and keep it updated (a run's `template_config.auto_pr` wins).",
  }),
  projectsRoot: text({
    env: 'TASKSGODZILLA_PROJECTS_ROOT',
    default: '<data dir>/projects',
    original: true,
    description: 'Root of auto-cloned repositories: `<root>/<project_id>/<repo_name>`.',
  }),
  worktreesRoot: optionalText({
    env: 'TASKSGODZILLA_WORKTREES_ROOT',
    original: false,
    description: 'Root of protocol worktrees; default `<repo parent>/worktrees`.',
  }),
  removeWorktreeOnEnd: bool({
    env: 'TASKSGODZILLA_REMOVE_WORKTREE_ON_END',
    default: true,
    original: false,
    description: 'Remove a protocol worktree when its run ends (the branch stays).',
  }),
  autoClone: bool({
    env: 'TASKSGODZILLA_AUTO_CLONE',
    default: true,
    original: true,
    description: 'Clone missing repositories automatically.',
  }),
  ghSsh: bool({
    env: 'TASKSGODZILLA_GH_SSH',
    default: true,
    original: true,
    description: 'Prefer an SSH origin for GitHub.',
  }),
  gitUser: optionalText({
    env: 'TASKSGODZILLA_GIT_USER',
    original: true,
    description: 'git user.name set during onboarding.',
  }),
  gitEmail: optionalText({
    env: 'TASKSGODZILLA_GIT_EMAIL',
    original: true,
    description: 'git user.email set during onboarding.',
  }),
  discoveryTimeoutSeconds: int({
    env: 'TASKSGODZILLA_DISCOVERY_TIMEOUT',
    default: 15,
    min: 1,
    original: true,
    description: 'Onboarding discovery timeout in seconds.',
  }),
  requireOnboardingClarifications: bool({
    env: 'TASKSGODZILLA_REQUIRE_ONBOARDING_CLARIFICATIONS',
    default: false,
    original: true,
    description: 'Onboarding ends `blocked` until clarifications are answered.',
  }),
  singleWorktree: bool({
    env: 'TASKSGODZILLA_SINGLE_WORKTREE',
    default: false,
    original: true,
    description: 'All protocols share one worktree and branch (the original default; off here so webhooks match runs).',
  }),
  worktreeBranch: text({
    env: 'TASKSGODZILLA_WORKTREE_BRANCH',
    default: 'tasksgodzilla-worktree',
    original: true,
    description: 'Branch of the shared worktree when TASKSGODZILLA_SINGLE_WORKTREE is on.',
  }),
  runsDir: text({
    env: 'CODEX_RUNS_DIR',
    default: '<data dir>/runs',
    original: true,
    description: 'Root of the per-run log folders.',
  }),
  githubToken: optionalText({
    env: 'GITHUB_TOKEN',
    aliases: ['GH_TOKEN'],
    original: true,
    description: 'Token for the GitHub REST fallback that opens PRs (`GH_TOKEN` also read).',
  }),
  githubApiUrl: text({
    env: 'TASKSGODZILLA_GITHUB_API_URL',
    default: 'https://api.github.com',
    original: false,
    description: 'GitHub REST base URL.',
  }),
  gitlabToken: optionalText({
    env: 'GITLAB_TOKEN',
    original: false,
    description: 'Token for the GitLab REST fallback that opens MRs.',
  }),
  gitlabApiUrl: text({
    env: 'TASKSGODZILLA_GITLAB_API_URL',
    default: 'https://gitlab.com/api/v4',
    original: false,
    description: 'GitLab REST base URL.',
  }),
  notifyMaxAttempts: int({
    env: 'TASKSGODZILLA_NOTIFY_MAX_ATTEMPTS',
    default: 5,
    min: 1,
    original: false,
    description: 'HTTP attempts of one outgoing webhook delivery before it is marked failed.',
  }),
  notifyBackoffMs: int({
    env: 'TASKSGODZILLA_NOTIFY_BACKOFF_MS',
    default: 5000,
    min: 0,
    original: false,
    description:
      'Base of the exponential backoff (with full jitter, capped at 1 hour) between webhook delivery attempts.',
  }),
  notifyTimeoutMs: int({
    env: 'TASKSGODZILLA_NOTIFY_TIMEOUT_MS',
    default: 10_000,
    min: 1,
    original: false,
    description: 'Time limit of one outgoing webhook HTTP call (connect, send and read the answer).',
  }),
  notifyPollMs: int({
    env: 'TASKSGODZILLA_NOTIFY_POLL_MS',
    default: 1000,
    min: 10,
    original: false,
    description: 'How often the notification relay reads new events from the event log.',
  }),
} as const satisfies Record<string, ConfigSetting<unknown>>;

type Settings = typeof CONFIG_SCHEMA;

/** The parsed configuration: one field per setting of CONFIG_SCHEMA. */
export type Config = { -readonly [K in keyof Settings]: Settings[K] extends ConfigSetting<infer T> ? T : never };

/** A setting with the Config key it is listed under. */
export interface ConfigVariable extends ConfigSetting<unknown> {
  /** Key in the parsed Config object. */
  key: keyof Config;
}

/** Every variable TasksGodzilla reads, in README order. The README's table is checked against this list. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.entries(CONFIG_SCHEMA).map(
  // The setting's own property descriptors: its lazy `schema` getter is copied, not called (a spread would build it).
  ([key, setting]): ConfigVariable =>
    Object.defineProperties({ key: key as keyof Config }, Object.getOwnPropertyDescriptors(setting)) as ConfigVariable,
);

/** The setting listed under a Config key. */
export function configVariable(key: keyof Config): ConfigVariable {
  const variable = CONFIG_VARIABLES.find((v) => v.key === key);
  if (variable === undefined) throw new ConfigError(`No configuration setting ${String(key)}`);
  return variable;
}

/** The README's configuration table (markdown, one row per variable), generated from the schema. */
export function configReadmeTable(): string {
  const rows = CONFIG_VARIABLES.map((v) => {
    const shown = v.default === undefined ? 'unset' : `\`${v.default}\``;
    const values = v.values ? ` One of: ${v.values.map((x) => `\`${x}\``).join(', ')}.` : '';
    const origin = v.original ? '' : ' *(new)*';
    return `| \`${v.env}\` | ${shown} | ${v.description.replace(/\|/g, '\\|')}${values}${origin} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export type EnvSource = Record<string, string | undefined>;

/** The variable's text: the first of its names that is present, trimmed; undefined when absent or blank. */
function readText(env: EnvSource, variable: ConfigVariable): string | undefined {
  const raw = [variable.env, ...(variable.aliases ?? [])].map((name) => env[name]).find((v) => v !== undefined);
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/**
 * Parses the environment once into a frozen Config. Every problem is reported at once in one
 * ConfigError whose message lists each variable and what is wrong with it.
 */
export function loadConfig(env: EnvSource = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const issues: FieldIssue[] = [];
  const parsed: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES) {
    const text = readText(env, variable);
    if (text === undefined) continue;
    const result = variable.schema.safeParse(text);
    if (result.success) parsed[variable.key] = result.data;
    else
      issues.push({
        path: [variable.env],
        message: `${result.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(text)})`,
      });
  }
  const dataDir = (parsed.dataDir as string | undefined) ?? CONFIG_SCHEMA.dataDir.fallback('');
  const values: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES) values[variable.key] = parsed[variable.key] ?? variable.fallback(dataDir);
  const config = { ...values, ...overrides } as Config;

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

/** Joins path segments with `/` (core stays free of node modules: the client and the console import it). */
const joinPath = (...parts: string[]): string => parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p)).join('/');

/**
 * Where the cli's local mode keeps its data (database, run logs, worktrees, clones):
 * `$XDG_DATA_HOME/tasksgodzilla` (an absolute XDG_DATA_HOME only, as the XDG spec says), else
 * `$HOME/.local/share/tasksgodzilla`. A ConfigError when neither is set.
 */
export function defaultLocalDataDir(env: EnvSource = process.env): string {
  const xdg = env['XDG_DATA_HOME']?.trim();
  if (xdg && xdg.startsWith('/')) return joinPath(xdg, 'tasksgodzilla');
  const home = env['HOME']?.trim();
  if (home) return joinPath(home, '.local', 'share', 'tasksgodzilla');
  throw new ConfigError('No data folder for local mode: set XDG_DATA_HOME or HOME, or pass --data-dir', {
    details: { issues: [{ path: ['HOME'], message: 'HOME is not set' }] },
  });
}

export interface LocalConfigOptions {
  /** `--data-dir` (absolute); else TASKSGODZILLA_DATA_DIR; else defaultLocalDataDir. */
  dataDir?: string;
  /** Bearer token of the in-process api (random per process). */
  apiToken: string;
  logLevel?: LogLevel;
}

/**
 * The configuration of the cli's in-process runtime (local mode): the environment as loadConfig reads
 * it, with the data folder of `options`, worktrees under `<data dir>/worktrees` unless
 * TASKSGODZILLA_WORKTREES_ROOT says otherwise (never next to the user's repository), always SQLite and
 * the embedded queue, an inline worker, and an api on 127.0.0.1 with a free port and `options.apiToken`.
 */
export function loadLocalConfig(env: EnvSource, options: LocalConfigOptions): Readonly<Config> {
  const dataDir = options.dataDir ?? readText(env, configVariable('dataDir')) ?? defaultLocalDataDir(env);
  const worktrees = readText(env, configVariable('worktreesRoot')) ?? joinPath(dataDir, 'worktrees');
  return loadConfig(
    {
      ...env,
      TASKSGODZILLA_DATA_DIR: dataDir,
      TASKSGODZILLA_WORKTREES_ROOT: worktrees,
      // Local mode is SQLite with the embedded queue, whatever a server's variables say.
      TASKSGODZILLA_DB_URL: undefined,
      TASKSGODZILLA_REDIS_URL: undefined,
      TASKSGODZILLA_QUEUE_BACKEND: 'embedded',
    },
    {
      apiHost: '127.0.0.1',
      apiPort: 0,
      apiToken: options.apiToken,
      inlineWorker: true,
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    },
  );
}
