import {
  NotFoundError,
  ValidationError,
  type CiProvider,
  type IssueLink,
  type ProjectIssueSettings,
} from '@tasksgodzilla/core';
import type { IssueLinksTable, ProjectIssueSettingsTable } from '../schema.js';
import { constraintViolation } from './db-errors.js';
import { nowIso, type RepositoryContext } from './repository-context.js';
import type {
  IssueKey,
  IssueLinkRepository,
  NewIssueLink,
  ProjectIssueSettingsRepository,
  ProjectIssueSettingsWrite,
} from './repositories.types.js';
import { optionalText, requireBoolean, requireInteger, requireText } from './validation.js';

type IssueLinkRow = Omit<IssueLinksTable, 'id'> & { id: number };

function toIssueLink(row: IssueLinkRow): IssueLink {
  return {
    id: Number(row.id),
    project_id: Number(row.project_id),
    protocol_run_id: Number(row.protocol_run_id),
    provider: row.provider as CiProvider,
    repository: row.repository,
    issue_number: Number(row.issue_number),
    issue_url: row.issue_url,
    comment_id: row.comment_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function provider(value: unknown): CiProvider {
  if (value !== 'github' && value !== 'gitlab') {
    throw new ValidationError('Invalid provider: must be github or gitlab', [
      { path: ['provider'], message: 'must be github or gitlab' },
    ]);
  }
  return value;
}

export function createIssueLinkRepository(ctx: RepositoryContext): IssueLinkRepository {
  const { db } = ctx;
  const select = () => db.selectFrom('issue_links').selectAll();

  async function findByIssue(key: IssueKey): Promise<IssueLink | null> {
    const row = await select()
      .where('project_id', '=', key.project_id)
      .where('provider', '=', key.provider)
      .where('repository', '=', key.repository)
      .where('issue_number', '=', key.issue_number)
      .executeTakeFirst();
    return row ? toIssueLink(row) : null;
  }

  return {
    async link(input: NewIssueLink): Promise<{ link: IssueLink; created: boolean }> {
      const now = nowIso(ctx);
      const values = {
        project_id: requireInteger('project_id', input.project_id, 1),
        protocol_run_id: requireInteger('protocol_run_id', input.protocol_run_id, 1),
        provider: provider(input.provider),
        repository: requireText('repository', input.repository),
        issue_number: requireInteger('issue_number', input.issue_number, 1),
        issue_url: optionalText('issue_url', input.issue_url),
        comment_id: null,
        created_at: now,
        updated_at: now,
      };
      let inserted;
      try {
        // ON CONFLICT DO NOTHING: an issue linked before is an answer (and never aborts a PostgreSQL transaction).
        inserted = await db
          .insertInto('issue_links')
          .values(values)
          .onConflict((conflict) => conflict.doNothing())
          .returningAll()
          .executeTakeFirst();
      } catch (error) {
        if (constraintViolation(error)?.kind === 'foreign_key') {
          throw new ValidationError('Unknown project or protocol run for the issue link', [
            { path: ['protocol_run_id'], message: 'must name an existing run of the project' },
          ]);
        }
        throw error;
      }
      if (inserted) return { link: toIssueLink(inserted), created: true };
      const existing = (await findByIssue(values)) ?? (await this.findByRun(values.protocol_run_id));
      if (!existing) throw new NotFoundError('Issue link vanished after a conflict', { code: 'issue_link_not_found' });
      return { link: existing, created: false };
    },

    findByIssue,

    async findByRun(protocolRunId: number): Promise<IssueLink | null> {
      const row = await select().where('protocol_run_id', '=', protocolRunId).executeTakeFirst();
      return row ? toIssueLink(row) : null;
    },

    async swapCommentId(id: number, expected: string | null, next: string): Promise<boolean> {
      const query = db
        .updateTable('issue_links')
        .set({ comment_id: requireText('comment_id', next), updated_at: nowIso(ctx) })
        .where('id', '=', id);
      const result = await (
        expected === null ? query.where('comment_id', 'is', null) : query.where('comment_id', '=', expected)
      ).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toSettings(row: ProjectIssueSettingsTable): ProjectIssueSettings {
  return {
    project_id: Number(row.project_id),
    label: row.label,
    auto_start: Number(row.auto_start) === 1,
    auto_advance: Number(row.auto_advance) === 1,
    template: row.template,
    updated_at: row.updated_at,
  };
}

export function createProjectIssueSettingsRepository(ctx: RepositoryContext): ProjectIssueSettingsRepository {
  const { db } = ctx;
  return {
    async find(projectId: number): Promise<ProjectIssueSettings | null> {
      const row = await db
        .selectFrom('project_issue_settings')
        .selectAll()
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row ? toSettings(row) : null;
    },

    async put(projectId: number, settings: ProjectIssueSettingsWrite): Promise<ProjectIssueSettings> {
      const values = {
        project_id: requireInteger('project_id', projectId, 1),
        label: requireText('label', settings.label),
        auto_start: requireBoolean('auto_start', settings.auto_start) ? 1 : 0,
        auto_advance: requireBoolean('auto_advance', settings.auto_advance) ? 1 : 0,
        template: optionalText('template', settings.template ?? null),
        updated_at: nowIso(ctx),
      };
      try {
        const row = await db
          .insertInto('project_issue_settings')
          .values(values)
          .onConflict((conflict) =>
            conflict.column('project_id').doUpdateSet({
              label: values.label,
              auto_start: values.auto_start,
              auto_advance: values.auto_advance,
              template: values.template,
              updated_at: values.updated_at,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toSettings(row);
      } catch (error) {
        if (constraintViolation(error)?.kind === 'foreign_key')
          throw new NotFoundError('Project not found', {
            code: 'project_not_found',
            details: { project_id: projectId },
          });
        throw error;
      }
    },
  };
}
