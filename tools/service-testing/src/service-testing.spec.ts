import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isProtocolStatus, isStepStatus, type Event } from '@tasksgodzilla/core';
import { createTempDir, git } from '@tasksgodzilla/testing';
import {
  CODEMACHINE_WORKSPACE,
  DEMO_STEP_NAMES,
  DEMO_TEMPLATE,
  TEST_TIME,
  collectPages,
  createTestBed,
  createTestTelemetry,
  createWorkspace,
  demoSpec,
  fakeEngineBinary,
  fakeEngineScript,
  project,
  protocolRun,
  runEvents,
  stepRun,
  writeFixture,
} from './index.js';

describe('createTestTelemetry', () => {
  it('records events in memory with ids in order and the fixed time, and notifies subscribers', async () => {
    const { telemetry, events } = createTestTelemetry();
    const heard: Event[] = [];
    const unsubscribe = telemetry.subscribe((event) => {
      heard.push(event);
    });
    const first = await telemetry.recordEvent({
      project_id: 7,
      protocol_run_id: 11,
      event_type: 'step_started',
      message: 'go',
      metadata: { step: 1 },
    });
    unsubscribe();
    await telemetry.recordEvent({ project_id: 7, event_type: 'project_updated', message: 'later' });
    expect(first).toEqual({
      id: 1,
      project_id: 7,
      protocol_run_id: 11,
      step_run_id: null,
      event_type: 'step_started',
      message: 'go',
      metadata: expect.objectContaining({ step: 1 }),
      created_at: TEST_TIME,
    });
    expect(events.map((event) => [event.id, event.event_type, event.protocol_run_id])).toEqual([
      [1, 'step_started', 11],
      [2, 'project_updated', null],
    ]);
    expect(heard.map((event) => event.id)).toEqual([1]);
  });
});

describe('domain fixtures', () => {
  it('link project, run and step, use legal statuses and the fixed time', () => {
    const p = project();
    const run = protocolRun();
    const step = stepRun();
    expect(run.project_id).toBe(p.id);
    expect(step.protocol_run_id).toBe(run.id);
    expect(isProtocolStatus(run.status)).toBe(true);
    expect(isStepStatus(step.status)).toBe(true);
    for (const row of [p, run, step]) expect([row.created_at, row.updated_at]).toEqual([TEST_TIME, TEST_TIME]);
  });

  it('apply overrides over the defaults', () => {
    expect(project({ name: 'other', local_path: '/repo' })).toMatchObject({
      id: 7,
      name: 'other',
      local_path: '/repo',
      base_branch: 'main',
    });
    expect(protocolRun({ status: 'paused' })).toMatchObject({ id: 11, status: 'paused', protocol_name: '0001-demo' });
    expect(stepRun({ step_index: 2, step_name: '02-docs.md' })).toMatchObject({
      id: 23,
      step_index: 2,
      step_name: '02-docs.md',
      retries: 0,
    });
  });
});

describe('fake engines', () => {
  it('writes an executable that runs the fake CLI with the given env, and JSONL fixtures', () => {
    const dir = createTempDir('tgz-service-testing-');
    try {
      expect(existsSync(fakeEngineScript('codex'))).toBe(true);
      const binary = fakeEngineBinary(dir.path, 'codex', { FAKE_ENGINE_VERSION: "it's 9.9" });
      expect(statSync(binary).mode & 0o111).not.toBe(0);
      expect(execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/ it's 9\.9$/);
      const fixture = writeFixture(dir.path, 'two', [{ type: 'turn.started' }, 'not json']);
      expect(readFileSync(fixture, 'utf8')).toBe('{"type":"turn.started"}\nnot json\n');
    } finally {
      dir.remove();
    }
  });
});

describe('createWorkspace', () => {
  it('commits the protocol folder on the worktree branch and pushes nothing yet', async () => {
    const ws = await createWorkspace({ '01-build.md': '# 01 Build\n' }, { prefix: 'tgz-service-testing-' });
    try {
      expect(readFileSync(join(ws.protocolRoot, '01-build.md'), 'utf8')).toBe('# 01 Build\n');
      expect(git(ws.worktreePath, ['status', '--porcelain'])).toBe('');
      expect(git(ws.worktreePath, ['log', '-1', '--format=%s'])).toBe('plan 0001-demo');
      expect(git(ws.worktreePath, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe(ws.branch);
      expect(existsSync(ws.originPath)).toBe(true);
    } finally {
      ws.remove();
    }
    expect(existsSync(ws.dir.path)).toBe(false);
  });
});

describe('demo template', () => {
  it('ships the step files the demo spec names, and a CodeMachine workspace', () => {
    for (const name of ['plan.md', 'context.md', 'log.md', ...DEMO_STEP_NAMES])
      expect(existsSync(join(DEMO_TEMPLATE, name))).toBe(true);
    expect(existsSync(join(CODEMACHINE_WORKSPACE, '.codemachine', 'template.json'))).toBe(true);
    const spec = demoSpec({ '01-build.md': { qa: 'skip', policies: [{ behavior: 'loop' }] } });
    expect(spec['steps']).toEqual([
      {
        id: '00-setup',
        name: '00-setup.md',
        engine_id: 'shell',
        prompt_ref: '00-setup.md',
        order: 0,
        qa: { policy: 'full' },
        policies: [],
      },
      {
        id: '01-build',
        name: '01-build.md',
        engine_id: 'shell',
        prompt_ref: '01-build.md',
        order: 1,
        qa: { policy: 'skip' },
        policies: [{ behavior: 'loop' }],
      },
      {
        id: '02-docs',
        name: '02-docs.md',
        engine_id: 'shell',
        prompt_ref: '02-docs.md',
        order: 2,
        qa: { policy: 'full' },
        policies: [],
      },
    ]);
  });
});

describe('test bed and pages', () => {
  it('creates a repo with an origin on SQLite (no database) and removes it', async () => {
    const bed = await createTestBed({ prefix: 'tgz-service-testing-', databasePrefix: 'tgz_service_testing' });
    expect(bed.database).toBeUndefined();
    expect(git(bed.repo.originPath, ['rev-parse', 'main'])).toBe(git(bed.repo.path, ['rev-parse', 'HEAD']));
    await bed.dispose();
    expect(existsSync(bed.dir.path)).toBe(false);
  });

  it('collects every page in order, and a run’s events oldest first', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      start: { items: [5, 4], next_cursor: 'b' },
      b: { items: [3], next_cursor: null },
    };
    const cursors: (string | null)[] = [];
    expect(
      await collectPages(async (cursor) => {
        cursors.push(cursor);
        return pages[cursor ?? 'start']!;
      }),
    ).toEqual([5, 4, 3]);
    expect(cursors).toEqual([null, 'b']);

    const newestFirst = [3, 2, 1].map((id) => ({ id }) as Event);
    const calls: unknown[][] = [];
    const list = async (filter: unknown, page: { cursor?: string | null }) => {
      calls.push([filter, page]);
      return page.cursor
        ? { items: newestFirst.slice(2), next_cursor: null }
        : { items: newestFirst.slice(0, 2), next_cursor: 'next' };
    };
    const storage = { events: { list } } as unknown as Parameters<typeof runEvents>[0];
    expect((await runEvents(storage, 11)).map((event) => event.id)).toEqual([1, 2, 3]);
    expect(calls).toEqual([
      [{ protocol_run_id: 11 }, { limit: 500, cursor: null }],
      [{ protocol_run_id: 11 }, { limit: 500, cursor: 'next' }],
    ]);
  });
});
