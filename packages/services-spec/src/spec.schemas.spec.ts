import { specSchemas } from './spec.schemas.js';

const { PlanningOutputSchema, ProtocolSpecSchema, StepSpecSchema } = specSchemas();

const step = (overrides: Record<string, unknown> = {}) => ({
  id: '01-build',
  name: '01-build.md',
  engine_id: 'codex',
  model: null,
  prompt_ref: '01-build.md',
  outputs: { protocol: 'outputs/01-build.md', aux: { notes: 'outputs/notes.md' } },
  step_type: 'work',
  policies: [{ module_id: 'retry', behavior: 'loop', max_iterations: 2 }],
  qa: { policy: 'full', prompt: null },
  order: 1,
  description: 'Build it',
  checks: ['npm test'],
  depends_on: ['00-setup.md'],
  ...overrides,
});

describe('StepSpecSchema', () => {
  it('parses a full step and keeps extra keys', () => {
    const parsed = StepSpecSchema.parse(step({ agent_id: 'build', custom: { a: 1 } }));
    expect(parsed.id).toBe('01-build');
    expect(parsed.checks).toEqual(['npm test']);
    expect(parsed.agent_id).toBe('build');
    expect(parsed.custom).toEqual({ a: 1 });
  });

  it('accepts the minimal original step: id, engine_id null, prompt_ref, qa with a null policy', () => {
    expect(
      StepSpecSchema.safeParse({ id: 'a', engine_id: null, prompt_ref: 'a.md', qa: { policy: null } }).success,
    ).toBe(true);
  });

  it.each([
    ['missing id', { id: undefined }, ['id']],
    ['missing engine_id key', { engine_id: undefined }, ['engine_id']],
    ['missing prompt_ref', { prompt_ref: undefined }, ['prompt_ref']],
    ['missing qa', { qa: undefined }, ['qa']],
    ['unknown qa policy', { qa: { policy: 'strict' } }, ['qa', 'policy']],
    ['unknown step type', { step_type: 'deploy' }, ['step_type']],
    ['extra output key', { outputs: { protocol: 'a.md', other: 'b.md' } }, ['outputs']],
    ['non-string aux output', { outputs: { aux: { a: 1 } } }, ['outputs', 'aux', 'a']],
    ['negative order', { order: -1 }, ['order']],
    ['fractional order', { order: 1.5 }, ['order']],
    ['blank check', { checks: ['  '] }, ['checks', 0]],
    ['policy not an object', { policies: ['loop'] }, ['policies', 0]],
  ])('rejects %s', (_label, overrides, path) => {
    const result = StepSpecSchema.safeParse(step(overrides));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});

describe('ProtocolSpecSchema', () => {
  it('requires at least one step', () => {
    const result = ProtocolSpecSchema.safeParse({ steps: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['steps']);
  });

  it('accepts placeholders, template (object or null), metadata and extra keys', () => {
    const parsed = ProtocolSpecSchema.parse({
      steps: [step()],
      placeholders: { A: 'b' },
      template: null,
      metadata: { x: 1 },
      version: '1',
      extra: true,
    });
    expect(parsed.extra).toBe(true);
    expect(parsed.template).toBeNull();
  });
});

describe('PlanningOutputSchema', () => {
  it('accepts the planning shape and rejects extra keys at both levels', () => {
    const ok = { plan_md: 'p', context_md: 'c', log_md: '', step_files: [{ filename: '00-setup.md', content: 'x' }] };
    expect(PlanningOutputSchema.safeParse(ok).success).toBe(true);
    expect(PlanningOutputSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(
      PlanningOutputSchema.safeParse({ ...ok, step_files: [{ filename: 'a.md', content: 'x', mode: 1 }] }).success,
    ).toBe(false);
    expect(PlanningOutputSchema.safeParse({ ...ok, plan_md: undefined }).success).toBe(false);
  });
});

describe('specSchemas()', () => {
  it('builds the schemas once and hands out the same ones after', () => {
    expect(specSchemas()).toBe(specSchemas());
    expect(specSchemas().ProtocolSpecSchema).toBe(ProtocolSpecSchema);
  });
});
