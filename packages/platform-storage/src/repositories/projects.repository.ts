import { CI_PROVIDERS, NotFoundError, type Project } from '@tasksgodzilla/core';
import type { Selectable, Updateable } from 'kysely';
import { newestFirstPage } from '../pagination.js';
import { reusableQuery } from '../reusable-query.js';
import type { ProjectsTable } from '../schema.js';
import { toProject } from './mappers.js';
import { nowIso, requireFound, type RepositoryContext } from './repository-context.js';
import type { NewProject, ProjectListFilter, ProjectPatch, ProjectRepository } from './repositories.types.js';
import { createRowWriter } from './row-writer.js';
import {
  optionalObjectText,
  optionalText,
  patchColumns,
  requireOneOf,
  requireText,
  type PatchColumns,
} from './validation.js';

export function projectNotFound(id: number): NotFoundError {
  return new NotFoundError(`Project ${id} not found`, { code: 'project_not_found', details: { project_id: id } });
}

function ciProvider(value: unknown): string | null {
  return value === null || value === undefined ? null : requireOneOf('ci_provider', value, CI_PROVIDERS);
}

const PATCH_COLUMNS: PatchColumns<ProjectPatch, Updateable<ProjectsTable>> = {
  name: requireText,
  git_url: requireText,
  base_branch: requireText,
  local_path: optionalText,
  ci_provider: (_field, value) => ciProvider(value),
  secrets: optionalObjectText,
  default_models: optionalObjectText,
};

const byId = reusableQuery((executor, [id]: [number]) =>
  executor.selectFrom('projects').selectAll().where('id', '=', id),
);

export function createProjectRepository(ctx: RepositoryContext): ProjectRepository {
  const { db } = ctx;

  const { find, update } = createRowWriter<Selectable<ProjectsTable>, Project, ProjectPatch, Updateable<ProjectsTable>>(
    {
      ctx,
      update: (executor, id, values) =>
        executor
          .updateTable('projects')
          .set({ ...values, updated_at: nowIso(ctx) })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      select: (executor, id) => byId.first(executor, [id]),
      map: toProject,
      notFound: projectNotFound,
      patchValues: (patch) => patchColumns(patch, PATCH_COLUMNS),
    },
  );

  return {
    async create(input: NewProject): Promise<Project> {
      const now = nowIso(ctx);
      const row = await db
        .insertInto('projects')
        .values({
          name: requireText('name', input.name),
          git_url: requireText('git_url', input.git_url),
          base_branch: input.base_branch === undefined ? 'main' : requireText('base_branch', input.base_branch),
          local_path: optionalText('local_path', input.local_path),
          ci_provider: ciProvider(input.ci_provider),
          secrets: optionalObjectText('secrets', input.secrets),
          default_models: optionalObjectText('default_models', input.default_models),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProject(row);
    },

    find,

    get: requireFound(find, projectNotFound),

    async list(page = {}, filter: ProjectListFilter = {}) {
      if (filter.ids && filter.ids.length === 0) return { items: [], next_cursor: null };
      let query = db.selectFrom('projects').selectAll();
      if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
      return newestFirstPage(query, 'id', page, toProject);
    },

    update,
  };
}
