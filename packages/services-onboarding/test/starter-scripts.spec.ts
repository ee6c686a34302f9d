import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tasksgodzilla/testing';
import { ensureStarterAssets } from '../src/starter-assets.js';

// The shipped CI scripts must work as copied: from any cwd, without prompts, exit 0 when a stage does not apply.
describe('shipped scripts/ci/*.sh', () => {
  const dir = useTempDir('tgz-ci-scripts-');

  const run = (repo: string, script: string) =>
    execFileSync(join(repo, 'scripts', 'ci', `${script}.sh`), {
      cwd: dir.path,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it.each(['bootstrap', 'lint', 'typecheck', 'test', 'build'])(
    '%s.sh explains itself and exits 0 in a repository without a known stack',
    async (script) => {
      const repo = join(dir.path, 'repo');
      mkdirSync(repo);
      await ensureStarterAssets(repo);
      expect(run(repo, script)).toMatch(new RegExp(`^${script}: no `));
    },
  );

  it('runs the npm scripts of a Node.js project (missing ones are skipped)', async () => {
    const repo = join(dir.path, 'repo');
    mkdirSync(repo);
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({
        name: 'sample',
        version: '1.0.0',
        private: true,
        scripts: { test: 'echo sample-tests-ran', lint: 'echo sample-lint-ran' },
      }),
    );
    await ensureStarterAssets(repo);
    expect(run(repo, 'test')).toContain('sample-tests-ran');
    expect(run(repo, 'lint')).toContain('sample-lint-ran');
    expect(run(repo, 'build')).not.toContain('sample');
  });
});
