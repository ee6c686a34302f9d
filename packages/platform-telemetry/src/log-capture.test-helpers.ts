import { Writable } from 'node:stream';

/** A Writable that keeps every chunk written to it, for asserting on log output. */
export function captureStream(): {
  stream: Writable;
  text(): string;
  lines(): string[];
  records(): Record<string, unknown>[];
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '');
  return { stream, text, lines, records: () => lines().map((line) => JSON.parse(line) as Record<string, unknown>) };
}
