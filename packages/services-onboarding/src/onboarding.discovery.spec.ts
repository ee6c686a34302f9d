import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShellEngine } from '@tasksgodzilla/platform-engines';
import { createTestRepo } from '@tasksgodzilla/testing';
import {
  createHarness,
  createTempDir,
  fakeCodexEngine,
  writeFakeCodex,
  type FakeCodexOptions,
  type Harness,
  type HarnessOptions,
} from './onboarding.test-helpers.js';

// OnboardingService.runDiscovery: discovery on its own (project_discovery_job), in the project's checkout.

describe('OnboardingService.runDiscovery', () => {
  const harnesses: Harness[] = [];
  afterEach(() => {
    for (const harness of harnesses.splice(0)) harness.remove();
  });

  /** A harness whose project's local_path is a fresh test repo; with `fakeCodex`, a fake codex is registered after shell. */
  function setup(options: HarnessOptions & { fakeCodex?: FakeCodexOptions; localPath?: string | null } = {}) {
    const dir = createTempDir('tgz-discovery-');
    const repo = createTestRepo(dir.path);
    const fake = options.fakeCodex ? writeFakeCodex(dir.path, options.fakeCodex) : undefined;
    const engines = [createShellEngine(), ...(fake ? [fakeCodexEngine(fake.binary)] : [])];
    const localPath = options.localPath === undefined ? repo.path : options.localPath;
    const harness = createHarness(dir, { engines, ...options, project: { local_path: localPath } });
    harnesses.push(harness);
    const discover = (engineId?: string) =>
      harness.service.runDiscovery({
        project: harness.project,
        jobId: 'job-7',
        logPath: harness.logPath,
        ...(engineId ? { engineId } : {}),
      });
    return { harness, repo, fake, discover };
  }

  it('--engine codex over a shell default: completed, the notes listed, events at project level with the job id', async () => {
    const { harness, repo, fake, discover } = setup({ fakeCodex: { writeNotes: true } });
    const result = await discover('codex');
    expect(result).toEqual({
      status: 'completed',
      engine_id: 'codex',
      model: 'gpt-5.1-codex-max',
      reason: null,
      notes: ['tasksgodzilla/DISCOVERY.md'],
      path: repo.path,
      succeeded: true,
    });
    expect(existsSync(join(repo.path, 'tasksgodzilla', 'DISCOVERY.md'))).toBe(true);
    expect(harness.types()).toEqual(['setup_discovery_started', 'setup_discovery_completed']);
    for (const event of harness.events.rows) {
      expect(event).toMatchObject({ project_id: harness.project.id, protocol_run_id: null });
      expect(event.metadata).toMatchObject({ job_id: 'job-7' });
    }
    const recorded = JSON.parse(readFileSync(fake?.argvFile ?? '', 'utf8')) as { argv: string[] };
    expect(recorded.argv).toEqual(expect.arrayContaining(['--sandbox', 'workspace-write', '--cd', repo.path]));
  });

  it('notes already present: exists and succeeded, nothing run', async () => {
    const { harness, discover } = setup({ fakeCodex: { writeNotes: true } });
    await discover('codex');
    const before = harness.events.rows.length;
    const again = await discover('codex');
    expect(again).toMatchObject({ status: 'exists', succeeded: true, notes: ['tasksgodzilla/DISCOVERY.md'] });
    expect(again.reason).toContain('already exist');
    expect(harness.types(before)).toEqual(['setup_discovery_skipped']);
  });

  it('the default shell engine cannot discover: skipped, not succeeded, with the reason', async () => {
    const { harness, discover } = setup();
    const result = await discover();
    expect(result).toMatchObject({ status: 'skipped', engine_id: 'shell', succeeded: false, notes: [] });
    expect(result.reason).toContain('no discovery capability');
    expect(harness.event('setup_discovery_skipped')?.metadata).toMatchObject({ engine_id: 'shell' });
  });

  it('an unknown engine is skipped with the reason naming it', async () => {
    const { discover } = setup();
    const result = await discover('aider');
    expect(result).toMatchObject({ status: 'skipped', engine_id: 'aider', succeeded: false });
    expect(result.reason).toContain('"aider" is not registered');
  });

  it('an agent that fails: warning, not succeeded, with its reason', async () => {
    const { harness, discover } = setup({ fakeCodex: { fixture: 'failure', exitCode: 1 } });
    const result = await discover('codex');
    expect(result).toMatchObject({ status: 'warning', engine_id: 'codex', succeeded: false, notes: [] });
    expect(result.reason).toBeTruthy();
    expect(harness.types()).toEqual(['setup_discovery_started', 'setup_discovery_warning']);
  });

  it('a project without a checkout yet (or whose checkout is gone) is skipped: onboard it first', async () => {
    const none = setup({ localPath: null });
    const result = await none.discover();
    expect(result).toMatchObject({ status: 'skipped', path: null, succeeded: false });
    expect(result.reason).toBe('project 7 has no local checkout yet: onboard it first');
    expect(none.harness.event('setup_discovery_skipped')?.message).toBe(
      'Discovery skipped: project 7 has no local checkout yet: onboard it first.',
    );
    const gone = setup({ localPath: '/nonexistent/checkout' });
    expect((await gone.discover()).reason).toBe("the project's checkout /nonexistent/checkout does not exist");
  });
});
