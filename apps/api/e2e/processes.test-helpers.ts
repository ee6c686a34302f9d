import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

// Child processes of the built apps (`node apps/*/dist/main.js`), started on free ports and
// driven over HTTP only.

export const API_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const WORKER_MAIN = fileURLToPath(new URL('../../worker/dist/bin.cjs', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  url: string;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** The parent's environment without TasksGodzilla variables or test-runner options, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      key.startsWith('TASKSGODZILLA_') ||
      key === 'NODE_OPTIONS' ||
      key === 'CODEX_RUNS_DIR' ||
      key.startsWith('PROTOCOL_')
    )
      continue;
    base[key] = value;
  }
  return { ...base, ...env };
}

async function waitUntilHealthy(app: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null)
      throw new Error(`${app.name} exited with ${app.child.exitCode} before it was healthy:\n${app.output()}`);
    try {
      const response = await fetch(`${app.url}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${app.name} was not healthy after ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `node <main> <args>` and waits for its `/health` to answer 200 on `port`. */
export async function startApp(
  name: string,
  main: string,
  port: number,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<AppProcess> {
  const child = spawn(process.execPath, [main, ...args], {
    cwd,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: AppProcess = {
    name,
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await waitUntilHealthy(app, 60_000);
  } catch (error) {
    await app.stop(2000);
    throw error;
  }
  return app;
}

/**
 * Deletes the Redis keys under `prefix` (one EVAL over a plain socket: the apps may not import a
 * Redis driver, and this is the only Redis command the suite needs).
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const url = new URL(redisUrl);
  const script =
    "local n = 0 local c = '0' repeat local r = redis.call('SCAN', c, 'MATCH', ARGV[1], 'COUNT', 1000) c = r[1] for _, k in ipairs(r[2]) do redis.call('DEL', k) n = n + 1 end until c == '0' return n";
  const commands: string[][] = [];
  if (url.password)
    commands.push(
      url.username
        ? ['AUTH', decodeURIComponent(url.username), decodeURIComponent(url.password)]
        : ['AUTH', decodeURIComponent(url.password)],
    );
  const db = url.pathname.replace('/', '');
  if (db) commands.push(['SELECT', db]);
  commands.push(['EVAL', script, '0', `${prefix}*`]);
  const encode = (args: string[]) =>
    `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffer = '';
    let replies = 0;
    socket.setTimeout(10_000, () => socket.destroy(new Error('redis timed out')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line.startsWith('-')) {
          socket.destroy();
          return reject(new Error(`redis: ${line.slice(1)}`));
        }
        replies += 1;
        if (replies === commands.length) {
          socket.end();
          return resolve(Number(line.slice(1)));
        }
      }
    });
    socket.connect(Number(url.port || 6379), url.hostname || '127.0.0.1', () =>
      socket.write(commands.map(encode).join('')),
    );
  });
}
