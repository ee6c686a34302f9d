import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_TEMPLATE,
  ROOT,
  createOrigin,
  eventually,
  freePort,
  spawnTgz,
  startApi,
  tgz,
  type ApiProcess,
  type TgzResult,
} from './e2e.test-helpers.js';

// The built `tgz` against the built api (inline worker, temp SQLite, shell engine), as a user runs it.

let api: ApiProcess;
let origin: string;

/** `tgz <args> --api-base <api>`. */
const run = (...args: string[]): Promise<TgzResult> => tgz([...args, '--api-base', api.base], { env: api.env });
const runJson = async <T>(...args: string[]): Promise<T> => {
  const result = await run(...args, '--json');
  if (result.code !== 0) throw new Error(`tgz ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
};

beforeAll(async () => {
  api = await startApi();
  origin = createOrigin(api.work, api.env);
});

afterAll(async () => {
  await api?.stop();
});

/** Command names listed in the `Commands:` section of a help text, with their descriptions. */
function helpCommands(help: string): { name: string; description: string }[] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  const out: { name: string; description: string }[] = [];
  for (const line of section.split('\n')) {
    const match = /^ {2}(\S+)(?: [^ ].*?)?(?: {2,}(.*))?$/.exec(line);
    if (match?.[1]) out.push({ name: match[1].split('|')[0] ?? match[1], description: (match[2] ?? '').trim() });
    else if (/^ {3,}\S/.test(line) && out.length > 0) out[out.length - 1]!.description += ` ${line.trim()}`;
  }
  return out.filter((c) => c.name !== 'help');
}

describe('help', () => {
  it('describes every command and subcommand, each with options and examples', async () => {
    const root = await tgz(['--help']);
    expect(root.code).toBe(0);
    const groups = helpCommands(root.stdout);
    expect(groups.map((g) => g.name)).toEqual([
      'init',
      'discover',
      'plan',
      'run',
      'qa',
      'ci',
      'projects',
      'webhooks',
      'protocols',
      'steps',
      'events',
      'queues',
      'codemachine',
      'spec',
      'codex-runs',
      'health',
      'tui',
      'mcp',
    ]);
    let leaves = 0;
    for (const group of groups) {
      expect(group.description).not.toBe('');
      const groupHelp = await tgz([group.name, '--help']);
      expect(groupHelp.code).toBe(0);
      const subs = helpCommands(groupHelp.stdout);
      const targets = subs.length > 0 ? subs.map((s) => [group.name, s.name]) : [[group.name]];
      for (const sub of subs) expect(`${group.name} ${sub.name}: ${sub.description}`).not.toMatch(/: $/);
      for (const target of targets) {
        const help = await tgz([...target, '--help']);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain(`Usage: tgz ${target.join(' ')}`);
        expect(help.stdout).toContain('Examples:');
        expect(help.stdout).toContain('--api-base <url>');
        leaves++;
      }
    }
    expect(leaves).toBeGreaterThanOrEqual(40);
  });

  it('with no command and no terminal: help on stderr, exit 2', async () => {
    const result = await tgz([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: tgz');
  });

  it('`npx tgz` works in the workspace: npm links the committed launcher, which starts the built cli', () => {
    const result = spawnSync('npx', ['--no-install', 'tgz', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: userShellEnv(),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: tgz');
  });

  it('the launcher says what to do when the cli is not built, instead of a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tgz-launcher-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, 'apps', 'cli', 'bin', 'tgz.mjs'), join(dir, 'bin', 'tgz.mjs'));
      const result = spawnSync(process.execPath, [join(dir, 'bin', 'tgz.mjs'), '--help'], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('tgz is not built yet');
      expect(result.stderr).toContain('npm run build');
      expect(result.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The environment without npm's per-script variables, so `npx` behaves as in a user's shell. */
function userShellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));
}

describe('a project and a protocol run, end to end', () => {
  let projectId: number;
  let protocolId: number;

  it('health', async () => {
    const result = await run('health');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': ok');
  });

  it('projects create, list, show (--json before or after the command)', async () => {
    const created = await runJson<{ id: number; name: string; git_url: string }>(
      'projects',
      'create',
      '--name',
      'e2e-demo',
      '--git-url',
      origin,
      '--base-branch',
      'main',
    );
    expect(created).toMatchObject({ name: 'e2e-demo', git_url: origin });
    projectId = created.id;

    const listed = await tgz(['--json', 'projects', 'list', '--api-base', api.base], { env: api.env });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: number }[]).map((p) => p.id)).toContain(projectId);

    const table = await run('projects', 'list');
    expect(table.stdout).toMatch(/^ID\s+Name\s+Base\s+Git\s+Updated$/m);
    expect(table.stdout).toContain('e2e-demo');

    const shown = await run('projects', 'show', String(projectId));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^name:\s+e2e-demo$/m);
  });

  it('onboarding completes', async () => {
    const summary = await eventually(
      async () => {
        const s = await runJson<{ status: string }>('projects', 'onboarding', String(projectId));
        if (['failed', 'blocked', 'cancelled'].includes(s.status))
          throw new Error(`onboarding ended ${s.status}: ${JSON.stringify(s)}`);
        return s.status === 'completed' ? s : undefined;
      },
      180_000,
      'onboarding to complete',
    );
    expect(summary.status).toBe('completed');
    const text = await run('projects', 'onboarding', String(projectId));
    expect(text.stdout).toContain(`Project ${projectId} onboarding status: completed`);
  });

  it('protocols create --template --auto-advance --start, watched live, then wait → completed', async () => {
    // --after: the stream replays from the newest event seen so far, however late the watch connects.
    const [latest] = await runJson<{ id: number }[]>(
      'events',
      'recent',
      '--project',
      String(projectId),
      '--limit',
      '1',
    );
    const watch = spawnTgz(
      [
        'events',
        'watch',
        '--project',
        String(projectId),
        '--after',
        String(latest?.id ?? 0),
        '--json',
        '--api-base',
        api.base,
      ],
      api.env,
    );
    try {
      const created = await runJson<{
        protocol: { id: number; status: string; auto_advance: boolean };
        start: { message: string };
      }>(
        'protocols',
        'create',
        '--project',
        String(projectId),
        '--name',
        '0001-e2e',
        '--template',
        DEMO_TEMPLATE,
        '--auto-advance',
        '--start',
      );
      protocolId = created.protocol.id;
      expect(created.protocol.auto_advance).toBe(true);
      expect(created.start.message).toMatch(/planning enqueued/i);

      const line = await watch.waitForLine((l) => l.includes(`"protocol_run_id":${protocolId}`), 120_000);
      expect(JSON.parse(line)).toMatchObject({ protocol_run_id: protocolId, event_type: expect.any(String) });
    } finally {
      watch.child.kill('SIGINT');
      const code = await new Promise<number | null>((r) =>
        watch.child.exitCode !== null ? r(watch.child.exitCode) : watch.child.once('exit', (c) => r(c)),
      );
      expect(code).toBe(0);
    }

    const waited = await run('protocols', 'wait', String(protocolId), '--until', 'completed', '--timeout', '600');
    expect(waited.stderr).toBe('');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toContain(`Protocol ${protocolId} (0001-e2e) is completed`);
  });

  it('steps list: every step completed', async () => {
    const steps = await runJson<{ step_name: string; status: string }[]>(
      'steps',
      'list',
      '--protocol',
      String(protocolId),
    );
    expect(steps.map((s) => [s.step_name, s.status])).toEqual([
      ['00-setup.md', 'completed'],
      ['01-script.md', 'completed'],
      ['02-test.md', 'completed'],
    ]);
    const table = await run('steps', 'list', '--protocol', String(protocolId));
    expect(table.stdout).toMatch(/^ID\s+Idx\s+Name\s+Type\s+Status/m);
  });

  it('events list shows the lifecycle', async () => {
    const events = await runJson<{ event_type: string }[]>(
      'events',
      'list',
      '--protocol',
      String(protocolId),
      '--limit',
      '1000',
    );
    const types = events.map((e) => e.event_type);
    expect(types).toEqual(expect.arrayContaining(['planning_enqueued', 'planned', 'qa_passed', 'protocol_completed']));
    expect(types[types.length - 1]).toBe('protocol_completed');
    const recent = await run('events', 'recent', '--project', String(projectId), '--limit', '5');
    expect(recent.code).toBe(0);
    expect(recent.stdout).toMatch(/^Time\s+Type\s+Protocol/m);
  });

  it('steps log and protocols spec', async () => {
    const [first] = await runJson<{ id: number }[]>('steps', 'list', '--protocol', String(protocolId));
    const log = await run('steps', 'log', String(first!.id));
    expect(log.code).toBe(0);
    // The latest job of the step is its QA: each check it ran, with its exit code.
    expect(log.stdout).toMatch(/^\[tgz\] qa check: .+\n\[tgz\] qa check passed: exit 0$/m);
    const spec = await run('protocols', 'spec', String(protocolId));
    expect(spec.code).toBe(0);
    expect(spec.stdout).toContain('01-script.md');
  });

  it('queues stats', async () => {
    const text = await run('queues', 'stats');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Backend:');
    const stats = await runJson<{ backend: string }>('queues', 'stats');
    expect(typeof stats.backend).toBe('string');
  });

  it('a 409 is a runtime error: starting a completed run', async () => {
    const result = await run('protocols', 'start', String(protocolId));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: 409 Conflict: /);
  });
});

describe('errors', () => {
  it('unknown id: exit 1, 404 on stderr, nothing on stdout', async () => {
    for (const args of [
      ['projects', 'show', '999999'],
      ['protocols', 'show', '999999'],
      ['steps', 'show', '999999'],
    ]) {
      const result = await run(...args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: 404 Not Found: .+not found/im);
    }
  });

  it('missing required option or argument: exit 2 before any request', async () => {
    const missingOption = await run('projects', 'create', '--name', 'x');
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr).toContain("error: required option '--git-url <url-or-path>' not specified");
    const missingArg = await run('protocols', 'wait');
    expect(missingArg.code).toBe(2);
    expect(missingArg.stderr).toContain("missing required argument 'protocol-id'");
  });

  it('a validation error from the api (422): exit 2 with the field', async () => {
    const result = await run('protocols', 'create', '--project', '1', '--name', 'bad name!');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: 422 Validation failed: .*protocol_name/);
  });

  it('an api that is not there: exit 1, readable', async () => {
    const port = await freePort();
    const result = await tgz(['projects', 'list', '--api-base', `http://127.0.0.1:${port}`], { env: api.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(result.stderr).not.toContain('    at ');
  });

  it('the api base from TASKSGODZILLA_API_BASE', async () => {
    const result = await tgz(['queues', 'stats', '--json'], { env: { ...api.env, TASKSGODZILLA_API_BASE: api.base } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('backend');
  });
});
