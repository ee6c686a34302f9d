import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram, listCommands } from './cli.js';
import { DEFAULTS, event, fakeApi, json, PROJECT, protocolRun, run, text } from './cli.test-helpers.js';

const silentIo = { stdout: { write: () => true }, stderr: { write: () => true } };

describe('global options', () => {
  const api = () => fakeApi({ 'GET /projects': () => json([PROJECT]) });

  it.each([[['--json', 'projects', 'list']], [['projects', 'list', '--json']], [['projects', '--json', 'list']]])(
    '--json works anywhere: %j',
    async (argv) => {
      const { fetch } = api();
      const result = await run(argv, { fetch });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([PROJECT]);
    },
  );

  it('accepts --api-base, --token and --project-token after the subcommand', async () => {
    const { fetch, requests } = api();
    const result = await run(
      ['projects', 'list', '--api-base', 'http://other.test:9000', '--token', 'secret', '--project-token=pt'],
      { fetch },
    );
    expect(result.code).toBe(0);
    expect(requests[0]!.url.origin).toBe('http://other.test:9000');
    expect(requests[0]!.headers['authorization']).toBe('Bearer secret');
    expect(requests[0]!.headers['x-project-token']).toBe('pt');
  });

  it('falls back to the environment defaults', async () => {
    const { fetch, requests } = api();
    await run(['projects', 'list'], {
      fetch,
      defaults: { apiBase: 'http://env.test:1234', token: 'from-env', projectToken: undefined },
    });
    expect(requests[0]!.url.origin).toBe('http://env.test:1234');
    expect(requests[0]!.headers['authorization']).toBe('Bearer from-env');
    expect(requests[0]!.headers['x-project-token']).toBeUndefined();
  });

  it('prints a table without --json', async () => {
    const { fetch } = api();
    const result = await run(['projects', 'list'], { fetch });
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      'ID  Name  Base  Git                Updated',
      '--  ----  ----  -----------------  -------------------',
      '1   demo  main  /srv/git/demo.git  2026-11-27 17:00:01',
    ]);
  });

  it('rejects an api base that is not an http(s) URL (exit 2)', async () => {
    const result = await run(['projects', 'list', '--api-base', 'ftp://x'], { fetch: api().fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --api-base must be an http(s) URL');
  });
});

