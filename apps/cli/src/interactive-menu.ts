import { createInterface } from 'node:readline/promises';
import type { CiProvider, DefaultModels } from '@tasksgodzilla/core';
import { isApiError } from '@tasksgodzilla/client';
import { InvalidArgumentError } from 'commander';
import type { CliIo, CommandContext } from './cli.types.js';
import { importCodeMachine } from './commands/codemachine.command.js';
import { collectAll } from './commands/command-helpers.js';
import { recentEvents } from './commands/events.command.js';
import { createProject, listProjects, showOnboarding } from './commands/projects.command.js';
import {
  changeProtocol,
  createProtocol,
  listProtocols,
  openPr,
  retryLatest,
  runNextStep,
} from './commands/protocols.command.js';
import { queueStats } from './commands/queues.command.js';
import { approveStep, listSteps, runStepQa } from './commands/steps.command.js';
import { formatError } from './cli.errors.js';
import { hostPath, parseId, parseJsonObject } from './parse.js';

interface MenuState {
  project: number | undefined;
  protocol: number | undefined;
}

/** Thrown by the menu's own checks ("Select a project first."): printed as is. */
class MenuNotice extends Error {}

function menuText(state: MenuState): string {
  const lines = [
    '',
    'Interactive TasksGodzilla CLI',
    `Current project: ${state.project ?? '-'}   Current protocol: ${state.protocol ?? '-'}`,
  ];
  const items = [...MENU, { key: 'q', label: 'Quit' }].map(({ key, label }) => `${key.padStart(3)}) ${label}`);
  for (let i = 0; i < items.length; i += 2) {
    const pair = items.slice(i, i + 2);
    lines.push(pair.length === 2 ? `${(pair[0] ?? '').padEnd(34)}${pair[1]}` : (pair[0] ?? ''));
  }
  return lines.join('\n');
}

/**
 * The numbered menu over the same command functions as the subcommands. Api errors print
 * `Error: …` and the loop goes on; `q`, Ctrl-C or end of input leave it (exit 0).
 */
export async function runInteractiveMenu(ctx: CommandContext, io: CliIo): Promise<number> {
  if (!io.stdin) throw new Error('interactive mode needs an input stream');
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout as NodeJS.WritableStream,
    terminal: Boolean(io.stdin.isTTY),
  });
  let closed = false;
  const closedPromise = new Promise<null>((resolve) => rl.once('close', () => ((closed = true), resolve(null))));
  rl.on('SIGINT', () => rl.close());
  const ask = async (prompt: string): Promise<string> => {
    if (closed) throw new MenuNotice('closed');
    const answer = await Promise.race([rl.question(prompt), closedPromise]);
    if (answer === null) throw new MenuNotice('closed');
    return answer.trim();
  };
  const state: MenuState = { project: undefined, protocol: undefined };
  ctx.print('TasksGodzilla — tgz');
  try {
    for (;;) {
      ctx.print(menuText(state));
      let choice: string;
      try {
        choice = (await ask('Choose an option: ')).toLowerCase();
      } catch {
        break;
      }
      if (['q', 'quit', 'exit'].includes(choice)) break;
      try {
        const entry = MENU.find((item) => item.key === choice);
        if (entry) await entry.run(ctx, state, ask);
        else ctx.print('Unknown choice.');
      } catch (error) {
        if (closed) break;
        if (error instanceof MenuNotice) ctx.print(error.message);
        else if (error instanceof InvalidArgumentError) ctx.print(`Invalid input: ${error.message}`);
        else if (isApiError(error)) ctx.print(`Error: ${error.message}`);
        else ctx.print(formatError(error, ctx.globals.verbose).replace(/^error: /, 'Error: '));
      }
    }
  } finally {
    rl.close();
  }
  return 0;
}

type Ask = (prompt: string) => Promise<string>;

function needProject(state: MenuState): number {
  if (state.project === undefined) throw new MenuNotice('Select a project first.');
  return state.project;
}

function needProtocol(state: MenuState): number {
  if (state.protocol === undefined) throw new MenuNotice('Select a protocol first.');
  return state.protocol;
}

/** Asks for a step id; empty picks the first step that is not done (else the last one). */
async function pickStep(ctx: CommandContext, state: MenuState, ask: Ask): Promise<{ id: number; name: string }> {
  const protocol = needProtocol(state);
  const steps = await collectAll(ctx, (p) => ctx.client.listSteps(protocol, p));
  const fallback = steps.find((s) => s.status !== 'completed' && s.status !== 'cancelled') ?? steps[steps.length - 1];
  if (!fallback) throw new MenuNotice('No steps yet.');
  const answer = await ask(`Step ID [${fallback.id} ${fallback.step_name}]: `);
  if (answer === '') return { id: fallback.id, name: fallback.step_name };
  const id = parseId(answer);
  return { id, name: steps.find((s) => s.id === id)?.step_name ?? String(id) };
}

/** An id typed at `prompt`; empty clears the selection. */
async function askId(ask: Ask, prompt: string): Promise<number | undefined> {
  const answer = await ask(prompt);
  return answer === '' ? undefined : parseId(answer);
}

