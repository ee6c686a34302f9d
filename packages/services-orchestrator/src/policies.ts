import type { EventType, JsonObject, JsonValue, ProtocolRun, StepRun, StepStatus } from '@tasksgodzilla/core';
import { agentIdFromStepName } from '@tasksgodzilla/services-spec';

// Loop and trigger policies (reference original-services §11) as pure decisions: given the steps
// of a run, the step that just finished and why, they say which steps change and which events to
// write. The orchestrator applies a decision in one transaction. Fixed against the original:
// a loop resets only the steps from its target up to the source step (later steps keep their
// status), a trigger never targets its own step, and nothing runs inline (targets are enqueued).

export const POLICY_REASONS = ['exec_completed', 'exec_failed', 'qa_passed', 'qa_failed', 'qa_skipped_policy'] as const;
export type PolicyReason = (typeof POLICY_REASONS)[number];

/** Deepest chain of trigger hops before a trigger is refused (`trigger_inline_depth_exceeded`). */
export const MAX_TRIGGER_DEPTH = 3;

export interface PolicySpec {
  module_id?: string;
  id?: string;
  behavior?: string;
  action?: string;
  max_iterations?: number | null;
  step_back?: number;
  skip_steps?: number[];
  trigger_agent_id?: string;
  target_agent_id?: string;
  targetAgentId?: string;
  condition?: JsonValue;
  conditions?: JsonValue;
  [key: string]: JsonValue | undefined;
}

export interface StepChange {
  step_run_id: number;
  from: StepStatus;
  to: StepStatus;
  summary: string;
  /** Replaces the step's runtime_state when present. */
  runtime_state?: JsonObject;
}

export interface PolicyEventDraft {
  event_type: EventType;
  message: string;
  step_run_id: number;
  metadata: JsonObject;
}

export interface LoopDecision {
  kind: 'loop';
  policy: PolicySpec;
  reason: PolicyReason;
  target_step_index: number;
  target_step_run_id: number;
  steps_reset: number[];
  iterations: number;
  max_iterations: number | null;
  runtime_state: JsonObject;
}

export interface TriggerDecision {
  kind: 'trigger';
  policy: PolicySpec;
  reason: PolicyReason;
  target_step_index: number;
  target_step_run_id: number;
  depth: number;
}

export interface PolicyOutcome<D> {
  decision: D | null;
  changes: StepChange[];
  events: PolicyEventDraft[];
}

/** The step's policies: a list of objects, or one object (non-objects are ignored). */
export function readPolicies(step: Pick<StepRun, 'policy'>): PolicySpec[] {
  const raw = step.policy;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return list.filter((p): p is JsonObject => !!p && typeof p === 'object' && !Array.isArray(p)) as PolicySpec[];
}

function conditionTokens(value: JsonValue | undefined, into: string[]): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string') {
    const token = value.trim().toLowerCase();
    if (token) into.push(token);
  } else if (Array.isArray(value)) {
    for (const item of value) conditionTokens(item, into);
  } else if (typeof value === 'object') {
    for (const key of ['on', 'reason', 'event', 'when', 'name']) conditionTokens(value[key], into);
  }
}

/** No condition means always; otherwise the reason must be one of the condition tokens. */
export function conditionAllows(policy: PolicySpec, reason: PolicyReason): boolean {
  const tokens: string[] = [];
  conditionTokens(policy.condition, tokens);
  conditionTokens(policy.conditions, tokens);
  return tokens.length === 0 || tokens.includes(reason);
}

function conditionList(policy: PolicySpec): JsonValue {
  return (policy.conditions ?? policy.condition ?? null) as JsonValue;
}

function asObject(value: JsonObject | null): JsonObject {
  return value ? { ...value } : {};
}

/** An event a policy of `source` writes: its metadata names the policy and the reason, then `extra`. */
function policyEvent(
  source: StepRun,
  policy: PolicySpec,
  reason: PolicyReason,
  event: { type: EventType; message: string; extra?: JsonObject },
): PolicyEventDraft {
  return {
    event_type: event.type,
    message: event.message,
    step_run_id: source.id,
    metadata: { policy: policy as JsonObject, reason, ...(event.extra ?? {}) },
  };
}

/** The policies of `source` with `behavior`, each with its module id (the behavior when it has none). */
function policiesOf(source: StepRun, behavior: 'loop' | 'trigger'): { policy: PolicySpec; moduleId: string }[] {
  return readPolicies(source)
    .filter((policy) => (policy.behavior ?? '').toString().toLowerCase() === behavior)
    .map((policy) => ({ policy, moduleId: String(policy.module_id ?? policy.id ?? behavior) }));
}

