import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCodexEngine } from './adapters/codex.engine.js';
import { createShellEngine } from './shell/shell.engine.js';
import { useTempDir } from './testing/fake-engines.test-helpers.js';

const CANARIES = {
  TASKSGODZILLA_API_TOKEN: 'canary-api-token-1',
  TASKSGODZILLA_WEBHOOK_TOKEN: 'canary-webhook-token-2',
  GITHUB_TOKEN: 'canary-github-token-3',
  DATABASE_URL: 'postgres://u:canary-db-pass-4@127.0.0.1/db',
  ANTHROPIC_API_KEY: 'canary-other-engine-key-5',
};

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('engine child processes get the allow-listed environment only', () => {
  const tmp = useTempDir('tgz-engine-env-');
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [key, value] of Object.entries({
      ...CANARIES,
      OPENAI_API_KEY: 'sk-codex-own',
      NPM_TOKEN: 'npm-opted-in',
    })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('shell: a block that runs env sees PATH, HOME and the opted-in names, never a protected token', async () => {
    const step = join(tmp.path, '01-env.md');
    writeFileSync(step, '# 01 - env\n\n```sh\nenv > env.txt\n```\n');
    const started: number[] = [];
    const result = await createShellEngine().execute({
      prompt: '',
      workingDir: tmp.path,
      stepFile: step,
      passEnv: ['NPM_TOKEN'],
      onProcessStart: (pid) => started.push(pid),
    });
    expect(result.outcome).toBe('succeeded');
    const env = parseEnv(readFileSync(join(tmp.path, 'env.txt'), 'utf8'));
    expect(env).toMatchObject({ PATH: process.env.PATH, NPM_TOKEN: 'npm-opted-in', TGZ_STEP_FILE: step });
    for (const canary of Object.values(CANARIES)) expect(JSON.stringify(env)).not.toContain(canary);
    expect(env).not.toHaveProperty('OPENAI_API_KEY');
    expect(started).toHaveLength(1);
  });

  it('a CLI engine gets its own credential and not another engine’s; the run log is redacted', async () => {
    const binary = join(tmp.path, 'codex-env.sh');
    writeFileSync(binary, '#!/bin/sh\nenv > "$TGZ_ENV_OUT"\necho "leaked sk-codex-own"\n');
    chmodSync(binary, 0o755);
    const out = join(tmp.path, 'codex-env.txt');
    const logPath = join(tmp.path, 'run.log');
    const started: number[] = [];
    await createCodexEngine({ binary }).execute({
      prompt: 'p',
      workingDir: tmp.path,
      env: { TGZ_ENV_OUT: out },
      logPath,
      redact: (text) => text.replaceAll('sk-codex-own', '[REDACTED]'),
      onProcessStart: (pid) => started.push(pid),
    });
    const env = parseEnv(readFileSync(out, 'utf8'));
    expect(env).toMatchObject({ OPENAI_API_KEY: 'sk-codex-own' });
    for (const canary of Object.values(CANARIES)) expect(JSON.stringify(env)).not.toContain(canary);
    expect(env).not.toHaveProperty('NPM_TOKEN');
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('leaked [REDACTED]');
    expect(log).not.toContain('sk-codex-own');
    expect(started).toHaveLength(1);
  });
});