async function createProjectFromMenu(ctx: CommandContext, state: MenuState, ask: Ask): Promise<void> {
  const name = await ask('Project name: ');
  const gitUrl = await ask('Git URL/path: ');
  const base = (await ask('Base branch [main]: ')) || 'main';
  const ci = (await ask('CI provider (github/gitlab/blank): ')).toLowerCase();
  const models = await ask('Default models JSON (optional): ');
  if (!name || !gitUrl) throw new MenuNotice('Invalid input: name and git URL are required.');
  if (ci && ci !== 'github' && ci !== 'gitlab')
    throw new MenuNotice('Invalid input: CI provider must be github, gitlab or blank.');
  const project = await createProject(ctx, {
    name,
    git_url: hostPath(gitUrl),
    base_branch: base,
    ci_provider: (ci || null) as CiProvider | null,
    default_models: models ? (parseJsonObject(models) as DefaultModels) : null,
  });
  state.project = project.id;
}

async function createProtocolFromMenu(ctx: CommandContext, state: MenuState, ask: Ask): Promise<void> {
  const project = needProject(state);
  const name = await ask('Protocol name (NNNN-task): ');
  const base = (await ask('Base branch [main]: ')) || 'main';
  const description = await ask('Description (optional): ');
  const template = await ask('Template folder (optional, plans offline with the shell engine): ');
  const auto = (await ask('Auto-advance through the steps? [y/N]: ')).toLowerCase().startsWith('y');
  if (!name) throw new MenuNotice('Invalid input: a protocol name is required.');
  const { protocol } = await createProtocol(
    ctx,
    {
      projectId: project,
      name,
      baseBranch: base,
      description: description || undefined,
      template: template ? hostPath(template) : undefined,
      autoAdvance: auto,
    },
    true,
  );
  state.protocol = protocol.id;
}

async function importFromMenu(ctx: CommandContext, state: MenuState, ask: Ask): Promise<void> {
  const project = needProject(state);
  const name = await ask('Protocol name for CodeMachine run: ');
  const workspace = await ask('Workspace path: ');
  const base = (await ask('Base branch [main]: ')) || 'main';
  const description = await ask('Description (optional): ');
  const enqueue = (await ask('Enqueue job? [y/N]: ')).toLowerCase().startsWith('y');
  if (!name || !workspace) throw new MenuNotice('Invalid input: name and workspace path are required.');
  const result = await importCodeMachine(ctx, {
    project,
    protocolName: name,
    workspacePath: hostPath(workspace),
    baseBranch: base,
    description: description || undefined,
    enqueue,
  });
  state.protocol = result.protocol_run.id;
}

/** What a menu entry does with the current selection; it may ask for more. */
type MenuAction = (ctx: CommandContext, state: MenuState, ask: Ask) => Promise<unknown>;

/** Menu numbers 1-12 are the original's; 13 and up fill its gaps (selecting a run, run actions). */
const MENU: readonly { key: string; label: string; run: MenuAction }[] = [
  { key: '1', label: 'List projects', run: (ctx) => listProjects(ctx) },
  {
    key: '2',
    label: 'Select project',
    run: async (_, state, ask) => (state.project = await askId(ask, 'Project ID: ')),
  },
  { key: '3', label: 'Create project', run: createProjectFromMenu },
  { key: '4', label: 'List protocols', run: (ctx, state) => listProtocols(ctx, needProject(state)) },
  { key: '5', label: 'Create + start protocol', run: createProtocolFromMenu },
  { key: '6', label: 'Run next step', run: (ctx, state) => runNextStep(ctx, needProtocol(state)) },
  {
    key: '7',
    label: 'List steps',
    run: async (ctx, state) => {
      const steps = await listSteps(ctx, needProtocol(state));
      if (steps.length === 0) ctx.print('(No steps yet: the run is not planned.)');
    },
  },
  { key: '8', label: 'Run QA on a step', run: async (ctx, s, ask) => runStepQa(ctx, (await pickStep(ctx, s, ask)).id) },
  { key: '9', label: 'Approve a step', run: async (ctx, s, ask) => approveStep(ctx, (await pickStep(ctx, s, ask)).id) },
  { key: '10', label: 'Recent events', run: (ctx, state) => recentEvents(ctx, state.project, 20) },
  { key: '11', label: 'Queue stats', run: (ctx) => queueStats(ctx) },
  { key: '12', label: 'Import CodeMachine', run: importFromMenu },
  {
    key: '13',
    label: 'Select protocol',
    run: async (_, state, ask) => (state.protocol = await askId(ask, 'Protocol ID: ')),
  },
  { key: '14', label: 'Onboarding status', run: (ctx, state) => showOnboarding(ctx, needProject(state)) },
  { key: '15', label: 'Retry latest failed step', run: (ctx, state) => retryLatest(ctx, needProtocol(state)) },
  { key: '16', label: 'Pause protocol', run: (ctx, state) => changeProtocol(ctx, needProtocol(state), 'pause') },
  { key: '17', label: 'Resume protocol', run: (ctx, state) => changeProtocol(ctx, needProtocol(state), 'resume') },
  { key: '18', label: 'Cancel protocol', run: (ctx, state) => changeProtocol(ctx, needProtocol(state), 'cancel') },
  { key: '19', label: 'Open PR/MR', run: (ctx, state) => openPr(ctx, needProtocol(state)) },
];
