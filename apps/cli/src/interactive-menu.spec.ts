import { PassThrough } from 'node:stream';
import { createClient } from '@tasksgodzilla/client';
import type { CommandContext } from './cli.types.js';
import { expectToContainAll, fakeApi, json, PROJECT, protocolRun } from './cli.test-helpers.js';
import { runInteractiveMenu } from './interactive-menu.js';

/** Plays the answers one prompt at a time, as a person would type them. */
async function play(answers: string[], routes: Parameters<typeof fakeApi>[0]) {
  const { fetch, requests } = fakeApi(routes);
  const stdin = new PassThrough();
  let output = '';
  const stdout = {
    write: (chunk: string) => {
      output += chunk;
      if (/: $/.test(chunk)) {
        const next = answers.shift();
        setImmediate(() => (next === undefined ? stdin.end() : stdin.write(`${next}\n`)));
      }
      return true;
    },
  };
  const ctx: CommandContext = {
    client: createClient({ baseUrl: 'http://api.test', fetch }),
    globals: {
      apiBase: 'http://api.test',
      local: false,
      dataDir: undefined,
      token: undefined,
      projectToken: undefined,
      json: false,
      verbose: false,
    },
    json: false,
    print: (text) => void stdout.write(`${text}\n`),
    printJson: (value) => void stdout.write(`${JSON.stringify(value)}\n`),
    printJsonLine: (value) => void stdout.write(`${JSON.stringify(value)}\n`),
    note: () => undefined,
    interruptSignal: () => ({ signal: new AbortController().signal, dispose: () => undefined }),
    now: Date.now,
    cwd: () => '/',
    local: () => Promise.reject(new Error('no local mode in this test')),
    triggerCi: () => Promise.reject(new Error('not used by the menu')),
    initRepository: () => Promise.reject(new Error('not used by the menu')),
  };
  const code = await runInteractiveMenu(ctx, { stdout, stderr: { write: () => true }, stdin });
  return { code, output, requests };
}

const steps = [
  {
    id: 5,
    step_index: 0,
    step_name: '00-setup.md',
    step_type: 'setup',
    status: 'completed',
    retries: 0,
    engine_id: null,
    summary: null,
    updated_at: '2026-11-27T17:00:00.000Z',
  },
  {
    id: 6,
    step_index: 1,
    step_name: '01-build.md',
    step_type: 'work',
    status: 'needs_qa',
    retries: 0,
    engine_id: null,
    summary: null,
    updated_at: '2026-11-27T17:00:00.000Z',
  },
];

describe('interactive menu', () => {
  it('lists, selects a project and a protocol, runs QA on the first unfinished step, then quits', async () => {
    const { code, output, requests } = await play(['1', '2', '1', '13', '2', '7', '8', '', 'q'], {
      'GET /projects': () => json([PROJECT]),
      'GET /protocols/2/steps': () => json(steps),
      'POST /steps/6/actions/run_qa': () => json({ message: 'QA enqueued', job: { job_id: 'q1' } }),
    });
    expect(code).toBe(0);
    expectToContainAll(output, [
      'Interactive TasksGodzilla CLI',
      '1   demo  main',
      'Current project: 1   Current protocol: 2',
      'Step ID [6 01-build.md]: ',
      'QA enqueued (job q1).',
    ]);
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'GET /projects',
      'GET /protocols/2/steps',
      'GET /protocols/2/steps',
      'POST /steps/6/actions/run_qa',
    ]);
  });

  it('asks for a selection first, reports api errors and bad input, and keeps going', async () => {
    const { code, output } = await play(['4', '6', '2', 'abc', '2', '9', '4', 'nope'], {
      'GET /projects/9/protocols': () => json({ detail: 'Project not found' }, 404),
    });
    expect(code).toBe(0);
    expectToContainAll(output, [
      'Select a project first.',
      'Select a protocol first.',
      'Invalid input: expected a positive integer id, got "abc".',
      'Error: 404 Not Found: Project not found',
      'Unknown choice.',
    ]);
  });

  it('creates a project and a protocol run, which become the current ones', async () => {
    const { output, requests } = await play(
      ['3', 'demo', '/srv/git/demo.git', '', '', '', '5', '0001-demo', '', 'Greeting', '', 'y', 'q'],
      {
        'POST /projects': () => json(PROJECT),
        'POST /projects/1/protocols': () => json(protocolRun('pending')),
        'POST /protocols/2/actions/start': () => json({ message: 'Protocol planning enqueued', job: { job_id: 'p1' } }),
      },
    );
    expectToContainAll(output, [
      'Created project 1 (demo). Setup job enqueued.',
      'Protocol 0001-demo (2) created; planning enqueued (job p1).',
      'Current project: 1   Current protocol: 2',
    ]);
    expect(requests[1]!.body).toEqual({
      protocol_name: '0001-demo',
      base_branch: 'main',
      description: 'Greeting',
      auto_advance: true,
    });
  });

  it('ends quietly at end of input', async () => {
    const { code } = await play([], {});
    expect(code).toBe(0);
  });
});
