import type { Config, DefaultModels } from '@tasksgodzilla/core';
import type { EngineRegistry } from './engine.registry.js';

/** Phases with their own model defaults (reference §10.6). */
export type EnginePhase = 'planning' | 'decompose' | 'exec' | 'qa' | 'discovery';

export type ResolutionSource = 'step_spec' | 'step_run' | 'project' | 'config' | 'engine_default' | 'none';

export interface EngineResolutionInput {
  phase: EnginePhase;
  /** The step's spec entry (StepSpec): `engine_id`, `model`, and `qa.engine_id` / `qa.model` for QA. */
  stepSpec?: {
    engine_id?: string | null;
    model?: string | null;
    qa?: { engine_id?: string | null; model?: string | null } | null;
  } | null;
  /** The step run row. */
  stepRun?: { engine_id?: string | null; model?: string | null } | null;
  /** The project's per-phase defaults and, where the caller has one, its default engine. */
  project?: { default_models?: DefaultModels | null; default_engine_id?: string | null } | null;
  /** Env-level defaults (core Config). */
  config: Pick<
    Config,
    'defaultEngine' | 'planningModel' | 'decomposeModel' | 'execModel' | 'qaModel' | 'discoveryModel'
  >;
  /** When given, the engine id must be registered and its default model is used when nothing else names one. */
  registry?: EngineRegistry;
}

export interface EngineResolution {
  engine_id: string;
  /** Null: let the engine CLI use its own default model. */
  model: string | null;
  sources: { engine: ResolutionSource; model: ResolutionSource };
}

const CONFIG_MODEL_KEY = {
  planning: 'planningModel',
  decompose: 'decomposeModel',
  exec: 'execModel',
  qa: 'qaModel',
  discovery: 'discoveryModel',
} as const;

function present(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function firstOf<T extends string>(candidates: [T, string | null | undefined][]): [T, string] | null {
  for (const [source, value] of candidates) if (present(value)) return [source, value.trim()];
  return null;
}

/**
 * Engine and model for one call, in the reference's precedence (§10.6):
 * engine: step spec → step run → project default → Config.defaultEngine;
 * model: step spec → step run → project default_models[phase] → Config env default → the engine's
 * default model → none (null: no `--model`, the CLI chooses; the original's hard-coded ids
 * `codex-5.1-max-xhigh` / `codex-5.1-max` are models no CLI knows). For QA the step-level values are the
 * spec's `qa.engine_id` / `qa.model`, then the step run's engine (never its execution model).
 * Throws EngineError `engine_not_registered` when a registry is given and the engine is unknown.
 */
export function resolveEngineAndModel(input: EngineResolutionInput): EngineResolution {
  const { phase, stepSpec, stepRun, project, config } = input;
  const isQa = phase === 'qa';
  const engine = firstOf<ResolutionSource>([
    ['step_spec', isQa ? stepSpec?.qa?.engine_id : stepSpec?.engine_id],
    ['step_run', stepRun?.engine_id],
    ['project', project?.default_engine_id],
    ['config', config.defaultEngine],
  ]) ?? ['none', 'codex'];
  const engineId = engine[1];
  const registered = input.registry ? input.registry.get(engineId) : null;

  const model = firstOf<ResolutionSource>([
    ['step_spec', isQa ? stepSpec?.qa?.model : stepSpec?.model],
    ['step_run', isQa ? null : stepRun?.model],
    ['project', project?.default_models?.[phase]],
    ['config', config[CONFIG_MODEL_KEY[phase]]],
    ['engine_default', registered?.defaultModel],
  ]);
  return {
    engine_id: engineId,
    model: model ? model[1] : null,
    sources: { engine: engine[0], model: model ? model[0] : 'none' },
  };
}
