import type { JsonValue } from '@tasksgodzilla/core';
import type { EngineStreamParser, StreamVerdict } from '../cli-engine.js';
import type { EngineEvent } from '../engine.types.js';
import { arrayField, asJson, asText, numberField, recordField, stringField, type JsonRecord } from '../json-record.js';
import { looksLikeBudgetError } from '../outcome-patterns.js';
import { usageEvent } from '../usage-tracker.js';

function errorText(record: JsonRecord): string {
  return stringField(record, 'message') ?? stringField(recordField(record, 'error'), 'message') ?? 'unknown error';
}

function toolEnd(name: string, item: JsonRecord, input: JsonValue | null, output: string | null): EngineEvent {
  return {
    type: 'tool',
    phase: 'end',
    name,
    call_id: stringField(item, 'id'),
    input,
    output,
    exit_code: numberField(item, 'exit_code'),
    status: stringField(item, 'status'),
  };
}

/**
 * `codex exec --json` stream (exec_events.rs). Success ⇔ a `turn.completed`, no `turn.failed` or
 * fatal `error`, and exit code 0. An interrupted turn emits no terminal event at all.
 */
export function createCodexStreamParser(): EngineStreamParser {
  let completed = false;
  let failed = false;
  let lastMessage: string | null = null;
  let inputRequested = false;
  const fatalErrors: string[] = [];
  const declined: string[] = [];

  const itemEvents = (kind: string, record: JsonRecord): EngineEvent[] => {
    const item = recordField(record, 'item');
    if (!item) return [];
    const type = stringField(item, 'type');
    const status = stringField(item, 'status');
    const started = kind === 'item.started';
    const done = kind === 'item.completed';
    if (status === 'declined' && done) {
      declined.push(stringField(item, 'command') ?? type ?? 'item');
    }
    switch (type) {
      case 'agent_message': {
        const text = stringField(item, 'text');
        if (!done || text === null) return [];
        lastMessage = text;
        return [{ type: 'message', text }];
      }
      case 'reasoning': {
        const text = stringField(item, 'text');
        return done && text !== null ? [{ type: 'reasoning', text }] : [];
      }
      case 'command_execution': {
        const input = asJson({ command: stringField(item, 'command') });
        if (started) {
          return [
            {
              type: 'tool',
              phase: 'start',
              name: 'command',
              call_id: stringField(item, 'id'),
              input,
              output: null,
              exit_code: null,
              status: null,
            },
          ];
        }
        return done ? [toolEnd('command', item, input, stringField(item, 'aggregated_output'))] : [];
      }
      case 'file_change': {
        if (!done) return [];
        const changes = arrayField(item, 'changes').map((change) => ({
          path: stringField(change, 'path') ?? '',
          kind: stringField(change, 'kind') ?? 'update',
        }));
        return [{ type: 'file_change', paths: changes.map((c) => c.path).filter(Boolean), changes }];
      }
      case 'mcp_tool_call': {
        const name = `${stringField(item, 'server') ?? 'mcp'}.${stringField(item, 'tool') ?? 'tool'}`;
        const input = asJson(item['arguments']);
        if (started) {
          return [
            {
              type: 'tool',
              phase: 'start',
              name,
              call_id: stringField(item, 'id'),
              input,
              output: null,
              exit_code: null,
              status: null,
            },
          ];
        }
        if (!done) return [];
        const error = stringField(recordField(item, 'error'), 'message');
        return [toolEnd(name, item, input, error ?? asText(recordField(item, 'result')?.['content']))];
      }
      case 'web_search':
        return done ? [toolEnd('web_search', item, asJson({ query: stringField(item, 'query') }), null)] : [];
      case 'collab_tool_call':
        return done ? [toolEnd('collab_tool_call', item, asJson(item['prompt'] ?? null), null)] : [];
      case 'error': {
        // Error items are warnings (model metadata, deprecations, reroutes): never counted as errors.
        const message = stringField(item, 'message');
        return done && message !== null ? [{ type: 'error', message, fatal: false }] : [];
      }
      default:
        return [];
    }
  };

  return {
    accept(record) {
      const type = stringField(record, 'type');
      switch (type) {
        case 'thread.started': {
          const id = stringField(record, 'thread_id');
          return id ? [{ type: 'session', session_id: id, model: null }] : [];
        }
        case 'item.started':
        case 'item.updated':
        case 'item.completed':
          return itemEvents(type, record);
        case 'turn.completed': {
          completed = true;
          const usage = recordField(record, 'usage');
          if (!usage) return [];
          // Codex reports the thread's running total, never a per-turn delta.
          return [
            usageEvent(
              {
                input_tokens: numberField(usage, 'input_tokens') ?? 0,
                cached_input_tokens: numberField(usage, 'cached_input_tokens') ?? 0,
                output_tokens: numberField(usage, 'output_tokens') ?? 0,
                reasoning_tokens: numberField(usage, 'reasoning_output_tokens') ?? 0,
              },
              { cumulative: true, costUsd: null },
            ),
          ];
        }
        case 'turn.failed':
        case 'error': {
          if (type === 'turn.failed') failed = true;
          const message = errorText(record);
          // Codex prints a fatal error as `error` and again as `turn.failed`: one error, not two.
          if (fatalErrors.includes(message)) return [];
          fatalErrors.push(message);
          return [{ type: 'error', message, fatal: true }];
        }
        case 'request_user_input': {
          inputRequested = true;
          const questions = arrayField(record, 'questions')
            .map((q) => asText(q) ?? '')
            .join('; ');
          return [{ type: 'approval_request', detail: questions || 'user input requested' }];
        }
        default:
          return [];
      }
    },
    get terminalSeen() {
      return completed || failed;
    },
    finalMessage: () => lastMessage,
    reportedStructuredOutput: () => undefined,
    classify({ exitCode, killedAfterTerminal }): StreamVerdict {
      const budget = fatalErrors.find(looksLikeBudgetError);
      if (budget) return { outcome: 'budget_exceeded', reason: budget };
      if (declined.length > 0) return { outcome: 'permission_denied', reason: `declined: ${declined.join(', ')}` };
      if (failed || fatalErrors.length > 0) return { outcome: 'failed', reason: fatalErrors.at(-1) ?? 'turn failed' };
      if (completed) {
        if (exitCode === 0 || killedAfterTerminal) return { outcome: 'succeeded', reason: null };
        return { outcome: 'failed', reason: `exit code ${exitCode ?? 'null'} after turn.completed` };
      }
      if (inputRequested)
        return { outcome: 'permission_denied', reason: 'the engine asked for user input in a non-interactive run' };
      return {
        outcome: 'no_terminal_event',
        reason: `stream ended without turn.completed or turn.failed (exit code ${exitCode ?? 'null'})`,
      };
    },
  };
}
