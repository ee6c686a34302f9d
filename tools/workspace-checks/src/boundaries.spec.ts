import { ESLint } from 'eslint';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');

async function lintAs(relativePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, relativePath) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('dependency rules (lint)', () => {
  it('rejects core depending on a platform package', async () => {
    const errors = await lintAs(
      'packages/core/src/boundary-fixture.ts',
      "import { openDatabase } from '@tasksgodzilla/platform-storage';\nexport const x = openDatabase;\n",
    );
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('rejects a platform package depending on a service', async () => {
    const errors = await lintAs(
      'packages/platform-git/src/boundary-fixture.ts',
      "import { createSpecService } from '@tasksgodzilla/services-spec';\nexport const x = createSpecService;\n",
    );
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('rejects a service importing a database driver or spawning processes', async () => {
    const driver = await lintAs(
      'packages/services-spec/src/boundary-fixture.ts',
      "import SQLite from 'better-sqlite3';\nexport const x = SQLite;\n",
    );
    expect(driver.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
    const spawn = await lintAs(
      'packages/services-spec/src/boundary-fixture.ts',
      "import { spawn } from 'node:child_process';\nexport const x = spawn;\n",
    );
    expect(spawn.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('rejects deep imports into another package src', async () => {
    const errors = await lintAs(
      'packages/platform-git/src/boundary-fixture.ts',
      "import { AppError } from '@tasksgodzilla/core/src/errors';\nexport const x = AppError;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('accepts an import that follows the direction', async () => {
    const errors = await lintAs(
      'packages/platform-git/src/boundary-fixture.ts',
      "import { GitError } from '@tasksgodzilla/core';\nexport const x = GitError;\n",
    );
    expect(errors).toEqual([]);
  });
});
