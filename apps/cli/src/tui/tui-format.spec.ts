import { event, project, run, step } from './fake-client.test-helpers.js';
import {
  eventDetail,
  eventItem,
  jsonBlock,
  onboardingDetail,
  projectDetail,
  projectItem,
  protocolDetail,
  protocolItem,
  settingsDetail,
  specDetail,
  stepItem,
  stepMeta,
  stepPolicy,
  stepRuntime,
} from './tui-format.js';

describe('TUI labels and details', () => {
  it('labels list items as the original TUI', () => {
    expect(projectItem(project())).toEqual({ id: '1', label: '1 demo', subtitle: 'main' });
    expect(protocolItem(run())).toEqual({ id: '10', label: '10 0001-demo', subtitle: 'running · main' });
    expect(stepItem(step({ retries: 2 }))).toEqual({
      id: '100',
      label: '0: 00-setup.md [completed]',
      subtitle: 'retries=2',
    });
    expect(eventItem(event())).toEqual({ id: '1', label: 'step_completed: Step executed.' });
  });

  it('renders project and protocol details, with step counts of the steps given', () => {
    expect(projectDetail(undefined)).toBe('No project selected.');
    expect(projectDetail(project())).toBe('demo [main] • git=/srv/demo.git\nUpdated: 2026-11-27 17:00:00');
    expect(protocolDetail(undefined, [])).toBe('No protocol selected.');
    const text = protocolDetail(run(), [step(), step({ id: 2, status: 'needs_qa' }), step({ id: 3 })]);
    expect(text.split('\n')[0]).toBe('0001-demo [running] • base=main • steps=completed:2, needs_qa:1');
    expect(text).toContain('Say hello');
    expect(protocolDetail(run(), [])).toContain('steps=no steps');
  });

  it('renders the spec, step meta, policy and runtime placeholders', () => {
    expect(specDetail(null)).toBe('Spec: n/a');
    const spec = specDetail({
      protocol_run_id: 1,
      protocol_name: 'x',
      project_id: 1,
      spec: null,
      spec_hash: 'h',
      validation_status: 'invalid',
      validation_errors: ['bad step'],
      validated_at: null,
    });
    expect(spec).toBe('Spec hash=h • status=invalid • validated=-\nErrors: bad step\nNo spec attached.');
    expect(stepMeta(undefined)).toBe('Select a step to see engine, policy, and runtime details.');
    expect(stepMeta(step({ summary: 'QA verdict: PASS' }))).toBe(
      '0: 00-setup.md [completed]\nEngine: shell | Model: n/a | Type: work\nRetries: 0\nSummary: QA verdict: PASS',
    );
    expect(stepPolicy(step())).toBe('No policy attached.');
    expect(stepRuntime(step({ runtime_state: {} }))).toBe('No runtime state yet.');
    expect(jsonBlock({ a: 'x'.repeat(2000) }, '-')).toMatch(/\.\.\. \(truncated\)$/);
  });

  it('shows the newest onboarding event as "Last" (the original showed the oldest)', () => {
    const summary = {
      project_id: 1,
      protocol_run_id: 5,
      status: 'completed' as const,
      workspace_path: '/srv/w',
      hint: null,
      last_event: null,
      stages: [
        {
          key: 'resolve' as const,
          name: 'Resolve/Clone',
          status: 'completed' as const,
          event_type: null,
          message: null,
          created_at: null,
          metadata: null,
        },
      ],
      events: [
        event({ id: 3, event_type: 'setup_completed', message: 'done' }),
        event({ id: 1, event_type: 'setup_started', message: 'start' }),
      ],
    };
    expect(onboardingDetail(summary)).toBe(
      'Onboarding [completed] • /srv/w\nResolve/Clone: completed\nLast: setup_completed 2026-11-27 17:00:00 done',
    );
    expect(onboardingDetail(null)).toBe('Onboarding: n/a');
  });

  it('shows an event with its catalogue label and group', () => {
    expect(eventDetail(event({ event_type: 'qa_passed', message: 'QA passed.' })).split('\n')[0]).toBe(
      'qa_passed (QA passed, qa) • 2026-11-27 17:00:00',
    );
    expect(eventDetail(event({ event_type: 'Pipeline Hook', message: 'CI' })).split('\n')[0]).toMatch(
      /^Pipeline Hook \(Pipeline Hook, ci\) • /,
    );
  });

  it('renders the settings', () => {
    expect(
      settingsDetail({
        apiBase: 'http://x',
        token: true,
        projectToken: false,
        live: true,
        stepFilter: 'all',
        jobFilter: 'failed',
      }),
    ).toBe('API: http://x\nToken: set • Project token: -\nLive updates: on • Step filter: all\nJob filter: failed');
  });
});
