import type { Event, JsonObject } from '@tasksgodzilla/core';
import { deriveStages, summarizeOnboarding } from './onboarding.summary.js';

const project = { id: 3, local_path: '/srv/projects/3/widgets' };
const run = { id: 30, status: 'completed' as const };

/** Builds events one second apart (or at the same instant with `sameTime`), ids ascending. */
function sequence(
  items: [string, JsonObject?][],
  options: { sameTime?: boolean; startId?: number; start?: number } = {},
): Event[] {
  const start = options.start ?? Date.parse('2026-11-27T17:00:00.000Z');
  return items.map(([type, metadata], index) => ({
    id: (options.startId ?? 1) + index,
    project_id: 3,
    protocol_run_id: 30,
    step_run_id: null,
    event_type: type,
    message: `${type} message`,
    metadata: metadata ?? null,
    created_at: new Date(options.sameTime ? start : start + index * 1000).toISOString(),
  }));
}

const statuses = (events: Event[]) =>
  Object.fromEntries(deriveStages(events).map((stage) => [stage.key, stage.status]));

describe('summarizeOnboarding', () => {
  it('without a run: pending everywhere, no last event, a hint that onboarding has not started', () => {
    const summary = summarizeOnboarding({
      project: { id: 3, local_path: null },
      run: null,
      events: [],
      defaultWorkspacePath: '/srv/projects/3/widgets',
    });
    expect(summary).toEqual({
      project_id: 3,
      protocol_run_id: null,
      status: 'pending',
      workspace_path: '/srv/projects/3/widgets',
      hint: 'Onboarding has not started for this project yet.',
      last_event: null,
      stages: [
        {
          key: 'resolve',
          name: 'Resolve/Clone',
          status: 'pending',
          message: null,
          event_type: null,
          created_at: null,
          metadata: null,
        },
        {
          key: 'discovery',
          name: 'Discovery',
          status: 'pending',
          message: null,
          event_type: null,
          created_at: null,
          metadata: null,
        },
        {
          key: 'assets',
          name: 'Assets',
          status: 'pending',
          message: null,
          event_type: null,
          created_at: null,
          metadata: null,
        },
        {
          key: 'git',
          name: 'Git Config',
          status: 'pending',
          message: null,
          event_type: null,
          created_at: null,
          metadata: null,
        },
        {
          key: 'clarifications',
          name: 'Clarifications',
          status: 'pending',
          message: null,
          event_type: null,
          created_at: null,
          metadata: null,
        },
      ],
    });
  });

  it('a complete run: every stage resolved, the stage carries its deciding event, last_event is the NEWEST event', () => {
    const events = sequence([
      ['setup_enqueued'],
      ['setup_started'],
      ['setup_cloned', { path: '/p' }],
      ['setup_local_path_recorded'],
      ['setup_assets', { copied: ['docs/ci.md'] }],
      ['setup_discovery_started'],
      ['setup_discovery_completed'],
      ['setup_git_remote'],
      ['setup_git_identity'],
      ['setup_clarifications'],
      ['setup_completed'],
    ]);
    const summary = summarizeOnboarding({ project, run, events: [...events].reverse() });
    expect(summary.status).toBe('completed');
    expect(summary.protocol_run_id).toBe(30);
    expect(summary.workspace_path).toBe('/srv/projects/3/widgets');
    expect(summary.hint).toBeNull();
    expect(summary.last_event?.event_type).toBe('setup_completed');
    expect(summary.stages.map((stage) => [stage.key, stage.status, stage.event_type])).toEqual([
      ['resolve', 'completed', 'setup_local_path_recorded'],
      ['discovery', 'completed', 'setup_discovery_completed'],
      ['assets', 'completed', 'setup_assets'],
      ['git', 'completed', 'setup_git_identity'],
      ['clarifications', 'completed', 'setup_completed'],
    ]);
    expect(summary.stages[2]).toMatchObject({
      message: 'setup_assets message',
      metadata: { copied: ['docs/ci.md'] },
      created_at: events[4]?.created_at,
    });
  });

  it('events in the same millisecond are ordered by id, for the stages and for last_event', () => {
    const events = sequence(
      [
        ['setup_started'],
        ['setup_discovery_started'],
        ['setup_discovery_warning'],
        ['setup_blocked', { stage: 'clarifications' }],
      ],
      {
        sameTime: true,
      },
    );
    const shuffled = [events[2]!, events[0]!, events[3]!, events[1]!];
    const summary = summarizeOnboarding({ project, run: { id: 30, status: 'blocked' }, events: shuffled });
    expect(summary.last_event?.id).toBe(4);
    expect(summary.stages.find((stage) => stage.key === 'discovery')?.status).toBe('warning');
  });

  it('ranks: a lower-ranked status never replaces a higher one; an equal rank does', () => {
    expect(
      statuses(sequence([['setup_started'], ['setup_discovery_started'], ['setup_discovery_warning']]))['discovery'],
    ).toBe('warning');
    expect(
      statuses(sequence([['setup_started'], ['setup_discovery_warning'], ['setup_discovery_started']]))['discovery'],
    ).toBe('warning');
    expect(
      statuses(sequence([['setup_started'], ['setup_discovery_completed'], ['setup_discovery_skipped']]))['discovery'],
    ).toBe('completed');
    // warning (2) then blocked (2): the later one wins.
    const stages = deriveStages(
      sequence([['setup_started'], ['setup_warning', { stage: 'assets' }], ['setup_blocked', { stage: 'assets' }]]),
    );
    expect(stages.find((stage) => stage.key === 'assets')).toMatchObject({
      status: 'blocked',
      event_type: 'setup_blocked',
    });
  });

  it('setup_warning goes to the stage it names (git), else to assets as in the original', () => {
    expect(
      statuses(sequence([['setup_started'], ['setup_assets'], ['setup_warning', { stage: 'git' }]])),
    ).toMatchObject({ assets: 'completed', git: 'warning' });
    expect(statuses(sequence([['setup_started'], ['setup_warning']]))).toMatchObject({
      assets: 'warning',
      git: 'pending',
    });
  });

  it('pending clone: resolve blocked (not clarifications), with the event’s hint', () => {
    const events = sequence([
      ['setup_started'],
      ['setup_pending_clone', { hint: 'Clone it yourself.' }],
      ['setup_blocked', { stage: 'resolve' }],
    ]);
    const summary = summarizeOnboarding({ project, run: { id: 30, status: 'blocked' }, events });
    expect(summary.stages.map((stage) => stage.status)).toEqual([
      'blocked',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    expect(summary.stages[0]?.event_type).toBe('setup_blocked');
    expect(summary.hint).toBe('Clone it yourself.');
  });

  it('setup_clone_failed and setup_failed show as failed (the original never did)', () => {
    const cloneFailed = summarizeOnboarding({
      project,
      run: { id: 30, status: 'blocked' },
      events: sequence([['setup_started'], ['setup_clone_failed']]),
    });
    expect(cloneFailed.stages[0]?.status).toBe('failed');
    expect(cloneFailed.hint).toMatch(/^Cloning failed: setup_clone_failed message/);

    const named = sequence([
      ['setup_started'],
      ['setup_local_path_recorded'],
      ['setup_assets'],
      ['setup_failed', { stage: 'git', error: 'boom' }],
    ]);
    const failed = summarizeOnboarding({ project, run: { id: 30, status: 'failed' }, events: named });
    expect(failed.stages.find((stage) => stage.key === 'git')?.status).toBe('failed');
    expect(failed.hint).toBe('Onboarding failed during Git Config: boom. Fix the cause, then restart onboarding.');

    // Without a stage: the first stage that had not finished.
    expect(
      statuses(
        sequence([['setup_started'], ['setup_local_path_recorded'], ['setup_discovery_started'], ['setup_failed']]),
      ),
    ).toMatchObject({
      resolve: 'completed',
      discovery: 'failed',
    });
  });

  it('clarifications blocking: clarifications blocked, with a hint', () => {
    const events = sequence([
      ['setup_started'],
      ['setup_local_path_recorded'],
      ['setup_clarifications'],
      ['setup_blocked', { stage: 'clarifications' }],
    ]);
    const summary = summarizeOnboarding({ project, run: { id: 30, status: 'blocked' }, events });
    expect(summary.stages.find((stage) => stage.key === 'clarifications')?.status).toBe('blocked');
    expect(summary.hint).toContain('clarifications');
    // An unlabelled setup_blocked still means clarifications, as in the original.
    expect(statuses(sequence([['setup_started'], ['setup_blocked']]))['clarifications']).toBe('blocked');
  });

  it('a re-run starts from pending stages: the previous attempt does not leak into the summary', () => {
    const first = sequence([
      ['setup_started'],
      ['setup_pending_clone', { hint: 'old' }],
      ['setup_blocked', { stage: 'resolve' }],
    ]);
    const second = sequence([['setup_enqueued'], ['setup_started'], ['setup_cloned'], ['setup_discovery_started']], {
      startId: 10,
      start: Date.parse('2026-11-27T18:00:00.000Z'),
    });
    const summary = summarizeOnboarding({
      project,
      run: { id: 30, status: 'running' },
      events: [...second, ...first].reverse(),
    });
    expect(summary.stages.map((stage) => stage.status)).toEqual([
      'completed',
      'running',
      'pending',
      'pending',
      'pending',
    ]);
    expect(summary.hint).toBeNull();
    expect(summary.last_event?.id).toBe(13);
  });

  it('resolve counts as completed once a later stage moved, even without a resolve event (repo already recorded)', () => {
    expect(statuses(sequence([['setup_started']]))['resolve']).toBe('running');
    expect(statuses(sequence([['setup_started'], ['setup_assets']]))['resolve']).toBe('completed');
  });

  it('ignores events outside the mapping (setup_enqueued, unrelated types)', () => {
    const summary = summarizeOnboarding({
      project,
      run: { id: 30, status: 'pending' },
      events: sequence([['setup_enqueued'], ['job_failed']]),
    });
    expect(summary.stages.every((stage) => stage.status === 'pending')).toBe(true);
    expect(summary.last_event?.event_type).toBe('job_failed');
    expect(summary.status).toBe('pending');
  });
});
