import type { ProjectCreate, ProjectOut } from '@tasksgodzilla/client';
import type { CiProvider, DefaultModels, JsonObject } from '@tasksgodzilla/core';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { formatTs, renderOnboarding, renderTable } from '../format.js';
import { hostPath, nonBlank, oneOf, parseJsonObject } from '../parse.js';
import { collectAll, idCommands, registerGroup } from './command-helpers.js';
import { printAction, printList, printRecord, printResult } from './command-output.js';
import { baseBranchOption, idArgument, required, textArgument } from './command-options.js';
import { issueSettingsCommand } from './issues.command.js';

/** The fields `projects show` prints, in order. */
const PROJECT_FIELDS = [
  'id',
  'name',
  'git_url',
  'local_path',
  'base_branch',
  'ci_provider',
  'default_models',
  'secrets',
  'created_at',
  'updated_at',
] as const;

const renderProjects = (projects: readonly ProjectOut[]): string =>
  renderTable(
    ['ID', 'Name', 'Base', 'Git', 'Updated'],
    projects.map((p) => [p.id, p.name, p.base_branch, p.git_url, formatTs(p.updated_at)]),
  );

export async function listProjects(ctx: CommandContext): Promise<ProjectOut[]> {
  return printList(ctx, await collectAll(ctx, (p) => ctx.client.listProjects(p)), 'No projects.', renderProjects);
}

export async function createProject(ctx: CommandContext, input: ProjectCreate): Promise<ProjectOut> {
  return printResult(
    ctx,
    await ctx.client.createProject(input),
    (project) => `Created project ${project.id} (${project.name}). Setup job enqueued.`,
  );
}

export async function showProject(ctx: CommandContext, id: number): Promise<ProjectOut> {
  return printRecord(ctx, await ctx.client.getProject(id), PROJECT_FIELDS);
}

export async function showOnboarding(ctx: CommandContext, id: number): Promise<void> {
  printResult(ctx, await ctx.client.getOnboarding(id), (summary) =>
    summary ? renderOnboarding(summary) : 'No onboarding summary.',
  );
}

export async function startOnboarding(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.startOnboarding(id));
}

export async function listBranches(ctx: CommandContext, id: number): Promise<void> {
  printResult(ctx, await ctx.client.listBranches(id), ({ branches }) =>
    branches.length === 0 ? 'No remote branches.' : branches.join('\n'),
  );
}

export async function deleteBranch(ctx: CommandContext, id: number, branch: string, confirm: boolean): Promise<void> {
  printResult(
    ctx,
    await ctx.client.deleteBranch(id, branch, { confirm }),
    (result) => `Deleted remote branch ${result.branch}.`,
  );
}

interface CreateOptions {
  name: string;
  gitUrl: string;
  baseBranch: string;
  localPath?: string;
  ciProvider?: CiProvider;
  defaultModels?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
}

/** The flags of `projects create`. */
const createOptions = (): Option[] => [
  required(new Option('--name <name>', 'project name').argParser(nonBlank)),
  required(
    new Option(
      '--git-url <url-or-path>',
      'git URL or a path on the api host (a local path is sent absolute)',
    ).argParser(hostPath),
  ),
  baseBranchOption('base branch', 'main'),
  new Option('--local-path <path>', 'existing checkout to use instead of cloning').argParser(hostPath),
  new Option('--ci-provider <provider>', 'CI provider').argParser(oneOf(['github', 'gitlab'] as const)),
  new Option('--default-models <json>', 'default models by phase, e.g. \'{"planning":"gpt-5.1-high"}\'').argParser(
    parseJsonObject,
  ),
  new Option('--secrets <json>', 'project secrets (stored server-side; responses show only the keys)').argParser(
    parseJsonObject,
  ),
];

export function registerProjectsCommands(program: Command, ctxOf: ContextFactory): void {
  const projectId = () => idArgument('<project-id>', 'project id');
  registerGroup(
    program,
    ctxOf,
    {
      name: 'projects',
      description: 'register repositories (projects), follow their onboarding, list and delete remote branches',
    },
    [
      {
        name: 'list',
        description: 'list projects, newest first',
        examples: ['tgz projects list', 'tgz projects list --json'],
        run: (ctx) => listProjects(ctx),
      },
      {
        name: 'create',
        description: 'register a repository; the api enqueues its onboarding (clone, assets, git identity)',
        examples: [
          'tgz projects create --name demo --git-url /srv/git/demo.git',
          'tgz projects create --name api --git-url git@github.com:acme/api.git --base-branch develop --ci-provider github',
          'tgz projects create --name demo --git-url ./demo --default-models \'{"exec":"gpt-5.1-codex-max"}\' --json',
        ],
        options: createOptions(),
        run: (ctx, opts: CreateOptions) =>
          createProject(ctx, {
            name: opts.name,
            git_url: opts.gitUrl,
            base_branch: opts.baseBranch,
            local_path: opts.localPath ?? null,
            ci_provider: opts.ciProvider ?? null,
            default_models: (opts.defaultModels as DefaultModels | undefined) ?? null,
            ...(opts.secrets ? { secrets: opts.secrets as JsonObject } : {}),
          }),
      },
      ...idCommands(projectId(), [
        {
          name: 'show',
          description: 'show one project (secrets redacted)',
          examples: ['tgz projects show 1'],
          run: showProject,
        },
        {
          name: 'onboarding',
          description: 'show the onboarding summary: status, stages, recent events',
          examples: ['tgz projects onboarding 1', 'tgz projects onboarding 1 --json'],
          run: showOnboarding,
        },
        {
          name: 'start-onboarding',
          alias: 'onboarding-start',
          description: 'enqueue the onboarding (project setup) job again',
          examples: ['tgz projects start-onboarding 1'],
          run: startOnboarding,
        },
        {
          name: 'branches',
          description: "list the remote branches of the project's origin",
          examples: ['tgz projects branches 1'],
          run: listBranches,
        },
      ]),
      {
        name: 'delete-branch',
        description: 'delete a remote branch on origin (needs --yes)',
        examples: ['tgz projects delete-branch 1 0001-demo --yes'],
        args: [projectId(), textArgument('<branch>', 'branch name (may contain /)')],
        options: [required(new Option('--yes', 'confirm the deletion'))],
        run: (ctx, id: number, branch: string, opts: { yes: boolean }) =>
          deleteBranch(ctx, id, branch, opts.yes === true),
      },
      issueSettingsCommand(),
    ],
  );
}
