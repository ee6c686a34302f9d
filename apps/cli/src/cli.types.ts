import type { FetchLike, TasksGodzillaClient } from '@tasksgodzilla/client';

/** Where the cli reads and writes; process streams in main.ts, strings in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Needed by the interactive menu only. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** Defaults of the global options, from TASKSGODZILLA_API_BASE / _API_TOKEN / _PROJECT_TOKEN. */
export interface CliDefaults {
  apiBase: string;
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
}

/** The options every command accepts, before or after the subcommand. */
export interface GlobalOptions {
  apiBase: string;
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
}
