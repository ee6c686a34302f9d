import { useEffect } from 'react';
import { ListDetailLayout } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { onboardingDetail, projectDetail } from './tui-format.js';

/** Every project; the selected one's detail, onboarding and remote branches (b reload, d delete). */
export function ProjectsPage({ state, store, height, list }: PageProps) {
  const project = state.projects.find((p) => p.id === state.projectId);
  const { projectId, branches } = state;
  // Branch listing runs `git ls-remote` on the server: load on this page only, once per project.
  useEffect(() => {
    if (projectId !== null && branches === null) void store.loadBranches();
  }, [projectId, branches, store]);
  return (
    <ListDetailLayout
      height={height}
      list={list('projects', height, { width: '40%', emptyText: 'No projects. Press g to create one.' })}
      details={[
        { title: 'Project detail', text: projectDetail(project), min: 5, share: 0.25 },
        { title: 'Onboarding', text: onboardingDetail(state.onboarding), min: 6, share: 0.3 },
      ]}
      bottom={(rest) =>
        list('branches', rest, {
          title: 'Branches (b reload, d delete)',
          emptyText: branches === null ? 'Loading branches…' : 'No remote branches.',
        })
      }
    />
  );
}
