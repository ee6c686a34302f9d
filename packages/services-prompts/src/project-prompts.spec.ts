import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ValidationError } from '@tasksgodzilla/core';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { fingerprintText } from '@tasksgodzilla/platform-git';
import { createPromptService, QA_VERDICT_INSTRUCTION } from './prompt.service.js';

describe('project prompt files', () => {
  let tmp: TempDir;
  let repo: string;
  let worktree: string;
  let custom: string;

  const write = (path: string, text: string) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  const override = (root: string, role: string, text: string) =>
    write(join(root, '.tasksgodzilla', 'prompts', `${role}.md`), text);
  const exec = (service = createPromptService()) =>
    service.buildExecPrompt({
      protocolName: '0001-demo',
      stepFilename: '01-a.md',
      stepContent: 'STEP',
      plan: 'PLAN',
      workspaceRoot: worktree,
      projectRoot: repo,
      protocolRoot: join(worktree, '.protocols', '0001-demo'),
    });

  beforeEach(() => {
    tmp = createTempDir('tgz-project-prompts-');
    repo = join(tmp.path, 'repo');
    worktree = join(tmp.path, 'worktrees', '0001-demo');
    custom = join(tmp.path, 'custom');
    mkdirSync(repo, { recursive: true });
    mkdirSync(worktree, { recursive: true });
  });
  afterEach(() => tmp.remove());

  describe('lookup order', () => {
    it("1. the worktree's .tasksgodzilla/prompts/<role>.md comes first", async () => {
      override(worktree, 'exec', 'WORKTREE exec for {{step_filename}}');
      override(repo, 'exec', 'REPO exec');
      const result = await exec();
      expect(result).toEqual({
        role: 'exec',
        text: 'WORKTREE exec for 01-a.md',
        version: fingerprintText('WORKTREE exec for {{step_filename}}'),
        path: join(worktree, '.tasksgodzilla', 'prompts', 'exec.md'),
        source: 'project',
      });
    });

    it("2. then the project's main checkout", async () => {
      override(repo, 'exec', 'REPO exec {{plan}}');
      expect(await exec()).toMatchObject({
        text: 'REPO exec PLAN',
        source: 'project',
        path: join(repo, '.tasksgodzilla', 'prompts', 'exec.md'),
      });
    });

    it("3. then the service's templates folder, 4. else the shipped templates", async () => {
      write(join(custom, 'exec.md'), 'CUSTOM {{step_filename}}');
      expect(await exec(createPromptService({ templatesDir: custom }))).toMatchObject({
        text: 'CUSTOM 01-a.md',
        source: 'default',
        path: join(custom, 'exec.md'),
      });
      const shipped = await exec();
      expect(shipped.source).toBe('default');
      expect(shipped.text).toContain('You are a senior coding agent working on protocol 0001-demo');
    });

    it('every role looks in the roots its input names', async () => {
      for (const role of ['planning', 'decompose', 'qa', 'discovery'])
        override(role === 'discovery' ? repo : worktree, role, `OWN ${role} Verdict: PASS`);
      const service = createPromptService();
      expect(
        (await service.buildPlanningPrompt({ protocolName: 'p', projectRoot: repo, worktreeRoot: worktree })).text,
      ).toBe('OWN planning Verdict: PASS');
      expect(
        (
          await service.buildDecomposePrompt({
            protocolName: 'p',
            plan: '',
            stepFilename: 'a',
            stepContent: '',
            workspaceRoot: worktree,
          })
        ).text,
      ).toBe('OWN decompose Verdict: PASS');
      expect(
        (
          await service.buildQaPrompt({
            protocolName: 'p',
            stepFilename: 'a',
            stepContent: '',
            workspaceRoot: worktree,
          })
        ).text,
      ).toBe('OWN qa Verdict: PASS');
      expect((await service.buildDiscoveryPrompt({ projectName: 'p', repoRoot: repo })).text).toBe(
        'OWN discovery Verdict: PASS',
      );
      // Without a root, the default template.
      expect((await service.buildQaPrompt({ protocolName: 'p', stepFilename: 'a', stepContent: '' })).source).toBe(
        'default',
      );
    });

    it("projectFiles: false ignores the project's files", async () => {
      override(worktree, 'exec', 'WORKTREE exec');
      expect((await exec(createPromptService({ projectFiles: false }))).source).toBe('default');
    });
  });

  it('a project QA template that does not ask for the verdict line gets the instruction appended', async () => {
    override(worktree, 'qa', 'Review {{step_filename}} strictly.');
    const result = await createPromptService().buildQaPrompt({
      protocolName: 'p',
      stepFilename: '01-a.md',
      stepContent: '',
      workspaceRoot: worktree,
    });
    expect(result.text).toBe(`Review 01-a.md strictly.\n\n${QA_VERDICT_INSTRUCTION}\n`);
  });

  it('a project template with an unknown variable is a ValidationError naming it and the file', async () => {
    override(worktree, 'exec', 'Hello {{nope}}');
    const error = await exec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(
      `Missing prompt variables for role exec (project template ${join(worktree, '.tasksgodzilla', 'prompts', 'exec.md')}): nope`,
    );
  });

  it('a symlink leading out of the checkout is ignored', async () => {
    write(join(tmp.path, 'outside.md'), 'SECRET from the host');
    mkdirSync(join(worktree, '.tasksgodzilla', 'prompts'), { recursive: true });
    symlinkSync(join(tmp.path, 'outside.md'), join(worktree, '.tasksgodzilla', 'prompts', 'exec.md'));
    const result = await exec();
    expect(result.source).toBe('default');
    expect(result.text).not.toContain('SECRET');
  });

  describe('reference templates for planning', () => {
    const plan = (referenceTemplates?: string) =>
      createPromptService().buildPlanningPrompt({
        protocolName: '0002-x',
        projectRoot: repo,
        worktreeRoot: worktree,
        ...(referenceTemplates ? { referenceTemplates } : {}),
      });

    it("the part after the marker of the project's protocol-new prompt; the worktree's .tasksgodzilla copy first", async () => {
      write(
        join(repo, 'prompts', 'protocol-new.prompt.md'),
        'Guide for humans.\n\n### TEMPLATES FOR PROTOCOL FILES\n\nREPO TEMPLATES\n',
      );
      expect((await plan()).text.trimEnd().endsWith('REPO TEMPLATES')).toBe(true);
      expect((await plan()).text).not.toContain('Guide for humans.');
      write(join(worktree, '.tasksgodzilla', 'prompts', 'protocol-new.prompt.md'), 'WHOLE FILE WITHOUT MARKER\n');
      expect((await plan()).text.trimEnd().endsWith('WHOLE FILE WITHOUT MARKER')).toBe(true);
    });

    it('given explicitly, they win; none at all shows (none)', async () => {
      expect((await plan()).text.trimEnd().endsWith('(none)')).toBe(true);
      write(join(repo, 'prompts', 'protocol-new.prompt.md'), 'FROM FILE');
      expect((await plan('GIVEN')).text.trimEnd().endsWith('GIVEN')).toBe(true);
    });
  });

  describe('discovery summary', () => {
    it('planning and exec prompts carry the notes onboarding wrote, bounded, naming the other notes', async () => {
      write(join(repo, 'tasksgodzilla', 'DISCOVERY.md'), `# Discovery\nTypeScript, npm. ${'x'.repeat(10_000)}`);
      write(join(worktree, 'tasksgodzilla', 'CI_NOTES.md'), '# CI\nnpm test');
      write(join(worktree, 'tasksgodzilla', 'ARCHITECTURE.md'), '# Arch');
      const service = createPromptService({ discoverySummaryMaxChars: 1000 });
      const planning = await service.buildPlanningPrompt({
        protocolName: '0002-x',
        projectRoot: repo,
        worktreeRoot: worktree,
      });
      const execution = await exec(service);
      for (const { text } of [planning, execution]) {
        expect(text).toContain('tasksgodzilla/DISCOVERY.md:\n# Discovery\nTypeScript, npm.');
        expect(text).toContain('(DISCOVERY.md truncated: ');
        expect(text).toContain('tasksgodzilla/CI_NOTES.md:\n# CI\nnpm test');
        expect(text).toContain('More notes in the repository: tasksgodzilla/ARCHITECTURE.md.');
        expect(text).not.toContain('x'.repeat(1000));
      }
    });

    it('absent notes show as (none); a given summary wins', async () => {
      expect((await exec()).text).toContain(
        "Project notes (a summary of onboarding's discovery notes):\n----------------------------------------\n(none)\n",
      );
      const given = await createPromptService().buildPlanningPrompt({
        protocolName: 'p',
        projectRoot: repo,
        worktreeRoot: worktree,
        discoverySummary: 'GIVEN NOTES',
      });
      expect(given.text).toContain('GIVEN NOTES');
    });
  });
});
