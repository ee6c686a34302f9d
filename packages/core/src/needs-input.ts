/**
 * How an executing agent asks a person instead of guessing, defined once: the execution prompt
 * teaches it, the execution service reads it from the agent's final message, the shell engine
 * passes it through. Pure text parsing, no I/O.
 *
 * Two forms are accepted:
 * - a `NEEDS_INPUT:` block: a line starting with the marker (markdown emphasis, quote or list marks
 *   before it are tolerated); the question is the rest of that line and every following line, up to
 *   a line `END_NEEDS_INPUT` or the end of the message;
 * - a final message that is a JSON object (bare or in one ```json fence) with a `needs_input` field:
 *   a string, or an object with a string `question`.
 */

/** The marker line that opens a question block. */
export const NEEDS_INPUT_MARKER = 'NEEDS_INPUT:';
/** The optional line that closes a question block (otherwise it runs to the end of the message). */
export const NEEDS_INPUT_END = 'END_NEEDS_INPUT';
/** Longest question kept, in characters; a longer one is cut with a note. */
export const NEEDS_INPUT_MAX_CHARS = 4000;
/** Longest answer a person may give, in characters. */
export const ANSWER_MAX_CHARS = 20_000;

const MARKER_LINE = /^[\s>*_#`-]*NEEDS_INPUT[*_`]*:[*_`]*[ \t]*(.*)$/;
const END_LINE = /^[\s>*_#`-]*END_NEEDS_INPUT[*_`]*\s*$/;
const JSON_FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n```$/i;

function bounded(question: string): string | null {
  const trimmed = question.trim();
  if (trimmed === '') return null;
  if (trimmed.length <= NEEDS_INPUT_MAX_CHARS) return trimmed;
  const note = '\n… (question truncated)';
  return trimmed.slice(0, NEEDS_INPUT_MAX_CHARS - note.length) + note;
}

function fromJson(text: string): string | null | undefined {
  const body = JSON_FENCE.exec(text)?.[1] ?? text;
  if (!body.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('needs_input' in parsed)) return undefined;
  const field = (parsed as { needs_input: unknown }).needs_input;
  if (typeof field === 'string') return bounded(field);
  if (typeof field === 'object' && field !== null && typeof (field as { question?: unknown }).question === 'string')
    return bounded((field as { question: string }).question);
  return null;
}

/**
 * The question an agent's final message asks (see the module comment for the two forms), or null
 * when it asks none. An empty block asks nothing.
 */
export function parseNeedsInput(text: string | null | undefined): string | null {
  if (!text) return null;
  const trimmed = text.trim();
  const json = fromJson(trimmed);
  if (json !== undefined) return json;
  const lines = trimmed.split(/\r?\n/);
  const start = lines.findIndex((line) => MARKER_LINE.test(line));
  if (start < 0) return null;
  const body = [MARKER_LINE.exec(lines[start] as string)?.[1] ?? ''];
  for (const line of lines.slice(start + 1)) {
    if (END_LINE.test(line)) break;
    body.push(line);
  }
  // A block the agent wrapped in a code fence: the closing fence is not part of the question.
  while (body.length > 0 && /^\s*(```)?\s*$/.test(body[body.length - 1] as string)) body.pop();
  return bounded(body.join('\n'));
}
