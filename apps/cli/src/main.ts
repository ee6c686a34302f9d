import { loadConfig } from '@tasksgodzilla/core';
import { runCli } from './cli.js';
import { EXIT_USAGE, formatError } from './cli.errors.js';
import type { CiTriggerRequest, CliDefaults, LocalServer, LocalStartOptions } from './cli.types.js';

// The tgz binary: the only place that reads the environment and touches the process.

function readDefaults(): CliDefaults {
  // Only the client's three variables: an unrelated bad server variable must not break the cli.
  const env = {
    TASKSGODZILLA_API_BASE: process.env['TASKSGODZILLA_API_BASE'],
    TASKSGODZILLA_API_TOKEN: process.env['TASKSGODZILLA_API_TOKEN'],
    TASKSGODZILLA_PROJECT_TOKEN: process.env['TASKSGODZILLA_PROJECT_TOKEN'],
  };
  const config = loadConfig(env);
  // No TASKSGODZILLA_API_BASE (and no --api-base): local mode, not the schema's default URL.
  const configured = (env.TASKSGODZILLA_API_BASE ?? '').trim() !== '';
  return {
    apiBase: configured ? config.apiBase : undefined,
    token: config.apiToken,
    projectToken: config.projectToken,
  };
}

/** The local mode, loaded on demand; it reads the whole environment (server settings) only then. */
async function startLocal(options: LocalStartOptions): Promise<LocalServer> {
  const { startLocalMode } = await import('./local-mode.js');
  return startLocalMode(process.env, options);
}

/** `tgz ci trigger`: gh/glab run with this process's environment (their login, PATH). */
async function triggerCi(input: CiTriggerRequest) {
  const { triggerCi: trigger } = await import('@tasksgodzilla/runtime');
  return trigger({ ...input, env: process.env });
}

/** `tgz init --init-if-needed`: git init with this process's environment. */
async function initRepository(input: { path: string; baseBranch: string }): Promise<void> {
  const { initRepository: init } = await import('@tasksgodzilla/runtime');
  return init({ ...input, env: process.env });
}

function onInterrupt(handler: () => void): () => void {
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function main(): Promise<void> {
  // `tgz … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let defaults: CliDefaults;
  try {
    defaults = readDefaults();
  } catch (error) {
    process.stderr.write(`${formatError(error, false)}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  process.exitCode = await runCli(process.argv.slice(2), {
    io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
    defaults,
    onInterrupt,
    startLocal,
    triggerCi,
    initRepository,
  });
}

void main();
