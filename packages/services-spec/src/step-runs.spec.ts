import type { ProtocolSpec } from './spec.schemas.js';
import { stepRunsFromSpec } from './step-runs.js';

const spec: ProtocolSpec = {
  steps: [
    {
      id: '00-setup',
      name: '00-setup.md',
      engine_id: 'codex',
      model: null,
      prompt_ref: '00-setup.md',
      qa: { policy: 'full' },
      order: 0,
    },
    {
      id: 'build',
      name: '01-build',
      engine_id: null,
      model: 'gpt-5',
      prompt_ref: 'prompts/build.md',
      qa: { policy: 'skip' },
      order: 1,
      step_type: 'work',
      description: 'Build the thing',
      policies: [{ module_id: 'retry', behavior: 'loop', max_iterations: 2 }],
    },
    { id: 'qa-check', engine_id: 'shell', prompt_ref: 'qa.md', qa: { policy: null } },
  ],
};

describe('stepRunsFromSpec', () => {
  it('materializes pending step runs with name, index, type, model, engine, policy and summary', () => {
    expect(stepRunsFromSpec(spec)).toEqual([
      {
        step_index: 0,
        step_name: '00-setup.md',
        step_type: 'setup',
        status: 'pending',
        model: null,
        engine_id: 'codex',
        policy: [],
        summary: null,
      },
      {
        step_index: 1,
        step_name: '01-build',
        step_type: 'work',
        status: 'pending',
        model: 'gpt-5',
        engine_id: null,
        policy: [{ module_id: 'retry', behavior: 'loop', max_iterations: 2 }],
        summary: 'Build the thing',
      },
      {
        step_index: 2,
        step_name: 'qa-check',
        step_type: 'qa',
        status: 'pending',
        model: null,
        engine_id: 'shell',
        policy: [],
        summary: null,
      },
    ]);
  });

  it('skips names that already exist and copies policies (later spec edits do not leak)', () => {
    const drafts = stepRunsFromSpec(spec, { existingNames: ['00-setup.md', 'qa-check'] });
    expect(drafts.map((draft) => draft.step_name)).toEqual(['01-build']);
    (spec.steps[1]?.policies?.[0] as Record<string, unknown>).max_iterations = 9;
    expect(drafts[0]?.policy).toEqual([{ module_id: 'retry', behavior: 'loop', max_iterations: 2 }]);
  });

  it('falls back to NN-step names and never emits duplicates', () => {
    const drafts = stepRunsFromSpec({
      steps: [
        { id: '', engine_id: null, prompt_ref: 'a', qa: { policy: 'full' } },
        { id: 'x', engine_id: null, prompt_ref: 'a', qa: { policy: 'full' } },
        { id: 'x', engine_id: null, prompt_ref: 'a', qa: { policy: 'full' } },
      ],
    });
    expect(drafts.map((draft) => [draft.step_index, draft.step_name])).toEqual([
      [0, '00-step'],
      [1, 'x'],
    ]);
  });
});
