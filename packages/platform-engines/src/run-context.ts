import type { JsonValue } from '@tasksgodzilla/core';
import type { EngineEvent, EngineOperation, EngineOutcome, EngineRequest, EngineResult } from './engine.types.js';
import { openRunLog, type RunLog } from './run-log.js';
import { createUsageTracker, type UsageTracker } from './usage-tracker.js';

export interface RunFinish {
  outcome: EngineOutcome;
  reason: string | null;
  finalMessage: string | null;
  structuredOutput: JsonValue | null;
  exitCode: number | null;
  signal: string | null;
  unparsedLines: number;
}

/** State every engine run keeps, whatever the adapter: log, live events, usage, errors. */
export interface RunContext {
  readonly log: RunLog;
  readonly usage: UsageTracker;
  /** Fatal error messages, in order, each once. */
  readonly errors: string[];
  /** Non-fatal error messages (warnings, retries), in order, each once. */
  readonly warnings: string[];
  readonly sessionId: string | null;
  /** Records the event (usage, session, errors) and hands it to the request's listener. */
  emit(event: EngineEvent): void;
  /** Emits the one `terminal` event, closes the log and builds the result. */
  finish(fields: RunFinish): EngineResult;
  /** Closes the log without a result (the run threw). */
  abandon(message: string): void;
}

export function createRunContext(input: {
  engineId: string;
  operation: EngineOperation;
  model: string | null;
  request: EngineRequest;
}): RunContext {
  const started = performance.now();
  const log = openRunLog(input.request.logPath, input.request.redact);
  const usage = createUsageTracker();
  const errors: string[] = [];
  const warnings: string[] = [];
  let sessionId: string | null = null;
  // The model the engine says it used (its session event) wins over the one requested.
  let model = input.model;
  let finished = false;
  const listener = input.request.onEvent;

  const emit = (event: EngineEvent) => {
    if (event.type === 'usage') usage.apply(event);
    else if (event.type === 'session') {
      sessionId = event.session_id;
      if (event.model) model = event.model;
    } else if (event.type === 'error') {
      const list = event.fatal ? errors : warnings;
      if (!list.includes(event.message)) list.push(event.message);
    }
    if (!listener) return;
    try {
      listener(event);
    } catch (error) {
      // A failing listener must not break the run it observes.
      log.note(
        `onEvent listener threw on a ${event.type} event: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  return {
    log,
    usage,
    errors,
    warnings,
    get sessionId() {
      return sessionId;
    },
    emit,
    finish(fields) {
      if (finished) throw new Error('run already finished');
      finished = true;
      emit({ type: 'terminal', outcome: fields.outcome, reason: fields.reason });
      const result: EngineResult = {
        engine_id: input.engineId,
        operation: input.operation,
        outcome: fields.outcome,
        reason: fields.reason,
        model,
        session_id: sessionId,
        usage: usage.usage(),
        cost_usd: usage.costUsd(),
        final_message: fields.finalMessage,
        structured_output: fields.structuredOutput,
        errors: [...errors],
        warnings: [...warnings],
        log_path: log.path,
        exit_code: fields.exitCode,
        signal: fields.signal,
        duration_ms: Math.round(performance.now() - started),
        unparsed_lines: fields.unparsedLines,
      };
      log.note(
        `outcome=${result.outcome}${result.reason ? ` reason=${JSON.stringify(result.reason)}` : ''} exit_code=${result.exit_code ?? 'null'} duration_ms=${result.duration_ms}`,
      );
      log.close();
      return result;
    },
    abandon(message) {
      if (finished) return;
      finished = true;
      log.note(message);
      log.close();
    },
  };
}
