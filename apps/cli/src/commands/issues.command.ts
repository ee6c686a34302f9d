import type {
  ProjectIssueSettingsOut,
  ProjectIssueSettingsUpdate,
  ProtocolFromIssueResponse,
} from '@tasksgodzilla/client';
import { Option } from 'commander';
import type { CommandContext } from '../cli.types.js';
import { hostPath, nonBlank } from '../parse.js';
import { printRecord } from './command-output.js';
import type { CommandSpec } from './command-helpers.js';
import { idArgument } from './command-options.js';

// Issues in (issue 14): a protocol run opened from a forge issue, and a project's issue settings.

/** `--from-issue <url|number>` of `protocols create`. */
export const fromIssueOption = (): Option =>
  new Option(
    '--from-issue <url|number>',
    "open the run of a GitHub/GitLab issue (its URL, or its number on the project's repository), read through the forge API: name issue-N-<title>, description from its body",
  ).argParser(nonBlank);

/** The issue reference as the api takes it: a number when it is one, else the text (a URL, `#7`). */
const issueValue = (raw: string): string | number => (/^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : raw.trim());

/** Opens (or finds) the issue's run; `start` also enqueues its planning when the project did not already. */
export async function createProtocolFromIssue(
  ctx: CommandContext,
  projectId: number,
  issue: string,
  start: boolean,
): Promise<ProtocolFromIssueResponse> {
  const result = await ctx.client.createProtocolFromIssue(projectId, { issue: issueValue(issue) });
  const run = result.protocol_run;
  const started = start && run.status === 'pending' ? await ctx.client.startProtocol(run.id) : null;
  if (ctx.json) ctx.printJson(started ? { ...result, start: started } : result);
  else {
    const what = result.created ? 'Created' : 'Found the existing';
    const planning = started ?? (result.job ? { job: result.job } : null);
    ctx.print(
      `${what} protocol ${run.id} (${run.protocol_name}) for the issue, status ${started ? 'planning' : run.status}.${
        planning
          ? ` Planning enqueued (job ${planning.job?.job_id ?? '-'}).`
          : run.status === 'pending'
            ? ` Start it with: tgz protocols start ${run.id}`
            : ''
      }`,
    );
  }
  return result;
}

const SETTINGS_FIELDS = ['project_id', 'label', 'auto_start', 'auto_advance', 'template', 'updated_at'] as const;

interface SettingsFlags {
  label?: string;
  autoStart?: boolean;
  autoAdvance?: boolean;
  template?: string | false;
}

/** Shows the settings, or changes the ones given by flags (the others are kept). */
export async function issueSettings(
  ctx: CommandContext,
  projectId: number,
  flags: SettingsFlags,
): Promise<ProjectIssueSettingsOut> {
  const update: ProjectIssueSettingsUpdate = {
    ...(flags.label !== undefined ? { label: flags.label } : {}),
    ...(flags.autoStart !== undefined ? { auto_start: flags.autoStart } : {}),
    ...(flags.autoAdvance !== undefined ? { auto_advance: flags.autoAdvance } : {}),
    ...(flags.template !== undefined ? { template: flags.template === false ? null : flags.template } : {}),
  };
  const settings =
    Object.keys(update).length === 0
      ? await ctx.client.getIssueSettings(projectId)
      : await ctx.client.updateIssueSettings(projectId, update);
  return printRecord(ctx, settings, SETTINGS_FIELDS);
}

/** `tgz projects issue-settings <project-id> [flags]`. */
export const issueSettingsCommand = (): CommandSpec => ({
  name: 'issue-settings',
  description:
    'show or change how issues become runs: the label (default tasksgodzilla), auto-start, auto-advance, the template',
  examples: [
    'tgz projects issue-settings 1',
    'tgz projects issue-settings 1 --label agent --auto-start --auto-advance --template /srv/templates/fix',
    'tgz projects issue-settings 1 --no-auto-start --no-template',
  ],
  args: [idArgument('<project-id>', 'project id')],
  options: [
    new Option('--label <name>', 'the label that turns an issue into a run').argParser(nonBlank),
    new Option('--auto-start', 'plan a run opened from an issue right away'),
    new Option('--no-auto-start', 'leave runs opened from issues pending'),
    new Option('--auto-advance', "run the steps of an issue's run one after another by themselves"),
    new Option('--no-auto-advance', 'advance step by step by hand'),
    new Option('--template <dir>', 'protocol template folder on the api host the runs plan from').argParser(hostPath),
    new Option('--no-template', 'plan with the planning agent (no template)'),
  ],
  run: (ctx, id: number, flags: SettingsFlags) => issueSettings(ctx, id, flags),
});
