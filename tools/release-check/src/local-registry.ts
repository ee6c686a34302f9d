import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Verdaccio 6.8 is the last line that runs on Node 20 (6.9 asks for Node 22). */
export const VERDACCIO = { packageName: 'verdaccio', version: '6.8.0', bin: 'verdaccio' } as const;

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A user config (`NPM_CONFIG_USERCONFIG`) that lets npm publish to it: a placeholder token for its host. */
  npmrc: string;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** The verdaccio binary (installed outside the repository by engine-contracts' `ensureCli`). */
  binary: string;
  /** Folder for its config, storage and log (removed by the caller). */
  dir: string;
  port: number;
  /** Where packages other than @tasksgodzilla/* come from: the registry npm itself is configured with. */
  upstream: string;
  /** Gives up on start after this long (default 120 s). */
  startTimeoutMs?: number;
}

/**
 * The verdaccio config: `@tasksgodzilla/*` live only here (anyone may publish; never proxied, so a
 * name on the public registry cannot shadow what the test published), everything else is proxied
 * from `upstream`.
 */
export function registryConfig(dir: string, upstream: string): string {
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'uplinks:',
    '  upstream:',
    `    url: ${JSON.stringify(upstream)}`,
    '    timeout: 120s',
    '    max_fails: 5',
    'packages:',
    "  '@tasksgodzilla/*':",
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    "  '**':",
    '    access: $all',
    '    proxy: upstream',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

/**
 * The user's own npm config (e.g. `nodedir`, so a native addon such as better-sqlite3 builds against
 * local headers offline), which the registry's config extends: later lines win in an npmrc.
 */
export function userNpmrc(env: Readonly<Record<string, string | undefined>>): string {
  const path = env['NPM_CONFIG_USERCONFIG'] || env['npm_config_userconfig'] || join(homedir(), '.npmrc');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Starts verdaccio on 127.0.0.1 and resolves once `/-/ping` answers. */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  mkdirSync(join(options.dir, 'storage'), { recursive: true });
  const config = join(options.dir, 'config.yaml');
  writeFileSync(config, registryConfig(options.dir, options.upstream));
  const host = `127.0.0.1:${options.port}`;
  const url = `http://${host}/`;
  const npmrc = join(options.dir, 'npmrc');
  writeFileSync(npmrc, `${userNpmrc(process.env)}\nregistry=${url}\n//${host}/:_authToken=release-check\n`);
  let log = '';
  const child: ChildProcess = spawn(options.binary, ['--config', config, '--listen', host], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const collect = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${log}`);
    try {
      const response = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { url, npmrc, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`verdaccio did not answer on ${url} in time: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
