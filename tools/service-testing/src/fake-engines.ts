import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/fake-engines of the workspace. */
export const FAKE_ENGINES_DIR = fileURLToPath(new URL('../../fake-engines/', import.meta.url));

export type FakeEngineName = 'codex' | 'claude' | 'opencode';

/** The Node script of a fake engine CLI. */
export function fakeEngineScript(engine: FakeEngineName): string {
  return join(FAKE_ENGINES_DIR, `fake-${engine}.mjs`);
}

/**
 * An executable that runs a fake engine CLI of tools/fake-engines with the given env (fixture,
 * argv recording), so an engine adapter can be pointed at it as its binary.
 */
export function fakeEngineBinary(dir: string, engine: FakeEngineName, env: Record<string, string>): string {
  const path = join(dir, `fake-${engine}-${Object.keys(env).length}-${Math.random().toString(36).slice(2, 8)}.sh`);
  const exports = Object.entries(env)
    .map(([key, value]) => `export ${key}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
  writeFileSync(path, `#!/bin/sh\n${exports}\nexec '${process.execPath}' '${fakeEngineScript(engine)}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A JSONL fixture written to a file (played by a fake engine through FAKE_ENGINE_FIXTURE). */
export function writeFixture(dir: string, name: string, records: unknown[]): string {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(
    path,
    `${records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n')}\n`,
  );
  return path;
}
