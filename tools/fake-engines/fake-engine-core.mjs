// Shared body of the fake engine CLIs used by the contract tests of @tasksgodzilla/platform-engines.
// Plays a recorded JSONL fixture on stdout, line by line, and behaves as the env vars below say.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function readStdin() {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on('data', (chunk) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function fixturePath(engine, name) {
  if (isAbsolute(name)) return name;
  const withExt = name.endsWith('.jsonl') ? name : `${name}.jsonl`;
  return join(here, 'fixtures', engine, withExt);
}

/**
 * @param {{ engine: string, name: string, version: string }} fake
 */
export async function runFakeEngine(fake) {
  const env = process.env;
  const argv = process.argv.slice(2);
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${`${fake.name} ${env.FAKE_ENGINE_VERSION ?? fake.version}`.trim()}\n`);
    return 0;
  }
  if (env.FAKE_ENGINE_IGNORE_SIGTERM === '1') process.on('SIGTERM', () => undefined);
  if (env.FAKE_ENGINE_PID_FILE) writeFileSync(env.FAKE_ENGINE_PID_FILE, String(process.pid));
  if (env.FAKE_ENGINE_CHILD_PID_FILE) {
    // A grandchild in the same process group: it must die with the group.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 300000)'], { stdio: 'ignore' });
    child.unref();
    writeFileSync(env.FAKE_ENGINE_CHILD_PID_FILE, String(child.pid));
  }
  if (env.FAKE_ENGINE_ARGV_FILE) {
    const stdin = await readStdin();
    const recordedEnv = Object.fromEntries(
      Object.entries(env).filter(([key]) => key.startsWith('OPENCODE_') || key.startsWith('TGZ_')),
    );
    writeFileSync(
      env.FAKE_ENGINE_ARGV_FILE,
      JSON.stringify({ argv, cwd: process.cwd(), stdin, env: recordedEnv }, null, 2),
    );
  }
  for (const line of (env.FAKE_ENGINE_STDERR ?? '').split('\\n').filter(Boolean)) process.stderr.write(`${line}\n`);

  const name = env.FAKE_ENGINE_FIXTURE;
  const lines = [];
  if (name) {
    const path = fixturePath(fake.engine, name);
    if (!existsSync(path)) {
      process.stderr.write(`fake ${fake.engine}: no fixture ${path}\n`);
      return 97;
    }
    lines.push(
      ...readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
  }
  const delay = Number(env.FAKE_ENGINE_LINE_DELAY_MS ?? 0);
  const hang = env.FAKE_ENGINE_HANG;
  const hangAfter = hang === undefined ? null : hang === 'end' ? lines.length : Number(hang);
  for (const [index, line] of lines.entries()) {
    if (hangAfter !== null && index >= hangAfter) break;
    process.stdout.write(`${line}\n`);
    if (delay > 0) await sleep(delay);
  }
  if (hangAfter !== null) {
    // Silent forever, like an engine stuck mid-conversation.
    setInterval(() => undefined, 60_000);
    await new Promise(() => undefined);
  }
  return Number(env.FAKE_ENGINE_EXIT_CODE ?? 0);
}

/** Runs the fake and exits with its code once stdout is flushed. */
export function main(fake) {
  runFakeEngine(fake).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`fake ${fake.engine} crashed: ${error?.stack ?? error}\n`);
      process.exitCode = 98;
    },
  );
}
