import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertSystemPackages,
  chromiumPath,
  missingSystemPackages,
  missingSystemPackagesMessage,
} from './system-packages.mjs';

describe('system packages', () => {
  let emptyDir: string;
  beforeAll(() => {
    emptyDir = mkdtempSync(join(tmpdir(), 'tgz-no-tools-'));
  });
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  it('chromium is looked up at TGZ_CHROMIUM_PATH, else /usr/bin/chromium', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ TGZ_CHROMIUM_PATH: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
  });

  it('names every required package that is absent, in one line with the apt-get command', () => {
    const env = { PATH: emptyDir, TGZ_CHROMIUM_PATH: join(emptyDir, 'chromium') };
    const missing = missingSystemPackages({ env });
    expect(missing.map((pkg) => pkg.name)).toEqual(['git', 'chromium', 'tmux']);
    const line = missingSystemPackagesMessage(missing, env);
    expect(line).not.toContain('\n');
    expect(line).toContain(`chromium (${join(emptyDir, 'chromium')}, for the console e2e suite)`);
    expect(line).toContain('tmux (for the TUI e2e test)');
    expect(line).toContain(
      'apt-get install -y --no-install-recommends git chromium tmux fonts-dejavu-core fonts-liberation',
    );
  });

  it('assertSystemPackages throws only for the packages it is asked about', () => {
    const env = { ...process.env, TGZ_CHROMIUM_PATH: join(emptyDir, 'chromium') };
    expect(() => assertSystemPackages(['chromium'], env)).toThrow(/^missing system packages: chromium \(/);
    expect(() => assertSystemPackages(['git'], env)).not.toThrow();
  });

  it('finds a tool that is on the PATH (git runs every suite)', () => {
    expect(
      missingSystemPackages({ env: { ...process.env, TGZ_CHROMIUM_PATH: process.execPath } }).map((pkg) => pkg.name),
    ).not.toContain('git');
  });
});
