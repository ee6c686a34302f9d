import type { EngineStreamParser, StreamVerdict } from '../cli-engine.js';
import type { EngineEvent } from '../engine.types.js';
import {
  arrayField,
  asJson,
  asText,
  booleanField,
  numberField,
  recordField,
  stringField,
  type JsonRecord,
} from '../json-record.js';
import { looksLikeBudgetError, looksLikePermissionDenial } from '../outcome-patterns.js';
import { usageEvent } from '../usage-tracker.js';
import { createAgentText } from './agent-text.js';

const FILE_TOOLS = new Set(['Edit', 'Write', 'NotebookEdit']);
// API statuses no retry can fix: Claude Code still retries them (10 times, minutes), so stop at once.
const NON_RETRYABLE_API_STATUSES = new Set([400, 401, 403, 404]);

function denialName(denial: unknown): string {
  return stringField(denial, 'tool_name') ?? asText(denial) ?? 'tool';
}

/**
 * `claude -p --output-format stream-json --verbose` stream. Success requires a `result` event with
 * `subtype: "success"`, `is_error: false`, no permission denials, no API error status, and exit 0.
 */
export function createClaudeCodeStreamParser(): EngineStreamParser {
  let result: JsonRecord | null = null;
  const said = createAgentText();
  const toolNames = new Map<string, string>();
  const toolFiles = new Map<string, string>();
  const deniedInStream: string[] = [];

  const assistantEvents = (record: JsonRecord): EngineEvent[] => {
    const events: EngineEvent[] = [];
    for (const block of arrayField(recordField(record, 'message'), 'content')) {
      switch (stringField(block, 'type')) {
        case 'text':
          events.push(...said.message(stringField(block, 'text')));
          break;
        case 'thinking':
          events.push(...said.reasoning(stringField(block, 'thinking')));
          break;
        case 'tool_use':
        case 'server_tool_use': {
          const id = stringField(block, 'id');
          const name = stringField(block, 'name') ?? 'tool';
          const input = recordField(block, 'input');
          const file = stringField(input, 'file_path') ?? stringField(input, 'notebook_path');
          if (id) toolNames.set(id, name);
          if (id && file && FILE_TOOLS.has(name)) toolFiles.set(id, file);
          events.push({
            type: 'tool',
            phase: 'start',
            name,
            call_id: id,
            input: asJson(input),
            output: null,
            exit_code: null,
            status: null,
          });
          break;
        }
        default:
          break;
      }
    }
    return events;
  };

  const userEvents = (record: JsonRecord): EngineEvent[] => {
    const events: EngineEvent[] = [];
    for (const block of arrayField(recordField(record, 'message'), 'content')) {
      if (stringField(block, 'type') !== 'tool_result') continue;
      const id = stringField(block, 'tool_use_id');
      const isError = booleanField(block, 'is_error') === true;
      const output = asText((block as JsonRecord)['content']);
      // Some denials never reach `permission_denials` (anthropics/claude-code#82747).
      if (isError && output && looksLikePermissionDenial(output))
        deniedInStream.push(id ? (toolNames.get(id) ?? id) : 'tool');
      events.push({
        type: 'tool',
        phase: 'end',
        name: (id && toolNames.get(id)) ?? 'tool',
        call_id: id,
        input: null,
        output,
        exit_code: null,
        status: isError ? 'error' : 'completed',
      });
      const file = id ? toolFiles.get(id) : undefined;
      if (file && !isError) {
        const kind = toolNames.get(id ?? '') === 'Write' ? 'add' : 'update';
        events.push({ type: 'file_change', paths: [file], changes: [{ path: file, kind }] });
      }
    }
    return events;
  };

  let fatal: StreamVerdict | null = null;

  /** `system`/`api_retry`: `{attempt, max_retries, retry_delay_ms, error_status, error}`. */
  const apiRetryEvents = (record: JsonRecord): EngineEvent[] => {
    const status = numberField(record, 'error_status');
    const error = stringField(record, 'error') ?? 'API error';
    const message = `API error ${status ?? 'without status'}: ${error}`;
    if (status !== null && NON_RETRYABLE_API_STATUSES.has(status)) {
      fatal ??= {
        outcome: 'failed',
        reason: `${message} (not retryable; Claude Code would retry it ${numberField(record, 'max_retries') ?? 'several'} times)`,
      };
      return [{ type: 'error', message, fatal: true }];
    }
    const attempt = numberField(record, 'attempt');
    const max = numberField(record, 'max_retries');
    return [{ type: 'error', message: `${message} (retry ${attempt ?? '?'}/${max ?? '?'})`, fatal: false }];
  };

  const resultEvents = (record: JsonRecord): EngineEvent[] => {
    result = record;
    const events: EngineEvent[] = [];
    const usage = recordField(record, 'usage');
    const cost = numberField(record, 'total_cost_usd');
    if (usage || cost !== null) {
      const uncached = numberField(usage, 'input_tokens') ?? 0;
      const cacheRead = numberField(usage, 'cache_read_input_tokens') ?? 0;
      const cacheWrite = numberField(usage, 'cache_creation_input_tokens') ?? 0;
      // The result carries the run's totals, so it replaces anything counted before.
      events.push(
        usageEvent(
          {
            input_tokens: uncached + cacheRead + cacheWrite,
            cached_input_tokens: cacheRead,
            output_tokens: numberField(usage, 'output_tokens') ?? 0,
          },
          { cumulative: true, costUsd: cost },
        ),
      );
    }
    const errors = arrayField(record, 'errors')
      .map((e) => asText(e) ?? '')
      .filter(Boolean);
    for (const message of errors) events.push({ type: 'error', message, fatal: true });
    if (booleanField(record, 'is_error') === true && errors.length === 0) {
      events.push({
        type: 'error',
        message: stringField(record, 'result') ?? stringField(record, 'subtype') ?? 'error',
        fatal: true,
      });
    }
    return events;
  };

  return {
    accept(record) {
      switch (stringField(record, 'type')) {
        case 'system': {
          if (stringField(record, 'subtype') === 'api_retry') return apiRetryEvents(record);
          if (stringField(record, 'subtype') !== 'init') return [];
          const id = stringField(record, 'session_id');
          return id ? [{ type: 'session', session_id: id, model: stringField(record, 'model') }] : [];
        }
        case 'assistant':
          return assistantEvents(record);
        case 'user':
          return userEvents(record);
        case 'result':
          return resultEvents(record);
        default:
          return [];
      }
    },
    get terminalSeen() {
      return result !== null;
    },
    get fatal() {
      return fatal;
    },
    finalMessage: () => (result ? (stringField(result, 'result') ?? said.last()) : said.last()),
    reportedStructuredOutput() {
      if (!result || !('structured_output' in result) || result['structured_output'] === null) return undefined;
      return asJson(result['structured_output']);
    },
    classify({ exitCode, killedAfterTerminal }): StreamVerdict {
      if (!result) {
        return {
          outcome: 'no_terminal_event',
          reason: `stream ended without a result event (exit code ${exitCode ?? 'null'})`,
        };
      }
      const subtype = stringField(result, 'subtype') ?? 'unknown';
      const isError = booleanField(result, 'is_error') === true;
      const text = stringField(result, 'result') ?? '';
      const errors = arrayField(result, 'errors').map((e) => asText(e) ?? '');
      if (subtype === 'error_max_budget_usd') return { outcome: 'budget_exceeded', reason: 'max budget (USD) reached' };
      const denials = [...arrayField(result, 'permission_denials').map(denialName), ...deniedInStream];
      if (denials.length > 0)
        return { outcome: 'permission_denied', reason: `permission denied: ${[...new Set(denials)].join(', ')}` };
      if (subtype === 'error_max_turns') return { outcome: 'failed', reason: 'max turns reached' };
      const apiStatus = numberField(result, 'api_error_status');
      if (subtype !== 'success' || isError || apiStatus !== null) {
        const message = [...errors, text].find((m) => m.trim() !== '') ?? subtype;
        if (looksLikeBudgetError(message)) return { outcome: 'budget_exceeded', reason: message };
        return {
          outcome: 'failed',
          reason: apiStatus !== null ? `API error ${apiStatus}: ${message}` : `${subtype}: ${message}`,
        };
      }
      if (exitCode !== 0 && !killedAfterTerminal)
        return { outcome: 'failed', reason: `exit code ${exitCode ?? 'null'} after a successful result` };
      return { outcome: 'succeeded', reason: null };
    },
  };
}
