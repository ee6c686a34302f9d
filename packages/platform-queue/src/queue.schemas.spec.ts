import { JOB_TYPES, ValidationError } from '@tasksgodzilla/core';
import { JOB_PAYLOAD_SCHEMAS, parseJobPayload } from './queue.schemas.js';

describe('job payload schemas', () => {
  it('has one schema per job type of the original', () => {
    expect(Object.keys(JOB_PAYLOAD_SCHEMAS).sort()).toEqual([...JOB_TYPES].sort());
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
    expect(parseJobPayload(jobType, payload)).toEqual(payload);
  });

  it('applies defaults', () => {
    expect(parseJobPayload('spec_audit_job', {})).toEqual({ backfill_missing: false });
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
      parseJobPayload(jobType, payload);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).retryable).toBe(false);
    expect((error as ValidationError).issues.map((i) => i.path.join('.'))).toEqual([path]);
  });

  it('rejects an unknown job type', () => {
    expect(() => parseJobPayload('codex_ci_bootstrap', {})).toThrow('Unknown job type "codex_ci_bootstrap"');
  });
});
