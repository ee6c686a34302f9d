import { join } from 'node:path';
import { ApiError, type EventOut, type StepRunOut } from '@tasksgodzilla/client';
import { git, postgresAvailable, redisAvailable } from '@tasksgodzilla/testing';
import { startStack, waitFor, WEBHOOK_SECRET, type Stack, type StackKind } from './stack.test-helpers.js';

// The built api and worker as a user runs them, driven over HTTP with @tasksgodzilla/client only.
// PostgreSQL + Redis are required when CI=true (postgresAvailable/redisAvailable throw then).
const distributed = (await postgresAvailable()) && (await redisAvailable());
const KINDS: StackKind[] = ['sqlite-worker', 'sqlite-inline', ...(distributed ? (['postgres-bullmq'] as const) : [])];

const STEP_NAMES = ['00-setup.md', '01-build.md', '02-docs.md'];

async function expectApiError(promise: Promise<unknown>, status: number, detail?: string): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
  if (detail !== undefined) expect((error as ApiError).detail).toEqual(detail);
  return error as ApiError;
}

describe.each(KINDS)('end to end over HTTP: %s', (kind) => {
  let stack: Stack;
  let projectId: number;

  const steps = (runId: number) => stack.client.listSteps(runId, { limit: 100 }).then((page) => page.items);
  const stepNamed = (list: StepRunOut[], name: string) => list.find((step) => step.step_name === name)!;
  const run = (runId: number) => stack.client.getProtocol(runId);
  const eventTypes = async (runId: number) =>
    (await stack.client.listProtocolEvents(runId, { limit: 500 })).items.map((event) => event.event_type);
  const planned = async (name: string, extra: { template?: string; auto_advance?: boolean } = {}) => {
    const created = await stack.client.createProtocol(projectId, {
      protocol_name: name,
      template: extra.template ?? stack.template(),
      auto_advance: extra.auto_advance ?? false,
    });
    await stack.client.startProtocol(created.id);
    await waitFor(
      () => run(created.id),
      (r) => r.status !== 'planning' && r.status !== 'pending',
      `${name} planned`,
    );
    return created.id;
  };

  beforeAll(async () => {
    stack = await startStack(kind);
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  }, 120_000);

  it('is healthy, documents itself, and answers 401/404/422 over real HTTP', async () => {
    const health = await stack.client.health();
    expect(health).toMatchObject({
      status: 'ok',
      db: { ok: true },
      queue: { ok: true, backend: kind === 'postgres-bullmq' ? 'bullmq' : 'embedded' },
    });
    const openapi = await stack.client.openapi();
    expect(Object.keys(openapi.paths as object)).toContain('/events/stream');

    const anonymous = stack.clientWith({ token: undefined });
    await expectApiError(anonymous.listProjects(), 401, 'Unauthorized');
    await expectApiError(stack.client.getProtocol(999_999), 404, 'Protocol run not found');
    await expectApiError(stack.client.getStep(999_999), 404, 'Step not found');
    const invalid = await expectApiError(stack.client.createProject({ name: '', git_url: 'x' }), 422);
    expect(invalid.issues.map((issue) => issue.path)).toEqual([['name']]);
  });

  it('creates a project whose onboarding completes', async () => {
    const project = await stack.client.createProject({
      name: `e2e-${kind}`,
      git_url: stack.repo.originPath,
      local_path: stack.repo.path,
      secrets: { note: 'hidden' },
    });
    expect(project.secrets).toEqual({ note: '***' });
    projectId = project.id;
    const summary = await waitFor(
      () => stack.client.getOnboarding(projectId),
      (s) => ['completed', 'blocked', 'failed'].includes(s.status),
      'onboarding',
    );
    expect(summary.status).toBe('completed');
    expect(summary.events.map((event) => event.event_type)).toContain('setup_completed');
  });

  it('runs a template protocol with auto_advance to completed, followed over the event stream', async () => {
    const since = (await stack.client.listEvents({ limit: 1 })).items[0]?.id ?? 0;
    const created = await stack.client.createProtocol(projectId, {
      protocol_name: '0001-e2e',
      template: stack.template(),
      auto_advance: true,
      description: 'e2e',
    });
    expect(created).toMatchObject({ status: 'pending', auto_advance: true });

    const controller = new AbortController();
    const safety = setTimeout(() => controller.abort(), 150_000);
    const seen: EventOut[] = [];
    const follow = (async () => {
      for await (const event of stack.client.streamEvents({
        protocol_run_id: created.id,
        last_event_id: since,
        signal: controller.signal,
      })) {
        seen.push(event);
        if (event.event_type === 'protocol_completed' || event.event_type === 'protocol_failed') break;
      }
    })();
    const start = await stack.client.startProtocol(created.id, { requestId: `req-e2e-${kind}` });
    expect(start.job).toMatchObject({ job_type: 'plan_protocol_job', status: 'queued' });
    await follow;
    clearTimeout(safety);
    controller.abort();

    const types = seen.map((event) => event.event_type);
    expect(types.at(-1)).toBe('protocol_completed');
    expect(types).toEqual(expect.arrayContaining(['planning_enqueued', 'planned', 'step_completed', 'qa_passed']));
    const ids = seen.map((event) => event.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.find((event) => event.event_type === 'planning_enqueued')?.metadata?.request_id).toBe(
      `req-e2e-${kind}`,
    );

    const final = await run(created.id);
    expect(final.status).toBe('completed');
    expect(final.spec_validation_status).toBe('valid');
    expect((await steps(created.id)).map((step) => [step.step_name, step.status])).toEqual(
      STEP_NAMES.map((name) => [name, 'completed']),
    );
    // Plan + one commit per step, between onboarding's starter-assets commit (services-onboarding
    // seedWorktree) and the run's final reports commit.
    const subjects = git(stack.repo.originPath, ['log', '--format=%s', 'main..0001-e2e']).split('\n');
    expect(
      subjects.filter(
        (subject) => !subject.startsWith('TasksGodzilla: onboarding') && subject !== '0001-e2e: final reports',
      ),
    ).toHaveLength(4);
    const tree = git(stack.repo.originPath, ['ls-tree', '-r', '--name-only', '0001-e2e']).split('\n');
    expect(tree).toEqual(expect.arrayContaining(['work/setup.txt', 'bin/hello', 'docs/USAGE.md']));
    expect(await eventTypes(created.id)).toContain('protocol_completed');

    const build = stepNamed(await steps(created.id), '01-build.md');
    expect(await stack.client.getStepDiff(build.id)).toContain('bin/hello');
    expect(typeof (await stack.client.getStepLog(build.id))).toBe('string');
    const usage = await stack.client.getProtocolUsage(created.id);
    expect(usage.by_phase.map((phase) => phase.phase)).toEqual(expect.arrayContaining(['planning', 'exec', 'qa']));

    await expectApiError(stack.client.startProtocol(created.id), 409, 'Protocol already running or terminal');
    await expectApiError(stack.client.cancelProtocol(created.id), 409, 'Protocol already terminal');
  });

  it('pauses, resumes and cancels a run while a slow step works', async () => {
    const template = stack.template({
      '01-build.md':
        '# 01 - Build\n\n```sh\nsleep 5\nmkdir -p bin\nprintf ok > bin/slow\n```\n\n## Checks\n\n```sh\ntest -f bin/slow\n```\n',
    });
    const created = await stack.client.createProtocol(projectId, {
      protocol_name: '0002-slow',
      template,
      auto_advance: true,
    });
    await stack.client.startProtocol(created.id);
    await waitFor(
      () => steps(created.id),
      (list) => list.length > 0 && stepNamed(list, '01-build.md').status === 'running',
      '01-build running',
    );

    const paused = await stack.client.pauseProtocol(created.id);
    expect(paused.status).toBe('paused');
    await expectApiError(stack.client.runNextStep(created.id), 409);
    // The running step finishes; a paused run does not move on to the next one.
    const afterStep = await waitFor(
      () => steps(created.id),
      (list) => stepNamed(list, '01-build.md').status !== 'running',
      '01-build finished',
    );
    expect(stepNamed(afterStep, '02-docs.md').status).toBe('pending');
    expect((await run(created.id)).status).toBe('paused');

    const resumed = await stack.client.resumeProtocol(created.id);
    expect(resumed.status).toBe('running');
    const cancelled = await stack.client.cancelProtocol(created.id);
    expect(cancelled.status).toBe('cancelled');
    const final = await waitFor(
      () => steps(created.id),
      (list) =>
        list.every((step) => step.status !== 'running' && step.status !== 'needs_qa' && step.status !== 'pending'),
      'steps settled',
    );
    expect(stepNamed(final, '00-setup.md').status).toBe('completed');
    expect(stepNamed(final, '02-docs.md').status).toBe('cancelled');
    expect((await run(created.id)).status).toBe('cancelled');
    expect(await eventTypes(created.id)).toEqual(expect.arrayContaining(['paused', 'resumed', 'cancelled']));
  });

  it('retries a failed step, and the run then completes', async () => {
    const marker = join(stack.dir.path, `retry-marker-${kind}`);
    const template = stack.template({
      '01-build.md': `# 01 - Build\n\n\`\`\`sh\nif [ ! -f '${marker}' ]; then touch '${marker}'; echo 'first attempt fails' >&2; exit 1; fi\nmkdir -p bin\nprintf ok > bin/retried\n\`\`\`\n\n## Checks\n\n\`\`\`sh\ntest -f bin/retried\n\`\`\`\n`,
    });
    const created = await stack.client.createProtocol(projectId, {
      protocol_name: '0003-retry',
      template,
      auto_advance: true,
    });
    await stack.client.startProtocol(created.id);
    await waitFor(
      () => steps(created.id),
      (list) => list.length > 0 && stepNamed(list, '01-build.md').status === 'failed',
      '01-build failed',
    );
    await waitFor(
      () => run(created.id),
      (r) => r.status !== 'running',
      'run stopped after the failure',
    );

    const retry = await stack.client.retryLatest(created.id);
    expect(retry.message).toBe('Retrying 01-build.md');
    expect(retry.job?.job_type).toBe('execute_step_job');
    const final = await waitFor(
      () => run(created.id),
      (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
      'run completed after retry',
    );
    expect(final.status).toBe('completed');
    const build = stepNamed(await steps(created.id), '01-build.md');
    expect(build).toMatchObject({ status: 'completed', retries: 1 });
    expect(await eventTypes(created.id)).toEqual(
      expect.arrayContaining(['step_execution_failed', 'step_retry_enqueued']),
    );
  });

  it('approves a step by hand', async () => {
    const runId = await planned('0004-approve');
    const next = await stack.client.runNextStep(runId);
    expect(next.message).toBe('Step 00-setup.md enqueued');
    const waiting = await waitFor(
      () => steps(runId),
      (list) => stepNamed(list, '00-setup.md').status === 'needs_qa',
      '00-setup waiting for QA',
    );
    const approved = await stack.client.approveStep(stepNamed(waiting, '00-setup.md').id);
    expect(approved.status).toBe('completed');
    expect(await eventTypes(runId)).toContain('manual_approval');
  });

  it('accepts signed webhooks and refuses bad signatures and tokens', async () => {
    const runId = await planned('0005-hooks');
    const branch = { branches: [{ name: '0005-hooks' }] };
    const ok = await stack.client.sendGithubWebhook({
      event: 'status',
      payload: { state: 'pending', ...branch },
      secret: WEBHOOK_SECRET,
    });
    expect(ok).toEqual({ message: 'Webhook recorded', job: null });
    await expectApiError(
      stack.client.sendGithubWebhook({
        event: 'status',
        payload: { state: 'success', ...branch },
        secret: 'wrong-secret',
      }),
      401,
      'Invalid webhook signature',
    );
    await expectApiError(
      stack.client.sendGithubWebhook({ event: 'status', payload: { state: 'success', ...branch } }),
      401,
      'Invalid webhook signature',
    );
    const gitlab = await stack.client.sendGitlabWebhook({
      event: 'Pipeline Hook',
      payload: { object_kind: 'pipeline', object_attributes: { status: 'success', ref: '0005-hooks' } },
      token: WEBHOOK_SECRET,
    });
    expect(gitlab.message).toBe('Webhook recorded');
    await expectApiError(
      stack.client.sendGitlabWebhook({
        event: 'Pipeline Hook',
        payload: { object_attributes: { status: 'failed', ref: '0005-hooks' } },
        token: 'nope',
      }),
      401,
      'Invalid webhook token',
    );
    const list = await steps(runId);
    expect(list.some((step) => step.status === 'completed' && step.summary === 'CI passed')).toBe(true);
    expect(await eventTypes(runId)).toEqual(expect.arrayContaining(['status', 'pipeline']));
  });

  it('lists queue counts and jobs', async () => {
    const stats = await stack.client.queueStats();
    expect(stats.backend).toBe(kind === 'postgres-bullmq' ? 'bullmq' : 'embedded');
    expect(stats.default).toMatchObject({ succeeded: expect.any(Number) });
    const jobs = (await stack.client.listQueueJobs({ status: 'succeeded', limit: 500 })).items;
    expect(jobs.map((job) => job.job_type)).toEqual(
      expect.arrayContaining(['project_setup_job', 'plan_protocol_job', 'execute_step_job', 'run_quality_job']),
    );
    expect(jobs.every((job) => job.payload.job_id === job.job_id)).toBe(true);
    const metrics = await stack.client.metrics();
    expect(metrics).toContain('requests_duration_seconds');
  });
});
