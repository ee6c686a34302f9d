export { createMcpServer, MCP_SERVER_NAME } from './server.js';
export { serveMcpStdio } from './stdio.js';
export { handleMcpHttpRequest, mcpMethodNotAllowed } from './http.js';
export { TOOLS } from './tools.js';
export type { ToolDefinition } from './tools.js';
export { RUN_SUMMARY_TEMPLATE, STEP_LOG_TEMPLATE } from './resources.js';
export { runSummary } from './run-summary.js';
export type { RunSummary } from './run-summary.js';
export type { McpHttpOptions, McpServerDeps, McpStdioOptions } from './mcp.types.js';
