import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// What a consumer of the published packages runs is the built dist/, not the sources the other specs
// import. Runs after `nx run-many -t build` (npm test builds before it tests).
const root = join(import.meta.dirname, '..', '..', '..');
const coreDist = join(root, 'packages', 'core', 'dist', 'index.js');

describe('built output', () => {
  it('the error classes keep their names (the bundler must not rename them)', async () => {
    if (!existsSync(coreDist))
      throw new Error(`${coreDist} is missing: build first (npx nx build @tasksgodzilla/core)`);
    const core = (await import(pathToFileURL(coreDist).href)) as Record<string, new (message: string) => Error>;
    for (const name of ['ValidationError', 'NotFoundError', 'ConflictError', 'ConfigError', 'EngineError']) {
      const ErrorClass = core[name]!;
      expect([name, new ErrorClass('x').name]).toEqual([name, name]);
    }
  });
});
