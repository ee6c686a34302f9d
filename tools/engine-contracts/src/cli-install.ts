import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PinnedCli } from './pinned-versions.js';

const run = promisify(execFile);

/** Overrides the cache folder of installed CLIs. */
export const CACHE_ENV = 'TGZ_ENGINE_CLIS_CACHE';

/** `$TGZ_ENGINE_CLIS_CACHE`, else `${XDG_CACHE_HOME:-$HOME/.cache}/tasksgodzilla/engine-clis` (outside the repository). */
export function engineClisCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env[CACHE_ENV]?.trim()) return env[CACHE_ENV].trim();
  const cacheHome = env['XDG_CACHE_HOME']?.trim() || join(env['HOME']?.trim() || homedir(), '.cache');
  return join(cacheHome, 'tasksgodzilla', 'engine-clis');
}

/**
 * Where other pinned npm tools of the test suites go (the release check's local registry): a
 * `tools` folder beside the engine CLIs' cache.
 */
export function toolsCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(dirname(engineClisCacheDir(env)), 'tools');
}

/** What ensureCli needs to know of a CLI: its npm package, the pinned version and its bin. */
export type NpmCli = Pick<PinnedCli, 'packageName' | 'version' | 'bin'>;

/** `<cache>/<package>@<version>`: one folder per pinned version, so a bump never reuses an old install. */
export function cliInstallDir(cacheDir: string, cli: NpmCli): string {
  return join(cacheDir, `${cli.packageName}@${cli.version}`);
}

export type InstalledCli<T extends NpmCli = PinnedCli> = T & InstallInfo;

interface InstallInfo {
  binary: string;
  /** What `<bin> --version` printed. */
  versionOutput: string;
  /** False when an earlier install was reused. */
  freshlyInstalled: boolean;
}

async function versionOf(binary: string): Promise<string> {
  const { stdout } = await run(binary, ['--version'], { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return stdout.trim();
}

/**
 * Installs the pinned CLI with `npm install --prefix <dir>` once and reuses it afterwards. Throws
 * (never skips) when npm fails or the installed binary does not print the pinned version.
 */
export async function ensureCli<T extends NpmCli>(cli: T, cacheDir: string): Promise<InstalledCli<T>> {
  const dir = cliInstallDir(cacheDir, cli);
  const binary = join(dir, 'node_modules', '.bin', cli.bin);
  let freshlyInstalled = false;
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    try {
      await run(
        'npm',
        [
          'install',
          '--prefix',
          dir,
          '--no-save',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          `${cli.packageName}@${cli.version}`,
        ],
        {
          timeout: 600_000,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(
        `npm install ${cli.packageName}@${cli.version} into ${dir} failed: ${(e.stderr ?? '').trim() || e.message}`,
      );
    }
    freshlyInstalled = true;
    if (!existsSync(binary))
      throw new Error(`npm installed ${cli.packageName}@${cli.version} but ${binary} does not exist`);
  }
  let versionOutput: string;
  try {
    versionOutput = await versionOf(binary);
  } catch (error) {
    throw new Error(`${binary} --version failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!versionOutput.includes(cli.version)) {
    throw new Error(`${binary} --version printed "${versionOutput}", not the pinned ${cli.version}`);
  }
  return { ...cli, binary, versionOutput, freshlyInstalled };
}