/** The event of a policy whose condition does not match `reason`. */
function conditionSkipped(
  source: StepRun,
  policy: PolicySpec,
  moduleId: string,
  reason: PolicyReason,
  kind: 'Loop' | 'Trigger',
): PolicyEventDraft {
  return policyEvent(source, policy, reason, {
    type: kind === 'Loop' ? 'loop_condition_skipped' : 'trigger_condition_skipped',
    message: `${kind} policy ${moduleId} skipped: condition does not match ${reason}.`,
    extra: { conditions: conditionList(policy) },
  });
}

function byIndex(steps: readonly StepRun[]): StepRun[] {
  return [...steps].sort((a, b) => a.step_index - b.step_index || a.id - b.id);
}

/** Applies the first eligible loop policy of `source` (on `qa_failed` / `exec_failed`). */
export function decideLoop(
  source: StepRun,
  steps: readonly StepRun[],
  reason: PolicyReason,
): PolicyOutcome<LoopDecision> {
  const events: PolicyEventDraft[] = [];
  for (const { policy, moduleId } of policiesOf(source, 'loop')) {
    if (!conditionAllows(policy, reason)) {
      events.push(conditionSkipped(source, policy, moduleId, reason, 'Loop'));
      continue;
    }
    const max =
      typeof policy.max_iterations === 'number' && Number.isFinite(policy.max_iterations)
        ? policy.max_iterations
        : null;
    const stepBackRaw = Number(policy.step_back ?? 1);
    const stepBack = Number.isInteger(stepBackRaw) && stepBackRaw > 0 ? stepBackRaw : 1;
    const skip = new Set((policy.skip_steps ?? []).filter((n) => Number.isInteger(n)));
    const state = asObject(source.runtime_state);
    const counts = asObject((state.loop_counts as JsonObject | undefined) ?? null);
    const done = Number(counts[moduleId] ?? 0);
    if (max !== null && done >= max) {
      events.push(
        policyEvent(source, policy, reason, {
          type: 'loop_limit_reached',
          message: `Loop policy ${moduleId} reached its limit (${done}/${max}).`,
          extra: { iterations: done, max_iterations: max },
        }),
      );
      continue;
    }
    let target = Math.max(0, source.step_index - stepBack);
    while (skip.has(target) && target > 0) target -= 1;
    const ordered = byIndex(steps);
    const targetStep = ordered.find(
      (s) => s.step_index >= target && s.status !== 'cancelled' && !skip.has(s.step_index),
    );
    if (!targetStep) continue;
    const iterations = done + 1;
    const runtimeState: JsonObject = {
      ...state,
      loop_counts: { ...counts, [moduleId]: iterations },
      last_action: 'loop_step_back',
      last_policy_module_id: moduleId,
      last_target_step_index: targetStep.step_index,
    };
    const summary = `Looped via ${moduleId} (${iterations}/${max ?? '∞'})`;
    const changes: StepChange[] = [];
    for (const step of ordered) {
      if (step.step_index < targetStep.step_index || step.step_index > source.step_index) continue;
      if (skip.has(step.step_index) || step.status === 'cancelled') continue;
      const isSource = step.id === source.id;
      if (step.status === 'pending' && !isSource) continue;
      changes.push({
        step_run_id: step.id,
        from: step.status,
        to: 'pending',
        summary,
        ...(isSource ? { runtime_state: runtimeState } : {}),
      });
    }
    const decision: LoopDecision = {
      kind: 'loop',
      policy,
      reason,
      target_step_index: targetStep.step_index,
      target_step_run_id: targetStep.id,
      steps_reset: changes.map((c) => c.step_run_id),
      iterations,
      max_iterations: max,
      runtime_state: runtimeState,
    };
    events.push(
      policyEvent(source, policy, reason, {
        type: 'loop_decision',
        message: `Looping back to step index ${targetStep.step_index} via module ${moduleId}.`,
        extra: {
          runtime_state: runtimeState,
          target_step_index: targetStep.step_index,
          steps_reset: decision.steps_reset,
          iterations,
          max_iterations: max,
        },
      }),
    );
    return { decision, changes, events };
  }
  return { decision: null, changes: [], events };
}

