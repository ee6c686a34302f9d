import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpHttpOptions } from './mcp.types.js';
import { createMcpServer } from './server.js';

/**
 * Answers one MCP Streamable HTTP request (a POST of JSON-RPC messages) statelessly: a fresh server
 * and transport per request, JSON answers (no session, no server-sent stream). Authentication is the
 * caller's job. Takes and returns web-standard Request/Response, so any HTTP framework can mount it.
 */
export async function handleMcpHttpRequest(request: Request, options: McpHttpOptions): Promise<Response> {
  const server = createMcpServer(options);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(
      request,
      options.parsedBody === undefined ? undefined : { parsedBody: options.parsedBody },
    );
  } finally {
    await server.close();
  }
}

/**
 * The answer to a GET or DELETE on a stateless MCP endpoint: 405 with `Allow: POST` and a JSON-RPC
 * error, as the Streamable HTTP spec asks of a server that offers no server-sent stream or sessions.
 */
export function mcpMethodNotAllowed(): Response {
  return new Response(
    JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: POST only' }, id: null }),
    { status: 405, headers: { allow: 'POST', 'content-type': 'application/json' } },
  );
}
