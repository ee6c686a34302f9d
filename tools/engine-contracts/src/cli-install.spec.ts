import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@tasksgodzilla/testing';
import { cliInstallDir, engineClisCacheDir, ensureCli } from './cli-install.js';
import { PINNED_CLIS, type PinnedCli } from './pinned-versions.js';

describe('CLI install cache', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = createTempDir('tgz-cli-cache-');
  });
  afterEach(() => dir.remove());

  it('lives outside the repository: the override, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(engineClisCacheDir({ TGZ_ENGINE_CLIS_CACHE: '/x/clis', XDG_CACHE_HOME: '/c' })).toBe('/x/clis');
    expect(engineClisCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/tasksgodzilla/engine-clis');
    expect(engineClisCacheDir({ HOME: '/h' })).toBe('/h/.cache/tasksgodzilla/engine-clis');
    expect(cliInstallDir('/c', PINNED_CLIS[1] as PinnedCli)).toBe(
      `/c/@anthropic-ai/claude-code@${PINNED_CLIS[1]?.version}`,
    );
  });

  it('pins one version per CLI', () => {
    expect(PINNED_CLIS.map((cli) => `${cli.packageName}@${cli.version}`)).toEqual([
      expect.stringMatching(/^@openai\/codex@\d+\.\d+\.\d+$/),
      expect.stringMatching(/^@anthropic-ai\/claude-code@\d+\.\d+\.\d+$/),
      expect.stringMatching(/^opencode-ai@\d+\.\d+\.\d+$/),
    ]);
  });

  function fakeInstall(cli: PinnedCli, prints: string): void {
    const bin = join(cliInstallDir(dir.path, cli), 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, cli.bin), `#!/bin/sh\necho '${prints}'\n`);
    chmodSync(join(bin, cli.bin), 0o755);
  }

  it('reuses an install that prints the pinned version', async () => {
    const cli: PinnedCli = { engineId: 'codex', packageName: '@openai/codex', version: '9.8.7', bin: 'codex' };
    fakeInstall(cli, 'codex-cli 9.8.7');
    await expect(ensureCli(cli, dir.path)).resolves.toMatchObject({
      freshlyInstalled: false,
      versionOutput: 'codex-cli 9.8.7',
      binary: join(cliInstallDir(dir.path, cli), 'node_modules', '.bin', 'codex'),
    });
  });

  it('fails loudly when the installed binary is not the pinned version', async () => {
    const cli: PinnedCli = { engineId: 'opencode', packageName: 'opencode-ai', version: '9.8.7', bin: 'opencode' };
    fakeInstall(cli, '1.0.0');
    await expect(ensureCli(cli, dir.path)).rejects.toThrow(/printed "1\.0\.0", not the pinned 9\.8\.7/);
  });
});
