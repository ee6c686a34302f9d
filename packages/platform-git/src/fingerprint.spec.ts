import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@tasksgodzilla/testing';
import { fingerprintFile, fingerprintText } from './fingerprint.js';

describe('fingerprints', () => {
  it('is the first 12 hex chars of SHA-256', () => {
    // sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
    expect(fingerprintText('hello')).toBe('2cf24dba5fb0');
    expect(fingerprintText('')).toBe('e3b0c44298fc');
    expect(fingerprintText('é')).toBe(fingerprintText(Buffer.from('é', 'utf8')));
  });

  it('fingerprints files by bytes, `missing` when absent', async () => {
    const dir = createTempDir('tgz-fp-');
    try {
      const path = join(dir.path, 'p.md');
      writeFileSync(path, 'hello');
      expect(await fingerprintFile(path)).toBe('2cf24dba5fb0');
      expect(await fingerprintFile(join(dir.path, 'nope.md'))).toBe('missing');
    } finally {
      dir.remove();
    }
  });
});
