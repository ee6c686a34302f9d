import { z } from 'zod';
import { JobOut, ProtocolRunOut } from './contract.schemas.js';

// Issues in (issue 14): a protocol run opened from a forge issue, and each project's issue settings.

/** `POST /projects/{project_id}/protocols/from-issue`: an issue URL, or a number on the project's repository. */
export const ProtocolFromIssueRequest = z.object({
  issue: z
    .union([z.string().trim().min(1).max(2000), z.number().int().positive().max(999_999_999)])
    .describe('`https://github.com/o/r/issues/7`, `https://gitlab.example/g/p/-/issues/7`, `7` or `#7`'),
});

export const ProtocolFromIssueResponse = z.strictObject({
  message: z.string(),
  /** false: the issue had its run already; that run is returned and nothing was created. */
  created: z.boolean(),
  protocol_run: ProtocolRunOut,
  /** The planning job, when the project's `auto_start` started the run. */
  job: JobOut.nullable(),
});

export const ProjectIssueSettingsOut = z.strictObject({
  project_id: z.number().int(),
  label: z.string(),
  auto_start: z.boolean(),
  auto_advance: z.boolean(),
  template: z.string().nullable(),
  updated_at: z.string().nullable().describe('null until the settings are first set (the defaults)'),
});

/** Keys to change; absent keys keep their value. */
export const ProjectIssueSettingsUpdate = z.object({
  label: z.string().trim().min(1).max(255).optional(),
  auto_start: z.boolean().optional(),
  auto_advance: z.boolean().optional(),
  template: z.string().trim().min(1).max(4096).nullable().optional(),
});
