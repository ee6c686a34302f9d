// Drives the BUILT apps as a user would: `node apps/api/dist/main.js` and `node apps/cli/dist/main.js`.
// Plain JavaScript so that the TypeScript e2e suites and the plain-node demo share one copy.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
export const CLI_MAIN = join(ROOT, 'apps', 'cli', 'dist', 'main.js');

/** Throws `<file> is missing: <hint>` for the first build output that does not exist. */
export function assertBuilt(files, hint) {
  for (const file of files) {
    if (!existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
  }
}

/** The caller's environment without TASKSGODZILLA_* / GIT_* / NX_* / NODE_OPTIONS, with a git identity of our own. */
export function cleanEnv(work, identity) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !key.startsWith('TASKSGODZILLA_') &&
      !key.startsWith('GIT_') &&
      !key.startsWith('NX_') &&
      key !== 'NODE_OPTIONS'
    )
      env[key] = value;
  }
  // The caller's git config (signing, hooks, templates) must not change what the children do.
  const gitconfig = join(work, 'gitconfig');
  if (!existsSync(gitconfig))
    writeFileSync(
      gitconfig,
      `[user]\n\tname = ${identity.name}\n\temail = ${identity.email}\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n`,
    );
  return {
    ...env,
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function git(cwd, args, env) {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${result.stderr || result.stdout}`);
}

/** `<work>/origin.git`: a bare repository whose main has one commit of `files` (seeded in `<work>/seed`). */
export function createOrigin(work, env, files) {
  const seed = join(work, 'seed');
  const origin = join(work, 'origin.git');
  mkdirSync(seed);
  git(work, ['init', '--bare', '-b', 'main', origin], env);
  git(seed, ['init', '-b', 'main'], env);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(seed, name), content);
  git(seed, ['add', '-A'], env);
  git(seed, ['commit', '-m', 'Initial commit'], env);
  git(seed, ['remote', 'add', 'origin', origin], env);
  git(seed, ['push', '-u', 'origin', 'main'], env);
  return origin;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function exitedWithin(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/** Stops a detached child's whole process group: `signal` (SIGTERM), then SIGKILL after 15 s. */
export async function killGroup(child, signal = 'SIGTERM') {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  if (await exitedWithin(child, 15_000)) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone already
  }
  await exitedWithin(child, 5000);
}

/** The last lines of the api log, for failure messages. */
export function apiLogTail(api, lines = 60) {
  try {
    return readFileSync(api.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no api log)';
  }
}

/**
 * Spawns the built api in its own process group (inline worker, SQLite under `<work>/data`, shell
 * engine), its output in `<work>/api.log`. `stop()` stops the process group and leaves `work` alone.
 */
export function spawnApi({ work, env, port, identity, extraEnv = {} }) {
  const logPath = join(work, 'api.log');
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [API_MAIN, '--host', '127.0.0.1', '--port', String(port)], {
    cwd: work,
    env: {
      ...env,
      TASKSGODZILLA_DATA_DIR: join(work, 'data'),
      TASKSGODZILLA_INLINE_RQ_WORKER: 'true',
      TASKSGODZILLA_DEFAULT_ENGINE: 'shell',
      TASKSGODZILLA_GIT_USER: identity.name,
      TASKSGODZILLA_GIT_EMAIL: identity.email,
      TASKSGODZILLA_LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  return { child, base: `http://127.0.0.1:${port}`, work, env, logPath, stop: () => killGroup(child) };
}

/** Polls `/health` until it answers `{ status: 'ok' }`; throws with the last log lines if the api exits or `timeoutMs` passes. */
export async function waitForHealth(api, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = api.child;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(
        `the api exited during start-up (code ${exitCode ?? signalCode}). Last log lines:\n${apiLogTail(api, 30)}`,
      );
    }
    try {
      const response = await fetch(`${api.base}/health`, { signal: AbortSignal.timeout(2000) });
      const body = await response.json().catch(() => ({}));
      if (response.ok && body.status === 'ok') return body;
      last = `HTTP ${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the api did not become healthy within ${Math.round(timeoutMs / 1000)} s (${last}). Last log lines:\n${apiLogTail(api, 30)}`,
  );
}

/**
 * The built api (see spawnApi) on a free port in a fresh temp folder, healthy. `stop()` stops it and
 * removes the folder.
 */
export async function startApi({ identity, tempPrefix = 'tgz-e2e-', extraEnv = {}, timeoutMs = 120_000 }) {
  const work = mkdtempSync(join(tmpdir(), tempPrefix));
  const env = cleanEnv(work, identity);
  const api = spawnApi({ work, env, port: await freePort(), identity, extraEnv });
  const stop = async () => {
    await api.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitForHealth(api, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...api, stop };
}

/** Runs `node apps/cli/dist/main.js <args>` to completion; SIGKILLs it and rejects after `timeoutMs`. */
export function tgz(args, options = {}) {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`tgz ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
