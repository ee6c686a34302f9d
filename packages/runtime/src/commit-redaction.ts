import { resolve } from 'node:path';
import { createRedactor, projectSecretValues } from '@tasksgodzilla/core';
import type { GitService } from '@tasksgodzilla/platform-git';
import type { ProjectRepository } from '@tasksgodzilla/platform-storage';

/** Projects read per query while looking a repository up. */
const PAGE = 500;

export interface RedactedShowCommitDeps {
  git: Pick<GitService, 'showCommit' | 'repoPathFor'>;
  projects: Pick<ProjectRepository, 'list'>;
  /** The config's secret values (platform-telemetry `configSecretValues`). */
  redactValues: readonly string[];
}

/**
 * `showCommit` for the api (the step diff): the config's secret values and those of the project
 * whose repository it is (its `local_path`, or its place under `projectsRoot`) are redacted, the
 * same values its engine runs are redacted of.
 */
export function redactedShowCommit(deps: RedactedShowCommitDeps): GitService['showCommit'] {
  async function projectSecretsOf(repoPath: string): Promise<string[]> {
    const target = resolve(repoPath);
    let cursor: string | null = null;
    do {
      const page = await deps.projects.list({ limit: PAGE, cursor });
      for (const project of page.items) {
        const paths = [
          deps.git.repoPathFor({ projectId: project.id, gitUrl: project.git_url, projectName: project.name }),
          ...(project.local_path ? [project.local_path] : []),
        ];
        if (paths.some((path) => resolve(path) === target)) return projectSecretValues(project.secrets);
      }
      cursor = page.next_cursor;
    } while (cursor);
    return [];
  }

  return async (repoPath, sha) => {
    const patch = await deps.git.showCommit(repoPath, sha);
    return createRedactor([...deps.redactValues, ...(await projectSecretsOf(repoPath))])(patch);
  };
}