describe('errors and exit codes', () => {
  it('404 from the api: exit 1, readable message on stderr, nothing on stdout', async () => {
    const { fetch } = fakeApi({ 'GET /projects/99': () => json({ detail: 'Project not found' }, 404) });
    const result = await run(['projects', 'show', '99'], { fetch });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: 404 Not Found: Project not found\n' });
  });

  it('409 is a runtime error (exit 1)', async () => {
    const { fetch } = fakeApi({
      'POST /protocols/2/actions/start': () => json({ detail: 'Protocol already running or terminal' }, 409),
    });
    const result = await run(['protocols', 'start', '2'], { fetch });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: 409 Conflict: Protocol already running or terminal\n');
  });

  it('422 from the api is a validation error (exit 2) with field paths', async () => {
    const { fetch } = fakeApi({
      'POST /projects': () => json({ detail: [{ loc: ['body', 'git_url'], msg: 'must not be blank' }] }, 422),
    });
    const result = await run(['projects', 'create', '--name', 'x', '--git-url', 'https://example.invalid/x.git'], {
      fetch,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: 422 Validation failed: body.git_url: must not be blank');
  });

  it('an unreachable api: exit 1 with a hint', async () => {
    const fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    };
    const result = await run(['queues', 'stats'], { fetch });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: cannot reach http://api.test:8010: ECONNREFUSED');
    expect(result.stderr).toContain('hint: is the api running?');
  });

  it('--verbose adds the request id and url', async () => {
    const { fetch } = fakeApi({
      'GET /steps/5': () => json({ detail: 'Step not found' }, 404, { 'x-request-id': 'req-1' }),
    });
    const result = await run(['steps', 'show', '5', '--verbose'], { fetch });
    expect(result.stderr).toContain('request: GET http://api.test:8010/steps/5');
    expect(result.stderr).toContain('request id: req-1');
  });

  it.each([
    [['projects', 'create', '--name', 'x'], "required option '--git-url <url-or-path>' not specified"],
    [['projects', 'show'], "missing required argument 'project-id'"],
    [['projects', 'show', 'abc'], 'expected a positive integer id'],
    [['steps', 'list'], "required option '--protocol <id>' not specified"],
    [['events', 'recent', '--limit', '9999'], 'expected a number from 1 to 500'],
    [['projects', 'create', '--name', 'x', '--git-url', 'y', '--default-models', '{bad'], 'expected a JSON object'],
    [['protocols', 'wait', '2', '--until', 'done'], 'expected one of pending, planning'],
    [['projects', 'nope'], "unknown command 'nope'"],
    [['bogus'], "unknown command 'bogus'"],
    [['projects', 'list', '--bogus'], "unknown option '--bogus'"],
  ])('usage error %j: exit 2, "%s"', async (argv, message) => {
    const { fetch, requests } = fakeApi({});
    const result = await run(argv, { fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(requests).toHaveLength(0);
  });

  it('a command group without its action prints its help on stderr (exit 2)', async () => {
    const result = await run(['projects'], { fetch: fakeApi({}).fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: tgz projects');
  });

  it('no command and no terminal: help on stderr, exit 2', async () => {
    const result = await run(['--json'], { fetch: fakeApi({}).fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: tgz');
    expect(result.stderr).toContain('error: no command given');
  });

  it('--help exits 0 on stdout', async () => {
    const result = await run(['protocols', 'create', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--auto-advance');
    expect(result.stdout).toContain('Examples:');
  });
});

describe('help', () => {
  const commands = listCommands(buildProgram({ io: silentIo, defaults: DEFAULTS }));

  it('covers every command of the original §1.5 (and ours)', () => {
    const names = commands.map((c) => c.name);
    for (const name of [
      'projects list',
      'projects create',
      'projects show',
      'projects onboarding',
      'projects start-onboarding',
      'projects branches',
      'projects delete-branch',
      'protocols list',
      'protocols create',
      'protocols create-and-start',
      'protocols show',
      'protocols start',
      'protocols pause',
      'protocols resume',
      'protocols cancel',
      'protocols run-next',
      'protocols retry-latest',
      'protocols open-pr',
      'protocols spec',
      'protocols usage',
      'protocols wait',
      'steps list',
      'steps show',
      'steps run',
      'steps qa',
      'steps approve',
      'steps answer',
      'steps log',
      'steps diff',
      'events list',
      'events recent',
      'events watch',
      'queues stats',
      'queues jobs',
      'queues retry',
      'queues cancel',
      'codemachine import',
      'spec audit',
      'codex-runs list',
      'codex-runs show',
      'codex-runs logs',
      'health',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(commands.map((c) => [c.name, c.command] as const))(
    '%s has a description, described arguments and options, and examples',
    (_name, command) => {
      expect(command.description()).not.toBe('');
      for (const arg of command.registeredArguments) expect(arg.description).not.toBe('');
      for (const option of command.options) expect(option.description).not.toBe('');
      if (command.commands.length === 0) {
        const help = { text: '' };
        command.configureOutput({ writeOut: (s) => void (help.text += s) });
        command.outputHelp();
        expect(help.text).toContain('Examples:');
        expect(help.text).toContain('--json');
      }
    },
  );
});

describe('commands', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tgz-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('projects create sends the original body and prints the original line; local paths go absolute', async () => {
    const { fetch, requests } = fakeApi({ 'POST /projects': () => json(PROJECT) });
    const result = await run(
      ['projects', 'create', '--name', 'demo', '--git-url', dir, '--default-models', '{"exec":"m"}'],
      { fetch },
    );
    expect(result).toMatchObject({ code: 0, stdout: 'Created project 1 (demo). Setup job enqueued.\n' });
    expect(requests[0]!.body).toEqual({
      name: 'demo',
      git_url: dir,
      base_branch: 'main',
      local_path: null,
      ci_provider: null,
      default_models: { exec: 'm' },
    });
  });

  it('protocols create --template --auto-advance --start', async () => {
    const { fetch, requests } = fakeApi({
      'POST /projects/1/protocols': () => json(protocolRun('pending')),
      'POST /protocols/2/actions/start': () => json({ message: 'Protocol planning enqueued', job: { job_id: 'j1' } }),
    });
    const result = await run(
      ['protocols', 'create', '--project', '1', '--name', '0001-demo', '--template', dir, '--auto-advance', '--start'],
      { fetch },
    );
    expect(result.code).toBe(0);
    expect(requests[0]!.body).toEqual({
      protocol_name: '0001-demo',
      description: null,
      template: dir,
      auto_advance: true,
    });
    expect(requests[1]!.method).toBe('POST');
    expect(result.stdout).toBe('Protocol 0001-demo (2) created; planning enqueued (job j1).\n');
  });

  it('protocols create --engine sends engine_id; a blank one is refused before any request', async () => {
    const { fetch, requests } = fakeApi({ 'POST /projects/1/protocols': () => json(protocolRun('pending')) });
    const created = await run(['protocols', 'create', '--project', '1', '--name', '0001-demo', '--engine', 'shell'], {
      fetch,
    });
    expect(created.code).toBe(0);
    expect(requests[0]!.body).toEqual({ protocol_name: '0001-demo', description: null, engine_id: 'shell' });
    const blank = await run(['protocols', 'create', '--project', '1', '--name', '0001-demo', '--engine', ' '], {
      fetch,
    });
    expect(blank.code).not.toBe(0);
    expect(blank.stderr).toContain('--engine');
    expect(requests).toHaveLength(1);
  });

  it('action output: the message with the job id, or the JSON response', async () => {
    const routes = {
      'POST /protocols/2/actions/run_next_step': () =>
        json({ message: 'Step 01-build enqueued', job: { job_id: 'j9' } }),
    };
    expect((await run(['protocols', 'run-next', '2'], { fetch: fakeApi(routes).fetch })).stdout).toBe(
      'Step 01-build enqueued (job j9).\n',
    );
    expect(
      JSON.parse((await run(['protocols', 'run-next', '2', '--json'], { fetch: fakeApi(routes).fetch })).stdout),
    ).toEqual({ message: 'Step 01-build enqueued', job: { job_id: 'j9' } });
  });

  it('steps answer posts the answer and prints the action; a blank answer is a usage error that calls nothing', async () => {
    const { fetch, requests } = fakeApi({
      'POST /steps/5/answer': () =>
        json({ message: 'Answer recorded; step re-queued', job: { job_id: 'j7', job_type: 'execute_step_job' } }),
    });
    const result = await run(['steps', 'answer', '5', 'Use port 8080'], { fetch });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Answer recorded; step re-queued (job j7).\n');
    expect(requests[0]!.body).toEqual({ answer: 'Use port 8080' });
    const blank = await run(['steps', 'answer', '5', '   '], { fetch });
    expect(blank.code).toBe(2);
    expect(requests).toHaveLength(1);
    const conflict = await run(['steps', 'answer', '6', 'x'], {
      fetch: fakeApi({ 'POST /steps/6/answer': () => json({ detail: 'Step is not waiting for an answer' }, 409) })
        .fetch,
    });
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Step is not waiting for an answer');
  });

  it('steps show prints the question of a step waiting for input, and how to answer it', async () => {
    const waiting = {
      id: 5,
      protocol_run_id: 2,
      step_index: 1,
      step_name: '01-build.md',
      step_type: 'work',
      status: 'needs_input',
      retries: 0,
      engine_id: 'codex',
      model: null,
      summary: 'Waiting for an answer: Which port?',
      policy: null,
      runtime_state: { needs_input: { question: 'Which port?\n80 or 8080' } },
      created_at: '2026-11-27T17:00:00.000Z',
      updated_at: '2026-11-27T17:00:01.000Z',
    };
    const result = await run(['steps', 'show', '5'], { fetch: fakeApi({ 'GET /steps/5': () => json(waiting) }).fetch });
    expect(result.stdout).toContain('status:          needs_input');
    expect(result.stdout).toContain(
      'Question from the agent (answer with: tgz steps answer 5 "<answer>"):\nWhich port?\n80 or 8080\n',
    );
    const done = await run(['steps', 'show', '5'], {
      fetch: fakeApi({ 'GET /steps/5': () => json({ ...waiting, status: 'completed' }) }).fetch,
    });
    expect(done.stdout).not.toContain('Question from the agent');
  });

  it('steps log prints the text body; --json wraps it', async () => {
    const routes = { 'GET /steps/5/log': () => text('line 1\nline 2\n') };
    expect((await run(['steps', 'log', '5'], { fetch: fakeApi(routes).fetch })).stdout).toBe('line 1\nline 2\n');
    expect(JSON.parse((await run(['--json', 'steps', 'log', '5'], { fetch: fakeApi(routes).fetch })).stdout)).toEqual({
      step_id: 5,
      log: 'line 1\nline 2\n',
    });
  });

  it('events list walks pages and prints oldest first', async () => {
    const { fetch, requests } = fakeApi({
      'GET /protocols/2/events': (req) =>
        req.url.searchParams.get('cursor') === 'c2'
          ? json([event(2, 'planned'), event(1, 'planning_enqueued')])
          : json([event(4, 'step_completed'), event(3, 'step_started')], 200, { 'X-Next-Cursor': 'c2' }),
    });
    const result = await run(['events', 'list', '--protocol', '2', '--json'], { fetch });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { id: number }[]).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(requests).toHaveLength(2);
  });

  it('spec audit goes through POST /specs/audit', async () => {
    const { fetch, requests } = fakeApi({
      'POST /specs/audit': () => json({ message: 'Spec audit enqueued.', job: { job_id: 'a1' } }),
    });
    const result = await run(['spec', 'audit', '--protocol', '2', '--backfill'], { fetch });
    expect(result.stdout).toBe('Spec audit enqueued. (job a1).\n');
    expect(requests[0]!.body).toEqual({ project_id: null, protocol_id: 2, backfill: true, interval_seconds: null });
  });

  it.each([
    ['validate', '--backfill-missing'],
    ['audit', '--backfill-missing'],
    ['validate', '--backfill'],
  ])("spec %s %s (the original's command line) asks for a backfill", async (command, flag) => {
    const { fetch, requests } = fakeApi({
      'POST /specs/audit': () => json({ message: 'Spec audit enqueued.', job: { job_id: 'a2' } }),
    });
    const result = await run(['spec', command, '--project', '1', flag], { fetch });
    expect(result.code).toBe(0);
    expect(requests[0]!.body).toEqual({ project_id: 1, protocol_id: null, backfill: true, interval_seconds: null });
  });

  it('spec validate without a backfill flag sends backfill false', async () => {
    const { fetch, requests } = fakeApi({
      'POST /specs/audit': () => json({ message: 'Spec audit enqueued.', job: { job_id: 'a3' } }),
    });
    await run(['spec', 'validate'], { fetch });
    expect(requests[0]!.body).toMatchObject({ backfill: false });
  });

  it('queues stats renders one row per queue', async () => {
    const { fetch } = fakeApi({
      'GET /queues': () => json({ backend: 'embedded', default: { queued: 1, running: 0, succeeded: 5, failed: 0 } }),
    });
    const result = await run(['queues', 'stats'], { fetch });
    expect(result.stdout).toContain('Backend: embedded');
    expect(result.stdout).toMatch(/default\s+1\s+0\s+5\s+0/);
  });
});

describe('protocols wait', () => {
  function sequence(statuses: string[]) {
    let i = 0;
    return fakeApi({
      'GET /protocols/2': () => json(protocolRun(statuses[Math.min(i++, statuses.length - 1)]!)),
      'GET /protocols/2/steps': () =>
        json([{ id: 7, step_index: 1, step_name: '01-build.md', status: 'failed', summary: 'QA verdict: FAIL' }]),
    });
  }

  it('returns when the run reaches the target status', async () => {
    const result = await run(['protocols', 'wait', '2', '--interval', '0.01'], {
      fetch: sequence(['planning', 'running', 'running', 'completed']).fetch,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /protocol 2 \(0001-demo\): planning\n.*: running\n.*: completed\nProtocol 2 \(0001-demo\) is completed after/,
    );
  });

  it('exit 1 when it ends anywhere else, naming the failed steps', async () => {
    const result = await run(['protocols', 'wait', '2', '--interval', '0.01'], {
      fetch: sequence(['running', 'blocked']).fetch,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: protocol 2 (0001-demo) ended blocked, not completed');
    expect(result.stderr).toContain('step 7 01-build.md: failed (QA verdict: FAIL)');
  });

  it('exit 1 on timeout', async () => {
    let now = 0;
    const result = await run(['protocols', 'wait', '2', '--timeout', '5', '--interval', '0.01'], {
      fetch: sequence(['running']).fetch,
      now: () => (now += 1000),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: timed out after 5 s waiting for protocol 2 (0001-demo) to be completed; it is running',
    );
  });

  it('--json prints the final run on stdout and progress only with --verbose', async () => {
    const result = await run(['protocols', 'wait', '2', '--json', '--interval', '0.01'], {
      fetch: sequence(['running', 'completed']).fetch,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 2, status: 'completed' });
    expect(result.stderr).toBe('');
  });
});

describe('events watch', () => {
  function sse(events: unknown[], signal: AbortSignal | undefined): Response {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        const encoder = new TextEncoder();
        for (const e of events)
          controller.enqueue(encoder.encode(`id: ${(e as { id: number }).id}\ndata: ${JSON.stringify(e)}\n\n`));
        // Stays open, as the server's stream does.
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  it('prints one line per event until interrupted (exit 0)', async () => {
    let interrupt: (() => void) | undefined;
    const lines: string[] = [];
    const { fetch, requests } = fakeApi({
      'GET /events/stream': (req) =>
        sse(
          [event(1, 'planning_enqueued'), event(2, 'planned', { metadata: { spec_hash: 'abcdef0123456789' } })],
          req.signal,
        ),
    });
    const result = await run(['events', 'watch', '--protocol', '2'], {
      fetch,
      onInterrupt: (handler) => ((interrupt = handler), () => (interrupt = undefined)),
      onLine: (line) => {
        lines.push(line);
        if (lines.length === 2) interrupt?.();
      },
    });
    expect(result.code).toBe(0);
    expect(lines).toEqual([
      '[2026-11-27 17:00:01] planning_enqueued (protocol #2) :: planning_enqueued happened',
      '[2026-11-27 17:00:02] planned (protocol #2) [spec:abcdef012345] :: planned happened',
    ]);
    expect(requests[0]!.url.searchParams.get('protocol_run_id')).toBe('2');
    expect(result.stderr).toContain('Watching events of protocol 2');
  });

  it("accepts the original's --interval, says the stream is live, and streams as usual", async () => {
    let interrupt: (() => void) | undefined;
    const lines: string[] = [];
    const { fetch, requests } = fakeApi({ 'GET /events/stream': (req) => sse([event(3, 'planned')], req.signal) });
    const result = await run(['events', 'watch', '--protocol', '2', '--interval', '2.0'], {
      fetch,
      onInterrupt: (h) => ((interrupt = h), () => (interrupt = undefined)),
      onLine: (line) => (lines.push(line), interrupt?.()),
    });
    expect(result.code).toBe(0);
    expect(lines).toEqual(['[2026-11-27 17:00:03] planned (protocol #2) :: planned happened']);
    expect(requests).toHaveLength(1);
    expect(result.stderr).toContain('--interval is ignored: events arrive live');
  });

  it('refuses a bad --interval before any request', async () => {
    const { fetch, requests } = fakeApi({});
    const result = await run(['events', 'watch', '--interval', 'soon'], { fetch });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('expected a number of seconds');
    expect(requests).toHaveLength(0);
  });

  it('--json prints JSON lines', async () => {
    let interrupt: (() => void) | undefined;
    const { fetch } = fakeApi({ 'GET /events/stream': (req) => sse([event(5, 'step_completed')], req.signal) });
    const result = await run(['events', 'watch', '--json'], {
      fetch,
      onInterrupt: (h) => ((interrupt = h), () => undefined),
      onLine: () => interrupt?.(),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ id: 5, event_type: 'step_completed' });
    expect(result.stderr).toBe('');
  });
});
