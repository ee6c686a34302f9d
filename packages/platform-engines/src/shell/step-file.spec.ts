import { parseStepFile } from './step-file.js';

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
    expect(parsed.runBlocks.map((b) => b.code)).toEqual(['mkdir -p out', 'echo tilde', 'cat <<EOF\n```\nEOF', 'echo after checks']);
    expect(parsed.checkBlocks.map((b) => b.code)).toEqual(['test -d out', 'grep -q x out/file', 'true']);
  });

  it('never runs skip-tagged or empty blocks', () => {
    expect(parsed.blocks[3]).toMatchObject({ isSkipped: true, tags: ['skip'] });
    const all = [...parsed.runBlocks, ...parsed.checkBlocks].map((b) => b.index);
    expect(all).not.toContain(4);
    expect(all).not.toContain(9);
  });

  it('handles a file without blocks and an unterminated fence', () => {
    expect(parseStepFile('# Nothing here\n').blocks).toEqual([]);
    expect(parseStepFile('```sh\necho open').runBlocks.map((b) => b.code)).toEqual(['echo open']);
  });
});
