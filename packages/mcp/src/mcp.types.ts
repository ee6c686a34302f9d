import type { TasksGodzillaClient } from '@tasksgodzilla/client';

/** What the MCP server needs: the api client its tools and resources call. */
export interface McpServerDeps {
  /** The typed api client (a remote api, or the api itself in-process). */
  client: TasksGodzillaClient;
  /** Reported to MCP clients as the server version; defaults to this package's version. */
  version?: string;
}

/** `serveMcpStdio` options: the server's deps and the streams the JSON-RPC messages travel on. */
export interface McpStdioOptions extends McpServerDeps {
  /** Where requests arrive (one JSON-RPC message per line); process.stdin by default. */
  stdin?: NodeJS.ReadableStream;
  /** Where answers go; process.stdout by default. Nothing else may write to it. */
  stdout?: NodeJS.WritableStream;
  /** Stops serving when aborted (Ctrl-C). Serving also stops when stdin ends. */
  signal?: AbortSignal;
}

/** `handleMcpHttpRequest` options. */
export interface McpHttpOptions extends McpServerDeps {
  /** The request body when the web framework has already parsed it (JSON). */
  parsedBody?: unknown;
}
