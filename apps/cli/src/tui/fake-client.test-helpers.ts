import type {
  ActionResponse,
  EventOut,
  Job,
  OnboardingSummary,
  ProjectOut,
  ProtocolRunOut,
  StepRunOut,
  TasksGodzillaClient,
} from '@tasksgodzilla/client';
import type { Page } from '@tasksgodzilla/core';
import {
  FIXTURE_TIME as AT,
  event as baseEvent,
  project,
  run as baseRun,
  step as baseStep,
} from '@tasksgodzilla/testing/client-fixtures';

export { project };

// The TUI suites' defaults: run 10 is running with step 100 completed on the shell engine.
export const run = (overrides: Partial<ProtocolRunOut> = {}): ProtocolRunOut =>
  baseRun({
    id: 10,
    status: 'running',
    branch_name: '0001-demo',
    description: 'Say hello',
    auto_advance: true,
    spec_hash: 'abc123',
    spec_validation_status: 'valid',
    spec_validated_at: AT,
    ...overrides,
  });

export const step = (overrides: Partial<StepRunOut> = {}): StepRunOut =>
  baseStep({ id: 100, protocol_run_id: 10, status: 'completed', engine_id: 'shell', ...overrides });

export const event = (overrides: Partial<EventOut> = {}): EventOut =>
  baseEvent({ protocol_run_id: 10, event_type: 'step_completed', message: 'Step executed.', ...overrides });

const page = <T>(items: T[]): Page<T> => ({ items, next_cursor: null });
const action = (message: string): ActionResponse => ({ message, job: null });

/**
 * An in-memory api: the data the TUI reads, every call recorded, and a live event stream the test
 * pushes into. Only what the TUI uses is implemented.
 */
export function createFakeClient(
  data: {
    projects?: ProjectOut[];
    runs?: ProtocolRunOut[];
    steps?: StepRunOut[];
    events?: EventOut[];
    jobs?: Job[];
  } = {},
) {
  const state = {
    projects: data.projects ?? [project()],
    runs: data.runs ?? [run()],
    steps: data.steps ?? [
      step(),
      step({
        id: 101,
        step_index: 1,
        step_name: '01-build.md',
        status: 'needs_qa',
        updated_at: '2026-11-27T17:00:05.000Z',
      }),
    ],
    events: data.events ?? [event()],
    jobs: data.jobs ?? [],
  };
  const calls: string[] = [];
  const live: EventOut[] = [];
  let wake: (() => void) | undefined;
  const call = (name: string) => calls.push(name);
  const onboarding = (projectId: number): OnboardingSummary => ({
    project_id: projectId,
    protocol_run_id: null,
    status: 'completed',
    workspace_path: '/srv/work',
    hint: null,
    last_event: null,
    stages: [],
    events: [],
  });

  const client = {
    baseUrl: 'http://fake',
    listProjects: async () => (call('listProjects'), page(state.projects)),
    getOnboarding: async (id: number) => (call(`getOnboarding ${id}`), onboarding(Number(id))),
    listProtocols: async (id: number) => (
      call(`listProtocols ${id}`),
      page(state.runs.filter((r) => r.project_id === Number(id)))
    ),
    listSteps: async (id: number) => (
      call(`listSteps ${id}`),
      page(state.steps.filter((s) => s.protocol_run_id === Number(id)))
    ),
    iterate: async function* <T>(listFn: (params: object) => Promise<Page<T>>) {
      yield* (await listFn({})).items;
    },
    listProtocolEvents: async (id: number) => (
      call(`listProtocolEvents ${id}`),
      page(state.events.filter((e) => e.protocol_run_id === Number(id)))
    ),
    getProtocolSpec: async (id: number) => ({
      protocol_run_id: Number(id),
      protocol_name: 'x',
      project_id: 1,
      spec: { steps: [] },
      spec_hash: 'abc123',
      validation_status: 'valid',
      validation_errors: null,
      validated_at: AT,
    }),
    getProtocolUsage: async () => ({ tokens: 0, cost_usd: 0, by_phase: [], by_model: [] }),
    listEvents: async (params: { limit?: number } = {}) => (
      call(`listEvents ${params.limit ?? ''}`),
      page([...state.events].sort((a, b) => b.id - a.id).slice(0, params.limit ?? 50))
    ),
    queueStats: async () => ({ backend: 'embedded', default: { queued: 0, running: 1 } }),
    listQueueJobs: async () => page(state.jobs),
    listBranches: async () => ({ branches: ['main', '0001-demo'] }),
    runNextStep: async (id: number) => (call(`runNextStep ${id}`), action('ok')),
    retryLatest: async (id: number) => (call(`retryLatest ${id}`), action('ok')),
    runStepQa: async (id: number) => (call(`runStepQa ${id}`), action('ok')),
    approveStep: async (id: number) => (call(`approveStep ${id}`), state.steps.find((s) => s.id === Number(id))),
    runStep: async (id: number) => (call(`runStep ${id}`), action('ok')),
    answerStep: async (id: number, answer: string) => {
      call(`answerStep ${id} ${answer}`);
      state.steps = state.steps.map((s) => (s.id === Number(id) ? { ...s, status: 'running', runtime_state: {} } : s));
      return action('ok');
    },
    openPr: async (id: number) => (call(`openPr ${id}`), action('ok')),
    startProtocol: async (id: number) => (call(`startProtocol ${id}`), action('ok')),
    pauseProtocol: async (id: number) => {
      call(`pauseProtocol ${id}`);
      state.runs = state.runs.map((r) => (r.id === Number(id) ? { ...r, status: 'paused' } : r));
      return state.runs.find((r) => r.id === Number(id));
    },
    resumeProtocol: async (id: number) => (call(`resumeProtocol ${id}`), state.runs.find((r) => r.id === Number(id))),
    cancelProtocol: async (id: number) => {
      call(`cancelProtocol ${id}`);
      state.runs = state.runs.map((r) => (r.id === Number(id) ? { ...r, status: 'cancelled' } : r));
      return state.runs.find((r) => r.id === Number(id));
    },
    createProject: async (body: { name: string; git_url: string }) => {
      call(`createProject ${body.name} ${body.git_url}`);
      const created = project({ id: state.projects.length + 1, name: body.name, git_url: body.git_url });
      state.projects = [...state.projects, created];
      return created;
    },
    createProtocol: async (
      projectId: number,
      body: { protocol_name: string; template?: string | null; auto_advance?: boolean },
    ) => {
      call(
        `createProtocol ${projectId} ${body.protocol_name} template=${body.template ?? '-'} auto=${String(body.auto_advance)}`,
      );
      const created = run({
        id: 20 + state.runs.length,
        project_id: Number(projectId),
        protocol_name: body.protocol_name,
        status: 'pending',
        updated_at: '2026-11-27T18:00:00.000Z',
      });
      state.runs = [...state.runs, created];
      return created;
    },
    auditSpecs: async () => (call('auditSpecs'), action('ok')),
    streamEvents: async function* ({ signal }: { signal?: AbortSignal } = {}) {
      while (!signal?.aborted) {
        const next = live.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal?.addEventListener('abort', () => resolve(), { once: true });
        });
      }
    },
  };

  return {
    client: client as unknown as TasksGodzillaClient,
    state,
    calls,
    /** Delivers an event on the live stream (and keeps it in the event log). */
    push(e: EventOut) {
      state.events = [...state.events, e];
      live.push(e);
      wake?.();
    },
  };
}

/** Waits until `check` holds, yielding to timers and promises in between (no timing assertions). */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
