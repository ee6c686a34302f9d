import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, ValidationError } from '@tasksgodzilla/core';
import { testRuntimeConfig, useTempDir } from '@tasksgodzilla/testing';
import { createRuntime } from './create-runtime.js';
import { runQaGate } from './qa-gate.js';
import type { Runtime } from './runtime.types.js';

const STEP = '# 01 - Greeting\n\n```sh check\ngrep -q hello greeting.txt\n```\n';

describe('runQaGate', () => {
  const dir = useTempDir('tgz-qa-gate-');
  let runtime: Runtime;
  let repo: string;
  let protocolDir: string;

  beforeEach(async () => {
    runtime = createRuntime(loadConfig({}, testRuntimeConfig(join(dir.path, 'data'))));
    await runtime.start();
    repo = join(dir.path, 'repo');
    protocolDir = join(repo, '.protocols', '0001-greet');
    mkdirSync(protocolDir, { recursive: true });
    writeFileSync(join(protocolDir, '01-greet.md'), STEP);
  });

  afterEach(() => runtime.close());

  it('FAILs while the check fails, PASSes after the fix, reusing the same project, run and step', async () => {
    writeFileSync(join(repo, 'greeting.txt'), 'bye\n');
    const failed = await runQaGate(runtime, { repoPath: repo, protocolDir, stepFile: '01-greet.md' });
    expect(failed.outcome).toBe('FAIL');
    expect(failed.checks.map((c) => [c.command, c.passed])).toEqual([['grep -q hello greeting.txt', false]]);
    expect(failed.report_path && existsSync(failed.report_path)).toBe(true);
    expect(failed.report_path?.startsWith(join(protocolDir, 'quality'))).toBe(true);

    writeFileSync(join(repo, 'greeting.txt'), 'hello\n');
    const passed = await runQaGate(runtime, {
      repoPath: repo,
      protocolDir,
      stepFile: join('.protocols', '0001-greet', '01-greet.md'),
    });
    expect(passed.outcome).toBe('PASS');
    expect(readFileSync(passed.report_path ?? '', 'utf8')).toContain('PASS');
    expect([passed.project_id, passed.protocol_run_id, passed.step_run_id]).toEqual([
      failed.project_id,
      failed.protocol_run_id,
      failed.step_run_id,
    ]);
    expect(passed.report_path).not.toBe(failed.report_path);
    const project = await runtime.storage.projects.get(passed.project_id);
    expect(project.local_path).toBe(repo);
    expect((await runtime.storage.protocolRuns.get(passed.protocol_run_id)).protocol_name).toBe('0001-greet');
  });

  it('refuses a missing folder, a bad step name, a missing step file and an unknown engine, recording nothing', async () => {
    const cases: [Parameters<typeof runQaGate>[1], string][] = [
      [{ repoPath: repo, protocolDir: join(repo, 'nope'), stepFile: '01-greet.md' }, 'protocol'],
      [{ repoPath: repo, protocolDir, stepFile: 'plan.md' }, 'step'],
      [{ repoPath: repo, protocolDir, stepFile: '02-missing.md' }, 'step'],
      [{ repoPath: repo, protocolDir, stepFile: '01-greet.md', engineId: 'nope' }, 'engine'],
    ];
    for (const [input, field] of cases) {
      const error = await runQaGate(runtime, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(new RegExp(`^${field}: `));
    }
    expect((await runtime.storage.projects.list()).items).toEqual([]);
  });
});
