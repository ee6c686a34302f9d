import type { ProjectOut } from '@tasksgodzilla/client';
import { useMemo, useState } from 'react';
import { formatTime } from '../lib/format.js';
import { sortProjects, type ProjectSort } from '../lib/sorting.js';
import { Empty, LoadError, Panel, SelectAndRefresh } from './panel.js';
import { Pill, StatusPill } from './pill.js';

const PROJECT_SORTS: readonly (readonly [ProjectSort, string])[] = [
  ['name', 'Name'],
  ['spec', 'Spec status'],
];

export interface ProjectsPanelProps {
  projects: ProjectOut[] | undefined;
  error: unknown;
  selectedId: number | null;
  /** Projects with a run whose spec is invalid (from the loaded runs). */
  invalidProjectIds: ReadonlySet<number>;
  /** Newest spec_audit time per project (from recent activity). */
  lastAudit: ReadonlyMap<number, string>;
  /** Onboarding status per project, once loaded. */
  onboarding: ReadonlyMap<number, string>;
  onSelect(projectId: number): void;
  onRefresh(): void;
}

export function ProjectsPanel({
  projects,
  error,
  selectedId,
  invalidProjectIds,
  lastAudit,
  onboarding,
  onSelect,
  onRefresh,
}: ProjectsPanelProps) {
  const [sort, setSort] = useState<ProjectSort>('name');
  const sorted = useMemo(
    () => sortProjects(projects ?? [], sort, invalidProjectIds),
    [projects, sort, invalidProjectIds],
  );
  return (
    <Panel
      title="Projects"
      actions={
        <SelectAndRefresh
          label="Sort projects"
          value={sort}
          options={PROJECT_SORTS}
          onChange={setSort}
          onRefresh={onRefresh}
        />
      }
    >
      <LoadError error={error} />
      {projects && projects.length === 0 ? <Empty>No projects yet. Onboard one below.</Empty> : null}
      <ul className="cards" aria-label="Project list">
        {sorted.map((project) => {
          const audit = lastAudit.get(project.id);
          const status = onboarding.get(project.id);
          return (
            <li key={project.id}>
              <button
                type="button"
                className={`card project-card ${project.id === selectedId ? 'selected' : ''}`}
                aria-pressed={project.id === selectedId}
                onClick={() => onSelect(project.id)}
              >
                <span className="card-title">{project.name}</span>
                <span className="card-sub">{project.git_url}</span>
                <span className="pills">
                  {invalidProjectIds.has(project.id) ? <Pill tone="bad">spec invalid</Pill> : null}
                  {audit ? <Pill title="Newest spec audit">audit {formatTime(audit)}</Pill> : null}
                  {status ? <StatusPill status={status} /> : null}
                  <Pill>{project.base_branch}</Pill>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
