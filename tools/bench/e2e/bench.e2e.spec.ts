import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Smoke test of `npm run bench`: the quick mode runs every group against the built apps and writes a
// row with a number and a ceiling for each figure. It asserts the shape of the output, never a timing.

const BENCH = fileURLToPath(new URL('../bench.mjs', import.meta.url));

interface Row {
  id: string;
  figure: string;
  project: number | null;
  ceiling: number | null;
  ratio: number | null;
  met: boolean | null;
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ROW_IDS = [
  'api_health_rps',
  'api_protocol_read_rps',
  'api_start_ms',
  'api_idle_rss',
  'worker_start_ms',
  'worker_idle_rss',
  'queue_sqlite_c1',
  'queue_sqlite_c8',
  'queue_sqlite_backlog',
  'queue_pg_c1',
  'queue_bullmq_c1',
  'job_latency_p50',
  'job_latency_p99',
  'job_latency_after_idle',
  'job_latency_pg_p50',
  'job_latency_pg_after_idle',
  'health_ms',
  'queues_ms',
  'metrics_ms',
  'events_onboarding_ms',
  'events_run_ms',
  'protocols_list_ms',
  'step_orchestration_ms',
  'sse_run_ms',
  'sse_run_cpu_ms',
  'sse_idle_cpu',
];

describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tgz-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every figure beside its ceiling and writes them as JSON', async () => {
    const json = join(dir, 'bench.json');
    const result = await runBench(['--quick', '--skip-build', '--json', json]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[]; postgres: string; redis: string };
    // PostgreSQL and Redis run before the suite (.ci/run starts them): their rows must be there.
    expect({ postgres: report.postgres, redis: report.redis }).toEqual({ postgres: 'measured', redis: 'measured' });
    expect(report.rows.map((row) => row.id).sort()).toEqual([...ROW_IDS].sort());
    for (const row of report.rows) {
      expect({ id: row.id, project: row.project! > 0, ceiling: row.ceiling! > 0, ratio: row.ratio! > 0 }).toEqual({
        id: row.id,
        project: true,
        ceiling: true,
        ratio: true,
      });
      expect(typeof row.met).toBe('boolean');
    }
    expect(result.stdout).toContain('| figure');
    // The printed table has one line per row, with the same figure text.
    for (const row of report.rows) expect(result.stdout).toContain(`| ${row.figure}`);
  });

  it('refuses an unknown group with a usage message and exit code 2', async () => {
    const result = await runBench(['--only', 'nope', '--skip-build']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--only: unknown group nope');
  });
});
