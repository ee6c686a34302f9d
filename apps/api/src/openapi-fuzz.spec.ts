import { type Loose, TEMPLATE_DIR, useApi } from './api.test-helpers.js';
import { seededRandom } from '@tasksgodzilla/testing';

// Issue 10, reliability suite: a fuzzer driven by /openapi.json. Every operation gets malformed
// requests (wrong types, missing fields, huge strings, NUL bytes, negative/huge ids, bad JSON, unknown
// query keys, odd content types), from a fixed seed so a failure replays. No answer may be a 5xx, the
// api must still answer /health, and the database must pass its integrity check afterwards.

const SEED = 0x7a6d10;
/** Requests per operation: 48 operations → 3 360 requests (about a minute on a busy machine). */
const PER_OPERATION = 70;

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const chance = (rng: Rng, p: number): boolean => rng() < p;

const HUGE = 'x'.repeat(100_000);
const BAD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  -2147483649,
  2 ** 53 + 1,
  1e308,
  -1e308,
  0.5,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  HUGE,
  '\u202e\uffff\ud83d',
  '../../../../etc/passwd',
  "' or 1=1 --",
  '\u001b]0;title\u0007\u001b[2J',
  '9'.repeat(400),
  [],
  [1, 'two', null],
  {},
  { nested: { deeper: { deepest: [{}] } } },
];
const BAD_SEGMENTS: readonly string[] = [
  '0',
  '-1',
  '9007199254740993',
  '1e30',
  '1.5',
  'abc',
  '%00',
  '%ff',
  '%2e%2e%2f',
  'x'.repeat(5000),
  '%F0%9F%98%80',
  '%20',
  'null',
  'NaN',
  'Infinity',
  '0x10',
  '%D9%A3',
];
/** Query values for /events/stream that can never validate (a valid request opens a stream that stays open). */
const NEVER_VALID_IDS: readonly string[] = ['abc', 'null', 'x'.repeat(5000), 'one', 'id%00'];
const RAW_BODIES: readonly string[] = [
  '{',
  '{"a":',
  '[',
  'nul',
  '{"a":1,}',
  '\u0000',
  '{"a":"\\ud800"}',
  '1'.repeat(10_000),
  `${'['.repeat(2000)}${']'.repeat(2000)}`,
  '"str"',
  'null',
  '[]',
  '12',
  '\ufeff{}',
  `{"name":"${HUGE}"}`,
];
const CONTENT_TYPES: readonly (string | null)[] = [
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'multipart/form-data; boundary=x',
  null,
];

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD instead of throwing). */
function enc(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema?: Schema;
}
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | null;
}
interface Ids {
  project: number;
  run: number;
  step: number;
  job: string;
}

function operationsOf(doc: Loose): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Loose>>)) {
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return operations;
}

function validSegment(name: string, ids: Ids): string {
  if (name === 'project_id') return String(ids.project);
  if (name === 'id') return String(ids.run);
  if (name === 'step_id') return String(ids.step);
  if (name === 'job_id' || name === 'run_id') return ids.job;
  if (name === '*') return 'feature/fuzz/delete';
  return '1';
}

/** A plausible value for a schema (so other fields get past validation), or undefined. */
function plausible(rng: Rng, schema: Schema | undefined, ids: Ids): unknown {
  if (!schema) return undefined;
  if (schema.enum) return pick(rng, schema.enum);
  if (schema.anyOf) return plausible(rng, pick(rng, schema.anyOf), ids);
  const type = Array.isArray(schema.type) ? pick(rng, schema.type) : schema.type;
  switch (type) {
    case 'integer':
    case 'number':
      return pick(rng, [ids.project, ids.run, ids.step, 1, 0]);
    case 'boolean':
      return chance(rng, 0.5);
    case 'string':
      return pick(rng, ['x', 'main', '0001-fuzz', TEMPLATE_DIR, 'https://example.invalid/acme/app.git', 'feature/x']);
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

function fuzzObject(rng: Rng, schema: Schema, ids: Ids): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const required = schema.required?.includes(key) ?? false;
    if (!required && chance(rng, 0.4)) continue;
    if (required && chance(rng, 0.15)) continue;
    out[key] = chance(rng, 0.55) ? pick(rng, BAD_VALUES) : plausible(rng, property, ids);
  }
  if (chance(rng, 0.3))
    out[pick(rng, ['unknown', '__proto__', 'constructor', 'x'.repeat(300), '\u0000'])] = pick(rng, BAD_VALUES);
  return out;
}