/** Applies the first eligible trigger policy of `source`. */
export function decideTrigger(
  source: StepRun,
  steps: readonly StepRun[],
  reason: PolicyReason,
): PolicyOutcome<TriggerDecision> {
  const events: PolicyEventDraft[] = [];
  const state = asObject(source.runtime_state);
  const depth = Number(state.inline_trigger_depth ?? 0) + 1;
  const byAgent = new Map<string, StepRun>();
  for (const step of byIndex(steps)) byAgent.set(agentIdFromStepName(step.step_name), step);
  for (const { policy, moduleId } of policiesOf(source, 'trigger')) {
    if (!conditionAllows(policy, reason)) {
      events.push(conditionSkipped(source, policy, moduleId, reason, 'Trigger'));
      continue;
    }
    const agent = policy.trigger_agent_id ?? policy.target_agent_id ?? policy.targetAgentId;
    if (!agent) continue;
    const target = byAgent.get(String(agent));
    if (!target) {
      events.push(
        policyEvent(source, policy, reason, {
          type: 'trigger_missing_target',
          message: `Trigger target ${agent} not found in this protocol.`,
          extra: { target_agent_id: String(agent) },
        }),
      );
      continue;
    }
    if (
      target.id === source.id ||
      target.status === 'completed' ||
      target.status === 'cancelled' ||
      target.status === 'running'
    ) {
      events.push(
        policyEvent(source, policy, reason, {
          type: 'trigger_skipped',
          message:
            target.id === source.id
              ? `Trigger ${moduleId} skipped: a step cannot trigger itself.`
              : `Trigger ${moduleId} skipped: target ${target.step_name} is ${target.status}.`,
          extra: { target_step_id: target.id, target_status: target.status },
        }),
      );
      continue;
    }
    if (depth > MAX_TRIGGER_DEPTH) {
      events.push(
        policyEvent(source, policy, reason, {
          type: 'trigger_inline_depth_exceeded',
          message: `Trigger chain deeper than ${MAX_TRIGGER_DEPTH}; ${target.step_name} not triggered.`,
          extra: { target_step_id: target.id, inline_depth: depth },
        }),
      );
      return { decision: null, changes: [], events };
    }
    const targetState: JsonObject = {
      ...asObject(target.runtime_state),
      last_triggered_by: source.step_name,
      inline_trigger_depth: depth,
    };
    // A pending target only gets its summary and state rewritten (from === to).
    const changes: StepChange[] = [
      {
        step_run_id: target.id,
        from: target.status,
        to: 'pending',
        summary: `Triggered by ${source.step_name}`,
        runtime_state: targetState,
      },
    ];
    events.push(
      policyEvent(source, policy, reason, {
        type: 'trigger_decision',
        message: `Triggering ${target.step_name} from ${source.step_name}.`,
        extra: { target_step_index: target.step_index, target_step_id: target.id, inline_depth: depth },
      }),
    );
    return {
      decision: {
        kind: 'trigger',
        policy,
        reason,
        target_step_index: target.step_index,
        target_step_run_id: target.id,
        depth,
      },
      changes,
      events,
    };
  }
  return { decision: null, changes: [], events };
}

/** True when the run may be closed: not blocked or terminal, at least one step, all completed or cancelled. */
export function isProtocolComplete(
  run: Pick<ProtocolRun, 'status'>,
  steps: readonly Pick<StepRun, 'status'>[],
): boolean {
  if (['completed', 'cancelled', 'failed', 'blocked'].includes(run.status)) return false;
  return steps.length > 0 && steps.every((s) => s.status === 'completed' || s.status === 'cancelled');
}

/** The step `run_next_step` picks: the first by index that is pending, blocked or failed. */
export function nextRunnableStep(steps: readonly StepRun[]): StepRun | null {
  return byIndex(steps).find((s) => s.status === 'pending' || s.status === 'blocked' || s.status === 'failed') ?? null;
}

/** The step auto-advance picks: the first pending step by index, unless one is still in flight (or waits for an answer). */
export function nextPendingStep(steps: readonly StepRun[]): StepRun | null {
  const ordered = byIndex(steps);
  if (ordered.some((s) => s.status === 'running' || s.status === 'needs_qa' || s.status === 'needs_input')) return null;
  return ordered.find((s) => s.status === 'pending') ?? null;
}

/** The step `retry_latest` picks: the last by index that is failed or blocked. */
export function latestRetryableStep(steps: readonly StepRun[]): StepRun | null {
  return [...byIndex(steps)].reverse().find((s) => s.status === 'failed' || s.status === 'blocked') ?? null;
}
