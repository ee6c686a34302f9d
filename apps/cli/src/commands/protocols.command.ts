import type { ActionResponse, ProtocolRunCreate, ProtocolRunOut } from '@tasksgodzilla/client';
import { PROTOCOL_STATUSES, type ProtocolStatus } from '@tasksgodzilla/core';
import { Option, type Command } from 'commander';
import { CommandFailedError } from '../cli.errors.js';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { formatDuration, formatTs, renderProtocolSpec, renderTable, renderUsage, shortHash } from '../format.js';
import { hostPath, nonBlank, oneOf, parseSeconds } from '../parse.js';
import { collectAll, idCommands, registerGroup } from './command-helpers.js';
import { createProtocolFromIssue, fromIssueOption } from './issues.command.js';
import { UsageError } from '../cli.errors.js';
import { printAction, printList, printRecord, printResult } from './command-output.js';
import { baseBranchOption, descriptionOption, idArgument, projectOption, required } from './command-options.js';

/** Statuses after which a run will not move without a person: waiting stops there. */
const END_STATUSES: readonly ProtocolStatus[] = ['completed', 'cancelled', 'failed', 'blocked'];

/** The fields `protocols show` prints, in order. */
const PROTOCOL_FIELDS = [
  'id',
  'project_id',
  'protocol_name',
  'status',
  'base_branch',
  'branch_name',
  'auto_advance',
  'worktree_path',
  'protocol_root',
  'description',
  'spec_hash',
  'spec_validation_status',
  'spec_validated_at',
  'created_at',
  'updated_at',
] as const;

const renderProtocols = (runs: readonly ProtocolRunOut[]): string =>
  renderTable(
    ['ID', 'Name', 'Status', 'Base', 'Branch', 'Auto', 'Spec', 'SpecValid', 'SpecAt', 'Updated'],
    runs.map((r) => [
      r.id,
      r.protocol_name,
      r.status,
      r.base_branch,
      r.branch_name,
      r.auto_advance ? 'yes' : 'no',
      shortHash(r.spec_hash),
      r.spec_validation_status,
      formatTs(r.spec_validated_at),
      formatTs(r.updated_at),
    ]),
  );

export async function listProtocols(ctx: CommandContext, projectId: number): Promise<ProtocolRunOut[]> {
  const runs = await collectAll(ctx, (p) => ctx.client.listProtocols(projectId, p));
  return printList(ctx, runs, 'No protocol runs.', renderProtocols);
}

export interface CreateProtocolInput {
  projectId: number;
  name: string;
  baseBranch?: string;
  description?: string;
  template?: string;
  /** Engine of every agent phase of the run (the api refuses an id it does not know). */
  engine?: string;
  autoAdvance?: boolean;
}

function createBody(input: CreateProtocolInput): ProtocolRunCreate {
  return {
    protocol_name: input.name,
    ...(input.baseBranch ? { base_branch: input.baseBranch } : {}),
    description: input.description ?? null,
    ...(input.template ? { template: input.template } : {}),
    ...(input.engine ? { engine_id: input.engine } : {}),
    ...(input.autoAdvance ? { auto_advance: true } : {}),
  };
}

/** Creates a run (pending); with `start`, also enqueues its planning. */
export async function createProtocol(
  ctx: CommandContext,
  input: CreateProtocolInput,
  start: boolean,
): Promise<{ protocol: ProtocolRunOut; start: ActionResponse | null }> {
  const protocol = await ctx.client.createProtocol(input.projectId, createBody(input));
  const started = start ? await ctx.client.startProtocol(protocol.id) : null;
  if (ctx.json) ctx.printJson(start ? { protocol, start: started } : protocol);
  else if (started)
    ctx.print(
      `Protocol ${protocol.protocol_name} (${protocol.id}) created; planning enqueued (job ${started.job?.job_id ?? '-'}).`,
    );
  else
    ctx.print(
      `Created protocol ${protocol.id} (${protocol.protocol_name}), status ${protocol.status}${protocol.auto_advance ? ', auto-advance on' : ''}. Start it with: tgz protocols start ${protocol.id}`,
    );
  return { protocol, start: started };
}

export async function showProtocol(ctx: CommandContext, id: number): Promise<ProtocolRunOut> {
  return printRecord(ctx, await ctx.client.getProtocol(id), PROTOCOL_FIELDS);
}

export async function startProtocol(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.startProtocol(id));
}

type RunAction = 'pause' | 'resume' | 'cancel';

export async function changeProtocol(ctx: CommandContext, id: number, action: RunAction): Promise<ProtocolRunOut> {
  const run =
    action === 'pause'
      ? await ctx.client.pauseProtocol(id)
      : action === 'resume'
        ? await ctx.client.resumeProtocol(id)
        : await ctx.client.cancelProtocol(id);
  return printResult(ctx, run, (r) => `OK: protocol ${r.id} (${r.protocol_name}) is ${r.status}.`);
}

