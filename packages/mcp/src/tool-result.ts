import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool's answer: its value as indented JSON text, and as structured content when it is an object. */
export function jsonResult(value: unknown): CallToolResult {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const structured =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? { structuredContent: value as Record<string, unknown> }
      : {};
  return { content: [{ type: 'text', text }], ...structured };
}

/** A plain-text answer (logs, diffs); an empty text says so instead of answering nothing. */
export function textResult(text: string, whenEmpty: string): CallToolResult {
  return { content: [{ type: 'text', text: text === '' ? whenEmpty : text }] };
}

/**
 * A failed call as an MCP tool error (`isError`), which the calling model reads and can act on:
 * the api's status and detail (`404 Not Found: Protocol run not found`), never a crash of the server.
 */
export function errorResult(error: unknown): CallToolResult {
  const text = error instanceof Error ? error.message : String(error);
  return { content: [{ type: 'text', text }], isError: true };
}
