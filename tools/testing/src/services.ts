import { Socket } from 'node:net';

export const POSTGRES_ADMIN_URL = process.env.TGZ_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TGZ_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when the test run is CI: then a missing service is a failure, never a skip. */
export function isCi(): boolean {
  return ['1', 'true', 'yes'].includes((process.env.CI ?? '').toLowerCase());
}

export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

/**
 * Whether PostgreSQL is reachable. Under CI=true an unreachable server throws, so suites fail loudly;
 * elsewhere the caller skips its PostgreSQL cases with a printed reason.
 */
export async function postgresAvailable(): Promise<boolean> {
  const { host, port } = hostPort(POSTGRES_ADMIN_URL, 5432);
  const ok = await canConnect(host, port);
  if (!ok && isCi())
    throw new Error(`PostgreSQL is not reachable at ${host}:${port} and CI=true: start it (see .ci/run)`);
  if (!ok)
    console.warn(
      `[testing] PostgreSQL not reachable at ${host}:${port}: skipping its cases (they are required when CI=true)`,
    );
  return ok;
}

/** Same as postgresAvailable, for Redis. */
export async function redisAvailable(): Promise<boolean> {
  const { host, port } = hostPort(REDIS_URL, 6379);
  const ok = await canConnect(host, port);
  if (!ok && isCi()) throw new Error(`Redis is not reachable at ${host}:${port} and CI=true: start it (see .ci/run)`);
  if (!ok)
    console.warn(
      `[testing] Redis not reachable at ${host}:${port}: skipping its cases (they are required when CI=true)`,
    );
  return ok;
}
