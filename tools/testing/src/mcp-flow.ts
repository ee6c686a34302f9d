import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from './wait.js';

// The issue-14 MCP flow, driven through the MCP SDK's own Client (over stdio or Streamable HTTP):
// a project, a protocol from a template with auto-advance, polled until it ends, a step's log read.

/** A tool call's result; a tool error (isError) throws with its text. */
export async function callTool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ structured: T; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return { structured: result.structuredContent as T, text };
}

interface Run {
  id: number;
  protocol_name: string;
  status: string;
}
interface RunSummary {
  protocol: Run;
  steps: { id: number; step_name: string; status: string }[];
  terminal: boolean;
}

export interface McpFlowResult {
  projectId: number;
  summary: RunSummary;
  /** The first step's log, through the `step_log` tool and through the step-log resource. */
  log: string;
  logResource: string;
  /** The run-summary resource, parsed. */
  summaryResource: RunSummary;
}

/**
 * Creates a project on `gitUrl`, waits for its onboarding run, creates `name` from `template` with
 * auto-advance and start, polls `protocol_status` until the run is terminal (waiting on state, up
 * to `timeoutMs`), then reads the first step's log by tool and by resource.
 */
export async function runMcpTemplateFlow(
  client: Client,
  options: {
    gitUrl: string;
    localPath?: string;
    template: string;
    name: string;
    projectName: string;
    timeoutMs?: number;
  },
): Promise<McpFlowResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const project = await callTool<{ id: number }>(client, 'create_project', {
    name: options.projectName,
    git_url: options.gitUrl,
    ...(options.localPath ? { local_path: options.localPath } : {}),
    base_branch: 'main',
  });
  const projectId = project.structured.id;
  const setup = await waitFor(
    async () => {
      const runs = await callTool<{ items: Run[] }>(client, 'list_protocols', { project_id: projectId });
      return runs.structured.items.find((r) => r.protocol_name.startsWith('setup-'));
    },
    (run) => run !== undefined && ['completed', 'failed', 'blocked', 'cancelled'].includes(run.status),
    'the onboarding run to end',
    timeoutMs,
  );
  if (setup?.status !== 'completed') throw new Error(`onboarding ended ${setup?.status}`);
  const created = await callTool<{ protocol: Run; start: { message: string } | null }>(client, 'create_protocol', {
    project_id: projectId,
    protocol_name: options.name,
    template: options.template,
    auto_advance: true,
    start: true,
  });
  const protocolId = created.structured.protocol.id;
  const summary = await waitFor(
    async () => (await callTool<RunSummary>(client, 'protocol_status', { protocol_id: protocolId })).structured,
    (status) => status.terminal,
    `protocol ${protocolId} to end`,
    timeoutMs,
  );
  const first = summary.steps[0];
  if (!first) throw new Error(`protocol ${protocolId} has no steps: ${JSON.stringify(summary)}`);
  const log = (await callTool(client, 'step_log', { step_id: first.id })).text;
  const logResource = await client.readResource({ uri: `tasksgodzilla://steps/${first.id}/log` });
  const runResource = await client.readResource({ uri: `tasksgodzilla://protocols/${protocolId}` });
  const text = (contents: object[]) => {
    const first = contents[0];
    return first && 'text' in first ? String(first.text) : '';
  };
  return {
    projectId,
    summary,
    log,
    logResource: text(logResource.contents),
    summaryResource: JSON.parse(text(runResource.contents)) as RunSummary,
  };
}

/** Bad arguments of each kind, as `[tool, arguments]`: every one must be an MCP tool error. */
export const BAD_TOOL_CALLS: readonly [string, Record<string, unknown>][] = [
  ['protocol_status', {}],
  ['protocol_status', { protocol_id: 'seven' }],
  ['step_log', { step_id: -3 }],
  ['create_protocol', { project_id: 1 }],
  ['no_such_tool', {}],
];
