import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  remove(): void;
}

/** A fresh temp folder; call remove() in afterEach/afterAll. */
export function createTempDir(prefix = 'tgz-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A fresh temp folder for each test of the calling `describe`: made in a `beforeEach`, removed in an
 * `afterEach`. Read `path` inside tests and hooks registered after this call.
 */
export function useTempDir(prefix?: string): TempDir {
  let current: TempDir | undefined;
  beforeEach(() => {
    current = createTempDir(prefix);
  });
  afterEach(() => {
    current?.remove();
    current = undefined;
  });
  return {
    get path(): string {
      if (current === undefined) throw new Error('useTempDir: the folder exists only inside a test or hook');
      return current.path;
    },
    remove: () => current?.remove(),
  };
}
