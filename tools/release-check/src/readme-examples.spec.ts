import { readmeExamples } from './readme-examples.js';

describe('readmeExamples', () => {
  it('finds every ts block with its line; plain ts runs, ts fragment does not', () => {
    const md = [
      '# pkg',
      '```ts',
      "import { a } from 'x';",
      'console.log(a);',
      '```',
      'text',
      '```ts fragment',
      'createThing(options): Thing',
      '```',
      '```sh',
      'echo not ts',
      '```',
      '```typescript',
      'const b = 1;',
      '```',
    ].join('\n');
    expect(readmeExamples(md)).toEqual([
      { line: 2, code: "import { a } from 'x';\nconsole.log(a);\n", runnable: true },
      { line: 7, code: 'createThing(options): Thing\n', runnable: false },
      { line: 13, code: 'const b = 1;\n', runnable: true },
    ]);
  });

  it('refuses an unknown marker and an unclosed block, naming the line', () => {
    expect(() => readmeExamples('a\n```ts fragmnet\nx\n```\n')).toThrow('line 2: unknown marker "fragmnet"');
    expect(() => readmeExamples('```ts\nx\n')).toThrow('line 1: the ```ts block is never closed');
  });
});
