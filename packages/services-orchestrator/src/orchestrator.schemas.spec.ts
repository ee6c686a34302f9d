import { ValidationError } from '@tasksgodzilla/core';
import { assertBaseBranch, assertProtocolName, requireText } from './lifecycle/input-validation.js';
import { createProtocolInputSchema, createStepInputSchema } from './orchestrator.schemas.js';

const engines = { has: (id: string) => id === 'shell' || id === 'codex', ids: () => ['codex', 'shell'] };

function issuesOf(input: unknown) {
  const parsed = createProtocolInputSchema(engines).safeParse(input);
  return parsed.success ? [] : ValidationError.fromZod(parsed.error, [], { title: 'Invalid protocol' }).issues;
}

describe('createProtocolInputSchema', () => {
  it('accepts a valid input and keeps the fields it does not check', () => {
    const input = {
      protocol_name: '0001-x',
      base_branch: 'main',
      description: null,
      template: 'templates/demo',
      engine_id: 'shell',
      template_config: { auto_pr: 'draft', react_to_reviews: true },
      template_source: null,
      auto_advance: true,
    };
    const parsed = createProtocolInputSchema(engines).parse(input);
    expect(parsed).toEqual(input);
    expect(issuesOf({ protocol_name: 'x', engine_id: '' })).toEqual([]);
  });

  it('names every bad field with the messages api clients see', () => {
    expect(
      issuesOf({
        description: 3,
        template: '  ',
        engine_id: 'nope',
        template_config: [],
        template_source: 'x',
        auto_advance: 'yes',
      }),
    ).toEqual([
      { path: ['description'], message: 'must be a string' },
      { path: ['template'], message: 'must not be blank' },
      { path: ['engine_id'], message: 'unknown engine (registered: codex, shell)' },
      { path: ['template_config'], message: 'must be an object' },
      { path: ['template_source'], message: 'must be an object' },
      { path: ['auto_advance'], message: 'must be a boolean' },
    ]);
  });

  it('checks the feedback-loop keys of template_config', () => {
    expect(issuesOf({ template_config: { auto_pr: 'always', react_to_reviews: 'yes' } })).toEqual([
      { path: ['template_config', 'auto_pr'], message: 'must be one of off, draft, ready' },
      { path: ['template_config', 'react_to_reviews'], message: 'must be a boolean' },
    ]);
  });
});

describe('createStepInputSchema', () => {
  function stepError(input: unknown): ValidationError | null {
    const parsed = createStepInputSchema(engines).safeParse(input);
    return parsed.success ? null : ValidationError.fromZod(parsed.error, [], { title: 'Invalid step' });
  }

  it('accepts a pending step with optional fields left out or null', () => {
    expect(stepError({ step_index: 0, step_name: 'a.md', step_type: 'work' })).toBeNull();
    expect(
      stepError({ step_index: 2, step_name: 'b.md', step_type: 'work', status: null, model: null, policy: [{}] }),
    ).toBeNull();
  });

  it('lists every bad field in field order, in one message', () => {
    const error = stepError({
      step_index: -1,
      step_name: ' ',
      step_type: 3,
      status: 'running',
      model: 1,
      engine_id: 'nope',
      policy: 'loop',
    });
    // [field, message] in field order
    expect(error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['step_index', 'must be an integer ≥ 0'],
      ['step_name', 'must be a non-empty string'],
      ['step_type', 'must be a non-empty string'],
      ['status', 'must be pending (or left out): only the orchestrator moves a step on'],
      ['model', 'must be a string'],
      ['engine_id', 'unknown engine (registered: codex, shell)'],
      ['policy', 'must be an object or a list of objects'],
    ]);
    expect(error?.message).toBe(
      `Invalid step: ${error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  });
});

describe('input-validation', () => {
  it('requireText trims, and names the field of a missing or blank value', () => {
    expect(requireText('  demo ', 'name')).toBe('demo');
    for (const value of [undefined, null, 3, '   ']) {
      expect(() => requireText(value, 'name')).toThrow(
        expect.objectContaining({
          message: 'name is required',
          issues: [{ path: ['name'], message: 'must be a non-empty string' }],
        }),
      );
    }
  });

  it('assertProtocolName refuses what is not one path segment, with the field named', () => {
    expect(assertProtocolName(' 0001-demo ')).toBe('0001-demo');
    expect(() => assertProtocolName('a b')).toThrow(
      expect.objectContaining({
        message:
          'Invalid protocol_name "a b": use letters, digits, ".", "-" and "_" (at most 100, starting with a letter or digit)',
        issues: [{ path: ['protocol_name'], message: 'must be one path segment of letters, digits, ".", "-" and "_"' }],
      }),
    );
    expect(() => assertProtocolName('x.lock')).toThrow(/not usable as a git branch name/);
    expect(() => assertBaseBranch('', 'base_branch')).toThrow('base_branch is required');
  });
});
