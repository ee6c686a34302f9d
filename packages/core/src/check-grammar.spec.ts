import { extractStepChecks, parseStepFile } from './check-grammar.js';

const STEP = [
  '# Step 1: build', //                    1
  '',
  '```sh',
  'mkdir -p out',
  '```', //                                 5
  '',
  '~~~bash',
  'echo tilde',
  '~~~',
  '', //                                    10
  '```python',
  'print("not shell")',
  '```',
  '',
  '````sh', //                              15
  'cat <<EOF',
  '```',
  'EOF',
  '````',
  '', //                                    20
  '```sh skip',
  'exit 42',
  '```',
  '',
  '```sh check', //                         25
  'test -d out',
  '```',
  '',
  '## Checks',
  '', //                                    30
  '```bash',
  'grep -q x out/file',
  '```',
  '',
  '### Details', //                         35
  '```shell',
  'true',
  '```',
  '',
  '## Notes', //                            40
  '```sh',
  'echo after checks',
  '```',
  '```sh',
  '   ', //                                 45
  '```',
].join('\n');

describe('parseStepFile', () => {
  const parsed = parseStepFile(STEP);

  it('finds sh, bash and shell fences (backticks and tildes, longer fences) and skips other languages', () => {
    expect(parsed.blocks.map((b) => [b.index, b.line, b.language])).toEqual([
      [1, 3, 'sh'],
      [2, 7, 'bash'],
      [3, 15, 'sh'],
      [4, 21, 'sh'],
      [5, 25, 'sh'],
      [6, 31, 'bash'],
      [7, 36, 'shell'],
      [8, 41, 'sh'],
      [9, 44, 'sh'],
    ]);
    expect(parsed.blocks[2]?.code).toBe('cat <<EOF\n```\nEOF');
  });

  it('separates run blocks from checks (tag or Checks section, which ends at the next same-level heading)', () => {
    expect(parsed.runBlocks.map((b) => b.code)).toEqual([
      'mkdir -p out',
      'echo tilde',
      'cat <<EOF\n```\nEOF',
      'echo after checks',
    ]);
    expect(parsed.checks.map((c) => [c.index, c.line, c.command, c.source])).toEqual([
      [1, 25, 'test -d out', 'check-tag'],
      [2, 31, 'grep -q x out/file', 'checks-section'],
      [3, 36, 'true', 'checks-section'],
    ]);
  });

  it('never runs skip-tagged or empty blocks', () => {
    expect(parsed.blocks[3]).toMatchObject({ isSkipped: true, tags: ['skip'] });
    expect(parsed.runBlocks.map((b) => b.index)).not.toContain(4);
    expect(parsed.runBlocks.map((b) => b.index)).not.toContain(9);
    expect(parsed.checks.map((c) => c.command)).not.toContain('exit 42');
  });

  it('handles a file without blocks and an unterminated fence', () => {
    expect(parseStepFile('# Nothing here\n')).toEqual({ blocks: [], runBlocks: [], checks: [] });
    expect(parseStepFile('```sh\necho open').runBlocks.map((b) => b.code)).toEqual(['echo open']);
  });

  describe('one form at a time', () => {
    it('a ```checks fence: one check per line, never a run block', () => {
      const md = ['# 01 Build', '', '```checks', 'npm test', '', '# a comment', '  npm run lint  ', '```', ''].join(
        '\n',
      );
      const result = parseStepFile(md);
      expect(result.checks).toEqual([
        { index: 1, line: 4, command: 'npm test', source: 'checks-fence' },
        { index: 2, line: 7, command: 'npm run lint', source: 'checks-fence' },
      ]);
      expect(result.blocks).toEqual([]);
      expect(result.runBlocks).toEqual([]);
    });

    it('a ```checks fence: a trailing backslash continues the command on the next line', () => {
      const md = ['```checks', 'node --test \\', '  test/a.test.js \\', '  test/b.test.js', 'true', '```'].join('\n');
      expect(parseStepFile(md).checks.map((c) => [c.line, c.command])).toEqual([
        [2, 'node --test test/a.test.js test/b.test.js'],
        [5, 'true'],
      ]);
    });

    it('a ```checks fence under a Checks heading is still one check per line; tildes and extra words work', () => {
      const md = ['## Checks', '', '~~~~checks extra', 'test -f a', 'test -f b', '~~~~'].join('\n');
      expect(parseStepFile(md).checks.map((c) => [c.command, c.source])).toEqual([
        ['test -f a', 'checks-fence'],
        ['test -f b', 'checks-fence'],
      ]);
      expect(extractStepChecks('```checks skip\nnpm test\n```')).toEqual([]);
    });

    it('a ```sh check block: the whole block is one check', () => {
      const md = ['```bash check', 'cd app', 'npm test', '```'].join('\n');
      expect(parseStepFile(md).checks).toEqual([
        { index: 1, line: 1, command: 'cd app\nnpm test', source: 'check-tag' },
      ]);
      expect(parseStepFile(md).runBlocks).toEqual([]);
    });

    it('sh/bash blocks under a Checks (or QA checks) heading: each block one check', () => {
      const md = [
        '# Step',
        '## QA checks',
        '```sh',
        'test -f a',
        '```',
        '```bash',
        'test -f b',
        '```',
        '# Next',
        '```sh',
        'echo run',
        '```',
      ].join('\n');
      const result = parseStepFile(md);
      expect(result.checks.map((c) => [c.command, c.source])).toEqual([
        ['test -f a', 'checks-section'],
        ['test -f b', 'checks-section'],
      ]);
      expect(result.runBlocks.map((b) => b.code)).toEqual(['echo run']);
    });

    it('checks keep file order across forms', () => {
      const md = [
        '```sh check',
        'one',
        '```',
        '```checks',
        'two',
        'three',
        '```',
        '## Checks',
        '```sh',
        'four',
        '```',
      ].join('\n');
      expect(extractStepChecks(md)).toEqual(['one', 'two', 'three', 'four']);
      expect(parseStepFile(md).checks.map((c) => c.index)).toEqual([1, 2, 3, 4]);
    });
  });
});
