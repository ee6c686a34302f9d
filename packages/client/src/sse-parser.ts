/** One dispatched server-sent event. */
export interface SseMessage {
  /** The last event id seen so far on the stream (`''` when the server sent none). */
  id: string;
  /** `event:` field, `message` when absent. */
  event: string;
  /** `data:` lines joined by `\n`. */
  data: string;
}

const LF = '\n';
const CR = '\r';

/**
 * Incremental `text/event-stream` parser (WHATWG HTML §9.2.6): accepts text in chunks cut anywhere
 * (including between `\r` and `\n`), skips `:` comments, joins multi-line data, tracks the last
 * event id and the `retry:` delay. An event is dispatched on its blank line only, so one cut short
 * by a dropped connection is never delivered.
 */
export class SseParser {
  /** Last event id, updated when an event is dispatched (what a reconnect sends as Last-Event-ID). */
  lastEventId: string;
  /** Reconnection delay in ms from the last `retry:` field, if any. */
  retry: number | undefined;

  private buffer = '';
  private data = '';
  private hasData = false;
  private eventType = '';
  private idBuffer: string;
  private atStart = true;
  private skipLeadingLf = false;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!text) return [];
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (text.startsWith(LF)) text = text.slice(1);
    }
    const buffer = this.buffer + text;
    const out: SseMessage[] = [];
    let pos = 0;
    let nextCr = -2;
    let nextLf = -2;
    while (pos < buffer.length) {
      // Positions are cached: rescanning for a terminator that is not there would be quadratic.
      if (nextCr !== -1 && nextCr < pos) nextCr = buffer.indexOf(CR, pos);
      if (nextLf !== -1 && nextLf < pos) nextLf = buffer.indexOf(LF, pos);
      if (nextCr === -1 && nextLf === -1) break;
      let end: number;
      if (nextCr !== -1 && (nextLf === -1 || nextCr < nextLf)) {
        end = nextCr;
        this.processLine(buffer.slice(pos, end), out);
        if (end + 1 >= buffer.length) {
          // A CR at the end of the chunk: its LF (if any) arrives with the next chunk.
          this.skipLeadingLf = true;
          pos = end + 1;
        } else {
          pos = buffer.charAt(end + 1) === LF ? end + 2 : end + 1;
        }
      } else {
        end = nextLf;
        this.processLine(buffer.slice(pos, end), out);
        pos = end + 1;
      }
    }
    this.buffer = buffer.slice(pos);
    return out;
  }

  /** Ends the stream: an event without its closing blank line is discarded, as the spec says. */
  end(): SseMessage[] {
    this.buffer = '';
    this.data = '';
    this.hasData = false;
    this.eventType = '';
    return [];
  }

  private processLine(line: string, out: SseMessage[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data = this.hasData ? `${this.data}${LF}${value}` : value;
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }

  private dispatch(out: SseMessage[]): void {
    this.lastEventId = this.idBuffer;
    if (this.hasData) out.push({ id: this.lastEventId, event: this.eventType || 'message', data: this.data });
    this.data = '';
    this.hasData = false;
    this.eventType = '';
  }
}

export interface ReadSseOptions {
  parser?: SseParser;
  /** Called for every chunk received (heartbeats included), e.g. to reset an idle timer. */
  onChunk?: () => void;
}

/** Reads a `text/event-stream` body (fetch's ReadableStream) into events, decoding UTF-8 across chunk cuts. */
export async function* readSseStream(
  stream: ReadableStream<Uint8Array>,
  options: ReadSseOptions = {},
): AsyncGenerator<SseMessage, void, undefined> {
  const parser = options.parser ?? new SseParser();
  const decoder = new TextDecoder('utf-8');
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      options.onChunk?.();
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    parser.end();
    finished = true;
  } finally {
    // Stopped early (break, abort, error): release the connection.
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
