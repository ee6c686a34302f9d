import { fakeApi, json, PROJECT, run } from './cli.test-helpers.js';

// Issue 10: stored names reach the operator's terminal; a credentialed --api-base reached the error line.

const HOSTILE =
  'demo\u001b]0;owned\u0007\u001b[2J\u001b]8;;https://evil.invalid\u001b\\link\u001b]8;;\u001b\\\nfake row';

function hasControl(text: string): boolean {
  return [...text].some((char) => {
    const code = char.charCodeAt(0);
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
  });
}

describe('hostile text in human output', () => {
  it('shows escape sequences in names as visible text in tables and records, never raw', async () => {
    const { fetch } = fakeApi({
      'GET /projects': () => json([{ ...PROJECT, name: HOSTILE }]),
      'GET /projects/1': () => json({ ...PROJECT, name: HOSTILE }),
    });
    const list = await run(['projects', 'list'], { fetch });
    expect(list.code).toBe(0);
    expect(hasControl(list.stdout)).toBe(false);
    expect(list.stdout).toContain('demo\\x1b]0;owned\\x07');
    // The newline in the name cannot fake a row of the table.
    expect(list.stdout.split('\n').filter((line) => line.startsWith('fake row'))).toEqual([]);
    const show = await run(['projects', 'show', '1'], { fetch });
    expect(show.code).toBe(0);
    expect(hasControl(show.stdout)).toBe(false);
  });

  it('leaves --json output to JSON escaping (the exact stored value round-trips)', async () => {
    const { fetch } = fakeApi({ 'GET /projects': () => json([{ ...PROJECT, name: HOSTILE }]) });
    const result = await run(['projects', 'list', '--json'], { fetch });
    expect((JSON.parse(result.stdout) as { name: string }[])[0]!.name).toBe(HOSTILE);
  });

  it('shows server error details safely', async () => {
    const { fetch } = fakeApi({ 'GET /projects/1': () => json({ detail: 'nope \u001b[2J\u001b]0;x\u0007' }, 409) });
    const result = await run(['projects', 'show', '1'], { fetch });
    expect(result.code).toBe(1);
    expect(hasControl(result.stderr)).toBe(false);
    expect(result.stderr).toContain('\\x1b[2J');
  });

  it('never prints the credentials of --api-base in its error line', async () => {
    const result = await run(['projects', 'list', '--api-base', 'http://user:s3cret-pass@127.0.0.1:1', '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: cannot reach http://***@127.0.0.1:1');
    expect(result.stderr).not.toContain('s3cret-pass');
  });
});
