import type { EngineEvent } from '../engine.types.js';

/** The agent's words in a stream, as events; remembers the last message (the final one when the stream names none). */
export interface AgentText {
  /** A message event for non-blank text, which becomes the last message; nothing otherwise. */
  message(text: string | null): EngineEvent[];
  /** A reasoning event for non-empty text; nothing otherwise. */
  reasoning(text: string | null): EngineEvent[];
  /** The last non-blank message, or null. */
  last(): string | null;
}

export function createAgentText(): AgentText {
  let last: string | null = null;
  return {
    message(text) {
      if (text === null || text.trim() === '') return [];
      last = text;
      return [{ type: 'message', text }];
    },
    reasoning: (text) => (text ? [{ type: 'reasoning', text }] : []),
    last: () => last,
  };
}
