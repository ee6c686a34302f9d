import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, StorageError } from '@tasksgodzilla/core';
import { createCodexEngine, createShellEngine } from '@tasksgodzilla/platform-engines';
import { createTestRepo, git } from '@tasksgodzilla/testing';
import {
  CLARIFICATION_KEYS,
  createHarness,
  createTempDir,
  fakeCodexEngine,
  gitState,
  snapshotTree,
  writeFakeCodex,
  type Harness,
  type FakeCodexOptions,
  type HarnessOptions,
} from './onboarding.test-helpers.js';
import { listStarterAssets } from './starter-assets.js';

/** The status of one stage of an onboarding summary. */
const stageStatus = (summary: ReturnType<Harness['summary']>, key: string) =>
  summary.stages.find((stage) => stage.key === key)?.status;

describe('OnboardingService.runProjectSetup', () => {
  const harnesses: Harness[] = [];
  /**
   * A harness over a fresh temp dir holding a test repo (`repo`) with a bare origin (`origin.git`); with
   * `fakeCodex`, its only engine is a fake codex (`fake`) written into the dir.
   */
  function setupHarness(
    options: HarnessOptions & {
      withOrigin?: boolean;
      useRepoAs?: 'local_path' | 'git_url' | 'none';
      fakeCodex?: FakeCodexOptions;
    } = {},
  ) {
    const dir = createTempDir('tgz-onboarding-');
    const repo = createTestRepo(dir.path, { withOrigin: options.withOrigin });
    const fake = options.fakeCodex ? writeFakeCodex(dir.path, options.fakeCodex) : undefined;
    if (fake) options = { ...options, engines: [fakeCodexEngine(fake.binary)] };
    const use = options.useRepoAs ?? 'local_path';
    const project =
      use === 'local_path'
        ? { local_path: repo.path, git_url: 'https://github.com/acme/widgets.git', ...options.project }
        : use === 'git_url'
          ? { git_url: repo.originPath, ...options.project }
          : { ...options.project };
    const harness = createHarness(dir, { ...options, project });
    harnesses.push(harness);
    return { harness, repo, fake };
  }
  /** setupHarness whose only engine is a fake codex (`fake`) written into the harness dir. */
  function setupFakeCodexHarness(fakeCodex: FakeCodexOptions, options: HarnessOptions = {}) {
    const { fake, ...rest } = setupHarness({ ...options, fakeCodex });
    if (!fake) throw new Error('setupHarness wrote no fake codex');
    return { ...rest, fake };
  }
  afterEach(() => {
    for (const harness of harnesses.splice(0)) harness.remove();
  });

  describe('resolve / clone', () => {
    it('clones from a local bare origin into <projectsRoot>/<project_id>/<repo> and records local_path', async () => {
      const { harness, repo } = setupHarness({ useRepoAs: 'git_url' });
      const result = await harness.setup();
      const expected = join(harness.projectsRoot, '7', 'origin');

      expect(result).toMatchObject({ status: 'completed', local_path: expected, blocking: false, error: null });
      expect(result.details).toMatchObject({ cloned: true, repo_path: expected, origin: repo.originPath });
      expect(readFileSync(join(expected, 'README.md'), 'utf8')).toBe('# sample\n');
      expect((await harness.projects.get(7)).local_path).toBe(expected);
      expect(harness.types()).toEqual([
        'setup_started',
        'setup_cloned',
        'setup_local_path_recorded',
        'setup_assets',
        'setup_discovery_skipped',
        'setup_git_remote',
        'setup_clarifications',
        'setup_completed',
      ]);
      expect(harness.event('setup_started')).toMatchObject({
        message: 'Onboarding widgets',
        metadata: { git_url: repo.originPath, local_path: null },
      });
      expect(harness.event('setup_cloned')?.metadata).toMatchObject({ path: expected, git_url: repo.originPath });
      expect(harness.event('setup_local_path_recorded')?.metadata).toMatchObject({
        local_path: expected,
        previous_local_path: null,
      });
      // A local-path origin is left as it is.
      expect(harness.event('setup_git_remote')?.metadata).toMatchObject({ origin: repo.originPath, changed: false });
    });

    it('writes every event on the setup run with the job id', async () => {
      const { harness } = setupHarness();
      await harness.setup();
      expect(harness.events.appended.length).toBeGreaterThan(3);
      for (const input of harness.events.appended) {
        expect(input).toMatchObject({ project_id: 7, protocol_run_id: 70, job_id: 'job-1' });
      }
    });

    it('uses an existing local_path in place: no clone, nothing recorded again', async () => {
      const { harness, repo } = setupHarness();
      const result = await harness.setup();
      expect(result).toMatchObject({ status: 'completed', local_path: repo.path });
      expect(result.details['cloned']).toBe(false);
      expect(harness.types()).not.toContain('setup_cloned');
      expect(harness.types()).not.toContain('setup_local_path_recorded');
      expect(harness.projects.updates).toEqual([]);
      expect(existsSync(join(harness.projectsRoot, '7'))).toBe(false);
    });

    it('records a changed local_path when the recorded one is not a git repository any more', async () => {
      const dir = createTempDir('tgz-onboarding-');
      const repo = createTestRepo(dir.path);
      const stale = join(dir.path, 'gone');
      const harness = createHarness(dir, { project: { git_url: repo.originPath, local_path: stale } });
      harnesses.push(harness);
      const result = await harness.setup();
      expect(result.local_path).toBe(join(harness.projectsRoot, '7', 'origin'));
      expect(harness.event('setup_local_path_recorded')?.metadata).toMatchObject({ previous_local_path: stale });
    });

    it('missing repo and cloning off: setup_pending_clone with a hint, setup_blocked, status blocked', async () => {
      const { harness } = setupHarness({ useRepoAs: 'git_url', config: { autoClone: false } });
      const result = await harness.setup();
      const target = join(harness.projectsRoot, '7', 'origin');

      expect(result).toMatchObject({ status: 'blocked', local_path: null, blocking: false });
      expect(result.error).toContain('not present');
      expect(harness.types()).toEqual(['setup_started', 'setup_pending_clone', 'setup_blocked']);
      const pending = harness.event('setup_pending_clone');
      expect(pending?.metadata).toMatchObject({ local_path: target, projects_root: harness.projectsRoot });
      expect(String(pending?.metadata?.['hint'])).toContain('TASKSGODZILLA_AUTO_CLONE');
      expect(harness.event('setup_blocked')?.metadata).toMatchObject({ stage: 'resolve' });
      expect(existsSync(target)).toBe(false);
      expect((await harness.projects.get(7)).local_path).toBeNull();

      const summary = harness.summary('blocked', await harness.projects.get(7), [...harness.events.rows].reverse());
      expect(stageStatus(summary, 'resolve')).toBe('blocked');
      expect(stageStatus(summary, 'clarifications')).toBe('pending');
      expect(summary.hint).toBe(pending?.metadata?.['hint']);
    });

    it('a failing clone: setup_clone_failed, status blocked, the stage shows failed', async () => {
      const dir = createTempDir('tgz-onboarding-');
      const harness = createHarness(dir, { project: { git_url: join(dir.path, 'does-not-exist.git') } });
      harnesses.push(harness);
      const result = await harness.setup();
      expect(result.status).toBe('blocked');
      expect(harness.types()).toEqual(['setup_started', 'setup_clone_failed']);
      expect(harness.event('setup_clone_failed')?.metadata).toMatchObject({
        code: expect.any(String),
        error: expect.any(String),
      });
      const summary = harness.summary('blocked');
      expect(summary.stages[0]).toMatchObject({ key: 'resolve', status: 'failed', event_type: 'setup_clone_failed' });
      expect(summary.hint).toMatch(/^Cloning failed/);
    });
  });

  describe('discovery', () => {
    it('shell engine: setup_discovery_skipped with the reason, onboarding goes on', async () => {
      const { harness } = setupHarness();
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      const skipped = harness.event('setup_discovery_skipped');
      expect(skipped?.metadata).toMatchObject({ engine_id: 'shell' });
      expect(String(skipped?.metadata?.['reason'])).toContain('no discovery capability');
      expect(skipped?.message).toContain('shell');
      expect(result.details['discovery']).toMatchObject({ status: 'skipped', engine_id: 'shell' });
    });

    it('CLI engine not installed: skipped with the probe error', async () => {
      const missing = createCodexEngine({ binary: '/nonexistent/bin/codex' });
      const { harness } = setupHarness({ engines: [missing, createShellEngine()] });
      await harness.setup();
      const skipped = harness.event('setup_discovery_skipped');
      expect(skipped?.metadata).toMatchObject({ engine_id: 'codex' });
      expect(String(skipped?.metadata?.['reason'])).toContain('not installed');
      expect(harness.types()).not.toContain('setup_discovery_started');
    });

    it('configured engine not registered: skipped with the reason', async () => {
      const { harness } = setupHarness({ config: { defaultEngine: 'opencode' } });
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      expect(harness.event('setup_discovery_skipped')?.metadata).toMatchObject({ engine_id: 'opencode' });
      expect(String(harness.event('setup_discovery_skipped')?.metadata?.['reason'])).toContain(
        '"opencode" is not registered',
      );
    });

    it('fake CLI success: started (model, prompt, floored timeout) then completed; the run is workspace-write in the repo', async () => {
      const { harness, repo, fake } = setupFakeCodexHarness({ writeNotes: true });

      const result = await harness.setup();
      expect(result.status).toBe('completed');
      expect(result.details['discovery']).toMatchObject({
        status: 'completed',
        engine_id: 'codex',
        model: 'gpt-5.1-codex-max',
      });
      const started = harness.event('setup_discovery_started');
      expect(started?.metadata).toMatchObject({
        path: repo.path,
        engine_id: 'codex',
        model: 'gpt-5.1-codex-max',
        timeout_seconds: 300,
        configured_timeout_seconds: 15,
      });
      expect(String(started?.metadata?.['prompt'])).toMatch(/discovery\.md$/);
      const completed = harness.event('setup_discovery_completed');
      expect(completed?.metadata).toMatchObject({
        outcome: 'succeeded',
        notes: ['tasksgodzilla/DISCOVERY.md'],
        log_path: harness.logPath,
      });
      expect(completed?.metadata?.['usage']).toMatchObject({ total_tokens: 25885 });

      const recorded = JSON.parse(readFileSync(fake.argvFile, 'utf8')) as {
        argv: string[];
        cwd: string;
        stdin: string;
      };
      expect(recorded.argv).toEqual(
        expect.arrayContaining([
          'exec',
          '--sandbox',
          'workspace-write',
          '--cd',
          repo.path,
          '--model',
          'gpt-5.1-codex-max',
        ]),
      );
      expect(recorded.cwd).toBe(repo.path);
      expect(recorded.stdin).toContain('tasksgodzilla/DISCOVERY.md');
      expect(readFileSync(harness.logPath, 'utf8').length).toBeGreaterThan(0);
      // Assets come first, so discovery can adapt the copied CI scripts.
      expect(harness.types().indexOf('setup_assets')).toBeLessThan(harness.types().indexOf('setup_discovery_started'));
    });

    it('existing discovery notes: the second run skips discovery instead of paying for it again', async () => {
      const { harness } = setupHarness({ fakeCodex: { writeNotes: true } });
      await harness.setup();
      const before = harness.events.rows.length;
      await harness.setup();
      expect(harness.types(before)).not.toContain('setup_discovery_started');
      expect(String(harness.event('setup_discovery_skipped')?.metadata?.['reason'])).toContain('already exist');
    });

    it('fake CLI failure: setup_discovery_warning, onboarding still completes', async () => {
      const { harness } = setupHarness({ fakeCodex: { fixture: 'failure', exitCode: 1 } });
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      expect(harness.types()).toContain('setup_discovery_warning');
      expect(harness.types()).not.toContain('setup_discovery_completed');
      const warning = harness.event('setup_discovery_warning');
      expect(warning?.metadata).toMatchObject({ outcome: 'failed', exit_code: 1 });
      expect(warning?.message).toContain('failed');
      const summary = harness.summary('completed');
      expect(stageStatus(summary, 'discovery')).toBe('warning');
    });

    it('a hanging agent is stopped at the (floored) timeout and reported as a warning', async () => {
      const { harness } = setupHarness({
        fakeCodex: { fixture: 'hang', hang: true },
        config: { discoveryTimeoutSeconds: 1 },
        deps: { discoveryTimeoutFloorSeconds: 1 },
      });
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      expect(harness.event('setup_discovery_started')?.metadata).toMatchObject({ timeout_seconds: 1 });
      expect(harness.event('setup_discovery_warning')?.metadata).toMatchObject({ outcome: 'timeout' });
    });
  });

  describe('starter assets', () => {
    it('copies the missing assets once (scripts executable), keeps existing files, skips everything the second time', async () => {
      const { harness, repo } = setupHarness();
      mkdirSync(join(repo.path, 'docs'), { recursive: true });
      writeFileSync(join(repo.path, 'docs', 'ci.md'), '# our own CI notes\n');
      const shipped = await listStarterAssets();

      const first = await harness.setup();
      const assets = harness.event('setup_assets');
      expect(assets?.metadata?.['skipped']).toEqual(['docs/ci.md']);
      expect(assets?.metadata?.['copied']).toEqual(shipped.filter((path) => path !== 'docs/ci.md'));
      expect(first.details['assets']).toEqual({ copied: assets?.metadata?.['copied'], skipped: ['docs/ci.md'] });
      expect(readFileSync(join(repo.path, 'docs', 'ci.md'), 'utf8')).toBe('# our own CI notes\n');
      for (const script of ['bootstrap', 'lint', 'typecheck', 'test', 'build']) {
        expect(statSync(join(repo.path, 'scripts', 'ci', `${script}.sh`)).mode & 0o111).toBe(0o111);
      }
      expect(existsSync(join(repo.path, '.github', 'workflows', 'ci.yml'))).toBe(true);
      expect(existsSync(join(repo.path, '.gitlab-ci.yml'))).toBe(true);
      expect(existsSync(join(repo.path, 'prompts', 'quality-validator.prompt.md'))).toBe(true);
      // Nothing is committed.
      expect(git(repo.path, ['log', '--oneline']).split('\n')).toHaveLength(1);

      const before = harness.events.rows.length;
      await harness.setup();
      const again = harness.events.rows.slice(before).find((event) => event.event_type === 'setup_assets');
      expect(again?.metadata).toMatchObject({ copied: [], skipped: shipped });
    });

    it('an asset failure is a setup_warning on the assets stage, onboarding goes on', async () => {
      const { harness } = setupHarness({ deps: { assetsDir: '/nonexistent/assets' } });
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      const warning = harness.event('setup_warning');
      expect(warning?.message).toMatch(/^Skipped asset provisioning: /);
      expect(warning?.metadata).toMatchObject({ stage: 'assets' });
      expect(harness.types()).not.toContain('setup_assets');
    });
  });

  describe('git origin and identity', () => {
    it('rewrites an https GitHub origin to SSH when ghSsh is on', async () => {
      const { harness, repo } = setupHarness();
      git(repo.path, ['remote', 'set-url', 'origin', 'https://github.com/acme/widgets.git']);
      const result = await harness.setup();
      expect(git(repo.path, ['remote', 'get-url', 'origin'])).toBe('git@github.com:acme/widgets.git');
      expect(result.details['origin']).toBe('git@github.com:acme/widgets.git');
      const remote = harness.event('setup_git_remote');
      expect(remote?.message).toBe('Configured git origin (ssh=true).');
      expect(remote?.metadata).toMatchObject({
        origin: 'git@github.com:acme/widgets.git',
        changed: true,
        path: repo.path,
      });
    });

    it('keeps the https origin when ghSsh is off', async () => {
      const { harness, repo } = setupHarness({ config: { ghSsh: false } });
      git(repo.path, ['remote', 'set-url', 'origin', 'https://github.com/acme/widgets.git']);
      await harness.setup();
      expect(git(repo.path, ['remote', 'get-url', 'origin'])).toBe('https://github.com/acme/widgets.git');
      expect(harness.event('setup_git_remote')).toMatchObject({
        message: 'Configured git origin (ssh=false).',
        metadata: { changed: false },
      });
    });

    it('adds the project URL as origin when the repository has none (non-GitHub URLs unchanged)', async () => {
      const { harness, repo } = setupHarness({
        withOrigin: false,
        project: { git_url: 'https://gitlab.com/acme/widgets.git' },
      });
      await harness.setup();
      expect(git(repo.path, ['remote', 'get-url', 'origin'])).toBe('https://gitlab.com/acme/widgets.git');
      expect(harness.event('setup_git_remote')?.metadata).toMatchObject({ changed: true });
    });

    it('never makes a checkout its own origin', async () => {
      const dir = createTempDir('tgz-onboarding-');
      const repo = createTestRepo(dir.path, { withOrigin: false });
      const harness = createHarness(dir, { project: { git_url: repo.path, local_path: repo.path } });
      harnesses.push(harness);
      await harness.setup();
      expect(git(repo.path, ['remote'])).toBe('');
      expect(harness.event('setup_git_remote')?.metadata).toMatchObject({ origin: null, changed: false });
    });

    it("keeps the checkout's own origin when the project's URL is the checkout itself (tgz init)", async () => {
      const dir = createTempDir('tgz-onboarding-');
      const repo = createTestRepo(dir.path, { withOrigin: true });
      const before = git(repo.path, ['remote', 'get-url', 'origin']);
      const harness = createHarness(dir, { project: { git_url: repo.path, local_path: repo.path } });
      harnesses.push(harness);
      expect((await harness.setup()).status).toBe('completed');
      expect(git(repo.path, ['remote', 'get-url', 'origin'])).toBe(before);
      expect(harness.event('setup_git_remote')?.metadata).toMatchObject({ origin: before, changed: false });
    });

    it('an origin failure is a setup_warning on the git stage', async () => {
      const { harness } = setupHarness({ withOrigin: false, project: { git_url: '--upload-pack=evil' } });
      const result = await harness.setup();
      expect(result.status).toBe('completed');
      const warning = harness.event('setup_warning');
      expect(warning?.metadata).toMatchObject({ stage: 'git' });
      const summary = harness.summary('completed');
      expect(stageStatus(summary, 'git')).toBe('warning');
      expect(stageStatus(summary, 'assets')).toBe('completed');
    });

    it('writes the repo-local identity when both user and email are configured', async () => {
      const { harness, repo } = setupHarness({
        config: { gitUser: 'Godzilla Bot', gitEmail: 'bot@tasksgodzilla.invalid' },
      });
      await harness.setup();
      expect(git(repo.path, ['config', '--local', 'user.name'])).toBe('Godzilla Bot');
      expect(git(repo.path, ['config', '--local', 'user.email'])).toBe('bot@tasksgodzilla.invalid');
      expect(harness.event('setup_git_identity')).toMatchObject({
        message: 'Configured git identity Godzilla Bot <bot@tasksgodzilla.invalid>.',
        metadata: { user: 'Godzilla Bot', email: 'bot@tasksgodzilla.invalid', path: repo.path },
      });
    });

    it('half an identity is a warning, never a silent skip; no identity configured writes nothing', async () => {
      const { harness, repo } = setupHarness({ config: { gitUser: 'Godzilla Bot' } });
      await harness.setup();
      expect(harness.types()).not.toContain('setup_git_identity');
      expect(harness.event('setup_warning')).toMatchObject({ metadata: { stage: 'git' } });
      expect(harness.event('setup_warning')?.message).toContain('TASKSGODZILLA_GIT_EMAIL');
      expect(() => git(repo.path, ['config', '--local', 'user.name'])).toThrow();

      const plain = setupHarness();
      await plain.harness.setup();
      expect(plain.harness.types()).not.toContain('setup_git_identity');
      expect(plain.harness.types()).not.toContain('setup_warning');
    });
  });

  describe('clarifications', () => {
    it('not blocking: setup_clarifications with the questions, then setup_completed', async () => {
      const { harness } = setupHarness();
      const result = await harness.setup();
      expect(result).toMatchObject({ status: 'completed', blocking: false });
      expect(result.clarifications.map((question) => question.key)).toEqual(CLARIFICATION_KEYS);
      const event = harness.event('setup_clarifications');
      expect(event?.message).toBe('Review onboarding clarifications and confirm settings.');
      expect(event?.metadata).toMatchObject({ blocking: false });
      expect(event?.metadata?.['questions']).toHaveLength(9);
      expect(harness.types().slice(-2)).toEqual(['setup_clarifications', 'setup_completed']);
    });

    it('blocking: setup_blocked "Awaiting onboarding clarification responses." and status blocked', async () => {
      const { harness } = setupHarness({ config: { requireOnboardingClarifications: true } });
      const result = await harness.setup();
      expect(result).toMatchObject({ status: 'blocked', blocking: true, error: null });
      expect(harness.types().slice(-2)).toEqual(['setup_clarifications', 'setup_blocked']);
      expect(harness.types()).not.toContain('setup_completed');
      const blocked = harness.event('setup_blocked');
      expect(blocked?.message).toBe('Awaiting onboarding clarification responses.');
      expect(blocked?.metadata).toMatchObject({
        stage: 'clarifications',
        questions: expect.arrayContaining(['ci_provider', 'secrets']),
      });
      const summary = harness.summary('blocked');
      expect(stageStatus(summary, 'clarifications')).toBe('blocked');
      expect(stageStatus(summary, 'resolve')).toBe('completed');
      expect(summary.hint).toContain('TASKSGODZILLA_REQUIRE_ONBOARDING_CLARIFICATIONS');
    });
  });

  describe('idempotence and failures', () => {
    it('a second run on the same project changes nothing but events (no re-clone, no re-copy, same git state)', async () => {
      const { harness } = setupHarness({
        useRepoAs: 'git_url',
        config: { gitUser: 'Godzilla Bot', gitEmail: 'bot@tasksgodzilla.invalid' },
      });
      const first = await harness.setup();
      const repoPath = first.local_path!;
      const tree = snapshotTree(repoPath);
      const state = gitState(repoPath);
      const project = await harness.projects.get(7);
      const before = harness.events.rows.length;

      const second = await harness.setup();
      expect(second.status).toBe('completed');
      expect(second.local_path).toBe(repoPath);
      expect(snapshotTree(repoPath)).toEqual(tree);
      expect(gitState(repoPath)).toEqual(state);
      expect(await harness.projects.get(7)).toEqual(project);
      expect(harness.projects.updates).toHaveLength(1);
      const types = harness.types(before);
      expect(types).not.toContain('setup_cloned');
      expect(types).not.toContain('setup_local_path_recorded');
      expect(
        harness.events.rows.slice(before).find((event) => event.event_type === 'setup_assets')?.metadata,
      ).toMatchObject({ copied: [] });
      expect(
        harness.events.rows.slice(before).find((event) => event.event_type === 'setup_git_remote')?.metadata,
      ).toMatchObject({ changed: false });

      // The summary reflects the latest attempt: resolve completed although nothing was re-recorded.
      const summary = harness.summary('completed', project, [...harness.events.rows].reverse());
      expect(summary.stages.map((stage) => [stage.key, stage.status])).toEqual([
        ['resolve', 'completed'],
        ['discovery', 'skipped'],
        ['assets', 'completed'],
        ['git', 'completed'],
        ['clarifications', 'completed'],
      ]);
      expect(summary.last_event?.event_type).toBe('setup_completed');
      expect(summary.last_event?.id).toBe(harness.events.rows.at(-1)?.id);
    });

    it('an unexpected error: setup_failed with the stage, status failed, nothing thrown', async () => {
      const { harness } = setupHarness({ useRepoAs: 'git_url' });
      harness.projects.failUpdatesWith(new Error('disk full'));
      const result = await harness.setup();
      expect(result).toMatchObject({ status: 'failed', error: 'disk full' });
      const failed = harness.event('setup_failed');
      expect(failed).toMatchObject({
        message: 'Project setup failed: disk full',
        metadata: { stage: 'resolve', error: 'disk full' },
      });
      const summary = harness.summary('failed');
      expect(summary.stages[0]).toMatchObject({ key: 'resolve', status: 'failed' });
      expect(summary.hint).toContain('disk full');
    });

    it('when not even setup_failed can be recorded, the original error is thrown (the job runner retries)', async () => {
      const { harness } = setupHarness();
      const broken = new StorageError('database is locked');
      harness.events.append = async () => {
        throw broken;
      };
      await expect(harness.setup()).rejects.toBe(broken);
    });

    it('an already aborted signal rethrows the abort reason and writes nothing', async () => {
      const { harness } = setupHarness();
      const controller = new AbortController();
      const reason = new CancelledError('Job cancelled by request', { code: 'job_cancelled' });
      controller.abort(reason);
      await expect(harness.setup({ signal: controller.signal })).rejects.toBe(reason);
      expect(harness.events.rows).toEqual([]);
    });

    it('an abort during discovery kills the agent and rethrows the abort (no setup_failed)', async () => {
      const { harness } = setupHarness({ fakeCodex: { fixture: 'hang', hang: true } });
      const controller = new AbortController();
      const reason = new CancelledError('Worker shutting down', { code: 'worker_shutdown' });
      harness.telemetry.subscribe((event) => {
        if (event.event_type === 'setup_discovery_started') setTimeout(() => controller.abort(reason), 200);
      });
      await expect(harness.setup({ signal: controller.signal })).rejects.toBe(reason);
      expect(harness.types()).not.toContain('setup_failed');
      expect(harness.types().at(-1)).toBe('setup_discovery_started');
    });
  });
});
