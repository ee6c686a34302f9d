import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { apiContract, ProjectCreate, ProtocolRunCreate } from '@tasksgodzilla/api-contract';
import type { CallOptions, TasksGodzillaClient } from '@tasksgodzilla/client';
import { z } from 'zod';
import { runSummary } from './run-summary.js';
import { errorResult, jsonResult, textResult } from './tool-result.js';

// Every input schema is built from the api contract's zod definitions, so a tool accepts exactly
// what the matching endpoint accepts (ids, page sizes, project and run fields).

const id = apiContract.getProtocol.params.shape.id;
const page = apiContract.listProjects.query.shape;
const eventsQuery = apiContract.listEvents.query.shape;

const projectId = id.describe('Project id (from list_projects).');
const protocolId = id.describe('Protocol run id (from list_protocols or create_protocol).');
const stepId = id.describe('Step run id (from protocol_status).');

const ProtocolFields = ProtocolRunCreate.pick({
  protocol_name: true,
  description: true,
  template: true,
  base_branch: true,
  engine_id: true,
  auto_advance: true,
  template_config: true,
});

/** One MCP tool: its name, what a model reads about it, its input schema and what it does. */
export interface ToolDefinition<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: S;
  annotations: ToolAnnotations;
  run(client: TasksGodzillaClient, args: z.output<S>, call: CallOptions): Promise<CallToolResult>;
}

const tool = <S extends z.ZodObject>(definition: ToolDefinition<S>): ToolDefinition => definition as never;

const READ: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };
const WRITE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, openWorldHint: false };

/** A run action by protocol id: start, pause, resume, cancel, next step, retry. */
const runAction = (
  name: string,
  title: string,
  description: string,
  act: (client: TasksGodzillaClient, protocolId: number, call: CallOptions) => Promise<unknown>,
  annotations: ToolAnnotations = WRITE,
) =>
  tool({
    name,
    title,
    description,
    input: z.object({ protocol_id: protocolId }),
    annotations,
    run: async (client, args, call) => jsonResult(await act(client, args.protocol_id, call)),
  });

/** A read of a step's text by step id: its log or its diff. */
const stepText = (
  name: string,
  title: string,
  description: string,
  whenEmpty: string,
  read: (client: TasksGodzillaClient, stepId: number, call: CallOptions) => Promise<string>,
) =>
  tool({
    name,
    title,
    description,
    input: z.object({ step_id: stepId }),
    annotations: READ,
    run: async (client, args, call) => textResult(await read(client, args.step_id, call), whenEmpty),
  });

