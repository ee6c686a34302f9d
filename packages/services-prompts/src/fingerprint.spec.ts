import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@tasksgodzilla/testing';
import { promptVersion } from './fingerprint.js';

describe('promptVersion', () => {
  it('is the file fingerprint, `missing` when absent, `unknown` without a path', async () => {
    const dir = createTempDir('tgz-fp-');
    try {
      const path = join(dir.path, 'p.md');
      writeFileSync(path, 'hello');
      expect(await promptVersion(path)).toBe('2cf24dba5fb0');
      expect(await promptVersion(join(dir.path, 'nope.md'))).toBe('missing');
      expect(await promptVersion(null)).toBe('unknown');
    } finally {
      dir.remove();
    }
  });
});
