import { JOB_TYPES, ValidationError } from '@tasksgodzilla/core';
import { createJobTypeRegistry } from '@tasksgodzilla/platform-queue';
import { ORCHESTRATOR_JOB_TYPES, registerOrchestratorJobTypes } from './job-types.js';

describe('orchestrator job types', () => {
  const registry = registerOrchestratorJobTypes(createJobTypeRegistry());

  it('builds each payload schema once, on first use, and keeps it', () => {
    const definition = ORCHESTRATOR_JOB_TYPES.open_pr_job;
    // A getter, not a schema built at import.
    expect(typeof Object.getOwnPropertyDescriptor(definition, 'payload')?.get).toBe('function');
    const first = definition.payload;
    expect(definition.payload).toBe(first);
    expect(first.safeParse({ protocol_run_id: 1 }).success).toBe(true);
    // The two step job types share a shape, not a schema object.
    expect(ORCHESTRATOR_JOB_TYPES.execute_step_job.payload).not.toBe(ORCHESTRATOR_JOB_TYPES.run_quality_job.payload);
  });

  it('registers one type per job type of the original', () => {
    expect(Object.keys(ORCHESTRATOR_JOB_TYPES).sort()).toEqual([...JOB_TYPES].sort());
    expect(registry.types().sort()).toEqual([...JOB_TYPES].sort());
  });

  it.each([
    ['plan_protocol_job', { protocol_run_id: 1 }],
    ['execute_step_job', { step_run_id: 2, request_id: 'r-1' }],
    ['run_quality_job', { step_run_id: 2, protocol_run_id: 1, project_id: 3 }],
    ['project_setup_job', { project_id: 3, protocol_run_id: null }],
    ['open_pr_job', { protocol_run_id: 1 }],
    ['codemachine_import_job', { project_id: 3, protocol_run_id: 1, workspace_path: '/tmp/ws' }],
    ['spec_audit_job', { project_id: null, protocol_id: null, backfill_missing: true, interval_override: 60 }],
  ])('accepts a valid %s payload', (jobType, payload) => {
    expect(registry.parse(jobType, payload)).toEqual(payload);
  });

  it('applies defaults', () => {
    expect(registry.parse('spec_audit_job', {})).toEqual({ backfill_missing: false });
  });

  it.each([
    ['plan_protocol_job', {}, 'payload.protocol_run_id'],
    ['plan_protocol_job', { protocol_run_id: 0 }, 'payload.protocol_run_id'],
    ['execute_step_job', { step_run_id: 1.5 }, 'payload.step_run_id'],
    ['codemachine_import_job', { project_id: 1, protocol_run_id: 2, workspace_path: '' }, 'payload.workspace_path'],
    ['spec_audit_job', { backfill_missing: 'yes' }, 'payload.backfill_missing'],
    ['open_pr_job', { protocol_run_id: 1, extra: true }, 'payload'],
    ['open_pr_job', null, 'payload'],
  ])('rejects a bad %s payload (%j) at %s', (jobType, payload, path) => {
    let error: unknown;
    try {
      registry.parse(jobType, payload);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).retryable).toBe(false);
    expect((error as ValidationError).issues.map((i) => i.path.join('.'))).toEqual([path]);
  });

  it('rejects a job type it does not register', () => {
    expect(() => registry.parse('codex_ci_bootstrap', {})).toThrow('Unknown job type "codex_ci_bootstrap"');
  });

  it('keys each job by its subject and sequence, and links spec audits to their run', () => {
    expect(registry.idempotencyKey('execute_step_job', { step_run_id: 4, protocol_run_id: 2 }, 3)).toBe(
      'execute_step_job:step-4:3',
    );
    expect(registry.idempotencyKey('plan_protocol_job', { protocol_run_id: 2 }, 1)).toBe('plan_protocol_job:run-2:1');
    expect(registry.idempotencyKey('project_setup_job', { project_id: 5, protocol_run_id: 9 }, 1)).toBe(
      'project_setup_job:run-9:1',
    );
    expect(registry.idempotencyKey('spec_audit_job', { protocol_id: 7, backfill_missing: false }, 2)).toBe(
      'spec_audit_job:run-7:2',
    );
    expect(registry.idempotencyKey('spec_audit_job', { project_id: 3, backfill_missing: false }, 1)).toBe(
      'spec_audit_job:project-3:1',
    );
    // No subject, no key: an audit of everything is never deduplicated.
    expect(registry.idempotencyKey('spec_audit_job', { backfill_missing: false }, null)).toBeUndefined();
    expect(registry.links('spec_audit_job', { project_id: 3, protocol_id: 7, backfill_missing: false })).toEqual({
      project_id: 3,
      protocol_run_id: 7,
      step_run_id: null,
    });
  });
});
