import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createManualClock, loadConfig, ValidationError } from '@tasksgodzilla/core';
import { captureStream } from './log-capture.test-helpers.js';
import { withLogContext } from './log-context.js';
import { createLogger, loggerOptionsFromConfig, REDACTED } from './logger.js';

const clock = createManualClock('2026-11-27T17:00:00.123Z');

function jsonLogger(options: Parameters<typeof createLogger>[0] = {}) {
  const capture = captureStream();
  const logger = createLogger({ level: 'info', format: 'json', destination: capture.stream, clock, ...options });
  return { logger, ...capture };
}

describe('createLogger (json)', () => {
  it('writes one JSON object per line with timestamp, level label, logger, msg, the six ids and extras', () => {
    const { logger, lines, records } = jsonLogger({ name: 'tasksgodzilla.api' });
    logger.info({ path: '/projects', status_code: 200 }, 'request');
    expect(lines()).toHaveLength(1);
    expect(records()[0]).toEqual({
      timestamp: '2026-11-27T17:00:00.123Z',
      level: 'info',
      logger: 'tasksgodzilla.api',
      msg: 'request',
      request_id: null,
      job_id: null,
      run_id: null,
      project_id: null,
      protocol_run_id: null,
      step_run_id: null,
      path: '/projects',
      status_code: 200,
    });
  });

  it('defaults the logger name to tasksgodzilla and writes no pid or hostname', () => {
    const { logger, records } = jsonLogger();
    logger.info('hello');
    expect(records()[0]).toMatchObject({ logger: 'tasksgodzilla', msg: 'hello' });
    expect(records()[0]).not.toHaveProperty('pid');
    expect(records()[0]).not.toHaveProperty('hostname');
  });

  it('carries the current log context on every line, across async boundaries', async () => {
    const { logger, records } = jsonLogger();
    await withLogContext({ request_id: 'req-9', project_id: 3 }, async () => {
      logger.info('before');
      await sleep(1);
      await withLogContext({ job_id: 'job-1', protocol_run_id: 4, step_run_id: 5, run_id: 'job-1' }, async () => {
        await sleep(1);
        logger.warn('inside');
      });
    });
    logger.info('outside');
    const [before, inside, outside] = records();
    expect(before).toMatchObject({ request_id: 'req-9', project_id: 3, job_id: null });
    expect(inside).toMatchObject({
      level: 'warn',
      request_id: 'req-9',
      job_id: 'job-1',
      run_id: 'job-1',
      project_id: 3,
      protocol_run_id: 4,
      step_run_id: 5,
    });
    expect(outside).toMatchObject({ request_id: null, project_id: null });
  });

  it('keeps interleaved contexts apart in the output', async () => {
    const { logger, records } = jsonLogger();
    const work = (id: string, delay: number) =>
      withLogContext({ request_id: id }, async () => {
        for (let index = 0; index < 3; index += 1) {
          await sleep(delay);
          logger.info({ from: id }, 'tick');
        }
      });
    await Promise.all([work('a', 3), work('b', 1)]);
    const lines = records();
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line['request_id']).toBe(line['from']);
  });

  it('lets the fields of a call win over the context', () => {
    const { logger, records } = jsonLogger();
    withLogContext({ job_id: 'ctx' }, () => logger.info({ job_id: 'explicit' }, 'x'));
    expect(records()[0]!['job_id']).toBe('explicit');
  });

  it('supports child loggers whose bindings are written once and win over the context', () => {
    const { logger, lines, records } = jsonLogger();
    const child = logger.child({ component: 'worker', job_id: 'bound' });
    withLogContext({ job_id: 'ctx', request_id: 'r' }, () => child.info('from child'));
    const line = lines()[0]!;
    expect(line.match(/"job_id"/g)).toHaveLength(1);
    expect(records()[0]).toMatchObject({
      component: 'worker',
      job_id: 'bound',
      request_id: 'r',
      logger: 'tasksgodzilla',
    });
    const grandchild = child.child({ step_run_id: 8 });
    grandchild.info('deeper');
    expect(lines()[1]!.match(/"step_run_id"/g)).toHaveLength(1);
    expect(records()[1]).toMatchObject({ component: 'worker', job_id: 'bound', step_run_id: 8 });
  });

  it('filters by level', () => {
    const { logger, records } = jsonLogger({ level: 'warn' });
    logger.info('dropped');
    logger.debug('dropped');
    logger.error('kept');
    expect(records().map((line) => line['msg'])).toEqual(['kept']);
    const silent = jsonLogger({ level: 'silent' });
    silent.logger.fatal('nothing');
    expect(silent.lines()).toEqual([]);
  });

  it('serializes errors under err and error, with AppError fields', () => {
    const { logger, records } = jsonLogger();
    const error = new ValidationError('bad input');
    logger.error({ err: error }, 'failed');
    logger.error({ error: new Error('plain') }, 'failed too');
    logger.error({ error: 'just text' }, 'failed as text');
    const [first, second, third] = records();
    expect(first!['err']).toMatchObject({
      type: 'ValidationError',
      message: 'bad input',
      code: error.code,
      category: error.category,
    });
    expect(typeof (first!['err'] as { stack: unknown }).stack).toBe('string');
    expect(second!['error']).toMatchObject({ type: 'Error', message: 'plain' });
    expect(third!['error']).toBe('just text');
  });

  it('writes to a file descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tgz-telemetry-'));
    try {
      const file = join(dir, 'log.jsonl');
      const fd = openSync(file, 'w');
      const logger = createLogger({ destination: fd, clock });
      logger.info({ n: 1 }, 'to file');
      logger.flush();
      closeSync(fd);
      expect(JSON.parse(readFileSync(file, 'utf8').trim())).toMatchObject({ msg: 'to file', n: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createLogger redaction', () => {
  it('censors secret-like keys at the top level and nested', () => {
    const { logger, text, records } = jsonLogger();
    logger.info(
      {
        token: 't0p',
        password: 'hunter2',
        authorization: 'Bearer abc',
        headers: { authorization: 'Bearer def', accept: 'json' },
        metadata: { secret: 's1', secrets: { GITHUB_TOKEN: 'ghp' }, nested: { api_key: 'k', keep: 'yes' } },
        webhook_secret: 'w',
      },
      'secrets everywhere',
    );
    const line = records()[0]!;
    expect(line).toMatchObject({
      token: REDACTED,
      password: REDACTED,
      authorization: REDACTED,
      headers: { authorization: REDACTED, accept: 'json' },
      metadata: { secret: REDACTED, secrets: REDACTED, nested: { api_key: REDACTED, keep: 'yes' } },
      webhook_secret: REDACTED,
    });
    for (const value of ['t0p', 'hunter2', 'abc', 'def', 's1', 'ghp', '"k"']) expect(text()).not.toContain(value);
  });

  it('leaves look-alike keys alone and accepts extra paths', () => {
    const { logger, records } = jsonLogger({ redact: ['payload.private_note'] });
    logger.info({ estimated_tokens: { exec: 12 }, tokens: 3, payload: { private_note: 'x', other: 'y' } }, 'm');
    expect(records()[0]).toMatchObject({
      estimated_tokens: { exec: 12 },
      tokens: 3,
      payload: { private_note: REDACTED, other: 'y' },
    });
  });

  it('does not change the logged object', () => {
    const { logger } = jsonLogger();
    const fields = { token: 'keep-me' };
    logger.info(fields, 'm');
    expect(fields.token).toBe('keep-me');
    const nested = { outer: { inner: { password: 'keep-me-too' } }, list: [{ secret: 'and-me' }] };
    logger.info(nested, 'm');
    expect(nested).toEqual({ outer: { inner: { password: 'keep-me-too' } }, list: [{ secret: 'and-me' }] });
  });

  it('censors deeper than two objects, inside arrays, and on errors and child bindings', () => {
    const { logger, text, records } = jsonLogger();
    const failure = Object.assign(new ValidationError('bad token'), {
      token: 'err-tok',
      detail: { api_key: 'err-key' },
    });
    const inner = Object.assign(new Error('inner'), { password: 'inner-pw' });
    const child = logger.child({ component: 'git', credentials: { cookie: 'child-cookie' } });
    child.warn(
      {
        err: failure,
        a: { b: { c: { d: { token: 'deep-tok' } } } },
        hooks: [{ url: 'u', secret: 'arr-secret' }, [{ client_secret: 'arr-arr' }]],
        cause: { error: inner },
        when: new Date('2026-11-27T17:00:00.000Z'),
      },
      'deep',
    );
    const line = records()[0]!;
    expect(line).toMatchObject({
      component: 'git',
      credentials: { cookie: REDACTED },
      err: { type: 'ValidationError', message: 'bad token', token: REDACTED, detail: { api_key: REDACTED } },
      a: { b: { c: { d: { token: REDACTED } } } },
      hooks: [{ url: 'u', secret: REDACTED }, [{ client_secret: REDACTED }]],
      cause: { error: { password: REDACTED } },
      when: '2026-11-27T17:00:00.000Z',
    });
    expect(typeof (line['err'] as { stack: unknown }).stack).toBe('string');
    for (const value of ['err-tok', 'err-key', 'child-cookie', 'deep-tok', 'arr-secret', 'arr-arr', 'inner-pw'])
      expect(text()).not.toContain(value);
  });

  it('censors an error logged on its own', () => {
    const { logger, text, records } = jsonLogger();
    logger.error(Object.assign(new Error('boom'), { authorization: 'Bearer leaked' }));
    expect(records()[0]).toMatchObject({ msg: 'boom', err: { type: 'Error', authorization: REDACTED } });
    expect(text()).not.toContain('leaked');
  });

  it('survives cyclic objects', () => {
    const { logger, text, records } = jsonLogger();
    const cyclic: Record<string, unknown> = { name: 'loop', token: 'cyc-tok' };
    cyclic['self'] = cyclic;
    logger.info({ cyclic }, 'cycle');
    expect(records()[0]).toMatchObject({ cyclic: { name: 'loop', token: REDACTED } });
    expect(text()).not.toContain('cyc-tok');
  });
});

describe('createLogger (pretty)', () => {
  it('writes readable lines with the context ids and extras', async () => {
    const capture = captureStream();
    const logger = createLogger({ format: 'pretty', destination: capture.stream, clock, name: 'tasksgodzilla.worker' });
    await withLogContext(
      { request_id: 'req-1', job_id: 'job-2', project_id: 3, protocol_run_id: 4, step_run_id: 5 },
      async () => {
        logger.info({ job_type: 'execute_step_job', attempt: 2, note: 'two words' }, 'job_start');
      },
    );
    logger.warn({ password: 'x' }, 'no context');
    expect(capture.lines()).toEqual([
      '2026-11-27T17:00:00.123Z INFO  tasksgodzilla.worker job_start req=req-1 job=job-2 project=3 protocol=4 step=5 job_type=execute_step_job attempt=2 note="two words"',
      `2026-11-27T17:00:00.123Z WARN  tasksgodzilla.worker no context password=${JSON.stringify(REDACTED)}`,
    ]);
  });

  it('prints an error with its stack under the line', () => {
    const capture = captureStream();
    const logger = createLogger({ format: 'pretty', destination: capture.stream, clock });
    logger.error({ err: new Error('boom') }, 'failed');
    const [first, second] = capture.lines();
    expect(first).toBe('2026-11-27T17:00:00.123Z ERROR tasksgodzilla failed err="Error: boom"');
    expect(second).toMatch(/^\s+at /);
  });
});

describe('loggerOptionsFromConfig', () => {
  it('maps TASKSGODZILLA_LOG_LEVEL and TASKSGODZILLA_LOG_JSON', () => {
    expect(
      loggerOptionsFromConfig(loadConfig({ TASKSGODZILLA_LOG_LEVEL: 'debug', TASKSGODZILLA_LOG_JSON: 'true' })),
    ).toEqual({ level: 'debug', format: 'json' });
    expect(loggerOptionsFromConfig({ logLevel: 'info', logJson: false }, { stderrIsTTY: true })).toEqual({
      level: 'info',
      format: 'pretty',
    });
  });

  it('writes JSON when stderr is not a terminal, unless nothing else is configured', () => {
    expect(loggerOptionsFromConfig({ logLevel: 'info', logJson: false }, { stderrIsTTY: false })).toEqual({
      level: 'info',
      format: 'json',
    });
    expect(loggerOptionsFromConfig({ logLevel: 'warn', logJson: true }, { stderrIsTTY: true })).toEqual({
      level: 'warn',
      format: 'json',
    });
  });
});
