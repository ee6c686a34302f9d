import type { ChildProcess } from 'node:child_process';

export declare const ROOT: string;
export declare const API_MAIN: string;
export declare const CLI_MAIN: string;

/** The git author/committer of everything a suite's children commit. */
export interface GitIdentity {
  name: string;
  email: string;
}

export interface ApiHandle {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  work: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  stop(): Promise<void>;
}

/** An api started by startApi; `stop()` also removes its temp folder. */
export type ApiProcess = ApiHandle;

export interface TgzResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export declare function assertBuilt(files: string[], hint: string): void;
export declare function cleanEnv(work: string, identity: GitIdentity): NodeJS.ProcessEnv;
export declare function createOrigin(work: string, env: NodeJS.ProcessEnv, files: Record<string, string>): string;
export declare function freePort(): Promise<number>;
export declare function killGroup(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
export declare function apiLogTail(api: { logPath: string }, lines?: number): string;
export declare function spawnApi(options: {
  work: string;
  env: NodeJS.ProcessEnv;
  port: number;
  identity: GitIdentity;
  extraEnv?: Record<string, string>;
}): ApiHandle;
export declare function waitForHealth(api: ApiHandle, timeoutMs: number): Promise<Record<string, unknown>>;
export declare function startApi(options: {
  identity: GitIdentity;
  tempPrefix?: string;
  extraEnv?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ApiProcess>;
export declare function tgz(
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string },
): Promise<TgzResult>;
export declare function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T>;
