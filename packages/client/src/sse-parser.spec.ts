import { readSseStream, SseParser, type SseMessage } from './sse-parser.js';

const STREAM = [
  '\uFEFF: connected\r\n',
  'retry: 2500\r\n',
  'id: 1\r\n',
  'event: step_started\r\n',
  'data: {"id":1}\r\n',
  '\r\n',
  ':heartbeat\n',
  '\n',
  'id: 2\r',
  'data: line one\r',
  'data:line two\r',
  'data\r',
  '\r',
  'id: 3\n',
  'event: message\n',
  'data:  two spaces kept after the first\n',
  'unknown: field is ignored\n',
  '\n',
  'data: no id field: keeps the last id\n',
  '\n',
  'id\n',
  'data: empty id resets it\n',
  '\n',
  'id: 9\n',
  '\n',
  'id: 10\n',
  'data: cut off by the end of the stream',
].join('');

const EXPECTED: SseMessage[] = [
  { id: '1', event: 'step_started', data: '{"id":1}' },
  { id: '2', event: 'message', data: 'line one\nline two\n' },
  { id: '3', event: 'message', data: ' two spaces kept after the first' },
  { id: '3', event: 'message', data: 'no id field: keeps the last id' },
  { id: '', event: 'message', data: 'empty id resets it' },
];

function parseInChunks(chunks: string[]): { messages: SseMessage[]; parser: SseParser } {
  const parser = new SseParser();
  const messages = chunks.flatMap((chunk) => parser.push(chunk));
  messages.push(...parser.end());
  return { messages, parser };
}

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe('SseParser', () => {
  it('parses a whole stream: comments, CR/LF/CRLF, multi-line data, ids, retry, BOM', () => {
    const { messages, parser } = parseInChunks([STREAM]);
    expect(messages).toEqual(EXPECTED);
    // The id-only event moves the last id; the event cut off by the end of the stream is not dispatched.
    expect(parser.lastEventId).toBe('9');
    expect(parser.retry).toBe(2500);
  });

  it('gives the same result for every two-chunk cut', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const { messages, parser } = parseInChunks([STREAM.slice(0, cut), STREAM.slice(cut)]);
      expect({ cut, messages, id: parser.lastEventId }).toEqual({ cut, messages: EXPECTED, id: '9' });
    }
  });

  it('gives the same result one character at a time', () => {
    expect(parseInChunks([...STREAM]).messages).toEqual(EXPECTED);
  });

  it('treats a lone CR at a chunk end as one line end, not two', () => {
    const { messages } = parseInChunks(['data: a\r', '\ndata: b\r', '', '\n\r', '\n']);
    expect(messages).toEqual([{ id: '', event: 'message', data: 'a\nb' }]);
  });

  it('starts from a given last event id', () => {
    const parser = new SseParser('41');
    expect(parser.push('data: x\n\n')).toEqual([{ id: '41', event: 'message', data: 'x' }]);
  });

  it('ignores an invalid retry and an id containing NUL', () => {
    const parser = new SseParser();
    parser.push('retry: 1s\nid: a\u0000b\ndata: x\n\n');
    expect(parser.retry).toBeUndefined();
    expect(parser.lastEventId).toBe('');
  });
});

describe('readSseStream', () => {
  it('decodes UTF-8 split inside a character across chunks', async () => {
    const bytes = new TextEncoder().encode('id: 5\ndata: {"message":"héllo ✓ 🦖"}\n\n');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.slice(i, i + 3));
    const out: SseMessage[] = [];
    for await (const message of readSseStream(streamOf(chunks))) out.push(message);
    expect(out).toEqual([{ id: '5', event: 'message', data: '{"message":"héllo ✓ 🦖"}' }]);
  });

  it('reports every chunk and cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(': hb\n\ndata: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    let chunks = 0;
    for await (const message of readSseStream(stream, { onChunk: () => chunks++ })) {
      expect(message.data).toBe('1');
      break;
    }
    expect(chunks).toBe(1);
    expect(cancelled).toBe(true);
  });
});
