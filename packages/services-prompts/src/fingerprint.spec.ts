import { fileURLToPath } from 'node:url';
import { fingerprintFile } from '@tasksgodzilla/platform-git';
import { promptVersion } from './fingerprint.js';

describe('promptVersion', () => {
  it('is the file fingerprint (`missing` when absent), `unknown` without a path', async () => {
    const path = fileURLToPath(import.meta.url);
    expect(await promptVersion(path)).toBe(await fingerprintFile(path));
    expect(await promptVersion(path)).toMatch(/^[0-9a-f]{12}$/);
    expect(await promptVersion(`${path}.nope`)).toBe('missing');
    expect(await promptVersion(null)).toBe('unknown');
    expect(await promptVersion('')).toBe('unknown');
  });
});
