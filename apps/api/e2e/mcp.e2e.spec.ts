import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BAD_TOOL_CALLS, runMcpTemplateFlow } from '@tasksgodzilla/testing/mcp-flow';
import { API_TOKEN, startStack, type Stack } from './stack.test-helpers.js';

// The built api's /mcp (Streamable HTTP) driven by the MCP SDK's own client, behind the bearer token.

let stack: Stack;
let client: Client;

const mcpUrl = () => new URL('/mcp', stack.api.url);

beforeAll(async () => {
  stack = await startStack('sqlite-inline');
  client = new Client({ name: 'api-mcp-e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(mcpUrl(), {
      requestInit: { headers: { authorization: `Bearer ${API_TOKEN}` } },
    }),
  );
}, 180_000);

afterAll(async () => {
  await client?.close();
  await stack?.close();
}, 120_000);

describe('/mcp over Streamable HTTP', () => {
  it('answers 401 without the bearer token, and the SDK client fails to connect', async () => {
    const res = await fetch(mcpUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ detail: 'Unauthorized' });
    const anonymous = new Client({ name: 'anonymous', version: '1.0.0' });
    await expect(anonymous.connect(new StreamableHTTPClientTransport(mcpUrl()))).rejects.toThrow(/401|Unauthorized/);
  });

  it('lists the tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['list_projects', 'create_protocol', 'protocol_status', 'retry_protocol', 'step_diff']),
    );
  });

  it('creates a protocol from a template with auto-advance, waits for completion, and reads a step log', async () => {
    const flow = await runMcpTemplateFlow(client, {
      gitUrl: stack.repo.originPath,
      localPath: stack.repo.path,
      template: stack.template(),
      name: '0001-mcp-http',
      projectName: 'mcp-http',
    });
    expect(flow.summary.protocol.status).toBe('completed');
    expect(flow.summary.steps.map((s) => [s.step_name, s.status])).toEqual([
      ['00-setup.md', 'completed'],
      ['01-build.md', 'completed'],
      ['02-docs.md', 'completed'],
    ]);
    expect(flow.log).toContain('test -f work/setup.txt');
    expect(flow.logResource).toBe(flow.log);
    expect(flow.summaryResource.steps).toHaveLength(3);
  });

  it('answers bad arguments with MCP tool errors, never a crash', async () => {
    for (const [name, args] of BAD_TOOL_CALLS) {
      const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
      expect([name, result.isError]).toEqual([name, true]);
    }
    const conflict = (await client.callTool({
      name: 'resume_protocol',
      arguments: { protocol_id: 99_999 },
    })) as CallToolResult;
    expect(conflict).toMatchObject({ isError: true, content: [{ text: '404 Not Found: Protocol run not found' }] });
    expect((await fetch(new URL('/health', stack.api.url))).status).toBe(200);
  });
});
