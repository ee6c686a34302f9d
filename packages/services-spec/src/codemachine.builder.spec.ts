import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCodeMachineConfig } from './codemachine.config.js';
import type { CodeMachineAgent, CodeMachineModule } from './codemachine.config.js';
import { buildSpecFromCodeMachineConfig, modulesForAgent, substitutePlaceholders } from './codemachine.builder.js';
import { protocolSpecSchema } from './spec.schemas.js';
import { agentFields, moduleFields } from './spec.test-helpers.js';

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));

const agent = (id: string, raw: Record<string, unknown> = {}): CodeMachineAgent => ({
  ...agentFields(id),
  raw: { id, ...raw },
});
const module = (fields: Partial<CodeMachineModule>): CodeMachineModule => ({ ...moduleFields(), raw: {}, ...fields });

describe('buildSpecFromCodeMachineConfig', () => {
  it('builds one step per main agent with substituted prompt paths, aux outputs, skip QA and attached modules', async () => {
    const config = await loadCodeMachineConfig(join(fixtures, 'codemachine-basic'));
    const spec = buildSpecFromCodeMachineConfig(config);
    expect(protocolSpecSchema().safeParse(spec).success).toBe(true);
    expect(spec.placeholders).toEqual({ PROMPTS: 'prompts', PROJECT: 'demo' });
    expect(spec.template).toMatchObject({ template: 'demo-template' });
    expect(spec.steps.map((step) => [step.id, step.name, step.prompt_ref, step.step_type, step.order])).toEqual([
      ['plan', '00-plan', 'prompts/plan.md', 'setup', 0],
      ['build', '01-build', 'prompts/build.md', 'work', 1],
      ['review', '02-review', 'prompts/review.md', 'work', 2],
    ]);
    expect(spec.steps[0]).toMatchObject({
      engine_id: 'codex',
      model: 'gpt-5.1-codex-max',
      agent_id: 'plan',
      description: 'Plans the work',
      outputs: { aux: { codemachine: 'outputs/plan.md' } },
      qa: { policy: 'skip', prompt: null },
      policies: [],
    });
    // build names retry-build and is the source of the notify-review trigger; review is only its target.
    expect(spec.steps[1]?.policies?.map((policy) => policy.module_id)).toEqual(['retry-build', 'notify-review']);
    expect(spec.steps[2]?.policies?.map((policy) => policy.module_id)).toEqual(['string-behavior']);
  });

  it('honours qaPolicy and qaPrompt options', async () => {
    const config = await loadCodeMachineConfig(join(fixtures, 'codemachine-flat'));
    const spec = buildSpecFromCodeMachineConfig(config, { qaPolicy: 'light', qaPrompt: 'prompts/qa.md' });
    expect(spec.steps[0]?.qa).toEqual({ policy: 'light', prompt: 'prompts/qa.md' });
  });

  it('never attaches a trigger module to the agent it triggers', () => {
    const trigger = module({ module_id: 't', behavior: 'trigger', trigger_agent_id: 'b', target_agent_id: 'b' });
    expect(modulesForAgent(agent('b'), [trigger])).toEqual([]);
    const onlyTarget = module({ module_id: 't2', behavior: 'trigger', trigger_agent_id: null, target_agent_id: 'b' });
    expect(modulesForAgent(agent('b'), [onlyTarget])).toEqual([]);
    expect(modulesForAgent(agent('a', { module: 't' }), [trigger])).toEqual([trigger]);
    const loop = module({ module_id: 'l', target_agent_id: 'a' });
    expect(modulesForAgent(agent('a'), [loop])).toEqual([loop]);
    expect(modulesForAgent(agent('a', { module_id: 'x' }), [module({ module_id: 'x' })])).toHaveLength(1);
  });
});

describe('substitutePlaceholders', () => {
  it('replaces a leading segment and {{K}}, <K>, ${K}, $K tokens', () => {
    const values = { ROOT: 'src', NAME: 'demo', N: 3, OBJ: { a: 1 } };
    expect(substitutePlaceholders('ROOT/a.md', values)).toBe('src/a.md');
    expect(substitutePlaceholders('x/{{NAME}}/<NAME>/${NAME}/$NAME-$N.md', values)).toBe('x/demo/demo/demo/demo-3.md');
    expect(substitutePlaceholders('{{OBJ}}/a.md', values)).toBe('{{OBJ}}/a.md');
  });
});
