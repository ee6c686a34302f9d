import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpServerDeps } from './mcp.types.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools.js';

/** The name MCP clients see. */
export const MCP_SERVER_NAME = 'tasksgodzilla';
const PACKAGE_VERSION = '0.1.0';

const INSTRUCTIONS = [
  'TasksGodzilla orchestrates AI coding agents over git repositories.',
  'A project is a repository; a protocol run is a task, planned into numbered steps that an engine executes and QA checks.',
  'Typical flow: list_projects (or create_project), create_protocol with start=true and auto_advance=true,',
  'then poll protocol_status until terminal is true; read step_log / step_diff of a step, recent_events for the history.',
].join(' ');

/**
 * An MCP server whose tools and resources call the TasksGodzilla api through `deps.client`. Connect it
 * to any transport of the SDK (`serveMcpStdio` and `handleMcpHttpRequest` do that).
 */
export function createMcpServer(deps: McpServerDeps): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: 'TasksGodzilla', version: deps.version ?? PACKAGE_VERSION },
    { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {} } },
  );
  registerTools(server, deps.client);
  registerResources(server, deps.client);
  return server;
}
