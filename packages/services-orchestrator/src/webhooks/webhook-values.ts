import { ValidationError, type CiProvider, type JsonObject, type JsonValue } from '@tasksgodzilla/core';
import type { CiRepositoryRef, CiStatus } from '../orchestrator.types.js';
import type { WebhookCiInput, WebhookInterpretation } from './webhook.types.js';

/** Longest log excerpt kept from a delivery (its end). */
export const LOG_EXCERPT_CHARS = 4000;

type Classified = Exclude<CiStatus, 'merged' | 'review'>;

/**
 * GitHub's value sets, in the order the original evaluated them (reference §3.2), plus
 * `startup_failure` (a workflow that could not start failed; the original ignored it).
 * `merged` is a success here as in the original; a merged pull_request event becomes `merged`.
 */
export const GITHUB_VALUE_SETS: Readonly<Record<Classified, readonly string[]>> = {
  success: ['success', 'neutral', 'passed', 'ok', 'merged'],
  running: ['in_progress', 'queued', 'requested', 'pending'],
  failure: ['failure', 'timed_out', 'cancelled', 'canceled', 'action_required', 'error', 'startup_failure'],
};

/**
 * GitLab's value sets (reference §3.3), plus `failure` (what `scripts/ci/report.sh failure` sends;
 * the original's GitLab set lacked it, so a reported failure changed nothing).
 */
export const GITLAB_VALUE_SETS: Readonly<Record<Classified, readonly string[]>> = {
  success: ['success', 'passed', 'merge'],
  running: ['running', 'pending'],
  failure: ['failed', 'canceled', 'cancelled', 'failure'],
};

/** The class of a lowercased CI value, or null when it is in no set (`skipped`, `stale`, `manual`, …). */
export function classifyCiValue(
  sets: Readonly<Record<Classified, readonly string[]>>,
  value: string,
): Classified | null {
  for (const status of ['success', 'running', 'failure'] as const) {
    if (sets[status].includes(value)) return status;
  }
  return null;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or `{}` (an explicit null or a scalar reads as empty, never a crash). */
export function objectAt(source: JsonObject, key: string): JsonObject {
  const value = source[key];
  return isObject(value) ? value : {};
}

/** A non-empty string, else null. */
export function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** An integer, else null. */
export function integer(value: JsonValue | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** The `number` of the first entry of a `pull_requests` array. */
export function firstPullRequestNumber(value: JsonValue | undefined): number | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const first = value[0];
  return isObject(first) ? integer(first['number']) : null;
}

/** Drops null and undefined entries, so the recorded metadata only carries what the payload had. */
export function compact(entries: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

/** The repository a delivery names: `full_name` plus the URL fields of `source` that are present; null when none. */
export function repositoryRef(
  source: JsonObject,
  fullNameKey: string,
  urlKeys: readonly string[],
): { full_name: string | null; urls: string[] } | null {
  const full_name = text(source[fullNameKey]);
  const urls = urlKeys.map((key) => text(source[key])).filter((url): url is string => url !== null);
  return full_name || urls.length > 0 ? { full_name, urls } : null;
}

/** A delivery's payload as a JSON object; anything else is a ValidationError. */
export function webhookPayload(payload: unknown): JsonObject {
  if (!isObject(payload)) {
    throw new ValidationError('Webhook payload must be a JSON object', [
      { path: ['body'], message: 'must be a JSON object' },
    ]);
  }
  return payload;
}

/** The repository a GitHub payload names (`repository`). */
export function githubRepository(payload: JsonObject): CiRepositoryRef | null {
  return repositoryRef(objectAt(payload, 'repository'), 'full_name', ['clone_url', 'ssh_url', 'html_url']);
}

/** The repository a GitLab payload names (`project`). */
export function gitlabRepository(payload: JsonObject): CiRepositoryRef | null {
  return repositoryRef(objectAt(payload, 'project'), 'path_with_namespace', ['git_http_url', 'git_ssh_url', 'web_url']);
}

/** What a provider's reader found in a delivery that is not a review. */
export interface CiReading {
  provider: CiProvider;
  event_type: string;
  branch: string | null;
  /** The lowercased value classified. */
  value: string;
  /** Its class, or null when nothing is acted on. */
  status: CiStatus | null;
  /** Why the delivery is ignored (asked only when `status` is null). */
  ignoredReason: () => string;
  /** The rest of the CI report (asked only when `status` is set). */
  report: () => Pick<WebhookCiInput, 'repository' | 'pr_number' | 'sha' | 'url' | 'metadata'>;
}

/** A reading as the interpretation of its delivery: ignored with its reason, or the CI report. */
export function ciInterpretation(reading: CiReading): WebhookInterpretation {
  const { provider, event_type, branch, value, status } = reading;
  const base = { provider, event_type, branch, value, status };
  if (status === null) return { ...base, input: null, ignored_reason: reading.ignoredReason() };
  const { repository, ...report } = reading.report();
  return {
    ...base,
    ignored_reason: null,
    input: {
      ...(repository ? { repository } : {}),
      provider,
      status,
      event_type,
      branch,
      conclusion: value,
      ...report,
    },
  };
}
