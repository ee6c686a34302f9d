import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@tasksgodzilla/core';
import { createDefaultEngines, createEngineRegistry, resolveEngineAndModel, type EngineEvent } from './index.js';
import { useTempDir } from './testing/fake-engines.test-helpers.js';

// The README's example, kept working.
describe('README example', () => {
  const tmp = useTempDir('tgz-readme-');

  it('plans, executes and checks a step with the shell engine, offline', async () => {
    const worktree = tmp.path;
    const template = join(worktree, 'templates', 'demo');
    mkdirSync(template, { recursive: true });
    writeFileSync(join(template, 'plan.md'), '# Plan\n- [ ] build\n');
    writeFileSync(
      join(template, '01-build.md'),
      '# 01 Build\n\n```sh\nmkdir -p dist && echo ok > dist/app.txt\n```\n\n## Checks\n\n```sh\ngrep -q ok dist/app.txt\n```\n',
    );

    const config = loadConfig({ TASKSGODZILLA_DEFAULT_ENGINE: 'shell' });
    const registry = createEngineRegistry(createDefaultEngines(config), { defaultEngineId: config.defaultEngine });
    const { engine_id, model } = resolveEngineAndModel({
      phase: 'exec',
      stepRun: { engine_id: 'shell' },
      config,
      registry,
    });
    const engine = registry.get(engine_id);

    const plan = await engine.plan({ prompt: '', workingDir: worktree, templateDir: 'templates/demo' });
    expect(plan.structured_output).toMatchObject({ step_files: [{ filename: '01-build.md' }] });

    const protocolDir = join(worktree, '.protocols', '0001-demo');
    mkdirSync(protocolDir, { recursive: true });
    const steps = (plan.structured_output as { step_files: { filename: string; content: string }[] }).step_files;
    for (const file of steps) writeFileSync(join(protocolDir, file.filename), file.content);

    const types: EngineEvent['type'][] = [];
    const run = await engine.execute({
      prompt: '',
      model,
      workingDir: worktree,
      stepFile: '.protocols/0001-demo/01-build.md',
      logPath: join(worktree, 'runs', '42', 'execute.log'),
      onEvent: (event) => types.push(event.type),
    });
    expect(run.outcome).toBe('succeeded');
    expect(types.at(-1)).toBe('terminal');

    const qa = await engine.qa({ prompt: '', workingDir: worktree, stepFile: '.protocols/0001-demo/01-build.md' });
    expect(qa.final_message).toMatch(/Verdict: PASS$/);
  });
});
