import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@swc/core';
import { createBatchedFdDestination } from './log-destination.js';

const SOURCE = fileURLToPath(new URL('./log-destination.ts', import.meta.url));

describe('createBatchedFdDestination', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tgz-log-dest-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the lines of one turn together at its end, and at once on flush', async () => {
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const destination = createBatchedFdDestination(fd);
    try {
      destination.write('a\n');
      destination.write('b\n');
      expect(readFileSync(file, 'utf8')).toBe('');
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
      destination.write('c\n');
      destination.flush();
      expect(readFileSync(file, 'utf8')).toBe('a\nb\nc\n');
    } finally {
      destination.close();
      closeSync(fd);
    }
  });

  it('writes a large batch at once', () => {
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const destination = createBatchedFdDestination(fd);
    try {
      const line = `${'x'.repeat(1023)}\n`;
      for (let index = 0; index < 64; index += 1) destination.write(line);
      expect(readFileSync(file, 'utf8')).toBe(line.repeat(64));
    } finally {
      destination.close();
      closeSync(fd);
    }
  });

  it('drops lines it cannot write instead of throwing into the caller', () => {
    const file = join(dir, 'read-only.log');
    writeFileSync(file, '');
    const fd = openSync(file, 'r');
    const destination = createBatchedFdDestination(fd);
    try {
      destination.write('lost\n');
      expect(() => destination.flush()).not.toThrow();
      expect(readFileSync(file, 'utf8')).toBe('');
    } finally {
      destination.close();
      closeSync(fd);
    }
  });

  // A real process: the destination module (compiled as is) writes to its stderr, then the process ends
  // before the end of the turn. Every line must still be on stderr.
  const endings: [string, string, number][] = [
    ['process.exit', 'process.exit(3);', 3],
    ['an uncaught error', "throw new Error('crash');", 1],
    ['the end of the event loop', '', 0],
  ];
  it.each(endings)('loses no line when the process ends by %s', (_name, ending, status) => {
    const compiled = transformSync(readFileSync(SOURCE, 'utf8'), {
      filename: 'log-destination.ts',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    writeFileSync(join(dir, 'log-destination.mjs'), compiled.code);
    writeFileSync(
      join(dir, 'main.mjs'),
      [
        "import { stderrDestination } from './log-destination.mjs';",
        'const destination = stderrDestination();',
        'for (let index = 0; index < 1000; index += 1) destination.write(`line ${index}\\n`);',
        ending,
      ].join('\n'),
    );
    const child = spawnSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8' });
    expect(child.status).toBe(status);
    const lines = child.stderr.split('\n').filter((line) => line.startsWith('line '));
    expect(lines).toEqual(Array.from({ length: 1000 }, (_, index) => `line ${index}`));
  });
});