export async function runNextStep(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.runNextStep(id));
}

export async function retryLatest(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.retryLatest(id));
}

export async function openPr(ctx: CommandContext, id: number): Promise<void> {
  printAction(ctx, await ctx.client.openPr(id));
}

export async function showSpec(ctx: CommandContext, id: number): Promise<void> {
  printResult(ctx, await ctx.client.getProtocolSpec(id), renderProtocolSpec);
}

export async function showUsage(ctx: CommandContext, id: number): Promise<void> {
  printResult(ctx, await ctx.client.getProtocolUsage(id), renderUsage);
}

export interface WaitOptions {
  until: ProtocolStatus;
  /** Seconds; 0 waits without a limit. */
  timeout: number;
  /** Seconds between polls. */
  interval: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Why a run stopped: its failed or blocked steps with their summaries. */
async function stuckSteps(ctx: CommandContext, id: number): Promise<string> {
  try {
    const steps = await collectAll(ctx, (p) => ctx.client.listSteps(id, p));
    const bad = steps.filter((s) => s.status === 'failed' || s.status === 'blocked');
    return bad.map((s) => `\n  step ${s.id} ${s.step_name}: ${s.status}${s.summary ? ` (${s.summary})` : ''}`).join('');
  } catch {
    return '';
  }
}

/**
 * Polls the run until it reaches `until` or stops elsewhere (completed, cancelled, failed, blocked).
 * Reaching anything but `until` (or the timeout, or Ctrl-C) is a failure (exit 1).
 */
export async function waitForProtocol(ctx: CommandContext, id: number, options: WaitOptions): Promise<ProtocolRunOut> {
  const started = ctx.now();
  const { signal, dispose } = ctx.interruptSignal();
  let last: ProtocolStatus | undefined;
  try {
    for (;;) {
      const run = await ctx.client.getProtocol(id);
      if (run.status !== last) {
        const line = `[${formatTs(new Date(ctx.now()).toISOString())}] protocol ${run.id} (${run.protocol_name}): ${run.status}`;
        if (ctx.json) ctx.note(line);
        else ctx.print(line);
        last = run.status;
      }
      if (run.status === options.until || END_STATUSES.includes(run.status)) {
        if (ctx.json) ctx.printJson(run);
        if (run.status === options.until) {
          if (!ctx.json)
            ctx.print(
              `Protocol ${run.id} (${run.protocol_name}) is ${run.status} after ${formatDuration(ctx.now() - started)}.`,
            );
          return run;
        }
        throw new CommandFailedError(
          `protocol ${run.id} (${run.protocol_name}) ended ${run.status}, not ${options.until}${await stuckSteps(ctx, id)}`,
        );
      }
      const elapsed = ctx.now() - started;
      if (options.timeout > 0 && elapsed >= options.timeout * 1000) {
        throw new CommandFailedError(
          `timed out after ${options.timeout} s waiting for protocol ${run.id} (${run.protocol_name}) to be ${options.until}; it is ${run.status}`,
        );
      }
      const remaining = options.timeout > 0 ? options.timeout * 1000 - elapsed : Number.POSITIVE_INFINITY;
      await sleep(Math.min(options.interval * 1000, remaining), signal);
      if (signal.aborted)
        throw new CommandFailedError(`interrupted while waiting for protocol ${run.id}; it is ${run.status}`);
    }
  } finally {
    dispose();
  }
}

interface CreateFlags {
  project: number;
  name?: string;
  baseBranch?: string;
  description?: string;
  template?: string;
  engine?: string;
  autoAdvance?: boolean;
  start?: boolean;
  fromIssue?: string;
}

const toInput = (opts: CreateFlags): CreateProtocolInput => ({
  projectId: opts.project,
  name: opts.name ?? '',
  baseBranch: opts.baseBranch,
  description: opts.description,
  template: opts.template,
  engine: opts.engine,
  autoAdvance: opts.autoAdvance === true,
});

const nameOption = () =>
  new Option('--name <name>', 'protocol name, NNNN-task (also the branch name)').argParser(nonBlank);

/** The flags of `protocols create` (`--name` or `--from-issue`) and `create-and-start`. */
const createOptions = (nameRequired = true): Option[] => [
  required(projectOption()),
  nameRequired ? required(nameOption()) : nameOption(),
  baseBranchOption("base branch (default: the project's)"),
  descriptionOption('what the task is about (the planning prompt uses it)'),
  new Option(
    '--template <dir>',
    'plan from a protocol template folder on the api host (plan.md, context.md, log.md, NN-*.md) instead of a planning agent',
  ).argParser(hostPath),
  new Option(
    '--engine <id>',
    "engine of the run's agent phases: codex, claude-code, opencode or shell (default: the project's, else the server's)",
  ).argParser(nonBlank),
  new Option('--auto-advance', 'after each completed step, enqueue the next one until the run is done'),
];

export function registerProtocolsCommands(program: Command, ctxOf: ContextFactory): void {
  const group = {
    name: 'protocols',
    description: 'protocol runs: create, start, pause/resume/cancel, step actions, spec, usage, wait',
  };
  registerGroup(program, ctxOf, group, [
    {
      name: 'list',
      description: "list a project's protocol runs, newest first",
      examples: ['tgz protocols list --project 1'],
      options: [required(projectOption())],
      run: (ctx, opts: { project: number }) => listProtocols(ctx, opts.project),
    },
    {
      name: 'create',
      description: 'create a protocol run (pending); --start also enqueues planning',
      examples: [
        'tgz protocols create --project 1 --name 0001-demo --description "Add a greeting script"',
        'tgz protocols create --project 1 --name 0002-demo --template ./my-template --auto-advance --start',
        'tgz protocols create --project 1 --from-issue https://github.com/acme/api/issues/42 --start',
      ],
      options: [...createOptions(false), fromIssueOption(), new Option('--start', 'start planning right away')],
      run: async (ctx, opts: CreateFlags) => {
        if (opts.fromIssue !== undefined) {
          if (opts.name !== undefined) throw new UsageError('--name and --from-issue exclude each other');
          return createProtocolFromIssue(ctx, opts.project, opts.fromIssue, opts.start === true);
        }
        if (opts.name === undefined)
          throw new UsageError("required option '--name <name>' (or --from-issue) not specified");
        return createProtocol(ctx, toInput(opts), opts.start === true);
      },
    },
    {
      name: 'create-and-start',
      description: 'create a protocol run and enqueue its planning (the original command)',
      examples: ['tgz protocols create-and-start --project 1 --name 0001-demo --description "Add a greeting script"'],
      options: createOptions(),
      run: (ctx, opts: CreateFlags) => createProtocol(ctx, toInput(opts), true),
    },
    ...idCommands(idArgument('<protocol-id>', 'protocol run id'), [
      { name: 'show', description: 'show one protocol run', examples: ['tgz protocols show 2'], run: showProtocol },
      {
        name: 'start',
        description: 'enqueue planning of a pending run',
        examples: ['tgz protocols start 2'],
        run: startProtocol,
      },
      ...(
        [
          ['pause', 'pause a run: no new step starts until it is resumed'],
          ['resume', 'resume a paused run'],
          ['cancel', 'cancel a run and its pending steps'],
        ] as const
      ).map(([action, description]) => ({
        name: action,
        description,
        examples: [`tgz protocols ${action} 2`],
        run: (ctx: CommandContext, id: number) => changeProtocol(ctx, id, action),
      })),
      {
        name: 'run-next',
        description: 'enqueue the first pending, blocked or failed step',
        examples: ['tgz protocols run-next 2'],
        run: runNextStep,
      },
      {
        name: 'retry-latest',
        description: 'retry the last failed or blocked step',
        examples: ['tgz protocols retry-latest 2'],
        run: retryLatest,
      },
      {
        name: 'open-pr',
        description: 'enqueue push + PR/MR creation for the run branch',
        examples: ['tgz protocols open-pr 2'],
        run: openPr,
      },
      {
        name: 'spec',
        description: 'show the protocol spec: hash, validation, steps',
        examples: ['tgz protocols spec 2', 'tgz protocols spec 2 --json'],
        run: showSpec,
      },
      {
        name: 'usage',
        description: 'show tokens and cost of a run, by phase and by model',
        examples: ['tgz protocols usage 2'],
        run: showUsage,
      },
    ]),
    {
      name: 'wait',
      description:
        'poll a run until it reaches a status (default completed); exit 1 if it stops anywhere else or times out',
      examples: [
        'tgz protocols wait 2',
        'tgz protocols wait 2 --until planned --timeout 120',
        'tgz protocols wait 2 --timeout 600 --json',
      ],
      args: [idArgument('<protocol-id>', 'protocol run id')],
      options: [
        new Option('--until <status>', 'status to wait for').default('completed').argParser(oneOf(PROTOCOL_STATUSES)),
        new Option('--timeout <seconds>', 'give up after this long (0: no limit)').argParser(parseSeconds).default(0),
        new Option('--interval <seconds>', 'seconds between polls').argParser(parseSeconds).default(1),
      ],
      run: (ctx, id: number, opts: WaitOptions) =>
        waitForProtocol(ctx, id, { ...opts, interval: Math.max(0.1, opts.interval) }),
    },
  ]);
}
