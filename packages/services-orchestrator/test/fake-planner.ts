import type { Engine, EngineRequest, EngineResult } from '@tasksgodzilla/platform-engines';

/** An in-test planning engine and the plan requests it received. */
export type FakePlanner = Engine & { calls: EngineRequest[] };

export interface FakePlannerOptions {
  id: string;
  displayName: string;
  model?: string | null;
  /** Tokens reported per call; null reports no usage. */
  tokens?: number | null;
  /** The plan it answers with: `plan.md` and the step files. */
  planMd: string;
  stepFiles: { filename: string; content: string }[];
}

/**
 * An engine that answers every operation with a succeeded plan (structured output) and records the
 * requests of its `plan` calls.
 */
export function fakePlanner(options: FakePlannerOptions): FakePlanner {
  const calls: EngineRequest[] = [];
  const tokens = options.tokens ?? null;
  const result = (request: EngineRequest): EngineResult => ({
    engine_id: options.id,
    operation: 'plan',
    outcome: 'succeeded',
    reason: null,
    model: options.model ?? null,
    session_id: null,
    usage:
      tokens === null
        ? null
        : {
            input_tokens: tokens,
            cached_input_tokens: 0,
            output_tokens: 0,
            reasoning_tokens: 0,
            total_tokens: tokens,
          },
    cost_usd: null,
    final_message: null,
    structured_output: { plan_md: options.planMd, context_md: '', log_md: '', step_files: options.stepFiles },
    errors: [],
    warnings: [],
    log_path: request.logPath ?? null,
    exit_code: 0,
    signal: null,
    duration_ms: 1,
    unparsed_lines: 0,
  });
  const engine = {
    id: options.id,
    displayName: options.displayName,
    kind: 'builtin' as const,
    defaultModel: null,
    capabilities: {
      structuredOutput: true,
      budgetCap: false,
      reportsCost: false,
      resume: false,
      usageIsCumulative: false,
    },
    calls,
    async plan(request: EngineRequest) {
      calls.push(request);
      return result(request);
    },
    execute: async (request: EngineRequest) => result(request),
    qa: async (request: EngineRequest) => result(request),
    run: async (_operation: string, request: EngineRequest) => result(request),
    probe: async () => ({ engine_id: options.id, binary: null, available: true, version: null, error: null }),
  };
  return engine as unknown as FakePlanner;
}
