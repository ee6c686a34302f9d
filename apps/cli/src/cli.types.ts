import type { FetchLike, TasksGodzillaClient } from '@tasksgodzilla/client';
import type { QaGateInput, QaGateResult, TriggerCiInput, TriggerCiResult } from '@tasksgodzilla/runtime';

/** Where the cli reads and writes; process streams in main.ts, strings in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Needed by the interactive menu only. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Defaults of the global options, from TASKSGODZILLA_API_BASE / _API_TOKEN / _PROJECT_TOKEN. */
export interface CliDefaults {
  /** Undefined when no api is configured: commands then run on the in-process local runtime. */
  apiBase: string | undefined;
  token: string | undefined;
  projectToken: string | undefined;
}

export interface CliDeps {
  io: CliIo;
  defaults: CliDefaults;
  /** Replaces globalThis.fetch (tests). */
  fetch?: FetchLike;
  /**
   * Registers a handler for Ctrl-C / SIGTERM and returns a function that removes it. Long-running
   * commands (watch, wait) use it to stop cleanly; main.ts wires it to process signals.
   */
  onInterrupt?: (handler: () => void) => () => void;
  /** Milliseconds clock (tests may fake it). */
  now?: () => number;
  /**
   * Starts the local mode (main.ts: the runtime, the api on 127.0.0.1 and an inline worker, in this
   * process). Used when no api is configured, and by `tgz qa`. Without it, no api means an error.
   */
  startLocal?: (options: LocalStartOptions) => Promise<LocalServer>;
  /** The working directory (`tgz init`, `plan`, `qa` act on the repository there); default process.cwd(). */
  cwd?: () => string;
  /**
   * `tgz ci trigger`: runs the forge CLI (runtime `triggerCi`, main.ts gives it the process
   * environment). Without it, the command is an error.
   */
  triggerCi?: (input: CiTriggerRequest) => Promise<TriggerCiResult>;
  /** `tgz init --init-if-needed`: `git init -b <baseBranch>` in `path` (runtime `initRepository`). */
  initRepository?: (input: { path: string; baseBranch: string }) => Promise<void>;
}

/** What `tgz ci trigger` asks for: the runtime's input without the environment (main.ts adds it). */
export type CiTriggerRequest = Omit<TriggerCiInput, 'env'>;

export interface LocalStartOptions {
  /** `--data-dir`, absolute. */
  dataDir?: string;
  verbose: boolean;
}

/** The in-process runtime and api of the local mode. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The random bearer token of this process's api. */
  token: string;
  /** Where the database, run logs and worktrees live. */
  dataDir: string;
  /** The QA gate on a checkout (runtime `runQaGate`). */
  qaGate(input: QaGateInput): Promise<QaGateResult>;
  /** Stops the api, drains the inline worker and closes the database. Idempotent. */
  close(): Promise<void>;
}

/** The options every command accepts, before or after the subcommand. */
export interface GlobalOptions {
  /** The api in use: the configured one, or the local mode's (empty until it is started). */
  apiBase: string;
  /** No api configured: the command runs on the in-process local runtime. */
  local: boolean;
  /** `--data-dir` (local mode), absolute. */
  dataDir: string | undefined;
  token: string | undefined;
  projectToken: string | undefined;
  json: boolean;
  verbose: boolean;
}

/** What a command action gets: the client, the output mode and printers. */
export interface CommandContext {
  readonly client: TasksGodzillaClient;
  readonly globals: GlobalOptions;
  readonly json: boolean;
  /** One line (or several) of human output on stdout. */
  print(text: string): void;
  /** Machine output on stdout: indented JSON. */
  printJson(value: unknown): void;
  /** One compact JSON line on stdout (streams). */
  printJsonLine(value: unknown): void;
  /** Progress and diagnostics on stderr (only with --verbose unless `always`). */
  note(text: string, always?: boolean): void;
  /** An AbortSignal that fires on Ctrl-C / SIGTERM; call the returned dispose when done. */
  interruptSignal(): { signal: AbortSignal; dispose(): void };
  now(): number;
  /** The working directory. */
  cwd(): string;
  /** The local mode (started on first use when the command has an api of its own: `tgz qa`). */
  local(): Promise<LocalServer>;
  /** Triggers CI for a branch with gh/glab (`tgz ci trigger`). */
  triggerCi(input: CiTriggerRequest): Promise<TriggerCiResult>;
  /** Makes a folder a git repository on a base branch (`tgz init --init-if-needed`). */
  initRepository(input: { path: string; baseBranch: string }): Promise<void>;
}
