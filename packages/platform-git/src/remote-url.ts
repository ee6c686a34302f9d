import type { ForgeProvider } from './git-service.types.js';

export interface RemoteLocation {
  host: string;
  /** Everything before the repo name: the GitHub owner, or the GitLab group path incl. subgroups. */
  owner: string;
  repo: string;
  /** `owner/repo` (GitLab's project path, used URL-encoded as the project id). */
  fullPath: string;
}

function splitPath(host: string, rawPath: string): RemoteLocation | null {
  const segments = rawPath
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .split('/')
    .filter((segment) => segment.length > 0);
  if (segments.length < 2 || segments.some((segment) => segment === '.' || segment === '..')) return null;
  const repo = segments[segments.length - 1] as string;
  const owner = segments.slice(0, -1).join('/');
  return { host: host.toLowerCase(), owner, repo, fullPath: `${owner}/${repo}` };
}

/**
 * Parses `https://host/owner/repo(.git)`, `ssh://git@host(:port)/owner/repo(.git)` and scp-like
 * `git@host:owner/repo(.git)`, keeping GitLab subgroups in `owner`. Returns null for local paths
 * and anything else without a host and an owner/repo path.
 */
export function parseRemoteUrl(url: string): RemoteLocation | null {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return null;
    }
    if (!['http:', 'https:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(parsed.protocol) || !parsed.hostname)
      return null;
    return splitPath(parsed.hostname, decodeURIComponent(parsed.pathname));
  }
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  if (scp && scp[1] && scp[2]) return splitPath(scp[1], scp[2]);
  return null;
}

/** `github` for github.com (and hosts named like GitHub Enterprise), `gitlab` for GitLab hosts, else null. */
export function inferForgeProvider(url: string): ForgeProvider | null {
  const location = parseRemoteUrl(url);
  if (!location) return null;
  if (location.host === 'github.com' || location.host.includes('github')) return 'github';
  if (location.host.includes('gitlab')) return 'gitlab';
  return null;
}

/** `https://github.com/o/r(.git)` → `git@github.com:o/r.git`; null when the URL is not an https GitHub URL. */
export function toGithubSshUrl(url: string): string | null {
  if (!/^https?:\/\//i.test(url.trim())) return null;
  const location = parseRemoteUrl(url);
  if (!location || location.host !== 'github.com' || location.owner.includes('/')) return null;
  return `git@github.com:${location.owner}/${location.repo}.git`;
}

/** Last path segment of a git URL or path without `.git` (`https://x/o/app.git` → `app`), or null. */
export function repoNameFromUrl(url: string): string | null {
  const withoutQuery = url.trim().replace(/[?#].*$/, '');
  const segments = withoutQuery.split(/[/\\:]/).filter((segment) => segment.length > 0);
  const last = segments[segments.length - 1];
  if (!last) return null;
  const name = last.replace(/\.git$/i, '');
  return name && name !== '.' && name !== '..' ? name : null;
}
