import type { Config } from '@tasksgodzilla/core';
import { systemClock } from '@tasksgodzilla/core';
import { destination as fileDestination, pino, symbols } from 'pino';
import type { DestinationStream } from 'pino';
import { DEFAULT_REDACT_KEYS, REDACTED, redactLogFields } from './key-redaction.js';
import { stderrDestination } from './log-destination.js';
import { getLogContext, LOG_CONTEXT_KEYS } from './log-context.js';
import { createPrettyDestination } from './pretty-format.js';
import type { LogDestination, Logger, LoggerOptions, LogLevel, LogFormat } from './telemetry.types.js';

export { DEFAULT_REDACT_KEYS, REDACTED } from './key-redaction.js';

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

const DEFAULT_KEYS: ReadonlySet<string> = new Set(DEFAULT_REDACT_KEYS);

// `err` and `error` are serialized by redactLogFields (so their own fields are redacted too); pino
// must not serialize them a second time.
const serialized = (value: unknown): unknown => value;

function resolveDestination(destination: LogDestination | undefined): DestinationStream {
  if (destination === undefined) return stderrDestination() as unknown as DestinationStream;
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
  const extraPaths = [...new Set(options.redact ?? [])];
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { logger: options.name ?? 'tasksgodzilla' },
      messageKey: 'msg',
      timestamp: () => `,"timestamp":"${clock.now().toISOString()}"`,
      serializers: { err: serialized, error: serialized },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactLogFields(bindings, DEFAULT_KEYS),
        log: (fields) => redactLogFields(fields, DEFAULT_KEYS),
      },
      ...(extraPaths.length > 0 ? { redact: { paths: extraPaths, censor: REDACTED } } : {}),
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
  // pino passes a child's bindings through no formatter: they are redacted on the way in. Children
  // inherit this method, so grandchildren are covered too.
  const pinoChild = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactLogFields(bindings, DEFAULT_KEYS), childOptions);
  } as Logger['child'];
  return logger;
}

/**
 * Logger options from the parsed configuration (TASKSGODZILLA_LOG_LEVEL, TASKSGODZILLA_LOG_JSON).
 * `TASKSGODZILLA_LOG_JSON=true` always writes JSON; otherwise the readable format is used when stderr
 * is a terminal (someone reads it) and JSON when it is not (a pipe, a file, a log collector), where
 * reformatting each line would only cost time.
 */
export function loggerOptionsFromConfig(
  config: Pick<Config, 'logLevel' | 'logJson'>,
  terminal: { stderrIsTTY: boolean } = { stderrIsTTY: process.stderr.isTTY === true },
): {
  level: LogLevel | string;
  format: LogFormat;
} {
  return { level: config.logLevel, format: !config.logJson && terminal.stderrIsTTY ? 'pretty' : 'json' };
}
