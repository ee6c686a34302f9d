import { z } from 'zod';
import { ConfigError, ValidationError } from '@tasksgodzilla/core';
import { createJobTypeRegistry, defineJobType } from './job-types.js';

const issuePaths = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((issue) => issue.path.join('.'));
  }
  throw new Error('expected a ValidationError');
};

describe('JobTypeRegistry', () => {
  const registry = createJobTypeRegistry()
    .register(
      'report_job',
      defineJobType({
        payload: z.strictObject({ report_id: z.number().int().positive(), full: z.boolean().default(false) }),
        idempotencyKey: (payload, sequence) => `report:${payload.report_id}:${sequence ?? 'none'}`,
        links: (payload) => ({ protocol_run_id: payload.report_id }),
        defaults: { queue: 'reports', max_attempts: 1 },
      }),
    )
    .register('ping_job', { payload: z.strictObject({ project_id: z.number().optional() }) });

  it('rejects a job type that was never registered', () => {
    expect(registry.has('report_job')).toBe(true);
    expect(registry.has('nope_job')).toBe(false);
    expect(registry.types()).toEqual(['report_job', 'ping_job']);
    expect(issuePaths(() => registry.parse('nope_job', {}))).toEqual(['job_type']);
    expect(() => registry.parse('nope_job', {})).toThrow('Unknown job type "nope_job"');
    expect(() => registry.idempotencyKey('nope_job', {}, 1)).toThrow(ValidationError);
  });

  it('validates a payload with the registered schema, defaults applied', () => {
    expect(registry.parse('report_job', { report_id: 3 })).toEqual({ report_id: 3, full: false });
    expect(issuePaths(() => registry.parse('report_job', { report_id: 0 }))).toEqual(['payload.report_id']);
    expect(issuePaths(() => registry.parse('report_job', { report_id: 1, extra: 1 }))).toEqual(['payload']);
    let error: unknown;
    try {
      registry.parse('report_job', null);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'invalid_job_payload', retryable: false });
    expect((error as Error).message).toMatch(/^Invalid report_job payload: payload: /);
  });

  it('computes the idempotency key, links and defaults with the registered functions', () => {
    expect(registry.keysBySequence('report_job')).toBe(true);
    expect(registry.idempotencyKey('report_job', { report_id: 3 }, 2)).toBe('report:3:2');
    expect(registry.idempotencyKey('report_job', { report_id: 3 }, null)).toBe('report:3:none');
    expect(registry.keysBySequence('ping_job')).toBe(false);
    expect(registry.idempotencyKey('ping_job', {}, 1)).toBeUndefined();
    expect(registry.links('report_job', { report_id: 3 })).toEqual({
      project_id: null,
      protocol_run_id: 3,
      step_run_id: null,
    });
    // Default links: the payload's fields of those names.
    expect(registry.links('ping_job', { project_id: 9 })).toEqual({
      project_id: 9,
      protocol_run_id: null,
      step_run_id: null,
    });
    expect(registry.defaults('report_job')).toEqual({ queue: 'reports', max_attempts: 1 });
    expect(registry.defaults('ping_job')).toEqual({});
  });

  it('refuses to register a name twice', () => {
    const twice = createJobTypeRegistry({ a_job: { payload: z.object({}) } });
    expect(() => twice.register('a_job', { payload: z.object({}) })).toThrow(ConfigError);
  });
});