/** The tools of the TasksGodzilla MCP server, in the order `tools/list` shows them. */
export const TOOLS: readonly ToolDefinition[] = [
  tool({
    name: 'list_projects',
    title: 'List projects',
    description: 'Lists the registered projects (git repositories), one page at a time.',
    input: z.object(page),
    annotations: READ,
    run: async (client, args, call) => jsonResult(await client.listProjects(args, call)),
  }),
  tool({
    name: 'create_project',
    title: 'Create a project',
    description:
      'Registers a git repository as a project (git_url: a clone URL or a local path). Onboarding clones and prepares it.',
    input: ProjectCreate,
    annotations: WRITE,
    run: async (client, args, call) => jsonResult(await client.createProject(args, call)),
  }),
  tool({
    name: 'list_protocols',
    title: 'List protocol runs',
    description: "Lists a project's protocol runs (tasks), one page at a time.",
    input: z.object({ project_id: projectId, ...page }),
    annotations: READ,
    run: async (client, { project_id, ...params }, call) =>
      jsonResult(await client.listProtocols(project_id, params, call)),
  }),
  tool({
    name: 'create_protocol',
    title: 'Create a protocol run',
    description: [
      'Creates a protocol run (a task) in a project: from a description (a planning agent writes the plan and steps)',
      'or from a template folder on the server (plan.md, context.md, numbered step files).',
      'auto_advance runs the steps one after the other by themselves; start=true also starts planning at once.',
    ].join(' '),
    input: ProtocolFields.extend({
      project_id: projectId,
      start: z.boolean().optional().describe('Start the run (planning) right after creating it.'),
    }),
    annotations: WRITE,
    run: async (client, { project_id, start, ...body }, call) => {
      const protocol = await client.createProtocol(project_id, body, call);
      const started = start ? await client.startProtocol(protocol.id, call) : null;
      return jsonResult({ protocol, start: started });
    },
  }),
  runAction(
    'start_protocol',
    'Start a protocol run',
    'Starts a pending run: plans it, then runs its steps.',
    (c, p, o) => c.startProtocol(p, o),
  ),
  tool({
    name: 'protocol_status',
    title: 'Protocol run status',
    description: [
      'A protocol run with all its steps and their statuses, whether it has ended (terminal) and which actions it offers.',
      'Poll it to wait for a run: it is done when terminal is true.',
    ].join(' '),
    input: z.object({ protocol_id: protocolId }),
    annotations: READ,
    run: async (client, args, call) => jsonResult(await runSummary(client, args.protocol_id, call)),
  }),
  runAction(
    'pause_protocol',
    'Pause a protocol run',
    'Pauses a run: no new step starts until it is resumed.',
    (c, p, o) => c.pauseProtocol(p, o),
  ),
  runAction('resume_protocol', 'Resume a protocol run', 'Resumes a paused run.', (c, p, o) => c.resumeProtocol(p, o)),
  runAction(
    'cancel_protocol',
    'Cancel a protocol run',
    'Cancels a run for good (its running step is stopped). It cannot be resumed.',
    (c, p, o) => c.cancelProtocol(p, o),
    { ...WRITE, destructiveHint: true },
  ),
  runAction(
    'run_next_step',
    'Run the next step',
    'Runs the next pending step of a planned or running run.',
    (c, p, o) => c.runNextStep(p, o),
  ),
  runAction(
    'retry_protocol',
    'Retry the latest failed step',
    'Runs the latest failed or blocked step of a run again (its feedback goes into the new attempt).',
    (c, p, o) => c.retryLatest(p, o),
  ),
  tool({
    name: 'approve_step',
    title: 'Approve a step',
    description: 'Approves a step by hand (marks it completed), e.g. one that QA blocked.',
    input: z.object({ step_id: stepId }),
    annotations: WRITE,
    run: async (client, args, call) => jsonResult(await client.approveStep(args.step_id, call)),
  }),
  stepText(
    'step_log',
    "A step's log",
    'The log of the engine run of a step (text).',
    '(the log is empty)',
    (c, id, o) => c.getStepLog(id, o),
  ),
  stepText(
    'step_diff',
    "A step's diff",
    'The git diff of what a step changed in the run worktree.',
    '(no changes)',
    (c, id, o) => c.getStepDiff(id, o),
  ),
  tool({
    name: 'recent_events',
    title: 'Recent events',
    description: 'The newest events (newest first) of a protocol run, of a project, or of everything.',
    input: z.object({
      protocol_id: protocolId.optional(),
      project_id: eventsQuery.project_id.describe('Only this project.'),
      limit: eventsQuery.limit,
    }),
    annotations: READ,
    run: async (client, { protocol_id, project_id, limit = 20 }, call) => {
      const events =
        protocol_id !== undefined
          ? await client.listProtocolEvents(protocol_id, { limit }, call)
          : await client.listEvents({ project_id, limit }, call);
      return jsonResult({ events: events.items });
    },
  }),
];

/**
 * Registers the tools on a server. A failed api call (404, 409, 422, unreachable api) becomes a
 * tool error result; arguments that do not match the schema are refused by the SDK before the call.
 */
export function registerTools(server: McpServer, client: TasksGodzillaClient): void {
  for (const definition of TOOLS) {
    server.registerTool(
      definition.name,
      {
        title: definition.title,
        description: definition.description,
        inputSchema: definition.input,
        annotations: definition.annotations,
      },
      async (args: unknown, extra: { signal: AbortSignal; requestId: string | number }) => {
        try {
          return await definition.run(client, args as never, { signal: extra.signal });
        } catch (error) {
          return errorResult(error);
        }
      },
    );
  }
}
