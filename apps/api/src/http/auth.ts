import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Project } from '@tasksgodzilla/core';
import { HttpError } from './http-errors.js';

/**
 * Constant-time string equality. Both sides are hashed first, so neither the content nor the
 * length of the secret leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = sha256(given);
  const b = expectedDigest(expected);
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

// The expected side is a server secret (the api token, a project's token, the webhook secret): its
// digest is kept instead of being recomputed on every request. A handful of values, bounded anyway.
const EXPECTED_DIGESTS_MAX = 64;
const expectedDigests = new Map<string, Buffer>();

function expectedDigest(expected: string): Buffer {
  let digest = expectedDigests.get(expected);
  if (!digest) {
    if (expectedDigests.size >= EXPECTED_DIGESTS_MAX) expectedDigests.clear();
    digest = sha256(expected);
    expectedDigests.set(expected, digest);
  }
  return digest;
}

/** The credentials of `Authorization: Bearer <token>` (scheme case-insensitive), or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space);
  const credentials = header.slice(space + 1).trim();
  return scheme.toLowerCase() === 'bearer' && credentials !== '' ? credentials : null;
}

/** The global bearer check (reference §2.1); passes when no token is configured. */
export function assertBearer(request: FastifyRequest, apiToken: string | undefined): void {
  if (!apiToken) return;
  const given = bearerToken(request.headers.authorization);
  if (given === null || !safeEqual(given, apiToken)) throw new HttpError(401, 'Unauthorized', 'unauthorized');
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The project's `secrets.api_token`, or null when the project is not guarded. */
export function projectTokenOf(project: Project): string | null {
  const expected = project.secrets?.['api_token'];
  return typeof expected === 'string' && expected !== '' ? expected : null;
}

/** The caller's `X-Project-Token`, if it sent one. */
export function presentedProjectToken(request: FastifyRequest): string | undefined {
  return headerValue(request, 'x-project-token');
}

/**
 * The per-project `X-Project-Token` check (reference §2.2): a project with `secrets.api_token` needs
 * that token. A caller that presents a project token is scoped to the project(s) holding it, so the
 * token must also match on a project that has none (it cannot reach other projects' rows).
 */
export function assertProjectToken(request: FastifyRequest, project: Project): void {
  const expected = projectTokenOf(project);
  const given = presentedProjectToken(request);
  if (expected === null && given === undefined) return;
  if (given === undefined || expected === null || !safeEqual(given, expected))
    throw new HttpError(401, 'Project access denied', 'project_access_denied');
}

/** Lowercase hex HMAC-SHA256 of the raw body. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Checks a `sha256=<hex>` (or bare hex) signature of the raw body in constant time; case-sensitive as GitHub's. */
export function verifySignature(signature: string | undefined, secret: string, body: Buffer | string): boolean {
  if (!signature) return false;
  const given = signature.startsWith('sha256=') ? signature.slice('sha256='.length) : signature;
  return safeEqual(given, hmacHex(secret, body));
}

export type WebhookAuthResult = { ok: true } | { ok: false; detail: string };

/**
 * Webhooks are authenticated by the webhook secret only, never by the bearer token (spec §8).
 * GitHub: `X-Hub-Signature-256` HMAC of the raw body. GitLab: `X-Gitlab-Token` (or
 * `X-TasksGodzilla-Webhook-Token`), then `X-Gitlab-Signature-256` when present. Without a webhook
 * secret, a server that has an api token refuses webhooks (the original let anyone fail or complete
 * runs); a server with no token at all accepts them, like every other route.
 */
export function checkWebhookAuth(
  provider: 'github' | 'gitlab',
  request: FastifyRequest,
  rawBody: Buffer,
  secrets: { webhookToken: string | undefined; apiToken: string | undefined },
): WebhookAuthResult {
  const secret = secrets.webhookToken;
  if (!secret) {
    return secrets.apiToken
      ? { ok: false, detail: 'Webhook secret not configured (set TASKSGODZILLA_WEBHOOK_TOKEN)' }
      : { ok: true };
  }
  if (provider === 'github') {
    return verifySignature(headerValue(request, 'x-hub-signature-256'), secret, rawBody)
      ? { ok: true }
      : { ok: false, detail: 'Invalid webhook signature' };
  }
  const token = headerValue(request, 'x-gitlab-token') ?? headerValue(request, 'x-tasksgodzilla-webhook-token');
  if (token === undefined || !safeEqual(token, secret)) return { ok: false, detail: 'Invalid webhook token' };
  const signature = headerValue(request, 'x-gitlab-signature-256');
  if (signature !== undefined && !verifySignature(signature, secret, rawBody))
    return { ok: false, detail: 'Invalid webhook signature' };
  return { ok: true };
}
