import { ValidationError } from '@tasksgodzilla/core';

/**
 * The transports git may use (`GIT_ALLOW_PROTOCOL`, set on every git command): https, ssh and git
 * over the network, file for local paths. Everything else is refused by git itself, remote helpers
 * (`fd::17`, `ext::…`) included, whatever the URL's origin.
 */
export const ALLOWED_GIT_PROTOCOLS: readonly string[] = ['https', 'ssh', 'git', 'file'];
export const GIT_ALLOW_PROTOCOL = ALLOWED_GIT_PROTOCOLS.join(':');

const URL_SCHEMES = new Set(['https', 'ssh', 'git', 'git+ssh', 'ssh+git', 'file']);
const MAX_LENGTH = 4096;
const ACCEPTED = 'use https://, ssh://, git://, scp-like user@host:path, or a local path';

function hasControlCharacter(value: string): boolean {
  return [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/**
 * Why `url` is not an acceptable repository location, or null when it is: https, ssh and git URLs
 * with a host, `file://` URLs and plain local paths, and scp-like `[user@]host:path`. Remote-helper
 * syntax (`transport::address`), option-like values (`-…`) and control characters are refused.
 */
export function gitUrlProblem(url: string): string | null {
  const value = url.trim();
  if (value === '') return 'must not be empty';
  if (value.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters`;
  if (hasControlCharacter(value)) return 'must not contain control characters';
  if (value.startsWith('-')) return 'must not start with "-"';
  if (value.includes('::')) return `remote-helper transports ("<transport>::<address>") are not allowed; ${ACCEPTED}`;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!URL_SCHEMES.has(scheme)) return `the ${scheme}:// scheme is not allowed; ${ACCEPTED}`;
    if (scheme === 'file') return null;
    try {
      return new URL(value).hostname ? null : 'must name a host';
    } catch {
      return 'is not a valid URL';
    }
  }
  const colon = value.indexOf(':');
  const slash = value.indexOf('/');
  // No colon before the first slash: a local path (git's own rule).
  if (colon < 0 || (slash >= 0 && slash < colon)) return null;
  return /^(?:[^@/\s]+@)?(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[^\s].*$/.test(value)
    ? null
    : `is neither a URL nor scp-like user@host:path; ${ACCEPTED}`;
}

/** The trimmed URL, or a ValidationError on `field` (the api answers 422 naming it). */
export function assertGitUrl(url: string, field = 'git_url'): string {
  const problem = gitUrlProblem(url);
  if (problem !== null)
    throw new ValidationError(`Invalid ${field}: ${problem}`, [{ path: [field], message: problem }]);
  return url.trim();
}
