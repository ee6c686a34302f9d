import { gitCredentialsOf, type GitCredentialsResolver } from '@tasksgodzilla/platform-git';
import type { ProjectRepository } from '@tasksgodzilla/platform-storage';

/** Projects read per query while looking a remote up. */
const PAGE = 500;

/**
 * The git service's credentials: those of the first project whose (bare) `git_url` is the remote git
 * talks to and which holds a `git_credentials` secret (split out of its URL at creation).
 */
export function projectGitCredentials(projects: Pick<ProjectRepository, 'list'>): GitCredentialsResolver {
  return async (remoteUrl) => {
    let cursor: string | null = null;
    do {
      const page = await projects.list({ limit: PAGE, cursor });
      for (const project of page.items) {
        const credentials = project.git_url === remoteUrl ? gitCredentialsOf(project.secrets) : null;
        if (credentials) return credentials;
      }
      cursor = page.next_cursor;
    } while (cursor);
    return null;
  };
}
