import type { Config } from '@tasksgodzilla/core';
import { systemClock } from '@tasksgodzilla/core';
import { destination as fileDestination, pino, stdSerializers, symbols } from 'pino';
import type { DestinationStream } from 'pino';
import { getLogContext, LOG_CONTEXT_KEYS } from './log-context.js';
import { createPrettyDestination } from './pretty-format.js';
import type { LogDestination, Logger, LoggerOptions, LogLevel, LogFormat } from './telemetry.types.js';

/** Keys whose values never reach a log line, at the top level and up to two objects deep. */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'secret',
  'secrets',
  'client_secret',
  'webhook_secret',
  'authorization',
  'Authorization',
  'password',
  'cookie',
];

export const REDACTED = '[REDACTED]';

function redactPaths(extra: readonly string[]): string[] {
  const paths = DEFAULT_REDACT_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return [...new Set([...paths, ...extra])];
}

type Chindings = { raw: unknown; keys: ReadonlySet<string> };
const boundKeysCache = new WeakMap<object, Chindings>();

// Keys bound on a child logger (e.g. child({ job_id })) must not be written a second time by the mixin.
function boundKeys(logger: Logger): ReadonlySet<string> {
  const raw: unknown = (logger as unknown as Record<symbol, unknown>)[symbols.chindingsSym];
  const cached = boundKeysCache.get(logger);
  if (cached && cached.raw === raw) return cached.keys;
  const keys = new Set(Object.keys(logger.bindings()));
  boundKeysCache.set(logger, { raw, keys });
  return keys;
}

function resolveDestination(destination: LogDestination | undefined): DestinationStream {
  if (destination === undefined) return fileDestination({ fd: 2, sync: true });
  if (typeof destination === 'number') return fileDestination({ fd: destination, sync: true });
  return destination as DestinationStream;
}

/**
 * A pino logger. Lines carry `timestamp` (ISO UTC, ms), `level` (label), `logger`, `msg`, the six
 * correlation ids of the current log context (null when unset) and the call's fields; secret-like
 * keys are redacted. `pretty` renders the same record as one readable line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const clock = options.clock ?? systemClock;
  const target = resolveDestination(options.destination);
  const stream = options.format === 'pretty' ? createPrettyDestination(target) : target;
  return pino(
    {
      level: options.level ?? 'info',
      base: { logger: options.name ?? 'tasksgodzilla' },
      messageKey: 'msg',
      timestamp: () => `,"timestamp":"${clock.now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      redact: { paths: redactPaths(options.redact ?? []), censor: REDACTED },
      mixin(_fields, _level, logger) {
        const context = getLogContext() as Record<string, unknown>;
        const bound = boundKeys(logger as Logger);
        const ids: Record<string, unknown> = {};
        for (const key of LOG_CONTEXT_KEYS) if (!bound.has(key)) ids[key] = context[key] ?? null;
        return ids;
      },
    },
    stream,
  );
}

/** Logger options from the parsed configuration (TASKSGODZILLA_LOG_LEVEL, TASKSGODZILLA_LOG_JSON). */
export function loggerOptionsFromConfig(config: Pick<Config, 'logLevel' | 'logJson'>): {
  level: LogLevel | string;
  format: LogFormat;
} {
  return { level: config.logLevel, format: config.logJson ? 'json' : 'pretty' };
}
