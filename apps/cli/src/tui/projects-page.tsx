import { Box } from 'ink';
import { useEffect } from 'react';
import { DetailBox } from './detail-box.js';
import type { PageProps } from './page-props.js';
import { onboardingDetail, projectDetail } from './tui-format.js';

/** Every project; the selected one's detail, onboarding and remote branches (b reload, d delete). */
export function ProjectsPage({ state, store, height, list }: PageProps) {
  const project = state.projects.find((p) => p.id === state.projectId);
  const detail = Math.max(5, Math.floor(height * 0.25));
  const onboarding = Math.max(6, Math.floor(height * 0.3));
  const { projectId, branches } = state;
  // Branch listing runs `git ls-remote` on the server: load on this page only, once per project.
  useEffect(() => {
    if (projectId !== null && branches === null) void store.loadBranches();
  }, [projectId, branches, store]);
  return (
    <Box height={height}>
      {list('projects', height, { width: '40%', emptyText: 'No projects. Press g to create one.' })}
      <Box flexDirection="column" flexGrow={1}>
        <DetailBox title="Project detail" text={projectDetail(project)} height={detail} />
        <DetailBox title="Onboarding" text={onboardingDetail(state.onboarding)} height={onboarding} />
        {list('branches', Math.max(4, height - detail - onboarding), {
          title: 'Branches (b reload, d delete)',
          emptyText: branches === null ? 'Loading branches…' : 'No remote branches.',
        })}
      </Box>
    </Box>
  );
}
