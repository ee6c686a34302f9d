import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '@tasksgodzilla/core';
import { createTempDir } from '@tasksgodzilla/testing';
import type { TempDir } from '@tasksgodzilla/testing';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { createPromptService } from './prompt.service.js';
import { PROMPT_ROLES } from './prompt.types.js';

const shipped = fileURLToPath(new URL('../prompts/', import.meta.url));

/** The step most builder tests render (`01-api.md` of protocol 0001-demo). */
const API_STEP = {
  protocolName: '0001-demo',
  stepFilename: '01-api.md',
  stepContent: 'Do the API.',
  plan: 'The plan.',
};
/** The smallest QA input. */
const TINY_STEP = { protocolName: 'p', stepFilename: '01-a.md', stepContent: 'A' };

/** Asserts that `text` contains each of `parts`. */
function expectContains(text: string, parts: string[]): void {
  for (const part of parts) expect(text).toContain(part);
}

describe('createPromptService with the shipped templates', () => {
  const service = createPromptService();

  it('loads templates from the package prompts folder', () => {
    expect(service.templatesDir).toBe(shipped);
  });

  it('lists every role with its path and a fingerprint of the file', async () => {
    const prompts = await service.listPrompts();
    expect(prompts.map((prompt) => prompt.role)).toEqual([...PROMPT_ROLES].sort());
    for (const prompt of prompts) {
      expect(prompt.path).toBe(join(shipped, `${prompt.role}.md`));
      expect(prompt.version).toBe(fingerprintText(readFileSync(prompt.path)));
      expect(prompt.version).toMatch(/^[0-9a-f]{12}$/);
    }
  });

  it('gives stable versions: the same template twice, and rendering does not change it', async () => {
    const first = await service.getTemplate('exec');
    const second = await service.getTemplate('exec');
    expect(second.version).toBe(first.version);
    const rendered = await service.buildDiscoveryPrompt({ projectName: 'demo', repoRoot: '/r' });
    expect(rendered.version).toBe((await service.getTemplate('discovery')).version);
  });

  it('builds the planning prompt (JSON-only answer, protocol number and short name)', async () => {
    const prompt = await service.buildPlanningPrompt({
      protocolName: '0007-add-login',
      description: 'Add a login form',
      projectName: 'webapp',
      projectRoot: '/repos/webapp',
      worktreeRoot: '/repos/worktrees/0007-add-login',
      referenceTemplates: '# Plan template',
    });
    expect(prompt.role).toBe('planning');
    expectContains(prompt.text, [
      'Protocol: 0007-add-login (number 0007, short name add-login)',
      'PROJECT_ROOT (the repository): /repos/webapp',
      'WORKTREE_ROOT (where the steps will run): /repos/worktrees/0007-add-login',
      'Add a login form',
      '"plan_md"',
      '"step_files"',
      '00-setup.md',
    ]);
    expect(prompt.text.trimEnd().endsWith('# Plan template')).toBe(true);
    expect(prompt.text).not.toMatch(/\{\{/);
  });

  it('accepts a protocol name without a dash (the original crashed)', async () => {
    const prompt = await service.buildPlanningPrompt({ protocolName: 'hotfix', projectRoot: '/r', worktreeRoot: '/w' });
    expectContains(prompt.text, ['Protocol: hotfix (number (none), short name hotfix)', 'Description:\n(none)']);
  });

  it('builds the decompose prompt around plan.md and the step file', async () => {
    const prompt = await service.buildDecomposePrompt({
      ...API_STEP,
      plan: 'PLAN TEXT',
      stepContent: 'STEP {{not-a-var}}',
    });
    expectContains(prompt.text, [
      'protocol 0001-demo (number 0001)',
      'PLAN TEXT',
      'STEP {{not-a-var}}',
      'complete updated Markdown of `01-api.md`',
    ]);
  });

  it('builds the exec prompt: no commits by the agent, outputs named, real newlines', async () => {
    const prompt = await service.buildExecPrompt({
      ...API_STEP,
      context: null,
      workspaceRoot: '/wt',
      protocolRoot: '/wt/.protocols/0001-demo',
      outputs: { protocol: '/wt/.protocols/0001-demo/outputs/01-api.md' },
    });
    expectContains(prompt.text, [
      'in the workspace /wt',
      'Do not commit or push',
      'Your final message is saved to /wt/.protocols/0001-demo/outputs/01-api.md',
      'context.md:\n----------------------------------------\n(none)\n',
      'Do the API.',
    ]);
    expect(prompt.text).not.toContain('\\n');
  });

  it('builds the QA prompt with checks and ends with the verdict instruction', async () => {
    const prompt = await service.buildQaPrompt({
      ...API_STEP,
      summary: 'Added /api.',
      diff: 'diff --git a/x b/x',
      gitStatus: '',
      lastCommit: 'step 01-api',
      checks: [
        { command: 'npm test', exit_code: 1, output: 'FAIL x.spec.ts' },
        { command: 'npm run lint', exit_code: 0 },
        'npm run build',
      ],
      instructions: 'Project QA rules: be strict.',
    });
    expect(prompt.text.startsWith('Project QA rules: be strict.\n\nYou are the QA reviewer')).toBe(true);
    expectContains(prompt.text, [
      '- `npm test`: exit 1 (FAILED, blocking)',
      'FAIL x.spec.ts',
      '- `npm run lint`: exit 0 (passed)',
      '- `npm run build`: not run',
      'Git status (porcelain):\n----------------------------------------\n(clean)',
    ]);
    expect(prompt.text).not.toContain('Keep this QA brief');
    const lastLine = prompt.text.trimEnd().split('\n').at(-1);
    expect(lastLine).toMatch(/`Verdict: PASS`.*`Verdict: FAIL`\.$/);
  });

  it('builds a light QA prompt with defaults for absent inputs', async () => {
    const prompt = await service.buildQaPrompt({
      ...TINY_STEP,
      light: true,
    });
    expectContains(prompt.text, [
      'Keep this QA brief: report must-fix issues only.',
      '(no checks declared)',
      '(no changes)',
      '(not available)',
    ]);
    expect(prompt.text.startsWith('You are the QA reviewer')).toBe(true);
  });

  it('truncates long diffs and check output', async () => {
    const prompt = await service.buildQaPrompt({
      ...TINY_STEP,
      diff: 'x'.repeat(100),
      maxDiffChars: 10,
      checks: [{ command: 'c', exit_code: 0, output: `${'a'.repeat(50)}END` }],
      maxCheckOutputChars: 5,
    });
    expectContains(prompt.text, [
      `${'x'.repeat(10)}\n… (diff truncated: 90 more characters)`,
      'aaEND',
      '(48 earlier characters omitted)',
    ]);
  });

  it('builds the discovery prompt', async () => {
    const prompt = await service.buildDiscoveryPrompt({ projectName: 'webapp', repoRoot: '/repos/webapp' });
    expectContains(prompt.text, ['tasksgodzilla/DISCOVERY.md', 'scripts/ci/test.sh', 'Do not commit or push']);
  });

  it('resolves a role directly and reports missing variables', async () => {
    await expect(service.resolvePrompt('discovery', { project_name: 'x' })).rejects.toThrow(
      'Missing prompt variables for role discovery: repo_root, output_dir',
    );
    await expect(service.resolvePrompt('discovery', {})).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects unknown or unsafe roles', async () => {
    await expect(service.resolvePrompt('nope', {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.resolvePrompt('../qa', {})).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('createPromptService with a templates folder', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-prompts-');
  });
  afterEach(() => dir.remove());

  it('uses the folder, lists its roles, and reports a new version when a template changes', async () => {
    writeFileSync(join(dir.path, 'qa.md'), 'Custom QA for {{step_filename}}');
    writeFileSync(join(dir.path, 'review-merge.md'), 'Merge {{branch}}');
    writeFileSync(join(dir.path, 'README.txt'), 'ignored');
    const service = createPromptService({ templatesDir: dir.path });
    expect((await service.listPrompts()).map((prompt) => prompt.role)).toEqual(['qa', 'review-merge']);
    const first = await service.resolvePrompt('review-merge', { branch: 'feature/x' });
    expect(first).toEqual({
      role: 'review-merge',
      text: 'Merge feature/x',
      version: fingerprintText('Merge {{branch}}'),
      path: join(dir.path, 'review-merge.md'),
      source: 'default',
    });
    const qa = await service.buildQaPrompt({ protocolName: 'p', stepFilename: '01-a.md', stepContent: '' });
    expect(qa.text).toBe('Custom QA for 01-a.md');
    writeFileSync(join(dir.path, 'review-merge.md'), 'Merge {{branch}} now');
    const second = await service.resolvePrompt('review-merge', { branch: 'feature/x' });
    expect(second.version).not.toBe(first.version);
    await expect(
      service.buildExecPrompt({
        protocolName: 'p',
        stepFilename: 'a',
        stepContent: '',
        plan: '',
        workspaceRoot: '/w',
        protocolRoot: '/p',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(createPromptService({ templatesDir: join(dir.path, 'none') }).listPrompts()).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
