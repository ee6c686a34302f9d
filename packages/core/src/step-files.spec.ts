import { PROTOCOL_DOC_FILES, compareStepFilenames, isStepFilename } from './step-files.js';

describe('the step-file name grammar', () => {
  it('accepts Markdown files whose name starts with two digits', () => {
    for (const name of ['00-setup.md', '01-api.md', '99-last.md', '120-late.md', '01-a.b.md'])
      expect([name, isStepFilename(name)]).toEqual([name, true]);
  });

  it('refuses documents, other extensions, single digits and paths', () => {
    for (const name of [
      ...PROTOCOL_DOC_FILES,
      'README.md',
      '01-notes.txt',
      '01-api.md.bak',
      'a01-api.md',
      '1-api.md',
      '01-dir/02-api.md',
      '01-dir\\02-api.md',
    ])
      expect([name, isStepFilename(name)]).toEqual([name, false]);
  });

  // The shell engine's template reader used /^(\d+)-[^/\\]+\.md$/ and services-spec /^\d\d/ + `.md`
  // in any case: a template step the spec then ignored, or one the engine never copied. One answer now.
  it('settles the names the two old patterns disagreed on', () => {
    expect(isStepFilename('1-build.md')).toBe(false); // engine yes, spec no: spec never made it a step
    expect(isStepFilename('01build.md')).toBe(true); // engine no (no dash), spec yes
    expect(isStepFilename('01.md')).toBe(true); // engine no, spec yes
    expect(isStepFilename('01-BUILD.MD')).toBe(true); // engine no (case), spec yes
  });

  it('orders step files by name in code-point order', () => {
    const names = ['10-last.md', '02-b.md', '100-x.md', '01-a.md', '01-B.md', '00-setup.md'];
    expect([...names].sort(compareStepFilenames)).toEqual([
      '00-setup.md',
      '01-B.md',
      '01-a.md',
      '02-b.md',
      '10-last.md',
      '100-x.md',
    ]);
  });
});
