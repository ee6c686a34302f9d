import { formatChecks, planningPromptVars, qaPromptVars, splitProtocolName } from './prompt.builders.js';

describe('prompt builders', () => {
  it('splits protocol names at the first dash', () => {
    expect(splitProtocolName('0001-demo-task')).toEqual({ number: '0001', shortName: 'demo-task' });
    expect(splitProtocolName('demo')).toEqual({ number: '(none)', shortName: 'demo' });
    expect(splitProtocolName('-x')).toEqual({ number: '(none)', shortName: 'x' });
    expect(splitProtocolName('0002-')).toEqual({ number: '0002', shortName: '0002-' });
  });

  it('fills absent planning inputs with (none)', () => {
    expect(
      planningPromptVars({ protocolName: '0001-a', projectRoot: '/r', worktreeRoot: '/w', description: '  ' }),
    ).toMatchObject({
      description: '(none)',
      project_name: '(none)',
      reference_templates: '(none)',
    });
  });

  it('formats checks: not run, passed, failed, timed out, output tails', () => {
    expect(formatChecks([])).toBe('(no checks declared)');
    expect(
      formatChecks([
        'a',
        { command: 'b', exit_code: 0 },
        { command: 'c', exit_code: 2, output: 'boom\n' },
        { command: 'd', timed_out: true },
      ]),
    ).toBe(
      [
        '- `a`: not run',
        '- `b`: exit 0 (passed)',
        '- `c`: exit 2 (FAILED, blocking)\n\n  ```\n  boom\n  ```',
        '- `d`: TIMED OUT (blocking)',
      ].join('\n'),
    );
  });

  it('puts custom instructions first, separated by a real blank line', () => {
    expect(
      qaPromptVars({ protocolName: 'p', stepFilename: 's', stepContent: '', instructions: 'Rules.\n' }).instructions,
    ).toBe('Rules.\n\n');
  });
});
