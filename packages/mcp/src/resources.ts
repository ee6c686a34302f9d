import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { apiContract } from '@tasksgodzilla/api-contract';
import { isApiError, type TasksGodzillaClient } from '@tasksgodzilla/client';
import { runSummary } from './run-summary.js';

/** `tasksgodzilla://protocols/{protocol_id}`: a run summary (the run, its steps, terminal, actions) as JSON. */
export const RUN_SUMMARY_TEMPLATE = 'tasksgodzilla://protocols/{protocol_id}';
/** `tasksgodzilla://steps/{step_id}/log`: the log of a step's engine run, as text. */
export const STEP_LOG_TEMPLATE = 'tasksgodzilla://steps/{step_id}/log';

const id = apiContract.getProtocol.params.shape.id;
/** How many projects, and runs of each, `resources/list` shows (the newest first). */
const LISTED_PROJECTS = 20;
const LISTED_RUNS = 20;

/** A URI variable as an id, or an MCP invalid-params error naming it. */
function idOf(uri: URL, variables: Record<string, string | string[]>, name: string): number {
  const raw = variables[name];
  const parsed = id.safeParse(Array.isArray(raw) ? raw[0] : raw);
  if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `${uri.href}: ${name} must be a positive integer`);
  return parsed.data;
}

/** Runs a read; an api failure (404 and the like) is an MCP invalid-params error with the api's message. */
async function read(uri: URL, load: () => Promise<ReadResourceResult>): Promise<ReadResourceResult> {
  try {
    return await load();
  } catch (error) {
    if (isApiError(error)) throw new McpError(ErrorCode.InvalidParams, `${uri.href}: ${error.message}`);
    throw error;
  }
}

/** Registers the resource templates: run summaries (listed: recent runs) and step logs. */
export function registerResources(server: McpServer, client: TasksGodzillaClient): void {
  server.registerResource(
    'protocol-run',
    new ResourceTemplate(RUN_SUMMARY_TEMPLATE, {
      list: async (extra) => {
        const call = { signal: extra.signal };
        const projects = await client.listProjects({ limit: LISTED_PROJECTS }, call);
        const resources = [];
        for (const project of projects.items) {
          const runs = await client.listProtocols(project.id, { limit: LISTED_RUNS }, call);
          for (const run of runs.items)
            resources.push({
              uri: RUN_SUMMARY_TEMPLATE.replace('{protocol_id}', String(run.id)),
              name: `${project.name}/${run.protocol_name}`,
              description: `Protocol run ${run.id} (${run.status})`,
              mimeType: 'application/json',
            });
        }
        return { resources };
      },
    }),
    {
      title: 'Protocol run summary',
      description: 'A protocol run with its steps, whether it has ended, and the actions it offers (JSON).',
      mimeType: 'application/json',
    },
    (uri, variables, extra) =>
      read(uri, async () => {
        const summary = await runSummary(client, idOf(uri, variables, 'protocol_id'), { signal: extra.signal });
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(summary, null, 2) }] };
      }),
  );

  server.registerResource(
    'step-log',
    new ResourceTemplate(STEP_LOG_TEMPLATE, { list: undefined }),
    { title: 'Step log', description: "The log of a step's engine run (text).", mimeType: 'text/plain' },
    (uri, variables, extra) =>
      read(uri, async () => {
        const text = await client.getStepLog(idOf(uri, variables, 'step_id'), { signal: extra.signal });
        return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
      }),
  );
}
