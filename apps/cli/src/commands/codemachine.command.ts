import type { CodeMachineImportResponse } from '@tasksgodzilla/client';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli.types.js';
import type { ContextFactory } from '../context.js';
import { hostPath, nonBlank } from '../parse.js';
import { registerGroup } from './command-helpers.js';
import { printResult } from './command-output.js';
import { baseBranchOption, descriptionOption, projectOption, required } from './command-options.js';

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
  const group = { name: 'codemachine', description: 'import CodeMachine workspaces as protocol runs' };
  registerGroup(program, ctxOf, group, [
    {
      name: 'import',
      description: 'import a CodeMachine workspace (.codemachine folder on the api host) as a protocol run',
      examples: [
        'tgz codemachine import --project 1 --protocol-name 0002-cm --workspace-path ./cm-workspace',
        'tgz codemachine import --project 1 --protocol-name 0003-cm --workspace-path /srv/cm --enqueue',
      ],
      options: [
        required(projectOption()),
        required(new Option('--protocol-name <name>', 'name of the new protocol run').argParser(nonBlank)),
        required(
          new Option(
            '--workspace-path <path>',
            'workspace folder on the api host (a local path is sent absolute)',
          ).argParser(hostPath),
        ),
        baseBranchOption('base branch', 'main'),
        descriptionOption('description of the run'),
        new Option('--enqueue', 'import in a background job instead of inline'),
      ],
      run: (ctx, opts: ImportInput) => importCodeMachine(ctx, opts),
    },
  ]);
}
