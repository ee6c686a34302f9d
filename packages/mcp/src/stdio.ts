import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import type { McpStdioOptions } from './mcp.types.js';
import { createMcpServer } from './server.js';

/**
 * Serves MCP over stdio (newline-delimited JSON-RPC) until stdin ends or `signal` aborts; resolves
 * once the server is closed. Nothing else may write to `stdout` meanwhile.
 */
export async function serveMcpStdio(options: McpStdioOptions): Promise<void> {
  const stdin = (options.stdin ?? process.stdin) as Readable;
  const stdout = (options.stdout ?? process.stdout) as Writable;
  const server = createMcpServer(options);
  const transport = new StdioServerTransport(stdin, stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
  });
  // The SDK's transport does not watch for the end of its input: the client hanging up ends the server.
  const stop = () => void server.close();
  stdin.once('end', stop);
  stdin.once('close', stop);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await server.connect(transport);
    if (options.signal?.aborted) stop();
    await closed;
  } finally {
    stdin.off('end', stop);
    stdin.off('close', stop);
    options.signal?.removeEventListener('abort', stop);
  }
}
