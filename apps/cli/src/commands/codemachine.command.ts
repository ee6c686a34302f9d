import type { CodeMachineImportResponse } from '@tasksgodzilla/client';
import type { Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { hostPath, nonBlank, parseId } from '../parse.js';
import { printResult, registerCommands } from './command-helpers.js';

export interface ImportInput {
  project: number;
  protocolName: string;
  workspacePath: string;
  baseBranch: string;
  description?: string;
  enqueue?: boolean;
}

export async function importCodeMachine(ctx: CommandContext, input: ImportInput): Promise<CodeMachineImportResponse> {
  const result = await ctx.client.importCodeMachine(input.project, {
    protocol_name: input.protocolName,
    workspace_path: input.workspacePath,
    base_branch: input.baseBranch,
    description: input.description ?? null,
    enqueue: input.enqueue === true,
  });
  return printResult(
    ctx,
    result,
    ({ message, protocol_run: run }) => `${message} Protocol ${run.protocol_name} (${run.id}), status ${run.status}.`,
  );
}

export function registerCodeMachineCommands(program: Command, ctxOf: ContextFactory): void {
  const codemachine = program.command('codemachine').description('import CodeMachine workspaces as protocol runs');

  registerCommands(codemachine, ctxOf, [
    {
      name: 'import',
      description: 'import a CodeMachine workspace (.codemachine folder on the api host) as a protocol run',
      examples: [
        'tgz codemachine import --project 1 --protocol-name 0002-cm --workspace-path ./cm-workspace',
        'tgz codemachine import --project 1 --protocol-name 0003-cm --workspace-path /srv/cm --enqueue',
      ],
      define: (command) =>
        command
          .requiredOption('--project <id>', 'project id', parseId)
          .requiredOption('--protocol-name <name>', 'name of the new protocol run', nonBlank)
          .requiredOption(
            '--workspace-path <path>',
            'workspace folder on the api host (a local path is sent absolute)',
            hostPath,
          )
          .option('--base-branch <branch>', 'base branch', 'main')
          .option('--description <text>', 'description of the run')
          .option('--enqueue', 'import in a background job instead of inline'),
      run: (ctx, opts: ImportInput) => importCodeMachine(ctx, opts),
    },
  ]);
}