interface Built {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

function buildRequest(rng: Rng, op: Operation, ids: Ids): Built {
  const stream = op.path === '/events/stream';
  let url = op.path.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    chance(rng, 0.35) ? validSegment(name, ids) : pick(rng, BAD_SEGMENTS),
  );
  const query: string[] = [];
  for (const parameter of op.parameters.filter((p) => p.in === 'query')) {
    if (!stream && chance(rng, 0.4)) continue;
    const value =
      stream && parameter.name !== 'last_event_id'
        ? pick(rng, NEVER_VALID_IDS)
        : chance(rng, 0.6)
          ? String(pick(rng, BAD_VALUES))
          : String(plausible(rng, parameter.schema, ids));
    query.push(`${enc(parameter.name)}=${enc(value)}`);
  }
  if (chance(rng, 0.3))
    query.push(
      `${pick(rng, ['unknown', 'limit', 'cursor', '__proto__', 'a[b]'])}=${enc(String(pick(rng, BAD_VALUES)))}`,
    );
  if (query.length > 0) url += `?${query.join('&')}`;

  const headers: Record<string, string> = {};
  if (chance(rng, 0.1)) headers['x-request-id'] = pick(rng, ['\u00e9\u00e9', 'x'.repeat(300), 'a b', '../x']);
  if (chance(rng, 0.1)) headers['last-event-id'] = pick(rng, ['-1', 'abc', '9'.repeat(30)]);
  if (chance(rng, 0.05)) headers['x-project-token'] = pick(rng, ['', 'wrong', 'x'.repeat(2000)]);

  const wantsBody = op.method !== 'GET' && (op.body !== null || chance(rng, 0.2));
  if (!wantsBody) return { method: op.method, url, headers };
  const contentType = pick(rng, CONTENT_TYPES);
  if (contentType !== null) headers['content-type'] = contentType;
  const roll = rng();
  let payload: string;
  if (roll < 0.6 && op.body) payload = JSON.stringify(fuzzObject(rng, op.body, ids));
  else if (roll < 0.85) payload = pick(rng, RAW_BODIES);
  else payload = JSON.stringify(pick(rng, BAD_VALUES));
  return { method: op.method, url, headers, payload };
}

describe('OpenAPI-driven fuzzer (in-process, SQLite)', () => {
  const h = useApi();
  let ids: Ids;
  beforeAll(async () => {
    const project = await h.project({ name: 'fuzz-target' });
    const planned = await h.planned(project, '0001-fuzz');
    const jobs = (await h.call('GET', '/queues/jobs')).body as Loose[];
    ids = { project, run: planned.id, step: planned.steps[0]!.id, job: jobs[0]!.job_id };
  });

  it('answers thousands of malformed requests over every operation without a 5xx; the api and the database stay sound', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body as Loose;
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(40);
    const rng = seededRandom(SEED);
    const histogram = new Map<number, number>();
    const serverErrors: string[] = [];
    let sent = 0;
    for (const op of operations) {
      for (let i = 0; i < PER_OPERATION; i += 1) {
        const request = buildRequest(rng, op, ids);
        const response = await h.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          ...(request.payload !== undefined ? { payload: request.payload } : {}),
        });
        sent += 1;
        histogram.set(response.statusCode, (histogram.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          serverErrors.push(
            `${request.method} ${request.url.slice(0, 200)} ${JSON.stringify(request.payload?.slice(0, 200) ?? null)} -> ${response.statusCode} ${response.body.slice(0, 200)}`,
          );
        }
      }
    }
    const statuses = [...histogram.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    console.log(
      `openapi fuzz: seed ${SEED}, ${operations.length} operations, ${sent} requests sent, 5xx seen: ${serverErrors.length}\nstatus histogram: ${statuses.join(', ')}`,
    );
    expect(serverErrors).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(3000);

    const health = await h.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(await h.runtime.storage.handle.checkIntegrity()).toEqual([]);
  }, 600_000);
});
