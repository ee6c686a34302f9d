import { ValidationError } from '@tasksgodzilla/core';
import { createProtocolInputSchema } from './orchestrator.schemas.js';

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
