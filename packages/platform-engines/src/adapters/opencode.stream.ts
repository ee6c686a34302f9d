import type { EngineStreamParser, StreamVerdict } from '../cli-engine.js';
import type { EngineEvent } from '../engine.types.js';
import { arrayField, asJson, asText, numberField, recordField, stringField, type JsonRecord } from '../json-record.js';
import { looksLikeBudgetError, looksLikePermissionDenial } from '../outcome-patterns.js';
import { usageEvent } from '../usage-tracker.js';
import { createAgentText } from './agent-text.js';

const FILE_TOOLS = new Set(['edit', 'write', 'patch', 'multiedit']);

export interface OpencodeStreamOptions {
  /**
   * Require the `done` event (recent builds). When false (default), a final `step_finish` whose
   * reason is not `tool-calls` also ends the run, for builds that never print `done`.
   */
  requireDoneEvent?: boolean;
  /**
   * opencode retries provider errors (HTTP 5xx, refused connections) without a word on stdout; after
   * this many error logs on stderr with no progress in between, the run is failed. Default 5.
   */
  maxProviderErrors?: number;
}

const DEFAULT_MAX_PROVIDER_ERRORS = 5;

/** A provider error in opencode's stderr log (`level=ERROR … error.error="…"`), null for other lines. */
export function parseOpencodeErrorLog(line: string): { message: string; titleAgent: boolean } | null {
  if (!/\blevel=ERROR\b/.test(line)) return null;
  const quoted = (key: string) =>
    new RegExp(`(?:^|\\s)${key.replace(/\./g, '\\.')}="((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1] ?? null;
  const message = quoted('error.error') ?? quoted('error.message') ?? quoted('error') ?? quoted('message');
  if (message === null) return null;
  return { message: message.replace(/\\"/g, '"'), titleAgent: /\bsmall=true\b/.test(line) };
}

/**
 * `opencode run --format json` stream. Failure: any `error` event, rejected permissions, an empty
 * final text, or a non-zero exit; no `done` (nor, when allowed, a final step) → no_terminal_event.
 */
export function createOpencodeStreamParser(options: OpencodeStreamOptions = {}): EngineStreamParser {
  let sessionId: string | null = null;
  let done: JsonRecord | null = null;
  let lastStepReason: string | null = null;
  const said = createAgentText();
  const errors: string[] = [];
  const denied: string[] = [];
  const maxProviderErrors = options.maxProviderErrors ?? DEFAULT_MAX_PROVIDER_ERRORS;
  let providerErrors: string[] = [];
  let fatal: StreamVerdict | null = null;

  const finalStep = () => !options.requireDoneEvent && lastStepReason !== null && lastStepReason !== 'tool-calls';

  const toolEvents = (part: JsonRecord | null): EngineEvent[] => {
    if (!part) return [];
    const name = stringField(part, 'tool') ?? 'tool';
    const state = recordField(part, 'state');
    const status = stringField(state, 'status');
    const input = recordField(state, 'input');
    const error = stringField(state, 'error');
    if (status === 'error' && error && looksLikePermissionDenial(error)) denied.push(name);
    const events: EngineEvent[] = [
      {
        type: 'tool',
        phase: status === 'running' || status === 'pending' ? 'start' : 'end',
        name,
        call_id: stringField(part, 'callID'),
        input: asJson(input),
        output: status === 'error' ? error : asText(state?.['output']),
        exit_code: numberField(recordField(state, 'metadata'), 'exit'),
        status,
      },
    ];
    const path = stringField(input, 'filePath') ?? stringField(input, 'path');
    if (status === 'completed' && FILE_TOOLS.has(name) && path) {
      events.push({
        type: 'file_change',
        paths: [path],
        changes: [{ path, kind: name === 'write' ? 'add' : 'update' }],
      });
    }
    return events;
  };

  const stepFinishEvents = (part: JsonRecord | null): EngineEvent[] => {
    lastStepReason = stringField(part, 'reason') ?? 'unknown';
    const tokens = recordField(part, 'tokens');
    const cost = numberField(part, 'cost');
    if (!tokens && cost === null) return [];
    const cache = recordField(tokens, 'cache');
    const cacheRead = numberField(cache, 'read') ?? 0;
    const cacheWrite = numberField(cache, 'write') ?? 0;
    const input = (numberField(tokens, 'input') ?? 0) + cacheRead + cacheWrite;
    const output = numberField(tokens, 'output') ?? 0;
    const reasoning = numberField(tokens, 'reasoning') ?? 0;
    // Each step reports its own tokens and cost: they add up.
    return [
      usageEvent(
        {
          input_tokens: input,
          cached_input_tokens: cacheRead,
          output_tokens: output,
          reasoning_tokens: reasoning,
          total_tokens: numberField(tokens, 'total') ?? input + output + reasoning,
        },
        { cumulative: false, costUsd: cost },
      ),
    ];
  };

  return {
    accept(record) {
      // Any stream record is progress: earlier retried provider errors were survived.
      providerErrors = [];
      const events: EngineEvent[] = [];
      const session = stringField(record, 'sessionID');
      if (session && sessionId === null) {
        sessionId = session;
        events.push({ type: 'session', session_id: session, model: null });
      }
      const part = recordField(record, 'part');
      switch (stringField(record, 'type')) {
        case 'step_start':
          lastStepReason = null;
          break;
        case 'text':
          events.push(...said.message(stringField(part, 'text')));
          break;
        case 'reasoning':
          events.push(...said.reasoning(stringField(part, 'text')));
          break;
        case 'tool_use':
          events.push(...toolEvents(part));
          break;
        case 'step_finish':
          events.push(...stepFinishEvents(part));
          break;
        case 'error': {
          const error = recordField(record, 'error');
          const message =
            stringField(recordField(error, 'data'), 'message') ??
            stringField(error, 'message') ??
            stringField(error, 'name') ??
            'error';
          const name = stringField(error, 'name');
          const text = name && !message.startsWith(name) ? `${name}: ${message}` : message;
          errors.push(text);
          events.push({ type: 'error', message: text, fatal: true });
          break;
        }
        case 'done': {
          done = record;
          const rejected = arrayField(record, 'rejected').map((r) => asText(r) ?? 'permission');
          denied.push(...rejected);
          if (rejected.length > 0)
            events.push({ type: 'error', message: `rejected permissions: ${rejected.join(', ')}`, fatal: true });
          break;
        }
        default:
          break;
      }
      return events;
    },
    acceptStderr(line) {
      const logged = parseOpencodeErrorLog(line);
      // The title agent's failures do not stop the run; the main agent's do.
      if (!logged || logged.titleAgent) return [];
      providerErrors.push(logged.message);
      if (providerErrors.length >= maxProviderErrors) {
        fatal ??= {
          outcome: 'failed',
          reason: `provider error (${providerErrors.length} in a row, opencode keeps retrying): ${logged.message}`,
        };
      }
      return [{ type: 'error', message: `provider error: ${logged.message}`, fatal: false }];
    },
    get fatal() {
      return fatal;
    },
    explainStop() {
      const last = providerErrors.at(-1);
      return last
        ? { outcome: 'failed', reason: `provider error (opencode retried silently until stopped): ${last}` }
        : null;
    },
    get terminalSeen() {
      return done !== null || finalStep();
    },
    finalMessage: () => said.last(),
    reportedStructuredOutput: () => undefined,
    classify({ exitCode, killedAfterTerminal }): StreamVerdict {
      const budget = errors.find(looksLikeBudgetError);
      if (budget) return { outcome: 'budget_exceeded', reason: budget };
      if (denied.length > 0)
        return { outcome: 'permission_denied', reason: `rejected permissions: ${[...new Set(denied)].join(', ')}` };
      if (errors.length > 0) return { outcome: 'failed', reason: errors.at(-1) ?? 'error' };
      if (done === null && !finalStep()) {
        return {
          outcome: 'no_terminal_event',
          reason: `stream ended without a done event or a final step (exit code ${exitCode ?? 'null'})`,
        };
      }
      if (exitCode !== 0 && !killedAfterTerminal)
        return { outcome: 'failed', reason: `exit code ${exitCode ?? 'null'}` };
      // Auto-rejected permissions can end "successfully" with an empty answer (anomalyco/opencode#44267).
      if (said.last() === null) return { outcome: 'failed', reason: 'empty final message' };
      return { outcome: 'succeeded', reason: null };
    },
  };
}
