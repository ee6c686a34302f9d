import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeViolations } from './thin-routes.js';

const routesDir = join(import.meta.dirname, '..', '..', '..', 'apps', 'api', 'src', 'routes');

describe('thin api routes', () => {
  it('no file under apps/api/src/routes touches the runtime, storage or telemetry, or writes events', () => {
    const files = readdirSync(routesDir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    const violations = files.flatMap((name) =>
      routeViolations(readFileSync(join(routesDir, name), 'utf8'), name).map((v) => `${name}:${v.line} ${v.rule}`),
    );
    expect(violations).toEqual([]);
  });

  it('reports storage reached through the runtime, and the Runtime type, with their lines', () => {
    const source = [
      "import type { Runtime } from '@tasksgodzilla/runtime';",
      'export function register(runtime: Runtime) {',
      '  return runtime.storage.projects.list();',
      '}',
    ].join('\n');
    const rules = routeViolations(source).map((v) => `${v.line}:${v.rule.split(' (')[0]}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        '1:uses the Runtime type',
        '2:uses the runtime',
        '3:uses the runtime',
        '3:touches storage',
      ]),
    );
  });

  it('reports event writes and storage imports', () => {
    const source = [
      "import { decodeCursor } from '@tasksgodzilla/platform-storage';",
      'export async function handler(deps: { telemetry: { recordEvent(e: unknown): Promise<void> } }, events: any) {',
      "  await deps.telemetry.recordEvent({ event_type: 'branch_deleted' });",
      "  await events.append({ event_type: 'x' });",
      '  return decodeCursor;',
      '}',
    ].join('\n');
    const lines = routeViolations(source).map((v) => v.line);
    expect(lines).toContain(1);
    expect(lines.filter((line) => line === 3).length).toBeGreaterThanOrEqual(2);
    expect(lines).toContain(4);
  });

  it('ignores comments and strings, and accepts a route that calls its declared dependencies', () => {
    const source = [
      "// Not runtime.storage: the orchestrator records 'branch_deleted'.",
      "import type { Api, ApiDeps } from '../api.types.js';",
      "export type Deps = Pick<ApiDeps, 'orchestrator' | 'reads'>;",
      'export function register(app: Api, { orchestrator, reads }: Deps) {',
      "  app.get('/x', async () => ({ note: 'runtime.storage.events.append', run: await reads.protocolRun(1) }));",
      '  return orchestrator;',
      '}',
    ].join('\n');
    expect(routeViolations(source)).toEqual([]);
  });
});
