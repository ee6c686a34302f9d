import type { z } from 'zod';
import { ConfigError, ValidationError, type JsonObject } from '@tasksgodzilla/core';

/** The ledger links of a job: the project, run and step it belongs to (listing, scoping, usage). */
export interface JobLinks {
  project_id: number | null;
  protocol_run_id: number | null;
  step_run_id: number | null;
}

/** Enqueue options a job type applies when the caller gives none. */
export interface JobTypeDefaults {
  queue?: string;
  priority?: number;
  max_attempts?: number;
  timeout_seconds?: number;
}

/** What the queue knows of one job type: everything product-specific comes from its owner. */
export interface JobTypeDefinition<S extends z.ZodType = z.ZodType> {
  /** The payload schema, checked at enqueue and again when a worker takes the job. */
  payload: S;
  /**
   * The idempotency key of a new job of this type when the caller gives none (undefined: no key).
   * `sequence` is one more than the jobs of this type already linked to the job's subject (its step,
   * else its run, else its project), counted in the enqueue's transaction; null when it has none.
   */
  idempotencyKey?(payload: z.output<S>, sequence: number | null): string | undefined;
  /** The ledger links (default: the payload's `project_id`, `protocol_run_id` and `step_run_id`). */
  links?(payload: z.output<S>): Partial<JobLinks>;
  defaults?: JobTypeDefaults;
}

export type JobTypeMap = Record<string, JobTypeDefinition>;

/** What a handler of this job type receives (schema defaults applied). */
export type JobPayloadOf<D> = D extends JobTypeDefinition<infer S> ? z.output<S> : never;
/** What a producer passes to `enqueue` for this job type. */
export type JobPayloadInputOf<D> = D extends JobTypeDefinition<infer S> ? z.input<S> : never;

/**
 * The job types one queue accepts. The owner of the jobs (the orchestrator) registers them; the
 * queue validates every payload through it, at enqueue and at dequeue, on both backends.
 */
export interface JobTypeRegistry<M extends JobTypeMap = JobTypeMap> {
  readonly definitions: Readonly<M>;
  /** Adds a job type; registering a name twice is a ConfigError. Returns the registry, typed with it. */
  register<K extends string, S extends z.ZodType>(
    type: K,
    definition: JobTypeDefinition<S>,
  ): JobTypeRegistry<M & Record<K, JobTypeDefinition<S>>>;
  has(type: string): boolean;
  types(): string[];
  /**
   * The payload parsed by its type's schema. ValidationError `unknown_job_type` (issue at `job_type`)
   * for a type never registered, `invalid_job_payload` (issues at `payload.<field>`) for a bad payload.
   */
  parse(type: string, payload: unknown): JsonObject;
  /** The ledger links of a parsed payload. */
  links(type: string, payload: JsonObject): JobLinks;
  /** The registered idempotency key of a parsed payload (undefined when the type defines none). */
  idempotencyKey(type: string, payload: JsonObject, sequence: number | null): string | undefined;
  /** Whether the type's key needs `sequence` (so the queue counts only then). */
  keysBySequence(type: string): boolean;
  defaults(type: string): JobTypeDefaults;
}

function optionalId(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** Types a definition's callbacks by its schema (an identity function). */
export function defineJobType<S extends z.ZodType>(definition: JobTypeDefinition<S>): JobTypeDefinition<S> {
  return definition;
}

/** A registry holding `definitions` (more can be registered later). */
export function createJobTypeRegistry<M extends JobTypeMap = Record<never, JobTypeDefinition>>(
  definitions?: M,
): JobTypeRegistry<M> {
  const known = new Map<string, JobTypeDefinition>(Object.entries(definitions ?? {}));

  const definitionOf = (type: string): JobTypeDefinition => {
    const definition = known.get(type);
    if (!definition)
      throw new ValidationError(
        `Unknown job type ${JSON.stringify(type)}`,
        [{ path: ['job_type'], message: `must be one of ${[...known.keys()].join(', ')}` }],
        { code: 'unknown_job_type' },
      );
    return definition;
  };

  const registry: JobTypeRegistry<M> = {
    get definitions() {
      return Object.fromEntries(known) as M;
    },

    register(type, definition) {
      if (known.has(type)) throw new ConfigError(`Job type ${type} is registered twice`);
      known.set(type, definition as JobTypeDefinition);
      return registry as unknown as JobTypeRegistry<M & Record<typeof type, typeof definition>>;
    },

    has: (type) => known.has(type),
    types: () => [...known.keys()],

    parse(type, payload) {
      const parsed = definitionOf(type).payload.safeParse(payload);
      if (!parsed.success)
        throw ValidationError.fromZod(parsed.error, ['payload'], {
          title: `Invalid ${type} payload`,
          code: 'invalid_job_payload',
        });
      return parsed.data as JsonObject;
    },

    links(type, payload) {
      const custom = definitionOf(type).links?.(payload) ?? {};
      return {
        project_id: custom.project_id !== undefined ? custom.project_id : optionalId(payload.project_id),
        protocol_run_id:
          custom.protocol_run_id !== undefined ? custom.protocol_run_id : optionalId(payload.protocol_run_id),
        step_run_id: custom.step_run_id !== undefined ? custom.step_run_id : optionalId(payload.step_run_id),
      };
    },

    idempotencyKey: (type, payload, sequence) => definitionOf(type).idempotencyKey?.(payload, sequence),
    keysBySequence: (type) => definitionOf(type).idempotencyKey !== undefined,
    defaults: (type) => definitionOf(type).defaults ?? {},
  };
  return registry;
}
